/*
 * check_chat_instagram_ios.c — the instagram-ios plugin on plaso's
 * 9368974384.db (plaso's ios_instagram test: 75 messages; the first from
 * 9368974384 (ThisIsDFIR) at 2020-03-22T19:12:02.808456Z, a video chat
 * "Video chat ended", call 18135614113062170; the second from 22824420,
 * "Clicked over to Threads. I still do not understand why this app
 * exists.", 2020-03-25T01:41:17.164115Z; the sixth from 9368974384 at
 * 2020-03-25T01:49:04.901623Z sharing media 251704772664178 with its URL),
 * and on archives that are broken or hostile: the binary-plist reader is
 * tested here too.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bplist.h"
#include "chat_deleted.h"
#include "fixtures/instagram_ios.h"
#include "chat_test.h"
#include "exhibit/plugin.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

START_TEST(plaso_ios_instagram_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/9368974384.db");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 75);

	m = stub_host_record(r.host, MESSAGES, 0);
	chat_expect_text(m, "app", "Instagram");
	chat_expect_text(m, "sender", "9368974384");
	chat_expect_text(m, "sender_name", "ThisIsDFIR");
	chat_expect_time(m, "sent", "2020-03-22T19:12:02.808456Z");
	chat_expect_text(m, "body", "Video chat ended");
	chat_expect_text(m, "message_type", "call");
	chat_expect_text(m, "direction", "outgoing");
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"),
	                             "\"video_call_id\":\"18135614113062170\""));

	m = stub_host_record(r.host, MESSAGES, 1);
	chat_expect_text(m, "sender", "22824420");
	chat_expect_text(m, "body", "Clicked over to Threads. I still do not understand why "
	                 "this app exists.");
	chat_expect_time(m, "sent", "2020-03-25T01:41:17.164115Z");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "recipients", "[\"9368974384\"]");

	m = stub_host_record(r.host, MESSAGES, 5);
	chat_expect_text(m, "sender", "9368974384");
	chat_expect_time(m, "sent", "2020-03-25T01:49:04.901623Z");
	chat_expect_null(m, "body");
	chat_expect_text(m, "message_type", "media");
	a = chat_find(&r, "chat_attachments", "message_key", chat_field_text(m, "message_key"));
	chat_expect_text(a, "name", "251704772664178");
	chat_expect_text(a, "url",
		"https://scontent.cdninstagram.com/v/t51.2885-15/"
		"90697930_220393875685423_3218385085483800637_n.jpg?"
		"stp=dst-jpg_s160x160&_nc_cat=103&ccb=1-7&_nc_sid=5a057b&"
		"_nc_ohc=z194P_hvTg0AX-68NdR&_nc_ad=z-m&_nc_cid=0&"
		"_nc_ht=scontent.cdninstagram.com&"
		"oh=00_AfBhsQiBp9t6qiGma4pWTfN9zkcPJKUCYYlpBnY2BtOHoQ&oe=64505EFD&"
		"ig_cache_key=MjI3MjMxMzg3OTg1ODMxNTUzMg%3D%3D.2-ccb7-5");

	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	chat_find(&r, "chat_accounts", "account_id", "9368974384");
	ck_assert_uint_eq(chat_count(&r, "chat_contacts"), 3);
	a = chat_find(&r, "chat_contacts", "contact_id", "49849116416");
	chat_expect_text(a, "username", "dfirtwo");
	chat_expect_text(a, "name", "This Is DFIRTwo");
	stub_host_free(r.host);
}
END_TEST

/* A keyed archive written by hand: {$top: {root: UID 1}, $objects: [...]}. */
static const unsigned char archive[] = {
	'b', 'p', 'l', 'i', 's', 't', '0', '0',
	/* objects by index: 0 top dict, 1 "$top", 2 "$objects", 3 {root},
	 * 4 the objects array, 5 "root", 6 UID 1, 7 "$null", 8 the root object,
	 * 9 its key, 10 its value */
	/* 8: 0 {$top: 3, $objects: 4} */
	0xD2, 1, 2, 3, 4,
	/* 13: 1 */ 0x54, '$', 't', 'o', 'p',
	/* 18: 2 */ 0x58, '$', 'o', 'b', 'j', 'e', 'c', 't', 's',
	/* 27: 3 {root: UID 1} */ 0xD1, 5, 6,
	/* 30: 4 ["$null", the root object] */ 0xA2, 7, 8,
	/* 33: 5 */ 0x54, 'r', 'o', 'o', 't',
	/* 38: 6 */ 0x80, 1,
	/* 40: 7 */ 0x55, '$', 'n', 'u', 'l', 'l',
	/* 46: 8 {"NSString*name": "h\xd8\x3d" (UTF-16)} */ 0xD1, 9, 10,
	/* 49: 9 */ 0x5D, 'N', 'S', 'S', 't', 'r', 'i', 'n', 'g', '*', 'n', 'a', 'm', 'e',
	/* 63: 10 */ 0x62, 0, 'h', 0xD8, 0x3D,
	/* 68: offsets (1 byte each) */
	8, 13, 18, 27, 30, 33, 38, 40, 46, 49, 63, 0, 0,
	/* 81: trailer */
	0, 0, 0, 0, 0, 0, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 11,
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 68,
};

START_TEST(keyed_archive_reader)
{
	nska a;
	bp_value root;
	char *text;
	unsigned char *copy = malloc(sizeof archive);
	size_t i;

	ck_assert(nska_open(&a, archive, sizeof archive, &root));
	text = nska_text(&a, &root, "name");
	/* "h" and an unpaired surrogate */
	ck_assert_str_eq(text, "h\xef\xbf\xbd");
	free(text);
	ck_assert_ptr_null(nska_text(&a, &root, "missing"));
	/* every truncation, and every byte flipped, is refused or read safely */
	for (i = 0; i < sizeof archive; i++) {
		ck_assert(!nska_open(&a, archive, i, &root) || i == sizeof archive);
		memcpy(copy, archive, sizeof archive);
		copy[i] ^= 0xFF;
		if (nska_open(&a, copy, sizeof archive, &root))
			free(nska_text(&a, &root, "name"));
	}
	free(copy);
}
END_TEST

START_TEST(broken_archives)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE threads (thread_id TEXT UNIQUE NOT NULL, viewer_id TEXT NOT NULL,"
		" metadata BLOB, row_id INTEGER PRIMARY KEY AUTOINCREMENT);"
		"CREATE TABLE messages (message_id TEXT NOT NULL, thread_id TEXT NOT NULL,"
		" archive BLOB NOT NULL, class_name TEXT NOT NULL, row_id INTEGER PRIMARY KEY);"
		"INSERT INTO threads VALUES ('t1', 'me', X'00', 1);"
		"INSERT INTO messages VALUES ('m1', 't1', X'62706c6973743030', 'IGDirectPublishedMessage', 1),"
		" ('m2', 't1', 'text, not a blob', 'x', 2),"
		" ('m3', 't9', randomblob(300), 'x', 3);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "messages:m1");
	chat_expect_text(m, "account", "me");
	chat_expect_null(m, "sender");
	chat_expect_null(m, "sent");
	ck_assert_uint_eq(stub_host_error_count(r.host), 3);
	ck_assert(chat_error_mentions(&r, "message m1: its archive"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages (the fixture of chat_fixtures.c) ------------------ */

/* The message's text in its archive, read with the plugin's reader. */
static char *archive_text(sqlite3_value *v, char **sender, char **thread, double *t)
{
	const unsigned char *blob = sqlite3_value_blob(v);
	bp_value root, metadata, content;
	char *text = NULL;
	nska a;

	*sender = *thread = NULL;
	*t = 0;
	if (!blob || !nska_open(&a, blob, (size_t)sqlite3_value_bytes(v), &root))
		return NULL;
	if (nska_get(&a, &root, "metadata", &metadata)) {
		*sender = nska_text(&a, &metadata, "senderPk");
		*thread = nska_text(&a, &metadata, "threadId");
		nska_date(&a, &metadata, "serverTimestamp", t);
	}
	if (nska_get(&a, &root, "content", &content))
		text = nska_text(&a, &content, "string");
	return text;
}

static void ig_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char *sender, *thread, *text;
	double t;

	(void)argc;
	text = archive_text(argv[0], &sender, &thread, &t);
	if (text)
		sqlite3_result_text(ctx, text, -1, free);
	free(sender);
	free(thread);
}

/* The same archive, its text edited in place. */
static void ig_edit(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char *sender, *thread, *text, *edited = NULL;
	unsigned char *rewritten = NULL;
	size_t len = 0;
	double t;

	(void)argc;
	text = archive_text(argv[0], &sender, &thread, &t);
	if (text && sender && thread && asprintf(&edited, "%s (edited in place)", text) > 0)
		rewritten = chat_fx_instagram_archive(sender, thread, t, edited, &len);
	if (rewritten)
		sqlite3_result_blob(ctx, rewritten, (int)len, free);
	else
		sqlite3_result_error(ctx, "ig_edit: cannot rewrite the archive", -1);
	free(sender);
	free(thread);
	free(text);
	free(edited);
}

static int archive_functions(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "ig_text", 1, SQLITE_UTF8, NULL, ig_text,
	                                 NULL, NULL);

	return rc != SQLITE_OK ? rc : sqlite3_create_function(db, "ig_edit", 1, SQLITE_UTF8,
	                                                      NULL, ig_edit, NULL, NULL);
}

static const chat_deleted_text archive_texts = {
	"ig_text(archive)", "ig_edit(archive)", archive_functions
};

static const chat_deleted_case deleted_case = {
	"fixture 9368974300.db", "messages", "archive", "messages:",
	"WHERE row_id IN (10, 11, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("instagram-ios", NULL);
	chat_deleted_figures f = chat_deleted_run_db_text(plugin(), &deleted_case, how, &b,
	                                                  &archive_texts);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

/* The fixture as the plugin reads it: the archives chat_fixtures writes
 * are ones the plugin understands. */
START_TEST(fixture_messages)
{
	chat_bytes b = chat_deleted_fixture("instagram-ios", NULL);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 111);
	m = chat_find(&r, MESSAGES, "message_key", "messages:11");
	chat_expect_text(m, "body", "insta line 11 about the gallery, minute 11");
	chat_expect_text(m, "sender", "9368974300");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_time(m, "sent", "2020-03-22T20:11:00.250000Z");
	m = chat_find(&r, MESSAGES, "message_key", "messages:12");
	chat_expect_text(m, "direction", "incoming");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_instagram_ios");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");
	TCase *deleted = tcase_create("deleted");

	tcase_add_test(fixtures, keyed_archive_reader);
	tcase_add_test(fixtures, broken_archives);
	tcase_add_test(fixtures, fixture_messages);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN, CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	tcase_set_timeout(corpus, 30);
	tcase_add_test(corpus, plaso_ios_instagram_db);
	if (chat_corpus_has("plaso-chat/9368974384.db"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("instagram-ios: plaso-chat/9368974384.db");
	return check_run_suite(s);
}

/*
 * check_chat_tango.c — the tango plugin on plaso's tango_android_tc.db
 * (plaso's android_tango test: 25 event data, 7 conversations and 18
 * messages; conversation DyGWr_010wQM_ozkIe-9Ww; message 16777224 created
 * 2016-01-15T14:41:33.027Z, sent 14:41:34.238Z, direction 2) and
 * tango_profile.db (57 profiles: the contact "Rouel Henry", born
 * 1980-10-01, male, "Praying!", friend request "I am following you on
 * Tango" of type outRequest at 2016-01-15T14:35:20.436Z, last active
 * 13:21:45.624Z, distance 39.04880905, not a friend), on payloads built
 * here and on broken ones.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* Distinct thread ids among the messages. */
static size_t threads(const chat_run *r)
{
	const char *seen[64];
	size_t i, j, n = 0;

	for (i = 0; i < chat_count(r, MESSAGES); i++) {
		const char *t = chat_field_text(stub_host_record(r->host, MESSAGES, i), "thread_id");

		for (j = 0; j < n && strcmp(seen[j], t); j++)
			;
		if (j == n && n < 64)
			seen[n++] = t;
	}
	return n;
}

START_TEST(plaso_tango_tc_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/tango_android_tc.db");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count_live(&r, MESSAGES), 18);
	/* and three older versions of media messages (16777224, 16777229,
	 * 16777231: the same media ids) in unallocated space, their rowids
	 * overwritten: nothing ties them to their live rows */
	ck_assert_uint_eq(chat_count_recovered(&r, MESSAGES), 3);
	ck_assert_ptr_nonnull(stub_host_find_record(r.host, MESSAGES, "message_key",
	                                            "messages:-1"));
	ck_assert_uint_eq(threads(&r), 7);
	chat_find(&r, MESSAGES, "thread_id", "DyGWr_010wQM_ozkIe-9Ww");

	m = chat_find(&r, MESSAGES, "message_key", "messages:16777224");
	chat_expect_text(m, "app", "Tango");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_time(m, "received", "2016-01-15T14:41:33.027Z");
	chat_expect_time(m, "sent", "2016-01-15T14:41:34.238Z");
	chat_expect_text(m, "sender", "sw9dX9KKt9JIhOxd2Kkv9Q");
	chat_expect_text(m, "message_type", "media");
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"), "\"direction\":2"));
	a = chat_find(&r, "chat_attachments", "message_key", "messages:16777224");
	chat_expect_text(a, "path", "/storage/emulated/0/Android/data/com.sgiggle.production/"
	                 "files/storage/appdata/TCStorageManagerMediaCache_v2/"
	                 "88693890412e8f7d92b00b246af76424");
	chat_expect_int(a, "size", 16623);

	m = chat_find(&r, MESSAGES, "body", "Hey! How are you");
	chat_expect_text(m, "direction", "incoming");
	m = chat_find(&r, MESSAGES, "body", "Wow  big belly");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"sw9dX9KKt9JIhOxd2Kkv9Q\"]");
	m = chat_find(&r, MESSAGES, "message_key", "messages:16777219");
	chat_expect_text(m, "body", "I am following you on Tango");
	chat_expect_int(m, "deleted", 1); /* del_status 2 */
	stub_host_free(r.host);
}
END_TEST

START_TEST(plaso_tango_profile_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/tango_profile.db");
	const stub_record *c;
	const char *extra;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	/* 57 profiles: the owner's is the account, the others contacts */
	ck_assert_uint_eq(chat_count_live(&r, "chat_contacts"), 56);
	/* and profiles the file holds only in free space */
	ck_assert_uint_eq(chat_count_recovered(&r, "chat_contacts"), 41);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	c = chat_find(&r, "chat_accounts", "account_id", "sMawZoHh9XG5SwDP28ObAQ");
	chat_expect_text(c, "name", "Hank Fresh");

	c = chat_find(&r, "chat_contacts", "name", "Rouel Henry");
	chat_expect_text(c, "contact_id", "DyGWr_010wQM_ozkIe-9Ww");
	chat_expect_text(c, "birthday", "1980-10-01");
	chat_expect_text(c, "status_text", "Praying!");
	chat_expect_time(c, "last_seen", "2016-01-15T13:21:45.624Z");
	chat_expect_int(c, "blocked", 0);
	extra = chat_field_text(c, "extra");
	ck_assert_ptr_nonnull(strstr(extra, "\"gender\":\"male\""));
	ck_assert_ptr_nonnull(strstr(extra, "\"distance\":39.04880905"));
	ck_assert_ptr_nonnull(strstr(extra, "\"friend_request_type\":\"outRequest\""));
	ck_assert_ptr_nonnull(strstr(extra, "\"friend_request_message\":\"I am following you on Tango\""));
	ck_assert_ptr_nonnull(strstr(extra, "\"friend_request_time\":1452868520436"));
	ck_assert_ptr_nonnull(strstr(extra, "\"is_friend\":0"));
	/* names in other scripts survive base64 */
	chat_find(&r, "chat_contacts", "name", "\xd8\xb3\xd9\x84\xd9\x8a\xd9\x85 "
	          "\xd8\xa8\xd9\x86\xd8\xac\xd9\x84\xd8\xa7\xd8\xaf\xd8\xb4\xd9\x8a");
	stub_host_free(r.host);
}
END_TEST

/* Payloads: base64 of protobuf; plain protobuf; garbage; a length that
 * runs past the end; a varint that never ends. */
START_TEST(payloads_good_and_bad)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE conversations (conv_id TEXT PRIMARY KEY, conv_type INTEGER, payload BLOB);"
		"CREATE TABLE messages (msg_id INTEGER PRIMARY KEY, conv_id TEXT, type INTEGER,"
		" media_id TEXT, share_id TEXT, create_time BIGINT, send_time BIGINT,"
		" direction INTEGER, status INTEGER, payload BLOB, del_status INTEGER);"
		/* conversation: {2: {3: 'peer'}, 3: 'c1'} in base64 */
		"INSERT INTO conversations VALUES ('c1', 0, 'EgYaBHBlZXIaAmMx');"
		/* {2:'c1', 3:0, 4:'hi'}: base64 and raw */
		"INSERT INTO messages VALUES (1, 'c1', 0, NULL, NULL, 1452868881609, 1452868881700, 2,"
		" 1, 'EgJjMRgAIgJoaQ==', 0),"
		" (2, 'c1', 0, NULL, NULL, 1, 2, 1, 1, X'1202633118002202686f', 0),"
		" (3, 'c1', 0, NULL, NULL, 1, 2, 1, 1, 'not base64 !!', 0),"
		" (4, 'c1', 0, NULL, NULL, 1, 2, 1, 1, X'2264616263', 0),"
		" (5, 'c1', 3, NULL, NULL, 1, 2, 1, 1, X'08ffffffffffffffffffff', 0),"
		" (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 6);
	m = chat_find(&r, MESSAGES, "message_key", "messages:1");
	chat_expect_text(m, "body", "hi");
	chat_expect_text(m, "participants", "[\"peer\"]");
	m = chat_find(&r, MESSAGES, "message_key", "messages:2");
	chat_expect_text(m, "body", "ho");
	m = chat_find(&r, MESSAGES, "message_key", "messages:4");
	chat_expect_null(m, "body");
	m = chat_find(&r, MESSAGES, "message_key", "messages:5");
	chat_expect_text(m, "message_type", "media");
	m = chat_find(&r, MESSAGES, "message_key", "messages:6");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_text(m, "message_type", "system");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages (the fixture of chat_fixtures.c) ------------------ */

/* The text is the payload's field 4, after its 6-byte prefix. */
static const chat_deleted_text payload_text = {
	"CAST(substr(payload, 7) AS TEXT)",
	"CAST(X'1202633122' || char(length(CAST(substr(payload, 7) AS TEXT)) + 18) ||"
	" CAST(substr(payload, 7) AS TEXT) || ' (edited in place)' AS BLOB)",
	NULL
};

static const chat_deleted_case deleted_case = {
	"fixture tc.db", "messages", "payload", "messages:",
	"WHERE msg_id IN (10, 11, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("tango", "tc.db");
	chat_deleted_figures f = chat_deleted_run_db_text(plugin(), &deleted_case, how, &b,
	                                                  &payload_text);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_tango");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");
	TCase *deleted = tcase_create("deleted");

	tcase_add_test(fixtures, payloads_good_and_bad);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN, CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	tcase_set_timeout(corpus, 30);
	tcase_add_test(corpus, plaso_tango_tc_db);
	tcase_add_test(corpus, plaso_tango_profile_db);
	if (chat_corpus_has("plaso-chat/tango_android_tc.db") &&
	    chat_corpus_has("plaso-chat/tango_profile.db"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("tango: plaso-chat/tango_*.db");
	return check_run_suite(s);
}

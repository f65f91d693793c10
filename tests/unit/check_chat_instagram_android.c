/*
 * check_chat_instagram_android.c — the instagram-android plugin on
 * direct.db databases built here from the app's documented schema (no
 * public sample exists): messages both ways, text held only in the JSON,
 * shared reels, events, a group thread, thread recipients as contacts,
 * damaged JSON, other databases, and deleted messages recovered
 * (secure_delete off and on, WAL before and after a checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/instagram_android.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* The fixture (fixtures/instagram_android.c): its schema and rows, and more rows. */
static chat_bytes db_of(const char *more)
{
	return chat_db_from_parts(chat_fx_instagram_android_schema, chat_fx_instagram_android_rows, more);
}

START_TEST(direct_db)
{
	chat_bytes b = db_of(NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	m = chat_find(&r, MESSAGES, "message_key", "messages:1");
	chat_expect_text(m, "app", "Instagram");
	chat_expect_text(m, "account", "1001");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "2002");
	chat_expect_text(m, "sender_name", "Mia Moss");
	chat_expect_text(m, "thread_id", "3400");
	chat_expect_text(m, "participants", "[\"2002\",\"1001\"]");
	chat_expect_text(m, "recipients", "[\"1001\"]");
	chat_expect_time(m, "sent", "2020-09-13T12:26:40.123456Z");
	chat_expect_text(m, "body", "hey you");
	chat_expect_text(m, "message_type", "text");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"server_item_id\":\"s1\""));
	m = chat_find(&r, MESSAGES, "message_key", "messages:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "body", "only in json");
	chat_expect_text(m, "recipients", "[\"2002\"]");
	chat_expect_null(m, "sender_name");
	m = chat_find(&r, MESSAGES, "message_key", "messages:3");
	chat_expect_text(m, "body", "look at this");
	chat_expect_text(m, "message_type", "media");
	m = chat_find(&r, MESSAGES, "message_key", "messages:4");
	chat_expect_text(m, "message_type", "system");
	chat_expect_text(m, "thread_title", "Climbing");
	chat_expect_text(m, "sender_name", "Nil Nash");
	chat_expect_text(m, "participants", "[\"2002\",\"2003\",\"1001\"]");
	m = chat_find(&r, MESSAGES, "message_key", "messages:5");
	chat_expect_text(m, "message_type", "media");
	chat_expect_null(m, "body");
	chat_expect_text(m, "recipients", "[\"2002\",\"2003\"]");

	ck_assert_uint_eq(chat_count(&r, ACCOUNTS), 2); /* one per thread row */
	chat_find(&r, ACCOUNTS, "account_id", "1001");
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 3);
	m = chat_find(&r, CONTACTS, "contact_id", "2003");
	chat_expect_text(m, "username", "nil");
	chat_expect_text(m, "name", "Nil Nash");
	chat_expect_text(m, "account", "1001");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_and_broken)
{
	/* Viber's and Instagram iOS's tables are called messages too */
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE messages (_id INTEGER PRIMARY KEY, conversation_id INTEGER, body TEXT);"
		"CREATE TABLE threads (thread_id TEXT, metadata BLOB);"
		"INSERT INTO messages VALUES (1, 1, 'x');");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);

	b = db_of("INSERT INTO messages (_id, user_id, thread_id, timestamp, sender_id,"
	          " message_type, text, message, upload_status, is_invisible) VALUES"
	          " (10, '1001', '3400', 9e300, x'ff', 'text', x'00ff', '{\"text\": broken', 0, 0),"
	          " (11, NULL, 'nowhere', -1, '', '', NULL, '[]', 0, 0);"
	          "UPDATE threads SET thread_info = 'not json' WHERE thread_id = '3500';");
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 7);
	m = chat_find(&r, MESSAGES, "message_key", "messages:10");
	chat_expect_text(m, "body", "\\x00\\xff");
	chat_expect_text(m, "sender", "\\xff");
	chat_expect_null(m, "sent");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"message_json\":\"malformed\""));
	ck_assert(chat_error_mentions(&r, "messages.message) does not parse"));
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	m = chat_find(&r, MESSAGES, "message_key", "messages:11");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "body");
	m = chat_find(&r, MESSAGES, "message_key", "messages:4");
	chat_expect_null(m, "thread_title");
	chat_expect_text(m, "participants", "[\"1001\"]");
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 1);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages ---------------------------------------------------- */

static const chat_deleted_case deleted_case = {
	"fixture direct.db", "messages", "text", "messages:",
	"WHERE _id IN (10, 11, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("instagram-android", NULL);
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_instagram_android");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, direct_db);
	tcase_add_test(fixtures, other_and_broken);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

/*
 * check_chat_twitter.c — the twitter plugin on databases with the
 * documented conversation_entries table, built here (no public sample
 * exists): entries whose data is a Serial stream written byte by byte
 * from the library's format (ASCII and UTF-8 strings, one outside the
 * BMP, numbers, booleans, nulls, nested and debug objects, byte arrays),
 * streams that do not decode (reported with their byte offset, strings
 * before it kept), senders from users, other databases, and deleted
 * entries recovered (secure_delete off and on, WAL before and after a
 * checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/twitter.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* The fixture (fixtures/twitter.c says what each entry's data holds): its
 * schema and rows, and more rows. */
static chat_bytes db_of(const char *more)
{
	return chat_db_from_parts(chat_fx_twitter_schema, chat_fx_twitter_rows, more);
}

START_TEST(conversation_entries)
{
	chat_bytes b = db_of(NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	m = chat_find(&r, MESSAGES, "message_key", "conversation_entries:1");
	chat_expect_text(m, "app", "Twitter");
	chat_expect_text(m, "thread_id", "1001-1002");
	chat_expect_text(m, "sender", "1001");
	chat_expect_text(m, "sender_name", "Olive Owl");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_time(m, "sent", "2020-09-13T09:40:00.123Z");
	chat_expect_null(m, "body");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m),
		"\"data_strings\":[\"see you at 8\",\"caf\xc3\xa9 \xe2\x98\x95\"]"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"request_id\":\"r1\""));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"username\":\"owl\""));
	/* the Snowflake time of 1304147890286718976 */
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"entry_id_time_ms\":1599768061597"));
	m = chat_find(&r, MESSAGES, "message_key", "conversation_entries:2");
	chat_expect_text(m, "sender_name", "fox");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"data_strings\":[\"Dm\",\"\xf0\x9f\x98\x80\"]"));
	ck_assert_ptr_null(strstr(chat_extra_of(m), "undecodable"));
	m = chat_find(&r, MESSAGES, "message_key", "conversation_entries:3");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"data_strings\":[\"kept\"]"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"data\":\"undecodable\""));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"data_error_byte\":6"));
	m = chat_find(&r, MESSAGES, "message_key", "conversation_entries:4");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"data_error_byte\":0"));
	m = chat_find(&r, MESSAGES, "message_key", "conversation_entries:5");
	chat_expect_null(m, "thread_id");
	chat_expect_null(m, "sent");
	ck_assert_uint_eq(stub_host_error_count(r.host), 2);
	ck_assert(chat_error_mentions(&r, "row 3: data does not decode at byte 6 of 7"));
	ck_assert(chat_error_mentions(&r, "row 4: data does not decode at byte 0 of 5"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_databases)
{
	/* a conversation_entries without the documented columns */
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE conversation_entries (id INTEGER PRIMARY KEY, text TEXT);"
		"INSERT INTO conversation_entries VALUES (1, 'x');");
	chat_run r = chat_analyze(plugin(), &b, NULL);

	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);

	/* no users table: senders without names */
	b = chat_db_from_sql(
		"CREATE TABLE conversation_entries (_id INTEGER PRIMARY KEY, entry_id INTEGER,"
		" sort_entry_id INTEGER, conversation_id TEXT, user_id INTEGER, created INTEGER,"
		" entry_type INTEGER, data BLOB);"
		"INSERT INTO conversation_entries VALUES (1, -5, 1, 'c', 7, 9e300, 0, 'not serial');");
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 1);
	chat_expect_null(chat_find(&r, MESSAGES, "sender", "7"), "sender_name");
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted entries ----------------------------------------------------- */

/*
 * The entry's text is not documented, so recovery is checked on the
 * conversation id, plain text in each row (unique per row here).
 */
static const chat_deleted_case deleted_case = {
	"fixture 1001-66.db", "conversation_entries", "conversation_id",
	"conversation_entries:", "WHERE _id IN (10, 11, 40, 41, 42, 77, 120)", 30,
	"chat_messages", "message_key", "thread_id", NULL
};

START_TEST(deleted_entries)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("twitter", NULL);
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_twitter");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, conversation_entries);
	tcase_add_test(fixtures, other_databases);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_entries, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

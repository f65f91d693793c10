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

#define MESSAGES "chat_messages"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static const char *extra_of(const stub_record *r)
{
	const char *e = chat_field_text(r, "extra");

	ck_assert_ptr_nonnull(e);
	return e;
}

static const char schema[] =
	"CREATE TABLE conversation_entries (_id INTEGER PRIMARY KEY, entry_id INTEGER UNIQUE"
	" NOT NULL, sort_entry_id INTEGER UNIQUE NOT NULL, conversation_id TEXT, user_id INTEGER,"
	" created INTEGER, entry_type INTEGER, data BLOB, request_id TEXT,"
	" linked_entry_id INTEGER);"
	"CREATE TABLE users (_id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE NOT NULL,"
	" username TEXT, name TEXT, image_url TEXT);";

/*
 * 1: object v3 { ascii "see you at 8", utf8 "café ☕", int 42, long 2^40,
 *    null, true, bytes [1 2 3], end }
 * 2: debug object v1 "Dm" { utf8 of U+1F600 (two UTF-16 units), ascii "",
 *    double 0.5, float 0, byte 7, end }
 * 3: ascii "kept" then header 0xf8 (type 31: none such) at byte 6
 * 4: ascii claiming 9 bytes of which 3 are there (fails at byte 0)
 * 5: no data
 */
static const char rows[] =
	"INSERT INTO users (user_id, username, name) VALUES (1001, 'owl', 'Olive Owl'),"
	" (1002, 'fox', NULL);"
	"INSERT INTO conversation_entries VALUES"
	" (1, 1304147890286718976, 1304147890286718976, '1001-1002', 1001, 1599990000123, 0,"
	"  X'4a036a0c73656520796f752061742038"
	"4206636166c3a920e29895122a1d00000100000000003831720301020358', 'r1', NULL),"
	" (2, 1304147890286718977, 1304147890286718977, '1001-1002', 1002, 1599990060000, 1,"
	"  X'52016a02446d4202f09f988069283fe000000000000021080758', NULL, NULL),"
	" (3, 1304147890286718978, 1304147890286718978, '1001-1002', 1002, 1599990120000, 0,"
	"  X'6a046b657074f8', NULL, NULL),"
	" (4, 1304147890286718979, 1304147890286718979, '1001-1002', 1002, 1599990180000, 0,"
	"  X'6a09616263', NULL, NULL),"
	" (5, 1304147890286718980, 1304147890286718980, NULL, NULL, NULL, NULL, NULL, NULL,"
	"  NULL);";

static chat_bytes db_of(const char *more)
{
	char *sql;
	chat_bytes b;

	ck_assert_int_ge(asprintf(&sql, "%s%s%s", schema, rows, more ? more : ""), 0);
	b = chat_db_from_sql(sql);
	free(sql);
	return b;
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
	ck_assert_ptr_nonnull(strstr(extra_of(m),
		"\"data_strings\":[\"see you at 8\",\"caf\xc3\xa9 \xe2\x98\x95\"]"));
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"request_id\":\"r1\""));
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"username\":\"owl\""));
	/* the Snowflake time of 1304147890286718976 */
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"entry_id_time_ms\":1599768061597"));
	m = chat_find(&r, MESSAGES, "message_key", "conversation_entries:2");
	chat_expect_text(m, "sender_name", "fox");
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"data_strings\":[\"Dm\",\"\xf0\x9f\x98\x80\"]"));
	ck_assert_ptr_null(strstr(extra_of(m), "undecodable"));
	m = chat_find(&r, MESSAGES, "message_key", "conversation_entries:3");
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"data_strings\":[\"kept\"]"));
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"data\":\"undecodable\""));
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"data_error_byte\":6"));
	m = chat_find(&r, MESSAGES, "message_key", "conversation_entries:4");
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"data_error_byte\":0"));
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
	chat_bytes b = db_of(
		"WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 120)"
		" INSERT INTO conversation_entries (_id, entry_id, sort_entry_id, conversation_id,"
		" user_id, created, entry_type, data) SELECT i, 1304147890286718976 + i * 4096,"
		" 1304147890286718976 + i * 4096, 'dm thread ' || i || ' between the pair, round ' || i,"
		" 1001 + (i & 1), 1599990000000 + i * 60000, 0, CAST(char(74, 3, 106,"
		" length('tweet dm ' || i)) || 'tweet dm ' || i || char(88) AS BLOB) FROM n;");
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	if (how == CHAT_DELETE_SECURE)
		ck_assert_uint_eq(f.present, 0);
	else
		ck_assert_uint_gt(f.present, 0);
	ck_assert_uint_eq(f.recovered, f.present);
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

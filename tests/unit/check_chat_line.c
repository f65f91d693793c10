/*
 * check_chat_line.c — the line plugin on naver_line and call_history
 * databases built here from the documented schema (no public sample
 * exists): one-to-one and group chats, both directions and the case where
 * from_mid and status disagree, attachments, the undocumented
 * attachement_type 6, contacts, calls of each kind, other databases,
 * broken values, and deleted messages recovered (secure_delete off and on,
 * WAL before and after a checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/line.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* The fixture (fixtures/line.c): its schema and rows, and more rows. */
static chat_bytes db_of(const char *more)
{
	return chat_db_from_parts(chat_fx_line_schema, chat_fx_line_rows, more);
}

START_TEST(naver_line)
{
	chat_bytes b = db_of(NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 6);
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:1");
	chat_expect_text(m, "app", "LINE");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "u_aki");
	chat_expect_text(m, "sender_name", "Aki");
	chat_expect_text(m, "thread_id", "u_aki");
	chat_expect_text(m, "thread_title", "Aki");
	chat_expect_text(m, "participants", "[\"u_aki\"]");
	chat_expect_time(m, "sent", "2020-09-13T12:26:40.123Z");
	chat_expect_time(m, "received", "2020-09-13T12:26:40.456Z");
	chat_expect_text(m, "body", "ohayo");
	chat_expect_text(m, "message_type", "text");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"server_id\":\"9001\""));
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "recipients", "[\"u_aki\"]");
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:3");
	chat_expect_text(m, "thread_title", "Hiking club");
	chat_expect_text(m, "sender_name", "Benny (work)");
	chat_expect_text(m, "participants", "[\"u_aki\",\"u_ben\"]");
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:4");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"u_aki\",\"u_ben\"]");
	chat_expect_text(m, "message_type", "media");
	a = chat_find(&r, ATTACHMENTS, "message_key", "chat_history:4");
	chat_expect_text(a, "path", "/storage/emulated/0/LINE/pic.jpg");
	chat_expect_int(a, "size", 2048);
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:5");
	chat_expect_text(m, "direction", "unknown"); /* no from_mid, yet status 1 */
	chat_expect_text(m, "message_type", "system");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"attachement_type\":6"));
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:6");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"location_name\":\"Trailhead\""));
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 1);
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 2);
	m = chat_find(&r, CONTACTS, "contact_id", "u_ben");
	chat_expect_text(m, "name", "Benny (work)");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"server_name\":\"Ben\""));
	ck_assert_uint_eq(chat_count(&r, CALLS), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(call_history)
{
	chat_bytes b = chat_db_from_sql(chat_fx_line_calls);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *c;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, CALLS), 4);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 0);
	c = chat_find(&r, CALLS, "call_id", "call_history:1");
	chat_expect_text(c, "direction", "outgoing");
	chat_expect_text(c, "media", "voice");
	chat_expect_text(c, "peer", "u_aki");
	chat_expect_time(c, "started", "2020-09-13T12:26:40.000Z");
	chat_expect_time(c, "ended", "2020-09-13T12:27:45.000Z");
	chat_expect_int(c, "duration", 65);
	c = chat_find(&r, CALLS, "call_id", "call_history:2");
	chat_expect_text(c, "direction", "incoming");
	chat_expect_text(c, "media", "video");
	chat_expect_int(c, "duration", 0);
	c = chat_find(&r, CALLS, "call_id", "call_history:3");
	chat_expect_text(c, "direction", "outgoing");
	chat_expect_text(c, "media", "video");
	c = chat_find(&r, CALLS, "call_id", "call_history:4");
	chat_expect_text(c, "direction", "unknown");
	chat_expect_text(c, "peer", "\\xff");
	chat_expect_null(c, "started");
	chat_expect_null(c, "duration");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_and_broken)
{
	/* a chat_history without LINE's contacts */
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE chat_history (id INTEGER PRIMARY KEY, chat_id TEXT, from_mid TEXT,"
		" content TEXT, created_time INTEGER);"
		"INSERT INTO chat_history VALUES (1, 'a', 'b', 'c', 1);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);

	/* an older version: contacts without custom_name, no groups, no chat */
	b = chat_db_from_sql(
		"CREATE TABLE chat_history (id INTEGER PRIMARY KEY, chat_id TEXT, from_mid TEXT,"
		" content TEXT, created_time TEXT, status INTEGER);"
		"CREATE TABLE contacts (m_id TEXT, name TEXT, server_name TEXT);"
		"INSERT INTO contacts VALUES ('u1', NULL, 'Uno');"
		"INSERT INTO chat_history VALUES (1, 'u1', 'u1', x'00ff', '9e300', 1),"
		" (2, NULL, '', NULL, NULL, NULL), (3, 'u1', NULL, 'mine', 'x', 3);");
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 1); /* the time out of range */
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:1");
	chat_expect_text(m, "body", "\\x00\\xff");
	chat_expect_text(m, "sender_name", "Uno");
	chat_expect_text(m, "thread_title", "Uno");
	chat_expect_null(m, "sent");
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:2");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "thread_id");
	m = chat_find(&r, MESSAGES, "message_key", "chat_history:3");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_null(m, "sent");
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages ---------------------------------------------------- */

static const chat_deleted_case deleted_case = {
	"fixture naver_line", "chat_history", "content", "chat_history:",
	"WHERE id IN (10, 11, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("line", "naver_line");
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_line");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, naver_line);
	tcase_add_test(fixtures, call_history);
	tcase_add_test(fixtures, other_and_broken);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

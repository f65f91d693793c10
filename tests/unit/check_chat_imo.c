/*
 * check_chat_imo.c — the imo plugin on imofriends.db databases built here
 * from the documented schema (no public sample exists): messages both
 * ways and of an undocumented type, attachments from imdata (original
 * path preferred), damaged imdata, friends, other databases, and deleted
 * messages recovered (secure_delete off and on, WAL before and after a
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
#include "fixtures/imo.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* The fixture (fixtures/imo.c): its schema and rows, and more rows. */
static chat_bytes db_of(const char *more)
{
	return chat_db_from_parts(chat_fx_imo_schema, chat_fx_imo_rows, more);
}

START_TEST(imofriends_db)
{
	chat_bytes b = db_of(NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	m = chat_find(&r, MESSAGES, "message_key", "messages:1");
	chat_expect_text(m, "app", "imo");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "b.kai");
	chat_expect_text(m, "sender_name", "Kai");
	chat_expect_text(m, "thread_id", "b.kai");
	chat_expect_time(m, "sent", "2020-09-13T12:26:40.123456789Z");
	chat_expect_text(m, "body", "are you up");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"message_read\":1"));
	m = chat_find(&r, MESSAGES, "message_key", "messages:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "recipients", "[\"b.kai\"]");
	m = chat_find(&r, MESSAGES, "message_key", "messages:3");
	chat_expect_text(m, "message_type", "media");
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages:3");
	chat_expect_text(a, "path", "/sdcard/imo/a.jpg");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(a), "\"local_path\":\"/data/imo/cache/a\""));
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages:4");
	chat_expect_text(a, "path", "/data/imo/b.jpg");
	m = chat_find(&r, MESSAGES, "message_key", "messages:5");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_text(m, "message_type", "text");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"message_type\":2"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"imdata\":\"malformed\""));
	ck_assert_uint_eq(stub_host_error_count(r.host), 1);
	ck_assert(chat_error_mentions(&r, "message 5: its imdata JSON does not parse"));
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 2);
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 2);
	m = chat_find(&r, CONTACTS, "contact_id", "b.lou");
	chat_expect_text(m, "name", "Lou");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_and_broken)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE messages (_id INTEGER PRIMARY KEY, buid TEXT, text TEXT);"
		"CREATE TABLE friends (buid TEXT);"
		"INSERT INTO messages VALUES (1, 'a', 'b');");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);

	b = db_of("INSERT INTO messages (_id, buid, last_message, timestamp, message_type, imdata)"
	          " VALUES (10, x'ff00', x'00ff', 9e300, 'one', x'ff'),"
	          " (11, NULL, NULL, NULL, NULL, NULL);");
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 7);
	m = chat_find(&r, MESSAGES, "message_key", "messages:10");
	chat_expect_text(m, "body", "\\x00\\xff");
	chat_expect_text(m, "thread_id", "\\xff\\x00");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "sent");
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	m = chat_find(&r, MESSAGES, "message_key", "messages:11");
	chat_expect_null(m, "thread_id");
	chat_expect_null(m, "participants");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages ---------------------------------------------------- */

static const chat_deleted_case deleted_case = {
	"fixture imofriends.db", "messages", "last_message", "messages:",
	"WHERE _id IN (10, 11, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("imo", NULL);
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_imo");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, imofriends_db);
	tcase_add_test(fixtures, other_and_broken);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

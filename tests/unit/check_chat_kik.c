/*
 * check_chat_kik.c — the kik plugin on databases built here from the
 * documented schemas of Kik's iOS store (kik.sqlite) and Android database
 * (kikDatabase.db): messages both ways, in groups, system messages,
 * attachments, contacts, other databases, broken values, and deleted
 * messages recovered in both (secure_delete off and on, WAL before and
 * after a checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/kik.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

START_TEST(ios_store)
{
	chat_bytes b = chat_db_from_parts(chat_fx_kik_ios_schema, chat_fx_kik_ios_rows, NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	m = chat_find(&r, MESSAGES, "message_key", "ZKIKMESSAGE:1");
	chat_expect_text(m, "app", "Kik");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "samsk8_abc@talk.kik.com");
	chat_expect_text(m, "sender_name", "Sam Skater");
	chat_expect_text(m, "thread_id", "chat:1");
	chat_expect_time(m, "sent", "2020-01-06T10:40:00Z");
	chat_expect_time(m, "received", "2020-01-06T10:40:01Z");
	chat_expect_text(m, "body", "you at the park?");
	chat_expect_text(m, "source_table", "ZKIKMESSAGE");
	m = chat_find(&r, MESSAGES, "message_key", "ZKIKMESSAGE:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "recipients", "[\"samsk8_abc@talk.kik.com\"]");
	chat_expect_time(m, "sent", "2020-01-06T10:41:00.250000Z");
	m = chat_find(&r, MESSAGES, "message_key", "ZKIKMESSAGE:3");
	chat_expect_text(m, "sender", "lee_x@talk.kik.com");
	chat_expect_null(m, "thread_title");
	m = chat_find(&r, MESSAGES, "message_key", "ZKIKMESSAGE:4");
	chat_expect_text(m, "message_type", "system");
	m = chat_find(&r, MESSAGES, "message_key", "ZKIKMESSAGE:5");
	chat_expect_text(m, "message_type", "media");
	a = chat_find(&r, ATTACHMENTS, "message_key", "ZKIKMESSAGE:5");
	chat_expect_text(a, "name", "6a1b1a3e-0000-4000-8000-00000000d00d");
	chat_expect_text(a, "source_table", "ZKIKATTACHMENT");
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 3);
	m = chat_find(&r, CONTACTS, "contact_id", "samsk8_abc@talk.kik.com");
	chat_expect_text(m, "username", "samsk8");
	chat_expect_text(m, "name", "Sam Skater");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(android_database)
{
	chat_bytes b = chat_db_from_parts(chat_fx_kik_android_schema, chat_fx_kik_android_rows, NULL);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	m = chat_find(&r, MESSAGES, "message_key", "messagesTable:1");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "samsk8_abc@talk.kik.com");
	chat_expect_text(m, "sender_name", "Sam Skater");
	chat_expect_text(m, "thread_title", "Sam Skater");
	chat_expect_time(m, "sent", "2020-09-13T12:26:40.123Z");
	m = chat_find(&r, MESSAGES, "message_key", "messagesTable:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"samsk8_abc@talk.kik.com\"]");
	m = chat_find(&r, MESSAGES, "message_key", "messagesTable:3");
	chat_expect_text(m, "thread_id", "1100_g@groups.kik.com");
	chat_expect_text(m, "thread_title", "Park Crew");
	m = chat_find(&r, MESSAGES, "message_key", "messagesTable:4");
	chat_expect_text(m, "message_type", "system");
	chat_expect_text(m, "body", "Sam Skater has joined the chat");
	m = chat_find(&r, MESSAGES, "message_key", "messagesTable:5");
	chat_expect_text(m, "message_type", "media");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"content_id\":\"c0ffee\""));
	m = chat_find(&r, CONTACTS, "contact_id", "troll_9@talk.kik.com");
	chat_expect_int(m, "blocked", 1);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_and_broken)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE messagesTable (_id INTEGER PRIMARY KEY, body TEXT);"
		"CREATE TABLE ZKIKMESSAGE (Z_PK INTEGER PRIMARY KEY, ZBODY VARCHAR);"
		"INSERT INTO messagesTable VALUES (1, 'x'); INSERT INTO ZKIKMESSAGE VALUES (1, 'y');");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);

	b = chat_db_from_parts(chat_fx_kik_android_schema,
	          "INSERT INTO messagesTable (_id, body, partner_jid, was_me, timestamp, bin_id) VALUES"
	          " (1, x'00ff', x'ff', 'yes', 9e300, NULL), (2, NULL, NULL, NULL, NULL, NULL);", NULL);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 2);
	m = chat_find(&r, MESSAGES, "message_key", "messagesTable:1");
	chat_expect_text(m, "body", "\\x00\\xff");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "sent");
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages ---------------------------------------------------- */

static const chat_deleted_case ios_deleted = {
	"fixture kik.sqlite", "ZKIKMESSAGE", "ZBODY", "ZKIKMESSAGE:",
	"WHERE Z_PK IN (1, 2, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

static const chat_deleted_case android_deleted = {
	"fixture kikDatabase.db", "messagesTable", "body", "messagesTable:",
	"WHERE _id IN (1, 2, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

static void deleted_run(bool ios, chat_deletion how)
{
	chat_bytes b = chat_deleted_fixture("kik", ios ? "kik.sqlite" : "kikDatabase.db");
	chat_deleted_figures f = chat_deleted_run_db(plugin(), ios ? &ios_deleted : &android_deleted,
	                                             how, &b);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}

START_TEST(deleted_ios)
{
	deleted_run(true, (chat_deletion)_i);
}
END_TEST

START_TEST(deleted_android)
{
	deleted_run(false, (chat_deletion)_i);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_kik");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, ios_store);
	tcase_add_test(fixtures, android_database);
	tcase_add_test(fixtures, other_and_broken);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_ios, CHAT_DELETE_PLAIN, CHAT_DELETE_CHECKPOINTED + 1);
	tcase_add_loop_test(deleted, deleted_android, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

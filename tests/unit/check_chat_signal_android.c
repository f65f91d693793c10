/*
 * check_chat_signal_android.c — the signal-android plugin on databases
 * built here from the tables Signal for Android's own source declares
 * (MessageTable, ThreadTable, RecipientTable, GroupTable, AttachmentTable;
 * type bits as MessageTypes declares them).  No decrypted Signal database
 * is in the corpus.  Both layouts (from_recipient_id and to_recipient_id;
 * recipient_id alone), a group, an attachment, calls, events, a message
 * deleted for everyone, an edit, other databases, and deleted messages
 * recovered (secure_delete off and on, WAL before and after a checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/signal_android.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static chat_bytes with_rows(const char *schema_and_rows)
{
	return chat_db_from_sql(schema_and_rows);
}

START_TEST(signal_from_to)
{
	char *sql = malloc(strlen(MESSAGE_TABLE("x")) + 4096 + strlen(chat_fx_signal_people) +
	                   strlen(chat_fx_signal_messages));
	chat_bytes db;
	chat_run r;
	const stub_record *m;

	sprintf(sql, "%s%s%s%s", MESSAGE_TABLE(
		"from_recipient_id INTEGER NOT NULL REFERENCES recipient (_id) ON DELETE CASCADE,"
		" from_device_id INTEGER, to_recipient_id INTEGER NOT NULL REFERENCES recipient (_id)"
		" ON DELETE CASCADE"), OTHER_TABLES, chat_fx_signal_people, chat_fx_signal_messages);
	db = with_rows(sql);
	free(sql);
	r = chat_analyze(plugin(), &db, "/data/data/org.thoughtcrime.securesms/databases/signal.db");
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 11);
	ck_assert_uint_eq(chat_count_recovered(&r, MESSAGES), 0);

	m = chat_find(&r, MESSAGES, "message_key", "message:1");
	chat_expect_text(m, "app", "Signal");
	chat_expect_text(m, "account", "+15550000001");
	chat_expect_text(m, "thread_id", "1");
	chat_expect_text(m, "thread_title", "Bob Builder");
	chat_expect_text(m, "participants", "[\"+15550000001\",\"+15550000002\"]");
	chat_expect_text(m, "sender", "+15550000002");
	chat_expect_text(m, "sender_name", "Bob Builder");
	chat_expect_text(m, "recipients", "[\"+15550000001\"]");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "body", "hi Olive");
	chat_expect_time(m, "sent", "2023-11-14T22:13:20.123Z");
	chat_expect_time(m, "received", "2023-11-14T22:13:21.456Z");
	chat_expect_text(m, "status", "read");
	chat_expect_text(m, "message_type", "text");
	chat_expect_int(m, "deleted", 0);
	chat_expect_int(m, "edited", 0);
	chat_expect_text(m, "source_table", "message");
	chat_expect_int(m, "source_rowid", 1);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"date_server\":1700000000500"));

	m = chat_find(&r, MESSAGES, "message_key", "message:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "sender", "+15550000001");
	chat_expect_text(m, "sender_name", "Olive Owner");
	chat_expect_text(m, "recipients", "[\"+15550000002\"]");
	chat_expect_text(m, "status", "sent");
	chat_expect_null(m, "received");

	m = chat_find(&r, MESSAGES, "message_key", "message:3");
	chat_expect_text(m, "thread_title", "Book club");
	chat_expect_text(m, "sender", CARA_ACI);
	chat_expect_text(m, "sender_name", "Cara");
	chat_expect_text(m, "participants",
	                 "[\"+15550000001\",\"+15550000002\",\"" CARA_ACI "\"]");
	chat_expect_text(m, "recipients", "[\"+15550000001\",\"+15550000002\"]");
	chat_expect_text(m, "status", "unread");

	m = chat_find(&r, MESSAGES, "message_key", "message:4");
	chat_expect_text(m, "message_type", "media");
	chat_expect_null(m, "body");
	chat_expect_text(m, "recipients", "[\"+15550000002\",\"" CARA_ACI "\"]");
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 1);
	m = chat_find(&r, ATTACHMENTS, "message_key", "message:4");
	chat_expect_text(m, "name", "IMG_0004.jpg");
	chat_expect_text(m, "mime_type", "image/jpeg");
	chat_expect_int(m, "size", 1234);
	chat_expect_text(m, "path", "/data/user/0/org.thoughtcrime.securesms/app_parts/part4.mms");
	chat_expect_text(m, "source_table", "attachment");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"caption\":\"the cover\""));

	m = chat_find(&r, MESSAGES, "message_key", "message:5");
	chat_expect_text(m, "message_type", "call");
	chat_expect_text(m, "direction", "incoming");
	ck_assert_uint_eq(chat_count(&r, CALLS), 2);
	m = chat_find(&r, CALLS, "call_id", "message:5");
	chat_expect_text(m, "media", "video");
	chat_expect_text(m, "direction", "incoming");
	m = chat_find(&r, CALLS, "call_id", "message:6");
	chat_expect_text(m, "media", "voice");
	chat_expect_text(m, "status", "missed");

	m = chat_find(&r, MESSAGES, "message_key", "message:7");
	chat_expect_text(m, "message_type", "system");
	m = chat_find(&r, MESSAGES, "message_key", "message:8");
	chat_expect_int(m, "deleted", 1);
	m = chat_find(&r, MESSAGES, "message_key", "message:9");
	chat_expect_int(m, "edited", 1);
	m = chat_find(&r, MESSAGES, "message_key", "message:10");
	chat_expect_int(m, "edited", 1);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"original_message_id\":9"));
	m = chat_find(&r, MESSAGES, "message_key", "message:11");
	chat_expect_text(m, "status", "failed");

	ck_assert_uint_eq(chat_count(&r, ACCOUNTS), 1);
	m = chat_find(&r, ACCOUNTS, "account_id", "+15550000001");
	chat_expect_text(m, "name", "Olive Owner");
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 2); /* Bob and Cara: not the owner, no group */
	m = chat_find(&r, CONTACTS, "contact_id", CARA_ACI);
	chat_expect_text(m, "username", "cara.01");
	chat_expect_int(m, "blocked", 1);
	m = chat_find(&r, CONTACTS, "contact_id", "+15550000002");
	chat_expect_text(m, "phones", "[\"+15550000002\"]");
	stub_host_free(r.host);
	chat_bytes_free(&db);
}
END_TEST

/* The layout of 2023 before from/to: recipient_id is the other party. */
START_TEST(signal_recipient_id)
{
	static const char rows[] =
		"INSERT INTO message (_id, date_sent, date_received, thread_id, recipient_id, type,"
		" body, read) VALUES"
		" (1, 1690000000000, 1690000000100, 1, 2, " INBOX ", 'from bob', 1),"
		" (2, 1690000060000, 1690000060100, 1, 2, " SENT ", 'to bob', 0),"
		" (3, 1690000120000, 1690000120100, 2, 3, " INBOX ", 'cara in the group', 0),"
		" (4, 1690000180000, 1690000180100, 2, 4, " SENT ", 'to the group', 0);";
	char *sql = malloc(strlen(MESSAGE_TABLE("x")) + 8192 + strlen(chat_fx_signal_people) +
	                   sizeof rows);
	chat_bytes db;
	chat_run r;
	const stub_record *m;

	sprintf(sql, "%s%s%s%s", MESSAGE_TABLE(
		"recipient_id INTEGER NOT NULL REFERENCES recipient (_id) ON DELETE CASCADE,"
		" recipient_device_id INTEGER"), OTHER_TABLES, chat_fx_signal_people, rows);
	db = with_rows(sql);
	free(sql);
	r = chat_analyze(plugin(), &db, "renamed.bin");
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 4);
	ck_assert_uint_eq(chat_count(&r, ACCOUNTS), 0);
	m = chat_find(&r, MESSAGES, "message_key", "message:1");
	chat_expect_text(m, "sender", "+15550000002");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_null(m, "account");
	chat_expect_text(m, "participants", "[\"+15550000002\"]");
	m = chat_find(&r, MESSAGES, "message_key", "message:2");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"+15550000002\"]");
	m = chat_find(&r, MESSAGES, "message_key", "message:3");
	chat_expect_text(m, "sender", CARA_ACI);
	chat_expect_text(m, "thread_title", "Book club");
	m = chat_find(&r, MESSAGES, "message_key", "message:4");
	chat_expect_text(m, "recipients",
	                 "[\"+15550000001\",\"+15550000002\",\"" CARA_ACI "\"]");
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 3); /* the owner is not known here */
	stub_host_free(r.host);
	chat_bytes_free(&db);
}
END_TEST

START_TEST(other_and_broken)
{
	static const char broken[] =
		"INSERT INTO recipient (_id, e164) VALUES (9, x'ff00');"
		"INSERT INTO thread (_id, recipient_id) VALUES (5, 99);"
		"INSERT INTO message (_id, date_sent, date_received, thread_id, from_recipient_id,"
		" to_recipient_id, type, body) VALUES"
		" (1, 'x', -5, 5, 77, 9, -1, x'00ff'),"
		" (2, 99999999999999999, 0, 123, 9, 9, 9223372036854775807, 'ok'),"
		" (3, 0, 0, 5, 9, 77, " SENT ", NULL);";
	char *sql = malloc(strlen(MESSAGE_TABLE("x")) + 8192 + sizeof broken);
	chat_bytes db = chat_db_from_sql(
		"CREATE TABLE message (_id INTEGER PRIMARY KEY, body TEXT, date_sent INTEGER);"
		"INSERT INTO message VALUES (1, 'not signal', 1);");
	chat_run r = chat_analyze(plugin(), &db, "signal.db");
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 0);
	stub_host_free(r.host);
	chat_bytes_free(&db);

	sprintf(sql, "%s%s%s", MESSAGE_TABLE(
		"from_recipient_id INTEGER, from_device_id INTEGER, to_recipient_id INTEGER"),
		OTHER_TABLES, broken);
	db = with_rows(sql);
	free(sql);
	r = chat_analyze(plugin(), &db, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "message:1");
	chat_expect_text(m, "sender", "recipient:77");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "sent");
	chat_expect_null(m, "thread_title");
	m = chat_find(&r, MESSAGES, "message_key", "message:3");
	chat_expect_text(m, "sender", "\\xff\\x00");
	chat_expect_text(m, "recipients", "[\"recipient:99\"]"); /* the thread's, not to_recipient_id */
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	stub_host_free(r.host);
	chat_bytes_free(&db);
}
END_TEST

/* ---- deleted messages --------------------------------------------------------------- */

static const chat_deleted_case deleted_case = {
	"fixture signal.db", "message", "body", "message:",
	"WHERE _id IN (3, 4, 40, 41, 42, 77, 119)", 30, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("signal-android", "signal.db");
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_signal_android");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, signal_from_to);
	tcase_add_test(fixtures, signal_recipient_id);
	tcase_add_test(fixtures, other_and_broken);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

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

#define MESSAGES "chat_messages"
#define ATTACHMENTS "chat_attachments"
#define CALLS "chat_calls"
#define CONTACTS "chat_contacts"
#define ACCOUNTS "chat_accounts"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* message as MessageTable declares it (2024), with from and to recipients */
#define MESSAGE_TABLE(RECIPIENTS) \
	"CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, date_sent INTEGER NOT NULL," \
	" date_received INTEGER NOT NULL, date_server INTEGER DEFAULT -1, thread_id INTEGER NOT NULL" \
	" REFERENCES thread (_id) ON DELETE CASCADE, " RECIPIENTS ", type INTEGER NOT NULL," \
	" body TEXT, read INTEGER DEFAULT 0, ct_l TEXT, exp INTEGER, m_type INTEGER, m_size INTEGER," \
	" st INTEGER, tr_id TEXT, subscription_id INTEGER DEFAULT -1, receipt_timestamp INTEGER" \
	" DEFAULT -1, has_delivery_receipt INTEGER DEFAULT 0, has_read_receipt INTEGER DEFAULT 0," \
	" viewed INTEGER DEFAULT 0, mismatched_identities TEXT DEFAULT NULL, network_failures TEXT" \
	" DEFAULT NULL, expires_in INTEGER DEFAULT 0, expire_started INTEGER DEFAULT 0, notified" \
	" INTEGER DEFAULT 0, quote_id INTEGER DEFAULT 0, quote_author INTEGER DEFAULT 0, quote_body" \
	" TEXT DEFAULT NULL, quote_missing INTEGER DEFAULT 0, quote_mentions BLOB DEFAULT NULL," \
	" quote_type INTEGER DEFAULT 0, shared_contacts TEXT DEFAULT NULL, unidentified INTEGER" \
	" DEFAULT 0, link_previews TEXT DEFAULT NULL, view_once INTEGER DEFAULT 0, reactions_unread" \
	" INTEGER DEFAULT 0, reactions_last_seen INTEGER DEFAULT -1, remote_deleted INTEGER DEFAULT" \
	" 0, mentions_self INTEGER DEFAULT 0, notified_timestamp INTEGER DEFAULT 0, server_guid TEXT" \
	" DEFAULT NULL, message_ranges BLOB DEFAULT NULL, story_type INTEGER DEFAULT 0," \
	" parent_story_id INTEGER DEFAULT 0, export_state BLOB DEFAULT NULL, exported INTEGER" \
	" DEFAULT 0, scheduled_date INTEGER DEFAULT -1, latest_revision_id INTEGER DEFAULT NULL" \
	" REFERENCES message (_id) ON DELETE CASCADE, original_message_id INTEGER DEFAULT NULL" \
	" REFERENCES message (_id) ON DELETE CASCADE, revision_number INTEGER DEFAULT 0," \
	" message_extras BLOB DEFAULT NULL);"

#define OTHER_TABLES \
	"CREATE TABLE recipient (_id INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER DEFAULT 0," \
	" e164 TEXT UNIQUE DEFAULT NULL, aci TEXT UNIQUE DEFAULT NULL, pni TEXT UNIQUE DEFAULT NULL," \
	" username TEXT UNIQUE DEFAULT NULL, email TEXT UNIQUE DEFAULT NULL, group_id TEXT UNIQUE" \
	" DEFAULT NULL, registered INTEGER DEFAULT 0, blocked INTEGER DEFAULT 0, hidden INTEGER" \
	" DEFAULT 0, profile_given_name TEXT DEFAULT NULL, profile_family_name TEXT DEFAULT NULL," \
	" profile_joined_name TEXT DEFAULT NULL, system_given_name TEXT DEFAULT NULL," \
	" system_family_name TEXT DEFAULT NULL, system_joined_name TEXT DEFAULT NULL," \
	" nickname_given_name TEXT DEFAULT NULL, nickname_family_name TEXT DEFAULT NULL," \
	" nickname_joined_name TEXT DEFAULT NULL, note TEXT DEFAULT NULL);" \
	"CREATE TABLE thread (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0," \
	" meaningful_messages INTEGER DEFAULT 0, recipient_id INTEGER NOT NULL UNIQUE REFERENCES" \
	" recipient (_id) ON DELETE CASCADE, read INTEGER DEFAULT 1, type INTEGER DEFAULT 0," \
	" snippet TEXT, archived INTEGER DEFAULT 0);" \
	"CREATE TABLE groups (_id INTEGER PRIMARY KEY, group_id TEXT NOT NULL UNIQUE, recipient_id" \
	" INTEGER NOT NULL UNIQUE REFERENCES recipient (_id) ON DELETE CASCADE, title TEXT DEFAULT" \
	" NULL, avatar_id INTEGER DEFAULT 0, active INTEGER DEFAULT 1);" \
	"CREATE TABLE group_membership (_id INTEGER PRIMARY KEY, group_id TEXT NOT NULL," \
	" recipient_id INTEGER NOT NULL REFERENCES recipient (_id) ON DELETE CASCADE," \
	" UNIQUE(group_id, recipient_id));" \
	"CREATE TABLE attachment (_id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER," \
	" content_type TEXT, remote_key TEXT, remote_location TEXT, remote_digest BLOB, cdn_number" \
	" INTEGER DEFAULT 0, transfer_state INTEGER, transfer_file TEXT DEFAULT NULL, data_file" \
	" TEXT, data_size INTEGER, data_random BLOB, file_name TEXT, fast_preflight_id TEXT," \
	" voice_note INTEGER DEFAULT 0, borderless INTEGER DEFAULT 0, video_gif INTEGER DEFAULT 0," \
	" quote INTEGER DEFAULT 0, width INTEGER DEFAULT 0, height INTEGER DEFAULT 0, caption TEXT" \
	" DEFAULT NULL);"

#define GROUP "__signal_group__v2__!9f1c"
#define OLIVE_ACI "a1a1a1a1-0000-4000-8000-000000000001"
#define CARA_ACI "c3c3c3c3-0000-4000-8000-000000000003"

static const char people[] =
	"INSERT INTO recipient (_id, type, e164, aci, username, group_id, blocked,"
	" profile_given_name, profile_joined_name, system_joined_name) VALUES"
	" (1, 0, '+15550000001', '" OLIVE_ACI "', NULL, NULL, 0, 'Olive', 'Olive Owner', NULL),"
	" (2, 0, '+15550000002', NULL, NULL, NULL, 0, 'bobby', 'bobby b', 'Bob Builder'),"
	" (3, 0, NULL, '" CARA_ACI "', 'cara.01', NULL, 1, 'Cara', NULL, NULL),"
	" (4, 3, NULL, NULL, NULL, '" GROUP "', 0, NULL, NULL, NULL);"
	"INSERT INTO groups (group_id, recipient_id, title) VALUES ('" GROUP "', 4, 'Book club');"
	"INSERT INTO group_membership (group_id, recipient_id) VALUES ('" GROUP "', 1),"
	" ('" GROUP "', 2), ('" GROUP "', 3);"
	"INSERT INTO thread (_id, recipient_id) VALUES (1, 2), (2, 4);";

/* type: base | SECURE_MESSAGE_BIT (0x800000) | PUSH_MESSAGE_BIT (0x200000) */
#define INBOX "10485780"
#define SENT "10485783"
#define FAILED "10485784"
#define GROUP_UPDATE_SENT "11075607" /* SENT | GROUP_UPDATE_BIT | GROUP_V2_BIT */

static const char messages[] =
	"INSERT INTO message (_id, date_sent, date_received, date_server, thread_id,"
	" from_recipient_id, to_recipient_id, type, body, read, remote_deleted,"
	" latest_revision_id, original_message_id, revision_number) VALUES"
	" (1, 1700000000123, 1700000001456, 1700000000500, 1, 2, 1, " INBOX ", 'hi Olive', 1, 0,"
	"  NULL, NULL, 0),"
	" (2, 1700000060000, 1700000060001, -1, 1, 1, 2, " SENT ", 'hi Bob', 0, 0, NULL, NULL, 0),"
	" (3, 1700000120000, 1700000121000, -1, 2, 3, 4, " INBOX ", 'see you at eight', 0, 0,"
	"  NULL, NULL, 0),"
	" (4, 1700000180000, 1700000180001, -1, 2, 1, 4, " SENT ", NULL, 0, 0, NULL, NULL, 0),"
	" (5, 1700000240000, 1700000240500, -1, 1, 2, 1, 10, NULL, 1, 0, NULL, NULL, 0),"
	" (6, 1700000300000, 1700000300500, -1, 1, 2, 1, 3, NULL, 0, 0, NULL, NULL, 0),"
	" (7, 1700000360000, 1700000360001, -1, 2, 1, 4, " GROUP_UPDATE_SENT ", 'CgQIARAB', 0, 0,"
	"  NULL, NULL, 0),"
	" (8, 1700000420000, 1700000421000, -1, 1, 2, 1, " INBOX ", NULL, 1, 1, NULL, NULL, 0),"
	" (9, 1700000480000, 1700000480001, -1, 1, 1, 2, " SENT ", 'see you at 7', 0, 0, 10,"
	"  NULL, 0),"
	" (10, 1700000480000, 1700000490001, -1, 1, 1, 2, " SENT ", 'see you at 8', 0, 0, NULL, 9,"
	"  1),"
	" (11, 1700000540000, 1700000540001, -1, 1, 1, 2, " FAILED ", 'did not go', 0, 0, NULL,"
	"  NULL, 0);"
	"INSERT INTO attachment (message_id, content_type, data_file, data_size, file_name, width,"
	" height, caption) VALUES (4, 'image/jpeg',"
	" '/data/user/0/org.thoughtcrime.securesms/app_parts/part4.mms', 1234, 'IMG_0004.jpg', 640,"
	" 480, 'the cover');";

static const char *extra_of(const stub_record *r)
{
	const char *e = chat_field_text(r, "extra");

	ck_assert_ptr_nonnull(e);
	return e;
}

static chat_bytes with_rows(const char *schema_and_rows)
{
	return chat_db_from_sql(schema_and_rows);
}

START_TEST(signal_from_to)
{
	char *sql = malloc(strlen(MESSAGE_TABLE("x")) + 4096 + sizeof people + sizeof messages);
	chat_bytes db;
	chat_run r;
	const stub_record *m;

	sprintf(sql, "%s%s%s%s", MESSAGE_TABLE(
		"from_recipient_id INTEGER NOT NULL REFERENCES recipient (_id) ON DELETE CASCADE,"
		" from_device_id INTEGER, to_recipient_id INTEGER NOT NULL REFERENCES recipient (_id)"
		" ON DELETE CASCADE"), OTHER_TABLES, people, messages);
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
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"date_server\":1700000000500"));

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
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"caption\":\"the cover\""));

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
	ck_assert_ptr_nonnull(strstr(extra_of(m), "\"original_message_id\":9"));
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
	char *sql = malloc(strlen(MESSAGE_TABLE("x")) + 8192 + sizeof people + sizeof rows);
	chat_bytes db;
	chat_run r;
	const stub_record *m;

	sprintf(sql, "%s%s%s%s", MESSAGE_TABLE(
		"recipient_id INTEGER NOT NULL REFERENCES recipient (_id) ON DELETE CASCADE,"
		" recipient_device_id INTEGER"), OTHER_TABLES, people, rows);
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
	char *sql = malloc(strlen(MESSAGE_TABLE("x")) + 65536 + sizeof people);
	size_t len;
	chat_bytes b;
	chat_deleted_figures f;
	int i;

	len = (size_t)sprintf(sql, "%s%s%s", MESSAGE_TABLE(
		"from_recipient_id INTEGER NOT NULL, from_device_id INTEGER, to_recipient_id INTEGER"
		" NOT NULL"), OTHER_TABLES, people);
	for (i = 1; i <= 120; i++)
		len += (size_t)sprintf(sql + len,
		                       "INSERT INTO message (_id, date_sent, date_received, thread_id,"
		                       " from_recipient_id, to_recipient_id, type, body) VALUES (%d,"
		                       " %lld, %lld, %d, %d, %d, %s, 'signal note %d, at minute %d');",
		                       i, 1700000000000LL + i * 60000LL, 1700000000500LL + i * 60000LL,
		                       i % 3 ? 1 : 2, i % 2 ? 2 : 1, i % 2 ? 1 : 2,
		                       i % 2 ? INBOX : SENT, i, i);
	b = with_rows(sql);
	free(sql);
	f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);
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

/*
 * check_chat_imessage.c — the imessage plugin on plaso's imessage_chat.db
 * (what plaso's imessage test asserts: 10 messages; message 8 from
 * xxxxxx2015@icloud.com, iMessage, type 0, read, "Did you try to send me a
 * message?", 2015-11-30T10:48:40Z), on a modern sms.db built here from the
 * documented schema (nanosecond dates, attributedBody, edits, unsends,
 * group chats), and on broken databases.
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

START_TEST(plaso_imessage_chat_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/imessage_chat.db");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 10);
	ck_assert_uint_eq(chat_count(&r, "chat_contacts"), 7);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);

	/* plaso: event data 7 */
	m = chat_find(&r, MESSAGES, "body", "Did you try to send me a message?");
	chat_expect_text(m, "app", "iMessage");
	chat_expect_text(m, "service", "iMessage");
	chat_expect_text(m, "sender", "xxxxxx2015@icloud.com");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_time(m, "sent", "2015-11-30T10:48:40Z");
	chat_expect_text(m, "status", "read");
	chat_expect_text(m, "account", "ken.doh@icloud.com");
	chat_expect_text(m, "recipients", "[\"ken.doh@icloud.com\"]");
	chat_expect_text(m, "thread_id", "iMessage;-;jondoh2015@icloud.com");
	chat_expect_text(m, "message_key", "message:8");
	chat_expect_int(m, "source_rowid", 8);
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"), "\"type\":0"));
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"), "\"is_read\":1"));

	m = chat_find(&r, MESSAGES, "message_key", "message:9");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "sender", "ken.doh@icloud.com");
	chat_expect_text(m, "recipients", "[\"xxxxxx2015@icloud.com\"]");

	/* the one attachment belongs to message 21, which is gone: it stays */
	a = chat_find(&r, "chat_attachments", "name", "sslsplit.der");
	chat_expect_text(a, "message_key", "message:21");
	chat_expect_int(a, "size", 712);
	chat_expect_text(a, "mime_type", "application/x-x509-ca-cert");
	chat_expect_text(a, "path", "~/Library/Messages/Attachments/89/09/"
	                 "04804C3D-B31B-4C07-B3A3-BA3B39694B96/sslsplit.der");
	stub_host_free(r.host);
}
END_TEST

/* iOS 16 era: nanosecond dates, text only in attributedBody, edits,
 * unsends, "Recently Deleted", a group chat. */
static const char modern_sms_db[] =
	"CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,"
	" text TEXT, handle_id INTEGER DEFAULT 0, attributedBody BLOB, service TEXT,"
	" account TEXT, date INTEGER, date_read INTEGER, date_delivered INTEGER,"
	" is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0,"
	" is_delivered INTEGER DEFAULT 0, error INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0,"
	" cache_has_attachments INTEGER DEFAULT 0, associated_message_guid TEXT,"
	" associated_message_type INTEGER DEFAULT 0, thread_originator_guid TEXT,"
	" date_edited INTEGER DEFAULT 0, date_retracted INTEGER DEFAULT 0,"
	" destination_caller_id TEXT);"
	"CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL,"
	" country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT);"
	"CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,"
	" style INTEGER, chat_identifier TEXT, service_name TEXT, display_name TEXT,"
	" account_login TEXT);"
	"CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER,"
	" message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));"
	"CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER, UNIQUE(chat_id, handle_id));"
	"CREATE TABLE chat_recoverable_message_join (chat_id INTEGER, message_id INTEGER,"
	" delete_date INTEGER, PRIMARY KEY (chat_id, message_id));"
	"CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,"
	" created_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT,"
	" transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0,"
	" transfer_name TEXT, total_bytes INTEGER DEFAULT 0);"
	"CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER,"
	" UNIQUE(message_id, attachment_id));"
	"INSERT INTO handle VALUES (1, '+15550001', 'us', 'iMessage', NULL),"
	" (2, 'ann@example.com', 'us', 'iMessage', NULL);"
	"INSERT INTO chat VALUES (1, 'iMessage;+;chat123', 43, 'chat123', 'iMessage', 'Lake trip',"
	" 'E:me@example.com');"
	"INSERT INTO chat_handle_join VALUES (1, 1), (1, 2);"
	/* 1: incoming, body only in attributedBody, nanoseconds */
	"INSERT INTO message (ROWID, guid, text, handle_id, attributedBody, service, account, date,"
	" date_read, date_delivered, is_from_me, is_read) VALUES (1, 'G1', NULL, 1,"
	" X'040B73747265616D747970656481E803840140848484124E5341747472696275746564537472696E67"
	"008484084E534F626A656374008592848484084E53537472696E67019484012B0548656C6C6F"
	"8684026949010592', 'iMessage', 'e:me@example.com', 700000000123456789, 700000060000000000,"
	" 700000001000000000, 0, 1);"
	/* 2: outgoing to the group, edited, with a picture */
	"INSERT INTO message (ROWID, guid, text, handle_id, service, account, date, is_from_me,"
	" is_sent, is_delivered, cache_has_attachments, date_edited) VALUES (2, 'G2', 'see this', 0,"
	" 'iMessage', 'e:me@example.com', 700000100000000000, 1, 1, 1, 1, 700000200000000000);"
	/* 3: unsent by its author; 4: a tapback answering 2; 5: recently deleted */
	"INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me,"
	" date_retracted) VALUES (3, 'G3', NULL, 2, 'iMessage', 700000300000000000, 0,"
	" 700000301000000000);"
	"INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me,"
	" associated_message_guid, associated_message_type, thread_originator_guid) VALUES"
	" (4, 'G4', 'Loved “see this”', 2, 'iMessage', 700000400000000000, 0, 'p:0/G2', 2000, NULL),"
	" (5, 'G5', 'reply in thread', 1, 'iMessage', 700000500000000000, 0, NULL, 0, 'G2');"
	"INSERT INTO chat_message_join (chat_id, message_id) VALUES (1, 1), (1, 2), (1, 3), (1, 4), (1, 5);"
	"INSERT INTO chat_recoverable_message_join VALUES (1, 5, 700000600000000000);"
	"INSERT INTO attachment (ROWID, guid, created_date, filename, mime_type, transfer_name,"
	" total_bytes) VALUES (1, 'A1', 700000100000000000,"
	" '~/Library/SMS/Attachments/0a/10/A1/IMG_0001.HEIC', 'image/heic', 'IMG_0001.HEIC', 1234),"
	" (2, 'A2', 0, NULL, NULL, NULL, NULL);"
	"INSERT INTO message_attachment_join VALUES (2, 1);";

START_TEST(modern_schema)
{
	chat_bytes b = chat_db_from_sql(modern_sms_db);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);

	m = chat_find(&r, MESSAGES, "message_key", "message:1");
	chat_expect_text(m, "body", "Hello");
	chat_expect_text(m, "sender", "+15550001");
	chat_expect_text(m, "account", "me@example.com");
	chat_expect_text(m, "time_precision", "1ns");
	chat_expect_time(m, "sent", "2023-03-08T20:26:40.123456789Z");
	chat_expect_time(m, "received", "2023-03-08T20:26:41.000000000Z");
	chat_expect_time(m, "read", "2023-03-08T20:27:40.000000000Z");
	chat_expect_text(m, "thread_id", "iMessage;+;chat123");
	chat_expect_text(m, "thread_title", "Lake trip");
	chat_expect_text(m, "participants", "[\"+15550001\",\"ann@example.com\"]");
	chat_expect_int(m, "edited", 0);
	chat_expect_int(m, "deleted", 0);

	m = chat_find(&r, MESSAGES, "message_key", "message:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"+15550001\",\"ann@example.com\"]");
	chat_expect_text(m, "message_type", "media");
	chat_expect_int(m, "edited", 1);
	chat_expect_text(m, "status", "delivered");

	m = chat_find(&r, MESSAGES, "message_key", "message:3");
	chat_expect_int(m, "deleted", 1);
	chat_expect_null(m, "body");
	chat_expect_text(m, "sender", "ann@example.com");

	m = chat_find(&r, MESSAGES, "message_key", "message:4");
	chat_expect_text(m, "message_type", "system");
	chat_expect_text(m, "reply_to", "p:0/G2");

	m = chat_find(&r, MESSAGES, "message_key", "message:5");
	chat_expect_text(m, "reply_to", "G2");
	chat_expect_int(m, "deleted", 1);

	a = chat_find(&r, "chat_attachments", "message_key", "message:2");
	chat_expect_text(a, "name", "IMG_0001.HEIC");
	chat_expect_int(a, "size", 1234);
	/* an attachment with nothing recorded and no message */
	ck_assert_uint_eq(chat_count(&r, "chat_attachments"), 2);
	a = stub_host_record(r.host, "chat_attachments", 1);
	chat_expect_null(a, "message_key");
	chat_expect_null(a, "name");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(attributed_body_lengths_and_damage)
{
	/* a 300-byte string (16-bit length) and blobs cut or lying */
	chat_bytes b;
	chat_run r;
	char *sql;
	const stub_record *m;

	ck_assert_int_ge(asprintf(&sql, "%s%s", modern_sms_db,
		"INSERT INTO message (ROWID, guid, attributedBody, date, is_from_me) VALUES"
		" (10, 'L', CAST(X'4E53537472696E67019484012B812C01' ||"
		"   replace(hex(zeroblob(150)), '0', 'a') AS BLOB), 1, 1),"
		" (11, 'C', X'4E53537472696E67019484012B8140', 1, 1),"
		" (12, 'H', X'4E53537472696E67019484012B82FFFFFFFF41', 1, 1),"
		" (13, 'N', X'4E53537472696E67', 1, 1),"
		" (14, 'Z', X'', 1, 1);"), 0);
	b = chat_db_from_sql(sql);
	free(sql);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	m = chat_find(&r, MESSAGES, "message_key", "message:10");
	ck_assert_uint_eq(strlen(chat_field_text(m, "body")), 300);
	m = chat_find(&r, MESSAGES, "message_key", "message:11");
	chat_expect_null(m, "body");
	m = chat_find(&r, MESSAGES, "message_key", "message:12");
	chat_expect_null(m, "body");
	m = chat_find(&r, MESSAGES, "message_key", "message:13");
	chat_expect_null(m, "body");
	m = chat_find(&r, MESSAGES, "message_key", "message:14");
	chat_expect_null(m, "body");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(dangling_references_and_nulls)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT,"
		" handle_id INTEGER, date INTEGER, is_from_me INTEGER);"
		"CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
		"CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid TEXT, chat_identifier TEXT,"
		" display_name TEXT);"
		"CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
		"INSERT INTO message VALUES (1, NULL, NULL, 99, NULL, NULL),"
		" (2, 'g', 'to a chat that is gone', 1, 'soon', 1),"
		" (3, 'h', 'far future', 1, 1e300, 0);"
		"INSERT INTO chat_message_join VALUES (77, 2);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "message:1");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "sender");
	m = chat_find(&r, MESSAGES, "message_key", "message:2");
	chat_expect_null(m, "thread_id");
	chat_expect_null(m, "sent");
	m = chat_find(&r, MESSAGES, "message_key", "message:3");
	chat_expect_null(m, "sent");
	ck_assert(chat_error_mentions(&r, "outside the years"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(truncated_corpus_database)
{
	chat_bytes b;
	chat_run r;

	b = chat_read_corpus("plaso-chat/imessage_chat.db");
	b.len = b.len / 3;
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert(r.rc == EXHIBIT_OK || r.rc == EXHIBIT_ERR_FORMAT);
	ck_assert_uint_le(chat_count(&r, MESSAGES), 10);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* Found by the fuzzer: a message table whose b-tree pages are shared, so
 * SQLite returns the same cells again and again, each quickly enough for
 * every time limit.  The row limit stops it (in each of the two passes,
 * live rows and recovered rows). */
START_TEST(shared_pages_stop_at_the_row_limit)
{
	chat_bytes b = chat_read_file(EXHIBIT_SOURCE_DIR
	                              "/tests/fuzz/corpus/chat_imessage/regress-page-dag.db");
	chat_run r = chat_analyze(plugin(), &b, NULL);

	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_le(chat_count(&r, MESSAGES), 2 * (b.len / 4 + 64));
	ck_assert(chat_error_mentions(&r, "yields more rows than the database can hold"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages (the corpus database, copied and edited) ---------- */

static const chat_deleted_case deleted_case = {
	"plaso-chat/imessage_chat.db", "message", "text", "message:",
	"WHERE ROWID IN (2, 5, 9)", 4,
	NULL, NULL, NULL, NULL
};

START_TEST(deleted_secure_delete_off)
{
	chat_deleted_figures f = chat_deleted_run(plugin(), &deleted_case, CHAT_DELETE_PLAIN);

	ck_assert_uint_eq(f.recovered, f.deleted);
}
END_TEST

START_TEST(deleted_secure_delete_on)
{
	chat_deleted_figures f = chat_deleted_run(plugin(), &deleted_case, CHAT_DELETE_SECURE);

	/* one text has an older copy the device left in free space */
	ck_assert_uint_eq(f.present, 1);
	ck_assert_uint_eq(f.recovered, f.present);
}
END_TEST

START_TEST(deleted_wal_not_checkpointed)
{
	chat_deleted_figures f = chat_deleted_run(plugin(), &deleted_case, CHAT_DELETE_WAL);

	ck_assert_uint_eq(f.recovered, f.deleted);
}
END_TEST

START_TEST(deleted_wal_checkpointed)
{
	chat_deleted_figures f = chat_deleted_run(plugin(), &deleted_case,
	                                          CHAT_DELETE_CHECKPOINTED);

	ck_assert_uint_eq(f.recovered, f.deleted);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_imessage");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, modern_schema);
	tcase_add_test(fixtures, attributed_body_lengths_and_damage);
	tcase_add_test(fixtures, dangling_references_and_nulls);
	tcase_add_test(fixtures, shared_pages_stop_at_the_row_limit);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(corpus, 30);
	tcase_add_test(corpus, deleted_secure_delete_off);
	tcase_add_test(corpus, deleted_secure_delete_on);
	tcase_add_test(corpus, deleted_wal_not_checkpointed);
	tcase_add_test(corpus, deleted_wal_checkpointed);
	tcase_add_test(corpus, plaso_imessage_chat_db);
	tcase_add_test(corpus, truncated_corpus_database);
	if (chat_corpus_has("plaso-chat/imessage_chat.db"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("imessage: plaso-chat/imessage_chat.db");
	return check_run_suite(s);
}

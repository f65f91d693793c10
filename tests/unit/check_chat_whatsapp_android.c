/*
 * check_chat_whatsapp_android.c — the whatsapp-android plugin on
 * databases built here from the app's documented schemas (no public
 * msgstore.db or wa.db exists): msgstore.db in the 2021 layout (message,
 * chat, jid and the message_* tables, their CREATE TABLE statements as
 * WhatsApp 2.22-2.23 issues them, less columns it does not read), in the
 * older layout (messages, as WhatsApp 2.17-2.20 creates it), both layouts
 * at once (the migration), wa.db, broken databases, and deleted messages
 * in both layouts (secure_delete off and on, WAL before and after a
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
#include "fixtures/whatsapp_android.h"

/* SHA-256("abc") in Base64, as file_hash and media_hash hold digests */
#define ABC_SHA256_HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* ---- the 2021 layout ----------------------------------------------------- */

START_TEST(message_layout)
{
	chat_bytes b = chat_db_from_parts(chat_fx_whatsapp_android_schema, chat_fx_whatsapp_android_rows, NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 8); /* the placeholder is none */
	ck_assert_uint_eq(chat_count_recovered(&r, MESSAGES), 0);

	m = chat_find(&r, MESSAGES, "message_key", "message:2");
	chat_expect_text(m, "app", "WhatsApp");
	chat_expect_text(m, "service", "WhatsApp");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "15550001111@s.whatsapp.net");
	chat_expect_null(m, "recipients");
	chat_expect_text(m, "thread_id", "15550001111@s.whatsapp.net");
	chat_expect_null(m, "thread_title");
	chat_expect_text(m, "participants", "[\"15550001111@s.whatsapp.net\"]");
	chat_expect_time(m, "sent", "2023-11-14T22:13:20.123Z");
	chat_expect_time(m, "received", "2023-11-14T22:13:21.456Z");
	chat_expect_text(m, "body", "hello from alice");
	chat_expect_text(m, "message_type", "text");
	chat_expect_text(m, "status", "received");
	chat_expect_text(m, "source_table", "message");
	chat_expect_int(m, "source_rowid", 2);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"key_id\":\"KEY2\""));

	/* outgoing, delivered and read as receipt_user says */
	m = chat_find(&r, MESSAGES, "message_key", "message:3");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "recipients", "[\"15550001111@s.whatsapp.net\"]");
	chat_expect_time(m, "sent", "2023-11-14T22:14:20.000Z");
	chat_expect_time(m, "received", "2023-11-14T22:14:21.000Z");
	chat_expect_time(m, "read", "2023-11-14T22:14:22.000Z");
	chat_expect_text(m, "status", "read");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"starred\":1"));

	/* a group picture: the author by jid row, the others as recipients */
	m = chat_find(&r, MESSAGES, "message_key", "message:4");
	chat_expect_text(m, "sender", "15550002222@s.whatsapp.net");
	chat_expect_text(m, "thread_id", "120363000000000001@g.us");
	chat_expect_text(m, "thread_title", "Lake trip");
	/* jid row 4 has no raw_string: user@server */
	chat_expect_text(m, "participants", "[\"15550001111@s.whatsapp.net\","
	                 "\"15550002222@s.whatsapp.net\",\"15550003333@s.whatsapp.net\"]");
	chat_expect_text(m, "recipients", "[\"15550001111@s.whatsapp.net\","
	                 "\"15550003333@s.whatsapp.net\"]");
	chat_expect_text(m, "message_type", "media");
	chat_expect_text(m, "body", "the lake");
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 1);
	a = chat_find(&r, ATTACHMENTS, "message_key", "message:4");
	chat_expect_text(a, "path", "Media/WhatsApp Images/IMG-20231114-WA0001.jpg");
	chat_expect_text(a, "name", "IMG-20231114-WA0001.jpg");
	chat_expect_text(a, "mime_type", "image/jpeg");
	chat_expect_text(a, "url", "https://mmg.whatsapp.net/d/f/x.enc");
	chat_expect_int(a, "size", 12345);
	chat_expect_text(a, "hash_algorithm", "sha256");
	{
		const stub_field *h = stub_record_field(a, "hash");
		char hex[65];
		size_t i;

		ck_assert_ptr_nonnull(h);
		ck_assert_int_eq(h->type, EXHIBIT_BLOB);
		ck_assert_uint_eq(h->blob_len, 32);
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", ((const unsigned char *)h->blob)[i]);
		ck_assert_str_eq(hex, ABC_SHA256_HEX);
	}
	chat_expect_text(a, "source_table", "message_media");
	chat_expect_int(a, "source_rowid", 4);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(a), "\"width\":800"));

	/* a reply, forwarded */
	m = chat_find(&r, MESSAGES, "message_key", "message:5");
	chat_expect_text(m, "reply_to", "KEY4");
	chat_expect_int(m, "forwarded", 1);
	chat_expect_text(m, "status", "delivered");
	chat_expect_text(m, "recipients", "[\"15550001111@s.whatsapp.net\","
	                 "\"15550002222@s.whatsapp.net\",\"15550003333@s.whatsapp.net\"]");
	chat_expect_null(m, "received"); /* a group message: no single receipt */
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"quoted_text\":\"the lake\""));

	m = chat_find(&r, MESSAGES, "message_key", "message:6");
	chat_expect_text(m, "message_type", "system");
	chat_expect_null(m, "body");
	chat_expect_text(m, "status", "system");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"action_type\":12"));

	/* deleted for everyone: the app's flag */
	m = chat_find(&r, MESSAGES, "message_key", "message:7");
	chat_expect_int(m, "deleted", 1);
	chat_expect_null(m, "body");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"revoke_timestamp\":1700000401000"));
	m = chat_find(&r, MESSAGES, "message_key", "message:2");
	chat_expect_int(m, "deleted", 0);
	chat_expect_int(m, "edited", 0);
	chat_expect_int(m, "forwarded", 0);

	m = chat_find(&r, MESSAGES, "message_key", "message:8");
	chat_expect_text(m, "message_type", "media");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"latitude\":46.5"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"place_name\":\"Ouchy\""));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"media_type\":\"location\""));

	m = chat_find(&r, MESSAGES, "message_key", "message:9");
	chat_expect_int(m, "edited", 1);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"edited_timestamp\":1700000601000"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(calls)
{
	chat_bytes b = chat_db_from_parts(chat_fx_whatsapp_android_schema, chat_fx_whatsapp_android_rows, NULL);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *c;

	ck_assert_uint_eq(chat_count(&r, CALLS), 2);
	c = chat_find(&r, CALLS, "call_id", "call_log:1");
	chat_expect_text(c, "peer", "15550001111@s.whatsapp.net");
	chat_expect_text(c, "direction", "incoming");
	chat_expect_text(c, "media", "voice");
	chat_expect_time(c, "started", "2023-11-14T22:25:00.000Z");
	chat_expect_null(c, "ended");
	chat_expect_int(c, "duration", 0);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(c), "\"call_result\":2"));
	c = chat_find(&r, CALLS, "call_id", "call_log:2");
	chat_expect_text(c, "direction", "outgoing");
	chat_expect_text(c, "media", "video");
	chat_expect_time(c, "started", "2023-11-14T22:26:40.250Z");
	chat_expect_time(c, "ended", "2023-11-14T22:28:15.250Z");
	chat_expect_text(c, "thread_id", "15550002222@s.whatsapp.net");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- the older layout ---------------------------------------------------- */

#define LEGACY_PATH "/storage/emulated/0/WhatsApp/Media/WhatsApp Images/IMG-20190101-WA0001.jpg"

START_TEST(legacy_layout)
{
	chat_bytes b = chat_db_from_parts(chat_fx_whatsapp_android_legacy_schema,
	                     chat_fx_whatsapp_android_legacy_rows, NULL);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);

	m = chat_find(&r, MESSAGES, "message_key", "messages:2");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "15550001111@s.whatsapp.net");
	chat_expect_time(m, "sent", "2019-01-01T00:00:00.000Z");
	chat_expect_time(m, "received", "2019-01-01T00:00:01.000Z");
	chat_expect_text(m, "body", "happy new year");
	chat_expect_text(m, "message_type", "text");
	chat_expect_text(m, "source_table", "messages");
	ck_assert_ptr_null(strstr(chat_extra_of(m), "latitude")); /* 0, 0 is no place */

	m = chat_find(&r, MESSAGES, "message_key", "messages:3");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"15550001111@s.whatsapp.net\"]");
	chat_expect_time(m, "received", "2019-01-01T00:01:01.000Z");
	chat_expect_time(m, "read", "2019-01-01T00:01:40.000Z");
	chat_expect_text(m, "status", "read");
	chat_expect_int(m, "forwarded", 1);

	m = chat_find(&r, MESSAGES, "message_key", "messages:4");
	chat_expect_text(m, "sender", "15550002222@s.whatsapp.net");
	chat_expect_text(m, "thread_title", "New year");
	chat_expect_text(m, "participants", "[\"15550001111@s.whatsapp.net\","
	                 "\"15550002222@s.whatsapp.net\"]");
	chat_expect_text(m, "recipients", "[\"15550001111@s.whatsapp.net\"]");
	chat_expect_text(m, "body", "fireworks");
	chat_expect_text(m, "message_type", "media");
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages:4");
	chat_expect_text(a, "path", LEGACY_PATH);
	chat_expect_text(a, "name", "IMG-20190101-WA0001.jpg");
	chat_expect_int(a, "size", 2048);
	chat_expect_text(a, "hash_algorithm", "sha256");
	chat_expect_text(a, "source_table", "messages");

	m = chat_find(&r, MESSAGES, "message_key", "messages:5");
	chat_expect_text(m, "reply_to", "K4");
	chat_expect_text(m, "status", "delivered");

	m = chat_find(&r, MESSAGES, "message_key", "messages:6");
	chat_expect_text(m, "message_type", "system");
	chat_expect_text(m, "sender", "15550001111@s.whatsapp.net");
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 1);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(migration_reads_each_message_once)
{
	/* both layouts, the same messages in each: the new one is read */
	char *rows;
	chat_bytes b;
	chat_run r;

	ck_assert_int_ge(asprintf(&rows, "%s%s%s", chat_fx_whatsapp_android_legacy_schema,
	                          chat_fx_whatsapp_android_legacy_rows,
	                          chat_fx_whatsapp_android_rows), 0);
	b = chat_db_from_parts(chat_fx_whatsapp_android_schema, rows, NULL);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 8);
	ck_assert_uint_eq(chat_count(&r, CALLS), 2);
	chat_find(&r, MESSAGES, "message_key", "message:2");
	stub_host_free(r.host);
	chat_bytes_free(&b);
	free(rows);

	/* the new tables made but still empty: the old one is read */
	ck_assert_int_ge(asprintf(&rows, "%s%s", chat_fx_whatsapp_android_legacy_schema,
	                          chat_fx_whatsapp_android_legacy_rows), 0);
	b = chat_db_from_parts(chat_fx_whatsapp_android_schema, rows, NULL);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	chat_find(&r, MESSAGES, "message_key", "messages:2");
	stub_host_free(r.host);
	chat_bytes_free(&b);
	free(rows);
}
END_TEST

/* ---- wa.db ----------------------------------------------------------------- */

static const char contacts_schema[] =
	"CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL,"
	" is_whatsapp_user BOOLEAN NOT NULL, status TEXT, status_timestamp INTEGER,"
	" number TEXT, raw_contact_id INTEGER, display_name TEXT, phone_type INTEGER,"
	" phone_label TEXT, unseen_msg_count INTEGER, photo_ts INTEGER, thumb_ts INTEGER,"
	" photo_id_timestamp INTEGER, given_name TEXT, family_name TEXT, wa_name TEXT,"
	" sort_name TEXT, nickname TEXT, company TEXT, title TEXT, status_autodownload_disabled"
	" INTEGER, keep_timestamp INTEGER, is_spam_reported INTEGER, is_sidelist_synced BOOLEAN"
	" DEFAULT 0, is_business_synced BOOLEAN DEFAULT 0);"
	"CREATE TABLE wa_vnames (_id INTEGER PRIMARY KEY, jid TEXT, verified_name TEXT);";

START_TEST(wa_db_contacts)
{
	chat_bytes b = chat_db_from_parts(contacts_schema,
		"INSERT INTO wa_contacts (jid, is_whatsapp_user, status, status_timestamp, number,"
		" raw_contact_id, display_name, given_name, family_name, wa_name) VALUES"
		" ('15550001111@s.whatsapp.net', 1, 'Hey there! I am using WhatsApp.',"
		"  1546300000000, '+1 555-000-1111', 17, 'Alice Martin', 'Alice', 'Martin', 'ali'),"
		" ('15550002222@s.whatsapp.net', 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Bob'),"
		" ('15550004444@s.whatsapp.net', 0, NULL, NULL, '555 000 4444', 18, 'Dan', NULL, NULL,"
		"  NULL);", NULL);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *c;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, NULL), 3);
	c = chat_find(&r, CONTACTS, "contact_id", "15550001111@s.whatsapp.net");
	chat_expect_text(c, "app", "WhatsApp");
	chat_expect_text(c, "name", "Alice Martin");
	chat_expect_text(c, "phones", "[\"+1 555-000-1111\"]");
	chat_expect_text(c, "status_text", "Hey there! I am using WhatsApp.");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(c), "\"wa_name\":\"ali\""));
	chat_expect_text(c, "source_table", "wa_contacts");
	/* no address-book name: the one the user gave WhatsApp */
	c = chat_find(&r, CONTACTS, "contact_id", "15550002222@s.whatsapp.net");
	chat_expect_text(c, "name", "Bob");
	chat_expect_null(c, "phones");
	c = chat_find(&r, CONTACTS, "contact_id", "15550004444@s.whatsapp.net");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(c), "\"is_whatsapp_user\":0"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- identification and broken input ------------------------------------- */

START_TEST(other_databases_give_nothing)
{
	/* a "message" table of another app, a "messages" table of another shape */
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE message (_id INTEGER PRIMARY KEY, chat_row_id INTEGER, text TEXT);"
		"CREATE TABLE chat (_id INTEGER PRIMARY KEY, jid_row_id INTEGER);"
		"CREATE TABLE messages (_id INTEGER PRIMARY KEY, key_remote_jid TEXT, body TEXT);"
		"INSERT INTO message VALUES (1, 1, 'x'); INSERT INTO messages VALUES (1, 'a', 'y');");
	chat_run r = chat_analyze(plugin(), &b, "/data/data/com.whatsapp/databases/msgstore.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(nulls_and_absurd_values)
{
	chat_bytes b = chat_db_from_parts(chat_fx_whatsapp_android_schema,
		"INSERT INTO jid VALUES (1, 'u', 's', 0, 0, 0, x'41ff42');"
		"INSERT INTO chat (_id, jid_row_id, subject) VALUES (1, 1, x'00ff'), (2, 99, NULL);"
		"INSERT INTO message (_id, chat_row_id, from_me, key_id, timestamp, message_type,"
		" text_data, received_timestamp) VALUES"
		" (2, 1, 0, 'a', 9223372036854775807, 'x', x'68690041', -5),"
		" (3, 2, 7, 'b', 'yesterday', 999, NULL, NULL),"
		" (4, 77, 1, 'c', -1, NULL, 'nowhere', 1.5e300);"
		"INSERT INTO message_media (message_row_id, file_path, file_hash, file_size) VALUES"
		" (3, NULL, 'not base64!', -4), (4, '/', '" ABC_SHA256_B64 "==', 1);"
		"INSERT INTO receipt_user (message_row_id, receipt_user_jid_row_id, receipt_timestamp)"
		" VALUES (4, 1, 'soon');"
		"INSERT INTO call_log (jid_row_id, from_me, timestamp, duration) VALUES"
		" (NULL, NULL, NULL, -7), (1, 2, 1e300, 9223372036854775807);", NULL);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "message:2");
	chat_expect_text(m, "body", "hi\\x00A");
	chat_expect_text(m, "thread_id", "A\\xffB");
	chat_expect_text(m, "thread_title", "\\x00\\xff");
	chat_expect_null(m, "sent");
	chat_expect_null(m, "received");
	m = chat_find(&r, MESSAGES, "message_key", "message:3");
	chat_expect_null(m, "thread_id"); /* a chat whose JID row is gone */
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_null(m, "sent");
	m = chat_find(&r, MESSAGES, "message_key", "message:4");
	chat_expect_null(m, "thread_id");
	chat_expect_null(m, "sent");
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 2);
	a = chat_find(&r, ATTACHMENTS, "message_key", "message:3");
	chat_expect_null(a, "hash");
	chat_expect_null(a, "size");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(a), "\"file_hash\":\"not base64!\""));
	a = chat_find(&r, ATTACHMENTS, "message_key", "message:4");
	chat_expect_null(a, "hash"); /* too much padding: not a digest */
	chat_expect_null(a, "name");
	ck_assert_uint_eq(chat_count(&r, CALLS), 2);
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(truncated_database)
{
	chat_bytes full, cut;
	chat_run r;
	char *rows = NULL;

	ck_assert_int_ge(asprintf(&rows, "%s%s", chat_fx_whatsapp_android_rows,
		"WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
		" INSERT INTO message (_id, chat_row_id, from_me, key_id, timestamp, message_type,"
		" text_data) SELECT i, 1 + i % 2, i % 3 = 0, 'K' || i, 1700000000000 + i * 1000, 0,"
		" 'bulk message number ' || i FROM n;"), 0);
	full = chat_db_from_parts(chat_fx_whatsapp_android_schema, rows, NULL);
	free(rows);
	cut.len = full.len / 2;
	cut.data = malloc(cut.len);
	memcpy(cut.data, full.data, cut.len);
	r = chat_analyze(plugin(), &cut, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_ge(stub_host_error_count(r.host), 1);
	ck_assert_uint_lt(chat_count(&r, MESSAGES), 399);
	stub_host_free(r.host);
	chat_bytes_free(&cut);
	chat_bytes_free(&full);
}
END_TEST

/* ---- deleted messages ---------------------------------------------------- */

/* Enough messages for several pages, each text its own. */
static const chat_deleted_case message_deleted = {
	"fixture msgstore.db (2021 layout)", "message", "text_data", "message:",
	"WHERE _id IN (3, 5, 33, 34, 35, 77, 120)", 2, NULL, NULL, NULL,
	/* the app's placeholder row is no message: the harness counts every row */
	"DELETE FROM message WHERE key_id = '-1'"
};

static const chat_deleted_case legacy_deleted = {
	"fixture msgstore.db (older layout)", "messages", "data", "messages:",
	"WHERE _id IN (3, 5, 40, 41, 90, 120)", 2, NULL, NULL, NULL,
	"DELETE FROM messages WHERE key_remote_jid = '-1'"
};

/* A deleted picture whose media row the app left: the recovered message
 * gets its attachment, from the live row, said to be live.  (The reply
 * after it goes first, so that the picture's cell joins the freeblock the
 * reply's became instead of starting one whose header would overwrite
 * its rowid.) */
START_TEST(deleted_picture_keeps_its_media)
{
	char *rows;
	chat_bytes b;
	chat_run r;
	const stub_record *m, *a;

	ck_assert_int_ge(asprintf(&rows, "%s%s", chat_fx_whatsapp_android_rows,
	                          "PRAGMA secure_delete = OFF; DELETE FROM message WHERE _id = 5;"
	                          " DELETE FROM message WHERE _id = 4;"), 0);
	b = chat_db_from_parts(chat_fx_whatsapp_android_schema, rows, NULL);
	free(rows);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count_recovered(&r, MESSAGES), 2);
	m = chat_find(&r, MESSAGES, "body", "the lake");
	ck_assert_ptr_nonnull(chat_field_text(m, "recovered_from"));
	chat_expect_text(m, "message_key", "message:4");
	chat_expect_text(m, "thread_title", "Lake trip");
	chat_expect_text(m, "sender", "15550002222@s.whatsapp.net");
	a = chat_find(&r, ATTACHMENTS, "message_key", "message:4");
	chat_expect_null(a, "recovered_from");
	chat_expect_text(a, "source_table", "message_media");
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 1);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

static void deleted_run(bool legacy, chat_deletion how)
{
	chat_bytes b = chat_deleted_fixture("whatsapp-android", legacy ? "msgstore_2019.db" :
	                                                          "msgstore.db");
	chat_deleted_figures f = chat_deleted_run_db(plugin(), legacy ? &legacy_deleted :
	                                             &message_deleted, how, &b);

	if (how == CHAT_DELETE_SECURE)
		ck_assert_uint_eq(f.present, 0);
	else /* what SQLite left of them (a page rebalanced may lose some) */
		ck_assert_uint_gt(f.present, 0);
	ck_assert_uint_eq(f.recovered, f.present);
	chat_bytes_free(&b);
}

START_TEST(deleted_message_layout)
{
	deleted_run(false, (chat_deletion)_i);
}
END_TEST

START_TEST(deleted_legacy_layout)
{
	deleted_run(true, (chat_deletion)_i);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_whatsapp_android");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, message_layout);
	tcase_add_test(fixtures, calls);
	tcase_add_test(fixtures, legacy_layout);
	tcase_add_test(fixtures, migration_reads_each_message_once);
	tcase_add_test(fixtures, wa_db_contacts);
	tcase_add_test(fixtures, other_databases_give_nothing);
	tcase_add_test(fixtures, nulls_and_absurd_values);
	tcase_add_test(fixtures, truncated_database);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_test(deleted, deleted_picture_keeps_its_media);
	tcase_add_loop_test(deleted, deleted_message_layout, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	tcase_add_loop_test(deleted, deleted_legacy_layout, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

/*
 * check_chat_android_sms.c — the android-sms plugin on plaso's mmssms.db
 * (what plaso's android_sms test asserts: 9 messages, 5 sent and 4
 * received; the first sent to "1 555-521-5554", "Yo Fred this is my new
 * number.", 2013-10-29T16:56:28.038Z, sms_type 2, read 1), on MMS built
 * here from the provider's documented schema, and on broken databases.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"

/* The provider's tables, as Android 4 to 14 declare them (the columns
 * the plugin reads, and a few it does not). */
static const char provider_schema[] =
	"CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT,"
	" person INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0, protocol INTEGER,"
	" read INTEGER DEFAULT 0, status INTEGER DEFAULT -1, type INTEGER,"
	" reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT,"
	" locked INTEGER DEFAULT 0, error_code INTEGER DEFAULT 0, seen INTEGER DEFAULT 0);"
	"CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER,"
	" message_count INTEGER, recipient_ids TEXT, snippet TEXT);"
	"CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" address TEXT);"
	"CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER,"
	" date INTEGER, date_sent INTEGER DEFAULT 0, msg_box INTEGER, read INTEGER,"
	" m_id TEXT, sub TEXT, sub_cs INTEGER, ct_t TEXT, m_type INTEGER, m_size INTEGER,"
	" tr_id TEXT, locked INTEGER DEFAULT 0, seen INTEGER DEFAULT 0, text_only INTEGER);"
	"CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER,"
	" address TEXT, type INTEGER, charset INTEGER);"
	"CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER,"
	" seq INTEGER DEFAULT 0, ct TEXT, name TEXT, chset INTEGER, cd TEXT, fn TEXT,"
	" cid TEXT, cl TEXT, ctt_s INTEGER, ctt_t TEXT, _data TEXT, text TEXT);";

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* ---- the corpus ---------------------------------------------------------- */

START_TEST(plaso_mmssms_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/mmssms.db");
	const stub_record *m;
	size_t i, sent = 0, received = 0;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 9);
	ck_assert_uint_eq(chat_count(&r, NULL), 9);
	for (i = 0; i < 9; i++) {
		const char *d = chat_field_text(stub_host_record(r.host, MESSAGES, i), "direction");

		sent += !strcmp(d, "outgoing");
		received += !strcmp(d, "incoming");
	}
	ck_assert_uint_eq(sent, 5);
	ck_assert_uint_eq(received, 4);

	/* plaso: event 0. */
	m = chat_find(&r, MESSAGES, "body", "Yo Fred this is my new number.");
	chat_expect_text(m, "app", "Android SMS/MMS");
	chat_expect_text(m, "service", "SMS");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"1 555-521-5554\"]");
	chat_expect_null(m, "sender");
	chat_expect_time(m, "sent", "2013-10-29T16:56:28.038Z");
	chat_expect_text(m, "status", "sent");
	chat_expect_text(m, "thread_id", "1");
	chat_expect_text(m, "thread_title", "1 555-521-5554");
	chat_expect_text(m, "participants", "[\"1 555-521-5554\"]");
	chat_expect_text(m, "message_key", "sms:1");
	chat_expect_text(m, "source_table", "sms");
	chat_expect_int(m, "source_rowid", 1);
	chat_expect_null(m, "recovered_from");
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"), "\"type\":2"));
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"), "\"read\":1"));

	/* An incoming one: the sender's time and this phone's. */
	m = chat_find(&r, MESSAGES, "body", "Who dis??");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "15555215554");
	chat_expect_time(m, "sent", "2013-10-29T17:06:16.000Z");
	chat_expect_time(m, "received", "2013-10-29T17:06:16.416Z");
	chat_expect_text(m, "status", "received");
	stub_host_free(r.host);
}
END_TEST

/* ---- MMS, built from the documented schema ------------------------------ */

static const char mms_rows[] =
	"INSERT INTO threads VALUES (7, 0, 2, '1 2', 'x');"
	"INSERT INTO canonical_addresses VALUES (1, '+15551230001'), (2, '+15551230002');"
	/* an incoming group MMS with a picture */
	"INSERT INTO pdu (_id, thread_id, date, date_sent, msg_box, read, m_id, sub, m_type)"
	" VALUES (3, 7, 1700000010, 1700000005, 1, 1, 'mid-3', 'Look', 132);"
	"INSERT INTO addr (msg_id, address, type) VALUES (3, '+15551230001', 137),"
	" (3, 'insert-address-token', 151), (3, '+15551230002', 151);"
	"INSERT INTO part (mid, seq, ct, cl, text, _data) VALUES"
	" (3, -1, 'application/smil', 'smil.xml', '<smil/>', NULL),"
	" (3, 0, 'image/jpeg', 'IMG_0042.jpg', NULL,"
	"   '/data/user/0/com.android.providers.telephony/app_parts/PART_1700000010'),"
	" (3, 1, 'text/plain', 'text_0.txt', 'the lake', NULL);"
	/* an outgoing text-only MMS */
	"INSERT INTO pdu (_id, thread_id, date, msg_box, m_type) VALUES (4, 7, 1700000100, 2, 128);"
	"INSERT INTO addr (msg_id, address, type) VALUES (4, 'insert-address-token', 137),"
	" (4, '+15551230001', 151), (4, '+15551230002', 151);"
	"INSERT INTO part (mid, seq, ct, text) VALUES (4, 0, 'text/plain', 'ok'),"
	" (4, 1, 'text/plain', 'see you');"
	/* a delivery report */
	"INSERT INTO pdu (_id, thread_id, date, msg_box, m_type) VALUES (5, 7, 1700000101, 1, 134);";

static chat_bytes provider_db(const char *rows)
{
	char *sql;
	chat_bytes b;

	ck_assert_int_ge(asprintf(&sql, "%s%s", provider_schema, rows), 0);
	b = chat_db_from_sql(sql);
	free(sql);
	return b;
}

START_TEST(mms_with_parts_and_addresses)
{
	chat_bytes b = provider_db(mms_rows);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 1);

	m = chat_find(&r, MESSAGES, "message_key", "pdu:3");
	chat_expect_text(m, "service", "MMS");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "+15551230001");
	chat_expect_text(m, "recipients", "[\"+15551230002\"]");
	chat_expect_text(m, "body", "the lake");
	chat_expect_text(m, "message_type", "media");
	chat_expect_time(m, "sent", "2023-11-14T22:13:25Z");
	chat_expect_time(m, "received", "2023-11-14T22:13:30Z");
	chat_expect_text(m, "thread_id", "7");
	chat_expect_text(m, "thread_title", "+15551230001, +15551230002");
	chat_expect_text(m, "participants", "[\"+15551230001\",\"+15551230002\"]");
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"), "\"subject\":\"Look\""));

	a = chat_find(&r, ATTACHMENTS, "message_key", "pdu:3");
	chat_expect_text(a, "name", "IMG_0042.jpg");
	chat_expect_text(a, "mime_type", "image/jpeg");
	chat_expect_text(a, "path",
	                 "/data/user/0/com.android.providers.telephony/app_parts/PART_1700000010");
	chat_expect_text(a, "source_table", "part");
	chat_expect_null(a, "size");

	m = chat_find(&r, MESSAGES, "message_key", "pdu:4");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "recipients", "[\"+15551230001\",\"+15551230002\"]");
	chat_expect_text(m, "body", "ok\nsee you");
	chat_expect_text(m, "message_type", "text");
	chat_expect_time(m, "sent", "2023-11-14T22:15:00Z");

	m = chat_find(&r, MESSAGES, "message_key", "pdu:5");
	chat_expect_text(m, "message_type", "system");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- identification ------------------------------------------------------ */

START_TEST(other_databases_give_nothing)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE messages (_id INTEGER PRIMARY KEY, body TEXT, date INTEGER);"
		"INSERT INTO messages VALUES (1, 'not SMS', 1);"
		/* an "sms" table of another shape */
		"CREATE TABLE sms (id INTEGER PRIMARY KEY, text TEXT);"
		"INSERT INTO sms VALUES (1, 'no');");
	chat_run r = chat_analyze(plugin(), &b, "/data/data/com.android.providers.telephony/"
	                                        "databases/mmssms.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(not_sqlite_gives_nothing)
{
	chat_bytes b = { (unsigned char *)strdup("SQLite format 2\nnot a database"), 30 };
	chat_run r = chat_analyze(plugin(), &b, NULL);

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- broken databases ---------------------------------------------------- */

START_TEST(nulls_everywhere)
{
	chat_bytes b = provider_db(
		"INSERT INTO sms (_id) VALUES (1);"
		"INSERT INTO sms (_id, thread_id, address, date, type, body) VALUES"
		" (2, NULL, NULL, NULL, NULL, NULL);"
		"INSERT INTO pdu (_id) VALUES (9);"
		"INSERT INTO part (mid) VALUES (9);"
		"INSERT INTO addr (msg_id) VALUES (9);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "sms:2");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "sent");
	chat_expect_null(m, "body");
	chat_expect_null(m, "thread_id");
	chat_expect_text(m, "recipients", NULL);
	/* a part with no type is an attachment of unknown type */
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 1);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(absurd_values)
{
	chat_bytes b = provider_db(
		"INSERT INTO threads VALUES (1, 0, 1, '99 x -5 9223372036854775807', 's');"
		"INSERT INTO sms (_id, thread_id, address, date, date_sent, type, body) VALUES"
		" (1, 1, 'a', 9223372036854775807, -9223372036854775808, 1, 'max'),"
		" (2, 'one', x'00ff41', 'yesterday', 1.5e300, 'sent', x'68690041'),"
		" (3, 1, 'b', -1, 0, 99, 'negative'),"
		" (4, 1, 'c', 1383065788038.5, '1383065788038', 2, 'real and text');"
		"INSERT INTO pdu (_id, thread_id, date, msg_box, m_type) VALUES"
		" (1, 1, 253402300800, 1, 132), (2, 1, -11644473601, 2, 128);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 6);
	m = chat_find(&r, MESSAGES, "body", "max");
	chat_expect_null(m, "received");
	chat_expect_null(m, "sent");
	chat_expect_text(m, "thread_title", NULL); /* ids that name nothing */
	/* bytes that are not UTF-8 are escaped, never dropped */
	m = chat_find(&r, MESSAGES, "message_key", "sms:2");
	chat_expect_text(m, "body", "hi\\x00A");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "thread_id");
	m = chat_find(&r, MESSAGES, "body", "negative");
	chat_expect_time(m, "received", "1969-12-31T23:59:59.999Z");
	chat_expect_text(m, "direction", "unknown");
	m = chat_find(&r, MESSAGES, "body", "real and text");
	chat_expect_time(m, "sent", "2013-10-29T16:56:28.038Z");
	m = chat_find(&r, MESSAGES, "message_key", "pdu:1");
	chat_expect_null(m, "received");
	m = chat_find(&r, MESSAGES, "message_key", "pdu:2");
	chat_expect_null(m, "sent");
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(truncated_database)
{
	chat_bytes full, cut;
	chat_run r;
	char rows[64 * 1024];
	size_t used = 0;
	int i;

	for (i = 1; i <= 300; i++)
		used += (size_t)snprintf(rows + used, sizeof rows - used,
		                         "INSERT INTO sms (_id, thread_id, address, date, type, body)"
		                         " VALUES (%d, 1, '555', %d000, 1, 'message %d');", i,
		                         1700000000 + i, i);
	full = provider_db(rows);
	cut.len = full.len / 2;
	cut.data = malloc(cut.len);
	memcpy(cut.data, full.data, cut.len);
	r = chat_analyze(plugin(), &cut, NULL);
	/* What could be read is kept; the damage is reported with an offset. */
	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_ge(stub_host_error_count(r.host), 1);
	ck_assert_uint_lt(chat_count(&r, MESSAGES), 300);
	ck_assert(chat_error_mentions(&r, "table \"sms\""));
	stub_host_free(r.host);
	chat_bytes_free(&cut);
	chat_bytes_free(&full);
}
END_TEST

START_TEST(older_schema_without_date_sent)
{
	/* Android 2: no date_sent, no seen, no part/pdu tables at all. */
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT,"
		" person INTEGER, date INTEGER, protocol INTEGER, read INTEGER, status INTEGER,"
		" type INTEGER, reply_path_present INTEGER, subject TEXT, body TEXT,"
		" service_center TEXT);"
		"INSERT INTO sms (thread_id, address, date, type, body) VALUES"
		" (1, '5551212', 1262304000000, 1, 'happy new year');");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 1);
	m = chat_find(&r, MESSAGES, "body", "happy new year");
	chat_expect_null(m, "sent");
	chat_expect_time(m, "received", "2010-01-01T00:00:00.000Z");
	chat_expect_text(m, "thread_title", NULL);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages (the corpus database, copied and edited) ---------- */

static const chat_deleted_case deleted_case = {
	"plaso-chat/mmssms.db", "sms", "body", "sms:", "WHERE _id IN (2, 5, 7)", 3,
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

	ck_assert_uint_eq(f.present, 0); /* no older copy of them in the file */
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
	Suite *s = suite_create("chat_android_sms");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, mms_with_parts_and_addresses);
	tcase_add_test(fixtures, other_databases_give_nothing);
	tcase_add_test(fixtures, not_sqlite_gives_nothing);
	tcase_add_test(fixtures, nulls_everywhere);
	tcase_add_test(fixtures, absurd_values);
	tcase_add_test(fixtures, truncated_database);
	tcase_add_test(fixtures, older_schema_without_date_sent);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(corpus, 30);
	tcase_add_test(corpus, deleted_secure_delete_off);
	tcase_add_test(corpus, deleted_secure_delete_on);
	tcase_add_test(corpus, deleted_wal_not_checkpointed);
	tcase_add_test(corpus, deleted_wal_checkpointed);
	tcase_add_test(corpus, plaso_mmssms_db);
	if (chat_corpus_has("plaso-chat/mmssms.db"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("android-sms: plaso-chat/mmssms.db");
	return check_run_suite(s);
}

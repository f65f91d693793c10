/*
 * check_chat_android_calls.c — the android-calls plugin on plaso's
 * contacts2.db (what plaso's android_calls test asserts: 3 calls; the
 * first from 5404561685, type 3 (missed), duration 0, started
 * 2013-11-06T21:17:16.690Z, no end; plaso's older test: a call started
 * 2013-11-07T00:03:36.690Z that lasted 639 s, ending 00:14:15.690Z), on a
 * calllog.db built from the documented schema, and on broken ones.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"

static const char calllog_schema[] =
	"CREATE TABLE calls (_id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT,"
	" presentation INTEGER NOT NULL DEFAULT 1, date INTEGER, duration INTEGER,"
	" data_usage INTEGER, type INTEGER, features INTEGER NOT NULL DEFAULT 0,"
	" subscription_component_name TEXT, subscription_id TEXT,"
	" phone_account_address TEXT, new INTEGER, name TEXT, numbertype INTEGER,"
	" numberlabel TEXT, countryiso TEXT, voicemail_uri TEXT, is_read INTEGER,"
	" geocoded_location TEXT, lookup_uri TEXT, matched_number TEXT,"
	" normalized_number TEXT, photo_id INTEGER NOT NULL DEFAULT 0,"
	" formatted_number TEXT, via_number TEXT);";

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

START_TEST(plaso_contacts2_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/contacts2.db");
	const stub_record *c;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, CALLS), 3);
	ck_assert_uint_eq(chat_count(&r, NULL), 3);

	c = chat_find(&r, CALLS, "call_id", "714");
	chat_expect_text(c, "app", "Android Call Log");
	chat_expect_text(c, "peer", "5404561685");
	chat_expect_text(c, "peer_name", "Barney");
	chat_expect_text(c, "direction", "incoming");
	chat_expect_text(c, "status", "missed");
	chat_expect_int(c, "duration", 0);
	chat_expect_time(c, "started", "2013-11-06T21:17:16.690Z");
	chat_expect_time(c, "ended", "NULL");
	chat_expect_text(c, "source_table", "calls");
	chat_expect_int(c, "source_rowid", 714);
	ck_assert_ptr_nonnull(strstr(chat_field_text(c, "extra"), "\"type\":3"));

	c = chat_find(&r, CALLS, "call_id", "715");
	chat_expect_text(c, "direction", "outgoing");
	chat_expect_int(c, "duration", 126);

	c = chat_find(&r, CALLS, "call_id", "717");
	chat_expect_text(c, "status", "answered");
	chat_expect_int(c, "duration", 639);
	chat_expect_time(c, "started", "2013-11-07T00:03:36.690Z");
	chat_expect_time(c, "ended", "2013-11-07T00:14:15.690Z");
	stub_host_free(r.host);
}
END_TEST

START_TEST(calllog_db_with_video_and_account)
{
	char sql[4096];
	chat_bytes b;
	chat_run r;
	const stub_record *c;

	snprintf(sql, sizeof sql, "%s%s", calllog_schema,
	         "INSERT INTO calls (number, date, duration, type, features, phone_account_address,"
	         " name, numbertype) VALUES ('+4915112345678', 1600000000123, 30, 2, 1,"
	         " '+4917000000001', 'Anna', 2), (NULL, 1600000100000, 0, 6, 0, '', NULL, 0),"
	         " ('111', 1600000200000, 5, 9, 0, NULL, NULL, 0);");
	b = chat_db_from_sql(sql);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, CALLS), 3);
	c = chat_find(&r, CALLS, "call_id", "1");
	chat_expect_text(c, "media", "video");
	chat_expect_text(c, "account", "+4917000000001");
	chat_expect_text(c, "participants", "[\"+4915112345678\"]");
	chat_expect_time(c, "ended", "2020-09-13T12:27:10.123Z");
	c = chat_find(&r, CALLS, "call_id", "2");
	chat_expect_text(c, "status", "blocked");
	chat_expect_text(c, "media", "voice");
	chat_expect_null(c, "account");
	chat_expect_null(c, "peer");
	c = chat_find(&r, CALLS, "call_id", "3");
	chat_expect_text(c, "direction", "unknown");
	chat_expect_null(c, "status");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(viber_calls_are_not_android_calls)
{
	/* Viber's calls table shares number, date, duration and type. */
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE calls (_id INTEGER PRIMARY KEY, call_id LONG, number TEXT,"
		" canonized_number TEXT, viber_call_type INTEGER, date LONG, duration LONG,"
		" type INT);"
		"INSERT INTO calls VALUES (1, 1, '+1', '+1', 1, 1669408465582, 98, 1);");
	chat_run r = chat_analyze(plugin(), &b, NULL);

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(broken_rows)
{
	char sql[4096];
	chat_bytes b;
	chat_run r;
	const stub_record *c;

	snprintf(sql, sizeof sql, "%s%s", calllog_schema,
	         "INSERT INTO calls (_id, number, date, duration, type, features) VALUES"
	         " (1, NULL, NULL, NULL, NULL, 0),"
	         " (2, x'ff00', 9223372036854775807, 9223372036854775807, 'x', -1),"
	         " (3, '1', -62135596800000, -5, 1, 0);");
	b = chat_db_from_sql(sql);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, CALLS), 3);
	c = chat_find(&r, CALLS, "call_id", "2");
	chat_expect_text(c, "peer", "\\xff");
	chat_expect_null(c, "started");
	chat_expect_null(c, "ended");
	chat_expect_text(c, "media", "video");
	c = chat_find(&r, CALLS, "call_id", "3");
	chat_expect_null(c, "started"); /* year 1 */
	chat_expect_null(c, "ended");
	ck_assert(chat_error_mentions(&r, "outside the years"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(truncated_contacts2)
{
	chat_bytes b;
	chat_run r;

	if (!chat_corpus_has("plaso-chat/contacts2.db"))
		return;
	b = chat_read_corpus("plaso-chat/contacts2.db");
	b.len = 4096; /* the schema survives, the tables do not */
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert(r.rc == EXHIBIT_OK || r.rc == EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(chat_count(&r, CALLS), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted calls (the corpus database, copied and edited) ------------- */

/* The corpus's three calls share one number: each gets its own first, so
 * that a call can be told by its text. */
static const chat_deleted_case deleted_case = {
	"plaso-chat/contacts2.db", "calls", "number", "", "WHERE _id IN (714, 717)", 715,
	"chat_calls", "call_id", "peer", "UPDATE calls SET number = '+1555010' || _id"
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

	ck_assert_uint_eq(f.present, 0);
	ck_assert_uint_eq(f.recovered, 0);
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
	Suite *s = suite_create("chat_android_calls");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, calllog_db_with_video_and_account);
	tcase_add_test(fixtures, viber_calls_are_not_android_calls);
	tcase_add_test(fixtures, broken_rows);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(corpus, 30);
	tcase_add_test(corpus, plaso_contacts2_db);
	tcase_add_test(corpus, truncated_contacts2);
	tcase_add_test(corpus, deleted_secure_delete_off);
	tcase_add_test(corpus, deleted_secure_delete_on);
	tcase_add_test(corpus, deleted_wal_not_checkpointed);
	tcase_add_test(corpus, deleted_wal_checkpointed);
	if (chat_corpus_has("plaso-chat/contacts2.db"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("android-calls: plaso-chat/contacts2.db");
	return check_run_suite(s);
}

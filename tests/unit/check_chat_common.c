/*
 * check_chat_common.c — the helpers every chat plugin shares
 * (plugins/chat-common): time conversion at the edges, text cleaning,
 * JSON building, the row reader over live and recovered-shaped sources,
 * and the record emitters' fixed shape.
 */
#include <check.h>

#include "check_run.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "chat_test.h"
#include "stub_host.h"

static void chat_find_in(exhibit_host *host, const char *body)
{
	ck_assert_msg(stub_host_find_record(host, "chat_messages", "body", body) != NULL,
	              "no message \"%s\"", body);
}

static chat_ctx fresh_ctx(exhibit_host *host)
{
	chat_ctx ctx;

	chat_init(&ctx, stub_host_api(), host, "Test");
	return ctx;
}

START_TEST(times_convert_and_refuse_out_of_range)
{
	chat_ctx ctx = fresh_ctx(NULL);
	chat_time t;

	t = chat_time_from(&ctx, 1383065788038LL, 1000, CHAT_EPOCH_UNIX, true);
	ck_assert(t.set);
	ck_assert_int_eq(t.sec, 1383065788);
	ck_assert_int_eq(t.ns, 38000000);
	/* Apple seconds and nanoseconds since 2001 */
	t = chat_time_from(&ctx, 470573320, 1, CHAT_EPOCH_APPLE, true);
	ck_assert_int_eq(t.sec, 1448880520);
	t = chat_time_from(&ctx, 470573320123456789LL, 1000000000, CHAT_EPOCH_APPLE, true);
	ck_assert_int_eq(t.sec, 1448880520);
	ck_assert_int_eq(t.ns, 123456789);
	/* FILETIME: 100 ns since 1601 */
	t = chat_time_from(&ctx, 130000000000000001LL, 10000000, CHAT_EPOCH_WINDOWS, true);
	ck_assert_int_eq(t.sec, 1355526400);
	ck_assert_int_eq(t.ns, 100);
	/* negative counts floor */
	t = chat_time_from(&ctx, -1, 1000, CHAT_EPOCH_UNIX, true);
	ck_assert_int_eq(t.sec, -1);
	ck_assert_int_eq(t.ns, 999000000);
	ck_assert_uint_eq(ctx.bad_times, 0);
	/* zero: unset or the epoch */
	ck_assert(!chat_time_from(&ctx, 0, 1000, CHAT_EPOCH_UNIX, true).set);
	ck_assert(chat_time_from(&ctx, 0, 1, CHAT_EPOCH_UNIX, false).set);
	/* the extremes never overflow and are refused */
	ck_assert(!chat_time_from(&ctx, INT64_MAX, 1, CHAT_EPOCH_APPLE, true).set);
	ck_assert(!chat_time_from(&ctx, INT64_MIN, 1, CHAT_EPOCH_WINDOWS, true).set);
	ck_assert(!chat_time_from(&ctx, INT64_MIN, 1000000, CHAT_EPOCH_UNIX, true).set);
	/* while the most negative nanoseconds are 1677, a valid year */
	ck_assert(chat_time_from(&ctx, INT64_MIN, 1000000000, CHAT_EPOCH_UNIX, true).set);
	ck_assert(!chat_time_from(&ctx, 5, 0, CHAT_EPOCH_UNIX, true).set);
	ck_assert(!chat_time_from_real(&ctx, 1e300, 1, CHAT_EPOCH_UNIX, true).set);
	ck_assert(!chat_time_from_real(&ctx, -1e300, 1, CHAT_EPOCH_UNIX, true).set);
	ck_assert(!chat_time_from_real(&ctx, NAN, 1, CHAT_EPOCH_UNIX, true).set);
	ck_assert_uint_eq(ctx.bad_times, 7);
	/* the last second of 9999 is fine, the next one is not */
	ck_assert(chat_time_from(&ctx, 253402300799LL, 1, CHAT_EPOCH_UNIX, true).set);
	ck_assert(!chat_time_from(&ctx, 253402300800LL, 1, CHAT_EPOCH_UNIX, true).set);
	t = chat_time_from_real(&ctx, 606510722.808456, 1, CHAT_EPOCH_APPLE, true);
	ck_assert_int_eq(t.sec, 1584817922);
	ck_assert_int_eq(t.ns, 808456000);
	ck_assert(!chat_time_plus(t, INT64_MAX).set);
	ck_assert_int_eq(chat_time_plus(t, 646).sec, 1584818568);
}
END_TEST

START_TEST(text_is_cleaned_not_dropped)
{
	char *s = chat_clean_text("ok\tline\nnext\x01\xff\xc3\xa9\xe6\x97\xa5", 19);

	ck_assert_str_eq(s, "ok\tline\nnext\\x01\\xff\xc3\xa9\xe6\x97\xa5");
	free(s);
	s = chat_clean_text("a\0b", 3);
	ck_assert_str_eq(s, "a\\x00b");
	free(s);
	/* a cut sequence and an overlong form */
	s = chat_clean_text("\xe6\x97", 2);
	ck_assert_str_eq(s, "\\xe6\\x97");
	free(s);
	s = chat_clean_text("\xc0\xaf", 2);
	ck_assert_str_eq(s, "\\xc0\\xaf");
	free(s);
	ck_assert_ptr_null(chat_clean_text(NULL, 3));
}
END_TEST

START_TEST(json_is_escaped)
{
	chat_json j;
	char *s;

	chat_json_array(&j);
	chat_json_add(&j, "a\"b\\c");
	chat_json_add(&j, "");
	chat_json_add(&j, NULL);
	chat_json_add(&j, "line\nbreak");
	chat_json_add_unique(&j, "line\nbreak");
	chat_json_add_unique(&j, "a");
	chat_json_add_unique(&j, "b");
	s = chat_json_take(&j);
	ck_assert_str_eq(s, "[\"a\\\"b\\\\c\",\"line\\nbreak\",\"a\",\"b\"]");
	free(s);
	chat_json_array(&j);
	ck_assert_ptr_null(chat_json_take(&j));
	chat_json_object(&j);
	chat_json_text(&j, "k", "v");
	chat_json_int(&j, "n", -5);
	chat_json_text(&j, "skipped", NULL);
	chat_json_real(&j, "r", 0.5);
	s = chat_json_take(&j);
	ck_assert_str_eq(s, "{\"k\":\"v\",\"n\":-5,\"r\":0.5}");
	free(s);
}
END_TEST

/* Every message record has the same columns, whatever was set. */
START_TEST(records_have_one_shape)
{
	exhibit_host *host = stub_host_new("", 0, NULL);
	chat_ctx ctx = fresh_ctx(host);
	chat_message full, empty;
	const stub_record *a, *b;
	size_t i;

	memset(&full, 0, sizeof full);
	memset(&empty, 0, sizeof empty);
	full.key = "t:1";
	full.body = "hello";
	full.sender = "me";
	full.sent.set = true;
	full.sent.sec = 1;
	full.deleted = CHAT_FLAG_YES;
	full.prov.table = "t";
	full.prov.has_rowid = true;
	full.prov.rowid = 1;
	empty.key = "t:2";
	empty.deleted = empty.edited = empty.forwarded = CHAT_FLAG_UNKNOWN;
	ck_assert_int_eq(chat_emit_message(&ctx, &full), EXHIBIT_OK);
	ck_assert_int_eq(chat_emit_message(&ctx, &empty), EXHIBIT_OK);
	a = stub_host_record(host, "chat_messages", 0);
	b = stub_host_record(host, "chat_messages", 1);
	ck_assert_uint_eq(a->n_fields, b->n_fields);
	for (i = 0; i < a->n_fields; i++)
		ck_assert_str_eq(a->fields[i].name, b->fields[i].name);
	chat_expect_int(a, "deleted", 1);
	chat_expect_null(b, "deleted");
	chat_expect_text(b, "direction", "unknown");
	chat_expect_text(b, "message_type", "text");
	chat_expect_text(b, "time_zone", "UTC");
	chat_expect_null(b, "recovered_offset");
	ck_assert_int_eq(chat_finish(&ctx), EXHIBIT_OK);
	stub_host_free(host);
}
END_TEST

/* A recovered message whose key a live one has is its older version; of
 * recovered ones sharing a key the first is kept; a lost key decides
 * nothing.  The same for calls by call_id. */
START_TEST(recovered_records_never_repeat_a_key)
{
	exhibit_host *host = stub_host_new("x", 1, "/x");
	chat_ctx ctx = fresh_ctx(host);
	chat_message m;
	chat_call c;

	memset(&m, 0, sizeof m);
	m.deleted = m.edited = m.forwarded = CHAT_FLAG_UNKNOWN;
	m.key = "t:1";
	m.body = "live";
	ck_assert_int_eq(chat_emit_message(&ctx, &m), EXHIBIT_OK);
	m.prov.origin = "freeblock page 2";
	m.body = "older version";
	ck_assert_int_eq(chat_emit_message(&ctx, &m), EXHIBIT_OK);
	m.key = "t:3";
	m.body = "deleted";
	ck_assert_int_eq(chat_emit_message(&ctx, &m), EXHIBIT_OK);
	m.prov.origin = "wal frame 4 superseded page 2 cell";
	m.body = "deleted, an older copy";
	ck_assert_int_eq(chat_emit_message(&ctx, &m), EXHIBIT_OK);
	m.key = "t:-1";
	m.body = "rowid lost";
	ck_assert_int_eq(chat_emit_message(&ctx, &m), EXHIBIT_OK);
	m.body = "rowid lost too";
	ck_assert_int_eq(chat_emit_message(&ctx, &m), EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_record_count(host, "chat_messages"), 4);
	chat_find_in(host, "live");
	chat_find_in(host, "deleted");
	chat_find_in(host, "rowid lost");
	chat_find_in(host, "rowid lost too");

	memset(&c, 0, sizeof c);
	c.deleted = CHAT_FLAG_UNKNOWN;
	c.call_id = "1"; /* a message key "1" is another thing */
	ck_assert_int_eq(chat_emit_call(&ctx, &c), EXHIBIT_OK);
	c.prov.origin = "freelist page 9";
	ck_assert_int_eq(chat_emit_call(&ctx, &c), EXHIBIT_OK);
	c.call_id = NULL;
	ck_assert_int_eq(chat_emit_call(&ctx, &c), EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_record_count(host, "chat_calls"), 2);
	ck_assert_uint_eq(ctx.superseded, 3);
	ck_assert_int_eq(chat_finish(&ctx), EXHIBIT_OK);
	ck_assert_ptr_null(ctx.keys);
	stub_host_free(host);
}
END_TEST

/* The same reader gives the provenance of live and of recovered rows. */
START_TEST(rows_from_live_and_recovered_sources)
{
	sqlite3 *live, *rec;
	exhibit_host *host = stub_host_new("", 0, NULL);
	chat_ctx ctx = fresh_ctx(host);
	static const char *const columns[] = { "body", "absent", NULL };
	chat_source src;
	chat_rowset rs;
	chat_provenance p;

	ck_assert_int_eq(sqlite3_open(":memory:", &live), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(live, "CREATE TABLE m (id INTEGER PRIMARY KEY, body TEXT);"
	                              "INSERT INTO m VALUES (4, 'live');", NULL, NULL, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_open(":memory:", &rec), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(rec, "CREATE TABLE m (id INTEGER, body TEXT, _origin TEXT,"
	                              " _offset INTEGER, _rowid INTEGER);"
	                              "INSERT INTO m VALUES (NULL, 'gone', 'freelist', 8192, 3);",
	                              NULL, NULL, NULL), SQLITE_OK);

	src = chat_live(live);
	ck_assert(chat_rows_open(&rs, &ctx, &src, "m", columns, NULL));
	ck_assert(chat_rows_next(&rs));
	ck_assert_str_eq(chat_col_text(rs.stmt, 0), "live");
	ck_assert_ptr_null(chat_col_text(rs.stmt, 1)); /* a column it lacks */
	chat_rows_provenance(&rs, &p);
	ck_assert_str_eq(p.table, "m");
	ck_assert(p.has_rowid);
	ck_assert_int_eq(p.rowid, 4);
	ck_assert_ptr_null(p.origin);
	ck_assert(!chat_rows_next(&rs));
	chat_rows_close(&rs);

	src.kind = CHAT_RECOVERED;
	src.rows = rec;
	src.lookup = live;
	ck_assert(chat_rows_open(&rs, &ctx, &src, "m", columns, NULL));
	ck_assert(chat_rows_next(&rs));
	ck_assert_str_eq(chat_col_text(rs.stmt, 0), "gone");
	chat_rows_provenance(&rs, &p);
	ck_assert_str_eq(p.origin, "freelist");
	ck_assert(p.has_offset);
	ck_assert_int_eq(p.offset, 8192);
	ck_assert_int_eq(p.rowid, 3);
	chat_rows_close(&rs);

	/* a table that yields more rows than the limit stops, reported */
	ctx.max_rows = 1;
	ck_assert_int_eq(sqlite3_exec(live, "INSERT INTO m VALUES (5, 'two');", NULL, NULL, NULL),
	                 SQLITE_OK);
	src = chat_live(live);
	ck_assert(chat_rows_open(&rs, &ctx, &src, "m", columns, NULL));
	ck_assert(chat_rows_next(&rs));
	ck_assert(!chat_rows_next(&rs));
	chat_rows_close(&rs);
	ck_assert_int_eq(ctx.status, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(stub_host_error_count(host), 1);
	ctx.status = EXHIBIT_OK;
	ctx.max_rows = 0;
	src.kind = CHAT_RECOVERED;
	src.rows = rec;

	/* a missing table is no error */
	ck_assert(!chat_rows_open(&rs, &ctx, &src, "nothing", columns, NULL));
	ck_assert_int_eq(ctx.status, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(host), 1);
	sqlite3_close(live);
	sqlite3_close(rec);
	stub_host_free(host);
}
END_TEST

START_TEST(fingerprints_ignore_views_and_virtual_tables)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE Sms (_id INTEGER, Body TEXT);"
	                              "CREATE VIEW handle AS SELECT 1 AS id;"
	                              "CREATE VIRTUAL TABLE chat USING fts5(x);",
	                              NULL, NULL, NULL), SQLITE_OK);
	{
		static const char *const yes[] = { "sms", "SMS.body", NULL };
		static const char *const view[] = { "handle", NULL };
		static const char *const virt[] = { "chat", NULL };
		static const char *const col[] = { "sms.date", NULL };

		ck_assert(chat_matches(db, yes));
		ck_assert(!chat_matches(db, view));
		ck_assert(!chat_matches(db, virt));
		ck_assert(!chat_matches(db, col));
		ck_assert(!chat_matches(db, NULL));
	}
	sqlite3_close(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_common");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, times_convert_and_refuse_out_of_range);
	tcase_add_test(tc, text_is_cleaned_not_dropped);
	tcase_add_test(tc, json_is_escaped);
	tcase_add_test(tc, records_have_one_shape);
	tcase_add_test(tc, recovered_records_never_repeat_a_key);
	tcase_add_test(tc, rows_from_live_and_recovered_sources);
	tcase_add_test(tc, fingerprints_ignore_views_and_virtual_tables);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

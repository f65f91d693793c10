/*
 * check_untrusted_sqlite.c — a malicious database through the host's two
 * SQLite doors, open_sqlite (core/untrusted_sqlite) and
 * open_sqlite_recovered (core/sqlite_recover + core/recovered_db): views
 * that call side-effecting functions, triggers, an endless recursive CTE
 * in a view, generated columns that blow up, absurd sizes, a page loop.
 * Each must do nothing harmful and end with a clear error within seconds
 * (issue 5, acceptance point 4).  A virtual generated column reads as
 * NULL rather than failing: see untrusted_sqlite.h for why.
 *
 * "Nothing harmful" is checked where it can be seen: no extension is ever
 * loaded (SQLite says it is not authorised, not that the library has no
 * entry point), nothing is written (the log table the trigger would fill
 * stays empty, writes are refused), no file appears beside the database.
 */
#include <check.h>

#include "check_run.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "exhibit/plugin.h"
#include "sqlite_fixtures.h"
#include "stub_host.h"
#include "untrusted_sqlite.h"

static const char malicious_sql[] =
	"CREATE TABLE messages(id INTEGER PRIMARY KEY, body TEXT);"
	"CREATE TABLE log(entry);"
	"CREATE TABLE bomb(a);"
	"INSERT INTO messages(body) VALUES ('hello'), ('world'), ('bye');"
	"INSERT INTO bomb(a) VALUES (1);"
	/* a generated column written straight into the schema: SQLite would
	 * spend some 40 s computing it on insert, and so on every read */
	"PRAGMA writable_schema = ON;"
	"UPDATE sqlite_schema SET sql = 'CREATE TABLE bomb(a, b AS"
	" (printf(''%.*c'', 2000000000, ''x'')) VIRTUAL)' WHERE name = 'bomb';"
	"PRAGMA writable_schema = OFF;"
	/* side-effecting functions behind views */
	"CREATE VIEW loader AS SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6') AS x;"
	"CREATE VIEW tokenizer AS SELECT fts3_tokenizer('simple', x'4141414141414141') AS x;"
	/* a view shadowing a name parsers query, endless */
	"CREATE VIEW chats AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c)"
	" SELECT n FROM c;"
	/* triggers that would write and load */
	"CREATE TRIGGER spy AFTER INSERT ON messages BEGIN"
	" INSERT INTO log VALUES (load_extension('/lib/x86_64-linux-gnu/libc.so.6')); END;"
	"CREATE TRIGGER wipe BEFORE DELETE ON messages BEGIN DELETE FROM log; END;";

static fixture_bytes malicious_database(void)
{
	fixture f;
	fixture_bytes b;

	fixture_open(&f);
	fixture_exec(&f, malicious_sql);
	b = fixture_read(&f, "");
	fixture_close(&f);
	ck_assert_ptr_nonnull(memmem(b.data, b.len, "2000000000", 10));
	return b;
}

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct attempt {
	int rc;
	char message[256];
	double seconds;
} attempt;

/* Run sql to the end on db; what SQLite said and how long it took. */
static attempt run(sqlite3 *db, const char *sql)
{
	attempt a;
	sqlite3_stmt *stmt = NULL;
	double start = now_seconds();

	a.rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	while (a.rc == SQLITE_OK && (a.rc = sqlite3_step(stmt)) == SQLITE_ROW)
		a.rc = SQLITE_OK;
	if (a.rc == SQLITE_DONE)
		a.rc = SQLITE_OK;
	snprintf(a.message, sizeof a.message, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	a.seconds = now_seconds() - start;
	return a;
}

/* sql must fail within seconds, SQLite saying one of the |-separated
 * phrases in says. */
static void assert_refused(sqlite3 *db, const char *sql, const char *says)
{
	attempt a = run(db, sql);
	char phrases[256], *phrase, *rest = NULL;
	bool said = false;

	ck_assert_msg(a.rc != SQLITE_OK, "%s was not refused", sql);
	snprintf(phrases, sizeof phrases, "%s", says);
	for (phrase = strtok_r(phrases, "|", &rest); phrase && !said;
	     phrase = strtok_r(NULL, "|", &rest))
		said = strstr(a.message, phrase) != NULL;
	ck_assert_msg(said, "%s: \"%s\", expected \"%s\"", sql, a.message, says);
	ck_assert_msg(a.seconds < 3.0, "%s took %.1f s", sql, a.seconds);
}

typedef struct opened {
	exhibit_host *host;
	sqlite3 *db;
	fixture_bytes bytes;
} opened;

static opened open_through_host(bool recovered)
{
	const exhibit_host_api *api = stub_host_api();
	opened o;

	o.bytes = malicious_database();
	o.host = stub_host_new(o.bytes.data, o.bytes.len, "/evil.db");
	stub_host_set_sqlite_budget(o.host, 1000, 5000);
	o.db = NULL;
	ck_assert_int_eq(recovered ? api->open_sqlite_recovered(o.host, &o.db)
	                           : api->open_sqlite(o.host, &o.db), EXHIBIT_OK);
	return o;
}

static void close_opened(opened *o)
{
	stub_host_api()->close_sqlite(o->host, o->db);
	ck_assert_uint_eq(stub_host_open_databases(o->host), 0);
	stub_host_free(o->host);
	fixture_bytes_free(&o->bytes);
}

/* ---------------------------------------------------------------- open_sqlite */

START_TEST(views_never_reach_side_effecting_functions)
{
	opened o = open_through_host(false);

	assert_refused(o.db, "SELECT * FROM loader", "prohibited|unsafe use");
	assert_refused(o.db, "SELECT * FROM tokenizer", "prohibited|unsafe use");
	/* and called directly, the functions are refused, never run: had
	 * libc been dlopen'd SQLite would say it has no entry point */
	assert_refused(o.db, "SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')",
	               "not authorized");
	assert_refused(o.db, "SELECT fts3_tokenizer('simple', x'4141414141414141')",
	               "fts3tokenize disabled|not authorized|unsafe");
	close_opened(&o);
}
END_TEST

START_TEST(triggers_never_fire_and_nothing_is_written)
{
	opened o = open_through_host(false);
	attempt a;

	assert_refused(o.db, "INSERT INTO messages(body) VALUES ('x')", "readonly");
	assert_refused(o.db, "DELETE FROM messages", "readonly");
	assert_refused(o.db, "CREATE TABLE t(x)", "readonly");
	assert_refused(o.db, "ATTACH '/tmp/exhibit-attack.db' AS a", "too many attached");
	a = run(o.db, "SELECT count(*) FROM log WHERE 1");
	ck_assert_int_eq(a.rc, SQLITE_OK);
	ck_assert_int_ne(access("/tmp/exhibit-attack.db", F_OK), 0);
	close_opened(&o);
}
END_TEST

START_TEST(an_endless_view_ends_within_seconds)
{
	opened o = open_through_host(false);
	attempt a;

	assert_refused(o.db, "SELECT * FROM chats", "prohibited|no such table");
	/* a parser's own unbounded query is stopped by the time budget */
	a = run(o.db, "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c)"
	              " SELECT max(n) FROM c");
	ck_assert_int_eq(a.rc, SQLITE_INTERRUPT);
	ck_assert_double_lt(a.seconds, 2.0);
	close_opened(&o);
}
END_TEST

START_TEST(a_generated_column_bomb_reads_as_null)
{
	/* printf('%.*c', 2000000000, 'x') runs for some 40 s inside one
	 * instruction in SQLite 3.40, past any budget: it must never run. */
	opened o = open_through_host(false);
	sqlite3_stmt *stmt = NULL;
	double start = now_seconds();

	ck_assert_int_eq(sqlite3_prepare_v2(o.db, "SELECT a, b, typeof(b) FROM bomb",
	                                    -1, &stmt, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(stmt, 0), 1);
	ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 2), "null");
	sqlite3_finalize(stmt);
	ck_assert_int_eq(run(o.db, "SELECT * FROM bomb").rc, SQLITE_OK);
	ck_assert_double_lt(now_seconds() - start, 0.5);
	close_opened(&o);
}
END_TEST

START_TEST(absurd_sizes_end_with_a_clear_error)
{
	fixture_bytes b = malicious_database();
	const exhibit_host_api *api = stub_host_api();
	exhibit_host *host;
	sqlite3 *db = NULL;
	unsigned char *cell;
	double start;

	/* every cell of the messages table claims a payload of 2^40 bytes */
	cell = memmem(b.data, b.len, "hello", 5);
	ck_assert_ptr_nonnull(cell);
	cell -= 5; /* payload length, rowid, header length, 2 serial types */
	ck_assert_uint_eq(cell[1], 1); /* rowid 1 */
	ck_assert_uint_eq(cell[2], 3); /* header length */
	memcpy(cell, "\x82\x80\x80\x80\x80\x80\x00", 7); /* a varint for 2^40 */
	/* and the header declares a database of 2^31 - 1 pages */
	b.data[28] = 0x7f;
	b.data[29] = b.data[30] = b.data[31] = 0xff;
	host = stub_host_new(b.data, b.len, "/absurd.db");
	stub_host_set_sqlite_budget(host, 1000, 5000);
	start = now_seconds();
	if (api->open_sqlite(host, &db) == EXHIBIT_OK) {
		assert_refused(db, "SELECT body FROM messages WHERE 1", "malformed");
		api->close_sqlite(host, db);
	} else {
		ck_assert_uint_ge(stub_host_error_count(host), 1);
	}
	/* recovery reads the same bytes, reports, and ends */
	db = NULL;
	ck_assert_int_eq(api->open_sqlite_recovered(host, &db), EXHIBIT_OK);
	api->close_sqlite(host, db);
	ck_assert_double_lt(now_seconds() - start, 3.0);
	stub_host_free(host);
	fixture_bytes_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- recovered */

START_TEST(recovery_runs_nothing_the_database_says)
{
	opened o = open_through_host(true);
	attempt a;

	/* tables only: views and triggers are not carried over */
	a = run(o.db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema"
	              " WHERE type <> 'table' OR name NOT IN ('messages', 'log', 'bomb')"
	              " ORDER BY name)");
	ck_assert_int_eq(a.rc, SQLITE_OK);
	{
		sqlite3_stmt *stmt = NULL;

		ck_assert_int_eq(sqlite3_prepare_v2(o.db, "SELECT count(*) FROM sqlite_schema"
		                                    " WHERE type <> 'table'", -1, &stmt, NULL),
		                 SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(stmt, 0), 0);
		sqlite3_finalize(stmt);
	}
	/* the bomb's generated column is a plain, empty column here */
	a = run(o.db, "SELECT a, b, _origin, _offset, _rowid FROM bomb");
	ck_assert_int_eq(a.rc, SQLITE_OK);
	assert_refused(o.db, "SELECT * FROM chats", "no such table");
	assert_refused(o.db, "INSERT INTO log(entry) VALUES (1)", "readonly");
	close_opened(&o);
}
END_TEST

static Suite *untrusted_suite(void)
{
	Suite *s = suite_create("untrusted_sqlite");
	TCase *tc = tcase_create("malicious");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, views_never_reach_side_effecting_functions);
	tcase_add_test(tc, triggers_never_fire_and_nothing_is_written);
	tcase_add_test(tc, an_endless_view_ends_within_seconds);
	tcase_add_test(tc, a_generated_column_bomb_reads_as_null);
	tcase_add_test(tc, absurd_sizes_end_with_a_clear_error);
	tcase_add_test(tc, recovery_runs_nothing_the_database_says);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(untrusted_suite());
}

/*
 * check_app_databases.c — unit tests of the app-databases plugin, of the
 * hardened opener it reaches through the host (core/untrusted_sqlite), and
 * of the known-apps table.
 *
 * Two kinds of input:
 *   - real databases from the shared test corpus, with the row counts their
 *     authors state (MANIFEST.md).  The corpus directory is $EXHIBIT_CORPUS,
 *     else EXHIBIT_CORPUS_DIR (a -D define), else ../shared/corpus from the
 *     working directory.  When it is missing those tests are not run and a
 *     SKIP line says so.
 *   - databases built here with the SQLite API and serialized to bytes:
 *     renamed, moved, unknown, hostile, truncated, random, WAL-mode, and
 *     b-trees crafted to loop or to explode.
 */
#include <check.h>

#include "check_run.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "error.h"
#include "exhibit/plugin.h"
#include "../../plugins/app-databases/known_apps.h"
#include "stub_host.h"
#include "untrusted_sqlite.h"

#ifndef EXHIBIT_CORPUS_DIR
#define EXHIBIT_CORPUS_DIR "../shared/corpus"
#endif

/* ---- helpers: bytes ----------------------------------------------------- */

typedef struct bytes {
	unsigned char *data;
	size_t len;
} bytes;

static void bytes_free(bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

static bytes serialize_db(sqlite3 *db)
{
	sqlite3_int64 size = 0;
	unsigned char *image = sqlite3_serialize(db, "main", &size, 0);
	bytes b = { malloc((size_t)size + 1), (size_t)size };

	ck_assert_ptr_nonnull(image);
	ck_assert_ptr_nonnull(b.data);
	memcpy(b.data, image, (size_t)size);
	sqlite3_free(image);
	return b;
}

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *why = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &why);

	ck_assert_msg(rc == SQLITE_OK, "fixture SQL failed: %s", why ? why : "?");
	sqlite3_free(why);
}

/* A database built in memory by sql, as the bytes of its file. */
static bytes db_from_sql(const char *sql)
{
	sqlite3 *db = NULL;
	bytes b;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	exec_ok(db, sql);
	b = serialize_db(db);
	sqlite3_close(db);
	return b;
}

static bytes read_file(const char *path)
{
	bytes b = { NULL, 0 };
	FILE *f = fopen(path, "rb");
	long size;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	ck_assert_int_ge(size, 0);
	rewind(f);
	b.data = malloc((size_t)size + 1);
	b.len = (size_t)size;
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(fread(b.data, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

/* Deterministic noise (xorshift64). */
static void fill_noise(unsigned char *p, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = (unsigned char)seed;
	}
}

static void put_be16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- helpers: running the plugin ---------------------------------------- */

typedef struct run {
	exhibit_host *host;
	int rc;
	double seconds;
} run;

static const exhibit_plugin *plugin(void)
{
	char why[128];
	const exhibit_plugin *p = stub_load_plugin(exhibit_plugin_entry, why,
	                                           sizeof why);

	ck_assert_msg(p != NULL, "plugin refused: %s", why);
	return p;
}

static run analyze_budget(const bytes *b, const char *path, unsigned step_ms,
                          unsigned total_ms)
{
	run r;
	double start;

	r.host = stub_host_new(b->data, b->len, path);
	ck_assert_ptr_nonnull(r.host);
	stub_host_set_sqlite_budget(r.host, step_ms, total_ms);
	start = now_seconds();
	r.rc = stub_host_analyze(r.host, plugin());
	r.seconds = now_seconds() - start;
	ck_assert_uint_eq(stub_host_open_databases(r.host), 0);
	return r;
}

static run analyze(const bytes *b, const char *path)
{
	return analyze_budget(b, path, 0, 0);
}

static const stub_record *summary(const run *r)
{
	ck_assert_uint_eq(stub_host_record_count(r->host, "app_databases"), 1);
	return stub_host_record(r->host, "app_databases", 0);
}

/* A TEXT field's value, or NULL when the field is NULL. */
static const char *text_of(const stub_record *record, const char *name)
{
	const stub_field *f = stub_record_field(record, name);

	ck_assert_msg(f != NULL, "record has no field %s", name);
	ck_assert(f->type == EXHIBIT_TEXT || f->type == EXHIBIT_NULL);
	return f->type == EXHIBIT_TEXT ? f->text : NULL;
}

static bool is_null(const stub_record *record, const char *name)
{
	const stub_field *f = stub_record_field(record, name);

	ck_assert_msg(f != NULL, "record has no field %s", name);
	return f->type == EXHIBIT_NULL;
}

static int64_t int_of(const stub_record *record, const char *name)
{
	const stub_field *f = stub_record_field(record, name);

	ck_assert_msg(f != NULL, "record has no field %s", name);
	ck_assert_msg(f->type == EXHIBIT_INT, "field %s is not an integer", name);
	return f->i;
}

static const stub_record *table_record(const run *r, const char *name)
{
	const stub_record *t = stub_host_find_record(r->host, "app_database_tables",
	                                             "name", name);

	ck_assert_msg(t != NULL, "no app_database_tables record for %s", name);
	return t;
}

static void assert_rows(const run *r, const char *table, int64_t rows)
{
	ck_assert_int_eq(int_of(table_record(r, table), "rows"), rows);
}

/* label — what the plugin says of a place from its path alone. */
static const char *label(const char *path)
{
	return exhibit_plugin_entry()->label_place(path);
}

static void assert_app(const run *r, const char *app, const char *matched_by)
{
	const stub_record *s = summary(r);

	if (!app) {
		ck_assert_ptr_null(text_of(s, "app"));
		ck_assert_ptr_null(text_of(s, "matched_by"));
		return;
	}
	ck_assert_pstr_eq(text_of(s, "app"), app);
	ck_assert_pstr_eq(text_of(s, "matched_by"), matched_by);
}

static bool some_error_contains(const run *r, const char *needle)
{
	size_t i;

	for (i = 0; i < stub_host_error_count(r->host); i++)
		if (strstr(stub_host_error(r->host, i)->message, needle))
			return true;
	return false;
}

static bool some_error_at(const run *r, int64_t offset, const char *needle)
{
	size_t i;

	for (i = 0; i < stub_host_error_count(r->host); i++) {
		const stub_error *e = stub_host_error(r->host, i);

		if (e->offset == offset && strstr(e->message, needle))
			return true;
	}
	return false;
}

/* ---- fixtures ----------------------------------------------------------- */

static const char whatsapp_modern_sql[] =
	"CREATE TABLE jid(_id INTEGER PRIMARY KEY, user TEXT, server TEXT,"
	" raw_string TEXT);"
	"CREATE TABLE chat(_id INTEGER PRIMARY KEY, jid_row_id INTEGER,"
	" subject TEXT);"
	"CREATE TABLE message(_id INTEGER PRIMARY KEY, chat_row_id INTEGER,"
	" from_me INTEGER, key_id TEXT, timestamp INTEGER, text_data TEXT);"
	"INSERT INTO jid VALUES (1, '15551234', 's.whatsapp.net',"
	" '15551234@s.whatsapp.net');"
	"INSERT INTO chat VALUES (1, 1, NULL);"
	"INSERT INTO message VALUES (1, 1, 0, 'A1', 1700000000000, 'hi'),"
	" (2, 1, 1, 'A2', 1700000001000, 'hello'),"
	" (3, 1, 0, 'A3', 1700000002000, 'bye');";

static const char whatsapp_legacy_sql[] =
	"CREATE TABLE messages(_id INTEGER PRIMARY KEY, key_remote_jid TEXT,"
	" key_from_me INTEGER, key_id TEXT, data TEXT, timestamp INTEGER);"
	"INSERT INTO messages VALUES (1, 'x@s.whatsapp.net', 0, 'K', 'yo', 1);";

static const char unknown_sql[] =
	"CREATE TABLE recipes(id INTEGER PRIMARY KEY, title TEXT);"
	"CREATE TABLE steps(recipe INTEGER, n INTEGER, body TEXT);"
	"INSERT INTO recipes VALUES (1, 'bread'), (2, 'soup');"
	"INSERT INTO steps VALUES (1, 1, 'knead');";

/* ---- the plugin descriptor ---------------------------------------------- */

START_TEST(descriptor_is_an_analyzer_for_sqlite)
{
	const exhibit_plugin *p = plugin();

	ck_assert_str_eq(p->name, "app-databases");
	ck_assert_int_eq(p->kind, EXHIBIT_PLUGIN_ANALYZER);
	ck_assert_str_eq(p->mime_types[0], "application/vnd.sqlite3");
	ck_assert_ptr_null(p->mime_types[1]);
	ck_assert_ptr_null(p->name_patterns);
	ck_assert_uint_eq(p->n_signatures, 1);
	ck_assert_uint_eq(p->signatures[0].offset, 0);
	ck_assert_uint_eq(p->signatures[0].len, 16);
	ck_assert_mem_eq(p->signatures[0].bytes, "SQLite format 3\0", 16);
}
END_TEST

/* ---- identification on fixtures ----------------------------------------- */

START_TEST(renamed_whatsapp_is_found_by_schema)
{
	bytes b = db_from_sql(whatsapp_modern_sql);
	run r = analyze(&b, "/sdcard/Download/backup-2023.bin");
	const stub_record *s;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_app(&r, "WhatsApp", "schema");
	s = summary(&r);
	ck_assert_pstr_eq(text_of(s, "app_id"), "com.whatsapp");
	ck_assert_pstr_eq(text_of(s, "platform"), "android");
	ck_assert_int_eq(int_of(s, "tables"), 3);
	ck_assert_int_eq(int_of(s, "rows"), 5);
	assert_rows(&r, "message", 3);
	ck_assert_pstr_eq(text_of(table_record(&r, "message"), "columns"),
	                  "_id,chat_row_id,from_me,key_id,timestamp,text_data");
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(whatsapp_in_place_is_found_by_path_and_schema)
{
	bytes b = db_from_sql(whatsapp_legacy_sql);
	run r = analyze(&b, "/data/data/com.whatsapp/databases/msgstore.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	/* The content says WhatsApp by its schema; the place says so by its path. */
	assert_app(&r, "WhatsApp", "schema");
	ck_assert_pstr_eq(label("/data/data/com.whatsapp/databases/msgstore.db"), "WhatsApp");
	assert_rows(&r, "messages", 1);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(path_alone_identifies_an_unfamiliar_schema)
{
	bytes b = db_from_sql(unknown_sql);
	run r = analyze(&b, "data/com.whatsapp/databases/msgstore.db");

	/* Analysis is content-only (it runs once for all copies): an unfamiliar
	 * schema is unknown there, and the path labels the place instead. */
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_app(&r, NULL, NULL);
	ck_assert_pstr_eq(label("data/com.whatsapp/databases/msgstore.db"), "WhatsApp");
	ck_assert_ptr_null(label("/Download/backup.bin"));
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(unknown_app_has_null_identity)
{
	bytes b = db_from_sql(unknown_sql);
	run r = analyze(&b, "/home/user/recipes.db");
	const stub_record *s;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_app(&r, NULL, NULL);
	s = summary(&r);
	ck_assert(is_null(s, "app_id"));
	ck_assert(is_null(s, "platform"));
	ck_assert_int_eq(int_of(s, "tables"), 2);
	ck_assert_int_eq(int_of(s, "rows"), 3);
	ck_assert_int_eq(int_of(s, "page_size"), 4096);
	ck_assert_pstr_eq(text_of(s, "encoding"), "UTF-8");
	ck_assert_int_eq(int_of(s, "user_version"), 0);
	ck_assert_pstr_eq(text_of(s, "journal_mode"), "rollback");
	ck_assert_uint_eq(stub_host_record_count(r.host, "app_database_tables"), 2);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(carved_item_without_path_is_still_identified)
{
	bytes b = db_from_sql(whatsapp_modern_sql);
	run r = analyze(&b, NULL);

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_app(&r, "WhatsApp", "schema");
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

/* The chat apps of issue 5's second part, each by its documented schema:
 * in place (its path labels the place too), renamed and carved (no path). */
static const struct {
	const char *sql, *path, *app;
} chat_apps[] = {
	{ "CREATE TABLE threads(_id integer primary key, user_id text, thread_id text,"
	  " thread_info text not null);"
	  "CREATE TABLE messages(_id integer primary key, user_id text, server_item_id text,"
	  " client_item_id text, thread_id text, timestamp integer, sender_id text,"
	  " message_type text, text text, message text);",
	  "/data/data/com.instagram.android/databases/direct.db", "Instagram" },
	{ "CREATE TABLE chat_history (id INTEGER PRIMARY KEY, chat_id TEXT, from_mid TEXT,"
	  " content TEXT, created_time TEXT);"
	  "CREATE TABLE contacts (m_id TEXT, name TEXT); CREATE TABLE membership (id TEXT, m_id TEXT);",
	  "/data/data/jp.naver.line.android/databases/naver_line", "LINE" },
	{ "CREATE TABLE call_history (_id INTEGER PRIMARY KEY, caller_mid TEXT, start_time TEXT,"
	  " end_time TEXT, call_type TEXT, voip_type TEXT);",
	  "/data/data/jp.naver.line.android/databases/call_history", "LINE" },
	{ "CREATE TABLE messages0 (k TEXT, v BLOB);",
	  "/data/data/com.discord/files/kv-storage/@account.123/a", "Discord" },
	{ "CREATE TABLE friends (buid TEXT, name TEXT);"
	  "CREATE TABLE messages (_id INTEGER PRIMARY KEY, buid TEXT, last_message TEXT,"
	  " timestamp INTEGER, message_type INTEGER, imdata TEXT);",
	  "/data/data/com.imo.android.imous/databases/imofriends.db", "imo" },
	{ "CREATE TABLE conversation_entries (_id INTEGER PRIMARY KEY, entry_id INTEGER,"
	  " sort_entry_id INTEGER, conversation_id TEXT, user_id INTEGER, created INTEGER,"
	  " entry_type INTEGER, data BLOB);",
	  "/data/data/com.twitter.android/databases/1001-66.db", "Twitter" },
};

START_TEST(chat_apps_by_path_schema_and_carved)
{
	bytes b = db_from_sql(chat_apps[_i].sql);
	run r = analyze(&b, chat_apps[_i].path);

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	/* the content by its schema, the place by its path */
	assert_app(&r, chat_apps[_i].app, "schema");
	ck_assert_pstr_eq(label(chat_apps[_i].path), chat_apps[_i].app);
	stub_host_free(r.host);
	r = analyze(&b, "/sdcard/Download/renamed.bin");
	assert_app(&r, chat_apps[_i].app, "schema");
	stub_host_free(r.host);
	r = analyze(&b, NULL);
	assert_app(&r, chat_apps[_i].app, "schema");
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(header_fields_come_from_the_header)
{
	bytes b = db_from_sql("PRAGMA page_size = 1024; PRAGMA user_version = -7;"
	                      "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
	run r = analyze(&b, "/x.db");
	const stub_record *s = summary(&r);

	ck_assert_int_eq(int_of(s, "page_size"), 1024);
	ck_assert_int_eq(int_of(s, "user_version"), -7);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(short_reads_are_assembled)
{
	bytes b = db_from_sql(unknown_sql);
	exhibit_host *host = stub_host_new(b.data, b.len, "/r.db");

	stub_host_set_read_chunk(host, 7);
	ck_assert_int_eq(stub_host_analyze(host, plugin()), EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_record_count(host, "app_databases"), 1);
	stub_host_free(host);
	bytes_free(&b);
}
END_TEST

/* Each thread analyses the same bytes with its own host, many times. */
typedef struct worker {
	const bytes *db;
	const exhibit_plugin *plugin;
	int failures;
} worker;

static void *analyze_repeatedly(void *arg)
{
	worker *w = arg;
	int i;

	for (i = 0; i < 25; i++) {
		exhibit_host *host = stub_host_new(w->db->data, w->db->len,
		                                   "/data/data/com.whatsapp/"
		                                   "databases/msgstore.db");
		const stub_record *s;
		const stub_field *app;

		if (!host || stub_host_analyze(host, w->plugin) != EXHIBIT_OK) {
			w->failures++;
			stub_host_free(host);
			continue;
		}
		s = stub_host_record(host, "app_databases", 0);
		app = stub_record_field(s, "app");
		if (!app || app->type != EXHIBIT_TEXT ||
		    strcmp(app->text, "WhatsApp") != 0 ||
		    stub_host_record_count(host, "app_database_tables") != 3)
			w->failures++;
		stub_host_free(host);
	}
	return NULL;
}

START_TEST(analyze_runs_concurrently)
{
	bytes b = db_from_sql(whatsapp_modern_sql);
	pthread_t threads[8];
	worker workers[8];
	size_t i;

	for (i = 0; i < 8; i++) {
		workers[i] = (worker){ &b, plugin(), 0 };
		ck_assert_int_eq(pthread_create(&threads[i], NULL,
		                                analyze_repeatedly, &workers[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
		ck_assert_int_eq(workers[i].failures, 0);
	}
	bytes_free(&b);
}
END_TEST

/* ---- hostile and damaged input ------------------------------------------ */

static const char *const hostile_names[] = {
	"double\"quote",
	"with space",
	"single'quote",
	"x\"; DROP TABLE t; --",
	"[bracketed]",
	"new\nline",
	"ünïcødé 表 🗝",
	"%s%n%x",
};

START_TEST(hostile_table_names_are_quoted)
{
	sqlite3 *db = NULL;
	char *long_name = malloc(5001);
	char *sql;
	bytes b;
	run r;
	size_t i;

	memset(long_name, 'L', 5000);
	long_name[5000] = '\0';
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (i = 0; i < sizeof hostile_names / sizeof hostile_names[0]; i++) {
		sql = sqlite3_mprintf(
			"CREATE TABLE \"%w\"(\"%w\"); "
			"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n"
			" WHERE i < %d) INSERT INTO \"%w\" SELECT i FROM n;",
			hostile_names[i], hostile_names[i], (int)i + 1, hostile_names[i]);
		exec_ok(db, sql);
		sqlite3_free(sql);
	}
	sql = sqlite3_mprintf("CREATE TABLE \"%w\"(c);"
	                      "INSERT INTO \"%w\" VALUES (1),(2),(3),(4);",
	                      long_name, long_name);
	exec_ok(db, sql);
	sqlite3_free(sql);
	b = serialize_db(db);
	sqlite3_close(db);
	r = analyze(&b, "/hostile.db");
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	for (i = 0; i < sizeof hostile_names / sizeof hostile_names[0]; i++) {
		const stub_record *t = table_record(&r, hostile_names[i]);

		ck_assert_int_eq(int_of(t, "rows"), (int64_t)i + 1);
		ck_assert_pstr_eq(text_of(t, "columns"), hostile_names[i]);
	}
	assert_rows(&r, long_name, 4);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	stub_host_free(r.host);
	bytes_free(&b);
	free(long_name);
}
END_TEST

START_TEST(virtual_tables_are_listed_but_never_touched)
{
	/* A module this SQLite does not have: any query on it would fail. */
	bytes b = db_from_sql(
		"CREATE TABLE t(x); INSERT INTO t VALUES (1);"
		"PRAGMA writable_schema = ON;"
		"INSERT INTO sqlite_schema VALUES ('table', 'evil', 'evil', 0,"
		" 'CREATE VIRTUAL TABLE evil USING nosuchmodule(a, b)');"
		"PRAGMA writable_schema = OFF;");
	run r = analyze(&b, "/v.db");
	const stub_record *evil;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	evil = table_record(&r, "evil");
	ck_assert(is_null(evil, "rows"));
	ck_assert(is_null(evil, "columns"));
	assert_rows(&r, "t", 1);
	ck_assert_int_eq(int_of(summary(&r), "tables"), 2);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

static bytes big_fixture(unsigned page_size)
{
	char *sql = sqlite3_mprintf(
		"PRAGMA page_size = %u;"
		"CREATE TABLE a(x, y);"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n"
		" WHERE i < 2000) INSERT INTO a SELECT i, hex(randomblob(40)) FROM n;"
		"CREATE TABLE b(z);"
		"INSERT INTO b SELECT x FROM a;", page_size);
	bytes b = db_from_sql(sql);

	sqlite3_free(sql);
	return b;
}

START_TEST(truncated_database_reports_and_keeps_going)
{
	bytes b = big_fixture(1024);
	run r;
	const stub_record *s;

	ck_assert_uint_gt(b.len, 8 * 1024);
	b.len = 1024; /* the first KiB: page 1 with the schema, nothing else */
	r = analyze(&b, "/data/data/com.whatsapp/databases/msgstore.db");
	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert(some_error_at(&r, 1024, "truncated database"));
	ck_assert(some_error_contains(&r, "table \"a\": cannot count its rows"));
	s = summary(&r);
	ck_assert_ptr_null(text_of(s, "app"));
	ck_assert_pstr_eq(label("/data/data/com.whatsapp/databases/msgstore.db"), "WhatsApp");
	ck_assert_int_eq(int_of(s, "page_size"), 1024);
	ck_assert(is_null(table_record(&r, "a"), "rows"));
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(truncated_first_page_fails_at_open)
{
	bytes b = big_fixture(4096);
	run r;
	const stub_record *s;

	b.len = 1024; /* less than one page: the schema itself is cut */
	r = analyze(&b, "/t.db");
	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert(some_error_at(&r, 0, "SQLite cannot open the database"));
	ck_assert(some_error_at(&r, 1024, "truncated database"));
	s = summary(&r);
	ck_assert(is_null(s, "tables"));
	ck_assert(is_null(s, "rows"));
	ck_assert_int_eq(int_of(s, "page_size"), 4096);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(random_bytes_behind_the_magic_are_an_error)
{
	bytes b = { malloc(8192), 8192 };
	uint64_t seed;

	for (seed = 1; seed <= 16; seed++) {
		run r;

		fill_noise(b.data, b.len, seed * 0x9e3779b97f4a7c15u);
		memcpy(b.data, "SQLite format 3", 16);
		r = analyze(&b, "/noise.db");
		ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
		ck_assert_uint_ge(stub_host_error_count(r.host), 1);
		ck_assert_uint_eq(stub_host_record_count(r.host, "app_databases"), 1);
		stub_host_free(r.host);
	}
	bytes_free(&b);
}
END_TEST

START_TEST(not_sqlite_is_refused_without_records)
{
	static const char zip[] = "PK\3\4 this is a zip, not a database";
	bytes b = { (unsigned char *)strdup(zip), sizeof zip - 1 };
	run r = analyze(&b, "/x.db");

	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(stub_host_record_count(r.host, NULL), 0);
	ck_assert(some_error_contains(&r, "not an SQLite 3 database"));
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(magic_alone_is_an_error_not_a_crash)
{
	bytes b = { malloc(16), 16 };
	run r;

	memcpy(b.data, "SQLite format 3", 16);
	r = analyze(&b, "/m.db");
	ck_assert(r.rc == EXHIBIT_OK || r.rc == EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(stub_host_record_count(r.host, "app_databases"), 1);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

/* A real WAL-mode database: written through a file, checkpointed, read back. */
static bytes wal_mode_fixture(void)
{
	char path[] = "/tmp/exhibit-wal-XXXXXX";
	int fd = mkstemp(path);
	sqlite3 *db = NULL;
	char wal[64];
	bytes b;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	exec_ok(db, "PRAGMA journal_mode = wal; CREATE TABLE t(x);"
	            "INSERT INTO t VALUES (1), (2); PRAGMA wal_checkpoint(TRUNCATE);");
	sqlite3_close(db);
	b = read_file(path);
	unlink(path);
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	return b;
}

START_TEST(wal_mode_database_opens_from_memory)
{
	bytes b = wal_mode_fixture();
	unsigned char before[100];
	run r;

	ck_assert_uint_eq(b.data[18], 2);
	ck_assert_uint_eq(b.data[19], 2);
	memcpy(before, b.data, sizeof before);
	r = analyze(&b, "/w.db");
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_pstr_eq(text_of(summary(&r), "journal_mode"), "wal");
	assert_rows(&r, "t", 2);
	ck_assert_mem_eq(b.data, before, sizeof before);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

static const char booby_trapped_sql[] =
	"CREATE TABLE t(x);"
	"INSERT INTO t VALUES (1), (2), (3);"
	"CREATE TABLE log(entry);"
	"CREATE VIEW plain AS SELECT * FROM t;"
	"CREATE VIEW messages AS WITH RECURSIVE c(n) AS"
	" (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) AS n FROM c;"
	"CREATE VIEW chat AS SELECT * FROM messages, messages, messages;"
	"CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN"
	" INSERT INTO log SELECT n FROM messages; END;"
	"CREATE TRIGGER t_upd AFTER UPDATE ON t BEGIN DELETE FROM t; END;";

START_TEST(views_and_triggers_never_run)
{
	bytes b = db_from_sql(booby_trapped_sql);
	run r = analyze(&b, "/trap.db");
	const stub_record *s;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_double_lt(r.seconds, 2.0);
	s = summary(&r);
	ck_assert_int_eq(int_of(s, "tables"), 2); /* views are not tables */
	ck_assert_ptr_null(stub_host_find_record(r.host, "app_database_tables",
	                                         "name", "messages"));
	assert_rows(&r, "t", 3);
	assert_rows(&r, "log", 0);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

/*
 * A table b-tree built by hand: page 1 from SQLite (schema: t, root page
 * 2), then `levels` interior pages, each with `fanout` cells and a right
 * pointer, all pointing at child_of(page), and one leaf page with one row.
 */
#define CRAFT_PAGE 4096

static void write_interior(unsigned char *page, unsigned fanout, uint32_t child)
{
	unsigned content = CRAFT_PAGE - 5 * fanout;
	unsigned i;

	memset(page, 0, CRAFT_PAGE);
	page[0] = 0x05;
	put_be16(page + 3, fanout);
	put_be16(page + 5, content);
	put_be32(page + 8, child);
	for (i = 0; i < fanout; i++) {
		unsigned char *cell = page + content + 5 * i;

		put_be16(page + 12 + 2 * i, content + 5 * i);
		put_be32(cell, child);
		cell[4] = (unsigned char)(i + 1); /* key, a one-byte varint */
	}
}

static void write_leaf(unsigned char *page)
{
	static const unsigned char cell[] = { 3, 1, 2, 1, 1 }; /* x = 1 */
	unsigned content = CRAFT_PAGE - sizeof cell;

	memset(page, 0, CRAFT_PAGE);
	page[0] = 0x0d;
	put_be16(page + 3, 1);
	put_be16(page + 5, content);
	put_be16(page + 8, content);
	memcpy(page + content, cell, sizeof cell);
}

static bytes crafted_btree(unsigned levels, unsigned fanout, bool self_loop)
{
	bytes base = db_from_sql("PRAGMA page_size = 4096; CREATE TABLE t(x);");
	uint32_t pages = 1 + levels + 1;
	bytes b = { calloc(pages, CRAFT_PAGE), (size_t)pages * CRAFT_PAGE };
	uint32_t p;

	ck_assert_uint_ge(base.len, CRAFT_PAGE);
	memcpy(b.data, base.data, CRAFT_PAGE);
	put_be32(b.data + 28, pages);
	for (p = 2; p <= levels + 1; p++)
		write_interior(b.data + (size_t)(p - 1) * CRAFT_PAGE, fanout,
		               self_loop ? p : p + 1);
	write_leaf(b.data + (size_t)(pages - 1) * CRAFT_PAGE);
	bytes_free(&base);
	return b;
}

START_TEST(crafted_btree_is_readable_when_sane)
{
	bytes b = crafted_btree(2, 3, false); /* 3+1 children twice: 16 rows */
	run r = analyze(&b, "/sane.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "t", 16);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(page_loop_fails_within_seconds)
{
	bytes b = crafted_btree(1, 4, true); /* page 2's children are page 2 */
	run r = analyze(&b, "/loop.db");

	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert_double_lt(r.seconds, 3.0);
	ck_assert(some_error_contains(&r, "table \"t\""));
	ck_assert(is_null(table_record(&r, "t"), "rows"));
	ck_assert_uint_eq(stub_host_record_count(r.host, "app_databases"), 1);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

START_TEST(page_dag_is_stopped_by_the_time_budget)
{
	/* 8 levels of 100 shared children: 101^8 leaf visits, effectively
	 * endless.  The budget must stop it. */
	bytes b = crafted_btree(8, 100, false);
	run r = analyze_budget(&b, "/dag.db", 500, 2000);

	ck_assert_int_eq(r.rc, EXHIBIT_ERR_LIMIT);
	ck_assert_double_lt(r.seconds, 3.0);
	ck_assert(some_error_contains(&r, "interrupted"));
	ck_assert_uint_eq(stub_host_record_count(r.host, "app_databases"), 1);
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

/* ---- the hardened opener directly --------------------------------------- */

static sqlite3 *open_untrusted(const bytes *b)
{
	exhibit_error err;
	sqlite3 *db = NULL;

	exhibit_error_clear(&err);
	ck_assert_msg(untrusted_sqlite_open(b->data, b->len, &db, &err) == 0,
	              "open failed: %s", err.message);
	return db;
}

static int exec_rc(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

START_TEST(opener_refuses_what_untrusted_data_must_not_do)
{
	bytes b = db_from_sql(booby_trapped_sql);
	sqlite3 *db = open_untrusted(&b);

	ck_assert_int_ne(exec_rc(db, "SELECT * FROM plain"), SQLITE_OK);
	ck_assert(strstr(sqlite3_errmsg(db), "prohibited") != NULL);
	ck_assert_int_ne(exec_rc(db, "SELECT * FROM messages"), SQLITE_OK);
	ck_assert_int_ne(exec_rc(db, "INSERT INTO t VALUES (4)"), SQLITE_OK);
	ck_assert_int_ne(exec_rc(db, "ATTACH ':memory:' AS other"), SQLITE_OK);
	ck_assert_int_ne(exec_rc(db, "SELECT load_extension('libc.so.6')"),
	                 SQLITE_OK);
	ck_assert_int_ne(exec_rc(db, "PRAGMA writable_schema = ON;"
	                             "UPDATE sqlite_schema SET sql = ''"),
	                 SQLITE_OK);
	ck_assert_int_eq(exec_rc(db, "SELECT \"no such column\" FROM t"),
	                 SQLITE_ERROR); /* double-quoted strings refused */
	ck_assert_int_eq(sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1), 0);
	untrusted_sqlite_close(db);
	bytes_free(&b);
}
END_TEST

START_TEST(opener_leaves_the_callers_bytes_alone)
{
	bytes b = wal_mode_fixture();
	unsigned char *copy = malloc(b.len);
	sqlite3 *db;

	memcpy(copy, b.data, b.len);
	db = open_untrusted(&b);
	ck_assert_int_eq(exec_rc(db, "SELECT count(*) FROM t WHERE 1"), SQLITE_OK);
	untrusted_sqlite_close(db);
	ck_assert_mem_eq(b.data, copy, b.len);
	free(copy);
	bytes_free(&b);
}
END_TEST

START_TEST(opener_reports_garbage_at_offset_zero)
{
	bytes b = { malloc(4096), 4096 };
	exhibit_error err;
	sqlite3 *db = (sqlite3 *)&b; /* must be reset to NULL */

	fill_noise(b.data, b.len, 42);
	exhibit_error_clear(&err);
	ck_assert_int_eq(untrusted_sqlite_open(b.data, b.len, &db, &err),
	                 EXHIBIT_ERR_FORMAT);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(err.offset, 0);
	ck_assert(strstr(err.message, "SQLite") != NULL);
	bytes_free(&b);
}
END_TEST

START_TEST(opener_budget_is_per_connection_and_visible)
{
	bytes b = db_from_sql("CREATE TABLE t(x);");
	untrusted_sqlite_budget budget = { 300, 600 };
	exhibit_error err;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	double start;

	exhibit_error_clear(&err);
	ck_assert_int_eq(untrusted_sqlite_open_budget(b.data, b.len, &budget,
	                                              &db, &err), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT exhibit_sql_ms_left()",
	                                    -1, &stmt, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	ck_assert_int_le(sqlite3_column_int64(stmt, 0), 600);
	sqlite3_finalize(stmt);
	start = now_seconds();
	ck_assert_int_eq(exec_rc(db, "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL"
	                             " SELECT n + 1 FROM c) SELECT max(n) FROM c"),
	                 SQLITE_INTERRUPT);
	ck_assert_double_lt(now_seconds() - start, 2.0);
	untrusted_sqlite_close(db);
	bytes_free(&b);
}
END_TEST

START_TEST(opener_close_finalizes_forgotten_statements)
{
	bytes b = db_from_sql(unknown_sql);
	sqlite3 *db = open_untrusted(&b);
	sqlite3_stmt *stmt = NULL;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM recipes", -1,
	                                    &stmt, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	untrusted_sqlite_close(db); /* leak-checked under ASan */
	bytes_free(&b);
}
END_TEST

/* ---- the known-apps table ----------------------------------------------- */

static const char *const fake_tables[] = { "message", "chat", "jid", "sms",
	                                   "threads", "pdu", NULL };

static bool fake_has_table(const void *ctx, const char *table)
{
	const char *const *t;

	(void)ctx;
	for (t = fake_tables; *t; t++)
		if (strcasecmp(*t, table) == 0)
			return true;
	return false;
}

static bool fake_has_column(const void *ctx, const char *table,
                            const char *column)
{
	(void)column;
	return fake_has_table(ctx, table); /* every column exists */
}

START_TEST(known_apps_entries_are_complete)
{
	size_t i;

	ck_assert_uint_ge(known_apps_count(), 20);
	for (i = 0; i < known_apps_count(); i++) {
		const known_app *app = known_apps_at(i);

		ck_assert_ptr_nonnull(app->app);
		ck_assert_ptr_nonnull(app->app_id);
		ck_assert_msg(strcmp(app->platform, "android") == 0 ||
		              strcmp(app->platform, "ios") == 0 ||
		              strcmp(app->platform, "desktop") == 0,
		              "%s: bad platform", app->app);
		ck_assert_msg(app->paths && app->paths[0], "%s: no path", app->app);
		ck_assert_msg(app->schema && app->schema[0], "%s: no schema",
		              app->app);
	}
	ck_assert_ptr_null(known_apps_at(known_apps_count()));
}
END_TEST

START_TEST(known_apps_rank_evidence_then_specificity)
{
	schema_probe probe = { fake_has_table, fake_has_column, NULL };
	known_app_match m;

	m = known_app_identify("/x/y.db", &probe);
	ck_assert_str_eq(m.app->app, "WhatsApp"); /* 7 requirements beat 6 */
	ck_assert_str_eq(known_app_evidence_name(m.evidence), "schema");
	m = known_app_identify("/data/com.android.providers.telephony/databases/"
	                       "MMSSMS.DB", &probe);
	ck_assert_str_eq(m.app->app, "Android Messages (SMS/MMS)");
	ck_assert_str_eq(known_app_evidence_name(m.evidence), "path+schema");
	m = known_app_identify("/private/var/mobile/Library/SMS/sms.db", NULL);
	ck_assert_str_eq(m.app->app, "iMessage");
	ck_assert_str_eq(known_app_evidence_name(m.evidence), "path");
	m = known_app_identify(NULL, NULL);
	ck_assert_ptr_null(m.app);
	ck_assert_ptr_null(known_app_evidence_name(m.evidence));
}
END_TEST

/* ---- the corpus --------------------------------------------------------- */

static const char *corpus_dir(void)
{
	const char *env = getenv("EXHIBIT_CORPUS");

	return env && *env ? env : EXHIBIT_CORPUS_DIR;
}

static bool corpus_present(void)
{
	char probe[4096];

	snprintf(probe, sizeof probe, "%s/MANIFEST.md", corpus_dir());
	return access(probe, R_OK) == 0;
}

static run analyze_corpus(const char *relative)
{
	char path[4096], item_path[4096];
	bytes b;
	run r;

	snprintf(path, sizeof path, "%s/%s", corpus_dir(), relative);
	snprintf(item_path, sizeof item_path, "/corpus/%s", relative);
	b = read_file(path);
	r = analyze(&b, item_path);
	bytes_free(&b);
	return r;
}

START_TEST(corpus_android_sms)
{
	run r = analyze_corpus("plaso-chat/mmssms.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "sms", 9);
	assert_rows(&r, "pdu", 0);
	assert_rows(&r, "threads", 1);
	ck_assert(is_null(table_record(&r, "words"), "rows")); /* FTS3 table */
	assert_app(&r, "Android Messages (SMS/MMS)", "schema");
	stub_host_free(r.host);
}
END_TEST

START_TEST(corpus_skype_classic)
{
	run r = analyze_corpus("plaso-chat/skype_main.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "Messages", 15);
	assert_rows(&r, "Chats", 5);
	assert_rows(&r, "Conversations", 2);
	assert_rows(&r, "Accounts", 1);
	assert_rows(&r, "Contacts", 2);
	assert_rows(&r, "SMSes", 1);
	assert_rows(&r, "Transfers", 2);
	assert_rows(&r, "Calls", 1);
	assert_app(&r, "Skype", "schema");
	stub_host_free(r.host);
}
END_TEST

START_TEST(corpus_imessage_in_wal_mode)
{
	run r = analyze_corpus("plaso-chat/imessage_chat.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "message", 10);
	assert_rows(&r, "chat", 7);
	assert_rows(&r, "handle", 7);
	assert_rows(&r, "attachment", 1);
	assert_app(&r, "iMessage", "schema");
	ck_assert_pstr_eq(text_of(summary(&r), "journal_mode"), "wal");
	stub_host_free(r.host);
}
END_TEST

START_TEST(corpus_tango)
{
	run r = analyze_corpus("plaso-chat/tango_android_tc.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "messages", 18);
	assert_rows(&r, "conversations", 7);
	assert_app(&r, "Tango", "schema");
	stub_host_free(r.host);
	r = analyze_corpus("plaso-chat/tango_profile.db");
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "profiles", 12);
	assert_app(&r, "Tango", "schema");
	stub_host_free(r.host);
}
END_TEST

START_TEST(corpus_viber_calls)
{
	run r = analyze_corpus("plaso-chat/viber_data");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "calls", 4);
	assert_rows(&r, "phonebookcontact", 5);
	assert_app(&r, "Viber", "schema");
	stub_host_free(r.host);
}
END_TEST

START_TEST(corpus_android_call_log)
{
	run r = analyze_corpus("plaso-chat/contacts2.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "calls", 3);
	assert_rows(&r, "contacts", 0);
	assert_app(&r, "Android Call Log", "schema");
	stub_host_free(r.host);
}
END_TEST

START_TEST(corpus_instagram_ios)
{
	run r = analyze_corpus("plaso-chat/9368974384.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "messages", 75);
	assert_rows(&r, "threads", 3);
	assert_app(&r, "Instagram", "schema");
	ck_assert_pstr_eq(text_of(summary(&r), "platform"), "ios");
	stub_host_free(r.host);
}
END_TEST

START_TEST(corpus_skype_iped)
{
	run r = analyze_corpus("iped/test_skypeMain.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "Messages", 9);
	assert_rows(&r, "Conversations", 3);
	assert_rows(&r, "Accounts", 1);
	assert_rows(&r, "Contacts", 3);
	assert_rows(&r, "Transfers", 2);
	assert_rows(&r, "Videos", 0);
	assert_app(&r, "Skype", "schema");
	stub_host_free(r.host);
	r = analyze_corpus("iped/test_skypeS4lStreeguil1.db");
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	assert_rows(&r, "messagesv12", 0);
	assert_rows(&r, "conversationsv14", 0);
	assert_app(&r, "Skype", "schema");
	stub_host_free(r.host);
}
END_TEST

static void assert_corpus_app(const char *relative, const char *app,
                              const char *platform)
{
	run r = analyze_corpus(relative);

	ck_assert_msg(r.rc == EXHIBIT_OK, "%s: rc %d", relative, r.rc);
	ck_assert_pstr_eq(text_of(summary(&r), "app"), app);
	ck_assert_pstr_eq(text_of(summary(&r), "platform"), platform);
	stub_host_free(r.host);
}

START_TEST(corpus_other_apps)
{
	assert_corpus_app("plaso-chat/twitter.db", "Twitter", "android");
	assert_corpus_app("plaso-chat/test_data_ios_twitter.db", "Twitter", "ios");
	assert_corpus_app("plaso-chat/NoteStore.sqlite", "Notes", "ios");
	assert_corpus_app("plaso-chat/burners.sqlite", "Burner", "android");
}
END_TEST

START_TEST(corpus_truncated_real_database)
{
	char path[4096];
	bytes b;
	run r;

	snprintf(path, sizeof path, "%s/plaso-chat/skype_main.db", corpus_dir());
	b = read_file(path);
	b.len = 1024;
	r = analyze(&b, "/Users/x/Library/Application Support/Skype/x/main.db");
	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_ge(stub_host_error_count(r.host), 1);
	ck_assert_pstr_eq(label("/Users/x/Library/Application Support/Skype/x/main.db"), "Skype");
	stub_host_free(r.host);
	bytes_free(&b);
}
END_TEST

/* ---- the suite ---------------------------------------------------------- */

static TCase *fixture_cases(void)
{
	TCase *tc = tcase_create("fixtures");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, descriptor_is_an_analyzer_for_sqlite);
	tcase_add_test(tc, renamed_whatsapp_is_found_by_schema);
	tcase_add_test(tc, whatsapp_in_place_is_found_by_path_and_schema);
	tcase_add_test(tc, path_alone_identifies_an_unfamiliar_schema);
	tcase_add_test(tc, unknown_app_has_null_identity);
	tcase_add_test(tc, carved_item_without_path_is_still_identified);
	tcase_add_loop_test(tc, chat_apps_by_path_schema_and_carved, 0,
	                    (int)(sizeof chat_apps / sizeof chat_apps[0]));
	tcase_add_test(tc, header_fields_come_from_the_header);
	tcase_add_test(tc, short_reads_are_assembled);
	tcase_add_test(tc, analyze_runs_concurrently);
	tcase_add_test(tc, known_apps_entries_are_complete);
	tcase_add_test(tc, known_apps_rank_evidence_then_specificity);
	return tc;
}

static TCase *hostile_cases(void)
{
	TCase *tc = tcase_create("hostile");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hostile_table_names_are_quoted);
	tcase_add_test(tc, virtual_tables_are_listed_but_never_touched);
	tcase_add_test(tc, truncated_database_reports_and_keeps_going);
	tcase_add_test(tc, truncated_first_page_fails_at_open);
	tcase_add_test(tc, random_bytes_behind_the_magic_are_an_error);
	tcase_add_test(tc, not_sqlite_is_refused_without_records);
	tcase_add_test(tc, magic_alone_is_an_error_not_a_crash);
	tcase_add_test(tc, wal_mode_database_opens_from_memory);
	tcase_add_test(tc, views_and_triggers_never_run);
	tcase_add_test(tc, crafted_btree_is_readable_when_sane);
	tcase_add_test(tc, page_loop_fails_within_seconds);
	tcase_add_test(tc, page_dag_is_stopped_by_the_time_budget);
	return tc;
}

static TCase *opener_cases(void)
{
	TCase *tc = tcase_create("untrusted_sqlite");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, opener_refuses_what_untrusted_data_must_not_do);
	tcase_add_test(tc, opener_leaves_the_callers_bytes_alone);
	tcase_add_test(tc, opener_reports_garbage_at_offset_zero);
	tcase_add_test(tc, opener_budget_is_per_connection_and_visible);
	tcase_add_test(tc, opener_close_finalizes_forgotten_statements);
	return tc;
}

#define N_CORPUS_TESTS 10

static TCase *corpus_cases(void)
{
	TCase *tc = tcase_create("corpus");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, corpus_android_sms);
	tcase_add_test(tc, corpus_skype_classic);
	tcase_add_test(tc, corpus_imessage_in_wal_mode);
	tcase_add_test(tc, corpus_tango);
	tcase_add_test(tc, corpus_viber_calls);
	tcase_add_test(tc, corpus_android_call_log);
	tcase_add_test(tc, corpus_instagram_ios);
	tcase_add_test(tc, corpus_skype_iped);
	tcase_add_test(tc, corpus_other_apps);
	tcase_add_test(tc, corpus_truncated_real_database);
	return tc;
}

static Suite *app_databases_suite(void)
{
	Suite *s = suite_create("app_databases");

	suite_add_tcase(s, fixture_cases());
	suite_add_tcase(s, hostile_cases());
	suite_add_tcase(s, opener_cases());
	if (corpus_present())
		suite_add_tcase(s, corpus_cases());
	else
		printf("SKIP: %d corpus tests: no test corpus at %s "
		       "(set EXHIBIT_CORPUS to its directory)\n",
		       N_CORPUS_TESTS, corpus_dir());
	return s;
}

int main(void)
{
	return check_run_suite(app_databases_suite());
}

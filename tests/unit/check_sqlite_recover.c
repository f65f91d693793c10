/*
 * check_sqlite_recover.c — deleted-row recovery (core/sqlite_recover,
 * core/recovered_db) on databases built here with SQLite itself: a
 * messages table filled, some rows deleted, in every journal mode and
 * state that matters.
 *
 * For every scenario the same promises are checked against what SQLite
 * says the rows were:
 *   - every deleted row whose bytes are still in the files (its record
 *     but the first two bytes, which a freeblock header may take, and each
 *     overflow chunk) is recovered, with exactly its values, its rowid
 *     when recovery says it kept it, and an origin of the expected kind;
 *   - every recovered row is one of the deleted rows (nothing invented),
 *     none is recovered twice, and none equals a live row;
 *   - enough of them are recovered that the test cannot pass vacuously.
 */
#include <check.h>

#include "check_run.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "exhibit/plugin.h"
#include "recovered_db.h"
#include "sqlite_fixtures.h"
#include "sqlite_recover.h"
#include "stub_host.h"

#define ALIAS 0 /* messages.id is the INTEGER PRIMARY KEY */

static const char messages_sql[] =
	"CREATE TABLE messages(id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL,"
	" sender TEXT, body TEXT, sent INTEGER, is_read INTEGER DEFAULT 0);"
	"CREATE INDEX messages_chat ON messages(chat_id, sent);";

static const char *const words[] = {
	"see", "you", "at", "the", "station", "tomorrow", "don't", "tell",
	"anyone", "ok", "where", "are", "now", "call", "me", "later", "photo",
	"sent", "delete", "this"
};
static const char *const unicode_words[] = {
	"café", "straße", "中文", "😀", "ñandú", "żółw", "Ωμέγα", "👍🏽"
};

typedef struct scenario {
	int page_size;
	const char *encoding;      /* NULL: UTF-8 */
	bool secure_delete;
	const char *journal_mode;  /* NULL: rollback (delete) */
	int rows;
	int body_min, body_max;    /* body lengths, in words */
	bool unicode;
	const char *delete_where;
	const char *before_delete; /* SQL run between fill and delete, or NULL */
	const char *after_delete;  /* SQL run after the delete, or NULL */
	bool keep_wal;             /* hand the -wal bytes to recovery */
	bool keep_journal;
} scenario;

typedef struct outcome {
	fixture_rows deleted, live;
	fixture_bytes files[3]; /* database, WAL, journal */
	int encoding;
	uint32_t usable;
	sqlite_recovery *rec;
	size_t table;
} outcome;

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A body of n words, unique by its leading row number. */
static char *make_body(int id, int n, bool unicode, uint64_t *seed)
{
	size_t cap = 64 + (size_t)n * 16, len;
	char *out = malloc(cap);
	int i;

	ck_assert_ptr_nonnull(out);
	len = (size_t)snprintf(out, cap, "msg %d:", id);
	for (i = 0; i < n; i++) {
		uint64_t r = next_random(seed);
		const char *w = unicode && r % 3 == 0
		                ? unicode_words[r / 3 % (sizeof unicode_words / sizeof *unicode_words)]
		                : words[r % (sizeof words / sizeof *words)];

		len += (size_t)snprintf(out + len, cap - len, " %s", w);
	}
	return out;
}

static void fill(fixture *f, const scenario *s)
{
	sqlite3_stmt *stmt = NULL;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int i;

	ck_assert_int_eq(sqlite3_prepare_v2(f->db,
	        "INSERT INTO messages(id, chat_id, sender, body, sent, is_read)"
	        " VALUES (?, ?, ?, ?, ?, ?)", -1, &stmt, NULL), SQLITE_OK);
	for (i = 1; i <= s->rows; i++) {
		int span = s->body_max - s->body_min + 1;
		char sender[32], *body;

		if (i % 50 == 1)
			fixture_exec(f, "BEGIN");
		snprintf(sender, sizeof sender, "+4477009%05d", i % 13);
		body = make_body(i, s->body_min + (int)(next_random(&seed) % (uint64_t)span),
		                 s->unicode, &seed);
		sqlite3_bind_int(stmt, 1, i);
		sqlite3_bind_int(stmt, 2, i % 7 + 1);
		sqlite3_bind_text(stmt, 3, sender, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 4, body, -1, free);
		sqlite3_bind_int64(stmt, 5, INT64_C(1700000000000) + (int64_t)i * 61000);
		sqlite3_bind_int(stmt, 6, i % 2);
		ck_assert_int_eq(sqlite3_step(stmt), SQLITE_DONE);
		sqlite3_reset(stmt);
		if (i % 50 == 0 || i == s->rows)
			fixture_exec(f, "COMMIT");
	}
	sqlite3_finalize(stmt);
}

static void set_up(fixture *f, const scenario *s)
{
	char sql[256];

	fixture_open(f);
	snprintf(sql, sizeof sql, "PRAGMA page_size = %d; PRAGMA secure_delete = %s;",
	         s->page_size, s->secure_delete ? "ON" : "OFF");
	fixture_exec(f, sql);
	if (s->encoding) {
		snprintf(sql, sizeof sql, "PRAGMA encoding = '%s';", s->encoding);
		fixture_exec(f, sql);
	}
	if (s->journal_mode) {
		snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s;", s->journal_mode);
		fixture_exec(f, sql);
	}
	fixture_exec(f, "PRAGMA wal_autocheckpoint = 0;");
	fixture_exec(f, messages_sql);
}

/* With EXHIBIT_DUMP_FIXTURES=DIR set, keep each scenario's files there
 * (scenario-N.db, -wal, -journal) for a look with other tools. */
static void dump_files(const outcome *o)
{
	static const char *const suffixes[] = { ".db", ".db-wal", ".db-journal" };
	static int counter;
	const char *dir = getenv("EXHIBIT_DUMP_FIXTURES");
	char path[512];
	int i;

	if (!dir)
		return;
	counter++;
	for (i = 0; i < 3; i++) {
		FILE *f;

		if (!o->files[i].data)
			continue;
		snprintf(path, sizeof path, "%s/scenario-%d%s", dir, counter, suffixes[i]);
		if ((f = fopen(path, "wb"))) {
			fwrite(o->files[i].data, 1, o->files[i].len, f);
			fclose(f);
		}
	}
}

/*
 * Snapshot the fixture's files while its connection is still open
 * (closing would checkpoint), close it, and recover.  o->deleted and
 * o->live are the caller's.
 */
static void finish_scenario(outcome *o, fixture *f, uint32_t usable, bool wal,
                            bool journal)
{
	exhibit_error err;
	sqlite_db_files files;
	sqlite3_stmt *stmt;
	size_t i;

	ck_assert_int_eq(sqlite3_prepare_v2(f->db, "PRAGMA encoding", -1, &stmt, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	o->encoding = strcmp((const char *)sqlite3_column_text(stmt, 0), "UTF-16le") == 0 ? 2
	              : strcmp((const char *)sqlite3_column_text(stmt, 0), "UTF-16be") == 0 ? 3 : 1;
	sqlite3_finalize(stmt);
	o->usable = usable;
	o->files[0] = fixture_read(f, "");
	if (wal)
		o->files[1] = fixture_read(f, "-wal");
	if (journal)
		o->files[2] = fixture_read(f, "-journal");
	fixture_close(f);
	dump_files(o);
	memset(&files, 0, sizeof files);
	files.main = o->files[0].data;
	files.main_len = o->files[0].len;
	files.wal = o->files[1].data;
	files.wal_len = o->files[1].len;
	files.journal = o->files[2].data;
	files.journal_len = o->files[2].len;
	exhibit_error_clear(&err);
	ck_assert_msg(sqlite_recover(&files, NULL, &o->rec, &err) == 0, "recovery failed: %s",
	              err.message);
	o->table = SIZE_MAX; /* when the files hold no schema for it */
	for (i = 0; i < o->rec->schema.n_tables; i++)
		if (strcmp(o->rec->schema.tables[i].name, "messages") == 0)
			o->table = i;
}

static outcome run_scenario(const scenario *s)
{
	char sql[512];
	outcome o;
	fixture f;

	memset(&o, 0, sizeof o);
	set_up(&f, s);
	fill(&f, s);
	if (s->before_delete)
		fixture_exec(&f, s->before_delete);
	snprintf(sql, sizeof sql, "SELECT *, rowid FROM messages WHERE %s ORDER BY id",
	         s->delete_where);
	o.deleted = fixture_select(f.db, sql);
	snprintf(sql, sizeof sql, "DELETE FROM messages WHERE %s", s->delete_where);
	fixture_exec(&f, sql);
	if (s->after_delete)
		fixture_exec(&f, s->after_delete);
	o.live = fixture_select(f.db, "SELECT *, rowid FROM messages ORDER BY id");
	finish_scenario(&o, &f, (uint32_t)s->page_size, s->keep_wal, s->keep_journal);
	return o;
}

static void outcome_free(outcome *o)
{
	fixture_rows_free(&o->deleted);
	fixture_rows_free(&o->live);
	for (int i = 0; i < 3; i++)
		fixture_bytes_free(&o->files[i]);
	sqlite_recovery_free(o->rec);
}

/* ---------------------------------------------------------------- checks */

static bool same_value(const sqlite_recovered_value *v, sqlite3_value *w)
{
	switch (v->kind) {
	case SQLITE_VALUE_NULL:
		return sqlite3_value_type(w) == SQLITE_NULL;
	case SQLITE_VALUE_INT:
		return sqlite3_value_type(w) == SQLITE_INTEGER && sqlite3_value_int64(w) == v->i;
	case SQLITE_VALUE_REAL:
		return sqlite3_value_type(w) == SQLITE_FLOAT && sqlite3_value_double(w) == v->r;
	case SQLITE_VALUE_TEXT:
		return sqlite3_value_type(w) == SQLITE_TEXT &&
		       (size_t)sqlite3_value_bytes(w) == v->len &&
		       memcmp(sqlite3_value_text(w), v->bytes, v->len) == 0;
	default:
		return sqlite3_value_type(w) == SQLITE_BLOB &&
		       (size_t)sqlite3_value_bytes(w) == v->len &&
		       (v->len == 0 || memcmp(sqlite3_value_blob(w), v->bytes, v->len) == 0);
	}
}

/* Whether a recovered row has a fixture row's values (the rowid alias
 * compared only when the recovered row kept its rowid). */
static bool same_row(const sqlite_recovered_row *r, const fixture_row *f)
{
	int i;

	if (r->has_rowid && r->rowid != f->rowid)
		return false;
	for (i = 0; i < f->n; i++)
		if (i != ALIAS && !same_value(&r->values[i], f->values[i]))
			return false;
	return !r->has_rowid || r->values[ALIAS].i == f->rowid;
}

typedef struct tally {
	size_t deleted, present, recovered, with_rowid;
	size_t by_kind[6];
} tally;

/*
 * The promises of the file's header comment; kinds is a bit mask of the
 * origin kinds allowed.  RETURN the tally, for scenario-specific checks.
 */
static tally check_promises(const outcome *o, unsigned kinds)
{
	const sqlite_recovery *rec = o->rec;
	bool *matched = calloc(o->deleted.n + 1, sizeof *matched);
	tally t;
	size_t i, d;

	memset(&t, 0, sizeof t);
	ck_assert_ptr_nonnull(matched);
	t.deleted = o->deleted.n;
	for (i = 0; i < rec->n_rows; i++) {
		const sqlite_recovered_row *r = &rec->rows[i];
		char where[128];
		bool found = false;

		ck_assert_uint_eq(r->table, o->table);
		sqlite_origin_format(&r->origin, where, sizeof where);
		for (d = 0; d < o->live.n; d++)
			ck_assert_msg(!same_row(r, &o->live.rows[d]),
			              "live row %lld reported as recovered (%s)",
			              (long long)o->live.rows[d].rowid, where);
		for (d = 0; d < o->deleted.n && !found; d++) {
			if (!same_row(r, &o->deleted.rows[d]))
				continue;
			ck_assert_msg(!matched[d], "deleted row %lld recovered twice (%s)",
			              (long long)o->deleted.rows[d].rowid, where);
			matched[d] = found = true;
		}
		ck_assert_msg(found, "recovered row at %s offset %llu is no deleted row",
		              where, (unsigned long long)r->origin.offset);
		ck_assert_msg(kinds & (1u << r->origin.kind), "unexpected origin %s", where);
		t.recovered++;
		t.with_rowid += r->has_rowid;
		t.by_kind[r->origin.kind]++;
	}
	for (d = 0; d < o->deleted.n; d++) {
		fixture_bytes record = fixture_record(&o->deleted.rows[d], ALIAS, o->encoding);
		bool here = fixture_record_present(&record, o->usable, o->files, 3);

		fixture_bytes_free(&record);
		t.present += here;
		ck_assert_msg(!here || matched[d],
		              "deleted row %lld is still in the files but was not recovered",
		              (long long)o->deleted.rows[d].rowid);
	}
	free(matched);
	return t;
}

#define KIND(k) (1u << (k))
#define MAIN_FILE_KINDS (KIND(SQLITE_ORIGIN_FREEBLOCK) | KIND(SQLITE_ORIGIN_UNALLOCATED) | \
                         KIND(SQLITE_ORIGIN_FREELIST))
#define ANY_KIND 0x3fu

static void print_tally(const char *name, const tally *t)
{
	printf("%s: %zu deleted, %zu still present, %zu recovered (%zu with rowid); "
	       "freeblock %zu unallocated %zu freelist %zu superseded %zu wal %zu journal %zu\n",
	       name, t->deleted, t->present, t->recovered, t->with_rowid, t->by_kind[0],
	       t->by_kind[1], t->by_kind[2], t->by_kind[3], t->by_kind[4], t->by_kind[5]);
}

static scenario base(void)
{
	scenario s = { 4096, NULL, false, NULL, 600, 3, 30, false,
	               "id % 3 = 1", NULL, NULL, false, false };
	return s;
}

/* ---------------------------------------------------------------- scenarios */

START_TEST(rollback_deleted_rows_come_back)
{
	scenario s = base();
	outcome o = run_scenario(&s);
	tally t = check_promises(&o, MAIN_FILE_KINDS);

	print_tally("rollback, secure_delete off", &t);
	ck_assert_uint_eq(t.deleted, 200);
	ck_assert_uint_ge(t.present, 150);
	ck_assert_uint_ge(t.recovered, t.present);
	ck_assert_uint_gt(t.by_kind[SQLITE_ORIGIN_FREEBLOCK], 0);
	outcome_free(&o);
}
END_TEST

START_TEST(secure_delete_leaves_nothing_to_invent)
{
	scenario s = base();
	outcome o;
	tally t;

	s.secure_delete = true;
	o = run_scenario(&s);
	t = check_promises(&o, MAIN_FILE_KINDS);
	print_tally("rollback, secure_delete on", &t);
	ck_assert_uint_eq(t.present, 0);
	ck_assert_uint_eq(o.rec->n_rows, 0);
	ck_assert_uint_eq(o.rec->stats.live_rows, 400);
	outcome_free(&o);
}
END_TEST

START_TEST(wal_not_checkpointed)
{
	scenario s = base();
	outcome o;
	tally t;

	s.journal_mode = "wal";
	s.keep_wal = true;
	o = run_scenario(&s);
	ck_assert_ptr_nonnull(o.files[1].data);
	t = check_promises(&o, KIND(SQLITE_ORIGIN_WAL));
	print_tally("WAL, not checkpointed", &t);
	ck_assert_uint_eq(t.recovered, t.deleted); /* every old frame survives */
	ck_assert_uint_eq(t.with_rowid, t.deleted);
	for (size_t i = 0; i < o.rec->n_rows; i++)
		ck_assert_int_eq(o.rec->rows[i].origin.frame_state, SQLITE_WAL_SUPERSEDED);
	outcome_free(&o);
}
END_TEST

START_TEST(wal_left_out_shows_nothing_false)
{
	/* The same database without its WAL: the main file holds not even
	 * the table yet, so nothing may be recovered. */
	scenario s = base();
	outcome o;

	s.journal_mode = "wal";
	o = run_scenario(&s);
	ck_assert_uint_eq(o.table, SIZE_MAX);
	ck_assert_uint_eq(o.rec->schema.n_tables, 1); /* sqlite_schema itself */
	ck_assert_uint_eq(o.rec->n_rows, 0);
	outcome_free(&o);
}
END_TEST

START_TEST(wal_after_checkpoint)
{
	scenario s = base();
	outcome o;
	tally t;

	s.journal_mode = "wal";
	s.keep_wal = true;
	s.after_delete = "PRAGMA wal_checkpoint(PASSIVE);";
	o = run_scenario(&s);
	t = check_promises(&o, MAIN_FILE_KINDS | KIND(SQLITE_ORIGIN_WAL));
	print_tally("WAL, checkpointed", &t);
	ck_assert_uint_eq(t.recovered, t.deleted);
	outcome_free(&o);
}
END_TEST

START_TEST(wal_truncated_by_checkpoint)
{
	scenario s = base();
	outcome o;
	tally t;

	s.journal_mode = "wal";
	s.keep_wal = true;
	s.after_delete = "PRAGMA wal_checkpoint(TRUNCATE);";
	o = run_scenario(&s);
	t = check_promises(&o, MAIN_FILE_KINDS);
	print_tally("WAL, checkpointed and truncated", &t);
	ck_assert_uint_ge(t.present, 150);
	outcome_free(&o);
}
END_TEST

START_TEST(wal_replaces_pages_of_the_database_file)
{
	/* Checkpointed before the delete: the database file still holds the
	 * deleted rows whole, in pages the WAL now replaces (and a few in the
	 * gap of the first page, a leaf before it became the root). */
	scenario s = base();
	outcome o;
	tally t;

	s.journal_mode = "wal";
	s.keep_wal = true;
	s.before_delete = "PRAGMA wal_checkpoint(TRUNCATE);";
	o = run_scenario(&s);
	t = check_promises(&o, KIND(SQLITE_ORIGIN_SUPERSEDED) | KIND(SQLITE_ORIGIN_WAL) |
	                       MAIN_FILE_KINDS);
	print_tally("WAL replacing checkpointed pages", &t);
	ck_assert_uint_eq(t.recovered, t.deleted);
	ck_assert_uint_ge(t.by_kind[SQLITE_ORIGIN_SUPERSEDED], t.deleted * 9 / 10);
	ck_assert_uint_eq(t.with_rowid, t.deleted);
	outcome_free(&o);
}
END_TEST

START_TEST(wal_frames_of_an_earlier_generation)
{
	/* After a full checkpoint the next writer restarts the WAL with new
	 * salts, overwriting it from the start; the frames past its end are
	 * of the earlier generation, and with secure_delete they are the only
	 * place the deleted rows survive. */
	scenario s = base();
	outcome o;
	tally t;
	size_t i, earlier = 0;

	s.journal_mode = "wal";
	s.secure_delete = true;
	s.keep_wal = true;
	s.after_delete = "PRAGMA wal_checkpoint(PASSIVE);"
	                 "INSERT INTO messages(chat_id, body) VALUES (1, 'after the restart');";
	o = run_scenario(&s);
	t = check_promises(&o, KIND(SQLITE_ORIGIN_WAL));
	print_tally("WAL, an earlier generation", &t);
	ck_assert_uint_ge(t.present, 150);
	for (i = 0; i < o.rec->n_rows; i++)
		earlier += o.rec->rows[i].origin.frame_state == SQLITE_WAL_INVALID;
	ck_assert_uint_eq(earlier, t.recovered);
	outcome_free(&o);
}
END_TEST

START_TEST(wal_frames_never_committed)
{
	/* A transaction too large for its cache spills frames into the WAL
	 * before it commits; caught then, its rows are in no live page.  A
	 * page spilled twice is rewritten in place and the checksums after it
	 * are only redone at commit, so some frames read as invalid. */
	scenario s = base();
	outcome o;
	fixture f;
	tally t;
	size_t i, uncommitted = 0;

	memset(&o, 0, sizeof o);
	s.journal_mode = "wal";
	set_up(&f, &s);
	fixture_exec(&f, "PRAGMA cache_size = 2;");
	s.rows = 200;
	fill(&f, &s);
	fixture_exec(&f, "BEGIN;"
	                 "INSERT INTO messages(chat_id, sender, body, sent)"
	                 " SELECT chat_id, sender, 'never committed: ' || body, sent + 1"
	                 " FROM messages;");
	o.deleted = fixture_select(f.db, "SELECT *, rowid FROM messages WHERE id > 200"
	                                 " ORDER BY id");
	o.live = fixture_select(f.db, "SELECT *, rowid FROM messages WHERE id <= 200"
	                              " ORDER BY id");
	finish_scenario(&o, &f, 4096, true, false);
	t = check_promises(&o, KIND(SQLITE_ORIGIN_WAL));
	print_tally("WAL, uncommitted", &t);
	ck_assert_uint_ge(t.recovered, 50);
	for (i = 0; i < o.rec->n_rows; i++) {
		sqlite_wal_frame_state state = o.rec->rows[i].origin.frame_state;

		ck_assert(state == SQLITE_WAL_UNCOMMITTED || state == SQLITE_WAL_INVALID);
		uncommitted += state == SQLITE_WAL_UNCOMMITTED;
	}
	ck_assert_uint_gt(uncommitted, 0);
	ck_assert_uint_eq(o.rec->stats.live_rows, 200);
	outcome_free(&o);
}
END_TEST

START_TEST(freelist_pages_are_read)
{
	scenario s = base();
	outcome o;
	tally t;

	s.delete_where = "id BETWEEN 100 AND 450";
	o = run_scenario(&s);
	t = check_promises(&o, MAIN_FILE_KINDS);
	print_tally("whole pages freed", &t);
	ck_assert_uint_gt(t.by_kind[SQLITE_ORIGIN_FREELIST], 100);
	ck_assert_uint_ge(t.present, 300);
	outcome_free(&o);
}
END_TEST

START_TEST(overflowing_bodies)
{
	/* Pages of 1 KiB hold two or three such rows, so deleting a third
	 * of them makes SQLite merge pages and overwrite many: 16 of 40
	 * survive, each spread over two to five overflow pages. */
	scenario s = base();
	outcome o;
	tally t;
	size_t i, spilled = 0;

	s.page_size = 1024;
	s.rows = 120;
	s.body_min = 150;
	s.body_max = 600; /* 1-4 KiB */
	o = run_scenario(&s);
	t = check_promises(&o, MAIN_FILE_KINDS);
	print_tally("overflow", &t);
	ck_assert_uint_ge(t.present, 12);
	for (i = 0; i < o.rec->n_rows; i++)
		spilled += o.rec->rows[i].values[3].len > 2048;
	ck_assert_uint_ge(spilled, 6);
	outcome_free(&o);
}
END_TEST

static void check_encoding(const char *encoding, int expected)
{
	scenario s = base();
	outcome o;
	tally t;

	s.encoding = encoding;
	s.unicode = true;
	o = run_scenario(&s);
	ck_assert_int_eq(o.encoding, expected);
	ck_assert_int_eq(o.rec->encoding, expected);
	t = check_promises(&o, MAIN_FILE_KINDS);
	print_tally(encoding, &t);
	ck_assert_uint_ge(t.present, 150);
	outcome_free(&o);
}

START_TEST(utf16le_database)
{
	check_encoding("UTF-16le", 2);
}
END_TEST

START_TEST(utf16be_database)
{
	check_encoding("UTF-16be", 3);
}
END_TEST

START_TEST(page_size_512)
{
	scenario s = base();
	outcome o;
	tally t;

	s.page_size = 512;
	s.rows = 300;
	s.body_max = 60; /* some overflow a 512-byte page */
	o = run_scenario(&s);
	t = check_promises(&o, MAIN_FILE_KINDS);
	print_tally("page size 512", &t);
	ck_assert_uint_ge(t.present, 60);
	outcome_free(&o);
}
END_TEST

START_TEST(page_size_65536)
{
	scenario s = base();
	outcome o;
	tally t;

	s.page_size = 65536;
	s.rows = 1500;
	o = run_scenario(&s);
	t = check_promises(&o, MAIN_FILE_KINDS);
	print_tally("page size 65536", &t);
	ck_assert_uint_ge(t.present, 400);
	outcome_free(&o);
}
END_TEST

START_TEST(persisted_journal_keeps_the_old_pages)
{
	/* secure_delete wipes the main file; the persist-mode journal of the
	 * delete still holds the pages as they were. */
	scenario s = base();
	outcome o;
	tally t;

	s.secure_delete = true;
	s.journal_mode = "persist";
	s.keep_journal = true;
	s.rows = 300;
	o = run_scenario(&s);
	ck_assert_ptr_nonnull(o.files[2].data);
	t = check_promises(&o, KIND(SQLITE_ORIGIN_JOURNAL));
	print_tally("persist journal", &t);
	ck_assert_uint_eq(t.recovered, t.deleted);
	ck_assert_uint_eq(t.with_rowid, t.deleted);
	outcome_free(&o);
}
END_TEST

/* ---------------------------------------------------------------- ALTER TABLE */

START_TEST(rows_older_than_an_added_column)
{
	fixture f;
	fixture_bytes db;
	sqlite_db_files files;
	sqlite_recovery *rec;
	exhibit_error err;
	size_t i, old = 0, newer = 0;

	fixture_open(&f);
	fixture_exec(&f, "PRAGMA secure_delete = OFF;"
	                 "CREATE TABLE chat(id INTEGER PRIMARY KEY, who TEXT, said TEXT);");
	fixture_exec(&f, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	                 " WHERE i < 80) INSERT INTO chat(who, said) SELECT 'alice' || i,"
	                 " 'before the change, line ' || i FROM n;");
	fixture_exec(&f, "ALTER TABLE chat ADD COLUMN mood TEXT DEFAULT 'calm';"
	                 "ALTER TABLE chat ADD COLUMN score INTEGER;");
	fixture_exec(&f, "WITH RECURSIVE n(i) AS (SELECT 81 UNION ALL SELECT i + 1 FROM n"
	                 " WHERE i < 160) INSERT INTO chat(who, said, mood, score)"
	                 " SELECT 'bob' || i, 'after the change, line ' || i, 'angry', i FROM n;");
	fixture_exec(&f, "DELETE FROM chat WHERE id % 4 = 0;");
	db = fixture_read(&f, "");
	fixture_close(&f);
	memset(&files, 0, sizeof files);
	files.main = db.data;
	files.main_len = db.len;
	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_recover(&files, NULL, &rec, &err), 0);
	for (i = 0; i < rec->n_rows; i++) {
		const sqlite_recovered_row *r = &rec->rows[i];
		const sqlite_recovered_value *v = r->values;

		ck_assert_str_eq(rec->schema.tables[r->table].name, "chat");
		ck_assert_int_eq(v[2].kind, SQLITE_VALUE_TEXT);
		if (strncmp(v[2].bytes, "before", 6) == 0) {
			/* what SQLite itself returns for the short record */
			ck_assert_str_eq(v[3].bytes, "calm");
			ck_assert_int_eq(v[4].kind, SQLITE_VALUE_NULL);
			ck_assert_int_eq(strncmp(v[1].bytes, "alice", 5), 0);
			old++;
		} else {
			ck_assert_str_eq(v[3].bytes, "angry");
			ck_assert_int_eq(v[4].kind, SQLITE_VALUE_INT);
			if (r->has_rowid)
				ck_assert_int_eq(v[4].i, r->rowid);
			newer++;
		}
	}
	printf("ALTER TABLE: %zu old rows, %zu new rows recovered of 20 + 20\n", old, newer);
	ck_assert_uint_ge(old, 15);
	ck_assert_uint_ge(newer, 15);
	ck_assert_uint_le(old, 20);
	ck_assert_uint_le(newer, 20);
	sqlite_recovery_free(rec);
	fixture_bytes_free(&db);
}
END_TEST

/*
 * A cell freed into the freeblock its upper neighbour became: the
 * freeblock header then lies over this cell's first bytes (payload
 * length, rowid, header length, the rowid alias's serial type), and the
 * block runs on past it.  Its record is rebuilt, not mistaken for a record
 * of a loosely typed table that a few of its bytes also happen to spell
 * (as ChatStorage.sqlite's ZWAGROUPMEMBER did ZWAMESSAGE's NULLs).
 */
START_TEST(a_cell_freed_into_its_neighbour_is_rebuilt)
{
	fixture f;
	fixture_bytes db;
	sqlite_db_files files;
	sqlite_recovery *rec;
	exhibit_error err;
	size_t i, found = 0;

	fixture_open(&f);
	/* the two tables' shapes as ChatStorage.sqlite has them */
	fixture_exec(&f, "PRAGMA secure_delete = OFF;"
	                 "CREATE TABLE member(pk INTEGER PRIMARY KEY, i1 INTEGER, i2 INTEGER,"
	                 " i3 INTEGER, i4 INTEGER, i5 INTEGER, i6 INTEGER, i7 INTEGER,"
	                 " i8 INTEGER, v1 VARCHAR, v2 VARCHAR, v3 VARCHAR, v4 VARCHAR);"
	                 "CREATE TABLE note(pk INTEGER PRIMARY KEY, i1 INTEGER, i2 INTEGER,"
	                 " i3 INTEGER, i4 INTEGER, i5 INTEGER, i6 INTEGER, flags INTEGER,"
	                 " event INTEGER, mine INTEGER, error INTEGER, status INTEGER,"
	                 " type INTEGER, sort INTEGER, spot INTEGER, starred INTEGER,"
	                 " chat INTEGER, member INTEGER, last INTEGER, media INTEGER,"
	                 " info INTEGER, parent INTEGER, date TIMESTAMP, sent TIMESTAMP,"
	                 " sender VARCHAR, section VARCHAR, phash VARCHAR, push VARCHAR,"
	                 " stanza VARCHAR, said VARCHAR, peer VARCHAR);"
	                 "INSERT INTO member(pk, i6, v4) VALUES (1, 2, '15550002222@s.whatsapp.net');"
	                 "INSERT INTO note(pk, flags, mine, status, type, sort, starred, chat,"
	                 " date, sent, stanza, said, peer) VALUES"
	                 " (1, 0, 0, 8, 0, 1, 0, 1, 700000000, 700000000, '3EB0A1',"
	                 "  'are you coming?', NULL),"
	                 " (2, 0, 1, 6, 0, 2, 1, 1, 700000060, 700000060.25, '3EB0A2',"
	                 "  'yes, at eight', '15550001111@s.whatsapp.net'),"
	                 " (3, 0, 0, 8, 0, 3, 0, 1, 700000100, NULL, '3EB0A3', 'the rest', NULL);");
	/* the upper cell first: the lower one then joins its freeblock */
	fixture_exec(&f, "DELETE FROM note WHERE pk = 1; DELETE FROM note WHERE pk = 2;");
	db = fixture_read(&f, "");
	fixture_close(&f);
	memset(&files, 0, sizeof files);
	files.main = db.data;
	files.main_len = db.len;
	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_recover(&files, NULL, &rec, &err), 0);
	for (i = 0; i < rec->n_rows; i++) {
		const sqlite_recovered_row *r = &rec->rows[i];

		ck_assert_str_eq(rec->schema.tables[r->table].name, "note");
		ck_assert_int_eq(r->values[29].kind, SQLITE_VALUE_TEXT);
		found += !strcmp(r->values[29].bytes, "are you coming?") ||
		         !strcmp(r->values[29].bytes, "yes, at eight");
	}
	ck_assert_uint_eq(rec->n_rows, 2);
	ck_assert_uint_eq(found, 2);
	sqlite_recovery_free(rec);
	fixture_bytes_free(&db);
}
END_TEST

START_TEST(a_hostile_page_cannot_hold_recovery_up)
{
	/* A table of 1000 untyped columns takes any serial type anywhere, so
	 * every byte of noise looks worth trying; 400 pages of it behind the
	 * database must still end at the time limit, and say so. */
	sqlite_recover_limits limits = { 0, 0, 500 };
	sqlite3_str *sql = sqlite3_str_new(NULL);
	sqlite_recovery *rec = NULL;
	sqlite_db_files files;
	exhibit_error err;
	fixture_bytes db;
	unsigned char *bytes;
	uint64_t seed = 99;
	size_t len, i;
	double start;
	fixture f;
	char *create;

	sqlite3_str_appendall(sql, "CREATE TABLE wide(c0");
	for (i = 1; i < 1000; i++)
		sqlite3_str_appendf(sql, ", c%d", (int)i);
	sqlite3_str_appendall(sql, "); INSERT INTO wide(c0) VALUES (1);");
	create = sqlite3_str_finish(sql);
	fixture_open(&f);
	fixture_exec(&f, create);
	sqlite3_free(create);
	db = fixture_read(&f, "");
	fixture_close(&f);
	len = db.len + 400 * 4096;
	bytes = malloc(len);
	ck_assert_ptr_nonnull(bytes);
	memcpy(bytes, db.data, db.len);
	for (i = db.len; i < len; i++)
		bytes[i] = (unsigned char)next_random(&seed);
	memset(&files, 0, sizeof files);
	files.main = bytes;
	files.main_len = len;
	exhibit_error_clear(&err);
	start = (double)clock() / CLOCKS_PER_SEC;
	ck_assert_int_eq(sqlite_recover(&files, &limits, &rec, &err), 0);
	ck_assert_double_lt((double)clock() / CLOCKS_PER_SEC - start, 1.5);
	if (rec->stats.stopped) {
		bool said = false;

		for (i = 0; i < rec->problems.n; i++)
			said |= strstr(rec->problems.items[i].message, "time limit") != NULL;
		ck_assert(said);
	}
	printf("hostile wide table: %llu page versions read, %zu rows, %s\n",
	       (unsigned long long)rec->stats.versions_read, rec->n_rows,
	       rec->stats.stopped ? "stopped at the time limit" : "finished");
	sqlite_recovery_free(rec);
	free(bytes);
	fixture_bytes_free(&db);
}
END_TEST

/* ---------------------------------------------------------------- host API */

typedef struct seen_row {
	char origin[128];
	long long offset;
	bool has_rowid;
	long long rowid;
	char body[512];
} seen_row;

START_TEST(host_api_serves_recovered_rows_as_sql)
{
	scenario s = base();
	const exhibit_host_api *api = stub_host_api();
	outcome o;
	exhibit_host *host;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t n = 0;

	s.journal_mode = "wal";
	s.keep_wal = true;
	o = run_scenario(&s);
	host = stub_host_new(o.files[0].data, o.files[0].len, "/data/app/msg.db");
	stub_host_set_wal(host, o.files[1].data, o.files[1].len);
	ck_assert_uint_eq(api->abi_version, EXHIBIT_ABI_VERSION);
	ck_assert_int_eq(api->open_sqlite_recovered(host, &db), EXHIBIT_OK);
	/* the parser's own query, plus the three columns */
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	        "SELECT m.id, m.chat_id, m.body, m._origin, m._offset, m._rowid"
	        " FROM messages AS m WHERE m.chat_id BETWEEN 1 AND 7 ORDER BY m._rowid",
	        -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *origin = (const char *)sqlite3_column_text(stmt, 3);
		int64_t offset = sqlite3_column_int64(stmt, 4);
		const char *body = (const char *)sqlite3_column_text(stmt, 2);

		ck_assert_int_eq(sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 5));
		ck_assert_msg(strncmp(origin, "wal frame ", 10) == 0, "origin %s", origin);
		ck_assert_ptr_nonnull(strstr(origin, " superseded page "));
		/* the offset names the cell in the WAL: the body follows it */
		ck_assert_int_gt(offset, 32);
		ck_assert_uint_lt((uint64_t)offset, o.files[1].len);
		ck_assert_ptr_nonnull(memmem(o.files[1].data + offset,
		                             o.files[1].len - (size_t)offset < 4096
		                             ? o.files[1].len - (size_t)offset : 4096,
		                             body, strlen(body)));
		n++;
	}
	sqlite3_finalize(stmt);
	ck_assert_uint_eq(n, o.deleted.n);
	/* read-only and hardened like open_sqlite's */
	ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM messages", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_uint_eq(stub_host_open_databases(host), 1);
	api->close_sqlite(host, db);
	ck_assert_uint_eq(stub_host_open_databases(host), 0);
	stub_host_free(host);
	outcome_free(&o);
}
END_TEST

START_TEST(host_api_refuses_what_is_not_a_database)
{
	const exhibit_host_api *api = stub_host_api();
	static const char text[] = "just some text, not a database at all";
	exhibit_host *host = stub_host_new(text, sizeof text, "/x.txt");
	sqlite3 *db = (sqlite3 *)host;

	ck_assert_int_eq(api->open_sqlite_recovered(host, &db), EXHIBIT_ERR_FORMAT);
	ck_assert_ptr_null(db);
	ck_assert_uint_eq(stub_host_error_count(host), 1);
	ck_assert_int_eq(stub_host_error(host, 0)->offset, 0);
	ck_assert_ptr_nonnull(strstr(stub_host_error(host, 0)->message, "SQLite"));
	stub_host_free(host);
}
END_TEST

START_TEST(host_api_serves_a_database_of_no_rowid_table)
{
	const exhibit_host_api *api = stub_host_api();
	sqlite3 *src, *db = NULL;
	sqlite3_stmt *stmt;
	sqlite3_int64 size = 0;
	unsigned char *image;
	exhibit_host *host;

	/* only a WITHOUT ROWID table: nothing to lay out, an empty database */
	ck_assert_int_eq(sqlite3_open(":memory:", &src), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(src, "CREATE TABLE t (a TEXT PRIMARY KEY, b) WITHOUT ROWID;"
	                              "INSERT INTO t VALUES ('k', 'v');", NULL, NULL, NULL),
	                 SQLITE_OK);
	image = sqlite3_serialize(src, "main", &size, 0);
	ck_assert_ptr_nonnull(image);
	sqlite3_close(src);
	host = stub_host_new(image, (size_t)size, "/data/app/norowid.db");
	ck_assert_int_eq(api->open_sqlite_recovered(host, &db), EXHIBIT_OK);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &stmt,
	                                    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(stmt, 0), 0);
	sqlite3_finalize(stmt);
	api->close_sqlite(host, db);
	ck_assert_uint_eq(stub_host_error_count(host), 0);
	stub_host_free(host);
	sqlite3_free(image);
}
END_TEST

START_TEST(hostile_names_get_their_tables)
{
	fixture f;
	fixture_bytes bytes;
	exhibit_host *host;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	const exhibit_host_api *api = stub_host_api();

	fixture_open(&f);
	fixture_exec(&f, "PRAGMA secure_delete = OFF;"
	                 "CREATE TABLE \"we\"\"ird\"([a b] INTEGER PRIMARY KEY, `c\"d` TEXT, 'e' TEXT);"
	                 "CREATE TABLE clash(id INTEGER PRIMARY KEY, _origin TEXT, x TEXT);"
	                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	                 " WHERE i < 100) INSERT INTO \"we\"\"ird\"(`c\"d`, e)"
	                 " SELECT 'name ' || i, 'text number ' || i FROM n;"
	                 "DELETE FROM \"we\"\"ird\" WHERE [a b] % 2 = 0;");
	bytes = fixture_read(&f, "");
	fixture_close(&f);
	host = stub_host_new(bytes.data, bytes.len, "/w.db");
	ck_assert_int_eq(api->open_sqlite_recovered(host, &db), EXHIBIT_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT \"c\"\"d\")"
	                                    " FROM \"we\"\"ird\" WHERE e LIKE 'text number %'",
	                                    -1, &stmt, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	ck_assert_int_ge(sqlite3_column_int(stmt, 0), 40);
	ck_assert_int_eq(sqlite3_column_int(stmt, 0), sqlite3_column_int(stmt, 1));
	sqlite3_finalize(stmt);
	/* a table whose columns clash with ours is left out, and said so */
	ck_assert_int_ne(sqlite3_prepare_v2(db, "SELECT * FROM clash", -1, &stmt, NULL),
	                 SQLITE_OK);
	ck_assert_uint_ge(stub_host_error_count(host), 1);
	api->close_sqlite(host, db);
	stub_host_free(host);
	fixture_bytes_free(&bytes);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *recover_suite(void)
{
	Suite *s = suite_create("sqlite_recover");
	TCase *modes = tcase_create("modes"), *shapes = tcase_create("shapes"),
	      *api = tcase_create("host_api");

	tcase_set_timeout(modes, 60);
	tcase_set_timeout(shapes, 60);
	tcase_set_timeout(api, 60);
	tcase_add_test(modes, rollback_deleted_rows_come_back);
	tcase_add_test(modes, secure_delete_leaves_nothing_to_invent);
	tcase_add_test(modes, wal_not_checkpointed);
	tcase_add_test(modes, wal_left_out_shows_nothing_false);
	tcase_add_test(modes, wal_after_checkpoint);
	tcase_add_test(modes, wal_truncated_by_checkpoint);
	tcase_add_test(modes, persisted_journal_keeps_the_old_pages);
	tcase_add_test(modes, wal_replaces_pages_of_the_database_file);
	tcase_add_test(modes, wal_frames_of_an_earlier_generation);
	tcase_add_test(modes, wal_frames_never_committed);
	tcase_add_test(shapes, freelist_pages_are_read);
	tcase_add_test(shapes, overflowing_bodies);
	tcase_add_test(shapes, utf16le_database);
	tcase_add_test(shapes, utf16be_database);
	tcase_add_test(shapes, page_size_512);
	tcase_add_test(shapes, page_size_65536);
	tcase_add_test(shapes, rows_older_than_an_added_column);
	tcase_add_test(shapes, a_cell_freed_into_its_neighbour_is_rebuilt);
	tcase_add_test(shapes, a_hostile_page_cannot_hold_recovery_up);
	tcase_add_test(api, host_api_serves_recovered_rows_as_sql);
	tcase_add_test(api, host_api_refuses_what_is_not_a_database);
	tcase_add_test(api, hostile_names_get_their_tables);
	tcase_add_test(api, host_api_serves_a_database_of_no_rowid_table);
	suite_add_tcase(s, modes);
	suite_add_tcase(s, shapes);
	suite_add_tcase(s, api);
	return s;
}

int main(void)
{
	return check_run_suite(recover_suite());
}

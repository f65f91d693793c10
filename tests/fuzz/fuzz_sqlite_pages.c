/*
 * fuzz_sqlite_pages.c — libFuzzer target: bytes as an SQLite database
 * through the page-level reader and deleted-row recovery (core/sqlite_*),
 * and what it recovers through recovered_db into a hardened database.
 *
 * Built twice.  fuzz_sqlite_pages reads the input as the database file
 * alone.  fuzz_sqlite_wal (-DFUZZ_WITH_COMPANION) reads it as a pair:
 * byte 0 says whether the companion is a WAL (even) or a rollback journal
 * (odd), bytes 1-2 (little-endian) how many of the rest are the database;
 * the remainder is the companion file.
 *
 * Beyond "no crash, no leak, no sanitizer report", every input must keep
 * the engine's promises:
 *   - sqlite_recover returns 0 or an EXHIBIT_ERR_* code;
 *   - every recovered row names a user table of the schema, its text is
 *     NUL-terminated at its length, its origin offset lies inside the file
 *     its origin names;
 *   - a short time limit (1 s) keeps every input fast, so a hang is a
 *     finding;
 *   - when recovery succeeds, recovered_db opens and every recovered
 *     table holds exactly the rows recovery kept for it (or was left out
 *     and said so);
 *   - the live image the host serves a database paired with its WAL or
 *     journal (sqlite_sidecar.h) is whole pages, within its limit, or
 *     refused with an EXHIBIT_ERR_* code; SQLite opens it or says why.
 *
 * Run (seeds are never written to):
 *   tests/fuzz/run.sh SRCDIR 60   (from a build configured with
 *   CC=clang --enable-fuzzers)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "exhibit/plugin.h"
#include "recovered_db.h"
#include "sqlite_recover.h"
#include "sqlite_sidecar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void split_input(const uint8_t *data, size_t size, sqlite_db_files *files)
{
	memset(files, 0, sizeof *files);
#ifdef FUZZ_WITH_COMPANION
	if (size >= 3) {
		size_t main_len = (size_t)(data[1] | data[2] << 8);
		size_t rest = size - 3;

		if (main_len > rest)
			main_len = rest;
		files->main = data + 3;
		files->main_len = main_len;
		if (data[0] & 1) {
			files->journal = data + 3 + main_len;
			files->journal_len = rest - main_len;
		} else {
			files->wal = data + 3 + main_len;
			files->wal_len = rest - main_len;
		}
		return;
	}
#endif
	files->main = data;
	files->main_len = size;
}

static size_t file_len(const sqlite_db_files *files, sqlite_file_kind kind)
{
	return kind == SQLITE_FILE_WAL ? files->wal_len
	       : kind == SQLITE_FILE_JOURNAL ? files->journal_len : files->main_len;
}

static void check_rows(const sqlite_recovery *rec, const sqlite_db_files *files)
{
	size_t i, k;

	if (rec->problems.n > SQLITE_PROBLEMS_KEPT)
		abort();
	for (i = 0; i < rec->n_rows; i++) {
		const sqlite_recovered_row *r = &rec->rows[i];
		const sqlite_table *t;

		if (r->table >= rec->schema.n_tables)
			abort();
		t = &rec->schema.tables[r->table];
		if (t->internal || r->origin.offset >= file_len(files, r->origin.file))
			abort();
		for (k = 0; k < t->n_columns; k++) {
			const sqlite_recovered_value *v = &r->values[k];

			if (v->kind == SQLITE_VALUE_TEXT && (!v->bytes || v->bytes[v->len] != '\0'))
				abort();
		}
	}
}

/* Rows per table in the recovered database must match the recovery. */
static void check_database(sqlite_recovery *rec)
{
	untrusted_sqlite_budget budget = { 250, 1000 };
	exhibit_error err;
	sqlite3 *db = NULL;
	size_t t, i;

	exhibit_error_clear(&err);
	if (recovered_db_open(rec, &budget, &db, &err) != 0)
		return; /* reported in err: a table SQLite refuses, a limit */
	for (t = 0; t < rec->schema.n_tables; t++) {
		sqlite3_stmt *stmt = NULL;
		char *sql;
		size_t expected = 0;

		if (rec->schema.tables[t].internal)
			continue;
		for (i = 0; i < rec->n_rows; i++)
			expected += rec->rows[i].table == t;
		sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE 1",
		                      rec->schema.tables[t].name);
		if (sql && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
		    sqlite3_step(stmt) == SQLITE_ROW &&
		    (size_t)sqlite3_column_int64(stmt, 0) != expected)
			abort();
		sqlite3_finalize(stmt);
		sqlite3_free(sql);
	}
	untrusted_sqlite_close(db);
}

/* The image the host would serve, opened as the host opens it. */
static void check_live_image(const sqlite_db_files *files)
{
	untrusted_sqlite_budget budget = { 250, 1000 };
	const size_t max_len = (size_t)4 << 20;
	exhibit_error err;
	uint8_t *image = NULL;
	size_t len = 0;
	sqlite3 *db = NULL;
	int rc;

	exhibit_error_clear(&err);
	rc = sqlite_live_image(files, max_len, &image, &len, &err);
	if (rc != 0) {
		if (image || (rc != EXHIBIT_ERR_FORMAT && rc != EXHIBIT_ERR_LIMIT &&
		              rc != EXHIBIT_ERR))
			abort();
		return;
	}
	if (!image || !len || len > max_len || len % 512)
		abort();
	if (untrusted_sqlite_open_budget(image, len, &budget, &db, &err) == 0)
		untrusted_sqlite_close(db);
	free(image);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sqlite_recover_limits limits = { 10000, 16 << 20, 1000 };
	sqlite_recovery *rec = NULL;
	sqlite_db_files files;
	exhibit_error err;
	int rc;

	split_input(data, size, &files);
	check_live_image(&files);
	exhibit_error_clear(&err);
	rc = sqlite_recover(&files, &limits, &rec, &err);
	if (rc != 0) {
		if (rec || (rc != EXHIBIT_ERR_FORMAT && rc != EXHIBIT_ERR))
			abort();
		return 0;
	}
	check_rows(rec, &files);
	check_database(rec);
	sqlite_recovery_free(rec);
	return 0;
}

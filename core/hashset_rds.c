/*
 * hashset_rds.c — NSRL RDS v3, the SQLite distribution of the NSRL.
 *
 * Its FILE table holds one row per file of every package (NIST's
 * schema.sql):
 *
 *   FILE(sha256, sha1, md5, crc32, file_name, file_size, package_id)
 *   with the primary key (sha256, sha1, md5, crc32, file_name, file_size,
 *   package_id)
 *
 * digests as upper-case hex text.  The same content appears once per
 * package that ships it (the full set has several times more rows than
 * distinct digests), so rows are read in primary-key order, through that
 * key's index, and consecutive rows with the same three digests become one
 * entry.  When the database has no such index the rows are read in table
 * order instead (SQLite would otherwise sort the whole table first).
 *
 * The databases are many gigabytes: they are opened read-only and
 * immutable through untrusted_sqlite (never copied, never loaded), with
 * a time budget long enough for the largest of them, and read row by row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "hashset_input.h"

#define ORDERED_QUERY "SELECT sha256, sha1, md5, file_size, file_name FROM FILE " \
                      "ORDER BY sha256, sha1, md5"
#define TABLE_ORDER_QUERY "SELECT sha256, sha1, md5, file_size, file_name FROM FILE"

/* has_file_table — FILE exists with the three digest columns. */
static int has_file_table(sqlite3 *db)
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('FILE')", -1, &s,
	                       NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(s, 0);

		if (col && (!sqlite3_stricmp(col, "sha256") || !sqlite3_stricmp(col, "sha1") ||
		            !sqlite3_stricmp(col, "md5")))
			found++;
	}
	sqlite3_finalize(s);
	return found == 3;
}

/* ordered_is_cheap — SQLite can read FILE in digest order from an index,
 * without sorting the table itself. */
static int ordered_is_cheap(sqlite3 *db)
{
	sqlite3_stmt *s;
	int sorts = 1;

	if (sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN " ORDERED_QUERY, -1, &s, NULL) != SQLITE_OK)
		return 0;
	sorts = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *detail = (const char *)sqlite3_column_text(s, 3);
		if (detail && strstr(detail, "TEMP B-TREE"))
			sorts = 1;
	}
	sqlite3_finalize(s);
	return !sorts;
}

typedef struct rds_row {
	const unsigned char *hex[3];   /* sha256, sha1, md5 */
	int len[3];
} rds_row;

static int same_digests(const rds_row *a, const rds_row *b)
{
	for (int i = 0; i < 3; i++)
		if (a->len[i] != b->len[i] || memcmp(a->hex[i], b->hex[i], (size_t)a->len[i]))
			return 0;
	return 1;
}

/* take — the digests of a row into e; -1 with *why when one is malformed. */
static int take(const rds_row *r, hashset_entry *e, const char **why)
{
	static const size_t want[3] = { 2 * SHA256_LEN, 2 * SHA1_LEN, 2 * MD5_LEN };
	static const char *const names[3] = { "sha256", "sha1", "md5" };

	for (int i = 0; i < 3; i++) {
		if (r->len[i] == 0)
			continue;
		if ((size_t)r->len[i] != want[i] ||
		    hs_set_digest(e, (const char *)r->hex[i], want[i]) < 0) {
			*why = names[i];
			return -1;
		}
	}
	if (!e->have) {
		*why = "every digest";
		return -1;
	}
	return 0;
}

typedef struct rds_reader {
	hs_input *in;
	uint64_t row_no;
	unsigned char *prev;           /* the previous row's digests, hex */
	rds_row prev_row;
} rds_reader;

static void remember(rds_reader *r, const rds_row *row)
{
	size_t off = 0;

	for (int i = 0; i < 3; i++) {
		size_t n = row->len[i] > 64 ? 64 : (size_t)row->len[i];
		memcpy(r->prev + off, row->hex[i], n);
		r->prev_row.hex[i] = r->prev + off;
		r->prev_row.len[i] = (int)n;
		off += 64;
	}
}

static int one_row(rds_reader *r, sqlite3_stmt *s, int *have_prev)
{
	hashset_entry e;
	rds_row row;
	const char *why = NULL;
	char *name;
	int rc;

	for (int i = 0; i < 3; i++) {
		row.hex[i] = sqlite3_column_text(s, i);
		row.len[i] = row.hex[i] ? sqlite3_column_bytes(s, i) : 0;
	}
	r->row_no++;
	if (*have_prev && same_digests(&row, &r->prev_row))
		return 0; /* the same content in another package */
	hs_entry_init(&e);
	if (take(&row, &e, &why) < 0) {
		hs_problem(r->in, 0, 0, 1, "FILE row %llu: %s is not a valid digest",
		           (unsigned long long)r->row_no, why);
		return 0;
	}
	remember(r, &row);
	*have_prev = 1;
	if (sqlite3_column_type(s, 3) == SQLITE_INTEGER)
		e.size = sqlite3_column_int64(s, 3);
	name = sqlite3_column_text(s, 4) ? strdup((const char *)sqlite3_column_text(s, 4)) : NULL;
	e.name = name;
	rc = hs_emit(r->in, &e, 0, 0);
	free(name);
	return rc;
}

static int read_rows(hs_input *in, sqlite3 *db, const char *sql)
{
	rds_reader r = { in, 0, malloc(3 * 64), { { NULL, NULL, NULL }, { 0, 0, 0 } } };
	sqlite3_stmt *s;
	int have_prev = 0, rc = 0, step;

	if (!r.prev)
		return exhibit_error_set(in->err, EXHIBIT_ERR, -1, "out of memory");
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		free(r.prev);
		return exhibit_error_set(in->err, EXHIBIT_ERR_FORMAT, 0, "%s: cannot read the FILE "
		                         "table: %s", in->name, sqlite3_errmsg(db));
	}
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = one_row(&r, s, &have_prev)) != 0)
			break;
	if (rc == 0 && step != SQLITE_DONE) {
		/* A damaged page: what was read stays, the rest is reported. */
		hs_problem(in, 0, 0, 1, "FILE row %llu onwards cannot be read: %s",
		           (unsigned long long)r.row_no + 1, sqlite3_errmsg(db));
	}
	sqlite3_finalize(s);
	free(r.prev);
	return rc;
}

int hs_read_rds3(hs_input *in, sqlite3 *db)
{
	if (!has_file_table(db))
		return exhibit_error_set(in->err, EXHIBIT_ERR_FORMAT, 0,
		                         "%s: an SQLite database, but not NSRL RDS v3: no FILE table "
		                         "with sha256, sha1 and md5 columns", in->name);
	return read_rows(in, db, ordered_is_cheap(db) ? ORDERED_QUERY : TABLE_ORDER_QUERY);
}

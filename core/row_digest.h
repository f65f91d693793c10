/*
 * row_digest.h — a SHA-256 for every row of the case, from its values.
 *
 * Custody covers rows, not files: whatever edits, deletes or adds a row
 * of the case database afterwards must be detectable, and named.  This
 * module defines the canonical encoding of a row (each value tagged with
 * its storage class and length-prefixed, so 1, 1.0, '1' and x'01' all
 * differ), registers it as SQL functions on a connection, and lists the
 * tables custody covers with the SELECT that digests each.
 *
 *   exhibit_row_key(v1, ...)           the canonical key of a row: its
 *                                      rowid, or its PRIMARY KEY values
 *                                      for WITHOUT ROWID tables
 *   exhibit_row_digest(tbl, key, ...)  SHA-256 over "exhibit-row-v1",
 *                                      the table name, the key and every
 *                                      column in declared order
 *
 * Covered: every ordinary table except SQLite's internal ones and the
 * custody log's own bookkeeping (custody_entries, custody_rows,
 * custody_blobs, custody_open; custody_keys and custody_timestamps are
 * covered), plus the schema itself (as the
 * pseudo-table "sqlite_schema", keyed by type and name, without rootpage,
 * which VACUUM changes).
 */
#ifndef EXHIBIT_ROW_DIGEST_H
#define EXHIBIT_ROW_DIGEST_H

#include <sqlite3.h>
#include <stddef.h>

#include "error.h"

#define ROW_DIGEST_SCHEMA_TABLE "sqlite_schema"

/* row_digest_register — define the two SQL functions on db. */
int row_digest_register(sqlite3 *db, exhibit_error *err);

typedef struct covered_table {
	char *name;
	char *select_sql;  /* SELECT row_key, digest FROM the table */
	char **key_columns; /* NULL-terminated; NULL for rowid tables */
} covered_table;

/*
 * row_digest_covered_tables — every table custody covers, sorted by name,
 * the schema pseudo-table included.  Free with row_digest_free_tables.
 * RETURN the number of tables, or negative with err set.
 */
int row_digest_covered_tables(sqlite3 *db, covered_table **tables, exhibit_error *err);
void row_digest_free_tables(covered_table *tables, int n);

/* row_digest_is_covered — 1 when custody covers rows of a table so named. */
int row_digest_is_covered(const char *table);

/*
 * row_digest_describe_key — a row key blob as text for people: "rowid 42",
 * or "file_id=42, seq=0" given the key columns.  Malloc'd.
 */
char *row_digest_describe_key(const void *key, size_t len, char *const *key_columns);

#endif

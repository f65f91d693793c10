/*
 * sqlite_fixtures.h — SQLite databases built at test time, as files, so
 * that their WAL and rollback journal can be caught in any state: a
 * scratch directory per fixture, one open connection, snapshots of the
 * database, "-wal" and "-journal" bytes as they stand on disk, and the
 * record bytes SQLite writes for a row (to tell whether a deleted row's
 * bytes are still present).
 *
 * Everything is deterministic except what SQLite randomises itself (WAL
 * salts, journal nonces).  Failures abort the test through Check.
 */
#ifndef EXHIBIT_SQLITE_FIXTURES_H
#define EXHIBIT_SQLITE_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

typedef struct fixture_bytes {
	unsigned char *data; /* NULL when the file does not exist */
	size_t len;
} fixture_bytes;

typedef struct fixture {
	char dir[64];
	char path[96];
	sqlite3 *db;
} fixture;

/* fixture_open — a new empty database file with its own connection. */
void fixture_open(fixture *f);

/* fixture_exec — run SQL on the fixture's connection (must succeed). */
void fixture_exec(fixture *f, const char *sql);

/* fixture_read — the bytes of the database ("") or of a companion file
 * ("-wal", "-journal") as they are now. */
fixture_bytes fixture_read(const fixture *f, const char *suffix);

/* fixture_close — close the connection (SQLite may checkpoint) and remove
 * the files. */
void fixture_close(fixture *f);

void fixture_bytes_free(fixture_bytes *b);

/* One row as SQLite returns it, kept for comparing. */
typedef struct fixture_row {
	int n;
	sqlite3_value **values;
	int64_t rowid;
} fixture_row;

typedef struct fixture_rows {
	fixture_row *rows;
	size_t n;
} fixture_rows;

/* fixture_select — every row of a query (the last column must be the
 * rowid, kept apart; the others are the values compared). */
fixture_rows fixture_select(sqlite3 *db, const char *sql);
void fixture_rows_free(fixture_rows *rows);

/* Whether two values are identical in type and content. */
bool fixture_value_equal(sqlite3_value *a, sqlite3_value *b);

/*
 * fixture_record — the record SQLite writes for row (values in table
 * column order; alias is the index of the INTEGER PRIMARY KEY column, or
 * -1), text in the given encoding (1 UTF-8, 2 UTF-16le, 3 UTF-16be).
 */
fixture_bytes fixture_record(const fixture_row *row, int alias, int encoding);

/*
 * fixture_record_present — whether the bytes of a record are still in
 * the files: its local part but the first two bytes (a freeblock header
 * may overwrite those), and each overflow chunk, split as SQLite splits a
 * table leaf payload for the given usable page size.
 */
bool fixture_record_present(const fixture_bytes *record, uint32_t usable,
                            const fixture_bytes *files, size_t n_files);

#endif

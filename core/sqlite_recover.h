/*
 * sqlite_recover.h — recover the deleted (and overwritten, and never
 * committed) rows of an SQLite database, its WAL and its rollback journal,
 * for every table its live schema declares.
 *
 * What it reads (see sqlite_pages.h for which page version is live):
 *
 *   live table pages        their freeblocks and unallocated gap;
 *   live free pages         whole: freelist leaves (cells and free space
 *                           of the b-tree page they used to be), freelist
 *                           trunks (past their list of leaves), and pages
 *                           no structure claims at all;
 *   dead page versions      whole, unless identical to the live version:
 *                           WAL frames that are superseded, uncommitted or
 *                           outside the checksum chain, the main file's
 *                           copy of a page the WAL or a hot journal
 *                           replaces, journal records of a finished
 *                           transaction, main-file pages past the end;
 *
 * and never index pages, overflow pages, pointer-map pages or the lock
 * page, whose bytes are not table records.  Each candidate record is
 * matched to a table by sqlite_carve.h's rules, and then:
 *
 *   - records of SQLite's own tables are dropped;
 *   - a record identical to a live row is dropped: same table, same rowid
 *     and values when its rowid survived, same values when it did not;
 *   - of several copies of one deleted row, one is kept: for each rowid
 *     the first found, and copies whose rowid was lost only when no copy
 *     kept it.  "First" is the order of the files (main, WAL by frame,
 *     journal by record) and of offsets within them, so the result does
 *     not depend on anything but the bytes.
 *
 * Values a record is too short to hold (ALTER TABLE ADD COLUMN) take the
 * column's literal DEFAULT, else NULL, as SQLite returns them; the rowid
 * alias column takes the rowid when it survived.  Text is UTF-8.
 *
 * Bounds: at most max_rows rows and max_bytes bytes of values are kept,
 * and carving stops after max_ms milliseconds; reaching a limit is
 * reported as a problem and what was found so far is returned.
 *
 * The WAL and journal come from the caller (sqlite_db_files): pairing a
 * database with the "-wal" or "-journal" file found beside it is one
 * call, sqlite_recover() with those bytes filled in.
 */
#ifndef EXHIBIT_SQLITE_RECOVER_H
#define EXHIBIT_SQLITE_RECOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sqlite_carve.h"
#include "sqlite_pages.h"
#include "sqlite_problems.h"
#include "sqlite_schema.h"

/* Where a recovered row was found.  The kind is the first word of the
 * _origin text the recovered database carries (see plugin.h). */
typedef enum sqlite_origin_kind {
	SQLITE_ORIGIN_FREEBLOCK = 0, /* a freeblock of a live page */
	SQLITE_ORIGIN_UNALLOCATED,   /* the gap of a live page, or a page no
	                                structure claims, in the main file */
	SQLITE_ORIGIN_FREELIST,      /* a page on the live freelist */
	SQLITE_ORIGIN_SUPERSEDED,    /* a main-file page the WAL or a hot
	                                journal replaces */
	SQLITE_ORIGIN_WAL,           /* a WAL frame (state in frame_state) */
	SQLITE_ORIGIN_JOURNAL        /* a rollback journal record */
} sqlite_origin_kind;

typedef struct sqlite_origin {
	sqlite_origin_kind kind;
	sqlite_file_kind file;       /* the file offset is in */
	uint64_t offset;             /* where the cell (or record) starts */
	uint32_t pgno;
	uint32_t index;              /* WAL frame / journal record number */
	sqlite_wal_frame_state frame_state;
	sqlite_region region;        /* where in the page */
	sqlite_carve_how how;
} sqlite_origin;

typedef struct sqlite_recovered_value {
	sqlite_value_kind kind;
	int64_t i;
	double r;
	char *bytes;                 /* TEXT: UTF-8, NUL-terminated; BLOB */
	size_t len;
} sqlite_recovered_value;

typedef struct sqlite_recovered_row {
	size_t table;                /* index into the schema's tables */
	sqlite_origin origin;
	bool has_rowid;
	int64_t rowid;
	sqlite_recovered_value *values; /* one per column of the table */
} sqlite_recovered_row;

typedef struct sqlite_recover_stats {
	uint64_t live_rows;          /* rows of the live tables */
	uint64_t versions_read;      /* page versions carved */
	uint64_t candidates;         /* records found before dropping */
	uint64_t dropped_internal;
	uint64_t dropped_live;
	uint64_t dropped_duplicate;
	bool stopped;                /* a limit stopped recovery early */
} sqlite_recover_stats;

typedef struct sqlite_recovery {
	sqlite_schema schema;
	sqlite_recovered_row *rows;
	size_t n_rows;
	int encoding;
	sqlite_problems problems;    /* the reader's and recovery's own */
	sqlite_recover_stats stats;
} sqlite_recovery;

typedef struct sqlite_recover_limits {
	size_t max_rows;             /* 0: SQLITE_RECOVER_MAX_ROWS */
	uint64_t max_bytes;          /* 0: SQLITE_RECOVER_MAX_BYTES */
	unsigned max_ms;             /* 0: SQLITE_RECOVER_MAX_MS */
} sqlite_recover_limits;

#define SQLITE_RECOVER_MAX_ROWS ((size_t)1000000)
#define SQLITE_RECOVER_MAX_BYTES ((uint64_t)256 << 20)
#define SQLITE_RECOVER_MAX_MS 60000u

/*
 * sqlite_recover — recover what the files hold (limits may be NULL).
 * RETURN: 0 with *out set (free with sqlite_recovery_free), or
 * EXHIBIT_ERR_FORMAT when the files are not an SQLite database (err names
 * the offset), EXHIBIT_ERR when out of memory.
 */
int sqlite_recover(const sqlite_db_files *files,
                   const sqlite_recover_limits *limits, sqlite_recovery **out,
                   exhibit_error *err);
void sqlite_recovery_free(sqlite_recovery *r);

/*
 * sqlite_origin_format — the _origin text of a row: its kind, then where,
 * e.g. "freeblock page 4", "wal frame 12 superseded page 4 cell".
 * RETURN: the length written (snprintf's).
 */
int sqlite_origin_format(const sqlite_origin *o, char *buf, size_t len);

#endif

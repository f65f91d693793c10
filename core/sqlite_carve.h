/*
 * sqlite_carve.h — find the records of known tables in the dead bytes of
 * an SQLite database: cells of dead page versions, freeblocks, the
 * unallocated gap of a page, whole free pages.
 *
 * What a deleted cell looks like depends on how it died.  A cell is
 * payload length (varint), rowid (varint), record (header length varint,
 * one serial type per stored column, values), and a 4-byte overflow page
 * number when the payload spills.  When SQLite frees a cell in the middle
 * of a page it writes a freeblock header (next freeblock, size: 4 bytes)
 * over the cell's first 4 bytes, unless the cell joins the freeblock just
 * before it; when it frees the cell at the start of the content area it
 * only moves that start, leaving the cell whole in the unallocated gap.
 * So this module looks, at every byte of a dead region, for
 *
 *   INTACT   a whole cell: payload length and rowid (kept), record;
 *   RECORD   a whole record whose cell prefix is gone (rowid lost);
 *   REBUILT  at a freeblock start (a real one, one right after a record
 *            just recovered in the same block, or a stale freeblock header
 *            left in unallocated space): the cell whose first 4 bytes the
 *            freeblock header replaced.  If payload length and rowid took
 *            4 bytes or more the record is whole; with 3 the header-length
 *            byte is gone and is rebuilt from the table's column count;
 *            with 2 the first serial type is gone too, and is rebuilt only
 *            when the first stored column is the INTEGER PRIMARY KEY (its
 *            serial type is always 0): otherwise the value is lost and the
 *            record is not reported, never guessed;
 *
 * and in a dead page that still has its b-tree header, each cell its
 * cell pointers name (CELL, rowid kept).
 *
 * A byte run is a record of table T only if it holds together: minimal
 * varints, a header length equal to the header, no reserved serial types,
 * a field count T can have (all its stored columns, or fewer after ALTER
 * TABLE ADD COLUMN, but never fewer than its NOT NULL columns without a
 * default), every serial type possible under the column's declared
 * affinity, NULL for the rowid alias, no NULL in a NOT NULL column,
 * integers stored at the size SQLite would choose, no NaN, text well
 * formed in the database's encoding, and values that end exactly where
 * the payload does, inside the region (an overflow chain is followed
 * through the pages as they stood for that page version).  Free-space
 * carving applies all of these; cells found through cell pointers, whose
 * framing the page vouches for, are held only to the affinities.  When
 * several tables fit, the one with all its stored columns matched wins,
 * then the table the page belongs to (the hint), then the first declared.
 * A rebuilt header is tried only for the page's table when it is known,
 * and SQLite's own tables (sqlite_schema, sqlite_sequence) are matched
 * only on their own pages: their loosely typed rows would otherwise
 * swallow noise and real rows alike.
 *
 * Candidates are handed to a callback with values pointing into the page
 * or a scratch buffer, valid during the call only.  Nothing is allocated
 * per byte scanned; work is linear in the bytes scanned times the widest
 * table, and bounded in time by a deadline.
 */
#ifndef EXHIBIT_SQLITE_CARVE_H
#define EXHIBIT_SQLITE_CARVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sqlite_btree.h"
#include "sqlite_pages.h"
#include "sqlite_record.h"
#include "sqlite_schema.h"

typedef enum sqlite_carve_how {
	SQLITE_CARVE_CELL = 0, /* a cell a dead page's cell pointer names */
	SQLITE_CARVE_INTACT,   /* a whole cell in free space */
	SQLITE_CARVE_RECORD,   /* a whole record, its cell prefix gone */
	SQLITE_CARVE_REBUILT   /* a record under a freeblock header */
} sqlite_carve_how;

/* Where in its page a candidate was found. */
typedef enum sqlite_region {
	SQLITE_REGION_CELL = 0,    /* named by a cell pointer */
	SQLITE_REGION_FREEBLOCK,
	SQLITE_REGION_UNALLOCATED, /* the gap between pointers and content */
	SQLITE_REGION_PAGE         /* a page with no b-tree header */
} sqlite_region;

typedef struct sqlite_candidate {
	size_t table;              /* index into the schema's tables */
	const sqlite_page *page;
	uint32_t cell_offset;      /* where the cell (or record) starts */
	sqlite_carve_how how;
	sqlite_region region;
	bool has_rowid;
	int64_t rowid;
	size_t n_values;           /* record fields, <= the table's n_stored */
	const sqlite_value *values;
} sqlite_candidate;

/* RETURN nonzero to stop carving. */
typedef int (*sqlite_candidate_fn)(void *arg, const sqlite_candidate *c);

typedef struct sqlite_carver sqlite_carver;

/* sqlite_carver_new — a carver for the schema's tables; NULL when out of
 * memory.  db and schema must outlive it. */
sqlite_carver *sqlite_carver_new(sqlite_db *db, const sqlite_schema *schema,
                                 sqlite_candidate_fn found, void *arg);
void sqlite_carver_free(sqlite_carver *c);

/*
 * sqlite_carver_set_deadline — stop scanning once CLOCK_MONOTONIC passes
 * deadline_ns (0: never).  A hostile page can make every byte look worth
 * a try; the scans then return early and sqlite_carver_timed_out says so.
 */
void sqlite_carver_set_deadline(sqlite_carver *c, int64_t deadline_ns);
bool sqlite_carver_timed_out(const sqlite_carver *c);

/*
 * sqlite_carve_cells — every cell of a dead table leaf page, matched to a
 * table (hint: the table the page belongs to, or SIZE_MAX).
 * RETURN: 0, or the callback's nonzero return.
 */
int sqlite_carve_cells(sqlite_carver *c, const sqlite_page *page,
                       const sqlite_btree_page *bp, size_t hint);

/*
 * sqlite_carve_region — scan page bytes [start, end) of the given region
 * kind.  For SQLITE_REGION_FREEBLOCK, [start, end) is exactly one
 * freeblock and its first 4 bytes are its header.
 * RETURN: 0, or the callback's nonzero return.
 */
int sqlite_carve_region(sqlite_carver *c, const sqlite_page *page,
                        uint32_t start, uint32_t end, sqlite_region region,
                        size_t hint);

#endif

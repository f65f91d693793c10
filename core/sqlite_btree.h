/*
 * sqlite_btree.h — b-tree pages of an SQLite database read from untrusted
 * bytes: page headers, cells, payloads with their overflow chains, the
 * freeblocks and unallocated gap of a page, and walks over whole trees.
 *
 * Every offset taken from a page is checked against the page's usable
 * size before it is followed; an overflow chain stops at a page it has
 * already visited, at a page out of range, and after as many pages as its
 * payload needs; a tree walk marks every page it enters in a bitmap the
 * caller owns, so a page reached twice (a loop, or two trees sharing a
 * page) is reported and not entered again, and no walk visits more pages
 * than the database has.  Problems go to the database's problem list
 * (sqlite_pages.h) with their file and offset.
 *
 * Reference: "Database File Format", section 1.6 ("B-tree Pages").
 */
#ifndef EXHIBIT_SQLITE_BTREE_H
#define EXHIBIT_SQLITE_BTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sqlite_pages.h"

/* Page types (the first byte of the b-tree page header). */
enum {
	SQLITE_BTREE_INDEX_INTERIOR = 0x02,
	SQLITE_BTREE_TABLE_INTERIOR = 0x05,
	SQLITE_BTREE_INDEX_LEAF = 0x0a,
	SQLITE_BTREE_TABLE_LEAF = 0x0d
};

/* The largest payload read here (SQLite's own default limit is 1e9). */
#define SQLITE_BTREE_MAX_PAYLOAD ((uint64_t)64 << 20)

typedef struct sqlite_btree_page {
	uint8_t type;
	uint32_t header;          /* offset of the b-tree header: 100 on page 1 */
	uint32_t first_freeblock; /* 0 when none */
	uint32_t n_cells;
	uint32_t content_start;   /* start of the cell content area */
	uint32_t fragmented;      /* fragmented free bytes */
	uint32_t right_child;     /* interior pages only */
	uint32_t cell_pointers;   /* offset of the cell pointer array */
	uint32_t usable;          /* the page's usable size */
} sqlite_btree_page;

/*
 * sqlite_btree_page_read — decode a page's b-tree header.
 * RETURN: true when it is a b-tree page whose header, cell pointer array
 * and content start fit its usable size; false otherwise (not a b-tree
 * page, or damaged: nothing is reported, the caller knows the context).
 */
bool sqlite_btree_page_read(const sqlite_page *page, uint32_t usable,
                            sqlite_btree_page *bp);

bool sqlite_btree_is_table(uint8_t type);
bool sqlite_btree_is_leaf(uint8_t type);

/*
 * sqlite_btree_cell_offset — the offset of cell i, or 0 when it points
 * outside the cell content area.
 */
uint32_t sqlite_btree_cell_offset(const sqlite_page *page,
                                  const sqlite_btree_page *bp, uint32_t i);

/* sqlite_local_payload — how much of a payload of len bytes a cell keeps
 * in its page (the rest goes to overflow pages). */
uint64_t sqlite_local_payload(uint32_t usable, uint64_t len, bool table_leaf);

/* One cell, payload assembled. */
typedef struct sqlite_cell {
	uint32_t offset;        /* in the page */
	uint32_t size;          /* bytes the cell takes in the page */
	uint32_t left_child;    /* interior pages */
	bool has_rowid;
	int64_t rowid;          /* table cells */
	uint64_t payload_len;
	uint64_t local_len;
	uint32_t first_overflow; /* 0 when the payload is all local */
	const uint8_t *payload; /* payload_len bytes (page or owned) */
	uint8_t *owned;         /* set when the payload was assembled */
} sqlite_cell;

/*
 * sqlite_overflow_read — copy `need` bytes of payload from the overflow
 * chain starting at page `first` into dst, taking each page as it stood
 * when `context` was current (sqlite_db_page_as_of).
 * RETURN: 0, or -1 when the chain is broken (a page out of range or
 * missing, or a page met twice); when report is true the break is noted
 * with the offset of the pointer that led to it.
 */
int sqlite_overflow_read(sqlite_db *db, const sqlite_page *context,
                         uint32_t first, uint8_t *dst, uint64_t need,
                         bool report);

/*
 * sqlite_cell_read — the cell at offset in a page of the given type, its
 * payload assembled from its overflow chain when it has one.  With report
 * true, damage is noted as a problem.
 * RETURN: 0 (release with sqlite_cell_release), or -1 when the cell runs
 * off the page, its payload is larger than SQLITE_BTREE_MAX_PAYLOAD, or
 * its overflow chain is broken.
 */
int sqlite_cell_read(sqlite_db *db, const sqlite_page *page,
                     const sqlite_btree_page *bp, uint32_t offset,
                     sqlite_cell *cell, bool report);
void sqlite_cell_release(sqlite_cell *cell);

/*
 * sqlite_btree_freeblocks — the freeblocks of a page, in chain order:
 * starts[i] and sizes[i] for up to max of them.  The chain must ascend
 * and stay inside the content area; where it does not, it is cut there
 * (and reported when report is true).
 * RETURN: the number of freeblocks stored.
 */
size_t sqlite_btree_freeblocks(sqlite_db *db, const sqlite_page *page,
                               const sqlite_btree_page *bp, uint32_t *starts,
                               uint32_t *sizes, size_t max, bool report);

/* The unallocated gap: from the end of the cell pointer array to the start
 * of the cell content area (empty when they cross). */
void sqlite_btree_gap(const sqlite_btree_page *bp, uint32_t *start,
                      uint32_t *end);

/*
 * A tree walk.  page() is called once for every page the walk enters
 * (interior and leaf), cell() for every cell with a payload (leaf cells,
 * and index interior cells) with its payload assembled, overflow() for
 * every overflow page a cell's payload was read from; any may be NULL.
 * A nonzero return from page() or cell() stops the walk.
 */
typedef struct sqlite_btree_visitor {
	int (*page)(void *arg, const sqlite_page *page, const sqlite_btree_page *bp);
	int (*cell)(void *arg, const sqlite_page *page, const sqlite_cell *cell);
	void (*overflow)(void *arg, uint32_t pgno);
	void *arg;
} sqlite_btree_visitor;

/*
 * sqlite_btree_walk — walk the live tree rooted at root.  seen is a
 * bitmap of (page count + 1) bits shared by every walk over the same
 * database.  The tree's pages must all be table pages or all index pages,
 * like its root; a page of the wrong kind, one already seen, a child out
 * of range and a tree deeper than SQLite ever builds are reported and not
 * entered.
 * RETURN: 0 when the whole tree was read, 1 when part of it was damaged
 * (reported), a visitor's nonzero return, or -1 when out of memory.
 */
int sqlite_btree_walk(sqlite_db *db, uint32_t root, uint8_t *seen,
                      const sqlite_btree_visitor *visitor);

#endif

/*
 * sqlite_btree.c — see sqlite_btree.h.
 */
#include "sqlite_btree.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite_record.h"

#define MAX_DEPTH 40 /* SQLite never builds a tree deeper than 20 */

bool sqlite_btree_is_table(uint8_t type)
{
	return type == SQLITE_BTREE_TABLE_LEAF || type == SQLITE_BTREE_TABLE_INTERIOR;
}

bool sqlite_btree_is_leaf(uint8_t type)
{
	return type == SQLITE_BTREE_TABLE_LEAF || type == SQLITE_BTREE_INDEX_LEAF;
}

static bool is_btree_type(uint8_t type)
{
	return type == SQLITE_BTREE_INDEX_INTERIOR ||
	       type == SQLITE_BTREE_TABLE_INTERIOR ||
	       type == SQLITE_BTREE_INDEX_LEAF || type == SQLITE_BTREE_TABLE_LEAF;
}

bool sqlite_btree_page_read(const sqlite_page *page, uint32_t usable,
                            sqlite_btree_page *bp)
{
	const uint8_t *h;
	uint32_t header_size;

	memset(bp, 0, sizeof *bp);
	bp->header = page->pgno == 1 ? SQLITE_HEADER_SIZE : 0;
	if (bp->header + 12 > usable)
		return false;
	h = page->data + bp->header;
	bp->type = h[0];
	if (!is_btree_type(bp->type))
		return false;
	header_size = sqlite_btree_is_leaf(bp->type) ? 8 : 12;
	bp->usable = usable;
	bp->first_freeblock = sqlite_get_be16(h + 1);
	bp->n_cells = sqlite_get_be16(h + 3);
	bp->content_start = sqlite_get_be16(h + 5);
	if (bp->content_start == 0)
		bp->content_start = 65536;
	bp->fragmented = h[7];
	bp->right_child = header_size == 12 ? sqlite_get_be32(h + 8) : 0;
	bp->cell_pointers = bp->header + header_size;
	return bp->content_start <= usable &&
	       bp->cell_pointers + 2 * bp->n_cells <= bp->content_start;
}

uint32_t sqlite_btree_cell_offset(const sqlite_page *page,
                                  const sqlite_btree_page *bp, uint32_t i)
{
	uint32_t at;

	if (i >= bp->n_cells)
		return 0;
	at = sqlite_get_be16(page->data + bp->cell_pointers + 2 * i);
	if (at < bp->cell_pointers + 2 * bp->n_cells || at >= bp->usable)
		return 0;
	return at;
}

uint64_t sqlite_local_payload(uint32_t usable, uint64_t len, bool table_leaf)
{
	uint64_t max_local = table_leaf ? usable - 35
	                                : ((uint64_t)usable - 12) * 64 / 255 - 23;
	uint64_t min_local = ((uint64_t)usable - 12) * 32 / 255 - 23;
	uint64_t k;

	if (len <= max_local)
		return len;
	k = min_local + (len - min_local) % (usable - 4);
	return k <= max_local ? k : min_local;
}

/* ---------------------------------------------------------------- overflow */

/* A small set of page numbers, to catch an overflow chain that cycles. */
typedef struct page_set {
	uint32_t *slots;
	size_t mask;
} page_set;

static bool page_set_init(page_set *s, uint64_t expected)
{
	size_t cap = 16;

	while (cap < expected * 2 && cap < ((size_t)1 << 30))
		cap *= 2;
	s->slots = calloc(cap, sizeof *s->slots);
	s->mask = cap - 1;
	return s->slots != NULL;
}

/* Add pgno (nonzero); false when it was there already. */
static bool page_set_add(page_set *s, uint32_t pgno)
{
	size_t i = (pgno * 2654435761u) & s->mask;

	while (s->slots[i]) {
		if (s->slots[i] == pgno)
			return false;
		i = (i + 1) & s->mask;
	}
	s->slots[i] = pgno;
	return true;
}

typedef void (*overflow_hook)(void *arg, uint32_t pgno);

static int read_chain(sqlite_db *db, const sqlite_page *context, uint32_t first,
                      uint8_t *dst, uint64_t need, bool report,
                      overflow_hook hook, void *arg)
{
	uint32_t per_page = sqlite_db_usable_size(db) - 4;
	uint64_t pages = need / per_page + 1;
	sqlite_file_kind from_file = context->file;
	int64_t from = -1;
	uint32_t next = first;
	page_set seen;
	int rc = 0;

	if (!page_set_init(&seen, pages))
		return -1;
	while (need > 0) {
		sqlite_page page;
		uint64_t take = need < per_page ? need : per_page;

		if (!sqlite_db_page_as_of(db, next, context, &page) ||
		    !page_set_add(&seen, next)) {
			if (report)
				sqlite_problem_add(sqlite_db_problems(db), from_file, from,
				                   "overflow chain from page %u breaks at page %u "
				                   "(%s)", context->pgno, next,
				                   next == 0 ? "a zero link" : "out of range, missing or met before");
			rc = -1;
			break;
		}
		if (hook)
			hook(arg, next);
		memcpy(dst, page.data + 4, (size_t)take);
		dst += take;
		need -= take;
		from_file = page.file;
		from = (int64_t)page.offset;
		next = sqlite_get_be32(page.data);
	}
	free(seen.slots);
	return rc;
}

int sqlite_overflow_read(sqlite_db *db, const sqlite_page *context,
                         uint32_t first, uint8_t *dst, uint64_t need,
                         bool report)
{
	return read_chain(db, context, first, dst, need, report, NULL, NULL);
}

/* ---------------------------------------------------------------- cells */

static int cell_read(sqlite_db *db, const sqlite_page *page,
                     const sqlite_btree_page *bp, uint32_t offset,
                     sqlite_cell *cell, bool report, overflow_hook hook,
                     void *arg)
{
	const uint8_t *p = page->data + offset;
	size_t avail = offset < bp->usable ? bp->usable - offset : 0, at = 0, n;
	bool has_payload = bp->type != SQLITE_BTREE_TABLE_INTERIOR;
	uint64_t v, tail;

	memset(cell, 0, sizeof *cell);
	cell->offset = offset;
	if (!sqlite_btree_is_leaf(bp->type)) {
		if (avail < 4)
			goto runs_off;
		cell->left_child = sqlite_get_be32(p);
		at = 4;
	}
	if (has_payload) {
		if (!(n = sqlite_varint_get(p + at, avail - at, &cell->payload_len)))
			goto runs_off;
		at += n;
	}
	if (sqlite_btree_is_table(bp->type)) {
		if (!(n = sqlite_varint_get(p + at, avail - at, &v)))
			goto runs_off;
		cell->rowid = (int64_t)v;
		cell->has_rowid = true;
		at += n;
	}
	if (!has_payload) {
		cell->size = (uint32_t)at;
		return 0;
	}
	if (cell->payload_len > SQLITE_BTREE_MAX_PAYLOAD) {
		if (report)
			sqlite_problem_add(sqlite_db_problems(db), page->file,
			                   (int64_t)(page->offset + offset),
			                   "cell payload of %llu bytes exceeds the %llu-byte limit",
			                   (unsigned long long)cell->payload_len,
			                   (unsigned long long)SQLITE_BTREE_MAX_PAYLOAD);
		return -1;
	}
	cell->local_len = sqlite_local_payload(bp->usable, cell->payload_len,
	                                       bp->type == SQLITE_BTREE_TABLE_LEAF);
	tail = cell->local_len < cell->payload_len ? 4 : 0;
	if (at + cell->local_len + tail > avail)
		goto runs_off;
	cell->size = (uint32_t)(at + cell->local_len + tail);
	cell->payload = p + at;
	if (!tail)
		return 0;
	cell->first_overflow = sqlite_get_be32(p + at + cell->local_len);
	cell->owned = malloc((size_t)cell->payload_len);
	if (!cell->owned)
		return -1;
	memcpy(cell->owned, p + at, (size_t)cell->local_len);
	if (read_chain(db, page, cell->first_overflow, cell->owned + cell->local_len,
	               cell->payload_len - cell->local_len, report, hook, arg) < 0) {
		sqlite_cell_release(cell);
		return -1;
	}
	cell->payload = cell->owned;
	return 0;
runs_off:
	if (report)
		sqlite_problem_add(sqlite_db_problems(db), page->file,
		                   (int64_t)(page->offset + offset),
		                   "cell on page %u runs off the page", page->pgno);
	return -1;
}

int sqlite_cell_read(sqlite_db *db, const sqlite_page *page,
                     const sqlite_btree_page *bp, uint32_t offset,
                     sqlite_cell *cell, bool report)
{
	return cell_read(db, page, bp, offset, cell, report, NULL, NULL);
}

void sqlite_cell_release(sqlite_cell *cell)
{
	free(cell->owned);
	cell->owned = NULL;
	cell->payload = NULL;
}

/* ---------------------------------------------------------------- free space */

size_t sqlite_btree_freeblocks(sqlite_db *db, const sqlite_page *page,
                               const sqlite_btree_page *bp, uint32_t *starts,
                               uint32_t *sizes, size_t max, bool report)
{
	uint32_t at = bp->first_freeblock, floor = bp->content_start;
	int64_t link = (int64_t)page->offset + bp->header + 1;
	size_t n = 0;

	while (at && n < max) {
		uint32_t size;

		if (at < floor || at + 4 > bp->usable) {
			if (report)
				sqlite_problem_add(sqlite_db_problems(db), page->file, link,
				                   "freeblock chain of page %u leads to offset %u, "
				                   "outside the free content area", page->pgno, at);
			break;
		}
		size = sqlite_get_be16(page->data + at + 2);
		if (size < 4 || at + size > bp->usable) {
			if (report)
				sqlite_problem_add(sqlite_db_problems(db), page->file,
				                   (int64_t)page->offset + at + 2,
				                   "freeblock at offset %u of page %u has size %u",
				                   at, page->pgno, size);
			break;
		}
		starts[n] = at;
		sizes[n] = size;
		n++;
		floor = at + size; /* the chain ascends and blocks do not overlap */
		link = (int64_t)page->offset + at;
		at = sqlite_get_be16(page->data + at);
	}
	return n;
}

void sqlite_btree_gap(const sqlite_btree_page *bp, uint32_t *start,
                      uint32_t *end)
{
	*start = bp->cell_pointers + 2 * bp->n_cells;
	*end = bp->content_start > *start ? bp->content_start : *start;
}

/* ---------------------------------------------------------------- walk */

typedef struct walk_entry {
	uint32_t pgno;
	uint32_t depth;
	sqlite_file_kind from_file; /* where the pointer to it was read */
	int64_t from;
} walk_entry;

typedef struct walk {
	sqlite_db *db;
	uint8_t *seen;
	const sqlite_btree_visitor *visitor;
	walk_entry *stack;
	size_t n, cap;
	bool table;
	int damaged;
} walk;

static void note(walk *w, sqlite_file_kind file, int64_t offset,
                 const char *what, uint32_t pgno)
{
	sqlite_problem_add(sqlite_db_problems(w->db), file, offset, "%s %u", what, pgno);
	w->damaged = 1;
}

/* Queue a page unless it is out of range or seen before. */
static int push(walk *w, uint32_t pgno, uint32_t depth, sqlite_file_kind file,
                int64_t from)
{
	uint8_t mask = (uint8_t)(1u << (pgno & 7));

	if (pgno == 0 || pgno > sqlite_db_page_count(w->db)) {
		note(w, file, from, "b-tree child page out of range:", pgno);
		return 0;
	}
	if (w->seen[pgno >> 3] & mask) {
		note(w, file, from, "b-tree page reached a second time (a loop or a shared page):",
		     pgno);
		return 0;
	}
	if (depth > MAX_DEPTH) {
		note(w, file, from, "b-tree deeper than SQLite builds at page", pgno);
		return 0;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		walk_entry *grown = realloc(w->stack, cap * sizeof *grown);

		if (!grown)
			return -1;
		w->stack = grown;
		w->cap = cap;
	}
	w->seen[pgno >> 3] |= mask;
	w->stack[w->n].pgno = pgno;
	w->stack[w->n].depth = depth;
	w->stack[w->n].from_file = file;
	w->stack[w->n].from = from;
	w->n++;
	return 0;
}

/* An overflow page belongs to its cell: mark it, so that a tree that
 * also claims it is reported, and tell the visitor. */
static void hook_overflow(void *arg, uint32_t pgno)
{
	walk *w = arg;

	if (pgno <= sqlite_db_page_count(w->db))
		w->seen[pgno >> 3] |= (uint8_t)(1u << (pgno & 7));
	if (w->visitor->overflow)
		w->visitor->overflow(w->visitor->arg, pgno);
}

static int visit_cells(walk *w, const sqlite_page *page,
                       const sqlite_btree_page *bp)
{
	uint32_t i;

	for (i = 0; i < bp->n_cells; i++) {
		uint32_t at = sqlite_btree_cell_offset(page, bp, i);
		sqlite_cell cell;
		int rc = 0;

		if (!at) {
			note(w, page->file, (int64_t)page->offset + bp->cell_pointers + 2 * i,
			     "cell pointer outside the content area on page", page->pgno);
			continue;
		}
		if (cell_read(w->db, page, bp, at, &cell, true, hook_overflow, w) < 0) {
			w->damaged = 1;
			continue;
		}
		if (w->visitor->cell && cell.payload)
			rc = w->visitor->cell(w->visitor->arg, page, &cell);
		sqlite_cell_release(&cell);
		if (rc)
			return rc;
	}
	return 0;
}

/* Queue an interior page's children, leftmost on top. */
static int push_children(walk *w, const sqlite_page *page,
                         const sqlite_btree_page *bp, uint32_t depth)
{
	uint32_t i;

	if (push(w, bp->right_child, depth + 1, page->file,
	         (int64_t)page->offset + bp->header + 8) < 0)
		return -1;
	for (i = bp->n_cells; i > 0; i--) {
		uint32_t at = sqlite_btree_cell_offset(page, bp, i - 1);

		if (!at || at + 4 > bp->usable) {
			note(w, page->file, (int64_t)page->offset + bp->cell_pointers + 2 * (i - 1),
			     "cell pointer outside the content area on page", page->pgno);
			continue;
		}
		if (push(w, sqlite_get_be32(page->data + at), depth + 1, page->file,
		         (int64_t)page->offset + at) < 0)
			return -1;
	}
	return 0;
}

static int enter(walk *w, const walk_entry *e)
{
	sqlite_btree_page bp;
	sqlite_page page;
	int rc = 0;

	if (!sqlite_db_page(w->db, e->pgno, &page)) {
		note(w, e->from_file, e->from, "b-tree page missing from the files:", e->pgno);
		return 0;
	}
	if (!sqlite_btree_page_read(&page, sqlite_db_usable_size(w->db), &bp)) {
		note(w, page.file, (int64_t)page.offset, "not a readable b-tree page:", e->pgno);
		return 0;
	}
	if (sqlite_btree_is_table(bp.type) != w->table) {
		note(w, page.file, (int64_t)page.offset,
		     w->table ? "index page inside a table b-tree:" : "table page inside an index b-tree:",
		     e->pgno);
		return 0;
	}
	if (w->visitor->page && (rc = w->visitor->page(w->visitor->arg, &page, &bp)))
		return rc;
	if (bp.type != SQLITE_BTREE_TABLE_INTERIOR &&
	    (rc = visit_cells(w, &page, &bp)))
		return rc;
	if (!sqlite_btree_is_leaf(bp.type))
		return push_children(w, &page, &bp, e->depth);
	return 0;
}

int sqlite_btree_walk(sqlite_db *db, uint32_t root, uint8_t *seen,
                      const sqlite_btree_visitor *visitor)
{
	walk w;
	sqlite_btree_page bp;
	sqlite_page page;
	int rc = 0;

	memset(&w, 0, sizeof w);
	w.db = db;
	w.seen = seen;
	w.visitor = visitor;
	if (!sqlite_db_page(db, root, &page) ||
	    !sqlite_btree_page_read(&page, sqlite_db_usable_size(db), &bp)) {
		sqlite_problem_add(sqlite_db_problems(db), SQLITE_FILE_MAIN, -1,
		                   "b-tree root page %u is missing or not a b-tree page", root);
		return 1;
	}
	w.table = sqlite_btree_is_table(bp.type);
	if (push(&w, root, 0, SQLITE_FILE_MAIN, -1) < 0)
		return -1;
	while (w.n > 0 && rc == 0) {
		walk_entry e = w.stack[--w.n];

		rc = enter(&w, &e);
	}
	free(w.stack);
	return rc ? rc : w.damaged;
}

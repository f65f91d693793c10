/*
 * sqlite_walk.c — walk a candidate SQLite database's b-trees (see
 * sqlite_walk.h).
 *
 * Bounds: a page is visited at most once (a bitmap of the file's pages,
 * at most MAX_DB_SIZE / 512 bits), a b-tree at most MAX_DEPTH deep (SQLite
 * itself stops at 20), at most MAX_ROOTS tables and indexes, and each
 * page's cells are bounded by the page.  Memory: the bitmap, the claimant
 * of each page for files of up to MAX_OWNED pages, one page buffer per
 * level, and the root list.
 */
#include "sqlite_walk.h"

#include <stdlib.h>
#include <string.h>

#include "carve_data.h"
#include "sqlite_format.h"

#define MAX_DEPTH 40
#define MAX_ROOTS 100000
#define RECORD_PREFIX 2048
/* Files of up to this many pages remember which page claimed each page
 * (16 MiB at most); larger ones blame the second claimant. */
#define MAX_OWNED (1u << 22)

typedef struct root_ref {
	uint32_t root;
	uint32_t schema_page; /* the page whose record names it */
} root_ref;

typedef struct walk {
	const exhibit_host_api *api;
	exhibit_host *host;
	uint64_t length;
	sqlfile_geometry g;
	uint32_t npages;
	unsigned char *seen;
	uint32_t *owner;      /* the page that claimed each page (small files) */
	unsigned char *level[MAX_DEPTH];
	unsigned char *scratch;
	uint32_t bad_page;    /* the lowest page found wrong, 0: none */
	uint32_t max_used;
	root_ref *roots;
	size_t nroots;
	int failed;           /* out of memory or the host failed */
} walk;

static void blame(walk *w, uint32_t pgno)
{
	if (pgno && (!w->bad_page || pgno < w->bad_page))
		w->bad_page = pgno;
}

/* claim — page pgno, pointed at by page referrer, is used once: 1 when it
 * exists and was not claimed before.  A pointer to no page blames the
 * referrer; of two pages that claim one page, one is not the database's
 * own, and the higher-numbered is blamed: pages before a break are the
 * file's, pages after it are foreign or displaced. */
static int claim(walk *w, uint32_t pgno, uint32_t referrer)
{
	if (pgno == 0 || pgno > w->npages) {
		blame(w, referrer);
		return 0;
	}
	if (w->seen[pgno >> 3] & (1u << (pgno & 7))) {
		uint32_t first = w->owner ? w->owner[pgno] : referrer;
		blame(w, first > referrer ? first : referrer);
		return 0;
	}
	w->seen[pgno >> 3] |= (unsigned char)(1u << (pgno & 7));
	if (w->owner)
		w->owner[pgno] = referrer;
	if (pgno > w->max_used)
		w->max_used = pgno;
	return 1;
}

static int read_page(walk *w, uint32_t pgno, unsigned char *buf)
{
	uint64_t off = (uint64_t)(pgno - 1) * w->g.page_size;
	int64_t n = carve_read(w->api, w->host, w->length, off, buf, w->g.page_size);

	if (n < 0)
		w->failed = 1;
	if (n != (int64_t)w->g.page_size) {
		blame(w, pgno);
		return 0;
	}
	return 1;
}

/* walk_overflow — the chain of a payload whose last overflow bytes start
 * at page first; the first cap bytes of the overflow are copied to
 * prefix + *have when prefix is not NULL. */
static void walk_overflow(walk *w, uint32_t first, uint32_t referrer, uint64_t overflow,
                          unsigned char *prefix, size_t *have, size_t cap)
{
	uint32_t per = w->g.usable - 4, cur = first;
	uint64_t pages = (overflow + per - 1) / per;

	for (uint64_t k = 0; k < pages; k++) {
		uint32_t next;

		if (!claim(w, cur, referrer) || !read_page(w, cur, w->scratch))
			return;
		next = get_be32(w->scratch);
		if ((k + 1 < pages) != (next != 0)) {
			blame(w, cur);
			return;
		}
		if (prefix && *have < cap) {
			size_t take = cap - *have < per ? cap - *have : per;
			memcpy(prefix + *have, w->scratch + 4, take);
			*have += take;
		}
		referrer = cur;
		cur = next;
	}
}

/* serial_size — the bytes a record column of serial type t takes. */
static uint64_t serial_size(uint64_t t)
{
	static const unsigned char fixed[12] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0 };

	return t < 12 ? fixed[t] : (t - 12) / 2;
}

/* schema_root — the rootpage column (the 4th) of an sqlite_schema record
 * whose first have bytes are in rec.  RETURN: 1 and *root when found, 0
 * when the record is too short to say, -1 when it is malformed. */
static int schema_root(const unsigned char *rec, size_t have, int64_t *root)
{
	uint64_t hsize, t[4], body = 0, v = 0;
	size_t at;
	int n = sqlfile_varint(rec, have, &hsize);

	if (!n)
		return 0;
	if (hsize < (uint64_t)n || hsize > have)
		return hsize > have ? 0 : -1;
	at = (size_t)n;
	for (int i = 0; i < 4; i++) {
		int k = sqlfile_varint(rec + at, (size_t)hsize - at, &t[i]);
		if (!k)
			return -1;
		at += (size_t)k;
	}
	for (int i = 0; i < 3; i++)
		body += serial_size(t[i]);
	if (t[3] == 8 || t[3] == 9 || t[3] == 0) {
		*root = t[3] == 9;
		return 1;
	}
	if (t[3] > 6)
		return -1;
	at = (size_t)hsize + (size_t)body;
	if (body > have || at + serial_size(t[3]) > have)
		return 0;
	for (uint64_t i = 0; i < serial_size(t[3]); i++)
		v = v << 8 | rec[at + i];
	if (rec[at] & 0x80) /* negative */
		v |= ~0ull << (8 * serial_size(t[3]));
	*root = (int64_t)v;
	return 1;
}

static int add_root(walk *w, uint32_t root, uint32_t schema_page)
{
	if (w->nroots >= MAX_ROOTS)
		return 0;
	if ((w->nroots & (w->nroots - 1)) == 0) {
		size_t cap = w->nroots ? w->nroots * 2 : 16;
		root_ref *grown = realloc(w->roots, cap * sizeof *grown);
		if (!grown) {
			w->failed = 1;
			return 0;
		}
		w->roots = grown;
	}
	w->roots[w->nroots].root = root;
	w->roots[w->nroots].schema_page = schema_page;
	w->nroots++;
	return 1;
}

/* The rowids a table b-tree page may hold: its parent's keys around it
 * (inclusive: SQLite lets a key equal the largest rowid to its left). */
typedef struct rowid_range {
	int64_t lo, hi;
} rowid_range;

static const rowid_range any_rowid = { INT64_MIN, INT64_MAX };

static void walk_btree(walk *w, uint32_t pgno, int depth, int kind, int schema, rowid_range r);

/* schema_cell — note the root page an sqlite_schema row names. */
static void schema_cell(walk *w, uint32_t pgno, const unsigned char *local, uint32_t local_len,
                        uint32_t first_ovfl, uint64_t overflow)
{
	unsigned char rec[RECORD_PREFIX];
	size_t have = local_len < sizeof rec ? local_len : sizeof rec;
	int64_t root = 0;
	int r;

	memcpy(rec, local, have);
	if (overflow)
		walk_overflow(w, first_ovfl, pgno, overflow, rec, &have, sizeof rec);
	r = schema_root(rec, have, &root);
	if (r < 0 || root < 0 || root > (int64_t)w->npages) {
		blame(w, pgno);
		return;
	}
	if (r > 0 && root > 0 && !add_root(w, (uint32_t)root, pgno))
		blame(w, pgno);
}

/* rowid_in_order — a table page's next rowid (key) x: within the range
 * its parent's keys give, after the one before it on the page (a leaf's
 * rowids rise strictly, an interior page's keys may repeat).  A page of
 * another database joined in holds rowids of its own table, which seldom
 * fit the keys that point at it. */
static int rowid_in_order(const rowid_range *range, int64_t *last, uint64_t rowid, int strict)
{
	int64_t x = (int64_t)rowid;
	int ok = x >= range->lo && x <= range->hi && x >= *last && !(strict && x == *last);

	if (x > *last)
		*last = x;
	return ok;
}

/* content_accounted — the page's content area (content_start to the end
 * of its usable bytes) is exactly its cells, its freeblocks and the
 * fragmented bytes its header counts, as SQLite keeps every b-tree page
 * (integrity_check: "Fragmentation of N bytes reported as M").  A page of
 * a database with another page size, or a page's leftover bytes taken for
 * a page, fails it. */
static int content_accounted(const unsigned char *page, const sqlfile_btree_header *b,
                             uint32_t usable, uint64_t cells)
{
	uint64_t free_bytes = 0;
	uint32_t hdr = b->pointers_end - 2u * b->ncell - b->size, at = b->first_freeblock, min = 0;

	while (at) {
		uint32_t next, size;
		if (at < b->content_start || at < min || (uint64_t)at + 4 > usable)
			return 0;
		next = get_be16(page + at);
		size = get_be16(page + at + 2);
		if (size < 4 || (uint64_t)at + size > usable || (next && next < at + size))
			return 0;
		free_bytes += size;
		min = at + size;
		at = next;
	}
	return cells + free_bytes + page[hdr + 7] == (uint64_t)usable - b->content_start;
}

/* walk_cells — the cells of b-tree page pgno (in buf, header b); 0 when a
 * cell is malformed (the page is blamed).  A rowid out of order blames the
 * page too, but the walk goes on below it: which page is wrong is told
 * best by the pages its pointers lead to. */
static int walk_cells(walk *w, uint32_t pgno, const unsigned char *buf,
                      const sqlfile_btree_header *b, int depth, int kind, int schema,
                      rowid_range *range)
{
	uint32_t usable = w->g.usable, ptrs = b->pointers_end - 2u * b->ncell;
	int64_t last = range->lo, child_lo = range->lo;
	uint64_t cells = 0;  /* bytes the cells take in the content area */

	for (uint32_t i = 0; i < b->ncell; i++) {
		uint32_t ptr = get_be16(buf + ptrs + 2 * i), at, local, child = 0;
		uint64_t payload = 0, rowid;
		int n;

		if (!sqlfile_cell_pointer_ok(b, ptr, usable))
			return 0;
		at = ptr;
		if (b->type == 5 || b->type == 2) {
			if (at + 4 > usable)
				return 0;
			child = get_be32(buf + at);
			at += 4;
		}
		if (b->type == 5) {
			if (!(n = sqlfile_varint(buf + at, usable - at, &rowid)))
				return 0;
			if (!rowid_in_order(range, &last, rowid, 0))
				blame(w, pgno);
			at += (uint32_t)n;
		} else {
			if (!(n = sqlfile_varint(buf + at, usable - at, &payload)))
				return 0;
			at += (uint32_t)n;
			if (b->type == 13) {
				if (!(n = sqlfile_varint(buf + at, usable - at, &rowid)))
					return 0;
				if (!rowid_in_order(range, &last, rowid, i != 0))
					blame(w, pgno);
				at += (uint32_t)n;
			}
			local = sqlfile_local_payload(payload, usable, b->type != 13);
			if ((uint64_t)at + local + (local < payload ? 4 : 0) > usable)
				return 0;
			if (schema && b->type == 13)
				schema_cell(w, pgno, buf + at, local,
				            local < payload ? get_be32(buf + at + local) : 0, payload - local);
			else if (local < payload)
				walk_overflow(w, get_be32(buf + at + local), pgno, payload - local,
				              NULL, NULL, 0);
			at += local + (local < payload ? 4 : 0);
		}
		cells += at - ptr < 4 ? 4 : at - ptr;   /* SQLite never makes a cell smaller */
		if (child && claim(w, child, pgno)) {
			/* a table child holds the rowids up to its key */
			rowid_range below = { child_lo, b->type == 5 ? (int64_t)rowid : INT64_MAX };
			walk_btree(w, child, depth + 1, kind, schema, b->type == 5 ? below : any_rowid);
		}
		child_lo = last;
	}
	range->lo = last;   /* the right child's rowids come after the last key */
	if (!content_accounted(buf, b, usable, cells))
		blame(w, pgno);
	return 1;
}

/* walk_btree — page pgno (claimed) and everything below it; kind is the
 * b-tree's: 'T' table, 'I' index, 0 not yet known (a root); r the rowids
 * a table page may hold. */
static void walk_btree(walk *w, uint32_t pgno, int depth, int kind, int schema, rowid_range r)
{
	sqlfile_btree_header b;
	unsigned char *buf;
	uint32_t hdr_off = pgno == 1 ? SQLITE_HEADER_LEN : 0;

	if (w->failed)
		return;
	if (depth >= MAX_DEPTH) {
		blame(w, pgno);
		return;
	}
	if (!w->level[depth] && !(w->level[depth] = malloc(w->g.page_size))) {
		w->failed = 1;
		return;
	}
	buf = w->level[depth];
	if (!read_page(w, pgno, buf))
		return;
	if (!sqlfile_parse_btree_header(buf + hdr_off, hdr_off, w->g.usable, &b)) {
		blame(w, pgno);
		return;
	}
	if (!kind)
		kind = (b.type == 5 || b.type == 13) ? 'T' : 'I';
	if ((kind == 'T') != (b.type == 5 || b.type == 13)) {
		blame(w, pgno);
		return;
	}
	if (!walk_cells(w, pgno, buf, &b, depth, kind, schema, &r)) {
		blame(w, pgno);
		return;
	}
	if (b.size == 12 && claim(w, b.right_child, pgno))
		walk_btree(w, b.right_child, depth + 1, kind, schema, b.type == 5 ? r : any_rowid);
}

static void walk_freelist(walk *w)
{
	uint32_t trunk = w->g.freelist_trunk, referrer = 1, last = 1;
	uint64_t counted = 0;

	while (trunk && !w->failed) {
		uint32_t next, leaves;

		if (!claim(w, trunk, referrer) || !read_page(w, trunk, w->scratch))
			return;
		last = trunk;
		next = get_be32(w->scratch);
		leaves = get_be32(w->scratch + 4);
		if (leaves > w->g.usable / 4 - 2) {
			blame(w, trunk);
			return;
		}
		for (uint32_t i = 0; i < leaves; i++)
			if (!claim(w, get_be32(w->scratch + 8 + 4 * i), trunk))
				return;
		counted += 1 + (uint64_t)leaves;
		referrer = trunk;
		trunk = next;
	}
	if (counted != w->g.freelist_count)
		blame(w, last);
}

/* The pages no pointer leads to: pointer maps and the lock-byte page. */
static void claim_fixed_pages(walk *w)
{
	for (uint32_t p = 2; p <= w->npages; p++) {
		int fixed = sqlfile_is_pending_page(p, w->g.page_size) ||
		            (w->g.largest_root && sqlfile_is_ptrmap_page(p, w->g.usable, w->g.page_size));
		if (fixed)
			w->seen[p >> 3] |= (unsigned char)(1u << (p & 7));
	}
}

/* sqlite_like — a page no structure leads to may still be the database's
 * own (a b-tree page or an overflow page an interrupted transaction left,
 * a page never written, all zeros): a b-tree page type, or a first word
 * that could be a page number (an overflow or freelist page's link, or
 * zero).  What is neither is another file's. */
static int sqlite_like(const walk *w, const unsigned char *page)
{
	return page[0] == 2 || page[0] == 5 || page[0] == 10 || page[0] == 13 ||
	       get_be32(page) <= w->npages;
}

/* check_unclaimed — every page no b-tree, overflow chain or freelist
 * claimed must look like the database's: in a wrong join, the second
 * piece's pages that the first piece's trees do not reach are read here
 * (SQLite's integrity_check reports such pages as never used). */
static void check_unclaimed(walk *w)
{
	for (uint32_t p = 2; p <= w->npages && !w->failed; p++) {
		if (w->seen[p >> 3] & (1u << (p & 7)))
			continue;
		if (w->bad_page && p >= w->bad_page)
			return;
		if (read_page(w, p, w->scratch) && !sqlite_like(w, w->scratch))
			blame(w, p);
	}
}

static int finish(walk *w, uint64_t *bad_offset)
{
	int rc = EXHIBIT_OK;

	if (w->failed)
		rc = EXHIBIT_ERR;
	else if (w->bad_page) {
		*bad_offset = (uint64_t)(w->bad_page - 1) * w->g.page_size;
		rc = EXHIBIT_ERR_FORMAT;
	}
	for (int i = 0; i < MAX_DEPTH; i++)
		free(w->level[i]);
	free(w->scratch);
	free(w->seen);
	free(w->owner);
	free(w->roots);
	return rc;
}

int sqlfile_db_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                       uint64_t *bad_offset)
{
	unsigned char header[SQLITE_HEADER_LEN];
	walk w;

	memset(&w, 0, sizeof w);
	w.api = api;
	w.host = host;
	w.length = length;
	if (!carve_read_exact(api, host, length, 0, header, sizeof header) ||
	    !sqlfile_parse_header(header, &w.g)) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	w.npages = w.g.size_trusted ? w.g.header_pages : (uint32_t)(length / w.g.page_size);
	if (!w.npages || (uint64_t)w.npages * w.g.page_size > (16ull << 30)) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	w.seen = calloc((size_t)w.npages / 8 + 1, 1);
	w.scratch = malloc(w.g.page_size);
	if (w.npages <= MAX_OWNED)
		w.owner = calloc((size_t)w.npages + 1, sizeof *w.owner);
	if (!w.seen || !w.scratch) {
		w.failed = 1;
		return finish(&w, bad_offset);
	}
	claim_fixed_pages(&w);
	claim(&w, 1, 1);
	walk_btree(&w, 1, 0, 'T', 1, any_rowid);
	for (size_t i = 0; i < w.nroots && !w.failed; i++)
		if (claim(&w, w.roots[i].root, w.roots[i].schema_page))
			walk_btree(&w, w.roots[i].root, 0, 0, 0, any_rowid);
	walk_freelist(&w);
	check_unclaimed(&w);
	/* Without a trusted size the candidate's length is a guess: its last
	 * page must be one the database uses, and it must be whole pages. */
	if (!w.g.size_trusted && w.max_used < w.npages)
		blame(&w, w.max_used + 1);
	if (!w.g.size_trusted && length % w.g.page_size)
		blame(&w, w.npages + 1);
	if (w.g.size_trusted && length < (uint64_t)w.npages * w.g.page_size)
		blame(&w, (uint32_t)(length / w.g.page_size) + 1);
	return finish(&w, bad_offset);
}

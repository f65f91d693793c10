/*
 * sqlite_format.c — SQLite database header and page structure checks.
 * See sqlite_format.h; the rules are those of SQLite's "Database File
 * Format" document, section by section.
 */
#include "sqlite_format.h"

#include <string.h>

#include "carve_data.h"

static const unsigned char sqlite_magic[16] = "SQLite format 3";

int sqlfile_page_size_ok(uint32_t p)
{
	return p >= 512 && p <= 65536 && (p & (p - 1)) == 0;
}

int sqlfile_parse_header(const unsigned char *h, sqlfile_geometry *g)
{
	uint32_t page_size = get_be16(h + 16), change_counter, valid_for;
	unsigned reserved = h[20];

	memset(g, 0, sizeof *g);
	if (memcmp(h, sqlite_magic, sizeof sqlite_magic) != 0)
		return 0;
	if (page_size == 1)
		page_size = 65536;
	if (!sqlfile_page_size_ok(page_size))
		return 0;
	/* File format write/read versions: 1 legacy, 2 WAL. */
	if (h[18] < 1 || h[18] > 2 || h[19] < 1 || h[19] > 2)
		return 0;
	if (page_size - reserved < 480)
		return 0;
	/* Payload fractions are fixed by the format. */
	if (h[21] != 64 || h[22] != 32 || h[23] != 32)
		return 0;
	/* Bytes 72..91 are reserved for expansion and must be zero. */
	for (int i = 72; i < 92; i++)
		if (h[i])
			return 0;
	g->schema_format = get_be32(h + 44);
	if (g->schema_format > 4 || get_be32(h + 56) > 3)
		return 0;
	g->largest_root = get_be32(h + 52);
	if (get_be32(h + 64) > 1 || (get_be32(h + 64) && !g->largest_root))
		return 0;
	g->page_size = page_size;
	g->usable = page_size - reserved;
	g->header_pages = get_be32(h + 28);
	g->freelist_trunk = get_be32(h + 32);
	g->freelist_count = get_be32(h + 36);
	change_counter = get_be32(h + 24);
	valid_for = get_be32(h + 92);
	g->size_trusted = g->header_pages > 0 && valid_for == change_counter;
	if (g->size_trusted && (g->freelist_count >= g->header_pages ||
	                        g->freelist_trunk > g->header_pages ||
	                        g->largest_root > g->header_pages))
		return 0;
	if (!g->freelist_count != !g->freelist_trunk)
		return 0;
	return 1;
}

int sqlfile_btree_type_ok(unsigned t)
{
	return t == 2 || t == 5 || t == 10 || t == 13;
}

int sqlfile_parse_btree_header(const unsigned char *p, uint32_t hdr_off, uint32_t usable,
                              sqlfile_btree_header *b)
{
	uint32_t content;

	memset(b, 0, sizeof *b);
	if (!sqlfile_btree_type_ok(p[0]))
		return 0;
	b->type = p[0];
	b->size = (b->type == 2 || b->type == 5) ? 12 : 8;
	b->first_freeblock = get_be16(p + 1);
	b->ncell = get_be16(p + 3);
	content = get_be16(p + 5);
	b->content_start = content ? content : 65536;
	if (b->size == 12)
		b->right_child = get_be32(p + 8);
	b->pointers_end = hdr_off + b->size + 2u * b->ncell;
	if (b->pointers_end > b->content_start || b->content_start > usable)
		return 0;
	/* An interior page always has a right child. */
	if (b->size == 12 && b->right_child == 0)
		return 0;
	if (b->first_freeblock &&
	    (b->first_freeblock < b->content_start || b->first_freeblock + 4 > usable))
		return 0;
	return 1;
}

int sqlfile_cell_pointer_ok(const sqlfile_btree_header *b, uint32_t ptr, uint32_t usable)
{
	/* The smallest cell is 2 bytes (a table leaf: payload and rowid
	 * varints of one byte each); an interior table cell is at least 5. */
	uint32_t min = b->type == 5 ? 5 : 2;

	return ptr >= b->content_start && ptr + min <= usable;
}

int sqlfile_is_pending_page(uint32_t pgno, uint32_t page_size)
{
	return pgno == SQLITE_PENDING_BYTE / page_size + 1;
}

int sqlfile_is_ptrmap_page(uint32_t pgno, uint32_t usable, uint32_t page_size)
{
	uint32_t per_map = usable / 5 + 1, first;

	if (pgno < 2)
		return 0;
	first = (pgno - 2) / per_map * per_map + 2;
	if (sqlfile_is_pending_page(first, page_size))
		first++;
	return first == pgno;
}

int sqlfile_varint(const unsigned char *p, size_t avail, uint64_t *v)
{
	uint64_t x = 0;

	for (int i = 0; i < 9; i++) {
		if ((size_t)i >= avail)
			return 0;
		if (i == 8) {
			*v = x << 8 | p[8];
			return 9;
		}
		x = x << 7 | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

uint32_t sqlfile_local_payload(uint64_t payload_len, uint32_t usable, int index)
{
	uint64_t max_local = index ? (uint64_t)(usable - 12) * 64 / 255 - 23 : usable - 35;
	uint64_t min_local = (uint64_t)(usable - 12) * 32 / 255 - 23;
	uint64_t k;

	if (payload_len <= max_local)
		return (uint32_t)payload_len;
	k = min_local + (payload_len - min_local) % (usable - 4);
	return (uint32_t)(k <= max_local ? k : min_local);
}

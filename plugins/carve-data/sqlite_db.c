/*
 * sqlite_db.c — the "carve-sqlite" plugin: SQLite database files.
 *
 * header_check reads the 100-byte database header (sqlite_format.c).  The
 * in-header size in pages is trusted only when version-valid-for equals
 * the change counter (SQLite 3.7.0 and later keep them equal); then the
 * file is exactly that many pages.
 *
 * data_check walks the file page by page.  Which pages are b-tree pages is
 * known only after following pointers (validate does that), so here every
 * page is judged by what any SQLite page can look like: a b-tree page has
 * a type byte and a header whose cell pointer array fits and points into
 * the page's content area; an overflow, freelist or unused page (of a file
 * under 2^24 pages) starts with a zero byte, being a big-endian page number
 * or zeros; pointer-map pages and the lock-byte page sit at fixed places.
 * Anything else is not part of this database, and data_check says the
 * content breaks at that page's first byte: random bytes fail at the first
 * page they fill with probability 251/256.
 *
 * Without a trusted size the file ends where pages stop looking like
 * SQLite pages, less any run of all-zero pages before that point; validate
 * then insists that the last page is one the b-trees use.
 *
 * validate is in sqlite_walk.c.
 */
#include <string.h>

#include "carve_data.h"
#include "sqlite_format.h"
#include "sqlite_walk.h"

#define MAX_DB_SIZE (16ull << 30)

enum { PAGE_HEAD = 0, PAGE_POINTERS, PAGE_REST };

typedef struct db_state {
	sqlfile_geometry g;
	uint64_t size;              /* trusted file size, else 0 */
	uint64_t last_nonzero_end;  /* untrusted size: end of the last non-zero page */
	int phase;
	int page_nonzero;
	unsigned char head[12];     /* the page's header (b-tree header on page 1) */
	uint32_t head_have;
	sqlfile_btree_header b;
	uint32_t pointers_left;
	int carry;                  /* first byte of a cell pointer split by a block */
	unsigned char carry_byte;
} db_state;

static const unsigned char sqlite_sig[] = "SQLite format 3";
static const exhibit_signature signatures[] = {
	{ 0, sqlite_sig, sizeof sqlite_sig }, /* the NUL included */
};

static int db_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                           exhibit_carve_header *out)
{
	db_state *s = state;

	(void)sig;
	if (len < SQLITE_HEADER_LEN || !sqlfile_parse_header(buf, &s->g))
		return EXHIBIT_CARVE_REJECT;
	/* Page 1 is a b-tree page: its type byte follows the header. */
	if (len > SQLITE_HEADER_LEN + 12 &&
	    !sqlfile_parse_btree_header(buf + SQLITE_HEADER_LEN, SQLITE_HEADER_LEN, s->g.usable, &s->b))
		return EXHIBIT_CARVE_REJECT;
	if (s->g.size_trusted) {
		s->size = (uint64_t)s->g.header_pages * s->g.page_size;
		if (s->size > MAX_DB_SIZE)
			return EXHIBIT_CARVE_REJECT;
		out->size = s->size;
	}
	s->phase = PAGE_HEAD;
	out->min_size = s->g.page_size;
	out->extension = "sqlite";
	return EXHIBIT_CARVE_ACCEPT;
}

/* The page starting at page offset 0 needs no header check: pointer-map
 * pages and the lock-byte page have fixed places and their own layout. */
static int page_is_fixed(const db_state *s, uint32_t pgno)
{
	return sqlfile_is_pending_page(pgno, s->g.page_size) ||
	       (s->g.largest_root && sqlfile_is_ptrmap_page(pgno, s->g.usable, s->g.page_size));
}

/* head_done — the first 12 bytes of the page (of its b-tree header on page
 * 1) are in; 0 when they cannot start an SQLite page.  A leaf's header is
 * 8 bytes: the head then holds its first two cell pointers, checked here. */
static int head_done(db_state *s, uint32_t pgno)
{
	uint32_t hdr_off = pgno == 1 ? SQLITE_HEADER_LEN : 0;

	if (pgno != 1 && s->head[0] == 0) {
		s->phase = PAGE_REST;
		return 1;
	}
	if (!sqlfile_parse_btree_header(s->head, hdr_off, s->g.usable, &s->b))
		return 0;
	s->pointers_left = s->b.ncell;
	for (int i = s->b.size; i < (int)sizeof s->head && s->pointers_left; i += 2) {
		if (!sqlfile_cell_pointer_ok(&s->b, get_be16(s->head + i), s->g.usable))
			return 0;
		s->pointers_left--;
	}
	s->carry = 0;
	s->phase = s->pointers_left ? PAGE_POINTERS : PAGE_REST;
	return 1;
}

/* check_page_bytes — consume bytes buf[0..n) of page pgno starting at page
 * offset in_page.  RETURN: bytes consumed (<= n), or -1 when the page
 * cannot be an SQLite page. */
static int64_t check_page_bytes(db_state *s, uint32_t pgno, uint32_t in_page,
                                const unsigned char *buf, size_t n)
{
	uint32_t hdr_off = pgno == 1 ? SQLITE_HEADER_LEN : 0;
	size_t used = 0;

	if (s->phase == PAGE_HEAD) {
		uint32_t want = sizeof s->head - s->head_have;

		if (in_page < hdr_off) {
			size_t skip = hdr_off - in_page < n ? hdr_off - in_page : n;
			if (!s->g.size_trusted)
				for (size_t i = 0; i < skip; i++)
					s->page_nonzero |= buf[i] != 0;
			return (int64_t)skip;
		}
		if (want > n)
			want = (uint32_t)n;
		memcpy(s->head + s->head_have, buf, want);
		for (uint32_t i = 0; i < want; i++)
			s->page_nonzero |= buf[i] != 0;
		s->head_have += want;
		if (s->head_have == sizeof s->head && !head_done(s, pgno))
			return -1;
		return want;
	}
	if (s->phase == PAGE_POINTERS) {
		/* The rest of the cell pointer array, two bytes a pointer, a
		 * pointer possibly split between blocks. */
		while (s->pointers_left && used < n) {
			unsigned char hi, lo;
			if (!s->carry) {
				s->carry_byte = buf[used++];
				s->carry = 1;
				if (used == n)
					break;
			}
			hi = s->carry_byte;
			lo = buf[used++];
			s->carry = 0;
			s->page_nonzero |= hi || lo;
			if (!sqlfile_cell_pointer_ok(&s->b, (uint32_t)hi << 8 | lo, s->g.usable))
				return -1;
			s->pointers_left--;
		}
		if (!s->pointers_left && !s->carry)
			s->phase = PAGE_REST;
		return (int64_t)used;
	}
	/* PAGE_REST: nothing left to check, but without a trusted size a page
	 * of zeros must be told apart from one with content. */
	if (!s->g.size_trusted && !s->page_nonzero) {
		for (size_t i = 0; i < n; i++)
			if (buf[i]) {
				s->page_nonzero = 1;
				break;
			}
	}
	return (int64_t)n;
}

static void next_page(db_state *s, uint64_t page_end)
{
	if (s->page_nonzero)
		s->last_nonzero_end = page_end;
	s->phase = PAGE_HEAD;
	s->head_have = 0;
	s->page_nonzero = 0;
	s->carry = 0;
}

/* Untrusted size: the file ends before the run of zero pages that
 * precedes pos. */
static int untrusted_end(db_state *s, uint64_t *end)
{
	if (s->last_nonzero_end < s->g.page_size)
		return EXHIBIT_CARVE_REJECT;
	*end = s->last_nonzero_end;
	return EXHIBIT_CARVE_END;
}

static int db_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                         uint64_t *end)
{
	db_state *s = state;
	uint32_t ps = s->g.page_size;
	size_t i = 0;

	if (len == 0) {
		if (s->size) {
			*end = pos; /* truncated */
			return EXHIBIT_CARVE_ERROR;
		}
		return untrusted_end(s, end);
	}
	while (i < len) {
		uint64_t at = pos + i;
		uint32_t pgno = (uint32_t)(at / ps) + 1, in_page = (uint32_t)(at % ps);
		uint64_t page_start = at - in_page;
		size_t n = len - i;
		int64_t used;

		if (s->size && at >= s->size) {
			*end = s->size;
			return EXHIBIT_CARVE_END;
		}
		if (n > ps - in_page)
			n = ps - in_page;
		if (in_page == 0 && page_is_fixed(s, pgno) && s->phase == PAGE_HEAD)
			s->phase = PAGE_REST;
		used = check_page_bytes(s, pgno, in_page, buf + i, n);
		if (used < 0) {
			if (!s->size)
				return untrusted_end(s, end);
			*end = page_start;
			return EXHIBIT_CARVE_ERROR;
		}
		if (s->phase == PAGE_REST && (s->g.size_trusted || s->page_nonzero)) {
			/* Skip to the page's end. */
			uint64_t page_end = page_start + ps;
			if (page_end > pos + len) {
				next_page(s, page_end);
				*end = page_end;
				return EXHIBIT_CARVE_CONTINUE;
			}
			used = (int64_t)(page_end - at);
		}
		i += (size_t)used;
		if ((pos + i) % ps == 0)
			next_page(s, pos + i);
	}
	if (s->size && pos + len >= s->size) {
		*end = s->size;
		return EXHIBIT_CARVE_END;
	}
	*end = pos + len;
	return EXHIBIT_CARVE_CONTINUE;
}

static const exhibit_carver carver = {
	.state_size = sizeof(db_state),
	.header_len = 512,
	.max_size = MAX_DB_SIZE,
	.fragments = 1,
	.header_check = db_header_check,
	.data_check = db_data_check,
	.validate = sqlfile_db_validate,
};

EXHIBIT_CARVER_PLUGIN(carve_sqlite_plugin, "carve-sqlite", "1.0",
	"Carves SQLite database files: header, every page's structure, the b-trees walked",
	signatures, carver);

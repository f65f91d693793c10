/*
 * sqlite_pages.c — see sqlite_pages.h.
 *
 * Invariant: db->live[p] for 1 <= p <= n_pages names the one file version
 * of page p that SQLite would read (LIVE_MAIN, a WAL frame number or a
 * journal record number) or LIVE_MISSING; n_pages never exceeds the
 * highest page some file actually holds, so every table here is bounded
 * by the size of the caller's bytes.
 */
#include "sqlite_pages.h"

#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "sqlite_record.h"

#define LIVE_MAIN 0u
#define LIVE_MISSING UINT32_MAX
#define LOCK_BYTE_OFFSET 1073741824u /* SQLite's pending byte, 2^30 */
#define MIN_USABLE_SIZE 480u

static const char sqlite_magic[16] = "SQLite format 3";

struct sqlite_db {
	sqlite_db_files files;
	sqlite_db_header header;
	uint32_t page_size;
	uint32_t main_pages;    /* whole pages the main file holds */
	uint32_t n_pages;       /* the live database size */
	bool has_wal, wal_applied;
	sqlite_wal wal;
	bool has_journal, journal_applied;
	sqlite_journal journal;
	uint32_t *live;         /* [0..n_pages]; see the invariant */
	uint32_t *wal_by_page;  /* frame numbers, by (page, number) */
	uint32_t *journal_by_page; /* record numbers, by (page, number) */
	sqlite_problems problems;
};

/* ---------------------------------------------------------------- header */

static bool page_size_valid(uint32_t size)
{
	return size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
}

int sqlite_header_parse(const uint8_t *p, size_t len, sqlite_db_header *h,
                        exhibit_error *err)
{
	uint32_t raw_size;

	memset(h, 0, sizeof *h);
	if (len < SQLITE_HEADER_SIZE || memcmp(p, sqlite_magic, 16) != 0)
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
		                         "no SQLite database header");
	raw_size = sqlite_get_be16(p + 16);
	h->page_size = raw_size == 1 ? 65536 : raw_size;
	if (!page_size_valid(h->page_size))
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 16,
		                         "page size %u is not a power of two from 512 to 65536",
		                         raw_size);
	h->write_version = p[18];
	h->read_version = p[19];
	h->reserved = p[20];
	h->usable_size = h->page_size - h->reserved;
	if (h->usable_size < MIN_USABLE_SIZE)
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 20,
		                         "%u reserved bytes leave pages of %u bytes fewer than 480 usable",
		                         h->reserved, h->page_size);
	h->change_counter = sqlite_get_be32(p + 24);
	h->page_count = sqlite_get_be32(p + 28);
	h->freelist_trunk = sqlite_get_be32(p + 32);
	h->freelist_count = sqlite_get_be32(p + 36);
	h->schema_cookie = sqlite_get_be32(p + 40);
	h->schema_format = sqlite_get_be32(p + 44);
	h->largest_root = sqlite_get_be32(p + 52);
	h->text_encoding = sqlite_get_be32(p + 56);
	h->user_version = sqlite_get_be32(p + 60);
	h->incremental_vacuum = sqlite_get_be32(p + 64);
	h->application_id = sqlite_get_be32(p + 68);
	h->version_valid_for = sqlite_get_be32(p + 92);
	h->sqlite_version = sqlite_get_be32(p + 96);
	h->page_count_trusted = h->page_count != 0 &&
	                        h->change_counter == h->version_valid_for;
	return 0;
}

/* ---------------------------------------------------------------- versions */

static sqlite_page main_page(const sqlite_db *db, uint32_t pgno)
{
	sqlite_page p;

	p.pgno = pgno;
	p.file = SQLITE_FILE_MAIN;
	p.index = 0;
	p.offset = (uint64_t)(pgno - 1) * db->page_size;
	p.data = db->files.main + p.offset;
	return p;
}

static sqlite_page wal_page(const sqlite_db *db, uint32_t number)
{
	const sqlite_wal_frame *f = &db->wal.frames[number - 1];
	sqlite_page p;

	p.pgno = f->pgno;
	p.file = SQLITE_FILE_WAL;
	p.index = number;
	p.offset = f->offset + SQLITE_WAL_FRAME_HEADER_SIZE;
	p.data = f->page;
	return p;
}

static sqlite_page journal_page(const sqlite_db *db, uint32_t number)
{
	const sqlite_journal_record *r = &db->journal.records[number - 1];
	sqlite_page p;

	p.pgno = r->pgno;
	p.file = SQLITE_FILE_JOURNAL;
	p.index = number;
	p.offset = r->offset + 4;
	p.data = r->page;
	return p;
}

static uint32_t version_pgno(const sqlite_db *db, bool wal, uint32_t number)
{
	return wal ? db->wal.frames[number - 1].pgno
	           : db->journal.records[number - 1].pgno;
}

/*
 * An index of WAL frames or journal records by (page, number), for
 * finding a page's versions by binary search.  A merge sort with an
 * explicit context: qsort has no context argument, and a static one would
 * race between threads opening databases at once.
 */
typedef struct version_sort {
	const sqlite_db *db;
	bool wal;
} version_sort;

static int compare_versions(const version_sort *s, uint32_t x, uint32_t y)
{
	uint32_t px = version_pgno(s->db, s->wal, x);
	uint32_t py = version_pgno(s->db, s->wal, y);

	if (px != py)
		return px < py ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void merge_sort(const version_sort *s, uint32_t *a, uint32_t *tmp,
                       size_t n)
{
	size_t half = n / 2, i = 0, j = half, k = 0;

	if (n < 2)
		return;
	merge_sort(s, a, tmp, half);
	merge_sort(s, a + half, tmp, n - half);
	while (i < half && j < n)
		tmp[k++] = compare_versions(s, a[i], a[j]) <= 0 ? a[i++] : a[j++];
	while (i < half)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof *a);
}

static uint32_t *index_by_page(const sqlite_db *db, bool wal, uint32_t count)
{
	version_sort s = { db, wal };
	uint32_t *index = malloc((count ? count : 1) * sizeof *index);
	uint32_t *tmp = malloc((count ? count : 1) * sizeof *tmp);
	uint32_t i;

	if (!index || !tmp) {
		free(index);
		free(tmp);
		return NULL;
	}
	for (i = 0; i < count; i++)
		index[i] = i + 1;
	merge_sort(&s, index, tmp, count);
	free(tmp);
	return index;
}

/*
 * The version of pgno in index (sorted by page then number) with the
 * highest number not above `at_most` (latest) or the lowest (first).
 * RETURN: its number, or 0 when there is none.
 */
static uint32_t find_version(const sqlite_db *db, bool wal, const uint32_t *index,
                             uint32_t count, uint32_t pgno, uint32_t at_most,
                             bool latest)
{
	size_t lo = 0, hi = count, i;
	uint32_t found = 0;

	while (lo < hi) { /* first entry with page >= pgno */
		size_t mid = lo + (hi - lo) / 2;

		if (version_pgno(db, wal, index[mid]) < pgno)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < count && version_pgno(db, wal, index[i]) == pgno; i++) {
		if (index[i] > at_most)
			break;
		found = index[i];
		if (!latest)
			break;
	}
	return found;
}

/* ---------------------------------------------------------------- opening */

/* Read the WAL, if any, with the page size known so far (0: none). */
static int open_wal(sqlite_db *db, exhibit_error *err)
{
	exhibit_error why;

	if (!db->files.wal)
		return 0;
	exhibit_error_clear(&why);
	if (sqlite_wal_parse(db->files.wal, db->files.wal_len, db->page_size,
	                     &db->wal, &db->problems, &why) < 0) {
		if (why.code == EXHIBIT_ERR)
			return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
		sqlite_problem_add(&db->problems, SQLITE_FILE_WAL, why.offset,
		                   "WAL left out: %s", why.message);
		return 0;
	}
	db->has_wal = true;
	if (!db->page_size)
		db->page_size = db->wal.page_size;
	return 0;
}

static int open_journal(sqlite_db *db, exhibit_error *err)
{
	exhibit_error why;

	if (!db->files.journal)
		return 0;
	exhibit_error_clear(&why);
	if (sqlite_journal_parse(db->files.journal, db->files.journal_len,
	                         db->page_size, &db->journal, &db->problems,
	                         &why) < 0) {
		if (why.code == EXHIBIT_ERR)
			return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
		sqlite_problem_add(&db->problems, SQLITE_FILE_JOURNAL, why.offset,
		                   "journal left out: %s", why.message);
		return 0;
	}
	db->has_journal = true;
	return 0;
}

/* The highest page number any live candidate version holds. */
static uint32_t pages_held(const sqlite_db *db)
{
	uint32_t held = db->main_pages, i;

	for (i = 0; db->wal_applied && i < db->wal.last_commit; i++)
		if (db->wal.frames[i].pgno > held)
			held = db->wal.frames[i].pgno;
	for (i = 0; db->journal_applied && i < db->journal.n_records; i++)
		if (db->journal.records[i].counted && db->journal.records[i].pgno > held)
			held = db->journal.records[i].pgno;
	return held;
}

/* Decide the live size and version of every page (see sqlite_pages.h). */
static int map_live_pages(sqlite_db *db)
{
	uint32_t declared, held, p, i;

	db->wal_applied = db->has_wal && db->wal.last_commit > 0;
	db->journal_applied = !db->wal_applied && db->has_journal && db->journal.hot;
	if (db->wal_applied)
		declared = db->wal.db_pages;
	else if (db->journal_applied && db->journal.initial_pages)
		declared = db->journal.initial_pages;
	else if (db->header.page_count_trusted)
		declared = db->header.page_count;
	else
		declared = db->main_pages;
	held = pages_held(db);
	if (declared > held) {
		sqlite_problem_add(&db->problems, SQLITE_FILE_MAIN, 28,
		                   "the database is %u pages long but its files hold only %u: "
		                   "it is truncated", declared, held);
		declared = held;
	}
	db->n_pages = declared;
	db->live = malloc(((size_t)declared + 1) * sizeof *db->live);
	if (!db->live)
		return -1;
	for (p = 0; p <= declared; p++)
		db->live[p] = p >= 1 && p <= db->main_pages ? LIVE_MAIN : LIVE_MISSING;
	for (i = 0; db->wal_applied && i < db->wal.n_frames; i++)
		if (db->wal.frames[i].state == SQLITE_WAL_LIVE &&
		    db->wal.frames[i].pgno <= declared)
			db->live[db->wal.frames[i].pgno] = db->wal.frames[i].number;
	for (p = 1; db->journal_applied && p <= declared; p++) {
		uint32_t first = find_version(db, false, db->journal_by_page,
		                              db->journal.n_records, p, UINT32_MAX, false);

		if (first && db->journal.records[first - 1].counted)
			db->live[p] = first;
	}
	return 0;
}

/* Take the header from the live page 1 when it is not the main file's. */
static void header_from_live_page_one(sqlite_db *db)
{
	sqlite_db_header h;
	sqlite_page one;

	if (!sqlite_db_page(db, 1, &one) || one.file == SQLITE_FILE_MAIN)
		return;
	if (sqlite_header_parse(one.data, db->page_size, &h, NULL) == 0 &&
	    h.page_size == db->page_size)
		db->header = h;
	else
		sqlite_problem_add(&db->problems, one.file, (int64_t)one.offset,
		                   "the live page 1 has no valid database header");
}

static int check_header_sizes(sqlite_db *db, exhibit_error *err)
{
	exhibit_error why;

	exhibit_error_clear(&why);
	if (sqlite_header_parse(db->files.main, db->files.main_len, &db->header,
	                        &why) == 0) {
		db->page_size = db->header.page_size;
		return 0;
	}
	/* A WAL may still hold page 1 (a database never checkpointed). */
	if (open_wal(db, err) < 0)
		return -1;
	if (db->has_wal) {
		uint32_t i;

		for (i = db->wal.n_frames; i > 0; i--) {
			const sqlite_wal_frame *f = &db->wal.frames[i - 1];

			if (f->pgno == 1 && f->state == SQLITE_WAL_LIVE &&
			    sqlite_header_parse(f->page, db->wal.page_size, &db->header,
			                        NULL) == 0 &&
			    db->header.page_size == db->wal.page_size)
				return 0;
		}
	}
	*err = why;
	return why.code ? why.code : EXHIBIT_ERR_FORMAT;
}

int sqlite_db_open(const sqlite_db_files *files, sqlite_db **out,
                   exhibit_error *err)
{
	sqlite_db *db;
	int rc;

	*out = NULL;
	if (!files || (!files->main && files->main_len))
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "sqlite_db_open: no files");
	db = calloc(1, sizeof *db);
	if (!db)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	db->files = *files;
	rc = check_header_sizes(db, err);
	if (rc == 0 && !db->has_wal)
		rc = open_wal(db, err);
	if (rc == 0)
		rc = open_journal(db, err);
	if (rc < 0) {
		sqlite_db_free(db);
		return rc;
	}
	db->page_size = db->header.page_size;
	db->main_pages = (uint32_t)(files->main_len / db->page_size < UINT32_MAX
	                            ? files->main_len / db->page_size : UINT32_MAX);
	if (files->main_len % db->page_size)
		sqlite_problem_add(&db->problems, SQLITE_FILE_MAIN,
		                   (int64_t)((uint64_t)db->main_pages * db->page_size),
		                   "the database file ends with %zu bytes of a partial page",
		                   files->main_len % db->page_size);
	if (db->has_wal &&
	    !(db->wal_by_page = index_by_page(db, true, db->wal.n_frames)))
		goto oom;
	if (db->has_journal &&
	    !(db->journal_by_page = index_by_page(db, false, db->journal.n_records)))
		goto oom;
	if (map_live_pages(db) < 0)
		goto oom;
	header_from_live_page_one(db);
	if (db->header.text_encoding > SQLITE_ENC_UTF16BE)
		sqlite_problem_add(&db->problems, SQLITE_FILE_MAIN, 56,
		                   "unknown text encoding %u; read as UTF-8",
		                   db->header.text_encoding);
	*out = db;
	return 0;
oom:
	sqlite_db_free(db);
	return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
}

void sqlite_db_free(sqlite_db *db)
{
	if (!db)
		return;
	if (db->has_wal)
		sqlite_wal_free(&db->wal);
	if (db->has_journal)
		sqlite_journal_free(&db->journal);
	free(db->live);
	free(db->wal_by_page);
	free(db->journal_by_page);
	free(db);
}

/* ---------------------------------------------------------------- access */

const sqlite_db_header *sqlite_db_header_of(const sqlite_db *db)
{
	return &db->header;
}

uint32_t sqlite_db_page_size(const sqlite_db *db)
{
	return db->page_size;
}

uint32_t sqlite_db_usable_size(const sqlite_db *db)
{
	return db->header.usable_size;
}

uint32_t sqlite_db_page_count(const sqlite_db *db)
{
	return db->n_pages;
}

int sqlite_db_encoding(const sqlite_db *db)
{
	uint32_t e = db->header.text_encoding;

	return e == SQLITE_ENC_UTF16LE || e == SQLITE_ENC_UTF16BE ? (int)e
	                                                          : SQLITE_ENC_UTF8;
}

sqlite_problems *sqlite_db_problems(sqlite_db *db)
{
	return &db->problems;
}

const sqlite_wal *sqlite_db_wal(const sqlite_db *db)
{
	return db->has_wal ? &db->wal : NULL;
}

const sqlite_journal *sqlite_db_journal(const sqlite_db *db)
{
	return db->has_journal ? &db->journal : NULL;
}

bool sqlite_db_journal_applied(const sqlite_db *db)
{
	return db->journal_applied;
}

bool sqlite_db_page(const sqlite_db *db, uint32_t pgno, sqlite_page *page)
{
	uint32_t v;

	if (pgno == 0 || pgno > db->n_pages)
		return false;
	v = db->live[pgno];
	if (v == LIVE_MISSING)
		return false;
	if (v == LIVE_MAIN)
		*page = main_page(db, pgno);
	else if (db->wal_applied)
		*page = wal_page(db, v);
	else
		*page = journal_page(db, v);
	return true;
}

bool sqlite_db_page_is_live(const sqlite_db *db, const sqlite_page *page)
{
	if (page->pgno == 0 || page->pgno > db->n_pages)
		return false;
	switch (page->file) {
	case SQLITE_FILE_MAIN:
		return db->live[page->pgno] == LIVE_MAIN;
	case SQLITE_FILE_WAL:
		return db->wal_applied && db->live[page->pgno] == page->index;
	default:
		return db->journal_applied && db->live[page->pgno] == page->index;
	}
}

bool sqlite_db_page_as_of(const sqlite_db *db, uint32_t pgno,
                          const sqlite_page *context, sqlite_page *page)
{
	uint32_t v;

	if (pgno == 0)
		return false;
	if (sqlite_db_page_is_live(db, context))
		return sqlite_db_page(db, pgno, page);
	if (context->file == SQLITE_FILE_WAL) {
		v = find_version(db, true, db->wal_by_page, db->wal.n_frames, pgno,
		                 context->index, true);
		if (v) {
			*page = wal_page(db, v);
			return true;
		}
	} else if (context->file == SQLITE_FILE_JOURNAL) {
		v = find_version(db, false, db->journal_by_page,
		                 db->journal.n_records, pgno, UINT32_MAX, false);
		if (v) {
			*page = journal_page(db, v);
			return true;
		}
	}
	if (pgno > db->main_pages)
		return false;
	*page = main_page(db, pgno);
	return true;
}

size_t sqlite_db_version_count(const sqlite_db *db)
{
	return (size_t)db->main_pages + (db->has_wal ? db->wal.n_frames : 0) +
	       (db->has_journal ? db->journal.n_records : 0);
}

bool sqlite_db_version(const sqlite_db *db, size_t i, sqlite_page *page)
{
	size_t frames = db->has_wal ? db->wal.n_frames : 0;
	size_t records = db->has_journal ? db->journal.n_records : 0;

	if (i < db->main_pages) {
		*page = main_page(db, (uint32_t)i + 1);
		return true;
	}
	i -= db->main_pages;
	if (i < frames) {
		*page = wal_page(db, (uint32_t)i + 1);
		return true;
	}
	i -= frames;
	if (i < records) {
		*page = journal_page(db, (uint32_t)i + 1);
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- freelist */

typedef struct page_bits {
	uint8_t *bits;
	uint32_t n;
} page_bits;

/* Mark pgno; false when it was marked already. */
static bool mark_page(page_bits *seen, uint32_t pgno)
{
	uint8_t mask = (uint8_t)(1u << (pgno & 7));

	if (seen->bits[pgno >> 3] & mask)
		return false;
	seen->bits[pgno >> 3] |= mask;
	return true;
}

/* Visit the leaves one trunk page lists. */
static uint32_t visit_leaves(sqlite_db *db, const sqlite_page *trunk,
                             page_bits *seen, sqlite_freelist_visit visit,
                             void *arg)
{
	uint32_t n = sqlite_get_be32(trunk->data + 4);
	uint32_t room = db->header.usable_size / 4 - 2, i, visited = 0;

	if (n > room) {
		sqlite_problem_add(&db->problems, trunk->file, (int64_t)trunk->offset + 4,
		                   "freelist trunk page %u lists %u leaves, it can hold %u",
		                   trunk->pgno, n, room);
		n = room;
	}
	for (i = 0; i < n; i++) {
		uint32_t leaf = sqlite_get_be32(trunk->data + 8 + 4 * i);
		int64_t at = (int64_t)trunk->offset + 8 + 4 * (int64_t)i;

		if (leaf == 0 || leaf > db->n_pages) {
			sqlite_problem_add(&db->problems, trunk->file, at,
			                   "freelist leaf page %u is out of range (1-%u)",
			                   leaf, db->n_pages);
			continue;
		}
		if (!mark_page(seen, leaf)) {
			sqlite_problem_add(&db->problems, trunk->file, at,
			                   "freelist page %u is listed twice", leaf);
			continue;
		}
		visit(arg, leaf, false);
		visited++;
	}
	return visited;
}

uint32_t sqlite_db_freelist_walk(sqlite_db *db, sqlite_freelist_visit visit,
                                 void *arg)
{
	page_bits seen = { calloc((size_t)db->n_pages / 8 + 1, 1), db->n_pages };
	uint32_t trunk = db->header.freelist_trunk, total = 0;
	sqlite_file_kind at_file = SQLITE_FILE_MAIN;
	int64_t at = 32; /* where the current trunk number was read */

	if (!seen.bits) {
		sqlite_problem_add(&db->problems, SQLITE_FILE_MAIN, -1,
		                   "out of memory walking the freelist");
		return 0;
	}
	while (trunk) {
		sqlite_page page;

		if (!sqlite_db_page(db, trunk, &page)) {
			sqlite_problem_add(&db->problems, at_file, at,
			                   "freelist trunk page %u is out of range or missing",
			                   trunk);
			break;
		}
		if (!mark_page(&seen, trunk)) {
			sqlite_problem_add(&db->problems, at_file, at,
			                   "freelist loops back to trunk page %u", trunk);
			break;
		}
		visit(arg, trunk, true);
		total += 1 + visit_leaves(db, &page, &seen, visit, arg);
		at_file = page.file;
		at = (int64_t)page.offset;
		trunk = sqlite_get_be32(page.data);
	}
	if (total != db->header.freelist_count)
		sqlite_problem_add(&db->problems, SQLITE_FILE_MAIN, 36,
		                   "the header counts %u free pages, the freelist holds %u",
		                   db->header.freelist_count, total);
	free(seen.bits);
	return total;
}

/* ---------------------------------------------------------------- pointer map */

bool sqlite_db_is_lock_page(const sqlite_db *db, uint32_t pgno)
{
	return pgno == LOCK_BYTE_OFFSET / db->page_size + 1;
}

static uint32_t pages_per_ptrmap(const sqlite_db *db)
{
	return db->header.usable_size / 5 + 1;
}

/* The pointer-map page that holds pgno's entry. */
static uint32_t ptrmap_page_for(const sqlite_db *db, uint32_t pgno)
{
	uint32_t per = pages_per_ptrmap(db);
	uint32_t map = (pgno - 2) / per * per + 2;

	if (sqlite_db_is_lock_page(db, map))
		map++;
	return map;
}

bool sqlite_db_is_ptrmap_page(const sqlite_db *db, uint32_t pgno)
{
	return db->header.largest_root != 0 && pgno >= 2 &&
	       ptrmap_page_for(db, pgno) == pgno;
}

uint32_t sqlite_db_ptrmap_check(sqlite_db *db)
{
	uint32_t map, entries = 0;

	if (!db->header.largest_root)
		return 0;
	for (map = 2; map <= db->n_pages && map >= 2; map += pages_per_ptrmap(db)) {
		uint32_t m = sqlite_db_is_lock_page(db, map) ? map + 1 : map;
		uint32_t i, n = db->header.usable_size / 5;
		sqlite_page page;

		if (!sqlite_db_page(db, m, &page))
			continue;
		for (i = 0; i < n && m + 1 + i <= db->n_pages; i++) {
			const uint8_t *e = page.data + 5 * i;
			uint32_t parent = sqlite_get_be32(e + 1);

			entries++;
			if (e[0] > 5 || parent > db->n_pages)
				sqlite_problem_add(&db->problems, page.file,
				                   (int64_t)page.offset + 5 * (int64_t)i,
				                   "pointer-map entry for page %u has type %u and parent %u",
				                   m + 1 + i, e[0], parent);
		}
	}
	return entries;
}

/*
 * sqlite_wal.c — see sqlite_wal.h.
 */
#include "sqlite_wal.h"

#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "sqlite_record.h"

#define WAL_MAGIC_LE 0x377f0682u /* checksum words little-endian */
#define WAL_MAGIC_BE 0x377f0683u /* checksum words big-endian */
#define WAL_VERSION 3007000u

static bool page_size_valid(uint32_t size)
{
	return size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

/* Continue the WAL checksum s over n bytes (a multiple of 8). */
static void wal_checksum(bool big_endian, const uint8_t *p, size_t n,
                         uint32_t s[2])
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint32_t x0 = big_endian ? sqlite_get_be32(p + i) : get_le32(p + i);
		uint32_t x1 = big_endian ? sqlite_get_be32(p + i + 4)
		                         : get_le32(p + i + 4);

		s[0] += x0 + s[1];
		s[1] += x1 + s[0];
	}
}

/* Read the 32-byte header; page_size falls back to db_page_size. */
static int read_header(const uint8_t *bytes, size_t len, uint32_t db_page_size,
                       sqlite_wal *wal, sqlite_problems *problems,
                       exhibit_error *err)
{
	uint32_t magic, s[2] = { 0, 0 };

	if (len < SQLITE_WAL_HEADER_SIZE)
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
		                         "WAL of %zu bytes is shorter than its 32-byte header",
		                         len);
	magic = sqlite_get_be32(bytes);
	wal->big_endian = magic == WAL_MAGIC_BE;
	wal->page_size = sqlite_get_be32(bytes + 8);
	wal->checkpoint_seq = sqlite_get_be32(bytes + 12);
	wal->salt1 = sqlite_get_be32(bytes + 16);
	wal->salt2 = sqlite_get_be32(bytes + 20);
	wal_checksum(wal->big_endian, bytes, 24, s);
	wal->header_valid = (magic == WAL_MAGIC_LE || magic == WAL_MAGIC_BE) &&
	                    sqlite_get_be32(bytes + 4) == WAL_VERSION &&
	                    page_size_valid(wal->page_size) &&
	                    s[0] == sqlite_get_be32(bytes + 24) &&
	                    s[1] == sqlite_get_be32(bytes + 28);
	if (!wal->header_valid)
		sqlite_problem_add(problems, SQLITE_FILE_WAL, 0,
		                   "WAL header is not valid (magic %08x, page size %u); "
		                   "every frame is read as unverified", magic,
		                   wal->page_size);
	if (!page_size_valid(wal->page_size))
		wal->page_size = db_page_size;
	if (!page_size_valid(wal->page_size))
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 8,
		                         "WAL has no usable page size");
	if (db_page_size && wal->page_size != db_page_size)
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 8,
		                         "WAL page size %u differs from the database's %u",
		                         wal->page_size, db_page_size);
	return 0;
}

/* Walk the frames in order, following the salt and checksum chain. */
static void chain_frames(const uint8_t *bytes, sqlite_wal *wal,
                         sqlite_problems *problems)
{
	uint32_t s[2];
	uint32_t i;

	s[0] = sqlite_get_be32(bytes + 24);
	s[1] = sqlite_get_be32(bytes + 28);
	for (i = 0; wal->header_valid && i < wal->n_frames; i++) {
		sqlite_wal_frame *f = &wal->frames[i];
		const uint8_t *h = bytes + f->offset;
		bool salts = sqlite_get_be32(h + 8) == wal->salt1 &&
		             sqlite_get_be32(h + 12) == wal->salt2;

		if (salts) {
			wal_checksum(wal->big_endian, h, 8, s);
			wal_checksum(wal->big_endian, f->page, wal->page_size, s);
		}
		if (!salts || s[0] != sqlite_get_be32(h + 16) ||
		    s[1] != sqlite_get_be32(h + 20) || f->pgno == 0) {
			sqlite_problem_add(problems, SQLITE_FILE_WAL, (int64_t)f->offset,
			                   "WAL frame %u %s; it and the %u frames after it "
			                   "are not part of the log", f->number,
			                   !salts ? "has the salts of another generation of the log"
			                   : f->pgno == 0 ? "names page 0"
			                   : "fails its checksum",
			                   wal->n_frames - f->number);
			break;
		}
		wal->chained_frames = f->number;
		if (f->commit_pages) {
			wal->last_commit = f->number;
			wal->db_pages = f->commit_pages;
		}
	}
}

typedef struct page_frame {
	uint32_t pgno;
	uint32_t number;
} page_frame;

/* By page, the latest frame first. */
static int by_page_latest_first(const void *a, const void *b)
{
	const page_frame *x = a, *y = b;

	if (x->pgno != y->pgno)
		return x->pgno < y->pgno ? -1 : 1;
	return x->number > y->number ? -1 : x->number < y->number;
}

/* Give every frame its state (see sqlite_wal.h). */
static int assign_states(sqlite_wal *wal)
{
	page_frame *order;
	uint32_t i;

	for (i = 0; i < wal->n_frames; i++)
		wal->frames[i].state = i < wal->last_commit ? SQLITE_WAL_SUPERSEDED
		                       : i < wal->chained_frames ? SQLITE_WAL_UNCOMMITTED
		                       : SQLITE_WAL_INVALID;
	if (!wal->last_commit)
		return 0;
	order = malloc(wal->last_commit * sizeof *order);
	if (!order)
		return -1;
	for (i = 0; i < wal->last_commit; i++) {
		order[i].pgno = wal->frames[i].pgno;
		order[i].number = wal->frames[i].number;
	}
	qsort(order, wal->last_commit, sizeof *order, by_page_latest_first);
	for (i = 0; i < wal->last_commit; i++) {
		bool latest = i == 0 || order[i].pgno != order[i - 1].pgno;

		if (latest && order[i].pgno <= wal->db_pages)
			wal->frames[order[i].number - 1].state = SQLITE_WAL_LIVE;
	}
	free(order);
	return 0;
}

int sqlite_wal_parse(const uint8_t *bytes, size_t len, uint32_t db_page_size,
                     sqlite_wal *wal, sqlite_problems *problems,
                     exhibit_error *err)
{
	uint64_t frame_size, count, tail;
	uint32_t i;
	int rc;

	memset(wal, 0, sizeof *wal);
	rc = read_header(bytes, len, db_page_size, wal, problems, err);
	if (rc < 0)
		return rc;
	frame_size = SQLITE_WAL_FRAME_HEADER_SIZE + (uint64_t)wal->page_size;
	count = (len - SQLITE_WAL_HEADER_SIZE) / frame_size;
	tail = (len - SQLITE_WAL_HEADER_SIZE) % frame_size;
	if (count > UINT32_MAX)
		count = UINT32_MAX;
	if (tail)
		sqlite_problem_add(problems, SQLITE_FILE_WAL,
		                   (int64_t)(len - tail),
		                   "WAL ends with %llu bytes of a partial frame",
		                   (unsigned long long)tail);
	wal->frames = calloc(count ? count : 1, sizeof *wal->frames);
	if (!wal->frames)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	wal->n_frames = (uint32_t)count;
	for (i = 0; i < wal->n_frames; i++) {
		sqlite_wal_frame *f = &wal->frames[i];

		f->number = i + 1;
		f->offset = SQLITE_WAL_HEADER_SIZE + (uint64_t)i * frame_size;
		f->pgno = sqlite_get_be32(bytes + f->offset);
		f->commit_pages = sqlite_get_be32(bytes + f->offset + 4);
		f->page = bytes + f->offset + SQLITE_WAL_FRAME_HEADER_SIZE;
	}
	chain_frames(bytes, wal, problems);
	if (assign_states(wal) < 0) {
		sqlite_wal_free(wal);
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	}
	return 0;
}

void sqlite_wal_free(sqlite_wal *wal)
{
	if (!wal)
		return;
	free(wal->frames);
	wal->frames = NULL;
	wal->n_frames = 0;
}

const char *sqlite_wal_state_name(sqlite_wal_frame_state state)
{
	static const char *const names[] = { "live", "superseded", "uncommitted",
		                             "invalid" };

	return (unsigned)state < 4 ? names[state] : "invalid";
}

/*
 * sqlite_journal.c — see sqlite_journal.h.
 */
#include "sqlite_journal.h"

#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "sqlite_record.h"

static const uint8_t journal_magic[8] = {
	0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7
};

#define NREC_TO_END 0xffffffffu /* "every record up to the end of the file" */
#define MIN_SECTOR 512u
#define MAX_SECTOR 65536u

static bool power_of_two_between(uint32_t v, uint32_t low, uint32_t high)
{
	return v >= low && v <= high && (v & (v - 1)) == 0;
}

/* The record checksum: the nonce plus every 200th byte from the end. */
static uint32_t page_checksum(const uint8_t *page, uint32_t page_size,
                              uint32_t nonce)
{
	uint32_t sum = nonce;
	int64_t i;

	for (i = (int64_t)page_size - 200; i > 0; i -= 200)
		sum += page[i];
	return sum;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* One segment's header fields. */
typedef struct segment {
	uint32_t nrec, nonce, initial_pages, sector_size, page_size;
} segment;

/* A segment header: with the magic (synced), or with magic and count
 * still zero (SQLite writes those two last, when it syncs the journal). */
typedef enum header_kind { HEADER_NONE = 0, HEADER_SYNCED, HEADER_UNSYNCED } header_kind;

static header_kind read_segment_header(const uint8_t *h, segment *s)
{
	header_kind kind = memcmp(h, journal_magic, sizeof journal_magic) == 0
	                   ? HEADER_SYNCED
	                   : all_zero(h, 12) ? HEADER_UNSYNCED : HEADER_NONE;

	if (kind == HEADER_NONE)
		return HEADER_NONE;
	s->nrec = sqlite_get_be32(h + 8);
	s->nonce = sqlite_get_be32(h + 12);
	s->initial_pages = sqlite_get_be32(h + 16);
	s->sector_size = sqlite_get_be32(h + 20);
	s->page_size = sqlite_get_be32(h + 24);
	if (!power_of_two_between(s->sector_size, 32, MAX_SECTOR) ||
	    !power_of_two_between(s->page_size, 512, 65536))
		return HEADER_NONE;
	return kind;
}

/*
 * A zeroed (persist-mode) header: the header is as long as the first
 * sector-sized stretch of zeros followed by a record with a page number.
 * The nonce is whatever makes the first record's checksum hold.
 */
static bool infer_zeroed_segment(const uint8_t *bytes, size_t len,
                                 uint32_t page_size, segment *s)
{
	uint32_t sector;

	for (sector = MIN_SECTOR; sector <= MAX_SECTOR; sector *= 2) {
		const uint8_t *rec = bytes + sector;

		if ((uint64_t)sector + 8 + page_size > len)
			return false;
		if (!all_zero(bytes, sector))
			return false;
		if (sqlite_get_be32(rec) == 0)
			continue;
		s->nrec = NREC_TO_END;
		s->sector_size = sector;
		s->page_size = page_size;
		s->initial_pages = 0;
		s->nonce = sqlite_get_be32(rec + 4 + page_size) -
		           page_checksum(rec + 4, page_size, 0);
		return true;
	}
	return false;
}

/* Read up to the records of one segment starting at `start`. */
static uint64_t read_records(const uint8_t *bytes, size_t len, uint64_t start,
                             const segment *s, bool first, bool hot_segment,
                             sqlite_journal *j, sqlite_problems *problems)
{
	uint64_t record_size = 8 + (uint64_t)s->page_size;
	uint64_t room = start <= len ? (len - start) / record_size : 0;
	uint64_t count = s->nrec, k, at = start;

	if (count == NREC_TO_END || (count == 0 && first))
		count = room;
	if (count > room) {
		sqlite_problem_add(problems, SQLITE_FILE_JOURNAL,
		                   (int64_t)(start + room * record_size),
		                   "journal segment declares %llu records, the file holds %llu",
		                   (unsigned long long)count, (unsigned long long)room);
		count = room;
	}
	for (k = 0; k < count; k++, at += record_size) {
		sqlite_journal_record *r = &j->records[j->n_records];
		uint32_t stored = sqlite_get_be32(bytes + at + 4 + s->page_size);

		r->number = j->n_records + 1;
		r->pgno = sqlite_get_be32(bytes + at);
		r->offset = at;
		r->page = bytes + at + 4;
		r->checksum_ok = stored == page_checksum(r->page, s->page_size, s->nonce);
		r->counted = hot_segment && r->checksum_ok && r->pgno != 0;
		if (!r->checksum_ok)
			sqlite_problem_add(problems, SQLITE_FILE_JOURNAL, (int64_t)at,
			                   "journal record %u (page %u) fails its checksum",
			                   r->number, r->pgno);
		if (!r->checksum_ok)
			hot_segment = false; /* rollback stops at the first bad record */
		j->n_records++;
	}
	return at;
}

static uint64_t round_up(uint64_t v, uint32_t to)
{
	return (v + to - 1) / to * to;
}

int sqlite_journal_parse(const uint8_t *bytes, size_t len,
                         uint32_t db_page_size, sqlite_journal *j,
                         sqlite_problems *problems, exhibit_error *err)
{
	uint64_t header = 0, max_records;
	header_kind kind;
	segment s;

	memset(j, 0, sizeof *j);
	if (len < SQLITE_JOURNAL_HEADER_SIZE)
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
		                         "journal of %zu bytes is shorter than its header", len);
	kind = read_segment_header(bytes, &s);
	j->header_valid = kind == HEADER_SYNCED;
	j->header_unsynced = kind == HEADER_UNSYNCED;
	j->header_zeroed = kind == HEADER_NONE &&
	                   all_zero(bytes, SQLITE_JOURNAL_HEADER_SIZE);
	if (j->header_zeroed &&
	    !(power_of_two_between(db_page_size, 512, 65536) &&
	      infer_zeroed_segment(bytes, len, db_page_size, &s)))
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
		                         "journal header is zeroed and no record follows it");
	if (kind == HEADER_NONE && !j->header_zeroed)
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
		                         "not a rollback journal (no journal magic)");
	if (db_page_size && s.page_size != db_page_size)
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 24,
		                         "journal page size %u differs from the database's %u",
		                         s.page_size, db_page_size);
	j->page_size = s.page_size;
	j->sector_size = s.sector_size;
	j->nonce = s.nonce;
	j->initial_pages = s.initial_pages;
	max_records = len / (8 + (uint64_t)s.page_size) + 1;
	j->records = calloc(max_records, sizeof *j->records);
	if (!j->records)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	for (;;) {
		uint64_t start = header + s.sector_size;
		uint64_t end = read_records(bytes, len, start, &s, header == 0,
		                            kind == HEADER_SYNCED, j, problems);

		if (s.nrec == NREC_TO_END || (s.nrec == 0 && header == 0))
			break;
		header = round_up(end, s.sector_size);
		if (header <= start || header + SQLITE_JOURNAL_HEADER_SIZE > len ||
		    (kind = read_segment_header(bytes + header, &s)) == HEADER_NONE ||
		    s.page_size != j->page_size)
			break;
	}
	for (uint32_t i = 0; i < j->n_records; i++)
		j->hot |= j->records[i].counted;
	return 0;
}

void sqlite_journal_free(sqlite_journal *j)
{
	if (!j)
		return;
	free(j->records);
	j->records = NULL;
	j->n_records = 0;
}

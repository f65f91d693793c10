/*
 * sqlite_journal.c — the "carve-sqlite-journal" plugin: SQLite rollback
 * journals, as a crashed transaction leaves them (hot) or as journal_mode
 * DELETE leaves them in free space.
 *
 * A journal is one or more segments.  A segment is a header of one sector
 * (magic d9 d5 05 f9 20 a1 63 d7, the record count nRec, a checksum nonce,
 * the database's size in pages when the transaction began, the sector size
 * and the page size, all big-endian) and nRec records of a page number, a
 * page and a checksum (the nonce plus every 200th byte of the page counted
 * back from its end).  A further segment starts at the next sector
 * boundary with a header of its own.  A record belongs when its page number
 * is a page the database had (1..initial size) and its checksum verifies.
 *
 * nRec 0 or 0xffffffff means "as many records as the file holds" (SQLite
 * writes 0 before its first sync and -1 without syncs): records then run
 * until one does not belong, and the file ends before it.  With a stated
 * nRec a record that does not belong is damage (ERROR at its page data,
 * or at its page number when that is impossible), and the file ends after
 * the nRec-th record unless another header follows.
 *
 * validate runs the same checks again over the joined candidate.
 */
#include <string.h>

#include "carve_data.h"
#include "carve_replay.h"
#include "sqlite_format.h"

#define JOURNAL_HEADER 28
#define MAX_JOURNAL_SIZE (4ull << 30)

static const unsigned char journal_magic[8] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };
static const exhibit_signature signatures[] = {
	{ 0, journal_magic, sizeof journal_magic },
};

enum { AT_HEADER = 0, AT_PAD, AT_RECORD };

typedef struct journal_state {
	uint32_t sector;
	uint32_t page_size;
	uint32_t nonce;
	uint32_t db_pages;
	uint32_t left;          /* records left in the segment; open: counting up */
	int open_ended;         /* nRec 0 or -1 */
	int phase;
	uint64_t seg_start;     /* offset of the segment's header */
	uint64_t rec_start;     /* offset of the current record */
	uint64_t good_end;      /* end of the last record that belonged */
	uint32_t records;       /* records accepted in all */
	unsigned char hdr[JOURNAL_HEADER];
	uint32_t hdr_have;
	unsigned char edge[4];  /* page number, then the checksum */
	uint32_t edge_have;
	uint32_t sum;           /* running checksum of the record */
} journal_state;

/* parse_header — take a segment header; 0 when it is not one. */
static int parse_header(journal_state *s, const unsigned char *h, int first)
{
	uint32_t nrec = get_be32(h + 8), sector = get_be32(h + 20), page = get_be32(h + 24);

	if (memcmp(h, journal_magic, sizeof journal_magic) != 0)
		return 0;
	if (sector < 512 || sector > 65536 || (sector & (sector - 1)) || !sqlfile_page_size_ok(page))
		return 0;
	if (!first && (sector != s->sector || page != s->page_size))
		return 0;
	s->sector = sector;
	s->page_size = page;
	s->nonce = get_be32(h + 12);
	s->db_pages = get_be32(h + 16);
	s->open_ended = nrec == 0 || nrec == 0xffffffffu;
	s->left = s->open_ended ? 0 : nrec;
	return 1;
}

static int journal_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                                exhibit_carve_header *out)
{
	journal_state *s = state;

	(void)sig;
	if (len < JOURNAL_HEADER || !parse_header(s, buf, 1) || s->db_pages == 0)
		return EXHIBIT_CARVE_REJECT;
	if (!s->open_ended && (uint64_t)s->left * (s->page_size + 8) > MAX_JOURNAL_SIZE)
		return EXHIBIT_CARVE_REJECT;
	s->phase = AT_HEADER;
	s->hdr_have = 0;
	out->min_size = s->sector + s->page_size + 8;
	out->extension = "sqlite-journal";
	return EXHIBIT_CARVE_ACCEPT;
}

static uint64_t round_up(uint64_t v, uint32_t to)
{
	return (v + to - 1) / to * to;
}

/* segment_done — the segment's records are all in: a next header may
 * follow at the next sector boundary, or the file ends. */
static void segment_done(journal_state *s, uint64_t at)
{
	s->good_end = at;
	s->seg_start = round_up(at, s->sector);
	s->phase = AT_PAD;
	s->hdr_have = 0;
}

/* record_byte_sum — add to the checksum the sampled bytes of page bytes
 * p[0..n) that lie at page offset off. */
static void record_byte_sum(journal_state *s, const unsigned char *p, size_t n, uint32_t off)
{
	/* Sampled offsets are page_size - 200k for k >= 1, above zero. */
	uint32_t first = s->page_size % 200, i;

	if (first == 0)
		first = 200;
	i = off <= first ? first : first + (off - first + 199) / 200 * 200;
	for (; i < off + n; i += 200)
		s->sum += p[i - off];
}

static int journal_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                              uint64_t *end)
{
	journal_state *s = state;
	uint64_t rec_size = (uint64_t)s->page_size + 8;
	size_t i = 0;

	if (len == 0) {
		if (s->open_ended || s->phase != AT_RECORD) {
			*end = s->good_end;
			return s->records ? EXHIBIT_CARVE_END : EXHIBIT_CARVE_REJECT;
		}
		*end = pos; /* truncated inside a stated segment */
		return EXHIBIT_CARVE_ERROR;
	}
	while (i < len) {
		uint64_t at = pos + i;
		size_t n = len - i;

		if (s->phase == AT_PAD) {
			/* Between segments: the next header or the end. */
			if (at < s->seg_start) {
				i += s->seg_start - at < n ? (size_t)(s->seg_start - at) : n;
				continue;
			}
			s->phase = AT_HEADER;
			s->hdr_have = 0;
		}
		if (s->phase == AT_HEADER) {
			uint64_t in_hdr = at - s->seg_start;
			if (in_hdr < JOURNAL_HEADER) {
				size_t take = JOURNAL_HEADER - in_hdr < n ? (size_t)(JOURNAL_HEADER - in_hdr) : n;
				memcpy(s->hdr + in_hdr, buf + i, take);
				s->hdr_have = (uint32_t)(in_hdr + take);
				i += take;
				if (s->hdr_have == JOURNAL_HEADER && !parse_header(s, s->hdr, s->seg_start == 0)) {
					*end = s->good_end;
					return s->records ? EXHIBIT_CARVE_END : EXHIBIT_CARVE_REJECT;
				}
				continue;
			}
			/* The rest of the header's sector. */
			if (at < s->seg_start + s->sector) {
				i += s->seg_start + s->sector - at < n ? (size_t)(s->seg_start + s->sector - at) : n;
				continue;
			}
			s->phase = AT_RECORD;
			s->rec_start = at;
			s->edge_have = 0;
			s->sum = s->nonce;
			if (!s->open_ended && s->left == 0) {
				segment_done(s, at);
				continue;
			}
		}
		/* AT_RECORD */
		{
			uint64_t in_rec = at - s->rec_start;
			if (in_rec < 4) {
				size_t take = 4 - in_rec < n ? (size_t)(4 - in_rec) : n;
				memcpy(s->edge + in_rec, buf + i, take);
				i += take;
				if (in_rec + take == 4) {
					uint32_t pgno = get_be32(s->edge);
					if (pgno == 0 || pgno > s->db_pages) {
						*end = s->rec_start;
						if (s->open_ended) {
							*end = s->good_end;
							return s->records ? EXHIBIT_CARVE_END : EXHIBIT_CARVE_REJECT;
						}
						return EXHIBIT_CARVE_ERROR;
					}
				}
				continue;
			}
			if (in_rec < 4 + (uint64_t)s->page_size) {
				size_t take = 4 + s->page_size - in_rec < n ? (size_t)(4 + s->page_size - in_rec) : n;
				record_byte_sum(s, buf + i, take, (uint32_t)(in_rec - 4));
				i += take;
				continue;
			}
			{
				size_t k = (size_t)(in_rec - 4 - s->page_size);
				size_t take = 4 - k < n ? 4 - k : n;
				memcpy(s->edge + k, buf + i, take);
				i += take;
				if (k + take < 4)
					continue;
			}
			if (get_be32(s->edge) != s->sum) {
				if (s->open_ended) {
					*end = s->good_end;
					return s->records ? EXHIBIT_CARVE_END : EXHIBIT_CARVE_REJECT;
				}
				*end = s->rec_start + 4;
				return EXHIBIT_CARVE_ERROR;
			}
			s->records++;
			s->good_end = s->rec_start + rec_size;
			s->rec_start = s->good_end;
			s->sum = s->nonce;
			if (!s->open_ended && --s->left == 0)
				segment_done(s, s->good_end);
		}
	}
	*end = pos + len;
	return EXHIBIT_CARVE_CONTINUE;
}

static int journal_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                            uint64_t *bad_offset)
{
	return carve_replay(carve_sqlite_journal_plugin.carver, 0, api, host, length, bad_offset);
}

static const exhibit_carver carver = {
	.state_size = sizeof(journal_state),
	.header_len = JOURNAL_HEADER,
	.max_size = MAX_JOURNAL_SIZE,
	.fragments = 1,
	.header_check = journal_header_check,
	.data_check = journal_data_check,
	.validate = journal_validate,
};

EXHIBIT_CARVER_PLUGIN(carve_sqlite_journal_plugin, "carve-sqlite-journal", "1.0",
	"Carves SQLite rollback journals: segment headers, record page numbers and checksums",
	signatures, carver);

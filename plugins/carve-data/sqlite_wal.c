/*
 * sqlite_wal.c — the "carve-sqlite-wal" plugin: SQLite write-ahead logs.
 *
 * A WAL is a 32-byte header (magic 0x377f0682 or 0x377f0683, whose low bit
 * says the checksums' byte order; format 3007000; page size; checkpoint
 * sequence; two salts; a checksum of the first 24 bytes) and frames of a
 * 24-byte header plus one page.  A frame belongs to the log when its salts
 * are the header's and its checksum, cumulative over the header and every
 * earlier frame, verifies.  After a checkpoint SQLite starts the log over
 * with new salts and leaves older frames behind it: the carved file ends at
 * the first frame whose salts differ (END there).  A frame whose salts
 * match but whose checksum does not is damage (ERROR at its checksum);
 * so is the space ending inside a frame whose salts matched.
 *
 * validate runs the same checks again over the joined candidate.
 */
#include <string.h>

#include "carve_data.h"
#include "carve_replay.h"
#include "sqlite_format.h"

#define WAL_HEADER 32
#define FRAME_HEADER 24
#define MAX_WAL_SIZE (4ull << 30)

typedef struct wal_state {
	uint32_t page_size;
	int big_endian;            /* checksum words are big-endian */
	uint32_t salt1, salt2;
	uint32_t s0, s1;           /* cumulative checksum to the last good frame */
	uint32_t c0, c1;           /* the current frame's running checksum */
	uint64_t good_end;         /* end of the last frame that verified */
	unsigned char fh[FRAME_HEADER];
	uint32_t fh_have;
	unsigned char part[8];     /* a checksum word pair split by a block */
	uint32_t part_have;
} wal_state;

static const unsigned char wal_le[] = { 0x37, 0x7f, 0x06, 0x82 };
static const unsigned char wal_be[] = { 0x37, 0x7f, 0x06, 0x83 };
static const exhibit_signature signatures[] = {
	{ 0, wal_le, sizeof wal_le },
	{ 0, wal_be, sizeof wal_be },
};

/* checksum — SQLite's WAL checksum over n bytes (a multiple of 8). */
static void checksum(const wal_state *s, const unsigned char *p, size_t n, uint32_t *c0,
                     uint32_t *c1)
{
	uint32_t a = *c0, b = *c1;

	if (s->big_endian) {
		for (size_t i = 0; i < n; i += 8) {
			a += get_be32(p + i) + b;
			b += get_be32(p + i + 4) + a;
		}
	} else {
		for (size_t i = 0; i < n; i += 8) {
			a += get_le32(p + i) + b;
			b += get_le32(p + i + 4) + a;
		}
	}
	*c0 = a;
	*c1 = b;
}

static int wal_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                            exhibit_carve_header *out)
{
	wal_state *s = state;
	uint32_t c0 = 0, c1 = 0;

	if (len < WAL_HEADER)
		return EXHIBIT_CARVE_REJECT;
	s->big_endian = sig == 1;
	s->page_size = get_be32(buf + 8);
	if (get_be32(buf + 4) != 3007000 || !sqlfile_page_size_ok(s->page_size))
		return EXHIBIT_CARVE_REJECT;
	checksum(s, buf, 24, &c0, &c1);
	if (c0 != get_be32(buf + 24) || c1 != get_be32(buf + 28))
		return EXHIBIT_CARVE_REJECT;
	s->salt1 = get_be32(buf + 16);
	s->salt2 = get_be32(buf + 20);
	s->s0 = c0;
	s->s1 = c1;
	s->good_end = WAL_HEADER;
	out->min_size = WAL_HEADER + FRAME_HEADER + s->page_size;
	out->extension = "sqlite-wal";
	return EXHIBIT_CARVE_ACCEPT;
}

/* frame_header_done — 0 when the frame is not this log's. */
static int frame_header_done(wal_state *s)
{
	if (get_be32(s->fh + 8) != s->salt1 || get_be32(s->fh + 12) != s->salt2 ||
	    get_be32(s->fh) == 0)
		return 0;
	s->c0 = s->s0;
	s->c1 = s->s1;
	checksum(s, s->fh, 8, &s->c0, &s->c1);
	s->part_have = 0;
	return 1;
}

/* page_bytes — fold n bytes of the frame's page into its checksum. */
static void page_bytes(wal_state *s, const unsigned char *p, size_t n)
{
	size_t whole;

	if (s->part_have) {
		size_t take = 8 - s->part_have < n ? 8 - s->part_have : n;
		memcpy(s->part + s->part_have, p, take);
		s->part_have += (uint32_t)take;
		p += take;
		n -= take;
		if (s->part_have < 8)
			return;
		checksum(s, s->part, 8, &s->c0, &s->c1);
		s->part_have = 0;
	}
	whole = n & ~(size_t)7;
	checksum(s, p, whole, &s->c0, &s->c1);
	memcpy(s->part, p + whole, n - whole);
	s->part_have = (uint32_t)(n - whole);
}

static int wal_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                          uint64_t *end)
{
	wal_state *s = state;
	uint64_t frame_size = FRAME_HEADER + (uint64_t)s->page_size;
	size_t i = 0;

	if (len == 0) {
		/* Ending inside a frame that was ours is a truncation. */
		*end = s->fh_have == FRAME_HEADER ? pos : s->good_end;
		return s->fh_have == FRAME_HEADER ? EXHIBIT_CARVE_ERROR : EXHIBIT_CARVE_END;
	}
	if (pos < WAL_HEADER) {
		i = WAL_HEADER - pos < len ? (size_t)(WAL_HEADER - pos) : len;
	}
	while (i < len) {
		uint64_t at = pos + i;
		uint64_t frame_start = at - (at - WAL_HEADER) % frame_size;
		uint64_t in_frame = at - frame_start;
		size_t n = len - i;

		if (in_frame < FRAME_HEADER) {
			size_t take = FRAME_HEADER - in_frame < n ? (size_t)(FRAME_HEADER - in_frame) : n;
			memcpy(s->fh + in_frame, buf + i, take);
			s->fh_have = (uint32_t)(in_frame + take);
			i += take;
			if (s->fh_have == FRAME_HEADER && !frame_header_done(s)) {
				*end = frame_start;
				return EXHIBIT_CARVE_END;
			}
			continue;
		}
		if (n > frame_size - in_frame)
			n = (size_t)(frame_size - in_frame);
		page_bytes(s, buf + i, n);
		i += n;
		if (in_frame + n == frame_size) {
			if (s->c0 != get_be32(s->fh + 16) || s->c1 != get_be32(s->fh + 20)) {
				*end = frame_start + 16;
				return EXHIBIT_CARVE_ERROR;
			}
			s->s0 = s->c0;
			s->s1 = s->c1;
			s->good_end = frame_start + frame_size;
			s->fh_have = 0;
		}
	}
	*end = pos + len;
	return EXHIBIT_CARVE_CONTINUE;
}

static int wal_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                        uint64_t *bad_offset)
{
	unsigned char magic[4];

	if (!carve_read_exact(api, host, length, 0, magic, sizeof magic)) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	return carve_replay(carve_sqlite_wal_plugin.carver, magic[3] == 0x83, api, host, length,
	                    bad_offset);
}

static const exhibit_carver carver = {
	.state_size = sizeof(wal_state),
	.header_len = WAL_HEADER,
	.max_size = MAX_WAL_SIZE,
	.fragments = 1,
	.header_check = wal_header_check,
	.data_check = wal_data_check,
	.validate = wal_validate,
};

EXHIBIT_CARVER_PLUGIN(carve_sqlite_wal_plugin, "carve-sqlite-wal", "1.0",
	"Carves SQLite write-ahead logs: header and frame checksums, salts",
	signatures, carver);

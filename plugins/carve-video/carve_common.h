/*
 * carve_common.h — what the video carvers (carve-mp4, carve-avi,
 * carve-mkv, carve-flv, carve-mpegts, carve-asf) share.
 *
 * Three small tools, all plain data so a carver's state can hold them and
 * the host can copy that state with memcpy:
 *
 *   carve_gather   collects the bytes of one structure header (a box, a
 *                  chunk, an element, a tag) that data_check's blocks may
 *                  cut in two, so the walk never reads a byte twice and
 *                  never needs the previous block;
 *   carve_reader   validate's window over the candidate, read through
 *                  api->read: small reads anywhere, never past the
 *                  candidate's length, one fixed buffer;
 *   carve_budget   a step count that bounds validate's work whatever
 *                  the tables of a hostile file claim.
 *
 * Integers are read with media-common's bytes.h (pure, header-only).
 */
#ifndef EXHIBIT_CARVE_COMMON_H
#define EXHIBIT_CARVE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

/* ---- gathering a header across data_check blocks */

#define CARVE_GATHER_MAX 128

typedef struct carve_gather {
	uint64_t at;   /* candidate offset of the header's first byte */
	uint32_t have; /* bytes of it copied into bytes[] so far */
	unsigned char bytes[CARVE_GATHER_MAX];
} carve_gather;

/* carve_gather_start — begin collecting a header at candidate offset at. */
void carve_gather_start(carve_gather *g, uint64_t at);

/*
 * carve_gather_take — the first need (<= CARVE_GATHER_MAX) bytes of the
 * header, from the block buf[0..len) at candidate offset pos and what
 * earlier blocks gave.  The header must start at or after pos unless
 * earlier blocks were collected: call it for every block until it
 * answers.  need may grow between calls (a size field that says a longer
 * header follows).
 * RETURN: a pointer to need bytes (into buf or the gather), or NULL when
 * the block ends first (what it held is kept).
 */
const unsigned char *carve_gather_take(carve_gather *g, uint64_t pos,
                                       const unsigned char *buf, size_t len, size_t need);

/* ---- validate's reads */

#define CARVE_READER_WINDOW (16u * 1024u)

typedef struct carve_reader {
	const exhibit_host_api *api;
	exhibit_host *host;
	uint64_t length;     /* the candidate's length */
	uint64_t win_offset; /* candidate offset of win[0] */
	size_t win_len;
	unsigned char win[CARVE_READER_WINDOW];
} carve_reader;

void carve_reader_init(carve_reader *r, const exhibit_host_api *api, exhibit_host *host,
                       uint64_t length);

/*
 * carve_read — n bytes (n <= CARVE_READER_WINDOW / 2) at candidate
 * offset off.
 * RETURN: a pointer valid until the next call, or NULL when they do not
 * all lie inside the candidate or the host cannot read them.
 */
const unsigned char *carve_read(carve_reader *r, uint64_t off, size_t n);

/* ---- bounded work */

typedef struct carve_budget {
	uint64_t left;
} carve_budget;

/* carve_spend — take n steps; false once the budget is exhausted. */
static inline bool carve_spend(carve_budget *b, uint64_t n)
{
	if (b->left < n) {
		b->left = 0;
		return false;
	}
	b->left -= n;
	return true;
}

/* ---- codec framing */

/*
 * carve_jpeg_framed — the size bytes at off are a JPEG image, as a
 * Motion JPEG frame is: SOI, marker segments that fit, entropy-coded data
 * in which 0xFF is only ever followed by a stuffed 0x00, a restart
 * marker, fill or a marker segment, and an EOI (what follows the EOI, a
 * second field or padding, is not read).  One step per 4 KiB scanned.
 * RETURN: true when it is, or when the budget ran out on the way.
 */
bool carve_jpeg_framed(carve_reader *r, carve_budget *budget, uint64_t off, uint64_t size);

/* ---- small shared predicates */

/* carve_fourcc_printable — four bytes of ASCII letters, digits, space
 * or the punctuation chunk ids use: a RIFF chunk id, a box type. */
bool carve_fourcc_printable(const unsigned char *p);

/* carve_fourcc_in — p is one of the NULL-terminated four-character
 * codes in list. */
bool carve_fourcc_in(const unsigned char *p, const char *const *list);

/* carve_all_zero — buf[0..len) holds only zero bytes. */
bool carve_all_zero(const unsigned char *buf, size_t len);

#endif

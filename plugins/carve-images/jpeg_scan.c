/*
 * jpeg_scan.c — the entropy-coded data of a JPEG scan, checked as it
 * streams past.  See jpeg_scan.h.
 *
 * The bit reader keeps at least 32 bits ready before each symbol (a code
 * of at most 16 bits and at most 16 extra bits), so a symbol never straddles
 * a block boundary: when a block ends with fewer bits, the decoder stops
 * between two symbols and picks up where it was with the next block.  At
 * a marker no more data bits exist; the decoder goes on with what it has,
 * and taking a bit it does not have is the error.
 */
#include "jpeg_scan.h"

#include <string.h>

#include "exhibit/plugin.h"

#define MAX_FILL_BYTES 4096 /* 0xFF fill bytes in a row before a marker */
#define READY_BITS 32

/* Outcomes of decoding one block. */
enum { BLOCK_DONE = 0, BLOCK_NEED_BITS, BLOCK_ERROR };

int jpeg_huffman_build(jpeg_huffman *t, const uint8_t counts[16], const uint8_t *symbols,
                       unsigned n_symbols)
{
	uint32_t code = 0;
	unsigned k = 0;

	memset(t, 0, sizeof *t);
	if (n_symbols > 256)
		return -1;
	memcpy(t->values, symbols, n_symbols);
	t->maxcode[0] = -1;
	for (unsigned len = 1; len <= 16; len++) {
		unsigned n = counts[len - 1];
		t->valoffset[len] = (int32_t)k - (int32_t)code;
		t->maxcode[len] = n ? (int32_t)(code + n - 1) : -1;
		if (code + n > (1u << len))
			return -1;
		for (unsigned j = 0; j < n; j++, code++, k++) {
			if (len <= JPEG_FAST_BITS) {
				unsigned first = code << (JPEG_FAST_BITS - len);
				unsigned count = 1u << (JPEG_FAST_BITS - len);
				for (unsigned f = 0; f < count; f++)
					t->fast[first + f] = (uint16_t)(len << 8 | symbols[k]);
			}
		}
		code <<= 1;
	}
	t->defined = k == n_symbols;
	return t->defined ? 0 : -1;
}

void jpeg_scan_start(jpeg_scan *s, const jpeg_scan_setup *setup)
{
	s->setup = *setup;
	s->acc = 0;
	s->nbits = 0;
	s->pending_ff = s->at_marker = 0;
	s->marker = 0;
	s->fill = 0;
	s->mcu = s->in_interval = 0;
	s->next_rst = 0;
	s->block = s->k = s->in_block = 0;
	s->eobrun = 0;
	memset(s->pred, 0, sizeof s->pred);
}

/* ---- the bit reader ------------------------------------------------------ */

/* refill — take bytes from p[i..n) into the reader until it holds more
 * than 56 bits, a marker stops it, or the block ends.  RETURN the new i. */
static size_t refill(jpeg_scan *s, uint64_t pos, const unsigned char *p, size_t n, size_t i)
{
	while (s->nbits <= 56 && i < n) {
		unsigned c = p[i];
		if (s->pending_ff) {
			if (c == 0x00) {
				s->pending_ff = 0;
				c = 0xFF;
			} else if (c == 0xFF) { /* the byte before was fill */
				s->ff_at = pos + i++;
				s->fill++;
				continue;
			} else {
				s->pending_ff = 0;
				s->at_marker = 1;
				s->marker = (uint8_t)c;
				s->marker_at = s->ff_at;
				return i + 1;
			}
		} else if (c == 0xFF) {
			s->pending_ff = 1;
			s->ff_at = pos + i++;
			s->fill = 0;
			continue;
		}
		s->acc |= (uint64_t)c << (56 - s->nbits);
		s->nbits += 8;
		i++;
	}
	return i;
}

/* bit_offset — the candidate offset of the byte holding the next unread
 * bit (stuffing makes it late by a byte at most per stuffed byte). */
static uint64_t bit_offset(const jpeg_scan *s, uint64_t next_byte)
{
	uint64_t next = s->at_marker ? s->marker_at : s->pending_ff ? s->ff_at : next_byte;
	uint64_t back = s->nbits > 0 ? (uint64_t)(s->nbits + 7) / 8 : 0;

	return next > back ? next - back : 0;
}

static inline void consume(jpeg_scan *s, unsigned n)
{
	s->acc <<= n;
	s->nbits -= (int32_t)n;
}

static inline uint32_t peek(const jpeg_scan *s, unsigned n)
{
	return n ? (uint32_t)(s->acc >> (64 - n)) : 0;
}

/* Decode one Huffman symbol: its value, with *len its code length, or -1. */
static inline int huffman_symbol(const jpeg_huffman *t, uint64_t acc, unsigned *len)
{
	unsigned e = t->fast[acc >> (64 - JPEG_FAST_BITS)];

	if (e) {
		*len = e >> 8;
		return e & 0xff;
	}
	for (unsigned l = JPEG_FAST_BITS + 1; l <= 16; l++) {
		int32_t code = (int32_t)(acc >> (64 - l));
		if (code <= t->maxcode[l]) {
			*len = l;
			return t->values[t->valoffset[l] + code];
		}
	}
	return -1;
}

/* The signed value of an s-bit magnitude (T.81 F.2.2.1 EXTEND). */
static inline int32_t extend(uint32_t v, unsigned s)
{
	return s && v < (1u << (s - 1)) ? (int32_t)v - (int32_t)(1u << s) + 1 : (int32_t)v;
}

/* ---- blocks ---------------------------------------------------------------- */

/* A bit was taken that was not there: the marker came too soon. */
static int short_of_bits(const jpeg_scan *s, uint64_t *bad)
{
	*bad = s->marker_at;
	return BLOCK_ERROR;
}

/* ready — the next symbol can be decoded without waiting for bytes. */
static inline int ready(const jpeg_scan *s)
{
	return s->nbits >= READY_BITS || s->at_marker;
}

/* decode_dc — the DC difference of the block's component c. */
static int decode_dc(jpeg_scan *s, unsigned c, uint64_t next, uint64_t *bad)
{
	const jpeg_huffman *t = &s->dc[s->setup.dc_table[c]];
	unsigned len, max = s->setup.precision > 8 ? 15 : 11;
	int32_t limit = s->setup.precision > 8 ? 32767 : 2047;
	int sym = huffman_symbol(t, s->acc, &len);

	if (sym < 0 || (unsigned)sym > max) {
		*bad = bit_offset(s, next);
		return BLOCK_ERROR;
	}
	consume(s, len);
	s->pred[c] += extend(peek(s, (unsigned)sym), (unsigned)sym);
	consume(s, (unsigned)sym);
	if (s->nbits < 0)
		return short_of_bits(s, bad);
	if (s->pred[c] > limit || s->pred[c] < -limit) {
		*bad = bit_offset(s, next);
		return BLOCK_ERROR;
	}
	return BLOCK_DONE;
}

/* sequential_block — the rest of a sequential block: DC, then AC 1..63. */
static int sequential_block(jpeg_scan *s, unsigned c, uint64_t next, uint64_t *bad)
{
	const jpeg_huffman *t = &s->ac[s->setup.ac_table[c]];
	unsigned max = s->setup.precision > 8 ? 14 : 10;
	unsigned k = s->k;

	if (!s->in_block) {
		int rc = decode_dc(s, c, next, bad);
		if (rc != BLOCK_DONE)
			return rc;
		s->in_block = 1;
		k = 1;
	}
	while (k < 64) {
		unsigned len, r, size;
		int sym;
		if (!ready(s)) {
			s->k = (uint8_t)k;
			return BLOCK_NEED_BITS;
		}
		sym = huffman_symbol(t, s->acc, &len);
		if (sym < 0)
			goto bad_code;
		r = (unsigned)sym >> 4;
		size = (unsigned)sym & 15;
		if (size == 0) {
			if (r == 0) { /* end of block */
				consume(s, len);
				break;
			}
			if (r != 15 || k + 16 > 64)
				goto bad_code;
			consume(s, len);
			k += 16;
		} else {
			if (size > max || k + r > 63)
				goto bad_code;
			consume(s, len + size);
			k += r + 1;
		}
		if (s->nbits < 0)
			return short_of_bits(s, bad);
	}
	if (s->nbits < 0)
		return short_of_bits(s, bad);
	s->in_block = 0;
	s->k = 0;
	return BLOCK_DONE;
bad_code:
	*bad = bit_offset(s, next);
	return BLOCK_ERROR;
}

/* ac_first_block — a progressive AC first scan's block: band Ss..Se with
 * end-of-band runs that may cover later blocks. */
static int ac_first_block(jpeg_scan *s, uint64_t next, uint64_t *bad)
{
	const jpeg_huffman *t = &s->ac[s->setup.ac_table[0]];
	unsigned max = s->setup.precision > 8 ? 14 : 10;
	unsigned k = s->in_block ? s->k : s->setup.ss;

	if (!s->in_block && s->eobrun) {
		s->eobrun--;
		return BLOCK_DONE;
	}
	s->in_block = 1;
	while (k <= s->setup.se) {
		unsigned len, r, size;
		int sym;
		if (!ready(s)) {
			s->k = (uint8_t)k;
			return BLOCK_NEED_BITS;
		}
		sym = huffman_symbol(t, s->acc, &len);
		if (sym < 0)
			goto bad_code;
		r = (unsigned)sym >> 4;
		size = (unsigned)sym & 15;
		if (size) {
			if (size > max || k + r > s->setup.se)
				goto bad_code;
			consume(s, len + size);
			k += r + 1;
		} else if (r < 15) { /* a run of 2^r + extra end-of-bands, this block first */
			consume(s, len);
			s->eobrun = (1u << r) + peek(s, r) - 1;
			consume(s, r);
			break;
		} else {
			if (k + 16 > s->setup.se + 1)
				goto bad_code;
			consume(s, len);
			k += 16;
		}
		if (s->nbits < 0)
			return short_of_bits(s, bad);
	}
	if (s->nbits < 0)
		return short_of_bits(s, bad);
	s->in_block = 0;
	s->k = 0;
	return BLOCK_DONE;
bad_code:
	*bad = bit_offset(s, next);
	return BLOCK_ERROR;
}

/* decode_block — the current block, as far as the bits allow. */
static int decode_block(jpeg_scan *s, uint64_t next, uint64_t *bad)
{
	unsigned c = s->setup.block_component[s->block];

	switch (s->setup.kind) {
	case JPEG_SCAN_SEQUENTIAL:
		return sequential_block(s, c, next, bad);
	case JPEG_SCAN_DC_FIRST:
		return decode_dc(s, c, next, bad);
	case JPEG_SCAN_DC_REFINE:
		consume(s, 1);
		return s->nbits < 0 ? short_of_bits(s, bad) : BLOCK_DONE;
	default:
		return ac_first_block(s, next, bad);
	}
}

/* ---- restart intervals and the end of the scan ------------------------------ */

/* The stream is at an MCU boundary where a marker must come. */
static int at_boundary(const jpeg_scan *s)
{
	const jpeg_scan_setup *u = &s->setup;

	return s->block == 0 && !s->in_block && s->mcu > 0 &&
	       ((u->mcus && s->mcu == u->mcus) || (u->restart && s->in_interval == u->restart));
}

static void restart(jpeg_scan *s)
{
	s->next_rst = (s->next_rst + 1) & 7;
	s->in_interval = 0;
	s->eobrun = 0;
	memset(s->pred, 0, sizeof s->pred);
	s->acc = 0;
	s->nbits = 0;
	s->at_marker = 0;
}

/*
 * boundary — the checks where a marker must come.
 * RETURN: CONTINUE (a restart was taken), END (the scan is over),
 * ERROR (*bad).
 */
static int boundary(jpeg_scan *s, uint64_t next, uint64_t *bad)
{
	const jpeg_scan_setup *u = &s->setup;

	if (!s->at_marker || s->nbits >= 8 || s->eobrun) {
		/* data where the interval or scan must end */
		*bad = s->at_marker && s->nbits < 8 ? s->marker_at : bit_offset(s, next);
		return EXHIBIT_CARVE_ERROR;
	}
	if (u->mcus && s->mcu == u->mcus)
		return EXHIBIT_CARVE_END;
	if (s->marker != 0xD0 + s->next_rst) {
		*bad = s->marker_at;
		return EXHIBIT_CARVE_ERROR;
	}
	restart(s);
	return EXHIBIT_CARVE_CONTINUE;
}

/* An unknown number of MCUs (DNL): any marker but the next RSTn at an
 * MCU boundary, with only padding left, ends the scan. */
static int ends_unsized_scan(const jpeg_scan *s)
{
	return !s->setup.mcus && s->block == 0 && !s->in_block && s->at_marker &&
	       s->nbits < 8 && !(s->setup.restart && s->marker == 0xD0 + s->next_rst);
}

/* ---- byte-level scans -------------------------------------------------------- */

static int scan_bytes(jpeg_scan *s, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
                      uint64_t *bad)
{
	size_t i = 0;

	while (i < n) {
		const unsigned char *ff;
		if (s->pending_ff) {
			unsigned c = p[i];
			if (c == 0xFF) {
				s->ff_at = pos + i++;
				if (++s->fill > MAX_FILL_BYTES) {
					*bad = s->ff_at;
					return EXHIBIT_CARVE_ERROR;
				}
				continue;
			}
			s->pending_ff = 0;
			i++;
			if (c == 0x00)
				continue;
			if (c >= 0xD0 && c <= 0xD7) {
				if (!s->setup.restart || c != 0xD0u + s->next_rst) {
					*bad = s->ff_at;
					return EXHIBIT_CARVE_ERROR;
				}
				s->next_rst = (s->next_rst + 1) & 7;
				continue;
			}
			s->at_marker = 1;
			s->marker = (uint8_t)c;
			s->marker_at = s->ff_at;
			*used = i;
			return EXHIBIT_CARVE_END;
		}
		ff = memchr(p + i, 0xFF, n - i);
		if (!ff)
			break;
		i = (size_t)(ff - p);
		s->pending_ff = 1;
		s->fill = 0;
		s->ff_at = pos + i++;
	}
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- the scan ------------------------------------------------------------------ */

int jpeg_scan_feed(jpeg_scan *s, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
                   uint64_t *bad)
{
	size_t i = 0;

	if (s->setup.kind == JPEG_SCAN_BYTES)
		return scan_bytes(s, pos, p, n, used, bad);
	for (;;) {
		int rc;
		if (!ready(s)) {
			i = refill(s, pos, p, n, i);
			if (s->fill > MAX_FILL_BYTES) {
				*bad = s->ff_at;
				return EXHIBIT_CARVE_ERROR;
			}
			if (!ready(s))
				return EXHIBIT_CARVE_CONTINUE; /* the block is used up */
		}
		if (at_boundary(s)) {
			rc = boundary(s, pos + i, bad);
			if (rc == EXHIBIT_CARVE_END)
				*used = i;
			if (rc != EXHIBIT_CARVE_CONTINUE)
				return rc;
			continue;
		}
		if (ends_unsized_scan(s)) {
			*used = i;
			return EXHIBIT_CARVE_END;
		}
		rc = decode_block(s, pos + i, bad);
		if (rc == BLOCK_ERROR)
			return EXHIBIT_CARVE_ERROR;
		if (rc == BLOCK_NEED_BITS)
			continue;
		if (++s->block == s->setup.n_blocks) {
			s->block = 0;
			s->mcu++;
			s->in_interval++;
		}
	}
}

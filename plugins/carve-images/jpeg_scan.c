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
 *
 * Speed matters (every JPEG-looking run of unallocated space goes through
 * here), so the reader lives in locals while a block of input is decoded
 * and takes up to eight bytes at a time when none of them is 0xFF.
 */
#include "jpeg_scan.h"

#include <string.h>

#include "exhibit/plugin.h"

#define MAX_FILL_BYTES 4096 /* 0xFF fill bytes in a row before a marker */
#define READY_BITS 32

/* Outcomes of decoding one block. */
enum { BLOCK_DONE = 0, BLOCK_NEED_BITS, BLOCK_ERROR };

/* The fast entry of an AC symbol of a code len bits long, or 0 when the
 * decoder must look at the symbol itself. */
static uint16_t ac_entry(unsigned len, unsigned symbol)
{
	unsigned run = symbol >> 4, size = symbol & 15;

	if (symbol == 0x00) /* end of block */
		return (uint16_t)(len | JPEG_AC_EOB << 5);
	if (symbol == 0xF0) /* sixteen zeros */
		return (uint16_t)(len | 16u << 5);
	if (size == 0 || size > 10)
		return 0;
	return (uint16_t)((len + size) | (run + 1) << 5);
}

int jpeg_huffman_build(jpeg_huffman *t, int ac, const uint8_t counts[16],
                       const uint8_t *symbols, unsigned n_symbols)
{
	uint32_t code = 0;
	unsigned k = 0;

	memset(t, 0, sizeof *t);
	if (n_symbols > 256)
		return -1;
	memcpy(t->values, symbols, n_symbols);
	for (unsigned len = 1; len <= 16; len++) {
		unsigned n = counts[len - 1];
		t->valoffset[len] = (int32_t)k - (int32_t)code;
		if (code + n > (1u << len))
			return -1;
		for (unsigned j = 0; j < n; j++, code++, k++) {
			if (len <= JPEG_FAST_BITS) {
				unsigned first = code << (JPEG_FAST_BITS - len);
				unsigned count = 1u << (JPEG_FAST_BITS - len);
				uint16_t e = ac ? ac_entry(len, symbols[k])
				                : (uint16_t)(len << 8 | symbols[k]);
				for (unsigned f = 0; f < count; f++)
					t->fast[first + f] = e;
			}
		}
		t->limit[len] = code << (16 - len);
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

/* The reader while a block of input is decoded: s->acc and s->nbits live
 * here, and go back to s when jpeg_scan_feed returns. */
typedef struct reader {
	uint64_t acc;          /* unread bits, most significant first */
	int32_t nbits;         /* how many are real; negative: more were taken */
	size_t i;              /* next input byte */
	const unsigned char *p;
	size_t n;
	uint64_t pos;          /* candidate offset of p[0] */
} reader;

static inline uint64_t load_be64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* One byte the slow way: stuffing, fill and markers.  RETURN 0 when the
 * reader cannot go on (a marker, or the input is used up). */
static int take_byte(jpeg_scan *s, reader *r)
{
	unsigned c;

	if (r->i >= r->n)
		return 0;
	c = r->p[r->i];
	if (s->pending_ff) {
		if (c == 0xFF) { /* the byte before was fill */
			s->ff_at = r->pos + r->i++;
			s->fill++;
			return s->fill <= MAX_FILL_BYTES;
		}
		s->pending_ff = 0;
		r->i++;
		if (c != 0x00) {
			s->at_marker = 1;
			s->marker = (uint8_t)c;
			s->marker_at = s->ff_at;
			return 0;
		}
		c = 0xFF;
	} else if (c == 0xFF) {
		s->pending_ff = 1;
		s->fill = 0;
		s->ff_at = r->pos + r->i++;
		return 1;
	} else {
		r->i++;
	}
	r->acc |= (uint64_t)c << (56 - r->nbits);
	r->nbits += 8;
	return 1;
}

/* fill_fast — take as many whole bytes as fit in one go when none of
 * them is 0xFF.  RETURN 1 when it did. */
static inline int fill_fast(const jpeg_scan *s, reader *r)
{
	uint64_t w, x, mask;
	unsigned take;

	if (s->pending_ff || s->at_marker || r->i + 8 > r->n)
		return 0;
	w = load_be64(r->p + r->i);
	x = ~w;
	take = (unsigned)(64 - r->nbits) >> 3; /* 1..8 bytes fit */
	mask = take >= 8 ? ~0ull : ~(~0ull >> (8 * take));
	/* a zero byte of x is a 0xFF of w (the test may also flag bytes
	 * before a real one: then the slow way takes them) */
	if ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull & mask)
		return 0;
	r->acc |= (w & mask) >> r->nbits;
	r->nbits += (int32_t)(8 * take);
	r->i += take;
	return 1;
}

/* fill — take input until the reader holds more than 56 bits, a marker
 * stops it, or the input is used up. */
static void fill(jpeg_scan *s, reader *r)
{
	while (r->nbits <= 56 && !s->at_marker)
		if (!fill_fast(s, r) && !take_byte(s, r))
			return;
}

/* bit_offset — the candidate offset of the byte holding the next unread
 * bit (stuffing makes it late by a byte at most per stuffed byte).  The
 * bits held came from before a run of 0xFF (fill, then perhaps a marker's
 * code): counted back from the run's first byte, however much of the run
 * the reader has seen. */
static uint64_t bit_offset(const jpeg_scan *s, const reader *r)
{
	uint64_t next = s->at_marker ? s->marker_at - s->fill
	                : s->pending_ff ? s->ff_at - s->fill : r->pos + r->i;
	uint64_t back = r->nbits > 0 ? (uint64_t)(r->nbits + 7) / 8 : 0;

	return next > back ? next - back : 0;
}

static inline void consume(reader *r, unsigned n)
{
	r->acc <<= n;
	r->nbits -= (int32_t)n;
}

static inline uint32_t peek(const reader *r, unsigned n)
{
	return n ? (uint32_t)(r->acc >> (64 - n)) : 0;
}

/* slow_symbol — decode one Huffman symbol the long way: its value, with
 * *len its code length, or -1 for bits no code starts. */
static int slow_symbol(const jpeg_huffman *t, uint64_t acc, unsigned *len)
{
	uint32_t c16 = (uint32_t)(acc >> 48);
	unsigned l = 1;

	/* The length is how many limits the next 16 bits reach. */
	for (unsigned k = 1; k < 16; k++)
		l += c16 >= t->limit[k];
	if (c16 >= t->limit[l])
		return -1;
	*len = l;
	return t->values[t->valoffset[l] + (int32_t)(c16 >> (16 - l))];
}

/* dc_symbol — a DC table's symbol, the fast way when the code is short. */
static inline int dc_symbol(const jpeg_huffman *t, uint64_t acc, unsigned *len)
{
	unsigned e = t->fast[acc >> (64 - JPEG_FAST_BITS)];

	if (__builtin_expect(e != 0, 1)) {
		*len = e >> 8;
		return e & 0xff;
	}
	return slow_symbol(t, acc, len);
}

/* The signed value of an s-bit magnitude (T.81 F.2.2.1 EXTEND). */
static inline int32_t extend(uint32_t v, unsigned s)
{
	return s && v < (1u << (s - 1)) ? (int32_t)v - (int32_t)(1u << s) + 1 : (int32_t)v;
}

uint32_t jpeg_component_blocks(unsigned width, unsigned height, unsigned h, unsigned v,
                               unsigned hmax, unsigned vmax)
{
	uint32_t w = ((uint32_t)width * h + hmax - 1) / hmax, l = ((uint32_t)height * v + vmax - 1) / vmax;

	return ((w + 7) / 8) * ((l + 7) / 8);
}

int jpeg_huffman_symbol(const jpeg_huffman *t, uint64_t acc, unsigned *len)
{
	return dc_symbol(t, acc, len);
}

/* ---- blocks ---------------------------------------------------------------- */

/* ready — the next symbol can be decoded without waiting for bytes. */
static inline int ready(const jpeg_scan *s, const reader *r)
{
	return r->nbits >= READY_BITS || s->at_marker;
}

/* A bit was taken that was not there: the marker came too soon. */
static int short_of_bits(const jpeg_scan *s, uint64_t *bad)
{
	*bad = s->marker_at;
	return BLOCK_ERROR;
}

static int bad_code(const jpeg_scan *s, const reader *r, uint64_t *bad)
{
	*bad = bit_offset(s, r);
	return BLOCK_ERROR;
}

/* decode_dc — the DC difference of the block's component c. */
static int decode_dc(jpeg_scan *s, reader *r, unsigned c, uint64_t *bad)
{
	const jpeg_huffman *t = &s->dc[s->setup.dc_table[c]];
	unsigned len, max = s->setup.precision > 8 ? 15 : 11;
	int32_t limit = s->setup.precision > 8 ? 32767 : 2047;
	int sym = dc_symbol(t, r->acc, &len);

	if (sym < 0 || (unsigned)sym > max)
		return bad_code(s, r, bad);
	consume(r, len);
	s->pred[c] += extend(peek(r, (unsigned)sym), (unsigned)sym);
	consume(r, (unsigned)sym);
	if (r->nbits < 0)
		return short_of_bits(s, bad);
	if (s->pred[c] > limit || s->pred[c] < -limit)
		return bad_code(s, r, bad);
	return BLOCK_DONE;
}

/*
 * ac_slow — one AC symbol the fast table leaves out, at coefficient *k of
 * a band ending at limit - 1.  RETURN: 1 when the block goes on, 0 when
 * it ends (an end-of-band run was read), -1 when the symbol cannot be.
 */
static int ac_slow(jpeg_scan *s, reader *r, const jpeg_huffman *t, unsigned *k, unsigned limit)
{
	unsigned len, run, size, max = s->setup.precision > 8 ? 14 : 10;
	int sym = slow_symbol(t, r->acc, &len);

	if (sym < 0)
		return -1;
	run = (unsigned)sym >> 4;
	size = (unsigned)sym & 15;
	if (size) {
		if (size > max || *k + run + 1 > limit)
			return -1;
		consume(r, len + size);
		*k += run + 1;
		return 1;
	}
	if (run == 15) {
		if (*k + 16 > limit)
			return -1;
		consume(r, len);
		*k += 16;
		return 1;
	}
	if (s->setup.kind != JPEG_SCAN_AC_FIRST && run != 0)
		return -1;
	consume(r, len); /* end of block, or of a run of 2^run + extra blocks */
	s->eobrun = (1u << run) + peek(r, run) - 1;
	consume(r, run);
	return 0;
}

/*
 * ac_band — the AC coefficients of the current block from s->k to
 * limit - 1 (64 in sequential scans, Se + 1 in progressive ones), taking
 * input as it needs it.  The common codes take one table look-up each.
 */
static int ac_band(jpeg_scan *s, reader *r, const jpeg_huffman *t, unsigned limit, uint64_t *bad)
{
	uint64_t acc = r->acc;
	int32_t nbits = r->nbits;
	size_t i = r->i;
	unsigned k = s->k;
	int plain = !s->pending_ff && !s->at_marker; /* fill_fast's way is open */

	while (k < limit) {
		unsigned e;
		if (nbits < READY_BITS) {
			/* fill_fast, on the locals */
			uint64_t w = 0, x = 0, mask = 0;
			unsigned take = (unsigned)(64 - nbits) >> 3;
			if (plain && i + 8 <= r->n) {
				w = load_be64(r->p + i);
				x = ~w;
				mask = take >= 8 ? ~0ull : ~(~0ull >> (8 * take));
			}
			if (mask && !((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull & mask)) {
				acc |= (w & mask) >> nbits;
				nbits += (int32_t)(8 * take);
				i += take;
			} else {
				r->acc = acc;
				r->nbits = nbits;
				r->i = i;
				fill(s, r);
				acc = r->acc;
				nbits = r->nbits;
				i = r->i;
				plain = !s->pending_ff && !s->at_marker;
				if (nbits < READY_BITS && !s->at_marker) {
					s->k = (uint8_t)k;
					return BLOCK_NEED_BITS;
				}
			}
		}
		e = t->fast[acc >> (64 - JPEG_FAST_BITS)];
		if (__builtin_expect(e != 0, 1)) {
			unsigned take = e & 31, advance = e >> 5;
			if (__builtin_expect(k + advance > limit, 0)) {
				if (advance != JPEG_AC_EOB) {
					r->acc = acc;
					r->nbits = nbits;
					r->i = i;
					return bad_code(s, r, bad);
				}
				acc <<= take;
				nbits -= (int32_t)take;
				break;
			}
			acc <<= take;
			nbits -= (int32_t)take;
			k += advance;
		} else {
			int more;
			r->acc = acc;
			r->nbits = nbits;
			r->i = i;
			more = ac_slow(s, r, t, &k, limit);
			if (more < 0)
				return bad_code(s, r, bad);
			acc = r->acc;
			nbits = r->nbits;
			if (!more)
				break;
		}
	}
	r->acc = acc;
	r->nbits = nbits;
	r->i = i;
	if (nbits < 0)
		return short_of_bits(s, bad);
	s->in_block = 0;
	s->k = 0;
	return BLOCK_DONE;
}

/* sequential_block — the rest of a sequential block: DC, then AC 1..63. */
static int sequential_block(jpeg_scan *s, reader *r, unsigned c, uint64_t *bad)
{
	if (!s->in_block) {
		int rc = decode_dc(s, r, c, bad);
		if (rc != BLOCK_DONE)
			return rc;
		s->in_block = 1;
		s->k = 1;
	}
	return ac_band(s, r, &s->ac[s->setup.ac_table[c]], 64, bad);
}

/* ac_first_block — a progressive AC first scan's block: band Ss..Se with
 * end-of-band runs that may cover later blocks. */
static int ac_first_block(jpeg_scan *s, reader *r, uint64_t *bad)
{
	if (!s->in_block) {
		if (s->eobrun) {
			s->eobrun--;
			return BLOCK_DONE;
		}
		s->in_block = 1;
		s->k = (uint8_t)s->setup.ss;
	}
	return ac_band(s, r, &s->ac[s->setup.ac_table[0]], s->setup.se + 1, bad);
}

/* decode_block — the current block, as far as the bits allow. */
static int decode_block(jpeg_scan *s, reader *r, uint64_t *bad)
{
	unsigned c = s->setup.block_component[s->block];

	switch (s->setup.kind) {
	case JPEG_SCAN_SEQUENTIAL:
		return sequential_block(s, r, c, bad);
	case JPEG_SCAN_DC_FIRST:
		return decode_dc(s, r, c, bad);
	case JPEG_SCAN_DC_REFINE:
		consume(r, 1);
		return r->nbits < 0 ? short_of_bits(s, bad) : BLOCK_DONE;
	default:
		return ac_first_block(s, r, bad);
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

static int is_next_rst(const jpeg_scan *s, unsigned marker)
{
	return marker == 0xD0u + s->next_rst;
}

static void restart(jpeg_scan *s, reader *r)
{
	s->next_rst = (s->next_rst + 1) & 7;
	s->in_interval = 0;
	s->eobrun = 0;
	memset(s->pred, 0, sizeof s->pred);
	r->acc = 0;
	r->nbits = 0;
	s->at_marker = 0;
}

/*
 * boundary — the checks where a marker must come.
 * RETURN: CONTINUE (a restart was taken), END (the scan is over),
 * ERROR (*bad).
 */
static int boundary(jpeg_scan *s, reader *r, uint64_t *bad)
{
	const jpeg_scan_setup *u = &s->setup;

	if (!s->at_marker || r->nbits >= 8 || s->eobrun) {
		/* data where the interval or scan must end */
		*bad = s->at_marker && r->nbits < 8 ? s->marker_at : bit_offset(s, r);
		return EXHIBIT_CARVE_ERROR;
	}
	if (u->mcus && s->mcu == u->mcus)
		return EXHIBIT_CARVE_END;
	if (!is_next_rst(s, s->marker)) {
		*bad = s->marker_at;
		return EXHIBIT_CARVE_ERROR;
	}
	restart(s, r);
	return EXHIBIT_CARVE_CONTINUE;
}

/* An unknown number of MCUs (DNL): any marker but the next RSTn at an
 * MCU boundary, with only padding left, ends the scan. */
static int ends_unsized_scan(const jpeg_scan *s, const reader *r)
{
	return !s->setup.mcus && s->block == 0 && !s->in_block && s->at_marker && r->nbits < 8 &&
	       !(s->setup.restart && is_next_rst(s, s->marker));
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
				if (!s->setup.restart || !is_next_rst(s, c)) {
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

/* ---- runs of zero bytes ------------------------------------------------------ */

/*
 * Zeros decode as the codes made of zero bits, the same way in every MCU:
 * with some tables (optimised ones, where an end of block may be all
 * zeros) a run of zero bytes is valid scan data for as long as it lasts.
 * The fragment search then decodes every such run once per start it
 * tries inside it.  mcu_of_zeros tells what one MCU of zero bits takes;
 * skip_zeros then passes whole MCUs of a run at once, with exactly the
 * outcome of decoding them (the decoder's position moves, its predictors
 * stay, since the difference zero bits code must be 0 for a skip).
 */
#define ZERO_RUN_MIN 256 /* bytes of zeros ahead before skipping is tried */

/* The bits one block of zero bits takes (0: not a plain block: a DC
 * difference other than 0, or codes that cannot be). */
static unsigned block_of_zeros(const jpeg_scan *s, unsigned c)
{
	const jpeg_huffman *dc = &s->dc[s->setup.dc_table[c]], *ac = &s->ac[s->setup.ac_table[c]];
	unsigned len, bits, k = 1;
	int sym = dc_symbol(dc, 0, &len);

	if (sym != 0)
		return 0;
	bits = len;
	while (k < 64) {
		unsigned run, size;
		if ((sym = slow_symbol(ac, 0, &len)) < 0)
			return 0;
		run = (unsigned)sym >> 4;
		size = (unsigned)sym & 15;
		if (!size && run == 0)
			return bits + len;              /* end of block */
		if (!size && run != 15)
			return 0;                       /* an end-of-band run: not sequential */
		k += size ? run + 1 : 16;
		if (k > 64 || size > 10)
			return 0;
		bits += len + size;
	}
	return bits;
}

static unsigned mcu_of_zeros(const jpeg_scan *s)
{
	unsigned bits = 0;

	for (unsigned b = 0; b < s->setup.n_blocks; b++) {
		unsigned x = block_of_zeros(s, s->setup.block_component[b]);
		if (!x)
			return 0;
		bits += x;
	}
	return bits;
}

/* skip_zeros — at an MCU boundary of a sequential scan with only zero
 * bits buffered: pass the whole MCUs the zero bytes ahead hold, but the
 * last ones (decoded as usual, with the end of the run, an interval or
 * the scan).  RETURN 1 when it did. */
static int skip_zeros(jpeg_scan *s, reader *r)
{
	const jpeg_scan_setup *u = &s->setup;
	uint64_t bound = UINT32_MAX, held, mcus, skip;
	size_t z = 0, want, avail;
	unsigned per_mcu;

	if (r->acc != 0 || r->nbits < 0 || s->pending_ff || s->at_marker ||
	    r->i + ZERO_RUN_MIN > r->n || r->p[r->i] != 0)
		return 0;
	/* The MCUs that may be passed: all but the last of the scan and of
	 * the interval.  Known before the run is measured, so that a run that
	 * cannot be skipped is not measured again at every MCU. */
	if (u->mcus)
		bound = u->mcus > s->mcu + 1 ? u->mcus - s->mcu - 1 : 0;
	if (u->restart && s->in_interval + 1 + bound > u->restart)
		bound = u->restart > s->in_interval + 1 ? u->restart - s->in_interval - 1 : 0;
	if (!bound || !(per_mcu = mcu_of_zeros(s)))
		return 0;
	/* Measure the run as far as those MCUs and two more (decoded as usual,
	 * with whatever ends the run) reach. */
	want = (size_t)(((bound + 2) * per_mcu + 7) / 8);
	while (z < want && r->i + z < r->n && r->p[r->i + z] == 0)
		z++;
	if (z < ZERO_RUN_MIN)
		return 0;
	held = ((uint64_t)r->nbits + 8 * (uint64_t)z) / per_mcu;
	if (held < 3)
		return 0;
	mcus = held - 2 < bound ? held - 2 : bound;
	skip = mcus * per_mcu;
	if (skip <= (uint64_t)r->nbits) {
		r->nbits -= (int32_t)skip;          /* acc is all zeros: it stays so */
	} else {
		skip -= (uint64_t)r->nbits;
		avail = (size_t)(skip / 8);
		r->i += avail;
		r->nbits = 0;
		if (skip % 8) {                     /* part of one more zero byte */
			r->i++;
			r->nbits = (int32_t)(8 - skip % 8);
		}
	}
	s->mcu += (uint32_t)mcus;
	s->in_interval += (uint32_t)mcus;
	return 1;
}

/* decode — the decoded kinds of scan over the reader's input. */
static int decode(jpeg_scan *s, reader *r, size_t *used, uint64_t *bad)
{
	for (;;) {
		int rc;
		if (!ready(s, r)) {
			fill(s, r);
			if (s->fill > MAX_FILL_BYTES) {
				*bad = s->ff_at;
				return EXHIBIT_CARVE_ERROR;
			}
			if (!ready(s, r))
				return EXHIBIT_CARVE_CONTINUE; /* the input is used up */
		}
		if (at_boundary(s)) {
			rc = boundary(s, r, bad);
			if (rc == EXHIBIT_CARVE_END)
				*used = r->i;
			if (rc != EXHIBIT_CARVE_CONTINUE)
				return rc;
			continue;
		}
		if (ends_unsized_scan(s, r)) {
			*used = r->i;
			return EXHIBIT_CARVE_END;
		}
		if (s->block == 0 && !s->in_block && r->acc == 0 &&
		    s->setup.kind == JPEG_SCAN_SEQUENTIAL && skip_zeros(s, r))
			continue;
		rc = decode_block(s, r, bad);
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

int jpeg_scan_feed(jpeg_scan *s, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
                   uint64_t *bad)
{
	reader r = { s->acc, s->nbits, 0, p, n, pos };
	int rc;

	if (s->setup.kind == JPEG_SCAN_BYTES)
		return scan_bytes(s, pos, p, n, used, bad);
	rc = decode(s, &r, used, bad);
	s->acc = r.acc;
	s->nbits = r.nbits;
	return rc;
}

/* A marker code that may follow a scan's data: the image's end, another
 * scan or the tables and segments that may come between scans (what
 * marker() in jpeg.c takes after a scan).  Restarts and fill are the
 * caller's. */
static int may_follow_scan(unsigned c)
{
	return c == 0xD9 || c == 0x01 || c == 0xDA || c == 0xDC || c == 0xC4 || c == 0xCC ||
	       c == 0xDB || c == 0xDD || c == 0xFE || (c >= 0xE0 && c <= 0xEF);
}

int jpeg_scan_cannot_go_on(const jpeg_scan *s, const unsigned char *p, size_t n)
{
	size_t i = 0;
	int after_ff = s->pending_ff;

	if (s->at_marker)
		return 0;
	while (i < n) {
		const unsigned char *ff;
		unsigned c;
		if (!after_ff) {
			if (!(ff = memchr(p + i, 0xFF, n - i)))
				return 0;
			i = (size_t)(ff - p) + 1;
			after_ff = 1;
			continue;
		}
		c = p[i++];
		if (c == 0xFF)
			continue;                 /* fill: the marker code is still to come */
		after_ff = 0;
		if (c == 0x00 || (c >= 0xD0 && c <= 0xD7))
			continue;                 /* stuffing, a restart */
		return !may_follow_scan(c);
	}
	return 0;
}

/*
 * inflate_check.c — see inflate_check.h.
 *
 * The bit reader keeps up to 64 bits in acc (the stream's next bit
 * lowest).  Each step reads one whole item — a block header, one code
 * length, a literal, a length with its distance, a stored block's length
 * — and only when acc holds all of its bits; otherwise it waits for the
 * next feed with nothing consumed, so the state between feeds is always
 * at an item boundary.
 */
#include "inflate_check.h"

#include <string.h>

enum phase {
	PH_ZLIB_HEADER = 0,
	PH_BLOCK,           /* BFINAL, BTYPE */
	PH_STORED_LENGTH,   /* LEN, NLEN (byte-aligned) */
	PH_STORED_DATA,
	PH_DYNAMIC_HEADER,  /* HLIT, HDIST, HCLEN */
	PH_CODE_LENGTH_CODE,/* HCLEN lengths of 3 bits */
	PH_CODE_LENGTHS,    /* HLIT + HDIST code lengths */
	PH_CODES,           /* literals, lengths and distances */
	PH_BLOCK_END,
	PH_TRAILER,         /* Adler-32 (byte-aligned) */
	PH_DONE
};

/* RFC 1951 3.2.5: length and distance bases and extra bits. */
static const uint16_t length_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
                                          31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
                                          227, 258 };
static const uint8_t length_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                          2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t distance_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97,
                                            129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
                                            3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t distance_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
                                            6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
                                            13, 13 };
/* RFC 1951 3.2.7: the order of the code length code's lengths. */
static const uint8_t length_order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13,
                                          2, 14, 1, 15 };

enum { NEED = -2, INVALID = -1 };

/* ---- Huffman codes ----------------------------------------------------- */

static unsigned reverse_bits(unsigned code, unsigned len)
{
	unsigned r = 0;

	for (unsigned i = 0; i < len; i++, code >>= 1)
		r = (r << 1) | (code & 1);
	return r;
}

/* build — the canonical code of n lengths.  A set must be complete, as
 * zlib demands, except a single code of one bit, and (when may_be_empty)
 * no code at all.  RETURN 1, or 0 when the lengths cannot be a code. */
static int build(inflate_huffman *h, const uint8_t *lens, unsigned n, int may_be_empty)
{
	uint16_t next[16];
	int left = 1;
	unsigned max = 0, index = 0, code = 0;

	memset(h->count, 0, sizeof h->count);
	memset(h->fast, 0, sizeof h->fast);
	for (unsigned i = 0; i < n; i++)
		h->count[lens[i]]++;
	h->count[0] = 0;
	for (unsigned l = 1; l <= 15; l++) {
		left = left * 2 - h->count[l];
		if (left < 0)
			return 0;                   /* over-subscribed */
		if (h->count[l])
			max = l;
	}
	if (max == 0)
		return may_be_empty;
	if (left > 0 && max != 1)
		return 0;                           /* incomplete */
	for (unsigned l = 1; l <= 15; l++) {
		code = (code + h->count[l - 1]) << 1;
		h->first_code[l] = (uint16_t)code;
		h->first_index[l] = (uint16_t)index;
		next[l] = (uint16_t)index;
		index += h->count[l];
	}
	for (unsigned s = 0; s < n; s++) {
		unsigned l = lens[s], k;
		if (!l)
			continue;
		k = next[l]++;
		h->symbols[k] = (uint16_t)s;
		if (l <= INFLATE_FAST_BITS) {
			unsigned r = reverse_bits(h->first_code[l] + (k - h->first_index[l]), l);
			for (; r < (1u << INFLATE_FAST_BITS); r += 1u << l)
				h->fast[r] = (uint16_t)(l << 9 | s);
		}
	}
	return 1;
}

/* decode — the symbol the next bits of acc (avail of them real) code,
 * and *len its code's length; NEED when avail does not settle it,
 * INVALID when no code of h starts so. */
static inline int decode(const inflate_huffman *h, uint64_t acc, uint32_t avail, unsigned *len)
{
	unsigned e = h->fast[acc & ((1u << INFLATE_FAST_BITS) - 1)], code = 0;

	if (e) {
		*len = e >> 9;
		return *len <= avail ? (int)(e & 511) : NEED;
	}
	for (unsigned l = 1; l <= 15; l++) {
		if (l > avail)
			return NEED;
		code = code << 1 | (unsigned)((acc >> (l - 1)) & 1);
		if (code - h->first_code[l] < h->count[l]) {
			*len = l;
			return h->symbols[h->first_index[l] + code - h->first_code[l]];
		}
	}
	return INVALID;
}

/* ---- the bit reader ---------------------------------------------------- */

typedef struct input {
	const unsigned char *p;
	size_t n, i;
} input;

/* refill — acc up to 57 bits or more while the input lasts.  With 8
 * bytes at hand it loads them at once: bits past the whole bytes it
 * counts are those of the next bytes, which the next refill loads again
 * at the same place (an OR of the same bits), so acc never holds
 * anything else above nbits. */
static inline void refill(inflate_check *z, input *in)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (z->nbits <= 56 && in->n - in->i >= 8) {
		uint64_t v;
		unsigned k = (63 - z->nbits) >> 3;
		memcpy(&v, in->p + in->i, 8);
		z->acc |= v << z->nbits;
		in->i += k;
		z->fed += k;
		z->nbits += 8 * k;
		return;
	}
#endif
	while (z->nbits <= 56 && in->i < in->n) {
		z->acc |= (uint64_t)in->p[in->i++] << z->nbits;
		z->nbits += 8;
		z->fed++;
	}
}

static inline uint32_t peek(const inflate_check *z, unsigned skip, unsigned k)
{
	return (uint32_t)(z->acc >> skip) & ((1u << k) - 1);
}

static inline void consume(inflate_check *z, unsigned k)
{
	z->acc = k < 64 ? z->acc >> k : 0;
	z->nbits -= k;
}

static void align(inflate_check *z)
{
	consume(z, z->nbits & 7);
}

/* ---- the items --------------------------------------------------------- */

static int zlib_header(inflate_check *z)
{
	unsigned cmf = peek(z, 0, 8), flg = peek(z, 8, 8);

	if ((cmf & 15) != 8 || (cmf >> 4) > 7 || (cmf << 8 | flg) % 31 || (flg & 0x20))
		return INVALID;
	z->window = 1u << ((cmf >> 4) + 8);
	consume(z, 16);
	z->phase = PH_BLOCK;
	return 0;
}

static int block_header(inflate_check *z)
{
	unsigned type = peek(z, 1, 2);

	z->final = peek(z, 0, 1);
	consume(z, 3);
	if (type == 0) {
		align(z);
		z->phase = PH_STORED_LENGTH;
	} else if (type == 1) {
		/* RFC 1951 3.2.6; all 32 distance codes, 30 and 31 invalid in use */
		for (unsigned s = 0; s < 288; s++)
			z->lens[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
		build(&z->lit, z->lens, 288, 0);
		memset(z->lens, 5, 32);
		build(&z->dist, z->lens, 32, 0);
		z->phase = PH_CODES;
	} else if (type == 2) {
		z->phase = PH_DYNAMIC_HEADER;
	} else {
		return INVALID;
	}
	return 0;
}

static int dynamic_header(inflate_check *z)
{
	z->hlit = 257 + peek(z, 0, 5);
	z->hdist = 1 + peek(z, 5, 5);
	z->hclen = 4 + peek(z, 10, 4);
	if (z->hlit > 286 || z->hdist > 30)
		return INVALID;
	consume(z, 14);
	memset(z->lens, 0, sizeof z->lens);
	z->nread = 0;
	z->phase = PH_CODE_LENGTH_CODE;
	return 0;
}

static int code_length_code(inflate_check *z)
{
	uint8_t lens[19];

	z->lens[length_order[z->nread++]] = (uint8_t)peek(z, 0, 3);
	consume(z, 3);
	if (z->nread < z->hclen)
		return 0;
	memcpy(lens, z->lens, sizeof lens);
	if (!build(&z->clen, lens, 19, 0))
		return INVALID;
	memset(z->lens, 0, sizeof z->lens);
	z->nread = 0;
	z->phase = PH_CODE_LENGTHS;
	return 0;
}

static int code_length(inflate_check *z)
{
	unsigned len, extra, repeat, total = z->hlit + z->hdist;
	int sym = decode(&z->clen, z->acc, z->nbits, &len);
	uint8_t value = 0;

	if (sym < 0)
		return sym;
	if (sym < 16) {
		consume(z, len);
		z->lens[z->nread++] = (uint8_t)sym;
	} else {
		extra = sym == 16 ? 2 : sym == 17 ? 3 : 7;
		if (len + extra > z->nbits)
			return NEED;
		repeat = peek(z, len, extra) + (sym == 16 ? 3 : sym == 17 ? 3 : 11);
		if (sym == 16) {
			if (!z->nread)
				return INVALID;
			value = z->lens[z->nread - 1];
		}
		if (z->nread + repeat > total)
			return INVALID;
		consume(z, len + extra);
		memset(z->lens + z->nread, value, repeat);
		z->nread += repeat;
	}
	if (z->nread < total)
		return 0;
	if (!z->lens[256] || !build(&z->lit, z->lens, z->hlit, 0) ||
	    !build(&z->dist, z->lens + z->hlit, z->hdist, 1))
		return INVALID;
	z->phase = PH_CODES;
	return 0;
}

/* pass_rows — rows whose first byte came from a copy or a stored block:
 * not checked. */
static inline void pass_rows(inflate_check *z)
{
	if (z->row_len && z->row_at < z->out)
		z->row_at += (z->out - z->row_at + z->row_len - 1) / z->row_len * z->row_len;
}

/* codes — literals and length/distance pairs while acc holds whole ones. */
static int codes(inflate_check *z, input *in)
{
	for (;;) {
		unsigned l1, l2, at, length;
		uint32_t distance;
		int sym, dsym;

		refill(z, in);
		sym = decode(&z->lit, z->acc, z->nbits, &l1);
		if (sym < 0)
			return sym;
		if (sym < 256) {
			if (z->out == z->limit)
				return INVALID;
			if (z->out == z->row_at && z->row_len) {
				if ((unsigned)sym > z->row_max)
					return INVALID;
				z->row_at += z->row_len;
			}
			consume(z, l1);
			z->out++;
			continue;
		}
		if (sym == 256) {
			consume(z, l1);
			z->phase = PH_BLOCK_END;
			return 0;
		}
		if (sym > 285)
			return INVALID;
		at = l1 + length_extra[sym - 257];
		if (at > z->nbits)
			return NEED;
		length = length_base[sym - 257] + peek(z, l1, length_extra[sym - 257]);
		dsym = decode(&z->dist, z->acc >> at, z->nbits - at, &l2);
		if (dsym < 0)
			return dsym;
		if (dsym > 29)
			return INVALID;
		if (at + l2 + distance_extra[dsym] > z->nbits)
			return NEED;
		distance = distance_base[dsym] + peek(z, at + l2, distance_extra[dsym]);
		if (distance > z->out || distance > z->window || z->out + length > z->limit)
			return INVALID;
		consume(z, at + l2 + distance_extra[dsym]);
		z->out += length;
		pass_rows(z);
	}
}

/* stored_data — the bytes of a stored block: first those acc holds
 * (whole bytes: the block is aligned), then the input's. */
static void stored_data(inflate_check *z, input *in)
{
	while (z->stored_left && z->nbits >= 8) {
		consume(z, 8);
		z->stored_left--;
	}
	if (z->stored_left && !z->nbits) {
		size_t take;
		z->acc = 0;   /* (bits refill loaded ahead: the bytes skipped now) */
		take = in->n - in->i < z->stored_left ? in->n - in->i : z->stored_left;
		in->i += take;
		z->fed += take;
		z->stored_left -= (uint32_t)take;
	}
	if (!z->stored_left)
		z->phase = PH_BLOCK_END;
}

/* step — one item of the current phase.  RETURN 0 (done), NEED, INVALID. */
static int step(inflate_check *z, input *in)
{
	static const uint8_t bits_needed[] = { 16, 3, 32, 0, 14, 3, 0, 0, 0, 32, 0 };

	refill(z, in);
	if (z->nbits < bits_needed[z->phase])
		return NEED;
	switch (z->phase) {
	case PH_ZLIB_HEADER:
		return zlib_header(z);
	case PH_BLOCK:
		return block_header(z);
	case PH_STORED_LENGTH:
		if (peek(z, 0, 16) != (~peek(z, 16, 16) & 0xFFFF))
			return INVALID;
		z->stored_left = peek(z, 0, 16);
		if (z->out + z->stored_left > z->limit)
			return INVALID;
		z->out += z->stored_left;
		pass_rows(z);
		consume(z, 32);
		z->phase = PH_STORED_DATA;
		return 0;
	case PH_STORED_DATA:
		stored_data(z, in);
		return z->phase == PH_STORED_DATA ? NEED : 0;
	case PH_DYNAMIC_HEADER:
		return dynamic_header(z);
	case PH_CODE_LENGTH_CODE:
		return code_length_code(z);
	case PH_CODE_LENGTHS:
		return code_length(z);
	case PH_CODES:
		return codes(z, in);
	case PH_BLOCK_END:
		if (!z->final) {
			z->phase = PH_BLOCK;
		} else if (z->wrapped) {
			align(z);
			z->phase = PH_TRAILER;
		} else {
			z->phase = PH_DONE;
		}
		return 0;
	case PH_TRAILER:
		consume(z, 32);             /* the Adler-32 of output not kept */
		z->phase = PH_DONE;
		return 0;
	default:
		return 0;
	}
}

void inflate_check_start(inflate_check *z, int wrapped)
{
	memset(z, 0, sizeof *z);
	z->limit = UINT64_MAX;
	z->wrapped = wrapped ? 1 : 0;
	z->window = 32768;
	z->phase = wrapped ? PH_ZLIB_HEADER : PH_BLOCK;
}

void inflate_check_limit(inflate_check *z, uint64_t max)
{
	z->limit = max;
}

void inflate_check_rows(inflate_check *z, uint32_t row_len, unsigned max)
{
	z->row_len = row_len;
	z->row_max = max;
	z->row_at = 0;
}

int inflate_check_feed(inflate_check *z, const unsigned char *p, size_t n, size_t *used,
                       size_t *bad)
{
	input in = { p, n, 0 };
	uint64_t fed0 = z->fed;

	while (z->phase != PH_DONE) {
		int rc = step(z, &in);
		if (rc == NEED) {
			if (in.i == in.n)
				return INFLATE_MORE;
			continue;
		}
		if (rc == INVALID) {
			/* the item starts at the first bit acc holds */
			uint64_t at = (z->fed * 8 - z->nbits) / 8;
			*bad = at > fed0 ? (size_t)(at - fed0) : 0;
			return INFLATE_BAD;
		}
	}
	/* What acc holds past the stream is not the stream's. */
	*used = (size_t)(z->fed - fed0) > z->nbits / 8 ? (size_t)(z->fed - fed0) - z->nbits / 8 : 0;
	return INFLATE_END;
}

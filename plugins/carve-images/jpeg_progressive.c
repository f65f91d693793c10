/*
 * jpeg_progressive.c — see jpeg_progressive.h.
 *
 * The whole candidate is in memory, so the decoder here is the plain kind:
 * no state to suspend between blocks of input.  Only the AC scans are
 * decoded (the DC scans were, while the candidate streamed past, and they
 * leave nothing the AC scans need); the history is a bit per coefficient
 * per block, for each component.  The rules are T.81's and libjpeg's
 * (jdphuff.c): where libjpeg merely warns about data no encoder writes (a
 * refinement symbol of size above 1, a coefficient past the band, an
 * inconsistent progression), this check fails, since in carved data that
 * is the mark of bytes from elsewhere.
 */
#include "jpeg_progressive.h"

#include <stdlib.h>
#include <string.h>

#include "carve_stream.h"
#include "jpeg_scan.h"

#define MAX_HISTORY_BLOCKS ((uint32_t)4 << 20) /* 32 MiB of history, ~200 megapixels */

typedef struct frame {
	unsigned precision, width, height, n_comp, hmax, vmax;
	unsigned id[JPEG_MAX_COMPONENTS], h[JPEG_MAX_COMPONENTS], v[JPEG_MAX_COMPONENTS];
	uint32_t blocks[JPEG_MAX_COMPONENTS];   /* of each component, non-interleaved */
	uint64_t *nonzero[JPEG_MAX_COMPONENTS]; /* per block: bit k, coefficient k is non-zero */
	int8_t al[JPEG_MAX_COMPONENTS][64];     /* precision reached (Al), -1: not yet coded */
	jpeg_huffman dc[4], ac[4];  /* built as DC tables: fast entries hold symbols */
	jpeg_huffman ac_runs[4];    /* the AC tables built as AC ones (jpeg_scan.h) */
	unsigned restart;
	int decode;                 /* 0: the progression alone, scans skipped */
} frame;

typedef struct bits {
	const unsigned char *p;
	size_t n, i;       /* i: the next byte of entropy-coded data */
	uint64_t acc;      /* unread bits, most significant first */
	int nbits;
	int at_marker;     /* p[i] is the 0xFF of a marker: no more data bits */
} bits;

/* ---- the bit reader ------------------------------------------------------------ */

static void fill(bits *r)
{
	while (r->nbits <= 56 && !r->at_marker) {
		unsigned c;
		if (r->i >= r->n) {
			r->at_marker = 1;
			break;
		}
		c = r->p[r->i];
		if (c == 0xFF) {
			size_t j = r->i + 1;
			while (j < r->n && r->p[j] == 0xFF)
				j++;                        /* fill bytes */
			if (j >= r->n || r->p[j] != 0x00) {
				r->at_marker = 1;
				r->i = j - 1;               /* the last 0xFF before the code */
				break;
			}
			r->i = j + 1;                       /* a stuffed 0xFF */
		} else {
			r->i++;
		}
		r->acc |= (uint64_t)c << (56 - r->nbits);
		r->nbits += 8;
	}
}

static inline int get_bits(bits *r, unsigned k, uint32_t *v)
{
	if (r->nbits < (int)k) {
		fill(r);
		if (r->nbits < (int)k)
			return -1;
	}
	*v = k ? (uint32_t)(r->acc >> (64 - k)) : 0;
	r->acc = k ? r->acc << k : r->acc;
	r->nbits -= (int)k;
	return 0;
}

/* get_bit — one bit (a sign or a correction bit), -1 when none is left. */
static inline int get_bit(bits *r)
{
	int b;

	if (r->nbits < 1) {
		fill(r);
		if (r->nbits < 1)
			return -1;
	}
	b = (int)(r->acc >> 63);
	r->acc <<= 1;
	r->nbits--;
	return b;
}

/* symbol — the next Huffman symbol: the table's fast entry when the code
 * is short (tables are built as DC ones: entries hold symbols), else the
 * long way. */
static inline int symbol(bits *r, const jpeg_huffman *t)
{
	unsigned len, e;
	int s;

	if (r->nbits < 16)
		fill(r);
	e = t->fast[r->acc >> (64 - JPEG_FAST_BITS)];
	if (e) {
		len = e >> 8;
		s = (int)(e & 0xFF);
	} else if ((s = jpeg_huffman_symbol(t, r->acc, &len)) < 0) {
		return -1;
	}
	if ((int)len > r->nbits)
		return -1;
	r->acc <<= len;
	r->nbits -= (int)len;
	return s;
}

/* The offset of the byte holding the next unread bit. */
static uint64_t bit_offset(const bits *r)
{
	size_t back = r->nbits > 0 ? (size_t)(r->nbits + 7) / 8 : 0;

	return r->i > back ? r->i - back : 0;
}

/* at_interval_end — the data of an interval or scan is used up: only
 * padding bits are left before a marker. */
static int at_interval_end(bits *r)
{
	if (!r->at_marker)
		fill(r);
	return r->at_marker && r->nbits < 8;
}

/* ---- the AC scans ---------------------------------------------------------------- */

typedef struct ac_scan {
	unsigned c, ss, se, ah, al, max_size;
	const jpeg_huffman *t, *runs; /* the table as symbols, and as runs */
	uint32_t eobrun;
} ac_scan;

/* An end-of-band run of 2^run blocks and then some. */
static int eob_run(bits *r, unsigned run, uint32_t *eobrun)
{
	uint32_t extra;

	if (get_bits(r, run, &extra) < 0)
		return -1;
	*eobrun = (1u << run) + extra;
	return 0;
}

/* ac_first — one block of an AC first scan (G.1.2.2): the history learns
 * which coefficients became non-zero. */
static int ac_first(bits *r, ac_scan *a, uint64_t *nz)
{
	if (a->eobrun) {
		a->eobrun--;
		return 0;
	}
	for (unsigned k = a->ss; k <= a->se;) {
		int sym;
		unsigned run, size, e;
		uint32_t v;
		/* the common codes: code and magnitude bits taken in one look-up
		 * (sixteen zeros are left to the long way: the entry of a zero
		 * run of sixteen is that of a coefficient after fifteen) */
		if (r->nbits < 32)
			fill(r);
		e = a->runs->fast[r->acc >> (64 - JPEG_FAST_BITS)];
		if (e && e >> 5 != 16) {
			unsigned take = e & 31, advance = e >> 5;
			if ((int)take > r->nbits)
				return -1;
			r->acc <<= take;
			r->nbits -= (int)take;
			if (advance == JPEG_AC_EOB)
				break;
			if (k + advance > a->se + 1)
				return -1;
			k += advance;
			*nz |= 1ull << (k - 1);
			continue;
		}
		sym = symbol(r, a->t);
		if (sym < 0)
			return -1;
		run = (unsigned)sym >> 4;
		size = (unsigned)sym & 15;
		if (size) {
			if (size > a->max_size || k + run > a->se || get_bits(r, size, &v) < 0)
				return -1;
			k += run;
			*nz |= 1ull << k;
			k++;
		} else if (run == 15) {
			if (k + 16 > a->se + 1)
				return -1;
			k += 16;
		} else {
			if (eob_run(r, run, &a->eobrun) < 0)
				return -1;
			a->eobrun--;
			break;
		}
	}
	return 0;
}

/* band — the bits of coefficients k..se (k <= se <= 63). */
static inline uint64_t band(unsigned k, unsigned se)
{
	uint64_t upto = se >= 63 ? ~0ull : (1ull << (se + 1)) - 1;

	return upto & (~0ull << k);
}

/* ones — the bits set in x (inline: a plain x86-64 build turns the
 * compiler's popcount built-in into a call). */
static inline unsigned ones(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* skip_bits — n correction bits, whose values do not matter here. */
static inline int skip_bits(bits *r, unsigned n)
{
	uint32_t v;

	for (; n > 32; n -= 32)
		if (get_bits(r, 32, &v) < 0)
			return -1;
	return get_bits(r, n, &v);
}

/* ac_refine — one block of an AC refinement scan (G.1.2.3): a correction
 * bit for every coefficient already non-zero that the block's symbols
 * pass, zero runs counted over the others (libjpeg's decode_mcu_AC_refine
 * walks them one by one; here a run is found with bit operations on the
 * block's history). */
static int ac_refine(bits *r, ac_scan *a, uint64_t *nz)
{
	uint64_t m = *nz;
	unsigned k = a->ss;

	if (!a->eobrun) {
		while (k <= a->se) {
			int sym = symbol(r, a->t), run, size;
			uint64_t zeros, passed;
			if (sym < 0)
				return -1;
			run = sym >> 4;
			size = sym & 15;
			if (size) {
				if (size != 1 || get_bit(r) < 0)
					return -1;
			} else if (run != 15) {
				if (eob_run(r, (unsigned)run, &a->eobrun) < 0)
					return -1;
				break;
			}
			/* pass run coefficients still zero, and the non-zero ones
			 * among them; stop at the next zero one (the new one, or the
			 * last of sixteen) */
			zeros = ~m & band(k, a->se);
			for (int i = 0; i < run && zeros; i++)
				zeros &= zeros - 1;
			if (zeros) {
				unsigned target = (unsigned)__builtin_ctzll(zeros);
				passed = m & band(k, a->se) & ((1ull << target) - 1);
				k = target;
			} else {
				passed = m & band(k, a->se);
				k = a->se + 1;
			}
			if (skip_bits(r, ones(passed)) < 0)
				return -1;
			if (size) {
				if (k > a->se)
					return -1;  /* a new coefficient past the band */
				m |= 1ull << k;
			}
			k++;
		}
	}
	if (a->eobrun) {
		if (k <= a->se && skip_bits(r, ones(m & band(k, a->se))) < 0)
			return -1;
		a->eobrun--;
	}
	*nz = m;
	return 0;
}

/* ac_scan_data — the entropy-coded data of an AC scan from p[at]: every
 * block, restart markers where due.  RETURN the offset of the marker that
 * ends it, or 0 with *bad set. */
static size_t ac_scan_data(frame *f, ac_scan *a, const unsigned char *p, size_t n, size_t at,
                           uint64_t *bad)
{
	bits r = { p, n, at, 0, 0, 0 };
	uint64_t *nz = f->nonzero[a->c];
	unsigned next_rst = 0;
	int refine = a->ah != 0;

	for (uint32_t b = 0; b < f->blocks[a->c]; b++) {
		if (b && f->restart && b % f->restart == 0) {
			if (!at_interval_end(&r) || r.i + 1 >= n || p[r.i + 1] != 0xD0 + next_rst) {
				*bad = bit_offset(&r);
				return 0;
			}
			next_rst = (next_rst + 1) & 7;
			r.i += 2;
			r.acc = 0;
			r.nbits = 0;
			r.at_marker = 0;
			a->eobrun = 0;
		}
		if ((refine ? ac_refine(&r, a, &nz[b]) : ac_first(&r, a, &nz[b])) < 0) {
			*bad = bit_offset(&r);
			return 0;
		}
	}
	if (!at_interval_end(&r)) {
		*bad = bit_offset(&r);
		return 0;
	}
	return r.i;
}

/* skip_scan_data — the offset of the marker (not a restart) ending the
 * entropy-coded data from p[at], or n. */
static size_t skip_scan_data(const unsigned char *p, size_t n, size_t at)
{
	while (at + 1 < n) {
		const unsigned char *ff = memchr(p + at, 0xFF, n - at - 1);
		size_t j;
		if (!ff)
			return n;
		j = (size_t)(ff - p) + 1;
		while (j < n && p[j] == 0xFF)
			j++;
		if (j >= n)
			return n;
		if (p[j] != 0x00 && (p[j] < 0xD0 || p[j] > 0xD7))
			return j - 1;
		at = j + 1;
	}
	return n;
}

/* ---- segments -------------------------------------------------------------------- */

static int frame_header(frame *f, const unsigned char *b, uint32_t len)
{
	uint64_t total = 0;

	if (len < 6 || b[5] < 1 || b[5] > JPEG_MAX_COMPONENTS || len != 6u + 3u * b[5])
		return -1;
	f->precision = b[0];
	f->height = carve_be16(b + 1);
	f->width = carve_be16(b + 3);
	f->n_comp = b[5];
	f->hmax = f->vmax = 1;
	if (!f->height || !f->width)
		return 1; /* lines from a DNL segment: not checked */
	for (unsigned c = 0; c < f->n_comp; c++) {
		f->id[c] = b[6 + 3 * c];
		f->h[c] = b[7 + 3 * c] >> 4;
		f->v[c] = b[7 + 3 * c] & 15;
		if (!f->h[c] || !f->v[c] || f->h[c] > 4 || f->v[c] > 4)
			return -1;
		if (f->h[c] > f->hmax)
			f->hmax = f->h[c];
		if (f->v[c] > f->vmax)
			f->vmax = f->v[c];
	}
	for (unsigned c = 0; c < f->n_comp; c++) {
		f->blocks[c] = jpeg_component_blocks(f->width, f->height, f->h[c], f->v[c], f->hmax,
		                                     f->vmax);
		total += f->blocks[c];
	}
	if (total > MAX_HISTORY_BLOCKS)
		return 1;
	for (unsigned c = 0; c < f->n_comp && f->decode; c++)
		if (!(f->nonzero[c] = calloc(f->blocks[c], sizeof(uint64_t))))
			return 1;
	memset(f->al, -1, sizeof f->al);
	return 0;
}

static int huffman_tables(frame *f, const unsigned char *b, uint32_t len)
{
	while (len >= 17) {
		unsigned cls = b[0] >> 4, id = b[0] & 15, total = 0;
		for (unsigned i = 0; i < 16; i++)
			total += b[1 + i];
		if (cls > 1 || id > 3 || total > 256 || 17 + total > len)
			return -1;
		/* built as DC tables: the fast entries then hold symbols */
		if (jpeg_huffman_build(cls ? &f->ac[id] : &f->dc[id], 0, b + 1, b + 17, total) < 0 ||
		    (cls && jpeg_huffman_build(&f->ac_runs[id], 1, b + 1, b + 17, total) < 0))
			return -1;
		b += 17 + total;
		len -= 17 + total;
	}
	return len ? -1 : 0;
}

/* scan — the scan whose header b[0..len) ends at p[at].  RETURN the
 * offset of the marker after its data, or 0 with *bad set. */
static size_t scan(frame *f, const unsigned char *b, uint32_t len, const unsigned char *p,
                   size_t n, size_t at, uint64_t *bad)
{
	unsigned ns = b[0], ss, se, ah, al, comp[JPEG_MAX_COMPONENTS];

	*bad = at - len;
	if (!f->n_comp || ns < 1 || ns > f->n_comp || len != 4u + 2u * ns)
		return 0;
	for (unsigned i = 0; i < ns; i++) {
		unsigned c = 0;
		while (c < f->n_comp && f->id[c] != b[1 + 2 * i])
			c++;
		if (c == f->n_comp)
			return 0;
		comp[i] = c;
	}
	ss = b[1 + 2 * ns];
	se = b[2 + 2 * ns];
	ah = b[3 + 2 * ns] >> 4;
	al = b[3 + 2 * ns] & 15;
	if (ss > se || se > 63 || (ss == 0) != (se == 0) || (ss && ns != 1) || al > 13)
		return 0;
	for (unsigned i = 0; i < ns; i++)
		for (unsigned k = ss; k <= se; k++) {
			/* a first scan of coefficients not yet coded, or a refinement
			 * by one bit of ones coded to exactly ah */
			int8_t *x = &f->al[comp[i]][k];
			if (ah ? (*x != (int)ah || al != ah - 1) : *x != -1)
				return 0;
			*x = (int8_t)al;
		}
	if (ss == 0 || !f->decode)
		return skip_scan_data(p, n, at); /* DC: decoded as the candidate streamed past */
	if ((b[2] & 15) > 3 || !f->ac[b[2] & 15].defined)
		return 0;
	{
		ac_scan a = { comp[0], ss, se, ah, al, f->precision > 8 ? 14u : 10u,
		              &f->ac[b[2] & 15], &f->ac_runs[b[2] & 15], 0 };
		return ac_scan_data(f, &a, p, n, at, bad);
	}
}

static int progression_complete(const frame *f)
{
	for (unsigned c = 0; c < f->n_comp; c++)
		for (unsigned k = 0; k < 64; k++)
			if (f->al[c][k] != 0)
				return 0;
	return 1;
}

/* walk — the markers of the image from p[2]: 0, -1 (*bad), or 1. */
static int walk(frame *f, const unsigned char *p, size_t n, uint64_t *bad)
{
	size_t at = 2;
	int have_frame = 0;

	for (;;) {
		unsigned m;
		uint32_t len;
		*bad = at;
		while (at < n && p[at] == 0xFF)
			at++;
		if (at >= n || at == *bad)
			return -1;                          /* no marker where one must be */
		m = p[at++];
		if (m == 0xD9) {
			*bad = at - 2;
			return have_frame && progression_complete(f) ? 0 : -1;
		}
		if (m == 0x01)
			continue;
		if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7))
			return -1;                          /* SOI or a restart between segments */
		if (at + 2 > n || (len = carve_be16(p + at)) < 2 || at + len > n)
			return -1;
		if (m == 0xC2) {
			int rc = have_frame ? -1 : frame_header(f, p + at + 2, len - 2);
			if (rc)
				return rc;
			have_frame = 1;
		} else if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xCC) {
			return 1;                           /* another kind of frame */
		} else if (m == 0xC4) {
			if (huffman_tables(f, p + at + 2, len - 2) < 0)
				return -1;
		} else if (m == 0xDD) {
			if (len != 4)
				return -1;
			f->restart = carve_be16(p + at + 2);
		} else if (m == 0xDA) {
			size_t end;
			if (!have_frame)
				return -1;
			end = scan(f, p + at + 2, len - 2, p, n, at + len, bad);
			if (!end)
				return -1;
			at = end;
			continue;
		}
		at += len;
	}
}

int jpeg_progressive_check(const unsigned char *p, size_t n, uint64_t *bad)
{
	frame *f;
	int rc;

	*bad = 0;
	if (n < 4 || p[0] != 0xFF || p[1] != 0xD8 || !jpeg_is_progressive(p, n))
		return 1;
	if (!(f = calloc(1, sizeof *f)))
		return 1;
	/* The progression first, from the scan headers alone (a file cut
	 * before its last scans fails at once), then every AC scan decoded. */
	for (int decode = 0; decode <= 1; decode++) {
		for (unsigned c = 0; c < JPEG_MAX_COMPONENTS; c++) {
			free(f->nonzero[c]);
			f->nonzero[c] = NULL;
		}
		memset(f, 0, sizeof *f);
		f->decode = decode;
		if ((rc = walk(f, p, n, bad)) != 0)
			break;
	}
	for (unsigned c = 0; c < JPEG_MAX_COMPONENTS; c++)
		free(f->nonzero[c]);
	free(f);
	return rc;
}

int jpeg_is_progressive(const unsigned char *p, size_t n)
{
	size_t at = 2;

	while (at + 4 <= n && p[at] == 0xFF) {
		unsigned m = p[at + 1];
		if (m == 0xFF || m == 0x01) {
			at += m == 0x01 ? 2 : 1;
			continue;
		}
		if (m == 0xC2)
			return 1;
		if ((m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xCC) || m == 0xDA || m == 0xD9)
			return 0;
		at += 2 + carve_be16(p + at + 2);
	}
	return 0;
}

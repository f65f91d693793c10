/*
 * inflate_check.h — checking a deflate stream (RFC 1951, in a zlib
 * wrapper, RFC 1950, or raw) as it streams past, without producing its
 * output.
 *
 * Every block header, every dynamic block's code lengths (the sets must be
 * complete, as zlib requires, the end-of-block code present), every
 * literal, length and distance code (no length 286/287, no distance 30/31)
 * and every distance (never further back than the output so far, nor
 * than the window the zlib header states) is checked; stored blocks'
 * lengths must match their complements.  The stream's output is counted,
 * not written, so the Adler-32 of the zlib trailer cannot be checked: its
 * four bytes are only read.  Bytes that are not the stream's are seen
 * when their bits cannot be a code of the block's tables, which in the
 * middle of a dynamic block (whose codes cover every bit pattern) may take
 * until the next end-of-block code; output whose rows must start with a
 * known byte (PNG) shows them sooner.  The error is at the byte where the
 * offending code starts.
 *
 * Everything is plain data (about 4 KiB), so a carver's state may hold it
 * and the host may copy it at any point between two feeds.
 */
#ifndef EXHIBIT_INFLATE_CHECK_H
#define EXHIBIT_INFLATE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define INFLATE_FAST_BITS 9

/* One canonical Huffman code: fast[] maps the next INFLATE_FAST_BITS bits
 * (in stream order) to length << 9 | symbol, 0 for longer codes. */
typedef struct inflate_huffman {
	uint16_t fast[1 << INFLATE_FAST_BITS];
	uint16_t first_code[17];  /* the first code of each length */
	uint16_t first_index[17]; /* its index into symbols[] */
	uint16_t count[17];       /* codes of each length */
	uint16_t symbols[288];    /* in canonical order */
} inflate_huffman;

/* What inflate_check_feed says. */
enum {
	INFLATE_MORE = 0,   /* all bytes taken; the stream goes on */
	INFLATE_END,        /* the stream (and its trailer) ended */
	INFLATE_BAD         /* the stream cannot be valid */
};

typedef struct inflate_check {
	uint64_t acc;         /* unread bits, the next one lowest */
	uint32_t nbits;
	uint32_t phase;
	uint32_t final;       /* the block being read is the last */
	uint32_t stored_left; /* bytes of a stored block still to come */
	uint32_t window;      /* bytes a distance may reach back */
	uint32_t wrapped;     /* zlib header and trailer around the stream */
	uint64_t fed;         /* bytes fed so far */
	uint64_t out;         /* bytes the stream has produced */
	uint64_t limit;       /* output there may be, 0: no limit */
	uint64_t row_at;      /* output offset of the next row's first byte */
	uint32_t row_len;     /* 0: no rows checked */
	uint32_t row_max;     /* the largest first byte a row may have */
	/* A dynamic block's header, as far as it is read. */
	uint32_t hlit, hdist, hclen, nread;
	uint8_t lens[288 + 32];
	inflate_huffman lit, dist, clen;
} inflate_check;

/* inflate_check_start — a stream to check; wrapped: a zlib header and
 * trailer come around it (else it is raw deflate). */
void inflate_check_start(inflate_check *z, int wrapped);

/* inflate_check_limit — the stream produces at most max bytes (what a PNG
 * image's size calls for): a code that would go past is refused. */
void inflate_check_limit(inflate_check *z, uint64_t max);

/* inflate_check_rows — the output is rows of row_len bytes, each starting
 * with a byte of at most max (a PNG scanline's filter type): checked where
 * a literal gives that byte (a copy's bytes are not known). */
void inflate_check_rows(inflate_check *z, uint32_t row_len, unsigned max);

/*
 * inflate_check_feed — the stream's next n bytes.
 * RETURN: INFLATE_MORE; INFLATE_END with *used the bytes of p that the
 * stream took (what follows is not its); INFLATE_BAD with *bad the offset
 * into p of the first byte that cannot be (0 when an earlier feed gave it:
 * the bit reader holds up to 8 bytes).
 */
int inflate_check_feed(inflate_check *z, const unsigned char *p, size_t n, size_t *used,
                       size_t *bad);

/* The bytes the stream produced so far. */
static inline uint64_t inflate_check_output(const inflate_check *z)
{
	return z->out;
}

#endif

/*
 * fuzz_inflate_check.c — libFuzzer target for carve-png's deflate checker
 * (plugins/carve-images/inflate_check.c).
 *
 * The input's first byte chooses the mode (bit 0: zlib-wrapped, bit 1: PNG
 * rows of a length the second byte gives, bit 2: an output limit) and how
 * the rest is cut into feeds.  Checked on every input:
 *   - pieces of any size give the verdict, the offsets and the output that
 *     one feed of everything gives (the state between feeds is complete),
 *     but that a bad byte given by an earlier feed is placed at the start
 *     of the one it shows in (at most 8 bytes later);
 *   - a stream zlib inflates to its end without an error, the checker
 *     takes whole, ending where zlib ended, having counted zlib's output
 *     (it never refuses a valid stream; rows and limit off).
 *
 * Seeds: tests/fuzz/corpus/inflate_check/ (tests/fuzz/make_inflate_seeds.py;
 * regress-*: inputs a fuzzing run found).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "inflate_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct verdict {
	int rc;
	uint64_t at;     /* END: bytes the stream took; BAD: the bad byte */
	uint64_t out;
} verdict;

static void start(inflate_check *z, unsigned mode, unsigned row)
{
	inflate_check_start(z, mode & 1);
	if (mode & 2)
		inflate_check_rows(z, row + 1, 4);
	if (mode & 4)
		inflate_check_limit(z, (uint64_t)row * 97);
}

/* run — feed p[0..n) in pieces whose sizes come from seed (0: at once). */
static verdict run(const uint8_t *p, size_t n, unsigned mode, unsigned row, uint32_t seed)
{
	inflate_check z;
	verdict v = { INFLATE_MORE, 0, 0 };
	size_t at = 0;

	start(&z, mode, row);
	while (at < n) {
		size_t k = n - at, used = 0, bad = 0;
		if (seed) {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % 97;
			if (k > n - at)
				k = n - at;
		}
		v.rc = inflate_check_feed(&z, p + at, k, &used, &bad);
		if (v.rc == INFLATE_END) {
			v.at = at + used;
			break;
		}
		if (v.rc == INFLATE_BAD) {
			v.at = at + bad;
			break;
		}
		at += k;
	}
	v.out = inflate_check_output(&z);
	return v;
}

/* zlib_end — the input bytes zlib takes to reach the stream's end without
 * an error (*out: what it produced), or 0 when it does not. */
static size_t zlib_end(const uint8_t *p, size_t n, int wrapped, uint64_t *out)
{
	static unsigned char sink[1 << 16];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, wrapped ? 15 : -15) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = sink;
		z.avail_out = sizeof sink;
		rc = inflate(&z, Z_NO_FLUSH);
	} while (rc == Z_OK && z.total_out < (64u << 20));
	*out = z.total_out;
	n = rc == Z_STREAM_END ? n - z.avail_in : 0;
	inflateEnd(&z);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode, row;
	verdict once, pieces;
	uint64_t zout = 0;
	size_t zend;

	if (size < 3)
		return 0;
	mode = data[0];
	row = data[1];
	data += 2;
	size -= 2;
	once = run(data, size, mode, row, 0);
	pieces = run(data, size, mode, row, (uint32_t)mode * 2654435761u + row + 1);
	/* a bad byte an earlier feed gave (acc holds up to 8) is reported at
	 * the start of the feed it shows in */
	if (once.rc != pieces.rc || once.out != pieces.out || pieces.at < once.at ||
	    pieces.at > once.at + (once.rc == INFLATE_BAD ? 8 : 0))
		abort();
	if (!(mode & 6) && (zend = zlib_end(data, size, mode & 1, &zout)) != 0 &&
	    (once.rc != INFLATE_END || once.at != zend || once.out != zout))
		abort();
	return 0;
}

/*
 * pdq_index.c — see pdq_index.h.
 */
#include "hash.h"
#include "pdq_index.h"

#include <stdlib.h>
#include <string.h>

#define CHUNKS 16
#define CHUNK_VALUES 65536
#define MAX_PROBE_RADIUS 3        /* per chunk: 697 probes; beyond, scan */
#define SCAN_BELOW 2048           /* so few hashes are simply scanned */

struct pdq_index {
	size_t n;
	pdq_value *values;
	uint32_t *starts;             /* [CHUNKS][CHUNK_VALUES + 1] */
	uint32_t *ids;                /* [CHUNKS][n]: ids sorted by chunk value */
	uint16_t masks[697];          /* 16-bit masks by popcount: 1, 16, 120, 560 */
	size_t masks_within[MAX_PROBE_RADIUS + 1];
};

int pdq_value_distance(const pdq_value *a, const pdq_value *b)
{
	int d = 0;

	for (int i = 0; i < PDQ_VALUE_BYTES; i += 8) {
		uint64_t x, y;
		memcpy(&x, a->bytes + i, 8);
		memcpy(&y, b->bytes + i, 8);
		d += __builtin_popcountll(x ^ y);
	}
	return d;
}

int pdq_value_parse(const char *text, size_t len, pdq_value *out)
{
	if (len != 2 * PDQ_VALUE_BYTES)
		return -1;
	return hex_decode(text, out->bytes, PDQ_VALUE_BYTES);
}

static unsigned chunk_of(const pdq_value *v, int c)
{
	return (unsigned)v->bytes[2 * c] << 8 | v->bytes[2 * c + 1];
}

/* fill_masks — every 16-bit mask of at most MAX_PROBE_RADIUS bits, by
 * popcount, and how many have at most k bits. */
static void fill_masks(pdq_index *ix)
{
	size_t n = 0;

	for (int bits = 0; bits <= MAX_PROBE_RADIUS; bits++) {
		for (unsigned m = 0; m < CHUNK_VALUES; m++)
			if (__builtin_popcount(m) == bits)
				ix->masks[n++] = (uint16_t)m;
		ix->masks_within[bits] = n;
	}
}

pdq_index *pdq_index_new(const pdq_value *values, size_t n, exhibit_error *err)
{
	pdq_index *ix;

	if (n > UINT32_MAX) {
		exhibit_error_set(err, -1, -1, "too many PDQ hashes for one index (%zu)", n);
		return NULL;
	}
	ix = calloc(1, sizeof *ix);
	if (!ix || !(ix->values = malloc((n ? n : 1) * sizeof *ix->values)) ||
	    !(ix->starts = calloc((size_t)CHUNKS * (CHUNK_VALUES + 1), sizeof *ix->starts)) ||
	    !(ix->ids = malloc((n ? n : 1) * CHUNKS * sizeof *ix->ids))) {
		pdq_index_free(ix);
		exhibit_error_set(err, -1, -1, "out of memory for an index of %zu PDQ hashes", n);
		return NULL;
	}
	ix->n = n;
	if (n)
		memcpy(ix->values, values, n * sizeof *values);
	fill_masks(ix);
	/* One counting sort per chunk. */
	for (int c = 0; c < CHUNKS; c++) {
		uint32_t *start = ix->starts + (size_t)c * (CHUNK_VALUES + 1);
		uint32_t *ids = ix->ids + (size_t)c * n;

		for (size_t i = 0; i < n; i++)
			start[chunk_of(&values[i], c) + 1]++;
		for (unsigned v = 0; v < CHUNK_VALUES; v++)
			start[v + 1] += start[v];
		for (size_t i = 0; i < n; i++)
			ids[start[chunk_of(&values[i], c)]++] = (uint32_t)i;
		/* the fill moved each start to the next one's: move them back */
		for (unsigned v = CHUNK_VALUES; v > 0; v--)
			start[v] = start[v - 1];
		start[0] = 0;
	}
	return ix;
}

void pdq_index_free(pdq_index *ix)
{
	if (!ix)
		return;
	free(ix->values);
	free(ix->starts);
	free(ix->ids);
	free(ix);
}

size_t pdq_index_size(const pdq_index *ix)
{
	return ix->n;
}

const pdq_value *pdq_index_value(const pdq_index *ix, size_t id)
{
	return &ix->values[id];
}

static size_t scan(const pdq_index *ix, const pdq_value *q, int radius, pdq_hit_fn fn, void *ctx)
{
	size_t calls = 0;

	for (size_t i = 0; i < ix->n; i++) {
		int d = pdq_value_distance(q, &ix->values[i]);
		if (d <= radius) {
			calls++;
			if (fn(ctx, i, d))
				break;
		}
	}
	return calls;
}

/* found_earlier — a chunk before c is within sub of q's: the candidate
 * was (or will be) reported from that chunk. */
static int found_earlier(const pdq_value *q, const pdq_value *v, int c, int sub)
{
	for (int k = 0; k < c; k++)
		if (__builtin_popcount(chunk_of(q, k) ^ chunk_of(v, k)) <= sub)
			return 1;
	return 0;
}

size_t pdq_index_query(const pdq_index *ix, const pdq_value *q, int radius, pdq_hit_fn fn,
                       void *ctx)
{
	int sub = radius / CHUNKS;
	size_t calls = 0;

	if (radius < 0)
		return 0;
	if (sub > MAX_PROBE_RADIUS || ix->n < SCAN_BELOW)
		return scan(ix, q, radius, fn, ctx);
	for (int c = 0; c < CHUNKS; c++) {
		const uint32_t *start = ix->starts + (size_t)c * (CHUNK_VALUES + 1);
		const uint32_t *ids = ix->ids + (size_t)c * ix->n;
		unsigned mine = chunk_of(q, c);

		for (size_t m = 0; m < ix->masks_within[sub]; m++) {
			unsigned probe = mine ^ ix->masks[m];

			for (uint32_t k = start[probe]; k < start[probe + 1]; k++) {
				const pdq_value *v = &ix->values[ids[k]];
				int d;

				if (c > 0 && found_earlier(q, v, c, sub))
					continue;
				d = pdq_value_distance(q, v);
				if (d <= radius) {
					calls++;
					if (fn(ctx, ids[k], d))
						return calls;
				}
			}
		}
	}
	return calls;
}

/*
 * pdq_index.h — finding every 256-bit PDQ hash within a Hamming distance
 * of a query, exactly, fast enough for millions of hashes.
 *
 * Multi-index hashing (Norouzi, Punjani and Fleet, 2012): the 256 bits
 * are cut into 16 chunks of 16 bits, and each chunk has a table of the
 * hashes by that chunk's value.  Two hashes within distance r differ in
 * at most floor(r / 16) bits in at least one chunk (if every chunk
 * differed in more, the whole would differ in more than r), so probing
 * each chunk's table at every value within floor(r / 16) bits of the
 * query's chunk finds every answer.  Each candidate is checked against
 * the whole hash and reported from the first chunk that can find it
 * only, so each answer comes once.  Nothing is approximate: the answers
 * are exactly those a comparison with every hash gives (the tests check
 * this against brute force).  Past radius 63 the probes would outnumber
 * the hashes' use, and the query compares with every hash instead.
 *
 * Memory: the hashes (32 bytes each) plus 16 x 4 bytes per hash and
 * 16 x 256 KiB of tables.  Built once, then read-only: any number of
 * threads may query one index.
 */
#ifndef EXHIBIT_PDQ_INDEX_H
#define EXHIBIT_PDQ_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define PDQ_VALUE_BYTES 32
#define PDQ_MAX_DISTANCE 256

/* A PDQ hash: the 32 bytes of its 64-hex-digit text form, in order. */
typedef struct pdq_value {
	unsigned char bytes[PDQ_VALUE_BYTES];
} pdq_value;

/* pdq_value_distance — the Hamming distance, 0..256. */
int pdq_value_distance(const pdq_value *a, const pdq_value *b);

/* pdq_value_parse — 64 hex digits (either case), nothing else.
 * RETURN 0, or -1. */
int pdq_value_parse(const char *text, size_t len, pdq_value *out);

typedef struct pdq_index pdq_index;

/*
 * pdq_index_new — an index over values[0..n) (copied; hash i is reported
 * as id i).  RETURN the index, or NULL with err set (out of memory, or
 * more than UINT32_MAX hashes).
 */
pdq_index *pdq_index_new(const pdq_value *values, size_t n, exhibit_error *err);
void pdq_index_free(pdq_index *ix);

size_t pdq_index_size(const pdq_index *ix);
const pdq_value *pdq_index_value(const pdq_index *ix, size_t id);

/* A hash within the distance: its id and distance.  Return non-zero to
 * stop the query. */
typedef int (*pdq_hit_fn)(void *ctx, size_t id, int distance);

/*
 * pdq_index_query — call fn once for every hash within radius (0..256)
 * of q, in no particular order.  RETURN the number of calls made.
 */
size_t pdq_index_query(const pdq_index *ix, const pdq_value *q, int radius, pdq_hit_fn fn,
                       void *ctx);

#endif

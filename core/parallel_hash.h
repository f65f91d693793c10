/*
 * parallel_hash.h — MD5, SHA-1 and SHA-256 of one long stream, each digest
 * on a thread of its own.
 *
 * A whole-image hash is one sequential stream that cannot be split by
 * range; computing its three digests one after another on one thread makes
 * it the tail of a run.  Here a producer fills a small ring of buffers and
 * three threads digest each buffer in order, so the stream goes as fast as
 * its slowest digest.  Memory: PARALLEL_HASH_BUFFERS buffers.
 */
#ifndef EXHIBIT_PARALLEL_HASH_H
#define EXHIBIT_PARALLEL_HASH_H

#include <stddef.h>

#include "error.h"
#include "hash.h"

#define PARALLEL_HASH_BUFFERS 4

typedef struct parallel_hash parallel_hash;

/* parallel_hash_new — start the digest threads; buffers of buffer_size. */
parallel_hash *parallel_hash_new(size_t buffer_size, exhibit_error *err);

/* parallel_hash_next — the next buffer to fill (waits until one is free). */
unsigned char *parallel_hash_next(parallel_hash *ph);

/* parallel_hash_submit — the buffer from parallel_hash_next holds len bytes. */
void parallel_hash_submit(parallel_hash *ph, size_t len);

/* parallel_hash_finish — wait for the digests and stop the threads.
 * RETURN 0, or negative when a digest failed. */
int parallel_hash_finish(parallel_hash *ph, digests *out, exhibit_error *err);

/* parallel_hash_free — stop (if needed) and free; safe on NULL. */
void parallel_hash_free(parallel_hash *ph);

#endif

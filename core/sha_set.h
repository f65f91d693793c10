/*
 * sha_set.h — a thread-safe set of SHA-256 digests.
 *
 * The pipeline claims each unique content here before analysing it, so
 * that duplicates are recorded but never analysed twice, even when two
 * workers meet the same content at the same moment.  Memory: 32 bytes
 * per unique content plus the table's slack.
 */
#ifndef EXHIBIT_SHA_SET_H
#define EXHIBIT_SHA_SET_H

#include <stddef.h>

typedef struct sha_set sha_set;

sha_set *sha_set_new(void);
void sha_set_free(sha_set *s);

/* sha_set_claim — add digest; 1 when it was new (the caller owns the
 * analysis), 0 when it was already there, -1 when out of memory. */
int sha_set_claim(sha_set *s, const unsigned char digest[32]);

size_t sha_set_count(sha_set *s);

/* sha_set_contains — 1 when digest is in the set, 0 when not. */
int sha_set_contains(sha_set *s, const unsigned char digest[32]);

#endif

/*
 * merkle.h — a Merkle tree root over a stream of leaves, as RFC 6962
 * (Certificate Transparency) defines it.
 *
 * The custody log signs what an action produced as one root over many
 * rows: a leaf is SHA-256(0x00 || data), a node SHA-256(0x01 || left ||
 * right), and n leaves split at the largest power of two below n.  The
 * leaves arrive one at a time in their canonical order and the builder
 * keeps only one hash per level, so a root over millions of rows costs
 * no memory.  An empty tree's root is SHA-256 of nothing.
 */
#ifndef EXHIBIT_MERKLE_H
#define EXHIBIT_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#define MERKLE_MAX_LEVELS 64

typedef struct merkle {
	unsigned char hash[MERKLE_MAX_LEVELS][SHA256_LEN]; /* perfect subtrees, largest first */
	uint64_t size[MERKLE_MAX_LEVELS];
	int depth;
	uint64_t leaves;
} merkle;

void merkle_init(merkle *m);
/* merkle_add — append a leaf of len bytes of data. */
void merkle_add(merkle *m, const void *data, size_t len);
/* merkle_root — the root over the leaves added so far (m is unchanged). */
void merkle_root(const merkle *m, unsigned char root[SHA256_LEN]);

#endif

/*
 * carve_scan.h — finding the signatures of every carver in one pass.
 *
 * The carving engine reads unallocated space once and must find, at every
 * byte position, every signature of every loaded carver.  A scanner is
 * built once from all the signatures and then runs over buffers; it
 * reports each hit with the position where the signature's bytes begin
 * and the signature's index.  It is the equivalent of a multi-pattern
 * automaton tuned for the case that matters here, where hits are rare: a
 * filter keyed on the first bytes of the signatures (a hash of four bytes
 * for signatures of four or more, the first two or the first byte for
 * shorter ones), tested at every position from a small table, and an
 * exact comparison only where the filter passes.  So the
 * cost is a few instructions per byte whatever the number of signatures.
 *
 * A scanner is immutable once built: any number of threads may scan with
 * it at once.
 */
#ifndef EXHIBIT_CARVE_SCAN_H
#define EXHIBIT_CARVE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* One signature: bytes expected at offset into a file. */
typedef struct carve_pattern {
	const unsigned char *bytes;
	size_t len;              /* 1 .. CARVE_PATTERN_MAX */
	uint32_t offset;         /* where in the file the bytes lie */
	uint32_t tag;            /* the caller's own label (carver and signature) */
} carve_pattern;

#define CARVE_PATTERN_MAX 256

typedef struct carve_scanner carve_scanner;

/*
 * carve_scanner_new — a scanner for the n patterns (copied).
 * RETURN: the scanner, or NULL with err set (no pattern, an empty or
 * over-long pattern, out of memory).
 */
carve_scanner *carve_scanner_new(const carve_pattern *patterns, size_t n, exhibit_error *err);
void carve_scanner_free(carve_scanner *s);

size_t carve_scanner_count(const carve_scanner *s);
const carve_pattern *carve_scanner_pattern(const carve_scanner *s, size_t i);

/* carve_scanner_reach — the most bytes past a file's start any pattern
 * needs (max of offset + len): a block must be read this far beyond its
 * end for hits whose file starts inside it to be seen. */
size_t carve_scanner_reach(const carve_scanner *s);

/* A hit: pattern i's bytes begin at buf[pos]. Return non-zero to stop. */
typedef int (*carve_hit_fn)(void *ctx, size_t pos, size_t pattern);

/*
 * carve_scanner_scan — every hit whose bytes begin at a position in
 * [from, to) of buf, in position order (the patterns of one position in
 * no particular order).  A pattern must lie wholly inside buf[0, len) to
 * hit.
 * RETURN: 0, or what the callback returned to stop.
 */
int carve_scanner_scan(const carve_scanner *s, const unsigned char *buf, size_t len,
                       size_t from, size_t to, carve_hit_fn fn, void *ctx);

/*
 * carve_scanner_starts_file — 1 when some pattern puts a file's start at
 * buf[0] (its bytes are at buf[offset]), else 0.  buf holds len bytes.
 */
int carve_scanner_starts_file(const carve_scanner *s, const unsigned char *buf, size_t len);

#endif

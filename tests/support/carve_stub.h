/*
 * carve_stub.h — drive a carver plugin over bytes in memory the way the
 * host drives it over unallocated space, for carver unit tests and fuzz
 * targets.
 *
 * It finds every signature hit naively (no automaton), and for each hit in
 * offset order runs the carver's three stages: header_check on the first
 * header_len bytes, data_check over the candidate in blocks of a chosen
 * size (honouring the carver's skips and max_size, with a final len == 0
 * call where the buffer ends), then validate through a stub host over the
 * candidate.  Bytes of a file carved whole are not searched again, as the
 * host does.  It does not search for second fragments: that is the host's
 * carving engine, tested there.
 */
#ifndef EXHIBIT_CARVE_STUB_H
#define EXHIBIT_CARVE_STUB_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

/* What the stages made of one candidate. */
typedef enum carve_stub_outcome {
	CARVE_STUB_REJECTED = 0, /* header_check or data_check rejected it */
	CARVE_STUB_WHOLE,        /* data_check found the end and validate agreed */
	CARVE_STUB_INVALID,      /* data_check found an end, validate did not agree */
	CARVE_STUB_BROKEN        /* data_check said the content breaks (a partial file) */
} carve_stub_outcome;

typedef struct carve_stub_file {
	uint64_t offset;         /* where the candidate starts in the buffer */
	uint64_t length;         /* its length (to the break, for BROKEN) */
	size_t signature;        /* the index of the signature that hit */
	carve_stub_outcome outcome;
	uint64_t bad_offset;     /* validate's or data_check's break, candidate offset */
	const char *extension;   /* from header_check */
} carve_stub_file;

/*
 * carve_stub_candidate — judge one candidate starting at buf[0], as if
 * signature sig had hit, feeding data_check block bytes at a time.
 * RETURN: the outcome; *out describes it.
 */
carve_stub_outcome carve_stub_candidate(const exhibit_plugin *plugin, const void *buf,
                                        size_t len, size_t sig, size_t block,
                                        carve_stub_file *out);

/*
 * carve_stub_scan — every candidate in buf, in offset order, rejected ones
 * left out.  *files is malloc'd (free it); NULL when none.
 * RETURN: the number of candidates, or (size_t)-1 when out of memory.
 */
size_t carve_stub_scan(const exhibit_plugin *plugin, const void *buf, size_t len,
                       size_t block, carve_stub_file **files);

#endif

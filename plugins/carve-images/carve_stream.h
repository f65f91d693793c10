/*
 * carve_stream.h — what every image carver's data_check shares.
 *
 * The host hands data_check the candidate's bytes in blocks of any size,
 * while a format's parser wants whole structures (a chunk header, an IFD,
 * a Huffman table) or a run of bytes to check one by one (a CRC, an
 * entropy-coded segment).  The parser says what it wants next in a
 * carve_stream:
 *
 *   carve_want_bytes(cs, at, n)    gather n bytes starting at candidate
 *                                  offset at into the record buffer, then
 *                                  call step (n may be 0: "call step when
 *                                  the stream reaches at");
 *   carve_want_stream(cs, at, n)   hand the bytes from at on to scan, at
 *                                  most n of them (CARVE_UNBOUNDED: until
 *                                  scan says its run is over), then step;
 *   carve_want_end(cs, at)         the file ends at at;
 *   carve_want_bytes_or_end(cs, at, n)
 *                                  as carve_want_bytes, but when no bytes
 *                                  follow at, the file ends at at (a
 *                                  format without a footer peeks past what
 *                                  may be its last structure).
 *
 * carve_stream_feed() is the body of such a data_check: it skips bytes no
 * request wants (asking the host to skip them when they lie beyond the
 * block), gathers or streams the rest, and calls the parser back.  A
 * request the block cannot meet waits for the next block; when no more
 * bytes follow (len == 0), the file is truncated and the first missing
 * byte is the error.
 *
 * Everything here is plain data inside the carver's state, so the host
 * may copy the state between blocks.
 */
#ifndef EXHIBIT_CARVE_STREAM_H
#define EXHIBIT_CARVE_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

#define CARVE_UNBOUNDED UINT64_MAX

typedef struct carve_stream {
	uint64_t at;    /* candidate offset of the next byte a request wants */
	uint64_t start; /* where the pending record or run started */
	uint64_t left;  /* stream: bytes still to hand to scan */
	uint32_t need;  /* bytes: record length */
	uint32_t have;  /* bytes: gathered so far */
	uint8_t want;   /* CARVE_WANT_* */
	uint8_t or_end; /* bytes: when none follow the record's start, END there */
} carve_stream;

enum { CARVE_WANT_BYTES = 0, CARVE_WANT_STREAM, CARVE_WANT_END };

/* A format's parser, called back by carve_stream_feed(). */
typedef struct carve_parser {
	/*
	 * step — the request is met: for bytes, rec holds the record of
	 * cs->need bytes that started at cs->start; for a stream, scan saw
	 * its run to the end.  Make the next request before returning
	 * CONTINUE.
	 * RETURN: an exhibit_carve_verdict; *end set for END and ERROR.
	 */
	int (*step)(void *state, const unsigned char *rec, uint64_t *end);
	/*
	 * scan — p[0..n) of a stream request, at candidate offset pos.
	 * RETURN: CONTINUE (all n bytes taken, more wanted); END (the run is
	 * over after *used bytes: step comes next); ERROR (*bad: the first
	 * byte that cannot belong); REJECT.
	 */
	int (*scan)(void *state, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
	            uint64_t *bad);
	size_t rec_size; /* bytes of the record buffer */
} carve_parser;

static inline void carve_want_bytes(carve_stream *cs, uint64_t at, uint32_t n)
{
	cs->want = CARVE_WANT_BYTES;
	cs->at = cs->start = at;
	cs->need = n;
	cs->have = 0;
	cs->or_end = 0;
}

static inline void carve_want_bytes_or_end(carve_stream *cs, uint64_t at, uint32_t n)
{
	carve_want_bytes(cs, at, n);
	cs->or_end = 1;
}

static inline void carve_want_stream(carve_stream *cs, uint64_t at, uint64_t n)
{
	cs->want = CARVE_WANT_STREAM;
	cs->at = cs->start = at;
	cs->left = n;
}

static inline void carve_want_end(carve_stream *cs, uint64_t at)
{
	cs->want = CARVE_WANT_END;
	cs->at = at;
}

/*
 * carve_stream_feed — data_check's body for a parser: bytes buf[0..len) at
 * candidate offset pos (len == 0: nothing more follows).
 * RETURN: an exhibit_carve_verdict with *end, as data_check's contract says.
 */
int carve_stream_feed(carve_stream *cs, const carve_parser *parser, void *state,
                      unsigned char *rec, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end);

/* Integers read from bytes the caller has bounds-checked. */
static inline uint16_t carve_be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t carve_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t carve_be64(const unsigned char *p)
{
	return (uint64_t)carve_be32(p) << 32 | carve_be32(p + 4);
}

static inline uint16_t carve_le16(const unsigned char *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t carve_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t carve_le64(const unsigned char *p)
{
	return (uint64_t)carve_le32(p + 4) << 32 | carve_le32(p);
}

#endif

/*
 * carve_stream.c — feeding a format's parser the bytes it asks for.  See
 * carve_stream.h.
 */
#include "carve_stream.h"

#include <string.h>

/* Steps in a row that may leave the stream where it was before the
 * parser is deemed stuck (a parser bug, never a property of the input). */
#define MAX_IDLE_STEPS 1000

/* missing — the file needs bytes from at on and none follow: truncated. */
static int missing(uint64_t at, uint64_t *end)
{
	*end = at;
	return EXHIBIT_CARVE_ERROR;
}

int carve_stream_feed(carve_stream *cs, const carve_parser *parser, void *state,
                      unsigned char *rec, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	const uint64_t stop = pos + len;
	uint64_t at = pos, before;
	unsigned idle = 0;
	int rc;

	if (cs->at < pos) /* the host skipped bytes a request wanted */
		return missing(cs->at, end);
	for (;;) {
		if (cs->at > at) { /* bytes no request wants */
			if (cs->at > stop || (cs->at == stop && cs->want != CARVE_WANT_END)) {
				if (len == 0)
					return missing(pos, end);
				*end = cs->at;
				return EXHIBIT_CARVE_CONTINUE;
			}
			at = cs->at;
		}
		before = cs->at;
		if (cs->want == CARVE_WANT_END) {
			*end = cs->at;
			return EXHIBIT_CARVE_END;
		} else if (cs->want == CARVE_WANT_BYTES) {
			uint64_t n = cs->need - cs->have;
			if (n > stop - at)
				n = stop - at;
			memcpy(rec + cs->have, buf + (at - pos), (size_t)n);
			cs->have += (uint32_t)n;
			at = cs->at = at + n;
			if (cs->have < cs->need) {
				if (len == 0 && cs->or_end) {
					*end = cs->start;
					return EXHIBIT_CARVE_END;
				}
				if (len == 0)
					return missing(at, end);
				*end = stop;
				return EXHIBIT_CARVE_CONTINUE;
			}
		} else if (cs->left > 0) {
			uint64_t n = stop - at, bad = at;
			size_t used;
			if (n == 0) {
				if (len == 0)
					return missing(at, end);
				*end = stop;
				return EXHIBIT_CARVE_CONTINUE;
			}
			if (n > cs->left)
				n = cs->left;
			used = (size_t)n;
			rc = parser->scan(state, at, buf + (at - pos), (size_t)n, &used, &bad);
			if (rc == EXHIBIT_CARVE_ERROR) {
				*end = bad;
				return rc;
			}
			if (rc == EXHIBIT_CARVE_REJECT)
				return rc;
			if (rc == EXHIBIT_CARVE_CONTINUE)
				used = (size_t)n;
			at = cs->at = at + used;
			if (cs->left != CARVE_UNBOUNDED)
				cs->left -= used;
			if (rc == EXHIBIT_CARVE_CONTINUE && cs->left > 0)
				continue;
		}
		rc = parser->step(state, rec, end);
		if (rc != EXHIBIT_CARVE_CONTINUE)
			return rc;
		if (cs->at < at) /* a parser may not ask for bytes already gone */
			return missing(cs->at, end);
		idle = cs->at == before ? idle + 1 : 0;
		if (idle > MAX_IDLE_STEPS)
			return missing(at, end);
	}
}

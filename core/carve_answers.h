/*
 * carve_answers.h — what judging a start on its own gave, shared by the
 * threads that carve one evidence source.
 *
 * A file that lies in the gap of another candidate's fragment search is
 * judged there, as one piece (whole_at in carve_engine.c), so that the
 * search can step over it; it is judged again when its own block reaches
 * it, and a thread searching the gaps near it judges it once more.  The
 * answer is the same each time (it depends on the bytes only), so the
 * first judge leaves it here and the others take it.
 *
 * An answer is: no carver of the start carves it whole in one piece, or
 * the first that does, its length and extension, and whether that
 * carver's signature is the first the start matches (only then is it
 * also what judging the start with a fragment search gives: the search
 * runs only for a candidate that is not whole on its own).
 *
 * A cache, not a record: a fixed number of slots, a newer answer
 * replacing an older one in its slot; bounded memory whatever the stream.
 * Thread-safe.
 */
#ifndef EXHIBIT_CARVE_ANSWERS_H
#define EXHIBIT_CARVE_ANSWERS_H

#include <stdint.h>

typedef struct carve_answer {
	uint64_t length;           /* 0: no carver carves the start whole in one piece */
	uint32_t pattern;          /* the scanner pattern that did */
	int first_pattern;         /* it is the first pattern the start matches */
	const char *extension;     /* the carver's (static) */
} carve_answer;

typedef struct carve_answers carve_answers;

/* carve_answers_new — an empty cache; NULL when out of memory. */
carve_answers *carve_answers_new(void);
void carve_answers_free(carve_answers *a);

/* carve_answers_get — the answer for stream offset off of the stream
 * identified by stream (any pointer that stays unique while the cache
 * lives).  RETURN 1 (*out set) or 0 when none is kept. */
int carve_answers_get(carve_answers *a, const void *stream, uint64_t off, carve_answer *out);

/* carve_answers_put — keep an answer (replacing what its slot held). */
void carve_answers_put(carve_answers *a, const void *stream, uint64_t off, const carve_answer *in);

#endif

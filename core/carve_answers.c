/*
 * carve_answers.c — see carve_answers.h.
 *
 * Direct-mapped: a start's slot is a hash of its stream and offset.  The
 * lock is held for a copy of one slot; judging a start costs thousands of
 * times more, so threads do not wait on it.
 */
#include "carve_answers.h"

#include <pthread.h>
#include <stdlib.h>

#define SLOTS 8192   /* 8192 * 40 bytes: 320 KiB */

typedef struct slot {
	const void *stream;        /* NULL: empty */
	uint64_t off;
	carve_answer answer;
} slot;

struct carve_answers {
	pthread_mutex_t lock;
	slot slots[SLOTS];
};

carve_answers *carve_answers_new(void)
{
	carve_answers *a = calloc(1, sizeof *a);

	if (a && pthread_mutex_init(&a->lock, NULL) != 0) {
		free(a);
		return NULL;
	}
	return a;
}

void carve_answers_free(carve_answers *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static slot *slot_of(carve_answers *a, const void *stream, uint64_t off)
{
	uint64_t h = (off ^ (uint64_t)(uintptr_t)stream) * 0x9E3779B97F4A7C15ull;
	return &a->slots[(h >> 40) % SLOTS];
}

int carve_answers_get(carve_answers *a, const void *stream, uint64_t off, carve_answer *out)
{
	slot *s;
	int found;

	if (!a || !stream)
		return 0;
	s = slot_of(a, stream, off);
	pthread_mutex_lock(&a->lock);
	found = s->stream == stream && s->off == off;
	if (found)
		*out = s->answer;
	pthread_mutex_unlock(&a->lock);
	return found;
}

void carve_answers_put(carve_answers *a, const void *stream, uint64_t off, const carve_answer *in)
{
	slot *s;

	if (!a || !stream)
		return;
	s = slot_of(a, stream, off);
	pthread_mutex_lock(&a->lock);
	s->stream = stream;
	s->off = off;
	s->answer = *in;
	pthread_mutex_unlock(&a->lock);
}

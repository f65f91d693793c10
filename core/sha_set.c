/*
 * sha_set.c — see sha_set.h.  Open addressing with linear probing; the
 * digest's own first bytes are the hash (SHA-256 is already uniform).
 */
#include "sha_set.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct sha_set {
	pthread_mutex_t lock;
	unsigned char (*slots)[32];
	unsigned char *used;
	size_t capacity, count;
};

sha_set *sha_set_new(void)
{
	sha_set *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->capacity = 1024;
	s->slots = calloc(s->capacity, 32);
	s->used = calloc(s->capacity, 1);
	if (!s->slots || !s->used) {
		sha_set_free(s);
		return NULL;
	}
	return s;
}

void sha_set_free(sha_set *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->slots);
	free(s->used);
	free(s);
}

static size_t slot_of(const unsigned char d[32], size_t capacity)
{
	uint64_t h;

	memcpy(&h, d, sizeof h);
	return (size_t)(h & (capacity - 1));
}

/* insert_unlocked — 1 if added, 0 if present. */
static int insert_unlocked(sha_set *s, const unsigned char d[32])
{
	size_t i = slot_of(d, s->capacity);

	while (s->used[i]) {
		if (!memcmp(s->slots[i], d, 32))
			return 0;
		i = (i + 1) & (s->capacity - 1);
	}
	memcpy(s->slots[i], d, 32);
	s->used[i] = 1;
	s->count++;
	return 1;
}

static int grow(sha_set *s)
{
	sha_set bigger = *s;

	bigger.capacity = s->capacity * 2;
	bigger.count = 0;
	bigger.slots = calloc(bigger.capacity, 32);
	bigger.used = calloc(bigger.capacity, 1);
	if (!bigger.slots || !bigger.used) {
		free(bigger.slots);
		free(bigger.used);
		return -1;
	}
	for (size_t i = 0; i < s->capacity; i++)
		if (s->used[i])
			insert_unlocked(&bigger, s->slots[i]);
	free(s->slots);
	free(s->used);
	s->slots = bigger.slots;
	s->used = bigger.used;
	s->capacity = bigger.capacity;
	return 0;
}

int sha_set_claim(sha_set *s, const unsigned char digest[32])
{
	int added = -1;

	pthread_mutex_lock(&s->lock);
	if ((s->count + 1) * 4 < s->capacity * 3 || grow(s) == 0)
		added = insert_unlocked(s, digest);
	pthread_mutex_unlock(&s->lock);
	return added;
}

size_t sha_set_count(sha_set *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->count;
	pthread_mutex_unlock(&s->lock);
	return n;
}

int sha_set_contains(sha_set *s, const unsigned char digest[32])
{
	size_t i;
	int found = 0;

	pthread_mutex_lock(&s->lock);
	for (i = slot_of(digest, s->capacity); s->used[i];
	     i = (i + 1) & (s->capacity - 1)) {
		if (!memcmp(s->slots[i], digest, 32)) {
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

/*
 * parallel_hash.c — see parallel_hash.h.  Counters, not flags: buffer s
 * lives in slot s % PARALLEL_HASH_BUFFERS; the producer may reuse a slot
 * once every digest thread has consumed what was there.
 */
#include "parallel_hash.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { DIGESTS = 3 };

typedef struct digest_thread {
	struct parallel_hash *ph;
	pthread_t thread;
	int started;
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
	unsigned char out[EVP_MAX_MD_SIZE];
	size_t consumed;          /* buffers digested */
	int failed;
} digest_thread;

struct parallel_hash {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned char *buffers[PARALLEL_HASH_BUFFERS];
	size_t lengths[PARALLEL_HASH_BUFFERS];
	size_t produced;          /* buffers submitted */
	int finished;             /* no more buffers will come */
	digest_thread digests[DIGESTS];
};

static size_t slowest_consumer(const parallel_hash *ph)
{
	size_t least = ph->digests[0].consumed;

	for (int i = 1; i < DIGESTS; i++)
		if (ph->digests[i].consumed < least)
			least = ph->digests[i].consumed;
	return least;
}

static void *digest_main(void *arg)
{
	digest_thread *d = arg;
	parallel_hash *ph = d->ph;

	for (;;) {
		size_t slot, len;

		pthread_mutex_lock(&ph->lock);
		while (d->consumed == ph->produced && !ph->finished)
			pthread_cond_wait(&ph->changed, &ph->lock);
		if (d->consumed == ph->produced) {
			pthread_mutex_unlock(&ph->lock);
			break;
		}
		slot = d->consumed % PARALLEL_HASH_BUFFERS;
		len = ph->lengths[slot];
		pthread_mutex_unlock(&ph->lock);
		/* The producer does not touch this slot until every digest has
		 * moved past it, so it is read here without the lock. */
		if (EVP_DigestUpdate(d->ctx, ph->buffers[slot], len) != 1)
			d->failed = 1;
		pthread_mutex_lock(&ph->lock);
		d->consumed++;
		pthread_cond_broadcast(&ph->changed);
		pthread_mutex_unlock(&ph->lock);
	}
	if (EVP_DigestFinal_ex(d->ctx, d->out, NULL) != 1)
		d->failed = 1;
	return NULL;
}

void parallel_hash_free(parallel_hash *ph)
{
	if (!ph)
		return;
	pthread_mutex_lock(&ph->lock);
	ph->finished = 1;
	pthread_cond_broadcast(&ph->changed);
	pthread_mutex_unlock(&ph->lock);
	for (int i = 0; i < DIGESTS; i++) {
		if (ph->digests[i].started)
			pthread_join(ph->digests[i].thread, NULL);
		ph->digests[i].started = 0;
		EVP_MD_CTX_free(ph->digests[i].ctx);
	}
	for (int i = 0; i < PARALLEL_HASH_BUFFERS; i++)
		free(ph->buffers[i]);
	pthread_mutex_destroy(&ph->lock);
	pthread_cond_destroy(&ph->changed);
	free(ph);
}

parallel_hash *parallel_hash_new(size_t buffer_size, exhibit_error *err)
{
	parallel_hash *ph = calloc(1, sizeof *ph);
	const EVP_MD *mds[DIGESTS] = { EVP_md5(), EVP_sha1(), EVP_sha256() };

	if (!ph) {
		exhibit_error_set(err, -1, -1, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&ph->lock, NULL);
	pthread_cond_init(&ph->changed, NULL);
	for (int i = 0; i < PARALLEL_HASH_BUFFERS; i++)
		if (!(ph->buffers[i] = malloc(buffer_size)))
			goto fail;
	for (int i = 0; i < DIGESTS; i++) {
		digest_thread *d = &ph->digests[i];

		d->ph = ph;
		d->md = mds[i];
		d->ctx = EVP_MD_CTX_new();
		if (!d->ctx || EVP_DigestInit_ex(d->ctx, d->md, NULL) != 1)
			goto fail;
		if (pthread_create(&d->thread, NULL, digest_main, d) != 0)
			goto fail;
		d->started = 1;
	}
	return ph;
fail:
	exhibit_error_set(err, -1, -1, "cannot start the image digest threads");
	parallel_hash_free(ph);
	return NULL;
}

unsigned char *parallel_hash_next(parallel_hash *ph)
{
	unsigned char *buf;

	pthread_mutex_lock(&ph->lock);
	while (ph->produced - slowest_consumer(ph) >= PARALLEL_HASH_BUFFERS)
		pthread_cond_wait(&ph->changed, &ph->lock);
	buf = ph->buffers[ph->produced % PARALLEL_HASH_BUFFERS];
	pthread_mutex_unlock(&ph->lock);
	return buf;
}

void parallel_hash_submit(parallel_hash *ph, size_t len)
{
	pthread_mutex_lock(&ph->lock);
	ph->lengths[ph->produced % PARALLEL_HASH_BUFFERS] = len;
	ph->produced++;
	pthread_cond_broadcast(&ph->changed);
	pthread_mutex_unlock(&ph->lock);
}

int parallel_hash_finish(parallel_hash *ph, digests *out, exhibit_error *err)
{
	unsigned char *dst[DIGESTS] = { out->md5, out->sha1, out->sha256 };
	const size_t lens[DIGESTS] = { MD5_LEN, SHA1_LEN, SHA256_LEN };
	int rc = 0;

	pthread_mutex_lock(&ph->lock);
	ph->finished = 1;
	pthread_cond_broadcast(&ph->changed);
	pthread_mutex_unlock(&ph->lock);
	for (int i = 0; i < DIGESTS; i++) {
		digest_thread *d = &ph->digests[i];

		if (d->started)
			pthread_join(d->thread, NULL);
		d->started = 0;
		if (d->failed)
			rc = exhibit_error_set(err, -1, -1, "OpenSSL: a digest failed");
		memcpy(dst[i], d->out, lens[i]);
	}
	return rc;
}

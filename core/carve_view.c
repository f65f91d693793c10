/*
 * carve_view.c — see carve_view.h.
 */
#include "carve_view.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK ((uint64_t)256 << 10)
#define CHUNKS 8
#define JOINED_MAX ((size_t)1 << 20)   /* the most one request may ask */
#define RETRY_PIECE ((size_t)64 << 10)

typedef struct chunk {
	uint64_t index;           /* stream offset / CHUNK */
	size_t len;               /* bytes held (0: none, or unreadable) */
	int loaded;
	unsigned age;
	unsigned char *data;
} chunk;

struct carve_view {
	content_reader *reader;
	content_location loc;     /* the stream as CONTENT_RUNS */
	const carve_stream *stream;
	unsigned char *block;
	size_t block_cap, block_len;
	uint64_t block_offset;
	chunk chunks[CHUNKS];
	unsigned clock;
	unsigned char *joined;    /* a request spanning two chunks, copied */
};

carve_view *carve_view_new(content_reader *reader, size_t block_bytes)
{
	carve_view *v = calloc(1, sizeof *v);
	int ok;

	if (!v)
		return NULL;
	v->reader = reader;
	v->block_cap = block_bytes;
	v->block = malloc(block_bytes);
	v->joined = malloc(JOINED_MAX);
	ok = v->block && v->joined;
	for (int i = 0; i < CHUNKS; i++)
		ok = (v->chunks[i].data = malloc(CHUNK)) != NULL && ok;
	if (!ok) {
		carve_view_free(v);
		return NULL;
	}
	return v;
}

void carve_view_free(carve_view *v)
{
	if (!v)
		return;
	for (int i = 0; i < CHUNKS; i++)
		free(v->chunks[i].data);
	free(v->joined);
	free(v->block);
	free(v);
}

void carve_view_set(carve_view *v, const evidence_source *src, const carve_stream *s)
{
	memset(&v->loc, 0, sizeof v->loc);
	v->loc.kind = CONTENT_RUNS;
	v->loc.src = src;
	v->loc.runs = s->segments;
	v->loc.n_runs = s->n_segments;
	v->loc.size = s->size;
	v->stream = s;
	v->block_len = 0;
	v->block_offset = 0;
	for (int i = 0; i < CHUNKS; i++)
		v->chunks[i].loaded = 0;
}

/* read_exact — stream bytes into buf; -1 with err on a read error. */
static int read_exact(carve_view *v, uint64_t offset, unsigned char *buf, size_t len,
                      exhibit_error *err)
{
	size_t done = 0;

	while (done < len) {
		int64_t got = content_reader_read(v->reader, &v->loc, offset + done, buf + done,
		                                  len - done, err);
		if (got <= 0)
			return got < 0 ? -1 : 0;
		done += (size_t)got;
	}
	return 0;
}

const unsigned char *carve_view_load(carve_view *v, uint64_t offset, size_t len, size_t *got,
                                     carve_read_problem_fn problem, void *ctx)
{
	exhibit_error err;

	if (offset >= v->stream->size)
		len = 0;
	else if (len > v->stream->size - offset)
		len = (size_t)(v->stream->size - offset);
	if (len > v->block_cap)
		len = v->block_cap;
	v->block_offset = offset;
	v->block_len = len;
	*got = len;
	exhibit_error_clear(&err);
	if (read_exact(v, offset, v->block, len, &err) == 0)
		return v->block;
	/* Read again piece by piece: what reads is kept, the rest is zeros. */
	for (size_t at = 0; at < len; at += RETRY_PIECE) {
		size_t piece = len - at < RETRY_PIECE ? len - at : RETRY_PIECE;

		exhibit_error_clear(&err);
		if (read_exact(v, offset + at, v->block + at, piece, &err) < 0) {
			memset(v->block + at, 0, piece);
			if (problem)
				problem(ctx, offset + at, piece, err.message);
		}
	}
	return v->block;
}

static chunk *chunk_for(carve_view *v, uint64_t index)
{
	chunk *victim = &v->chunks[0];
	uint64_t start = index * CHUNK;
	exhibit_error err;
	size_t len;

	for (int i = 0; i < CHUNKS; i++) {
		if (v->chunks[i].loaded && v->chunks[i].index == index) {
			v->chunks[i].age = ++v->clock;
			return &v->chunks[i];
		}
		if (!v->chunks[i].loaded || v->chunks[i].age < victim->age)
			victim = &v->chunks[i];
	}
	len = start >= v->stream->size ? 0
	      : (size_t)(v->stream->size - start < CHUNK ? v->stream->size - start : CHUNK);
	exhibit_error_clear(&err);
	victim->index = index;
	victim->loaded = 1;
	victim->age = ++v->clock;
	/* An unreadable chunk ends the bytes there; the block that holds it
	 * reports the error when it is scanned. */
	victim->len = read_exact(v, start, victim->data, len, &err) == 0 ? len : 0;
	return victim;
}

static const unsigned char *view_get(void *ctx, uint64_t off, size_t len, size_t *got)
{
	carve_view *v = ctx;
	uint64_t index = off / CHUNK, in = off % CHUNK;
	chunk *c;

	*got = 0;
	if (off >= v->stream->size || !len)
		return NULL;
	if (len > v->stream->size - off)
		len = (size_t)(v->stream->size - off);
	if (len > JOINED_MAX)
		len = JOINED_MAX;
	if (off >= v->block_offset && off - v->block_offset < v->block_len) {
		size_t room = v->block_len - (size_t)(off - v->block_offset);
		if (len <= room) {
			*got = len;
			return v->block + (off - v->block_offset);
		}
	}
	c = chunk_for(v, index);
	if (in + len <= c->len) {
		*got = len;
		return c->data + in;
	}
	/* Across chunks: copy the parts, up to an unreadable chunk. */
	while (*got < len && in < c->len) {
		size_t take = c->len - (size_t)in < len - *got ? c->len - (size_t)in : len - *got;

		memcpy(v->joined + *got, c->data + in, take);
		*got += take;
		if (c->len < CHUNK)
			break;
		c = chunk_for(v, ++index);
		in = 0;
	}
	return *got ? v->joined : NULL;
}

carve_source carve_view_source(carve_view *v)
{
	carve_source src = { v->stream ? v->stream->size : 0, view_get, v };
	return src;
}

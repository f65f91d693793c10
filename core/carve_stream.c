/*
 * carve_stream.c — see carve_stream.h.
 */
#include "carve_stream.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[STREAM_KINDS] = {
	"unallocated", "slack", "unpartitioned", "unrecognised", "image"
};

const char *carve_stream_kind_name(carve_stream_kind kind)
{
	return (unsigned)kind < STREAM_KINDS ? kind_names[kind] : "unknown";
}

/* Ranges of one file system and kind belong together; others stand alone. */
static int joins(carve_stream_kind kind)
{
	return kind == STREAM_UNALLOCATED || kind == STREAM_SLACK;
}

static int by_group_then_offset(const void *a, const void *b)
{
	const carve_range *x = a, *y = b;
	int gx = joins(x->kind), gy = joins(y->kind);

	if (gx != gy)
		return gx ? -1 : 1;
	if (gx && (x->kind != y->kind || x->fs != y->fs))
		return x->kind != y->kind ? (x->kind < y->kind ? -1 : 1) : (x->fs < y->fs ? -1 : 1);
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->length < y->length ? -1 : x->length > y->length;
}

static int by_first_byte(const void *a, const void *b)
{
	const carve_stream *x = a, *y = b;
	uint64_t ox = x->segments[0].image_offset, oy = y->segments[0].image_offset;

	if (ox != oy)
		return ox < oy ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->fs < y->fs ? -1 : x->fs > y->fs;
}

/* add_segment — append [offset, +length) to s, joined to the last segment
 * when adjacent, clipped where it overlaps it. */
static int add_segment(carve_stream *s, uint64_t offset, uint64_t length)
{
	walk_run *last = s->n_segments ? &s->segments[s->n_segments - 1] : NULL;

	if (last) {
		uint64_t end = (uint64_t)last->image_offset + last->length;
		if (offset < end) {
			if (offset + length <= end)
				return 0;
			length -= end - offset;
			offset = end;
		}
		if (offset == end) {
			last->length += length;
			s->size += length;
			return 0;
		}
	}
	if (s->n_segments == s->segments_cap) {
		size_t grown_cap = s->segments_cap ? s->segments_cap * 2 : 16;
		walk_run *grown = realloc(s->segments, grown_cap * sizeof *grown);
		if (!grown)
			return -1;
		s->segments = grown;
		s->segments_cap = grown_cap;
	}
	s->segments[s->n_segments].file_offset = s->size;
	s->segments[s->n_segments].image_offset = (int64_t)offset;
	s->segments[s->n_segments].length = length;
	s->segments[s->n_segments].flags = 0;
	s->n_segments++;
	s->size += length;
	return 0;
}

static uint64_t unit_for(carve_stream_kind kind, int fs, uint64_t (*unit_of)(void *, int),
                         void *ctx)
{
	uint64_t u = kind == STREAM_UNALLOCATED && fs >= 0 && unit_of ? unit_of(ctx, fs) : 512;

	return u >= 512 ? u : 512;
}

size_t carve_streams_build(const carve_range *ranges, size_t n, uint64_t whole_image,
                           uint64_t (*unit_of)(void *ctx, int fs), void *ctx,
                           carve_stream **out)
{
	carve_range *sorted = NULL;
	carve_stream *streams = NULL;
	size_t count = 0, cap = 0;

	*out = NULL;
	if (whole_image) {
		if (!(streams = calloc(1, sizeof *streams)))
			return (size_t)-1;
		streams->kind = STREAM_IMAGE;
		streams->fs = -1;
		streams->unit = 512;
		if (add_segment(streams, 0, whole_image) < 0) {
			carve_streams_free(streams, 1);
			return (size_t)-1;
		}
		*out = streams;
		return 1;
	}
	if (n && !(sorted = malloc(n * sizeof *sorted)))
		return (size_t)-1;
	if (n)
		memcpy(sorted, ranges, n * sizeof *sorted);
	if (n)
		qsort(sorted, n, sizeof *sorted, by_group_then_offset);
	for (size_t i = 0; i < n; i++) {
		const carve_range *r = &sorted[i];
		carve_stream *s = count ? &streams[count - 1] : NULL;

		if (!r->length)
			continue;
		if (!s || !joins(r->kind) || s->kind != r->kind || s->fs != r->fs) {
			if (count == cap) {
				carve_stream *grown = realloc(streams, (cap = cap ? cap * 2 : 8) * sizeof *grown);
				if (!grown)
					goto fail;
				streams = grown;
			}
			s = &streams[count++];
			memset(s, 0, sizeof *s);
			s->kind = r->kind;
			s->fs = r->fs;
			s->unit = unit_for(r->kind, r->fs, unit_of, ctx);
		}
		if (add_segment(s, r->offset, r->length) < 0)
			goto fail;
	}
	free(sorted);
	if (count)
		qsort(streams, count, sizeof *streams, by_first_byte);
	*out = streams;
	return count;
fail:
	free(sorted);
	carve_streams_free(streams, count);
	return (size_t)-1;
}

void carve_streams_free(carve_stream *streams, size_t n)
{
	for (size_t i = 0; streams && i < n; i++)
		free(streams[i].segments);
	free(streams);
}

/* The segment holding stream offset off. */
static size_t segment_holding(const carve_stream *s, uint64_t off)
{
	size_t lo = 0, hi = s->n_segments;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->segments[mid].file_offset <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint64_t carve_stream_image_offset(const carve_stream *s, uint64_t off)
{
	const walk_run *seg = &s->segments[segment_holding(s, off)];

	return (uint64_t)seg->image_offset + (off - seg->file_offset);
}

int carve_stream_runs(const carve_stream *s, uint64_t offset, uint64_t length, uint64_t at,
                      walk_run **runs, size_t *n, size_t *cap)
{
	for (size_t i = segment_holding(s, offset); length && i < s->n_segments; i++) {
		const walk_run *seg = &s->segments[i];
		uint64_t in = offset - seg->file_offset;
		uint64_t take = seg->length - in < length ? seg->length - in : length;

		if (*n == *cap) {
			size_t grown_cap = *cap ? *cap * 2 : 4;
			walk_run *grown = realloc(*runs, grown_cap * sizeof *grown);
			if (!grown)
				return -1;
			*runs = grown;
			*cap = grown_cap;
		}
		(*runs)[*n].file_offset = at;
		(*runs)[*n].image_offset = seg->image_offset + (int64_t)in;
		(*runs)[*n].length = take;
		(*runs)[*n].flags = 0;
		(*n)++;
		at += take;
		offset += take;
		length -= take;
	}
	return 0;
}

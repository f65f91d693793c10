/*
 * carve_stream.h — the space one evidence source offers for carving, as
 * streams: runs of image bytes joined end to end and carved as one.
 *
 * Each file system's unallocated blocks form one stream, in image order,
 * as PhotoRec carves them: a deleted file whose blocks lay around blocks
 * still allocated is contiguous in it.  Each file system's slack (the
 * ends of files' last clusters) is another; each run of unpartitioned
 * space, or of a partition no file system was found in, is one of its
 * own; and when the whole image is carved it is the only stream.  A
 * stream maps its offsets back to the image, so a carved file's pieces
 * become image byte runs.
 */
#ifndef EXHIBIT_CARVE_STREAM_H
#define EXHIBIT_CARVE_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "walk.h"

/* What a stream is made of; the names are the carved table's. */
typedef enum carve_stream_kind {
	STREAM_UNALLOCATED = 0,  /* a file system's unallocated blocks */
	STREAM_SLACK,            /* a file system's file slack */
	STREAM_UNPARTITIONED,    /* space outside every partition */
	STREAM_UNRECOGNISED,     /* a partition (or image) without a known file system */
	STREAM_IMAGE,            /* the whole image (--carve-all) */
	STREAM_KINDS
} carve_stream_kind;

const char *carve_stream_kind_name(carve_stream_kind kind);

/* One range the walk reported, reduced to what carving needs. */
typedef struct carve_range {
	uint64_t offset, length;
	carve_stream_kind kind;
	int fs;                 /* the caller's file-system index, -1 for none */
} carve_range;

typedef struct carve_stream {
	carve_stream_kind kind;
	int fs;                 /* as in the ranges, -1 for none */
	uint64_t unit;          /* fragments split at multiples of this */
	walk_run *segments;     /* file_offset = stream offset; image_offset; length */
	size_t n_segments, segments_cap;
	uint64_t size;
} carve_stream;

/*
 * carve_streams_build — the streams of n ranges (sorted, joined, overlaps
 * clipped), each unpartitioned or unrecognised range a stream of its own,
 * the streams in order of their first image byte.  unit_of(ctx, fs) gives
 * a file system's block size.  With whole_image (the image's size), one
 * stream of the whole image instead.  RETURN the count, or (size_t)-1
 * when out of memory; *out is malloc'd (carve_streams_free).
 */
size_t carve_streams_build(const carve_range *ranges, size_t n, uint64_t whole_image,
                           uint64_t (*unit_of)(void *ctx, int fs), void *ctx,
                           carve_stream **out);
void carve_streams_free(carve_stream *streams, size_t n);

/*
 * carve_stream_runs — the image byte runs of stream bytes [offset,
 * offset + length), appended to *runs (*n of them, *cap allocated) with
 * file offsets continuing from at.  RETURN 0 or -1 (out of memory).
 */
int carve_stream_runs(const carve_stream *s, uint64_t offset, uint64_t length, uint64_t at,
                      walk_run **runs, size_t *n, size_t *cap);

/* carve_stream_image_offset — where stream offset off lies in the image. */
uint64_t carve_stream_image_offset(const carve_stream *s, uint64_t off);

#endif

/*
 * carve_view.h — one thread's window onto a stream being carved.
 *
 * A view holds the block the thread is scanning, read once in one large
 * read, and a small cache of 256 KiB chunks for the bytes candidates need
 * beyond it (a file that starts in the block and runs on, a second
 * fragment further away).  It reads through the thread's own
 * content_reader, so E01 decompression happens on every thread, and
 * serves the carving judge as a carve_source.  Bounded memory: the block
 * buffer and the chunks, whatever the stream.
 */
#ifndef EXHIBIT_CARVE_VIEW_H
#define EXHIBIT_CARVE_VIEW_H

#include "carve_judge.h"
#include "carve_stream.h"
#include "reader.h"

typedef struct carve_view carve_view;

/* A read that failed: [offset, +length) of the stream read as zeros. */
typedef void (*carve_read_problem_fn)(void *ctx, uint64_t offset, uint64_t length,
                                      const char *message);

/* carve_view_new — a view reading through reader (borrowed), with room
 * for blocks of up to block_bytes.  NULL when out of memory. */
carve_view *carve_view_new(content_reader *reader, size_t block_bytes);
void carve_view_free(carve_view *v);

/* carve_view_set — look at stream s of src from now on. */
void carve_view_set(carve_view *v, const evidence_source *src, const carve_stream *s);

/*
 * carve_view_load — read stream bytes [offset, offset + len) as the block
 * (len <= block_bytes; less where the stream ends).  Ranges that cannot be
 * read are zero-filled and passed to problem.
 * RETURN: the block's bytes; *got says how many.
 */
const unsigned char *carve_view_load(carve_view *v, uint64_t offset, size_t len, size_t *got,
                                     carve_read_problem_fn problem, void *ctx);

/* carve_view_source — the stream as the judge reads it. */
carve_source carve_view_source(carve_view *v);

#endif

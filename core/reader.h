/*
 * reader.h — reading an item's content, wherever it lives.
 *
 * Content lives in a file system inside an image (read through libtsk, so
 * resident, compressed and sparse data come out as icat gives them), in a
 * file on the host (directory evidence), in memory (a child item a plugin
 * handed back), or in byte runs of the image itself (a carved file, or
 * the space being carved).  Each worker thread owns one content_reader: it
 * keeps its own read-only image and file-system handles open between
 * items, so workers never share a libtsk or libewf handle and E01
 * decompression runs on every core.
 */
#ifndef EXHIBIT_READER_H
#define EXHIBIT_READER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "source.h"
#include "walk.h"

typedef enum content_kind {
	CONTENT_NONE = 0,
	CONTENT_FS,      /* a file-system attribute inside an image */
	CONTENT_LOCAL,   /* a file on the host */
	CONTENT_MEMORY,  /* bytes held by the pipeline */
	CONTENT_RUNS     /* byte runs of the image, in order (carved content) */
} content_kind;

typedef struct content_location {
	content_kind kind;
	const evidence_source *src;
	uint64_t fs_offset;
	int fs_type;              /* TSK_FS_TYPE_ENUM, so the same file system opens */
	uint64_t meta_addr;
	int attr_type, attr_id;   /* -1: the default data stream */
	const char *local_path;
	const unsigned char *data;
	const walk_run *runs;     /* CONTENT_RUNS: sorted by file_offset, end to end;
	                           * a run without an image offset reads as zeros */
	size_t n_runs;
	uint64_t size;
} content_location;

typedef struct content_reader content_reader;

content_reader *content_reader_new(void);
void content_reader_free(content_reader *r);

/*
 * content_reader_read — copy up to len bytes of the content at offset.
 * RETURN: bytes copied (0 at the end), or a negative code with err naming
 * the item's offset.
 */
int64_t content_reader_read(content_reader *r, const content_location *loc,
                            uint64_t offset, void *buf, size_t len,
                            exhibit_error *err);

/* content_reader_forget_source — close every handle on src (before the
 * source is freed). */
void content_reader_forget_source(content_reader *r, const evidence_source *src);

#endif

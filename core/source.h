/*
 * source.h — an evidence source: a disk image (all its segments) or a
 * directory, identified once and then opened read-only as often as the
 * pipeline needs (one image handle per worker, so that decompression of
 * E01 chunks runs on every core).
 */
#ifndef EXHIBIT_SOURCE_H
#define EXHIBIT_SOURCE_H

#include <stdint.h>
#include <tsk/libtsk.h>

#include "error.h"

typedef enum source_kind { SOURCE_IMAGE, SOURCE_DIRECTORY } source_kind;

typedef struct evidence_source {
	source_kind kind;
	char *path;          /* absolute path of the first segment or directory */
	char **segments;     /* every segment, in order (images only) */
	int n_segments;
	const char *format;  /* raw, split-raw, ewf, vmdk, vhd, aff, directory */
	uint64_t size;       /* media size in bytes (images) */
	unsigned sector_size;
	int tsk_type;        /* TSK_IMG_TYPE_ENUM found by the probe: reopening
	                      * with it skips libtsk's format detection */
} evidence_source;

/*
 * source_probe — identify what path is and find all its segments.  An
 * image must open with libtsk; a directory is accepted as a logical
 * extraction.
 * RETURN: 0, or a negative code with err naming path.
 */
int source_probe(const char *path, evidence_source *src, exhibit_error *err);

/* source_clear — free what source_probe allocated. */
void source_clear(evidence_source *src);

/*
 * source_open_image — a fresh, read-only libtsk handle on the image.
 * RETURN: the handle (tsk_img_close it), or NULL with err set.
 */
TSK_IMG_INFO *source_open_image(const evidence_source *src, exhibit_error *err);

/* source_tsk_error — copy libtsk's last error of this thread into err. */
int source_tsk_error(exhibit_error *err, int code, int64_t offset,
                     const char *context);

#endif

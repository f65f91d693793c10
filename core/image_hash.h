/*
 * image_hash.h — MD5, SHA-1 and SHA-256 of a whole image's media, read in
 * order: what an acquisition's stored hashes are checked against.
 *
 * EWF images are read through libewf directly, so a chunk that fails its
 * checksum is named (bad_range) rather than silently zero-filled; every
 * other format libtsk reads goes through a libtsk handle of its own.
 * Each digest runs on a thread of its own (parallel_hash.h).
 */
#ifndef EXHIBIT_IMAGE_HASH_H
#define EXHIBIT_IMAGE_HASH_H

#include "error.h"
#include "ewf_meta.h"
#include "hash.h"
#include "source.h"

/*
 * image_hash — hash the media of src (an image).  cb may be NULL; its
 * progress sees bytes read so far.
 * RETURN 0, or negative with err naming the image and offset.
 */
int image_hash(const evidence_source *src, digests *out, const ewf_hash_callbacks *cb,
               exhibit_error *err);

#endif

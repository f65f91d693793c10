/*
 * image_hash.c — whole-image hashing (see image_hash.h).
 */
#include <string.h>

#include "image_hash.h"
#include "parallel_hash.h"

#define IMAGE_HASH_CHUNK (4u << 20)

static int hash_with_tsk(const evidence_source *src, digests *d, const ewf_hash_callbacks *cb,
                         exhibit_error *err)
{
	TSK_IMG_INFO *img = source_open_image(src, err);
	parallel_hash *ph = img ? parallel_hash_new(IMAGE_HASH_CHUNK, err) : NULL;
	uint64_t offset = 0;
	int rc = -1;

	if (!img || !ph)
		goto out;
	while (offset < src->size) {
		size_t want = src->size - offset < IMAGE_HASH_CHUNK
			? (size_t)(src->size - offset) : IMAGE_HASH_CHUNK;
		ssize_t got = tsk_img_read(img, (TSK_OFF_T)offset, (char *)parallel_hash_next(ph), want);

		if (got <= 0) {
			source_tsk_error(err, -2, (int64_t)offset, "the image cannot be read through to its end");
			goto out;
		}
		parallel_hash_submit(ph, (size_t)got);
		offset += (uint64_t)got;
		if (cb && cb->progress)
			cb->progress(cb->ctx, (uint64_t)got);
	}
	rc = parallel_hash_finish(ph, d, err);
out:
	parallel_hash_free(ph);
	if (img)
		tsk_img_close(img);
	return rc;
}

int image_hash(const evidence_source *src, digests *out, const ewf_hash_callbacks *cb,
               exhibit_error *err)
{
	if (src->format && !strcmp(src->format, "ewf"))
		return ewf_hash_media(src->segments, src->n_segments, out, cb, err);
	return hash_with_tsk(src, out, cb, err);
}

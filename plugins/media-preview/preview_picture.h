/*
 * preview_picture.h — the pictures a preview is made of: packed RGB24
 * canvases, tiles pasted into them, and the obscuring that makes the
 * safe-by-default version (grey, blurred until no detail is left).
 *
 * Pure arithmetic on memory the caller owns or gets from picture_new:
 * no FFmpeg, no I/O.  Every function keeps inside the canvas whatever
 * coordinates it is given.
 */
#ifndef EXHIBIT_PREVIEW_PICTURE_H
#define EXHIBIT_PREVIEW_PICTURE_H

#include <stddef.h>
#include <stdint.h>

typedef struct picture {
	int width, height;
	uint8_t *rgb;            /* width * height * 3 bytes, rows packed */
} picture;

/*
 * picture_new — a width x height canvas filled with grey level fill.
 * RETURN 0, or -1 when out of memory or a side is not in 1..4096.
 */
int picture_new(picture *p, int width, int height, uint8_t fill);
void picture_free(picture *p);

/* picture_copy — dst becomes a copy of src.  RETURN 0 or -1 (memory). */
int picture_copy(picture *dst, const picture *src);

/*
 * picture_paste — copy w x h RGB24 pixels (rows stride bytes apart) with
 * their top-left corner at (x, y); what falls outside the canvas is
 * dropped.
 */
void picture_paste(picture *dst, int x, int y, const uint8_t *src, int w, int h,
                   ptrdiff_t stride);

/*
 * picture_obscure — turn the region (x, y, w, h) grey (BT.601 luma) and
 * blur it within itself (three box blurs of radius a sixth of its longer
 * side, which approach a Gaussian of about that deviation): shapes and
 * light remain, faces, text and detail do not.  RETURN 0, or -1 when out
 * of memory (the region is then left as it was).
 */
int picture_obscure(picture *p, int x, int y, int w, int h);

#endif

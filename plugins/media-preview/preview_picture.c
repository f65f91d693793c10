/*
 * preview_picture.c — see preview_picture.h.
 */
#include "preview_picture.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SIDE 4096
#define BLUR_PASSES 3

int picture_new(picture *p, int width, int height, uint8_t fill)
{
	p->rgb = NULL;
	p->width = p->height = 0;
	if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE)
		return -1;
	p->rgb = malloc((size_t)width * (size_t)height * 3);
	if (!p->rgb)
		return -1;
	memset(p->rgb, fill, (size_t)width * (size_t)height * 3);
	p->width = width;
	p->height = height;
	return 0;
}

void picture_free(picture *p)
{
	free(p->rgb);
	p->rgb = NULL;
	p->width = p->height = 0;
}

int picture_copy(picture *dst, const picture *src)
{
	if (picture_new(dst, src->width, src->height, 0) < 0)
		return -1;
	memcpy(dst->rgb, src->rgb, (size_t)src->width * (size_t)src->height * 3);
	return 0;
}

void picture_paste(picture *dst, int x, int y, const uint8_t *src, int w, int h,
                   ptrdiff_t stride)
{
	int left = x < 0 ? -x : 0, top = y < 0 ? -y : 0;
	int right = x + w > dst->width ? dst->width - x : w;
	int bottom = y + h > dst->height ? dst->height - y : h;

	for (int i = top; i < bottom; i++)
		if (right > left)
			memcpy(dst->rgb + ((size_t)(y + i) * (size_t)dst->width + (size_t)(x + left)) * 3,
			       src + (ptrdiff_t)i * stride + (ptrdiff_t)left * 3, (size_t)(right - left) * 3);
}

/* box_blur_line — n values step apart, replaced by the mean of the
 * 2r+1 around each (the line's end values repeated past its ends). */
static void box_blur_line(float *v, size_t step, int n, int r, float *tmp)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		tmp[i] = v[(size_t)i * step];
	for (int k = -r; k <= r; k++)
		sum += tmp[k < 0 ? 0 : k >= n ? n - 1 : k];
	for (int i = 0; i < n; i++) {
		int out = i - r, in = i + r + 1;
		v[(size_t)i * step] = (float)(sum / (2 * r + 1));
		sum += tmp[in >= n ? n - 1 : in] - tmp[out < 0 ? 0 : out];
	}
}

int picture_obscure(picture *p, int x, int y, int w, int h)
{
	float *luma, *tmp;
	int r;

	if (x < 0) { w += x; x = 0; }
	if (y < 0) { h += y; y = 0; }
	if (x + w > p->width) w = p->width - x;
	if (y + h > p->height) h = p->height - y;
	if (w <= 0 || h <= 0)
		return 0;
	r = (w > h ? w : h) / 6;
	r = r < 2 ? 2 : r;
	luma = malloc((size_t)w * (size_t)h * sizeof *luma);
	tmp = malloc((size_t)(w > h ? w : h) * sizeof *tmp);
	if (!luma || !tmp) {
		free(luma);
		free(tmp);
		return -1;
	}
	for (int i = 0; i < h; i++)
		for (int j = 0; j < w; j++) {
			const uint8_t *px = p->rgb + ((size_t)(y + i) * (size_t)p->width + (size_t)(x + j)) * 3;
			luma[(size_t)i * (size_t)w + (size_t)j] = 0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2];
		}
	for (int pass = 0; pass < BLUR_PASSES; pass++) {
		for (int i = 0; i < h; i++)
			box_blur_line(luma + (size_t)i * (size_t)w, 1, w, r, tmp);
		for (int j = 0; j < w; j++)
			box_blur_line(luma + j, (size_t)w, h, r, tmp);
	}
	for (int i = 0; i < h; i++)
		for (int j = 0; j < w; j++) {
			uint8_t *px = p->rgb + ((size_t)(y + i) * (size_t)p->width + (size_t)(x + j)) * 3;
			float v = luma[(size_t)i * (size_t)w + (size_t)j] + 0.5f;
			px[0] = px[1] = px[2] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	free(luma);
	free(tmp);
	return 0;
}

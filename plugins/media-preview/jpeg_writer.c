/*
 * jpeg_writer.c — see jpeg_writer.h.
 */
#include "jpeg_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>

static uint8_t clamp_byte(double v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
}

/* to_yuv420 — JFIF's RGB to YCbCr; chroma is the mean of each 2 x 2
 * block (of the pixels that exist at an odd edge). */
static void to_yuv420(const picture *p, AVFrame *f)
{
	for (int i = 0; i < p->height; i++)
		for (int j = 0; j < p->width; j++) {
			const uint8_t *px = p->rgb + ((size_t)i * (size_t)p->width + (size_t)j) * 3;
			f->data[0][(ptrdiff_t)i * f->linesize[0] + j] =
				clamp_byte(0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2]);
		}
	for (int i = 0; i < (p->height + 1) / 2; i++)
		for (int j = 0; j < (p->width + 1) / 2; j++) {
			double cb = 0, cr = 0;
			int n = 0;
			for (int di = 0; di < 2; di++)
				for (int dj = 0; dj < 2; dj++) {
					int y = 2 * i + di, x = 2 * j + dj;
					const uint8_t *px;
					if (y >= p->height || x >= p->width)
						continue;
					px = p->rgb + ((size_t)y * (size_t)p->width + (size_t)x) * 3;
					cb += -0.168736 * px[0] - 0.331264 * px[1] + 0.5 * px[2];
					cr += 0.5 * px[0] - 0.418688 * px[1] - 0.081312 * px[2];
					n++;
				}
			f->data[1][(ptrdiff_t)i * f->linesize[1] + j] = clamp_byte(128 + cb / n);
			f->data[2][(ptrdiff_t)i * f->linesize[2] + j] = clamp_byte(128 + cr / n);
		}
}

/* pad_plane — repeat the last column and row of a w x h plane out to
 * the encoder's block size: it reads whole blocks, and what it finds
 * past the picture leaks into the visible pixels of the last ones. */
static void pad_plane(uint8_t *plane, int linesize, int w, int h, int block)
{
	int pw = (w + block - 1) / block * block, ph = (h + block - 1) / block * block;

	if (pw > linesize)
		pw = linesize;
	for (int i = 0; i < h; i++)
		memset(plane + (ptrdiff_t)i * linesize + w, plane[(ptrdiff_t)i * linesize + w - 1],
		       (size_t)(pw - w));
	for (int i = h; i < ph; i++)
		memcpy(plane + (ptrdiff_t)i * linesize, plane + (ptrdiff_t)(h - 1) * linesize,
		       (size_t)pw);
}

static int encode(AVCodecContext *c, AVFrame *f, AVPacket *pkt, uint8_t **out, size_t *len)
{
	if (avcodec_send_frame(c, f) < 0 || avcodec_send_frame(c, NULL) < 0 ||
	    avcodec_receive_packet(c, pkt) < 0 || pkt->size <= 0)
		return -1;
	*out = malloc((size_t)pkt->size);
	if (!*out)
		return -1;
	memcpy(*out, pkt->data, (size_t)pkt->size);
	*len = (size_t)pkt->size;
	return 0;
}

int jpeg_write(const picture *p, int qscale, uint8_t **out, size_t *len, char *why,
               size_t why_len)
{
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
	AVCodecContext *c = NULL;
	AVFrame *f = NULL;
	AVPacket *pkt = NULL;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (!codec) {
		snprintf(why, why_len, "this FFmpeg build has no MJPEG encoder: no preview can be made");
		return -1;
	}
	c = avcodec_alloc_context3(codec);
	f = av_frame_alloc();
	pkt = av_packet_alloc();
	if (!c || !f || !pkt) {
		snprintf(why, why_len, "out of memory encoding a preview");
		goto done;
	}
	c->width = p->width;
	c->height = p->height;
	c->pix_fmt = AV_PIX_FMT_YUVJ420P;
	c->color_range = AVCOL_RANGE_JPEG;
	c->time_base = (AVRational){ 1, 25 };
	c->thread_count = 1; /* a plugin starts no thread */
	c->flags |= AV_CODEC_FLAG_QSCALE | AV_CODEC_FLAG_BITEXACT;
	c->global_quality = qscale * FF_QP2LAMBDA;
	f->format = AV_PIX_FMT_YUVJ420P;
	f->width = p->width;
	f->height = p->height;
	f->color_range = AVCOL_RANGE_JPEG;
	if (avcodec_open2(c, codec, NULL) < 0 || av_frame_get_buffer(f, 32) < 0) {
		snprintf(why, why_len, "cannot start FFmpeg's MJPEG encoder for a %dx%d preview",
		         p->width, p->height);
		goto done;
	}
	to_yuv420(p, f);
	/* av_frame_get_buffer pads rows to 32 and the height to 32: room
	 * for 16 x 16 luma and 8 x 8 chroma blocks */
	pad_plane(f->data[0], f->linesize[0], p->width, p->height, 16);
	pad_plane(f->data[1], f->linesize[1], (p->width + 1) / 2, (p->height + 1) / 2, 8);
	pad_plane(f->data[2], f->linesize[2], (p->width + 1) / 2, (p->height + 1) / 2, 8);
	f->quality = c->global_quality;
	f->pts = 0;
	if (encode(c, f, pkt, out, len) < 0) {
		snprintf(why, why_len, "FFmpeg's MJPEG encoder failed on a %dx%d preview", p->width,
		         p->height);
		goto done;
	}
	rc = 0;
done:
	av_packet_free(&pkt);
	av_frame_free(&f);
	avcodec_free_context(&c);
	return rc;
}

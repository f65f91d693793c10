/*
 * stream_headers.h — the few codec headers that state what a container
 * does not: picture size (H.264 sequence parameter set, MPEG-1/2
 * sequence header, Sorenson H.263 picture header) and audio frame
 * timing (ADTS, MPEG audio frame headers).  All work on a caller's
 * buffer and never read past len; nothing is decoded.
 */
#ifndef EXHIBIT_STREAM_HEADERS_H
#define EXHIBIT_STREAM_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct picture_size {
	int64_t width, height;
	double frame_rate; /* 0 when the header does not say */
} picture_size;

/* h264_sps_size — from one SPS NAL unit (header byte included, with
 * emulation-prevention bytes still in): the cropped picture size. */
bool h264_sps_size(const unsigned char *nal, size_t len, picture_size *out);

/* h264_find_sps — the first SPS in an Annex B byte stream (start codes);
 * *sps points into buf.  RETURN: false when there is none. */
bool h264_find_sps(const unsigned char *buf, size_t len, const unsigned char **sps,
                   size_t *sps_len);

/* mpeg2_sequence_size — from the first sequence header (00 00 01 B3) in
 * buf: size and frame rate. */
bool mpeg12_sequence_size(const unsigned char *buf, size_t len, picture_size *out);

/* h263_flv_size — from a Sorenson H.263 (FLV codec 2) picture header. */
bool h263_flv_size(const unsigned char *buf, size_t len, picture_size *out);

typedef struct audio_frame {
	const char *codec;     /* aac, mp1, mp2, mp3 */
	unsigned sample_rate;
	unsigned channels;
	unsigned samples;      /* per frame */
	size_t length;         /* bytes of the frame, header included */
} audio_frame;

/* adts_frame / mpeg_audio_frame — the frame header at buf. */
bool adts_frame(const unsigned char *buf, size_t len, audio_frame *out);
bool mpeg_audio_frame(const unsigned char *buf, size_t len, audio_frame *out);

#endif

/*
 * decoder.h — pictures out of an item's bytes with FFmpeg, as safely as
 * FFmpeg can be run in-process.
 *
 * What it promises:
 *
 *   - FFmpeg reads the item only through the host's read() (a custom
 *     AVIOContext with read and seek callbacks): never a path, never a
 *     protocol.  Opening any other resource (a QuickTime data reference,
 *     an HLS segment, a concat list) is refused by an io_open callback
 *     that opens nothing, and the protocol whitelist is empty.
 *   - The demuxer is the one of the item's sniffed type, never probed, so
 *     bytes cannot pick which of FFmpeg's parsers reads them.  Only the
 *     picture decoders of decoder.c's list may run, in the demuxer's
 *     stream analysis too (audio is never decoded).
 *   - Limits: a picture larger than DECODE_MAX_PIXELS is refused before
 *     its decoder allocates it (a JPEG is decoded at a reduced scale when
 *     it is larger than needed); at most max_frames pictures are decoded;
 *     CPU and wall-clock budgets bound the whole call, checked by FFmpeg
 *     through its interrupt callback and by every loop here.
 *   - One thread: the decoder's own threading is off (a plugin starts no
 *     thread), and FFmpeg's log is silenced (library code prints nothing);
 *     what went wrong is returned with the byte offset FFmpeg had reached.
 *
 * What it cannot promise: FFmpeg's demuxers and decoders are large C code
 * reading hostile bytes.  A crash inside them is caught by the host's
 * plugin guard (the item is marked, the run goes on); memory FFmpeg had
 * allocated for that item is lost, and a corrupted heap could outlive
 * the guard.  Running the decode in a child process would contain both;
 * see media-pdq/media_pdq.c.  Used by media-pdq and media-preview.
 */
#ifndef EXHIBIT_MEDIA_DECODER_H
#define EXHIBIT_MEDIA_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

#define DECODE_MAX_PIXELS (64LL * 1000 * 1000)   /* per picture, as decoded */
#define DECODE_MAX_JPEG_PIXELS (1LL << 30)       /* as stated, when lowres brings it under */
#define DECODE_MAX_STREAMS 64

typedef struct decode_limits {
	unsigned max_frames;     /* pictures decoded at most */
	double cpu_seconds;      /* CPU time of the calling thread */
	double wall_seconds;
	int strict;              /* stop at the first damage (FFmpeg's "explode")
	                            instead of concealing it */
} decode_limits;

/* What went wrong: an EXHIBIT_ERR_* code, the item offset reached (-1:
 * none) and a message that names the structure or limit. */
typedef struct decode_error {
	int code;
	int64_t offset;
	char message[256];
} decode_error;

typedef struct decoder decoder;

/* The sniffed MIME types decoder_open reads (NULL-terminated), and the
 * limits the media plugins decode with: a still image strictly (see
 * decoder_open_image), a video concealing and counting its damage. */
extern const char *const decoder_mime_types[];
extern const decode_limits decoder_image_limits;
extern const decode_limits decoder_video_limits;

/*
 * decoder_open — open the item (of this sniffed MIME type) and the
 * decoder of its first picture stream.  want_scale: pictures are wanted
 * no larger than this on a side (a JPEG may then be decoded smaller).
 * RETURN 0 with *out set, or an EXHIBIT_ERR_* code with e filled.
 */
int decoder_open(decoder **out, const exhibit_host_api *api, exhibit_host *host,
                 const exhibit_item *item, const decode_limits *limits, int want_scale,
                 decode_error *e);
void decoder_close(decoder *d);

/* decoder_duration — the picture stream's duration in seconds, else the
 * container's; < 0 when neither is stated. */
double decoder_duration(const decoder *d);

/* decoder_frames_decoded — pictures decoded so far. */
unsigned decoder_frames_decoded(const decoder *d);

typedef struct decoded_picture {
	double time_s;           /* presentation time from the stream start; < 0 unknown */
	int damaged;             /* the decoder concealed errors in it */
	int width, height;       /* as decoded */
} decoded_picture;

/*
 * decoder_next — decode the next picture.
 * RETURN 0 with *pic set (the picture stays current until the next call),
 * 1 at the end of the stream, or an EXHIBIT_ERR_* code with e filled
 * (EXHIBIT_ERR_LIMIT: a limit was reached).
 */
int decoder_next(decoder *d, decoded_picture *pic, decode_error *e);

/*
 * decoder_seek — go to the last key frame at or before time_s; the next
 * decoder_next continues from there.  RETURN 0, or -1 when the container
 * cannot seek (the position is then unchanged).
 */
int decoder_seek(decoder *d, double time_s);

/*
 * decoder_damage — damage met so far that decoding went past: packets
 * the decoder refused, or a container that could not be read to its end.
 * RETURN 0 when none, else an EXHIBIT_ERR_* code with e filled.
 */
int decoder_damage(const decoder *d, decode_error *e);

/*
 * decoder_report_concealed — tell the host about the damage the second,
 * concealing pass of decoder_open_image went past (damage as it filled
 * it), ending the message with what the plugin's result describes ("the
 * thumbnail shows that picture").
 */
void decoder_report_concealed(const exhibit_host_api *api, exhibit_host *host,
                              const decode_error *damage, const char *result);

/*
 * decoder_open_image — open a still image and decode its picture: first
 * strictly (limits->strict set), so that damage FFmpeg would conceal is
 * found; on such damage, again with it concealed.  *d is closed and
 * replaced.  RETURN 0 with the picture current and *pic set; then when
 * it took the second pass, damage->code is set and *damage says what the
 * strict pass met (else damage->code is 0).
 * Else an EXHIBIT_ERR_* code (or 1: the data ends before a whole picture)
 * with e filled.
 */
int decoder_open_image(decoder **d, const exhibit_host_api *api, exhibit_host *host,
                       const exhibit_item *item, const decode_limits *limits, int want_scale,
                       decoded_picture *pic, decode_error *damage, decode_error *e);

/*
 * decoder_rgb — the current picture as RGB24, scaled down (area
 * averaging, keeping its shape) to at most max_side on its longer side,
 * into a buffer owned by d
 * (valid until the next call).  RETURN 0, or EXHIBIT_ERR with e filled.
 */
int decoder_rgb(decoder *d, int max_side, const uint8_t **rgb, int *width, int *height,
                ptrdiff_t *stride, decode_error *e);

#endif

/*
 * jpeg_writer.h — a picture as a small baseline JPEG, with FFmpeg's
 * MJPEG encoder (libavcodec), for previews stored in the case.
 *
 * The pixels are converted here to full-range BT.601 YCbCr 4:2:0 (JFIF's
 * definition); a grey picture gets neutral chroma, so that it decodes
 * grey everywhere.  The encoder runs on one thread, bit-exact (no
 * version comment), so the same pixels always give the same bytes.
 */
#ifndef EXHIBIT_JPEG_WRITER_H
#define EXHIBIT_JPEG_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "preview_picture.h"

/*
 * jpeg_write — encode p at FFmpeg quantiser scale qscale (2 best .. 31
 * smallest).  RETURN 0 with *out (malloc'd, the caller frees) and *len,
 * or -1 with a message in why.
 */
int jpeg_write(const picture *p, int qscale, uint8_t **out, size_t *len, char *why,
               size_t why_len);

#endif

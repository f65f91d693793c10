/*
 * jpeg_size.h — the picture size a JPEG states, read before decoding so
 * that a large photograph can be decoded at a reduced scale (FFmpeg's
 * lowres: the decoder drops DCT coefficients instead of making every
 * pixel and throwing most away) and a claim of billions of pixels is
 * refused before any decoder sees it.
 *
 * The walk follows the marker segments from SOI to the first frame
 * header (SOF0..SOF15 but DHT, JPG and DAC), so a thumbnail inside an
 * APP1 EXIF segment is stepped over, never taken for the picture.  It
 * reads through a callback, at most JPEG_SIZE_MAX_SEGMENTS segments and
 * never past the end it is given.
 */
#ifndef EXHIBIT_JPEG_SIZE_H
#define EXHIBIT_JPEG_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define JPEG_SIZE_MAX_SEGMENTS 512

/* read — copy len bytes at offset into buf; RETURN the bytes copied (0 at
 * the end) or < 0 on a read error. */
typedef int64_t (*jpeg_read_fn)(void *ctx, uint64_t offset, void *buf, size_t len);

/*
 * jpeg_size — the width and height of the frame header of the JPEG of
 * size bytes read through read(ctx, ...).
 * RETURN 0 with *width, *height set; -1 when no frame header was found
 * (not a JPEG, damaged or cut before it) with *bad_offset where the walk
 * stopped.
 */
int jpeg_size(jpeg_read_fn read, void *ctx, uint64_t size, int *width, int *height,
              uint64_t *bad_offset);

#endif

/*
 * picture_size.h — the picture size an image file states, read before
 * any decoder runs, so that a claim of billions of pixels is refused
 * with a message that says so, and a large JPEG can be decoded at a
 * reduced scale (FFmpeg's lowres: the decoder drops DCT coefficients
 * instead of making every pixel and throwing most away).
 *
 * Read: JPEG (the marker segments from SOI to the first frame header,
 * SOF0..SOF15 but DHT, JPG and DAC, so that a thumbnail inside an APP1
 * EXIF segment is stepped over, at most PICTURE_SIZE_MAX_SEGMENTS of
 * them), PNG (IHDR), GIF (the logical screen), BMP (the DIB header).
 * Reads go through a callback and never past the size given.
 */
#ifndef EXHIBIT_PICTURE_SIZE_H
#define EXHIBIT_PICTURE_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define PICTURE_SIZE_MAX_SEGMENTS 512

/* read — copy len bytes at offset into buf; RETURN the bytes copied (0 at
 * the end) or < 0 on a read error. */
typedef int64_t (*picture_read_fn)(void *ctx, uint64_t offset, void *buf, size_t len);

/*
 * jpeg_size — width and height of the first frame header of a JPEG.
 * RETURN 0, or -1 when none was found (not a JPEG, damaged or cut before
 * it) with *bad_offset where the walk stopped.
 */
int jpeg_size(picture_read_fn read, void *ctx, uint64_t size, int64_t *width,
              int64_t *height, uint64_t *bad_offset);

/*
 * picture_size — the size the file states for a sniffed MIME type
 * (image/jpeg, image/png, image/gif, image/bmp).
 * RETURN 0 with the size; 1 when the type states none this module reads;
 * -1 when the header is missing or damaged (*bad_offset: where).
 */
int picture_size(const char *mime_type, picture_read_fn read, void *ctx, uint64_t size,
                 int64_t *width, int64_t *height, uint64_t *bad_offset);

#endif

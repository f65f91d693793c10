/*
 * jpeg_size.c — see jpeg_size.h.
 */
#include "jpeg_size.h"

/* is_frame_header — SOFn: C0..CF but C4 (DHT), C8 (JPG), CC (DAC). */
static int is_frame_header(uint8_t m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* standalone — markers without a length: TEM, RST0..7, SOI, EOI. */
static int standalone(uint8_t m)
{
	return m == 0x01 || (m >= 0xd0 && m <= 0xd9);
}

static int read_exact(jpeg_read_fn read, void *ctx, uint64_t size, uint64_t at, uint8_t *buf,
                      size_t len)
{
	if (at > size || size - at < len)
		return -1;
	return read(ctx, at, buf, len) == (int64_t)len ? 0 : -1;
}

int jpeg_size(jpeg_read_fn read, void *ctx, uint64_t size, int *width, int *height,
              uint64_t *bad_offset)
{
	uint8_t b[9];
	uint64_t at = 2;

	*bad_offset = 0;
	if (read_exact(read, ctx, size, 0, b, 2) < 0 || b[0] != 0xff || b[1] != 0xd8)
		return -1;
	for (int segments = 0; segments < JPEG_SIZE_MAX_SEGMENTS; segments++) {
		uint16_t len;

		*bad_offset = at;
		if (read_exact(read, ctx, size, at, b, 2) < 0 || b[0] != 0xff)
			return -1;
		if (b[1] == 0xff) { /* fill byte before a marker */
			at++;
			continue;
		}
		if (standalone(b[1])) {
			if (b[1] == 0xd9)
				return -1; /* EOI before any frame */
			at += 2;
			continue;
		}
		if (read_exact(read, ctx, size, at + 2, b + 2, 2) < 0)
			return -1;
		len = (uint16_t)(b[2] << 8 | b[3]);
		if (len < 2)
			return -1;
		if (is_frame_header(b[1])) {
			/* length, precision, height, width */
			if (len < 8 || read_exact(read, ctx, size, at + 4, b + 4, 5) < 0)
				return -1;
			*height = b[5] << 8 | b[6];
			*width = b[7] << 8 | b[8];
			return 0;
		}
		if (b[1] == 0xda)
			return -1; /* scan data before any frame header */
		at += 2 + (uint64_t)len;
	}
	return -1;
}

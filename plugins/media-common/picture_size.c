/*
 * picture_size.c — see picture_size.h.
 */
#include "picture_size.h"

#include <string.h>

static int read_exact(picture_read_fn read, void *ctx, uint64_t size, uint64_t at, uint8_t *buf,
                      size_t len)
{
	if (at > size || size - at < len)
		return -1;
	return read(ctx, at, buf, len) == (int64_t)len ? 0 : -1;
}

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

int jpeg_size(picture_read_fn read, void *ctx, uint64_t size, int64_t *width,
              int64_t *height, uint64_t *bad_offset)
{
	uint8_t b[9];
	uint64_t at = 2;

	*bad_offset = 0;
	if (read_exact(read, ctx, size, 0, b, 2) < 0 || b[0] != 0xff || b[1] != 0xd8)
		return -1;
	for (int segments = 0; segments < PICTURE_SIZE_MAX_SEGMENTS; segments++) {
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

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int stated_size(const char *mime_type, picture_read_fn read, void *ctx, uint64_t size,
                       int64_t *width, int64_t *height, uint64_t *bad_offset)
{
	uint8_t b[26];

	if (!mime_type)
		return 1;
	if (!strcmp(mime_type, "image/jpeg"))
		return jpeg_size(read, ctx, size, width, height, bad_offset);
	if (!strcmp(mime_type, "image/png")) {
		/* signature, then the IHDR chunk: length, type, width, height */
		if (read_exact(read, ctx, size, 0, b, 24) < 0 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) ||
		    memcmp(b + 12, "IHDR", 4)) {
			*bad_offset = 8;
			return -1;
		}
		*width = be32(b + 16);
		*height = be32(b + 20);
		return 0;
	}
	if (!strcmp(mime_type, "image/gif")) {
		if (read_exact(read, ctx, size, 0, b, 10) < 0 || memcmp(b, "GIF8", 4))
			return -1;
		*width = b[6] | b[7] << 8;
		*height = b[8] | b[9] << 8;
		return 0;
	}
	if (!strcmp(mime_type, "image/bmp")) {
		/* BITMAPCOREHEADER (12 bytes) has 16-bit sizes; the others 32-bit,
		 * height negative for a top-down picture */
		if (read_exact(read, ctx, size, 0, b, 26) < 0 || b[0] != 'B' || b[1] != 'M')
			return -1;
		if (le32(b + 14) == 12) {
			*width = b[18] | b[19] << 8;
			*height = b[20] | b[21] << 8;
		} else {
			int32_t h = (int32_t)le32(b + 22);
			*width = (int32_t)le32(b + 18);
			*height = h < 0 ? -(int64_t)h : h;
		}
		*bad_offset = 18;
		return *width < 0 ? -1 : 0;
	}
	return 1;
}

int picture_size(const char *mime_type, picture_read_fn read, void *ctx, uint64_t size,
                 int64_t *width, int64_t *height, uint64_t *bad_offset)
{
	int rc;

	*bad_offset = 0;
	rc = stated_size(mime_type, read, ctx, size, width, height, bad_offset);
	if (*bad_offset > size) /* the header would lie past the end */
		*bad_offset = size;
	return rc;
}

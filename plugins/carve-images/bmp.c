/*
 * bmp.c — the "carve-bmp" carver: Windows and OS/2 bitmaps (BITMAPCOREHEADER,
 * BITMAPINFOHEADER and its V2..V5 successors).
 *
 * A bitmap has no footer and its pixels no structure, so the header must
 * be right: "BM", reserved words zero, a DIB header of a known size, one
 * plane, a bit depth its compression allows, and a pixel array that fits
 * between the pixel offset and the size the file header declares (which
 * may exceed it by at most MAX_TRAILER bytes, for an ICC profile or
 * padding).  The file is that size.
 *
 * data_check still looks at what it can:
 *   - uncompressed rows padded to four bytes: writers fill the padding with
 *     zeros; once MIN_ZERO_ROWS rows had zero padding, a row whose padding
 *     is not zero is where foreign data starts (a bitmap whose padding is
 *     never zero is not judged by it);
 *   - RLE8 and RLE4 data is walked command by command, every run and
 *     delta kept inside the bitmap, to the end-of-bitmap command, which
 *     must lie inside the declared size;
 *   - embedded JPEG or PNG data must start with its signature.
 *
 * The host's signature is the DIB header size at offset 14 (four bytes;
 * "BM" alone is too short to scan for).
 */
#include <string.h>

#include "carve_images.h"
#include "carve_stream.h"

#define BMP_MAX_SIZE (1ull << 30)
#define BMP_MAX_SIDE 65536
#define MAX_TRAILER (64u * 1024)
#define MIN_ZERO_ROWS 16

enum compression { BI_RGB = 0, BI_RLE8, BI_RLE4, BI_BITFIELDS, BI_JPEG, BI_PNG, BI_ALPHABITFIELDS };

enum phase {
	P_PADDING = 0, /* a row's padding */
	P_RLE,         /* 2 bytes: an RLE command */
	P_RLE_DELTA,   /* 2 bytes: a delta's offsets */
	P_EMBEDDED,    /* 8 bytes: an embedded JPEG or PNG's first bytes */
	P_DONE         /* 0 bytes: the declared end */
};

typedef struct bmp_state {
	carve_stream cs;
	unsigned char rec[8];
	uint8_t phase;
	uint8_t compression, bpp;
	uint64_t size;          /* the file's size */
	uint64_t pixels_at;     /* the pixel array's offset */
	uint32_t width, height; /* height as a count of rows */
	uint32_t row_bytes, padding;
	uint32_t row;           /* rows checked (uncompressed), or the RLE row */
	uint32_t zero_rows;     /* rows in a row with zero padding */
	uint32_t x;             /* RLE: the column */
} bmp_state;

/* What the headers say, or why they cannot be. */
typedef struct bmp_header {
	uint64_t size, pixels_at, pixel_bytes;
	uint32_t width, height, dib, bpp, compression;
} bmp_header;

static int error_at(uint64_t at, uint64_t *end)
{
	*end = at;
	return EXHIBIT_CARVE_ERROR;
}

static int valid_depth(uint32_t compression, uint32_t bpp)
{
	switch (compression) {
	case BI_RGB:
		return bpp == 1 || bpp == 2 || bpp == 4 || bpp == 8 || bpp == 16 || bpp == 24 ||
		       bpp == 32 || bpp == 64;
	case BI_RLE8:
		return bpp == 8;
	case BI_RLE4:
		return bpp == 4;
	case BI_BITFIELDS:
	case BI_ALPHABITFIELDS:
		return bpp == 16 || bpp == 32;
	case BI_JPEG:
	case BI_PNG:
		return bpp == 0;
	default:
		return 0;
	}
}

/* parse_header — the file and DIB headers in b[0..len).  RETURN 0 when
 * they describe a bitmap of a size that adds up. */
static int parse_header(const unsigned char *b, size_t len, bmp_header *h)
{
	uint32_t declared, planes;
	int32_t w, ht;
	uint64_t stride, end;

	memset(h, 0, sizeof *h);
	if (len < 26 || b[0] != 'B' || b[1] != 'M' || carve_le32(b + 6) != 0)
		return -1;
	declared = carve_le32(b + 2);
	h->pixels_at = carve_le32(b + 10);
	h->dib = carve_le32(b + 14);
	if (h->dib == 12) {
		w = carve_le16(b + 18);
		ht = carve_le16(b + 20);
		planes = carve_le16(b + 22);
		h->bpp = carve_le16(b + 24);
	} else if (h->dib == 16 || h->dib == 40 || h->dib == 52 || h->dib == 56 || h->dib == 64 ||
	           h->dib == 108 || h->dib == 124) {
		if (len < 14u + (h->dib < 40 ? h->dib : 40))
			return -1;
		w = (int32_t)carve_le32(b + 18);
		ht = (int32_t)carve_le32(b + 22);
		planes = carve_le16(b + 26);
		h->bpp = carve_le16(b + 28);
		h->compression = h->dib >= 20 ? carve_le32(b + 30) : BI_RGB;
		if (h->dib == 64 && h->compression > BI_RLE4) /* OS/2: 3 is Huffman 1D, 4 RLE24 */
			return -1;
	} else {
		return -1;
	}
	if (planes != 1 || w <= 0 || w > BMP_MAX_SIDE || ht == 0 || ht < -BMP_MAX_SIDE ||
	    ht > BMP_MAX_SIDE || !valid_depth(h->compression, h->bpp) ||
	    (ht < 0 && (h->compression == BI_RLE8 || h->compression == BI_RLE4)))
		return -1;
	h->width = (uint32_t)w;
	h->height = (uint32_t)(ht < 0 ? -ht : ht);
	if (h->pixels_at < 14 + h->dib || h->pixels_at > BMP_MAX_SIZE)
		return -1;
	if (h->compression == BI_RGB || h->compression == BI_BITFIELDS ||
	    h->compression == BI_ALPHABITFIELDS) {
		stride = ((uint64_t)h->width * h->bpp + 31) / 32 * 4;
		h->pixel_bytes = stride * h->height;
		end = h->pixels_at + h->pixel_bytes;
		if (declared == 0)
			declared = (uint32_t)(end > BMP_MAX_SIZE ? 0 : end);
		if (declared < end || declared - end > MAX_TRAILER)
			return -1;
	} else {
		/* compressed: the image size field counts the data */
		uint32_t data = h->dib >= 40 ? carve_le32(b + 34) : 0;
		if (declared <= h->pixels_at || (data && h->pixels_at + data > declared) ||
		    declared - h->pixels_at > (uint64_t)h->width * h->height * 4 + MAX_TRAILER)
			return -1;
		h->pixel_bytes = declared - h->pixels_at;
	}
	h->size = declared;
	return h->size <= BMP_MAX_SIZE ? 0 : -1;
}

/* ---- uncompressed rows ------------------------------------------------------------- */

static void next_padding(bmp_state *s)
{
	uint64_t row_at = s->pixels_at + (uint64_t)s->row * (s->row_bytes + s->padding);

	s->phase = P_PADDING;
	carve_want_bytes(&s->cs, row_at + s->row_bytes, s->padding);
}

static void finish(bmp_state *s)
{
	s->phase = P_DONE;
	carve_want_bytes(&s->cs, s->size, 0);
}

static int padding(bmp_state *s, const unsigned char *b, uint64_t *end)
{
	int zero = 1;

	for (uint32_t i = 0; i < s->padding; i++)
		zero &= b[i] == 0;
	if (zero)
		s->zero_rows++;
	else if (s->zero_rows >= MIN_ZERO_ROWS)
		return error_at(s->cs.start - s->row_bytes, end); /* the row's start */
	else
		s->zero_rows = 0;
	if (++s->row == s->height)
		finish(s);
	else
		next_padding(s);
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- RLE ---------------------------------------------------------------------------- */

static void next_rle(bmp_state *s, uint64_t at)
{
	s->phase = P_RLE;
	carve_want_bytes(&s->cs, at, 2);
}

static int rle(bmp_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	unsigned n = b[0], c = b[1];

	if (n) { /* a run of n pixels */
		if (s->x + n > s->width || s->row >= s->height)
			return error_at(at, end);
		s->x += n;
		next_rle(s, at + 2);
	} else if (c == 0) { /* end of line */
		if (++s->row > s->height)
			return error_at(at, end);
		s->x = 0;
		next_rle(s, at + 2);
	} else if (c == 1) { /* end of bitmap */
		if (at + 2 > s->size)
			return error_at(at, end);
		finish(s);
	} else if (c == 2) {
		s->phase = P_RLE_DELTA;
		carve_want_bytes(&s->cs, at + 2, 2);
	} else { /* c pixels as they are, padded to a word */
		uint32_t bytes = s->compression == BI_RLE8 ? c : (c + 1) / 2;
		if (s->x + c > s->width || s->row >= s->height)
			return error_at(at, end);
		s->x += c;
		next_rle(s, at + 2 + bytes + (bytes & 1));
	}
	return EXHIBIT_CARVE_CONTINUE;
}

static int rle_delta(bmp_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	if (s->x + b[0] > s->width || s->row + b[1] > s->height)
		return error_at(at - 2, end);
	s->x += b[0];
	s->row += b[1];
	next_rle(s, at + 2);
	return EXHIBIT_CARVE_CONTINUE;
}

static int step(void *state, const unsigned char *b, uint64_t *end)
{
	bmp_state *s = state;
	uint64_t at = s->cs.start;

	switch (s->phase) {
	case P_PADDING:
		return padding(s, b, end);
	case P_RLE:
		return rle(s, b, at, end);
	case P_RLE_DELTA:
		return rle_delta(s, b, at, end);
	case P_EMBEDDED:
		if (memcmp(b, s->compression == BI_JPEG ? "\xFF\xD8\xFF" : "\x89PNG\r\n\x1a\n",
		           s->compression == BI_JPEG ? 3 : 8) != 0)
			return error_at(at, end);
		finish(s);
		return EXHIBIT_CARVE_CONTINUE;
	default:
		*end = s->size;
		return EXHIBIT_CARVE_END;
	}
}

static const carve_parser parser = { step, NULL, sizeof(((bmp_state *)0)->rec) };

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	bmp_state *s = state;
	bmp_header h;

	(void)signature;
	if (parse_header(buf, len, &h) < 0)
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	s->size = h.size;
	s->pixels_at = h.pixels_at;
	s->width = h.width;
	s->height = h.height;
	s->compression = (uint8_t)h.compression;
	s->bpp = (uint8_t)h.bpp;
	if (h.compression == BI_RLE8 || h.compression == BI_RLE4) {
		next_rle(s, h.pixels_at);
	} else if (h.compression == BI_JPEG || h.compression == BI_PNG) {
		s->phase = P_EMBEDDED;
		carve_want_bytes(&s->cs, h.pixels_at, h.compression == BI_JPEG ? 3 : 8);
	} else {
		uint64_t bits = (uint64_t)h.width * h.bpp;
		s->row_bytes = (uint32_t)((bits + 7) / 8);
		s->padding = (uint32_t)((bits + 31) / 32 * 4) - s->row_bytes;
		if (s->padding)
			next_padding(s);
		else
			finish(s);
	}
	out->size = h.size;
	out->min_size = h.size;
	out->extension = "bmp";
	return EXHIBIT_CARVE_ACCEPT;
}

static int data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	bmp_state *s = state;

	return carve_stream_feed(&s->cs, &parser, s, s->rec, pos, buf, len, end);
}

/* The DIB header sizes, as they appear at offset 14. */
static const exhibit_signature signatures[] = {
	{ 14, (const unsigned char *)"\x0c\0\0\0", 4 }, { 14, (const unsigned char *)"\x10\0\0\0", 4 },
	{ 14, (const unsigned char *)"\x28\0\0\0", 4 }, { 14, (const unsigned char *)"\x34\0\0\0", 4 },
	{ 14, (const unsigned char *)"\x38\0\0\0", 4 }, { 14, (const unsigned char *)"\x40\0\0\0", 4 },
	{ 14, (const unsigned char *)"\x6c\0\0\0", 4 }, { 14, (const unsigned char *)"\x7c\0\0\0", 4 },
};

static const exhibit_carver carver = {
	sizeof(bmp_state), 14 + 40, BMP_MAX_SIZE, 1, header_check, data_check, NULL, NULL,
};

static EXHIBIT_CARVER_PLUGIN(plugin, "carve-bmp", "1.0",
	"Carves BMP files from unallocated space: headers checked against the declared size, "
	"row padding and RLE data checked",
	signatures, carver);

const exhibit_plugin *carve_bmp_plugin(void)
{
	return &plugin;
}

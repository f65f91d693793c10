/*
 * png.c — the "carve-png" carver: PNG and APNG files (ISO/IEC 15948, W3C
 * PNG 3rd edition), and Apple's CgBI variant of iOS app bundles.
 *
 * data_check walks the chunks from the signature: each chunk's length
 * (at most 2^31 - 1), its type (four letters, the reserved bit clear), and
 * its CRC-32 over type and data, computed as the bytes stream past.  IHDR
 * comes first (after CgBI) with sane fields; PLTE before the image data;
 * the IDAT chunks in one run; IEND, empty, last: the file ends with its
 * CRC.  A chunk whose CRC is wrong is the error, at its first data byte
 * (a CRC says that the chunk is damaged, not where).
 *
 * When its chunks are long (INFLATE_MIN_CHUNK), the image data (the IDAT
 * chunks' data, one zlib stream; raw deflate in CgBI files) is checked as
 * it streams too (inflate_check.h): a stream that cannot be deflate is the
 * error where it shows, which is within a few KiB of where a file's second
 * fragment should have begun (sooner when a row's filter type, its first
 * byte, comes as a literal and is none of the five), and the stream must
 * end within the IDAT run having produced the bytes IHDR's size, depth,
 * colour type and interlacing call for (a little more is let be, as
 * libpng does).
 *
 * No validate: data_check has seen every byte and checked every CRC.
 * continuation_reject looks where a second fragment's first chunk head
 * would be.
 */
#include <string.h>

#include <zlib.h>

#include "carve_images.h"
#include "carve_stream.h"
#include "inflate_check.h"

#define PNG_MAX_SIZE (512ull << 20)
#define PNG_MAX_CHUNK 0x7fffffffu

enum phase {
	P_SIGNATURE = 0, /* 8 bytes */
	P_HEAD,          /* 8 bytes: length and type */
	P_IHDR,          /* 13 bytes */
	P_DATA,          /* the chunk's data, streamed through the CRC */
	P_CRC            /* 4 bytes */
};

typedef struct png_state {
	carve_stream cs;
	unsigned char rec[16];
	uint8_t phase;
	uint8_t type[4];
	uint32_t length;   /* of the chunk's data */
	uint32_t crc;      /* of its type and data so far */
	uint64_t data_at;  /* where its data starts */
	uint32_t chunks;
	uint8_t seen_ihdr, seen_plte, in_idat, idat_done, cgbi;
	uint8_t image_data;   /* IMAGE_*: where the IDAT zlib stream is */
	uint64_t expect;      /* bytes the stream must produce, 0: unknown */
	uint32_t height;
	uint8_t interlaced;
	inflate_check z;
} png_state;

enum { IMAGE_NOT_YET = 0, IMAGE_STREAMING, IMAGE_ENDED, IMAGE_UNCHECKED };

/* IDAT chunks at least this long (the first one says) have their image
 * data inflated: smaller ones have CRCs near enough to place damage, and
 * inflating costs ten times the CRC. */
#define INFLATE_MIN_CHUNK (16u << 10)

static const unsigned char png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static int error_at(uint64_t at, uint64_t *end)
{
	*end = at;
	return EXHIBIT_CARVE_ERROR;
}

static int is_type(const unsigned char *t, const char *name)
{
	return memcmp(t, name, 4) == 0;
}

/* Four ASCII letters, the third one upper case (the reserved bit). */
static int valid_type(const unsigned char *t)
{
	for (int i = 0; i < 4; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z')))
			return 0;
	return t[2] >= 'A' && t[2] <= 'Z';
}

/* The IHDR fields: size, and a bit depth its colour type allows. */
static int valid_ihdr(const unsigned char *b)
{
	uint32_t w = carve_be32(b), h = carve_be32(b + 4);
	unsigned depth = b[8], colour = b[9];

	if (!w || !h || w > PNG_MAX_CHUNK || h > PNG_MAX_CHUNK || b[10] || b[11] || b[12] > 1)
		return 0;
	switch (colour) {
	case 0:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
	case 3:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2:
	case 4:
	case 6:
		return depth == 8 || depth == 16;
	default:
		return 0;
	}
}

/* image_bytes — what the IDAT stream of the IHDR at b inflates to: a
 * filter byte and the packed samples of each row, of each Adam7 pass when
 * interlaced; 0 when too large to be a real image (not checked then). */
static uint64_t image_bytes(const unsigned char *b)
{
	static const uint8_t pass[7][4] = { { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 },
	                                    { 2, 0, 4, 4 }, { 0, 2, 2, 4 }, { 1, 0, 2, 2 },
	                                    { 0, 1, 1, 2 } };
	static const uint8_t channels[7] = { 1, 0, 3, 1, 2, 0, 4 };
	uint64_t w = carve_be32(b), h = carve_be32(b + 4), bits = (uint64_t)b[8] * channels[b[9]];
	uint64_t total = 0;

	if (w * h > ((uint64_t)1 << 36))
		return 0;
	if (!b[12])
		return h * (1 + (w * bits + 7) / 8);
	for (int i = 0; i < 7; i++) {
		uint64_t cols = w > pass[i][0] ? (w - pass[i][0] + pass[i][2] - 1) / pass[i][2] : 0;
		uint64_t rows = h > pass[i][1] ? (h - pass[i][1] + pass[i][3] - 1) / pass[i][3] : 0;
		if (cols && rows)
			total += rows * (1 + (cols * bits + 7) / 8);
	}
	return total;
}

/* chunk_head — a chunk's length and type at at: is it allowed here? */
static int chunk_head(png_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	const unsigned char *t = b + 4;
	uint32_t length = carve_be32(b);
	int idat = is_type(t, "IDAT");

	if (length > PNG_MAX_CHUNK)
		return error_at(at, end);
	if (!valid_type(t))
		return error_at(at + 4, end);
	if (!s->seen_ihdr) {
		/* CgBI (Apple) may come before IHDR, nothing else */
		if (!(is_type(t, "IHDR") && length == 13) && !(is_type(t, "CgBI") && s->chunks == 0))
			return error_at(at, end);
	} else {
		int after_idat = s->in_idat || s->idat_done;
		if (is_type(t, "IHDR") || (is_type(t, "PLTE") && (s->seen_plte || after_idat)) ||
		    (idat && s->idat_done) || (is_type(t, "IEND") && (length || !after_idat)))
			return error_at(at, end);
	}
	if (idat && s->image_data == IMAGE_NOT_YET) {
		s->image_data = length >= INFLATE_MIN_CHUNK ? IMAGE_STREAMING : IMAGE_UNCHECKED;
		inflate_check_start(&s->z, !s->cgbi);  /* CgBI: raw deflate */
		if (s->expect) {  /* (some writers add a little: libpng lets it be) */
			inflate_check_limit(&s->z, s->expect + (s->expect >> 4) + 65536);
			if (!s->interlaced && s->expect / s->height <= UINT32_MAX)
				inflate_check_rows(&s->z, (uint32_t)(s->expect / s->height), 4);
		}
	}
	if (s->in_idat && !idat) {
		/* the image data ends: so must its stream */
		if (s->image_data == IMAGE_STREAMING)
			return error_at(at, end);
		s->idat_done = 1;
	}
	s->in_idat = (uint8_t)idat;
	if (idat)
		s->idat_done = 0;
	if (is_type(t, "PLTE"))
		s->seen_plte = 1;
	if (is_type(t, "CgBI"))
		s->cgbi = 1;
	s->chunks++;
	memcpy(s->type, t, 4);
	s->length = length;
	s->data_at = at + 8;
	s->crc = (uint32_t)crc32(0, t, 4);
	if (is_type(t, "IHDR")) {
		s->phase = P_IHDR;
		carve_want_bytes(&s->cs, s->data_at, 13);
	} else {
		s->phase = P_DATA;
		carve_want_stream(&s->cs, s->data_at, length);
	}
	return EXHIBIT_CARVE_CONTINUE;
}

static int step(void *state, const unsigned char *b, uint64_t *end)
{
	png_state *s = state;
	uint64_t at = s->cs.start;

	switch (s->phase) {
	case P_SIGNATURE:
		if (memcmp(b, png_signature, 8) != 0)
			return error_at(0, end);
		s->phase = P_HEAD;
		carve_want_bytes(&s->cs, 8, 8);
		return EXHIBIT_CARVE_CONTINUE;
	case P_HEAD:
		return chunk_head(s, b, at, end);
	case P_IHDR:
		if (!valid_ihdr(b))
			return error_at(at, end);
		s->seen_ihdr = 1;
		s->expect = image_bytes(b);
		s->height = carve_be32(b + 4);
		s->interlaced = b[12];
		s->crc = (uint32_t)crc32(s->crc, b, 13);
		break;
	case P_DATA:
		break;
	default: /* P_CRC */
		if (carve_be32(b) != s->crc)
			return error_at(s->length ? s->data_at : at, end);
		if (is_type(s->type, "IEND"))
			return *end = at + 4, EXHIBIT_CARVE_END;
		s->phase = P_HEAD;
		carve_want_bytes(&s->cs, at + 4, 8);
		return EXHIBIT_CARVE_CONTINUE;
	}
	s->phase = P_CRC;
	carve_want_bytes(&s->cs, s->data_at + s->length, 4);
	return EXHIBIT_CARVE_CONTINUE;
}

static int scan(void *state, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
                uint64_t *bad)
{
	png_state *s = state;
	size_t took = 0, at = 0;

	(void)used;
	s->crc = (uint32_t)crc32(s->crc, p, (uInt)n);
	if (!s->in_idat || s->image_data != IMAGE_STREAMING)
		return EXHIBIT_CARVE_CONTINUE;   /* (bytes after the stream's end: not checked) */
	switch (inflate_check_feed(&s->z, p, n, &took, &at)) {
	case INFLATE_BAD:
		*bad = pos + at;
		return EXHIBIT_CARVE_ERROR;
	case INFLATE_END:
		s->image_data = IMAGE_ENDED;
		if (s->expect && inflate_check_output(&s->z) < s->expect) {
			*bad = pos + took;
			return EXHIBIT_CARVE_ERROR;
		}
		break;
	}
	return EXHIBIT_CARVE_CONTINUE;
}

static const carve_parser parser = { step, scan, sizeof(((png_state *)0)->rec) };

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	png_state *s = state;

	(void)signature;
	if (len < 16 || memcmp(buf, png_signature, 8) != 0 || carve_be32(buf + 8) > 13 ||
	    !(is_type(buf + 12, "IHDR") || is_type(buf + 12, "CgBI")))
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	s->phase = P_SIGNATURE;
	carve_want_bytes(&s->cs, 0, 8);
	out->size = 0;
	out->min_size = 8 + 25 + 12 + 12;
	out->extension = "png";
	return EXHIBIT_CARVE_ACCEPT;
}

static int data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	png_state *s = state;

	return carve_stream_feed(&s->cs, &parser, s, s->rec, pos, buf, len, end);
}

/* continuation_reject — a second fragment starting at pos, inside a
 * chunk's data, holds the rest of that data, its CRC and the next chunk's
 * length and type: when those are in sight and cannot be a chunk's,
 * data_check would fail there (on the CRC, or on the head).  Rules out
 * almost every start for the price of eight bytes. */
static int continuation_reject(const void *state, uint64_t pos, const unsigned char *buf,
                               size_t len)
{
	const png_state *s = state;
	uint64_t left;
	const unsigned char *head;

	if (s->phase != P_DATA || pos < s->data_at || pos > s->data_at + s->length)
		return 0;
	left = s->data_at + s->length - pos;
	if (left + 4 + 8 > len)
		return 0;
	head = buf + left + 4;
	return carve_be32(head) > PNG_MAX_CHUNK || !valid_type(head + 4);
}

static const exhibit_signature signatures[] = {
	{ 0, (const unsigned char *)"\x89PNG\r\n\x1a\n", 8 },
};

static const exhibit_carver carver = {
	sizeof(png_state), 16, PNG_MAX_SIZE, 1, header_check, data_check, NULL,
	continuation_reject,
};

static EXHIBIT_CARVER_PLUGIN(plugin, "carve-png", "1.0",
	"Carves PNG and APNG files from unallocated space: chunks walked, every CRC checked",
	signatures, carver);

const exhibit_plugin *carve_png_plugin(void)
{
	return &plugin;
}

/*
 * gif.c — the "carve-gif" carver: GIF87a and GIF89a files, animated ones
 * included.
 *
 * data_check walks the blocks from the header: the logical screen and its
 * colour table, then extensions (graphic control, comment, plain text,
 * application: their fixed first sub-block sizes) and images (descriptor,
 * local colour table, LZW code size 2..11) whose data sub-blocks are
 * followed to their terminator, until the trailer (0x3B) ends the file.
 * Any other block introducer or extension label is the error, and so is
 * the MAX_EXTENSIONS + 1st extension in a row (a GIF that never ends).
 *
 * The image data is decoded as LZW codes, without pixels: each code must
 * name an entry the table has (or the one being made), the first code
 * after a clear must be a literal, the pixels the codes stand for must not
 * outnumber the frame's, and only zero bytes may follow the
 * end-of-information code.  That catches garbage within a few codes while
 * the table is young, and within a few kilobytes in the worst case.
 *
 * No validate: data_check has seen every byte.
 */
#include <string.h>

#include "carve_images.h"
#include "carve_stream.h"

#define GIF_MAX_SIZE (256ull << 20)
#define LZW_CODES 4096
#define MAX_EXTENSIONS 4096 /* in a row, without an image */

enum phase {
	P_HEADER = 0,   /* 13 bytes: signature and logical screen */
	P_BLOCK,        /* 1 byte: introducer */
	P_LABEL,        /* 1 byte: extension label */
	P_EXT_FIRST,    /* 1 byte: an extension's first sub-block size */
	P_EXT_SUB,      /* 1 byte: a later sub-block size */
	P_DESCRIPTOR,   /* 9 bytes: an image's place, size and flags */
	P_CODE_SIZE,    /* 1 byte: LZW minimum code size */
	P_DATA_SUB,     /* 1 byte: an image data sub-block size */
	P_DATA          /* the sub-block's data: LZW codes */
};

typedef struct lzw {
	uint32_t acc;       /* bits not yet used, least significant first */
	uint8_t nbits;
	uint8_t min_size;   /* the code size the image data declares */
	uint8_t size;       /* current code width */
	uint8_t done;       /* the end-of-information code came */
	uint16_t next;      /* the next table entry */
	int32_t prev;       /* the previous code, -1 after a clear */
	uint64_t pixels, max_pixels;
	uint16_t length[LZW_CODES]; /* pixels each table entry stands for */
} lzw;

typedef struct gif_state {
	carve_stream cs;
	unsigned char rec[16];
	uint8_t phase;
	uint8_t label;      /* the extension being read */
	uint32_t extensions;/* since the last image */
	uint64_t frames;
	lzw lzw;
} gif_state;

static int error_at(uint64_t at, uint64_t *end)
{
	*end = at;
	return EXHIBIT_CARVE_ERROR;
}

static void next_block(gif_state *s, uint64_t at)
{
	s->phase = P_BLOCK;
	carve_want_bytes(&s->cs, at, 1);
}

/* Skip a colour table of 2^(bits+1) entries when flags says one follows. */
static void after_table(gif_state *s, unsigned flags, uint64_t at, int next_phase)
{
	uint64_t skip = flags & 0x80 ? 3u << ((flags & 7) + 1) : 0;

	s->phase = (uint8_t)next_phase;
	carve_want_bytes(&s->cs, at + skip, 1);
}

/* ---- LZW ------------------------------------------------------------------------- */

static void lzw_start(lzw *z, unsigned min_size, uint64_t max_pixels)
{
	z->acc = 0;
	z->nbits = 0;
	z->min_size = (uint8_t)min_size;
	z->size = (uint8_t)(min_size + 1);
	z->next = (uint16_t)((1u << min_size) + 2);
	z->prev = -1;
	z->done = 0;
	z->pixels = 0;
	z->max_pixels = max_pixels;
}

/* lzw_code — take one code.  RETURN 0, or -1 when it cannot be. */
static int lzw_code(lzw *z, unsigned code)
{
	unsigned clear = 1u << z->min_size, n;

	if (code == clear) {
		z->size = (uint8_t)(z->min_size + 1);
		z->next = (uint16_t)(clear + 2);
		z->prev = -1;
		return 0;
	}
	if (code == clear + 1) {
		z->done = 1;
		return 0;
	}
	if (z->prev < 0) {
		if (code > clear) /* the table is empty */
			return -1;
		n = 1;
	} else {
		unsigned prev_len = z->prev < (int32_t)clear ? 1 : z->length[z->prev];
		if (code > z->next || (code == z->next && z->next == LZW_CODES))
			return -1;
		n = code < clear ? 1 : code == z->next ? prev_len + 1 : z->length[code];
		if (z->next < LZW_CODES) {
			z->length[z->next++] = (uint16_t)(prev_len + 1);
			if (z->next == (1u << z->size) && z->size < 12)
				z->size++;
		}
	}
	z->prev = (int32_t)code;
	z->pixels += n;
	return z->pixels > z->max_pixels ? -1 : 0;
}

/* lzw_bytes — image data bytes p[0..n) at offset pos.  RETURN 0, or -1
 * with *bad at the byte where the codes went wrong. */
static int lzw_bytes(lzw *z, uint64_t pos, const unsigned char *p, size_t n, uint64_t *bad)
{
	for (size_t i = 0; i < n; i++) {
		if (z->done) { /* only zero bytes may follow (ffmpeg writes one) */
			if (p[i]) {
				*bad = pos + i;
				return -1;
			}
			continue;
		}
		z->acc |= (uint32_t)p[i] << z->nbits;
		z->nbits += 8;
		while (z->nbits >= z->size && !z->done) {
			unsigned code = z->acc & ((1u << z->size) - 1);
			z->acc >>= z->size;
			z->nbits = (uint8_t)(z->nbits - z->size);
			if (lzw_code(z, code) < 0) {
				*bad = pos + i;
				return -1;
			}
		}
	}
	return 0;
}

/* ---- blocks ---------------------------------------------------------------------- */

static int block(gif_state *s, unsigned b, uint64_t at, uint64_t *end)
{
	if (b == 0x3B) { /* trailer */
		if (!s->frames)
			return error_at(at, end);
		*end = at + 1;
		return EXHIBIT_CARVE_END;
	}
	if (b == 0x21) {
		if (++s->extensions > MAX_EXTENSIONS)
			return error_at(at, end);
		s->phase = P_LABEL;
		carve_want_bytes(&s->cs, at + 1, 1);
	} else if (b == 0x2C) {
		s->phase = P_DESCRIPTOR;
		carve_want_bytes(&s->cs, at + 1, 9);
	} else {
		return error_at(at, end);
	}
	return EXHIBIT_CARVE_CONTINUE;
}

/* An extension's first sub-block: the sizes the labels fix. */
static int ext_first(gif_state *s, unsigned size, uint64_t at, uint64_t *end)
{
	if ((s->label == 0xF9 && size != 4) || (s->label == 0x01 && size != 12) ||
	    (s->label == 0xFF && size != 11))
		return error_at(at, end);
	s->phase = P_EXT_SUB;
	carve_want_bytes(&s->cs, at + 1 + size, 1);
	return EXHIBIT_CARVE_CONTINUE;
}

static int descriptor(gif_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	uint32_t w = carve_le16(b + 4), h = carve_le16(b + 6);

	if (!w || !h)
		return error_at(at + 4, end);
	s->frames++;
	s->extensions = 0;
	s->lzw.max_pixels = (uint64_t)w * h;
	after_table(s, b[8], at + 9, P_CODE_SIZE);
	return EXHIBIT_CARVE_CONTINUE;
}

static int step(void *state, const unsigned char *b, uint64_t *end)
{
	gif_state *s = state;
	uint64_t at = s->cs.start;

	switch (s->phase) {
	case P_HEADER:
		if (memcmp(b, "GIF87a", 6) != 0 && memcmp(b, "GIF89a", 6) != 0)
			return error_at(0, end);
		after_table(s, b[10], 13, P_BLOCK);
		return EXHIBIT_CARVE_CONTINUE;
	case P_BLOCK:
		return block(s, b[0], at, end);
	case P_LABEL:
		if (b[0] != 0xF9 && b[0] != 0xFE && b[0] != 0x01 && b[0] != 0xFF)
			return error_at(at, end);
		s->label = b[0];
		s->phase = P_EXT_FIRST;
		carve_want_bytes(&s->cs, at + 1, 1);
		return EXHIBIT_CARVE_CONTINUE;
	case P_EXT_FIRST:
		return ext_first(s, b[0], at, end);
	case P_EXT_SUB:
		if (b[0] == 0)
			next_block(s, at + 1);
		else
			carve_want_bytes(&s->cs, at + 1 + b[0], 1);
		return EXHIBIT_CARVE_CONTINUE;
	case P_DESCRIPTOR:
		return descriptor(s, b, at, end);
	case P_CODE_SIZE:
		if (b[0] < 1 || b[0] > 11)
			return error_at(at, end);
		lzw_start(&s->lzw, b[0], s->lzw.max_pixels);
		s->phase = P_DATA_SUB;
		carve_want_bytes(&s->cs, at + 1, 1);
		return EXHIBIT_CARVE_CONTINUE;
	case P_DATA_SUB:
		if (b[0] == 0) {
			next_block(s, at + 1);
		} else {
			s->phase = P_DATA;
			carve_want_stream(&s->cs, at + 1, b[0]);
		}
		return EXHIBIT_CARVE_CONTINUE;
	default: /* P_DATA: the sub-block's codes were taken */
		s->phase = P_DATA_SUB;
		carve_want_bytes(&s->cs, s->cs.at, 1);
		return EXHIBIT_CARVE_CONTINUE;
	}
}

static int scan(void *state, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
                uint64_t *bad)
{
	gif_state *s = state;

	(void)used;
	return lzw_bytes(&s->lzw, pos, p, n, bad) < 0 ? EXHIBIT_CARVE_ERROR
	                                               : EXHIBIT_CARVE_CONTINUE;
}

static const carve_parser parser = { step, scan, sizeof(((gif_state *)0)->rec) };

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	gif_state *s = state;

	(void)signature;
	if (len < 13 || (memcmp(buf, "GIF87a", 6) != 0 && memcmp(buf, "GIF89a", 6) != 0))
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	s->phase = P_HEADER;
	carve_want_bytes(&s->cs, 0, 13);
	out->size = 0;
	out->min_size = 13 + 10 + 4;
	out->extension = "gif";
	return EXHIBIT_CARVE_ACCEPT;
}

static int data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	gif_state *s = state;

	return carve_stream_feed(&s->cs, &parser, s, s->rec, pos, buf, len, end);
}

static const exhibit_signature signatures[] = {
	{ 0, (const unsigned char *)"GIF87a", 6 },
	{ 0, (const unsigned char *)"GIF89a", 6 },
};

static const exhibit_carver carver = {
	sizeof(gif_state), 13, GIF_MAX_SIZE, 1, header_check, data_check, NULL, NULL,
};

static EXHIBIT_CARVER_PLUGIN(plugin, "carve-gif", "1.0",
	"Carves GIF files from unallocated space: blocks and sub-blocks walked, LZW codes checked",
	signatures, carver);

const exhibit_plugin *carve_gif_plugin(void)
{
	return &plugin;
}

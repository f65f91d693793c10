/*
 * png.c — PNG files (ISO/IEC 15948, PNG 3rd edition for eXIf): the
 * header and the metadata chunks.
 *
 *   IHDR           width, height, bit depth, colour type;
 *   tEXt           keyword = Latin-1 text;
 *   zTXt           keyword = zlib-compressed Latin-1 text;
 *   iTXt           keyword = UTF-8 text, maybe compressed; the keyword
 *                  "XML:com.adobe.xmp" holds an XMP packet;
 *   eXIf           TIFF/EXIF data (exif.c);
 *   tIME           the last modification time (UTC);
 *   acTL           animation: frames and plays (APNG).
 *
 * Chunks are walked by their 31-bit lengths up to IEND, at most
 * MAX_CHUNKS; a chunk running past the end is reported as truncated.
 * Compressed text is inflated into at most TEXT_MAX bytes (a
 * decompression bomb gets no further).  CRCs are not checked: the
 * content is kept either way and a wrong CRC says nothing of meaning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bytes.h"
#include "exif.h"
#include "image_parsers.h"
#include "media_text.h"
#include "media_time.h"
#include "xmp.h"

#define MAX_CHUNKS 100000u
#define TEXT_MAX (256u * 1024)
#define CHUNK_READ_MAX XMP_MAX_PACKET
#define TEXT_CHUNKS_MAX 4096u /* text chunks read; more are counted only */

static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* Inflate a zlib stream into at most TEXT_MAX bytes (malloc'd, *out_len). */
static unsigned char *inflate_bounded(const unsigned char *in, size_t len, size_t *out_len,
                                      bool *complete)
{
	z_stream z;
	unsigned char *out = malloc(TEXT_MAX);
	int rc;

	*complete = false;
	if (!out)
		return NULL;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = TEXT_MAX;
	rc = inflate(&z, Z_FINISH);
	*complete = rc == Z_STREAM_END;
	*out_len = TEXT_MAX - z.avail_out;
	inflateEnd(&z);
	return out;
}

/* What a text keyword means. */
static void text_item(media *m, const char *keyword, const char *text, size_t len)
{
	media_datetime when;

	media_tag_bytes(m, "png", keyword, text, len);
	if (!strcmp(keyword, "XML:com.adobe.xmp"))
		xmp_parse(m, text, len);
	else if (!strcmp(keyword, "Software"))
		media_offer_text(&m->software, 2, text, len);
	else if (!strcmp(keyword, "Author"))
		media_tag_bytes(m, "png", "author", text, len);
	else if (!strcmp(keyword, "Creation Time") && media_datetime_parse(text, len, &when))
		media_offer_created(m, &when, "png:Creation Time", 2);
}

/* Keyword at d (1-79 bytes, NUL-terminated within len). */
static size_t keyword(const unsigned char *d, size_t len, char out[80])
{
	size_t n = 0;

	while (n < len && n < 79 && d[n])
		n++;
	if (n == 0 || n >= len || d[n])
		return 0;
	memcpy(out, d, n);
	out[n] = '\0';
	return n;
}

static void on_text_chunk(media *m, const unsigned char *type, const unsigned char *d,
                          size_t len, uint64_t at)
{
	char key[80], *text = NULL;
	size_t k = keyword(d, len, key), rest;
	const unsigned char *body;

	if (!k) {
		media_problem(m, (int64_t)at, EXHIBIT_ERR_FORMAT,
		              "PNG: %.4s chunk at offset %llu has no valid keyword", (const char *)type,
		              (unsigned long long)at);
		return;
	}
	body = d + k + 1;
	rest = len - k - 1;
	if (!memcmp(type, "tEXt", 4)) {
		text = media_text_latin1(body, rest);
	} else if (!memcmp(type, "zTXt", 4)) {
		size_t n;
		bool complete;
		unsigned char *plain;
		if (rest < 1 || body[0] != 0)
			return;
		if ((plain = inflate_bounded(body + 1, rest - 1, &n, &complete))) {
			text = media_text_latin1(plain, n);
			free(plain);
		}
		if (!complete)
			media_problem(m, (int64_t)at, EXHIBIT_ERR_FORMAT,
			              "PNG: zTXt '%s' at offset %llu does not inflate whole (damaged, or "
			              "more than %u bytes)",
			              key, (unsigned long long)at, TEXT_MAX);
	} else { /* iTXt: flag, method, language\0, translated keyword\0, text */
		size_t at2 = 2;
		bool compressed;
		if (rest < 2)
			return;
		compressed = body[0] == 1;
		for (int skip = 0; skip < 2; skip++) {
			while (at2 < rest && body[at2])
				at2++;
			if (at2 >= rest)
				return;
			at2++;
		}
		if (compressed) {
			size_t n;
			bool complete;
			unsigned char *plain = inflate_bounded(body + at2, rest - at2, &n, &complete);
			if (plain) {
				text = media_text_escape(plain, n);
				free(plain);
			}
		} else {
			text = media_text_escape(body + at2, rest - at2);
		}
	}
	if (text) {
		text_item(m, key, text, strlen(text));
		free(text);
	}
}

static void on_time(media *m, const unsigned char *d, size_t len)
{
	if (len >= 7)
		media_tag_printf(m, "png", "tIME", "%04u-%02u-%02uT%02u:%02u:%02uZ", be16(d), d[2],
		                 d[3], d[4], d[5], d[6]);
}

bool parse_png(media *m)
{
	const unsigned char *d = media_peek(m, 0, 8);
	uint64_t pos = 8;
	bool has_ihdr = false, has_iend = false;
	unsigned text_chunks = 0;

	if (!d || memcmp(d, signature, 8) != 0) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not a PNG file: no PNG signature");
		return false;
	}
	m->kind = "image";
	m->container = "png";
	media_set_codec(m->codec, "png");
	for (unsigned n = 0; n < MAX_CHUNKS && !has_iend; n++) {
		uint32_t len;
		unsigned char type[4];
		unsigned char *body;
		size_t keep;

		if (!(d = media_peek(m, pos, 8)))
			break;
		len = be32(d);
		memcpy(type, d + 4, 4);
		if (len > 0x7fffffffu || !media_has(m, pos + 8, (uint64_t)len + 4)) {
			media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "PNG: chunk '%.4s' at offset %llu declares %u bytes but the file "
			              "ends first: truncated",
			              (const char *)type, (unsigned long long)pos, len);
			return true;
		}
		if (!memcmp(type, "IEND", 4))
			has_iend = true;
		if (!memcmp(type, "IHDR", 4) && len >= 13 && (d = media_peek(m, pos + 8, 13))) {
			m->width = be32(d);
			m->height = be32(d + 4);
			media_tag_printf(m, "png", "IHDR", "%u-bit, colour type %u%s", d[8], d[9],
			                 d[12] ? ", interlaced" : "");
			has_ihdr = true;
		} else if (!memcmp(type, "eXIf", 4)) {
			char what[64];
			snprintf(what, sizeof what, "the eXIf chunk at offset %llu", (unsigned long long)pos);
			exif_parse(m, pos + 8, pos + 8 + len, what, NULL);
		} else if (!memcmp(type, "acTL", 4) && len >= 8 && (d = media_peek(m, pos + 8, 8))) {
			media_tag_printf(m, "png", "acTL", "%u frames, %u plays", be32(d), be32(d + 4));
		} else if ((!memcmp(type, "tEXt", 4) || !memcmp(type, "zTXt", 4) ||
		            !memcmp(type, "iTXt", 4) || !memcmp(type, "tIME", 4)) &&
		           ++text_chunks <= TEXT_CHUNKS_MAX) {
			keep = len < CHUNK_READ_MAX ? len : CHUNK_READ_MAX;
			if ((body = malloc(keep ? keep : 1)) && media_read(m, pos + 8, body, keep)) {
				if (!memcmp(type, "tIME", 4))
					on_time(m, body, keep);
				else
					on_text_chunk(m, type, body, keep, pos);
			}
			free(body);
		}
		pos += 12 + (uint64_t)len;
	}
	if (text_chunks > TEXT_CHUNKS_MAX)
		media_tag_printf(m, "exhibit", "png_text_chunks_not_read", "%u",
		                 text_chunks - TEXT_CHUNKS_MAX);
	if (!has_ihdr)
		media_problem(m, 8, EXHIBIT_ERR_FORMAT, "PNG: no IHDR chunk: the size is unknown");
	if (!has_iend)
		media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
		              "PNG: no IEND chunk (the file ends at offset %llu): truncated",
		              (unsigned long long)pos);
	return true;
}

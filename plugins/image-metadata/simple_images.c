/*
 * simple_images.c — GIF, WebP and BMP: picture size and what little
 * metadata they carry.
 *
 *   GIF   logical screen size; the block structure is walked (at most
 *         GIF_MAX_BLOCKS blocks) to count frames, add up their delays
 *         (animated GIFs get a duration) and keep comments;
 *   WebP  RIFF chunks: VP8 / VP8L / VP8X give the size, EXIF and XMP
 *         chunks the metadata, ANMF frames the animation;
 *   BMP   the DIB header: size (a negative height is a top-down bitmap),
 *         bits per pixel, compression.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "exif.h"
#include "image_parsers.h"
#include "xmp.h"

#define GIF_MAX_BLOCKS 1000000u
#define WEBP_MAX_CHUNKS 100000u

/* ---- GIF ------------------------------------------------------------------- */

/* Skip a chain of sub-blocks from pos; RETURN the offset after the
 * terminator, or 0 when the file ends first. */
static uint64_t skip_sub_blocks(media *m, uint64_t pos, unsigned *budget)
{
	const unsigned char *d;

	while ((d = media_peek(m, pos, 1))) {
		if (!(*budget)--)
			return 0;
		if (d[0] == 0)
			return pos + 1;
		pos += 1u + d[0];
	}
	return 0;
}

static void gif_comment(media *m, uint64_t pos)
{
	const unsigned char *d = media_peek(m, pos, 1);
	const unsigned char *text;

	if (d && d[0] && (text = media_peek(m, pos + 1, d[0])))
		media_tag_bytes(m, "gif", "comment", text, d[0]);
}

bool parse_gif(media *m)
{
	const unsigned char *d = media_peek(m, 0, 13);
	uint64_t pos = 13;
	unsigned frames = 0, budget = GIF_MAX_BLOCKS;
	uint64_t delay_cs = 0;

	if (!d || (memcmp(d, "GIF87a", 6) != 0 && memcmp(d, "GIF89a", 6) != 0)) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not a GIF file: no GIF87a/GIF89a signature");
		return false;
	}
	m->kind = "image";
	m->container = "gif";
	media_set_codec(m->codec, "gif");
	m->width = le16(d + 6);
	m->height = le16(d + 8);
	media_tag_bytes(m, "gif", "version", d + 3, 3);
	if (d[10] & 0x80)
		pos += 3u << ((d[10] & 7) + 1);
	for (;;) {
		uint64_t block = pos; /* where the structure read next starts */
		if (!(d = media_peek(m, pos, 1))) {
			media_problem(m, (int64_t)(pos < m->size ? pos : m->size), EXHIBIT_ERR_FORMAT,
			              "GIF: the file ends (at %llu bytes) before the trailer: truncated",
			              (unsigned long long)m->size);
			break;
		}
		if (d[0] == 0x3b)
			break;
		if (d[0] == 0x21) { /* extension: label, sub-blocks */
			const unsigned char *e = media_peek(m, pos + 1, 6);
			if (e && e[0] == 0xf9 && e[1] >= 4)
				delay_cs += le16(e + 3);
			else if (e && e[0] == 0xfe)
				gif_comment(m, pos + 2);
			pos = skip_sub_blocks(m, pos + 2, &budget);
		} else if (d[0] == 0x2c) { /* image: descriptor, colour table, data */
			const unsigned char *im = media_peek(m, pos, 10);
			if (!im) {
				pos = 0;
			} else {
				frames++;
				pos += 10;
				if (im[9] & 0x80)
					pos += 3u << ((im[9] & 7) + 1);
				pos = skip_sub_blocks(m, pos + 1, &budget);
			}
		} else {
			media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "GIF: no block at offset %llu (byte 0x%02x): the rest is not read",
			              (unsigned long long)pos, d[0]);
			break;
		}
		if (!pos) {
			media_problem(m, (int64_t)block, budget ? EXHIBIT_ERR_FORMAT : EXHIBIT_ERR_LIMIT,
			              budget ? "GIF: the block at offset %llu runs past the end of the file: "
			                       "truncated"
			                     : "GIF: too many blocks (at offset %llu): the rest is not read",
			              (unsigned long long)block);
			break;
		}
	}
	media_tag_printf(m, "gif", "frames", "%u", frames);
	if (frames > 1)
		m->duration_s = delay_cs / 100.0;
	return true;
}

/* ---- WebP -------------------------------------------------------------------- */

static void webp_size(media *m, const unsigned char *type, const unsigned char *d, size_t len)
{
	if (!memcmp(type, "VP8X", 4) && len >= 10) {
		m->width = 1 + (int64_t)(d[4] | d[5] << 8 | d[6] << 16);
		m->height = 1 + (int64_t)(d[7] | d[8] << 8 | d[9] << 16);
	} else if (m->width) {
		return; /* VP8X's canvas size wins */
	} else if (!memcmp(type, "VP8 ", 4) && len >= 10 && d[3] == 0x9d && d[4] == 0x01 &&
	           d[5] == 0x2a) {
		m->width = le16(d + 6) & 0x3fff;
		m->height = le16(d + 8) & 0x3fff;
	} else if (!memcmp(type, "VP8L", 4) && len >= 5 && d[0] == 0x2f) {
		uint32_t bits = le32(d + 1);
		m->width = 1 + (bits & 0x3fff);
		m->height = 1 + ((bits >> 14) & 0x3fff);
	}
}

bool parse_webp(media *m)
{
	const unsigned char *d = media_peek(m, 0, 12);
	uint64_t pos = 12, end;
	unsigned frames = 0;
	uint64_t duration_ms = 0;

	if (!d || memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WEBP", 4) != 0) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not a WebP file: no RIFF 'WEBP' header");
		return false;
	}
	m->kind = "image";
	m->container = "webp";
	media_set_codec(m->codec, "webp");
	end = 8 + (uint64_t)le32(d + 4);
	if (end > m->size) {
		media_problem(m, 4, EXHIBIT_ERR_FORMAT,
		              "WebP: the RIFF header declares %llu bytes but the file has %llu: "
		              "truncated",
		              (unsigned long long)end, (unsigned long long)m->size);
		end = m->size;
	}
	for (unsigned n = 0; n < WEBP_MAX_CHUNKS && pos + 8 <= end; n++) {
		unsigned char type[4];
		uint64_t len;
		const unsigned char *c;

		if (!(d = media_peek(m, pos, 8)))
			break;
		memcpy(type, d, 4);
		len = le32(d + 4);
		if (len > end - pos - 8) {
			media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "WebP: chunk '%.4s' at offset %llu declares %llu bytes, more than "
			              "remain: truncated",
			              (const char *)type, (unsigned long long)pos, (unsigned long long)len);
			len = end - pos - 8;
		}
		if ((c = media_peek(m, pos + 8, len < 16 ? (size_t)len : 16)))
			webp_size(m, type, c, len < 16 ? (size_t)len : 16);
		if (!memcmp(type, "EXIF", 4)) {
			char what[64];
			uint64_t at = pos + 8;
			const unsigned char *x = media_peek(m, at, 6);
			if (x && len >= 6 && !memcmp(x, "Exif\0\0", 6))
				at += 6; /* some writers keep the JPEG APP1 prefix */
			snprintf(what, sizeof what, "the EXIF chunk at offset %llu", (unsigned long long)pos);
			exif_parse(m, at, pos + 8 + len, what, NULL);
		} else if (!memcmp(type, "XMP ", 4)) {
			xmp_parse_at(m, pos + 8, pos + 8 + len);
		} else if (!memcmp(type, "ANMF", 4) && len >= 16 && (c = media_peek(m, pos + 8, 16))) {
			frames++;
			duration_ms += (uint64_t)(c[12] | c[13] << 8 | c[14] << 16);
		}
		pos += 8 + len + (len & 1);
	}
	if (frames) {
		media_tag_printf(m, "webp", "frames", "%u", frames);
		if (frames > 1)
			m->duration_s = duration_ms / 1000.0;
	}
	if (!m->width)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT, "WebP: no VP8, VP8L or VP8X chunk gives the size");
	return true;
}

/* ---- BMP ------------------------------------------------------------------------ */

bool parse_bmp(media *m)
{
	const unsigned char *d = media_peek(m, 0, 26);
	uint32_t header, declared;

	if (!d || d[0] != 'B' || d[1] != 'M') {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not a BMP file: no 'BM' signature");
		return false;
	}
	m->kind = "image";
	m->container = "bmp";
	media_set_codec(m->codec, "bmp");
	declared = le32(d + 2);
	header = le32(d + 14);
	if (header == 12) {
		m->width = le16(d + 18);
		m->height = le16(d + 20);
	} else if (header >= 40 && (d = media_peek(m, 0, 34))) {
		int32_t h = (int32_t)le32(d + 22);
		m->width = (int32_t)le32(d + 18);
		m->height = h < 0 ? -(int64_t)h : h;
		media_tag_printf(m, "bmp", "header", "%u-byte DIB header, %u bits per pixel, "
		                 "compression %u%s", header, le16(d + 28), le32(d + 30),
		                 h < 0 ? ", top-down" : "");
	} else {
		media_problem(m, 14, EXHIBIT_ERR_FORMAT, "BMP: unknown DIB header size %u", header);
	}
	if (m->width < 0)
		m->width = 0;
	if (declared > m->size)
		media_problem(m, 2, EXHIBIT_ERR_FORMAT,
		              "BMP: the header declares %u bytes but the file has %llu: truncated",
		              declared, (unsigned long long)m->size);
	return true;
}

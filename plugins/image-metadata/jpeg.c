/*
 * jpeg.c — JPEG files (ITU T.81 markers, JFIF, Exif APP1, XMP APP1):
 * the picture size from the frame header and the metadata segments.
 *
 *   SOFn                 precision, height, width, components;
 *   APP1 "Exif\0\0"      TIFF/EXIF data (exif.c), thumbnail included;
 *   APP1 XMP namespace   the XMP packet (xmp.c);
 *   APP0 JFIF/JFXX       version, density (tags);
 *   COM                  comments (tags).
 *
 * Segments are walked by their 16-bit lengths up to the first SOS (the
 * entropy-coded data is never entered), at most MAX_SEGMENTS of them; a
 * segment running past the end is reported as truncated; fill bytes
 * (0xFF runs) between markers are skipped.
 */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "exif.h"
#include "image_parsers.h"
#include "xmp.h"

#define MAX_SEGMENTS 4096

static const char xmp_namespace[] = "http://ns.adobe.com/xap/1.0/";

static bool is_sof(unsigned marker)
{
	return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
	       marker != 0xcc;
}

static void on_app1(media *m, uint64_t data, uint64_t len)
{
	const unsigned char *d = media_peek(m, data, len < 64 ? (size_t)len : 64);
	char what[64];

	if (!d)
		return;
	if (len >= 6 && memcmp(d, "Exif\0", 5) == 0) {
		snprintf(what, sizeof what, "the APP1 segment at offset %llu",
		         (unsigned long long)(data - 4));
		exif_parse(m, data + 6, data + len, what, NULL);
	} else if (len > sizeof xmp_namespace &&
	           memcmp(d, xmp_namespace, sizeof xmp_namespace) == 0) {
		xmp_parse_at(m, data + sizeof xmp_namespace, data + len);
	}
}

static void on_sof(media *m, unsigned marker, uint64_t data, uint64_t len)
{
	const unsigned char *d;

	if (len < 6 || !(d = media_peek(m, data, 6)) || m->width)
		return;
	m->height = be16(d + 1);
	m->width = be16(d + 3);
	media_tag_printf(m, "jpeg", "frame", "SOF%u, %u-bit, %u components", marker - 0xc0, d[0],
	                 d[5]);
}

static void on_text(media *m, const char *name, uint64_t data, uint64_t len)
{
	const unsigned char *d = media_peek(m, data, len < MEDIA_MAX_VALUE ? (size_t)len
	                                                                   : MEDIA_MAX_VALUE);
	if (d)
		media_tag_bytes(m, "jpeg", name, d, len < MEDIA_MAX_VALUE ? (size_t)len : MEDIA_MAX_VALUE);
}

bool parse_jpeg(media *m)
{
	const unsigned char *d = media_peek(m, 0, 3);
	uint64_t pos = 2;

	if (!d || d[0] != 0xff || d[1] != 0xd8 || d[2] != 0xff) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not a JPEG file: no SOI marker at offset 0");
		return false;
	}
	m->kind = "image";
	m->container = "jpeg";
	media_set_codec(m->codec, "mjpeg");
	for (unsigned n = 0; n < MAX_SEGMENTS; n++) {
		unsigned marker;
		uint64_t len;

		while ((d = media_peek(m, pos, 2)) && d[0] == 0xff && d[1] == 0xff)
			pos++; /* fill bytes */
		if (!d) {
			media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "JPEG: the file ends at offset %llu before the image data "
			              "(no SOS): truncated",
			              (unsigned long long)pos);
			return true;
		}
		if (d[0] != 0xff) {
			media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "JPEG: no marker at offset %llu: the rest is not read",
			              (unsigned long long)pos);
			return true;
		}
		marker = d[1];
		if (marker == 0xd9 || marker == 0xda)
			return true; /* EOI, or SOS: the image data follows */
		if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			pos += 2; /* markers without a length */
			continue;
		}
		if (!(d = media_peek(m, pos + 2, 2)) || (len = be16(d)) < 2) {
			media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "JPEG: the segment at offset %llu has no valid length",
			              (unsigned long long)pos);
			return true;
		}
		if (!media_has(m, pos + 2, len)) {
			media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "JPEG: segment 0xFF%02X at offset %llu declares %llu bytes but the "
			              "file ends first: truncated",
			              marker, (unsigned long long)pos, (unsigned long long)len);
			return true;
		}
		if (marker == 0xe1)
			on_app1(m, pos + 4, len - 2);
		else if (is_sof(marker))
			on_sof(m, marker, pos + 4, len - 2);
		else if (marker == 0xfe)
			on_text(m, "COM", pos + 4, len - 2);
		pos += 2 + len;
	}
	media_problem(m, (int64_t)pos, EXHIBIT_ERR_LIMIT,
	              "JPEG: more than %u segments before the image data: the rest is not read",
	              MAX_SEGMENTS);
	return true;
}

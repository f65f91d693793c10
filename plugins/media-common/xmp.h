/*
 * xmp.h — an XMP packet (Adobe XMP, ISO 16684-1) read as what it states:
 * every property becomes a tag (source "xmp", name as written, e.g.
 * "tiff:Model"), and the properties that say who, when and where
 * (tiff:Make, tiff:Model, xmp:CreatorTool, exif:DateTimeOriginal,
 * photoshop:DateCreated, xmp:CreateDate, exif:GPSLatitude/Longitude,
 * serial numbers, lens) are offered to the description below what EXIF
 * or a container states directly.
 *
 * The reader is a small tolerant XML scanner, not a validating parser:
 * properties as attributes (rdf:Description tiff:Model="...") and as
 * elements (<tiff:Model>...</tiff:Model>, rdf:Seq/Alt/Bag items) are
 * both read; nesting is tracked to XMP_MAX_DEPTH; broken markup ends the
 * scan without harm.  Packets longer than XMP_MAX_PACKET are read up to
 * that length (and the cut is reported).
 */
#ifndef EXHIBIT_XMP_H
#define EXHIBIT_XMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media.h"

#define XMP_MAX_PACKET (1024u * 1024u)
#define XMP_MAX_DEPTH 64

/* Priorities XMP offers its facts with (EXIF states them more directly). */
enum {
	XMP_PRIORITY_TEXT = 1,  /* make, model, software, lens, serials */
	XMP_PRIORITY_PLACE = 1, /* GPS */
};

/* xmp_parse — the packet text (need not be NUL-terminated). */
void xmp_parse(media *m, const char *text, size_t len);

/* xmp_parse_at — the packet at [start, end) of the item. */
void xmp_parse_at(media *m, uint64_t start, uint64_t end);

/* xmp_gps_coordinate — "DDD,MM,SSk" or "DDD,MM.mmk" (k in NSEW) as
 * signed degrees.  RETURN: false when the text is not such a value. */
bool xmp_gps_coordinate(const char *text, double *degrees);

#endif

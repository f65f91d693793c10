/*
 * exif.h — TIFF structures and the EXIF data inside them (TIFF 6.0;
 * CIPA DC-008 Exif 2.32): every IFD entry read becomes a tag, and what
 * says who, when, where and how is offered to the description.
 *
 * The TIFF data is a region [start, end) of the item: a whole TIFF file,
 * the payload of a JPEG APP1 "Exif" segment, a PNG eXIf chunk, a WebP
 * EXIF chunk, a HEIF Exif item.  Offsets inside it are relative to start
 * and are honoured only when what they point at lies inside the region.
 * The IFD chain and sub-IFDs are followed once each (a loop is reported),
 * at most EXIF_MAX_IFDS of them; entry counts and value sizes are checked
 * against the region; values are kept up to EXIF_MAX_VALUES numbers.
 *
 * The thumbnail IFD1 points at (JPEGInterchangeFormat) is handed to the
 * host as a child item "exif-thumbnail.jpg" when it starts like a JPEG.
 */
#ifndef EXHIBIT_EXIF_H
#define EXHIBIT_EXIF_H

#include <stdbool.h>
#include <stdint.h>

#include "media.h"

#define EXIF_MAX_IFDS 32
#define EXIF_MAX_ENTRIES 4096
#define EXIF_MAX_VALUES 32
#define EXIF_MAX_THUMBNAIL (4u * 1024 * 1024)

/* What the main IFD says of the image itself (for TIFF files). */
typedef struct exif_image {
	int64_t width, height; /* IFD0 ImageWidth / ImageLength; 0: absent */
	int64_t pixel_width, pixel_height; /* ExifIFD PixelX/YDimension */
	unsigned compression;  /* IFD0 Compression */
} exif_image;

/*
 * exif_parse — read the TIFF data in [start, end) of the item.  what
 * names the region in messages ("APP1 Exif segment at offset 20").
 * RETURN: false when the region does not start with a TIFF header
 * (reported); damage further in is reported and what was read is kept.
 */
bool exif_parse(media *m, uint64_t start, uint64_t end, const char *what, exif_image *image);

#endif

/*
 * image_parsers.h — the format parsers of the image-metadata plugin.
 *
 * Each reads the item through m (media.h), fills in what the format
 * states (size, codec, EXIF/XMP/text metadata) and reports what is
 * damaged or missing.
 * RETURN: true when the content is that format (even damaged): the
 * caller then emits the description; false when it is not (reported).
 */
#ifndef EXHIBIT_IMAGE_PARSERS_H
#define EXHIBIT_IMAGE_PARSERS_H

#include <stdbool.h>

#include "media.h"

bool parse_jpeg(media *m); /* jpeg.c */
bool parse_tiff(media *m); /* tiff.c */
bool parse_png(media *m);  /* png.c */
bool parse_heif(media *m); /* heif.c: HEIC, HEIF, AVIF */
bool parse_gif(media *m);  /* simple_images.c */
bool parse_webp(media *m); /* simple_images.c */
bool parse_bmp(media *m);  /* simple_images.c */

#endif

/*
 * tiff.c — TIFF files (and the camera raw formats built on TIFF that
 * sniff as TIFF): the whole file is TIFF data, read by exif.c; the main
 * IFD gives the picture size.
 */
#include "exif.h"
#include "image_parsers.h"

bool parse_tiff(media *m)
{
	exif_image image;

	if (!exif_parse(m, 0, m->size, "the TIFF file", &image))
		return false;
	m->kind = "image";
	m->container = "tiff";
	media_set_codec(m->codec, "tiff");
	m->width = image.width;
	m->height = image.height;
	return true;
}

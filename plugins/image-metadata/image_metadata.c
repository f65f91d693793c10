/*
 * image_metadata.c — the "image-metadata" analyzer plugin.
 *
 * For every image item, chosen by its sniffed MIME type, it reads the
 * format's own structures (image_parsers.h) and records:
 *
 *   media       one row: kind 'image', container, codec (as ffprobe names
 *               it), size, orientation and rotation, creation time
 *               (EXIF DateTimeOriginal with OffsetTimeOriginal: UTC; without
 *               it: the local time as written), make, model, software,
 *               lens, body and lens serial numbers, GPS place;
 *   media_tags  every EXIF entry, XMP property and PNG/GIF/JPEG text read,
 *               so nothing read is lost.
 *
 * The EXIF thumbnail (IFD1) is handed back as a child item
 * "exif-thumbnail.jpg", analysed in its turn.  Damage is reported with
 * its byte offset and analyze() returns the worst problem's code; what
 * was read before it is kept.  Pixels are never decoded.  analyze()
 * depends on the content only and keeps no state.
 */
#include <stddef.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "image_parsers.h"
#include "media.h"

typedef bool (*parser_fn)(media *m);

/* Which parser reads which sniffed type (see core/sniff.c). */
static const struct {
	const char *mime_type;
	parser_fn parse;
} parsers[] = {
	{ "image/jpeg", parse_jpeg },
	{ "image/tiff", parse_tiff },
	{ "image/png", parse_png },
	{ "image/heic", parse_heif },
	{ "image/heif", parse_heif },
	{ "image/avif", parse_heif },
	{ "image/gif", parse_gif },
	{ "image/webp", parse_webp },
	{ "image/bmp", parse_bmp },
};

#define N_PARSERS (sizeof parsers / sizeof parsers[0])

static const char *const mime_types[N_PARSERS + 1] = {
	"image/jpeg", "image/tiff", "image/png", "image/heic", "image/heif",
	"image/avif", "image/gif", "image/webp", "image/bmp", NULL,
};

static const char *const no_patterns[] = { NULL };

static parser_fn parser_for(const char *mime_type)
{
	for (size_t i = 0; mime_type && i < N_PARSERS; i++)
		if (strcmp(parsers[i].mime_type, mime_type) == 0)
			return parsers[i].parse;
	return NULL;
}

static int analyze(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item)
{
	parser_fn parse = parser_for(item->mime_type);
	media m;
	int rc;

	if (!parse) {
		api->report_error(host, -1, "image-metadata: no parser for this type");
		return EXHIBIT_ERR_FORMAT;
	}
	media_init(&m, api, host, item->size);
	if (parse(&m)) {
		m.kind = "image";
		rc = media_emit(&m);
		if (rc != EXHIBIT_OK)
			m.status = media_worse(m.status, rc);
	}
	rc = m.status;
	media_free(&m);
	return rc;
}

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION,
	"image-metadata",
	"1.0",
	"Image metadata: EXIF (JPEG, TIFF, HEIC, PNG, WebP), XMP, PNG text, GIF/WebP/BMP "
	"size; EXIF thumbnails as child items",
	EXHIBIT_PLUGIN_ANALYZER,
	mime_types,
	no_patterns,
	NULL,
	0,
	analyze,
	NULL,
	NULL,
};

const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &descriptor;
}

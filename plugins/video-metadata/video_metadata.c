/*
 * video_metadata.c — the "video-metadata" analyzer plugin.
 *
 * For every video (and container audio) item, chosen by its sniffed MIME
 * type, it reads the container's own structures with the parser for that
 * container (video_parsers.h) and records:
 *
 *   media          one row: kind, container, codec, size, duration, frame
 *                  rate, rotation, creation time (UTC when the file says
 *                  so, else as written), make, model, software, place;
 *   media_streams  one row per track/stream: codec (as ffprobe names it),
 *                  the container's code, size, frame rate, sample rate,
 *                  channels, duration, language;
 *   media_tags     every raw key/value read (udta, keys, ilst, Matroska
 *                  tags, AMF0 onMetaData, ASF descriptions, RIFF INFO),
 *                  so nothing read is lost.
 *
 * A truncated, carved or lying file still yields what it holds; what is
 * missing or wrong is reported with its byte offset, and analyze() then
 * returns the worst problem's code.  No decoding: only container
 * structures (and the few codec headers that state a picture size) are
 * read, so a hostile stream cannot reach a decoder.  analyze() depends on
 * the content only and keeps no state.
 */
#include <stddef.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "media.h"
#include "video_parsers.h"

typedef bool (*parser_fn)(media *m);

/* Which parser reads which sniffed type (see core/sniff.c). */
static const struct {
	const char *mime_type;
	parser_fn parse;
} parsers[] = {
	{ "video/mp4", parse_isobmff },
	{ "video/x-m4v", parse_isobmff },
	{ "video/quicktime", parse_isobmff },
	{ "video/3gpp", parse_isobmff },
	{ "video/3gpp2", parse_isobmff },
	{ "audio/mp4", parse_isobmff },
	{ "video/x-matroska", parse_matroska },
	{ "video/webm", parse_matroska },
	{ "video/x-msvideo", parse_avi },
	{ "video/x-flv", parse_flv },
	{ "video/mp2t", parse_mpegts },
	{ "video/x-ms-asf", parse_asf },
};

#define N_PARSERS (sizeof parsers / sizeof parsers[0])

static const char *const mime_types[N_PARSERS + 1] = {
	"video/mp4", "video/x-m4v", "video/quicktime", "video/3gpp", "video/3gpp2",
	"audio/mp4", "video/x-matroska", "video/webm", "video/x-msvideo", "video/x-flv",
	"video/mp2t", "video/x-ms-asf", NULL,
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
		api->report_error(host, -1, "video-metadata: no parser for this type");
		return EXHIBIT_ERR_FORMAT;
	}
	media_init(&m, api, host, item->size);
	if (parse(&m)) {
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
	"video-metadata",
	"1.0",
	"Video container metadata: ISO BMFF/QuickTime, Matroska/WebM, AVI, FLV, "
	"MPEG-TS, ASF/WMV (codecs, size, duration, times, camera, GPS)",
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

/*
 * media_preview.c — the "media-preview" analyzer plugin: small pictures
 * of images and videos for review, and a safe version of each.
 *
 * For every image it decodes the (first) picture with FFmpeg (decoder.h
 * in media-common) and records a thumbnail of at most THUMB_SIDE pixels
 * on its longer side, keeping its shape; for every video, a contact
 * sheet: up to SHEET_TILES frames sampled every N seconds, N the
 * duration over SHEET_TILES (at least one second, rounded up to a tenth
 * below ten seconds and to a second above), each scaled to at most
 * TILE_SIDE pixels, laid out in a grid in time order.  Far-apart samples
 * are reached by seeking to the key frame before them, then decoding up
 * to their time.
 *
 * Each preview is recorded twice in the previews table as a JPEG
 * (jpeg_writer.h): as decoded, and obscured (preview_picture.h: grey
 * and blurred past recognition; a sheet tile by tile), which is what a
 * report or review page shows unless the reviewer asks for more.
 * Previews are records, never child items: they are not evidence, so
 * they are neither hashed, nor carved, nor listed as files.
 *
 * Damage, refusals and limits are reported (v_errors) with the byte
 * offset FFmpeg had reached; a sheet of the frames sampled before a
 * problem is still made.  Decoding runs in the worker thread under the
 * decoder's limits and the host's plugin guard, as media-pdq's does (see
 * its header comment for what that guard cannot contain).  analyze()
 * depends on the content only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "media.h"
#include "exhibit/plugin.h"
#include "jpeg_writer.h"
#include "preview_picture.h"

#define THUMB_SIDE 256
#define TILE_SIDE 160
#define SHEET_TILES 16           /* a 4 x 4 grid at most */
#define SHEET_GAP 4              /* pixels between tiles and around them */
#define SHEET_BACKGROUND 32
#define MIN_INTERVAL 1.0         /* seconds between samples, at least */
#define SEEK_INTERVAL 4.0        /* samples this far apart are reached by seeking */
#define TIME_TOLERANCE 0.001
#define JPEG_QSCALE 5            /* FFmpeg's scale: 2 best .. 31 smallest */

static const char *const no_patterns[] = { NULL };

typedef struct job {
	const exhibit_host_api *api;
	exhibit_host *host;
	const exhibit_item *item;
	decoder *dec;
	int status;                  /* the worst EXHIBIT_* met */
} job;

/* A sampled frame, scaled to a tile. */
typedef struct tile {
	picture pic;
} tile;

static void problem(job *j, const decode_error *e)
{
	j->api->report_error(j->host, e->offset, e->message);
	j->status = media_worse(j->status, e->code);
}

static void complain(job *j, int code, const char *message)
{
	j->api->report_error(j->host, -1, message);
	j->status = media_worse(j->status, code);
}

/* ---------------------------------------------------------------- records */

static int emit_jpeg(job *j, const char *kind, int blurred, const picture *p, int frames,
                     double interval_s)
{
	uint8_t *data;
	size_t len;
	char why[160];
	int rc;

	if (jpeg_write(p, JPEG_QSCALE, &data, &len, why, sizeof why) < 0) {
		complain(j, EXHIBIT_ERR, why);
		return EXHIBIT_ERR;
	}
	{
		exhibit_field f[] = {
			EXHIBIT_FIELD_TEXT("kind", kind),
			EXHIBIT_FIELD_INT("blurred", blurred),
			EXHIBIT_FIELD_TEXT("mime", "image/jpeg"),
			EXHIBIT_FIELD_INT("width", p->width),
			EXHIBIT_FIELD_INT("height", p->height),
			EXHIBIT_FIELD_INT("frames", frames),
			interval_s > 0 ? (exhibit_field)EXHIBIT_FIELD_REAL("interval_s", interval_s)
			               : (exhibit_field)EXHIBIT_FIELD_NULL("interval_s"),
			{ "data", EXHIBIT_BLOB, 0, 0, NULL, data, len },
		};
		rc = j->api->emit_record(j->host, "previews", f, sizeof f / sizeof f[0]);
	}
	free(data);
	if (rc != EXHIBIT_OK)
		j->status = media_worse(j->status, rc);
	return rc;
}

/* emit_pair — the preview as decoded, then obscured region by region
 * (regions: x, y, w, h each; one region per tile). */
static void emit_pair(job *j, const char *kind, const picture *p, const int *regions,
                      int n_regions, int frames, double interval_s)
{
	picture safe;

	if (emit_jpeg(j, kind, 0, p, frames, interval_s) != EXHIBIT_OK)
		return;
	if (picture_copy(&safe, p) < 0) {
		complain(j, EXHIBIT_ERR, "out of memory");
		return;
	}
	for (int k = 0; k < n_regions; k++)
		if (picture_obscure(&safe, regions[4 * k], regions[4 * k + 1], regions[4 * k + 2],
		                    regions[4 * k + 3]) < 0) {
			complain(j, EXHIBIT_ERR, "out of memory");
			picture_free(&safe);
			return;
		}
	emit_jpeg(j, kind, 1, &safe, frames, interval_s);
	picture_free(&safe);
}

/* current_picture — the decoder's current picture, scaled to at most
 * side, into p. */
static int current_picture(job *j, int side, picture *p)
{
	const uint8_t *rgb;
	ptrdiff_t stride;
	int w, h;
	decode_error e;

	if (decoder_rgb(j->dec, side, &rgb, &w, &h, &stride, &e) != 0) {
		problem(j, &e);
		return -1;
	}
	if (picture_new(p, w, h, 0) < 0) {
		complain(j, EXHIBIT_ERR, "out of memory");
		return -1;
	}
	picture_paste(p, 0, 0, rgb, w, h, stride);
	return 0;
}

/* ---------------------------------------------------------------- images */

/* Images are decoded strictly first, so that damage FFmpeg would conceal
 * is found and reported; then again with the damage concealed, and the
 * thumbnail shows what could be decoded. */
static void thumbnail(job *j)
{
	decoded_picture pic;
	decode_error damage, e;
	picture p;

	if (decoder_open_image(&j->dec, j->api, j->host, j->item, &decoder_image_limits, THUMB_SIDE,
	                       &pic, &damage, &e) != 0) {
		problem(j, &e);
		return;
	}
	if (damage.code) {
		decoder_report_concealed(j->api, j->host, &damage, "the thumbnail shows that picture");
		j->status = media_worse(j->status, EXHIBIT_ERR_FORMAT);
	}
	if (pic.damaged && j->status == EXHIBIT_OK)
		complain(j, EXHIBIT_ERR_FORMAT, "the picture was decoded with errors (damaged or cut "
		         "data, concealed by the decoder): the thumbnail shows what could be decoded");
	if (current_picture(j, THUMB_SIDE, &p) < 0)
		return;
	{
		int whole[4] = { 0, 0, p.width, p.height };
		emit_pair(j, "thumbnail", &p, whole, 1, 1, 0);
	}
	picture_free(&p);
}

/* ---------------------------------------------------------------- videos */

/* sample_interval — seconds between the sheet's samples for a video of
 * this duration (< 0: unknown). */
static double sample_interval(double duration)
{
	double n = duration / SHEET_TILES;

	if (!(n > MIN_INTERVAL))
		return MIN_INTERVAL;
	return n < 10 ? ceil(n * 10) / 10 : ceil(n);
}

/* sample — up to SHEET_TILES frames, interval apart, in time order;
 * RETURN how many were taken. */
static int sample(job *j, double duration, double interval, tile *tiles)
{
	int seeking = duration > 0 && interval >= SEEK_INTERVAL;
	double next = 0, last = -1;
	int n = 0, damaged = 0;
	decode_error damage;

	while (n < SHEET_TILES && !(duration > 0 && next >= duration && n > 0)) {
		decoded_picture pic;
		decode_error e;
		int rc;

		if (seeking && n > 0 && decoder_seek(j->dec, next) < 0)
			seeking = 0; /* not seekable: go on in order */
		rc = decoder_next(j->dec, &pic, &e);
		while (rc == 0 && (pic.time_s < 0 ? n > 0 && pic.time_s <= last
		                   : pic.time_s < next - TIME_TOLERANCE || pic.time_s <= last))
			rc = decoder_next(j->dec, &pic, &e);
		if (rc < 0) {
			problem(j, &e);
			break;
		}
		if (rc == 1)
			break;
		if (pic.time_s < 0) /* no timestamps: count the samples instead */
			pic.time_s = n * interval;
		if (current_picture(j, TILE_SIDE, &tiles[n].pic) < 0)
			break;
		damaged += pic.damaged;
		n++;
		last = pic.time_s;
		while (next <= last + TIME_TOLERANCE)
			next += interval;
	}
	if (decoder_damage(j->dec, &damage) != 0)
		problem(j, &damage);
	if (damaged) {
		char msg[160];
		snprintf(msg, sizeof msg, "%d of %d frames of the contact sheet were decoded with "
		         "errors (damaged data, concealed by the decoder)", damaged, n);
		complain(j, EXHIBIT_ERR_FORMAT, msg);
	}
	return n;
}

/* lay_out — the tiles in a grid of near-square shape, each centred in
 * a cell as large as the largest tile; regions gets each tile's place. */
static int lay_out(job *j, const tile *tiles, int n, picture *sheet, int *regions)
{
	int cols = (int)ceil(sqrt((double)n)), rows = (n + cols - 1) / cols;
	int cell_w = 1, cell_h = 1;

	for (int k = 0; k < n; k++) {
		cell_w = tiles[k].pic.width > cell_w ? tiles[k].pic.width : cell_w;
		cell_h = tiles[k].pic.height > cell_h ? tiles[k].pic.height : cell_h;
	}
	if (picture_new(sheet, cols * (cell_w + SHEET_GAP) + SHEET_GAP,
	                rows * (cell_h + SHEET_GAP) + SHEET_GAP, SHEET_BACKGROUND) < 0) {
		complain(j, EXHIBIT_ERR, "out of memory");
		return -1;
	}
	for (int k = 0; k < n; k++) {
		const picture *t = &tiles[k].pic;
		int x = SHEET_GAP + (k % cols) * (cell_w + SHEET_GAP) + (cell_w - t->width) / 2;
		int y = SHEET_GAP + (k / cols) * (cell_h + SHEET_GAP) + (cell_h - t->height) / 2;

		picture_paste(sheet, x, y, t->rgb, t->width, t->height, (ptrdiff_t)t->width * 3);
		regions[4 * k] = x;
		regions[4 * k + 1] = y;
		regions[4 * k + 2] = t->width;
		regions[4 * k + 3] = t->height;
	}
	return 0;
}

static void contact_sheet(job *j)
{
	double duration = decoder_duration(j->dec);
	double interval = sample_interval(duration);
	tile tiles[SHEET_TILES];
	int regions[4 * SHEET_TILES];
	picture sheet;
	int n;

	memset(tiles, 0, sizeof tiles);
	n = sample(j, duration, interval, tiles);
	if (n == 0) {
		if (j->status == EXHIBIT_OK)
			complain(j, EXHIBIT_ERR_FORMAT, "no frame could be decoded from the video "
			         "stream: no contact sheet");
	} else if (lay_out(j, tiles, n, &sheet, regions) == 0) {
		emit_pair(j, "contact_sheet", &sheet, regions, n, n, interval);
		picture_free(&sheet);
	}
	for (int k = 0; k < n; k++)
		picture_free(&tiles[k].pic);
}

static int analyze(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item)
{
	int video = item->mime_type && !strncmp(item->mime_type, "video/", 6);
	job j = { api, host, item, NULL, EXHIBIT_OK };
	decode_error e;

	if (!video)
		thumbnail(&j);
	else if (decoder_open(&j.dec, api, host, item, &decoder_video_limits, TILE_SIDE, &e) != 0)
		problem(&j, &e);
	else
		contact_sheet(&j);
	decoder_close(j.dec);
	return j.status;
}

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION,
	"media-preview",
	"1.0",
	"Review previews decoded with FFmpeg: a thumbnail of each image and a contact sheet of "
	"frames sampled across each video, as JPEG, each also grey and blurred for safe display",
	EXHIBIT_PLUGIN_ANALYZER,
	decoder_mime_types,
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

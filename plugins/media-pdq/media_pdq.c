/*
 * media_pdq.c — the "media-pdq" analyzer plugin: perceptual hashes of
 * pictures and of video frames, for near-duplicate search.
 *
 * For every image it decodes the (first) picture with FFmpeg
 * (decoder.h), scales it to at most PDQ_SIDE pixels on its longer side,
 * and records
 *
 *   media_pdq     the picture's PDQ hash (pdq.h) and quality (crop 1),
 *                 then the hashes of its centred parts keeping 95 % and
 *                 90 % of each side (crops), and whether it decoded
 *                 without damage;
 *
 * for every video it samples the picture stream once every second (or,
 * past VIDEO_SAMPLES seconds, VIDEO_SAMPLES times spread over the
 * duration: by seeking to each time when the samples are far apart,
 * else by decoding in order) and records
 *
 *   media_frames  one row per sample: its number, presentation time,
 *                 PDQ hash, quality, and damage;
 *
 * which is what TMK+PDQF starts from: the host matches videos as
 * sequences of these (core/similar.c).
 *
 * Damage, refusals and limits are reported with the byte offset FFmpeg
 * had reached; what was hashed before a problem is kept.  analyze()
 * depends on the content only.
 *
 * Isolation.  Decoding runs in the calling worker thread, inside the
 * host's plugin guard: a crash in FFmpeg costs the item (and the memory
 * FFmpeg held for it), a loop is cut by the CPU and wall-clock budgets
 * FFmpeg polls through its interrupt callback.  Two risks remain that
 * the guard cannot cover: a heap corrupted by a decoder bug before it
 * crashes (later allocations in any thread may then fail), and a loop
 * inside a decoder that never polls the callback (the budgets are checked
 * between packets, so one packet's decode must end; the decoders listed
 * in decoder.c do).  Full containment needs the decode in a child
 * process (fork a helper per batch of items, pass bytes over a pipe,
 * read back hashes, kill it on a deadline); the SDK would have to allow
 * plugins that spawn processes, so that is left to the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "media.h"
#include "exhibit/plugin.h"
#include "pdq.h"

#define PDQ_SIDE 512             /* hashing.pdf: resize to 512 x 512 first */
#define VIDEO_SAMPLES 120        /* samples per video at most */
#define VIDEO_INTERVAL 1.0       /* seconds between samples, at least */
#define SEEK_INTERVAL 4.0        /* samples this far apart are reached by seeking */
#define TIME_TOLERANCE 0.001     /* a frame this much before a sample time is taken */

/* The parts of an image hashed: the whole picture (its PDQ), then the
 * centred parts keeping 95 % and 90 % of each side, so that the
 * near-duplicate search finds copies cropped by as much: PDQ itself
 * shifts by 30-70 bits under a 5 % crop. */
static const double crops[] = { 1.0, 0.95, 0.90 };

static const char *const no_patterns[] = { NULL };

typedef struct job {
	const exhibit_host_api *api;
	exhibit_host *host;
	const exhibit_item *item;
	decoder *dec;
	float *base, *luma, *scratch; /* PDQ_SIDE x PDQ_SIDE each */
	int rows, cols;               /* of the picture in base */
	int status;                  /* the worst EXHIBIT_* met */
} job;

static void problem(job *j, const decode_error *e)
{
	j->api->report_error(j->host, e->offset, e->message);
	j->status = media_worse(j->status, e->code);
}

/* load_current — the decoder's current picture, scaled, as luminance
 * in base. */
static int load_current(job *j)
{
	const uint8_t *rgb;
	ptrdiff_t stride;
	decode_error e;

	if (decoder_rgb(j->dec, PDQ_SIDE, &rgb, &j->cols, &j->rows, &stride, &e) != 0) {
		problem(j, &e);
		return -1;
	}
	pdq_luma_from_rgb24(rgb, j->rows, j->cols, stride, j->base);
	return 0;
}

/* hash_region — the PDQ of the centred part of base that keeps this
 * fraction of each side (1: the whole picture). */
static void hash_region(job *j, double keep, pdq_hash *hash, int *quality)
{
	int rows = (int)(j->rows * keep + 0.5), cols = (int)(j->cols * keep + 0.5);
	int top = (j->rows - rows) / 2, left = (j->cols - cols) / 2;

	rows = rows < 1 ? 1 : rows;
	cols = cols < 1 ? 1 : cols;
	for (int i = 0; i < rows; i++)
		memcpy(j->luma + (size_t)i * (size_t)cols,
		       j->base + (size_t)(top + i) * (size_t)j->cols + (size_t)left,
		       (size_t)cols * sizeof *j->luma);
	pdq_from_luma(j->luma, j->scratch, rows, cols, hash, quality);
}

static int emit_image(job *j, double crop, const pdq_hash *hash, int quality, int complete)
{
	exhibit_field f[] = {
		EXHIBIT_FIELD_REAL("crop", crop),
		{ "pdq", EXHIBIT_BLOB, 0, 0, NULL, hash->bytes, PDQ_BYTES },
		EXHIBIT_FIELD_INT("quality", quality),
		EXHIBIT_FIELD_INT("complete", complete),
	};

	return j->api->emit_record(j->host, "media_pdq", f, sizeof f / sizeof f[0]);
}

static int emit_frame(job *j, int index, double time_s, const pdq_hash *hash, int quality,
                      int complete)
{
	exhibit_field f[] = {
		EXHIBIT_FIELD_INT("frame", index),
		EXHIBIT_FIELD_REAL("time_s", time_s),
		{ "pdq", EXHIBIT_BLOB, 0, 0, NULL, hash->bytes, PDQ_BYTES },
		EXHIBIT_FIELD_INT("quality", quality),
		EXHIBIT_FIELD_INT("complete", complete),
	};

	return j->api->emit_record(j->host, "media_frames", f, sizeof f / sizeof f[0]);
}

static void hash_image(job *j)
{
	decoded_picture pic;
	decode_error damage, e;
	pdq_hash hash;
	int quality, rc;

	if (decoder_open_image(&j->dec, j->api, j->host, j->item, &decoder_image_limits, PDQ_SIDE,
	                       &pic, &damage, &e) != 0) {
		problem(j, &e);
		return;
	}
	if (damage.code) {
		decoder_report_concealed(j->api, j->host, &damage, "the PDQ describes that picture");
		j->status = media_worse(j->status, EXHIBIT_ERR_FORMAT);
	}
	if (load_current(j) < 0)
		return;
	if (pic.damaged && j->status == EXHIBIT_OK) {
		j->api->report_error(j->host, -1, "the picture was decoded with errors (damaged or "
		                     "cut data, concealed by the decoder): its PDQ describes what "
		                     "could be decoded");
		j->status = EXHIBIT_ERR_FORMAT;
	}
	for (size_t k = 0; k < sizeof crops / sizeof crops[0]; k++) {
		hash_region(j, crops[k], &hash, &quality);
		rc = emit_image(j, crops[k], &hash, quality, !pic.damaged);
		if (rc != EXHIBIT_OK) {
			j->status = media_worse(j->status, rc);
			break;
		}
	}
}

/* sample_video — one PDQ per sample time, in time order. */
static void hash_video(job *j)
{
	double duration = decoder_duration(j->dec);
	double interval = duration > VIDEO_SAMPLES * VIDEO_INTERVAL ? duration / VIDEO_SAMPLES
	                : VIDEO_INTERVAL;
	int seeking = duration > 0 && interval >= SEEK_INTERVAL;
	double next = 0, last = -1;
	int samples = 0, damaged = 0;
	decode_error damage;

	while (samples < VIDEO_SAMPLES) {
		decoded_picture pic;
		decode_error e;
		pdq_hash hash;
		int quality, rc;

		if (seeking && samples > 0 && decoder_seek(j->dec, next) < 0)
			seeking = 0; /* not seekable: go on in order */
		rc = decoder_next(j->dec, &pic, &e);
		while (rc == 0 && (pic.time_s < 0 ? samples > 0 && pic.time_s <= last
		                   : pic.time_s < next - TIME_TOLERANCE || pic.time_s <= last))
			rc = decoder_next(j->dec, &pic, &e);
		if (rc < 0) {
			problem(j, &e);
			break;
		}
		if (rc == 1)
			break;
		if (pic.time_s < 0) /* no timestamps: count the samples instead */
			pic.time_s = samples * interval;
		if (load_current(j) < 0)
			break;
		hash_region(j, 1.0, &hash, &quality);
		damaged += pic.damaged;
		rc = emit_frame(j, samples, pic.time_s, &hash, quality, !pic.damaged);
		if (rc != EXHIBIT_OK) {
			j->status = media_worse(j->status, rc);
			break;
		}
		samples++;
		last = pic.time_s;
		while (next <= last + TIME_TOLERANCE)
			next += interval;
	}
	if (decoder_damage(j->dec, &damage) != 0)
		problem(j, &damage);
	if (damaged) {
		char msg[160];
		snprintf(msg, sizeof msg, "%d of %d sampled frames were decoded with errors (damaged "
		         "data, concealed by the decoder)", damaged, samples);
		j->api->report_error(j->host, -1, msg);
		j->status = media_worse(j->status, EXHIBIT_ERR_FORMAT);
	}
	if (samples == 0 && j->status == EXHIBIT_OK) {
		j->api->report_error(j->host, -1, "no frame could be decoded from the video stream");
		j->status = EXHIBIT_ERR_FORMAT;
	}
}

static int analyze(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item)
{
	int video = item->mime_type && !strncmp(item->mime_type, "video/", 6);
	job j = { api, host, item, NULL, NULL, NULL, NULL, 0, 0, EXHIBIT_OK };
	decode_error e;

	j.base = malloc((size_t)PDQ_SIDE * PDQ_SIDE * sizeof *j.base);
	j.luma = malloc((size_t)PDQ_SIDE * PDQ_SIDE * sizeof *j.luma);
	j.scratch = malloc((size_t)PDQ_SIDE * PDQ_SIDE * sizeof *j.scratch);
	if (!j.base || !j.luma || !j.scratch) {
		api->report_error(host, -1, "out of memory");
		j.status = EXHIBIT_ERR;
	} else if (!video) {
		hash_image(&j);
	} else if (decoder_open(&j.dec, api, host, item, &decoder_video_limits, PDQ_SIDE, &e) != 0) {
		problem(&j, &e);
	} else {
		hash_video(&j);
	}
	free(j.base);
	free(j.luma);
	free(j.scratch);
	decoder_close(j.dec);
	return j.status;
}

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION,
	"media-pdq",
	"1.0",
	"Perceptual hashes (PDQ) of images and of video frames sampled every second, decoded "
	"with FFmpeg, for near-duplicate search",
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

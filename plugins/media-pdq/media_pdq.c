/*
 * media_pdq.c — the "media-pdq" analyzer plugin: perceptual hashes of
 * pictures and of video frames, for near-duplicate search.
 *
 * For every image it decodes the (first) picture with FFmpeg
 * (decoder.h), scales it to at most PDQ_SIDE pixels a side, and records
 *
 *   media_pdq     one row: the picture's PDQ hash (pdq.h) and quality,
 *                 and whether it decoded without damage;
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
#include "exhibit/plugin.h"
#include "pdq.h"

#define PDQ_SIDE 512             /* hashing.pdf: resize to 512 x 512 first */
#define VIDEO_SAMPLES 120        /* samples per video at most */
#define VIDEO_INTERVAL 1.0       /* seconds between samples, at least */
#define SEEK_INTERVAL 4.0        /* samples this far apart are reached by seeking */
#define TIME_TOLERANCE 0.001     /* a frame this much before a sample time is taken */

static const decode_limits image_limits = { 16, 20.0, 60.0 };
static const decode_limits video_limits = { 20000, 60.0, 180.0 };

static const char *const mime_types[] = {
	"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff",
	"image/heic", "image/heif", "image/avif",
	"video/mp4", "video/x-m4v", "video/quicktime", "video/3gpp", "video/3gpp2",
	"video/x-matroska", "video/webm", "video/x-msvideo", "video/x-flv", "video/mp2t",
	"video/x-ms-asf", NULL,
};

static const char *const no_patterns[] = { NULL };

typedef struct job {
	const exhibit_host_api *api;
	exhibit_host *host;
	decoder *dec;
	float *luma, *scratch;       /* PDQ_SIDE x PDQ_SIDE each */
	int status;                  /* the worst EXHIBIT_* met */
} job;

/* gravity — the order the media plugins rank problems in:
 * OK < FORMAT < LIMIT < READ < anything else. */
static int gravity(int code)
{
	switch (code) {
	case EXHIBIT_OK: return 0;
	case EXHIBIT_ERR_FORMAT: return 1;
	case EXHIBIT_ERR_LIMIT: return 2;
	case EXHIBIT_ERR_READ: return 3;
	default: return 4;
	}
}

static int worse(int a, int b)
{
	return gravity(b) > gravity(a) ? b : a;
}

static void problem(job *j, const decode_error *e)
{
	j->api->report_error(j->host, e->offset, e->message);
	j->status = worse(j->status, e->code);
}

/* hash_current — the PDQ of the decoder's current picture. */
static int hash_current(job *j, pdq_hash *hash, int *quality)
{
	const uint8_t *rgb;
	int w, h;
	ptrdiff_t stride;
	decode_error e;

	if (decoder_rgb(j->dec, PDQ_SIDE, &rgb, &w, &h, &stride, &e) != 0) {
		problem(j, &e);
		return -1;
	}
	pdq_luma_from_rgb24(rgb, h, w, stride, j->luma);
	pdq_from_luma(j->luma, j->scratch, h, w, hash, quality);
	return 0;
}

static int emit_image(job *j, const pdq_hash *hash, int quality, int complete)
{
	exhibit_field f[] = {
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
	decode_error e;
	pdq_hash hash;
	int quality, rc = decoder_next(j->dec, &pic, &e);

	if (rc < 0) {
		problem(j, &e);
		return;
	}
	if (rc == 1) {
		j->api->report_error(j->host, -1, "no picture could be decoded: the data ends or is "
		                     "damaged before the first one");
		j->status = worse(j->status, EXHIBIT_ERR_FORMAT);
		return;
	}
	if (hash_current(j, &hash, &quality) < 0)
		return;
	if (pic.damaged) {
		j->api->report_error(j->host, -1, "the picture was decoded with errors (damaged or "
		                     "cut data, concealed by the decoder): its PDQ describes what "
		                     "could be decoded");
		j->status = worse(j->status, EXHIBIT_ERR_FORMAT);
	}
	rc = emit_image(j, &hash, quality, !pic.damaged);
	if (rc != EXHIBIT_OK)
		j->status = worse(j->status, rc);
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
		if (hash_current(j, &hash, &quality) < 0)
			break;
		damaged += pic.damaged;
		rc = emit_frame(j, samples, pic.time_s, &hash, quality, !pic.damaged);
		if (rc != EXHIBIT_OK) {
			j->status = worse(j->status, rc);
			break;
		}
		samples++;
		last = pic.time_s;
		while (next <= last)
			next += interval;
	}
	if (damaged) {
		char msg[160];
		snprintf(msg, sizeof msg, "%d of %d sampled frames were decoded with errors (damaged "
		         "data, concealed by the decoder)", damaged, samples);
		j->api->report_error(j->host, -1, msg);
		j->status = worse(j->status, EXHIBIT_ERR_FORMAT);
	}
	if (samples == 0 && j->status == EXHIBIT_OK) {
		j->api->report_error(j->host, -1, "no frame could be decoded from the video stream");
		j->status = EXHIBIT_ERR_FORMAT;
	}
}

static int analyze(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item)
{
	int video = item->mime_type && !strncmp(item->mime_type, "video/", 6);
	job j = { api, host, NULL, NULL, NULL, EXHIBIT_OK };
	decode_error e;
	int rc;

	rc = decoder_open(&j.dec, api, host, item, video ? &video_limits : &image_limits, PDQ_SIDE,
	                  &e);
	if (rc != 0) {
		api->report_error(host, e.offset, e.message);
		return e.code;
	}
	j.luma = malloc((size_t)PDQ_SIDE * PDQ_SIDE * sizeof *j.luma);
	j.scratch = malloc((size_t)PDQ_SIDE * PDQ_SIDE * sizeof *j.scratch);
	if (!j.luma || !j.scratch) {
		api->report_error(host, -1, "out of memory");
		j.status = EXHIBIT_ERR;
	} else if (video) {
		hash_video(&j);
	} else {
		hash_image(&j);
	}
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

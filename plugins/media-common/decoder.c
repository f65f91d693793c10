/*
 * decoder.c — see decoder.h.  The item reaches FFmpeg through a custom
 * AVIOContext whose callbacks call the host's read(); every FFmpeg object
 * belongs to one decoder and one analyze() call.
 */
#include "decoder.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>

#include "picture_size.h"

#define AVIO_BUFFER (64 * 1024)
#define PROBE_BYTES (4 << 20)          /* stream analysis reads at most this */
#define ANALYZE_SECONDS 5
#define MAX_BAD_PACKETS 1000           /* packets the decoder refused, then give up */
#define MAX_ALLOCATION ((size_t)512 << 20) /* FFmpeg's largest single allocation */
#define RGB_ALIGN 32

/* rgb_line — bytes per RGB24 row of w pixels.  Room for w rounded up to
 * 16 pixels: swscale's SIMD YUV-to-RGB converts 8 pixels at a time and,
 * when a row has no room for the last group, leaves those pixels
 * unwritten (seen with FFmpeg 5.1: the last w % 8 columns were garbage). */
static int rgb_line(int w)
{
	return (3 * ((w + 15) / 16 * 16) + RGB_ALIGN - 1) / RGB_ALIGN * RGB_ALIGN;
}

struct decoder {
	const exhibit_host_api *api;
	exhibit_host *host;
	uint64_t size, pos, furthest;
	int read_failed;

	decode_limits limits;
	struct timespec cpu_start, wall_start;
	int over;                      /* 1: CPU budget spent, 2: wall-clock budget spent */

	AVFormatContext *fmt;
	AVIOContext *avio;
	AVCodecContext *dec;
	int stream;
	AVPacket *pkt;
	AVFrame *frame;
	struct SwsContext *sws;
	uint8_t *rgb;
	size_t rgb_size;

	unsigned decoded, bad_packets;
	int flushing;
	int64_t start_pts;

	/* damage met on the way, for decoder_damage() */
	int last_decode_error;         /* the decoder's last refusal (0: none) */
	uint64_t last_decode_offset;   /* and the bytes of that packet */
	uint64_t last_decode_end;
	int demux_error;               /* the container could not be read on (0: none) */
	uint64_t demux_offset;
};

/* ---------------------------------------------------------------- errors */

static int fail(decode_error *e, int code, int64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(decode_error *e, int code, int64_t offset, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->offset = offset;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return code;
}

static const char *av_text(int rc, char *buf, size_t len)
{
	if (av_strerror(rc, buf, len) < 0)
		snprintf(buf, len, "FFmpeg error %d", rc);
	return buf;
}

/* ---------------------------------------------------------------- budgets */

static double seconds_since(clockid_t clock, const struct timespec *start)
{
	struct timespec now;

	clock_gettime(clock, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* over_budget — 1 or 2 once a budget is spent (and from then on). */
static int over_budget(decoder *d)
{
	if (!d->over && seconds_since(CLOCK_THREAD_CPUTIME_ID, &d->cpu_start) > d->limits.cpu_seconds)
		d->over = 1;
	if (!d->over && seconds_since(CLOCK_MONOTONIC, &d->wall_start) > d->limits.wall_seconds)
		d->over = 2;
	return d->over;
}

static int budget_error(decoder *d, decode_error *e)
{
	return fail(e, EXHIBIT_ERR_LIMIT, (int64_t)d->furthest,
	            "decoding stopped: its %s budget of %.0f s was spent (near byte %llu)",
	            d->over == 1 ? "CPU" : "wall-clock",
	            d->over == 1 ? d->limits.cpu_seconds : d->limits.wall_seconds,
	            (unsigned long long)d->furthest);
}

static int interrupted(void *opaque)
{
	return over_budget(opaque) != 0;
}

/* ---------------------------------------------------------------- the item as FFmpeg input */

static int item_read(void *opaque, uint8_t *buf, int len)
{
	decoder *d = opaque;
	int64_t got;

	if (over_budget(d))
		return AVERROR_EXIT;
	if (d->pos >= d->size)
		return AVERROR_EOF;
	got = d->api->read(d->host, d->pos, buf, (size_t)len);
	if (got < 0) {
		d->read_failed = 1;
		return AVERROR(EIO);
	}
	if (got == 0)
		return AVERROR_EOF;
	d->pos += (uint64_t)got;
	if (d->pos > d->furthest)
		d->furthest = d->pos;
	return (int)got;
}

static int64_t item_seek(void *opaque, int64_t offset, int whence)
{
	decoder *d = opaque;
	int64_t target;

	whence &= ~AVSEEK_FORCE;
	if (whence == AVSEEK_SIZE)
		return (int64_t)d->size;
	if (whence == SEEK_SET)
		target = offset;
	else if (whence == SEEK_CUR)
		target = (int64_t)d->pos + offset;
	else if (whence == SEEK_END)
		target = (int64_t)d->size + offset;
	else
		return AVERROR(EINVAL);
	if (target < 0 || (uint64_t)target > d->size)
		return AVERROR(EINVAL);
	d->pos = (uint64_t)target;
	return target;
}

static int64_t header_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	decoder *d = ctx;

	return d->api->read(d->host, offset, buf, len);
}

/* refuse_open — a demuxer asking for another file (a data reference, a
 * playlist entry) gets nothing: the item alone is evidence here. */
static int refuse_open(AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
                       AVDictionary **options)
{
	(void)s;
	(void)url;
	(void)flags;
	(void)options;
	*pb = NULL;
	return AVERROR(EPERM);
}

/* ---------------------------------------------------------------- what may run */

/* The demuxer of each sniffed type (core/sniff.c names them). */
static const struct {
	const char *mime_type;
	const char *demuxer;
} demuxers[] = {
	{ "image/jpeg", "jpeg_pipe" }, { "image/png", "png_pipe" }, { "image/gif", "gif" },
	{ "image/webp", "webp_pipe" }, { "image/bmp", "bmp_pipe" }, { "image/tiff", "tiff_pipe" },
	{ "image/heic", "mov" }, { "image/heif", "mov" }, { "image/avif", "mov" },
	{ "video/mp4", "mov" }, { "video/x-m4v", "mov" }, { "video/quicktime", "mov" },
	{ "video/3gpp", "mov" }, { "video/3gpp2", "mov" },
	{ "video/x-matroska", "matroska" }, { "video/webm", "matroska" },
	{ "video/x-msvideo", "avi" }, { "video/x-flv", "flv" }, { "video/mp2t", "mpegts" },
	{ "video/x-ms-asf", "asf" },
};

/* Picture codecs whose decoders may run. */
static const enum AVCodecID picture_codecs[] = {
	AV_CODEC_ID_MJPEG, AV_CODEC_ID_PNG, AV_CODEC_ID_APNG, AV_CODEC_ID_GIF, AV_CODEC_ID_BMP,
	AV_CODEC_ID_TIFF, AV_CODEC_ID_WEBP,
	AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_MPEG4, AV_CODEC_ID_MPEG1VIDEO,
	AV_CODEC_ID_MPEG2VIDEO, AV_CODEC_ID_H263, AV_CODEC_ID_H263P, AV_CODEC_ID_FLV1,
	AV_CODEC_ID_VP6F, AV_CODEC_ID_VP6, AV_CODEC_ID_VP6A, AV_CODEC_ID_VP8, AV_CODEC_ID_VP9,
	AV_CODEC_ID_AV1, AV_CODEC_ID_WMV1, AV_CODEC_ID_WMV2, AV_CODEC_ID_WMV3, AV_CODEC_ID_VC1,
	AV_CODEC_ID_MSMPEG4V1, AV_CODEC_ID_MSMPEG4V2, AV_CODEC_ID_MSMPEG4V3, AV_CODEC_ID_THEORA,
	AV_CODEC_ID_PRORES, AV_CODEC_ID_SVQ1, AV_CODEC_ID_SVQ3, AV_CODEC_ID_CINEPAK,
	AV_CODEC_ID_MJPEGB, AV_CODEC_ID_DNXHD, AV_CODEC_ID_RAWVIDEO,
};

#define N_CODECS (sizeof picture_codecs / sizeof picture_codecs[0])

static const char *demuxer_for(const char *mime_type)
{
	for (size_t i = 0; mime_type && i < sizeof demuxers / sizeof demuxers[0]; i++)
		if (!strcmp(demuxers[i].mime_type, mime_type))
			return demuxers[i].demuxer;
	return NULL;
}

static int codec_allowed(enum AVCodecID id)
{
	for (size_t i = 0; i < N_CODECS; i++)
		if (picture_codecs[i] == id)
			return 1;
	return 0;
}

/* codec_whitelist — the decoder names of picture_codecs, comma-separated,
 * for FFmpeg's own check (stream analysis opens decoders too). */
static char *codec_whitelist(void)
{
	char list[2048] = "";

	for (size_t i = 0; i < N_CODECS; i++) {
		const AVCodec *c = avcodec_find_decoder(picture_codecs[i]);
		if (c && strlen(list) + strlen(c->name) + 2 < sizeof list) {
			if (list[0])
				strcat(list, ",");
			strcat(list, c->name);
		}
	}
	return av_strdup(list);
}

/* ---------------------------------------------------------------- opening */

static int open_container(decoder *d, const char *demuxer, int is_video, decode_error *e)
{
	const AVInputFormat *format = av_find_input_format(demuxer);
	unsigned char *buffer = av_malloc(AVIO_BUFFER);
	char text[128];
	int rc;

	d->fmt = avformat_alloc_context();
	if (!format || !buffer || !d->fmt) {
		av_free(buffer);
		return fail(e, EXHIBIT_ERR, -1, "cannot open FFmpeg's %s demuxer%s", demuxer,
		            format ? " (out of memory)" : ": this FFmpeg build lacks it");
	}
	d->avio = avio_alloc_context(buffer, AVIO_BUFFER, 0, d, item_read, NULL, item_seek);
	if (!d->avio) {
		av_free(buffer);
		return fail(e, EXHIBIT_ERR, -1, "out of memory");
	}
	d->fmt->pb = d->avio;
	d->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
	d->fmt->interrupt_callback.callback = interrupted;
	d->fmt->interrupt_callback.opaque = d;
	d->fmt->io_open = refuse_open;
	d->fmt->protocol_whitelist = av_strdup("none");
	d->fmt->format_whitelist = av_strdup(demuxer);
	d->fmt->codec_whitelist = codec_whitelist();
	d->fmt->max_streams = DECODE_MAX_STREAMS;
	d->fmt->probesize = PROBE_BYTES;
	d->fmt->max_analyze_duration = (int64_t)ANALYZE_SECONDS * AV_TIME_BASE;
	rc = avformat_open_input(&d->fmt, "", format, NULL);
	if (rc < 0) /* the context is freed; our I/O context is not */
		return over_budget(d) ? budget_error(d, e)
		     : fail(e, d->read_failed ? EXHIBIT_ERR_READ : EXHIBIT_ERR_FORMAT, (int64_t)d->furthest,
		            "not a readable %s file (FFmpeg's %s demuxer, near byte %llu): %s",
		            demuxer, demuxer, (unsigned long long)d->furthest,
		            av_text(rc, text, sizeof text));
	if (is_video) {
		rc = avformat_find_stream_info(d->fmt, NULL);
		if (rc < 0 && over_budget(d))
			return budget_error(d, e);
		/* Otherwise go on: the headers may still say enough to decode. */
	}
	return 0;
}

/* pick_stream — the first picture stream that is not cover art, else
 * the first picture stream; every other stream is discarded. */
static int pick_stream(decoder *d)
{
	int chosen = -1, cover = -1;

	for (unsigned i = 0; i < d->fmt->nb_streams; i++) {
		const AVStream *st = d->fmt->streams[i];

		if (st->codecpar->codec_type != AVMEDIA_TYPE_VIDEO)
			continue;
		if (st->disposition & AV_DISPOSITION_ATTACHED_PIC) {
			if (cover < 0)
				cover = (int)i;
		} else if (chosen < 0) {
			chosen = (int)i;
		}
	}
	if (chosen < 0)
		chosen = cover;
	for (unsigned i = 0; i < d->fmt->nb_streams; i++)
		if ((int)i != chosen)
			d->fmt->streams[i]->discard = AVDISCARD_ALL;
	return chosen;
}

/* choose_lowres — for a JPEG stated as w x h: the reduced scale (0..3)
 * that keeps both sides at least want_scale, and more if needed to bring
 * the decoded picture under DECODE_MAX_PIXELS; -1 when even 1/8 is too
 * large. */
static int choose_lowres(int64_t w, int64_t h, int want_scale, int max_lowres)
{
	int lowres = 0;

	while (lowres < max_lowres && (w >> (lowres + 1)) >= want_scale &&
	       (h >> (lowres + 1)) >= want_scale)
		lowres++;
	if (w > DECODE_MAX_JPEG_PIXELS || h > DECODE_MAX_JPEG_PIXELS)
		return -1;
	while ((w >> lowres) * (h >> lowres) > DECODE_MAX_PIXELS) {
		if (lowres == max_lowres)
			return -1;
		lowres++;
	}
	return lowres;
}

static int open_decoder(decoder *d, const exhibit_item *item, int want_scale, decode_error *e)
{
	const AVStream *st = d->fmt->streams[d->stream];
	const AVCodecParameters *par = st->codecpar;
	const AVCodec *codec;
	AVDictionary *opts = NULL;
	char text[128], *whitelist;
	int64_t w = par->width, h = par->height;
	int lowres = 0, rc;

	if (!codec_allowed(par->codec_id))
		return fail(e, EXHIBIT_ERR_FORMAT, -1, "the picture stream's codec (%s) is not one "
		            "this plugin decodes", avcodec_get_name(par->codec_id));
	codec = avcodec_find_decoder(par->codec_id);
	if (!codec)
		return fail(e, EXHIBIT_ERR_FORMAT, -1, "this FFmpeg build has no %s decoder",
		            avcodec_get_name(par->codec_id));
	{
		int64_t sw, sh;
		uint64_t bad;
		int stated = picture_size(item->mime_type, header_read, d, d->size, &sw, &sh, &bad);

		if (stated < 0)
			return fail(e, EXHIBIT_ERR_FORMAT, (int64_t)bad, "%s: no picture header (%s) "
			            "before byte %llu: damaged, cut, or not such a file", item->mime_type,
			            !strcmp(item->mime_type, "image/jpeg") ? "SOF" : "size",
			            (unsigned long long)bad);
		if (stated == 0) {
			w = sw;
			h = sh;
		}
	}
	if (par->codec_id == AV_CODEC_ID_MJPEG) {
		lowres = choose_lowres(w, h, want_scale, codec->max_lowres);
		if (lowres < 0)
			return fail(e, EXHIBIT_ERR_LIMIT, -1, "the JPEG claims %lld x %lld pixels, more "
			            "than %lld even at 1/8 scale", (long long)w, (long long)h,
			            DECODE_MAX_PIXELS);
	} else if (w > DECODE_MAX_PIXELS || h > DECODE_MAX_PIXELS || w * h > DECODE_MAX_PIXELS) {
		return fail(e, EXHIBIT_ERR_LIMIT, -1, "the picture claims %lld x %lld pixels, more "
		            "than the limit of %lld", (long long)w, (long long)h, DECODE_MAX_PIXELS);
	}
	d->dec = avcodec_alloc_context3(codec);
	if (!d->dec || avcodec_parameters_to_context(d->dec, par) < 0)
		return fail(e, EXHIBIT_ERR, -1, "out of memory");
	d->dec->thread_count = 1; /* a plugin starts no thread */
	d->dec->pkt_timebase = st->time_base;
	d->dec->lowres = lowres;
	d->dec->max_pixels = DECODE_MAX_PIXELS << (2 * lowres);
	if (d->limits.strict)
		d->dec->err_recognition |= AV_EF_EXPLODE;
	whitelist = codec_whitelist();
	if (whitelist)
		av_dict_set(&opts, "codec_whitelist", whitelist, AV_DICT_DONT_STRDUP_VAL);
	rc = avcodec_open2(d->dec, codec, &opts);
	av_dict_free(&opts);
	if (rc < 0)
		return fail(e, EXHIBIT_ERR_FORMAT, -1, "cannot open the %s decoder: %s", codec->name,
		            av_text(rc, text, sizeof text));
	return 0;
}

int decoder_open(decoder **out, const exhibit_host_api *api, exhibit_host *host,
                 const exhibit_item *item, const decode_limits *limits, int want_scale,
                 decode_error *e)
{
	const char *demuxer = demuxer_for(item->mime_type);
	decoder *d;
	int rc;

	*out = NULL;
	if (!demuxer)
		return fail(e, EXHIBIT_ERR_FORMAT, -1, "no demuxer for type %s",
		            item->mime_type ? item->mime_type : "(none)");
	/* FFmpeg's log and allocation cap are process-wide settings; every
	 * caller wants the same (silence, and no single huge allocation), so
	 * setting them again on each call is harmless. */
	av_log_set_level(AV_LOG_QUIET);
	av_max_alloc(MAX_ALLOCATION);
	d = av_mallocz(sizeof *d);
	if (!d)
		return fail(e, EXHIBIT_ERR, -1, "out of memory");
	d->api = api;
	d->host = host;
	d->size = item->size;
	d->limits = *limits;
	d->stream = -1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &d->cpu_start);
	clock_gettime(CLOCK_MONOTONIC, &d->wall_start);
	rc = open_container(d, demuxer, !strncmp(item->mime_type, "video/", 6), e);
	if (rc == 0 && (d->stream = pick_stream(d)) < 0)
		rc = fail(e, EXHIBIT_ERR_FORMAT, -1, "no picture stream (FFmpeg's %s demuxer found %u "
		          "stream%s%s)", demuxer, d->fmt->nb_streams, d->fmt->nb_streams == 1 ? "" : "s",
		          !strcmp(demuxer, "mov") && !strncmp(item->mime_type, "image/", 6)
		          ? "; HEIF/AVIF still images are beyond this FFmpeg" : "");
	if (rc == 0)
		rc = open_decoder(d, item, want_scale, e);
	if (rc == 0 && (!(d->pkt = av_packet_alloc()) || !(d->frame = av_frame_alloc())))
		rc = fail(e, EXHIBIT_ERR, -1, "out of memory");
	if (rc != 0) {
		decoder_close(d);
		return rc;
	}
	{
		const AVStream *st = d->fmt->streams[d->stream];
		d->start_pts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
	}
	*out = d;
	return 0;
}

void decoder_close(decoder *d)
{
	if (!d)
		return;
	sws_freeContext(d->sws);
	av_free(d->rgb);
	av_frame_free(&d->frame);
	av_packet_free(&d->pkt);
	avcodec_free_context(&d->dec);
	avformat_close_input(&d->fmt);
	if (d->avio) {
		av_freep(&d->avio->buffer);
		avio_context_free(&d->avio);
	}
	av_free(d);
}

double decoder_duration(const decoder *d)
{
	const AVStream *st = d->fmt->streams[d->stream];

	if (st->duration > 0 && st->time_base.num > 0)
		return (double)st->duration * av_q2d(st->time_base);
	if (d->fmt->duration > 0)
		return (double)d->fmt->duration / AV_TIME_BASE;
	return -1;
}

unsigned decoder_frames_decoded(const decoder *d)
{
	return d->decoded;
}

/* ---------------------------------------------------------------- decoding */

static void describe(decoder *d, decoded_picture *pic)
{
	const AVStream *st = d->fmt->streams[d->stream];
	int64_t ts = d->frame->best_effort_timestamp;

	pic->time_s = ts == AV_NOPTS_VALUE || st->time_base.num <= 0 ? -1
	            : (double)(ts - d->start_pts) * av_q2d(st->time_base);
	pic->damaged = d->frame->decode_error_flags != 0 || (d->frame->flags & AV_FRAME_FLAG_CORRUPT);
	pic->width = d->frame->width;
	pic->height = d->frame->height;
}

int decoder_next(decoder *d, decoded_picture *pic, decode_error *e)
{
	char text[128];
	int rc;

	for (;;) {
		if (over_budget(d))
			return budget_error(d, e);
		rc = avcodec_receive_frame(d->dec, d->frame);
		if (rc == 0) {
			if (++d->decoded > d->limits.max_frames)
				return fail(e, EXHIBIT_ERR_LIMIT, (int64_t)d->furthest, "decoding stopped "
				            "after %u pictures, the limit (near byte %llu)",
				            d->limits.max_frames, (unsigned long long)d->furthest);
			if (d->frame->width <= 0 || d->frame->height <= 0)
				continue;
			describe(d, pic);
			return 0;
		}
		if (rc == AVERROR_EOF)
			return 1;
		if (rc != AVERROR(EAGAIN))
			return fail(e, EXHIBIT_ERR_FORMAT, (int64_t)d->furthest, "the %s decoder %s "
			            "near byte %llu: %s", d->dec->codec->name,
			            d->limits.strict ? "found damage" : "failed",
			            (unsigned long long)d->furthest, av_text(rc, text, sizeof text));
		if (d->flushing)
			return 1;
		rc = av_read_frame(d->fmt, d->pkt);
		if (rc < 0) {
			if (over_budget(d))
				return budget_error(d, e);
			if (d->read_failed)
				return fail(e, EXHIBIT_ERR_READ, (int64_t)d->furthest, "the item could "
				            "not be read near byte %llu", (unsigned long long)d->furthest);
			/* The end, or damage the demuxer cannot pass: decode what is
			 * buffered. */
			if (rc != AVERROR_EOF && !d->demux_error) {
				d->demux_error = rc;
				d->demux_offset = d->furthest;
			}
			d->flushing = 1;
			avcodec_send_packet(d->dec, NULL);
			continue;
		}
		if (d->pkt->stream_index == d->stream) {
			rc = avcodec_send_packet(d->dec, d->pkt);
			if (rc < 0 && rc != AVERROR(EAGAIN)) {
				d->last_decode_error = rc;
				d->last_decode_offset = d->pkt->pos >= 0 ? (uint64_t)d->pkt->pos : d->furthest;
				d->last_decode_end = d->last_decode_offset + (uint64_t)d->pkt->size;
				if (d->limits.strict) {
					av_packet_unref(d->pkt);
					return fail(e, EXHIBIT_ERR_FORMAT, (int64_t)d->last_decode_offset,
					            "the %s decoder found damage in the data at bytes %llu-%llu: %s",
					            d->dec->codec->name,
					            (unsigned long long)d->last_decode_offset,
					            (unsigned long long)d->last_decode_end,
					            av_text(rc, text, sizeof text));
				}
			}
			if (rc < 0 && rc != AVERROR(EAGAIN) && ++d->bad_packets > MAX_BAD_PACKETS) {
				av_packet_unref(d->pkt);
				return fail(e, EXHIBIT_ERR_FORMAT, (int64_t)d->furthest, "the %s decoder "
				            "refused %u packets (last near byte %llu): %s",
				            d->dec->codec->name, d->bad_packets,
				            (unsigned long long)d->furthest, av_text(rc, text, sizeof text));
			}
		}
		av_packet_unref(d->pkt);
	}
}

int decoder_seek(decoder *d, double time_s)
{
	const AVStream *st = d->fmt->streams[d->stream];
	int64_t ts;

	if (st->time_base.num <= 0 || time_s < 0 || time_s > 1e9)
		return -1;
	ts = d->start_pts + (int64_t)(time_s / av_q2d(st->time_base));
	if (av_seek_frame(d->fmt, d->stream, ts, AVSEEK_FLAG_BACKWARD) < 0)
		return -1;
	avcodec_flush_buffers(d->dec);
	d->flushing = 0;
	return 0;
}

static int full_range(const AVFrame *f)
{
	return f->color_range == AVCOL_RANGE_JPEG || f->format == AV_PIX_FMT_YUVJ420P ||
	       f->format == AV_PIX_FMT_YUVJ422P || f->format == AV_PIX_FMT_YUVJ444P ||
	       f->format == AV_PIX_FMT_YUVJ440P || f->format == AV_PIX_FMT_YUVJ411P;
}

int decoder_rgb(decoder *d, int max_side, const uint8_t **rgb, int *width, int *height,
                ptrdiff_t *stride, decode_error *e)
{
	const AVFrame *f = d->frame;
	int longer = f->width > f->height ? f->width : f->height;
	int w = f->width, h = f->height;
	int line = rgb_line(w);
	size_t need = (size_t)line * (size_t)h + RGB_ALIGN;
	uint8_t *dst[4] = { NULL };
	int dst_stride[4] = { line, 0, 0, 0 };
	int spc = f->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT;

	if (longer > max_side) { /* fit, keeping the shape */
		w = (int)((double)f->width * max_side / longer + 0.5);
		h = (int)((double)f->height * max_side / longer + 0.5);
		w = w < 1 ? 1 : w;
		h = h < 1 ? 1 : h;
		line = rgb_line(w);
		need = (size_t)line * (size_t)h + RGB_ALIGN;
	}
	d->sws = sws_getCachedContext(d->sws, f->width, f->height, (enum AVPixelFormat)f->format,
	                              w, h, AV_PIX_FMT_RGB24, SWS_AREA, NULL, NULL, NULL);
	if (!d->sws)
		return fail(e, EXHIBIT_ERR_FORMAT, -1, "cannot convert %dx%d pictures of pixel "
		            "format %s to RGB", f->width, f->height,
		            av_get_pix_fmt_name((enum AVPixelFormat)f->format)
		            ? av_get_pix_fmt_name((enum AVPixelFormat)f->format) : "(unknown)");
	/* YUV sources: the range and matrix the frame states (fails harmlessly
	 * for RGB and palette sources). */
	sws_setColorspaceDetails(d->sws, sws_getCoefficients(spc), full_range(f),
	                         sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
	if (need > d->rgb_size) {
		av_free(d->rgb);
		d->rgb_size = 0;
		if (!(d->rgb = av_malloc(need)))
			return fail(e, EXHIBIT_ERR, -1, "out of memory");
		d->rgb_size = need;
	}
	dst[0] = d->rgb;
	dst_stride[0] = line;
	if (sws_scale(d->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst,
	              dst_stride) != h)
		return fail(e, EXHIBIT_ERR_FORMAT, -1, "cannot convert the %dx%d picture to RGB",
		            f->width, f->height);
	*rgb = d->rgb;
	*width = w;
	*height = h;
	*stride = line;
	return 0;
}

#ifdef FUZZ_BUDGET /* the fuzz build: a slow input is a limit, not a timeout */
#define IMAGE_CPU FUZZ_BUDGET
#define VIDEO_CPU FUZZ_BUDGET
#else
#define IMAGE_CPU 20.0
#define VIDEO_CPU 60.0
#endif
const decode_limits decoder_image_limits = { 16, IMAGE_CPU, 60.0, 1 };
const decode_limits decoder_video_limits = { 20000, VIDEO_CPU, 180.0, 0 };

const char *const decoder_mime_types[] = {
	"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff",
	"image/heic", "image/heif", "image/avif",
	"video/mp4", "video/x-m4v", "video/quicktime", "video/3gpp", "video/3gpp2",
	"video/x-matroska", "video/webm", "video/x-msvideo", "video/x-flv", "video/mp2t",
	"video/x-ms-asf", NULL,
};

/* first_picture — open the item and decode its first picture with
 * limits; 0 with it current, else the code with e filled. */
static int first_picture(decoder **d, const exhibit_host_api *api, exhibit_host *host,
                         const exhibit_item *item, const decode_limits *limits, int want_scale,
                         decoded_picture *pic, decode_error *e)
{
	int rc;

	decoder_close(*d);
	*d = NULL;
	rc = decoder_open(d, api, host, item, limits, want_scale, e);
	if (rc != 0)
		return rc;
	rc = decoder_next(*d, pic, e);
	if (rc == 1 && decoder_damage(*d, e) == 0) {
		e->code = EXHIBIT_ERR_FORMAT;
		e->offset = -1;
		snprintf(e->message, sizeof e->message, "no picture could be decoded: the data ends "
		         "before the first one is whole");
	}
	return rc;
}

int decoder_open_image(decoder **d, const exhibit_host_api *api, exhibit_host *host,
                       const exhibit_item *item, const decode_limits *limits, int want_scale,
                       decoded_picture *pic, decode_error *damage, decode_error *e)
{
	decode_limits lenient = *limits;
	decode_error second;
	int rc;

	damage->code = 0;
	rc = first_picture(d, api, host, item, limits, want_scale, pic, e);

	if (rc == 0 || e->code != EXHIBIT_ERR_FORMAT || !*d || !limits->strict)
		return rc;
	lenient.strict = 0;
	if (first_picture(d, api, host, item, &lenient, want_scale, pic, &second) != 0)
		return rc; /* what the strict pass met says most */
	*damage = *e;
	pic->damaged = 1;
	return 0;
}

int decoder_damage(const decoder *d, decode_error *e)
{
	char text[128];

	if (d->demux_error)
		return fail(e, EXHIBIT_ERR_FORMAT, (int64_t)d->demux_offset, "the container could not "
		            "be read past byte %llu (%s): what follows was not decoded",
		            (unsigned long long)d->demux_offset, av_text(d->demux_error, text, sizeof text));
	if (d->bad_packets)
		return fail(e, EXHIBIT_ERR_FORMAT, (int64_t)d->last_decode_offset, "%u packet%s of the "
		            "picture stream could not be decoded (the last at bytes %llu-%llu: %s)",
		            d->bad_packets, d->bad_packets == 1 ? "" : "s",
		            (unsigned long long)d->last_decode_offset,
		            (unsigned long long)d->last_decode_end,
		            av_text(d->last_decode_error, text, sizeof text));
	return 0;
}

void decoder_report_concealed(const exhibit_host_api *api, exhibit_host *host,
                              const decode_error *damage, const char *result)
{
	char msg[400];

	snprintf(msg, sizeof msg, "%s; decoded again with the damage concealed: %s",
	         damage->message, result);
	api->report_error(host, damage->offset, msg);
}

/*
 * check_video_metadata.c — unit tests of the video-metadata plugin,
 * through the stub host.
 *
 * Three kinds of input:
 *   - the shared corpus (MANIFEST.md): IPED's FLV (256x144, 36.931 s, as
 *     IPED's test asserts) and MP4, and every video of filetype/ and
 *     iped/ compared with ffprobe; skipped with a SKIP line when the
 *     corpus is absent;
 *   - the committed seeds of the media fuzz targets (tests/fuzz/corpus,
 *     made by ffmpeg -bitexact with known metadata: places, Apple keys,
 *     creation times, make and model), compared with ffprobe and with what
 *     their maker wrote into them;
 *   - hostile variants built here: truncated at many points, sizes that
 *     lie (10 GB claimed in a 1 KB file, 64-bit sizes, sizes below a
 *     header), deep nesting, absurd counts.  These always run.
 */
#include <check.h>

#include "check_run.h"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "media_test_support.h"
#include "sniff.h"

#ifndef EXHIBIT_SOURCE_DIR
#define EXHIBIT_SOURCE_DIR "."
#endif

#define NEAR(a, b, eps) (fabs((a) - (b)) <= (eps))

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* The MIME type the host would sniff for these bytes. */
static const char *sniffed(const unsigned char *data, size_t len)
{
	return sniff_content(data, len < SNIFF_HEAD_BYTES ? len : SNIFF_HEAD_BYTES, len)->mime_type;
}

static bool accepted(const char *mime)
{
	for (const char *const *t = plugin()->mime_types; *t; t++)
		if (!strcmp(*t, mime))
			return true;
	return false;
}

typedef struct sample {
	unsigned char *data;
	size_t len;
	char path[2048];
} sample;

static bool load(sample *s, const char *dir, const char *name)
{
	snprintf(s->path, sizeof s->path, "%s/%s", dir, name);
	s->data = read_whole(s->path, &s->len);
	return s->data != NULL;
}

static exhibit_host *analyze_sample(const sample *s, int *rc)
{
	return analyze_bytes(plugin(), sniffed(s->data, s->len), s->data, s->len, rc);
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- comparing with ffprobe ------------------------------------------------ */

/* Our records of a file against ffprobe's: duration, the size of the first
 * video stream, and the codec of every video and audio stream in order. */
static void compare_with_ffprobe(const sample *s)
{
	probe pr;
	int rc;
	exhibit_host *host;
	const stub_record *m;
	double ours;
	size_t next_video = 0, next_audio = 0;

	ck_assert_msg(ffprobe_run(s->path, &pr), "ffprobe failed on %s", s->path);
	host = analyze_sample(s, &rc);
	m = media_record(host);
	check_records_match_schema(host);
	if (pr.has_duration) {
		ck_assert_msg(field_real(m, "duration_s", &ours), "%s: no duration", s->path);
		ck_assert_msg(duration_close(ours, pr.duration), "%s: duration %.6f, ffprobe %.6f",
		              s->path, ours, pr.duration);
	}
	for (size_t i = 0; i < pr.n_streams; i++) {
		const probe_stream *ps = &pr.streams[i];
		const stub_record *st = NULL;
		int64_t w = 0, h = 0;
		size_t *cursor = !strcmp(ps->type, "video") ? &next_video : &next_audio;
		if (strcmp(ps->type, "video") && strcmp(ps->type, "audio"))
			continue;
		/* the next of our streams of the same kind: containers list kinds
		 * in their own order (FLV's audio tag may come first) */
		while (*cursor < stub_host_record_count(host, "media_streams")) {
			const stub_record *cand = stub_host_record(host, "media_streams", (*cursor)++);
			if (!strcmp(field_text(cand, "kind"), ps->type)) {
				st = cand;
				break;
			}
		}
		ck_assert_msg(st, "%s: ffprobe's %s stream %zu is missing", s->path, ps->type, i);
		ck_assert_msg(field_text(st, "codec") && !strcmp(field_text(st, "codec"), ps->codec),
		              "%s: stream %zu codec %s, ffprobe %s", s->path, i,
		              field_text(st, "codec") ? field_text(st, "codec") : "(none)", ps->codec);
		if (!strcmp(ps->type, "video")) {
			field_int(st, "width", &w);
			field_int(st, "height", &h);
			ck_assert_msg(w == ps->width && h == ps->height, "%s: %lldx%lld, ffprobe %lldx%lld",
			              s->path, (long long)w, (long long)h, (long long)ps->width,
			              (long long)ps->height);
		}
	}
	stub_host_free(host);
}

/* Every file of dir the plugin accepts (by its sniffed type) against
 * ffprobe; RETURN how many. */
static int compare_directory(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		sample s;
		if (e->d_name[0] == '.' || !load(&s, dir, e->d_name))
			continue;
		if (accepted(sniffed(s.data, s.len))) {
			compare_with_ffprobe(&s);
			n++;
		}
		free(s.data);
	}
	closedir(d);
	return n;
}

START_TEST(corpus_videos_agree_with_ffprobe)
{
	char dir[1024];
	int n = 0;

	if (!ffprobe_available()) {
		printf("SKIP: ffprobe is not installed (Debian package ffmpeg)\n");
		return;
	}
	snprintf(dir, sizeof dir, "%s/filetype", corpus_dir());
	if (access(dir, R_OK | X_OK) != 0) {
		printf("SKIP: the corpus is not at %s (set EXHIBIT_CORPUS)\n", corpus_dir());
		return;
	}
	n += compare_directory(dir);
	snprintf(dir, sizeof dir, "%s/iped", corpus_dir());
	n += compare_directory(dir);
	/* filetype: mkv, mov, mp4, webm; iped: flv, mp4 */
	ck_assert_int_ge(n, 6);
}
END_TEST

START_TEST(seed_videos_agree_with_ffprobe)
{
	static const char *const targets[] = { "isobmff", "matroska", "riff", "flv", "mpegts", "asf" };
	char dir[1024];
	int n = 0;

	if (!ffprobe_available()) {
		printf("SKIP: ffprobe is not installed (Debian package ffmpeg)\n");
		return;
	}
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", EXHIBIT_SOURCE_DIR, targets[i]);
		n += compare_directory(dir);
	}
	ck_assert_int_ge(n, 13);
}
END_TEST

/* ---- the corpus, as its authors state it ----------------------------------- */

START_TEST(iped_flv_as_iped_asserts)
{
	sample s;
	int rc;
	exhibit_host *host;
	const stub_record *m;
	int64_t w, h;
	double d;

	if (!load(&s, corpus_dir(), "iped/test_videoFlv.flv")) {
		printf("SKIP: %s is absent (set EXHIBIT_CORPUS)\n", s.path);
		return;
	}
	host = analyze_sample(&s, &rc);
	ck_assert_int_eq(rc, EXHIBIT_OK);
	m = media_record(host);
	ck_assert_str_eq(field_text(m, "container"), "flv");
	ck_assert_str_eq(field_text(m, "codec"), "flv1"); /* videocodecid 2: Sorenson H.263 */
	ck_assert(field_int(m, "width", &w) && w == 256);
	ck_assert(field_int(m, "height", &h) && h == 144);
	ck_assert(field_real(m, "duration_s", &d) && NEAR(d, 36.931, 1e-9));
	ck_assert_str_eq(tag_value(host, "amf0", "videocodecid"), "2");
	ck_assert_uint_eq(stub_host_error_count(host), 0);
	check_records_match_schema(host);
	stub_host_free(host);
	free(s.data);
}
END_TEST

/* Insert a udta box holding ©xyz text at the end of the moov box. */
static unsigned char *with_location(const sample *s, const char *iso6709, size_t *len)
{
	size_t text = strlen(iso6709), xyz = 8 + 4 + text, udta = 8 + xyz, moov_at = 0, moov_len = 0;
	unsigned char *out;
	size_t at = 0;

	while (at + 8 <= s->len) { /* find moov among the top-level boxes */
		size_t size = (size_t)s->data[at] << 24 | s->data[at + 1] << 16 | s->data[at + 2] << 8 |
		              s->data[at + 3];
		if (!memcmp(s->data + at + 4, "moov", 4)) {
			moov_at = at;
			moov_len = size;
			break;
		}
		at += size;
	}
	ck_assert_uint_gt(moov_len, 0);
	out = malloc(s->len + udta);
	memcpy(out, s->data, moov_at + moov_len);
	at = moov_at + moov_len;
	out[at] = 0, out[at + 1] = 0, out[at + 2] = 0, out[at + 3] = (unsigned char)udta;
	memcpy(out + at + 4, "udta", 4);
	out[at + 8] = 0, out[at + 9] = 0, out[at + 10] = 0, out[at + 11] = (unsigned char)xyz;
	memcpy(out + at + 12, "\xa9xyz", 4);
	out[at + 16] = 0, out[at + 17] = (unsigned char)text, out[at + 18] = 0x15,
	out[at + 19] = 0xc7;
	memcpy(out + at + 20, iso6709, text);
	memcpy(out + at + udta, s->data + moov_at + moov_len, s->len - moov_at - moov_len);
	moov_len += udta;
	out[moov_at] = (unsigned char)(moov_len >> 24);
	out[moov_at + 1] = (unsigned char)(moov_len >> 16);
	out[moov_at + 2] = (unsigned char)(moov_len >> 8);
	out[moov_at + 3] = (unsigned char)moov_len;
	*len = s->len + udta;
	return out;
}

/*
 * MANIFEST.md says IPED's EmptyVideoParserTest asserts LATITUDE +48.8577
 * and LONGITUDE +002.295 for test_videoMp4.mp4.  That test hands its
 * ISO6709Converter the string "+48.8577+002.295/" itself; the file holds
 * no location at all (no ©xyz, loci or keys; checked byte by byte).  So:
 * the file as it is gives no place, and the same file with IPED's string
 * in its user data gives 48.8577, 2.295.
 */
START_TEST(iped_mp4_place_as_iped_supplies_it)
{
	sample s;
	int rc;
	exhibit_host *host;
	const stub_record *m;
	unsigned char *placed;
	size_t placed_len;
	double lat, lon, d;
	int64_t w;

	if (!load(&s, corpus_dir(), "iped/test_videoMp4.mp4")) {
		printf("SKIP: %s is absent (set EXHIBIT_CORPUS)\n", s.path);
		return;
	}
	host = analyze_sample(&s, &rc);
	ck_assert_int_eq(rc, EXHIBIT_OK);
	m = media_record(host);
	ck_assert_str_eq(field_text(m, "codec"), "h264");
	ck_assert(field_int(m, "width", &w) && w == 256);
	ck_assert(field_real(m, "duration_s", &d) && NEAR(d, 36.906667, 1e-6));
	ck_assert(!field_real(m, "latitude", &lat));
	ck_assert_str_eq(field_text(m, "software"), "Lavf57.83.100");
	stub_host_free(host);

	placed = with_location(&s, "+48.8577+002.295/", &placed_len);
	host = analyze_bytes(plugin(), "video/mp4", placed, placed_len, &rc);
	ck_assert_int_eq(rc, EXHIBIT_OK);
	m = media_record(host);
	ck_assert(field_real(m, "latitude", &lat) && NEAR(lat, 48.8577, 1e-9));
	ck_assert(field_real(m, "longitude", &lon) && NEAR(lon, 2.295, 1e-9));
	ck_assert_str_eq(field_text(m, "location_source"), "quicktime:udta");
	ck_assert_str_eq(tag_value(host, "udta", "\xc2\xa9xyz"), "+48.8577+002.295/");
	stub_host_free(host);
	free(placed);
	free(s.data);
}
END_TEST

/* ---- the seeds, as their maker wrote them ------------------------------------ */

static exhibit_host *seed(const char *target, const char *name, sample *s, int *rc)
{
	char dir[1024];

	snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", EXHIBIT_SOURCE_DIR, target);
	ck_assert_msg(load(s, dir, name), "seed %s/%s is missing", dir, name);
	return analyze_sample(s, rc);
}

START_TEST(quicktime_user_data_and_keys)
{
	sample s;
	int rc;
	exhibit_host *host = seed("isobmff", "gps.mov", &s, &rc);
	const stub_record *m = media_record(host);
	double lat, lon, alt;
	int64_t created;

	ck_assert_int_eq(rc, EXHIBIT_OK);
	ck_assert_str_eq(field_text(m, "container"), "mov");
	ck_assert(field_real(m, "latitude", &lat) && NEAR(lat, 48.8577, 1e-9));
	ck_assert(field_real(m, "longitude", &lon) && NEAR(lon, 2.295, 1e-9));
	ck_assert_str_eq(field_text(m, "make"), "TestMake");
	ck_assert_str_eq(field_text(m, "model"), "TestModel");
	stub_host_free(host);
	free(s.data);

	host = seed("isobmff", "keys.mov", &s, &rc);
	m = media_record(host);
	ck_assert(field_real(m, "latitude", &lat) && NEAR(lat, -33.8688, 1e-9));
	ck_assert(field_real(m, "longitude", &lon) && NEAR(lon, 151.2093, 1e-9));
	ck_assert(field_real(m, "altitude", &alt) && NEAR(alt, 10, 1e-9));
	ck_assert_str_eq(field_text(m, "location_source"), "quicktime:keys");
	ck_assert_str_eq(field_text(m, "make"), "Apple");
	ck_assert_str_eq(field_text(m, "model"), "iPhone 12");
	/* 2020-01-02T03:04:05+01:00 */
	ck_assert(field_int(m, "created", &created) && created == 1577930645);
	ck_assert_str_eq(field_text(m, "created_offset"), "+01:00");
	ck_assert_str_eq(field_text(m, "created_source"), "quicktime:keys");
	stub_host_free(host);
	free(s.data);

	host = seed("isobmff", "h264_aac.mp4", &s, &rc);
	m = media_record(host);
	ck_assert(field_int(m, "created", &created) && created == 1614834367); /* 2021-03-04T05:06:07Z */
	ck_assert_str_eq(field_text(m, "created_source"), "mvhd:creation_time");
	check_records_match_schema(host);
	stub_host_free(host);
	free(s.data);
}
END_TEST

/* Set the first tkhd's matrix to a rotation of 90 degrees clockwise. */
static void rotate_first_track(unsigned char *data, size_t len)
{
	static const unsigned char matrix90[36] = {
		0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0,
	};

	for (size_t i = 4; i + 84 <= len; i++)
		if (!memcmp(data + i, "tkhd", 4)) {
			size_t matrix = i + 4 + 4 + (data[i + 4] == 1 ? 32 : 20) + 16;
			memcpy(data + matrix, matrix90, sizeof matrix90);
			return;
		}
	ck_abort_msg("no tkhd");
}

START_TEST(rotation_from_the_track_matrix)
{
	sample s;
	int rc;
	exhibit_host *host = seed("isobmff", "h264_aac.mp4", &s, &rc);
	int64_t rotation;

	ck_assert(field_int(media_record(host), "rotation", &rotation) && rotation == 0);
	stub_host_free(host);
	rotate_first_track(s.data, s.len);
	host = analyze_sample(&s, &rc);
	ck_assert(field_int(media_record(host), "rotation", &rotation) && rotation == 90);
	stub_host_free(host);
	free(s.data);
}
END_TEST

START_TEST(matroska_flv_asf_metadata)
{
	sample s;
	int rc;
	exhibit_host *host = seed("matroska", "vp8_vorbis.mkv", &s, &rc);
	const stub_record *m = media_record(host);
	double lat, lon, fps;

	ck_assert_str_eq(field_text(m, "container"), "matroska");
	ck_assert(field_real(m, "latitude", &lat) && NEAR(lat, 10.5, 1e-9));
	ck_assert(field_real(m, "longitude", &lon) && NEAR(lon, -20.25, 1e-9));
	ck_assert(field_real(m, "frame_rate", &fps) && NEAR(fps, 5, 1e-6));
	stub_host_free(host);
	free(s.data);

	host = seed("matroska", "vp9.webm", &s, &rc);
	ck_assert_str_eq(field_text(media_record(host), "container"), "webm");
	stub_host_free(host);
	free(s.data);

	host = seed("flv", "h264_aac.flv", &s, &rc);
	ck_assert_uint_eq(stub_host_record_count(host, "media_streams"), 2);
	{
		const stub_record *audio = stub_host_record(host, "media_streams", 1);
		int64_t rate;
		ck_assert(field_int(audio, "sample_rate", &rate) && rate == 8000); /* not the 44.1 kHz flag */
	}
	stub_host_free(host);
	free(s.data);

	host = seed("asf", "wmv2_wmav2.wmv", &s, &rc);
	ck_assert_str_eq(field_text(media_record(host), "codec"), "wmv2");
	stub_host_free(host);
	free(s.data);
}
END_TEST

/* ---- hostile input ----------------------------------------------------------- */

static const char *const all_seeds[][2] = {
	{ "isobmff", "h264_aac.mp4" }, { "isobmff", "gps.mov" }, { "isobmff", "keys.mov" },
	{ "isobmff", "fragmented.mp4" }, { "isobmff", "mpeg4_aac.3gp" },
	{ "matroska", "vp8_vorbis.mkv" }, { "matroska", "vp9.webm" },
	{ "riff", "mpeg4_mp3.avi" }, { "flv", "h263_mp3.flv" }, { "flv", "h264_aac.flv" },
	{ "mpegts", "mpeg2_mp2.ts" }, { "mpegts", "h264_aac.ts" }, { "asf", "wmv2_wmav2.wmv" },
};

/* Every seed cut at many points (always sniffed as the whole file was):
 * no crash, a valid code, bounded output, offsets inside the item, and a
 * report for every cut that leaves a declared structure incomplete. */
START_TEST(truncated_at_many_points)
{
	for (size_t k = 0; k < sizeof all_seeds / sizeof all_seeds[0]; k++) {
		sample s;
		int rc;
		exhibit_host *host = seed(all_seeds[k][0], all_seeds[k][1], &s, &rc);
		const char *mime = sniffed(s.data, s.len);
		size_t reported = 0, cuts = 0;

		ck_assert_int_eq(rc, EXHIBIT_OK);
		stub_host_free(host);
		for (size_t cut = 1; cut < s.len; cut += 1 + s.len / 97) {
			double t0 = seconds_now();
			host = analyze_bytes(plugin(), mime, s.data, cut, &rc);
			ck_assert_msg(seconds_now() - t0 < 2, "%s cut at %zu took too long", s.path, cut);
			ck_assert(rc == EXHIBIT_OK || rc == EXHIBIT_ERR_FORMAT || rc == EXHIBIT_ERR_LIMIT);
			ck_assert_uint_le(stub_host_record_count(host, "media"), 1);
			for (size_t i = 0; i < stub_host_error_count(host); i++) {
				const stub_error *e = stub_host_error(host, i);
				ck_assert_msg(e->offset >= -1 && e->offset <= (int64_t)cut,
				              "%s cut at %zu: error offset %lld: %s", s.path, cut,
				              (long long)e->offset, e->message);
			}
			reported += stub_host_error_count(host) > 0;
			cuts++;
			stub_host_free(host);
		}
		/* A cut on a packet or tag boundary leaves a valid shorter file;
		 * nearly every other cut breaks a declared size. */
		ck_assert_msg(reported * 10 >= cuts * 8, "%s: only %zu of %zu cuts reported", s.path,
		              reported, cuts);
		free(s.data);
	}
}
END_TEST

static unsigned char *box(unsigned char *at, uint32_t size, const char *type)
{
	at[0] = (unsigned char)(size >> 24);
	at[1] = (unsigned char)(size >> 16);
	at[2] = (unsigned char)(size >> 8);
	at[3] = (unsigned char)size;
	memcpy(at + 4, type, 4);
	return at + 8;
}

static exhibit_host *run(const char *mime, const unsigned char *data, size_t len, int *rc)
{
	double t0 = seconds_now();
	exhibit_host *host = analyze_bytes(plugin(), mime, data, len, rc);

	ck_assert_msg(seconds_now() - t0 < 2, "%s input took too long", mime);
	return host;
}

START_TEST(sizes_that_lie)
{
	unsigned char f[1024];
	unsigned char *p;
	int rc;
	exhibit_host *host;

	/* a 10 GB mdat in a 1 KB file, through a 64-bit size */
	memset(f, 0, sizeof f);
	p = box(f, 16, "ftyp");
	memcpy(p, "isom", 4);
	p = box(f + 16, 1, "mdat");
	p[0] = 0, p[1] = 0, p[2] = 0, p[3] = 2, p[4] = 0x80, p[5] = 0, p[6] = 0, p[7] = 0;
	host = run("video/mp4", f, sizeof f, &rc);
	ck_assert_int_eq(rc, EXHIBIT_ERR_FORMAT);
	ck_assert(has_error(host, "declares 10737418240 bytes"));
	ck_assert(has_error(host, "truncated"));
	ck_assert(has_error(host, "no 'moov' box"));
	ck_assert_uint_eq(stub_host_record_count(host, "media"), 1); /* what was read is kept */
	stub_host_free(host);

	/* a box smaller than its header */
	box(f + 16, 4, "moov");
	host = run("video/mp4", f, sizeof f, &rc);
	ck_assert(has_error(host, "less than its own header"));
	stub_host_free(host);

	/* moov boxes nested 120 deep */
	memset(f, 0, sizeof f);
	for (int i = 0; i < 120; i++)
		box(f + 8 * i, (uint32_t)(sizeof f - 8 * i), "moov");
	host = run("video/mp4", f, sizeof f, &rc);
	ck_assert(has_error(host, "nested deeper"));
	stub_host_free(host);

	/* an stts claiming 4 billion entries in 8 bytes */
	memset(f, 0, sizeof f);
	p = box(f, 56, "moov");
	p = box(p, 48, "trak");
	p = box(p, 40, "mdia");
	p = box(p, 32, "minf");
	p = box(p, 24, "stbl");
	p = box(p, 16, "stts");
	memset(p + 4, 0xff, 4);
	host = run("video/mp4", f, 56, &rc);
	ck_assert(has_error(host, "declares 4294967295 entries but holds 0"));
	stub_host_free(host);

	/* Matroska: an element claiming 2^56 bytes */
	{
		static const unsigned char mkv[] = {
			0x1a, 0x45, 0xdf, 0xa3, 0x84, 0x42, 0x82, 0x81, 'x',
			0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
			0x15, 0x49, 0xa9, 0x66, 0x01, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff,
		};
		host = run("video/x-matroska", mkv, sizeof mkv, &rc);
		ck_assert(has_error(host, "truncated"));
		stub_host_free(host);
	}
	/* AVI: RIFF and a LIST far larger than the file */
	{
		static const unsigned char avi[] = {
			'R', 'I', 'F', 'F', 0xff, 0xff, 0xff, 0x7f, 'A', 'V', 'I', ' ',
			'L', 'I', 'S', 'T', 0xf0, 0xff, 0xff, 0x7f, 'h', 'd', 'r', 'l',
			'a', 'v', 'i', 'h', 0x38, 0, 0, 0,
		};
		host = run("video/x-msvideo", avi, sizeof avi, &rc);
		ck_assert(has_error(host, "truncated"));
		ck_assert(has_error(host, "no main header"));
		stub_host_free(host);
	}
	/* FLV: a tag larger than the file; ASF: a 10 GB header object */
	{
		static const unsigned char flv[] = {
			'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0, 18, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0,
		};
		static const unsigned char asf[30] = {
			0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62,
			0xce, 0x6c, 0x00, 0x00, 0x00, 0x80, 0x02, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 2,
		};
		host = run("video/x-flv", flv, sizeof flv, &rc);
		ck_assert(has_error(host, "truncated"));
		stub_host_free(host);
		host = run("video/x-ms-asf", asf, sizeof asf, &rc);
		ck_assert(has_error(host, "declares 10737418240 bytes"));
		stub_host_free(host);
	}
	/* MPEG-TS: sync bytes, then garbage */
	{
		unsigned char ts[188 * 6];
		memset(ts, 0x47, sizeof ts);
		memset(ts + 188 * 5 + 1, 0x11, 187);
		ts[188 * 5] = 0x12;
		host = run("video/mp2t", ts, sizeof ts, &rc);
		ck_assert(has_error(host, "no program association table") || has_error(host, "sync"));
		stub_host_free(host);
	}
}
END_TEST

/* An ASF header object larger than the read window (two 40000-byte
 * attributes, as pictures in WM/Picture are): read whole, no false damage. */
START_TEST(asf_attribute_larger_than_the_window)
{
	static const unsigned char ecd_guid[16] = { 0x40, 0xa4, 0xd0, 0xd2, 0x07, 0xe3, 0xd2, 0x11,
	                                            0x97, 0xf0, 0x00, 0xa0, 0xc9, 0x0c, 0xa8, 0x50 };
	const size_t value = 40000, descriptor = 2 + 6 + 2 + 2 + value;
	const size_t object = 24 + 2 + 2 * descriptor;
	size_t header, n, at;
	sample s;
	int rc;
	exhibit_host *host = seed("asf", "wmv2_wmav2.wmv", &s, &rc);
	unsigned char *big;

	stub_host_free(host);
	big = calloc(1, s.len + object);
	header = (size_t)s.data[16] | (size_t)s.data[17] << 8 | (size_t)s.data[18] << 16;
	memcpy(big, s.data, 30);
	n = header + object; /* the header grows by one object */
	big[16] = (unsigned char)n, big[17] = (unsigned char)(n >> 8), big[18] = (unsigned char)(n >> 16);
	big[24]++;
	memcpy(big + 30, ecd_guid, 16);
	big[30 + 16] = (unsigned char)object, big[30 + 17] = (unsigned char)(object >> 8),
	big[30 + 18] = (unsigned char)(object >> 16);
	big[30 + 24] = 2; /* descriptors */
	at = 30 + 26;
	for (int i = 0; i < 2; i++, at += descriptor) {
		big[at] = 6; /* name length, then "P\0i\0" + digit */
		memcpy(big + at + 2, i ? "P\0i\0" "2\0" : "P\0i\0" "1\0", 6);
		big[at + 8] = 1; /* a byte array */
		big[at + 10] = (unsigned char)value, big[at + 11] = (unsigned char)(value >> 8);
	}
	memcpy(big + 30 + object, s.data + 30, s.len - 30);
	host = run("video/x-ms-asf", big, s.len + object, &rc);
	ck_assert_int_eq(rc, EXHIBIT_OK);
	ck_assert_str_eq(tag_value(host, "asf", "Pi1"), "<40000 bytes of type 1>");
	ck_assert_str_eq(tag_value(host, "asf", "Pi2"), "<40000 bytes of type 1>");
	ck_assert_str_eq(field_text(media_record(host), "codec"), "wmv2");
	stub_host_free(host);
	free(big);
	free(s.data);
}
END_TEST

/* Content sniffed as a video that is not one: a clear refusal, no record. */
START_TEST(not_what_the_type_says)
{
	static const char *const types[] = { "video/mp4", "video/x-matroska", "video/x-msvideo",
	                                     "video/x-flv", "video/mp2t", "video/x-ms-asf" };
	unsigned char junk[4096];
	int rc;

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 7 + 3);
	junk[4] = 0x01; /* not a printable box type either */
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		exhibit_host *host = run(types[i], junk, sizeof junk, &rc);
		ck_assert_int_eq(rc, EXHIBIT_ERR_FORMAT);
		ck_assert_uint_eq(stub_host_record_count(host, "media"), 0);
		ck_assert_uint_ge(stub_host_error_count(host), 1);
		stub_host_free(host);
	}
	{
		exhibit_host *host = run("video/mp4", junk, 0, &rc);
		ck_assert_int_eq(rc, EXHIBIT_ERR_FORMAT);
		stub_host_free(host);
	}
}
END_TEST

static Suite *video_suite(void)
{
	Suite *s = suite_create("video-metadata");
	TCase *corpus = tcase_create("corpus");
	TCase *seeds = tcase_create("seeds");
	TCase *hostile = tcase_create("hostile");

	tcase_set_timeout(corpus, 120);
	tcase_add_test(corpus, iped_flv_as_iped_asserts);
	tcase_add_test(corpus, iped_mp4_place_as_iped_supplies_it);
	tcase_add_test(corpus, corpus_videos_agree_with_ffprobe);
	tcase_set_timeout(seeds, 60);
	tcase_add_test(seeds, seed_videos_agree_with_ffprobe);
	tcase_add_test(seeds, quicktime_user_data_and_keys);
	tcase_add_test(seeds, rotation_from_the_track_matrix);
	tcase_add_test(seeds, matroska_flv_asf_metadata);
	tcase_set_timeout(hostile, 120);
	tcase_add_test(hostile, truncated_at_many_points);
	tcase_add_test(hostile, sizes_that_lie);
	tcase_add_test(hostile, not_what_the_type_says);
	tcase_add_test(hostile, asf_attribute_larger_than_the_window);
	suite_add_tcase(s, corpus);
	suite_add_tcase(s, seeds);
	suite_add_tcase(s, hostile);
	return s;
}

int main(void)
{
	return check_run_suite(video_suite());
}

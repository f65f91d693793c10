/*
 * check_media_preview.c — the media-preview plugin through the stub host.
 *
 *   - A still made with ffmpeg (testsrc, 640 x 480) as PNG and as JPEG
 *     gets a thumbnail of 256 x 192, twice: as decoded and grey-blurred;
 *     both JPEGs decode (with the decoder the plugin uses) to the size
 *     recorded; the blurred one is grey in every pixel, differs from the
 *     other, and has lost its edges (neighbouring pixels nearly equal).
 *   - Videos made with ffmpeg (40 s and 3 s, testsrc, MPEG-4 in MP4 and
 *     Matroska) get a contact sheet: 16 tiles 2.5 s apart in a 4 x 4 grid
 *     for the long one, 3 tiles 1 s apart for the short one.
 *   - Every video of the corpus (filetype/, iped/) gets a contact sheet,
 *     every corpus image a thumbnail, without error.
 *   - Broken media: cut, scrambled, garbage, empty: an error reported,
 *     nothing crashes or hangs, records (if any) match the schema.
 * Tests needing ffmpeg or the corpus print SKIP without them.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "decoder.h"
#include "media_test_support.h"

const exhibit_plugin *exhibit_plugin_entry(void);

static const exhibit_plugin *plugin(void)
{
	char why[256];
	const exhibit_plugin *p = stub_load_plugin(exhibit_plugin_entry, why, sizeof why);

	ck_assert_msg(p != NULL, "%s", why);
	return p;
}

static bool have_ffmpeg(void)
{
	if (run_quiet("command -v ffmpeg"))
		return true;
	printf("SKIP: ffmpeg is needed to make the test media (scripts/setup-debian.sh installs it)\n");
	return false;
}

static bool corpus_present(void)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/filetype/sample.jpg", corpus_dir());
	if (access(path, R_OK) == 0)
		return true;
	printf("SKIP: the corpus is not at %s (set EXHIBIT_CORPUS)\n", corpus_dir());
	return false;
}

/* A directory of media made for one test, removed by done_dir. */
static void make_dir(char *dir)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void done_dir(const char *dir)
{
	run_quiet("rm -rf '%s'", dir);
}

static unsigned char *load(const char *dir, const char *name, size_t *len)
{
	char path[512];
	unsigned char *data;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	data = read_whole(path, len);
	ck_assert_msg(data != NULL, "cannot read %s", path);
	return data;
}

/* ---------------------------------------------------------------- a preview, decoded */

typedef struct shown {
	int width, height;
	uint8_t *rgb;             /* width * height * 3 */
} shown;

/* decode_jpeg — the JPEG bytes decoded at full size (fails the test
 * when they are not a JPEG). */
static void decode_jpeg(const stub_field *data, shown *out)
{
	exhibit_item item = { "/p.jpg", "p.jpg", data->blob_len, "image/jpeg", "", 0 };
	decode_limits limits = { 4, 10, 30, 1 };
	exhibit_host *host = stub_host_new(data->blob, data->blob_len, "/p.jpg");
	decoded_picture pic;
	decode_error e;
	decoder *d;
	const uint8_t *rgb;
	ptrdiff_t stride;

	ck_assert_msg(decoder_open(&d, stub_host_api(), host, &item, &limits, 4096, &e) == 0,
	              "the preview is not a JPEG: %s", e.message);
	ck_assert_msg(decoder_next(d, &pic, &e) == 0, "the preview does not decode: %s", e.message);
	ck_assert_int_eq(pic.damaged, 0);
	ck_assert_int_eq(decoder_rgb(d, 4096, &rgb, &out->width, &out->height, &stride, &e), 0);
	out->rgb = malloc((size_t)out->width * (size_t)out->height * 3);
	for (int i = 0; i < out->height; i++)
		memcpy(out->rgb + (size_t)i * (size_t)out->width * 3, rgb + (ptrdiff_t)i * stride,
		       (size_t)out->width * 3);
	decoder_close(d);
	stub_host_free(host);
}

/* grey_everywhere — R, G and B within 3 of each other in every pixel
 * (JPEG's rounding). */
static bool grey_everywhere(const shown *s)
{
	for (size_t k = 0; k < (size_t)s->width * (size_t)s->height; k++) {
		const uint8_t *p = s->rgb + 3 * k;
		if (abs(p[0] - p[1]) > 3 || abs(p[1] - p[2]) > 3)
			return false;
	}
	return true;
}

/* edge_strength — the mean absolute difference between horizontally
 * neighbouring values, over all channels. */
static double edge_strength(const shown *s)
{
	double sum = 0;

	for (int i = 0; i < s->height; i++)
		for (int j = 3; j < s->width * 3; j++)
			sum += abs(s->rgb[(size_t)i * (size_t)s->width * 3 + (size_t)j] -
			           s->rgb[(size_t)i * (size_t)s->width * 3 + (size_t)j - 3]);
	return sum / ((double)s->height * (s->width - 1) * 3);
}

static double mean_difference(const shown *a, const shown *b)
{
	double sum = 0;
	size_t n = (size_t)a->width * (size_t)a->height * 3;

	for (size_t k = 0; k < n; k++)
		sum += abs(a->rgb[k] - b->rgb[k]);
	return sum / (double)n;
}

typedef struct preview_pair {
	int64_t width, height, frames;
	double interval_s;        /* < 0: NULL */
	size_t bytes[2];          /* as decoded, blurred */
	shown plain, blurred;
} preview_pair;

/* check_pair — exactly two previews of this kind, as decoded then
 * blurred, of one size, both decoding to it; the blurred one grey,
 * different and without edges. */
static void check_pair(const exhibit_host *host, const char *kind, preview_pair *out)
{
	ck_assert_uint_eq(stub_host_record_count(host, "previews"), 2);
	for (size_t i = 0; i < 2; i++) {
		const stub_record *r = stub_host_record(host, "previews", i);
		const stub_field *data = stub_record_field(r, "data");
		int64_t blurred, w, h, frames;
		double interval;
		shown *s = i ? &out->blurred : &out->plain;

		ck_assert_str_eq(field_text(r, "kind"), kind);
		ck_assert_str_eq(field_text(r, "mime"), "image/jpeg");
		ck_assert(field_int(r, "blurred", &blurred));
		ck_assert_int_eq(blurred, (int64_t)i);
		ck_assert(field_int(r, "width", &w) && field_int(r, "height", &h));
		ck_assert(field_int(r, "frames", &frames));
		if (!field_real(r, "interval_s", &interval))
			interval = -1;
		ck_assert(data && data->type == EXHIBIT_BLOB && data->blob_len > 0);
		decode_jpeg(data, s);
		ck_assert_int_eq(s->width, w);
		ck_assert_int_eq(s->height, h);
		if (i == 0) {
			out->width = w;
			out->height = h;
			out->frames = frames;
			out->interval_s = interval;
		} else {
			ck_assert_int_eq(w, out->width);
			ck_assert_int_eq(h, out->height);
			ck_assert_int_eq(frames, out->frames);
		}
		out->bytes[i] = data->blob_len;
	}
	check_records_match_schema(host);
	ck_assert_msg(grey_everywhere(&out->blurred), "the blurred preview is not grey");
	ck_assert_msg(mean_difference(&out->plain, &out->blurred) > 2,
	              "the blurred preview is too close to the plain one (%.1f)",
	              mean_difference(&out->plain, &out->blurred));
	printf("%s %lldx%lld: %zu and %zu bytes; edge strength %.2f plain, %.2f blurred\n", kind,
	       (long long)out->width, (long long)out->height, out->bytes[0], out->bytes[1],
	       edge_strength(&out->plain), edge_strength(&out->blurred));
}

static void free_pair(preview_pair *p)
{
	free(p->plain.rgb);
	free(p->blurred.rgb);
}

/* ---------------------------------------------------------------- tests */

START_TEST(descriptor_takes_images_and_videos)
{
	const exhibit_plugin *p = plugin();
	bool jpeg = false, mp4 = false, flv = false;

	ck_assert_str_eq(p->name, "media-preview");
	for (const char *const *m = p->mime_types; *m; m++) {
		jpeg |= !strcmp(*m, "image/jpeg");
		mp4 |= !strcmp(*m, "video/mp4");
		flv |= !strcmp(*m, "video/x-flv");
	}
	ck_assert(jpeg && mp4 && flv);
}
END_TEST

START_TEST(still_gets_a_thumbnail_and_a_blurred_one)
{
	char dir[] = "/tmp/exhibit-preview-XXXXXX";
	static const struct { const char *name, *mime; } stills[] = {
		{ "still.png", "image/png" }, { "still.jpg", "image/jpeg" },
	};

	if (!have_ffmpeg())
		return;
	make_dir(dir);
	ck_assert(run_quiet("cd '%s' && ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=640x480 "
	                    "-frames:v 1 still.png && ffmpeg -nostdin -v error -y -i still.png "
	                    "still.jpg", dir));
	for (size_t i = 0; i < sizeof stills / sizeof stills[0]; i++) {
		size_t len;
		unsigned char *data = load(dir, stills[i].name, &len);
		int rc;
		exhibit_host *host = analyze_bytes(plugin(), stills[i].mime, data, len, &rc);
		preview_pair p;

		ck_assert_int_eq(rc, EXHIBIT_OK);
		ck_assert_uint_eq(stub_host_error_count(host), 0);
		check_pair(host, "thumbnail", &p);
		ck_assert_int_eq(p.width, 256);
		ck_assert_int_eq(p.height, 192);
		ck_assert_int_eq(p.frames, 1);
		ck_assert(p.interval_s < 0);
		ck_assert(p.bytes[0] < 40000 && p.bytes[1] < 40000);
		/* testsrc is all sharp edges; the blur leaves almost none */
		ck_assert_msg(edge_strength(&p.plain) > 4, "%.2f", edge_strength(&p.plain));
		ck_assert_msg(edge_strength(&p.blurred) < 1.5, "%.2f", edge_strength(&p.blurred));
		free_pair(&p);
		stub_host_free(host);
		free(data);
	}
	done_dir(dir);
}
END_TEST

/* A tall picture keeps its shape: 200 x 900 gives 57 x 256. */
START_TEST(thumbnail_keeps_the_shape)
{
	char dir[] = "/tmp/exhibit-preview-XXXXXX";
	size_t len;
	unsigned char *data;
	int rc;
	exhibit_host *host;
	preview_pair p;

	if (!have_ffmpeg())
		return;
	make_dir(dir);
	ck_assert(run_quiet("cd '%s' && ffmpeg -nostdin -v error -y -f lavfi "
	                    "-i testsrc=size=200x900 -frames:v 1 tall.png", dir));
	data = load(dir, "tall.png", &len);
	host = analyze_bytes(plugin(), "image/png", data, len, &rc);
	ck_assert_int_eq(rc, EXHIBIT_OK);
	check_pair(host, "thumbnail", &p);
	ck_assert_int_eq(p.height, 256);
	ck_assert_int_eq(p.width, 57);
	free_pair(&p);
	stub_host_free(host);
	free(data);
	done_dir(dir);
}
END_TEST

START_TEST(video_gets_a_contact_sheet)
{
	char dir[] = "/tmp/exhibit-preview-XXXXXX";
	static const struct {
		const char *name, *mime;
		int seconds, frames;
		double interval;
		int width, height;         /* of the sheet: cells of 160 x 120, 4 px apart */
	} videos[] = {
		{ "long.mp4", "video/mp4", 40, 16, 2.5, 4 * 164 + 4, 4 * 124 + 4 },
		{ "long.mkv", "video/x-matroska", 40, 16, 2.5, 4 * 164 + 4, 4 * 124 + 4 },
		{ "short.mp4", "video/mp4", 3, 3, 1.0, 2 * 164 + 4, 2 * 124 + 4 },
		{ "hour.mkv", "video/x-matroska", 3600, 16, 225, 4 * 164 + 4, 4 * 124 + 4 },
	};

	if (!have_ffmpeg())
		return;
	make_dir(dir);
	for (size_t i = 0; i < sizeof videos / sizeof videos[0]; i++) {
		size_t len;
		unsigned char *data;
		int rc;
		exhibit_host *host;
		preview_pair p;

		/* the hour at one frame a second, a key frame a minute */
		ck_assert(run_quiet("cd '%s' && ffmpeg -nostdin -v error -y -f lavfi "
		                    "-i testsrc=size=320x240:rate=%d -t %d -c:v mpeg4 -g %d '%s'", dir,
		                    videos[i].seconds > 100 ? 1 : 25, videos[i].seconds,
		                    videos[i].seconds > 100 ? 60 : 50, videos[i].name));
		data = load(dir, videos[i].name, &len);
		host = analyze_bytes(plugin(), videos[i].mime, data, len, &rc);
		ck_assert_msg(rc == EXHIBIT_OK, "%s: %d (%s)", videos[i].name, rc,
		              stub_host_error_count(host) ? stub_host_error(host, 0)->message : "");
		check_pair(host, "contact_sheet", &p);
		ck_assert_int_eq(p.frames, videos[i].frames);
		ck_assert_msg(p.interval_s > videos[i].interval - 0.01 &&
		              p.interval_s < videos[i].interval + 0.01, "%s: interval %g",
		              videos[i].name, p.interval_s);
		ck_assert_int_eq(p.width, videos[i].width);
		ck_assert_int_eq(p.height, videos[i].height);
		ck_assert(p.bytes[0] < 100000 && p.bytes[1] < 100000);
		free_pair(&p);
		stub_host_free(host);
		free(data);
	}
	done_dir(dir);
}
END_TEST

/* ---------------------------------------------------------------- the corpus */

static const char *mime_of(const char *name)
{
	static const struct { const char *ext, *mime; } types[] = {
		{ ".mp4", "video/mp4" }, { ".mkv", "video/x-matroska" }, { ".webm", "video/webm" },
		{ ".mov", "video/quicktime" }, { ".flv", "video/x-flv" }, { ".avi", "video/x-msvideo" },
		{ ".jpg", "image/jpeg" }, { ".png", "image/png" }, { ".gif", "image/gif" },
		{ ".avif", "image/avif" },
	};
	const char *ext = strrchr(name, '.');

	for (size_t i = 0; ext && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(ext, types[i].ext))
			return types[i].mime;
	return NULL;
}

START_TEST(every_corpus_video_and_image_gets_a_preview)
{
	static const char *const dirs[] = { "filetype", "iped" };
	int videos = 0, images = 0;

	if (!corpus_present())
		return;
	for (size_t d = 0; d < 2; d++) {
		char path[1024];
		DIR *dir;
		struct dirent *de;

		snprintf(path, sizeof path, "%s/%s", corpus_dir(), dirs[d]);
		dir = opendir(path);
		ck_assert_ptr_nonnull(dir);
		while ((de = readdir(dir))) {
			const char *mime = mime_of(de->d_name);
			int video = mime && !strncmp(mime, "video/", 6), rc;
			size_t len;
			unsigned char *data;
			exhibit_host *host;
			preview_pair p;

			if (!mime)
				continue;
			snprintf(path, sizeof path, "%s/%s/%s", corpus_dir(), dirs[d], de->d_name);
			data = read_whole(path, &len);
			ck_assert_ptr_nonnull(data);
			host = analyze_bytes(plugin(), mime, data, len, &rc);
			ck_assert_msg(rc == EXHIBIT_OK, "%s/%s: %d (%s)", dirs[d], de->d_name, rc,
			              stub_host_error_count(host) ? stub_host_error(host, 0)->message : "");
			printf("%s/%s: ", dirs[d], de->d_name);
			check_pair(host, video ? "contact_sheet" : "thumbnail", &p);
			ck_assert(video ? p.frames >= 1 && p.frames <= 16 : p.frames == 1);
			ck_assert(p.width <= (video ? 4 * 164 + 4 : 256) && p.height <= (video ? 4 * 164 + 4 : 256));
			videos += video;
			images += !video;
			free_pair(&p);
			stub_host_free(host);
			free(data);
		}
		closedir(dir);
	}
	ck_assert_int_ge(videos, 6);
	ck_assert_int_ge(images, 5);
}
END_TEST

/* ---------------------------------------------------------------- broken media */

static exhibit_host *analyze_timed(const char *what, const char *mime, const void *data,
                                   size_t len, int *rc)
{
	struct timespec t0, t1;
	exhibit_host *host;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	host = analyze_bytes(plugin(), mime, data, len, rc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(t1.tv_sec - t0.tv_sec < 200, "%s took %ld s", what, (long)(t1.tv_sec - t0.tv_sec));
	check_records_match_schema(host);
	ck_assert_uint_le(stub_host_record_count(host, "previews"), 2);
	return host;
}

/* expect_error — analyze() fails with an error reported. */
static void expect_error(const char *what, const char *mime, const void *data, size_t len)
{
	int rc;
	exhibit_host *host = analyze_timed(what, mime, data, len, &rc);

	ck_assert_msg(rc < 0, "%s: analyze() returned %d", what, rc);
	ck_assert_msg(stub_host_error_count(host) > 0, "%s: no error reported", what);
	printf("broken: %-30s -> %s (%zu previews)\n", what, stub_host_error(host, 0)->message,
	       stub_host_record_count(host, "previews"));
	stub_host_free(host);
}

START_TEST(broken_media_are_errors)
{
	char dir[] = "/tmp/exhibit-preview-XXXXXX";
	unsigned char junk[4096];
	size_t len;
	unsigned char *jpg, *mp4, *mkv;

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 7919 >> 3);
	expect_error("garbage as JPEG", "image/jpeg", junk, sizeof junk);
	expect_error("garbage as MP4", "video/mp4", junk, sizeof junk);
	expect_error("empty PNG", "image/png", "", 0);
	expect_error("empty Matroska", "video/x-matroska", "", 0);
	if (!have_ffmpeg())
		return;
	make_dir(dir);
	ck_assert(run_quiet("cd '%s' && ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=640x480 "
	                    "-frames:v 1 b.jpg && ffmpeg -nostdin -v error -y -f lavfi "
	                    "-i testsrc=size=320x240:rate=25 -t 10 -c:v mpeg4 b.mp4 && "
	                    "ffmpeg -nostdin -v error -y -i b.mp4 -c copy b.mkv", dir));
	jpg = load(dir, "b.jpg", &len);
	expect_error("JPEG cut after its headers", "image/jpeg", jpg, 700);
	expect_error("JPEG cut in half", "image/jpeg", jpg, len / 2);
	for (size_t i = len / 3; i < len / 3 + 400; i++)
		jpg[i] ^= 0x5a;
	expect_error("JPEG with 400 bytes scrambled", "image/jpeg", jpg, len);
	free(jpg);
	mp4 = load(dir, "b.mp4", &len);
	expect_error("MP4 cut in half (no moov)", "video/mp4", mp4, len / 2);
	expect_error("MP4 cut after 300 bytes", "video/mp4", mp4, 300);
	free(mp4);
	mkv = load(dir, "b.mkv", &len);
	expect_error("Matroska cut after 300 bytes", "video/x-matroska", mkv, 300);
	{
		/* scrambled in the middle: a sheet of what decodes, or an error;
		 * never a crash or a hang */
		int rc;
		exhibit_host *host;

		for (size_t k = len / 2; k < len / 2 + 2000 && k < len; k++)
			mkv[k] = (unsigned char)(mkv[k] * 31 + 7);
		host = analyze_timed("scrambled Matroska", "video/x-matroska", mkv, len, &rc);
		printf("broken: scrambled Matroska -> rc %d, %zu errors, %zu previews\n", rc,
		       stub_host_error_count(host), stub_host_record_count(host, "previews"));
		stub_host_free(host);
	}
	free(mkv);
	done_dir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("media_preview");
	TCase *tc = tcase_create("media_preview");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, descriptor_takes_images_and_videos);
	tcase_add_test(tc, still_gets_a_thumbnail_and_a_blurred_one);
	tcase_add_test(tc, thumbnail_keeps_the_shape);
	tcase_add_test(tc, video_gets_a_contact_sheet);
	tcase_add_test(tc, every_corpus_video_and_image_gets_a_preview);
	tcase_add_test(tc, broken_media_are_errors);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

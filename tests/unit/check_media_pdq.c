/*
 * check_media_pdq.c — the media-pdq plugin through the stub host: FFmpeg
 * decoding from the host's read(), PDQ of images and sampled video frames,
 * robustness to the changes PDQ is meant to survive, and hostile media.
 *
 *   - A lossless picture (BMP written here) gives exactly the hash the
 *     algorithm gives its pixels: decoding adds nothing.
 *   - Corpus images and videos (../shared/corpus: filetype/, iped/) hash
 *     without error; the two encodings of one IPED video match frame by
 *     frame.
 *   - Variants made at test time of every corpus image (and of a frame of
 *     each corpus video): resized to 50 % (ffmpeg), re-encoded as JPEG
 *     quality 50 (cjpeg), cropped by 5 % (2.5 % off each side, ffmpeg),
 *     turned grey (ffmpeg): each stays within 31 of its original, while
 *     different originals are further apart; the distances are printed.
 *   - Hostile media: cut, corrupted, claiming huge sizes, garbage, empty,
 *     and more frames than the decoder will decode; each gives an error,
 *     none crashes or hangs.  The budgets are checked on the decoder with
 *     tiny limits.
 * Tests needing the corpus, ffmpeg or cjpeg print SKIP without them.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_run.h"
#include "decoder.h"
#include "media_test_support.h"
#include "pdq.h"

const exhibit_plugin *exhibit_plugin_entry(void);

static const exhibit_plugin *plugin(void)
{
	char why[256];
	const exhibit_plugin *p = stub_load_plugin(exhibit_plugin_entry, why, sizeof why);

	ck_assert_msg(p != NULL, "%s", why);
	return p;
}

static bool field_pdq(const stub_record *r, pdq_hash *h)
{
	const stub_field *f = stub_record_field(r, "pdq");

	if (!f || f->type != EXHIBIT_BLOB || f->blob_len != PDQ_BYTES)
		return false;
	memcpy(h->bytes, f->blob, PDQ_BYTES);
	return true;
}

/* The crops an image is hashed at, in the order of its records. */
static const double crops[3] = { 1.0, 0.95, 0.90 };

/* hash_crops — the plugin's PDQ of bytes as mime, whole and cropped;
 * false when it made none. */
static bool hash_crops(const char *mime, const void *data, size_t len, pdq_hash h[3],
                       int64_t *quality, int64_t *complete)
{
	int rc;
	exhibit_host *host = analyze_bytes(plugin(), mime, data, len, &rc);
	bool ok = stub_host_record_count(host, "media_pdq") == 3;

	for (size_t i = 0; ok && i < 3; i++) {
		const stub_record *r = stub_host_record(host, "media_pdq", i);
		double crop;
		ck_assert(field_real(r, "crop", &crop));
		ck_assert(crop == crops[i]);
		ck_assert(field_pdq(r, &h[i]));
		if (i == 0) {
			ck_assert(field_int(r, "quality", quality));
			ck_assert(field_int(r, "complete", complete));
		}
	}
	if (ok)
		check_records_match_schema(host);
	stub_host_free(host);
	return ok;
}

/* hash_image — the whole picture's PDQ. */
static bool hash_image(const char *mime, const void *data, size_t len, pdq_hash *h,
                       int64_t *quality, int64_t *complete)
{
	pdq_hash all[3];

	if (!hash_crops(mime, data, len, all, quality, complete))
		return false;
	*h = all[0];
	return true;
}

/* hash_file — the PDQ of a picture file, whole and cropped. */
static bool hash_file(const char *path, pdq_hash h[3])
{
	size_t len;
	unsigned char *data = read_whole(path, &len);
	const char *ext = strrchr(path, '.');
	const char *mime = ext && !strcmp(ext, ".png") ? "image/png"
	                 : ext && !strcmp(ext, ".gif") ? "image/gif"
	                 : ext && !strcmp(ext, ".avif") ? "image/avif" : "image/jpeg";
	int64_t q, complete;
	bool ok;

	ck_assert_msg(data != NULL, "cannot read %s", path);
	ok = hash_crops(mime, data, len, h, &q, &complete);
	free(data);
	return ok;
}

/* ---------------------------------------------------------------- pictures made here */

static void paint(uint8_t *rgb, int rows, int cols, int seed)
{
	for (int i = 0; i < rows; i++)
		for (int j = 0; j < cols; j++) {
			double y = (double)i / rows, x = (double)j / cols;
			double v = 128 + 50 * sin(6 * x + seed) * cos(4 * y - seed) + 40 * sin(17 * x * y + seed);
			uint8_t *p = rgb + ((size_t)i * cols + j) * 3;
			p[0] = (uint8_t)v;
			p[1] = (uint8_t)(255 - v);
			p[2] = (uint8_t)(v / 2 + 30 * x);
		}
}

/* paint_blocks — a mosaic of 24-pixel tiles of seeded colours: sharp
 * edges, a hash of full quality. */
static void paint_blocks(uint8_t *rgb, int rows, int cols, unsigned seed)
{
	for (int i = 0; i < rows; i++)
		for (int j = 0; j < cols; j++) {
			unsigned t = (unsigned)(i / 24) * 7919u + (unsigned)(j / 24) * 104729u + seed;
			uint8_t *p = rgb + ((size_t)i * cols + j) * 3;
			t ^= t >> 13;
			t *= 2654435761u;
			p[0] = (uint8_t)(t >> 24);
			p[1] = (uint8_t)(t >> 16);
			p[2] = (uint8_t)(t >> 8);
		}
}

static void put_le(unsigned char *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* bmp — a 24-bit BMP of rows x cols RGB pixels (bottom-up, BGR). */
static unsigned char *bmp(const uint8_t *rgb, int rows, int cols, size_t *len)
{
	size_t line = ((size_t)cols * 3 + 3) / 4 * 4, size = 54 + line * (size_t)rows;
	unsigned char *b = calloc(1, size);

	b[0] = 'B';
	b[1] = 'M';
	put_le(b + 2, (uint32_t)size, 4);
	put_le(b + 10, 54, 4);
	put_le(b + 14, 40, 4);
	put_le(b + 18, (uint32_t)cols, 4);
	put_le(b + 22, (uint32_t)rows, 4);
	put_le(b + 26, 1, 2);
	put_le(b + 28, 24, 2);
	put_le(b + 34, (uint32_t)(line * (size_t)rows), 4);
	for (int i = 0; i < rows; i++)
		for (int j = 0; j < cols; j++) {
			const uint8_t *p = rgb + ((size_t)i * cols + j) * 3;
			unsigned char *q = b + 54 + line * (size_t)(rows - 1 - i) + (size_t)j * 3;
			q[0] = p[2];
			q[1] = p[1];
			q[2] = p[0];
		}
	*len = size;
	return b;
}

START_TEST(descriptor_takes_images_and_videos)
{
	const exhibit_plugin *p = plugin();
	bool jpeg = false, mp4 = false;

	ck_assert_str_eq(p->name, "media-pdq");
	for (const char *const *m = p->mime_types; *m; m++) {
		jpeg |= !strcmp(*m, "image/jpeg");
		mp4 |= !strcmp(*m, "video/mp4");
	}
	ck_assert(jpeg && mp4);
}
END_TEST

/* A lossless picture no larger than 512 a side: the plugin's hash is the
 * algorithm's hash of the very pixels. */
START_TEST(lossless_picture_hash_is_the_pixels_hash)
{
	int rows = 200, cols = 300;
	uint8_t *rgb = malloc((size_t)rows * cols * 3);
	size_t len;
	unsigned char *file;
	pdq_hash want, got;
	int want_q;
	int64_t q, complete;

	paint(rgb, rows, cols, 3);
	file = bmp(rgb, rows, cols, &len);
	ck_assert_int_eq(pdq_hash_rgb(rgb, rows, cols, (ptrdiff_t)cols * 3, &want, &want_q), 0);
	ck_assert(hash_image("image/bmp", file, len, &got, &q, &complete));
	ck_assert_mem_eq(got.bytes, want.bytes, PDQ_BYTES);
	ck_assert_int_eq(q, want_q);
	ck_assert_int_eq(complete, 1);
	free(rgb);
	free(file);
}
END_TEST

/* The published reference vector: Meta's python-threatexchange asserts
 * this hash for its 26x28 test PNG (tests/fixtures/pdq/README). */
START_TEST(published_reference_vector)
{
	static const char *const want_hex =
		"ad64cd9875e131a177b1f2a0d6b38ae1de9ea80421e4c51dde1b0363deba3466";
	char path[512];
	pdq_hash h[3], want;

	snprintf(path, sizeof path, "%s/tests/fixtures/pdq/threatexchange-26x28.png",
	         EXHIBIT_SOURCE_DIR);
	ck_assert(hash_file(path, h));
	ck_assert_int_eq(pdq_from_hex(want_hex, &want), 0);
	ck_assert_msg(pdq_distance(&h[0], &want) == 0, "distance %d from the reference",
	              pdq_distance(&h[0], &want));
}
END_TEST

/* Larger than 512: scaled down first, the hash stays near the full one. */
START_TEST(large_picture_is_scaled_close_to_the_full_hash)
{
	int rows = 900, cols = 1400;
	uint8_t *rgb = malloc((size_t)rows * cols * 3);
	size_t len;
	unsigned char *file;
	pdq_hash full, got;
	int full_q;
	int64_t q, complete;

	paint_blocks(rgb, rows, cols, 5);
	file = bmp(rgb, rows, cols, &len);
	ck_assert_int_eq(pdq_hash_rgb(rgb, rows, cols, (ptrdiff_t)cols * 3, &full, &full_q), 0);
	ck_assert_int_ge(full_q, 80);
	ck_assert(hash_image("image/bmp", file, len, &got, &q, &complete));
	ck_assert_msg(pdq_distance(&got, &full) <= 10, "distance %d", pdq_distance(&got, &full));
	free(rgb);
	free(file);
}
END_TEST

/* ---------------------------------------------------------------- the corpus */

static const char *const corpus_images[] = {
	"filetype/sample.jpg", "filetype/sample.png", "filetype/sample.gif",
	"filetype/sample.avif", "iped/test_horseGif.gif",
};

static const char *const corpus_videos[] = {
	"filetype/sample.mp4", "filetype/sample.mkv", "filetype/sample.webm", "filetype/sample.mov",
	"iped/test_videoMp4.mp4", "iped/test_videoFlv.flv",
};

static bool corpus_present(void)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/filetype/sample.jpg", corpus_dir());
	if (access(path, R_OK) == 0)
		return true;
	printf("SKIP: the corpus is not at %s (set EXHIBIT_CORPUS)\n", corpus_dir());
	return false;
}

START_TEST(corpus_images_hash_cleanly)
{
	char path[1024];

	if (!corpus_present())
		return;
	for (size_t i = 0; i < sizeof corpus_images / sizeof corpus_images[0]; i++) {
		size_t len;
		unsigned char *data;
		int rc;
		exhibit_host *host;
		const char *ext;

		snprintf(path, sizeof path, "%s/%s", corpus_dir(), corpus_images[i]);
		ext = strrchr(path, '.');
		data = read_whole(path, &len);
		ck_assert_ptr_nonnull(data);
		host = analyze_bytes(plugin(), !strcmp(ext, ".jpg") ? "image/jpeg"
		                     : !strcmp(ext, ".png") ? "image/png"
		                     : !strcmp(ext, ".gif") ? "image/gif" : "image/avif", data, len, &rc);
		ck_assert_msg(rc == EXHIBIT_OK && stub_host_error_count(host) == 0, "%s: rc %d, %s",
		              corpus_images[i], rc, stub_host_error_count(host)
		              ? stub_host_error(host, 0)->message : "");
		ck_assert_uint_eq(stub_host_record_count(host, "media_pdq"), 3);
		check_records_match_schema(host);
		stub_host_free(host);
		free(data);
	}
}
END_TEST

typedef struct frames {
	size_t n;
	double time[200];
	pdq_hash hash[200];
} frames;

static void video_frames(const char *rel, const char *mime, frames *out)
{
	char path[1024];
	size_t len;
	unsigned char *data;
	int rc;
	exhibit_host *host;

	snprintf(path, sizeof path, "%s/%s", corpus_dir(), rel);
	data = read_whole(path, &len);
	ck_assert_ptr_nonnull(data);
	host = analyze_bytes(plugin(), mime, data, len, &rc);
	ck_assert_msg(rc == EXHIBIT_OK && stub_host_error_count(host) == 0, "%s: rc %d, %s", rel, rc,
	              stub_host_error_count(host) ? stub_host_error(host, 0)->message : "");
	out->n = stub_host_record_count(host, "media_frames");
	ck_assert_uint_le(out->n, 200);
	for (size_t i = 0; i < out->n; i++) {
		const stub_record *r = stub_host_record(host, "media_frames", i);
		int64_t index;
		ck_assert(field_int(r, "frame", &index));
		ck_assert_int_eq(index, (int64_t)i);
		ck_assert(field_real(r, "time_s", &out->time[i]));
		ck_assert(field_pdq(r, &out->hash[i]));
		if (i > 0)
			ck_assert_msg(out->time[i] > out->time[i - 1], "%s: frame times go back", rel);
	}
	check_records_match_schema(host);
	stub_host_free(host);
	free(data);
}

START_TEST(corpus_videos_are_sampled_every_second)
{
	static const char *const mimes[] = { "video/mp4", "video/x-matroska", "video/webm",
	                                     "video/quicktime", "video/mp4", "video/x-flv" };
	frames f;

	if (!corpus_present())
		return;
	for (size_t i = 0; i < sizeof corpus_videos / sizeof corpus_videos[0]; i++) {
		char path[1024];
		probe p;

		video_frames(corpus_videos[i], mimes[i], &f);
		snprintf(path, sizeof path, "%s/%s", corpus_dir(), corpus_videos[i]);
		if (ffprobe_available() && ffprobe_run(path, &p) && p.has_duration) {
			/* one a second from 0: ceil(duration) samples, give or take the last */
			ck_assert_msg(fabs((double)f.n - ceil(p.duration)) <= 1, "%s: %zu samples for %.2f s",
			              corpus_videos[i], f.n, p.duration);
		}
		for (size_t k = 0; k < f.n; k++)
			ck_assert_msg(fabs(f.time[k] - (double)k) < 0.5, "%s: sample %zu at %.3f s",
			              corpus_videos[i], k, f.time[k]);
	}
}
END_TEST

/* The IPED corpus holds one video twice: H.264 in MP4 and Sorenson in FLV. */
START_TEST(two_encodings_of_one_video_match_frame_by_frame)
{
	frames a, b;
	size_t close = 0, n;

	if (!corpus_present())
		return;
	video_frames("iped/test_videoMp4.mp4", "video/mp4", &a);
	video_frames("iped/test_videoFlv.flv", "video/x-flv", &b);
	n = a.n < b.n ? a.n : b.n;
	ck_assert_uint_ge(n, 30);
	for (size_t i = 0; i < n; i++)
		close += pdq_distance(&a.hash[i], &b.hash[i]) <= 31;
	ck_assert_msg(close >= n * 9 / 10, "%zu of %zu frames within 31", close, n);
}
END_TEST

/* ---------------------------------------------------------------- variants */

static bool have_tool(const char *name)
{
	return run_quiet("command -v %s", name);
}

typedef struct family {
	char name[64];
	pdq_hash original[3];
	pdq_hash variant[4][3];
} family;

/* search_distance — as the near-duplicate search measures it
 * (core/similar.c): the least distance between two pictures' hashes of
 * which one at least is a whole picture. */
static int search_distance(const pdq_hash a[3], const pdq_hash b[3])
{
	int best = pdq_distance(&a[0], &b[0]);

	for (int k = 1; k < 3; k++) {
		int x = pdq_distance(&a[k], &b[0]), y = pdq_distance(&a[0], &b[k]);
		best = x < best ? x : best;
		best = y < best ? y : best;
	}
	return best;
}

static const char *const variant_names[4] = { "resized 50%", "JPEG q50", "cropped 5%", "grey" };

/* make_variants — the four variants of picture src (any format ffmpeg
 * reads; its first frame) as dir/<i>.png, .jpg.  RETURN false when a tool
 * failed. */
static bool make_variants(const char *src, const char *dir)
{
	return run_quiet("ffmpeg -nostdin -v error -y -i '%s' -frames:v 1 -vf 'scale=trunc(iw/4)*2:-2' "
	                 "'%s/resized.png'", src, dir) &&
	       run_quiet("ffmpeg -nostdin -v error -y -i '%s' -frames:v 1 -pix_fmt rgb24 -f image2pipe "
	                 "-vcodec ppm - | cjpeg -quality 50 -outfile '%s/q50.jpg'", src, dir) &&
	       run_quiet("ffmpeg -nostdin -v error -y -i '%s' -frames:v 1 "
	                 "-vf 'crop=trunc(iw*0.95):trunc(ih*0.95)' '%s/cropped.png'", src, dir) &&
	       run_quiet("ffmpeg -nostdin -v error -y -i '%s' -frames:v 1 -vf format=gray "
	                 "'%s/grey.png'", src, dir);
}

static int by_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Every variant is found by the search (within 31); plain PDQ keeps
 * resized, re-encoded and grey copies within 31 too, but not crops, which
 * the search finds through the crop hashes: both distances are printed. */
START_TEST(variants_stay_near_and_others_far)
{
	static const char *const video_stills[] = { "filetype/sample.mp4", "filetype/sample.mkv",
	                                            "filetype/sample.webm", "filetype/sample.mov",
	                                            "iped/test_videoMp4.mp4" };
	char dir[] = "/tmp/exhibit-pdq-XXXXXX", path[1200], src[1200];
	family fam[16];
	size_t n = 0;
	int worst_plain[4] = { 0, 0, 0, 0 }, worst_search[4] = { 0, 0, 0, 0 };
	int unrelated[16 * 16], n_unrelated = 0, least_unrelated_search = 256;

	if (!corpus_present())
		return;
	if (!have_tool("ffmpeg") || !have_tool("cjpeg")) {
		printf("SKIP: ffmpeg and cjpeg are needed to make the variants (scripts/setup-debian.sh "
		       "installs ffmpeg and libjpeg-turbo-progs)\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; i < sizeof corpus_images / sizeof corpus_images[0] +
	                       sizeof video_stills / sizeof video_stills[0]; i++) {
		family *f = &fam[n];
		const char *rel;
		const char *const files[4] = { "resized.png", "q50.jpg", "cropped.png", "grey.png" };

		if (i < sizeof corpus_images / sizeof corpus_images[0]) {
			rel = corpus_images[i];
			snprintf(src, sizeof src, "%s/%s", corpus_dir(), rel);
		} else {
			/* a still from a video, two seconds in, as a lossless picture */
			rel = video_stills[i - sizeof corpus_images / sizeof corpus_images[0]];
			snprintf(path, sizeof path, "%s/%s", corpus_dir(), rel);
			snprintf(src, sizeof src, "%s/still%zu.png", dir, i);
			ck_assert_msg(run_quiet("ffmpeg -nostdin -v error -y -ss 2 -i '%s' -frames:v 1 '%s'",
			                        path, src), "ffmpeg could not take a still of %s", rel);
		}
		snprintf(f->name, sizeof f->name, "%s", rel);
		ck_assert_msg(make_variants(src, dir), "ffmpeg/cjpeg could not make the variants of %s",
		              rel);
		ck_assert_msg(hash_file(src, f->original), "no hash for %s", rel);
		printf("pdq variants: %-24s PDQ/search:", rel);
		for (int v = 0; v < 4; v++) {
			int plain, search;
			snprintf(path, sizeof path, "%s/%s", dir, files[v]);
			ck_assert_msg(hash_file(path, f->variant[v]), "no hash for %s of %s",
			              variant_names[v], rel);
			plain = pdq_distance(&f->original[0], &f->variant[v][0]);
			search = search_distance(f->original, f->variant[v]);
			printf("  %s %3d/%3d", variant_names[v], plain, search);
			worst_plain[v] = plain > worst_plain[v] ? plain : worst_plain[v];
			worst_search[v] = search > worst_search[v] ? search : worst_search[v];
			ck_assert_msg(search <= 31, "%s of %s is at distance %d", variant_names[v], rel, search);
			if (v != 2) /* crops: see above */
				ck_assert_msg(plain <= 31, "%s of %s: PDQ distance %d", variant_names[v], rel,
				              plain);
			unlink(path);
		}
		printf("\n");
		n++;
	}
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++) {
			int d = pdq_distance(&fam[a].original[0], &fam[b].original[0]);
			int search = search_distance(fam[a].original, fam[b].original);
			unrelated[n_unrelated++] = d;
			least_unrelated_search = search < least_unrelated_search ? search : least_unrelated_search;
			ck_assert_msg(search > 31, "%s and %s are only %d apart", fam[a].name, fam[b].name,
			              search);
		}
	qsort(unrelated, (size_t)n_unrelated, sizeof *unrelated, by_int);
	printf("pdq variants: %zu originals; largest PDQ/search distance: resized %d/%d, JPEG q50 "
	       "%d/%d, cropped %d/%d, grey %d/%d\n", n, worst_plain[0], worst_search[0],
	       worst_plain[1], worst_search[1], worst_plain[2], worst_search[2], worst_plain[3],
	       worst_search[3]);
	printf("pdq variants: %d unrelated pairs: PDQ distance min %d, median %d, max %d; least "
	       "search distance %d\n", n_unrelated, unrelated[0], unrelated[n_unrelated / 2],
	       unrelated[n_unrelated - 1], least_unrelated_search);
	run_quiet("rm -rf '%s'", dir);
}
END_TEST

/* ---------------------------------------------------------------- hostile media */

static exhibit_host *analyze_hostile(const char *mime, const void *data, size_t len, int *rc)
{
	struct timespec t0, t1;
	exhibit_host *host;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	host = analyze_bytes(plugin(), mime, data, len, rc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* A hang is a call that outlives the plugin's wall-clock budget (180 s
	 * for a video); the sanitizer build, whose malloc unwinds the stack on
	 * every call FFmpeg makes, is slow but well within it. */
	ck_assert_msg(t1.tv_sec - t0.tv_sec < 200, "%s took %ld s", mime, (long)(t1.tv_sec - t0.tv_sec));
	return host;
}

/* expect_error — an error was reported, analyze() failed, and no record
 * claims a clean decode. */
static void expect_error(const char *what, const char *mime, const void *data, size_t len)
{
	int rc;
	exhibit_host *host = analyze_hostile(mime, data, len, &rc);

	ck_assert_msg(rc < 0, "%s: analyze() returned %d", what, rc);
	ck_assert_msg(stub_host_error_count(host) > 0, "%s: no error reported", what);
	for (size_t i = 0; i < stub_host_record_count(host, "media_pdq"); i++) {
		int64_t complete;
		ck_assert(field_int(stub_host_record(host, "media_pdq", i), "complete", &complete));
		ck_assert_msg(complete == 0, "%s: a damaged picture is marked complete", what);
	}
	printf("hostile: %-34s -> %s\n", what, stub_host_error(host, 0)->message);
	stub_host_free(host);
}

START_TEST(garbage_and_empty_items_are_errors)
{
	unsigned char junk[4096];

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 7919 >> 3);
	expect_error("garbage as JPEG", "image/jpeg", junk, sizeof junk);
	expect_error("garbage as PNG", "image/png", junk, sizeof junk);
	expect_error("garbage as MP4", "video/mp4", junk, sizeof junk);
	expect_error("garbage as Matroska", "video/x-matroska", junk, sizeof junk);
	expect_error("garbage as MPEG-TS", "video/mp2t", junk, sizeof junk);
	expect_error("empty JPEG", "image/jpeg", "", 0);
	expect_error("empty MP4", "video/mp4", "", 0);
	expect_error("unknown type", "image/x-unknown", junk, 16);
}
END_TEST

static unsigned char *corpus_file(const char *rel, size_t *len)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", corpus_dir(), rel);
	return read_whole(path, len);
}

START_TEST(cut_and_corrupted_jpeg)
{
	size_t len;
	unsigned char *jpg;

	if (!corpus_present())
		return;
	jpg = corpus_file("filetype/sample.jpg", &len);
	expect_error("JPEG cut after its headers", "image/jpeg", jpg, 700);
	expect_error("JPEG cut in half", "image/jpeg", jpg, len / 2);
	for (size_t i = len / 3; i < len / 3 + 400; i++)
		jpg[i] ^= 0x5a;
	expect_error("JPEG with 400 bytes scrambled", "image/jpeg", jpg, len);
	free(jpg);
}
END_TEST

/* sof_at — the offset of the first SOFn marker's segment. */
static size_t sof_at(const unsigned char *d, size_t len)
{
	for (size_t i = 2; i + 9 < len;) {
		unsigned m = d[i + 1];
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc)
			return i;
		i += 2 + ((size_t)d[i + 2] << 8 | d[i + 3]);
	}
	return 0;
}

START_TEST(huge_claimed_sizes_are_refused)
{
	size_t len, at;
	unsigned char *jpg, *png;
	uint32_t crc;
	int rc;
	exhibit_host *host;

	if (!corpus_present())
		return;
	jpg = corpus_file("filetype/sample.jpg", &len);
	at = sof_at(jpg, len);
	ck_assert_uint_gt(at, 0);
	jpg[at + 5] = jpg[at + 6] = jpg[at + 7] = jpg[at + 8] = 0xff; /* 65535 x 65535 */
	host = analyze_hostile("image/jpeg", jpg, len, &rc);
	ck_assert_int_eq(rc, EXHIBIT_ERR_LIMIT);
	ck_assert(has_error(host, "65535 x 65535"));
	ck_assert_uint_eq(stub_host_record_count(host, "media_pdq"), 0);
	stub_host_free(host);
	free(jpg);

	/* PNG: IHDR width and height 100000 (the CRC made right, so only the
	 * size is wrong) */
	png = corpus_file("filetype/sample.png", &len);
	ck_assert(len > 33 && !memcmp(png + 12, "IHDR", 4));
	png[16] = 0; png[17] = 0x01; png[18] = 0x86; png[19] = 0xa0;
	png[20] = 0; png[21] = 0x01; png[22] = 0x86; png[23] = 0xa0;
	crc = 0xffffffffu;
	for (size_t i = 12; i < 29; i++) {
		crc ^= png[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	crc ^= 0xffffffffu;
	png[29] = (unsigned char)(crc >> 24);
	png[30] = (unsigned char)(crc >> 16);
	png[31] = (unsigned char)(crc >> 8);
	png[32] = (unsigned char)crc;
	host = analyze_hostile("image/png", png, len, &rc);
	ck_assert_int_eq(rc, EXHIBIT_ERR_LIMIT);
	ck_assert(has_error(host, "100000 x 100000"));
	ck_assert_uint_eq(stub_host_record_count(host, "media_pdq"), 0);
	stub_host_free(host);
	free(png);
}
END_TEST

START_TEST(cut_and_corrupted_videos)
{
	static const struct { const char *rel, *mime; } v[] = {
		{ "filetype/sample.mp4", "video/mp4" }, { "filetype/sample.mkv", "video/x-matroska" },
		{ "iped/test_videoFlv.flv", "video/x-flv" }, { "filetype/sample.webm", "video/webm" },
	};

	if (!corpus_present())
		return;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t len;
		unsigned char *data = corpus_file(v[i].rel, &len);
		int rc;
		exhibit_host *host;

		expect_error(v[i].rel, v[i].mime, data, 300); /* headers cut */
		/* scrambled in the middle: decoding goes on, or stops with an
		 * error, but never crashes or hangs */
		for (size_t k = len / 2; k < len / 2 + 2000 && k < len; k++)
			data[k] = (unsigned char)(data[k] * 31 + 7);
		host = analyze_hostile(v[i].mime, data, len, &rc);
		check_records_match_schema(host);
		stub_host_free(host);
		free(data);
	}
}
END_TEST

/* More frames than the decoder will decode: 24000 pictures of 16 x 16 in
 * 12 s (2000 per second), made with ffmpeg. */
START_TEST(endless_frames_stop_at_the_limit)
{
	char dir[] = "/tmp/exhibit-pdq-XXXXXX", path[256];
	size_t len;
	unsigned char *data;
	int rc;
	exhibit_host *host;

	if (!have_tool("ffmpeg")) {
		printf("SKIP: ffmpeg is needed to make the endless video\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/endless.mkv", dir);
	ck_assert(run_quiet("ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=16x16:rate=2000 "
	                    "-t 12 -c:v mpeg4 -g 100000 '%s'", path));
	data = read_whole(path, &len);
	ck_assert_ptr_nonnull(data);
	host = analyze_hostile("video/x-matroska", data, len, &rc);
	ck_assert_int_eq(rc, EXHIBIT_ERR_LIMIT);
	ck_assert(has_error(host, "pictures, the limit"));
	/* what was sampled before the limit is kept */
	ck_assert_uint_ge(stub_host_record_count(host, "media_frames"), 5);
	stub_host_free(host);
	free(data);
	run_quiet("rm -rf '%s'", dir);
}
END_TEST

/* The CPU budget, through the decoder with a tiny one. */
START_TEST(budgets_stop_decoding)
{
	size_t len;
	unsigned char *data;
	exhibit_host *host;
	exhibit_item item = { "/v.mp4", "v.mp4", 0, "video/mp4", "", 0 };
	decode_limits tiny = { 100000, 0.02, 60, 0 };
	decode_error e;
	decoded_picture pic;
	decoder *d;
	int rc = 0;

	if (!corpus_present())
		return;
	data = corpus_file("iped/test_videoMp4.mp4", &len);
	host = stub_host_new(data, len, "/v.mp4");
	item.size = len;
	if (decoder_open(&d, stub_host_api(), host, &item, &tiny, 512, &e) == 0) {
		while ((rc = decoder_next(d, &pic, &e)) == 0)
			;
		decoder_close(d);
	} else {
		rc = e.code;
	}
	ck_assert_int_eq(rc, EXHIBIT_ERR_LIMIT);
	ck_assert_msg(strstr(e.message, "CPU budget") != NULL, "%s", e.message);
	stub_host_free(host);
	free(data);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("media_pdq");
	TCase *tc = tcase_create("media_pdq");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, descriptor_takes_images_and_videos);
	tcase_add_test(tc, lossless_picture_hash_is_the_pixels_hash);
	tcase_add_test(tc, published_reference_vector);
	tcase_add_test(tc, large_picture_is_scaled_close_to_the_full_hash);
	tcase_add_test(tc, corpus_images_hash_cleanly);
	tcase_add_test(tc, corpus_videos_are_sampled_every_second);
	tcase_add_test(tc, two_encodings_of_one_video_match_frame_by_frame);
	tcase_add_test(tc, variants_stay_near_and_others_far);
	tcase_add_test(tc, garbage_and_empty_items_are_errors);
	tcase_add_test(tc, cut_and_corrupted_jpeg);
	tcase_add_test(tc, huge_claimed_sizes_are_refused);
	tcase_add_test(tc, cut_and_corrupted_videos);
	tcase_add_test(tc, endless_frames_stop_at_the_limit);
	tcase_add_test(tc, budgets_stop_decoding);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

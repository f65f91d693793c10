/*
 * check_image_metadata.c — unit tests of the image-metadata plugin,
 * through the stub host.
 *
 *   - the corpus: filetype/sample.jpg's Canon EOS 10D EXIF (and its XMP and
 *     thumbnail), and the size of every corpus image against ffprobe;
 *     skipped with a SKIP line when the corpus is absent;
 *   - the committed seeds of the image fuzz targets (tests/fuzz/corpus,
 *     made by make_media_seeds.py with known EXIF, XMP, PNG text, HEIF
 *     items);
 *   - EXIF built here entry by entry: times with and without their offset,
 *     GPS in every hemisphere with and without references, and hostile
 *     TIFF data (IFD loops, offsets outside the data, absurd counts, a
 *     thumbnail outside the data, unknown types, BigTIFF), both as TIFF
 *     files and inside JPEG APP1 segments; every seed cut at many points;
 *     a zTXt decompression bomb.  These always run.
 */
#include <check.h>

#include "check_run.h"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

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

static const char *sniffed(const unsigned char *data, size_t len)
{
	return sniff_content(data, len < SNIFF_HEAD_BYTES ? len : SNIFF_HEAD_BYTES, len)->mime_type;
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static exhibit_host *run(const char *mime, const unsigned char *data, size_t len, int *rc)
{
	double t0 = seconds_now();
	exhibit_host *host = analyze_bytes(plugin(), mime, data, len, rc);

	ck_assert_msg(seconds_now() - t0 < 2, "%s input took too long", mime);
	return host;
}

/* ---- a TIFF/EXIF builder ---------------------------------------------------- */

typedef struct tiff {
	unsigned char d[8192];
	size_t n;
} tiff;

typedef struct tentry {
	uint16_t tag, type;
	uint32_t count;
	const void *value; /* count x size bytes, little-endian */
	size_t len;
	int32_t pointer;   /* >= 0: the value is this offset (sub-IFD pointers) */
} tentry;

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* An IFD at offset at, its out-of-line values after it; RETURN its end. */
static size_t put_ifd(tiff *t, size_t at, const tentry *e, size_t n, uint32_t next)
{
	size_t data = at + 2 + 12 * n + 4;

	put16(t->d + at, (unsigned)n);
	for (size_t i = 0; i < n; i++) {
		unsigned char *x = t->d + at + 2 + 12 * i;
		put16(x, e[i].tag);
		put16(x + 2, e[i].type);
		put32(x + 4, e[i].count);
		if (e[i].pointer >= 0) {
			put32(x + 8, (uint32_t)e[i].pointer);
		} else if (e[i].len <= 4) {
			memset(x + 8, 0, 4);
			memcpy(x + 8, e[i].value, e[i].len);
		} else {
			put32(x + 8, (uint32_t)data);
			memcpy(t->d + data, e[i].value, e[i].len);
			data += e[i].len + (e[i].len & 1);
		}
	}
	put32(t->d + at + 2 + 12 * n, next);
	if (data > t->n)
		t->n = data;
	return data;
}

static void tiff_header(tiff *t)
{
	memset(t, 0, sizeof *t);
	memcpy(t->d, "II*\0\x08\0\0\0", 8);
	t->n = 8;
}

#define ASCII(tag, s) { (tag), 2, sizeof(s), (s), sizeof(s), -1 }
#define POINTER(tag, off) { (tag), 4, 1, NULL, 4, (off) }

/* GPS rationals: degrees, minutes, seconds (x100). */
static void gps_value(unsigned char out[24], uint32_t deg, uint32_t min, uint32_t sec100)
{
	put32(out, deg), put32(out + 4, 1);
	put32(out + 8, min), put32(out + 12, 1);
	put32(out + 16, sec100), put32(out + 20, 100);
}

/* IFD0 -> ExifIFD (time, offset?) and GPS (refs?). */
static void build_exif(tiff *t, const char *offset, const char *lat_ref, const char *lon_ref)
{
	static unsigned char lat[24], lon[24];
	tentry ifd0[] = { ASCII(0x10f, "Maker"), ASCII(0x110, "Model 1"), POINTER(0x8769, 200),
	                  POINTER(0x8825, 400) };
	tentry exif[3] = { ASCII(0x9003, "2022:11:12 13:14:15") };
	tentry gps[4];
	size_t n_exif = 1, n_gps = 0;

	tiff_header(t);
	gps_value(lat, 48, 51, 2772);  /* 48.8577 */
	gps_value(lon, 2, 17, 4200);   /* 2.295 */
	put_ifd(t, 8, ifd0, 4, 0);
	if (offset)
		exif[n_exif++] = (tentry){ 0x9011, 2, (uint32_t)strlen(offset) + 1, offset,
		                           strlen(offset) + 1, -1 };
	put_ifd(t, 200, exif, n_exif, 0);
	if (lat_ref)
		gps[n_gps++] = (tentry){ 1, 2, 2, lat_ref, 2, -1 };
	gps[n_gps++] = (tentry){ 2, 5, 3, lat, 24, -1 };
	if (lon_ref)
		gps[n_gps++] = (tentry){ 3, 2, 2, lon_ref, 2, -1 };
	gps[n_gps++] = (tentry){ 4, 5, 3, lon, 24, -1 };
	put_ifd(t, 400, gps, n_gps, 0);
}

/* TIFF data wrapped in a JPEG: SOI, APP1 "Exif\0\0", SOF0 16x8, SOS, EOI. */
static size_t as_jpeg(const tiff *t, unsigned char *out)
{
	static const unsigned char sof[] = { 0xff, 0xc0, 0, 11, 8, 0, 8, 0, 16, 1, 1, 0x11, 0 };
	static const unsigned char sos[] = { 0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0, 0xff, 0xd9 };
	size_t n = 0, app = 2 + 6 + t->n;

	out[n++] = 0xff, out[n++] = 0xd8, out[n++] = 0xff, out[n++] = 0xe1;
	out[n++] = (unsigned char)(app >> 8), out[n++] = (unsigned char)app;
	memcpy(out + n, "Exif\0\0", 6);
	n += 6;
	memcpy(out + n, t->d, t->n);
	n += t->n;
	memcpy(out + n, sof, sizeof sof);
	n += sizeof sof;
	memcpy(out + n, sos, sizeof sos);
	return n + sizeof sos;
}

/* ---- times and places ---------------------------------------------------------- */

START_TEST(original_time_with_and_without_its_offset)
{
	tiff t;
	int rc;
	exhibit_host *host;
	const stub_record *m;
	int64_t created;

	build_exif(&t, "+02:00", "N", "E");
	host = run("image/tiff", t.d, t.n, &rc);
	ck_assert_int_eq(rc, EXHIBIT_OK);
	m = media_record(host);
	/* 13:14:15 at +02:00 is 11:14:15Z */
	ck_assert(field_int(m, "created", &created) && created == 1668251655);
	ck_assert_str_eq(field_text(m, "created_offset"), "+02:00");
	ck_assert_ptr_null(field_text(m, "created_local"));
	ck_assert_str_eq(field_text(m, "created_source"), "exif:DateTimeOriginal");
	check_records_match_schema(host);
	stub_host_free(host);

	build_exif(&t, NULL, "N", "E");
	host = run("image/tiff", t.d, t.n, &rc);
	m = media_record(host);
	ck_assert(!field_int(m, "created", &created)); /* the zone is unknown: not UTC */
	ck_assert_str_eq(field_text(m, "created_local"), "2022-11-12T13:14:15");
	stub_host_free(host);
}
END_TEST

START_TEST(gps_in_every_hemisphere)
{
	static const struct { const char *lat_ref, *lon_ref; double lat, lon; } cases[] = {
		{ "N", "E", 48.8577, 2.295 }, { "S", "E", -48.8577, 2.295 },
		{ "N", "W", 48.8577, -2.295 }, { "S", "W", -48.8577, -2.295 },
		{ NULL, NULL, 48.8577, 2.295 },
	};
	tiff t;
	int rc;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		exhibit_host *host;
		const stub_record *m;
		double lat, lon;
		unsigned char jpeg[9000];
		size_t n;

		build_exif(&t, NULL, cases[i].lat_ref, cases[i].lon_ref);
		n = as_jpeg(&t, jpeg);
		host = run("image/jpeg", jpeg, n, &rc);
		ck_assert_int_eq(rc, EXHIBIT_OK);
		m = media_record(host);
		ck_assert(field_real(m, "latitude", &lat) && NEAR(lat, cases[i].lat, 1e-9));
		ck_assert(field_real(m, "longitude", &lon) && NEAR(lon, cases[i].lon, 1e-9));
		ck_assert_str_eq(field_text(m, "location_source"), "exif:GPS");
		if (!cases[i].lat_ref)
			ck_assert_ptr_nonnull(tag_value(host, "exhibit", "gps_reference"));
		ck_assert_str_eq(field_text(m, "make"), "Maker");
		stub_host_free(host);
	}
}
END_TEST

/* UserComment with its character code; Windows XP title in UTF-16LE. */
START_TEST(coded_texts)
{
	tiff t;
	static const char ascii[] = "ASCII\0\0\0hello  ";
	static const char unicode[] = "UNICODE\0h\0\xe9\0";
	static const char xp[] = "T\0i\0\xe9\0";
	tentry ifd0[] = { { 0x9c9b, 1, sizeof xp - 1, xp, sizeof xp - 1, -1 }, POINTER(0x8769, 200) };
	tentry exif[] = { { 0x9286, 7, sizeof ascii - 1, ascii, sizeof ascii - 1, -1 } };
	tentry exif2[] = { { 0x9286, 7, sizeof unicode - 1, unicode, sizeof unicode - 1, -1 } };
	int rc;
	exhibit_host *host;

	tiff_header(&t);
	put_ifd(&t, 8, ifd0, 2, 0);
	put_ifd(&t, 200, exif, 1, 0);
	host = run("image/tiff", t.d, t.n, &rc);
	ck_assert_str_eq(tag_value(host, "exif", "ExifIFD.UserComment"), "hello");
	ck_assert_str_eq(tag_value(host, "exif", "IFD0.XPTitle"), "Ti\xc3\xa9");
	stub_host_free(host);
	put_ifd(&t, 200, exif2, 1, 0);
	host = run("image/tiff", t.d, t.n, &rc);
	ck_assert_str_eq(tag_value(host, "exif", "ExifIFD.UserComment"), "h\xc3\xa9");
	stub_host_free(host);
}
END_TEST

/* ---- hostile EXIF ---------------------------------------------------------------- */

static void expect_error(tiff *t, const char *text)
{
	unsigned char jpeg[9000];
	size_t n = as_jpeg(t, jpeg);
	int rc;
	exhibit_host *host = run("image/tiff", t->d, t->n, &rc);

	ck_assert_msg(has_error(host, text), "TIFF: no error with '%s'", text);
	ck_assert_int_eq(rc, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(stub_host_record_count(host, "media"), 1);
	for (size_t i = 0; i < stub_host_error_count(host); i++)
		ck_assert_int_le(stub_host_error(host, i)->offset, (int64_t)t->n);
	stub_host_free(host);
	host = run("image/jpeg", jpeg, n, &rc);
	ck_assert_msg(has_error(host, text), "JPEG: no error with '%s'", text);
	ck_assert_uint_eq(stub_host_record_count(host, "media"), 1);
	stub_host_free(host);
}

START_TEST(hostile_exif)
{
	tiff t;
	tentry one[] = { ASCII(0x10f, "Maker") };
	tentry to_self[] = { POINTER(0x8769, 8) };
	tentry outside[] = { POINTER(0x8769, 0x7ffffff0) };
	tentry far_value[] = { { 0x10f, 2, 100000, NULL, 4, 0x10 } };
	tentry bad_type[] = { { 0x10f, 99, 1, "x", 1, -1 } };
	tentry thumb[] = { { 0x103, 3, 1, "\x06\0", 2, -1 }, { 0x201, 4, 1, "\xf0\xff\0\0", 4, -1 },
	                   { 0x202, 4, 1, "\x00\x10\0\0", 4, -1 } };
	int rc;
	exhibit_host *host;

	/* IFD0 whose next IFD is itself; the ExifIFD pointing back at IFD0 */
	tiff_header(&t);
	put_ifd(&t, 8, one, 1, 8);
	expect_error(&t, "a loop");
	tiff_header(&t);
	put_ifd(&t, 8, to_self, 1, 0);
	expect_error(&t, "a loop");
	/* a sub-IFD and a value far outside the data */
	tiff_header(&t);
	put_ifd(&t, 8, outside, 1, 0);
	expect_error(&t, "lies outside the EXIF data");
	tiff_header(&t);
	put_ifd(&t, 8, far_value, 1, 0);
	expect_error(&t, "outside the EXIF data");
	/* an IFD declaring 65535 entries */
	tiff_header(&t);
	put_ifd(&t, 8, one, 1, 0);
	put16(t.d + 8, 65535);
	expect_error(&t, "declares 65535 entries");
	/* an unknown type; a thumbnail outside the data */
	tiff_header(&t);
	put_ifd(&t, 8, bad_type, 1, 0);
	expect_error(&t, "unknown type");
	tiff_header(&t);
	put_ifd(&t, 8, one, 1, 40);
	put_ifd(&t, 40, thumb, 3, 0);
	expect_error(&t, "thumbnail");
	/* the first IFD outside the data; BigTIFF */
	tiff_header(&t);
	put32(t.d + 4, 0xfffffff0);
	t.n = 16;
	expect_error(&t, "lies outside");
	tiff_header(&t);
	memcpy(t.d, "II+\0", 4);
	t.n = 16;
	host = run("image/tiff", t.d, t.n, &rc);
	ck_assert(has_error(host, "BigTIFF"));
	ck_assert_uint_eq(stub_host_record_count(host, "media"), 0);
	stub_host_free(host);
}
END_TEST

/* 2000 IFDs chained one after another: bounded, reported. */
START_TEST(exif_chain_is_bounded)
{
	tiff t;
	tentry one[] = { { 0x131, 3, 1, "\1\0", 2, -1 } };
	int rc;
	exhibit_host *host;

	tiff_header(&t);
	for (size_t i = 0; i < 400; i++)
		put_ifd(&t, 8 + 18 * i, one, 1, i + 1 < 400 ? (uint32_t)(8 + 18 * (i + 1)) : 0);
	host = run("image/tiff", t.d, t.n, &rc);
	ck_assert(has_error(host, "more than 32 IFDs"));
	ck_assert_uint_le(stub_host_record_count(host, "media_tags"), 40);
	stub_host_free(host);
}
END_TEST

/* ---- seeds -------------------------------------------------------------------------- */

typedef struct sample {
	unsigned char *data;
	size_t len;
	char path[2048];
} sample;

static exhibit_host *seed(const char *target, const char *name, sample *s, int *rc)
{
	snprintf(s->path, sizeof s->path, "%s/tests/fuzz/corpus/%s/%s", EXHIBIT_SOURCE_DIR, target,
	         name);
	ck_assert_msg((s->data = read_whole(s->path, &s->len)) != NULL, "seed %s is missing", s->path);
	return run(sniffed(s->data, s->len), s->data, s->len, rc);
}

/* What make_media_seeds.py wrote into every seed's EXIF. */
static void check_seed_exif(const exhibit_host *host, const char *path)
{
	const stub_record *m = media_record(host);
	int64_t created, orientation;
	double lat, lon, alt;

	ck_assert_msg(field_text(m, "make") && !strcmp(field_text(m, "make"), "FuzzCam"), "%s", path);
	ck_assert_str_eq(field_text(m, "model"), "Model Z");
	ck_assert_str_eq(field_text(m, "software"), "seedgen1");
	ck_assert_str_eq(field_text(m, "body_serial"), "SN1234");
	ck_assert_str_eq(field_text(m, "lens_serial"), "LN5678");
	ck_assert_str_eq(field_text(m, "lens_model"), "Lens 50m");
	ck_assert(field_int(m, "created", &created) && created == 1668276855);
	ck_assert_str_eq(field_text(m, "created_offset"), "-05:00");
	ck_assert(field_real(m, "latitude", &lat) && NEAR(lat, -(33 + 52 / 60.0 + 7.68 / 3600), 1e-9));
	ck_assert(field_real(m, "longitude", &lon) && NEAR(lon, -70.5, 1e-9));
	ck_assert(field_real(m, "altitude", &alt) && NEAR(alt, -12.5, 1e-9));
	ck_assert(field_int(m, "orientation", &orientation) && orientation == 6);
	ck_assert_uint_eq(stub_host_child_count(host), 1);
}

START_TEST(seeds_carry_what_was_written)
{
	static const char *const with_exif[][2] = {
		{ "exif", "little_endian.tif" }, { "exif", "big_endian.tif" },
		{ "jpeg", "exif_xmp.jpg" }, { "png", "text_exif.png" }, { "heif", "exif_xmp.heic" },
		{ "webp", "extended.webp" },
	};
	sample s;
	int rc;
	exhibit_host *host;
	const stub_record *m;
	int64_t w, h, rotation;

	for (size_t i = 0; i < sizeof with_exif / sizeof with_exif[0]; i++) {
		size_t len;
		const unsigned char *child;
		host = seed(with_exif[i][0], with_exif[i][1], &s, &rc);
		ck_assert_msg(rc == EXHIBIT_OK, "%s: rc %d", s.path, rc);
		check_seed_exif(host, s.path);
		check_records_match_schema(host);
		child = stub_host_child(host, 0, &len, NULL);
		ck_assert(len > 3 && child[0] == 0xff && child[1] == 0xd8);
		stub_host_free(host);
		free(s.data);
	}
	host = seed("png", "text_exif.png", &s, &rc);
	ck_assert_str_eq(tag_value(host, "png", "Software"), "seedgen \xc3\xa9"); /* Latin-1 é */
	ck_assert_str_eq(tag_value(host, "png", "Comment"), "compressed text");  /* zTXt */
	ck_assert_str_eq(tag_value(host, "xmp", "xmp:CreatorTool"), "seedgen");  /* iTXt XMP */
	ck_assert_str_eq(tag_value(host, "png", "tIME"), "2022-11-12T13:14:15Z");
	stub_host_free(host);
	free(s.data);
	host = seed("heif", "exif_xmp.heic", &s, &rc);
	m = media_record(host);
	ck_assert_str_eq(field_text(m, "codec"), "hevc");
	ck_assert(field_int(m, "width", &w) && w == 640);
	ck_assert(field_int(m, "height", &h) && h == 480);
	ck_assert(field_int(m, "rotation", &rotation) && rotation == 90); /* irot 270 anticlockwise */
	stub_host_free(host);
	free(s.data);
	host = seed("gif", "animated.gif", &s, &rc);
	ck_assert_str_eq(tag_value(host, "gif", "frames"), "2");
	stub_host_free(host);
	free(s.data);
}
END_TEST

START_TEST(seeds_cut_at_many_points)
{
	static const char *const seeds[][2] = {
		{ "exif", "little_endian.tif" }, { "jpeg", "exif_xmp.jpg" }, { "png", "text_exif.png" },
		{ "heif", "exif_xmp.heic" }, { "webp", "extended.webp" }, { "gif", "animated.gif" },
	};

	for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
		sample s;
		int rc;
		exhibit_host *host = seed(seeds[k][0], seeds[k][1], &s, &rc);
		const char *mime = sniffed(s.data, s.len);
		size_t reported = 0, cuts = 0;

		stub_host_free(host);
		for (size_t cut = 1; cut < s.len; cut += 1 + s.len / 150) {
			host = run(mime, s.data, cut, &rc);
			ck_assert(rc == EXHIBIT_OK || rc == EXHIBIT_ERR_FORMAT || rc == EXHIBIT_ERR_LIMIT);
			for (size_t i = 0; i < stub_host_error_count(host); i++)
				ck_assert_msg(stub_host_error(host, i)->offset <= (int64_t)cut,
				              "%s cut at %zu: %s", s.path, cut, stub_host_error(host, i)->message);
			reported += stub_host_error_count(host) > 0;
			cuts++;
			stub_host_free(host);
		}
		/* TIFF data has no length of its own: a cut past the structures
		 * leaves the pointed-at values whole, so fewer cuts are noticed */
		ck_assert_msg(reported * 10 >= cuts * (strcmp(seeds[k][0], "exif") ? 8 : 5),
		              "%s: only %zu of %zu cuts reported", s.path, reported, cuts);
		free(s.data);
	}
}
END_TEST

START_TEST(ztxt_bomb_is_bounded)
{
	size_t plain_len = 16u << 20, packed_len = compressBound(16u << 20);
	unsigned char *plain = calloc(1, plain_len), *png = malloc(packed_len + 200);
	static const unsigned char head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	                                      0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1,
	                                      8, 0, 0, 0, 0, 0, 0, 0, 0 };
	uLongf packed = (uLongf)packed_len;
	size_t n = sizeof head;
	int rc;
	exhibit_host *host;

	ck_assert_int_eq(compress(png + n + 8 + 9, &packed, plain, plain_len), Z_OK);
	memcpy(png, head, sizeof head);
	put32(png + n, 0);
	png[n] = (unsigned char)((packed + 9) >> 24), png[n + 1] = (unsigned char)((packed + 9) >> 16);
	png[n + 2] = (unsigned char)((packed + 9) >> 8), png[n + 3] = (unsigned char)(packed + 9);
	memcpy(png + n + 4, "zTXt", 4);
	memcpy(png + n + 8, "Comment\0\0", 9);
	n += 8 + 9 + packed + 4;
	memcpy(png + n, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
	n += 12;
	host = run("image/png", png, n, &rc);
	ck_assert(has_error(host, "does not inflate whole"));
	ck_assert_uint_le(strlen(tag_value(host, "png", "Comment")), 4096);
	stub_host_free(host);
	free(plain);
	free(png);
}
END_TEST

/* ---- the corpus --------------------------------------------------------------------- */

START_TEST(sample_jpg_canon_eos_10d)
{
	char path[1024];
	size_t len, tlen;
	unsigned char *data;
	int rc;
	exhibit_host *host, *child_host;
	const stub_record *m;
	int64_t w, h, created, orientation;
	const unsigned char *thumb;

	snprintf(path, sizeof path, "%s/filetype/sample.jpg", corpus_dir());
	if (!(data = read_whole(path, &len))) {
		printf("SKIP: %s is absent (set EXHIBIT_CORPUS)\n", path);
		return;
	}
	host = run("image/jpeg", data, len, &rc);
	ck_assert_int_eq(rc, EXHIBIT_OK);
	m = media_record(host);
	ck_assert_str_eq(field_text(m, "make"), "Canon");
	ck_assert_str_eq(field_text(m, "model"), "Canon EOS 10D");
	ck_assert_str_eq(field_text(m, "software"), "Adobe Photoshop CS Macintosh");
	ck_assert(field_int(m, "width", &w) && w == 600);
	ck_assert(field_int(m, "height", &h) && h == 400);
	ck_assert(field_int(m, "orientation", &orientation) && orientation == 1);
	ck_assert_str_eq(tag_value(host, "exif", "ExifIFD.DateTimeOriginal"), "2005:05:08 17:52:50");
	ck_assert_str_eq(tag_value(host, "exif", "ExifIFD.FNumber"), "25/10");
	ck_assert_str_eq(tag_value(host, "exif", "ExifIFD.PhotographicSensitivity"), "800");
	/* EXIF gives the local time; the XMP packet gives the same moment
	 * with its zone, 2005-05-08T17:52:50+09:00 */
	ck_assert(field_int(m, "created", &created) && created == 1115542370);
	ck_assert_str_eq(field_text(m, "created_offset"), "+09:00");
	check_records_match_schema(host);
	/* the IFD1 thumbnail, a JPEG of its own */
	ck_assert_uint_eq(stub_host_child_count(host), 1);
	thumb = stub_host_child(host, 0, &tlen, NULL);
	ck_assert_uint_eq(tlen, 3937);
	child_host = run("image/jpeg", thumb, tlen, &rc);
	ck_assert_int_eq(rc, EXHIBIT_OK);
	ck_assert(field_int(media_record(child_host), "width", &w) && w > 0);
	stub_host_free(child_host);
	stub_host_free(host);
	free(data);
}
END_TEST

START_TEST(corpus_image_sizes_agree_with_ffprobe)
{
	static const char *const names[] = { "filetype/sample.jpg", "filetype/sample.png",
	                                     "filetype/sample.gif", "filetype/sample.avif",
	                                     "iped/test_horseGif.gif" };
	int n = 0;

	if (!ffprobe_available()) {
		printf("SKIP: ffprobe is not installed (Debian package ffmpeg)\n");
		return;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[1024];
		size_t len;
		unsigned char *data;
		probe pr;
		int rc;
		int64_t w, h;
		exhibit_host *host;

		snprintf(path, sizeof path, "%s/%s", corpus_dir(), names[i]);
		if (!(data = read_whole(path, &len))) {
			printf("SKIP: %s is absent (set EXHIBIT_CORPUS)\n", path);
			continue;
		}
		ck_assert(ffprobe_run(path, &pr) && pr.n_streams >= 1);
		host = run(sniffed(data, len), data, len, &rc);
		ck_assert(field_int(media_record(host), "width", &w) &&
		          field_int(media_record(host), "height", &h));
		ck_assert_msg(w == pr.streams[0].width && h == pr.streams[0].height,
		              "%s: %lldx%lld, ffprobe %lldx%lld", path, (long long)w, (long long)h,
		              (long long)pr.streams[0].width, (long long)pr.streams[0].height);
		ck_assert_str_eq(field_text(media_record(host), "codec"), pr.streams[0].codec);
		stub_host_free(host);
		free(data);
		n++;
	}
	(void)n;
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image-metadata");
	TCase *built = tcase_create("built");
	TCase *seeds = tcase_create("seeds");
	TCase *corpus = tcase_create("corpus");

	tcase_add_test(built, original_time_with_and_without_its_offset);
	tcase_add_test(built, gps_in_every_hemisphere);
	tcase_add_test(built, coded_texts);
	tcase_add_test(built, hostile_exif);
	tcase_add_test(built, exif_chain_is_bounded);
	tcase_add_test(built, ztxt_bomb_is_bounded);
	tcase_set_timeout(seeds, 60);
	tcase_add_test(seeds, seeds_carry_what_was_written);
	tcase_add_test(seeds, seeds_cut_at_many_points);
	tcase_set_timeout(corpus, 60);
	tcase_add_test(corpus, sample_jpg_canon_eos_10d);
	tcase_add_test(corpus, corpus_image_sizes_agree_with_ffprobe);
	suite_add_tcase(s, built);
	suite_add_tcase(s, seeds);
	suite_add_tcase(s, corpus);
	return s;
}

int main(void)
{
	return check_run_suite(image_suite());
}

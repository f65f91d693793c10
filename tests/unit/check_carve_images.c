/*
 * check_carve_images.c — the image carvers (plugins/carve-images) through
 * tests/support/carve_stub, which drives their three stages as the host's
 * carving engine does.
 *
 *   - every image of the corpus (filetype/, iped/; skipped with a SKIP line
 *     when the corpus is absent) and images made here at test time
 *     (ffmpeg, cjpeg/jpegtran, heif-enc, avifenc, tiffcp when installed;
 *     a SKIP line names what is missing), each embedded in seeded random
 *     bytes at an odd offset and scanned with blocks of 1, 13, 4096 and
 *     65536 bytes: carved whole once, at its offset with its length, and
 *     nothing else whole;
 *   - the same files cut short (never whole), with a 4 KiB block of noise
 *     in the middle (broken, and for formats whose structure shows it, the
 *     break reported close to the noise), with their magic followed by
 *     noise (never whole);
 *   - each carver's state resumed from a copy at every block boundary;
 *   - hostile files: JPEG marker loops and endless fill bytes, scans that
 *     never end, MPF indexes, absurd sizes in every format, boxes of size
 *     0 and 1, HEIF items cut short, IFD loops, EXIF blocks that must not
 *     pass for TIFF files;
 *     each judged within a time limit;
 *   - the JPEG of the DFTT #9 FAT image carved from the raw image, against
 *     the MD5 its answer key gives.
 */
#include <check.h>

#include "check_run.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "carve_images.h"
#include "inflate_check.h"
#include "jpeg_progressive.h"
#include "carve_stub.h"
#include "hash.h"
#include "stub_host.h"

#ifndef EXHIBIT_CORPUS_DIR
#define EXHIBIT_CORPUS_DIR "../shared/corpus"
#endif

#define MAX_STATE (16u * 1024)
#define TIME_LIMIT 2.0 /* seconds for any one scan */

enum format { F_JPEG = 0, F_PNG, F_GIF, F_BMP, F_WEBP, F_HEIF, F_TIFF, N_FORMATS };

static const struct {
	const char *name;
	const exhibit_plugin *(*plugin)(void);
} formats[N_FORMATS] = {
	{ "jpeg", carve_jpeg_plugin }, { "png", carve_png_plugin },   { "gif", carve_gif_plugin },
	{ "bmp", carve_bmp_plugin },   { "webp", carve_webp_plugin }, { "heif", carve_heif_plugin },
	{ "tiff", carve_tiff_plugin },
};

/* ---- files --------------------------------------------------------------------------- */

static const char *corpus_dir(void)
{
	const char *env = getenv("EXHIBIT_CORPUS");

	return env && *env ? env : EXHIBIT_CORPUS_DIR;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int shell(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	strcpy(cmd, "( ");
	vsnprintf(cmd + 2, sizeof cmd - 32, fmt, ap);
	va_end(ap);
	strcat(cmd, " ) >/dev/null 2>&1");
	return system(cmd) == 0;
}

static int have_tool(const char *name)
{
	return shell("command -v %s", name);
}

/* A test file: from the corpus or made here. */
typedef struct sample {
	char name[64];
	enum format format;
	unsigned char *data;
	size_t len;
} sample;

#define MAX_SAMPLES 96
static sample samples[MAX_SAMPLES];
static size_t n_samples;
static char work[64];

static void add_sample(enum format format, const char *name, const char *path)
{
	sample *s = &samples[n_samples];

	if (n_samples == MAX_SAMPLES || !(s->data = slurp(path, &s->len)))
		return;
	snprintf(s->name, sizeof s->name, "%s", name);
	s->format = format;
	n_samples++;
}

/* How the test images are made: format, file name, the tool it needs and
 * its command (SRC: a 321x241 test picture, as PPM and PNG). */
static const struct {
	enum format format;
	const char *file, *tool, *command;
} recipes[] = {
	{ F_JPEG, "ff420.jpg", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt yuvj420p -q:v 3 OUT" },
	{ F_JPEG, "ff444.jpg", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt yuvj444p -q:v 2 OUT" },
	{ F_JPEG, "ff422.jpg", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt yuvj422p -q:v 5 OUT" },
	{ F_JPEG, "baseline.jpg", "cjpeg", "cjpeg -quality 90 -outfile OUT SRC.ppm" },
	{ F_JPEG, "optimized411.jpg", "cjpeg", "cjpeg -optimize -sample 4x1 -outfile OUT SRC.ppm" },
	{ F_JPEG, "gray.jpg", "cjpeg", "cjpeg -grayscale -outfile OUT SRC.ppm" },
	{ F_JPEG, "restart.jpg", "cjpeg", "cjpeg -restart 2 -outfile OUT SRC.ppm" },
	{ F_JPEG, "progressive.jpg", "cjpeg", "cjpeg -progressive -outfile OUT SRC.ppm" },
	{ F_JPEG, "progressive_restart.jpg", "cjpeg",
	  "cjpeg -progressive -restart 1 -outfile OUT SRC.ppm" },
	{ F_JPEG, "arithmetic.jpg", "cjpeg", "cjpeg -arithmetic -outfile OUT SRC.ppm" },
	{ F_JPEG, "exif_progressive.jpg", "jpegtran",
	  "jpegtran -copy all -progressive -outfile OUT CORPUS/filetype/sample.jpg" },
	{ F_PNG, "rgb.png", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt rgb24 OUT" },
	{ F_PNG, "rgba.png", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt rgba OUT" },
	{ F_PNG, "pal8.png", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt pal8 OUT" },
	{ F_PNG, "gray16.png", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt gray16be OUT" },
	{ F_PNG, "anim.png", "ffmpeg",
	  "ffmpeg -y -f lavfi -i testsrc=size=64x48:rate=5 -frames:v 4 -plays 0 -f apng OUT" },
	{ F_GIF, "still.gif", "ffmpeg", "ffmpeg -y -i SRC.png OUT" },
	{ F_GIF, "anim.gif", "ffmpeg",
	  "ffmpeg -y -f lavfi -i testsrc=size=160x120:rate=10 -frames:v 12 OUT" },
	{ F_BMP, "bgr24.bmp", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt bgr24 OUT" },
	{ F_BMP, "pal8.bmp", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt pal8 OUT" },
	{ F_BMP, "rgb565.bmp", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt rgb565le OUT" },
	{ F_BMP, "mono.bmp", "ffmpeg", "ffmpeg -y -i SRC.png -pix_fmt monob OUT" },
	{ F_WEBP, "lossy.webp", "ffmpeg", "ffmpeg -y -i SRC.png -c:v libwebp -quality 75 OUT" },
	{ F_WEBP, "lossless.webp", "ffmpeg", "ffmpeg -y -i SRC.png -c:v libwebp -lossless 1 OUT" },
	{ F_WEBP, "anim.webp", "ffmpeg",
	  "ffmpeg -y -f lavfi -i testsrc=size=96x64:rate=10 -frames:v 6 -c:v libwebp_anim -loop 0 "
	  "OUT" },
	{ F_HEIF, "image.heic", "heif-enc", "heif-enc -q 50 SRC.png -o OUT" },
	{ F_HEIF, "thumbnail.heic", "heif-enc", "heif-enc -q 50 -t 64 SRC.png -o OUT" },
	{ F_HEIF, "heif-enc.avif", "heif-enc", "heif-enc -q 50 --avif SRC.png -o OUT" },
	{ F_HEIF, "avifenc.avif", "avifenc", "avifenc SRC.png OUT" },
	{ F_TIFF, "ffmpeg.tif", "ffmpeg", "ffmpeg -y -i SRC.png OUT" },
	{ F_TIFF, "ffmpeg_lzw.tif", "ffmpeg", "ffmpeg -y -i SRC.png -compression_algo lzw OUT" },
	{ F_TIFF, "tiled.tif", "tiffcp", "tiffcp -t -c zip DIR/ffmpeg.tif OUT" },
	{ F_TIFF, "bigtiff.tif", "tiffcp", "tiffcp -8 DIR/ffmpeg.tif OUT" },
	{ F_TIFF, "pages.tif", "tiffcp", "tiffcp DIR/ffmpeg.tif DIR/ffmpeg_lzw.tif OUT" },
};

/* expand — a recipe's command with SRC, OUT, DIR and CORPUS filled in. */
static void expand(const char *command, const char *out, char *cmd, size_t size)
{
	size_t n = 0;

	for (const char *p = command; *p && n + 256 < size;) {
		const char *word = NULL;
		size_t skip = 0;
		if (!strncmp(p, "SRC", 3))
			word = "SRC", skip = 3;
		else if (!strncmp(p, "OUT", 3))
			word = out, skip = 3;
		else if (!strncmp(p, "DIR", 3))
			word = "", skip = 3;
		else if (!strncmp(p, "CORPUS", 6))
			word = corpus_dir(), skip = 6;
		if (!word) {
			cmd[n++] = *p++;
			continue;
		}
		if (!strcmp(word, "SRC"))
			n += (size_t)snprintf(cmd + n, size - n, "%s/src", work);
		else if (!*word)
			n += (size_t)snprintf(cmd + n, size - n, "%s", work);
		else
			n += (size_t)snprintf(cmd + n, size - n, "%s", word);
		p += skip;
	}
	cmd[n] = '\0';
}

static void make_samples(void)
{
	static const struct {
		enum format format;
		const char *path;
	} corpus[] = {
		{ F_JPEG, "filetype/sample.jpg" }, { F_PNG, "filetype/sample.png" },
		{ F_GIF, "filetype/sample.gif" },  { F_GIF, "iped/test_horseGif.gif" },
		{ F_HEIF, "filetype/sample.avif" },
	};
	char path[512], cmd[2048];
	int missing_corpus = 0;

	snprintf(work, sizeof work, "/tmp/exhibit-carve-images-XXXXXX");
	if (!mkdtemp(work))
		return;
	for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", corpus_dir(), corpus[i].path);
		if (access(path, R_OK) == 0)
			add_sample(corpus[i].format, corpus[i].path, path);
		else
			missing_corpus = 1;
	}
	if (missing_corpus)
		printf("SKIP: corpus images are absent from %s (set EXHIBIT_CORPUS)\n", corpus_dir());
	if (!have_tool("ffmpeg") ||
	    !shell("ffmpeg -y -f lavfi -i testsrc2=size=320x240:rate=1 -vf scale=321:241 -frames:v 1 "
	           "-update 1 -pix_fmt rgb24 %s/src.png && ffmpeg -y -i %s/src.png %s/src.ppm",
	           work, work, work)) {
		printf("SKIP: generated images need ffmpeg (Debian package ffmpeg)\n");
		return;
	}
	for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", work, recipes[i].file);
		if (!have_tool(recipes[i].tool)) {
			printf("SKIP: %s needs %s (Debian packages libjpeg-turbo-progs, libheif-examples, "
			       "libavif-bin, libtiff-tools)\n", recipes[i].file, recipes[i].tool);
			continue;
		}
		expand(recipes[i].command, path, cmd, sizeof cmd);
		if (!shell("%s", cmd) || access(path, R_OK) != 0) {
			printf("SKIP: could not make %s (%s)\n", recipes[i].file, cmd);
			continue;
		}
		add_sample(recipes[i].format, recipes[i].file, path);
	}
}

static void setup(void)
{
	if (!n_samples)
		make_samples();
}

static void teardown(void)
{
	if (work[0])
		shell("rm -rf '%s'", work);
}

/* ---- scanning -------------------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void noise(unsigned char *p, size_t n, uint64_t seed)
{
	rng_state = seed * 2654435761u + 88172645463325252ull;
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

/* embed — file in seeded noise at an odd offset (*at); the buffer. */
static unsigned char *embed(const unsigned char *file, size_t len, uint64_t seed, size_t *total,
                            size_t *at)
{
	size_t before = (1000 + seed % 3000) | 1, after = 3000;
	unsigned char *buf = malloc(before + len + after);

	ck_assert_ptr_nonnull(buf);
	noise(buf, before + len + after, seed);
	memcpy(buf + before, file, len);
	*total = before + len + after;
	*at = before;
	return buf;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* scan — carve_stub_scan within the time limit (the stub looks for
 * signatures at every byte, naively: a limit per MiB scanned). */
static size_t scan(const exhibit_plugin *p, const unsigned char *buf, size_t len, size_t block,
                   carve_stub_file **files, const char *what)
{
	double t0 = now(), limit = TIME_LIMIT * (1 + (double)len / (1 << 20)) * (block == 1 ? 4 : 1);
	size_t n = carve_stub_scan(p, buf, len, block, files);

	ck_assert_msg(n != (size_t)-1, "%s: out of memory", what);
	ck_assert_msg(now() - t0 < limit, "%s: %.2f s", what, now() - t0);
	return n;
}

/* The candidate found at offset at, or NULL. */
static const carve_stub_file *found_at(const carve_stub_file *f, size_t n, size_t at)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].offset == at)
			return &f[i];
	return NULL;
}

static size_t count_whole(const carve_stub_file *f, size_t n)
{
	size_t whole = 0;

	for (size_t i = 0; i < n; i++)
		whole += f[i].outcome == CARVE_STUB_WHOLE;
	return whole;
}

/* The signature of p a file starting at buf has. */
static size_t signature_of(const exhibit_plugin *p, const unsigned char *buf, size_t len)
{
	for (size_t s = 0; s < p->n_signatures; s++) {
		const exhibit_signature *sig = &p->signatures[s];
		if (sig->offset + sig->len <= len && !memcmp(buf + sig->offset, sig->bytes, sig->len))
			return s;
	}
	return 0;
}

/* judge — the candidate at buf[0] alone. */
static carve_stub_outcome judge(const exhibit_plugin *p, const unsigned char *buf, size_t len,
                                size_t block, carve_stub_file *f)
{
	return carve_stub_candidate(p, buf, len, signature_of(p, buf, len), block, f);
}

/* expect_carved — s in noise: carved whole exactly once, where it is. */
static void expect_carved(const sample *s)
{
	static const size_t blocks[] = { 13, 4096, 65536, 1 };
	const exhibit_plugin *p = formats[s->format].plugin();

	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
		size_t total, at, n;
		carve_stub_file *f;
		const carve_stub_file *mine;
		char what[160];
		unsigned char *buf;

		if (blocks[b] == 1 && s->len > 300000)
			continue;
		buf = embed(s->data, s->len, s->len + b, &total, &at);
		snprintf(what, sizeof what, "%.60s in noise, blocks of %zu", s->name, blocks[b]);
		n = scan(p, buf, total, blocks[b], &f, what);
		mine = found_at(f, n, at);
		ck_assert_msg(mine && mine->outcome == CARVE_STUB_WHOLE && mine->length == s->len,
		              "%s: %s at %zu, length %llu of %zu (bad offset %llu)", what,
		              mine ? "outcome " : "nothing", at,
		              mine ? (unsigned long long)mine->length : 0ull, s->len,
		              mine ? (unsigned long long)mine->bad_offset : 0ull);
		ck_assert_msg(count_whole(f, n) == 1, "%s: %zu files whole", what, count_whole(f, n));
		free(f);
		free(buf);
	}
}

/* The outcome at offset at once buf was scanned (REJECTED when nothing). */
static carve_stub_outcome outcome_at(const exhibit_plugin *p, const unsigned char *buf,
                                     size_t len, size_t at, carve_stub_file *out,
                                     const char *what)
{
	carve_stub_file *f;
	size_t n = scan(p, buf, len, 4096, &f, what);
	const carve_stub_file *mine = found_at(f, n, at);
	carve_stub_outcome o = mine ? mine->outcome : CARVE_STUB_REJECTED;

	if (out) {
		memset(out, 0, sizeof *out);
		if (mine)
			*out = *mine;
	}
	free(f);
	return o;
}

/* ---- every sample ------------------------------------------------------------------------- */

START_TEST(every_sample_is_carved_whole_from_noise)
{
	size_t per_format[N_FORMATS] = { 0 };

	for (size_t i = 0; i < n_samples; i++) {
		expect_carved(&samples[i]);
		per_format[samples[i].format]++;
	}
	for (int f = 0; f < N_FORMATS; f++)
		printf("carve-%s: %zu samples carved whole\n", formats[f].name, per_format[f]);
}
END_TEST

/* Formats whose every byte is checked: a file cut short and followed by
 * other bytes breaks.  The others (pixels or coded frames inside declared
 * sizes) cannot tell foreign bytes from their own payload. */
static int payload_checked(const sample *s)
{
	return s->format == F_JPEG || s->format == F_PNG || s->format == F_GIF;
}

START_TEST(cut_files_are_never_whole)
{
	for (size_t i = 0; i < n_samples; i++) {
		const sample *s = &samples[i];
		const exhibit_plugin *p = formats[s->format].plugin();
		for (int k = 1; k <= 8; k++) {
			size_t cut = k < 8 ? s->len * (size_t)k / 8 : s->len - 1, total, at;
			unsigned char *buf = embed(s->data, cut, (uint64_t)k, &total, &at);
			carve_stub_file f;
			char what[160];
			snprintf(what, sizeof what, "%.60s cut at %zu of %zu", s->name, cut, s->len);
			ck_assert_msg(outcome_at(p, buf, total, at, &f, what) != CARVE_STUB_WHOLE ||
			                      !payload_checked(s),
			              "%s: carved whole", what);
			/* nothing follows at all: the end of the scanned space */
			ck_assert_msg(judge(p, s->data, cut, 4096, &f) != CARVE_STUB_WHOLE,
			              "%s, at the end of the space: carved whole", what);
			if (s->format == F_JPEG && f.outcome == CARVE_STUB_BROKEN)
				ck_assert_msg(f.bad_offset <= cut, "%s: broken at %llu", what,
				              (unsigned long long)f.bad_offset);
			free(buf);
		}
	}
}
END_TEST

/* The offset of the data of the PNG chunk holding byte m. */
static size_t png_chunk_holding(const unsigned char *png, size_t len, size_t m)
{
	size_t at = 8;

	while (at + 12 <= len) {
		size_t l = (size_t)png[at] << 24 | png[at + 1] << 16 | png[at + 2] << 8 | png[at + 3];
		if (m < at + 12 + l)
			return at + 8;
		at += 12 + l;
	}
	return 0;
}

/* How close to noise written at m a format must notice it (0: it cannot). */
static size_t noticed_within(enum format f, const char *name)
{
	if (strstr(name, "arithmetic") || strstr(name, "anim.png"))
		return 0; /* byte-level checks only; a tiny APNG has no middle */
	switch (f) {
	case F_JPEG:
		return 4096 + 1024;
	case F_GIF:
		return 4096 + 8192;
	case F_PNG:
		return 4096;
	default:
		return 0; /* pixel payloads without structure: see the structure tests */
	}
}

START_TEST(noise_in_the_middle_breaks_files)
{
	for (size_t i = 0; i < n_samples; i++) {
		const sample *s = &samples[i];
		const exhibit_plugin *p = formats[s->format].plugin();
		size_t within = noticed_within(s->format, s->name), m = s->len / 2, total, at, chunk;
		unsigned char *copy, *buf;
		carve_stub_file f;
		char what[160];

		if (s->len < 16384 || !within)
			continue;
		copy = malloc(s->len);
		memcpy(copy, s->data, s->len);
		noise(copy + m, 4096, i);
		buf = embed(copy, s->len, i, &total, &at);
		snprintf(what, sizeof what, "%.60s with noise at %zu", s->name, m);
		/* a CRC tells which chunk, not where in it; the image data stops
		 * inflating after the noise begins */
		chunk = s->format == F_PNG ? png_chunk_holding(s->data, s->len, m) : m;
		ck_assert_msg(outcome_at(p, buf, total, at, &f, what) == CARVE_STUB_BROKEN &&
		                      (f.bad_offset == chunk ||
		                       (f.bad_offset + 8 >= m && f.bad_offset <= m + within)),
		              "%s: outcome %d, broken at %llu", what, f.outcome,
		              (unsigned long long)f.bad_offset);
		free(buf);
		free(copy);
	}
}
END_TEST

START_TEST(magic_then_noise_is_never_whole)
{
	for (int fmt = 0; fmt < N_FORMATS; fmt++) {
		const exhibit_plugin *p = formats[fmt].plugin();
		for (size_t s = 0; s < p->n_signatures; s++) {
			const exhibit_signature *sig = &p->signatures[s];
			for (uint64_t seed = 1; seed <= 20; seed++) {
				size_t len = 65536;
				unsigned char *buf = malloc(len);
				carve_stub_file *f;
				char what[96];
				size_t n;
				noise(buf, len, seed * 31 + s);
				memcpy(buf + 1001 + sig->offset, sig->bytes, sig->len);
				snprintf(what, sizeof what, "carve-%s signature %zu then noise", formats[fmt].name, s);
				n = scan(p, buf, len, 4096, &f, what);
				ck_assert_msg(count_whole(f, n) == 0, "%s: carved whole", what);
				free(f);
				free(buf);
			}
		}
	}
}
END_TEST

/* feed_to — header_check, then data_check over s's bytes [0, split),
 * honouring skips.  RETURN 1 when the state wants its next byte at split
 * (the place a second fragment could start), 0 otherwise. */
static int feed_to(const sample *s, void *state, size_t split)
{
	const exhibit_plugin *p = formats[s->format].plugin();
	const exhibit_carver *c = p->carver;
	exhibit_carve_header h;
	uint64_t x = 0;

	memset(&h, 0, sizeof h);
	memset(state, 0, c->state_size);
	if (c->header_check(state, s->data, s->len < c->header_len ? s->len : c->header_len,
	                    signature_of(p, s->data, s->len), &h) != EXHIBIT_CARVE_ACCEPT)
		return 0;
	while (x < split) {
		uint64_t n = split - x, e = x + n;
		if (c->data_check(state, x, s->data + x, (size_t)n, &e) != EXHIBIT_CARVE_CONTINUE)
			return 0;
		x = e > x + n ? e : x + n;
	}
	return x == split;
}

/* The fragment search's quick rejection is a promise: a start it rules
 * out makes data_check fail.  It must never rule out a file's own
 * continuation, and where it rules out noise, data_check must indeed
 * fail within the bytes it saw.  It must also rule out most noise, or it
 * is no use. */
START_TEST(continuation_reject_keeps_its_promise)
{
	size_t tried = 0, rejected = 0;

	for (size_t i = 0; i < n_samples; i++) {
		const sample *s = &samples[i];
		const exhibit_carver *c = formats[s->format].plugin()->carver;
		unsigned char *state, *copy, bytes[4096];

		if (!c->continuation_reject)
			continue;
		state = malloc(c->state_size);
		copy = malloc(c->state_size);
		for (size_t split = 512; split + 512 < s->len; split += 512) {
			if (!feed_to(s, state, split))
				continue;
			ck_assert_msg(!c->continuation_reject(state, split, s->data + split,
			                                      s->len - split < sizeof bytes ? s->len - split
			                                                                    : sizeof bytes),
			              "%s: its own bytes after %zu were ruled out", s->name, split);
			for (uint64_t seed = 1; seed <= 4; seed++) {
				uint64_t e = split + sizeof bytes;
				noise(bytes, sizeof bytes, seed * 7919 + split);
				tried++;
				if (!c->continuation_reject(state, split, bytes, sizeof bytes))
					continue;
				rejected++;
				memcpy(copy, state, c->state_size);
				ck_assert_msg(c->data_check(copy, split, bytes, sizeof bytes, &e) ==
				                      EXHIBIT_CARVE_ERROR,
				              "%s: noise after %zu was ruled out, yet data_check took it",
				              s->name, split);
			}
		}
		free(state);
		free(copy);
	}
	ck_assert_uint_gt(tried, 100);
	printf("continuation_reject: %zu of %zu noise starts ruled out at once\n", rejected, tried);
	ck_assert_msg(rejected * 10 >= tried * 7, "only %zu of %zu noise starts ruled out", rejected,
	              tried);
}
END_TEST

START_TEST(states_are_small_plain_data)
{
	for (size_t i = 0; i < n_samples; i++) {
		const sample *s = &samples[i];
		const exhibit_carver *c = formats[s->format].plugin()->carver;
		exhibit_carve_header h;
		void *state = calloc(1, c->state_size);
		uint64_t pos = 0, end = 0;
		int v;

		ck_assert_uint_lt(c->state_size, MAX_STATE);
		memset(&h, 0, sizeof h);
		ck_assert_int_eq(c->header_check(state, s->data, s->len < c->header_len ? s->len
		                                                                          : c->header_len,
		                                 signature_of(formats[s->format].plugin(), s->data, s->len),
		                                 &h),
		                 EXHIBIT_CARVE_ACCEPT);
		/* every block from a copy of the state; the old one is wiped */
		for (;;) {
			size_t n = s->len - pos < 997 ? s->len - pos : 997;
			void *copy;
			end = pos + n;
			v = c->data_check(state, pos, s->data + pos, n, &end);
			if (v != EXHIBIT_CARVE_CONTINUE || n == 0)
				break;
			copy = malloc(c->state_size);
			memcpy(copy, state, c->state_size);
			memset(state, 0xA5, c->state_size);
			free(state);
			state = copy;
			pos = end > pos + n ? end : pos + n;
			if (pos > s->len)
				pos = s->len;
		}
		ck_assert_msg(v == EXHIBIT_CARVE_END && end == s->len, "%s resumed from copies: %d at %llu",
		              s->name, v, (unsigned long long)end);
		free(state);
	}
}
END_TEST

/* ---- JPEG ------------------------------------------------------------------------------------ */

static const sample *find_sample(const char *name)
{
	for (size_t i = 0; i < n_samples; i++)
		if (!strcmp(samples[i].name, name))
			return &samples[i];
	return NULL;
}

/* The first sample of a format, or NULL. */
static const sample *any_sample(enum format f)
{
	for (size_t i = 0; i < n_samples; i++)
		if (samples[i].format == f)
			return &samples[i];
	return NULL;
}

/* Where the entropy-coded data of a baseline JPEG starts (after SOS). */
static size_t scan_data_at(const unsigned char *j, size_t len)
{
	size_t i = 2;

	while (i + 4 <= len && j[i] == 0xFF) {
		size_t seg = (size_t)j[i + 2] << 8 | j[i + 3];
		if (j[i + 1] == 0xDA)
			return i + 2 + seg;
		i += 2 + seg;
	}
	return 0;
}

START_TEST(jpeg_thumbnails_stay_inside_whole_files)
{
	const sample *s = find_sample("filetype/sample.jpg");
	size_t total, at, n, cut;
	carve_stub_file *f;
	unsigned char *buf;

	if (!s) {
		printf("SKIP: filetype/sample.jpg is absent\n");
		return;
	}
	/* whole: one file, its EXIF and Photoshop thumbnails inside it */
	buf = embed(s->data, s->len, 7, &total, &at);
	n = scan(carve_jpeg_plugin(), buf, total, 4096, &f, "sample.jpg");
	ck_assert_uint_eq(count_whole(f, n), 1);
	ck_assert_uint_eq(n, 1);
	free(f);
	free(buf);
	/* cut in its scan: broken, and each thumbnail is carved as a file */
	cut = s->len - 20000;
	buf = embed(s->data, cut, 8, &total, &at);
	n = scan(carve_jpeg_plugin(), buf, total, 4096, &f, "sample.jpg cut");
	ck_assert_int_eq(found_at(f, n, at)->outcome, CARVE_STUB_BROKEN);
	ck_assert_uint_eq(count_whole(f, n), 2);
	ck_assert_int_eq(found_at(f, n, at + 1152)->outcome, CARVE_STUB_WHOLE);
	ck_assert_uint_eq(found_at(f, n, at + 1152)->length, 5089 - 1152);
	ck_assert_int_eq(found_at(f, n, at + 14211)->outcome, CARVE_STUB_WHOLE);
	free(f);
	free(buf);
}
END_TEST

START_TEST(jpeg_marker_loops_end_quickly)
{
	size_t len = 20u << 20, i;
	unsigned char *buf = malloc(len);
	carve_stub_file f;
	double t0;

	/* SOI, then comment segments for ever */
	memcpy(buf, "\xFF\xD8", 2);
	for (i = 2; i + 6 <= len; i += 6)
		memcpy(buf + i, "\xFF\xFE\x00\x04\x41\x41", 6);
	t0 = now();
	ck_assert_int_eq(judge(carve_jpeg_plugin(), buf, len, 65536, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_lt(f.bad_offset, 100000);
	/* an APP0 segment, then fill bytes for ever */
	memcpy(buf + 2, "\xFF\xE0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 18);
	memset(buf + 20, 0xFF, len - 20);
	ck_assert_int_eq(judge(carve_jpeg_plugin(), buf, len, 65536, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_lt(f.bad_offset, 20 + 8192);
	ck_assert_msg(now() - t0 < TIME_LIMIT, "marker loops took %.2f s", now() - t0);
	free(buf);
}
END_TEST

START_TEST(jpeg_scans_that_never_end_break)
{
	const sample *s = find_sample("baseline.jpg");
	size_t len = 20u << 20, data;
	unsigned char *buf;
	carve_stub_file f;
	double t0;

	if (!s) {
		printf("SKIP: baseline.jpg was not made (cjpeg)\n");
		return;
	}
	data = scan_data_at(s->data, s->len);
	ck_assert_uint_gt(data, 0);
	buf = calloc(1, len);
	memcpy(buf, s->data, data);
	t0 = now();
	/* zeros decode as codes for a while, but the scan must end at its MCU count */
	ck_assert_int_eq(judge(carve_jpeg_plugin(), buf, len, 65536, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_lt(f.bad_offset, 4 * s->len);
	/* ones: a code no table has */
	memset(buf + data, 0xFF, len - data);
	ck_assert_int_eq(judge(carve_jpeg_plugin(), buf, len, 65536, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_lt(f.bad_offset, data + 8192);
	ck_assert_msg(now() - t0 < TIME_LIMIT, "endless scans took %.2f s", now() - t0);
	free(buf);
}
END_TEST

START_TEST(jpeg_second_frame_and_stray_markers_break)
{
	const sample *s = find_sample("baseline.jpg");
	unsigned char *copy;
	carve_stub_file f;
	size_t data;

	if (!s) {
		printf("SKIP: baseline.jpg was not made (cjpeg)\n");
		return;
	}
	data = scan_data_at(s->data, s->len);
	copy = malloc(s->len);
	/* a marker in the middle of the scan: broken there */
	memcpy(copy, s->data, s->len);
	memcpy(copy + s->len / 2, "\xFF\xD8", 2);
	ck_assert_int_eq(judge(carve_jpeg_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_le(f.bad_offset, s->len / 2);
	ck_assert_uint_ge(f.bad_offset + 64, s->len / 2);
	/* EOI too soon */
	memcpy(copy, s->data, s->len);
	memcpy(copy + data + 100, "\xFF\xD9", 2);
	ck_assert_int_eq(judge(carve_jpeg_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_le(f.bad_offset, data + 100);
	free(copy);
}
END_TEST

static void put16be(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put16le(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32le(unsigned char *p, uint32_t v)
{
	put16le(p, v & 0xffff);
	put16le(p + 2, v >> 16);
}

/* mpf_pair — JPEG a with an MPF index announcing JPEG b after it, then b.
 * RETURN the file (malloc'd); *primary: where b starts. */
static unsigned char *mpf_pair(const sample *a, const sample *b, size_t *len, size_t *primary)
{
	enum { SEG = 2 + 4 + 8 + 2 + 3 * 12 + 4 + 32 }; /* APP2 length field onward */
	unsigned char seg[2 + SEG], *out;
	unsigned char *t = seg + 2 + 2 + 4;              /* the MP header */
	size_t base = 2 + 2 + 2 + 4;                     /* its offset in the file */

	*primary = 2 + sizeof seg + (a->len - 2);
	memset(seg, 0, sizeof seg);
	memcpy(seg, "\xFF\xE2", 2);
	put16be(seg + 2, SEG);
	memcpy(seg + 4, "MPF\0", 4);
	memcpy(t, "II*\0", 4);
	put32le(t + 4, 8);
	put16le(t + 8, 3);
	put16le(t + 10, 0xB000), put16le(t + 12, 7), put32le(t + 14, 4), memcpy(t + 18, "0100", 4);
	put16le(t + 22, 0xB001), put16le(t + 24, 4), put32le(t + 26, 1), put32le(t + 30, 2);
	put16le(t + 34, 0xB002), put16le(t + 36, 7), put32le(t + 38, 32), put32le(t + 42, 50);
	put32le(t + 46, 0);
	put32le(t + 50, 0x20030000), put32le(t + 54, (uint32_t)*primary), put32le(t + 58, 0);
	put32le(t + 66, 0), put32le(t + 70, (uint32_t)b->len), put32le(t + 74, (uint32_t)(*primary - base));
	*len = *primary + b->len;
	out = malloc(*len);
	memcpy(out, a->data, 2);
	memcpy(out + 2, seg, sizeof seg);
	memcpy(out + 2 + sizeof seg, a->data + 2, a->len - 2);
	memcpy(out + *primary, b->data, b->len);
	return out;
}


/* last_scan — the offset of the last scan header (FF DA) of s when it is
 * a Huffman-coded JPEG, progressive or not as asked; else 0. */
static size_t last_scan(const sample *s, int progressive)
{
	size_t last = 0;

	if (s->format != F_JPEG || strstr(s->name, "arithmetic") ||
	    jpeg_is_progressive(s->data, s->len) != progressive)
		return 0;
	for (size_t i = 2; i + 1 < s->len; i++)
		if (s->data[i] == 0xFF && s->data[i + 1] == 0xDA)
			last = i;
	return last;
}

/* A progressive JPEG's AC refinement scans cannot be decoded as the file
 * streams past (they need every block's history), so bytes that follow a
 * cut in one are checked at byte level there.  Bytes that never make a
 * bad marker and end with an EOI then "completed" a truncated file, as
 * carved decoys showed.  validate decodes those scans: such a file is
 * never whole, and every progressive sample still is. */
START_TEST(jpeg_progressive_completed_by_noise_is_never_whole)
{
	size_t tried = 0;

	for (size_t i = 0; i < n_samples; i++) {
		const sample *s = &samples[i];
		size_t scan = last_scan(s, 1);
		uint64_t bad = 0;

		if (!scan)
			continue;
		ck_assert_msg(jpeg_progressive_check(s->data, s->len, &bad) == 0,
		              "%s: whole progressive sample refused at %llu", s->name,
		              (unsigned long long)bad);
		for (unsigned k = 1; k <= 6; k++) {
			/* cut in the last scan (a refinement in every encoder's script)
			 * and in the middle of the file */
			size_t cut = k <= 3 ? scan + (s->len - scan) * k / 4 : s->len * (k - 2) / 5;
			for (uint64_t seed = 1; seed <= 4; seed++) {
				size_t fill = 64 + 200 * seed, len = cut + fill + 2 + 4096;
				unsigned char *buf = malloc(len);
				carve_stub_file f;
				memcpy(buf, s->data, cut);
				noise(buf + cut, len - cut, seed * 131 + k);
				for (size_t j = cut; j < cut + fill; j++)
					if (buf[j] == 0xFF)
						buf[j] = 0x7F;  /* no marker: a byte-level check takes it all */
				buf[cut + fill] = 0xFF;
				buf[cut + fill + 1] = 0xD9;
				ck_assert_msg(judge(carve_jpeg_plugin(), buf, len, 4096, &f) != CARVE_STUB_WHOLE,
				              "%s cut at %zu of %zu, then %zu bytes of noise and an EOI: whole",
				              s->name, cut, s->len, fill);
				tried++;
				free(buf);
			}
		}
	}
	if (!tried)
		printf("SKIP: no progressive JPEG sample was made (cjpeg, jpegtran)\n");
}
END_TEST

/* Zeros are valid scan data for the standard tables (DC difference 0,
 * coefficients of -1 or an end of block), and the decoder passes a run of
 * them whole MCUs at a time when it sees the run ahead.  That must change
 * nothing: fed in blocks of 13 bytes (no run ahead is ever long enough)
 * or of 64 KiB, a file cut in its scan and followed by zeros, then noise,
 * or then the rest of its bytes, ends the same way at the same offset. */
START_TEST(jpeg_runs_of_zeros_decode_as_byte_by_byte)
{
	size_t tried = 0;

	for (size_t i = 0; i < n_samples; i++) {
		const sample *s = &samples[i];
		size_t scan = last_scan(s, 0);

		if (!scan)
			continue;
		for (unsigned k = 1; k <= 3; k++) {
			size_t cut = scan + (s->len - scan) * k / 4, zeros = 3000 + 40000 * k;
			for (int tail = 0; tail < 2; tail++) {
				size_t len = cut + zeros + (tail ? s->len - cut : 8192);
				unsigned char *buf = calloc(1, len);
				carve_stub_file small, large;
				memcpy(buf, s->data, cut);
				if (tail)
					memcpy(buf + cut + zeros, s->data + cut, s->len - cut);
				else
					noise(buf + cut + zeros, 8192, k);
				judge(carve_jpeg_plugin(), buf, len, 13, &small);
				judge(carve_jpeg_plugin(), buf, len, 65536, &large);
				ck_assert_msg(small.outcome == large.outcome &&
				                      small.length == large.length &&
				                      small.bad_offset == large.bad_offset,
				              "%s cut at %zu, %zu zeros, %s: blocks of 13 say %d/%llu/%llu, of 64 KiB %d/%llu/%llu",
				              s->name, cut, zeros, tail ? "then the rest" : "then noise",
				              small.outcome, (unsigned long long)small.length,
				              (unsigned long long)small.bad_offset, large.outcome,
				              (unsigned long long)large.length,
				              (unsigned long long)large.bad_offset);
				tried++;
				free(buf);
			}
		}
	}
	ck_assert_uint_gt(tried, 0);
}
END_TEST

START_TEST(jpeg_mpf_images_are_one_file)
{
	const sample *a = find_sample("ff420.jpg"), *b = find_sample("progressive.jpg");
	size_t len, primary, total, at;
	unsigned char *file, *buf;
	carve_stub_file f;

	if (!a || !b) {
		printf("SKIP: ff420.jpg and progressive.jpg were not made (ffmpeg, cjpeg)\n");
		return;
	}
	file = mpf_pair(a, b, &len, &primary);
	buf = embed(file, len, 3, &total, &at);
	ck_assert_int_eq(outcome_at(carve_jpeg_plugin(), buf, total, at, &f, "MPF pair"),
	                 CARVE_STUB_WHOLE);
	ck_assert_uint_eq(f.length, len);
	/* the announced image is missing: broken where it should start */
	noise(buf + at + primary, len - primary, 5);
	ck_assert_int_eq(outcome_at(carve_jpeg_plugin(), buf, total, at, &f, "MPF, second lost"),
	                 CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, primary);
	free(buf);
	free(file);
}
END_TEST

START_TEST(jpeg_of_the_dftt_fat_image)
{
	char path[600], image[128];
	unsigned char *data, md5_hex[33];
	size_t len, n;
	carve_stub_file *f;
	multi_hash *mh;
	digests d;

	snprintf(path, sizeof path, "%s/sleuthkit_test_data/9-fat-label.zip", corpus_dir());
	snprintf(image, sizeof image, "%s/9-fat-label.dd", work);
	if (access(path, R_OK) != 0 || !have_tool("unzip") ||
	    !shell("unzip -p '%s' 9-fat-label/9-fat-label.dd > '%s'", path, image)) {
		printf("SKIP: %s is absent or unzip is missing\n", path);
		return;
	}
	data = slurp(image, &len);
	ck_assert_ptr_nonnull(data);
	n = scan(carve_jpeg_plugin(), data, len, 512, &f, "9-fat-label.dd");
	ck_assert_uint_eq(count_whole(f, n), 1);
	ck_assert_uint_eq(f[0].offset, 103936);
	/* index.html of DFTT #9: the JPEG behind the volume label FILE2.DLL */
	mh = multi_hash_new(NULL);
	ck_assert_ptr_nonnull(mh);
	ck_assert_int_eq(multi_hash_update(mh, data + f[0].offset, f[0].length, NULL), 0);
	ck_assert_int_eq(multi_hash_final(mh, &d, NULL), 0);
	hex_encode(d.md5, MD5_LEN, (char *)md5_hex);
	ck_assert_str_eq((char *)md5_hex, "8aeca328aa6fbb7d2ec01f8c2f3e4bbd");
	multi_hash_free(mh);
	free(f);
	free(data);
}
END_TEST

/* ---- PNG -------------------------------------------------------------------------------------- */

/* The offset of the data of the n-th chunk of a PNG file, and its length. */
static size_t png_chunk(const unsigned char *png, size_t len, unsigned n, uint32_t *length)
{
	size_t at = 8;

	for (unsigned i = 0; at + 12 <= len; i++) {
		uint32_t l = (uint32_t)png[at] << 24 | png[at + 1] << 16 | png[at + 2] << 8 | png[at + 3];
		if (i == n) {
			*length = l;
			return at + 8;
		}
		at += 12 + l;
	}
	return 0;
}

START_TEST(png_crc_and_absurd_lengths)
{
	const sample *s = find_sample("rgb.png");
	unsigned char *copy;
	carve_stub_file f;
	uint32_t length;
	size_t data;

	if (!s) {
		printf("SKIP: rgb.png was not made (ffmpeg)\n");
		return;
	}
	copy = malloc(s->len);
	/* one flipped bit: broken at the data of its chunk */
	memcpy(copy, s->data, s->len);
	for (unsigned c = 1; (data = png_chunk(copy, s->len, c, &length)) && length < 100; c++)
		;
	ck_assert_uint_gt(length, 100);
	copy[data + 77] ^= 0x10;
	ck_assert_int_eq(judge(carve_png_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	/* where the image data stops inflating (at or after the flipped bit),
	 * else where the chunk's CRC says it is damaged */
	ck_assert_msg(f.bad_offset == data || (f.bad_offset + 8 >= data + 77 && f.bad_offset <= data + 77 + 4096),
	              "flipped at %zu, broken at %llu", data + 77, (unsigned long long)f.bad_offset);
	/* a length over 2^31 - 1 */
	memcpy(copy, s->data, s->len);
	memcpy(copy + data - 8, "\x80\x00\x00\x00", 4);
	ck_assert_int_eq(judge(carve_png_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, data - 8);
	/* the largest length there may be: broken where the bytes end, or
	 * sooner, where the next chunk's head is taken for image data */
	memcpy(copy + data - 8, "\x7f\xff\xff\xff", 4);
	ck_assert_int_eq(judge(carve_png_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_ge(f.bad_offset, data + length);
	ck_assert_uint_le(f.bad_offset, s->len);
	/* IEND before any image data */
	memcpy(copy, s->data, s->len);
	data = png_chunk(copy, s->len, 1, &length);
	memcpy(copy + data - 8, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
	ck_assert_int_eq(judge(carve_png_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	free(copy);
}
END_TEST

/* ---- inflate_check ------------------------------------------------------------------------------ */

/* deflate — src compressed by zlib (window bits as deflateInit2 takes
 * them: 9..15 zlib-wrapped, -9..-15 raw), at level with strategy. */
static unsigned char *deflate_with(const unsigned char *src, size_t n, int level, int bits,
                                   int strategy, size_t *out_len)
{
	z_stream z;
	size_t cap = n + n / 8 + 1024;
	unsigned char *out = malloc(cap);

	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, bits, 8, strategy), Z_OK);
	z.next_in = (unsigned char *)src;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Text-like bytes (long matches) and noise (literals, stored blocks). */
static void inflate_source(unsigned char *buf, size_t n, uint32_t seed, int noisy)
{
	static const char *words[] = { "message ", "from ", "alice ", "bob ", "sent ", "2023-11-04 ",
	                               "photo ", "ok\n", "<div>", "</div>" };
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n;) {
		x = x * 1103515245u + 12345u;
		if (noisy) {
			buf[i++] = (unsigned char)(x >> 16);
			continue;
		}
		for (const char *w = words[(x >> 16) % 10]; *w && i < n; w++)
			buf[i++] = (unsigned char)*w;
	}
}

/* Every stream zlib writes — each level, strategy and window, wrapped and
 * raw, fed in pieces of every size — checks out: it ends where it ends,
 * having produced what was compressed. */
START_TEST(inflate_check_takes_every_zlib_stream)
{
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
	                                  Z_FIXED };
	size_t n = 200000, len;
	unsigned char *src = malloc(n), *packed, *tail;

	for (int noisy = 0; noisy <= 1; noisy++) {
		inflate_source(src, n, 7, noisy);
		for (int level = 0; level <= 9; level += 3)
			for (size_t st = 0; st < sizeof strategies / sizeof *strategies; st++)
				for (int bits = 9; bits <= 15; bits += 3)
					for (int raw = 0; raw <= 1; raw++) {
						inflate_check z;
						size_t at = 0, used = 0, bad = 0, piece = 1 + (size_t)(level * 97 + st * 13 + bits);
						int rc = INFLATE_MORE;

						packed = deflate_with(src, n, level, raw ? -bits : bits, strategies[st], &len);
						/* bytes after the stream: not its */
						tail = malloc(len + 64);
						memcpy(tail, packed, len);
						memset(tail + len, 0xEE, 64);
						inflate_check_start(&z, !raw);
						while (rc == INFLATE_MORE && at < len + 64) {
							size_t k = len + 64 - at < piece ? len + 64 - at : piece;
							rc = inflate_check_feed(&z, tail + at, k, &used, &bad);
							if (rc == INFLATE_MORE)
								at += k;
						}
						ck_assert_msg(rc == INFLATE_END, "level %d strategy %zu bits %d raw %d: %d at %zu",
						              level, st, bits, raw, rc, at + bad);
						ck_assert_uint_eq(at + used, len);
						ck_assert_uint_eq(inflate_check_output(&z), n);
						free(tail);
						free(packed);
					}
	}
	free(src);
}
END_TEST

/* What is not deflate is refused: a truncated stream wants more; PNG-like
 * rows (a filter byte, then text) followed by noise are never taken for
 * the stream, and where they are refused it is after the noise begins (in
 * the middle of a dynamic block, whose codes cover every bit pattern, only
 * the rows' first bytes and the output's size tell); a distance further
 * back than the output so far is refused where its code starts. */
START_TEST(inflate_check_refuses_what_is_not_deflate)
{
	enum { ROW = 301, ROWS = 400 };
	size_t n = (size_t)ROW * ROWS, len, used, bad, refused = 0;
	unsigned char *src = malloc(n), *packed, *mixed;
	inflate_check z;

	for (size_t r = 0; r < ROWS; r++) {
		inflate_source(src + r * ROW + 1, ROW - 1, (uint32_t)r, 0);
		src[r * ROW] = (unsigned char)(r % 5);
	}
	packed = deflate_with(src, n, 6, 15, Z_DEFAULT_STRATEGY, &len);
	inflate_check_start(&z, 1);
	ck_assert_int_eq(inflate_check_feed(&z, packed, len - 5, &used, &bad), INFLATE_MORE);
	/* a second half of noise, thirty times over */
	mixed = malloc(len);
	for (uint32_t seed = 1; seed <= 30; seed++) {
		int rc;
		memcpy(mixed, packed, len / 2);
		inflate_source(mixed + len / 2, len - len / 2, seed, 1);
		inflate_check_start(&z, 1);
		inflate_check_rows(&z, ROW, 4);
		inflate_check_limit(&z, n);
		rc = inflate_check_feed(&z, mixed, len, &used, &bad);
		ck_assert(rc != INFLATE_END || inflate_check_output(&z) != n);
		if (rc == INFLATE_BAD) {
			ck_assert_uint_ge(bad + 8, len / 2);
			refused++;
		}
	}
	printf("inflate_check: noise after half a stream refused %zu times of 30\n", refused);
	/* a fixed block whose first code is a match: nothing to copy from */
	{
		static const unsigned char far_back[] = { 0x78, 0x9C, 0x03, 0x02, 0x00 };
		inflate_check_start(&z, 1);
		ck_assert_int_eq(inflate_check_feed(&z, far_back, sizeof far_back, &used, &bad), INFLATE_BAD);
		ck_assert_uint_eq(bad, 2);
	}
	/* PNG rows: a first byte above 4 that a literal gives is refused */
	{
		unsigned char rows[3 * 33];
		memset(rows, 0x41, sizeof rows);
		rows[0] = 1;
		rows[33] = 4;
		rows[66] = 5;
		free(packed);
		packed = deflate_with(rows, sizeof rows, 0, 15, Z_DEFAULT_STRATEGY, &len);
		inflate_check_start(&z, 1);
		ck_assert_int_eq(inflate_check_feed(&z, packed, len, &used, &bad), INFLATE_END);
		free(packed);
		packed = deflate_with(rows, sizeof rows, 9, 15, Z_HUFFMAN_ONLY, &len);
		inflate_check_start(&z, 1);
		inflate_check_rows(&z, 33, 4);
		ck_assert_int_eq(inflate_check_feed(&z, packed, len, &used, &bad), INFLATE_BAD);
		rows[66] = 0;
		free(packed);
		packed = deflate_with(rows, sizeof rows, 9, 15, Z_HUFFMAN_ONLY, &len);
		inflate_check_start(&z, 1);
		inflate_check_rows(&z, 33, 4);
		ck_assert_int_eq(inflate_check_feed(&z, packed, len, &used, &bad), INFLATE_END);
	}
	free(mixed);
	free(packed);
	free(src);
}
END_TEST

/* ---- GIF ---------------------------------------------------------------------------------------- */

START_TEST(gif_endless_extensions_and_bad_codes)
{
	size_t len = 8u << 20, i;
	unsigned char *buf = malloc(len);
	const sample *s = find_sample("still.gif");
	carve_stub_file f;
	double t0 = now();

	/* a header, then comment extensions for ever */
	memcpy(buf, "GIF89a\x10\0\x10\0\0\0\0", 13);
	for (i = 13; i + 5 <= len; i += 5)
		memcpy(buf + i, "\x21\xFE\x01\x41\x00", 5);
	ck_assert_int_eq(judge(carve_gif_plugin(), buf, len, 65536, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_lt(f.bad_offset, 1u << 20);
	ck_assert_msg(now() - t0 < TIME_LIMIT, "endless extensions took %.2f s", now() - t0);
	free(buf);
	if (!s) {
		printf("SKIP: still.gif was not made (ffmpeg)\n");
		return;
	}
	/* an LZW code beyond the table right after the clear code */
	buf = malloc(s->len);
	memcpy(buf, s->data, s->len);
	i = 13 + (buf[10] & 0x80 ? 3u << ((buf[10] & 7) + 1) : 0);
	while (i < s->len && buf[i] == 0x21) /* extensions: label, sub-blocks */
		for (i += 2; i < s->len && buf[i]; i += 1 + buf[i])
			;
		/* i is on the terminator; the next block follows */
	while (i < s->len && buf[i] != 0x2C)
		i++;
	ck_assert_uint_lt(i + 12, s->len);
	i += 10 + (buf[i + 9] & 0x80 ? 3u << ((buf[i + 9] & 7) + 1) : 0); /* code size byte */
	ck_assert_uint_eq(buf[i], 8);
	/* 9-bit codes: 256 (clear), then 511, far beyond the table */
	buf[i + 2] = 0x00;
	buf[i + 3] = 0xFF;
	buf[i + 4] |= 0x03;
	ck_assert_int_eq(judge(carve_gif_plugin(), buf, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, i + 4);
	free(buf);
}
END_TEST

/* ---- BMP ---------------------------------------------------------------------------------------- */

/* A 16x8 RLE8 bitmap: each row two runs of 8, an end of line; then end. */
static size_t rle8_bitmap(unsigned char *b)
{
	size_t at = 14 + 40 + 1024;

	memset(b, 0, at);
	memcpy(b, "BM", 2);
	put32le(b + 10, (uint32_t)at);
	put32le(b + 14, 40);
	put32le(b + 18, 16);
	put32le(b + 22, 8);
	put16le(b + 26, 1);
	put16le(b + 28, 8);
	put32le(b + 30, 1);
	for (int row = 0; row < 8; row++) {
		memcpy(b + at, "\x08\x01\x08\x02\x00\x00", 6);
		at += 6;
	}
	memcpy(b + at, "\x00\x01", 2);
	at += 2;
	put32le(b + 34, (uint32_t)(at - (14 + 40 + 1024)));
	put32le(b + 2, (uint32_t)at);
	return at;
}

START_TEST(bmp_rle_padding_and_absurd_sizes)
{
	unsigned char rle[2048], *buf;
	size_t len = rle8_bitmap(rle), total, at;
	const sample *s = find_sample("bgr24.bmp");
	carve_stub_file f;
	sample one;

	memset(&one, 0, sizeof one);
	snprintf(one.name, sizeof one.name, "rle8.bmp");
	one.format = F_BMP;
	one.data = rle;
	one.len = len;
	expect_carved(&one);
	/* a run past the row's end */
	rle[14 + 40 + 1024 + 6 * 3] = 0x20;
	ck_assert_int_eq(judge(carve_bmp_plugin(), rle, len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, 14 + 40 + 1024 + 6 * 3);
	/* a declared size far beyond the pixels */
	len = rle8_bitmap(rle);
	put32le(rle + 2, 0xFFFFFFF0u);
	ck_assert_int_eq(judge(carve_bmp_plugin(), rle, len, 4096, &f), CARVE_STUB_REJECTED);
	if (!s) {
		printf("SKIP: bgr24.bmp was not made (ffmpeg)\n");
		return;
	}
	/* rows of 321 pixels have 1 byte of zero padding: noise shows there */
	buf = malloc(s->len);
	memcpy(buf, s->data, s->len);
	noise(buf + s->len / 2, 4096, 9);
	{
		unsigned char *in = embed(buf, s->len, 9, &total, &at);
		ck_assert_int_eq(outcome_at(carve_bmp_plugin(), in, total, at, &f, "bgr24 noise"),
		                 CARVE_STUB_BROKEN);
		ck_assert_uint_ge(f.bad_offset + 964, s->len / 2);
		ck_assert_uint_le(f.bad_offset, s->len / 2 + 964);
		free(in);
	}
	free(buf);
}
END_TEST

/* ---- WebP ----------------------------------------------------------------------------------------- */

START_TEST(webp_chunks_and_riff_sizes)
{
	const sample *s = find_sample("anim.webp");
	unsigned char *copy;
	carve_stub_file f;
	size_t at;

	if (!s) {
		printf("SKIP: anim.webp was not made (ffmpeg with libwebp)\n");
		return;
	}
	copy = malloc(s->len);
	/* a chunk id that is not text */
	memcpy(copy, s->data, s->len);
	for (at = 12; at + 8 < s->len && memcmp(copy + at, "ANMF", 4); at += 8 + ((copy[at + 4] | copy[at + 5] << 8 | copy[at + 6] << 16) + 1) / 2 * 2)
		;
	ck_assert_uint_lt(at + 8, s->len);
	copy[at + 1] = 0x01;
	ck_assert_int_eq(judge(carve_webp_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, at);
	/* a frame larger than the file */
	memcpy(copy, s->data, s->len);
	put32le(copy + at + 4, 0x00FFFFF0u);
	ck_assert_int_eq(judge(carve_webp_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, at + 4);
	/* a RIFF size of 4 GB */
	memcpy(copy, s->data, s->len);
	put32le(copy + 4, 0xFFFFFFF0u);
	ck_assert_int_eq(judge(carve_webp_plugin(), copy, s->len, 4096, &f), CARVE_STUB_REJECTED);
	/* a RIFF size past the bytes there are */
	put32le(copy + 4, (uint32_t)s->len + 4096);
	ck_assert_int_eq(judge(carve_webp_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	free(copy);
}
END_TEST

/* ---- HEIF ------------------------------------------------------------------------------------------ */

/* The offset of the first top-level box of this type, or 0. */
static size_t find_box(const unsigned char *b, size_t len, const char *type)
{
	size_t at = 0;

	while (at + 8 <= len) {
		uint32_t size = (uint32_t)b[at] << 24 | b[at + 1] << 16 | b[at + 2] << 8 | b[at + 3];
		if (!memcmp(b + at + 4, type, 4))
			return at;
		if (size < 8)
			return 0;
		at += size;
	}
	return 0;
}

START_TEST(heif_box_sizes)
{
	const sample *s = find_sample("filetype/sample.avif");
	unsigned char *copy;
	carve_stub_file f;
	size_t meta, mdat;

	if (!s)
		s = any_sample(F_HEIF);
	if (!s) {
		printf("SKIP: no HEIF or AVIF sample (corpus, heif-enc, avifenc)\n");
		return;
	}
	meta = find_box(s->data, s->len, "meta");
	mdat = find_box(s->data, s->len, "mdat");
	ck_assert_uint_gt(meta, 0);
	ck_assert_uint_gt(mdat, meta);
	copy = malloc(s->len + 64);
	/* a last mdat "to the end of the file": the items say where it ends */
	memcpy(copy, s->data, s->len);
	if (find_box(s->data, s->len, "mdat") + 8 <= s->len) {
		uint32_t size = (uint32_t)copy[mdat] << 24 | copy[mdat + 1] << 16 | copy[mdat + 2] << 8 | copy[mdat + 3];
		if (mdat + size == s->len) {
			memset(copy + mdat, 0, 4);
			noise(copy + s->len, 64, 1);
			ck_assert_int_eq(judge(carve_heif_plugin(), copy, s->len + 64, 4096, &f),
			                 CARVE_STUB_WHOLE);
			ck_assert_uint_eq(f.length, s->len);
		}
	}
	/* meta of size 0 */
	memcpy(copy, s->data, s->len);
	memset(copy + meta, 0, 4);
	ck_assert_int_eq(judge(carve_heif_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, meta);
	/* size 1, and a 64-bit size below the header's */
	memcpy(copy + meta, "\0\0\0\1meta\0\0\0\0\0\0\0\x05", 16);
	ck_assert_int_eq(judge(carve_heif_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, meta);
	/* a 64-bit size of 2^60 */
	memcpy(copy + meta, "\0\0\0\1meta\x10\0\0\0\0\0\0\0", 16);
	ck_assert_int_eq(judge(carve_heif_plugin(), copy, s->len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, meta);
	/* mdat cut short: the items reach beyond it */
	memcpy(copy, s->data, s->len);
	ck_assert_int_ne(judge(carve_heif_plugin(), copy, s->len - 10, 4096, &f), CARVE_STUB_WHOLE);
	free(copy);
}
END_TEST

START_TEST(heif_coded_items_are_walked)
{
	const sample *s = find_sample("thumbnail.heic");
	size_t cut, total, at;
	unsigned char *buf;
	carve_stub_file f;

	if (!s) {
		printf("SKIP: thumbnail.heic was not made (heif-enc)\n");
		return;
	}
	/* cut inside the image's NAL unit, other bytes after: the thumbnail's
	 * NAL unit after it has no valid header there */
	cut = s->len * 3 / 4;
	buf = embed(s->data, cut, 77, &total, &at);
	ck_assert_int_eq(outcome_at(carve_heif_plugin(), buf, total, at, &f, "thumbnail.heic cut"),
	                 CARVE_STUB_BROKEN);
	ck_assert_uint_le(f.bad_offset, s->len);
	ck_assert_uint_gt(f.bad_offset, cut);
	free(buf);
}
END_TEST

/* ---- TIFF --------------------------------------------------------------------------------------------- */

#define IFD0_SIZE (2 + 8 * 12 + 4)

/* A little-endian TIFF laid out as cameras write them: IFD0 at 8 (a
 * thumbnail strip, SubIFDs, EXIF, DNGVersion when dng), the raw IFD, the
 * EXIF IFD, then the strips.  RETURN its length. */
static size_t raw_like_tiff(unsigned char *b, size_t cap, int dng)
{
	size_t at = 8, strips = 1024, thumb = 64, raw = 4096;
	unsigned char *e;

	ck_assert_uint_ge(cap, strips + thumb + raw);
	memset(b, 0, strips + thumb + raw);
	memcpy(b, "II*\0", 4);
	put32le(b + 4, 8);
	/* IFD0: 8 entries */
	put16le(b + at, 8);
	e = b + at + 2;
	put16le(e, 254), put16le(e + 2, 4), put32le(e + 4, 1), put32le(e + 8, 1), e += 12;
	put16le(e, 256), put16le(e + 2, 3), put32le(e + 4, 1), put32le(e + 8, 8), e += 12;
	put16le(e, 257), put16le(e + 2, 3), put32le(e + 4, 1), put32le(e + 8, 8), e += 12;
	put16le(e, 273), put16le(e + 2, 4), put32le(e + 4, 1), put32le(e + 8, (uint32_t)strips), e += 12;
	put16le(e, 279), put16le(e + 2, 4), put32le(e + 4, 1), put32le(e + 8, (uint32_t)thumb), e += 12;
	put16le(e, 330), put16le(e + 2, 4), put32le(e + 4, 1), put32le(e + 8, 200), e += 12;
	put16le(e, 34665), put16le(e + 2, 4), put32le(e + 4, 1), put32le(e + 8, 400), e += 12;
	/* DNGVersion 1.4, or an ordinary private tag */
	put16le(e, dng ? 50706 : 50000), put16le(e + 2, 1), put32le(e + 4, 4), memcpy(e + 8, "\1\4\0\0", 4);
	e += 12;
	put32le(e, 0);
	/* the raw IFD at 200: two strips, arrays out of line at 300 */
	put16le(b + 200, 4);
	e = b + 202;
	put16le(e, 256), put16le(e + 2, 3), put32le(e + 4, 1), put32le(e + 8, 64), e += 12;
	put16le(e, 257), put16le(e + 2, 3), put32le(e + 4, 1), put32le(e + 8, 32), e += 12;
	put16le(e, 273), put16le(e + 2, 4), put32le(e + 4, 2), put32le(e + 8, 300), e += 12;
	put16le(e, 279), put16le(e + 2, 4), put32le(e + 4, 2), put32le(e + 8, 308), e += 12;
	put32le(e, 0);
	put32le(b + 300, (uint32_t)(strips + thumb));
	put32le(b + 304, (uint32_t)(strips + thumb + raw / 2));
	put32le(b + 308, (uint32_t)(raw / 2));
	put32le(b + 312, (uint32_t)(raw / 2));
	/* the EXIF IFD at 400: a maker note out of line at 600 */
	put16le(b + 400, 1);
	e = b + 402;
	put16le(e, 37500), put16le(e + 2, 7), put32le(e + 4, 100), put32le(e + 8, 600);
	put32le(e + 12, 0);
	for (size_t i = strips; i < strips + thumb + raw; i++)
		b[i] = (unsigned char)(i * 7);
	return strips + thumb + raw;
}

START_TEST(tiff_raw_layout_loops_and_exif_blocks)
{
	unsigned char raw[8192];
	size_t len = raw_like_tiff(raw, sizeof raw, 1), n;
	const sample *jpeg = find_sample("filetype/sample.jpg");
	carve_stub_file f, *files;
	sample one;
	uint64_t bad = 0;
	exhibit_host *host;

	memset(&one, 0, sizeof one);
	snprintf(one.name, sizeof one.name, "raw-like.tif");
	one.format = F_TIFF;
	one.data = raw;
	one.len = len;
	expect_carved(&one);
	/* cut before the last strip ends */
	ck_assert_int_eq(judge(carve_tiff_plugin(), raw, len - 1, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, len - 1);
	/* the raw IFD's chain back to IFD0: a loop data_check cannot follow
	 * (it reads forward) and validate refuses */
	put32le(raw + 202 + 4 * 12, 8);
	ck_assert_int_eq(judge(carve_tiff_plugin(), raw, len, 4096, &f), CARVE_STUB_INVALID);
	host = stub_host_new(raw, len, NULL);
	ck_assert_int_eq(carve_tiff_plugin()->carver->validate(stub_host_api(), host, len, &bad),
	                 EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(bad, 8);
	stub_host_free(host);
	/* the first IFD beyond the bytes there are: not a partial file */
	raw_like_tiff(raw, sizeof raw, 1);
	put32le(raw + 4, 0x7FFFFFF0u);
	ck_assert_int_eq(judge(carve_tiff_plugin(), raw, len, 4096, &f), CARVE_STUB_REJECTED);
	/* an IFD entry of a type TIFF does not have, in IFD0: rejected */
	raw_like_tiff(raw, sizeof raw, 1);
	put16le(raw + 10 + 2, 99);
	ck_assert_int_eq(judge(carve_tiff_plugin(), raw, len, 4096, &f), CARVE_STUB_REJECTED);
	/* ... in a later IFD: broken there */
	raw_like_tiff(raw, sizeof raw, 1);
	put16le(raw + 402 + 2, 99);
	ck_assert_int_eq(judge(carve_tiff_plugin(), raw, len, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, 402);
	/* the EXIF blocks of JPEG files are not TIFF files */
	if (jpeg) {
		n = scan(carve_tiff_plugin(), jpeg->data, jpeg->len, 4096, &files, "sample.jpg");
		ck_assert_uint_eq(n, 0);
		free(files);
	}
}
END_TEST

START_TEST(tiff_extensions_name_raw_formats)
{
	unsigned char raw[8192], big[8192];
	size_t len = raw_like_tiff(raw, sizeof raw, 1);
	carve_stub_file f;

	ck_assert_int_eq(judge(carve_tiff_plugin(), raw, len, 4096, &f), CARVE_STUB_WHOLE);
	ck_assert_str_eq(f.extension, "dng");
	len = raw_like_tiff(raw, sizeof raw, 0);
	ck_assert_int_eq(judge(carve_tiff_plugin(), raw, len, 4096, &f), CARVE_STUB_WHOLE);
	ck_assert_str_eq(f.extension, "tif");
	/* Canon's CR2 marker after the header, IFD0 moved after it */
	memcpy(big, raw, len);
	memset(big + 8, 0, 200 - 8);
	memcpy(big + 16, raw + 8, IFD0_SIZE);
	put32le(big + 4, 16);
	memcpy(big + 8, "CR\x02\0\0\0\0\0", 8);
	ck_assert_int_eq(judge(carve_tiff_plugin(), big, len, 4096, &f), CARVE_STUB_WHOLE);
	ck_assert_str_eq(f.extension, "cr2");
}
END_TEST

static Suite *carve_images_suite(void)
{
	Suite *s = suite_create("carve_images");
	TCase *tc = tcase_create("carvers");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, every_sample_is_carved_whole_from_noise);
	tcase_add_test(tc, cut_files_are_never_whole);
	tcase_add_test(tc, noise_in_the_middle_breaks_files);
	tcase_add_test(tc, magic_then_noise_is_never_whole);
	tcase_add_test(tc, states_are_small_plain_data);
	tcase_add_test(tc, continuation_reject_keeps_its_promise);
	tcase_add_test(tc, jpeg_thumbnails_stay_inside_whole_files);
	tcase_add_test(tc, jpeg_marker_loops_end_quickly);
	tcase_add_test(tc, jpeg_scans_that_never_end_break);
	tcase_add_test(tc, jpeg_second_frame_and_stray_markers_break);
	tcase_add_test(tc, jpeg_progressive_completed_by_noise_is_never_whole);
	tcase_add_test(tc, jpeg_runs_of_zeros_decode_as_byte_by_byte);
	tcase_add_test(tc, jpeg_mpf_images_are_one_file);
	tcase_add_test(tc, jpeg_of_the_dftt_fat_image);
	tcase_add_test(tc, png_crc_and_absurd_lengths);
	tcase_add_test(tc, inflate_check_takes_every_zlib_stream);
	tcase_add_test(tc, inflate_check_refuses_what_is_not_deflate);
	tcase_add_test(tc, gif_endless_extensions_and_bad_codes);
	tcase_add_test(tc, bmp_rle_padding_and_absurd_sizes);
	tcase_add_test(tc, webp_chunks_and_riff_sizes);
	tcase_add_test(tc, heif_box_sizes);
	tcase_add_test(tc, heif_coded_items_are_walked);
	tcase_add_test(tc, tiff_raw_layout_loops_and_exif_blocks);
	tcase_add_test(tc, tiff_extensions_name_raw_formats);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(carve_images_suite());
}

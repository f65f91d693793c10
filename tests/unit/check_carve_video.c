/*
 * check_carve_video.c — unit tests of the video carvers (carve-mp4,
 * carve-avi, carve-mkv, carve-flv, carve-mpegts, carve-asf), driven
 * through tests/support/carve_stub exactly as the host drives them.
 *
 * For each carver:
 *   - every video of the shared corpus (skipped with a SKIP line when the
 *     corpus is absent) and files ffmpeg makes at test time (skipped
 *     without ffmpeg), each buried in seeded noise at an odd offset, must
 *     come out whole exactly once with its offset and length, in blocks
 *     of several sizes;
 *   - broken copies: truncated (never whole), a block of noise in the
 *     middle (not whole, the break reported near the damage), decoys
 *     (real magic, then noise), absurd sizes and size tricks, all ending
 *     quickly;
 *   - the fragmented-MP4 case the host's fragment search relies on: an
 *     mdat split at a 4096 boundary with 64 KiB of noise between the
 *     halves fails within one sample of the split; joined, it validates.
 * EXHIBIT_CARVE_BENCH=1 adds a throughput measurement (printed, not
 * asserted) of each data_check over 100+ MB of valid content.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "carve_video.h"
#include "carve_video_support.h"
#include "media_test_support.h"
#include "stub_host.h"

#ifndef EXHIBIT_SOURCE_DIR
#define EXHIBIT_SOURCE_DIR "."
#endif

static const size_t blocks[] = { 512, 4096, 65536 };

/* ------------------------------------------------------------ contract */

static exhibit_plugin_entry_fn const carvers[] = {
	carve_mp4_plugin, carve_avi_plugin, carve_mkv_plugin,
	carve_flv_plugin, carve_mpegts_plugin, carve_asf_plugin,
};

/* Each descriptor is one the host loads, and keeps the carving contract:
 * a small plain state, signatures of 4 bytes or more inside header_len,
 * a maximum size. */
START_TEST(descriptors)
{
	char why[256] = "";
	const exhibit_plugin *p = stub_load_plugin(carvers[_i], why, sizeof why);

	ck_assert_msg(p != NULL, "refused: %s", why);
	ck_assert_int_eq(p->kind, EXHIBIT_PLUGIN_CARVER);
	ck_assert(p->carver && p->carver->header_check && p->carver->data_check);
	ck_assert_uint_lt(p->carver->state_size, 16384);
	ck_assert_uint_gt(p->carver->max_size, 0);
	ck_assert(p->carver->fragments);
	ck_assert_uint_gt(p->n_signatures, 0);
	for (size_t s = 0; s < p->n_signatures; s++) {
		ck_assert_uint_ge(p->signatures[s].len, 4);
		ck_assert_uint_le(p->signatures[s].offset + p->signatures[s].len, p->carver->header_len);
	}
	for (int j = 0; j < _i; j++)
		ck_assert_str_ne(carvers[j]()->name, p->name);
}
END_TEST

/* ------------------------------------------------------------ samples */

/*
 * Every file ffmpeg makes for the tests, with the carver that must carve
 * it and how close to a block of noise in its middle the carver must
 * notice the break: from damage_before bytes before the block's start
 * (a sample or chunk holding it starts there) to damage_after bytes
 * after its end (the next structure the walk reads).
 */
typedef struct sample_case {
	const char *name;
	const char *args;
	const char *ext;
	const exhibit_plugin *(*plugin)(void);
	uint64_t damage_before, damage_after;
	bool unstated_length; /* cut at a unit boundary, it is a whole shorter file */
} sample_case;

#define H264 "-c:v libx264 -preset veryfast -pix_fmt yuv420p -threads 1"
#define HEVC "-c:v libx265 -x265-params log-level=none:pools=1:frame-threads=1 -pix_fmt yuv420p"

static const sample_case samples[] = {
	/* ISO BMFF: validate places every sample; the damage is in mdat */
	{ "h264_aac.mp4", H264 " -c:a aac", "mp4", carve_mp4_plugin, 16384, 0, false },
	{ "h264_aac_faststart.mp4", H264 " -c:a aac -movflags +faststart", "mp4", carve_mp4_plugin,
	  16384, 0, false },
	{ "h264_aac.mov", H264 " -c:a aac", "mov", carve_mp4_plugin, 16384, 0, false },
	{ "mjpeg_pcm.mov", "-c:v mjpeg -q:v 20 -c:a pcm_s16le", "mov", carve_mp4_plugin, 16384, 0, false },
	{ "h263_aac.3gp", "-c:v h263 -s 176x144 -c:a aac -ar 8000 -ac 1", "3gp", carve_mp4_plugin,
	  16384, 0, false },
	{ "mpeg4_aac.m4v", "-c:v mpeg4 -c:a aac -f ipod", "m4v", carve_mp4_plugin, 16384, 0, false },
	{ "hevc_aac.mp4", HEVC " -tag:v hvc1 -c:a aac", "mp4", carve_mp4_plugin, 16384, 0, false },
	{ "h264_fragmented.mp4", H264 " -c:a aac -movflags frag_keyframe+empty_moov", "mp4",
	  carve_mp4_plugin, 16384, 0, false },
	/* RIFF: the chunk walk notices noise at the next chunk header */
	{ "mpeg4_mp3.avi", "-c:v mpeg4 -c:a libmp3lame", "avi", carve_avi_plugin, 0, 16384, false },
	{ "h264_pcm.avi", H264 " -c:a pcm_s16le", "avi", carve_avi_plugin, 0, 16384, false },
	{ "mjpeg.avi", "-c:v mjpeg -q:v 20 -an", "avi", carve_avi_plugin, 0, 16384, false },
	{ "pcm.wav", "-vn -c:a pcm_s16le", "wav", carve_avi_plugin, 0, 0, false },
	/* EBML: every element header of the clusters is read */
	{ "h264_aac.mkv", H264 " -c:a aac", "mkv", carve_mkv_plugin, 0, 16384, false },
	{ "vp8_vorbis.webm", "-c:v libvpx -c:a libvorbis", "webm", carve_mkv_plugin, 0, 16384, false },
	{ "vp9_opus_live.webm", "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -c:a libopus -live 1",
	  "webm", carve_mkv_plugin, 0, 16384, true },
	{ "h264_aac_live.mkv", H264 " -c:a aac -live 1", "mkv", carve_mkv_plugin, 0, 16384, true },
	/* FLV: each tag's PreviousTagSize; the next tag's header */
	{ "flv1_mp3.flv", "-c:v flv -c:a libmp3lame -ar 44100", "flv", carve_flv_plugin, 0, 16384, false },
	{ "h264_aac.flv", H264 " -c:a aac", "flv", carve_flv_plugin, 0, 16384, false },
	{ "h264_aac_nosize.flv", H264 " -c:a aac -flvflags no_duration_filesize", "flv",
	  carve_flv_plugin, 0, 16384, true },
	/* MPEG-TS: the first packet of noise has no sync byte */
	{ "mpeg2_mp2.ts", "-c:v mpeg2video -c:a mp2", "ts", carve_mpegts_plugin, 0, 188, true },
	{ "h264_aac.ts", H264 " -c:a aac", "ts", carve_mpegts_plugin, 0, 188, true },
	{ "h264_ac3.m2ts", H264 " -c:a ac3 -f mpegts -mpegts_m2ts_mode 1", "m2ts",
	  carve_mpegts_plugin, 0, 192, true },
	/* ASF: every data packet's opening */
	{ "wmv2_wmav2.wmv", "-c:v wmv2 -c:a wmav2", "wmv", carve_asf_plugin, 0, 3200, false },
	{ "msmpeg4_wmav1.asf", "-c:v msmpeg4 -c:a wmav1", "wmv", carve_asf_plugin, 0,
	  3200, false },
	{ "wmav2.wma", "-vn -c:a wmav2", "wma", carve_asf_plugin, 0, 3200, false },
};

#define N_SAMPLES (sizeof samples / sizeof samples[0])

static const sample_case *sample_named(const char *name)
{
	for (size_t i = 0; i < N_SAMPLES; i++)
		if (!strcmp(samples[i].name, name))
			return &samples[i];
	ck_abort_msg("no sample %s", name);
	return NULL;
}

static bool make_sample(const sample_case *c, media_file *m)
{
	return generated_media(c->name, c->args, m);
}

START_TEST(generated_whole)
{
	media_file m;

	if (!make_sample(&samples[_i], &m))
		return;
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
		assert_carved_whole(samples[_i].plugin(), &m, samples[_i].ext, blocks[b]);
	media_file_free(&m);
}
END_TEST

/* A file cut short is never whole, wherever it is cut (unless its length
 * is stated nowhere and the cut falls between two of its units: then it
 * is a whole shorter file, and must come out as exactly that). */
START_TEST(generated_truncated)
{
	const exhibit_plugin *p = samples[_i].plugin();
	media_file m;

	if (!make_sample(&samples[_i], &m))
		return;
	size_t cuts[] = { 16, 40, 600, m.len / 5, m.len / 3, m.len / 2, m.len - 4096,
		          m.len - 100, m.len - 9, m.len - 1 };
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		carve_stub_file f;
		if (cuts[i] >= m.len)
			continue;
		judge(p, m.data, cuts[i], signature_index(p, m.data, m.len), 4096, &f);
		if (samples[_i].unstated_length && f.outcome == CARVE_STUB_WHOLE) {
			ck_assert_uint_eq(f.length, cuts[i]);
			continue;
		}
		ck_assert_msg(f.outcome != CARVE_STUB_WHOLE, "%s cut at %zu came out whole", m.path,
		              cuts[i]);
	}
	media_file_free(&m);
}
END_TEST

/*
 * Three blocks of noise at a 4096 boundary in the middle: not whole, and
 * the break reported near them.  (Noise that stays inside one frame's
 * payload is invisible to any structural check; three blocks reach the
 * next structure of these small files.  A PCM WAVE has no structure in
 * its data at all: it stays whole.)
 */
#define DAMAGE (3 * 4096)

START_TEST(generated_damaged)
{
	const sample_case *c = &samples[_i];
	const exhibit_plugin *p = c->plugin();
	media_file m;
	uint32_t seed = 4242;
	size_t at;
	carve_stub_file f;

	if (!make_sample(c, &m))
		return;
	at = (m.len / 2) & ~(size_t)4095;
	fill_noise(m.data + at, DAMAGE, &seed);
	judge(p, m.data, m.len, signature_index(p, m.data, m.len), 4096, &f);
	if (!strcmp(c->ext, "wav")) {
		ck_assert_int_eq(f.outcome, CARVE_STUB_WHOLE);
		media_file_free(&m);
		return;
	}
	ck_assert_msg(f.outcome == CARVE_STUB_BROKEN || f.outcome == CARVE_STUB_INVALID,
	              "%s with noise at %zu: outcome %d", c->name, at, f.outcome);
	ck_assert_msg(f.bad_offset + c->damage_before >= at &&
	              f.bad_offset <= at + DAMAGE + c->damage_after,
	              "%s with noise at %zu..%zu: break reported at %llu", c->name, at, at + DAMAGE,
	              (unsigned long long)f.bad_offset);
	media_file_free(&m);
}
END_TEST

/*
 * Two copies of a file stored one right after the other (the second on the
 * next sector for a 188-byte transport stream, whose end shows only by the
 * zeros after it): each comes out whole, with its own length; the first
 * never swallows the second.
 */
START_TEST(generated_back_to_back)
{
	const sample_case *c = &samples[_i];
	const exhibit_plugin *p = c->plugin();
	media_file m;
	size_t gap = 0, n, whole = 0;
	unsigned char *buf;
	carve_stub_file *files;

	if (!make_sample(c, &m))
		return;
	if (!strcmp(c->ext, "ts"))
		gap = (512 - m.len % 512) % 512;
	buf = calloc(1, 2 * m.len + gap);
	ck_assert(buf != NULL);
	memcpy(buf, m.data, m.len);
	memcpy(buf + m.len + gap, m.data, m.len);
	n = carve_stub_scan(p, buf, 2 * m.len + gap, 4096, &files);
	for (size_t i = 0; i < n; i++) {
		if (files[i].outcome != CARVE_STUB_WHOLE)
			continue;
		ck_assert_msg(files[i].offset == whole * (m.len + gap) && files[i].length == m.len,
		              "%s twice: whole at %llu+%llu", c->name,
		              (unsigned long long)files[i].offset, (unsigned long long)files[i].length);
		whole++;
	}
	ck_assert_msg(whole == 2, "%s twice: %zu whole", c->name, whole);
	free(files);
	free(buf);
	media_file_free(&m);
}
END_TEST

/* ------------------------------------------------------------ MP4 */

static const char *const mp4_corpus[] = {
	"iped/test_videoMp4.mp4", "filetype/sample.mp4", "filetype/sample.mov",
};

START_TEST(mp4_corpus_whole)
{
	media_file m;

	if (!corpus_media(mp4_corpus[_i], &m))
		return;
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
		assert_carved_whole(carve_mp4_plugin(), &m, NULL, blocks[b]);
	media_file_free(&m);
}
END_TEST

/* top_box — the offset and size of the first top-level box of a type. */
static bool top_box(const media_file *m, const char *type, uint64_t *offset, uint64_t *size)
{
	for (uint64_t pos = 0; pos + 8 <= m->len;) {
		uint64_t s = be32(m->data + pos);
		if (s == 1 && pos + 16 <= m->len)
			s = be64(m->data + pos + 8);
		if (s < 8)
			return false;
		if (!memcmp(m->data + pos + 4, type, 4)) {
			*offset = pos;
			*size = s;
			return true;
		}
		pos += s;
	}
	return false;
}

/*
 * video_samples — the offsets and sizes of the video packets of a file,
 * from ffprobe (pos, size), in file order.  *n set; malloc'd.
 */
typedef struct packet {
	uint64_t pos, size;
} packet;

static int by_pos(const void *a, const void *b)
{
	const packet *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static packet *video_packets(const char *path, size_t *n)
{
	char cmd[2048];
	FILE *f;
	packet *list = NULL;
	size_t cap = 0;
	unsigned long long pos, size;

	*n = 0;
	snprintf(cmd, sizeof cmd,
	         "ffprobe -v error -select_streams v:0 -show_entries packet=pos,size "
	         "-of compact=p=0 '%s'",
	         path);
	f = popen(cmd, "r");
	ck_assert(f != NULL);
	while (fscanf(f, " size=%llu|pos=%llu", &size, &pos) == 2) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			list = realloc(list, cap * sizeof *list);
			ck_assert(list != NULL);
		}
		list[(*n)++] = (packet){ pos, size };
	}
	pclose(f);
	qsort(list, *n, sizeof *list, by_pos);
	return list;
}

/* split_with_noise — m with gap bytes of noise inserted at split. */
static unsigned char *split_with_noise(const media_file *m, size_t split, size_t gap,
                                       size_t *len)
{
	unsigned char *buf = malloc(m->len + gap);
	uint32_t seed = 0xf4a9;

	ck_assert(buf != NULL);
	memcpy(buf, m->data, split);
	fill_noise(buf + split, gap, &seed);
	memcpy(buf + split + gap, m->data + split, m->len - split);
	*len = m->len + gap;
	return buf;
}

/*
 * video_split — a 4096 boundary in the middle of the file's video data
 * (audio samples have no framing to check), with the offset of the video
 * sample holding it (or the last before it) and of the next one.
 */
static size_t video_split(const media_file *m, uint64_t *before, uint64_t *after)
{
	size_t n, split;
	packet *pk = video_packets(m->path, &n);

	ck_assert_msg(n > 10, "%s: %zu video packets", m->path, n);
	split = (size_t)(pk[n / 2].pos & ~(uint64_t)4095);
	if (split <= pk[0].pos)
		split += 4096;
	*before = 0;
	*after = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		if (pk[i].pos <= split)
			*before = pk[i].pos;
		if (pk[i].pos > split && *after == UINT64_MAX)
			*after = pk[i].pos;
	}
	free(pk);
	return split;
}

/*
 * The host's fragment search relies on this: an MP4 whose mdat is split
 * at a 4096 boundary, with 64 KiB of noise between its halves, fails
 * within one sample of the split (the video sample holding the split, or
 * the next one); joined again, it is whole.  For a moov-first file and a
 * fragmented one (moof/trun).
 */
START_TEST(mp4_fragmented_mdat)
{
	static const char *const which[] = { "h264_aac_faststart.mp4", "h264_fragmented.mp4" };
	const exhibit_plugin *p = carve_mp4_plugin();
	const sample_case *g = sample_named(which[_i]);
	media_file m;
	uint64_t bad, before, after;
	size_t len, split;
	unsigned char *broken;
	carve_stub_file f;

	if (!make_sample(g, &m))
		return;
	split = video_split(&m, &before, &after);
	broken = split_with_noise(&m, split, 65536, &len);
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
		judge(p, broken, len, 0, blocks[b], &f);
		ck_assert_msg(f.outcome == CARVE_STUB_INVALID || f.outcome == CARVE_STUB_BROKEN,
		              "%s unjoined: outcome %d", g->name, f.outcome);
		ck_assert_msg(f.bad_offset >= before && f.bad_offset <= after,
		              "%s split at %zu: bad offset %llu, expected %llu or %llu", g->name, split,
		              (unsigned long long)f.bad_offset, (unsigned long long)before,
		              (unsigned long long)after);
	}
	ck_assert_int_eq(validate_bytes(p, broken, m.len, &bad), EXHIBIT_ERR_FORMAT);
	ck_assert_msg(bad >= before && bad <= after, "%s validate: bad offset %llu, split %zu",
	              g->name, (unsigned long long)bad, split);
	ck_assert_int_eq(validate_bytes(p, m.data, m.len, &bad), EXHIBIT_OK);
	ck_assert_int_eq(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	free(broken);
	media_file_free(&m);
}
END_TEST

/* Split anywhere in the mdat (audio too, moov first or last), the
 * unjoined file never comes out whole. */
START_TEST(mp4_split_not_whole)
{
	const sample_case *g = &samples[_i];
	const exhibit_plugin *p = carve_mp4_plugin();
	media_file m;
	uint64_t mdat, mdat_size;

	if (g->plugin != carve_mp4_plugin || !make_sample(g, &m))
		return;
	ck_assert(top_box(&m, "mdat", &mdat, &mdat_size));
	for (int part = 1; part < 8; part++) {
		size_t len, split = (size_t)((mdat + mdat_size * part / 8) & ~(uint64_t)4095);
		unsigned char *broken;
		carve_stub_file f;

		if (split <= mdat + 8)
			continue;
		broken = split_with_noise(&m, split, 65536, &len);
		judge(p, broken, len, 0, 4096, &f);
		ck_assert_msg(f.outcome != CARVE_STUB_WHOLE, "%s split at %zu came out whole", g->name,
		              split);
		free(broken);
	}
	media_file_free(&m);
}
END_TEST

/* A block of noise in the moov: the walk breaks inside it. */
START_TEST(mp4_damaged_moov)
{
	const exhibit_plugin *p = carve_mp4_plugin();
	media_file m;
	uint64_t moov, moov_size;
	uint32_t seed = 77;
	carve_stub_file f;

	if (!make_sample(sample_named("h264_aac.mp4"), &m))
		return;
	ck_assert(top_box(&m, "moov", &moov, &moov_size));
	fill_noise(m.data + moov + 400, 600, &seed);
	judge(p, m.data, m.len, 0, 4096, &f);
	ck_assert_msg(f.outcome == CARVE_STUB_BROKEN || f.outcome == CARVE_STUB_INVALID,
	              "outcome %d", f.outcome);
	ck_assert_msg(f.bad_offset >= moov && f.bad_offset <= moov + 1000 + 4096,
	              "moov at %llu damaged at +400..+1000: bad offset %llu",
	              (unsigned long long)moov, (unsigned long long)f.bad_offset);
	media_file_free(&m);
}
END_TEST

/* Magic followed by noise never comes out whole, and ends at once. */
START_TEST(mp4_decoys)
{
	const exhibit_plugin *p = carve_mp4_plugin();
	static const unsigned char heads[][24] = {
		{ 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
		  'i', 's', 'o', 'm', 'm', 'p', '4', '1' },
		{ 0, 0, 0, 0x14, 'f', 't', 'y', 'p', 'q', 't', ' ', ' ', 0, 0, 2, 0,
		  'q', 't', ' ', ' ', 0, 0, 0x10, 0 },
		{ 0, 0, 0x10, 0, 'm', 'd', 'a', 't' },
		{ 0, 0, 0, 8, 'w', 'i', 'd', 'e', 0, 0x10, 0, 0, 'm', 'd', 'a', 't' },
		{ 0, 0, 0x10, 0, 'm', 'o', 'o', 'v', 0, 0, 0, 0x6c, 'm', 'v', 'h', 'd' },
	};
	unsigned char buf[1 << 16];

	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		uint32_t seed = 1234 + (uint32_t)i;
		fill_noise(buf, sizeof buf, &seed);
		memcpy(buf, heads[i], sizeof heads[i]);
		if (i == 1) /* an mdat after the ftyp, then noise */
			memcpy(buf + 20, "\0\0\x10\0mdat", 8);
		ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	}
}
END_TEST

/* Sizes that lie: 10 GB claimed in a few KB, 64-bit sizes below a
 * header, size 0 where it may not be, a box loop that cannot advance. */
START_TEST(mp4_absurd_sizes)
{
	const exhibit_plugin *p = carve_mp4_plugin();
	media_file m;
	uint64_t mdat, mdat_size, moov, moov_size;
	unsigned char *copy;
	carve_stub_file f;
	double t0 = seconds_now();

	if (!make_sample(sample_named("h264_aac_faststart.mp4"), &m))
		return;
	ck_assert(top_box(&m, "mdat", &mdat, &mdat_size));
	ck_assert(top_box(&m, "moov", &moov, &moov_size));
	copy = malloc(m.len);
	/* mdat: 64-bit size of 10 GB */
	memcpy(copy, m.data, m.len);
	memcpy(copy + mdat, "\0\0\0\1mdat\0\0\0\2\x80\0\0\0", 16);
	ck_assert_int_ne(judge(p, copy, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	/* mdat: 64-bit size smaller than its header */
	memcpy(copy + mdat, "\0\0\0\1mdat\0\0\0\0\0\0\0\x08", 16);
	ck_assert_int_ne(judge(p, copy, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	/* moov: size 0 (only the last box may run to the end) */
	memcpy(copy, m.data, m.len);
	memset(copy + moov, 0, 4);
	ck_assert_int_ne(judge(p, copy, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	/* a trak of size 0, and one of size 4 (smaller than a header) */
	memcpy(copy, m.data, m.len);
	for (uint64_t i = moov + 8; i + 8 < moov + moov_size; i++)
		if (!memcmp(copy + i + 4, "trak", 4)) {
			memset(copy + i, 0, 4);
			ck_assert_int_ne(judge(p, copy, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
			copy[i + 3] = 4;
			ck_assert_int_ne(judge(p, copy, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
			break;
		}
	/* stsz claiming 2^32 - 1 samples, stco 2^30 chunks */
	memcpy(copy, m.data, m.len);
	for (uint64_t i = moov + 8; i + 20 < moov + moov_size; i++) {
		if (!memcmp(copy + i + 4, "stsz", 4))
			memcpy(copy + i + 16, "\xff\xff\xff\xff", 4);
		if (!memcmp(copy + i + 4, "stco", 4))
			memcpy(copy + i + 12, "\x40\0\0\0", 4);
	}
	ck_assert_int_ne(judge(p, copy, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	/* samples of 1 byte each by the billion: stsz fixed size 1, huge stsc */
	memcpy(copy, m.data, m.len);
	for (uint64_t i = moov + 8; i + 28 < moov + moov_size; i++) {
		if (!memcmp(copy + i + 4, "stsz", 4))
			memcpy(copy + i + 12, "\0\0\0\1\x7f\xff\xff\xff", 8);
		if (!memcmp(copy + i + 4, "stsc", 4))
			memcpy(copy + i + 20, "\x7f\xff\xff\xff", 4);
	}
	ck_assert_int_ne(judge(p, copy, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	ck_assert_msg(seconds_now() - t0 < 10, "hostile sizes took %.1f s", seconds_now() - t0);
	free(copy);
	media_file_free(&m);
}
END_TEST

/* An mdat that says size 0 ("to the end of the file", as a writer that
 * could not seek back leaves it), after its moov: the carver cannot see
 * where the file ends, but validate knows where the last sample does:
 * the candidate is invalid from exactly there. */
START_TEST(mp4_mdat_to_the_end)
{
	const exhibit_plugin *p = carve_mp4_plugin();
	media_file m;
	uint64_t mdat, mdat_size;
	size_t len;
	unsigned char *buf;
	carve_stub_file f;

	if (!make_sample(sample_named("h264_aac_faststart.mp4"), &m))
		return;
	ck_assert(top_box(&m, "mdat", &mdat, &mdat_size));
	ck_assert_uint_eq(mdat + mdat_size, m.len);
	memset(m.data + mdat, 0, 4);
	buf = in_noise(m.data, m.len, 0, 3000, 17, &len);
	ck_assert_int_eq(judge(p, buf, len, 0, 4096, &f), CARVE_STUB_INVALID);
	ck_assert_uint_eq(f.bad_offset, m.len);
	free(buf);
	media_file_free(&m);
}
END_TEST

/* Noise inside a Motion JPEG frame, away from its start and end: the
 * frame's entropy-coded data gives it away (MOV and AVI alike), and the
 * break is reported at the frame. */
START_TEST(mjpeg_frame_damage)
{
	const sample_case *c = sample_named(_i ? "mjpeg.avi" : "mjpeg_pcm.mov");
	const exhibit_plugin *p = c->plugin();
	media_file m;
	size_t n, big = 0;
	packet *pk;
	uint32_t seed = 3;
	carve_stub_file f;

	if (!make_sample(c, &m))
		return;
	pk = video_packets(m.path, &n);
	ck_assert_uint_gt(n, 10);
	for (size_t i = 1; i < n; i++)
		if (pk[i].size > pk[big].size)
			big = i;
	ck_assert_uint_gt(pk[big].size, 3000);
	fill_noise(m.data + pk[big].pos + pk[big].size / 2 - 500, 1000, &seed);
	ck_assert_int_eq(judge(p, m.data, m.len, signature_index(p, m.data, m.len), 4096, &f),
	                 CARVE_STUB_INVALID);
	/* MOV: the sample; AVI: its chunk header, 8 bytes before the data */
	ck_assert_uint_eq(f.bad_offset, pk[big].pos - (_i ? 8 : 0));
	free(pk);
	media_file_free(&m);
}
END_TEST

/* ------------------------------------------------------------ AVI */

static void put_le16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	put_le16(p, v);
	put_le16(p + 2, v >> 16);
}

static void put_le64(unsigned char *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* riff_find — the first chunk with this id (and list type, for a LIST)
 * in [start, end), at any depth; its offset, or 0. */
static size_t riff_find(const unsigned char *d, size_t start, size_t end, const char *id,
                        const char *type)
{
	for (size_t p = start; p + 8 <= end;) {
		uint32_t size = le32(d + p + 4);
		if (!memcmp(d + p, id, 4) && (!type || !memcmp(d + p + 8, type, 4)))
			return p;
		if (!memcmp(d + p, "LIST", 4) || !memcmp(d + p, "RIFF", 4)) {
			size_t in = riff_find(d, p + 12, p + 8 + size, id, type);
			if (in)
				return in;
		}
		p += 8 + (size_t)size + (size & 1);
	}
	return 0;
}

#define AVIX_CHUNKS 5

/*
 * opendml — the AVI made an OpenDML file: an 'AVIX' RIFF appended with a
 * movi list of AVIX_CHUNKS video chunks (copies of the first ones) and
 * their standard index 'ix00', which the first stream's super index
 * 'indx' (written over the JUNK ffmpeg reserves for it) points to.
 * *ix set to the ix00 chunk's offset.
 */
static unsigned char *opendml(const media_file *m, size_t *len, size_t *ix)
{
	size_t movi = riff_find(m->data, 12, m->len, "LIST", "movi");
	size_t strl = riff_find(m->data, 12, m->len, "LIST", "strl");
	size_t junk = riff_find(m->data, strl + 12, strl + 8 + le32(m->data + strl + 4), "JUNK", NULL);
	size_t chunks[AVIX_CHUNKS], n = 0, payload = 0, at, ix_size = 8 + 24 + 8 * AVIX_CHUNKS;
	unsigned char *out;

	ck_assert(movi && strl && junk && le32(m->data + junk + 4) >= 24 + 16);
	for (size_t p = movi + 12; n < AVIX_CHUNKS && p + 8 < m->len;) {
		uint32_t size = le32(m->data + p + 4);
		if (!memcmp(m->data + p, "00dc", 4) && size > 0) {
			chunks[n++] = p;
			payload += 8 + size + (size & 1);
		}
		p += 8 + (size_t)size + (size & 1);
	}
	ck_assert_uint_eq(n, AVIX_CHUNKS);
	*len = m->len + 12 + 12 + payload + ix_size;
	out = calloc(1, *len);
	ck_assert(out != NULL);
	memcpy(out, m->data, m->len);
	at = m->len;
	memcpy(out + at, "RIFF", 4);
	put_le32(out + at + 4, (uint32_t)(*len - at - 8));
	memcpy(out + at + 8, "AVIXLIST", 8);
	put_le32(out + at + 16, (uint32_t)(4 + payload + ix_size));
	memcpy(out + at + 20, "movi", 4);
	at += 24;
	*ix = at + payload;
	memcpy(out + *ix, "ix00", 4);
	put_le32(out + *ix + 4, (uint32_t)(ix_size - 8));
	put_le16(out + *ix + 8, 2);
	out[*ix + 10] = 0;
	out[*ix + 11] = 1; /* AVI_INDEX_OF_CHUNKS */
	put_le32(out + *ix + 12, AVIX_CHUNKS);
	memcpy(out + *ix + 16, "00dc", 4);
	put_le64(out + *ix + 20, 0);
	for (size_t i = 0; i < AVIX_CHUNKS; i++) {
		uint32_t size = le32(m->data + chunks[i] + 4);
		memcpy(out + at, m->data + chunks[i], 8 + size + (size & 1));
		put_le32(out + *ix + 32 + 8 * i, (uint32_t)(at + 8));
		put_le32(out + *ix + 36 + 8 * i, size);
		at += 8 + size + (size & 1);
	}
	/* The first stream's super index, in place of its JUNK. */
	memcpy(out + junk, "indx", 4);
	memset(out + junk + 8, 0, le32(m->data + junk + 4));
	put_le16(out + junk + 8, 4);
	put_le32(out + junk + 12, 1);
	memcpy(out + junk + 16, "00dc", 4);
	put_le64(out + junk + 32, *ix);
	put_le32(out + junk + 40, (uint32_t)ix_size);
	put_le32(out + junk + 44, AVIX_CHUNKS);
	return out;
}

/* An OpenDML AVI carves whole across its AVIX RIFF; a wrong standard
 * index entry or a broken chunk in the continuation is found there. */
START_TEST(avi_opendml)
{
	const exhibit_plugin *p = carve_avi_plugin();
	media_file m, odml;
	size_t len, ix;
	uint64_t bad;
	carve_stub_file f;

	if (!make_sample(sample_named("mpeg4_mp3.avi"), &m))
		return;
	odml.data = opendml(&m, &len, &ix);
	odml.len = len;
	snprintf(odml.path, sizeof odml.path, "%.900s (OpenDML)", m.path);
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
		assert_carved_whole(p, &odml, "avi", blocks[b]);
	ck_assert_int_eq(validate_bytes(p, odml.data, len, &bad), EXHIBIT_OK);
	/* the third index entry off by 2 bytes */
	put_le32(odml.data + ix + 32 + 16, le32(odml.data + ix + 32 + 16) + 2);
	ck_assert_int_eq(judge(p, odml.data, len, 0, 4096, &f), CARVE_STUB_INVALID);
	ck_assert_uint_eq(f.bad_offset, le32(odml.data + ix + 32 + 16) - 8);
	put_le32(odml.data + ix + 32 + 16, le32(odml.data + ix + 32 + 16) - 2);
	/* the AVIX movi's second chunk renamed to a stream that does not exist */
	{
		size_t second = le32(odml.data + ix + 32 + 8) - 8;
		memcpy(odml.data + second, "07dc", 4);
		ck_assert_int_eq(judge(p, odml.data, len, 0, 4096, &f), CARVE_STUB_BROKEN);
		ck_assert_uint_eq(f.bad_offset, second);
	}
	free(odml.data);
	media_file_free(&m);
}
END_TEST

/* An idx1 entry that disagrees with its chunk makes the file invalid at
 * that chunk. */
START_TEST(avi_idx1_mismatch)
{
	const exhibit_plugin *p = carve_avi_plugin();
	media_file m;
	size_t idx1, movi, entry;
	uint64_t bad;

	if (!make_sample(sample_named("mpeg4_mp3.avi"), &m))
		return;
	ck_assert_int_eq(validate_bytes(p, m.data, m.len, &bad), EXHIBIT_OK);
	idx1 = riff_find(m.data, 12, m.len, "idx1", NULL);
	movi = riff_find(m.data, 12, m.len, "LIST", "movi");
	ck_assert(idx1 && movi);
	entry = idx1 + 8 + 16 * 7;
	put_le32(m.data + entry + 12, le32(m.data + entry + 12) + 1);
	ck_assert_int_eq(validate_bytes(p, m.data, m.len, &bad), EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(bad, movi + 8 + le32(m.data + entry + 8));
	media_file_free(&m);
}
END_TEST

/* Decoys and lying sizes: never whole, always quick. */
START_TEST(avi_hostile)
{
	const exhibit_plugin *p = carve_avi_plugin();
	unsigned char buf[1 << 16];
	media_file m;
	carve_stub_file f;
	uint32_t seed = 99;
	double t0 = seconds_now();

	/* AVI header, then noise */
	fill_noise(buf, sizeof buf, &seed);
	memcpy(buf, "RIFF\xf0\xff\0\0AVI LIST\x00\x20\0\0hdrlavih\x38\0\0\0", 32);
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	/* WAVE with a plausible fmt, then noise */
	fill_noise(buf, sizeof buf, &seed);
	memcpy(buf, "RIFF\xf0\xff\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0\x44\xac\0\0\x10\xb1\x02\0"
	            "\x04\0\x10\0", 36);
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	if (!make_sample(sample_named("mpeg4_mp3.avi"), &m))
		return;
	/* RIFF of 4 GB in an 80 KB file */
	memcpy(m.data + 4, "\xf0\xff\xff\xff", 4);
	ck_assert_int_ne(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	memcpy(m.data + 4, "\0\0\0\0", 4);
	ck_assert_int_ne(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	media_file_free(&m);
	if (!make_sample(sample_named("mpeg4_mp3.avi"), &m))
		return;
	/* movi larger than its RIFF */
	{
		size_t movi = riff_find(m.data, 12, m.len, "LIST", "movi");
		put_le32(m.data + movi + 4, 0x7fffffff);
		ck_assert_int_eq(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_BROKEN);
		ck_assert_uint_eq(f.bad_offset, movi);
	}
	ck_assert_msg(seconds_now() - t0 < 10, "took %.1f s", seconds_now() - t0);
	media_file_free(&m);
}
END_TEST

/* ------------------------------------------------------------ Matroska */

static const char *const mkv_corpus[] = { "filetype/sample.mkv", "filetype/sample.webm" };

START_TEST(mkv_corpus_whole)
{
	media_file m;

	if (!corpus_media(mkv_corpus[_i], &m))
		return;
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
		assert_carved_whole(carve_mkv_plugin(), &m, _i ? "webm" : "mkv", blocks[b]);
	media_file_free(&m);
}
END_TEST

static unsigned ebml_vint_length(unsigned char first)
{
	unsigned n = 1;

	while (n < 8 && !(first & (0x80 >> (n - 1))))
		n++;
	return n;
}

/* ebml_element_length — header and payload of the element at p. */
static size_t ebml_element_length(const unsigned char *p)
{
	unsigned id = ebml_vint_length(p[0]), n = ebml_vint_length(p[id]);
	uint64_t size = p[id] & (0xff >> n);

	for (unsigned i = 1; i < n; i++)
		size = size << 8 | p[id + i];
	return id + n + (size_t)size;
}

/* ebml_find — the offset of the first element header with this 4-byte ID. */
static size_t ebml_find(const media_file *m, const unsigned char id[4], size_t from)
{
	for (size_t i = from; i + 4 <= m->len; i++)
		if (!memcmp(m->data + i, id, 4))
			return i;
	return 0;
}

static const unsigned char cluster_id[4] = { 0x1f, 0x43, 0xb6, 0x75 };
static const unsigned char cues_id[4] = { 0x1c, 0x53, 0xbb, 0x6b };

/* unknown_size — the element at off made of unknown size (its size
 * field, whatever its length, set to all ones). */
static void unknown_size(unsigned char *d, size_t off, unsigned id_len)
{
	unsigned char first = d[off + id_len];
	unsigned n = 1;

	while (!(first & (0x80 >> (n - 1))))
		n++;
	d[off + id_len] = (unsigned char)((0xff >> (n - 1)) | (0x80 >> (n - 1)));
	memset(d + off + id_len + 1, 0xff, n - 1);
}

/* A live recording: Segment and Clusters of unknown size.  It carves
 * whole, each Cluster ending where the next top-level element starts and
 * the file where the elements stop. */
START_TEST(mkv_unknown_sizes)
{
	media_file m;
	size_t at = 0, n = 0;

	if (!make_sample(sample_named("h264_aac_live.mkv"), &m))
		return;
	while ((at = ebml_find(&m, cluster_id, at + 1)) != 0) {
		unknown_size(m.data, at, 4);
		n++;
	}
	ck_assert_uint_ge(n, 2);
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
		assert_carved_whole(carve_mkv_plugin(), &m, "mkv", blocks[b]);
	media_file_free(&m);
}
END_TEST

/* Cues pointing elsewhere than a Cluster: invalid, at the place pointed to. */
START_TEST(mkv_cues_mismatch)
{
	const exhibit_plugin *p = carve_mkv_plugin();
	media_file m;
	size_t cues, first_cluster, at;
	uint64_t bad;

	if (!make_sample(sample_named("h264_aac.mkv"), &m))
		return;
	ck_assert_int_eq(validate_bytes(p, m.data, m.len, &bad), EXHIBIT_OK);
	first_cluster = ebml_find(&m, cluster_id, 4);
	cues = ebml_find(&m, cues_id, first_cluster); /* not the SeekHead's mention */
	ck_assert(cues && first_cluster);
	/* The first CueClusterPosition (0xF1, one size byte, n value bytes), moved by 1. */
	for (at = cues; at + 3 < m.len && m.data[at] != 0xf1; at++)
		;
	ck_assert(at + 3 < m.len);
	m.data[at + 1 + 1 + (m.data[at + 1] & 0x7f) - 1]++;
	ck_assert_int_eq(validate_bytes(p, m.data, m.len, &bad), EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(bad, first_cluster + 1);
	media_file_free(&m);
}
END_TEST

/* Decoys, lying sizes, a SimpleBlock of a track that does not exist. */
START_TEST(mkv_hostile)
{
	const exhibit_plugin *p = carve_mkv_plugin();
	unsigned char buf[1 << 16];
	media_file m;
	carve_stub_file f;
	uint32_t seed = 5;
	size_t cluster, block;
	double t0 = seconds_now();

	if (!make_sample(sample_named("h264_aac.mkv"), &m))
		return;
	/* the EBML header and Segment header, then noise */
	fill_noise(buf, sizeof buf, &seed);
	cluster = ebml_find(&m, cluster_id, 4);
	memcpy(buf, m.data, 60);
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	/* everything up to the first cluster's header, then noise */
	fill_noise(buf, sizeof buf, &seed);
	memcpy(buf, m.data, cluster + 12);
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	/* a cluster claiming 2^56 - 2 bytes */
	memcpy(buf, m.data, m.len < sizeof buf ? m.len : sizeof buf);
	memcpy(m.data + cluster + 4, "\x01\xff\xff\xff\xff\xff\xff\xfe", 8);
	ck_assert_int_ne(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	media_file_free(&m);
	if (!make_sample(sample_named("h264_aac.mkv"), &m))
		return;
	/* the tenth SimpleBlock of cluster 1 given track 9 */
	cluster = ebml_find(&m, cluster_id, 4);
	block = cluster + 4 + ebml_vint_length(m.data[cluster + 4]);
	for (int i = 0; i < 10; block += ebml_element_length(m.data + block)) {
		if (m.data[block] == 0xa3 && ++i == 10)
			break;
	}
	m.data[block + 1 + ebml_vint_length(m.data[block + 1])] = 0x89;
	ck_assert_int_eq(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, block);
	ck_assert_msg(seconds_now() - t0 < 10, "took %.1f s", seconds_now() - t0);
	media_file_free(&m);
}
END_TEST

/* ------------------------------------------------------------ FLV */

START_TEST(flv_corpus_whole)
{
	media_file m;

	if (!corpus_media("iped/test_videoFlv.flv", &m))
		return;
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
		assert_carved_whole(carve_flv_plugin(), &m, "flv", blocks[b]);
	media_file_free(&m);
}
END_TEST

/* flv_tag — the offset of tag number n (0: the first). */
static size_t flv_tag(const media_file *m, int n)
{
	size_t p = be32(m->data + 5) + 4;

	while (n-- > 0)
		p += 11 + be24(m->data + p + 1) + 4;
	return p;
}

/* A wrong PreviousTagSize is the break, exactly; a tag of another stream
 * id, or of a codec its stream did not start with, too. */
START_TEST(flv_precise_breaks)
{
	const exhibit_plugin *p = carve_flv_plugin();
	media_file m;
	carve_stub_file f;
	size_t tag, trailer;

	if (!make_sample(sample_named("h264_aac.flv"), &m))
		return;
	tag = flv_tag(&m, 40);
	trailer = tag + 11 + be24(m.data + tag + 1);
	m.data[trailer + 3] ^= 1;
	ck_assert_int_eq(judge(p, m.data, m.len, 0, 512, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, trailer);
	m.data[trailer + 3] ^= 1;
	m.data[tag + 10] = 1; /* stream id */
	ck_assert_int_eq(judge(p, m.data, m.len, 0, 512, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, tag);
	m.data[tag + 10] = 0;
	/* the codec nibble: video's low one, audio's high one (2: H.263, MP3) */
	if (m.data[tag] == 9)
		m.data[tag + 11] = (unsigned char)((m.data[tag + 11] & 0xf0) | 2);
	else
		m.data[tag + 11] = (unsigned char)((m.data[tag + 11] & 0x0f) | 0x20);
	ck_assert_int_eq(judge(p, m.data, m.len, 0, 512, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, tag);
	media_file_free(&m);
}
END_TEST

/* Decoys and absurd sizes. */
START_TEST(flv_hostile)
{
	const exhibit_plugin *p = carve_flv_plugin();
	unsigned char buf[1 << 16];
	uint32_t seed = 8;
	media_file m;
	carve_stub_file f;

	fill_noise(buf, sizeof buf, &seed);
	memcpy(buf, "FLV\x01\x05\0\0\0\x09\0\0\0\0", 13);
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	if (!make_sample(sample_named("flv1_mp3.flv"), &m))
		return;
	/* the onMetaData's filesize 1 MB larger than the file: it is cut */
	{
		size_t k = 0;
		while (k + 17 < m.len && memcmp(m.data + k, "\0\x08" "filesize\0", 11))
			k++;
		double claimed = (double)m.len + 1e6;
		uint64_t bits;
		ck_assert(k + 19 < m.len && m.data[k + 10] == 0);
		memcpy(&bits, &claimed, sizeof bits);
		for (int i = 0; i < 8; i++)
			m.data[k + 11 + i] = (unsigned char)(bits >> (56 - 8 * i));
		ck_assert_int_eq(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_BROKEN);
	}
	/* a tag of 16 MB in the middle */
	{
		size_t tag = flv_tag(&m, 30);
		memcpy(m.data + tag + 1, "\xff\xff\xff", 3);
		ck_assert_int_ne(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	}
	media_file_free(&m);
}
END_TEST

/* ------------------------------------------------------------ MPEG-TS */

/* A fragment that ends inside a packet, followed by noise or by zeros: the
 * break is the sector boundary where it ends, exactly. */
START_TEST(ts_fragment_break)
{
	const exhibit_plugin *p = carve_mpegts_plugin();
	const sample_case *c = sample_named(_i ? "h264_ac3.m2ts" : "h264_aac.ts");
	media_file m;
	size_t len, split;
	unsigned char *broken;
	carve_stub_file f;

	if (!make_sample(c, &m))
		return;
	for (split = 4096; split + 8192 < m.len; split += 4096 * 3) {
		if (split % (_i ? 192 : 188) == 0)
			continue; /* a fragment ending between packets looks like an end */
		broken = split_with_noise(&m, split, 65536, &len);
		judge(p, broken, len, signature_index(p, m.data, m.len), 4096, &f);
		ck_assert_int_eq(f.outcome, CARVE_STUB_BROKEN);
		ck_assert_uint_eq(f.bad_offset, split);
		memset(broken + split, 0, 65536);
		judge(p, broken, len, signature_index(p, m.data, m.len), 512, &f);
		ck_assert_int_eq(f.outcome, CARVE_STUB_BROKEN);
		ck_assert_uint_eq(f.bad_offset, split);
		free(broken);
	}
	media_file_free(&m);
}
END_TEST

/* A continuity counter that skips is a break at its packet. */
START_TEST(ts_continuity)
{
	const exhibit_plugin *p = carve_mpegts_plugin();
	media_file m;
	carve_stub_file f;
	size_t at;

	if (!make_sample(sample_named("h264_aac.ts"), &m))
		return;
	at = m.len / 2 / 188 * 188;
	while (at + 188 < m.len && (m.data[at + 3] & 0x10) == 0) /* a packet with payload */
		at += 188;
	m.data[at + 3] = (unsigned char)((m.data[at + 3] & 0xf0) | ((m.data[at + 3] + 5) & 0x0f));
	ck_assert_int_eq(judge(p, m.data, m.len, signature_index(p, m.data, m.len), 4096, &f),
	                 CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, at);
	media_file_free(&m);
}
END_TEST

/* Tables alone, or a PAT then noise: no file. */
START_TEST(ts_decoys)
{
	const exhibit_plugin *p = carve_mpegts_plugin();
	unsigned char buf[1 << 16];
	uint32_t seed = 31;
	media_file m;

	if (!make_sample(sample_named("h264_aac.ts"), &m))
		return;
	fill_noise(buf, sizeof buf, &seed);
	memcpy(buf, m.data, 188);
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	/* SDT, PAT, PMT and a few of them again, but no stream: padded with
	 * null packets, then zeros */
	memset(buf, 0, sizeof buf);
	memcpy(buf, m.data, 3 * 188);
	for (size_t k = 3; k < 40; k++) {
		unsigned char *q = buf + 188 * k;
		memset(q, 0xff, 188);
		q[0] = 0x47, q[1] = 0x1f, q[2] = 0xff, q[3] = 0x10;
	}
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	media_file_free(&m);
}
END_TEST

/* ------------------------------------------------------------ ASF */

START_TEST(asf_seed_whole)
{
	media_file m;

	snprintf(m.path, sizeof m.path, "%s/tests/fuzz/corpus/asf/wmv2_wmav2.wmv", EXHIBIT_SOURCE_DIR);
	m.data = read_whole(m.path, &m.len);
	ck_assert_msg(m.data != NULL, "cannot read %s", m.path);
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
		assert_carved_whole(carve_asf_plugin(), &m, "wmv", blocks[b]);
	media_file_free(&m);
}
END_TEST

/* A packet that does not open as one is the break, exactly; a simple
 * index entry beyond the packets makes the file invalid there. */
START_TEST(asf_breaks)
{
	const exhibit_plugin *p = carve_asf_plugin();
	media_file m;
	carve_stub_file f;
	uint64_t header, data, packet_size = 3200, bad;
	size_t at;

	if (!make_sample(sample_named("wmv2_wmav2.wmv"), &m))
		return;
	header = le64(m.data + 16);
	ck_assert(!memcmp(m.data + header, "\x36\x26\xb2\x75", 4));
	data = header + 50;
	at = (size_t)(data + 7 * packet_size);
	m.data[at + 4] ^= 0x20;
	ck_assert_int_eq(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, at);
	m.data[at + 4] ^= 0x20;
	ck_assert_int_eq(validate_bytes(p, m.data, m.len, &bad), EXHIBIT_OK);
	/* the simple index's first entry: packet 10000 */
	{
		size_t index = (size_t)(header + le64(m.data + header + 16));
		ck_assert(!memcmp(m.data + index, "\x90\x08\x00\x33", 4));
		memcpy(m.data + index + 56, "\x10\x27\0\0", 4);
		ck_assert_int_eq(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_INVALID);
		ck_assert_uint_eq(f.bad_offset, index + 56);
	}
	media_file_free(&m);
}
END_TEST

/* Decoys and absurd sizes. */
START_TEST(asf_hostile)
{
	const exhibit_plugin *p = carve_asf_plugin();
	unsigned char buf[1 << 16];
	uint32_t seed = 77;
	media_file m;
	carve_stub_file f;

	if (!make_sample(sample_named("wmv2_wmav2.wmv"), &m))
		return;
	fill_noise(buf, sizeof buf, &seed);
	memcpy(buf, m.data, 30);
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	/* header, then noise */
	fill_noise(buf, sizeof buf, &seed);
	memcpy(buf, m.data, (size_t)le64(m.data + 16));
	ck_assert_uint_eq(whole_count(p, buf, sizeof buf, 4096), 0);
	/* a data object claiming 2^62 bytes */
	{
		size_t data = (size_t)le64(m.data + 16);
		memcpy(m.data + data + 16, "\0\0\0\0\0\0\0\x40", 8);
		ck_assert_int_ne(judge(p, m.data, m.len, 0, 4096, &f), CARVE_STUB_WHOLE);
	}
	media_file_free(&m);
}
END_TEST

/* ------------------------------------------------------------ bench */

/*
 * EXHIBIT_CARVE_BENCH=1: each carver's data_check over 100+ MB of valid
 * content (a ~25 MB file of its format, judged again and again as a fresh
 * candidate), in blocks of 64 KiB as a host reads them.  Bytes a carver
 * skips count as covered: the host never reads them.  Printed, not
 * asserted; validate's time for one file is printed beside it.
 */
static const struct bench_case {
	const char *name;
	const char *args;
	const exhibit_plugin *(*plugin)(void);
} bench_cases[] = {
	{ "bench.mp4", "-c:v mpeg4 -q:v 2 -c:a aac", carve_mp4_plugin },
	{ "bench.avi", "-c:v mpeg4 -q:v 2 -c:a libmp3lame", carve_avi_plugin },
	{ "bench.mkv", "-c:v mpeg4 -q:v 2 -c:a aac", carve_mkv_plugin },
	{ "bench.flv", "-c:v flv -q:v 2 -c:a libmp3lame -ar 44100", carve_flv_plugin },
	{ "bench.ts", "-c:v mpeg2video -q:v 2 -c:a mp2", carve_mpegts_plugin },
	{ "bench.wmv", "-c:v wmv2 -q:v 2 -c:a wmav2", carve_asf_plugin },
};

/* data_check_once — one candidate through header_check and data_check. */
static int data_check_once(const exhibit_plugin *p, const unsigned char *buf, size_t len,
                           size_t sig, uint64_t *end)
{
	const exhibit_carver *c = p->carver;
	exhibit_carve_header header;
	void *state = calloc(1, c->state_size);
	uint64_t pos = 0;
	int v;

	memset(&header, 0, sizeof header);
	v = c->header_check(state, buf, len < c->header_len ? len : c->header_len, sig, &header);
	while (v == EXHIBIT_CARVE_ACCEPT || v == EXHIBIT_CARVE_CONTINUE) {
		size_t n = pos < len ? (size_t)(len - pos < 65536 ? len - pos : 65536) : 0;
		uint64_t next = pos + n;
		v = c->data_check(state, pos, buf + pos, n, &next);
		*end = next;
		if (v == EXHIBIT_CARVE_CONTINUE && n == 0)
			break;
		pos = next > len ? len : next < pos + n ? pos + n : next;
	}
	free(state);
	return v;
}

START_TEST(bench_data_check)
{
	const struct bench_case *b = &bench_cases[_i];
	const exhibit_plugin *p = b->plugin();
	media_file m;
	size_t reps, sig;
	uint64_t end = 0, bad;
	double t0, t1, t2;

	/* Noise over the test pattern: the encoders reach the bit rate asked. */
	if (!generated_media_with(b->name, "-f lavfi -i testsrc=size=640x480:rate=25:duration=5 "
	                                   "-f lavfi -i sine=frequency=440:sample_rate=44100:duration=5 "
	                                   "-vf noise=alls=80:allf=t",
	                          b->args, &m))
		return;
	sig = signature_index(p, m.data, m.len);
	reps = (100u << 20) / m.len + 1;
	t0 = seconds_now();
	for (size_t r = 0; r < reps; r++)
		ck_assert_int_eq(data_check_once(p, m.data, m.len, sig, &end), EXHIBIT_CARVE_END);
	t1 = seconds_now();
	ck_assert_uint_eq(end, m.len);
	if (p->carver->validate)
		ck_assert_int_eq(validate_bytes(p, m.data, m.len, &bad), EXHIBIT_OK);
	t2 = seconds_now();
	printf("bench %-13s data_check %6.1f MB in %.4f s = %8.0f MB/s; validate %.1f MB in %.4f s\n",
	       p->name, reps * (double)m.len / 1e6, t1 - t0, reps * (double)m.len / 1e6 / (t1 - t0),
	       m.len / 1e6, t2 - t1);
	media_file_free(&m);
}
END_TEST

/* ------------------------------------------------------------ suite */

static Suite *carve_video_suite(void)
{
	Suite *s = suite_create("carve_video");
	TCase *all = tcase_create("generated");
	TCase *mp4 = tcase_create("mp4");
	TCase *avi = tcase_create("avi");
	TCase *mkv = tcase_create("mkv");
	TCase *flv = tcase_create("flv");
	TCase *ts = tcase_create("mpegts");
	TCase *asf = tcase_create("asf");

	tcase_add_loop_test(all, descriptors, 0, sizeof carvers / sizeof carvers[0]);
	tcase_set_timeout(all, 300);
	tcase_add_loop_test(all, generated_whole, 0, N_SAMPLES);
	tcase_add_loop_test(all, generated_truncated, 0, N_SAMPLES);
	tcase_add_loop_test(all, generated_damaged, 0, N_SAMPLES);
	tcase_add_loop_test(all, generated_back_to_back, 0, N_SAMPLES);
	suite_add_tcase(s, all);

	tcase_set_timeout(mp4, 300);
	tcase_add_loop_test(mp4, mp4_corpus_whole, 0, sizeof mp4_corpus / sizeof mp4_corpus[0]);
	tcase_add_loop_test(mp4, mp4_fragmented_mdat, 0, 2);
	tcase_add_loop_test(mp4, mp4_split_not_whole, 0, N_SAMPLES);
	tcase_add_test(mp4, mp4_damaged_moov);
	tcase_add_test(mp4, mp4_decoys);
	tcase_add_test(mp4, mp4_absurd_sizes);
	tcase_add_test(mp4, mp4_mdat_to_the_end);
	tcase_add_loop_test(mp4, mjpeg_frame_damage, 0, 2);
	suite_add_tcase(s, mp4);

	tcase_set_timeout(avi, 300);
	tcase_add_test(avi, avi_opendml);
	tcase_add_test(avi, avi_idx1_mismatch);
	tcase_add_test(avi, avi_hostile);
	suite_add_tcase(s, avi);

	tcase_set_timeout(mkv, 300);
	tcase_add_loop_test(mkv, mkv_corpus_whole, 0, sizeof mkv_corpus / sizeof mkv_corpus[0]);
	tcase_add_test(mkv, mkv_unknown_sizes);
	tcase_add_test(mkv, mkv_cues_mismatch);
	tcase_add_test(mkv, mkv_hostile);
	suite_add_tcase(s, mkv);

	tcase_set_timeout(flv, 300);
	tcase_add_test(flv, flv_corpus_whole);
	tcase_add_test(flv, flv_precise_breaks);
	tcase_add_test(flv, flv_hostile);
	suite_add_tcase(s, flv);

	tcase_set_timeout(ts, 300);
	tcase_add_loop_test(ts, ts_fragment_break, 0, 2);
	tcase_add_test(ts, ts_continuity);
	tcase_add_test(ts, ts_decoys);
	suite_add_tcase(s, ts);

	tcase_set_timeout(asf, 300);
	tcase_add_test(asf, asf_seed_whole);
	tcase_add_test(asf, asf_breaks);
	tcase_add_test(asf, asf_hostile);
	suite_add_tcase(s, asf);

	if (getenv("EXHIBIT_CARVE_BENCH")) {
		TCase *bench = tcase_create("bench");
		tcase_set_timeout(bench, 600);
		tcase_add_loop_test(bench, bench_data_check, 0,
		                    sizeof bench_cases / sizeof bench_cases[0]);
		suite_add_tcase(s, bench);
	}
	return s;
}

int main(void)
{
	return check_run_suite(carve_video_suite());
}

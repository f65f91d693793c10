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

static const size_t blocks[] = { 512, 4096, 65536 };

/* ------------------------------------------------------------ MP4 */

typedef struct generated {
	const char *name;
	const char *args;
	const char *ext;
} generated;

#define H264 "-c:v libx264 -preset veryfast -pix_fmt yuv420p -threads 1"

static const generated mp4_files[] = {
	{ "h264_aac.mp4", H264 " -c:a aac", "mp4" },
	{ "h264_aac_faststart.mp4", H264 " -c:a aac -movflags +faststart", "mp4" },
	{ "h264_aac.mov", H264 " -c:a aac", "mov" },
	{ "mjpeg_pcm.mov", "-c:v mjpeg -c:a pcm_s16le", "mov" },
	{ "h263_aac.3gp", "-c:v h263 -s 176x144 -c:a aac -ar 8000 -ac 1", "3gp" },
	{ "mpeg4_aac.m4v", "-c:v mpeg4 -c:a aac -f ipod", "m4v" },
	{ "hevc_aac.mp4", "-c:v libx265 -x265-params log-level=none:pools=1:frame-threads=1 "
	                  "-pix_fmt yuv420p -tag:v hvc1 -c:a aac", "mp4" },
	{ "h264_fragmented.mp4", H264 " -c:a aac -movflags frag_keyframe+empty_moov", "mp4" },
};

static const char *const mp4_corpus[] = {
	"iped/test_videoMp4.mp4", "filetype/sample.mp4", "filetype/sample.mov",
};

START_TEST(mp4_generated_whole)
{
	media_file m;

	if (!generated_media(mp4_files[_i].name, mp4_files[_i].args, &m))
		return;
	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
		assert_carved_whole(carve_mp4_plugin(), &m, mp4_files[_i].ext, blocks[b]);
	media_file_free(&m);
}
END_TEST

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

/* A file cut short is never whole, wherever it is cut. */
static void assert_truncations_not_whole(const exhibit_plugin *p, const media_file *m)
{
	size_t cuts[] = { 16, 40, m->len / 5, m->len / 3, m->len / 2, m->len - 4096,
		          m->len - 100, m->len - 9, m->len - 1 };

	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		carve_stub_file f;
		if (cuts[i] >= m->len)
			continue;
		judge(p, m->data, cuts[i], signature_index(p, m->data, m->len), 4096, &f);
		ck_assert_msg(f.outcome != CARVE_STUB_WHOLE, "%s cut at %zu came out whole", m->path,
		              cuts[i]);
	}
}

START_TEST(mp4_truncated)
{
	media_file m;

	if (!generated_media(mp4_files[_i].name, mp4_files[_i].args, &m))
		return;
	assert_truncations_not_whole(carve_mp4_plugin(), &m);
	media_file_free(&m);
}
END_TEST

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
	static const int which[] = { 1, 7 };
	const exhibit_plugin *p = carve_mp4_plugin();
	const generated *g = &mp4_files[which[_i]];
	media_file m;
	uint64_t bad, before, after;
	size_t len, split;
	unsigned char *broken;
	carve_stub_file f;

	if (!generated_media(g->name, g->args, &m))
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
	const exhibit_plugin *p = carve_mp4_plugin();
	const generated *g = &mp4_files[_i];
	media_file m;
	uint64_t mdat, mdat_size;

	if (!generated_media(g->name, g->args, &m))
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

	if (!generated_media(mp4_files[0].name, mp4_files[0].args, &m))
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

	if (!generated_media(mp4_files[1].name, mp4_files[1].args, &m))
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

/* ------------------------------------------------------------ suite */

static Suite *carve_video_suite(void)
{
	Suite *s = suite_create("carve_video");
	TCase *mp4 = tcase_create("mp4");

	tcase_set_timeout(mp4, 300);
	tcase_add_loop_test(mp4, mp4_generated_whole, 0, sizeof mp4_files / sizeof mp4_files[0]);
	tcase_add_loop_test(mp4, mp4_corpus_whole, 0, sizeof mp4_corpus / sizeof mp4_corpus[0]);
	tcase_add_loop_test(mp4, mp4_truncated, 0, sizeof mp4_files / sizeof mp4_files[0]);
	tcase_add_loop_test(mp4, mp4_fragmented_mdat, 0, 2);
	tcase_add_loop_test(mp4, mp4_split_not_whole, 0, sizeof mp4_files / sizeof mp4_files[0]);
	tcase_add_test(mp4, mp4_damaged_moov);
	tcase_add_test(mp4, mp4_decoys);
	tcase_add_test(mp4, mp4_absurd_sizes);
	suite_add_tcase(s, mp4);
	return s;
}

int main(void)
{
	return check_run_suite(carve_video_suite());
}

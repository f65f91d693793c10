/* check_carve_scan.c — the carving signature scanner finds every signature
 * at every position (block ends included, through the engine's lookahead
 * rule), never a false one, and runs at memory speed on random data. */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carve_scan.h"
#include "toyc.h"

typedef struct hit_list {
	size_t *pos, *pat, n, cap;
} hit_list;

static int collect(void *ctx, size_t pos, size_t pattern)
{
	hit_list *h = ctx;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->pos = realloc(h->pos, h->cap * sizeof *h->pos);
		h->pat = realloc(h->pat, h->cap * sizeof *h->pat);
	}
	h->pos[h->n] = pos;
	h->pat[h->n++] = pattern;
	return 0;
}

static void hits_free(hit_list *h)
{
	free(h->pos);
	free(h->pat);
	memset(h, 0, sizeof *h);
}

/* The naive answer: every (position, pattern) with the pattern's bytes there. */
static size_t naive_count(const carve_pattern *p, size_t n, const unsigned char *buf, size_t len,
                          size_t from, size_t to)
{
	size_t count = 0;

	for (size_t pos = from; pos < to; pos++)
		for (size_t i = 0; i < n; i++)
			if (pos + p[i].len <= len && memcmp(buf + pos, p[i].bytes, p[i].len) == 0)
				count++;
	return count;
}

static const unsigned char sig_jpeg[] = { 0xff, 0xd8, 0xff };
static const unsigned char sig_png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
static const unsigned char sig_toy[] = "TOYCARV1";
static const unsigned char sig_ftyp[] = "ftyp";
static const unsigned char sig_bm[] = "BM";
static const unsigned char sig_one[] = { 0x47 };
static const unsigned char sig_zero[] = { 0, 0, 1, 0xba };

static const carve_pattern mixed[] = {
	{ sig_jpeg, 3, 0, 0 }, { sig_png, 8, 0, 1 }, { sig_toy, 8, 0, 2 }, { sig_ftyp, 4, 4, 3 },
	{ sig_bm, 2, 0, 4 }, { sig_one, 1, 0, 5 }, { sig_zero, 4, 0, 6 }, { sig_toy, 8, 0, 7 },
};

/* Plant every pattern at every position of a small buffer in turn. */
START_TEST(every_signature_at_every_position)
{
	size_t n = sizeof mixed / sizeof mixed[0];
	carve_scanner *s = carve_scanner_new(mixed, n, NULL);
	unsigned char buf[96];

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++) {
		for (size_t at = 0; at + mixed[i].len <= sizeof buf; at++) {
			hit_list h = { 0 };
			int found = 0;

			memset(buf, 0x55, sizeof buf);
			memcpy(buf + at, mixed[i].bytes, mixed[i].len);
			carve_scanner_scan(s, buf, sizeof buf, 0, sizeof buf, collect, &h);
			for (size_t k = 0; k < h.n; k++) {
				found |= h.pos[k] == at && h.pat[k] == i;
				ck_assert_int_eq(memcmp(buf + h.pos[k], mixed[h.pat[k]].bytes,
				                        mixed[h.pat[k]].len), 0);
			}
			ck_assert_msg(found, "pattern %zu not found at %zu", i, at);
			ck_assert_uint_eq(h.n, naive_count(mixed, n, buf, sizeof buf, 0, sizeof buf));
			hits_free(&h);
		}
	}
	carve_scanner_free(s);
}
END_TEST

/* Random data sprinkled with patterns, scanned in blocks the way the engine
 * does (each block scanned to its end plus the reach, hits kept when the
 * file start lies in the block): exactly the naive hits, none twice. */
START_TEST(blocks_see_hits_straddling_their_ends)
{
	size_t n = sizeof mixed / sizeof mixed[0], len = 1 << 20, reach;
	unsigned char *buf = malloc(len);
	carve_scanner *s = carve_scanner_new(mixed, n, NULL);
	size_t expected, got = 0;

	toyc_random(buf, len, 11);
	for (size_t k = 0; k < 4000; k++) {
		size_t i = k % n, at = (k * 7919 + 13) % (len - 16);
		memcpy(buf + at, mixed[i].bytes, mixed[i].len);
	}
	/* Patterns across every block end too. */
	for (size_t end = 4096; end < len; end += 4096)
		memcpy(buf + end - 3, sig_toy, 8);
	/* Hits whose file would start before the buffer belong to no block. */
	expected = naive_count(mixed, n, buf, len, 0, len);
	for (size_t i = 0; i < n; i++)
		for (size_t pos = 0; pos < mixed[i].offset; pos++)
			expected -= memcmp(buf + pos, mixed[i].bytes, mixed[i].len) == 0;
	reach = carve_scanner_reach(s);
	for (size_t block = 4096; block <= 65536; block *= 4) {
		got = 0;
		for (size_t b = 0; b < len; b += block) {
			size_t end = b + block < len ? b + block : len;
			size_t avail = end + reach < len ? end + reach : len;
			hit_list h = { 0 };

			/* Start = pos - offset must lie in [b, end). */
			carve_scanner_scan(s, buf, avail, b, avail, collect, &h);
			for (size_t k = 0; k < h.n; k++) {
				size_t o = mixed[h.pat[k]].offset;
				if (h.pos[k] >= o && h.pos[k] - o >= b && h.pos[k] - o < end)
					got++;
			}
			hits_free(&h);
		}
		ck_assert_uint_eq(got, expected);
	}
	free(buf);
	carve_scanner_free(s);
}
END_TEST

START_TEST(starts_file_honours_offsets)
{
	carve_scanner *s = carve_scanner_new(mixed, sizeof mixed / sizeof mixed[0], NULL);
	unsigned char buf[16];

	memset(buf, 0x55, sizeof buf);
	ck_assert_int_eq(carve_scanner_starts_file(s, buf, sizeof buf), 0);
	memcpy(buf + 4, "ftyp", 4);
	ck_assert_int_eq(carve_scanner_starts_file(s, buf, sizeof buf), 1);
	ck_assert_int_eq(carve_scanner_starts_file(s, buf, 7), 0);
	carve_scanner_free(s);
}
END_TEST

START_TEST(refuses_bad_patterns)
{
	carve_pattern empty = { sig_toy, 0, 0, 0 };
	exhibit_error err;

	exhibit_error_clear(&err);
	ck_assert_ptr_null(carve_scanner_new(&empty, 1, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "length"));
	ck_assert_ptr_null(carve_scanner_new(mixed, 0, &err));
}
END_TEST

static int count_only(void *ctx, size_t pos, size_t pattern)
{
	(void)pos;
	(void)pattern;
	(*(size_t *)ctx)++;
	return 0;
}

/* Speed: the toy signature plus 20 made-up 4-byte ones over 256 MiB of
 * random bytes (printed, not asserted: the machine is shared). */
START_TEST(random_data_speed)
{
	enum { N = 21 };
	unsigned char sigs[N][8];
	carve_pattern p[N];
	size_t len = (size_t)256 << 20, hits = 0;
	unsigned char *buf = malloc(len);
	carve_scanner *s;
	struct timespec a, b;
	double secs;

	memcpy(sigs[0], "TOYCARV1", 8);
	p[0] = (carve_pattern){ sigs[0], 8, 0, 0 };
	for (int i = 1; i < N; i++) {
		toyc_random(sigs[i], 4, 1000 + (uint32_t)i);
		p[i] = (carve_pattern){ sigs[i], 4, (uint32_t)(i % 3) * 4, (uint32_t)i };
	}
	s = carve_scanner_new(p, N, NULL);
	toyc_random(buf, len, 5);
	clock_gettime(CLOCK_MONOTONIC, &a);
	carve_scanner_scan(s, buf, len, 0, len, count_only, &hits);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("carve_scan: %zu MiB of random bytes, %d signatures, one thread: %.0f MB/s (%zu hits)\n",
	       len >> 20, N, (double)len / 1e6 / secs, hits);
	/* And the same answer as the naive search on a slice, with planted hits. */
	for (int i = 0; i < N; i++)
		memcpy(buf + 1000 + 977 * (size_t)i, p[i].bytes, p[i].len);
	hits = 0;
	carve_scanner_scan(s, buf, 4 << 20, 0, 4 << 20, count_only, &hits);
	ck_assert_uint_ge(hits, N);
	ck_assert_uint_eq(hits, naive_count(p, N, buf, 4 << 20, 0, 4 << 20));
	free(buf);
	carve_scanner_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("carve_scan");
	TCase *tc = tcase_create("scan");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_signature_at_every_position);
	tcase_add_test(tc, blocks_see_hits_straddling_their_ends);
	tcase_add_test(tc, starts_file_honours_offsets);
	tcase_add_test(tc, refuses_bad_patterns);
	tcase_add_test(tc, random_data_speed);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

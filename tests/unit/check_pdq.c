/*
 * check_pdq.c — the PDQ algorithm (plugins/media-pdq/pdq.c), stage by
 * stage, against what its published description implies.
 *
 * The reference implementation's own test images (ThreatExchange
 * pdq/data/) are not available offline, so its published hashes cannot
 * be checked here.  Instead each stage is checked against an independent
 * computation of what the description says it does:
 *
 *   - the Jarosz window (ceil(side / 128)) and the box filter, against
 *     the definition of a windowed mean computed directly;
 *   - the DCT, by building 64 x 64 pictures out of its basis functions
 *     with known weights and reading the weights back (it must be
 *     orthonormal), and by the sign rule a mirror image obeys;
 *   - the median threshold and the bit and text order, on coefficient
 *     patterns whose hash can be written down by hand;
 *   - the quality, on pictures whose gradient sum is known;
 *   - the whole, on pictures small enough (64 x 64) that the filter and
 *     the sampling are the identity, and invariances of larger ones.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "pdq.h"

static double basis(int u, int x)
{
	return sqrt(2.0 / 64) * cos(M_PI / 128 * (u + 1) * (2 * x + 1));
}

static uint64_t rng = 88172645463325252ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

START_TEST(window_is_side_over_128_rounded_up)
{
	ck_assert_int_eq(pdq_window(1), 1);
	ck_assert_int_eq(pdq_window(64), 1);
	ck_assert_int_eq(pdq_window(128), 1);
	ck_assert_int_eq(pdq_window(129), 2);
	ck_assert_int_eq(pdq_window(512), 4);
	ck_assert_int_eq(pdq_window(1000), 8);
	ck_assert_int_eq(pdq_window(4032), 32);
}
END_TEST

/* The box filter is the mean over in[i - (w - h) .. i + h - 1], h = (w + 2) / 2,
 * clipped to the vector. */
START_TEST(box_filter_is_the_clipped_window_mean)
{
	float in[64], out[64];

	for (int n = 1; n <= 40; n++)
		for (int w = 1; w <= 20; w++) {
			int h = (w + 2) / 2;
			for (int i = 0; i < n; i++)
				in[i] = (float)(uniform() * 255);
			pdq_box(in, out, n, 1, w);
			for (int i = 0; i < n; i++) {
				double sum = 0;
				int count = 0;
				for (int k = i - (w - h); k <= i + h - 1; k++)
					if (k >= 0 && k < n) {
						sum += in[k];
						count++;
					}
				ck_assert_msg(fabs(out[i] - sum / count) < 1e-3, "n %d w %d i %d: %f vs %f",
				              n, w, i, out[i], sum / count);
			}
		}
}
END_TEST

/* A strided call filters a column the same way. */
START_TEST(box_filter_honours_the_stride)
{
	float in[30 * 3], out[30 * 3], flat[30], flat_out[30];

	for (int i = 0; i < 30; i++)
		flat[i] = in[3 * i + 1] = (float)(uniform() * 100);
	pdq_box(in + 1, out + 1, 30, 3, 5);
	pdq_box(flat, flat_out, 30, 1, 5);
	for (int i = 0; i < 30; i++)
		ck_assert_float_eq_tol(out[3 * i + 1], flat_out[i], 1e-5);
}
END_TEST

/* Pictures made of basis functions: the transform gives their weights back. */
START_TEST(dct_reads_back_basis_weights)
{
	static float pic[64][64], out[16][16];
	double weight[16][16];

	for (int u = 0; u < 16; u++)
		for (int v = 0; v < 16; v++)
			weight[u][v] = uniform() * 200 - 100;
	for (int x = 0; x < 64; x++)
		for (int y = 0; y < 64; y++) {
			double s = 40; /* a constant, which frequency 0 would carry, is left out */
			for (int u = 0; u < 16; u++)
				for (int v = 0; v < 16; v++)
					s += weight[u][v] * basis(u, x) * basis(v, y);
			pic[x][y] = (float)s;
		}
	pdq_dct_64_to_16((const float (*)[64])pic, out);
	for (int u = 0; u < 16; u++)
		for (int v = 0; v < 16; v++)
			ck_assert_msg(fabs(out[u][v] - weight[u][v]) < 0.01, "(%d,%d): %f vs %f", u, v,
			              out[u][v], weight[u][v]);
}
END_TEST

START_TEST(dct_of_a_flat_picture_is_zero)
{
	static float pic[64][64], out[16][16];

	for (int x = 0; x < 64; x++)
		for (int y = 0; y < 64; y++)
			pic[x][y] = 123;
	pdq_dct_64_to_16((const float (*)[64])pic, out);
	for (int u = 0; u < 16; u++)
		for (int v = 0; v < 16; v++)
			ck_assert(fabs(out[u][v]) < 1e-2);
}
END_TEST

static void hex_of_pattern(float (*dct)[16], float (*value)(int k), char hex[65])
{
	pdq_hash h;

	for (int k = 0; k < 256; k++)
		dct[k / 16][k % 16] = value(k);
	pdq_bits((const float (*)[16])dct, &h);
	pdq_to_hex(&h, hex);
}

static float rising(int k) { return (float)k; }
static float falling(int k) { return (float)(255 - k); }
static float odd_high(int k) { return k % 2 ? 1000.0f + k : (float)k; }
static float low_byte_high(int k) { return (k % 16) < 8 ? 1000.0f - k : (float)k; }

/* Bit k = 16 i + j; word w = bits 16w..16w+15; text = words 15..0. */
START_TEST(bits_median_and_text_order)
{
	float dct[16][16];
	char hex[65];

	hex_of_pattern(dct, rising, hex); /* bits 128..255: words 8..15 */
	ck_assert_str_eq(hex, "ffffffffffffffffffffffffffffffff00000000000000000000000000000000");
	hex_of_pattern(dct, falling, hex); /* bits 0..127: words 0..7 */
	ck_assert_str_eq(hex, "00000000000000000000000000000000ffffffffffffffffffffffffffffffff");
	hex_of_pattern(dct, odd_high, hex); /* odd bits of every word: 0xaaaa */
	ck_assert_str_eq(hex, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	hex_of_pattern(dct, low_byte_high, hex); /* bits 0..7 of every word: 0x00ff */
	ck_assert_str_eq(hex, "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff");
}
END_TEST

static int by_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* Random coefficients: a bit is set exactly when its coefficient is above
 * the 128th smallest (found here by sorting). */
START_TEST(random_coefficients_set_half_the_bits)
{
	float dct[16][16], sorted[256];

	for (int round = 0; round < 50; round++) {
		pdq_hash h;
		int ones = 0;

		for (int k = 0; k < 256; k++)
			sorted[k] = dct[k / 16][k % 16] = (float)(uniform() * 1000 - 500);
		qsort(sorted, 256, sizeof *sorted, by_float);
		pdq_bits((const float (*)[16])dct, &h);
		for (int k = 0; k < 256; k++) {
			ones += pdq_bit(&h, k);
			ck_assert_int_eq(pdq_bit(&h, k), dct[k / 16][k % 16] > sorted[127]);
		}
		ck_assert_int_eq(ones, 128);
	}
}
END_TEST

START_TEST(hex_round_trip_and_distance)
{
	pdq_hash a, b;
	char hex[65];

	ck_assert_int_eq(pdq_from_hex("F00D000000000000000000000000000000000000000000000000000000000001",
	                              &a), 0);
	pdq_to_hex(&a, hex);
	ck_assert_str_eq(hex, "f00d000000000000000000000000000000000000000000000000000000000001");
	ck_assert_int_eq(pdq_from_hex("f00d", &b), -1);
	ck_assert_int_eq(pdq_from_hex("g00d000000000000000000000000000000000000000000000000000000000001",
	                              &b), -1);
	ck_assert_int_eq(pdq_from_hex("f00d0000000000000000000000000000000000000000000000000000000000012",
	                              &b), -1);
	memset(&b, 0, sizeof b);
	ck_assert_int_eq(pdq_distance(&a, &b), 4 + 3 + 1);
	ck_assert_int_eq(pdq_distance(&a, &a), 0);
	memset(&b, 0xff, sizeof b);
	memset(&a, 0, sizeof a);
	ck_assert_int_eq(pdq_distance(&a, &b), 256);
}
END_TEST

START_TEST(quality_of_known_gradients)
{
	static float pic[64][64];

	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			pic[i][j] = 77;
	ck_assert_int_eq(pdq_quality_64((const float (*)[64])pic), 0);
	/* a ramp of 3 per column: each horizontal step counts 300 / 255,
	 * truncated to 1, 64 x 63 of them, none vertically: 4032 / 90 = 44 */
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			pic[i][j] = 3.0f * (float)j;
	ck_assert_int_eq(pdq_quality_64((const float (*)[64])pic), 44);
	/* a checkerboard of 0 and 255: every step counts 100; capped at 100 */
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			pic[i][j] = ((i + j) % 2) ? 255 : 0;
	ck_assert_int_eq(pdq_quality_64((const float (*)[64])pic), 100);
}
END_TEST

/* A 64 x 64 picture passes the filter (window 1) and the sampling unchanged. */
START_TEST(small_picture_hash_is_its_dct_bits)
{
	static float luma[64 * 64], scratch[64 * 64], grid[64][64], dct[16][16];
	pdq_hash got, want;
	int quality;

	for (int i = 0; i < 64 * 64; i++)
		grid[i / 64][i % 64] = luma[i] = (float)(uniform() * 255);
	pdq_dct_64_to_16((const float (*)[64])grid, dct);
	pdq_bits((const float (*)[16])dct, &want);
	pdq_from_luma(luma, scratch, 64, 64, &got, &quality);
	ck_assert_mem_eq(got.bytes, want.bytes, PDQ_BYTES);
	ck_assert_int_eq(quality, pdq_quality_64((const float (*)[64])grid));
}
END_TEST

/* Mirroring columns (y -> 63 - y) multiplies coefficient (u, v) by
 * (-1)^(v + 1): the hash of the mirror image follows from the original's
 * coefficients. */
START_TEST(mirror_image_obeys_the_dct_sign_rule)
{
	static float luma[64 * 64], mirror[64 * 64], scratch[64 * 64], grid[64][64], dct[16][16];
	pdq_hash got, want;
	int quality;

	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++) {
			float v = (float)(128 + 60 * sin(i / 7.0) * cos(j / 5.0) + 20 * uniform());
			grid[i][j] = luma[i * 64 + j] = v;
			mirror[i * 64 + 63 - j] = v;
		}
	pdq_dct_64_to_16((const float (*)[64])grid, dct);
	for (int u = 0; u < 16; u++)
		for (int v = 0; v < 16; v += 2) /* v + 1 odd */
			dct[u][v] = -dct[u][v];
	pdq_bits((const float (*)[16])dct, &want);
	pdq_from_luma(mirror, scratch, 64, 64, &got, &quality);
	ck_assert_mem_eq(got.bytes, want.bytes, PDQ_BYTES);
}
END_TEST

/* The luminance weights of the description. */
START_TEST(luma_of_primaries)
{
	uint8_t rgb[4 * 3] = { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30 };
	float luma[4];

	pdq_luma_from_rgb24(rgb, 1, 4, 12, luma);
	ck_assert_float_eq_tol(luma[0], 0.299f * 255, 1e-3);
	ck_assert_float_eq_tol(luma[1], 0.587f * 255, 1e-3);
	ck_assert_float_eq_tol(luma[2], 0.114f * 255, 1e-3);
	ck_assert_float_eq_tol(luma[3], 0.299f * 10 + 0.587f * 20 + 0.114f * 30, 1e-3);
}
END_TEST

/* A large picture: scaling it by an integer factor (each pixel repeated)
 * changes the tent filter's window, not what it sees: the hashes stay
 * close.  A different picture is far. */
static void paint(uint8_t *rgb, int rows, int cols, int scale, int seed)
{
	for (int i = 0; i < rows; i++)
		for (int j = 0; j < cols; j++) {
			double y = (double)(i / scale) / (rows / scale), x = (double)(j / scale) / (cols / scale);
			double v = 128 + 50 * sin(6 * x + seed) * cos(4 * y - seed) + 40 * sin(17 * x * y + seed);
			uint8_t *p = rgb + ((size_t)i * cols + j) * 3;
			p[0] = (uint8_t)v;
			p[1] = (uint8_t)(255 - v);
			p[2] = (uint8_t)(v / 2);
		}
}

START_TEST(repeated_pixels_keep_the_hash_close)
{
	uint8_t *small = malloc(200 * 300 * 3), *big = malloc(800 * 1200 * 3), *other = malloc(200 * 300 * 3);
	pdq_hash a, b, c;
	int qa, qb, qc;

	paint(small, 200, 300, 1, 1);
	paint(big, 800, 1200, 4, 1);
	paint(other, 200, 300, 1, 2);
	ck_assert_int_eq(pdq_hash_rgb(small, 200, 300, 900, &a, &qa), 0);
	ck_assert_int_eq(pdq_hash_rgb(big, 800, 1200, 3600, &b, &qb), 0);
	ck_assert_int_eq(pdq_hash_rgb(other, 200, 300, 900, &c, &qc), 0);
	ck_assert_msg(pdq_distance(&a, &b) <= 16, "x4 copy at distance %d", pdq_distance(&a, &b));
	ck_assert_msg(pdq_distance(&a, &c) > 64, "another picture at distance %d", pdq_distance(&a, &c));
	free(small);
	free(big);
	free(other);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdq");
	TCase *tc = tcase_create("pdq");

	tcase_add_test(tc, window_is_side_over_128_rounded_up);
	tcase_add_test(tc, box_filter_is_the_clipped_window_mean);
	tcase_add_test(tc, box_filter_honours_the_stride);
	tcase_add_test(tc, dct_reads_back_basis_weights);
	tcase_add_test(tc, dct_of_a_flat_picture_is_zero);
	tcase_add_test(tc, bits_median_and_text_order);
	tcase_add_test(tc, random_coefficients_set_half_the_bits);
	tcase_add_test(tc, hex_round_trip_and_distance);
	tcase_add_test(tc, quality_of_known_gradients);
	tcase_add_test(tc, small_picture_hash_is_its_dct_bits);
	tcase_add_test(tc, mirror_image_obeys_the_dct_sign_rule);
	tcase_add_test(tc, luma_of_primaries);
	tcase_add_test(tc, repeated_pixels_keep_the_hash_close);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

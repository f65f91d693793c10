/*
 * pdq.c — the PDQ hash (see pdq.h for the algorithm and the bit order).
 *
 * Floats throughout, as the published description computes, so that the
 * same pixels give the same bits as other implementations up to the odd
 * coefficient that lies within rounding of the median.
 */
#include "pdq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JAROSZ_PASSES 2       /* X,Y,X,Y: two box passes make a tent */
#define WINDOW_DIVISOR 128    /* window = ceil(side / (2 * 64)) */
#define QUALITY_DIVISOR 90

void pdq_luma_from_rgb24(const uint8_t *rgb, int rows, int cols, ptrdiff_t stride,
                         float *luma)
{
	for (int i = 0; i < rows; i++) {
		const uint8_t *p = rgb + (ptrdiff_t)i * stride;
		float *out = luma + (size_t)i * (size_t)cols;

		for (int j = 0; j < cols; j++, p += 3)
			out[j] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
	}
}

int pdq_window(int n)
{
	return (n + WINDOW_DIVISOR - 1) / WINDOW_DIVISOR;
}

void pdq_box(const float *in, float *out, int n, ptrdiff_t stride, int w)
{
	int half = (w + 2) / 2;
	int behind = w - half, ahead = half - 1; /* out[i] covers i-behind .. i+ahead */
	float sum = 0;

	for (int k = 0; k <= ahead && k < n; k++)
		sum += in[k * stride];
	for (int i = 0; i < n; i++) {
		int lo = i - behind, hi = i + ahead;
		int first = lo < 0 ? 0 : lo, last = hi >= n ? n - 1 : hi;

		out[i * stride] = sum / (float)(last - first + 1);
		if (hi + 1 < n)
			sum += in[(hi + 1) * stride];
		if (lo >= 0)
			sum -= in[lo * stride];
	}
}

/* box_rows — filter each row (along its columns); box_cols — each column. */
static void box_rows(const float *in, float *out, int rows, int cols, int w)
{
	for (int i = 0; i < rows; i++)
		pdq_box(in + (size_t)i * (size_t)cols, out + (size_t)i * (size_t)cols, cols, 1, w);
}

static void box_cols(const float *in, float *out, int rows, int cols, int w)
{
	for (int j = 0; j < cols; j++)
		pdq_box(in + j, out + j, rows, cols, w);
}

void pdq_tent_64(float *luma, float *scratch, int rows, int cols,
                 float out[PDQ_GRID][PDQ_GRID])
{
	int w_rows = pdq_window(cols), w_cols = pdq_window(rows);

	for (int pass = 0; pass < JAROSZ_PASSES; pass++) {
		box_rows(luma, scratch, rows, cols, w_rows);
		box_cols(scratch, luma, rows, cols, w_cols);
	}
	for (int i = 0; i < PDQ_GRID; i++) {
		int r = (int)(((i + 0.5) * rows) / PDQ_GRID);

		for (int j = 0; j < PDQ_GRID; j++) {
			int c = (int)(((j + 0.5) * cols) / PDQ_GRID);
			out[i][j] = luma[(size_t)r * (size_t)cols + (size_t)c];
		}
	}
}

/* step — one neighbour difference as the quality counts it. */
static int step(float u, float v)
{
	int d = (int)(((u - v) * 100) / 255);

	return d < 0 ? -d : d;
}

int pdq_quality_64(const float in[PDQ_GRID][PDQ_GRID])
{
	int sum = 0, q;

	for (int i = 0; i < PDQ_GRID - 1; i++)
		for (int j = 0; j < PDQ_GRID; j++)
			sum += step(in[i][j], in[i + 1][j]);
	for (int i = 0; i < PDQ_GRID; i++)
		for (int j = 0; j < PDQ_GRID - 1; j++)
			sum += step(in[i][j], in[i][j + 1]);
	q = sum / QUALITY_DIVISOR;
	return q > 100 ? 100 : q;
}

void pdq_dct_64_to_16(const float in[PDQ_GRID][PDQ_GRID], float out[PDQ_DCT][PDQ_DCT])
{
	float basis[PDQ_DCT][PDQ_GRID], half[PDQ_DCT][PDQ_GRID];
	const double scale = sqrt(2.0 / PDQ_GRID);

	/* basis[u][x] = sqrt(2/N) cos(pi (u + 1) (2x + 1) / 2N): frequency 0
	 * (the mean brightness) is left out. */
	for (int u = 0; u < PDQ_DCT; u++)
		for (int x = 0; x < PDQ_GRID; x++)
			basis[u][x] = (float)(scale * cos(M_PI / (2.0 * PDQ_GRID) * (u + 1) * (2 * x + 1)));
	for (int u = 0; u < PDQ_DCT; u++)
		for (int x = 0; x < PDQ_GRID; x++) {
			float s = 0;
			for (int k = 0; k < PDQ_GRID; k++)
				s += basis[u][k] * in[k][x];
			half[u][x] = s;
		}
	for (int u = 0; u < PDQ_DCT; u++)
		for (int v = 0; v < PDQ_DCT; v++) {
			float s = 0;
			for (int k = 0; k < PDQ_GRID; k++)
				s += half[u][k] * basis[v][k];
			out[u][v] = s;
		}
}

/* kth_smallest — the k-th smallest (from 0) of a[0..n), reordering a
 * (Hoare's selection). */
static float kth_smallest(float *a, int n, int k)
{
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		float pivot = a[(lo + hi) / 2];
		int i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				float t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

void pdq_bit_set(pdq_hash *h, int k)
{
	int word = k >> 4, bit = k & 15;

	/* word w is text digits 4 (15 - w) .. +3: bytes 2 (15 - w), +1 */
	h->bytes[2 * (15 - word) + (bit < 8)] |= (uint8_t)(1u << (bit & 7));
}

int pdq_bit(const pdq_hash *h, int k)
{
	int word = k >> 4, bit = k & 15;

	return (h->bytes[2 * (15 - word) + (bit < 8)] >> (bit & 7)) & 1;
}

void pdq_bits(const float dct[PDQ_DCT][PDQ_DCT], pdq_hash *hash)
{
	float values[PDQ_DCT * PDQ_DCT];
	float median;

	memcpy(values, dct, sizeof values);
	median = kth_smallest(values, PDQ_DCT * PDQ_DCT, PDQ_DCT * PDQ_DCT / 2 - 1);
	memset(hash, 0, sizeof *hash);
	for (int i = 0; i < PDQ_DCT; i++)
		for (int j = 0; j < PDQ_DCT; j++)
			if (dct[i][j] > median)
				pdq_bit_set(hash, i * PDQ_DCT + j);
}

void pdq_from_luma(float *luma, float *scratch, int rows, int cols, pdq_hash *hash,
                   int *quality)
{
	float grid[PDQ_GRID][PDQ_GRID], dct[PDQ_DCT][PDQ_DCT];

	pdq_tent_64(luma, scratch, rows, cols, grid);
	*quality = pdq_quality_64((const float (*)[PDQ_GRID])grid);
	pdq_dct_64_to_16((const float (*)[PDQ_GRID])grid, dct);
	pdq_bits((const float (*)[PDQ_DCT])dct, hash);
}

int pdq_hash_rgb(const uint8_t *rgb, int rows, int cols, ptrdiff_t stride, pdq_hash *hash,
                 int *quality)
{
	size_t n = (size_t)rows * (size_t)cols;
	float *luma = malloc(n * sizeof *luma), *scratch = malloc(n * sizeof *scratch);

	if (!luma || !scratch) {
		free(luma);
		free(scratch);
		return -1;
	}
	pdq_luma_from_rgb24(rgb, rows, cols, stride, luma);
	pdq_from_luma(luma, scratch, rows, cols, hash, quality);
	free(luma);
	free(scratch);
	return 0;
}

int pdq_distance(const pdq_hash *a, const pdq_hash *b)
{
	int d = 0;

	for (int i = 0; i < PDQ_BYTES; i += 8) {
		uint64_t x, y;
		memcpy(&x, a->bytes + i, 8);
		memcpy(&y, b->bytes + i, 8);
		d += __builtin_popcountll(x ^ y);
	}
	return d;
}

void pdq_to_hex(const pdq_hash *h, char out[PDQ_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < PDQ_BYTES; i++) {
		out[2 * i] = digits[h->bytes[i] >> 4];
		out[2 * i + 1] = digits[h->bytes[i] & 15];
	}
	out[PDQ_HEX_LEN] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pdq_from_hex(const char *s, pdq_hash *h)
{
	for (int i = 0; i < PDQ_BYTES; i++) {
		int hi = nibble(s[2 * i]), lo = hi < 0 ? -1 : nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		h->bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	return s[PDQ_HEX_LEN] == '\0' ? 0 : -1;
}

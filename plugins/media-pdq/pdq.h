/*
 * pdq.h — the PDQ perceptual hash of a picture (Facebook/Meta, 2019),
 * written from its published description ("The TMK+PDQF video-hashing
 * algorithm and the PDQ image-similarity algorithm", hashing.pdf in the
 * ThreatExchange repository).
 *
 * Pixels in, 256 bits and a quality score out:
 *
 *   1. luminance Y = 0.299 R + 0.587 G + 0.114 B, as floats;
 *   2. a Jarosz tent filter (two X,Y passes of 1-D box filters whose
 *      window is ceil(side / 128)), then 64 x 64 samples taken at the
 *      centres of a 64 x 64 grid;
 *   3. the quality: the sum of the absolute differences between
 *      neighbouring samples (each scaled to 0..100 of the 0..255 range and
 *      truncated), divided by 90, at most 100;
 *   4. a 2-D DCT-II of the 64 x 64 samples, keeping the 16 x 16 lowest
 *      frequencies after the constant one (rows and columns 1..16);
 *   5. one bit per coefficient: set when it is above the median of the
 *      256 (the 128th smallest).
 *
 * Bit k = 16 i + j is coefficient (i, j).  The bits form sixteen 16-bit
 * words, word w holding bits 16 w .. 16 w + 15 (bit 16 w + b is 1 << b);
 * the usual text form is the words from 15 down to 0, four lowercase hex
 * digits each.  A pdq_hash holds those 32 bytes in that same order, so
 * the hex of its bytes is the text form.
 *
 * Everything here is pure arithmetic on caller-owned buffers: no
 * allocation except in pdq_hash_rgb, no state, safe on many threads.
 */
#ifndef EXHIBIT_PDQ_H
#define EXHIBIT_PDQ_H

#include <stddef.h>
#include <stdint.h>

#define PDQ_BYTES 32
#define PDQ_HEX_LEN 64
#define PDQ_GRID 64        /* samples per side after the tent filter */
#define PDQ_DCT 16         /* coefficients per side kept */
#define PDQ_TRUSTED_QUALITY 50 /* below this the hash is not trusted */

typedef struct pdq_hash {
	uint8_t bytes[PDQ_BYTES];
} pdq_hash;

/* pdq_luma_from_rgb24 — Y of rows x cols RGB triples (row i at
 * rgb + i * stride) into luma (rows x cols, row-major). */
void pdq_luma_from_rgb24(const uint8_t *rgb, int rows, int cols, ptrdiff_t stride,
                         float *luma);

/*
 * pdq_from_luma — the hash and quality of a rows x cols luminance
 * picture.  luma is filtered in place; scratch holds rows x cols floats.
 * rows and cols are at least 1.
 */
void pdq_from_luma(float *luma, float *scratch, int rows, int cols, pdq_hash *hash,
                   int *quality);

/*
 * pdq_hash_rgb — the same from RGB24 pixels.  RETURN 0, or -1 when the
 * working buffers cannot be allocated (2 x rows x cols floats).
 */
int pdq_hash_rgb(const uint8_t *rgb, int rows, int cols, ptrdiff_t stride, pdq_hash *hash,
                 int *quality);

/* pdq_distance — the Hamming distance, 0..256. */
int pdq_distance(const pdq_hash *a, const pdq_hash *b);

/* pdq_to_hex — the 64-digit text form, NUL-terminated. */
void pdq_to_hex(const pdq_hash *h, char out[PDQ_HEX_LEN + 1]);

/* pdq_from_hex — parse the text form (either case).  RETURN 0, or -1
 * when s is not exactly 64 hex digits. */
int pdq_from_hex(const char *s, pdq_hash *h);

/* ---- the stages, exposed for the tests ---- */

/* pdq_window — the box window for a side of n pixels: ceil(n / 128). */
int pdq_window(int n);

/* pdq_box — 1-D box filter of n values spaced stride apart, window w:
 * out[i] is the mean of in[i - (w - h) .. i + h - 1] within the vector,
 * h = (w + 2) / 2. */
void pdq_box(const float *in, float *out, int n, ptrdiff_t stride, int w);

/* pdq_tent_64 — filter luma (two X,Y passes; scratch as for
 * pdq_from_luma) and take the 64 x 64 samples. */
void pdq_tent_64(float *luma, float *scratch, int rows, int cols,
                 float out[PDQ_GRID][PDQ_GRID]);

/* pdq_quality_64 — the quality of 64 x 64 samples, 0..100. */
int pdq_quality_64(const float in[PDQ_GRID][PDQ_GRID]);

/* pdq_dct_64_to_16 — coefficients 1..16 x 1..16 of the DCT-II with the
 * orthonormal scale sqrt(2 / 64). */
void pdq_dct_64_to_16(const float in[PDQ_GRID][PDQ_GRID], float out[PDQ_DCT][PDQ_DCT]);

/* pdq_bits — the hash of 16 x 16 coefficients: above their median. */
void pdq_bits(const float dct[PDQ_DCT][PDQ_DCT], pdq_hash *hash);

/* pdq_bit_set / pdq_bit — bit k (0..255) of a hash, as numbered above. */
void pdq_bit_set(pdq_hash *h, int k);
int pdq_bit(const pdq_hash *h, int k);

#endif

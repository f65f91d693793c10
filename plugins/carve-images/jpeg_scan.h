/*
 * jpeg_scan.h — checking a JPEG's entropy-coded data (ITU-T T.81) as it
 * streams past, without decoding a pixel.
 *
 * Huffman-coded scans whose meaning depends only on what came before in
 * the same block are decoded symbol by symbol with the tables of the DHT
 * segments: sequential DCT scans (baseline and extended, 8- and 12-bit),
 * progressive DC scans (first and refinement) and progressive AC first
 * scans.  Each block must decode with codes the tables define, magnitude
 * categories the sample precision allows and coefficient indices that stay
 * inside the band; DC predictors must stay in range; every restart
 * interval must hold exactly its number of MCUs and end with the next RSTn
 * in sequence, and the scan must end with its last MCU, at a marker, with
 * less than a byte of padding.  The first violation is the error, at the
 * byte where the offending code starts (byte stuffing blurs that by at
 * most a byte or two).
 *
 * Progressive AC refinement scans (whose correction bits depend on every
 * earlier scan of the block), lossless and arithmetic-coded scans are
 * checked at the byte level: stuffing, RSTn in sequence, and a marker that
 * ends the scan.
 *
 * Everything is plain data (< 12 KiB), so the host may copy it at a block
 * boundary and resume from the copy.
 */
#ifndef EXHIBIT_JPEG_SCAN_H
#define EXHIBIT_JPEG_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define JPEG_FAST_BITS 9
#define JPEG_MAX_COMPONENTS 4
#define JPEG_MAX_BLOCKS_IN_MCU 10 /* T.81 B.2.3: sum of Hi x Vi in an interleaved scan */

/*
 * One Huffman table, ready to decode.  fast[] maps the next JPEG_FAST_BITS
 * bits to what a short code means, 0 for codes it does not cover:
 *   DC tables: code length << 8 | symbol;
 *   AC tables: bits to take (code and magnitude) | what the coefficient
 *   index advances by << 5 (JPEG_AC_EOB: end of block); symbols the
 *   decoder must look at (end-of-band runs, magnitudes above 10) are left
 *   to the slow path.
 */
#define JPEG_AC_EOB 0x80
typedef struct jpeg_huffman {
	uint16_t fast[1 << JPEG_FAST_BITS];
	uint32_t limit[17];  /* the codes of length <= l, as 16-bit numbers, are below limit[l] */
	int32_t valoffset[17];              /* symbol index of a code of each length, minus the code */
	uint8_t values[256];
	uint8_t defined;
} jpeg_huffman;

/* How a scan's data is checked. */
enum jpeg_scan_kind {
	JPEG_SCAN_SEQUENTIAL = 0, /* DC then AC 1..63 of every block */
	JPEG_SCAN_DC_FIRST,       /* progressive: DC of every block */
	JPEG_SCAN_DC_REFINE,      /* progressive: one bit per block */
	JPEG_SCAN_AC_FIRST,       /* progressive: band Ss..Se, end-of-band runs */
	JPEG_SCAN_BYTES           /* byte level only */
};

/* What the frame and the scan header say about the scan to check. */
typedef struct jpeg_scan_setup {
	int kind;                 /* jpeg_scan_kind */
	unsigned precision;       /* P: 8 or 12 */
	unsigned ss, se;          /* spectral band (AC first) */
	unsigned restart;         /* Ri: MCUs per restart interval, 0: none */
	uint32_t mcus;            /* MCUs in the scan, 0: unknown (DNL) */
	unsigned n_blocks;        /* blocks per MCU */
	uint8_t block_component[JPEG_MAX_BLOCKS_IN_MCU]; /* scan component of each block */
	uint8_t dc_table[JPEG_MAX_COMPONENTS], ac_table[JPEG_MAX_COMPONENTS]; /* per scan component */
} jpeg_scan_setup;

typedef struct jpeg_scan {
	jpeg_huffman dc[4], ac[4]; /* the tables DHT defined, by class and id */
	jpeg_scan_setup setup;

	/* The bit reader. */
	uint64_t acc;        /* unread bits, most significant first */
	int32_t nbits;       /* how many of acc's bits are real */
	uint8_t pending_ff;  /* the last byte seen was 0xFF */
	uint8_t at_marker;   /* a marker stopped the reader: no data bits follow */
	uint8_t marker;      /* that marker's code */
	uint16_t fill;       /* 0xFF fill bytes in a row */
	uint64_t ff_at;      /* offset of the last 0xFF seen */
	uint64_t marker_at;  /* offset of that marker's 0xFF */

	/* Where the decoder is. */
	uint32_t mcu;        /* MCUs done in the scan */
	uint32_t in_interval;/* MCUs done in the restart interval */
	/* Words, not bytes: the decoder stores these once a block and reads
	 * them at once after (a byte store read back by a wider load stalls). */
	uint32_t next_rst;   /* the RSTn expected next (0..7) */
	uint32_t block;      /* block of the MCU being decoded */
	uint32_t k;          /* next coefficient of the block; 0: DC next */
	uint32_t in_block;   /* the block has started (its DC is read) */
	uint32_t eobrun;     /* progressive: blocks still to skip */
	int32_t pred[JPEG_MAX_COMPONENTS]; /* DC predictors */
} jpeg_scan;

/*
 * jpeg_huffman_build — build table t of class ac (0: DC, 1: AC) from a DHT
 * table: counts[0..16) codes of each length 1..16, then the symbols.
 * RETURN: 0, or -1 when the counts over-fill the code space.
 */
int jpeg_huffman_build(jpeg_huffman *t, int ac, const uint8_t counts[16],
                       const uint8_t *symbols, unsigned n_symbols);

/* jpeg_component_blocks — the blocks of a component sampled h x v (of
 * hmax x vmax) in a width x height frame, as a scan of it alone covers
 * them (T.81 A.2.2). */
uint32_t jpeg_component_blocks(unsigned width, unsigned height, unsigned h, unsigned v,
                               unsigned hmax, unsigned vmax);

/* jpeg_huffman_symbol — the symbol the bits at the top of acc start with,
 * *len its code length, or -1 for bits no code starts.  For a table built
 * as a DC one (ac = 0): its fast entries then hold symbols. */
int jpeg_huffman_symbol(const jpeg_huffman *t, uint64_t acc, unsigned *len);

/* jpeg_scan_start — reset the reader and decoder for a scan described by
 * setup (tables already in s). */
void jpeg_scan_start(jpeg_scan *s, const jpeg_scan_setup *setup);

/*
 * jpeg_scan_feed — check p[0..n) at candidate offset pos.
 * RETURN: EXHIBIT_CARVE_CONTINUE (all taken); EXHIBIT_CARVE_END when the
 * scan is over: a marker that is not one of its RSTn was read (s->marker,
 * s->marker_at) and *used bytes were taken, that marker's code included;
 * EXHIBIT_CARVE_ERROR with *bad at the first byte that cannot belong.
 */
int jpeg_scan_feed(jpeg_scan *s, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
                   uint64_t *bad);

/*
 * jpeg_scan_cannot_go_on — whether p[0..n), following what s has taken,
 * hold a marker no JPEG allows after entropy-coded data (a byte other
 * than 0x00, a restart, fill or the code of a marker that may follow a
 * scan, after a 0xFF) before any marker that may.  Random or compressed
 * bytes that are not a JPEG scan's do within a few hundred bytes.
 * RETURN 1 when they do: feeding them to s ends in EXHIBIT_CARVE_ERROR at
 * that marker or before (it cannot be a scan's end either); 0 otherwise.
 */
int jpeg_scan_cannot_go_on(const jpeg_scan *s, const unsigned char *p, size_t n);

#endif

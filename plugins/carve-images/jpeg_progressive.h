/*
 * jpeg_progressive.h — the whole-file check of a progressive JPEG.
 *
 * While a candidate streams past, data_check decodes every scan of a
 * progressive JPEG but one kind: the AC refinement scans, whose bits
 * depend on which coefficients earlier scans made non-zero in every block
 * of the image, a history far larger than a carver's state.  There they
 * are checked byte by byte only, so a truncated progressive file followed
 * by random bytes that happen to hold an EOI looked whole, and so did a
 * wrong second fragment joined inside such a scan.  validate runs this
 * check over the whole candidate, in memory, with that history: every AC
 * scan is decoded (T.81 G.1.2.2 and G.1.2.3), and the progression must
 * bring every coefficient of every component to full precision (Al = 0),
 * as the scan scripts of every encoder do.
 */
#ifndef EXHIBIT_JPEG_PROGRESSIVE_H
#define EXHIBIT_JPEG_PROGRESSIVE_H

#include <stddef.h>
#include <stdint.h>

/* jpeg_is_progressive — whether the JPEG starting at p (n bytes, enough
 * to reach its frame header) is progressive with Huffman coding (SOF2). */
int jpeg_is_progressive(const unsigned char *p, size_t n);

/*
 * jpeg_progressive_check — check the progressive JPEG p[0..n) (its first
 * image, from its SOI).
 * RETURN: 0 when every scan decodes and the progression is complete;
 * -1 with *bad the offset of the first byte found wrong (the EOI when
 * the progression is incomplete); 1 when not checked (not a progressive
 * Huffman JPEG, or an image too large for the history's bound).
 */
int jpeg_progressive_check(const unsigned char *p, size_t n, uint64_t *bad);

#endif

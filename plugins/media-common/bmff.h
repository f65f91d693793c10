/*
 * bmff.h — box headers of the ISO base media file format (ISO/IEC
 * 14496-12) and QuickTime atoms, read within their parent's bounds.
 *
 * A box is a 32-bit size and a four-character type; size 1 means a 64-bit
 * size follows, size 0 means "to the end of the parent" (top level: of
 * the file); type 'uuid' carries a 16-byte extended type.  A box that
 * declares more bytes than its parent (or the item) holds is clipped to
 * what is there and flagged, so a truncated file still yields what it
 * holds; a size smaller than its own header ends the parent's walk.
 */
#ifndef EXHIBIT_BMFF_H
#define EXHIBIT_BMFF_H

#include <stdbool.h>
#include <stdint.h>

#include "media.h"

#define BMFF_MAX_DEPTH 16

typedef struct bmff_box {
	uint64_t offset;   /* of the header, in the item */
	uint64_t header;   /* header length: 8, 16, +16 for uuid */
	uint64_t size;     /* whole box, clipped to the parent */
	uint64_t declared; /* whole box, as declared */
	unsigned char type[4];
	bool clipped;      /* declared beyond the parent's end */
} bmff_box;

typedef enum bmff_read {
	BMFF_BOX,   /* *box is valid */
	BMFF_END,   /* fewer than 8 bytes remain: the parent is done */
	BMFF_BROKEN /* a header that cannot be a box (already reported) */
} bmff_read;

/*
 * bmff_box_at — the box whose header is at pos inside a parent whose
 * content ends at end.  what names the parent in messages ("moov at 32").
 * A clipped box is reported (truncated); a broken header is reported.
 */
bmff_read bmff_box_at(media *m, uint64_t pos, uint64_t end, bmff_box *box,
                      const char *what);

/* Payload bounds of a box. */
static inline uint64_t bmff_payload(const bmff_box *b)
{
	return b->offset + b->header;
}

static inline uint64_t bmff_end(const bmff_box *b)
{
	return b->offset + b->size;
}

static inline bool bmff_is(const bmff_box *b, const char *type)
{
	return b->type[0] == (unsigned char)type[0] && b->type[1] == (unsigned char)type[1] &&
	       b->type[2] == (unsigned char)type[2] && b->type[3] == (unsigned char)type[3];
}

/* bmff_type_name — a printable name for a type ("moov", "©xyz",
 * "\x00\x01ab"), for messages and tags. */
void bmff_type_name(const unsigned char type[4], char out[24]);

/* bmff_type_plausible — the four bytes look like a box type (printable
 * ASCII or ©), which tells a box from garbage at the top level. */
bool bmff_type_plausible(const unsigned char type[4]);

#endif

/*
 * pb.h — a small reader of the protobuf wire format, for messages whose
 * schema is not at hand: fields are found by number along a path, read
 * as they are on the wire, and never interpreted beyond that.
 *
 * The wire format: each field is a key (a varint: field number << 3 |
 * wire type), then its value: a varint (type 0), 8 bytes (1), a length
 * varint and that many bytes (2: strings, bytes, nested messages), or 4
 * bytes (5).  Groups (3, 4) are obsolete and read as malformed.  A value
 * that runs past its buffer, a varint longer than 10 bytes or a field
 * number 0 is malformed; the reader then says where (the byte offset in
 * the outermost buffer).  Nothing is allocated.
 */
#ifndef EXHIBIT_PB_H
#define EXHIBIT_PB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pb_slice {
	const uint8_t *data;
	size_t len;
	size_t base; /* offset of data in the outermost buffer */
} pb_slice;

typedef struct pb_field {
	uint32_t number;
	unsigned wire;       /* 0, 1, 2 or 5 */
	uint64_t varint;     /* wire 0 */
	pb_slice bytes;      /* wire 2 (and the raw 4 or 8 bytes of 1 and 5) */
} pb_field;

typedef struct pb_iter {
	pb_slice in;
	size_t pos;
	bool malformed;
	size_t malformed_at; /* in the outermost buffer */
} pb_iter;

void pb_iter_init(pb_iter *it, pb_slice in);

/* pb_next — the next field; false at the end or when the rest is
 * malformed (it->malformed set, with where). */
bool pb_next(pb_iter *it, pb_field *f);

/*
 * pb_path — follow a path of field numbers through nested messages (each
 * step the last length-delimited field of that number, as protobuf
 * merges repeated ones), into *out.  RETURN: true when found; false when
 * absent or malformed (*malformed_at set, else left as it was).
 */
bool pb_path(pb_slice in, const uint32_t *path, size_t n, pb_slice *out,
             bool *malformed, size_t *malformed_at);

/* pb_first_field — the number of the first field of in (0 for none). */
uint32_t pb_first_field(pb_slice in);

#endif

/*
 * fuzz_pb.c — libFuzzer target: arbitrary bytes as a protobuf message
 * read by plugins/snapchat/pb.c (Snapchat's message_content).
 *
 * Beyond "no crash, no sanitizer report": every field's bytes lie inside
 * the buffer at the offset they claim; a malformation is placed inside
 * the buffer; a path found is a slice of the buffer; nested messages are
 * walked to a bounded depth.
 *
 * Seeds: tests/fuzz/corpus/pb/, message_content blobs of each text path
 * (the same encoding check_chat_snapchat.c uses) and broken ones.
 */
#include <stdint.h>
#include <stdlib.h>

#include "pb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *whole;
static size_t whole_size;

static void inside(pb_slice s)
{
	if (s.len && (s.base > whole_size || s.len > whole_size - s.base ||
	              s.data != whole + s.base))
		abort();
}

static void walk(pb_slice in, int depth)
{
	pb_iter it;
	pb_field f;

	pb_iter_init(&it, in);
	while (pb_next(&it, &f)) {
		if (f.number == 0 || (f.wire != 0 && f.wire != 1 && f.wire != 2 && f.wire != 5))
			abort();
		if (f.wire != 0)
			inside(f.bytes);
		if (f.wire == 2 && depth < 8)
			walk(f.bytes, depth + 1);
	}
	if (it.malformed && (it.malformed_at < in.base || it.malformed_at >= in.base + in.len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t paths[][6] = {
		{ 4, 4, 2, 1 }, { 4, 4, 7, 11, 1 }, { 4, 4, 19, 1, 1 }, { 4, 4, 24 }
	};
	static const size_t lens[] = { 4, 5, 5, 3 };
	pb_slice in = { data, size, 0 }, out;
	size_t i;

	whole = data;
	whole_size = size;
	walk(in, 0);
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		bool bad = false;
		size_t at = 0;

		if (pb_path(in, paths[i], lens[i], &out, &bad, &at))
			inside(out);
		if (bad && at >= size)
			abort();
	}
	(void)pb_first_field(in);
	return 0;
}

/*
 * pb.c — see pb.h.
 */
#include "pb.h"

#include <string.h>

void pb_iter_init(pb_iter *it, pb_slice in)
{
	memset(it, 0, sizeof *it);
	it->in = in;
}

static bool varint(pb_iter *it, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	size_t i;

	for (i = 0; i < 10; i++) {
		uint8_t b;

		if (it->pos >= it->in.len)
			return false;
		b = it->in.data[it->pos++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return true;
		}
		shift += 7;
	}
	return false;
}

static bool malformed(pb_iter *it, size_t at)
{
	it->malformed = true;
	it->malformed_at = it->in.base + at;
	return false;
}

bool pb_next(pb_iter *it, pb_field *f)
{
	size_t start = it->pos, n;
	uint64_t key, len;

	if (it->malformed || it->pos >= it->in.len)
		return false;
	memset(f, 0, sizeof *f);
	if (!varint(it, &key) || (key >> 3) == 0 || (key >> 3) > 0x1fffffff)
		return malformed(it, start);
	f->number = (uint32_t)(key >> 3);
	f->wire = (unsigned)(key & 7);
	switch (f->wire) {
	case 0:
		if (!varint(it, &f->varint))
			return malformed(it, start);
		return true;
	case 1:
	case 5:
		n = f->wire == 1 ? 8 : 4;
		if (it->in.len - it->pos < n)
			return malformed(it, start);
		f->bytes.data = it->in.data + it->pos;
		f->bytes.len = n;
		f->bytes.base = it->in.base + it->pos;
		it->pos += n;
		return true;
	case 2:
		if (!varint(it, &len) || len > it->in.len - it->pos)
			return malformed(it, start);
		f->bytes.data = it->in.data + it->pos;
		f->bytes.len = (size_t)len;
		f->bytes.base = it->in.base + it->pos;
		it->pos += (size_t)len;
		return true;
	default:
		return malformed(it, start);
	}
}

bool pb_path(pb_slice in, const uint32_t *path, size_t n, pb_slice *out,
             bool *bad, size_t *bad_at)
{
	size_t step;

	for (step = 0; step < n; step++) {
		pb_iter it;
		pb_field f;
		bool found = false;

		pb_iter_init(&it, in);
		while (pb_next(&it, &f))
			if (f.number == path[step] && f.wire == 2) {
				*out = f.bytes;
				found = true;
			}
		if (it.malformed) {
			*bad = true;
			*bad_at = it.malformed_at;
			return false;
		}
		if (!found)
			return false;
		in = *out;
	}
	*out = in;
	return true;
}

uint32_t pb_first_field(pb_slice in)
{
	pb_iter it;
	pb_field f;

	pb_iter_init(&it, in);
	return pb_next(&it, &f) ? f.number : 0;
}

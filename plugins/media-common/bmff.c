/*
 * bmff.c — see bmff.h.
 */
#include "bmff.h"

#include <stdio.h>

#include "bytes.h"

void bmff_type_name(const unsigned char type[4], char out[24])
{
	char *o = out;

	for (int i = 0; i < 4; i++) {
		unsigned char c = type[i];
		if (c == 0xa9) {
			*o++ = (char)0xc2; /* U+00A9 in UTF-8 */
			*o++ = (char)0xa9;
		} else if (c >= 0x20 && c < 0x7f) {
			*o++ = (char)c;
		} else {
			o += sprintf(o, "\\x%02x", c);
		}
	}
	*o = '\0';
}

bool bmff_type_plausible(const unsigned char type[4])
{
	for (int i = 0; i < 4; i++)
		if (!((type[i] >= 0x20 && type[i] < 0x7f) || type[i] == 0xa9))
			return false;
	return true;
}

bmff_read bmff_box_at(media *m, uint64_t pos, uint64_t end, bmff_box *box, const char *what)
{
	const unsigned char *h;
	char name[24];
	uint64_t size;

	if (pos >= end || end - pos < 8)
		return BMFF_END;
	if (!(h = media_peek(m, pos, 8)))
		return BMFF_END;
	box->offset = pos;
	box->header = 8;
	box->clipped = false;
	for (int i = 0; i < 4; i++)
		box->type[i] = h[4 + i];
	bmff_type_name(box->type, name);
	size = be32(h);
	if (size == 1) {
		if (end - pos < 16 || !(h = media_peek(m, pos + 8, 8))) {
			media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "box '%s' at offset %llu in %s: its 64-bit size is cut off",
			              name, (unsigned long long)pos, what);
			return BMFF_BROKEN;
		}
		size = be64(h);
		box->header = 16;
	} else if (size == 0) {
		size = end - pos;
	}
	if (bmff_is(box, "uuid"))
		box->header += 16;
	if (size < box->header) {
		media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
		              "box '%s' at offset %llu in %s declares %llu bytes, less than its "
		              "own header",
		              name, (unsigned long long)pos, what, (unsigned long long)size);
		return BMFF_BROKEN;
	}
	box->declared = size;
	if (size > end - pos) {
		box->clipped = true;
		media_problem(m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
		              "box '%s' at offset %llu in %s declares %llu bytes but only %llu "
		              "remain: truncated, %llu bytes missing",
		              name, (unsigned long long)pos, what, (unsigned long long)size,
		              (unsigned long long)(end - pos),
		              (unsigned long long)(size - (end - pos)));
		size = end - pos;
		if (size < box->header)
			return BMFF_BROKEN;
	}
	box->size = size;
	return BMFF_BOX;
}

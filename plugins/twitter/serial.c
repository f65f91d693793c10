/*
 * serial.c — see serial.h.
 */
#include "serial.h"

#include <string.h>

/* Types (SerializerDefs) and subtypes (ByteBufferSerializerDefs). */
enum {
	T_BYTE = 1, T_INT = 2, T_LONG = 3, T_FLOAT = 4, T_DOUBLE = 5, T_BOOLEAN = 6,
	T_NULL = 7, T_STRING_UTF8 = 8, T_START_OBJECT = 9, T_START_OBJECT_DEBUG = 10,
	T_END_OBJECT = 11, T_STRING_ASCII = 13, T_BYTE_ARRAY = 14
};

enum { S_UNDEFINED = 0, S_DEFAULT = 1, S_BYTE = 2, S_SHORT = 3, S_INT = 4, S_LONG = 5 };

typedef struct cursor {
	const uint8_t *data;
	size_t len, pos;
} cursor;

static int fail(serial_walk *w, size_t offset, const char *why)
{
	w->error = why;
	w->error_offset = offset;
	return -1;
}

static int take(cursor *c, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n > c->len - c->pos)
		return -1;
	for (i = 0; i < n; i++)
		v = v << 8 | c->data[c->pos + i];
	c->pos += n;
	*out = v;
	return 0;
}

/* The number after an int-like header (int, long, lengths, versions):
 * 0 for DEFAULT, else 1, 2, 4 (or 8 when longs are allowed) bytes. */
static int number(cursor *c, int subtype, int allow_long, uint64_t *out)
{
	switch (subtype) {
	case S_DEFAULT:
		*out = 0;
		return 0;
	case S_BYTE:
		return take(c, 1, out);
	case S_SHORT:
		return take(c, 2, out);
	case S_INT:
		return take(c, 4, out);
	case S_LONG:
		return allow_long ? take(c, 8, out) : -1;
	default:
		return -1;
	}
}

/* A length: an int-like number that is not negative as a Java int. */
static int length(cursor *c, int subtype, uint64_t *out)
{
	if (number(c, subtype, 0, out) < 0)
		return -1;
	return subtype == S_INT && *out > 0x7fffffffu ? -1 : 0;
}

/* The bytes of a UTF-8 string of units UTF-16 code units. */
static int utf8_units(cursor *c, uint64_t units, size_t *bytes)
{
	size_t start = c->pos, pos = c->pos;

	while (units > 0) {
		uint8_t b;
		size_t n;
		uint64_t u;

		if (pos >= c->len)
			return -1;
		b = c->data[pos];
		n = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 :
		    (b & 0xf8) == 0xf0 ? 4 : 0;
		u = n == 4 ? 2 : 1;
		if (!n || n > c->len - pos || u > units)
			return -1;
		pos += n;
		units -= u;
	}
	*bytes = pos - start;
	c->pos = pos;
	return 0;
}

static void keep(serial_walk *w, const uint8_t *bytes, size_t len)
{
	if (w->n_strings < w->max_strings) {
		w->strings[w->n_strings].bytes = bytes;
		w->strings[w->n_strings].len = len;
		w->n_strings++;
	} else {
		w->more_strings++;
	}
}

static int string_value(cursor *c, serial_walk *w, int type, int subtype)
{
	uint64_t units;
	size_t start, bytes;

	if (length(c, subtype, &units) < 0)
		return -1;
	start = c->pos;
	if (type == T_STRING_ASCII) {
		if (units > c->len - c->pos)
			return -1;
		bytes = (size_t)units;
		c->pos += bytes;
	} else if (utf8_units(c, units, &bytes) < 0) {
		return -1;
	}
	keep(w, c->data + start, bytes);
	return 0;
}

/* One value at c->pos. */
static int value(cursor *c, serial_walk *w)
{
	uint8_t header = c->data[c->pos++];
	int type = header >> 3 & 0x1f, subtype = header & 7;
	uint64_t v;

	switch (type) {
	case T_BYTE:
		return subtype == S_DEFAULT ? 0 : subtype == S_UNDEFINED ? take(c, 1, &v) : -1;
	case T_INT:
		return number(c, subtype, 0, &v);
	case T_LONG:
		return number(c, subtype, 1, &v);
	case T_FLOAT:
		return subtype == S_DEFAULT ? 0 : subtype == S_UNDEFINED ? take(c, 4, &v) : -1;
	case T_DOUBLE:
		return subtype == S_DEFAULT ? 0 : subtype == S_UNDEFINED ? take(c, 8, &v) : -1;
	case T_BOOLEAN:
		return subtype <= S_DEFAULT ? 0 : -1;
	case T_NULL:
	case T_END_OBJECT:
		return subtype == S_UNDEFINED ? 0 : -1;
	case T_STRING_ASCII:
	case T_STRING_UTF8:
		return string_value(c, w, type, subtype);
	case T_START_OBJECT:
		w->objects++;
		return number(c, subtype, 0, &v);
	case T_START_OBJECT_DEBUG:
		/* the version, then the class name as a string value */
		w->objects++;
		return number(c, subtype, 0, &v);
	case T_BYTE_ARRAY:
		if (subtype == S_UNDEFINED)
			return 0;
		if (length(c, subtype, &v) < 0 || v > c->len - c->pos)
			return -1;
		c->pos += (size_t)v;
		return 0;
	default:
		return -1;
	}
}

int serial_read(const uint8_t *data, size_t len, serial_walk *w)
{
	cursor c = { data, len, 0 };

	w->n_strings = w->more_strings = w->n_values = w->objects = 0;
	w->error = NULL;
	w->error_offset = 0;
	while (c.pos < c.len) {
		size_t at = c.pos;

		if (value(&c, w) < 0)
			return fail(w, at, "a value that does not decode as Serial (unknown type, "
			            "bad subtype, or running past the end)");
		w->n_values++;
	}
	return 0;
}

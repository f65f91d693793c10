/*
 * serial.h — reading the byte format of Twitter's "Serial" library
 * (twitter/Serial on GitHub, com.twitter.serial.stream.bytebuffer), in
 * which the Twitter app for Android stores serialized objects in its
 * databases (conversation_entries.data, ...).
 *
 * The format, as the library's ByteBufferSerializerOutput writes it: a
 * sequence of values, each one header byte (type in the high five bits,
 * subtype in the low three) and what the header says follows, big-endian:
 *   byte, int, long, float, double, boolean, null, string (ASCII or UTF-8,
 *   its length counted in UTF-16 code units), byte array, object start
 *   (a version number; the debug form adds the class name as a string)
 *   and object end.
 * Which field of which class a value is, the format does not say: the
 * reader only walks the values and collects the strings, in order.
 *
 * What it promises: no read outside the buffer, at most max_strings
 * strings kept (the rest counted), an error with the byte offset of the
 * value that does not decode, no state beyond the caller's structure.
 */
#ifndef TWITTER_SERIAL_H
#define TWITTER_SERIAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct serial_string {
	const uint8_t *bytes; /* into the buffer read; not NUL-terminated */
	size_t len;           /* bytes */
} serial_string;

typedef struct serial_walk {
	serial_string *strings; /* caller's array of max_strings */
	size_t max_strings;
	size_t n_strings;       /* kept */
	size_t more_strings;    /* seen beyond max_strings */
	size_t n_values;
	size_t objects;         /* object starts seen */
	size_t error_offset;    /* when serial_read fails */
	const char *error;      /* static text, NULL when it did not fail */
} serial_walk;

/*
 * serial_read — walk every value of data[0..len), keeping the strings in
 * w->strings.  An empty buffer is an empty walk.
 * RETURN: 0, or -1 with w->error and w->error_offset set (what was read
 * before the bad value stays in w).
 */
int serial_read(const uint8_t *data, size_t len, serial_walk *w);

#endif

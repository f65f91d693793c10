/*
 * sqlite_record.h — the SQLite record format: varints, serial types, and
 * the values a record holds, read from untrusted bytes.
 *
 * Every reader here takes the number of bytes it may look at and never
 * reads past it: a varint or a header that runs off the end is refused,
 * not followed.  Values point into the caller's bytes (nothing is copied)
 * except where text changes encoding (sqlite_text_to_utf8).
 *
 * Reference: "Database File Format", sections 1.6 (varints) and 2.1
 * (record format), https://www.sqlite.org/fileformat2.html.
 */
#ifndef EXHIBIT_SQLITE_RECORD_H
#define EXHIBIT_SQLITE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most columns a record may have here (SQLite's default maximum). */
#define SQLITE_RECORD_MAX_COLUMNS 2000

/* Text encodings, as in the database header (bytes 56-59). */
enum {
	SQLITE_ENC_UTF8 = 1,
	SQLITE_ENC_UTF16LE = 2,
	SQLITE_ENC_UTF16BE = 3
};

typedef enum sqlite_value_kind {
	SQLITE_VALUE_NULL = 0,
	SQLITE_VALUE_INT,
	SQLITE_VALUE_REAL,
	SQLITE_VALUE_TEXT, /* bytes in the database's text encoding */
	SQLITE_VALUE_BLOB
} sqlite_value_kind;

typedef struct sqlite_value {
	sqlite_value_kind kind;
	uint64_t serial;      /* the serial type it was stored with */
	int64_t i;
	double r;
	const uint8_t *bytes; /* TEXT and BLOB: points into the record */
	size_t len;
} sqlite_value;

/*
 * sqlite_varint_get — the varint at p, reading at most avail bytes.
 * RETURN: its length (1-9), or 0 when it runs past avail.
 */
size_t sqlite_varint_get(const uint8_t *p, size_t avail, uint64_t *value);

/* sqlite_varint_len — how many bytes SQLite writes for value (1-9). */
size_t sqlite_varint_len(uint64_t value);

/* sqlite_serial_valid — false for the reserved types 10 and 11. */
bool sqlite_serial_valid(uint64_t serial);

/* sqlite_serial_size — the bytes a value of this serial type takes. */
uint64_t sqlite_serial_size(uint64_t serial);

/* sqlite_serial_kind — the kind of value a serial type holds. */
sqlite_value_kind sqlite_serial_kind(uint64_t serial);

/*
 * sqlite_serial_is_minimal — whether SQLite itself would have written
 * this integer with this serial type (it always picks the smallest, and
 * writes 0 and 1 as types 8 and 9 from schema format 4 on).  Carving uses
 * it to refuse byte runs that merely look like records.
 */
bool sqlite_serial_is_minimal(uint64_t serial, int64_t value,
                              uint32_t schema_format);

/*
 * sqlite_value_read — the value of one serial type whose body starts at
 * body (at least sqlite_serial_size(serial) bytes readable).
 */
void sqlite_value_read(uint64_t serial, const uint8_t *body, sqlite_value *out);

/*
 * sqlite_record_header — parse a record header from p (avail readable
 * bytes): its length varint, then up to max serial types into types.
 * RETURN: the number of types, or -1 when the header is malformed (its
 * length is shorter than its own varint or longer than avail, a varint
 * runs past it, a type is reserved, or there are more than max types).
 * *header_len and *body_len (the sum of the value sizes) are set on
 * success.
 */
int sqlite_record_header(const uint8_t *p, size_t avail, uint64_t *types,
                         size_t max, uint64_t *header_len, uint64_t *body_len);

/*
 * sqlite_record_decode — the values of the complete record payload[0..len).
 * RETURN: the number of values (at most max), or -1 when the record is
 * malformed or its values do not end exactly at len.
 */
int sqlite_record_decode(const uint8_t *payload, size_t len,
                         sqlite_value *values, size_t max);

/*
 * sqlite_text_valid — whether len bytes are well-formed text in the
 * given encoding with no NUL character (UTF-16: even length, surrogates
 * paired).  Carving accepts only text that passes.
 */
bool sqlite_text_valid(const uint8_t *p, size_t len, int encoding);

/*
 * sqlite_text_to_utf8 — a malloc'd, NUL-terminated UTF-8 copy of text in
 * the given encoding (*out_len set to its length without the NUL).  UTF-8
 * is copied as it is (invalid bytes kept for the case to escape); UTF-16
 * is converted, a lone surrogate encoded as its own three bytes so that
 * nothing is dropped.  RETURN: the copy, or NULL when out of memory.
 */
char *sqlite_text_to_utf8(const uint8_t *p, size_t len, int encoding,
                          size_t *out_len);

/* Big-endian readers used throughout the format. */
static inline uint32_t sqlite_get_be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t sqlite_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

#endif

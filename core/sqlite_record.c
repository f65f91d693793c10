/*
 * sqlite_record.c — see sqlite_record.h.
 */
#include "sqlite_record.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Serial types 10 and 11 are reserved; 12 and up are BLOB (even) or
 * TEXT (odd). */
#define SERIAL_FIRST_VARIABLE 12
#define BODY_LIMIT ((uint64_t)1 << 62) /* past any real record */

size_t sqlite_varint_get(const uint8_t *p, size_t avail, uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++) {
		if (i >= avail)
			return 0;
		v = v << 7 | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*value = v;
			return i + 1;
		}
	}
	if (avail < 9)
		return 0;
	*value = v << 8 | p[8]; /* the ninth byte gives all eight bits */
	return 9;
}

size_t sqlite_varint_len(uint64_t value)
{
	size_t n = 1;

	if (value >> 56)
		return 9;
	while (value >>= 7)
		n++;
	return n;
}

bool sqlite_serial_valid(uint64_t serial)
{
	return serial != 10 && serial != 11;
}

uint64_t sqlite_serial_size(uint64_t serial)
{
	static const uint8_t fixed[SERIAL_FIRST_VARIABLE] = {
		0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0
	};

	if (serial < SERIAL_FIRST_VARIABLE)
		return fixed[serial];
	return (serial - SERIAL_FIRST_VARIABLE) / 2;
}

sqlite_value_kind sqlite_serial_kind(uint64_t serial)
{
	if (serial == 0 || serial == 10 || serial == 11)
		return SQLITE_VALUE_NULL;
	if (serial <= 6 || serial == 8 || serial == 9)
		return SQLITE_VALUE_INT;
	if (serial == 7)
		return SQLITE_VALUE_REAL;
	return (serial & 1) ? SQLITE_VALUE_TEXT : SQLITE_VALUE_BLOB;
}

bool sqlite_serial_is_minimal(uint64_t serial, int64_t value,
                              uint32_t schema_format)
{
	/* SQLite sizes an integer by its magnitude (~v for negatives). */
	uint64_t magnitude = value < 0 ? ~(uint64_t)value : (uint64_t)value;
	bool small_booleans = schema_format == 0 || schema_format >= 4;

	switch (serial) {
	case 1:
		return !(small_booleans && (value == 0 || value == 1));
	case 2:
		return magnitude > 0x7f;
	case 3:
		return magnitude > 0x7fff;
	case 4:
		return magnitude > 0x7fffff;
	case 5:
		return magnitude > 0x7fffffff;
	case 6:
		return magnitude > 0x7fffffffffffULL;
	case 8:
	case 9:
		return small_booleans;
	default:
		return true;
	}
}

static int64_t read_signed(const uint8_t *p, size_t n)
{
	uint64_t v = (p[0] & 0x80) ? ~(uint64_t)0 : 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

void sqlite_value_read(uint64_t serial, const uint8_t *body, sqlite_value *out)
{
	uint64_t bits;

	memset(out, 0, sizeof *out);
	out->serial = serial;
	out->kind = sqlite_serial_kind(serial);
	switch (out->kind) {
	case SQLITE_VALUE_INT:
		if (serial == 8 || serial == 9)
			out->i = (int64_t)serial - 8;
		else
			out->i = read_signed(body, (size_t)sqlite_serial_size(serial));
		break;
	case SQLITE_VALUE_REAL:
		bits = (uint64_t)read_signed(body, 8);
		memcpy(&out->r, &bits, sizeof out->r);
		break;
	case SQLITE_VALUE_TEXT:
	case SQLITE_VALUE_BLOB:
		out->bytes = body;
		out->len = (size_t)sqlite_serial_size(serial);
		break;
	default:
		break;
	}
}

int sqlite_record_header(const uint8_t *p, size_t avail, uint64_t *types,
                         size_t max, uint64_t *header_len, uint64_t *body_len)
{
	uint64_t hlen, body = 0;
	size_t at, n = 0;

	at = sqlite_varint_get(p, avail, &hlen);
	if (at == 0 || hlen < at || hlen > avail)
		return -1;
	while (at < hlen) {
		uint64_t serial;
		size_t len = sqlite_varint_get(p + at, (size_t)hlen - at, &serial);

		if (len == 0 || n >= max || !sqlite_serial_valid(serial))
			return -1;
		body += sqlite_serial_size(serial);
		if (body > BODY_LIMIT)
			return -1;
		types[n++] = serial;
		at += len;
	}
	*header_len = hlen;
	*body_len = body;
	return (int)n;
}

int sqlite_record_decode(const uint8_t *payload, size_t len,
                         sqlite_value *values, size_t max)
{
	uint64_t types[64], *many = types, hlen, body;
	size_t i, at;
	int n;

	if (max > sizeof types / sizeof types[0]) {
		many = malloc(max * sizeof *many);
		if (!many)
			return -1;
	}
	n = sqlite_record_header(payload, len, many, max, &hlen, &body);
	if (n < 0 || hlen + body != len) {
		n = -1;
		goto out;
	}
	at = (size_t)hlen;
	for (i = 0; i < (size_t)n; i++) {
		sqlite_value_read(many[i], payload + at, &values[i]);
		at += (size_t)sqlite_serial_size(many[i]);
	}
out:
	if (many != types)
		free(many);
	return n;
}

/* ---------------------------------------------------------------- text */

static uint32_t utf16_unit(const uint8_t *p, int encoding)
{
	return encoding == SQLITE_ENC_UTF16BE ? (uint32_t)p[0] << 8 | p[1]
	                                      : (uint32_t)p[1] << 8 | p[0];
}

static bool is_high_surrogate(uint32_t u)
{
	return u >= 0xd800 && u <= 0xdbff;
}

static bool is_low_surrogate(uint32_t u)
{
	return u >= 0xdc00 && u <= 0xdfff;
}

static bool utf16_valid(const uint8_t *p, size_t len, int encoding)
{
	size_t i;

	if (len % 2)
		return false;
	for (i = 0; i < len; i += 2) {
		uint32_t u = utf16_unit(p + i, encoding);

		if (u == 0 || is_low_surrogate(u))
			return false;
		if (is_high_surrogate(u)) {
			if (i + 4 > len || !is_low_surrogate(utf16_unit(p + i + 2, encoding)))
				return false;
			i += 2;
		}
	}
	return true;
}

bool sqlite_text_valid(const uint8_t *p, size_t len, int encoding)
{
	size_t i = 0;

	if (encoding == SQLITE_ENC_UTF16LE || encoding == SQLITE_ENC_UTF16BE)
		return utf16_valid(p, len, encoding);
	while (i < len) {
		size_t n = exhibit_utf8_sequence(p + i, len - i);

		if (n == 0 || p[i] == 0)
			return false;
		i += n;
	}
	return true;
}

/* Append code point cp as UTF-8 (surrogates too: see the header). */
static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *sqlite_text_to_utf8(const uint8_t *p, size_t len, int encoding,
                          size_t *out_len)
{
	char *out;
	size_t i, o = 0;

	if (encoding != SQLITE_ENC_UTF16LE && encoding != SQLITE_ENC_UTF16BE) {
		out = malloc(len + 1);
		if (!out)
			return NULL;
		if (len)
			memcpy(out, p, len);
		out[len] = '\0';
		*out_len = len;
		return out;
	}
	/* Each 2-byte unit becomes at most 3 bytes, a pair (4 bytes) 4, and
	 * a stray odd byte (SQLite never writes one) U+FFFD's 3. */
	out = malloc(len / 2 * 3 + 3 + 1);
	if (!out)
		return NULL;
	for (i = 0; i + 1 < len; i += 2) {
		uint32_t u = utf16_unit(p + i, encoding);

		if (is_high_surrogate(u) && i + 3 < len &&
		    is_low_surrogate(utf16_unit(p + i + 2, encoding))) {
			uint32_t low = utf16_unit(p + i + 2, encoding);

			u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
			i += 2;
		}
		o += put_utf8(out + o, u);
	}
	if (len % 2)
		o += put_utf8(out + o, 0xfffd);
	out[o] = '\0';
	*out_len = o;
	return out;
}

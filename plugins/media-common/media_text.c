/*
 * media_text.c — see media_text.h.
 */
#include "media_text.h"

#include "exhibit/utf8.h"

#include <stdint.h>
#include <stdlib.h>

static char *put_escape(char *out, unsigned char byte)
{
	static const char hex[] = "0123456789abcdef";

	*out++ = '\\';
	*out++ = 'x';
	*out++ = hex[byte >> 4];
	*out++ = hex[byte & 15];
	return out;
}

char *media_text_escape(const void *bytes, size_t len)
{
	const unsigned char *s = bytes;
	char *text = malloc(len * 4 + 1), *out = text;

	if (!text)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = exhibit_utf8_sequence(s + i, len - i);
		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7f) && s[i] != '\n' && s[i] != '\t')
			n = 0;
		if (n == 0) {
			out = put_escape(out, s[i++]);
			continue;
		}
		while (n--)
			*out++ = (char)s[i++];
	}
	*out = '\0';
	return text;
}

static char *put_code_point(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		*out++ = (char)cp;
	} else if (cp < 0x800) {
		*out++ = (char)(0xc0 | cp >> 6);
		*out++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*out++ = (char)(0xe0 | cp >> 12);
		*out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*out++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*out++ = (char)(0xf0 | cp >> 18);
		*out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*out++ = (char)(0x80 | (cp & 0x3f));
	}
	return out;
}

char *media_text_latin1(const void *bytes, size_t len)
{
	const unsigned char *s = bytes;
	char *text = malloc(len * 4 + 1), *out = text;

	if (!text)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if ((s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') || (s[i] >= 0x7f && s[i] < 0xa0))
			out = put_escape(out, s[i]);
		else
			out = put_code_point(out, s[i]);
	}
	*out = '\0';
	return text;
}

char *media_text_utf16(const void *bytes, size_t len, bool big_endian)
{
	const unsigned char *s = bytes;
	size_t units = len / 2;
	char *text = malloc(units * 4 + 1), *out = text;

	if (!text)
		return NULL;
	for (size_t i = 0; i < units; i++) {
		uint32_t u = big_endian ? (uint32_t)s[2 * i] << 8 | s[2 * i + 1]
		                        : (uint32_t)s[2 * i + 1] << 8 | s[2 * i];
		if (u == 0)
			break;
		if (u >= 0xd800 && u <= 0xdbff && i + 1 < units) {
			uint32_t lo = big_endian ? (uint32_t)s[2 * i + 2] << 8 | s[2 * i + 3]
			                         : (uint32_t)s[2 * i + 3] << 8 | s[2 * i + 2];
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				out = put_code_point(out, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
				i++;
				continue;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff)
			u = 0xfffd;
		if (u < 0x20 && u != '\n' && u != '\t')
			out = put_escape(out, (unsigned char)u);
		else
			out = put_code_point(out, u);
	}
	*out = '\0';
	return text;
}

size_t media_text_trimmed_length(const void *bytes, size_t len)
{
	const unsigned char *s = bytes;

	while (len && (s[len - 1] <= 0x20))
		len--;
	return len;
}

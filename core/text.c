/*
 * text.c — see text.h.
 */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *text_escape_utf8(const char *bytes, size_t len)
{
	const unsigned char *s = (const unsigned char *)bytes;
	char *out = malloc(len * 4 + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = exhibit_utf8_sequence(s + i, len - i);

		if (n == 0 || (n == 1 && (s[i] < 0x20 || s[i] == 0x7f))) {
			o += (size_t)sprintf(out + o, "\\x%02x", s[i]);
			i++;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

char *text_json_escape(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(len * 6 + 3);
	size_t o = 0;

	if (!out)
		return NULL;
	out[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			out[o++] = '\\';
			out[o++] = (char)*p;
		} else if (*p < 0x20) {
			o += (size_t)sprintf(out + o, "\\u%04x", *p);
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

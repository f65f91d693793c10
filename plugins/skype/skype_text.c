/*
 * skype_text.c — the text of Skype's XML message bodies (see skype.h).
 *
 * Bodies come from evidence: every scan is bounded by the string's end,
 * an unterminated tag or entity is kept as text, and a numeric entity
 * that is not a Unicode scalar value is kept as written.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skype.h"

#define MAX_ENTITY 12 /* "&#x10FFFF;" and the like */

static size_t put_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The entity at s ("&...;"), appended to b; RETURN: bytes consumed, 0 when
 * s does not start a known, well-formed entity. */
static size_t decode_entity(const char *s, size_t avail, chat_buf *b)
{
	static const struct { const char *name; char c; } named[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t i, len;
	uint32_t cp = 0;
	char utf8[4];

	for (i = 0; i < sizeof named / sizeof named[0]; i++) {
		len = strlen(named[i].name);
		if (len <= avail && !strncmp(s, named[i].name, len)) {
			chat_buf_add(b, &named[i].c, 1);
			return len;
		}
	}
	if (avail < 4 || s[1] != '#')
		return 0;
	for (len = 2; len < avail && len < MAX_ENTITY && s[len] != ';'; len++)
		;
	if (len >= avail || s[len] != ';')
		return 0;
	if (s[2] == 'x' || s[2] == 'X') {
		for (i = 3; i < len; i++) {
			char c = s[i];
			int d = c >= '0' && c <= '9' ? c - '0' :
			        c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (d < 0 || cp > 0x10FFFF)
				return 0;
			cp = cp * 16 + (uint32_t)d;
		}
		if (len == 3)
			return 0;
	} else {
		for (i = 2; i < len; i++) {
			if (s[i] < '0' || s[i] > '9' || cp > 0x10FFFF)
				return 0;
			cp = cp * 10 + (uint32_t)(s[i] - '0');
		}
	}
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	chat_buf_add(b, utf8, put_utf8(cp, utf8));
	return len + 1;
}

/* Decode entities of len bytes of s into b. */
static void decode(const char *s, size_t len, chat_buf *b)
{
	size_t i = 0;

	while (i < len) {
		size_t n = s[i] == '&' ? decode_entity(s + i, len - i, b) : 0;

		if (n) {
			i += n;
		} else {
			chat_buf_add(b, s + i, 1);
			i++;
		}
	}
}

/* The end of the tag that starts at s[0] == '<' (just past '>'), minding
 * quoted attribute values; 0 when it never closes. */
static size_t tag_end(const char *s)
{
	char quote = 0;
	size_t i;

	for (i = 1; s[i]; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			quote = s[i];
		} else if (s[i] == '>') {
			return i + 1;
		} else if (s[i] == '<') {
			return 0; /* a '<' that opens no tag */
		}
	}
	return 0;
}

/* The element name of the tag at s ("<name ..."), compared to name. */
static bool tag_is(const char *s, const char *name)
{
	size_t len = strlen(name);

	return s[0] == '<' && !strncasecmp(s + 1, name, len) &&
	       (s[len + 1] == ' ' || s[len + 1] == '>' || s[len + 1] == '/' ||
	        s[len + 1] == '\t' || s[len + 1] == '\n' || s[len + 1] == '\r');
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

char *skype_attribute(const char *xml, const char *element, const char *attr)
{
	const char *at = xml;
	size_t attr_len = strlen(attr);

	while (at && (at = strchr(at, '<'))) {
		size_t end;
		const char *p;

		if (!tag_is(at, element)) {
			at++;
			continue;
		}
		end = tag_end(at);
		if (!end)
			return NULL;
		for (p = at + 1 + strlen(element); p < at + end; p++) {
			char quote;
			const char *value;
			chat_buf b = { NULL, 0, 0, false };

			if ((p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n') ||
			    strncasecmp(p, attr, attr_len) || p[attr_len] != '=')
				continue;
			quote = p[attr_len + 1];
			if (quote != '"' && quote != '\'')
				return NULL;
			value = p + attr_len + 2;
			p = strchr(value, quote);
			if (!p || p >= at + end)
				return NULL;
			decode(value, (size_t)(p - value), &b);
			chat_buf_add(&b, "", 0);
			{
				char *clean = b.failed || !b.data ? NULL :
				              chat_clean_text(b.data, b.len);

				chat_buf_free(&b);
				return clean;
			}
		}
		return NULL;
	}
	return NULL;
}

char *skype_body_text(const char *xml)
{
	chat_buf b = { NULL, 0, 0, false };
	const char *s, *start;
	char *text;

	if (!xml)
		return NULL;
	start = skip_blanks(xml);
	if (tag_is(start, "sms")) {
		text = skype_attribute(start, "sms", "alt");
		if (text)
			return text;
	}
	if (tag_is(start, "partlist")) {
		char *type = skype_attribute(start, "partlist", "type");

		chat_buf_adds(&b, "call: ");
		chat_buf_adds(&b, type ? type : "event");
		free(type);
		return chat_buf_take(&b);
	}
	for (s = xml; *s;) {
		size_t end = *s == '<' ? tag_end(s) : 0;
		size_t run;

		if (end) {
			s += end;
			continue;
		}
		/* a run of text up to the next tag (a lone '<' is text) */
		run = 1 + strcspn(s + 1, "<");
		decode(s, run, &b);
		s += run;
	}
	if (b.failed || !b.len) {
		chat_buf_free(&b);
		return NULL;
	}
	text = chat_clean_text(b.data, b.len);
	chat_buf_free(&b);
	return text;
}

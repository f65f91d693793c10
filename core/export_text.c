/*
 * export_text.c — see export_text.h.
 */
#include "export_text.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

static void write_byte_escape(export_sink *s, unsigned char c)
{
	char esc[5];

	snprintf(esc, sizeof esc, "\\x%02x", c);
	export_sink_write(s, esc, 4);
}

static void write_bytes_escaped(export_sink *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		write_byte_escape(s, p[i]);
}

/* is_c1_control — the two-byte sequence at p encodes U+0080..U+009F. */
static int is_c1_control(const unsigned char *p, size_t n)
{
	return n == 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

/* is_noncharacter_ffff — U+FFFE or U+FFFF, which XML 1.0 excludes. */
static int is_noncharacter_ffff(const unsigned char *p, size_t n)
{
	return n == 3 && p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf);
}

void export_xml_text(export_sink *s, const char *bytes, size_t len)
{
	const unsigned char *p = (const unsigned char *)bytes;
	size_t i = 0, run = 0; /* p[run..i) is plain text not yet written */

	while (i < len) {
		size_t n = exhibit_utf8_sequence(p + i, len - i);
		const char *entity = NULL;
		unsigned char c = p[i];

		if (n == 1) {
			switch (c) {
			case '&': entity = "&amp;"; break;
			case '<': entity = "&lt;"; break;
			case '>': entity = "&gt;"; break;
			case '"': entity = "&quot;"; break;
			case '\'': entity = "&apos;"; break;
			case '\t': entity = "&#x9;"; break;
			case '\n': entity = "&#xA;"; break;
			case '\r': entity = "&#xD;"; break;
			default: break;
			}
		}
		if (!entity && n != 0 && !(n == 1 && (c < 0x20 || c == 0x7f)) &&
		    !is_c1_control(p + i, n) && !is_noncharacter_ffff(p + i, n)) {
			i += n;
			continue;
		}
		export_sink_write(s, p + run, i - run);
		if (entity)
			export_sink_puts(s, entity);
		else
			write_bytes_escaped(s, p + i, n ? n : 1);
		i += n ? n : 1;
		run = i;
	}
	export_sink_write(s, p + run, i - run);
}

void export_json_string(export_sink *s, const char *bytes, size_t len)
{
	const unsigned char *p = (const unsigned char *)bytes;
	size_t i = 0, run = 0;

	export_sink_write(s, "\"", 1);
	while (i < len) {
		size_t n = exhibit_utf8_sequence(p + i, len - i);
		unsigned char c = p[i];
		char esc[8];

		if (n == 1 && c >= 0x20 && c != 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (n >= 2 && !is_c1_control(p + i, n) &&
		    !(n == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))) {
			i += n;
			continue;
		}
		export_sink_write(s, p + run, i - run);
		if (n == 0) {
			/* Not UTF-8: the case's \xNN, its backslash escaped for JSON. */
			snprintf(esc, sizeof esc, "\\\\x%02x", c);
			export_sink_puts(s, esc);
			n = 1;
		} else if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			export_sink_write(s, esc, 2);
		} else if (n == 1 && c == '\n') {
			export_sink_puts(s, "\\n");
		} else if (n == 1 && c == '\t') {
			export_sink_puts(s, "\\t");
		} else if (n == 1 && c == '\r') {
			export_sink_puts(s, "\\r");
		} else if (n == 1) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			export_sink_puts(s, esc);
		} else if (n == 2) {
			snprintf(esc, sizeof esc, "\\u%04x", p[i + 1]);  /* C1: U+0080..U+009F */
			export_sink_puts(s, esc);
		} else {
			snprintf(esc, sizeof esc, "\\u%04x", p[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			export_sink_puts(s, esc);
		}
		i += n;
		run = i;
	}
	export_sink_write(s, p + run, i - run);
	export_sink_write(s, "\"", 1);
}

void export_csv_field(export_sink *s, const char *bytes, size_t len, int formula_guard)
{
	const unsigned char *p = (const unsigned char *)bytes;
	size_t i = 0, run = 0;

	export_sink_write(s, "\"", 1);
	if (formula_guard && len > 0 &&
	    (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' || p[0] == '\t' || p[0] == '\r'))
		export_sink_write(s, "'", 1);
	while (i < len) {
		size_t n = exhibit_utf8_sequence(p + i, len - i);

		if (n != 0 && p[i] != '"' && p[i] != '\0') {
			i += n;
			continue;
		}
		export_sink_write(s, p + run, i - run);
		if (p[i] == '"')
			export_sink_write(s, "\"\"", 2);
		else
			write_byte_escape(s, p[i]);
		i++;
		run = i;
	}
	export_sink_write(s, p + run, i - run);
	export_sink_write(s, "\"", 1);
}

void export_xml_str(export_sink *s, const char *text)
{
	if (text)
		export_xml_text(s, text, strlen(text));
}

void export_json_str(export_sink *s, const char *text)
{
	if (text)
		export_json_string(s, text, strlen(text));
	else
		export_sink_puts(s, "null");
}

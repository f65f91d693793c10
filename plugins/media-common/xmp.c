/*
 * xmp.c — see xmp.h.
 */
#include "xmp.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media_time.h"

#define NAME_MAX_LEN 96

/* Priorities of XMP times: a time with a zone beats EXIF's local one. */
enum { CREATED_XMP_LOCAL = 3, CREATED_XMP_ZONED = 5, CREATED_XMP_WEAK = 2 };

typedef struct scanner {
	media *m;
	const char *s, *end;
	char stack[XMP_MAX_DEPTH][NAME_MAX_LEN];
	int depth;
	double lat, lon;
	bool has_lat, has_lon;
} scanner;

/* ---- values ------------------------------------------------------------- */

/* Decode the five XML entities and numeric references into out (which
 * has room for len + 1 bytes: decoding never lengthens beyond that for
 * the references kept; others are copied as written). */
static size_t decode_entities(const char *s, size_t len, char *out)
{
	static const struct { const char *name; char c; } named[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		bool done = false;
		if (s[i] == '&') {
			for (size_t k = 0; k < sizeof named / sizeof named[0] && !done; k++) {
				size_t n = strlen(named[k].name);
				if (len - i >= n && memcmp(s + i, named[k].name, n) == 0) {
					out[o++] = named[k].c;
					i += n;
					done = true;
				}
			}
			if (!done && len - i >= 4 && s[i + 1] == '#') {
				size_t j = i + 2;
				unsigned long cp = 0;
				bool hex = j < len && (s[j] == 'x' || s[j] == 'X');
				j += hex;
				while (j < len && j - i < 10 &&
				       ((s[j] >= '0' && s[j] <= '9') ||
				        (hex && ((s[j] | 32) >= 'a' && (s[j] | 32) <= 'f')))) {
					int digit = s[j] <= '9' ? s[j] - '0' : (s[j] | 32) - 'a' + 10;
					cp = cp * (hex ? 16 : 10) + (unsigned long)digit;
					j++;
				}
				if (j < len && s[j] == ';' && cp > 0 && cp < 0x80) {
					out[o++] = (char)cp;
					i = j + 1;
					done = true;
				}
			}
		}
		if (!done)
			out[o++] = s[i++];
	}
	out[o] = '\0';
	return o;
}

/* A non-negative decimal number at *p (strtod would also take hex,
 * infinities and exponents: "17.7E" must stop before the E). */
static bool decimal(const char **p, double *out)
{
	double v = 0, scale = 0.1;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9' && s - *p < 12)
		v = v * 10 + (*s++ - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			v += (*s - '0') * scale;
	*p = s;
	*out = v;
	return true;
}

bool xmp_gps_coordinate(const char *text, double *degrees)
{
	const char *p = text;
	double d, mi, se = 0;
	char ref;

	if (!decimal(&p, &d) || *p++ != ',' || !decimal(&p, &mi))
		return false;
	if (*p == ',' && (p++, !decimal(&p, &se)))
		return false;
	ref = *p++;
	if (*p != '\0' || d > 180 || mi >= 60 || se >= 60)
		return false;
	*degrees = d + mi / 60.0 + se / 3600.0;
	if (ref == 'S' || ref == 'W')
		*degrees = -*degrees;
	else if (ref != 'N' && ref != 'E')
		return false;
	return true;
}

static bool name_is(const char *name, const char *a, const char *b)
{
	return strcmp(name, a) == 0 || (b && strcmp(name, b) == 0);
}

static void offer_time(scanner *sc, const char *value, size_t len, int zoned_prio,
                       int local_prio, const char *source)
{
	media_datetime when;

	if (media_datetime_parse(value, len, &when))
		media_offer_created(sc->m, &when, source, when.has_zone ? zoned_prio : local_prio);
}

/* One property, name as written and value decoded. */
static void property(scanner *sc, const char *name, const char *value, size_t len)
{
	media *m = sc->m;
	double deg;

	media_tag_bytes(m, "xmp", name, value, len);
	if (name_is(name, "tiff:Make", NULL))
		media_offer_text(&m->make, XMP_PRIORITY_TEXT, value, len);
	else if (name_is(name, "tiff:Model", NULL))
		media_offer_text(&m->model, XMP_PRIORITY_TEXT, value, len);
	else if (name_is(name, "xmp:CreatorTool", "tiff:Software"))
		media_offer_text(&m->software, XMP_PRIORITY_TEXT, value, len);
	else if (name_is(name, "aux:SerialNumber", "exifEX:BodySerialNumber"))
		media_offer_text(&m->body_serial, XMP_PRIORITY_TEXT, value, len);
	else if (name_is(name, "aux:LensSerialNumber", "exifEX:LensSerialNumber"))
		media_offer_text(&m->lens_serial, XMP_PRIORITY_TEXT, value, len);
	else if (name_is(name, "aux:Lens", "exifEX:LensModel"))
		media_offer_text(&m->lens_model, XMP_PRIORITY_TEXT, value, len);
	else if (name_is(name, "exif:DateTimeOriginal", "photoshop:DateCreated"))
		offer_time(sc, value, len, CREATED_XMP_ZONED, CREATED_XMP_LOCAL, "xmp:DateTimeOriginal");
	else if (name_is(name, "xmp:CreateDate", NULL))
		offer_time(sc, value, len, CREATED_XMP_WEAK, CREATED_XMP_WEAK - 1, "xmp:CreateDate");
	else if (name_is(name, "exif:GPSLatitude", NULL) && xmp_gps_coordinate(value, &deg))
		sc->lat = deg, sc->has_lat = true;
	else if (name_is(name, "exif:GPSLongitude", NULL) && xmp_gps_coordinate(value, &deg))
		sc->lon = deg, sc->has_lon = true;
}

/* ---- the scanner -------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_char(char c)
{
	return c && !is_space(c) && c != '=' && c != '>' && c != '/' && c != '<' && c != '"' &&
	       c != '\'';
}

/* A property element is any element outside the rdf: and x: namespaces. */
static bool is_structural(const char *name)
{
	return strncmp(name, "rdf:", 4) == 0 || strncmp(name, "x:", 2) == 0 ||
	       strcmp(name, "xmpmeta") == 0;
}

static const char *skip_past(const char *s, const char *end, const char *what)
{
	size_t n = strlen(what);

	for (; s + n <= end; s++)
		if (memcmp(s, what, n) == 0)
			return s + n;
	return end;
}

static void copy_name(char out[NAME_MAX_LEN], const char *s, size_t n)
{
	if (n >= NAME_MAX_LEN)
		n = NAME_MAX_LEN - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void value_property(scanner *sc, const char *name, const char *raw, size_t len)
{
	char *value = malloc(len + 1);

	if (!value)
		return;
	property(sc, name, value, decode_entities(raw, len, value));
	free(value);
}

/* Attributes of a start tag, from p to the tag's end; returns where the
 * tag ends (after '>') and whether it closed itself. */
static const char *attributes(scanner *sc, const char *p, bool *self_closing)
{
	*self_closing = false;
	while (p < sc->end) {
		const char *name, *value;
		char quote, attr[NAME_MAX_LEN];

		while (p < sc->end && is_space(*p))
			p++;
		if (p >= sc->end)
			return p;
		if (*p == '>')
			return p + 1;
		if (*p == '/' && p + 1 < sc->end && p[1] == '>') {
			*self_closing = true;
			return p + 2;
		}
		name = p;
		while (p < sc->end && is_name_char(*p))
			p++;
		if (p == name) { /* junk: skip a byte so the scan always advances */
			p++;
			continue;
		}
		copy_name(attr, name, (size_t)(p - name));
		while (p < sc->end && is_space(*p))
			p++;
		if (p >= sc->end || *p != '=')
			continue;
		p++;
		while (p < sc->end && is_space(*p))
			p++;
		if (p >= sc->end || (*p != '"' && *p != '\''))
			continue;
		quote = *p++;
		value = p;
		while (p < sc->end && *p != quote)
			p++;
		if (strncmp(attr, "xmlns", 5) != 0 && strcmp(attr, "xml:lang") != 0 &&
		    strncmp(attr, "rdf:", 4) != 0 && strncmp(attr, "x:", 2) != 0)
			value_property(sc, attr, value, (size_t)(p - value));
		if (p < sc->end)
			p++;
	}
	return p;
}

/* The innermost property element, or NULL. */
static const char *current_property(const scanner *sc)
{
	for (int i = sc->depth - 1; i >= 0; i--)
		if (!is_structural(sc->stack[i]))
			return sc->stack[i];
	return NULL;
}

static void text_between(scanner *sc, const char *from, const char *to)
{
	const char *name = current_property(sc);

	while (from < to && is_space(*from))
		from++;
	while (to > from && is_space(to[-1]))
		to--;
	if (name && from < to)
		value_property(sc, name, from, (size_t)(to - from));
}

static void scan(scanner *sc)
{
	const char *p = sc->s;

	while (p < sc->end) {
		const char *lt = memchr(p, '<', (size_t)(sc->end - p));
		if (!lt)
			return;
		text_between(sc, p, lt);
		p = lt + 1;
		if (p >= sc->end)
			return;
		if (*p == '?') {
			p = skip_past(p, sc->end, "?>");
		} else if (*p == '!') {
			p = skip_past(p, sc->end, sc->end - p >= 3 && !memcmp(p, "!--", 3) ? "-->" : ">");
		} else if (*p == '/') {
			p = skip_past(p, sc->end, ">");
			if (sc->depth > 0)
				sc->depth--;
		} else {
			const char *name = p;
			bool closed;
			while (p < sc->end && is_name_char(*p))
				p++;
			if (sc->depth < XMP_MAX_DEPTH)
				copy_name(sc->stack[sc->depth], name, (size_t)(p - name));
			sc->depth++;
			p = attributes(sc, p, &closed);
			if (closed || sc->depth > XMP_MAX_DEPTH)
				sc->depth--;
		}
	}
}

void xmp_parse(media *m, const char *text, size_t len)
{
	scanner *sc = calloc(1, sizeof *sc);

	if (!sc)
		return;
	sc->m = m;
	sc->s = text;
	sc->end = text + len;
	scan(sc);
	if (sc->has_lat && sc->has_lon)
		media_offer_location(m, sc->lat, sc->lon, NULL, "xmp:GPS", XMP_PRIORITY_PLACE);
	free(sc);
}

void xmp_parse_at(media *m, uint64_t start, uint64_t end)
{
	uint64_t len;
	char *buf;

	if (start >= end || !media_has(m, start, end - start))
		return;
	len = end - start;
	if (len > XMP_MAX_PACKET) {
		media_problem(m, (int64_t)start, EXHIBIT_ERR_LIMIT,
		              "XMP packet at offset %llu is %llu bytes long: only the first %u are read",
		              (unsigned long long)start, (unsigned long long)len, XMP_MAX_PACKET);
		len = XMP_MAX_PACKET;
	}
	if (!(buf = malloc((size_t)len)))
		return;
	if (media_read(m, start, buf, (size_t)len))
		xmp_parse(m, buf, (size_t)len);
	free(buf);
}

/*
 * export_names.c — see export_names.h.
 */
#include "export_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#define EXTENSION_MAX 16

/* is_refused — one character (n bytes at p) that a safe name never holds. */
static int is_refused(const unsigned char *p, size_t n)
{
	if (n == 1)
		return p[0] < 0x20 || p[0] == 0x7f || strchr("/\\:*?\"<>|", p[0]) != NULL;
	if (n == 2)
		return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;           /* C1 */
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x80)
		return p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae); /* LRM RLM, embeddings, overrides */
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x81)
		return p[2] >= 0xa6 && p[2] <= 0xa9;                            /* isolates */
	return 0;
}

/* extension_at — offset of the extension's '.' in name (len bytes), or len. */
static size_t extension_at(const char *name, size_t len)
{
	const char *dot = NULL;

	for (size_t i = 1; i < len; i++)
		if (name[i] == '.')
			dot = name + i;
	if (!dot || (size_t)(name + len - dot) > EXTENSION_MAX)
		return len;
	return (size_t)(dot - name);
}

/* cut_to_fit — shorten name (len bytes, valid UTF-8) to EXPORT_NAME_MAX
 * bytes, keeping its extension. RETURN: the new length. */
static size_t cut_to_fit(char *name, size_t len)
{
	size_t ext = extension_at(name, len), ext_len = len - ext, stem;

	if (len <= EXPORT_NAME_MAX)
		return len;
	stem = EXPORT_NAME_MAX - ext_len;
	while (stem > 0 && ((unsigned char)name[stem] & 0xc0) == 0x80)
		stem--; /* never split a character */
	memmove(name + stem, name + ext, ext_len);
	return stem + ext_len;
}

static int is_device_name(const char *name)
{
	static const char *const devices[] = { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" };
	size_t base = strcspn(name, ".");

	for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
		if (base == strlen(devices[i]) && strncasecmp(name, devices[i], base) == 0)
			return 1;
	return base == 4 && (strncasecmp(name, "COM", 3) == 0 || strncasecmp(name, "LPT", 3) == 0) &&
	       name[3] >= '0' && name[3] <= '9';
}

char *export_name_sanitise(const char *bytes, size_t len)
{
	const unsigned char *p = (const unsigned char *)bytes;
	char *out = malloc(len + 3), *prefixed;
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t n = exhibit_utf8_sequence(p + i, len - i);

		if (n == 0 || is_refused(p + i, n)) {
			out[o++] = '_';
			i += n ? n : 1;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	o = cut_to_fit(out, o);
	for (size_t i = o; i > 0 && (out[i - 1] == '.' || out[i - 1] == ' '); i--)
		out[i - 1] = '_';
	if (o == 0)
		out[o++] = '_';
	out[o] = '\0';
	if (!is_device_name(out))
		return out;
	if (asprintf(&prefixed, "_%s", out) < 0)
		prefixed = NULL;
	free(out);
	return prefixed;
}

char *export_name_mark(const char *name, const char *marker)
{
	size_t len = strlen(name), ext = extension_at(name, len);
	char *out = NULL;

	if (asprintf(&out, "%.*s (%s)%s", (int)ext, name, marker, name + ext) < 0)
		return NULL;
	return out;
}

/*
 * entry_name.c — the names children get (see archives.h): an entry's path
 * made safe to hold and show, and the name of what a single compressed
 * file holds.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "archives.h"
#include "exhibit/utf8.h"

/* A growing output bounded by ARCHIVES_MAX_PATH: appends past it are
 * dropped whole (never half an escape or half a character). */
typedef struct path_out {
	char *s;
	size_t n;
} path_out;

static void put(path_out *o, const void *bytes, size_t len)
{
	if (o->n + len > ARCHIVES_MAX_PATH)
		return;
	memcpy(o->s + o->n, bytes, len);
	o->n += len;
}

static void put_escaped_byte(path_out *o, unsigned char byte)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', hex[byte >> 4], hex[byte & 15] };

	put(o, esc, sizeof esc);
}

static void put_escaped(path_out *o, const unsigned char *c, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = exhibit_utf8_sequence(c + i, len - i);

		if (n == 0 || (n == 1 && (c[i] < 0x20 || c[i] == 0x7f))) {
			put_escaped_byte(o, c[i]);
			i++;
		} else {
			put(o, c + i, n);
			i += n;
		}
	}
}

/* One component, escaped; ".." as escaped dots. */
static void put_component(path_out *o, const unsigned char *c, size_t len)
{
	if (o->n)
		put(o, "/", 1);
	if (len == 2 && c[0] == '.' && c[1] == '.') {
		put(o, "\\x2e\\x2e", 8);
		return;
	}
	put_escaped(o, c, len);
}

char *entry_path_clean(const char *raw)
{
	const unsigned char *p = (const unsigned char *)(raw ? raw : "");
	path_out o = { malloc(ARCHIVES_MAX_PATH + 1), 0 };

	if (!o.s)
		return NULL;
	while (*p) {
		size_t len = strcspn((const char *)p, "/");

		if (len && !(len == 1 && p[0] == '.'))
			put_component(&o, p, len);
		p += len;
		while (*p == '/')
			p++;
	}
	while (o.n && o.s[o.n - 1] == '/')   /* a component cut off by the bound */
		o.n--;
	o.s[o.n] = '\0';
	return o.s;
}

char *entry_text_escape(const char *raw)
{
	path_out o = { malloc(ARCHIVES_MAX_PATH + 1), 0 };

	if (!o.s)
		return NULL;
	put_escaped(&o, (const unsigned char *)raw, strlen(raw));
	o.s[o.n] = '\0';
	return o.s;
}

/* Suffixes of single compressed files, and what the name becomes. */
static const struct {
	const char *suffix;
	const char *becomes;
} compressed_suffixes[] = {
	{ ".tgz", ".tar" }, { ".taz", ".tar" }, { ".tbz2", ".tar" }, { ".tbz", ".tar" },
	{ ".txz", ".tar" }, { ".tlz", ".tar" }, { ".tzst", ".tar" }, { ".svgz", ".svg" },
	{ ".gz", "" }, { ".gzip", "" }, { ".z", "" }, { ".bz2", "" }, { ".bz", "" },
	{ ".xz", "" }, { ".lzma", "" }, { ".lz", "" }, { ".lz4", "" }, { ".lzo", "" },
	{ ".zst", "" }, { ".zstd", "" },
};

char *decompressed_name(const char *item_name)
{
	size_t len = item_name ? strlen(item_name) : 0;
	char *name;

	if (!len)
		return strdup("data");
	for (size_t i = 0; i < sizeof compressed_suffixes / sizeof compressed_suffixes[0]; i++) {
		const char *suffix = compressed_suffixes[i].suffix;
		const char *becomes = compressed_suffixes[i].becomes;
		size_t n = strlen(suffix), stem = len - n;

		if (len <= n || strcasecmp(item_name + stem, suffix) != 0)
			continue;
		name = malloc(stem + strlen(becomes) + 1);
		if (name) {
			memcpy(name, item_name, stem);
			strcpy(name + stem, becomes);
		}
		return name;
	}
	name = malloc(len + sizeof ".uncompressed");
	if (name) {
		memcpy(name, item_name, len);
		strcpy(name + len, ".uncompressed");
	}
	return name;
}

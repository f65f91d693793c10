/*
 * heif.c — HEIF images (ISO/IEC 23008-12: HEIC, AVIF, other brands): the
 * items the 'meta' box lists, where their data lies, and their
 * properties.
 *
 *   ftyp                brand: heic/heix/mif1 (HEVC), avif (AV1), ...;
 *   meta/pitm           the primary item;
 *   meta/iinf/infe      items: id, type (hvc1, av01, grid, Exif, mime),
 *                       content type of 'mime' items (XMP);
 *   meta/iloc           where each item's data is (file or idat);
 *   meta/iprp           properties (ispe size, irot rotation) and which
 *                       item has which (ipma);
 *   Exif item           4-byte TIFF header offset, then TIFF (exif.c);
 *   XMP item            'mime' application/rdf+xml (xmp.c).
 *
 * Boxes are read within their parents (bmff.c); item, extent and
 * property counts are checked against the bytes that hold them and
 * capped at MAX_ITEMS / MAX_PROPERTIES; an item whose data lies outside
 * the file is reported, never read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmff.h"
#include "bytes.h"
#include "exif.h"
#include "image_parsers.h"
#include "xmp.h"

#define MAX_ITEMS 4096
#define MAX_PROPERTIES 1024
#define MAX_ASSOCIATIONS 64
#define TABLE_MAX (1024u * 1024)

typedef struct item {
	uint32_t id;
	unsigned char type[4];
	bool is_xmp;
	bool has_location;
	unsigned method;       /* 0: file offsets, 1: idat */
	uint64_t offset, length;
	unsigned extents;
	uint16_t props[MAX_ASSOCIATIONS]; /* 1-based property indexes */
	unsigned n_props;
} item;

typedef struct property {
	unsigned char type[4];
	uint32_t width, height; /* ispe */
	unsigned angle;         /* irot, in 90-degree steps anticlockwise */
} property;

typedef struct parse {
	media *m;
	item *items;
	size_t n_items;
	property *props;
	size_t n_props;
	uint32_t primary;
	bool has_primary, has_meta;
	uint64_t idat_start, idat_len;
	bool has_idat;
	uint64_t iloc_at; /* the iloc box, for messages */
	char brand[5];
} parse;

/* ---- helpers ------------------------------------------------------------------ */

static item *item_of(parse *p, uint32_t id, bool create)
{
	for (size_t i = 0; i < p->n_items; i++)
		if (p->items[i].id == id)
			return &p->items[i];
	if (!create || p->n_items == MAX_ITEMS)
		return NULL;
	memset(&p->items[p->n_items], 0, sizeof p->items[0]);
	p->items[p->n_items].id = id;
	return &p->items[p->n_items++];
}

/* A box's payload (at most one window) or NULL when shorter than need. */
static const unsigned char *payload(parse *p, const bmff_box *b, size_t need, size_t *len)
{
	uint64_t n = b->size - b->header;

	if (n > MEDIA_WINDOW)
		n = MEDIA_WINDOW;
	if (n < need) {
		char name[24];
		bmff_type_name(b->type, name);
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
		              "HEIF: box '%s' at offset %llu is too short (%llu bytes)", name,
		              (unsigned long long)b->offset, (unsigned long long)n);
		return NULL;
	}
	*len = (size_t)n;
	return media_peek(p->m, bmff_payload(b), (size_t)n);
}

/* A box's payload copied whole (at most TABLE_MAX bytes; malloc'd, the
 * caller frees it): item tables of many-tiled images outgrow the read
 * window. */
static unsigned char *payload_copy(parse *p, const bmff_box *b, size_t need, size_t *len)
{
	uint64_t n = b->size - b->header;
	unsigned char *copy;
	char name[24];

	bmff_type_name(b->type, name);
	if (n < need) {
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
		              "HEIF: box '%s' at offset %llu is too short (%llu bytes)", name,
		              (unsigned long long)b->offset, (unsigned long long)n);
		return NULL;
	}
	if (n > TABLE_MAX) {
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_LIMIT,
		              "HEIF: box '%s' at offset %llu is %llu bytes long: only the first %u "
		              "are read",
		              name, (unsigned long long)b->offset, (unsigned long long)n, TABLE_MAX);
		n = TABLE_MAX;
	}
	if (!(copy = malloc((size_t)n)) || !media_read(p->m, bmff_payload(b), copy, (size_t)n)) {
		free(copy);
		return NULL;
	}
	*len = (size_t)n;
	return copy;
}

/* ---- item information ---------------------------------------------------------- */

static void on_infe(parse *p, const bmff_box *b)
{
	size_t len, at;
	const unsigned char *d = payload(p, b, 8, &len);
	item *it;
	uint32_t id;

	if (!d || d[0] < 2)
		return; /* versions 0 and 1 predate item types */
	if (d[0] == 2) {
		id = be16(d + 4);
		at = 6;
	} else {
		if (len < 12)
			return;
		id = be32(d + 4);
		at = 8;
	}
	at += 2; /* protection index */
	if (len < at + 4 || !(it = item_of(p, id, true)))
		return;
	memcpy(it->type, d + at, 4);
	at += 4;
	while (at < len && d[at]) /* item name */
		at++;
	at++;
	if (!memcmp(it->type, "mime", 4) && at < len) {
		const char *ct = (const char *)d + at;
		size_t n = 0;
		while (at + n < len && ct[n])
			n++;
		it->is_xmp = n == 19 && !memcmp(ct, "application/rdf+xml", 19);
	}
}

static void on_iinf(parse *p, const bmff_box *b)
{
	const unsigned char *d = media_peek(p->m, bmff_payload(b), 4);
	uint64_t start = bmff_payload(b) + (d && d[0] ? 8 : 6);
	bmff_box c;

	for (uint64_t pos = start; bmff_box_at(p->m, pos, bmff_end(b), &c, "iinf") == BMFF_BOX;
	     pos = bmff_end(&c))
		if (bmff_is(&c, "infe"))
			on_infe(p, &c);
}

/* ---- item locations ------------------------------------------------------------ */

typedef struct cursor {
	const unsigned char *d;
	size_t len, at;
	bool overrun;
} cursor;

static uint64_t take(cursor *c, unsigned n)
{
	uint64_t v;

	if (n > 8 || c->len - c->at < n) {
		c->overrun = true;
		return 0;
	}
	v = be_n(c->d + c->at, n);
	c->at += n;
	return v;
}

static void on_iloc(parse *p, const bmff_box *b)
{
	size_t len;
	unsigned char *d = payload_copy(p, b, 8, &len);
	cursor c;
	unsigned version, off_size, len_size, base_size, index_size;
	uint32_t count;

	if (!d)
		return;
	p->iloc_at = b->offset;
	c.d = d;
	c.len = len;
	c.at = 4;
	c.overrun = false;
	version = d[0];
	off_size = d[4] >> 4;
	len_size = d[4] & 15;
	base_size = d[5] >> 4;
	index_size = version >= 1 ? d[5] & 15 : 0;
	c.at = 6;
	count = (uint32_t)take(&c, version < 2 ? 2 : 4);
	for (uint32_t i = 0; i < count && !c.overrun; i++) {
		uint32_t id = (uint32_t)take(&c, version < 2 ? 2 : 4);
		unsigned method = version >= 1 ? (unsigned)(take(&c, 2) & 15) : 0;
		uint64_t base;
		unsigned extents;
		item *it;

		take(&c, 2); /* data reference index */
		base = take(&c, base_size);
		extents = (unsigned)take(&c, 2);
		it = item_of(p, id, true);
		for (unsigned e = 0; e < extents && !c.overrun; e++) {
			uint64_t off, elen;
			take(&c, index_size);
			off = take(&c, off_size);
			elen = take(&c, len_size);
			if (it && e == 0) {
				it->method = method;
				it->offset = base + off;
				it->length = elen;
				it->has_location = !c.overrun;
			}
		}
		if (it)
			it->extents = extents;
	}
	if (c.overrun)
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
		              "HEIF: iloc at offset %llu declares %u items but ends first",
		              (unsigned long long)b->offset, count);
	free(d);
}

/* ---- properties ----------------------------------------------------------------- */

static void on_ipco(parse *p, const bmff_box *b)
{
	bmff_box c;

	for (uint64_t pos = bmff_payload(b);
	     bmff_box_at(p->m, pos, bmff_end(b), &c, "ipco") == BMFF_BOX && p->n_props < MAX_PROPERTIES;
	     pos = bmff_end(&c)) {
		property *pr = &p->props[p->n_props++];
		const unsigned char *d;
		memset(pr, 0, sizeof *pr);
		memcpy(pr->type, c.type, 4);
		if (bmff_is(&c, "ispe") && c.size - c.header >= 12 &&
		    (d = media_peek(p->m, bmff_payload(&c), 12))) {
			pr->width = be32(d + 4);
			pr->height = be32(d + 8);
		} else if (bmff_is(&c, "irot") && c.size - c.header >= 1 &&
		           (d = media_peek(p->m, bmff_payload(&c), 1))) {
			pr->angle = d[0] & 3;
		}
	}
}

static void on_ipma(parse *p, const bmff_box *b)
{
	size_t len;
	unsigned char *d = payload_copy(p, b, 8, &len);
	cursor c;
	uint32_t count;
	bool wide_ids, wide_index;

	if (!d)
		return;
	c.d = d;
	c.len = len;
	c.at = 4;
	c.overrun = false;
	wide_ids = d[0] >= 1;
	wide_index = d[3] & 1;
	count = (uint32_t)take(&c, 4);
	for (uint32_t i = 0; i < count && !c.overrun; i++) {
		item *it = item_of(p, (uint32_t)take(&c, wide_ids ? 4 : 2), true);
		unsigned n = (unsigned)take(&c, 1);
		for (unsigned k = 0; k < n && !c.overrun; k++) {
			unsigned v = (unsigned)take(&c, wide_index ? 2 : 1);
			unsigned index = v & (wide_index ? 0x7fff : 0x7f);
			if (it && it->n_props < MAX_ASSOCIATIONS && index)
				it->props[it->n_props++] = (uint16_t)index;
		}
	}
	free(d);
}

static void on_iprp(parse *p, const bmff_box *b)
{
	bmff_box c;

	for (uint64_t pos = bmff_payload(b); bmff_box_at(p->m, pos, bmff_end(b), &c, "iprp") == BMFF_BOX;
	     pos = bmff_end(&c)) {
		if (bmff_is(&c, "ipco"))
			on_ipco(p, &c);
		else if (bmff_is(&c, "ipma"))
			on_ipma(p, &c);
	}
}

/* ---- meta -------------------------------------------------------------------------- */

static void on_meta(parse *p, const bmff_box *b)
{
	bmff_box c;
	const unsigned char *d;

	p->has_meta = true;
	for (uint64_t pos = bmff_payload(b) + 4;
	     bmff_box_at(p->m, pos, bmff_end(b), &c, "meta") == BMFF_BOX; pos = bmff_end(&c)) {
		if (bmff_is(&c, "pitm") && (d = media_peek(p->m, bmff_payload(&c), 8)) &&
		    c.size - c.header >= 6) {
			p->primary = d[0] ? (c.size - c.header >= 8 ? be32(d + 4) : 0) : be16(d + 4);
			p->has_primary = true;
		} else if (bmff_is(&c, "iinf")) {
			on_iinf(p, &c);
		} else if (bmff_is(&c, "iloc")) {
			on_iloc(p, &c);
		} else if (bmff_is(&c, "iprp")) {
			on_iprp(p, &c);
		} else if (bmff_is(&c, "idat")) {
			p->idat_start = bmff_payload(&c);
			p->idat_len = c.size - c.header;
			p->has_idat = true;
		}
	}
}

/* ---- what the items say ----------------------------------------------------------- */

/* Where an item's (first extent of) data lies in the file. */
static bool item_range(parse *p, const item *it, uint64_t *start, uint64_t *end)
{
	uint64_t base = 0, limit = p->m->size;

	if (!it->has_location)
		return false;
	if (it->method == 1) {
		if (!p->has_idat)
			return false;
		base = p->idat_start;
		limit = p->idat_start + p->idat_len;
	} else if (it->method != 0) {
		return false;
	}
	if (it->offset > limit - base || it->length > limit - base - it->offset) {
		media_problem(p->m, (int64_t)p->iloc_at, EXHIBIT_ERR_FORMAT,
		              "HEIF: the iloc box at offset %llu places item %u's data (%llu bytes at "
		              "offset %llu) outside the %s",
		              (unsigned long long)p->iloc_at, it->id, (unsigned long long)it->length,
		              (unsigned long long)(base + it->offset), it->method ? "idat box" : "file");
		return false;
	}
	*start = base + it->offset;
	*end = *start + (it->length ? it->length : limit - *start);
	return true;
}

static void read_items(parse *p)
{
	for (size_t i = 0; i < p->n_items; i++) {
		item *it = &p->items[i];
		uint64_t start, end;
		const unsigned char *d;
		char what[64];

		if (!memcmp(it->type, "Exif", 4) && item_range(p, it, &start, &end)) {
			uint32_t skip;
			if (end - start < 4 || !(d = media_peek(p->m, start, 4)))
				continue;
			skip = be32(d);
			if (skip > end - start - 4) {
				media_problem(p->m, (int64_t)start, EXHIBIT_ERR_FORMAT,
				              "HEIF: Exif item %u at offset %llu: its TIFF header offset %u "
				              "lies outside the item",
				              it->id, (unsigned long long)start, skip);
				continue;
			}
			snprintf(what, sizeof what, "the Exif item at offset %llu", (unsigned long long)start);
			exif_parse(p->m, start + 4 + skip, end, what, NULL);
		} else if (it->is_xmp && item_range(p, it, &start, &end)) {
			xmp_parse_at(p->m, start, end);
		}
	}
}

static void describe_primary(parse *p)
{
	media *m = p->m;
	item *primary = p->has_primary ? item_of(p, p->primary, false) : NULL;
	const item *coded = primary;

	if (!primary) {
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              p->has_meta ? "HEIF: no primary item (pitm) is described"
		                          : "HEIF: no 'meta' box: the items are not described");
		return;
	}
	if (!memcmp(primary->type, "grid", 4) || !memcmp(primary->type, "iden", 4)) {
		for (size_t i = 0; i < p->n_items && coded == primary; i++)
			if (!memcmp(p->items[i].type, "hvc1", 4) || !memcmp(p->items[i].type, "av01", 4))
				coded = &p->items[i];
	}
	media_set_codec(m->codec, !memcmp(coded->type, "hvc1", 4) ? "hevc"
	                         : !memcmp(coded->type, "av01", 4) ? "av1"
	                         : !memcmp(coded->type, "jpeg", 4) ? "mjpeg" : NULL);
	for (unsigned k = 0; k < primary->n_props; k++) {
		unsigned index = primary->props[k];
		property *pr;
		if (index > p->n_props)
			continue;
		pr = &p->props[index - 1];
		if (!memcmp(pr->type, "ispe", 4) && pr->width) {
			m->width = pr->width;
			m->height = pr->height;
		} else if (!memcmp(pr->type, "irot", 4)) {
			media_set_rotation(m, (4 - (long)pr->angle) * 90); /* irot turns anticlockwise */
		}
	}
	media_tag_printf(m, "heif", "primary_item", "%u", primary->id);
	media_tag_printf(m, "heif", "items", "%zu", p->n_items);
}

bool parse_heif(media *m)
{
	parse *p = calloc(1, sizeof *p);
	bmff_box b;
	const unsigned char *d;

	if (!p || !(p->items = calloc(MAX_ITEMS, sizeof *p->items)) ||
	    !(p->props = calloc(MAX_PROPERTIES, sizeof *p->props))) {
		if (p)
			free(p->items);
		free(p);
		media_problem(m, -1, EXHIBIT_ERR, "out of memory");
		return false;
	}
	p->m = m;
	if (bmff_box_at(m, 0, m->size, &b, "the file") != BMFF_BOX || !bmff_is(&b, "ftyp")) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not a HEIF file: no 'ftyp' box at offset 0");
		free(p->items);
		free(p->props);
		free(p);
		return false;
	}
	m->kind = "image";
	m->container = "heif";
	if ((d = media_peek(m, bmff_payload(&b), 4)) && b.size - b.header >= 4) {
		memcpy(p->brand, d, 4);
		media_tag_bytes(m, "ftyp", "major_brand", d, 4);
		if (!memcmp(d, "avif", 4) || !memcmp(d, "avis", 4))
			m->container = "avif";
	}
	for (uint64_t pos = 0; bmff_box_at(m, pos, m->size, &b, "the file") == BMFF_BOX;
	     pos = bmff_end(&b))
		if (bmff_is(&b, "meta"))
			on_meta(p, &b);
	read_items(p);
	describe_primary(p); /* after EXIF: irot, not the EXIF orientation, turns a HEIF */
	free(p->items);
	free(p->props);
	free(p);
	return true;
}

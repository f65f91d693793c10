/*
 * heif.c — the "carve-heif" carver: HEIF images (ISO/IEC 23008-12: HEIC,
 * HEIX, image sequences) and AVIF, ISO base media files whose ftyp names
 * an image brand.
 *
 * An ISO BMFF file is a run of boxes with no footer.  data_check walks the
 * top-level boxes by their sizes (32-bit, 64-bit, or "to the end" for a
 * last mdat), skipping their contents except in meta, whose child boxes
 * must tile it exactly: its handler must be 'pict', and its item locations
 * (iloc) say which byte ranges the file must hold.  The file ends after a
 * top-level box when what follows is not a box a HEIF file has at its top
 * level (or nothing follows), provided meta (or moov, for a sequence) came
 * and every item extent lies inside.  A box size below 8 or past
 * max_size, an unknown box where the file cannot end yet, an iloc that
 * does not parse are errors at that box.
 *
 * validate reads the candidate again: the top-level boxes must tile it,
 * and the iloc box (read here whatever its size; data_check reads at most
 * ILOC_MAX bytes of it) must place every extent inside it.
 */
#include <string.h>

#include "carve_images.h"
#include "carve_stream.h"

#define HEIF_MAX_SIZE (1ull << 30)
#define ILOC_MAX 4096      /* iloc bytes data_check reads */
#define MAX_BOXES 100000   /* top-level boxes, or children of meta */

enum phase {
	P_BOX = 0, /* 8 bytes: a top-level box header, or the file's end */
	P_LARGE,   /* 8 bytes: a 64-bit box size */
	P_META,    /* 4 bytes: meta's version and flags */
	P_CHILD,   /* 8 bytes: a box inside meta */
	P_HDLR,    /* 12 bytes: the handler box's start */
	P_ILOC,    /* the iloc box's body */
	P_SKIPPED  /* 0 bytes: a skipped top-level box ended */
};

typedef struct heif_state {
	carve_stream cs;
	unsigned char rec[ILOC_MAX];
	uint8_t phase;
	uint8_t seen_meta, seen_moov, seen_pict;
	uint8_t type[4];      /* the top-level box being read */
	uint64_t box_at;      /* where it starts */
	uint64_t meta_end;    /* the end of meta, while inside it */
	uint64_t child_end;   /* the end of meta's child being read */
	uint64_t items_end;   /* the furthest byte an item extent needs */
	uint32_t boxes;
} heif_state;

static int error_at(uint64_t at, uint64_t *end)
{
	*end = at;
	return EXHIBIT_CARVE_ERROR;
}

static int is_type(const unsigned char *t, const char *name)
{
	return memcmp(t, name, 4) == 0;
}

/* Boxes a HEIF or AVIF file has at its top level after ftyp. */
static int top_level(const unsigned char *t)
{
	static const char *const known[] = { "meta", "mdat", "moov", "free", "skip", "wide",
		                             "uuid", "moof", "mfra", "sidx", "pdin", "udta",
		                             "styp", "ssix", "prft", "emsg", "etyp" };

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (is_type(t, known[i]))
			return 1;
	return 0;
}

/* ---- item locations ----------------------------------------------------------- */

/* A box body read in order, from memory or through the host. */
typedef struct cursor {
	const unsigned char *mem;     /* the body in memory, or NULL */
	const exhibit_host_api *api;  /* else read through the host */
	exhibit_host *host;
	uint64_t at, end;             /* offsets: in mem, or in the candidate */
	int failed;
} cursor;

/* An n-byte (n <= 8) big-endian number; 0 and c->failed past the end. */
static uint64_t take(cursor *c, unsigned n)
{
	unsigned char b[8];
	uint64_t v = 0;

	if (c->failed || n > c->end - c->at) {
		c->failed = 1;
		return 0;
	}
	if (c->mem)
		memcpy(b, c->mem + c->at, n);
	else if (n && c->api->read(c->host, c->at, b, n) != (int64_t)n)
		c->failed = 1;
	c->at += n;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

/*
 * iloc_extents — the iloc box body under c: *furthest grows to the end of
 * the furthest extent stored in this file (construction method 0, data
 * reference 0).  RETURN 0, or -1 when the body does not parse or an
 * extent lies beyond limit.
 */
static int iloc_extents(cursor *c, uint64_t limit, uint64_t *furthest)
{
	unsigned version = (unsigned)take(c, 1), sizes, off_size, len_size, base_size, index_size;
	uint32_t items;

	take(c, 3);
	sizes = (unsigned)take(c, 2);
	off_size = sizes >> 12;
	len_size = (sizes >> 8) & 15;
	base_size = (sizes >> 4) & 15;
	index_size = version ? sizes & 15 : 0;
	if (version > 2 || (off_size | len_size | base_size | index_size) & ~12u)
		return -1; /* sizes are 0, 4 or 8 */
	items = (uint32_t)take(c, version < 2 ? 2 : 4);
	for (uint32_t i = 0; i < items && !c->failed; i++) {
		unsigned method = 0, extents;
		uint64_t dref, base;
		take(c, version < 2 ? 2 : 4); /* item id */
		if (version)
			method = (unsigned)take(c, 2) & 15;
		dref = take(c, 2);
		base = take(c, base_size);
		extents = (unsigned)take(c, 2);
		if (method > 2)
			return -1;
		for (unsigned e = 0; e < extents && !c->failed; e++) {
			uint64_t offset, length;
			take(c, index_size);
			offset = take(c, off_size);
			length = take(c, len_size);
			if (method != 0 || dref != 0)
				continue; /* in idat, in another item, or in another file */
			if (base > limit || offset > limit - base || length > limit - base - offset)
				return -1;
			if (base + offset + length > *furthest)
				*furthest = base + offset + length;
		}
	}
	return c->failed ? -1 : 0;
}

/* ---- the walk --------------------------------------------------------------------- */

static void next_box(heif_state *s, uint64_t at)
{
	s->phase = P_BOX;
	carve_want_bytes_or_end(&s->cs, at, 8);
}

/* The file may end at at. */
static int complete(const heif_state *s, uint64_t at)
{
	return (s->seen_pict || s->seen_moov) && s->items_end <= at;
}

/* The top-level box at at, of size bytes (0: to the end of the file),
 * its contents from body on. */
static int top_box(heif_state *s, uint64_t size, uint64_t at, uint64_t body, uint64_t *end)
{
	const unsigned char *t = s->type;

	if (size == 0) { /* only a last mdat, as far as the items need */
		if (!is_type(t, "mdat") || !s->seen_pict || s->items_end <= at + 8)
			return error_at(at, end);
		size = s->items_end - at;
	}
	if (size < body - at || size > HEIF_MAX_SIZE - at)
		return error_at(at, end);
	if (is_type(t, "meta")) {
		if (s->seen_meta || size < body - at + 4)
			return error_at(at, end);
		s->seen_meta = 1;
		s->meta_end = at + size;
		s->phase = P_META;
		carve_want_bytes(&s->cs, body, 4);
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (is_type(t, "moov"))
		s->seen_moov = 1;
	s->phase = P_SKIPPED;
	carve_want_bytes(&s->cs, at + size, 0);
	return EXHIBIT_CARVE_CONTINUE;
}

static int box_header(heif_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	uint32_t size = carve_be32(b);

	if (!top_level(b + 4) || ++s->boxes > MAX_BOXES) {
		/* not a box of this file: the file ended before it, if whole */
		if (complete(s, at)) {
			*end = at;
			return EXHIBIT_CARVE_END;
		}
		return error_at(at, end);
	}
	memcpy(s->type, b + 4, 4);
	s->box_at = at;
	if (size == 1) {
		s->phase = P_LARGE;
		carve_want_bytes(&s->cs, at + 8, 8);
		return EXHIBIT_CARVE_CONTINUE;
	}
	return top_box(s, size, at, at + 8, end);
}

/* A child of meta ends at at: read the next one, or leave meta. */
static int after_child(heif_state *s, uint64_t at, uint64_t *end)
{
	if (at < s->meta_end) {
		if (++s->boxes > MAX_BOXES)
			return error_at(at, end);
		s->phase = P_CHILD;
		carve_want_bytes(&s->cs, at, 8);
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (at > s->meta_end || !s->seen_pict)
		return error_at(s->meta_end, end);
	next_box(s, s->meta_end);
	return EXHIBIT_CARVE_CONTINUE;
}

static int child(heif_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	uint32_t size = carve_be32(b);

	if (size < 8 || size > s->meta_end - at)
		return error_at(at, end);
	s->child_end = at + size;
	if (is_type(b + 4, "hdlr") && size >= 8 + 12) {
		s->phase = P_HDLR;
		carve_want_bytes(&s->cs, at + 8, 12);
	} else if (is_type(b + 4, "iloc") && size - 8 <= ILOC_MAX) {
		s->phase = P_ILOC;
		carve_want_bytes(&s->cs, at + 8, size - 8);
	} else {
		return after_child(s, s->child_end, end);
	}
	return EXHIBIT_CARVE_CONTINUE;
}

static int step(void *state, const unsigned char *b, uint64_t *end)
{
	heif_state *s = state;
	uint64_t at = s->cs.start;
	cursor c;

	switch (s->phase) {
	case P_BOX:
		return box_header(s, b, at, end);
	case P_LARGE:
		return top_box(s, carve_be64(b), s->box_at, s->box_at + 16, end);
	case P_META:
		if (b[0] != 0) /* version 0 */
			return error_at(at, end);
		return after_child(s, at + 4, end);
	case P_CHILD:
		return child(s, b, at, end);
	case P_HDLR:
		if (is_type(b + 8, "pict"))
			s->seen_pict = 1;
		return after_child(s, s->child_end, end);
	case P_ILOC:
		memset(&c, 0, sizeof c);
		c.mem = b;
		c.end = s->cs.need;
		if (iloc_extents(&c, HEIF_MAX_SIZE, &s->items_end) < 0)
			return error_at(at - 8, end);
		return after_child(s, s->child_end, end);
	default: /* P_SKIPPED: a top-level box ended */
		next_box(s, at);
		return EXHIBIT_CARVE_CONTINUE;
	}
}

static const carve_parser parser = { step, NULL, ILOC_MAX };

/* ---- the carver --------------------------------------------------------------------- */

/* Brands of HEIF and AVIF images and image sequences. */
static const char *const brands[] = { "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm",
	                              "hevs", "mif1", "msf1", "mif2", "avif", "avis", "avci",
	                              "avcs" };
#define N_BRANDS (sizeof brands / sizeof brands[0])

static int image_brand(const unsigned char *b)
{
	for (size_t i = 0; i < N_BRANDS; i++)
		if (is_type(b, brands[i]))
			return 1;
	return 0;
}

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	heif_state *s = state;
	uint32_t size;

	(void)signature;
	if (len < 16 || !is_type(buf + 4, "ftyp") || !image_brand(buf + 8))
		return EXHIBIT_CARVE_REJECT;
	size = carve_be32(buf);
	if (size < 16 || size > 256 || size % 4 || size > len)
		return EXHIBIT_CARVE_REJECT;
	for (uint32_t i = 16; i < size; i++) /* compatible brands: printable */
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	next_box(s, size);
	out->size = 0;
	out->min_size = 64;
	out->extension = is_type(buf + 8, "avif") || is_type(buf + 8, "avis") ? "avif" : "heic";
	return EXHIBIT_CARVE_ACCEPT;
}

static int data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	heif_state *s = state;

	return carve_stream_feed(&s->cs, &parser, s, s->rec, pos, buf, len, end);
}

/* read_box — the box header at at: *size (0: to the end), *body where its
 * contents start, type[4].  RETURN 0, or -1 when it cannot be read. */
static int read_box(const exhibit_host_api *api, exhibit_host *host, uint64_t at,
                    uint64_t length, uint64_t *size, uint64_t *body, unsigned char type[4])
{
	unsigned char h[16];

	if (length - at < 8 || api->read(host, at, h, 8) != 8)
		return -1;
	memcpy(type, h + 4, 4);
	*size = carve_be32(h);
	*body = at + 8;
	if (*size == 1) {
		if (length - at < 16 || api->read(host, at + 8, h + 8, 8) != 8)
			return -1;
		*size = carve_be64(h + 8);
		*body = at + 16;
	} else if (*size == 0) {
		*size = length - at;
	}
	return *size >= *body - at && *size <= length - at ? 0 : -1;
}

/* The iloc box inside meta [body, end): its extents lie before length. */
static int check_items(const exhibit_host_api *api, exhibit_host *host, uint64_t body,
                       uint64_t end, uint64_t length, uint64_t *bad)
{
	uint64_t at = body + 4, size, child_body, furthest = 0;
	unsigned char type[4];
	cursor c;

	while (at < end) {
		if (read_box(api, host, at, end, &size, &child_body, type) < 0)
			return *bad = at, EXHIBIT_ERR_FORMAT;
		if (is_type(type, "iloc")) {
			memset(&c, 0, sizeof c);
			c.api = api;
			c.host = host;
			c.at = child_body;
			c.end = at + size;
			if (iloc_extents(&c, HEIF_MAX_SIZE, &furthest) < 0)
				return *bad = at, EXHIBIT_ERR_FORMAT;
			if (furthest > length)
				return *bad = length, EXHIBIT_ERR_FORMAT;
		}
		at += size;
	}
	return EXHIBIT_OK;
}

static int validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                    uint64_t *bad_offset)
{
	uint64_t at = 0, size, body;
	unsigned char type[4];
	unsigned boxes = 0;

	while (at < length) {
		if (read_box(api, host, at, length, &size, &body, type) < 0 || ++boxes > MAX_BOXES ||
		    (at == 0) != is_type(type, "ftyp")) {
			*bad_offset = at;
			return EXHIBIT_ERR_FORMAT;
		}
		if (is_type(type, "meta") &&
		    check_items(api, host, body, at + size, length, bad_offset) != EXHIBIT_OK)
			return EXHIBIT_ERR_FORMAT;
		at += size;
	}
	return EXHIBIT_OK;
}

/* ftyp at offset 4, with the major brand: every image brand. */
#define SIG(b) { 4, (const unsigned char *)"ftyp" b, 8 }
static const exhibit_signature signatures[] = {
	SIG("heic"), SIG("heix"), SIG("heim"), SIG("heis"), SIG("hevc"), SIG("hevx"), SIG("hevm"),
	SIG("hevs"), SIG("mif1"), SIG("msf1"), SIG("mif2"), SIG("avif"), SIG("avis"), SIG("avci"),
	SIG("avcs"),
};

static const exhibit_carver carver = {
	sizeof(heif_state), 256, HEIF_MAX_SIZE, 1, header_check, data_check, validate,
};

static const char *const no_strings[] = { NULL };

static const exhibit_plugin plugin = {
	EXHIBIT_ABI_VERSION,
	"carve-heif",
	"1.0",
	"Carves HEIF/HEIC and AVIF files from unallocated space: box walk, meta handler and "
	"item locations checked",
	EXHIBIT_PLUGIN_CARVER,
	no_strings,
	no_strings,
	signatures,
	sizeof signatures / sizeof signatures[0],
	NULL,
	NULL,
	&carver,
};

const exhibit_plugin *carve_heif_plugin(void)
{
	return &plugin;
}

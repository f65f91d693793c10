/*
 * heif.c — the "carve-heif" carver: HEIF images (ISO/IEC 23008-12: HEIC,
 * HEIX, image sequences) and AVIF, ISO base media files whose ftyp names
 * an image brand.
 *
 * An ISO BMFF file is a run of boxes with no footer.  data_check walks the
 * top-level boxes by their sizes (32-bit, 64-bit, or "to the end" for a
 * last mdat).  In meta, whose child boxes must tile it exactly, it reads
 * the handler (it must be 'pict'), the item types (iinf), the HEVC NAL
 * length size (hvcC, in iprp/ipco) and the item locations (iloc): the
 * byte ranges the file must hold.  The file ends after a top-level box
 * when what follows is not a box a HEIF file has at its top level (or
 * nothing follows), provided meta (or moov, for a sequence) came and
 * every item extent lies inside.  A box size below 8 or past max_size, an
 * unknown box where the file cannot end yet, an iloc that does not parse
 * are errors at that box.
 *
 * When meta comes before mdat, the coded image items (hvc1, av01) in mdat
 * are walked too: each extent must be a run of length-prefixed NAL units
 * (HEVC) or sized OBUs (AV1) with valid headers, ending exactly at the
 * extent's end.  So a file cut short and followed by other bytes breaks at
 * the first unit header those bytes do not make, and damage that hits a
 * unit header is found; damage inside a unit's payload is not.
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
#define MAX_BOXES 100000   /* top-level boxes, or boxes inside meta */
#define MAX_ITEMS 128      /* item types remembered */
#define MAX_EXTENTS 128    /* item extents remembered for the mdat walk */
#define MAX_DEPTH 3        /* meta > iprp > ipco */

enum phase {
	P_BOX = 0, /* 8 bytes: a top-level box header, or the file's end */
	P_LARGE,   /* 8 bytes: a 64-bit box size */
	P_META,    /* 4 bytes: meta's version and flags */
	P_CHILD,   /* 8 bytes: a box inside meta (or inside a box in it) */
	P_HDLR,    /* 12 bytes: the handler box's start */
	P_ILOC,    /* the iloc box's body */
	P_IINF,    /* 6 bytes: iinf's version, flags and entry count */
	P_INFE,    /* up to 14 bytes: an item's id and type */
	P_HVCC,    /* 22 bytes: an HEVC configuration's start */
	P_UNIT,    /* a NAL unit's or OBU's header, a byte or two at a time */
	P_SKIPPED  /* 0 bytes: a top-level box ended */
};

/* Containers inside meta whose children are read. */
enum container { C_META = 0, C_IINF, C_IPRP, C_IPCO };

enum codec { CODEC_NONE = 0, CODEC_HEVC, CODEC_AV1 };

/* An item's extent in this file, for the mdat walk. */
typedef struct extent {
	uint64_t at;
	uint32_t length;
	uint32_t item;
} extent;

typedef struct heif_state {
	carve_stream cs;
	unsigned char rec[ILOC_MAX];
	uint8_t phase;
	uint8_t seen_meta, seen_moov, seen_pict;
	uint8_t type[4];      /* the top-level box being read */
	uint64_t box_at;      /* where it starts */
	uint64_t box_end;     /* where it ends */
	uint64_t child_end;   /* the end of the box inside meta being read */
	uint64_t items_end;   /* the furthest byte an item extent needs */
	uint32_t boxes;

	/* meta: the containers being read, innermost last */
	uint8_t depth;
	uint8_t container[MAX_DEPTH + 1];
	uint64_t container_end[MAX_DEPTH + 1];

	/* items: their codecs, their extents, and the walk over them */
	uint8_t nal_length;   /* bytes of an HEVC NAL unit's length, 0: unknown */
	uint8_t walk_off;     /* the mdat walk is off (too many items, odd layouts) */
	uint16_t n_items, n_extents, next_extent;
	uint32_t item_id[MAX_ITEMS];
	uint8_t item_codec[MAX_ITEMS];
	extent extents[MAX_EXTENTS];
	uint64_t extent_end;  /* the end of the extent being walked */
	uint8_t codec;        /* its codec */
	uint8_t unit_have;    /* header bytes of the unit being read */
	uint64_t unit_at;     /* where it starts */
	unsigned char unit_head[10];
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

	if (c->failed || n > sizeof b || n > c->end - c->at) {
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

/* Keep an item's extent for the mdat walk (s may be NULL: not kept). */
static void keep_extent(heif_state *s, uint32_t item, unsigned extents, uint64_t at,
                        uint64_t length)
{
	if (!s || s->walk_off)
		return;
	if (extents != 1 || length == 0 || length > UINT32_MAX || s->n_extents == MAX_EXTENTS) {
		s->walk_off = 1; /* items in pieces, or too many: not walked */
		return;
	}
	s->extents[s->n_extents].at = at;
	s->extents[s->n_extents].length = (uint32_t)length;
	s->extents[s->n_extents].item = item;
	s->n_extents++;
}

/* iloc's field sizes are 0, 4 or 8 bytes. */
static int field_size(unsigned n)
{
	return n == 0 || n == 4 || n == 8;
}

/*
 * iloc_extents — the iloc box body under c: *furthest grows to the end of
 * the furthest extent stored in this file (construction method 0, data
 * reference 0), and s (when not NULL) keeps the extents.  RETURN 0, or -1
 * when the body does not parse or an extent lies beyond limit.
 */
static int iloc_extents(cursor *c, uint64_t limit, uint64_t *furthest, heif_state *s)
{
	unsigned version = (unsigned)take(c, 1), sizes, off_size, len_size, base_size, index_size;
	uint32_t items;

	take(c, 3);
	sizes = (unsigned)take(c, 2);
	off_size = sizes >> 12;
	len_size = (sizes >> 8) & 15;
	base_size = (sizes >> 4) & 15;
	index_size = version ? sizes & 15 : 0;
	if (version > 2 || !field_size(off_size) || !field_size(len_size) ||
	    !field_size(base_size) || !field_size(index_size))
		return -1;
	items = (uint32_t)take(c, version < 2 ? 2 : 4);
	for (uint32_t i = 0; i < items && !c->failed; i++) {
		unsigned method = 0, extents;
		uint64_t dref, base;
		uint32_t id = (uint32_t)take(c, version < 2 ? 2 : 4);
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
			keep_extent(s, id, extents, base + offset, length);
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

/* ---- the coded items in mdat ------------------------------------------------------ */

static enum codec codec_of(const heif_state *s, uint32_t item)
{
	for (unsigned i = 0; i < s->n_items; i++)
		if (s->item_id[i] == item)
			return (enum codec)s->item_codec[i];
	return CODEC_NONE;
}

/* After meta: keep the extents of coded items, in offset order, none
 * overlapping another. */
static void order_extents(heif_state *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->n_extents; i++) {
		extent e = s->extents[i];
		enum codec c = codec_of(s, e.item);
		unsigned k;
		if (c == CODEC_NONE || (c == CODEC_HEVC && !s->nal_length))
			continue;
		e.item = c; /* from here on: the codec */
		for (k = n; k > 0 && s->extents[k - 1].at > e.at; k--)
			s->extents[k] = s->extents[k - 1];
		s->extents[k] = e;
		n++;
	}
	s->n_extents = (uint16_t)n;
	for (unsigned i = 1; i < n; i++)
		if (s->extents[i - 1].at + s->extents[i - 1].length > s->extents[i].at)
			s->walk_off = 1;
}

#define UNIT_MORE (UINT64_MAX - 1) /* unit_size: one more header byte, please */

/* Start reading the unit at at: the fewest header bytes any unit has. */
static void start_unit(heif_state *s, uint64_t at)
{
	uint64_t left = s->extent_end - at;
	unsigned want = s->codec == CODEC_HEVC ? s->nal_length + 2u : 2u;

	s->unit_at = at;
	s->unit_have = 0;
	s->phase = P_UNIT;
	carve_want_bytes(&s->cs, at, (uint32_t)(left < want ? left : want));
}

/* The next extent inside the box ending at box_end, or the box's end. */
static void next_extent(heif_state *s, uint64_t at)
{
	while (!s->walk_off && s->next_extent < s->n_extents &&
	       s->extents[s->next_extent].at < at)
		s->next_extent++;
	if (!s->walk_off && s->next_extent < s->n_extents &&
	    s->extents[s->next_extent].at + s->extents[s->next_extent].length <= s->box_end) {
		const extent *e = &s->extents[s->next_extent++];
		s->extent_end = e->at + e->length;
		s->codec = (uint8_t)e->item;
		start_unit(s, e->at);
		return;
	}
	s->phase = P_SKIPPED;
	carve_want_bytes(&s->cs, s->box_end, 0);
}

/* unit_size — the bytes of the NAL unit or OBU whose header starts with
 * b[0..n): 0 when it cannot be one, UINT64_MAX when it fills the extent,
 * UNIT_MORE when its size needs another byte. */
static uint64_t unit_size(const heif_state *s, const unsigned char *b, unsigned n)
{
	if (s->codec == CODEC_HEVC) {
		unsigned len = s->nal_length, type;
		uint64_t size = 0;
		if (n < len + 2)
			return 0;
		for (unsigned i = 0; i < len; i++)
			size = size << 8 | b[i];
		type = (b[len] >> 1) & 63;
		/* forbidden bit clear, no reserved type, temporal id + 1 not 0 */
		if (size < 2 || (b[len] & 0x80) || (type >= 41 && type <= 47) || !(b[len + 1] & 7))
			return 0;
		return len + size;
	} else {
		unsigned type = (b[0] >> 3) & 15, at = 1 + ((b[0] >> 2) & 1);
		uint64_t size = 0;
		if ((b[0] & 0x81) || type == 0 || (type > 8 && type != 15))
			return 0;
		if (!(b[0] & 2)) /* no size field: the OBU fills the extent */
			return UINT64_MAX;
		for (unsigned i = 0; at + i < 10; i++) { /* leb128, at most 8 bytes */
			if (at + i >= n)
				return UNIT_MORE;
			size |= (uint64_t)(b[at + i] & 0x7f) << (7 * i);
			if (!(b[at + i] & 0x80))
				return size <= UINT32_MAX ? at + i + 1 + size : 0;
		}
		return 0;
	}
}

static int unit(heif_state *s, const unsigned char *b, uint32_t n, uint64_t *end)
{
	uint64_t size, at = s->unit_at;

	memcpy(s->unit_head + s->unit_have, b, n);
	s->unit_have = (uint8_t)(s->unit_have + n);
	size = unit_size(s, s->unit_head, s->unit_have);
	if (size == UNIT_MORE) {
		if (at + s->unit_have >= s->extent_end)
			return error_at(at, end);
		carve_want_bytes(&s->cs, at + s->unit_have, 1);
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (size == UINT64_MAX)
		size = s->extent_end - at;
	if (size == 0 || size > s->extent_end - at)
		return error_at(at, end);
	if (at + size == s->extent_end)
		next_extent(s, s->extent_end);
	else
		start_unit(s, at + size);
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- boxes -------------------------------------------------------------------------- */

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
	s->box_end = at + size;
	if (is_type(t, "meta")) {
		if (s->seen_meta || size < body - at + 4)
			return error_at(at, end);
		s->seen_meta = 1;
		s->depth = 0;
		s->container[0] = C_META;
		s->container_end[0] = at + size;
		s->phase = P_META;
		carve_want_bytes(&s->cs, body, 4);
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (is_type(t, "moov"))
		s->seen_moov = 1;
	if (is_type(t, "mdat") && s->seen_pict) {
		next_extent(s, body);
		return EXHIBIT_CARVE_CONTINUE;
	}
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

/* A box inside meta ends at at: read the next one, or leave the
 * containers that end there, and meta itself. */
static int after_child(heif_state *s, uint64_t at, uint64_t *end)
{
	while (s->depth > 0 && at == s->container_end[s->depth])
		s->depth--;
	if (at > s->container_end[s->depth])
		return error_at(s->container_end[s->depth], end);
	if (s->depth == 0 && at == s->container_end[0]) {
		if (!s->seen_pict) /* no image handler: not an image file */
			return EXHIBIT_CARVE_REJECT;
		order_extents(s);
		next_box(s, at);
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (++s->boxes > MAX_BOXES)
		return error_at(at, end);
	s->phase = P_CHILD;
	carve_want_bytes(&s->cs, at, 8);
	return EXHIBIT_CARVE_CONTINUE;
}

/* Enter a container box whose children start at body. */
static int enter(heif_state *s, enum container c, uint64_t body, uint64_t *end)
{
	if (s->depth == MAX_DEPTH)
		return after_child(s, s->child_end, end);
	s->depth++;
	s->container[s->depth] = (uint8_t)c;
	s->container_end[s->depth] = s->child_end;
	return after_child(s, body, end);
}

/* read — gather n bytes of the child's body (at most what it has). */
static int read_child(heif_state *s, int phase, uint64_t body, uint32_t n)
{
	if (n > s->child_end - body)
		n = (uint32_t)(s->child_end - body);
	s->phase = (uint8_t)phase;
	carve_want_bytes(&s->cs, body, n);
	return EXHIBIT_CARVE_CONTINUE;
}

static int child(heif_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	uint32_t size = carve_be32(b);
	const unsigned char *t = b + 4;
	enum container in = (enum container)s->container[s->depth];

	if (size < 8 || size > s->container_end[s->depth] - at)
		return error_at(at, end);
	s->child_end = at + size;
	if (in == C_META && is_type(t, "hdlr") && size >= 8 + 12)
		return read_child(s, P_HDLR, at + 8, 12);
	if (in == C_META && is_type(t, "iloc") && size - 8 <= ILOC_MAX)
		return read_child(s, P_ILOC, at + 8, size - 8);
	if (in == C_META && is_type(t, "iinf"))
		return read_child(s, P_IINF, at + 8, 6);
	if (in == C_META && is_type(t, "iprp"))
		return enter(s, C_IPRP, at + 8, end);
	if (in == C_IPRP && is_type(t, "ipco"))
		return enter(s, C_IPCO, at + 8, end);
	if (in == C_IINF && is_type(t, "infe"))
		return read_child(s, P_INFE, at + 8, 14);
	if (in == C_IPCO && is_type(t, "hvcC"))
		return read_child(s, P_HVCC, at + 8, 22);
	if (in == C_META && is_type(t, "iloc"))
		s->walk_off = 1; /* too large to read here: validate reads it */
	return after_child(s, s->child_end, end);
}

/* An item's type (infe version 2 or 3). */
static void item_info(heif_state *s, const unsigned char *b, uint32_t n)
{
	uint32_t id;
	const unsigned char *type;

	if (b[0] < 2 || n < (b[0] == 2 ? 12u : 14u))
		return;
	id = b[0] == 2 ? carve_be16(b + 4) : carve_be32(b + 4);
	type = b + (b[0] == 2 ? 8 : 10);
	if (s->n_items == MAX_ITEMS) {
		s->walk_off = 1;
		return;
	}
	s->item_id[s->n_items] = id;
	s->item_codec[s->n_items++] = is_type(type, "hvc1")   ? CODEC_HEVC
	                              : is_type(type, "av01") ? CODEC_AV1
	                                                      : CODEC_NONE;
}

static int step(void *state, const unsigned char *b, uint64_t *end)
{
	heif_state *s = state;
	uint64_t at = s->cs.start;
	uint32_t n = s->cs.need;
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
		c.end = n;
		if (iloc_extents(&c, HEIF_MAX_SIZE, &s->items_end, s) < 0)
			return error_at(at - 8, end);
		return after_child(s, s->child_end, end);
	case P_IINF:
		if (n < 6 || b[0] > 1)
			return error_at(at, end);
		return enter(s, C_IINF, at + 4 + (b[0] ? 4 : 2), end);
	case P_INFE:
		item_info(s, b, n);
		return after_child(s, s->child_end, end);
	case P_HVCC:
		if (n == 22) {
			uint8_t len = (uint8_t)((b[21] & 3) + 1);
			if (len == 3 || (s->nal_length && s->nal_length != len))
				s->walk_off = 1;
			s->nal_length = len;
		}
		return after_child(s, s->child_end, end);
	case P_UNIT:
		return unit(s, b, n, end);
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
			if (iloc_extents(&c, HEIF_MAX_SIZE, &furthest, NULL) < 0)
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
	sizeof(heif_state), 256, HEIF_MAX_SIZE, 1, header_check, data_check, validate, NULL,
};

static EXHIBIT_CARVER_PLUGIN(plugin, "carve-heif", "1.0",
	"Carves HEIF/HEIC and AVIF files from unallocated space: box walk, meta handler and "
	"item locations checked",
	signatures, carver);

const exhibit_plugin *carve_heif_plugin(void)
{
	return &plugin;
}

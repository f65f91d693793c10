/*
 * tiff.c — the "carve-tiff" carver: TIFF and BigTIFF files, and the
 * camera raw formats built on TIFF (DNG, CR2, NEF, ARW, PEF, ORF, RW2).
 *
 * TIFF has no footer: the file ends at the furthest byte anything in it
 * references.  data_check follows the references as the candidate streams
 * past, in offset order: the IFD chain and the IFDs of SubIFDs, EXIF, GPS
 * and interoperability pointers, every entry (a known type, a count whose
 * bytes fit, tags in ascending order), the ranges of out-of-line values,
 * the strip and tile offset and byte count arrays (streamed to find where
 * the last strip ends) and JPEG interchange ranges; it skips the bytes in
 * between.  A reference to bytes already behind the stream cannot be read
 * there; what such a structure references is taken to lie behind it too,
 * which validate then checks.  When nothing is left to read, the file ends
 * at the furthest byte referenced.  Forward-only reading also means an IFD
 * chain cannot loop here.
 *
 * A candidate whose first IFD lies beyond the scanned space is rejected,
 * not kept as a partial file: without its IFD nothing in it can be told
 * apart from noise.  The first IFD must describe image data (strips or
 * tiles) or point to sub-IFDs, so the TIFF headers of EXIF blocks inside
 * JPEG files are not carved as TIFF files.
 *
 * validate walks the candidate again with random access: every IFD (at
 * most MAX_IFDS, none visited twice), every entry, every array; any byte
 * referenced beyond the candidate's end, or a malformed IFD, is the error.
 */
#include <stdlib.h>
#include <string.h>

#include "carve_images.h"
#include "carve_stream.h"

#define TIFF_MAX_SIZE (4ull << 30)
#define MAX_ENTRIES 4096       /* entries in one IFD */
#define MAX_IFDS 4096          /* IFDs in one file */
#define MAX_PENDING 128        /* structures data_check waits to reach */
#define MAX_SLOTS 16           /* strip/tile array pairs being read */
#define HEADER_LEN 4096

enum tag {
	TAG_MAKE = 271,
	TAG_STRIP_OFFSETS = 273,
	TAG_STRIP_BYTE_COUNTS = 279,
	TAG_TILE_OFFSETS = 324,
	TAG_TILE_BYTE_COUNTS = 325,
	TAG_SUB_IFDS = 330,
	TAG_JPEG_IF = 513,
	TAG_JPEG_IF_LENGTH = 514,
	TAG_EXIF_IFD = 34665,
	TAG_GPS_IFD = 34853,
	TAG_INTEROP_IFD = 40965,
	TAG_DNG_VERSION = 50706
};

/* What the stream waits to reach. */
enum kind { K_IFD = 0, K_OFFSETS, K_COUNTS, K_IFD_ARRAY };

typedef struct pending {
	uint64_t at;
	uint32_t count;  /* array elements */
	uint8_t kind;
	uint8_t size;    /* array element size */
	uint8_t slot;    /* K_OFFSETS, K_COUNTS: the pair they belong to */
	uint8_t first;   /* K_IFD: the first IFD of the file */
} pending;

/* A pair of strip (or tile) offset and byte count arrays. */
typedef struct strips {
	uint32_t n;          /* elements in each */
	uint32_t max_index;  /* of the largest offset */
	uint64_t max_offset;
	uint64_t count_at_max; /* the byte count at max_index, once known */
	uint64_t last_count, max_count;
	uint8_t used, offsets_done, counts_done, counts_first, offsets_behind, counts_behind;
} strips;

enum phase {
	P_IFD_COUNT = 0, /* 2 (8) bytes: entries in the IFD */
	P_ENTRY,         /* 12 (20) bytes: one entry */
	P_NEXT,          /* 4 (8) bytes: the next IFD's offset */
	P_ARRAY,         /* an array, element by element */
	P_AT             /* 0 bytes: the stream reached a pending structure */
};

typedef struct tiff_state {
	carve_stream cs;
	unsigned char rec[24];
	uint8_t phase;
	uint8_t le, big;          /* little-endian, BigTIFF */
	uint8_t first_ifd;        /* the IFD being read is the file's first */
	uint8_t has_image;        /* it has strips, tiles or sub-IFDs */
	uint16_t last_tag;
	uint32_t entries_left;
	uint32_t ifds;
	uint64_t furthest;        /* the furthest byte referenced so far */
	int8_t ifd_slot;          /* the pair of the IFD being read, -1: none yet */
	/* the current IFD's arrays, until its entries are read: offset, or
	 * the values themselves when they fit in the entry */
	struct { uint64_t at, values[4]; uint32_t count; uint8_t size, present; } array[4];
	uint64_t jpeg_at, jpeg_length; /* its JPEG interchange format range */
	/* the array being streamed */
	pending cur;
	uint32_t index;
	uint8_t elem[8], elem_have;
	uint8_t n_pending;
	pending queue[MAX_PENDING]; /* by offset */
	strips slots[MAX_SLOTS];
} tiff_state;

/* ---- bytes and entries --------------------------------------------------------- */

static uint64_t get(const unsigned char *p, unsigned n, int le)
{
	uint64_t v = 0;

	if (le)
		for (unsigned i = n; i-- > 0;)
			v = v << 8 | p[i];
	else
		for (unsigned i = 0; i < n; i++)
			v = v << 8 | p[i];
	return v;
}

/* Bytes of one value of a field type, 0 for types TIFF does not have. */
static unsigned type_size(unsigned type, int big)
{
	static const uint8_t sizes[19] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8 };

	if (type > 18 || (type >= 16 && !big))
		return 0;
	return sizes[type];
}

/* One IFD entry, decoded. */
typedef struct entry {
	unsigned tag, type, size; /* size: of one value */
	uint64_t count, bytes;    /* bytes: count x size */
	uint64_t value;           /* the offset of out-of-line values */
	int inline_data;          /* the values are in the entry itself */
	const unsigned char *data;/* then: here */
} entry;

/* decode_entry — b holds an entry of a (Big)TIFF IFD.  RETURN 0, or -1
 * when its type is unknown or its values cannot fit in a file. */
static int decode_entry(const unsigned char *b, int le, int big, entry *e)
{
	unsigned inline_size = big ? 8 : 4;

	e->tag = (unsigned)get(b, 2, le);
	e->type = (unsigned)get(b + 2, 2, le);
	e->count = get(b + 4, big ? 8 : 4, le);
	e->size = type_size(e->type, big);
	if (!e->size || e->count > TIFF_MAX_SIZE / e->size)
		return -1;
	e->bytes = e->count * e->size;
	e->data = b + (big ? 12 : 8);
	e->inline_data = e->bytes <= inline_size;
	e->value = e->inline_data ? 0 : get(e->data, inline_size, le);
	return 0;
}

/* The tags whose values are IFD offsets. */
static int ifd_pointer(unsigned tag)
{
	return tag == TAG_SUB_IFDS || tag == TAG_EXIF_IFD || tag == TAG_GPS_IFD ||
	       tag == TAG_INTEROP_IFD;
}

/* The array index (0..3) of a strip or tile tag, or -1. */
static int array_index(unsigned tag)
{
	switch (tag) {
	case TAG_STRIP_OFFSETS:
		return 0;
	case TAG_STRIP_BYTE_COUNTS:
		return 1;
	case TAG_TILE_OFFSETS:
		return 2;
	case TAG_TILE_BYTE_COUNTS:
		return 3;
	default:
		return -1;
	}
}

/* ---- waiting for structures ------------------------------------------------------ */

static int error_at(uint64_t at, uint64_t *end)
{
	*end = at;
	return EXHIBIT_CARVE_ERROR;
}

static void reach(tiff_state *s, uint64_t end)
{
	if (end > s->furthest)
		s->furthest = end;
}

/* wait_for — queue p to be read when the stream reaches it.  RETURN 0, or
 * -1 when it lies behind the stream (it cannot be read here), beyond any
 * TIFF file, or the queue is full (validate checks what is left out). */
static int wait_for(tiff_state *s, const pending *p)
{
	unsigned i;

	if (p->at < s->cs.at || p->at >= TIFF_MAX_SIZE || s->n_pending == MAX_PENDING)
		return -1;
	for (i = s->n_pending; i > 0 && s->queue[i - 1].at > p->at; i--)
		s->queue[i] = s->queue[i - 1];
	s->queue[i] = *p;
	s->n_pending++;
	return 0;
}

/* next_structure — go to the first structure waiting, or to the end. */
static void next_structure(tiff_state *s)
{
	s->phase = P_AT;
	carve_want_bytes(&s->cs, s->n_pending ? s->queue[0].at : s->furthest, 0);
}

/* ---- strip and tile arrays ------------------------------------------------------- */

static int new_slot(tiff_state *s, uint32_t n)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (!s->slots[i].used) {
			memset(&s->slots[i], 0, sizeof s->slots[i]);
			s->slots[i].used = 1;
			s->slots[i].n = n;
			return i;
		}
	return -1;
}

/* Both arrays of a pair were read (or found behind): where does its last
 * strip end? */
static void settle(tiff_state *s, strips *p)
{
	if (!p->offsets_done || !p->counts_done)
		return;
	if (!p->offsets_behind) {
		uint64_t count = p->counts_behind          ? 1
		                 : !p->counts_first        ? p->count_at_max
		                 : p->max_index == p->n - 1 ? p->last_count
		                                           : p->max_count;
		reach(s, p->max_offset + count);
	}
	p->used = 0;
}

static void array_element(tiff_state *s, const pending *a, uint32_t i, uint64_t v)
{
	strips *p = &s->slots[a->slot];
	pending ifd;

	switch (a->kind) {
	case K_OFFSETS:
		if (i == 0 || v > p->max_offset) {
			p->max_offset = v;
			p->max_index = i;
		}
		break;
	case K_COUNTS:
		if (i == p->max_index)
			p->count_at_max = v;
		if (v > p->max_count)
			p->max_count = v;
		p->last_count = v;
		break;
	default: /* K_IFD_ARRAY */
		memset(&ifd, 0, sizeof ifd);
		ifd.at = v;
		ifd.kind = K_IFD;
		wait_for(s, &ifd);
		break;
	}
}

static void array_done(tiff_state *s, const pending *a)
{
	strips *p = &s->slots[a->slot];

	if (a->kind == K_OFFSETS) {
		p->offsets_done = 1;
		p->counts_first = p->counts_done;
	} else if (a->kind == K_COUNTS) {
		p->counts_done = 1;
	}
	if (a->kind != K_IFD_ARRAY)
		settle(s, p);
}

/* Array i of the IFD just read: inline, queued, or behind the stream. */
static void queue_array(tiff_state *s, int slot, uint8_t kind, int i)
{
	pending a;

	memset(&a, 0, sizeof a);
	a.at = s->array[i].at;
	a.kind = kind;
	a.count = s->array[i].count;
	a.size = s->array[i].size;
	a.slot = (uint8_t)slot;
	if (a.at == 0) { /* inline: the values are at hand */
		for (uint32_t v = 0; v < a.count; v++)
			array_element(s, &a, v, s->array[i].values[v]);
	} else if (wait_for(s, &a) == 0) {
		return;
	} else if (kind == K_OFFSETS) {
		s->slots[slot].offsets_behind = 1;
	} else {
		s->slots[slot].counts_behind = 1;
	}
	array_done(s, &a);
}

/* ---- IFDs ---------------------------------------------------------------------------- */

static void start_ifd(tiff_state *s, const pending *p)
{
	s->phase = P_IFD_COUNT;
	s->first_ifd = p->first;
	s->has_image = 0;
	s->last_tag = 0;
	memset(s->array, 0, sizeof s->array);
	s->jpeg_at = s->jpeg_length = 0;
	carve_want_bytes(&s->cs, p->at, s->big ? 8 : 2);
}

static int entry_read(tiff_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	entry e;
	int a;

	if (decode_entry(b, s->le, s->big, &e) < 0 || (e.tag <= s->last_tag && s->last_tag))
		return error_at(at, end);
	s->last_tag = (uint16_t)e.tag;
	if (!e.inline_data) {
		if (e.value > TIFF_MAX_SIZE - e.bytes)
			return error_at(at, end);
		reach(s, e.value + e.bytes);
	}
	if ((a = array_index(e.tag)) >= 0) {
		if (e.count == 0 || e.count > UINT32_MAX || (e.size != 2 && e.size != 4 && e.size != 8))
			return error_at(at, end);
		s->array[a].present = 1;
		s->array[a].count = (uint32_t)e.count;
		s->array[a].size = (uint8_t)e.size;
		s->array[a].at = e.inline_data ? 0 : e.value;
		for (unsigned v = 0; e.inline_data && v < e.count; v++)
			s->array[a].values[v] = get(e.data + v * e.size, e.size, s->le);
		s->has_image = 1;
	} else if (ifd_pointer(e.tag) && e.count) {
		pending p;
		if (e.size != 4 && e.size != 8)
			return error_at(at, end);
		if (e.tag == TAG_SUB_IFDS)
			s->has_image = 1;
		memset(&p, 0, sizeof p);
		if (e.inline_data) {
			p.kind = K_IFD;
			for (uint64_t i = 0; i < e.count; i++) {
				p.at = get(e.data + i * e.size, e.size, s->le);
				if (p.at)
					wait_for(s, &p);
			}
		} else {
			p.kind = K_IFD_ARRAY;
			p.at = e.value;
			p.count = (uint32_t)e.count;
			p.size = (uint8_t)e.size;
			wait_for(s, &p);
		}
	} else if ((e.tag == TAG_JPEG_IF || e.tag == TAG_JPEG_IF_LENGTH) && e.inline_data) {
		/* a JPEG thumbnail (EXIF IFD1, old-style JPEG): offset, length */
		*(e.tag == TAG_JPEG_IF ? &s->jpeg_at : &s->jpeg_length) = get(e.data, e.size, s->le);
	}
	if (--s->entries_left) {
		carve_want_bytes(&s->cs, at + (s->big ? 20 : 12), s->big ? 20 : 12);
		return EXHIBIT_CARVE_CONTINUE;
	}
	s->phase = P_NEXT;
	carve_want_bytes(&s->cs, at + (s->big ? 20 : 12), s->big ? 8 : 4);
	return EXHIBIT_CARVE_CONTINUE;
}

/* The IFD's entries are read: its arrays join the queue. */
static int ifd_done(tiff_state *s, uint64_t next, uint64_t at, uint64_t *end)
{
	pending p;

	reach(s, at + (s->big ? 8 : 4));
	if (s->first_ifd && !s->has_image)
		return EXHIBIT_CARVE_REJECT; /* not an image file (an EXIF block, say) */
	for (int pair = 0; pair < 4; pair += 2) {
		int slot;
		if (!s->array[pair].present && !s->array[pair + 1].present)
			continue;
		if (!s->array[pair].present || !s->array[pair + 1].present ||
		    s->array[pair].count != s->array[pair + 1].count)
			return error_at(at, end);
		/* with no pair free, where the strips end is left to validate */
		if ((slot = new_slot(s, s->array[pair].count)) < 0)
			continue;
		queue_array(s, slot, K_OFFSETS, pair);
		queue_array(s, slot, K_COUNTS, pair + 1);
	}
	if (s->jpeg_at && s->jpeg_length && s->jpeg_at <= TIFF_MAX_SIZE &&
	    s->jpeg_length <= TIFF_MAX_SIZE)
		reach(s, s->jpeg_at + s->jpeg_length);
	if (next) {
		memset(&p, 0, sizeof p);
		p.at = next;
		p.kind = K_IFD;
		wait_for(s, &p);
	}
	next_structure(s);
	return EXHIBIT_CARVE_CONTINUE;
}

/* The stream reached the first structure waiting. */
static int arrived(tiff_state *s, uint64_t at, uint64_t *end)
{
	pending p;

	if (!s->n_pending) {
		*end = s->furthest > at ? s->furthest : at;
		return EXHIBIT_CARVE_END;
	}
	p = s->queue[0];
	memmove(s->queue, s->queue + 1, --s->n_pending * sizeof s->queue[0]);
	if (p.at < at) { /* overlapped by what was read before: cannot be read here */
		if (p.kind == K_OFFSETS || p.kind == K_COUNTS) {
			*(p.kind == K_OFFSETS ? &s->slots[p.slot].offsets_behind
			                      : &s->slots[p.slot].counts_behind) = 1;
			array_done(s, &p);
		}
		next_structure(s);
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (p.kind == K_IFD) {
		if (++s->ifds > MAX_IFDS)
			return error_at(at, end);
		start_ifd(s, &p);
		return EXHIBIT_CARVE_CONTINUE;
	}
	s->cur = p;
	s->index = 0;
	s->elem_have = 0;
	reach(s, p.at + (uint64_t)p.count * p.size);
	s->phase = P_ARRAY;
	carve_want_stream(&s->cs, p.at, (uint64_t)p.count * p.size);
	return EXHIBIT_CARVE_CONTINUE;
}

static int step(void *state, const unsigned char *b, uint64_t *end)
{
	tiff_state *s = state;
	uint64_t at = s->cs.start;
	uint64_t n;

	switch (s->phase) {
	case P_IFD_COUNT:
		n = get(b, s->big ? 8 : 2, s->le);
		if (n == 0 || n > MAX_ENTRIES)
			return s->first_ifd ? EXHIBIT_CARVE_REJECT : error_at(at, end);
		s->entries_left = (uint32_t)n;
		s->phase = P_ENTRY;
		carve_want_bytes(&s->cs, at + (s->big ? 8 : 2), s->big ? 20 : 12);
		return EXHIBIT_CARVE_CONTINUE;
	case P_ENTRY: {
		int rc = entry_read(s, b, at, end);
		if (rc == EXHIBIT_CARVE_ERROR && s->first_ifd)
			return EXHIBIT_CARVE_REJECT;
		return rc;
	}
	case P_NEXT:
		n = get(b, s->big ? 8 : 4, s->le);
		if (n > TIFF_MAX_SIZE)
			return error_at(at, end);
		return ifd_done(s, n, at, end);
	case P_ARRAY:
		array_done(s, &s->cur);
		next_structure(s);
		return EXHIBIT_CARVE_CONTINUE;
	default:
		return arrived(s, at, end);
	}
}

static int scan(void *state, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
                uint64_t *bad)
{
	tiff_state *s = state;

	(void)pos;
	(void)used;
	(void)bad;
	for (size_t i = 0; i < n; i++) {
		s->elem[s->elem_have++] = p[i];
		if (s->elem_have == s->cur.size) {
			array_element(s, &s->cur, s->index++, get(s->elem, s->cur.size, s->le));
			s->elem_have = 0;
		}
	}
	return EXHIBIT_CARVE_CONTINUE;
}

static const carve_parser parser = { step, scan, sizeof(((tiff_state *)0)->rec) };

/* ---- the carver ------------------------------------------------------------------------ */

/* The camera a raw file comes from, by the first IFD's Make. */
static const struct {
	const char *make, *extension;
} raw_makes[] = {
	{ "NIKON", "nef" }, { "SONY", "arw" }, { "PENTAX", "pef" }, { "SAMSUNG", "srw" },
};

/* extension — from the magic and, when it is in buf[0..len), the first
 * IFD at ifd: NULL when that IFD shows the candidate is no image file. */
static const char *extension(const unsigned char *buf, size_t len, uint64_t ifd, int le, int big)
{
	unsigned entry_size = big ? 20 : 12, head = big ? 8 : 2;
	const char *ext = "tif";
	uint64_t n;
	int image = 0;
	unsigned last = 0;

	if (!memcmp(buf, "IIRO", 4) || !memcmp(buf, "IIRS", 4) || !memcmp(buf, "MMOR", 4))
		ext = "orf";
	else if (!memcmp(buf, "IIU\0", 4))
		ext = "rw2";
	else if (len >= 11 && buf[8] == 'C' && buf[9] == 'R' && buf[10] == 2)
		ext = "cr2";
	if (ifd > len || len - ifd < head)
		return ext; /* the first IFD is further: data_check judges it */
	n = get(buf + ifd, head, le);
	if (n == 0 || n > MAX_ENTRIES)
		return NULL;
	for (uint64_t i = 0; i < n && (len - ifd - head) / entry_size > i; i++) {
		entry e;
		if (decode_entry(buf + ifd + head + i * entry_size, le, big, &e) < 0 ||
		    (i && e.tag <= last))
			return NULL;
		last = e.tag;
		if (array_index(e.tag) >= 0 || e.tag == TAG_SUB_IFDS)
			image = 1;
		if (e.tag == TAG_DNG_VERSION)
			ext = "dng";
		if (e.tag == TAG_MAKE && !strcmp(ext, "tif") && !e.inline_data && e.value < len) {
			for (size_t m = 0; m < sizeof raw_makes / sizeof raw_makes[0]; m++) {
				size_t k = strlen(raw_makes[m].make);
				if (len - e.value >= k && !memcmp(buf + e.value, raw_makes[m].make, k))
					ext = raw_makes[m].extension;
			}
		}
	}
	if ((len - ifd - head) / entry_size >= n && !image)
		return NULL; /* the whole IFD is here and describes no image */
	return ext;
}

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	tiff_state *s = state;
	int le, big;
	uint64_t ifd;
	const char *ext;
	pending first;

	(void)signature;
	if (len < 16 || (buf[0] != buf[1]) || (buf[0] != 'I' && buf[0] != 'M'))
		return EXHIBIT_CARVE_REJECT;
	le = buf[0] == 'I';
	big = get(buf + 2, 2, le) == 43;
	if (big && (get(buf + 4, 2, le) != 8 || get(buf + 6, 2, le) != 0))
		return EXHIBIT_CARVE_REJECT;
	ifd = big ? get(buf + 8, 8, le) : get(buf + 4, 4, le);
	if (ifd < (big ? 16u : 8u) || ifd >= TIFF_MAX_SIZE)
		return EXHIBIT_CARVE_REJECT;
	if (!(ext = extension(buf, len, ifd, le, big)))
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	s->le = (uint8_t)le;
	s->big = (uint8_t)big;
	s->furthest = big ? 16 : 8;
	memset(&first, 0, sizeof first);
	first.at = ifd;
	first.kind = K_IFD;
	first.first = 1;
	wait_for(s, &first);
	next_structure(s);
	out->size = 0;
	out->min_size = 32;
	out->extension = ext;
	return EXHIBIT_CARVE_ACCEPT;
}

static int data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	tiff_state *s = state;
	int rc = carve_stream_feed(&s->cs, &parser, s, s->rec, pos, buf, len, end);

	/* Never reached the first IFD: nothing says this is a TIFF file. */
	if (rc == EXHIBIT_CARVE_ERROR && s->ifds == 0)
		return EXHIBIT_CARVE_REJECT;
	return rc;
}

/* ---- validate: the whole candidate, random access ------------------------------------------- */

#define VALIDATE_DEPTH 8 /* sub-IFDs inside sub-IFDs */
#define CHUNK 256        /* array elements read at once */

typedef struct walk {
	const exhibit_host_api *api;
	exhibit_host *host;
	uint64_t length;
	int le, big;
	unsigned n_visited;
	uint64_t visited[MAX_IFDS];
	uint64_t bad;
} walk;

static int fail(walk *w, uint64_t at)
{
	w->bad = at;
	return -1;
}

static int read_at(walk *w, uint64_t at, void *buf, size_t n)
{
	if (at > w->length || n > w->length - at || w->api->read(w->host, at, buf, n) != (int64_t)n)
		return fail(w, at > w->length ? w->length : at);
	return 0;
}

/* An array's n values of size bytes at at (inline: in data), k at a time. */
static int array_values(walk *w, const entry *e, uint64_t from, uint64_t *out, unsigned k)
{
	unsigned char buf[CHUNK * 8];

	if (e->inline_data) {
		for (unsigned i = 0; i < k; i++)
			out[i] = get(e->data + (from + i) * e->size, e->size, w->le);
		return 0;
	}
	if (read_at(w, e->value + from * e->size, buf, (size_t)k * e->size) < 0)
		return -1;
	for (unsigned i = 0; i < k; i++)
		out[i] = get(buf + i * e->size, e->size, w->le);
	return 0;
}

/* Every strip (tile) of the pair lies inside the candidate. */
static int check_strips(walk *w, const entry *offsets, const entry *counts)
{
	uint64_t off[CHUNK], cnt[CHUNK];

	if (offsets->count != counts->count)
		return fail(w, 0);
	for (uint64_t i = 0; i < offsets->count; i += CHUNK) {
		unsigned k = (unsigned)(offsets->count - i < CHUNK ? offsets->count - i : CHUNK);
		if (array_values(w, offsets, i, off, k) < 0 || array_values(w, counts, i, cnt, k) < 0)
			return -1;
		for (unsigned j = 0; j < k; j++)
			if (off[j] > w->length || cnt[j] > w->length - off[j])
				return fail(w, w->length);
	}
	return 0;
}

static int walk_ifd(walk *w, uint64_t at, unsigned depth);

/* The IFDs an IFD pointer entry names. */
static int walk_pointers(walk *w, const entry *e, unsigned depth)
{
	uint64_t v[CHUNK];

	if (e->size != 4 && e->size != 8)
		return fail(w, 0);
	for (uint64_t i = 0; i < e->count; i += CHUNK) {
		unsigned k = (unsigned)(e->count - i < CHUNK ? e->count - i : CHUNK);
		if (array_values(w, e, i, v, k) < 0)
			return -1;
		for (unsigned j = 0; j < k; j++)
			if (v[j] && walk_ifd(w, v[j], depth + 1) < 0)
				return -1;
	}
	return 0;
}

/* One IFD with its entries and the ones it points to, then its chain. */
static int walk_ifd(walk *w, uint64_t at, unsigned depth)
{
	unsigned entry_size = w->big ? 20 : 12, head = w->big ? 8 : 2;

	while (at) {
		unsigned char b[20];
		entry e, pair[4];
		uint64_t n;
		int have[4] = { 0, 0, 0, 0 };

		if (depth > VALIDATE_DEPTH || w->n_visited == MAX_IFDS)
			return fail(w, at);
		for (unsigned i = 0; i < w->n_visited; i++)
			if (w->visited[i] == at)
				return fail(w, at); /* a loop */
		w->visited[w->n_visited++] = at;
		if (read_at(w, at, b, head) < 0)
			return -1;
		n = get(b, head, w->le);
		if (n == 0 || n > MAX_ENTRIES)
			return fail(w, at);
		for (uint64_t i = 0; i < n; i++) {
			uint64_t entry_at = at + head + i * entry_size;
			int a;
			if (read_at(w, entry_at, b, entry_size) < 0)
				return -1;
			if (decode_entry(b, w->le, w->big, &e) < 0)
				return fail(w, entry_at);
			if (!e.inline_data && (e.value > w->length || e.bytes > w->length - e.value))
				return fail(w, w->length);
			if (e.inline_data) { /* b is reused: read inline values from the file */
				e.value = entry_at + (w->big ? 12 : 8);
				e.inline_data = 0;
			}
			if ((a = array_index(e.tag)) >= 0) {
				pair[a] = e;
				have[a] = 1;
			} else if (ifd_pointer(e.tag) && e.count && walk_pointers(w, &e, depth) < 0) {
				return -1;
			}
		}
		for (int p = 0; p < 4; p += 2)
			if ((have[p] || have[p + 1]) &&
			    (!have[p] || !have[p + 1] || check_strips(w, &pair[p], &pair[p + 1]) < 0))
				return w->bad ? -1 : fail(w, at);
		if (read_at(w, at + head + n * entry_size, b, w->big ? 8 : 4) < 0)
			return -1;
		at = get(b, w->big ? 8 : 4, w->le);
	}
	return 0;
}

static int validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                    uint64_t *bad_offset)
{
	unsigned char head[16];
	walk *w;
	int rc;

	if (length < 16 || api->read(host, 0, head, 16) != 16) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	w = calloc(1, sizeof *w);
	if (!w)
		return EXHIBIT_ERR;
	w->api = api;
	w->host = host;
	w->length = length;
	w->le = head[0] == 'I';
	w->big = get(head + 2, 2, w->le) == 43;
	rc = walk_ifd(w, w->big ? get(head + 8, 8, w->le) : get(head + 4, 4, w->le), 0);
	*bad_offset = w->bad;
	free(w);
	return rc < 0 ? EXHIBIT_ERR_FORMAT : EXHIBIT_OK;
}

static const exhibit_signature signatures[] = {
	{ 0, (const unsigned char *)"II*\0", 4 }, { 0, (const unsigned char *)"MM\0*", 4 },
	{ 0, (const unsigned char *)"II+\0", 4 }, { 0, (const unsigned char *)"MM\0+", 4 },
	{ 0, (const unsigned char *)"IIRO", 4 },  { 0, (const unsigned char *)"IIRS", 4 },
	{ 0, (const unsigned char *)"MMOR", 4 },  { 0, (const unsigned char *)"IIU\0", 4 },
};

static const exhibit_carver carver = {
	sizeof(tiff_state), HEADER_LEN, TIFF_MAX_SIZE, 1, header_check, data_check, validate, NULL,
};

static EXHIBIT_CARVER_PLUGIN(plugin, "carve-tiff", "1.0",
	"Carves TIFF, BigTIFF and TIFF-based camera raw files from unallocated space: IFDs and "
	"every reference followed to the furthest byte",
	signatures, carver);

const exhibit_plugin *carve_tiff_plugin(void)
{
	return &plugin;
}

/*
 * mkv.c — the "carve-mkv" carver: Matroska and WebM (EBML, RFC 8794 and
 * RFC 9559).
 *
 * Signature: the EBML magic 1A 45 DF A3 at offset 0.  header_check reads
 * the EBML header for its DocType ("matroska" or "webm": the extension)
 * and wants a Segment right after it.
 *
 * data_check walks elements by their headers (an ID of 1 to 4 bytes, a
 * size of 1 to 8; a size of all ones is unknown), skipping payloads.  At
 * the Segment's level only the top-level elements of Matroska may stand
 * (SeekHead, Info, Tracks, Cluster, Cues, Attachments, Chapters, Tags,
 * Void, CRC-32); Tracks is read for the track numbers, and every Cluster
 * for its children (Timecode, SimpleBlock, BlockGroup, ...), each
 * SimpleBlock's track number checked against the tracks declared.  An
 * element must fit its parent; a Cluster of unknown size ends at the next
 * top-level element.  Noise is thus noticed at the first element header
 * it hits, and reported there.  A Segment of known size ends the file; an
 * unknown one runs until the bytes are no longer a top-level element
 * (the file ends there when Tracks and a Cluster were seen).
 *
 * validate follows the indexes: each SeekHead entry must point at an
 * element of the ID it names, each CuePoint's cluster position at a
 * Cluster (and its relative position at a block inside it).
 */
#include <string.h>

#include "bytes.h"
#include "carve_common.h"
#include "carve_video.h"

#define MKV_MAX_DEPTH 6
#define MKV_HEADER_LEN 128
#define MKV_MAX_SIZE (64ull << 30)
#define MKV_BUDGET (4u << 20)
#define UNKNOWN_END UINT64_MAX

/* Element IDs (with their length markers, as written). */
#define ID_EBML 0x1A45DFA3u
#define ID_DOCTYPE 0x4282u
#define ID_SEGMENT 0x18538067u
#define ID_SEEKHEAD 0x114D9B74u
#define ID_SEEK 0x4DBBu
#define ID_SEEKID 0x53ABu
#define ID_SEEKPOSITION 0x53ACu
#define ID_INFO 0x1549A966u
#define ID_TRACKS 0x1654AE6Bu
#define ID_TRACKENTRY 0xAEu
#define ID_TRACKNUMBER 0xD7u
#define ID_CLUSTER 0x1F43B675u
#define ID_CUES 0x1C53BB6Bu
#define ID_CUEPOINT 0xBBu
#define ID_CUETRACKPOSITIONS 0xB7u
#define ID_CUECLUSTERPOSITION 0xF1u
#define ID_CUERELATIVEPOSITION 0xF0u
#define ID_ATTACHMENTS 0x1941A469u
#define ID_CHAPTERS 0x1043A770u
#define ID_TAGS 0x1254C367u
#define ID_VOID 0xECu
#define ID_CRC32 0xBFu
#define ID_TIMECODE 0xE7u
#define ID_SILENTTRACKS 0x5854u
#define ID_POSITION 0xA7u
#define ID_PREVSIZE 0xABu
#define ID_SIMPLEBLOCK 0xA3u
#define ID_BLOCKGROUP 0xA0u
#define ID_ENCRYPTEDBLOCK 0xAFu

static const uint32_t top_level[] = { ID_SEEKHEAD, ID_INFO, ID_TRACKS, ID_CLUSTER, ID_CUES,
	                              ID_ATTACHMENTS, ID_CHAPTERS, ID_TAGS, ID_VOID, ID_CRC32, 0 };
static const uint32_t cluster_children[] = { ID_TIMECODE, ID_SILENTTRACKS, ID_POSITION,
	                                     ID_PREVSIZE, ID_SIMPLEBLOCK, ID_BLOCKGROUP,
	                                     ID_ENCRYPTEDBLOCK, ID_VOID, ID_CRC32, 0 };
static const uint32_t tracks_children[] = { ID_TRACKENTRY, ID_VOID, ID_CRC32, 0 };

static bool id_in(uint32_t id, const uint32_t *list)
{
	for (; *list; list++)
		if (*list == id)
			return true;
	return false;
}

/* ---- EBML variable-length integers */

/* vint_length — bytes of a variable-length integer from its first byte
 * (1 to 8), or 0 for 0x00. */
static unsigned vint_length(unsigned char first)
{
	unsigned n = 1;

	if (!first)
		return 0;
	while (!(first & 0x80)) {
		first <<= 1;
		n++;
	}
	return n;
}

/* An element header parsed from bytes. */
typedef struct element {
	uint32_t id;
	unsigned header; /* bytes of ID and size */
	uint64_t size;
	bool unknown;    /* size of all ones */
} element;

/*
 * parse_header — the element header at p (avail bytes).
 * RETURN: 1 with *e set; 0 when more bytes are needed (*need says how
 * many); -1 when the bytes cannot be an element header.
 */
static int parse_header(const unsigned char *p, size_t avail, element *e, size_t *need)
{
	unsigned id_len, size_len;
	uint64_t size, all_ones;

	*need = 1;
	if (avail < 1)
		return 0;
	id_len = vint_length(p[0]);
	if (id_len == 0 || id_len > 4)
		return -1;
	*need = id_len + 1;
	if (avail < *need)
		return 0;
	size_len = vint_length(p[id_len]);
	if (size_len == 0)
		return -1;
	*need = id_len + size_len;
	if (avail < *need)
		return 0;
	e->id = (uint32_t)be_n(p, id_len);
	/* An ID of all value bits set (or clear) is reserved. */
	if (e->id == (1u << (7 * id_len)) - 1 + (1u << (7 * id_len)) ||
	    (e->id & ((1u << (7 * id_len)) - 1)) == 0)
		return -1;
	size = be_n(p + id_len, size_len) & ((UINT64_C(1) << (7 * size_len)) - 1);
	all_ones = (UINT64_C(1) << (7 * size_len)) - 1;
	e->unknown = size == all_ones;
	e->size = size;
	e->header = id_len + size_len;
	return 1;
}

/* ---- header_check */

typedef struct mkv_state {
	carve_gather head;
	uint64_t next;                 /* candidate offset of the next element header */
	uint64_t ends[MKV_MAX_DEPTH];  /* where each open master ends (UNKNOWN_END) */
	uint32_t ids[MKV_MAX_DEPTH];
	uint32_t depth;
	uint32_t segment_open;         /* walked into the Segment */
	uint32_t segment_done;
	uint32_t max_track;            /* the highest TrackNumber declared */
	uint32_t seen_tracks, seen_cluster;
	uint32_t in_track_entry;
} mkv_state;

static int mkv_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                            exhibit_carve_header *out)
{
	mkv_state *st = state;
	element ebml, seg, child;
	size_t need;
	const char *ext = NULL;

	(void)sig;
	if (parse_header(buf, len, &ebml, &need) != 1 || ebml.id != ID_EBML || ebml.unknown ||
	    ebml.size > len - ebml.header)
		return EXHIBIT_CARVE_REJECT;
	/* The EBML header's children, for the DocType. */
	for (uint64_t p = ebml.header; p < ebml.header + ebml.size;) {
		if (parse_header(buf + p, (size_t)(ebml.header + ebml.size - p), &child, &need) != 1 ||
		    child.unknown || child.size > ebml.header + ebml.size - p - child.header)
			return EXHIBIT_CARVE_REJECT;
		if (child.id == ID_DOCTYPE) {
			const unsigned char *v = buf + p + child.header;
			if (child.size >= 8 && !memcmp(v, "matroska", 8))
				ext = "mkv";
			else if (child.size >= 4 && !memcmp(v, "webm", 4))
				ext = "webm";
		}
		p += child.header + child.size;
	}
	if (!ext || parse_header(buf + ebml.header + ebml.size, len - ebml.header - ebml.size, &seg,
	                         &need) != 1 || seg.id != ID_SEGMENT)
		return EXHIBIT_CARVE_REJECT;
	memset(st, 0, sizeof *st);
	st->next = ebml.header + ebml.size;
	carve_gather_start(&st->head, st->next);
	out->extension = ext;
	out->min_size = 64;
	return EXHIBIT_CARVE_ACCEPT;
}

/* ---- data_check */

static void move_to(mkv_state *st, uint64_t next)
{
	st->next = next;
	carve_gather_start(&st->head, next);
}

static bool plausible_whole(const mkv_state *st)
{
	return st->seen_tracks && st->seen_cluster;
}

/* broken — the element header at next cannot belong. */
static int broken(const mkv_state *st, uint64_t *end)
{
	*end = st->next;
	if (st->next < 512 || !st->seen_tracks)
		return EXHIBIT_CARVE_REJECT;
	return EXHIBIT_CARVE_ERROR;
}

/* The bytes at next are no element where one must stand.  Where every
 * open element's size is unknown (a live recording), the file ends
 * there; elsewhere the content breaks there. */
static int no_element(const mkv_state *st, uint64_t *end)
{
	for (uint32_t d = 0; d < st->depth; d++)
		if (st->ends[d] != UNKNOWN_END)
			return broken(st, end);
	if (!plausible_whole(st))
		return broken(st, end);
	*end = st->next;
	return EXHIBIT_CARVE_END;
}

static void push(mkv_state *st, const element *e)
{
	st->ids[st->depth] = e->id;
	st->ends[st->depth++] = e->unknown ? UNKNOWN_END : st->next + e->header + e->size;
	move_to(st, st->next + e->header);
}

enum { MORE = -2 };

/* payload_value — a SimpleBlock's track number, or a TrackNumber's
 * value, gathered after e's header.
 * RETURN: MORE, -1 when it cannot be one, or 1 with *value. */
static int payload_value(mkv_state *st, uint64_t pos, const unsigned char *buf, size_t len,
                         const element *e, uint64_t *value)
{
	const unsigned char *h;
	unsigned n;

	if (e->id == ID_TRACKNUMBER) {
		if (e->size == 0 || e->size > 8)
			return -1;
		if (!(h = carve_gather_take(&st->head, pos, buf, len, e->header + (size_t)e->size)))
			return MORE;
		*value = be_n(h + e->header, (unsigned)e->size);
		return 1;
	}
	if (e->size < 4)
		return -1;
	if (!(h = carve_gather_take(&st->head, pos, buf, len, e->header + 1)))
		return MORE;
	n = vint_length(h[e->header]);
	if (n == 0 || n > 4 || e->size < n + 3)
		return -1;
	if (!(h = carve_gather_take(&st->head, pos, buf, len, e->header + n)))
		return MORE;
	*value = be_n(h + e->header, n) & ((UINT64_C(1) << (7 * n)) - 1);
	return 1;
}

/* One element header inside the Segment (depth >= 1). */
static int inside_segment(mkv_state *st, uint64_t pos, const unsigned char *buf, size_t len,
                          const element *e, uint64_t *end)
{
	uint32_t parent = st->ids[st->depth - 1];
	uint64_t parent_end = st->ends[st->depth - 1], value;
	bool fits = parent_end == UNKNOWN_END || (!e->unknown && e->header + e->size <= parent_end - st->next);
	int got;

	if (parent == ID_CLUSTER && !id_in(e->id, cluster_children)) {
		/* A cluster of unknown size ends where a top-level element starts. */
		if (parent_end == UNKNOWN_END && id_in(e->id, top_level)) {
			st->depth--;
			return EXHIBIT_CARVE_CONTINUE;
		}
		return no_element(st, end);
	}
	if (parent == ID_SEGMENT && !id_in(e->id, top_level))
		return no_element(st, end);
	if (parent == ID_TRACKS && !id_in(e->id, tracks_children))
		return broken(st, end);
	if (!fits || (e->unknown && e->id != ID_CLUSTER))
		return no_element(st, end);
	if (e->id == ID_SIMPLEBLOCK || e->id == ID_TRACKNUMBER) {
		got = payload_value(st, pos, buf, len, e, &value);
		if (got == MORE)
			return MORE;
		if (got < 0)
			return broken(st, end);
		if (e->id == ID_TRACKNUMBER) {
			if (value == 0)
				return broken(st, end);
			if (value > st->max_track)
				st->max_track = value > UINT32_MAX ? UINT32_MAX : (uint32_t)value;
		} else if (value == 0 || (st->max_track && value > st->max_track)) {
			return broken(st, end);
		}
	}
	if (st->depth < MKV_MAX_DEPTH &&
	    (e->id == ID_CLUSTER || e->id == ID_TRACKS || (e->id == ID_TRACKENTRY && parent == ID_TRACKS))) {
		if (e->id == ID_CLUSTER)
			st->seen_cluster = 1;
		if (e->id == ID_TRACKS)
			st->seen_tracks = 1;
		push(st, e);
		return EXHIBIT_CARVE_CONTINUE;
	}
	move_to(st, st->next + e->header + e->size);
	return EXHIBIT_CARVE_CONTINUE;
}

/* The bytes ended at pos. */
static int mkv_data_ends(mkv_state *st, uint64_t pos, uint64_t *end)
{
	while (st->depth && st->ends[st->depth - 1] != UNKNOWN_END &&
	       st->next == st->ends[st->depth - 1])
		st->depth--;
	*end = pos;
	if (st->segment_done) {
		*end = st->next;
		return EXHIBIT_CARVE_END;
	}
	/* Inside unknown sizes only, at an element boundary: the file ends. */
	if (st->next <= pos && st->segment_open) {
		for (uint32_t d = 0; d < st->depth; d++)
			if (st->ends[d] != UNKNOWN_END)
				return pos < 512 ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
		if (plausible_whole(st)) {
			*end = st->next;
			return EXHIBIT_CARVE_END;
		}
	}
	return pos < 512 || !st->seen_tracks ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
}

static int mkv_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                          uint64_t *end)
{
	mkv_state *st = state;
	uint64_t block_end = pos + len;

	if (len == 0)
		return mkv_data_ends(st, pos, end);
	while (st->next < block_end) {
		const unsigned char *h;
		element e;
		size_t need = 1;
		int got, v;

		if (st->depth && st->ends[st->depth - 1] != UNKNOWN_END &&
		    st->next == st->ends[st->depth - 1]) {
			if (--st->depth == 0) {
				st->segment_done = 1;
				*end = st->next;
				return plausible_whole(st) ? EXHIBIT_CARVE_END : broken(st, end);
			}
			continue;
		}
		for (;;) {
			if (!(h = carve_gather_take(&st->head, pos, buf, len, need)))
				goto more;
			got = parse_header(h, need, &e, &need);
			if (got != 0)
				break;
		}
		if (got < 0)
			return no_element(st, end);
		if (!st->segment_open) {
			if (e.id != ID_SEGMENT)
				return broken(st, end);
			st->segment_open = 1;
			push(st, &e);
			continue;
		}
		v = inside_segment(st, pos, buf, len, &e, end);
		if (v == MORE)
			goto more;
		if (v != EXHIBIT_CARVE_CONTINUE)
			return v;
	}
more:
	*end = st->next > block_end ? st->next : block_end;
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- validate: the indexes against the elements */

typedef struct mkv_check {
	carve_reader elements, index;
	carve_budget budget;
	uint64_t length;
	uint64_t segment;   /* offset of the Segment's payload: positions count from it */
	uint64_t bad;
} mkv_check;

/* element_at — the element header at off through r. */
static bool element_at(mkv_check *c, carve_reader *r, uint64_t off, element *e)
{
	size_t need;
	const unsigned char *p;
	size_t avail = c->length - off < 12 ? (size_t)(c->length - off) : 12;

	if (off >= c->length || !(p = carve_read(r, off, avail)))
		return false;
	return parse_header(p, avail, e, &need) == 1;
}

/* uint_value — an unsigned integer element's value. */
static bool uint_value(mkv_check *c, uint64_t off, const element *e, uint64_t *v)
{
	const unsigned char *p;

	if (e->size > 8 || e->unknown || !(p = carve_read(&c->index, off + e->header, (size_t)e->size)))
		return false;
	*v = be_n(p, (unsigned)e->size);
	return true;
}

/* expect_id — an element of this ID starts at segment position pos;
 * records the failure at that offset (or at the index entry at). */
static void expect_id(mkv_check *c, uint64_t pos, uint32_t id, uint64_t at)
{
	element e;
	uint64_t off = c->segment + pos;

	if (pos > c->length || off >= c->length || !element_at(c, &c->elements, off, &e) || e.id != id)
		c->bad = off < c->length ? off : at;
}

/* children — call fn for each child element of [start, end). */
typedef void (*child_fn)(mkv_check *c, uint64_t off, const element *e, void *arg);

static void children(mkv_check *c, uint64_t start, uint64_t end, child_fn fn, void *arg)
{
	element e;

	for (uint64_t p = start; p < end && c->bad == UINT64_MAX && carve_spend(&c->budget, 1);
	     p += e.header + e.size) {
		if (!element_at(c, &c->index, p, &e) || e.unknown || e.size > end - p - e.header)
			return;
		fn(c, p, &e, arg);
	}
}

typedef struct seek_entry {
	uint32_t id;
	uint64_t position;
	bool has_id, has_position;
} seek_entry;

static void on_seek_field(mkv_check *c, uint64_t off, const element *e, void *arg)
{
	seek_entry *s = arg;
	const unsigned char *p;

	if (e->id == ID_SEEKID && e->size >= 1 && e->size <= 4 &&
	    (p = carve_read(&c->index, off + e->header, (size_t)e->size))) {
		s->id = (uint32_t)be_n(p, (unsigned)e->size);
		s->has_id = true;
	} else if (e->id == ID_SEEKPOSITION && uint_value(c, off, e, &s->position)) {
		s->has_position = true;
	}
}

static void on_seek(mkv_check *c, uint64_t off, const element *e, void *arg)
{
	seek_entry s = { 0, 0, false, false };

	(void)arg;
	if (e->id != ID_SEEK)
		return;
	children(c, off + e->header, off + e->header + e->size, on_seek_field, &s);
	if (s.has_id && s.has_position)
		expect_id(c, s.position, s.id, off);
}

typedef struct cue_position {
	uint64_t cluster, relative;
	bool has_cluster, has_relative;
} cue_position;

static void on_cue_field(mkv_check *c, uint64_t off, const element *e, void *arg)
{
	cue_position *q = arg;

	if (e->id == ID_CUECLUSTERPOSITION)
		q->has_cluster = uint_value(c, off, e, &q->cluster);
	else if (e->id == ID_CUERELATIVEPOSITION)
		q->has_relative = uint_value(c, off, e, &q->relative);
}

static void on_cue_track(mkv_check *c, uint64_t off, const element *e, void *arg)
{
	cue_position q = { 0, 0, false, false };
	element cluster, block;

	(void)arg;
	if (e->id != ID_CUETRACKPOSITIONS)
		return;
	children(c, off + e->header, off + e->header + e->size, on_cue_field, &q);
	if (!q.has_cluster)
		return;
	expect_id(c, q.cluster, ID_CLUSTER, off);
	if (c->bad != UINT64_MAX || !q.has_relative ||
	    !element_at(c, &c->elements, c->segment + q.cluster, &cluster))
		return;
	{
		uint64_t at = c->segment + q.cluster + cluster.header + q.relative;
		if (!element_at(c, &c->elements, at, &block) ||
		    (block.id != ID_SIMPLEBLOCK && block.id != ID_BLOCKGROUP))
			c->bad = at < c->length ? at : off;
	}
}

static void on_cue_point(mkv_check *c, uint64_t off, const element *e, void *arg)
{
	(void)arg;
	if (e->id == ID_CUEPOINT)
		children(c, off + e->header, off + e->header + e->size, on_cue_track, NULL);
}

static void on_top_level(mkv_check *c, uint64_t off, const element *e, void *arg)
{
	(void)arg;
	if (e->id == ID_SEEKHEAD)
		children(c, off + e->header, off + e->header + e->size, on_seek, NULL);
	else if (e->id == ID_CUES)
		children(c, off + e->header, off + e->header + e->size, on_cue_point, NULL);
}

static int mkv_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                        uint64_t *bad_offset)
{
	mkv_check c;
	element ebml, seg, e;
	uint64_t end;

	carve_reader_init(&c.elements, api, host, length);
	carve_reader_init(&c.index, api, host, length);
	c.budget.left = MKV_BUDGET;
	c.length = length;
	c.bad = UINT64_MAX;
	if (!element_at(&c, &c.elements, 0, &ebml) ||
	    !element_at(&c, &c.elements, ebml.header + ebml.size, &seg) || seg.id != ID_SEGMENT) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	c.segment = ebml.header + ebml.size + seg.header;
	end = seg.unknown || seg.size > length - c.segment ? length : c.segment + seg.size;
	/* The Segment's children up to the first of unknown size (a live
	 * recording's clusters): SeekHeads and Cues are read where they are. */
	for (uint64_t p = c.segment; p < end && c.bad == UINT64_MAX && carve_spend(&c.budget, 1);
	     p += e.header + e.size) {
		if (!element_at(&c, &c.elements, p, &e) || e.unknown || e.size > end - p - e.header)
			break;
		on_top_level(&c, p, &e, NULL);
	}
	*bad_offset = c.bad;
	return c.bad == UINT64_MAX ? EXHIBIT_OK : EXHIBIT_ERR_FORMAT;
}

static const unsigned char sig_ebml[] = { 0x1a, 0x45, 0xdf, 0xa3 };

static const exhibit_signature signatures[] = {
	{ 0, sig_ebml, 4 },
};

static const exhibit_carver carver = {
	sizeof(mkv_state),
	MKV_HEADER_LEN,
	MKV_MAX_SIZE,
	1,
	mkv_header_check,
	mkv_data_check,
	mkv_validate,
	NULL, /* continuation_reject */
};

static EXHIBIT_CARVER_PLUGIN(descriptor, "carve-mkv", "1.0",
	"Carves Matroska and WebM files: EBML element walk (clusters and blocks checked), "
	"SeekHead and Cues positions validated",
	signatures, carver);

const exhibit_plugin *carve_mkv_plugin(void)
{
	return &descriptor;
}

CARVE_VIDEO_ENTRY(carve_mkv_plugin)

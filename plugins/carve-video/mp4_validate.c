/*
 * mp4_validate.c — carve-mp4's validate stage: does the candidate hold
 * every sample its movie header describes?
 *
 * The top-level boxes must tile the candidate.  The moov is parsed for
 * its tracks: the sample tables' positions (stsz, stsc, stco/co64, never
 * loaded whole: each is read entry by entry through its own window), the
 * track id, and from the first sample description the framing its codec
 * gives every sample:
 *
 *   avc1/avc3, hvc1/hev1   a chain of NAL units, each behind a length of
 *                          the size avcC/hvcC states, that sums to the
 *                          sample size exactly; NAL headers well formed;
 *   mp4v                   an MPEG-4 (or MPEG-2) start code 00 00 01;
 *   s263/h263              an H.263 picture start code;
 *   jpeg/mjpa              a whole JPEG image (markers, entropy-coded
 *                          data, EOI);
 *   ProRes, AC-3/E-AC-3    the frame identifier, the sync word;
 *   mp4a (AAC), .mp3       the first syntactic element, the frame sync.
 *
 * Every sample of every track must lie inside an mdat of the candidate
 * and be framed as its codec says.  Fragmented files are checked the
 * same way through each moof's track runs (tfhd + trun, defaults from
 * trex), whose samples must lie in the mdat that follows the moof.
 *
 * The lowest offset of a sample that fails is the answer: when a file is
 * carved from two fragments joined wrongly (or not at all), that is the
 * first sample whose bytes are not the file's, so the host's fragment
 * search splits there.  A table that contradicts itself gives its box's
 * offset.  Work is bounded by a step budget (one step per sample and per
 * NAL unit); memory is one fixed allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "carve_common.h"
#include "mp4.h"

#define MAX_TRACKS 32
#define MAX_MDATS 64
#define MAX_DEPTH 10
#define STEP_BUDGET (64ull << 20)
#define NO_BAD UINT64_MAX

/* trun flags */
#define TRUN_DATA_OFFSET 0x1u
#define TRUN_FIRST_FLAGS 0x4u
#define TRUN_SIZE 0x200u
/* tfhd flags */
#define TFHD_BASE_OFFSET 0x1u
#define TFHD_DESCRIPTION 0x2u
#define TFHD_DURATION 0x8u
#define TFHD_SIZE 0x10u
#define TFHD_FLAGS 0x20u
#define TFHD_BASE_IS_MOOF 0x20000u

typedef enum framing {
	FRAMING_NONE = 0,
	FRAMING_NAL,        /* AVC / HEVC length-prefixed NAL units */
	FRAMING_START_CODE, /* MPEG-4 Part 2, MPEG-2 video */
	FRAMING_H263,
	FRAMING_JPEG,
	FRAMING_PRORES,
	FRAMING_AC3,
	FRAMING_MP3,        /* MPEG audio frame sync */
	FRAMING_AAC         /* the first syntactic element, learnt (see aac_framed) */
} framing;

typedef struct table {
	uint64_t box;     /* offset of the box; 0: absent */
	uint64_t payload; /* first byte after its header */
	uint64_t end;
} table;

typedef struct track {
	uint32_t id;
	framing framing;
	unsigned nal_length; /* bytes of each NAL length: 1, 2 or 4 */
	bool hevc;
	table stsz, stsc, stco;
	bool co64;
	/* FRAMING_AAC: the first byte's top 7 bits every sample shares */
	unsigned char aac_expected; /* as the channel configuration puts it */
	unsigned char aac_lead;
	uint32_t aac_agreed;
} track;

typedef struct range {
	uint64_t start, end;
} range;

typedef struct box {
	uint64_t offset, header, size;
	unsigned char type[4];
	bool to_end; /* its size field said 0 */
} box;

enum { READ_BOXES, READ_DATA, READ_SIZES, READ_CHUNKS, READ_RUNS, N_READERS };

typedef struct check {
	carve_reader readers[N_READERS];
	carve_budget budget;
	uint64_t length;
	track tracks[MAX_TRACKS];
	size_t n_tracks;
	uint32_t trex_id[MAX_TRACKS], trex_size[MAX_TRACKS];
	size_t n_trex;
	range mdats[MAX_MDATS];
	size_t n_mdats, last_mdat;
	bool many_mdats;
	range mdat_span;
	bool open_mdat;        /* the last mdat said size 0: to the end */
	uint64_t samples_end;  /* the highest byte a sample reaches */
	bool moov_done;
	uint64_t bad;
} check;

static void fail(check *c, uint64_t offset)
{
	if (offset < c->bad)
		c->bad = offset < c->length ? offset : c->length;
}

static bool out_of_steps(check *c)
{
	return c->budget.left == 0;
}

/* ---- boxes */

/* read_box — the box whose header is at pos, inside a parent ending at
 * end; size 0 ("to the end") only where to_end allows it. */
static bool read_box(check *c, uint64_t pos, uint64_t end, bool to_end, box *b)
{
	const unsigned char *h;
	uint64_t size;

	if (pos >= end || end - pos < 8 || !(h = carve_read(&c->readers[READ_BOXES], pos, 8)))
		return false;
	memcpy(b->type, h + 4, 4);
	size = be32(h);
	b->offset = pos;
	b->header = 8;
	b->to_end = size == 0;
	if (size == 1) {
		if (end - pos < 16 || !(h = carve_read(&c->readers[READ_BOXES], pos, 16)))
			return false;
		size = be64(h + 8);
		b->header = 16;
	} else if (size == 0) {
		if (!to_end)
			return false;
		size = end - pos;
	}
	if (mp4_is_type(b->type, "uuid"))
		b->header += 16;
	if (size < b->header || size > end - pos)
		return false;
	b->size = size;
	return true;
}

static uint64_t payload_of(const box *b)
{
	return b->offset + b->header;
}

static uint64_t end_of(const box *b)
{
	return b->offset + b->size;
}

/* u32_at — a big-endian 32-bit value through reader r; false when it
 * cannot be read. */
static bool u32_at(check *c, int r, uint64_t off, uint32_t *v)
{
	const unsigned char *p = carve_read(&c->readers[r], off, 4);

	if (!p)
		return false;
	*v = be32(p);
	return true;
}

/* ---- the movie header */

static const struct {
	const char *type;
	framing framing;
} framings[] = {
	{ "avc1", FRAMING_NAL }, { "avc2", FRAMING_NAL }, { "avc3", FRAMING_NAL },
	{ "avc4", FRAMING_NAL }, { "hvc1", FRAMING_NAL }, { "hev1", FRAMING_NAL },
	{ "dvh1", FRAMING_NAL }, { "dvhe", FRAMING_NAL }, { "mp4v", FRAMING_START_CODE },
	{ "s263", FRAMING_H263 }, { "h263", FRAMING_H263 }, { "jpeg", FRAMING_JPEG },
	{ "mjpa", FRAMING_JPEG }, { "apco", FRAMING_PRORES }, { "apcs", FRAMING_PRORES },
	{ "apcn", FRAMING_PRORES }, { "apch", FRAMING_PRORES }, { "ap4h", FRAMING_PRORES },
	{ "ap4x", FRAMING_PRORES }, { "ac-3", FRAMING_AC3 }, { "ec-3", FRAMING_AC3 },
	{ ".mp3", FRAMING_MP3 }, { "mp4a", FRAMING_AAC },
};

/* nal_config — the NAL length size an avcC or hvcC states, from the
 * children of a visual sample entry; 0 when it has none. */
static unsigned nal_config(check *c, uint64_t start, uint64_t end, bool *hevc)
{
	box b;

	for (uint64_t pos = start; read_box(c, pos, end, false, &b); pos = end_of(&b)) {
		const unsigned char *p;

		if (mp4_is_type(b.type, "avcC") && b.size >= b.header + 5 &&
		    (p = carve_read(&c->readers[READ_BOXES], payload_of(&b), 5))) {
			*hevc = false;
			return (p[4] & 3u) + 1;
		}
		if (mp4_is_type(b.type, "hvcC") && b.size >= b.header + 22 &&
		    (p = carve_read(&c->readers[READ_BOXES], payload_of(&b), 22))) {
			*hevc = true;
			return (p[21] & 3u) + 1;
		}
	}
	return 0;
}

/* descriptor — an MPEG-4 descriptor header at d[*at] (tag, then a
 * length of up to four 7-bit bytes); *at moves past it. */
static bool descriptor(const unsigned char *d, size_t len, size_t *at, unsigned *tag,
                       size_t *size)
{
	size_t n = 0;

	if (*at >= len)
		return false;
	*tag = d[(*at)++];
	for (int i = 0; i < 4; i++) {
		if (*at >= len)
			return false;
		n = n << 7 | (d[*at] & 0x7f);
		if (!(d[(*at)++] & 0x80))
			break;
	}
	*size = n;
	return n <= len - *at;
}

/* esds_framing — what an esds says of an mp4a track's samples: MPEG
 * audio frames, AAC raw data blocks of a checkable kind (the
 * AudioSpecificConfig's object type has the raw_data_block syntax and
 * its channel configuration is set), or nothing checkable. */
static framing esds_framing(const unsigned char *d, size_t len, unsigned char *aac_lead)
{
	size_t at = 4, size;
	unsigned tag, oti, object, channels;

	if (!descriptor(d, len, &at, &tag, &size) || tag != 3 || size < 3)
		return FRAMING_NONE;
	at += 2;
	{
		unsigned flags = d[at++];
		if (flags & 0x80)
			at += 2;
		if ((flags & 0x40) && at < len)
			at += 1u + d[at];
		if (flags & 0x20)
			at += 2;
	}
	if (!descriptor(d, len, &at, &tag, &size) || tag != 4 || size < 13)
		return FRAMING_NONE;
	oti = d[at];
	if (oti == 0x69 || oti == 0x6b)
		return FRAMING_MP3;
	if (oti != 0x40 && oti != 0x66 && oti != 0x67)
		return FRAMING_NONE;
	at += 13;
	if (!descriptor(d, len, &at, &tag, &size) || tag != 5 || size < 2)
		return FRAMING_NONE;
	object = d[at] >> 3;
	channels = (((unsigned)d[at + 1] & 0x7f) >> 3);
	if ((((d[at] & 7u) << 1) | (d[at + 1] >> 7)) == 15) /* an explicit 24-bit rate */
		return FRAMING_NONE;
	if (!(object >= 1 && object <= 5) && object != 29)
		return FRAMING_NONE;
	/* One channel: an SCE; two: a CPE; more: an SCE first (tag 0). */
	*aac_lead = channels == 2 ? 0x20 : 0x00;
	return channels >= 1 && channels <= 7 ? FRAMING_AAC : FRAMING_NONE;
}

/* esds_in — the framing an esds among the boxes of [start, end) states
 * (looking inside a QuickTime 'wave' too). */
static framing esds_in(check *c, uint64_t start, uint64_t end, unsigned depth,
                       unsigned char *aac_lead)
{
	const unsigned char *p;
	box b;

	for (uint64_t pos = start; read_box(c, pos, end, false, &b); pos = end_of(&b)) {
		if (mp4_is_type(b.type, "wave") && depth == 0)
			return esds_in(c, payload_of(&b), end_of(&b), 1, aac_lead);
		if (mp4_is_type(b.type, "esds") && b.size > b.header && b.size - b.header <= 512 &&
		    (p = carve_read(&c->readers[READ_BOXES], payload_of(&b), (size_t)(b.size - b.header))))
			return esds_framing(p, (size_t)(b.size - b.header), aac_lead);
	}
	return FRAMING_NONE;
}

/* sound_framing — an mp4a entry's framing, from its esds. */
static framing sound_framing(check *c, uint64_t entry, uint64_t end, unsigned char *aac_lead)
{
	static const unsigned extra[] = { 0, 16, 36 }; /* sound description versions 0, 1, 2 */
	const unsigned char *p = carve_read(&c->readers[READ_BOXES], entry, 28);

	if (!p || be16(p + 16) > 2)
		return FRAMING_NONE;
	return esds_in(c, entry + 36 + extra[be16(p + 16)], end, 0, aac_lead);
}

/* on_stsd — the framing of the track's samples, when it has a single
 * sample description (several could frame samples differently). */
static void on_stsd(check *c, track *t, const box *stsd)
{
	uint64_t entry = payload_of(stsd) + 8;
	const unsigned char *p = carve_read(&c->readers[READ_BOXES], payload_of(stsd), 16);
	uint64_t entry_size;

	if (!p || be32(p + 4) != 1)
		return;
	entry_size = be32(p + 8);
	if (entry_size < 16 || entry_size > end_of(stsd) - entry)
		return;
	for (size_t i = 0; i < sizeof framings / sizeof framings[0]; i++) {
		if (!mp4_is_type(p + 12, framings[i].type))
			continue;
		t->framing = framings[i].framing;
		if (t->framing == FRAMING_AAC)
			t->framing = sound_framing(c, entry, entry + entry_size, &t->aac_expected);
		if (t->framing == FRAMING_NAL) {
			/* A visual sample entry's fields take 78 bytes after its header. */
			t->nal_length = entry_size > 86 ? nal_config(c, entry + 86, entry + entry_size,
			                                             &t->hevc)
			                                : 0;
			if (t->nal_length == 0 || t->nal_length == 3)
				t->framing = FRAMING_NONE;
		}
		return;
	}
}

static void on_table(table *t, const box *b)
{
	t->box = b->offset;
	t->payload = payload_of(b);
	t->end = end_of(b);
}

static void on_trex(check *c, const box *b)
{
	const unsigned char *p;

	if (c->n_trex == MAX_TRACKS || b->size < b->header + 24 ||
	    !(p = carve_read(&c->readers[READ_BOXES], payload_of(b), 24)))
		return;
	c->trex_id[c->n_trex] = be32(p + 4);
	c->trex_size[c->n_trex++] = be32(p + 16);
}

static void on_tkhd(check *c, track *t, const box *b)
{
	const unsigned char *p = carve_read(&c->readers[READ_BOXES], payload_of(b), 24);

	if (p && b->size >= b->header + 24)
		t->id = be32(p + (p[0] == 1 ? 20 : 12));
}

static bool is_one_of(const unsigned char *type, const char *const *list)
{
	return carve_fourcc_in(type, list);
}

static const char *const moov_containers[] = { "mdia", "minf", "stbl", "mvex", "edts",
	                                       "dinf", NULL };

/* parse_children — the boxes of a moov (or one of its containers) in
 * [start, end); t is the trak they belong to, if any. */
static void parse_children(check *c, uint64_t start, uint64_t end, track *t, unsigned depth)
{
	uint64_t pos = start;
	box b;

	while (pos < end && c->bad == NO_BAD) {
		if (!read_box(c, pos, end, false, &b)) {
			const unsigned char *rest;
			/* QuickTime may close a list with 4 zero bytes. */
			if (end - pos < 8 && (rest = carve_read(&c->readers[READ_BOXES], pos, (size_t)(end - pos))) &&
			    carve_all_zero(rest, (size_t)(end - pos)))
				return;
			fail(c, pos);
			return;
		}
		pos = end_of(&b);
		if (mp4_is_type(b.type, "trak") && depth < MAX_DEPTH) {
			track *nt = c->n_tracks < MAX_TRACKS ? &c->tracks[c->n_tracks++] : NULL;
			if (nt)
				parse_children(c, payload_of(&b), end_of(&b), nt, depth + 1);
		} else if (is_one_of(b.type, moov_containers) && depth < MAX_DEPTH) {
			parse_children(c, payload_of(&b), end_of(&b), t, depth + 1);
		} else if (mp4_is_type(b.type, "trex")) {
			on_trex(c, &b);
		} else if (!t) {
			continue;
		} else if (mp4_is_type(b.type, "tkhd")) {
			on_tkhd(c, t, &b);
		} else if (mp4_is_type(b.type, "stsd")) {
			on_stsd(c, t, &b);
		} else if (mp4_is_type(b.type, "stsz")) {
			on_table(&t->stsz, &b);
		} else if (mp4_is_type(b.type, "stsc")) {
			on_table(&t->stsc, &b);
		} else if (mp4_is_type(b.type, "stco") || mp4_is_type(b.type, "co64")) {
			on_table(&t->stco, &b);
			t->co64 = mp4_is_type(b.type, "co64");
		}
	}
}

/* ---- one sample */

static bool in_mdat(check *c, uint64_t off, uint64_t size)
{
	if (off > c->length || size > c->length - off)
		return false;
	if (off + size > c->samples_end)
		c->samples_end = off + size;
	if (c->many_mdats)
		return off >= c->mdat_span.start && off + size <= c->mdat_span.end;
	for (size_t k = 0; k < c->n_mdats; k++) {
		size_t i = (c->last_mdat + k) % c->n_mdats;
		if (off >= c->mdats[i].start && off + size <= c->mdats[i].end) {
			c->last_mdat = i;
			return true;
		}
	}
	return false;
}

/* nal_framed — the sample is a chain of NAL units that fills it exactly. */
static bool nal_framed(check *c, const track *t, uint64_t off, uint64_t size)
{
	uint64_t p = off, end = off + size;
	unsigned n = t->nal_length, min_nal = t->hevc ? 2 : 1;

	while (p < end) {
		const unsigned char *h;
		uint64_t nal;

		if (!carve_spend(&c->budget, 1))
			return true;
		if (end - p < n + min_nal || !(h = carve_read(&c->readers[READ_DATA], p, n + min_nal)))
			return false;
		nal = be_n(h, n);
		if (nal < min_nal || nal > end - p - n)
			return false;
		if (h[n] & 0x80) /* forbidden_zero_bit */
			return false;
		if (t->hevc && (h[n + 1] & 7) == 0) /* nuh_temporal_id_plus1 */
			return false;
		p += n + nal;
	}
	return true;
}

/* aac_framed — an AAC raw data block opens with the syntactic element
 * its channel configuration puts first (SCE or CPE and its instance
 * tag, the first byte's top 7 bits).  When the track's first sample
 * opens as the configuration says (instance tag 0), every sample must;
 * otherwise the encoder's choice is learnt from the first AAC_LEARN
 * samples: if they disagree the track is not checked, else every later
 * sample must agree. */
#define AAC_LEARN 8

static bool aac_framed(track *t, unsigned char first)
{
	unsigned char lead = first & 0xfe;

	if (t->aac_agreed == 0) {
		t->aac_lead = lead;
		if (lead == t->aac_expected)
			t->aac_agreed = AAC_LEARN - 1;
	}
	if (t->aac_agreed < AAC_LEARN) {
		if (lead != t->aac_lead)
			t->framing = FRAMING_NONE;
		t->aac_agreed++;
		return true;
	}
	return lead == t->aac_lead;
}

/* framed — the sample starts (or is built) as its codec says. */
static bool framed(check *c, track *t, uint64_t off, uint64_t size)
{
	const unsigned char *h;
	size_t n = size < 8 ? (size_t)size : 8;

	if (t->framing == FRAMING_NONE || size == 0)
		return true;
	if (t->framing == FRAMING_NAL)
		return nal_framed(c, t, off, size);
	if (t->framing == FRAMING_JPEG)
		return carve_jpeg_framed(&c->readers[READ_DATA], &c->budget, off, size);
	if (!(h = carve_read(&c->readers[READ_DATA], off, n)))
		return false;
	switch (t->framing) {
	case FRAMING_START_CODE:
		return n >= 4 && h[0] == 0 && h[1] == 0 && h[2] == 1;
	case FRAMING_H263:
		return n >= 3 && h[0] == 0 && h[1] == 0 && (h[2] & 0xfc) == 0x80;
	case FRAMING_PRORES:
		return n >= 8 && mp4_is_type(h + 4, "icpf");
	case FRAMING_AC3:
		return n >= 2 && h[0] == 0x0b && h[1] == 0x77;
	case FRAMING_MP3:
		return n >= 2 && h[0] == 0xff && (h[1] & 0xe0) == 0xe0;
	case FRAMING_AAC:
		return aac_framed(t, h[0]);
	default:
		return true;
	}
}

/* sample_ok — a sample of track t at off, inside the range where it
 * must lie (NULL: any mdat of the candidate); records a failure. */
static bool sample_ok(check *c, track *t, const range *within, uint64_t off,
                      uint64_t size)
{
	bool placed = within ? off >= within->start && off <= within->end &&
	                               size <= within->end - off
	                     : in_mdat(c, off, size);

	if (!carve_spend(&c->budget, 1))
		return false;
	if (placed && framed(c, t, off, size))
		return true;
	if (!out_of_steps(c))
		fail(c, off);
	return false;
}

/* ---- sample tables */

typedef struct sample_tables {
	uint32_t chunks, stsc_entries, sizes, fixed_size;
} sample_tables;

/* table_counts — the entry counts, each table big enough for its own. */
static bool table_counts(check *c, const track *t, sample_tables *s)
{
	uint64_t entry = t->co64 ? 8 : 4;

	if (!u32_at(c, READ_CHUNKS, t->stco.payload + 4, &s->chunks) ||
	    t->stco.end - t->stco.payload < 8 + entry * s->chunks) {
		fail(c, t->stco.box);
		return false;
	}
	if (!u32_at(c, READ_RUNS, t->stsc.payload + 4, &s->stsc_entries) ||
	    t->stsc.end - t->stsc.payload < 8 + 12ull * s->stsc_entries) {
		fail(c, t->stsc.box);
		return false;
	}
	if (!u32_at(c, READ_SIZES, t->stsz.payload + 4, &s->fixed_size) ||
	    !u32_at(c, READ_SIZES, t->stsz.payload + 8, &s->sizes) ||
	    (s->fixed_size == 0 && t->stsz.end - t->stsz.payload < 12 + 4ull * s->sizes)) {
		fail(c, t->stsz.box);
		return false;
	}
	return true;
}

static bool chunk_offset(check *c, const track *t, uint32_t chunk, uint64_t *off)
{
	const unsigned char *p;

	if (t->co64) {
		p = carve_read(&c->readers[READ_CHUNKS], t->stco.payload + 8 + 8ull * chunk, 8);
		if (p)
			*off = be64(p);
	} else {
		p = carve_read(&c->readers[READ_CHUNKS], t->stco.payload + 8 + 4ull * chunk, 4);
		if (p)
			*off = be32(p);
	}
	return p != NULL;
}

/* stsc_entry — entry i of the sample-to-chunk table. */
static bool stsc_entry(check *c, const track *t, uint32_t i, uint32_t *first, uint32_t *per_chunk)
{
	const unsigned char *p = carve_read(&c->readers[READ_RUNS], t->stsc.payload + 8 + 12ull * i, 8);

	if (!p)
		return false;
	*first = be32(p);
	*per_chunk = be32(p + 4);
	return true;
}

/* check_chunk — the samples of one chunk, from sample number *sample on. */
static bool check_chunk(check *c, track *t, const sample_tables *s, uint64_t off,
                        uint32_t per_chunk, uint64_t *sample)
{
	if (per_chunk > s->sizes - *sample) {
		fail(c, t->stsc.box);
		return false;
	}
	if (s->fixed_size && t->framing == FRAMING_NONE) {
		/* Samples of one size and no framing: the chunk as a whole. */
		*sample += per_chunk;
		return sample_ok(c, t, NULL, off, (uint64_t)s->fixed_size * per_chunk);
	}
	for (uint32_t i = 0; i < per_chunk; i++, (*sample)++) {
		uint32_t size = s->fixed_size;

		if (!size && !u32_at(c, READ_SIZES, t->stsz.payload + 12 + 4 * *sample, &size)) {
			fail(c, t->stsz.box);
			return false;
		}
		if (!sample_ok(c, t, NULL, off, size))
			return false;
		off += size;
	}
	return true;
}

/* check_track_tables — every sample the track's tables describe. */
static void check_track_tables(check *c, track *t)
{
	sample_tables s;
	uint32_t entry = 0, first, per_chunk = 0, next_first = 0;
	uint64_t sample = 0, off;

	if (!t->stco.box && !t->stsz.box && !t->stsc.box)
		return;
	if (!t->stco.box || !t->stsz.box || !t->stsc.box) {
		fail(c, t->stco.box ? t->stco.box : t->stsz.box ? t->stsz.box : t->stsc.box);
		return;
	}
	if (!table_counts(c, t, &s))
		return;
	if (s.chunks == 0 && s.sizes == 0)
		return;
	if (s.stsc_entries == 0 || !stsc_entry(c, t, 0, &first, &per_chunk) || first != 1) {
		fail(c, t->stsc.box);
		return;
	}
	if (s.stsc_entries > 1 && !stsc_entry(c, t, 1, &next_first, &(uint32_t){ 0 })) {
		fail(c, t->stsc.box);
		return;
	}
	for (uint32_t chunk = 1; chunk <= s.chunks; chunk++) {
		while (entry + 1 < s.stsc_entries && chunk >= next_first) {
			uint32_t was = next_first;
			if (!stsc_entry(c, t, ++entry, &first, &per_chunk) ||
			    (entry + 1 < s.stsc_entries &&
			     (!stsc_entry(c, t, entry + 1, &next_first, &(uint32_t){ 0 }) ||
			      next_first <= was))) {
				fail(c, t->stsc.box);
				return;
			}
		}
		if (!chunk_offset(c, t, chunk - 1, &off)) {
			fail(c, t->stco.box);
			return;
		}
		if (!check_chunk(c, t, &s, off, per_chunk, &sample) || out_of_steps(c))
			return;
	}
	if (sample != s.sizes)
		fail(c, t->stsz.box);
}

/* ---- movie fragments */

static track *track_by_id(check *c, uint32_t id)
{
	for (size_t i = 0; i < c->n_tracks; i++)
		if (c->tracks[i].id == id)
			return &c->tracks[i];
	return NULL;
}

static bool trex_size_of(const check *c, uint32_t id, uint32_t *size)
{
	for (size_t i = 0; i < c->n_trex; i++)
		if (c->trex_id[i] == id) {
			*size = c->trex_size[i];
			return true;
		}
	return false;
}

typedef struct fragment {
	range data;          /* the mdat after the moof */
	uint64_t moof;       /* the moof's offset */
	uint64_t data_end;   /* where the previous track fragment's data ended */
	bool first_traf;
} fragment;

typedef struct traf_defaults {
	uint32_t track_id;
	uint64_t base;
	bool has_size;
	uint32_t size;
	track *track;
} traf_defaults;

static bool on_tfhd(check *c, const box *b, fragment *f, traf_defaults *d)
{
	const unsigned char *p = carve_read(&c->readers[READ_BOXES], payload_of(b),
	                                    (size_t)(b->size - b->header < 40 ? b->size - b->header : 40));
	uint32_t flags;
	size_t at = 8, need;

	if (!p || b->size - b->header < 8)
		return false;
	flags = be32(p) & 0xffffff;
	need = 8 + (flags & TFHD_BASE_OFFSET ? 8 : 0) + (flags & TFHD_DESCRIPTION ? 4 : 0) +
	       (flags & TFHD_DURATION ? 4 : 0) + (flags & TFHD_SIZE ? 4 : 0) +
	       (flags & TFHD_FLAGS ? 4 : 0);
	if (b->size - b->header < need)
		return false;
	d->track_id = be32(p + 4);
	d->track = track_by_id(c, d->track_id);
	if (flags & TFHD_BASE_OFFSET) {
		d->base = be64(p + at);
		at += 8;
	} else {
		d->base = (flags & TFHD_BASE_IS_MOOF) || f->first_traf ? f->moof : f->data_end;
	}
	at += flags & TFHD_DESCRIPTION ? 4 : 0;
	at += flags & TFHD_DURATION ? 4 : 0;
	d->has_size = (flags & TFHD_SIZE) != 0;
	if (d->has_size)
		d->size = be32(p + at);
	else
		d->has_size = trex_size_of(c, d->track_id, &d->size);
	return true;
}

/* on_trun — the samples of one track run, from *cursor on. */
static bool on_trun(check *c, const box *b, const traf_defaults *d, const fragment *f,
                    uint64_t *cursor)
{
	const unsigned char *p = carve_read(&c->readers[READ_BOXES], payload_of(b), 12);
	track unknown = { 0 }; /* a track the moov does not describe: no framing */
	track *t = d->track ? d->track : &unknown;
	uint32_t flags, count, entry;
	uint64_t at;

	if (!p || b->size - b->header < 8)
		return false;
	flags = be32(p) & 0xffffff;
	count = be32(p + 4);
	at = payload_of(b) + 8;
	if (flags & TRUN_DATA_OFFSET) {
		int32_t delta = (int32_t)be32(p + 8);
		if (delta < 0 && (uint64_t)-(int64_t)delta > d->base)
			return false;
		*cursor = d->base + (int64_t)delta;
		at += 4;
	}
	at += flags & TRUN_FIRST_FLAGS ? 4 : 0;
	entry = 4u * (((flags >> 8) & 1) + ((flags >> 9) & 1) + ((flags >> 10) & 1) + ((flags >> 11) & 1));
	if (at > end_of(b) || end_of(b) - at < (uint64_t)entry * count ||
	    (!(flags & TRUN_SIZE) && !d->has_size && count))
		return false;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t size = d->size;
		uint64_t size_at = at + (uint64_t)i * entry + ((flags & 0x100) ? 4 : 0);

		if ((flags & TRUN_SIZE) && !u32_at(c, READ_RUNS, size_at, &size))
			return false;
		if (!sample_ok(c, t, &f->data, *cursor, size))
			return true;
		*cursor += size;
	}
	return true;
}

static void check_traf(check *c, const box *traf, fragment *f)
{
	traf_defaults d;
	uint64_t pos = payload_of(traf), cursor;
	box b;

	memset(&d, 0, sizeof d);
	if (!read_box(c, pos, end_of(traf), false, &b) || !mp4_is_type(b.type, "tfhd") ||
	    !on_tfhd(c, &b, f, &d)) {
		fail(c, pos);
		return;
	}
	cursor = d.base;
	for (pos = end_of(&b); pos < end_of(traf) && c->bad == NO_BAD; pos = end_of(&b)) {
		if (!read_box(c, pos, end_of(traf), false, &b)) {
			fail(c, pos);
			return;
		}
		if (mp4_is_type(b.type, "trun") && !on_trun(c, &b, &d, f, &cursor)) {
			fail(c, b.offset);
			return;
		}
	}
	f->data_end = cursor;
	f->first_traf = false;
}

/* check_moof — every track run of a movie fragment. */
static void check_moof(check *c, const box *moof)
{
	fragment f = { { 0, 0 }, moof->offset, moof->offset, true };
	box b;

	if (read_box(c, end_of(moof), c->length, true, &b) && mp4_is_type(b.type, "mdat"))
		f.data = (range){ payload_of(&b), end_of(&b) };
	for (uint64_t pos = payload_of(moof); pos < end_of(moof) && c->bad == NO_BAD;
	     pos = end_of(&b)) {
		if (!read_box(c, pos, end_of(moof), false, &b)) {
			fail(c, pos);
			return;
		}
		if (mp4_is_type(b.type, "traf"))
			check_traf(c, &b, &f);
	}
}

/* ---- the whole candidate */

static void add_mdat(check *c, const box *b)
{
	range r = { payload_of(b), end_of(b) };

	if (c->n_mdats == 0 && !c->many_mdats)
		c->mdat_span = r;
	if (r.start < c->mdat_span.start)
		c->mdat_span.start = r.start;
	if (r.end > c->mdat_span.end)
		c->mdat_span.end = r.end;
	if (c->n_mdats < MAX_MDATS)
		c->mdats[c->n_mdats++] = r;
	else
		c->many_mdats = true;
}

/* walk_top — the top-level boxes: mdats noted, the moov parsed, each
 * moof checked against the mdat that follows it. */
static void walk_top(check *c)
{
	box b;

	for (uint64_t pos = 0; pos < c->length && c->bad == NO_BAD; pos = end_of(&b)) {
		if (!read_box(c, pos, c->length, true, &b) || !carve_fourcc_in(b.type, mp4_top_level_types)) {
			fail(c, pos);
			return;
		}
		if (mp4_is_type(b.type, "mdat")) {
			add_mdat(c, &b);
			c->open_mdat = b.to_end;
		} else if (mp4_is_type(b.type, "moov") && !c->moov_done) {
			c->moov_done = true;
			parse_children(c, payload_of(&b), end_of(&b), NULL, 0);
		} else if (mp4_is_type(b.type, "moof")) {
			if (!c->moov_done)
				fail(c, pos);
			else
				check_moof(c, &b);
		}
	}
}

int mp4_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                 uint64_t *bad_offset)
{
	check *c = calloc(1, sizeof *c);
	int rc;

	if (!c)
		return EXHIBIT_ERR;
	for (int i = 0; i < N_READERS; i++)
		carve_reader_init(&c->readers[i], api, host, length);
	c->budget.left = STEP_BUDGET;
	c->length = length;
	c->bad = NO_BAD;
	walk_top(c);
	if (c->bad == NO_BAD && !c->moov_done)
		fail(c, length);
	/* Every track, so the lowest failing sample wins; not when the
	 * structure itself broke (its tables would point anywhere). */
	if (c->bad == NO_BAD)
		for (size_t i = 0; i < c->n_tracks && !out_of_steps(c); i++)
			check_track_tables(c, &c->tracks[i]);
	/* An mdat "to the end": the file ends where its last sample does. */
	if (c->bad == NO_BAD && c->open_mdat && !out_of_steps(c) && c->samples_end < length)
		fail(c, c->samples_end);
	*bad_offset = c->bad;
	rc = c->bad == NO_BAD ? EXHIBIT_OK : EXHIBIT_ERR_FORMAT;
	free(c);
	return rc;
}

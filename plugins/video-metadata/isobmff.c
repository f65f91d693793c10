/*
 * isobmff.c — ISO base media files (ISO/IEC 14496-12: MP4, 3GP, M4V,
 * M4A) and QuickTime movies: what the boxes say about the movie.
 *
 *   ftyp            brand, hence the container name;
 *   moov/mvhd       creation time (seconds since 1904, UTC), duration;
 *   trak/tkhd       track id, display size, rotation (the matrix);
 *   mdia/mdhd       the track's timescale, duration, language;
 *   mdia/hdlr       what the track is (vide, soun, text, ...);
 *   stbl/stsd       the first sample entry: codec (fourcc, refined by an
 *                   esds object type), coded size, sample rate, channels;
 *   stbl/stts       sample count and total time, hence the frame rate;
 *   mvex, moof      fragmented files: durations summed over fragments;
 *   udta            QuickTime user data (©xyz place, ©mak, ©mod, ©swr,
 *                   ©day, ...), 3GPP loci, XMP;
 *   meta            keys + ilst (com.apple.quicktime.*, com.android.*)
 *                   and iTunes-style ilst (©too, ...).
 *
 * Every box is read within its parent; a box that claims more than is
 * there is clipped and reported (truncated or carved files), a size
 * smaller than a header ends the parent, nesting is limited to
 * BMFF_MAX_DEPTH, the number of boxes visited to MAX_BOXES, and counts in
 * tables are checked against the bytes the table holds.  A file whose
 * moov is missing (cut before it, or carved from the middle) still gets
 * its container, and the absence is reported.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmff.h"
#include "bytes.h"
#include "codec_names.h"
#include "iso6709.h"
#include "media_text.h"
#include "media_time.h"
#include "video_parsers.h"
#include "xmp.h"

#define MAX_BOXES 2000000u
#define MAX_KEYS 512
#define MAX_KEY_LEN 256
#define MAX_TRACKS MEDIA_MAX_STREAMS

/* Priorities of the places a fact can come from (higher wins). */
enum { FROM_ILST = 1, FROM_UDTA = 2, FROM_KEYS = 3, FROM_KEYS_STRONG = 4 };

typedef struct track {
	uint32_t id;
	unsigned char handler[4];
	bool has_handler;
	uint32_t timescale;         /* mdhd */
	uint64_t duration;          /* mdhd, in timescale units */
	uint64_t samples;           /* stts */
	uint64_t sample_time;       /* stts, in timescale units */
	uint32_t trex_duration;     /* default sample duration (mvex/trex) */
	uint64_t frag_samples;      /* moof/traf/trun */
	uint64_t frag_next;         /* decode time after the last run */
	uint64_t frag_start, frag_end;
	bool has_frag;
	bool has_matrix;
	long rotation;
	double display_width, display_height;
	bool has_entry;
	unsigned char fourcc[4];
	const char *codec;
	int64_t width, height, sample_rate, channels;
	char language[4];
} track;

typedef struct parse {
	media *m;
	track tracks[MAX_TRACKS];
	size_t n_tracks;
	size_t tracks_dropped;
	track *current;             /* the trak being walked */
	uint32_t movie_timescale;
	uint64_t movie_duration;
	uint64_t fragment_duration; /* mvex/mehd */
	bool has_ftyp, has_moov, has_mvhd, has_moof;
	char brand[5];
	uint64_t boxes;
	bool limit_reported;

	/* traf state */
	track *traf_track;
	uint32_t traf_default_duration;

	/* meta state */
	char *keys[MAX_KEYS];
	size_t n_keys;
} parse;

static void walk(parse *p, uint64_t start, uint64_t end, unsigned depth, const char *parent);

/* ---- helpers ------------------------------------------------------------ */

static void where(const bmff_box *b, char *out, size_t len)
{
	char name[24];

	bmff_type_name(b->type, name);
	snprintf(out, len, "'%s' at offset %llu", name, (unsigned long long)b->offset);
}

/* The payload of a small box, or NULL (reported) when it is shorter than
 * need or too large to look at whole. */
static const unsigned char *payload(parse *p, const bmff_box *b, size_t need, size_t *len)
{
	uint64_t n = b->size - b->header;
	char what[64];

	if (n > MEDIA_WINDOW)
		n = MEDIA_WINDOW;
	if (n < need) {
		where(b, what, sizeof what);
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
		              "box %s holds %llu bytes, fewer than the %zu its structure needs",
		              what, (unsigned long long)(b->size - b->header), need);
		return NULL;
	}
	*len = (size_t)n;
	return media_peek(p->m, bmff_payload(b), (size_t)n);
}

static bool count_box(parse *p, const bmff_box *b)
{
	if (++p->boxes <= MAX_BOXES)
		return true;
	if (!p->limit_reported)
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_LIMIT,
		              "more than %u boxes: the rest of the file is not walked", MAX_BOXES);
	p->limit_reported = true;
	return false;
}

static double seconds(uint64_t units, uint32_t timescale)
{
	return timescale ? (double)units / (double)timescale : -1;
}

/* ---- ftyp, mvhd, tkhd, mdhd, hdlr ---------------------------------------- */

static const char *container_of_brand(const char *brand, bool quicktime)
{
	static const struct { const char *prefix; const char *name; } brands[] = {
		{ "qt  ", "mov" }, { "3gp", "3gp" }, { "3gg", "3gp" }, { "3g2", "3g2" },
		{ "M4V", "m4v" }, { "M4A", "m4a" }, { "M4B", "m4a" }, { "M4P", "m4a" },
		{ "mjp2", "mj2" }, { "f4v", "f4v" }, { "heic", "heif" }, { "mif1", "heif" },
		{ "crx ", "cr3" },
	};

	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (strncmp(brand, brands[i].prefix, strlen(brands[i].prefix)) == 0)
			return brands[i].name;
	return quicktime ? "mov" : "mp4";
}

static void on_ftyp(parse *p, const bmff_box *b)
{
	size_t len;
	const unsigned char *d = payload(p, b, 8, &len);

	p->has_ftyp = true;
	if (!d)
		return;
	memcpy(p->brand, d, 4);
	p->brand[4] = '\0';
	media_tag_bytes(p->m, "ftyp", "major_brand", d, 4);
	media_tag_printf(p->m, "ftyp", "minor_version", "%u", be32(d + 4));
	if (len > 8)
		media_tag_bytes(p->m, "ftyp", "compatible_brands", d + 8, len - 8 > 256 ? 256 : len - 8);
}

static void offer_mac_time(parse *p, uint64_t mac_seconds, const char *source, int priority)
{
	media_datetime when;

	if (mac_seconds == 0 || mac_seconds > (uint64_t)INT64_MAX / 2)
		return; /* 0: never set (ffmpeg -bitexact, many encoders) */
	when = media_datetime_from_unix((int64_t)mac_seconds - MEDIA_EPOCH_1904);
	media_offer_created(p->m, &when, source, priority);
}

static void on_mvhd(parse *p, const bmff_box *b)
{
	size_t len;
	const unsigned char *d = payload(p, b, 20, &len);
	uint64_t created, modified;

	if (!d)
		return;
	p->has_mvhd = true;
	if (d[0] == 1) {
		if (len < 32) {
			media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
			              "mvhd version 1 at offset %llu is cut short",
			              (unsigned long long)b->offset);
			return;
		}
		created = be64(d + 4);
		modified = be64(d + 12);
		p->movie_timescale = be32(d + 20);
		p->movie_duration = be64(d + 24);
	} else {
		created = be32(d + 4);
		modified = be32(d + 8);
		p->movie_timescale = be32(d + 12);
		p->movie_duration = be32(d + 16);
	}
	if (p->movie_duration == UINT32_MAX || p->movie_duration == UINT64_MAX)
		p->movie_duration = 0; /* "unknown" per the spec */
	offer_mac_time(p, created, "mvhd:creation_time", FROM_UDTA);
	if (modified) {
		media_datetime when = media_datetime_from_unix((int64_t)modified - MEDIA_EPOCH_1904);
		char text[32];
		media_datetime_local_text(&when, text);
		media_tag_printf(p->m, "mvhd", "modification_time", "%sZ", text);
	}
	if (created) {
		media_datetime when = media_datetime_from_unix((int64_t)created - MEDIA_EPOCH_1904);
		char text[32];
		media_datetime_local_text(&when, text);
		media_tag_printf(p->m, "mvhd", "creation_time", "%sZ", text);
	}
	if (!p->movie_timescale)
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
		              "mvhd at offset %llu has a timescale of 0: no duration",
		              (unsigned long long)b->offset);
}

/* Display rotation from the matrix's first row (a, b in 16.16): the
 * angle the picture turns clockwise. */
static long matrix_rotation(int32_t a, int32_t b)
{
	double degrees = atan2((double)b, (double)a) * 180.0 / M_PI;
	long r = lround(degrees);

	return ((r % 360) + 360) % 360;
}

static void on_tkhd(parse *p, const bmff_box *b)
{
	size_t len, at;
	const unsigned char *d = payload(p, b, 4, &len);
	track *t = p->current;

	if (!d || !t)
		return;
	at = d[0] == 1 ? 4 + 8 + 8 : 4 + 4 + 4;
	if (len < at + 4)
		return;
	t->id = be32(d + at);
	/* then reserved 4, duration (4 or 8), reserved 8, layer 2, group 2,
	 * volume 2, reserved 2, matrix 36, width 4, height 4 */
	at += 4 + 4 + (d[0] == 1 ? 8 : 4) + 8 + 8;
	if (len < at + 36 + 8) {
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
		              "tkhd at offset %llu is cut short before its matrix",
		              (unsigned long long)b->offset);
		return;
	}
	t->has_matrix = true;
	t->rotation = matrix_rotation((int32_t)be32(d + at), (int32_t)be32(d + at + 4));
	t->display_width = be32(d + at + 36) / 65536.0;
	t->display_height = be32(d + at + 40) / 65536.0;
}

static void on_mdhd(parse *p, const bmff_box *b)
{
	size_t len, at;
	const unsigned char *d = payload(p, b, 20, &len);
	track *t = p->current;
	uint16_t lang;

	if (!d || !t)
		return;
	if (d[0] == 1) {
		if (len < 34)
			return;
		t->timescale = be32(d + 20);
		t->duration = be64(d + 24);
		at = 32;
	} else {
		t->timescale = be32(d + 12);
		t->duration = be32(d + 16);
		at = 20;
	}
	if (t->duration == UINT32_MAX || t->duration == UINT64_MAX)
		t->duration = 0;
	if (len < at + 2)
		return;
	lang = be16(d + at);
	if (lang >= 0x400 && lang != 0x7fff) { /* packed ISO 639-2/T; below: Mac codes */
		t->language[0] = (char)(0x60 + ((lang >> 10) & 31));
		t->language[1] = (char)(0x60 + ((lang >> 5) & 31));
		t->language[2] = (char)(0x60 + (lang & 31));
		t->language[3] = '\0';
		if (strcmp(t->language, "und") == 0 || t->language[0] < 'a' || t->language[0] > 'z')
			t->language[0] = '\0';
	}
}

static void on_media_hdlr(parse *p, const bmff_box *b)
{
	size_t len;
	const unsigned char *d = payload(p, b, 12, &len);

	if (!d || !p->current)
		return;
	memcpy(p->current->handler, d + 8, 4);
	p->current->has_handler = true;
}

/* ---- sample descriptions ---------------------------------------------- */

/* A descriptor length: 1 to 4 bytes of 7 bits. */
static bool descriptor_length(const unsigned char *d, size_t len, size_t *at, size_t *out)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (*at >= len)
			return false;
		n = n << 7 | (d[*at] & 0x7f);
		if (!(d[(*at)++] & 0x80)) {
			*out = n;
			return true;
		}
	}
	return false;
}

/* The objectTypeIndication of an esds payload, or -1. */
static int esds_object_type(const unsigned char *d, size_t len)
{
	size_t at = 4, n;

	if (at >= len || d[at++] != 0x03 || !descriptor_length(d, len, &at, &n))
		return -1;
	if (at + 3 > len)
		return -1;
	{
		unsigned flags = d[at + 2];
		at += 3;
		if (flags & 0x80)
			at += 2;
		if (flags & 0x40) {
			if (at >= len)
				return -1;
			at += 1u + d[at];
		}
		if (flags & 0x20)
			at += 2;
	}
	if (at >= len || d[at++] != 0x04 || !descriptor_length(d, len, &at, &n) || at >= len)
		return -1;
	return d[at];
}

/* Look through a sample entry's child boxes for what refines the codec:
 * esds (object type), frma (original format of encrypted or wave'd
 * entries).  Recurses into wave and sinf, bounded by depth. */
static void entry_children(parse *p, track *t, uint64_t start, uint64_t end, unsigned depth)
{
	bmff_box c;

	if (depth > 3)
		return;
	for (uint64_t pos = start; bmff_box_at(p->m, pos, end, &c, "a sample entry") == BMFF_BOX;
	     pos = bmff_end(&c)) {
		size_t len;
		const unsigned char *d;

		if (!count_box(p, &c))
			return;
		if (bmff_is(&c, "esds") && (d = payload(p, &c, 4, &len))) {
			int oti = esds_object_type(d, len);
			const char *name = oti >= 0 ? codec_from_mp4_object_type((unsigned)oti) : NULL;
			if (name)
				t->codec = name;
		} else if (bmff_is(&c, "frma") && (d = payload(p, &c, 4, &len))) {
			const char *name = codec_from_fourcc(d);
			if (name && (!t->codec || memcmp(t->fourcc, "enc", 3) == 0))
				t->codec = name;
		} else if (bmff_is(&c, "wave") || bmff_is(&c, "sinf")) {
			entry_children(p, t, bmff_payload(&c), bmff_end(&c), depth + 1);
		}
	}
}

static void visual_entry(parse *p, track *t, const unsigned char *e, size_t len,
                         uint64_t offset, uint64_t end)
{
	if (len < 86)
		return;
	t->width = be16(e + 32);
	t->height = be16(e + 34);
	entry_children(p, t, offset + 86, end, 0);
}

static void sound_entry(parse *p, track *t, const unsigned char *e, size_t len,
                        uint64_t offset, uint64_t end)
{
	unsigned version;
	uint64_t children = offset + 36;

	if (len < 36)
		return;
	version = be16(e + 16);
	t->channels = be16(e + 24);
	t->sample_rate = be32(e + 32) >> 16;
	if (version == 1) {
		children = offset + 52;
	} else if (version == 2 && len >= 56) {
		union { uint64_t u; double d; } rate = { be64(e + 40) };
		t->sample_rate = rate.d > 0 && rate.d < 1e7 ? (int64_t)rate.d : 0;
		t->channels = be32(e + 48);
		children = offset + 72;
	}
	entry_children(p, t, children, end, 0);
}

static void on_stsd(parse *p, const bmff_box *b)
{
	size_t len;
	const unsigned char *d = payload(p, b, 8, &len);
	track *t = p->current;
	uint64_t entry_at, entry_size, end = bmff_end(b);
	const unsigned char *e;
	size_t elen;

	if (!d || !t)
		return;
	if (be32(d + 4) == 0)
		return;
	entry_at = bmff_payload(b) + 8;
	if (!(e = media_peek(p->m, entry_at, 8)) || (entry_size = be32(e)) < 16 ||
	    entry_size > end - entry_at) {
		media_problem(p->m, (int64_t)entry_at, EXHIBIT_ERR_FORMAT,
		              "stsd at offset %llu: the first sample entry (offset %llu) does not fit",
		              (unsigned long long)b->offset, (unsigned long long)entry_at);
		return;
	}
	elen = entry_size > MEDIA_WINDOW ? MEDIA_WINDOW : (size_t)entry_size;
	if (!(e = media_peek(p->m, entry_at, elen)))
		return;
	t->has_entry = true;
	memcpy(t->fourcc, e + 4, 4);
	t->codec = codec_from_fourcc(t->fourcc);
	if (!t->has_handler)
		return;
	/* e is only valid until the next read: copy what the parsers need */
	{
		unsigned char head[86];
		size_t hlen = elen < sizeof head ? elen : sizeof head;
		memcpy(head, e, hlen);
		if (memcmp(t->handler, "vide", 4) == 0)
			visual_entry(p, t, head, hlen, entry_at, entry_at + entry_size);
		else if (memcmp(t->handler, "soun", 4) == 0)
			sound_entry(p, t, head, hlen, entry_at, entry_at + entry_size);
	}
}

/* stts: entry_count, then (sample_count, sample_delta) pairs. */
static void on_stts(parse *p, const bmff_box *b)
{
	size_t len;
	const unsigned char *d = payload(p, b, 8, &len);
	track *t = p->current;
	uint64_t count, room, at;

	if (!d || !t)
		return;
	count = be32(d + 4);
	room = (b->size - b->header - 8) / 8;
	if (count > room) {
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
		              "stts at offset %llu declares %llu entries but holds %llu: "
		              "the track's duration is incomplete",
		              (unsigned long long)b->offset, (unsigned long long)count,
		              (unsigned long long)room);
		count = room;
	}
	t->samples = t->sample_time = 0;
	at = bmff_payload(b) + 8;
	for (uint64_t i = 0; i < count; i++, at += 8) {
		const unsigned char *e = media_peek(p->m, at, 8);
		if (!e)
			return;
		t->samples += be32(e);
		t->sample_time += (uint64_t)be32(e) * be32(e + 4);
	}
}

/* ---- fragments ----------------------------------------------------------- */

static track *track_by_id(parse *p, uint32_t id)
{
	for (size_t i = 0; i < p->n_tracks; i++)
		if (p->tracks[i].id == id)
			return &p->tracks[i];
	return NULL;
}

static void on_trex(parse *p, const bmff_box *b)
{
	size_t len;
	const unsigned char *d = payload(p, b, 24, &len);
	track *t;

	if (d && (t = track_by_id(p, be32(d + 4))))
		t->trex_duration = be32(d + 12);
}

static void on_mehd(parse *p, const bmff_box *b)
{
	size_t len;
	const unsigned char *d = payload(p, b, 8, &len);

	if (!d)
		return;
	p->fragment_duration = d[0] == 1 ? (len >= 12 ? be64(d + 4) : 0) : be32(d + 4);
}

static void on_tfhd(parse *p, const bmff_box *b)
{
	size_t len, at = 8;
	const unsigned char *d = payload(p, b, 8, &len);
	uint32_t flags;

	p->traf_track = NULL;
	if (!d)
		return;
	flags = be24(d + 1);
	p->traf_track = track_by_id(p, be32(d + 4));
	if (!p->traf_track)
		return;
	p->traf_default_duration = p->traf_track->trex_duration;
	if (flags & 0x01)
		at += 8;
	if (flags & 0x02)
		at += 4;
	if ((flags & 0x08) && len >= at + 4)
		p->traf_default_duration = be32(d + at);
}

static void on_tfdt(parse *p, const bmff_box *b)
{
	size_t len;
	const unsigned char *d = payload(p, b, 8, &len);
	track *t = p->traf_track;
	uint64_t time;

	if (!d || !t)
		return;
	time = d[0] == 1 ? (len >= 12 ? be64(d + 4) : 0) : be32(d + 4);
	if (!t->has_frag) {
		t->frag_start = time;
		t->has_frag = true;
	}
	t->frag_next = time;
}

static void on_trun(parse *p, const bmff_box *b)
{
	size_t len, at = 8;
	const unsigned char *d = payload(p, b, 8, &len);
	track *t = p->traf_track;
	uint32_t flags;
	uint64_t count, entry, room, sum = 0, pos;

	if (!d || !t)
		return;
	flags = be24(d + 1);
	count = be32(d + 4);
	if (flags & 0x01)
		at += 4;
	if (flags & 0x04)
		at += 4;
	entry = 4u * (!!(flags & 0x100) + !!(flags & 0x200) + !!(flags & 0x400) + !!(flags & 0x800));
	room = entry ? (b->size - b->header - at) / entry : count;
	if (b->size - b->header < at)
		room = 0;
	if (count > room) {
		media_problem(p->m, (int64_t)b->offset, EXHIBIT_ERR_FORMAT,
		              "trun at offset %llu declares %llu samples but holds %llu",
		              (unsigned long long)b->offset, (unsigned long long)count,
		              (unsigned long long)room);
		count = room;
	}
	if (!(flags & 0x100)) {
		sum = count * p->traf_default_duration;
	} else {
		pos = bmff_payload(b) + at;
		for (uint64_t i = 0; i < count; i++, pos += entry) {
			const unsigned char *e = media_peek(p->m, pos, 4);
			if (!e)
				break;
			sum += be32(e);
		}
	}
	if (!t->has_frag) {
		t->has_frag = true;
		t->frag_start = t->frag_next;
	}
	t->frag_samples += count;
	t->frag_next += sum;
	if (t->frag_next > t->frag_end)
		t->frag_end = t->frag_next;
}

/* ---- user data and metadata ------------------------------------------- */

/* A location in ISO 6709 text, offered with a priority. */
static void offer_iso6709(parse *p, const char *text, size_t len, const char *source, int prio)
{
	iso6709_point pt;

	if (iso6709_parse(text, len, &pt))
		media_offer_location(p->m, pt.latitude, pt.longitude,
		                     pt.has_altitude ? &pt.altitude : NULL, source, prio);
}

static void offer_date_text(parse *p, const char *text, size_t len, const char *source, int prio)
{
	media_datetime when;

	if (media_datetime_parse(text, len, &when))
		media_offer_created(p->m, &when, source, prio);
}

/* What a named text item means: QuickTime user data (©xxx), iTunes
 * items and metadata keys all end up here. */
static void interpret(parse *p, const char *name, const char *value, size_t len,
                      const char *source, int prio)
{
	media *m = p->m;

	if (!strcmp(name, "©xyz") || !strcmp(name, "com.apple.quicktime.location.ISO6709"))
		offer_iso6709(p, value, len, source, prio);
	else if (!strcmp(name, "©mak") || !strcmp(name, "com.apple.quicktime.make") ||
	         !strcmp(name, "com.android.manufacturer"))
		media_offer_text(&m->make, prio, value, len);
	else if (!strcmp(name, "©mod") || !strcmp(name, "com.apple.quicktime.model") ||
	         !strcmp(name, "com.android.model"))
		media_offer_text(&m->model, prio, value, len);
	else if (!strcmp(name, "©swr") || !strcmp(name, "com.apple.quicktime.software"))
		media_offer_text(&m->software, prio + 1, value, len);
	else if (!strcmp(name, "©too") || !strcmp(name, "encoder"))
		media_offer_text(&m->software, prio, value, len);
	else if (!strcmp(name, "com.android.version")) {
		char text[64];
		int n = snprintf(text, sizeof text, "Android %.*s", (int)(len > 40 ? 40 : len), value);
		media_offer_text(&m->software, prio, text, n > 0 ? (size_t)n : 0);
	} else if (!strcmp(name, "com.apple.quicktime.creationdate"))
		offer_date_text(p, value, len, source, FROM_KEYS_STRONG);
	else if (!strcmp(name, "©day") || !strcmp(name, "date"))
		offer_date_text(p, value, len, source, FROM_ILST);
	else if (!strcmp(name, "com.apple.quicktime.camera.lens_model"))
		media_offer_text(&m->lens_model, prio, value, len);
}

/* QuickTime user-data text: (u16 length, u16 language, text) repeated;
 * the first string is the one interpreted, each is kept as a tag. */
static void udta_text(parse *p, const char *name, const unsigned char *d, size_t len)
{
	size_t at = 0;
	bool first = true;

	while (at + 4 <= len) {
		size_t n = be16(d + at);
		if (n > len - at - 4)
			break;
		media_tag_bytes(p->m, "udta", name, d + at + 4, n);
		if (first)
			interpret(p, name, (const char *)d + at + 4, n, "quicktime:udta", FROM_UDTA);
		first = false;
		at += 4 + n;
	}
	if (first) /* not the length/language form: keep the bytes */
		media_tag_bytes(p->m, "udta", name, d, len);
}

/* An ilst/meta 'data' value as text (malloc'd), by its well-known type;
 * v holds len bytes of a value whole_len long. */
static char *data_value_text(const unsigned char *v, size_t len, uint64_t whole_len,
                             uint32_t type)
{
	char buf[64];

	switch (type) {
	case 1: case 4: /* UTF-8 */
		return media_text_escape(v, len);
	case 2: case 5: /* UTF-16BE */
		return media_text_utf16(v, len, true);
	case 21: /* signed big-endian */
		if (len == 1 || len == 2 || len == 3 || len == 4 || len == 8) {
			int64_t x = (int64_t)be_n(v, (unsigned)len);
			if (len < 8 && (v[0] & 0x80))
				x -= (int64_t)1 << (8 * len);
			snprintf(buf, sizeof buf, "%lld", (long long)x);
			return strdup(buf);
		}
		break;
	case 22: /* unsigned big-endian */
		if (len >= 1 && len <= 8) {
			snprintf(buf, sizeof buf, "%llu", (unsigned long long)be_n(v, (unsigned)len));
			return strdup(buf);
		}
		break;
	case 23:
		if (len == 4) {
			union { uint32_t u; float f; } x = { be32(v) };
			snprintf(buf, sizeof buf, "%.9g", (double)x.f);
			return strdup(buf);
		}
		break;
	case 24:
		if (len == 8) {
			union { uint64_t u; double d; } x = { be64(v) };
			snprintf(buf, sizeof buf, "%.17g", x.d);
			return strdup(buf);
		}
		break;
	default:
		break;
	}
	snprintf(buf, sizeof buf, "<%llu bytes of type %u>", (unsigned long long)whole_len, type);
	return strdup(buf);
}

/* One ilst item: its data boxes, interpreted under name. */
static void ilst_item(parse *p, const bmff_box *item, const char *name, const char *source)
{
	bmff_box c;
	char what[64];

	where(item, what, sizeof what);
	for (uint64_t pos = bmff_payload(item);
	     bmff_box_at(p->m, pos, bmff_end(item), &c, what) == BMFF_BOX; pos = bmff_end(&c)) {
		size_t len;
		const unsigned char *d;
		char *value;

		if (!count_box(p, &c))
			return;
		if (!bmff_is(&c, "data"))
			continue;
		if (!(d = payload(p, &c, 8, &len)))
			continue;
		if (!(value = data_value_text(d + 8, len - 8, c.size - c.header - 8, be32(d) & 0xffffff)))
			continue;
		media_tag_text(p->m, source, name, value);
		if ((be32(d) & 0xffffff) == 1 || (be32(d) & 0xffffff) == 2)
			interpret(p, name, value, strlen(value),
			          !strcmp(source, "keys") ? "quicktime:keys"
			          : !strcmp(source, "udta") ? "quicktime:udta" : "quicktime:ilst",
			          !strcmp(source, "keys") ? FROM_KEYS : FROM_ILST);
		free(value);
	}
}

static void free_keys(parse *p)
{
	for (size_t i = 0; i < p->n_keys; i++)
		free(p->keys[i]);
	p->n_keys = 0;
}

static void on_keys(parse *p, const bmff_box *b)
{
	uint64_t pos = bmff_payload(b) + 8, end = bmff_end(b);
	const unsigned char *d = media_peek(p->m, bmff_payload(b), 8);
	uint32_t count;

	free_keys(p);
	if (!d || b->size - b->header < 8)
		return;
	count = be32(d + 4);
	for (uint32_t i = 0; i < count && pos + 8 <= end; i++) {
		const unsigned char *k = media_peek(p->m, pos, 8);
		uint32_t size = k ? be32(k) : 0;
		if (size < 8 || size > end - pos) {
			media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "keys at offset %llu: key %u at offset %llu has a size of %u",
			              (unsigned long long)b->offset, i + 1, (unsigned long long)pos, size);
			return;
		}
		if (p->n_keys < MAX_KEYS) {
			size_t n = size - 8 > MAX_KEY_LEN ? MAX_KEY_LEN : size - 8;
			const unsigned char *name = media_peek(p->m, pos + 8, n);
			p->keys[p->n_keys++] = name ? media_text_escape(name, n) : NULL;
		}
		pos += size;
	}
}

static void on_ilst(parse *p, const bmff_box *b)
{
	bmff_box c;
	char what[64];

	where(b, what, sizeof what);
	for (uint64_t pos = bmff_payload(b); bmff_box_at(p->m, pos, bmff_end(b), &c, what) == BMFF_BOX;
	     pos = bmff_end(&c)) {
		uint32_t index = be32(c.type);
		char name[24];

		if (!count_box(p, &c))
			return;
		if (index >= 1 && index <= p->n_keys && p->keys[index - 1]) {
			ilst_item(p, &c, p->keys[index - 1], "keys");
		} else {
			bmff_type_name(c.type, name);
			ilst_item(p, &c, name, "ilst");
		}
	}
}

/* 'meta' is a full box in ISO files and a plain one in QuickTime: tell
 * them apart by where the first child ('hdlr') starts. */
static void on_meta(parse *p, const bmff_box *b)
{
	const unsigned char *d = media_peek(p->m, bmff_payload(b), 12);
	uint64_t start = bmff_payload(b) + 4, end = bmff_end(b);
	bmff_box c;
	char what[64];

	if (d && memcmp(d + 4, "hdlr", 4) == 0)
		start = bmff_payload(b);
	where(b, what, sizeof what);
	/* keys first, wherever they are: ilst items refer to them */
	for (uint64_t pos = start; bmff_box_at(p->m, pos, end, &c, what) == BMFF_BOX;
	     pos = bmff_end(&c))
		if (bmff_is(&c, "keys"))
			on_keys(p, &c);
	for (uint64_t pos = start; bmff_box_at(p->m, pos, end, &c, what) == BMFF_BOX;
	     pos = bmff_end(&c)) {
		if (!count_box(p, &c))
			break;
		if (bmff_is(&c, "ilst"))
			on_ilst(p, &c);
		else if (bmff_is(&c, "XMP_") || bmff_is(&c, "xml "))
			xmp_parse_at(p->m, bmff_payload(&c) + (bmff_is(&c, "xml ") ? 4 : 0), bmff_end(&c));
	}
	free_keys(p);
}

/* 3GPP 'loci': a place as fixed-point numbers (TS 26.244). */
static void on_loci(parse *p, const bmff_box *b)
{
	size_t len, at = 6;
	const unsigned char *d = payload(p, b, 6, &len);
	double lon, lat, alt;

	if (!d)
		return;
	while (at < len && d[at]) /* the place name, NUL-terminated */
		at++;
	at += 2; /* its NUL, then the role */
	if (at + 12 > len)
		return;
	lon = (int32_t)be32(d + at) / 65536.0;
	lat = (int32_t)be32(d + at + 4) / 65536.0;
	alt = (int32_t)be32(d + at + 8) / 65536.0;
	media_tag_printf(p->m, "udta", "loci", "%+.6f%+.6f%+.1f/", lat, lon, alt);
	media_offer_location(p->m, lat, lon, &alt, "3gpp:loci", FROM_ILST);
}

static void on_udta(parse *p, const bmff_box *b)
{
	bmff_box c;
	char what[64];

	where(b, what, sizeof what);
	for (uint64_t pos = bmff_payload(b); bmff_box_at(p->m, pos, bmff_end(b), &c, what) == BMFF_BOX;
	     pos = bmff_end(&c)) {
		char name[24];
		size_t len;
		const unsigned char *d;

		if (!count_box(p, &c))
			return;
		bmff_type_name(c.type, name);
		if (bmff_is(&c, "meta")) {
			on_meta(p, &c);
		} else if (bmff_is(&c, "loci")) {
			on_loci(p, &c);
		} else if (bmff_is(&c, "XMP_")) {
			xmp_parse_at(p->m, bmff_payload(&c), bmff_end(&c));
		} else if (c.type[0] == 0xa9) {
			d = media_peek(p->m, bmff_payload(&c), 8);
			if (d && c.size - c.header >= 8 && memcmp(d + 4, "data", 4) == 0)
				ilst_item(p, &c, name, "udta");
			else if ((d = payload(p, &c, 0, &len)))
				udta_text(p, name, d, len);
		} else if (c.size - c.header <= 256 && (d = payload(p, &c, 0, &len))) {
			media_tag_bytes(p->m, "udta", name, d, len);
		} else {
			media_tag_printf(p->m, "udta", name, "<%llu bytes>",
			                 (unsigned long long)(c.size - c.header));
		}
	}
}

/* ---- the walk ------------------------------------------------------------ */

static void on_trak(parse *p, const bmff_box *b, unsigned depth)
{
	track *t;

	if (p->n_tracks == MAX_TRACKS) {
		p->tracks_dropped++;
		return;
	}
	t = &p->tracks[p->n_tracks++];
	memset(t, 0, sizeof *t);
	p->current = t;
	walk(p, bmff_payload(b), bmff_end(b), depth + 1, "trak");
	p->current = NULL;
}

static void on_traf(parse *p, const bmff_box *b, unsigned depth)
{
	p->traf_track = NULL;
	p->traf_default_duration = 0;
	walk(p, bmff_payload(b), bmff_end(b), depth + 1, "traf");
	p->traf_track = NULL;
}

typedef void (*leaf_fn)(parse *p, const bmff_box *b);

/* Leaf boxes by parent ("" = anywhere); containers are walked. */
static const struct {
	const char *parent;
	const char *type;
	leaf_fn fn;
} leaves[] = {
	{ "", "ftyp", on_ftyp }, { "moov", "mvhd", on_mvhd }, { "trak", "tkhd", on_tkhd },
	{ "mdia", "mdhd", on_mdhd }, { "mdia", "hdlr", on_media_hdlr },
	{ "stbl", "stsd", on_stsd }, { "stbl", "stts", on_stts }, { "mvex", "trex", on_trex },
	{ "mvex", "mehd", on_mehd }, { "traf", "tfhd", on_tfhd }, { "traf", "tfdt", on_tfdt },
	{ "traf", "trun", on_trun }, { "", "udta", on_udta }, { "", "meta", on_meta },
};

static const char *const containers[] = {
	"moov", "mdia", "minf", "stbl", "edts", "mvex", "moof",
};

static bool dispatch(parse *p, const bmff_box *b, unsigned depth, const char *parent)
{
	char type[5];

	memcpy(type, b->type, 4);
	type[4] = '\0';
	if (bmff_is(b, "trak") && !strcmp(parent, "moov")) {
		on_trak(p, b, depth);
		return true;
	}
	if (bmff_is(b, "traf") && !strcmp(parent, "moof")) {
		on_traf(p, b, depth);
		return true;
	}
	for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++) {
		if (!strcmp(type, containers[i])) {
			if (bmff_is(b, "moov"))
				p->has_moov = true;
			if (bmff_is(b, "moof"))
				p->has_moof = true;
			walk(p, bmff_payload(b), bmff_end(b), depth + 1, containers[i]);
			return true;
		}
	}
	for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
		if (!strcmp(type, leaves[i].type) &&
		    (!leaves[i].parent[0] || !strcmp(parent, leaves[i].parent))) {
			leaves[i].fn(p, b);
			return true;
		}
	}
	return false;
}

static void walk(parse *p, uint64_t start, uint64_t end, unsigned depth, const char *parent)
{
	bmff_box b;
	char what[64];

	if (depth > BMFF_MAX_DEPTH) {
		media_problem(p->m, (int64_t)start, EXHIBIT_ERR_LIMIT,
		              "boxes nested deeper than %d levels at offset %llu: not walked",
		              BMFF_MAX_DEPTH, (unsigned long long)start);
		return;
	}
	snprintf(what, sizeof what, "'%s'", parent);
	for (uint64_t pos = start; bmff_box_at(p->m, pos, end, &b, what) == BMFF_BOX;
	     pos = bmff_end(&b)) {
		if (!count_box(p, &b))
			return;
		if (depth == 0 && !bmff_type_plausible(b.type)) {
			media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "no box at offset %llu (its type bytes are not a name): the "
			              "rest of the file is not read",
			              (unsigned long long)pos);
			return;
		}
		dispatch(p, &b, depth, parent);
	}
}

/* ---- results ------------------------------------------------------------- */

static const char *kind_of_handler(const track *t)
{
	if (!t->has_handler)
		return "data";
	if (!memcmp(t->handler, "vide", 4))
		return "video";
	if (!memcmp(t->handler, "soun", 4))
		return "audio";
	if (!memcmp(t->handler, "sbtl", 4) || !memcmp(t->handler, "subt", 4) ||
	    !memcmp(t->handler, "text", 4) || !memcmp(t->handler, "clcp", 4))
		return "subtitle";
	return "data";
}

static double track_seconds(const track *t)
{
	if (t->duration && t->timescale)
		return seconds(t->duration, t->timescale);
	if (t->has_frag && t->timescale)
		return seconds(t->frag_end - t->frag_start, t->timescale);
	if (t->sample_time && t->timescale)
		return seconds(t->sample_time, t->timescale);
	return -1;
}

static void describe_track(parse *p, const track *t)
{
	media_stream *s = media_add_stream(p->m, kind_of_handler(t));
	uint64_t samples = t->samples + t->frag_samples;
	uint64_t time = t->sample_time + (t->has_frag ? t->frag_end - t->frag_start : 0);

	if (!s)
		return;
	s->id = t->id;
	if (t->has_entry) {
		char tag[24];
		bmff_type_name(t->fourcc, tag);
		snprintf(s->codec_tag, sizeof s->codec_tag, "%s", tag);
	}
	media_set_codec(s->codec, t->codec);
	s->width = t->width;
	s->height = t->height;
	s->sample_rate = strcmp(s->kind, "audio") == 0 ? (t->sample_rate ? t->sample_rate
	                                                                  : t->timescale)
	                                               : 0;
	s->channels = t->channels;
	s->duration_s = track_seconds(t);
	if (strcmp(s->kind, "video") == 0 && samples && time && t->timescale)
		s->frame_rate = (double)samples * t->timescale / (double)time;
	snprintf(s->language, sizeof s->language, "%s", t->language);
	if (strcmp(s->kind, "video") == 0 && t->has_matrix && !p->m->has_rotation) {
		media_set_rotation(p->m, t->rotation);
		if (t->display_width > 0)
			media_tag_printf(p->m, "tkhd", "display_size", "%gx%g", t->display_width,
			                 t->display_height);
	}
}

static void finish(parse *p)
{
	media *m = p->m;
	double longest = -1;

	for (size_t i = 0; i < p->n_tracks; i++) {
		describe_track(p, &p->tracks[i]);
		if (track_seconds(&p->tracks[i]) > longest)
			longest = track_seconds(&p->tracks[i]);
	}
	m->streams_dropped += p->tracks_dropped;
	if (p->movie_duration && p->movie_timescale)
		m->duration_s = seconds(p->movie_duration, p->movie_timescale);
	else if (p->fragment_duration && p->movie_timescale)
		m->duration_s = seconds(p->fragment_duration, p->movie_timescale);
	else
		m->duration_s = longest;
	if (!p->has_moov)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              "no 'moov' box: the movie's header (tracks, codecs, duration) is "
		              "missing; the file is truncated before it or was carved without it");
	else if (!p->has_mvhd)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT, "the 'moov' box has no 'mvhd' header");
}

bool parse_isobmff(media *m)
{
	parse *p = calloc(1, sizeof *p);
	const unsigned char *head = media_peek(m, 0, 8);
	bmff_box first;

	if (!p) {
		media_problem(m, -1, EXHIBIT_ERR, "out of memory");
		return false;
	}
	p->m = m;
	if (!head || !bmff_type_plausible(head + 4) ||
	    bmff_box_at(m, 0, m->size, &first, "the file") != BMFF_BOX) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT,
		              "not an ISO base media / QuickTime file: no box at offset 0");
		free(p);
		return false;
	}
	walk(p, 0, m->size, 0, "the file");
	m->container = container_of_brand(p->brand, !p->has_ftyp);
	finish(p);
	free_keys(p);
	free(p);
	return true;
}

/*
 * matroska.c — Matroska and WebM (EBML, RFC 8794; Matroska, RFC 9559):
 * what the segment's header elements say.
 *
 *   EBML header        DocType: "matroska" or "webm";
 *   Segment/Info       TimestampScale, Duration, DateUTC (ns since 2001,
 *                      UTC), Title, MuxingApp, WritingApp;
 *   Segment/Tracks     per TrackEntry: number, type, CodecID (mapped to
 *                      ffprobe's names; V_MS/VFW/FOURCC and A_MS/ACM via
 *                      their private headers), language, DefaultDuration
 *                      (frame rate), Video pixel size, Audio rate/channels;
 *   Segment/Tags       every SimpleTag (name = value), ENCODER, LOCATION;
 *   Segment/SeekHead   where Info/Tracks/Tags lie when they come after
 *                      clusters of unknown size.
 *
 * Clusters are skipped by their size, never entered (the frames are not
 * read).  An element declaring more bytes than remain is reported as
 * truncated at its offset; IDs and sizes are bounds-checked vints; nesting
 * is limited to MAX_DEPTH and the number of elements visited to
 * MAX_ELEMENTS, so a crafted file cannot make the walk endless.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"
#include "codec_names.h"
#include "iso6709.h"
#include "media_text.h"
#include "media_time.h"
#include "video_parsers.h"

#define MAX_DEPTH 12
#define MAX_ELEMENTS 1000000u
#define MAX_STRING 1024
#define UNKNOWN_SIZE UINT64_MAX

enum {
	ID_EBML = 0x1A45DFA3, ID_DOCTYPE = 0x4282, ID_SEGMENT = 0x18538067,
	ID_SEEKHEAD = 0x114D9B74, ID_SEEK = 0x4DBB, ID_SEEKID = 0x53AB, ID_SEEKPOS = 0x53AC,
	ID_INFO = 0x1549A966, ID_TIMESCALE = 0x2AD7B1, ID_DURATION = 0x4489,
	ID_DATEUTC = 0x4461, ID_TITLE = 0x7BA9, ID_MUXINGAPP = 0x4D80, ID_WRITINGAPP = 0x5741,
	ID_TRACKS = 0x1654AE6B, ID_TRACKENTRY = 0xAE, ID_TRACKNUMBER = 0xD7,
	ID_TRACKTYPE = 0x83, ID_CODECID = 0x86, ID_CODECPRIVATE = 0x63A2,
	ID_LANGUAGE = 0x22B59C, ID_LANGUAGE_BCP47 = 0x22B59D, ID_NAME = 0x536E,
	ID_DEFAULTDURATION = 0x23E383, ID_VIDEO = 0xE0, ID_PIXELWIDTH = 0xB0,
	ID_PIXELHEIGHT = 0xBA, ID_AUDIO = 0xE1, ID_SAMPLINGFREQ = 0xB5, ID_CHANNELS = 0x9F,
	ID_BITDEPTH = 0x6264, ID_TAGS = 0x1254C367, ID_TAG = 0x7373, ID_SIMPLETAG = 0x67C8,
	ID_TAGNAME = 0x45A3, ID_TAGSTRING = 0x4487, ID_CLUSTER = 0x1F43B675,
	ID_CUES = 0x1C53BB6B, ID_VOID = 0xEC, ID_CRC32 = 0xBF, ID_CHAPTERS = 0x1043A770,
	ID_ATTACHMENTS = 0x1941A469,
};

typedef struct element {
	uint32_t id;
	uint64_t offset; /* of the ID */
	uint64_t data;   /* first byte of the content */
	uint64_t size;   /* content bytes, clipped to the parent; */
	bool unknown;    /* size not stated: runs to the parent's end */
} element;

typedef struct track {
	uint64_t number;
	uint64_t type;
	char codec_id[64];
	unsigned char fourcc[4];
	bool has_fourcc;
	uint16_t wave_tag;
	bool has_wave_tag;
	char language[16];
	uint64_t default_duration;
	int64_t width, height, channels, bits;
	double sample_rate;
} track;

typedef struct parse {
	media *m;
	uint64_t segment_data;
	uint64_t timescale;
	double duration;
	bool has_duration, has_info, has_tracks, has_tags;
	uint64_t seek_info, seek_tracks, seek_tags; /* 0: none */
	uint64_t seekhead_at; /* the SeekHead, for messages */
	uint64_t elements;
	bool limit_reported;
	track tracks[MEDIA_MAX_STREAMS];
	size_t n_tracks, tracks_dropped;
} parse;

/* ---- EBML primitives ------------------------------------------------------ */

/* A variable-length integer at pos: its length and value (marker kept
 * for IDs, removed for sizes).  all_ones says whether every value bit is
 * set (the "unknown size" code). */
static bool vint(media *m, uint64_t pos, uint64_t end, bool keep_marker, unsigned max_len,
                 uint64_t *value, unsigned *len, bool *all_ones)
{
	const unsigned char *p;
	unsigned n = 1;
	uint64_t v, ones;

	if (pos >= end || !(p = media_peek(m, pos, 1)) || p[0] == 0)
		return false;
	while (!(p[0] & (0x80 >> (n - 1))))
		n++;
	if (n > max_len || end - pos < n || !(p = media_peek(m, pos, n)))
		return false;
	v = keep_marker ? p[0] : p[0] & (0xff >> n);
	for (unsigned i = 1; i < n; i++)
		v = v << 8 | p[i];
	ones = ((uint64_t)1 << (7 * n)) - 1;
	*all_ones = (keep_marker ? v & ones : v) == ones;
	*value = v;
	*len = n;
	return true;
}

static bool count_element(parse *p, uint64_t offset)
{
	if (++p->elements <= MAX_ELEMENTS)
		return true;
	if (!p->limit_reported)
		media_problem(p->m, (int64_t)offset, EXHIBIT_ERR_LIMIT,
		              "more than %u EBML elements: the rest of the file is not read",
		              MAX_ELEMENTS);
	p->limit_reported = true;
	return false;
}

/*
 * next_element — the element at pos inside [pos, end).  RETURN: false at
 * the end or on a broken header (reported when report is set).
 */
static bool next_element(parse *p, uint64_t pos, uint64_t end, element *el, bool report)
{
	uint64_t id, size;
	unsigned id_len, size_len;
	bool ones;

	if (pos >= end || !count_element(p, pos))
		return false;
	if (!vint(p->m, pos, end, true, 4, &id, &id_len, &ones) || ones ||
	    !vint(p->m, pos + id_len, end, false, 8, &size, &size_len, &ones)) {
		if (report)
			media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "Matroska: no valid EBML element at offset %llu: the rest of "
			              "its parent is not read",
			              (unsigned long long)pos);
		return false;
	}
	el->id = (uint32_t)id;
	el->offset = pos;
	el->data = pos + id_len + size_len;
	el->unknown = ones;
	if (ones) {
		el->size = end - el->data;
		return true;
	}
	if (size > end - el->data) {
		if (report)
			media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "Matroska: element 0x%X at offset %llu declares %llu bytes but "
			              "only %llu remain: truncated, %llu bytes missing",
			              el->id, (unsigned long long)pos, (unsigned long long)size,
			              (unsigned long long)(end - el->data),
			              (unsigned long long)(size - (end - el->data)));
		size = end - el->data;
	}
	el->size = size;
	return true;
}

static uint64_t read_uint(parse *p, const element *el)
{
	const unsigned char *d;

	if (el->size == 0 || el->size > 8 || !(d = media_peek(p->m, el->data, (size_t)el->size)))
		return 0;
	return be_n(d, (unsigned)el->size);
}

static int64_t read_int(parse *p, const element *el)
{
	uint64_t u = read_uint(p, el);

	if (el->size > 0 && el->size < 8 && (u >> (8 * el->size - 1)) & 1)
		return (int64_t)(u - ((uint64_t)1 << (8 * el->size)));
	return (int64_t)u;
}

static double read_float(parse *p, const element *el)
{
	const unsigned char *d = media_peek(p->m, el->data, el->size <= 8 ? (size_t)el->size : 0);

	if (!d)
		return 0;
	if (el->size == 4) {
		union { uint32_t u; float f; } x = { be32(d) };
		return x.f;
	}
	if (el->size == 8) {
		union { uint64_t u; double f; } x = { be64(d) };
		return x.f;
	}
	return 0;
}

/* A string element, copied raw (NUL-terminated, at most cap-1 bytes). */
static size_t read_string(parse *p, const element *el, char *out, size_t cap)
{
	size_t n = el->size < cap - 1 ? (size_t)el->size : cap - 1;
	const unsigned char *d = media_peek(p->m, el->data, n);

	if (!d)
		n = 0;
	else
		memcpy(out, d, n);
	out[n] = '\0';
	return strlen(out); /* EBML strings may be NUL-padded */
}

/* ---- Info ----------------------------------------------------------------- */

static void on_info(parse *p, const element *info)
{
	element el;
	char text[MAX_STRING];
	size_t n;

	p->has_info = true;
	for (uint64_t pos = info->data; next_element(p, pos, info->data + info->size, &el, true);
	     pos = el.data + el.size) {
		switch (el.id) {
		case ID_TIMESCALE:
			p->timescale = read_uint(p, &el);
			break;
		case ID_DURATION:
			p->duration = read_float(p, &el);
			p->has_duration = p->duration > 0 && p->duration < 1e18;
			break;
		case ID_DATEUTC: {
			int64_t ns = read_int(p, &el);
			int64_t secs = ns / 1000000000 + MEDIA_EPOCH_2001;
			media_datetime when = media_datetime_from_unix(secs);
			char iso[32];
			media_datetime_local_text(&when, iso);
			media_tag_printf(p->m, "matroska", "DateUTC", "%sZ", iso);
			media_offer_created(p->m, &when, "matroska:DateUTC", 3);
			break;
		}
		case ID_TITLE:
			n = read_string(p, &el, text, sizeof text);
			media_tag_bytes(p->m, "matroska", "Title", text, n);
			break;
		case ID_MUXINGAPP:
		case ID_WRITINGAPP:
			n = read_string(p, &el, text, sizeof text);
			media_tag_bytes(p->m, "matroska", el.id == ID_MUXINGAPP ? "MuxingApp" : "WritingApp",
			                text, n);
			media_offer_text(&p->m->software, el.id == ID_WRITINGAPP ? 2 : 1, text, n);
			break;
		default:
			break;
		}
		if (el.unknown)
			break;
	}
}

/* ---- Tracks ---------------------------------------------------------------- */

static void on_video(parse *p, const element *video, track *t)
{
	element el;

	for (uint64_t pos = video->data; next_element(p, pos, video->data + video->size, &el, true);
	     pos = el.data + el.size) {
		if (el.id == ID_PIXELWIDTH)
			t->width = (int64_t)read_uint(p, &el);
		else if (el.id == ID_PIXELHEIGHT)
			t->height = (int64_t)read_uint(p, &el);
		if (el.unknown)
			break;
	}
}

static void on_audio(parse *p, const element *audio, track *t)
{
	element el;

	for (uint64_t pos = audio->data; next_element(p, pos, audio->data + audio->size, &el, true);
	     pos = el.data + el.size) {
		if (el.id == ID_SAMPLINGFREQ)
			t->sample_rate = read_float(p, &el);
		else if (el.id == ID_CHANNELS)
			t->channels = (int64_t)read_uint(p, &el);
		else if (el.id == ID_BITDEPTH)
			t->bits = (int64_t)read_uint(p, &el);
		if (el.unknown)
			break;
	}
}

/* CodecPrivate of V_MS/VFW/FOURCC (BITMAPINFOHEADER) and A_MS/ACM
 * (WAVEFORMATEX): the codes that name the codec. */
static void on_codec_private(parse *p, const element *el, track *t)
{
	const unsigned char *d;

	if (!strcmp(t->codec_id, "V_MS/VFW/FOURCC") && el->size >= 20 &&
	    (d = media_peek(p->m, el->data, 20))) {
		memcpy(t->fourcc, d + 16, 4);
		t->has_fourcc = true;
	} else if (!strcmp(t->codec_id, "A_MS/ACM") && el->size >= 2 &&
	           (d = media_peek(p->m, el->data, 2))) {
		t->wave_tag = le16(d);
		t->has_wave_tag = true;
	}
}

static void on_track_entry(parse *p, const element *entry)
{
	element el, priv = { 0, 0, 0, 0, false };
	track *t;
	bool has_priv = false;

	if (p->n_tracks == MEDIA_MAX_STREAMS) {
		p->tracks_dropped++;
		return;
	}
	t = &p->tracks[p->n_tracks++];
	memset(t, 0, sizeof *t);
	for (uint64_t pos = entry->data; next_element(p, pos, entry->data + entry->size, &el, true);
	     pos = el.data + el.size) {
		switch (el.id) {
		case ID_TRACKNUMBER: t->number = read_uint(p, &el); break;
		case ID_TRACKTYPE: t->type = read_uint(p, &el); break;
		case ID_CODECID: read_string(p, &el, t->codec_id, sizeof t->codec_id); break;
		case ID_CODECPRIVATE: priv = el; has_priv = true; break;
		case ID_LANGUAGE:
		case ID_LANGUAGE_BCP47:
			if (el.id == ID_LANGUAGE_BCP47 || !t->language[0])
				read_string(p, &el, t->language, sizeof t->language);
			break;
		case ID_DEFAULTDURATION: t->default_duration = read_uint(p, &el); break;
		case ID_VIDEO: on_video(p, &el, t); break;
		case ID_AUDIO: on_audio(p, &el, t); break;
		default: break;
		}
		if (el.unknown)
			break;
	}
	if (has_priv)
		on_codec_private(p, &priv, t);
}

static void on_tracks(parse *p, const element *tracks)
{
	element el;

	p->has_tracks = true;
	for (uint64_t pos = tracks->data;
	     next_element(p, pos, tracks->data + tracks->size, &el, true); pos = el.data + el.size) {
		if (el.id == ID_TRACKENTRY)
			on_track_entry(p, &el);
		if (el.unknown)
			break;
	}
}

/* ---- Tags -------------------------------------------------------------------- */

static void interpret_tag(parse *p, const char *name, const char *value, size_t len)
{
	if (!strcasecmp(name, "ENCODER"))
		media_offer_text(&p->m->software, 1, value, len);
	else if (!strcasecmp(name, "LOCATION") || !strcasecmp(name, "RECORDING_LOCATION")) {
		iso6709_point pt;
		if (iso6709_parse(value, len, &pt))
			media_offer_location(p->m, pt.latitude, pt.longitude,
			                     pt.has_altitude ? &pt.altitude : NULL, "matroska:LOCATION", 2);
	} else if (!strcasecmp(name, "DATE_RECORDED") || !strcasecmp(name, "CREATION_TIME")) {
		media_datetime when;
		if (media_datetime_parse(value, len, &when))
			media_offer_created(p->m, &when, "matroska:DATE_RECORDED", 2);
	}
}

static void on_simple_tag(parse *p, const element *st, unsigned depth)
{
	element el;
	char name[256] = "", *value = NULL;
	size_t len = 0;

	if (depth > MAX_DEPTH)
		return;
	for (uint64_t pos = st->data; next_element(p, pos, st->data + st->size, &el, true);
	     pos = el.data + el.size) {
		if (el.id == ID_TAGNAME) {
			read_string(p, &el, name, sizeof name);
		} else if (el.id == ID_TAGSTRING && !value) {
			value = malloc(MAX_STRING);
			len = value ? read_string(p, &el, value, MAX_STRING) : 0;
		} else if (el.id == ID_SIMPLETAG) {
			on_simple_tag(p, &el, depth + 1);
		}
		if (el.unknown)
			break;
	}
	if (name[0] && value) {
		media_tag_bytes(p->m, "matroska", name, value, len);
		interpret_tag(p, name, value, len);
	}
	free(value);
}

static void on_tags(parse *p, const element *tags)
{
	element tag, el;

	p->has_tags = true;
	for (uint64_t pos = tags->data; next_element(p, pos, tags->data + tags->size, &tag, true);
	     pos = tag.data + tag.size) {
		if (tag.id == ID_TAG)
			for (uint64_t q = tag.data; next_element(p, q, tag.data + tag.size, &el, true);
			     q = el.data + el.size) {
				if (el.id == ID_SIMPLETAG)
					on_simple_tag(p, &el, 1);
				if (el.unknown)
					break;
			}
		if (tag.unknown)
			break;
	}
}

/* ---- SeekHead and the segment ------------------------------------------------ */

static void on_seekhead(parse *p, const element *head)
{
	element seek, el;

	p->seekhead_at = head->offset;
	for (uint64_t pos = head->data; next_element(p, pos, head->data + head->size, &seek, true);
	     pos = seek.data + seek.size) {
		uint64_t id = 0, where = 0;
		bool has_where = false;
		if (seek.id != ID_SEEK)
			continue;
		for (uint64_t q = seek.data; next_element(p, q, seek.data + seek.size, &el, true);
		     q = el.data + el.size) {
			if (el.id == ID_SEEKID)
				id = read_uint(p, &el);
			else if (el.id == ID_SEEKPOS)
				where = read_uint(p, &el), has_where = true;
		}
		if (!has_where || where > p->m->size)
			continue;
		if (id == ID_INFO && !p->seek_info)
			p->seek_info = p->segment_data + where;
		else if (id == ID_TRACKS && !p->seek_tracks)
			p->seek_tracks = p->segment_data + where;
		else if (id == ID_TAGS && !p->seek_tags)
			p->seek_tags = p->segment_data + where;
	}
}

/* Visit the top-level element at an offset a SeekHead gave, if it is
 * the one expected. */
static void visit_seek(parse *p, uint64_t at, uint32_t expect, uint64_t end)
{
	element el;

	if (!at || at >= end || !next_element(p, at, end, &el, false) || el.id != expect) {
		if (at)
			media_problem(p->m, (int64_t)p->seekhead_at, EXHIBIT_ERR_FORMAT,
			              "Matroska: the SeekHead at offset %llu points to offset %llu for "
			              "element 0x%X, which is %s",
			              (unsigned long long)p->seekhead_at, (unsigned long long)at, expect,
			              at >= end ? "past the end of the file: truncated" : "not there");
		return;
	}
	if (expect == ID_INFO)
		on_info(p, &el);
	else if (expect == ID_TRACKS)
		on_tracks(p, &el);
	else
		on_tags(p, &el);
}

static void on_segment(parse *p, const element *seg)
{
	element el;
	uint64_t end = seg->data + seg->size;

	p->segment_data = seg->data;
	for (uint64_t pos = seg->data; next_element(p, pos, end, &el, true); pos = el.data + el.size) {
		switch (el.id) {
		case ID_SEEKHEAD: on_seekhead(p, &el); break;
		case ID_INFO: if (!p->has_info) on_info(p, &el); break;
		case ID_TRACKS: if (!p->has_tracks) on_tracks(p, &el); break;
		case ID_TAGS: on_tags(p, &el); break;
		default: break;
		}
		/* A cluster of unknown size runs to where the next top-level
		 * element starts, which only reading its blocks would find:
		 * stop here and rely on the SeekHead for what follows. */
		if (el.unknown)
			break;
	}
	if (!p->has_info)
		visit_seek(p, p->seek_info, ID_INFO, end);
	if (!p->has_tracks)
		visit_seek(p, p->seek_tracks, ID_TRACKS, end);
	if (!p->has_tags && p->seek_tags)
		visit_seek(p, p->seek_tags, ID_TAGS, end);
}

/* ---- results ------------------------------------------------------------------ */

static void describe(parse *p)
{
	media *m = p->m;

	for (size_t i = 0; i < p->n_tracks; i++) {
		track *t = &p->tracks[i];
		const char *kind = t->type == 1 ? "video" : t->type == 2 ? "audio"
		                 : t->type == 0x11 ? "subtitle" : "data";
		media_stream *s = media_add_stream(m, kind);
		const char *codec = codec_from_matroska(t->codec_id, (unsigned)t->bits);

		if (!s)
			continue;
		if (t->has_fourcc)
			codec = codec_from_fourcc(t->fourcc);
		else if (t->has_wave_tag)
			codec = codec_from_wave_format(t->wave_tag, (unsigned)t->bits);
		media_set_codec(s->codec, codec);
		snprintf(s->codec_tag, sizeof s->codec_tag, "%s", t->codec_id);
		s->id = (int64_t)t->number;
		s->width = t->width;
		s->height = t->height;
		s->sample_rate = (int64_t)t->sample_rate;
		s->channels = t->channels;
		if (t->type == 1 && t->default_duration)
			s->frame_rate = 1e9 / (double)t->default_duration;
		if (strcmp(t->language, "und") != 0)
			snprintf(s->language, sizeof s->language, "%s", t->language);
	}
	m->streams_dropped += p->tracks_dropped;
	if (p->has_duration)
		m->duration_s = p->duration * (double)p->timescale / 1e9;
	if (!p->has_info)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              "Matroska: no segment Info: the duration and timescale are missing");
	if (!p->has_tracks)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              "Matroska: no Tracks element: the streams are not described");
}

bool parse_matroska(media *m)
{
	parse *p = calloc(1, sizeof *p);
	element el;
	bool has_segment = false;

	if (!p) {
		media_problem(m, -1, EXHIBIT_ERR, "out of memory");
		return false;
	}
	p->m = m;
	p->timescale = 1000000;
	if (!next_element(p, 0, m->size, &el, false) || el.id != ID_EBML) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not a Matroska file: no EBML header at offset 0");
		free(p);
		return false;
	}
	m->container = "matroska";
	for (uint64_t pos = 0; next_element(p, pos, m->size, &el, true); pos = el.data + el.size) {
		if (el.id == ID_EBML) {
			element d;
			char doctype[32];
			for (uint64_t q = el.data; next_element(p, q, el.data + el.size, &d, true);
			     q = d.data + d.size)
				if (d.id == ID_DOCTYPE && read_string(p, &d, doctype, sizeof doctype) &&
				    !strcmp(doctype, "webm"))
					m->container = "webm";
		} else if (el.id == ID_SEGMENT) {
			has_segment = true;
			on_segment(p, &el);
		}
		if (el.unknown)
			break;
	}
	if (!has_segment)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              "Matroska: no Segment after the EBML header: truncated or not a movie");
	describe(p);
	free(p);
	return true;
}

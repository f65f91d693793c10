/*
 * riff_avi.c — AVI files (RIFF 'AVI ', with OpenDML 'AVIX' extensions):
 * what the header lists and chunks say.
 *
 *   hdrl/avih        microseconds per frame, total frames, picture size;
 *   hdrl/strl/strh   per stream: type (vids, auds, txts), handler, scale,
 *                    rate, length, hence duration and frame rate;
 *   hdrl/strl/strf   BITMAPINFOHEADER (compression fourcc, size) or
 *                    WAVEFORMATEX (format tag, channels, rate, bits);
 *   hdrl/odml/dmlh   total frames of files over 1 GiB;
 *   INFO list        ISFT (software), ICRD (date), INAM, ... as tags;
 *   IDIT             the camera's "date time original".
 *
 * Chunks are walked by their declared sizes (padded to even), inside
 * their parent's bounds; 'movi' and 'idx1' are skipped, never entered.
 * A chunk declaring more than its parent holds is clipped and reported
 * (truncated file), a walk stops at MAX_CHUNKS, and every structure is
 * read only when its whole length is there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"
#include "codec_names.h"
#include "media_time.h"
#include "video_parsers.h"

#define MAX_CHUNKS 1000000u
#define MAX_DEPTH 6
#define MAX_TEXT 1024

typedef struct avi_stream {
	unsigned char type[4];
	unsigned char handler[4];
	uint32_t scale, rate, length, sample_size;
	bool has_strh, has_strf;
	unsigned char compression[4];
	bool has_compression;
	uint16_t wave_tag;
	uint16_t channels, bits;
	uint32_t sample_rate;
	int64_t width, height;
} avi_stream;

typedef struct parse {
	media *m;
	uint32_t usec_per_frame, total_frames, dml_frames;
	int64_t width, height;
	bool has_avih;
	avi_stream streams[MEDIA_MAX_STREAMS];
	size_t n_streams, streams_dropped;
	avi_stream *current;
	uint64_t chunks;
	bool limit_reported;
} parse;

typedef struct chunk {
	unsigned char id[4];
	unsigned char list_type[4]; /* for LIST and RIFF */
	uint64_t offset;            /* of the id */
	uint64_t data;              /* first byte of the content */
	uint64_t size;              /* content, clipped */
	bool is_list;
} chunk;

static void walk(parse *p, uint64_t start, uint64_t end, unsigned depth, const char *parent);

/* ---- chunks --------------------------------------------------------------- */

static void id_text(const unsigned char id[4], char out[20])
{
	char *o = out;

	for (int i = 0; i < 4; i++)
		o += (id[i] >= 0x20 && id[i] < 0x7f) ? sprintf(o, "%c", id[i])
		                                     : sprintf(o, "\\x%02x", id[i]);
}

static bool next_chunk(parse *p, uint64_t pos, uint64_t end, chunk *c, const char *parent)
{
	const unsigned char *h;
	uint64_t size;
	char name[20];

	if (pos >= end || end - pos < 8 || !(h = media_peek(p->m, pos, 12 <= end - pos ? 12 : 8)))
		return false;
	if (++p->chunks > MAX_CHUNKS) {
		if (!p->limit_reported)
			media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_LIMIT,
			              "AVI: more than %u chunks: the rest is not read", MAX_CHUNKS);
		p->limit_reported = true;
		return false;
	}
	memcpy(c->id, h, 4);
	size = le32(h + 4);
	c->offset = pos;
	c->data = pos + 8;
	c->is_list = !memcmp(h, "LIST", 4) || !memcmp(h, "RIFF", 4);
	id_text(c->id, name);
	if (size > end - c->data) {
		media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
		              "AVI: chunk '%s' at offset %llu in %s declares %llu bytes but only "
		              "%llu remain: truncated, %llu bytes missing",
		              name, (unsigned long long)pos, parent, (unsigned long long)size,
		              (unsigned long long)(end - c->data),
		              (unsigned long long)(size - (end - c->data)));
		size = end - c->data;
	}
	c->size = size;
	if (c->is_list) {
		if (size < 4)
			return false;
		memcpy(c->list_type, h + 8, 4);
	}
	return true;
}

static uint64_t after(const chunk *c)
{
	return c->data + c->size + (c->size & 1); /* chunks are padded to even */
}

/* The content of a small chunk, or NULL when shorter than need. */
static const unsigned char *content(parse *p, const chunk *c, size_t need, size_t *len)
{
	size_t n = c->size > MEDIA_WINDOW ? MEDIA_WINDOW : (size_t)c->size;
	char name[20];

	if (n < need) {
		id_text(c->id, name);
		media_problem(p->m, (int64_t)c->offset, EXHIBIT_ERR_FORMAT,
		              "AVI: chunk '%s' at offset %llu holds %zu bytes, fewer than the %zu "
		              "it needs",
		              name, (unsigned long long)c->offset, n, need);
		return NULL;
	}
	*len = n;
	return media_peek(p->m, c->data, n);
}

/* ---- headers ---------------------------------------------------------------- */

static void on_avih(parse *p, const chunk *c)
{
	size_t len;
	const unsigned char *d = content(p, c, 40, &len);

	if (!d)
		return;
	p->has_avih = true;
	p->usec_per_frame = le32(d);
	p->total_frames = le32(d + 16);
	p->width = le32(d + 32);
	p->height = le32(d + 36);
}

static void on_strh(parse *p, const chunk *c)
{
	size_t len;
	const unsigned char *d = content(p, c, 48, &len);
	avi_stream *s = p->current;

	if (!d || !s)
		return;
	s->has_strh = true;
	memcpy(s->type, d, 4);
	memcpy(s->handler, d + 4, 4);
	s->scale = le32(d + 20);
	s->rate = le32(d + 24);
	s->length = le32(d + 32);
	s->sample_size = le32(d + 44);
}

static void on_strf(parse *p, const chunk *c)
{
	size_t len;
	const unsigned char *d;
	avi_stream *s = p->current;

	if (!s || !s->has_strh)
		return;
	if (!memcmp(s->type, "vids", 4)) {
		if (!(d = content(p, c, 20, &len)))
			return;
		s->width = (int32_t)le32(d + 4);
		s->height = (int32_t)le32(d + 8);
		if (s->height < 0)
			s->height = -s->height; /* top-down bitmap */
		memcpy(s->compression, d + 16, 4);
		s->has_compression = true;
	} else if (!memcmp(s->type, "auds", 4)) {
		if (!(d = content(p, c, 16, &len)))
			return;
		s->wave_tag = le16(d);
		s->channels = le16(d + 2);
		s->sample_rate = le32(d + 4);
		s->bits = le16(d + 14);
		if (s->wave_tag == 0xfffe && len >= 26)
			s->wave_tag = le16(d + 24); /* WAVE_FORMAT_EXTENSIBLE: the sub-format */
	}
	s->has_strf = true;
}

static void on_dmlh(parse *p, const chunk *c)
{
	size_t len;
	const unsigned char *d = content(p, c, 4, &len);

	if (d)
		p->dml_frames = le32(d);
}

/* "Sat Dec 10 15:23:40 2005" (the C asctime form cameras write). */
static bool parse_asctime(const char *s, media_datetime *out)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	int day, h, mi, sec, year;
	const char *found;

	if (sscanf(s, "%*3s %3s %d %d:%d:%d %d", mon, &day, &h, &mi, &sec, &year) != 6)
		return false;
	for (found = months; *found; found += 3)
		if (!strncasecmp(found, mon, 3))
			break;
	if (!*found)
		return false;
	{
		char iso[40];
		snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d", year,
		         (int)((found - months) / 3 + 1), day, h, mi, sec);
		return media_datetime_parse(iso, strlen(iso), out);
	}
}

/* A text chunk (INFO item, IDIT): a tag, and what it means. */
static void on_text(parse *p, const chunk *c)
{
	char name[20], text[MAX_TEXT];
	size_t n = c->size < sizeof text - 1 ? (size_t)c->size : sizeof text - 1;
	media_datetime when;

	if (!media_read(p->m, c->data, text, n))
		return;
	text[n] = '\0';
	n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\r'))
		text[--n] = '\0';
	id_text(c->id, name);
	media_tag_bytes(p->m, "riff", name, text, n);
	if (!memcmp(c->id, "ISFT", 4))
		media_offer_text(&p->m->software, 2, text, n);
	else if (!memcmp(c->id, "IDIT", 4) && parse_asctime(text, &when))
		media_offer_created(p->m, &when, "riff:IDIT", 2);
	else if (!memcmp(c->id, "ICRD", 4) &&
	         (media_datetime_parse(text, n, &when) || parse_asctime(text, &when)))
		media_offer_created(p->m, &when, "riff:ICRD", 1);
}

/* ---- the walk ----------------------------------------------------------------- */

static void on_list(parse *p, const chunk *c, unsigned depth)
{
	if (!memcmp(c->list_type, "movi", 4) || !memcmp(c->list_type, "rec ", 4))
		return; /* the frames */
	if (!memcmp(c->list_type, "strl", 4)) {
		if (p->n_streams == MEDIA_MAX_STREAMS) {
			p->streams_dropped++;
			return;
		}
		p->current = &p->streams[p->n_streams++];
		memset(p->current, 0, sizeof *p->current);
	}
	walk(p, c->data + 4, c->data + c->size, depth + 1, (const char *)c->list_type);
	if (!memcmp(c->list_type, "strl", 4))
		p->current = NULL;
}

static void walk(parse *p, uint64_t start, uint64_t end, unsigned depth, const char *parent)
{
	chunk c;
	char where[48];

	if (depth > MAX_DEPTH) {
		media_problem(p->m, (int64_t)start, EXHIBIT_ERR_LIMIT,
		              "AVI: lists nested deeper than %d at offset %llu", MAX_DEPTH,
		              (unsigned long long)start);
		return;
	}
	snprintf(where, sizeof where, "'%.4s'", parent);
	for (uint64_t pos = start; next_chunk(p, pos, end, &c, where); pos = after(&c)) {
		if (c.is_list)
			on_list(p, &c, depth);
		else if (!memcmp(c.id, "avih", 4))
			on_avih(p, &c);
		else if (!memcmp(c.id, "strh", 4))
			on_strh(p, &c);
		else if (!memcmp(c.id, "strf", 4))
			on_strf(p, &c);
		else if (!memcmp(c.id, "dmlh", 4))
			on_dmlh(p, &c);
		else if (!memcmp(c.id, "IDIT", 4) || (!memcmp(parent, "INFO", 4) && c.id[0] == 'I'))
			on_text(p, &c);
	}
}

/* ---- results ------------------------------------------------------------------ */

static void describe(parse *p)
{
	media *m = p->m;
	double longest = -1;

	for (size_t i = 0; i < p->n_streams; i++) {
		avi_stream *a = &p->streams[i];
		bool video = !memcmp(a->type, "vids", 4), audio = !memcmp(a->type, "auds", 4);
		media_stream *s = media_add_stream(m, video ? "video" : audio ? "audio"
		                                    : !memcmp(a->type, "txts", 4) ? "subtitle" : "data");
		char tag[20];

		if (!s)
			continue;
		s->id = (int64_t)i;
		if (video) {
			const unsigned char *code = a->has_compression ? a->compression : a->handler;
			media_set_codec(s->codec, codec_from_fourcc(code));
			id_text(code, tag);
			snprintf(s->codec_tag, sizeof s->codec_tag, "%s", tag);
			s->width = a->width;
			s->height = a->height;
			if (a->scale && a->rate)
				s->frame_rate = (double)a->rate / a->scale;
		} else if (audio && a->has_strf) {
			media_set_codec(s->codec, codec_from_wave_format(a->wave_tag, a->bits));
			snprintf(s->codec_tag, sizeof s->codec_tag, "0x%04x", a->wave_tag);
			s->sample_rate = a->sample_rate;
			s->channels = a->channels;
		}
		if (a->scale && a->rate && a->length) {
			s->duration_s = (double)a->length * a->scale / a->rate;
			if (s->duration_s > longest)
				longest = s->duration_s;
		}
	}
	m->streams_dropped += p->streams_dropped;
	if (p->dml_frames && p->usec_per_frame) { /* OpenDML: the whole file's frames */
		double whole = p->dml_frames * (p->usec_per_frame / 1e6);
		if (whole > longest)
			longest = whole;
	}
	if (longest < 0 && p->total_frames && p->usec_per_frame)
		longest = p->total_frames * (p->usec_per_frame / 1e6);
	m->duration_s = longest;
	if (!p->has_avih)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              "AVI: no main header (hdrl/avih): the file is truncated or damaged");
	if (!p->n_streams && p->has_avih)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT, "AVI: no stream headers (strl)");
}

bool parse_avi(media *m)
{
	parse *p = calloc(1, sizeof *p);
	const unsigned char *h = media_peek(m, 0, 12);
	uint64_t pos = 0;
	chunk c;

	if (!p) {
		media_problem(m, -1, EXHIBIT_ERR, "out of memory");
		return false;
	}
	p->m = m;
	if (!h || memcmp(h, "RIFF", 4) != 0 || memcmp(h + 8, "AVI ", 4) != 0) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not an AVI file: no RIFF 'AVI ' header");
		free(p);
		return false;
	}
	m->container = "avi";
	/* RIFF 'AVI ' then, in OpenDML files, RIFF 'AVIX' extensions */
	while (next_chunk(p, pos, m->size, &c, "the file")) {
		if (!memcmp(c.id, "RIFF", 4) && !memcmp(c.list_type, "AVI ", 4))
			walk(p, c.data + 4, c.data + c.size, 1, "AVI ");
		else if (memcmp(c.id, "RIFF", 4) != 0)
			break; /* trailing bytes that are not a RIFF chunk */
		pos = after(&c);
	}
	describe(p);
	free(p);
	return true;
}

/*
 * asf.c — Advanced Systems Format (ASF: WMV, WMA, DVR-MS): the header
 * object's children and the first data packets.
 *
 *   File Properties          creation date (FILETIME, UTC), play duration
 *                            and preroll (hence the duration), packet size;
 *   Stream Properties        per stream: type (audio, video, ...), number,
 *                            BITMAPINFOHEADER or WAVEFORMATEX (codec, size,
 *                            rate, channels); also when embedded in an
 *                            Extended Stream Properties object, which adds
 *                            the average time per frame (frame rate);
 *   Content Description      title, author, copyright, description, rating;
 *   Extended Content Descr.  and Metadata / Metadata Library objects:
 *                            every attribute (WM/ToolName, WM/EncodingTime,
 *                            ...) a tag;
 *   Data packets             the first presentation time of each stream,
 *                            so the duration is reckoned as ffprobe does
 *                            (latest start + length − earliest start).
 *
 * Objects are walked within their parent by their 64-bit sizes; a size
 * beyond the parent is clipped and reported (truncated), a size below an
 * object header ends the walk, counts are checked against the bytes that
 * hold them, and at most MAX_DATA_PACKETS data packets are parsed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "codec_names.h"
#include "media_text.h"
#include "media_time.h"
#include "video_parsers.h"

#define MAX_OBJECTS 4096
#define MAX_ATTRIBUTES 2048
#define MAX_DATA_PACKETS 256
#define OBJECT_HEADER 24
#define OBJECT_BODY_MAX (1024u * 1024)

/* GUIDs as written (DDDDDDDD-DDDD-DDDD-DDDD-DDDDDDDDDDDD). */
static const char G_HEADER[] = "75B22630-668E-11CF-A6D9-00AA0062CE6C";
static const char G_DATA[] = "75B22636-668E-11CF-A6D9-00AA0062CE6C";
static const char G_FILE_PROPERTIES[] = "8CABDCA1-A947-11CF-8EE4-00C00C205365";
static const char G_STREAM_PROPERTIES[] = "B7DC0791-A9B7-11CF-8EE6-00C00C205365";
static const char G_HEADER_EXTENSION[] = "5FBF03B5-A92E-11CF-8EE3-00C00C205365";
static const char G_EXT_STREAM_PROPERTIES[] = "14E6A5CB-C672-4332-8399-A96952065B5A";
static const char G_CONTENT_DESCRIPTION[] = "75B22633-668E-11CF-A6D9-00AA0062CE6C";
static const char G_EXT_CONTENT_DESCRIPTION[] = "D2D0A440-E307-11D2-97F0-00A0C90CA850";
static const char G_METADATA[] = "C5F8CBEA-5BAF-4877-8467-AA8C44FA4CCA";
static const char G_METADATA_LIBRARY[] = "44231C94-9498-49D1-A141-1D134E457054";
static const char G_AUDIO_MEDIA[] = "F8699E40-5B4D-11CF-A8FD-00805F5C442B";
static const char G_VIDEO_MEDIA[] = "BC19EFC0-5B4D-11CF-A8FD-00805F5C442B";
static const char G_COMMAND_MEDIA[] = "59DACFC0-59E6-11D0-A3AC-00A0C90348F6";

typedef struct asf_stream {
	unsigned number;
	const char *kind;
	char codec_tag[24];
	const char *codec;
	int64_t width, height, sample_rate, channels;
	uint64_t time_per_frame; /* 100 ns units, from extended properties */
	bool has_start;
	uint32_t start_ms; /* first presentation time, preroll included */
} asf_stream;

typedef struct parse {
	media *m;
	uint64_t play_duration, preroll; /* 100 ns, ms */
	uint32_t packet_size;
	bool broadcast, has_file_properties;
	uint64_t data_start, data_end; /* first packet, end of the data object */
	asf_stream streams[MEDIA_MAX_STREAMS];
	size_t n_streams, streams_dropped;
	unsigned objects;
	unsigned char *scratch; /* the object body being read */
	size_t scratch_len;
} parse;

/* ---- GUIDs ------------------------------------------------------------------- */

static int hex_digit(char c)
{
	return c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
}

/* The 16 bytes a GUID is stored as: the first three fields little-endian. */
static void guid_bytes(const char *text, unsigned char out[16])
{
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	unsigned char seq[16];
	int n = 0;

	for (const char *c = text; *c && n < 16; c++) {
		if (*c == '-')
			continue;
		seq[n++] = (unsigned char)(hex_digit(c[0]) << 4 | hex_digit(c[1]));
		c++;
	}
	for (int i = 0; i < 16; i++)
		out[i] = seq[order[i]];
}

static bool guid_is(const unsigned char *bytes, const char *text)
{
	unsigned char g[16];

	guid_bytes(text, g);
	return memcmp(bytes, g, 16) == 0;
}

/* ---- objects ------------------------------------------------------------------- */

typedef struct object {
	unsigned char guid[16];
	uint64_t offset, size; /* size clipped to the parent */
} object;

static bool next_object(parse *p, uint64_t pos, uint64_t end, object *o, const char *parent)
{
	const unsigned char *h;
	uint64_t size;

	if (pos >= end || end - pos < OBJECT_HEADER || !(h = media_peek(p->m, pos, OBJECT_HEADER)))
		return false;
	if (++p->objects > MAX_OBJECTS) {
		if (p->objects == MAX_OBJECTS + 1)
			media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_LIMIT,
			              "ASF: more than %u objects: the rest is not read", MAX_OBJECTS);
		return false;
	}
	memcpy(o->guid, h, 16);
	size = le64(h + 16);
	o->offset = pos;
	if (size < OBJECT_HEADER) {
		media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
		              "ASF: object at offset %llu in %s declares %llu bytes, less than its "
		              "header",
		              (unsigned long long)pos, parent, (unsigned long long)size);
		return false;
	}
	if (size > end - pos) {
		media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
		              "ASF: object at offset %llu in %s declares %llu bytes but only %llu "
		              "remain: truncated, %llu bytes missing",
		              (unsigned long long)pos, parent, (unsigned long long)size,
		              (unsigned long long)(end - pos),
		              (unsigned long long)(size - (end - pos)));
		size = end - pos;
	}
	o->size = size;
	return true;
}

/* The object's bytes after its header, copied (at most OBJECT_BODY_MAX;
 * valid until the next call).  Attributes such as cover pictures make
 * header objects larger than the read window. */
static const unsigned char *body(parse *p, const object *o, size_t need, size_t *len)
{
	uint64_t n = o->size - OBJECT_HEADER;
	unsigned char *grown;

	if (n < need) {
		media_problem(p->m, (int64_t)o->offset, EXHIBIT_ERR_FORMAT,
		              "ASF: object at offset %llu holds %llu bytes, fewer than the %zu it needs",
		              (unsigned long long)o->offset, (unsigned long long)n, need);
		return NULL;
	}
	if (n > OBJECT_BODY_MAX) {
		media_problem(p->m, (int64_t)o->offset, EXHIBIT_ERR_LIMIT,
		              "ASF: object at offset %llu is %llu bytes long: only the first %u are read",
		              (unsigned long long)o->offset, (unsigned long long)n, OBJECT_BODY_MAX);
		n = OBJECT_BODY_MAX;
	}
	if (n > p->scratch_len) {
		if (!(grown = realloc(p->scratch, (size_t)n)))
			return NULL;
		p->scratch = grown;
		p->scratch_len = (size_t)n;
	}
	if (!media_read(p->m, o->offset + OBJECT_HEADER, p->scratch, (size_t)n))
		return NULL;
	*len = (size_t)n;
	return p->scratch;
}

static asf_stream *stream_number(parse *p, unsigned number, bool create)
{
	for (size_t i = 0; i < p->n_streams; i++)
		if (p->streams[i].number == number)
			return &p->streams[i];
	if (!create)
		return NULL;
	if (p->n_streams == MEDIA_MAX_STREAMS) {
		p->streams_dropped++;
		return NULL;
	}
	memset(&p->streams[p->n_streams], 0, sizeof p->streams[0]);
	p->streams[p->n_streams].number = number;
	p->streams[p->n_streams].kind = "data";
	return &p->streams[p->n_streams++];
}

static void on_file_properties(parse *p, const object *o)
{
	size_t len;
	const unsigned char *d = body(p, o, 80, &len);
	uint64_t created;

	if (!d)
		return;
	p->has_file_properties = true;
	created = le64(d + 24);
	p->play_duration = le64(d + 40);
	p->preroll = le64(d + 56);
	p->broadcast = le32(d + 64) & 1;
	p->packet_size = le32(d + 68) == le32(d + 72) ? le32(d + 68) : 0;
	if (created && created / 10000000 > (uint64_t)MEDIA_EPOCH_1601 &&
	    created / 10000000 < (uint64_t)MEDIA_EPOCH_1601 + 8000000000ull) {
		media_datetime when = media_datetime_from_unix((int64_t)(created / 10000000) -
		                                               MEDIA_EPOCH_1601);
		char iso[32];
		media_datetime_local_text(&when, iso);
		media_tag_printf(p->m, "asf", "CreationDate", "%sZ", iso);
		media_offer_created(p->m, &when, "asf:CreationDate", 2);
	}
}

/* A Stream Properties object's body (also found inside an Extended
 * Stream Properties object). */
static void stream_properties(parse *p, const unsigned char *d, size_t len)
{
	asf_stream *s;
	size_t type_len;
	const unsigned char *t;

	if (len < 54)
		return;
	type_len = le32(d + 40);
	if (!(s = stream_number(p, le16(d + 48) & 0x7f, true)))
		return;
	t = d + 54;
	if (type_len > len - 54)
		type_len = len - 54;
	if (guid_is(d, G_VIDEO_MEDIA)) {
		s->kind = "video";
		if (type_len >= 11 + 20) {
			s->width = (int64_t)le32(t);
			s->height = (int64_t)le32(t + 4);
			s->codec = codec_from_fourcc(t + 11 + 16);
			snprintf(s->codec_tag, sizeof s->codec_tag, "%.4s", (const char *)t + 11 + 16);
			for (char *c = s->codec_tag; *c; c++)
				if (*c < 0x20 || *c > 0x7e)
					*c = '?';
		}
	} else if (guid_is(d, G_AUDIO_MEDIA)) {
		s->kind = "audio";
		if (type_len >= 16) {
			uint16_t tag = le16(t);
			s->codec = codec_from_wave_format(tag, le16(t + 14));
			snprintf(s->codec_tag, sizeof s->codec_tag, "0x%04x", tag);
			s->channels = le16(t + 2);
			s->sample_rate = le32(t + 4);
		}
	} else if (guid_is(d, G_COMMAND_MEDIA)) {
		s->kind = "data";
	}
}

static void on_stream_properties(parse *p, const object *o)
{
	size_t len;
	const unsigned char *d = body(p, o, 54, &len);

	if (d)
		stream_properties(p, d, len);
}

/* A UTF-16LE string of n bytes at d as a tag. */
static void tag_utf16(parse *p, const char *name, const unsigned char *d, size_t n)
{
	char *text = media_text_utf16(d, n, false);

	if (text) {
		if (text[0])
			media_tag_text(p->m, "asf", name, text);
		free(text);
	}
}

static void on_content_description(parse *p, const object *o)
{
	static const char *const names[5] = { "Title", "Author", "Copyright", "Description",
	                                      "Rating" };
	size_t len, at = 10;
	const unsigned char *d = body(p, o, 10, &len);

	if (!d)
		return;
	for (int i = 0; i < 5; i++) {
		size_t n = le16(d + 2 * i);
		if (n > len - at)
			return;
		tag_utf16(p, names[i], d + at, n);
		at += n;
	}
}

/* One attribute value, by its ASF data type, as a tag; the software
 * names are also offered to the description. */
static void attribute(parse *p, const unsigned char *name, size_t name_len, unsigned type,
                      const unsigned char *v, size_t len)
{
	char *key = media_text_utf16(name, name_len, false);
	char text[64];

	if (!key)
		return;
	switch (type) {
	case 0: { /* UTF-16LE string */
		char *value = media_text_utf16(v, len, false);
		if (value) {
			media_tag_text(p->m, "asf", key, value);
			if (!strcmp(key, "WM/ToolName") || !strcmp(key, "WM/EncodingSettings") ||
			    !strcmp(key, "Software"))
				media_offer_text(&p->m->software, 1, value, strlen(value));
			free(value);
		}
		break;
	}
	case 2: case 3: /* BOOL, DWORD */
		if (len >= 4) {
			snprintf(text, sizeof text, "%u", le32(v));
			media_tag_text(p->m, "asf", key, text);
		}
		break;
	case 4: /* QWORD */
		if (len >= 8) {
			snprintf(text, sizeof text, "%llu", (unsigned long long)le64(v));
			media_tag_text(p->m, "asf", key, text);
		}
		break;
	case 5: /* WORD */
		if (len >= 2) {
			snprintf(text, sizeof text, "%u", le16(v));
			media_tag_text(p->m, "asf", key, text);
		}
		break;
	default: /* byte array, GUID */
		media_tag_printf(p->m, "asf", key, "<%zu bytes of type %u>", len, type);
		break;
	}
	free(key);
}

static void on_ext_content_description(parse *p, const object *o)
{
	size_t len, at = 2;
	const unsigned char *d = body(p, o, 2, &len);
	unsigned count;

	if (!d)
		return;
	count = le16(d);
	for (unsigned i = 0; i < count && i < MAX_ATTRIBUTES; i++) {
		size_t name_len, value_len;
		unsigned type;
		if (len - at < 2 || (name_len = le16(d + at)) > len - at - 2 ||
		    len - at - 2 - name_len < 4)
			goto broken;
		type = le16(d + at + 2 + name_len);
		value_len = le16(d + at + 4 + name_len);
		if (value_len > len - at - 6 - name_len)
			goto broken;
		attribute(p, d + at + 2, name_len, type, d + at + 6 + name_len, value_len);
		at += 6 + name_len + value_len;
	}
	return;
broken:
	media_problem(p->m, (int64_t)(o->offset + OBJECT_HEADER + at), EXHIBIT_ERR_FORMAT,
	              "ASF: extended content description at offset %llu is cut at offset %llu",
	              (unsigned long long)o->offset,
	              (unsigned long long)(o->offset + OBJECT_HEADER + at));
}

/* Metadata and Metadata Library objects: records of
 * (language/reserved, stream, name length, type, data length, name, data). */
static void on_metadata(parse *p, const object *o)
{
	size_t len, at = 2;
	const unsigned char *d = body(p, o, 2, &len);
	unsigned count;

	if (!d)
		return;
	count = le16(d);
	for (unsigned i = 0; i < count && i < MAX_ATTRIBUTES; i++) {
		size_t name_len, data_len;
		if (len - at < 12)
			return;
		name_len = le16(d + at + 4);
		data_len = le32(d + at + 8);
		if (name_len > len - at - 12 || data_len > len - at - 12 - name_len)
			return;
		attribute(p, d + at + 12, name_len, le16(d + at + 6), d + at + 12 + name_len, data_len);
		at += 12 + name_len + data_len;
	}
}

/* Extended Stream Properties: the average time per frame, stream names,
 * and possibly an embedded Stream Properties object. */
static void on_ext_stream_properties(parse *p, const object *o)
{
	size_t len, at = 64;
	const unsigned char *d = body(p, o, 64, &len);
	unsigned names, systems, number;
	uint64_t per_frame;
	asf_stream *s;

	if (!d)
		return;
	number = le16(d + 48) & 0x7f;
	per_frame = le64(d + 52);
	names = le16(d + 60);
	systems = le16(d + 62);
	for (unsigned i = 0; i < names; i++) {
		if (len - at < 4 || le16(d + at + 2) > len - at - 4)
			return;
		at += 4u + le16(d + at + 2);
	}
	for (unsigned i = 0; i < systems; i++) {
		if (len - at < 22 || le32(d + at + 18) > len - at - 22)
			return;
		at += 22u + le32(d + at + 18);
	}
	if (len - at >= OBJECT_HEADER + 54 && guid_is(d + at, G_STREAM_PROPERTIES))
		stream_properties(p, d + at + OBJECT_HEADER, len - at - OBJECT_HEADER);
	if ((s = stream_number(p, number, true)))
		s->time_per_frame = per_frame;
}

static void on_header_extension(parse *p, const object *o)
{
	uint64_t start = o->offset + OBJECT_HEADER + 22, end = o->offset + o->size;
	object c;

	if (o->size < OBJECT_HEADER + 22)
		return;
	for (uint64_t pos = start; next_object(p, pos, end, &c, "the header extension");
	     pos += c.size) {
		if (guid_is(c.guid, G_EXT_STREAM_PROPERTIES))
			on_ext_stream_properties(p, &c);
		else if (guid_is(c.guid, G_METADATA) || guid_is(c.guid, G_METADATA_LIBRARY))
			on_metadata(p, &c);
	}
}

/* ---- data packets ------------------------------------------------------------ */

/* A field of 0, 1, 2 or 4 bytes by its 2-bit length type. */
static bool field(const unsigned char *d, size_t len, size_t *at, unsigned type, uint32_t *v)
{
	static const unsigned sizes[4] = { 0, 1, 2, 4 };
	unsigned n = sizes[type & 3];

	if (len - *at < n)
		return false;
	*v = n == 0 ? 0 : n == 1 ? d[*at] : n == 2 ? le16(d + *at) : le32(d + *at);
	*at += n;
	return true;
}

/* The payloads of one packet: each stream's first presentation time. */
static void packet_times(parse *p, const unsigned char *d, size_t len)
{
	size_t at = 0;
	unsigned flags, props, n_payloads = 1, payload_len_type = 0;
	uint32_t skip;
	bool multiple;

	if (len < 1)
		return;
	if (d[0] & 0x80) { /* error correction data */
		if (d[0] & 0x60)
			return; /* a length type other than the one the spec defines */
		at = 1u + (d[0] & 0x0f);
	}
	if (len - at < 2)
		return;
	flags = d[at];
	props = d[at + 1];
	at += 2;
	multiple = flags & 1;
	if (!field(d, len, &at, flags >> 5, &skip) || !field(d, len, &at, flags >> 1, &skip) ||
	    !field(d, len, &at, flags >> 3, &skip) || len - at < 6)
		return;
	at += 6; /* send time, duration */
	if (multiple) {
		if (len - at < 1)
			return;
		n_payloads = d[at] & 0x3f;
		payload_len_type = d[at] >> 6;
		at++;
	}
	for (unsigned i = 0; i < n_payloads; i++) {
		uint32_t object_number, offset, rep_len, payload_len = 0;
		asf_stream *s;
		unsigned number;
		if (len - at < 1)
			return;
		number = d[at++] & 0x7f;
		if (!field(d, len, &at, props >> 4, &object_number) ||
		    !field(d, len, &at, props >> 2, &offset) || !field(d, len, &at, props, &rep_len) ||
		    rep_len > len - at)
			return;
		s = stream_number(p, number, false);
		if (s && !s->has_start) {
			if (rep_len >= 8) {
				s->start_ms = le32(d + at + 4);
				s->has_start = true;
			} else if (rep_len == 1) { /* compressed payloads: the time is the offset */
				s->start_ms = offset;
				s->has_start = true;
			}
		}
		at += rep_len;
		if (multiple) {
			if (!field(d, len, &at, payload_len_type, &payload_len) || payload_len > len - at)
				return;
			at += payload_len;
		}
	}
}

static void read_packets(parse *p)
{
	unsigned char *buf;

	if (!p->packet_size || p->packet_size > MEDIA_WINDOW || !p->data_start)
		return;
	if (!(buf = malloc(p->packet_size)))
		return;
	for (unsigned i = 0; i < MAX_DATA_PACKETS; i++) {
		uint64_t at = p->data_start + (uint64_t)i * p->packet_size;
		bool all = true;
		if (at > p->data_end || p->data_end - at < p->packet_size ||
		    !media_read(p->m, at, buf, p->packet_size))
			break;
		packet_times(p, buf, p->packet_size);
		for (size_t k = 0; k < p->n_streams; k++)
			all = all && (p->streams[k].has_start || !strcmp(p->streams[k].kind, "data"));
		if (all)
			break;
	}
	free(buf);
}

/* ---- results --------------------------------------------------------------------- */

static void describe(parse *p)
{
	media *m = p->m;
	double length = -1, earliest = 0, latest = 0;
	bool any_start = false;

	if (p->has_file_properties && !p->broadcast && p->play_duration)
		length = p->play_duration / 1e7 - p->preroll / 1e3;
	for (size_t i = 0; i < p->n_streams; i++) {
		asf_stream *a = &p->streams[i];
		media_stream *s = media_add_stream(m, a->kind);
		if (!s)
			continue;
		s->id = a->number;
		media_set_codec(s->codec, a->codec);
		snprintf(s->codec_tag, sizeof s->codec_tag, "%s", a->codec_tag);
		s->width = a->width;
		s->height = a->height;
		s->sample_rate = a->sample_rate;
		s->channels = a->channels;
		if (!strcmp(a->kind, "video") && a->time_per_frame)
			s->frame_rate = 1e7 / (double)a->time_per_frame;
		s->duration_s = length >= 0 ? length : -1;
		if (a->has_start) {
			double start = ((double)a->start_ms - (double)p->preroll) / 1e3;
			if (!any_start || start < earliest)
				earliest = start;
			if (!any_start || start > latest)
				latest = start;
			any_start = true;
		}
	}
	m->streams_dropped += p->streams_dropped;
	if (length >= 0)
		m->duration_s = length + (any_start ? latest - earliest : 0);
	if (!p->has_file_properties)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              "ASF: no File Properties object: the duration is missing");
}

bool parse_asf(media *m)
{
	parse *p = calloc(1, sizeof *p);
	const unsigned char *h = media_peek(m, 0, 30);
	object header, o;

	if (!p) {
		media_problem(m, -1, EXHIBIT_ERR, "out of memory");
		return false;
	}
	p->m = m;
	if (!h || !guid_is(h, G_HEADER) || !next_object(p, 0, m->size, &header, "the file")) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not an ASF file: no Header Object at offset 0");
		free(p);
		return false;
	}
	m->container = "asf";
	for (uint64_t pos = 30; next_object(p, pos, header.size, &o, "the header"); pos += o.size) {
		if (guid_is(o.guid, G_FILE_PROPERTIES))
			on_file_properties(p, &o);
		else if (guid_is(o.guid, G_STREAM_PROPERTIES))
			on_stream_properties(p, &o);
		else if (guid_is(o.guid, G_CONTENT_DESCRIPTION))
			on_content_description(p, &o);
		else if (guid_is(o.guid, G_EXT_CONTENT_DESCRIPTION))
			on_ext_content_description(p, &o);
		else if (guid_is(o.guid, G_HEADER_EXTENSION))
			on_header_extension(p, &o);
	}
	if (next_object(p, header.size, m->size, &o, "the file") && guid_is(o.guid, G_DATA)) {
		p->data_start = o.offset + 50;
		p->data_end = o.offset + o.size;
		read_packets(p);
	} else if (header.size < m->size) {
		media_problem(m, (int64_t)header.size, EXHIBIT_ERR_FORMAT,
		              "ASF: no Data Object after the header (offset %llu)",
		              (unsigned long long)header.size);
	}
	describe(p);
	free(p->scratch);
	free(p);
	return true;
}

/*
 * flv.c — Flash video (FLV, Adobe Flash Video File Format v10.1): the
 * file header, the onMetaData script tag (AMF0) and the first audio and
 * video tags.
 *
 *   header             'FLV', version, which streams are present;
 *   script tag         onMetaData as AMF0: duration, width, height,
 *                      framerate, videocodecid, audiocodecid,
 *                      creationdate, encoder, ... (every property a tag);
 *   first video tag    CodecID (hence codec), and the picture size from
 *                      the codec's own header where it states one
 *                      (Sorenson H.263 picture header, AVC SPS);
 *   first audio tag    SoundFormat, rate, channels;
 *   last tag           its timestamp, for the duration when onMetaData
 *                      has none; found from the trailing PreviousTagSize.
 *
 * Tags are walked by their sizes from the start, at most MAX_TAGS of
 * them (enough to meet the metadata and the first frames); a tag running
 * past the end is reported as truncated at its offset.  AMF0 values are
 * read within their tag, nesting limited to AMF_MAX_DEPTH and the number
 * of values to AMF_MAX_VALUES; long arrays (keyframe indexes) are
 * summarised, not kept.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "codec_names.h"
#include "media_text.h"
#include "media_time.h"
#include "stream_headers.h"
#include "video_parsers.h"

#define MAX_TAGS 4096
#define AMF_MAX_DEPTH 12
#define AMF_MAX_VALUES 20000
#define AMF_ARRAY_KEPT 16 /* elements of a strict array kept as tags */
#define NAME_MAX_LEN 128
#define SCRIPT_MAX (4u * 1024 * 1024) /* bytes of onMetaData read */

typedef struct parse {
	media *m;
	bool has_video_flag, has_audio_flag;
	/* from onMetaData */
	double md_duration, md_width, md_height, md_framerate, md_video_codec,
	       md_audio_codec, md_audio_rate;
	bool has_md_duration, has_md_width, has_md_height, has_md_framerate,
	     has_md_video_codec, has_md_audio_codec, has_md_audio_rate, has_metadata;
	/* from the first frames */
	bool has_video_tag, has_audio_tag;
	unsigned video_codec, sound_format, sound_rate, sound_size, sound_type;
	unsigned aac_rate, aac_channels; /* from the AAC sequence header */
	picture_size picture;
	bool has_picture;
	uint32_t last_timestamp;
	bool has_last_timestamp;
	bool truncation_reported;
	/* AMF0 reader */
	const unsigned char *amf;
	size_t amf_len, amf_pos;
	uint64_t amf_base; /* item offset of amf[0], for messages */
	unsigned amf_values;
	bool amf_broken;
	bool quiet; /* inside a long array: values are skipped, not kept */
} parse;

/* ---- AMF0 ------------------------------------------------------------------ */

static bool amf_need(parse *p, size_t n)
{
	if (p->amf_len - p->amf_pos < n) {
		p->amf_broken = true;
		return false;
	}
	return true;
}

static double amf_number_at(const unsigned char *d)
{
	union { uint64_t u; double f; } x = { be64(d) };

	return x.f;
}

/* What a top-level onMetaData number means. */
static void metadata_number(parse *p, const char *name, double v)
{
	if (!isfinite(v))
		return;
	if (!strcmp(name, "duration"))
		p->md_duration = v, p->has_md_duration = v > 0;
	else if (!strcmp(name, "width"))
		p->md_width = v, p->has_md_width = v > 0;
	else if (!strcmp(name, "height"))
		p->md_height = v, p->has_md_height = v > 0;
	else if (!strcmp(name, "framerate") || !strcmp(name, "videoframerate"))
		p->md_framerate = v, p->has_md_framerate = v > 0;
	else if (!strcmp(name, "videocodecid"))
		p->md_video_codec = v, p->has_md_video_codec = true;
	else if (!strcmp(name, "audiocodecid"))
		p->md_audio_codec = v, p->has_md_audio_codec = true;
	else if (!strcmp(name, "audiosamplerate"))
		p->md_audio_rate = v, p->has_md_audio_rate = v > 0;
}

static void metadata_text(parse *p, const char *name, const char *v, size_t len)
{
	media_datetime when;

	if (!strcmp(name, "encoder") || !strcmp(name, "metadatacreator") ||
	    !strcmp(name, "creator"))
		media_offer_text(&p->m->software, !strcmp(name, "encoder") ? 2 : 1, v, len);
	else if ((!strcmp(name, "creationdate") || !strcmp(name, "creation_time")) &&
	         media_datetime_parse(v, len, &when))
		media_offer_created(p->m, &when, "flv:creationdate", 1);
}

static void amf_value(parse *p, const char *name, unsigned depth, bool top);

/* Properties (name, value) until the empty name and object-end marker. */
static void amf_properties(parse *p, const char *prefix, unsigned depth, bool top)
{
	while (!p->amf_broken && amf_need(p, 3)) {
		size_t n = be16(p->amf + p->amf_pos);
		char key[NAME_MAX_LEN], full[2 * NAME_MAX_LEN];

		if (n == 0 && p->amf[p->amf_pos + 2] == 0x09) {
			p->amf_pos += 3;
			return;
		}
		p->amf_pos += 2;
		if (!amf_need(p, n))
			return;
		snprintf(key, sizeof key, "%.*s", (int)(n < NAME_MAX_LEN ? n : NAME_MAX_LEN - 1),
		         (const char *)p->amf + p->amf_pos);
		p->amf_pos += n;
		snprintf(full, sizeof full, "%s%s%s", prefix, prefix[0] ? "." : "", key);
		amf_value(p, full, depth + 1, top);
	}
}

static void amf_value(parse *p, const char *name, unsigned depth, bool top)
{
	unsigned char type;
	size_t n;

	if (depth > AMF_MAX_DEPTH || ++p->amf_values > AMF_MAX_VALUES) {
		p->amf_broken = true;
		return;
	}
	if (!amf_need(p, 1))
		return;
	type = p->amf[p->amf_pos++];
	switch (type) {
	case 0: /* number */
		if (!amf_need(p, 8))
			return;
		{
			double v = amf_number_at(p->amf + p->amf_pos);
			if (!p->quiet) {
				char text[40];
				/* the shortest form that reads back as the same number */
				snprintf(text, sizeof text, "%.15g", v);
				if (strtod(text, NULL) != v)
					snprintf(text, sizeof text, "%.17g", v);
				media_tag_text(p->m, "amf0", name, text);
			}
			if (top)
				metadata_number(p, name, v);
		}
		p->amf_pos += 8;
		return;
	case 1: /* boolean */
		if (!amf_need(p, 1))
			return;
		if (!p->quiet)
			media_tag_text(p->m, "amf0", name, p->amf[p->amf_pos] ? "true" : "false");
		p->amf_pos++;
		return;
	case 2: /* string */
	case 12: /* long string */
	case 15: /* XML document */
		if (!amf_need(p, type == 2 ? 2 : 4))
			return;
		n = type == 2 ? be16(p->amf + p->amf_pos) : be32(p->amf + p->amf_pos);
		p->amf_pos += type == 2 ? 2 : 4;
		if (!amf_need(p, n))
			return;
		if (!p->quiet)
			media_tag_bytes(p->m, "amf0", name, p->amf + p->amf_pos, n);
		if (top)
			metadata_text(p, name, (const char *)p->amf + p->amf_pos, n);
		p->amf_pos += n;
		return;
	case 3: /* object */
		amf_properties(p, name, depth, false);
		return;
	case 8: /* ECMA array: a count (a hint only), then properties */
		if (!amf_need(p, 4))
			return;
		p->amf_pos += 4;
		amf_properties(p, name, depth, top);
		return;
	case 16: /* typed object: class name, then properties */
		if (!amf_need(p, 2) || (n = be16(p->amf + p->amf_pos), !amf_need(p, 2 + n)))
			return;
		p->amf_pos += 2 + n;
		amf_properties(p, name, depth, false);
		return;
	case 10: { /* strict array */
		uint32_t count;
		if (!amf_need(p, 4))
			return;
		count = be32(p->amf + p->amf_pos);
		p->amf_pos += 4;
		if (count > p->amf_len - p->amf_pos) { /* every value takes a byte at least */
			p->amf_broken = true;
			return;
		}
		if (count > AMF_ARRAY_KEPT && !p->quiet)
			media_tag_printf(p->m, "amf0", name, "<array of %u values>", count);
		for (uint32_t i = 0; i < count && !p->amf_broken; i++) {
			char item[2 * NAME_MAX_LEN + 16];
			bool was_quiet = p->quiet;
			snprintf(item, sizeof item, "%s[%u]", name, i);
			p->quiet = was_quiet || count > AMF_ARRAY_KEPT; /* keyframe indexes */
			amf_value(p, item, depth + 1, false);
			p->quiet = was_quiet;
		}
		return;
	}
	case 11: /* date: milliseconds since 1970 (UTC), then a zone hint */
		if (!amf_need(p, 10))
			return;
		{
			double ms = amf_number_at(p->amf + p->amf_pos);
			if (isfinite(ms) && fabs(ms) < 1e15) {
				media_datetime when = media_datetime_from_unix((int64_t)(ms / 1000));
				char iso[32];
				media_datetime_local_text(&when, iso);
				if (!p->quiet)
					media_tag_printf(p->m, "amf0", name, "%sZ", iso);
			}
		}
		p->amf_pos += 10;
		return;
	case 5: /* null */
	case 6: /* undefined */
	case 13: /* unsupported */
		return;
	case 7: /* reference */
		if (amf_need(p, 2))
			p->amf_pos += 2;
		return;
	case 9: /* a stray object end */
		return;
	default:
		p->amf_broken = true;
		return;
	}
}

/* A script tag: "onMetaData" then its value. */
static void on_script(parse *p, uint64_t data, uint32_t size)
{
	unsigned char *buf;
	size_t n;

	if (size < 3 || p->has_metadata)
		return;
	if (size > SCRIPT_MAX) {
		media_problem(p->m, (int64_t)data, EXHIBIT_ERR_LIMIT,
		              "FLV: the script tag at offset %llu is %u bytes long: only the first "
		              "%u are read",
		              (unsigned long long)data, size, SCRIPT_MAX);
		size = SCRIPT_MAX;
	}
	if (!(buf = malloc(size)) || !media_read(p->m, data, buf, size)) {
		free(buf);
		return;
	}
	p->amf = buf;
	p->amf_len = size;
	p->amf_pos = 0;
	p->amf_base = data;
	p->amf_broken = false;
	if (buf[0] == 2 && (n = be16(buf + 1)) <= size - 3 && n == 10 &&
	    memcmp(buf + 3, "onMetaData", 10) == 0) {
		p->has_metadata = true;
		p->amf_pos = 13;
		amf_value(p, "", 0, true);
		/* the top-level names carry no prefix: amf_value with "" gives
		 * names like "duration" */
		if (p->amf_broken)
			media_problem(p->m, (int64_t)(data + p->amf_pos), EXHIBIT_ERR_FORMAT,
			              "FLV: onMetaData at offset %llu is malformed or cut at offset "
			              "%llu; what came before is kept",
			              (unsigned long long)data, (unsigned long long)(data + p->amf_pos));
	}
	p->amf = NULL;
	free(buf);
}

/* ---- audio and video tags --------------------------------------------------- */

static void on_video(parse *p, uint64_t data, uint32_t size)
{
	unsigned char head[512];
	size_t n = size < sizeof head ? size : sizeof head;

	if (p->has_video_tag || size < 1 || !media_read(p->m, data, head, n))
		return;
	p->has_video_tag = true;
	p->video_codec = head[0] & 15;
	if (p->video_codec == 2) {
		p->has_picture = h263_flv_size(head + 1, n - 1, &p->picture);
	} else if (p->video_codec == 7 && n > 5 && head[1] == 0) {
		/* AVCDecoderConfigurationRecord after the 4-byte AVC packet header */
		const unsigned char *rec = head + 5;
		size_t rlen = n - 5;
		if (rlen > 8 && (rec[5] & 0x1f) >= 1) {
			size_t sps_len = be16(rec + 6);
			if (sps_len <= rlen - 8)
				p->has_picture = h264_sps_size(rec + 8, sps_len, &p->picture);
		}
		if (!p->has_picture)
			p->has_video_tag = false; /* wait for the configuration record */
	}
}

static void on_audio(parse *p, uint64_t data, uint32_t size)
{
	static const unsigned aac_rates[] = { 96000, 88200, 64000, 48000, 44100, 32000,
	                                      24000, 22050, 16000, 12000, 11025, 8000, 7350 };
	const unsigned char *d;

	if (p->has_audio_tag || size < 1 || !(d = media_peek(p->m, data, size < 4 ? size : 4)))
		return;
	p->has_audio_tag = true;
	p->sound_format = d[0] >> 4;
	p->sound_rate = (d[0] >> 2) & 3;
	p->sound_size = (d[0] >> 1) & 1;
	p->sound_type = d[0] & 1;
	/* AAC: the flags always say 44.1 kHz stereo; the AudioSpecificConfig
	 * of the sequence header (packet type 0) says what it is */
	if (p->sound_format == 10 && size >= 4 && d[1] == 0) {
		unsigned index = (d[2] & 7) << 1 | d[3] >> 7;
		if (index < 13) {
			p->aac_rate = aac_rates[index];
			p->aac_channels = (d[3] >> 3) & 15;
		}
	} else if (p->sound_format == 10 && size >= 2) {
		p->has_audio_tag = false; /* wait for the sequence header */
	}
}

/* The last tag's timestamp, from the PreviousTagSize the file ends with;
 * a file that does not end so is cut short (or carved). */
static void find_last_tag(parse *p)
{
	const unsigned char *d;
	uint32_t prev = 0;
	uint64_t at = 0;
	bool whole = false;

	if (p->m->size >= 4 + 11 && (d = media_peek(p->m, p->m->size - 4, 4))) {
		prev = be32(d);
		if (prev >= 11 && prev <= p->m->size - 4) {
			at = p->m->size - 4 - prev;
			if ((d = media_peek(p->m, at, 11)) && be24(d + 1) + 11 == prev &&
			    ((d[0] & 0x1f) == 8 || (d[0] & 0x1f) == 9 || (d[0] & 0x1f) == 18)) {
				p->last_timestamp = be24(d + 4) | (uint32_t)d[7] << 24;
				p->has_last_timestamp = whole = true;
			}
		}
	}
	if (!whole && !p->truncation_reported && p->m->size > 13)
		media_problem(p->m, (int64_t)(p->m->size - 4), EXHIBIT_ERR_FORMAT,
		              "FLV: the file does not end with a whole tag (its last 4 bytes are not "
		              "the size of a tag before them): truncated or carved");
}

static void walk_tags(parse *p, uint64_t pos)
{
	for (unsigned i = 0; i < MAX_TAGS && pos < p->m->size; i++) {
		const unsigned char *d;
		uint32_t size, type;
		uint64_t data;

		if (!(d = media_peek(p->m, pos, 11))) {
			if (p->m->size - pos > 4) {
				media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
				              "FLV: the tag header at offset %llu is cut off: truncated",
				              (unsigned long long)pos);
				p->truncation_reported = true;
			}
			return;
		}
		type = d[0] & 0x1f;
		size = be24(d + 1);
		data = pos + 11;
		if (type != 8 && type != 9 && type != 18) {
			media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "FLV: no valid tag at offset %llu (type %u): the rest is not read",
			              (unsigned long long)pos, type);
			return;
		}
		if (size > p->m->size - data) {
			media_problem(p->m, (int64_t)pos, EXHIBIT_ERR_FORMAT,
			              "FLV: tag at offset %llu declares %u bytes but only %llu remain: "
			              "truncated",
			              (unsigned long long)pos, size, (unsigned long long)(p->m->size - data));
			p->truncation_reported = true;
			return;
		}
		if (type == 18)
			on_script(p, data, size);
		else if (type == 9)
			on_video(p, data, size);
		else
			on_audio(p, data, size);
		if (p->has_metadata && (p->has_video_tag || !p->has_video_flag) &&
		    (p->has_audio_tag || !p->has_audio_flag))
			return; /* all that is needed is known */
		pos = data + size + 4;
	}
}

/* ---- results ---------------------------------------------------------------- */

static void describe(parse *p)
{
	media *m = p->m;
	static const unsigned rates[] = { 5512, 11025, 22050, 44100 };

	if (p->has_video_tag || p->has_md_video_codec || p->has_video_flag) {
		media_stream *s = media_add_stream(m, "video");
		unsigned codec = p->has_video_tag ? p->video_codec : (unsigned)p->md_video_codec;
		if (s) {
			if (p->has_video_tag || p->has_md_video_codec) {
				media_set_codec(s->codec, codec_from_flv_video(codec));
				snprintf(s->codec_tag, sizeof s->codec_tag, "%u", codec);
			}
			if (p->has_picture) {
				s->width = p->picture.width;
				s->height = p->picture.height;
			} else {
				s->width = p->has_md_width ? (int64_t)p->md_width : 0;
				s->height = p->has_md_height ? (int64_t)p->md_height : 0;
			}
			s->frame_rate = p->has_md_framerate ? p->md_framerate : 0;
		}
	}
	if (p->has_audio_tag || p->has_md_audio_codec || p->has_audio_flag) {
		media_stream *s = media_add_stream(m, "audio");
		if (s && p->has_audio_tag) {
			media_set_codec(s->codec, codec_from_flv_audio(p->sound_format, p->sound_size));
			snprintf(s->codec_tag, sizeof s->codec_tag, "%u", p->sound_format);
			s->sample_rate = p->sound_format == 14 ? 8000 : rates[p->sound_rate];
			s->channels = p->sound_type ? 2 : 1;
			if (p->aac_rate) {
				s->sample_rate = p->aac_rate;
				s->channels = p->aac_channels ? p->aac_channels : s->channels;
			}
		} else if (s && p->has_md_audio_codec) {
			media_set_codec(s->codec, codec_from_flv_audio((unsigned)p->md_audio_codec, 1));
			s->sample_rate = p->has_md_audio_rate ? (int64_t)p->md_audio_rate : 0;
		}
	}
	if (p->has_md_duration)
		m->duration_s = p->md_duration;
	else if (p->has_last_timestamp)
		m->duration_s = p->last_timestamp / 1000.0;
	if (!p->has_metadata)
		media_tag_text(m, "flv", "onMetaData", "absent");
}

bool parse_flv(media *m)
{
	parse *p = calloc(1, sizeof *p);
	const unsigned char *h = media_peek(m, 0, 9);
	uint32_t header;

	if (!p) {
		media_problem(m, -1, EXHIBIT_ERR, "out of memory");
		return false;
	}
	p->m = m;
	if (!h || memcmp(h, "FLV", 3) != 0) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT, "not an FLV file: no 'FLV' signature");
		free(p);
		return false;
	}
	m->container = "flv";
	p->has_audio_flag = h[4] & 4;
	p->has_video_flag = h[4] & 1;
	header = be32(h + 5);
	if (header < 9 || header > m->size) {
		media_problem(m, 5, EXHIBIT_ERR_FORMAT,
		              "FLV: the header declares a size of %u bytes; 9 is assumed", header);
		header = 9;
	}
	walk_tags(p, (uint64_t)header + 4);
	find_last_tag(p);
	describe(p);
	free(p);
	return true;
}

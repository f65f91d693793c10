/*
 * media.c — see media.h.
 */
#include "media.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media_text.h"
#include "media_time.h"

/* ---- results ------------------------------------------------------------ */


void media_init(media *m, const exhibit_host_api *api, exhibit_host *host, uint64_t size)
{
	memset(m, 0, sizeof *m);
	m->api = api;
	m->host = host;
	m->size = size;
	m->duration_s = -1;
	m->status = EXHIBIT_OK;
}

void media_free(media *m)
{
	free(m->window);
	free(m->make.text);
	free(m->model.text);
	free(m->software.text);
	free(m->lens_model.text);
	free(m->body_serial.text);
	free(m->lens_serial.text);
	for (size_t i = 0; i < m->n_tags; i++) {
		free(m->tags[i].name);
		free(m->tags[i].value);
	}
	free(m->tags);
	memset(m, 0, sizeof *m);
}

void media_problem(media *m, int64_t offset, int code, const char *fmt, ...)
{
	char message[512];
	va_list ap;

	m->status = media_worse(m->status, code);
	if (++m->n_problems > MEDIA_MAX_PROBLEMS) {
		if (m->n_problems == MEDIA_MAX_PROBLEMS + 1)
			m->api->report_error(m->host, -1, "more problems in this item were not recorded");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	m->api->report_error(m->host, offset, message);
}

/* ---- reading ------------------------------------------------------------ */

bool media_has(const media *m, uint64_t offset, uint64_t len)
{
	return offset <= m->size && len <= m->size - offset;
}

/* Fill buf with exactly len bytes at offset; false on a short or failed read. */
static bool read_exact(media *m, uint64_t offset, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		int64_t n = m->api->read(m->host, offset + got, buf + got, len - got);
		if (n < 0 || (uint64_t)n > len - got) {
			if (!m->read_failed)
				m->status = media_worse(m->status, EXHIBIT_ERR_READ);
			m->read_failed = true; /* the host has recorded why */
			return false;
		}
		if (n == 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

const unsigned char *media_peek(media *m, uint64_t offset, size_t len)
{
	size_t want;

	if (len > MEDIA_WINDOW || !media_has(m, offset, len) || m->read_failed)
		return NULL;
	if (m->window && offset >= m->window_offset &&
	    offset - m->window_offset + len <= m->window_len)
		return m->window + (offset - m->window_offset);
	if (!m->window && !(m->window = malloc(MEDIA_WINDOW)))
		return NULL;
	want = m->size - offset < MEDIA_WINDOW ? (size_t)(m->size - offset) : MEDIA_WINDOW;
	m->window_len = 0;
	if (!read_exact(m, offset, m->window, want))
		return NULL;
	m->window_offset = offset;
	m->window_len = want;
	return m->window;
}

bool media_read(media *m, uint64_t offset, void *buf, size_t len)
{
	const unsigned char *p;

	if (!media_has(m, offset, len) || m->read_failed)
		return false;
	if (len <= MEDIA_WINDOW && (p = media_peek(m, offset, len))) {
		memcpy(buf, p, len);
		return true;
	}
	return read_exact(m, offset, buf, len);
}

/* ---- what was found ----------------------------------------------------- */

media_stream *media_add_stream(media *m, const char *kind)
{
	media_stream *s;

	if (m->n_streams == MEDIA_MAX_STREAMS) {
		m->streams_dropped++;
		return NULL;
	}
	s = &m->streams[m->n_streams++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->duration_s = -1;
	s->id = -1;
	return s;
}

static void keep_tag(media *m, const char *source, char *name, char *value)
{
	if (!name || !value || m->n_tags == MEDIA_MAX_TAGS) {
		free(name);
		free(value);
		m->tags_dropped++;
		return;
	}
	if (m->n_tags == m->tags_capacity) {
		size_t cap = m->tags_capacity ? m->tags_capacity * 2 : 32;
		media_tag *grown = realloc(m->tags, cap * sizeof *grown);
		if (!grown) {
			free(name);
			free(value);
			m->tags_dropped++;
			return;
		}
		m->tags = grown;
		m->tags_capacity = cap;
	}
	m->tags[m->n_tags].source = source;
	m->tags[m->n_tags].name = name;
	m->tags[m->n_tags].value = value;
	m->n_tags++;
}

void media_tag_bytes(media *m, const char *source, const char *name, const void *value,
                     size_t len)
{
	if (m->n_tags == MEDIA_MAX_TAGS) {
		m->tags_dropped++;
		return;
	}
	if (len > MEDIA_MAX_VALUE)
		len = MEDIA_MAX_VALUE;
	keep_tag(m, source, media_text_escape(name, strlen(name)), media_text_escape(value, len));
}

void media_tag_text(media *m, const char *source, const char *name, const char *value)
{
	media_tag_bytes(m, source, name, value, strlen(value));
}

void media_tag_printf(media *m, const char *source, const char *name, const char *fmt, ...)
{
	char value[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	media_tag_text(m, source, name, value);
}

void media_offer_text(media_text_field *field, int priority, const void *bytes, size_t len)
{
	const unsigned char *s = bytes;
	char *text;

	if (priority <= field->priority)
		return;
	while (len && (s[0] == ' ' || s[0] == '\0')) {
		s++;
		len--;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0')
			len = i;
	len = media_text_trimmed_length(s, len);
	if (len > MEDIA_MAX_VALUE)
		len = MEDIA_MAX_VALUE;
	if (!len || !(text = media_text_escape(s, len)))
		return;
	free(field->text);
	field->text = text;
	field->priority = priority;
}

void media_offer_created(media *m, const media_datetime *when, const char *source,
                         int priority)
{
	if (priority <= m->created_priority || when->year < 1)
		return;
	m->created = *when;
	m->created_source = source;
	m->created_priority = priority;
}

void media_offer_location(media *m, double latitude, double longitude,
                          const double *altitude, const char *source, int priority)
{
	if (priority <= m->location_priority || !(latitude >= -90 && latitude <= 90) ||
	    !(longitude >= -180 && longitude <= 180))
		return;
	m->latitude = latitude;
	m->longitude = longitude;
	m->has_altitude = altitude != NULL;
	m->altitude = altitude ? *altitude : 0;
	m->location_source = source;
	m->location_priority = priority;
}

void media_set_codec(char *dst, const char *name)
{
	snprintf(dst, MEDIA_CODEC_MAX, "%s", name ? name : "");
}

void media_set_rotation(media *m, long degrees)
{
	long d = degrees % 360;

	m->rotation = (int)(d < 0 ? d + 360 : d);
	m->has_rotation = true;
}

/* ---- emission ----------------------------------------------------------- */

/* The stream that speaks for the item: the first video, else the first
 * audio, else the first of any kind. */
static const media_stream *main_stream(const media *m)
{
	static const char *const order[] = { "video", "audio" };

	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < m->n_streams; i++)
			if (m->streams[i].kind && strcmp(m->streams[i].kind, order[k]) == 0)
				return &m->streams[i];
	return m->n_streams ? &m->streams[0] : NULL;
}

/* Fill the summary from the main stream where the container said nothing. */
static void summarise(media *m)
{
	const media_stream *s = main_stream(m);

	if (!m->kind)
		m->kind = s && strcmp(s->kind, "video") == 0 ? "video"
		        : s && strcmp(s->kind, "audio") == 0 ? "audio" : "video";
	if (!s)
		return;
	if (!m->codec[0])
		media_set_codec(m->codec, s->codec);
	if (strcmp(s->kind, "video") != 0)
		return;
	if (!m->width && !m->height) {
		m->width = s->width;
		m->height = s->height;
	}
	if (m->frame_rate <= 0)
		m->frame_rate = s->frame_rate;
}

/* A text field, NULL when the text is missing or empty. */
static exhibit_field text_or_null(const char *name, const char *v)
{
	exhibit_field f = EXHIBIT_FIELD_TEXT(name, v);

	if (!v || !v[0])
		f.type = EXHIBIT_NULL;
	return f;
}

#define TEXT_OR_NULL(n, v) text_or_null((n), (v))

static exhibit_field int_or_null(const char *name, int64_t v, bool known)
{
	exhibit_field f = EXHIBIT_FIELD_INT(name, v);

	if (!known)
		f.type = EXHIBIT_NULL;
	return f;
}

static exhibit_field real_or_null(const char *name, double v, bool known)
{
	exhibit_field f = EXHIBIT_FIELD_REAL(name, v);

	if (!known)
		f.type = EXHIBIT_NULL;
	return f;
}

static int emit_summary(media *m)
{
	char local[32] = "", offset[16] = "";
	const media_datetime *c = &m->created;
	bool has_created = m->created_priority > 0;
	bool utc = has_created && c->has_zone;

	if (has_created && !utc)
		media_datetime_local_text(c, local);
	if (utc && m->created_source)
		snprintf(offset, sizeof offset, "%c%02d:%02d", c->zone_minutes < 0 ? '-' : '+',
		         abs(c->zone_minutes) / 60, abs(c->zone_minutes) % 60);
	{
		exhibit_field f[] = {
			EXHIBIT_FIELD_TEXT("kind", m->kind),
			EXHIBIT_FIELD_TEXT("container", m->container),
			TEXT_OR_NULL("codec", m->codec),
			int_or_null("width", m->width, m->width > 0),
			int_or_null("height", m->height, m->height > 0),
			real_or_null("duration_s", m->duration_s, m->duration_s >= 0),
			real_or_null("frame_rate", m->frame_rate, m->frame_rate > 0),
			int_or_null("rotation", m->rotation, m->has_rotation),
			int_or_null("orientation", m->orientation, m->orientation > 0),
			int_or_null("created", utc ? media_datetime_unix(c) : 0, utc),
			int_or_null("created_ns", c->nanosecond, utc && c->nanosecond > 0),
			TEXT_OR_NULL("created_local", local),
			TEXT_OR_NULL("created_offset", offset),
			EXHIBIT_FIELD_TEXT("created_source", has_created ? m->created_source : NULL),
			TEXT_OR_NULL("make", m->make.text),
			TEXT_OR_NULL("model", m->model.text),
			TEXT_OR_NULL("software", m->software.text),
			TEXT_OR_NULL("lens_model", m->lens_model.text),
			TEXT_OR_NULL("body_serial", m->body_serial.text),
			TEXT_OR_NULL("lens_serial", m->lens_serial.text),
			real_or_null("latitude", m->latitude, m->location_priority > 0),
			real_or_null("longitude", m->longitude, m->location_priority > 0),
			real_or_null("altitude", m->altitude, m->location_priority > 0 && m->has_altitude),
			EXHIBIT_FIELD_TEXT("location_source",
			                   m->location_priority > 0 ? m->location_source : NULL),
			EXHIBIT_FIELD_INT("streams", m->n_streams + m->streams_dropped),
			EXHIBIT_FIELD_INT("complete", m->n_problems == 0 && m->status == EXHIBIT_OK),
		};
		return m->api->emit_record(m->host, "media", f, sizeof f / sizeof f[0]);
	}
}

static int emit_stream(media *m, size_t index)
{
	const media_stream *s = &m->streams[index];
	exhibit_field f[] = {
		EXHIBIT_FIELD_INT("stream_index", index),
		int_or_null("track_id", s->id, s->id >= 0),
		EXHIBIT_FIELD_TEXT("kind", s->kind),
		TEXT_OR_NULL("codec", s->codec),
		TEXT_OR_NULL("codec_tag", s->codec_tag),
		int_or_null("width", s->width, s->width > 0),
		int_or_null("height", s->height, s->height > 0),
		real_or_null("frame_rate", s->frame_rate, s->frame_rate > 0),
		int_or_null("sample_rate", s->sample_rate, s->sample_rate > 0),
		int_or_null("channels", s->channels, s->channels > 0),
		real_or_null("duration_s", s->duration_s, s->duration_s >= 0),
		TEXT_OR_NULL("language", s->language),
	};

	return m->api->emit_record(m->host, "media_streams", f, sizeof f / sizeof f[0]);
}

static int emit_tag(media *m, const char *source, const char *name, const char *value)
{
	exhibit_field f[] = {
		EXHIBIT_FIELD_TEXT("source", source),
		EXHIBIT_FIELD_TEXT("name", name),
		EXHIBIT_FIELD_TEXT("value", value),
	};

	return m->api->emit_record(m->host, "media_tags", f, sizeof f / sizeof f[0]);
}

int media_emit(media *m)
{
	int rc;

	summarise(m);
	if ((rc = emit_summary(m)) != EXHIBIT_OK)
		return rc;
	for (size_t i = 0; i < m->n_streams; i++)
		if ((rc = emit_stream(m, i)) != EXHIBIT_OK)
			return rc;
	for (size_t i = 0; i < m->n_tags; i++)
		if ((rc = emit_tag(m, m->tags[i].source, m->tags[i].name, m->tags[i].value)) !=
		    EXHIBIT_OK)
			return rc;
	if (m->streams_dropped) {
		char n[32];
		snprintf(n, sizeof n, "%zu", m->streams_dropped);
		if ((rc = emit_tag(m, "exhibit", "streams_not_described", n)) != EXHIBIT_OK)
			return rc;
	}
	if (m->tags_dropped) {
		char n[32];
		snprintf(n, sizeof n, "%zu", m->tags_dropped);
		if ((rc = emit_tag(m, "exhibit", "tags_not_kept", n)) != EXHIBIT_OK)
			return rc;
	}
	return EXHIBIT_OK;
}

/*
 * media.h — what the media plugins (video-metadata, image-metadata) share:
 * bounded reads of the item, the description being built, and how a
 * problem is reported.
 *
 * A parser is handed one `media` for one analyze() call.  It reads the
 * item only through media_peek() / media_read(), which never read past
 * the item's end whatever sizes the content declares, and keep at most
 * one window of MEDIA_WINDOW bytes in memory.  It fills in what it finds
 * (container, streams, times, camera, place, raw tags) and reports what
 * is damaged or missing with media_problem(), naming the structure and
 * the byte offset.  media_emit() then hands the description to the host
 * as records of the tables media, media_streams and media_tags.
 *
 * Everything kept is bounded: MEDIA_MAX_STREAMS streams, MEDIA_MAX_TAGS
 * tags of at most MEDIA_MAX_VALUE bytes each, MEDIA_MAX_PROBLEMS
 * messages.  Text from the evidence is stored as UTF-8 with invalid bytes
 * and control characters escaped as \xNN (never dropped).  No state
 * outlives the call: safe on many threads.
 */
#ifndef EXHIBIT_MEDIA_H
#define EXHIBIT_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

#define MEDIA_WINDOW (64u * 1024u)  /* bytes cached from the item */
#define MEDIA_MAX_STREAMS 32
#define MEDIA_MAX_TAGS 1024
#define MEDIA_MAX_VALUE 4096         /* bytes of one tag value kept */
#define MEDIA_MAX_PROBLEMS 24
#define MEDIA_CODEC_MAX 32

/* A calendar time as a file states it; zone known or not. */
typedef struct media_datetime {
	int year, month, day, hour, minute, second;
	int nanosecond;
	bool has_zone;
	int zone_minutes; /* east of UTC, when has_zone */
} media_datetime;

typedef struct media_stream {
	const char *kind;            /* video, audio, subtitle, data */
	char codec[MEDIA_CODEC_MAX]; /* as ffprobe names it; "" unknown */
	char codec_tag[24];          /* the container's own code, printable */
	int64_t width, height;       /* 0: unknown */
	double frame_rate;           /* frames per second; 0: unknown */
	int64_t sample_rate;         /* Hz; 0: unknown */
	int64_t channels;            /* 0: unknown */
	double duration_s;           /* < 0: unknown */
	char language[16];
	int64_t id;                  /* the container's track/stream id; -1 none */
} media_stream;

/* A text fact several structures may state: the highest priority wins. */
typedef struct media_text_field {
	char *text;
	int priority;
} media_text_field;

typedef struct media_tag {
	const char *source; /* static: exif, xmp, udta, keys, ilst, ... */
	char *name;
	char *value;
} media_tag;

typedef struct media {
	const exhibit_host_api *api;
	exhibit_host *host;
	uint64_t size;

	/* the read window */
	unsigned char *window;
	uint64_t window_offset;
	size_t window_len;
	bool read_failed;

	/* what was found; kind and container are static strings */
	const char *kind;      /* video, audio, image; NULL: from the streams */
	const char *container; /* mp4, mov, matroska, jpeg, ... */
	char codec[MEDIA_CODEC_MAX];
	int64_t width, height;
	double duration_s;     /* < 0: unknown */
	double frame_rate;     /* 0: unknown */
	bool has_rotation;
	int rotation;          /* degrees clockwise, 0..359 */
	int orientation;       /* EXIF 1..8; 0: none */

	int created_priority;  /* 0: none yet */
	media_datetime created;
	const char *created_source;

	media_text_field make, model, software;
	media_text_field lens_model, body_serial, lens_serial;

	int location_priority; /* 0: none yet */
	double latitude, longitude, altitude;
	bool has_altitude;
	const char *location_source;

	media_stream streams[MEDIA_MAX_STREAMS];
	size_t n_streams;
	size_t streams_dropped;

	media_tag *tags;
	size_t n_tags, tags_capacity;
	size_t tags_dropped;

	unsigned n_problems;
	int status; /* the worst EXHIBIT_* code met */
} media;

/* media_init — an empty description of the item; media_free releases it. */
void media_init(media *m, const exhibit_host_api *api, exhibit_host *host,
                uint64_t size);
void media_free(media *m);

/*
 * media_peek — len bytes of the item at offset, valid until the next call
 * on m; len at most MEDIA_WINDOW.  RETURN: NULL when the item ends before
 * offset + len or cannot be read (a read failure is recorded once).
 */
const unsigned char *media_peek(media *m, uint64_t offset, size_t len);

/* media_read — copy exactly len bytes at offset into buf.  RETURN: false
 * when the item ends first or cannot be read. */
bool media_read(media *m, uint64_t offset, void *buf, size_t len);

/* media_has — the item holds len bytes at offset (no overflow). */
bool media_has(const media *m, uint64_t offset, uint64_t len);

/*
 * media_problem — report damage at a byte offset of the item (-1: none)
 * with an EXHIBIT_ERR_* code; the message says what structure and what is
 * wrong.  The first MEDIA_MAX_PROBLEMS are reported, then one line says
 * more were left out.
 */
void media_problem(media *m, int64_t offset, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* media_add_stream — a new stream of kind, or NULL when there are
 * already MEDIA_MAX_STREAMS (counted in streams_dropped). */
media_stream *media_add_stream(media *m, const char *kind);

/* media_tag_bytes / media_tag_text — keep one raw key/value as read:
 * bytes are escaped, at most MEDIA_MAX_VALUE of them are kept. */
void media_tag_bytes(media *m, const char *source, const char *name,
                     const void *value, size_t len);
void media_tag_text(media *m, const char *source, const char *name,
                    const char *value);
void media_tag_printf(media *m, const char *source, const char *name,
                      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* media_offer_text — field = escaped, trimmed copy of bytes (cut at the
 * first NUL) when priority beats what field holds and the text is not
 * empty.  For make, model, software, ... */
void media_offer_text(media_text_field *field, int priority, const void *bytes,
                      size_t len);

/* media_offer_created / media_offer_location — keep a creation time or a
 * place when priority beats what was kept before (higher wins). */
void media_offer_created(media *m, const media_datetime *when,
                         const char *source, int priority);
void media_offer_location(media *m, double latitude, double longitude,
                          const double *altitude, const char *source,
                          int priority);

/* media_set_codec — copy a codec name into a MEDIA_CODEC_MAX buffer. */
void media_set_codec(char *dst, const char *name);

/* media_set_rotation — from a display angle in degrees (any sign). */
void media_set_rotation(media *m, long degrees);

/*
 * media_emit — hand the description to the host: one media record, one
 * media_streams record per stream, one media_tags record per tag.
 * RETURN: EXHIBIT_OK, or the host's error.
 */
int media_emit(media *m);

/* The worse of two EXHIBIT_* codes, in the order of gravity
 * OK < FORMAT < LIMIT < READ < any other error. */
static inline int media_gravity(int code)
{
	return code == EXHIBIT_OK ? 0 : code == EXHIBIT_ERR_FORMAT ? 1 :
	       code == EXHIBIT_ERR_LIMIT ? 2 : code == EXHIBIT_ERR_READ ? 3 : 4;
}

static inline int media_worse(int a, int b)
{
	return media_gravity(b) > media_gravity(a) ? b : a;
}

#endif

/*
 * meta_export.c — the "meta-export" plugin: the message threads of
 * Facebook's and Instagram's "Download your information" JSON
 * (messages/inbox/<thread>/message_<n>.json), streamed through yajl.
 *
 * One file is one thread (or a part of a long one):
 *   { "participants": [ { "name" } ], "messages": [ message ], "title",
 *     "thread_path" ("inbox/<name>_<id>"), "thread_type" ("Regular",
 *     "RegularGroup"), "is_still_participant", "magic_words",
 *     "joinable_mode", ... }
 *   message  { "sender_name", "timestamp_ms" (Unix ms), "content", "type"
 *     ("Generic", "Share", "Call", "Subscribe", "Unsubscribe"),
 *     "is_unsent", "call_duration", "photos" / "videos" / "audio_files" /
 *     "files" / "gifs": [ { "uri", "creation_timestamp" } ], "sticker":
 *     { "uri" }, "share": { "link", "share_text" }, "reactions" }
 * Newer Facebook exports write the same with camelCase keys ("senderName",
 * "timestamp", "text", "media": [ { "uri" } ], "isUnsent"); both are read.
 * Which service wrote the file: Facebook's thread keys (magic_words,
 * joinable_mode, a message "type") or Instagram's (is_geoblocked_for_viewer)
 * say it; a file with neither is named "Facebook/Instagram".
 *
 * Text: these exports write each UTF-8 byte of non-ASCII text as its own
 * \u00XX escape, so "é" arrives as "Ã©".  A string whose characters are
 * all below U+0100 and whose bytes, so read, are valid UTF-8 with some
 * non-ASCII, is decoded once more; any other is kept as it came.
 *
 * The thread's keys come after its messages, so the file is read twice
 * (the first pass keeps only them), in bounded chunks; the owner of the
 * export is not named in a thread file, so directions are unknown.
 * Limits (a token, a text, nesting) end the reading with a report at
 * their byte offset, as a syntax error does; what was found stays.
 *
 * Records: chat_messages (key "messages:<thread_path>/<n>", n the
 * message's place in the file; source_rowid n, the object's offset in
 * extra), chat_attachments, chat_calls for calls.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "chat_json_stream.h"
#include "exhibit/plugin.h"
#include "exhibit/utf8.h"

#define SNIFF CHAT_JSON_CHUNK
#define MAX_PARTICIPANTS 1024
#define MAX_FILES 64

typedef enum frame_kind {
	F_ROOT, F_PARTICIPANTS, F_PARTICIPANT, F_MESSAGES, F_MESSAGE, F_FILES, F_FILE,
	F_STICKER, F_SHARE, F_SKIP
} frame_kind;

typedef enum field {
	X_SENDER, X_TIME, X_TIME_S, X_CONTENT, X_TYPE, X_UNSENT, X_CALL, X_LINK, X_SHARE_TEXT,
	X_COUNT
} field;

typedef struct message {
	char *v[X_COUNT];
	uint64_t offset;
	char *files[MAX_FILES];
	size_t n_files;
	bool sticker;
} message;

typedef struct thread_info {
	char *title, *path, *type;
	chat_json participants;
	size_t n_participants;
	bool facebook, instagram;
} thread_info;

typedef struct export_state {
	chat_ctx *ctx;
	chat_json_stream js;
	bool emit;             /* the second pass */
	message m;
	uint64_t index;        /* messages seen */
	thread_info t;
	char *participants;    /* JSON, after the first pass */
	const char *app;
	char what[48];         /* "<app> export", for reports */
} export_state;

/* ---- text ------------------------------------------------------------------- */

/* Whether b[0..n) is valid UTF-8. */
static bool valid_utf8(const unsigned char *b, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (!(k = exhibit_utf8_sequence(b + i, n - i)))
			return false;
		i += k;
	}
	return true;
}

/* The bytes of s when its characters are all below U+0100 (as Latin-1),
 * and those bytes are valid UTF-8 with some non-ASCII; else NULL. */
static char *undo_latin1(const unsigned char *s, size_t len)
{
	unsigned char *out = malloc(len + 1);
	size_t i = 0, n = 0;
	bool high = false;
	char *clean = NULL;

	if (!out)
		return NULL;
	while (i < len) {
		unsigned c = s[i];

		if (c < 0x80) {
			out[n++] = (unsigned char)c;
			i++;
		} else if ((c == 0xC2 || c == 0xC3) && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
			out[n++] = (unsigned char)(((c & 0x1F) << 6) | (s[i + 1] & 0x3F));
			high = true;
			i += 2;
		} else {
			free(out);
			return NULL;
		}
	}
	if (high && valid_utf8(out, n))
		clean = chat_clean_text(out, n);
	free(out);
	return clean;
}

static char *text_of(const unsigned char *v, size_t len)
{
	char *fixed = undo_latin1(v, len);

	return fixed ? fixed : chat_clean_text(v, len);
}

/* ---- the two passes ------------------------------------------------------------ */

static void message_clear(message *m)
{
	size_t i;

	for (i = 0; i < X_COUNT; i++)
		free(m->v[i]);
	for (i = 0; i < m->n_files; i++)
		free(m->files[i]);
	memset(m, 0, sizeof *m);
}

static void set_field(message *m, field f, char *value)
{
	free(m->v[f]);
	m->v[f] = value;
}

static bool key_is(const chat_json_frame *f, const char *a, const char *b)
{
	return !strcmp(f->key, a) || (b && !strcmp(f->key, b));
}

static bool on_value(void *user, const chat_json_frame *f, const unsigned char *v, size_t len,
                     bool string)
{
	export_state *s = user;
	message *m = &s->m;

	switch (f->kind) {
	case F_ROOT:
		if (s->emit)
			break;
		if (string && key_is(f, "title", NULL) && !s->t.title)
			s->t.title = text_of(v, len);
		else if (string && key_is(f, "thread_path", "threadPath") && !s->t.path)
			s->t.path = text_of(v, len);
		else if (string && key_is(f, "thread_type", NULL) && !s->t.type)
			s->t.type = text_of(v, len);
		break;
	case F_PARTICIPANTS:
	case F_PARTICIPANT:
		if (!s->emit && string && (f->kind == F_PARTICIPANTS || key_is(f, "name", NULL)) &&
		    s->t.n_participants < MAX_PARTICIPANTS) {
			char *name = text_of(v, len);

			chat_json_add_unique(&s->t.participants, name);
			s->t.n_participants++;
			free(name);
		}
		break;
	case F_MESSAGE:
		if (!s->emit)
			break;
		if (key_is(f, "sender_name", "senderName"))
			set_field(m, X_SENDER, text_of(v, len));
		else if (key_is(f, "timestamp_ms", NULL))
			set_field(m, X_TIME, chat_clean_text(v, len));
		else if (key_is(f, "timestamp", NULL))
			set_field(m, X_TIME_S, chat_clean_text(v, len));
		else if (key_is(f, "content", "text"))
			set_field(m, X_CONTENT, text_of(v, len));
		else if (key_is(f, "type", NULL))
			set_field(m, X_TYPE, chat_clean_text(v, len));
		else if (key_is(f, "is_unsent", "isUnsent"))
			set_field(m, X_UNSENT, chat_clean_text(v, len));
		else if (key_is(f, "call_duration", NULL))
			set_field(m, X_CALL, chat_clean_text(v, len));
		break;
	case F_FILE:
	case F_STICKER:
		if (s->emit && string && key_is(f, "uri", NULL) && m->n_files < MAX_FILES) {
			m->files[m->n_files] = text_of(v, len);
			if (m->files[m->n_files])
				m->n_files++;
			m->sticker |= f->kind == F_STICKER;
		}
		break;
	case F_SHARE:
		if (s->emit && key_is(f, "link", NULL))
			set_field(m, X_LINK, text_of(v, len));
		else if (s->emit && key_is(f, "share_text", NULL))
			set_field(m, X_SHARE_TEXT, text_of(v, len));
		break;
	default:
		break;
	}
	return true;
}

static int child_of(void *user, const chat_json_frame *f, bool array)
{
	(void)user;
	if (!f)
		return array ? F_SKIP : F_ROOT;
	switch (f->kind) {
	case F_ROOT:
		if (array && key_is(f, "participants", NULL))
			return F_PARTICIPANTS;
		if (array && key_is(f, "messages", NULL))
			return F_MESSAGES;
		return F_SKIP;
	case F_PARTICIPANTS:
		return array ? F_SKIP : F_PARTICIPANT;
	case F_MESSAGES:
		return array ? F_SKIP : F_MESSAGE;
	case F_MESSAGE:
		if (array && (key_is(f, "photos", "videos") || key_is(f, "audio_files", "files") ||
		              key_is(f, "gifs", "media")))
			return F_FILES;
		if (!array && key_is(f, "sticker", NULL))
			return F_STICKER;
		if (!array && key_is(f, "share", NULL))
			return F_SHARE;
		return F_SKIP;
	case F_FILES:
		return array ? F_SKIP : F_FILE;
	default:
		return F_SKIP;
	}
}

/* ---- records ---------------------------------------------------------------------- */

static bool parse_int(const char *text, int64_t *out)
{
	char *end;
	long long v;

	if (!text || !*text)
		return false;
	v = strtoll(text, &end, 10);
	if (*end)
		return false;
	*out = v;
	return true;
}

static void emit_message(export_state *s)
{
	message *q = &s->m;
	chat_message m;
	chat_json extra;
	char *key = NULL, *extra_text;
	const char *thread = s->t.path ? s->t.path : s->t.title;
	int64_t v;
	size_t i;

	memset(&m, 0, sizeof m);
	m.service = s->app;
	m.thread_id = thread;
	m.thread_title = s->t.title;
	m.participants = s->participants;
	m.sender = q->v[X_SENDER];
	m.sender_name = q->v[X_SENDER];
	if (parse_int(q->v[X_TIME], &v))
		m.sent = chat_time_from(s->ctx, v, 1000, CHAT_EPOCH_UNIX, true);
	else if (parse_int(q->v[X_TIME_S], &v))
		/* the camelCase form's "timestamp" is ms as well */
		m.sent = chat_time_from(s->ctx, v, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	m.body = chat_nonempty(q->v[X_CONTENT]);
	if (!m.body)
		m.body = chat_nonempty(q->v[X_SHARE_TEXT]);
	if (q->v[X_TYPE] && !strcmp(q->v[X_TYPE], "Call"))
		m.kind = CHAT_CALL;
	else if (q->v[X_TYPE] && (!strcmp(q->v[X_TYPE], "Subscribe") ||
	                          !strcmp(q->v[X_TYPE], "Unsubscribe")))
		m.kind = CHAT_SYSTEM;
	else if (q->n_files)
		m.kind = CHAT_MEDIA;
	m.deleted = !q->v[X_UNSENT] ? CHAT_FLAG_UNKNOWN :
	            !strcmp(q->v[X_UNSENT], "true") ? CHAT_FLAG_YES : CHAT_FLAG_NO;
	m.forwarded = m.edited = CHAT_FLAG_UNKNOWN;
	if (asprintf(&key, "messages:%s/%" PRIu64, thread ? thread : "", s->index) < 0)
		key = NULL;
	m.key = key ? key : "messages:-1";
	m.prov.table = "messages";
	m.prov.has_rowid = true;
	m.prov.rowid = (int64_t)s->index;
	chat_json_object(&extra);
	chat_json_int(&extra, "offset", (int64_t)q->offset);
	chat_json_text(&extra, "type", q->v[X_TYPE]);
	chat_json_text(&extra, "call_duration", q->v[X_CALL]);
	chat_json_text(&extra, "link", q->v[X_LINK]);
	chat_json_text(&extra, "thread_type", s->t.type);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	chat_emit_message(s->ctx, &m);
	for (i = 0; i < q->n_files; i++) {
		chat_attachment a;
		const char *slash = strrchr(q->files[i], '/');

		memset(&a, 0, sizeof a);
		a.message_key = m.key;
		a.path = q->files[i];
		a.name = slash ? (slash[1] ? slash + 1 : NULL) : q->files[i];
		a.extra = q->sticker && i + 1 == q->n_files ? "{\"role\":\"sticker\"}" : NULL;
		a.prov.table = "messages";
		a.prov.has_rowid = true;
		a.prov.rowid = (int64_t)s->index;
		chat_emit_attachment(s->ctx, &a);
	}
	if (m.kind == CHAT_CALL) {
		chat_call c;

		memset(&c, 0, sizeof c);
		c.call_id = m.key;
		c.thread_id = thread;
		c.peer = m.sender;
		c.participants = s->participants;
		c.started = m.sent;
		c.has_duration = parse_int(q->v[X_CALL], &c.duration) && c.duration >= 0;
		if (c.has_duration && c.duration > 0)
			c.ended = chat_time_plus(c.started, c.duration);
		c.precision = "1ms";
		c.deleted = CHAT_FLAG_UNKNOWN;
		c.prov = m.prov;
		chat_emit_call(s->ctx, &c);
	}
	free(key);
	free(extra_text);
}

/* ---- structure ------------------------------------------------------------------- */

static void enter(void *user, chat_json_frame *f, const chat_json_frame *parent, uint64_t offset)
{
	export_state *s = user;

	(void)parent;
	if (f->kind == F_MESSAGE) {
		message_clear(&s->m);
		s->m.offset = offset;
	}
}

static bool leave(void *user, chat_json_frame *f)
{
	export_state *s = user;

	if (f->kind == F_MESSAGE) {
		if (s->emit)
			emit_message(s);
		s->index++;
		message_clear(&s->m);
	}
	return true;
}

/* Keys that say which service wrote the file, whatever their value. */
static void on_key(void *user, const chat_json_frame *f)
{
	export_state *s = user;

	if (s->emit)
		return;
	if (f->kind == F_ROOT &&
	    (key_is(f, "magic_words", "joinable_mode") || key_is(f, "is_still_participant", NULL)))
		s->t.facebook = true;
	if (f->kind == F_MESSAGE) {
		if (key_is(f, "type", NULL))
			s->t.facebook = true;
		if (key_is(f, "is_geoblocked_for_viewer", NULL))
			s->t.instagram = true;
	}
}

static const chat_json_handlers handlers = { F_SKIP, child_of, enter, leave, on_key, on_value };

/* One pass over the file (reported only on the second pass, which stops
 * at the same place). */
static void one_pass(export_state *s, const exhibit_host_api *api, exhibit_host *host,
                     unsigned char *buf)
{
	s->index = 0;
	s->js.ctx = s->ctx;
	snprintf(s->what, sizeof s->what, "%s export", s->app ? s->app : "Facebook/Instagram");
	s->js.what = s->what;
	s->js.on = &handlers;
	s->js.user = s;
	chat_json_stream_read(&s->js, api, host, buf, s->emit);
	message_clear(&s->m);
}

/* A JSON object whose first bytes hold a thread's keys. */
static bool looks_like_thread(const unsigned char *b, size_t len)
{
	char *head = malloc(len + 1);
	size_t i = 0;
	bool yes;

	if (!head)
		return false;
	while (i < len && isspace(b[i]))
		i++;
	if (i >= len || b[i] != '{') {
		free(head);
		return false;
	}
	memcpy(head, b, len);
	head[len] = '\0';
	for (i = 0; i < len; i++)
		if (!head[i])
			head[i] = ' ';
	yes = strstr(head, "\"participants\"") && strstr(head, "\"messages\"") &&
	      (strstr(head, "\"sender_name\"") || strstr(head, "\"senderName\""));
	free(head);
	return yes;
}

static int analyze(const exhibit_host_api *api, exhibit_host *host,
                   const exhibit_item *item)
{
	unsigned char *buf = malloc(CHAT_JSON_CHUNK);
	export_state *s = calloc(1, sizeof *s);
	chat_ctx ctx;
	int64_t got;

	(void)item; /* what is found depends on the content alone */
	if (!buf || !s) {
		free(buf);
		free(s);
		return EXHIBIT_ERR;
	}
	chat_init(&ctx, api, host, "Facebook/Instagram");
	got = chat_read_at(api, host, 0, buf, SNIFF);
	if (got < 0) {
		chat_fail(&ctx, EXHIBIT_ERR_READ);
	} else if (looks_like_thread(buf, (size_t)got)) {
		s->ctx = &ctx;
		chat_json_array(&s->t.participants);
		one_pass(s, api, host, buf);
		s->participants = chat_json_take(&s->t.participants);
		s->app = s->t.instagram && !s->t.facebook ? "Instagram" :
		         s->t.facebook && !s->t.instagram ? "Facebook Messenger" :
		         "Facebook/Instagram";
		ctx.app = s->app;
		s->emit = true;
		one_pass(s, api, host, buf);
	}
	free(s->t.title);
	free(s->t.path);
	free(s->t.type);
	chat_json_free(&s->t.participants);
	free(s->participants);
	free(s);
	free(buf);
	return chat_finish(&ctx);
}

static const char *const mime_types[] = { "application/json", "text/plain", NULL };

static const exhibit_plugin plugin = {
	EXHIBIT_ABI_VERSION,
	"meta-export",
	"1.0",
	"Facebook and Instagram \"Download your information\" message threads (JSON)",
	EXHIBIT_PLUGIN_ANALYZER,
	mime_types,
	NULL,
	NULL,
	0,
	analyze,
	NULL,
	NULL,
};

const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &plugin;
}

/*
 * telegram_desktop.c — the "telegram-desktop" plugin: the JSON that
 * Telegram Desktop's "Export chat history" and "Export Telegram data"
 * write (result.json), streamed through yajl.
 *
 * The shapes read:
 *   a whole account   { "about": ..., "personal_information": { "user_id",
 *                       "first_name", "last_name", "phone_number",
 *                       "username", "bio" }, "contacts": { "list": [ {
 *                       "first_name", "last_name", "phone_number", "date",
 *                       "date_unixtime" } ] }, "chats": { "list": [ chat ] },
 *                       "left_chats": { "list": [ chat ] }, ... }
 *   one chat          the chat object itself at the top
 *   chat              { "name", "type" (personal_chat, private_group,
 *                       private_supergroup, public_channel, saved_messages,
 *                       bot_chat, ...), "id", "messages": [ message ] }
 *   message           { "id", "type" ("message" or "service"), "date" (the
 *                       exporting machine's wall-clock time,
 *                       "YYYY-MM-DDTHH:MM:SS"), "date_unixtime" (since 2021:
 *                       the same instant as Unix seconds, a string), "from",
 *                       "from_id" ("user123", "channel123"), "actor",
 *                       "actor_id", "action" (service), "text" (a string,
 *                       or an array of strings and { "type", "text" }
 *                       parts), "edited", "forwarded_from",
 *                       "reply_to_message_id", "photo", "file", "thumbnail",
 *                       "media_type", "mime_type", "duration_seconds",
 *                       "width", "height", "sticker_emoji",
 *                       "location_information": { "latitude", "longitude" },
 *                       ... }
 * Everything else, however deep, is skipped without being kept.  Keys
 * the export repeats keep their last value.
 *
 * Times: date_unixtime is UTC; without it, "date" is stored as the
 * wall-clock time it is (time_zone 'local').  Messages are keyed
 * "messages:<chat id>/<message id>"; source_table is "messages",
 * source_rowid the message id, and the byte offset of the message's
 * object is in extra.  The owner (personal_information) is the account,
 * "user<user_id>" as from_id names people; a message from it is
 * outgoing, any other incoming.
 *
 * Bounds (chat_json_stream.h): a string or number longer than
 * CHAT_JSON_MAX_TOKEN, kept objects nested deeper than CHAT_JSON_MAX_DEPTH
 * or a message text longer than MAX_TEXT is reported with its byte
 * offset, and the file is read no further (what was found stays).  A
 * syntax error is reported the same way.
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

#define APP "Telegram"
#define MAX_TEXT (4u << 20)
#define SNIFF 4096

/* ---- the state of the stream ------------------------------------------- */

typedef enum frame_kind {
	F_ROOT, F_PERSONAL, F_SECTION, F_CONTACT_LIST, F_CONTACT, F_CHAT_LIST, F_CHAT,
	F_MESSAGES, F_MESSAGE, F_TEXT, F_TEXT_PART, F_LOCATION, F_SKIP
} frame_kind;

/* A frame's tag: for F_SECTION, whether it is "contacts" (else chats). */
enum { TAG_CHATS = 0, TAG_CONTACTS = 1 };

/* The fields of the object being read, text copies (NULL: absent). */
typedef enum field {
	X_ID, X_TYPE, X_DATE, X_UNIX, X_FROM, X_FROM_ID, X_ACTOR, X_ACTOR_ID, X_ACTION,
	X_EDITED, X_FORWARDED, X_REPLY, X_PHOTO, X_FILE, X_THUMB, X_MEDIA_TYPE, X_MIME,
	X_DURATION, X_WIDTH, X_HEIGHT, X_STICKER, X_LATITUDE, X_LONGITUDE, X_VIA_BOT,
	X_TITLE, X_FIRST, X_LAST, X_PHONE, X_USERNAME, X_NAME, X_USER_ID, X_BIO,
	X_COUNT
} field;

static const char *const field_keys[X_COUNT] = {
	"id", "type", "date", "date_unixtime", "from", "from_id", "actor", "actor_id",
	"action", "edited", "forwarded_from", "reply_to_message_id", "photo", "file",
	"thumbnail", "media_type", "mime_type", "duration_seconds", "width", "height",
	"sticker_emoji", "latitude", "longitude", "via_bot", "title", "first_name",
	"last_name", "phone_number", "username", "name", "user_id", "bio"
};

typedef struct object {
	char *v[X_COUNT];
	uint64_t offset;
	chat_buf text;
	bool text_too_long;
} object;

typedef struct export_state {
	chat_ctx *ctx;
	chat_json_stream js;
	object obj;            /* the message, contact or personal info being read */
	object chat;           /* the chat's name, type, id */
	char *account;         /* "user<id>" */
	char *account_name;
	bool saw_chat;
	uint64_t messages, contacts;
} export_state;

static bool out_of_memory(const export_state *s)
{
	return s->ctx->out_of_memory;
}

static void object_clear(object *o)
{
	size_t i;

	for (i = 0; i < X_COUNT; i++)
		free(o->v[i]);
	chat_buf_free(&o->text);
	memset(o, 0, sizeof *o);
}

static void object_set(export_state *s, object *o, const char *key,
                       const unsigned char *value, size_t len)
{
	size_t i;

	for (i = 0; i < X_COUNT; i++)
		if (!strcmp(key, field_keys[i])) {
			free(o->v[i]);
			o->v[i] = chat_clean_text(value, len);
			if (!o->v[i])
				s->ctx->out_of_memory = true;
			return;
		}
}

/* ---- records ----------------------------------------------------------------- */

static const char *nonempty(const char *s)
{
	return chat_nonempty(s);
}

/* "YYYY-MM-DDTHH:MM:SS" as seconds of its own clock, or unset. */
static chat_time wall_clock(chat_ctx *ctx, const char *text)
{
	chat_time none = { false, 0, 0 };
	int y, mo, d, h, mi, se, n = 0;
	int64_t days, era, yoe, doy, doe;

	if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 ||
	    text[n] || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 ||
	    h < 0 || mi < 0 || se < 0) {
		if (text)
			ctx->bad_times++;
		return none;
	}
	/* days from 1970-01-01 to the date (proleptic Gregorian) */
	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	return chat_time_from(ctx, days * 86400 + h * 3600 + mi * 60 + se, 1,
	                      CHAT_EPOCH_UNIX, false);
}

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

static char *one(const char *id)
{
	chat_json list;

	chat_json_array(&list);
	chat_json_add(&list, id);
	return chat_json_take(&list);
}

static void emit_file(export_state *s, const char *key, const char *path, bool thumbnail,
                      const object *o)
{
	chat_attachment a;
	chat_json extra;
	char *extra_text;
	bool missing = path && !strncmp(path, "(File not included", 18);

	memset(&a, 0, sizeof a);
	a.message_key = key;
	if (!missing) {
		const char *slash = strrchr(path, '/');

		a.path = path;
		a.name = slash ? (slash[1] ? slash + 1 : NULL) : path;
	}
	a.mime_type = thumbnail ? NULL : nonempty(o->v[X_MIME]);
	chat_json_object(&extra);
	if (missing)
		chat_json_text(&extra, "note", path);
	if (thumbnail)
		chat_json_text(&extra, "role", "thumbnail");
	chat_json_text(&extra, "media_type", thumbnail ? NULL : o->v[X_MEDIA_TYPE]);
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	a.prov.table = "messages";
	chat_emit_attachment(s->ctx, &a);
	free(extra_text);
}

static void emit_message(export_state *s)
{
	object *o = &s->obj, *c = &s->chat;
	bool service = o->v[X_TYPE] && !strcmp(o->v[X_TYPE], "service");
	bool personal = c->v[X_TYPE] && !strcmp(c->v[X_TYPE], "personal_chat");
	chat_message m;
	chat_json extra;
	char *key = NULL, *recipients = NULL, *body, *extra_text, peer[40];
	int64_t v;

	memset(&m, 0, sizeof m);
	m.service = "Telegram";
	m.account = s->account;
	m.thread_id = nonempty(c->v[X_ID]);
	m.thread_title = nonempty(c->v[X_NAME]);
	m.sender = nonempty(service ? o->v[X_ACTOR_ID] : o->v[X_FROM_ID]);
	m.sender_name = nonempty(service ? o->v[X_ACTOR] : o->v[X_FROM]);
	if (s->account && m.sender)
		m.direction = strcmp(m.sender, s->account) ? CHAT_INCOMING : CHAT_OUTGOING;
	/* a personal chat's id is the peer's user id */
	if (personal && m.thread_id && parse_int(m.thread_id, &v)) {
		snprintf(peer, sizeof peer, "user%" PRId64, v);
		if (m.direction == CHAT_OUTGOING)
			recipients = one(peer);
		else if (m.direction == CHAT_INCOMING && s->account)
			recipients = one(s->account);
	}
	m.recipients = recipients;
	if (parse_int(o->v[X_UNIX], &v)) {
		m.sent = chat_time_from(s->ctx, v, 1, CHAT_EPOCH_UNIX, false);
	} else if (o->v[X_DATE]) {
		m.sent = wall_clock(s->ctx, o->v[X_DATE]);
		m.local_time = true;
	}
	m.precision = "1s";
	/* text from yajl may hold any byte (NUL included): cleaned whole */
	body = o->text.failed || !o->text.data ? NULL : chat_clean_text(o->text.data, o->text.len);
	m.body = nonempty(body);
	if (service)
		m.kind = CHAT_SYSTEM;
	else if (o->v[X_PHOTO] || o->v[X_FILE] || o->v[X_MEDIA_TYPE] || o->v[X_LATITUDE])
		m.kind = CHAT_MEDIA;
	m.reply_to = nonempty(o->v[X_REPLY]);
	m.forwarded_from = nonempty(o->v[X_FORWARDED]);
	m.forwarded = m.forwarded_from ? CHAT_FLAG_YES : CHAT_FLAG_NO;
	m.edited = o->v[X_EDITED] ? CHAT_FLAG_YES : CHAT_FLAG_NO;
	m.deleted = CHAT_FLAG_UNKNOWN;
	if (o->v[X_ID] && asprintf(&key, "messages:%s/%s", m.thread_id ? m.thread_id : "",
	                           o->v[X_ID]) < 0)
		key = NULL;
	m.key = key ? key : "messages:-1";
	m.prov.table = "messages";
	m.prov.has_rowid = parse_int(o->v[X_ID], &m.prov.rowid);
	chat_json_object(&extra);
	chat_json_int(&extra, "offset", (int64_t)o->offset);
	chat_json_text(&extra, "chat_type", c->v[X_TYPE]);
	chat_json_text(&extra, "date", o->v[X_DATE]);
	chat_json_text(&extra, "edited", o->v[X_EDITED]);
	chat_json_text(&extra, "action", o->v[X_ACTION]);
	chat_json_text(&extra, "title", o->v[X_TITLE]);
	chat_json_text(&extra, "media_type", o->v[X_MEDIA_TYPE]);
	chat_json_text(&extra, "sticker_emoji", o->v[X_STICKER]);
	chat_json_text(&extra, "via_bot", o->v[X_VIA_BOT]);
	chat_json_text(&extra, "duration_seconds", o->v[X_DURATION]);
	chat_json_text(&extra, "width", o->v[X_WIDTH]);
	chat_json_text(&extra, "height", o->v[X_HEIGHT]);
	chat_json_text(&extra, "latitude", o->v[X_LATITUDE]);
	chat_json_text(&extra, "longitude", o->v[X_LONGITUDE]);
	if (o->text_too_long)
		chat_json_text(&extra, "text_cut", "the text was longer than the limit");
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	chat_emit_message(s->ctx, &m);
	if (o->v[X_PHOTO])
		emit_file(s, m.key, o->v[X_PHOTO], false, o);
	if (o->v[X_FILE])
		emit_file(s, m.key, o->v[X_FILE], false, o);
	if (o->v[X_THUMB])
		emit_file(s, m.key, o->v[X_THUMB], true, o);
	s->messages++;
	free(key);
	free(recipients);
	free(body);
	free(extra_text);
}

static char *full_name(const object *o)
{
	const char *first = nonempty(o->v[X_FIRST]), *last = nonempty(o->v[X_LAST]);
	char *name;

	if (!first && !last)
		return NULL;
	if (asprintf(&name, "%s%s%s", first ? first : "", first && last ? " " : "",
	             last ? last : "") < 0)
		return NULL;
	return name;
}

static void emit_contact(export_state *s)
{
	object *o = &s->obj;
	chat_contact c;
	chat_json extra;
	char *name = full_name(o), *phones = NULL, *extra_text;
	int64_t v;

	memset(&c, 0, sizeof c);
	c.account = s->account;
	c.name = name;
	if (nonempty(o->v[X_PHONE]))
		phones = one(o->v[X_PHONE]);
	c.phones = phones;
	c.contact_id = nonempty(o->v[X_PHONE]) ? o->v[X_PHONE] : name;
	if (parse_int(o->v[X_UNIX], &v))
		c.created = chat_time_from(s->ctx, v, 1, CHAT_EPOCH_UNIX, true);
	c.precision = "1s";
	c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
	c.prov.table = "contacts";
	chat_json_object(&extra);
	chat_json_int(&extra, "offset", (int64_t)o->offset);
	chat_json_text(&extra, "date", o->v[X_DATE]);
	extra_text = chat_json_take(&extra);
	c.extra = extra_text;
	chat_emit_contact(s->ctx, &c);
	s->contacts++;
	free(name);
	free(phones);
	free(extra_text);
}

static void take_account(export_state *s)
{
	object *o = &s->obj;
	chat_account a;
	chat_json extra;
	char *name = full_name(o), *extra_text;
	int64_t id;

	free(s->account);
	s->account = NULL;
	if (parse_int(o->v[X_USER_ID], &id) && asprintf(&s->account, "user%" PRId64, id) < 0)
		s->account = NULL;
	memset(&a, 0, sizeof a);
	a.account_id = s->account;
	a.name = name;
	a.phone = nonempty(o->v[X_PHONE]);
	a.prov.table = "personal_information";
	chat_json_object(&extra);
	chat_json_text(&extra, "username", o->v[X_USERNAME]);
	chat_json_text(&extra, "bio", o->v[X_BIO]);
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	if (a.account_id || name)
		chat_emit_account(s->ctx, &a);
	free(name);
	free(extra_text);
}

/* ---- the stream's handlers ------------------------------------------------------------ */

/* A scalar value, as the bytes it was written with. */
static bool on_value(void *user, const chat_json_frame *f, const unsigned char *v, size_t len,
                     bool string)
{
	export_state *s = user;

	(void)string;
	switch (f->kind) {
	case F_ROOT:
	case F_CHAT:
		if (!strcmp(f->key, "name") || !strcmp(f->key, "type") || !strcmp(f->key, "id"))
			object_set(s, &s->chat, f->key, v, len);
		break;
	case F_MESSAGE:
		if (!strcmp(f->key, "text")) {
			chat_buf_add(&s->obj.text, (const char *)v, len);
			break;
		}
		/* fall through */
	case F_PERSONAL:
	case F_CONTACT:
		object_set(s, &s->obj, f->key, v, len);
		break;
	case F_TEXT:
		chat_buf_add(&s->obj.text, (const char *)v, len);
		break;
	case F_TEXT_PART:
		if (!strcmp(f->key, "text"))
			chat_buf_add(&s->obj.text, (const char *)v, len);
		break;
	case F_LOCATION:
		object_set(s, &s->obj, f->key, v, len);
		break;
	default:
		break;
	}
	if (s->obj.text.len > MAX_TEXT) {
		s->obj.text_too_long = true;
		chat_json_stream_stop(&s->js, "a message text is longer than the limit");
		return false;
	}
	return true;
}

static int child_of(void *user, const chat_json_frame *f, bool array)
{
	(void)user;
	if (!f)
		return F_ROOT;
	switch (f->kind) {
	case F_ROOT:
		if (!array && !strcmp(f->key, "personal_information"))
			return F_PERSONAL;
		if (!array && (!strcmp(f->key, "contacts") || !strcmp(f->key, "chats") ||
		               !strcmp(f->key, "left_chats")))
			return F_SECTION;
		if (array && !strcmp(f->key, "messages"))
			return F_MESSAGES;
		return F_SKIP;
	case F_SECTION:
		if (array && !strcmp(f->key, "list"))
			return f->tag == TAG_CONTACTS ? F_CONTACT_LIST : F_CHAT_LIST;
		return F_SKIP;
	case F_CONTACT_LIST:
		return array ? F_SKIP : F_CONTACT;
	case F_CHAT_LIST:
		return array ? F_SKIP : F_CHAT;
	case F_CHAT:
		return array && !strcmp(f->key, "messages") ? F_MESSAGES : F_SKIP;
	case F_MESSAGES:
		return array ? F_SKIP : F_MESSAGE;
	case F_MESSAGE:
		if (array && !strcmp(f->key, "text"))
			return F_TEXT;
		if (!array && !strcmp(f->key, "location_information"))
			return F_LOCATION;
		return F_SKIP;
	case F_TEXT:
		return array ? F_SKIP : F_TEXT_PART;
	default:
		return F_SKIP;
	}
}

static void enter(void *user, chat_json_frame *f, const chat_json_frame *parent, uint64_t offset)
{
	export_state *s = user;

	if (f->kind == F_SECTION)
		f->tag = !strcmp(parent->key, "contacts") ? TAG_CONTACTS : TAG_CHATS;
	if (f->kind == F_MESSAGE || f->kind == F_CONTACT || f->kind == F_PERSONAL) {
		object_clear(&s->obj);
		s->obj.offset = offset;
	} else if (f->kind == F_CHAT) {
		object_clear(&s->chat);
		s->saw_chat = true;
	} else if (f->kind == F_MESSAGES && parent && parent->kind == F_ROOT) {
		s->saw_chat = true;
	}
}

static bool leave(void *user, chat_json_frame *f)
{
	export_state *s = user;

	switch (f->kind) {
	case F_MESSAGE:
		emit_message(s);
		object_clear(&s->obj);
		break;
	case F_CONTACT:
		emit_contact(s);
		object_clear(&s->obj);
		break;
	case F_PERSONAL:
		take_account(s);
		object_clear(&s->obj);
		break;
	default:
		break;
	}
	return !out_of_memory(s);
}

static const chat_json_handlers handlers = { F_SKIP, child_of, enter, leave, NULL, on_value };

/* ---- the driver ------------------------------------------------------------------ */

/* Whether the first bytes look like a Telegram export: a JSON object with
 * the keys it starts with. */
static bool looks_like_export(const unsigned char *b, size_t len)
{
	char head[SNIFF + 1];
	size_t i = 0;

	while (i < len && isspace(b[i]))
		i++;
	if (i + 3 <= len && !memcmp(b + i, "\xef\xbb\xbf", 3))
		i += 3;
	if (i >= len || b[i] != '{')
		return false;
	memcpy(head, b, len);
	head[len] = '\0';
	for (i = 0; i < len; i++)
		if (!head[i])
			head[i] = ' ';
	return (strstr(head, "\"personal_information\"") && strstr(head, "\"about\"")) ||
	       (strstr(head, "\"name\"") && strstr(head, "\"type\"") && strstr(head, "\"id\"") &&
	        strstr(head, "\"messages\""));
}

static int analyze(const exhibit_host_api *api, exhibit_host *host,
                   const exhibit_item *item)
{
	unsigned char *buf = malloc(CHAT_JSON_CHUNK);
	export_state *s = calloc(1, sizeof *s);
	chat_ctx ctx;
	int64_t got;
	int rc;

	(void)item; /* what is found depends on the content alone */
	if (!buf || !s) {
		free(buf);
		free(s);
		return EXHIBIT_ERR;
	}
	chat_init(&ctx, api, host, APP);
	got = chat_read_at(api, host, 0, buf, SNIFF);
	if (got < 0) {
		chat_fail(&ctx, EXHIBIT_ERR_READ);
	} else if (looks_like_export(buf, (size_t)got)) {
		s->ctx = &ctx;
		s->js.ctx = &ctx;
		s->js.what = APP;
		s->js.on = &handlers;
		s->js.user = s;
		chat_json_stream_read(&s->js, api, host, buf, true);
	}
	object_clear(&s->obj);
	object_clear(&s->chat);
	free(s->account);
	free(s);
	free(buf);
	rc = chat_finish(&ctx);
	return rc;
}

static const char *const mime_types[] = { "application/json", "text/plain", NULL };

static const exhibit_plugin plugin = {
	EXHIBIT_ABI_VERSION,
	"telegram-desktop",
	"1.0",
	"Telegram Desktop JSON exports (result.json): messages, files, contacts, account",
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

/*
 * whatsapp_ios.c — the "whatsapp-ios" plugin: messages, media and the
 * names people gave themselves, from WhatsApp for iOS's ChatStorage.sqlite
 * (a Core Data store), recognised by its schema.
 *
 * What it reads (Core Data names every table Z<ENTITY>, every column
 * Z<ATTRIBUTE>, the row id Z_PK; times count seconds since 2001-01-01 UTC
 * in a double):
 *   ZWAMESSAGE       one row per message: ZCHATSESSION (its chat),
 *                    ZISFROMME, ZMESSAGEDATE (sent), ZSENTDATE,
 *                    ZMESSAGETYPE, ZTEXT, ZFROMJID and ZTOJID (the chat's
 *                    JID on the far side; a group's JID for a group
 *                    message), ZGROUPMEMBER (the author in a group),
 *                    ZMEDIAITEM, ZSTANZAID (the app's id of the message),
 *                    ZMESSAGESTATUS, ZSTARRED, ZFLAGS, ZPUSHNAME.
 *   ZWACHATSESSION   a chat: ZCONTACTJID, ZPARTNERNAME (the name shown),
 *                    ZSESSIONTYPE.
 *   ZWAGROUPMEMBER   a group's members: ZCHATSESSION, ZMEMBERJID,
 *                    ZCONTACTNAME, ZFIRSTNAME.
 *   ZWAMEDIAITEM     a message's file (ZMESSAGE, or the message's
 *                    ZMEDIAITEM): ZMEDIALOCALPATH (relative to the app's
 *                    shared container), ZMEDIAURL, ZFILESIZE, ZTITLE (a
 *                    caption, or a document's title), ZMOVIEDURATION,
 *                    ZLATITUDE, ZLONGITUDE, ZVCARDNAME and ZVCARDSTRING (a
 *                    contact card's name and text; for other media the
 *                    MIME type).
 *   ZWAPROFILEPUSHNAME   the name each JID gave itself (ZJID, ZPUSHNAME).
 * Message types named here: 0 text, 1 image, 2 video, 3 audio, 4 contact,
 * 5 location, 6 a group event (system), 7 a link, 8 document, 11 GIF,
 * 14 deleted for everyone, 15 sticker, 38 and 39 view-once image and
 * video, 46 poll; other numbers are kept in extra.
 * The owner's own JID is not in this database; an outgoing message has
 * no sender.
 *
 * Records: chat_messages (key "ZWAMESSAGE:<Z_PK>"), chat_attachments,
 * chat_contacts (one per push name, contact_id its JID).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "WhatsApp"
#define MAX_PARTICIPANTS 1024

enum { TYPE_TEXT = 0, TYPE_CONTACT = 4, TYPE_SYSTEM = 6, TYPE_LINK = 7,
       TYPE_DELETED = 14 };

typedef struct thread {
	bool loaded;
	int64_t session;
	char *jid, *title, *participants;
} thread;

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	chat_lookup session, members, member, push_name;
	chat_related media_of_message, media_by_pk;
	thread t;
} pass;

/* ---- small conversions -------------------------------------------------- */

static const char *type_name(int64_t type)
{
	switch (type) {
	case 1: return "image";
	case 2: return "video";
	case 3: return "audio";
	case 4: return "contact";
	case 5: return "location";
	case 7: return "link";
	case 8: return "document";
	case 11: return "gif";
	case 15: return "sticker";
	case 38: return "view-once image";
	case 39: return "view-once video";
	case 46: return "poll";
	default: return NULL;
	}
}

static chat_kind kind_of(bool has_type, int64_t type, bool has_media)
{
	if (has_type && type == TYPE_SYSTEM)
		return CHAT_SYSTEM;
	if (has_type && (type == TYPE_LINK || type == TYPE_TEXT || type == TYPE_DELETED))
		return CHAT_TEXT;
	if (has_media || (has_type && type_name(type)))
		return CHAT_MEDIA;
	return CHAT_TEXT;
}

static bool is_group(const char *jid)
{
	size_t n = jid ? strlen(jid) : 0;

	return n > 5 && !strcmp(jid + n - 5, "@g.us");
}

static char *dup_nonempty(const char *s)
{
	return chat_nonempty(s) ? strdup(s) : NULL;
}

/* A MIME type as ZVCARDSTRING holds one for media: "type/subtype". */
static const char *mime_type(const char *s)
{
	const char *slash = s ? strchr(s, '/') : NULL;

	if (!slash || slash == s || !slash[1] || strlen(s) > 127 ||
	    strpbrk(s, " \t\r\n:;"))
		return NULL;
	return s;
}

/* ---- chats --------------------------------------------------------------- */

static void forget_thread(pass *p)
{
	free(p->t.jid);
	free(p->t.title);
	free(p->t.participants);
	memset(&p->t, 0, sizeof p->t);
}

static void load_thread(pass *p, int64_t session)
{
	chat_json list;

	if (p->t.loaded && p->t.session == session)
		return;
	forget_thread(p);
	p->t.loaded = true;
	p->t.session = session;
	if (!chat_lookup_find(&p->session, p->ctx, session))
		return;
	p->t.jid = chat_col_dup(p->session.found, 0);
	p->t.title = chat_col_dup(p->session.found, 1);
	if (!chat_nonempty(p->t.title)) {
		free(p->t.title);
		p->t.title = NULL;
	}
	chat_json_array(&list);
	if (!is_group(p->t.jid))
		chat_json_add(&list, p->t.jid);
	else if (chat_lookup_find(&p->members, p->ctx, session))
		chat_lookup_add_rest(&p->members, p->ctx, &list, MAX_PARTICIPANTS);
	p->t.participants = chat_json_take(&list);
}

/* ---- media ----------------------------------------------------------------- */

enum { MEDIA_PATH, MEDIA_URL, MEDIA_SIZE, MEDIA_TITLE, MEDIA_DURATION,
       MEDIA_LATITUDE, MEDIA_LONGITUDE, MEDIA_VCARD_NAME, MEDIA_VCARD };

static const char *const media_columns[] = {
	"ZMEDIALOCALPATH", "ZMEDIAURL", "ZFILESIZE", "ZTITLE", "ZMOVIEDURATION",
	"ZLATITUDE", "ZLONGITUDE", "ZVCARDNAME", "ZVCARDSTRING", NULL
};

/* The media row of a message, by its ZMESSAGE, else by the message's
 * ZMEDIAITEM; the statement holding it, or NULL. */
static chat_related *find_media(pass *p, int64_t message, bool has_item, int64_t item)
{
	if (chat_related_find(&p->media_of_message, p->ctx, message))
		return &p->media_of_message;
	if (has_item && chat_related_find(&p->media_by_pk, p->ctx, item))
		return &p->media_by_pk;
	return NULL;
}

static void add_media_details(chat_json *extra, sqlite3_stmt *s, bool contact)
{
	double lat, lon;

	if (sqlite3_column_type(s, MEDIA_LATITUDE) != SQLITE_NULL &&
	    sqlite3_column_type(s, MEDIA_LONGITUDE) != SQLITE_NULL) {
		lat = sqlite3_column_double(s, MEDIA_LATITUDE);
		lon = sqlite3_column_double(s, MEDIA_LONGITUDE);
		if (lat != 0 || lon != 0) {
			chat_json_real(extra, "latitude", lat);
			chat_json_real(extra, "longitude", lon);
		}
	}
	if (contact) {
		chat_extra_text(extra, "vcard_name", s, MEDIA_VCARD_NAME);
		chat_extra_text(extra, "vcard", s, MEDIA_VCARD);
	}
}

static void emit_media(pass *p, chat_related *r, const char *key, bool has_type,
                       int64_t type)
{
	sqlite3_stmt *s = r->found;
	chat_attachment a;
	chat_json extra;
	char *extra_text, *path = chat_col_dup(s, MEDIA_PATH);
	char *url = chat_col_dup(s, MEDIA_URL);
	double duration;

	memset(&a, 0, sizeof a);
	a.message_key = key;
	a.path = chat_nonempty(path);
	a.url = chat_nonempty(url);
	if (a.path) {
		const char *slash = strrchr(a.path, '/');

		a.name = slash ? (slash[1] ? slash + 1 : NULL) : a.path;
	}
	if (!(has_type && type == TYPE_CONTACT))
		a.mime_type = mime_type(chat_col_text(s, MEDIA_VCARD));
	a.has_size = chat_col_int(s, MEDIA_SIZE, &a.size) && a.size >= 0;
	chat_json_object(&extra);
	if (has_type && type_name(type))
		chat_json_text(&extra, "media_type", type_name(type));
	chat_extra_text(&extra, "title", s, MEDIA_TITLE);
	if (sqlite3_column_type(s, MEDIA_DURATION) != SQLITE_NULL) {
		duration = sqlite3_column_double(s, MEDIA_DURATION);
		if (isfinite(duration) && duration > 0)
			chat_json_real(&extra, "duration", duration);
	}
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	chat_related_provenance(r, &a.prov);
	chat_emit_attachment(p->ctx, &a);
	free(path);
	free(url);
	free(extra_text);
}

/* ---- messages ------------------------------------------------------------ */

enum {
	M_SESSION, M_FROM_ME, M_DATE, M_SENT_DATE, M_TYPE, M_TEXT, M_FROM, M_TO,
	M_MEMBER, M_MEDIA_ITEM, M_STANZA, M_STATUS, M_STARRED, M_FLAGS,
	M_PUSH_NAME, M_GROUP_EVENT, M_SORT
};

static const char *const message_columns[] = {
	"ZCHATSESSION", "ZISFROMME", "ZMESSAGEDATE", "ZSENTDATE", "ZMESSAGETYPE",
	"ZTEXT", "ZFROMJID", "ZTOJID", "ZGROUPMEMBER", "ZMEDIAITEM", "ZSTANZAID",
	"ZMESSAGESTATUS", "ZSTARRED", "ZFLAGS", "ZPUSHNAME", "ZGROUPEVENTTYPE",
	"ZSORT", NULL
};

/* Core Data seconds; "1s" when whole, as WhatsApp's are, else "1us". */
static chat_time core_data_time(pass *p, sqlite3_stmt *s, int i, const char **precision)
{
	double v = sqlite3_column_double(s, i);

	if (sqlite3_column_type(s, i) == SQLITE_FLOAT && isfinite(v) && v != floor(v))
		*precision = "1us";
	return chat_col_time(p->ctx, s, i, 1, CHAT_EPOCH_APPLE, true);
}

/* The author of a group message and the name the app shows for them. */
static void group_author(pass *p, sqlite3_stmt *s, char **sender, char **name)
{
	int64_t member;

	*sender = *name = NULL;
	if (!chat_col_int(s, M_MEMBER, &member) ||
	    !chat_lookup_find(&p->member, p->ctx, member))
		return;
	*sender = chat_col_dup(p->member.found, 0);
	*name = dup_nonempty(chat_col_text(p->member.found, 1));
	if (!*name)
		*name = dup_nonempty(chat_col_text(p->member.found, 2));
}

static char *push_name(pass *p, const char *jid)
{
	if (!jid || !chat_lookup_find_text(&p->push_name, p->ctx, jid))
		return NULL;
	return dup_nonempty(chat_col_text(p->push_name.found, 0));
}

static char *message_extra(sqlite3_stmt *s, chat_json *extra, bool has_type, int64_t type)
{
	chat_extra_text(extra, "stanza_id", s, M_STANZA);
	chat_extra_int(extra, "message_type", s, M_TYPE);
	if (has_type && type_name(type))
		chat_json_text(extra, "media_type", type_name(type));
	chat_extra_int(extra, "message_status", s, M_STATUS);
	chat_extra_int(extra, "starred", s, M_STARRED);
	chat_extra_int(extra, "flags", s, M_FLAGS);
	chat_extra_int(extra, "group_event_type", s, M_GROUP_EVENT);
	chat_extra_text(extra, "from_jid", s, M_FROM);
	chat_extra_text(extra, "to_jid", s, M_TO);
	chat_extra_text(extra, "push_name", s, M_PUSH_NAME);
	if (sqlite3_column_type(s, M_SENT_DATE) != SQLITE_NULL)
		chat_json_real(extra, "sent_date", sqlite3_column_double(s, M_SENT_DATE));
	return chat_json_take(extra);
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	chat_related *media = NULL;
	int64_t session = 0, from_me = 0, type = 0, item = 0;
	bool has_type = chat_col_int(s, M_TYPE, &type);
	bool has_item = chat_col_int(s, M_MEDIA_ITEM, &item) && item > 0;
	bool group;
	char *key, *sender = NULL, *name = NULL, *recipients = NULL, *caption = NULL;
	char *body = chat_col_dup(s, M_TEXT), *extra_text;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	if (chat_col_int(s, M_SESSION, &session))
		load_thread(p, session);
	else
		forget_thread(p);
	group = is_group(p->t.jid);
	m.service = "WhatsApp";
	m.thread_id = p->t.jid;
	m.thread_title = p->t.title;
	m.participants = p->t.participants;
	if (chat_col_int(s, M_FROM_ME, &from_me))
		m.direction = from_me ? CHAT_OUTGOING : CHAT_INCOMING;
	if (m.direction == CHAT_INCOMING) {
		if (group) {
			group_author(p, s, &sender, &name);
			recipients = chat_others(p->ctx, p->src, p->t.participants, sender, MAX_PARTICIPANTS);
		} else {
			sender = dup_nonempty(chat_col_text(s, M_FROM));
			if (!sender && p->t.jid)
				sender = strdup(p->t.jid);
			name = p->t.title ? strdup(p->t.title) : NULL;
		}
		if (!name)
			name = dup_nonempty(chat_col_text(s, M_PUSH_NAME));
		if (!name)
			name = push_name(p, sender);
	} else if (m.direction == CHAT_OUTGOING && p->t.participants) {
		recipients = strdup(p->t.participants);
	}
	m.sender = sender;
	m.sender_name = name;
	m.recipients = recipients;
	m.precision = "1s";
	m.sent = core_data_time(p, s, M_DATE, &m.precision);
	m.body = chat_nonempty(body);
	key = chat_key("ZWAMESSAGE", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	if (m.prov.has_rowid)
		media = find_media(p, m.prov.rowid, has_item, item);
	if (media && !m.body && !(has_type && type == TYPE_CONTACT)) {
		caption = chat_col_dup(media->found, MEDIA_TITLE);
		m.body = chat_nonempty(caption);
	}
	m.kind = kind_of(has_type, type, media != NULL);
	m.forwarded = m.edited = CHAT_FLAG_UNKNOWN;
	m.deleted = has_type && type == TYPE_DELETED ? CHAT_FLAG_YES : CHAT_FLAG_NO;
	if (!has_type)
		m.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	if (media)
		add_media_details(&extra, media->found, has_type && type == TYPE_CONTACT);
	extra_text = message_extra(s, &extra, has_type, type);
	m.extra = extra_text;
	if (!key)
		p->ctx->out_of_memory = true;
	else if (chat_emit_message_kept(p->ctx, &m) && media)
		emit_media(p, media, key, has_type, type);
	free(key);
	free(sender);
	free(name);
	free(recipients);
	free(caption);
	free(body);
	free(extra_text);
}

static void read_messages(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "ZWAMESSAGE", message_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_message(p, &rs);
	chat_rows_close(&rs);
	forget_thread(p);
}

/* ---- push names ------------------------------------------------------------ */

static void read_push_names(pass *p)
{
	static const char *const columns[] = { "ZJID", "ZPUSHNAME", NULL };
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "ZWAPROFILEPUSHNAME", columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		chat_contact c;
		char *jid = chat_col_dup(rs.stmt, 0), *name = chat_col_dup(rs.stmt, 1);

		memset(&c, 0, sizeof c);
		chat_rows_provenance(&rs, &c.prov);
		c.contact_id = chat_nonempty(jid);
		c.name = chat_nonempty(name);
		c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
		if (c.contact_id || c.name)
			chat_emit_contact(p->ctx, &c);
		free(jid);
		free(name);
	}
	chat_rows_close(&rs);
}

/* ---- the extraction ----------------------------------------------------- */

static int whatsapp_ios_extract(chat_ctx *ctx, const chat_source *src)
{
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	chat_lookup_open(&p.session, ctx, src,
	                 chat_has_column(src->lookup, "ZWACHATSESSION", "ZPARTNERNAME") ?
	                 "SELECT ZCONTACTJID, ZPARTNERNAME FROM ZWACHATSESSION WHERE Z_PK = ?1" :
	                 "SELECT ZCONTACTJID, NULL FROM ZWACHATSESSION WHERE Z_PK = ?1");
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT ZMEMBERJID FROM ZWAGROUPMEMBER WHERE ZCHATSESSION = ?1 "
	                 "ORDER BY Z_PK");
	chat_lookup_open(&p.member, ctx, src,
	                 chat_has_column(src->lookup, "ZWAGROUPMEMBER", "ZFIRSTNAME") ?
	                 "SELECT ZMEMBERJID, ZCONTACTNAME, ZFIRSTNAME FROM ZWAGROUPMEMBER "
	                 "WHERE Z_PK = ?1" :
	                 "SELECT ZMEMBERJID, ZCONTACTNAME, NULL FROM ZWAGROUPMEMBER "
	                 "WHERE Z_PK = ?1");
	chat_lookup_open(&p.push_name, ctx, src,
	                 "SELECT ZPUSHNAME FROM ZWAPROFILEPUSHNAME WHERE ZJID = ?1 ORDER BY Z_PK");
	chat_related_open_columns(&p.media_of_message, ctx, src, "ZWAMEDIAITEM", "ZMESSAGE",
	                          media_columns);
	chat_related_open_columns(&p.media_by_pk, ctx, src, "ZWAMEDIAITEM", "Z_PK",
	                          media_columns);
	read_messages(&p);
	read_push_names(&p);
	chat_lookup_close(&p.session);
	chat_lookup_close(&p.members);
	chat_lookup_close(&p.member);
	chat_lookup_close(&p.push_name);
	chat_related_close(&p.media_of_message);
	chat_related_close(&p.media_by_pk);
	return ctx->status;
}

/* ---- the plugin --------------------------------------------------------- */

static const char *const fingerprint[] = {
	"ZWAMESSAGE", "ZWAMESSAGE.ZCHATSESSION", "ZWAMESSAGE.ZISFROMME",
	"ZWAMESSAGE.ZMESSAGEDATE", "ZWAMESSAGE.ZTEXT", "ZWACHATSESSION",
	"ZWACHATSESSION.ZCONTACTJID", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, whatsapp_ios_extract },
};

CHAT_SQLITE_PLUGIN("whatsapp-ios", "1.0",
	                   "WhatsApp for iOS ChatStorage.sqlite: messages, media, group members, "
	                   "push names, by schema",
	                   parsers)

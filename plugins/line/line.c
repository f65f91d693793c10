/*
 * line.c — the "line" plugin: messages, contacts and calls of LINE for
 * Android, from its message database (databases/naver_line) and its call
 * database (databases/call_history), each recognised by schema.
 *
 * Where the schema comes from (read, not copied): ALEAPP
 * scripts/artifacts/line.py (abrignoni/ALEAPP) and Autopsy's
 * InternalPythonModules/android/line.py (sleuthkit/autopsy), which name
 * the tables and columns below and describe what they observed of their
 * values.
 *
 * naver_line (times are Unix milliseconds):
 *   chat_history  id, server_id, type, chat_id (the conversation: the
 *                 other party's mid in a one-to-one chat, a group's id
 *                 otherwise), from_mid (the sender's mid on a message
 *                 someone else sent; empty on the owner's own), content,
 *                 created_time, delivered_time, status (1 on received
 *                 messages; other values on sent ones), read_count,
 *                 attachement_type (0 text; others an attachment; 6 is
 *                 left out of the messages by both sources and its meaning
 *                 is not documented: it is reported as an event, raw value
 *                 in extra), attachement_local_uri, attachement_image_size,
 *                 location_name/address/phone/latitude/longitude,
 *                 parameter.
 *   contacts      m_id, name, server_name, custom_name.
 *   groups        id, name.      membership  id (the group), m_id.
 *   chat          chat_id, chat_name (when the version has it).
 * call_history (a database of its own; times Unix milliseconds):
 *   call_history  caller_mid (the other party), start_time, end_time,
 *                 call_type (ending "O" outgoing, "I" incoming), voip_type
 *                 ("V" video, "A" voice, "G" a group call whose media is in
 *                 voip_gc_media_type).
 * The owner's own mid is in neither: an outgoing message has no sender.
 * A message is outgoing when from_mid is empty, unless its status is the
 * received one (1): the two disagree, and the direction is left unknown.
 *
 * Records: chat_messages (key "chat_history:<rowid>"), chat_attachments
 * (a local file), chat_contacts, chat_calls (call_id
 * "call_history:<rowid>").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "LINE"
#define MAX_MEMBERS 512
#define STATUS_RECEIVED 1
#define ATTACHMENT_UNDOCUMENTED 6

static char *dup_nonempty(const char *s)
{
	return chat_nonempty(s) ? strdup(s) : NULL;
}

/* ---- messages -------------------------------------------------------------------- */

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	chat_lookup contact, group, chat, members;
	char *chat_id, *title, *members_json; /* the chat last looked up */
	bool group_chat;
} pass;

enum {
	H_SERVER_ID, H_TYPE, H_CHAT, H_FROM, H_CONTENT, H_CREATED, H_DELIVERED, H_STATUS,
	H_READ_COUNT, H_ATTACHMENT_TYPE, H_URI, H_SIZE, H_LOC_NAME, H_LOC_ADDRESS,
	H_LOC_PHONE, H_LAT, H_LON, H_PARAMETER
};

static const char *const history_columns[] = {
	"server_id", "type", "chat_id", "from_mid", "content", "created_time",
	"delivered_time", "status", "read_count", "attachement_type",
	"attachement_local_uri", "attachement_image_size", "location_name",
	"location_address", "location_phone", "location_latitude", "location_longitude",
	"parameter", NULL
};

static char *contact_name(pass *p, const char *mid)
{
	char *name;

	if (!mid || !chat_lookup_find_text(&p->contact, p->ctx, mid))
		return NULL;
	name = dup_nonempty(chat_col_text(p->contact.found, 0));
	if (!name)
		name = dup_nonempty(chat_col_text(p->contact.found, 1));
	if (!name)
		name = dup_nonempty(chat_col_text(p->contact.found, 2));
	return name;
}

static void forget_chat(pass *p)
{
	free(p->chat_id);
	free(p->title);
	free(p->members_json);
	p->chat_id = p->title = p->members_json = NULL;
	p->group_chat = false;
}

/* The chat's title and members: a group's name and membership, or the
 * other party of a one-to-one chat. */
static void load_chat(pass *p, const char *id)
{
	chat_json list;
	size_t n = 0;

	if (p->chat_id && chat_same(p->chat_id, id))
		return;
	forget_chat(p);
	if (!id)
		return;
	p->chat_id = strdup(id);
	chat_json_array(&list);
	if (chat_lookup_find_text(&p->members, p->ctx, id)) {
		p->group_chat = true;
		do
			chat_json_add_unique(&list, chat_nonempty(chat_col_text(p->members.found, 0)));
		while (++n < MAX_MEMBERS && chat_lookup_more(&p->members, p->ctx));
	}
	if (chat_lookup_find_text(&p->group, p->ctx, id)) {
		p->group_chat = true;
		p->title = dup_nonempty(chat_col_text(p->group.found, 0));
	}
	if (!p->title && chat_lookup_find_text(&p->chat, p->ctx, id))
		p->title = dup_nonempty(chat_col_text(p->chat.found, 0));
	if (!p->group_chat) {
		chat_json_add(&list, id);
		if (!p->title)
			p->title = contact_name(p, id);
	}
	p->members_json = chat_json_take(&list);
}

static chat_direction direction_of(sqlite3_stmt *s, const char *from)
{
	int64_t status;
	bool has_status = chat_col_int(s, H_STATUS, &status);

	if (from)
		return CHAT_INCOMING;
	if (has_status && status == STATUS_RECEIVED)
		return CHAT_UNKNOWN_DIRECTION;
	return has_status ? CHAT_OUTGOING : CHAT_UNKNOWN_DIRECTION;
}

static void emit_attachment(pass *p, sqlite3_stmt *s, const char *key,
                            const chat_provenance *prov)
{
	chat_attachment a;
	char *uri = chat_col_dup(s, H_URI);

	if (chat_nonempty(uri)) {
		memset(&a, 0, sizeof a);
		a.message_key = key;
		a.path = uri;
		a.has_size = chat_col_int(s, H_SIZE, &a.size) && a.size > 0;
		a.prov = *prov;
		chat_emit_attachment(p->ctx, &a);
	}
	free(uri);
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	int64_t attachment = 0;
	bool has_attachment = chat_col_int(s, H_ATTACHMENT_TYPE, &attachment);
	char *chat = chat_col_dup(s, H_CHAT), *from = chat_col_dup(s, H_FROM);
	char *body = chat_col_dup(s, H_CONTENT), *name = NULL, *recipients = NULL;
	char *key, *extra_text;

	if (!chat_nonempty(from)) {
		free(from);
		from = NULL;
	}
	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	load_chat(p, chat_nonempty(chat));
	m.thread_id = p->chat_id;
	m.thread_title = p->title;
	m.participants = p->members_json;
	m.direction = direction_of(s, from);
	m.sender = from;
	if (from) {
		name = contact_name(p, from);
		m.sender_name = name;
	} else if (m.direction == CHAT_OUTGOING) {
		recipients = p->members_json ? strdup(p->members_json) : NULL;
		m.recipients = recipients;
	}
	m.sent = chat_col_time(p->ctx, s, H_CREATED, 1000, CHAT_EPOCH_UNIX, true);
	m.received = chat_col_time(p->ctx, s, H_DELIVERED, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	m.body = chat_nonempty(body);
	m.kind = has_attachment && attachment == ATTACHMENT_UNDOCUMENTED ? CHAT_SYSTEM :
	         has_attachment && attachment != 0 ? CHAT_MEDIA :
	         chat_nonempty(chat_col_text(s, H_URI)) ? CHAT_MEDIA : CHAT_TEXT;
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	key = chat_key("chat_history", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	chat_json_object(&extra);
	chat_extra_text(&extra, "server_id", s, H_SERVER_ID);
	chat_extra_int(&extra, "type", s, H_TYPE);
	chat_extra_int(&extra, "status", s, H_STATUS);
	chat_extra_int(&extra, "read_count", s, H_READ_COUNT);
	chat_extra_int(&extra, "attachement_type", s, H_ATTACHMENT_TYPE);
	chat_extra_text(&extra, "location_name", s, H_LOC_NAME);
	chat_extra_text(&extra, "location_address", s, H_LOC_ADDRESS);
	chat_extra_text(&extra, "location_phone", s, H_LOC_PHONE);
	chat_extra_int(&extra, "location_latitude", s, H_LAT);
	chat_extra_int(&extra, "location_longitude", s, H_LON);
	chat_extra_text(&extra, "parameter", s, H_PARAMETER);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (!key)
		p->ctx->out_of_memory = true;
	else if (chat_emit_message_kept(p->ctx, &m))
		emit_attachment(p, s, key, &m.prov);
	free(chat);
	free(from);
	free(body);
	free(name);
	free(recipients);
	free(key);
	free(extra_text);
}

static void read_contacts(pass *p)
{
	static const char *const columns[] = {
		"m_id", "name", "server_name", "custom_name", NULL
	};
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "contacts", columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		chat_contact c;
		chat_json extra;
		char *mid = chat_col_dup(rs.stmt, 0), *name = chat_col_dup(rs.stmt, 1);
		char *server = chat_col_dup(rs.stmt, 2), *custom = chat_col_dup(rs.stmt, 3);
		char *extra_text;

		memset(&c, 0, sizeof c);
		chat_rows_provenance(&rs, &c.prov);
		c.contact_id = chat_nonempty(mid);
		c.name = chat_nonempty(custom) ? custom : chat_nonempty(name) ? name :
		         chat_nonempty(server);
		c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
		chat_json_object(&extra);
		chat_extra_text(&extra, "name", rs.stmt, 1);
		chat_extra_text(&extra, "server_name", rs.stmt, 2);
		chat_extra_text(&extra, "custom_name", rs.stmt, 3);
		extra_text = chat_json_take(&extra);
		c.extra = extra_text;
		if (c.contact_id || c.name)
			chat_emit_contact(p->ctx, &c);
		free(mid);
		free(name);
		free(server);
		free(custom);
		free(extra_text);
	}
	chat_rows_close(&rs);
}

/* Contacts by mid: custom_name, name, server_name (NULL for those the
 * version lacks). */
static void open_contact_lookup(pass *p)
{
	static const char *const columns[] = { "custom_name", "name", "server_name", NULL };
	char *list = chat_column_list(p->src->lookup, "contacts", columns);
	char *sql = list ? sqlite3_mprintf("SELECT %s FROM contacts WHERE m_id = ?1 "
	                                   "ORDER BY rowid", list) : NULL;

	if (sql)
		chat_lookup_open(&p->contact, p->ctx, p->src, sql);
	else
		p->ctx->out_of_memory = true;
	sqlite3_free(sql);
	sqlite3_free(list);
}

static int messages_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	open_contact_lookup(&p);
	chat_lookup_open(&p.group, ctx, src, "SELECT name FROM groups WHERE id = ?1");
	chat_lookup_open(&p.chat, ctx, src, "SELECT chat_name FROM chat WHERE chat_id = ?1");
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT m_id FROM membership WHERE id = ?1 ORDER BY rowid");
	if (chat_rows_open(&rs, ctx, src, "chat_history", history_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_message(&p, &rs);
		chat_rows_close(&rs);
	}
	read_contacts(&p);
	forget_chat(&p);
	chat_lookup_close(&p.contact);
	chat_lookup_close(&p.group);
	chat_lookup_close(&p.chat);
	chat_lookup_close(&p.members);
	return ctx->status;
}

/* ---- calls ----------------------------------------------------------------------- */

enum { C_CALLER, C_START, C_END, C_TYPE, C_VOIP, C_GROUP_MEDIA };

static const char *const call_columns[] = {
	"caller_mid", "start_time", "end_time", "call_type", "voip_type",
	"voip_gc_media_type", NULL
};

static const char *call_media(const char *voip, const char *group_media)
{
	const char *v = voip && !strcmp(voip, "G") ? group_media : voip;

	if (!v)
		return NULL;
	if (!strcmp(v, "V"))
		return "video";
	if (!strcmp(v, "A"))
		return "voice";
	return NULL;
}

static int calls_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, ctx, src, "call_history", call_columns, NULL))
		return ctx->status;
	while (chat_rows_next(&rs)) {
		sqlite3_stmt *s = rs.stmt;
		chat_call c;
		chat_json extra, list;
		const char *type = chat_col_text(s, C_TYPE);
		size_t len = type ? strlen(type) : 0;
		char *peer = chat_col_dup(s, C_CALLER), *id, *participants, *extra_text;

		memset(&c, 0, sizeof c);
		chat_rows_provenance(&rs, &c.prov);
		id = chat_key("call_history", c.prov.has_rowid ? c.prov.rowid : -1);
		c.call_id = id;
		c.peer = chat_nonempty(peer);
		c.thread_id = c.peer;
		if (len && type[len - 1] == 'O')
			c.direction = CHAT_OUTGOING;
		else if (len && type[len - 1] == 'I')
			c.direction = CHAT_INCOMING;
		c.media = call_media(chat_col_text(s, C_VOIP), chat_col_text(s, C_GROUP_MEDIA));
		c.started = chat_col_time(ctx, s, C_START, 1000, CHAT_EPOCH_UNIX, true);
		c.ended = chat_col_time(ctx, s, C_END, 1000, CHAT_EPOCH_UNIX, true);
		if (c.started.set && c.ended.set && c.ended.sec >= c.started.sec) {
			c.has_duration = true;
			c.duration = c.ended.sec - c.started.sec;
		}
		c.precision = "1ms";
		c.deleted = CHAT_FLAG_UNKNOWN;
		chat_json_array(&list);
		chat_json_add(&list, c.peer);
		participants = chat_json_take(&list);
		c.participants = participants;
		chat_json_object(&extra);
		chat_extra_text(&extra, "call_type", s, C_TYPE);
		chat_extra_text(&extra, "voip_type", s, C_VOIP);
		chat_extra_text(&extra, "voip_gc_media_type", s, C_GROUP_MEDIA);
		extra_text = chat_json_take(&extra);
		c.extra = extra_text;
		if (id)
			chat_emit_call(ctx, &c);
		else
			ctx->out_of_memory = true;
		free(peer);
		free(id);
		free(participants);
		free(extra_text);
	}
	chat_rows_close(&rs);
	return ctx->status;
}

/* ---- the plugin ------------------------------------------------------------------ */

static const char *const messages_fingerprint[] = {
	"chat_history", "chat_history.chat_id", "chat_history.from_mid",
	"chat_history.content", "chat_history.created_time", "contacts", "contacts.m_id",
	NULL
};

static const char *const calls_fingerprint[] = {
	"call_history", "call_history.caller_mid", "call_history.call_type",
	"call_history.start_time", "call_history.voip_type", NULL
};

static const chat_parser parsers[] = {
	{ APP, messages_fingerprint, messages_extract },
	{ APP, calls_fingerprint, calls_extract },
};

CHAT_SQLITE_PLUGIN("line", "1.0",
	                   "LINE for Android naver_line and call_history: messages, attachments, "
	                   "contacts, calls, by schema",
	                   parsers)

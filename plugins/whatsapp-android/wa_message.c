/*
 * wa_message.c — msgstore.db of WhatsApp for Android since 2021 (the
 * "message" layout, WhatsApp 2.21 and later).
 *
 * What it reads (the tables as the app creates them):
 *   message          one row per message: chat_row_id (its chat),
 *                    from_me, key_id (the app's id of the message),
 *                    sender_jid_row_id (the author in a group), status,
 *                    timestamp (sent, Unix ms), received_timestamp (when
 *                    this phone got an incoming one), message_type,
 *                    text_data (the text, or a media's caption), starred.
 *   chat             a conversation: jid_row_id (its JID), subject (a
 *                    group's name).
 *   jid              every JID: raw_string ("<user>@<server>"), or user
 *                    and server.
 *   group_participant_user   a group's members (group and user jid rows).
 *   message_media    a message's file: file_path, message_url, mime_type,
 *                    media_name, file_hash (SHA-256, Base64), file_size,
 *                    media_duration, width, height, media_caption.
 *   message_quoted   the message a reply quotes (its key_id, text).
 *   message_forwarded, message_edit_info, message_revoked   forwarded,
 *                    edited and deleted-for-everyone messages.
 *   message_location, message_vcard, message_system   a location, a
 *                    contact card, the action of a system message.
 *   receipt_user     delivery and read times of an outgoing message per
 *                    recipient (used for one-to-one chats, one recipient).
 * A message's own rows (media, quote, ...) are read from the source of
 * the message, then for a recovered message from the live database;
 * chats and JIDs from the live database, then the recovered one.
 *
 * Records: chat_messages (key "message:<_id>"), chat_attachments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "whatsapp.h"

const char *const wa_message_fingerprint[] = {
	"message", "message.chat_row_id", "message.from_me", "message.key_id",
	"message.text_data", "chat", "chat.jid_row_id", "jid", "jid.raw_string",
	NULL
};

/* The conversation of the messages being read (they come in rowid order,
 * so mostly in runs of one chat). */
typedef struct thread {
	bool loaded;
	int64_t chat_id;
	char *jid, *title, *participants;
} thread;

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	chat_lookup chat, jid, members, legacy_members;
	chat_related media, quoted, forwarded, edit, revoked, location, system,
	             vcard, receipt;
	thread t;
} pass;

/* ---- JIDs and chats ------------------------------------------------------ */

/* The JID of a jid row, malloc'd: raw_string, else user@server. */
static char *jid_text(pass *p, int64_t row)
{
	const char *raw, *user, *server;
	char *s = NULL;

	if (row <= 0 || !chat_lookup_find(&p->jid, p->ctx, row))
		return NULL;
	raw = chat_nonempty(chat_col_text(p->jid.found, 0));
	if (raw)
		return chat_col_dup(p->jid.found, 0);
	user = chat_col_text(p->jid.found, 1);
	server = chat_col_text(p->jid.found, 2);
	if (user && server && asprintf(&s, "%s@%s", user, server) < 0)
		s = NULL;
	return s;
}

static void forget_thread(pass *p)
{
	free(p->t.jid);
	free(p->t.title);
	free(p->t.participants);
	memset(&p->t, 0, sizeof p->t);
}

/* The members of a group, by jid row (group_participant_user), else by
 * JID (the legacy group_participants the app kept beside it for a while). */
static char *members_of(pass *p, int64_t group_row, const char *group_jid)
{
	int64_t ids[WA_MAX_PARTICIPANTS];
	size_t n = 0, i;
	chat_json list;

	chat_json_array(&list);
	if (chat_lookup_find(&p->members, p->ctx, group_row)) {
		do {
			if (chat_col_int(p->members.found, 0, &ids[n]))
				n++;
		} while (n < WA_MAX_PARTICIPANTS && chat_lookup_more(&p->members, p->ctx));
		for (i = 0; i < n; i++) {
			char *jid = jid_text(p, ids[i]);

			chat_json_add_unique(&list, jid);
			free(jid);
		}
	} else if (chat_lookup_find_text(&p->legacy_members, p->ctx, group_jid)) {
		do
			chat_json_add_unique(&list, chat_nonempty(chat_col_text(p->legacy_members.found, 0)));
		while (++n < WA_MAX_PARTICIPANTS && chat_lookup_more(&p->legacy_members, p->ctx));
	}
	return chat_json_take(&list);
}

static void load_thread(pass *p, int64_t chat_id)
{
	int64_t jid_row = 0;
	chat_json one;

	if (p->t.loaded && p->t.chat_id == chat_id)
		return;
	forget_thread(p);
	p->t.loaded = true;
	p->t.chat_id = chat_id;
	if (!chat_lookup_find(&p->chat, p->ctx, chat_id))
		return;
	p->t.title = chat_col_dup(p->chat.found, 1);
	if (!chat_nonempty(p->t.title)) {
		free(p->t.title);
		p->t.title = NULL;
	}
	if (!chat_col_int(p->chat.found, 0, &jid_row))
		return;
	p->t.jid = jid_text(p, jid_row);
	if (wa_is_group(p->t.jid)) {
		p->t.participants = members_of(p, jid_row, p->t.jid);
	} else if (p->t.jid) {
		chat_json_array(&one);
		chat_json_add(&one, p->t.jid);
		p->t.participants = chat_json_take(&one);
	}
}

/* ---- a message's own rows ----------------------------------------------- */

enum { MEDIA_PATH, MEDIA_URL, MEDIA_MIME, MEDIA_NAME, MEDIA_HASH, MEDIA_SIZE,
       MEDIA_DURATION, MEDIA_WIDTH, MEDIA_HEIGHT, MEDIA_CAPTION };
static const char *const media_columns[] = {
	"file_path", "message_url", "mime_type", "media_name", "file_hash",
	"file_size", "media_duration", "width", "height", "media_caption", NULL
};
static const char *const quoted_columns[] = { "key_id", "text_data", NULL };
static const char *const forwarded_columns[] = { "forward_score", NULL };
static const char *const edit_columns[] = { "edited_timestamp", "original_key_id", NULL };
static const char *const revoked_columns[] = { "revoke_timestamp", "revoked_key_id", NULL };
static const char *const location_columns[] = {
	"latitude", "longitude", "place_name", "place_address", "url", NULL
};
static const char *const system_columns[] = { "action_type", NULL };
static const char *const vcard_columns[] = { "vcard", NULL };
static const char *const receipt_columns[] = {
	"receipt_timestamp", "read_timestamp", "played_timestamp", NULL
};

/* A flag a table says by holding a row: unknown without the table. */
static chat_flag flag_of(const chat_related *r, bool found)
{
	if (!r->own && !r->live)
		return CHAT_FLAG_UNKNOWN;
	return found ? CHAT_FLAG_YES : CHAT_FLAG_NO;
}

/* The quote, forward, edit, revoke, location, card and system rows of a
 * message: into m and extra. */
static void read_details(pass *p, int64_t id, chat_message *m, chat_json *extra,
                         char **reply_to)
{
	chat_ctx *ctx = p->ctx;
	sqlite3_stmt *s;
	int64_t v;

	if (chat_related_find(&p->quoted, ctx, id)) {
		s = p->quoted.found;
		*reply_to = chat_nonempty(chat_col_text(s, 0)) ? strdup(chat_col_text(s, 0)) : NULL;
		chat_extra_text(extra, "quoted_text", s, 1);
	}
	m->forwarded = flag_of(&p->forwarded, false);
	if (chat_related_find(&p->forwarded, ctx, id)) {
		chat_extra_int(extra, "forward_score", p->forwarded.found, 0);
		m->forwarded = CHAT_FLAG_YES;
	}
	m->edited = flag_of(&p->edit, chat_related_find(&p->edit, ctx, id));
	if (m->edited == CHAT_FLAG_YES) {
		chat_extra_int(extra, "edited_timestamp", p->edit.found, 0);
		chat_extra_text(extra, "original_key_id", p->edit.found, 1);
	}
	if (chat_related_find(&p->revoked, ctx, id)) {
		m->deleted = CHAT_FLAG_YES;
		chat_extra_int(extra, "revoke_timestamp", p->revoked.found, 0);
		chat_extra_text(extra, "revoked_key_id", p->revoked.found, 1);
	} else if (m->deleted != CHAT_FLAG_YES) {
		m->deleted = flag_of(&p->revoked, false);
	}
	if (chat_related_find(&p->location, ctx, id)) {
		s = p->location.found;
		if (sqlite3_column_type(s, 0) != SQLITE_NULL)
			chat_json_real(extra, "latitude", sqlite3_column_double(s, 0));
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			chat_json_real(extra, "longitude", sqlite3_column_double(s, 1));
		chat_extra_text(extra, "place_name", s, 2);
		chat_extra_text(extra, "place_address", s, 3);
		chat_extra_text(extra, "place_url", s, 4);
	}
	if (chat_related_find(&p->system, ctx, id) && chat_col_int(p->system.found, 0, &v))
		chat_json_int(extra, "action_type", v);
	if (chat_related_find(&p->vcard, ctx, id))
		chat_extra_text(extra, "vcard", p->vcard.found, 0);
}

/* Delivery and read times of an outgoing one-to-one message. */
static void read_receipt(pass *p, int64_t id, chat_message *m)
{
	sqlite3_stmt *s;

	if (!chat_related_find(&p->receipt, p->ctx, id))
		return;
	s = p->receipt.found;
	m->received = wa_time(p->ctx, s, 0);
	m->read = wa_time(p->ctx, s, 1);
}

/* ---- messages ------------------------------------------------------------ */

enum {
	M_CHAT, M_FROM_ME, M_KEY_ID, M_SENDER, M_STATUS, M_BROADCAST,
	M_RECIPIENTS, M_ORIGIN, M_TIMESTAMP, M_RECEIVED, M_SERVER_RECEIPT,
	M_TYPE, M_TEXT, M_STARRED, M_SORT_ID
};

static const char *const message_columns[] = {
	"chat_row_id", "from_me", "key_id", "sender_jid_row_id", "status",
	"broadcast", "recipient_count", "origin", "timestamp",
	"received_timestamp", "receipt_server_timestamp", "message_type",
	"text_data", "starred", "sort_id", NULL
};

static void emit_media(pass *p, const char *key, int64_t type)
{
	sqlite3_stmt *s = p->media.found;
	chat_provenance prov;
	wa_media media;

	memset(&media, 0, sizeof media);
	media.path = chat_col_text(s, MEDIA_PATH);
	media.url = chat_col_text(s, MEDIA_URL);
	media.mime_type = chat_col_text(s, MEDIA_MIME);
	media.name = chat_col_text(s, MEDIA_NAME);
	media.hash_base64 = chat_col_text(s, MEDIA_HASH);
	media.has_size = chat_col_int(s, MEDIA_SIZE, &media.size);
	media.has_duration = chat_col_int(s, MEDIA_DURATION, &media.duration);
	media.has_width = chat_col_int(s, MEDIA_WIDTH, &media.width) &&
	                  chat_col_int(s, MEDIA_HEIGHT, &media.height);
	media.type = type;
	chat_related_provenance(&p->media, &prov);
	wa_emit_media(p->ctx, key, &media, &prov);
}

static char *message_extra(sqlite3_stmt *s, chat_json *extra)
{
	chat_extra_text(extra, "key_id", s, M_KEY_ID);
	chat_extra_int(extra, "message_type", s, M_TYPE);
	chat_extra_int(extra, "status", s, M_STATUS);
	chat_extra_int(extra, "starred", s, M_STARRED);
	chat_extra_int(extra, "broadcast", s, M_BROADCAST);
	chat_extra_int(extra, "recipient_count", s, M_RECIPIENTS);
	chat_extra_int(extra, "origin", s, M_ORIGIN);
	chat_extra_int(extra, "sort_id", s, M_SORT_ID);
	chat_extra_int(extra, "receipt_server_timestamp", s, M_SERVER_RECEIPT);
	return chat_json_take(extra);
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	int64_t chat_id = 0, from_me = 0, type = 0, status = 0, sender_row = 0;
	bool has_type = chat_col_int(s, M_TYPE, &type);
	bool has_media = false, group, outgoing;
	char *key, *sender = NULL, *recipients = NULL, *reply_to = NULL, *caption = NULL;
	char *body = chat_col_dup(s, M_TEXT);
	char *extra_text;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	if (chat_col_int(s, M_CHAT, &chat_id))
		load_thread(p, chat_id);
	else
		forget_thread(p);
	group = wa_is_group(p->t.jid);
	m.service = WA_SERVICE;
	m.thread_id = p->t.jid;
	m.thread_title = p->t.title;
	m.participants = p->t.participants;
	if (chat_col_int(s, M_FROM_ME, &from_me))
		m.direction = from_me ? CHAT_OUTGOING : CHAT_INCOMING;
	outgoing = m.direction == CHAT_OUTGOING;
	if (m.direction == CHAT_INCOMING) {
		if (group && chat_col_int(s, M_SENDER, &sender_row))
			sender = jid_text(p, sender_row);
		else if (!group && p->t.jid)
			sender = strdup(p->t.jid);
		if (group)
			recipients = chat_others(p->ctx, p->src, p->t.participants, sender, WA_MAX_PARTICIPANTS);
	} else if (outgoing && p->t.participants) {
		recipients = strdup(p->t.participants);
	}
	m.sender = sender;
	m.recipients = recipients;
	m.sent = wa_time(p->ctx, s, M_TIMESTAMP);
	if (m.direction == CHAT_INCOMING)
		m.received = wa_time(p->ctx, s, M_RECEIVED);
	m.precision = "1ms";
	m.body = chat_nonempty(body);
	m.status = chat_col_int(s, M_STATUS, &status) ? wa_status_name(status, outgoing) : NULL;
	key = chat_key("message", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	m.forwarded = m.edited = CHAT_FLAG_UNKNOWN;
	m.deleted = has_type && type == WA_TYPE_REVOKED ? CHAT_FLAG_YES : CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	if (m.prov.has_rowid) {
		read_details(p, m.prov.rowid, &m, &extra, &reply_to);
		has_media = chat_related_find(&p->media, p->ctx, m.prov.rowid);
		if (has_media && !m.body) {
			caption = chat_col_dup(p->media.found, MEDIA_CAPTION);
			m.body = chat_nonempty(caption);
		}
		if (outgoing && !group)
			read_receipt(p, m.prov.rowid, &m);
	}
	m.reply_to = reply_to;
	m.kind = wa_kind(has_type, type, has_media);
	if (has_type && wa_type_name(type))
		chat_json_text(&extra, "media_type", wa_type_name(type));
	extra_text = message_extra(s, &extra);
	m.extra = extra_text;
	if (!key)
		p->ctx->out_of_memory = true;
	else if (chat_emit_message_kept(p->ctx, &m) && has_media)
		/* the media row found above is still current */
		emit_media(p, key, type);
	free(key);
	free(sender);
	free(recipients);
	free(reply_to);
	free(caption);
	free(body);
	free(extra_text);
}

static void read_messages(pass *p)
{
	chat_rowset rs;

	/* the row the app keeps as a placeholder (chat -1, key "-1") is none */
	if (!chat_rows_open(&rs, p->ctx, p->src, "message", message_columns,
	                    "WHERE NOT (chat_row_id IS -1 AND key_id IS '-1')"))
		return;
	while (chat_rows_next(&rs))
		emit_message(p, &rs);
	chat_rows_close(&rs);
	forget_thread(p);
}

/* ---- the extraction ----------------------------------------------------- */

int wa_message_extract(chat_ctx *ctx, const chat_source *src)
{
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	chat_lookup_open(&p.chat, ctx, src,
	                 "SELECT jid_row_id, subject FROM chat WHERE _id = ?1");
	chat_lookup_open(&p.jid, ctx, src,
	                 "SELECT raw_string, user, server FROM jid WHERE _id = ?1");
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT user_jid_row_id FROM group_participant_user "
	                 "WHERE group_jid_row_id = ?1 ORDER BY rowid");
	chat_lookup_open(&p.legacy_members, ctx, src,
	                 "SELECT jid FROM group_participants WHERE gjid = ?1 ORDER BY rowid");
	chat_related_open_columns(&p.media, ctx, src, "message_media", "message_row_id",
	                          media_columns);
	chat_related_open_columns(&p.quoted, ctx, src, "message_quoted", "message_row_id",
	                          quoted_columns);
	chat_related_open_columns(&p.forwarded, ctx, src, "message_forwarded",
	                          "message_row_id", forwarded_columns);
	chat_related_open_columns(&p.edit, ctx, src, "message_edit_info", "message_row_id",
	                          edit_columns);
	chat_related_open_columns(&p.revoked, ctx, src, "message_revoked", "message_row_id",
	                          revoked_columns);
	chat_related_open_columns(&p.location, ctx, src, "message_location",
	                          "message_row_id", location_columns);
	chat_related_open_columns(&p.system, ctx, src, "message_system", "message_row_id",
	                          system_columns);
	chat_related_open_columns(&p.vcard, ctx, src, "message_vcard", "message_row_id",
	                          vcard_columns);
	chat_related_open_columns(&p.receipt, ctx, src, "receipt_user", "message_row_id",
	                          receipt_columns);
	read_messages(&p);
	wa_read_calls(ctx, src);
	chat_lookup_close(&p.chat);
	chat_lookup_close(&p.jid);
	chat_lookup_close(&p.members);
	chat_lookup_close(&p.legacy_members);
	chat_related_close(&p.media);
	chat_related_close(&p.quoted);
	chat_related_close(&p.forwarded);
	chat_related_close(&p.edit);
	chat_related_close(&p.revoked);
	chat_related_close(&p.location);
	chat_related_close(&p.system);
	chat_related_close(&p.vcard);
	chat_related_close(&p.receipt);
	return ctx->status;
}

/*
 * wa_legacy.c — msgstore.db of WhatsApp for Android before 2021 (the
 * "messages" layout, kept beside the new one during the migration).
 *
 * What it reads:
 *   messages         one row per message: key_remote_jid (the chat's JID),
 *                    key_from_me, key_id, status (6: a control message,
 *                    such as a group event), data (the text), timestamp
 *                    (sent, Unix ms), received_timestamp, the
 *                    receipt_device / read_device / played_device
 *                    timestamps of an outgoing one-to-one message,
 *                    remote_resource (the author in a group), media_wa_type
 *                    (the type number, as text), media_url,
 *                    media_mime_type, media_size, media_name,
 *                    media_caption, media_hash (SHA-256, Base64),
 *                    media_duration, latitude, longitude, thumb_image (a
 *                    Java-serialised media description holding the file's
 *                    path), starred, quoted_row_id, forwarded.
 *   messages_quotes  the messages replies quote (key_id, data).
 *   chat_list        a chat's subject (a group's name).
 *   group_participants   a group's members (gjid, jid; jid '' is the
 *                    owner, whose JID this database does not know).
 * Row 1 with key_remote_jid '-1' is the app's placeholder, not a message.
 * When the database also holds the new layout with messages in it, those
 * are the same messages and only wa_message.c reads them.
 *
 * Records: chat_messages (key "messages:<_id>"), chat_attachments.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "whatsapp.h"

const char *const wa_legacy_fingerprint[] = {
	"messages", "messages.key_remote_jid", "messages.key_from_me",
	"messages.key_id", "messages.data", "messages.timestamp", NULL
};

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	chat_lookup subject, members, quote;
	char *thread, *title, *participants; /* the chat last met */
	bool have_thread;
} pass;

/* ---- chats --------------------------------------------------------------- */

static void forget_thread(pass *p)
{
	free(p->thread);
	free(p->title);
	free(p->participants);
	p->thread = p->title = p->participants = NULL;
	p->have_thread = false;
}

static void load_thread(pass *p, const char *jid)
{
	chat_json list;

	if (p->have_thread && chat_same(p->thread, jid))
		return;
	forget_thread(p);
	p->have_thread = true;
	if (!jid)
		return;
	p->thread = strdup(jid);
	if (chat_lookup_find_text(&p->subject, p->ctx, jid) &&
	    chat_nonempty(chat_col_text(p->subject.found, 0)))
		p->title = strdup(chat_col_text(p->subject.found, 0));
	chat_json_array(&list);
	if (!wa_is_group(jid))
		chat_json_add(&list, jid);
	else if (chat_lookup_find_text(&p->members, p->ctx, jid))
		chat_lookup_add_rest(&p->members, p->ctx, &list, WA_MAX_PARTICIPANTS);
	p->participants = chat_json_take(&list);
}

/* ---- messages ------------------------------------------------------------ */

enum {
	M_JID, M_FROM_ME, M_KEY_ID, M_STATUS, M_DATA, M_TIMESTAMP, M_URL, M_MIME,
	M_TYPE, M_SIZE, M_NAME, M_CAPTION, M_HASH, M_DURATION, M_LATITUDE,
	M_LONGITUDE, M_THUMB, M_AUTHOR, M_RECEIVED, M_DEVICE_RECEIPT, M_READ,
	M_PLAYED, M_SERVER_RECEIPT, M_STARRED, M_QUOTED, M_FORWARDED,
	M_EDIT_VERSION, M_RECIPIENTS, M_ORIGIN
};

static const char *const message_columns[] = {
	"key_remote_jid", "key_from_me", "key_id", "status", "data", "timestamp",
	"media_url", "media_mime_type", "media_wa_type", "media_size", "media_name",
	"media_caption", "media_hash", "media_duration", "latitude", "longitude",
	"thumb_image", "remote_resource", "received_timestamp",
	"receipt_device_timestamp", "read_device_timestamp", "played_device_timestamp",
	"receipt_server_timestamp", "starred", "quoted_row_id", "forwarded",
	"edit_version", "recipient_count", "origin", NULL
};

/* A media message says something of its file. */
static bool has_file(sqlite3_stmt *s, bool has_type, int64_t type)
{
	return (has_type && wa_type_name(type) && type != 5 && type != 16) ||
	       chat_nonempty(chat_col_text(s, M_URL)) ||
	       chat_nonempty(chat_col_text(s, M_HASH)) ||
	       chat_nonempty(chat_col_text(s, M_NAME));
}

static void emit_media(pass *p, sqlite3_stmt *s, const char *key, int64_t type,
                       const chat_provenance *prov)
{
	wa_media media;
	char *path = NULL;

	memset(&media, 0, sizeof media);
	if (sqlite3_column_type(s, M_THUMB) == SQLITE_BLOB)
		path = wa_java_path(sqlite3_column_blob(s, M_THUMB),
		                    (size_t)sqlite3_column_bytes(s, M_THUMB));
	media.path = path;
	media.url = chat_col_text(s, M_URL);
	media.mime_type = chat_col_text(s, M_MIME);
	media.name = chat_col_text(s, M_NAME);
	media.hash_base64 = chat_col_text(s, M_HASH);
	media.has_size = chat_col_int(s, M_SIZE, &media.size);
	media.has_duration = chat_col_int(s, M_DURATION, &media.duration);
	media.type = type;
	wa_emit_media(p->ctx, key, &media, prov);
	free(path);
}

static void add_location(chat_json *extra, sqlite3_stmt *s)
{
	double lat, lon;

	if (sqlite3_column_type(s, M_LATITUDE) == SQLITE_NULL ||
	    sqlite3_column_type(s, M_LONGITUDE) == SQLITE_NULL)
		return;
	lat = sqlite3_column_double(s, M_LATITUDE);
	lon = sqlite3_column_double(s, M_LONGITUDE);
	if (lat == 0 && lon == 0) /* what every message without a place holds */
		return;
	chat_json_real(extra, "latitude", lat);
	chat_json_real(extra, "longitude", lon);
}

static char *message_extra(sqlite3_stmt *s, chat_json *extra, bool has_type,
                           int64_t type)
{
	chat_extra_text(extra, "key_id", s, M_KEY_ID);
	chat_extra_text(extra, "media_wa_type", s, M_TYPE);
	if (has_type && wa_type_name(type))
		chat_json_text(extra, "media_type", wa_type_name(type));
	chat_extra_int(extra, "status", s, M_STATUS);
	chat_extra_int(extra, "starred", s, M_STARRED);
	chat_extra_int(extra, "edit_version", s, M_EDIT_VERSION);
	chat_extra_int(extra, "recipient_count", s, M_RECIPIENTS);
	chat_extra_int(extra, "origin", s, M_ORIGIN);
	chat_extra_int(extra, "receipt_server_timestamp", s, M_SERVER_RECEIPT);
	chat_extra_int(extra, "played_device_timestamp", s, M_PLAYED);
	add_location(extra, s);
	return chat_json_take(extra);
}

/* The key_id of the message a reply quotes, malloc'd. */
static char *quoted(pass *p, sqlite3_stmt *s, chat_json *extra)
{
	int64_t row;

	if (!chat_col_int(s, M_QUOTED, &row) || row <= 0 ||
	    !chat_lookup_find(&p->quote, p->ctx, row))
		return NULL;
	chat_json_text(extra, "quoted_text", chat_col_text(p->quote.found, 1));
	return chat_nonempty(chat_col_text(p->quote.found, 0)) ?
	       strdup(chat_col_text(p->quote.found, 0)) : NULL;
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	const char *jid = chat_nonempty(chat_col_text(s, M_JID));
	chat_message m;
	chat_json extra;
	int64_t from_me = 0, type = 0, status = 0, forwarded;
	bool has_type = chat_col_int(s, M_TYPE, &type), group = wa_is_group(jid);
	bool media, outgoing;
	char *key, *sender = NULL, *recipients = NULL, *reply_to, *extra_text;
	char *body = chat_col_dup(s, M_DATA), *caption = chat_col_dup(s, M_CAPTION);

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	load_thread(p, jid);
	m.service = WA_SERVICE;
	m.thread_id = p->thread;
	m.thread_title = p->title;
	m.participants = p->participants;
	if (chat_col_int(s, M_FROM_ME, &from_me))
		m.direction = from_me ? CHAT_OUTGOING : CHAT_INCOMING;
	outgoing = m.direction == CHAT_OUTGOING;
	if (m.direction == CHAT_INCOMING) {
		const char *author = chat_nonempty(chat_col_text(s, M_AUTHOR));

		sender = group ? (author ? strdup(author) : NULL) : jid ? strdup(jid) : NULL;
		if (group)
			recipients = chat_others(p->ctx, p->src, p->participants, sender, WA_MAX_PARTICIPANTS);
	} else if (outgoing && p->participants) {
		recipients = strdup(p->participants);
	}
	m.sender = sender;
	m.recipients = recipients;
	m.sent = wa_time(p->ctx, s, M_TIMESTAMP);
	if (outgoing && !group) {
		m.received = wa_time(p->ctx, s, M_DEVICE_RECEIPT);
		m.read = wa_time(p->ctx, s, M_READ);
	} else if (m.direction == CHAT_INCOMING) {
		m.received = wa_time(p->ctx, s, M_RECEIVED);
	}
	m.precision = "1ms";
	m.body = chat_nonempty(body) ? body : chat_nonempty(caption);
	if (chat_col_int(s, M_STATUS, &status))
		m.status = wa_status_name(status, outgoing);
	media = has_file(s, has_type, type);
	m.kind = status == WA_STATUS_SYSTEM && !media ? CHAT_SYSTEM : wa_kind(has_type, type, media);
	key = chat_key("messages", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	chat_json_object(&extra);
	reply_to = quoted(p, s, &extra);
	m.reply_to = reply_to;
	m.forwarded = !chat_col_int(s, M_FORWARDED, &forwarded) ? CHAT_FLAG_UNKNOWN :
	              forwarded ? CHAT_FLAG_YES : CHAT_FLAG_NO;
	m.edited = CHAT_FLAG_UNKNOWN;
	m.deleted = has_type && type == WA_TYPE_REVOKED ? CHAT_FLAG_YES : CHAT_FLAG_UNKNOWN;
	extra_text = message_extra(s, &extra, has_type, type);
	m.extra = extra_text;
	if (!key)
		p->ctx->out_of_memory = true;
	else if (chat_emit_message_kept(p->ctx, &m) && media)
		emit_media(p, s, key, type, &m.prov);
	free(key);
	free(sender);
	free(recipients);
	free(reply_to);
	free(body);
	free(caption);
	free(extra_text);
}

static void read_messages(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "messages", message_columns,
	                    "WHERE key_remote_jid IS NOT '-1'"))
		return;
	while (chat_rows_next(&rs))
		emit_message(p, &rs);
	chat_rows_close(&rs);
	forget_thread(p);
}

/* ---- the extraction ----------------------------------------------------- */

int wa_legacy_extract(chat_ctx *ctx, const chat_source *src)
{
	pass p;

	if (wa_has_message_layout(ctx, src->lookup))
		return ctx->status;
	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	chat_lookup_open(&p.subject, ctx, src,
	                 "SELECT subject FROM chat_list WHERE key_remote_jid = ?1");
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT jid FROM group_participants WHERE gjid = ?1 ORDER BY rowid");
	chat_lookup_open(&p.quote, ctx, src,
	                 "SELECT key_id, data FROM messages_quotes WHERE _id = ?1");
	read_messages(&p);
	if (!chat_matches(src->lookup, wa_message_fingerprint))
		wa_read_calls(ctx, src);
	chat_lookup_close(&p.subject);
	chat_lookup_close(&p.members);
	chat_lookup_close(&p.quote);
	return ctx->status;
}

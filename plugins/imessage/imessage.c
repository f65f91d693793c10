/*
 * imessage.c — the "imessage" plugin: iMessage, SMS and RCS from Apple's
 * Messages database (sms.db on iOS, chat.db on macOS), recognised by its
 * schema.
 *
 * What it reads (the tables every version since iOS 6 / OS X 10.8 has):
 *   message   one row per message.  is_from_me says the direction;
 *             handle_id names the other party of a one-to-one exchange;
 *             date (sent), date_delivered and date_read count from
 *             2001-01-01 UTC, in seconds until macOS 10.13 / iOS 11 and in
 *             nanoseconds since — each value is judged by its size (a count
 *             above 10^12 is nanoseconds: as seconds it would be year 33000).
 *             text holds the body; newer versions may leave it NULL and keep
 *             it only in attributedBody, a typedstream NSAttributedString
 *             whose string follows the NSString class, a '+' and a length.
 *             Replies (thread_originator_guid), tapbacks
 *             (associated_message_guid), edits (date_edited) and unsends
 *             (date_retracted) are read when the version has them.
 *   handle    the addresses (phone numbers, e-mail addresses) of peers.
 *   chat, chat_message_join, chat_handle_join   conversations, their
 *             messages and participants.
 *   attachment, message_attachment_join   files, with the path the app
 *             recorded (filename, often "~/Library/...").
 * The account (the owner's own address) is message.account or
 * chat.account_login, without the "e:"/"p:" prefix.
 *
 * Records: chat_messages (key "message:<ROWID>"), chat_attachments (one
 * per attachment and message it belongs to, kept even when the message is
 * gone), chat_contacts (one per handle), chat_accounts (each account seen).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "iMessage"
#define NS_THRESHOLD 1000000000000LL /* Apple counts above this are nanoseconds */
#define MAX_PARTICIPANTS 512
#define MAX_ACCOUNTS 256

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	chat_lookup handle;       /* handle ROWID -> id */
	chat_lookup chat_of;      /* message ROWID -> chat ROWID */
	chat_lookup chat;         /* chat ROWID -> guid, names, account */
	chat_lookup members;      /* chat ROWID -> handle ROWIDs */
	chat_lookup recoverable;  /* message ROWID in "recently deleted" */
	bool ns_seen;
	bool has_date_edited, has_date_retracted;
} pass;

/* ---- small conversions -------------------------------------------------- */

/* An Apple count in seconds or nanoseconds since 2001. */
static chat_time apple_time(pass *p, sqlite3_stmt *s, int i)
{
	int64_t v;

	if (sqlite3_column_type(s, i) == SQLITE_FLOAT)
		return chat_col_time(p->ctx, s, i, 1, CHAT_EPOCH_APPLE, true);
	if (!chat_col_int(s, i, &v))
		return chat_col_time(p->ctx, s, i, 1, CHAT_EPOCH_APPLE, true);
	if (v > NS_THRESHOLD || v < -NS_THRESHOLD) {
		p->ns_seen = true;
		return chat_time_from(p->ctx, v, 1000000000, CHAT_EPOCH_APPLE, true);
	}
	return chat_time_from(p->ctx, v, 1, CHAT_EPOCH_APPLE, true);
}

/* "e:someone@icloud.com" -> "someone@icloud.com"; NULL stays NULL. */
static const char *without_prefix(const char *account)
{
	if (!account || !*account)
		return NULL;
	if ((account[0] == 'e' || account[0] == 'E' || account[0] == 'p' ||
	     account[0] == 'P') && account[1] == ':')
		return account[2] ? account + 2 : NULL;
	return account;
}

static uint32_t le(const unsigned char *b, size_t n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | b[n];
	return v;
}

/*
 * The string of a typedstream NSAttributedString: after the class name
 * "NSString", a '+' marks the string, then its length (one byte; 0x81
 * and a 16-bit, or 0x82 and a 32-bit little-endian count), then the
 * UTF-8 bytes.  NULL when the blob does not hold one.
 */
static char *typedstream_text(const unsigned char *blob, size_t len)
{
	static const char marker[] = "NSString";
	size_t i, at, n;

	if (!blob)
		return NULL;
	for (i = 0; i + sizeof marker - 1 <= len; i++)
		if (!memcmp(blob + i, marker, sizeof marker - 1))
			break;
	if (i + sizeof marker - 1 > len)
		return NULL;
	at = i + sizeof marker - 1;
	/* the '+' follows within a few framing bytes */
	for (i = at; i < len && i < at + 8 && blob[i] != '+'; i++)
		;
	if (i >= len || blob[i] != '+' || i + 1 >= len)
		return NULL;
	at = i + 1;
	if (blob[at] == 0x81) {
		if (at + 3 > len)
			return NULL;
		n = le(blob + at + 1, 2);
		at += 3;
	} else if (blob[at] == 0x82) {
		if (at + 5 > len)
			return NULL;
		n = le(blob + at + 1, 4);
		at += 5;
	} else if (blob[at] < 0x80) {
		n = blob[at];
		at += 1;
	} else {
		return NULL;
	}
	if (n > len - at)
		return NULL;
	return chat_clean_text(blob + at, n);
}

/* ---- threads ------------------------------------------------------------ */

typedef struct thread {
	bool known;
	char *guid, *title, *account, *participants;
} thread;

static void thread_free(thread *t)
{
	free(t->guid);
	free(t->title);
	free(t->account);
	free(t->participants);
	memset(t, 0, sizeof *t);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Participants of a chat (handle addresses), as a JSON array. */
static char *chat_members(pass *p, int64_t chat_id)
{
	chat_json list;
	size_t n = 0;
	int64_t ids[MAX_PARTICIPANTS];
	size_t i;

	/* Collect the handle ids first: resolving them steps other
	 * statements. */
	if (chat_lookup_find(&p->members, p->ctx, chat_id)) {
		do {
			if (chat_col_int(p->members.found, 0, &ids[n]))
				n++;
		} while (n < MAX_PARTICIPANTS && chat_lookup_more(&p->members, p->ctx));
	}
	chat_json_array(&list);
	for (i = 0; i < n; i++)
		if (chat_lookup_find(&p->handle, p->ctx, ids[i]))
			chat_json_add_unique(&list, chat_col_text(p->handle.found, 0));
	return chat_json_take(&list);
}

static void load_thread(pass *p, int64_t message_id, thread *t)
{
	int64_t chat_id;
	sqlite3_stmt *s;

	memset(t, 0, sizeof *t);
	if (!chat_lookup_find(&p->chat_of, p->ctx, message_id) ||
	    !chat_col_int(p->chat_of.found, 0, &chat_id) ||
	    !chat_lookup_find(&p->chat, p->ctx, chat_id))
		return;
	s = p->chat.found;
	t->known = true;
	t->guid = dup_or_null(chat_col_text(s, 0));
	t->title = dup_or_null(chat_nonempty(chat_col_text(s, 1)));
	if (!t->title)
		t->title = dup_or_null(chat_nonempty(chat_col_text(s, 2)));
	t->account = dup_or_null(without_prefix(chat_col_text(s, 3)));
	if (!t->guid) {
		char id[32];

		snprintf(id, sizeof id, "chat:%lld", (long long)chat_id);
		t->guid = strdup(id);
	}
	t->participants = chat_members(p, chat_id);
}

/* ---- messages ----------------------------------------------------------- */

enum {
	M_GUID, M_TEXT, M_BODY, M_HANDLE, M_OTHER_HANDLE, M_SERVICE, M_ACCOUNT,
	M_ACCOUNT_GUID, M_DATE, M_READ, M_DELIVERED, M_FROM_ME, M_IS_READ,
	M_IS_SENT, M_IS_DELIVERED, M_ERROR, M_TYPE, M_ITEM_TYPE, M_SYSTEM,
	M_GROUP_TITLE, M_GROUP_ACTION, M_HAS_ATTACHMENTS, M_AUDIO, M_ASSOC_GUID,
	M_ASSOC_TYPE, M_ORIGINATOR, M_REPLY_TO, M_EDITED, M_RETRACTED,
	M_FORWARD, M_SUBJECT, M_BALLOON, M_STYLE, M_CALLER_ID
};

static const char *const message_columns[] = {
	"guid", "text", "attributedBody", "handle_id", "other_handle", "service",
	"account", "account_guid", "date", "date_read", "date_delivered",
	"is_from_me", "is_read", "is_sent", "is_delivered", "error", "type",
	"item_type", "is_system_message", "group_title", "group_action_type",
	"cache_has_attachments", "is_audio_message", "associated_message_guid",
	"associated_message_type", "thread_originator_guid", "reply_to_guid",
	"date_edited", "date_retracted", "is_forward", "subject",
	"balloon_bundle_id", "expressive_send_style_id", "destination_caller_id",
	NULL
};

static char *message_extra(sqlite3_stmt *s)
{
	chat_json extra;

	chat_json_object(&extra);
	chat_extra_text(&extra, "guid", s, M_GUID);
	chat_extra_int(&extra, "type", s, M_TYPE);
	chat_extra_int(&extra, "item_type", s, M_ITEM_TYPE);
	chat_extra_int(&extra, "group_action_type", s, M_GROUP_ACTION);
	chat_extra_text(&extra, "group_title", s, M_GROUP_TITLE);
	chat_extra_int(&extra, "error", s, M_ERROR);
	chat_extra_int(&extra, "is_read", s, M_IS_READ);
	chat_extra_int(&extra, "is_sent", s, M_IS_SENT);
	chat_extra_int(&extra, "is_delivered", s, M_IS_DELIVERED);
	chat_extra_int(&extra, "is_system_message", s, M_SYSTEM);
	chat_extra_int(&extra, "is_audio_message", s, M_AUDIO);
	chat_extra_int(&extra, "handle_id", s, M_HANDLE);
	chat_extra_int(&extra, "other_handle", s, M_OTHER_HANDLE);
	chat_extra_text(&extra, "account_guid", s, M_ACCOUNT_GUID);
	chat_extra_text(&extra, "associated_message_guid", s, M_ASSOC_GUID);
	chat_extra_int(&extra, "associated_message_type", s, M_ASSOC_TYPE);
	chat_extra_text(&extra, "subject", s, M_SUBJECT);
	chat_extra_text(&extra, "balloon_bundle_id", s, M_BALLOON);
	chat_extra_text(&extra, "expressive_send_style_id", s, M_STYLE);
	chat_extra_text(&extra, "destination_caller_id", s, M_CALLER_ID);
	return chat_json_take(&extra);
}

static chat_flag flag_of(sqlite3_stmt *s, int i)
{
	int64_t v;

	if (sqlite3_column_type(s, i) == SQLITE_NULL || !chat_col_int(s, i, &v))
		return CHAT_FLAG_UNKNOWN;
	return v ? CHAT_FLAG_YES : CHAT_FLAG_NO;
}

/* A date column the version may lack: set (non-zero) or not. */
static chat_flag date_flag(bool has_column, sqlite3_stmt *s, int i)
{
	if (!has_column)
		return CHAT_FLAG_UNKNOWN;
	return chat_col_int_or(s, i, 0) != 0 ? CHAT_FLAG_YES : CHAT_FLAG_NO;
}

static const char *status_of(sqlite3_stmt *s, chat_direction d)
{
	if (chat_col_int_or(s, M_ERROR, 0) != 0)
		return "failed";
	if (d == CHAT_INCOMING)
		return chat_col_int_or(s, M_IS_READ, 0) ? "read" : "unread";
	if (d != CHAT_OUTGOING)
		return NULL;
	if (chat_col_int_or(s, M_READ, 0))
		return "read";
	if (chat_col_int_or(s, M_IS_DELIVERED, 0))
		return "delivered";
	if (chat_col_int_or(s, M_IS_SENT, 0))
		return "sent";
	return "unsent";
}

/* Tapbacks (2000-3007) and group events are system messages. */
static chat_kind kind_of(sqlite3_stmt *s)
{
	int64_t assoc = chat_col_int_or(s, M_ASSOC_TYPE, 0);

	if (chat_col_int_or(s, M_ITEM_TYPE, 0) != 0 ||
	    chat_col_int_or(s, M_SYSTEM, 0) != 0 || (assoc >= 2000 && assoc < 4000))
		return CHAT_SYSTEM;
	if (chat_col_int_or(s, M_HAS_ATTACHMENTS, 0) || chat_col_int_or(s, M_AUDIO, 0))
		return CHAT_MEDIA;
	return CHAT_TEXT;
}

static char *body_of(sqlite3_stmt *s)
{
	char *body = chat_col_dup(s, M_TEXT);

	if (body || sqlite3_column_type(s, M_BODY) != SQLITE_BLOB)
		return body;
	return typedstream_text(sqlite3_column_blob(s, M_BODY),
	                        (size_t)sqlite3_column_bytes(s, M_BODY));
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	thread t;
	int64_t handle_id = 0, from_me = 0;
	char *handle = NULL, *key = NULL, *body, *extra;
	chat_json recipients;

	memset(&m, 0, sizeof m);
	memset(&t, 0, sizeof t);
	chat_rows_provenance(rs, &m.prov);
	if (m.prov.has_rowid)
		load_thread(p, m.prov.rowid, &t);
	if (chat_col_int(s, M_HANDLE, &handle_id) && handle_id > 0 &&
	    chat_lookup_find(&p->handle, p->ctx, handle_id))
		handle = dup_or_null(chat_col_text(p->handle.found, 0));
	if (chat_col_int(s, M_FROM_ME, &from_me))
		m.direction = from_me ? CHAT_OUTGOING : CHAT_INCOMING;
	m.service = chat_col_text(s, M_SERVICE);
	m.account = without_prefix(chat_col_text(s, M_ACCOUNT));
	if (!m.account)
		m.account = t.account;
	m.thread_id = t.guid;
	m.thread_title = t.title;
	m.participants = t.participants;
	/* One-to-one, handle_id is the other party; in a group it is the
	 * sender of an incoming message, and 0 on an outgoing one. */
	chat_json_array(&recipients);
	if (m.direction == CHAT_OUTGOING) {
		m.sender = m.account;
		chat_json_add(&recipients, handle);
	} else if (m.direction == CHAT_INCOMING) {
		m.sender = handle;
		chat_json_add(&recipients, m.account);
	}
	m.recipients = chat_json_take(&recipients);
	if (m.direction == CHAT_OUTGOING && !m.recipients && t.participants)
		m.recipients = strdup(t.participants);
	m.sent = apple_time(p, s, M_DATE);
	m.received = apple_time(p, s, M_DELIVERED);
	m.read = apple_time(p, s, M_READ);
	m.precision = p->ns_seen ? "1ns" : "1s";
	body = body_of(s);
	m.body = body;
	m.kind = kind_of(s);
	m.status = status_of(s, m.direction);
	key = chat_key("message", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	m.reply_to = chat_col_text(s, M_ORIGINATOR);
	if (!m.reply_to)
		m.reply_to = chat_col_text(s, M_REPLY_TO);
	if (!m.reply_to)
		m.reply_to = chat_col_text(s, M_ASSOC_GUID);
	m.forwarded = flag_of(s, M_FORWARD);
	m.edited = date_flag(p->has_date_edited, s, M_EDITED);
	m.deleted = date_flag(p->has_date_retracted, s, M_RETRACTED);
	if (m.prov.has_rowid && (p->recoverable.live || p->recoverable.recovered) &&
	    chat_lookup_find(&p->recoverable, p->ctx, m.prov.rowid))
		m.deleted = CHAT_FLAG_YES; /* in "Recently Deleted" */
	extra = message_extra(s);
	m.extra = extra;
	if (key)
		chat_emit_message(p->ctx, &m);
	else
		p->ctx->out_of_memory = true;
	free((char *)m.recipients);
	free(handle);
	free(key);
	free(body);
	free(extra);
	thread_free(&t);
}

static void read_messages(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "message", message_columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		p->ns_seen = false;
		emit_message(p, &rs);
	}
	chat_rows_close(&rs);
}

/* ---- attachments -------------------------------------------------------- */

enum {
	A_GUID, A_CREATED, A_FILENAME, A_UTI, A_MIME, A_STATE, A_OUTGOING,
	A_NAME, A_BYTES, A_STICKER, A_HIDE
};

static const char *const attachment_columns[] = {
	"guid", "created_date", "filename", "uti", "mime_type", "transfer_state",
	"is_outgoing", "transfer_name", "total_bytes", "is_sticker",
	"hide_attachment", NULL
};

static void emit_attachment(pass *p, chat_rowset *rs, const char *key)
{
	sqlite3_stmt *s = rs->stmt;
	chat_attachment a;
	chat_json extra;
	char *extra_text, *path, *name;
	chat_time created;

	memset(&a, 0, sizeof a);
	chat_rows_provenance(rs, &a.prov);
	a.message_key = key;
	name = chat_col_dup(s, A_NAME);
	path = chat_col_dup(s, A_FILENAME);
	a.name = name;
	if (!a.name && path) {
		const char *slash = strrchr(path, '/');

		a.name = slash ? slash + 1 : path;
	}
	a.mime_type = chat_col_text(s, A_MIME);
	a.has_size = chat_col_int(s, A_BYTES, &a.size);
	a.path = path;
	chat_json_object(&extra);
	chat_extra_text(&extra, "guid", s, A_GUID);
	chat_extra_text(&extra, "uti", s, A_UTI);
	chat_extra_int(&extra, "transfer_state", s, A_STATE);
	chat_extra_int(&extra, "is_outgoing", s, A_OUTGOING);
	chat_extra_int(&extra, "is_sticker", s, A_STICKER);
	chat_extra_int(&extra, "hide_attachment", s, A_HIDE);
	created = chat_col_time(p->ctx, s, A_CREATED, 1, CHAT_EPOCH_APPLE, true);
	if (chat_col_int_or(s, A_CREATED, 0) > NS_THRESHOLD)
		created = chat_col_time(p->ctx, s, A_CREATED, 1000000000, CHAT_EPOCH_APPLE, true);
	if (created.set)
		chat_json_int(&extra, "created_unix", created.sec);
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	chat_emit_attachment(p->ctx, &a);
	free(extra_text);
	free(path);
	free(name);
}

/* Each attachment once per message that names it, or once alone. */
static void read_attachments(pass *p)
{
	chat_rowset rs;
	chat_lookup owners;

	if (!chat_rows_open(&rs, p->ctx, p->src, "attachment", attachment_columns, NULL))
		return;
	chat_lookup_open(&owners, p->ctx, p->src,
	                 "SELECT message_id FROM message_attachment_join "
	                 "WHERE attachment_id = ?1 ORDER BY message_id");
	while (chat_rows_next(&rs)) {
		int64_t id, message_id;
		size_t linked = 0;

		if (chat_rows_rowid(&rs, &id) && chat_lookup_find(&owners, p->ctx, id)) {
			do {
				char *key;

				if (!chat_col_int(owners.found, 0, &message_id))
					continue;
				key = chat_key("message", message_id);
				emit_attachment(p, &rs, key);
				free(key);
				linked++;
			} while (linked < 64 && chat_lookup_more(&owners, p->ctx));
		}
		if (!linked)
			emit_attachment(p, &rs, NULL);
	}
	chat_rows_close(&rs);
	chat_lookup_close(&owners);
}

/* ---- handles and accounts ----------------------------------------------- */

static const char *const handle_columns[] = {
	"id", "service", "country", "uncanonicalized_id", "person_centric_id", NULL
};

static void emit_handle(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	const char *address = chat_col_text(s, 0);
	chat_contact c;
	chat_json phones, emails, extra;
	char id[32], *extra_text;
	int64_t rowid;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	if (chat_rows_rowid(rs, &rowid)) {
		snprintf(id, sizeof id, "%lld", (long long)rowid);
		c.contact_id = id;
	}
	c.username = address;
	chat_json_array(&phones);
	chat_json_array(&emails);
	if (address && strchr(address, '@'))
		chat_json_add(&emails, address);
	else
		chat_json_add(&phones, address);
	c.phones = chat_json_take(&phones);
	c.emails = chat_json_take(&emails);
	chat_json_object(&extra);
	chat_extra_text(&extra, "service", s, 1);
	chat_extra_text(&extra, "country", s, 2);
	chat_extra_text(&extra, "uncanonicalized_id", s, 3);
	chat_extra_text(&extra, "person_centric_id", s, 4);
	extra_text = chat_json_take(&extra);
	c.extra = extra_text;
	c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
	chat_emit_contact(p->ctx, &c);
	free((char *)c.phones);
	free((char *)c.emails);
	free(extra_text);
}

static void read_handles(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "handle", handle_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_handle(p, &rs);
	chat_rows_close(&rs);
}

/* The accounts messages and chats name, once each (live rows only: a
 * recovered row names an account the live ones already show, or one
 * that will be seen in its messages). */
static void read_accounts(pass *p)
{
	sqlite3 *db = p->src->rows;
	const char *sql =
		chat_has_column(db, "chat", "account_login") ?
		"SELECT account, min(rowid), 'message' FROM message WHERE account <> '' "
		"GROUP BY account UNION ALL SELECT account_login, min(rowid), 'chat' "
		"FROM chat WHERE account_login <> '' GROUP BY account_login" :
		"SELECT account, min(rowid), 'message' FROM message WHERE account <> '' "
		"GROUP BY account";
	sqlite3_stmt *s;
	chat_json seen;

	if (p->src->kind != CHAT_LIVE || !chat_has_column(db, "message", "account"))
		return;
	s = chat_prepare(p->ctx, db, sql, false);
	chat_json_array(&seen);
	while (seen.n < MAX_ACCOUNTS && chat_step(p->ctx, s)) {
		const char *raw = chat_col_text(s, 0);
		const char *id = without_prefix(raw);
		chat_account a;
		size_t before = seen.n;

		if (!id)
			continue;
		chat_json_add_unique(&seen, id);
		if (seen.n == before)
			continue; /* the same address in another spelling */
		memset(&a, 0, sizeof a);
		a.account_id = id;
		if (strchr(id, '@'))
			a.email = id;
		else
			a.phone = id;
		a.prov.table = chat_col_text(s, 2);
		a.prov.has_rowid = chat_col_int(s, 1, &a.prov.rowid);
		chat_emit_account(p->ctx, &a);
	}
	chat_json_free(&seen);
	sqlite3_finalize(s);
}

/* ---- the extraction ----------------------------------------------------- */

/*
 * imessage_extract — every message, attachment, handle (and, for live
 * rows, account) of src.
 * RETURN: the worst EXHIBIT_* code met (also in ctx).
 */
static int imessage_extract(chat_ctx *ctx, const chat_source *src)
{
	pass p;
	const char *chat_sql;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.has_date_edited = chat_has_column(src->rows, "message", "date_edited");
	p.has_date_retracted = chat_has_column(src->rows, "message", "date_retracted");
	chat_sql = chat_has_column(src->lookup, "chat", "account_login") ?
	           "SELECT guid, display_name, chat_identifier, account_login "
	           "FROM chat WHERE rowid = ?1" :
	           "SELECT guid, display_name, chat_identifier, NULL FROM chat "
	           "WHERE rowid = ?1";
	chat_lookup_open(&p.handle, ctx, src, "SELECT id FROM handle WHERE rowid = ?1");
	chat_lookup_open(&p.chat_of, ctx, src,
	                 "SELECT chat_id FROM chat_message_join WHERE message_id = ?1 "
	                 "ORDER BY chat_id");
	chat_lookup_open(&p.chat, ctx, src, chat_sql);
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT handle_id FROM chat_handle_join WHERE chat_id = ?1 "
	                 "ORDER BY handle_id");
	chat_lookup_open(&p.recoverable, ctx, src,
	                 "SELECT 1 FROM chat_recoverable_message_join WHERE message_id = ?1");
	read_messages(&p);
	read_attachments(&p);
	read_handles(&p);
	read_accounts(&p);
	chat_lookup_close(&p.handle);
	chat_lookup_close(&p.chat_of);
	chat_lookup_close(&p.chat);
	chat_lookup_close(&p.members);
	chat_lookup_close(&p.recoverable);
	return ctx->status;
}

/* ---- the plugin --------------------------------------------------------- */

static const char *const fingerprint[] = {
	"message", "handle", "chat", "chat_message_join", "message.guid",
	"message.handle_id", "message.is_from_me", "message.date", "handle.id",
	NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, imessage_extract },
};

CHAT_SQLITE_PLUGIN("imessage", "1.0",
	                   "iMessage and SMS from Apple Messages (sms.db, chat.db), by schema",
	                   parsers)

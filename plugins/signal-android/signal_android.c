/*
 * signal_android.c — the "signal-android" plugin: messages, attachments,
 * calls, recipients and the owner of Signal for Android, from its
 * database once it is no longer encrypted (signal.db decrypted from the
 * phone, or from a backup), recognised by its schema.
 *
 * What it reads (column names as Signal's own source declares them):
 *   message     _id, date_sent, date_received, date_server (Unix ms),
 *               thread_id, from_recipient_id and to_recipient_id (2023
 *               and later) or recipient_id (the one table of 2023 before
 *               them), type (a bit field), body, read, remote_deleted,
 *               quote_id, quote_author, quote_body, latest_revision_id,
 *               original_message_id, revision_number, view_once,
 *               expires_in, story_type, server_guid.
 *   thread      _id, recipient_id (thread_recipient_id before it).
 *   recipient   _id, e164 (phone before it), aci (uuid before it),
 *               group_id, username, email, the names (nickname, system,
 *               profile, in Signal's order of preference), blocked.
 *   groups      recipient_id, title;  group_membership  group_id,
 *               recipient_id: a group thread's members.
 *   attachment  message_id, content_type, file_name, data_size,
 *               data_file, caption, width, height (part: mid, ct,
 *               _data before it).
 * The older sms and mms tables (before 2023) are not read.
 *
 * type: its low five bits are the base type (20 inbox, 21 outbox, 22
 * sending, 23 sent, 24 failed, 25 and 26 waiting for an SMS fallback, 27
 * draft; 1, 2, 3, 8, 10, 11, 12 calls; 4-7, 9, 13-18 events), bits above
 * mark group updates (0x10000), expiry-timer changes (0x40000), key
 * exchange (0x8000), session ends (0x400000) and special types (bits
 * 32-35): those are system messages.
 *
 * A recipient is named by its phone number, else its service id, group
 * id, username or e-mail, else "recipient:<_id>".  The owner is the
 * sender of the outgoing messages (from_recipient_id); the older layout
 * does not say who the owner is, and its outgoing messages have none.
 *
 * Records: chat_messages (key "message:<_id>"), chat_attachments,
 * chat_calls (call_id the message key), chat_contacts (the individual
 * recipients but the owner), chat_accounts (the owner).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Signal"
#define MAX_MEMBERS 1024
#define MAX_ATTACHMENTS 64

/* type, as MessageTypes declares it */
#define BASE_MASK 0x1f
#define BASE_INBOX 20
#define BASE_DRAFT 27
#define GROUP_UPDATE_BIT 0x10000
#define EXPIRATION_TIMER_BIT 0x40000
#define KEY_EXCHANGE_BIT 0x8000
#define END_SESSION_BIT 0x400000
#define SPECIAL_TYPES_MASK 0xf00000000LL

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	bool from_to;              /* from_recipient_id, to_recipient_id */
	bool has_owner;
	int64_t owner_id;
	char *owner, *owner_name;
	chat_lookup recipient, group_title, thread, members;
	chat_related attachment, part;
	/* the current thread */
	bool have_thread;
	int64_t thread_row;
	char *thread_id, *title, *participants;
} pass;

static char *dup_nonempty(const char *s)
{
	return chat_nonempty(s) ? strdup(s) : NULL;
}

/* ---- recipients ------------------------------------------------------------------ */

enum {
	R_E164, R_PHONE, R_ACI, R_UUID, R_GROUP, R_USERNAME, R_EMAIL, R_NICK, R_SYSTEM,
	R_SYSTEM_OLD, R_PROFILE_JOINED, R_PROFILE_GIVEN, R_PROFILE_OLD, R_BLOCKED, R_N
};

static const char *const recipient_columns[] = {
	"e164", "phone", "aci", "uuid", "group_id", "username", "email",
	"nickname_joined_name", "system_joined_name", "system_display_name",
	"profile_joined_name", "profile_given_name", "signal_profile_name", "blocked", NULL
};

static const int identity_order[] = { R_E164, R_PHONE, R_ACI, R_UUID, R_GROUP, R_USERNAME,
	                                  R_EMAIL };
static const int name_order[] = { R_NICK, R_SYSTEM, R_SYSTEM_OLD, R_PROFILE_JOINED,
	                              R_PROFILE_GIVEN, R_PROFILE_OLD, R_USERNAME };

static char *first_of(sqlite3_stmt *s, const int *columns, size_t n)
{
	size_t i;

	/* cleaned (invalid UTF-8 escaped) as the JSON lists will hold it */
	for (i = 0; i < n; i++)
		if (chat_nonempty(chat_col_text(s, columns[i])))
			return chat_col_dup(s, columns[i]);
	return NULL;
}

/* A recipient's identity and name (malloc'd; either may be NULL). */
static void recipient(pass *p, int64_t id, char **ident, char **name)
{
	char fallback[48];

	*ident = NULL;
	if (name)
		*name = NULL;
	if (chat_lookup_find(&p->recipient, p->ctx, id)) {
		sqlite3_stmt *s = p->recipient.found;

		*ident = first_of(s, identity_order, sizeof identity_order / sizeof *identity_order);
		if (name)
			*name = first_of(s, name_order, sizeof name_order / sizeof *name_order);
	}
	if (name && !*name && chat_lookup_find(&p->group_title, p->ctx, id))
		*name = dup_nonempty(chat_col_text(p->group_title.found, 0));
	if (!*ident) {
		snprintf(fallback, sizeof fallback, "recipient:%" PRId64, id);
		*ident = strdup(fallback);
	}
}

static char *recipient_ident(pass *p, sqlite3_stmt *s, int column)
{
	int64_t id;
	char *ident = NULL;

	if (chat_col_int(s, column, &id))
		recipient(p, id, &ident, NULL);
	return ident;
}

/* ---- threads ----------------------------------------------------------------------- */

static void forget_thread(pass *p)
{
	free(p->thread_id);
	free(p->title);
	free(p->participants);
	p->thread_id = p->title = p->participants = NULL;
	p->have_thread = false;
}

/* A group's members, or the owner and the other party. */
static char *members_of(pass *p, int64_t thread_recipient, const char *peer)
{
	chat_json list;
	char *group = NULL;
	size_t n = 0;

	chat_json_array(&list);
	if (chat_lookup_find(&p->recipient, p->ctx, thread_recipient))
		group = dup_nonempty(chat_col_text(p->recipient.found, R_GROUP));
	if (group) {
		if (chat_lookup_find_text(&p->members, p->ctx, group))
			do {
				int64_t member;
				char *ident = NULL;

				if (chat_col_int(p->members.found, 0, &member)) {
					recipient(p, member, &ident, NULL);
					chat_json_add_unique(&list, ident);
					free(ident);
				}
			} while (++n < MAX_MEMBERS && chat_lookup_more(&p->members, p->ctx));
	} else {
		chat_json_add_unique(&list, p->owner);
		chat_json_add_unique(&list, peer);
	}
	free(group);
	return chat_json_take(&list);
}

static void load_thread(pass *p, sqlite3_stmt *s, int column)
{
	int64_t row, thread_recipient;
	char text[32], *peer = NULL;

	if (!chat_col_int(s, column, &row)) {
		forget_thread(p);
		return;
	}
	if (p->have_thread && p->thread_row == row)
		return;
	forget_thread(p);
	p->have_thread = true;
	p->thread_row = row;
	snprintf(text, sizeof text, "%" PRId64, row);
	p->thread_id = strdup(text);
	if (chat_lookup_find(&p->thread, p->ctx, row) &&
	    chat_col_int(p->thread.found, 0, &thread_recipient)) {
		recipient(p, thread_recipient, &peer, &p->title);
		p->participants = members_of(p, thread_recipient, peer);
	}
	free(peer);
}

/* ---- types ------------------------------------------------------------------------ */

static bool is_call(int64_t type)
{
	return type == 1 || type == 2 || type == 3 || type == 8 || type == 10 || type == 11 ||
	       type == 12;
}

static chat_direction direction_of(int64_t type)
{
	int64_t base = type & BASE_MASK;

	if (type == 2 || type == 11 || (base >= 21 && base <= 26) || base == BASE_DRAFT)
		return CHAT_OUTGOING;
	if (base == BASE_INBOX || type == 1 || type == 3 || type == 8 || type == 10)
		return CHAT_INCOMING;
	return CHAT_UNKNOWN_DIRECTION;
}

static bool is_event(int64_t type)
{
	int64_t base = type & BASE_MASK;

	return (base >= 4 && base <= 7) || base == 9 || (base >= 13 && base <= 18) ||
	       (type & (GROUP_UPDATE_BIT | EXPIRATION_TIMER_BIT | KEY_EXCHANGE_BIT |
	                END_SESSION_BIT)) || (type & SPECIAL_TYPES_MASK);
}

static const char *status_of(int64_t type, bool has_read, int64_t read)
{
	switch (type & BASE_MASK) {
	case 21: case 22: case 25: case 26: return "sending";
	case 23: return "sent";
	case 24: return "failed";
	case BASE_DRAFT: return "draft";
	case BASE_INBOX: return has_read ? (read ? "read" : "unread") : NULL;
	default: return NULL;
	}
}

/* ---- messages ----------------------------------------------------------------------- */

enum {
	M_SENT, M_RECEIVED, M_SERVER, M_THREAD, M_FROM, M_TO, M_RECIPIENT, M_TYPE, M_BODY,
	M_READ, M_REMOTE_DELETED, M_QUOTE_ID, M_QUOTE_AUTHOR, M_QUOTE_BODY, M_LATEST,
	M_ORIGINAL, M_REVISION, M_VIEW_ONCE, M_EXPIRES, M_STORY, M_GUID
};

static const char *const message_columns[] = {
	"date_sent", "date_received", "date_server", "thread_id", "from_recipient_id",
	"to_recipient_id", "recipient_id", "type", "body", "read", "remote_deleted", "quote_id",
	"quote_author", "quote_body", "latest_revision_id", "original_message_id",
	"revision_number", "view_once", "expires_in", "story_type", "server_guid", NULL
};

enum { A_MIME, A_NAME, A_SIZE, A_FILE, A_CAPTION, A_WIDTH, A_HEIGHT };

static const char *const attachment_columns[] = {
	"content_type", "file_name", "data_size", "data_file", "caption", "width", "height", NULL
};
static const char *const part_columns[] = {
	"ct", "file_name", "data_size", "_data", "caption", "width", "height", NULL
};

static void emit_attachments(pass *p, chat_related *r, int64_t id, const char *key)
{
	size_t n = 0;

	if (!chat_related_find(r, p->ctx, id))
		return;
	do {
		sqlite3_stmt *s = r->found;
		chat_attachment a;
		chat_json extra;
		char *extra_text;

		memset(&a, 0, sizeof a);
		a.message_key = key;
		a.mime_type = chat_nonempty(chat_col_text(s, A_MIME));
		a.name = chat_nonempty(chat_col_text(s, A_NAME));
		a.path = chat_nonempty(chat_col_text(s, A_FILE));
		a.has_size = chat_col_int(s, A_SIZE, &a.size) && a.size >= 0;
		chat_json_object(&extra);
		chat_extra_text(&extra, "caption", s, A_CAPTION);
		chat_extra_int(&extra, "width", s, A_WIDTH);
		chat_extra_int(&extra, "height", s, A_HEIGHT);
		extra_text = chat_json_take(&extra);
		a.extra = extra_text;
		chat_related_provenance(r, &a.prov);
		chat_emit_attachment(p->ctx, &a);
		free(extra_text);
	} while (++n < MAX_ATTACHMENTS && chat_related_more(r, p->ctx));
}

static bool has_attachment(pass *p, const chat_provenance *prov)
{
	return prov->has_rowid && (chat_related_find(&p->attachment, p->ctx, prov->rowid) ||
	                           chat_related_find(&p->part, p->ctx, prov->rowid));
}

static void emit_call(pass *p, const chat_message *m, int64_t type)
{
	chat_call c;

	memset(&c, 0, sizeof c);
	c.account = m->account;
	c.call_id = m->key;
	c.thread_id = m->thread_id;
	c.direction = m->direction;
	c.status = type == 3 || type == 8 ? "missed" : NULL;
	c.media = type == 8 || type == 10 || type == 11 ? "video" :
	          type == 12 ? NULL : "voice";
	c.participants = m->participants;
	c.started = m->sent;
	c.precision = "1ms";
	c.deleted = CHAT_FLAG_UNKNOWN;
	c.prov = m->prov;
	chat_emit_call(p->ctx, &c);
}

static chat_flag edited_of(sqlite3_stmt *s)
{
	int64_t v;

	if (chat_col_int(s, M_LATEST, &v) || chat_col_int(s, M_ORIGINAL, &v))
		return CHAT_FLAG_YES;
	return sqlite3_column_type(s, M_REVISION) == SQLITE_NULL ? CHAT_FLAG_UNKNOWN :
	       CHAT_FLAG_NO;
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	int64_t type = 0, read = 0, deleted = 0;
	bool has_type = chat_col_int(s, M_TYPE, &type), media = false;
	bool has_read = chat_col_int(s, M_READ, &read);
	char *sender = NULL, *sender_name = NULL, *recipients = NULL, *key, *body, *extra_text;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	load_thread(p, s, M_THREAD);
	m.account = p->owner;
	m.thread_id = p->thread_id;
	m.thread_title = p->title;
	m.participants = p->participants;
	m.direction = has_type ? direction_of(type) : CHAT_UNKNOWN_DIRECTION;
	if (p->from_to) {
		int64_t from;

		if (chat_col_int(s, M_FROM, &from))
			recipient(p, from, &sender, &sender_name);
	} else if (m.direction == CHAT_INCOMING) {
		int64_t from;

		if (chat_col_int(s, M_RECIPIENT, &from))
			recipient(p, from, &sender, &sender_name);
	}
	m.sender = sender;
	m.sender_name = sender_name;
	recipients = chat_others(p->ctx, p->src, p->participants, sender, MAX_MEMBERS);
	if ((!recipients || !strcmp(recipients, "[]")) && m.direction == CHAT_OUTGOING) {
		char *to = recipient_ident(p, s, p->from_to ? M_TO : M_RECIPIENT);
		chat_json list;

		free(recipients);
		chat_json_array(&list);
		chat_json_add(&list, to);
		recipients = chat_json_take(&list);
		free(to);
	}
	m.recipients = recipients;
	m.sent = chat_col_time(p->ctx, s, M_SENT, 1000, CHAT_EPOCH_UNIX, true);
	if (m.direction != CHAT_OUTGOING)
		m.received = chat_col_time(p->ctx, s, M_RECEIVED, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	body = chat_col_dup(s, M_BODY);
	m.body = chat_nonempty(body);
	key = chat_key("message", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	if (has_type && is_call(type))
		m.kind = CHAT_CALL;
	else if (has_type && is_event(type))
		m.kind = CHAT_SYSTEM;
	else
		m.kind = (media = has_attachment(p, &m.prov)) ? CHAT_MEDIA : CHAT_TEXT;
	m.status = has_type ? status_of(type, has_read, read) : NULL;
	m.deleted = chat_col_int(s, M_REMOTE_DELETED, &deleted) ?
	            (deleted ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
	m.edited = edited_of(s);
	m.forwarded = CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	chat_extra_int(&extra, "type", s, M_TYPE);
	chat_extra_int(&extra, "date_server", s, M_SERVER);
	chat_extra_int(&extra, "date_received", s, M_RECEIVED);
	chat_extra_int(&extra, "quote_id", s, M_QUOTE_ID);
	chat_extra_int(&extra, "quote_author", s, M_QUOTE_AUTHOR);
	chat_extra_text(&extra, "quote_body", s, M_QUOTE_BODY);
	chat_extra_int(&extra, "latest_revision_id", s, M_LATEST);
	chat_extra_int(&extra, "original_message_id", s, M_ORIGINAL);
	chat_extra_int(&extra, "revision_number", s, M_REVISION);
	chat_extra_int(&extra, "view_once", s, M_VIEW_ONCE);
	chat_extra_int(&extra, "expires_in", s, M_EXPIRES);
	chat_extra_int(&extra, "story_type", s, M_STORY);
	chat_extra_text(&extra, "server_guid", s, M_GUID);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (!key) {
		p->ctx->out_of_memory = true;
	} else if (chat_emit_message_kept(p->ctx, &m)) {
		if (media) {
			emit_attachments(p, &p->attachment, m.prov.rowid, key);
			emit_attachments(p, &p->part, m.prov.rowid, key);
		}
		if (m.kind == CHAT_CALL)
			emit_call(p, &m, type);
	}
	free(sender);
	free(sender_name);
	free(recipients);
	free(key);
	free(body);
	free(extra_text);
}

/* ---- recipients as contacts, the owner ------------------------------------------------- */

static void emit_recipients(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "recipient", recipient_columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		sqlite3_stmt *s = rs.stmt;
		chat_contact c;
		chat_json phones, emails;
		int64_t blocked;
		char *ident, *name, *phones_text, *emails_text;

		if (chat_nonempty(chat_col_text(s, R_GROUP)))
			continue;
		memset(&c, 0, sizeof c);
		chat_rows_provenance(&rs, &c.prov);
		if (p->has_owner && c.prov.has_rowid && c.prov.rowid == p->owner_id && !c.prov.origin)
			continue;
		ident = first_of(s, identity_order, sizeof identity_order / sizeof *identity_order);
		name = first_of(s, name_order, sizeof name_order / sizeof *name_order);
		chat_json_array(&phones);
		chat_json_add(&phones, chat_nonempty(chat_col_text(s, R_E164)) ?
		                       chat_col_text(s, R_E164) : chat_nonempty(chat_col_text(s, R_PHONE)));
		phones_text = chat_json_take(&phones);
		chat_json_array(&emails);
		chat_json_add(&emails, chat_nonempty(chat_col_text(s, R_EMAIL)));
		emails_text = chat_json_take(&emails);
		c.account = p->owner;
		c.contact_id = ident;
		c.name = name;
		c.username = chat_nonempty(chat_col_text(s, R_USERNAME));
		c.phones = phones_text;
		c.emails = emails_text;
		c.blocked = chat_col_int(s, R_BLOCKED, &blocked) ?
		            (blocked ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
		c.deleted = CHAT_FLAG_UNKNOWN;
		if (c.contact_id || c.name)
			chat_emit_contact(p->ctx, &c);
		free(ident);
		free(name);
		free(phones_text);
		free(emails_text);
	}
	chat_rows_close(&rs);
}

static void find_owner(pass *p)
{
	sqlite3_stmt *s;

	if (!p->from_to)
		return;
	s = chat_prepare(p->ctx, p->src->lookup,
	                 "SELECT from_recipient_id FROM message WHERE (type & 31) BETWEEN 21 AND 26"
	                 " AND typeof(from_recipient_id) = 'integer' ORDER BY _id LIMIT 1", true);
	if (chat_step(p->ctx, s)) {
		p->has_owner = true;
		p->owner_id = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (p->has_owner)
		recipient(p, p->owner_id, &p->owner, &p->owner_name);
}

static void emit_owner(pass *p)
{
	chat_account a;

	if (!p->owner || p->src->kind != CHAT_LIVE)
		return;
	memset(&a, 0, sizeof a);
	a.account_id = p->owner;
	a.name = p->owner_name;
	a.prov.table = "recipient";
	a.prov.has_rowid = true;
	a.prov.rowid = p->owner_id;
	chat_emit_account(p->ctx, &a);
}

/* ---- the extraction -------------------------------------------------------------------- */

static void open_lookups(pass *p)
{
	char *columns = chat_column_list(p->src->lookup, "recipient", recipient_columns);
	char *sql;

	if (columns) {
		sql = sqlite3_mprintf("SELECT %s FROM recipient WHERE _id = ?1", columns);
		if (sql)
			chat_lookup_open(&p->recipient, p->ctx, p->src, sql);
		else
			p->ctx->out_of_memory = true;
		sqlite3_free(sql);
		sqlite3_free(columns);
	} else {
		p->ctx->out_of_memory = true;
	}
	chat_lookup_open(&p->group_title, p->ctx, p->src,
	                 "SELECT title FROM groups WHERE recipient_id = ?1");
	chat_lookup_open(&p->thread, p->ctx, p->src,
	                 chat_has_column(p->src->lookup, "thread", "recipient_id") ?
	                 "SELECT recipient_id FROM thread WHERE _id = ?1" :
	                 "SELECT thread_recipient_id FROM thread WHERE _id = ?1");
	chat_lookup_open(&p->members, p->ctx, p->src,
	                 "SELECT recipient_id FROM group_membership WHERE group_id = ?1"
	                 " ORDER BY rowid");
	chat_related_open_columns(&p->attachment, p->ctx, p->src, "attachment", "message_id",
	                          attachment_columns);
	chat_related_open_columns(&p->part, p->ctx, p->src, "part", "mid", part_columns);
}

static int signal_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.from_to = chat_has_column(src->lookup, "message", "from_recipient_id");
	open_lookups(&p);
	find_owner(&p);
	emit_owner(&p);
	if (chat_rows_open(&rs, ctx, src, "message", message_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_message(&p, &rs);
		chat_rows_close(&rs);
	}
	forget_thread(&p);
	emit_recipients(&p);
	chat_lookup_close(&p.recipient);
	chat_lookup_close(&p.group_title);
	chat_lookup_close(&p.thread);
	chat_lookup_close(&p.members);
	chat_related_close(&p.attachment);
	chat_related_close(&p.part);
	free(p.owner);
	free(p.owner_name);
	return ctx->status;
}

/* Both layouts: from_recipient_id or recipient_id is told apart after. */
static const char *const fingerprint[] = {
	"message", "message.date_sent", "message.date_received", "message.date_server",
	"message.thread_id", "message.type", "message.body", "message.quote_author", "thread",
	"recipient", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, signal_extract },
};

CHAT_SQLITE_PLUGIN("signal-android", "1.0",
	                   "Signal for Android (its database decrypted): messages, attachments, "
	                   "calls, recipients, the owner, by schema",
	                   parsers)

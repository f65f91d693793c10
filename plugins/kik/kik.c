/*
 * kik.c — the "kik" plugin: messages and contacts of Kik Messenger, from
 * its iOS store (kik.sqlite, Core Data) and its Android database
 * (kikDatabase.db), each recognised by schema.
 *
 * iOS (times are Core Data seconds since 2001-01-01 UTC):
 *   ZKIKMESSAGE    Z_PK, ZBODY, ZTIMESTAMP (sent), ZRECEIVEDTIMESTAMP,
 *                  ZTYPE (1 received, 2 sent, 3 a group administration
 *                  event, 4 received in a group), ZUSER (the other party or
 *                  the group member: ZKIKUSER), ZCHAT, ZSTATE.
 *   ZKIKUSER       Z_PK, ZUSERNAME, ZDISPLAYNAME, ZJID.
 *   ZKIKATTACHMENT ZMESSAGE, ZCONTENT (the name of the attachment's file
 *                  in the app's attachments folder).
 * Android (times are Unix milliseconds):
 *   messagesTable  _id, body, partner_jid (the other party; in a group the
 *                  member who wrote), was_me, read_state, timestamp, bin_id
 *                  (the conversation: a user's or a group's jid, groups
 *                  ending "@groups.kik.com"), sys_msg and stat_msg (system
 *                  text), stat_user_jid, content_id (an attachment).
 *   KIKcontactsTable  jid, user_name, display_name, is_blocked.
 * The owner's own identity is in neither: an outgoing message has no
 * sender.
 *
 * Records: chat_messages (key "ZKIKMESSAGE:<Z_PK>" / "messagesTable:<_id>"),
 * chat_attachments (iOS), chat_contacts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Kik"

static char *dup_nonempty(const char *s)
{
	return chat_nonempty(s) ? strdup(s) : NULL;
}

static char *one(const char *id)
{
	chat_json list;

	chat_json_array(&list);
	chat_json_add(&list, id);
	return chat_json_take(&list);
}

/* ---- iOS ------------------------------------------------------------------------ */

enum {
	I_BODY, I_TIME, I_RECEIVED, I_TYPE, I_USER, I_CHAT, I_STATE
};

static const char *const ios_columns[] = {
	"ZBODY", "ZTIMESTAMP", "ZRECEIVEDTIMESTAMP", "ZTYPE", "ZUSER", "ZCHAT", "ZSTATE", NULL
};

enum { U_USERNAME, U_NAME, U_JID };

typedef struct ios_pass {
	chat_ctx *ctx;
	const chat_source *src;
	chat_lookup user;
	chat_related attachment;
} ios_pass;

/* A user's identity (jid, else username) and name, malloc'd. */
static void ios_user(ios_pass *p, sqlite3_stmt *s, char **id, char **name)
{
	int64_t user;

	*id = *name = NULL;
	if (!chat_col_int(s, I_USER, &user) || !chat_lookup_find(&p->user, p->ctx, user))
		return;
	*id = dup_nonempty(chat_col_text(p->user.found, U_JID));
	if (!*id)
		*id = dup_nonempty(chat_col_text(p->user.found, U_USERNAME));
	*name = dup_nonempty(chat_col_text(p->user.found, U_NAME));
}

static void ios_message(ios_pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	int64_t type = 0, chat = 0;
	bool has_type = chat_col_int(s, I_TYPE, &type), has_attachment = false;
	char *user = NULL, *name = NULL, *recipients = NULL, *key, *body, *extra_text;
	char thread[32];

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	ios_user(p, s, &user, &name);
	if (chat_col_int(s, I_CHAT, &chat)) {
		snprintf(thread, sizeof thread, "chat:%lld", (long long)chat);
		m.thread_id = thread;
	} else {
		m.thread_id = user;
	}
	if (has_type && type == 2) {
		m.direction = CHAT_OUTGOING;
		recipients = user ? one(user) : NULL;
	} else if (has_type && (type == 1 || type == 4)) {
		m.direction = CHAT_INCOMING;
		m.sender = user;
		m.sender_name = name;
	}
	if (type != 4)
		m.thread_title = name;
	m.recipients = recipients;
	m.sent = chat_col_time(p->ctx, s, I_TIME, 1, CHAT_EPOCH_APPLE, true);
	m.received = chat_col_time(p->ctx, s, I_RECEIVED, 1, CHAT_EPOCH_APPLE, true);
	/* Core Data doubles: whole seconds, or as fine as the double holds */
	m.precision = (sqlite3_column_type(s, I_TIME) == SQLITE_FLOAT &&
	               m.sent.set && m.sent.ns) ||
	              (sqlite3_column_type(s, I_RECEIVED) == SQLITE_FLOAT &&
	               m.received.set && m.received.ns) ? "1us" : "1s";
	body = chat_col_dup(s, I_BODY);
	m.body = chat_nonempty(body);
	key = chat_key("ZKIKMESSAGE", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	if (m.prov.has_rowid)
		has_attachment = chat_related_find(&p->attachment, p->ctx, m.prov.rowid);
	m.kind = has_type && type == 3 ? CHAT_SYSTEM : has_attachment ? CHAT_MEDIA : CHAT_TEXT;
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	chat_extra_int(&extra, "type", s, I_TYPE);
	chat_extra_int(&extra, "state", s, I_STATE);
	chat_extra_int(&extra, "user", s, I_USER);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (!key) {
		p->ctx->out_of_memory = true;
	} else if (chat_emit_message_kept(p->ctx, &m) && has_attachment) {
		chat_attachment a;
		char *content = chat_col_dup(p->attachment.found, 0);

		memset(&a, 0, sizeof a);
		a.message_key = key;
		a.name = chat_nonempty(content);
		chat_related_provenance(&p->attachment, &a.prov);
		chat_emit_attachment(p->ctx, &a);
		free(content);
	}
	free(user);
	free(name);
	free(recipients);
	free(key);
	free(body);
	free(extra_text);
}

static void ios_users(ios_pass *p)
{
	static const char *const columns[] = { "ZUSERNAME", "ZDISPLAYNAME", "ZJID", NULL };
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "ZKIKUSER", columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		chat_contact c;
		char *username = chat_col_dup(rs.stmt, 0), *name = chat_col_dup(rs.stmt, 1);
		char *jid = chat_col_dup(rs.stmt, 2);

		memset(&c, 0, sizeof c);
		chat_rows_provenance(&rs, &c.prov);
		c.contact_id = chat_nonempty(jid) ? jid : chat_nonempty(username);
		c.username = chat_nonempty(username);
		c.name = chat_nonempty(name);
		c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
		if (c.contact_id || c.name)
			chat_emit_contact(p->ctx, &c);
		free(username);
		free(name);
		free(jid);
	}
	chat_rows_close(&rs);
}

static int ios_extract(chat_ctx *ctx, const chat_source *src)
{
	static const char *const attachment_columns[] = { "ZCONTENT", NULL };
	chat_rowset rs;
	ios_pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	chat_lookup_open(&p.user, ctx, src,
	                 chat_has_column(src->lookup, "ZKIKUSER", "ZJID") ?
	                 "SELECT ZUSERNAME, ZDISPLAYNAME, ZJID FROM ZKIKUSER WHERE Z_PK = ?1" :
	                 "SELECT ZUSERNAME, ZDISPLAYNAME, NULL FROM ZKIKUSER WHERE Z_PK = ?1");
	chat_related_open_columns(&p.attachment, ctx, src, "ZKIKATTACHMENT", "ZMESSAGE",
	                          attachment_columns);
	if (chat_rows_open(&rs, ctx, src, "ZKIKMESSAGE", ios_columns, NULL)) {
		while (chat_rows_next(&rs))
			ios_message(&p, &rs);
		chat_rows_close(&rs);
	}
	ios_users(&p);
	chat_lookup_close(&p.user);
	chat_related_close(&p.attachment);
	return ctx->status;
}

/* ---- Android -------------------------------------------------------------------- */

enum {
	A_BODY, A_PARTNER, A_WAS_ME, A_READ, A_TIME, A_BIN, A_SYS, A_STAT, A_STAT_USER,
	A_CONTENT, A_UID
};

static const char *const android_columns[] = {
	"body", "partner_jid", "was_me", "read_state", "timestamp", "bin_id", "sys_msg",
	"stat_msg", "stat_user_jid", "content_id", "uid", NULL
};

static bool is_group(const char *jid)
{
	return jid && strstr(jid, "@groups.kik.com") != NULL;
}

static void android_message(chat_ctx *ctx, chat_lookup *contact, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	const char *partner = chat_nonempty(chat_col_text(s, A_PARTNER));
	const char *bin = chat_nonempty(chat_col_text(s, A_BIN));
	const char *thread = bin ? bin : partner;
	chat_message m;
	chat_json extra;
	int64_t was_me;
	char *title = NULL, *name = NULL, *recipients = NULL, *key, *body, *system = NULL;
	char *extra_text;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	m.thread_id = thread;
	if (thread && chat_lookup_find_text(contact, ctx, thread))
		title = dup_nonempty(chat_col_text(contact->found, 0));
	m.thread_title = title;
	if (chat_col_int(s, A_WAS_ME, &was_me))
		m.direction = was_me ? CHAT_OUTGOING : CHAT_INCOMING;
	if (m.direction == CHAT_INCOMING) {
		m.sender = partner;
		if (partner && chat_lookup_find_text(contact, ctx, partner))
			name = dup_nonempty(chat_col_text(contact->found, 0));
		m.sender_name = name;
	} else if (m.direction == CHAT_OUTGOING && thread && !is_group(thread)) {
		recipients = one(thread);
	}
	m.recipients = recipients;
	m.sent = chat_col_time(ctx, s, A_TIME, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	body = chat_col_dup(s, A_BODY);
	m.body = chat_nonempty(body);
	if (!m.body) {
		system = chat_col_dup(s, A_STAT);
		if (!chat_nonempty(system)) {
			free(system);
			system = chat_col_dup(s, A_SYS);
		}
		m.body = chat_nonempty(system);
	}
	m.kind = m.body && m.body == system ? CHAT_SYSTEM :
	         chat_nonempty(chat_col_text(s, A_CONTENT)) ? CHAT_MEDIA : CHAT_TEXT;
	key = chat_key("messagesTable", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	chat_extra_int(&extra, "read_state", s, A_READ);
	chat_extra_text(&extra, "uid", s, A_UID);
	chat_extra_text(&extra, "content_id", s, A_CONTENT);
	chat_extra_text(&extra, "stat_user_jid", s, A_STAT_USER);
	chat_extra_text(&extra, "sys_msg", s, A_SYS);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (key)
		chat_emit_message(ctx, &m);
	else
		ctx->out_of_memory = true;
	free(title);
	free(name);
	free(recipients);
	free(key);
	free(body);
	free(system);
	free(extra_text);
}

static void android_contacts(chat_ctx *ctx, const chat_source *src)
{
	static const char *const columns[] = {
		"jid", "user_name", "display_name", "is_blocked", "in_roster", NULL
	};
	chat_rowset rs;

	if (!chat_rows_open(&rs, ctx, src, "KIKcontactsTable", columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		chat_contact c;
		chat_json extra;
		int64_t blocked;
		char *jid = chat_col_dup(rs.stmt, 0), *username = chat_col_dup(rs.stmt, 1);
		char *name = chat_col_dup(rs.stmt, 2), *extra_text;

		memset(&c, 0, sizeof c);
		chat_rows_provenance(&rs, &c.prov);
		c.contact_id = chat_nonempty(jid);
		c.username = chat_nonempty(username);
		c.name = chat_nonempty(name);
		c.blocked = chat_col_int(rs.stmt, 3, &blocked) ?
		            (blocked ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
		c.deleted = CHAT_FLAG_UNKNOWN;
		chat_json_object(&extra);
		chat_extra_int(&extra, "in_roster", rs.stmt, 4);
		extra_text = chat_json_take(&extra);
		c.extra = extra_text;
		chat_emit_contact(ctx, &c);
		free(jid);
		free(username);
		free(name);
		free(extra_text);
	}
	chat_rows_close(&rs);
}

static int android_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_lookup contact;
	chat_rowset rs;

	chat_lookup_open(&contact, ctx, src,
	                 "SELECT display_name FROM KIKcontactsTable WHERE jid = ?1 ORDER BY rowid");
	if (chat_rows_open(&rs, ctx, src, "messagesTable", android_columns, NULL)) {
		while (chat_rows_next(&rs))
			android_message(ctx, &contact, &rs);
		chat_rows_close(&rs);
	}
	android_contacts(ctx, src);
	chat_lookup_close(&contact);
	return ctx->status;
}

/* ---- the plugin ------------------------------------------------------------------ */

static const char *const ios_fingerprint[] = {
	"ZKIKMESSAGE", "ZKIKMESSAGE.ZBODY", "ZKIKMESSAGE.ZTIMESTAMP", "ZKIKMESSAGE.ZTYPE",
	"ZKIKMESSAGE.ZUSER", "ZKIKUSER", "ZKIKUSER.ZUSERNAME", NULL
};

static const char *const android_fingerprint[] = {
	"messagesTable", "messagesTable.body", "messagesTable.partner_jid",
	"messagesTable.was_me", "messagesTable.timestamp", "KIKcontactsTable",
	"KIKcontactsTable.jid", NULL
};

static const chat_parser parsers[] = {
	{ APP, ios_fingerprint, ios_extract },
	{ APP, android_fingerprint, android_extract },
};

CHAT_SQLITE_PLUGIN("kik", "1.0",
	                   "Kik Messenger: iOS kik.sqlite and Android kikDatabase.db messages, "
	                   "attachments, contacts, by schema",
	                   parsers)

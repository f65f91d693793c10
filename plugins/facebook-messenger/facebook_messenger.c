/*
 * facebook_messenger.c — the "facebook-messenger" plugin: messages,
 * attachments and people of Facebook Messenger for Android's threads_db2,
 * recognised by its schema.
 *
 * What it reads:
 *   messages        msg_id, thread_key, text, sender (JSON: user_key
 *                   "FACEBOOK:<id>", name, email), timestamp_ms (the
 *                   server's time, Unix ms), timestamp_sent_ms (the
 *                   sender's), msg_type (0 a message; other numbers are
 *                   events such as members added or a name changed, kept
 *                   in extra), attachments (JSON array: filename,
 *                   mime_type, file_size, urls), send_error, snippet.
 *   threads         thread_key, name (a group's), ...
 *   thread_users    user_key, first_name, last_name, name, username.
 *   thread_participants  thread_key, user_key (when the version has it).
 * A one-to-one thread's key is "ONE_TO_ONE:<id>:<id>", the owner being
 * one of the two: the id every such key shares is the owner's (taken only
 * when two or more threads agree), and then a message is outgoing when the
 * owner sent it.  Group keys are "GROUP:<id>".  JSON is read through
 * SQLite's json functions, guarded by json_valid.
 *
 * Records: chat_messages (key "messages:<rowid>"), chat_attachments,
 * chat_contacts (contact_id the user_key), chat_accounts (the owner).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Facebook Messenger"
#define MAX_PARTICIPANTS 512
#define MAX_ATTACHMENTS 64

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	char *owner;            /* "FACEBOOK:<id>" */
	chat_lookup thread, user, members;
	char *thread_key, *title, *participants;
} pass;

static char *dup_nonempty(const char *s)
{
	return chat_nonempty(s) ? strdup(s) : NULL;
}

/* ---- the owner ---------------------------------------------------------------- */

/* The id every ONE_TO_ONE thread key shares, when two or more keys agree
 * on exactly one; NULL otherwise. */
static char *find_owner(pass *p)
{
	sqlite3_stmt *s = chat_prepare(p->ctx, p->src->lookup,
		"WITH k AS (SELECT DISTINCT substr(thread_key, 12) AS ids FROM threads "
		"  WHERE thread_key LIKE 'ONE\\_TO\\_ONE:%:%' ESCAPE '\\'), "
		"ids AS (SELECT substr(ids, 1, instr(ids, ':') - 1) AS id FROM k "
		"  UNION ALL SELECT substr(ids, instr(ids, ':') + 1) FROM k) "
		"SELECT id, (SELECT count(*) FROM k) FROM ids WHERE id <> '' GROUP BY id "
		"HAVING count(*) = (SELECT count(*) FROM k) AND count(*) >= 2", true);
	char *owner = NULL;
	int found = 0;

	while (chat_step(p->ctx, s)) {
		if (found++ == 0 && asprintf(&owner, "FACEBOOK:%s", chat_col_text(s, 0)) < 0)
			owner = NULL;
	}
	sqlite3_finalize(s);
	if (found != 1) {
		free(owner);
		owner = NULL;
	}
	return owner;
}

/* ---- threads ------------------------------------------------------------------- */

static void forget_thread(pass *p)
{
	free(p->thread_key);
	free(p->title);
	free(p->participants);
	p->thread_key = p->title = p->participants = NULL;
}

static char *user_name(pass *p, const char *user_key)
{
	if (!user_key || !chat_lookup_find_text(&p->user, p->ctx, user_key))
		return NULL;
	return dup_nonempty(chat_col_text(p->user.found, 0));
}

/* The other party of ONE_TO_ONE:<a>:<b>, as a user key. */
static char *other_party(const pass *p, const char *key)
{
	const char *ids, *colon;
	char *a = NULL, *b = NULL, *other = NULL;

	if (!key || strncmp(key, "ONE_TO_ONE:", 11))
		return NULL;
	ids = key + 11;
	colon = strchr(ids, ':');
	if (!colon)
		return NULL;
	if (asprintf(&a, "FACEBOOK:%.*s", (int)(colon - ids), ids) < 0)
		a = NULL;
	if (asprintf(&b, "FACEBOOK:%s", colon + 1) < 0)
		b = NULL;
	if (a && b && p->owner)
		other = strdup(chat_same(a, p->owner) ? b : a);
	free(a);
	free(b);
	return other;
}

static void load_thread(pass *p, const char *key)
{
	chat_json list;
	char *other;

	if (p->thread_key && chat_same(p->thread_key, key))
		return;
	forget_thread(p);
	if (!key)
		return;
	p->thread_key = strdup(key);
	if (chat_lookup_find_text(&p->thread, p->ctx, key))
		p->title = dup_nonempty(chat_col_text(p->thread.found, 0));
	other = other_party(p, key);
	if (!p->title && other)
		p->title = user_name(p, other);
	chat_json_array(&list);
	if (chat_lookup_find_text(&p->members, p->ctx, key)) {
		chat_lookup_add_rest(&p->members, p->ctx, &list, MAX_PARTICIPANTS);
	} else if (other) {
		chat_json_add(&list, other);
		chat_json_add(&list, p->owner);
	}
	p->participants = chat_json_take(&list);
	free(other);
}

/* ---- messages ------------------------------------------------------------------ */

#define JV(column, path) \
	"CASE WHEN json_valid(" column ") THEN json_extract(" column ", '" path "') END"

enum {
	M_ID, M_THREAD, M_TEXT, M_SENDER_KEY, M_SENDER_NAME, M_TIME, M_SENT_TIME, M_TYPE,
	M_ATTACHMENTS, M_ERROR, M_SNIPPET, M_STICKER
};

static const char *const message_columns[] = {
	"msg_id", "thread_key", "text", "sender", "sender", "timestamp_ms",
	"timestamp_sent_ms", "msg_type", "attachments", "send_error", "snippet", "sticker_id",
	NULL
};

#define N_MESSAGE_COLUMNS (sizeof message_columns / sizeof *message_columns)

/* The message query's expressions (exprs holds N_MESSAGE_COLUMNS): the
 * sender's JSON taken apart, the rest as stored, NULL where absent. */
static void message_exprs(pass *p, const char **exprs)
{
	size_t i;

	for (i = 0; message_columns[i]; i++)
		exprs[i] = chat_has_column(p->src->lookup, "messages", message_columns[i]) ?
		           message_columns[i] : "NULL";
	exprs[i] = NULL;
	if (strcmp(exprs[M_SENDER_KEY], "NULL")) {
		exprs[M_SENDER_KEY] = JV("sender", "$.user_key");
		exprs[M_SENDER_NAME] = JV("sender", "$.name");
	}
}

static void emit_attachments(pass *p, const char *json, const char *key,
                             const chat_provenance *prov)
{
	sqlite3_stmt *s;
	size_t n = 0;

	if (!json)
		return;
	s = chat_prepare(p->ctx, p->src->lookup,
		"SELECT json_extract(value, '$.filename'), json_extract(value, '$.mime_type'), "
		"json_extract(value, '$.file_size'), "
		"coalesce(json_extract(value, '$.urls.FULL_SCREEN'), json_extract(value, '$.url'), "
		"  json_extract(value, '$.image_data.urls.FULL_SCREEN')), "
		"json_extract(value, '$.id') "
		"FROM json_each(?1) WHERE json_valid(?1) AND json_type(?1) = 'array' "
		"AND json_type(value) = 'object'", true);
	if (!s)
		return;
	sqlite3_bind_text(s, 1, json, -1, SQLITE_STATIC);
	while (n++ < MAX_ATTACHMENTS && chat_step(p->ctx, s)) {
		chat_attachment a;
		chat_json extra;
		char *extra_text;

		memset(&a, 0, sizeof a);
		a.message_key = key;
		a.name = chat_nonempty(chat_col_text(s, 0));
		a.mime_type = chat_nonempty(chat_col_text(s, 1));
		a.has_size = chat_col_int(s, 2, &a.size) && a.size >= 0;
		a.url = chat_nonempty(chat_col_text(s, 3));
		chat_json_object(&extra);
		chat_extra_text(&extra, "id", s, 4);
		extra_text = chat_json_take(&extra);
		a.extra = extra_text;
		a.prov = *prov;
		chat_emit_attachment(p->ctx, &a);
		free(extra_text);
	}
	sqlite3_finalize(s);
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	int64_t type = 0;
	bool has_type = chat_col_int(s, M_TYPE, &type);
	char *thread = chat_col_dup(s, M_THREAD), *sender = chat_col_dup(s, M_SENDER_KEY);
	char *name = chat_col_dup(s, M_SENDER_NAME), *body = chat_col_dup(s, M_TEXT);
	char *recipients = NULL, *key, *extra_text, *attachments = chat_col_dup(s, M_ATTACHMENTS);

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	load_thread(p, chat_nonempty(thread));
	m.account = p->owner;
	m.thread_id = p->thread_key;
	m.thread_title = p->title;
	m.participants = p->participants;
	m.sender = chat_nonempty(sender);
	m.sender_name = chat_nonempty(name);
	if (p->owner && m.sender)
		m.direction = chat_same(m.sender, p->owner) ? CHAT_OUTGOING : CHAT_INCOMING;
	recipients = chat_others(p->ctx, p->src, p->participants, m.sender, MAX_PARTICIPANTS);
	m.recipients = recipients;
	m.sent = chat_col_time(p->ctx, s, M_TIME, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	m.body = chat_nonempty(body);
	m.kind = has_type && type != 0 ? CHAT_SYSTEM :
	         attachments && strcmp(attachments, "[]") && *attachments ? CHAT_MEDIA :
	         chat_nonempty(chat_col_text(s, M_STICKER)) ? CHAT_MEDIA : CHAT_TEXT;
	m.status = chat_nonempty(chat_col_text(s, M_ERROR)) ? "failed" : NULL;
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	key = chat_key("messages", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	chat_json_object(&extra);
	chat_extra_text(&extra, "msg_id", s, M_ID);
	chat_extra_int(&extra, "msg_type", s, M_TYPE);
	chat_extra_int(&extra, "timestamp_sent_ms", s, M_SENT_TIME);
	chat_extra_text(&extra, "send_error", s, M_ERROR);
	chat_extra_text(&extra, "sticker_id", s, M_STICKER);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (!key)
		p->ctx->out_of_memory = true;
	else if (chat_emit_message_kept(p->ctx, &m))
		emit_attachments(p, attachments, key, &m.prov);
	free(thread);
	free(sender);
	free(name);
	free(body);
	free(recipients);
	free(key);
	free(extra_text);
	free(attachments);
}

static void read_messages(pass *p)
{
	const char *exprs[N_MESSAGE_COLUMNS];
	chat_rowset rs;

	message_exprs(p, exprs);
	if (!chat_rows_open_exprs(&rs, p->ctx, p->src, "messages", exprs, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_message(p, &rs);
	chat_rows_close(&rs);
	forget_thread(p);
}

/* ---- people -------------------------------------------------------------------- */

static void read_users(pass *p)
{
	static const char *const columns[] = {
		"user_key", "name", "first_name", "last_name", "username", NULL
	};
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "thread_users", columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		chat_contact c;
		chat_json extra;
		char *id = chat_col_dup(rs.stmt, 0), *name = chat_col_dup(rs.stmt, 1);
		char *username = chat_col_dup(rs.stmt, 4), *extra_text;

		if (p->owner && chat_same(id, p->owner) && p->src->kind == CHAT_LIVE) {
			chat_account a;

			memset(&a, 0, sizeof a);
			a.account_id = p->owner;
			a.name = chat_nonempty(name);
			chat_rows_provenance(&rs, &a.prov);
			chat_emit_account(p->ctx, &a);
		} else if (!chat_same(id, p->owner)) {
			memset(&c, 0, sizeof c);
			chat_rows_provenance(&rs, &c.prov);
			c.account = p->owner;
			c.contact_id = chat_nonempty(id);
			c.name = chat_nonempty(name);
			c.username = chat_nonempty(username);
			c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
			chat_json_object(&extra);
			chat_extra_text(&extra, "first_name", rs.stmt, 2);
			chat_extra_text(&extra, "last_name", rs.stmt, 3);
			extra_text = chat_json_take(&extra);
			c.extra = extra_text;
			chat_emit_contact(p->ctx, &c);
			free(extra_text);
		}
		free(id);
		free(name);
		free(username);
	}
	chat_rows_close(&rs);
}

/* ---- the extraction -------------------------------------------------------------- */

static int messenger_extract(chat_ctx *ctx, const chat_source *src)
{
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.owner = find_owner(&p);
	chat_lookup_open(&p.thread, ctx, src, "SELECT name FROM threads WHERE thread_key = ?1");
	chat_lookup_open(&p.user, ctx, src, "SELECT name FROM thread_users WHERE user_key = ?1");
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT user_key FROM thread_participants WHERE thread_key = ?1 "
	                 "ORDER BY rowid");
	read_messages(&p);
	read_users(&p);
	chat_lookup_close(&p.thread);
	chat_lookup_close(&p.user);
	chat_lookup_close(&p.members);
	forget_thread(&p);
	free(p.owner);
	return ctx->status;
}

static const char *const fingerprint[] = {
	"messages", "messages.msg_id", "messages.thread_key", "messages.sender",
	"messages.timestamp_ms", "messages.text", "threads", "threads.thread_key", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, messenger_extract },
};

CHAT_SQLITE_PLUGIN("facebook-messenger", "1.0",
	                   "Facebook Messenger for Android threads_db2: messages, attachments, "
	                   "people, the owner, by schema",
	                   parsers)

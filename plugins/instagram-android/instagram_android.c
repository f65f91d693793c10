/*
 * instagram_android.c — the "instagram-android" plugin: Instagram direct
 * messages on Android (databases/direct.db), recognised by its schema.
 *
 * Where the schema comes from (read, not copied):
 *   - the app's own CREATE TABLE statements, as they appear in a
 *     decompiled Instagram APK published on GitHub
 *     (smali com/instagram/direct/d/a/m.smali, found by the search tool);
 *   - karlicoss/HPI my/instagram/android.py (the JSON in messages.message
 *     and threads.thread_info).
 *
 * What it reads:
 *   messages  _id, user_id (the logged-in account), server_item_id,
 *             client_item_id, thread_id, recipient_ids, timestamp (Unix
 *             microseconds), sender_id, message_type ("text", "media",
 *             "reel_share", "action_log", "like", ...), text, message (a
 *             JSON copy of the item: item_id, item_type, user_id the sender,
 *             timestamp, text, reel_share.text, thread_key.thread_id),
 *             upload_status, is_invisible.
 *   threads   user_id (the account), thread_id, recipient_ids,
 *             last_activity_time, thread_info (JSON: recipients, each
 *             {id or pk, username, full_name}; thread_title).
 * A message is outgoing when its sender is the account, incoming when it
 * is someone else; the text is the text column, else the JSON's text or
 * shared reel's text.  An action_log item is an event (system).  JSON is
 * read through SQLite's json functions, guarded by json_valid: a damaged
 * document leaves what the columns say.
 *
 * Records: chat_messages (key "messages:<_id>", times to the
 * microsecond), chat_accounts (each account of the threads), chat_contacts
 * (the recipients of the threads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Instagram"
#define MAX_PARTICIPANTS 512

#define JV(column, path) \
	"CASE WHEN json_valid(" column ") THEN json_extract(" column ", '" path "') END"

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	chat_lookup thread, person;
	char *thread_id, *title, *participants; /* the thread last looked up */
} pass;

static char *dup_nonempty(const char *s)
{
	return chat_nonempty(s) ? strdup(s) : NULL;
}

/* ---- threads --------------------------------------------------------------------- */

static void forget_thread(pass *p)
{
	free(p->thread_id);
	free(p->title);
	free(p->participants);
	p->thread_id = p->title = p->participants = NULL;
}

/* The thread's title and its people (the recipients and the account). */
static void load_thread(pass *p, const char *id)
{
	sqlite3_stmt *s;
	chat_json list;
	size_t n = 0;
	char *info = NULL, *account = NULL;

	if (p->thread_id && chat_same(p->thread_id, id))
		return;
	forget_thread(p);
	if (!id)
		return;
	p->thread_id = strdup(id);
	if (chat_lookup_find_text(&p->thread, p->ctx, id)) {
		p->title = dup_nonempty(chat_col_text(p->thread.found, 0));
		info = dup_nonempty(chat_col_text(p->thread.found, 1));
		account = dup_nonempty(chat_col_text(p->thread.found, 2));
	}
	chat_json_array(&list);
	s = info ? chat_prepare(p->ctx, p->src->lookup,
	                        "SELECT coalesce(json_extract(value, '$.id'), "
	                        "json_extract(value, '$.pk')) FROM json_each(?1, '$.recipients') "
	                        "WHERE json_valid(?1) AND json_type(?1, '$.recipients') = 'array'",
	                        true) : NULL;
	if (s) {
		sqlite3_bind_text(s, 1, info, -1, SQLITE_STATIC);
		while (n++ < MAX_PARTICIPANTS && chat_step(p->ctx, s))
			chat_json_add_unique(&list, chat_nonempty(chat_col_text(s, 0)));
		sqlite3_finalize(s);
	}
	chat_json_add_unique(&list, account);
	p->participants = chat_json_take(&list);
	free(info);
	free(account);
}

/* The name and username of a recipient of any thread, malloc'd. */
static void person(pass *p, const char *id, char **name, char **username)
{
	*name = *username = NULL;
	if (!id || !chat_lookup_find_text(&p->person, p->ctx, id))
		return;
	*name = dup_nonempty(chat_col_text(p->person.found, 0));
	*username = dup_nonempty(chat_col_text(p->person.found, 1));
}

/* ---- messages -------------------------------------------------------------------- */

enum {
	M_ACCOUNT, M_SERVER_ID, M_CLIENT_ID, M_THREAD, M_RECIPIENTS, M_TIME, M_SENDER,
	M_TYPE, M_TEXT, M_UPLOAD, M_INVISIBLE,
	M_JSON_SENDER, M_JSON_THREAD, M_JSON_TYPE, M_JSON_TEXT, M_JSON_REEL_TEXT,
	M_JSON_ITEM_ID, M_JSON_TIME, M_JSON_BAD
};

static const char *const message_columns[] = {
	"user_id", "server_item_id", "client_item_id", "thread_id", "recipient_ids",
	"timestamp", "sender_id", "message_type", "text", "upload_status", "is_invisible",
	NULL
};

#define N_PLAIN 11
#define N_EXPRS (N_PLAIN + 8 + 1)

static void message_exprs(pass *p, const char **exprs)
{
	bool json = chat_has_column(p->src->lookup, "messages", "message");
	size_t i;

	for (i = 0; i < N_PLAIN; i++)
		exprs[i] = chat_has_column(p->src->lookup, "messages", message_columns[i]) ?
		           message_columns[i] : "NULL";
	exprs[M_JSON_SENDER] = json ? JV("message", "$.user_id") : "NULL";
	exprs[M_JSON_THREAD] = json ? JV("message", "$.thread_key.thread_id") : "NULL";
	exprs[M_JSON_TYPE] = json ? JV("message", "$.item_type") : "NULL";
	exprs[M_JSON_TEXT] = json ? JV("message", "$.text") : "NULL";
	exprs[M_JSON_REEL_TEXT] = json ? JV("message", "$.reel_share.text") : "NULL";
	exprs[M_JSON_ITEM_ID] = json ? JV("message", "$.item_id") : "NULL";
	exprs[M_JSON_TIME] = json ? JV("message", "$.timestamp") : "NULL";
	/* a document that is there but does not parse */
	exprs[M_JSON_BAD] = json ? "message IS NOT NULL AND NOT json_valid(message)" : "0";
	exprs[N_EXPRS - 1] = NULL;
}

/* An id (a number or a string, in a column or in the JSON) as cleaned
 * text, malloc'd; NULL when empty. */
static char *json_id(sqlite3_stmt *s, int i)
{
	char *v = chat_col_dup(s, i);

	if (!chat_nonempty(v)) {
		free(v);
		return NULL;
	}
	return v;
}

static chat_kind kind_of(const char *type)
{
	if (!type)
		return CHAT_TEXT;
	if (!strcmp(type, "action_log"))
		return CHAT_SYSTEM;
	if (!strcmp(type, "text") || !strcmp(type, "link") || !strcmp(type, "like"))
		return CHAT_TEXT;
	return CHAT_MEDIA;
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra, list;
	int64_t bad = 0;
	char *account = json_id(s, M_ACCOUNT), *sender = json_id(s, M_SENDER);
	char *thread = json_id(s, M_THREAD), *type = json_id(s, M_TYPE);
	char *body = chat_col_dup(s, M_TEXT), *name = NULL, *username = NULL;
	char *recipients = NULL, *key, *extra_text;

	if (!sender)
		sender = json_id(s, M_JSON_SENDER);
	if (!thread)
		thread = json_id(s, M_JSON_THREAD);
	if (!type)
		type = json_id(s, M_JSON_TYPE);
	if (!chat_nonempty(body)) {
		free(body);
		body = chat_col_dup(s, M_JSON_TEXT);
	}
	if (!chat_nonempty(body)) {
		free(body);
		body = chat_col_dup(s, M_JSON_REEL_TEXT);
	}
	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	load_thread(p, thread);
	m.account = account;
	m.thread_id = p->thread_id;
	m.thread_title = p->title;
	m.participants = p->participants;
	m.sender = sender;
	if (account && sender)
		m.direction = chat_same(account, sender) ? CHAT_OUTGOING : CHAT_INCOMING;
	if (m.direction == CHAT_INCOMING) {
		person(p, sender, &name, &username);
		m.sender_name = name;
	}
	if (p->participants && sender) {
		sqlite3_stmt *q = chat_prepare(p->ctx, p->src->lookup,
		                               "SELECT value FROM json_each(?1) WHERE json_valid(?1)",
		                               true);
		size_t n = 0;

		chat_json_array(&list);
		if (q) {
			sqlite3_bind_text(q, 1, p->participants, -1, SQLITE_STATIC);
			while (n++ < MAX_PARTICIPANTS && chat_step(p->ctx, q))
				if (!chat_same(chat_col_text(q, 0), sender))
					chat_json_add(&list, chat_col_text(q, 0));
			sqlite3_finalize(q);
		}
		recipients = chat_json_take(&list);
	}
	m.recipients = recipients;
	m.sent = chat_col_time(p->ctx, s, M_TIME, 1000000, CHAT_EPOCH_UNIX, true);
	if (!m.sent.set && sqlite3_column_type(s, M_TIME) == SQLITE_NULL)
		m.sent = chat_col_time(p->ctx, s, M_JSON_TIME, 1000000, CHAT_EPOCH_UNIX, true);
	m.precision = "1us";
	m.body = chat_nonempty(body);
	m.kind = kind_of(type);
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	key = chat_key("messages", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	chat_json_object(&extra);
	chat_json_text(&extra, "message_type", type);
	chat_extra_text(&extra, "server_item_id", s, M_SERVER_ID);
	chat_extra_text(&extra, "client_item_id", s, M_CLIENT_ID);
	chat_extra_text(&extra, "item_id", s, M_JSON_ITEM_ID);
	chat_extra_text(&extra, "recipient_ids", s, M_RECIPIENTS);
	chat_extra_int(&extra, "upload_status", s, M_UPLOAD);
	chat_extra_int(&extra, "is_invisible", s, M_INVISIBLE);
	if (chat_col_int(s, M_JSON_BAD, &bad) && bad)
		chat_json_text(&extra, "message_json", "malformed");
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (bad)
		chat_report(p->ctx, m.prov.has_offset ? m.prov.offset : rs->offset,
		            "Instagram: message %lld: its JSON (messages.message) does not parse; "
		            "kept what the columns say",
		            (long long)(m.prov.has_rowid ? m.prov.rowid : -1));
	if (key)
		chat_emit_message(p->ctx, &m);
	else
		p->ctx->out_of_memory = true;
	free(account);
	free(sender);
	free(thread);
	free(type);
	free(body);
	free(name);
	free(username);
	free(recipients);
	free(key);
	free(extra_text);
}

static void read_messages(pass *p)
{
	const char *exprs[N_EXPRS];
	chat_rowset rs;

	message_exprs(p, exprs);
	if (!chat_rows_open_exprs(&rs, p->ctx, p->src, "messages", exprs, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_message(p, &rs);
	chat_rows_close(&rs);
	forget_thread(p);
}

/* ---- people ---------------------------------------------------------------------- */

/* The recipients of each thread row as contacts; its account as one. */
static void read_threads(pass *p)
{
	static const char *const columns[] = { "user_id", "thread_info", NULL };
	chat_rowset rs;
	sqlite3_stmt *s;

	s = chat_prepare(p->ctx, p->src->lookup,
	                 "SELECT coalesce(json_extract(value, '$.id'), json_extract(value, '$.pk')), "
	                 "json_extract(value, '$.full_name'), json_extract(value, '$.username') "
	                 "FROM json_each(?1, '$.recipients') WHERE json_valid(?1) "
	                 "AND json_type(?1, '$.recipients') = 'array' "
	                 "AND json_type(value) = 'object'", true);
	if (!chat_rows_open(&rs, p->ctx, p->src, "threads", columns, NULL)) {
		sqlite3_finalize(s);
		return;
	}
	while (chat_rows_next(&rs)) {
		char *account = json_id(rs.stmt, 0), *info = chat_col_dup(rs.stmt, 1);
		size_t n = 0;

		if (account && p->src->kind == CHAT_LIVE) {
			chat_account a;

			memset(&a, 0, sizeof a);
			a.account_id = account;
			chat_rows_provenance(&rs, &a.prov);
			chat_emit_account(p->ctx, &a);
		}
		if (s && info) {
			sqlite3_reset(s);
			sqlite3_bind_text(s, 1, info, -1, SQLITE_STATIC);
			while (n++ < MAX_PARTICIPANTS && chat_step(p->ctx, s)) {
				chat_contact c;

				memset(&c, 0, sizeof c);
				chat_rows_provenance(&rs, &c.prov);
				c.account = account;
				c.contact_id = chat_nonempty(chat_col_text(s, 0));
				c.name = chat_nonempty(chat_col_text(s, 1));
				c.username = chat_nonempty(chat_col_text(s, 2));
				c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
				if (c.contact_id)
					chat_emit_contact(p->ctx, &c);
			}
			sqlite3_clear_bindings(s);
		}
		free(account);
		free(info);
	}
	chat_rows_close(&rs);
	sqlite3_finalize(s);
}

/* ---- the extraction -------------------------------------------------------------- */

static int instagram_extract(chat_ctx *ctx, const chat_source *src)
{
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	chat_lookup_open(&p.thread, ctx, src,
	                 "SELECT " JV("thread_info", "$.thread_title") ", thread_info, user_id "
	                 "FROM threads WHERE thread_id = ?1 ORDER BY rowid");
	chat_lookup_open(&p.person, ctx, src,
	                 "SELECT json_extract(r.value, '$.full_name'), "
	                 "json_extract(r.value, '$.username') FROM threads, "
	                 "json_each(CASE WHEN json_valid(threads.thread_info) AND "
	                 "json_type(threads.thread_info, '$.recipients') = 'array' "
	                 "THEN json_extract(threads.thread_info, '$.recipients') END) AS r "
	                 "WHERE json_type(r.value) = 'object' AND "
	                 "CAST(coalesce(json_extract(r.value, '$.id'), "
	                 "json_extract(r.value, '$.pk')) AS TEXT) = ?1 "
	                 "LIMIT 1");
	read_messages(&p);
	read_threads(&p);
	chat_lookup_close(&p.thread);
	chat_lookup_close(&p.person);
	forget_thread(&p);
	return ctx->status;
}

static const char *const fingerprint[] = {
	"messages", "messages.server_item_id", "messages.client_item_id",
	"messages.sender_id", "messages.message_type", "messages.message",
	"threads", "threads.thread_info", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, instagram_extract },
};

CHAT_SQLITE_PLUGIN("instagram-android", "1.0",
	                   "Instagram for Android direct.db: direct messages, accounts, thread "
	                   "recipients, by schema",
	                   parsers)

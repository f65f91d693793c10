/*
 * telegram_android.c — the "telegram-android" plugin: messages, users,
 * contacts and the account from Telegram for Android's cache4.db,
 * recognised by its schema.
 *
 * What it reads (the tables as the app creates them):
 *   messages_v2   one row per message (since 2021; before, "messages",
 *                 the same columns with mid as its key): mid (the
 *                 message id in its chat), uid (the dialog: a user's id,
 *                 a group's or channel's negated id, or a secret chat's
 *                 id marked in the high bits), date (Unix seconds), out,
 *                 read_state, send_state (0 sent, 1 sending, 2 failed),
 *                 ttl, and data: the message as a TL object (tl.h), which
 *                 holds the sender, the text, and media, forward and
 *                 reply headers.
 *   users         uid, name ("first last;;;username" in lower case, as the
 *                 app searches it), status.
 *   chats         uid (positive), name.
 *   enc_chats     secret chats: uid (the secret chat id), user, name.
 *   user_contacts_v7, user_phones_v7   the address book the app imported:
 *                 uid, fname, sname by key; phones by key.
 * The owner's own user id is not stored in cache4.db: it is the sender of
 * the outgoing messages, so it is taken from the first outgoing message
 * whose TL object names its sender.
 *
 * A message whose TL object cannot be decoded to its text (a constructor
 * tl.c does not list, a damaged blob) is still a record, with what the
 * columns say, and the problem is reported with the row, the constructor
 * and the byte offset in the blob (the first MAX_TL_REPORTS; the rest
 * are counted).
 *
 * Records: chat_messages (key "messages_v2:<rowid>", or "messages:<mid>",
 * mid being that table's rowid),
 * chat_contacts (contact_id the user id), chat_accounts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"
#include "tl.h"

#define APP "Telegram"
#define MAX_TL_REPORTS 20
#define OWNER_PROBE_ROWS 2000 /* outgoing messages tried for the owner's id */

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	const char *table;
	chat_lookup user, chat, secret, contact;
	char *owner;           /* the owner's user id */
	uint64_t tl_problems;
} pass;

/* ---- names ------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/* users.name: "first last;;;username" -> the name, and the username. */
static void split_search_name(const char *stored, char **name, char **username)
{
	const char *sep = stored ? strstr(stored, ";;;") : NULL;

	*name = *username = NULL;
	if (!stored)
		return;
	if (!sep) {
		*name = dup_or_null(stored);
		return;
	}
	if (sep > stored) {
		*name = chat_clean_text(stored, (size_t)(sep - stored));
	}
	*username = dup_or_null(sep + 3);
}

/* The name of a user: the address book's, else the one users keeps. */
static char *user_name(pass *p, int64_t id)
{
	char *name = NULL, *username = NULL;

	if (chat_lookup_find(&p->contact, p->ctx, id)) {
		const char *first = chat_nonempty(chat_col_text(p->contact.found, 0));
		const char *last = chat_nonempty(chat_col_text(p->contact.found, 1));

		if ((first || last) &&
		    asprintf(&name, "%s%s%s", first ? first : "", first && last ? " " : "",
		             last ? last : "") >= 0)
			return name;
	}
	if (chat_lookup_find(&p->user, p->ctx, id))
		split_search_name(chat_col_text(p->user.found, 0), &name, &username);
	free(username);
	return name;
}

/* A secret chat's id from a dialog id: 0x4000000000000000 | id in the
 * app's current form, id << 32 (low word 0) in its older one. */
static bool secret_chat_id(int64_t uid, int64_t *id)
{
	uint64_t u = (uint64_t)uid;

	if ((u & 0xC000000000000000ULL) == 0x4000000000000000ULL) {
		*id = (int32_t)(u & 0xffffffffu);
		return true;
	}
	if (uid > 0 && (u & 0xffffffffu) == 0 && (u >> 32) != 0) {
		*id = (int64_t)(u >> 32);
		return true;
	}
	return false;
}

/* The title of a dialog and, for a user or a secret chat, the peer's id. */
static char *dialog_title(pass *p, int64_t uid, int64_t *peer_user, int64_t *secret)
{
	int64_t id;

	*peer_user = 0;
	*secret = 0;
	if (secret_chat_id(uid, &id)) {
		*secret = id;
		if (chat_lookup_find(&p->secret, p->ctx, id) &&
		    chat_col_int(p->secret.found, 0, peer_user))
			return user_name(p, *peer_user);
		return NULL;
	}
	if (uid > 0) {
		*peer_user = uid;
		return user_name(p, uid);
	}
	if (uid < 0 && uid != INT64_MIN && chat_lookup_find(&p->chat, p->ctx, -uid))
		return dup_or_null(chat_col_text(p->chat.found, 0));
	return NULL;
}

/* ---- the owner ---------------------------------------------------------------- */

/* The sender of the first outgoing message that names one. */
static char *find_owner(pass *p, sqlite3 *db, const char *table)
{
	char *sql = sqlite3_mprintf("SELECT data FROM \"%w\" WHERE out = 1 AND "
	                            "typeof(data) = 'blob' ORDER BY rowid LIMIT %d",
	                            table, OWNER_PROBE_ROWS);
	sqlite3_stmt *s = sql ? chat_prepare(p->ctx, db, sql, true) : NULL;
	char *owner = NULL;

	sqlite3_free(sql);
	while (!owner && chat_step(p->ctx, s)) {
		tl_message m;
		char id[32];

		tl_decode_message(sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0), &m);
		if (m.from.kind == TL_PEER_USER && m.out)
			owner = strdup(tl_peer_text(&m.from, id, sizeof id));
	}
	sqlite3_finalize(s);
	return owner;
}

/* ---- messages ------------------------------------------------------------------ */

enum {
	M_MID, M_UID, M_READ, M_SEND, M_DATE, M_DATA, M_OUT, M_TTL, M_MEDIA,
	M_REPLY_TO, M_GROUP
};

static const char *const message_columns[] = {
	"mid", "uid", "read_state", "send_state", "date", "data", "out", "ttl",
	"media", "reply_to_message_id", "group_id", NULL
};

static const char *send_state_name(int64_t state)
{
	switch (state) {
	case 0: return "sent";
	case 1: return "sending";
	case 2: return "failed";
	default: return NULL;
	}
}

static void report_tl(pass *p, const chat_provenance *prov, const tl_message *m)
{
	if (p->tl_problems++ >= MAX_TL_REPORTS)
		return;
	chat_report(p->ctx, prov->origin && prov->has_offset ? prov->offset : -1,
	            "%s: table \"%s\" row %" PRId64 "%s%s: TL message: %s (constructor "
	            "0x%08" PRIx32 ") at byte %zu of its data", APP, p->table,
	            prov->has_rowid ? prov->rowid : -1, prov->origin ? ", recovered from " : "",
	            prov->origin ? prov->origin : "", m->problem, m->problem_constructor,
	            m->problem_offset);
}

static char *one(const char *id)
{
	chat_json list;

	chat_json_array(&list);
	chat_json_add(&list, id);
	return chat_json_take(&list);
}

static void add_tl_extra(chat_json *e, const tl_message *m, bool decoded)
{
	char hex[16];

	if (!decoded && !m->constructor)
		return;
	snprintf(hex, sizeof hex, "0x%08" PRIx32, m->constructor);
	chat_json_text(e, "tl_constructor", hex);
	if (m->has_media) {
		snprintf(hex, sizeof hex, "0x%08" PRIx32, m->media);
		chat_json_text(e, "tl_media", hex);
	}
	if (m->kind == TL_SERVICE && m->complete) {
		snprintf(hex, sizeof hex, "0x%08" PRIx32, m->action);
		chat_json_text(e, "tl_action", hex);
	}
	if (m->secret)
		chat_json_int(e, "secret", 1);
	if (m->problem) {
		chat_json_text(e, "tl_problem", m->problem);
		chat_json_int(e, "tl_problem_offset", (int64_t)m->problem_offset);
	}
}

static chat_kind kind_of(const tl_message *m, bool decoded, int64_t media_column)
{
	if (m->kind == TL_SERVICE || m->kind == TL_EMPTY)
		return CHAT_SYSTEM;
	if (m->has_media || (!decoded && media_column > 0))
		return CHAT_MEDIA;
	return CHAT_TEXT;
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	tl_message tl;
	chat_json extra;
	int64_t uid = 0, out = 0, state, media = 0, peer_user = 0, secret = 0, v;
	bool has_uid = chat_col_int(s, M_UID, &uid), decoded = false;
	char uid_text[32], from_text[32], fwd_text[32], reply[32];
	char *title = NULL, *body = NULL, *key, *sender_name = NULL, *recipients = NULL;
	char *extra_text;
	const char *sender = NULL;

	memset(&m, 0, sizeof m);
	memset(&tl, 0, sizeof tl);
	chat_rows_provenance(rs, &m.prov);
	if (sqlite3_column_type(s, M_DATA) == SQLITE_BLOB) {
		decoded = tl_decode_message(sqlite3_column_blob(s, M_DATA),
		                            (size_t)sqlite3_column_bytes(s, M_DATA), &tl);
		if (!decoded)
			report_tl(p, &m.prov, &tl);
	}
	m.service = "Telegram";
	m.account = p->owner;
	if (has_uid) {
		snprintf(uid_text, sizeof uid_text, "%" PRId64, uid);
		m.thread_id = uid_text;
		title = dialog_title(p, uid, &peer_user, &secret);
		m.thread_title = title;
	}
	if (chat_col_int(s, M_OUT, &out))
		m.direction = out ? CHAT_OUTGOING : CHAT_INCOMING;
	else if (tl.has_id)
		m.direction = tl.out ? CHAT_OUTGOING : CHAT_INCOMING;
	/* the sender the object names; else the peer of a one-to-one chat */
	if (tl.from.kind != TL_PEER_NONE)
		sender = tl_peer_text(&tl.from, from_text, sizeof from_text);
	else if (m.direction == CHAT_OUTGOING)
		sender = p->owner;
	else if (m.direction == CHAT_INCOMING && peer_user) {
		snprintf(from_text, sizeof from_text, "%" PRId64, peer_user);
		sender = from_text;
	}
	m.sender = sender;
	if (sender && sender[0] != '-' && chat_nonempty(sender)) {
		sender_name = user_name(p, strtoll(sender, NULL, 10));
		m.sender_name = sender_name;
	}
	if (peer_user) {
		char peer_text[32];

		snprintf(peer_text, sizeof peer_text, "%" PRId64, peer_user);
		if (m.direction == CHAT_OUTGOING)
			recipients = one(peer_text);
		else if (m.direction == CHAT_INCOMING && p->owner)
			recipients = one(p->owner);
	}
	m.recipients = recipients;
	m.sent = chat_col_time(p->ctx, s, M_DATE, 1, CHAT_EPOCH_UNIX, true);
	if (!m.sent.set && tl.has_date)
		m.sent = chat_time_from(p->ctx, tl.date, 1, CHAT_EPOCH_UNIX, true);
	m.precision = "1s";
	if (tl.has_text) {
		body = chat_clean_text(tl.text, tl.text_len);
		m.body = chat_nonempty(body);
	}
	chat_col_int(s, M_MEDIA, &media);
	m.kind = kind_of(&tl, decoded, media);
	if (m.direction == CHAT_OUTGOING && chat_col_int(s, M_SEND, &state))
		m.status = send_state_name(state);
	if (tl.has_reply) {
		snprintf(reply, sizeof reply, "%" PRId32, tl.reply_to_msg_id);
		m.reply_to = reply;
	} else if (chat_col_int(s, M_REPLY_TO, &v) && v > 0) {
		snprintf(reply, sizeof reply, "%" PRId64, v);
		m.reply_to = reply;
	}
	/* the flags say it before the header is decoded */
	m.forwarded = tl.has_id && tl.kind == TL_MESSAGE && !tl.secret ?
	              ((tl.flags & 4) ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
	if (tl.fwd_from.kind != TL_PEER_NONE)
		m.forwarded_from = tl_peer_text(&tl.fwd_from, fwd_text, sizeof fwd_text);
	m.deleted = m.edited = CHAT_FLAG_UNKNOWN;
	/* messages_v2: the rowid (mid repeats across chats); messages: mid is it */
	key = chat_key(p->table, m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	chat_json_object(&extra);
	chat_extra_int(&extra, "mid", s, M_MID);
	chat_extra_int(&extra, "read_state", s, M_READ);
	chat_extra_int(&extra, "send_state", s, M_SEND);
	chat_extra_int(&extra, "ttl", s, M_TTL);
	chat_extra_int(&extra, "media", s, M_MEDIA);
	chat_extra_int(&extra, "group_id", s, M_GROUP);
	if (secret)
		chat_json_int(&extra, "secret_chat_id", secret);
	add_tl_extra(&extra, &tl, decoded);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (key)
		chat_emit_message(p->ctx, &m);
	else
		p->ctx->out_of_memory = true;
	free(title);
	free(body);
	free(key);
	free(sender_name);
	free(recipients);
	free(extra_text);
}

static void read_messages(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, p->table, message_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_message(p, &rs);
	chat_rows_close(&rs);
	if (p->tl_problems > MAX_TL_REPORTS)
		chat_report(p->ctx, -1, "%s: %" PRIu64 " more messages whose TL data could not be "
		            "decoded to their text", APP, p->tl_problems - MAX_TL_REPORTS);
}

/* ---- users, contacts, the account ---------------------------------------------- */

enum { U_UID, U_NAME, U_STATUS };
static const char *const user_columns[] = { "uid", "name", "status", NULL };

/* The phones of an address-book entry, as a JSON array. */
static char *phones_of(pass *p, int64_t uid)
{
	sqlite3_stmt *s;
	chat_json list;
	size_t n = 0;

	if (!chat_has_table(p->src->lookup, "user_phones_v7") ||
	    !chat_has_table(p->src->lookup, "user_contacts_v7"))
		return NULL;
	s = chat_prepare(p->ctx, p->src->lookup,
	                 "SELECT ph.phone FROM user_contacts_v7 AS c JOIN user_phones_v7 AS ph "
	                 "ON ph.key = c.key WHERE c.uid = ?1 AND coalesce(ph.deleted, 0) = 0 "
	                 "ORDER BY ph.rowid", true);
	if (!s)
		return NULL;
	chat_json_array(&list);
	sqlite3_bind_int64(s, 1, uid);
	while (n++ < 64 && chat_step(p->ctx, s))
		chat_json_add_unique(&list, chat_nonempty(chat_col_text(s, 0)));
	sqlite3_finalize(s);
	return chat_json_take(&list);
}

static void emit_user(pass *p, chat_rowset *rs, char **owner_name)
{
	sqlite3_stmt *s = rs->stmt;
	chat_contact c;
	chat_json extra;
	int64_t uid;
	char id[32], *name = NULL, *username = NULL, *phones = NULL, *extra_text;
	char *book_name = NULL;

	if (!chat_col_int(s, U_UID, &uid))
		return;
	snprintf(id, sizeof id, "%" PRId64, uid);
	split_search_name(chat_col_text(s, U_NAME), &name, &username);
	if (p->owner && !strcmp(id, p->owner)) {
		if (!*owner_name)
			*owner_name = name ? strdup(name) : NULL;
		free(name);
		free(username);
		return;
	}
	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	c.account = p->owner;
	c.contact_id = id;
	if (chat_lookup_find(&p->contact, p->ctx, uid)) {
		const char *first = chat_nonempty(chat_col_text(p->contact.found, 0));
		const char *last = chat_nonempty(chat_col_text(p->contact.found, 1));

		if ((first || last) &&
		    asprintf(&book_name, "%s%s%s", first ? first : "", first && last ? " " : "",
		             last ? last : "") < 0)
			book_name = NULL;
	}
	c.name = book_name ? book_name : name;
	c.username = username;
	phones = phones_of(p, uid);
	c.phones = phones;
	c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	chat_extra_text(&extra, "search_name", s, U_NAME);
	chat_extra_int(&extra, "status", s, U_STATUS);
	extra_text = chat_json_take(&extra);
	c.extra = extra_text;
	chat_emit_contact(p->ctx, &c);
	free(name);
	free(username);
	free(book_name);
	free(phones);
	free(extra_text);
}

static void read_users(pass *p, char **owner_name)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "users", user_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_user(p, &rs, owner_name);
	chat_rows_close(&rs);
}

static void emit_account(pass *p, const char *name)
{
	chat_account a;

	if (!p->owner || p->src->kind != CHAT_LIVE)
		return;
	memset(&a, 0, sizeof a);
	a.account_id = p->owner;
	a.name = name;
	a.prov.table = p->table;
	chat_emit_account(p->ctx, &a);
}

/* ---- the extraction -------------------------------------------------------------- */

static int extract(chat_ctx *ctx, const chat_source *src, const char *table)
{
	pass p;
	char *owner_name = NULL;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.table = table;
	p.owner = find_owner(&p, src->lookup, table);
	chat_lookup_open(&p.user, ctx, src, "SELECT name FROM users WHERE uid = ?1");
	chat_lookup_open(&p.chat, ctx, src, "SELECT name FROM chats WHERE uid = ?1");
	chat_lookup_open(&p.secret, ctx, src, "SELECT user, name FROM enc_chats WHERE uid = ?1");
	chat_lookup_open(&p.contact, ctx, src,
	                 "SELECT fname, sname FROM user_contacts_v7 WHERE uid = ?1 ORDER BY rowid");
	read_messages(&p);
	read_users(&p, &owner_name);
	emit_account(&p, owner_name);
	chat_lookup_close(&p.user);
	chat_lookup_close(&p.chat);
	chat_lookup_close(&p.secret);
	chat_lookup_close(&p.contact);
	free(owner_name);
	free(p.owner);
	return ctx->status;
}

static int extract_v2(chat_ctx *ctx, const chat_source *src)
{
	return extract(ctx, src, "messages_v2");
}

/* The table before messages_v2, in a database the app has not migrated
 * (the migration copies it into messages_v2 and drops it). */
static int extract_v1(chat_ctx *ctx, const chat_source *src)
{
	if (chat_has_table(src->lookup, "messages_v2"))
		return ctx->status;
	return extract(ctx, src, "messages");
}

/* ---- the plugin --------------------------------------------------------------- */

static const char *const fingerprint_v2[] = {
	"messages_v2", "messages_v2.mid", "messages_v2.uid", "messages_v2.data",
	"messages_v2.out", "messages_v2.send_state", "users", "users.uid", "users.name",
	"chats.uid", NULL
};

static const char *const fingerprint_v1[] = {
	"messages", "messages.mid", "messages.uid", "messages.data", "messages.out",
	"messages.send_state", "messages.read_state", "users", "users.uid", "users.name",
	"chats.uid", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint_v2, extract_v2 },
	{ APP, fingerprint_v1, extract_v1 },
};

CHAT_SQLITE_PLUGIN("telegram-android", "1.0",
	                   "Telegram for Android cache4.db: messages (TL objects decoded), users, "
	                   "contacts, account, by schema",
	                   parsers)

/*
 * snapchat.c — the "snapchat" plugin: chat messages of Snapchat for
 * Android (arroyo.db), recognised by its schema.
 *
 * What it reads:
 *   conversation_message   client_conversation_id, client_message_id,
 *                  server_message_id, sender_id, creation_timestamp and
 *                  read_timestamp (Unix milliseconds), content_type,
 *                  message_state_type, message_content (a protobuf
 *                  message whose schema Snapchat does not publish).
 *   user_conversation      client_conversation_id, user_id: the members.
 *   required_values        key, value: the row USERID is the owner.
 *
 * message_content is read with the small wire-format reader of pb.h, and
 * only at the field paths public forensic write-ups describe for typed
 * text: 4.4.2.1 (a chat text), 4.4.7.11.1, 4.4.19.1.1 and each
 * 4.4.24.2.1.1 (texts carried with shared items and captions).  The
 * path the body came from is kept in extra ("text_path"), with the number
 * of the first field of 4.4 ("content_field", which tells the kind of
 * content apart without naming it); nothing else of the blob is guessed.
 * A blob that is not well-formed protobuf is reported with the row and
 * the byte offset in the blob (the first MAX_PB_REPORTS; the rest are
 * counted), and the message is still a record with what its columns say.
 *
 * Direction: the owner's messages are outgoing, others' incoming; with
 * no owner known, unknown.  The other members of the conversation are the
 * recipients.
 *
 * Records: chat_accounts (the owner), chat_messages (key
 * "conversation_message:<rowid>", or, for a
 * live row of a table without rowids,
 * "conversation_message:<conversation>/<message id>").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"
#include "pb.h"

#define APP "Snapchat"
#define TABLE "conversation_message"
#define MAX_MEMBERS 512
#define MAX_PB_REPORTS 20
#define MAX_TEXT_PARTS 64

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	char *owner;
	chat_lookup members;
	char *thread, *participants;
	uint64_t pb_problems;
} pass;

/* ---- message_content ----------------------------------------------------------------- */

typedef struct content {
	char *text;            /* malloc'd, or NULL */
	const char *path;      /* where it came from */
	uint32_t field;        /* the first field of 4.4, 0 for none */
	bool malformed;
	size_t malformed_at;
} content;

static bool found_at(pb_slice in, const uint32_t *path, size_t n, pb_slice *out,
                     content *c)
{
	return pb_path(in, path, n, out, &c->malformed, &c->malformed_at);
}

/* The texts of 4.4.24: every field 2 of it holds one, at 1.1. */
static char *list_texts(pb_slice list, content *c)
{
	static const uint32_t text[] = { 1, 1 };
	chat_buf all;
	pb_iter it;
	pb_field f;
	size_t parts = 0;

	memset(&all, 0, sizeof all);
	pb_iter_init(&it, list);
	while (parts < MAX_TEXT_PARTS && pb_next(&it, &f)) {
		pb_slice t;

		if (f.number != 2 || f.wire != 2 || !found_at(f.bytes, text, 2, &t, c))
			continue;
		if (parts++)
			chat_buf_adds(&all, "\n");
		chat_buf_add(&all, (const char *)t.data, t.len);
	}
	if (it.malformed && !c->malformed) {
		c->malformed = true;
		c->malformed_at = it.malformed_at;
	}
	if (!parts) {
		chat_buf_free(&all);
		return NULL;
	}
	return chat_buf_take(&all);
}

static void read_content(const void *blob, size_t len, content *c)
{
	static const uint32_t body[] = { 4, 4 }, chat_text[] = { 2, 1 },
	                      shared[] = { 7, 11, 1 }, caption[] = { 19, 1, 1 },
	                      list[] = { 24 };
	pb_slice in = { blob, len, 0 }, b, t;
	char *joined;

	memset(c, 0, sizeof *c);
	if (!blob || !len)
		return;
	if (!found_at(in, body, 2, &b, c))
		return;
	c->field = pb_first_field(b);
	if (found_at(b, chat_text, 2, &t, c))
		c->path = "4.4.2.1";
	else if (found_at(b, shared, 3, &t, c))
		c->path = "4.4.7.11.1";
	else if (found_at(b, caption, 3, &t, c))
		c->path = "4.4.19.1.1";
	else if (found_at(b, list, 1, &t, c) && (joined = list_texts(t, c))) {
		c->path = "4.4.24.2.1.1";
		c->text = chat_clean_text(joined, strlen(joined));
		free(joined);
		return;
	} else {
		return;
	}
	c->text = chat_clean_text(t.data, t.len);
}

static void report_pb(pass *p, const chat_provenance *prov, size_t at)
{
	if (p->pb_problems++ >= MAX_PB_REPORTS)
		return;
	chat_report(p->ctx, prov->origin && prov->has_offset ? prov->offset : -1,
	            "%s: table \"%s\" row %" PRId64 "%s%s: message_content is not well-formed "
	            "protobuf at byte %zu", APP, TABLE, prov->has_rowid ? prov->rowid : -1,
	            prov->origin ? ", recovered from " : "", prov->origin ? prov->origin : "", at);
}

/* ---- conversations -------------------------------------------------------------------- */

static void forget_thread(pass *p)
{
	free(p->thread);
	free(p->participants);
	p->thread = p->participants = NULL;
}

static void load_thread(pass *p, const char *id)
{
	chat_json list;

	if (p->thread && chat_same(p->thread, id))
		return;
	forget_thread(p);
	if (!id)
		return;
	p->thread = strdup(id);
	chat_json_array(&list);
	if (chat_lookup_find_text(&p->members, p->ctx, id))
		chat_lookup_add_rest(&p->members, p->ctx, &list, MAX_MEMBERS);
	p->participants = chat_json_take(&list);
}

/* ---- messages --------------------------------------------------------------------------- */

enum {
	M_CONVERSATION, M_CLIENT_ID, M_SERVER_ID, M_SENDER, M_CREATED, M_READ, M_TYPE,
	M_STATE, M_CONTENT
};

static const char *const message_columns[] = {
	"client_conversation_id", "client_message_id", "server_message_id", "sender_id",
	"creation_timestamp", "read_timestamp", "content_type", "message_state_type",
	"message_content", NULL
};

/* content_type as public write-ups list it; others stay a number. */
static const char *content_type_name(int64_t t)
{
	switch (t) {
	case 0: return "snap";
	case 1: return "text";
	case 2: return "media";
	case 3: return "share";
	case 4: return "voice note";
	case 5: return "sticker";
	case 8: return "location";
	case 10: return "screenshot";
	default: return NULL;
	}
}

static chat_kind kind_of(bool has_type, int64_t type, bool has_text)
{
	if (!has_type)
		return has_text ? CHAT_TEXT : CHAT_MEDIA;
	switch (type) {
	case 1: return CHAT_TEXT;
	case 10: return CHAT_SYSTEM;
	default: return has_text && type == 3 ? CHAT_TEXT : CHAT_MEDIA;
	}
}

static char *message_key(const chat_provenance *prov, sqlite3_stmt *s)
{
	char *id, *key;

	if (prov->has_rowid || prov->origin || !chat_nonempty(chat_col_text(s, M_CONVERSATION)) ||
	    sqlite3_column_type(s, M_CLIENT_ID) == SQLITE_NULL)
		return chat_key(TABLE, prov->has_rowid ? prov->rowid : -1);
	id = malloc(strlen(chat_col_text(s, M_CONVERSATION)) + 32);
	if (!id)
		return NULL;
	sprintf(id, "%s/%" PRId64, chat_col_text(s, M_CONVERSATION),
	        (int64_t)sqlite3_column_int64(s, M_CLIENT_ID));
	key = chat_key_text(TABLE, id);
	free(id);
	return key;
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	content c;
	int64_t type = 0;
	bool has_type = chat_col_int(s, M_TYPE, &type);
	char *conversation = chat_col_dup(s, M_CONVERSATION), *sender = chat_col_dup(s, M_SENDER);
	char *recipients, *key, *extra_text;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	read_content(sqlite3_column_type(s, M_CONTENT) == SQLITE_BLOB ?
	             sqlite3_column_blob(s, M_CONTENT) : NULL,
	             (size_t)sqlite3_column_bytes(s, M_CONTENT), &c);
	if (c.malformed)
		report_pb(p, &m.prov, c.malformed_at);
	load_thread(p, chat_nonempty(conversation));
	m.account = p->owner;
	m.thread_id = p->thread;
	m.participants = p->participants;
	m.sender = chat_nonempty(sender);
	if (p->owner && m.sender)
		m.direction = chat_same(p->owner, m.sender) ? CHAT_OUTGOING : CHAT_INCOMING;
	recipients = m.sender ? chat_others(p->ctx, p->src, p->participants, m.sender, MAX_MEMBERS) : NULL;
	m.recipients = recipients;
	m.sent = chat_col_time(p->ctx, s, M_CREATED, 1000, CHAT_EPOCH_UNIX, true);
	m.read = chat_col_time(p->ctx, s, M_READ, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	m.body = chat_nonempty(c.text);
	m.kind = kind_of(has_type, type, m.body != NULL);
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	key = message_key(&m.prov, s);
	m.key = key;
	chat_json_object(&extra);
	chat_extra_int(&extra, "client_message_id", s, M_CLIENT_ID);
	chat_extra_int(&extra, "server_message_id", s, M_SERVER_ID);
	chat_extra_int(&extra, "content_type", s, M_TYPE);
	if (has_type && content_type_name(type))
		chat_json_text(&extra, "content_type_name", content_type_name(type));
	chat_extra_text(&extra, "message_state_type", s, M_STATE);
	if (c.path)
		chat_json_text(&extra, "text_path", c.path);
	if (c.field)
		chat_json_int(&extra, "content_field", c.field);
	if (c.malformed)
		chat_json_int(&extra, "content_malformed_at", (int64_t)c.malformed_at);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (!key)
		p->ctx->out_of_memory = true;
	else
		chat_emit_message(p->ctx, &m);
	free(c.text);
	free(conversation);
	free(sender);
	free(recipients);
	free(key);
	free(extra_text);
}

/* ---- the extraction --------------------------------------------------------------------- */

static char *find_owner(pass *p)
{
	sqlite3_stmt *s = chat_prepare(p->ctx, p->src->lookup,
	                               "SELECT value FROM required_values WHERE key = 'USERID' "
	                               "LIMIT 1", true);
	char *owner = NULL;

	if (chat_step(p->ctx, s) && chat_nonempty(chat_col_text(s, 0)))
		owner = chat_col_dup(s, 0);
	sqlite3_finalize(s);
	return owner;
}

static void emit_owner(pass *p)
{
	chat_account a;

	if (!p->owner || p->src->kind != CHAT_LIVE)
		return;
	memset(&a, 0, sizeof a);
	a.account_id = p->owner;
	a.prov.table = "required_values";
	chat_emit_account(p->ctx, &a);
}

static int snapchat_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.owner = find_owner(&p);
	emit_owner(&p);
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT user_id FROM user_conversation WHERE client_conversation_id = ?1"
	                 " ORDER BY rowid");
	if (chat_rows_open(&rs, ctx, src, TABLE, message_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_message(&p, &rs);
		chat_rows_close(&rs);
	}
	if (p.pb_problems > MAX_PB_REPORTS)
		chat_report(ctx, -1, "%s: %" PRIu64 " more messages whose message_content is not "
		            "well-formed protobuf", APP, p.pb_problems - MAX_PB_REPORTS);
	forget_thread(&p);
	chat_lookup_close(&p.members);
	free(p.owner);
	return ctx->status;
}

static const char *const fingerprint[] = {
	TABLE, TABLE ".client_conversation_id", TABLE ".client_message_id",
	TABLE ".message_content", TABLE ".sender_id", TABLE ".creation_timestamp", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, snapchat_extract },
};

CHAT_SQLITE_PLUGIN("snapchat", "1.0",
	                   "Snapchat for Android arroyo.db: chat messages (texts read from the "
	                   "message_content protobuf at documented paths), members, the owner, by "
	                   "schema",
	                   parsers)

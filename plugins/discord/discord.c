/*
 * discord.c — the "discord" plugin: the messages Discord for Android
 * caches in its kv-storage database (files/kv-storage/<id>/a), recognised
 * by its schema.
 *
 * Where the format comes from (read, not copied):
 *   - ALEAPP scripts/artifacts/discordChats.py (abrignoni/ALEAPP): the
 *     table messages0, one cached message per row, its seventh column the
 *     message as UTF-8 JSON: {id, channelId, message: {timestamp, author
 *     {username, avatar}, content, attachments [{filename, url,
 *     proxy_url}], mentions, mention_roles, pinned, edited_timestamp}};
 *   - Discord's developer documentation of the Message, User and
 *     Attachment objects (author.id, attachments' size and content_type;
 *     timestamps are ISO 8601 with a UTC offset).
 * The source names neither the table's other columns nor the JSON
 * column's name, so the plugin takes, in each row, the first column whose
 * value is such a document (a JSON object with a "message" object).  A
 * row holding none is not guessed at: it is reported with its offset
 * (the row's, for a recovered one; the table's, for a live one) and
 * counted.
 * The owner's own user id is not in the table: directions are unknown.
 * Known limit: SQLite's JSON functions (3.40) end a string at an escaped
 * NUL (\u0000), so text after one is not reported.
 *
 * Records: chat_messages (key "messages0:<rowid>", times to the
 * millisecond), chat_attachments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Discord"
#define TABLE "messages0"
#define MAX_COLUMNS 64
#define MAX_ATTACHMENTS 64
#define MAX_REPORTS 20

/* An ISO 8601 time as Unix milliseconds, in SQL (NULL when unparsable). */
#define ISO_MS(doc, path) \
	"CAST(round((julianday(json_extract(" doc ", '" path "')) - 2440587.5) * 86400000.0) " \
	"AS INTEGER)"

enum {
	D_ID, D_CHANNEL, D_AUTHOR_ID, D_AUTHOR_NAME, D_CONTENT, D_TIME, D_TIME_TEXT,
	D_EDITED, D_EDITED_TEXT, D_PINNED, D_MENTIONS, D_MENTION_ROLES, D_AVATAR,
	D_ATTACHMENTS
};

static const char document_sql[] =
	"SELECT json_extract(?1, '$.id'), json_extract(?1, '$.channelId'), "
	"json_extract(?1, '$.message.author.id'), json_extract(?1, '$.message.author.username'), "
	"json_extract(?1, '$.message.content'), " ISO_MS("?1", "$.message.timestamp") ", "
	"json_extract(?1, '$.message.timestamp'), " ISO_MS("?1", "$.message.edited_timestamp") ", "
	"json_extract(?1, '$.message.edited_timestamp'), json_extract(?1, '$.message.pinned'), "
	"CASE json_type(?1, '$.message.mentions') WHEN 'array' THEN "
	"  json_extract(?1, '$.message.mentions') END, "
	"CASE json_type(?1, '$.message.mention_roles') WHEN 'array' THEN "
	"  json_extract(?1, '$.message.mention_roles') END, "
	"json_extract(?1, '$.message.author.avatar'), "
	"coalesce(json_array_length(?1, '$.message.attachments'), 0)";

static const char attachments_sql[] =
	"SELECT json_extract(value, '$.filename'), json_extract(value, '$.url'), "
	"json_extract(value, '$.proxy_url'), json_extract(value, '$.size'), "
	"json_extract(value, '$.content_type'), json_extract(value, '$.id') "
	"FROM json_each(?1, '$.message.attachments') WHERE json_type(value) = 'object'";

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	sqlite3_stmt *document, *attachments;
	uint64_t undecodable;
} pass;

/*
 * The expression that yields a row's message document: the first column
 * of messages0 whose value (text or UTF-8 bytes) is a JSON object with a
 * "message" object.  sqlite3_free it; NULL when the table has no columns
 * or memory runs out.
 */
static char *document_expr(pass *p)
{
	sqlite3_stmt *s = chat_prepare(p->ctx, p->src->lookup,
	                               "SELECT name FROM pragma_table_info('" TABLE "')", false);
	char *expr = NULL;
	int n = 0;

	while (s && n < MAX_COLUMNS && chat_step(p->ctx, s)) {
		const char *name = chat_col_text(s, 0);
		char *next;

		if (!name)
			continue;
		next = sqlite3_mprintf("%s%sCASE WHEN json_valid(CAST(\"%w\" AS TEXT)) AND "
		                       "json_type(CAST(\"%w\" AS TEXT), '$.message') = 'object' "
		                       "THEN CAST(\"%w\" AS TEXT) END",
		                       expr ? expr : "", expr ? ", " : "", name, name, name);
		sqlite3_free(expr);
		expr = next;
		if (!expr) {
			p->ctx->out_of_memory = true;
			break;
		}
		n++;
	}
	sqlite3_finalize(s);
	if (expr && n > 1) {
		char *wrapped = sqlite3_mprintf("coalesce(%s)", expr);

		sqlite3_free(expr);
		expr = wrapped;
		if (!expr)
			p->ctx->out_of_memory = true;
	}
	return expr;
}

static void report_undecodable(pass *p, chat_rowset *rs, const chat_provenance *prov)
{
	if (++p->undecodable > MAX_REPORTS)
		return;
	chat_report(p->ctx, prov->has_offset ? prov->offset : rs->offset,
	            "Discord: " TABLE " row %lld%s%s holds no message document (no column is "
	            "a JSON object with a \"message\" object); not decoded",
	            (long long)(prov->has_rowid ? prov->rowid : -1),
	            prov->origin ? ", recovered from " : "", prov->origin ? prov->origin : "");
}

static void emit_attachments(pass *p, const char *doc, const char *key,
                             const chat_provenance *prov)
{
	sqlite3_stmt *s = p->attachments;
	size_t n = 0;

	if (!s)
		return;
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, doc, -1, SQLITE_STATIC);
	while (n++ < MAX_ATTACHMENTS && chat_step(p->ctx, s)) {
		chat_attachment a;
		chat_json extra;
		char *name = chat_col_dup(s, 0), *url = chat_col_dup(s, 1), *extra_text;
		char *mime = chat_col_dup(s, 4);

		memset(&a, 0, sizeof a);
		a.message_key = key;
		a.name = chat_nonempty(name);
		a.url = chat_nonempty(url);
		a.mime_type = chat_nonempty(mime);
		a.has_size = chat_col_int(s, 3, &a.size) && a.size >= 0;
		chat_json_object(&extra);
		chat_extra_text(&extra, "proxy_url", s, 2);
		chat_extra_text(&extra, "id", s, 5);
		extra_text = chat_json_take(&extra);
		a.extra = extra_text;
		a.prov = *prov;
		chat_emit_attachment(p->ctx, &a);
		free(name);
		free(url);
		free(mime);
		free(extra_text);
	}
	sqlite3_clear_bindings(s);
}

static void emit_message(pass *p, chat_rowset *rs, const char *doc)
{
	sqlite3_stmt *s = p->document;
	chat_message m;
	chat_json extra;
	int64_t n_attachments = 0;
	char *channel, *author, *name, *body, *key, *extra_text;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, doc, -1, SQLITE_STATIC);
	if (!chat_step(p->ctx, s))
		return;
	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	channel = chat_col_dup(s, D_CHANNEL);
	author = chat_col_dup(s, D_AUTHOR_ID);
	name = chat_col_dup(s, D_AUTHOR_NAME);
	body = chat_col_dup(s, D_CONTENT);
	m.thread_id = chat_nonempty(channel);
	m.sender = chat_nonempty(author) ? author : chat_nonempty(name);
	m.sender_name = chat_nonempty(name);
	m.direction = CHAT_UNKNOWN_DIRECTION;
	m.sent = chat_col_time(p->ctx, s, D_TIME, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	m.body = chat_nonempty(body);
	chat_col_int(s, D_ATTACHMENTS, &n_attachments);
	m.kind = n_attachments > 0 ? CHAT_MEDIA : CHAT_TEXT;
	m.edited = sqlite3_column_type(s, D_EDITED_TEXT) == SQLITE_NULL ? CHAT_FLAG_NO
	                                                                 : CHAT_FLAG_YES;
	m.forwarded = m.deleted = CHAT_FLAG_UNKNOWN;
	key = chat_key(TABLE, m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	chat_json_object(&extra);
	chat_extra_text(&extra, "id", s, D_ID);
	chat_extra_text(&extra, "timestamp", s, D_TIME_TEXT);
	chat_extra_text(&extra, "edited_timestamp", s, D_EDITED_TEXT);
	chat_extra_int(&extra, "edited_ms", s, D_EDITED);
	chat_extra_int(&extra, "pinned", s, D_PINNED);
	chat_extra_text(&extra, "mentions", s, D_MENTIONS);
	chat_extra_text(&extra, "mention_roles", s, D_MENTION_ROLES);
	chat_extra_text(&extra, "avatar", s, D_AVATAR);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (!key)
		p->ctx->out_of_memory = true;
	else if (chat_emit_message_kept(p->ctx, &m) && n_attachments > 0)
		emit_attachments(p, doc, key, &m.prov);
	sqlite3_clear_bindings(s);
	free(channel);
	free(author);
	free(name);
	free(body);
	free(key);
	free(extra_text);
}

static int discord_extract(chat_ctx *ctx, const chat_source *src)
{
	const char *exprs[2];
	chat_rowset rs;
	pass p;
	char *doc_expr;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	doc_expr = document_expr(&p);
	p.document = chat_prepare(ctx, src->lookup, document_sql, false);
	p.attachments = chat_prepare(ctx, src->lookup, attachments_sql, false);
	exprs[0] = doc_expr;
	exprs[1] = NULL;
	if (doc_expr && p.document &&
	    chat_rows_open_exprs(&rs, ctx, src, TABLE, exprs, NULL)) {
		while (chat_rows_next(&rs)) {
			const char *doc = chat_col_text(rs.stmt, 0);
			chat_provenance prov;

			chat_rows_provenance(&rs, &prov);
			if (doc)
				emit_message(&p, &rs, doc);
			else
				report_undecodable(&p, &rs, &prov);
		}
		chat_rows_close(&rs);
	}
	if (p.undecodable > MAX_REPORTS)
		chat_report(ctx, -1, "Discord: %llu " TABLE " rows in all hold no message document",
		            (unsigned long long)p.undecodable);
	sqlite3_finalize(p.document);
	sqlite3_finalize(p.attachments);
	sqlite3_free(doc_expr);
	return ctx->status;
}

static const char *const fingerprint[] = { TABLE, NULL };

static const chat_parser parsers[] = {
	{ APP, fingerprint, discord_extract },
};

CHAT_SQLITE_PLUGIN("discord", "1.0",
	                   "Discord for Android kv-storage message cache (messages0 JSON): "
	                   "messages, attachments, by schema",
	                   parsers)

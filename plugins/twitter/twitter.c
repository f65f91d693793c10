/*
 * twitter.c — the "twitter" plugin: direct-message entries of Twitter/X
 * for Android (databases/<user id>-66.db and the like), recognised by the
 * schema of their conversation_entries table.
 *
 * Where the format comes from (read, not copied):
 *   - the app's CREATE TABLE conversation_entries, as it appears in
 *     decompiled Twitter for Android code published on GitHub (found by
 *     the search tool): _id, entry_id (unique), sort_entry_id, conversation_id,
 *     user_id (the entry's author), created, entry_type, data (BLOB),
 *     request_id, linked_entry_id; and the app's join of users on
 *     user_id for users_username and users_name;
 *   - twitter/Serial (GitHub), ByteBufferSerializerOutput and its defs:
 *     the byte format of data (see serial.h);
 *   - karlicoss/HPI my/twitter/android.py: the app's times ("created")
 *     are Unix milliseconds;
 *   - Twitter's developer documentation of Snowflake ids: an id's upper
 *     bits are milliseconds since 2010-11-04T01:42:54.657Z.
 * What is not documented, and so not guessed at: which of the strings of
 * data is the message's text (the Serial stream does not name its fields,
 * and the app's class layout is not published), what entry_type's values
 * mean, and which user is the owner.  Each entry is therefore reported
 * with its documented columns, its body left empty, and the strings its
 * data holds, in order, in extra.data_strings; the direction is unknown.
 * A data value that does not decode is reported with the row's offset and
 * the byte offset in the value where decoding stopped.
 *
 * Records: chat_messages (key "conversation_entries:<_id>", times to the
 * millisecond).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"
#include "serial.h"

#define APP "Twitter"
#define TABLE "conversation_entries"
#define MAX_STRINGS 64
#define MAX_REPORTS 20
#define SNOWFLAKE_EPOCH_MS 1288834974657LL

enum {
	E_ENTRY_ID, E_SORT_ID, E_CONVERSATION, E_USER, E_CREATED, E_TYPE, E_DATA, E_REQUEST,
	E_LINKED
};

static const char *const entry_columns[] = {
	"entry_id", "sort_entry_id", "conversation_id", "user_id", "created", "entry_type",
	"data", "request_id", "linked_entry_id", NULL
};

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	chat_lookup user;
	uint64_t undecodable;
} pass;

static char *dup_nonempty(const char *s)
{
	return chat_nonempty(s) ? strdup(s) : NULL;
}

/* The strings of a data value as a JSON array (NULL when none), and
 * whether it decoded. */
static char *data_strings(pass *p, chat_rowset *rs, const chat_provenance *prov,
                          serial_walk *w, bool *decoded)
{
	sqlite3_stmt *s = rs->stmt;
	serial_string strings[MAX_STRINGS];
	const uint8_t *bytes = sqlite3_column_blob(s, E_DATA);
	size_t len = (size_t)sqlite3_column_bytes(s, E_DATA), i;
	chat_json list;

	memset(w, 0, sizeof *w);
	w->strings = strings;
	w->max_strings = MAX_STRINGS;
	*decoded = true;
	if (!bytes || !len)
		return NULL;
	if (serial_read(bytes, len, w) < 0) {
		*decoded = false;
		if (++p->undecodable <= MAX_REPORTS)
			chat_report(p->ctx, prov->has_offset ? prov->offset : rs->offset,
			            "Twitter: " TABLE " row %lld%s%s: data does not decode at byte "
			            "%zu of %zu: %s; its strings before that are kept",
			            (long long)(prov->has_rowid ? prov->rowid : -1),
			            prov->origin ? ", recovered from " : "",
			            prov->origin ? prov->origin : "", w->error_offset, len, w->error);
	}
	chat_json_array(&list);
	for (i = 0; i < w->n_strings; i++) {
		char *text = chat_clean_text(strings[i].bytes, strings[i].len);

		if (!text)
			p->ctx->out_of_memory = true;
		else if (*text)
			chat_json_add(&list, text);
		free(text);
	}
	return chat_json_take(&list);
}

static void emit_entry(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	serial_walk w;
	bool decoded;
	int64_t entry_id;
	char *conversation = chat_col_dup(s, E_CONVERSATION), *user = chat_col_dup(s, E_USER);
	char *name = NULL, *username = NULL, *strings, *key, *extra_text;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	if (chat_nonempty(user) && chat_lookup_find_text(&p->user, p->ctx, user)) {
		username = dup_nonempty(chat_col_text(p->user.found, 0));
		name = dup_nonempty(chat_col_text(p->user.found, 1));
	}
	m.thread_id = chat_nonempty(conversation);
	m.sender = chat_nonempty(user);
	m.sender_name = name ? name : username;
	m.direction = CHAT_UNKNOWN_DIRECTION;
	m.sent = chat_col_time(p->ctx, s, E_CREATED, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	m.kind = CHAT_TEXT;
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	key = chat_key(TABLE, m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	strings = data_strings(p, rs, &m.prov, &w, &decoded);
	chat_json_object(&extra);
	chat_extra_text(&extra, "entry_id", s, E_ENTRY_ID);
	chat_extra_text(&extra, "sort_entry_id", s, E_SORT_ID);
	chat_extra_int(&extra, "entry_type", s, E_TYPE);
	chat_extra_text(&extra, "request_id", s, E_REQUEST);
	chat_extra_text(&extra, "linked_entry_id", s, E_LINKED);
	chat_json_text(&extra, "username", username);
	if (chat_col_int(s, E_ENTRY_ID, &entry_id) && entry_id > 0)
		chat_json_int(&extra, "entry_id_time_ms", (entry_id >> 22) + SNOWFLAKE_EPOCH_MS);
	chat_json_raw(&extra, "data_strings", strings);
	if (w.more_strings)
		chat_json_int(&extra, "data_strings_more", (int64_t)w.more_strings);
	if (!decoded) {
		chat_json_text(&extra, "data", "undecodable");
		chat_json_int(&extra, "data_error_byte", (int64_t)w.error_offset);
	}
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (key)
		chat_emit_message(p->ctx, &m);
	else
		p->ctx->out_of_memory = true;
	free(conversation);
	free(user);
	free(name);
	free(username);
	free(strings);
	free(key);
	free(extra_text);
}

static int twitter_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	chat_lookup_open(&p.user, ctx, src,
	                 chat_has_column(src->lookup, "users", "name") ?
	                 "SELECT username, name FROM users WHERE user_id = ?1 ORDER BY rowid" :
	                 "SELECT username, NULL FROM users WHERE user_id = ?1 ORDER BY rowid");
	if (chat_rows_open(&rs, ctx, src, TABLE, entry_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_entry(&p, &rs);
		chat_rows_close(&rs);
	}
	if (p.undecodable > MAX_REPORTS)
		chat_report(ctx, -1, "Twitter: %llu " TABLE " data values in all do not decode",
		            (unsigned long long)p.undecodable);
	chat_lookup_close(&p.user);
	return ctx->status;
}

static const char *const fingerprint[] = {
	TABLE, TABLE ".entry_id", TABLE ".sort_entry_id", TABLE ".conversation_id",
	TABLE ".user_id", TABLE ".created", TABLE ".entry_type", TABLE ".data", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, twitter_extract },
};

CHAT_SQLITE_PLUGIN("twitter", "1.0",
	                   "Twitter/X for Android direct-message entries (conversation_entries, "
	                   "Serial-encoded data decoded to its strings), by schema",
	                   parsers)

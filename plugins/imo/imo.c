/*
 * imo.c — the "imo" plugin: messages and friends of imo for Android, from
 * its imofriends.db, recognised by schema.
 *
 * Where the schema comes from (read, not copied): Autopsy's
 * InternalPythonModules/android/imo.py (sleuthkit/autopsy, written against
 * imo 9.8.0) and ALEAPP scripts/artifacts/imo.py (abrignoni/ALEAPP).
 *
 *   messages  buid (the other party of the conversation), last_message
 *             (the text), timestamp (Unix nanoseconds), message_type,
 *             message_read (1 read, 0 unread), imdata (JSON of the
 *             message's details; an attachment's file is original_path,
 *             else local_path).
 *   friends   buid, name.
 * Direction: both sources read message_type 1 as received.  For sent
 * messages they disagree (Autopsy documents 0, ALEAPP maps 2 and says the
 * mapping is not sourced from the app), so 0 is read as sent, as Autopsy
 * documents, and any other value leaves the direction unknown (the value
 * is kept in extra).  The owner's own id is not in this database (it is in
 * accountdb.db, whose "account" table is too generic to recognise by
 * schema): an outgoing message has no sender.
 *
 * Records: chat_messages (key "messages:<rowid>", times to the
 * nanosecond), chat_attachments (a local file), chat_contacts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "imo"
#define TYPE_RECEIVED 1
#define TYPE_SENT 0

#define JV(column, path) \
	"CASE WHEN json_valid(" column ") THEN json_extract(" column ", '" path "') END"

enum { M_BUID, M_TEXT, M_TIME, M_TYPE, M_READ, M_ORIGINAL, M_LOCAL, M_BAD };

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

static void emit_attachment(chat_ctx *ctx, sqlite3_stmt *s, const char *key,
                            const chat_provenance *prov)
{
	char *original = chat_col_dup(s, M_ORIGINAL), *local = chat_col_dup(s, M_LOCAL);
	chat_attachment a;
	chat_json extra;
	char *extra_text;

	memset(&a, 0, sizeof a);
	a.message_key = key;
	a.path = chat_nonempty(original) ? original : chat_nonempty(local);
	chat_json_object(&extra);
	if (a.path && a.path == original)
		chat_json_text(&extra, "local_path", chat_nonempty(local));
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	a.prov = *prov;
	if (a.path)
		chat_emit_attachment(ctx, &a);
	free(original);
	free(local);
	free(extra_text);
}

static void emit_message(chat_ctx *ctx, chat_lookup *friend, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	int64_t type = -1, bad = 0;
	bool has_type = chat_col_int(s, M_TYPE, &type);
	bool has_file = chat_nonempty(chat_col_text(s, M_ORIGINAL)) ||
	                chat_nonempty(chat_col_text(s, M_LOCAL));
	char *buid = chat_col_dup(s, M_BUID), *body = chat_col_dup(s, M_TEXT), *name = NULL;
	char *recipients = NULL, *participants, *key, *extra_text;

	if (!chat_nonempty(buid)) {
		free(buid);
		buid = NULL;
	}
	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	if (buid && chat_lookup_find_text(friend, ctx, buid))
		name = dup_nonempty(chat_col_text(friend->found, 0));
	m.thread_id = buid;
	m.thread_title = name;
	participants = buid ? one(buid) : NULL;
	m.participants = participants;
	if (has_type && type == TYPE_RECEIVED) {
		m.direction = CHAT_INCOMING;
		m.sender = buid;
		m.sender_name = name;
	} else if (has_type && type == TYPE_SENT) {
		m.direction = CHAT_OUTGOING;
		recipients = buid ? one(buid) : NULL;
		m.recipients = recipients;
	}
	m.sent = chat_col_time(ctx, s, M_TIME, 1000000000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ns";
	m.body = chat_nonempty(body);
	m.kind = has_file ? CHAT_MEDIA : CHAT_TEXT;
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	key = chat_key("messages", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	chat_json_object(&extra);
	chat_extra_int(&extra, "message_type", s, M_TYPE);
	chat_extra_int(&extra, "message_read", s, M_READ);
	if (chat_col_int(s, M_BAD, &bad) && bad) {
		chat_json_text(&extra, "imdata", "malformed");
		chat_report(ctx, m.prov.has_offset ? m.prov.offset : rs->offset,
		            "imo: message %lld: its imdata JSON does not parse; kept what the "
		            "columns say", (long long)(m.prov.has_rowid ? m.prov.rowid : -1));
	}
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (!key)
		ctx->out_of_memory = true;
	else if (chat_emit_message_kept(ctx, &m) && has_file)
		emit_attachment(ctx, s, key, &m.prov);
	free(buid);
	free(body);
	free(name);
	free(recipients);
	free(participants);
	free(key);
	free(extra_text);
}

static void read_friends(chat_ctx *ctx, const chat_source *src)
{
	static const char *const columns[] = { "buid", "name", NULL };
	chat_rowset rs;

	if (!chat_rows_open(&rs, ctx, src, "friends", columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		chat_contact c;
		char *buid = chat_col_dup(rs.stmt, 0), *name = chat_col_dup(rs.stmt, 1);

		memset(&c, 0, sizeof c);
		chat_rows_provenance(&rs, &c.prov);
		c.contact_id = chat_nonempty(buid);
		c.name = chat_nonempty(name);
		c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
		if (c.contact_id || c.name)
			chat_emit_contact(ctx, &c);
		free(buid);
		free(name);
	}
	chat_rows_close(&rs);
}

static int imo_extract(chat_ctx *ctx, const chat_source *src)
{
	bool json = chat_has_column(src->lookup, "messages", "imdata");
	const char *exprs[] = {
		"buid",
		chat_has_column(src->lookup, "messages", "last_message") ? "last_message" : "NULL",
		chat_has_column(src->lookup, "messages", "timestamp") ? "timestamp" : "NULL",
		chat_has_column(src->lookup, "messages", "message_type") ? "message_type" : "NULL",
		chat_has_column(src->lookup, "messages", "message_read") ? "message_read" : "NULL",
		json ? JV("imdata", "$.original_path") : "NULL",
		json ? JV("imdata", "$.local_path") : "NULL",
		json ? "imdata IS NOT NULL AND NOT json_valid(imdata)" : "0",
		NULL
	};
	chat_lookup friend;
	chat_rowset rs;

	chat_lookup_open(&friend, ctx, src,
	                 "SELECT name FROM friends WHERE buid = ?1 ORDER BY rowid");
	if (chat_rows_open_exprs(&rs, ctx, src, "messages", exprs, NULL)) {
		while (chat_rows_next(&rs))
			emit_message(ctx, &friend, &rs);
		chat_rows_close(&rs);
	}
	read_friends(ctx, src);
	chat_lookup_close(&friend);
	return ctx->status;
}

static const char *const fingerprint[] = {
	"messages", "messages.buid", "messages.imdata", "messages.last_message",
	"messages.message_type", "friends", "friends.buid", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, imo_extract },
};

CHAT_SQLITE_PLUGIN("imo", "1.0",
	                   "imo for Android imofriends.db: messages, attachments, friends, "
	                   "by schema",
	                   parsers)

/*
 * wa_calls.c — WhatsApp for Android's call log (msgstore.db, table
 * call_log, since 2019 in both layouts).
 *
 *   call_log   jid_row_id (the peer, a jid row), from_me, call_id (the
 *              app's id), timestamp (start, Unix ms), video_call,
 *              duration (seconds), call_result (the outcome, a number kept
 *              as it is), group_jid_row_id (the group of a group call,
 *              0 for none), bytes_transferred.
 *   call_log_participant_v2   the other parties of a group call
 *              (call_log_row_id, jid_row_id), when the table exists.
 *
 * Records: chat_calls (call_id "call_log:<_id>").
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "whatsapp.h"

#define MAX_CALL_PARTIES 256

enum {
	C_PEER, C_FROM_ME, C_CALL_ID, C_TIMESTAMP, C_VIDEO, C_DURATION, C_RESULT,
	C_GROUP, C_BYTES
};

static const char *const call_columns[] = {
	"jid_row_id", "from_me", "call_id", "timestamp", "video_call", "duration",
	"call_result", "group_jid_row_id", "bytes_transferred", NULL
};

typedef struct calls {
	chat_ctx *ctx;
	chat_lookup jid;
	chat_related parties;
} calls;

static char *jid_text(calls *c, int64_t row)
{
	const char *raw;

	if (row <= 0 || !chat_lookup_find(&c->jid, c->ctx, row))
		return NULL;
	raw = chat_nonempty(chat_col_text(c->jid.found, 0));
	return raw ? strdup(raw) : NULL;
}

static char *parties_of(calls *c, int64_t call_row, const char *peer)
{
	int64_t ids[MAX_CALL_PARTIES];
	size_t n = 0, i;
	chat_json list;

	chat_json_array(&list);
	chat_json_add(&list, peer);
	if (chat_related_find(&c->parties, c->ctx, call_row)) {
		do {
			if (chat_col_int(c->parties.found, 0, &ids[n]))
				n++;
		} while (n < MAX_CALL_PARTIES && chat_related_more(&c->parties, c->ctx));
	}
	for (i = 0; i < n; i++) {
		char *jid = jid_text(c, ids[i]);

		chat_json_add_unique(&list, jid);
		free(jid);
	}
	return chat_json_take(&list);
}

static void emit_call(calls *c, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_call call;
	chat_json extra;
	int64_t v, duration = 0;
	char *peer = NULL, *group = NULL, *participants = NULL, *call_id, *extra_text;

	memset(&call, 0, sizeof call);
	chat_rows_provenance(rs, &call.prov);
	if (chat_col_int(s, C_PEER, &v))
		peer = jid_text(c, v);
	if (chat_col_int(s, C_GROUP, &v) && v > 0)
		group = jid_text(c, v);
	call.peer = peer;
	call.thread_id = group ? group : peer;
	if (call.prov.has_rowid)
		participants = parties_of(c, call.prov.rowid, peer);
	call.participants = participants;
	if (chat_col_int(s, C_FROM_ME, &v))
		call.direction = v ? CHAT_OUTGOING : CHAT_INCOMING;
	if (chat_col_int(s, C_VIDEO, &v))
		call.media = v ? "video" : "voice";
	call.started = wa_time(c->ctx, s, C_TIMESTAMP);
	call.has_duration = chat_col_int(s, C_DURATION, &duration) && duration >= 0;
	call.duration = duration;
	if (call.has_duration && duration > 0)
		call.ended = chat_time_plus(call.started, duration);
	call.precision = "1ms";
	call.deleted = CHAT_FLAG_UNKNOWN;
	call_id = chat_key("call_log", call.prov.has_rowid ? call.prov.rowid : -1);
	call.call_id = call_id;
	chat_json_object(&extra);
	chat_extra_text(&extra, "call_id", s, C_CALL_ID);
	chat_extra_int(&extra, "call_result", s, C_RESULT);
	chat_extra_int(&extra, "bytes_transferred", s, C_BYTES);
	chat_json_text(&extra, "group", group);
	extra_text = chat_json_take(&extra);
	call.extra = extra_text;
	if (call_id)
		chat_emit_call(c->ctx, &call);
	else
		c->ctx->out_of_memory = true;
	free(peer);
	free(group);
	free(participants);
	free(call_id);
	free(extra_text);
}

void wa_read_calls(chat_ctx *ctx, const chat_source *src)
{
	static const char *const party_columns[] = { "jid_row_id", NULL };
	chat_rowset rs;
	calls c;

	if (!chat_has_column(src->lookup, "call_log", "jid_row_id") ||
	    !chat_has_column(src->lookup, "jid", "raw_string"))
		return;
	memset(&c, 0, sizeof c);
	c.ctx = ctx;
	chat_lookup_open(&c.jid, ctx, src, "SELECT raw_string FROM jid WHERE _id = ?1");
	chat_related_open_columns(&c.parties, ctx, src, "call_log_participant_v2",
	                          "call_log_row_id", party_columns);
	if (chat_rows_open(&rs, ctx, src, "call_log", call_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_call(&c, &rs);
		chat_rows_close(&rs);
	}
	chat_lookup_close(&c.jid);
	chat_related_close(&c.parties);
}

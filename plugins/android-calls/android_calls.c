/*
 * android_calls.c — the "android-calls" plugin: the call log of Android's
 * contacts provider (the calls table of contacts2.db before Android 7,
 * of calllog.db since), recognised by its schema.
 *
 * What it reads (the provider's documented CallLog.Calls contract): one
 * row per call; number, the cached contact name, date (start, Unix
 * milliseconds), duration (seconds), type: 1 incoming, 2 outgoing,
 * 3 missed, 4 voicemail, 5 rejected, 6 blocked, 7 answered on another
 * device; features bit 0 marks a video call (Android 5+);
 * phone_account_address is the number of the SIM that took the call
 * (Android 7+), which is the account.
 *
 * Records: chat_calls.  ended is the start plus the duration, given only
 * for calls that lasted (the log keeps no end of its own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Android Call Log"
#define FEATURES_VIDEO 0x1

enum {
	C_NUMBER, C_NAME, C_DATE, C_DURATION, C_TYPE, C_NEW, C_NUMBERTYPE,
	C_NUMBERLABEL, C_COUNTRYISO, C_IS_READ, C_GEOCODED, C_NORMALIZED,
	C_FORMATTED, C_MATCHED, C_FEATURES, C_PRESENTATION, C_ACCOUNT_ADDRESS,
	C_ACCOUNT_ID, C_VIA, C_DATA_USAGE, C_VOICEMAIL, C_DELETED
};

static const char *const columns[] = {
	"number", "name", "date", "duration", "type", "new", "numbertype",
	"numberlabel", "countryiso", "is_read", "geocoded_location",
	"normalized_number", "formatted_number", "matched_number", "features",
	"presentation", "phone_account_address", "subscription_id", "via_number",
	"data_usage", "voicemail_uri", "deleted", NULL
};

typedef struct call_type {
	chat_direction direction;
	const char *status;
} call_type;

static call_type type_of(bool known, int64_t type)
{
	static const call_type types[] = {
		{ CHAT_UNKNOWN_DIRECTION, NULL },
		{ CHAT_INCOMING, "answered" },
		{ CHAT_OUTGOING, "dialled" },
		{ CHAT_INCOMING, "missed" },
		{ CHAT_INCOMING, "voicemail" },
		{ CHAT_INCOMING, "rejected" },
		{ CHAT_INCOMING, "blocked" },
		{ CHAT_INCOMING, "answered elsewhere" },
	};

	if (!known || type < 1 || type > 7)
		return types[0];
	return types[type];
}

static char *call_extra(sqlite3_stmt *s)
{
	chat_json extra;

	chat_json_object(&extra);
	chat_extra_int(&extra, "type", s, C_TYPE);
	chat_extra_int(&extra, "new", s, C_NEW);
	chat_extra_int(&extra, "is_read", s, C_IS_READ);
	chat_extra_int(&extra, "numbertype", s, C_NUMBERTYPE);
	chat_extra_text(&extra, "numberlabel", s, C_NUMBERLABEL);
	chat_extra_text(&extra, "countryiso", s, C_COUNTRYISO);
	chat_extra_text(&extra, "geocoded_location", s, C_GEOCODED);
	chat_extra_text(&extra, "normalized_number", s, C_NORMALIZED);
	chat_extra_text(&extra, "formatted_number", s, C_FORMATTED);
	chat_extra_text(&extra, "matched_number", s, C_MATCHED);
	chat_extra_int(&extra, "features", s, C_FEATURES);
	chat_extra_int(&extra, "presentation", s, C_PRESENTATION);
	chat_extra_text(&extra, "subscription_id", s, C_ACCOUNT_ID);
	chat_extra_text(&extra, "via_number", s, C_VIA);
	chat_extra_int(&extra, "data_usage", s, C_DATA_USAGE);
	chat_extra_text(&extra, "voicemail_uri", s, C_VOICEMAIL);
	return chat_json_take(&extra);
}

static void emit_call(chat_ctx *ctx, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_call c;
	int64_t type = 0, duration = 0, features = 0, deleted = 0;
	bool has_type = chat_col_int(s, C_TYPE, &type);
	call_type t = type_of(has_type, type);
	chat_json participants;
	char *id = NULL, *extra;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	if (c.prov.has_rowid && asprintf(&id, "%lld", (long long)c.prov.rowid) < 0)
		id = NULL;
	c.call_id = id;
	c.account = chat_nonempty(chat_col_text(s, C_ACCOUNT_ADDRESS));
	c.direction = t.direction;
	c.status = t.status;
	if (chat_col_int(s, C_FEATURES, &features))
		c.media = features & FEATURES_VIDEO ? "video" : "voice";
	c.peer = chat_nonempty(chat_col_text(s, C_NUMBER));
	c.peer_name = chat_nonempty(chat_col_text(s, C_NAME));
	chat_json_array(&participants);
	chat_json_add(&participants, c.peer);
	c.participants = chat_json_take(&participants);
	c.started = chat_col_time(ctx, s, C_DATE, 1000, CHAT_EPOCH_UNIX, true);
	c.has_duration = chat_col_int(s, C_DURATION, &duration);
	c.duration = duration;
	if (c.has_duration && duration > 0)
		c.ended = chat_time_plus(c.started, duration);
	c.precision = "1ms";
	c.deleted = chat_col_int(s, C_DELETED, &deleted) ?
	            (deleted ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
	extra = call_extra(s);
	c.extra = extra;
	chat_emit_call(ctx, &c);
	free((char *)c.participants);
	free(id);
	free(extra);
}

/*
 * android_calls_extract — every call of src (live or recovered rows).
 * RETURN: the worst EXHIBIT_* code met (also in ctx).
 */
static int android_calls_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, ctx, src, "calls", columns, NULL))
		return ctx->status;
	while (chat_rows_next(&rs))
		emit_call(ctx, &rs);
	chat_rows_close(&rs);
	return ctx->status;
}

/* ---- the plugin --------------------------------------------------------- */

/* numbertype and numberlabel (the cached contact's number type) set the
 * provider's table apart from other apps' "calls" tables. */
static const char *const fingerprint[] = {
	"calls", "calls.number", "calls.date", "calls.duration", "calls.type",
	"calls.numbertype", "calls.numberlabel", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, android_calls_extract },
};

CHAT_SQLITE_PLUGIN("android-calls", "1.0",
	                   "Calls from Android's call log (contacts2.db, calllog.db), by schema",
	                   parsers)

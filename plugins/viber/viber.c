/*
 * viber.c — the "viber" plugin: Viber for Android's viber_data database
 * (calls and the phone book Viber keeps), recognised by its schema.
 *
 * What it reads:
 *   calls             one row per call: number, canonized_number, date
 *                     (start, Unix ms), duration (s), type (as Android's call
 *                     log: 1 incoming, 2 outgoing, 3 missed, 5 rejected),
 *                     viber_call_type (1 audio, 4 video), end_reason,
 *                     start_reason, conference_info, group_id.
 *   phonebookcontact  the contacts Viber copied from the phone book:
 *                     display_name, viber (a Viber user), starred,
 *                     joined_date (Unix ms), deleted.
 *   phonebookdata     their numbers (contact_id, data2 the canonized number;
 *                     mime_type 0 is a phone number).
 * The account is not kept here (viber_messages and the preferences hold
 * it), and the messages live in viber_messages, which this plugin does not
 * read yet.
 *
 * Records: chat_calls (ended is the start plus the duration), chat_contacts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Viber"
#define MAX_NUMBERS 64

/* ---- calls -------------------------------------------------------------- */

enum {
	C_CALL_ID, C_NUMBER, C_CANONIZED, C_VIBER_CALL, C_VIBER_TYPE, C_DATE,
	C_DURATION, C_TYPE, C_END_REASON, C_START_REASON, C_CONFERENCE, C_GROUP,
	C_FLAGS, C_LOOKED
};

static const char *const call_columns[] = {
	"call_id", "number", "canonized_number", "viber_call", "viber_call_type",
	"date", "duration", "type", "end_reason", "start_reason", "conference_info",
	"group_id", "flags", "looked", NULL
};

static void call_type(bool known, int64_t type, chat_call *c)
{
	switch (known ? type : 0) {
	case 1:
		c->direction = CHAT_INCOMING;
		c->status = "answered";
		break;
	case 2:
		c->direction = CHAT_OUTGOING;
		c->status = "dialled";
		break;
	case 3:
		c->direction = CHAT_INCOMING;
		c->status = "missed";
		break;
	case 5:
		c->direction = CHAT_INCOMING;
		c->status = "rejected";
		break;
	default:
		c->direction = CHAT_UNKNOWN_DIRECTION;
		c->status = NULL;
	}
}

static void emit_call(chat_ctx *ctx, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_call c;
	chat_json participants, e;
	int64_t type = 0, media = 0, duration = 0, rowid;
	bool has_type = chat_col_int(s, C_TYPE, &type);
	char id[32], *extra, *participant_list;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	if (chat_rows_rowid(rs, &rowid)) {
		snprintf(id, sizeof id, "%lld", (long long)rowid);
		c.call_id = id;
	}
	call_type(has_type, type, &c);
	if (chat_col_int(s, C_VIBER_TYPE, &media))
		c.media = media == 1 ? "voice" : media == 4 ? "video" : NULL;
	c.peer = chat_nonempty(chat_col_text(s, C_NUMBER));
	if (!c.peer)
		c.peer = chat_nonempty(chat_col_text(s, C_CANONIZED));
	chat_json_array(&participants);
	chat_json_add(&participants, c.peer);
	participant_list = chat_json_take(&participants);
	c.participants = participant_list;
	c.started = chat_col_time(ctx, s, C_DATE, 1000, CHAT_EPOCH_UNIX, true);
	c.has_duration = chat_col_int(s, C_DURATION, &duration);
	c.duration = duration;
	if (c.has_duration && duration > 0)
		c.ended = chat_time_plus(c.started, duration);
	c.precision = "1ms";
	c.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&e);
	chat_extra_int(&e, "type", s, C_TYPE);
	chat_extra_int(&e, "viber_call_type", s, C_VIBER_TYPE);
	chat_extra_int(&e, "viber_call", s, C_VIBER_CALL);
	chat_extra_int(&e, "call_id", s, C_CALL_ID);
	chat_extra_text(&e, "canonized_number", s, C_CANONIZED);
	chat_extra_int(&e, "end_reason", s, C_END_REASON);
	chat_extra_int(&e, "start_reason", s, C_START_REASON);
	chat_extra_text(&e, "conference_info", s, C_CONFERENCE);
	chat_extra_int(&e, "group_id", s, C_GROUP);
	chat_extra_int(&e, "flags", s, C_FLAGS);
	chat_extra_int(&e, "looked", s, C_LOOKED);
	extra = chat_json_take(&e);
	c.extra = extra;
	chat_emit_call(ctx, &c);
	free(participant_list);
	free(extra);
}

/* ---- the phone book ----------------------------------------------------- */

enum {
	P_NAME, P_STARRED, P_VIBER, P_JOINED, P_RECENTLY_JOINED, P_LOOKUP,
	P_DELETED, P_NUMBERS_NAME, P_NATIVE_ID
};

static const char *const contact_columns[] = {
	"display_name", "starred", "viber", "joined_date", "recently_joined_date",
	"contact_lookup_key", "deleted", "numbers_name", "native_id", NULL
};

static void emit_contact(chat_ctx *ctx, chat_rowset *rs, chat_lookup *numbers)
{
	sqlite3_stmt *s = rs->stmt;
	chat_contact c;
	chat_json phones, e;
	int64_t rowid, deleted;
	char id[32], *phone_list, *extra;
	size_t n = 0;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	chat_json_array(&phones);
	if (chat_rows_rowid(rs, &rowid)) {
		snprintf(id, sizeof id, "%lld", (long long)rowid);
		c.contact_id = id;
		if (chat_lookup_find(numbers, ctx, rowid)) {
			do
				chat_json_add_unique(&phones, chat_nonempty(chat_col_text(numbers->found, 0)));
			while (++n < MAX_NUMBERS && chat_lookup_more(numbers, ctx));
		}
	}
	phone_list = chat_json_take(&phones);
	c.phones = phone_list;
	c.name = chat_nonempty(chat_col_text(s, P_NAME));
	c.precision = "1ms";
	c.blocked = CHAT_FLAG_UNKNOWN;
	c.deleted = chat_col_int(s, P_DELETED, &deleted) ?
	            (deleted ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
	chat_json_object(&e);
	chat_extra_int(&e, "viber", s, P_VIBER);
	chat_extra_int(&e, "starred", s, P_STARRED);
	chat_extra_int(&e, "joined_date", s, P_JOINED);
	chat_extra_int(&e, "recently_joined_date", s, P_RECENTLY_JOINED);
	chat_extra_text(&e, "contact_lookup_key", s, P_LOOKUP);
	chat_extra_text(&e, "numbers_name", s, P_NUMBERS_NAME);
	chat_extra_int(&e, "native_id", s, P_NATIVE_ID);
	extra = chat_json_take(&e);
	c.extra = extra;
	chat_emit_contact(ctx, &c);
	free(phone_list);
	free(extra);
}

/*
 * viber_data_extract — every call and phone-book contact of src.
 * RETURN: the worst EXHIBIT_* code met (also in ctx).
 */
static int viber_data_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	chat_lookup numbers;

	if (chat_rows_open(&rs, ctx, src, "calls", call_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_call(ctx, &rs);
		chat_rows_close(&rs);
	}
	chat_lookup_open(&numbers, ctx, src,
	                 chat_has_column(src->lookup, "phonebookdata", "mime_type") ?
	                 "SELECT coalesce(nullif(data2, ''), data1) FROM phonebookdata "
	                 "WHERE contact_id = ?1 AND mime_type = 0 ORDER BY _id" :
	                 "SELECT coalesce(nullif(data2, ''), data1) FROM phonebookdata "
	                 "WHERE contact_id = ?1 ORDER BY _id");
	if (chat_rows_open(&rs, ctx, src, "phonebookcontact", contact_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_contact(ctx, &rs, &numbers);
		chat_rows_close(&rs);
	}
	chat_lookup_close(&numbers);
	return ctx->status;
}

/* ---- the plugin --------------------------------------------------------- */

/* viber_call_type and canonized_number set Viber's calls apart from the
 * Android call log's. */
static const char *const fingerprint[] = {
	"calls", "calls.number", "calls.canonized_number", "calls.viber_call_type",
	"calls.date", "calls.duration", "calls.type", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, viber_data_extract },
};

CHAT_SQLITE_PLUGIN("viber", "1.0",
	                   "Viber for Android: calls and phone book (viber_data), by schema",
	                   parsers)

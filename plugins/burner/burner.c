/*
 * burner.c — the "burner" plugin: the Burner app for Android (disposable
 * second phone numbers), recognised by its schema.
 *
 * What it reads:
 *   burners    one row per number the owner rented: burner_id,
 *              phone_number_id (the number itself), name, alias, user_id,
 *              features (JSON), minutes and texts left, date_created,
 *              expiration_date, last_updated_date (Unix ms).  Each is an
 *              account: an identity the owner used.
 *   messages   texts and calls of every burner: message_id, burner_id,
 *              contact_phone_number (the other party), message,
 *              message_type (1 a call, 2 a text or picture), direction
 *              (1 received, 2 sent), date_created (Unix ms), duration (s,
 *              calls), voice_url and asset_url (media kept by the service),
 *              read, state, send_status.
 *   contacts   the owner's contacts: contact_id, name, phone_number,
 *              burner_id, date_created, blocked, muted, notes.
 * A conversation is the exchange of one burner with one number.
 *
 * Records: chat_accounts (burners), chat_messages (texts; key
 * "messages:<_id>") with chat_attachments for their media, chat_calls
 * (calls), chat_contacts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Burner"

/* ---- burners ------------------------------------------------------------ */

enum {
	B_ID, B_NUMBER, B_VOICEMAIL, B_USER, B_NAME, B_ALIAS, B_FEATURES,
	B_TOTAL_MINUTES, B_MINUTES, B_TOTAL_TEXTS, B_TEXTS, B_EXPIRES, B_CREATED,
	B_UPDATED, B_RENEWAL, B_DISABLED, B_AUTO_REPLY
};

static const char *const burner_columns[] = {
	"burner_id", "phone_number_id", "voicemail_url", "user_id", "name", "alias",
	"features", "total_minutes", "remaining_minutes", "total_texts",
	"remaining_texts", "expiration_date", "date_created", "last_updated_date",
	"renewal_date", "disabled", "auto_reply_text", NULL
};

static void emit_burner(chat_ctx *ctx, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_account a;
	chat_json e;
	char *extra;

	memset(&a, 0, sizeof a);
	chat_rows_provenance(rs, &a.prov);
	a.account_id = chat_nonempty(chat_col_text(s, B_NUMBER));
	a.phone = a.account_id;
	a.name = chat_nonempty(chat_col_text(s, B_NAME));
	a.created = chat_col_time(ctx, s, B_CREATED, 1000, CHAT_EPOCH_UNIX, true);
	a.precision = "1ms";
	chat_json_object(&e);
	chat_extra_text(&e, "burner_id", s, B_ID);
	chat_extra_text(&e, "user_id", s, B_USER);
	chat_extra_text(&e, "alias", s, B_ALIAS);
	chat_extra_text(&e, "features", s, B_FEATURES);
	chat_extra_text(&e, "voicemail_url", s, B_VOICEMAIL);
	chat_extra_int(&e, "total_minutes", s, B_TOTAL_MINUTES);
	chat_extra_int(&e, "remaining_minutes", s, B_MINUTES);
	chat_extra_int(&e, "total_texts", s, B_TOTAL_TEXTS);
	chat_extra_int(&e, "remaining_texts", s, B_TEXTS);
	chat_extra_int(&e, "expiration_date", s, B_EXPIRES);
	chat_extra_int(&e, "last_updated_date", s, B_UPDATED);
	chat_extra_int(&e, "renewal_date", s, B_RENEWAL);
	chat_extra_int(&e, "disabled", s, B_DISABLED);
	chat_extra_text(&e, "auto_reply_text", s, B_AUTO_REPLY);
	extra = chat_json_take(&e);
	a.extra = extra;
	chat_emit_account(ctx, &a);
	free(extra);
}

/* ---- messages and calls ------------------------------------------------- */

enum {
	M_ID, M_STATE, M_TEXT, M_PEER, M_CONNECTED, M_TYPE, M_PEER_BURNER,
	M_VOICE, M_CREATED, M_UPDATED, M_READ, M_USER, M_SID, M_BURNER,
	M_DURATION, M_DIRECTION, M_ASSET, M_SEND_STATUS
};

static const char *const message_columns[] = {
	"message_id", "state", "message", "contact_phone_number", "connected",
	"message_type", "contact_burner_id", "voice_url", "date_created",
	"last_updated_date", "read", "user_id", "sid", "burner_id", "duration",
	"direction", "asset_url", "send_status", NULL
};

static char *message_extra(sqlite3_stmt *s)
{
	chat_json e;

	chat_json_object(&e);
	chat_extra_text(&e, "message_id", s, M_ID);
	chat_extra_int(&e, "message_type", s, M_TYPE);
	chat_extra_int(&e, "direction", s, M_DIRECTION);
	chat_extra_int(&e, "state", s, M_STATE);
	chat_extra_int(&e, "read", s, M_READ);
	chat_extra_int(&e, "send_status", s, M_SEND_STATUS);
	chat_extra_int(&e, "connected", s, M_CONNECTED);
	chat_extra_text(&e, "burner_id", s, M_BURNER);
	chat_extra_text(&e, "contact_burner_id", s, M_PEER_BURNER);
	chat_extra_text(&e, "user_id", s, M_USER);
	chat_extra_text(&e, "sid", s, M_SID);
	chat_extra_int(&e, "last_updated_date", s, M_UPDATED);
	return chat_json_take(&e);
}

static chat_direction direction_of(sqlite3_stmt *s)
{
	int64_t d;

	if (!chat_col_int(s, M_DIRECTION, &d))
		return CHAT_UNKNOWN_DIRECTION;
	return d == 1 ? CHAT_INCOMING : d == 2 ? CHAT_OUTGOING : CHAT_UNKNOWN_DIRECTION;
}

/* A media URL as an attachment: its last path component is its name. */
static void emit_url(chat_ctx *ctx, const char *url, const char *key,
                     const char *kind, const chat_provenance *prov)
{
	chat_attachment a;
	chat_json e;
	char *extra;
	const char *slash;

	if (!chat_nonempty(url))
		return;
	memset(&a, 0, sizeof a);
	a.message_key = key;
	a.url = url;
	slash = strrchr(url, '/');
	a.name = slash && slash[1] ? slash + 1 : NULL;
	chat_json_object(&e);
	chat_json_text(&e, "kind", kind);
	extra = chat_json_take(&e);
	a.extra = extra;
	a.prov = *prov;
	chat_emit_attachment(ctx, &a);
	free(extra);
}

static void emit_text(chat_ctx *ctx, chat_rowset *rs, const char *account)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json recipients, participants;
	const char *peer = chat_nonempty(chat_col_text(s, M_PEER));
	char *key = NULL, *extra, *body, *participant_list, *recipient_list;
	int64_t id;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	m.account = account;
	m.direction = direction_of(s);
	m.thread_id = peer;
	m.thread_title = peer;
	chat_json_array(&participants);
	chat_json_add(&participants, account);
	chat_json_add_unique(&participants, peer);
	participant_list = chat_json_take(&participants);
	m.participants = participant_list;
	chat_json_array(&recipients);
	if (m.direction == CHAT_OUTGOING) {
		m.sender = account;
		chat_json_add(&recipients, peer);
	} else if (m.direction == CHAT_INCOMING) {
		m.sender = peer;
		chat_json_add(&recipients, account);
	}
	recipient_list = chat_json_take(&recipients);
	m.recipients = recipient_list;
	m.sent = chat_col_time(ctx, s, M_CREATED, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	body = chat_col_dup(s, M_TEXT);
	if (body && !*body) {
		free(body);
		body = NULL;
	}
	m.body = body;
	m.kind = chat_nonempty(chat_col_text(s, M_ASSET)) ||
	         chat_nonempty(chat_col_text(s, M_VOICE)) ? CHAT_MEDIA : CHAT_TEXT;
	m.status = chat_col_int_or(s, M_READ, 0) ? "read" : NULL;
	/* a recovered row whose rowid was lost is a message all the same:
	 * "messages:-1" (see chat.h) */
	if (!chat_rows_rowid(rs, &id))
		id = -1;
	key = chat_key("messages", id);
	m.key = key;
	m.forwarded = m.deleted = m.edited = CHAT_FLAG_UNKNOWN;
	extra = message_extra(s);
	m.extra = extra;
	if (key) {
		chat_emit_message(ctx, &m);
		emit_url(ctx, chat_col_text(s, M_ASSET), key, "picture", &m.prov);
		emit_url(ctx, chat_col_text(s, M_VOICE), key, "voice", &m.prov);
	}
	free(participant_list);
	free(recipient_list);
	free(body);
	free(key);
	free(extra);
}

static void emit_call(chat_ctx *ctx, chat_rowset *rs, const char *account)
{
	sqlite3_stmt *s = rs->stmt;
	chat_call c;
	chat_json participants;
	char id[32], *extra, *participant_list;
	int64_t rowid, duration = 0;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	if (chat_rows_rowid(rs, &rowid)) {
		snprintf(id, sizeof id, "%lld", (long long)rowid);
		c.call_id = id;
	}
	c.account = account;
	c.direction = direction_of(s);
	c.peer = chat_nonempty(chat_col_text(s, M_PEER));
	c.thread_id = c.peer;
	chat_json_array(&participants);
	chat_json_add(&participants, account);
	chat_json_add_unique(&participants, c.peer);
	participant_list = chat_json_take(&participants);
	c.participants = participant_list;
	c.media = "voice";
	c.started = chat_col_time(ctx, s, M_CREATED, 1000, CHAT_EPOCH_UNIX, true);
	c.has_duration = chat_col_int(s, M_DURATION, &duration);
	c.duration = duration;
	if (c.has_duration && duration > 0)
		c.ended = chat_time_plus(c.started, duration);
	c.status = c.has_duration && duration > 0 ? "answered" : NULL;
	c.precision = "1ms";
	c.deleted = CHAT_FLAG_UNKNOWN;
	extra = message_extra(s);
	c.extra = extra;
	chat_emit_call(ctx, &c);
	free(participant_list);
	free(extra);
}

/* ---- contacts ----------------------------------------------------------- */

enum {
	K_ID, K_NAME, K_PHONE, K_BURNER, K_CREATED, K_UPDATED, K_BLOCKED, K_MUTED,
	K_NOTES, K_IMAGES
};

static const char *const contact_columns[] = {
	"contact_id", "name", "phone_number", "burner_id", "date_created",
	"last_updated_date", "blocked", "muted", "notes", "images", NULL
};

static void emit_contact(chat_ctx *ctx, chat_rowset *rs, chat_lookup *number)
{
	sqlite3_stmt *s = rs->stmt;
	chat_contact c;
	chat_json phones, e;
	char *phone_list, *extra, *account = NULL;
	int64_t blocked;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	if (chat_lookup_find_text(number, ctx, chat_col_text(s, K_BURNER)))
		account = chat_nonempty(chat_col_text(number->found, 0)) ?
		          strdup(chat_col_text(number->found, 0)) : NULL;
	c.account = account;
	c.contact_id = chat_col_text(s, K_ID);
	c.name = chat_nonempty(chat_col_text(s, K_NAME));
	chat_json_array(&phones);
	chat_json_add(&phones, chat_nonempty(chat_col_text(s, K_PHONE)));
	phone_list = chat_json_take(&phones);
	c.phones = phone_list;
	c.created = chat_col_time(ctx, s, K_CREATED, 1000, CHAT_EPOCH_UNIX, true);
	c.precision = "1ms";
	c.blocked = chat_col_int(s, K_BLOCKED, &blocked) ?
	            (blocked ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
	c.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&e);
	chat_extra_text(&e, "burner_id", s, K_BURNER);
	chat_extra_int(&e, "muted", s, K_MUTED);
	chat_extra_text(&e, "notes", s, K_NOTES);
	chat_extra_text(&e, "images", s, K_IMAGES);
	chat_extra_int(&e, "last_updated_date", s, K_UPDATED);
	extra = chat_json_take(&e);
	c.extra = extra;
	chat_emit_contact(ctx, &c);
	free(phone_list);
	free(extra);
	free(account);
}

/* ---- the extraction ----------------------------------------------------- */

/*
 * burner_extract — every burner, message, call and contact of src.
 * RETURN: the worst EXHIBIT_* code met (also in ctx).
 */
static int burner_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	chat_lookup number;

	chat_lookup_open(&number, ctx, src,
	                 "SELECT phone_number_id FROM burners WHERE burner_id = ?1");
	if (chat_rows_open(&rs, ctx, src, "burners", burner_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_burner(ctx, &rs);
		chat_rows_close(&rs);
	}
	if (chat_rows_open(&rs, ctx, src, "messages", message_columns, NULL)) {
		while (chat_rows_next(&rs)) {
			char *account = NULL;

			if (chat_lookup_find_text(&number, ctx, chat_col_text(rs.stmt, M_BURNER)) &&
			    chat_nonempty(chat_col_text(number.found, 0)))
				account = strdup(chat_col_text(number.found, 0));
			if (chat_col_int_or(rs.stmt, M_TYPE, 0) == 1)
				emit_call(ctx, &rs, account);
			else
				emit_text(ctx, &rs, account);
			free(account);
		}
		chat_rows_close(&rs);
	}
	if (chat_rows_open(&rs, ctx, src, "contacts", contact_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_contact(ctx, &rs, &number);
		chat_rows_close(&rs);
	}
	chat_lookup_close(&number);
	return ctx->status;
}

/* ---- the plugin --------------------------------------------------------- */

static const char *const fingerprint[] = {
	"burners", "messages", "burners.burner_id", "burners.phone_number_id",
	"messages.contact_phone_number", "messages.burner_id", "messages.direction",
	NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, burner_extract },
};

CHAT_SQLITE_PLUGIN("burner", "1.0",
	                   "Burner for Android: burner numbers, texts, calls and contacts, by schema",
	                   parsers)

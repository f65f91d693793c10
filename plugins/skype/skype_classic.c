/*
 * skype_classic.c — Skype classic's main.db (Skype 3 to 7 on desktops,
 * the Android and iOS clients of the time).
 *
 * What it reads (the SkypeKit object model the database mirrors):
 *   Accounts       the owner: skypename, fullname, emails, phones;
 *                  registration_timestamp counts minutes since 1970.
 *   Messages       author, from_dispname, dialog_partner, timestamp (Unix
 *                  seconds; timestamp__ms in later versions), body_xml,
 *                  type (61 text, 60 emote, 64 SMS, 63 contacts, 67 voice
 *                  message, 68 files, 201 media; 30/39 call start/end;
 *                  2, 4, 10-13, 21, 50-53, 65, 69, 110 are events),
 *                  chatmsg_status (1 sending, 2 sent, 3 received, 4 read),
 *                  sending_status (3 failed), edited_timestamp and edited_by
 *                  (an edited message with an empty body was removed).
 *                  convo_id names the conversation, chatname the chat.
 *   Conversations, Participants, Chats   the conversation's identity,
 *                  name and members (a chat's participants are
 *                  space-separated).
 *   Transfers      files: type 1 incoming, 2 outgoing; status 0 new,
 *                  1 connecting, 2 waiting for accept, 3/4 transferring,
 *                  5/6 paused, 7 cancelled, 8 completed, 9 failed,
 *                  10 placeholder, 11 offer from another instance,
 *                  12 cancelled by remote; chatmsg_guid links the message
 *                  that carries it; parent_id names the offer (pk_id) a
 *                  per-recipient transfer belongs to.
 *   SMSes          SMS sent through Skype: type 1 incoming, 2 outgoing.
 *   Calls, CallMembers   calls and their members (call_duration, seconds).
 *   Contacts       the contact list.
 * The direction of a message is whether its author is the account.
 *
 * Records: chat_messages (keys "Messages:<id>", "SMSes:<id>", and
 * "Transfers:<id>" for a transfer no message carries), chat_attachments
 * (transfers, and media a message describes itself), chat_calls,
 * chat_contacts, chat_accounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "skype.h"

#define MAX_PARTICIPANTS 512

const char *const skype_classic_fingerprint[] = {
	"Messages", "Conversations", "Accounts", "Messages.body_xml",
	"Messages.convo_id", "Messages.author", "Messages.timestamp",
	"Accounts.skypename", NULL
};

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	char *account;
	chat_lookup convo;        /* Conversations by id */
	chat_lookup members;      /* Participants of a conversation */
	chat_lookup chat_by_name; /* Chats by name */
	chat_lookup chat_by_conv; /* Chats by conv_dbid */
	chat_lookup transfer_of;  /* does a transfer carry this message guid */
	chat_lookup message_of;   /* the message with this guid */
	chat_lookup child;        /* a transfer's per-recipient child */
	chat_lookup call_members; /* CallMembers of a call */
} pass;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *int_text(int64_t v)
{
	char *s;

	return asprintf(&s, "%lld", (long long)v) < 0 ? NULL : s;
}

/* Seconds, or milliseconds when the ms column agrees with them. */
static chat_time skype_time(chat_ctx *ctx, sqlite3_stmt *s, int sec, int ms,
                            const char **precision)
{
	int64_t seconds, millis;

	*precision = "1s";
	if (ms >= 0 && chat_col_int(s, ms, &millis) && chat_col_int(s, sec, &seconds) &&
	    millis / 1000 == seconds && millis != 0) {
		*precision = "1ms";
		return chat_time_from(ctx, millis, 1000, CHAT_EPOCH_UNIX, true);
	}
	return chat_col_time(ctx, s, sec, 1, CHAT_EPOCH_UNIX, true);
}

/* ---- conversations ------------------------------------------------------ */

/* Names in a small list, kept in the order first seen. */
typedef struct name_list {
	char **items;
	size_t n;
} name_list;

static void names_add(name_list *l, const char *name)
{
	char **grown;
	size_t i;

	if (!name || !*name || l->n >= MAX_PARTICIPANTS)
		return;
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], name))
			return;
	grown = realloc(l->items, (l->n + 1) * sizeof *grown);
	if (!grown)
		return;
	l->items = grown;
	l->items[l->n] = strdup(name);
	if (l->items[l->n])
		l->n++;
}

/* Space-separated names, as Chats.participants and emails keep them. */
static void names_add_spaced(name_list *l, const char *text)
{
	const char *s = text;

	while (s && *s && l->n < MAX_PARTICIPANTS) {
		size_t len = strcspn(s, " ");

		if (len) {
			char *name = strndup(s, len);

			names_add(l, name);
			free(name);
		}
		s += len;
		s += strspn(s, " ");
	}
}

static void names_free(name_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* The list as a JSON array, leaving out one name (may be NULL). */
static char *names_json(const name_list *l, const char *except)
{
	chat_json list;
	size_t i;

	chat_json_array(&list);
	for (i = 0; i < l->n; i++)
		if (!chat_same(l->items[i], except))
			chat_json_add(&list, l->items[i]);
	return chat_json_take(&list);
}

/* Space-separated names into a JSON array. */
static void add_names(chat_json *list, const char *text)
{
	name_list l = { NULL, 0 };
	size_t i;

	names_add_spaced(&l, text);
	for (i = 0; i < l.n; i++)
		chat_json_add(list, l.items[i]);
	names_free(&l);
}

typedef struct thread {
	char *id, *title;
	name_list members;
} thread;

static void thread_free(thread *t)
{
	free(t->id);
	free(t->title);
	names_free(&t->members);
	memset(t, 0, sizeof *t);
}

static void chat_details(chat_lookup *l, thread *t)
{
	if (!t->title)
		t->title = dup_or_null(chat_nonempty(chat_col_text(l->found, 0)));
	if (!t->members.n)
		names_add_spaced(&t->members, chat_col_text(l->found, 1));
}

/* The conversation of a message: Conversations.identity (else the chat
 * name), its name, and its members (Participants, else the chat's). */
static void load_thread(pass *p, sqlite3_stmt *s, int convo_col, int chatname_col,
                        thread *t)
{
	int64_t convo_id;
	const char *chatname = chat_nonempty(chat_col_text(s, chatname_col));
	bool has_convo = chat_col_int(s, convo_col, &convo_id);
	size_t n = 0;

	memset(t, 0, sizeof *t);
	if (has_convo && chat_lookup_find(&p->convo, p->ctx, convo_id)) {
		t->id = dup_or_null(chat_nonempty(chat_col_text(p->convo.found, 0)));
		t->title = dup_or_null(chat_nonempty(chat_col_text(p->convo.found, 1)));
		if (!t->title)
			t->title = dup_or_null(chat_nonempty(chat_col_text(p->convo.found, 2)));
	}
	if (has_convo && chat_lookup_find(&p->members, p->ctx, convo_id)) {
		do
			names_add(&t->members, chat_col_text(p->members.found, 0));
		while (++n < MAX_PARTICIPANTS && chat_lookup_more(&p->members, p->ctx));
	}
	if (chatname && chat_lookup_find_text(&p->chat_by_name, p->ctx, chatname))
		chat_details(&p->chat_by_name, t);
	else if (has_convo && chat_lookup_find(&p->chat_by_conv, p->ctx, convo_id))
		chat_details(&p->chat_by_conv, t);
	if (!t->id)
		t->id = dup_or_null(chatname);
}

/* Everyone in the conversation but the author; else the dialog partner. */
static char *recipients_of(const thread *t, const char *author, const char *partner)
{
	char *list = names_json(&t->members, author);
	chat_json one;

	if (list || !partner || !*partner || chat_same(partner, author))
		return list;
	chat_json_array(&one);
	chat_json_add(&one, partner);
	return chat_json_take(&one);
}

/* ---- messages ----------------------------------------------------------- */

enum {
	M_CONVO, M_CHATNAME, M_AUTHOR, M_DISPNAME, M_PARTNER, M_TIMESTAMP,
	M_TIMESTAMP_MS, M_TYPE, M_CHATMSG_TYPE, M_CHATMSG_STATUS,
	M_SENDING_STATUS, M_EDITED_BY, M_EDITED, M_BODY, M_IDENTITIES,
	M_REASON, M_REMOTE_ID, M_GUID, M_CONSUMPTION, M_LEAVEREASON
};

static const char *const message_columns[] = {
	"convo_id", "chatname", "author", "from_dispname", "dialog_partner",
	"timestamp", "timestamp__ms", "type", "chatmsg_type", "chatmsg_status",
	"sending_status", "edited_by", "edited_timestamp", "body_xml",
	"identities", "reason", "remote_id", "guid", "consumption_status",
	"leavereason", NULL
};

static chat_kind kind_of(int64_t type)
{
	switch (type) {
	case 60: case 61: case 63: case 64:
		return CHAT_TEXT;
	case 67: case 68: case 201: case 253:
		return CHAT_MEDIA;
	case 30: case 39:
		return CHAT_CALL;
	default:
		return CHAT_SYSTEM;
	}
}

/* sending_status (1 sending, 2 sent, 3 failed) for what the account
 * sent; chatmsg_status (3 received, 4 read; 1 and 2 as sending) else. */
static const char *status_of(sqlite3_stmt *s)
{
	static const char *const sending[] = { NULL, "sending", "sent", "failed" };
	static const char *const chatmsg[] = { NULL, "sending", "sent", "received", "read" };
	int64_t v;

	if (chat_col_int(s, M_SENDING_STATUS, &v) && v >= 1 && v <= 3)
		return sending[v];
	if (chat_col_int(s, M_CHATMSG_STATUS, &v) && v >= 1 && v <= 4)
		return chatmsg[v];
	return NULL;
}

static chat_direction direction_of(pass *p, sqlite3_stmt *s)
{
	const char *author = chat_col_text(s, M_AUTHOR);
	int64_t status;

	if (p->account && author)
		return chat_same(author, p->account) ? CHAT_OUTGOING : CHAT_INCOMING;
	if (chat_col_int(s, M_CHATMSG_STATUS, &status)) {
		if (status == 1 || status == 2)
			return CHAT_OUTGOING;
		if (status == 3 || status == 4)
			return CHAT_INCOMING;
	}
	return CHAT_UNKNOWN_DIRECTION;
}

static char *message_extra(sqlite3_stmt *s)
{
	chat_json extra;

	chat_json_object(&extra);
	chat_extra_int(&extra, "type", s, M_TYPE);
	chat_extra_int(&extra, "chatmsg_type", s, M_CHATMSG_TYPE);
	chat_extra_int(&extra, "chatmsg_status", s, M_CHATMSG_STATUS);
	chat_extra_int(&extra, "sending_status", s, M_SENDING_STATUS);
	chat_extra_int(&extra, "consumption_status", s, M_CONSUMPTION);
	chat_extra_text(&extra, "chatname", s, M_CHATNAME);
	chat_extra_text(&extra, "dialog_partner", s, M_PARTNER);
	chat_extra_text(&extra, "edited_by", s, M_EDITED_BY);
	chat_extra_int(&extra, "edited_timestamp", s, M_EDITED);
	chat_extra_text(&extra, "identities", s, M_IDENTITIES);
	chat_extra_text(&extra, "reason", s, M_REASON);
	chat_extra_int(&extra, "remote_id", s, M_REMOTE_ID);
	chat_extra_int(&extra, "leavereason", s, M_LEAVEREASON);
	return chat_json_take(&extra);
}

/* A media message that names its file itself (URIObject) and no
 * transfer carries. */
static void emit_described_media(pass *p, sqlite3_stmt *s, const char *body,
                                 const char *key, const chat_provenance *prov)
{
	chat_attachment a;
	char *name, *size, *uri, *type;

	if (!body || !strstr(body, "<URIObject") ||
	    chat_lookup_find_value(&p->transfer_of, p->ctx, sqlite3_column_value(s, M_GUID)))
		return;
	memset(&a, 0, sizeof a);
	name = skype_attribute(body, "OriginalName", "v");
	size = skype_attribute(body, "FileSize", "v");
	uri = skype_attribute(body, "URIObject", "uri");
	type = skype_attribute(body, "URIObject", "type");
	a.message_key = key;
	a.name = name;
	if (size) {
		char *end;

		a.size = strtoll(size, &end, 10);
		a.has_size = end != size && !*end && a.size >= 0;
	}
	a.url = uri;
	{
		chat_json extra;
		char *extra_text;

		chat_json_object(&extra);
		chat_json_text(&extra, "type", type);
		extra_text = chat_json_take(&extra);
		a.extra = extra_text;
		a.prov = *prov;
		chat_emit_attachment(p->ctx, &a);
		free(extra_text);
	}
	free(name);
	free(size);
	free(uri);
	free(type);
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	thread t;
	int64_t type = 0, edited = 0;
	bool has_type = chat_col_int(s, M_TYPE, &type);
	const char *raw_body = chat_col_text(s, M_BODY);
	char *body, *key, *extra, *recipients, *participants;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	load_thread(p, s, M_CONVO, M_CHATNAME, &t);
	participants = names_json(&t.members, NULL);
	m.account = p->account;
	m.thread_id = t.id;
	m.thread_title = t.title;
	m.participants = participants;
	m.sender = chat_col_text(s, M_AUTHOR);
	m.sender_name = chat_col_text(s, M_DISPNAME);
	recipients = recipients_of(&t, m.sender, chat_col_text(s, M_PARTNER));
	m.recipients = recipients;
	m.direction = direction_of(p, s);
	m.sent = skype_time(p->ctx, s, M_TIMESTAMP, M_TIMESTAMP_MS, &m.precision);
	body = skype_body_text(raw_body);
	m.body = body;
	m.kind = has_type ? kind_of(type) : CHAT_TEXT;
	m.service = has_type && type == 64 ? "SMS" : NULL;
	m.status = status_of(s);
	key = chat_key("Messages", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	m.forwarded = CHAT_FLAG_UNKNOWN;
	/* Skype marks an edit with edited_timestamp; a removal empties the
	 * body as well. */
	if (chat_col_int(s, M_EDITED, &edited) && edited != 0) {
		bool removed = !raw_body || !*raw_body;

		m.edited = removed ? CHAT_FLAG_NO : CHAT_FLAG_YES;
		m.deleted = removed ? CHAT_FLAG_YES : CHAT_FLAG_NO;
	} else {
		m.edited = m.deleted = CHAT_FLAG_NO;
	}
	extra = message_extra(s);
	m.extra = extra;
	if (key) {
		chat_emit_message(p->ctx, &m);
		emit_described_media(p, s, raw_body, key, &m.prov);
	} else {
		p->ctx->out_of_memory = true;
	}
	free(recipients);
	free(participants);
	free(body);
	free(key);
	free(extra);
	thread_free(&t);
}

static void read_messages(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "Messages", message_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_message(p, &rs);
	chat_rows_close(&rs);
}

/* ---- transfers ---------------------------------------------------------- */

enum {
	T_TYPE, T_PARTNER, T_PARTNER_NAME, T_STATUS, T_FAILURE, T_START, T_FINISH,
	T_ACCEPT, T_PATH, T_NAME, T_SIZE, T_BYTES, T_GUID, T_CONVO, T_PK, T_PARENT,
	T_OFFER_LIST
};

static const char *const transfer_columns[] = {
	"type", "partner_handle", "partner_dispname", "status", "failurereason",
	"starttime", "finishtime", "accepttime", "filepath", "filename",
	"filesize", "bytestransferred", "chatmsg_guid", "convo_id", "pk_id",
	"parent_id", "offer_send_list", NULL
};

static const char *transfer_status(int64_t status)
{
	static const char *const names[] = {
		"new", "connecting", "waiting for accept", "transferring",
		"transferring over relay", "paused", "remotely paused", "cancelled",
		"completed", "failed", "placeholder", "offer from other instance",
		"cancelled by remote"
	};

	return status >= 0 && status <= 12 ? names[status] : NULL;
}

static char *transfer_extra(pass *p, sqlite3_stmt *s)
{
	chat_json extra;
	chat_time t;
	int64_t status;

	chat_json_object(&extra);
	chat_extra_int(&extra, "type", s, T_TYPE);
	chat_extra_int(&extra, "status", s, T_STATUS);
	if (chat_col_int(s, T_STATUS, &status))
		chat_json_text(&extra, "status_name", transfer_status(status));
	chat_extra_int(&extra, "failurereason", s, T_FAILURE);
	chat_extra_int(&extra, "bytestransferred", s, T_BYTES);
	chat_extra_text(&extra, "partner_handle", s, T_PARTNER);
	chat_extra_text(&extra, "partner_dispname", s, T_PARTNER_NAME);
	chat_extra_text(&extra, "offer_send_list", s, T_OFFER_LIST);
	t = chat_col_time(p->ctx, s, T_ACCEPT, 1, CHAT_EPOCH_UNIX, true);
	if (t.set)
		chat_json_int(&extra, "accepttime", t.sec);
	t = chat_col_time(p->ctx, s, T_FINISH, 1, CHAT_EPOCH_UNIX, true);
	if (t.set)
		chat_json_int(&extra, "finishtime", t.sec);
	chat_extra_int(&extra, "pk_id", s, T_PK);
	chat_extra_int(&extra, "parent_id", s, T_PARENT);
	return chat_json_take(&extra);
}

static void emit_transfer_file(pass *p, chat_rowset *rs, const char *key,
                               const char *extra)
{
	sqlite3_stmt *s = rs->stmt;
	chat_attachment a;
	char *name = chat_col_dup(s, T_NAME), *path = chat_col_dup(s, T_PATH);

	memset(&a, 0, sizeof a);
	chat_rows_provenance(rs, &a.prov);
	a.message_key = key;
	a.name = name;
	a.path = path;
	a.has_size = chat_col_int(s, T_SIZE, &a.size);
	a.extra = extra;
	chat_emit_attachment(p->ctx, &a);
	free(name);
	free(path);
}

/* The other party of an outgoing transfer: its partner, unless that is
 * the account itself (the offer), then the partner of a per-recipient
 * transfer made from it. */
static const char *outgoing_partner(pass *p, sqlite3_stmt *s, char **owned)
{
	const char *partner = chat_nonempty(chat_col_text(s, T_PARTNER));

	*owned = NULL;
	if (partner && !chat_same(partner, p->account))
		return partner;
	if (chat_lookup_find_value(&p->child, p->ctx, sqlite3_column_value(s, T_PK)))
		*owned = dup_or_null(chat_nonempty(chat_col_text(p->child.found, 0)));
	return *owned;
}

/* A transfer no message carries is a message of its own. */
static void emit_transfer_message(pass *p, chat_rowset *rs, const char *key,
                                  const char *extra)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json recipients;
	int64_t type = 0, status;
	char *partner = NULL, *thread_id = NULL, *name;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	m.account = p->account;
	chat_json_array(&recipients);
	if (chat_col_int(s, T_TYPE, &type) && type == 2) {
		m.direction = CHAT_OUTGOING;
		m.sender = p->account;
		chat_json_add(&recipients, outgoing_partner(p, s, &partner));
	} else if (type == 1) {
		m.direction = CHAT_INCOMING;
		m.sender = chat_nonempty(chat_col_text(s, T_PARTNER));
		m.sender_name = chat_col_text(s, T_PARTNER_NAME);
		chat_json_add(&recipients, p->account);
	}
	m.recipients = chat_json_take(&recipients);
	{
		int64_t convo;

		if (chat_col_int(s, T_CONVO, &convo) &&
		    chat_lookup_find(&p->convo, p->ctx, convo))
			thread_id = dup_or_null(chat_nonempty(chat_col_text(p->convo.found, 0)));
	}
	m.thread_id = thread_id;
	m.sent = chat_col_time(p->ctx, s, T_START, 1, CHAT_EPOCH_UNIX, true);
	m.precision = "1s";
	name = chat_col_dup(s, T_NAME);
	m.body = name;
	m.kind = CHAT_MEDIA;
	m.status = chat_col_int(s, T_STATUS, &status) ? transfer_status(status) : NULL;
	m.key = key;
	m.forwarded = m.deleted = m.edited = CHAT_FLAG_UNKNOWN;
	m.extra = extra;
	chat_emit_message(p->ctx, &m);
	free((char *)m.recipients);
	free(partner);
	free(thread_id);
	free(name);
}

static void read_transfers(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "Transfers", transfer_columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		sqlite3_stmt *s = rs.stmt;
		char *extra = transfer_extra(p, s), *key;
		int64_t message_id, id;

		if (chat_lookup_find_value(&p->message_of, p->ctx, sqlite3_column_value(s, T_GUID)) &&
		    chat_col_int(p->message_of.found, 0, &message_id)) {
			key = chat_key("Messages", message_id);
			emit_transfer_file(p, &rs, key, extra);
		} else {
			key = chat_key("Transfers", chat_rows_rowid(&rs, &id) ? id : -1);
			emit_transfer_message(p, &rs, key, extra);
			emit_transfer_file(p, &rs, key, extra);
		}
		free(key);
		free(extra);
	}
	chat_rows_close(&rs);
}

/* ---- SMS ---------------------------------------------------------------- */

enum {
	S_TYPE, S_STATUS, S_FAILURE, S_TIMESTAMP, S_PRICE, S_PRICE_PRECISION,
	S_CURRENCY, S_REPLY_TO, S_TARGETS, S_BODY, S_CHATMSG, S_IDENTITY,
	S_CONVO_NAME
};

static const char *const sms_columns[] = {
	"type", "status", "failurereason", "timestamp", "price", "price_precision",
	"price_currency", "reply_to_number", "target_numbers", "body",
	"chatmsg_id", "identity", "convo_name", NULL
};

static const char *sms_status(int64_t status)
{
	static const char *const names[] = {
		NULL, "received", "read", "composing", "sending", "sent", "delivered",
		"some targets failed", "failed"
	};

	return status >= 1 && status <= 8 ? names[status] : NULL;
}

static void emit_sms(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json recipients, extra;
	int64_t type = 0, status;
	char *key, *extra_text, *body;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	m.service = "SMS";
	m.account = p->account;
	chat_json_array(&recipients);
	if (chat_col_int(s, S_TYPE, &type) && type == 2) {
		m.direction = CHAT_OUTGOING;
		m.sender = p->account;
		add_names(&recipients, chat_col_text(s, S_TARGETS));
	} else if (type == 1) {
		m.direction = CHAT_INCOMING;
		m.sender = chat_nonempty(chat_col_text(s, S_REPLY_TO));
		chat_json_add(&recipients, p->account);
	}
	m.recipients = chat_json_take(&recipients);
	m.thread_id = chat_nonempty(chat_col_text(s, S_CONVO_NAME));
	m.sent = chat_col_time(p->ctx, s, S_TIMESTAMP, 1, CHAT_EPOCH_UNIX, true);
	m.precision = "1s";
	body = chat_col_dup(s, S_BODY);
	m.body = body;
	m.kind = CHAT_TEXT;
	m.status = chat_col_int(s, S_STATUS, &status) ? sms_status(status) : NULL;
	key = chat_key("SMSes", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	m.forwarded = m.deleted = m.edited = CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	chat_extra_int(&extra, "type", s, S_TYPE);
	chat_extra_int(&extra, "status", s, S_STATUS);
	chat_extra_int(&extra, "failurereason", s, S_FAILURE);
	chat_extra_int(&extra, "price", s, S_PRICE);
	chat_extra_int(&extra, "price_precision", s, S_PRICE_PRECISION);
	chat_extra_text(&extra, "price_currency", s, S_CURRENCY);
	chat_extra_text(&extra, "target_numbers", s, S_TARGETS);
	chat_extra_int(&extra, "chatmsg_id", s, S_CHATMSG);
	chat_extra_text(&extra, "identity", s, S_IDENTITY);
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (key)
		chat_emit_message(p->ctx, &m);
	free((char *)m.recipients);
	free(body);
	free(key);
	free(extra_text);
}

static void read_sms(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "SMSes", sms_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_sms(p, &rs);
	chat_rows_close(&rs);
}

/* ---- calls -------------------------------------------------------------- */

enum {
	C_BEGIN, C_HOST, C_DURATION, C_INCOMING, C_CONFERENCE, C_NAME, C_TOPIC,
	C_CONV, C_TYPE, C_STATUS, C_FAILURE, C_PARTNER, C_PARTNER_NAME
};

static const char *const call_columns[] = {
	"begin_timestamp", "host_identity", "duration", "is_incoming",
	"is_conference", "name", "topic", "conv_dbid", "type", "status",
	"failurereason", "partner_handle", "partner_dispname", NULL
};

static void emit_call(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_call c;
	chat_json participants, extra;
	int64_t incoming, duration = 0, member_duration, id = -1, conv;
	const char *host = chat_nonempty(chat_col_text(s, C_HOST));
	char *call_id = NULL, *peer = NULL, *peer_name = NULL, *extra_text;
	char *thread_id = NULL;
	size_t n = 0;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	if (chat_rows_rowid(rs, &id))
		call_id = int_text(id);
	c.call_id = call_id;
	c.account = p->account;
	chat_json_array(&participants);
	chat_json_add(&participants, host);
	c.has_duration = chat_col_int(s, C_DURATION, &duration);
	if (id >= 0 && chat_lookup_find(&p->call_members, p->ctx, id)) {
		sqlite3_stmt *cm;

		do {
			const char *identity;

			cm = p->call_members.found;
			identity = chat_nonempty(chat_col_text(cm, 0));
			chat_json_add_unique(&participants, identity);
			if (!peer && identity && !chat_same(identity, p->account)) {
				peer = strdup(identity);
				peer_name = dup_or_null(chat_col_text(cm, 1));
			}
			if (chat_col_int(cm, 2, &member_duration) &&
			    (!c.has_duration || member_duration > duration)) {
				duration = member_duration;
				c.has_duration = true;
			}
		} while (++n < MAX_PARTICIPANTS && chat_lookup_more(&p->call_members, p->ctx));
	}
	if (!peer)
		peer = dup_or_null(chat_nonempty(chat_col_text(s, C_PARTNER)));
	if (!peer_name)
		peer_name = dup_or_null(chat_col_text(s, C_PARTNER_NAME));
	c.peer = peer;
	c.peer_name = peer_name;
	c.participants = chat_json_take(&participants);
	if (chat_col_int(s, C_INCOMING, &incoming))
		c.direction = incoming ? CHAT_INCOMING : CHAT_OUTGOING;
	else if (host && p->account)
		c.direction = chat_same(host, p->account) ? CHAT_OUTGOING : CHAT_INCOMING;
	c.duration = duration;
	c.status = c.has_duration && duration > 0 ? "answered" : NULL;
	c.started = chat_col_time(p->ctx, s, C_BEGIN, 1, CHAT_EPOCH_UNIX, true);
	if (c.has_duration && duration > 0)
		c.ended = chat_time_plus(c.started, duration);
	c.precision = "1s";
	if (chat_col_int(s, C_CONV, &conv) && chat_lookup_find(&p->convo, p->ctx, conv))
		thread_id = dup_or_null(chat_nonempty(chat_col_text(p->convo.found, 0)));
	c.thread_id = thread_id;
	c.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	chat_extra_text(&extra, "host_identity", s, C_HOST);
	chat_extra_int(&extra, "is_conference", s, C_CONFERENCE);
	chat_extra_text(&extra, "name", s, C_NAME);
	chat_extra_text(&extra, "topic", s, C_TOPIC);
	chat_extra_int(&extra, "type", s, C_TYPE);
	chat_extra_int(&extra, "status", s, C_STATUS);
	chat_extra_int(&extra, "failurereason", s, C_FAILURE);
	extra_text = chat_json_take(&extra);
	c.extra = extra_text;
	chat_emit_call(p->ctx, &c);
	free((char *)c.participants);
	free(call_id);
	free(peer);
	free(peer_name);
	free(thread_id);
	free(extra_text);
}

static void read_calls(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "Calls", call_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_call(p, &rs);
	chat_rows_close(&rs);
}

/* ---- contacts and the account ------------------------------------------- */

enum {
	K_SKYPENAME, K_FULLNAME, K_DISPLAYNAME, K_GIVEN, K_PHONE_MOBILE,
	K_PHONE_HOME, K_PHONE_OFFICE, K_EMAILS, K_BIRTHDAY, K_MOOD, K_ABOUT,
	K_CITY, K_PROVINCE, K_COUNTRY, K_GENDER, K_LANGUAGES, K_HOMEPAGE,
	K_PROFILE_TS, K_LASTONLINE, K_BLOCKED, K_AUTHORIZED, K_BUDDY, K_TYPE,
	K_PSTN, K_REGISTRATION
};

static const char *const person_columns[] = {
	"skypename", "fullname", "displayname", "given_displayname", "phone_mobile",
	"phone_home", "phone_office", "emails", "birthday", "mood_text", "about",
	"city", "province", "country", "gender", "languages", "homepage",
	"profile_timestamp", "lastonline_timestamp", "isblocked", "isauthorized",
	"buddystatus", "type", "pstnnumber", "registration_timestamp", NULL
};

static char *person_extra(sqlite3_stmt *s)
{
	chat_json extra;

	chat_json_object(&extra);
	chat_extra_text(&extra, "fullname", s, K_FULLNAME);
	chat_extra_text(&extra, "given_displayname", s, K_GIVEN);
	chat_extra_text(&extra, "about", s, K_ABOUT);
	chat_extra_text(&extra, "city", s, K_CITY);
	chat_extra_text(&extra, "province", s, K_PROVINCE);
	chat_extra_text(&extra, "country", s, K_COUNTRY);
	chat_extra_int(&extra, "gender", s, K_GENDER);
	chat_extra_text(&extra, "languages", s, K_LANGUAGES);
	chat_extra_text(&extra, "homepage", s, K_HOMEPAGE);
	chat_extra_int(&extra, "isauthorized", s, K_AUTHORIZED);
	chat_extra_int(&extra, "buddystatus", s, K_BUDDY);
	chat_extra_int(&extra, "type", s, K_TYPE);
	chat_extra_text(&extra, "pstnnumber", s, K_PSTN);
	chat_extra_int(&extra, "profile_timestamp", s, K_PROFILE_TS);
	return chat_json_take(&extra);
}

static void add_phones(chat_json *phones, sqlite3_stmt *s)
{
	chat_json_add_unique(phones, chat_nonempty(chat_col_text(s, K_PHONE_MOBILE)));
	chat_json_add_unique(phones, chat_nonempty(chat_col_text(s, K_PHONE_HOME)));
	chat_json_add_unique(phones, chat_nonempty(chat_col_text(s, K_PHONE_OFFICE)));
}

/* Skype keeps a birthday as the integer yyyymmdd. */
static char *birthday_of(sqlite3_stmt *s)
{
	int64_t v;
	char *text;

	if (!chat_col_int(s, K_BIRTHDAY, &v) || v <= 0 || v > 99991231)
		return NULL;
	if (asprintf(&text, "%04d-%02d-%02d", (int)(v / 10000), (int)(v / 100 % 100),
	             (int)(v % 100)) < 0)
		return NULL;
	return text;
}

static void emit_contact(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_contact c;
	chat_json phones, emails;
	char *id = NULL, *extra, *birthday, *mood;
	int64_t rowid, blocked;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	if (chat_rows_rowid(rs, &rowid))
		id = int_text(rowid);
	c.account = p->account;
	c.contact_id = id;
	c.username = chat_nonempty(chat_col_text(s, K_SKYPENAME));
	c.name = chat_nonempty(chat_col_text(s, K_DISPLAYNAME));
	if (!c.name)
		c.name = chat_nonempty(chat_col_text(s, K_FULLNAME));
	chat_json_array(&phones);
	add_phones(&phones, s);
	c.phones = chat_json_take(&phones);
	chat_json_array(&emails);
	add_names(&emails, chat_col_text(s, K_EMAILS));
	c.emails = chat_json_take(&emails);
	birthday = birthday_of(s);
	c.birthday = birthday;
	mood = skype_body_text(chat_col_text(s, K_MOOD)); /* kept as XML */
	c.status_text = mood;
	c.last_seen = chat_col_time(p->ctx, s, K_LASTONLINE, 1, CHAT_EPOCH_UNIX, true);
	c.precision = "1s";
	c.blocked = chat_col_int(s, K_BLOCKED, &blocked) ?
	            (blocked ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
	c.deleted = CHAT_FLAG_UNKNOWN;
	extra = person_extra(s);
	c.extra = extra;
	chat_emit_contact(p->ctx, &c);
	free((char *)c.phones);
	free((char *)c.emails);
	free(id);
	free(birthday);
	free(mood);
	free(extra);
}

static void read_contacts(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "Contacts", person_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_contact(p, &rs);
	chat_rows_close(&rs);
}

static void emit_account(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_account a;
	chat_json phones, emails;
	char *extra, *phone_list, *email_list, *first_phone = NULL, *first_email = NULL;
	int64_t minutes;

	memset(&a, 0, sizeof a);
	chat_rows_provenance(rs, &a.prov);
	a.account_id = chat_nonempty(chat_col_text(s, K_SKYPENAME));
	a.name = chat_nonempty(chat_col_text(s, K_FULLNAME));
	if (!a.name)
		a.name = chat_nonempty(chat_col_text(s, K_DISPLAYNAME));
	chat_json_array(&phones);
	add_phones(&phones, s);
	phone_list = chat_json_take(&phones);
	chat_json_array(&emails);
	add_names(&emails, chat_col_text(s, K_EMAILS));
	email_list = chat_json_take(&emails);
	/* the first of each; the lists go to extra */
	first_phone = dup_or_null(chat_nonempty(chat_col_text(s, K_PHONE_MOBILE)));
	if (chat_col_text(s, K_EMAILS)) {
		const char *e = chat_col_text(s, K_EMAILS);

		e += strspn(e, " ");
		if (*e)
			first_email = strndup(e, strcspn(e, " "));
	}
	a.phone = first_phone;
	a.email = first_email;
	/* registration_timestamp counts minutes */
	if (chat_col_int(s, K_REGISTRATION, &minutes) && minutes > 0 &&
	    minutes < INT64_MAX / 60)
		a.created = chat_time_from(p->ctx, minutes * 60, 1, CHAT_EPOCH_UNIX, true);
	a.precision = "1s";
	{
		chat_json e;

		chat_json_object(&e);
		chat_json_raw(&e, "phones", phone_list);
		chat_json_raw(&e, "emails", email_list);
		chat_extra_text(&e, "mood_text", s, K_MOOD);
		chat_extra_text(&e, "city", s, K_CITY);
		chat_extra_text(&e, "country", s, K_COUNTRY);
		chat_extra_int(&e, "profile_timestamp", s, K_PROFILE_TS);
		chat_extra_int(&e, "registration_timestamp", s, K_REGISTRATION);
		extra = chat_json_take(&e);
	}
	a.extra = extra;
	chat_emit_account(p->ctx, &a);
	free(extra);
	free(phone_list);
	free(email_list);
	free(first_phone);
	free(first_email);
}

static void read_accounts(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "Accounts", person_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_account(p, &rs);
	chat_rows_close(&rs);
}

/* The owner's skypename, from the live database (the first account). */
static char *account_name(chat_ctx *ctx, sqlite3 *db)
{
	sqlite3_stmt *s = chat_prepare(ctx, db,
		"SELECT skypename FROM Accounts WHERE skypename <> '' ORDER BY rowid LIMIT 1",
		true);
	char *name = NULL;

	if (chat_step(ctx, s))
		name = dup_or_null(chat_col_text(s, 0));
	sqlite3_finalize(s);
	return name;
}

/* ---- the extraction ----------------------------------------------------- */

int skype_classic_extract(chat_ctx *ctx, const chat_source *src)
{
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.account = account_name(ctx, src->lookup);
	chat_lookup_open(&p.convo, ctx, src,
	                 "SELECT identity, displayname, given_displayname FROM Conversations "
	                 "WHERE id = ?1");
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT identity FROM Participants WHERE convo_id = ?1 ORDER BY id");
	chat_lookup_open(&p.chat_by_name, ctx, src,
	                 "SELECT friendlyname, participants FROM Chats WHERE name = ?1");
	chat_lookup_open(&p.chat_by_conv, ctx, src,
	                 "SELECT friendlyname, participants FROM Chats WHERE conv_dbid = ?1 "
	                 "ORDER BY id");
	chat_lookup_open(&p.transfer_of, ctx, src,
	                 "SELECT 1 FROM Transfers WHERE chatmsg_guid = ?1");
	chat_lookup_open(&p.message_of, ctx, src,
	                 "SELECT id FROM Messages WHERE guid = ?1 ORDER BY id");
	chat_lookup_open(&p.child, ctx, src,
	                 "SELECT partner_handle FROM Transfers WHERE parent_id = ?1 "
	                 "AND partner_handle <> '' ORDER BY id");
	chat_lookup_open(&p.call_members, ctx, src,
	                 "SELECT identity, dispname, call_duration FROM CallMembers "
	                 "WHERE call_db_id = ?1 ORDER BY id");
	read_accounts(&p);
	read_messages(&p);
	read_transfers(&p);
	read_sms(&p);
	read_calls(&p);
	read_contacts(&p);
	chat_lookup_close(&p.convo);
	chat_lookup_close(&p.members);
	chat_lookup_close(&p.chat_by_name);
	chat_lookup_close(&p.chat_by_conv);
	chat_lookup_close(&p.transfer_of);
	chat_lookup_close(&p.message_of);
	chat_lookup_close(&p.child);
	chat_lookup_close(&p.call_members);
	free(p.account);
	return ctx->status;
}

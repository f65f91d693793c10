/*
 * hangouts.c — the "hangouts" plugin: messages, attachments and people of
 * Google Hangouts for Android (babel<N>.db), recognised by its schema.
 *
 * What it reads:
 *   messages       _id, message_id, conversation_id, author_chat_id,
 *                  author_gaia_id, text, timestamp (Unix microseconds),
 *                  type (1 sent, 2 received), status (0 unread, 4 read),
 *                  local_url, remote_url, attachment_content_type,
 *                  attachment_name, width_pixels, height_pixels, latitude,
 *                  longitude, new_conversation_name (a renaming),
 *                  transport_type, sms_raw_sender.
 *   conversations  conversation_id, conversation_type (1 one-to-one,
 *                  2 group), name, generated_name.
 *   participants   _id, chat_id, gaia_id, full_name, first_name,
 *                  fallback_name, phone_id, blocked.
 *   conversation_participants   participant_row_id, conversation_id.
 * The owner is the author of the messages of type 1 (sent): the first such
 * author is the account; messages are told apart by type, not by author.
 *
 * Records: chat_messages (key "messages:<_id>"), chat_attachments,
 * chat_contacts (contact_id the chat id), chat_accounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Google Hangouts"
#define MAX_PARTICIPANTS 512

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	char *owner;
	chat_lookup conversation, person, members;
	char *thread, *title, *participants;
} pass;

static char *dup_nonempty(const char *s)
{
	return chat_nonempty(s) ? strdup(s) : NULL;
}

/* ---- conversations ------------------------------------------------------------ */

static void forget_thread(pass *p)
{
	free(p->thread);
	free(p->title);
	free(p->participants);
	p->thread = p->title = p->participants = NULL;
}

static char *person_name(pass *p, const char *chat_id)
{
	sqlite3_stmt *s;
	size_t i;

	if (!chat_id || !chat_lookup_find_text(&p->person, p->ctx, chat_id))
		return NULL;
	s = p->person.found;
	for (i = 0; i < 3; i++)
		if (chat_nonempty(chat_col_text(s, i)))
			return strdup(chat_col_text(s, i));
	return NULL;
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
	if (chat_lookup_find_text(&p->conversation, p->ctx, id)) {
		p->title = dup_nonempty(chat_col_text(p->conversation.found, 0));
		if (!p->title)
			p->title = dup_nonempty(chat_col_text(p->conversation.found, 1));
	}
	chat_json_array(&list);
	if (chat_lookup_find_text(&p->members, p->ctx, id))
		chat_lookup_add_rest(&p->members, p->ctx, &list, MAX_PARTICIPANTS);
	p->participants = chat_json_take(&list);
}

/* ---- messages ------------------------------------------------------------------ */

enum {
	M_ID, M_CONVERSATION, M_AUTHOR, M_GAIA, M_TEXT, M_TIME, M_TYPE, M_STATUS,
	M_LOCAL, M_REMOTE, M_MIME, M_NAME, M_WIDTH, M_HEIGHT, M_LAT, M_LON, M_RENAME,
	M_TRANSPORT, M_SMS_SENDER
};

static const char *const message_columns[] = {
	"message_id", "conversation_id", "author_chat_id", "author_gaia_id", "text",
	"timestamp", "type", "status", "local_url", "remote_url", "attachment_content_type",
	"attachment_name", "width_pixels", "height_pixels", "latitude", "longitude",
	"new_conversation_name", "transport_type", "sms_raw_sender", NULL
};

static void emit_attachment(pass *p, sqlite3_stmt *s, const char *key,
                            const chat_provenance *prov)
{
	chat_attachment a;
	chat_json extra;
	char *extra_text, *path = chat_col_dup(s, M_LOCAL), *url = chat_col_dup(s, M_REMOTE);
	char *name = chat_col_dup(s, M_NAME);

	memset(&a, 0, sizeof a);
	a.message_key = key;
	a.path = chat_nonempty(path);
	a.url = chat_nonempty(url);
	a.name = chat_nonempty(name);
	a.mime_type = chat_nonempty(chat_col_text(s, M_MIME));
	chat_json_object(&extra);
	chat_extra_int(&extra, "width", s, M_WIDTH);
	chat_extra_int(&extra, "height", s, M_HEIGHT);
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	a.prov = *prov;
	chat_emit_attachment(p->ctx, &a);
	free(path);
	free(url);
	free(name);
	free(extra_text);
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	chat_json extra;
	int64_t type = 0, status = 0;
	bool has_type = chat_col_int(s, M_TYPE, &type), media;
	char *conversation = chat_col_dup(s, M_CONVERSATION), *author = chat_col_dup(s, M_AUTHOR);
	char *body = chat_col_dup(s, M_TEXT), *name, *recipients, *key, *extra_text;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	load_thread(p, chat_nonempty(conversation));
	m.account = p->owner;
	m.thread_id = p->thread;
	m.thread_title = p->title;
	m.participants = p->participants;
	m.sender = chat_nonempty(author);
	name = person_name(p, m.sender);
	m.sender_name = name;
	if (has_type && (type == 1 || type == 2))
		m.direction = type == 1 ? CHAT_OUTGOING : CHAT_INCOMING;
	recipients = chat_others(p->ctx, p->src, p->participants, m.sender, MAX_PARTICIPANTS);
	m.recipients = recipients;
	m.sent = chat_col_time(p->ctx, s, M_TIME, 1000000, CHAT_EPOCH_UNIX, true);
	m.precision = "1us";
	m.body = chat_nonempty(body);
	media = chat_nonempty(chat_col_text(s, M_LOCAL)) || chat_nonempty(chat_col_text(s, M_REMOTE)) ||
	        chat_nonempty(chat_col_text(s, M_MIME));
	m.kind = media ? CHAT_MEDIA :
	         !m.body && chat_nonempty(chat_col_text(s, M_RENAME)) ? CHAT_SYSTEM : CHAT_TEXT;
	if (m.direction == CHAT_INCOMING && chat_col_int(s, M_STATUS, &status))
		m.status = status == 4 ? "read" : status == 0 ? "unread" : NULL;
	else if (m.direction == CHAT_OUTGOING)
		m.status = "sent";
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	key = chat_key("messages", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	chat_json_object(&extra);
	chat_extra_text(&extra, "message_id", s, M_ID);
	chat_extra_text(&extra, "author_gaia_id", s, M_GAIA);
	chat_extra_int(&extra, "type", s, M_TYPE);
	chat_extra_int(&extra, "status", s, M_STATUS);
	chat_extra_int(&extra, "transport_type", s, M_TRANSPORT);
	chat_extra_text(&extra, "sms_raw_sender", s, M_SMS_SENDER);
	chat_extra_text(&extra, "new_conversation_name", s, M_RENAME);
	if (sqlite3_column_type(s, M_LAT) == SQLITE_FLOAT ||
	    sqlite3_column_type(s, M_LAT) == SQLITE_INTEGER) {
		chat_json_real(&extra, "latitude", sqlite3_column_double(s, M_LAT));
		chat_json_real(&extra, "longitude", sqlite3_column_double(s, M_LON));
	}
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	if (!key)
		p->ctx->out_of_memory = true;
	else if (chat_emit_message_kept(p->ctx, &m) && media)
		emit_attachment(p, s, key, &m.prov);
	free(conversation);
	free(author);
	free(body);
	free(name);
	free(recipients);
	free(key);
	free(extra_text);
}

/* ---- people -------------------------------------------------------------------- */

static void read_people(pass *p)
{
	static const char *const columns[] = {
		"chat_id", "gaia_id", "full_name", "first_name", "fallback_name", "phone_id",
		"blocked", NULL
	};
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "participants", columns, NULL))
		return;
	while (chat_rows_next(&rs)) {
		sqlite3_stmt *s = rs.stmt;
		char *id = chat_col_dup(s, 0), *name = chat_col_dup(s, 2), *phones = NULL;
		chat_contact c;
		chat_json list, extra;
		int64_t blocked;
		char *extra_text;

		if (!chat_nonempty(name)) {
			free(name);
			name = chat_col_dup(s, 3);
		}
		if (p->owner && chat_same(id, p->owner)) {
			if (p->src->kind == CHAT_LIVE) {
				chat_account a;

				memset(&a, 0, sizeof a);
				a.account_id = p->owner;
				a.name = chat_nonempty(name);
				chat_rows_provenance(&rs, &a.prov);
				chat_emit_account(p->ctx, &a);
			}
			free(id);
			free(name);
			continue;
		}
		memset(&c, 0, sizeof c);
		chat_rows_provenance(&rs, &c.prov);
		c.account = p->owner;
		c.contact_id = chat_nonempty(id) ? id : chat_nonempty(chat_col_text(s, 1));
		c.name = chat_nonempty(name) ? name : chat_nonempty(chat_col_text(s, 4));
		chat_json_array(&list);
		chat_json_add(&list, chat_nonempty(chat_col_text(s, 5)));
		phones = chat_json_take(&list);
		c.phones = phones;
		c.blocked = chat_col_int(s, 6, &blocked) ?
		            (blocked ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
		c.deleted = CHAT_FLAG_UNKNOWN;
		chat_json_object(&extra);
		chat_extra_text(&extra, "gaia_id", s, 1);
		extra_text = chat_json_take(&extra);
		c.extra = extra_text;
		chat_emit_contact(p->ctx, &c);
		free(id);
		free(name);
		free(phones);
		free(extra_text);
	}
	chat_rows_close(&rs);
}

/* ---- the extraction -------------------------------------------------------------- */

static char *find_owner(pass *p)
{
	sqlite3_stmt *s = chat_prepare(p->ctx, p->src->lookup,
	                               "SELECT author_chat_id FROM messages WHERE type = 1 AND "
	                               "coalesce(author_chat_id, '') <> '' ORDER BY _id LIMIT 1",
	                               true);
	char *owner = NULL;

	if (chat_step(p->ctx, s))
		owner = chat_col_dup(s, 0);
	sqlite3_finalize(s);
	return owner;
}

static int hangouts_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.owner = find_owner(&p);
	chat_lookup_open(&p.conversation, ctx, src,
	                 "SELECT name, generated_name FROM conversations WHERE conversation_id = ?1");
	chat_lookup_open(&p.person, ctx, src,
	                 "SELECT full_name, first_name, fallback_name FROM participants "
	                 "WHERE chat_id = ?1");
	chat_lookup_open(&p.members, ctx, src,
	                 "SELECT pa.chat_id FROM conversation_participants AS cp JOIN participants"
	                 " AS pa ON pa._id = cp.participant_row_id WHERE cp.conversation_id = ?1"
	                 " ORDER BY cp.rowid");
	if (chat_rows_open(&rs, ctx, src, "messages", message_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_message(&p, &rs);
		chat_rows_close(&rs);
	}
	forget_thread(&p);
	read_people(&p);
	chat_lookup_close(&p.conversation);
	chat_lookup_close(&p.person);
	chat_lookup_close(&p.members);
	free(p.owner);
	return ctx->status;
}

static const char *const fingerprint[] = {
	"messages", "messages.author_chat_id", "messages.conversation_id", "messages.text",
	"messages.timestamp", "messages.type", "participants", "participants.chat_id",
	"participants.full_name", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, hangouts_extract },
};

CHAT_SQLITE_PLUGIN("hangouts", "1.0",
	                   "Google Hangouts for Android babel.db: messages, attachments, people, the "
	                   "owner, by schema",
	                   parsers)

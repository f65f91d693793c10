/*
 * skype_s4l.c — Skype 8 and later ("Skype for Linux/Web", s4l-<account>.db
 * on desktops and Android).
 *
 * Every table is a key/value store: nsp_pk, the key ('C' and the object's
 * id), and nsp_data, the object as JSON.  What it reads:
 *   internaldata      'Cpriv_prefs_v2': value.skypeName, the account;
 *                     'Cpriv_myuserstore': value.msaId, its Microsoft login.
 *   profilecachev8    profiles: mri ("8:<skype name>"), fullName, firstName,
 *                     lastName, displayNameOverride, phones[].number,
 *                     emails[], birthday, mood, city, country, fetchedDate.
 *   messagesv12       messages: cuid, conversationId, creator (an mri),
 *                     createdTime (Unix ms), content (Skype's XML),
 *                     messagetype (Text, RichText, RichText/UriObject,
 *                     RichText/Media_<kind>, Event/Call,
 *                     ThreadActivity/<event>, ...),
 *                     _isMyMessage, properties.edittime/deletetime.
 *   conversationsv14  conversations (key 'C' and the conversation id):
 *                     conv._threadProps.topic, conv._threadMembers[].id.
 * Malformed JSON is read as nothing (json_valid guards every extraction),
 * never as an error that would stop the table.
 *
 * An mri "8:<name>" is shown as <name>, as Skype classic names people;
 * other kinds ("4:+15551234", "28:<bot>", "19:<id>@thread.skype") are
 * kept whole.  Records: chat_messages (key "messagesv12:<nsp_pk>"),
 * chat_attachments for media a message describes, chat_contacts (every
 * profile but the account's own), chat_accounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "skype.h"

const char *const skype_s4l_fingerprint[] = {
	"messagesv12", "messagesv12.nsp_pk", "messagesv12.nsp_data",
	"internaldata", "internaldata.nsp_data", NULL
};

#define J(path) "CASE WHEN json_valid(nsp_data) THEN json_extract(nsp_data, '" path "') END"

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	char *account;     /* skype name */
	chat_lookup conv;  /* conversationsv14 by id */
} pass;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* "8:name" -> "name"; other mris unchanged. */
static const char *person(const char *mri)
{
	if (mri && mri[0] == '8' && mri[1] == ':' && mri[2])
		return mri + 2;
	return mri;
}

/* One setting of internaldata, as text. */
static char *setting(chat_ctx *ctx, sqlite3 *db, const char *key, const char *path)
{
	char *sql = sqlite3_mprintf(
		"SELECT CASE WHEN json_valid(nsp_data) THEN json_extract(nsp_data, %Q) END "
		"FROM internaldata WHERE nsp_pk = %Q", path, key);
	sqlite3_stmt *s = sql ? chat_prepare(ctx, db, sql, true) : NULL;
	char *value = NULL;

	sqlite3_free(sql);
	if (chat_step(ctx, s))
		value = dup_or_null(chat_nonempty(chat_col_text(s, 0)));
	sqlite3_finalize(s);
	return value;
}

/* ---- messages ----------------------------------------------------------- */

enum {
	M_KEY, M_CUID, M_CONV, M_CREATOR, M_CREATED, M_CONTENT, M_TYPE, M_MINE,
	M_EDITED, M_DELETED, M_CLIENT_ID, M_VERSION
};

static const char *const message_exprs[] = {
	"nsp_pk", J("$.cuid"), J("$.conversationId"), J("$.creator"),
	J("$.createdTime"), J("$.content"), J("$.messagetype"), J("$._isMyMessage"),
	J("$.properties.edittime"), J("$.properties.deletetime"),
	J("$.clientmessageid"), J("$.version"), NULL
};

static chat_kind kind_of(const char *type)
{
	if (!type)
		return CHAT_TEXT;
	if (!strncmp(type, "RichText/", 9))
		return CHAT_MEDIA;
	if (!strcmp(type, "Event/Call"))
		return CHAT_CALL;
	if (!strcmp(type, "Text") || !strcmp(type, "RichText"))
		return CHAT_TEXT;
	return CHAT_SYSTEM;
}

typedef struct conversation {
	char *title;
	char *members; /* JSON array of mris */
} conversation;

static void load_conversation(pass *p, const char *id, conversation *c)
{
	memset(c, 0, sizeof *c);
	if (!id || !chat_lookup_find_text(&p->conv, p->ctx, id))
		return;
	c->title = dup_or_null(chat_nonempty(chat_col_text(p->conv.found, 0)));
	c->members = dup_or_null(chat_col_text(p->conv.found, 1));
}

/* Participants as people: the members a group lists, else the two ends of
 * a one-to-one conversation (its id is the other party's mri). */
static char *participants_of(pass *p, const char *conv_id, const conversation *c)
{
	chat_json list;
	sqlite3_stmt *s;

	chat_json_array(&list);
	if (c->members) {
		s = chat_prepare(p->ctx, p->src->lookup,
		                 "SELECT value FROM json_each(?1) WHERE json_valid(?1)", true);
		if (s) {
			size_t n = 0;

			sqlite3_bind_text(s, 1, c->members, -1, SQLITE_STATIC);
			while (n++ < 512 && chat_step(p->ctx, s))
				chat_json_add_unique(&list, person(chat_col_text(s, 0)));
			sqlite3_finalize(s);
		}
	} else if (conv_id && strncmp(conv_id, "19:", 3)) {
		chat_json_add(&list, person(conv_id));
		chat_json_add_unique(&list, p->account);
	}
	return chat_json_take(&list);
}

static void emit_media(pass *p, const char *content, const char *key,
                       const chat_provenance *prov)
{
	chat_attachment a;
	char *name, *size, *uri;

	if (!content || !strstr(content, "<URIObject"))
		return;
	memset(&a, 0, sizeof a);
	name = skype_attribute(content, "OriginalName", "v");
	size = skype_attribute(content, "FileSize", "v");
	uri = skype_attribute(content, "URIObject", "uri");
	a.message_key = key;
	a.name = name;
	if (size) {
		char *end;

		a.size = strtoll(size, &end, 10);
		a.has_size = end != size && !*end && a.size >= 0;
	}
	a.url = uri;
	a.prov = *prov;
	chat_emit_attachment(p->ctx, &a);
	free(name);
	free(size);
	free(uri);
}

static void emit_message(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	conversation c;
	const char *conv_id = chat_nonempty(chat_col_text(s, M_CONV));
	const char *type = chat_col_text(s, M_TYPE);
	const char *content = chat_col_text(s, M_CONTENT);
	int64_t mine;
	char *participants, *recipients = NULL, *body, *key, *extra;
	chat_json e, one;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	load_conversation(p, conv_id, &c);
	participants = participants_of(p, conv_id, &c);
	m.account = p->account;
	m.thread_id = conv_id;
	m.thread_title = c.title;
	m.participants = participants;
	m.sender = person(chat_nonempty(chat_col_text(s, M_CREATOR)));
	if (chat_col_int(s, M_MINE, &mine))
		m.direction = mine ? CHAT_OUTGOING : CHAT_INCOMING;
	else if (m.sender && p->account)
		m.direction = chat_same(m.sender, p->account) ? CHAT_OUTGOING : CHAT_INCOMING;
	recipients = chat_others(p->ctx, p->src, participants, m.sender, 512);
	if (!recipients && m.direction == CHAT_INCOMING && p->account) {
		chat_json_array(&one);
		chat_json_add(&one, p->account);
		recipients = chat_json_take(&one);
	}
	m.recipients = recipients;
	m.sent = chat_col_time(p->ctx, s, M_CREATED, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	body = skype_body_text(content);
	m.body = body;
	m.kind = kind_of(type);
	{
		const char *k = chat_col_text(s, M_KEY);

		key = k ? chat_key_text("messagesv12", k) : NULL;
	}
	m.key = key;
	m.forwarded = CHAT_FLAG_UNKNOWN;
	m.edited = chat_col_text(s, M_EDITED) ? CHAT_FLAG_YES : CHAT_FLAG_NO;
	m.deleted = chat_col_text(s, M_DELETED) ? CHAT_FLAG_YES : CHAT_FLAG_NO;
	chat_json_object(&e);
	chat_extra_text(&e, "cuid", s, M_CUID);
	chat_extra_text(&e, "messagetype", s, M_TYPE);
	chat_extra_text(&e, "creator", s, M_CREATOR);
	chat_extra_text(&e, "clientmessageid", s, M_CLIENT_ID);
	chat_extra_text(&e, "version", s, M_VERSION);
	chat_extra_text(&e, "edittime", s, M_EDITED);
	chat_extra_text(&e, "deletetime", s, M_DELETED);
	extra = chat_json_take(&e);
	m.extra = extra;
	if (key) {
		chat_emit_message(p->ctx, &m);
		emit_media(p, content, key, &m.prov);
	}
	free(participants);
	free(recipients);
	free(body);
	free(key);
	free(extra);
	free(c.title);
	free(c.members);
}

static void read_messages(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open_exprs(&rs, p->ctx, p->src, "messagesv12", message_exprs, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_message(p, &rs);
	chat_rows_close(&rs);
}

/* ---- profiles ----------------------------------------------------------- */

enum {
	P_MRI, P_FULL, P_FIRST, P_LAST, P_DISPLAY, P_PHONES, P_EMAILS, P_BIRTHDAY,
	P_MOOD, P_CITY, P_COUNTRY, P_GENDER, P_FETCHED
};

static const char *const profile_exprs[] = {
	J("$.mri"), J("$.fullName"), J("$.firstName"), J("$.lastName"),
	J("$.displayNameOverride"),
	"CASE WHEN json_valid(nsp_data) AND json_type(nsp_data, '$.phones') = 'array' THEN "
	"(SELECT json_group_array(json_extract(value, '$.number')) FROM "
	"json_each(nsp_data, '$.phones') WHERE json_type(value, '$.number') = 'text') END",
	"CASE WHEN json_valid(nsp_data) AND json_type(nsp_data, '$.emails') = 'array' THEN "
	"(SELECT json_group_array(value) FROM json_each(nsp_data, '$.emails') "
	"WHERE type = 'text') END",
	J("$.birthday"), J("$.mood"), J("$.city"), J("$.country"), J("$.gender"),
	J("$.fetchedDate"), NULL
};

/* displayNameOverride, fullName, or "first last". */
static char *profile_name(sqlite3_stmt *s)
{
	const char *name = chat_nonempty(chat_col_text(s, P_DISPLAY));
	const char *first = chat_nonempty(chat_col_text(s, P_FIRST));
	const char *last = chat_nonempty(chat_col_text(s, P_LAST));
	char *joined;

	if (!name)
		name = chat_nonempty(chat_col_text(s, P_FULL));
	if (name)
		return strdup(name);
	if (!first && !last)
		return NULL;
	if (asprintf(&joined, "%s%s%s", first ? first : "", first && last ? " " : "",
	             last ? last : "") < 0)
		return NULL;
	return joined;
}

/* "[]" and the like are no list. */
static const char *list_or_null(const char *json)
{
	return json && strcmp(json, "[]") ? json : NULL;
}

static void emit_profile(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	chat_contact c;
	chat_json e;
	char *name = profile_name(s), *extra;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	c.account = p->account;
	c.contact_id = chat_col_text(s, P_MRI);
	c.username = person(c.contact_id);
	c.name = name;
	c.phones = list_or_null(chat_col_text(s, P_PHONES));
	c.emails = list_or_null(chat_col_text(s, P_EMAILS));
	c.birthday = chat_nonempty(chat_col_text(s, P_BIRTHDAY));
	c.status_text = chat_nonempty(chat_col_text(s, P_MOOD));
	c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
	c.precision = "1ms";
	chat_json_object(&e);
	chat_extra_text(&e, "city", s, P_CITY);
	chat_extra_text(&e, "country", s, P_COUNTRY);
	chat_extra_int(&e, "gender", s, P_GENDER);
	chat_extra_int(&e, "fetchedDate", s, P_FETCHED);
	extra = chat_json_take(&e);
	c.extra = extra;
	chat_emit_contact(p->ctx, &c);
	free(name);
	free(extra);
}

/* Every profile is a contact, but the account's own, which names the
 * account. */
static void read_profiles(pass *p, char **account_name)
{
	chat_rowset rs;

	*account_name = NULL;
	if (!chat_rows_open_exprs(&rs, p->ctx, p->src, "profilecachev8", profile_exprs, NULL))
		return;
	while (chat_rows_next(&rs)) {
		const char *mri = chat_col_text(rs.stmt, P_MRI);

		if (p->account && chat_same(person(mri), p->account)) {
			if (!*account_name)
				*account_name = profile_name(rs.stmt);
			continue;
		}
		emit_profile(p, &rs);
	}
	chat_rows_close(&rs);
}

static void emit_account(pass *p, const char *name)
{
	chat_account a;
	char *login;
	int64_t rowid = 0;
	sqlite3_stmt *s;

	if (!p->account || p->src->kind != CHAT_LIVE)
		return;
	login = setting(p->ctx, p->src->lookup, "Cpriv_myuserstore", "$.value.msaId");
	memset(&a, 0, sizeof a);
	a.account_id = p->account;
	a.name = name;
	a.email = login && strchr(login, '@') ? login : NULL;
	a.prov.table = "internaldata";
	s = chat_prepare(p->ctx, p->src->lookup,
	                 "SELECT rowid FROM internaldata WHERE nsp_pk = 'Cpriv_prefs_v2'", true);
	if (chat_step(p->ctx, s) && chat_col_int(s, 0, &rowid))
		a.prov.has_rowid = true;
	a.prov.rowid = rowid;
	sqlite3_finalize(s);
	chat_emit_account(p->ctx, &a);
	free(login);
}

/* ---- the extraction ----------------------------------------------------- */

int skype_s4l_extract(chat_ctx *ctx, const chat_source *src)
{
	pass p;
	char *own_name = NULL;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.account = setting(ctx, src->lookup, "Cpriv_prefs_v2", "$.value.skypeName");
	chat_lookup_open(&p.conv, ctx, src,
		"SELECT CASE WHEN json_valid(nsp_data) THEN "
		"json_extract(nsp_data, '$.conv._threadProps.topic') END, "
		"CASE WHEN json_valid(nsp_data) AND "
		"json_type(nsp_data, '$.conv._threadMembers') = 'array' THEN "
		"(SELECT json_group_array(json_extract(value, '$.id')) FROM "
		"json_each(nsp_data, '$.conv._threadMembers')) END "
		"FROM conversationsv14 WHERE nsp_pk = 'C' || ?1");
	read_profiles(&p, &own_name);
	emit_account(&p, own_name);
	read_messages(&p);
	chat_lookup_close(&p.conv);
	free(own_name);
	free(p.account);
	return ctx->status;
}

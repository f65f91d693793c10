/*
 * instagram_ios.c — the "instagram-ios" plugin: Instagram direct messages
 * on iOS (DirectSQLiteDatabase/<user id>.db), recognised by its schema.
 *
 * What it reads:
 *   threads    thread_id, viewer_id (the owner's user id: the account),
 *              metadata: an NSKeyedArchiver archive (binary plist) of the
 *              thread, whose users (NSArray of IGUser: pk, userName,
 *              fullName) and inviter name the people in it.
 *   messages   message_id, thread_id, archive: an NSKeyedArchiver archive
 *              of an IGDirectPublishedMessage:
 *                metadata  senderPk, threadId, serverTimestamp (NSDate,
 *                          seconds since 2001 with microseconds), serverId;
 *                content   codedSubtype and, by subtype, string (TEXT),
 *                          threadActivity {voipTitle, videoCallId, voip
 *                          event} (THREAD_ACTIVITY: calls and events),
 *                          media {permanentMedia {photo {kIGPhotoMediaID,
 *                          imageVersions [{url}]}}} (MEDIA);
 *                quotedMessage  the message replied to (its metadata);
 *                forwardMetadata  set when forwarded.
 * A message is outgoing when its sender is the viewer.  An archive that
 * does not parse keeps its row (with what the columns say) and is reported.
 *
 * Records: chat_messages (key "messages:<message_id>", times to the
 * microsecond), chat_attachments for shared media, chat_accounts (each
 * viewer), chat_contacts (the users of the threads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bplist.h"
#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Instagram"
#define MAX_USERS 256

/* ---- threads ------------------------------------------------------------ */

typedef struct user {
	char *pk, *username, *full_name;
} user;

typedef struct thread {
	char *id;
	char *viewer;
	user users[MAX_USERS];
	size_t n_users;
} thread;

static void thread_clear(thread *t)
{
	size_t i;

	for (i = 0; i < t->n_users; i++) {
		free(t->users[i].pk);
		free(t->users[i].username);
		free(t->users[i].full_name);
	}
	free(t->id);
	free(t->viewer);
	memset(t, 0, sizeof *t);
}

static void add_user(thread *t, const nska *a, const bp_value *u)
{
	char *pk;
	size_t i;

	if (t->n_users >= MAX_USERS || u->type != BP_DICT || !(pk = nska_text(a, u, "pk")))
		return;
	for (i = 0; i < t->n_users; i++)
		if (!strcmp(t->users[i].pk, pk)) {
			free(pk);
			return;
		}
	t->users[t->n_users].pk = pk;
	t->users[t->n_users].username = nska_text(a, u, "userName");
	t->users[t->n_users].full_name = nska_text(a, u, "fullName");
	t->n_users++;
}

static void parse_thread(thread *t, const unsigned char *blob, size_t len)
{
	nska a;
	bp_value root, users, u;
	uint64_t i, n;

	if (!nska_open(&a, blob, len, &root))
		return;
	if (nska_get(&a, &root, "users", &users)) {
		n = nska_count(&a, &users);
		for (i = 0; i < n && i < MAX_USERS; i++)
			if (nska_item(&a, &users, i, &u))
				add_user(t, &a, &u);
	}
	if (nska_get(&a, &root, "inviter", &u))
		add_user(t, &a, &u);
}

/* The thread of a message, cached while messages stay in one thread. */
static const thread *load_thread(chat_ctx *ctx, chat_lookup *l, thread *t,
                                 const char *id)
{
	if (!id)
		return NULL;
	if (t->id && !strcmp(t->id, id))
		return t;
	thread_clear(t);
	t->id = strdup(id);
	if (chat_lookup_find_text(l, ctx, id)) {
		const char *viewer = chat_col_text(l->found, 0);

		t->viewer = viewer ? strdup(viewer) : NULL;
		if (sqlite3_column_type(l->found, 1) == SQLITE_BLOB)
			parse_thread(t, sqlite3_column_blob(l->found, 1),
			             (size_t)sqlite3_column_bytes(l->found, 1));
	}
	return t;
}

static const user *find_user(const thread *t, const char *pk)
{
	size_t i;

	for (i = 0; t && pk && i < t->n_users; i++)
		if (!strcmp(t->users[i].pk, pk))
			return &t->users[i];
	return NULL;
}

static const char *display_name(const user *u)
{
	if (!u)
		return NULL;
	if (chat_nonempty(u->full_name))
		return u->full_name;
	return chat_nonempty(u->username);
}

/* ---- messages ----------------------------------------------------------- */

typedef struct decoded {
	char *sender, *thread_id, *server_id, *subtype, *body, *reply_to;
	char *call_id, *media_id, *media_url;
	bool has_time, forwarded, parsed;
	double time;
	int64_t voip_event;
	bool has_voip_event;
} decoded;

static void decoded_free(decoded *d)
{
	free(d->sender);
	free(d->thread_id);
	free(d->server_id);
	free(d->subtype);
	free(d->body);
	free(d->reply_to);
	free(d->call_id);
	free(d->media_id);
	free(d->media_url);
}

static void decode_media(const nska *a, const bp_value *content, decoded *d)
{
	bp_value media, permanent, photo, versions, first;

	if (!nska_get(a, content, "media", &media))
		return;
	if (!nska_get(a, &media, "permanentMedia", &permanent))
		permanent = media;
	if (!nska_get(a, &permanent, "photo", &photo) &&
	    !nska_get(a, &permanent, "video", &photo))
		return;
	d->media_id = nska_text(a, &photo, "kIGPhotoMediaID");
	if (!d->media_id)
		d->media_id = nska_text(a, &photo, "mediaId");
	if (nska_get(a, &photo, "imageVersions", &versions) &&
	    nska_item(a, &versions, 0, &first))
		d->media_url = nska_text(a, &first, "url");
}

static void decode_activity(const nska *a, const bp_value *content, decoded *d)
{
	bp_value activity, v;

	if (!nska_get(a, content, "threadActivity", &activity))
		return;
	d->call_id = nska_text(a, &activity, "videoCallId");
	d->body = nska_text(a, &activity, "voipTitle");
	if (!d->body)
		d->body = nska_text(a, &activity, "text");
	if (nska_get(a, &activity, "voipEventType", &v) && v.type == BP_INT) {
		d->voip_event = v.i;
		d->has_voip_event = true;
	}
}

static void decode(const unsigned char *blob, size_t len, decoded *d)
{
	nska a;
	bp_value root, metadata, content, quoted, quoted_meta, v;

	memset(d, 0, sizeof *d);
	if (!nska_open(&a, blob, len, &root))
		return;
	d->parsed = true;
	if (nska_get(&a, &root, "metadata", &metadata)) {
		d->sender = nska_text(&a, &metadata, "senderPk");
		d->thread_id = nska_text(&a, &metadata, "threadId");
		d->server_id = nska_text(&a, &metadata, "serverId");
		d->has_time = nska_date(&a, &metadata, "serverTimestamp", &d->time);
	}
	if (nska_get(&a, &root, "content", &content)) {
		d->subtype = nska_text(&a, &content, "codedSubtype");
		d->body = nska_text(&a, &content, "string");
		if (!d->body)
			decode_activity(&a, &content, d);
		decode_media(&a, &content, d);
	}
	if (nska_get(&a, &root, "quotedMessage", &quoted) &&
	    nska_get(&a, &quoted, "metadata", &quoted_meta))
		d->reply_to = nska_text(&a, &quoted_meta, "serverId");
	d->forwarded = nska_get(&a, &root, "forwardMetadata", &v) && v.type == BP_DICT;
}

static chat_kind kind_of(const decoded *d)
{
	if (!d->subtype)
		return d->body ? CHAT_TEXT : CHAT_SYSTEM;
	if (!strcmp(d->subtype, "SUBTYPE_TEXT"))
		return CHAT_TEXT;
	if (!strcmp(d->subtype, "SUBTYPE_MEDIA") || d->media_id || d->media_url)
		return CHAT_MEDIA;
	if (d->call_id)
		return CHAT_CALL;
	return CHAT_SYSTEM;
}

/* Everyone of the thread (the viewer among them) as JSON, and the same
 * without the sender. */
static void people(const thread *t, const char *sender, char **everyone,
                   char **others)
{
	chat_json all, rest;
	size_t i;

	chat_json_array(&all);
	chat_json_array(&rest);
	if (t && t->viewer) {
		chat_json_add(&all, t->viewer);
		if (!chat_same(t->viewer, sender))
			chat_json_add(&rest, t->viewer);
	}
	for (i = 0; t && i < t->n_users; i++) {
		chat_json_add_unique(&all, t->users[i].pk);
		if (!chat_same(t->users[i].pk, sender) && !chat_same(t->users[i].pk, t->viewer))
			chat_json_add_unique(&rest, t->users[i].pk);
	}
	*everyone = chat_json_take(&all);
	*others = chat_json_take(&rest);
}

enum { M_ID, M_THREAD, M_ARCHIVE, M_CLASS };

static const char *const message_columns[] = {
	"message_id", "thread_id", "archive", "class_name", NULL
};

static void emit_message(chat_ctx *ctx, chat_rowset *rs, chat_lookup *threads,
                         thread *cache)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	decoded d;
	const thread *t;
	char *key = NULL, *everyone = NULL, *others = NULL, *extra;
	chat_json e;
	const char *id = chat_col_text(s, M_ID);

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	if (sqlite3_column_type(s, M_ARCHIVE) == SQLITE_BLOB)
		decode(sqlite3_column_blob(s, M_ARCHIVE), (size_t)sqlite3_column_bytes(s, M_ARCHIVE),
		       &d);
	else
		memset(&d, 0, sizeof d);
	if (!d.parsed)
		chat_report(ctx, rs->offset, "Instagram: message %s: its archive is not a "
		            "keyed archive that can be read", id ? id : "(no id)");
	m.thread_id = chat_nonempty(chat_col_text(s, M_THREAD));
	if (!m.thread_id)
		m.thread_id = d.thread_id;
	t = load_thread(ctx, threads, cache, m.thread_id);
	m.account = t ? t->viewer : NULL;
	m.sender = d.sender;
	m.sender_name = display_name(find_user(t, d.sender));
	if (m.sender && m.account)
		m.direction = chat_same(m.sender, m.account) ? CHAT_OUTGOING : CHAT_INCOMING;
	people(t, d.sender, &everyone, &others);
	m.participants = everyone;
	m.recipients = m.sender ? others : NULL;
	if (d.has_time)
		m.sent = chat_time_from_real(ctx, d.time, 1, CHAT_EPOCH_APPLE, true);
	m.precision = "1us";
	m.body = d.body;
	m.kind = kind_of(&d);
	m.reply_to = d.reply_to;
	m.forwarded = d.parsed ? (d.forwarded ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
	m.deleted = m.edited = CHAT_FLAG_UNKNOWN;
	key = id ? chat_key_text("messages", id) : chat_key("messages", m.prov.rowid);
	m.key = key;
	chat_json_object(&e);
	chat_json_text(&e, "subtype", d.subtype);
	chat_json_text(&e, "server_id", d.server_id);
	chat_json_text(&e, "video_call_id", d.call_id);
	if (d.has_voip_event)
		chat_json_int(&e, "voip_event", d.voip_event);
	chat_extra_text(&e, "class_name", s, M_CLASS);
	extra = chat_json_take(&e);
	m.extra = extra;
	if (key) {
		chat_emit_message(ctx, &m);
		if (d.media_id || d.media_url) {
			chat_attachment a;

			memset(&a, 0, sizeof a);
			a.message_key = key;
			a.name = d.media_id;
			a.url = d.media_url;
			a.prov = m.prov;
			chat_emit_attachment(ctx, &a);
		}
	}
	free(key);
	free(everyone);
	free(others);
	free(extra);
	decoded_free(&d);
}

/* ---- the owner and the people of the threads ---------------------------- */

static void read_threads(chat_ctx *ctx, const chat_source *src)
{
	static const char *const columns[] = { "thread_id", "viewer_id", "metadata", NULL };
	chat_rowset rs;
	chat_json seen;

	if (!chat_rows_open(&rs, ctx, src, "threads", columns, NULL))
		return;
	chat_json_array(&seen);
	while (chat_rows_next(&rs)) {
		thread t;
		const char *viewer = chat_nonempty(chat_col_text(rs.stmt, 1));
		size_t i, before = seen.n;

		memset(&t, 0, sizeof t);
		if (sqlite3_column_type(rs.stmt, 2) == SQLITE_BLOB)
			parse_thread(&t, sqlite3_column_blob(rs.stmt, 2),
			             (size_t)sqlite3_column_bytes(rs.stmt, 2));
		chat_json_add_unique(&seen, viewer);
		if (viewer && seen.n > before) {
			chat_account a;

			memset(&a, 0, sizeof a);
			chat_rows_provenance(&rs, &a.prov);
			a.account_id = viewer;
			a.name = display_name(find_user(&t, viewer));
			chat_emit_account(ctx, &a);
		}
		for (i = 0; i < t.n_users; i++) {
			chat_contact c;
			chat_json e;
			char *extra;

			if (chat_same(t.users[i].pk, viewer))
				continue;
			chat_json_add_unique(&seen, t.users[i].pk);
			memset(&c, 0, sizeof c);
			chat_rows_provenance(&rs, &c.prov);
			c.account = viewer;
			c.contact_id = t.users[i].pk;
			c.username = chat_nonempty(t.users[i].username);
			c.name = chat_nonempty(t.users[i].full_name);
			c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
			chat_json_object(&e);
			chat_extra_text(&e, "thread_id", rs.stmt, 0);
			extra = chat_json_take(&e);
			c.extra = extra;
			chat_emit_contact(ctx, &c);
			free(extra);
		}
		thread_clear(&t);
	}
	chat_json_free(&seen);
	chat_rows_close(&rs);
}

/*
 * instagram_ios_extract — every message of src, and (live or recovered)
 * the accounts and people of the threads.
 * RETURN: the worst EXHIBIT_* code met (also in ctx).
 */
static int instagram_ios_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	chat_lookup threads;
	thread cache;

	memset(&cache, 0, sizeof cache);
	chat_lookup_open(&threads, ctx, src,
	                 "SELECT viewer_id, metadata FROM threads WHERE thread_id = ?1");
	if (chat_rows_open(&rs, ctx, src, "messages", message_columns, NULL)) {
		while (chat_rows_next(&rs))
			emit_message(ctx, &rs, &threads, &cache);
		chat_rows_close(&rs);
	}
	chat_lookup_close(&threads);
	thread_clear(&cache);
	read_threads(ctx, src);
	return ctx->status;
}

/* ---- the plugin --------------------------------------------------------- */

static const char *const fingerprint[] = {
	"messages", "threads", "messages.message_id", "messages.thread_id",
	"messages.archive", "threads.thread_id", "threads.viewer_id",
	"threads.metadata", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, instagram_ios_extract },
};

CHAT_SQLITE_PLUGIN("instagram-ios", "1.0",
	                   "Instagram direct messages on iOS (keyed archives in <user id>.db), by schema",
	                   parsers)

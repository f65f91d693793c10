/*
 * tango.c — the "tango" plugin: Tango for Android, recognised by schema:
 * tc.db (messages and conversations) and profile.db (profiles).
 *
 * tc.db.  messages: msg_id, conv_id, type, create_time and send_time (Unix
 * milliseconds: when this phone made the row, and the message's sending
 * time), direction (1 sent by the owner, 2 received: the owner's
 * auto-sent "I am following you" messages are all 1, and only 2 carry
 * the sender), del_status (non-zero: deleted), payload.  The payload is
 * base64 of a protocol-buffers message: 2 conversation id, 3 type,
 * 4 text, 5 media URL, 6 thumbnail URL, 7 local media path, 8 media size,
 * 9 duration (s), 10 media id, 18/19 width/height, 21 the sender
 * {1 service, 2 role, 3 account id}, 22 send time, 29 create time,
 * 76 the text of a notification ("X liked the video").
 * Types: 0 text, 1 video, 2 audio, 3 picture, 30 music, 35 sticker; others
 * (61 a like, ...) are notifications.  conversations: conv_id, payload
 * {2 peer {3 account id}, 3 conversation id}, conv_del_status.
 * In one-to-one conversations the conversation id is the peer's account.
 *
 * profile.db.  profiletable: one row per profile the app cached: itemUserId,
 * itemFirstName, itemLastName, itemStatus and itemFriendRequestMessage in
 * base64 (UTF-8 inside), itemBirthday, itemGender, itemLastActiveTime and
 * itemFriendRequestTime (Unix ms), itemIsFriend, itemIsBlocked, ...;
 * profiles: key/value, keyCurrentUserId is the owner's account.
 *
 * Records: chat_messages (key "messages:<msg_id>"), chat_attachments for
 * media, chat_contacts (every profile but the owner's), chat_accounts (the
 * owner).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Tango"
#define MAX_PAYLOAD (16u * 1024 * 1024)

/* ---- base64 and protocol buffers --------------------------------------- */

static int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Strict base64 (padding optional, no blanks); false when in is not. */
static bool base64_decode(const unsigned char *in, size_t len, unsigned char **out,
                          size_t *out_len)
{
	unsigned char *buf;
	uint32_t acc = 0;
	size_t i, n = 0, bits = 0;

	while (len && in[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return false;
	buf = malloc(len * 3 / 4 + 1);
	if (!buf)
		return false;
	for (i = 0; i < len; i++) {
		int v = base64_value(in[i]);

		if (v < 0) {
			free(buf);
			return false;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (unsigned char)(acc >> bits);
		}
	}
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return true;
}

typedef struct pb {
	const unsigned char *p, *end;
} pb;

typedef struct pb_field {
	uint32_t number;
	int wire;
	uint64_t value;            /* varint */
	const unsigned char *data; /* length-delimited */
	size_t len;
} pb_field;

static bool pb_varint(pb *b, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (b->p < b->end && shift < 64) {
		unsigned char c = *b->p++;

		*v |= (uint64_t)(c & 0x7F) << shift;
		if (c < 0x80)
			return true;
		shift += 7;
	}
	return false;
}

/* The next field; false at the end or on malformed bytes. */
static bool pb_next(pb *b, pb_field *f)
{
	uint64_t key, len;

	if (b->p >= b->end || !pb_varint(b, &key) || key >> 3 == 0 || key >> 3 > UINT32_MAX)
		return false;
	f->number = (uint32_t)(key >> 3);
	f->wire = (int)(key & 7);
	f->data = NULL;
	f->len = 0;
	switch (f->wire) {
	case 0:
		return pb_varint(b, &f->value);
	case 1:
		if (b->end - b->p < 8)
			return false;
		b->p += 8;
		return true;
	case 2:
		if (!pb_varint(b, &len) || len > (uint64_t)(b->end - b->p))
			return false;
		f->data = b->p;
		f->len = (size_t)len;
		b->p += len;
		return true;
	case 5:
		if (b->end - b->p < 4)
			return false;
		b->p += 4;
		return true;
	default:
		return false;
	}
}

/* The first field with this number and wire type in [data, data+len). */
static bool pb_find(const unsigned char *data, size_t len, uint32_t number,
                    int wire, pb_field *out)
{
	pb b = { data, data + len };
	pb_field f;

	while (pb_next(&b, &f))
		if (f.number == number && f.wire == wire) {
			*out = f;
			return true;
		}
	return false;
}

/* A string field as cleaned text (NULL when absent or empty). */
static char *pb_text(const unsigned char *data, size_t len, uint32_t number)
{
	pb_field f;

	if (!data || !pb_find(data, len, number, 2, &f) || !f.len)
		return NULL;
	return chat_clean_text(f.data, f.len);
}

static bool pb_int(const unsigned char *data, size_t len, uint32_t number,
                   int64_t *v)
{
	pb_field f;

	if (!data || !pb_find(data, len, number, 0, &f) || f.value > INT64_MAX)
		return false;
	*v = (int64_t)f.value;
	return true;
}

/* A payload column: base64 of protobuf (or raw protobuf).  malloc'd. */
static unsigned char *payload_of(sqlite3_stmt *s, int i, size_t *len)
{
	const unsigned char *raw = sqlite3_column_blob(s, i);
	int n = sqlite3_column_bytes(s, i);
	unsigned char *out = NULL;

	*len = 0;
	if (!raw || n <= 0 || (unsigned)n > MAX_PAYLOAD)
		return NULL;
	if (base64_decode(raw, (size_t)n, &out, len))
		return out;
	out = malloc((size_t)n);
	if (out) {
		memcpy(out, raw, (size_t)n);
		*len = (size_t)n;
	}
	return out;
}

/* ---- tc.db: messages ---------------------------------------------------- */

enum {
	M_ID, M_CONV, M_TYPE, M_MEDIA, M_SHARE, M_CREATE, M_SEND, M_DIRECTION,
	M_STATUS, M_PAYLOAD, M_DEL
};

static const char *const message_columns[] = {
	"msg_id", "conv_id", "type", "media_id", "share_id", "create_time",
	"send_time", "direction", "status", "payload", "del_status", NULL
};

static chat_kind kind_of(bool known, int64_t type, bool has_text)
{
	if (!known)
		return has_text ? CHAT_TEXT : CHAT_SYSTEM;
	switch (type) {
	case 0:
		return CHAT_TEXT;
	case 1: case 2: case 3: case 30: case 35:
		return CHAT_MEDIA;
	default:
		return CHAT_SYSTEM;
	}
}

static const char *media_kind(int64_t type)
{
	switch (type) {
	case 1: return "video";
	case 2: return "audio";
	case 3: return "picture";
	case 30: return "music";
	case 35: return "sticker";
	default: return NULL;
	}
}

static void emit_media(chat_ctx *ctx, const unsigned char *pl, size_t len,
                       int64_t type, const char *key, const chat_provenance *prov)
{
	chat_attachment a;
	chat_json extra;
	char *path = pl ? pb_text(pl, len, 7) : NULL;
	char *url = pl ? pb_text(pl, len, 5) : NULL;
	char *thumb = pl ? pb_text(pl, len, 6) : NULL;
	char *media_id = pl ? pb_text(pl, len, 10) : NULL;
	char *extra_text;
	int64_t v;

	memset(&a, 0, sizeof a);
	a.message_key = key;
	a.path = path;
	a.url = url;
	if (path && strrchr(path, '/'))
		a.name = strrchr(path, '/') + 1;
	else
		a.name = media_id;
	a.has_size = pl && pb_int(pl, len, 8, &a.size);
	chat_json_object(&extra);
	chat_json_text(&extra, "kind", media_kind(type));
	chat_json_text(&extra, "media_id", media_id);
	chat_json_text(&extra, "thumbnail_url", thumb);
	if (pl && pb_int(pl, len, 9, &v))
		chat_json_int(&extra, "duration", v);
	if (pl && pb_int(pl, len, 18, &v))
		chat_json_int(&extra, "width", v);
	if (pl && pb_int(pl, len, 19, &v))
		chat_json_int(&extra, "height", v);
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	a.prov = *prov;
	chat_emit_attachment(ctx, &a);
	free(path);
	free(url);
	free(thumb);
	free(media_id);
	free(extra_text);
}

static void emit_message(chat_ctx *ctx, chat_rowset *rs, chat_lookup *conv)
{
	sqlite3_stmt *s = rs->stmt;
	chat_message m;
	size_t len = 0;
	unsigned char *pl = payload_of(s, M_PAYLOAD, &len);
	int64_t type = 0, direction = 0, del = 0, id;
	bool has_type = chat_col_int(s, M_TYPE, &type);
	const char *conv_id = chat_nonempty(chat_col_text(s, M_CONV));
	char *text = pl ? pb_text(pl, len, 4) : NULL;
	char *sender = NULL, *key = NULL, *extra, *participants = NULL;
	chat_json recipients, e;
	pb_field peer;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	if (!text && pl)
		text = pb_text(pl, len, 76); /* a notification's text */
	if (pl && pb_find(pl, len, 21, 2, &peer))
		sender = pb_text(peer.data, peer.len, 3);
	if (chat_col_int(s, M_DIRECTION, &direction))
		m.direction = direction == 1 ? CHAT_OUTGOING :
		              direction == 2 ? CHAT_INCOMING : CHAT_UNKNOWN_DIRECTION;
	if (m.direction == CHAT_INCOMING && !sender && conv_id)
		sender = strdup(conv_id); /* one-to-one: the peer */
	m.thread_id = conv_id;
	if (conv_id && chat_lookup_find_text(conv, ctx, conv_id)) {
		size_t plen = 0;
		unsigned char *cp = payload_of(conv->found, 0, &plen);
		chat_json list;
		pb b = { cp, cp + plen };
		pb_field f;

		chat_json_array(&list);
		while (cp && pb_next(&b, &f))
			if (f.number == 2 && f.wire == 2) {
				char *member = pb_text(f.data, f.len, 3);

				chat_json_add_unique(&list, member);
				free(member);
			}
		participants = chat_json_take(&list);
		free(cp);
	}
	m.participants = participants;
	m.sender = m.direction == CHAT_INCOMING ? sender : NULL;
	chat_json_array(&recipients);
	if (m.direction == CHAT_OUTGOING)
		chat_json_add(&recipients, conv_id);
	m.recipients = chat_json_take(&recipients);
	m.sent = chat_col_time(ctx, s, M_SEND, 1000, CHAT_EPOCH_UNIX, true);
	if (m.direction == CHAT_INCOMING)
		m.received = chat_col_time(ctx, s, M_CREATE, 1000, CHAT_EPOCH_UNIX, true);
	m.precision = "1ms";
	m.body = text;
	m.kind = kind_of(has_type, type, text != NULL);
	/* a recovered row whose rowid was lost is a message all the same:
	 * "messages:-1" (see chat.h) */
	if (!chat_col_int(s, M_ID, &id) && !chat_rows_rowid(rs, &id))
		id = -1;
	key = chat_key("messages", id);
	m.key = key;
	m.forwarded = m.edited = CHAT_FLAG_UNKNOWN;
	m.deleted = chat_col_int(s, M_DEL, &del) ? (del ? CHAT_FLAG_YES : CHAT_FLAG_NO)
	                                         : CHAT_FLAG_UNKNOWN;
	chat_json_object(&e);
	chat_extra_int(&e, "type", s, M_TYPE);
	chat_extra_int(&e, "direction", s, M_DIRECTION);
	chat_extra_int(&e, "status", s, M_STATUS);
	chat_extra_int(&e, "del_status", s, M_DEL);
	chat_extra_int(&e, "create_time", s, M_CREATE);
	chat_extra_int(&e, "send_time", s, M_SEND);
	chat_extra_text(&e, "media_id", s, M_MEDIA);
	chat_extra_text(&e, "share_id", s, M_SHARE);
	extra = chat_json_take(&e);
	m.extra = extra;
	if (key) {
		chat_emit_message(ctx, &m);
		if (m.kind == CHAT_MEDIA)
			emit_media(ctx, pl, len, type, key, &m.prov);
	}
	free((char *)m.recipients);
	free(participants);
	free(pl);
	free(text);
	free(sender);
	free(key);
	free(extra);
}

static int tango_tc_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	chat_lookup conv;

	if (!chat_rows_open(&rs, ctx, src, "messages", message_columns, NULL))
		return ctx->status;
	chat_lookup_open(&conv, ctx, src, "SELECT payload FROM conversations WHERE conv_id = ?1");
	while (chat_rows_next(&rs))
		emit_message(ctx, &rs, &conv);
	chat_rows_close(&rs);
	chat_lookup_close(&conv);
	return ctx->status;
}

/* ---- profile.db ---------------------------------------------------------- */

enum {
	P_ID, P_FIRST, P_LAST, P_BIRTHDAY, P_GENDER, P_STATUS, P_ACTIVE,
	P_DISTANCE, P_CITY, P_COUNTRY, P_FRIEND, P_BLOCKED, P_REQUEST_TYPE,
	P_REQUEST_MESSAGE, P_REQUEST_TIME, P_ACCESS, P_PROFILE_TYPE, P_AVATAR
};

static const char *const profile_columns[] = {
	"itemUserId", "itemFirstName", "itemLastName", "itemBirthday", "itemGender",
	"itemStatus", "itemLastActiveTime", "itemDistance", "itemCity",
	"itemGeoCountryCode", "itemIsFriend", "itemIsBlocked",
	"itemFriendRequestType", "itemFriendRequestMessage", "itemFriendRequestTime",
	"itemLastLocalAccessTime", "itemProfileType", "itemAvatarUrl", NULL
};

/* A base64 text column decoded (UTF-8 inside), else as stored. */
static char *decoded(sqlite3_stmt *s, int i)
{
	const unsigned char *raw = sqlite3_column_text(s, i);
	int n = sqlite3_column_bytes(s, i);
	unsigned char *bytes;
	size_t len;
	char *text;

	if (!raw || n <= 0)
		return NULL;
	if (!base64_decode(raw, (size_t)n, &bytes, &len))
		return chat_col_dup(s, i);
	text = chat_clean_text(bytes, len);
	free(bytes);
	return text && *text ? text : (free(text), (char *)NULL);
}

static char *full_name(sqlite3_stmt *s)
{
	char *first = decoded(s, P_FIRST), *last = decoded(s, P_LAST), *name = NULL;

	if ((first || last) &&
	    asprintf(&name, "%s%s%s", first ? first : "", first && last ? " " : "",
	             last ? last : "") < 0)
		name = NULL;
	free(first);
	free(last);
	return name;
}

static void emit_profile(chat_ctx *ctx, chat_rowset *rs, const char *account)
{
	sqlite3_stmt *s = rs->stmt;
	chat_contact c;
	chat_json e;
	char *name = full_name(s), *status = decoded(s, P_STATUS);
	char *request = decoded(s, P_REQUEST_MESSAGE), *extra;
	int64_t v;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	c.account = account;
	c.contact_id = chat_col_text(s, P_ID);
	c.name = name;
	c.birthday = chat_nonempty(chat_col_text(s, P_BIRTHDAY));
	c.status_text = status;
	c.last_seen = chat_col_time(ctx, s, P_ACTIVE, 1000, CHAT_EPOCH_UNIX, true);
	c.precision = "1ms";
	c.blocked = chat_col_int(s, P_BLOCKED, &v) ? (v ? CHAT_FLAG_YES : CHAT_FLAG_NO)
	                                           : CHAT_FLAG_UNKNOWN;
	c.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&e);
	chat_extra_text(&e, "gender", s, P_GENDER);
	if (sqlite3_column_type(s, P_DISTANCE) == SQLITE_FLOAT ||
	    sqlite3_column_type(s, P_DISTANCE) == SQLITE_INTEGER)
		chat_json_real(&e, "distance", sqlite3_column_double(s, P_DISTANCE));
	chat_extra_text(&e, "city", s, P_CITY);
	chat_extra_text(&e, "country", s, P_COUNTRY);
	chat_extra_int(&e, "is_friend", s, P_FRIEND);
	chat_extra_text(&e, "friend_request_type", s, P_REQUEST_TYPE);
	chat_json_text(&e, "friend_request_message", request);
	chat_extra_int(&e, "friend_request_time", s, P_REQUEST_TIME);
	chat_extra_int(&e, "last_local_access_time", s, P_ACCESS);
	chat_extra_text(&e, "profile_type", s, P_PROFILE_TYPE);
	chat_extra_text(&e, "avatar_url", s, P_AVATAR);
	extra = chat_json_take(&e);
	c.extra = extra;
	chat_emit_contact(ctx, &c);
	free(name);
	free(status);
	free(request);
	free(extra);
}

static void emit_owner(chat_ctx *ctx, chat_rowset *rs, const char *account)
{
	chat_account a;
	char *name = full_name(rs->stmt);

	memset(&a, 0, sizeof a);
	chat_rows_provenance(rs, &a.prov);
	a.account_id = account;
	a.name = name;
	chat_emit_account(ctx, &a);
	free(name);
}

static int tango_profile_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;
	sqlite3_stmt *s;
	char *account = NULL;

	s = chat_prepare(ctx, src->lookup,
	                 "SELECT value FROM profiles WHERE key = 'keyCurrentUserId'", true);
	if (chat_step(ctx, s) && chat_nonempty(chat_col_text(s, 0)))
		account = strdup(chat_col_text(s, 0));
	sqlite3_finalize(s);
	if (chat_rows_open(&rs, ctx, src, "profiletable", profile_columns, NULL)) {
		while (chat_rows_next(&rs)) {
			if (account && chat_same(chat_col_text(rs.stmt, P_ID), account))
				emit_owner(ctx, &rs, account);
			else
				emit_profile(ctx, &rs, account);
		}
		chat_rows_close(&rs);
	}
	free(account);
	return ctx->status;
}

/* ---- the plugin --------------------------------------------------------- */

static const char *const tc_fingerprint[] = {
	"messages", "conversations", "messages.msg_id", "messages.conv_id",
	"messages.payload", "messages.create_time", "messages.send_time",
	"messages.direction", "conversations.conv_id", "conversations.payload", NULL
};

static const char *const profile_fingerprint[] = {
	"profiletable", "profiletable.itemUserId", "profiletable.itemFirstName",
	"profiletable.itemLastName", NULL
};

static const chat_parser parsers[] = {
	{ APP, tc_fingerprint, tango_tc_extract },
	{ APP, profile_fingerprint, tango_profile_extract },
};

CHAT_SQLITE_PLUGIN("tango", "1.0",
	                   "Tango for Android: messages (tc.db) and profiles (profile.db), by schema",
	                   parsers)

/*
 * wa_common.c — what the WhatsApp for Android parsers share (whatsapp.h):
 * the meaning of WhatsApp's type and status numbers, JIDs, Base64 hashes,
 * attachments and the media path of the legacy layout.
 *
 * Only the numbers the published descriptions of msgstore.db agree on
 * are named; every other number is kept as it is in the record's extra,
 * never guessed at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whatsapp.h"

const char *wa_type_name(int64_t type)
{
	switch (type) {
	case 1: return "image";
	case 2: return "audio";
	case 3: return "video";
	case 4: return "contact";
	case 5: return "location";
	case 9: return "document";
	case 13: return "gif";
	case 14: return "contacts";
	case 16: return "live location";
	case 20: return "sticker";
	case 42: return "view-once image";
	case 43: return "view-once video";
	default: return NULL;
	}
}

chat_kind wa_kind(bool has_type, int64_t type, bool has_media)
{
	if (has_type && type == WA_TYPE_SYSTEM)
		return CHAT_SYSTEM;
	if (has_media || (has_type && wa_type_name(type)))
		return CHAT_MEDIA;
	return CHAT_TEXT;
}

const char *wa_status_name(int64_t status, bool from_me)
{
	if (status == WA_STATUS_SYSTEM)
		return "system";
	if (!from_me)
		return status == 0 ? "received" : NULL;
	switch (status) {
	case 4: return "sent";
	case 5: return "delivered";
	case 8: return "played";
	case 13: return "read";
	default: return NULL;
	}
}

chat_time wa_time(chat_ctx *ctx, sqlite3_stmt *s, int i)
{
	chat_time none = { false, 0, 0 };
	int64_t v;

	if (chat_col_int(s, i, &v) && v <= 0)
		return none;
	return chat_col_time(ctx, s, i, 1000, CHAT_EPOCH_UNIX, true);
}

bool wa_is_group(const char *jid)
{
	size_t n = jid ? strlen(jid) : 0;

	return n > 5 && !strcmp(jid + n - 5, "@g.us");
}

static int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t wa_base64(const char *text, unsigned char *out, size_t cap)
{
	uint32_t bits = 0;
	unsigned n_bits = 0;
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)text;

	if (!text || !*text)
		return 0;
	for (; *p && *p != '='; p++) {
		int v = base64_value(*p);

		if (v < 0)
			return 0;
		bits = (bits << 6 | (uint32_t)v) & 0xffffff;
		n_bits += 6;
		if (n_bits >= 8) {
			n_bits -= 8;
			if (n == cap)
				return 0;
			out[n++] = (unsigned char)(bits >> n_bits);
		}
	}
	{
		size_t chars = (size_t)(p - (const unsigned char *)text), pad = 0;

		while (p[pad] == '=')
			pad++;
		/* nothing after the padding, and padding only to a whole group */
		if (p[pad] || (pad && ((chars + pad) % 4 || pad > 2)))
			return 0;
	}
	/* no stray bits but the zeros the last group is filled with */
	if (n_bits >= 6 || (bits & ((1u << n_bits) - 1)))
		return 0;
	return n;
}

void wa_emit_media(chat_ctx *ctx, const char *message_key, const wa_media *m,
                   const chat_provenance *prov)
{
	unsigned char hash[32];
	chat_attachment a;
	chat_json extra;
	char *extra_text;

	memset(&a, 0, sizeof a);
	a.message_key = message_key;
	a.path = chat_nonempty(m->path);
	a.url = chat_nonempty(m->url);
	a.mime_type = chat_nonempty(m->mime_type);
	a.name = chat_nonempty(m->name);
	if (!a.name && a.path) {
		const char *slash = strrchr(a.path, '/');

		a.name = slash && slash[1] ? slash + 1 : NULL;
	}
	a.has_size = m->has_size && m->size >= 0;
	a.size = m->size;
	/* WhatsApp records the SHA-256 of the plain file, in Base64 */
	if (wa_base64(m->hash_base64, hash, sizeof hash) == sizeof hash) {
		a.hash = hash;
		a.hash_len = sizeof hash;
		a.hash_algorithm = "sha256";
	}
	chat_json_object(&extra);
	if (wa_type_name(m->type))
		chat_json_text(&extra, "media_type", wa_type_name(m->type));
	if (m->has_duration)
		chat_json_int(&extra, "duration", m->duration);
	if (m->has_width) {
		chat_json_int(&extra, "width", m->width);
		chat_json_int(&extra, "height", m->height);
	}
	if (!a.hash)
		chat_json_text(&extra, "file_hash", chat_nonempty(m->hash_base64));
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	a.prov = *prov;
	chat_emit_attachment(ctx, &a);
	free(extra_text);
}

char *wa_java_path(const unsigned char *blob, size_t len)
{
	size_t i;

	if (!blob)
		return NULL;
	for (i = 0; i + 4 <= len; i++) {
		size_t n;

		if (blob[i] != 0x74 || blob[i + 3] != '/')
			continue;
		n = (size_t)blob[i + 1] << 8 | blob[i + 2];
		if (n < 2 || i + 3 + n > len || memchr(blob + i + 3, 0, n))
			continue;
		return chat_clean_text(blob + i + 3, n);
	}
	return NULL;
}

bool wa_has_message_layout(chat_ctx *ctx, sqlite3 *db)
{
	sqlite3_stmt *s;
	bool rows;

	if (!chat_matches(db, wa_message_fingerprint))
		return false;
	s = chat_prepare(ctx, db, "SELECT 1 FROM message WHERE chat_row_id > 0 LIMIT 1", true);
	rows = chat_step(ctx, s);
	sqlite3_finalize(s);
	return rows;
}

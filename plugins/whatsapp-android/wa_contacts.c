/*
 * wa_contacts.c — wa.db of WhatsApp for Android: who a JID is.
 *
 *   wa_contacts   one row per address-book entry WhatsApp knows (and per
 *                 WhatsApp user met outside the address book): jid,
 *                 is_whatsapp_user, status (the "about" text) and
 *                 status_timestamp (Unix ms), number, display_name (the
 *                 address book's), given_name, family_name, wa_name (the
 *                 name the user gave WhatsApp), nickname, sort_name,
 *                 company, title, raw_contact_id (the Android contact).
 *
 * Records: chat_contacts (contact_id: the JID, as msgstore.db names the
 * same person).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "whatsapp.h"

const char *const wa_contacts_fingerprint[] = {
	"wa_contacts", "wa_contacts.jid", "wa_contacts.is_whatsapp_user",
	"wa_contacts.display_name", NULL
};

enum {
	K_JID, K_USER, K_STATUS, K_STATUS_TIME, K_NUMBER, K_DISPLAY, K_GIVEN,
	K_FAMILY, K_WA_NAME, K_NICKNAME, K_SORT, K_COMPANY, K_TITLE, K_RAW_ID
};

static const char *const contact_columns[] = {
	"jid", "is_whatsapp_user", "status", "status_timestamp", "number",
	"display_name", "given_name", "family_name", "wa_name", "nickname",
	"sort_name", "company", "title", "raw_contact_id", NULL
};

static void emit_contact(chat_ctx *ctx, chat_rowset *rs)
{
	sqlite3_stmt *s = rs->stmt;
	const char *name, *number = chat_nonempty(chat_col_text(s, K_NUMBER));
	chat_contact c;
	chat_json phones, extra;
	char *phones_text, *extra_text;

	memset(&c, 0, sizeof c);
	chat_rows_provenance(rs, &c.prov);
	c.contact_id = chat_nonempty(chat_col_text(s, K_JID));
	name = chat_nonempty(chat_col_text(s, K_DISPLAY));
	if (!name)
		name = chat_nonempty(chat_col_text(s, K_WA_NAME));
	c.name = name;
	chat_json_array(&phones);
	chat_json_add(&phones, number);
	phones_text = chat_json_take(&phones);
	c.phones = phones_text;
	c.status_text = chat_nonempty(chat_col_text(s, K_STATUS));
	c.precision = "1ms";
	c.blocked = c.deleted = CHAT_FLAG_UNKNOWN;
	chat_json_object(&extra);
	chat_extra_int(&extra, "is_whatsapp_user", s, K_USER);
	chat_extra_int(&extra, "status_timestamp", s, K_STATUS_TIME);
	chat_extra_text(&extra, "wa_name", s, K_WA_NAME);
	chat_extra_text(&extra, "given_name", s, K_GIVEN);
	chat_extra_text(&extra, "family_name", s, K_FAMILY);
	chat_extra_text(&extra, "nickname", s, K_NICKNAME);
	chat_extra_text(&extra, "sort_name", s, K_SORT);
	chat_extra_text(&extra, "company", s, K_COMPANY);
	chat_extra_text(&extra, "title", s, K_TITLE);
	chat_extra_int(&extra, "raw_contact_id", s, K_RAW_ID);
	extra_text = chat_json_take(&extra);
	c.extra = extra_text;
	chat_emit_contact(ctx, &c);
	free(phones_text);
	free(extra_text);
}

int wa_contacts_extract(chat_ctx *ctx, const chat_source *src)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, ctx, src, "wa_contacts", contact_columns, NULL))
		return ctx->status;
	while (chat_rows_next(&rs))
		emit_contact(ctx, &rs);
	chat_rows_close(&rs);
	return ctx->status;
}

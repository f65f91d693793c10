/*
 * whatsapp.h — the parts of the "whatsapp-android" plugin: WhatsApp for
 * Android's message store (msgstore.db) in its two layouts, and its
 * contact list (wa.db), each recognised by schema.
 *
 *   wa_message.c   msgstore.db since 2021 (WhatsApp 2.21.x): message,
 *                  chat, jid and the message_* tables beside them;
 *   wa_legacy.c    msgstore.db before: one messages table keyed by the
 *                  peer's JID, chat_list, group_participants;
 *   wa_calls.c     call_log (both layouts since 2019, JIDs by jid row);
 *   wa_contacts.c  wa.db: wa_contacts;
 *   wa_common.c    what they share: the numbers WhatsApp stores for a
 *                  message's type and state, JIDs, media and hashes.
 *
 * The two files are separate databases: msgstore.db names people by JID
 * ("15551234567@s.whatsapp.net", a group "<creator>-<time>@g.us" or
 * "<id>@g.us"), and wa.db says who a JID is.  Messages keep the JIDs as
 * they are; the contacts of wa.db are records of their own, so a reviewer
 * joins them by JID (chat_contacts.contact_id).
 *
 * The owner's own JID is kept in neither database (it lives in the app's
 * preferences), so records carry no account, an incoming one-to-one
 * message no recipient, and outgoing ones no sender.
 */
#ifndef EXHIBIT_WHATSAPP_H
#define EXHIBIT_WHATSAPP_H

#include <stdbool.h>
#include <stdint.h>

#include "chat.h"
#include "chat_sql.h"

#define WA_APP "WhatsApp"
#define WA_SERVICE "WhatsApp"
#define WA_MAX_PARTICIPANTS 1024 /* members read for one group */

/*
 * Message types, the same numbers in both layouts (message.message_type,
 * messages.media_wa_type as text).  The ones a parser acts on:
 */
enum {
	WA_TYPE_TEXT = 0,
	WA_TYPE_SYSTEM = 7,    /* message layout; legacy marks these by status */
	WA_TYPE_REVOKED = 15   /* deleted for everyone: the text is gone */
};

/* wa_type_name — the kind of content a type number stands for ("image",
 * "voice or audio", ...), or NULL for text and numbers not known. */
const char *wa_type_name(int64_t type);

/* wa_kind — the record's message_type from the app's type number and
 * whether a media row came with it. */
chat_kind wa_kind(bool has_type, int64_t type, bool has_media);

/* wa_status_name — the state a status number stands for, in words
 * ("delivered", "read", ...), or NULL when not known. */
const char *wa_status_name(int64_t status, bool from_me);
#define WA_STATUS_SYSTEM 6 /* a control message: group events and the like */

/* wa_time — a column of Unix milliseconds; WhatsApp writes 0 or -1 for
 * "never", so those (and any negative count) are no time. */
chat_time wa_time(chat_ctx *ctx, sqlite3_stmt *s, int i);

/* wa_is_group — the JID names a group ("...@g.us"). */
bool wa_is_group(const char *jid);

/* wa_base64 — decode standard Base64 (padding optional) into out.
 * RETURN: bytes written, or 0 when text is not Base64 or exceeds cap. */
size_t wa_base64(const char *text, unsigned char *out, size_t cap);

/* What a message says of its file (NULL or unset where it says nothing). */
typedef struct wa_media {
	const char *path, *url, *mime_type, *name, *hash_base64;
	bool has_size;
	int64_t size;
	bool has_duration;
	int64_t duration;
	bool has_width;
	int64_t width, height;
	int64_t type; /* the message's type number */
} wa_media;

/* wa_emit_media — one attachment of the message with this key. */
void wa_emit_media(chat_ctx *ctx, const char *message_key, const wa_media *m,
                   const chat_provenance *prov);

/* wa_java_path — the first absolute path in the Java-serialised media
 * description the legacy layout keeps in thumb_image (a TC_STRING, 0x74,
 * a 16-bit big-endian length, bytes starting with '/'), malloc'd and
 * cleaned; NULL when there is none. */
char *wa_java_path(const unsigned char *blob, size_t len);

/* Extraction functions: every record of src (live or recovered rows). */
int wa_message_extract(chat_ctx *ctx, const chat_source *src);
int wa_legacy_extract(chat_ctx *ctx, const chat_source *src);
int wa_contacts_extract(chat_ctx *ctx, const chat_source *src);

/* wa_read_calls — the call_log of src (called by whichever message
 * parser claims the database). */
void wa_read_calls(chat_ctx *ctx, const chat_source *src);

/* wa_has_message_layout — db holds the message layout with rows in it
 * (the legacy parser then leaves the messages to it: during the
 * migration WhatsApp kept both tables). */
bool wa_has_message_layout(chat_ctx *ctx, sqlite3 *db);

extern const char *const wa_message_fingerprint[];
extern const char *const wa_legacy_fingerprint[];
extern const char *const wa_contacts_fingerprint[];

#endif

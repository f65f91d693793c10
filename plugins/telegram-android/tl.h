/*
 * tl.h — the Message objects Telegram for Android keeps in cache4.db,
 * decoded from their TL serialisation as far as the fields a review
 * needs: who sent it, to which chat, when, its text, and whether it
 * carries media, a forward or a reply.
 *
 * TL (Telegram's "Type Language") writes an object as its 32-bit
 * constructor number, then its fields in declaration order: int as 4
 * bytes and long as 8, little-endian; string as a length (one byte, or
 * 254 and three bytes) then the bytes, padded to a multiple of 4; a
 * "flags:#" word says which conditional fields ("flags.N?Type") follow;
 * a nested object is its own constructor and fields.  The fields of a
 * Message before its text depend on the constructor (the layer of the
 * schema the app wrote it with), so each constructor decoded here is
 * listed in tl.c with the layout the public schema (and the app's own
 * source) gives it.  A constructor not listed, or a nested object of one
 * not listed, stops the decoding there: what was read before stands, and
 * the problem names the constructor and its byte offset.  Nothing after
 * an unknown object is guessed.
 *
 * Decoding reads only the bytes given and allocates nothing.
 */
#ifndef EXHIBIT_TL_H
#define EXHIBIT_TL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum tl_peer_kind {
	TL_PEER_NONE = 0,
	TL_PEER_USER,
	TL_PEER_CHAT,    /* a basic group */
	TL_PEER_CHANNEL  /* a channel or supergroup */
} tl_peer_kind;

typedef struct tl_peer {
	tl_peer_kind kind;
	int64_t id;
} tl_peer;

typedef enum tl_message_kind {
	TL_MESSAGE = 0,     /* a message: text, media */
	TL_SERVICE,         /* a service message: an action (join, call, ...) */
	TL_EMPTY            /* an empty placeholder */
} tl_message_kind;

typedef struct tl_message {
	uint32_t constructor;
	bool known;               /* a constructor listed in tl.c */
	tl_message_kind kind;
	bool secret;              /* the app's own constructor for secret chats */
	uint32_t flags;
	bool has_id;
	int32_t id;
	bool out;                 /* flags.1 */
	tl_peer from, peer;
	bool forwarded;           /* a forward header is present */
	tl_peer fwd_from;
	bool has_reply;
	int32_t reply_to_msg_id;
	bool has_date;
	int32_t date;             /* Unix seconds */
	bool has_text;
	const uint8_t *text;      /* into the blob, not NUL-terminated */
	size_t text_len;
	bool has_media;
	uint32_t media;           /* the MessageMedia constructor */
	uint32_t action;          /* the MessageAction constructor (service) */
	bool complete;            /* every field up to text/action was read */
	const char *problem;      /* why decoding stopped (static text) */
	uint32_t problem_constructor;
	size_t problem_offset;    /* bytes into the blob */
} tl_message;

/*
 * tl_decode_message — decode blob (len bytes) into *m.
 * RETURN: true when every field up to the text (or a service message's
 * action) was read; false otherwise, with m->problem, and
 * m->problem_constructor and m->problem_offset where they apply, and the
 * fields read before it set.
 */
bool tl_decode_message(const uint8_t *blob, size_t len, tl_message *m);

/* tl_peer_text — a peer as the dialog id the app uses: a user's id, a
 * chat's or a channel's negated ("-42"); "" for none.  buf holds at
 * least 24 bytes. */
const char *tl_peer_text(const tl_peer *p, char *buf, size_t len);

#endif

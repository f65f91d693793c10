/*
 * tl.c — see tl.h.
 *
 * The constructors decoded, with the fields read before the text (after
 * "flags:#"; "?" marks a field present when the flag bit is set).  Each
 * layout is the one the public TL schema of its layer declares.
 *
 * Message (the int era, layers 71-118):
 *   0x90dddc11, 0x44f9b43d, 0x452c0e65
 *     id:int from_id:8?int to_id:Peer fwd_from:2?MessageFwdHeader
 *     via_bot_id:11?int reply_to_msg_id:3?int date:int message:string
 * Message (Peer senders, layers 119-173):
 *   0x58ae39c9 (via_bot_id int), 0x85d6cbe2, 0x38116ee0 (long),
 *   0x76bec211 (long, and saved_peer_id)
 *     id:int from_id:8?Peer peer_id:Peer [saved_peer_id:28?Peer]
 *     fwd_from:2?MessageFwdHeader via_bot_id:11?int|long
 *     reply_to:3?MessageReplyHeader date:int message:string
 * Message (a second flags word, layers 211-226):
 *   0x9815cec8, 0xb92f76cf, 0x9cb490e9, 0x3ae56482, and 0x95ef6f2b with
 *   from_rank and guestchat_via_from
 *     flags2:# id:int from_id:8?Peer from_boosts_applied:29?int
 *     [from_rank:flags2.12?string] peer_id:Peer saved_peer_id:28?Peer
 *     fwd_from:2?MessageFwdHeader via_bot_id:11?long
 *     via_business_bot_id:flags2.0?long [guestchat_via_from:flags2.19?Peer]
 *     reply_to:3?MessageReplyHeader date:int message:string
 * In every Message, media:9?MessageMedia follows the text: its
 * constructor is read, the object itself is not.
 * TL_message_secret 0x555555fa (Telegram for Android's own, secret chats):
 *     id:int ttl:int from_id:int to_id:Peer date:int message:string
 *     media:MessageMedia
 * messageService: 0x9e19a1f6 (id from_id:8?int to_id reply_to_msg_id:3?int
 *   date action), 0x286fa604, 0x2b085862 (id from_id:8?Peer peer_id
 *   reply_to:3?MessageReplyHeader date action), 0x7a800e0a (the same with
 *   saved_peer_id:28?Peer after peer_id).
 * messageEmpty: 0x83e5de54 (id), 0x90a6ca84 (flags id peer_id:0?Peer).
 * Peer: peerUser/peerChat/peerChannel with int ids (0x9db1bc6d,
 *   0xbad0e5bb, 0xbddde532) and long ids (0x59511722, 0x36c6019a,
 *   0xa2a5371e).
 * MessageFwdHeader:
 *   0xfadff4ac  from_id:0?int date channel_id:1?int channel_post:2?int
 *               post_author:3?string
 *   0xec338270  from_id:0?int from_name:5?string date channel_id:1?int
 *               channel_post:2?int post_author:3?string
 *               saved_from_peer:4?Peer saved_from_msg_id:4?int
 *   0x5f777dce  from_id:0?Peer from_name:5?string date channel_post:2?int
 *               post_author:3?string saved_from_peer:4?Peer
 *               saved_from_msg_id:4?int psa_type:6?string
 *   0x4e4df4bb  as 0x5f777dce, then saved_from_id:8?Peer
 *               saved_from_name:9?string saved_date:10?int, psa_type last
 * MessageReplyHeader:
 *   0xa6d57763  reply_to_msg_id:int reply_to_peer_id:0?Peer
 *               reply_to_top_id:1?int
 *   0xafbc09db, 0x6917560b  reply_to_msg_id:4?int reply_to_peer_id:0?Peer
 *               reply_from:5?MessageFwdHeader reply_media:8?MessageMedia
 *               reply_to_top_id:1?int quote_text:6?string
 *               quote_entities:7?Vector<MessageEntity> quote_offset:10?int
 *               [todo_item_id:11?int, 0x6917560b]; a header holding media
 *               or entities is not skipped (their objects are not decoded)
 *   0x0e5af939  messageReplyStoryHeader peer:Peer story_id:int
 */
#include "tl.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- reading ------------------------------------------------------------ */

typedef struct reader {
	const uint8_t *p;
	size_t len, pos;
	tl_message *m;
} reader;

#define FLAG(word, bit) (((word) >> (bit)) & 1u)

static bool fail(reader *r, const char *problem, uint32_t constructor, size_t at)
{
	if (!r->m->problem) {
		r->m->problem = problem;
		r->m->problem_constructor = constructor;
		r->m->problem_offset = at;
	}
	return false;
}

static bool need(reader *r, size_t n)
{
	if (r->len - r->pos < n)
		return fail(r, "the data ends inside the object", 0, r->pos);
	return true;
}

static bool u32(reader *r, uint32_t *v)
{
	const uint8_t *b;

	if (!need(r, 4))
		return false;
	b = r->p + r->pos;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	r->pos += 4;
	return true;
}

static bool i32(reader *r, int32_t *v)
{
	uint32_t u;

	if (!u32(r, &u))
		return false;
	*v = (int32_t)u;
	return true;
}

static bool i64(reader *r, int64_t *v)
{
	uint32_t lo, hi;

	if (!u32(r, &lo) || !u32(r, &hi))
		return false;
	*v = (int64_t)((uint64_t)hi << 32 | lo);
	return true;
}

static bool skip(reader *r, size_t n)
{
	if (!need(r, n))
		return false;
	r->pos += n;
	return true;
}

/* A TL string: its bytes in place. */
static bool string(reader *r, const uint8_t **s, size_t *n)
{
	size_t start = r->pos, head, total;

	if (!need(r, 1))
		return false;
	if (r->p[r->pos] == 255)
		return fail(r, "a string with an invalid length byte", 0, start);
	if (r->p[r->pos] == 254) {
		if (!need(r, 4))
			return false;
		*n = (size_t)r->p[r->pos + 1] | (size_t)r->p[r->pos + 2] << 8 |
		     (size_t)r->p[r->pos + 3] << 16;
		head = 4;
	} else {
		*n = r->p[r->pos];
		head = 1;
	}
	total = (head + *n + 3) & ~(size_t)3;
	if (r->len - r->pos < total)
		return fail(r, "a string runs past the end of the data", 0, start);
	*s = r->p + r->pos + head;
	r->pos += total;
	return true;
}

static bool skip_string(reader *r)
{
	const uint8_t *s;
	size_t n;

	return string(r, &s, &n);
}

/* ---- objects -------------------------------------------------------------- */

static bool peer(reader *r, tl_peer *out)
{
	size_t at = r->pos;
	uint32_t c;
	int32_t small;
	tl_peer p = { TL_PEER_NONE, 0 };

	if (!u32(r, &c))
		return false;
	switch (c) {
	case 0x59511722: p.kind = TL_PEER_USER; break;
	case 0x36c6019a: p.kind = TL_PEER_CHAT; break;
	case 0xa2a5371e: p.kind = TL_PEER_CHANNEL; break;
	case 0x9db1bc6d: p.kind = TL_PEER_USER; break;
	case 0xbad0e5bb: p.kind = TL_PEER_CHAT; break;
	case 0xbddde532: p.kind = TL_PEER_CHANNEL; break;
	default:
		return fail(r, "an unknown Peer constructor", c, at);
	}
	if (c == 0x59511722 || c == 0x36c6019a || c == 0xa2a5371e) {
		if (!i64(r, &p.id))
			return false;
	} else {
		if (!i32(r, &small))
			return false;
		p.id = small;
	}
	if (out)
		*out = p;
	return true;
}

/* A Peer given as a bare int user id (the int era). */
static bool user_int(reader *r, tl_peer *out)
{
	int32_t id;

	if (!i32(r, &id))
		return false;
	out->kind = TL_PEER_USER;
	out->id = id;
	return true;
}

static bool fwd_header(reader *r, tl_peer *from)
{
	size_t at = r->pos;
	uint32_t c, f;
	int32_t ignored;

	if (!u32(r, &c) || !u32(r, &f))
		return false;
	switch (c) {
	case 0xfadff4ac:
	case 0xec338270:
		if (FLAG(f, 0) && !user_int(r, from))
			return false;
		if (c == 0xec338270 && FLAG(f, 5) && !skip_string(r))
			return false;
		if (!i32(r, &ignored))                     /* date */
			return false;
		if (FLAG(f, 1)) {                          /* channel_id */
			int32_t channel;

			if (!i32(r, &channel))
				return false;
			if (!FLAG(f, 0)) {
				from->kind = TL_PEER_CHANNEL;
				from->id = channel;
			}
		}
		if ((FLAG(f, 2) && !skip(r, 4)) || (FLAG(f, 3) && !skip_string(r)))
			return false;
		if (c == 0xec338270 && FLAG(f, 4) && (!peer(r, NULL) || !skip(r, 4)))
			return false;
		return true;
	case 0x5f777dce:
	case 0x4e4df4bb:
		if (FLAG(f, 0) && !peer(r, from))
			return false;
		if (FLAG(f, 5) && !skip_string(r))
			return false;
		if (!i32(r, &ignored))                     /* date */
			return false;
		if ((FLAG(f, 2) && !skip(r, 4)) || (FLAG(f, 3) && !skip_string(r)))
			return false;
		if (FLAG(f, 4) && (!peer(r, NULL) || !skip(r, 4)))
			return false;
		if (c == 0x4e4df4bb &&
		    ((FLAG(f, 8) && !peer(r, NULL)) || (FLAG(f, 9) && !skip_string(r)) ||
		     (FLAG(f, 10) && !skip(r, 4))))
			return false;
		return !FLAG(f, 6) || skip_string(r);
	default:
		return fail(r, "an unknown MessageFwdHeader constructor", c, at);
	}
}

static bool reply_header(reader *r, tl_message *m)
{
	size_t at = r->pos;
	uint32_t c, f;

	if (!u32(r, &c))
		return false;
	switch (c) {
	case 0xa6d57763:
		if (!u32(r, &f) || !i32(r, &m->reply_to_msg_id))
			return false;
		m->has_reply = true;
		return (!FLAG(f, 0) || peer(r, NULL)) && (!FLAG(f, 1) || skip(r, 4));
	case 0xafbc09db:
	case 0x6917560b:
		if (!u32(r, &f))
			return false;
		if (FLAG(f, 4)) {
			if (!i32(r, &m->reply_to_msg_id))
				return false;
			m->has_reply = true;
		}
		if (FLAG(f, 0) && !peer(r, NULL))
			return false;
		if (FLAG(f, 5)) {
			tl_peer ignored = { TL_PEER_NONE, 0 };

			if (!fwd_header(r, &ignored))
				return false;
		}
		if (FLAG(f, 8))
			return fail(r, "a reply header quoting media (MessageMedia is not decoded)",
			            c, at);
		if ((FLAG(f, 1) && !skip(r, 4)) || (FLAG(f, 6) && !skip_string(r)))
			return false;
		if (FLAG(f, 7))
			return fail(r, "a reply header quoting formatted text (MessageEntity is "
			            "not decoded)", c, at);
		return (!FLAG(f, 10) || skip(r, 4)) &&
		       (c != 0x6917560b || !FLAG(f, 11) || skip(r, 4));
	case 0x0e5af939:
		return peer(r, NULL) && skip(r, 4);
	default:
		return fail(r, "an unknown MessageReplyHeader constructor", c, at);
	}
}

/* ---- messages -------------------------------------------------------------- */

typedef enum family {
	INT_ERA,        /* int senders, reply_to_msg_id */
	PEER_ERA,       /* Peer senders, MessageReplyHeader */
	FLAGS2_ERA      /* and a second flags word */
} family;

typedef struct layout {
	uint32_t constructor;
	family family;
	bool via_long;      /* via_bot_id is a long */
	bool saved_peer;    /* saved_peer_id:28?Peer */
	bool rank_and_via;  /* from_rank, guestchat_via_from (flags2) */
} layout;

static const layout message_layouts[] = {
	{ 0x90dddc11, INT_ERA, false, false, false },
	{ 0x44f9b43d, INT_ERA, false, false, false },
	{ 0x452c0e65, INT_ERA, false, false, false },
	{ 0x58ae39c9, PEER_ERA, false, false, false },
	{ 0x85d6cbe2, PEER_ERA, true, false, false },
	{ 0x38116ee0, PEER_ERA, true, false, false },
	{ 0x76bec211, PEER_ERA, true, true, false },
	{ 0x9815cec8, FLAGS2_ERA, true, true, false },
	{ 0xb92f76cf, FLAGS2_ERA, true, true, false },
	{ 0x9cb490e9, FLAGS2_ERA, true, true, false },
	{ 0x3ae56482, FLAGS2_ERA, true, true, false },
	{ 0x95ef6f2b, FLAGS2_ERA, true, true, true },
};

static const layout service_layouts[] = {
	{ 0x9e19a1f6, INT_ERA, false, false, false },
	{ 0x286fa604, PEER_ERA, false, false, false },
	{ 0x2b085862, PEER_ERA, false, false, false },
	{ 0x7a800e0a, PEER_ERA, false, true, false },
};

static const layout *find_layout(const layout *list, size_t n, uint32_t c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].constructor == c)
			return &list[i];
	return NULL;
}

/* The fields from the sender to the date. */
static bool sender_to_date(reader *r, tl_message *m, const layout *l, uint32_t flags2,
                           bool service)
{
	if (l->family == INT_ERA) {
		if ((FLAG(m->flags, 8) && !user_int(r, &m->from)) || !peer(r, &m->peer))
			return false;
		if (!service && FLAG(m->flags, 2)) {
			m->forwarded = true;
			if (!fwd_header(r, &m->fwd_from))
				return false;
		}
		if (!service && FLAG(m->flags, 11) && !skip(r, 4))
			return false;
		if (FLAG(m->flags, 3)) {
			if (!i32(r, &m->reply_to_msg_id))
				return false;
			m->has_reply = true;
		}
		return i32(r, &m->date) && (m->has_date = true);
	}
	if (FLAG(m->flags, 8) && !peer(r, &m->from))
		return false;
	if (l->family == FLAGS2_ERA && FLAG(m->flags, 29) && !skip(r, 4))
		return false;
	if (l->rank_and_via && FLAG(flags2, 12) && !skip_string(r))
		return false;
	if (!peer(r, &m->peer))
		return false;
	if (l->saved_peer && FLAG(m->flags, 28) && !peer(r, NULL))
		return false;
	if (!service && FLAG(m->flags, 2)) {
		m->forwarded = true;
		if (!fwd_header(r, &m->fwd_from))
			return false;
	}
	if (!service && FLAG(m->flags, 11) && !skip(r, l->via_long ? 8 : 4))
		return false;
	if (l->family == FLAGS2_ERA && FLAG(flags2, 0) && !skip(r, 8))
		return false;
	if (l->rank_and_via && FLAG(flags2, 19) && !peer(r, NULL))
		return false;
	if (FLAG(m->flags, 3) && !reply_header(r, m))
		return false;
	return i32(r, &m->date) && (m->has_date = true);
}

static bool text_and_media(reader *r, tl_message *m, bool media_always)
{
	if (!string(r, &m->text, &m->text_len))
		return false;
	m->has_text = true;
	if (media_always || FLAG(m->flags, 9)) {
		if (!u32(r, &m->media))
			return false;
		m->has_media = true;
	}
	return true;
}

static bool decode_message(reader *r, tl_message *m, const layout *l)
{
	uint32_t flags2 = 0;

	m->kind = TL_MESSAGE;
	if (!u32(r, &m->flags))
		return false;
	m->out = FLAG(m->flags, 1);
	if (l->family == FLAGS2_ERA && !u32(r, &flags2))
		return false;
	if (!i32(r, &m->id))
		return false;
	m->has_id = true;
	return sender_to_date(r, m, l, flags2, false) && text_and_media(r, m, false);
}

static bool decode_service(reader *r, tl_message *m, const layout *l)
{
	m->kind = TL_SERVICE;
	if (!u32(r, &m->flags))
		return false;
	m->out = FLAG(m->flags, 1);
	if (!i32(r, &m->id))
		return false;
	m->has_id = true;
	return sender_to_date(r, m, l, 0, true) && u32(r, &m->action);
}

static bool decode_secret(reader *r, tl_message *m)
{
	m->kind = TL_MESSAGE;
	m->secret = true;
	if (!u32(r, &m->flags))
		return false;
	m->out = FLAG(m->flags, 1);
	if (!i32(r, &m->id))
		return false;
	m->has_id = true;
	return skip(r, 4) /* ttl */ && user_int(r, &m->from) && peer(r, &m->peer) &&
	       i32(r, &m->date) && (m->has_date = true) && text_and_media(r, m, true);
}

static bool decode_empty(reader *r, tl_message *m, uint32_t c)
{
	m->kind = TL_EMPTY;
	if (c == 0x90a6ca84) {
		if (!u32(r, &m->flags) || !i32(r, &m->id))
			return false;
		m->has_id = true;
		return !FLAG(m->flags, 0) || peer(r, &m->peer);
	}
	m->has_id = i32(r, &m->id);
	return m->has_id;
}

bool tl_decode_message(const uint8_t *blob, size_t len, tl_message *m)
{
	reader r = { blob, blob ? len : 0, 0, m };
	const layout *l;

	memset(m, 0, sizeof *m);
	if (!u32(&r, &m->constructor))
		return false;
	m->known = true;
	if ((l = find_layout(message_layouts, sizeof message_layouts / sizeof *message_layouts,
	                     m->constructor)))
		m->complete = decode_message(&r, m, l);
	else if ((l = find_layout(service_layouts,
	                          sizeof service_layouts / sizeof *service_layouts,
	                          m->constructor)))
		m->complete = decode_service(&r, m, l);
	else if (m->constructor == 0x555555fa)
		m->complete = decode_secret(&r, m);
	else if (m->constructor == 0x83e5de54 || m->constructor == 0x90a6ca84)
		m->complete = decode_empty(&r, m, m->constructor);
	else {
		m->known = false;
		fail(&r, "an unknown Message constructor", m->constructor, 0);
	}
	return m->complete;
}

const char *tl_peer_text(const tl_peer *p, char *buf, size_t len)
{
	switch (p->kind) {
	case TL_PEER_USER:
		snprintf(buf, len, "%" PRId64, p->id);
		break;
	case TL_PEER_CHAT:
	case TL_PEER_CHANNEL:
		/* the negation of a hostile INT64_MIN stays negative: print it whole */
		if (p->id == INT64_MIN)
			snprintf(buf, len, "-%" PRIu64, (uint64_t)INT64_MAX + 1);
		else
			snprintf(buf, len, "%" PRId64, -p->id);
		break;
	default:
		if (len)
			buf[0] = '\0';
	}
	return buf;
}

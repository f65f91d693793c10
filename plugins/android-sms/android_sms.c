/*
 * android_sms.c — the "android-sms" plugin: SMS and MMS from Android's
 * telephony provider (mmssms.db), recognised by its schema.
 *
 * What it reads (the provider's documented Telephony contract):
 *   sms    one row per text message.  type: 1 inbox, 2 sent, 3 draft,
 *          4 outbox, 5 failed, 6 queued.  date is when this phone stored
 *          it (received, or sent), date_sent the sender's time (incoming
 *          only; 0 when unknown), both Unix milliseconds.
 *   pdu    one row per MMS.  msg_box as sms.type; date and date_sent in
 *          Unix seconds; m_type 128 send request, 130 notification, 132
 *          retrieved message (others are reports: system messages).
 *   addr   the addresses of an MMS: type 137 from, 151 to, 130 cc, 129 bcc
 *          ("insert-address-token" stands for this phone).
 *   part   the parts of an MMS: text/plain parts make the body; parts
 *          other than text and SMIL are attachments (path in _data).
 *   threads, canonical_addresses   a conversation and its participants.
 * The provider keeps no account (the phone's own number) here.
 *
 * Records: chat_messages (service SMS or MMS, key "sms:<_id>" or
 * "pdu:<_id>"), chat_attachments for MMS parts.  An MMS's addresses and
 * parts are read from the same source as the message itself (they are
 * deleted with it); threads are looked up in the live database.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_sql.h"
#include "exhibit/plugin.h"

#define APP "Android SMS/MMS"
#define MAX_PARTICIPANTS 256 /* addresses kept for one thread */
#define MAX_BODY_PARTS 64    /* text parts joined into one MMS body */
#define MAX_PARTS 4096       /* parts read for one MMS */

typedef struct pass {
	chat_ctx *ctx;
	const chat_source *src;
	sqlite3_stmt *thread;  /* recipient_ids of a thread */
	sqlite3_stmt *address; /* a canonical address */
	sqlite3_stmt *addr;    /* an MMS's addresses */
	sqlite3_stmt *part;    /* an MMS's parts */
	bool have_thread;
	int64_t thread_id;
	char *title, *participants;
} pass;

/* ---- threads ------------------------------------------------------------ */

static void forget_thread(pass *p)
{
	free(p->title);
	free(p->participants);
	p->title = p->participants = NULL;
	p->have_thread = false;
}

/* Each id of recipient_ids ("1 5 12") as its canonical address. */
static void add_recipients(pass *p, const char *ids, chat_json *list,
                           chat_buf *title)
{
	const char *s = ids;
	size_t n = 0;

	while (s && *s && n < MAX_PARTICIPANTS) {
		char *end;
		long long id = strtoll(s, &end, 10);

		if (end == s) {
			s++;
			continue;
		}
		s = end;
		if (!chat_lookup_int(p->ctx, p->address, id))
			continue;
		{
			const char *address = chat_col_text(p->address, 0);

			if (!address || !*address)
				continue;
			if (n++)
				chat_buf_adds(title, ", ");
			chat_buf_adds(title, address);
			chat_json_add(list, address);
		}
	}
}

/* The title ("a, b") and participants (JSON) of a thread, cached for the
 * run of messages of one thread. */
static void load_thread(pass *p, int64_t thread_id)
{
	chat_json list;
	chat_buf title = { NULL, 0, 0, false };

	if (p->have_thread && p->thread_id == thread_id)
		return;
	forget_thread(p);
	p->have_thread = true;
	p->thread_id = thread_id;
	if (!chat_lookup_int(p->ctx, p->thread, thread_id))
		return;
	chat_json_array(&list);
	add_recipients(p, chat_col_text(p->thread, 0), &list, &title);
	p->participants = chat_json_take(&list);
	p->title = chat_buf_take(&title);
}

static char *thread_text(bool has, int64_t id)
{
	char *s = NULL;

	if (has && asprintf(&s, "%" PRId64, id) < 0)
		s = NULL;
	return s;
}

/* ---- SMS ---------------------------------------------------------------- */

enum {
	SMS_THREAD, SMS_ADDRESS, SMS_PERSON, SMS_DATE, SMS_DATE_SENT, SMS_READ,
	SMS_SEEN, SMS_STATUS, SMS_TYPE, SMS_SUBJECT, SMS_BODY, SMS_LOCKED,
	SMS_ERROR, SMS_SERVICE_CENTER, SMS_PROTOCOL, SMS_SUB_ID, SMS_CREATOR,
	SMS_DELETED
};

static const char *const sms_columns[] = {
	"thread_id", "address", "person", "date", "date_sent", "read",
	"seen", "status", "type", "subject", "body", "locked",
	"error_code", "service_center", "protocol", "sub_id", "creator",
	"deleted", NULL
};

/* sms.type (and pdu.msg_box, the same numbers) in words. */
static const char *box_name(int64_t box)
{
	static const char *const names[] = {
		"all", "received", "sent", "draft", "outbox", "failed", "queued"
	};

	return box >= 0 && box <= 6 ? names[box] : NULL;
}

static chat_direction box_direction(bool known, int64_t box)
{
	if (!known)
		return CHAT_UNKNOWN_DIRECTION;
	if (box == 1)
		return CHAT_INCOMING;
	if (box >= 2 && box <= 6)
		return CHAT_OUTGOING;
	return CHAT_UNKNOWN_DIRECTION;
}

static char *sms_extra(sqlite3_stmt *stmt)
{
	chat_json extra;

	chat_json_object(&extra);
	chat_extra_text(&extra, "address", stmt, SMS_ADDRESS);
	chat_extra_int(&extra, "type", stmt, SMS_TYPE);
	chat_extra_int(&extra, "status", stmt, SMS_STATUS);
	chat_extra_int(&extra, "read", stmt, SMS_READ);
	chat_extra_int(&extra, "seen", stmt, SMS_SEEN);
	chat_extra_int(&extra, "locked", stmt, SMS_LOCKED);
	chat_extra_int(&extra, "error_code", stmt, SMS_ERROR);
	chat_extra_int(&extra, "person", stmt, SMS_PERSON);
	chat_extra_int(&extra, "protocol", stmt, SMS_PROTOCOL);
	chat_extra_int(&extra, "sub_id", stmt, SMS_SUB_ID);
	chat_extra_text(&extra, "subject", stmt, SMS_SUBJECT);
	chat_extra_text(&extra, "service_center", stmt, SMS_SERVICE_CENTER);
	chat_extra_text(&extra, "creator", stmt, SMS_CREATOR);
	return chat_json_take(&extra);
}

static void emit_sms(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *stmt = rs->stmt;
	chat_message m;
	int64_t type = 0, thread = 0, deleted = 0;
	bool has_type = chat_col_int(stmt, SMS_TYPE, &type);
	bool has_thread = chat_col_int(stmt, SMS_THREAD, &thread);
	const char *address = chat_col_text(stmt, SMS_ADDRESS);
	chat_json recipients;
	char *key, *thread_id, *extra, *body;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	m.service = "SMS";
	m.direction = box_direction(has_type, type);
	if (has_thread)
		load_thread(p, thread);
	else
		forget_thread(p);
	thread_id = thread_text(has_thread, thread);
	m.thread_id = thread_id;
	m.thread_title = p->title;
	m.participants = p->participants;
	/* date is when this phone stored the message: for an outgoing one,
	 * when it was sent; otherwise when it arrived (date_sent is then the
	 * sender's time).  Of a message of unknown type the address could be
	 * either party: it is kept in extra only. */
	chat_json_array(&recipients);
	if (m.direction == CHAT_OUTGOING) {
		chat_json_add(&recipients, address);
		m.sent = chat_col_time(p->ctx, stmt, SMS_DATE, 1000, CHAT_EPOCH_UNIX, true);
	} else {
		if (m.direction == CHAT_INCOMING)
			m.sender = address;
		m.sent = chat_col_time(p->ctx, stmt, SMS_DATE_SENT, 1000, CHAT_EPOCH_UNIX, true);
		m.received = chat_col_time(p->ctx, stmt, SMS_DATE, 1000, CHAT_EPOCH_UNIX, true);
	}
	m.recipients = chat_json_take(&recipients);
	m.precision = "1ms";
	body = chat_col_dup(stmt, SMS_BODY);
	m.body = body;
	m.kind = CHAT_TEXT;
	m.status = has_type ? box_name(type) : NULL;
	key = chat_key("sms", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	m.forwarded = m.edited = CHAT_FLAG_UNKNOWN;
	m.deleted = chat_col_int(stmt, SMS_DELETED, &deleted) ?
	            (deleted ? CHAT_FLAG_YES : CHAT_FLAG_NO) : CHAT_FLAG_UNKNOWN;
	extra = sms_extra(stmt);
	m.extra = extra;
	if (!key)
		p->ctx->out_of_memory = true;
	else
		chat_emit_message(p->ctx, &m);
	free((char *)m.recipients);
	free(body);
	free(key);
	free(thread_id);
	free(extra);
}

static void read_sms(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "sms", sms_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_sms(p, &rs);
	chat_rows_close(&rs);
	forget_thread(p);
}

/* ---- MMS ---------------------------------------------------------------- */

enum {
	PDU_THREAD, PDU_DATE, PDU_DATE_SENT, PDU_BOX, PDU_READ, PDU_SEEN,
	PDU_M_ID, PDU_SUB, PDU_M_TYPE, PDU_M_SIZE, PDU_TR_ID, PDU_LOCKED,
	PDU_ST, PDU_TEXT_ONLY, PDU_SUB_ID, PDU_CREATOR
};

static const char *const pdu_columns[] = {
	"thread_id", "date", "date_sent", "msg_box", "read", "seen",
	"m_id", "sub", "m_type", "m_size", "tr_id", "locked",
	"st", "text_only", "sub_id", "creator", NULL
};

#define ADDR_FROM 137
#define ADDR_TO 151
#define ADDR_CC 130
#define ADDR_BCC 129

/* Sender and recipients of an MMS from its addr rows. */
static void mms_addresses(pass *p, int64_t msg_id, char **sender,
                          chat_json *recipients)
{
	size_t n = 0;

	*sender = NULL;
	if (!p->addr)
		return;
	sqlite3_reset(p->addr);
	sqlite3_bind_int64(p->addr, 1, msg_id);
	while (n++ < MAX_PARTICIPANTS && chat_step(p->ctx, p->addr)) {
		const char *address = chat_col_text(p->addr, 0);
		int64_t type = chat_col_int_or(p->addr, 1, 0);

		if (!address || !*address || !strcmp(address, "insert-address-token"))
			continue;
		if (type == ADDR_FROM && !*sender)
			*sender = strdup(address);
		else if (type == ADDR_TO || type == ADDR_CC || type == ADDR_BCC)
			chat_json_add_unique(recipients, address);
	}
}

static bool is_text_part(const char *ct)
{
	return ct && !sqlite3_stricmp(ct, "text/plain");
}

static bool is_layout_part(const char *ct)
{
	return ct && !sqlite3_stricmp(ct, "application/smil");
}

/* Columns of the part query (see android_sms_extract). */
enum { PART_SEQ, PART_CT, PART_TEXT, PART_CL, PART_NAME, PART_FN, PART_DATA,
       PART_CID, PART_PROVENANCE };

static void emit_part(pass *p, const char *key)
{
	sqlite3_stmt *s = p->part;
	chat_attachment a;
	chat_json extra;
	char *extra_text;

	memset(&a, 0, sizeof a);
	a.message_key = key;
	a.mime_type = chat_col_text(s, PART_CT);
	a.name = chat_col_text(s, PART_CL);
	if (!a.name)
		a.name = chat_col_text(s, PART_NAME);
	if (!a.name)
		a.name = chat_col_text(s, PART_FN);
	a.path = chat_col_text(s, PART_DATA);
	chat_json_object(&extra);
	chat_extra_int(&extra, "seq", s, PART_SEQ);
	chat_extra_text(&extra, "cid", s, PART_CID);
	extra_text = chat_json_take(&extra);
	a.extra = extra_text;
	chat_provenance_read(p->src, s, PART_PROVENANCE, "part", &a.prov);
	chat_emit_attachment(p->ctx, &a);
	free(extra_text);
}

/* The body (text parts, in order) of an MMS; its other parts are emitted
 * as attachments and counted in *attachments. */
static char *mms_parts(pass *p, int64_t msg_id, const char *key,
                       size_t *attachments)
{
	chat_buf body = { NULL, 0, 0, false };
	size_t texts = 0, parts = 0;

	*attachments = 0;
	if (!p->part)
		return NULL;
	sqlite3_reset(p->part);
	sqlite3_bind_int64(p->part, 1, msg_id);
	while (parts++ < MAX_PARTS && chat_step(p->ctx, p->part)) {
		const char *ct = chat_col_text(p->part, PART_CT);

		if (is_text_part(ct)) {
			char *text = chat_col_dup(p->part, PART_TEXT);

			if (text && texts++ < MAX_BODY_PARTS) {
				if (body.len)
					chat_buf_adds(&body, "\n");
				chat_buf_adds(&body, text);
			}
			free(text);
		} else if (!is_layout_part(ct)) {
			emit_part(p, key);
			(*attachments)++;
		}
	}
	return chat_buf_take(&body);
}

static char *pdu_extra(sqlite3_stmt *stmt)
{
	chat_json extra;

	chat_json_object(&extra);
	chat_extra_int(&extra, "msg_box", stmt, PDU_BOX);
	chat_extra_int(&extra, "m_type", stmt, PDU_M_TYPE);
	chat_extra_int(&extra, "m_size", stmt, PDU_M_SIZE);
	chat_extra_int(&extra, "read", stmt, PDU_READ);
	chat_extra_int(&extra, "seen", stmt, PDU_SEEN);
	chat_extra_int(&extra, "locked", stmt, PDU_LOCKED);
	chat_extra_int(&extra, "st", stmt, PDU_ST);
	chat_extra_int(&extra, "text_only", stmt, PDU_TEXT_ONLY);
	chat_extra_int(&extra, "sub_id", stmt, PDU_SUB_ID);
	chat_extra_text(&extra, "subject", stmt, PDU_SUB);
	chat_extra_text(&extra, "m_id", stmt, PDU_M_ID);
	chat_extra_text(&extra, "tr_id", stmt, PDU_TR_ID);
	chat_extra_text(&extra, "creator", stmt, PDU_CREATOR);
	return chat_json_take(&extra);
}

/* 128 send request, 130 notification, 132 retrieved: messages; the rest
 * (delivery and read reports) are system messages. */
static chat_kind pdu_kind(int64_t m_type, bool has_attachments)
{
	if (m_type != 128 && m_type != 130 && m_type != 132)
		return CHAT_SYSTEM;
	return has_attachments ? CHAT_MEDIA : CHAT_TEXT;
}

static void emit_pdu(pass *p, chat_rowset *rs)
{
	sqlite3_stmt *stmt = rs->stmt;
	chat_message m;
	int64_t box = 0, thread = 0;
	bool has_box = chat_col_int(stmt, PDU_BOX, &box);
	bool has_thread = chat_col_int(stmt, PDU_THREAD, &thread);
	size_t attachments = 0;
	chat_json recipients;
	char *sender = NULL, *key, *thread_id, *extra, *body = NULL;

	memset(&m, 0, sizeof m);
	chat_rows_provenance(rs, &m.prov);
	m.service = "MMS";
	m.direction = box_direction(has_box, box);
	if (has_thread)
		load_thread(p, thread);
	else
		forget_thread(p);
	thread_id = thread_text(has_thread, thread);
	m.thread_id = thread_id;
	m.thread_title = p->title;
	m.participants = p->participants;
	chat_json_array(&recipients);
	if (m.prov.has_rowid)
		mms_addresses(p, m.prov.rowid, &sender, &recipients);
	m.sender = sender;
	m.recipients = chat_json_take(&recipients);
	if (m.direction == CHAT_OUTGOING) {
		m.sent = chat_col_time(p->ctx, stmt, PDU_DATE, 1, CHAT_EPOCH_UNIX, true);
	} else {
		m.sent = chat_col_time(p->ctx, stmt, PDU_DATE_SENT, 1, CHAT_EPOCH_UNIX, true);
		m.received = chat_col_time(p->ctx, stmt, PDU_DATE, 1, CHAT_EPOCH_UNIX, true);
	}
	m.precision = "1s";
	key = chat_key("pdu", m.prov.has_rowid ? m.prov.rowid : -1);
	m.key = key;
	if (key && m.prov.has_rowid)
		body = mms_parts(p, m.prov.rowid, key, &attachments);
	m.body = body;
	m.kind = pdu_kind(chat_col_int_or(stmt, PDU_M_TYPE, 0), attachments > 0);
	m.status = has_box ? box_name(box) : NULL;
	m.forwarded = m.deleted = m.edited = CHAT_FLAG_UNKNOWN;
	extra = pdu_extra(stmt);
	m.extra = extra;
	if (!key)
		p->ctx->out_of_memory = true;
	else
		chat_emit_message(p->ctx, &m);
	free((char *)m.recipients);
	free(sender);
	free(body);
	free(key);
	free(thread_id);
	free(extra);
}

static void read_mms(pass *p)
{
	chat_rowset rs;

	if (!chat_rows_open(&rs, p->ctx, p->src, "pdu", pdu_columns, NULL))
		return;
	while (chat_rows_next(&rs))
		emit_pdu(p, &rs);
	chat_rows_close(&rs);
	forget_thread(p);
}

/* ---- the extraction ----------------------------------------------------- */

static sqlite3_stmt *optional(pass *p, sqlite3 *db, const char *table,
                              const char *const *columns, const char *sql)
{
	return chat_matches(db, columns) && chat_has_table(db, table) ?
	       chat_prepare(p->ctx, db, sql, false) : NULL;
}

/* The parts of a message, from the message's own source. */
static sqlite3_stmt *prepare_parts(pass *p, const char *const *required)
{
	sqlite3 *db = p->src->rows;
	char *sql;
	sqlite3_stmt *stmt;

	if (!chat_matches(db, required))
		return NULL;
	sql = sqlite3_mprintf(
		"SELECT seq, ct, text, %s, %s, %s, _data, %s, %s FROM part "
		"WHERE mid = ?1 ORDER BY seq, rowid",
		chat_has_column(db, "part", "cl") ? "cl" : "NULL",
		chat_has_column(db, "part", "name") ? "name" : "NULL",
		chat_has_column(db, "part", "fn") ? "fn" : "NULL",
		chat_has_column(db, "part", "cid") ? "cid" : "NULL",
		chat_provenance_columns(p->src));
	if (!sql) {
		p->ctx->out_of_memory = true;
		return NULL;
	}
	stmt = chat_prepare(p->ctx, db, sql, false);
	sqlite3_free(sql);
	return stmt;
}

/*
 * android_sms_extract — every SMS and MMS of src (live or recovered rows).
 * RETURN: the worst EXHIBIT_* code met (also in ctx).
 */
static int android_sms_extract(chat_ctx *ctx, const chat_source *src)
{
	static const char *const thread_cols[] = { "threads._id", "threads.recipient_ids", NULL };
	static const char *const address_cols[] = { "canonical_addresses._id",
	                                            "canonical_addresses.address", NULL };
	static const char *const addr_cols[] = { "addr.msg_id", "addr.address", "addr.type", NULL };
	static const char *const part_cols[] = { "part.mid", "part.seq", "part.ct", "part.text",
	                                         "part._data", NULL };

	pass p;

	memset(&p, 0, sizeof p);
	p.ctx = ctx;
	p.src = src;
	p.thread = optional(&p, src->lookup, "threads", thread_cols,
	                    "SELECT recipient_ids FROM threads WHERE _id = ?1");
	p.address = optional(&p, src->lookup, "canonical_addresses", address_cols,
	                     "SELECT address FROM canonical_addresses WHERE _id = ?1");
	p.addr = optional(&p, src->rows, "addr", addr_cols,
	                  "SELECT address, type FROM addr WHERE msg_id = ?1 ORDER BY rowid");
	p.part = prepare_parts(&p, part_cols);
	read_sms(&p);
	if (chat_has_table(src->rows, "pdu") && !chat_stopped(ctx))
		read_mms(&p);
	sqlite3_finalize(p.thread);
	sqlite3_finalize(p.address);
	sqlite3_finalize(p.addr);
	sqlite3_finalize(p.part);
	return ctx->status;
}

/* ---- the plugin --------------------------------------------------------- */

static const char *const fingerprint[] = {
	"sms", "sms._id", "sms.thread_id", "sms.address", "sms.date", "sms.type",
	"sms.body", NULL
};

static const chat_parser parsers[] = {
	{ APP, fingerprint, android_sms_extract },
};

CHAT_SQLITE_PLUGIN("android-sms", "1.0",
	                   "SMS and MMS from Android's telephony provider (mmssms.db), by schema",
	                   parsers)

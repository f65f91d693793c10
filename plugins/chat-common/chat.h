/*
 * chat.h — what every chat plugin shares: the normalised records of the
 * chat section of schemas/case.sql and the small tools to fill them.
 *
 * This is not a plugin.  Its sources are compiled into each chat plugin
 * (plugins/android-sms, plugins/imessage, ...), which therefore still
 * depend on the SDK header and SQLite alone.
 *
 * What it promises:
 *   - one emit function per record type, each writing every column of its
 *     table every time (NULL where the app said nothing), so the host's
 *     statement cache sees one shape per table;
 *   - text handed to the host is UTF-8: bytes from evidence that are not
 *     valid UTF-8, and control characters other than tab and line breaks,
 *     are kept as \xNN escapes, never dropped;
 *   - times are checked before they are stored: a value the app left empty
 *     (0) or one outside the years 1601-9999 is stored as NULL, counted,
 *     and reported once per item by chat_finish(); arithmetic on hostile
 *     values never overflows;
 *   - lists are JSON arrays and app-specific leftovers JSON objects, built
 *     with proper escaping;
 *   - no state outlives a chat_ctx: plugins stay safe on many threads.
 */
#ifndef EXHIBIT_CHAT_H
#define EXHIBIT_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

/* ---- the context of one analyze() call --------------------------------- */

typedef struct chat_ctx {
	const exhibit_host_api *api;
	exhibit_host *host;
	const char *app;      /* the app's display name, "Android SMS/MMS" */
	int status;           /* the worst EXHIBIT_* code met so far */
	bool out_of_memory;
	uint64_t bad_times;   /* times out of range, reported by chat_finish */
	uint64_t emitted;     /* records the host accepted */
	uint64_t refused;     /* records the host refused */
	unsigned sql_errors;  /* failed statements (see chat_sql_error) */
	uint64_t max_rows;    /* most rows one table may yield (0: no limit) */
	struct chat_keys *keys; /* message and call keys emitted (see below) */
	uint64_t superseded;  /* recovered records dropped as versions of one kept */
} chat_ctx;

void chat_init(chat_ctx *ctx, const exhibit_host_api *api, exhibit_host *host,
               const char *app);

/* chat_worse — the graver of two EXHIBIT_* codes (OK < FORMAT < LIMIT <
 * READ < ERR). */
int chat_worse(int a, int b);

/* chat_fail — remember a failure (the worst code wins). */
void chat_fail(chat_ctx *ctx, int code);

/* chat_report — report_error with printf formatting (offset -1: none). */
void chat_report(chat_ctx *ctx, int64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* chat_finish — report what was counted (bad times, refused records) and
 * free what the context holds.
 * RETURN: ctx->status. */
int chat_finish(chat_ctx *ctx);

/* ---- time -------------------------------------------------------------- */

typedef struct chat_time {
	bool set;
	int64_t sec; /* Unix seconds */
	int32_t ns;  /* 0..999999999 */
} chat_time;

/* Epochs, as Unix seconds. */
#define CHAT_EPOCH_UNIX 0
#define CHAT_EPOCH_APPLE 978307200LL        /* 2001-01-01 (Core Data, NSDate) */
#define CHAT_EPOCH_WINDOWS (-11644473600LL) /* 1601-01-01 (FILETIME) */

/*
 * chat_time_from — value counted in units per second since epoch (Unix
 * seconds).  units is 1, 1000, 1000000 or 1000000000 (any positive value
 * works).  zero_is_unset: 0 means "no time" (most apps).  A value outside
 * 1601-9999 gives an unset time and counts in ctx->bad_times.
 */
chat_time chat_time_from(chat_ctx *ctx, int64_t value, int64_t units,
                         int64_t epoch, bool zero_is_unset);

/* chat_time_from_real — the same for a floating-point count (NSDate). */
chat_time chat_time_from_real(chat_ctx *ctx, double value, int64_t units,
                              int64_t epoch, bool zero_is_unset);

/* chat_time_plus — t + seconds, unset when t is or the sum leaves range. */
chat_time chat_time_plus(chat_time t, int64_t seconds);

/* ---- text -------------------------------------------------------------- */

/*
 * chat_clean_text — a malloc'd UTF-8 copy of len bytes (see the escaping
 * rule above); NULL when bytes is NULL or memory runs out.
 */
char *chat_clean_text(const void *bytes, size_t len);

/* A growing string. */
typedef struct chat_buf {
	char *data;
	size_t len, cap;
	bool failed; /* out of memory at some point: data is incomplete */
} chat_buf;

void chat_buf_add(chat_buf *b, const char *bytes, size_t len);
void chat_buf_adds(chat_buf *b, const char *s);
void chat_buf_free(chat_buf *b);
/* chat_buf_take — the string (NUL-terminated, owned by the caller) or
 * NULL when empty or incomplete; the buffer is reset. */
char *chat_buf_take(chat_buf *b);

/*
 * JSON.  A chat_json collects an array of strings or an object of
 * key/value pairs; strings are escaped (and cleaned as above).
 */
typedef struct chat_json {
	chat_buf buf;
	size_t n;
	char close;
} chat_json;

void chat_json_array(chat_json *j);
void chat_json_object(chat_json *j);
/* chat_json_add — append a string to an array (NULL or "" skipped). */
void chat_json_add(chat_json *j, const char *text);
/* chat_json_add_unique — the same, unless the array already holds it. */
void chat_json_add_unique(chat_json *j, const char *text);
/* chat_json_text / chat_json_int / chat_json_real — a member of an object
 * (a NULL text is skipped). */
void chat_json_text(chat_json *j, const char *key, const char *text);
void chat_json_int(chat_json *j, const char *key, int64_t value);
void chat_json_real(chat_json *j, const char *key, double value);
/* chat_json_raw — a member whose value is JSON the caller built with
 * these functions (NULL skipped). */
void chat_json_raw(chat_json *j, const char *key, const char *json);
/* chat_json_take — the JSON text (caller frees), or NULL when it holds
 * nothing; the builder is reset. */
char *chat_json_take(chat_json *j);
void chat_json_free(chat_json *j);

/* ---- records ----------------------------------------------------------- */

typedef enum chat_direction {
	CHAT_UNKNOWN_DIRECTION = 0,
	CHAT_INCOMING,
	CHAT_OUTGOING
} chat_direction;

typedef enum chat_kind {
	CHAT_TEXT = 0,
	CHAT_MEDIA,
	CHAT_CALL,
	CHAT_SYSTEM
} chat_kind;

/* A flag the app may or may not keep. */
typedef enum chat_flag {
	CHAT_FLAG_UNKNOWN = -1,
	CHAT_FLAG_NO = 0,
	CHAT_FLAG_YES = 1
} chat_flag;

/* Where a record came from. */
typedef struct chat_provenance {
	const char *table;  /* the app's table */
	bool has_rowid;
	int64_t rowid;
	const char *origin; /* NULL for a live row; wal, freelist, ... */
	bool has_offset;
	int64_t offset;     /* bytes into the item, for a recovered row */
} chat_provenance;

typedef struct chat_message {
	const char *service;
	const char *account;
	const char *thread_id;
	const char *thread_title;
	const char *participants; /* JSON array */
	const char *sender;
	const char *sender_name;
	const char *recipients;   /* JSON array */
	chat_direction direction;
	chat_time sent, received, read;
	const char *precision;    /* "1s", "1ms", "1us", "1ns" */
	bool local_time;          /* wall-clock time of an unknown zone */
	const char *body;
	chat_kind kind;
	const char *status;
	const char *key;          /* required */
	const char *reply_to;
	const char *forwarded_from;
	chat_flag forwarded, deleted, edited;
	const char *extra;        /* JSON object */
	chat_provenance prov;
} chat_message;

typedef struct chat_attachment {
	const char *message_key;
	const char *name;
	const char *mime_type;
	bool has_size;
	int64_t size;
	const char *path;
	const char *url;
	const void *hash;
	size_t hash_len;
	const char *hash_algorithm;
	const char *extra;
	chat_provenance prov;
} chat_attachment;

typedef struct chat_contact {
	const char *account;
	const char *contact_id;
	const char *name;
	const char *username;
	const char *phones; /* JSON array */
	const char *emails; /* JSON array */
	const char *birthday;
	const char *status_text;
	chat_time created, last_seen;
	const char *precision;
	chat_flag blocked, deleted;
	const char *extra;
	chat_provenance prov;
} chat_contact;

typedef struct chat_call {
	const char *account;
	const char *call_id;
	const char *thread_id;
	chat_direction direction;
	const char *status;
	const char *media; /* "voice", "video" or NULL */
	const char *peer;
	const char *peer_name;
	const char *participants; /* JSON array */
	chat_time started, ended;
	bool has_duration;
	int64_t duration; /* seconds */
	const char *precision;
	chat_flag deleted;
	const char *extra;
	chat_provenance prov;
} chat_call;

typedef struct chat_account {
	const char *account_id;
	const char *name;
	const char *phone;
	const char *email;
	chat_time created;
	const char *precision;
	const char *extra;
	chat_provenance prov;
} chat_account;

/*
 * Each emits one record; RETURN: EXHIBIT_OK or the host's code (also
 * remembered in ctx).
 *
 * A message, call or contact is one record however many copies of it
 * survive.  The context keeps the key of each live message (call_id of
 * each live call, contact_id of each live contact) it emitted; a recovered one (prov.origin set) whose key a live
 * one has is an older version of that row, which the app updated in
 * place: it is dropped (the live row is the message; the engine already
 * left out the recovered copies identical to it).  Of recovered ones
 * sharing a key only the first (lowest offset) is kept.  A key the app's
 * row did not give ("table:-1", from chat_key with a lost rowid) decides
 * nothing: such rows are told apart by their values alone.  Dropped
 * records count in ctx->superseded.  The live pass must run first.
 */
int chat_emit_message(chat_ctx *ctx, const chat_message *m);
/* chat_emit_message_kept — chat_emit_message, then whether the message
 * was kept: false when it was dropped as a version of one already emitted
 * (so its attachments, already emitted with that one, are not repeated). */
bool chat_emit_message_kept(chat_ctx *ctx, const chat_message *m);
int chat_emit_attachment(chat_ctx *ctx, const chat_attachment *a);
int chat_emit_contact(chat_ctx *ctx, const chat_contact *c);
int chat_emit_call(chat_ctx *ctx, const chat_call *c);
int chat_emit_account(chat_ctx *ctx, const chat_account *a);

/* ---- small helpers ----------------------------------------------------- */

/* chat_key — a malloc'd "<table>:<id>" (the message_key convention). */
char *chat_key(const char *table, int64_t id);
char *chat_key_text(const char *table, const char *id);

/* chat_same — both NULL, or equal strings. */
bool chat_same(const char *a, const char *b);

/* chat_nonempty — s when it holds more than blanks, else NULL. */
const char *chat_nonempty(const char *s);

#endif

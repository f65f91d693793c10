/*
 * chat.c — see chat.h.
 */
#include "chat.h"
#include "exhibit/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1601-01-01T00:00:00Z and 9999-12-31T23:59:59Z as Unix seconds. */
#define EARLIEST_SECOND (-11644473600LL)
#define LATEST_SECOND 253402300799LL

#define NS_PER_SECOND 1000000000LL

static void keys_free(struct chat_keys *k);

/* ---- the context -------------------------------------------------------- */

void chat_init(chat_ctx *ctx, const exhibit_host_api *api, exhibit_host *host,
               const char *app)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->api = api;
	ctx->host = host;
	ctx->app = app;
	ctx->status = EXHIBIT_OK;
}

/* Order of gravity: OK < FORMAT < LIMIT < READ < ERR. */
static int gravity(int code)
{
	switch (code) {
	case EXHIBIT_OK:
		return 0;
	case EXHIBIT_ERR_FORMAT:
		return 1;
	case EXHIBIT_ERR_LIMIT:
		return 2;
	case EXHIBIT_ERR_READ:
		return 3;
	default:
		return 4;
	}
}

int chat_worse(int a, int b)
{
	return gravity(b) > gravity(a) ? b : a;
}

void chat_fail(chat_ctx *ctx, int code)
{
	ctx->status = chat_worse(ctx->status, code);
}

void chat_report(chat_ctx *ctx, int64_t offset, const char *fmt, ...)
{
	char message[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	ctx->api->report_error(ctx->host, offset, message);
}

int chat_finish(chat_ctx *ctx)
{
	if (ctx->bad_times)
		chat_report(ctx, -1, "%" PRIu64 " time%s outside the years 1601-9999 "
		            "left empty", ctx->bad_times, ctx->bad_times == 1 ? "" : "s");
	if (ctx->out_of_memory) {
		chat_report(ctx, -1, "out of memory: some records are incomplete or missing");
		chat_fail(ctx, EXHIBIT_ERR);
	}
	if (ctx->refused)
		chat_report(ctx, -1, "the host refused %" PRIu64 " record%s",
		            ctx->refused, ctx->refused == 1 ? "" : "s");
	keys_free(ctx->keys);
	ctx->keys = NULL;
	return ctx->status;
}

/* ---- keys emitted ------------------------------------------------------- */

/*
 * An open-addressing set of strings, each tagged with its kind (live or
 * recovered, message or call) as its first byte.  It grows with the rows
 * read, which max_rows bounds.
 */
struct chat_keys {
	char **slot;
	size_t cap, n;
};

static void keys_free(struct chat_keys *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->cap; i++)
		free(k->slot[i]);
	free(k->slot);
	free(k);
}

static size_t keys_hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * (size_t)1099511628211ULL;
	return h;
}

/* the slot holding s, or the empty one where it belongs */
static size_t keys_find(const struct chat_keys *k, const char *s)
{
	size_t i = keys_hash(s) & (k->cap - 1);

	while (k->slot[i] && strcmp(k->slot[i], s) != 0)
		i = (i + 1) & (k->cap - 1);
	return i;
}

static bool keys_has(const struct chat_keys *k, const char *s)
{
	return k && k->cap && k->slot[keys_find(k, s)];
}

/* keys_grow — room for one more at a load of at most one half. */
static bool keys_grow(struct chat_keys *k)
{
	struct chat_keys bigger;
	size_t i;

	if (k->cap && (k->n + 1) * 2 <= k->cap)
		return true;
	bigger.cap = k->cap ? k->cap * 2 : 64;
	bigger.n = k->n;
	if (bigger.cap > SIZE_MAX / sizeof *bigger.slot / 2)
		return false;
	bigger.slot = calloc(bigger.cap, sizeof *bigger.slot);
	if (!bigger.slot)
		return false;
	for (i = 0; i < k->cap; i++)
		if (k->slot[i])
			bigger.slot[keys_find(&bigger, k->slot[i])] = k->slot[i];
	free(k->slot);
	*k = bigger;
	return true;
}

/* keys_add — remember s; false when memory ran out (then noted in ctx). */
static bool keys_add(chat_ctx *ctx, const char *s)
{
	struct chat_keys *k = ctx->keys;
	char *copy;

	if (!k && !(k = ctx->keys = calloc(1, sizeof *k)))
		goto out_of_memory;
	if (keys_has(k, s))
		return true;
	if (!keys_grow(k) || !(copy = strdup(s)))
		goto out_of_memory;
	k->slot[keys_find(k, s)] = copy;
	k->n++;
	return true;
out_of_memory:
	ctx->out_of_memory = true;
	return false;
}

/* a key the row gave (see chat_key with a lost rowid) */
static bool key_is_known(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	return n && !(n >= 3 && !strcmp(key + n - 3, ":-1"));
}

/*
 * first_of_its_key — whether a record of kind ('m' message, 'c' call,
 * 'k' contact)
 * with this key and provenance is to be emitted (see chat.h), and
 * remember it.
 */
static bool first_of_its_key(chat_ctx *ctx, char kind, const char *key,
                             const chat_provenance *p)
{
	char *live, *recovered;
	bool first = true;

	if (!key_is_known(key))
		return true;
	if (asprintf(&live, "L%c%s", kind, key) < 0) {
		ctx->out_of_memory = true;
		return true;
	}
	if (asprintf(&recovered, "R%c%s", kind, key) < 0) {
		free(live);
		ctx->out_of_memory = true;
		return true;
	}
	if (!p->origin)
		keys_add(ctx, live);
	else if (keys_has(ctx->keys, live) || keys_has(ctx->keys, recovered))
		first = false;
	else
		keys_add(ctx, recovered);
	free(live);
	free(recovered);
	if (!first)
		ctx->superseded++;
	return first;
}

/* ---- time --------------------------------------------------------------- */

static chat_time no_time(void)
{
	chat_time t = { false, 0, 0 };

	return t;
}

static chat_time bad_time(chat_ctx *ctx)
{
	ctx->bad_times++;
	return no_time();
}

/* Floor division and its remainder, for negative counts too. */
static void split(int64_t value, int64_t units, int64_t *whole, int64_t *rest)
{
	*whole = value / units;
	*rest = value % units;
	if (*rest < 0) {
		*whole -= 1;
		*rest += units;
	}
}

chat_time chat_time_from(chat_ctx *ctx, int64_t value, int64_t units,
                         int64_t epoch, bool zero_is_unset)
{
	chat_time t = { true, 0, 0 };
	int64_t whole, rest;

	if (value == 0 && zero_is_unset)
		return no_time();
	if (units <= 0)
		return bad_time(ctx);
	split(value, units, &whole, &rest);
	/* whole is bounded by |INT64|/units; epoch by a few 1e10. */
	if (whole > LATEST_SECOND - epoch || whole < EARLIEST_SECOND - epoch)
		return bad_time(ctx);
	t.sec = whole + epoch;
	/* rest < units: scale to nanoseconds without overflowing. */
	if (units <= NS_PER_SECOND)
		t.ns = (int32_t)(rest * (NS_PER_SECOND / units) +
		                 (NS_PER_SECOND % units ? rest * (NS_PER_SECOND % units) / units : 0));
	else
		t.ns = (int32_t)(rest / (units / NS_PER_SECOND));
	return t;
}

chat_time chat_time_from_real(chat_ctx *ctx, double value, int64_t units,
                              int64_t epoch, bool zero_is_unset)
{
	chat_time t = { true, 0, 0 };
	double seconds, whole, frac;

	if (value == 0 && zero_is_unset)
		return no_time();
	if (!isfinite(value) || units <= 0)
		return bad_time(ctx);
	seconds = value / (double)units;
	if (seconds > (double)(LATEST_SECOND - epoch) ||
	    seconds < (double)(EARLIEST_SECOND - epoch))
		return bad_time(ctx);
	whole = floor(seconds);
	frac = seconds - whole;
	t.sec = (int64_t)whole + epoch;
	/* Microseconds, truncated as the app's own clock would; but a value
	 * that lies within half a unit of the double's last place below the
	 * next microsecond was that microsecond before it was stored (.808456
	 * is held as .80845594...). */
	{
		double us = frac * 1e6;
		double slack = (nextafter(seconds, INFINITY) - seconds) * 1e6 / 2;
		double whole_us = floor(us);

		if (us - whole_us >= 1 - slack)
			whole_us += 1;
		t.ns = (int32_t)whole_us * 1000;
	}
	if (t.ns >= NS_PER_SECOND) {
		t.ns -= NS_PER_SECOND;
		t.sec++;
	}
	return t;
}

chat_time chat_time_plus(chat_time t, int64_t seconds)
{
	if (!t.set || seconds > LATEST_SECOND - t.sec || seconds < EARLIEST_SECOND - t.sec)
		return no_time();
	t.sec += seconds;
	return t;
}

/* ---- text --------------------------------------------------------------- */

void chat_buf_add(chat_buf *b, const char *bytes, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *grown;

		while (cap < b->len + len + 1) {
			if (cap > SIZE_MAX / 2) {
				b->failed = true;
				return;
			}
			cap *= 2;
		}
		grown = realloc(b->data, cap);
		if (!grown) {
			b->failed = true;
			return;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, bytes, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void chat_buf_adds(chat_buf *b, const char *s)
{
	if (s)
		chat_buf_add(b, s, strlen(s));
}

void chat_buf_free(chat_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

char *chat_buf_take(chat_buf *b)
{
	char *s = b->failed || !b->len ? NULL : b->data;

	if (!s)
		free(b->data);
	memset(b, 0, sizeof *b);
	return s;
}

static bool keeps_control(unsigned char c)
{
	return c == '\t' || c == '\n' || c == '\r';
}

char *chat_clean_text(const void *bytes, size_t len)
{
	const unsigned char *s = bytes;
	chat_buf b = { NULL, 0, 0, false };
	size_t i = 0;

	if (!bytes)
		return NULL;
	chat_buf_add(&b, "", 0);
	while (i < len) {
		size_t n = exhibit_utf8_sequence(s + i, len - i);

		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7F) && !keeps_control(s[i]))
			n = 0;
		if (n) {
			chat_buf_add(&b, (const char *)s + i, n);
			i += n;
		} else {
			char esc[5];

			snprintf(esc, sizeof esc, "\\x%02x", s[i]);
			chat_buf_add(&b, esc, 4);
			i++;
		}
	}
	if (b.failed) {
		chat_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* ---- JSON --------------------------------------------------------------- */

static void json_string(chat_buf *b, const char *text)
{
	char *clean = chat_clean_text(text, strlen(text));
	const unsigned char *p;

	if (!clean) {
		b->failed = true;
		return;
	}
	chat_buf_add(b, "\"", 1);
	for (p = (const unsigned char *)clean; *p; p++) {
		char esc[8];

		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			chat_buf_add(b, esc, 2);
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			esc[0] = '\\';
			esc[1] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
			chat_buf_add(b, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", *p);
			chat_buf_add(b, esc, 6);
		} else {
			chat_buf_add(b, (const char *)p, 1);
		}
	}
	chat_buf_add(b, "\"", 1);
	free(clean);
}

static void json_start(chat_json *j, char open, char close)
{
	memset(j, 0, sizeof *j);
	chat_buf_add(&j->buf, &open, 1);
	j->close = close;
}

void chat_json_array(chat_json *j)
{
	json_start(j, '[', ']');
}

void chat_json_object(chat_json *j)
{
	json_start(j, '{', '}');
}

static void json_separator(chat_json *j)
{
	if (j->n++)
		chat_buf_add(&j->buf, ",", 1);
}

void chat_json_add(chat_json *j, const char *text)
{
	if (!text || !*text)
		return;
	json_separator(j);
	json_string(&j->buf, text);
}

void chat_json_add_unique(chat_json *j, const char *text)
{
	chat_buf probe = { NULL, 0, 0, false };
	bool seen;

	if (!text || !*text)
		return;
	json_string(&probe, text);
	seen = !probe.failed && j->buf.data &&
	       (strstr(j->buf.data + 1, probe.data) != NULL);
	/* A match must be a whole element: preceded by '[' or ','. */
	if (seen) {
		const char *at = j->buf.data + 1;

		seen = false;
		while ((at = strstr(at, probe.data))) {
			char before = at[-1], after = at[probe.len];

			if ((before == '[' || before == ',') &&
			    (after == ',' || after == '\0')) {
				seen = true;
				break;
			}
			at++;
		}
	}
	chat_buf_free(&probe);
	if (!seen)
		chat_json_add(j, text);
}

static void json_key(chat_json *j, const char *key)
{
	json_separator(j);
	json_string(&j->buf, key);
	chat_buf_add(&j->buf, ":", 1);
}

void chat_json_text(chat_json *j, const char *key, const char *text)
{
	if (!text)
		return;
	json_key(j, key);
	json_string(&j->buf, text);
}

void chat_json_int(chat_json *j, const char *key, int64_t value)
{
	char number[32];

	json_key(j, key);
	snprintf(number, sizeof number, "%" PRId64, value);
	chat_buf_adds(&j->buf, number);
}

void chat_json_real(chat_json *j, const char *key, double value)
{
	char number[40];

	if (!isfinite(value))
		return;
	json_key(j, key);
	/* the shortest form that reads back as the same double */
	snprintf(number, sizeof number, "%.15g", value);
	if (strtod(number, NULL) != value)
		snprintf(number, sizeof number, "%.17g", value);
	chat_buf_adds(&j->buf, number);
}

void chat_json_raw(chat_json *j, const char *key, const char *json)
{
	if (!json)
		return;
	json_key(j, key);
	chat_buf_adds(&j->buf, json);
}

char *chat_json_take(chat_json *j)
{
	char *text;

	if (!j->n || j->buf.failed) {
		chat_json_free(j);
		return NULL;
	}
	chat_buf_add(&j->buf, &j->close, 1);
	text = chat_buf_take(&j->buf);
	memset(j, 0, sizeof *j);
	return text;
}

void chat_json_free(chat_json *j)
{
	chat_buf_free(&j->buf);
	memset(j, 0, sizeof *j);
}

/* ---- records ------------------------------------------------------------ */

/*
 * A record under construction: fields plus the cleaned copies of their
 * text, freed together once the host has taken its copy.
 */
#define MAX_FIELDS 40

typedef struct record {
	chat_ctx *ctx;
	exhibit_field fields[MAX_FIELDS];
	char *owned[MAX_FIELDS];
	size_t n, n_owned;
} record;

static void add_field(record *r, exhibit_field f)
{
	if (r->n < MAX_FIELDS)
		r->fields[r->n++] = f;
}

static void add_null(record *r, const char *name)
{
	exhibit_field f = EXHIBIT_FIELD_NULL(name);

	add_field(r, f);
}

static void add_text(record *r, const char *name, const char *text)
{
	char *clean;

	if (!text) {
		add_null(r, name);
		return;
	}
	clean = chat_clean_text(text, strlen(text));
	if (!clean) {
		r->ctx->out_of_memory = true;
		add_null(r, name);
		return;
	}
	r->owned[r->n_owned++] = clean;
	{
		exhibit_field f = EXHIBIT_FIELD_TEXT(name, clean);

		add_field(r, f);
	}
}

static void add_int(record *r, const char *name, int64_t value)
{
	exhibit_field f = EXHIBIT_FIELD_INT(name, value);

	add_field(r, f);
}

static void add_int_if(record *r, const char *name, bool has, int64_t value)
{
	if (has)
		add_int(r, name, value);
	else
		add_null(r, name);
}

static void add_flag(record *r, const char *name, chat_flag flag)
{
	add_int_if(r, name, flag != CHAT_FLAG_UNKNOWN, flag == CHAT_FLAG_YES);
}

/* name and name_ns (the caller's static strings) from a time. */
static void add_time(record *r, const char *name, const char *name_ns,
                     chat_time t)
{
	add_int_if(r, name, t.set, t.sec);
	add_int_if(r, name_ns, t.set, t.ns);
}

static void add_blob(record *r, const char *name, const void *data, size_t len)
{
	exhibit_field f = EXHIBIT_FIELD_NULL(name);

	if (data && len) {
		f.type = EXHIBIT_BLOB;
		f.blob = data;
		f.blob_len = len;
	}
	add_field(r, f);
}

static void add_provenance(record *r, const chat_provenance *p)
{
	add_text(r, "source_table", p->table);
	add_int_if(r, "source_rowid", p->has_rowid, p->rowid);
	add_text(r, "recovered_from", p->origin);
	add_int_if(r, "recovered_offset", p->origin && p->has_offset, p->offset);
}

static const char *direction_name(chat_direction d)
{
	switch (d) {
	case CHAT_INCOMING:
		return "incoming";
	case CHAT_OUTGOING:
		return "outgoing";
	default:
		return "unknown";
	}
}

static const char *kind_name(chat_kind k)
{
	switch (k) {
	case CHAT_MEDIA:
		return "media";
	case CHAT_CALL:
		return "call";
	case CHAT_SYSTEM:
		return "system";
	default:
		return "text";
	}
}

static int send_record(record *r, const char *table)
{
	chat_ctx *ctx = r->ctx;
	int rc = ctx->api->emit_record(ctx->host, table, r->fields, r->n);
	size_t i;

	for (i = 0; i < r->n_owned; i++)
		free(r->owned[i]);
	if (rc == EXHIBIT_OK) {
		ctx->emitted++;
	} else {
		ctx->refused++;
		chat_fail(ctx, rc);
	}
	return rc;
}

static void start(record *r, chat_ctx *ctx)
{
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	add_text(r, "app", ctx->app);
}

int chat_emit_message(chat_ctx *ctx, const chat_message *m)
{
	record r;

	if (!first_of_its_key(ctx, 'm', m->key, &m->prov))
		return EXHIBIT_OK;
	start(&r, ctx);
	add_text(&r, "service", m->service);
	add_text(&r, "account", m->account);
	add_text(&r, "thread_id", m->thread_id);
	add_text(&r, "thread_title", m->thread_title);
	add_text(&r, "participants", m->participants);
	add_text(&r, "sender", m->sender);
	add_text(&r, "sender_name", m->sender_name);
	add_text(&r, "recipients", m->recipients);
	add_text(&r, "direction", direction_name(m->direction));
	add_time(&r, "sent", "sent_ns", m->sent);
	add_time(&r, "received", "received_ns", m->received);
	add_time(&r, "read", "read_ns", m->read);
	add_text(&r, "time_precision", m->precision);
	add_text(&r, "time_zone", m->local_time ? "local" : "UTC");
	add_text(&r, "body", m->body);
	add_text(&r, "message_type", kind_name(m->kind));
	add_text(&r, "status", m->status);
	add_text(&r, "message_key", m->key ? m->key : "");
	add_text(&r, "reply_to", m->reply_to);
	add_text(&r, "forwarded_from", m->forwarded_from);
	add_flag(&r, "forwarded", m->forwarded);
	add_flag(&r, "deleted", m->deleted);
	add_flag(&r, "edited", m->edited);
	add_text(&r, "extra", m->extra);
	add_provenance(&r, &m->prov);
	return send_record(&r, "chat_messages");
}

bool chat_emit_message_kept(chat_ctx *ctx, const chat_message *m)
{
	uint64_t dropped = ctx->superseded;

	chat_emit_message(ctx, m);
	return ctx->superseded == dropped;
}

int chat_emit_attachment(chat_ctx *ctx, const chat_attachment *a)
{
	record r;

	start(&r, ctx);
	add_text(&r, "message_key", a->message_key);
	add_text(&r, "name", a->name);
	add_text(&r, "mime_type", a->mime_type);
	add_int_if(&r, "size", a->has_size, a->size);
	add_text(&r, "path", a->path);
	add_text(&r, "url", a->url);
	add_blob(&r, "hash", a->hash, a->hash_len);
	add_text(&r, "hash_algorithm", a->hash && a->hash_len ? a->hash_algorithm : NULL);
	add_text(&r, "extra", a->extra);
	add_provenance(&r, &a->prov);
	return send_record(&r, "chat_attachments");
}

int chat_emit_contact(chat_ctx *ctx, const chat_contact *c)
{
	record r;

	if (!first_of_its_key(ctx, 'k', c->contact_id, &c->prov))
		return EXHIBIT_OK;
	start(&r, ctx);
	add_text(&r, "account", c->account);
	add_text(&r, "contact_id", c->contact_id);
	add_text(&r, "name", c->name);
	add_text(&r, "username", c->username);
	add_text(&r, "phones", c->phones);
	add_text(&r, "emails", c->emails);
	add_text(&r, "birthday", c->birthday);
	add_text(&r, "status_text", c->status_text);
	add_time(&r, "created", "created_ns", c->created);
	add_time(&r, "last_seen", "last_seen_ns", c->last_seen);
	add_text(&r, "time_precision", c->precision);
	add_flag(&r, "blocked", c->blocked);
	add_flag(&r, "deleted", c->deleted);
	add_text(&r, "extra", c->extra);
	add_provenance(&r, &c->prov);
	return send_record(&r, "chat_contacts");
}

int chat_emit_call(chat_ctx *ctx, const chat_call *c)
{
	record r;

	if (!first_of_its_key(ctx, 'c', c->call_id, &c->prov))
		return EXHIBIT_OK;
	start(&r, ctx);
	add_text(&r, "account", c->account);
	add_text(&r, "call_id", c->call_id);
	add_text(&r, "thread_id", c->thread_id);
	add_text(&r, "direction", direction_name(c->direction));
	add_text(&r, "status", c->status);
	add_text(&r, "media", c->media);
	add_text(&r, "peer", c->peer);
	add_text(&r, "peer_name", c->peer_name);
	add_text(&r, "participants", c->participants);
	add_time(&r, "started", "started_ns", c->started);
	add_time(&r, "ended", "ended_ns", c->ended);
	add_int_if(&r, "duration", c->has_duration, c->duration);
	add_text(&r, "time_precision", c->precision);
	add_flag(&r, "deleted", c->deleted);
	add_text(&r, "extra", c->extra);
	add_provenance(&r, &c->prov);
	return send_record(&r, "chat_calls");
}

int chat_emit_account(chat_ctx *ctx, const chat_account *a)
{
	record r;

	start(&r, ctx);
	add_text(&r, "account_id", a->account_id);
	add_text(&r, "name", a->name);
	add_text(&r, "phone", a->phone);
	add_text(&r, "email", a->email);
	add_time(&r, "created", "created_ns", a->created);
	add_text(&r, "time_precision", a->precision);
	add_text(&r, "extra", a->extra);
	add_provenance(&r, &a->prov);
	return send_record(&r, "chat_accounts");
}

/* ---- small helpers ------------------------------------------------------ */

char *chat_key(const char *table, int64_t id)
{
	char *key;

	if (asprintf(&key, "%s:%" PRId64, table, id) < 0)
		return NULL;
	return key;
}

char *chat_key_text(const char *table, const char *id)
{
	char *key;

	if (!id || asprintf(&key, "%s:%s", table, id) < 0)
		return NULL;
	return key;
}

bool chat_same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

const char *chat_nonempty(const char *s)
{
	const char *p = s;

	while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p && *p ? s : NULL;
}

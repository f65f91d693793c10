/*
 * chat_json_stream.c — see chat_json_stream.h.
 */
#include <inttypes.h>
#include <string.h>

#include "chat_json_stream.h"

uint64_t chat_json_stream_offset(const chat_json_stream *js)
{
	return js->chunk_base + (js->yajl ? yajl_get_bytes_consumed(js->yajl) : 0);
}

void chat_json_stream_stop(chat_json_stream *js, const char *why)
{
	if (!js->stop_why) {
		js->stop_why = why;
		js->stop_at = chat_json_stream_offset(js);
	}
}

static chat_json_frame *top(chat_json_stream *js)
{
	return js->depth && !js->skipped ? &js->stack[js->depth - 1] : NULL;
}

/* ---- yajl callbacks ------------------------------------------------------------ */

static int push(chat_json_stream *js, bool array)
{
	chat_json_frame *parent = top(js), *f;
	uint64_t at;

	if (js->skipped || (parent && parent->kind == js->on->skip)) {
		js->skipped++;
		return 1;
	}
	if (js->depth == CHAT_JSON_MAX_DEPTH) {
		chat_json_stream_stop(js, "the JSON nests deeper than the limit");
		return 0;
	}
	f = &js->stack[js->depth++];
	memset(f, 0, sizeof *f);
	f->kind = js->on->child_of(js->user, parent, array);
	at = chat_json_stream_offset(js);
	if (f->kind != js->on->skip && js->on->enter)
		js->on->enter(js->user, f, parent, at ? at - 1 : 0);
	return 1;
}

static int pop(chat_json_stream *js)
{
	chat_json_frame *f;
	bool go_on = true;

	if (js->skipped) {
		js->skipped--;
		return 1;
	}
	if (!js->depth)
		return 1;
	f = &js->stack[js->depth - 1];
	if (f->kind != js->on->skip && js->on->leave)
		go_on = js->on->leave(js->user, f);
	js->depth--;
	return go_on && !js->ctx->out_of_memory;
}

static int scalar(chat_json_stream *js, const unsigned char *v, size_t len, bool string)
{
	chat_json_frame *f = top(js);

	if (!f || f->kind == js->on->skip)
		return 1;
	return js->on->value(js->user, f, v, len, string) ? 1 : 0;
}

static int on_null(void *ctx)
{
	(void)ctx;
	return 1;
}

static int on_boolean(void *ctx, int b)
{
	return scalar(ctx, (const unsigned char *)(b ? "true" : "false"), b ? 4 : 5, false);
}

static int on_number(void *ctx, const char *v, size_t len)
{
	return scalar(ctx, (const unsigned char *)v, len, false);
}

static int on_string(void *ctx, const unsigned char *v, size_t len)
{
	return scalar(ctx, v, len, true);
}

static int on_start_map(void *ctx)
{
	return push(ctx, false);
}

static int on_end_map(void *ctx)
{
	return pop(ctx);
}

static int on_start_array(void *ctx)
{
	return push(ctx, true);
}

static int on_end_array(void *ctx)
{
	return pop(ctx);
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
	chat_json_stream *js = ctx;
	chat_json_frame *f = top(js);

	if (!f)
		return 1;
	if (len < sizeof f->key) {
		memcpy(f->key, key, len);
		f->key[len] = '\0';
	} else {
		f->key[0] = '\0';
	}
	if (js->on->key && f->kind != js->on->skip)
		js->on->key(js->user, f);
	return 1;
}

static const yajl_callbacks callbacks = {
	on_null, on_boolean, NULL, NULL, on_number, on_string,
	on_start_map, on_map_key, on_end_map, on_start_array, on_end_array
};

/* ---- the driver ------------------------------------------------------------------ */

/* The length of the token being read, carried across chunks, so that no
 * string or number grows past CHAT_JSON_MAX_TOKEN inside yajl. */
typedef struct token_guard {
	bool in_string, escaped;
	uint64_t run;
} token_guard;

static bool structural(unsigned char c)
{
	return c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',' ||
	       c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The offset in buf of a byte that makes a token too long, or len. */
static size_t guard(token_guard *g, const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (g->in_string) {
			if (g->escaped)
				g->escaped = false;
			else if (c == '\\')
				g->escaped = true;
			else if (c == '"') {
				g->in_string = false;
				g->run = 0;
				continue;
			}
		} else if (c == '"') {
			g->in_string = true;
			g->run = 0;
			continue;
		} else if (structural(c)) {
			g->run = 0;
			continue;
		}
		if (++g->run > CHAT_JSON_MAX_TOKEN)
			return i;
	}
	return len;
}

int64_t chat_read_at(const exhibit_host_api *api, exhibit_host *host, uint64_t offset,
                     unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		int64_t n = api->read(host, offset + got, buf + got, len - got);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (int64_t)got;
}

static void report_syntax(chat_json_stream *js, const unsigned char *chunk, size_t len)
{
	unsigned char *msg = yajl_get_error(js->yajl, 0, chunk, len), *p;
	uint64_t at = chat_json_stream_offset(js);

	for (p = msg; p && *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	chat_report(js->ctx, (int64_t)at, "%s: JSON syntax error at byte %" PRIu64
	            " (%s); the rest of the file is not read", js->what, at,
	            msg ? (const char *)msg : "?");
	chat_fail(js->ctx, EXHIBIT_ERR_FORMAT);
	if (msg)
		yajl_free_error(js->yajl, msg);
}

static void report_stop(chat_json_stream *js)
{
	chat_report(js->ctx, (int64_t)js->stop_at, "%s: byte %" PRIu64 ": %s; the rest of "
	            "the file is not read", js->what, js->stop_at, js->stop_why);
	chat_fail(js->ctx, EXHIBIT_ERR_LIMIT);
}

/* Feed the item to yajl chunk by chunk; false at a stop. */
static bool feed(chat_json_stream *js, const exhibit_host_api *api, exhibit_host *host,
                 unsigned char *buf, bool report)
{
	token_guard g = { false, false, 0 };
	uint64_t offset = 0;

	for (;;) {
		int64_t got = chat_read_at(api, host, offset, buf, CHAT_JSON_CHUNK);
		size_t len, take;
		yajl_status st;

		if (got < 0) {
			chat_fail(js->ctx, EXHIBIT_ERR_READ);
			return false;
		}
		if (got == 0) {
			if (yajl_complete_parse(js->yajl) != yajl_status_error)
				return true;
			if (report)
				report_syntax(js, buf, 0);
			return false;
		}
		len = (size_t)got;
		take = guard(&g, buf, len);
		js->chunk_base = offset;
		st = yajl_parse(js->yajl, buf, take);
		if (take < len && st == yajl_status_ok)
			chat_json_stream_stop(js, "a JSON string or number is longer than the limit");
		if (js->stop_why) {
			if (report)
				report_stop(js);
			return false;
		}
		if (st == yajl_status_error) {
			if (report)
				report_syntax(js, buf, take);
			return false;
		}
		if (st != yajl_status_ok || js->ctx->out_of_memory)
			return false;
		offset += len;
	}
}

bool chat_json_stream_read(chat_json_stream *js, const exhibit_host_api *api,
                           exhibit_host *host, unsigned char *buf, bool report)
{
	bool whole;

	js->depth = js->skipped = 0;
	js->chunk_base = 0;
	js->stop_why = NULL;
	js->yajl = yajl_alloc(&callbacks, NULL, js);
	if (!js->yajl) {
		chat_fail(js->ctx, EXHIBIT_ERR);
		return false;
	}
	yajl_config(js->yajl, yajl_dont_validate_strings, 1); /* kept, escaped */
	whole = feed(js, api, host, buf, report);
	yajl_free(js->yajl);
	js->yajl = NULL;
	return whole;
}

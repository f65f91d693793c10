/*
 * hashset_vics.c — Project VIC VICS JSON, streamed through yajl.
 *
 * The shapes read (OData, version 1.x with "odata.metadata", 2.0 with
 * "@odata.context"):
 *
 *   hash-set form   { "...context": ".../$metadata#Media",
 *                     "value": [ {Media}, {Media}, ... ] }
 *   case form       { "...context": ".../$metadata#Cases",
 *                     "value": [ { "CaseID": ..., "Media": [ {Media}, ... ] } ] }
 *
 * A Media object gives MD5, SHA1 and/or SHA256 (hex), Category (number or
 * string), MediaSize (number or numeric string), DateUpdated (ISO-8601 or
 * "/Date(ms)/") and AlternativeHashes ([{ "HashName": "PDQ", "HashValue":
 * ... }]).  Keys are matched without regard to case; what else an object
 * holds (MediaFiles, Exifs, ...) is skipped, however deep, without being
 * kept.  Only the fields of the Media object itself count: a MediaFiles
 * entry's own MD5 does not.
 *
 * yajl keeps only the token it is reading; a token longer than
 * HASHSET_MAX_TOKEN or nesting deeper than HASHSET_MAX_DEPTH ends the
 * file with a problem, so memory stays bounded.  A JSON syntax error
 * ends the file too (the records before it are kept), as a rejected
 * record at its byte offset.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_parse.h>

#include "hashset_input.h"

#define VICS_CHUNK (64u * 1024)
#define CATEGORY_MAX 256
#define PDQ_MAX 256

enum frame_kind {
	F_ROOT,        /* the top object */
	F_VALUES,      /* root "value": [ ... ] */
	F_ITEM,        /* an object of "value" or of "Media": a Media or a Case */
	F_MEDIA,       /* an item's "Media": [ ... ] */
	F_ALTS,        /* an item's "AlternativeHashes": [ ... ] */
	F_ALT,         /* one alternative hash */
	F_OTHER        /* skipped */
};

enum item_key {
	K_NONE, K_MD5, K_SHA1, K_SHA256, K_CATEGORY, K_SIZE, K_UPDATED, K_MEDIA, K_ALTS,
	K_HASH_NAME, K_HASH_VALUE, K_VALUE, K_CONTEXT
};

typedef struct item {
	hashset_entry e;
	uint64_t offset;               /* where the object starts */
	int bad;                       /* a field was malformed: why */
	char why[160];
	int is_case;                   /* it had a "Media" array */
	char category[CATEGORY_MAX];
	int has_category;
	char pdq[PDQ_MAX];
	char alt_name[32], alt_value[PDQ_MAX];
	int alt_has_value;
} item;

typedef struct frame {
	enum frame_kind kind;
	enum item_key key;             /* the key whose value comes next */
	int item;                      /* index into items[], F_ITEM and F_ALT(S) */
} frame;

#define MAX_ITEMS 4                /* a Case holding Media: two; room to spare */

typedef struct vics {
	hs_input *in;
	yajl_handle h;
	uint64_t chunk_base;           /* file offset of the chunk being parsed */
	frame stack[HASHSET_MAX_DEPTH];
	int depth;
	item items[MAX_ITEMS];
	int n_items;
	int saw_values;                /* the root had a "value" array */
	int stop_rc;                   /* the entry callback stopped us */
	const char *limit_why;         /* a limit ended the file */
	uint64_t limit_at;
} vics;

static uint64_t here(vics *v)
{
	return v->chunk_base + yajl_get_bytes_consumed(v->h);
}

static frame *top(vics *v)
{
	return v->depth ? &v->stack[v->depth - 1] : NULL;
}

static int push(vics *v, enum frame_kind kind, int item_index)
{
	if (v->depth == HASHSET_MAX_DEPTH) {
		v->limit_why = "JSON nested deeper than the limit";
		v->limit_at = here(v);
		return 0;
	}
	v->stack[v->depth].kind = kind;
	v->stack[v->depth].key = K_NONE;
	v->stack[v->depth].item = item_index;
	v->depth++;
	return 1;
}

static enum item_key key_named(enum frame_kind in, const unsigned char *k, size_t len)
{
	static const struct { enum frame_kind in; const char *name; enum item_key key; } keys[] = {
		{ F_ROOT, "value", K_VALUE }, { F_ROOT, "odata.metadata", K_CONTEXT },
		{ F_ROOT, "@odata.context", K_CONTEXT },
		{ F_ITEM, "MD5", K_MD5 }, { F_ITEM, "SHA1", K_SHA1 }, { F_ITEM, "SHA256", K_SHA256 },
		{ F_ITEM, "SHA-1", K_SHA1 }, { F_ITEM, "SHA-256", K_SHA256 },
		{ F_ITEM, "Category", K_CATEGORY }, { F_ITEM, "MediaSize", K_SIZE },
		{ F_ITEM, "DateUpdated", K_UPDATED }, { F_ITEM, "Media", K_MEDIA },
		{ F_ITEM, "AlternativeHashes", K_ALTS },
		{ F_ALT, "HashName", K_HASH_NAME }, { F_ALT, "HashValue", K_HASH_VALUE },
	};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].in == in && strlen(keys[i].name) == len &&
		    !strncasecmp(keys[i].name, (const char *)k, len))
			return keys[i].key;
	return K_NONE;
}

static void copy_text(char *dst, size_t cap, const void *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static void item_bad(item *it, const char *why)
{
	if (!it->bad) {
		it->bad = 1;
		copy_text(it->why, sizeof it->why, why, strlen(why));
	}
}

/* ---------------------------------------------------------------- values */

static void take_digest(item *it, enum item_key key, const char *s, size_t len)
{
	size_t want = key == K_MD5 ? 2 * MD5_LEN : key == K_SHA1 ? 2 * SHA1_LEN : 2 * SHA256_LEN;

	if (len == 0)
		return; /* stated as empty: not known */
	if (len != want || hs_set_digest(&it->e, s, len) < 0)
		item_bad(it, key == K_MD5 ? "MD5 is not 32 hex digits"
		           : key == K_SHA1 ? "SHA1 is not 40 hex digits" : "SHA256 is not 64 hex digits");
}

static void take_size(item *it, const char *s, size_t len)
{
	int64_t v = 0;

	if (len == 0 || len > 18) {
		item_bad(it, "MediaSize is not a size in bytes");
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			item_bad(it, "MediaSize is not a size in bytes");
			return;
		}
		v = v * 10 + (s[i] - '0');
	}
	it->e.size = v;
}

static void take_time(vics *v, item *it, const char *s, size_t len)
{
	char text[64];

	copy_text(text, sizeof text, s, len);
	if (len >= sizeof text || hashset_parse_time(text, &it->e.updated_ms) < 0)
		hs_problem(v->in, 0, here(v), 0, "DateUpdated \"%s\" is not an ISO-8601 or /Date(ms)/ "
		           "time; the record is kept without it", text);
}

static void root_scalar(vics *v, enum item_key key, const char *s, size_t len)
{
	char context[256];

	if (key != K_CONTEXT)
		return;
	copy_text(context, sizeof context, s, len);
	if (strstr(context, "/US/"))
		strcpy(v->in->stats->scheme_hint, "project-vic-us");
	else if (strstr(context, "/UK/"))
		strcpy(v->in->stats->scheme_hint, "caid-uk");
	else if (strstr(context, "/CA/") || strstr(context, "/CAN/"))
		strcpy(v->in->stats->scheme_hint, "project-vic-canada");
}

/* scalar — a string or number (as its text) met as the value of a key. */
static int scalar(vics *v, const char *s, size_t len, int is_string)
{
	frame *f = top(v);
	item *it;

	if (!f)
		return 1;
	if (f->kind == F_ROOT) {
		root_scalar(v, f->key, s, len);
		return 1;
	}
	if (f->kind != F_ITEM && f->kind != F_ALT)
		return 1;
	it = &v->items[f->item];
	switch (f->key) {
	case K_MD5: case K_SHA1: case K_SHA256:
		if (!is_string)
			item_bad(it, "a digest is not a string");
		else
			take_digest(it, f->key, s, len);
		break;
	case K_CATEGORY:
		copy_text(it->category, sizeof it->category, s, len);
		it->has_category = len > 0;
		break;
	case K_SIZE:
		take_size(it, s, len);
		break;
	case K_UPDATED:
		take_time(v, it, s, len);
		break;
	case K_HASH_NAME:
		copy_text(it->alt_name, sizeof it->alt_name, s, len);
		break;
	case K_HASH_VALUE:
		copy_text(it->alt_value, sizeof it->alt_value, s, len);
		it->alt_has_value = 1;
		break;
	default:
		break;
	}
	return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar(ctx, (const char *)s, len, 1);
}

static int on_number(void *ctx, const char *s, size_t len)
{
	return scalar(ctx, s, len, 0);
}

static int on_null(void *ctx)
{
	(void)ctx;
	return 1; /* a field stated as null is a field not stated */
}

static int on_boolean(void *ctx, int b)
{
	(void)ctx;
	(void)b;
	return 1;
}

/* ---------------------------------------------------------------- structure */

static int on_map_key(void *ctx, const unsigned char *k, size_t len)
{
	frame *f = top(ctx);

	if (f)
		f->key = key_named(f->kind, k, len);
	return 1;
}

static int start_item(vics *v)
{
	item *it;

	if (v->n_items == MAX_ITEMS)
		return push(v, F_OTHER, -1); /* a Media inside a Media inside...: skipped */
	it = &v->items[v->n_items];
	memset(it, 0, sizeof *it);
	hs_entry_init(&it->e);
	it->offset = here(v);
	if (!push(v, F_ITEM, v->n_items))
		return 0;
	v->n_items++;
	return 1;
}

static int on_start_map(void *ctx)
{
	vics *v = ctx;
	frame *f = top(v);

	if (!f)
		return push(v, F_ROOT, -1);
	if (f->kind == F_VALUES || f->kind == F_MEDIA)
		return start_item(v);
	if (f->kind == F_ALTS)
		return push(v, F_ALT, f->item);
	return push(v, F_OTHER, -1);
}

static int on_start_array(void *ctx)
{
	vics *v = ctx;
	frame *f = top(v);

	if (!f) {
		v->limit_why = "the JSON is an array, not a VICS object";
		v->limit_at = here(v);
		return 0;
	}
	if (f->kind == F_ROOT && f->key == K_VALUE) {
		v->saw_values = 1;
		return push(v, F_VALUES, -1);
	}
	if (f->kind == F_ITEM && f->key == K_MEDIA) {
		v->items[f->item].is_case = 1;
		return push(v, F_MEDIA, f->item);
	}
	if (f->kind == F_ITEM && f->key == K_ALTS)
		return push(v, F_ALTS, f->item);
	return push(v, F_OTHER, -1);
}

static int finish_item(vics *v, item *it)
{
	int rc;

	if (it->bad) {
		hs_problem(v->in, 0, it->offset, 1, "Media record: %s", it->why);
		return 1;
	}
	if (!it->e.have) {
		if (!it->is_case)
			hs_problem(v->in, 0, it->offset, 1,
			           "Media record without MD5, SHA1 or SHA256");
		return 1;
	}
	it->e.category = it->has_category ? it->category : NULL;
	it->e.pdq = it->pdq[0] ? it->pdq : NULL;
	rc = hs_emit(v->in, &it->e, 0, it->offset);
	if (rc) {
		v->stop_rc = rc;
		return 0;
	}
	return 1;
}

static int on_end_map(void *ctx)
{
	vics *v = ctx;
	frame *f = top(v);
	int ok = 1;

	if (!f)
		return 1;
	if (f->kind == F_ITEM) {
		ok = finish_item(v, &v->items[f->item]);
		v->n_items--;
	} else if (f->kind == F_ALT) {
		item *it = &v->items[f->item];
		if (!strcasecmp(it->alt_name, "PDQ") && it->alt_has_value)
			copy_text(it->pdq, sizeof it->pdq, it->alt_value, strlen(it->alt_value));
		it->alt_name[0] = it->alt_value[0] = '\0';
		it->alt_has_value = 0;
	}
	v->depth--;
	return ok;
}

static int on_end_array(void *ctx)
{
	vics *v = ctx;

	if (v->depth)
		v->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	on_null, on_boolean, NULL, NULL, on_number, on_string,
	on_start_map, on_map_key, on_end_map, on_start_array, on_end_array
};

/* ---------------------------------------------------------------- tokens */

/* The length of the token being read, carried from chunk to chunk, so that
 * no string or number grows past HASHSET_MAX_TOKEN inside yajl. */
typedef struct token_guard {
	int in_string, escaped;
	uint64_t run;
} token_guard;

static int is_structural(unsigned char c)
{
	return c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',' ||
	       c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"';
}

/* guard — -1 with *at set when a token in buf is too long. */
static int guard(token_guard *g, const unsigned char *buf, size_t len, size_t *at)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (g->in_string) {
			if (g->escaped)
				g->escaped = 0;
			else if (c == '\\')
				g->escaped = 1;
			else if (c == '"') {
				g->in_string = 0;
				g->run = 0;
				continue;
			}
			g->run++;
		} else if (c == '"') {
			g->in_string = 1;
			g->run = 0;
		} else if (is_structural(c)) {
			g->run = 0;
		} else {
			g->run++;
		}
		if (g->run > HASHSET_MAX_TOKEN) {
			*at = i;
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- driver */

static int syntax_error(vics *v, const unsigned char *chunk, size_t len)
{
	unsigned char *msg = yajl_get_error(v->h, 0, chunk, len);
	uint64_t at = here(v);
	int rc;

	if (at > v->in->consumed)
		at = v->in->consumed;
	for (unsigned char *p = msg; p && *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' '; /* yajl ends its message with a newline */
	for (size_t n = msg ? strlen((char *)msg) : 0; n > 0 && msg[n - 1] == ' '; n--)
		msg[n - 1] = '\0';

	if (!v->saw_values && v->in->stats->entries == 0)
		rc = exhibit_error_set(v->in->err, EXHIBIT_ERR_FORMAT, (int64_t)at,
		                       "%s: byte %llu: not VICS JSON: %s", v->in->name,
		                       (unsigned long long)at, msg ? (const char *)msg : "syntax error");
	else {
		hs_problem(v->in, 0, at, 1, "JSON syntax error (%s); the rest of the file cannot "
		           "be read", msg ? (const char *)msg : "?");
		rc = 0;
	}
	if (msg)
		yajl_free_error(v->h, msg);
	return rc;
}

/* finish — what a stop or the end of the input means. */
static int finish(vics *v, yajl_status st, const unsigned char *chunk, size_t len)
{
	if (v->stop_rc)
		return v->stop_rc;
	if (v->limit_why) {
		if (!v->saw_values)
			return exhibit_error_set(v->in->err, EXHIBIT_ERR_FORMAT, (int64_t)v->limit_at,
			                         "%s: byte %llu: not VICS JSON: %s", v->in->name,
			                         (unsigned long long)v->limit_at, v->limit_why);
		hs_problem(v->in, 0, v->limit_at, 1, "%s; the rest of the file is not read",
		           v->limit_why);
		return 0;
	}
	if (st == yajl_status_error)
		return syntax_error(v, chunk, len);
	if (!v->saw_values)
		return exhibit_error_set(v->in->err, EXHIBIT_ERR_FORMAT, 0,
		                         "%s: not VICS JSON: no \"value\" array of Media or Cases",
		                         v->in->name);
	return 0;
}

static int feed(vics *v, token_guard *g, unsigned char *buf, size_t len, int *done)
{
	size_t at = 0, skip = 0;
	yajl_status st;

	if (v->chunk_base == 0 && len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		skip = 3; /* UTF-8 byte order mark */
	if (guard(g, buf + skip, len - skip, &at) < 0) {
		len = skip + at; /* parse up to the long token, then stop */
		v->limit_why = "a JSON string or number is longer than the limit";
		v->limit_at = v->chunk_base + skip + at;
		*done = 1;
	}
	v->chunk_base += skip;
	st = yajl_parse(v->h, buf + skip, len - skip);
	if (st != yajl_status_ok || *done) {
		*done = 1;
		return finish(v, st, buf + skip, len - skip);
	}
	v->chunk_base += len - skip;
	return 0;
}

int hs_parse_vics(hs_input *in)
{
	vics *v = calloc(1, sizeof *v);
	unsigned char *buf = malloc(VICS_CHUNK);
	token_guard g = { 0, 0, 0 };
	int rc = 0, done = 0;

	if (!v || !buf || !(v->h = yajl_alloc(&callbacks, NULL, v))) {
		free(v);
		free(buf);
		return exhibit_error_set(in->err, EXHIBIT_ERR, -1, "out of memory");
	}
	v->in = in;
	yajl_config(v->h, yajl_dont_validate_strings, 1); /* names may hold any bytes */
	while (!done) {
		int64_t got = hs_read(in, buf, VICS_CHUNK);

		if (got < 0) {
			rc = -1;
			break;
		}
		if (got == 0) {
			yajl_status st = yajl_complete_parse(v->h);
			rc = finish(v, st, buf, 0);
			break;
		}
		rc = feed(v, &g, buf, (size_t)got, &done);
	}
	if (rc < 0 && in->failed)
		rc = EXHIBIT_ERR_READ;
	yajl_free(v->h);
	free(buf);
	free(v);
	return rc;
}

/*
 * whatsapp_export.c — the "whatsapp-export" plugin: the text file
 * WhatsApp's "Export chat" writes ("WhatsApp Chat with <name>.txt", alone
 * or in the zip it shares), recognised by its first line.
 *
 * Each message starts a line with its date and time, in the phone's
 * locale, then its author and text; further lines continue its text:
 *
 *   Android   12/31/20, 11:59 PM - Alice: Happy new year
 *             31.12.20, 23:59 - Alice: Frohes neues Jahr
 *   iOS       [31/12/2020, 23:59:12] Alice: Happy new year
 *             [12/31/20, 11:59:12 PM] Alice: Happy new year
 *
 * A line without "author: " after the date is a system message
 * ("Messages and calls are end-to-end encrypted...", "Alice added Bob").
 * Attachments are "<name> (file attached)" (Android), "<attached: name>"
 * (iOS), or "<Media omitted>" when the export left the files out.
 * WhatsApp may put U+200E marks before a line or an attachment, and
 * U+202F or U+00A0 before AM/PM; they are read as spaces.
 *
 * The date's order (day and month) is the locale's, which the file does
 * not name: a first number above 12 makes it day first, a second one
 * month first; with neither, the order under which the dates never go
 * back in time is taken (an export lists messages in order), and when
 * both orders do, or neither, the dates are ambiguous: the messages keep
 * their date text in extra and no time.  A four-digit first number is
 * year first.  Two-digit years are 20yy.  Times are the phone's wall
 * clock (time_zone 'local').
 *
 * The file is read twice, in bounded chunks (the first pass settles the
 * date order); a message longer than MAX_TEXT is cut and says so.
 * Records: chat_messages (app "WhatsApp", thread "export": the file is one
 * chat; key "line:<n>", source_rowid the line its header is on, the
 * byte offset in extra), chat_attachments.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "chat_lines.h"
#include "exhibit/plugin.h"

#define APP "WhatsApp"
#define MAX_TEXT (1u << 20)
#define MAX_REPORTS 20
#define SNIFF_LINES 8

/* ---- one header line ---------------------------------------------------------- */

typedef struct header {
	int f1, f2, f3;       /* the date's numbers as written */
	int f1_digits, f3_digits;
	int hour, minute, second;
	int ampm;             /* 0 none, 1 AM, 2 PM */
	size_t rest;          /* where the author (or system text) starts */
	size_t date_len;      /* the date and time as written: line[start, start + len) */
	size_t start;
} header;

/* Skip U+200E, U+202F, U+00A0 and a BOM as if they were nothing (marks)
 * or a space. */
static size_t skip_marks(const char *s, size_t i)
{
	for (;;) {
		const unsigned char *u = (const unsigned char *)s + i;

		if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F))
			i += 3;
		else if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
			i += 3;
		else
			return i;
	}
}

static size_t skip_spaces(const char *s, size_t i)
{
	for (;;) {
		const unsigned char *u = (const unsigned char *)s + i;

		if (u[0] == ' ')
			i++;
		else if (u[0] == 0xC2 && u[1] == 0xA0)
			i += 2;
		else if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)
			i += 3;
		else if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x8E)
			i += 3;
		else
			return i;
	}
}

static bool number(const char *s, size_t *i, int max_digits, int *value, int *digits)
{
	int n = 0, v = 0;

	while (isdigit((unsigned char)s[*i]) && n < max_digits) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		n++;
	}
	if (!n || isdigit((unsigned char)s[*i]))
		return false;
	*value = v;
	if (digits)
		*digits = n;
	return true;
}

static bool ampm(const char *s, size_t *i, int *out)
{
	static const char *const forms[] = { "AM", "PM", "am", "pm", "a.m.", "p.m.", "A.M.", "P.M." };
	size_t k;

	for (k = 0; k < sizeof forms / sizeof *forms; k++) {
		size_t n = strlen(forms[k]);

		if (!strncmp(s + *i, forms[k], n)) {
			*out = forms[k][0] == 'A' || forms[k][0] == 'a' ? 1 : 2;
			*i += n;
			return true;
		}
	}
	return false;
}

/* parse_header — the date, time and where the author starts, or false. */
static bool parse_header(const char *s, header *h)
{
	size_t i = skip_marks(s, 0), t;
	bool bracket = s[i] == '[';
	char sep;

	memset(h, 0, sizeof *h);
	if (bracket)
		i++;
	h->start = i;
	if (!number(s, &i, 4, &h->f1, &h->f1_digits))
		return false;
	sep = s[i];
	if (sep != '/' && sep != '.' && sep != '-')
		return false;
	i++;
	if (!number(s, &i, 2, &h->f2, NULL) || s[i] != sep)
		return false;
	i++;
	if (!number(s, &i, 4, &h->f3, &h->f3_digits) || (h->f3_digits != 2 && h->f3_digits != 4 &&
	                                                   h->f1_digits != 4))
		return false;
	if (s[i] == '.')
		i++; /* "31.12.20." in some locales */
	if (s[i] != ',')
		return false;
	i = skip_spaces(s, i + 1);
	if (!number(s, &i, 2, &h->hour, NULL) || s[i] != ':')
		return false;
	i++;
	if (!number(s, &i, 2, &h->minute, NULL))
		return false;
	if (s[i] == ':') {
		i++;
		if (!number(s, &i, 2, &h->second, NULL))
			return false;
	}
	t = skip_spaces(s, i);
	if (ampm(s, &t, &h->ampm))
		i = t;
	if (h->hour > 23 || h->minute > 59 || h->second > 60 ||
	    (h->ampm && (h->hour < 1 || h->hour > 12)))
		return false;
	h->date_len = i - h->start;
	if (bracket) {
		if (s[i] != ']')
			return false;
		i = skip_spaces(s, i + 1);
	} else {
		i = skip_spaces(s, i);
		if (s[i] != '-')
			return false;
		i = skip_spaces(s, i + 1);
	}
	h->rest = i;
	return true;
}

/* ---- the date order --------------------------------------------------------------- */

typedef enum order { DMY = 0, MDY, YMD, UNKNOWN_ORDER } order;

typedef struct order_evidence {
	bool first_over_12, second_over_12, year_first;
	bool dmy_ok, mdy_ok;           /* never went back under that order */
	int64_t last_dmy, last_mdy;
	bool any;
	bool all_equal;                /* day and month always the same number */
} order_evidence;

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int hour24(const header *h)
{
	if (h->ampm == 1)
		return h->hour == 12 ? 0 : h->hour;
	if (h->ampm == 2)
		return h->hour == 12 ? 12 : h->hour + 12;
	return h->hour;
}

/* Seconds of the wall clock under an order, or -1 when not a date. */
static int64_t wall_seconds(const header *h, order o)
{
	int y, m, d;

	switch (o) {
	case DMY: d = h->f1; m = h->f2; y = h->f3; break;
	case MDY: m = h->f1; d = h->f2; y = h->f3; break;
	case YMD: y = h->f1; m = h->f2; d = h->f3; break;
	default: return -1;
	}
	if (y < 100)
		y += 2000;
	if (m < 1 || m > 12 || d < 1 || d > 31 || y < 2000 || y > 9999)
		return -1;
	return days_from_civil(y, m, d) * 86400 + hour24(h) * 3600 + h->minute * 60 + h->second;
}

static void weigh(order_evidence *e, const header *h)
{
	int64_t dmy = wall_seconds(h, DMY), mdy = wall_seconds(h, MDY);

	if (!e->any) {
		e->any = true;
		e->dmy_ok = e->mdy_ok = e->all_equal = true;
	}
	if (h->f1_digits == 4) {
		e->year_first = true;
		return;
	}
	e->first_over_12 |= h->f1 > 12;
	e->second_over_12 |= h->f2 > 12;
	e->all_equal &= h->f1 == h->f2;
	if (dmy < 0 || dmy < e->last_dmy)
		e->dmy_ok = false;
	else
		e->last_dmy = dmy;
	if (mdy < 0 || mdy < e->last_mdy)
		e->mdy_ok = false;
	else
		e->last_mdy = mdy;
}

static order decide(const order_evidence *e)
{
	if (e->year_first)
		return YMD;
	if (e->first_over_12 && e->second_over_12)
		return UNKNOWN_ORDER;
	if (e->first_over_12)
		return DMY;
	if (e->second_over_12)
		return MDY;
	if (e->all_equal || (e->dmy_ok && !e->mdy_ok))
		return DMY;
	if (e->mdy_ok && !e->dmy_ok)
		return MDY;
	return UNKNOWN_ORDER;
}

/* ---- messages ------------------------------------------------------------------- */

typedef struct pending {
	bool open;
	uint64_t line, offset;
	header h;
	char date[64];
	char *author;
	chat_buf text;
	bool cut;
} pending;

typedef struct export_pass {
	chat_ctx *ctx;
	chat_lines *r;
	order order;
	pending m;
	char *participants;
	unsigned reports;
} export_pass;

static void report(export_pass *p, const char *what)
{
	if (p->reports++ < MAX_REPORTS)
		chat_report(p->ctx, (int64_t)p->r->line_offset, "WhatsApp export: line %llu: %s",
		            (unsigned long long)p->r->line_number, what);
}

/* "<name> (file attached)", "<attached: name>", "<Media omitted>": the
 * file's name (malloc'd), "" when left out, NULL for none. */
static char *attachment_of(const char *text)
{
	const char *s = text, *end;
	size_t n;

	while (s && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
	       (unsigned char)s[2] == 0x8E)
		s += 3;
	if (!s)
		return NULL;
	if (!strncmp(s, "<attached: ", 11) && (end = strchr(s + 11, '>')))
		return chat_clean_text(s + 11, (size_t)(end - s - 11));
	if (!strncmp(s, "<Media omitted>", 15))
		return strdup("");
	end = strstr(s, " (file attached)");
	if (end && !strchr(s, '\n') && end > s) {
		n = (size_t)(end - s);
		return chat_clean_text(s, n);
	}
	return NULL;
}

static void flush(export_pass *p)
{
	pending *q = &p->m;
	chat_message m;
	chat_json extra;
	char key[48], *body, *file, *extra_text;

	if (!q->open)
		return;
	memset(&m, 0, sizeof m);
	body = q->text.failed ? NULL : chat_buf_take(&q->text);
	m.service = "WhatsApp";
	m.thread_id = "export";
	m.participants = p->participants;
	m.sender = q->author;
	m.sender_name = q->author;
	if (p->order != UNKNOWN_ORDER) {
		int64_t secs = wall_seconds(&q->h, p->order);

		if (secs >= 0)
			m.sent = chat_time_from(p->ctx, secs, 1, CHAT_EPOCH_UNIX, false);
		else
			p->ctx->bad_times++;
	}
	m.local_time = true;
	m.precision = "1s";
	m.body = chat_nonempty(body);
	file = attachment_of(body);
	m.kind = !q->author ? CHAT_SYSTEM : file ? CHAT_MEDIA : CHAT_TEXT;
	m.forwarded = m.edited = m.deleted = CHAT_FLAG_UNKNOWN;
	snprintf(key, sizeof key, "line:%llu", (unsigned long long)q->line);
	m.key = key;
	m.prov.has_rowid = true;
	m.prov.rowid = (int64_t)q->line;
	chat_json_object(&extra);
	chat_json_int(&extra, "offset", (int64_t)q->offset);
	chat_json_text(&extra, "date", q->date);
	if (p->order == UNKNOWN_ORDER)
		chat_json_text(&extra, "date_order", "ambiguous");
	if (q->cut)
		chat_json_text(&extra, "text_cut", "the text was longer than the limit");
	extra_text = chat_json_take(&extra);
	m.extra = extra_text;
	chat_emit_message(p->ctx, &m);
	if (file) {
		chat_attachment a;

		memset(&a, 0, sizeof a);
		a.message_key = key;
		a.name = chat_nonempty(file);
		a.path = chat_nonempty(file);
		a.extra = *file ? NULL : "{\"note\":\"the export left the file out\"}";
		a.prov.has_rowid = true;
		a.prov.rowid = (int64_t)q->line;
		chat_emit_attachment(p->ctx, &a);
	}
	free(file);
	free(body);
	free(extra_text);
	free(q->author);
	chat_buf_free(&q->text);
	memset(q, 0, sizeof *q);
}

static void append(pending *q, const char *s, size_t n)
{
	if (q->text.len + n + 1 > MAX_TEXT) {
		q->cut = true;
		return;
	}
	chat_buf_add(&q->text, s, n);
}

static void start(export_pass *p, const header *h)
{
	chat_lines *r = p->r;
	pending *q = &p->m;
	const char *rest = r->line + h->rest, *colon = strstr(rest, ": ");
	size_t date_len = h->date_len < sizeof q->date ? h->date_len : sizeof q->date - 1;

	flush(p);
	q->open = true;
	q->line = r->line_number;
	q->offset = r->line_offset;
	q->h = *h;
	memcpy(q->date, r->line + h->start, date_len);
	q->date[date_len] = '\0';
	if (colon && colon > rest) {
		q->author = chat_clean_text(rest, (size_t)(colon - rest));
		rest = colon + 2;
	}
	append(q, rest, strlen(rest));
}

/* ---- the plugin ------------------------------------------------------------------- */

#define MAX_AUTHORS 256

/* The first pass: the date order, and everyone who wrote (the chat's
 * participants, as far as the export shows them) into *authors. */
static order settle_order(chat_lines *r, char **authors)
{
	order_evidence e;
	chat_json list;
	size_t n = 0;
	header h;

	memset(&e, 0, sizeof e);
	chat_json_array(&list);
	while (chat_lines_next(r)) {
		const char *rest, *colon;

		if (!parse_header(r->line, &h))
			continue;
		weigh(&e, &h);
		rest = r->line + h.rest;
		colon = strstr(rest, ": ");
		if (colon && colon > rest && n < MAX_AUTHORS) {
			char *author = chat_clean_text(rest, (size_t)(colon - rest));
			size_t before = list.n;

			chat_json_add_unique(&list, author);
			n += list.n > before;
			free(author);
		}
	}
	*authors = chat_json_take(&list);
	return decide(&e);
}

static bool looks_like_export(chat_lines *r)
{
	header h;
	unsigned n = 0;

	while (n++ < SNIFF_LINES && chat_lines_next(r)) {
		if (!r->line_len)
			continue;
		return parse_header(r->line, &h);
	}
	return false;
}

static int analyze(const exhibit_host_api *api, exhibit_host *host,
                   const exhibit_item *item)
{
	chat_lines *r = chat_lines_open(api, host);
	export_pass p;
	chat_ctx ctx;
	header h;

	(void)item; /* what is found depends on the content alone */
	if (!r)
		return EXHIBIT_ERR;
	chat_init(&ctx, api, host, APP);
	memset(&p, 0, sizeof p);
	p.ctx = &ctx;
	p.r = r;
	if (looks_like_export(r)) {
		chat_lines_rewind(r);
		p.order = settle_order(r, &p.participants);
		if (p.order == UNKNOWN_ORDER)
			chat_report(&ctx, -1, "WhatsApp export: the order of day and month cannot be "
			            "told from the dates; messages keep their date as written, without "
			            "a time");
		chat_lines_rewind(r);
		while (chat_lines_next(r)) {
			if (parse_header(r->line, &h)) {
				start(&p, &h);
			} else if (p.m.open) {
				append(&p.m, "\n", 1);
				append(&p.m, r->line, r->line_len);
			} else if (r->line_len) {
				report(&p, "text before the first message, skipped");
			}
			if (r->cut)
				report(&p, "a line longer than the limit was cut");
		}
		flush(&p);
		free(p.participants);
	}
	if (r->failed)
		chat_fail(&ctx, EXHIBIT_ERR_READ);
	free(r);
	return chat_finish(&ctx);
}

static const char *const mime_types[] = { "text/plain", NULL };

static const exhibit_plugin plugin = {
	EXHIBIT_ABI_VERSION,
	"whatsapp-export",
	"1.0",
	"WhatsApp \"Export chat\" text files (Android and iOS forms, any date order)",
	EXHIBIT_PLUGIN_ANALYZER,
	mime_types,
	NULL,
	NULL,
	0,
	analyze,
	NULL,
	NULL,
};

const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &plugin;
}

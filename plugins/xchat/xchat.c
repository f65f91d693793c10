/*
 * xchat.c — the "xchat" plugin: IRC logs written by XChat (and HexChat),
 * recognised by their first line, in the two forms XChat writes:
 *
 *   log files        sections between "**** BEGIN LOGGING AT Mon Dec 31
 *                    21:11:55 2011" and "**** END LOGGING AT ...", each line
 *                    "dec 31 21:11:58 <nick> text" or "dec 31 21:11:55 text"
 *                    (events).  The year comes from the section header; a
 *                    month earlier than the previous line's means the year
 *                    turned.  Only the English headers name the year: a
 *                    section under another header ("**** INIZIO DEL LOG")
 *                    is reported and its lines skipped, as is a line whose
 *                    time is impossible.
 *   scrollback files "T <Unix seconds> text", the text with mIRC colour and
 *                    format codes, which are dropped (a tab reads as a
 *                    space); a nick is "<nick>" at the start of the text.
 *
 * Log-file times are the clock of the machine that wrote them, in a zone
 * the log does not say: they are stored as wall-clock times (time_zone
 * 'local').  Scrollback times are Unix time (UTC).
 *
 * Records: chat_messages, one per line that parses (section headers are
 * system messages "XChat start logging" / "XChat end logging"), app
 * "XChat", service "IRC", thread the channel last named by an event line
 * ("Topic for #x", "talking on #x"), key "line:<n>", source_rowid the line
 * number, and the byte offset of the line in extra.  Lines are read in
 * bounded chunks; a line longer than CHAT_LINE_MAX is cut and reported.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "chat.h"
#include "chat_lines.h"
#include "exhibit/plugin.h"

#define APP "XChat"
#define MAX_REPORTS 50

/* ---- shared ------------------------------------------------------------- */

typedef struct parse {
	chat_ctx *ctx;
	chat_lines *r;
	char *channel;
	unsigned reports;
} parse;

static void problem(parse *p, const char *what)
{
	if (p->reports++ < MAX_REPORTS)
		chat_report(p->ctx, (int64_t)p->r->line_offset, "XChat: line %llu: %s",
		            (unsigned long long)p->r->line_number, what);
	else if (p->reports == MAX_REPORTS + 1)
		chat_report(p->ctx, -1, "XChat: more lines could not be read; only the "
		            "first %d are reported", MAX_REPORTS);
}

/* Remember the channel an event line names: "... on #chan", "Topic for #chan". */
static void note_channel(parse *p, const char *text)
{
	static const char *const cues[] = { " on #", "Topic for #", "talking on #" };
	size_t i;

	for (i = 0; i < sizeof cues / sizeof cues[0]; i++) {
		const char *at = strstr(text, cues[i]);
		size_t len;

		if (!at)
			continue;
		at = strchr(at, '#');
		len = strcspn(at, " \t,:");
		free(p->channel);
		p->channel = strndup(at, len);
		return;
	}
}

static void emit_line(parse *p, chat_time t, bool local, const char *nick,
                      const char *text, chat_kind kind)
{
	chat_message m;
	chat_json e;
	char key[48], *extra;

	memset(&m, 0, sizeof m);
	snprintf(key, sizeof key, "line:%llu", (unsigned long long)p->r->line_number);
	m.service = "IRC";
	m.thread_id = p->channel;
	m.sender = nick;
	m.sent = t;
	m.precision = "1s";
	m.local_time = local;
	m.body = text && *text ? text : NULL;
	m.kind = kind;
	m.key = key;
	m.forwarded = m.deleted = m.edited = CHAT_FLAG_UNKNOWN;
	m.prov.has_rowid = true;
	m.prov.rowid = (int64_t)p->r->line_number;
	chat_json_object(&e);
	chat_json_int(&e, "offset", (int64_t)p->r->line_offset);
	if (p->r->cut)
		chat_json_int(&e, "cut_at", CHAT_LINE_MAX);
	extra = chat_json_take(&e);
	m.extra = extra;
	chat_emit_message(p->ctx, &m);
	free(extra);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* "<nick> text": the nick (in place) and the text after it. */
static char *split_nick(char *text, char **nick)
{
	char *close;

	*nick = NULL;
	if (text[0] != '<' || !(close = strchr(text + 1, '>')) || close == text + 1)
		return text;
	*close = '\0';
	*nick = text + 1;
	return trim(close + 1);
}

/* ---- log files ---------------------------------------------------------- */

static int month_of(const char *s)
{
	static const char *const months[] = {
		"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
		"nov", "dec"
	};
	int i;

	for (i = 0; i < 12; i++)
		if (!strncasecmp(s, months[i], 3))
			return i + 1;
	return 0;
}

static bool valid_clock(int h, int m, int s)
{
	return h >= 0 && h < 24 && m >= 0 && m < 60 && s >= 0 && s < 60;
}

static bool days_fit(int year, int month, int day)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100) || year % 400 == 0;

	return month >= 1 && month <= 12 && day >= 1 &&
	       day <= days[month - 1] + (month == 2 && leap);
}

/* Wall-clock fields as a chat_time (computed as if UTC). */
static chat_time wall_clock(int year, int month, int day, int h, int m, int s)
{
	chat_time t = { false, 0, 0 };
	struct tm tm;

	if (year < 1601 || year > 9999 || !days_fit(year, month, day) || !valid_clock(h, m, s))
		return t;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = s;
	t.sec = (int64_t)timegm(&tm);
	t.set = true;
	return t;
}

typedef struct log_state {
	bool in_section;
	int year, month;
} log_state;

/* "**** WORD WORD WORD Wkd Mon d hh:mm:ss yyyy" */
static void log_header(parse *p, log_state *st, char *line)
{
	char action[3][64], weekday[8], mon[8];
	int day, h, m, s, year, n = 0;
	chat_time t;

	if (sscanf(line, "**** %63s %63s %63s %7s %7s %d %d:%d:%d %d%n", action[0], action[1],
	           action[2], weekday, mon, &day, &h, &m, &s, &year, &n) != 10 ||
	    line[n] != '\0') {
		problem(p, "a log header that cannot be read");
		st->in_section = false;
		return;
	}
	if (strcmp(action[0], "BEGIN") && strcmp(action[0], "END")) {
		problem(p, "a log header in a language other than English: its section "
		        "is skipped (the year is unknown)");
		st->in_section = false;
		return;
	}
	t = wall_clock(year, month_of(mon), day, h, m, s);
	if (!t.set) {
		problem(p, "a log header with an impossible date");
		st->in_section = false;
		return;
	}
	emit_line(p, t, true, NULL, !strcmp(action[0], "BEGIN") ? "XChat start logging"
	                                                         : "XChat end logging",
	          CHAT_SYSTEM);
	st->in_section = !strcmp(action[0], "BEGIN");
	st->year = year;
	st->month = month_of(mon);
}

/* "mon d hh:mm:ss rest" */
static void log_line(parse *p, log_state *st, char *line)
{
	char mon[8], *text, *nick;
	int day, h, m, s, n = 0, month;
	chat_time t;

	line = trim(line);
	if (!*line)
		return;
	if (sscanf(line, "%7s %d %d:%d:%d%n", mon, &day, &h, &m, &s, &n) != 5 ||
	    !(month = month_of(mon)) || strlen(mon) != 3) {
		problem(p, "a line that is not \"mon dd hh:mm:ss text\"");
		return;
	}
	if (!st->in_section)
		return; /* no year to give it */
	if (month < st->month)
		st->year++; /* the year turned */
	t = wall_clock(st->year, month, day, h, m, s);
	if (!t.set) {
		problem(p, "a line with an impossible time");
		return;
	}
	st->month = month;
	text = split_nick(trim(line + n), &nick);
	if (!nick)
		note_channel(p, text);
	emit_line(p, t, true, nick, text, nick ? CHAT_TEXT : CHAT_SYSTEM);
}

static void read_log(parse *p)
{
	log_state st = { false, 0, 0 };

	do {
		char *line = p->r->line;

		if (!strncmp(line, "****", 4))
			log_header(p, &st, line);
		else
			log_line(p, &st, line);
	} while (chat_lines_next(p->r));
}

/* ---- scrollback files --------------------------------------------------- */

/* Drop mIRC codes: ^B bold, ^C colour (and up to two digits, a comma and
 * two more), ^O reset, ^V reverse, ^_ underline, ^] italic, ^H; a tab is a
 * space. */
static void strip_codes(char *s)
{
	char *out = s;

	while (*s) {
		unsigned char c = (unsigned char)*s++;
		int k;

		if (c == 0x03) {
			for (k = 0; k < 2 && isdigit((unsigned char)*s); k++)
				s++;
			if (*s == ',' && isdigit((unsigned char)s[1])) {
				s++;
				for (k = 0; k < 2 && isdigit((unsigned char)*s); k++)
					s++;
			}
		} else if (c == 0x02 || c == 0x0F || c == 0x16 || c == 0x1F || c == 0x1D ||
		           c == 0x08) {
			continue;
		} else {
			*out++ = c == '\t' ? ' ' : (char)c;
		}
	}
	*out = '\0';
}

static void scrollback_line(parse *p, char *line)
{
	char *end, *text, *nick;
	long long seconds;
	chat_time t;

	if (!*trim(line))
		return;
	if (line[0] != 'T' || line[1] != ' ' || !isdigit((unsigned char)line[2])) {
		problem(p, "a line that is not \"T <Unix time> text\"");
		return;
	}
	seconds = strtoll(line + 2, &end, 10);
	if (*end != ' ' && *end != '\0') {
		problem(p, "a line whose time is not a number");
		return;
	}
	t = chat_time_from(p->ctx, seconds, 1, CHAT_EPOCH_UNIX, false);
	if (!t.set) {
		problem(p, "a line with an impossible time");
		return;
	}
	strip_codes(end);
	text = split_nick(trim(end), &nick);
	if (!nick)
		note_channel(p, text);
	emit_line(p, t, false, nick, text, nick ? CHAT_TEXT : CHAT_SYSTEM);
}

static void read_scrollback(parse *p)
{
	do
		scrollback_line(p, p->r->line);
	while (chat_lines_next(p->r));
}

/* ---- the plugin --------------------------------------------------------- */

static bool is_scrollback(const char *line)
{
	const char *s = line + 2;

	if (line[0] != 'T' || line[1] != ' ' || !isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == ' ';
}

static int analyze(const exhibit_host_api *api, exhibit_host *host,
                   const exhibit_item *item)
{
	chat_lines *r = chat_lines_open(api, host);
	chat_ctx ctx;
	parse p;
	bool found;

	(void)item; /* what is found depends on the content alone */
	if (!r)
		return EXHIBIT_ERR;
	chat_init(&ctx, api, host, APP);
	memset(&p, 0, sizeof p);
	p.ctx = &ctx;
	p.r = r;
	found = chat_lines_next(r);
	if (found && !strncmp(r->line, "**** ", 5))
		read_log(&p);
	else if (found && is_scrollback(r->line))
		read_scrollback(&p);
	if (r->failed)
		chat_fail(&ctx, EXHIBIT_ERR_READ);
	free(p.channel);
	free(r);
	return chat_finish(&ctx);
}

/* Dispatched by its first bytes: a log header, or a scrollback line. */
static const exhibit_signature signatures[] = {
	{ 0, (const unsigned char *)"**** ", 5 },
	{ 0, (const unsigned char *)"T ", 2 },
};

static const exhibit_plugin plugin = {
	EXHIBIT_ABI_VERSION,
	"xchat",
	"1.0",
	"XChat and HexChat IRC logs and scrollback files",
	EXHIBIT_PLUGIN_ANALYZER,
	NULL,
	NULL,
	signatures,
	sizeof signatures / sizeof signatures[0],
	analyze,
	NULL,
	NULL,
};

const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &plugin;
}

/*
 * chatlog.c — the "carve-chatlog" plugin: plain-text chat logs of the
 * clients whose logs open with a line of their own:
 *
 *   XChat / HexChat  "**** BEGIN LOGGING AT Mon Dec 31 21:11:55 2011"
 *   mIRC             "Session Start: Mon Dec 31 21:11:55 2011" (after an
 *                    empty line, which mIRC writes first)
 *   Trillian         "Session Start (ICQ - 123:Nick): Mon Dec 31 21:11:55 2011"
 *   irssi            "--- Log opened Mon Dec 31 21:11:55 2011"
 *   Pidgin (text)    "Conversation with X at <time> on Y (protocol)"
 *
 * header_check checks that whole first line (the date where the format
 * fixes it).  Logs without such a line (WhatsApp's "Export chat", weechat,
 * ZNC) are not carved: nothing would tell them from other text.
 *
 * data_check reads text: UTF-8, with tab, CR, LF and the IRC formatting
 * codes (bold, colour, reset, monospace, reverse, italic, strike,
 * underline, CTCP) as the only control bytes.  The log ends at the end of
 * the last whole line before the first byte that is not such text (a NUL,
 * bytes that are not UTF-8, another control byte) or before a line longer
 * than MAX_LINE; free space after a file rarely continues with text that
 * ends in a newline.  validate runs the same checks again on the joined
 * candidate.
 */
#include <string.h>

#include "carve_data.h"
#include "carve_replay.h"

#define MAX_LOG_SIZE (256ull << 20)
#define MAX_LINE 65536
#define HEADER_LEN 512

enum { SIG_XCHAT = 0, SIG_MIRC_BLANK, SIG_MIRC, SIG_TRILLIAN, SIG_IRSSI, SIG_PIDGIN };

static const exhibit_signature signatures[] = {
	[SIG_XCHAT] = { 0, (const unsigned char *)"**** BEGIN LOGGING AT ", 22 },
	[SIG_MIRC_BLANK] = { 2, (const unsigned char *)"Session Start: ", 15 },
	[SIG_MIRC] = { 0, (const unsigned char *)"Session Start: ", 15 },
	[SIG_TRILLIAN] = { 0, (const unsigned char *)"Session Start (", 15 },
	[SIG_IRSSI] = { 0, (const unsigned char *)"--- Log opened ", 15 },
	[SIG_PIDGIN] = { 0, (const unsigned char *)"Conversation with ", 18 },
};

typedef struct chat_state {
	uint32_t utf8_left;     /* continuation bytes still due */
	unsigned char utf8_lead;/* the lead byte, for its second byte's range */
	uint32_t utf8_seen;
	uint64_t line_start;    /* where the current line began */
	uint64_t last_line_end; /* just past the last newline */
} chat_state;

/* ---- header_check ------------------------------------------------------------ */

static int word_in(const unsigned char *p, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (memcmp(p, words[i], 3) == 0)
			return 1;
	return 0;
}

static int digits(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* ctime_ok — "Www Mmm dd hh:mm:ss yyyy" (day space- or zero-padded). */
static int ctime_ok(const unsigned char *p, size_t n)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", NULL };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		                              "Aug", "Sep", "Oct", "Nov", "Dec", NULL };

	if (n < 24)
		return 0;
	return word_in(p, days) && p[3] == ' ' && word_in(p + 4, months) && p[7] == ' ' &&
	       (p[8] == ' ' || digits(p + 8, 1)) && digits(p + 9, 1) && p[10] == ' ' &&
	       digits(p + 11, 2) && p[13] == ':' && digits(p + 14, 2) && p[16] == ':' &&
	       digits(p + 17, 2) && p[19] == ' ' && digits(p + 20, 4);
}

/* first_line — the length of the line at p (to CR or LF), or 0 when it
 * does not end within n bytes. */
static size_t first_line(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r')
			return i;
		if (p[i] < 0x20 && p[i] != '\t')
			return 0;
	}
	return 0;
}

static int header_ok(const unsigned char *buf, size_t len, size_t sig)
{
	const unsigned char *p = buf + signatures[sig].offset;
	size_t n = first_line(p, len - signatures[sig].offset), k = signatures[sig].len;

	if (!n)
		return 0;
	switch (sig) {
	case SIG_XCHAT: case SIG_MIRC: case SIG_IRSSI:
		return ctime_ok(p + k, n - k);
	case SIG_MIRC_BLANK:
		return buf[0] == '\r' && buf[1] == '\n' && ctime_ok(p + k, n - k);
	case SIG_TRILLIAN: {
		const unsigned char *close = memchr(p + k, ')', n - k);
		return close && close + 3 < p + n && close[1] == ':' && close[2] == ' ' &&
		       ctime_ok(close + 3, (size_t)(p + n - close - 3));
	}
	case SIG_PIDGIN:
		/* "Conversation with X at T on Y (protocol)" */
		return memmem(p + k, n - k, " at ", 4) && memmem(p + k, n - k, " on ", 4) &&
		       p[n - 1] == ')' && memchr(p + k, '(', n - k);
	}
	return 0;
}

static int chat_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                             exhibit_carve_header *out)
{
	chat_state *s = state;

	if (sig >= sizeof signatures / sizeof signatures[0] || len < signatures[sig].offset + 24 ||
	    !header_ok(buf, len, sig))
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	out->min_size = 64;
	out->extension = sig == SIG_PIDGIN ? "txt" : "log";
	return EXHIBIT_CARVE_ACCEPT;
}

/* ---- data_check -------------------------------------------------------------- */

/* A control byte a chat log may hold: white space, IRC formatting, CTCP. */
static int control_ok(unsigned c)
{
	switch (c) {
	case '\t': case '\n': case '\r':
	case 0x01: case 0x02: case 0x03: case 0x04: case 0x0f: case 0x11: case 0x16:
	case 0x1d: case 0x1e: case 0x1f:
		return 1;
	}
	return 0;
}

/* utf8_byte — 1 when c continues valid UTF-8 text. */
static int utf8_byte(chat_state *s, unsigned c)
{
	if (s->utf8_left) {
		if ((c & 0xc0) != 0x80)
			return 0;
		/* The second byte's range rules out overlong forms,
		 * surrogates and code points past U+10FFFF. */
		if (s->utf8_seen == 0 &&
		    ((s->utf8_lead == 0xe0 && c < 0xa0) || (s->utf8_lead == 0xed && c > 0x9f) ||
		     (s->utf8_lead == 0xf0 && c < 0x90) || (s->utf8_lead == 0xf4 && c > 0x8f)))
			return 0;
		s->utf8_seen++;
		s->utf8_left--;
		return 1;
	}
	if (c < 0x80)
		return c >= 0x20 ? c != 0x7f : control_ok(c);
	if (c >= 0xc2 && c <= 0xdf)
		s->utf8_left = 1;
	else if (c >= 0xe0 && c <= 0xef)
		s->utf8_left = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		s->utf8_left = 3;
	else
		return 0;
	s->utf8_lead = (unsigned char)c;
	s->utf8_seen = 0;
	return 1;
}

/* plain_ascii — 8 bytes of printable ASCII (0x20..0x7e). */
static inline int plain_ascii(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	if (x & 0x8080808080808080ull)
		return 0; /* a byte >= 0x80 */
	if ((x - 0x2020202020202020ull) & ~x & 0x8080808080808080ull)
		return 0; /* a byte < 0x20 */
	return ((x + 0x0101010101010101ull) & 0x8080808080808080ull) == 0; /* 0x7f */
}

/* stop — the text stops being a log at stop: it ends after its last
 * whole line. */
static int stop_at(const chat_state *s, uint64_t *end)
{
	if (!s->last_line_end)
		return EXHIBIT_CARVE_REJECT;
	*end = s->last_line_end;
	return EXHIBIT_CARVE_END;
}

static int chat_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                           uint64_t *end)
{
	chat_state *s = state;
	size_t i = 0;

	if (len == 0)
		return stop_at(s, end);
	while (i < len) {
		unsigned c;

		if (!s->utf8_left && i + 8 <= len && plain_ascii(buf + i)) {
			i += 8;
			if (pos + i - s->line_start > MAX_LINE)
				return stop_at(s, end);
			continue;
		}
		c = buf[i];
		if (!utf8_byte(s, c))
			return stop_at(s, end);
		i++;
		if (c == '\n')
			s->line_start = s->last_line_end = pos + i;
		else if (pos + i - s->line_start > MAX_LINE)
			return stop_at(s, end);
	}
	*end = pos + len;
	return EXHIBIT_CARVE_CONTINUE;
}

static int chat_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                         uint64_t *bad_offset)
{
	unsigned char head[HEADER_LEN];
	int64_t n = carve_read(api, host, length, 0, head, sizeof head);

	/* The signature that fits the first bytes, as the host would have hit it. */
	for (size_t sig = 0; n > 0 && sig < sizeof signatures / sizeof signatures[0]; sig++) {
		const exhibit_signature *g = &signatures[sig];
		if ((size_t)n >= g->offset + g->len && memcmp(head + g->offset, g->bytes, g->len) == 0)
			return carve_replay(carve_chatlog_plugin.carver, sig, api, host, length,
			                    bad_offset);
	}
	*bad_offset = 0;
	return n < 0 ? EXHIBIT_ERR : EXHIBIT_ERR_FORMAT;
}

static const exhibit_carver carver = {
	.state_size = sizeof(chat_state),
	.header_len = HEADER_LEN,
	.max_size = MAX_LOG_SIZE,
	.fragments = 0,
	.header_check = chat_header_check,
	.data_check = chat_data_check,
	.validate = chat_validate,
};

EXHIBIT_CARVER_PLUGIN(carve_chatlog_plugin, "carve-chatlog", "1.0",
	"Carves plain-text chat logs that open with a client's own line (XChat, "
	"HexChat, mIRC, Trillian, irssi, Pidgin): UTF-8 text to the last whole line",
	signatures, carver);

/*
 * pdf.c — the "carve-pdf" plugin: PDF documents.
 *
 * header_check wants "%PDF-1.0" .. "%PDF-1.7" or "%PDF-2.0" and an end of
 * line.  data_check reads the body as PDF is written: text tokens between
 * streams, each stream skipped by its direct /Length (then "endstream" must
 * follow) or searched for its "endstream" when the length is indirect.
 * It notes where "xref" tables and cross-reference stream objects
 * ("/Type /XRef") begin, the offset each "startxref" gives, and each
 * "%%EOF".  An %%EOF (with its end of line) whose startxref points at a
 * table or stream it saw is a consistent end; later incremental updates
 * may follow it, so reading goes on while the bytes after an end still
 * look like PDF (white space then a token: an object, "xref", "trailer",
 * "startxref", a comment; not a new "%PDF-"), at most LOOKAHEAD bytes
 * past the last consistent end (an inconsistent one, like the first-page
 * trailer's of a linearized file, sets no limit).  The file ends at the last consistent %%EOF (or,
 * when none is, at the last %%EOF, which validate will then judge).
 *
 * Text between streams is ASCII outside its literal strings: more than
 * BINARY_LIMIT other bytes in a window of BINARY_WINDOW, a string longer
 * than MAX_STRING, or a stream that does not end, means the bytes are no
 * longer this PDF: with no %%EOF seen, that is an ERROR at the first such
 * byte (or at the data of an earlier stream whose /Length led nowhere).
 *
 * validate (pdf_xref.c) follows the cross-reference sections.
 */
#include <string.h>

#include "carve_data.h"
#include "pdf_format.h"

#define LOOKAHEAD (64u << 20)  /* bytes read past a consistent %%EOF for an update */
#define MAX_STREAM (1ull << 30)
#define XREF_RING 64
#define TAIL 32
#define BINARY_WINDOW 256      /* text outside strings is ASCII: in any */
#define BINARY_LIMIT 32        /* window this many other bytes end it */
#define MAX_STRING 65536

enum { TEXT = 0, STREAM_EOL, STREAM_SKIP, STREAM_SCAN, ENDSTREAM_CHECK };

typedef struct pdf_state {
	int mode;
	unsigned char tail[TAIL];      /* the last bytes before the current block */
	uint64_t xref_at[XREF_RING];   /* where xref tables / XRef streams begin */
	uint32_t xref_next, xref_count;
	uint64_t last_obj;             /* start of the last "N G obj" */
	int startxref_state;           /* 0, 1 after the keyword, 2 in its digits */
	uint64_t startxref;
	int length_state;              /* /Length: 0, 1 after the key, 4 spaces, 2 digits, 3 after */
	uint64_t length, length_obj;   /* a direct /Length and the object it is in */
	int length_direct;
	uint64_t stream_data;          /* where the current stream's data begins */
	uint64_t skip_to;
	int eol_state;                 /* after "stream": 0, 1 after its CR */
	uint32_t check_eol, check_word;/* "endstream" after a skipped stream */
	uint64_t suspect;              /* a stream whose /Length was wrong, 0: none */
	int after_eof;                 /* 1: white space after an %%EOF so far */
	int eof_eol;                   /* 1 after "%%EOF", 2 after its CR */
	uint64_t eof_end, best_end, loose_end;
	uint32_t window_bytes, window_binary;
	uint64_t first_binary;         /* the window's first binary byte */
	uint32_t string_depth, string_len;
	int string_escape;
} pdf_state;

static const unsigned char pdf_sig[] = "%PDF-";
static const exhibit_signature signatures[] = {
	{ 0, pdf_sig, 5 },
};

static int pdf_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                            exhibit_carve_header *out)
{
	pdf_state *s = state;

	(void)sig;
	if (len < 10 || memcmp(buf, "%PDF-", 5) != 0 || buf[6] != '.')
		return EXHIBIT_CARVE_REJECT;
	if (!((buf[5] == '1' && buf[7] >= '0' && buf[7] <= '7') || (buf[5] == '2' && buf[7] == '0')))
		return EXHIBIT_CARVE_REJECT;
	if (buf[8] != '\r' && buf[8] != '\n' && buf[8] != ' ')
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	s->last_obj = UINT64_MAX;
	out->min_size = 64;
	out->extension = "pdf";
	return EXHIBIT_CARVE_ACCEPT;
}

/* The byte k places before buf[i] (k <= TAIL), from the block or the tail. */
static inline unsigned char back(const pdf_state *s, const unsigned char *buf, size_t i, size_t k)
{
	return i >= k ? buf[i - k] : s->tail[TAIL - (k - i)];
}

/* ends_with — the bytes before buf[i] and buf[i] itself spell word. */
static int ends_with(const pdf_state *s, const unsigned char *buf, size_t i, const char *word)
{
	size_t n = strlen(word);

	if (buf[i] != (unsigned char)word[n - 1])
		return 0;
	for (size_t k = 1; k < n; k++)
		if (back(s, buf, i, k) != (unsigned char)word[n - 1 - k])
			return 0;
	return 1;
}

static void note_xref(pdf_state *s, uint64_t at)
{
	s->xref_at[s->xref_next] = at;
	s->xref_next = (s->xref_next + 1) % XREF_RING;
	if (s->xref_count < XREF_RING)
		s->xref_count++;
}

static int xref_known(const pdf_state *s, uint64_t at)
{
	for (uint32_t k = 0; k < s->xref_count; k++)
		if (s->xref_at[k] == at)
			return 1;
	return 0;
}

/* object_start — buf[i] is the 'j' of "obj": where "N G obj" begins, or
 * UINT64_MAX when the bytes before are not "digits space digits space". */
static uint64_t object_start(const pdf_state *s, const unsigned char *buf, size_t i, uint64_t at)
{
	size_t k = 3, d;

	if (back(s, buf, i, 1) != 'b' || back(s, buf, i, 2) != 'o')
		return UINT64_MAX;
	if (!pdf_space(back(s, buf, i, k)))
		return UINT64_MAX;
	while (k < TAIL && pdf_space(back(s, buf, i, k)))
		k++;
	for (d = 0; k < TAIL && pdf_digit(back(s, buf, i, k)); k++, d++)
		;
	if (!d || k >= TAIL || !pdf_space(back(s, buf, i, k)))
		return UINT64_MAX;
	while (k < TAIL && pdf_space(back(s, buf, i, k)))
		k++;
	for (d = 0; k < TAIL && pdf_digit(back(s, buf, i, k)); k++, d++)
		;
	if (!d)
		return UINT64_MAX;
	return at - (k - 1);
}

/* eof_seen — an %%EOF and its end of line end at end. */
static void eof_seen(pdf_state *s, uint64_t end)
{
	s->eof_end = end;
	s->loose_end = end;
	if (xref_known(s, s->startxref))
		s->best_end = end;
	s->after_eof = 1;
}

/* finish — the bytes stopped being this PDF at stop. */
static int finish(pdf_state *s, uint64_t stop, uint64_t *end)
{
	if (s->best_end || s->loose_end) {
		*end = s->best_end ? s->best_end : s->loose_end;
		return EXHIBIT_CARVE_END;
	}
	*end = s->suspect && s->suspect < stop ? s->suspect : stop;
	return EXHIBIT_CARVE_ERROR;
}

static int binary_byte(unsigned c)
{
	return c >= 0x80 || (c < 0x20 && !pdf_space(c));
}

/* text_byte — one byte of text between streams; 0 when the PDF stops. */
static int text_byte(pdf_state *s, const unsigned char *buf, size_t i, uint64_t at)
{
	unsigned c = buf[i];

	if (s->string_depth) {
		/* Inside a literal string anything goes, but not forever. */
		if (++s->string_len > MAX_STRING)
			return 0;
		if (s->string_escape)
			s->string_escape = 0;
		else if (c == '\\')
			s->string_escape = 1;
		else if (c == '(')
			s->string_depth++;
		else if (c == ')')
			s->string_depth--;
		return 1;
	}

	if (s->eof_eol) {
		if (s->eof_eol == 1 && (c == '\r' || c == '\n')) {
			eof_seen(s, at + 1);
			s->eof_eol = c == '\r' ? 2 : 0;
			return 1;
		}
		if (s->eof_eol == 2 && c == '\n') {
			eof_seen(s, at + 1);
			s->eof_eol = 0;
			return 1;
		}
		s->eof_eol = 0;
	}
	if (s->after_eof) {
		/* After an %%EOF only white space, then a token, may follow. */
		if (pdf_space(c) && c != 0)
			return 1;
		if (!(pdf_digit(c) || c == 'x' || c == 't' || c == 's' || c == '%'))
			return 0;
		s->after_eof = 0;
	}
	if (binary_byte(c) && s->window_binary++ == 0)
		s->first_binary = at;
	if (c == '(') {
		s->string_depth = 1;
		s->string_len = 0;
		s->string_escape = 0;
	}
	switch (s->startxref_state) {
	case 1:
		if (pdf_digit(c)) {
			s->startxref = (uint64_t)(c - '0');
			s->startxref_state = 2;
		} else if (!pdf_space(c))
			s->startxref_state = 0;
		break;
	case 2:
		if (pdf_digit(c) && s->startxref < (1ull << 40))
			s->startxref = s->startxref * 10 + (uint64_t)(c - '0');
		else
			s->startxref_state = 0;
		break;
	}
	switch (s->length_state) {
	case 1: /* "/Length1" is another key: a space must follow */
		s->length_state = pdf_space(c) ? 4 : 0;
		break;
	case 4:
		if (pdf_digit(c)) {
			s->length = (uint64_t)(c - '0');
			s->length_state = 2;
		} else if (!pdf_space(c))
			s->length_state = 0;
		break;
	case 2:
		if (pdf_digit(c) && s->length < (1ull << 40)) {
			s->length = s->length * 10 + (uint64_t)(c - '0');
		} else {
			/* "/Length 12 0 R" is indirect: the next token decides. */
			s->length_direct = 1;
			s->length_state = pdf_space(c) ? 3 : 0;
		}
		break;
	case 3:
		if (pdf_digit(c))
			s->length_direct = 0;
		if (!pdf_space(c))
			s->length_state = 0;
		break;
	}
	switch (c) {
	case 'F':
		if (ends_with(s, buf, i, "%%EOF")) {
			eof_seen(s, at + 1);
			s->eof_eol = 1;
		}
		break;
	case 'f':
		if (ends_with(s, buf, i, "startxref")) {
			s->startxref_state = 1;
		} else if (ends_with(s, buf, i, "/XRef")) {
			if (s->last_obj != UINT64_MAX)
				note_xref(s, s->last_obj);
		} else if (ends_with(s, buf, i, "xref") && pdf_space(back(s, buf, i, 4))) {
			note_xref(s, at - 3);
		}
		break;
	case 'j': {
		uint64_t start = object_start(s, buf, i, at);
		if (start != UINT64_MAX)
			s->last_obj = start;
		break;
	}
	case 'h':
		if (ends_with(s, buf, i, "/Length")) {
			s->length_state = 1;
			s->length_obj = s->last_obj;
			s->length_direct = 0;
		}
		break;
	case 'm':
		if (ends_with(s, buf, i, "stream") && back(s, buf, i, 6) != 'd') {
			s->mode = STREAM_EOL;
			s->eol_state = 0;
		}
		break;
	case 'P':
		if (s->loose_end && ends_with(s, buf, i, "%P"))
			return 0; /* likely "%PDF-": a new file after an end */
		break;
	}
	return 1;
}

static int pdf_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                          uint64_t *end)
{
	pdf_state *s = state;
	size_t i = 0;

	if (len == 0)
		return finish(s, pos, end);
	while (i < len) {
		uint64_t at = pos + i;

		if (s->best_end && at > s->best_end + LOOKAHEAD)
			return finish(s, at, end);
		switch (s->mode) {
		case TEXT:
			for (; i < len && s->mode == TEXT; i++) {
				if (!text_byte(s, buf, i, pos + i))
					return finish(s, pos + i, end);
				if (s->window_binary > BINARY_LIMIT)
					return finish(s, s->first_binary, end);
				if (++s->window_bytes == BINARY_WINDOW)
					s->window_bytes = s->window_binary = 0;
			}
			break;
		case STREAM_EOL:
			/* "stream" then CRLF or LF (or, from careless writers, CR
			 * alone): the data begins after it. */
			if (s->eol_state == 0 && buf[i] == '\r') {
				s->eol_state = 1;
				i++;
				break;
			}
			if (s->eol_state == 0 && buf[i] != '\n') {
				s->mode = TEXT; /* "stream" was part of another word */
				break;
			}
			if (buf[i] == '\n')
				i++;
			s->stream_data = pos + i;
			s->check_eol = s->check_word = 0;
			if (s->length_direct && s->length_obj == s->last_obj && s->last_obj != UINT64_MAX) {
				s->skip_to = s->stream_data + s->length;
				s->mode = STREAM_SKIP;
			} else {
				s->mode = STREAM_SCAN;
			}
			s->length_direct = 0;
			break;
		case STREAM_SKIP:
			s->mode = ENDSTREAM_CHECK;
			if (s->skip_to > pos + len) {
				memset(s->tail, 0, TAIL);
				*end = s->skip_to;
				return EXHIBIT_CARVE_CONTINUE;
			}
			i = (size_t)(s->skip_to - pos);
			break;
		case ENDSTREAM_CHECK: {
			/* Up to two end-of-line bytes, then "endstream". */
			static const char word[] = "endstream";
			unsigned char c = buf[i];
			if (s->check_word == 0 && s->check_eol < 2 && (c == '\r' || c == '\n')) {
				s->check_eol++;
				i++;
				break;
			}
			if (c != (unsigned char)word[s->check_word]) {
				/* The /Length was wrong, or the data is not ours:
				 * look for "endstream" from here, remembering. */
				if (!s->suspect)
					s->suspect = s->stream_data;
				s->mode = STREAM_SCAN;
				break;
			}
			i++;
			if (++s->check_word == sizeof word - 1)
				s->mode = TEXT;
			break;
		}
		case STREAM_SCAN: {
			/* "endstream" anywhere, also split by the block edge. */
			const unsigned char *hit;
			if (i == 0) {
				for (size_t k = 1; k <= 8 && k <= len; k++)
					if (memcmp(s->tail + TAIL - (9 - k), "endstream", 9 - k) == 0 &&
					    memcmp(buf, &"endstream"[9 - k], k) == 0) {
						i = k;
						s->mode = TEXT;
						break;
					}
				if (s->mode == TEXT)
					break;
			}
			hit = memmem(buf + i, len - i, "endstream", 9);
			if (hit) {
				i = (size_t)(hit - buf) + 9;
				s->mode = TEXT;
			} else {
				i = len;
			}
			if (s->mode != TEXT && pos + len - s->stream_data > MAX_STREAM)
				return finish(s, s->stream_data, end);
			break;
		}
		}
	}
	/* Keep the last bytes for look-backs across the block edge. */
	if (len >= TAIL) {
		memcpy(s->tail, buf + len - TAIL, TAIL);
	} else {
		memmove(s->tail, s->tail + len, TAIL - len);
		memcpy(s->tail + TAIL - len, buf, len);
	}
	*end = pos + len;
	return EXHIBIT_CARVE_CONTINUE;
}

static const exhibit_carver carver = {
	.state_size = sizeof(pdf_state),
	.header_len = 16,
	.max_size = PDF_MAX_SIZE,
	.fragments = 1,
	.header_check = pdf_header_check,
	.data_check = pdf_data_check,
	.validate = pdf_validate,
};

EXHIBIT_CARVER_PLUGIN(carve_pdf_plugin, "carve-pdf", "1.0",
	"Carves PDF documents: streams and tokens read, the last consistent %%EOF, "
	"cross-reference entries checked",
	signatures, carver);

/*
 * hashset_input.c — see hashset_input.h.
 */
#include "hashset_input.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#define LINE_BUFFER (256u * 1024)        /* > HASHSET_MAX_LINE */
#define PROGRESS_EVERY ((uint64_t)4 << 20)

int64_t hs_read(hs_input *in, void *dst, size_t cap)
{
	ssize_t got;

	if (in->failed)
		return -1;
	if (in->fd < 0) {
		size_t left = in->mem_len - in->mem_pos;
		got = (ssize_t)(left < cap ? left : cap);
		memcpy(dst, in->mem + in->mem_pos, (size_t)got);
		in->mem_pos += (size_t)got;
	} else {
		do
			got = read(in->fd, dst, cap);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			in->failed = 1;
			return exhibit_error_set(in->err, EXHIBIT_ERR_READ, (int64_t)in->consumed,
			                         "%s: cannot read at byte %llu: %s", in->name,
			                         (unsigned long long)in->consumed, strerror(errno));
		}
	}
	if (got > 0 && in->sha)
		EVP_DigestUpdate(in->sha, dst, (size_t)got);
	in->consumed += (uint64_t)got;
	if (in->cb && in->cb->progress &&
	    (in->consumed - in->last_progress >= PROGRESS_EVERY || got == 0)) {
		in->last_progress = in->consumed;
		in->cb->progress(in->cb->ctx, in->consumed, in->total);
	}
	return got;
}

/* fill — more bytes after what is buffered; 0 at the end, -1 on error. */
static int fill(hs_input *in)
{
	int64_t got;

	if (in->buf_pos > 0) {
		memmove(in->buf, in->buf + in->buf_pos, in->buf_len - in->buf_pos);
		in->buf_offset += in->buf_pos;
		in->buf_len -= in->buf_pos;
		in->buf_pos = 0;
	}
	got = hs_read(in, in->buf + in->buf_len, LINE_BUFFER - in->buf_len);
	if (got < 0)
		return -1;
	if (got == 0)
		in->eof = 1;
	in->buf_len += (size_t)got;
	return got > 0;
}

/* skip_rest_of_line — after a line too long: drop bytes up to its end. */
static int skip_rest_of_line(hs_input *in)
{
	for (;;) {
		unsigned char *nl = memchr(in->buf + in->buf_pos, '\n', in->buf_len - in->buf_pos);

		if (nl) {
			in->buf_pos = (size_t)(nl - in->buf) + 1;
			return 0;
		}
		in->buf_pos = in->buf_len;
		if (in->eof)
			return 0;
		if (fill(in) < 0)
			return -1;
	}
}

int hs_next_line(hs_input *in, const char **line, size_t *len, uint64_t *offset,
                 int *too_long)
{
	size_t scanned = 0;

	*too_long = 0;
	if (!in->buf) {
		in->buf = malloc(LINE_BUFFER);
		if (!in->buf)
			return exhibit_error_set(in->err, EXHIBIT_ERR, -1, "out of memory");
	}
	for (;;) {
		size_t avail = in->buf_len - in->buf_pos;
		unsigned char *start = in->buf + in->buf_pos;
		unsigned char *nl = memchr(start + scanned, '\n', avail - scanned);

		if (nl || (in->eof && avail > 0)) {
			size_t n = nl ? (size_t)(nl - start) : avail;

			*line = (const char *)start;
			*offset = in->buf_offset + in->buf_pos;
			in->line_no++;
			in->buf_pos += nl ? n + 1 : n;
			if (n > 0 && start[n - 1] == '\r')
				n--;
			if (*offset == 0 && n >= 3 && !memcmp(start, "\xef\xbb\xbf", 3)) {
				*line += 3; /* a UTF-8 byte order mark */
				*offset = 3;
				n -= 3;
			}
			*len = n;
			if (n > HASHSET_MAX_LINE) {
				*len = 0;
				*too_long = 1;
			}
			return 1;
		}
		if (in->eof)
			return 0;
		scanned = avail;
		if (avail > HASHSET_MAX_LINE) {
			*line = (const char *)start;
			*offset = in->buf_offset + in->buf_pos;
			*len = 0;
			*too_long = 1;
			in->line_no++;
			return skip_rest_of_line(in) < 0 ? -1 : 1;
		}
		if (fill(in) < 0)
			return -1;
	}
}

int hs_emit(hs_input *in, hashset_entry *e, uint64_t line, uint64_t offset)
{
	e->line = line;
	e->offset = offset;
	in->stats->entries++;
	return in->cb && in->cb->entry ? in->cb->entry(in->cb->ctx, e) : 0;
}

void hs_problem(hs_input *in, uint64_t line, uint64_t offset, int rejected,
                const char *fmt, ...)
{
	char message[512];
	hashset_problem p = { in->name, line, offset, message, rejected };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	if (rejected)
		in->stats->rejected++;
	else
		in->stats->warnings++;
	if (in->cb && in->cb->problem)
		in->cb->problem(in->cb->ctx, &p);
}

void hs_entry_init(hashset_entry *e)
{
	memset(e, 0, sizeof *e);
	e->size = -1;
	e->updated_ms = INT64_MIN;
}

/* Hex digit values plus one (0: not a hex digit): millions of digests are
 * decoded per second, so no branch per character. */
static const unsigned char hex_plus_one[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int hs_hex(const char *s, size_t n, unsigned char *out)
{
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned hi = hex_plus_one[(unsigned char)s[2 * i]];
		unsigned lo = hex_plus_one[(unsigned char)s[2 * i + 1]];

		bad |= (hi == 0) | (lo == 0);
		out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return bad ? -1 : 0;
}

int hs_is_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!hex_plus_one[(unsigned char)s[i]])
			return 0;
	return 1;
}

size_t hs_hex_run(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && hex_plus_one[(unsigned char)s[n]])
		n++;
	return n;
}

int hs_set_digest(hashset_entry *e, const char *s, size_t len)
{
	switch (len) {
	case 2 * MD5_LEN:
		if (hs_hex(s, MD5_LEN, e->md5) < 0)
			return -1;
		e->have |= HASHSET_HAVE_MD5;
		return 0;
	case 2 * SHA1_LEN:
		if (hs_hex(s, SHA1_LEN, e->sha1) < 0)
			return -1;
		e->have |= HASHSET_HAVE_SHA1;
		return 0;
	case 2 * SHA256_LEN:
		if (hs_hex(s, SHA256_LEN, e->sha256) < 0)
			return -1;
		e->have |= HASHSET_HAVE_SHA256;
		return 0;
	default:
		return -1;
	}
}

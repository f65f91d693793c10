/*
 * chat_lines.c — see chat_lines.h.
 */
#include <stdlib.h>

#include "chat_lines.h"

chat_lines *chat_lines_open(const exhibit_host_api *api, exhibit_host *host)
{
	chat_lines *r = calloc(1, sizeof *r);

	if (r) {
		r->api = api;
		r->host = host;
	}
	return r;
}

void chat_lines_rewind(chat_lines *r)
{
	r->len = r->pos = 0;
	r->offset = 0;
	r->eof = r->failed = false;
	r->line_number = 0;
}

static bool fill(chat_lines *r)
{
	int64_t n;

	if (r->eof || r->failed)
		return false;
	r->offset += r->len;
	r->len = r->pos = 0;
	n = r->api->read(r->host, r->offset, r->buf, sizeof r->buf);
	if (n < 0 || (uint64_t)n > sizeof r->buf) {
		r->failed = true;
		return false;
	}
	if (n == 0) {
		r->eof = true;
		return false;
	}
	r->len = (size_t)n;
	return true;
}

bool chat_lines_next(chat_lines *r)
{
	size_t n = 0;
	bool any = false;

	r->cut = false;
	r->line_offset = r->offset + r->pos;
	for (;;) {
		unsigned char c;

		if (r->pos == r->len && !fill(r))
			break;
		c = r->buf[r->pos++];
		any = true;
		if (c == '\n')
			break;
		if (n < CHAT_LINE_MAX)
			r->line[n++] = (char)c;
		else
			r->cut = true;
	}
	if (!any)
		return false;
	if (n && r->line[n - 1] == '\r')
		n--;
	r->line[n] = '\0';
	r->line_len = n;
	r->line_number++;
	return true;
}

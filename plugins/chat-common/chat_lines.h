/*
 * chat_lines.h — the lines of a text item (a chat log, an "Export chat"
 * file), read through the host in bounded chunks.
 *
 * A line is what lies between two '\n' (a trailing '\r' is dropped), kept
 * NUL-terminated in line[] up to CHAT_LINE_MAX bytes: the rest of a longer
 * line is skipped and `cut` says so.  line_offset is the byte offset of
 * the line's first byte in the item, line_number counts from 1.  A read
 * error ends the lines and sets `failed` (the plugin reports it).
 */
#ifndef EXHIBIT_CHAT_LINES_H
#define EXHIBIT_CHAT_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

#define CHAT_LINE_CHUNK 65536
#define CHAT_LINE_MAX 65536

typedef struct chat_lines {
	const exhibit_host_api *api;
	exhibit_host *host;
	unsigned char buf[CHAT_LINE_CHUNK];
	size_t len, pos;
	uint64_t offset;    /* of buf[0] in the item */
	bool eof, failed;
	char line[CHAT_LINE_MAX + 1];
	size_t line_len;
	uint64_t line_offset, line_number;
	bool cut;
} chat_lines;

/* A reader at the start of the item (malloc'd: it holds 128 KiB); NULL
 * when out of memory.  Free it with free(). */
chat_lines *chat_lines_open(const exhibit_host_api *api, exhibit_host *host);

/* Back to the first line (for a second pass). */
void chat_lines_rewind(chat_lines *r);

/* The next line in r->line; false at the end or on a read error. */
bool chat_lines_next(chat_lines *r);

#endif

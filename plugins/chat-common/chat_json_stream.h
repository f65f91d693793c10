/*
 * chat_json_stream.h — a JSON item (a chat export) streamed through yajl
 * in bounded chunks, as a stack of frames that the plugin names.
 *
 * The plugin says what each object or array is (child_of: a kind of its
 * own, or `skip` for one whose content it does not keep), and hears of
 * each frame's start and end and of each scalar with the key it stands
 * under.  Memory is bounded: yajl keeps only the token being read, no
 * token may grow past CHAT_JSON_MAX_TOKEN, frames deeper than
 * CHAT_JSON_MAX_DEPTH stop the reading, and nesting inside a skipped
 * frame is only counted.
 *
 * Every stop (a limit, a syntax error, the plugin's chat_json_stream_stop)
 * is reported with its byte offset and "the rest of the file is not
 * read", through chat_report with `what` as the subject, unless the pass
 * is silent (a first pass that a second repeats).  What was found before
 * it stays.
 */
#ifndef EXHIBIT_CHAT_JSON_STREAM_H
#define EXHIBIT_CHAT_JSON_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_parse.h>

#include "chat.h"

#define CHAT_JSON_CHUNK (64u * 1024)
#define CHAT_JSON_MAX_TOKEN (1u << 20)
#define CHAT_JSON_MAX_DEPTH 64

typedef struct chat_json_frame {
	int kind;
	char key[32];   /* the current key ("" when another, longer one) */
	int tag;        /* the plugin's own use */
} chat_json_frame;

typedef struct chat_json_handlers {
	int skip; /* the kind whose content is not kept */
	/* The kind of an object (array false) or array under parent (NULL at
	 * the top). */
	int (*child_of)(void *user, const chat_json_frame *parent, bool array);
	/* A frame starts (not called for skipped ones); offset is that of
	 * its opening bracket. */
	void (*enter)(void *user, chat_json_frame *f, const chat_json_frame *parent,
	              uint64_t offset);
	/* A frame ends; false stops the reading (out of memory). */
	bool (*leave)(void *user, chat_json_frame *f);
	/* A key was read into f->key (may be NULL). */
	void (*key)(void *user, const chat_json_frame *f);
	/* A scalar as written (numbers as their text, booleans as true and
	 * false, strings unescaped; null is not passed); false stops. */
	bool (*value)(void *user, const chat_json_frame *f, const unsigned char *v,
	              size_t len, bool string);
} chat_json_handlers;

typedef struct chat_json_stream {
	chat_ctx *ctx;
	const char *what;              /* names the file in reports */
	const chat_json_handlers *on;
	void *user;
	/* the reading's own state */
	yajl_handle yajl;
	uint64_t chunk_base;
	chat_json_frame stack[CHAT_JSON_MAX_DEPTH];
	size_t depth;
	uint64_t skipped;
	const char *stop_why;
	uint64_t stop_at;
} chat_json_stream;

/* Read the whole item once through buf (CHAT_JSON_CHUNK bytes); report
 * false keeps the pass silent.  True when read to its end without a stop. */
bool chat_json_stream_read(chat_json_stream *js, const exhibit_host_api *api,
                           exhibit_host *host, unsigned char *buf, bool report);

/* From a handler: end the reading here, for why (kept static). */
void chat_json_stream_stop(chat_json_stream *js, const char *why);

/* The byte offset the reading has reached. */
uint64_t chat_json_stream_offset(const chat_json_stream *js);

/* Read up to len bytes at offset, as many as there are; a negative
 * EXHIBIT_ERR_* code on a read error. */
int64_t chat_read_at(const exhibit_host_api *api, exhibit_host *host, uint64_t offset,
                     unsigned char *buf, size_t len);

#endif

/*
 * chat_test.h — helpers shared by the chat plugins' unit tests: the test
 * corpus, databases built from SQL, running a plugin through the stub
 * host, and assertions on the records it emitted.
 *
 * The corpus directory is $EXHIBIT_CORPUS, else EXHIBIT_CORPUS_DIR (a -D
 * define), else ../shared/corpus.  Assertions abort the current Check test
 * with a message naming the record and field.
 */
#ifndef EXHIBIT_CHAT_TEST_H
#define EXHIBIT_CHAT_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"
#include "stub_host.h"

typedef struct chat_bytes {
	unsigned char *data;
	size_t len;
} chat_bytes;

const char *chat_corpus_dir(void);
bool chat_corpus_present(void);
/* chat_corpus_has — the corpus holds this file (relative path). */
bool chat_corpus_has(const char *relative);

chat_bytes chat_read_file(const char *path);
chat_bytes chat_read_corpus(const char *relative);
void chat_bytes_free(chat_bytes *b);

/* chat_db_from_sql — the bytes of an SQLite database built by sql. */
chat_bytes chat_db_from_sql(const char *sql);
/* chat_db_from_parts — the same, from a fixture's schema and rows
 * (tests/support/fixtures/) and more SQL after them (NULL: none). */
chat_bytes chat_db_from_parts(const char *schema, const char *rows, const char *more);

/* A plugin run: the stub host (free it with stub_host_free) and the code
 * analyze() returned. */
typedef struct chat_run {
	exhibit_host *host;
	int rc;
} chat_run;

/* chat_analyze — run plugin over bytes as an item at path (may be NULL),
 * with a short SQLite budget; checks that every connection was closed. */
chat_run chat_analyze(const exhibit_plugin *plugin, const chat_bytes *b,
                      const char *path);
chat_run chat_analyze_corpus(const exhibit_plugin *plugin, const char *relative);

/* chat_count_live / chat_count_recovered — of those, the ones without
 * (with) recovered_from: live rows, rows recovered from free space. */
size_t chat_count_live(const chat_run *r, const char *type);
size_t chat_count_recovered(const chat_run *r, const char *type);

/* The number of records of a type. */
size_t chat_count(const chat_run *r, const char *type);

/* The record of type whose field is text; fails the test when absent. */
const stub_record *chat_find(const chat_run *r, const char *type,
                             const char *field, const char *text);

/* Field assertions. */
void chat_expect_text(const stub_record *rec, const char *field,
                      const char *expected);
void chat_expect_int(const stub_record *rec, const char *field, int64_t expected);
void chat_expect_null(const stub_record *rec, const char *field);

/*
 * chat_time_text — a record's time (name and name_ns, at the record's
 * time_precision) as ISO-8601 ("2013-10-29T16:56:28.038Z"), "NULL" when
 * unset; buf holds it.
 */
const char *chat_time_text(const stub_record *rec, const char *name, char *buf,
                           size_t len);
void chat_expect_time(const stub_record *rec, const char *name,
                      const char *expected);

/* chat_field_text — a TEXT field's value, or NULL. */
const char *chat_field_text(const stub_record *rec, const char *field);
/* chat_extra_of — the record's extra (JSON text), which must be there. */
const char *chat_extra_of(const stub_record *rec);

/* The record tables the chat plugins write. */
#define MESSAGES "chat_messages"
#define ATTACHMENTS "chat_attachments"
#define CONTACTS "chat_contacts"
#define CALLS "chat_calls"
#define ACCOUNTS "chat_accounts"

/* chat_error_mentions — some reported error contains needle. */
bool chat_error_mentions(const chat_run *r, const char *needle);

/* Skip helper: prints "SKIP: ..." once. */
void chat_skip_note(const char *what);

#endif

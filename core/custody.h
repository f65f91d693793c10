/*
 * custody.h — the chain of custody: one signed entry per command that
 * creates or changes a case.
 *
 * A command brackets its work:
 *
 *     custody_begin(db, "tag", scope, &begun, &err);   before changing anything
 *     ... change the case ...
 *     custody_commit(db, case_dir, &action, &who, key, &receipt, &err);
 *
 * custody_begin refuses a case whose rows in the command's scope differ
 * from what the last entry signed (someone changed them outside exhibit:
 * signing on top would launder the change), and notes the command as
 * under way.  custody_commit records the digests of every row the
 * command changed and every new content-store file, computes the roots,
 * appends the entry (chained to the previous one by its SHA-256), signs
 * the entry's hash with the examiner's key, and writes the chain head to
 * CASE/custody.head.  A command that was interrupted leaves its mark;
 * the next command's entry covers what it wrote and says so.
 *
 * Everything runs on the caller's connection, from one thread, while no
 * other writer is active.
 */
#ifndef EXHIBIT_CUSTODY_H
#define EXHIBIT_CUSTODY_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"
#include "hash.h"
#include "signing.h"


typedef struct custody_identity {
	const char *examiner;     /* who: never NULL */
	const char *host;         /* where: never NULL */
	const char *tool_version; /* exhibit's version */
} custody_identity;

typedef struct custody_action {
	const char *action;            /* process, export, tag, note, hashset-match, ... */
	const char *object;            /* what it acted on: paths, an item id, an output */
	const char *parameters;        /* JSON object text, or NULL for {} */
	const char *plugins;           /* JSON object name -> version, or NULL for {} */
	const char *const *scope;      /* tables it may change, NULL-terminated; NULL: all */
	const unsigned char *output_sha256; /* what it wrote outside the case, or NULL */
} custody_action;

typedef struct custody_begun {
	int interrupted;          /* an earlier command was interrupted */
	char interrupted_what[256]; /* "process started 2026-... by ... on ..." */
	int64_t last_seq;         /* entries so far */
} custody_begun;

typedef struct custody_receipt {
	int64_t seq;
	unsigned char entry_hash[SHA256_LEN];
	int64_t rows_added, rows_changed, rows_removed, blobs_added;
} custody_receipt;

/*
 * custody_begin — check that the rows the command may change are as the
 * last entry signed them, and mark the command as under way.
 * RETURN 0, or negative with err naming the first rows that differ.
 */
int custody_begin(sqlite3 *db, const char *action, const char *const *scope,
                  custody_begun *begun, exhibit_error *err);

/*
 * custody_commit — append and sign the entry for the command begun.
 * RETURN 0, or negative with err set (the case is then unchanged by this
 * call, and the command stays marked as interrupted).
 */
int custody_commit(sqlite3 *db, const char *case_dir, const custody_action *action,
                   const custody_identity *who, const signing_key *key,
                   custody_receipt *receipt, exhibit_error *err);

/* custody_now — the current UTC time as ISO-8601 with milliseconds. */
void custody_now(char out[32]);

#endif

/*
 * custody_entry.h — one row of custody_entries: its fields, its canonical
 * hash, and reading it back.
 *
 * An entry's hash is exhibit_row_digest (row_digest.h) over its columns
 * in a fixed order, everything but the hash and the signature: the one
 * canonical encoding custody uses for rows serves for entries too, so a
 * verifier needs nothing else to recompute it.
 */
#ifndef EXHIBIT_CUSTODY_ENTRY_H
#define EXHIBIT_CUSTODY_ENTRY_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"
#include "hash.h"
#include "signing.h"

#define CUSTODY_HEAD_FILE "custody.head"       /* beside case.db */
#define CUSTODY_HEAD_MAGIC "exhibit custody head v1"

typedef struct custody_entry {
	int64_t seq;
	char at[32];
	const char *examiner, *host, *tool_version, *plugins;
	const char *action, *object, *parameters;
	int64_t rows_added, rows_changed, rows_removed, blobs_added;
	char *table_roots;
	unsigned char rows_root[SHA256_LEN], delta_root[SHA256_LEN], blobs_root[SHA256_LEN];
	int has_output;
	unsigned char output_sha256[SHA256_LEN];
	unsigned char produced[SHA256_LEN];
	unsigned char prev_hash[SHA256_LEN];
	const char *key_fingerprint;
	unsigned char entry_hash[SHA256_LEN];
	unsigned char signature[SIGNING_SIGNATURE_LEN];
} custody_entry;

/* custody_entry_insert — the entry with a zero hash and signature. */
int custody_entry_insert(sqlite3 *db, const custody_entry *e, exhibit_error *err);
/* custody_entry_hash — the canonical hash of entry seq as stored now.
 * RETURN 0, or negative when there is no such entry. */
int custody_entry_hash(sqlite3 *db, int64_t seq, unsigned char out[SHA256_LEN],
                       exhibit_error *err);
/* custody_entry_seal — store the hash and the signature of entry seq. */
int custody_entry_seal(sqlite3 *db, int64_t seq, const unsigned char hash[SHA256_LEN],
                       const unsigned char sig[SIGNING_SIGNATURE_LEN], exhibit_error *err);

#endif

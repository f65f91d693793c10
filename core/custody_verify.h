/*
 * custody_verify.h — proving a case whole, or saying exactly what is not.
 *
 * custody_verify recomputes everything custody signed: every entry's hash,
 * the chain from each entry to the one before, every signature with the
 * key the case records (whose fingerprint is checked), the head kept in
 * CASE/custody.head (so a truncated log shows), the digest of every row
 * of every covered table and of every content-store file, and the roots
 * the last entry signed, and every RFC 3161 time stamp over an entry.  Each finding goes to a callback, naming the
 * entry, the row (table and key) or the blob concerned.
 */
#ifndef EXHIBIT_CUSTODY_VERIFY_H
#define EXHIBIT_CUSTODY_VERIFY_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"

typedef enum custody_level {
	CUSTODY_INFO, /* what was checked and found intact */
	CUSTODY_WARN, /* worth knowing, not a failure */
	CUSTODY_FAIL  /* the case is not as it was signed */
} custody_level;

/* what: "entry 3", "row files rowid 12", "blob content/ab/...", "key ...", "head" */
typedef void (*custody_finding_fn)(void *ctx, custody_level level, const char *what,
                                   const char *message);

typedef struct custody_verify_options {
	const char *const *trusted_keys; /* fingerprints every signer must be among; NULL: any */
	const char *tsa_cert_file;       /* PEM certificate(s) RFC 3161 stamps must chain to; NULL */
} custody_verify_options;

typedef struct custody_verify_summary {
	int64_t entries, entries_bad;
	int64_t keys, keys_bad;
	int64_t rows, rows_bad;
	int64_t blobs, blobs_bad;
	int head_ok;
	int64_t timestamps, timestamps_bad;
	int64_t failures;
} custody_verify_summary;

/*
 * custody_verify — check the case.  RETURN the number of failures found
 * (0: intact), or negative when verification itself could not run.
 */
int64_t custody_verify(sqlite3 *db, const char *case_dir, const custody_verify_options *opts,
                       custody_finding_fn fn, void *ctx, custody_verify_summary *sum,
                       exhibit_error *err);

#endif

/*
 * custody_rows.h — what custody knows of the case's rows and blobs, and
 * how they differ from what is there now.
 *
 * custody_rows and custody_blobs (schemas/case.sql) hold a digest of
 * every covered row and every content-store file as the last custody
 * entry saw it.  This module compares them with the case as it is: the
 * command that changes a case applies the differences it made and signs
 * them; `exhibit verify` reports them.  It also computes the roots a
 * custody entry signs.  Everything runs on the caller's connection
 * (row_digest_register must have been called on it).
 */
#ifndef EXHIBIT_CUSTODY_ROWS_H
#define EXHIBIT_CUSTODY_ROWS_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"
#include "hash.h"
#include "row_digest.h"

typedef enum custody_change {
	CUSTODY_ADDED,   /* present, unknown to custody */
	CUSTODY_CHANGED, /* present, digest differs from custody's */
	CUSTODY_REMOVED  /* known to custody, gone */
} custody_change;

/* One difference.  table may be a table that no longer exists (then
 * key_columns is NULL even when the table had a primary key); digest is
 * the row's digest now (NULL when removed); signed_seq the entry that
 * last signed it (0 when added).  Return non-zero to stop. */
typedef int (*custody_row_fn)(void *ctx, const char *table, char *const *key_columns,
                              custody_change change, const void *key, size_t key_len,
                              const unsigned char *digest, int64_t signed_seq);

/*
 * custody_diff_table — call fn for every row of t that differs from
 * custody_rows, in row-key order.  RETURN the number of differences, or
 * negative with err set.
 */
int64_t custody_diff_table(sqlite3 *db, const covered_table *t, custody_row_fn fn, void *ctx,
                           exhibit_error *err);

/* custody_diff_dropped — call fn (CUSTODY_REMOVED) for rows custody
 * knows in tables that no longer exist.  RETURN the count or negative. */
int64_t custody_diff_dropped(sqlite3 *db, const covered_table *tables, int n, custody_row_fn fn,
                             void *ctx, exhibit_error *err);

/*
 * custody_apply_table — bring custody_rows of t to the table as it is,
 * marking written rows with seq; fn (may be NULL) sees each difference.
 * RETURN the number of differences, or negative.
 */
int64_t custody_apply_table(sqlite3 *db, const covered_table *t, int64_t seq, custody_row_fn fn,
                            void *ctx, exhibit_error *err);

/* custody_drop_missing_tables — forget rows of tables that no longer exist. */
int64_t custody_drop_missing_tables(sqlite3 *db, const covered_table *tables, int n,
                                    custody_row_fn fn, void *ctx, exhibit_error *err);

/*
 * custody_table_roots — for every table custody_rows knows, one line
 * "name rows root-hex\n" (sorted by name: the Merkle root over its row
 * digests in key order), malloc'd into *text; rows_root is SHA-256 of
 * that text.  RETURN 0 or negative.
 */
int custody_table_roots(sqlite3 *db, char **text, unsigned char rows_root[SHA256_LEN],
                        exhibit_error *err);

/* ---- the content store ---- */

/* Called for each blob difference: path relative to the case directory;
 * sha256 is what the file holds now (NULL when missing or unread). */
typedef int (*custody_blob_fn)(void *ctx, const char *path, custody_change change,
                               const unsigned char *sha256, int64_t signed_seq);

/*
 * custody_blobs_add_new — record every file of case_dir/content that
 * custody_blobs does not list yet (its name is its SHA-256: the content
 * store writes files atomically under their hash; a name that is not a
 * SHA-256 is hashed).  RETURN the number added, or negative.
 */
int64_t custody_blobs_add_new(sqlite3 *db, const char *case_dir, int64_t seq,
                              exhibit_error *err);

/*
 * custody_blobs_verify — rehash every listed blob and list the files
 * nobody recorded; fn sees each difference.  *checked counts blobs read.
 * RETURN the number of differences, or negative.
 */
int64_t custody_blobs_verify(sqlite3 *db, const char *case_dir, custody_blob_fn fn, void *ctx,
                             int64_t *checked, exhibit_error *err);

/* custody_blobs_root — Merkle root over (path, sha256, size) in path order. */
int custody_blobs_root(sqlite3 *db, unsigned char root[SHA256_LEN], exhibit_error *err);

#endif

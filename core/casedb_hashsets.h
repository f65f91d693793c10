/*
 * casedb_hashsets.h — the case's side of hash-set matching: which sets of
 * the shared hash database a case was matched against (copied into its
 * hash_sets table, so the case stands on its own), the hits, the "hide
 * known-good" switch, and matching the content already in a case again.
 *
 * Called from the writer thread, or from the main thread while no writer
 * runs (as casedb.h).  Hits themselves are inserted by the writer through
 * casedb_insert_hash_hit as each item's bundle is applied.
 */
#ifndef EXHIBIT_CASEDB_HASHSETS_H
#define EXHIBIT_CASEDB_HASHSETS_H

#include <stdint.h>

#include "casedb.h"
#include "hashdb.h"

/*
 * casedb_copy_hash_sets — record every set of the snapshot in the case's
 * hash_sets (a set already there with the same name and set digest is
 * not added twice).  case_ids[i] receives the hash_sets id of
 * hashdb_set_at(snap, i); the caller allocates hashdb_set_count(snap).
 * RETURN 0 or < 0.
 */
int casedb_copy_hash_sets(casedb *db, const hashdb *snap, int64_t *case_ids,
                          exhibit_error *err);

/* casedb_set_hide_known_good — the switch behind v_review_files. */
int casedb_set_hide_known_good(casedb *db, int on, exhibit_error *err);

/* casedb_hide_known_good — 1 when on, 0 when off, < 0 on error. */
int casedb_hide_known_good(casedb *db);

typedef struct casedb_match_stats {
	uint64_t contents;       /* content rows looked up */
	uint64_t hits;           /* hits found (new and already recorded) */
	uint64_t new_hits;       /* hits the case did not hold yet */
} casedb_match_stats;

/*
 * casedb_match_all — look up every content row of the case (MD5, SHA-1,
 * SHA-256) in the snapshot and record the hits, in one transaction.  Hits
 * recorded before are kept.  case_ids as casedb_copy_hash_sets gives.
 * RETURN 0 or < 0.
 */
int casedb_match_all(casedb *db, const hashdb *snap, const int64_t *case_ids,
                     casedb_match_stats *stats, exhibit_error *err);

/* hashdb_hit callback form used by the worker and casedb_match_all:
 * calls fn for each (hash_sets id, algorithm name, category) of content
 * with these digests.  RETURN: the number of hits. */
size_t hashsets_match_digests(const hashdb *snap, const int64_t *case_ids, const digests *d,
                              void (*fn)(void *ctx, int64_t set_id, const char *algorithm,
                                         const char *category),
                              void *ctx);

#endif

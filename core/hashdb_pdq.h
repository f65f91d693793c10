/*
 * hashdb_pdq.h — the PDQ hashes the sets of a hash database give (VICS
 * AlternativeHashes), for near-duplicate matching.
 *
 * An import keeps each entry's PDQ value in the catalog's
 * alternative_hashes table, with the entry's own digests, under the set's
 * id (hashdb_catalog.h); removing or replacing a set removes them.  This
 * module reads them back for the sets of one snapshot: the snapshot says
 * which sets exist, the catalog holds their PDQs.  The catalog is opened
 * read-only and never changed.  A value that is not 64 hex digits is
 * counted and left out.
 */
#ifndef EXHIBIT_HASHDB_PDQ_H
#define EXHIBIT_HASHDB_PDQ_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "hash.h"
#include "hashdb.h"
#include "pdq_index.h"

typedef struct hashdb_pdq_entry {
	pdq_value pdq;
	size_t set;                      /* hashdb_set_at(snap, set) */
	unsigned have;                   /* HASHDB_PDQ_HAVE_* */
	unsigned char md5[MD5_LEN];
	unsigned char sha1[SHA1_LEN];
	unsigned char sha256[SHA256_LEN];
} hashdb_pdq_entry;

#define HASHDB_PDQ_HAVE_MD5 1u
#define HASHDB_PDQ_HAVE_SHA1 2u
#define HASHDB_PDQ_HAVE_SHA256 4u

typedef struct hashdb_pdq_set {
	hashdb_pdq_entry *entries;
	size_t n;
	uint64_t invalid;                /* values left out: not 64 hex digits */
} hashdb_pdq_set;

/*
 * hashdb_pdq_load — the PDQ values of every set of snap, from the
 * catalog in dir (none when it has no catalog).  RETURN 0 with *out
 * filled (free with hashdb_pdq_free), or < 0 with err set.
 */
int hashdb_pdq_load(const char *dir, const hashdb *snap, hashdb_pdq_set *out,
                    exhibit_error *err);
void hashdb_pdq_free(hashdb_pdq_set *s);

#endif

/*
 * hashdb.h — the hash database shared across cases: reading it.
 *
 * A hash database is a directory (hashdb_resolve_dir) holding
 *   index.hdb    the digests of every set, with their categories, sorted and
 *                indexed for lookups (layout: hashdb_format.h);
 *   catalog.db   SQLite: the sets and the log of imports and removals
 *                (hashdb_catalog.h);
 *   lock         taken by whoever changes the database (hashdb_import.h).
 *
 * hashdb_open maps one snapshot of index.hdb read-only.  The snapshot never
 * changes while it is open, whatever imports run meanwhile: an import
 * writes a new file and renames it over the old one, so a reader sees the
 * old snapshot or the new one, never a mix.  Lookups touch no shared
 * mutable state, so any number of threads may call them on one snapshot
 * at once.  Memory: the mapped file (paged in as lookups touch it) plus
 * the manifest.
 */
#ifndef EXHIBIT_HASHDB_H
#define EXHIBIT_HASHDB_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "exhibit/plugin.h" /* EXHIBIT_ERR_* codes */
#include "hash.h"

typedef enum hash_alg { HASH_MD5 = 0, HASH_SHA1 = 1, HASH_SHA256 = 2, HASH_ALG_COUNT = 3 } hash_alg;

/* hash_alg_name — "md5", "sha1", "sha256" (the case's algorithm names). */
const char *hash_alg_name(hash_alg a);
/* hash_alg_length — 16, 20, 32. */
size_t hash_alg_length(hash_alg a);

/* The kinds of set and the category schemes, as the case stores them. */
#define HASHDB_KIND_KNOWN_GOOD "known-good"
#define HASHDB_KIND_KNOWN_BAD "known-bad"
#define HASHDB_KIND_CATEGORISED "categorised"

/* hashdb_kind_valid / hashdb_scheme_valid — one of the names above /
 * project-vic-us, project-vic-canada, caid-uk. */
int hashdb_kind_valid(const char *kind);
int hashdb_scheme_valid(const char *scheme);

typedef struct hashdb_set {
	uint32_t id;                  /* in this hash database; never reused */
	const char *name;
	const char *kind;             /* known-good, known-bad, categorised */
	const char *category_scheme;  /* categorised sets, else NULL */
	const char *source;           /* where it came from, or NULL */
	const char *imported;         /* ISO-8601 UTC */
	const char *source_date;      /* newest time the set states, or NULL */
	uint64_t entries;             /* digests: the sum of digests[] */
	uint64_t digests[HASH_ALG_COUNT];
	unsigned char set_digest[SHA256_LEN]; /* identifies this version of the set */
} hashdb_set;

typedef struct hashdb_hit {
	const hashdb_set *set;
	const char *category;         /* as the set states it, or NULL */
} hashdb_hit;

typedef struct hashdb hashdb;

/*
 * hashdb_resolve_dir — where the hash database is: option (--hashdb) if
 * given, else $EXHIBIT_HASHDB, else $XDG_DATA_HOME/exhibit/hashdb, else
 * ~/.local/share/exhibit/hashdb.  RETURN: a malloc'd path, or NULL (err
 * says why: no HOME).
 */
char *hashdb_resolve_dir(const char *option, exhibit_error *err);

/*
 * hashdb_open — map the current snapshot of the hash database in dir.
 * RETURN: 0 with *out set; 1 with *out NULL when dir holds no index yet
 * (nothing imported); or a negative code (err names the file and what is
 * wrong with it).
 */
int hashdb_open(const char *dir, hashdb **out, exhibit_error *err);

/* hashdb_open_file — the same for an index file given by path. */
int hashdb_open_file(const char *path, hashdb **out, exhibit_error *err);

void hashdb_close(hashdb *db);

/* The snapshot's sets, in id order, and its generation. */
size_t hashdb_set_count(const hashdb *db);
const hashdb_set *hashdb_set_at(const hashdb *db, size_t i);
const hashdb_set *hashdb_find_set(const hashdb *db, const char *name);
/* hashdb_set_index — the i of hashdb_set_at(db, i) == set. */
size_t hashdb_set_index(const hashdb *db, const hashdb_set *set);
uint64_t hashdb_generation(const hashdb *db);
uint32_t hashdb_next_set_id(const hashdb *db);

/*
 * hashdb_lookup — the sets holding digest (hash_alg_length(alg) bytes).
 * Up to max hits are stored; RETURN: the number of sets holding it (which
 * may exceed max).
 */
size_t hashdb_lookup(const hashdb *db, hash_alg alg, const unsigned char *digest,
                     hashdb_hit *hits, size_t max);

/* hashdb_record_count — records in one algorithm's section. */
uint64_t hashdb_record_count(const hashdb *db, hash_alg alg);

/* hashdb_record_digest — the digest of record i of a section (for tests
 * and the lookup benchmark). */
const unsigned char *hashdb_record_digest(const hashdb *db, hash_alg alg, uint64_t i);

#endif

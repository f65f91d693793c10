/*
 * hashdb_build.h — writing a new snapshot of the hash index (private to
 * the core; hashdb_import.c drives it).
 *
 * A builder collects the digests of one new set in memory up to a bound;
 * past it, each algorithm's records are sorted and spilled to a run file
 * in a temporary directory.  Writing merges the runs (external merge
 * sort), keeps one record per digest (the set's category for it: a stated
 * category over none, and of two different ones the first in byte order,
 * counted as a conflict), and merges that stream with the records of the
 * snapshot being replaced into a new index file, in one sequential pass
 * per algorithm.  Memory stays within the bound plus a fixed amount for
 * buffers and prefix tables, whatever the number of digests.
 *
 * The new set's digest (set_digest) is the SHA-256 of, for md5, sha1 and
 * sha256 in that order: the algorithm's name and a newline, then for each
 * of the set's digests in ascending order, the digest's bytes, its
 * category text (nothing when none) and a newline.  It depends on the
 * digests and categories only, not on the order, names or files they were
 * read from.
 */
#ifndef EXHIBIT_HASHDB_BUILD_H
#define EXHIBIT_HASHDB_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "hashdb.h"

#define HASHDB_DEFAULT_MEMORY ((size_t)128 << 20)

typedef struct hashdb_builder hashdb_builder;

/* hashdb_builder_new — spill runs into tmp_dir (which must exist). */
hashdb_builder *hashdb_builder_new(const char *tmp_dir, size_t memory, exhibit_error *err);
void hashdb_builder_free(hashdb_builder *b);

/* hashdb_builder_add — one digest of the new set with its category
 * (index + 1 into the new file's strings, 0 = none).  RETURN 0 or < 0. */
int hashdb_builder_add(hashdb_builder *b, hash_alg alg, const unsigned char *digest,
                       uint32_t category, exhibit_error *err);

/* hashdb_builder_records — records added so far (before de-duplication). */
uint64_t hashdb_builder_records(const hashdb_builder *b);

typedef struct hashdb_new_set {
	hashdb_set set;                   /* identity; digests, entries and
	                                     set_digest are filled in by the write */
	uint64_t conflicts;               /* digests given two categories */
} hashdb_new_set;

typedef struct hashdb_write_plan {
	const hashdb *old;                /* the snapshot replaced, or NULL */
	uint32_t drop_set_id;             /* a set of old left out (0: none) */
	hashdb_new_set *new_set;          /* NULL when no set is added */
	const char *const *strings;       /* the new file's category strings; */
	uint32_t n_strings;               /* old's come first, unchanged */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
} hashdb_write_plan;

/*
 * hashdb_builder_write — write the new snapshot to out_path (created,
 * flushed to disk; the caller renames it into place).  b may be NULL when
 * no set is added.  RETURN: 0, or a negative code (err names the file).
 */
int hashdb_builder_write(hashdb_builder *b, const hashdb_write_plan *plan,
                         const char *out_path, exhibit_error *err);

#endif

/*
 * hashdb_import.h — changing the hash database: importing a set from one
 * or more files, and removing a set.
 *
 * Every change takes the database's lock (flock on DIR/lock, so changes
 * queue up one after the other), reconciles the catalog with the current
 * index, writes a complete new index beside the old one, renames it into
 * place and commits the catalog.  Readers (hashdb_open) are never
 * blocked and never see a half-made index.  A change that fails leaves
 * the database as it was (nothing of a failed import is kept); one that
 * is killed half-way leaves at worst a temporary directory that the next
 * change removes.
 *
 * An import reads every file before anything is written: a file that is
 * not a hash set, or that cannot be read, fails the whole import.  Bad
 * lines are reported through the problem callback and counted; the import
 * goes on.
 */
#ifndef EXHIBIT_HASHDB_IMPORT_H
#define EXHIBIT_HASHDB_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "hashdb.h"
#include "hashset_parse.h"

typedef struct hashdb_import_options {
	const char *name;                 /* required, unique in the database */
	const char *kind;                 /* known-good, known-bad, categorised */
	const char *scheme;               /* categorised sets; NULL: the files' own */
	const char *source;               /* NULL: the file names and format */
	hashset_format format;            /* HASHSET_AUTO: recognise each file */
	int replace;                      /* a set of that name is replaced */
	size_t memory;                    /* bound for sorting; 0: the default */
	void (*problem)(void *ctx, const hashset_problem *p);
	/* progress — phase "read" (per file: bytes) or "write" (records). */
	void (*progress)(void *ctx, const char *phase, const char *file, uint64_t done,
	                 uint64_t total);
	/* file_done — one file was read. */
	void (*file_done)(void *ctx, const char *file, const hashset_stats *st);
	void *ctx;
} hashdb_import_options;

typedef struct hashdb_import_result {
	uint32_t set_id;
	unsigned char set_digest[SHA256_LEN];
	uint64_t accepted, rejected;      /* entries read, records dropped */
	uint64_t digests[HASH_ALG_COUNT]; /* unique digests kept */
	uint64_t conflicts;               /* digests stated with two categories */
	uint64_t pdq;                     /* PDQ values kept */
	int replaced;                     /* an older set of that name was replaced */
} hashdb_import_result;

/*
 * hashdb_import — import files[0..n) as one set into the hash database in
 * dir (created if missing).  RETURN: 0; or a negative code, err says why
 * (EXHIBIT_ERR_FORMAT: a file is not a hash set; EXHIBIT_ERR_READ: a file
 * cannot be read; EXHIBIT_ERR: anything else, such as a name already used).
 */
int hashdb_import(const char *dir, const char *const *files, size_t n_files,
                  const hashdb_import_options *o, hashdb_import_result *res,
                  exhibit_error *err);

/*
 * hashdb_remove — remove the set named name.  RETURN: 0; 1 when there is
 * no such set; or a negative code.
 */
int hashdb_remove(const char *dir, const char *name, exhibit_error *err);

#endif

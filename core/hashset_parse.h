/*
 * hashset_parse.h — reading the hash-set files labs already have.
 *
 * One call reads one file, streaming, and hands every entry it finds to a
 * callback: the digests it states (MD5, SHA-1, SHA-256, any of them), and
 * what else the format says of it (size, name, category, time, PDQ).  What
 * it promises:
 *
 *   - Memory is bounded whatever the file size: text is read line by line
 *     (a line longer than HASHSET_MAX_LINE is a bad line), JSON token by
 *     token (a token longer than HASHSET_MAX_TOKEN or nesting deeper than
 *     HASHSET_MAX_DEPTH ends the file), and an NSRL RDS v3 database is
 *     queried row by row through SQLite, never loaded.
 *   - A bad line or record is reported through the problem callback with
 *     the file name, line number (0 when the format has no lines) and byte
 *     offset, and reading goes on.  Only a file that is not a hash set at
 *     all, or that cannot be read, fails the call.
 *   - The format is recognised from the first bytes and lines of the file
 *     (hashset_detect), or given by the caller.
 *   - The file is never written, and an RDS database is opened read-only,
 *     immutable, with SQLite's defences on (untrusted_sqlite.h).
 *   - The SHA-256 of the bytes read is computed on the way (RDS: in a
 *     separate sequential pass), for the import log.
 *
 * Formats: NSRL RDS v3 (SQLite), NSRL legacy NSRLFile.txt, Project VIC
 * VICS JSON 1.x and 2.0 (hash-set and case forms), md5sum/sha1sum/sha256sum
 * lists, BSD-style "MD5 (name) = digest" lists, hashdeep files, and CSV
 * with a header naming its hash columns (EnCase and iLook exports).
 */
#ifndef EXHIBIT_HASHSET_PARSE_H
#define EXHIBIT_HASHSET_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "exhibit/plugin.h" /* EXHIBIT_ERR_* codes */
#include "hash.h"

#define HASHSET_MAX_LINE (64u * 1024)      /* longest text line read */
#define HASHSET_MAX_TOKEN (1u << 20)       /* longest JSON string or number */
#define HASHSET_MAX_DEPTH 64               /* deepest JSON nesting */
#define HASHSET_DETECT_BYTES (64u * 1024)  /* what detection looks at */

typedef enum hashset_format {
	HASHSET_AUTO = 0,      /* recognise it (hashset_detect) */
	HASHSET_MD5SUM,        /* md5sum, sha1sum, sha256sum, md5deep lists */
	HASHSET_BSD,           /* MD5 (name) = digest */
	HASHSET_HASHDEEP,      /* %%%% HASHDEEP-1.0 */
	HASHSET_NSRL_LEGACY,   /* NSRLFile.txt */
	HASHSET_CSV,           /* CSV with a header: EnCase, iLook */
	HASHSET_VICS,          /* Project VIC VICS JSON */
	HASHSET_NSRL_RDS3,     /* NSRL RDS v3 SQLite */
	HASHSET_FORMAT_COUNT
} hashset_format;

/* Which digests an entry carries (hashset_entry.have). */
#define HASHSET_HAVE_MD5 1u
#define HASHSET_HAVE_SHA1 2u
#define HASHSET_HAVE_SHA256 4u

typedef struct hashset_entry {
	unsigned have;                    /* HASHSET_HAVE_* bits, never 0 */
	unsigned char md5[MD5_LEN];
	unsigned char sha1[SHA1_LEN];
	unsigned char sha256[SHA256_LEN];
	int64_t size;                     /* bytes, -1 when not stated */
	const char *name;                 /* file name as stated, or NULL */
	const char *category;             /* as the set states it, or NULL */
	int64_t updated_ms;               /* Unix ms, INT64_MIN when not stated */
	const char *pdq;                  /* PDQ value (VICS AlternativeHashes), or NULL */
	uint64_t line;                    /* where it was read: line (0: none) */
	uint64_t offset;                  /* and byte offset in the file */
} hashset_entry;

typedef struct hashset_problem {
	const char *file;
	uint64_t line;                    /* 0 when the format has no lines */
	uint64_t offset;                  /* byte offset in the file */
	const char *message;
	int rejected;                     /* 1: the record was dropped; 0: a warning */
} hashset_problem;

typedef struct hashset_callbacks {
	void *ctx;
	/* entry — one entry; the pointers live until the call returns.
	 * Return 0 to go on, non-zero to stop reading (the parse returns it). */
	int (*entry)(void *ctx, const hashset_entry *e);
	/* problem — a bad line or record (may be NULL). */
	void (*problem)(void *ctx, const hashset_problem *p);
	/* progress — bytes read so far of total (may be NULL). */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
} hashset_callbacks;

typedef struct hashset_stats {
	hashset_format format;            /* what was read */
	uint64_t entries;                 /* handed to the entry callback */
	uint64_t rejected;                /* records dropped (problems with rejected = 1) */
	uint64_t warnings;
	uint64_t bytes;                   /* bytes of the file */
	unsigned char sha256[SHA256_LEN]; /* of the file's bytes */
	char scheme_hint[32];             /* category scheme the file names (VICS), or "" */
} hashset_stats;

/* hashset_format_name — "md5sum", "bsd", "hashdeep", "nsrl-legacy", "csv",
 * "vics", "nsrl-rds3" ("auto" for HASHSET_AUTO). */
const char *hashset_format_name(hashset_format f);

/* hashset_format_from_name — the format of a name above; -1 if unknown. */
int hashset_format_from_name(const char *name);

/*
 * hashset_detect — the format of a file that starts with these bytes
 * (up to HASHSET_DETECT_BYTES of them).  RETURN: a format, or
 * HASHSET_AUTO when the bytes are not a hash set this module reads.
 */
hashset_format hashset_detect(const void *head, size_t len);

/*
 * hashset_parse_file — read the hash set at path.
 * RETURN: 0 when the file was read (bad lines included: see stats),
 * the entry callback's non-zero value when it stopped the reading, or a
 * negative EXHIBIT_ERR_* code with err naming the file (and offset):
 *   EXHIBIT_ERR_FORMAT  not a hash set (or not of the format given);
 *   EXHIBIT_ERR_READ    the file cannot be read;
 *   EXHIBIT_ERR         out of memory.
 */
int hashset_parse_file(const char *path, hashset_format format,
                       const hashset_callbacks *cb, hashset_stats *stats,
                       exhibit_error *err);

/*
 * hashset_parse_buffer — the same for bytes in memory (name is used in
 * messages).  Every format but HASHSET_NSRL_RDS3 (see hashset_rds3_read).
 */
int hashset_parse_buffer(const void *data, size_t len, const char *name,
                         hashset_format format, const hashset_callbacks *cb,
                         hashset_stats *stats, exhibit_error *err);

/*
 * hashset_rds3_read — the entries of an NSRL RDS v3 database already open
 * (an untrusted_sqlite connection).  RETURN: as hashset_parse_file.
 */
struct sqlite3;
int hashset_rds3_read(struct sqlite3 *db, const char *name, const hashset_callbacks *cb,
                      hashset_stats *stats, exhibit_error *err);

/*
 * hashset_parse_time — an ISO-8601 time ("2023-06-07T02:31:49.83Z",
 * "2023-06-07 02:31:49+02:00", "2023-06-07") or a .NET JSON time
 * ("/Date(1686105109830)/", "/Date(1686105109830+0200)/") as Unix
 * milliseconds (UTC; a time without zone is taken as UTC).
 * RETURN: 0, or -1 when s is not such a time.
 */
int hashset_parse_time(const char *s, int64_t *ms);

#endif

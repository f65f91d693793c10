/*
 * sqlite_problems.h — what the page-level SQLite reader found wrong in a
 * database, its WAL or its rollback journal, each problem with the file it
 * is in and the byte offset.
 *
 * Damage is the normal state of the databases exhibit reads (carved,
 * truncated, half-written, hostile), so the reader does not stop at the
 * first problem: it notes it here and goes on with what it can still read.
 * The list is bounded: after SQLITE_PROBLEMS_KEPT entries only a counter
 * grows, so a database damaged everywhere cannot make it grow without end.
 */
#ifndef EXHIBIT_SQLITE_PROBLEMS_H
#define EXHIBIT_SQLITE_PROBLEMS_H

#include <stddef.h>
#include <stdint.h>

#define SQLITE_PROBLEMS_KEPT 64
#define SQLITE_PROBLEM_MAX 200

/* The three files one database may come with. */
typedef enum sqlite_file_kind {
	SQLITE_FILE_MAIN = 0,
	SQLITE_FILE_WAL,
	SQLITE_FILE_JOURNAL
} sqlite_file_kind;

typedef struct sqlite_problem {
	sqlite_file_kind file;
	int64_t offset; /* in that file; -1 when none applies */
	char message[SQLITE_PROBLEM_MAX];
} sqlite_problem;

typedef struct sqlite_problems {
	sqlite_problem items[SQLITE_PROBLEMS_KEPT];
	size_t n;       /* kept, at most SQLITE_PROBLEMS_KEPT */
	size_t dropped; /* found after the list was full */
} sqlite_problems;

/* sqlite_problem_add — note one problem (problems may be NULL). */
void sqlite_problem_add(sqlite_problems *problems, sqlite_file_kind file,
                        int64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* sqlite_file_kind_name — "database", "WAL" or "journal". */
const char *sqlite_file_kind_name(sqlite_file_kind file);

#endif

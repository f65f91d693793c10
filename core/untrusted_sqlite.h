/*
 * untrusted_sqlite.h — open SQLite bytes from evidence as hostile input.
 *
 * The host implements exhibit_host_api.open_sqlite with this module.  What
 * it promises, following SQLite's "Defense Against the Dark Arts":
 *
 *   - The evidence is never touched.  The bytes are copied into memory that
 *     SQLite owns and are served read-only (sqlite3_deserialize with
 *     SQLITE_DESERIALIZE_READONLY) on a private ":memory:" connection.  No
 *     file, no journal, no WAL, no ATTACH is ever opened.
 *   - Nothing stored in the database runs code of its own: defensive mode,
 *     trusted_schema off, triggers and views disabled, foreign keys off,
 *     extension loading and fts3_tokenizer off, double-quoted strings
 *     rejected in our own SQL, cell_size_check on, query_only on.  Virtual
 *     generated columns read as NULL (an authorizer answers SQLITE_IGNORE):
 *     their expressions come from the schema, store nothing, and one call
 *     of an innocuous function can run for a minute inside a single
 *     virtual-machine instruction, where the time budget cannot reach
 *     (printf('%.*c', 2000000000, 'x') does in SQLite 3.40).
 *   - Resource limits (sqlite3_limit) are lowered to values that still read
 *     every real app database we know of but bound what a hostile schema or
 *     row can make SQLite allocate.
 *   - Time is bounded by a budget owned by the connection (see below).
 *   - The schema is read once at open, so a database SQLite cannot read at
 *     all fails here, with SQLite's own message and offset 0.  Damage deeper
 *     in the file is reported later by the query that meets it.
 *
 * A WAL-mode header (file format bytes 18/19 == 2) is patched to rollback
 * (1) in the private copy: a deserialized database lives in the "memdb"
 * VFS, which has no shared memory and so cannot open a WAL; with the bytes
 * patched, the bytes are read as they stand: a -wal the walk found beside
 * the database is applied by the host before (core/worker.c,
 * sqlite_sidecar.h), never by SQLite.  The evidence
 * and the caller's buffer are unchanged; plugins read the journal mode from
 * the original header.
 *
 * Carved and truncated databases are common, so no size or alignment is
 * refused.  SQLite itself refuses a file shorter than its header declares
 * (and any schema whose tables start past the end), so when the bytes fall
 * short of the declared size the private copy is zero-filled up to it:
 * the schema and every surviving table stay readable, and a query that
 * reaches a missing page fails as corrupt.  The fill is bounded by
 * UNTRUSTED_SQLITE_MAX_ZERO_FILL; past that the header's page count
 * (bytes 28-31) is cleared instead and SQLite sizes the database from the
 * bytes.  The caller caps how many bytes it hands over.
 *
 * Time budget.  Plugins see only the SDK and call sqlite3_prepare/step
 * themselves, so the budget is enforced without their help, by a progress
 * handler (every UNTRUSTED_SQLITE_PROGRESS_OPS virtual-machine steps) and a
 * trace hook (statement start, each row) owned by the connection:
 *
 *   step_ms   the longest SQLite may work to produce one row, or to finish
 *             a statement, measured on CLOCK_MONOTONIC from the first
 *             progress tick after the statement started or last returned a
 *             row;
 *   total_ms  the longest SQLite may work, summed over everything done on
 *             the connection.
 *
 * Time the plugin spends between two sqlite3_step() calls (emitting
 * records, waiting for the case writer) is not counted.  A statement that
 * runs out of budget fails with SQLITE_INTERRUPT; once total_ms is spent,
 * every later statement does too.  One limit a progress handler cannot
 * enforce: work done inside a single virtual-machine instruction.  The one
 * that matters is the "SELECT count(*) FROM t" shortcut (OP_Count), which
 * walks a whole b-tree in one instruction; on a b-tree whose pages are
 * shared many times over that walk is effectively endless, so code reading
 * untrusted databases must count with a stepped query (add "WHERE 1").
 *
 * Thread safety: a connection is used by one thread at a time; different
 * connections may be used concurrently.  No global SQLite setting (heap
 * limits, configuration) is changed.
 */
#ifndef EXHIBIT_UNTRUSTED_SQLITE_H
#define EXHIBIT_UNTRUSTED_SQLITE_H

#include <stddef.h>

#include <sqlite3.h>

#include "error.h"

/* Default budget: generous for real databases, short for a hostile one. */
#define UNTRUSTED_SQLITE_STEP_MS 5000u
#define UNTRUSTED_SQLITE_TOTAL_MS 120000u

/* The most zeros added to serve a truncated database (see above). */
#define UNTRUSTED_SQLITE_MAX_ZERO_FILL (64u * 1024 * 1024)

/* How many virtual-machine steps pass between two budget checks. */
#define UNTRUSTED_SQLITE_PROGRESS_OPS 1000

typedef struct untrusted_sqlite_budget {
	unsigned step_ms;  /* per row or statement end; 0 means the default */
	unsigned total_ms; /* per connection; 0 means the default */
} untrusted_sqlite_budget;

/*
 * untrusted_sqlite_open — open a private, hardened, read-only copy of
 * len bytes of an SQLite database, with the default time budget.
 * RETURN: 0 with *db set, or a negative EXHIBIT_ERR_* code with *db NULL
 * and err filled in (offset 0, SQLite's message):
 *   EXHIBIT_ERR_FORMAT  SQLite cannot read the database or its schema;
 *   EXHIBIT_ERR_LIMIT   the schema exceeds a limit or the time budget;
 *   EXHIBIT_ERR         out of memory, or SQLite refused a setting.
 */
int untrusted_sqlite_open(const void *bytes, size_t len, sqlite3 **db,
                          exhibit_error *err);

/*
 * untrusted_sqlite_open_budget — the same with an explicit time budget
 * (budget may be NULL for the defaults).  Tests and fuzzers use a short one.
 */
int untrusted_sqlite_open_budget(const void *bytes, size_t len,
                                 const untrusted_sqlite_budget *budget,
                                 sqlite3 **db, exhibit_error *err);

/*
 * untrusted_sqlite_open_private_file — the same guarantees for a database
 * too large to hold in memory: the caller wrote a private copy to path
 * (never the evidence itself) and patched its first bytes with
 * untrusted_sqlite_patch_header; it is opened read-only and immutable, so
 * SQLite writes nothing beside it.  The caller removes it after closing.
 * RETURN: as untrusted_sqlite_open.
 */
int untrusted_sqlite_open_private_file(const char *path,
                                       const untrusted_sqlite_budget *budget,
                                       sqlite3 **db, exhibit_error *err);

/* untrusted_sqlite_patch_header — the WAL-to-rollback patch described
 * above, for a private copy whose first len bytes are head. */
void untrusted_sqlite_patch_header(unsigned char *head, size_t len);

/*
 * untrusted_sqlite_close — finalize any statement the caller left open,
 * close the connection and free the private copy and the budget.  db may
 * be NULL.
 */
void untrusted_sqlite_close(sqlite3 *db);

#endif

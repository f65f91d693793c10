/*
 * stub_host.h — an exhibit_host_api over one in-memory item, for unit
 * tests and fuzz targets.
 *
 * It plays the host's part of the SDK contract and keeps what a plugin
 * hands back so a test can inspect it: read() serves the buffer (optionally
 * in short chunks), emit_record() keeps a deep copy of every record,
 * report_error() keeps every message with its offset, emit_child() keeps a
 * copy of each child, open_sqlite() opens the buffer through
 * untrusted_sqlite (with an adjustable time budget), and
 * open_sqlite_recovered() recovers the buffer's deleted rows with
 * sqlite_recover (with a WAL or journal a test hands it) and serves them
 * through recovered_db; connections are tracked so a test can check that
 * the plugin closed what it opened.  Connections still open are closed by
 * stub_host_free().
 *
 * Not checked here: record types and columns against schemas/case.sql.
 * The item's sha256 is a placeholder (64 zeros), not a real hash.
 */
#ifndef EXHIBIT_STUB_HOST_H
#define EXHIBIT_STUB_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

typedef struct stub_field {
	char *name;
	exhibit_value_type type;
	int64_t i;
	double r;
	char *text;
	void *blob;
	size_t blob_len;
} stub_field;

typedef struct stub_record {
	char *type;
	stub_field *fields;
	size_t n_fields;
} stub_record;

typedef struct stub_error {
	int64_t offset;
	char *message;
} stub_error;

/*
 * stub_host_new — a host for one item: content (copied) and its path
 * (may be NULL for carved content; name is its last component).
 * RETURN: the host, or NULL when out of memory.
 */
exhibit_host *stub_host_new(const void *content, size_t len, const char *path);
void stub_host_free(exhibit_host *host);

/* The callback table; the same for every stub host. */
const exhibit_host_api *stub_host_api(void);

/* The item's sniffed MIME type stub_host_analyze() hands the plugin
 * (default "application/vnd.sqlite3"); the string is copied. */
void stub_host_set_mime_type(exhibit_host *host, const char *mime_type);

/* The depth stub_host_analyze() gives the item (default 0), and the depth
 * limit emit_child() keeps as the host does: a child deeper than
 * max_depth is refused with EXHIBIT_ERR_LIMIT and an error (0: no limit). */
void stub_host_set_depth(exhibit_host *host, unsigned depth, unsigned max_depth);

/* Serve read() in chunks of at most max bytes (0: no limit). */
void stub_host_set_read_chunk(exhibit_host *host, size_t max);

/* The SQLite time budget open_sqlite() uses (0: untrusted_sqlite default). */
void stub_host_set_sqlite_budget(exhibit_host *host, unsigned step_ms,
                                 unsigned total_ms);

/*
 * stub_host_set_wal / stub_host_set_journal — the "-wal" or "-journal"
 * file open_sqlite_recovered() reads with the item (copied; NULL clears).
 * With either, open_sqlite() serves the database as SQLite reads it with
 * that file (the live version of every page), as the real host does for
 * a database the walk found with its companion (core/worker.c).
 */
void stub_host_set_wal(exhibit_host *host, const void *wal, size_t len);
void stub_host_set_journal(exhibit_host *host, const void *journal, size_t len);

/* stub_host_analyze — build the item and run plugin->analyze on it. */
int stub_host_analyze(exhibit_host *host, const exhibit_plugin *plugin);

/* Records of a type (NULL: of any type), in emission order. */
size_t stub_host_record_count(const exhibit_host *host, const char *type);
const stub_record *stub_host_record(const exhibit_host *host, const char *type,
                                    size_t index);

/* The first record of a type whose TEXT field equals text, or NULL. */
const stub_record *stub_host_find_record(const exhibit_host *host,
                                         const char *type, const char *field,
                                         const char *text);

/* A field of a record by name, or NULL. */
const stub_field *stub_record_field(const stub_record *record, const char *name);

size_t stub_host_error_count(const exhibit_host *host);
const stub_error *stub_host_error(const exhibit_host *host, size_t index);

size_t stub_host_child_count(const exhibit_host *host);

/* The bytes and name of a child by emission order, or NULL. */
const void *stub_host_child(const exhibit_host *host, size_t index, size_t *len,
                            const char **name);

/* SQLite connections opened through open_sqlite() and not yet closed. */
size_t stub_host_open_databases(const exhibit_host *host);

/*
 * stub_load_plugin — take a descriptor from an entry function, as the real
 * loader does after dlsym(), and check it: ABI version, name, kind,
 * analyze, NULL-terminated lists.  On failure why (may be NULL) says what
 * is wrong.
 * RETURN: the descriptor, or NULL when it is refused.
 */
const exhibit_plugin *stub_load_plugin(exhibit_plugin_entry_fn entry, char *why,
                                       size_t why_len);

#endif

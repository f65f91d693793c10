/*
 * hashdb_catalog.h — the hash database's catalog, DIR/catalog.db (SQLite,
 * WAL): what people and tools read about the sets, and the log of what
 * was done to the database.
 *
 *   sets                one row per set in the current index: name, kind,
 *                       category_scheme, source, imported, source_date,
 *                       entries, digests per algorithm, set_digest
 *   imports             one row per file imported and per set removed:
 *                       at, action (import, replace, remove), set, who,
 *                       host, source_path, source_sha256, format,
 *                       accepted, rejected, message
 *   alternative_hashes  PDQ values a VICS set gives (kept, not looked up)
 *
 * The index file is the truth of which sets exist: a change renames the
 * new index into place and then commits the catalog; should the process
 * die in between, the next change reconciles the sets table with the
 * index (hashdb_catalog_reconcile) before it does anything else.  Only the
 * holder of the database's lock writes (hashdb_import.c).
 */
#ifndef EXHIBIT_HASHDB_CATALOG_H
#define EXHIBIT_HASHDB_CATALOG_H

#include <stdint.h>

#include "hashdb.h"
#include "hashset_parse.h"

typedef struct hashdb_catalog hashdb_catalog;

/* hashdb_catalog_open — open (creating it if need be) dir/catalog.db. */
int hashdb_catalog_open(const char *dir, hashdb_catalog **out, exhibit_error *err);
void hashdb_catalog_close(hashdb_catalog *c);

int hashdb_catalog_begin(hashdb_catalog *c, exhibit_error *err);
int hashdb_catalog_commit(hashdb_catalog *c, exhibit_error *err);
void hashdb_catalog_rollback(hashdb_catalog *c);

/* hashdb_catalog_reconcile — make the sets table list exactly the sets of
 * the snapshot (NULL: none).  RETURN 0 or < 0. */
int hashdb_catalog_reconcile(hashdb_catalog *c, const hashdb *snapshot, exhibit_error *err);

int hashdb_catalog_add_set(hashdb_catalog *c, const hashdb_set *s, exhibit_error *err);
int hashdb_catalog_remove_set(hashdb_catalog *c, uint32_t id, exhibit_error *err);

typedef struct hashdb_log_entry {
	const char *action;               /* import, replace, remove */
	uint32_t set_id;
	const char *set_name;
	const char *source_path;          /* NULL for a removal */
	const unsigned char *source_sha256; /* 32 bytes, or NULL */
	const char *format;
	uint64_t accepted, rejected;
	const char *message;              /* or NULL */
} hashdb_log_entry;

/* hashdb_catalog_log — append to the imports log (who and host are this
 * process's user and machine, at is now). */
int hashdb_catalog_log(hashdb_catalog *c, const hashdb_log_entry *e, exhibit_error *err);

/* hashdb_catalog_add_pdq — keep an entry's PDQ value for set_id. */
int hashdb_catalog_add_pdq(hashdb_catalog *c, uint32_t set_id, const hashset_entry *e,
                           exhibit_error *err);

/* hashdb_catalog_imports_of — how many files were imported into the set
 * and the path of the last (for listing); path is malloc'd or NULL. */
int hashdb_catalog_imports_of(hashdb_catalog *c, uint32_t set_id, int64_t *files, char **path);

#endif

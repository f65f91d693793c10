/*
 * custody_entry.c — custody_entries rows (see custody_entry.h).
 */
#include <string.h>

#include "custody_entry.h"

/* The hashed columns, in the order the hash takes them. */
#define ENTRY_COLUMNS \
	"seq, at, examiner, host, tool_version, plugins, action, object, parameters, " \
	"rows_added, rows_changed, rows_removed, blobs_added, table_roots, rows_root, " \
	"delta_root, blobs_root, output_sha256, produced, prev_hash, key_fingerprint"

static int sql_fail(sqlite3 *db, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, -1, -1, "%s: %s", what, sqlite3_errmsg(db));
}

int custody_entry_insert(sqlite3 *db, const custody_entry *e, exhibit_error *err)
{
	static const unsigned char zero[SIGNING_SIGNATURE_LEN];
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO custody_entries(" ENTRY_COLUMNS
	                       ", entry_hash, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	                       "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
	                       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot write the custody log");
	sqlite3_bind_int64(s, 1, e->seq);
	sqlite3_bind_text(s, 2, e->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, e->examiner, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, e->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, e->tool_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, e->plugins, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, e->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, e->object, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, e->parameters, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 10, e->rows_added);
	sqlite3_bind_int64(s, 11, e->rows_changed);
	sqlite3_bind_int64(s, 12, e->rows_removed);
	sqlite3_bind_int64(s, 13, e->blobs_added);
	sqlite3_bind_text(s, 14, e->table_roots, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 15, e->rows_root, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 16, e->delta_root, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 17, e->blobs_root, SHA256_LEN, SQLITE_STATIC);
	if (e->has_output)
		sqlite3_bind_blob(s, 18, e->output_sha256, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 19, e->produced, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 20, e->prev_hash, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 21, e->key_fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 22, zero, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 23, zero, SIGNING_SIGNATURE_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_fail(db, err, "cannot write the custody log");
}

int custody_entry_hash(sqlite3 *db, int64_t seq, unsigned char out[SHA256_LEN],
                       exhibit_error *err)
{
	sqlite3_stmt *s;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT exhibit_row_digest('custody_entries', exhibit_row_key(seq), "
	                       ENTRY_COLUMNS ") FROM custody_entries WHERE seq = ?1", -1, &s,
	                       NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot read the custody log");
	sqlite3_bind_int64(s, 1, seq);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == SHA256_LEN) {
		memcpy(out, sqlite3_column_blob(s, 0), SHA256_LEN);
		rc = 0;
	}
	sqlite3_finalize(s);
	if (rc < 0)
		exhibit_error_set(err, -1, -1, "custody entry %lld cannot be read", (long long)seq);
	return rc;
}

int custody_entry_seal(sqlite3 *db, int64_t seq, const unsigned char hash[SHA256_LEN],
                       const unsigned char sig[SIGNING_SIGNATURE_LEN], exhibit_error *err)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, "UPDATE custody_entries SET entry_hash = ?2, signature = ?3 "
	                       "WHERE seq = ?1", -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot write the custody log");
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_blob(s, 2, hash, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, sig, SIGNING_SIGNATURE_LEN, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : sql_fail(db, err, "cannot write the custody log");
}

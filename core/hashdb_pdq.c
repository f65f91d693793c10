/*
 * hashdb_pdq.c — see hashdb_pdq.h.
 */
#include "hashdb_pdq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

static int fail(sqlite3 *db, const char *path, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: %s: %s", path, what,
	                         db ? sqlite3_errmsg(db) : "out of memory");
}

/* take_digest — a stated digest of the right length. */
static void take_digest(sqlite3_stmt *s, int col, unsigned char *dst, size_t len, unsigned bit,
                        unsigned *have)
{
	if (sqlite3_column_type(s, col) == SQLITE_BLOB && (size_t)sqlite3_column_bytes(s, col) == len) {
		memcpy(dst, sqlite3_column_blob(s, col), len);
		*have |= bit;
	}
}

static int append(hashdb_pdq_set *out, size_t *cap, const hashdb_pdq_entry *e)
{
	if (out->n == *cap) {
		size_t more = *cap ? 2 * *cap : 1024;
		hashdb_pdq_entry *grown = realloc(out->entries, more * sizeof *grown);
		if (!grown)
			return -1;
		out->entries = grown;
		*cap = more;
	}
	out->entries[out->n++] = *e;
	return 0;
}

/* load_set — the values of one set of the snapshot. */
static int load_set(sqlite3 *db, const char *path, size_t set, uint32_t set_id,
                    hashdb_pdq_set *out, size_t *cap, exhibit_error *err)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT value, md5, sha1, sha256 FROM alternative_hashes "
	                       "WHERE set_id = ?1 AND name = 'PDQ' ORDER BY rowid", -1, &s,
	                       NULL) != SQLITE_OK)
		return fail(db, path, err, "cannot read the PDQ values");
	sqlite3_bind_int64(s, 1, set_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		hashdb_pdq_entry e;
		const char *text = (const char *)sqlite3_column_text(s, 0);

		memset(&e, 0, sizeof e);
		e.set = set;
		if (!text || pdq_value_parse(text, (size_t)sqlite3_column_bytes(s, 0), &e.pdq) < 0) {
			out->invalid++;
			continue;
		}
		take_digest(s, 1, e.md5, MD5_LEN, HASHDB_PDQ_HAVE_MD5, &e.have);
		take_digest(s, 2, e.sha1, SHA1_LEN, HASHDB_PDQ_HAVE_SHA1, &e.have);
		take_digest(s, 3, e.sha256, SHA256_LEN, HASHDB_PDQ_HAVE_SHA256, &e.have);
		if (append(out, cap, &e) < 0) {
			sqlite3_finalize(s);
			return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory for %zu PDQ values",
			                         out->n);
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail(db, path, err, "cannot read the PDQ values");
}

int hashdb_pdq_load(const char *dir, const hashdb *snap, hashdb_pdq_set *out,
                    exhibit_error *err)
{
	char *path = NULL;
	struct stat st;
	sqlite3 *db = NULL;
	size_t cap = 0;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (asprintf(&path, "%s/catalog.db", dir) < 0)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	if (stat(path, &st) < 0) { /* no catalog: no set gave a PDQ */
		free(path);
		return 0;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = fail(db, path, err, "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(db, 30000);
	/* One read transaction: every set as of one moment. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = fail(db, path, err, "cannot read");
		goto out;
	}
	for (size_t i = 0; rc == 0 && snap && i < hashdb_set_count(snap); i++)
		rc = load_set(db, path, i, hashdb_set_at(snap, i)->id, out, &cap, err);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
out:
	sqlite3_close(db);
	free(path);
	if (rc < 0)
		hashdb_pdq_free(out);
	return rc;
}

void hashdb_pdq_free(hashdb_pdq_set *s)
{
	free(s->entries);
	memset(s, 0, sizeof *s);
}

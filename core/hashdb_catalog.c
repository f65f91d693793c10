/*
 * hashdb_catalog.c — see hashdb_catalog.h.
 */
#include "hashdb_catalog.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

struct hashdb_catalog {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *pdq;
};

static const char catalog_schema[] =
	"CREATE TABLE IF NOT EXISTS sets ("
	" id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
	" category_scheme TEXT, source TEXT, imported TEXT NOT NULL, source_date TEXT,"
	" entries INTEGER NOT NULL, md5_digests INTEGER NOT NULL, sha1_digests INTEGER NOT NULL,"
	" sha256_digests INTEGER NOT NULL, set_digest BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS imports ("
	" id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, set_id INTEGER,"
	" set_name TEXT NOT NULL, who TEXT, host TEXT, source_path TEXT, source_sha256 BLOB,"
	" format TEXT, accepted INTEGER, rejected INTEGER, message TEXT);"
	"CREATE TABLE IF NOT EXISTS alternative_hashes ("
	" set_id INTEGER NOT NULL, md5 BLOB, sha1 BLOB, sha256 BLOB, name TEXT NOT NULL,"
	" value TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS alternative_hashes_set ON alternative_hashes(set_id);"
	"PRAGMA user_version = 1;";

static int fail(hashdb_catalog *c, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: %s: %s", c->path, what,
	                         sqlite3_errmsg(c->db));
}

static int exec(hashdb_catalog *c, const char *sql, exhibit_error *err)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(c, err, "SQL failed");
}

int hashdb_catalog_open(const char *dir, hashdb_catalog **out, exhibit_error *err)
{
	hashdb_catalog *c = calloc(1, sizeof *c);

	*out = NULL;
	if (!c || asprintf(&c->path, "%s/catalog.db", dir) < 0) {
		free(c);
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	}
	if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fail(c, err, "cannot open");
		hashdb_catalog_close(c);
		return -1;
	}
	sqlite3_busy_timeout(c->db, 30000);
	if (exec(c, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err) < 0 ||
	    exec(c, catalog_schema, err) < 0) {
		hashdb_catalog_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

void hashdb_catalog_close(hashdb_catalog *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->pdq);
	sqlite3_close(c->db);
	free(c->path);
	free(c);
}

int hashdb_catalog_begin(hashdb_catalog *c, exhibit_error *err)
{
	return exec(c, "BEGIN IMMEDIATE", err);
}

int hashdb_catalog_commit(hashdb_catalog *c, exhibit_error *err)
{
	return exec(c, "COMMIT", err);
}

void hashdb_catalog_rollback(hashdb_catalog *c)
{
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static int step_once(hashdb_catalog *c, sqlite3_stmt *s, const char *what, exhibit_error *err)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(c, err, what);
}

int hashdb_catalog_add_set(hashdb_catalog *c, const hashdb_set *set, exhibit_error *err)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(c->db,
	        "INSERT OR REPLACE INTO sets(id, name, kind, category_scheme, source, imported, "
	        "source_date, entries, md5_digests, sha1_digests, sha256_digests, set_digest) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", -1, &s, NULL) != SQLITE_OK)
		return fail(c, err, "cannot record a set");
	sqlite3_bind_int64(s, 1, set->id);
	bind_text(s, 2, set->name);
	bind_text(s, 3, set->kind);
	bind_text(s, 4, set->category_scheme);
	bind_text(s, 5, set->source);
	bind_text(s, 6, set->imported);
	bind_text(s, 7, set->source_date);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)set->entries);
	for (int a = 0; a < HASH_ALG_COUNT; a++)
		sqlite3_bind_int64(s, 9 + a, (sqlite3_int64)set->digests[a]);
	sqlite3_bind_blob(s, 12, set->set_digest, SHA256_LEN, SQLITE_TRANSIENT);
	return step_once(c, s, "cannot record a set", err);
}

int hashdb_catalog_remove_set(hashdb_catalog *c, uint32_t id, exhibit_error *err)
{
	sqlite3_stmt *s;
	int rc;

	for (int i = 0; i < 2; i++) {
		if (sqlite3_prepare_v2(c->db, i ? "DELETE FROM alternative_hashes WHERE set_id = ?1"
		                                : "DELETE FROM sets WHERE id = ?1", -1, &s, NULL) != SQLITE_OK)
			return fail(c, err, "cannot remove a set");
		sqlite3_bind_int64(s, 1, id);
		if ((rc = step_once(c, s, "cannot remove a set", err)) < 0)
			return rc;
	}
	return 0;
}

int hashdb_catalog_reconcile(hashdb_catalog *c, const hashdb *snapshot, exhibit_error *err)
{
	sqlite3_stmt *s;
	uint32_t *gone = NULL;
	size_t n_gone = 0, cap = 0;
	int rc = 0;

	if (sqlite3_prepare_v2(c->db, "SELECT id FROM sets", -1, &s, NULL) != SQLITE_OK)
		return fail(c, err, "cannot read the sets");
	while (sqlite3_step(s) == SQLITE_ROW) {
		uint32_t id = (uint32_t)sqlite3_column_int64(s, 0);
		int found = 0;

		for (size_t i = 0; i < hashdb_set_count(snapshot) && !found; i++)
			found = hashdb_set_at(snapshot, i)->id == id;
		if (found)
			continue;
		if (n_gone == cap) {
			uint32_t *grown = realloc(gone, (cap = cap ? cap * 2 : 8) * sizeof *grown);
			if (!grown)
				break;
			gone = grown;
		}
		gone[n_gone++] = id;
	}
	sqlite3_finalize(s);
	for (size_t i = 0; i < n_gone && rc == 0; i++)
		rc = hashdb_catalog_remove_set(c, gone[i], err);
	free(gone);
	for (size_t i = 0; i < hashdb_set_count(snapshot) && rc == 0; i++)
		rc = hashdb_catalog_add_set(c, hashdb_set_at(snapshot, i), err);
	return rc;
}

static void who_and_host(char *who, size_t who_len, char *host, size_t host_len)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *user = getenv("USER");

	if (pw && pw->pw_name)
		snprintf(who, who_len, "%s", pw->pw_name);
	else if (user && *user)
		snprintf(who, who_len, "%s", user);
	else
		snprintf(who, who_len, "uid %ld", (long)geteuid());
	if (gethostname(host, host_len) != 0)
		snprintf(host, host_len, "unknown");
	host[host_len - 1] = '\0';
}

int hashdb_catalog_log(hashdb_catalog *c, const hashdb_log_entry *e, exhibit_error *err)
{
	char who[256], host[256];
	sqlite3_stmt *s;

	who_and_host(who, sizeof who, host, sizeof host);
	if (sqlite3_prepare_v2(c->db,
	        "INSERT INTO imports(at, action, set_id, set_name, who, host, source_path, "
	        "source_sha256, format, accepted, rejected, message) VALUES "
	        "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	        -1, &s, NULL) != SQLITE_OK)
		return fail(c, err, "cannot log");
	bind_text(s, 1, e->action);
	sqlite3_bind_int64(s, 2, e->set_id);
	bind_text(s, 3, e->set_name);
	bind_text(s, 4, who);
	bind_text(s, 5, host);
	bind_text(s, 6, e->source_path);
	if (e->source_sha256)
		sqlite3_bind_blob(s, 7, e->source_sha256, SHA256_LEN, SQLITE_TRANSIENT);
	bind_text(s, 8, e->format);
	sqlite3_bind_int64(s, 9, (sqlite3_int64)e->accepted);
	sqlite3_bind_int64(s, 10, (sqlite3_int64)e->rejected);
	bind_text(s, 11, e->message);
	return step_once(c, s, "cannot log", err);
}

int hashdb_catalog_add_pdq(hashdb_catalog *c, uint32_t set_id, const hashset_entry *e,
                           exhibit_error *err)
{
	sqlite3_stmt *s = c->pdq;

	if (!s && sqlite3_prepare_v3(c->db,
	        "INSERT INTO alternative_hashes(set_id, md5, sha1, sha256, name, value) "
	        "VALUES (?1, ?2, ?3, ?4, 'PDQ', ?5)", -1, SQLITE_PREPARE_PERSISTENT, &c->pdq,
	        NULL) != SQLITE_OK)
		return fail(c, err, "cannot keep a PDQ value");
	s = c->pdq;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	sqlite3_bind_int64(s, 1, set_id);
	if (e->have & HASHSET_HAVE_MD5)
		sqlite3_bind_blob(s, 2, e->md5, MD5_LEN, SQLITE_TRANSIENT);
	if (e->have & HASHSET_HAVE_SHA1)
		sqlite3_bind_blob(s, 3, e->sha1, SHA1_LEN, SQLITE_TRANSIENT);
	if (e->have & HASHSET_HAVE_SHA256)
		sqlite3_bind_blob(s, 4, e->sha256, SHA256_LEN, SQLITE_TRANSIENT);
	bind_text(s, 5, e->pdq);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : fail(c, err, "cannot keep a PDQ value");
}

int hashdb_catalog_imports_of(hashdb_catalog *c, uint32_t set_id, int64_t *files, char **path)
{
	sqlite3_stmt *s;

	*files = 0;
	*path = NULL;
	if (sqlite3_prepare_v2(c->db, "SELECT count(*), max(source_path) FROM imports WHERE "
	                       "set_id = ?1 AND action <> 'remove'", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, set_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*files = sqlite3_column_int64(s, 0);
		if (sqlite3_column_text(s, 1))
			*path = strdup((const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	return 0;
}

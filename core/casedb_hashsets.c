/*
 * casedb_hashsets.c — see casedb_hashsets.h.
 */
#include "casedb_hashsets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(casedb *db, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s/case.db: %s: %s", casedb_dir(db), what,
	                         sqlite3_errmsg(casedb_handle(db)));
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static int64_t copy_one(casedb *db, const hashdb_set *set, exhibit_error *err)
{
	sqlite3 *h = casedb_handle(db);
	sqlite3_stmt *s;
	int64_t id = 0;

	if (sqlite3_prepare_v2(h,
	        "INSERT OR IGNORE INTO hash_sets(name, kind, category_scheme, source, imported, "
	        "entries, set_digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &s, NULL) != SQLITE_OK)
		return fail(db, err, "cannot record a hash set");
	bind_text(s, 1, set->name);
	bind_text(s, 2, set->kind);
	bind_text(s, 3, set->category_scheme);
	bind_text(s, 4, set->source);
	bind_text(s, 5, set->imported);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)set->entries);
	sqlite3_bind_blob(s, 7, set->set_digest, SHA256_LEN, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		return fail(db, err, "cannot record a hash set");
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(h, "SELECT id FROM hash_sets WHERE name = ?1 AND set_digest = ?2",
	                       -1, &s, NULL) != SQLITE_OK)
		return fail(db, err, "cannot find a hash set");
	bind_text(s, 1, set->name);
	sqlite3_bind_blob(s, 2, set->set_digest, SHA256_LEN, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id > 0 ? id : fail(db, err, "cannot find a hash set just recorded");
}

int casedb_copy_hash_sets(casedb *db, const hashdb *snap, int64_t *case_ids,
                          exhibit_error *err)
{
	for (size_t i = 0; i < hashdb_set_count(snap); i++)
		if ((case_ids[i] = copy_one(db, hashdb_set_at(snap, i), err)) < 0)
			return -1;
	return 0;
}

int casedb_set_hide_known_good(casedb *db, int on, exhibit_error *err)
{
	return sqlite3_exec(casedb_handle(db), on
	        ? "INSERT OR REPLACE INTO case_info(key, value) VALUES ('hide_known_good', '1')"
	        : "INSERT OR REPLACE INTO case_info(key, value) VALUES ('hide_known_good', '0')",
	        NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(db, err, "cannot set hide_known_good");
}

int casedb_hide_known_good(casedb *db)
{
	sqlite3_stmt *s;
	int on = 0;

	if (sqlite3_prepare_v2(casedb_handle(db), "SELECT value FROM case_info WHERE key = "
	                       "'hide_known_good'", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		on = !strcmp((const char *)sqlite3_column_text(s, 0), "1");
	sqlite3_finalize(s);
	return on;
}

size_t hashsets_match_digests(const hashdb *snap, const int64_t *case_ids, const digests *d,
                              void (*fn)(void *ctx, int64_t set_id, const char *algorithm,
                                         const char *category),
                              void *ctx)
{
	const unsigned char *bytes[HASH_ALG_COUNT] = { d->md5, d->sha1, d->sha256 };
	hashdb_hit hits[32];
	size_t total = 0;

	for (int a = 0; a < HASH_ALG_COUNT; a++) {
		size_t n = hashdb_lookup(snap, (hash_alg)a, bytes[a], hits, 32);

		/* More than 32 sets holding one digest: the first 32 are recorded. */
		for (size_t i = 0; i < n && i < 32; i++)
			fn(ctx, case_ids[hashdb_set_index(snap, hits[i].set)], hash_alg_name((hash_alg)a),
			   hits[i].category);
		total += n < 32 ? n : 32;
	}
	return total;
}

typedef struct match_ctx {
	casedb *db;
	const unsigned char *sha256;
	casedb_match_stats *stats;
	exhibit_error *err;
	int failed;
} match_ctx;

static void record_hit(void *arg, int64_t set_id, const char *algorithm, const char *category)
{
	match_ctx *m = arg;

	if (m->failed)
		return;
	if (casedb_insert_hash_hit(m->db, m->sha256, set_id, algorithm, category, m->err) < 0) {
		m->failed = 1;
		return;
	}
	m->stats->hits++;
	m->stats->new_hits += (uint64_t)sqlite3_changes(casedb_handle(m->db));
}

int casedb_match_all(casedb *db, const hashdb *snap, const int64_t *case_ids,
                     casedb_match_stats *stats, exhibit_error *err)
{
	sqlite3_stmt *s;
	match_ctx m = { db, NULL, stats, err, 0 };
	int rc = SQLITE_DONE;

	memset(stats, 0, sizeof *stats);
	if (casedb_begin(db, err) < 0)
		return -1;
	if (sqlite3_prepare_v2(casedb_handle(db), "SELECT sha256, md5, sha1 FROM content", -1, &s,
	                       NULL) != SQLITE_OK) {
		rc = fail(db, err, "cannot read the content");
		sqlite3_exec(casedb_handle(db), "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	while (!m.failed && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		digests d;

		if (sqlite3_column_bytes(s, 0) != SHA256_LEN || sqlite3_column_bytes(s, 1) != MD5_LEN ||
		    sqlite3_column_bytes(s, 2) != SHA1_LEN)
			continue;
		memcpy(d.sha256, sqlite3_column_blob(s, 0), SHA256_LEN);
		memcpy(d.md5, sqlite3_column_blob(s, 1), MD5_LEN);
		memcpy(d.sha1, sqlite3_column_blob(s, 2), SHA1_LEN);
		m.sha256 = d.sha256;
		stats->contents++;
		hashsets_match_digests(snap, case_ids, &d, record_hit, &m);
	}
	sqlite3_finalize(s);
	if (m.failed || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		if (!m.failed)
			fail(db, err, "cannot read the content");
		sqlite3_exec(casedb_handle(db), "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return casedb_commit(db, err);
}

/*
 * custody.c — appending signed entries to a case's custody log (see
 * custody.h; the tables are in schemas/case.sql).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "custody.h"
#include "custody_entry.h"
#include "custody_rows.h"
#include "merkle.h"
#include "row_digest.h"

#define MAX_REPORTED 5

void custody_now(char out[32])
{
	struct timeval tv;
	struct tm tm;
	char secs[24];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(secs, sizeof secs, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.20s.%03dZ", secs, (int)(tv.tv_usec / 1000) % 1000);
}

static int sql_fail(sqlite3 *db, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, -1, -1, "%s: %s", what, sqlite3_errmsg(db));
}

static int64_t single_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* ---- scope ---- */

/* A set of table names, or "every table". */
typedef struct scope_set {
	int all;
	char *names; /* ",a,b,c," */
} scope_set;

static void scope_add_list(scope_set *s, const char *list) /* comma-separated */
{
	char *grown = NULL;

	if (asprintf(&grown, "%s%s,", s->names ? s->names : ",", list) >= 0) {
		free(s->names);
		s->names = grown;
	}
}

static void scope_add(scope_set *s, const char *const *tables)
{
	if (!tables) {
		s->all = 1;
		return;
	}
	for (; *tables; tables++)
		scope_add_list(s, *tables);
}

static int scope_has(const scope_set *s, const char *table)
{
	char needle[256];

	/* Every command may add a key (a new examiner) and migrate the schema. */
	if (s->all || !strcmp(table, ROW_DIGEST_SCHEMA_TABLE) || !strcmp(table, "custody_keys"))
		return 1;
	snprintf(needle, sizeof needle, ",%s,", table);
	return s->names && strstr(s->names, needle) != NULL;
}

static char *scope_text(const char *const *tables)
{
	size_t len = 0;
	char *text;

	if (!tables)
		return NULL;
	for (const char *const *t = tables; *t; t++)
		len += strlen(*t) + 1;
	text = calloc(1, len + 1);
	for (const char *const *t = tables; text && *t; t++) {
		if (t != tables)
			strcat(text, ",");
		strcat(text, *t);
	}
	return text;
}

/* open_commands — the scopes of commands under way or interrupted. */
static int open_commands(sqlite3 *db, scope_set *scope, custody_begun *begun)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, "SELECT action, scope, started, examiner, host FROM custody_open "
	                       "ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *list = (const char *)sqlite3_column_text(s, 1);

		if (begun && !begun->interrupted)
			snprintf(begun->interrupted_what, sizeof begun->interrupted_what,
			         "%s started %s by %s on %s", sqlite3_column_text(s, 0),
			         sqlite3_column_text(s, 2), sqlite3_column_text(s, 3),
			         sqlite3_column_text(s, 4));
		if (begun)
			begun->interrupted = 1;
		if (list)
			scope_add_list(scope, list);
		else
			scope->all = 1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* ---- custody_begin ---- */

typedef struct precheck {
	int64_t found;
	char list[768];
} precheck;

static const char *change_word(custody_change c)
{
	return c == CUSTODY_ADDED ? "added" : c == CUSTODY_CHANGED ? "changed" : "deleted";
}

static int note_difference(void *ctx, const char *table, char *const *key_columns,
                           custody_change change, const void *key, size_t key_len,
                           const unsigned char *digest, int64_t signed_seq)
{
	precheck *p = ctx;
	char *what;

	(void)digest;
	(void)signed_seq;
	/* Migrations add schema objects; only a changed or dropped one counts. */
	if (!strcmp(table, ROW_DIGEST_SCHEMA_TABLE) && change == CUSTODY_ADDED)
		return 0;
	if (++p->found <= MAX_REPORTED) {
		what = row_digest_describe_key(key, key_len, key_columns);
		snprintf(p->list + strlen(p->list), sizeof p->list - strlen(p->list), "%s%s %s %s",
		         p->found > 1 ? "; " : "", table, what ? what : "?", change_word(change));
		free(what);
	}
	return 0;
}

static int precheck_tables(sqlite3 *db, const scope_set *scope, const scope_set *skip,
                           int64_t last_seq, exhibit_error *err)
{
	covered_table *tables;
	precheck p = { 0, "" };
	int n = row_digest_covered_tables(db, &tables, err);

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!scope_has(scope, tables[i].name) ||
		    (strcmp(tables[i].name, ROW_DIGEST_SCHEMA_TABLE) && scope_has(skip, tables[i].name)))
			continue;
		if (custody_diff_table(db, &tables[i], note_difference, &p, err) < 0) {
			row_digest_free_tables(tables, n);
			return -1;
		}
	}
	if (scope->all && !skip->all &&
	    custody_diff_dropped(db, tables, n, note_difference, &p, err) < 0) {
		row_digest_free_tables(tables, n);
		return -1;
	}
	row_digest_free_tables(tables, n);
	if (p.found)
		return exhibit_error_set(err, -1, -1,
			"the case was changed outside exhibit after custody entry %lld signed it "
			"(%lld rows differ: %s%s); nothing was done: run 'exhibit verify' on the case",
			(long long)last_seq, (long long)p.found, p.list,
			p.found > MAX_REPORTED ? "; ..." : "");
	return 0;
}

int custody_begin(sqlite3 *db, const char *action, const char *const *scope,
                  custody_begun *begun, exhibit_error *err)
{
	scope_set want = { 0, NULL }, skip = { 0, NULL };
	sqlite3_stmt *s;
	char now[32], host[256] = "";
	char *scope_list = scope_text(scope);
	int rc = 0;

	memset(begun, 0, sizeof *begun);
	if (row_digest_register(db, err) < 0) {
		free(scope_list);
		return -1;
	}
	begun->last_seq = single_int(db, "SELECT coalesce(max(seq), 0) FROM custody_entries");
	scope_add(&want, scope);
	if (open_commands(db, &skip, begun) < 0)
		rc = sql_fail(db, err, "cannot read the custody log");
	/* Before the first entry nothing is signed yet: nothing to compare. */
	if (rc == 0 && begun->last_seq > 0)
		rc = precheck_tables(db, &want, &skip, begun->last_seq, err);
	if (rc == 0) {
		custody_now(now);
		gethostname(host, sizeof host - 1);
		if (sqlite3_prepare_v2(db, "INSERT INTO custody_open(action, scope, started, host, pid) "
		                       "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &s, NULL) != SQLITE_OK) {
			rc = sql_fail(db, err, "cannot write the custody log");
		} else {
			sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
			if (scope_list)
				sqlite3_bind_text(s, 2, scope_list, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 4, host, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 5, (int64_t)getpid());
			if (sqlite3_step(s) != SQLITE_DONE)
				rc = sql_fail(db, err, "cannot write the custody log");
			sqlite3_finalize(s);
		}
	}
	free(want.names);
	free(skip.names);
	free(scope_list);
	return rc;
}

/* ---- custody_commit ---- */

typedef struct delta {
	merkle m;
	int64_t added, changed, removed;
} delta;

static int count_change(void *ctx, const char *table, char *const *key_columns,
                        custody_change change, const void *key, size_t key_len,
                        const unsigned char *digest, int64_t signed_seq)
{
	delta *d = ctx;
	unsigned char leaf[1 + 256 + 1 + 8 + SHA256_LEN];
	size_t tlen = strnlen(table, 256), n = 0;
	unsigned char key_digest[SHA256_LEN];

	(void)key_columns;
	(void)signed_seq;
	if (change == CUSTODY_ADDED)
		d->added++;
	else if (change == CUSTODY_CHANGED)
		d->changed++;
	else
		d->removed++;
	/* leaf: change, table, SHA-256 of the key, digest now (none if removed) */
	EVP_Digest(key, key_len, key_digest, NULL, EVP_sha256(), NULL);
	leaf[n++] = (unsigned char)change;
	memcpy(leaf + n, table, tlen);
	n += tlen;
	leaf[n++] = 0;
	memcpy(leaf + n, key_digest, SHA256_LEN);
	n += SHA256_LEN;
	if (digest) {
		memcpy(leaf + n, digest, SHA256_LEN);
		n += SHA256_LEN;
	}
	merkle_add(&d->m, leaf, n);
	return 0;
}

static int apply_scope(sqlite3 *db, const scope_set *scope, int64_t seq, delta *d,
                       exhibit_error *err)
{
	covered_table *tables;
	int n = row_digest_covered_tables(db, &tables, err), rc = 0;

	if (n < 0)
		return -1;
	for (int i = 0; i < n && rc == 0; i++)
		if (scope_has(scope, tables[i].name) &&
		    custody_apply_table(db, &tables[i], seq, count_change, d, err) < 0)
			rc = -1;
	if (rc == 0 && scope->all &&
	    custody_drop_missing_tables(db, tables, n, count_change, d, err) < 0)
		rc = -1;
	row_digest_free_tables(tables, n);
	return rc;
}

static void compute_produced(const custody_entry *e, unsigned char out[SHA256_LEN])
{
	static const char domain[] = "exhibit-produced-v1";
	unsigned char buf[sizeof domain + 4 * SHA256_LEN];
	static const unsigned char none[SHA256_LEN];

	memcpy(buf, domain, sizeof domain);
	memcpy(buf + sizeof domain, e->rows_root, SHA256_LEN);
	memcpy(buf + sizeof domain + SHA256_LEN, e->delta_root, SHA256_LEN);
	memcpy(buf + sizeof domain + 2 * SHA256_LEN, e->blobs_root, SHA256_LEN);
	memcpy(buf + sizeof domain + 3 * SHA256_LEN, e->has_output ? e->output_sha256 : none,
	       SHA256_LEN);
	EVP_Digest(buf, sizeof buf, out, NULL, EVP_sha256(), NULL);
}

/* record_key — the signer's public key in custody_keys; refuses to sign
 * with a fingerprint whose recorded public key was altered. */
static int record_key(sqlite3 *db, const signing_key *key, const char *examiner,
                      exhibit_error *err)
{
	sqlite3_stmt *s;
	char now[32];
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT public_key FROM custody_keys WHERE fingerprint = ?1", -1,
	                       &s, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot read the custody keys");
	sqlite3_bind_text(s, 1, signing_key_fingerprint(key), -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *pem = (const char *)sqlite3_column_text(s, 0);
		char fp[SIGNING_FINGERPRINT_LEN + 1];

		if (!pem || signing_public_fingerprint(pem, fp, NULL) < 0 ||
		    strcmp(fp, signing_key_fingerprint(key)))
			rc = exhibit_error_set(err, -1, -1, "the case's record of key %s was altered; "
			                       "run 'exhibit verify' on the case", signing_key_fingerprint(key));
		sqlite3_finalize(s);
		return rc;
	}
	sqlite3_finalize(s);
	custody_now(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO custody_keys(fingerprint, public_key, examiner, added) "
	                       "VALUES (?1, ?2, ?3, ?4)", -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot record the examiner's key");
	sqlite3_bind_text(s, 1, signing_key_fingerprint(key), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, signing_key_public_pem(key), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, examiner, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sql_fail(db, err, "cannot record the examiner's key");
	sqlite3_finalize(s);
	return rc;
}

static int previous_hash(sqlite3 *db, int64_t seq, unsigned char out[SHA256_LEN])
{
	sqlite3_stmt *s;
	int rc = 0;

	memset(out, 0, SHA256_LEN);
	if (seq <= 1)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT entry_hash FROM custody_entries WHERE seq = ?1", -1, &s,
	                       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, seq - 1);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == SHA256_LEN)
		memcpy(out, sqlite3_column_blob(s, 0), SHA256_LEN);
	else
		rc = -1;
	sqlite3_finalize(s);
	return rc;
}

/* build_entry — everything of the entry but its hash and signature. */
static int build_entry(sqlite3 *db, const char *case_dir, const custody_action *a,
                       const custody_identity *who, const signing_key *key, int64_t seq,
                       custody_entry *e, exhibit_error *err)
{
	scope_set scope = { 0, NULL };
	delta d;
	int64_t blobs;
	int rc;

	memset(e, 0, sizeof *e);
	e->seq = seq;
	custody_now(e->at);
	e->examiner = who->examiner;
	e->host = who->host;
	e->tool_version = who->tool_version;
	e->plugins = a->plugins ? a->plugins : "{}";
	e->action = a->action;
	e->object = a->object ? a->object : "";
	e->parameters = a->parameters ? a->parameters : "{}";
	e->key_fingerprint = signing_key_fingerprint(key);
	scope_add(&scope, seq == 1 ? NULL : a->scope);
	if (open_commands(db, &scope, NULL) < 0) {
		free(scope.names);
		return sql_fail(db, err, "cannot read the custody log");
	}
	memset(&d, 0, sizeof d);
	merkle_init(&d.m);
	rc = apply_scope(db, &scope, seq, &d, err);
	free(scope.names);
	if (rc < 0)
		return -1;
	e->rows_added = d.added;
	e->rows_changed = d.changed;
	e->rows_removed = d.removed;
	merkle_root(&d.m, e->delta_root);
	if ((blobs = custody_blobs_add_new(db, case_dir, seq, err)) < 0)
		return -1;
	e->blobs_added = blobs;
	if (custody_table_roots(db, &e->table_roots, e->rows_root, err) < 0 ||
	    custody_blobs_root(db, e->blobs_root, err) < 0)
		return -1;
	if (a->output_sha256) {
		e->has_output = 1;
		memcpy(e->output_sha256, a->output_sha256, SHA256_LEN);
	}
	compute_produced(e, e->produced);
	if (previous_hash(db, seq, e->prev_hash) < 0)
		return exhibit_error_set(err, -1, -1, "custody entry %lld is missing or damaged; "
		                         "run 'exhibit verify' on the case", (long long)seq - 1);
	return 0;
}

/* write_head — CASE/custody.head, replaced atomically. */
static int write_head(const char *case_dir, const custody_entry *e, exhibit_error *err)
{
	char *path = NULL, *tmp = NULL, hash[2 * SHA256_LEN + 1], sig[2 * SIGNING_SIGNATURE_LEN + 1];
	FILE *f;
	int ok;

	if (asprintf(&path, "%s/%s", case_dir, CUSTODY_HEAD_FILE) < 0 ||
	    asprintf(&tmp, "%s.tmp", path) < 0) {
		free(path);
		return exhibit_error_set(err, -1, -1, "out of memory");
	}
	hex_encode(e->entry_hash, SHA256_LEN, hash);
	hex_encode(e->signature, SIGNING_SIGNATURE_LEN, sig);
	f = fopen(tmp, "we");
	ok = f && fprintf(f, "%s\nseq: %lld\nentry: %s\nkey: %s\nsignature: %s\n", CUSTODY_HEAD_MAGIC,
	                  (long long)e->seq, hash, e->key_fingerprint, sig) > 0 &&
	     fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		exhibit_error_set(err, -1, -1, "%s: cannot write the custody head: %s", path,
		                  strerror(errno));
		unlink(tmp);
		ok = 0;
	}
	free(tmp);
	free(path);
	return ok ? 0 : -1;
}

int custody_commit(sqlite3 *db, const char *case_dir, const custody_action *action,
                   const custody_identity *who, const signing_key *key,
                   custody_receipt *receipt, exhibit_error *err)
{
	custody_entry e;
	int64_t seq;
	int rc;

	memset(receipt, 0, sizeof *receipt);
	memset(&e, 0, sizeof e);
	if (row_digest_register(db, err) < 0)
		return -1;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot write the custody log");
	seq = single_int(db, "SELECT coalesce(max(seq), 0) FROM custody_entries") + 1;
	rc = record_key(db, key, who->examiner, err);
	if (rc == 0)
		rc = build_entry(db, case_dir, action, who, key, seq, &e, err);
	if (rc == 0)
		rc = custody_entry_insert(db, &e, err);
	if (rc == 0)
		rc = custody_entry_hash(db, seq, e.entry_hash, err);
	if (rc == 0)
		rc = signing_sign(key, e.entry_hash, SHA256_LEN, e.signature, err);
	if (rc == 0)
		rc = custody_entry_seal(db, seq, e.entry_hash, e.signature, err);
	if (rc == 0 && sqlite3_exec(db, "DELETE FROM custody_open", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(db, err, "cannot write the custody log");
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(db, err, "cannot write the custody log");
	if (rc < 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		free(e.table_roots);
		return -1;
	}
	receipt->seq = seq;
	memcpy(receipt->entry_hash, e.entry_hash, SHA256_LEN);
	receipt->rows_added = e.rows_added;
	receipt->rows_changed = e.rows_changed;
	receipt->rows_removed = e.rows_removed;
	receipt->blobs_added = e.blobs_added;
	rc = write_head(case_dir, &e, err);
	free(e.table_roots);
	return rc;
}

/*
 * custody_verify.c — checking a case against its custody log (see
 * custody_verify.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody_entry.h"
#include "custody_rows.h"
#include "custody_verify.h"
#include "row_digest.h"
#include "signing.h"
#include "timestamp.h"

#define MAX_KEYS 64

typedef struct verifier {
	sqlite3 *db;
	const char *case_dir;
	const custody_verify_options *opts;
	custody_finding_fn fn;
	void *ctx;
	custody_verify_summary *sum;
	struct {
		char fingerprint[SIGNING_FINGERPRINT_LEN + 1];
		char *pem;
		int good;
	} keys[MAX_KEYS];
	int n_keys;
	int64_t last_seq;
	unsigned char last_hash[SHA256_LEN];
	char *signed_roots;           /* table_roots of the last entry */
	unsigned char signed_blobs_root[SHA256_LEN];
} verifier;

/* report — one finding to the callback.  RETURN 1 for a failure, else 0. */
static int report(verifier *v, custody_level level, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int report(verifier *v, custody_level level, const char *what, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	if (level == CUSTODY_FAIL)
		v->sum->failures++;
	if (v->fn)
		v->fn(v->ctx, level, what, message);
	return level == CUSTODY_FAIL;
}

static int trusted(const verifier *v, const char *fingerprint)
{
	if (!v->opts || !v->opts->trusted_keys)
		return 1;
	for (const char *const *t = v->opts->trusted_keys; *t; t++)
		if (!strcmp(*t, fingerprint))
			return 1;
	return 0;
}

/* ---- keys ---- */

static int check_keys(verifier *v)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(v->db, "SELECT fingerprint, public_key, coalesce(examiner, '') "
	                       "FROM custody_keys ORDER BY fingerprint", -1, &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW && v->n_keys < MAX_KEYS) {
		const char *fp = (const char *)sqlite3_column_text(s, 0);
		const char *pem = (const char *)sqlite3_column_text(s, 1);
		char now[SIGNING_FINGERPRINT_LEN + 1], what[128];
		int i = v->n_keys++;

		snprintf(v->keys[i].fingerprint, sizeof v->keys[i].fingerprint, "%s", fp ? fp : "");
		snprintf(what, sizeof what, "key %s", v->keys[i].fingerprint);
		v->sum->keys++;
		if (!pem || signing_public_fingerprint(pem, now, NULL) < 0) {
			report(v, CUSTODY_FAIL, what, "the recorded public key cannot be read: it was altered");
		} else if (strcmp(now, v->keys[i].fingerprint)) {
			report(v, CUSTODY_FAIL, what, "the recorded public key was replaced: it is now "
			       "key %s", now);
		} else if (!trusted(v, now)) {
			report(v, CUSTODY_FAIL, what, "not among the keys you trust (--key)");
		} else {
			v->keys[i].pem = strdup(pem);
			v->keys[i].good = 1;
			report(v, CUSTODY_INFO, what, "examiner %s", sqlite3_column_text(s, 2));
			continue;
		}
		v->sum->keys_bad++;
	}
	sqlite3_finalize(s);
	return 0;
}

static const char *key_pem(const verifier *v, const char *fingerprint)
{
	for (int i = 0; i < v->n_keys; i++)
		if (v->keys[i].good && !strcmp(v->keys[i].fingerprint, fingerprint))
			return v->keys[i].pem;
	return NULL;
}

/* ---- entries ---- */

static int check_one_entry(verifier *v, sqlite3_stmt *s, int64_t expected_seq)
{
	int64_t seq = sqlite3_column_int64(s, 0);
	const char *action = (const char *)sqlite3_column_text(s, 1);
	const char *fp = (const char *)sqlite3_column_text(s, 3);
	const void *prev = sqlite3_column_blob(s, 4), *stored = sqlite3_column_blob(s, 5);
	const void *sig = sqlite3_column_blob(s, 6);
	int prev_len = sqlite3_column_bytes(s, 4), stored_len = sqlite3_column_bytes(s, 5);
	unsigned char now[SHA256_LEN];
	const char *pem = fp ? key_pem(v, fp) : NULL;
	char what[64];
	int bad = 0;

	snprintf(what, sizeof what, "entry %lld", (long long)seq);
	if (seq != expected_seq)
		bad |= report(v, CUSTODY_FAIL, what, "found where entry %lld should be: entries were "
		                "removed, inserted or renumbered", (long long)expected_seq);
	if (custody_entry_hash(v->db, seq, now, NULL) < 0 || stored_len != SHA256_LEN ||
	    memcmp(now, stored, SHA256_LEN))
		bad |= report(v, CUSTODY_FAIL, what, "(%s at %s) its contents do not match its hash: "
		                "changed after it was signed", action ? action : "?",
		                sqlite3_column_text(s, 2));
	if (prev_len != SHA256_LEN || memcmp(prev, v->last_hash, SHA256_LEN))
		bad |= report(v, CUSTODY_FAIL, what, "does not follow entry %lld: its previous-entry "
		                "hash differs (entries removed, inserted, swapped or altered)",
		                (long long)expected_seq - 1);
	if (!pem)
		bad |= report(v, CUSTODY_FAIL, what, "signed by key %s, which the case does not hold "
		                "intact", fp ? fp : "(none)");
	else if (stored_len != SHA256_LEN ||
	         signing_verify(pem, stored, SHA256_LEN, sig, (size_t)sqlite3_column_bytes(s, 6), NULL) != 1)
		bad |= report(v, CUSTODY_FAIL, what, "the signature does not verify with key %s", fp);
	if (!bad)
		report(v, CUSTODY_INFO, what, "%s at %s, signed by %s", action, sqlite3_column_text(s, 2), fp);
	v->sum->entries++;
	v->sum->entries_bad += bad;
	if (stored_len == SHA256_LEN)
		memcpy(v->last_hash, stored, SHA256_LEN);
	v->last_seq = seq;
	free(v->signed_roots);
	v->signed_roots = sqlite3_column_text(s, 7) ? strdup((const char *)sqlite3_column_text(s, 7)) : NULL;
	if (sqlite3_column_bytes(s, 8) == SHA256_LEN)
		memcpy(v->signed_blobs_root, sqlite3_column_blob(s, 8), SHA256_LEN);
	return 0;
}

static int check_entries(verifier *v)
{
	sqlite3_stmt *s;
	int64_t expected = 1;

	if (sqlite3_prepare_v2(v->db, "SELECT seq, action, at, key_fingerprint, prev_hash, entry_hash, "
	                       "signature, table_roots, blobs_root FROM custody_entries ORDER BY seq",
	                       -1, &s, NULL) != SQLITE_OK)
		return -1;
	memset(v->last_hash, 0, SHA256_LEN);
	while (sqlite3_step(s) == SQLITE_ROW)
		check_one_entry(v, s, expected++);
	sqlite3_finalize(s);
	if (v->sum->entries == 0)
		report(v, CUSTODY_FAIL, "custody log", "the case has no custody entries: nothing about it "
		       "is signed");
	return 0;
}

/* ---- the head file ---- */

static void check_head(verifier *v)
{
	char *path = NULL, line[512], hash_hex[2 * SHA256_LEN + 1] = "", fp[SIGNING_FINGERPRINT_LEN + 1] = "";
	char sig_hex[2 * SIGNING_SIGNATURE_LEN + 1] = "";
	unsigned char hash[SHA256_LEN], sig[SIGNING_SIGNATURE_LEN], at[SHA256_LEN];
	long long seq = -1;
	const char *pem;
	FILE *f;

	if (asprintf(&path, "%s/%s", v->case_dir, CUSTODY_HEAD_FILE) < 0)
		return;
	f = fopen(path, "re");
	free(path);
	if (!f) {
		if (v->sum->entries)
			report(v, CUSTODY_FAIL, "head", CUSTODY_HEAD_FILE " is missing: the log cannot be "
			       "shown complete (entries at its end may have been removed)");
		return;
	}
	if (!fgets(line, sizeof line, f) || strncmp(line, CUSTODY_HEAD_MAGIC, strlen(CUSTODY_HEAD_MAGIC)))
		seq = -2;
	while (seq != -2 && fgets(line, sizeof line, f)) {
		sscanf(line, "seq: %lld", &seq);
		sscanf(line, "entry: %64s", hash_hex);
		sscanf(line, "key: %64s", fp);
		sscanf(line, "signature: %128s", sig_hex);
	}
	fclose(f);
	pem = key_pem(v, fp);
	if (seq < 0 || hex_decode(hash_hex, hash, SHA256_LEN) < 0 ||
	    hex_decode(sig_hex, sig, SIGNING_SIGNATURE_LEN) < 0) {
		report(v, CUSTODY_FAIL, "head", CUSTODY_HEAD_FILE " is not a custody head: it was altered");
		return;
	}
	if (!pem || signing_verify(pem, hash, SHA256_LEN, sig, SIGNING_SIGNATURE_LEN, NULL) != 1) {
		report(v, CUSTODY_FAIL, "head", "the head's signature does not verify with key %s", fp);
		return;
	}
	if (seq > v->last_seq) {
		report(v, CUSTODY_FAIL, "head", "the log was truncated: the signed head is entry %lld, "
		       "the log ends at entry %lld", seq, (long long)v->last_seq);
		return;
	}
	if (custody_entry_hash(v->db, seq, at, NULL) < 0 || memcmp(at, hash, SHA256_LEN)) {
		report(v, CUSTODY_FAIL, "head", "entry %lld is not the entry the signed head names: "
		       "the log was altered", seq);
		return;
	}
	v->sum->head_ok = 1;
	if (seq < v->last_seq)
		report(v, CUSTODY_WARN, "head", "the head names entry %lld, the log goes on to %lld "
		       "(the head was not rewritten after the last command)", seq, (long long)v->last_seq);
	else
		report(v, CUSTODY_INFO, "head", "entry %lld, signed", seq);
}

/* ---- rows ---- */

static int row_finding(void *ctx, const char *table, char *const *key_columns,
                       custody_change change, const void *key, size_t key_len,
                       const unsigned char *digest, int64_t signed_seq)
{
	verifier *v = ctx;
	char *desc = row_digest_describe_key(key, key_len, key_columns), what[512];

	(void)digest;
	snprintf(what, sizeof what, "row %s %s", table, desc ? desc : "?");
	free(desc);
	v->sum->rows_bad++;
	if (change == CUSTODY_ADDED)
		report(v, CUSTODY_FAIL, what, "added after the last custody entry: no entry covers it");
	else if (change == CUSTODY_CHANGED)
		report(v, CUSTODY_FAIL, what, "changed since custody entry %lld signed it",
		       (long long)signed_seq);
	else
		report(v, CUSTODY_FAIL, what, "deleted: custody entry %lld signed it",
		       (long long)signed_seq);
	return 0;
}

/* compare_roots — the digests custody keeps against what the last entry signed. */
static int compare_roots(verifier *v)
{
	unsigned char rows_root[SHA256_LEN];
	char *now = NULL, *a, *b, *save_a = NULL, *save_b = NULL;
	exhibit_error err;

	if (custody_table_roots(v->db, &now, rows_root, &err) < 0)
		return -1;
	if (v->last_seq == 0 || (v->signed_roots && !strcmp(now, v->signed_roots))) {
		free(now);
		return 0;
	}
	/* Name each table whose line differs. */
	a = v->signed_roots ? strdup(v->signed_roots) : strdup("");
	b = strdup(now);
	for (char *line = a ? strtok_r(a, "\n", &save_a) : NULL; line; line = strtok_r(NULL, "\n", &save_a))
		if (!b || !strstr(now, line)) {
			char table[256] = "";
			sscanf(line, "%255s", table);
			report(v, CUSTODY_FAIL, "custody_rows", "the row digests kept for table %s do not "
			       "match what entry %lld signed: custody_rows was altered", table,
			       (long long)v->last_seq);
		}
	for (char *line = b ? strtok_r(b, "\n", &save_b) : NULL; line; line = strtok_r(NULL, "\n", &save_b))
		if (!v->signed_roots || !strstr(v->signed_roots, line)) {
			char table[256] = "";
			sscanf(line, "%255s", table);
			if (!v->signed_roots || !strstr(v->signed_roots, table))
				report(v, CUSTODY_FAIL, "custody_rows", "row digests for table %s were added "
				       "after entry %lld: custody_rows was altered", table,
				       (long long)v->last_seq);
		}
	free(a);
	free(b);
	free(now);
	return 0;
}

static int check_rows(verifier *v, exhibit_error *err)
{
	covered_table *tables;
	int n = row_digest_covered_tables(v->db, &tables, err);
	int64_t before = v->sum->rows_bad;

	if (n < 0)
		return -1;
	if (compare_roots(v) < 0) {
		row_digest_free_tables(tables, n);
		return exhibit_error_set(err, -1, -1, "cannot read custody_rows");
	}
	for (int i = 0; i < n; i++) {
		sqlite3_stmt *s;

		if (custody_diff_table(v->db, &tables[i], row_finding, v, err) < 0) {
			row_digest_free_tables(tables, n);
			return -1;
		}
		/* custody_diff_table left this table's rows in temp.custody_fresh */
		if (sqlite3_prepare_v2(v->db, "SELECT count(*) FROM temp.custody_fresh", -1, &s,
		                       NULL) == SQLITE_OK) {
			if (sqlite3_step(s) == SQLITE_ROW)
				v->sum->rows += sqlite3_column_int64(s, 0);
			sqlite3_finalize(s);
		}
	}
	if (custody_diff_dropped(v->db, tables, n, row_finding, v, err) < 0) {
		row_digest_free_tables(tables, n);
		return -1;
	}
	row_digest_free_tables(tables, n);
	if (v->sum->rows_bad == before)
		report(v, CUSTODY_INFO, "rows", "%lld rows in %d tables, each as signed",
		       (long long)v->sum->rows, n);
	return 0;
}

/* ---- blobs ---- */

static int blob_finding(void *ctx, const char *path, custody_change change,
                        const unsigned char *sha256, int64_t signed_seq)
{
	verifier *v = ctx;
	char what[512], hex[2 * SHA256_LEN + 1] = "unreadable";

	if (sha256)
		hex_encode(sha256, SHA256_LEN, hex);
	snprintf(what, sizeof what, "blob %s", path);
	v->sum->blobs_bad++;
	if (change == CUSTODY_ADDED)
		report(v, CUSTODY_FAIL, what, "added after the last custody entry (SHA-256 %s)", hex);
	else if (change == CUSTODY_CHANGED)
		report(v, CUSTODY_FAIL, what, "its content changed since custody entry %lld signed it "
		       "(SHA-256 now %s)", (long long)signed_seq, hex);
	else
		report(v, CUSTODY_FAIL, what, "missing or unreadable: custody entry %lld signed it",
		       (long long)signed_seq);
	return 0;
}

static int check_blobs(verifier *v, exhibit_error *err)
{
	unsigned char root[SHA256_LEN];
	int64_t before = v->sum->blobs_bad;

	if (custody_blobs_root(v->db, root, err) < 0)
		return -1;
	if (v->last_seq && memcmp(root, v->signed_blobs_root, SHA256_LEN))
		report(v, CUSTODY_FAIL, "custody_blobs", "the content-store record does not match what "
		       "entry %lld signed: custody_blobs was altered", (long long)v->last_seq);
	if (custody_blobs_verify(v->db, v->case_dir, blob_finding, v, &v->sum->blobs, err) < 0)
		return -1;
	if (v->sum->blobs_bad == before)
		report(v, CUSTODY_INFO, "blobs", "%lld content-store files, each as signed",
		       (long long)v->sum->blobs);
	return 0;
}

static void check_open_commands(verifier *v)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(v->db, "SELECT action, started, coalesce(host, '?') FROM custody_open",
	                       -1, &s, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW)
		report(v, CUSTODY_FAIL, "custody log", "'%s' started %s on %s did not finish: what it "
		       "wrote is not signed (run it again to resume and sign it)", sqlite3_column_text(s, 0),
		       sqlite3_column_text(s, 1), sqlite3_column_text(s, 2));
	sqlite3_finalize(s);
}

/* ---- time stamps ---- */

static void check_one_timestamp(verifier *v, sqlite3_stmt *s)
{
	int64_t id = sqlite3_column_int64(s, 0), seq = sqlite3_column_int64(s, 1);
	const char *ca = v->opts ? v->opts->tsa_cert_file : NULL;
	unsigned char entry[SHA256_LEN];
	timestamp_info info;
	exhibit_error err;
	char what[64];

	snprintf(what, sizeof what, "time stamp %lld", (long long)id);
	v->sum->timestamps++;
	exhibit_error_clear(&err);
	if (timestamp_check(sqlite3_column_blob(s, 2), (size_t)sqlite3_column_bytes(s, 2),
	                    sqlite3_column_blob(s, 3), (size_t)sqlite3_column_bytes(s, 3), ca, &info,
	                    &err) < 0) {
		v->sum->timestamps_bad++;
		report(v, CUSTODY_FAIL, what, "over entry %lld: %s", (long long)seq, err.message);
		return;
	}
	if (custody_entry_hash(v->db, seq, entry, NULL) < 0 || memcmp(entry, info.imprint, SHA256_LEN)) {
		v->sum->timestamps_bad++;
		report(v, CUSTODY_FAIL, what, "stamps a hash that is not entry %lld's", (long long)seq);
		return;
	}
	report(v, ca ? CUSTODY_INFO : CUSTODY_WARN, what, "entry %lld existed at %s, says %s%s",
	       (long long)seq, info.gen_time, info.tsa,
	       ca ? "" : " (signature checked with the certificate the reply carries; give "
	                 "--tsa-cert to check it against the TSA certificate you trust)");
}

static void check_timestamps(verifier *v)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(v->db, "SELECT id, seq, reply, request FROM custody_timestamps ORDER BY id",
	                       -1, &s, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW)
		check_one_timestamp(v, s);
	sqlite3_finalize(s);
}

int64_t custody_verify(sqlite3 *db, const char *case_dir, const custody_verify_options *opts,
                       custody_finding_fn fn, void *ctx, custody_verify_summary *sum,
                       exhibit_error *err)
{
	verifier v;
	int rc = 0;

	memset(sum, 0, sizeof *sum);
	memset(&v, 0, sizeof v);
	v.db = db;
	v.case_dir = case_dir;
	v.opts = opts;
	v.fn = fn;
	v.ctx = ctx;
	v.sum = sum;
	if (row_digest_register(db, err) < 0)
		return -1;
	if (check_keys(&v) < 0 || check_entries(&v) < 0)
		rc = exhibit_error_set(err, -1, -1, "cannot read the custody log: %s", sqlite3_errmsg(db));
	if (rc == 0) {
		check_head(&v);
		check_open_commands(&v);
		check_timestamps(&v);
		rc = check_rows(&v, err);
	}
	if (rc == 0)
		rc = check_blobs(&v, err);
	for (int i = 0; i < v.n_keys; i++)
		free(v.keys[i].pem);
	free(v.signed_roots);
	return rc < 0 ? -1 : sum->failures;
}

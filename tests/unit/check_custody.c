/* check_custody.c — the custody log's parts: the Merkle tree against RFC
 * 6962's published vectors, Ed25519 keys and their files, the canonical
 * row digest, and a case signed, tampered with, refused and resumed. */
#include <check.h>

#include "check_run.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casedb.h"
#include "custody.h"
#include "custody_verify.h"
#include "merkle.h"
#include "row_digest.h"
#include "signing.h"

static char dir[256];

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/exhibit-check-custody-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* RFC 6962's test leaves and the roots of their first n (from the
 * certificate-transparency project's published vectors). */
START_TEST(merkle_matches_rfc6962_vectors)
{
	static const char *const leaves[] = { "", "00", "10", "2021", "3031", "40414243",
		"5051525354555657", "606162636465666768696a6b6c6d6e6f" };
	static const char *const roots[] = {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328" };
	merkle m;
	unsigned char root[SHA256_LEN], leaf[32];
	char hex[65];

	merkle_init(&m);
	for (int n = 0; n <= 8; n++) {
		merkle_root(&m, root);
		hex_encode(root, sizeof root, hex);
		ck_assert_str_eq(hex, roots[n]);
		if (n == 8)
			break;
		ck_assert_int_eq(hex_decode(leaves[n], leaf, strlen(leaves[n]) / 2), 0);
		merkle_add(&m, leaf, strlen(leaves[n]) / 2);
	}
}
END_TEST

static int give_passphrase(void *ctx, char *buf, size_t size)
{
	snprintf(buf, size, "%s", (const char *)ctx);
	return (int)strlen(buf);
}

START_TEST(keys_round_trip_through_their_files)
{
	exhibit_error err;
	signing_key *key, *loaded;
	unsigned char sig[SIGNING_SIGNATURE_LEN];
	char path[300], fp[SIGNING_FINGERPRINT_LEN + 1];
	struct stat st;

	make_dir();
	snprintf(path, sizeof path, "%s/examiner.key", dir);
	exhibit_error_clear(&err);
	key = signing_key_generate("Jane Examiner", &err);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq(signing_key_save(key, path, "correct horse", &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* Never overwritten. */
	ck_assert_int_lt(signing_key_save(key, path, NULL, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "already exists"));
	/* The passphrase is needed, and must be right. */
	ck_assert_ptr_null(signing_key_load(path, NULL, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "passphrase"));
	ck_assert_ptr_null(signing_key_load(path, give_passphrase, "wrong", &err));
	loaded = signing_key_load(path, give_passphrase, "correct horse", &err);
	ck_assert_ptr_nonnull(loaded);
	ck_assert_str_eq(signing_key_fingerprint(loaded), signing_key_fingerprint(key));
	ck_assert_str_eq(signing_key_examiner(loaded), "Jane Examiner");
	/* A signature verifies with the public key, and only over its message. */
	ck_assert_int_eq(signing_sign(loaded, "entry", 5, sig, &err), 0);
	ck_assert_int_eq(signing_verify(signing_key_public_pem(key), "entry", 5, sig, sizeof sig, &err), 1);
	ck_assert_int_eq(signing_verify(signing_key_public_pem(key), "entrY", 5, sig, sizeof sig, &err), 0);
	sig[0] ^= 1;
	ck_assert_int_eq(signing_verify(signing_key_public_pem(key), "entry", 5, sig, sizeof sig, &err), 0);
	ck_assert_int_eq(signing_public_fingerprint(signing_key_public_pem(key), fp, &err), 0);
	ck_assert_str_eq(fp, signing_key_fingerprint(key));
	/* A private key others can read is refused. */
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_ptr_null(signing_key_load(path, give_passphrase, "correct horse", &err));
	ck_assert_ptr_nonnull(strstr(err.message, "readable by others"));
	signing_key_free(loaded);
	signing_key_free(key);
	remove_dir();
}
END_TEST

static void digest_of(sqlite3 *db, const char *value_sql, unsigned char out[SHA256_LEN])
{
	char sql[256];
	sqlite3_stmt *s;

	snprintf(sql, sizeof sql, "SELECT exhibit_row_digest('t', exhibit_row_key(1), %s)", value_sql);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_bytes(s, 0), SHA256_LEN);
	memcpy(out, sqlite3_column_blob(s, 0), SHA256_LEN);
	sqlite3_finalize(s);
}

START_TEST(row_digest_tells_every_storage_class_apart)
{
	static const char *const values[] = { "1", "1.0", "'1'", "x'01'", "NULL", "2", "'1', NULL",
		"''", "x''" };
	unsigned char d[9][SHA256_LEN];
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(row_digest_register(db, NULL), 0);
	for (int i = 0; i < 9; i++)
		digest_of(db, values[i], d[i]);
	for (int i = 0; i < 9; i++)
		for (int j = i + 1; j < 9; j++)
			ck_assert_msg(memcmp(d[i], d[j], SHA256_LEN) != 0, "%s and %s digest alike",
			              values[i], values[j]);
	sqlite3_close(db);
}
END_TEST

typedef struct findings {
	int fails;
	char first[512];
} findings;

static void collect(void *ctx, custody_level level, const char *what, const char *message)
{
	findings *f = ctx;

	if (level != CUSTODY_FAIL)
		return;
	if (!f->fails++)
		snprintf(f->first, sizeof f->first, "%s: %s", what, message);
}

static void exec(casedb *db, const char *sql)
{
	ck_assert_msg(sqlite3_exec(casedb_handle(db), sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s",
	              sql, sqlite3_errmsg(casedb_handle(db)));
}

static int64_t verify_case(casedb *db, const char *case_dir, findings *f)
{
	custody_verify_summary sum;
	exhibit_error err;

	memset(f, 0, sizeof *f);
	return custody_verify(casedb_handle(db), case_dir, NULL, collect, f, &sum, &err);
}

START_TEST(case_is_signed_tampering_named_and_refused)
{
	static const custody_identity who = { "Jane Examiner", "lab-1", "test" };
	const char *const scope[] = { "case_info", NULL };
	custody_action act = { "test", "case", "{}", NULL, NULL, NULL };
	custody_begun begun;
	custody_receipt r;
	exhibit_error err;
	signing_key *key;
	casedb *db;
	findings f;
	char case_dir[300];

	make_dir();
	snprintf(case_dir, sizeof case_dir, "%s/case", dir);
	exhibit_error_clear(&err);
	key = signing_key_generate("Jane Examiner", &err);
	ck_assert_int_eq(casedb_open(case_dir, &db, &err), 0);
	ck_assert_int_eq(custody_begin(casedb_handle(db), "test", NULL, &begun, &err), 0);
	exec(db, "INSERT INTO case_info(key, value) VALUES ('a', '1'), ('b', '2')");
	ck_assert_int_eq(custody_commit(casedb_handle(db), case_dir, &act, &who, key, &r, &err), 0);
	ck_assert_int_eq(r.seq, 1);
	ck_assert_int_eq(verify_case(db, case_dir, &f), 0);

	/* A second command within its scope. */
	act.scope = scope;
	ck_assert_int_eq(custody_begin(casedb_handle(db), "test", scope, &begun, &err), 0);
	exec(db, "UPDATE case_info SET value = '3' WHERE key = 'b'");
	ck_assert_int_eq(custody_commit(casedb_handle(db), case_dir, &act, &who, key, &r, &err), 0);
	ck_assert_int_eq(r.seq, 2);
	ck_assert_int_eq(r.rows_changed, 1);
	ck_assert_int_eq(verify_case(db, case_dir, &f), 0);

	/* A change behind exhibit's back is named, and not signed over. */
	exec(db, "UPDATE case_info SET value = '4' WHERE key = 'a'");
	ck_assert_int_eq(verify_case(db, case_dir, &f), 1);
	ck_assert_msg(strstr(f.first, "row case_info rowid") && strstr(f.first, "changed since custody entry"),
	              "%s", f.first);
	ck_assert_int_lt(custody_begin(casedb_handle(db), "test", scope, &begun, &err), 0);
	ck_assert_msg(strstr(err.message, "changed outside exhibit") != NULL, "%s", err.message);
	exec(db, "UPDATE case_info SET value = '1' WHERE key = 'a'");
	ck_assert_int_eq(verify_case(db, case_dir, &f), 0);

	/* An interrupted command: its rows are unsigned until the next one. */
	ck_assert_int_eq(custody_begin(casedb_handle(db), "test", scope, &begun, &err), 0);
	exec(db, "INSERT INTO case_info(key, value) VALUES ('c', '5')");
	ck_assert_int_ge(verify_case(db, case_dir, &f), 1);
	ck_assert_int_eq(custody_begin(casedb_handle(db), "test", scope, &begun, &err), 0);
	ck_assert_int_eq(begun.interrupted, 1);
	ck_assert_int_eq(custody_commit(casedb_handle(db), case_dir, &act, &who, key, &r, &err), 0);
	ck_assert_int_eq(r.rows_added, 1);
	ck_assert_int_eq(verify_case(db, case_dir, &f), 0);

	/* Another key's signature is not the examiner's. */
	exec(db, "UPDATE custody_entries SET signature = zeroblob(64) WHERE seq = 2");
	ck_assert_int_ge(verify_case(db, case_dir, &f), 1);
	ck_assert_msg(strstr(f.first, "entry 2") && strstr(f.first, "signature"), "%s", f.first);
	casedb_close(db);
	signing_key_free(key);
	remove_dir();
}
END_TEST

static Suite *custody_suite(void)
{
	Suite *s = suite_create("custody");
	TCase *tc = tcase_create("custody");

	tcase_add_test(tc, merkle_matches_rfc6962_vectors);
	tcase_add_test(tc, keys_round_trip_through_their_files);
	tcase_add_test(tc, row_digest_tells_every_storage_class_apart);
	tcase_add_test(tc, case_is_signed_tampering_named_and_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(custody_suite());
}

/*
 * check_hashdb.c — the hash database: imports through the external sort
 * (with a memory bound small enough to force many runs), lookups of every
 * digest and of absent ones, categories, several sets, replace and
 * remove, the catalog and its log, failed imports leaving the database as
 * it was, damaged index files, readers during imports (never a torn
 * snapshot), and lookups from many threads.
 */
#include <check.h>

#include "check_run.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hashdb.h"
#include "hashdb_import.h"

static char dir[600];
static char work[512];

static void setup(void)
{
	snprintf(work, sizeof work, "%s/exhibit-check-hashdb-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(work));
	snprintf(dir, sizeof dir, "%s/db", work);
}

static void teardown(void)
{
	char cmd[1100];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
	ck_assert_int_eq(system(cmd), 0);
}

/* digest_of — a deterministic, well-spread digest for (seed, i). */
static void digest_of(uint32_t seed, uint32_t i, unsigned char *out, size_t len)
{
	uint64_t x = ((uint64_t)seed << 32 | i) * 0x9e3779b97f4a7c15ull + 1;

	for (size_t k = 0; k < len; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		out[k] = (unsigned char)(x >> 24);
	}
}

/* write_list — a sha256sum-style list of n digests (seed), in the given
 * order (reverse: last first), plus the MD5 of each every third line. */
static void write_list(const char *path, uint32_t seed, uint32_t n, int reverse)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = reverse ? n - 1 - k : k;
		unsigned char d[32];
		char hex[65];

		digest_of(seed, i, d, 32);
		hex_encode(d, 32, hex);
		fprintf(f, "%s  file%u\n", hex, i);
		if (i % 3 == 0) {
			digest_of(seed + 1000, i, d, 16);
			hex_encode(d, 16, hex);
			fprintf(f, "%s  file%u\n", hex, i);
		}
	}
	fclose(f);
}

static char *path_in(const char *name)
{
	static char p[4][600];
	static int next;
	char *out = p[next++ % 4];

	snprintf(out, 600, "%s/%s", work, name);
	return out;
}

static int import_files(const char *name, const char *kind, const char *const *files, size_t n,
                        size_t memory, int replace, hashdb_import_result *res, exhibit_error *err)
{
	hashdb_import_options o;

	memset(&o, 0, sizeof o);
	o.name = name;
	o.kind = kind;
	o.memory = memory;
	o.replace = replace;
	if (!strcmp(kind, HASHDB_KIND_CATEGORISED))
		o.scheme = "project-vic-us";
	exhibit_error_clear(err);
	return hashdb_import(dir, files, n, &o, res, err);
}

static int import_one(const char *name, const char *kind, const char *file, size_t memory,
                      hashdb_import_result *res)
{
	exhibit_error err;
	int rc = import_files(name, kind, &file, 1, memory, 0, res, &err);

	ck_assert_msg(rc == 0, "%s", err.message);
	return rc;
}

static hashdb *open_db(void)
{
	hashdb *db = NULL;
	exhibit_error err;

	exhibit_error_clear(&err);
	ck_assert_msg(hashdb_open(dir, &db, &err) == 0, "%s", err.message);
	return db;
}

static int has(const hashdb *db, hash_alg alg, const unsigned char *d, const char *set)
{
	hashdb_hit hits[8];
	size_t n = hashdb_lookup(db, alg, d, hits, 8);

	for (size_t i = 0; i < n && i < 8; i++)
		if (!set || !strcmp(hits[i].set->name, set))
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- tests */

START_TEST(import_through_many_runs_finds_every_digest)
{
	const uint32_t n = 60000;
	hashdb_import_result res;
	hashdb *db;
	unsigned char d[32], prev[32];

	write_list(path_in("list.txt"), 7, n, 0);
	import_one("generated", "known-bad", path_in("list.txt"), 1 << 20, &res); /* ~3 MB: many runs */
	ck_assert_uint_eq(res.accepted, n + n / 3);
	ck_assert_uint_eq(res.digests[HASH_SHA256], n);
	ck_assert_uint_eq(res.digests[HASH_MD5], n / 3);
	db = open_db();
	ck_assert_uint_eq(hashdb_set_count(db), 1);
	ck_assert_str_eq(hashdb_set_at(db, 0)->kind, "known-bad");
	ck_assert_uint_eq(hashdb_set_at(db, 0)->entries, n + n / 3);
	for (uint32_t i = 0; i < n; i++) {
		digest_of(7, i, d, 32);
		ck_assert_msg(has(db, HASH_SHA256, d, "generated"), "sha256 %u missing", i);
		if (i % 3 == 0) {
			digest_of(1007, i, d, 16);
			ck_assert(has(db, HASH_MD5, d, "generated"));
		}
		digest_of(8, i, d, 32); /* another seed: absent */
		ck_assert(!has(db, HASH_SHA256, d, NULL));
	}
	/* The records are in order. */
	memset(prev, 0, sizeof prev);
	for (uint64_t i = 0; i < hashdb_record_count(db, HASH_SHA256); i++) {
		const unsigned char *r = hashdb_record_digest(db, HASH_SHA256, i);
		ck_assert(memcmp(prev, r, 32) < 0);
		memcpy(prev, r, 32);
	}
	hashdb_close(db);
}
END_TEST

START_TEST(set_digest_depends_on_content_only)
{
	hashdb_import_result a, b;

	write_list(path_in("a.txt"), 3, 5000, 0);
	write_list(path_in("b.txt"), 3, 5000, 1);
	import_one("one", "known-good", path_in("a.txt"), 0, &a);
	import_one("two", "known-good", path_in("b.txt"), 1 << 20, &b); /* reversed, many runs */
	ck_assert_mem_eq(a.set_digest, b.set_digest, 32);
	write_list(path_in("c.txt"), 4, 5000, 0);
	import_one("three", "known-good", path_in("c.txt"), 0, &b);
	ck_assert(memcmp(a.set_digest, b.set_digest, 32) != 0);
}
END_TEST

START_TEST(categories_and_conflicts)
{
	FILE *f = fopen(path_in("v.json"), "w");
	hashdb_import_result res;
	hashdb_hit hits[4];
	unsigned char md5[16];
	hashdb *db;

	fprintf(f, "{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/"
	           "US/$metadata#Media\",\"value\":["
	           "{\"MD5\":\"00000000000000000000000000000001\",\"Category\":2},"
	           "{\"MD5\":\"00000000000000000000000000000001\",\"Category\":1},"
	           "{\"MD5\":\"00000000000000000000000000000002\",\"Category\":3},"
	           "{\"MD5\":\"00000000000000000000000000000003\"},"
	           "{\"MD5\":\"00000000000000000000000000000003\",\"Category\":\"\\u00e9\\u0001\"}]}");
	fclose(f);
	import_one("vics", "categorised", path_in("v.json"), 0, &res);
	ck_assert_uint_eq(res.conflicts, 1);
	ck_assert_uint_eq(res.digests[HASH_MD5], 3);
	db = open_db();
	ck_assert_str_eq(hashdb_set_at(db, 0)->category_scheme, "project-vic-us");
	memset(md5, 0, 16);
	md5[15] = 1;
	ck_assert_uint_eq(hashdb_lookup(db, HASH_MD5, md5, hits, 4), 1);
	ck_assert_str_eq(hits[0].category, "1");
	md5[15] = 2;
	ck_assert_uint_eq(hashdb_lookup(db, HASH_MD5, md5, hits, 4), 1);
	ck_assert_str_eq(hits[0].category, "3");
	md5[15] = 3; /* a stated category over none; control bytes escaped */
	ck_assert_uint_eq(hashdb_lookup(db, HASH_MD5, md5, hits, 4), 1);
	ck_assert_str_eq(hits[0].category, "\xc3\xa9\\x01");
	hashdb_close(db);
}
END_TEST

START_TEST(several_sets_replace_and_remove)
{
	hashdb_import_result res;
	exhibit_error err;
	const char *file;
	unsigned char d[32];
	hashdb *db;
	uint32_t first_id;

	write_list(path_in("a.txt"), 1, 1000, 0);
	write_list(path_in("b.txt"), 1, 500, 0); /* the first 500 of a */
	import_one("a", "known-good", path_in("a.txt"), 0, &res);
	first_id = res.set_id;
	import_one("b", "known-bad", path_in("b.txt"), 0, &res);
	db = open_db();
	digest_of(1, 10, d, 32);
	ck_assert_uint_eq(hashdb_lookup(db, HASH_SHA256, d, NULL, 0), 2);
	digest_of(1, 700, d, 32);
	ck_assert_uint_eq(hashdb_lookup(db, HASH_SHA256, d, NULL, 0), 1);
	hashdb_close(db);
	/* The same name again: refused, unless replacing. */
	file = path_in("b.txt");
	ck_assert_int_lt(import_files("a", "known-good", &file, 1, 0, 0, &res, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "already"));
	ck_assert_int_eq(import_files("a", "known-good", &file, 1, 0, 1, &res, &err), 0);
	ck_assert(res.replaced);
	ck_assert_uint_gt(res.set_id, first_id);
	db = open_db();
	ck_assert_uint_eq(hashdb_set_count(db), 2);
	digest_of(1, 700, d, 32);
	ck_assert_uint_eq(hashdb_lookup(db, HASH_SHA256, d, NULL, 0), 0);
	hashdb_close(db);
	/* Remove. */
	ck_assert_int_eq(hashdb_remove(dir, "b", &err), 0);
	ck_assert_int_eq(hashdb_remove(dir, "b", &err), 1);
	db = open_db();
	ck_assert_uint_eq(hashdb_set_count(db), 1);
	ck_assert_str_eq(hashdb_set_at(db, 0)->name, "a");
	digest_of(1, 10, d, 32);
	ck_assert_uint_eq(hashdb_lookup(db, HASH_SHA256, d, NULL, 0), 1);
	hashdb_close(db);
}
END_TEST

static int64_t catalog_int(const char *sql)
{
	char path[700];
	sqlite3 *c;
	sqlite3_stmt *s;
	int64_t v = -1;

	snprintf(path, sizeof path, "%s/catalog.db", dir);
	ck_assert_int_eq(sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(c, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(c);
	return v;
}

START_TEST(catalog_log_and_failed_imports)
{
	hashdb_import_result res;
	exhibit_error err;
	const char *files[2];
	FILE *f;
	hashdb *db;

	write_list(path_in("a.txt"), 2, 100, 0);
	f = fopen(path_in("junk.txt"), "w");
	fprintf(f, "this is not\na hash set\n");
	fclose(f);
	import_one("a", "known-good", path_in("a.txt"), 0, &res);
	/* A second import whose second file is not a hash set: nothing changes. */
	files[0] = path_in("a.txt");
	files[1] = path_in("junk.txt");
	ck_assert_int_eq(import_files("b", "known-good", files, 2, 0, 0, &res, &err), EXHIBIT_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.message, "junk.txt"));
	db = open_db();
	ck_assert_uint_eq(hashdb_set_count(db), 1);
	ck_assert_uint_eq(hashdb_generation(db), 1);
	hashdb_close(db);
	ck_assert_int_eq(catalog_int("SELECT count(*) FROM sets"), 1);
	ck_assert_int_eq(catalog_int("SELECT count(*) FROM imports WHERE action = 'import' AND "
	                             "length(source_sha256) = 32 AND accepted = 134 AND rejected = 0 "
	                             "AND who IS NOT NULL AND format = 'md5sum'"), 1);
	/* A catalog that lost its row (a crash after the rename) is mended by
	 * the next change. */
	{
		char path[700];
		sqlite3 *c;
		snprintf(path, sizeof path, "%s/catalog.db", dir);
		sqlite3_open(path, &c);
		sqlite3_exec(c, "DELETE FROM sets", NULL, NULL, NULL);
		sqlite3_close(c);
	}
	write_list(path_in("c.txt"), 5, 10, 0);
	import_one("c", "known-bad", path_in("c.txt"), 0, &res);
	ck_assert_int_eq(catalog_int("SELECT count(*) FROM sets"), 2);
	ck_assert_int_eq(catalog_int("SELECT count(*) FROM sets WHERE name = 'a' AND entries = 134"), 1);
	/* Options that make no sense are refused before anything is read. */
	files[0] = path_in("c.txt");
	ck_assert_int_lt(import_files("d", "good", files, 1, 0, 0, &res, &err), 0);
}
END_TEST

START_TEST(damaged_index_files_are_refused)
{
	hashdb_import_result res;
	hashdb *db = NULL;
	exhibit_error err;
	char path[700];
	struct stat st;
	FILE *f;

	write_list(path_in("a.txt"), 2, 3000, 0);
	import_one("a", "known-good", path_in("a.txt"), 0, &res);
	snprintf(path, sizeof path, "%s/index.hdb", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	/* Cut short, then grown back with zeros: refused both times. */
	ck_assert_int_eq(truncate(path, st.st_size - 100), 0);
	ck_assert_int_lt(hashdb_open(dir, &db, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "index.hdb"));
	ck_assert_int_eq(truncate(path, st.st_size), 0);
	ck_assert_int_lt(hashdb_open(dir, &db, &err), 0);
	/* Every byte of the header flipped in turn: an error or a valid open,
	 * never a crash. */
	ck_assert_int_eq(unlink(path), 0);
	import_one("a", "known-good", path_in("a.txt"), 0, &res);
	for (long off = 0; off < 200; off++) {
		int c;

		f = fopen(path, "r+b");
		fseek(f, off, SEEK_SET);
		c = fgetc(f);
		fseek(f, off, SEEK_SET);
		fputc(c ^ 0x5a, f);
		fclose(f);
		if (hashdb_open(dir, &db, &err) == 0) {
			unsigned char d[32] = { 0 };
			hashdb_lookup(db, HASH_SHA256, d, NULL, 0);
			hashdb_close(db);
		}
		f = fopen(path, "r+b");
		fseek(f, off, SEEK_SET);
		fputc(c, f);
		fclose(f);
	}
	ck_assert_int_eq(hashdb_open(dir, &db, &err), 0);
	hashdb_close(db);
	/* No index yet is not an error. */
	snprintf(path, sizeof path, "%s/empty", work);
	mkdir(path, 0755);
	ck_assert_int_eq(hashdb_open(path, &db, &err), 1);
	ck_assert_ptr_null(db);
}
END_TEST

/* Readers during imports: every snapshot opened holds, for each of its
 * sets, all of that set's digests (never a mix of two snapshots). */
START_TEST(readers_never_see_a_torn_index)
{
	const int imports = 12;
	const uint32_t per_set = 3000;
	pid_t child;
	int status, opened = 0;
	uint64_t last_generation = 0;

	for (int k = 0; k < imports; k++) {
		char name[64];
		snprintf(name, sizeof name, "l%d.txt", k);
		write_list(path_in(name), (uint32_t)(100 + k), per_set, 0);
	}
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		for (int k = 0; k < imports; k++) {
			hashdb_import_result res;
			exhibit_error err;
			char name[64], set[64];
			const char *file;

			snprintf(name, sizeof name, "l%d.txt", k);
			snprintf(set, sizeof set, "set%d", k);
			file = path_in(name);
			if (import_files(set, "known-bad", &file, 1, 1 << 20, 0, &res, &err) != 0)
				_exit(1);
		}
		_exit(0);
	}
	for (;;) {
		hashdb *db = NULL;
		exhibit_error err;
		int done = waitpid(child, &status, WNOHANG) == child;
		int rc = hashdb_open(dir, &db, &err);

		ck_assert_msg(rc >= 0, "%s", err.message);
		if (rc == 0) {
			opened++;
			ck_assert_uint_ge(hashdb_generation(db), last_generation);
			last_generation = hashdb_generation(db);
			ck_assert_uint_eq(hashdb_set_count(db), last_generation);
			for (size_t s = 0; s < hashdb_set_count(db); s++) {
				int k = atoi(hashdb_set_at(db, s)->name + 3);
				for (uint32_t i = 0; i < per_set; i += 97) {
					unsigned char d[32];
					digest_of((uint32_t)(100 + k), i, d, 32);
					ck_assert(has(db, HASH_SHA256, d, hashdb_set_at(db, s)->name));
				}
			}
			hashdb_close(db);
		}
		if (done)
			break;
	}
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_eq(last_generation, (uint64_t)imports);
	ck_assert_int_gt(opened, 1);
}
END_TEST

typedef struct lookup_job {
	const hashdb *db;
	uint32_t seed, n;
	int failures;
} lookup_job;

static void *lookup_thread(void *arg)
{
	lookup_job *j = arg;

	for (int round = 0; round < 5; round++)
		for (uint32_t i = 0; i < j->n; i++) {
			unsigned char d[32];
			digest_of(j->seed, i, d, 32);
			j->failures += !has(j->db, HASH_SHA256, d, NULL);
		}
	return NULL;
}

START_TEST(lookups_from_many_threads)
{
	hashdb_import_result res;
	pthread_t t[4];
	lookup_job jobs[4];
	hashdb *db;

	write_list(path_in("a.txt"), 9, 20000, 0);
	import_one("a", "known-good", path_in("a.txt"), 0, &res);
	db = open_db();
	for (int i = 0; i < 4; i++) {
		jobs[i] = (lookup_job){ db, 9, 20000, 0 };
		pthread_create(&t[i], NULL, lookup_thread, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(jobs[i].failures, 0);
	}
	hashdb_close(db);
}
END_TEST

START_TEST(location)
{
	char *d;

	setenv("HOME", "/home/examiner", 1);
	unsetenv("EXHIBIT_HASHDB");
	unsetenv("XDG_DATA_HOME");
	d = hashdb_resolve_dir(NULL, NULL);
	ck_assert_str_eq(d, "/home/examiner/.local/share/exhibit/hashdb");
	free(d);
	setenv("XDG_DATA_HOME", "/data", 1);
	d = hashdb_resolve_dir(NULL, NULL);
	ck_assert_str_eq(d, "/data/exhibit/hashdb");
	free(d);
	setenv("EXHIBIT_HASHDB", "/lab/hashdb", 1);
	d = hashdb_resolve_dir(NULL, NULL);
	ck_assert_str_eq(d, "/lab/hashdb");
	free(d);
	d = hashdb_resolve_dir("/given", NULL);
	ck_assert_str_eq(d, "/given");
	free(d);
	unsetenv("EXHIBIT_HASHDB");
	unsetenv("XDG_DATA_HOME");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hashdb");
	TCase *tc = tcase_create("hashdb");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, import_through_many_runs_finds_every_digest);
	tcase_add_test(tc, set_digest_depends_on_content_only);
	tcase_add_test(tc, categories_and_conflicts);
	tcase_add_test(tc, several_sets_replace_and_remove);
	tcase_add_test(tc, catalog_log_and_failed_imports);
	tcase_add_test(tc, damaged_index_files_are_refused);
	tcase_add_test(tc, readers_never_see_a_torn_index);
	tcase_add_test(tc, lookups_from_many_threads);
	tcase_add_test(tc, location);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

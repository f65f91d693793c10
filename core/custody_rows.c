/*
 * custody_rows.c — custody's digests of rows and blobs against the case as
 * it is (see custody_rows.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "custody_rows.h"
#include "merkle.h"

static int sql_fail(sqlite3 *db, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, -1, -1, "%s: %s", what, sqlite3_errmsg(db));
}

/* fill_fresh — temp.custody_fresh := (row_key, digest) of every row of t. */
static int fill_fresh(sqlite3 *db, const covered_table *t, exhibit_error *err)
{
	char *sql = NULL;
	int rc;

	if (sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS custody_fresh("
	                 "row_key BLOB PRIMARY KEY, digest BLOB NOT NULL) WITHOUT ROWID;"
	                 "DELETE FROM temp.custody_fresh;", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot prepare the row digests");
	if (asprintf(&sql, "INSERT INTO temp.custody_fresh(row_key, digest) %s", t->select_sql) < 0)
		return exhibit_error_set(err, -1, -1, "out of memory");
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		sql_fail(db, err, "cannot digest the rows");
		exhibit_error_prefix(err, "table %s: ", t->name);
		return -1;
	}
	return 0;
}

/* report_fresh_differences — fn for each row of temp.custody_fresh that
 * differs from custody_rows of table, and each custody row it lacks. */
static int64_t report_fresh_differences(sqlite3 *db, const char *table, char *const *key_columns,
                                        custody_row_fn fn, void *ctx, exhibit_error *err)
{
	static const char sql[] =
		"SELECT f.row_key, f.digest, r.digest, r.seq FROM temp.custody_fresh f "
		"LEFT JOIN main.custody_rows r ON r.tbl = ?1 AND r.row_key = f.row_key "
		"WHERE r.digest IS NULL OR r.digest <> f.digest "
		"UNION ALL "
		"SELECT r.row_key, NULL, r.digest, r.seq FROM main.custody_rows r "
		"WHERE r.tbl = ?1 AND NOT EXISTS "
		"(SELECT 1 FROM temp.custody_fresh f WHERE f.row_key = r.row_key) "
		"ORDER BY 1";
	sqlite3_stmt *s;
	int64_t n = 0;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot compare the row digests");
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *now = sqlite3_column_blob(s, 1);
		custody_change change = sqlite3_column_type(s, 2) == SQLITE_NULL ? CUSTODY_ADDED
		                      : now == NULL ? CUSTODY_REMOVED : CUSTODY_CHANGED;

		n++;
		if (fn && fn(ctx, table, key_columns, change, sqlite3_column_blob(s, 0),
		             (size_t)sqlite3_column_bytes(s, 0), now, sqlite3_column_int64(s, 3)))
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(db, err, "cannot compare the row digests");
	return n;
}

int64_t custody_diff_table(sqlite3 *db, const covered_table *t, custody_row_fn fn, void *ctx,
                           exhibit_error *err)
{
	if (fill_fresh(db, t, err) < 0)
		return -1;
	return report_fresh_differences(db, t->name, t->key_columns, fn, ctx, err);
}

int64_t custody_apply_table(sqlite3 *db, const covered_table *t, int64_t seq, custody_row_fn fn,
                            void *ctx, exhibit_error *err)
{
	static const char drop_gone[] =
		"DELETE FROM main.custody_rows WHERE tbl = ?1 AND row_key NOT IN "
		"(SELECT row_key FROM temp.custody_fresh)";
	static const char write_new[] =
		"INSERT INTO main.custody_rows(tbl, row_key, digest, seq) "
		"SELECT ?1, f.row_key, f.digest, ?2 FROM temp.custody_fresh f WHERE NOT EXISTS "
		"(SELECT 1 FROM main.custody_rows r WHERE r.tbl = ?1 AND r.row_key = f.row_key "
		"AND r.digest = f.digest) "
		"ON CONFLICT(tbl, row_key) DO UPDATE SET digest = excluded.digest, seq = excluded.seq";
	const char *steps[] = { drop_gone, write_new };
	int64_t n = custody_diff_table(db, t, fn, ctx, err);

	if (n <= 0)
		return n;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *s;
		int rc;

		if (sqlite3_prepare_v2(db, steps[i], -1, &s, NULL) != SQLITE_OK)
			return sql_fail(db, err, "cannot record the row digests");
		sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
		if (i == 1)
			sqlite3_bind_int64(s, 2, seq);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return sql_fail(db, err, "cannot record the row digests");
	}
	return n;
}

/* each_dropped_row — fn for rows of custody_rows whose table is not in tables. */
static int64_t each_dropped_row(sqlite3 *db, const covered_table *tables, int n,
                                custody_row_fn fn, void *ctx, int forget, exhibit_error *err)
{
	sqlite3_stmt *s;
	int64_t count = 0;
	int rc;

	if (sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS custody_tables(name TEXT PRIMARY KEY);"
	                 "DELETE FROM temp.custody_tables;", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO temp.custody_tables(name) VALUES (?1)", -1, &s,
	                       NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot list the tables");
	for (int i = 0; i < n; i++) {
		sqlite3_bind_text(s, 1, tables[i].name, -1, SQLITE_STATIC);
		sqlite3_step(s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT tbl, row_key, seq FROM main.custody_rows WHERE tbl NOT IN "
	                       "(SELECT name FROM temp.custody_tables) ORDER BY tbl, row_key",
	                       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot compare the row digests");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		count++;
		if (fn && fn(ctx, (const char *)sqlite3_column_text(s, 0), NULL, CUSTODY_REMOVED,
		             sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1), NULL,
		             sqlite3_column_int64(s, 2)))
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(db, err, "cannot compare the row digests");
	if (forget && count > 0 &&
	    sqlite3_exec(db, "DELETE FROM main.custody_rows WHERE tbl NOT IN "
	                 "(SELECT name FROM temp.custody_tables)", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot record the row digests");
	return count;
}

int64_t custody_diff_dropped(sqlite3 *db, const covered_table *tables, int n, custody_row_fn fn,
                             void *ctx, exhibit_error *err)
{
	return each_dropped_row(db, tables, n, fn, ctx, 0, err);
}

int64_t custody_drop_missing_tables(sqlite3 *db, const covered_table *tables, int n,
                                    custody_row_fn fn, void *ctx, exhibit_error *err)
{
	return each_dropped_row(db, tables, n, fn, ctx, 1, err);
}

/* ---- roots ---- */

typedef struct text_buf {
	char *p;
	size_t len, cap;
} text_buf;

static int append_line(text_buf *b, const char *table, uint64_t rows, const merkle *m)
{
	unsigned char root[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	size_t need = strlen(table) + 100;

	if (b->len + need > b->cap) {
		size_t cap = (b->cap + need) * 2;
		char *grown = realloc(b->p, cap);
		if (!grown)
			return -1;
		b->p = grown;
		b->cap = cap;
	}
	merkle_root(m, root);
	hex_encode(root, sizeof root, hex);
	b->len += (size_t)snprintf(b->p + b->len, b->cap - b->len, "%s %llu %s\n", table,
	                           (unsigned long long)rows, hex);
	return 0;
}

int custody_table_roots(sqlite3 *db, char **text, unsigned char rows_root[SHA256_LEN],
                        exhibit_error *err)
{
	sqlite3_stmt *s;
	text_buf b = { calloc(1, 1), 0, 1 };
	merkle m;
	char *table = NULL;
	int rc, failed = !b.p;

	*text = NULL;
	if (sqlite3_prepare_v2(db, "SELECT tbl, row_key || digest || "
	                       "exhibit_row_key(seq) FROM main.custody_rows ORDER BY tbl, row_key",
	                       -1, &s, NULL) != SQLITE_OK) {
		free(b.p);
		return sql_fail(db, err, "cannot read the row digests");
	}
	merkle_init(&m);
	while (!failed && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *tbl = (const char *)sqlite3_column_text(s, 0);

		if (table && strcmp(table, tbl) != 0) {
			failed = append_line(&b, table, m.leaves, &m) < 0;
			merkle_init(&m);
			free(table);
			table = NULL;
		}
		if (!table && !(table = strdup(tbl)))
			failed = 1;
		merkle_add(&m, sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1));
	}
	if (!failed && rc != SQLITE_DONE)
		failed = 2;
	if (!failed && table)
		failed = append_line(&b, table, m.leaves, &m) < 0;
	sqlite3_finalize(s);
	free(table);
	if (failed) {
		free(b.p);
		return failed == 2 ? sql_fail(db, err, "cannot read the row digests")
		                   : exhibit_error_set(err, -1, -1, "out of memory");
	}
	EVP_Digest(b.p, b.len, rows_root, NULL, EVP_sha256(), NULL);
	*text = b.p;
	return 0;
}

/* ---- blobs ---- */

static int is_sha256_name(const char *name)
{
	size_t n = strlen(name);

	if (n != 2 * SHA256_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return 1;
}

/* sha256_file — the SHA-256 of a file's bytes.  RETURN 0, or -1 (errno). */
static int sha256_file(const char *path, unsigned char out[SHA256_LEN], int64_t *size)
{
	static const size_t chunk = 1 << 20;
	unsigned char *buf = malloc(chunk);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok = 0;
	ssize_t n = 0;

	*size = 0;
	if (fd >= 0 && buf && ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		while ((n = read(fd, buf, chunk)) > 0) {
			EVP_DigestUpdate(ctx, buf, (size_t)n);
			*size += n;
		}
		ok = n == 0 && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	}
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(ctx);
	free(buf);
	return ok ? 0 : -1;
}

/* Visits every regular file under case_dir/content, two levels deep. */
typedef int (*blob_visit_fn)(void *ctx, const char *rel, const char *full, const char *name);

static int each_blob_file(const char *case_dir, blob_visit_fn fn, void *ctx)
{
	char *top = NULL;
	DIR *d, *sub;
	struct dirent *e, *f;
	int rc = 0;

	if (asprintf(&top, "%s/content", case_dir) < 0)
		return -1;
	d = opendir(top);
	if (!d) {
		free(top);
		return errno == ENOENT ? 0 : -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		char *subdir = NULL;

		if (e->d_name[0] == '.' || asprintf(&subdir, "%s/%s", top, e->d_name) < 0)
			continue;
		sub = opendir(subdir);
		while (sub && rc == 0 && (f = readdir(sub))) {
			char *rel = NULL, *full = NULL;
			struct stat st;

			if (f->d_name[0] == '.' && (!f->d_name[1] || !strcmp(f->d_name, "..")))
				continue;
			if (asprintf(&rel, "content/%s/%s", e->d_name, f->d_name) >= 0 &&
			    asprintf(&full, "%s/%s", subdir, f->d_name) >= 0 &&
			    lstat(full, &st) == 0 && S_ISREG(st.st_mode))
				rc = fn(ctx, rel, full, f->d_name);
			free(rel);
			free(full);
		}
		if (sub)
			closedir(sub);
		free(subdir);
	}
	closedir(d);
	free(top);
	return rc;
}

typedef struct blob_add_ctx {
	sqlite3 *db;
	sqlite3_stmt *known, *insert;
	int64_t seq, added;
	int failed;
} blob_add_ctx;

static int add_if_new(void *vctx, const char *rel, const char *full, const char *name)
{
	blob_add_ctx *c = vctx;
	unsigned char sha[SHA256_LEN];
	int64_t size;
	struct stat st;
	int known;

	sqlite3_bind_text(c->known, 1, rel, -1, SQLITE_STATIC);
	known = sqlite3_step(c->known) == SQLITE_ROW;
	sqlite3_reset(c->known);
	if (known)
		return 0;
	/* The store names a file by the SHA-256 it was written with; hash
	 * anything else that appeared there. */
	if (is_sha256_name(name) && stat(full, &st) == 0) {
		hex_decode(name, sha, SHA256_LEN);
		size = st.st_size;
	} else if (sha256_file(full, sha, &size) < 0) {
		return 0; /* unreadable now: verify will name it */
	}
	sqlite3_bind_text(c->insert, 1, rel, -1, SQLITE_STATIC);
	sqlite3_bind_blob(c->insert, 2, sha, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(c->insert, 3, size);
	sqlite3_bind_int64(c->insert, 4, c->seq);
	if (sqlite3_step(c->insert) != SQLITE_DONE)
		c->failed = 1;
	sqlite3_reset(c->insert);
	c->added++;
	return c->failed;
}

int64_t custody_blobs_add_new(sqlite3 *db, const char *case_dir, int64_t seq, exhibit_error *err)
{
	blob_add_ctx c = { db, NULL, NULL, seq, 0, 0 };
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM main.custody_blobs WHERE path = ?1", -1, &c.known,
	                       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO main.custody_blobs(path, sha256, size, seq) "
	                       "VALUES (?1, ?2, ?3, ?4)", -1, &c.insert, NULL) != SQLITE_OK) {
		sqlite3_finalize(c.known);
		return sql_fail(db, err, "cannot record the content store");
	}
	rc = each_blob_file(case_dir, add_if_new, &c);
	sqlite3_finalize(c.known);
	sqlite3_finalize(c.insert);
	if (c.failed)
		return sql_fail(db, err, "cannot record the content store");
	if (rc < 0)
		return exhibit_error_set(err, -1, -1, "%s/content: cannot list: %s", case_dir,
		                         strerror(errno));
	return c.added;
}

typedef struct blob_check_ctx {
	sqlite3_stmt *known;
	custody_blob_fn fn;
	void *ctx;
	int64_t differences;
	int stop;
} blob_check_ctx;

static int report_if_unknown(void *vctx, const char *rel, const char *full, const char *name)
{
	blob_check_ctx *c = vctx;
	unsigned char sha[SHA256_LEN];
	int64_t size;
	int known;

	(void)name;
	sqlite3_bind_text(c->known, 1, rel, -1, SQLITE_STATIC);
	known = sqlite3_step(c->known) == SQLITE_ROW;
	sqlite3_reset(c->known);
	if (known)
		return 0;
	c->differences++;
	if (c->fn && c->fn(c->ctx, rel, CUSTODY_ADDED, sha256_file(full, sha, &size) == 0 ? sha : NULL, 0))
		c->stop = 1;
	return c->stop;
}

int64_t custody_blobs_verify(sqlite3 *db, const char *case_dir, custody_blob_fn fn, void *ctx,
                             int64_t *checked, exhibit_error *err)
{
	blob_check_ctx c = { NULL, fn, ctx, 0, 0 };
	sqlite3_stmt *s;
	int rc;

	*checked = 0;
	if (sqlite3_prepare_v2(db, "SELECT path, sha256, size, seq FROM main.custody_blobs ORDER BY path",
	                       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot read the content store record");
	while (!c.stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *rel = (const char *)sqlite3_column_text(s, 0);
		char *full = NULL;
		unsigned char now[SHA256_LEN];
		int64_t size;
		int readable;

		if (asprintf(&full, "%s/%s", case_dir, rel) < 0)
			break;
		readable = sha256_file(full, now, &size) == 0;
		free(full);
		(*checked)++;
		if (readable && sqlite3_column_bytes(s, 1) == SHA256_LEN &&
		    !memcmp(now, sqlite3_column_blob(s, 1), SHA256_LEN) && size == sqlite3_column_int64(s, 2))
			continue;
		c.differences++;
		if (fn && fn(ctx, rel, readable ? CUSTODY_CHANGED : CUSTODY_REMOVED,
		             readable ? now : NULL, sqlite3_column_int64(s, 3)))
			c.stop = 1;
	}
	sqlite3_finalize(s);
	if (c.stop)
		return c.differences;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM main.custody_blobs WHERE path = ?1", -1, &c.known,
	                       NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot read the content store record");
	rc = each_blob_file(case_dir, report_if_unknown, &c);
	sqlite3_finalize(c.known);
	if (rc < 0)
		return exhibit_error_set(err, -1, -1, "%s/content: cannot list: %s", case_dir,
		                         strerror(errno));
	return c.differences;
}

int custody_blobs_root(sqlite3 *db, unsigned char root[SHA256_LEN], exhibit_error *err)
{
	sqlite3_stmt *s;
	merkle m;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT path, sha256 || exhibit_row_key(seq), size "
	                       "FROM main.custody_blobs ORDER BY path", -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err, "cannot read the content store record");
	merkle_init(&m);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		unsigned char leaf[4096 + SHA256_LEN + 9 + 8];
		size_t path_len = (size_t)sqlite3_column_bytes(s, 0);
		size_t sha_len = (size_t)sqlite3_column_bytes(s, 1);
		uint64_t size = (uint64_t)sqlite3_column_int64(s, 2);

		if (path_len >= 4096 || sha_len > SHA256_LEN + 9)
			continue; /* cannot be written by exhibit; verify names it */
		memcpy(leaf, sqlite3_column_text(s, 0), path_len);
		leaf[path_len] = 0;
		memcpy(leaf + path_len + 1, sqlite3_column_blob(s, 1), sha_len);
		for (int i = 0; i < 8; i++)
			leaf[path_len + 1 + sha_len + (size_t)i] = (unsigned char)(size >> (56 - 8 * i));
		merkle_add(&m, leaf, path_len + 1 + sha_len + 8);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return sql_fail(db, err, "cannot read the content store record");
	merkle_root(&m, root);
	return 0;
}

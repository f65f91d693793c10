/*
 * row_digest.c — canonical row encoding and digests (see row_digest.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hash.h"
#include "row_digest.h"

#define ROW_DOMAIN "exhibit-row-v1"

enum { TAG_NULL = 0, TAG_INT = 1, TAG_REAL = 2, TAG_TEXT = 3, TAG_BLOB = 4 };

/* A growable byte buffer for one encoding. */
typedef struct bytes {
	unsigned char *p;
	size_t len, cap;
	int failed;
} bytes;

static void put(bytes *b, const void *data, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		unsigned char *grown;

		while (cap < b->len + len)
			cap *= 2;
		grown = realloc(b->p, cap);
		if (!grown) {
			b->failed = 1;
			return;
		}
		b->p = grown;
		b->cap = cap;
	}
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void put_u64(bytes *b, uint64_t v)
{
	unsigned char be[8];

	for (int i = 7; i >= 0; i--, v >>= 8)
		be[i] = (unsigned char)v;
	put(b, be, sizeof be);
}

/* put_value — one SQL value, tagged with its storage class. */
static void put_value(bytes *b, sqlite3_value *v)
{
	unsigned char tag;
	double r;
	uint64_t bits;

	switch (sqlite3_value_type(v)) {
	case SQLITE_INTEGER:
		tag = TAG_INT;
		put(b, &tag, 1);
		put_u64(b, (uint64_t)sqlite3_value_int64(v));
		break;
	case SQLITE_FLOAT:
		tag = TAG_REAL;
		r = sqlite3_value_double(v);
		memcpy(&bits, &r, sizeof bits);
		put(b, &tag, 1);
		put_u64(b, bits);
		break;
	case SQLITE_TEXT:
		tag = TAG_TEXT;
		put(b, &tag, 1);
		put_u64(b, (uint64_t)sqlite3_value_bytes(v));
		put(b, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
		break;
	case SQLITE_BLOB:
		tag = TAG_BLOB;
		put(b, &tag, 1);
		put_u64(b, (uint64_t)sqlite3_value_bytes(v));
		put(b, sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v));
		break;
	default:
		tag = TAG_NULL;
		put(b, &tag, 1);
	}
}

static void row_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bytes b = { 0 };

	for (int i = 0; i < argc; i++)
		put_value(&b, argv[i]);
	if (b.failed)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_blob(ctx, b.p, (int)b.len, free);
	if (b.failed)
		free(b.p);
}

static void row_digest_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bytes b = { 0 };
	unsigned char digest[SHA256_LEN];
	unsigned char zero = 0;

	if (argc < 2) {
		sqlite3_result_error(ctx, "exhibit_row_digest(table, key, ...)", -1);
		return;
	}
	put(&b, ROW_DOMAIN, sizeof ROW_DOMAIN);         /* with its NUL */
	put(&b, sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
	put(&b, &zero, 1);
	put_u64(&b, (uint64_t)sqlite3_value_bytes(argv[1]));
	put(&b, sqlite3_value_blob(argv[1]), (size_t)sqlite3_value_bytes(argv[1]));
	for (int i = 2; i < argc; i++)
		put_value(&b, argv[i]);
	if (b.failed || EVP_Digest(b.p, b.len, digest, NULL, EVP_sha256(), NULL) != 1)
		sqlite3_result_error_nomem(ctx);
	else
		sqlite3_result_blob(ctx, digest, SHA256_LEN, SQLITE_TRANSIENT);
	free(b.p);
}

int row_digest_register(sqlite3 *db, exhibit_error *err)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function(db, "exhibit_row_key", -1, flags, NULL, row_key_fn, NULL,
	                            NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "exhibit_row_digest", -1, flags, NULL, row_digest_fn,
	                            NULL, NULL) != SQLITE_OK)
		return exhibit_error_set(err, -1, -1, "cannot define the row digest functions: %s",
		                         sqlite3_errmsg(db));
	return 0;
}

int row_digest_is_covered(const char *table)
{
	/* The keys and timestamps are facts like any other; the entries, the
	 * digests and the open-command marks are the log itself. */
	if (!strcmp(table, "custody_keys") || !strcmp(table, "custody_timestamps"))
		return 1;
	return strncmp(table, "custody_", 8) != 0 && strncmp(table, "sqlite_", 7) != 0;
}

/* ---- building each table's SELECT ---- */

static void put_text(bytes *b, const char *s) { put(b, s, strlen(s)); }

/* put_ident — an SQL identifier, double-quoted. */
static void put_ident(bytes *b, const char *name)
{
	put_text(b, "\"");
	for (const char *c = name; *c; c++)
		put(b, *c == '"' ? "\"\"" : c, *c == '"' ? 2 : 1);
	put_text(b, "\"");
}

/* put_literal — an SQL string literal. */
static void put_literal(bytes *b, const char *s)
{
	put_text(b, "'");
	for (const char *c = s; *c; c++)
		put(b, *c == '\'' ? "''" : c, *c == '\'' ? 2 : 1);
	put_text(b, "'");
}

typedef struct column_list {
	char **names;
	int *pk;     /* position in the primary key, 0 when not part of it */
	int n;
} column_list;

static void free_columns(column_list *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->pk);
}

static int load_columns(sqlite3 *db, const char *table, column_list *out)
{
	sqlite3_stmt *s;
	int cap = 0;

	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(db, "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid",
	                       -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			char **names = realloc(out->names, (size_t)cap * sizeof *names);
			int *pk = names ? realloc(out->pk, (size_t)cap * sizeof *pk) : NULL;
			if (names)
				out->names = names;
			if (!pk)
				break;
			out->pk = pk;
		}
		out->names[out->n] = strdup((const char *)sqlite3_column_text(s, 0));
		out->pk[out->n++] = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	return out->n > 0 ? 0 : -1;
}

static int has_rowid(sqlite3 *db, const char *table)
{
	bytes sql = { 0 };
	sqlite3_stmt *s = NULL;
	int ok;

	put_text(&sql, "SELECT rowid FROM ");
	put_ident(&sql, table);
	put(&sql, "", 1);
	ok = !sql.failed && sqlite3_prepare_v2(db, (char *)sql.p, -1, &s, NULL) == SQLITE_OK;
	sqlite3_finalize(s);
	free(sql.p);
	return ok;
}

/* key_columns_of — the PRIMARY KEY columns in key order, NULL-terminated. */
static char **key_columns_of(const column_list *c)
{
	char **keys = calloc((size_t)c->n + 1, sizeof *keys);
	int n = 0;

	if (!keys)
		return NULL;
	for (int pos = 1; pos <= c->n; pos++)
		for (int i = 0; i < c->n; i++)
			if (c->pk[i] == pos)
				keys[n++] = strdup(c->names[i]);
	return keys;
}

static void put_key_expr(bytes *b, char **key_columns)
{
	put_text(b, "exhibit_row_key(");
	if (!key_columns) {
		put_text(b, "rowid");
	} else {
		for (int i = 0; key_columns[i]; i++) {
			if (i)
				put_text(b, ", ");
			put_ident(b, key_columns[i]);
		}
	}
	put_text(b, ")");
}

static int build_table(sqlite3 *db, const char *name, covered_table *t)
{
	column_list cols;
	bytes sql = { 0 };

	memset(t, 0, sizeof *t);
	if (load_columns(db, name, &cols) < 0)
		return -1;
	t->name = strdup(name);
	if (!has_rowid(db, name))
		t->key_columns = key_columns_of(&cols);
	put_text(&sql, "SELECT ");
	put_key_expr(&sql, t->key_columns);
	put_text(&sql, ", exhibit_row_digest(");
	put_literal(&sql, name);
	put_text(&sql, ", ");
	put_key_expr(&sql, t->key_columns);
	for (int i = 0; i < cols.n; i++) {
		put_text(&sql, ", ");
		put_ident(&sql, cols.names[i]);
	}
	put_text(&sql, ") FROM ");
	put_ident(&sql, name);
	put(&sql, "", 1);
	free_columns(&cols);
	if (sql.failed || !t->name) {
		free(sql.p);
		return -1;
	}
	t->select_sql = (char *)sql.p;
	return 0;
}

static int build_schema_table(covered_table *t)
{
	static const char *const keys[] = { "type", "name" };

	memset(t, 0, sizeof *t);
	t->name = strdup(ROW_DIGEST_SCHEMA_TABLE);
	t->select_sql = strdup(
		"SELECT exhibit_row_key(type, name), exhibit_row_digest('" ROW_DIGEST_SCHEMA_TABLE
		"', exhibit_row_key(type, name), type, name, tbl_name, sql) FROM sqlite_schema");
	t->key_columns = calloc(3, sizeof *t->key_columns);
	if (!t->name || !t->select_sql || !t->key_columns)
		return -1;
	for (int i = 0; i < 2; i++)
		t->key_columns[i] = strdup(keys[i]);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const covered_table *)a)->name, ((const covered_table *)b)->name);
}

int row_digest_covered_tables(sqlite3 *db, covered_table **tables, exhibit_error *err)
{
	sqlite3_stmt *s;
	covered_table *list = NULL;
	int n = 0, cap = 0, rc = 0;

	*tables = NULL;
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
	                       "AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%'", -1, &s,
	                       NULL) != SQLITE_OK)
		return exhibit_error_set(err, -1, -1, "cannot list the tables: %s", sqlite3_errmsg(db));
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);

		if (!name || !row_digest_is_covered(name))
			continue;
		if (n + 1 >= cap) {
			covered_table *grown = realloc(list, (size_t)(cap = cap ? cap * 2 : 32) * sizeof *grown);
			if (!grown) {
				rc = -1;
				break;
			}
			list = grown;
		}
		if (build_table(db, name, &list[n]) < 0)
			rc = exhibit_error_set(err, -1, -1, "cannot read the columns of table %s", name);
		else
			n++;
	}
	sqlite3_finalize(s);
	if (rc == 0 && (n + 1 > cap || build_schema_table(&list[n]) < 0))
		rc = exhibit_error_set(err, -1, -1, "out of memory");
	else if (rc == 0)
		n++;
	if (rc < 0) {
		row_digest_free_tables(list, n);
		return err && err->code ? err->code : -1;
	}
	qsort(list, (size_t)n, sizeof *list, by_name);
	*tables = list;
	return n;
}

void row_digest_free_tables(covered_table *tables, int n)
{
	for (int i = 0; i < n; i++) {
		free(tables[i].name);
		free(tables[i].select_sql);
		for (int k = 0; tables[i].key_columns && tables[i].key_columns[k]; k++)
			free(tables[i].key_columns[k]);
		free(tables[i].key_columns);
	}
	free(tables);
}

/* ---- describing keys ---- */

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* describe_value — one encoded value at p as text into out; RETURN bytes used, 0 if malformed. */
static size_t describe_value(const unsigned char *p, size_t len, bytes *out)
{
	char num[64];
	uint64_t n;
	double r;

	if (len < 1)
		return 0;
	switch (p[0]) {
	case TAG_NULL:
		put_text(out, "NULL");
		return 1;
	case TAG_INT:
		if (len < 9)
			return 0;
		snprintf(num, sizeof num, "%lld", (long long)(int64_t)get_u64(p + 1));
		put_text(out, num);
		return 9;
	case TAG_REAL:
		if (len < 9)
			return 0;
		n = get_u64(p + 1);
		memcpy(&r, &n, sizeof r);
		snprintf(num, sizeof num, "%.17g", r);
		put_text(out, num);
		return 9;
	case TAG_TEXT:
	case TAG_BLOB:
		if (len < 9 || (n = get_u64(p + 1)) > len - 9)
			return 0;
		put_text(out, "'");
		for (uint64_t i = 0; i < n; i++) {
			unsigned char c = p[9 + i];
			if (c < 0x20 || c == 0x7f || p[0] == TAG_BLOB) {
				snprintf(num, sizeof num, "\\x%02x", c);
				put_text(out, num);
			} else {
				put(out, &c, 1);
			}
		}
		put_text(out, "'");
		return 9 + (size_t)n;
	default:
		return 0;
	}
}

char *row_digest_describe_key(const void *key, size_t len, char *const *key_columns)
{
	const unsigned char *p = key;
	bytes out = { 0 };
	size_t used;

	if (!key_columns)
		put_text(&out, "rowid ");
	for (int i = 0; len > 0; i++) {
		const char *column = key_columns ? key_columns[i] : NULL;

		if (i)
			put_text(&out, ", ");
		if (column) {
			put_text(&out, column);
			put_text(&out, "=");
		} else if (key_columns) {
			key_columns = NULL; /* more values than key columns: a forged key */
		}
		used = describe_value(p, len, &out);
		if (!used) {
			put_text(&out, "(malformed key)");
			break;
		}
		p += used;
		len -= used;
	}
	put(&out, "", 1);
	if (out.failed) {
		free(out.p);
		return NULL;
	}
	return (char *)out.p;
}

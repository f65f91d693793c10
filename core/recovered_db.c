/*
 * recovered_db.c — see recovered_db.h.
 */
#include "recovered_db.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exhibit/plugin.h"

static const char *const extra_columns[] = { "_origin", "_offset", "_rowid" };
#define N_EXTRA 3

static bool collides(const sqlite_table *t)
{
	size_t i, k;

	for (i = 0; i < t->n_columns; i++)
		for (k = 0; k < N_EXTRA; k++)
			if (strcasecmp(t->columns[i].name, extra_columns[k]) == 0)
				return true;
	return false;
}

/* CREATE TABLE "name"("c1","c2",...,"_origin","_offset","_rowid"). */
static char *create_sql(const sqlite_table *t)
{
	sqlite3_str *s = sqlite3_str_new(NULL);
	size_t i;

	sqlite3_str_appendf(s, "CREATE TABLE \"%w\"(", t->name);
	for (i = 0; i < t->n_columns; i++)
		sqlite3_str_appendf(s, "\"%w\",", t->columns[i].name);
	sqlite3_str_appendall(s, "_origin, _offset, _rowid)");
	return sqlite3_str_finish(s);
}

static char *insert_sql(const sqlite_table *t)
{
	sqlite3_str *s = sqlite3_str_new(NULL);
	size_t i;

	sqlite3_str_appendf(s, "INSERT INTO \"%w\" VALUES(", t->name);
	for (i = 0; i < t->n_columns + N_EXTRA; i++)
		sqlite3_str_appendall(s, i ? ",?" : "?");
	sqlite3_str_appendall(s, ")");
	return sqlite3_str_finish(s);
}

static int bind_value(sqlite3_stmt *stmt, int at, const sqlite_recovered_value *v)
{
	switch (v->kind) {
	case SQLITE_VALUE_INT:
		return sqlite3_bind_int64(stmt, at, v->i);
	case SQLITE_VALUE_REAL:
		return sqlite3_bind_double(stmt, at, v->r);
	case SQLITE_VALUE_TEXT:
		return sqlite3_bind_text64(stmt, at, v->bytes, v->len, SQLITE_STATIC,
		                           SQLITE_UTF8);
	case SQLITE_VALUE_BLOB:
		return sqlite3_bind_blob64(stmt, at, v->bytes, v->len, SQLITE_STATIC);
	default:
		return sqlite3_bind_null(stmt, at);
	}
}

static int insert_row(sqlite3_stmt *stmt, const sqlite_table *t,
                      const sqlite_recovered_row *row)
{
	char origin[128];
	int rc = SQLITE_OK, at;
	size_t i;

	sqlite_origin_format(&row->origin, origin, sizeof origin);
	for (i = 0; i < t->n_columns && rc == SQLITE_OK; i++)
		rc = bind_value(stmt, (int)i + 1, &row->values[i]);
	at = (int)t->n_columns + 1;
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(stmt, at, origin, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(stmt, at + 1, (sqlite3_int64)row->origin.offset);
	if (rc == SQLITE_OK)
		rc = row->has_rowid ? sqlite3_bind_int64(stmt, at + 2, row->rowid)
		                    : sqlite3_bind_null(stmt, at + 2);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(sqlite3_db_handle(stmt));
	sqlite3_reset(stmt);
	return rc;
}

/* One table and its rows.  RETURN SQLite's code; a table SQLite refuses
 * is reported and skipped (SQLITE_OK). */
static int build_table(sqlite3 *db, sqlite_recovery *rec, size_t t)
{
	const sqlite_table *table = &rec->schema.tables[t];
	char *create = create_sql(table), *insert = insert_sql(table);
	sqlite3_stmt *stmt = NULL;
	size_t i;
	int rc = create && insert ? SQLITE_OK : SQLITE_NOMEM;

	if (rc == SQLITE_OK && sqlite3_exec(db, create, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite_problem_add(&rec->problems, SQLITE_FILE_MAIN, -1,
		                   "recovered rows of table \"%.60s\" left out: %s",
		                   table->name, sqlite3_errmsg(db));
		goto out;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, insert, -1, &stmt, NULL);
	for (i = 0; rc == SQLITE_OK && i < rec->n_rows; i++)
		if (rec->rows[i].table == t)
			rc = insert_row(stmt, table, &rec->rows[i]);
out:
	sqlite3_finalize(stmt);
	sqlite3_free(create);
	sqlite3_free(insert);
	return rc;
}

static int build(sqlite3 *db, sqlite_recovery *rec)
{
	size_t t;
	int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);

	for (t = 0; rc == SQLITE_OK && t < rec->schema.n_tables; t++) {
		const sqlite_table *table = &rec->schema.tables[t];

		if (table->internal)
			continue;
		if (collides(table)) {
			sqlite_problem_add(&rec->problems, SQLITE_FILE_MAIN, -1,
			                   "recovered rows of table \"%.60s\" left out: it has "
			                   "a column named _origin, _offset or _rowid", table->name);
			continue;
		}
		rc = build_table(db, rec, t);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int recovered_db_open(sqlite_recovery *rec, const untrusted_sqlite_budget *budget,
                      sqlite3 **db, exhibit_error *err)
{
	sqlite3 *scratch = NULL;
	sqlite3_int64 size = 0;
	unsigned char *image = NULL;
	int rc;

	*db = NULL;
	rc = sqlite3_open_v2(":memory:", &scratch,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL);
	if (rc == SQLITE_OK)
		rc = build(scratch, rec);
	/* A database with no table laid out here (only WITHOUT ROWID ones, or
	 * none) leaves the scratch one without a page, which SQLite will not
	 * serialize: writing its header gives it its first page. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(scratch, "PRAGMA user_version = 0", NULL, NULL, NULL);
	if (rc == SQLITE_OK && !(image = sqlite3_serialize(scratch, "main", &size, 0)))
		rc = SQLITE_NOMEM;
	if (rc != SQLITE_OK) {
		exhibit_error_set(err, EXHIBIT_ERR, -1, "cannot build the recovered database: %s",
		                  scratch ? sqlite3_errmsg(scratch) : sqlite3_errstr(rc));
		sqlite3_close(scratch);
		return EXHIBIT_ERR;
	}
	sqlite3_close(scratch);
	rc = untrusted_sqlite_open_budget(image, (size_t)size, budget, db, err);
	sqlite3_free(image);
	return rc;
}

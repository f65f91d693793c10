/*
 * casedb_migrate.c — bringing an older case forward to this exhibit's
 * schema (see casedb_migrate.h).
 *
 * schemas/case.sql only ever adds: tables, columns, indexes, views,
 * triggers, plugin record tables.  So one migration serves every older
 * version: build the current schema in memory, then give the case what it
 * lacks.  Views are recreated (later versions add columns to them).  The
 * one change that is not an addition, version 2 letting files.walk_seq be
 * NULL, is a relaxed constraint, which SQLite allows by rewriting the
 * table's definition in place ("ALTER TABLE", section 7 of its manual).
 * Version 3 (carving) only adds: the carved table and its identity index,
 * the v_carved view, and v_review_files showing a carved duplicate once.
 * Version 4 (perceptual hashes) only adds: media_pdq, media_frames,
 * similar, similar_groups, pdq_hits and their views.
 * Version 5 (previews) only adds: previews, v_previews, and v_media's
 * thumbnail filled from it.
 * Everything runs in one transaction: a case is migrated whole or not at
 * all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb_migrate.h"

extern const char exhibit_case_schema_sql[];

static int fail(sqlite3 *db, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, -1, -1, "cannot migrate the case (%s): %s", what,
	                         sqlite3_errmsg(db));
}

static int object_exists(sqlite3 *db, const char *type, const char *name)
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM main.sqlite_schema WHERE type = ?1 AND name = ?2",
	                       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
		found = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
	}
	return found;
}

static int column_exists(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &s,
	                       NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, column, -1, SQLITE_STATIC);
		found = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_finalize(s);
	}
	return found;
}

/* add_missing_columns — ALTER TABLE ADD COLUMN for each column of table in
 * the current schema that the case lacks.  Added columns are nullable
 * (rows already there have no value) unless the schema gives a default. */
static int add_missing_columns(sqlite3 *db, sqlite3 *now, const char *table, exhibit_error *err)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (sqlite3_prepare_v2(now, "SELECT name, type, dflt_value, \"notnull\" FROM "
	                       "pragma_table_info(?1) ORDER BY cid", -1, &s, NULL) != SQLITE_OK)
		return fail(now, err, "reading the current schema");
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *column = (const char *)sqlite3_column_text(s, 0);
		const char *type = (const char *)sqlite3_column_text(s, 1);
		const char *dflt = (const char *)sqlite3_column_text(s, 2);
		char *sql = NULL;

		if (column_exists(db, table, column))
			continue;
		if (asprintf(&sql, "ALTER TABLE main.\"%s\" ADD COLUMN \"%s\" %s%s%s%s", table, column,
		             type ? type : "", dflt ? " DEFAULT " : "", dflt ? dflt : "",
		             dflt && sqlite3_column_int(s, 3) ? " NOT NULL" : "") < 0)
			rc = exhibit_error_set(err, -1, -1, "out of memory");
		else if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			rc = fail(db, err, table);
		free(sql);
	}
	sqlite3_finalize(s);
	return rc;
}

/* add_missing_objects — tables (and their new columns), then indexes and
 * triggers the case lacks; views always anew. */
static int add_missing_objects(sqlite3 *db, sqlite3 *now, exhibit_error *err)
{
	sqlite3_stmt *s;
	int rc = 0;

	/* Drop the old views first: a new table or view may need the name. */
	if (sqlite3_prepare_v2(db, "SELECT name FROM main.sqlite_schema WHERE type = 'view'", -1, &s,
	                       NULL) != SQLITE_OK)
		return fail(db, err, "listing views");
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		char *sql = NULL;

		if (asprintf(&sql, "DROP VIEW main.\"%s\"", sqlite3_column_text(s, 0)) < 0 ||
		    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			rc = fail(db, err, "replacing the views");
		free(sql);
	}
	sqlite3_finalize(s);
	/* In schema order: tables before what refers to them. */
	if (rc == 0 && sqlite3_prepare_v2(now, "SELECT type, name, sql FROM sqlite_schema WHERE sql "
	                                  "IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
	                                  -1, &s, NULL) != SQLITE_OK)
		return fail(now, err, "reading the current schema");
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(s, 0);
		const char *name = (const char *)sqlite3_column_text(s, 1);
		const char *sql = (const char *)sqlite3_column_text(s, 2);

		if (!strcmp(type, "table") && object_exists(db, "table", name))
			rc = add_missing_columns(db, now, name, err);
		else if (strcmp(type, "view") && object_exists(db, type, name))
			continue;
		else if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			rc = fail(db, err, name);
	}
	sqlite3_finalize(s);
	return rc;
}

/* copy_record_tables — plugin_record_tables rows the case lacks. */
static int copy_record_tables(sqlite3 *db, sqlite3 *now, exhibit_error *err)
{
	sqlite3_stmt *s, *ins;
	int rc = 0;

	if (sqlite3_prepare_v2(now, "SELECT name FROM plugin_record_tables", -1, &s, NULL) != SQLITE_OK)
		return fail(now, err, "reading the current schema");
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO main.plugin_record_tables(name) VALUES (?1)",
	                       -1, &ins, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return fail(db, err, "plugin_record_tables");
	}
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		sqlite3_bind_value(ins, 1, sqlite3_column_value(s, 0));
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = fail(db, err, "plugin_record_tables");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(s);
	return rc;
}

/* relax_walk_seq — version 2: items found inside others have no walk
 * position, so files.walk_seq loses its NOT NULL.  Removing a NOT NULL
 * changes no stored record: SQLite documents rewriting the definition. */
static int relax_walk_seq(sqlite3 *db, exhibit_error *err)
{
	static const char old_def[] = "walk_seq    INTEGER NOT NULL,";
	static const char new_def[] = "walk_seq    INTEGER,         ";
	sqlite3_stmt *s;
	char *sql = NULL, *at;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND "
	                       "name = 'files'", -1, &s, NULL) != SQLITE_OK)
		return fail(db, err, "files");
	if (sqlite3_step(s) == SQLITE_ROW)
		sql = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (!sql || !(at = strstr(sql, old_def))) {
		free(sql);
		return 0; /* already relaxed */
	}
	memcpy(at, new_def, sizeof new_def - 1);
	if (sqlite3_exec(db, "PRAGMA writable_schema = ON", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE main.sqlite_schema SET sql = ?1 WHERE type = 'table' AND "
	                       "name = 'files'", -1, &s, NULL) != SQLITE_OK) {
		free(sql);
		return fail(db, err, "files");
	}
	sqlite3_bind_text(s, 1, sql, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = fail(db, err, "files");
	sqlite3_finalize(s);
	free(sql);
	/* Bump the schema cookie so every connection rereads the definition. */
	if (rc == 0) {
		int cookie = 0;
		char bump[64];

		if (sqlite3_prepare_v2(db, "PRAGMA main.schema_version", -1, &s, NULL) == SQLITE_OK) {
			if (sqlite3_step(s) == SQLITE_ROW)
				cookie = sqlite3_column_int(s, 0);
			sqlite3_finalize(s);
		}
		snprintf(bump, sizeof bump, "PRAGMA main.schema_version = %d", cookie + 1);
		if (sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK)
			rc = fail(db, err, "files");
	}
	sqlite3_exec(db, "PRAGMA writable_schema = OFF", NULL, NULL, NULL);
	return rc;
}

int casedb_migrate(sqlite3 *db, int from_version, int to_version, exhibit_error *err)
{
	sqlite3 *now = NULL;
	char bump[64];
	int rc;

	if (sqlite3_open(":memory:", &now) != SQLITE_OK ||
	    sqlite3_exec(now, exhibit_case_schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		rc = fail(now, err, "building the current schema");
		sqlite3_close(now);
		return rc;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(now);
		return fail(db, err, "locking the case");
	}
	rc = from_version < 2 ? relax_walk_seq(db, err) : 0;
	if (rc == 0)
		rc = add_missing_objects(db, now, err);
	if (rc == 0)
		rc = copy_record_tables(db, now, err);
	snprintf(bump, sizeof bump, "PRAGMA main.user_version = %d", to_version);
	if (rc == 0 && sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK)
		rc = fail(db, err, "recording the version");
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = fail(db, err, "committing");
	if (rc < 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(now);
	return rc;
}

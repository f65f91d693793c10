/*
 * recovering.c — a test plugin that exercises the host's
 * open_sqlite_recovered end to end: for every SQLite database it opens the
 * recovered rows and records, per table, how many rows came back and from
 * which kinds of place (app_database_tables: name "<table> recovered",
 * rows, columns = the distinct first words of _origin, comma-separated).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "exhibit/plugin.h"

static const char *const types[] = { "application/vnd.sqlite3", NULL };

static int record_table(const exhibit_host_api *api, exhibit_host *host, sqlite3 *db,
                        const char *table)
{
	char *sql = sqlite3_mprintf(
		"SELECT count(*), (SELECT group_concat(kind, ',') FROM (SELECT DISTINCT"
		" substr(_origin, 1, instr(_origin || ' ', ' ') - 1) AS kind FROM \"%w\""
		" ORDER BY kind)) FROM \"%w\" WHERE 1", table, table);
	sqlite3_stmt *stmt = NULL;
	char buf[256];
	const char *name = buf;
	int rc = EXHIBIT_ERR;

	if (sql && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW) {
		exhibit_field fields[] = {
			EXHIBIT_FIELD_TEXT("name", name),
			EXHIBIT_FIELD_INT("rows", sqlite3_column_int64(stmt, 0)),
			EXHIBIT_FIELD_TEXT("columns", (const char *)sqlite3_column_text(stmt, 1)),
		};

		snprintf(buf, sizeof buf, "%s recovered", table);
		rc = api->emit_record(host, "app_database_tables", fields, 3);
	}
	sqlite3_finalize(stmt);
	sqlite3_free(sql);
	return rc;
}

static int analyze(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *tables = NULL;
	int rc = api->open_sqlite_recovered(host, &db);

	(void)item;
	if (rc != EXHIBIT_OK)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
	                           " ORDER BY name", -1, &tables, NULL) == SQLITE_OK)
		while (rc == EXHIBIT_OK && sqlite3_step(tables) == SQLITE_ROW)
			rc = record_table(api, host, db, (const char *)sqlite3_column_text(tables, 0));
	sqlite3_finalize(tables);
	api->close_sqlite(host, db);
	return rc;
}

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION, "recovering", "1.0", "open_sqlite_recovered end to end (tests only)",
	EXHIBIT_PLUGIN_ANALYZER, types, NULL, NULL, 0, analyze, NULL, NULL
};

EXHIBIT_PLUGIN_EXPORT const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &descriptor;
}

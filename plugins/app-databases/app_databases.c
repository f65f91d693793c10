/*
 * app_databases.c — the "app-databases" analyzer plugin.
 *
 * For every SQLite database (recognised by its 16-byte header, never by its
 * name) it records what the database holds and which app wrote it:
 *
 *   app_database_tables  one record per table: name, rows, columns (the
 *                        column names, comma-separated);
 *   app_databases        one record per database: app, app_id, platform,
 *                        matched_by, tables, rows (sum of the tables that
 *                        could be counted), page_size, encoding,
 *                        user_version, journal_mode ("wal"/"rollback").
 *
 * The database is evidence and hostile: it is opened only through the
 * host's open_sqlite (a private, hardened, read-only copy with a time
 * budget), table names are quoted with %w, rows are counted with a stepped
 * query so the host's time budget can interrupt it, and virtual tables are
 * listed but never touched (their modules would run on hostile data).
 *
 * Damage is reported, never fatal.  A database shorter than its header
 * declares is reported as truncated (at the offset where it ends); a table
 * that cannot be read is reported at the offset of its root page and keeps
 * its record with NULL rows; a database SQLite cannot read at all still
 * yields its app_databases record from what the header and the path tell.
 * analyze() then returns EXHIBIT_ERR_FORMAT, or EXHIBIT_ERR_LIMIT when the
 * time budget ran out.  No state outlives a call: safe on many threads.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "exhibit/plugin.h"
#include "known_apps.h"

#define HEADER_SIZE 100
#define MAGIC_SIZE 16
#define NAME_IN_MESSAGE 200 /* bytes of a hostile name quoted in a message */

static const unsigned char sqlite_magic[MAGIC_SIZE] = "SQLite format 3";

/* What the 100-byte header says; 0 / NULL where it says nothing usable. */
typedef struct db_header {
	int64_t page_size;
	const char *encoding;
	bool has_user_version;
	int64_t user_version;
	const char *journal_mode;
	uint64_t declared_size; /* page count x page size, when valid */
} db_header;

typedef struct db_table {
	char *name;
	int64_t root_page;
	bool is_virtual;
	char **columns;
	size_t n_columns;
	bool rows_known;
	int64_t rows;
} db_table;

/* Everything learned from the open database. */
typedef struct db_survey {
	db_table *tables;
	size_t n_tables;
	size_t capacity;
} db_survey;

/* One analyze() call: the host, the item, and what we know. */
typedef struct analysis {
	const exhibit_host_api *api;
	exhibit_host *host;
	const exhibit_item *item;
	db_header header;
	db_survey survey;
	bool surveyed;
} analysis;

/* ---- results ------------------------------------------------------------ */

/* Order of gravity: OK < FORMAT < LIMIT < READ < ERR. */
static int gravity(int code)
{
	switch (code) {
	case EXHIBIT_OK:
		return 0;
	case EXHIBIT_ERR_FORMAT:
		return 1;
	case EXHIBIT_ERR_LIMIT:
		return 2;
	case EXHIBIT_ERR_READ:
		return 3;
	default:
		return 4;
	}
}

static int worse(int a, int b)
{
	return gravity(b) > gravity(a) ? b : a;
}

static int code_for_sqlite(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_INTERRUPT:
	case SQLITE_TOOBIG:
		return EXHIBIT_ERR_LIMIT;
	case SQLITE_NOMEM:
	case SQLITE_MISUSE:
		return EXHIBIT_ERR;
	default:
		return EXHIBIT_ERR_FORMAT;
	}
}

/* ---- the header --------------------------------------------------------- */

static uint32_t big_endian(const unsigned char *p, size_t n)
{
	uint32_t value = 0;

	while (n--)
		value = value << 8 | *p++;
	return value;
}

/* Read up to HEADER_SIZE bytes; a short item gives a short header. */
static int64_t read_header(const analysis *a, unsigned char *buf)
{
	int64_t got = 0;

	while (got < HEADER_SIZE) {
		int64_t n = a->api->read(a->host, (uint64_t)got, buf + got,
		                         (size_t)(HEADER_SIZE - got));
		if (n < 0)
			return n;
		if (n == 0)
			break;
		if (n > HEADER_SIZE - got)
			return EXHIBIT_ERR_READ; /* the host overran our buffer */
		got += n;
	}
	return got;
}

static int64_t page_size_of(const unsigned char *raw)
{
	uint32_t size = big_endian(raw + 16, 2);

	if (size == 1)
		return 65536;
	if (size < 512 || (size & (size - 1)) != 0)
		return 0;
	return size;
}

static const char *encoding_of(const unsigned char *raw)
{
	switch (big_endian(raw + 56, 4)) {
	case 1:
		return "UTF-8";
	case 2:
		return "UTF-16le";
	case 3:
		return "UTF-16be";
	default:
		return NULL;
	}
}

static const char *journal_mode_of(const unsigned char *raw)
{
	if (raw[18] == 2 || raw[19] == 2)
		return "wal";
	if (raw[18] == 1 && raw[19] == 1)
		return "rollback";
	return NULL;
}

/* SQLite trusts the page count only while bytes 24-27 equal 92-95. */
static uint64_t declared_size_of(const unsigned char *raw, int64_t page_size)
{
	if (!page_size || memcmp(raw + 24, raw + 92, 4) != 0)
		return 0;
	return (uint64_t)big_endian(raw + 28, 4) * (uint64_t)page_size;
}

static db_header parse_header(const unsigned char *raw, int64_t got)
{
	db_header header = { 0, NULL, false, 0, NULL, 0 };

	if (got >= 20)
		header.journal_mode = journal_mode_of(raw);
	if (got < HEADER_SIZE)
		return header;
	header.page_size = page_size_of(raw);
	header.encoding = encoding_of(raw);
	header.has_user_version = true;
	header.user_version = (int32_t)big_endian(raw + 60, 4);
	header.declared_size = declared_size_of(raw, header.page_size);
	return header;
}

/* ---- reporting ---------------------------------------------------------- */

/* Where a table's b-tree starts, or -1 when the header cannot tell. */
static int64_t table_offset(const analysis *a, const db_table *table)
{
	if (!a->header.page_size || table->root_page < 1)
		return -1;
	return (table->root_page - 1) * a->header.page_size;
}

static void report_table_error(analysis *a, const db_table *table,
                               sqlite3 *db, const char *what)
{
	char message[512];

	snprintf(message, sizeof message, "table \"%.*s\": %s: SQLite: %s",
	         NAME_IN_MESSAGE, table->name, what, sqlite3_errmsg(db));
	a->api->report_error(a->host, table_offset(a, table), message);
}

/* A database shorter than its header says is damaged evidence: say so. */
static int check_truncation(analysis *a)
{
	char message[192];
	uint64_t size = a->item->size;

	if (a->header.declared_size <= size)
		return EXHIBIT_OK;
	snprintf(message, sizeof message,
	         "truncated database: the header declares %llu bytes, "
	         "the item has %llu", (unsigned long long)a->header.declared_size,
	         (unsigned long long)size);
	a->api->report_error(a->host, (int64_t)size, message);
	return EXHIBIT_ERR_FORMAT;
}

static void report_database_error(analysis *a, sqlite3 *db, const char *what)
{
	char message[512];

	snprintf(message, sizeof message, "%s: SQLite: %s", what,
	         sqlite3_errmsg(db));
	a->api->report_error(a->host, 0, message);
}

/* ---- the survey: tables, columns, rows ---------------------------------- */

static char *copy_text(sqlite3_stmt *stmt, int column)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);
	int len = sqlite3_column_bytes(stmt, column);
	char *copy;

	if (!text)
		return NULL;
	copy = malloc((size_t)len + 1);
	if (copy) {
		memcpy(copy, text, (size_t)len);
		copy[len] = '\0';
	}
	return copy;
}

static db_table *add_table(db_survey *survey)
{
	if (survey->n_tables == survey->capacity) {
		size_t capacity = survey->capacity ? survey->capacity * 2 : 16;
		db_table *grown = realloc(survey->tables,
		                          capacity * sizeof *grown);
		if (!grown)
			return NULL;
		survey->tables = grown;
		survey->capacity = capacity;
	}
	memset(&survey->tables[survey->n_tables], 0, sizeof *survey->tables);
	return &survey->tables[survey->n_tables++];
}

static void survey_free(db_survey *survey)
{
	size_t i, j;

	for (i = 0; i < survey->n_tables; i++) {
		for (j = 0; j < survey->tables[i].n_columns; j++)
			free(survey->tables[i].columns[j]);
		free(survey->tables[i].columns);
		free(survey->tables[i].name);
	}
	free(survey->tables);
	memset(survey, 0, sizeof *survey);
}

static const char list_tables_sql[] =
	"SELECT name, rootpage, sql LIKE 'CREATE VIRTUAL TABLE%' "
	"FROM sqlite_schema "
	"WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

static int read_table_row(db_survey *survey, sqlite3_stmt *stmt)
{
	db_table *table;

	if (sqlite3_column_type(stmt, 0) == SQLITE_NULL)
		return EXHIBIT_OK; /* SQLite would not have loaded it */
	table = add_table(survey);
	if (!table)
		return EXHIBIT_ERR;
	table->name = copy_text(stmt, 0);
	table->root_page = sqlite3_column_int64(stmt, 1);
	table->is_virtual = sqlite3_column_int(stmt, 2) != 0;
	return table->name ? EXHIBIT_OK : EXHIBIT_ERR;
}

static int list_tables(analysis *a, sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, list_tables_sql, -1, &stmt, NULL);
	int status = EXHIBIT_OK;

	while (rc == SQLITE_OK && status == EXHIBIT_OK &&
	       (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		status = read_table_row(&a->survey, stmt);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_OK) {
		report_database_error(a, db, "cannot list the tables");
		status = worse(status, code_for_sqlite(rc));
	}
	return status;
}

static int add_column(db_table *table, sqlite3_stmt *stmt)
{
	char **grown = realloc(table->columns,
	                       (table->n_columns + 1) * sizeof *grown);

	if (!grown)
		return EXHIBIT_ERR;
	table->columns = grown;
	grown[table->n_columns] = copy_text(stmt, 0);
	if (!grown[table->n_columns])
		return EXHIBIT_ERR;
	table->n_columns++;
	return EXHIBIT_OK;
}

/* Column names from pragma_table_info, bound, never spliced into SQL. */
static int read_columns(analysis *a, sqlite3 *db, sqlite3_stmt *stmt,
                        db_table *table)
{
	int rc = sqlite3_bind_text(stmt, 1, table->name, -1, SQLITE_STATIC);
	int status = EXHIBIT_OK;

	while (rc == SQLITE_OK && status == EXHIBIT_OK &&
	       (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		status = add_column(table, stmt);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_OK) {
		report_table_error(a, table, db, "cannot read its columns");
		status = worse(status, code_for_sqlite(rc));
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return status;
}

static int read_all_columns(analysis *a, sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int status = EXHIBIT_OK;
	size_t i;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1,
	                       &stmt, NULL) != SQLITE_OK) {
		report_database_error(a, db, "cannot read table columns");
		return code_for_sqlite(sqlite3_errcode(db));
	}
	for (i = 0; i < a->survey.n_tables; i++)
		if (!a->survey.tables[i].is_virtual)
			status = worse(status, read_columns(a, db, stmt,
			                                    &a->survey.tables[i]));
	sqlite3_finalize(stmt);
	return status;
}

/*
 * Count with "WHERE 1": plain "SELECT count(*)" compiles to one instruction
 * (OP_Count) that walks the whole b-tree without ever giving the host's
 * time budget a chance to stop it; the stepped form can be interrupted.
 */
static int count_rows(analysis *a, sqlite3 *db, db_table *table)
{
	char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE 1",
	                            table->name);
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (!sql)
		return EXHIBIT_ERR;
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	sqlite3_free(sql);
	if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		table->rows = sqlite3_column_int64(stmt, 0);
		table->rows_known = true;
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		report_table_error(a, table, db, "cannot count its rows");
	sqlite3_finalize(stmt);
	return rc == SQLITE_OK ? EXHIBIT_OK : code_for_sqlite(rc);
}

static size_t ordinary_tables_after(const db_survey *survey, size_t index)
{
	size_t n = 0;

	while (++index < survey->n_tables)
		n += !survey->tables[index].is_virtual;
	return n;
}

static void report_skipped_counts(analysis *a, size_t skipped)
{
	char message[128];

	if (!skipped)
		return;
	snprintf(message, sizeof message,
	         "row counts of %zu more tables skipped after the failure above",
	         skipped);
	a->api->report_error(a->host, -1, message);
}

/*
 * Count every ordinary table.  After a time-budget or internal failure the
 * remaining counts are skipped (once the budget is spent they would only
 * fail too), and one message says how many.
 */
static int count_all_rows(analysis *a, sqlite3 *db)
{
	int status = EXHIBIT_OK;
	size_t i;

	for (i = 0; i < a->survey.n_tables; i++) {
		db_table *table = &a->survey.tables[i];
		int rc;

		if (table->is_virtual)
			continue;
		rc = count_rows(a, db, table);
		status = worse(status, rc);
		if (rc == EXHIBIT_ERR_LIMIT || rc == EXHIBIT_ERR)
			break;
	}
	if (i < a->survey.n_tables)
		report_skipped_counts(a, ordinary_tables_after(&a->survey, i));
	return status;
}

static int survey_database(analysis *a, sqlite3 *db)
{
	int status = list_tables(a, db);

	if (status == EXHIBIT_OK || status == EXHIBIT_ERR_FORMAT)
		status = worse(status, read_all_columns(a, db));
	if (status == EXHIBIT_OK || status == EXHIBIT_ERR_FORMAT)
		status = worse(status, count_all_rows(a, db));
	a->surveyed = true;
	return status;
}

/* ---- identification ----------------------------------------------------- */

static const db_table *find_table(const db_survey *survey, const char *name)
{
	size_t i;

	for (i = 0; i < survey->n_tables; i++)
		if (sqlite3_stricmp(survey->tables[i].name, name) == 0)
			return &survey->tables[i];
	return NULL;
}

static bool survey_has_table(const void *ctx, const char *name)
{
	return find_table(ctx, name) != NULL;
}

static bool survey_has_column(const void *ctx, const char *table_name,
                              const char *column)
{
	const db_table *table = find_table(ctx, table_name);
	size_t i;

	for (i = 0; table && i < table->n_columns; i++)
		if (sqlite3_stricmp(table->columns[i], column) == 0)
			return true;
	return false;
}

/* identify — the app, from the content alone: analyze() runs once per
 * unique content, so its answer must not depend on which copy (which path)
 * the host met first.  What a path says is label_place()'s job. */
static known_app_match identify(const analysis *a)
{
	schema_probe probe = { survey_has_table, survey_has_column,
	                       &a->survey };

	return known_app_identify(NULL, a->surveyed ? &probe : NULL);
}

/* label_place — the app a database at this path belongs to, by path. */
static const char *label_place(const char *path)
{
	known_app_match m = known_app_identify(path, NULL);

	return m.evidence == KNOWN_APP_BY_PATH && m.app ? m.app->app : NULL;
}

/* ---- records ------------------------------------------------------------ */

static exhibit_field text_field(const char *name, const char *text)
{
	exhibit_field field = EXHIBIT_FIELD_TEXT(name, text);
	return field;
}

static exhibit_field int_field(const char *name, bool known, int64_t value)
{
	exhibit_field field = EXHIBIT_FIELD_INT(name, value);

	if (!known)
		field.type = EXHIBIT_NULL;
	return field;
}

/* "a,b,c", or NULL for a table whose columns are unknown. */
static char *joined_columns(const db_table *table)
{
	sqlite3_str *joined;
	size_t i;

	if (!table->n_columns)
		return NULL;
	joined = sqlite3_str_new(NULL);
	for (i = 0; i < table->n_columns; i++)
		sqlite3_str_appendf(joined, i ? ",%s" : "%s", table->columns[i]);
	return sqlite3_str_finish(joined);
}

static int emit_table(analysis *a, const db_table *table)
{
	char *columns = joined_columns(table);
	exhibit_field fields[] = {
		text_field("name", table->name),
		int_field("rows", table->rows_known, table->rows),
		text_field("columns", columns),
	};
	int rc = a->api->emit_record(a->host, "app_database_tables", fields,
	                             sizeof fields / sizeof fields[0]);

	sqlite3_free(columns);
	return rc == EXHIBIT_OK ? EXHIBIT_OK : EXHIBIT_ERR;
}

static int emit_tables(analysis *a)
{
	int status = EXHIBIT_OK;
	size_t i;

	for (i = 0; i < a->survey.n_tables; i++)
		status = worse(status, emit_table(a, &a->survey.tables[i]));
	return status;
}

static bool sum_rows(const db_survey *survey, int64_t *sum)
{
	bool any = false;
	size_t i;

	*sum = 0;
	for (i = 0; i < survey->n_tables; i++) {
		if (!survey->tables[i].rows_known)
			continue;
		*sum += survey->tables[i].rows;
		any = true;
	}
	return any;
}

static int emit_summary(analysis *a)
{
	known_app_match match = identify(a);
	const known_app *app = match.app;
	int64_t rows = 0;
	bool rows_known = a->surveyed && sum_rows(&a->survey, &rows);
	exhibit_field fields[] = {
		text_field("app", app ? app->app : NULL),
		text_field("app_id", app ? app->app_id : NULL),
		text_field("platform", app ? app->platform : NULL),
		text_field("matched_by", known_app_evidence_name(match.evidence)),
		int_field("tables", a->surveyed, (int64_t)a->survey.n_tables),
		int_field("rows", rows_known, rows),
		int_field("page_size", a->header.page_size != 0,
		          a->header.page_size),
		text_field("encoding", a->header.encoding),
		int_field("user_version", a->header.has_user_version,
		          a->header.user_version),
		text_field("journal_mode", a->header.journal_mode),
	};
	int rc = a->api->emit_record(a->host, "app_databases", fields,
	                             sizeof fields / sizeof fields[0]);

	return rc == EXHIBIT_OK ? EXHIBIT_OK : EXHIBIT_ERR;
}

/* ---- analyze ------------------------------------------------------------ */

/* Open through the host, survey, close.  The host reports open failures. */
static int survey_through_host(analysis *a)
{
	sqlite3 *db = NULL;
	int status = a->api->open_sqlite(a->host, &db);

	if (status != EXHIBIT_OK)
		return status;
	status = survey_database(a, db);
	a->api->close_sqlite(a->host, db);
	return status;
}

static int analyze(const exhibit_host_api *api, exhibit_host *host,
                   const exhibit_item *item)
{
	unsigned char raw[HEADER_SIZE];
	analysis a = { api, host, item, { 0, NULL, false, 0, NULL, 0 },
	               { NULL, 0, 0 }, false };
	int64_t got;
	int status;

	if (!api || api->abi_version != EXHIBIT_ABI_VERSION)
		return EXHIBIT_ERR;
	got = read_header(&a, raw);
	if (got < 0)
		return (int)got;
	if (got < MAGIC_SIZE || memcmp(raw, sqlite_magic, MAGIC_SIZE) != 0) {
		api->report_error(host, 0, "not an SQLite 3 database: "
		                  "the 16-byte header does not match");
		return EXHIBIT_ERR_FORMAT;
	}
	a.header = parse_header(raw, got);
	status = check_truncation(&a);
	status = worse(status, survey_through_host(&a));
	status = worse(status, emit_tables(&a));
	status = worse(status, emit_summary(&a));
	survey_free(&a.survey);
	return status;
}

/* ---- the descriptor ----------------------------------------------------- */

static const char *const mime_types[] = { "application/vnd.sqlite3", NULL };

static const exhibit_signature signatures[] = {
	{ 0, sqlite_magic, MAGIC_SIZE },
};

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION,
	"app-databases",
	"0.1.0",
	"SQLite databases: tables, row counts and the app that wrote them",
	EXHIBIT_PLUGIN_ANALYZER,
	mime_types,
	NULL,
	signatures,
	sizeof signatures / sizeof signatures[0],
	analyze,
	label_place,
	NULL,
};

EXHIBIT_PLUGIN_EXPORT const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &descriptor;
}

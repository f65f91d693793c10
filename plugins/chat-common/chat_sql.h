/*
 * chat_sql.h — reading an app's SQLite database for the chat plugins.
 *
 * Every chat parser is one extraction function over a chat_source: the
 * database its rows come from, and whether those rows are the live ones
 * or rows the host recovered from free space.  In the recovered case the
 * host hands a database whose tables have the names and columns of the
 * app's, plus _origin (wal, journal, freelist, freeblock, unallocated,
 * carved), _offset (bytes into the item) and _rowid; references from a
 * row to other tables (a message's sender, its thread) are still looked
 * up in the live database, src->lookup.  So the same function serves
 * both, and reading recovered rows is one more call with another source.
 *
 * The database is evidence and hostile.  It is only ever opened through
 * the host's open_sqlite (a private, hardened, read-only copy with a time
 * budget).  Table and column names are quoted with %w; columns an app
 * version lacks are read as NULL; every failing statement is reported
 * with the table's byte offset, and once the time budget is spent the
 * remaining passes are skipped (chat_stopped).
 */
#ifndef EXHIBIT_CHAT_SQL_H
#define EXHIBIT_CHAT_SQL_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "chat.h"

typedef enum chat_rows {
	CHAT_LIVE = 0,   /* the database's own rows */
	CHAT_RECOVERED   /* rows the host recovered from free space */
} chat_rows;

typedef struct chat_source {
	chat_rows kind;
	sqlite3 *rows;   /* where this pass reads its rows */
	sqlite3 *lookup; /* the live database, for references between tables */
} chat_source;

/* chat_live — the source for the live rows of db. */
chat_source chat_live(sqlite3 *db);

/* ---- schema ------------------------------------------------------------ */

bool chat_has_table(sqlite3 *db, const char *table);
bool chat_has_column(sqlite3 *db, const char *table, const char *column);

/* chat_matches — every requirement ("table" or "table.column") holds.
 * Names compare as SQLite compares identifiers (ASCII, no case). */
bool chat_matches(sqlite3 *db, const char *const *requirements);

/* chat_column_list — "\"a\", NULL, \"c\"": the listed columns of table
 * (NULL-terminated list), NULL for those it lacks, to select in a query
 * of one's own; sqlite3_free it.  NULL when memory runs out. */
char *chat_column_list(sqlite3 *db, const char *table, const char *const *columns);

/* ---- errors ------------------------------------------------------------ */

/* chat_sqlite_code — the EXHIBIT_* code for an SQLite result code. */
int chat_sqlite_code(int rc);

/* chat_sql_error — report what failed (at offset, or -1) with SQLite's
 * message, and remember the failure.  After 20 such reports per item the
 * rest are only counted. */
void chat_sql_error(chat_ctx *ctx, sqlite3 *db, int rc, int64_t offset,
                    const char *what, const char *table);

/* chat_stopped — the time budget or memory ran out: stop reading. */
bool chat_stopped(const chat_ctx *ctx);

/* chat_table_offset — where a table's b-tree starts in the file, or -1. */
int64_t chat_table_offset(sqlite3 *db, const char *table);

/* ---- one table, row by row --------------------------------------------- */

typedef struct chat_rowset {
	chat_ctx *ctx;
	const chat_source *src;
	const char *table;
	sqlite3_stmt *stmt;
	int n_columns;     /* the listed columns; provenance follows them */
	int64_t offset;    /* the table's offset, for messages */
	uint64_t rows;     /* rows returned so far */
} chat_rowset;

/*
 * chat_rows_open — SELECT the listed columns of table (NULL for those it
 * lacks), then its provenance, in the order of the rows' keys (rowid, or
 * _offset for recovered rows).  where, when not NULL, is a WHERE clause
 * that may only name columns the table surely has.  columns is
 * NULL-terminated.
 * RETURN: true when the statement is ready; false when the table is
 * missing (silently) or the statement failed (reported).
 */
bool chat_rows_open(chat_rowset *rs, chat_ctx *ctx, const chat_source *src,
                    const char *table, const char *const *columns,
                    const char *where);

/* chat_rows_open_exprs — the same with SQL expressions (from the
 * plugin's code, never from evidence) in place of column names: every
 * column they name must exist.  For JSON held in a column, guard with
 * json_valid(): a malformed document would stop the whole statement. */
bool chat_rows_open_exprs(chat_rowset *rs, chat_ctx *ctx, const chat_source *src,
                          const char *table, const char *const *exprs,
                          const char *where);

/* chat_rows_next — the next row; false at the end or on a failure
 * (reported with the table's offset).  A table that yields more rows than
 * ctx->max_rows is damaged (a b-tree whose pages are shared returns the
 * same cells again and again, quickly enough for every time limit): the
 * reading stops there and says so. */
bool chat_rows_next(chat_rowset *rs);

/* chat_rows_provenance — where the current row comes from.  The strings
 * stay valid until the next step. */
void chat_rows_provenance(const chat_rowset *rs, chat_provenance *p);

/* chat_rows_rowid — the current row's key (rowid or _rowid); false when
 * there is none. */
bool chat_rows_rowid(const chat_rowset *rs, int64_t *rowid);

void chat_rows_close(chat_rowset *rs);

/*
 * For queries of one's own (rows that belong to a row of src, such as an
 * MMS's parts, read from the same source):
 * chat_provenance_columns — the three provenance columns to select,
 * "NULL, NULL, rowid" for live rows or "_origin, _offset, _rowid";
 * chat_provenance_read — the provenance of the current row of stmt whose
 * provenance columns start at column first.
 */
const char *chat_provenance_columns(const chat_source *src);
void chat_provenance_read(const chat_source *src, sqlite3_stmt *stmt,
                          int first, const char *table, chat_provenance *p);

/* ---- reading values ---------------------------------------------------- */

/* chat_col_text — the column as UTF-8 text, or NULL when NULL.  Valid
 * until the statement steps. */
const char *chat_col_text(sqlite3_stmt *stmt, int i);

/* chat_col_dup — a malloc'd, cleaned copy of the whole value (embedded
 * NULs and bad bytes escaped), or NULL. */
char *chat_col_dup(sqlite3_stmt *stmt, int i);

/* chat_col_int — an integer (INTEGER, an integral REAL, or decimal TEXT);
 * false when NULL or not a number. */
bool chat_col_int(sqlite3_stmt *stmt, int i, int64_t *out);

/* chat_col_int_or — the integer, or fallback. */
int64_t chat_col_int_or(sqlite3_stmt *stmt, int i, int64_t fallback);

/* chat_col_time — the column as a count of units per second since epoch
 * (INTEGER, REAL or numeric TEXT), through chat_time_from. */
chat_time chat_col_time(chat_ctx *ctx, sqlite3_stmt *stmt, int i,
                        int64_t units, int64_t epoch, bool zero_is_unset);

/* chat_extra_int / chat_extra_text — add column i of stmt to a JSON
 * object under key, when it holds an integer (a text). */
void chat_extra_int(chat_json *extra, const char *key, sqlite3_stmt *stmt, int i);
void chat_extra_text(chat_json *extra, const char *key, sqlite3_stmt *stmt, int i);

/* ---- lookups in the live database -------------------------------------- */

/*
 * chat_prepare — a statement on db, or NULL.  A failure is reported
 * unless quiet (used for optional tables: a missing one is no error).
 */
sqlite3_stmt *chat_prepare(chat_ctx *ctx, sqlite3 *db, const char *sql,
                           bool quiet);

/* chat_lookup_int / chat_lookup_text — reset stmt, bind ?1, step once.
 * RETURN: true with a row ready; false for no row or a failure
 * (reported). */
bool chat_lookup_int(chat_ctx *ctx, sqlite3_stmt *stmt, int64_t key);
bool chat_lookup_text(chat_ctx *ctx, sqlite3_stmt *stmt, const char *key);

/* chat_step — step stmt; true with a row, false at the end or on a
 * failure (reported). */
bool chat_step(chat_ctx *ctx, sqlite3_stmt *stmt);

/*
 * A reference from a row to another table (a message's handle, its
 * chat): looked up in the live database, and for recovered rows then in
 * the recovered one (a deleted message may name a deleted handle).
 */
typedef struct chat_lookup {
	sqlite3_stmt *live;
	sqlite3_stmt *recovered;
	sqlite3_stmt *found; /* the statement holding the current row */
} chat_lookup;

/* chat_lookup_open — prepare sql (one parameter, ?1) on the source's
 * databases; a missing table leaves the lookup empty (never found). */
void chat_lookup_open(chat_lookup *l, chat_ctx *ctx, const chat_source *src,
                      const char *sql);
/* chat_lookup_find / _text / _value — the first row for key (_value
 * binds a value of another row as it is: a BLOB guid stays a BLOB);
 * chat_lookup_more then steps to the next one of the same statement.
 * The row is in l->found. */
bool chat_lookup_find(chat_lookup *l, chat_ctx *ctx, int64_t key);
bool chat_lookup_find_text(chat_lookup *l, chat_ctx *ctx, const char *key);
bool chat_lookup_find_value(chat_lookup *l, chat_ctx *ctx, sqlite3_value *key);
bool chat_lookup_more(chat_lookup *l, chat_ctx *ctx);
void chat_lookup_close(chat_lookup *l);
/* chat_lookup_add_rest — after a find: the text of the first column of
 * the row found and of the rows after it added to list (once each, empty
 * ones left out), at most max rows read. */
void chat_lookup_add_rest(chat_lookup *l, chat_ctx *ctx, chat_json *list, size_t max);

/* chat_others — the members of participants (a JSON array) but sender,
 * as a JSON array (malloc'd; at most max members read), or NULL when
 * participants is NULL: a message's recipients in a group thread. */
char *chat_others(chat_ctx *ctx, const chat_source *src, const char *participants,
                  const char *sender, size_t max);

/*
 * Rows that belong to a row of src (a message's media, its quote): read
 * from src's own database, and for a recovered row then from the live
 * one, since an app may delete the message and leave its other rows (a
 * deleted message's media row that survives live is still its media:
 * row ids of AUTOINCREMENT tables are never reused).  The query selects
 * its columns, then the provenance columns where it says %s (the only
 * conversion in it), from one table, for one key ?1.
 */
typedef struct chat_related {
	const chat_source *src;
	const char *table;
	int first;            /* the first provenance column */
	sqlite3_stmt *own;    /* on src->rows */
	sqlite3_stmt *live;   /* recovered passes: on src->lookup */
	sqlite3_stmt *found;  /* the statement holding the current row */
} chat_related;

/* chat_related_open — prepare sql (see above) whose provenance columns
 * start at column first; a missing table leaves it empty (never found). */
void chat_related_open(chat_related *r, chat_ctx *ctx, const chat_source *src,
                       const char *table, int first, const char *sql);
/* chat_related_open_columns — the same for "SELECT <columns> FROM table
 * WHERE key_column = ?1 ORDER BY rowid": the listed columns (NULL for
 * those the table lacks), provenance after them. */
void chat_related_open_columns(chat_related *r, chat_ctx *ctx, const chat_source *src,
                               const char *table, const char *key_column,
                               const char *const *columns);
/* chat_related_find — the first row for key, in r->found; then
 * chat_related_more for the next of the same database. */
bool chat_related_find(chat_related *r, chat_ctx *ctx, int64_t key);
bool chat_related_more(chat_related *r, chat_ctx *ctx);
/* chat_related_provenance — where the current row comes from. */
void chat_related_provenance(const chat_related *r, chat_provenance *p);
void chat_related_close(chat_related *r);

/* ---- the driver -------------------------------------------------------- */

typedef struct chat_parser {
	const char *app;                      /* ctx->app while it runs */
	const char *const *fingerprint;       /* all must hold */
	int (*extract)(chat_ctx *ctx, const chat_source *src);
} chat_parser;

/* Every row takes at least this many bytes of its page (pointer and
 * cell): no table of a database of n bytes holds more than n / this rows. */
#define CHAT_MIN_ROW_BYTES 4

/*
 * chat_analyze_sqlite — the analyze() of an SQLite chat plugin: when the
 * item is an SQLite database, open it through the host and run every
 * parser whose fingerprint it matches on its live rows, then on the rows
 * the host recovers from its free space (open_sqlite_recovered), with
 * ctx->max_rows set from the item's size.  A failure of the recovery is
 * reported and leaves the live records as they are.  A database no
 * parser recognises gives no record and EXHIBIT_OK.
 * RETURN: the worst code met.
 */
int chat_analyze_sqlite(const exhibit_host_api *api, exhibit_host *host,
                        const exhibit_item *item, const chat_parser *parsers,
                        size_t n_parsers);

/*
 * CHAT_SQLITE_PLUGIN — the descriptor and entry point of a chat plugin
 * that reads SQLite databases: analyze() is chat_analyze_sqlite over the
 * PARSERS array, and the plugin is offered every SQLite database (it
 * recognises its app by schema, never by name).  One per plugin file.
 */
#define CHAT_SQLITE_PLUGIN(NAME, VERSION, DESCRIPTION, PARSERS)                           \
	static int chat_plugin_analyze(const exhibit_host_api *api, exhibit_host *host,  \
	                               const exhibit_item *item)                          \
	{                                                                                 \
		return chat_analyze_sqlite(api, host, item, PARSERS,                      \
		                           sizeof PARSERS / sizeof PARSERS[0]);           \
	}                                                                                 \
	static const char *const chat_plugin_mime_types[] = { "application/vnd.sqlite3", NULL }; \
	static const exhibit_plugin chat_plugin = {                                       \
		EXHIBIT_ABI_VERSION, NAME, VERSION, DESCRIPTION, EXHIBIT_PLUGIN_ANALYZER,  \
		chat_plugin_mime_types, NULL, NULL, 0, chat_plugin_analyze, NULL, NULL     \
	};                                                                                \
	const exhibit_plugin *exhibit_plugin_entry(void)                                  \
	{                                                                                 \
		return &chat_plugin;                                                      \
	}

#endif

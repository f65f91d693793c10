/*
 * sqlite_schema.h — what tables an SQLite database declares and how their
 * records are laid out, read with the page-level reader (no SQL engine
 * runs anything the database says).
 *
 * sqlite_schema_read walks the live sqlite_schema table (page 1) and
 * parses each table's CREATE TABLE statement with a tokenizer of its own:
 * column names (quoted in any of SQLite's four ways), declared types and
 * the affinity SQLite derives from them, NOT NULL, literal DEFAULT values
 * (what SQLite returns for a column a record is too short to hold, after
 * ALTER TABLE ADD COLUMN), generated columns (VIRTUAL ones take no place
 * in the record), the INTEGER PRIMARY KEY that aliases the rowid (stored
 * as NULL in the record), and WITHOUT ROWID.  Statements it cannot parse
 * are reported and the table left out.
 *
 * Besides the user's tables the schema lists SQLite's own (sqlite_schema
 * itself, sqlite_sequence, sqlite_stat*), flagged `internal`: recovery
 * matches their records so that they are not mistaken for user rows, and
 * never reports them.  The roots of indexes and WITHOUT ROWID tables are
 * kept too, so that their pages are known for what they are.
 *
 * Reference: "Datatypes In SQLite" (3.1, affinity by declared type) and
 * "CREATE TABLE" (rowid aliases, generated columns).
 */
#ifndef EXHIBIT_SQLITE_SCHEMA_H
#define EXHIBIT_SQLITE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sqlite_pages.h"
#include "sqlite_record.h"

typedef enum sqlite_affinity {
	SQLITE_AFF_BLOB = 0,
	SQLITE_AFF_TEXT,
	SQLITE_AFF_NUMERIC,
	SQLITE_AFF_INTEGER,
	SQLITE_AFF_REAL
} sqlite_affinity;

typedef struct sqlite_column {
	char *name;                /* UTF-8, unquoted */
	char *type;                /* declared type as written, "" when none */
	sqlite_affinity affinity;
	bool rowid_alias;          /* INTEGER PRIMARY KEY */
	bool not_null;
	bool virtual_generated;    /* GENERATED ... VIRTUAL: not in the record */
	bool has_default;          /* a literal DEFAULT */
	sqlite_value_kind default_kind;
	int64_t default_i;
	double default_r;
	char *default_bytes;       /* TEXT (UTF-8) or BLOB */
	size_t default_len;
} sqlite_column;

typedef struct sqlite_table {
	char *name;                /* UTF-8 */
	uint32_t root;
	bool internal;             /* SQLite's own: never reported */
	size_t n_columns;
	sqlite_column *columns;
	size_t n_stored;           /* columns the record holds */
	size_t *stored;            /* record field k -> column index */
} sqlite_table;

typedef struct sqlite_schema {
	sqlite_table *tables;      /* rowid tables with a parsed layout */
	size_t n_tables;
	uint32_t *other_roots;     /* indexes, WITHOUT ROWID and unparsed tables */
	size_t n_other_roots;
} sqlite_schema;

/*
 * sqlite_schema_read — the schema of the live database.  Damage in the
 * sqlite_schema b-tree or in one statement is reported (sqlite_pages.h)
 * and the rest is kept.
 * RETURN: 0 with *schema filled (free with sqlite_schema_free), or
 * EXHIBIT_ERR when out of memory.
 */
int sqlite_schema_read(sqlite_db *db, sqlite_schema *schema, exhibit_error *err);
void sqlite_schema_free(sqlite_schema *schema);

/*
 * sqlite_table_parse — the column layout of one CREATE TABLE statement
 * (UTF-8, len bytes).  name and root are left for the caller.
 * RETURN: 0, 1 for a table this module does not lay out (WITHOUT ROWID,
 * virtual), or EXHIBIT_ERR_FORMAT with err saying what did not parse.
 */
int sqlite_table_parse(const char *sql, size_t len, sqlite_table *table,
                       exhibit_error *err);
void sqlite_table_free(sqlite_table *table);

/* sqlite_type_affinity — the affinity SQLite gives a declared type. */
sqlite_affinity sqlite_type_affinity(const char *type);

#endif

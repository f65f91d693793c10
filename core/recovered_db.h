/*
 * recovered_db.h — the rows sqlite_recover found, as an SQLite database a
 * plugin can query like the live one.
 *
 * For every table of the recovered schema that is not SQLite's own, the
 * database holds a table of the same name with the same columns, in the
 * same order, without types or constraints (values keep the exact type
 * they were recovered with), plus three columns:
 *
 *   _origin  TEXT     where the row was found (sqlite_origin_format);
 *   _offset  INTEGER  the byte offset of its cell in the file named by
 *                     _origin (the database, its WAL or its journal);
 *   _rowid   INTEGER  its rowid when that survived, else NULL.
 *
 * A table whose own columns already use one of those names, or that
 * SQLite refuses to create (two columns of one name), is left out and
 * reported.  The database is built privately, then served through
 * untrusted_sqlite (read-only, hardened, time budget), so plugins close it
 * like any other with close_sqlite.
 */
#ifndef EXHIBIT_RECOVERED_DB_H
#define EXHIBIT_RECOVERED_DB_H

#include <sqlite3.h>

#include "error.h"
#include "sqlite_recover.h"
#include "untrusted_sqlite.h"

/*
 * recovered_db_open — build the database for rec (tables left out are
 * added to rec->problems) and open it with the given budget (NULL for the
 * defaults).
 * RETURN: 0 with *db set, or a negative EXHIBIT_ERR_* code with err set.
 */
int recovered_db_open(sqlite_recovery *rec, const untrusted_sqlite_budget *budget,
                      sqlite3 **db, exhibit_error *err);

#endif

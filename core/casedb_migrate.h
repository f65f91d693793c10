/*
 * casedb_migrate.h — bringing an older case forward to this exhibit's
 * schema, in one transaction, whole or not at all.
 *
 * The schema only ever adds (tables, columns, indexes, views, triggers,
 * plugin record tables), so a migration gives the case what the current
 * schemas/case.sql has and it lacks, recreates the views, and records the
 * new version.  The case's data is never rewritten.
 */
#ifndef EXHIBIT_CASEDB_MIGRATE_H
#define EXHIBIT_CASEDB_MIGRATE_H

#include <sqlite3.h>

#include "error.h"

/* casedb_migrate — from_version < to_version.  RETURN 0 or negative. */
int casedb_migrate(sqlite3 *db, int from_version, int to_version, exhibit_error *err);

#endif

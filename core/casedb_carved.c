/*
 * casedb_carved.c — the carved table (see casedb.h, "carving").
 */
#include <stdio.h>
#include <string.h>

#include "casedb.h"

static int fail(casedb *db, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, -1, -1, "%s/case.db: %s: %s", casedb_dir(db), what,
	                         sqlite3_errmsg(casedb_handle(db)));
}

static int run_once(casedb *db, sqlite3_stmt *s, const char *what, exhibit_error *err)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail(db, err, what);
}

int casedb_insert_carved(casedb *db, int64_t file_id, int64_t evidence_id, const carved_row *c,
                         exhibit_error *err)
{
	static const char what[] = "cannot record a carved file";
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(casedb_handle(db),
	        "INSERT INTO carved(file_id, evidence_id, stream, fs_id, carver, image_offset, "
	        "length, fragments, joined, validated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	        -1, &s, NULL) != SQLITE_OK)
		return fail(db, err, what);
	sqlite3_bind_int64(s, 1, file_id);
	sqlite3_bind_int64(s, 2, evidence_id);
	sqlite3_bind_text(s, 3, c->stream, -1, SQLITE_STATIC);
	if (c->fs_id > 0)
		sqlite3_bind_int64(s, 4, c->fs_id);
	sqlite3_bind_text(s, 5, c->carver, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)c->image_offset);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)c->length);
	sqlite3_bind_int(s, 8, (int)c->fragments);
	sqlite3_bind_int(s, 9, c->joined);
	sqlite3_bind_int(s, 10, c->validated);
	return run_once(db, s, what, err);
}

int casedb_each_carved(casedb *db, int64_t evidence_id,
                       void (*fn)(void *ctx, const carved_row *c), void *ctx,
                       exhibit_error *err)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(casedb_handle(db),
	        "SELECT stream, coalesce(fs_id, 0), image_offset, carver FROM carved "
	        "WHERE evidence_id = ?1", -1, &s, NULL) != SQLITE_OK)
		return fail(db, err, "cannot read the carved files");
	sqlite3_bind_int64(s, 1, evidence_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		carved_row c;

		memset(&c, 0, sizeof c);
		c.stream = (const char *)sqlite3_column_text(s, 0);
		c.fs_id = sqlite3_column_int64(s, 1);
		c.image_offset = (uint64_t)sqlite3_column_int64(s, 2);
		c.carver = (const char *)sqlite3_column_text(s, 3);
		if (c.stream && c.carver)
			fn(ctx, &c);
	}
	sqlite3_finalize(s);
	return 0;
}

int casedb_insert_evidence_problem_by(casedb *db, int64_t evidence_id, const char *plugin,
                                      int64_t offset, const char *message, exhibit_error *err)
{
	static const char what[] = "cannot record an error";
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(casedb_handle(db),
	        "INSERT INTO errors(evidence_id, plugin, offset, message, at) "
	        "SELECT ?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE NOT EXISTS "
	        "(SELECT 1 FROM errors WHERE evidence_id = ?1 AND file_id IS NULL AND plugin IS ?2 "
	        "AND offset IS ?3 AND message = ?4)", -1, &s, NULL) != SQLITE_OK)
		return fail(db, err, what);
	sqlite3_bind_int64(s, 1, evidence_id);
	if (plugin)
		sqlite3_bind_text(s, 2, plugin, -1, SQLITE_STATIC);
	if (offset >= 0)
		sqlite3_bind_int64(s, 3, offset);
	sqlite3_bind_text(s, 4, message, -1, SQLITE_STATIC);
	return run_once(db, s, what, err);
}

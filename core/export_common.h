/*
 * export_common.h — what the exporters share (export.c); not a public API.
 */
#ifndef EXHIBIT_EXPORT_COMMON_H
#define EXHIBIT_EXPORT_COMMON_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "hash.h"

/* export_case_dir — the case directory of db (malloc'd), or NULL. */
char *export_case_dir(sqlite3 *db);

/*
 * export_check_output — output may be written: nothing is there yet, its
 * directory exists, and it is not (inside) any evidence of the case.
 * RETURN: 0, or a negative code with err saying which rule it breaks.
 */
int export_check_output(sqlite3 *db, const char *output, exhibit_error *err);

/* export_iso_time — sec/ns as ISO-8601 (with nanoseconds when ns is not
 * 0) into out (at least 40 bytes): UTC with its "Z" when utc, else without
 * a zone (FAT and ISO 9660 keep the device's local time, zone unknown).
 * RETURN: 0, or -1 when the time cannot be shown. */
int export_iso_time(int64_t sec, int64_t ns, int utc, char *out);

/* EXPORT_UTC_SQL — 1 when the times of file f (a files row) are UTC: its
 * file system says so, or it has none (a directory source). */
#define EXPORT_UTC_SQL \
	"coalesce((SELECT x.time_source = 'UTC' FROM filesystems x WHERE x.id = f.fs_id), 1)"

/* export_precision — the precision of time name ("mtime") out of the case's
 * time_precision ("1ns", or per time: "mtime 2s, atime 1 day"), into out
 * (32 bytes); "" when it does not say. */
void export_precision(const char *precision, const char *name, char *out);

/* export_now — the current time, ISO-8601 UTC, into out (40 bytes). */
void export_now(char *out);

/* export_uuid — a name-based UUID (RFC 4122 version 5) for the object
 * "kind:id" of this case: the same case gives the same identifiers on
 * every export, and no two cases share one.  out: 37 bytes. */
void export_uuid(sqlite3 *db, const char *kind, int64_t id, char *out);

/* export_warn — pass a non-fatal finding to the caller's callback. */
void export_warn(const export_options *opt, export_result *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* export_result_set — fill res from a finished stream written to path. */
int export_result_set(export_result *res, const digests *d, uint64_t size, const char *path,
                      exhibit_error *err);

/* export_has_table — 1 when the case has a table or view called name. */
int export_has_table(sqlite3 *db, const char *name);

/* export_sql_error — err from db's last error, with context. */
int export_sql_error(sqlite3 *db, exhibit_error *err, const char *context);

/* export_hex_column — column i (a digest BLOB) as lowercase hex into out
 * (2*len+1 bytes); "" when it is NULL or of another length. */
void export_hex_column(sqlite3_stmt *st, int i, size_t len, char *out);

#endif

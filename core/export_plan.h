/*
 * export_plan.h — where each extracted file goes, decided once.
 *
 * The 'files' export writes every regular file with content; the
 * 'hashdeep' export lists the same files under the same names without
 * writing them.  Both ask this module, so the two always agree.  The plan
 * is a TEMP table on the case connection (on disk, so memory stays bounded
 * whatever the case size); the case itself is never written.
 *
 * Layout, relative to the export directory:
 *   exhibit-manifest.csv                    one row per file: where it went, where it came from
 *   evidence-E/volume-OFFSET-FSTYPE/PATH    file-system items (and what was found inside them)
 *   evidence-E/logical/PATH                 items of directory evidence, carved items
 * Every component of PATH is sanitised (export_names.h).  Names stay
 * distinct:
 *   - a deleted entry is "name (deleted).ext";
 *   - a second file under a name already used is "name (id N).ext"
 *     ("name (deleted, id N).ext"), N being its file id in the case;
 *   - a directory whose name a file already took (a container and what was
 *     found inside it, "x.zip" and "x.zip/a.txt") is "x.zip (contents)";
 *   - names differing only in ASCII case count as the same, so an export
 *     copied to a case-insensitive file system keeps them apart;
 *   - a path longer than EXPORT_PLAN_PATH_MAX goes to "_too-deep/name (id N)"
 *     of its volume.
 * The order is fixed by the case (evidence, volume, path, file id), so the
 * same case always gives the same plan.
 */
#ifndef EXHIBIT_EXPORT_PLAN_H
#define EXHIBIT_EXPORT_PLAN_H

#include <sqlite3.h>

#include "error.h"
#include "export_sink.h"

#define EXPORT_MANIFEST_NAME "exhibit-manifest.csv"
#define EXPORT_PLAN_PATH_MAX 3000

/*
 * export_plan_build — (re)make temp.export_plan(seq, file_id, rel): one row
 * per regular file with content, rel its path in the export.
 * RETURN: the number of files planned, or a negative code with err.
 */
int64_t export_plan_build(sqlite3 *db, exhibit_error *err);

/* export_plan_drop — remove the plan's temp tables. */
void export_plan_drop(sqlite3 *db);

/*
 * The planned files with what the exporters need, in plan order.  Columns
 * are the EXPORT_PLAN_* indexes below.
 */
#define EXPORT_PLAN_SELECT \
	"SELECT p.rel, f.id, f.evidence_id, f.path, f.source, f.name_allocated, c.size, " \
	"c.md5, c.sha1, c.sha256, c.stored, fs.offset, fs.fs_type, f.meta_addr, f.attr_type, " \
	"f.attr_id, f.mtime, f.mtime_ns, f.atime, f.atime_ns, f.fs_id " \
	"FROM temp.export_plan p JOIN files f ON f.id = p.file_id " \
	"JOIN content c ON c.id = f.content_id LEFT JOIN filesystems fs ON fs.id = f.fs_id " \
	"ORDER BY p.seq"

enum {
	EXPORT_PLAN_REL, EXPORT_PLAN_FILE_ID, EXPORT_PLAN_EVIDENCE_ID, EXPORT_PLAN_PATH,
	EXPORT_PLAN_SOURCE, EXPORT_PLAN_ALLOCATED, EXPORT_PLAN_SIZE, EXPORT_PLAN_MD5,
	EXPORT_PLAN_SHA1, EXPORT_PLAN_SHA256, EXPORT_PLAN_STORED, EXPORT_PLAN_FS_OFFSET,
	EXPORT_PLAN_FS_TYPE, EXPORT_PLAN_META_ADDR, EXPORT_PLAN_ATTR_TYPE, EXPORT_PLAN_ATTR_ID,
	EXPORT_PLAN_MTIME, EXPORT_PLAN_MTIME_NS, EXPORT_PLAN_ATIME, EXPORT_PLAN_ATIME_NS,
	EXPORT_PLAN_FS_ID
};

/*
 * export_plan_write_manifest — the manifest CSV of the plan into s: a
 * header, then per file its extracted path, original path (escaped as the
 * case escapes text), evidence id, volume offset, file id, source, deleted
 * flag, size, MD5 and SHA-256.  Its bytes depend on the case alone.
 * RETURN: 0, or a negative code with err.
 */
int export_plan_write_manifest(sqlite3 *db, export_sink *s, exhibit_error *err);

#endif

/*
 * export_plan.c — see export_plan.h.
 *
 * The names already given live in temp.export_names, one row per file or
 * directory of the export: its parent, its (sanitised) name, and for a
 * directory the original component it stands for, so that every item under
 * the same original directory lands in the same place even when that
 * directory had to be renamed.
 */
#include "export_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_common.h"
#include "export_names.h"
#include "export_text.h"
#include "hash.h"
#include "text.h"

enum { KIND_FILE = 0, KIND_DIR = 1, KIND_GENERATED = 2 };

typedef struct planner {
	sqlite3 *db;
	sqlite3_stmt *find_dir, *taken, *add_name, *add_plan;
	int64_t seq;
	exhibit_error *err;
} planner;

typedef struct node {
	int64_t id;
	char *rel;   /* "" for the root */
} node;

static const char plan_schema[] =
	"DROP TABLE IF EXISTS temp.export_plan;"
	"DROP TABLE IF EXISTS temp.export_names;"
	"CREATE TEMP TABLE export_plan (seq INTEGER PRIMARY KEY, file_id INTEGER NOT NULL UNIQUE, "
	"  rel TEXT NOT NULL);"
	"CREATE TEMP TABLE export_names (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL, "
	"  name TEXT NOT NULL COLLATE NOCASE, orig BLOB, kind INTEGER NOT NULL, rel TEXT NOT NULL, "
	"  UNIQUE (parent, name));"
	"CREATE INDEX temp.export_names_orig ON export_names(parent, kind, orig);";

void export_plan_drop(sqlite3 *db)
{
	sqlite3_exec(db, "DROP TABLE IF EXISTS temp.export_plan; DROP TABLE IF EXISTS temp.export_names",
	             NULL, NULL, NULL);
}

static int name_taken(planner *pl, int64_t parent, const char *name)
{
	int taken;

	sqlite3_reset(pl->taken);
	sqlite3_bind_int64(pl->taken, 1, parent);
	sqlite3_bind_text(pl->taken, 2, name, -1, SQLITE_STATIC);
	taken = sqlite3_step(pl->taken) == SQLITE_ROW;
	sqlite3_reset(pl->taken);
	return taken;
}

static char *join_rel(const char *parent_rel, const char *name)
{
	char *rel = NULL;

	if (asprintf(&rel, "%s%s%s", parent_rel, *parent_rel ? "/" : "", name) < 0)
		return NULL;
	return rel;
}

/* add_name — record name under parent; its id and rel path into out. */
static int add_name(planner *pl, const node *parent, const char *name, const void *orig,
                    size_t orig_len, int kind, node *out)
{
	char *rel = join_rel(parent->rel, name);

	if (!rel)
		return exhibit_error_set(pl->err, -1, -1, "out of memory");
	sqlite3_reset(pl->add_name);
	sqlite3_bind_int64(pl->add_name, 1, parent->id);
	sqlite3_bind_text(pl->add_name, 2, name, -1, SQLITE_STATIC);
	if (orig)
		sqlite3_bind_blob(pl->add_name, 3, orig, (int)orig_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(pl->add_name, 3);
	sqlite3_bind_int(pl->add_name, 4, kind);
	sqlite3_bind_text(pl->add_name, 5, rel, -1, SQLITE_STATIC);
	if (sqlite3_step(pl->add_name) != SQLITE_DONE) {
		free(rel);
		sqlite3_reset(pl->add_name);
		return export_sql_error(pl->db, pl->err, "planning the export");
	}
	sqlite3_reset(pl->add_name);
	out->id = sqlite3_last_insert_rowid(pl->db);
	out->rel = rel;
	return 0;
}

/* directory — the node under parent standing for the original component
 * orig (made on first use); generated directories (kind 2) carry their
 * own name as orig. */
static int directory(planner *pl, const node *parent, const char *orig, size_t orig_len,
                     int kind, node *out)
{
	char *base, *name;
	int rc;

	sqlite3_reset(pl->find_dir);
	sqlite3_bind_int64(pl->find_dir, 1, parent->id);
	sqlite3_bind_int(pl->find_dir, 2, kind);
	sqlite3_bind_blob(pl->find_dir, 3, orig, (int)orig_len, SQLITE_STATIC);
	if (sqlite3_step(pl->find_dir) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(pl->find_dir, 0);
		out->rel = strdup((const char *)sqlite3_column_text(pl->find_dir, 1));
		sqlite3_reset(pl->find_dir);
		return out->rel ? 0 : exhibit_error_set(pl->err, -1, -1, "out of memory");
	}
	sqlite3_reset(pl->find_dir);
	base = kind == KIND_GENERATED ? strndup(orig, orig_len) : export_name_sanitise(orig, orig_len);
	name = base ? strdup(base) : NULL;
	for (int k = 1; name && name_taken(pl, parent->id, name); k++) {
		free(name);
		if (asprintf(&name, k == 1 ? "%s (contents)" : "%s (contents %d)", base, k) < 0)
			name = NULL;
	}
	rc = name ? add_name(pl, parent, name, orig, orig_len, kind, out)
	          : exhibit_error_set(pl->err, -1, -1, "out of memory");
	free(base);
	free(name);
	return rc;
}

/* file_name — a name for the file under parent, distinct from every name
 * already there. */
static char *file_name(planner *pl, const node *parent, const char *base, int deleted,
                       int64_t file_id)
{
	char marker[64], *name = deleted ? export_name_mark(base, "deleted") : strdup(base);

	for (int k = 0; name && name_taken(pl, parent->id, name); k++) {
		free(name);
		if (k == 0)
			snprintf(marker, sizeof marker, "%sid %lld", deleted ? "deleted, " : "",
			         (long long)file_id);
		else
			snprintf(marker, sizeof marker, "%sid %lld-%d", deleted ? "deleted, " : "",
			         (long long)file_id, k + 1);
		name = export_name_mark(base, marker);
	}
	return name;
}

/* volume_root — evidence-E/volume-OFFSET-TYPE, or evidence-E/logical. */
static int volume_root(planner *pl, sqlite3_stmt *item, node *out)
{
	node root = { 0, "" }, evidence;
	char name[128];
	int rc;

	snprintf(name, sizeof name, "evidence-%lld", (long long)sqlite3_column_int64(item, 1));
	rc = directory(pl, &root, name, strlen(name), KIND_GENERATED, &evidence);
	if (rc < 0)
		return rc;
	if (sqlite3_column_type(item, 2) == SQLITE_NULL) {
		snprintf(name, sizeof name, "logical");
	} else {
		char *fs_type = export_name_sanitise((const char *)sqlite3_column_text(item, 3),
		                                     (size_t)sqlite3_column_bytes(item, 3));
		snprintf(name, sizeof name, "volume-%lld-%.40s", (long long)sqlite3_column_int64(item, 2),
		         fs_type ? fs_type : "unknown");
		free(fs_type);
	}
	rc = directory(pl, &evidence, name, strlen(name), KIND_GENERATED, out);
	free(evidence.rel);
	return rc;
}

/* item_directory — the directory an item goes in: its volume root, then
 * one directory per component of path[0..len) (all of them when
 * last_is_dir; else all but the last, whose place goes to file_at/len). */
static int item_directory(planner *pl, const node *volume, const char *path, size_t len,
                          int last_is_dir, node *at, size_t *file_at, size_t *file_len)
{
	size_t start = 0, last = 0, last_len = 0;
	node next;

	at->id = volume->id;
	if (!(at->rel = strdup(volume->rel)))
		return exhibit_error_set(pl->err, -1, -1, "out of memory");
	for (size_t i = 0; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		if (i > start) {  /* "a//b" has no empty component */
			if (last_len) {
				if (directory(pl, at, path + last, last_len, KIND_DIR, &next) < 0)
					return -1;
				free(at->rel);
				*at = next;
			}
			last = start;
			last_len = i - start;
		}
		start = i + 1;
	}
	if (last_is_dir && last_len) {
		if (directory(pl, at, path + last, last_len, KIND_DIR, &next) < 0)
			return -1;
		free(at->rel);
		*at = next;
		last_len = 0;
	}
	*file_at = last;
	*file_len = last_len;
	return 0;
}

/* record_plan — the file's name under at, and its row in the plan. */
static int record_plan(planner *pl, const node *at, const char *name, int64_t file_id)
{
	node added;
	int rc;

	if (add_name(pl, at, name, NULL, 0, KIND_FILE, &added) < 0)
		return -1;
	sqlite3_reset(pl->add_plan);
	sqlite3_bind_int64(pl->add_plan, 1, ++pl->seq);
	sqlite3_bind_int64(pl->add_plan, 2, file_id);
	sqlite3_bind_text(pl->add_plan, 3, added.rel, -1, SQLITE_STATIC);
	rc = sqlite3_step(pl->add_plan) == SQLITE_DONE ? 0
	     : export_sql_error(pl->db, pl->err, "planning the export");
	sqlite3_reset(pl->add_plan);
	free(added.rel);
	return rc;
}

/* place_item — plan one file: its directories, then its own name. */
static int place_item(planner *pl, sqlite3_stmt *item)
{
	int64_t file_id = sqlite3_column_int64(item, 0);
	const char *path = sqlite3_column_blob(item, 4), *own = sqlite3_column_blob(item, 6);
	size_t len = (size_t)sqlite3_column_bytes(item, 4), own_len = (size_t)sqlite3_column_bytes(item, 6);
	size_t file_at = 0, file_len = 0;
	int deleted = sqlite3_column_int(item, 5) == 0, rc = -1;
	node volume = { 0, NULL }, at = { 0, NULL };
	char *base = NULL, *name = NULL;

	/* A name may hold a '/' ("../../x" in a crafted directory entry): when
	 * the path ends with the entry's own name, that name is one component
	 * and what comes before it is directories. */
	if (own_len && own_len < len && path[len - own_len - 1] == '/' &&
	    !memcmp(path + len - own_len, own, own_len))
		len -= own_len + 1;
	else
		own = NULL;
	if (volume_root(pl, item, &volume) < 0 ||
	    item_directory(pl, &volume, path, len, own != NULL, &at, &file_at, &file_len) < 0)
		goto done;
	if (own)
		base = export_name_sanitise(own, own_len);
	else
		base = file_len ? export_name_sanitise(path + file_at, file_len) : strdup("_");
	if (!base || !(name = file_name(pl, &at, base, deleted, file_id)))
		goto out_of_memory;
	if (strlen(at.rel) + 1 + strlen(name) > EXPORT_PLAN_PATH_MAX) {
		/* Too deep to write or audit: keep it, flat, under its volume. */
		free(at.rel);
		at.rel = NULL;
		free(name);
		name = NULL;
		if (directory(pl, &volume, "_too-deep", 9, KIND_GENERATED, &at) < 0)
			goto done;
		if (!(name = file_name(pl, &at, base, deleted, file_id)))
			goto out_of_memory;
	}
	rc = record_plan(pl, &at, name, file_id);
	goto done;
out_of_memory:
	rc = exhibit_error_set(pl->err, -1, -1, "out of memory");
done:
	free(volume.rel);
	free(at.rel);
	free(base);
	free(name);
	return rc < 0 ? (pl->err && pl->err->code ? pl->err->code : -1) : 0;
}

int64_t export_plan_build(sqlite3 *db, exhibit_error *err)
{
	static const char items_sql[] =
		"SELECT f.id, f.evidence_id, fs.offset, fs.fs_type, f.path, f.name_allocated, f.name "
		"FROM files f JOIN content c ON c.id = f.content_id "
		"LEFT JOIN filesystems fs ON fs.id = f.fs_id WHERE f.type = 'r' "
		"ORDER BY f.evidence_id, coalesce(fs.offset, -1), fs.fs_type, f.path, f.id";
	planner pl = { db, NULL, NULL, NULL, NULL, 0, err };
	sqlite3_stmt *items = NULL;
	int rc = 0, step = SQLITE_DONE, own_transaction;

	exhibit_error_clear(err);
	if (sqlite3_exec(db, plan_schema, NULL, NULL, NULL) != SQLITE_OK)
		return export_sql_error(db, err, "planning the export");
	if (sqlite3_prepare_v2(db, "SELECT id, rel FROM temp.export_names WHERE parent = ?1 AND "
	                       "kind = ?2 AND orig = ?3", -1, &pl.find_dir, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT 1 FROM temp.export_names WHERE parent = ?1 AND name = ?2",
	                       -1, &pl.taken, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO temp.export_names(parent, name, orig, kind, rel) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &pl.add_name, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO temp.export_plan(seq, file_id, rel) VALUES (?1, ?2, ?3)",
	                       -1, &pl.add_plan, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, items_sql, -1, &items, NULL) != SQLITE_OK) {
		rc = export_sql_error(db, err, "planning the export");
		goto done;
	}
	/* One transaction for the plan's writes (to temp tables only), unless
	 * the caller already holds one. */
	own_transaction = sqlite3_get_autocommit(db);
	if (own_transaction)
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	while (rc == 0 && (step = sqlite3_step(items)) == SQLITE_ROW)
		rc = place_item(&pl, items);
	if (rc == 0 && step != SQLITE_DONE)
		rc = export_sql_error(db, err, "reading the case's files");
	if (own_transaction)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
done:
	sqlite3_finalize(items);
	sqlite3_finalize(pl.find_dir);
	sqlite3_finalize(pl.taken);
	sqlite3_finalize(pl.add_name);
	sqlite3_finalize(pl.add_plan);
	return rc < 0 ? rc : pl.seq;
}

int export_plan_write_manifest(sqlite3 *db, export_sink *s, exhibit_error *err)
{
	sqlite3_stmt *st;
	int step;

	if (sqlite3_prepare_v2(db, EXPORT_PLAN_SELECT, -1, &st, NULL) != SQLITE_OK)
		return export_sql_error(db, err, "writing the manifest");
	export_sink_puts(s, "extracted_path,original_path,evidence_id,volume_offset,file_id,source,"
	                    "deleted,size,md5,sha256\r\n");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char md5[2 * MD5_LEN + 1], sha256[2 * SHA256_LEN + 1];
		char *original = text_escape_utf8(sqlite3_column_blob(st, EXPORT_PLAN_PATH),
		                                  (size_t)sqlite3_column_bytes(st, EXPORT_PLAN_PATH));

		export_hex_column(st, EXPORT_PLAN_MD5, MD5_LEN, md5);
		export_hex_column(st, EXPORT_PLAN_SHA256, SHA256_LEN, sha256);
		export_csv_field(s, (const char *)sqlite3_column_text(st, EXPORT_PLAN_REL),
		                 (size_t)sqlite3_column_bytes(st, EXPORT_PLAN_REL), 0);
		export_sink_puts(s, ",");
		export_csv_field(s, original ? original : "", original ? strlen(original) : 0, 0);
		export_sink_printf(s, ",%lld,", (long long)sqlite3_column_int64(st, EXPORT_PLAN_EVIDENCE_ID));
		if (sqlite3_column_type(st, EXPORT_PLAN_FS_OFFSET) != SQLITE_NULL)
			export_sink_printf(s, "%lld", (long long)sqlite3_column_int64(st, EXPORT_PLAN_FS_OFFSET));
		export_sink_printf(s, ",%lld,", (long long)sqlite3_column_int64(st, EXPORT_PLAN_FILE_ID));
		export_csv_field(s, (const char *)sqlite3_column_text(st, EXPORT_PLAN_SOURCE),
		                 (size_t)sqlite3_column_bytes(st, EXPORT_PLAN_SOURCE), 0);
		export_sink_printf(s, ",%d,%lld,%s,%s\r\n", sqlite3_column_int(st, EXPORT_PLAN_ALLOCATED) == 0,
		                   (long long)sqlite3_column_int64(st, EXPORT_PLAN_SIZE), md5, sha256);
		free(original);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return export_sql_error(db, err, "writing the manifest");
	return 0;
}

/*
 * casedb.c — see casedb.h.
 */
#include "casedb.h"
#include "casedb_migrate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"

extern const char exhibit_case_schema_sql[]; /* schema_sql.c, from schemas/case.sql */

enum statement_id {
	ST_CONTENT_UPSERT, ST_CONTENT_ID, ST_FILE, ST_RUN, ST_ERROR, ST_VOLUME,
	ST_FS_INSERT, ST_FS_ID, ST_RANGE, ST_ANALYSIS,
	ST_HASH_HIT,
	ST_COUNT
};

static const char *const statement_sql[ST_COUNT] = {
	[ST_CONTENT_UPSERT] =
		"INSERT INTO content(sha256, md5, sha1, size, mime_type, stored, analysed) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(sha256) DO UPDATE SET "
		"analysed = max(analysed, excluded.analysed), stored = coalesce(stored, excluded.stored)",
	[ST_CONTENT_ID] = "SELECT id FROM content WHERE sha256 = ?1",
	[ST_FILE] =
		"INSERT INTO files(id, evidence_id, walk_seq, fs_id, parent_id, source, path, name, "
		"meta_addr, meta_seq, attr_type, attr_id, attr_name, type, size, name_allocated, "
		"meta_allocated, orphan, mode, uid, gid, mtime, mtime_ns, atime, atime_ns, ctime, "
		"ctime_ns, crtime, crtime_ns, time_precision, content_id, extension_mismatch, status) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
		"?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)",
	[ST_RUN] =
		"INSERT INTO data_runs(file_id, seq, file_offset, image_offset, length, flags) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_ERROR] =
		"INSERT INTO errors(evidence_id, file_id, plugin, offset, message, at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
	[ST_VOLUME] =
		"INSERT INTO volumes(evidence_id, vs_type, slot, offset, length, description, allocated) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_FS_INSERT] =
		"INSERT OR IGNORE INTO filesystems(evidence_id, offset, fs_type, block_size, "
		"block_count, time_source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_FS_ID] = "SELECT id FROM filesystems WHERE evidence_id = ?1 AND offset = ?2 AND fs_type = ?3",
	[ST_RANGE] =
		"INSERT INTO unallocated(evidence_id, fs_id, kind, image_offset, length) "
		"VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_ANALYSIS] =
		"INSERT OR REPLACE INTO analyses(content_id, plugin, status) "
		"VALUES ((SELECT id FROM content WHERE sha256 = ?1), ?2, ?3)",
	[ST_HASH_HIT] =
		"INSERT OR IGNORE INTO hash_hits(content_id, set_id, algorithm, category) "
		"VALUES ((SELECT id FROM content WHERE sha256 = ?1), ?2, ?3, ?4)",
};

#define RECORD_CACHE 16

typedef struct record_table {
	char *name;
	char **columns;
	size_t n_columns;
} record_table;

struct record_schema {
	record_table *tables;
	size_t n_tables;
};

typedef struct record_stmt {
	char *sql;
	sqlite3_stmt *stmt;
} record_stmt;

struct casedb {
	sqlite3 *db;
	char *dir;
	sqlite3_stmt *st[ST_COUNT];
	record_schema schema;
	record_stmt records[RECORD_CACHE];
	unsigned next_record_slot;
	int has_chat_index;       /* the case has chat_messages_fts */
};

/* ---------------------------------------------------------------- helpers */

static int db_fail(casedb *db, exhibit_error *err, const char *what)
{
	return exhibit_error_set(err, -1, -1, "%s/case.db: %s: %s", db->dir, what,
	                         sqlite3_errmsg(db->db));
}

static sqlite3_stmt *statement(casedb *db, enum statement_id id, exhibit_error *err)
{
	if (!db->st[id] &&
	    sqlite3_prepare_v3(db->db, statement_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
	                       &db->st[id], NULL) != SQLITE_OK) {
		db_fail(db, err, "cannot prepare a statement");
		return NULL;
	}
	sqlite3_reset(db->st[id]);
	sqlite3_clear_bindings(db->st[id]);
	return db->st[id];
}

static int step_done(casedb *db, sqlite3_stmt *s, exhibit_error *err, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, err, what);
	return 0;
}

/* prepare_once / finish_once — a statement used once: prepared (or the
 * failure recorded in err as what), then stepped and finalised. */
static sqlite3_stmt *prepare_once(casedb *db, const char *sql, const char *what,
                                  exhibit_error *err)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_fail(db, err, what);
		return NULL;
	}
	return s;
}

static int finish_once(casedb *db, sqlite3_stmt *s, const char *what, exhibit_error *err)
{
	int rc = step_done(db, s, err, what);

	sqlite3_finalize(s);
	return rc;
}

static int exec_sql(casedb *db, const char *sql, exhibit_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		exhibit_error_set(err, -1, -1, "%s/case.db: %s", db->dir, msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *text)
{
	if (text)
		sqlite3_bind_text(s, i, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void bind_id_or_null(sqlite3_stmt *s, int i, int64_t id)
{
	if (id > 0)
		sqlite3_bind_int64(s, i, id);
	else
		sqlite3_bind_null(s, i);
}

static int64_t single_int(casedb *db, const char *sql, int64_t fallback)
{
	sqlite3_stmt *s;
	int64_t v = fallback;

	if (sqlite3_prepare_v2(db->db, sql, -1, &s, NULL) != SQLITE_OK)
		return fallback;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* ---------------------------------------------------------------- open */

static int create_schema(casedb *db, exhibit_error *err)
{
	char info[512];

	if (exec_sql(db, "BEGIN", err) < 0)
		return -1;
	if (exec_sql(db, exhibit_case_schema_sql, err) < 0) {
		exec_sql(db, "ROLLBACK", NULL);
		return -1;
	}
	snprintf(info, sizeof info,
	         "INSERT INTO case_info(key, value) VALUES "
	         "('created', strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now')), "
	         "('created_by', 'exhibit %s'), ('schema_version', '%d')",
	         PACKAGE_VERSION, CASEDB_SCHEMA_VERSION);
	if (exec_sql(db, info, err) < 0) {
		exec_sql(db, "ROLLBACK", NULL);
		return -1;
	}
	return exec_sql(db, "COMMIT", err);
}

/* Older cases are brought forward (casedb_migrate.h); newer ones refused. */
static int migrate(casedb *db, int version, exhibit_error *err)
{
	if (version > CASEDB_SCHEMA_VERSION)
		return exhibit_error_set(err, -1, -1,
			"%s/case.db: schema version %d is newer than this exhibit understands (%d): "
			"use a newer exhibit", db->dir, version, CASEDB_SCHEMA_VERSION);
	if (version < CASEDB_SCHEMA_VERSION &&
	    casedb_migrate(db->db, version, CASEDB_SCHEMA_VERSION, err) < 0) {
		exhibit_error_prefix(err, "%s/case.db: ", db->dir);
		return -1;
	}
	return 0;
}

static void free_schema(record_schema *rs)
{
	for (size_t i = 0; i < rs->n_tables; i++) {
		for (size_t c = 0; c < rs->tables[i].n_columns; c++)
			free(rs->tables[i].columns[c]);
		free(rs->tables[i].columns);
		free(rs->tables[i].name);
	}
	free(rs->tables);
	memset(rs, 0, sizeof *rs);
}

static int load_table_columns(casedb *db, record_table *t)
{
	sqlite3_stmt *s;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db->db, "SELECT name FROM pragma_table_info(?1)", -1, &s,
	                       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(s, 0);

		if (!col || !strcmp(col, "content_id") || !strcmp(col, "id"))
			continue; /* the host sets them (id: the row's own key) */
		if (t->n_columns == cap) {
			char **grown = realloc(t->columns, (cap = cap ? cap * 2 : 8) * sizeof *grown);
			if (!grown)
				break;
			t->columns = grown;
		}
		t->columns[t->n_columns++] = strdup(col);
	}
	sqlite3_finalize(s);
	return 0;
}

static int load_record_schema(casedb *db, exhibit_error *err)
{
	sqlite3_stmt *s;
	record_schema *rs = &db->schema;
	size_t cap = 0;

	if (sqlite3_prepare_v2(db->db, "SELECT name FROM plugin_record_tables ORDER BY name",
	                       -1, &s, NULL) != SQLITE_OK)
		return db_fail(db, err, "cannot read the plugin record tables");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (rs->n_tables == cap) {
			record_table *grown = realloc(rs->tables, (cap = cap ? cap * 2 : 8) * sizeof *grown);
			if (!grown)
				break;
			rs->tables = grown;
		}
		memset(&rs->tables[rs->n_tables], 0, sizeof rs->tables[0]);
		rs->tables[rs->n_tables].name = strdup((const char *)sqlite3_column_text(s, 0));
		load_table_columns(db, &rs->tables[rs->n_tables]);
		rs->n_tables++;
	}
	sqlite3_finalize(s);
	return 0;
}

static int configure_connection(casedb *db, exhibit_error *err)
{
	sqlite3_busy_timeout(db->db, 10000);
	sqlite3_extended_result_codes(db->db, 1);
	/* WAL: readers (review) never block the writer; NORMAL sync is
	 * crash-safe for the process dying (kill -9) — the resume case. */
	return exec_sql(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
	                    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384;", err);
}

int casedb_open(const char *case_dir, casedb **out, exhibit_error *err)
{
	casedb *db = calloc(1, sizeof *db);
	char *path = NULL;
	int version;

	*out = NULL;
	if (!db)
		return exhibit_error_set(err, -1, -1, "out of memory");
	db->dir = strdup(case_dir);
	if (mkdir(case_dir, 0750) != 0 && errno != EEXIST) {
		exhibit_error_set(err, -1, -1, "%s: cannot create the case directory: %s",
		                  case_dir, strerror(errno));
		goto fail;
	}
	if (asprintf(&path, "%s/case.db", case_dir) < 0)
		goto fail;
	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		db_fail(db, err, "cannot open");
		goto fail;
	}
	if (configure_connection(db, err) < 0)
		goto fail;
	version = (int)single_int(db, "PRAGMA user_version", 0);
	if (version == 0 && single_int(db, "SELECT count(*) FROM sqlite_schema", 0) == 0) {
		if (create_schema(db, err) < 0)
			goto fail;
	} else if (version == 0) {
		exhibit_error_set(err, -1, -1, "%s: not an exhibit case (a database without a schema version)", path);
		goto fail;
	} else if (migrate(db, version, err) < 0) {
		goto fail;
	}
	if (load_record_schema(db, err) < 0)
		goto fail;
	db->has_chat_index = (int)single_int(db, "SELECT count(*) FROM sqlite_schema "
	                                     "WHERE name = 'chat_messages_fts'", 0) > 0;
	free(path);
	*out = db;
	return 0;
fail:
	free(path);
	casedb_close(db);
	return err && err->code ? err->code : -1;
}

void casedb_close(casedb *db)
{
	if (!db)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	for (int i = 0; i < RECORD_CACHE; i++) {
		sqlite3_finalize(db->records[i].stmt);
		free(db->records[i].sql);
	}
	free_schema(&db->schema);
	sqlite3_close_v2(db->db);
	free(db->dir);
	free(db);
}

const char *casedb_dir(const casedb *db) { return db->dir; }
sqlite3 *casedb_handle(casedb *db) { return db->db; }
const record_schema *casedb_record_schema(const casedb *db) { return &db->schema; }

int casedb_begin(casedb *db, exhibit_error *err) { return exec_sql(db, "BEGIN", err); }

/*
 * Chat messages written since the last commit go into the full-text index
 * in one statement, and case_info 'chat_fts_indexed' moves with them, in
 * the transaction that holds them: FTS5 flushes its buffer at the end of
 * every statement, so indexing each row from a trigger costs ~90 us a row,
 * four times the insert itself, where one statement per batch costs ~5.
 */
static int index_chat_messages(casedb *db, exhibit_error *err)
{
	if (!db->has_chat_index)
		return 0;
	return exec_sql(db,
		"INSERT INTO chat_messages_fts(rowid, body) SELECT id, body FROM chat_messages "
		"WHERE id > coalesce((SELECT CAST(value AS INTEGER) FROM case_info "
		"WHERE key = 'chat_fts_indexed'), 0) AND body IS NOT NULL;"
		"INSERT OR REPLACE INTO case_info(key, value) SELECT 'chat_fts_indexed', max(id) "
		"FROM chat_messages HAVING max(id) > coalesce((SELECT CAST(value AS INTEGER) "
		"FROM case_info WHERE key = 'chat_fts_indexed'), 0);", err);
}

int casedb_commit(casedb *db, exhibit_error *err)
{
	if (index_chat_messages(db, err) < 0) {
		exhibit_error_prefix(err, "indexing chat messages: ");
		return -1;
	}
	return exec_sql(db, "COMMIT", err);
}

/* ---------------------------------------------------------------- evidence */

int64_t casedb_find_evidence(casedb *db, const char *path, char *status, size_t status_len)
{
	sqlite3_stmt *s;
	int64_t id = 0;

	if (sqlite3_prepare_v2(db->db, "SELECT id, status FROM evidence WHERE path = ?1", -1,
	                       &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		snprintf(status, status_len, "%s", (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	return id;
}

int casedb_evidence_hashed(casedb *db, int64_t id)
{
	char sql[128];

	snprintf(sql, sizeof sql, "SELECT md5 IS NOT NULL FROM evidence WHERE id = %lld", (long long)id);
	return (int)single_int(db, sql, 0);
}

int casedb_insert_evidence(casedb *db, const evidence_source *src, int64_t *id,
                           exhibit_error *err)
{
	sqlite3_stmt *s;
	char *segments = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&segments, &len);
	int rc;

	if (!mem)
		return exhibit_error_set(err, -1, -1, "out of memory");
	for (int i = 0; i < src->n_segments; i++)
		fprintf(mem, "%s%s", i ? "\n" : "", src->segments[i]);
	fclose(mem);
	if (sqlite3_prepare_v2(db->db,
	        "INSERT INTO evidence(path, segments, format, size, sector_size, added) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
	        -1, &s, NULL) != SQLITE_OK) {
		free(segments);
		return db_fail(db, err, "cannot record the evidence");
	}
	sqlite3_bind_text(s, 1, src->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, segments ? segments : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, src->format, -1, SQLITE_STATIC);
	if (src->kind == SOURCE_IMAGE) {
		sqlite3_bind_int64(s, 4, (sqlite3_int64)src->size);
		sqlite3_bind_int64(s, 5, src->sector_size);
	}
	rc = step_done(db, s, err, "cannot record the evidence");
	sqlite3_finalize(s);
	free(segments);
	*id = sqlite3_last_insert_rowid(db->db);
	return rc;
}

int casedb_set_evidence_ewf(casedb *db, int64_t id, const ewf_meta *m, exhibit_error *err)
{
	sqlite3_stmt *s = prepare_once(db,
		"UPDATE evidence SET case_number = ?2, evidence_number = ?3, examiner = ?4, "
		"description = ?5, notes = ?6, acquired = ?7, acquisition_software = ?8, "
		"stored_md5 = ?9, stored_sha1 = ?10, system_date = ?11, "
		"acquisition_software_version = ?12, acquisition_os = ?13, device_model = ?14, "
		"device_serial = ?15, media_size = ?16, chunk_size = ?17, compression = ?18 "
		"WHERE id = ?1",
		"cannot record the EWF metadata", err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	bind_text_or_null(s, 2, m->case_number);
	bind_text_or_null(s, 3, m->evidence_number);
	bind_text_or_null(s, 4, m->examiner);
	bind_text_or_null(s, 5, m->description);
	bind_text_or_null(s, 6, m->notes);
	bind_text_or_null(s, 7, m->acquired);
	bind_text_or_null(s, 8, m->acquisition_software);
	if (m->has_md5)
		sqlite3_bind_blob(s, 9, m->md5, sizeof m->md5, SQLITE_STATIC);
	if (m->has_sha1)
		sqlite3_bind_blob(s, 10, m->sha1, sizeof m->sha1, SQLITE_STATIC);
	bind_text_or_null(s, 11, m->system_date);
	bind_text_or_null(s, 12, m->acquisition_software_version);
	bind_text_or_null(s, 13, m->acquisition_os);
	bind_text_or_null(s, 14, m->model);
	bind_text_or_null(s, 15, m->serial_number);
	if (m->media_size)
		sqlite3_bind_int64(s, 16, (sqlite3_int64)m->media_size);
	if (m->chunk_size)
		sqlite3_bind_int64(s, 17, m->chunk_size);
	bind_text_or_null(s, 18, ewf_compression_name(m->compression_level));
	return finish_once(db, s, "cannot record the EWF metadata", err);
}

int casedb_set_evidence_hashes(casedb *db, int64_t id, const digests *d, exhibit_error *err)
{
	sqlite3_stmt *s = prepare_once(db,
		"UPDATE evidence SET md5 = ?2, sha1 = ?3, sha256 = ?4 WHERE id = ?1",
		"cannot record the image hashes", err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, d->md5, MD5_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, d->sha1, SHA1_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, d->sha256, SHA256_LEN, SQLITE_STATIC);
	return finish_once(db, s, "cannot record the image hashes", err);
}

int casedb_set_evidence_status(casedb *db, int64_t id, const char *status, exhibit_error *err)
{
	sqlite3_stmt *s = prepare_once(db, "UPDATE evidence SET status = ?2 WHERE id = ?1",
	                               "cannot update the evidence status", err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	return finish_once(db, s, "cannot update the evidence status", err);
}

int casedb_forget_layout(casedb *db, int64_t evidence_id, exhibit_error *err)
{
	char sql[256];

	snprintf(sql, sizeof sql,
	         "DELETE FROM volumes WHERE evidence_id = %lld; "
	         "DELETE FROM unallocated WHERE evidence_id = %lld;",
	         (long long)evidence_id, (long long)evidence_id);
	return exec_sql(db, sql, err);
}

int casedb_insert_damaged_range(casedb *db, int64_t evidence_id, uint64_t offset,
                                uint64_t length, const char *reason, exhibit_error *err)
{
	sqlite3_stmt *s = prepare_once(db,
		"INSERT INTO damaged_ranges(evidence_id, image_offset, length, reason) "
		"VALUES (?1, ?2, ?3, ?4)",
		"cannot record a damaged range", err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, evidence_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)offset);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)length);
	sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC);
	return finish_once(db, s, "cannot record a damaged range", err);
}

int64_t casedb_mark_damaged_files(casedb *db, int64_t evidence_id, exhibit_error *err)
{
	char sql[1024];

	snprintf(sql, sizeof sql,
	    "CREATE TEMP TABLE IF NOT EXISTS hit(file_id, offset, range_start, range_end);"
	    "DELETE FROM hit;"
	    "INSERT INTO hit SELECT DISTINCT f.id, r.file_offset + max(0, d.image_offset - r.image_offset),"
	    "  d.image_offset, d.image_offset + d.length"
	    " FROM damaged_ranges d JOIN data_runs r ON r.image_offset < d.image_offset + d.length"
	    "  AND r.image_offset + r.length > d.image_offset"
	    " JOIN files f ON f.id = r.file_id"
	    " WHERE d.evidence_id = %lld AND f.evidence_id = %lld AND f.status <> 'damaged';"
	    "INSERT INTO errors(evidence_id, file_id, offset, message, at)"
	    " SELECT %lld, file_id, min(offset), 'content overlaps damaged media bytes ' || range_start"
	    "  || ' to ' || range_end || ': its hashes are of the bytes as read (zeros there)',"
	    "  strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now') FROM hit GROUP BY file_id, range_start;"
	    "UPDATE files SET status = 'damaged' WHERE id IN (SELECT file_id FROM hit);",
	    (long long)evidence_id, (long long)evidence_id, (long long)evidence_id);
	if (exec_sql(db, sql, err) < 0)
		return -1;
	return single_int(db, "SELECT count(DISTINCT file_id) FROM hit", 0);
}

/* ---------------------------------------------------------------- layout */

int casedb_insert_volume(casedb *db, int64_t evidence_id, const walk_volume *v,
                         exhibit_error *err)
{
	sqlite3_stmt *s = statement(db, ST_VOLUME, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, evidence_id);
	sqlite3_bind_text(s, 2, v->vs_type ? v->vs_type : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, v->slot);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)v->offset);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)v->length);
	bind_text_or_null(s, 6, v->description);
	sqlite3_bind_int(s, 7, v->allocated);
	return step_done(db, s, err, "cannot record a volume");
}

static int64_t lookup_filesystem(casedb *db, int64_t evidence_id, uint64_t offset,
                                 const char *fs_type)
{
	sqlite3_stmt *s = statement(db, ST_FS_ID, NULL);
	int64_t id = 0;

	if (!s)
		return 0;
	sqlite3_bind_int64(s, 1, evidence_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)offset);
	sqlite3_bind_text(s, 3, fs_type, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

int casedb_filesystem_id(casedb *db, int64_t evidence_id, const walk_filesystem *fs,
                         int64_t *id, exhibit_error *err)
{
	sqlite3_stmt *s = statement(db, ST_FS_INSERT, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, evidence_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)fs->offset);
	sqlite3_bind_text(s, 3, fs->fs_type ? fs->fs_type : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)fs->block_size);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)fs->block_count);
	bind_text_or_null(s, 6, fs->time_source);
	if (step_done(db, s, err, "cannot record a file system") < 0)
		return -1;
	*id = lookup_filesystem(db, evidence_id, fs->offset, fs->fs_type ? fs->fs_type : "unknown");
	return *id > 0 ? 0 : db_fail(db, err, "cannot find a file system just recorded");
}

int casedb_insert_range(casedb *db, int64_t evidence_id, int64_t fs_id,
                        const walk_range *r, exhibit_error *err)
{
	sqlite3_stmt *s = statement(db, ST_RANGE, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, evidence_id);
	bind_id_or_null(s, 2, fs_id);
	sqlite3_bind_text(s, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)r->offset);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)r->length);
	return step_done(db, s, err, "cannot record an unallocated range");
}

/* ---------------------------------------------------------------- files */

static int64_t upsert_content(casedb *db, const file_row *row, exhibit_error *err)
{
	sqlite3_stmt *s = statement(db, ST_CONTENT_UPSERT, err);
	int64_t id = 0;

	if (!s)
		return -1;
	sqlite3_bind_blob(s, 1, row->d.sha256, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, row->d.md5, MD5_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, row->d.sha1, SHA1_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)row->entry->size);
	bind_text_or_null(s, 5, row->mime_type);
	bind_text_or_null(s, 6, row->stored);
	sqlite3_bind_int(s, 7, row->analysed);
	if (step_done(db, s, err, "cannot record content") < 0)
		return -1;
	s = statement(db, ST_CONTENT_ID, err);
	if (!s)
		return -1;
	sqlite3_bind_blob(s, 1, row->d.sha256, SHA256_LEN, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id > 0 ? id : db_fail(db, err, "cannot find content just recorded");
}

static void bind_time(sqlite3_stmt *s, int i, walk_time t)
{
	if (t.sec == 0 && t.ns == 0) {
		sqlite3_bind_null(s, i);
		sqlite3_bind_null(s, i + 1);
		return;
	}
	sqlite3_bind_int64(s, i, t.sec);
	sqlite3_bind_int(s, i + 1, t.ns);
}

static void bind_file(sqlite3_stmt *s, const file_row *row, int64_t content_id)
{
	const walk_entry *e = row->entry;
	char type[2] = { e->type ? e->type : '-', 0 };

	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->evidence_id);
	if (row->walk_seq >= 0)
		sqlite3_bind_int64(s, 3, row->walk_seq);
	bind_id_or_null(s, 4, row->fs_id);
	bind_id_or_null(s, 5, row->parent_id);
	sqlite3_bind_text(s, 6, row->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, e->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, e->name, -1, SQLITE_STATIC);
	if (e->has_fs) {
		sqlite3_bind_int64(s, 9, (sqlite3_int64)e->meta_addr);
		sqlite3_bind_int64(s, 10, e->meta_seq);
	}
	if (e->attr_type >= 0) {
		sqlite3_bind_int(s, 11, e->attr_type);
		sqlite3_bind_int(s, 12, e->attr_id);
	}
	bind_text_or_null(s, 13, e->attr_name);
	sqlite3_bind_text(s, 14, type, 1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 15, (sqlite3_int64)e->size);
	sqlite3_bind_int(s, 16, e->name_allocated);
	sqlite3_bind_int(s, 17, e->meta_allocated);
	sqlite3_bind_int(s, 18, e->orphan);
	sqlite3_bind_int64(s, 19, e->mode);
	sqlite3_bind_int64(s, 20, e->uid);
	sqlite3_bind_int64(s, 21, e->gid);
	bind_time(s, 22, e->mtime);
	bind_time(s, 24, e->atime);
	bind_time(s, 26, e->ctime);
	bind_time(s, 28, e->crtime);
	bind_text_or_null(s, 30, e->time_precision);
	bind_id_or_null(s, 31, content_id);
	sqlite3_bind_int(s, 32, row->extension_mismatch);
	sqlite3_bind_text(s, 33, row->status ? row->status : "done", -1, SQLITE_STATIC);
}

static const char *run_flags_text(unsigned flags)
{
	if (flags & WALK_RUN_RESIDENT) return "resident";
	if (flags & WALK_RUN_SPARSE) return "sparse";
	if (flags & WALK_RUN_FILLER) return "filler";
	if (flags & WALK_RUN_ENCRYPTED) return "encrypted";
	if (flags & WALK_RUN_COMPRESSED) return "compressed";
	return NULL;
}

static int insert_runs(casedb *db, const file_row *row, exhibit_error *err)
{
	for (size_t i = 0; i < row->entry->n_runs; i++) {
		const walk_run *r = &row->entry->runs[i];
		sqlite3_stmt *s = statement(db, ST_RUN, err);

		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, row->id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)r->file_offset);
		if (r->image_offset >= 0)
			sqlite3_bind_int64(s, 4, r->image_offset);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)r->length);
		bind_text_or_null(s, 6, run_flags_text(r->flags));
		if (step_done(db, s, err, "cannot record a data run") < 0)
			return -1;
	}
	return 0;
}

int casedb_insert_file(casedb *db, const file_row *row, exhibit_error *err)
{
	int64_t content_id = 0;
	sqlite3_stmt *s;

	if (row->has_digests && (content_id = upsert_content(db, row, err)) < 0)
		return -1;
	s = statement(db, ST_FILE, err);
	if (!s)
		return -1;
	bind_file(s, row, content_id);
	if (step_done(db, s, err, "cannot record a file") < 0)
		return -1;
	return insert_runs(db, row, err);
}

int casedb_insert_error(casedb *db, int64_t evidence_id, int64_t file_id,
                        const char *plugin, int64_t offset, const char *message,
                        exhibit_error *err)
{
	sqlite3_stmt *s = statement(db, ST_ERROR, err);

	if (!s)
		return -1;
	bind_id_or_null(s, 1, evidence_id);
	bind_id_or_null(s, 2, file_id);
	bind_text_or_null(s, 3, plugin);
	if (offset >= 0)
		sqlite3_bind_int64(s, 4, offset);
	sqlite3_bind_text(s, 5, message, -1, SQLITE_STATIC);
	return step_done(db, s, err, "cannot record an error");
}

int casedb_insert_evidence_problem(casedb *db, int64_t evidence_id, int64_t offset,
                                   const char *message, exhibit_error *err)
{
	sqlite3_stmt *s = prepare_once(db,
		"INSERT INTO errors(evidence_id, offset, message, at) "
		"SELECT ?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE NOT EXISTS "
		"(SELECT 1 FROM errors WHERE evidence_id = ?1 AND file_id IS NULL AND plugin IS NULL "
		"AND offset IS ?2 AND message = ?3)",
		"cannot record an error", err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, evidence_id);
	if (offset >= 0)
		sqlite3_bind_int64(s, 2, offset);
	sqlite3_bind_text(s, 3, message, -1, SQLITE_STATIC);
	return finish_once(db, s, "cannot record an error", err);
}

/* ---------------------------------------------------------------- plugins */

int casedb_insert_plugin(casedb *db, const exhibit_plugin *p, exhibit_error *err)
{
	sqlite3_stmt *s = prepare_once(db,
		"INSERT OR REPLACE INTO plugins(name, version, abi_version, description) "
		"VALUES (?1, ?2, ?3, ?4)",
		"cannot record a plugin", err);

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, p->version ? p->version : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, (int)p->abi_version);
	bind_text_or_null(s, 4, p->description);
	return finish_once(db, s, "cannot record a plugin", err);
}

int casedb_insert_analysis(casedb *db, const unsigned char sha256[32],
                           const char *plugin, const char *status, exhibit_error *err)
{
	sqlite3_stmt *s = statement(db, ST_ANALYSIS, err);

	if (!s)
		return -1;
	sqlite3_bind_blob(s, 1, sha256, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, plugin, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, status, -1, SQLITE_STATIC);
	return step_done(db, s, err, "cannot record an analysis");
}

int casedb_insert_place_label(casedb *db, int64_t file_id, const char *plugin,
                               const char *label, exhibit_error *err)
{
	sqlite3_stmt *s = prepare_once(db,
		"INSERT OR REPLACE INTO place_labels(file_id, plugin, label) VALUES (?1, ?2, ?3)",
		"cannot record a place label", err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, file_id);
	sqlite3_bind_text(s, 2, plugin, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, label, -1, SQLITE_STATIC);
	return finish_once(db, s, "cannot record a place label", err);
}

int record_schema_check(const record_schema *rs, const char *table,
                        const exhibit_field *fields, size_t n, exhibit_error *err)
{
	const record_table *t = NULL;

	for (size_t i = 0; i < rs->n_tables && !t; i++)
		if (!strcmp(rs->tables[i].name, table))
			t = &rs->tables[i];
	if (!t)
		return exhibit_error_set(err, -1, -1, "no plugin record table named '%s'", table);
	for (size_t f = 0; f < n; f++) {
		size_t c = 0;

		while (c < t->n_columns && strcmp(t->columns[c], fields[f].name))
			c++;
		if (!fields[f].name || c == t->n_columns)
			return exhibit_error_set(err, -1, -1, "table '%s' has no column '%s'", table,
			                         fields[f].name ? fields[f].name : "(null)");
	}
	return 0;
}

/* Statements for plugin records are built from checked names and cached
 * by their text, since a plugin emits the same shape again and again. */
static sqlite3_stmt *record_statement(casedb *db, const char *table,
                                      const exhibit_field *fields, size_t n,
                                      exhibit_error *err)
{
	char *sql = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&sql, &len);
	record_stmt *slot;

	if (!mem)
		return NULL;
	fprintf(mem, "INSERT INTO \"%s\"(content_id", table);
	for (size_t i = 0; i < n; i++)
		fprintf(mem, ", \"%s\"", fields[i].name);
	fprintf(mem, ") VALUES ((SELECT id FROM content WHERE sha256 = ?1)");
	for (size_t i = 0; i < n; i++)
		fprintf(mem, ", ?%zu", i + 2);
	fprintf(mem, ")");
	fclose(mem);
	for (int i = 0; i < RECORD_CACHE; i++) {
		if (db->records[i].sql && !strcmp(db->records[i].sql, sql)) {
			free(sql);
			sqlite3_reset(db->records[i].stmt);
			sqlite3_clear_bindings(db->records[i].stmt);
			return db->records[i].stmt;
		}
	}
	slot = &db->records[db->next_record_slot++ % RECORD_CACHE];
	sqlite3_finalize(slot->stmt);
	free(slot->sql);
	slot->sql = sql;
	slot->stmt = NULL;
	if (sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt,
	                       NULL) != SQLITE_OK) {
		db_fail(db, err, "cannot prepare a plugin record");
		return NULL;
	}
	return slot->stmt;
}

static void bind_field(sqlite3_stmt *s, int i, const exhibit_field *f)
{
	switch (f->type) {
	case EXHIBIT_INT:
		sqlite3_bind_int64(s, i, f->i);
		break;
	case EXHIBIT_REAL:
		sqlite3_bind_double(s, i, f->r);
		break;
	case EXHIBIT_TEXT:
		bind_text_or_null(s, i, f->text);
		break;
	case EXHIBIT_BLOB:
		sqlite3_bind_blob64(s, i, f->blob, f->blob_len, SQLITE_TRANSIENT);
		break;
	default:
		sqlite3_bind_null(s, i);
	}
}

int casedb_insert_record(casedb *db, const char *table, const unsigned char sha256[32],
                         const exhibit_field *fields, size_t n, exhibit_error *err)
{
	sqlite3_stmt *s;

	if (record_schema_check(&db->schema, table, fields, n, err) < 0)
		return -1;
	s = record_statement(db, table, fields, n, err);
	if (!s)
		return -1;
	sqlite3_bind_blob(s, 1, sha256, SHA256_LEN, SQLITE_STATIC);
	for (size_t i = 0; i < n; i++)
		bind_field(s, (int)i + 2, &fields[i]);
	return step_done(db, s, err, "cannot record a plugin record");
}

/* ---------------------------------------------------------------- hash sets */

int casedb_insert_hash_hit(casedb *db, const unsigned char sha256[32], int64_t set_id,
                           const char *algorithm, const char *category, exhibit_error *err)
{
	sqlite3_stmt *s = statement(db, ST_HASH_HIT, err);

	if (!s)
		return -1;
	sqlite3_bind_blob(s, 1, sha256, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, set_id);
	sqlite3_bind_text(s, 3, algorithm, -1, SQLITE_STATIC);
	bind_text_or_null(s, 4, category);
	return step_done(db, s, err, "cannot record a hash-set hit");
}

/* ---------------------------------------------------------------- resume */

int64_t casedb_next_file_id(casedb *db)
{
	return single_int(db, "SELECT max(id) FROM files", 0) + 1;
}

int casedb_done_walk_seqs(casedb *db, int64_t evidence_id, uint8_t **bits,
                          size_t *n_bits, exhibit_error *err)
{
	sqlite3_stmt *s;
	char sql[160];
	int64_t max;

	snprintf(sql, sizeof sql, "SELECT max(walk_seq) FROM files WHERE evidence_id = %lld",
	         (long long)evidence_id);
	max = single_int(db, sql, -1);
	*n_bits = (size_t)(max + 1);
	*bits = calloc(*n_bits / 8 + 1, 1);
	if (!*bits)
		return exhibit_error_set(err, -1, -1, "out of memory");
	if (max < 0)
		return 0;
	if (sqlite3_prepare_v2(db->db, "SELECT walk_seq FROM files WHERE evidence_id = ?1 "
	                       "AND walk_seq IS NOT NULL", -1, &s, NULL) != SQLITE_OK)
		return db_fail(db, err, "cannot read what was done");
	sqlite3_bind_int64(s, 1, evidence_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(s, 0);
		if (seq >= 0 && seq <= max)
			(*bits)[seq / 8] |= (uint8_t)(1u << (seq % 8));
	}
	sqlite3_finalize(s);
	return 0;
}

int casedb_each_analysed(casedb *db, void (*fn)(void *ctx, const unsigned char *sha256),
                         void *ctx, exhibit_error *err)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db->db, "SELECT sha256 FROM content WHERE analysed = 1", -1, &s,
	                       NULL) != SQLITE_OK)
		return db_fail(db, err, "cannot read analysed content");
	while (sqlite3_step(s) == SQLITE_ROW)
		if (sqlite3_column_bytes(s, 0) == SHA256_LEN)
			fn(ctx, sqlite3_column_blob(s, 0));
	sqlite3_finalize(s);
	return 0;
}

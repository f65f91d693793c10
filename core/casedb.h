/*
 * casedb.h — the case database: schemas/case.sql made into calls.
 *
 * One writer: every function here is called from the writer thread only
 * (or from the main thread while no writer runs).  Other threads hand
 * their work to the writer (writer.h).  The case is a directory holding
 * case.db (SQLite, WAL mode) and content/, the content-addressed store.
 * Opening a case creates it, or checks and migrates an existing one.
 */
#ifndef EXHIBIT_CASEDB_H
#define EXHIBIT_CASEDB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ewf_meta.h"
#include "exhibit/plugin.h"
#include "hash.h"
#include "source.h"
#include "walk.h"

#define CASEDB_SCHEMA_VERSION 5

typedef struct casedb casedb;

/* The plugin record tables and their columns, read once at open; never
 * changes afterwards, so any thread may consult it. */
typedef struct record_schema record_schema;

int casedb_open(const char *case_dir, casedb **out, exhibit_error *err);
void casedb_close(casedb *db);
const char *casedb_dir(const casedb *db);
sqlite3 *casedb_handle(casedb *db);
const record_schema *casedb_record_schema(const casedb *db);

/* record_schema_check — 0 when table accepts plugin records with these
 * columns, else a negative code with err naming the first bad name. */
int record_schema_check(const record_schema *rs, const char *table,
                        const exhibit_field *fields, size_t n, exhibit_error *err);

int casedb_begin(casedb *db, exhibit_error *err);
int casedb_commit(casedb *db, exhibit_error *err);

/* ---- evidence ---- */
/* casedb_find_evidence — id and status of the evidence at path, or 0. */
int64_t casedb_find_evidence(casedb *db, const char *path, char *status, size_t status_len);
/* casedb_evidence_hashed — 1 when the image hash of the evidence is recorded. */
int casedb_evidence_hashed(casedb *db, int64_t id);
int casedb_insert_evidence(casedb *db, const evidence_source *src, int64_t *id,
                           exhibit_error *err);
int casedb_set_evidence_ewf(casedb *db, int64_t id, const ewf_meta *meta,
                            exhibit_error *err);
int casedb_set_evidence_hashes(casedb *db, int64_t id, const digests *d,
                               exhibit_error *err);
int casedb_set_evidence_status(casedb *db, int64_t id, const char *status,
                               exhibit_error *err);
/* casedb_forget_layout — drop volumes and unallocated ranges of an
 * evidence before a walk reports them again (resume). */
int casedb_forget_layout(casedb *db, int64_t evidence_id, exhibit_error *err);

/* casedb_insert_damaged_range — a range of the media that could not be
 * read as acquired. */
int casedb_insert_damaged_range(casedb *db, int64_t evidence_id, uint64_t offset,
                                uint64_t length, const char *reason, exhibit_error *err);
/* casedb_mark_damaged_files — every file of the evidence whose data runs
 * overlap a damaged range gets status 'damaged' and an error naming the
 * range (once).  RETURN: the number of files newly marked, or negative. */
int64_t casedb_mark_damaged_files(casedb *db, int64_t evidence_id, exhibit_error *err);

/* ---- layout ---- */
int casedb_insert_volume(casedb *db, int64_t evidence_id, const walk_volume *v,
                         exhibit_error *err);
int casedb_filesystem_id(casedb *db, int64_t evidence_id, const walk_filesystem *fs,
                         int64_t *id, exhibit_error *err);
int casedb_insert_range(casedb *db, int64_t evidence_id, int64_t fs_id,
                        const walk_range *r, exhibit_error *err);

/* ---- files and content ---- */
typedef struct file_row {
	int64_t id;               /* assigned by the pipeline */
	int64_t evidence_id;
	int64_t walk_seq;         /* -1 for items that are not walk entries */
	int64_t fs_id;            /* 0 when none */
	int64_t parent_id;        /* 0 when none */
	const char *source;       /* fs, carved, embedded, recovered */
	const walk_entry *entry;  /* names, metadata, times, runs */
	int has_digests;
	digests d;
	const char *mime_type;
	int extension_mismatch;
	int analysed;             /* this row's worker ran the plugins */
	const char *stored;       /* content store path, or NULL */
	const char *status;       /* done, error */
} file_row;

int casedb_insert_file(casedb *db, const file_row *row, exhibit_error *err);

int casedb_insert_error(casedb *db, int64_t evidence_id, int64_t file_id,
                        const char *plugin, int64_t offset, const char *message,
                        exhibit_error *err);
/* casedb_insert_evidence_problem — an error about the evidence as a whole
 * (a damaged partition table, an unknown file system), recorded once: a
 * resumed run walks again and meets the same problems. */
int casedb_insert_evidence_problem(casedb *db, int64_t evidence_id, int64_t offset,
                                   const char *message, exhibit_error *err);

/* ---- plugins ---- */
int casedb_insert_plugin(casedb *db, const exhibit_plugin *p, exhibit_error *err);
int casedb_insert_analysis(casedb *db, const unsigned char sha256[32],
                           const char *plugin, const char *status, exhibit_error *err);
int casedb_insert_place_label(casedb *db, int64_t file_id, const char *plugin,
                               const char *label, exhibit_error *err);
int casedb_insert_record(casedb *db, const char *table, const unsigned char sha256[32],
                         const exhibit_field *fields, size_t n, exhibit_error *err);

/* ---- hash sets ---- */
/* casedb_insert_hash_hit — the content with this SHA-256 (already in the
 * case) is in hash_sets row set_id by algorithm (md5, sha1, sha256). */
int casedb_insert_hash_hit(casedb *db, const unsigned char sha256[32], int64_t set_id,
                           const char *algorithm, const char *category, exhibit_error *err);

/* ---- carving ---- */
/* A carved file's row of the carved table (see schemas/case.sql). */
typedef struct carved_row {
	const char *stream;       /* unallocated, slack, unpartitioned, unrecognised, image */
	const char *carver;       /* the carver plugin's name */
	int64_t fs_id;            /* 0 when none */
	uint64_t image_offset, length;
	unsigned fragments;       /* image byte runs */
	int joined, validated;
} carved_row;

/* casedb_insert_carved — the carved row of file file_id (already inserted). */
int casedb_insert_carved(casedb *db, int64_t file_id, int64_t evidence_id, const carved_row *c,
                         exhibit_error *err);
/* casedb_each_carved — call fn for every carved file of the evidence
 * (stream, fs_id, image_offset and carver set: its identity). */
int casedb_each_carved(casedb *db, int64_t evidence_id,
                       void (*fn)(void *ctx, const carved_row *c), void *ctx,
                       exhibit_error *err);
/* casedb_insert_evidence_problem_by — casedb_insert_evidence_problem with
 * the plugin concerned (NULL for the core), recorded once. */
int casedb_insert_evidence_problem_by(casedb *db, int64_t evidence_id, const char *plugin,
                                      int64_t offset, const char *message, exhibit_error *err);

/* ---- resume ---- */
/* casedb_next_file_id — one past the largest file id in the case. */
int64_t casedb_next_file_id(casedb *db);
/* casedb_done_walk_seqs — a bitmap of walk_seq already recorded for the
 * evidence (bit i set = entry i done); *bits is malloc'd. */
int casedb_done_walk_seqs(casedb *db, int64_t evidence_id, uint8_t **bits,
                          size_t *n_bits, exhibit_error *err);
/* casedb_each_analysed — call fn for the SHA-256 of each analysed content. */
int casedb_each_analysed(casedb *db, void (*fn)(void *ctx, const unsigned char *sha256),
                         void *ctx, exhibit_error *err);

#endif

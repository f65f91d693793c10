/*
 * carve_run.h — carving inside `exhibit process`: the space the walk of
 * one evidence source left unclaimed is cut into streams and blocks, the
 * blocks go to the worker threads through the work queue (beside the
 * files still being hashed), and the walking thread resolves their
 * results in stream order: a start inside a file already carved whole is
 * dropped, a start a block skipped is judged after all when the file that
 * hid it was not kept.  Each carved file becomes an item with source
 * "carved" in the same queue, so it is hashed, deduplicated, stored and
 * analysed like any other.  Private to the core (run.h).
 *
 * Resume: a carved file's identity is (evidence, stream, file system,
 * first byte, carver); files already in the case are not queued again.
 * Resolution does not depend on thread count or timing (except a carver
 * that hits the time limit, which is recorded), so a resumed run ends
 * with the same rows.
 */
#ifndef EXHIBIT_CARVE_RUN_H
#define EXHIBIT_CARVE_RUN_H

#include "carve_engine.h"
#include "run.h"

/* A file system of the evidence, as carving needs it. */
typedef struct carve_fs {
	int64_t id;
	uint64_t block_size;
} carve_fs;

/*
 * carve_evidence — carve ev: the ranges the walk reported (each naming an
 * index into fs, or -1), or the whole image when the run carves it all.
 * Called on the walking thread after the walk; returns when every block
 * is resolved and every carved file queued.
 */
void carve_evidence(run *r, evidence_run *ev, const carve_range *ranges, size_t n,
                    const carve_fs *fs, int n_fs);

/* carve_worker_block — a worker's part: carve the block of it, report it
 * done, free it.  *t is the worker's carving context, made on first use. */
void carve_worker_block(run *r, carve_thread **t, content_reader *reader, work_item *it);

/* carve_clean_store — remove the copies of carved content a killed run left
 * half-written in the case's content store (before a run starts). */
void carve_clean_store(const char *case_dir);

#endif

/*
 * run.h — the state one `exhibit process` run shares between the walking
 * thread (pipeline.c) and the workers (worker.c).  Private to the core.
 */
#ifndef EXHIBIT_RUN_H
#define EXHIBIT_RUN_H

#include <pthread.h>
#include <stdatomic.h>

#include "bundle.h"
#include "pipeline.h"
#include "queue.h"
#include "reader.h"
#include "sha_set.h"
#include "writer.h"

/* One evidence source being processed. */
typedef struct evidence_run {
	int64_t id;
	evidence_source src;
	uint8_t *done_bits;       /* walk_seq already in the case */
	size_t n_done_bits;
	int walk_rc;
	pthread_t hash_thread;
	int hashing;
} evidence_run;

/* Walk entries go to the workers in batches of neighbours: the walker
 * holds up to WORK_PENDING_MAX entries, sorts them by where their content
 * starts in the image, and hands out runs of neighbouring small files
 * together, so one worker reads (and, for E01, decompresses) each stretch
 * of the image once instead of several workers each decompressing the
 * same chunk for the different small files in it. */
#define WORK_PENDING_MAX 1024
#define WORK_BATCH_ITEMS 64
#define WORK_BATCH_BYTES ((uint64_t)2 << 20)

struct carve_block;
struct carve_session;
struct carve_engine;

typedef struct work_item {
	queue_node node;
	evidence_run *ev;
	size_t n;
	bundle *b[WORK_BATCH_ITEMS]; /* each holds its entry; each becomes a write op */
	struct carve_block *carve;   /* instead of entries: a block of space to carve */
	struct carve_session *session;
} work_item;

typedef struct run {
	casedb *db;
	writer *w;
	const pipeline_options *opts;
	pipeline_stats *stats;
	queue work;
	sha_set *analysed;
	_Atomic int64_t next_file_id;
	pthread_mutex_t event_lock;
	const char *content_dir;
	int64_t *hash_set_ids;    /* hash_sets id of each set of opts->hash_sets */
	struct carve_engine *carving; /* NULL: no carving */
} run;

/* run_event — report to the caller, one event at a time. */
void run_event(run *r, const pipeline_event *ev);

/* run_problem — report and count a problem with an item or evidence. */
void run_problem(run *r, const char *path, const char *plugin, int64_t offset,
                 const char *message);

/* worker_main — the worker thread: pops work_items until the queue ends. */
void *worker_main(void *arg);

#endif

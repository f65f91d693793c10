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

/* A walk entry waiting for a worker. */
typedef struct work_item {
	queue_node node;
	evidence_run *ev;
	int64_t fs_id;
	bundle *b;                /* holds the entry copy; becomes the write op */
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
} run;

/* run_event — report to the caller, one event at a time. */
void run_event(run *r, const pipeline_event *ev);

/* run_problem — report and count a problem with an item or evidence. */
void run_problem(run *r, const char *path, const char *plugin, int64_t offset,
                 const char *message);

/* worker_main — the worker thread: pops work_items until the queue ends. */
void *worker_main(void *arg);

#endif

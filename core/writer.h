/*
 * writer.h — the case database's one writer thread.
 *
 * Workers never touch the database: they push write_ops, and this thread
 * applies them in order inside batched transactions (a commit every
 * WRITER_BATCH ops or WRITER_BATCH_MS milliseconds), so the database sees
 * one writer and the workers never wait on SQLite.  The queue is bounded:
 * a worker that outruns the disk waits, and memory stays bounded.
 */
#ifndef EXHIBIT_WRITER_H
#define EXHIBIT_WRITER_H

#include "casedb.h"
#include "queue.h"

#define WRITER_BATCH 2000
#define WRITER_BATCH_MS 200

typedef struct write_op write_op;
struct write_op {
	queue_node node;          /* first: the queue links ops through it */
	/* apply — do the work on the writer thread; 0 or a negative code. */
	int (*apply)(casedb *db, write_op *op, exhibit_error *err);
	/* destroy — free the op (may be NULL for ops owned by the caller). */
	void (*destroy)(write_op *op);
};

typedef struct writer writer;

/* writer_start — a thread owning db from now until writer_stop. */
int writer_start(casedb *db, size_t queue_capacity, writer **out, exhibit_error *err);

/* writer_push — hand an op to the writer; waits while the queue is full. */
void writer_push(writer *w, write_op *op);

/*
 * writer_call — run op on the writer thread, commit, and wait for it.
 * RETURN: what op->apply returned (err filled from the writer).
 */
int writer_call(writer *w, write_op *op, exhibit_error *err);

/*
 * writer_stop — apply what is queued, commit, join the thread.
 * RETURN: 0, or the first failure the writer met (err says which).
 */
int writer_stop(writer *w, exhibit_error *err);

/* writer_failures — how many ops failed so far. */
unsigned long writer_failures(writer *w);

#endif

/*
 * writer.c — see writer.h.
 */
#include "writer.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct writer {
	casedb *db;
	queue ops;
	pthread_t thread;
	int in_transaction;
	unsigned batch_count;
	struct timespec batch_start;
	pthread_mutex_t lock;     /* guards the failure fields */
	unsigned long failures;
	exhibit_error first_failure;
};

/* A synchronous call: the caller waits on done. */
typedef struct call_op {
	write_op op;
	write_op *inner;
	int rc;
	exhibit_error err;
	int finished;
	pthread_mutex_t lock;
	pthread_cond_t done;
} call_op;

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void note_failure(writer *w, const exhibit_error *err)
{
	pthread_mutex_lock(&w->lock);
	if (w->failures++ == 0)
		w->first_failure = *err;
	pthread_mutex_unlock(&w->lock);
}

static void commit_batch(writer *w)
{
	exhibit_error err;

	if (!w->in_transaction)
		return;
	exhibit_error_clear(&err);
	if (casedb_commit(w->db, &err) < 0)
		note_failure(w, &err);
	w->in_transaction = 0;
	w->batch_count = 0;
}

static void apply_op(writer *w, write_op *op)
{
	exhibit_error err;

	if (!w->in_transaction) {
		exhibit_error_clear(&err);
		if (casedb_begin(w->db, &err) < 0)
			note_failure(w, &err);
		w->in_transaction = 1;
		clock_gettime(CLOCK_MONOTONIC, &w->batch_start);
	}
	exhibit_error_clear(&err);
	if (op->apply(w->db, op, &err) < 0)
		note_failure(w, &err);
	w->batch_count++;
	if (op->destroy)
		op->destroy(op);
}

static void *writer_main(void *arg)
{
	writer *w = arg;

	for (;;) {
		queue_node *node = queue_pop_timed(&w->ops, WRITER_BATCH_MS);

		if (!node) {
			commit_batch(w);
			if (queue_is_finished(&w->ops))
				break;
			continue;
		}
		apply_op(w, (write_op *)node);
		if (w->batch_count >= WRITER_BATCH ||
		    (w->in_transaction && elapsed_ms(&w->batch_start) >= WRITER_BATCH_MS))
			commit_batch(w);
	}
	commit_batch(w);
	return NULL;
}

int writer_start(casedb *db, size_t queue_capacity, writer **out, exhibit_error *err)
{
	writer *w = calloc(1, sizeof *w);

	*out = NULL;
	if (!w)
		return exhibit_error_set(err, -1, -1, "out of memory");
	w->db = db;
	exhibit_error_clear(&w->first_failure);
	pthread_mutex_init(&w->lock, NULL);
	if (queue_init(&w->ops, queue_capacity) < 0 ||
	    pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		free(w);
		return exhibit_error_set(err, -1, -1, "cannot start the database writer thread");
	}
	*out = w;
	return 0;
}

void writer_push(writer *w, write_op *op)
{
	queue_push(&w->ops, &op->node);
}

static int apply_call(casedb *db, write_op *op, exhibit_error *err)
{
	call_op *call = (call_op *)op;

	(void)err;
	exhibit_error_clear(&call->err);
	call->rc = call->inner->apply(db, call->inner, &call->err);
	if (call->rc == 0)
		call->rc = casedb_commit(db, &call->err) < 0 ? -1 : casedb_begin(db, &call->err);
	return 0; /* the caller reports its own failure */
}

static void finish_call(write_op *op)
{
	call_op *call = (call_op *)op;

	pthread_mutex_lock(&call->lock);
	call->finished = 1;
	pthread_cond_signal(&call->done);
	pthread_mutex_unlock(&call->lock);
}

int writer_call(writer *w, write_op *op, exhibit_error *err)
{
	call_op call;

	memset(&call, 0, sizeof call);
	call.op.apply = apply_call;
	call.op.destroy = finish_call;
	call.inner = op;
	pthread_mutex_init(&call.lock, NULL);
	pthread_cond_init(&call.done, NULL);
	writer_push(w, &call.op);
	pthread_mutex_lock(&call.lock);
	while (!call.finished)
		pthread_cond_wait(&call.done, &call.lock);
	pthread_mutex_unlock(&call.lock);
	pthread_mutex_destroy(&call.lock);
	pthread_cond_destroy(&call.done);
	if (call.rc < 0 && err)
		*err = call.err;
	return call.rc;
}

int writer_stop(writer *w, exhibit_error *err)
{
	int rc = 0;

	if (!w)
		return 0;
	queue_close(&w->ops);
	pthread_join(w->thread, NULL);
	queue_destroy(&w->ops);
	if (w->failures) {
		if (err)
			*err = w->first_failure;
		rc = -1;
	}
	pthread_mutex_destroy(&w->lock);
	free(w);
	return rc;
}

unsigned long writer_failures(writer *w)
{
	unsigned long n;

	pthread_mutex_lock(&w->lock);
	n = w->failures;
	pthread_mutex_unlock(&w->lock);
	return n;
}

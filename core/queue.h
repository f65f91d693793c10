/*
 * queue.h — a bounded, blocking, many-producer many-consumer queue.
 *
 * The pipeline's memory stays bounded whatever the image size because
 * every hand-off between threads goes through one of these: a producer
 * that finds the queue full waits.  Elements embed a queue_node, so
 * pushing allocates nothing.
 */
#ifndef EXHIBIT_QUEUE_H
#define EXHIBIT_QUEUE_H

#include <pthread.h>
#include <stddef.h>

typedef struct queue_node {
	struct queue_node *next;
} queue_node;

typedef struct queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	queue_node *head, *tail;
	size_t count, capacity;
	int closed;
} queue;

/* queue_init — an empty queue holding at most capacity nodes. */
int queue_init(queue *q, size_t capacity);
void queue_destroy(queue *q);

/* queue_push — append, waiting while full.  Pushing to a closed queue is
 * allowed (children of the last items) and never waits. */
void queue_push(queue *q, queue_node *node);

/* queue_pop — the oldest node, waiting while empty; NULL once the queue is
 * closed and drained. */
queue_node *queue_pop(queue *q);

/* queue_pop_timed — like queue_pop but gives up after ms milliseconds and
 * returns NULL (check queue_is_finished to tell the two apart). */
queue_node *queue_pop_timed(queue *q, unsigned ms);

/* queue_close — no more nodes will come; wake every waiting consumer. */
void queue_close(queue *q);

/* queue_is_finished — closed and empty. */
int queue_is_finished(queue *q);

#endif

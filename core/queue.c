/*
 * queue.c — see queue.h.
 */
#include "queue.h"

#include <errno.h>
#include <time.h>

int queue_init(queue *q, size_t capacity)
{
	q->head = q->tail = NULL;
	q->count = 0;
	q->capacity = capacity ? capacity : 1;
	q->closed = 0;
	if (pthread_mutex_init(&q->lock, NULL))
		return -1;
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return 0;
}

void queue_destroy(queue *q)
{
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}

void queue_push(queue *q, queue_node *node)
{
	node->next = NULL;
	pthread_mutex_lock(&q->lock);
	while (q->count >= q->capacity && !q->closed)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (q->tail)
		q->tail->next = node;
	else
		q->head = node;
	q->tail = node;
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
}

static queue_node *take_head(queue *q)
{
	queue_node *node = q->head;

	q->head = node->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	pthread_cond_signal(&q->not_full);
	return node;
}

queue_node *queue_pop(queue *q)
{
	queue_node *node = NULL;

	pthread_mutex_lock(&q->lock);
	while (!q->head && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->lock);
	if (q->head)
		node = take_head(q);
	pthread_mutex_unlock(&q->lock);
	return node;
}

queue_node *queue_pop_timed(queue *q, unsigned ms)
{
	struct timespec deadline;
	queue_node *node = NULL;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += ms / 1000;
	deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->lock);
	while (!q->head && !q->closed) {
		if (pthread_cond_timedwait(&q->not_empty, &q->lock, &deadline) == ETIMEDOUT)
			break;
	}
	if (q->head)
		node = take_head(q);
	pthread_mutex_unlock(&q->lock);
	return node;
}

void queue_close(queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
}

int queue_is_finished(queue *q)
{
	int done;

	pthread_mutex_lock(&q->lock);
	done = q->closed && !q->head;
	pthread_mutex_unlock(&q->lock);
	return done;
}

/* check_queue.c — the bounded queue keeps order, bounds and closes cleanly
 * under several producers and consumers. */
#include <check.h>

#include "check_run.h"
#include <pthread.h>
#include <stdlib.h>

#include "queue.h"

typedef struct number {
	queue_node node;
	int value;
} number;

START_TEST(fifo_order)
{
	queue q;
	number n[3] = { { { NULL }, 1 }, { { NULL }, 2 }, { { NULL }, 3 } };

	queue_init(&q, 8);
	for (int i = 0; i < 3; i++)
		queue_push(&q, &n[i].node);
	queue_close(&q);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(((number *)queue_pop(&q))->value, i + 1);
	ck_assert_ptr_null(queue_pop(&q));
	ck_assert_int_eq(queue_is_finished(&q), 1);
	queue_destroy(&q);
}
END_TEST

START_TEST(timed_pop_gives_up)
{
	queue q;

	queue_init(&q, 1);
	ck_assert_ptr_null(queue_pop_timed(&q, 20));
	ck_assert_int_eq(queue_is_finished(&q), 0);
	queue_destroy(&q);
}
END_TEST

#define PER_PRODUCER 20000
static queue shared;
static long consumed_sum;
static pthread_mutex_t sum_lock = PTHREAD_MUTEX_INITIALIZER;

static void *produce(void *arg)
{
	int base = *(int *)arg;
	for (int i = 0; i < PER_PRODUCER; i++) {
		number *n = malloc(sizeof *n);
		n->value = base + i;
		queue_push(&shared, &n->node);
		ck_assert_uint_le(shared.count, shared.capacity);
	}
	return NULL;
}

static void *consume(void *arg)
{
	queue_node *node;
	long sum = 0;
	(void)arg;
	while ((node = queue_pop(&shared))) {
		sum += ((number *)node)->value;
		free(node);
	}
	pthread_mutex_lock(&sum_lock);
	consumed_sum += sum;
	pthread_mutex_unlock(&sum_lock);
	return NULL;
}

START_TEST(many_producers_many_consumers)
{
	pthread_t p[3], c[3];
	int bases[3] = { 0, 100000, 200000 };
	long expected = 0;

	queue_init(&shared, 64);
	for (int i = 0; i < 3; i++) {
		pthread_create(&c[i], NULL, consume, NULL);
		pthread_create(&p[i], NULL, produce, &bases[i]);
	}
	for (int i = 0; i < 3; i++)
		pthread_join(p[i], NULL);
	queue_close(&shared);
	for (int i = 0; i < 3; i++)
		pthread_join(c[i], NULL);
	for (int b = 0; b < 3; b++)
		for (int i = 0; i < PER_PRODUCER; i++)
			expected += bases[b] + i;
	ck_assert_int_eq(consumed_sum, expected);
	queue_destroy(&shared);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, fifo_order);
	tcase_add_test(tc, timed_pop_gives_up);
	tcase_add_test(tc, many_producers_many_consumers);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

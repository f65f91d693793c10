/* check_carve_answers.c — the answers a run's carving threads share: what
 * is kept is given back as it was put, for its stream and offset only; a
 * full cache forgets but never answers wrongly, under two threads too. */
#include <check.h>

#include "check_run.h"
#include <pthread.h>
#include <stdint.h>

#include "carve_answers.h"

static const char jpg[] = "jpg";

/* The answer the tests put for an offset: recognisably its own. */
static carve_answer answer_for(uint64_t off)
{
	carve_answer a = { off * 3 + 1, (uint32_t)(off % 7), (int)(off & 1), jpg };
	return a;
}

static int same_answer(const carve_answer *a, const carve_answer *b)
{
	return a->length == b->length && a->pattern == b->pattern &&
	       a->first_pattern == b->first_pattern && a->extension == b->extension;
}

START_TEST(kept_answers_come_back_as_put)
{
	carve_answers *c = carve_answers_new();
	int stream_a = 0, stream_b = 0;
	carve_answer in = answer_for(4096), out, none = { 0, 2, 1, NULL };

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(carve_answers_get(c, &stream_a, 4096, &out), 0);
	carve_answers_put(c, &stream_a, 4096, &in);
	ck_assert_int_eq(carve_answers_get(c, &stream_a, 4096, &out), 1);
	ck_assert(same_answer(&in, &out));
	/* Another stream's same offset, another offset: not this answer. */
	ck_assert_int_eq(carve_answers_get(c, &stream_b, 4096, &out), 0);
	ck_assert_int_eq(carve_answers_get(c, &stream_a, 4097, &out), 0);
	/* "Not whole on its own" is an answer too, and replaces the old one. */
	carve_answers_put(c, &stream_a, 4096, &none);
	ck_assert_int_eq(carve_answers_get(c, &stream_a, 4096, &out), 1);
	ck_assert_uint_eq(out.length, 0);
	carve_answers_free(c);
}
END_TEST

START_TEST(no_cache_keeps_nothing)
{
	int stream = 0;
	carve_answer in = answer_for(1), out;

	carve_answers_put(NULL, &stream, 1, &in);
	ck_assert_int_eq(carve_answers_get(NULL, &stream, 1, &out), 0);
	carve_answers_free(NULL);
}
END_TEST

/* More answers than slots: some are forgotten, none is confused. */
START_TEST(a_full_cache_forgets_but_never_confuses)
{
	carve_answers *c = carve_answers_new();
	int stream = 0;
	unsigned kept = 0;

	for (uint64_t off = 0; off < 200000; off++) {
		carve_answer in = answer_for(off * 512);
		carve_answers_put(c, &stream, off * 512, &in);
	}
	for (uint64_t off = 0; off < 200000; off++) {
		carve_answer want = answer_for(off * 512), out;
		if (carve_answers_get(c, &stream, off * 512, &out)) {
			ck_assert(same_answer(&want, &out));
			kept++;
		}
	}
	ck_assert_uint_gt(kept, 0);
	ck_assert_uint_lt(kept, 200000);   /* bounded: it did forget */
	carve_answers_free(c);
}
END_TEST

typedef struct racer {
	carve_answers *c;
	const void *stream;
	uint64_t first;
	unsigned wrong;
} racer;

static void *race(void *arg)
{
	racer *r = arg;

	for (unsigned round = 0; round < 20; round++)
		for (uint64_t off = r->first; off < r->first + 20000; off++) {
			carve_answer in = answer_for(off), out;
			carve_answers_put(r->c, r->stream, off, &in);
			if (carve_answers_get(r->c, r->stream, off ^ 1, &out)) {
				carve_answer want = answer_for(off ^ 1);
				r->wrong += !same_answer(&want, &out);
			}
		}
	return NULL;
}

START_TEST(two_threads_share_without_tearing)
{
	carve_answers *c = carve_answers_new();
	int stream = 0;
	racer a = { c, &stream, 0, 0 }, b = { c, &stream, 10000, 0 };
	pthread_t ta, tb;

	ck_assert_int_eq(pthread_create(&ta, NULL, race, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, race, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_uint_eq(a.wrong + b.wrong, 0);
	carve_answers_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("carve_answers");
	TCase *tc = tcase_create("answers");

	tcase_add_test(tc, kept_answers_come_back_as_put);
	tcase_add_test(tc, no_cache_keeps_nothing);
	tcase_add_test(tc, a_full_cache_forgets_but_never_confuses);
	tcase_add_test(tc, two_threads_share_without_tearing);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

/* check_plugin_guard.c — a crash inside a guarded call is an error for the
 * caller, again and again, and ordinary calls are untouched. */
#include <check.h>
#include <signal.h>
#include <stdint.h>

#include "check_run.h"
#include "plugin_guard.h"

static int returns_seven(void *arg)
{
	(void)arg;
	return 7;
}

/* An unmapped address that is not NULL: a real SIGSEGV, which UBSan's
 * null check (in sanitizer builds) would otherwise pre-empt. */
static int dereferences_nowhere(void *arg)
{
	volatile int *p = (volatile int *)((uintptr_t)arg + 16);
	return *p;
}

/* Deep enough to overflow any thread stack; the depth is data so the
 * compiler cannot see the recursion never ends. */
static int recurse_deeply(void *arg)
{
	volatile char pad[4096];
	uintptr_t depth = (uintptr_t)arg;

	pad[0] = (char)depth;
	if (depth == 0)
		return pad[0];
	return recurse_deeply((void *)(depth - 1)) + pad[1];
}

START_TEST(ordinary_call_returns_its_value)
{
	int sig = -1;

	ck_assert_int_eq(plugin_guard_install(), 0);
	ck_assert_int_eq(plugin_guard_thread_begin(), 0);
	ck_assert_int_eq(plugin_guard_call(returns_seven, NULL, &sig), 7);
	ck_assert_int_eq(sig, 0);
	plugin_guard_thread_end();
}
END_TEST

START_TEST(crash_becomes_an_error_every_time)
{
	int sig = 0;

	plugin_guard_install();
	plugin_guard_thread_begin();
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(plugin_guard_call(dereferences_nowhere, NULL, &sig), -1);
		ck_assert_int_eq(sig, SIGSEGV);
		ck_assert_int_eq(plugin_guard_call(returns_seven, NULL, &sig), 7);
		ck_assert_int_eq(sig, 0);
	}
	plugin_guard_thread_end();
}
END_TEST

START_TEST(stack_overflow_is_caught_on_the_alternate_stack)
{
	int sig = 0;

	plugin_guard_install();
	plugin_guard_thread_begin();
	ck_assert_int_eq(plugin_guard_call(recurse_deeply, (void *)(uintptr_t)100000000, &sig), -1);
	ck_assert_int_eq(sig, SIGSEGV);
	plugin_guard_thread_end();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plugin_guard");
	TCase *tc = tcase_create("guard");

	tcase_add_test(tc, ordinary_call_returns_its_value);
	tcase_add_test(tc, crash_becomes_an_error_every_time);
	tcase_add_test(tc, stack_overflow_is_caught_on_the_alternate_stack);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

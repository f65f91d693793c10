/*
 * check_run.h — the one way a unit test program runs its Check suite and
 * turns the result into an exit status.
 */
#ifndef EXHIBIT_CHECK_RUN_H
#define EXHIBIT_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* check_run_suite — run every test of s; EXIT_SUCCESS when none failed. */
static inline int check_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif

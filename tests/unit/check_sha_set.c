/* check_sha_set.c — each digest is claimed exactly once, through growth. */
#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>

#include "sha_set.h"

static void digest_for(unsigned i, unsigned char d[32])
{
	memset(d, 0, 32);
	/* Same low bytes for many keys, so probing is exercised too. */
	d[0] = (unsigned char)(i & 3);
	memcpy(d + 8, &i, sizeof i);
}

START_TEST(claims_once_through_growth)
{
	sha_set *s = sha_set_new();
	unsigned char d[32];

	for (unsigned i = 0; i < 50000; i++) {
		digest_for(i, d);
		ck_assert_int_eq(sha_set_claim(s, d), 1);
	}
	for (unsigned i = 0; i < 50000; i++) {
		digest_for(i, d);
		ck_assert_int_eq(sha_set_claim(s, d), 0);
	}
	ck_assert_uint_eq(sha_set_count(s), 50000);
	sha_set_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sha_set");
	TCase *tc = tcase_create("sha_set");

	tcase_add_test(tc, claims_once_through_growth);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

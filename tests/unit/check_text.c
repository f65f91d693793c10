/* check_text.c — untrusted bytes become text without losing anything. */
#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>

#include "text.h"

static void assert_escaped(const char *in, size_t len, const char *expected)
{
	char *out = text_escape_utf8(in, len);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, expected);
	free(out);
}

START_TEST(valid_utf8_passes_through)
{
	assert_escaped("Übersicht – März 猫 🎉", strlen("Übersicht – März 猫 🎉"), "Übersicht – März 猫 🎉");
}
END_TEST

START_TEST(invalid_bytes_are_kept_escaped)
{
	assert_escaped("a\xff" "b", 3, "a\\xffb");
	assert_escaped("\xc3", 1, "\\xc3");                 /* truncated sequence */
	assert_escaped("\xc0\xaf", 2, "\\xc0\\xaf");        /* overlong '/' */
	assert_escaped("\xed\xa0\x80", 3, "\\xed\\xa0\\x80"); /* UTF-16 surrogate */
	assert_escaped("\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
}
END_TEST

START_TEST(control_characters_are_escaped)
{
	assert_escaped("a\nb\x1b[31m", 8, "a\\x0ab\\x1b[31m");
	assert_escaped("nul\0in", 6, "nul\\x00in");
}
END_TEST

START_TEST(json_escape_quotes_and_controls)
{
	char *j = text_json_escape("say \"hi\"\\\n");
	ck_assert_str_eq(j, "\"say \\\"hi\\\"\\\\\\u000a\"");
	free(j);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, valid_utf8_passes_through);
	tcase_add_test(tc, invalid_bytes_are_kept_escaped);
	tcase_add_test(tc, control_characters_are_escaped);
	tcase_add_test(tc, json_escape_quotes_and_controls);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

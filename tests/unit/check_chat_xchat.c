/*
 * check_chat_xchat.c — the xchat plugin on plaso's xchat.log (plaso's
 * xchatlog test: 9 records and 3 warnings; the first "XChat start logging"
 * at 2011-12-31T21:11:55, local time, no nickname) and
 * xchatscrollback.log (plaso's xchatscrollback test: 10 records and 1
 * warning; the first "* Speaking now on ##plaso##" at
 * 2009-01-16T02:56:19Z), and on logs built here: a year that turns, long
 * lines, bytes that are not UTF-8, nothing that looks like a log.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_test.h"
#include "exhibit/plugin.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static chat_run run_text(const char *text, size_t len)
{
	chat_bytes b = { (unsigned char *)malloc(len + 1), len };
	chat_run r;

	memcpy(b.data, text, len);
	r = chat_analyze(plugin(), &b, NULL);
	chat_bytes_free(&b);
	return r;
}

START_TEST(plaso_xchat_log)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/xchat.log");
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 9);
	ck_assert_uint_eq(stub_host_error_count(r.host), 3);
	m = stub_host_record(r.host, MESSAGES, 0);
	chat_expect_text(m, "body", "XChat start logging");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "time_zone", "local");
	chat_expect_time(m, "sent", "2011-12-31T21:11:55");
	m = chat_find(&r, MESSAGES, "body", "ola plas-ing guys!");
	chat_expect_text(m, "sender", "fpi");
	chat_expect_text(m, "thread_id", "#gugle");
	chat_expect_time(m, "sent", "2011-12-31T21:11:58");
	m = chat_find(&r, MESSAGES, "sender", "STRANGER");
	chat_expect_text(m, "body", "\xe6\x97\xa5\xe6\x9c\xac");
	m = chat_find(&r, MESSAGES, "body", "XChat end logging");
	chat_expect_time(m, "sent", "2011-12-31T23:59:00");
	ck_assert(chat_error_mentions(&r, "line 10: a line with an impossible time"));
	ck_assert_int_eq(stub_host_error(r.host, 0)->offset, 379);
	stub_host_free(r.host);
}
END_TEST

START_TEST(plaso_xchat_scrollback)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/xchatscrollback.log");
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 10);
	ck_assert_uint_eq(stub_host_error_count(r.host), 1);
	m = stub_host_record(r.host, MESSAGES, 0);
	chat_expect_text(m, "body", "* Speaking now on ##plaso##");
	chat_expect_time(m, "sent", "2009-01-16T02:56:19Z");
	m = chat_find(&r, MESSAGES, "body", "Hi Kristinn!");
	chat_expect_text(m, "sender", "fpi");
	m = chat_find(&r, MESSAGES, "body", "0 is a good timestamp");
	chat_expect_time(m, "sent", "1970-01-01T00:00:00Z");
	stub_host_free(r.host);
}
END_TEST

START_TEST(year_turns_and_damage)
{
	static const char log[] =
		"**** BEGIN LOGGING AT Mon Dec 31 23:59:00 2012\n"
		"dec 31 23:59:30 <a> before midnight\n"
		"jan 01 00:00:10 <b> after midnight\n"
		"feb 30 10:00:00 <c> no such day\n"
		"not a line at all\n"
		"jan 02 01:02:03 <d> bad \xff bytes \x01 here\r\n"
		"**** END LOGGING AT Tue Jan  1 00:01:00 2013\n"
		"jan 03 00:00:00 <e> outside any section\n"
		"**** BEGIN LOGGING AT Sun Feb 30 00:00:00 2013\n";
	chat_run r = run_text(log, sizeof log - 1);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	m = chat_find(&r, MESSAGES, "body", "after midnight");
	chat_expect_time(m, "sent", "2013-01-01T00:00:10");
	m = chat_find(&r, MESSAGES, "sender", "d");
	chat_expect_text(m, "body", "bad \\xff bytes \\x01 here");
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	ck_assert_uint_eq(stub_host_error_count(r.host), 3);
	stub_host_free(r.host);
}
END_TEST

START_TEST(long_lines_are_cut_not_lost)
{
	size_t len = 200000, i;
	char *log = malloc(len + 64);
	chat_run r;
	const stub_record *m;

	strcpy(log, "T 1232074579 <x> ");
	for (i = strlen(log); i < len; i++)
		log[i] = 'a';
	memcpy(log + len, "\nT 1232074580 next\n", 19);
	r = run_text(log, len + 19);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 2);
	m = chat_find(&r, MESSAGES, "sender", "x");
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"), "\"cut_at\":65536"));
	chat_find(&r, MESSAGES, "body", "next");
	stub_host_free(r.host);
	free(log);
}
END_TEST

START_TEST(other_text_gives_nothing)
{
	static const char *const texts[] = {
		"Hello, this is a letter.\n", "T1232315916 no space\n", "T 12323 \n", "", "\n\n\n",
		"**** \n", "T 99999999999999999999999 overflow\n",
	};
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		chat_run r = run_text(texts[i], strlen(texts[i]));

		ck_assert_int_eq(r.rc, EXHIBIT_OK);
		ck_assert_uint_eq(chat_count(&r, MESSAGES), i == 2 ? 1 : 0);
		stub_host_free(r.host);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_xchat");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");

	tcase_add_test(fixtures, year_turns_and_damage);
	tcase_add_test(fixtures, long_lines_are_cut_not_lost);
	tcase_add_test(fixtures, other_text_gives_nothing);
	suite_add_tcase(s, fixtures);
	tcase_add_test(corpus, plaso_xchat_log);
	tcase_add_test(corpus, plaso_xchat_scrollback);
	if (chat_corpus_has("plaso-chat/xchat.log") &&
	    chat_corpus_has("plaso-chat/xchatscrollback.log"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("xchat: plaso-chat/xchat*.log");
	return check_run_suite(s);
}

/*
 * check_chat_whatsapp_export.c — the whatsapp-export plugin on "Export
 * chat" text files written here in the forms WhatsApp writes (Android and
 * iOS, 12- and 24-hour clocks, day or month first, U+200E and U+202F
 * marks, attachments, continued lines), on exports whose date order can
 * only be told from the dates going forward, on ambiguous ones, and on
 * other text.
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

static chat_run run(const char *text)
{
	chat_bytes b;
	chat_run r;

	b.len = strlen(text);
	b.data = malloc(b.len + 1);
	memcpy(b.data, text, b.len + 1);
	r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	chat_bytes_free(&b);
	return r;
}

START_TEST(android_month_first)
{
	chat_run r = run(
		"12/31/20, 11:59\xe2\x80\xaf" "PM - Messages and calls are end-to-end encrypted. No one "
		"outside of this chat, not even WhatsApp, can read or listen to them.\r\n"
		"12/31/20, 11:59\xe2\x80\xaf" "PM - Alice Martin: Happy new year\r\n"
		"1/1/21, 12:00\xe2\x80\xaf" "AM - Bob: Same to you\r\n"
		"see you at noon\r\n"
		"1/1/21, 12:01\xe2\x80\xaf" "AM - Bob: IMG-20210101-WA0001.jpg (file attached)\r\n"
		"1/1/21, 12:02\xe2\x80\xaf" "AM - Alice Martin: <Media omitted>\r\n"
		"1/1/21, 12:30\xe2\x80\xaf" "PM - Alice Martin: lunch: at one?\r\n");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 6);
	m = chat_find(&r, MESSAGES, "message_key", "line:1");
	chat_expect_text(m, "message_type", "system");
	chat_expect_null(m, "sender");
	m = chat_find(&r, MESSAGES, "message_key", "line:2");
	chat_expect_text(m, "app", "WhatsApp");
	chat_expect_text(m, "sender", "Alice Martin");
	chat_expect_text(m, "body", "Happy new year");
	chat_expect_time(m, "sent", "2020-12-31T23:59:00");
	chat_expect_text(m, "time_zone", "local");
	chat_expect_text(m, "thread_id", "export");
	chat_expect_text(m, "participants", "[\"Alice Martin\",\"Bob\"]");
	chat_expect_int(m, "source_rowid", 2);
	m = chat_find(&r, MESSAGES, "message_key", "line:3");
	chat_expect_text(m, "body", "Same to you\nsee you at noon");
	chat_expect_time(m, "sent", "2021-01-01T00:00:00");
	m = chat_find(&r, MESSAGES, "message_key", "line:5");
	chat_expect_text(m, "message_type", "media");
	a = chat_find(&r, ATTACHMENTS, "message_key", "line:5");
	chat_expect_text(a, "name", "IMG-20210101-WA0001.jpg");
	a = chat_find(&r, ATTACHMENTS, "message_key", "line:6");
	chat_expect_null(a, "name");
	m = chat_find(&r, MESSAGES, "message_key", "line:7");
	chat_expect_text(m, "body", "lunch: at one?");
	chat_expect_time(m, "sent", "2021-01-01T12:30:00");
	stub_host_free(r.host);
}
END_TEST

START_TEST(ios_day_first)
{
	chat_run r = run(
		"[31/12/2020, 23:59:12] Alice: Happy new year\n"
		"[01/01/2021, 00:00:05] Bob: \xe2\x80\x8e<attached: 00000012-PHOTO-2021-01-01-00-00-05.jpg>\n"
		"\xe2\x80\x8e[01/01/2021, 00:01:00] Alice: \xe2\x80\x8eThis message was deleted.\n");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "line:1");
	chat_expect_time(m, "sent", "2020-12-31T23:59:12");
	a = chat_find(&r, ATTACHMENTS, "message_key", "line:2");
	chat_expect_text(a, "name", "00000012-PHOTO-2021-01-01-00-00-05.jpg");
	m = chat_find(&r, MESSAGES, "message_key", "line:3");
	chat_expect_text(m, "sender", "Alice");
	chat_expect_time(m, "sent", "2021-01-01T00:01:00");
	stub_host_free(r.host);
}
END_TEST

START_TEST(german_dots_and_year_first)
{
	chat_run r = run("31.12.20, 23:59 - Anna: Frohes neues Jahr\n");
	const stub_record *m;

	m = chat_find(&r, MESSAGES, "message_key", "line:1");
	chat_expect_time(m, "sent", "2020-12-31T23:59:00");
	stub_host_free(r.host);
	r = run("2021-03-04, 10:00 - Anna: ISO\n");
	m = chat_find(&r, MESSAGES, "message_key", "line:1");
	chat_expect_time(m, "sent", "2021-03-04T10:00:00");
	stub_host_free(r.host);
}
END_TEST

START_TEST(order_from_the_dates_going_forward)
{
	/* day first, 1 Feb then 2 Jan, would go back: month first */
	chat_run r = run("01/02/21, 10:00 - A: first\n02/01/21, 10:00 - A: second\n");
	const stub_record *m;

	m = chat_find(&r, MESSAGES, "body", "second");
	chat_expect_time(m, "sent", "2021-02-01T10:00:00");
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	stub_host_free(r.host);

	/* both orders go forward: nothing is guessed */
	r = run("01/02/21, 10:00 - A: first\n03/04/21, 10:00 - A: second\n");
	m = chat_find(&r, MESSAGES, "body", "second");
	chat_expect_null(m, "sent");
	ck_assert_ptr_nonnull(strstr(chat_field_text(m, "extra"), "\"date\":\"03/04/21, 10:00\""));
	ck_assert(chat_error_mentions(&r, "order of day and month cannot be told"));
	stub_host_free(r.host);

	/* day and month the same number throughout: either order gives the same */
	r = run("05/05/21, 10:00 - A: same\n");
	m = chat_find(&r, MESSAGES, "body", "same");
	chat_expect_time(m, "sent", "2021-05-05T10:00:00");
	stub_host_free(r.host);
}
END_TEST

START_TEST(other_text_gives_nothing)
{
	static const char *const others[] = {
		"**** BEGIN LOGGING AT Mon Dec 31 21:11:55 2011\n",
		"Dear diary, 12/31/20, 11:59 PM - nothing\n",
		"12/31/20 11:59 PM - no comma\n",
		"",
		"99/99/99, 99:99 - X: y\n",
	};
	size_t i;

	for (i = 0; i < sizeof others / sizeof *others; i++) {
		chat_run r = run(others[i]);

		ck_assert_int_eq(r.rc, EXHIBIT_OK);
		ck_assert_uint_eq(chat_count(&r, NULL), 0);
		stub_host_free(r.host);
	}
}
END_TEST

START_TEST(long_lines_and_text)
{
	size_t n = 70000, i;
	char *text = malloc(n * 20 + 100);
	chat_run r;

	strcpy(text, "12/31/20, 11:59 PM - A: ");
	i = strlen(text);
	memset(text + i, 'x', n);
	i += n;
	text[i++] = '\n';
	/* continuation lines past the text limit */
	while (i < n * 19) {
		memset(text + i, 'y', 60000);
		i += 60000;
		text[i++] = '\n';
	}
	text[i] = '\0';
	r = run(text);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 1);
	ck_assert(chat_error_mentions(&r, "longer than the limit was cut"));
	ck_assert_ptr_nonnull(strstr(chat_field_text(stub_host_record(r.host, MESSAGES, 0), "extra"),
	                             "text_cut"));
	stub_host_free(r.host);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_whatsapp_export");
	TCase *t = tcase_create("exports");

	tcase_set_timeout(t, 30);
	tcase_add_test(t, android_month_first);
	tcase_add_test(t, ios_day_first);
	tcase_add_test(t, german_dots_and_year_first);
	tcase_add_test(t, order_from_the_dates_going_forward);
	tcase_add_test(t, other_text_gives_nothing);
	tcase_add_test(t, long_lines_and_text);
	suite_add_tcase(s, t);
	return check_run_suite(s);
}

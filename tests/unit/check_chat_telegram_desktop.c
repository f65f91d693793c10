/*
 * check_chat_telegram_desktop.c — the telegram-desktop plugin on JSON
 * exports written here in the shape Telegram Desktop writes them (the
 * whole-account export and the one-chat export, new ones with
 * date_unixtime and old ones without), and on broken JSON: a syntax
 * error, a token past the limit, nesting past the limit, other JSON.
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

static chat_bytes text_bytes(const char *text)
{
	chat_bytes b;

	b.len = strlen(text);
	b.data = malloc(b.len + 1);
	memcpy(b.data, text, b.len + 1);
	return b;
}

static const char full_export[] =
	"{\n"
	" \"about\": \"Here is the data you requested.\",\n"
	" \"personal_information\": {\n"
	"  \"user_id\": 111222333,\n"
	"  \"first_name\": \"Ada\",\n"
	"  \"last_name\": \"Lovelace\",\n"
	"  \"phone_number\": \"+44 20 7946 0000\",\n"
	"  \"username\": \"@ada\",\n"
	"  \"bio\": \"engines\"\n"
	" },\n"
	" \"profile_pictures\": [ { \"date\": \"2020-01-01T00:00:00\", \"photo\": \"p.jpg\" } ],\n"
	" \"contacts\": {\n"
	"  \"about\": \"x\",\n"
	"  \"list\": [\n"
	"   { \"first_name\": \"Charles\", \"last_name\": \"Babbage\", \"phone_number\": \"+44 1\","
	"     \"date\": \"2020-05-01T10:00:00\", \"date_unixtime\": \"1588327200\" },\n"
	"   { \"first_name\": \"\", \"last_name\": \"\", \"phone_number\": \"+44 2\","
	"     \"date\": \"2020-05-02T10:00:00\" }\n"
	"  ]\n"
	" },\n"
	" \"frequent_contacts\": { \"list\": [ { \"id\": 1, \"name\": \"x\" } ] },\n"
	" \"chats\": {\n"
	"  \"about\": \"chats\",\n"
	"  \"list\": [\n"
	"   {\n"
	"    \"name\": \"Charles Babbage\", \"type\": \"personal_chat\", \"id\": 444555666,\n"
	"    \"messages\": [\n"
	"     { \"id\": 1, \"type\": \"message\", \"date\": \"2023-11-14T23:13:20\","
	"       \"date_unixtime\": \"1700000000\", \"from\": \"Charles Babbage\","
	"       \"from_id\": \"user444555666\", \"text\": \"Shall we meet at the Society?\","
	"       \"text_entities\": [ { \"type\": \"plain\", \"text\": \"Shall we meet at the Society?\" } ] },\n"
	"     { \"id\": 2, \"type\": \"message\", \"date\": \"2023-11-14T23:14:20\","
	"       \"date_unixtime\": \"1700000060\", \"edited\": \"2023-11-14T23:15:00\","
	"       \"edited_unixtime\": \"1700000100\", \"from\": \"Ada Lovelace\","
	"       \"from_id\": \"user111222333\", \"reply_to_message_id\": 1,"
	"       \"text\": [ \"Yes, see \", { \"type\": \"bold\", \"text\": \"Note G\" },"
	"                  \" first\", { \"type\": \"link\", \"text\": \"https://e.org\" } ] },\n"
	"     { \"id\": 3, \"type\": \"message\", \"date\": \"2023-11-14T23:20:00\","
	"       \"date_unixtime\": \"1700000400\", \"from\": \"Charles Babbage\","
	"       \"from_id\": \"user444555666\", \"forwarded_from\": \"Royal Society\","
	"       \"photo\": \"photos/photo_1@14-11-2023_23-20-00.jpg\", \"width\": 1280,"
	"       \"height\": 960, \"text\": \"the engine\" },\n"
	"     { \"id\": 4, \"type\": \"message\", \"date\": \"2023-11-14T23:21:00\","
	"       \"date_unixtime\": \"1700000460\", \"from\": \"Charles Babbage\","
	"       \"from_id\": \"user444555666\", \"file\": \"(File not included. Change data"
	" exporting settings to download.)\", \"media_type\": \"voice_message\","
	"       \"mime_type\": \"audio/ogg\", \"duration_seconds\": 7, \"text\": \"\" },\n"
	"     { \"id\": 5, \"type\": \"service\", \"date\": \"2023-11-14T23:30:00\","
	"       \"date_unixtime\": \"1700001000\", \"actor\": \"Ada Lovelace\","
	"       \"actor_id\": \"user111222333\", \"action\": \"phone_call\","
	"       \"duration_seconds\": 60, \"text\": \"\" },\n"
	"     { \"id\": 6, \"type\": \"message\", \"date\": \"2023-11-14T23:31:00\","
	"       \"date_unixtime\": \"1700001060\", \"from\": \"Ada Lovelace\","
	"       \"from_id\": \"user111222333\", \"location_information\":"
	"       { \"latitude\": 51.5074, \"longitude\": -0.1278 }, \"text\": \"\" }\n"
	"    ]\n"
	"   },\n"
	"   {\n"
	"    \"name\": \"Analysts\", \"type\": \"private_supergroup\", \"id\": 1777888999,\n"
	"    \"messages\": [\n"
	"     { \"id\": 10, \"type\": \"message\", \"date\": \"2023-11-15T09:00:00\","
	"       \"date_unixtime\": \"1700038800\", \"from\": \"Mary Somerville\","
	"       \"from_id\": \"user777\", \"text\": \"caf\\u00e9 at ten \\ud83d\\ude00\" }\n"
	"    ]\n"
	"   }\n"
	"  ]\n"
	" },\n"
	" \"left_chats\": { \"about\": \"left\", \"list\": [ { \"name\": \"Old group\","
	" \"type\": \"private_group\", \"id\": 55, \"messages\": [ { \"id\": 1, \"type\": \"message\","
	" \"date\": \"2019-01-01T00:00:00\", \"date_unixtime\": \"1546300800\", \"from\": \"Ada Lovelace\","
	" \"from_id\": \"user111222333\", \"text\": \"goodbye\" } ] } ] }\n"
	"}\n";

START_TEST(whole_account_export)
{
	chat_bytes b = text_bytes(full_export);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 8);
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 2);
	ck_assert_uint_eq(chat_count(&r, ACCOUNTS), 1);

	m = chat_find(&r, ACCOUNTS, "account_id", "user111222333");
	chat_expect_text(m, "name", "Ada Lovelace");
	chat_expect_text(m, "phone", "+44 20 7946 0000");

	m = chat_find(&r, MESSAGES, "message_key", "messages:444555666/1");
	chat_expect_text(m, "app", "Telegram");
	chat_expect_text(m, "account", "user111222333");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "user444555666");
	chat_expect_text(m, "sender_name", "Charles Babbage");
	chat_expect_text(m, "recipients", "[\"user111222333\"]");
	chat_expect_text(m, "thread_id", "444555666");
	chat_expect_text(m, "thread_title", "Charles Babbage");
	chat_expect_time(m, "sent", "2023-11-14T22:13:20Z");
	chat_expect_text(m, "time_zone", "UTC");
	chat_expect_text(m, "body", "Shall we meet at the Society?");
	chat_expect_text(m, "message_type", "text");
	chat_expect_int(m, "edited", 0);
	chat_expect_text(m, "source_table", "messages");
	chat_expect_int(m, "source_rowid", 1);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"offset\":"));

	/* text in parts; edited; a reply; outgoing */
	m = chat_find(&r, MESSAGES, "message_key", "messages:444555666/2");
	chat_expect_text(m, "body", "Yes, see Note G firsthttps://e.org");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"user444555666\"]");
	chat_expect_int(m, "edited", 1);
	chat_expect_text(m, "reply_to", "1");

	m = chat_find(&r, MESSAGES, "message_key", "messages:444555666/3");
	chat_expect_text(m, "message_type", "media");
	chat_expect_int(m, "forwarded", 1);
	chat_expect_text(m, "forwarded_from", "Royal Society");
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages:444555666/3");
	chat_expect_text(a, "path", "photos/photo_1@14-11-2023_23-20-00.jpg");
	chat_expect_text(a, "name", "photo_1@14-11-2023_23-20-00.jpg");

	/* a file the export left out: no path, and a note saying so */
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages:444555666/4");
	chat_expect_null(a, "path");
	chat_expect_text(a, "mime_type", "audio/ogg");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(a), "File not included"));

	m = chat_find(&r, MESSAGES, "message_key", "messages:444555666/5");
	chat_expect_text(m, "message_type", "system");
	chat_expect_text(m, "sender", "user111222333");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"action\":\"phone_call\""));

	m = chat_find(&r, MESSAGES, "message_key", "messages:444555666/6");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"latitude\":\"51.5074\""));
	chat_expect_text(m, "message_type", "media");

	/* JSON escapes, a surrogate pair among them */
	m = chat_find(&r, MESSAGES, "message_key", "messages:1777888999/10");
	chat_expect_text(m, "body", "caf\xc3\xa9 at ten \xf0\x9f\x98\x80");
	chat_expect_null(m, "recipients");
	chat_expect_text(m, "thread_title", "Analysts");

	m = chat_find(&r, MESSAGES, "message_key", "messages:55/1");
	chat_expect_text(m, "thread_title", "Old group");

	m = chat_find(&r, CONTACTS, "contact_id", "+44 1");
	chat_expect_text(m, "name", "Charles Babbage");
	chat_expect_text(m, "phones", "[\"+44 1\"]");
	chat_expect_time(m, "created", "2020-05-01T10:00:00Z");
	m = chat_find(&r, CONTACTS, "contact_id", "+44 2");
	chat_expect_null(m, "name");
	chat_expect_null(m, "created");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(one_chat_export_without_unix_times)
{
	/* exports before 2021: only the exporting machine's wall clock */
	chat_bytes b = text_bytes(
		"{\n \"name\": \"Grace\",\n \"type\": \"personal_chat\",\n \"id\": 9,\n"
		" \"messages\": [\n"
		"  { \"id\": 7, \"type\": \"message\", \"date\": \"2019-06-30T23:59:60\","
		"    \"from\": \"Grace\", \"from_id\": 9, \"text\": \"a leap second\" },\n"
		"  { \"id\": 8, \"type\": \"message\", \"date\": \"2019-13-01T00:00:00\","
		"    \"from\": \"Grace\", \"from_id\": 9, \"text\": \"a bad date\" }\n"
		" ]\n}\n");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 2);
	m = chat_find(&r, MESSAGES, "message_key", "messages:9/7");
	chat_expect_text(m, "time_zone", "local");
	chat_expect_time(m, "sent", "2019-07-01T00:00:00");
	chat_expect_text(m, "direction", "unknown"); /* no account in a one-chat export */
	chat_expect_text(m, "sender", "9");
	m = chat_find(&r, MESSAGES, "message_key", "messages:9/8");
	chat_expect_null(m, "sent");
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_json_gives_nothing)
{
	static const char *const others[] = {
		"{ \"value\": [ { \"MD5\": \"x\" } ] }",
		"[ 1, 2, 3 ]",
		"not json at all",
		"{ \"name\": \"x\", \"type\": \"y\", \"id\": 1, \"items\": [] }",
	};
	size_t i;

	for (i = 0; i < sizeof others / sizeof *others; i++) {
		chat_bytes b = text_bytes(others[i]);
		chat_run r = chat_analyze(plugin(), &b, NULL);

		ck_assert_int_eq(r.rc, EXHIBIT_OK);
		ck_assert_uint_eq(chat_count(&r, NULL), 0);
		ck_assert_uint_eq(stub_host_error_count(r.host), 0);
		stub_host_free(r.host);
		chat_bytes_free(&b);
	}
}
END_TEST

START_TEST(syntax_error_keeps_what_came_before)
{
	chat_bytes b = text_bytes(
		"{ \"name\": \"G\", \"type\": \"personal_chat\", \"id\": 9, \"messages\": [\n"
		" { \"id\": 1, \"type\": \"message\", \"date_unixtime\": \"1700000000\","
		"   \"text\": \"before the damage\" },\n"
		" { \"id\": 2, \"type\": \"message\", \"text\": \"broken\" ,, }\n] }");
	chat_run r = chat_analyze(plugin(), &b, NULL);

	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 1);
	chat_find(&r, MESSAGES, "body", "before the damage");
	ck_assert(chat_error_mentions(&r, "JSON syntax error at byte"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(limits)
{
	/* a string longer than the token limit, and nesting past the stack */
	size_t n = (1u << 20) + 100, i;
	char *json = malloc(n + 200);
	chat_bytes b;
	chat_run r;

	strcpy(json, "{ \"name\": \"G\", \"type\": \"x\", \"id\": 1, \"messages\": [ { \"id\": 1, "
	             "\"text\": \"ok\" }, { \"id\": 2, \"text\": \"");
	i = strlen(json);
	memset(json + i, 'a', n);
	strcpy(json + i + n, "\" } ] }");
	b.data = (unsigned char *)json;
	b.len = strlen(json);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_ERR_LIMIT);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 1);
	ck_assert(chat_error_mentions(&r, "longer than the limit"));
	stub_host_free(r.host);
	chat_bytes_free(&b);

	json = malloc(2000);
	strcpy(json, "{ \"name\": \"G\", \"type\": \"x\", \"id\": 1, \"messages\": [ { \"id\": 1, "
	             "\"text\": \"ok\", \"poll\": ");
	for (i = 0; i < 200; i++)
		strcat(json, "[");
	for (i = 0; i < 200; i++)
		strcat(json, "]");
	strcat(json, " } ] }");
	b.data = (unsigned char *)json;
	b.len = strlen(json);
	r = chat_analyze(plugin(), &b, NULL);
	/* deep inside a skipped value: counted, not kept, and the message stands */
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 1);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_telegram_desktop");
	TCase *t = tcase_create("exports");

	tcase_set_timeout(t, 30);
	tcase_add_test(t, whole_account_export);
	tcase_add_test(t, one_chat_export_without_unix_times);
	tcase_add_test(t, other_json_gives_nothing);
	tcase_add_test(t, syntax_error_keeps_what_came_before);
	tcase_add_test(t, limits);
	suite_add_tcase(s, t);
	return check_run_suite(s);
}

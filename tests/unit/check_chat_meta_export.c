/*
 * check_chat_meta_export.c — the meta-export plugin on message threads of
 * Facebook's and Instagram's "Download your information" JSON, written
 * here in the shapes those exports take (snake_case and the newer
 * camelCase, thread keys after the messages, UTF-8 bytes escaped one by
 * one), and on other or broken JSON.
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

static const char facebook_thread[] =
	"{\n  \"participants\": [ { \"name\": \"Zo\\u00c3\\u00ab Dupont\" }, { \"name\": \"Ken\" } ],\n"
	"  \"messages\": [\n"
	"    { \"sender_name\": \"Ken\", \"timestamp_ms\": 1600000300000, \"content\": \"the photo\","
	"      \"photos\": [ { \"uri\": \"messages/inbox/zoedupont_abc123/photos/1234_n.jpg\","
	"      \"creation_timestamp\": 1600000300 } ], \"type\": \"Generic\", \"is_unsent\": false },\n"
	"    { \"sender_name\": \"Zo\\u00c3\\u00ab Dupont\", \"timestamp_ms\": 1600000200000,"
	"      \"content\": \"Caf\\u00c3\\u00a9 demain ? \\u00f0\\u009f\\u0098\\u0080\","
	"      \"type\": \"Generic\", \"is_unsent\": false },\n"
	"    { \"sender_name\": \"Ken\", \"timestamp_ms\": 1600000100000, \"content\": \"Ken called you.\","
	"      \"call_duration\": 125, \"type\": \"Call\", \"is_unsent\": false },\n"
	"    { \"sender_name\": \"Ken\", \"timestamp_ms\": 1600000000000, \"type\": \"Generic\","
	"      \"is_unsent\": true },\n"
	"    { \"sender_name\": \"Ken\", \"timestamp_ms\": 1599999000000, \"content\": \"100\\u00a0%\","
	"      \"type\": \"Generic\" }\n"
	"  ],\n"
	"  \"title\": \"Zo\\u00c3\\u00ab Dupont\",\n  \"is_still_participant\": true,\n"
	"  \"thread_type\": \"Regular\",\n  \"thread_path\": \"inbox/zoedupont_abc123\",\n"
	"  \"magic_words\": []\n}\n";

START_TEST(facebook_thread_file)
{
	chat_run r = run(facebook_thread);
	const stub_record *m, *a, *c;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	m = chat_find(&r, MESSAGES, "message_key", "messages:inbox/zoedupont_abc123/1");
	chat_expect_text(m, "app", "Facebook Messenger");
	chat_expect_text(m, "body", "Caf\xc3\xa9 demain ? \xf0\x9f\x98\x80");
	chat_expect_text(m, "sender", "Zo\xc3\xab Dupont");
	chat_expect_text(m, "thread_title", "Zo\xc3\xab Dupont");
	chat_expect_text(m, "thread_id", "inbox/zoedupont_abc123");
	chat_expect_text(m, "participants", "[\"Zo\xc3\xab Dupont\",\"Ken\"]");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_time(m, "sent", "2020-09-13T12:30:00.000Z");
	chat_expect_int(m, "deleted", 0);
	chat_expect_int(m, "source_rowid", 1);
	m = chat_find(&r, MESSAGES, "message_key", "messages:inbox/zoedupont_abc123/0");
	chat_expect_text(m, "message_type", "media");
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages:inbox/zoedupont_abc123/0");
	chat_expect_text(a, "path", "messages/inbox/zoedupont_abc123/photos/1234_n.jpg");
	chat_expect_text(a, "name", "1234_n.jpg");
	m = chat_find(&r, MESSAGES, "message_key", "messages:inbox/zoedupont_abc123/2");
	chat_expect_text(m, "message_type", "call");
	c = chat_find(&r, CALLS, "call_id", "messages:inbox/zoedupont_abc123/2");
	chat_expect_int(c, "duration", 125);
	chat_expect_time(c, "ended", "2020-09-13T12:30:25.000Z");
	m = chat_find(&r, MESSAGES, "message_key", "messages:inbox/zoedupont_abc123/3");
	chat_expect_int(m, "deleted", 1);
	/* a lone U+00A0 is no UTF-8 byte sequence: kept as it came */
	m = chat_find(&r, MESSAGES, "message_key", "messages:inbox/zoedupont_abc123/4");
	chat_expect_text(m, "body", "100\xc2\xa0%");
	stub_host_free(r.host);
}
END_TEST

START_TEST(instagram_and_camel_case)
{
	chat_run r = run(
		"{ \"participants\": [ { \"name\": \"skater_99\" }, { \"name\": \"me\" } ],"
		"  \"messages\": [ { \"sender_name\": \"skater_99\", \"timestamp_ms\": 1650000000000,"
		"  \"content\": \"yo\", \"is_geoblocked_for_viewer\": false } ],"
		"  \"title\": \"skater_99\", \"thread_path\": \"inbox/skater99_17840000\" }");
	const stub_record *m;

	m = chat_find(&r, MESSAGES, "body", "yo");
	chat_expect_text(m, "app", "Instagram");
	stub_host_free(r.host);

	r = run("{ \"participants\": [ \"Ana\", \"Bo\" ], \"threadName\": \"Ana\","
	        " \"messages\": [ { \"isUnsent\": false, \"media\": [ { \"uri\": \"./media/a.jpg\" } ],"
	        " \"reactions\": [], \"senderName\": \"Ana\", \"text\": \"new format\","
	        " \"timestamp\": 1700000000000, \"type\": \"text\" } ], \"threadPath\": \"x/ana_1\" }");
	m = chat_find(&r, MESSAGES, "body", "new format");
	chat_expect_text(m, "sender", "Ana");
	chat_expect_time(m, "sent", "2023-11-14T22:13:20.000Z");
	chat_expect_text(m, "participants", "[\"Ana\",\"Bo\"]");
	chat_expect_text(m, "thread_id", "x/ana_1");
	chat_expect_text(m, "message_type", "media");
	chat_find(&r, ATTACHMENTS, "path", "./media/a.jpg");
	stub_host_free(r.host);
}
END_TEST

START_TEST(other_and_broken_json)
{
	chat_run r = run("{ \"about\": \"x\", \"personal_information\": {} }");

	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	r = run("{ \"participants\": [ { \"name\": \"A\" } ], \"messages\": ["
	        " { \"sender_name\": \"A\", \"timestamp_ms\": 1, \"content\": \"kept\" },"
	        " { \"sender_name\": \"A\", \"content\": \"broken\" ,, } ] }");
	ck_assert_int_eq(r.rc, EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 1);
	chat_find(&r, MESSAGES, "body", "kept");
	ck_assert(chat_error_mentions(&r, "JSON syntax error at byte"));
	stub_host_free(r.host);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_meta_export");
	TCase *t = tcase_create("exports");

	tcase_set_timeout(t, 30);
	tcase_add_test(t, facebook_thread_file);
	tcase_add_test(t, instagram_and_camel_case);
	tcase_add_test(t, other_and_broken_json);
	suite_add_tcase(s, t);
	return check_run_suite(s);
}

/*
 * check_chat_facebook_messenger.c — the facebook-messenger plugin on
 * threads_db2 databases built here from the documented schema (no public
 * sample exists): one-to-one and group threads, the owner found from the
 * one-to-one thread keys (and not found when they do not agree), JSON
 * senders and attachments (malformed JSON included), people, other
 * databases, and deleted messages recovered (secure_delete off and on,
 * WAL before and after a checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/facebook_messenger.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static chat_bytes db_of(const char *more)
{
	return chat_db_from_parts(chat_fx_facebook_messenger_schema, chat_fx_facebook_messenger_rows, more);
}

START_TEST(threads_db2)
{
	chat_bytes b = db_of(NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 5);
	m = chat_find(&r, MESSAGES, "message_key", "messages:1");
	chat_expect_text(m, "app", "Facebook Messenger");
	chat_expect_text(m, "account", "FACEBOOK:100001");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "FACEBOOK:100002");
	chat_expect_text(m, "sender_name", "Mia Moss");
	chat_expect_text(m, "recipients", "[\"FACEBOOK:100001\"]");
	chat_expect_text(m, "thread_id", "ONE_TO_ONE:100002:100001");
	chat_expect_text(m, "thread_title", "Mia Moss");
	chat_expect_time(m, "sent", "2022-04-15T05:20:00.123Z");
	chat_expect_text(m, "body", "did you finish the book?");
	chat_expect_text(m, "message_type", "text");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"msg_id\":\"mid.$1\""));
	m = chat_find(&r, MESSAGES, "message_key", "messages:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"FACEBOOK:100002\"]");
	m = chat_find(&r, MESSAGES, "message_key", "messages:3");
	chat_expect_text(m, "thread_title", "Book club");
	chat_expect_text(m, "participants", "[\"FACEBOOK:100001\",\"FACEBOOK:100002\","
	                 "\"FACEBOOK:100003\"]");
	chat_expect_text(m, "recipients", "[\"FACEBOOK:100001\",\"FACEBOOK:100002\"]");
	chat_expect_text(m, "message_type", "media");
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages:3");
	chat_expect_text(a, "name", "image-1.jpg");
	chat_expect_text(a, "mime_type", "image/jpeg");
	chat_expect_int(a, "size", 52341);
	chat_expect_text(a, "url", "https://scontent.example/x.jpg");
	m = chat_find(&r, MESSAGES, "message_key", "messages:4");
	chat_expect_text(m, "message_type", "system");
	/* malformed JSON: read as nothing, never an error */
	m = chat_find(&r, MESSAGES, "message_key", "messages:5");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_text(m, "thread_title", "Nil Nash");
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 1);
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 2);
	m = chat_find(&r, CONTACTS, "contact_id", "FACEBOOK:100002");
	chat_expect_text(m, "username", "mia.moss");
	m = chat_find(&r, ACCOUNTS, "account_id", "FACEBOOK:100001");
	chat_expect_text(m, "name", "Owen Owner");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(owner_unknown_without_agreement)
{
	/* one one-to-one thread only: either party may be the owner */
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE threads (thread_key TEXT PRIMARY KEY, name TEXT);"
		"CREATE TABLE messages (msg_id TEXT PRIMARY KEY, thread_key TEXT, text TEXT,"
		" sender TEXT, timestamp_ms INTEGER);"
		"INSERT INTO threads VALUES ('ONE_TO_ONE:1:2', NULL);"
		"INSERT INTO messages VALUES ('m', 'ONE_TO_ONE:1:2', 'hi',"
		" '{\"user_key\":\"FACEBOOK:1\"}', 1);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	m = chat_find(&r, MESSAGES, "body", "hi");
	chat_expect_null(m, "account");
	chat_expect_text(m, "direction", "unknown");
	ck_assert_uint_eq(chat_count(&r, ACCOUNTS), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);

	b = chat_db_from_sql("CREATE TABLE messages (msg_id TEXT PRIMARY KEY, text TEXT);"
	                     "INSERT INTO messages VALUES ('a', 'b');");
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* Rows as a phone accumulates them (rowids past 127, records past 127
 * bytes): a freeblock header over a freed cell's first four bytes then
 * takes only its payload length and rowid.  (A smaller cell loses the
 * serial type of msg_id, its first column, which is not the rowid: that
 * value, and so the record, cannot be known, and is not reported.) */
static const chat_deleted_case deleted_case = {
	"fixture threads_db2", "messages", "text", "messages:",
	"WHERE rowid IN (201, 202, 240, 241, 242, 277, 320)", 230, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("facebook-messenger", "threads_db2");
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	if (how == CHAT_DELETE_SECURE)
		ck_assert_uint_eq(f.present, 0);
	else
		ck_assert_uint_gt(f.present, 0);
	ck_assert_uint_eq(f.recovered, f.present);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_facebook_messenger");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, threads_db2);
	tcase_add_test(fixtures, owner_unknown_without_agreement);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

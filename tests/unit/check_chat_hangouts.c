/*
 * check_chat_hangouts.c — the hangouts plugin on babel.db databases built
 * here from the schema the app declares (as plaso's parser lists it; the
 * googlehangouts.db plaso tests on is not in the corpus): sent and
 * received messages with microsecond times (plaso's: "How are you?" from
 * John Macron, 2017-07-17T04:41:54.326967, type 2, status 4), a group,
 * an attachment, a renaming, people, other databases, and deleted
 * messages recovered (secure_delete off and on, WAL before and after a
 * checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/hangouts.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static chat_bytes db_of(const char *more)
{
	return chat_db_from_parts(chat_fx_hangouts_schema, chat_fx_hangouts_rows, more);
}

START_TEST(babel_db)
{
	chat_bytes b = db_of(NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 4);
	m = chat_find(&r, MESSAGES, "body", "How are you?");
	chat_expect_text(m, "app", "Google Hangouts");
	chat_expect_text(m, "account", "111");
	chat_expect_text(m, "sender", "222");
	chat_expect_text(m, "sender_name", "John Macron");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "recipients", "[\"111\"]");
	chat_expect_text(m, "thread_id", "UgwOne");
	chat_expect_text(m, "thread_title", "John Macron");
	chat_expect_time(m, "sent", "2017-07-17T04:41:54.326967Z");
	chat_expect_text(m, "status", "read");
	chat_expect_text(m, "source_table", "messages");
	chat_expect_int(m, "source_rowid", 2);
	m = chat_find(&r, MESSAGES, "body", "Hi John");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"222\"]");
	chat_expect_text(m, "status", "sent");
	m = chat_find(&r, MESSAGES, "message_key", "messages:3");
	chat_expect_text(m, "message_type", "media");
	chat_expect_text(m, "thread_title", "Road trip");
	chat_expect_text(m, "sender_name", "Eve");
	chat_expect_text(m, "recipients", "[\"111\",\"222\"]");
	chat_expect_text(m, "status", "unread");
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages:3");
	chat_expect_text(a, "path", "content://media/external/images/media/77");
	chat_expect_text(a, "url", "https://lh3.googleusercontent.com/x");
	chat_expect_text(a, "mime_type", "image/jpeg");
	m = chat_find(&r, MESSAGES, "message_key", "messages:4");
	chat_expect_text(m, "message_type", "system");
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 2);
	m = chat_find(&r, CONTACTS, "contact_id", "222");
	chat_expect_text(m, "phones", "[\"+15550002222\"]");
	m = chat_find(&r, CONTACTS, "contact_id", "333");
	chat_expect_text(m, "name", "Eve");
	chat_expect_int(m, "blocked", 1);
	m = chat_find(&r, ACCOUNTS, "account_id", "111");
	chat_expect_text(m, "name", "Me Myself");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_and_broken)
{
	chat_bytes b = chat_db_from_sql("CREATE TABLE messages (_id INTEGER PRIMARY KEY, text TEXT,"
	                                " timestamp INT); INSERT INTO messages VALUES (1, 'x', 1);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
	b = chat_db_from_sql(
		"CREATE TABLE messages (_id INTEGER PRIMARY KEY, conversation_id TEXT,"
		" author_chat_id TEXT, text TEXT, timestamp INT, type INT);"
		"CREATE TABLE participants (_id INTEGER PRIMARY KEY, chat_id TEXT, full_name TEXT);"
		"INSERT INTO messages VALUES (1, NULL, NULL, x'0061', 9223372036854775807, 7),"
		" (2, 'c', 'a', 'hi', -1, NULL);");
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	m = chat_find(&r, MESSAGES, "message_key", "messages:1");
	chat_expect_text(m, "body", "\\x00a");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "sent");
	m = chat_find(&r, MESSAGES, "message_key", "messages:2");
	chat_expect_time(m, "sent", "1969-12-31T23:59:59.999999Z");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

static const chat_deleted_case deleted_case = {
	"fixture babel.db", "messages", "text", "messages:",
	"WHERE _id IN (1, 2, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("hangouts", "babel.db");
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
	Suite *s = suite_create("chat_hangouts");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, babel_db);
	tcase_add_test(fixtures, other_and_broken);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

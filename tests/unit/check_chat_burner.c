/*
 * check_chat_burner.c — the burner plugin on plaso's burners.sqlite (the
 * MANIFEST's ground truth: one burner, "My Burner", +19102484781; the
 * database's own rows: 16 messages, of which 2 are calls, and 4 contacts),
 * and on broken rows.
 */
#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

START_TEST(plaso_burners_sqlite)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/burners.sqlite");
	const stub_record *a, *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	ck_assert_uint_eq(chat_count(&r, "chat_messages"), 14);
	ck_assert_uint_eq(chat_count(&r, "chat_calls"), 2);
	ck_assert_uint_eq(chat_count(&r, "chat_contacts"), 4);
	ck_assert_uint_eq(chat_count(&r, "chat_attachments"), 2);
	a = chat_find(&r, "chat_accounts", "account_id", "+19102484781");
	chat_expect_text(a, "app", "Burner");
	chat_expect_text(a, "name", "My Burner");
	chat_expect_time(a, "created", "2022-12-01T17:19:27.768Z");

	m = chat_find(&r, "chat_messages", "body", "You there?");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "sender", "+19102484781");
	chat_expect_text(m, "recipients", "[\"+19198887386\"]");
	chat_expect_time(m, "sent", "2022-12-01T18:16:30.384Z");
	m = chat_find(&r, "chat_messages", "body", "Yes. What number is this?");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "+19198887386");
	m = chat_find(&r, "chat_attachments", "message_key", "messages:13");
	chat_expect_text(m, "url", "https://s3.amazonaws.com/burner-mms/prod/"
	                 "248d9fad-db20-417e-87be-2c09a83d4ef6.jpg");
	m = chat_find(&r, "chat_calls", "call_id", "27");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_int(m, "duration", 2);
	m = chat_find(&r, "chat_contacts", "name", "This Is DFIR Two");
	chat_expect_text(m, "phones", "[\"+19198887386\"]");
	stub_host_free(r.host);
}
END_TEST

START_TEST(broken_rows)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE burners (_id INTEGER PRIMARY KEY, burner_id TEXT, phone_number_id TEXT,"
		" name TEXT, date_created INTEGER);"
		"CREATE TABLE messages (_id INTEGER PRIMARY KEY, message TEXT, contact_phone_number TEXT,"
		" message_type INTEGER, date_created INTEGER, burner_id TEXT, duration INTEGER,"
		" direction INTEGER, asset_url TEXT);"
		"INSERT INTO burners VALUES (1, NULL, NULL, NULL, 'x');"
		"INSERT INTO messages VALUES (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
		" (2, '', '+1', 1, -1, 'nope', 9223372036854775807, 7, '/'),"
		" (3, 'x', '+1', 2, 1, NULL, NULL, 2, 'https://h/');");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	ck_assert_uint_eq(chat_count(&r, "chat_messages"), 2);
	ck_assert_uint_eq(chat_count(&r, "chat_calls"), 1);
	m = chat_find(&r, "chat_calls", "call_id", "2");
	chat_expect_null(m, "ended");
	chat_expect_text(m, "direction", "unknown");
	m = chat_find(&r, "chat_attachments", "message_key", "messages:3");
	chat_expect_null(m, "name");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages (the fixture of chat_fixtures.c) ------------------ */

static const chat_deleted_case deleted_case = {
	"fixture burners.sqlite", "messages", "message", "messages:",
	"WHERE _id IN (10, 11, 40, 41, 42, 77, 120)", 30, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("burner", NULL);
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_burner");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");
	TCase *deleted = tcase_create("deleted");

	tcase_add_test(fixtures, broken_rows);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN, CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	tcase_add_test(corpus, plaso_burners_sqlite);
	if (chat_corpus_has("plaso-chat/burners.sqlite"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("burner: plaso-chat/burners.sqlite");
	return check_run_suite(s);
}

/*
 * check_chat_viber.c — the viber plugin on plaso's viber_data (plaso's
 * android_viber_call test: 4 calls; the fourth to +19198887386, type 2,
 * viber_call_type 4, 105 s, started 2022-11-25T20:43:08.267Z, ended
 * 20:44:53.267Z), its phone book (5 contacts), and broken rows.
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

START_TEST(plaso_viber_data)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/viber_data");
	const stub_record *c;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, "chat_calls"), 4);
	ck_assert_uint_eq(chat_count_live(&r, "chat_contacts"), 5);
	/* and one the file holds only in free space */
	ck_assert_uint_eq(chat_count_recovered(&r, "chat_contacts"), 1);
	ck_assert_uint_eq(chat_count(&r, "chat_messages"), 0);

	c = chat_find(&r, "chat_calls", "call_id", "4");
	chat_expect_text(c, "app", "Viber");
	chat_expect_text(c, "peer", "+19198887386");
	chat_expect_text(c, "direction", "outgoing");
	chat_expect_text(c, "media", "video");
	chat_expect_int(c, "duration", 105);
	chat_expect_time(c, "started", "2022-11-25T20:43:08.267Z");
	chat_expect_time(c, "ended", "2022-11-25T20:44:53.267Z");
	ck_assert_ptr_nonnull(strstr(chat_field_text(c, "extra"), "\"type\":2,\"viber_call_type\":4"));
	c = chat_find(&r, "chat_calls", "call_id", "1");
	chat_expect_text(c, "direction", "incoming");
	chat_expect_text(c, "media", "voice");

	c = chat_find(&r, "chat_contacts", "name", "This Is DFIR Two");
	chat_expect_text(c, "phones", "[\"+19198887386\"]");
	c = chat_find(&r, "chat_contacts", "name", "Josh Hickman");
	chat_expect_text(c, "phones", "[\"+19195790479\",\"+19193912507\"]");
	stub_host_free(r.host);
}
END_TEST

START_TEST(broken_rows)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE calls (_id INTEGER PRIMARY KEY, call_id LONG, number TEXT,"
		" canonized_number TEXT, viber_call_type INTEGER, date LONG, duration LONG, type INT);"
		"CREATE TABLE phonebookcontact (_id INTEGER PRIMARY KEY, display_name TEXT, deleted BOOLEAN);"
		"INSERT INTO calls VALUES (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
		" (2, 1, '', '+1', 9, 9223372036854775807, -5, 'x');"
		"INSERT INTO phonebookcontact VALUES (1, NULL, 1);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *c;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, "chat_calls"), 2);
	c = chat_find(&r, "chat_calls", "call_id", "2");
	chat_expect_text(c, "peer", "+1");
	chat_expect_null(c, "media");
	chat_expect_null(c, "started");
	chat_expect_null(c, "ended");
	chat_expect_text(c, "direction", "unknown");
	c = chat_find(&r, "chat_contacts", "contact_id", "1");
	chat_expect_int(c, "deleted", 1);
	chat_expect_null(c, "phones");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted calls (the fixture of chat_fixtures.c) --------------------- */

static const chat_deleted_case deleted_case = {
	"fixture viber_data", "calls", "number", "",
	"WHERE _id IN (10, 11, 40, 41, 42, 77, 120)", 30,
	"chat_calls", "call_id", "peer", NULL
};

START_TEST(deleted_calls)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("viber", NULL);
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_viber");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");
	TCase *deleted = tcase_create("deleted");

	tcase_add_test(fixtures, broken_rows);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_calls, CHAT_DELETE_PLAIN, CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	tcase_add_test(corpus, plaso_viber_data);
	if (chat_corpus_has("plaso-chat/viber_data"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("viber: plaso-chat/viber_data");
	return check_run_suite(s);
}

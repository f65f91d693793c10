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

#define MESSAGES "chat_messages"
#define ATTACHMENTS "chat_attachments"
#define CONTACTS "chat_contacts"
#define ACCOUNTS "chat_accounts"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static const char schema[] =
	"CREATE TABLE conversations (_id INTEGER PRIMARY KEY, conversation_id TEXT,"
	" conversation_type INT, latest_message_timestamp INT DEFAULT(0), name TEXT,"
	" generated_name TEXT, snippet_text TEXT, UNIQUE (conversation_id));"
	"CREATE TABLE participants (_id INTEGER PRIMARY KEY, participant_type INT DEFAULT 1,"
	" gaia_id TEXT, chat_id TEXT, phone_id TEXT, circle_id TEXT, first_name TEXT,"
	" full_name TEXT, fallback_name TEXT, profile_photo_url TEXT, blocked INT DEFAULT(0),"
	" UNIQUE (chat_id) ON CONFLICT REPLACE, UNIQUE (gaia_id) ON CONFLICT REPLACE);"
	"CREATE TABLE conversation_participants (_id INTEGER PRIMARY KEY, participant_row_id INT,"
	" participant_type INT, conversation_id TEXT, sequence INT, active INT);"
	"CREATE TABLE messages (_id INTEGER PRIMARY KEY, message_id TEXT, message_type INT,"
	" conversation_id TEXT, author_chat_id TEXT, author_gaia_id TEXT, text TEXT, timestamp INT,"
	" delete_after_read_timetamp INT, status INT, type INT, local_url TEXT, remote_url TEXT,"
	" attachment_content_type TEXT, width_pixels INT, height_pixels INT, latitude DOUBLE,"
	" longitude DOUBLE, transport_type INT NOT NULL DEFAULT(1), sms_raw_sender TEXT,"
	" attachment_name TEXT, new_conversation_name TEXT, participant_keys TEXT);"
	"CREATE TABLE blocked_people (_id INTEGER PRIMARY KEY, gaia_id TEXT, chat_id TEXT,"
	" name TEXT, profile_photo_url TEXT);";

static const char rows[] =
	"INSERT INTO conversations (conversation_id, conversation_type, name, generated_name)"
	" VALUES ('UgwOne', 1, NULL, 'John Macron'), ('UgzGroup', 2, 'Road trip', 'John, Eve');"
	"INSERT INTO participants (_id, gaia_id, chat_id, full_name, first_name, phone_id, blocked)"
	" VALUES (1, '111', '111', 'Me Myself', 'Me', NULL, 0),"
	" (2, '222', '222', 'John Macron', 'John', '+15550002222', 0),"
	" (3, '333', '333', NULL, 'Eve', NULL, 1);"
	"INSERT INTO conversation_participants (participant_row_id, conversation_id) VALUES"
	" (1, 'UgwOne'), (2, 'UgwOne'), (1, 'UgzGroup'), (2, 'UgzGroup'), (3, 'UgzGroup');"
	"INSERT INTO messages (_id, message_id, conversation_id, author_chat_id, author_gaia_id,"
	" text, timestamp, status, type, local_url, remote_url, attachment_content_type,"
	" width_pixels, height_pixels, new_conversation_name) VALUES"
	" (1, 'm1', 'UgwOne', '111', '111', 'Hi John', 1500266400000000, 4, 1, NULL, NULL, NULL,"
	"  NULL, NULL, NULL),"
	" (2, 'm2', 'UgwOne', '222', '222', 'How are you?', 1500266514326967, 4, 2, NULL, NULL,"
	"  NULL, NULL, NULL, NULL),"
	" (3, 'm3', 'UgzGroup', '333', '333', NULL, 1500266600000000, 0, 2,"
	"  'content://media/external/images/media/77', 'https://lh3.googleusercontent.com/x',"
	"  'image/jpeg', 640, 480, NULL),"
	" (4, 'm4', 'UgzGroup', '111', '111', NULL, 1500266700000000, 4, 1, NULL, NULL, NULL,"
	"  NULL, NULL, 'Road trip');";

static chat_bytes db_of(const char *more)
{
	char *sql;
	chat_bytes b;

	ck_assert_int_ge(asprintf(&sql, "%s%s%s", schema, rows, more ? more : ""), 0);
	b = chat_db_from_sql(sql);
	free(sql);
	return b;
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
	chat_bytes b = db_of(
		"WITH RECURSIVE n(i) AS (SELECT 5 UNION ALL SELECT i + 1 FROM n WHERE i < 120)"
		" INSERT INTO messages (_id, message_id, conversation_id, author_chat_id, text,"
		" timestamp, status, type) SELECT i, 'm' || i, 'UgwOne', CASE i & 1 WHEN 1 THEN"
		" '111' ELSE '222' END, 'hangout line ' || i || ' about the drive, mile ' || i,"
		" 1500267000000000 + i * 60000000, 4, 1 + (i & 1) FROM n;");
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

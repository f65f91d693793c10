/*
 * check_chat_whatsapp_ios.c — the whatsapp-ios plugin on ChatStorage.sqlite
 * databases built here from the documented Core Data schema (no public
 * sample exists): one-to-one and group chats, media with captions, a
 * contact card, a location, a message deleted for everyone, push names,
 * other databases, broken values, and deleted messages recovered
 * (secure_delete off and on, WAL before and after a checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/whatsapp_ios.h"

/* The tables as WhatsApp 2.2x for iOS declares them (Core Data), less
 * columns the plugin does not read. */
static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static chat_bytes store(const char *more)
{
	char *sql;
	chat_bytes b;

	ck_assert_int_ge(asprintf(&sql, "%s%s%s", chat_fx_whatsapp_ios_schema,
	                          chat_fx_whatsapp_ios_rows, more ? more : ""), 0);
	b = chat_db_from_sql(sql);
	free(sql);
	return b;
}

START_TEST(chat_storage)
{
	chat_bytes b = store(NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/renamed.bin");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 7);
	ck_assert_uint_eq(chat_count(&r, ATTACHMENTS), 3);

	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:1");
	chat_expect_text(m, "app", "WhatsApp");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "15550001111@s.whatsapp.net");
	chat_expect_text(m, "sender_name", "Alice Martin");
	chat_expect_text(m, "thread_id", "15550001111@s.whatsapp.net");
	chat_expect_text(m, "thread_title", "Alice Martin");
	chat_expect_time(m, "sent", "2023-03-08T20:26:40Z");
	chat_expect_text(m, "time_precision", "1s");
	chat_expect_text(m, "body", "are you coming?");
	chat_expect_text(m, "message_type", "text");
	chat_expect_int(m, "deleted", 0);
	chat_expect_text(m, "source_table", "ZWAMESSAGE");
	chat_expect_int(m, "source_rowid", 1);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"stanza_id\":\"3EB0A1\""));

	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "recipients", "[\"15550001111@s.whatsapp.net\"]");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"starred\":1"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"sent_date\":700000060.25"));

	/* a group picture, its caption the body, its author a group member */
	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:3");
	chat_expect_text(m, "sender", "15550002222@s.whatsapp.net");
	chat_expect_text(m, "sender_name", "bobby"); /* no address-book name: the push name */
	chat_expect_text(m, "thread_title", "Climbing club");
	chat_expect_text(m, "participants", "[\"15550001111@s.whatsapp.net\","
	                 "\"15550002222@s.whatsapp.net\"]");
	chat_expect_text(m, "recipients", "[\"15550001111@s.whatsapp.net\"]");
	chat_expect_text(m, "body", "the north face");
	chat_expect_text(m, "message_type", "media");
	chat_expect_time(m, "sent", "2023-03-08T20:28:20.500000Z");
	chat_expect_text(m, "time_precision", "1us");
	a = chat_find(&r, ATTACHMENTS, "message_key", "ZWAMESSAGE:3");
	chat_expect_text(a, "path", "Media/15550001111-1678000000@g.us/a/b/3f6c.jpg");
	chat_expect_text(a, "name", "3f6c.jpg");
	chat_expect_text(a, "mime_type", "image/jpeg");
	chat_expect_text(a, "url", "https://mmg.whatsapp.net/v/t62/x.enc");
	chat_expect_int(a, "size", 48213);
	chat_expect_text(a, "source_table", "ZWAMEDIAITEM");
	chat_expect_int(a, "source_rowid", 1);

	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:4");
	chat_expect_text(m, "message_type", "system");
	chat_expect_text(m, "sender", "15550001111@s.whatsapp.net");
	chat_expect_text(m, "sender_name", "Alice Martin");

	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:5");
	chat_expect_int(m, "deleted", 1);
	chat_expect_text(m, "message_type", "text");

	/* a contact card: its text in extra, never the card as a MIME type */
	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:6");
	chat_expect_text(m, "message_type", "media");
	chat_expect_null(m, "body");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"vcard_name\":\"Carol Climber\""));
	a = chat_find(&r, ATTACHMENTS, "message_key", "ZWAMESSAGE:6");
	chat_expect_null(a, "mime_type");

	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:7");
	chat_expect_text(m, "body", "Crag car park");
	chat_expect_text(m, "recipients", "[\"15550001111@s.whatsapp.net\","
	                 "\"15550002222@s.whatsapp.net\"]");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"latitude\":45.9"));

	ck_assert_uint_eq(chat_count(&r, CONTACTS), 2);
	m = chat_find(&r, CONTACTS, "contact_id", "15550002222@s.whatsapp.net");
	chat_expect_text(m, "name", "bobby");
	chat_expect_text(m, "source_table", "ZWAPROFILEPUSHNAME");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_databases_give_nothing)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZTEXT VARCHAR);"
		"CREATE TABLE ZMESSAGE (Z_PK INTEGER PRIMARY KEY, ZTEXT VARCHAR, ZDATE TIMESTAMP);"
		"INSERT INTO ZWAMESSAGE VALUES (1, 'x'); INSERT INTO ZMESSAGE VALUES (1, 'y', 1);");
	chat_run r = chat_analyze(plugin(), &b, "/private/var/mobile/Containers/Shared/AppGroup/"
	                                        "x/ChatStorage.sqlite");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(broken_values)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID VARCHAR);"
		"CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER,"
		" ZISFROMME INTEGER, ZMESSAGEDATE TIMESTAMP, ZTEXT VARCHAR, ZMESSAGETYPE INTEGER,"
		" ZMEDIAITEM INTEGER, ZGROUPMEMBER INTEGER);"
		"CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER,"
		" ZMEDIALOCALPATH VARCHAR, ZVCARDSTRING VARCHAR, ZFILESIZE INTEGER,"
		" ZMOVIEDURATION FLOAT);"
		"INSERT INTO ZWACHATSESSION VALUES (1, x'ff00'), (2, 'x@g.us');"
		"INSERT INTO ZWAMESSAGE VALUES (1, 1, 0, 1e300, x'610062', 'text', 99, 5),"
		" (2, 9, 'yes', 'soon', NULL, NULL, NULL, NULL),"
		" (3, 2, 0, -1e20, 'who', 0, NULL, 42);"
		"INSERT INTO ZWAMEDIAITEM VALUES (99, 7, '/', 'a b/c', -1, 'NaN'),"
		" (100, 3, 'x/', 'image/', 5, 1e400);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:1");
	chat_expect_text(m, "body", "a\\x00b");
	chat_expect_text(m, "thread_id", "\\xff\\x00");
	chat_expect_null(m, "sent");
	a = chat_find(&r, ATTACHMENTS, "message_key", "ZWAMESSAGE:1");
	chat_expect_null(a, "mime_type");
	chat_expect_null(a, "size");
	chat_expect_null(a, "name");
	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:2");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "thread_id");
	m = chat_find(&r, MESSAGES, "message_key", "ZWAMESSAGE:3");
	chat_expect_null(m, "sender"); /* a group member that is not there */
	a = chat_find(&r, ATTACHMENTS, "message_key", "ZWAMESSAGE:3");
	chat_expect_null(a, "mime_type");
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages ---------------------------------------------------- */

static const chat_deleted_case deleted_case = {
	"fixture ChatStorage.sqlite", "ZWAMESSAGE", "ZTEXT", "ZWAMESSAGE:",
	"WHERE Z_PK IN (1, 2, 44, 45, 46, 90, 130)", 21, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("whatsapp-ios", "ChatStorage.sqlite");
	chat_deleted_figures f = chat_deleted_run_db(plugin(), &deleted_case, how, &b);

	if (how == CHAT_DELETE_SECURE)
		ck_assert_uint_eq(f.present, 0);
	else /* what SQLite left of them (a page rebalanced may lose some) */
		ck_assert_uint_gt(f.present, 0);
	ck_assert_uint_eq(f.recovered, f.present);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_whatsapp_ios");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, chat_storage);
	tcase_add_test(fixtures, other_databases_give_nothing);
	tcase_add_test(fixtures, broken_values);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

/*
 * check_chat_skype.c — the skype plugin on
 *   plaso's skype_main.db: what plaso's skype test asserts, 20 records:
 *     15 chat messages (e.g. from "Gen Beringer <gen.beringer>" to
 *     european.bbq.competitor, "need to know if you got it this time.",
 *     2013-07-30T21:27:11Z; "He is our new employee" to gen.beringer and
 *     echo123), 1 SMS to +34123456789 at 2013-07-01T22:14:22Z, 2 file
 *     transfers of secret-project.pdf (69986 bytes, from gen.beringer to
 *     european.bbq.competitor, started 2013-10-24T21:49:32Z), 1 call from
 *     gen.beringer to european.bbq.competitor, 22:12:17 to 22:23:03 on
 *     2013-07-01, and 1 account;
 *   IPED's test_skypeMain.db (Skyperious): the tables IPED's test counts,
 *     Accounts 1, Contacts 3, Transfers 2 (both carried by messages), and
 *     its 9 messages;
 *   IPED's test_skypeS4lStreeguil1.db (Skype 8): messagesv12 and
 *     conversationsv14 empty, so no message; the account streeguil1;
 * and on Skype 8 databases built here from the documented key/value
 * layout, with malformed JSON, and on broken classic databases.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static size_t count_where(const chat_run *r, const char *type, const char *field,
                          const char *text)
{
	size_t i, n = 0;

	for (i = 0; i < chat_count(r, type); i++) {
		const char *v = chat_field_text(stub_host_record(r->host, type, i), field);

		n += v && !strcmp(v, text);
	}
	return n;
}

START_TEST(plaso_skype_main_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "plaso-chat/skype_main.db");
	const stub_record *m, *c, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	/* 15 chat messages + 1 SMS + 2 transfers; 1 call; 1 account */
	ck_assert_uint_eq(count_where(&r, MESSAGES, "source_table", "Messages"), 15);
	ck_assert_uint_eq(count_where(&r, MESSAGES, "source_table", "SMSes"), 1);
	ck_assert_uint_eq(count_where(&r, MESSAGES, "source_table", "Transfers"), 2);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 18);
	ck_assert_uint_eq(chat_count(&r, "chat_calls"), 1);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	ck_assert_uint_eq(chat_count(&r, "chat_attachments"), 2);
	ck_assert_uint_eq(chat_count(&r, "chat_contacts"), 2);

	m = chat_find(&r, MESSAGES, "body", "need to know if you got it this time.");
	chat_expect_text(m, "app", "Skype");
	chat_expect_text(m, "sender", "gen.beringer");
	chat_expect_text(m, "sender_name", "Gen Beringer");
	chat_expect_text(m, "recipients", "[\"european.bbq.competitor\"]");
	chat_expect_time(m, "sent", "2013-07-30T21:27:11Z");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "account", "gen.beringer");
	chat_expect_text(m, "thread_id", "european.bbq.competitor");

	m = chat_find(&r, MESSAGES, "body", "He is our new employee");
	chat_expect_text(m, "sender", "european.bbq.competitor");
	chat_expect_text(m, "sender_name", "European Competitor");
	chat_expect_text(m, "recipients", "[\"gen.beringer\",\"echo123\"]");
	chat_expect_text(m, "thread_title", "European Competitor, Echo123");
	chat_expect_time(m, "sent", "2013-10-27T15:29:19Z");
	chat_expect_text(m, "direction", "incoming");

	m = chat_find(&r, MESSAGES, "message_key", "SMSes:145");
	chat_expect_text(m, "service", "SMS");
	chat_expect_text(m, "recipients", "[\"+34123456789\"]");
	chat_expect_text(m, "body", "If you want I can copy some documents for you, "
	                 "if you can pay it... ;)");
	chat_expect_time(m, "sent", "2013-07-01T22:14:22Z");

	m = chat_find(&r, MESSAGES, "message_key", "Transfers:1090");
	chat_expect_text(m, "sender", "gen.beringer");
	chat_expect_text(m, "recipients", "[\"european.bbq.competitor\"]");
	chat_expect_time(m, "sent", "2013-10-24T21:49:32Z");
	chat_expect_text(m, "status", "waiting for accept");
	a = chat_find(&r, "chat_attachments", "message_key", "Transfers:1090");
	chat_expect_text(a, "name", "secret-project.pdf");
	chat_expect_int(a, "size", 69986);
	chat_expect_text(a, "path", "/Users/gberinger/Desktop/secret-project.pdf");
	m = chat_find(&r, MESSAGES, "message_key", "Transfers:1094");
	chat_expect_time(m, "sent", "2013-10-24T21:49:35Z");
	chat_expect_text(m, "recipients", "[\"european.bbq.competitor\"]");

	c = chat_find(&r, "chat_calls", "call_id", "110");
	chat_expect_text(c, "direction", "outgoing");
	chat_expect_text(c, "peer", "european.bbq.competitor");
	chat_expect_text(c, "participants", "[\"gen.beringer\",\"european.bbq.competitor\"]");
	chat_expect_time(c, "started", "2013-07-01T22:12:17Z");
	chat_expect_time(c, "ended", "2013-07-01T22:23:03Z");
	chat_expect_int(c, "duration", 646);

	a = chat_find(&r, "chat_accounts", "account_id", "gen.beringer");
	chat_expect_text(a, "name", "Gen Beringer");
	chat_expect_text(a, "email", "genberinger@gmail.com");
	chat_expect_time(a, "created", "2013-07-30T21:22:00Z");
	stub_host_free(r.host);
}
END_TEST

START_TEST(iped_skype_main_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "iped/test_skypeMain.db");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	ck_assert_uint_eq(chat_count(&r, "chat_contacts"), 3);
	ck_assert_uint_eq(chat_count(&r, "chat_attachments"), 2); /* Transfers = 2 */
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 9);           /* Messages = 9 */
	ck_assert_uint_eq(chat_count(&r, "chat_calls"), 0);

	/* a transfer carried by its message (chatmsg_guid = guid) */
	a = chat_find(&r, "chat_attachments", "name",
	              "Controle_de_Estacionamento_Pago-Diagrama_de_classes.png");
	chat_expect_text(a, "message_key", "Messages:2");
	chat_expect_int(a, "size", 320269);
	chat_expect_text(a, "source_table", "Transfers");

	/* a picture its author removed: edited, body emptied */
	m = chat_find(&r, MESSAGES, "message_key", "Messages:4");
	chat_expect_int(m, "deleted", 1);
	chat_expect_null(m, "body");

	m = chat_find(&r, MESSAGES, "body", "(wave)");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_time(m, "sent", "2021-05-28T17:49:54.184Z");
	m = chat_find(&r, MESSAGES, "body", "dab");
	chat_expect_text(m, "thread_id", "19:bc94e0f43b30493d924cbc14864ad892@thread.skype");
	chat_expect_text(m, "recipients", "[\"rafabressan\"]");
	a = chat_find(&r, "chat_contacts", "username", "nicole.bmb");
	chat_expect_text(a, "birthday", "1994-04-25");
	chat_expect_text(a, "status_text", "We're all stories in the end.");
	stub_host_free(r.host);
}
END_TEST

START_TEST(iped_skype_s4l_db)
{
	chat_run r = chat_analyze_corpus(plugin(), "iped/test_skypeS4lStreeguil1.db");
	const stub_record *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 0); /* messagesv12 = 0 */
	ck_assert_uint_eq(chat_count(&r, "chat_contacts"), 0);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	a = chat_find(&r, "chat_accounts", "account_id", "streeguil1");
	chat_expect_text(a, "name", "Guilherme Andreúce");
	chat_expect_text(a, "email", "guilherme.andreuce@outlook.com");
	stub_host_free(r.host);
}
END_TEST

/* Skype 8's key/value layout, filled as the client writes it. */
static const char s4l_db[] =
	"CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE internaldata (nsp_pk TEXT PRIMARY KEY, nsp_data TEXT);"
	"CREATE TABLE profilecachev8 (nsp_pk TEXT PRIMARY KEY, nsp_data TEXT);"
	"CREATE TABLE conversationsv14 (nsp_pk TEXT PRIMARY KEY, nsp_data TEXT,"
	" nsp_i_convHlRecentsTimestamp TEXT);"
	"CREATE TABLE messagesv12 (nsp_pk TEXT PRIMARY KEY, nsp_data TEXT,"
	" nsp_i_convidcreatedtime TEXT);"
	"INSERT INTO internaldata VALUES ('Cpriv_prefs_v2',"
	" '{\"id\":\"priv_prefs_v2\",\"value\":{\"skypeName\":\"me.user\"}}');"
	"INSERT INTO profilecachev8 VALUES ('C8:me.user', '{\"mri\":\"8:me.user\",\"fullName\":\"Me\"}'),"
	" ('C8:ann', '{\"mri\":\"8:ann\",\"firstName\":\"Ann\",\"lastName\":\"Lee\","
	"   \"phones\":[{\"number\":\"+15550100\"},{\"number\":7}],\"emails\":[\"ann@example.com\"],"
	"   \"birthday\":\"1990-01-02\",\"mood\":\"hi\"}'),"
	" ('C8:broken', '{\"mri\":\"8:broken\",');"
	"INSERT INTO conversationsv14 (nsp_pk, nsp_data) VALUES"
	" ('C19:abc@thread.skype', '{\"conv\":{\"id\":\"19:abc@thread.skype\","
	"   \"_threadProps\":{\"topic\":\"Plans\"},\"_threadMembers\":[{\"id\":\"8:me.user\"},"
	"   {\"id\":\"8:ann\"},{\"id\":\"8:bob\"}]}}');"
	"INSERT INTO messagesv12 (nsp_pk, nsp_data) VALUES"
	" ('C1', '{\"cuid\":\"1\",\"conversationId\":\"8:ann\",\"creator\":\"8:ann\","
	"   \"createdTime\":1600000000123,\"content\":\"hello &amp; welcome\","
	"   \"messagetype\":\"RichText\",\"_isMyMessage\":0}'),"
	" ('C2', '{\"cuid\":\"2\",\"conversationId\":\"19:abc@thread.skype\",\"creator\":\"8:me.user\","
	"   \"createdTime\":1600000100000,\"content\":\"<URIObject uri=\\\"https://x/1\\\" "
	"type=\\\"Picture.1\\\">pic<OriginalName v=\\\"a.jpg\\\"></OriginalName>"
	"<FileSize v=\\\"12\\\"></FileSize></URIObject>\","
	"   \"messagetype\":\"RichText/UriObject\",\"_isMyMessage\":1,"
	"   \"properties\":{\"edittime\":\"1600000200000\"}}'),"
	" ('C3', '{\"cuid\":\"3\",\"conversationId\":\"8:ann\",\"creator\":\"8:ann\","
	"   \"createdTime\":1600000300000,\"content\":\"<partlist type=\\\"missed\\\" alt=\\\"\\\">"
	"<part identity=\\\"ann\\\"><name>Ann</name></part></partlist>\","
	"   \"messagetype\":\"Event/Call\",\"_isMyMessage\":0}'),"
	" ('C4', '{\"cuid\":'),"
	" ('C5', NULL),"
	" ('C6', '[1,2,3]');";

START_TEST(s4l_messages_from_documented_layout)
{
	chat_bytes b = chat_db_from_sql(s4l_db);
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m, *c;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	/* malformed JSON rows are read as nothing, not as errors */
	ck_assert_uint_eq(stub_host_error_count(r.host), 0);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 6);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	ck_assert_uint_eq(chat_count(&r, "chat_contacts"), 2); /* ann, and the broken row */

	m = chat_find(&r, MESSAGES, "message_key", "messagesv12:C1");
	chat_expect_text(m, "body", "hello & welcome");
	chat_expect_text(m, "sender", "ann");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "recipients", "[\"me.user\"]");
	chat_expect_text(m, "participants", "[\"ann\",\"me.user\"]");
	chat_expect_time(m, "sent", "2020-09-13T12:26:40.123Z");

	m = chat_find(&r, MESSAGES, "message_key", "messagesv12:C2");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "thread_title", "Plans");
	chat_expect_text(m, "participants", "[\"me.user\",\"ann\",\"bob\"]");
	chat_expect_text(m, "recipients", "[\"ann\",\"bob\"]");
	chat_expect_text(m, "message_type", "media");
	chat_expect_int(m, "edited", 1);
	c = chat_find(&r, "chat_attachments", "message_key", "messagesv12:C2");
	chat_expect_text(c, "name", "a.jpg");
	chat_expect_int(c, "size", 12);
	chat_expect_text(c, "url", "https://x/1");

	m = chat_find(&r, MESSAGES, "message_key", "messagesv12:C3");
	chat_expect_text(m, "message_type", "call");
	chat_expect_text(m, "body", "call: missed");

	m = chat_find(&r, MESSAGES, "message_key", "messagesv12:C4");
	chat_expect_null(m, "body");
	chat_expect_null(m, "sent");

	c = chat_find(&r, "chat_contacts", "username", "ann");
	chat_expect_text(c, "name", "Ann Lee");
	chat_expect_text(c, "phones", "[\"+15550100\"]");
	chat_expect_text(c, "emails", "[\"ann@example.com\"]");
	chat_expect_text(c, "birthday", "1990-01-02");
	c = chat_find(&r, "chat_accounts", "account_id", "me.user");
	chat_expect_text(c, "name", "Me");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(classic_hostile_and_broken)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE Accounts (id INTEGER PRIMARY KEY, skypename TEXT, fullname TEXT,"
		" registration_timestamp INTEGER);"
		"CREATE TABLE Conversations (id INTEGER PRIMARY KEY, identity TEXT, displayname TEXT);"
		"CREATE TABLE Messages (id INTEGER PRIMARY KEY, convo_id INTEGER, chatname TEXT,"
		" author TEXT, from_dispname TEXT, timestamp INTEGER, type INTEGER, body_xml TEXT,"
		" guid BLOB, edited_timestamp INTEGER);"
		"INSERT INTO Accounts VALUES (1, 'me', NULL, 9223372036854775807);"
		"INSERT INTO Messages VALUES"
		" (1, 99, NULL, 'x', NULL, 1500000000, 61, '<b>bold &#x1F600; &#0; &#xD800; &bogus;</b><', NULL, NULL),"
		" (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
		" (3, 1, 'c', 'me', 'Me', 'x', 61, '<a href=\"x>y\">link</a> &#99999999999; <unterminated', x'00', 5),"
		" (4, 1, NULL, 'me', NULL, 1, 68, '', x'01', 7);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 4);
	m = chat_find(&r, MESSAGES, "message_key", "Messages:1");
	chat_expect_text(m, "body", "bold \xf0\x9f\x98\x80 &#0; &#xD800; &bogus;<");
	chat_expect_text(m, "direction", "incoming");
	m = chat_find(&r, MESSAGES, "message_key", "Messages:2");
	chat_expect_text(m, "direction", "unknown");
	m = chat_find(&r, MESSAGES, "message_key", "Messages:3");
	chat_expect_text(m, "body", "link &#99999999999; <unterminated");
	chat_expect_int(m, "edited", 1);
	m = chat_find(&r, MESSAGES, "message_key", "Messages:4");
	chat_expect_int(m, "deleted", 1);
	m = chat_find(&r, "chat_accounts", "account_id", "me");
	chat_expect_null(m, "created");
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(truncated_main_db)
{
	chat_bytes b = chat_read_corpus("plaso-chat/skype_main.db");
	chat_run r;

	b.len = 64 * 1024;
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert(r.rc == EXHIBIT_OK || r.rc == EXHIBIT_ERR_FORMAT);
	ck_assert_uint_le(chat_count(&r, MESSAGES), 18);
	/* the schema itself lies past the cut: the opener says so */
	if (r.rc == EXHIBIT_ERR_FORMAT)
		ck_assert(chat_error_mentions(&r, "Skype: table") ||
		          chat_error_mentions(&r, "malformed"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages (the corpus database, copied and edited) ---------- */

static const chat_deleted_case deleted_case = {
	"plaso-chat/skype_main.db", "Messages", "body_xml", "Messages:",
	"WHERE id IN (43, 53, 57)", 55,
	NULL, NULL, NULL, NULL
};

START_TEST(deleted_secure_delete_off)
{
	chat_deleted_figures f = chat_deleted_run(plugin(), &deleted_case, CHAT_DELETE_PLAIN);

	ck_assert_uint_eq(f.recovered, f.deleted);
}
END_TEST

START_TEST(deleted_secure_delete_on)
{
	chat_deleted_figures f = chat_deleted_run(plugin(), &deleted_case, CHAT_DELETE_SECURE);

	ck_assert_uint_lt(f.present, f.deleted);
	ck_assert_uint_eq(f.recovered, f.present);
}
END_TEST

START_TEST(deleted_wal_not_checkpointed)
{
	chat_deleted_figures f = chat_deleted_run(plugin(), &deleted_case, CHAT_DELETE_WAL);

	ck_assert_uint_eq(f.recovered, f.deleted);
}
END_TEST

START_TEST(deleted_wal_checkpointed)
{
	chat_deleted_figures f = chat_deleted_run(plugin(), &deleted_case,
	                                          CHAT_DELETE_CHECKPOINTED);

	ck_assert_uint_eq(f.recovered, f.deleted);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_skype");
	TCase *fixtures = tcase_create("fixtures");
	TCase *corpus = tcase_create("corpus");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, s4l_messages_from_documented_layout);
	tcase_add_test(fixtures, classic_hostile_and_broken);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(corpus, 30);
	tcase_add_test(corpus, plaso_skype_main_db);
	tcase_add_test(corpus, iped_skype_main_db);
	tcase_add_test(corpus, iped_skype_s4l_db);
	tcase_add_test(corpus, truncated_main_db);
	tcase_add_test(corpus, deleted_secure_delete_off);
	tcase_add_test(corpus, deleted_secure_delete_on);
	tcase_add_test(corpus, deleted_wal_not_checkpointed);
	tcase_add_test(corpus, deleted_wal_checkpointed);
	if (chat_corpus_has("plaso-chat/skype_main.db") &&
	    chat_corpus_has("iped/test_skypeMain.db") &&
	    chat_corpus_has("iped/test_skypeS4lStreeguil1.db"))
		suite_add_tcase(s, corpus);
	else
		chat_skip_note("skype: plaso-chat/skype_main.db, iped/test_skype*.db");
	return check_run_suite(s);
}

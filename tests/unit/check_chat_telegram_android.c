/*
 * check_chat_telegram_android.c — the telegram-android plugin and its TL
 * decoder.  No public cache4.db exists, so the databases are built here
 * from the app's CREATE TABLE statements, and their messages serialised
 * here as TL objects by a small encoder written from the public schema
 * (tl.c lists the layouts): every constructor family tl.c decodes, the
 * nested Peer, forward and reply headers, long strings, and the ways
 * decoding must stop (an unknown constructor, a truncated blob, a reply
 * quoting media) with the offset it names.  Deleted messages are
 * recovered from the BLOBs of free space (secure_delete off and on, WAL
 * before and after a checkpoint), the test reading and editing their text
 * through SQL functions over the same encoder.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/telegram_android.h"
#include "tl.h"

/* ---- the decoder --------------------------------------------------------------- */

static tl_message decode(const tl_buf *b)
{
	tl_message m;

	tl_decode_message(b->data, b->len, &m);
	return m;
}

static void expect_text(const tl_message *m, const char *text)
{
	ck_assert(m->has_text);
	ck_assert_uint_eq(m->text_len, strlen(text));
	ck_assert_int_eq(memcmp(m->text, text, m->text_len), 0);
}

START_TEST(tl_every_family)
{
	static const uint32_t constructors[] = {
		0x90dddc11, 0x44f9b43d, 0x452c0e65, 0x58ae39c9, 0x85d6cbe2, 0x38116ee0,
		0x76bec211, 0x9815cec8, 0xb92f76cf, 0x9cb490e9, 0x3ae56482, 0x95ef6f2b
	};
	size_t i;

	for (i = 0; i < sizeof constructors / sizeof *constructors; i++) {
		tl_spec s = { constructors[i], true, 77, 1001, CHANNEL, 5005, 3003, 70, 1700000000,
		           "caption of a forwarded reply", 0x695150d7 };
		tl_buf b = { { 0 }, 0 };
		tl_message m;
		char buf[32];

		tl_put_message(&b, &s);
		m = decode(&b);
		ck_assert_msg(m.complete, "0x%08x: %s at %zu", constructors[i],
		              m.problem ? m.problem : "-", m.problem_offset);
		ck_assert(m.known);
		ck_assert_int_eq(m.kind, TL_MESSAGE);
		ck_assert(m.out);
		ck_assert_int_eq(m.id, 77);
		ck_assert_str_eq(tl_peer_text(&m.from, buf, sizeof buf), "1001");
		ck_assert_str_eq(tl_peer_text(&m.peer, buf, sizeof buf), "-5005");
		ck_assert(m.forwarded);
		ck_assert_str_eq(tl_peer_text(&m.fwd_from, buf, sizeof buf), "3003");
		ck_assert(m.has_reply);
		ck_assert_int_eq(m.reply_to_msg_id, 70);
		ck_assert_int_eq(m.date, 1700000000);
		expect_text(&m, "caption of a forwarded reply");
		ck_assert(m.has_media);
		ck_assert_uint_eq(m.media, 0x695150d7);
	}
}
END_TEST

START_TEST(tl_long_string_and_unicode)
{
	char text[600];
	tl_spec s = { 0x38116ee0, false, 1, 0, USER, 42, 0, 0, 1600000000, text, 0 };
	tl_buf b = { { 0 }, 0 };
	tl_message m;
	size_t i;

	for (i = 0; i + 4 < sizeof text; i += 4)
		memcpy(text + i, "ab\xc3\xa9", 4); /* "abé": 596 bytes, a long string */
	text[i] = '\0';
	tl_put_message(&b, &s);
	m = decode(&b);
	ck_assert(m.complete);
	expect_text(&m, text);
	ck_assert_int_eq(m.from.kind, TL_PEER_NONE);
	ck_assert(!m.has_media);
}
END_TEST

START_TEST(tl_service_secret_empty)
{
	tl_buf b = { { 0 }, 0 };
	tl_message m;
	char buf[32];

	/* messageService#2b085862: a user joined (action 0x15cefd00) */
	tl_put32(&b, 0x2b085862);
	tl_put32(&b, 1 << 8);
	tl_put32(&b, 9);
	tl_put_peer(&b, USER, 1001, true);
	tl_put_peer(&b, CHAT, 6006, true);
	tl_put32(&b, 1650000000);
	tl_put32(&b, 0x15cefd00);
	m = decode(&b);
	ck_assert(m.complete);
	ck_assert_int_eq(m.kind, TL_SERVICE);
	ck_assert_uint_eq(m.action, 0x15cefd00);
	ck_assert_str_eq(tl_peer_text(&m.peer, buf, sizeof buf), "-6006");

	/* TL_message_secret#555555fa: the app's own, with media always */
	b.len = 0;
	tl_put32(&b, 0x555555fa);
	tl_put32(&b, 2);
	tl_put32(&b, 12);
	tl_put32(&b, 60);       /* ttl */
	tl_put32(&b, 1001);     /* from_id */
	tl_put_peer(&b, USER, 2002, false);
	tl_put32(&b, 1500000000);
	tl_put_string(&b, "self-destructing", 16);
	tl_put32(&b, 0x3ded6320); /* messageMediaEmpty */
	m = decode(&b);
	ck_assert(m.complete);
	ck_assert(m.secret);
	expect_text(&m, "self-destructing");
	ck_assert_str_eq(tl_peer_text(&m.from, buf, sizeof buf), "1001");

	b.len = 0;
	tl_put32(&b, 0x83e5de54);
	tl_put32(&b, 5);
	m = decode(&b);
	ck_assert(m.complete);
	ck_assert_int_eq(m.kind, TL_EMPTY);
}
END_TEST

START_TEST(tl_stops_where_it_must)
{
	tl_spec s = { 0x38116ee0, false, 3, 1001, USER, 1001, 0, 0, 1700000000, "hello", 0 };
	tl_buf b = { { 0 }, 0 };
	tl_message m;

	/* an unknown constructor: nothing guessed */
	tl_put32(&b, 0x12345678);
	tl_put32(&b, 0);
	m = decode(&b);
	ck_assert(!m.complete);
	ck_assert(!m.known);
	ck_assert_uint_eq(m.problem_constructor, 0x12345678);
	ck_assert_uint_eq(m.problem_offset, 0);
	ck_assert(!m.has_text);

	/* an unknown Peer (peer_id) at byte 24: the fields before it stand */
	tl_put_message((b.len = 0, &b), &s);
	memcpy(b.data + 24, "\x01\x02\x03\x04", 4);
	m = decode(&b);
	ck_assert(!m.complete);
	ck_assert_int_eq(m.id, 3);
	ck_assert_int_eq(m.from.id, 1001);
	ck_assert_uint_eq(m.problem_offset, 24);
	ck_assert_uint_eq(m.problem_constructor, 0x04030201);
	ck_assert(strstr(m.problem, "Peer"));

	/* truncated inside the text */
	tl_put_message((b.len = 0, &b), &s);
	m.has_text = true;
	tl_decode_message(b.data, b.len - 8, &m);
	ck_assert(!m.complete);
	ck_assert(!m.has_text);
	ck_assert(strstr(m.problem, "string"));

	/* a reply quoting media: the header is not skipped */
	b.len = 0;
	tl_put32(&b, 0x38116ee0);
	tl_put32(&b, 1 << 3);
	tl_put32(&b, 4);
	tl_put_peer(&b, USER, 1001, true);
	tl_put32(&b, 0xafbc09db);
	tl_put32(&b, 1 << 8);
	m = decode(&b);
	ck_assert(!m.complete);
	ck_assert_uint_eq(m.problem_offset, 24);
	ck_assert(strstr(m.problem, "media"));

	/* a string length byte of 255, and no bytes at all */
	b.len = 0;
	tl_put32(&b, 0x38116ee0);
	tl_put32(&b, 0);
	tl_put32(&b, 4);
	tl_put_peer(&b, USER, 1001, true);
	tl_put32(&b, 1);
	tl_put32(&b, 0x000000ff);
	m = decode(&b);
	ck_assert(!m.complete);
	ck_assert_uint_eq(m.problem_offset, 28);
	ck_assert(!tl_decode_message(NULL, 0, &m));
	ck_assert(!tl_decode_message(b.data, 3, &m));
}
END_TEST

/* ---- cache4.db ------------------------------------------------------------------- */

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* Inserts a message row (chat_fx_tl_insert). */
static void insert_at(sqlite3 *db, int64_t rowid, int64_t mid, int64_t uid, const tl_spec *s,
                      int send_state)
{
	ck_assert_int_eq(tl_fixture_insert(db, rowid, mid, uid, s, send_state), SQLITE_OK);
}

static void insert(sqlite3 *db, int64_t mid, int64_t uid, const tl_spec *s, int send_state)
{
	insert_at(db, 0, mid, uid, s, send_state);
}

static chat_bytes serialize(sqlite3 *db)
{
	sqlite3_int64 size = 0;
	unsigned char *image = sqlite3_serialize(db, "main", &size, 0);
	chat_bytes b;

	ck_assert_ptr_nonnull(image);
	b.data = malloc((size_t)size);
	b.len = (size_t)size;
	memcpy(b.data, image, b.len);
	sqlite3_free(image);
	sqlite3_close(db);
	return b;
}

static sqlite3 *fresh(void)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, chat_fx_telegram_schema, NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static chat_bytes cache4(void)
{
	sqlite3 *db = fresh();
	tl_spec a = { 0x3ae56482, false, 10, 2002, USER, 1001, 0, 0, 1700000000,
	           "Privet, are you home?", 0 };
	tl_spec b = { 0x3ae56482, true, 11, 1001, USER, 2002, 0, 10, 1700000060,
	           "yes, come over", 0 };
	tl_spec c = { 0x38116ee0, false, 50, 2002, CHANNEL, 5005, 3003, 0, 1690000000,
	           "the big one", 0x695150d7 };
	tl_spec d = { 0x44f9b43d, true, 51, 1001, CHAT, 5005, 0, 0, 1500000000, "old times", 0 };
	tl_spec e = { 0x3ae56482, true, 12, 1001, USER, 2002, 0, 0, 1700000120, "failed one", 0 };
	tl_buf unknown = { { 0 }, 0 };
	sqlite3_stmt *st;

	insert(db, 10, 2002, &a, 0);
	insert(db, 11, 2002, &b, 0);
	insert(db, 50, -5005, &c, 0);
	insert(db, 51, -5005, &d, 0);
	insert(db, 12, 2002, &e, 2);
	/* a constructor the decoder does not know: the row still counts */
	tl_put32(&unknown, 0xcafebabe);
	tl_put32(&unknown, 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO messages_v2 (mid, uid, date, data,"
	                 " out, send_state) VALUES (13, 2002, 1700000180, ?1, 0, 0)", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, unknown.data, (int)unknown.len, SQLITE_TRANSIENT);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	/* a secret chat, old-style dialog id (chat id << 32) */
	{
		tl_buf sb = { { 0 }, 0 };

		tl_put32(&sb, 0x555555fa);
		tl_put32(&sb, 0);
		tl_put32(&sb, -5);
		tl_put32(&sb, 30);
		tl_put32(&sb, 2002);
		tl_put_peer(&sb, USER, 1001, false);
		tl_put32(&sb, 1600000000);
		tl_put_string(&sb, "burn after reading", 18);
		tl_put32(&sb, 0x3ded6320);
		ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO messages_v2 (mid, uid, date,"
		                 " data, out, send_state) VALUES (-5, 30064771072, 1600000000, ?1, 0,"
		                 " 0)", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_blob(st, 1, sb.data, (int)sb.len, SQLITE_TRANSIENT);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	return serialize(db);
}

START_TEST(cache4_db)
{
	chat_bytes db = cache4();
	chat_run r = chat_analyze(plugin(), &db, "/evidence/renamed.bin");
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 7);
	/* the unknown constructor, reported with its row and offset */
	ck_assert_uint_eq(stub_host_error_count(r.host), 1);
	ck_assert(chat_error_mentions(&r, "unknown Message constructor (constructor 0xcafebabe) "
	                                  "at byte 0"));

	m = chat_find(&r, MESSAGES, "body", "Privet, are you home?");
	chat_expect_text(m, "app", "Telegram");
	chat_expect_text(m, "account", "1001");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "sender", "2002");
	chat_expect_text(m, "sender_name", "Pavel Petrov");
	chat_expect_text(m, "recipients", "[\"1001\"]");
	chat_expect_text(m, "thread_id", "2002");
	chat_expect_text(m, "thread_title", "Pavel Petrov");
	chat_expect_time(m, "sent", "2023-11-14T22:13:20Z");
	chat_expect_text(m, "message_type", "text");
	chat_expect_text(m, "source_table", "messages_v2");
	chat_expect_int(m, "forwarded", 0);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"mid\":10"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"tl_constructor\":\"0x3ae56482\""));

	m = chat_find(&r, MESSAGES, "body", "yes, come over");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "sender", "1001");
	chat_expect_text(m, "sender_name", "olga owner");
	chat_expect_text(m, "recipients", "[\"2002\"]");
	chat_expect_text(m, "reply_to", "10");
	chat_expect_text(m, "status", "sent");

	m = chat_find(&r, MESSAGES, "body", "the big one");
	chat_expect_text(m, "thread_id", "-5005");
	chat_expect_text(m, "thread_title", "Fishing Club");
	chat_expect_text(m, "message_type", "media");
	chat_expect_int(m, "forwarded", 1);
	chat_expect_text(m, "forwarded_from", "3003");
	chat_expect_null(m, "recipients");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"tl_media\":\"0x695150d7\""));

	m = chat_find(&r, MESSAGES, "body", "old times");
	chat_expect_time(m, "sent", "2017-07-14T02:40:00Z");

	m = chat_find(&r, MESSAGES, "body", "failed one");
	chat_expect_text(m, "status", "failed");

	m = chat_find(&r, MESSAGES, "body", "burn after reading");
	chat_expect_text(m, "thread_title", "Pavel Petrov");
	chat_expect_text(m, "sender", "2002");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"secret_chat_id\":7"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"secret\":1"));

	/* the undecodable one: what the columns say */
	m = chat_find(&r, MESSAGES, "message_key", "messages_v2:6");
	chat_expect_null(m, "body");
	chat_expect_text(m, "direction", "incoming");
	chat_expect_time(m, "sent", "2023-11-14T22:16:20Z");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"tl_problem\":\"an unknown Message constructor\""));

	/* contacts: every user but the owner, who is the account */
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 2);
	m = chat_find(&r, CONTACTS, "contact_id", "2002");
	chat_expect_text(m, "name", "Pavel Petrov");
	chat_expect_text(m, "username", "pasha");
	chat_expect_text(m, "phones", "[\"+79990002002\"]");
	m = chat_find(&r, CONTACTS, "contact_id", "3003");
	chat_expect_text(m, "name", "original author");
	chat_expect_null(m, "username");
	ck_assert_uint_eq(chat_count(&r, ACCOUNTS), 1);
	m = chat_find(&r, ACCOUNTS, "account_id", "1001");
	chat_expect_text(m, "name", "olga owner");
	stub_host_free(r.host);
	chat_bytes_free(&db);
}
END_TEST

START_TEST(other_databases_give_nothing)
{
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE messages_v2 (mid INTEGER, uid INTEGER, data BLOB);"
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
		"INSERT INTO messages_v2 VALUES (1, 2, x'00');");
	chat_run r = chat_analyze(plugin(), &b, "/data/data/org.telegram.messenger/files/cache4.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(broken_values)
{
	sqlite3 *db = fresh();
	chat_bytes b;
	chat_run r;
	const stub_record *m;

	ck_assert_int_eq(sqlite3_exec(db,
		"INSERT INTO messages_v2 (mid, uid, date, data, out) VALUES"
		" (1, NULL, NULL, NULL, NULL),"
		" (2, -9223372036854775808, 'x', 'not a blob', 7),"
		" (3, 4611686018427387905, 99999999999999, x'', 0),"
		" (4, 2002, 1, x'e06e113801', 1);"
		"INSERT INTO users VALUES (9, NULL, NULL, NULL), (10, ';;;', 'x', NULL),"
		" (11, x'ff3b3b3b00', 1, NULL);", NULL, NULL, NULL), SQLITE_OK);
	b = serialize(db);
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 4);
	m = chat_find(&r, MESSAGES, "message_key", "messages_v2:1");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "thread_id");
	m = chat_find(&r, MESSAGES, "message_key", "messages_v2:2");
	chat_expect_text(m, "thread_id", "-9223372036854775808");
	chat_expect_null(m, "thread_title");
	m = chat_find(&r, MESSAGES, "message_key", "messages_v2:3");
	chat_expect_null(m, "sent");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"secret_chat_id\":1"));
	m = chat_find(&r, MESSAGES, "message_key", "messages_v2:4");
	ck_assert(chat_error_mentions(&r, "the data ends inside the object"));
	ck_assert(chat_error_mentions(&r, "outside the years 1601-9999"));
	ck_assert_uint_eq(chat_count(&r, CONTACTS), 6); /* the fixture's three and these */
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages --------------------------------------------------------------- */

/* SQL tl_text(data): the message's text; tl_edit(data): the object with
 * " (edited in place)" appended to its text. */
static void sql_tl_text(sqlite3_context *cx, int n, sqlite3_value **v)
{
	tl_message m;

	(void)n;
	if (tl_decode_message(sqlite3_value_blob(v[0]), (size_t)sqlite3_value_bytes(v[0]), &m))
		sqlite3_result_text(cx, (const char *)m.text, (int)m.text_len, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(cx);
}

static void sql_tl_edit(sqlite3_context *cx, int n, sqlite3_value **v)
{
	const unsigned char *blob = sqlite3_value_blob(v[0]);
	size_t len = (size_t)sqlite3_value_bytes(v[0]), head, start, end;
	char text[1024];
	tl_buf out = { { 0 }, 0 };
	tl_message m;

	(void)n;
	ck_assert(tl_decode_message(blob, len, &m));
	head = m.text_len < 254 ? 1 : 4;
	start = (size_t)(m.text - blob) - head;
	end = start + ((head + m.text_len + 3) & ~(size_t)3);
	ck_assert_uint_lt(m.text_len + 20, sizeof text);
	memcpy(text, m.text, m.text_len);
	memcpy(text + m.text_len, " (edited in place)", 18);
	memcpy(out.data, blob, start);
	out.len = start;
	tl_put_string(&out, text, m.text_len + 18);
	memcpy(out.data + out.len, blob + end, len - end);
	out.len += len - end;
	sqlite3_result_blob(cx, out.data, (int)out.len, SQLITE_TRANSIENT);
}

static int tl_functions(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "tl_text", 1, SQLITE_UTF8, NULL, sql_tl_text,
	                                 NULL, NULL);

	return rc != SQLITE_OK ? rc :
	       sqlite3_create_function(db, "tl_edit", 1, SQLITE_UTF8, NULL, sql_tl_edit, NULL,
	                               NULL);
}

static const chat_deleted_text tl_text = { "tl_text(data)", "tl_edit(data)", tl_functions };

/*
 * Rows as a phone accumulates them: rowids past 127 and records past 127
 * bytes, so that a freeblock header over a freed cell's first four bytes
 * takes its payload length and rowid only.  (A smaller cell loses its
 * first serial type too, and messages_v2 does not start with its rowid:
 * that value, and so the record, cannot be known; recovery then reports
 * nothing rather than guess.)
 */
static const chat_deleted_case deleted_case = {
	"fixture cache4.db", "messages_v2", "data", "messages_v2:",
	"WHERE rowid IN (201, 202, 240, 241, 242, 277, 320)", 230, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("telegram-android", "cache4.db");
	chat_deleted_figures f = chat_deleted_run_db_text(plugin(), &deleted_case, how, &b,
	                                                  &tl_text);

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
	Suite *s = suite_create("chat_telegram_android");
	TCase *tl = tcase_create("tl");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_add_test(tl, tl_every_family);
	tcase_add_test(tl, tl_long_string_and_unicode);
	tcase_add_test(tl, tl_service_secret_empty);
	tcase_add_test(tl, tl_stops_where_it_must);
	suite_add_tcase(s, tl);
	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, cache4_db);
	tcase_add_test(fixtures, other_databases_give_nothing);
	tcase_add_test(fixtures, broken_values);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

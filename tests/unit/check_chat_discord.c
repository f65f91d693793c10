/*
 * check_chat_discord.c — the discord plugin on kv-storage databases built
 * here from the documented format (no public sample exists): the message
 * JSON as UTF-8 bytes in the table's seventh column, attachments, edited
 * and pinned messages, rows with no document (reported with their offset,
 * never guessed at), the document in a column of another name, other
 * databases, and deleted messages recovered (secure_delete off and on, WAL
 * before and after a checkpoint).
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_deleted.h"
#include "chat_test.h"
#include "exhibit/plugin.h"
#include "fixtures/discord.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

/* The fixture (fixtures/discord.c): its schema and rows, and more rows. */
static chat_bytes db_of(const char *more)
{
	return chat_db_from_parts(chat_fx_discord_schema, chat_fx_discord_rows, more);
}

START_TEST(kv_storage)
{
	chat_bytes b = db_of(NULL);
	chat_run r = chat_analyze(plugin(), &b, "/evidence/a");
	const stub_record *m, *a;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 3);
	m = chat_find(&r, MESSAGES, "message_key", "messages0:1");
	chat_expect_text(m, "app", "Discord");
	chat_expect_text(m, "thread_id", "c100");
	chat_expect_text(m, "sender", "u7");
	chat_expect_text(m, "sender_name", "rook");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_time(m, "sent", "2021-03-04T12:34:56.789Z");
	chat_expect_text(m, "body", "gg all");
	chat_expect_text(m, "message_type", "text");
	chat_expect_int(m, "edited", 0);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"id\":\"m1\""));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"avatar\":\"av1\""));
	m = chat_find(&r, MESSAGES, "message_key", "messages0:2");
	chat_expect_time(m, "sent", "2021-03-04T12:34:56.000Z"); /* +02:00 taken off */
	chat_expect_text(m, "message_type", "media");
	chat_expect_int(m, "edited", 1);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"pinned\":1"));
	a = chat_find(&r, ATTACHMENTS, "message_key", "messages0:2");
	chat_expect_text(a, "name", "map.png");
	chat_expect_text(a, "url", "https://cdn.example/map.png");
	chat_expect_text(a, "mime_type", "image/png");
	chat_expect_int(a, "size", 5120);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(a), "\"proxy_url\":\"https://media.example/map.png\""));
	m = chat_find(&r, MESSAGES, "message_key", "messages0:6");
	chat_expect_null(m, "sent");
	chat_expect_text(m, "body", "bad \\x07 time");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"timestamp\":\"yesterday\""));
	/* rows 3, 4 and 5 hold no document: each reported with the table's offset */
	ck_assert_uint_eq(stub_host_error_count(r.host), 3);
	ck_assert(chat_error_mentions(&r, "messages0 row 3 holds no message document"));
	ck_assert(chat_error_mentions(&r, "messages0 row 5 holds no message document"));
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

START_TEST(other_layouts)
{
	/* the document as TEXT in a first column of another name */
	chat_bytes b = chat_db_from_sql(
		"CREATE TABLE messages0 (data TEXT, n INTEGER);"
		"INSERT INTO messages0 VALUES ('{\"channelId\":\"c\",\"message\":{\"content\":\"hi\","
		"\"author\":{\"username\":\"solo\"}}}', 1);");
	chat_run r = chat_analyze(plugin(), &b, NULL);
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 1);
	m = chat_find(&r, MESSAGES, "body", "hi");
	chat_expect_text(m, "sender", "solo"); /* no author id: the username */
	chat_expect_null(m, "sent");
	stub_host_free(r.host);
	chat_bytes_free(&b);

	b = chat_db_from_sql("CREATE TABLE messages (id INTEGER PRIMARY KEY, v BLOB);"
	                     "INSERT INTO messages VALUES (1, '{\"message\":{}}');");
	r = chat_analyze(plugin(), &b, NULL);
	ck_assert_uint_eq(chat_count(&r, NULL), 0);
	stub_host_free(r.host);
	chat_bytes_free(&b);
}
END_TEST

/* ---- deleted messages ---------------------------------------------------- */

#define CONTENT_OF "json_extract(CAST(v AS TEXT), '$.message.content')"

static const chat_deleted_text json_text = {
	CONTENT_OF,
	"CAST(json_set(CAST(v AS TEXT), '$.message.content', " CONTENT_OF
	" || ' (edited in place)') AS BLOB)",
	NULL
};

static const chat_deleted_case deleted_case = {
	"fixture kv-storage a", "messages0", "v", "messages0:",
	"WHERE rowid IN (10, 11, 40, 41, 42, 77, 110)", 30, NULL, NULL, NULL,
	/* rows 3 to 5 hold no document: the harness wants every live row
	 * reported, so they go first (the VACUUM after it may renumber the
	 * rows, messages0 having no INTEGER PRIMARY KEY: 114 are left, so
	 * every rowid above is there either way) */
	"DELETE FROM messages0 WHERE rowid BETWEEN 3 AND 5"
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("discord", NULL);
	chat_deleted_figures f = chat_deleted_run_db_text(plugin(), &deleted_case, how, &b,
	                                                  &json_text);

	chat_deleted_expect(&f, how);
	chat_bytes_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chat_discord");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, kv_storage);
	tcase_add_test(fixtures, other_layouts);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

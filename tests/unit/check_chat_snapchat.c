/*
 * check_chat_snapchat.c — the snapchat plugin and its protobuf reader.
 * No arroyo.db is in the corpus: the fixtures are built here from the
 * schema and field paths public forensic write-ups describe
 * (conversation_message, user_conversation, required_values; texts at
 * message_content 4.4.2.1 and the other paths snapchat.c lists), with
 * message_content blobs encoded here in the protobuf wire format, among
 * fields the reader must step over.  Deleted messages are recovered
 * (secure_delete off and on, WAL before and after a checkpoint).
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
#include "fixtures/snapchat.h"
#include "pb.h"

static const exhibit_plugin *plugin(void)
{
	return exhibit_plugin_entry();
}

static bool chat_text_of(sqlite3_value *v, pb_slice *out)
{
	static const uint32_t path[] = { 4, 4, 2, 1 };
	pb_slice in = { sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v), 0 };
	bool bad = false;
	size_t at = 0;

	return in.data && pb_path(in, path, 4, out, &bad, &at);
}

/* SQL pb_text(blob): its chat text; pb_edit(blob): the blob of that text
 * with " (edited in place)" appended. */
static void sql_pb_text(sqlite3_context *cx, int n, sqlite3_value **v)
{
	pb_slice t;

	(void)n;
	if (chat_text_of(v[0], &t))
		sqlite3_result_text(cx, (const char *)t.data, (int)t.len, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(cx);
}

static void sql_pb_edit(sqlite3_context *cx, int n, sqlite3_value **v)
{
	char text[1024];
	pb_slice t;
	chat_fx_pb b;

	(void)n;
	ck_assert(chat_text_of(v[0], &t));
	ck_assert_uint_lt(t.len + 20, sizeof text);
	memcpy(text, t.data, t.len);
	strcpy(text + t.len, " (edited in place)");
	b = chat_fx_snapchat_content("text", text);
	ck_assert(!b.failed);
	sqlite3_result_blob(cx, b.data, (int)b.len, SQLITE_TRANSIENT);
}

static int functions(sqlite3 *db)
{
	int rc = sqlite3_create_function(db, "pb_text", 1, SQLITE_UTF8, NULL, sql_pb_text, NULL,
	                                 NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "pb_edit", 1, SQLITE_UTF8, NULL, sql_pb_edit, NULL,
		                             NULL);
	return rc != SQLITE_OK ? rc : chat_fx_snapchat_functions(db);
}

/* ---- the reader -------------------------------------------------------------------- */

static pb_slice slice(const void *data, size_t len)
{
	pb_slice s = { data, len, 0 };

	return s;
}

START_TEST(pb_reads_and_stops)
{
	static const uint32_t path[] = { 4, 4, 2, 1 };
	static const unsigned char overlong[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	                                          0xff, 0xff, 0xff, 0xff, 0x01 };
	static const unsigned char group[] = { 0x08, 0x01, 0x0b };
	static const unsigned char field0[] = { 0x00, 0x01 };
	static const unsigned char past[] = { 0x08, 0x01, 0x12, 0x05, 'a', 'b' };
	static const unsigned char fixed[] = { 0x0d, 1, 2, 3 };
	static const unsigned char nested[] = { 0x22, 0x05, 0x22, 0x03, 0x12, 0x09, 'a' };
	static const unsigned char twice[] = { 0x22, 0x01, 'y', 0x08, 0x00, 0x22, 0x01, 'z' };
	chat_fx_pb b = chat_fx_snapchat_content("text", "hello");
	pb_slice out;
	pb_iter it;
	pb_field f;
	bool bad = false;
	size_t at = 0;

	ck_assert(pb_path(slice(b.data, b.len), path, 4, &out, &bad, &at));
	ck_assert_uint_eq(out.len, 5);
	ck_assert(!memcmp(out.data, "hello", 5));
	ck_assert_uint_eq(out.base, (size_t)(out.data - b.data)); /* offsets are absolute */
	ck_assert_uint_eq(pb_first_field(slice(b.data, b.len)), 2);

	pb_iter_init(&it, slice(overlong, sizeof overlong));
	ck_assert(!pb_next(&it, &f));
	ck_assert(it.malformed);
	ck_assert_uint_eq(it.malformed_at, 0);

	pb_iter_init(&it, slice(group, sizeof group));
	ck_assert(pb_next(&it, &f));
	ck_assert_uint_eq(f.number, 1);
	ck_assert_uint_eq(f.varint, 1);
	ck_assert(!pb_next(&it, &f));
	ck_assert_uint_eq(it.malformed_at, 2);

	pb_iter_init(&it, slice(field0, sizeof field0));
	ck_assert(!pb_next(&it, &f) && it.malformed);

	pb_iter_init(&it, slice(fixed, sizeof fixed));
	ck_assert(!pb_next(&it, &f) && it.malformed);

	ck_assert(!pb_path(slice(past, sizeof past), path, 1, &out, &bad, &at));
	ck_assert(bad);
	ck_assert_uint_eq(at, 2);

	/* a nested malformation is reported at its place in the whole blob */
	bad = false;
	ck_assert(!pb_path(slice(nested, sizeof nested), path, 3, &out, &bad, &at));
	ck_assert(bad);
	ck_assert_uint_eq(at, 4);
	/* the last of repeated fields is the one followed */
	bad = false;
	ck_assert(pb_path(slice(twice, sizeof twice), path, 1, &out, &bad, &at));
	ck_assert_uint_eq(out.len, 1);
	ck_assert_uint_eq(out.data[0], 'z');
	ck_assert_uint_eq(pb_first_field(slice(NULL, 0)), 0);
}
END_TEST

/* ---- arroyo.db -------------------------------------------------------------------- */

static sqlite3 *fresh(bool owner)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(functions(db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, chat_fx_snapchat_schema, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, chat_fx_snapchat_users, NULL, NULL, NULL), SQLITE_OK);
	if (owner)
		ck_assert_int_eq(sqlite3_exec(db, chat_fx_snapchat_owner, NULL, NULL, NULL),
		                 SQLITE_OK);
	return db;
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

static chat_bytes arroyo(bool owner)
{
	sqlite3 *db = fresh(owner);

	ck_assert_int_eq(sqlite3_exec(db, chat_fx_snapchat_rows, NULL, NULL, NULL), SQLITE_OK);
	return serialize(db);
}

START_TEST(arroyo_db)
{
	chat_bytes db = arroyo(true);
	chat_run r = chat_analyze(plugin(), &db, "/data/data/com.snapchat.android/databases/arroyo.db");
	const stub_record *m;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 9);
	ck_assert_uint_eq(chat_count_recovered(&r, MESSAGES), 0);
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 1);
	chat_expect_text(chat_find(&r, "chat_accounts", "account_id", ME), "source_table",
	                 "required_values");

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:1");
	chat_expect_text(m, "app", "Snapchat");
	chat_expect_text(m, "account", ME);
	chat_expect_text(m, "thread_id", ONE);
	chat_expect_text(m, "body", "hey, you up?");
	chat_expect_text(m, "sender", ANA);
	chat_expect_text(m, "direction", "incoming");
	chat_expect_text(m, "recipients", "[\"" ME "\"]");
	chat_expect_text(m, "participants", "[\"" ME "\",\"" ANA "\"]");
	chat_expect_time(m, "sent", "2023-11-14T22:13:20.123Z");
	chat_expect_time(m, "read", "2023-11-14T22:14:20.456Z");
	chat_expect_text(m, "message_type", "text");
	chat_expect_text(m, "source_table", "conversation_message");
	chat_expect_int(m, "source_rowid", 1);
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"text_path\":\"4.4.2.1\""));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"content_field\":2"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"server_message_id\":9001"));
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"content_type_name\":\"text\""));

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:2");
	chat_expect_text(m, "body", "yes \xc3\xa9t\xc3\xa9");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"" ANA "\"]");
	chat_expect_null(m, "read");

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:3");
	chat_expect_null(m, "body");
	chat_expect_text(m, "message_type", "media");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"content_field\":3"));
	ck_assert_ptr_null(strstr(chat_extra_of(m), "text_path"));

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:4");
	chat_expect_text(m, "body", "look at this");
	chat_expect_text(m, "message_type", "text");
	chat_expect_text(m, "recipients", "[\"" ME "\",\"" ANA "\"]");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"text_path\":\"4.4.7.11.1\""));

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:5");
	chat_expect_text(m, "body", "at the beach");
	chat_expect_text(m, "message_type", "media");
	chat_expect_text(m, "direction", "outgoing");
	chat_expect_text(m, "recipients", "[\"" ANA "\",\"" BO "\"]");

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:6");
	chat_expect_text(m, "body", "first\nsecond");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"text_path\":\"4.4.24.2.1.1\""));
	ck_assert_ptr_null(strstr(chat_extra_of(m), "content_type_name"));

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:7");
	chat_expect_null(m, "body");
	chat_expect_null(m, "sender");
	chat_expect_text(m, "direction", "unknown");
	chat_expect_null(m, "sent");

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:8");
	chat_expect_null(m, "body");
	ck_assert_ptr_nonnull(strstr(chat_extra_of(m), "\"content_malformed_at\":2"));
	ck_assert(chat_error_mentions(&r, "Snapchat: table \"conversation_message\" row 8: "
	                              "message_content is not well-formed protobuf at byte 2"));

	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:9");
	chat_expect_text(m, "message_type", "system");
	chat_expect_null(m, "sent");
	stub_host_free(r.host);
	chat_bytes_free(&db);
}
END_TEST

START_TEST(without_owner_or_rowid)
{
	chat_bytes db = arroyo(false);
	chat_run r = chat_analyze(plugin(), &db, "renamed.bin");
	const stub_record *m;
	sqlite3 *w;

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:2");
	chat_expect_null(m, "account");
	ck_assert_uint_eq(chat_count(&r, "chat_accounts"), 0);
	chat_expect_text(m, "direction", "unknown");
	chat_expect_text(m, "recipients", "[\"" ANA "\"]");
	stub_host_free(r.host);
	chat_bytes_free(&db);

	/* a table without rowids: keys from the conversation and message ids */
	ck_assert_int_eq(sqlite3_open(":memory:", &w), SQLITE_OK);
	ck_assert_int_eq(functions(w), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(w,
		"CREATE TABLE conversation_message (client_conversation_id TEXT NOT NULL,"
		" client_message_id INTEGER NOT NULL, message_content BLOB, sender_id TEXT,"
		" creation_timestamp INTEGER, PRIMARY KEY (client_conversation_id, client_message_id))"
		" WITHOUT ROWID;"
		"INSERT INTO conversation_message VALUES ('" ONE "', 7, snap('text', 'no rowid'), '"
		ANA "', 1700000000000);", NULL, NULL, NULL), SQLITE_OK);
	db = serialize(w);
	r = chat_analyze(plugin(), &db, NULL);
	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	m = chat_find(&r, MESSAGES, "message_key", "conversation_message:" ONE "/7");
	chat_expect_text(m, "body", "no rowid");
	stub_host_free(r.host);
	chat_bytes_free(&db);
}
END_TEST

START_TEST(other_databases_give_nothing)
{
	chat_bytes db = chat_db_from_sql(
		"CREATE TABLE conversation_message (client_conversation_id TEXT, body TEXT);"
		"INSERT INTO conversation_message VALUES ('x', 'not snapchat');"
		"CREATE TABLE messages (_id INTEGER PRIMARY KEY, text TEXT);");
	chat_run r = chat_analyze(plugin(), &db, "arroyo.db");

	ck_assert_int_eq(r.rc, EXHIBIT_OK);
	ck_assert_uint_eq(chat_count(&r, MESSAGES), 0);
	stub_host_free(r.host);
	chat_bytes_free(&db);
}
END_TEST

/* ---- deleted messages --------------------------------------------------------------- */

static const chat_deleted_text pb_text = { "pb_text(message_content)",
	                                       "pb_edit(message_content)", functions };

/*
 * Rows past 127 and records past 127 bytes: the table does not start with
 * its rowid, so a freed cell whose freeblock header covers its first
 * serial type cannot be read back (see check_chat_telegram_android.c).
 */
static const chat_deleted_case deleted_case = {
	"fixture arroyo.db", "conversation_message", "message_content", "conversation_message:",
	"WHERE rowid IN (201, 202, 240, 241, 242, 277, 320)", 230, NULL, NULL, NULL, NULL
};

START_TEST(deleted_messages)
{
	chat_deletion how = (chat_deletion)_i;
	chat_bytes b = chat_deleted_fixture("snapchat", "arroyo.db");
	chat_deleted_figures f = chat_deleted_run_db_text(plugin(), &deleted_case, how, &b,
	                                                  &pb_text);

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
	Suite *s = suite_create("chat_snapchat");
	TCase *pb = tcase_create("pb");
	TCase *fixtures = tcase_create("fixtures");
	TCase *deleted = tcase_create("deleted");

	tcase_add_test(pb, pb_reads_and_stops);
	suite_add_tcase(s, pb);
	tcase_set_timeout(fixtures, 30);
	tcase_add_test(fixtures, arroyo_db);
	tcase_add_test(fixtures, without_owner_or_rowid);
	tcase_add_test(fixtures, other_databases_give_nothing);
	suite_add_tcase(s, fixtures);
	tcase_set_timeout(deleted, 60);
	tcase_add_loop_test(deleted, deleted_messages, CHAT_DELETE_PLAIN,
	                    CHAT_DELETE_CHECKPOINTED + 1);
	suite_add_tcase(s, deleted);
	return check_run_suite(s);
}

/* check_casedb.c — the case database: creation, the views' contract,
 * record checking, reopening and refusing what it must refuse. */
#include <check.h>

#include "check_run.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casedb.h"

static char case_dir[256];

static void make_case_dir(void)
{
	snprintf(case_dir, sizeof case_dir, "/tmp/exhibit-check-casedb-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(case_dir));
	strcat(case_dir, "/case");
}

static char *query_text(casedb *db, const char *sql)
{
	sqlite3_stmt *s;
	char *out = NULL;

	ck_assert_int_eq(sqlite3_prepare_v2(casedb_handle(db), sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		out = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return out;
}

START_TEST(new_case_has_schema_and_views)
{
	casedb *db;
	exhibit_error err;
	char *v;

	make_case_dir();
	ck_assert_int_eq(casedb_open(case_dir, &db, &err), 0);
	v = query_text(db, "PRAGMA user_version");
	ck_assert_str_eq(v, "5");
	free(v);
	v = query_text(db, "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema "
	                   "WHERE type = 'view' ORDER BY name)");
	ck_assert_str_eq(v, "v_accounts,v_app_databases,v_archive_entries,v_attachments,v_calls,v_carved,"
	                    "v_contacts,v_custody,"
	                    "v_errors,v_evidence,v_files,v_hash_hits,v_media,v_media_frames,v_messages,"
	                    "v_pdq_hits,v_previews,v_review_files,v_similar,v_similar_groups,v_threads");
	free(v);
	casedb_close(db);
}
END_TEST

START_TEST(file_row_shows_hex_and_iso_times)
{
	casedb *db;
	exhibit_error err;
	evidence_source src = { .kind = SOURCE_DIRECTORY, .path = "/evidence", .format = "directory" };
	walk_entry e;
	file_row row;
	int64_t ev;
	char *v;

	make_case_dir();
	ck_assert_int_eq(casedb_open(case_dir, &db, &err), 0);
	ck_assert_int_eq(casedb_insert_evidence(db, &src, &ev, &err), 0);
	memset(&e, 0, sizeof e);
	e.path = "/Übersicht.txt";
	e.name = "Übersicht.txt";
	e.type = 'r';
	e.size = 3;
	e.name_allocated = e.meta_allocated = 1;
	e.attr_type = e.attr_id = -1;
	e.mtime.sec = 1700000000;
	e.mtime.ns = 5;
	e.atime.sec = 1700000001;
	memset(&row, 0, sizeof row);
	row.id = 1;
	row.evidence_id = ev;
	row.walk_seq = 0;
	row.source = "fs";
	row.entry = &e;
	row.has_digests = 1;
	memset(row.d.sha256, 0xab, 32);
	memset(row.d.md5, 0x0f, 16);
	row.mime_type = "text/plain";
	ck_assert_int_eq(casedb_insert_file(db, &row, &err), 0);
	v = query_text(db, "SELECT path || '|' || md5 || '|' || mtime || '|' || atime || '|' || "
	                   "coalesce(crtime, 'none') || '|' || allocated || deleted FROM v_files");
	ck_assert_str_eq(v, "/Übersicht.txt|0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f|"
	                    "2023-11-14T22:13:20.000000005Z|2023-11-14T22:13:21Z|none|10");
	free(v);
	/* The same walk_seq twice is refused: the resume key is unique. */
	row.id = 2;
	ck_assert_int_lt(casedb_insert_file(db, &row, &err), 0);
	casedb_close(db);
}
END_TEST

START_TEST(plugin_records_are_checked)
{
	casedb *db;
	exhibit_error err;
	exhibit_field good[] = { EXHIBIT_FIELD_TEXT("app", "WhatsApp"), EXHIBIT_FIELD_INT("rows", 3) };
	exhibit_field bad[] = { EXHIBIT_FIELD_TEXT("app); DROP TABLE files; --", "x") };
	const record_schema *rs;

	make_case_dir();
	ck_assert_int_eq(casedb_open(case_dir, &db, &err), 0);
	rs = casedb_record_schema(db);
	ck_assert_int_eq(record_schema_check(rs, "app_databases", good, 2, &err), 0);
	ck_assert_int_lt(record_schema_check(rs, "app_databases", bad, 1, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "has no column"));
	ck_assert_int_lt(record_schema_check(rs, "files", good, 1, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "no plugin record table"));
	casedb_close(db);
}
END_TEST

START_TEST(reopen_and_refuse)
{
	casedb *db;
	exhibit_error err;
	sqlite3 *raw;
	char path[300];

	make_case_dir();
	ck_assert_int_eq(casedb_open(case_dir, &db, &err), 0);
	casedb_close(db);
	ck_assert_int_eq(casedb_open(case_dir, &db, &err), 0); /* reopens */
	sqlite3_exec(casedb_handle(db), "PRAGMA user_version = 99", NULL, NULL, NULL);
	casedb_close(db);
	ck_assert_int_lt(casedb_open(case_dir, &db, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "newer"));

	make_case_dir();
	mkdir(case_dir, 0700);
	snprintf(path, sizeof path, "%s/case.db", case_dir);
	sqlite3_open(path, &raw);
	sqlite3_exec(raw, "CREATE TABLE other(x)", NULL, NULL, NULL);
	sqlite3_close(raw);
	ck_assert_int_lt(casedb_open(case_dir, &db, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "not an exhibit case"));
}
END_TEST

/* A file of the case with the given path and content digests. */
static void insert_file(casedb *db, int64_t ev, int64_t id, const char *path,
                        unsigned char fill, const char *source)
{
	walk_entry e;
	file_row row;
	exhibit_error err;

	memset(&e, 0, sizeof e);
	e.path = path;
	e.name = strrchr(path, '/') + 1;
	e.type = 'r';
	e.size = 10;
	e.name_allocated = e.meta_allocated = 1;
	e.attr_type = e.attr_id = -1;
	memset(&row, 0, sizeof row);
	row.id = id;
	row.evidence_id = ev;
	row.walk_seq = id;
	row.source = source;
	row.entry = &e;
	row.has_digests = 1;
	memset(row.d.sha256, fill, 32);
	memset(row.d.md5, fill, 16);
	memset(row.d.sha1, fill, 20);
	ck_assert_int_eq(casedb_insert_file(db, &row, &err), 0);
}

/* A case made by exhibit 0.1.0 (schema version 1) is brought forward:
 * its rows kept, the new tables, columns and views added, walk_seq
 * relaxed, the version recorded. */
START_TEST(version_1_case_is_migrated)
{
	casedb *db;
	exhibit_error err;
	sqlite3 *raw;
	char path[300], *sql, *v;
	FILE *f;
	long len;

	make_case_dir();
	mkdir(case_dir, 0700);
	snprintf(path, sizeof path, "%s/tests/fixtures/case-v1.sql", EXHIBIT_SOURCE_DIR);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	sql = calloc(1, (size_t)len + 1);
	ck_assert_int_eq(fread(sql, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	snprintf(path, sizeof path, "%s/case.db", case_dir);
	ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "INSERT INTO evidence(path, segments, format, added) "
	                              "VALUES ('/e.raw', '/e.raw', 'raw', 'then')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	free(sql);

	exhibit_error_clear(&err);
	ck_assert_msg(casedb_open(case_dir, &db, &err) == 0, "%s", err.message);
	v = query_text(db, "PRAGMA user_version");
	ck_assert_str_eq(v, "5");
	free(v);
	v = query_text(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('carved', "
	               "'carved_identity', 'v_carved')");
	ck_assert_str_eq(v, "3");
	free(v);
	v = query_text(db, "SELECT path || '|' || coalesce(chunk_size, 'none') FROM evidence");
	ck_assert_str_eq(v, "/e.raw|none");
	free(v);
	insert_file(db, 1, 1, "/a.txt", 1, "fs");
	ck_assert_int_eq(sqlite3_exec(casedb_handle(db), "INSERT INTO files(evidence_id, walk_seq, "
	                              "source, path, name, type, name_allocated, meta_allocated) "
	                              "VALUES (1, NULL, 'embedded', '/a.txt/x', 'x', 'r', 1, 1)",
	                              NULL, NULL, NULL), SQLITE_OK);
	v = query_text(db, "SELECT count(*) FROM v_files");
	ck_assert_str_eq(v, "2");
	free(v);
	v = query_text(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('v_custody', "
	               "'custody_entries', 'hash_hits', 'v_review_files', 'review_tags')");
	ck_assert_str_eq(v, "5");
	free(v);
	casedb_close(db);
}
END_TEST

static void insert_carved(casedb *db, int64_t ev, int64_t id, uint64_t offset, int expect)
{
	carved_row c = { "unallocated", "toycarver", 0, offset, 10, 1, 0, 1 };
	exhibit_error err;

	ck_assert_int_eq(casedb_insert_carved(db, id, ev, &c, &err) == 0, expect);
}

static void count_carved(void *ctx, const carved_row *c)
{
	ck_assert_str_eq(c->carver, "toycarver");
	(*(int *)ctx)++;
}

/* Carved files: v_carved lists each with the file of the walk it repeats;
 * review shows a content once, a carved copy only when nothing else holds
 * it; a carved file's identity is unique. */
START_TEST(carved_files_and_duplicates)
{
	static const exhibit_plugin toy = { EXHIBIT_ABI_VERSION, "toycarver", "1.0", "test",
	                                    EXHIBIT_PLUGIN_CARVER, NULL, NULL, NULL, 0, NULL, NULL,
	                                    NULL };
	evidence_source src = { .kind = SOURCE_IMAGE, .path = "/e.raw", .format = "raw", .size = 1 };
	casedb *db;
	exhibit_error err;
	int64_t ev;
	int n = 0;
	char *v;

	make_case_dir();
	ck_assert_int_eq(casedb_open(case_dir, &db, &err), 0);
	ck_assert_int_eq(casedb_insert_evidence(db, &src, &ev, &err), 0);
	ck_assert_int_eq(casedb_insert_plugin(db, &toy, &err), 0);
	insert_file(db, ev, 1, "/keep.toyc", 0xaa, "fs");
	insert_file(db, ev, 2, "/$CarvedFiles/unallocated/100.toyc", 0xaa, "carved");
	insert_carved(db, ev, 2, 100, 1);
	insert_file(db, ev, 3, "/$CarvedFiles/unallocated/200.toyc", 0xbb, "carved");
	insert_carved(db, ev, 3, 200, 1);
	insert_file(db, ev, 4, "/$CarvedFiles/unallocated/300.toyc", 0xbb, "carved");
	insert_carved(db, ev, 4, 300, 1);
	insert_file(db, ev, 5, "/$CarvedFiles/unallocated/x.toyc", 0xcc, "carved");
	insert_carved(db, ev, 5, 300, 0);   /* the identity of file 4 again */
	v = query_text(db, "SELECT group_concat(file_id || ':' || offset || ':' || "
	                   "coalesce(duplicates, '-') || ':' || substr(sha256, 1, 4), ' ') "
	                   "FROM (SELECT * FROM v_carved ORDER BY file_id)");
	ck_assert_str_eq(v, "2:100:1:aaaa 3:200:-:bbbb 4:300:-:bbbb");
	free(v);
	v = query_text(db, "SELECT group_concat(id) FROM (SELECT id FROM v_review_files ORDER BY id)");
	ck_assert_str_eq(v, "1,3,5");
	free(v);
	ck_assert_int_eq(casedb_each_carved(db, ev, count_carved, &n, &err), 0);
	ck_assert_int_eq(n, 3);
	casedb_close(db);
}
END_TEST

START_TEST(chat_records_views_and_search)
{
	casedb *db;
	exhibit_error err;
	evidence_source src = { .kind = SOURCE_DIRECTORY, .path = "/evidence", .format = "directory" };
	unsigned char sha_db[32], sha_pic[32];
	unsigned char pic_md5[16];
	int64_t ev;
	char *v;
	exhibit_field m1[] = {
		EXHIBIT_FIELD_TEXT("app", "Android SMS/MMS"), EXHIBIT_FIELD_TEXT("thread_id", "1"),
		EXHIBIT_FIELD_TEXT("thread_title", "Barney"), EXHIBIT_FIELD_TEXT("sender", "555"),
		EXHIBIT_FIELD_TEXT("direction", "incoming"), EXHIBIT_FIELD_INT("sent", 1383065788),
		EXHIBIT_FIELD_INT("sent_ns", 38000000), EXHIBIT_FIELD_TEXT("time_precision", "1ms"),
		EXHIBIT_FIELD_TEXT("body", "Meet me at the bowling alley"),
		EXHIBIT_FIELD_TEXT("message_key", "sms:1"), EXHIBIT_FIELD_TEXT("source_table", "sms"),
		EXHIBIT_FIELD_INT("source_rowid", 1) };
	exhibit_field m2[] = {
		EXHIBIT_FIELD_TEXT("app", "Android SMS/MMS"), EXHIBIT_FIELD_TEXT("thread_id", "1"),
		EXHIBIT_FIELD_TEXT("direction", "outgoing"), EXHIBIT_FIELD_INT("sent", 1383069999),
		EXHIBIT_FIELD_INT("sent_ns", 0), EXHIBIT_FIELD_TEXT("time_precision", "1s"),
		EXHIBIT_FIELD_TEXT("body", "Bowling? Café at nine"),
		EXHIBIT_FIELD_TEXT("message_key", "pdu:2"), EXHIBIT_FIELD_TEXT("recovered_from", "freelist"),
		EXHIBIT_FIELD_INT("recovered_offset", 4096) };
	exhibit_field a_path[] = {
		EXHIBIT_FIELD_TEXT("app", "Android SMS/MMS"), EXHIBIT_FIELD_TEXT("message_key", "pdu:2"),
		EXHIBIT_FIELD_TEXT("name", "PART_1"),
		EXHIBIT_FIELD_TEXT("path", "/data/user/0/com.android.providers.telephony/app_parts/PART_1") };
	exhibit_field a_hash[] = {
		EXHIBIT_FIELD_TEXT("app", "Android SMS/MMS"), EXHIBIT_FIELD_TEXT("message_key", "sms:9"),
		EXHIBIT_FIELD_TEXT("name", "x.jpg"), EXHIBIT_FIELD_TEXT("hash_algorithm", "md5"),
		{ "hash", EXHIBIT_BLOB, 0, 0, NULL, pic_md5, sizeof pic_md5 } };
	exhibit_field bad[] = { EXHIBIT_FIELD_INT("id", 7) };

	make_case_dir();
	ck_assert_int_eq(casedb_open(case_dir, &db, &err), 0);
	ck_assert_int_eq(casedb_insert_evidence(db, &src, &ev, &err), 0);
	insert_file(db, ev, 1, "/data/com.android.providers.telephony/databases/mmssms.db", 0x11, "fs");
	insert_file(db, ev, 2, "/data/com.android.providers.telephony/app_parts/PART_1", 0x22, "fs");
	insert_file(db, ev, 3, "/carved/00001.db", 0x33, "carved");
	memset(sha_db, 0x11, 32);
	memset(sha_pic, 0x33, 32);
	memset(pic_md5, 0x22, 16);
	/* the host assigns ids itself */
	ck_assert_int_lt(record_schema_check(casedb_record_schema(db), "chat_messages", bad, 1, &err), 0);
	/* messages reach the full-text index when their transaction commits */
	ck_assert_int_eq(casedb_begin(db, &err), 0);
	ck_assert_int_eq(casedb_insert_record(db, "chat_messages", sha_db, m1, 12, &err), 0);
	ck_assert_int_eq(casedb_insert_record(db, "chat_messages", sha_db, m2, 10, &err), 0);
	ck_assert_int_eq(casedb_commit(db, &err), 0);
	ck_assert_int_eq(casedb_begin(db, &err), 0);
	ck_assert_int_eq(casedb_insert_record(db, "chat_messages", sha_pic, m1, 12, &err), 0);
	v = query_text(db, "SELECT group_concat(rowid) FROM chat_messages_fts WHERE chat_messages_fts"
	                   " MATCH 'bowling' ORDER BY rowid");
	ck_assert_str_eq(v, "1,2");
	free(v);
	ck_assert_int_eq(casedb_commit(db, &err), 0);
	ck_assert_int_eq(casedb_insert_record(db, "chat_attachments", sha_db, a_path, 4, &err), 0);
	ck_assert_int_eq(casedb_insert_record(db, "chat_attachments", sha_db, a_hash, 5, &err), 0);

	v = query_text(db, "SELECT group_concat(id || '|' || thread || '|' || sent || '|' || has_attachments"
	                   " || deleted || '|' || coalesce(recovered_from, '-') || '|' || source_file_id, ';')"
	                   " FROM (SELECT * FROM v_messages ORDER BY id)");
	ck_assert_str_eq(v, "1|1:1|2013-10-29T16:56:28.038Z|00|-|1;"
	                    "2|1:1|2013-10-29T18:06:39Z|11|freelist|1;"
	                    "3|3:1|2013-10-29T16:56:28.038Z|00|carved|3");
	free(v);
	v = query_text(db, "SELECT thread || '|' || title || '|' || first || '|' || last || '|' || messages"
	                   " FROM v_threads ORDER BY thread");
	ck_assert_str_eq(v, "1:1|Barney|2013-10-29T16:56:28.038Z|2013-10-29T18:06:39Z|2");
	free(v);
	/* full-text search: words, diacritics folded, prefixes */
	v = query_text(db, "SELECT group_concat(rowid) FROM chat_messages_fts WHERE chat_messages_fts"
	                   " MATCH 'bowling' ORDER BY rowid");
	ck_assert_str_eq(v, "1,2,3");
	free(v);
	v = query_text(db, "SELECT group_concat(rowid) FROM chat_messages_fts WHERE chat_messages_fts"
	                   " MATCH 'cafe AND nin*'");
	ck_assert_str_eq(v, "2");
	free(v);
	ck_assert_int_eq(sqlite3_exec(casedb_handle(db), "DELETE FROM chat_messages WHERE id = 3;"
	                              "UPDATE chat_messages SET body = 'edited' WHERE id = 1",
	                              NULL, NULL, NULL), SQLITE_OK);
	v = query_text(db, "SELECT group_concat(rowid) FROM chat_messages_fts WHERE chat_messages_fts"
	                   " MATCH 'bowling OR edited'");
	ck_assert_str_eq(v, "1,2");
	free(v);
	/* the index is whole: FTS5's own check agrees with the table */
	ck_assert_int_eq(sqlite3_exec(casedb_handle(db), "INSERT INTO chat_messages_fts"
	                              "(chat_messages_fts, rank) VALUES ('integrity-check', 1)",
	                              NULL, NULL, NULL), SQLITE_OK);
	v = query_text(db, "SELECT value FROM case_info WHERE key = 'chat_fts_indexed'");
	ck_assert_str_eq(v, "3");
	free(v);
	/* attachments meet the files that hold them: by path, by hash */
	v = query_text(db, "SELECT group_concat(coalesce(message_id, '-') || '|' || file_id || '|'"
	                   " || matched_by, ';') FROM (SELECT * FROM v_attachments ORDER BY id)");
	ck_assert_str_eq(v, "2|2|path;-|2|hash");
	free(v);
	casedb_close(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("casedb");
	TCase *tc = tcase_create("casedb");

	tcase_add_test(tc, new_case_has_schema_and_views);
	tcase_add_test(tc, file_row_shows_hex_and_iso_times);
	tcase_add_test(tc, plugin_records_are_checked);
	tcase_add_test(tc, reopen_and_refuse);
	tcase_add_test(tc, chat_records_views_and_search);
	tcase_add_test(tc, version_1_case_is_migrated);
	tcase_add_test(tc, carved_files_and_duplicates);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

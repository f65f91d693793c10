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
	ck_assert_str_eq(v, "1");
	free(v);
	v = query_text(db, "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema "
	                   "WHERE type = 'view' ORDER BY name)");
	ck_assert_str_eq(v, "v_app_databases,v_errors,v_evidence,v_files,v_hash_hits,v_media");
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

int main(void)
{
	Suite *s = suite_create("casedb");
	TCase *tc = tcase_create("casedb");

	tcase_add_test(tc, new_case_has_schema_and_views);
	tcase_add_test(tc, file_row_shows_hex_and_iso_times);
	tcase_add_test(tc, plugin_records_are_checked);
	tcase_add_test(tc, reopen_and_refuse);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

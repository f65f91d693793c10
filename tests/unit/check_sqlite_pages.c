/*
 * check_sqlite_pages.c — the page-level SQLite reader: record format,
 * header, b-trees, freelist, pointer maps, WAL and rollback journal
 * (core/sqlite_record, sqlite_pages, sqlite_btree, sqlite_wal,
 * sqlite_journal, sqlite_schema), on databases SQLite builds here and on
 * the same databases broken on purpose: loops in freelists, b-trees and
 * overflow chains, absurd header values, truncation, random bytes.  Every
 * broken input must end with its problem reported at the right offset,
 * within bounded time, without a crash.
 */
#include <check.h>

#include "check_run.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "exhibit/plugin.h"
#include "sqlite_btree.h"
#include "sqlite_fixtures.h"
#include "sqlite_journal.h"
#include "sqlite_pages.h"
#include "sqlite_record.h"
#include "sqlite_recover.h"
#include "sqlite_schema.h"
#include "sqlite_sidecar.h"
#include "sqlite_wal.h"
#include "untrusted_sqlite.h"

/* ---------------------------------------------------------------- helpers */

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A database file built by sql (after the pragmas), as bytes. */
static fixture_bytes build(const char *sql)
{
	fixture f;
	fixture_bytes b;

	fixture_open(&f);
	fixture_exec(&f, sql);
	b = fixture_read(&f, "");
	fixture_close(&f);
	return b;
}

static sqlite_db *open_bytes(const fixture_bytes *b)
{
	sqlite_db_files files = { b->data, b->len, NULL, 0, NULL, 0 };
	exhibit_error err;
	sqlite_db *db = NULL;

	exhibit_error_clear(&err);
	ck_assert_msg(sqlite_db_open(&files, &db, &err) == 0, "open: %s", err.message);
	return db;
}

static bool problem_with(sqlite_db *db, const char *needle, int64_t offset)
{
	const sqlite_problems *p = sqlite_db_problems(db);
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strstr(p->items[i].message, needle) &&
		    (offset < 0 || p->items[i].offset == offset))
			return true;
	return false;
}

typedef struct counter {
	size_t pages, cells;
} counter;

static int count_page(void *arg, const sqlite_page *page, const sqlite_btree_page *bp)
{
	((counter *)arg)->pages++;
	return 0;
}

static int count_cell(void *arg, const sqlite_page *page, const sqlite_cell *cell)
{
	((counter *)arg)->cells++;
	return 0;
}

/* Walk the tree rooted at root; RETURN the walk's code, counts in *c. */
static int walk(sqlite_db *db, uint32_t root, counter *c)
{
	uint8_t *seen = calloc(sqlite_db_page_count(db) / 8 + 1, 1);
	sqlite_btree_visitor v = { count_page, count_cell, NULL, c };
	int rc;

	memset(c, 0, sizeof *c);
	rc = sqlite_btree_walk(db, root, seen, &v);
	free(seen);
	return rc;
}

/* The root page of a table, read from sqlite_schema by SQLite itself. */
static uint32_t root_of(const fixture_bytes *b, const char *table)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	uint32_t root = 0;
	unsigned char *copy = sqlite3_malloc64(b->len);

	memcpy(copy, b->data, b->len);
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_deserialize(db, "main", copy, (sqlite3_int64)b->len,
	                                     (sqlite3_int64)b->len,
	                                     SQLITE_DESERIALIZE_FREEONCLOSE), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_schema"
	                                    " WHERE name = ?", -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		root = (uint32_t)sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return root;
}

static const char many_rows_sql[] =
	"PRAGMA page_size = 512; PRAGMA secure_delete = OFF;"
	"CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
	" INSERT INTO t(body) SELECT 'row number ' || i || ' of the test table' FROM n;";

/* ---------------------------------------------------------------- record format */

START_TEST(varints_round_trip_and_stop_at_the_end)
{
	static const struct {
		uint64_t value;
		unsigned char bytes[9];
		size_t len;
	} cases[] = {
		{ 0, { 0x00 }, 1 },
		{ 127, { 0x7f }, 1 },
		{ 128, { 0x81, 0x00 }, 2 },
		{ 16383, { 0xff, 0x7f }, 2 },
		{ 16384, { 0x81, 0x80, 0x00 }, 3 },
		{ 0xffffffffffffffffULL, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9 },
		{ 0x0100000000000000ULL, { 0x80, 0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 9 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t v = 1;

		ck_assert_uint_eq(sqlite_varint_get(cases[i].bytes, cases[i].len, &v),
		                  cases[i].len);
		ck_assert_uint_eq(v, cases[i].value);
		ck_assert_uint_eq(sqlite_varint_len(cases[i].value), cases[i].len);
		/* one byte short: refused, never read past */
		ck_assert_uint_eq(sqlite_varint_get(cases[i].bytes, cases[i].len - 1, &v), 0);
	}
}
END_TEST

START_TEST(serial_types_sizes_and_minimal_forms)
{
	ck_assert_uint_eq(sqlite_serial_size(5), 6);
	ck_assert_uint_eq(sqlite_serial_size(7), 8);
	ck_assert_uint_eq(sqlite_serial_size(12), 0);
	ck_assert_uint_eq(sqlite_serial_size(13), 0);
	ck_assert_uint_eq(sqlite_serial_size(1001), 494);
	ck_assert(!sqlite_serial_valid(10) && !sqlite_serial_valid(11));
	ck_assert(sqlite_serial_is_minimal(1, 100, 4));
	ck_assert(!sqlite_serial_is_minimal(1, 1, 4));  /* SQLite writes type 9 */
	ck_assert(sqlite_serial_is_minimal(1, 1, 1));   /* ... but not in format 1 */
	ck_assert(!sqlite_serial_is_minimal(2, 100, 4));
	ck_assert(sqlite_serial_is_minimal(2, -129, 4));
	ck_assert(!sqlite_serial_is_minimal(2, -128, 4));
	ck_assert(sqlite_serial_is_minimal(6, INT64_MIN, 4));
	ck_assert(!sqlite_serial_is_minimal(8, 0, 1));
}
END_TEST

START_TEST(records_decode_every_type)
{
	fixture_bytes b = build("CREATE TABLE t(a, b, c, d, e, f, g, h);"
	                        "INSERT INTO t VALUES (NULL, 0, 1, -300, 1.5,"
	                        " 'text é', x'00ff10', 9007199254740993);");
	sqlite_db *db = open_bytes(&b);
	sqlite_page page;
	sqlite_btree_page bp;
	sqlite_cell cell;
	sqlite_value v[8];

	ck_assert(sqlite_db_page(db, root_of(&b, "t"), &page));
	ck_assert(sqlite_btree_page_read(&page, sqlite_db_usable_size(db), &bp));
	ck_assert_int_eq(bp.type, SQLITE_BTREE_TABLE_LEAF);
	ck_assert_int_eq(sqlite_cell_read(db, &page, &bp, sqlite_btree_cell_offset(&page, &bp, 0),
	                                  &cell, true), 0);
	ck_assert_int_eq(cell.rowid, 1);
	ck_assert_int_eq(sqlite_record_decode(cell.payload, cell.payload_len, v, 8), 8);
	ck_assert_int_eq(v[0].kind, SQLITE_VALUE_NULL);
	ck_assert_int_eq(v[1].serial, 8);
	ck_assert_int_eq(v[2].i, 1);
	ck_assert_int_eq(v[3].i, -300);
	ck_assert(v[4].kind == SQLITE_VALUE_REAL && v[4].r == 1.5);
	ck_assert(v[5].kind == SQLITE_VALUE_TEXT && v[5].len == 7 &&
	          memcmp(v[5].bytes, "text \xc3\xa9", 7) == 0);
	ck_assert(v[6].kind == SQLITE_VALUE_BLOB && v[6].len == 3 && v[6].bytes[1] == 0xff);
	ck_assert_int_eq(v[7].i, 9007199254740993LL);
	/* fewer slots than values, or a length that does not add up: refused */
	ck_assert_int_eq(sqlite_record_decode(cell.payload, cell.payload_len, v, 7), -1);
	ck_assert_int_eq(sqlite_record_decode(cell.payload, cell.payload_len - 1, v, 8), -1);
	sqlite_cell_release(&cell);
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

START_TEST(malformed_record_headers_are_refused)
{
	static const unsigned char too_long[] = { 0x09, 0x01, 0x01 };      /* H past the end */
	static const unsigned char reserved[] = { 0x03, 0x01, 0x0a, 0x05 }; /* type 10 */
	static const unsigned char crossing[] = { 0x02, 0x81, 0x01 };      /* varint crosses H */
	static const unsigned char empty_h[] = { 0x00 };
	uint64_t types[8], h, body;

	ck_assert_int_eq(sqlite_record_header(too_long, sizeof too_long, types, 8, &h, &body), -1);
	ck_assert_int_eq(sqlite_record_header(reserved, sizeof reserved, types, 8, &h, &body), -1);
	ck_assert_int_eq(sqlite_record_header(crossing, sizeof crossing, types, 8, &h, &body), -1);
	ck_assert_int_eq(sqlite_record_header(empty_h, sizeof empty_h, types, 8, &h, &body), -1);
}
END_TEST

START_TEST(utf16_text_becomes_utf8)
{
	/* "a€😀" then a lone high surrogate, in both byte orders */
	static const unsigned char le[] = { 'a', 0, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde, 0x3d, 0xd8 };
	static const unsigned char be[] = { 0, 'a', 0x20, 0xac, 0xd8, 0x3d, 0xde, 0x00, 0xd8, 0x3d };
	static const char want[] = "a\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\xbd";
	size_t n;
	char *s;

	s = sqlite_text_to_utf8(le, sizeof le, SQLITE_ENC_UTF16LE, &n);
	ck_assert_uint_eq(n, strlen(want));
	ck_assert_str_eq(s, want);
	free(s);
	s = sqlite_text_to_utf8(be, sizeof be, SQLITE_ENC_UTF16BE, &n);
	ck_assert_str_eq(s, want);
	free(s);
	ck_assert(sqlite_text_valid(le, 8, SQLITE_ENC_UTF16LE));
	ck_assert(!sqlite_text_valid(le, sizeof le, SQLITE_ENC_UTF16LE)); /* lone surrogate */
	ck_assert(!sqlite_text_valid(le, 7, SQLITE_ENC_UTF16LE));         /* odd length */
	ck_assert(!sqlite_text_valid((const uint8_t *)"a\0b", 3, SQLITE_ENC_UTF8));
	ck_assert(!sqlite_text_valid((const uint8_t *)"\xc3", 1, SQLITE_ENC_UTF8));
}
END_TEST

/* ---------------------------------------------------------------- header */

START_TEST(header_fields_and_refusals)
{
	fixture_bytes b = build("PRAGMA page_size = 65536; PRAGMA encoding = 'UTF-16be';"
	                        "CREATE TABLE t(x);");
	sqlite_db_header h;
	exhibit_error err;

	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_header_parse(b.data, b.len, &h, &err), 0);
	ck_assert_uint_eq(h.page_size, 65536); /* stored as 1 */
	ck_assert_uint_eq(b.data[16] << 8 | b.data[17], 1);
	ck_assert_uint_eq(h.text_encoding, SQLITE_ENC_UTF16BE);
	ck_assert(h.page_count_trusted);
	b.data[16] = 0x03; /* 1000 + (b.data[17] = 0xe8) */
	b.data[17] = 0xe8;
	ck_assert_int_eq(sqlite_header_parse(b.data, b.len, &h, &err), EXHIBIT_ERR_FORMAT);
	ck_assert_int_eq(err.offset, 16);
	b.data[16] = 0x02; /* 512 */
	b.data[17] = 0x00;
	b.data[20] = 100;  /* 412 usable: fewer than 480 */
	ck_assert_int_eq(sqlite_header_parse(b.data, b.len, &h, &err), EXHIBIT_ERR_FORMAT);
	ck_assert_int_eq(err.offset, 20);
	b.data[20] = 0;
	b.data[0] = 'X';
	ck_assert_int_eq(sqlite_header_parse(b.data, b.len, &h, &err), EXHIBIT_ERR_FORMAT);
	ck_assert_int_eq(err.offset, 0);
	ck_assert_int_eq(sqlite_header_parse(b.data, 99, &h, &err), EXHIBIT_ERR_FORMAT);
	fixture_bytes_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- b-trees */

START_TEST(a_table_walk_sees_every_row)
{
	fixture_bytes b = build(many_rows_sql);
	sqlite_db *db = open_bytes(&b);
	counter c;

	ck_assert_int_eq(walk(db, root_of(&b, "t"), &c), 0);
	ck_assert_uint_eq(c.cells, 400);
	ck_assert_uint_gt(c.pages, 10);
	ck_assert_uint_eq(sqlite_db_problems(db)->n, 0);
	ck_assert_uint_eq(sqlite_db_page_count(db), b.len / 512);
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

START_TEST(a_btree_loop_is_reported_and_left)
{
	fixture_bytes b = build(many_rows_sql);
	uint32_t root = root_of(&b, "t");
	unsigned char *page = b.data + (size_t)(root - 1) * 512;
	sqlite_db *db;
	counter c;
	double start;

	ck_assert_uint_eq(page[0], SQLITE_BTREE_TABLE_INTERIOR);
	put_be32(page + 8, root); /* the right child is the root itself */
	db = open_bytes(&b);
	start = now_seconds();
	ck_assert_int_eq(walk(db, root, &c), 1);
	ck_assert_double_lt(now_seconds() - start, 1.0);
	ck_assert(problem_with(db, "reached a second time", (int64_t)(root - 1) * 512 + 8));
	ck_assert_uint_lt(c.cells, 400);
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

START_TEST(a_child_out_of_range_is_reported)
{
	fixture_bytes b = build(many_rows_sql);
	uint32_t root = root_of(&b, "t");
	unsigned char *page = b.data + (size_t)(root - 1) * 512;
	sqlite_db *db;
	counter c;

	put_be32(page + 8, 0x7fffffff);
	db = open_bytes(&b);
	ck_assert_int_eq(walk(db, root, &c), 1);
	ck_assert(problem_with(db, "out of range", (int64_t)(root - 1) * 512 + 8));
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

static const char long_row_sql[] =
	"PRAGMA page_size = 1024;"
	"CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);"
	"INSERT INTO t(body) VALUES (printf('%.5000c', 'x'));";

START_TEST(overflow_chains_are_followed)
{
	fixture_bytes b = build(long_row_sql);
	sqlite_db *db = open_bytes(&b);
	sqlite_page page;
	sqlite_btree_page bp;
	sqlite_cell cell;

	ck_assert(sqlite_db_page(db, root_of(&b, "t"), &page));
	ck_assert(sqlite_btree_page_read(&page, 1024, &bp));
	ck_assert_int_eq(sqlite_cell_read(db, &page, &bp, sqlite_btree_cell_offset(&page, &bp, 0),
	                                  &cell, true), 0);
	ck_assert_uint_gt(cell.payload_len, 5000);
	ck_assert_uint_lt(cell.local_len, 1024);
	ck_assert_ptr_nonnull(cell.owned);
	ck_assert_uint_eq(cell.payload[cell.payload_len - 1], 'x');
	sqlite_cell_release(&cell);
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

START_TEST(an_overflow_loop_is_reported)
{
	fixture_bytes b = build(long_row_sql);
	sqlite_db *db;
	sqlite_page page;
	sqlite_btree_page bp;
	sqlite_cell cell;
	uint32_t first;
	double start;

	db = open_bytes(&b);
	ck_assert(sqlite_db_page(db, root_of(&b, "t"), &page));
	ck_assert(sqlite_btree_page_read(&page, 1024, &bp));
	ck_assert_int_eq(sqlite_cell_read(db, &page, &bp, sqlite_btree_cell_offset(&page, &bp, 0),
	                                  &cell, true), 0);
	first = cell.first_overflow;
	sqlite_cell_release(&cell);
	sqlite_db_free(db);
	/* the second overflow page leads back to the first */
	{
		uint32_t second = get_be32(b.data + (size_t)(first - 1) * 1024);

		put_be32(b.data + (size_t)(second - 1) * 1024, first);
	}
	db = open_bytes(&b);
	ck_assert(sqlite_db_page(db, root_of(&b, "t"), &page));
	ck_assert(sqlite_btree_page_read(&page, 1024, &bp));
	start = now_seconds();
	ck_assert_int_eq(sqlite_cell_read(db, &page, &bp, sqlite_btree_cell_offset(&page, &bp, 0),
	                                  &cell, true), -1);
	ck_assert_double_lt(now_seconds() - start, 1.0);
	ck_assert(problem_with(db, "overflow chain", -1));
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- freelist */

static void count_free(void *arg, uint32_t pgno, bool trunk)
{
	(*(uint32_t *)arg)++;
}

static const char freed_sql[] =
	"PRAGMA page_size = 512; PRAGMA secure_delete = OFF;"
	"CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
	" INSERT INTO t(body) SELECT 'row number ' || i || ' of the test table' FROM n;"
	"DELETE FROM t WHERE id > 50;";

START_TEST(the_freelist_is_walked)
{
	fixture_bytes b = build(freed_sql);
	sqlite_db *db = open_bytes(&b);
	uint32_t visited = 0;

	ck_assert_uint_gt(sqlite_db_header_of(db)->freelist_count, 10);
	ck_assert_uint_eq(sqlite_db_freelist_walk(db, count_free, &visited),
	                  sqlite_db_header_of(db)->freelist_count);
	ck_assert_uint_eq(visited, sqlite_db_header_of(db)->freelist_count);
	ck_assert_uint_eq(sqlite_db_problems(db)->n, 0);
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

START_TEST(freelist_loops_and_bad_leaves_are_reported)
{
	fixture_bytes b = build(freed_sql);
	uint32_t trunk = get_be32(b.data + 32), visited = 0;
	unsigned char *t = b.data + (size_t)(trunk - 1) * 512;
	sqlite_db *db;
	double start;

	put_be32(t, trunk);          /* the trunk's next trunk is itself */
	put_be32(t + 8, 999999);     /* first leaf out of range */
	put_be32(t + 12, get_be32(t + 16)); /* second leaf listed twice */
	db = open_bytes(&b);
	start = now_seconds();
	sqlite_db_freelist_walk(db, count_free, &visited);
	ck_assert_double_lt(now_seconds() - start, 1.0);
	ck_assert(problem_with(db, "loops back to trunk", (int64_t)(trunk - 1) * 512));
	ck_assert(problem_with(db, "out of range", (int64_t)(trunk - 1) * 512 + 8));
	ck_assert(problem_with(db, "listed twice", (int64_t)(trunk - 1) * 512 + 16));
	ck_assert(problem_with(db, "free pages", 36));
	sqlite_db_free(db);
	put_be32(t + 4, 0xffffffffu); /* a leaf count no page can hold */
	db = open_bytes(&b);
	sqlite_db_freelist_walk(db, count_free, &visited);
	ck_assert(problem_with(db, "can hold", (int64_t)(trunk - 1) * 512 + 4));
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- pointer maps */

START_TEST(pointer_map_pages_of_auto_vacuum)
{
	fixture_bytes b = build("PRAGMA page_size = 512; PRAGMA auto_vacuum = FULL;"
	                        "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);"
	                        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	                        " WHERE i < 400) INSERT INTO t(body)"
	                        " SELECT 'row ' || i || ' ' || printf('%.60c', 'y') FROM n;");
	sqlite_db *db = open_bytes(&b);
	counter c;

	ck_assert_uint_ne(sqlite_db_header_of(db)->largest_root, 0);
	ck_assert(sqlite_db_is_ptrmap_page(db, 2));
	ck_assert(!sqlite_db_is_ptrmap_page(db, 3));
	ck_assert(sqlite_db_is_ptrmap_page(db, 2 + 512 / 5 + 1));
	ck_assert_uint_gt(sqlite_db_ptrmap_check(db), 50);
	ck_assert_uint_eq(sqlite_db_problems(db)->n, 0);
	ck_assert_int_eq(walk(db, root_of(&b, "t"), &c), 0);
	ck_assert_uint_eq(c.cells, 400);
	sqlite_db_free(db);
	/* a damaged entry is reported at its offset */
	b.data[512 + 5 * 3] = 9;
	db = open_bytes(&b);
	sqlite_db_ptrmap_check(db);
	ck_assert(problem_with(db, "pointer-map entry for page 6", 512 + 15));
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- damage */

START_TEST(a_truncated_file_is_read_as_far_as_it_goes)
{
	fixture_bytes b = build(many_rows_sql);
	uint32_t root = root_of(&b, "t");
	sqlite_db *db;
	counter c;

	b.len = b.len / 1024 * 512 + 100; /* half the pages and a partial one */
	db = open_bytes(&b);
	ck_assert(problem_with(db, "truncated", 28));
	ck_assert(problem_with(db, "partial page", (int64_t)(b.len - 100)));
	ck_assert_int_eq(walk(db, root, &c), 1);
	ck_assert(problem_with(db, "child page out of range", -1));
	ck_assert_uint_gt(c.cells, 0);
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

START_TEST(absurd_header_values_stay_bounded)
{
	fixture_bytes b = build(freed_sql);
	sqlite_recovery *rec = NULL;
	sqlite_db_files files = { NULL, 0, NULL, 0, NULL, 0 };
	exhibit_error err;
	sqlite_db *db;
	uint32_t visited = 0;
	double start = now_seconds();

	put_be32(b.data + 28, 0xffffffffu); /* page count */
	put_be32(b.data + 32, 0xfffffff0u); /* first freelist trunk */
	put_be32(b.data + 36, 0x7fffffffu); /* free page count */
	put_be32(b.data + 52, 3);           /* auto-vacuum where there is none */
	db = open_bytes(&b);
	ck_assert_uint_eq(sqlite_db_page_count(db), b.len / 512);
	sqlite_db_freelist_walk(db, count_free, &visited);
	ck_assert(problem_with(db, "freelist trunk page 4294967280 is out of range", 32));
	sqlite_db_free(db);
	files.main = b.data;
	files.main_len = b.len;
	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_recover(&files, NULL, &rec, &err), 0);
	sqlite_recovery_free(rec);
	ck_assert_double_lt(now_seconds() - start, 2.0);
	fixture_bytes_free(&b);
}
END_TEST

START_TEST(random_bytes_end_with_a_clear_error)
{
	size_t len = 64 * 1024, i;
	unsigned char *bytes = malloc(len);
	uint64_t s = 12345;
	sqlite_db_files files = { bytes, len, NULL, 0, NULL, 0 };
	sqlite_recovery *rec = NULL;
	exhibit_error err;
	sqlite_db *db = NULL;
	double start = now_seconds();
	int round;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < len; i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			bytes[i] = (unsigned char)s;
		}
		exhibit_error_clear(&err);
		ck_assert_int_eq(sqlite_db_open(&files, &db, &err), EXHIBIT_ERR_FORMAT);
		ck_assert_int_eq(err.offset, 0);
		/* the magic and a valid page size in front of noise */
		memcpy(bytes, "SQLite format 3", 16);
		bytes[16] = 0x04;
		bytes[17] = 0x00;
		bytes[20] = 0;
		exhibit_error_clear(&err);
		ck_assert_int_eq(sqlite_recover(&files, NULL, &rec, &err), 0);
		ck_assert_uint_eq(rec->n_rows, 0); /* no schema: nothing to match */
		sqlite_recovery_free(rec);
	}
	ck_assert_double_lt(now_seconds() - start, 5.0);
	free(bytes);
}
END_TEST

/* ---------------------------------------------------------------- WAL */

typedef struct wal_fixture {
	fixture_bytes db, wal;
} wal_fixture;

static wal_fixture wal_database(void)
{
	wal_fixture w;
	fixture f;

	fixture_open(&f);
	fixture_exec(&f, "PRAGMA page_size = 1024; PRAGMA journal_mode = wal;"
	                 "PRAGMA wal_autocheckpoint = 0;"
	                 "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);");
	for (int i = 0; i < 5; i++)
		fixture_exec(&f, "INSERT INTO t(body) SELECT printf('%.300c', 'w') FROM"
		                 " (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3);");
	fixture_exec(&f, "DELETE FROM t WHERE id % 2 = 0;");
	w.db = fixture_read(&f, "");
	w.wal = fixture_read(&f, "-wal");
	fixture_close(&f);
	return w;
}

static void wal_fixture_free(wal_fixture *w)
{
	fixture_bytes_free(&w->db);
	fixture_bytes_free(&w->wal);
}

START_TEST(wal_frames_and_their_states)
{
	wal_fixture w = wal_database();
	sqlite_problems problems;
	exhibit_error err;
	sqlite_wal wal;
	uint32_t i, live = 0, superseded = 0;

	memset(&problems, 0, sizeof problems);
	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_wal_parse(w.wal.data, w.wal.len, 1024, &wal, &problems, &err), 0);
	ck_assert(wal.header_valid);
	ck_assert_uint_eq(wal.page_size, 1024);
	ck_assert_uint_eq(wal.n_frames, (w.wal.len - 32) / (24 + 1024));
	ck_assert_uint_eq(wal.chained_frames, wal.n_frames);
	ck_assert_uint_eq(wal.last_commit, wal.n_frames);
	ck_assert_uint_eq(problems.n, 0);
	for (i = 0; i < wal.n_frames; i++) {
		live += wal.frames[i].state == SQLITE_WAL_LIVE;
		superseded += wal.frames[i].state == SQLITE_WAL_SUPERSEDED;
	}
	ck_assert_uint_eq(live + superseded, wal.n_frames);
	ck_assert_uint_eq(live, wal.db_pages); /* every page of the database */
	ck_assert_uint_gt(superseded, 0);
	sqlite_wal_free(&wal);
	wal_fixture_free(&w);
}
END_TEST

START_TEST(wal_damage_is_reported_where_it_is)
{
	wal_fixture w = wal_database();
	sqlite_problems problems;
	exhibit_error err;
	sqlite_wal wal;
	uint64_t frame3 = 32 + 2 * (24 + 1024);

	w.wal.data[frame3 + 24 + 500] ^= 0x55; /* a byte of frame 3's page */
	memset(&problems, 0, sizeof problems);
	ck_assert_int_eq(sqlite_wal_parse(w.wal.data, w.wal.len - 100, 1024, &wal, &problems,
	                                  &err), 0);
	ck_assert_uint_eq(wal.chained_frames, 2);
	ck_assert_uint_le(wal.last_commit, 2);
	ck_assert_int_eq(wal.frames[2].state, SQLITE_WAL_INVALID);
	ck_assert_int_eq(problems.items[0].offset, (int64_t)(w.wal.len - 100 - (1024 + 24 - 100)));
	ck_assert_ptr_nonnull(strstr(problems.items[0].message, "partial frame"));
	ck_assert_int_eq(problems.items[1].offset, (int64_t)frame3);
	ck_assert_ptr_nonnull(strstr(problems.items[1].message, "fails its checksum"));
	sqlite_wal_free(&wal);
	w.wal.data[frame3 + 24 + 500] ^= 0x55;
	w.wal.data[frame3 + 8] ^= 1; /* salt 1 of frame 3 */
	memset(&problems, 0, sizeof problems);
	ck_assert_int_eq(sqlite_wal_parse(w.wal.data, w.wal.len, 1024, &wal, &problems, &err), 0);
	ck_assert_ptr_nonnull(strstr(problems.items[0].message, "another generation"));
	sqlite_wal_free(&wal);
	/* a header that does not hold: every frame unverified */
	w.wal.data[3] ^= 0x0f;
	memset(&problems, 0, sizeof problems);
	ck_assert_int_eq(sqlite_wal_parse(w.wal.data, w.wal.len, 1024, &wal, &problems, &err), 0);
	ck_assert(!wal.header_valid);
	ck_assert_int_eq(wal.frames[0].state, SQLITE_WAL_INVALID);
	sqlite_wal_free(&wal);
	/* another page size than the database's: refused */
	ck_assert_int_eq(sqlite_wal_parse(w.wal.data, w.wal.len, 4096, &wal, &problems, &err),
	                 EXHIBIT_ERR_FORMAT);
	ck_assert_int_eq(sqlite_wal_parse(w.wal.data, 20, 1024, &wal, &problems, &err),
	                 EXHIBIT_ERR_FORMAT);
	wal_fixture_free(&w);
}
END_TEST

START_TEST(page_versions_with_a_wal)
{
	wal_fixture w = wal_database();
	sqlite_db_files files = { w.db.data, w.db.len, w.wal.data, w.wal.len, NULL, 0 };
	sqlite_db *db = NULL;
	exhibit_error err;
	sqlite_page page, old;
	size_t i, n, live = 0;
	counter c;

	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_db_open(&files, &db, &err), 0);
	ck_assert_ptr_nonnull(sqlite_db_wal(db));
	n = sqlite_db_version_count(db);
	ck_assert_uint_eq(n, w.db.len / 1024 + sqlite_db_wal(db)->n_frames);
	for (i = 0; i < n; i++) {
		ck_assert(sqlite_db_version(db, i, &page));
		live += sqlite_db_page_is_live(db, &page);
	}
	ck_assert_uint_eq(live, sqlite_db_page_count(db));
	/* the live page 2 is a frame; as of its first frame it is older */
	ck_assert(sqlite_db_page(db, 2, &page));
	ck_assert_int_eq(page.file, SQLITE_FILE_WAL);
	ck_assert_int_eq(walk(db, 2, &c), 0);
	ck_assert_uint_eq(c.cells, 8); /* 15 inserted, 7 deleted */
	for (i = 0; i < sqlite_db_wal(db)->n_frames; i++)
		if (sqlite_db_wal(db)->frames[i].pgno == 2)
			break;
	ck_assert(sqlite_db_version(db, w.db.len / 1024 + i, &old));
	ck_assert(!sqlite_db_page_is_live(db, &old));
	ck_assert(sqlite_db_page_as_of(db, 2, &old, &page));
	ck_assert_uint_eq(page.index, old.index);
	sqlite_db_free(db);
	wal_fixture_free(&w);
}
END_TEST

/* What the host serves a database paired with its WAL: the rows SQLite
 * sees with the WAL, none that only the main file holds; refused past
 * its limit; and which names go together. */
START_TEST(the_live_image_with_a_wal)
{
	wal_fixture w = wal_database();
	sqlite_db_files files = { w.db.data, w.db.len, w.wal.data, w.wal.len, NULL, 0 };
	sqlite_db_files alone = { w.db.data, w.db.len, NULL, 0, NULL, 0 };
	exhibit_error err;
	uint8_t *image = NULL;
	size_t len = 0, base = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_live_image(&files, 1 << 20, &image, &len, &err), 0);
	ck_assert_uint_eq(len % 1024, 0);
	ck_assert_uint_gt(len, w.db.len); /* the tables live in the WAL */
	ck_assert_int_eq(untrusted_sqlite_open(image, len, &db, &err), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*), min(id), max(id) FROM t WHERE 1",
	                                    -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 8); /* 15 inserted, 7 deleted */
	ck_assert_int_eq(sqlite3_column_int(st, 1), 1);
	ck_assert_int_eq(sqlite3_column_int(st, 2), 15);
	sqlite3_finalize(st);
	untrusted_sqlite_close(db);
	free(image);
	/* the main file alone: its own pages, no table t */
	ck_assert_int_eq(sqlite_live_image(&alone, 1 << 20, &image, &len, &err), 0);
	ck_assert_uint_eq(len, w.db.len);
	ck_assert_int_eq(memcmp(image, w.db.data, len), 0);
	free(image);
	/* past the limit: refused, nothing allocated */
	ck_assert_int_eq(sqlite_live_image(&files, 2048, &image, &len, &err), EXHIBIT_ERR_LIMIT);
	ck_assert_ptr_null(image);
	ck_assert_ptr_nonnull(strstr(err.message, "larger than the limit"));
	wal_fixture_free(&w);

	ck_assert_int_eq(sqlite_sidecar_of("/data/chat.db-wal", &base), SQLITE_FILE_WAL);
	ck_assert_uint_eq(base, strlen("/data/chat.db"));
	ck_assert_int_eq(sqlite_sidecar_of("/data/chat.db-journal", &base), SQLITE_FILE_JOURNAL);
	ck_assert_uint_eq(base, strlen("/data/chat.db"));
	ck_assert_int_eq(sqlite_sidecar_of("/data/chat.db", &base), SQLITE_FILE_MAIN);
	ck_assert_int_eq(sqlite_sidecar_of("-wal", &base), SQLITE_FILE_MAIN);
	ck_assert_int_eq(sqlite_sidecar_of("/data/chat.db-wal2", &base), SQLITE_FILE_MAIN);
	ck_assert_int_eq(sqlite_sidecar_of(NULL, &base), SQLITE_FILE_MAIN);
}
END_TEST

/* ---------------------------------------------------------------- journal */

START_TEST(journals_in_their_three_states)
{
	fixture f;
	fixture_bytes unsynced, persisted, hot, main_file;
	sqlite_problems problems;
	sqlite_journal j;
	exhibit_error err;
	uint32_t i, counted = 0;

	/* persist mode: mid-transaction (magic not yet written), then after
	 * the commit zeroed its header */
	fixture_open(&f);
	fixture_exec(&f, "PRAGMA page_size = 1024; PRAGMA journal_mode = persist;"
	                 "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);"
	                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	                 " WHERE i < 100) INSERT INTO t(body) SELECT printf('%.80c', 'j') FROM n;"
	                 "BEGIN; DELETE FROM t WHERE id % 2 = 0;");
	unsynced = fixture_read(&f, "-journal");
	fixture_exec(&f, "COMMIT;");
	persisted = fixture_read(&f, "-journal");
	fixture_close(&f);
	/* a cache too small for the transaction: SQLite syncs the journal and
	 * writes to the database before the commit; caught then, it is hot */
	fixture_open(&f);
	fixture_exec(&f, "PRAGMA page_size = 1024; PRAGMA cache_size = 2;"
	                 "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);"
	                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	                 " WHERE i < 300) INSERT INTO t(body) SELECT printf('%.80c', 'j') FROM n;"
	                 "BEGIN; DELETE FROM t WHERE id % 2 = 0;");
	hot = fixture_read(&f, "-journal");
	main_file = fixture_read(&f, "");
	fixture_close(&f);

	memset(&problems, 0, sizeof problems);
	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_journal_parse(unsynced.data, unsynced.len, 1024, &j, &problems,
	                                      &err), 0);
	ck_assert(!j.header_valid && j.header_unsynced && !j.hot);
	ck_assert_uint_eq(j.page_size, 1024);
	ck_assert_uint_gt(j.n_records, 2);
	for (i = 0; i < j.n_records; i++)
		ck_assert(j.records[i].checksum_ok && !j.records[i].counted);
	sqlite_journal_free(&j);

	ck_assert_int_eq(sqlite_journal_parse(persisted.data, persisted.len, 1024, &j,
	                                      &problems, &err), 0);
	ck_assert(!j.header_valid && j.header_zeroed && !j.hot);
	ck_assert_uint_gt(j.n_records, 2);
	ck_assert(j.records[0].checksum_ok && j.records[1].checksum_ok);
	ck_assert(!j.records[0].counted);
	sqlite_journal_free(&j);

	ck_assert_int_eq(sqlite_journal_parse(hot.data, hot.len, 1024, &j, &problems, &err), 0);
	ck_assert(j.header_valid && j.hot);
	for (i = 0; i < j.n_records; i++) {
		ck_assert(j.records[i].checksum_ok);
		counted += j.records[i].counted;
	}
	ck_assert_uint_gt(counted, 0);
	ck_assert_uint_eq(problems.n, 0);
	sqlite_journal_free(&j);

	/* with the hot journal the database reads as SQLite would after
	 * rolling back: all 300 rows */
	{
		sqlite_db_files files = { main_file.data, main_file.len, NULL, 0,
			                  hot.data, hot.len };
		sqlite_db *db = NULL;
		counter c;

		ck_assert_int_eq(sqlite_db_open(&files, &db, &err), 0);
		ck_assert(sqlite_db_journal_applied(db));
		ck_assert_int_eq(walk(db, 2, &c), 0);
		ck_assert_uint_eq(c.cells, 300);
		sqlite_db_free(db);
	}

	/* not a journal: refused at offset 0 */
	persisted.data[0] = 0x42;
	ck_assert_int_eq(sqlite_journal_parse(persisted.data, persisted.len, 1024, &j,
	                                      &problems, &err), EXHIBIT_ERR_FORMAT);
	ck_assert_int_eq(err.offset, 0);
	fixture_bytes_free(&unsynced);
	fixture_bytes_free(&persisted);
	fixture_bytes_free(&hot);
	fixture_bytes_free(&main_file);
}
END_TEST

/* ---------------------------------------------------------------- schema */

static sqlite_table parse_ok(const char *sql)
{
	sqlite_table t;
	exhibit_error err;

	exhibit_error_clear(&err);
	ck_assert_msg(sqlite_table_parse(sql, strlen(sql), &t, &err) == 0, "%s: %s", sql,
	              err.message);
	return t;
}

START_TEST(create_table_layouts)
{
	sqlite_table t;
	exhibit_error err;

	t = parse_ok("CREATE TABLE IF NOT EXISTS main.\"m\"( -- comment\n"
	             " \"_id\" INTEGER PRIMARY KEY AUTOINCREMENT, [key remote] VARCHAR(255, 2)"
	             " NOT NULL, `w``x` /* c */ DOUBLE PRECISION DEFAULT -1.5, 'q' BLOB,"
	             " n NUMERIC DEFAULT 'abc''d', f FLOATING POINT, s DATETIME,"
	             " g TEXT GENERATED ALWAYS AS (upper(n)) VIRTUAL, h AS (1) STORED,"
	             " z, CONSTRAINT c CHECK (z > 0), UNIQUE (n, f))");
	ck_assert_uint_eq(t.n_columns, 10);
	ck_assert_uint_eq(t.n_stored, 9); /* g is virtual */
	ck_assert_str_eq(t.columns[0].name, "_id");
	ck_assert(t.columns[0].rowid_alias);
	ck_assert_str_eq(t.columns[1].name, "key remote");
	ck_assert_str_eq(t.columns[1].type, "VARCHAR(255,2)");
	ck_assert_int_eq(t.columns[1].affinity, SQLITE_AFF_TEXT);
	ck_assert(t.columns[1].not_null);
	ck_assert_str_eq(t.columns[2].name, "w`x");
	ck_assert_int_eq(t.columns[2].affinity, SQLITE_AFF_REAL);
	ck_assert(t.columns[2].has_default && t.columns[2].default_r == -1.5);
	ck_assert_str_eq(t.columns[3].name, "q");
	ck_assert_int_eq(t.columns[3].affinity, SQLITE_AFF_BLOB);
	ck_assert_str_eq(t.columns[4].default_bytes, "abc'd");
	ck_assert_int_eq(t.columns[5].affinity, SQLITE_AFF_INTEGER); /* "POINT" has INT */
	ck_assert_int_eq(t.columns[6].affinity, SQLITE_AFF_NUMERIC);
	ck_assert(t.columns[7].virtual_generated && !t.columns[8].virtual_generated);
	ck_assert_int_eq(t.columns[9].affinity, SQLITE_AFF_BLOB);
	sqlite_table_free(&t);

	/* the rowid alias: exact type INTEGER, one key column, not DESC */
	t = parse_ok("CREATE TABLE a(x INT PRIMARY KEY, y)");
	ck_assert(!t.columns[0].rowid_alias);
	sqlite_table_free(&t);
	t = parse_ok("CREATE TABLE a(x INTEGER PRIMARY KEY DESC, y)");
	ck_assert(!t.columns[0].rowid_alias);
	sqlite_table_free(&t);
	t = parse_ok("CREATE TABLE a(x integer, y, PRIMARY KEY(x DESC))");
	ck_assert(t.columns[0].rowid_alias);
	sqlite_table_free(&t);
	t = parse_ok("CREATE TABLE a(x INTEGER, y, PRIMARY KEY(x, y))");
	ck_assert(!t.columns[0].rowid_alias);
	sqlite_table_free(&t);

	exhibit_error_clear(&err);
	ck_assert_int_eq(sqlite_table_parse("CREATE TABLE w(a PRIMARY KEY) WITHOUT ROWID", 43,
	                                    &t, &err), 1);
	ck_assert_int_eq(sqlite_table_parse("CREATE VIRTUAL TABLE v USING fts5(a)", 36, &t,
	                                    &err), 1);
	ck_assert_int_eq(sqlite_table_parse("CREATE TABLE x(a, b", 19, &t, &err),
	                 EXHIBIT_ERR_FORMAT);
	ck_assert_int_eq(sqlite_table_parse("CREATE TABLE x AS SELECT 1", 26, &t, &err),
	                 EXHIBIT_ERR_FORMAT);
	ck_assert_int_eq(sqlite_table_parse("DROP TABLE x", 12, &t, &err), EXHIBIT_ERR_FORMAT);
	ck_assert_int_eq(sqlite_table_parse("CREATE TABLE \"unterminated(a)", 29, &t, &err),
	                 EXHIBIT_ERR_FORMAT);
}
END_TEST

START_TEST(the_schema_of_a_database)
{
	fixture_bytes b = build("PRAGMA encoding = 'UTF-16le';"
	                        "CREATE TABLE chat(id INTEGER PRIMARY KEY, title TEXT);"
	                        "CREATE TABLE seq(id INTEGER PRIMARY KEY AUTOINCREMENT, v);"
	                        "CREATE INDEX chat_title ON chat(title);"
	                        "CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID;"
	                        "CREATE VIEW v AS SELECT * FROM chat;"
	                        "INSERT INTO seq(v) VALUES (1);");
	sqlite_db *db = open_bytes(&b);
	sqlite_schema s;
	exhibit_error err;
	size_t i;
	int user = 0, internal = 0;

	ck_assert_int_eq(sqlite_schema_read(db, &s, &err), 0);
	for (i = 0; i < s.n_tables; i++) {
		if (s.tables[i].internal) {
			internal++;
			continue;
		}
		user++;
		ck_assert(strcmp(s.tables[i].name, "chat") == 0 ||
		          strcmp(s.tables[i].name, "seq") == 0);
	}
	ck_assert_int_eq(user, 2);
	ck_assert_int_eq(internal, 2); /* sqlite_schema, sqlite_sequence */
	ck_assert_uint_eq(s.n_other_roots, 2); /* the index, and kv (its key is its tree) */
	sqlite_schema_free(&s);
	sqlite_db_free(db);
	fixture_bytes_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *pages_suite(void)
{
	Suite *s = suite_create("sqlite_pages");
	TCase *format = tcase_create("format"), *structure = tcase_create("structure"),
	      *damage = tcase_create("damage"), *logs = tcase_create("logs");

	tcase_add_test(format, varints_round_trip_and_stop_at_the_end);
	tcase_add_test(format, serial_types_sizes_and_minimal_forms);
	tcase_add_test(format, records_decode_every_type);
	tcase_add_test(format, malformed_record_headers_are_refused);
	tcase_add_test(format, utf16_text_becomes_utf8);
	tcase_add_test(format, header_fields_and_refusals);
	tcase_add_test(format, create_table_layouts);
	tcase_add_test(structure, a_table_walk_sees_every_row);
	tcase_add_test(structure, overflow_chains_are_followed);
	tcase_add_test(structure, the_freelist_is_walked);
	tcase_add_test(structure, pointer_map_pages_of_auto_vacuum);
	tcase_add_test(structure, the_schema_of_a_database);
	tcase_add_test(damage, a_btree_loop_is_reported_and_left);
	tcase_add_test(damage, a_child_out_of_range_is_reported);
	tcase_add_test(damage, an_overflow_loop_is_reported);
	tcase_add_test(damage, freelist_loops_and_bad_leaves_are_reported);
	tcase_add_test(damage, a_truncated_file_is_read_as_far_as_it_goes);
	tcase_add_test(damage, absurd_header_values_stay_bounded);
	tcase_add_test(damage, random_bytes_end_with_a_clear_error);
	tcase_add_test(logs, wal_frames_and_their_states);
	tcase_add_test(logs, wal_damage_is_reported_where_it_is);
	tcase_add_test(logs, page_versions_with_a_wal);
	tcase_add_test(logs, the_live_image_with_a_wal);
	tcase_add_test(logs, journals_in_their_three_states);
	tcase_set_timeout(damage, 30);
	tcase_set_timeout(logs, 30);
	suite_add_tcase(s, format);
	suite_add_tcase(s, structure);
	suite_add_tcase(s, damage);
	suite_add_tcase(s, logs);
	return s;
}

int main(void)
{
	return check_run_suite(pages_suite());
}

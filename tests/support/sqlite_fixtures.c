/*
 * sqlite_fixtures.c — see sqlite_fixtures.h.
 */
#include "sqlite_fixtures.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fixture_open(fixture *f)
{
	memset(f, 0, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "%s", "/tmp/exhibit-fixture-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/fixture.db", f->dir);
	ck_assert_int_eq(sqlite3_open(f->path, &f->db), SQLITE_OK);
}

void fixture_exec(fixture *f, const char *sql)
{
	char *why = NULL;
	int rc = sqlite3_exec(f->db, sql, NULL, NULL, &why);

	ck_assert_msg(rc == SQLITE_OK, "fixture SQL failed: %s (%s)", why ? why : "?", sql);
	sqlite3_free(why);
}

fixture_bytes fixture_read(const fixture *f, const char *suffix)
{
	fixture_bytes b = { NULL, 0 };
	char path[128];
	FILE *file;
	long size;

	snprintf(path, sizeof path, "%s%s", f->path, suffix);
	if (!(file = fopen(path, "rb")))
		return b;
	ck_assert_int_eq(fseek(file, 0, SEEK_END), 0);
	size = ftell(file);
	rewind(file);
	b.data = malloc((size_t)size + 1);
	b.len = (size_t)size;
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(fread(b.data, 1, b.len, file), b.len);
	fclose(file);
	return b;
}

void fixture_close(fixture *f)
{
	static const char *const suffixes[] = { "", "-wal", "-journal", "-shm" };
	char path[128];
	size_t i;

	if (f->db)
		sqlite3_close(f->db);
	f->db = NULL;
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(path, sizeof path, "%s%s", f->path, suffixes[i]);
		unlink(path);
	}
	rmdir(f->dir);
}

void fixture_bytes_free(fixture_bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

fixture_rows fixture_select(sqlite3 *db, const char *sql)
{
	fixture_rows out = { NULL, 0 };
	sqlite3_stmt *stmt = NULL;
	size_t cap = 0;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK,
	              "cannot prepare %s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		int n = sqlite3_column_count(stmt) - 1, i;
		fixture_row *row;

		if (out.n == cap) {
			cap = cap ? cap * 2 : 64;
			out.rows = realloc(out.rows, cap * sizeof *out.rows);
			ck_assert_ptr_nonnull(out.rows);
		}
		row = &out.rows[out.n++];
		row->n = n;
		row->values = calloc((size_t)n + 1, sizeof *row->values);
		ck_assert_ptr_nonnull(row->values);
		for (i = 0; i < n; i++)
			row->values[i] = sqlite3_value_dup(sqlite3_column_value(stmt, i));
		row->rowid = sqlite3_column_int64(stmt, n);
	}
	sqlite3_finalize(stmt);
	return out;
}

void fixture_rows_free(fixture_rows *rows)
{
	size_t r;

	for (r = 0; r < rows->n; r++) {
		for (int i = 0; i < rows->rows[r].n; i++)
			sqlite3_value_free(rows->rows[r].values[i]);
		free(rows->rows[r].values);
	}
	free(rows->rows);
	rows->rows = NULL;
	rows->n = 0;
}

bool fixture_value_equal(sqlite3_value *a, sqlite3_value *b)
{
	int type = sqlite3_value_type(a);

	if (type != sqlite3_value_type(b))
		return false;
	switch (type) {
	case SQLITE_NULL:
		return true;
	case SQLITE_INTEGER:
		return sqlite3_value_int64(a) == sqlite3_value_int64(b);
	case SQLITE_FLOAT:
		return sqlite3_value_double(a) == sqlite3_value_double(b);
	case SQLITE_TEXT:
		return sqlite3_value_bytes(a) == sqlite3_value_bytes(b) &&
		       memcmp(sqlite3_value_text(a), sqlite3_value_text(b),
		              (size_t)sqlite3_value_bytes(a)) == 0;
	default:
		return sqlite3_value_bytes(a) == sqlite3_value_bytes(b) &&
		       (sqlite3_value_bytes(a) == 0 ||
		        memcmp(sqlite3_value_blob(a), sqlite3_value_blob(b),
		               (size_t)sqlite3_value_bytes(a)) == 0);
	}
}

/* ---------------------------------------------------------------- records */

static size_t put_varint(unsigned char *out, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0, i;

	if (v >> 56) {
		out[8] = (unsigned char)v;
		v >>= 8;
		for (i = 8; i > 0; i--) {
			out[i - 1] = (unsigned char)((v & 0x7f) | 0x80);
			v >>= 7;
		}
		return 9;
	}
	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	} while (v);
	tmp[0] &= 0x7f;
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* The serial type SQLite picks for an integer, and its size. */
static uint64_t int_serial(int64_t v, size_t *size)
{
	uint64_t m = v < 0 ? ~(uint64_t)v : (uint64_t)v;

	*size = 0;
	if (v == 0 || v == 1)
		return 8 + (uint64_t)v;
	if (m <= 0x7f)
		return *size = 1, 1;
	if (m <= 0x7fff)
		return *size = 2, 2;
	if (m <= 0x7fffff)
		return *size = 3, 3;
	if (m <= 0x7fffffff)
		return *size = 4, 4;
	if (m <= 0x7fffffffffffULL)
		return *size = 6, 5;
	return *size = 8, 6;
}

fixture_bytes fixture_record(const fixture_row *row, int alias, int encoding)
{
	size_t cap = 64, body_len = 0, head_len = 0, i;
	unsigned char *head = malloc((size_t)row->n * 9 + 10), *body = malloc(cap);
	fixture_bytes out;

	ck_assert(head && body);
	for (i = 0; i < (size_t)row->n; i++) {
		sqlite3_value *v = row->values[i];
		const void *bytes = NULL;
		uint64_t serial = 0;
		size_t size = 0;
		unsigned char num[8];

		switch ((int)i == alias ? SQLITE_NULL : sqlite3_value_type(v)) {
		case SQLITE_INTEGER: {
			int64_t x = sqlite3_value_int64(v);

			serial = int_serial(x, &size);
			for (size_t k = 0; k < size; k++)
				num[k] = (unsigned char)((uint64_t)x >> (8 * (size - 1 - k)));
			bytes = num;
			break;
		}
		case SQLITE_FLOAT: {
			double d = sqlite3_value_double(v);
			uint64_t bits;

			memcpy(&bits, &d, 8);
			for (size_t k = 0; k < 8; k++)
				num[k] = (unsigned char)(bits >> (8 * (7 - k)));
			serial = 7;
			size = 8;
			bytes = num;
			break;
		}
		case SQLITE_TEXT:
			bytes = encoding == 2 ? sqlite3_value_text16le(v)
			        : encoding == 3 ? sqlite3_value_text16be(v)
			                        : (const void *)sqlite3_value_text(v);
			size = (size_t)(encoding == 1 ? sqlite3_value_bytes(v)
			                              : sqlite3_value_bytes16(v));
			serial = 13 + 2 * (uint64_t)size;
			break;
		case SQLITE_BLOB:
			bytes = sqlite3_value_blob(v);
			size = (size_t)sqlite3_value_bytes(v);
			serial = 12 + 2 * (uint64_t)size;
			break;
		default:
			break;
		}
		head_len += put_varint(head + head_len, serial);
		if (body_len + size > cap) {
			cap = (body_len + size) * 2;
			body = realloc(body, cap);
			ck_assert_ptr_nonnull(body);
		}
		if (size)
			memcpy(body + body_len, bytes, size);
		body_len += size;
	}
	{
		/* The header length counts its own varint. */
		size_t total = head_len + 1;
		unsigned char lenbuf[10];
		size_t n = put_varint(lenbuf, total);

		if (n > 1)
			n = put_varint(lenbuf, head_len + n);
		out.len = n + head_len + body_len;
		out.data = malloc(out.len);
		ck_assert_ptr_nonnull(out.data);
		memcpy(out.data, lenbuf, n);
		memcpy(out.data + n, head, head_len);
		memcpy(out.data + n + head_len, body, body_len);
	}
	free(head);
	free(body);
	return out;
}

static bool present(const unsigned char *needle, size_t len,
                    const fixture_bytes *files, size_t n_files)
{
	size_t i;

	for (i = 0; i < n_files; i++)
		if (files[i].data && len <= files[i].len &&
		    memmem(files[i].data, files[i].len, needle, len))
			return true;
	return false;
}

bool fixture_record_present(const fixture_bytes *record, uint32_t usable,
                            const fixture_bytes *files, size_t n_files)
{
	uint64_t len = record->len, max_local = usable - 35;
	uint64_t min_local = ((uint64_t)usable - 12) * 32 / 255 - 23, local = len, at;

	if (len > max_local) {
		uint64_t k = min_local + (len - min_local) % (usable - 4);
		local = k <= max_local ? k : min_local;
	}
	if (local > 2 && !present(record->data + 2, (size_t)local - 2, files, n_files))
		return false;
	for (at = local; at < len; at += usable - 4) {
		uint64_t chunk = len - at < usable - 4 ? len - at : usable - 4;

		if (!present(record->data + at, (size_t)chunk, files, n_files))
			return false;
	}
	return true;
}

/*
 * chat_test.c — see chat_test.h.
 */
#include "chat_test.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#ifndef EXHIBIT_CORPUS_DIR
#define EXHIBIT_CORPUS_DIR "../shared/corpus"
#endif

const char *chat_corpus_dir(void)
{
	const char *env = getenv("EXHIBIT_CORPUS");

	return env && *env ? env : EXHIBIT_CORPUS_DIR;
}

bool chat_corpus_has(const char *relative)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", chat_corpus_dir(), relative);
	return access(path, R_OK) == 0;
}

bool chat_corpus_present(void)
{
	return chat_corpus_has("MANIFEST.md");
}

chat_bytes chat_read_file(const char *path)
{
	chat_bytes b = { NULL, 0 };
	FILE *f = fopen(path, "rb");
	long size;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	ck_assert_int_ge(size, 0);
	rewind(f);
	b.data = malloc((size_t)size + 1);
	b.len = (size_t)size;
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(fread(b.data, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

chat_bytes chat_read_corpus(const char *relative)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", chat_corpus_dir(), relative);
	return chat_read_file(path);
}

void chat_bytes_free(chat_bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

chat_bytes chat_db_from_sql(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_int64 size = 0;
	unsigned char *image;
	char *why = NULL;
	chat_bytes b;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &why) != SQLITE_OK)
		ck_abort_msg("fixture SQL failed: %s", why ? why : "?");
	image = sqlite3_serialize(db, "main", &size, 0);
	ck_assert_ptr_nonnull(image);
	b.data = malloc((size_t)size + 1);
	b.len = (size_t)size;
	ck_assert_ptr_nonnull(b.data);
	memcpy(b.data, image, (size_t)size);
	sqlite3_free(image);
	sqlite3_close(db);
	return b;
}

chat_bytes chat_db_from_parts(const char *schema, const char *rows, const char *more)
{
	char *sql;
	chat_bytes b;

	ck_assert_int_ge(asprintf(&sql, "%s%s%s", schema, rows, more ? more : ""), 0);
	b = chat_db_from_sql(sql);
	free(sql);
	return b;
}

chat_run chat_analyze(const exhibit_plugin *plugin, const chat_bytes *b,
                      const char *path)
{
	chat_run r;

	r.host = stub_host_new(b->data, b->len, path);
	ck_assert_ptr_nonnull(r.host);
	stub_host_set_sqlite_budget(r.host, 2000, 20000);
	r.rc = stub_host_analyze(r.host, plugin);
	ck_assert_msg(stub_host_open_databases(r.host) == 0,
	              "the plugin left a database open");
	return r;
}

chat_run chat_analyze_corpus(const exhibit_plugin *plugin, const char *relative)
{
	char item_path[4096];
	chat_bytes b = chat_read_corpus(relative);
	chat_run r;

	/* A path that says nothing of the app: identification is by content. */
	snprintf(item_path, sizeof item_path, "/evidence/renamed-%zu.bin", b.len);
	r = chat_analyze(plugin, &b, item_path);
	chat_bytes_free(&b);
	return r;
}

size_t chat_count(const chat_run *r, const char *type)
{
	return stub_host_record_count(r->host, type);
}

size_t chat_count_recovered(const chat_run *r, const char *type)
{
	size_t i, n = 0;

	for (i = 0; i < stub_host_record_count(r->host, type); i++) {
		const stub_field *f = stub_record_field(stub_host_record(r->host, type, i),
		                                        "recovered_from");

		n += f && f->type != EXHIBIT_NULL;
	}
	return n;
}

size_t chat_count_live(const chat_run *r, const char *type)
{
	return chat_count(r, type) - chat_count_recovered(r, type);
}

const stub_record *chat_find(const chat_run *r, const char *type,
                             const char *field, const char *text)
{
	const stub_record *rec = stub_host_find_record(r->host, type, field, text);

	ck_assert_msg(rec != NULL, "no %s record with %s = \"%s\"", type, field, text);
	return rec;
}

const char *chat_field_text(const stub_record *rec, const char *field)
{
	const stub_field *f = stub_record_field(rec, field);

	return f && f->type == EXHIBIT_TEXT ? f->text : NULL;
}

const char *chat_extra_of(const stub_record *rec)
{
	const char *e = chat_field_text(rec, "extra");

	ck_assert_ptr_nonnull(e);
	return e;
}

void chat_expect_text(const stub_record *rec, const char *field,
                      const char *expected)
{
	const stub_field *f = stub_record_field(rec, field);

	ck_assert_msg(f != NULL, "%s: no field %s", rec->type, field);
	if (!expected) {
		ck_assert_msg(f->type == EXHIBIT_NULL, "%s.%s: expected NULL, got \"%s\"",
		              rec->type, field, f->type == EXHIBIT_TEXT ? f->text : "(not text)");
		return;
	}
	ck_assert_msg(f->type == EXHIBIT_TEXT, "%s.%s: expected \"%s\", got a non-text value",
	              rec->type, field, expected);
	ck_assert_msg(strcmp(f->text, expected) == 0, "%s.%s: expected \"%s\", got \"%s\"",
	              rec->type, field, expected, f->text);
}

void chat_expect_int(const stub_record *rec, const char *field, int64_t expected)
{
	const stub_field *f = stub_record_field(rec, field);

	ck_assert_msg(f != NULL, "%s: no field %s", rec->type, field);
	ck_assert_msg(f->type == EXHIBIT_INT, "%s.%s: expected %" PRId64 ", got a non-integer",
	              rec->type, field, expected);
	ck_assert_msg(f->i == expected, "%s.%s: expected %" PRId64 ", got %" PRId64,
	              rec->type, field, expected, f->i);
}

void chat_expect_null(const stub_record *rec, const char *field)
{
	const stub_field *f = stub_record_field(rec, field);

	ck_assert_msg(f != NULL, "%s: no field %s", rec->type, field);
	ck_assert_msg(f->type == EXHIBIT_NULL, "%s.%s: expected NULL", rec->type, field);
}

const char *chat_time_text(const stub_record *rec, const char *name, char *buf,
                           size_t len)
{
	char ns_name[64];
	const stub_field *sec, *ns;
	const char *precision = chat_field_text(rec, "time_precision");
	const char *zone = chat_field_text(rec, "time_zone");
	time_t t;
	struct tm tm;
	char date[64], frac[16] = "";

	snprintf(ns_name, sizeof ns_name, "%s_ns", name);
	sec = stub_record_field(rec, name);
	ns = stub_record_field(rec, ns_name);
	ck_assert_msg(sec && ns, "%s: no time field %s", rec->type, name);
	if (sec->type == EXHIBIT_NULL) {
		snprintf(buf, len, "NULL");
		return buf;
	}
	t = (time_t)sec->i;
	ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	if (precision && !strcmp(precision, "1ms"))
		snprintf(frac, sizeof frac, ".%03d", (int)(ns->i / 1000000));
	else if (precision && !strcmp(precision, "1us"))
		snprintf(frac, sizeof frac, ".%06d", (int)(ns->i / 1000));
	else if (precision && !strcmp(precision, "1ns"))
		snprintf(frac, sizeof frac, ".%09d", (int)ns->i);
	snprintf(buf, len, "%s%s%s", date, frac, zone && !strcmp(zone, "local") ? "" : "Z");
	return buf;
}

void chat_expect_time(const stub_record *rec, const char *name,
                      const char *expected)
{
	char buf[80];

	chat_time_text(rec, name, buf, sizeof buf);
	ck_assert_msg(strcmp(buf, expected) == 0, "%s.%s: expected %s, got %s",
	              rec->type, name, expected, buf);
}

bool chat_error_mentions(const chat_run *r, const char *needle)
{
	size_t i;

	for (i = 0; i < stub_host_error_count(r->host); i++)
		if (strstr(stub_host_error(r->host, i)->message, needle))
			return true;
	return false;
}

void chat_skip_note(const char *what)
{
	printf("SKIP: %s: no test corpus at %s (set EXHIBIT_CORPUS to its directory)\n",
	       what, chat_corpus_dir());
}

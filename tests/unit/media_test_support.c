/*
 * media_test_support.c — see media_test_support.h.
 */
#include "media_test_support.h"

#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#ifndef EXHIBIT_CORPUS_DIR
#define EXHIBIT_CORPUS_DIR "../shared/corpus"
#endif

extern const char exhibit_case_schema_sql[];

const char *corpus_dir(void)
{
	const char *env = getenv("EXHIBIT_CORPUS");

	return env && *env ? env : EXHIBIT_CORPUS_DIR;
}

unsigned char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

exhibit_host *analyze_bytes(const exhibit_plugin *plugin, const char *mime, const void *data,
                            size_t len, int *rc)
{
	exhibit_host *host = stub_host_new(data, len, "/evidence/item");

	ck_assert_ptr_nonnull(host);
	stub_host_set_mime_type(host, mime);
	*rc = stub_host_analyze(host, plugin);
	return host;
}

const stub_record *media_record(const exhibit_host *host)
{
	ck_assert_uint_eq(stub_host_record_count(host, "media"), 1);
	return stub_host_record(host, "media", 0);
}

const char *field_text(const stub_record *r, const char *name)
{
	const stub_field *f = r ? stub_record_field(r, name) : NULL;

	return f && f->type == EXHIBIT_TEXT ? f->text : NULL;
}

bool field_int(const stub_record *r, const char *name, int64_t *out)
{
	const stub_field *f = r ? stub_record_field(r, name) : NULL;

	if (!f || f->type != EXHIBIT_INT)
		return false;
	*out = f->i;
	return true;
}

bool field_real(const stub_record *r, const char *name, double *out)
{
	const stub_field *f = r ? stub_record_field(r, name) : NULL;

	if (!f || (f->type != EXHIBIT_REAL && f->type != EXHIBIT_INT))
		return false;
	*out = f->type == EXHIBIT_REAL ? f->r : (double)f->i;
	return true;
}

const char *tag_value(const exhibit_host *host, const char *source, const char *name)
{
	for (size_t i = 0; i < stub_host_record_count(host, "media_tags"); i++) {
		const stub_record *r = stub_host_record(host, "media_tags", i);
		const char *s = field_text(r, "source"), *n = field_text(r, "name");
		if (s && n && !strcmp(s, source) && !strcmp(n, name))
			return field_text(r, "value");
	}
	return NULL;
}

bool has_error(const exhibit_host *host, const char *text)
{
	for (size_t i = 0; i < stub_host_error_count(host); i++)
		if (strstr(stub_host_error(host, i)->message, text))
			return true;
	return false;
}

/* ---- the schema --------------------------------------------------------- */

static bool column_exists(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *s;
	bool found = false;
	char *sql = sqlite3_mprintf("SELECT 1 FROM pragma_table_info(%Q) WHERE name = %Q "
	                            "AND %Q IN (SELECT name FROM plugin_record_tables)",
	                            table, column, table);

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	sqlite3_free(sql);
	return found;
}

void check_records_match_schema(const exhibit_host *host)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, exhibit_case_schema_sql, NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < stub_host_record_count(host, NULL); i++) {
		const stub_record *r = stub_host_record(host, NULL, i);
		for (size_t k = 0; k < r->n_fields; k++)
			ck_assert_msg(column_exists(db, r->type, r->fields[k].name),
			              "record %s has column %s, which schemas/case.sql lacks", r->type,
			              r->fields[k].name);
	}
	sqlite3_close(db);
}

/* ---- a small JSON reader, for ffprobe's output ------------------------ */

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } json_type;

typedef struct json {
	json_type type;
	double number;
	char *string;
	size_t n;
	char **keys;          /* objects */
	struct json **values; /* objects and arrays */
} json;

static void json_free(json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		if (j->keys)
			free(j->keys[i]);
		json_free(j->values[i]);
	}
	free(j->keys);
	free(j->values);
	free(j->string);
	free(j);
}

static void skip_space(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

static char *json_string(const char **p)
{
	size_t cap = 16, n = 0;
	char *s = malloc(cap);

	(*p)++; /* the opening quote */
	while (s && **p && **p != '"') {
		char c = *(*p)++;
		if (c == '\\' && **p) {
			c = *(*p)++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'u') { /* keep \uXXXX as '?' : only ASCII matters here */
				for (int i = 0; i < 4 && **p; i++)
					(*p)++;
				c = '?';
			}
		}
		if (n + 2 > cap) {
			char *grown = realloc(s, cap *= 2);
			if (!grown) {
				free(s);
				return NULL;
			}
			s = grown;
		}
		s[n++] = c;
	}
	if (!s || **p != '"') {
		free(s);
		return NULL;
	}
	(*p)++;
	s[n] = '\0';
	return s;
}

static json *json_value(const char **p, int depth);

static bool json_add(json *j, char *key, json *value)
{
	char **keys = j->type == J_OBJECT ? realloc(j->keys, (j->n + 1) * sizeof *keys) : NULL;
	json **values = realloc(j->values, (j->n + 1) * sizeof *values);

	if (j->type == J_OBJECT) {
		if (!keys)
			return false;
		j->keys = keys;
	}
	if (!values)
		return false;
	j->values = values;
	if (j->type == J_OBJECT)
		j->keys[j->n] = key;
	j->values[j->n++] = value;
	return true;
}

static json *json_container(const char **p, int depth, json_type type)
{
	json *j = calloc(1, sizeof *j);
	char close = type == J_OBJECT ? '}' : ']';

	if (!j)
		return NULL;
	j->type = type;
	(*p)++;
	skip_space(p);
	if (**p == close) {
		(*p)++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		json *v;
		skip_space(p);
		if (type == J_OBJECT) {
			if (**p != '"' || !(key = json_string(p)))
				break;
			skip_space(p);
			if (**p != ':') {
				free(key);
				break;
			}
			(*p)++;
		}
		if (!(v = json_value(p, depth + 1)) || !json_add(j, key, v)) {
			free(key);
			json_free(v);
			break;
		}
		skip_space(p);
		if (**p == ',') {
			(*p)++;
			continue;
		}
		if (**p == close) {
			(*p)++;
			return j;
		}
		break;
	}
	json_free(j);
	return NULL;
}

static json *json_value(const char **p, int depth)
{
	json *j;

	skip_space(p);
	if (depth > 32)
		return NULL;
	if (**p == '{')
		return json_container(p, depth, J_OBJECT);
	if (**p == '[')
		return json_container(p, depth, J_ARRAY);
	if (!(j = calloc(1, sizeof *j)))
		return NULL;
	if (**p == '"') {
		j->type = J_STRING;
		if (!(j->string = json_string(p))) {
			free(j);
			return NULL;
		}
	} else if (!strncmp(*p, "true", 4) || !strncmp(*p, "null", 4)) {
		j->type = **p == 't' ? J_BOOL : J_NULL;
		*p += 4;
	} else if (!strncmp(*p, "false", 5)) {
		j->type = J_BOOL;
		*p += 5;
	} else {
		char *end;
		j->type = J_NUMBER;
		j->number = strtod(*p, &end);
		if (end == *p) {
			free(j);
			return NULL;
		}
		*p = end;
	}
	return j;
}

static const json *json_get(const json *j, const char *key)
{
	for (size_t i = 0; j && j->type == J_OBJECT && i < j->n; i++)
		if (!strcmp(j->keys[i], key))
			return j->values[i];
	return NULL;
}

/* ffprobe writes numbers that are durations as strings: read both. */
static bool json_number(const json *j, double *out)
{
	char *end;

	if (!j)
		return false;
	if (j->type == J_NUMBER) {
		*out = j->number;
		return true;
	}
	if (j->type == J_STRING) {
		*out = strtod(j->string, &end);
		return end != j->string;
	}
	return false;
}

/* ---- ffprobe ---------------------------------------------------------- */

bool ffprobe_available(void)
{
	return run_quiet("ffprobe -version");
}

bool run_quiet(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof cmd - 32, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof cmd - 32)
		return false;
	strcat(cmd, " >/dev/null 2>&1");
	return system(cmd) == 0;
}

bool ffprobe_run(const char *path, probe *out)
{
	char cmd[4200];
	FILE *f;
	char *text = NULL;
	size_t n = 0, cap = 0;
	json *root;
	const json *streams, *format;
	const char *cursor;
	bool ok = false;

	memset(out, 0, sizeof *out);
	snprintf(cmd, sizeof cmd, "ffprobe -v error -show_streams -show_format -of json '%s'", path);
	if (!(f = popen(cmd, "r")))
		return false;
	for (;;) {
		size_t got;
		if (n + 4096 + 1 > cap) {
			char *grown = realloc(text, cap = cap ? cap * 2 : 65536);
			if (!grown)
				break;
			text = grown;
		}
		if ((got = fread(text + n, 1, 4096, f)) == 0)
			break;
		n += got;
	}
	if (pclose(f) != 0 || !text) {
		free(text);
		return false;
	}
	text[n] = '\0';
	cursor = text;
	root = json_value(&cursor, 0);
	format = json_get(root, "format");
	streams = json_get(root, "streams");
	if (root) {
		ok = true;
		out->has_duration = json_number(json_get(format, "duration"), &out->duration);
		for (size_t i = 0; streams && streams->type == J_ARRAY && i < streams->n &&
		                   out->n_streams < 16; i++) {
			const json *s = streams->values[i], *v;
			probe_stream *ps = &out->streams[out->n_streams++];
			double d;
			if ((v = json_get(s, "codec_type")) && v->type == J_STRING)
				snprintf(ps->type, sizeof ps->type, "%s", v->string);
			if ((v = json_get(s, "codec_name")) && v->type == J_STRING)
				snprintf(ps->codec, sizeof ps->codec, "%s", v->string);
			if (json_number(json_get(s, "width"), &d))
				ps->width = (int64_t)d;
			if (json_number(json_get(s, "height"), &d))
				ps->height = (int64_t)d;
		}
	}
	json_free(root);
	free(text);
	return ok;
}

bool duration_close(double ours, double theirs)
{
	double diff = fabs(ours - theirs);

	return diff <= 0.05 || diff <= 0.005 * fabs(theirs);
}

/*
 * stub_host.c — see stub_host.h.
 */
#include "stub_host.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "error.h"
#include "recovered_db.h"
#include "sqlite_recover.h"
#include "sqlite_sidecar.h"
#include "untrusted_sqlite.h"

#define MAX_OPEN_DATABASES 16

typedef struct stub_child {
	char *name;
	void *data;
	size_t len;
} stub_child;

struct exhibit_host {
	unsigned char *content;
	size_t len;
	char *path;
	size_t read_chunk;
	untrusted_sqlite_budget budget;
	unsigned char *wal, *journal;
	size_t wal_len, journal_len;

	stub_record *records;
	size_t n_records;
	stub_error *errors;
	size_t n_errors;
	size_t n_children;
	stub_child *children;
	char *mime_type;
	unsigned depth, max_depth;

	sqlite3 *open_dbs[MAX_OPEN_DATABASES];
};

/* ---- small helpers ------------------------------------------------------ */

static char *copy_string(const char *s)
{
	char *copy;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s);
	copy = malloc(len + 1);
	if (copy)
		memcpy(copy, s, len + 1);
	return copy;
}

static void *copy_bytes(const void *bytes, size_t len)
{
	void *copy = malloc(len ? len : 1);

	if (copy && len)
		memcpy(copy, bytes, len);
	return copy;
}

/* Grow *array (of elem-sized items, count used) to hold one more; false
 * when OOM.  The capacity is the next power of two, so that a plugin
 * emitting many records costs linear time, not quadratic. */
static bool grow(void **array, size_t count, size_t elem)
{
	void *grown;

	if (count & (count - 1))
		return true;   /* not a power of two: room is left */
	grown = realloc(*array, (count ? count * 2 : 1) * elem);

	if (!grown)
		return false;
	*array = grown;
	return true;
}

/* ---- the callbacks ------------------------------------------------------ */

static int64_t stub_read(exhibit_host *host, uint64_t offset, void *buf,
                         size_t len)
{
	size_t n;

	if (offset >= host->len)
		return 0;
	n = host->len - (size_t)offset;
	if (n > len)
		n = len;
	if (host->read_chunk && n > host->read_chunk)
		n = host->read_chunk;
	memcpy(buf, host->content + offset, n);
	return (int64_t)n;
}

static bool copy_field(stub_field *dst, const exhibit_field *src)
{
	memset(dst, 0, sizeof *dst);
	dst->name = copy_string(src->name);
	dst->type = src->type;
	dst->i = src->i;
	dst->r = src->r;
	if (src->type == EXHIBIT_TEXT)
		dst->text = copy_string(src->text);
	if (src->type == EXHIBIT_BLOB) {
		dst->blob = copy_bytes(src->blob, src->blob_len);
		dst->blob_len = src->blob_len;
	}
	return dst->name && (src->type != EXHIBIT_TEXT || dst->text) &&
	       (src->type != EXHIBIT_BLOB || dst->blob);
}

static void free_record(stub_record *record)
{
	size_t i;

	for (i = 0; i < record->n_fields; i++) {
		free(record->fields[i].name);
		free(record->fields[i].text);
		free(record->fields[i].blob);
	}
	free(record->fields);
	free(record->type);
}

static int stub_emit_record(exhibit_host *host, const char *record_type,
                            const exhibit_field *fields, size_t n_fields)
{
	stub_record record = { copy_string(record_type), NULL, 0 };
	bool ok = record.type && record_type;
	size_t i;

	if (ok && n_fields)
		ok = (record.fields = calloc(n_fields, sizeof *record.fields));
	for (i = 0; ok && i < n_fields; i++, record.n_fields++)
		ok = fields[i].name && copy_field(&record.fields[i], &fields[i]);
	if (ok)
		ok = grow((void **)&host->records, host->n_records,
		          sizeof *host->records);
	if (!ok) {
		free_record(&record);
		return EXHIBIT_ERR;
	}
	host->records[host->n_records++] = record;
	return EXHIBIT_OK;
}

static void stub_report_error(exhibit_host *host, int64_t offset,
                              const char *message);

static int stub_emit_child(exhibit_host *host, const char *name,
                           const void *data, size_t len)
{
	stub_child child;

	if (host->max_depth && host->depth + 1 > host->max_depth) {
		stub_report_error(host, -1, "child item refused: the depth limit is reached");
		return EXHIBIT_ERR_LIMIT;
	}
	child = (stub_child){ copy_string(name ? name : ""), copy_bytes(data, len), len };
	if (!child.name || !child.data ||
	    !grow((void **)&host->children, host->n_children, sizeof *host->children)) {
		free(child.name);
		free(child.data);
		return EXHIBIT_ERR;
	}
	host->children[host->n_children++] = child;
	return EXHIBIT_OK;
}

static void stub_report_error(exhibit_host *host, int64_t offset,
                              const char *message)
{
	stub_error error = { offset, copy_string(message ? message : "") };

	if (!error.message ||
	    !grow((void **)&host->errors, host->n_errors, sizeof *host->errors)) {
		free(error.message);
		return;
	}
	host->errors[host->n_errors++] = error;
}

static bool remember_db(exhibit_host *host, sqlite3 *db)
{
	size_t i;

	for (i = 0; i < MAX_OPEN_DATABASES; i++) {
		if (!host->open_dbs[i]) {
			host->open_dbs[i] = db;
			return true;
		}
	}
	return false;
}

/*
 * with_wal_applied — the database as SQLite reads it with the WAL or
 * journal a test handed (the live version of every page), as the real
 * host serves a database paired with its companion (sqlite_sidecar.h);
 * NULL when there is none or it cannot be built (then the item alone is
 * served).
 */
static unsigned char *with_wal_applied(const exhibit_host *host, size_t *len)
{
	sqlite_db_files files = { host->content, host->len, host->wal, host->wal_len,
		                  host->journal, host->journal_len };
	uint8_t *image = NULL;
	exhibit_error err;

	exhibit_error_clear(&err);
	if ((!host->wal && !host->journal) ||
	    sqlite_live_image(&files, (size_t)1 << 30, &image, len, &err) != 0)
		return NULL;
	return image;
}

static int stub_open_sqlite(exhibit_host *host, sqlite3 **db)
{
	exhibit_error err;
	unsigned char *applied;
	size_t applied_len = 0;
	int rc;

	exhibit_error_clear(&err);
	*db = NULL;
	applied = with_wal_applied(host, &applied_len);
	if (applied)
		rc = untrusted_sqlite_open_budget(applied, applied_len,
		                                  &host->budget, db, &err);
	else
		rc = untrusted_sqlite_open_budget(host->content, host->len,
		                                  &host->budget, db, &err);
	free(applied);
	if (rc != 0) {
		stub_report_error(host, err.offset, err.message);
		return rc;
	}
	if (!remember_db(host, *db)) {
		untrusted_sqlite_close(*db);
		*db = NULL;
		stub_report_error(host, -1, "stub host: too many open databases");
		return EXHIBIT_ERR_LIMIT;
	}
	return EXHIBIT_OK;
}

static int stub_open_sqlite_recovered(exhibit_host *host, sqlite3 **db)
{
	sqlite_db_files files = { host->content, host->len, host->wal, host->wal_len,
		                  host->journal, host->journal_len };
	sqlite_recovery *rec = NULL;
	exhibit_error err;
	size_t i;
	int rc;

	exhibit_error_clear(&err);
	*db = NULL;
	rc = sqlite_recover(&files, NULL, &rec, &err);
	if (rc == 0) {
		rc = recovered_db_open(rec, &host->budget, db, &err);
		for (i = 0; i < rec->problems.n; i++)
			stub_report_error(host, rec->problems.items[i].offset,
			                  rec->problems.items[i].message);
		sqlite_recovery_free(rec);
	}
	if (rc != 0) {
		stub_report_error(host, err.offset, err.message);
		return rc;
	}
	if (!remember_db(host, *db)) {
		untrusted_sqlite_close(*db);
		*db = NULL;
		stub_report_error(host, -1, "stub host: too many open databases");
		return EXHIBIT_ERR_LIMIT;
	}
	return EXHIBIT_OK;
}

static void stub_close_sqlite(exhibit_host *host, sqlite3 *db)
{
	size_t i;

	for (i = 0; db && i < MAX_OPEN_DATABASES; i++) {
		if (host->open_dbs[i] == db) {
			host->open_dbs[i] = NULL;
			untrusted_sqlite_close(db);
			return;
		}
	}
}

static const exhibit_host_api stub_api = {
	EXHIBIT_ABI_VERSION,
	stub_read,
	stub_emit_record,
	stub_emit_child,
	stub_report_error,
	stub_open_sqlite,
	stub_close_sqlite,
	stub_open_sqlite_recovered,
};

const exhibit_host_api *stub_host_api(void)
{
	return &stub_api;
}

/* ---- the host ----------------------------------------------------------- */

exhibit_host *stub_host_new(const void *content, size_t len, const char *path)
{
	exhibit_host *host = calloc(1, sizeof *host);

	if (!host)
		return NULL;
	host->content = copy_bytes(content, len);
	host->len = len;
	host->path = copy_string(path);
	if (!host->content || (path && !host->path)) {
		stub_host_free(host);
		return NULL;
	}
	return host;
}

void stub_host_free(exhibit_host *host)
{
	size_t i;

	if (!host)
		return;
	for (i = 0; i < MAX_OPEN_DATABASES; i++)
		untrusted_sqlite_close(host->open_dbs[i]);
	for (i = 0; i < host->n_records; i++)
		free_record(&host->records[i]);
	for (i = 0; i < host->n_errors; i++)
		free(host->errors[i].message);
	for (i = 0; i < host->n_children; i++) {
		free(host->children[i].name);
		free(host->children[i].data);
	}
	free(host->children);
	free(host->mime_type);
	free(host->records);
	free(host->errors);
	free(host->content);
	free(host->path);
	free(host->wal);
	free(host->journal);
	free(host);
}

/* Replace *dst with a copy of src (NULL clears). */
static void set_bytes(unsigned char **dst, size_t *dst_len, const void *src,
                      size_t len)
{
	free(*dst);
	*dst = src ? copy_bytes(src, len) : NULL;
	*dst_len = *dst ? len : 0;
}

void stub_host_set_wal(exhibit_host *host, const void *wal, size_t len)
{
	set_bytes(&host->wal, &host->wal_len, wal, len);
}

void stub_host_set_journal(exhibit_host *host, const void *journal, size_t len)
{
	set_bytes(&host->journal, &host->journal_len, journal, len);
}

void stub_host_set_mime_type(exhibit_host *host, const char *mime_type)
{
	free(host->mime_type);
	host->mime_type = copy_string(mime_type);
}

void stub_host_set_depth(exhibit_host *host, unsigned depth, unsigned max_depth)
{
	host->depth = depth;
	host->max_depth = max_depth;
}

void stub_host_set_read_chunk(exhibit_host *host, size_t max)
{
	host->read_chunk = max;
}

void stub_host_set_sqlite_budget(exhibit_host *host, unsigned step_ms,
                                 unsigned total_ms)
{
	host->budget.step_ms = step_ms;
	host->budget.total_ms = total_ms;
}

static const char *last_component(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

int stub_host_analyze(exhibit_host *host, const exhibit_plugin *plugin)
{
	static const char placeholder_sha256[] =
		"0000000000000000000000000000000000000000000000000000000000000000";
	exhibit_item item;

	item.path = host->path;
	item.name = last_component(host->path);
	item.size = host->len;
	item.mime_type = host->mime_type ? host->mime_type : "application/vnd.sqlite3";
	item.sha256 = placeholder_sha256;
	item.depth = host->depth;
	return plugin->analyze(&stub_api, host, &item);
}

/* ---- inspection --------------------------------------------------------- */

static bool of_type(const stub_record *record, const char *type)
{
	return !type || strcmp(record->type, type) == 0;
}

size_t stub_host_record_count(const exhibit_host *host, const char *type)
{
	size_t i, n = 0;

	for (i = 0; i < host->n_records; i++)
		n += of_type(&host->records[i], type);
	return n;
}

const stub_record *stub_host_record(const exhibit_host *host, const char *type,
                                    size_t index)
{
	size_t i;

	if (!type)
		return index < host->n_records ? &host->records[index] : NULL;

	for (i = 0; i < host->n_records; i++)
		if (of_type(&host->records[i], type) && index-- == 0)
			return &host->records[i];
	return NULL;
}

const stub_field *stub_record_field(const stub_record *record, const char *name)
{
	size_t i;

	for (i = 0; record && i < record->n_fields; i++)
		if (strcmp(record->fields[i].name, name) == 0)
			return &record->fields[i];
	return NULL;
}

const stub_record *stub_host_find_record(const exhibit_host *host,
                                         const char *type, const char *field,
                                         const char *text)
{
	size_t i;

	for (i = 0; i < host->n_records; i++) {
		const stub_field *f;

		if (!of_type(&host->records[i], type))
			continue;
		f = stub_record_field(&host->records[i], field);
		if (f && f->type == EXHIBIT_TEXT && strcmp(f->text, text) == 0)
			return &host->records[i];
	}
	return NULL;
}

size_t stub_host_error_count(const exhibit_host *host)
{
	return host->n_errors;
}

const stub_error *stub_host_error(const exhibit_host *host, size_t index)
{
	return index < host->n_errors ? &host->errors[index] : NULL;
}

size_t stub_host_child_count(const exhibit_host *host)
{
	return host->n_children;
}

const void *stub_host_child(const exhibit_host *host, size_t index, size_t *len,
                            const char **name)
{
	if (index >= host->n_children)
		return NULL;
	if (len)
		*len = host->children[index].len;
	if (name)
		*name = host->children[index].name;
	return host->children[index].data;
}

size_t stub_host_open_databases(const exhibit_host *host)
{
	size_t i, n = 0;

	for (i = 0; i < MAX_OPEN_DATABASES; i++)
		n += host->open_dbs[i] != NULL;
	return n;
}

/* ---- loading ------------------------------------------------------------ */

static bool list_terminates(const char *const *list)
{
	size_t i;

	for (i = 0; list && i < 1024; i++)
		if (!list[i])
			return true;
	return !list;
}

static const char *descriptor_problem(const exhibit_plugin *plugin)
{
	if (!plugin)
		return "the entry returned no descriptor";
	if (plugin->abi_version != EXHIBIT_ABI_VERSION)
		return "ABI version differs from the host's";
	if (!plugin->name || !*plugin->name)
		return "the plugin has no name";
	if (plugin->kind != EXHIBIT_PLUGIN_ANALYZER &&
	    plugin->kind != EXHIBIT_PLUGIN_CARVER)
		return "unknown plugin kind";
	if (plugin->kind == EXHIBIT_PLUGIN_ANALYZER && !plugin->analyze)
		return "no analyze function";
	if (plugin->kind == EXHIBIT_PLUGIN_CARVER &&
	    (!plugin->carver || !plugin->carver->header_check || !plugin->n_signatures))
		return "a carver needs signatures and a header_check";
	if (!list_terminates(plugin->mime_types) ||
	    !list_terminates(plugin->name_patterns))
		return "a list is not NULL-terminated";
	if (plugin->n_signatures && !plugin->signatures)
		return "signatures counted but missing";
	return NULL;
}

const exhibit_plugin *stub_load_plugin(exhibit_plugin_entry_fn entry, char *why,
                                       size_t why_len)
{
	const exhibit_plugin *plugin = entry ? entry() : NULL;
	const char *problem = entry ? descriptor_problem(plugin)
	                            : "no entry function";

	if (!problem)
		return plugin;
	if (why && why_len) {
		if (plugin && plugin->abi_version != EXHIBIT_ABI_VERSION)
			snprintf(why, why_len, "%s (plugin %u, host %u)", problem,
			         plugin->abi_version, EXHIBIT_ABI_VERSION);
		else
			snprintf(why, why_len, "%s", problem);
	}
	return NULL;
}

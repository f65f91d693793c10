/*
 * export.c — see export.h: the table of formats, opening a case for
 * reading, and what every exporter shares (export_common.h).
 */
#include "export.h"

#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "casedb.h"
#include "export_common.h"

const export_format export_formats[] = {
	{ "dfxml", export_dfxml, "DFXML as fiwalk writes it: file objects with byte runs and hashes" },
	{ "hashdeep", export_hashdeep, "a hashdeep file of the files the 'files' export extracts" },
	{ "files", export_files, "every regular file with content, extracted and verified, with a manifest" },
	{ "csv", export_csv, "a table or view of the case as RFC 4180 CSV (--view, default v_files)" },
	{ "vics", export_vics, "Project VIC VICS 2.0 JSON: media, hashes, paths, categories" },
	{ "case-uco", export_caseuco, "CASE/UCO JSON-LD: files with hashes, the evidence, actions" },
	{ NULL, NULL, NULL }
};

const export_format *export_format_find(const char *name)
{
	for (const export_format *f = export_formats; name && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

int export_run(const export_format *f, sqlite3 *db, const char *output,
               const export_options *opt, export_result *res, exhibit_error *err)
{
	int rc;

	/* A read transaction takes its snapshot at its first read. */
	if (sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK)
		return export_sql_error(db, err, "reading the case");
	rc = f->run(db, output, opt, res, err);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

void export_result_clear(export_result *res)
{
	if (!res)
		return;
	free(res->hashed_path);
	memset(res, 0, sizeof *res);
}

int export_sql_error(sqlite3 *db, exhibit_error *err, const char *context)
{
	return exhibit_error_set(err, -2, -1, "%s: %s", context, sqlite3_errmsg(db));
}

int export_open_case(const char *case_dir, sqlite3 **db, exhibit_error *err)
{
	char *path = NULL;
	sqlite3_stmt *st = NULL;
	int version = -1, rc;

	*db = NULL;
	if (asprintf(&path, "%s/case.db", case_dir) < 0)
		return exhibit_error_set(err, -1, -1, "out of memory");
	if (access(path, R_OK) != 0) {
		rc = exhibit_error_set(err, -2, -1, "%s: not an exhibit case (%s: %s)", case_dir, path,
		                       strerror(errno));
		free(path);
		return rc;
	}
	rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
	free(path);
	if (rc != SQLITE_OK) {
		rc = exhibit_error_set(err, -2, -1, "%s: cannot open the case: %s", case_dir,
		                       *db ? sqlite3_errmsg(*db) : "out of memory");
		sqlite3_close(*db);
		*db = NULL;
		return rc;
	}
	sqlite3_busy_timeout(*db, 10000);
	if (sqlite3_prepare_v2(*db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < 0)
		rc = exhibit_error_set(err, -2, -1, "%s: cannot read the case: %s", case_dir,
		                       sqlite3_errmsg(*db));
	else if (version < 1 || !export_has_table(*db, "files") || !export_has_table(*db, "v_files"))
		rc = exhibit_error_set(err, -4, -1, "%s: not an exhibit case (no case schema)", case_dir);
	else if (version > CASEDB_SCHEMA_VERSION)
		rc = exhibit_error_set(err, -4, -1, "%s: made by a newer exhibit (schema %d; this one "
		                       "reads up to %d)", case_dir, version, CASEDB_SCHEMA_VERSION);
	if (rc != SQLITE_OK) {
		sqlite3_close(*db);
		*db = NULL;
	}
	return rc;
}

int export_has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') "
	                       "AND name = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

char *export_case_dir(sqlite3 *db)
{
	const char *file = sqlite3_db_filename(db, "main");
	const char *slash = file ? strrchr(file, '/') : NULL;

	if (!file || !*file)
		return NULL;
	if (!slash)
		return strdup(".");
	return strndup(file, slash == file ? 1 : (size_t)(slash - file));
}

/* resolve_new_path — the absolute path output will have: its directory
 * resolved (it must exist), its last component appended. */
static int resolve_new_path(const char *output, char *out, exhibit_error *err)
{
	char *dir = strdup(output), *slash, resolved[PATH_MAX];
	const char *base;
	struct stat st;
	int rc = 0;

	if (!dir)
		return exhibit_error_set(err, -1, -1, "out of memory");
	while ((slash = strrchr(dir, '/')) && slash[1] == '\0' && slash != dir)
		*slash = '\0'; /* "out/" names out */
	slash = strrchr(dir, '/');
	base = slash ? slash + 1 : dir;
	if (slash)
		*slash = '\0';
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		rc = exhibit_error_set(err, -4, -1, "%s: name a new file or directory", output);
	else if (!realpath(slash ? (*dir ? dir : "/") : ".", resolved) || stat(resolved, &st) != 0 ||
	         !S_ISDIR(st.st_mode))
		rc = exhibit_error_set(err, -2, -1, "%s: its directory does not exist", output);
	else if (snprintf(out, PATH_MAX, "%s/%s", strcmp(resolved, "/") ? resolved : "", base) >= PATH_MAX)
		rc = exhibit_error_set(err, -4, -1, "%s: path too long", output);
	free(dir);
	return rc;
}

/* path_within — 1 when path is inside (or is) the directory or file root. */
static int path_within(const char *path, const char *root)
{
	size_t len = strlen(root);

	if (!strcmp(root, "/"))
		return 1;
	return !strncmp(path, root, len) && (path[len] == '\0' || path[len] == '/');
}

/* inside_evidence — 1 when target is an evidence path of the case or lies
 * inside one (a directory source); its description goes to which. */
static int inside_evidence(sqlite3 *db, const char *target, char *which, size_t which_len)
{
	sqlite3_stmt *st;
	int inside = 0;

	if (sqlite3_prepare_v2(db, "SELECT path || char(10) || segments FROM evidence", -1, &st,
	                       NULL) != SQLITE_OK)
		return 0;
	while (!inside && sqlite3_step(st) == SQLITE_ROW) {
		const char *all = (const char *)sqlite3_column_text(st, 0);
		char *copy = all ? strdup(all) : NULL, *save = NULL;

		for (char *p = copy ? strtok_r(copy, "\n", &save) : NULL; p && !inside;
		     p = strtok_r(NULL, "\n", &save)) {
			char resolved[PATH_MAX];

			inside = path_within(target, p) ||
			         (realpath(p, resolved) && path_within(target, resolved));
			if (inside)
				snprintf(which, which_len, "%s", p);
		}
		free(copy);
	}
	sqlite3_finalize(st);
	return inside;
}

int export_check_output(sqlite3 *db, const char *output, exhibit_error *err)
{
	char target[PATH_MAX], which[PATH_MAX];
	struct stat st;

	if (!output || !*output)
		return exhibit_error_set(err, -4, -1, "no output given");
	if (lstat(output, &st) == 0)
		return exhibit_error_set(err, -4, -1, "%s: already exists; exhibit never replaces an "
		                         "output (choose a new name)", output);
	if (resolve_new_path(output, target, err) < 0)
		return err ? err->code : -4;
	if (inside_evidence(db, target, which, sizeof which))
		return exhibit_error_set(err, -4, -1, "%s: would be written inside the evidence %s: "
		                         "choose a place outside it", output, which);
	return 0;
}

int export_iso_time(int64_t sec, int64_t ns, int utc, char *out)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if ((int64_t)t != sec || !gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return -1;
	if (ns > 0 && ns < 1000000000)
		snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%09lld%s", tm.tm_year + 1900,
		         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)ns,
		         utc ? "Z" : "");
	else
		snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, utc ? "Z" : "");
	return 0;
}

void export_precision(const char *precision, const char *name, char *out)
{
	size_t name_len = strlen(name);
	const char *at;

	out[0] = '\0';
	if (!precision || !*precision)
		return;
	if (!strchr(precision, ' ')) {
		snprintf(out, 32, "%s", precision);
		return;
	}
	/* "mtime 2s, atime 1 day, crtime 10ms" */
	for (at = precision; (at = strstr(at, name)); at += name_len) {
		if ((at == precision || at[-1] == ' ') && at[name_len] == ' ') {
			snprintf(out, 32, "%.*s", (int)strcspn(at + name_len + 1, ","), at + name_len + 1);
			return;
		}
	}
}

void export_now(char *out)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (export_iso_time((int64_t)ts.tv_sec, 0, 1, out) < 0)
		strcpy(out, "1970-01-01T00:00:00Z");
}

/* case_identity — what makes this case unique: its creation time and the
 * first evidence's path and size, as the case recorded them. */
static char *case_identity(sqlite3 *db)
{
	sqlite3_stmt *st;
	char *id = NULL;

	if (sqlite3_prepare_v2(db, "SELECT coalesce((SELECT value FROM case_info WHERE key = 'created'), '') "
	                       "|| '|' || coalesce((SELECT path || '|' || size FROM evidence ORDER BY id "
	                       "LIMIT 1), '')", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		id = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return id;
}

void export_uuid(sqlite3 *db, const char *kind, int64_t id, char *out)
{
	/* Our namespace: a fixed random UUID, so our names never collide with
	 * another tool's version-5 names. */
	static const unsigned char ns[16] = { 0x5b, 0x0e, 0x7a, 0x3c, 0x91, 0x4d, 0x4f, 0x2a,
	                                      0x8e, 0x61, 0x0c, 0x3d, 0x72, 0xb4, 0x19, 0xe5 };
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	char *identity = case_identity(db), *name = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int n = asprintf(&name, "%s|%s:%lld", identity ? identity : "", kind, (long long)id);

	memset(digest, 0, sizeof digest);
	if (ctx && n >= 0 && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, ns, sizeof ns) == 1 && EVP_DigestUpdate(ctx, name, (size_t)n) == 1)
		EVP_DigestFinal_ex(ctx, digest, &digest_len);
	EVP_MD_CTX_free(ctx);
	free(identity);
	free(name);
	digest[6] = (unsigned char)((digest[6] & 0x0f) | 0x50); /* version 5 */
	digest[8] = (unsigned char)((digest[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6],
	         digest[7], digest[8], digest[9], digest[10], digest[11], digest[12], digest[13],
	         digest[14], digest[15]);
}

void export_warn(const export_options *opt, export_result *res, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	if (res)
		res->warnings++;
	if (!opt || !opt->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	opt->warn(opt->warn_ctx, message);
}

int export_result_set(export_result *res, const digests *d, uint64_t size, const char *path,
                      exhibit_error *err)
{
	memcpy(res->sha256, d->sha256, sizeof res->sha256);
	hex_encode(d->sha256, sizeof res->sha256, res->sha256_hex);
	res->bytes = size;
	free(res->hashed_path);
	res->hashed_path = strdup(path);
	if (!res->hashed_path)
		return exhibit_error_set(err, -1, -1, "out of memory");
	return 0;
}

void export_hex_column(sqlite3_stmt *st, int i, size_t len, char *out)
{
	out[0] = '\0';
	if (sqlite3_column_type(st, i) == SQLITE_BLOB && (size_t)sqlite3_column_bytes(st, i) == len)
		hex_encode(sqlite3_column_blob(st, i), len, out);
}

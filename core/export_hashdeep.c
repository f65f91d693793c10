/*
 * export_hashdeep.c — the 'hashdeep' export: a hashdeep 1.0 file (size,
 * MD5, SHA-256 and name of each file) listing exactly what the 'files'
 * export writes, under the names it writes them (export_plan.h), plus
 * that export's manifest.  So the real hashdeep audits an extraction:
 *
 *     exhibit export CASE --format files --output DIR
 *     exhibit export CASE --format hashdeep --output DIR.hashdeep --files-root DIR
 *     hashdeep -a -k DIR.hashdeep -r DIR
 *
 * hashdeep compares names as it prints them: absolute without -l (the
 * working directory joined lexically, links not resolved), so with
 * --files-root the names are DIR made absolute that way plus the file's
 * path in the export.  Without it they are "./PATH", for an audit run inside DIR
 * with relative names: cd DIR && hashdeep -a -l -k FILE -r .
 * The hashes are the case's; nothing is read from the evidence.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_common.h"
#include "export_plan.h"
#include "export_sink.h"

static void write_header(export_sink *s, const export_options *opt)
{
	char cwd[PATH_MAX];

	export_sink_puts(s, "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n");
	/* hashdeep records who made the list as comments; names in them come
	 * from our command line, never from evidence. */
	export_sink_printf(s, "## Invoked from: %s\n", getcwd(cwd, sizeof cwd) ? cwd : "(unknown)");
	export_sink_printf(s, "## $ %s\n", opt && opt->command_line ? opt->command_line : "exhibit export");
	export_sink_puts(s, "## \n");
}

/* lexical_absolute — path made absolute the way hashdeep shows it: the
 * working directory prepended to a relative path, then "." and empty
 * components dropped and ".." taken back, without resolving symbolic
 * links (hashdeep does not).  malloc'd; NULL on failure. */
static char *lexical_absolute(const char *path)
{
	char cwd[PATH_MAX], *joined = NULL, *out, *save = NULL;
	size_t o = 0;

	if (path[0] == '/')
		joined = strdup(path);
	else if (!getcwd(cwd, sizeof cwd) || asprintf(&joined, "%s/%s", cwd, path) < 0)
		joined = NULL;
	if (!joined || !(out = malloc(strlen(joined) + 2))) {
		free(joined);
		return NULL;
	}
	for (char *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (o > 0 && out[--o] != '/')
				;
			continue;
		}
		o += (size_t)sprintf(out + o, "/%s", c);
	}
	out[o] = '\0';
	free(joined);
	return out;
}

/* name_prefix — what goes before a path in the export: "DIR/" or "./". */
static char *name_prefix(const export_options *opt, exhibit_error *err)
{
	char *root, *prefix = NULL;

	if (!opt || !opt->files_root)
		return strdup("./");
	if (!(root = lexical_absolute(opt->files_root))) {
		exhibit_error_set(err, -2, -1, "--files-root %s: cannot make it absolute", opt->files_root);
		return NULL;
	}
	if (strchr(root, '\n') || strchr(root, '\r'))
		exhibit_error_set(err, -4, -1, "--files-root: a path with a line break cannot be listed");
	else if (asprintf(&prefix, "%s/", root) < 0)
		prefix = NULL;
	free(root);
	return prefix;
}

/* write_manifest_row — the manifest's own line: its bytes depend on the
 * case alone, so they can be hashed here without being written. */
static int write_manifest_row(sqlite3 *db, export_sink *s, const char *prefix, exhibit_error *err)
{
	export_sink *digest = export_sink_new_digest();
	char md5[2 * MD5_LEN + 1], sha256[2 * SHA256_LEN + 1];
	uint64_t size;
	digests d;

	if (!digest)
		return exhibit_error_set(err, -1, -1, "out of memory");
	if (export_plan_write_manifest(db, digest, err) < 0) {
		export_sink_abort(digest);
		return -1;
	}
	if (export_sink_finish(digest, &d, &size, err) < 0)
		return -1;
	hex_encode(d.md5, MD5_LEN, md5);
	hex_encode(d.sha256, SHA256_LEN, sha256);
	export_sink_printf(s, "%llu,%s,%s,%s%s\n", (unsigned long long)size, md5, sha256, prefix,
	                   EXPORT_MANIFEST_NAME);
	return 0;
}

static int write_rows(sqlite3 *db, export_sink *s, const char *prefix, export_result *res,
                      exhibit_error *err)
{
	sqlite3_stmt *st;
	int step;

	if (sqlite3_prepare_v2(db, EXPORT_PLAN_SELECT, -1, &st, NULL) != SQLITE_OK)
		return export_sql_error(db, err, "reading the plan");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char md5[2 * MD5_LEN + 1], sha256[2 * SHA256_LEN + 1];

		export_hex_column(st, EXPORT_PLAN_MD5, MD5_LEN, md5);
		export_hex_column(st, EXPORT_PLAN_SHA256, SHA256_LEN, sha256);
		/* rel is made of sanitised names: no line breaks, valid UTF-8. */
		export_sink_printf(s, "%lld,%s,%s,%s%s\n",
		                   (long long)sqlite3_column_int64(st, EXPORT_PLAN_SIZE), md5, sha256,
		                   prefix, (const char *)sqlite3_column_text(st, EXPORT_PLAN_REL));
		res->items++;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return export_sql_error(db, err, "reading the plan");
	return 0;
}

int export_hashdeep(sqlite3 *db, const char *output, const export_options *opt,
                    export_result *res, exhibit_error *err)
{
	export_sink *s = NULL;
	char *prefix = NULL;
	uint64_t size;
	digests d;
	int rc = -1;

	if (export_check_output(db, output, err) < 0)
		return err ? err->code : -4;
	if (!(prefix = name_prefix(opt, err)))
		return err && err->code ? err->code : exhibit_error_set(err, -1, -1, "out of memory");
	if (export_plan_build(db, err) < 0 || !(s = export_sink_create(output, err)))
		goto done;
	write_header(s, opt);
	if (write_rows(db, s, prefix, res, err) < 0 || write_manifest_row(db, s, prefix, err) < 0)
		goto done;
	rc = export_sink_finish(s, &d, &size, err);
	s = NULL;
	if (rc == 0)
		rc = export_result_set(res, &d, size, output, err);
done:
	export_sink_abort(s);
	export_plan_drop(db);
	free(prefix);
	return rc < 0 && err && err->code ? err->code : rc;
}

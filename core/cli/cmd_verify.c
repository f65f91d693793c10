/*
 * cmd_verify.c — `exhibit verify CASE`: is the case as it was signed?
 * and `exhibit custody CASE`: the custody log, readably.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "custody_verify.h"
#include "hash.h"
#include "image_hash.h"
#include "source.h"
#include "text.h"

#define MAX_SHOWN_PER_KIND 50

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit verify CASE [OPTION]...\n"
		"Check the case against its signed chain of custody: every entry's hash and its\n"
		"link to the one before, every signature, the signed head (custody.head), the\n"
		"digest of every row of the case database and of every file of its content\n"
		"store; with --image, also the evidence.  Prints what is intact and names each\n"
		"entry, row or file that is not.\n"
		"\n"
		"      --key FINGERPRINT   accept only signatures by this key (repeatable)\n"
		"      --image PATH        re-hash this image and compare it with the evidence the\n"
		"                          case recorded (repeatable)\n"
		"      --tsa-cert CERT     check RFC 3161 time stamps against this TSA certificate\n"
		"      --json              one JSON object per finding, then a summary\n"
		"  -v, --verbose           also list every intact entry and key\n"
		"  -h, --help              this help\n"
		"\n"
		"Exit status: 0 the case is intact; 1 something is not (see the FAIL lines);\n"
		"2 usage error; 3 the case could not be read.\n");
}

typedef struct printer {
	int json, verbose;
	int64_t shown_fail;
} printer;

static void print_finding(void *ctx, custody_level level, const char *what, const char *message)
{
	printer *p = ctx;
	static const char *const words[] = { "ok", "WARN", "FAIL" };

	if (level == CUSTODY_INFO && !p->verbose && strcmp(what, "rows") && strcmp(what, "blobs") &&
	    strcmp(what, "head") && strncmp(what, "time stamp", 10) && strncmp(what, "image", 5))
		return;
	if (level == CUSTODY_FAIL && ++p->shown_fail > MAX_SHOWN_PER_KIND * 20)
		return;
	if (p->json) {
		char *w = text_json_escape(what), *m = text_json_escape(message);
		printf("{\"level\":\"%s\",\"what\":%s,\"message\":%s}\n", words[level], w ? w : "\"\"",
		       m ? m : "\"\"");
		free(w);
		free(m);
	} else {
		printf("%-4s  %s: %s\n", words[level], what, message);
	}
}

/* verify_image — re-hash one image and find the evidence row it is. */
static int verify_image(sqlite3 *db, const char *path, printer *p)
{
	evidence_source src;
	exhibit_error err;
	digests d;
	sqlite3_stmt *s;
	char hex[2 * SHA256_LEN + 1], what[512];
	int found = 0;

	snprintf(what, sizeof what, "image %s", path);
	exhibit_error_clear(&err);
	if (source_probe(path, &src, &err) < 0 || image_hash(&src, &d, NULL, &err) < 0) {
		print_finding(p, CUSTODY_FAIL, what, err.message);
		if (src.path)
			source_clear(&src);
		return 1;
	}
	source_clear(&src);
	hex_encode(d.sha256, SHA256_LEN, hex);
	if (sqlite3_prepare_v2(db, "SELECT id, path FROM evidence WHERE sha256 = ?1 AND md5 = ?2 AND "
	                       "sha1 = ?3", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, d.sha256, SHA256_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(s, 2, d.md5, MD5_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(s, 3, d.sha1, SHA1_LEN, SQLITE_STATIC);
		while (sqlite3_step(s) == SQLITE_ROW) {
			char msg[1024];
			snprintf(msg, sizeof msg, "SHA-256 %s equals evidence %lld (%s) as the case "
			         "recorded it", hex, (long long)sqlite3_column_int64(s, 0),
			         sqlite3_column_text(s, 1));
			print_finding(p, CUSTODY_INFO, what, msg);
			found = 1;
		}
		sqlite3_finalize(s);
	}
	if (!found) {
		char msg[256];
		snprintf(msg, sizeof msg, "hashes to SHA-256 %s, which is no evidence of this case", hex);
		print_finding(p, CUSTODY_FAIL, what, msg);
	}
	return !found;
}

static int open_case(const char *case_dir, sqlite3 **db, const char *command)
{
	char *path = NULL;

	if (asprintf(&path, "file:%s/case.db?mode=ro", case_dir) < 0)
		return -1;
	/* Read-only, never created: verifying must not change the case. */
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
	    sqlite3_exec(*db, "SELECT 1 FROM custody_entries LIMIT 1", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "exhibit %s: %s/case.db: %s\n", command, case_dir,
		        *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "image", required_argument, NULL, 'i' },
		{ "tsa-cert", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char **keys = calloc((size_t)argc + 1, sizeof *keys);
	const char **images = calloc((size_t)argc + 1, sizeof *images);
	int n_keys = 0, n_images = 0, c, rc;
	printer p = { 0, 0, 0 };
	custody_verify_options opts = { NULL, NULL };
	custody_verify_summary sum;
	exhibit_error err;
	sqlite3 *db = NULL;
	int64_t failures;

	while ((c = getopt_long(argc, argv, "vh", options, NULL)) != -1) {
		switch (c) {
		case 'k': keys[n_keys++] = optarg; break;
		case 'i': images[n_images++] = optarg; break;
		case 't': opts.tsa_cert_file = optarg; break;
		case 'J': p.json = 1; break;
		case 'v': p.verbose = 1; break;
		case 'h': usage(stdout); free(keys); free(images); return EXIT_OK;
		default: usage(stderr); free(keys); free(images); return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		free(keys);
		free(images);
		return EXIT_USAGE;
	}
	if (open_case(argv[optind], &db, "verify") < 0) {
		free(keys);
		free(images);
		return EXIT_FATAL;
	}
	opts.trusted_keys = n_keys ? keys : NULL;
	exhibit_error_clear(&err);
	failures = custody_verify(db, argv[optind], &opts, print_finding, &p, &sum, &err);
	for (int i = 0; failures >= 0 && i < n_images; i++)
		failures += verify_image(db, images[i], &p);
	if (failures < 0) {
		fprintf(stderr, "exhibit verify: %s\n", err.message);
		rc = EXIT_FATAL;
	} else {
		if (p.json)
			printf("{\"summary\":true,\"intact\":%s,\"failures\":%lld,\"entries\":%lld,"
			       "\"rows\":%lld,\"blobs\":%lld}\n", failures ? "false" : "true",
			       (long long)failures, (long long)sum.entries, (long long)sum.rows,
			       (long long)sum.blobs);
		else
			printf("%s: %lld custody entries, %lld keys, %lld rows, %lld content files: %s\n",
			       argv[optind], (long long)sum.entries, (long long)sum.keys,
			       (long long)sum.rows, (long long)sum.blobs,
			       failures ? "NOT INTACT" : "intact");
		rc = failures ? EXIT_INCOMPLETE : EXIT_OK;
	}
	sqlite3_close(db);
	free(keys);
	free(images);
	return rc;
}

/* ---- exhibit custody ---- */

static void custody_usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit custody CASE [--json]\n"
		"Print the case's chain of custody: who did what, when, where, with which\n"
		"versions, and what it produced.  'exhibit verify CASE' checks it.\n");
}

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

int cmd_custody(int argc, char **argv)
{
	static const char *const names[] = { "seq", "at", "examiner", "host", "tool_version",
		"plugins", "action", "object", "parameters", "rows_added", "rows_changed",
		"rows_removed", "blobs_added", "produced", "prev_hash", "entry_hash", "key_fingerprint",
		"signature" };
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, json = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *s;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'h': custody_usage(stdout); return EXIT_OK;
		default: custody_usage(stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		custody_usage(stderr);
		return EXIT_USAGE;
	}
	if (open_case(argv[optind], &db, "custody") < 0)
		return EXIT_FATAL;
	if (sqlite3_prepare_v2(db, "SELECT seq, at, examiner, host, tool_version, plugins, action, "
	                       "object, parameters, rows_added, rows_changed, rows_removed, blobs_added, "
	                       "lower(hex(produced)), lower(hex(prev_hash)), lower(hex(entry_hash)), "
	                       "key_fingerprint, lower(hex(signature)) FROM custody_entries ORDER BY seq",
	                       -1, &s, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return EXIT_FATAL;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (json) {
			printf("{");
			for (int i = 0; i < 18; i++) {
				char *v = text_json_escape(col(s, i));
				int raw = i == 0 || (i >= 9 && i <= 12) || i == 5 || i == 8;
				printf("%s\"%s\":%s", i ? "," : "", names[i], raw ? col(s, i) : v ? v : "\"\"");
				free(v);
			}
			printf("}\n");
			continue;
		}
		printf("#%s  %s  %s\n", col(s, 0), col(s, 1), col(s, 6));
		printf("    by %s on %s, exhibit %s, plugins %s\n", col(s, 2), col(s, 3), col(s, 4),
		       col(s, 5));
		printf("    object:     %s\n    parameters: %s\n", col(s, 7), col(s, 8));
		printf("    rows: %s added, %s changed, %s removed; content files: %s added\n",
		       col(s, 9), col(s, 10), col(s, 11), col(s, 12));
		printf("    produced:   %s\n    entry:      %s\n    previous:   %s\n    key:        %s\n\n",
		       col(s, 13), col(s, 15), col(s, 14), col(s, 16));
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return EXIT_OK;
}

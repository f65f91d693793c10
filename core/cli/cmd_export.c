/*
 * cmd_export.c — `exhibit export CASE --format F --output PATH`.
 *
 * Opens the case read-only, runs one exporter (export.h), prints what was
 * written and its SHA-256 (in sha256sum's format, so `sha256sum -c` checks
 * it).  Findings that do not stop the export are printed as warnings and
 * make the exit status 1.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb.h"
#include "cli.h"
#include "custody_cli.h"
#include "export.h"
#include "export_sink.h"
#include "text.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit export CASE --format FORMAT --output PATH [OPTION]...\n"
		"Write the case in a format the field exchanges.  The case is only read; PATH must\n"
		"not exist and must lie outside the evidence; it is written under a temporary name\n"
		"and appears only when complete.  Prints the SHA-256 of what was written.\n"
		"\n"
		"Formats:\n");
	for (const export_format *f = export_formats; f->name; f++)
		fprintf(out, "  %-10s %s\n", f->name, f->what);
	fprintf(out,
		"\n"
		"  -f, --format FORMAT       one of the formats above\n"
		"  -o, --output PATH         the file to write (a directory for 'files')\n"
		"      --view NAME           csv: the table or view to write (default v_files)\n"
		"      --no-formula-guard    csv: do not defuse text a spreadsheet would run\n"
		"      --files-root DIR      hashdeep: the 'files' export the list is for (names\n"
		"                            become DIR/...; without it, ./...)\n"
		"      --category-scheme S   vics: the categorised sets' scheme to export\n"
		"      --media-only          vics: images and videos only\n"
		"  -q, --quiet               print only the SHA-256 line\n"
		"  -h, --help                this help\n"
		"\n"
		"Exit status: 0 written; 1 written, with warnings; 2 usage error (or PATH exists or\n"
		"is inside the evidence); 3 nothing written.\n");
}

typedef struct export_args {
	const char *case_dir, *format, *output;
	export_options opt;
	int quiet;
	custody_cli custody;
} export_args;

static void on_signal(int sig)
{
	(void)sig;
	export_stop(); /* the export fails at its next write and removes what it began */
}

static void print_warning(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "exhibit export: warning: %s\n", message);
}

static int parse_args(int argc, char **argv, export_args *a)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "view", required_argument, NULL, 'V' },
		{ "no-formula-guard", no_argument, NULL, 'G' },
		{ "files-root", required_argument, NULL, 'R' },
		{ "category-scheme", required_argument, NULL, 'C' },
		{ "media-only", no_argument, NULL, 'M' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		CUSTODY_CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof *a);
	a->opt.formula_guard = 1;
	a->opt.warn = print_warning;
	while ((c = getopt_long(argc, argv, "f:o:qh", options, NULL)) != -1) {
		switch (c) {
		case 'f': a->format = optarg; break;
		case 'o': a->output = optarg; break;
		case 'V': a->opt.view = optarg; break;
		case 'G': a->opt.formula_guard = 0; break;
		case 'R': a->opt.files_root = optarg; break;
		case 'C': a->opt.category_scheme = optarg; break;
		case 'M': a->opt.media_only = 1; break;
		case 'q': a->quiet = 1; break;
		case 'h': usage(stdout); return 1;
		default:
			if (custody_cli_option(&a->custody, c, optarg))
				break;
			usage(stderr);
			return -1;
		}
	}
	if (optind + 1 != argc || !a->format || !a->output) {
		fprintf(stderr, "exhibit export: %s\n", optind >= argc ? "no case given"
		        : optind + 1 < argc ? "one case at a time" : !a->format ? "--format is required"
		        : "--output is required");
		usage(stderr);
		return -1;
	}
	a->case_dir = argv[optind];
	return 0;
}

/* command_line — the command as typed, for the formats that record it;
 * arguments are escaped like any text (text.h), so no line breaks. */
static char *command_line(int argc, char **argv)
{
	size_t len = strlen("exhibit") + 1;
	char *line;

	for (int i = 0; i < argc; i++)
		len += 4 * strlen(argv[i]) + 1;
	if (!(line = malloc(len)))
		return NULL;
	strcpy(line, "exhibit");
	for (int i = 0; i < argc; i++) {
		char *clean = text_escape_utf8(argv[i], strlen(argv[i]));

		strcat(line, " ");
		strcat(line, clean ? clean : "?");
		free(clean);
	}
	return line;
}

/* record_export — the export's custody entry: what was written where, and
 * the SHA-256 of it (for files, of the manifest that lists them). */
static int record_export(export_args *a, const export_format *format, const export_result *res)
{
	static const char *const no_tables[] = { NULL }; /* an export changes no row */
	unsigned char sha[SHA256_LEN];
	char *path = text_json_escape(a->output), *hashed = text_json_escape(res->hashed_path);
	char *view = text_json_escape(a->opt.view ? a->opt.view : "");
	char *params = NULL;
	custody_begun begun;
	exhibit_error err;
	casedb *db = NULL;
	int rc = -1;

	exhibit_error_clear(&err);
	if (asprintf(&params, "{\"format\":\"%s\",\"output\":%s,\"hashed\":%s,\"view\":%s,"
	             "\"items\":%llu,\"bytes\":%llu,\"warnings\":%llu}", format->name,
	             path ? path : "null", hashed ? hashed : "null", view ? view : "null",
	             (unsigned long long)res->items, (unsigned long long)res->bytes,
	             (unsigned long long)res->warnings) < 0)
		params = NULL;
	if (hex_decode(res->sha256_hex, sha, SHA256_LEN) < 0 || casedb_open(a->case_dir, &db, &err) < 0) {
		fprintf(stderr, "exhibit export: %s\n", err.code ? err.message : "no SHA-256 of the output");
	} else if (custody_cli_begin(&a->custody, casedb_handle(db), "export", "export", no_tables,
	                             &begun) == 0) {
		custody_action action = { "export", a->output, params, NULL, no_tables, sha };
		rc = custody_cli_commit(&a->custody, casedb_handle(db), a->case_dir, "export", &action,
		                        a->quiet);
	}
	casedb_close(db);
	free(path);
	free(hashed);
	free(view);
	free(params);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	const export_format *format;
	export_result res;
	exhibit_error err;
	export_args a;
	sqlite3 *db = NULL;
	char *line = command_line(argc, argv); /* before getopt reorders argv */
	int rc, parsed = parse_args(argc, argv, &a);

	if (parsed != 0) {
		free(line);
		return parsed > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (!(format = export_format_find(a.format))) {
		fprintf(stderr, "exhibit export: unknown format '%s'\n", a.format);
		usage(stderr);
		free(line);
		return EXIT_USAGE;
	}
	/* The key first: a wrong passphrase must not cost a whole export. */
	if (custody_cli_load(&a.custody, "export") < 0) {
		free(line);
		return EXIT_USAGE;
	}
	/* A file-size limit, an interrupt or a termination must fail the
	 * export (which then removes what it began), not kill us half-way. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	exhibit_error_clear(&err);
	if (export_open_case(a.case_dir, &db, &err) < 0) {
		fprintf(stderr, "exhibit export: %s\n", err.message);
		free(line);
		custody_cli_free(&a.custody);
		return EXIT_FATAL;
	}
	memset(&res, 0, sizeof res);
	a.opt.command_line = line;
	rc = export_run(format, db, a.output, &a.opt, &res, &err);
	sqlite3_close(db);
	free(line);
	if (rc < 0) {
		fprintf(stderr, "exhibit export: %s: %s\n", format->name, err.message);
		export_result_clear(&res);
		custody_cli_free(&a.custody);
		return rc == -4 ? EXIT_USAGE : EXIT_FATAL;
	}
	if (record_export(&a, format, &res) < 0) {
		fprintf(stderr, "exhibit export: %s was written but could not be recorded in the "
		        "case's custody log\n", a.output);
		export_result_clear(&res);
		custody_cli_free(&a.custody);
		return EXIT_FATAL;
	}
	if (!a.quiet)
		printf("%s: %llu item%s written to %s (%llu bytes%s)\n", format->name,
		       (unsigned long long)res.items, res.items == 1 ? "" : "s", a.output,
		       (unsigned long long)res.bytes, strcmp(res.hashed_path, a.output) ? " of manifest" : "");
	printf("%s  %s\n", res.sha256_hex, res.hashed_path);
	rc = res.warnings ? EXIT_INCOMPLETE : EXIT_OK;
	if (res.warnings)
		fprintf(stderr, "exhibit export: %llu warning%s (above)\n", (unsigned long long)res.warnings,
		        res.warnings == 1 ? "" : "s");
	export_result_clear(&res);
	custody_cli_free(&a.custody);
	return rc;
}

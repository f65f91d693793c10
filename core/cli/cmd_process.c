/*
 * cmd_process.c — `exhibit process IMAGE... --case DIR`.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "casedb.h"
#include "hashdb.h"
#include "cli.h"
#include "custody_cli.h"
#include "pipeline.h"
#include "plugins.h"
#include "progress.h"
#include "similar.h"
#include "text.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit process EVIDENCE... --case DIR [OPTION]...\n"
		"Walk every volume and file system of each EVIDENCE (a disk image: raw, split raw,\n"
		"E01/Ex01, VMDK, VHD, AFF; or a directory), hash every file (MD5, SHA-1, SHA-256),\n"
		"identify its type, carve deleted files from the space no file claims, run the\n"
		"plugins, and write the case to DIR.  Evidence is opened read-only.  Running\n"
		"again on the same case resumes or adds evidence.\n"
		"\n"
		"  -c, --case DIR          the case directory (created if missing)\n"
		"  -j, --jobs N            worker threads (default: every core)\n"
		"  -p, --plugin-dir DIR    also load plugins from DIR (repeatable)\n"
		"      --no-default-plugins  do not load plugins from %s\n"
		"      --max-depth N       deepest child item (default 8)\n"
		"      --no-image-hash     do not hash whole images (stored hashes still read)\n"
		"      --hashdb DIR        match against the hash sets in DIR (default: the shared\n"
		"                          hash database, see exhibit hashset --help)\n"
		"      --no-hash-sets      do not match against hash sets\n"
		"      --no-carve          do not carve deleted files from space no file claims\n"
		"      --carve-all         carve the whole image, not only unallocated space,\n"
		"                          slack and unpartitioned space\n"
		"      --carvers NAME[,NAME...]  carve with these carver plugins only (default:\n"
		"                          every carver loaded; exhibit plugins lists them)\n"
		"      --similar-distance N  near duplicates at the end: PDQ distance (default 31;\n"
		"                          exhibit similar runs it again with other settings)\n"
		"      --no-similar        do not look for near duplicates\n"
		"      --json              JSON lines events on stdout instead of a progress bar\n"
		"  -q, --quiet             no progress bar\n"
		CUSTODY_CLI_HELP
		"  -h, --help              this help\n"
		"\n"
		"Exit status: 0 all done; 1 done but something could not be read or analysed\n"
		"(see the v_errors view); 2 usage error; 3 nothing could be done.\n",
		EXHIBIT_PLUGINDIR);
}

typedef struct process_args {
	const char *case_dir;
	unsigned jobs, max_depth;
	char **plugin_dirs;
	int n_plugin_dirs;
	int use_default_plugins, hash_images, json, quiet;
	custody_cli custody;
	const char *hashdb;
	int no_hash_sets;
	int carve;                 /* pipeline_carve */
	char *carvers_arg;         /* --carvers as given */
	char *carvers_copy;        /* what carvers point into */
	char **carvers;            /* split, NULL-terminated; NULL: every carver */
	int no_similar, similar_distance;
} process_args;

/* split_carvers — NAME[,NAME...] into a NULL-terminated list (in place). */
static char **split_carvers(char *arg)
{
	size_t n = 1;
	char **list, *save = NULL;

	for (const char *p = arg; *p; p++)
		n += *p == ',';
	if (!(list = calloc(n + 1, sizeof *list)))
		return NULL;
	n = 0;
	for (char *tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		list[n++] = tok;
	return list;
}

static void free_args(process_args *a)
{
	free(a->plugin_dirs);
	free(a->carvers);
	free(a->carvers_copy);
}

/* unknown_carver — the first name of --carvers that is no loaded carver. */
static const char *unknown_carver(const process_args *a, const plugin_registry *reg)
{
	for (char **c = a->carvers; c && *c; c++) {
		size_t i, n = reg ? plugin_registry_count(reg) : 0;

		for (i = 0; i < n; i++)
			if (!strcmp(plugin_registry_get(reg, i)->name, *c) &&
			    plugin_registry_get(reg, i)->kind == EXHIBIT_PLUGIN_CARVER)
				break;
		if (i == n)
			return *c;
	}
	return NULL;
}

static int parse_args(int argc, char **argv, process_args *a)
{
	static const struct option options[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "plugin-dir", required_argument, NULL, 'p' },
		{ "no-default-plugins", no_argument, NULL, 'N' },
		{ "max-depth", required_argument, NULL, 'd' },
		{ "no-image-hash", no_argument, NULL, 'H' },
		{ "hashdb", required_argument, NULL, 'B' },
		{ "no-hash-sets", no_argument, NULL, 'X' },
		{ "no-carve", no_argument, NULL, 'K' },
		{ "carve-all", no_argument, NULL, 'A' },
		{ "carvers", required_argument, NULL, 'V' },
		{ "similar-distance", required_argument, NULL, 'D' },
		{ "no-similar", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		CUSTODY_CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof *a);
	a->max_depth = 8;
	a->use_default_plugins = a->hash_images = 1;
	a->carve = PIPELINE_CARVE_FREE;
	a->similar_distance = SIMILAR_DEFAULT_DISTANCE;
	a->plugin_dirs = calloc((size_t)argc, sizeof *a->plugin_dirs);
	while ((c = getopt_long(argc, argv, "c:j:p:qh", options, NULL)) != -1) {
		switch (c) {
		case 'c': a->case_dir = optarg; break;
		case 'j': a->jobs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'p': a->plugin_dirs[a->n_plugin_dirs++] = optarg; break;
		case 'N': a->use_default_plugins = 0; break;
		case 'd': a->max_depth = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'H': a->hash_images = 0; break;
		case 'B': a->hashdb = optarg; break;
		case 'X': a->no_hash_sets = 1; break;
		case 'K': a->carve = PIPELINE_CARVE_OFF; break;
		case 'A': a->carve = PIPELINE_CARVE_ALL; break;
		case 'V': a->carvers_arg = optarg; break;
		case 'D': {
			char *end;
			long d = strtol(optarg, &end, 10);
			if (*end || end == optarg || d < 0 || d > 256) {
				fprintf(stderr, "exhibit process: --similar-distance wants 0-256, not '%s'\n",
				        optarg);
				return -1;
			}
			a->similar_distance = (int)d;
			break;
		}
		case 'S': a->no_similar = 1; break;
		case 'J': a->json = 1; break;
		case 'q': a->quiet = 1; break;
		case 'h': usage(stdout); return 1;
		default:
			if (custody_cli_option(&a->custody, c, optarg))
				break;
			usage(stderr);
			return -1;
		}
	}
	if (a->carvers_arg && a->carve == PIPELINE_CARVE_OFF) {
		fprintf(stderr, "exhibit process: --carvers and --no-carve contradict each other\n");
		return -1;
	}
	if (a->carvers_arg) {
		if (!(a->carvers_copy = strdup(a->carvers_arg)) ||
		    !(a->carvers = split_carvers(a->carvers_copy)) || !a->carvers[0]) {
			fprintf(stderr, "exhibit process: --carvers needs at least one carver name\n");
			return -1;
		}
	}
	if (!a->case_dir || optind >= argc) {
		fprintf(stderr, "exhibit process: %s\n",
		        !a->case_dir ? "--case DIR is required" : "no evidence given");
		usage(stderr);
		return -1;
	}
	return 0;
}

/* case_inside_evidence — 1 when the case directory would be written into
 * (or is) one of the evidence paths: writing there alters the evidence. */
static int case_inside_evidence(const char *case_dir, char **evidence, int n)
{
	char *parent = strdup(case_dir), *slash, resolved_case[PATH_MAX];
	int inside = 0;

	/* The case may not exist yet: resolve its nearest existing ancestor. */
	while (parent && !realpath(parent, resolved_case)) {
		slash = strrchr(parent, '/');
		if (!slash || slash == parent) {
			strcpy(parent, slash == parent ? "/" : ".");
			continue;
		}
		*slash = '\0';
	}
	free(parent);
	for (int i = 0; i < n && !inside; i++) {
		char resolved_ev[PATH_MAX];
		size_t len;

		if (!realpath(evidence[i], resolved_ev))
			continue;
		len = strlen(resolved_ev);
		inside = !strcmp(resolved_case, resolved_ev) ||
		         (!strncmp(resolved_case, resolved_ev, len) &&
		          (resolved_case[len] == '/' || !strcmp(resolved_ev, "/")));
	}
	return inside;
}

/* open_hash_sets — the snapshot to match against; NULL for none.  An
 * explicit --hashdb must hold sets; the default location may be empty. */
static int open_hash_sets(const process_args *a, hashdb **out)
{
	exhibit_error err;
	char *dir;
	int rc;

	*out = NULL;
	if (a->no_hash_sets)
		return 0;
	exhibit_error_clear(&err);
	if (!(dir = hashdb_resolve_dir(a->hashdb, &err)))
		return a->hashdb ? -1 : 0;
	rc = hashdb_open(dir, out, &err);
	if (rc < 0 || (rc == 1 && a->hashdb))
		fprintf(stderr, "exhibit process: %s\n", rc < 0 ? err.message
		        : "--hashdb: no hash set has been imported there (exhibit hashset import)");
	free(dir);
	return rc < 0 || (rc == 1 && a->hashdb) ? -1 : 0;
}

static int64_t count(casedb *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t n = 0;

	if (sqlite3_prepare_v2(casedb_handle(db), sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return n;
}

static void print_summary(casedb *db, const process_args *a, const pipeline_stats *st,
                          double secs, int rc)
{
	double mb = (double)atomic_load(&st->bytes_done) / 1e6;

	if (a->json) {
		printf("{\"event\":\"summary\",\"case\":\"%s/case.db\",\"evidence\":%lld,\"files\":%lld,"
		       "\"deleted\":%lld,\"unique_content\":%lld,\"errors\":%lld,\"seconds\":%.3f,"
		       "\"mb_per_s\":%.1f,\"carved\":%lld,\"complete\":%s}\n", a->case_dir,
		       (long long)count(db, "SELECT count(*) FROM evidence"),
		       (long long)count(db, "SELECT count(*) FROM files"),
		       (long long)count(db, "SELECT count(*) FROM files WHERE name_allocated = 0"),
		       (long long)count(db, "SELECT count(*) FROM content"),
		       (long long)count(db, "SELECT count(*) FROM errors"), secs,
		       secs > 0 ? mb / secs : 0, (long long)count(db, "SELECT count(*) FROM carved"),
		       rc == 0 ? "true" : "false");
		return;
	}
	printf("Case:            %s/case.db\n", a->case_dir);
	printf("Evidence items:  %lld\n", (long long)count(db, "SELECT count(*) FROM evidence"));
	printf("Files and dirs:  %lld (%lld deleted)\n",
	       (long long)count(db, "SELECT count(*) FROM files"),
	       (long long)count(db, "SELECT count(*) FROM files WHERE name_allocated = 0"));
	printf("Unique content:  %lld\n", (long long)count(db, "SELECT count(*) FROM content"));
	printf("Carved files:    %lld (%lld whole; query the v_carved view)\n",
	       (long long)count(db, "SELECT count(*) FROM carved"),
	       (long long)count(db, "SELECT count(*) FROM carved WHERE validated = 1"));
	printf("App databases:   %lld\n", (long long)count(db, "SELECT count(*) FROM v_app_databases"));
	printf("Hash-set hits:   %lld files (query the v_hash_hits view)\n",
	       (long long)count(db, "SELECT count(DISTINCT file_id) FROM v_hash_hits"));
	printf("Near duplicates: %lld pairs in %lld clusters, %lld PDQ hash-set hits (v_similar, "
	       "v_pdq_hits)\n", (long long)count(db, "SELECT count(*) FROM similar"),
	       (long long)count(db, "SELECT count(DISTINCT group_id) FROM similar_groups"),
	       (long long)count(db, "SELECT count(*) FROM pdq_hits"));
	printf("Problems:        %lld (query the v_errors view)\n",
	       (long long)count(db, "SELECT count(*) FROM errors"));
	printf("This run:        %.1f MB hashed in %.1f s (%.1f MB/s)%s\n", mb, secs,
	       secs > 0 ? mb / secs : 0, rc == 0 ? "" : ", INCOMPLETE: see the problems above");
	printf("Open it with:    sqlite3 %s/case.db 'SELECT path, size, sha256 FROM v_files LIMIT 20'\n",
	       a->case_dir);
}

/* find_similar — the near duplicates of the whole case, once the run has
 * put everything in (matching is between items).  A failure is reported
 * and makes the run incomplete; what was processed stays. */
static int find_similar(casedb *db, const process_args *a, const hashdb *hash_sets,
                        similar_stats *st)
{
	similar_options o;
	exhibit_error err;
	uint64_t invalid = 0;
	char *dir = NULL;
	int rc;

	similar_defaults(&o);
	o.distance = a->similar_distance;
	exhibit_error_clear(&err);
	if (hash_sets && !(dir = hashdb_resolve_dir(a->hashdb, &err)))
		hash_sets = NULL;
	rc = cli_similar_run(db, hash_sets, dir, &o, st, &invalid, &err);
	if (rc < 0)
		fprintf(stderr, "exhibit process: %s\n", err.message);
	else if (invalid && !a->quiet)
		fprintf(stderr, "exhibit process: %llu PDQ values of the hash sets are not 64 hex "
		        "digits and were left out\n", (unsigned long long)invalid);
	free(dir);
	return rc;
}

/* json_list — a JSON array of strings. */
static char *json_list(char **items, int n)
{
	size_t cap = 3;
	char *out, **quoted = calloc((size_t)n + 1, sizeof *quoted);

	for (int i = 0; quoted && i < n; i++) {
		quoted[i] = text_json_escape(items[i]);
		cap += (quoted[i] ? strlen(quoted[i]) : 2) + 1;
	}
	out = quoted ? calloc(1, cap) : NULL;
	if (out) {
		strcat(out, "[");
		for (int i = 0; i < n; i++) {
			strcat(out, i ? "," : "");
			strcat(out, quoted[i] ? quoted[i] : "\"\"");
		}
		strcat(out, "]");
	}
	for (int i = 0; quoted && i < n; i++)
		free(quoted[i]);
	free(quoted);
	return out;
}

/* plugins_json — {"name":"version",...} of the plugins that took part. */
static char *plugins_json(const plugin_registry *reg)
{
	size_t n = plugin_registry_count(reg), cap = 3;
	char *out;

	for (size_t i = 0; i < n; i++)
		cap += 2 * strlen(plugin_registry_get(reg, i)->name) +
		       2 * strlen(plugin_registry_get(reg, i)->version) + 8;
	out = calloc(1, cap);
	if (!out)
		return NULL;
	strcat(out, "{");
	for (size_t i = 0; i < n; i++) {
		char *name = text_json_escape(plugin_registry_get(reg, i)->name);
		char *version = text_json_escape(plugin_registry_get(reg, i)->version);
		if (name && version)
			snprintf(out + strlen(out), cap - strlen(out), "%s%s:%s", i ? "," : "", name, version);
		free(name);
		free(version);
	}
	strcat(out, "}");
	return out;
}

/* carvers_json — the carvers the run used: those named, or every carver
 * loaded ([] when carving is off). */
static char *carvers_json(const process_args *a, const plugin_registry *reg)
{
	size_t n = 0, count = reg ? plugin_registry_count(reg) : 0;
	char **names = calloc(count + 1, sizeof *names), *out;

	if (!names)
		return NULL;
	for (size_t i = 0; a->carve != PIPELINE_CARVE_OFF && i < count; i++) {
		const exhibit_plugin *p = plugin_registry_get(reg, i);
		int wanted = !a->carvers;

		for (char **c = a->carvers; c && *c && !wanted; c++)
			wanted = !strcmp(*c, p->name);
		if (p->kind == EXHIBIT_PLUGIN_CARVER && wanted)
			names[n++] = (char *)p->name;
	}
	out = json_list(names, (int)n);
	free(names);
	return out;
}

/* commit_custody — the signed entry for this run: what it read, with which
 * options and plugins, and (through the roots) everything it wrote. */
static int commit_custody(casedb *db, process_args *a, char **evidence, int n_evidence,
                          const plugin_registry *reg, const pipeline_stats *st, int rc)
{
	char *object = json_list(evidence, n_evidence), *dirs = json_list(a->plugin_dirs, a->n_plugin_dirs);
	char *plugins = plugins_json(reg), *params = NULL, *carvers = carvers_json(a, reg);
	custody_action action = { "process", object, NULL, plugins, NULL, NULL };
	int ok;

	if (asprintf(&params, "{\"jobs\":%u,\"max_depth\":%u,\"image_hash\":%s,\"plugin_dirs\":%s,"
	             "\"default_plugins\":%s,\"complete\":%s,\"bytes_hashed\":%llu,"
	             "\"carve\":\"%s\",\"carvers\":%s,\"carved_files\":%llu,"
	             "\"similar_distance\":%d}", a->jobs,
	             a->max_depth, a->hash_images ? "true" : "false", dirs ? dirs : "[]",
	             a->use_default_plugins ? "true" : "false", rc == 0 ? "true" : "false",
	             (unsigned long long)atomic_load(&st->bytes_done),
	             a->carve == PIPELINE_CARVE_OFF ? "off" : a->carve == PIPELINE_CARVE_ALL
	             ? "whole-image" : "unallocated+slack+unpartitioned", carvers ? carvers : "[]",
	             (unsigned long long)atomic_load(&st->carved_files),
	             a->no_similar ? -1 : a->similar_distance) < 0)
		params = NULL;
	action.parameters = params;
	ok = custody_cli_commit(&a->custody, casedb_handle(db), a->case_dir, "process", &action,
	                        a->json || a->quiet);
	free(object);
	free(dirs);
	free(plugins);
	free(params);
	free(carvers);
	return ok;
}

int cmd_process(int argc, char **argv)
{
	process_args a;
	plugin_registry *reg;
	hashdb *hash_sets = NULL;
	casedb *db = NULL;
	exhibit_error err;
	pipeline_stats stats;
	pipeline_options opts;
	custody_begun begun;
	similar_stats similar;
	progress prog;
	int rc, parsed = parse_args(argc, argv, &a);

	if (parsed != 0) {
		free_args(&a);
		return parsed > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (case_inside_evidence(a.case_dir, argv + optind, argc - optind)) {
		fprintf(stderr, "exhibit process: the case %s would be written inside the evidence: "
		        "choose a case directory outside it\n", a.case_dir);
		free_args(&a);
		return EXIT_USAGE;
	}
	/* The key first: a wrong passphrase must not cost a whole run. */
	if (custody_cli_load(&a.custody, "process") < 0) {
		free_args(&a);
		return EXIT_USAGE;
	}
	if (open_hash_sets(&a, &hash_sets) < 0) {
		custody_cli_free(&a.custody);
		free_args(&a);
		return EXIT_USAGE;
	}
	/* The plugins before the case is touched: --carvers names carvers. */
	reg = cli_load_plugins(a.plugin_dirs, a.n_plugin_dirs, a.use_default_plugins, a.json);
	if (unknown_carver(&a, reg)) {
		fprintf(stderr, "exhibit process: --carvers: no carver plugin named '%s' is loaded "
		        "(exhibit plugins lists them)\n", unknown_carver(&a, reg));
		custody_cli_free(&a.custody);
		hashdb_close(hash_sets);
		plugin_registry_free(reg);
		free_args(&a);
		return EXIT_USAGE;
	}
	exhibit_error_clear(&err);
	if (casedb_open(a.case_dir, &db, &err) < 0 ||
	    (exhibit_error_clear(&err),
	     custody_cli_begin(&a.custody, casedb_handle(db), "process", "process", NULL, &begun) < 0)) {
		if (err.code)
			fprintf(stderr, "exhibit process: %s\n", err.message);
		casedb_close(db);
		custody_cli_free(&a.custody);
		hashdb_close(hash_sets);
		plugin_registry_free(reg);
		free_args(&a);
		return EXIT_FATAL;
	}
	memset(&stats, 0, sizeof stats);
	memset(&opts, 0, sizeof opts);
	opts.jobs = a.jobs;
	opts.max_depth = a.max_depth;
	opts.hash_images = a.hash_images;
	opts.max_sqlite_bytes = (uint64_t)16 << 30;
	opts.plugins = reg;
	opts.hash_sets = hash_sets;
	opts.carve = (pipeline_carve)a.carve;
	opts.carvers = (const char *const *)a.carvers;
	opts.event = progress_event;
	opts.event_ctx = &prog;
	progress_start(&prog, a.json ? PROGRESS_JSON
	               : (!a.quiet && isatty(STDERR_FILENO)) ? PROGRESS_BAR : PROGRESS_QUIET, &stats);
	rc = pipeline_run(db, (const char *const *)argv + optind, (size_t)(argc - optind), &opts,
	                  &stats, &err);
	progress_stop(&prog);
	if (rc < 0)
		fprintf(stderr, "exhibit process: %s\n", err.message);
	memset(&similar, 0, sizeof similar);
	if (rc >= 0 && !a.no_similar && find_similar(db, &a, hash_sets, &similar) < 0 && rc == 0)
		rc = 1;
	if (commit_custody(db, &a, argv + optind, argc - optind, reg, &stats, rc) < 0 && rc >= 0)
		rc = -1;
	print_summary(db, &a, &stats, progress_elapsed(&prog), rc);
	casedb_close(db);
	custody_cli_free(&a.custody);
	hashdb_close(hash_sets);
	plugin_registry_free(reg);
	free_args(&a);
	return rc < 0 ? EXIT_FATAL : rc > 0 ? EXIT_INCOMPLETE : EXIT_OK;
}

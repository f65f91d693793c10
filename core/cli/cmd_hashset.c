/*
 * cmd_hashset.c — `exhibit hashset import|list|remove|match|hide-known-good`:
 * the hash database shared across cases, and its use in one case.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "casedb.h"
#include "casedb_hashsets.h"
#include "cli.h"
#include "custody_cli.h"
#include "text.h"
#include "hashdb.h"
#include "hashdb_catalog.h"
#include "hashdb_import.h"
#include "text.h"

#define PROBLEMS_SHOWN 100

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit hashset COMMAND [OPTION]...\n"
		"Keep the hash sets a lab uses (NSRL, Project VIC, CAID, its own lists) in a hash\n"
		"database shared across cases, and match cases against them.\n"
		"\n"
		"Commands:\n"
		"  import FILE... --name NAME --kind KIND   add a set read from FILE(s)\n"
		"  list                                     the sets in the hash database\n"
		"  remove NAME                              remove a set\n"
		"  match CASE                               match a case's content against every set\n"
		"  hide-known-good CASE on|off              hide known-good files from v_review_files\n"
		"\n"
		"Options of import:\n"
		"  -n, --name NAME       the set's name (unique in the hash database)\n"
		"  -k, --kind KIND       known-good, known-bad or categorised\n"
		"  -s, --scheme SCHEME   categories of a categorised set: project-vic-us,\n"
		"                        project-vic-canada or caid-uk (default: what VICS files say)\n"
		"      --source TEXT     where the set comes from (default: the file names)\n"
		"  -f, --format F        auto (default), nsrl-rds3, nsrl-legacy, vics, md5sum, bsd,\n"
		"                        hashdeep or csv\n"
		"      --replace         replace a set of the same name\n"
		"      --memory MIB      memory for sorting (default 128)\n"
		"Options of every command:\n"
		"      --hashdb DIR      the hash database (default: $EXHIBIT_HASHDB, else\n"
		"                        $XDG_DATA_HOME/exhibit/hashdb, else ~/.local/share/exhibit/hashdb)\n"
		"      --json            list: one JSON object per set\n"
		"  -q, --quiet           no progress line\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit status: 0 done; 1 done, but some lines of the files were rejected (they are\n"
		"listed); 2 usage error; 3 nothing could be done (not a hash set, unreadable, ...).\n");
}

typedef struct hashset_args {
	const char *name, *kind, *scheme, *source, *hashdb, *format;
	int replace, json, quiet;
	size_t memory_mib;
	uint64_t count;
	custody_cli custody; /* match and hide-known-good change a case */
} hashset_args;

/* parse_args — options anywhere; operands left in argv[optind..]. */
static int parse_args(int argc, char **argv, hashset_args *a)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "scheme", required_argument, NULL, 's' },
		{ "source", required_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'f' },
		{ "replace", no_argument, NULL, 'R' },
		{ "memory", required_argument, NULL, 'M' },
		{ "hashdb", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		CUSTODY_CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof *a);
	a->count = 1000000;
	while ((c = getopt_long(argc, argv, "n:k:s:f:qh", options, NULL)) != -1) {
		switch (c) {
		case 'n': a->name = optarg; break;
		case 'k': a->kind = optarg; break;
		case 's': a->scheme = optarg; break;
		case 'S': a->source = optarg; break;
		case 'f': a->format = optarg; break;
		case 'R': a->replace = 1; break;
		case 'M': a->memory_mib = strtoul(optarg, NULL, 10); break;
		case 'd': a->hashdb = optarg; break;
		case 'J': a->json = 1; break;
		case 'q': a->quiet = 1; break;
		case 'c': a->count = strtoull(optarg, NULL, 10); break;
		case 'h': usage(stdout); return 1;
		default:
			if (custody_cli_option(&a->custody, c, optarg))
				break;
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "exhibit hashset: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'exhibit hashset --help'.\n");
	return EXIT_USAGE;
}

static char *resolve_dir(const hashset_args *a)
{
	exhibit_error err;
	char *dir;

	exhibit_error_clear(&err);
	if (!(dir = hashdb_resolve_dir(a->hashdb, &err)))
		fprintf(stderr, "exhibit hashset: %s\n", err.message[0] ? err.message : "out of memory");
	return dir;
}

/* ---------------------------------------------------------------- import */

typedef struct import_ui {
	int show_progress;
	uint64_t problems;
	struct timespec last;
	int line_shown;
} import_ui;

static void clear_progress(import_ui *ui)
{
	if (ui->line_shown) {
		fprintf(stderr, "\r\033[K");
		ui->line_shown = 0;
	}
}

static void on_problem(void *ctx, const hashset_problem *p)
{
	import_ui *ui = ctx;

	if (++ui->problems > PROBLEMS_SHOWN)
		return;
	clear_progress(ui);
	if (p->line)
		fprintf(stderr, "exhibit hashset import: %s: line %llu (byte %llu): %s%s\n", p->file,
		        (unsigned long long)p->line, (unsigned long long)p->offset, p->message,
		        p->rejected ? "" : " (kept)");
	else
		fprintf(stderr, "exhibit hashset import: %s: byte %llu: %s%s\n", p->file,
		        (unsigned long long)p->offset, p->message, p->rejected ? "" : " (kept)");
	if (ui->problems == PROBLEMS_SHOWN)
		fprintf(stderr, "exhibit hashset import: further problems are counted, not shown\n");
}

static void on_progress(void *ctx, const char *phase, const char *file, uint64_t done,
                        uint64_t total)
{
	import_ui *ui = ctx;
	struct timespec now;

	if (!ui->show_progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec * 1000 + now.tv_nsec / 1000000 < ui->last.tv_sec * 1000 + ui->last.tv_nsec / 1000000 + 250)
		return;
	ui->last = now;
	if (!strcmp(phase, "read"))
		fprintf(stderr, "\r\033[Kreading %s: %.0f%% (%.1f of %.1f MB)", file,
		        total ? 100.0 * (double)done / (double)total : 100.0, (double)done / 1e6,
		        (double)total / 1e6);
	else
		fprintf(stderr, "\r\033[Kwriting the index: %.0f%% (%llu of %llu records)",
		        total ? 100.0 * (double)done / (double)total : 100.0,
		        (unsigned long long)done, (unsigned long long)total);
	ui->line_shown = 1;
}

static int import_main(hashset_args *a, int n, char **files)
{
	hashdb_import_options o;
	hashdb_import_result res;
	import_ui ui;
	exhibit_error err;
	char digest[65], *dir;
	int fmt = HASHSET_AUTO, rc;

	if (n == 0)
		return usage_error("import: no FILE given%s", "");
	if (!a->name || !a->kind)
		return usage_error("import: --name NAME and --kind KIND are required%s", "");
	if (!hashdb_kind_valid(a->kind))
		return usage_error("import: --kind '%s': known-good, known-bad or categorised", a->kind);
	if (a->scheme && !hashdb_scheme_valid(a->scheme))
		return usage_error("import: --scheme '%s': project-vic-us, project-vic-canada or caid-uk",
		                   a->scheme);
	if (a->scheme && strcmp(a->kind, HASHDB_KIND_CATEGORISED))
		return usage_error("import: --scheme is for --kind categorised%s", "");
	if (a->format && (fmt = hashset_format_from_name(a->format)) < 0)
		return usage_error("import: --format '%s': auto, nsrl-rds3, nsrl-legacy, vics, md5sum, "
		                   "bsd, hashdeep or csv", a->format);
	if (!(dir = resolve_dir(a)))
		return EXIT_FATAL;
	memset(&ui, 0, sizeof ui);
	ui.show_progress = !a->quiet && isatty(STDERR_FILENO);
	memset(&o, 0, sizeof o);
	o.name = a->name;
	o.kind = a->kind;
	o.scheme = a->scheme;
	o.source = a->source;
	o.format = (hashset_format)fmt;
	o.replace = a->replace;
	o.memory = a->memory_mib << 20;
	o.problem = on_problem;
	o.progress = on_progress;
	o.ctx = &ui;
	exhibit_error_clear(&err);
	rc = hashdb_import(dir, (const char *const *)files, (size_t)n, &o, &res, &err);
	clear_progress(&ui);
	if (rc < 0) {
		fprintf(stderr, "exhibit hashset import: %s\n", err.message);
		fprintf(stderr, "exhibit hashset import: nothing was imported\n");
		free(dir);
		return EXIT_FATAL;
	}
	hex_encode(res.set_digest, SHA256_LEN, digest);
	printf("Set:            %s (%s), id %u%s\n", a->name, a->kind, res.set_id,
	       res.replaced ? ", replacing the set of that name" : "");
	printf("Entries:        %llu accepted, %llu rejected\n", (unsigned long long)res.accepted,
	       (unsigned long long)res.rejected);
	printf("Digests:        md5 %llu, sha1 %llu, sha256 %llu\n",
	       (unsigned long long)res.digests[HASH_MD5], (unsigned long long)res.digests[HASH_SHA1],
	       (unsigned long long)res.digests[HASH_SHA256]);
	if (res.conflicts)
		printf("Conflicts:      %llu digests were given two categories (the first in byte "
		       "order is kept)\n", (unsigned long long)res.conflicts);
	if (res.pdq)
		printf("PDQ values:     %llu kept\n", (unsigned long long)res.pdq);
	printf("Set digest:     %s\n", digest);
	printf("Hash database:  %s\n", dir);
	free(dir);
	return res.rejected ? EXIT_INCOMPLETE : EXIT_OK;
}

/* ---------------------------------------------------------------- list */

static void print_json_text(const char *key, const char *value, int comma)
{
	char *quoted = value ? text_json_escape(value) : NULL;

	printf("\"%s\":%s%s", key, quoted ? quoted : "null", comma ? "," : "");
	free(quoted);
}

static void list_json(const hashdb_set *s)
{
	char digest[65];

	hex_encode(s->set_digest, SHA256_LEN, digest);
	printf("{\"id\":%u,", s->id);
	print_json_text("name", s->name, 1);
	print_json_text("kind", s->kind, 1);
	print_json_text("category_scheme", s->category_scheme, 1);
	print_json_text("source", s->source, 1);
	print_json_text("imported", s->imported, 1);
	print_json_text("source_date", s->source_date, 1);
	printf("\"entries\":%llu,\"md5\":%llu,\"sha1\":%llu,\"sha256\":%llu,\"set_digest\":\"%s\"}\n",
	       (unsigned long long)s->entries, (unsigned long long)s->digests[0],
	       (unsigned long long)s->digests[1], (unsigned long long)s->digests[2], digest);
}

static int list_main(hashset_args *a, int n)
{
	exhibit_error err;
	hashdb *db = NULL;
	char *dir;
	int rc;

	if (n > 0)
		return usage_error("list takes no operand%s", "");
	if (!(dir = resolve_dir(a)))
		return EXIT_FATAL;
	exhibit_error_clear(&err);
	rc = hashdb_open(dir, &db, &err);
	if (rc < 0) {
		fprintf(stderr, "exhibit hashset list: %s\n", err.message);
		free(dir);
		return EXIT_FATAL;
	}
	if (!a->json)
		printf("%zu set%s in %s\n", hashdb_set_count(db), hashdb_set_count(db) == 1 ? "" : "s", dir);
	for (size_t i = 0; i < hashdb_set_count(db); i++) {
		const hashdb_set *s = hashdb_set_at(db, i);
		char digest[65];

		if (a->json) {
			list_json(s);
			continue;
		}
		hex_encode(s->set_digest, SHA256_LEN, digest);
		printf("%s\n    kind %s%s%s, %llu digests (md5 %llu, sha1 %llu, sha256 %llu)\n"
		       "    imported %s%s%s\n    source %s\n    set digest %s\n", s->name, s->kind,
		       s->category_scheme ? ", scheme " : "", s->category_scheme ? s->category_scheme : "",
		       (unsigned long long)s->entries, (unsigned long long)s->digests[0],
		       (unsigned long long)s->digests[1], (unsigned long long)s->digests[2], s->imported,
		       s->source_date ? ", stated date " : "", s->source_date ? s->source_date : "",
		       s->source ? s->source : "(not stated)", digest);
	}
	hashdb_close(db);
	free(dir);
	return EXIT_OK;
}

/* ---------------------------------------------------------------- remove */

static int remove_main(hashset_args *a, int n, char **names)
{
	exhibit_error err;
	char *dir;
	int rc;

	if (n != 1)
		return usage_error("remove takes one set NAME%s", "");
	if (!(dir = resolve_dir(a)))
		return EXIT_FATAL;
	exhibit_error_clear(&err);
	rc = hashdb_remove(dir, names[0], &err);
	if (rc == 1)
		fprintf(stderr, "exhibit hashset remove: no set named '%s' in %s\n", names[0], dir);
	else if (rc < 0)
		fprintf(stderr, "exhibit hashset remove: %s\n", err.message);
	else
		printf("Removed the set '%s' from %s\n", names[0], dir);
	free(dir);
	return rc == 1 ? EXIT_USAGE : rc < 0 ? EXIT_FATAL : EXIT_OK;
}

/* ---------------------------------------------------------------- cases */

/* open_existing_case — a case that exists (casedb_open would create one). */
static casedb *open_existing_case(const char *cmd, const char *case_dir)
{
	char *path = NULL;
	struct stat st;
	exhibit_error err;
	casedb *db = NULL;

	if (asprintf(&path, "%s/case.db", case_dir) < 0 || stat(path, &st) < 0) {
		fprintf(stderr, "exhibit hashset %s: %s is not a case (no case.db)\n", cmd, case_dir);
		free(path);
		return NULL;
	}
	free(path);
	exhibit_error_clear(&err);
	if (casedb_open(case_dir, &db, &err) < 0) {
		fprintf(stderr, "exhibit hashset %s: %s\n", cmd, err.message);
		return NULL;
	}
	return db;
}

static const char *const match_scope[] = { "hash_sets", "hash_hits", NULL };

/* commit_match — the custody entry of a match: the hash database and the
 * sets it holds (their digests identify each set's version). */
static int commit_match(hashset_args *a, casedb *db, const char *case_dir, const char *hashdb_dir,
                        const casedb_match_stats *st)
{
	char *dir = text_json_escape(hashdb_dir), *sets = NULL, *params = NULL;
	sqlite3_stmt *s;
	size_t len = 0;
	FILE *out = open_memstream(&sets, &len);
	int rc;

	if (out && sqlite3_prepare_v2(casedb_handle(db), "SELECT json_group_array(json_object('name', "
	                              "name, 'kind', kind, 'set_digest', lower(hex(set_digest)), "
	                              "'entries', entries)) FROM hash_sets", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			fputs((const char *)sqlite3_column_text(s, 0), out);
		sqlite3_finalize(s);
	}
	if (out)
		fclose(out);
	if (asprintf(&params, "{\"hashdb\":%s,\"sets\":%s,\"contents\":%llu,\"new_hits\":%llu}",
	             dir ? dir : "null", sets && *sets ? sets : "[]",
	             (unsigned long long)st->contents, (unsigned long long)st->new_hits) < 0)
		params = NULL;
	{
		custody_action action = { "hashset-match", "case", params, NULL, match_scope, NULL };
		rc = custody_cli_commit(&a->custody, casedb_handle(db), case_dir, "hashset match",
		                        &action, a->quiet);
	}
	free(dir);
	free(sets);
	free(params);
	return rc;
}

static int match_main(hashset_args *a, int n, char **operands)
{
	custody_begun begun;
	casedb_match_stats st;
	exhibit_error err;
	hashdb *snap = NULL;
	int64_t *ids = NULL;
	casedb *db = NULL;
	char *dir;
	int rc = EXIT_FATAL;

	if (n != 1)
		return usage_error("match takes one CASE directory%s", "");
	if (!(dir = resolve_dir(a)))
		return EXIT_FATAL;
	exhibit_error_clear(&err);
	if (hashdb_open(dir, &snap, &err) != 0) {
		fprintf(stderr, "exhibit hashset match: %s\n", snap || err.message[0] ? err.message
		        : "the hash database holds no set yet (exhibit hashset import)");
		free(dir);
		return EXIT_FATAL;
	}
	if (custody_cli_load(&a->custody, "hashset match") < 0 ||
	    !(db = open_existing_case("match", operands[0])) ||
	    custody_cli_begin(&a->custody, casedb_handle(db), "hashset match", "hashset-match",
	                      match_scope, &begun) < 0)
		goto out;
	ids = calloc(hashdb_set_count(snap) + 1, sizeof *ids);
	if (!ids || casedb_copy_hash_sets(db, snap, ids, &err) < 0 ||
	    casedb_match_all(db, snap, ids, &st, &err) < 0) {
		fprintf(stderr, "exhibit hashset match: %s\n", ids ? err.message : "out of memory");
		goto out;
	}
	if (commit_match(a, db, operands[0], dir, &st) < 0)
		goto out;
	printf("Matched %llu unique contents of %s against %zu set%s of %s:\n"
	       "%llu hits, %llu of them new (query the v_hash_hits view)\n",
	       (unsigned long long)st.contents, operands[0], hashdb_set_count(snap),
	       hashdb_set_count(snap) == 1 ? "" : "s", dir, (unsigned long long)st.hits,
	       (unsigned long long)st.new_hits);
	rc = EXIT_OK;
out:
	casedb_close(db);
	hashdb_close(snap);
	free(ids);
	free(dir);
	return rc;
}

static int64_t count_rows(casedb *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t n = -1;

	if (sqlite3_prepare_v2(casedb_handle(db), sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return n;
}

static int hide_main(hashset_args *a, int n, char **operands)
{
	static const char *const scope[] = { "case_info", NULL };
	custody_begun begun;
	exhibit_error err;
	casedb *db;
	int on;

	if (n != 2 || (strcmp(operands[1], "on") && strcmp(operands[1], "off")))
		return usage_error("hide-known-good takes a CASE directory and on or off%s", "");
	on = !strcmp(operands[1], "on");
	if (custody_cli_load(&a->custody, "hashset hide-known-good") < 0)
		return EXIT_USAGE;
	if (!(db = open_existing_case("hide-known-good", operands[0])))
		return EXIT_FATAL;
	exhibit_error_clear(&err);
	if (custody_cli_begin(&a->custody, casedb_handle(db), "hashset hide-known-good",
	                      "hide-known-good", scope, &begun) < 0) {
		casedb_close(db);
		return EXIT_FATAL;
	}
	if (casedb_set_hide_known_good(db, on, &err) < 0) {
		fprintf(stderr, "exhibit hashset hide-known-good: %s\n", err.message);
		casedb_close(db);
		return EXIT_FATAL;
	}
	{
		custody_action action = { "hide-known-good", "case", on ? "{\"hide\":true}" : "{\"hide\":false}",
		                          NULL, scope, NULL };
		if (custody_cli_commit(&a->custody, casedb_handle(db), operands[0],
		                       "hashset hide-known-good", &action, a->quiet) < 0) {
			casedb_close(db);
			return EXIT_FATAL;
		}
	}
	printf("Known-good files are %s in v_review_files: %lld of %lld files shown\n",
	       on ? "hidden" : "shown", (long long)count_rows(db, "SELECT count(*) FROM v_review_files"),
	       (long long)count_rows(db, "SELECT count(*) FROM v_files"));
	casedb_close(db);
	return EXIT_OK;
}

/* ---------------------------------------------------------------- bench */

/* bench_lookup — (hidden, for tests/bench/run) lookups per second on one
 * core: count present digests (taken from the index) and count absent
 * (random) ones, shuffled together. */
static int bench_main(hashset_args *a)
{
	exhibit_error err;
	hashdb *snap = NULL;
	hashdb_hit hits[8];
	unsigned char *keys;
	uint64_t n, present = 0, seed = 0x9e3779b97f4a7c15ull, found_present = 0, found_absent = 0;
	struct timespec t0, t1;
	double secs, secs_pass[2];
	char *dir;

	if (!(dir = resolve_dir(a)))
		return EXIT_FATAL;
	exhibit_error_clear(&err);
	if (hashdb_open(dir, &snap, &err) != 0 || !(present = hashdb_record_count(snap, HASH_SHA256))) {
		fprintf(stderr, "exhibit hashset bench-lookup: %s\n",
		        err.message[0] ? err.message : "no SHA-256 digest in the hash database");
		hashdb_close(snap);
		free(dir);
		return EXIT_FATAL;
	}
	n = a->count ? a->count : 1000000;
	keys = malloc(2 * n * SHA256_LEN);
	if (!keys) {
		hashdb_close(snap);
		free(dir);
		return EXIT_FATAL;
	}
	for (uint64_t i = 0; i < 2 * n; i++) {
		unsigned char *k = keys + i * SHA256_LEN;
		if (i % 2 == 0) {
			memcpy(k, hashdb_record_digest(snap, HASH_SHA256, cli_bench_random(&seed) % present), SHA256_LEN);
		} else {
			for (int j = 0; j < SHA256_LEN; j += 8) {
				uint64_t r = cli_bench_random(&seed);
				memcpy(k + j, &r, 8);
			}
		}
	}
	/* Two passes: the first also faults the index's pages in (a cold
	 * start); the second is the steady rate a processing run sees. */
	for (int pass = 0; pass < 2; pass++) {
		found_present = found_absent = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (uint64_t i = 0; i < 2 * n; i++) {
			size_t h = hashdb_lookup(snap, HASH_SHA256, keys + i * SHA256_LEN, hits, 8);
			if (i % 2 == 0)
				found_present += h > 0;
			else
				found_absent += h > 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs_pass[pass] = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
	secs = secs_pass[1];
	printf("{\"lookups\":%llu,\"present\":%llu,\"absent\":%llu,\"found_present\":%llu,"
	       "\"found_absent\":%llu,\"seconds\":%.6f,\"per_second\":%.0f,"
	       "\"first_pass_per_second\":%.0f,\"records\":%llu}\n",
	       (unsigned long long)(2 * n), (unsigned long long)n, (unsigned long long)n,
	       (unsigned long long)found_present, (unsigned long long)found_absent, secs,
	       secs > 0 ? (double)(2 * n) / secs : 0.0,
	       secs_pass[0] > 0 ? (double)(2 * n) / secs_pass[0] : 0.0, (unsigned long long)present);
	free(keys);
	hashdb_close(snap);
	free(dir);
	return found_present == n && found_absent == 0 ? EXIT_OK : EXIT_FATAL;
}

/* ---------------------------------------------------------------- dispatch */

int cmd_hashset(int argc, char **argv)
{
	hashset_args a;
	const char *sub;
	int parsed, n;
	char **operands;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	parsed = parse_args(argc - 1, argv + 1, &a);
	if (parsed != 0)
		return parsed > 0 ? EXIT_OK : EXIT_USAGE;
	operands = argv + 1 + optind;
	n = argc - 1 - optind;
	if (!strcmp(sub, "import"))
		return import_main(&a, n, operands);
	if (!strcmp(sub, "list"))
		return list_main(&a, n);
	if (!strcmp(sub, "remove"))
		return remove_main(&a, n, operands);
	if (!strcmp(sub, "match") || !strcmp(sub, "hide-known-good")) {
		int rc = !strcmp(sub, "match") ? match_main(&a, n, operands) : hide_main(&a, n, operands);
		custody_cli_free(&a.custody);
		return rc;
	}
	if (!strcmp(sub, "bench-lookup"))
		return bench_main(&a);
	return usage_error("unknown command '%s'", sub);
}

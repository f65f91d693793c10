/*
 * cmd_similar.c — `exhibit similar CASE`: find the near duplicates of a
 * case (core/similar.h) and record the run in its chain of custody.
 *
 * Matching is between items, so it runs after processing: `exhibit
 * process` runs it once at its end with the defaults (its custody entry
 * covers it), and this command runs it again, replacing the results,
 * when the examiner wants another distance or new hash sets were
 * imported.  Each run is one custody entry naming the distance, the
 * quality floor, the hash sets and what was found.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "casedb.h"
#include "casedb_hashsets.h"
#include "cli.h"
#include "custody_cli.h"
#include "hashdb.h"
#include "hashdb_pdq.h"
#include "pdq_index.h"
#include "similar.h"
#include "text.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit similar CASE [OPTION]...\n"
		"Find near duplicates in the case in directory CASE from the PDQ hashes its images\n"
		"and video frames got (the media-pdq plugin): pairs of images, videos whose frames\n"
		"match in time order, the clusters they form, and images or frames near a PDQ that\n"
		"a hash set gives (VICS AlternativeHashes).  Earlier results are replaced; query\n"
		"v_similar, v_similar_groups and v_pdq_hits.\n"
		"\n"
		"  -d, --distance N        largest Hamming distance of a match, 0-256 (default %d)\n"
		"      --min-quality Q     leave out hashes of quality under Q, 0-100 (default %d:\n"
		"                          flat pictures have hashes that match each other)\n"
		"      --video-fraction F  part of the shorter video's frames that must match, in\n"
		"                          time order, for two videos to pair (default %.1f)\n"
		"      --hashdb DIR        the hash database (default: see exhibit hashset --help)\n"
		"      --no-hash-sets      do not match against hash sets\n"
		"      --json              the summary as one JSON object\n"
		"  -q, --quiet             no custody line\n"
		CUSTODY_CLI_HELP
		"  -h, --help              this help\n"
		"\n"
		"Exit status: 0 done; 2 usage error; 3 nothing could be done.\n",
		SIMILAR_DEFAULT_DISTANCE, SIMILAR_DEFAULT_MIN_QUALITY, SIMILAR_DEFAULT_VIDEO_FRACTION);
}

typedef struct similar_args {
	similar_options o;
	const char *hashdb;
	int no_hash_sets, json, quiet;
	uint64_t count, queries;       /* bench */
	custody_cli custody;
} similar_args;

enum { OPT_MIN_QUALITY = 0x5300, OPT_FRACTION, OPT_HASHDB, OPT_NO_SETS, OPT_JSON, OPT_COUNT,
       OPT_QUERIES };

static int number(const char *text, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, similar_args *a)
{
	static const struct option options[] = {
		{ "distance", required_argument, NULL, 'd' },
		{ "min-quality", required_argument, NULL, OPT_MIN_QUALITY },
		{ "video-fraction", required_argument, NULL, OPT_FRACTION },
		{ "hashdb", required_argument, NULL, OPT_HASHDB },
		{ "no-hash-sets", no_argument, NULL, OPT_NO_SETS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "queries", required_argument, NULL, OPT_QUERIES },
		{ "help", no_argument, NULL, 'h' },
		CUSTODY_CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	double v;
	int c;

	memset(a, 0, sizeof *a);
	similar_defaults(&a->o);
	a->count = 1000000;
	a->queries = 101;
	while ((c = getopt_long(argc, argv, "d:qh", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (number(optarg, 0, PDQ_MAX_DISTANCE, &v) < 0 || v != (int)v)
				goto bad;
			a->o.distance = (int)v;
			break;
		case OPT_MIN_QUALITY:
			if (number(optarg, 0, 100, &v) < 0 || v != (int)v)
				goto bad;
			a->o.min_quality = (int)v;
			break;
		case OPT_FRACTION:
			if (number(optarg, 0, 1, &v) < 0 || v <= 0)
				goto bad;
			a->o.video_fraction = v;
			break;
		case OPT_HASHDB: a->hashdb = optarg; break;
		case OPT_NO_SETS: a->no_hash_sets = 1; break;
		case OPT_JSON: a->json = 1; break;
		case 'q': a->quiet = 1; break;
		case OPT_COUNT: a->count = strtoull(optarg, NULL, 10); break;
		case OPT_QUERIES: a->queries = strtoull(optarg, NULL, 10); break;
		case 'h': usage(stdout); return 1;
		default:
			if (custody_cli_option(&a->custody, c, optarg))
				break;
			usage(stderr);
			return -1;
		}
	}
	return 0;
bad:
	fprintf(stderr, "exhibit similar: bad value '%s' (see exhibit similar --help)\n", optarg);
	return -1;
}

/* ---------------------------------------------------------------- the run */

int cli_similar_run(casedb *db, const hashdb *snap, const char *hashdb_dir,
                    const similar_options *base, similar_stats *st, uint64_t *invalid,
                    exhibit_error *err)
{
	similar_options o = *base;
	hashdb_pdq_set pdqs;
	int64_t *ids = NULL;
	int rc;

	memset(&pdqs, 0, sizeof pdqs);
	*invalid = 0;
	if (snap && hashdb_set_count(snap)) {
		ids = calloc(hashdb_set_count(snap), sizeof *ids);
		if (!ids)
			return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
		if (hashdb_pdq_load(hashdb_dir, snap, &pdqs, err) < 0 ||
		    (pdqs.n && casedb_copy_hash_sets(db, snap, ids, err) < 0)) {
			free(ids);
			hashdb_pdq_free(&pdqs);
			return -1;
		}
		*invalid = pdqs.invalid;
		if (pdqs.n) {
			o.snap = snap;
			o.set_pdqs = &pdqs;
			o.set_case_ids = ids;
		}
	}
	rc = similar_run(casedb_handle(db), &o, st, err);
	hashdb_pdq_free(&pdqs);
	free(ids);
	return rc;
}

static casedb *open_existing_case(const char *case_dir)
{
	char *path = NULL;
	struct stat st;
	exhibit_error err;
	casedb *db = NULL;

	if (asprintf(&path, "%s/case.db", case_dir) < 0 || stat(path, &st) < 0) {
		fprintf(stderr, "exhibit similar: %s is not a case (no case.db)\n", case_dir);
		free(path);
		return NULL;
	}
	free(path);
	exhibit_error_clear(&err);
	if (casedb_open(case_dir, &db, &err) < 0) {
		fprintf(stderr, "exhibit similar: %s\n", err.message);
		return NULL;
	}
	return db;
}

/* open_sets — the hash database, unless none is wanted or none exists
 * where the default says (an explicit --hashdb must hold sets). */
static int open_sets(const similar_args *a, hashdb **snap, char **dir)
{
	exhibit_error err;
	int rc;

	*snap = NULL;
	*dir = NULL;
	if (a->no_hash_sets)
		return 0;
	exhibit_error_clear(&err);
	if (!(*dir = hashdb_resolve_dir(a->hashdb, &err)))
		return a->hashdb ? -1 : 0;
	rc = hashdb_open(*dir, snap, &err);
	if (rc < 0 || (rc == 1 && a->hashdb)) {
		fprintf(stderr, "exhibit similar: %s\n", rc < 0 ? err.message
		        : "--hashdb: no hash set has been imported there (exhibit hashset import)");
		return -1;
	}
	return 0;
}

static char *stats_json(const similar_args *a, casedb *db, const char *dir,
                        const similar_stats *st, uint64_t invalid)
{
	char *sets = NULL, *where = dir ? text_json_escape(dir) : NULL, *out = NULL;
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(casedb_handle(db), "SELECT json_group_array(json_object('name', name, "
	                       "'set_digest', lower(hex(set_digest)))) FROM hash_sets WHERE id IN "
	                       "(SELECT set_id FROM pdq_hits)", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			sets = strdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	if (asprintf(&out, "{\"distance\":%d,\"min_quality\":%d,\"video_fraction\":%g,"
	             "\"hashdb\":%s,\"set_pdq_values\":%llu,\"set_pdq_invalid\":%llu,"
	             "\"sets_hit\":%s,\"images\":%llu,\"videos\":%llu,\"frames\":%llu,"
	             "\"untrusted\":%llu,\"image_pairs\":%llu,\"video_pairs\":%llu,\"groups\":%llu,"
	             "\"grouped\":%llu,\"pdq_hits\":%llu}",
	             a->o.distance, a->o.min_quality, a->o.video_fraction, where ? where : "null",
	             (unsigned long long)st->set_hashes, (unsigned long long)invalid,
	             sets ? sets : "[]", (unsigned long long)st->images,
	             (unsigned long long)st->videos, (unsigned long long)st->frames,
	             (unsigned long long)st->untrusted, (unsigned long long)st->image_pairs,
	             (unsigned long long)st->video_pairs, (unsigned long long)st->groups,
	             (unsigned long long)st->grouped, (unsigned long long)st->pdq_hits) < 0)
		out = NULL;
	free(sets);
	free(where);
	return out;
}

static const char *const similar_scope[] = { "similar", "similar_groups", "pdq_hits",
                                             "hash_sets", NULL };

static int similar_main(similar_args *a, int n, char **operands)
{
	custody_begun begun;
	similar_stats st;
	exhibit_error err;
	hashdb *snap = NULL;
	casedb *db = NULL;
	char *dir = NULL, *params = NULL;
	uint64_t invalid = 0;
	int rc = EXIT_FATAL;

	if (n != 1) {
		fprintf(stderr, "exhibit similar: one CASE directory, please\nTry 'exhibit similar --help'.\n");
		return EXIT_USAGE;
	}
	if (custody_cli_load(&a->custody, "similar") < 0)
		return EXIT_USAGE;
	if (open_sets(a, &snap, &dir) < 0)
		goto out;
	if (!(db = open_existing_case(operands[0])) ||
	    custody_cli_begin(&a->custody, casedb_handle(db), "similar", "similar", similar_scope,
	                      &begun) < 0)
		goto out;
	exhibit_error_clear(&err);
	if (cli_similar_run(db, snap, dir, &a->o, &st, &invalid, &err) < 0) {
		fprintf(stderr, "exhibit similar: %s\n", err.message);
		goto out;
	}
	params = stats_json(a, db, dir, &st, invalid);
	{
		custody_action action = { "similar", "case", params, NULL, similar_scope, NULL };
		if (custody_cli_commit(&a->custody, casedb_handle(db), operands[0], "similar", &action,
		                       a->quiet || a->json) < 0)
			goto out;
	}
	if (a->json)
		printf("%s\n", params ? params : "{}");
	else
		printf("Near duplicates within distance %d (quality >= %d): %llu image pairs, %llu "
		       "video pairs, %llu clusters of %llu contents\n"
		       "  from %llu images and %llu videos (%llu frames); %llu hashes left out for "
		       "their quality\n"
		       "  hash sets: %llu PDQ values%s, %llu hits\n"
		       "Query v_similar, v_similar_groups and v_pdq_hits.\n",
		       a->o.distance, a->o.min_quality, (unsigned long long)st.image_pairs,
		       (unsigned long long)st.video_pairs, (unsigned long long)st.groups,
		       (unsigned long long)st.grouped, (unsigned long long)st.images,
		       (unsigned long long)st.videos, (unsigned long long)st.frames,
		       (unsigned long long)st.untrusted, (unsigned long long)st.set_hashes,
		       invalid ? " (some not 64 hex digits, left out)" : "",
		       (unsigned long long)st.pdq_hits);
	if (invalid)
		fprintf(stderr, "exhibit similar: %llu PDQ values of the hash sets are not 64 hex "
		        "digits and were left out\n", (unsigned long long)invalid);
	rc = EXIT_OK;
out:
	free(params);
	casedb_close(db);
	hashdb_close(snap);
	free(dir);
	return rc;
}

/* ---------------------------------------------------------------- bench */

static void random_value(uint64_t *seed, pdq_value *v)
{
	for (int i = 0; i < PDQ_VALUE_BYTES; i += 8) {
		uint64_t r = cli_bench_random(seed);
		memcpy(v->bytes + i, &r, 8);
	}
}

/* flip — v with exactly k distinct bits flipped. */
static void flip(uint64_t *seed, pdq_value *v, int k)
{
	unsigned char done[256] = { 0 };

	while (k > 0) {
		unsigned bit = (unsigned)(cli_bench_random(seed) % 256);
		if (done[bit])
			continue;
		done[bit] = 1;
		v->bytes[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		k--;
	}
}

static int count_hit(void *ctx, size_t id, int distance)
{
	(void)id;
	(void)distance;
	++*(size_t *)ctx;
	return 0;
}

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* bench — (hidden, for tests/bench/run) an index of --count random
 * hashes plus, for each of --queries queries, planted hashes at
 * distances spread over 0..distance; the median query time, checked
 * against a scan of every hash. */
static int bench_main(similar_args *a)
{
	uint64_t seed = 0x2545f4914f6cdd1dull, queries = a->queries ? a->queries : 1;
	size_t per_query = 8, n = a->count + queries * per_query, planted_found = 0, wrong = 0;
	pdq_value *values = malloc((n ? n : 1) * sizeof *values);
	pdq_value *q = malloc(queries * sizeof *q);
	double *times = malloc(queries * sizeof *times), t0, build;
	exhibit_error err;
	pdq_index *ix;
	size_t total = 0;

	if (!values || !q || !times) {
		fprintf(stderr, "exhibit similar bench: out of memory\n");
		free(values);
		free(q);
		free(times);
		return EXIT_FATAL;
	}
	for (size_t i = 0; i < a->count; i++)
		random_value(&seed, &values[i]);
	for (uint64_t k = 0; k < queries; k++) {
		random_value(&seed, &q[k]);
		for (size_t p = 0; p < per_query; p++) {
			pdq_value *v = &values[a->count + k * per_query + p];
			*v = q[k];
			flip(&seed, v, (int)(p * (size_t)a->o.distance / (per_query - 1)));
		}
	}
	t0 = now_seconds();
	exhibit_error_clear(&err);
	ix = pdq_index_new(values, n, &err);
	build = now_seconds() - t0;
	if (!ix) {
		fprintf(stderr, "exhibit similar bench: %s\n", err.message);
		free(values);
		free(q);
		free(times);
		return EXIT_FATAL;
	}
	for (uint64_t k = 0; k < queries; k++) {
		size_t hits = 0, scanned = 0;

		t0 = now_seconds();
		pdq_index_query(ix, &q[k], a->o.distance, count_hit, &hits);
		times[k] = now_seconds() - t0;
		total += hits;
		planted_found += hits >= per_query;
		if (k < 5) { /* the brute-force check costs a full scan: a few */
			for (size_t i = 0; i < n; i++)
				scanned += pdq_value_distance(&q[k], &values[i]) <= a->o.distance;
			wrong += scanned != hits;
		}
	}
	qsort(times, queries, sizeof *times, by_double);
	printf("{\"hashes\":%zu,\"random\":%llu,\"planted\":%zu,\"distance\":%d,\"queries\":%llu,"
	       "\"build_seconds\":%.3f,\"median_query_ms\":%.4f,\"max_query_ms\":%.4f,"
	       "\"hits\":%zu,\"queries_finding_all_planted\":%zu,\"brute_force_mismatches\":%zu}\n",
	       n, (unsigned long long)a->count, n - a->count, a->o.distance,
	       (unsigned long long)queries, build, times[queries / 2] * 1e3,
	       times[queries - 1] * 1e3, total, planted_found, wrong);
	pdq_index_free(ix);
	free(values);
	free(q);
	free(times);
	return wrong == 0 && planted_found == queries ? EXIT_OK : EXIT_FATAL;
}

int cmd_similar(int argc, char **argv)
{
	similar_args a;
	int parsed, rc;

	if (argc >= 2 && !strcmp(argv[1], "bench")) {
		if (parse_args(argc - 1, argv + 1, &a) != 0)
			return EXIT_USAGE;
		return bench_main(&a);
	}
	parsed = parse_args(argc, argv, &a);
	if (parsed != 0)
		return parsed > 0 ? EXIT_OK : EXIT_USAGE;
	rc = similar_main(&a, argc - optind, argv + optind);
	custody_cli_free(&a.custody);
	return rc;
}

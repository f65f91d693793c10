/*
 * cmd_timestamp.c — `exhibit timestamp CASE`: RFC 3161 trusted time stamps
 * over the custody log.
 *
 *   exhibit timestamp CASE --request OUT       a TimeStampReq over the head
 *   exhibit timestamp CASE --tsa-reply REPLY --tsa-cert CERT [--request REQ]
 *                                              check the TSA's reply offline
 *                                              and keep it in the case
 *
 * exhibit never talks to the network: the examiner carries the request to
 * the TSA and its reply back.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb.h"
#include "cli.h"
#include "custody_cli.h"
#include "custody_entry.h"
#include "row_digest.h"
#include "timestamp.h"

#define MAX_TS_FILE (1 << 20)

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit timestamp CASE --request OUT [--entry N]\n"
		"       exhibit timestamp CASE --tsa-reply REPLY --tsa-cert CERT [--request REQ]\n"
		"Have a time-stamping authority (RFC 3161) certify when the custody log's head\n"
		"(or entry N) existed.  The first form writes the request (DER) for the TSA:\n"
		"  curl -H 'Content-Type: application/timestamp-query' --data-binary @OUT URL > REPLY\n"
		"from a machine with network access.  The second checks the reply offline against\n"
		"the TSA certificate CERT (PEM: the TSA's certificate or the CA that issued it),\n"
		"and the request's nonce when --request is given, and keeps it in the case as a\n"
		"custody entry.  'exhibit verify CASE --tsa-cert CERT' checks it again.\n"
		"\n"
		CUSTODY_CLI_HELP
		"  -h, --help              this help\n");
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(MAX_TS_FILE + 1);
	size_t n = 0;

	if (f && buf)
		n = fread(buf, 1, MAX_TS_FILE + 1, f);
	if (f)
		fclose(f);
	if (!f || !buf || n == 0 || n > MAX_TS_FILE) {
		fprintf(stderr, "exhibit timestamp: %s: %s\n", path,
		        !f ? "cannot read" : n > MAX_TS_FILE ? "too large for a time stamp" : "empty");
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int open_case(const char *dir, casedb **db)
{
	exhibit_error err;

	exhibit_error_clear(&err);
	if (casedb_open(dir, db, &err) < 0) {
		fprintf(stderr, "exhibit timestamp: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int64_t last_entry(sqlite3 *db)
{
	sqlite3_stmt *s;
	int64_t seq = 0;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM custody_entries", -1, &s,
	                       NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		seq = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return seq;
}

/* entry_stamped — the entry whose hash, recomputed, is the stamp's. */
static int64_t entry_stamped(sqlite3 *db, const unsigned char imprint[SHA256_LEN])
{
	unsigned char now[SHA256_LEN];
	sqlite3_stmt *s;
	int64_t seq = 0;

	if (sqlite3_prepare_v2(db, "SELECT seq FROM custody_entries WHERE entry_hash = ?1", -1, &s,
	                       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_blob(s, 1, imprint, SHA256_LEN, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		seq = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (seq && (custody_entry_hash(db, seq, now, NULL) < 0 || memcmp(now, imprint, SHA256_LEN)))
		seq = 0; /* the entry no longer hashes to what was stamped */
	return seq;
}

/* write_request — a request over entry seq (0: the head). */
static int write_request(const char *case_dir, int64_t seq, const char *out)
{
	unsigned char hash[SHA256_LEN], *der = NULL;
	size_t len = 0;
	exhibit_error err;
	casedb *db;
	FILE *f;
	int ok;

	if (open_case(case_dir, &db) < 0)
		return EXIT_FATAL;
	exhibit_error_clear(&err);
	if (seq == 0)
		seq = last_entry(casedb_handle(db));
	ok = seq > 0 && row_digest_register(casedb_handle(db), &err) == 0 &&
	     custody_entry_hash(casedb_handle(db), seq, hash, &err) == 0 &&
	     timestamp_request(hash, &der, &len, &err) == 0;
	casedb_close(db);
	if (!ok) {
		fprintf(stderr, "exhibit timestamp: %s\n", seq > 0 ? err.message : "the case has no custody entries");
		free(der);
		return EXIT_FATAL;
	}
	f = fopen(out, "wbx");
	ok = f && fwrite(der, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	free(der);
	if (!ok) {
		fprintf(stderr, "exhibit timestamp: %s: cannot write (it must not exist yet)\n", out);
		return EXIT_FATAL;
	}
	printf("Request over custody entry %lld written to %s\n", (long long)seq, out);
	return EXIT_OK;
}

static int store_stamp(sqlite3 *db, int64_t seq, const unsigned char *req, size_t req_len,
                       const unsigned char *reply, size_t reply_len, const timestamp_info *info)
{
	sqlite3_stmt *s;
	char now[32];
	int rc;

	custody_now(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO custody_timestamps(seq, request, reply, gen_time, tsa, "
	                       "added) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, seq);
	if (req)
		sqlite3_bind_blob(s, 2, req, (int)req_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, reply, (int)reply_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, info->gen_time, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, info->tsa, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* attach_reply — check a TSA's reply and keep it, as a custody entry. */
static int attach_reply(const char *case_dir, const char *reply_path, const char *req_path,
                        const char *cert, custody_cli *custody)
{
	static const char *const scope[] = { "custody_timestamps", NULL };
	size_t reply_len = 0, req_len = 0;
	unsigned char *reply = read_file(reply_path, &reply_len);
	unsigned char *req = req_path ? read_file(req_path, &req_len) : NULL;
	char object[64], *params = NULL;
	timestamp_info info;
	custody_begun begun;
	exhibit_error err;
	casedb *db = NULL;
	int64_t seq = 0;
	int rc = EXIT_FATAL;

	exhibit_error_clear(&err);
	if (!reply || (req_path && !req) || custody_cli_load(custody, "timestamp") < 0 ||
	    open_case(case_dir, &db) < 0)
		goto out;
	if (row_digest_register(casedb_handle(db), &err) < 0 ||
	    timestamp_check(reply, reply_len, req, req_len, cert, &info, &err) < 0) {
		fprintf(stderr, "exhibit timestamp: %s: %s\n", reply_path, err.message);
		rc = EXIT_INCOMPLETE;
		goto out;
	}
	if (!(seq = entry_stamped(casedb_handle(db), info.imprint))) {
		fprintf(stderr, "exhibit timestamp: %s: it stamps a hash that is no entry of this case\n",
		        reply_path);
		rc = EXIT_INCOMPLETE;
		goto out;
	}
	if (custody_cli_begin(custody, casedb_handle(db), "timestamp", "timestamp", scope, &begun) < 0)
		goto out;
	if (store_stamp(casedb_handle(db), seq, req, req_len, reply, reply_len, &info) < 0) {
		fprintf(stderr, "exhibit timestamp: %s\n", sqlite3_errmsg(casedb_handle(db)));
		goto out;
	}
	snprintf(object, sizeof object, "custody entry %lld", (long long)seq);
	if (asprintf(&params, "{\"gen_time\":\"%s\",\"tsa_cert\":%s}", info.gen_time,
	             cert ? "\"given\"" : "null") < 0)
		params = NULL;
	{
		custody_action action = { "timestamp", object, params, NULL, scope, NULL };
		if (custody_cli_commit(custody, casedb_handle(db), case_dir, "timestamp", &action, 0) < 0)
			goto out;
	}
	printf("Custody entry %lld existed at %s, says %s (%s)\n", (long long)seq, info.gen_time,
	       info.tsa, info.chain_checked ? "signature and certificate checked"
	                                    : "signature checked with the certificate the reply carries");
	rc = EXIT_OK;
out:
	free(params);
	free(reply);
	free(req);
	casedb_close(db);
	return rc;
}

int cmd_timestamp(int argc, char **argv)
{
	static const struct option options[] = {
		{ "request", required_argument, NULL, 'r' },
		{ "tsa-reply", required_argument, NULL, 'R' },
		{ "tsa-cert", required_argument, NULL, 'c' },
		{ "entry", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		CUSTODY_CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	const char *request = NULL, *reply = NULL, *cert = NULL;
	custody_cli custody;
	int64_t entry = 0;
	int c, rc;

	memset(&custody, 0, sizeof custody);
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'r': request = optarg; break;
		case 'R': reply = optarg; break;
		case 'c': cert = optarg; break;
		case 'e': entry = strtoll(optarg, NULL, 10); break;
		case 'h': usage(stdout); return EXIT_OK;
		default:
			if (custody_cli_option(&custody, c, optarg))
				break;
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || (!request && !reply) || (reply && !cert)) {
		fprintf(stderr, "exhibit timestamp: %s\n", reply && !cert
		        ? "--tsa-reply needs --tsa-cert: the certificate of the TSA you trust"
		        : "give --request OUT, or --tsa-reply REPLY --tsa-cert CERT");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!reply)
		return write_request(argv[optind], entry, request);
	rc = attach_reply(argv[optind], reply, request, cert, &custody);
	custody_cli_free(&custody);
	return rc;
}

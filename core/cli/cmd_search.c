/*
 * cmd_search.c — `exhibit search CASE QUERY`: full-text search over the
 * chat messages of a case (the chat_messages_fts index of case.sql).
 *
 * The case is opened read-only; a run in progress may go on writing it.
 * QUERY is SQLite FTS5 query syntax (words, "phrases", prefix*, AND, OR,
 * NOT, NEAR).  Matches are listed in time order, each with its app,
 * thread, sender, time and where it came from (file, table, row, or the
 * place it was recovered from).  Text from evidence is escaped before it
 * reaches the terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cli.h"
#include "text.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit search CASE QUERY [OPTION]...\n"
		"Search the bodies of the chat messages of the case in directory CASE.\n"
		"QUERY is SQLite FTS5 syntax: words (all must occur), \"a phrase\", prefix*,\n"
		"OR, NOT, NEAR(a b, 5).  Case and diacritics are ignored.\n"
		"\n"
		"  -a, --app APP     only messages of this app (as v_messages names it)\n"
		"  -n, --limit N     at most N matches\n"
		"      --json        one JSON object per match\n"
		"  -h, --help        this help\n"
		"\n"
		"Exit status: 0 the search ran (whether or not anything matched); 2 usage\n"
		"error or a malformed query; 3 the case could not be read.\n");
}

typedef struct search_args {
	const char *case_dir, *query, *app;
	long limit;
	int json;
} search_args;

static int parse_args(int argc, char **argv, search_args *a)
{
	static const struct option options[] = {
		{ "app", required_argument, NULL, 'a' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	memset(a, 0, sizeof *a);
	a->limit = -1;
	while ((c = getopt_long(argc, argv, "a:n:h", options, NULL)) != -1) {
		switch (c) {
		case 'a': a->app = optarg; break;
		case 'n':
			a->limit = strtol(optarg, &end, 10);
			if (*end || a->limit < 0) {
				fprintf(stderr, "exhibit search: --limit wants a number, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'J': a->json = 1; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "exhibit search: %s\n", argc - optind < 2 ?
		        "CASE and QUERY are required" : "one QUERY only (quote it)");
		usage(stderr);
		return -1;
	}
	a->case_dir = argv[optind];
	a->query = argv[optind + 1];
	return 0;
}

static const char search_sql[] =
	"SELECT m.id, m.app, v.thread, m.thread_title, m.sender, m.sender_name, "
	"       m.direction, coalesce(v.sent, CASE WHEN m.received IS NOT NULL THEN "
	"         strftime('%Y-%m-%dT%H:%M:%S', m.received, 'unixepoch') || "
	"         CASE m.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(m.received_ns, 0) / 1000000) "
	"         WHEN '1us' THEN printf('.%06d', coalesce(m.received_ns, 0) / 1000) "
	"         WHEN '1ns' THEN printf('.%09d', coalesce(m.received_ns, 0)) ELSE '' END || "
	"         CASE m.time_zone WHEN 'local' THEN '' ELSE 'Z' END || ' (received)' END), m.body, "
	"       f.path, v.source_table, v.source_rowid, v.recovered_from, "
	"       m.recovered_offset, m.message_type, v.deleted "
	"FROM chat_messages_fts s "
	"JOIN chat_messages m ON m.id = s.rowid "
	"JOIN v_messages v ON v.id = m.id "
	"LEFT JOIN files f ON f.id = v.source_file_id "
	"WHERE chat_messages_fts MATCH ?1 AND (?2 IS NULL OR m.app = ?2) "
	"ORDER BY coalesce(m.sent, m.received), coalesce(m.sent_ns, m.received_ns), m.id "
	"LIMIT ?3";

enum {
	R_ID, R_APP, R_THREAD, R_TITLE, R_SENDER, R_SENDER_NAME, R_DIRECTION,
	R_SENT, R_BODY, R_FILE, R_TABLE, R_ROWID, R_RECOVERED, R_OFFSET, R_TYPE,
	R_DELETED, R_COUNT
};

static const char *const json_names[R_COUNT] = {
	"id", "app", "thread", "title", "sender", "sender_name", "direction",
	"sent", "body", "file", "table", "rowid", "recovered_from",
	"recovered_offset", "message_type", "deleted"
};

/* A column as escaped text for the terminal ("-" for NULL); malloc'd. */
static char *shown(sqlite3_stmt *s, int i)
{
	const char *text = (const char *)sqlite3_column_text(s, i);

	if (!text)
		return strdup("-");
	return text_escape_utf8(text, (size_t)sqlite3_column_bytes(s, i));
}

static void print_text(sqlite3_stmt *s)
{
	char *v[R_COUNT];
	int i;

	for (i = 0; i < R_COUNT; i++)
		v[i] = shown(s, i);
	printf("%s  %s  thread %s%s%s%s\n", v[R_SENT], v[R_APP], v[R_THREAD],
	       sqlite3_column_type(s, R_TITLE) != SQLITE_NULL ? " (" : "",
	       sqlite3_column_type(s, R_TITLE) != SQLITE_NULL ? v[R_TITLE] : "",
	       sqlite3_column_type(s, R_TITLE) != SQLITE_NULL ? ")" : "");
	printf("  %s %s%s%s%s\n", v[R_DIRECTION], v[R_SENDER],
	       sqlite3_column_type(s, R_SENDER_NAME) != SQLITE_NULL ? " (" : "",
	       sqlite3_column_type(s, R_SENDER_NAME) != SQLITE_NULL ? v[R_SENDER_NAME] : "",
	       sqlite3_column_type(s, R_SENDER_NAME) != SQLITE_NULL ? ")" : "");
	printf("  %s\n", v[R_BODY]);
	if (sqlite3_column_type(s, R_RECOVERED) != SQLITE_NULL)
		printf("  source: %s, table %s, row %s, recovered from %s at offset %s\n",
		       v[R_FILE], v[R_TABLE], v[R_ROWID], v[R_RECOVERED], v[R_OFFSET]);
	else
		printf("  source: %s, table %s, row %s\n", v[R_FILE], v[R_TABLE], v[R_ROWID]);
	for (i = 0; i < R_COUNT; i++)
		free(v[i]);
}

static void print_json(sqlite3_stmt *s)
{
	int i;

	printf("{");
	for (i = 0; i < R_COUNT; i++) {
		printf("%s\"%s\":", i ? "," : "", json_names[i]);
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_NULL:
			printf("null");
			break;
		case SQLITE_INTEGER:
			printf("%lld", (long long)sqlite3_column_int64(s, i));
			break;
		default: {
			const char *text = (const char *)sqlite3_column_text(s, i);
			char *clean = text_escape_utf8(text ? text : "",
			                               (size_t)sqlite3_column_bytes(s, i));
			char *quoted = clean ? text_json_escape(clean) : NULL;

			printf("%s", quoted ? quoted : "null");
			free(quoted);
			free(clean);
		}
		}
	}
	printf("}\n");
}

/* The case database, read-only; NULL (after a message) when it is not a
 * case that holds chat messages. */
static sqlite3 *open_case(const char *case_dir)
{
	char *path = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int ok = 0;

	if (asprintf(&path, "%s/case.db", case_dir) < 0)
		return NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "exhibit search: %s: cannot open: %s\n", path,
		        db ? sqlite3_errmsg(db) : "out of memory");
	} else if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = "
	                              "'chat_messages_fts'", -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "exhibit search: %s: not an exhibit case: %s\n", path,
		        sqlite3_errmsg(db));
	} else if (sqlite3_step(s) != SQLITE_ROW) {
		fprintf(stderr, "exhibit search: %s: this case has no message index "
		        "(made by an exhibit without chat support?)\n", path);
	} else {
		ok = 1;
	}
	sqlite3_finalize(s);
	free(path);
	if (!ok) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	return db;
}

int cmd_search(int argc, char **argv)
{
	search_args a;
	sqlite3 *db;
	sqlite3_stmt *s = NULL;
	long matches = 0;
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	db = open_case(a.case_dir);
	if (!db)
		return EXIT_FATAL;
	if (sqlite3_prepare_v2(db, search_sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "exhibit search: %s/case.db: %s\n", a.case_dir, sqlite3_errmsg(db));
		sqlite3_close(db);
		return EXIT_FATAL;
	}
	sqlite3_bind_text(s, 1, a.query, -1, SQLITE_STATIC);
	if (a.app)
		sqlite3_bind_text(s, 2, a.app, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, a.limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (a.json)
			print_json(s);
		else
			print_text(s);
		matches++;
	}
	if (rc != SQLITE_DONE) {
		/* FTS5 says what is wrong with a query ("fts5: syntax error near"). */
		int bad_query = strstr(sqlite3_errmsg(db), "fts5") != NULL;

		fprintf(stderr, "exhibit search: %s: %s\n",
		        bad_query ? "malformed query" : a.case_dir, sqlite3_errmsg(db));
		sqlite3_finalize(s);
		sqlite3_close(db);
		return bad_query ? EXIT_USAGE : EXIT_FATAL;
	}
	if (!a.json)
		printf("%ld message%s\n", matches, matches == 1 ? "" : "s");
	sqlite3_finalize(s);
	sqlite3_close(db);
	return EXIT_OK;
}

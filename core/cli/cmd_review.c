/*
 * cmd_review.c — what a reviewer says about an item, from the command
 * line: `exhibit tag`, `exhibit note`, `exhibit categorize`.  Each is a
 * custody entry naming the examiner, the item and what was said.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb.h"
#include "cli.h"
#include "custody_cli.h"
#include "text.h"

typedef enum review_kind { REVIEW_TAG, REVIEW_NOTE, REVIEW_CATEGORY } review_kind;

typedef struct review_command {
	const char *name;      /* tag, note, categorize */
	const char *what;      /* TAG, TEXT, CATEGORY */
	const char *table;     /* the one table it changes */
	const char *help;
} review_command;

static const review_command commands[] = {
	[REVIEW_TAG] = { "tag", "TAG", "review_tags",
		"Tag an item (a file id from v_files, or its exact path); --remove takes the tag off.\n" },
	[REVIEW_NOTE] = { "note", "TEXT", "review_notes",
		"Add a note to an item (a file id from v_files, or its exact path).\n" },
	[REVIEW_CATEGORY] = { "categorize", "CATEGORY", "review_categories",
		"Set an item's category in a category scheme (default project-vic-us: 0-4 as\n"
		"Project VIC defines them), replacing the one it had in that scheme.\n" },
};

static void usage(FILE *out, const review_command *c)
{
	fprintf(out, "Usage: exhibit %s CASE ITEM %s [OPTION]...\n%s\n", c->name, c->what, c->help);
	if (c == &commands[REVIEW_TAG])
		fprintf(out, "      --remove            remove the tag instead\n");
	if (c == &commands[REVIEW_CATEGORY])
		fprintf(out, "      --scheme NAME       project-vic-us, project-vic-canada or caid-uk\n");
	fprintf(out, CUSTODY_CLI_HELP "  -h, --help              this help\n");
}

/* find_item — the file id ITEM names: a number, or an exact path. */
static int64_t find_item(sqlite3 *db, const char *item, const char *command)
{
	sqlite3_stmt *s;
	char *end;
	long long id = strtoll(item, &end, 10);
	int64_t found = 0, n = 0;

	if (sqlite3_prepare_v2(db, *end || !*item ? "SELECT id FROM files WHERE path = ?1 LIMIT 2"
	                                          : "SELECT id FROM files WHERE id = ?1", -1, &s,
	                       NULL) != SQLITE_OK)
		return 0;
	if (*end || !*item)
		sqlite3_bind_text(s, 1, item, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		found = sqlite3_column_int64(s, 0);
		n++;
	}
	sqlite3_finalize(s);
	if (n == 1)
		return found;
	fprintf(stderr, "exhibit %s: %s: %s\n", command, item,
	        n ? "several items have this path: give the file id from v_files" : "no such item");
	return 0;
}

static int run_change(sqlite3 *db, review_kind kind, int64_t file_id, const char *value,
                      const char *scheme, int remove, const char *examiner, const char *at)
{
	static const char *const sql[] = {
		[REVIEW_TAG] = "INSERT OR IGNORE INTO review_tags(file_id, tag, examiner, at) "
		               "VALUES (?1, ?2, ?3, ?4)",
		[REVIEW_NOTE] = "INSERT INTO review_notes(file_id, note, examiner, at) VALUES (?1, ?2, ?3, ?4)",
		[REVIEW_CATEGORY] = "INSERT INTO review_categories(file_id, category, examiner, at, "
		                    "category_scheme) VALUES (?1, ?2, ?3, ?4, ?5) "
		                    "ON CONFLICT(file_id, category_scheme) DO UPDATE SET "
		                    "category = excluded.category, examiner = excluded.examiner, at = excluded.at",
	};
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, remove ? "DELETE FROM review_tags WHERE file_id = ?1 AND tag = ?2"
	                                  : sql[kind], -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, file_id);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	if (!remove) {
		sqlite3_bind_text(s, 3, examiner, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, at, -1, SQLITE_STATIC);
		if (kind == REVIEW_CATEGORY)
			sqlite3_bind_text(s, 5, scheme, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? sqlite3_changes(db) : -1;
}

static int known_scheme(const char *scheme)
{
	return !strcmp(scheme, "project-vic-us") || !strcmp(scheme, "project-vic-canada") ||
	       !strcmp(scheme, "caid-uk");
}

static char *parameters_json(const char *value, const char *scheme, int remove, int64_t file_id)
{
	char *v = text_json_escape(value), *out = NULL;

	if (v && asprintf(&out, "{\"file_id\":%lld,\"value\":%s%s%s%s%s}", (long long)file_id, v,
	                  scheme ? ",\"category_scheme\":\"" : "", scheme ? scheme : "",
	                  scheme ? "\"" : "", remove ? ",\"remove\":true" : "") < 0)
		out = NULL;
	free(v);
	return out;
}

static int review_main(review_kind kind, int argc, char **argv)
{
	static const struct option options[] = {
		{ "remove", no_argument, NULL, 'r' },
		{ "scheme", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		CUSTODY_CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	const review_command *cmd = &commands[kind];
	const char *scheme = kind == REVIEW_CATEGORY ? "project-vic-us" : NULL;
	const char *const scope[] = { cmd->table, NULL };
	custody_cli custody;
	custody_begun begun;
	exhibit_error err;
	casedb *db = NULL;
	char at[32], *params = NULL, object[64];
	int c, remove = 0, rc = EXIT_FATAL, changed;
	int64_t file_id;

	memset(&custody, 0, sizeof custody);
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'r' && kind == REVIEW_TAG) {
			remove = 1;
		} else if (c == 's' && kind == REVIEW_CATEGORY) {
			scheme = optarg;
		} else if (c == 'h') {
			usage(stdout, cmd);
			return EXIT_OK;
		} else if (!custody_cli_option(&custody, c, optarg)) {
			usage(stderr, cmd);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 3 || !*argv[optind + 2] || (scheme && !known_scheme(scheme))) {
		usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if (custody_cli_load(&custody, cmd->name) < 0)
		return EXIT_USAGE;
	exhibit_error_clear(&err);
	if (casedb_open(argv[optind], &db, &err) < 0) {
		fprintf(stderr, "exhibit %s: %s\n", cmd->name, err.message);
		goto out;
	}
	if (!(file_id = find_item(casedb_handle(db), argv[optind + 1], cmd->name))) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (custody_cli_begin(&custody, casedb_handle(db), cmd->name, cmd->name, scope, &begun) < 0)
		goto out;
	custody_now(at);
	changed = run_change(casedb_handle(db), kind, file_id, argv[optind + 2], scheme, remove,
	                     custody.who.examiner, at);
	if (changed < 0) {
		fprintf(stderr, "exhibit %s: %s\n", cmd->name, sqlite3_errmsg(casedb_handle(db)));
		goto out;
	}
	snprintf(object, sizeof object, "file %lld", (long long)file_id);
	params = parameters_json(argv[optind + 2], scheme, remove, file_id);
	{
		custody_action action = { remove ? "untag" : cmd->name, object, params, NULL, scope, NULL };
		if (custody_cli_commit(&custody, casedb_handle(db), argv[optind], cmd->name, &action, 0) == 0)
			rc = EXIT_OK;
	}
	if (changed == 0)
		fprintf(stderr, "exhibit %s: nothing changed (%s)\n", cmd->name,
		        remove ? "the item did not have this tag" : "the item already had this tag");
out:
	free(params);
	casedb_close(db);
	custody_cli_free(&custody);
	return rc;
}

int cmd_tag(int argc, char **argv) { return review_main(REVIEW_TAG, argc, argv); }
int cmd_note(int argc, char **argv) { return review_main(REVIEW_NOTE, argc, argv); }
int cmd_categorize(int argc, char **argv) { return review_main(REVIEW_CATEGORY, argc, argv); }

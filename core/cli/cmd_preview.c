/*
 * cmd_preview.c — `exhibit preview CASE FILE_ID --out FILE`: write out
 * the preview media-preview made of a file (the previews table of
 * case.sql), for a report or a reviewer.
 *
 * The blurred one unless --unblurred is given: what a reviewer sees by
 * default must not harm them.  The case is opened read-only and is not
 * changed, so no custody entry is made (the file written is a copy of
 * what the case holds, not a new finding).  FILE is created or replaced;
 * "-" writes to standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli.h"
#include "text.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit preview CASE FILE_ID --out FILE [OPTION]...\n"
		"Write the preview of file FILE_ID (v_files.id) of the case in directory CASE:\n"
		"a thumbnail of an image or a contact sheet of a video, as JPEG, grey and\n"
		"blurred unless --unblurred is given.  v_previews lists what the case holds.\n"
		"\n"
		"  -o, --out FILE    where to write it (\"-\": standard output)\n"
		"  -k, --kind KIND   thumbnail or contact_sheet (default: whichever there is)\n"
		"      --unblurred   the picture as decoded, not the blurred one\n"
		"  -h, --help        this help\n"
		"\n"
		"Exit status: 0 written; 1 the case holds no such preview; 2 usage error;\n"
		"3 the case could not be read or FILE not written.\n");
}

typedef struct preview_args {
	const char *case_dir, *out, *kind;
	long long file_id;
	int unblurred;
} preview_args;

static int parse_args(int argc, char **argv, preview_args *a)
{
	static const struct option options[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "kind", required_argument, NULL, 'k' },
		{ "unblurred", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	memset(a, 0, sizeof *a);
	while ((c = getopt_long(argc, argv, "o:k:h", options, NULL)) != -1) {
		switch (c) {
		case 'o': a->out = optarg; break;
		case 'k': a->kind = optarg; break;
		case 'U': a->unblurred = 1; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (argc - optind != 2 || !a->out) {
		fprintf(stderr, "exhibit preview: %s\n", argc - optind != 2 ?
		        "CASE and FILE_ID are required" : "--out FILE is required");
		usage(stderr);
		return -1;
	}
	if (a->kind && strcmp(a->kind, "thumbnail") && strcmp(a->kind, "contact_sheet")) {
		fprintf(stderr, "exhibit preview: --kind is thumbnail or contact_sheet, not '%s'\n",
		        a->kind);
		return -1;
	}
	a->case_dir = argv[optind];
	a->file_id = strtoll(argv[optind + 1], &end, 10);
	if (*end || end == argv[optind + 1] || a->file_id <= 0) {
		fprintf(stderr, "exhibit preview: FILE_ID is a number (v_files.id), not '%s'\n",
		        argv[optind + 1]);
		return -1;
	}
	return 0;
}

/* The case database, read-only; NULL (after a message) when it is not a
 * case that can hold previews. */
static sqlite3 *open_case(const char *case_dir)
{
	char *path = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int ok = 0;

	if (asprintf(&path, "%s/case.db", case_dir) < 0)
		return NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "exhibit preview: %s: cannot open: %s\n", path,
		        db ? sqlite3_errmsg(db) : "out of memory");
	} else if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = 'previews'",
	                              -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "exhibit preview: %s: not an exhibit case: %s\n", path,
		        sqlite3_errmsg(db));
	} else if (sqlite3_step(s) != SQLITE_ROW) {
		fprintf(stderr, "exhibit preview: %s: this case has no previews table (made by an "
		        "older exhibit: opening it with `exhibit process` migrates it)\n", path);
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

static const char preview_sql[] =
	"SELECT p.data, p.kind, p.width, p.height, f.path FROM previews p "
	"JOIN files f ON f.content_id = p.content_id "
	"WHERE f.id = ?1 AND p.blurred = ?2 AND (?3 IS NULL OR p.kind = ?3) "
	"ORDER BY p.id LIMIT 1";

/* write_all — data to path ("-": stdout).  RETURN 0 or -1 (printed). */
static int write_all(const char *path, const void *data, size_t len)
{
	int fd = strcmp(path, "-") ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
	                           : STDOUT_FILENO;
	const char *p = data;

	if (fd < 0) {
		fprintf(stderr, "exhibit preview: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "exhibit preview: %s: %s\n", path, n < 0 ? strerror(errno)
			        : "nothing written");
			if (fd != STDOUT_FILENO) {
				close(fd);
				unlink(path);
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fd != STDOUT_FILENO && close(fd) != 0) {
		fprintf(stderr, "exhibit preview: %s: %s\n", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

int cmd_preview(int argc, char **argv)
{
	preview_args a;
	sqlite3 *db;
	sqlite3_stmt *s = NULL;
	int rc, status;

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	db = open_case(a.case_dir);
	if (!db)
		return EXIT_FATAL;
	if (sqlite3_prepare_v2(db, preview_sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "exhibit preview: %s/case.db: %s\n", a.case_dir, sqlite3_errmsg(db));
		sqlite3_close(db);
		return EXIT_FATAL;
	}
	sqlite3_bind_int64(s, 1, a.file_id);
	sqlite3_bind_int(s, 2, !a.unblurred);
	if (a.kind)
		sqlite3_bind_text(s, 3, a.kind, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(s, 4);
		char *shown = text_escape_utf8(path ? path : "", (size_t)sqlite3_column_bytes(s, 4));

		status = write_all(a.out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0))
		       ? EXIT_FATAL : EXIT_OK;
		if (status == EXIT_OK && strcmp(a.out, "-"))
			printf("%s: %s of %s, %dx%d, %s\n", a.out, sqlite3_column_text(s, 1),
			       shown ? shown : "?", sqlite3_column_int(s, 2), sqlite3_column_int(s, 3),
			       a.unblurred ? "as decoded (not blurred)" : "grey and blurred");
		free(shown);
	} else if (rc == SQLITE_DONE) {
		fprintf(stderr, "exhibit preview: file %lld has no %s%s in this case (see v_previews, "
		        "and v_errors for why one could not be made)\n", a.file_id,
		        a.kind ? a.kind : "preview", a.unblurred ? " unblurred" : " blurred");
		status = EXIT_INCOMPLETE;
	} else {
		fprintf(stderr, "exhibit preview: %s/case.db: %s\n", a.case_dir, sqlite3_errmsg(db));
		status = EXIT_FATAL;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return status;
}

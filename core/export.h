/*
 * export.h — the case leaving exhibit in the formats the field exchanges.
 *
 * One entry point per format (DFXML, hashdeep, extracted files, CSV of a
 * view, Project VIC VICS 2.0, CASE/UCO JSON-LD), all with the same shape:
 * the open case database (a read-only connection is enough: exports read
 * the case through its tables and views and never change it), the output
 * path, options, and an exhibit_error.  Each returns what it wrote: a count
 * of items and the SHA-256 of the bytes (for a directory of extracted
 * files, of its manifest, which lists every file's SHA-256).
 *
 * What every exporter promises:
 *   - the output did not exist before and is not inside the evidence;
 *   - it is written to a temporary name beside the output and renamed into
 *     place only when complete, so a failed export leaves nothing;
 *   - bytes that came from evidence (names, paths) are escaped for the
 *     format, and invalid UTF-8 never makes invalid XML, JSON or CSV.
 */
#ifndef EXHIBIT_EXPORT_H
#define EXHIBIT_EXPORT_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"

typedef struct export_options {
	const char *view;             /* csv: the table or view to write (default v_files) */
	const char *files_root;       /* hashdeep: where the files export is (or will be);
	                               * NULL: names relative to it, as "./..." */
	const char *category_scheme;  /* vics: which categorised sets to use (default: the
	                               * only scheme in the case) */
	int media_only;               /* vics: images and videos only */
	int formula_guard;            /* csv: quote text that a spreadsheet would run */
	const char *command_line;     /* recorded in the output where the format has a place */
	/* Non-fatal findings (a category that cannot be expressed, a conflict):
	 * library code never prints, the caller decides.  May be NULL. */
	void (*warn)(void *ctx, const char *message);
	void *warn_ctx;
} export_options;

typedef struct export_result {
	uint64_t items;               /* rows, file objects, media, files written */
	uint64_t bytes;               /* bytes of the output file (files: of the manifest) */
	unsigned char sha256[32];
	char sha256_hex[65];
	char *hashed_path;            /* the file sha256 is of (malloc'd; free with
	                               * export_result_clear) */
	uint64_t warnings;
} export_result;

typedef int (*export_fn)(sqlite3 *db, const char *output, const export_options *opt,
                         export_result *res, exhibit_error *err);

typedef struct export_format {
	const char *name;             /* as given to --format */
	export_fn run;
	const char *what;             /* one line for --help */
} export_format;

/* export_formats — every format, ending with a zeroed entry. */
extern const export_format export_formats[];

/* export_format_find — the format called name, or NULL. */
const export_format *export_format_find(const char *name);

/* The formats.  Each RETURN: 0, or a negative code with err saying why
 * (and nothing left at output). */
int export_dfxml(sqlite3 *db, const char *output, const export_options *opt,
                 export_result *res, exhibit_error *err);
int export_hashdeep(sqlite3 *db, const char *output, const export_options *opt,
                    export_result *res, exhibit_error *err);
int export_files(sqlite3 *db, const char *output, const export_options *opt,
                 export_result *res, exhibit_error *err);
int export_csv(sqlite3 *db, const char *output, const export_options *opt,
               export_result *res, exhibit_error *err);
int export_vics(sqlite3 *db, const char *output, const export_options *opt,
                export_result *res, exhibit_error *err);
int export_caseuco(sqlite3 *db, const char *output, const export_options *opt,
                   export_result *res, exhibit_error *err);

/*
 * export_run — run format f on db inside one read transaction, so that
 * every query of the export sees the same case even while a processing
 * run is adding to it.
 * RETURN: what the exporter returns.
 */
int export_run(const export_format *f, sqlite3 *db, const char *output,
               const export_options *opt, export_result *res, exhibit_error *err);

/*
 * export_open_case — a read-only connection to CASE_DIR/case.db, checked to
 * be an exhibit case this version understands.
 * RETURN: 0, or a negative code with err naming the case.
 */
int export_open_case(const char *case_dir, sqlite3 **db, exhibit_error *err);

/* export_result_clear — free what an export put in res and zero it. */
void export_result_clear(export_result *res);

#endif

/*
 * known_apps.h — which app wrote an SQLite database.
 *
 * A table of known apps (data, not code): each entry names the app, its
 * package or bundle id and platform, the places the app keeps the database
 * (fnmatch globs, case-insensitive, matched against the item's full path;
 * a glob that begins with a star and a slash also matches a path that
 * starts with what follows them) and a schema fingerprint: table names, and "table.column" pairs, that
 * must all be present.  Several entries may share an app (one per database
 * file or schema generation).  Adding an app is adding one entry.
 *
 * Identification, in order of preference:
 *   path + schema  a path pattern and the fingerprint both match;
 *   schema         the fingerprint alone (a renamed, moved or carved file);
 *   path           a path pattern alone (the schema is unknown, unreadable,
 *                  or of a generation the table does not describe).
 * Within a tier the most specific fingerprint (most requirements) wins, and
 * then the earlier entry.  Schema evidence outranks path evidence because
 * it comes from the content, and names in evidence are easily wrong.
 *
 * Names compare as SQLite compares identifiers: ASCII case-insensitive.
 * Pure functions over constant data: safe from any number of threads.
 */
#ifndef APP_DATABASES_KNOWN_APPS_H
#define APP_DATABASES_KNOWN_APPS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct known_app {
	const char *app;      /* display name, "WhatsApp" */
	const char *app_id;   /* package or bundle id, "com.whatsapp" */
	const char *platform; /* "android", "ios" or "desktop" */
	const char *const *paths;  /* fnmatch globs, NULL-terminated */
	const char *const *schema; /* "table" or "table.column", NULL-terminated */
} known_app;

/*
 * What a database offers to the matcher.  Callbacks answer true when the
 * table (or the column of that table) exists; ctx is passed back.
 */
typedef struct schema_probe {
	bool (*has_table)(const void *ctx, const char *table);
	bool (*has_column)(const void *ctx, const char *table, const char *column);
	const void *ctx;
} schema_probe;

typedef enum known_app_evidence {
	KNOWN_APP_UNKNOWN = 0,
	KNOWN_APP_BY_PATH,
	KNOWN_APP_BY_SCHEMA,
	KNOWN_APP_BY_PATH_AND_SCHEMA
} known_app_evidence;

typedef struct known_app_match {
	const known_app *app; /* NULL when unknown */
	known_app_evidence evidence;
} known_app_match;

/*
 * known_app_identify — the best entry for a database at path (may be NULL,
 * for carved content) whose schema answers through probe (NULL when the
 * schema could not be read).
 */
known_app_match known_app_identify(const char *path, const schema_probe *probe);

/* known_app_evidence_name — "path", "schema", "path+schema", or NULL. */
const char *known_app_evidence_name(known_app_evidence evidence);

/* The table itself, for tests and listings. */
size_t known_apps_count(void);
const known_app *known_apps_at(size_t index);

#endif

/*
 * export_vics.c — the 'vics' export: Project VIC VICS 2.0 JSON, the case
 * form (OData: "@odata.context" naming the 2.0 data model and "#Cases",
 * "value" holding one Case whose "Media" array lists the media).
 *
 * One Media per unique content of a regular file (images and videos only
 * with --media-only), keyed like VICS by MD5:
 *   MediaID (Int32, 1..N), MD5 and SHA1 (uppercase hex), MediaSize (Int64),
 *   MimeType, Category (Int32) and IsPrecategorized when a categorised hash
 *   set of the case knows it, AlternativeHashes [{MD5, HashName "SHA256",
 *   HashValue}], MediaFiles [{MD5, FileName, FilePath, Created, Written,
 *   Accessed (ISO-8601: UTC with "Z", a FAT device's local time without a
 *   zone), Deleted, PhysicalLocation}] — one per place the content was
 *   found.
 * Categories come from hash_hits of sets whose kind is 'categorised', of
 * one category scheme (the data model names it: US, UK, or Default).
 * A VICS category is a number: a category stated otherwise is reported,
 * not guessed.  Importing the export as a hash set gives back the same
 * hashes and categories.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "export_common.h"
#include "export_sink.h"
#include "export_text.h"

typedef struct vics_writer {
	sqlite3 *db;
	export_sink *s;
	const export_options *opt;
	export_result *res;
	const char *scheme;          /* NULL: no categories */
	sqlite3_stmt *places, *category;
} vics_writer;

static const char *context_segment(const char *scheme)
{
	if (scheme && !strcmp(scheme, "project-vic-us"))
		return "US";
	if (scheme && !strcmp(scheme, "caid-uk"))
		return "UK";
	return "Default";
}

/* choose_scheme — the category scheme to export: the one asked for, or the
 * only one the case's categorised sets use (none: NULL). */
static int choose_scheme(vics_writer *w, char **scheme, exhibit_error *err)
{
	sqlite3_stmt *st;
	char *found = NULL, list[512] = "";
	int n = 0;

	*scheme = NULL;
	if (w->opt && w->opt->category_scheme)
		return (*scheme = strdup(w->opt->category_scheme)) ? 0
		       : exhibit_error_set(err, -1, -1, "out of memory");
	if (sqlite3_prepare_v2(w->db, "SELECT category_scheme FROM hash_sets WHERE kind = "
	                       "'categorised' AND category_scheme IS NOT NULL UNION "
	                       "SELECT category_scheme FROM review_categories ORDER BY 1", -1, &st,
	                       NULL) != SQLITE_OK)
		return export_sql_error(w->db, err, "reading the hash sets");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (n++ == 0)
			found = strdup(name);
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", n > 1 ? ", " : "", name);
	}
	sqlite3_finalize(st);
	if (n > 1) {
		free(found);
		return exhibit_error_set(err, -4, -1, "the case has categories of several schemes (%s): "
		                         "choose one with --category-scheme", list);
	}
	*scheme = found;
	return 0;
}

static void json_upper_hex(export_sink *s, sqlite3_stmt *st, int i, size_t len)
{
	char hex[2 * SHA256_LEN + 1];

	export_hex_column(st, i, len, hex);
	for (char *p = hex; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	export_sink_printf(s, "\"%s\"", hex);
}

/* category_of — the content's category in the scheme: 1 and *value set,
 * 0 when it has none; conflicts and non-numbers are reported.  A
 * reviewer's category comes first; *from_set says it came from a hash set
 * (VICS's IsPrecategorized). */
static int category_of(vics_writer *w, int64_t content_id, const char *md5, long *value,
                       int *from_set)
{
	sqlite3_stmt *st = w->category;
	int found = 0;

	if (!w->scheme)
		return 0;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, content_id);
	sqlite3_bind_text(st, 2, w->scheme, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		char *end = NULL;
		long v = text ? strtol(text, &end, 10) : 0;

		if (!text || !*text || *end || v < 0 || v > 2147483647L) {
			export_warn(w->opt, w->res, "media %s: category '%s' of %s is not a VICS "
			            "category number; not exported", md5, text ? text : "",
			            (const char *)sqlite3_column_text(st, 1));
			continue;
		}
		if (found && v != *value) {
			export_warn(w->opt, w->res, "media %s: %s says category %ld, the category "
			            "exported is %ld", md5, (const char *)sqlite3_column_text(st, 1), v, *value);
			continue;
		}
		found = 1;
		*value = v;
		*from_set = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return found;
}

static void json_time(export_sink *s, const char *name, sqlite3_stmt *st, int sec, int ns)
{
	char iso[40];

	if (sqlite3_column_type(st, sec) != SQLITE_NULL &&
	    export_iso_time(sqlite3_column_int64(st, sec), sqlite3_column_int64(st, ns),
	                    sqlite3_column_int(st, 10), iso) == 0)
		export_sink_printf(s, ", \"%s\": \"%s\"", name, iso);
}

/* write_media_files — every place the content was found. */
static void write_media_files(vics_writer *w, int64_t content_id, sqlite3_stmt *media)
{
	sqlite3_stmt *st = w->places;
	int first = 1;

	export_sink_puts(w->s, ",\n      \"MediaFiles\": [");
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, content_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		export_sink_puts(w->s, first ? "\n        {\"MD5\": " : ",\n        {\"MD5\": ");
		first = 0;
		json_upper_hex(w->s, media, 1, MD5_LEN);
		export_sink_puts(w->s, ", \"FileName\": ");
		export_json_string(w->s, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		export_sink_puts(w->s, ", \"FilePath\": ");
		export_json_string(w->s, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
		json_time(w->s, "Created", st, 3, 4);
		json_time(w->s, "Written", st, 5, 6);
		json_time(w->s, "Accessed", st, 7, 8);
		export_sink_printf(w->s, ", \"Deleted\": %s", sqlite3_column_int(st, 2) ? "false" : "true");
		if (sqlite3_column_type(st, 9) != SQLITE_NULL)
			export_sink_printf(w->s, ", \"PhysicalLocation\": %lld",
			                   (long long)sqlite3_column_int64(st, 9));
		export_sink_puts(w->s, "}");
	}
	sqlite3_reset(st);
	export_sink_puts(w->s, first ? "]" : "\n      ]");
}

/* write_exif — the place for a media's EXIF (VICS MediaMetadata /
 * Exifs).  The case holds no EXIF yet: when a plugin records it, its
 * properties are written here.  Until then nothing is written, which
 * VICS reads as "no EXIF known". */
static void write_exif(vics_writer *w, int64_t content_id)
{
	(void)w;
	(void)content_id;
}

static void write_media(vics_writer *w, sqlite3_stmt *media, int64_t media_id)
{
	export_sink *s = w->s;
	int64_t content_id = sqlite3_column_int64(media, 0);
	char md5[2 * MD5_LEN + 1];
	long category = 0;
	int from_set = 0;

	export_hex_column(media, 1, MD5_LEN, md5);
	export_sink_printf(s, "%s\n     {\"MediaID\": %lld", media_id > 1 ? "," : "", (long long)media_id);
	if (category_of(w, content_id, md5, &category, &from_set))
		export_sink_printf(s, ", \"Category\": %ld, \"IsPrecategorized\": %s", category,
		                   from_set ? "true" : "false");
	export_sink_puts(s, ",\n      \"MD5\": ");
	json_upper_hex(s, media, 1, MD5_LEN);
	export_sink_puts(s, ", \"SHA1\": ");
	json_upper_hex(s, media, 2, SHA1_LEN);
	export_sink_printf(s, ", \"MediaSize\": %lld", (long long)sqlite3_column_int64(media, 4));
	if (sqlite3_column_type(media, 5) != SQLITE_NULL) {
		export_sink_puts(s, ", \"MimeType\": ");
		export_json_str(s, (const char *)sqlite3_column_text(media, 5));
	}
	export_sink_puts(s, ",\n      \"AlternativeHashes\": [{\"MD5\": ");
	json_upper_hex(s, media, 1, MD5_LEN);
	export_sink_puts(s, ", \"HashName\": \"SHA256\", \"HashValue\": ");
	json_upper_hex(s, media, 3, SHA256_LEN);
	export_sink_puts(s, "}]");
	write_exif(w, content_id);
	write_media_files(w, content_id, media);
	export_sink_puts(s, "}");
	w->res->items++;
}

static void write_case_head(vics_writer *w, const char *case_number)
{
	char uuid[37];

	export_uuid(w->db, "case", 0, uuid);
	export_sink_printf(w->s, "{\n  \"@odata.context\": \"http://github.com/VICSDATAMODEL/ProjectVic/"
	                   "DataModels/2.0.xml/%s/$metadata#Cases\",\n  \"value\": [\n   {\"CaseID\": "
	                   "\"%s\"", context_segment(w->scheme), uuid);
	if (case_number) {
		export_sink_puts(w->s, ", \"CaseNumber\": ");
		export_json_str(w->s, case_number);
	}
	export_sink_printf(w->s, ", \"SourceApplicationName\": \"exhibit\", "
	                   "\"SourceApplicationVersion\": \"%s\",\n    \"Media\": [", PACKAGE_VERSION);
}

static int write_document(vics_writer *w)
{
	sqlite3_stmt *media, *number;
	char *case_number = NULL;
	int64_t n = 0;
	int step;

	if (sqlite3_prepare_v2(w->db, "SELECT case_number FROM evidence WHERE case_number IS NOT NULL "
	                       "AND case_number <> '' ORDER BY id LIMIT 1", -1, &number, NULL) == SQLITE_OK &&
	    sqlite3_step(number) == SQLITE_ROW)
		case_number = strdup((const char *)sqlite3_column_text(number, 0));
	sqlite3_finalize(number);
	write_case_head(w, case_number);
	free(case_number);
	if (sqlite3_prepare_v2(w->db,
	                       "SELECT c.id, c.md5, c.sha1, c.sha256, c.size, c.mime_type FROM content c "
	                       "WHERE EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.id AND f.type = 'r') "
	                       "AND (?1 = 0 OR c.mime_type LIKE 'image/%' OR c.mime_type LIKE 'video/%') "
	                       "ORDER BY c.id", -1, &media, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(media, 1, w->opt && w->opt->media_only);
	while ((step = sqlite3_step(media)) == SQLITE_ROW)
		write_media(w, media, ++n);
	sqlite3_finalize(media);
	export_sink_puts(w->s, "\n    ]}\n  ]\n}\n");
	return step == SQLITE_DONE ? 0 : -1;
}

int export_vics(sqlite3 *db, const char *output, const export_options *opt,
                export_result *res, exhibit_error *err)
{
	vics_writer w = { db, NULL, opt, res, NULL, NULL, NULL };
	char *scheme = NULL;
	uint64_t size;
	digests d;
	int rc = -1;

	if (export_check_output(db, output, err) < 0)
		return err ? err->code : -4;
	if (choose_scheme(&w, &scheme, err) < 0)
		return err ? err->code : -4;
	w.scheme = scheme;
	if (sqlite3_prepare_v2(db, "SELECT f.name, f.path, f.name_allocated, f.crtime, f.crtime_ns, "
	                       "f.mtime, f.mtime_ns, f.atime, f.atime_ns, (SELECT r.image_offset FROM "
	                       "data_runs r WHERE r.file_id = f.id ORDER BY r.seq LIMIT 1), " EXPORT_UTC_SQL " FROM files f "
	                       "WHERE f.content_id = ?1 AND f.type = 'r' ORDER BY f.id", -1, &w.places,
	                       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT category, source, from_set FROM ("
	                       "SELECT r.category, 'reviewer ' || r.examiner AS source, 0 AS from_set, "
	                       "0 AS rank, r.id AS id, '' AS algorithm FROM review_categories r "
	                       "JOIN files f ON f.id = r.file_id WHERE f.content_id = ?1 AND "
	                       "r.category_scheme = ?2 UNION ALL "
	                       "SELECT h.category, s.name, 1, 1, s.id, h.algorithm FROM hash_hits h "
	                       "JOIN hash_sets s ON s.id = h.set_id WHERE h.content_id = ?1 AND "
	                       "s.kind = 'categorised' AND s.category_scheme = ?2 AND "
	                       "h.category IS NOT NULL) ORDER BY rank, id, algorithm", -1, &w.category,
	                       NULL) != SQLITE_OK) {
		rc = export_sql_error(db, err, "reading the case");
		goto done;
	}
	if (!(w.s = export_sink_create(output, err)))
		goto done;
	if (write_document(&w) < 0) {
		rc = export_sql_error(db, err, "reading the case");
		goto done;
	}
	rc = export_sink_finish(w.s, &d, &size, err);
	w.s = NULL;
	if (rc == 0)
		rc = export_result_set(res, &d, size, output, err);
done:
	export_sink_abort(w.s);
	sqlite3_finalize(w.places);
	sqlite3_finalize(w.category);
	free(scheme);
	return rc;
}

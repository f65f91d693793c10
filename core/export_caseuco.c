/*
 * export_caseuco.c — the 'case-uco' export: CASE/UCO JSON-LD, one
 * "@graph" holding
 *   - exhibit itself as a uco-tool:Tool (the instrument of its actions);
 *   - each evidence as a uco-observable:Image with an ImageFacet, a
 *     FileFacet (its path) and a ContentDataFacet (size and the image's
 *     MD5, SHA-1, SHA-256 as uco-types:Hash);
 *   - each regular file as a uco-observable:File with a FileFacet (name,
 *     path, extension, size, times) and, when its content was read, a
 *     ContentDataFacet with its hashes; a deleted entry is tagged
 *     "deleted"; a uco-core:Relationship "Contained_Within" ties it to
 *     its evidence (or, for an item found inside another, to that item);
 *   - the investigative actions of the custody log, with their performers
 *     and instruments (write_custody_actions).
 * Identifiers are name-based UUIDs of the case (export_uuid): exporting
 * the same case twice gives the same identifiers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "export_common.h"
#include "export_sink.h"
#include "export_text.h"

/* The columns of the files query (write_graph). */
enum { F_ID, F_EVIDENCE, F_PARENT, F_NAME, F_PATH, F_SIZE, F_ALLOCATED, F_MTIME, F_MTIME_NS,
       F_ATIME, F_ATIME_NS, F_CTIME, F_CTIME_NS, F_CRTIME, F_CRTIME_NS, F_HAS_CONTENT,
       F_CONTENT_SIZE, F_MD5, F_SHA1, F_SHA256, F_MIME, F_UTC };

#define ID_MAX 128   /* "kb:" kind "-" uuid */

typedef struct uco_writer {
	sqlite3 *db;
	export_sink *s;
	const export_options *opt;
	export_result *res;
	int objects;              /* written so far (for the commas) */
	char tool_id[ID_MAX];
} uco_writer;

static const char context[] =
	"{\n  \"@context\": {\n"
	"    \"kb\": \"urn:exhibit:\",\n"
	"    \"case-investigation\": \"https://ontology.caseontology.org/case/investigation/\",\n"
	"    \"uco-action\": \"https://ontology.unifiedcyberontology.org/uco/action/\",\n"
	"    \"uco-core\": \"https://ontology.unifiedcyberontology.org/uco/core/\",\n"
	"    \"uco-identity\": \"https://ontology.unifiedcyberontology.org/uco/identity/\",\n"
	"    \"uco-observable\": \"https://ontology.unifiedcyberontology.org/uco/observable/\",\n"
	"    \"uco-tool\": \"https://ontology.unifiedcyberontology.org/uco/tool/\",\n"
	"    \"uco-types\": \"https://ontology.unifiedcyberontology.org/uco/types/\",\n"
	"    \"uco-vocabulary\": \"https://ontology.unifiedcyberontology.org/uco/vocabulary/\",\n"
	"    \"xsd\": \"http://www.w3.org/2001/XMLSchema#\"\n"
	"  },\n  \"@graph\": [";

/* node_id — "kb:KIND-UUID" for object id of kind, into out (ID_MAX bytes). */
static void node_id(uco_writer *w, const char *kind, int64_t id, char *out)
{
	char uuid[37];

	export_uuid(w->db, kind, id, uuid);
	snprintf(out, ID_MAX, "kb:%s-%s", kind, uuid);
}

static void begin_object(uco_writer *w, const char *id, const char *type)
{
	export_sink_printf(w->s, "%s\n    {\"@id\": \"%s\", \"@type\": \"%s\"", w->objects++ ? "," : "",
	                   id, type);
}

static void typed_value(export_sink *s, const char *property, const char *type, const char *value)
{
	export_sink_printf(s, ", \"%s\": {\"@type\": \"%s\", \"@value\": ", property, type);
	export_json_str(s, value);
	export_sink_puts(s, "}");
}

static void integer_value(export_sink *s, const char *property, int64_t value)
{
	char text[32];

	snprintf(text, sizeof text, "%lld", (long long)value);
	typed_value(s, property, "xsd:integer", text);
}

static void time_value(export_sink *s, const char *property, sqlite3_stmt *st, int sec, int ns)
{
	char iso[40];

	if (sqlite3_column_type(st, sec) != SQLITE_NULL &&
	    export_iso_time(sqlite3_column_int64(st, sec), sqlite3_column_int64(st, ns),
	                    sqlite3_column_int(st, F_UTC), iso) == 0)
		typed_value(s, property, "xsd:dateTime", iso);
}

/* write_hashes — uco-observable:hash with one uco-types:Hash per digest
 * column present (md5, sha1, sha256 at columns first..first+2). */
static void write_hashes(uco_writer *w, sqlite3_stmt *st, int first, const char *owner, int64_t id)
{
	static const struct { const char *name; size_t len; } kinds[3] = {
		{ "MD5", MD5_LEN }, { "SHA1", SHA1_LEN }, { "SHA256", SHA256_LEN } };
	int written = 0;

	export_sink_puts(w->s, ", \"uco-observable:hash\": [");
	for (int k = 0; k < 3; k++) {
		char hex[2 * SHA256_LEN + 1], hash_id[ID_MAX], kind[48];

		export_hex_column(st, first + k, kinds[k].len, hex);
		if (!hex[0])
			continue;
		snprintf(kind, sizeof kind, "%s-hash-%s", owner, kinds[k].name);
		node_id(w, kind, id, hash_id);
		export_sink_printf(w->s, "%s{\"@id\": \"%s\", \"@type\": \"uco-types:Hash\", "
		                   "\"uco-types:hashMethod\": {\"@type\": \"uco-vocabulary:HashNameVocab\", "
		                   "\"@value\": \"%s\"}, \"uco-types:hashValue\": {\"@type\": \"xsd:hexBinary\", "
		                   "\"@value\": \"%s\"}}", written++ ? ", " : "", hash_id, kinds[k].name, hex);
	}
	export_sink_puts(w->s, "]");
}

static void write_tool(uco_writer *w)
{
	node_id(w, "tool", 0, w->tool_id);
	begin_object(w, w->tool_id, "uco-tool:Tool");
	export_sink_printf(w->s, ", \"uco-core:name\": \"exhibit\", \"uco-tool:version\": \"%s\", "
	                   "\"uco-tool:toolType\": \"digital forensic processing\"}", PACKAGE_VERSION);
}

/* ------------------------------------------------------------ evidence */

static void write_image(uco_writer *w, sqlite3_stmt *ev)
{
	int64_t id = sqlite3_column_int64(ev, 0);
	const char *path = sqlite3_column_blob(ev, 1);
	size_t len = (size_t)sqlite3_column_bytes(ev, 1);
	const char *slash = len ? memrchr(path, '/', len) : NULL;
	char image_id[ID_MAX], facet_id[ID_MAX];

	node_id(w, "image", id, image_id);
	begin_object(w, image_id, "uco-observable:Image");
	export_sink_puts(w->s, ", \"uco-core:hasFacet\": [\n      ");
	node_id(w, "image-facet", id, facet_id);
	export_sink_printf(w->s, "{\"@id\": \"%s\", \"@type\": \"uco-observable:ImageFacet\", "
	                   "\"uco-observable:imageType\": ", facet_id);
	export_json_str(w->s, (const char *)sqlite3_column_text(ev, 3));
	export_sink_puts(w->s, "},\n      ");
	node_id(w, "image-file-facet", id, facet_id);
	export_sink_printf(w->s, "{\"@id\": \"%s\", \"@type\": \"uco-observable:FileFacet\", "
	                   "\"uco-observable:fileName\": ", facet_id);
	export_json_string(w->s, slash ? slash + 1 : path, slash ? len - (size_t)(slash + 1 - path) : len);
	export_sink_puts(w->s, ", \"uco-observable:filePath\": ");
	export_json_string(w->s, path, len);
	export_sink_puts(w->s, "},\n      ");
	node_id(w, "image-content-facet", id, facet_id);
	export_sink_printf(w->s, "{\"@id\": \"%s\", \"@type\": \"uco-observable:ContentDataFacet\"",
	                   facet_id);
	if (sqlite3_column_type(ev, 2) != SQLITE_NULL)
		integer_value(w->s, "uco-observable:sizeInBytes", sqlite3_column_int64(ev, 2));
	write_hashes(w, ev, 4, "image", id);
	export_sink_puts(w->s, "}]}");
}

/* ------------------------------------------------------------ files */


static void write_file_facet(uco_writer *w, sqlite3_stmt *st, int64_t id)
{
	const char *name = sqlite3_column_blob(st, F_NAME);
	size_t len = (size_t)sqlite3_column_bytes(st, F_NAME);
	const char *dot = len > 1 ? memrchr(name + 1, '.', len - 1) : NULL;
	char facet_id[ID_MAX];

	node_id(w, "file-facet", id, facet_id);
	export_sink_printf(w->s, "{\"@id\": \"%s\", \"@type\": \"uco-observable:FileFacet\", "
	                   "\"uco-observable:fileName\": ", facet_id);
	export_json_string(w->s, name, len);
	export_sink_puts(w->s, ", \"uco-observable:filePath\": ");
	export_json_string(w->s, sqlite3_column_blob(st, F_PATH), (size_t)sqlite3_column_bytes(st, F_PATH));
	if (dot && dot + 1 < name + len) {
		export_sink_puts(w->s, ", \"uco-observable:extension\": ");
		export_json_string(w->s, dot + 1, (size_t)(name + len - dot - 1));
	}
	export_sink_puts(w->s, ", \"uco-observable:isDirectory\": false");
	integer_value(w->s, "uco-observable:sizeInBytes", sqlite3_column_int64(st, F_SIZE));
	time_value(w->s, "uco-observable:modifiedTime", st, F_MTIME, F_MTIME_NS);
	time_value(w->s, "uco-observable:accessedTime", st, F_ATIME, F_ATIME_NS);
	time_value(w->s, "uco-observable:metadataChangeTime", st, F_CTIME, F_CTIME_NS);
	time_value(w->s, "uco-observable:observableCreatedTime", st, F_CRTIME, F_CRTIME_NS);
	export_sink_puts(w->s, "}");
}

static void write_content_facet(uco_writer *w, sqlite3_stmt *st, int64_t id)
{
	char facet_id[ID_MAX];

	node_id(w, "content-facet", id, facet_id);
	export_sink_printf(w->s, ",\n      {\"@id\": \"%s\", \"@type\": \"uco-observable:ContentDataFacet\"",
	                   facet_id);
	integer_value(w->s, "uco-observable:sizeInBytes", sqlite3_column_int64(st, F_CONTENT_SIZE));
	if (sqlite3_column_type(st, F_MIME) != SQLITE_NULL) {
		export_sink_puts(w->s, ", \"uco-observable:mimeType\": ");
		export_json_str(w->s, (const char *)sqlite3_column_text(st, F_MIME));
	}
	write_hashes(w, st, F_MD5, "file", id);
	export_sink_puts(w->s, "}");
}

static void write_file(uco_writer *w, sqlite3_stmt *st)
{
	int64_t id = sqlite3_column_int64(st, F_ID);
	char file_id[ID_MAX], rel_id[ID_MAX], target[ID_MAX];

	node_id(w, "file", id, file_id);
	begin_object(w, file_id, "uco-observable:File");
	if (sqlite3_column_int(st, F_ALLOCATED) == 0)
		export_sink_puts(w->s, ", \"uco-core:tag\": [\"deleted\"]");
	export_sink_puts(w->s, ", \"uco-core:hasFacet\": [\n      ");
	write_file_facet(w, st, id);
	if (sqlite3_column_int(st, F_HAS_CONTENT))
		write_content_facet(w, st, id);
	export_sink_puts(w->s, "]}");
	w->res->items++;

	if (sqlite3_column_type(st, F_PARENT) != SQLITE_NULL)
		node_id(w, "file", sqlite3_column_int64(st, F_PARENT), target);
	else
		node_id(w, "image", sqlite3_column_int64(st, F_EVIDENCE), target);
	node_id(w, "relationship", id, rel_id);
	begin_object(w, rel_id, "uco-core:Relationship");
	export_sink_printf(w->s, ", \"uco-core:source\": {\"@id\": \"%s\"}, \"uco-core:target\": "
	                   "{\"@id\": \"%s\"}, \"uco-core:kindOfRelationship\": \"Contained_Within\", "
	                   "\"uco-core:isDirectional\": true}", file_id, target);
}

/* ------------------------------------------------------------ custody */

static void text_property(export_sink *s, const char *property, sqlite3_stmt *st, int i)
{
	if (i < 0 || sqlite3_column_type(st, i) == SQLITE_NULL)
		return;
	export_sink_printf(s, ", \"%s\": ", property);
	export_json_string(s, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
}

/* performer — the id of the uco-identity:Identity named by column i of
 * st, written the first time that name is met (names: those met so far). */
static void performer(uco_writer *w, sqlite3_stmt *st, int i, char ***names, size_t *n, char *out)
{
	const char *name = (const char *)sqlite3_column_text(st, i);
	char kind[600], uuid[37], **grown;
	size_t k;

	snprintf(kind, sizeof kind, "performer:%s", name ? name : "");
	export_uuid(w->db, kind, 0, uuid);
	snprintf(out, ID_MAX, "kb:performer-%s", uuid);
	for (k = 0; k < *n; k++)
		if (!strcmp((*names)[k], kind))
			return;
	if ((grown = realloc(*names, (*n + 1) * sizeof *grown)) && (grown[*n] = strdup(kind))) {
		*names = grown;
		(*n)++;
	} else if (grown) {
		*names = grown;
	}
	begin_object(w, out, "uco-identity:Identity");
	text_property(w->s, "uco-core:name", st, i);
	export_sink_puts(w->s, "}");
}

/*
 * write_custody_actions — the investigative actions of the custody log:
 * one case-investigation:InvestigativeAction per entry of custody_entries
 * (schemas/case.sql), with its performer (the examiner, a
 * uco-identity:Identity), its instrument (exhibit, the Tool), what it
 * acted on, and the SHA-256 of what it produced (and of what it wrote
 * outside the case, for exports).  A case without a custody log (made
 * before it existed) has no actions to export.
 * RETURN: the number of actions written, or -1 on a read error.
 */
static int write_custody_actions(uco_writer *w)
{
	enum { SEQ, ACTION, AT, EXAMINER, OBJECT, PRODUCED, OUTPUT };
	sqlite3_stmt *st;
	char **names = NULL;
	size_t n_names = 0;
	int n = 0;

	if (!export_has_table(w->db, "custody_entries"))
		return 0;
	if (sqlite3_prepare_v2(w->db, "SELECT seq, action, at, examiner, object, produced, "
	                       "output_sha256 FROM main.custody_entries ORDER BY seq", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char action_id[ID_MAX], person_id[ID_MAX] = "", hex[2 * SHA256_LEN + 1];

		performer(w, st, EXAMINER, &names, &n_names, person_id);
		node_id(w, "action", sqlite3_column_int64(st, SEQ), action_id);
		begin_object(w, action_id, "case-investigation:InvestigativeAction");
		text_property(w->s, "uco-core:name", st, ACTION);
		if (sqlite3_column_type(st, AT) == SQLITE_TEXT)
			typed_value(w->s, "uco-action:startTime", "xsd:dateTime",
			            (const char *)sqlite3_column_text(st, AT));
		export_sink_printf(w->s, ", \"uco-action:performer\": {\"@id\": \"%s\"}", person_id);
		export_sink_printf(w->s, ", \"uco-action:instrument\": {\"@id\": \"%s\"}", w->tool_id);
		text_property(w->s, "uco-core:description", st, OBJECT);
		export_hex_column(st, PRODUCED, SHA256_LEN, hex);
		export_sink_printf(w->s, ", \"uco-core:tag\": [\"custody-entry:%lld\", \"produced-sha256:%s\"",
		                   (long long)sqlite3_column_int64(st, SEQ), hex);
		if (sqlite3_column_type(st, OUTPUT) == SQLITE_BLOB) {
			export_hex_column(st, OUTPUT, SHA256_LEN, hex);
			export_sink_printf(w->s, ", \"output-sha256:%s\"", hex);
		}
		export_sink_puts(w->s, "]}");
		n++;
	}
	sqlite3_finalize(st);
	for (size_t k = 0; k < n_names; k++)
		free(names[k]);
	free(names);
	return n;
}

/* ------------------------------------------------------------ messages */

/* describe_parties — who wrote to whom, as the app named them, and where
 * a recovered message came from, as the object's description. */
static void describe_parties(export_sink *s, sqlite3_stmt *st, int sender, int recipients,
                             int recovered)
{
	const char *from = (const char *)sqlite3_column_text(st, sender);
	const char *to = (const char *)sqlite3_column_text(st, recipients);
	const char *origin = (const char *)sqlite3_column_text(st, recovered);
	char *text = NULL;

	if (asprintf(&text, "from %s to %s%s%s", from ? from : "(the device owner or unknown)",
	             to ? to : "(unknown)", origin ? "; recovered from " : "", origin ? origin : "") < 0)
		return;
	export_sink_puts(s, ", \"uco-core:description\": ");
	export_json_str(s, text);
	free(text);
}

/*
 * write_messages — one uco-observable:Message per row of v_messages, with
 * a MessageFacet (text, time, thread, application, from/to as the app
 * named them) and a Contained_Within relationship to the database file
 * it came from.  Deleted and recovered messages are tagged so.
 * RETURN the number written, or -1 on a read error.
 */
static int write_messages(uco_writer *w)
{
	enum { ID, APP, THREAD, SENDER, RECIPIENTS, SENT, BODY, DELETED, RECOVERED, SOURCE_FILE };
	sqlite3_stmt *st;
	int n = 0, step;

	if (!export_has_table(w->db, "chat_messages"))
		return 0;
	if (sqlite3_prepare_v2(w->db, "SELECT id, app, thread, sender, recipients, sent, body, deleted, "
	                       "recovered_from, source_file_id FROM v_messages ORDER BY id", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, ID);
		char msg_id[ID_MAX], rel_id[ID_MAX], file_id[ID_MAX];

		node_id(w, "message", id, msg_id);
		begin_object(w, msg_id, "uco-observable:Message");
		if (sqlite3_column_int(st, DELETED))
			export_sink_puts(w->s, sqlite3_column_type(st, RECOVERED) != SQLITE_NULL
			                 ? ", \"uco-core:tag\": [\"deleted\", \"recovered\"]"
			                 : ", \"uco-core:tag\": [\"deleted\"]");
		export_sink_puts(w->s, ", \"uco-core:hasFacet\": [{\"@type\": \"uco-observable:MessageFacet\"");
		text_property(w->s, "uco-observable:messageText", st, BODY);
		if (sqlite3_column_type(st, SENT) == SQLITE_TEXT)
			typed_value(w->s, "uco-observable:sentTime", "xsd:dateTime",
			            (const char *)sqlite3_column_text(st, SENT));
		text_property(w->s, "uco-observable:sessionID", st, THREAD);
		text_property(w->s, "uco-observable:application", st, APP);
		export_sink_puts(w->s, "}]");
		describe_parties(w->s, st, SENDER, RECIPIENTS, RECOVERED);
		export_sink_puts(w->s, "}");
		n++;
		if (sqlite3_column_type(st, SOURCE_FILE) == SQLITE_NULL)
			continue;
		node_id(w, "file", sqlite3_column_int64(st, SOURCE_FILE), file_id);
		node_id(w, "message-in", id, rel_id);
		begin_object(w, rel_id, "uco-core:Relationship");
		export_sink_printf(w->s, ", \"uco-core:source\": {\"@id\": \"%s\"}, \"uco-core:target\": "
		                   "{\"@id\": \"%s\"}, \"uco-core:kindOfRelationship\": \"Contained_Within\", "
		                   "\"uco-core:isDirectional\": true}", msg_id, file_id);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? n : -1;
}

/* ------------------------------------------------------------ document */

static int write_graph(uco_writer *w)
{
	sqlite3_stmt *st;
	int step;

	write_tool(w);
	if (sqlite3_prepare_v2(w->db, "SELECT id, path, size, format, md5, sha1, sha256 FROM evidence "
	                       "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		write_image(w, st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(w->db,
	                       "SELECT f.id, f.evidence_id, f.parent_id, f.name, f.path, f.size, "
	                       "f.name_allocated, f.mtime, f.mtime_ns, f.atime, f.atime_ns, f.ctime, "
	                       "f.ctime_ns, f.crtime, f.crtime_ns, c.id IS NOT NULL, c.size, c.md5, "
	                       "c.sha1, c.sha256, c.mime_type, " EXPORT_UTC_SQL " FROM files f LEFT JOIN content c ON "
	                       "c.id = f.content_id WHERE f.type = 'r' ORDER BY f.id", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		write_file(w, st);
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return -1;
	if (write_messages(w) < 0)
		return -1;
	return write_custody_actions(w) < 0 ? -1 : 0;
}

int export_caseuco(sqlite3 *db, const char *output, const export_options *opt,
                   export_result *res, exhibit_error *err)
{
	uco_writer w = { db, NULL, opt, res, 0, "" };
	uint64_t size;
	digests d;
	int rc = -1;

	if (export_check_output(db, output, err) < 0)
		return err ? err->code : -4;
	if (!(w.s = export_sink_create(output, err)))
		return err ? err->code : -1;
	export_sink_puts(w.s, context);
	if (write_graph(&w) < 0) {
		rc = export_sql_error(db, err, "reading the case");
		goto done;
	}
	export_sink_puts(w.s, "\n  ]\n}\n");
	rc = export_sink_finish(w.s, &d, &size, err);
	w.s = NULL;
	if (rc == 0)
		rc = export_result_set(res, &d, size, output, err);
done:
	export_sink_abort(w.s);
	return rc;
}

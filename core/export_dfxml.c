/*
 * export_dfxml.c — the 'dfxml' export: Digital Forensics XML laid out as
 * fiwalk writes it, so tools that read fiwalk's output read ours.
 *
 *   <dfxml> metadata, creator (program, version, libraries, command line)
 *     <source> per evidence: image_filename, imagesize
 *     <volume offset=…> per file system: partition_offset, block_size,
 *       ftype, ftype_str, block_count
 *       <fileobject> per file-system entry: filename (the path without its
 *         leading '/'), partition, id (the case's file id), name_type,
 *         filesize, alloc_inode, alloc_name, inode, mode, uid, gid, times
 *         (ISO-8601: UTC with "Z"; FAT's local times without a zone, as
 *         fiwalk writes them), seq, byte_runs (file_offset, fs_offset,
 *         img_offset, len, from the case's data runs) and hashdigest
 *         md5, sha1, sha256
 *     fileobjects of items with no file system follow their evidence's
 *     volumes, outside any volume.
 * Everything is read from the case; names are escaped (export_text.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tsk/libtsk.h>

#include "config.h"
#include "export_common.h"
#include "export_sink.h"
#include "export_text.h"

typedef struct dfxml_writer {
	sqlite3 *db;
	export_sink *s;
	sqlite3_stmt *files, *runs;
	int partition;            /* volumes written so far (fiwalk's <partition>) */
	export_result *res;
} dfxml_writer;

enum { F_ID, F_PATH, F_TYPE, F_SIZE, F_NAME_ALLOC, F_META_ALLOC, F_ORPHAN, F_META_ADDR,
       F_META_SEQ, F_MODE, F_UID, F_GID, F_MTIME, F_MTIME_NS, F_CTIME, F_CTIME_NS, F_ATIME,
       F_ATIME_NS, F_CRTIME, F_CRTIME_NS, F_PRECISION, F_MD5, F_SHA1, F_SHA256, F_PARENT,
       F_SOURCE, F_UTC };

static const char files_sql[] =
	"SELECT f.id, f.path, f.type, f.size, f.name_allocated, f.meta_allocated, f.orphan, "
	"f.meta_addr, f.meta_seq, f.mode, f.uid, f.gid, f.mtime, f.mtime_ns, f.ctime, f.ctime_ns, "
	"f.atime, f.atime_ns, f.crtime, f.crtime_ns, f.time_precision, c.md5, c.sha1, c.sha256, "
	"f.parent_id, f.source, " EXPORT_UTC_SQL " FROM files f LEFT JOIN content c ON c.id = f.content_id "
	"WHERE f.evidence_id = ?1 AND (f.fs_id = ?2 OR (?2 IS NULL AND f.fs_id IS NULL)) ORDER BY f.id";

static void element_int(export_sink *s, const char *indent, const char *name, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) != SQLITE_NULL)
		export_sink_printf(s, "%s<%s>%lld</%s>\n", indent, name,
		                   (long long)sqlite3_column_int64(st, i), name);
}

/* element_time — a time, UTC ("Z") when its file system keeps UTC and
 * without a zone otherwise (FAT: the device's local time), as fiwalk
 * writes it, with the precision the case records for it. */
static void element_time(export_sink *s, const char *name, sqlite3_stmt *st, int sec, int ns)
{
	char iso[40], prec[32];

	if (sqlite3_column_type(st, sec) == SQLITE_NULL ||
	    export_iso_time(sqlite3_column_int64(st, sec), sqlite3_column_int64(st, ns),
	                    sqlite3_column_int(st, F_UTC), iso) < 0)
		return;
	export_sink_printf(s, "      <%s", name);
	export_precision((const char *)sqlite3_column_text(st, F_PRECISION), name, prec);
	if (prec[0]) {
		export_sink_puts(s, " prec='");
		export_xml_str(s, prec);
		export_sink_puts(s, "'");
	}
	export_sink_printf(s, ">%s</%s>\n", iso, name);
}

static void write_hash(export_sink *s, sqlite3_stmt *st, int i, size_t len, const char *type)
{
	char hex[2 * SHA256_LEN + 1];

	export_hex_column(st, i, len, hex);
	if (hex[0])
		export_sink_printf(s, "      <hashdigest type='%s'>%s</hashdigest>\n", type, hex);
}

static void write_byte_runs(dfxml_writer *w, int64_t file_id, int has_volume, int64_t volume_offset)
{
	sqlite3_stmt *r = w->runs;

	sqlite3_reset(r);
	sqlite3_bind_int64(r, 1, file_id);
	if (sqlite3_step(r) != SQLITE_ROW) {
		sqlite3_reset(r);
		return;
	}
	export_sink_puts(w->s, "      <byte_runs facet='data'>\n");
	do {
		const char *flags = (const char *)sqlite3_column_text(r, 3);

		export_sink_printf(w->s, "       <byte_run file_offset='%lld'",
		                   (long long)sqlite3_column_int64(r, 0));
		if (sqlite3_column_type(r, 1) != SQLITE_NULL) {
			int64_t img = sqlite3_column_int64(r, 1);

			if (has_volume)
				export_sink_printf(w->s, " fs_offset='%lld'", (long long)(img - volume_offset));
			export_sink_printf(w->s, " img_offset='%lld'", (long long)img);
		} else if (flags && !strcmp(flags, "sparse")) {
			export_sink_puts(w->s, " fill='0'");
		}
		if (flags && strcmp(flags, "sparse") != 0) {
			export_sink_puts(w->s, " type='");
			export_xml_str(w->s, flags);
			export_sink_puts(w->s, "'");
		}
		export_sink_printf(w->s, " len='%lld'/>\n", (long long)sqlite3_column_int64(r, 2));
	} while (sqlite3_step(r) == SQLITE_ROW);
	export_sink_puts(w->s, "      </byte_runs>\n");
	sqlite3_reset(r);
}

static void write_fileobject(dfxml_writer *w, sqlite3_stmt *st, int has_volume, int64_t volume_offset)
{
	export_sink *s = w->s;
	const char *path = sqlite3_column_blob(st, F_PATH);
	size_t len = (size_t)sqlite3_column_bytes(st, F_PATH);
	const char *type = (const char *)sqlite3_column_text(st, F_TYPE);

	export_sink_puts(s, "    <fileobject>\n");
	if (sqlite3_column_type(st, F_PARENT) != SQLITE_NULL)
		export_sink_printf(s, "      <parent_object>\n        <id>%lld</id>\n      </parent_object>\n",
		                   (long long)sqlite3_column_int64(st, F_PARENT));
	export_sink_puts(s, "      <filename>");
	if (len && path[0] == '/') {
		path++;
		len--;
	}
	export_xml_text(s, path, len);
	export_sink_puts(s, "</filename>\n");
	if (has_volume)
		export_sink_printf(s, "      <partition>%d</partition>\n", w->partition);
	element_int(s, "      ", "id", st, F_ID);
	export_sink_puts(s, "      <name_type>");
	export_xml_str(s, type);
	export_sink_puts(s, "</name_type>\n");
	element_int(s, "      ", "filesize", st, F_SIZE);
	element_int(s, "      ", "alloc_inode", st, F_META_ALLOC);
	element_int(s, "      ", "alloc_name", st, F_NAME_ALLOC);
	if (sqlite3_column_int(st, F_ORPHAN))
		export_sink_puts(s, "      <orphan>1</orphan>\n");
	element_int(s, "      ", "inode", st, F_META_ADDR);
	element_int(s, "      ", "mode", st, F_MODE);
	element_int(s, "      ", "uid", st, F_UID);
	element_int(s, "      ", "gid", st, F_GID);
	element_time(s, "mtime", st, F_MTIME, F_MTIME_NS);
	element_time(s, "ctime", st, F_CTIME, F_CTIME_NS);
	element_time(s, "atime", st, F_ATIME, F_ATIME_NS);
	element_time(s, "crtime", st, F_CRTIME, F_CRTIME_NS);
	if (sqlite3_column_int64(st, F_META_SEQ) != 0)
		element_int(s, "      ", "seq", st, F_META_SEQ);
	write_byte_runs(w, sqlite3_column_int64(st, F_ID), has_volume, volume_offset);
	write_hash(s, st, F_MD5, MD5_LEN, "md5");
	write_hash(s, st, F_SHA1, SHA1_LEN, "sha1");
	write_hash(s, st, F_SHA256, SHA256_LEN, "sha256");
	export_sink_puts(s, "    </fileobject>\n");
	w->res->items++;
}

/* write_fileobjects — every file of the evidence in the file system fs_id
 * (SQL NULL: in none). */
static int write_fileobjects(dfxml_writer *w, int64_t evidence_id, sqlite3_stmt *fs)
{
	int has_volume = fs != NULL, step;
	int64_t volume_offset = fs ? sqlite3_column_int64(fs, 1) : 0;

	sqlite3_reset(w->files);
	sqlite3_bind_int64(w->files, 1, evidence_id);
	if (fs)
		sqlite3_bind_int64(w->files, 2, sqlite3_column_int64(fs, 0));
	else
		sqlite3_bind_null(w->files, 2);
	while ((step = sqlite3_step(w->files)) == SQLITE_ROW)
		write_fileobject(w, w->files, has_volume, volume_offset);
	sqlite3_reset(w->files);
	return step == SQLITE_DONE ? 0 : -1;
}

static int write_volume(dfxml_writer *w, int64_t evidence_id, sqlite3_stmt *fs)
{
	export_sink *s = w->s;
	const char *fs_type = (const char *)sqlite3_column_text(fs, 2);
	TSK_FS_TYPE_ENUM ftype = fs_type ? tsk_fs_type_toid_utf8(fs_type) : TSK_FS_TYPE_UNSUPP;

	w->partition++;
	export_sink_printf(s, "  <volume offset='%lld'>\n", (long long)sqlite3_column_int64(fs, 1));
	element_int(s, "    ", "partition_offset", fs, 1);
	element_int(s, "    ", "block_size", fs, 3);
	if (ftype != TSK_FS_TYPE_UNSUPP)
		export_sink_printf(s, "    <ftype>%d</ftype>\n", (int)ftype);
	export_sink_puts(s, "    <ftype_str>");
	export_xml_str(s, fs_type);
	export_sink_puts(s, "</ftype_str>\n");
	element_int(s, "    ", "block_count", fs, 4);
	if (write_fileobjects(w, evidence_id, fs) < 0)
		return -1;
	export_sink_puts(s, "  </volume>\n");
	return 0;
}

static int write_evidence(dfxml_writer *w, sqlite3_stmt *ev)
{
	int64_t id = sqlite3_column_int64(ev, 0);
	sqlite3_stmt *fs;
	int step, rc = 0;

	export_sink_puts(w->s, "  <source>\n    <image_filename>");
	export_xml_text(w->s, sqlite3_column_blob(ev, 1), (size_t)sqlite3_column_bytes(ev, 1));
	export_sink_puts(w->s, "</image_filename>\n");
	element_int(w->s, "    ", "imagesize", ev, 2);
	export_sink_puts(w->s, "  </source>\n");
	if (sqlite3_prepare_v2(w->db, "SELECT id, offset, fs_type, block_size, block_count FROM "
	                       "filesystems WHERE evidence_id = ?1 ORDER BY offset, id", -1, &fs,
	                       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(fs, 1, id);
	while (rc == 0 && (step = sqlite3_step(fs)) == SQLITE_ROW)
		rc = write_volume(w, id, fs);
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(fs);
	return rc < 0 ? rc : write_fileobjects(w, id, NULL);
}

static void write_head(export_sink *s, const export_options *opt)
{
	char now[40];

	export_now(now);
	export_sink_puts(s,
		"<?xml version='1.0' encoding='UTF-8'?>\n"
		"<dfxml\n"
		"  xmlns='http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML'\n"
		"  xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'\n"
		"  xmlns:dc='http://purl.org/dc/elements/1.1/'\n"
		"  version='1.1.0'>\n"
		"  <metadata>\n    <dc:type>Disk Image</dc:type>\n  </metadata>\n"
		"  <creator version='1.0'>\n"
		"    <program>exhibit</program>\n");
	export_sink_printf(s, "    <version>%s</version>\n", PACKAGE_VERSION);
	export_sink_printf(s, "    <build_environment>\n"
	                      "      <library name='libtsk' version='%s'/>\n"
	                      "      <library name='sqlite' version='%s'/>\n"
	                      "    </build_environment>\n", tsk_version_get_str(), sqlite3_libversion());
	export_sink_puts(s, "    <execution_environment>\n      <command_line>");
	export_xml_str(s, opt && opt->command_line ? opt->command_line : "exhibit export");
	export_sink_printf(s, "</command_line>\n      <start_time>%s</start_time>\n"
	                      "    </execution_environment>\n  </creator>\n", now);
}

static int write_document(dfxml_writer *w, const export_options *opt)
{
	sqlite3_stmt *ev;
	int step, rc = 0;

	write_head(w->s, opt);
	if (sqlite3_prepare_v2(w->db, "SELECT id, path, size FROM evidence ORDER BY id", -1, &ev,
	                       NULL) != SQLITE_OK)
		return -1;
	while (rc == 0 && (step = sqlite3_step(ev)) == SQLITE_ROW)
		rc = write_evidence(w, ev);
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(ev);
	export_sink_puts(w->s, "</dfxml>\n");
	return rc;
}

int export_dfxml(sqlite3 *db, const char *output, const export_options *opt,
                 export_result *res, exhibit_error *err)
{
	dfxml_writer w = { db, NULL, NULL, NULL, 0, res };
	uint64_t size;
	digests d;
	int rc = -1;

	if (export_check_output(db, output, err) < 0)
		return err ? err->code : -4;
	if (sqlite3_prepare_v2(db, files_sql, -1, &w.files, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT file_offset, image_offset, length, flags FROM data_runs "
	                       "WHERE file_id = ?1 ORDER BY seq", -1, &w.runs, NULL) != SQLITE_OK) {
		rc = export_sql_error(db, err, "reading the case");
		goto done;
	}
	if (!(w.s = export_sink_create(output, err)))
		goto done;
	if (write_document(&w, opt) < 0) {
		rc = export_sql_error(db, err, "reading the case");
		goto done;
	}
	rc = export_sink_finish(w.s, &d, &size, err);
	w.s = NULL;
	if (rc == 0)
		rc = export_result_set(res, &d, size, output, err);
done:
	export_sink_abort(w.s);
	sqlite3_finalize(w.files);
	sqlite3_finalize(w.runs);
	return rc;
}

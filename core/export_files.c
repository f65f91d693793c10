/*
 * export_files.c — the 'files' export: every regular file with content,
 * extracted into a directory laid out by export_plan.h, each one verified
 * against the case while it is written.
 *
 * Content comes from where the case says it lives: the case's content
 * store (CASE/content/…, items found inside other items), the evidence
 * image through libtsk (the file system at the recorded offset and type,
 * the recorded metadata address and attribute: the same read the
 * processing did), a directory source on the host, or, for an item with
 * no file system (carved), the image ranges of its data runs.  Evidence
 * is opened read-only.
 *
 * Every file's SHA-256 is computed as it is written and compared with the
 * case.  Any file that cannot be read or does not match is reported (each
 * one, through the warning callback) and the export fails as a whole: the
 * directory is built under a temporary name beside the output and renamed
 * into place only when every file is there and verified.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_common.h"
#include "export_plan.h"
#include "export_sink.h"
#include "reader.h"
#include "source.h"

#define CHUNK (1u << 20)

typedef struct evidence_slot {
	int64_t id;
	int probed, ok;
	evidence_source src;
	TSK_IMG_INFO *img;        /* for reading data runs; opened on first use */
	char *why;                /* why it cannot be opened */
} evidence_slot;

typedef struct extractor {
	sqlite3 *db;
	const export_options *opt;
	export_result *res;
	char *case_dir, *root;    /* root: the temporary export directory */
	char *last_dir;           /* the last directory made (most files share it) */
	content_reader *reader;
	multi_hash *mh;
	unsigned char *buf;
	evidence_slot **slots;    /* each allocated once: the reader keeps their address */
	size_t n_slots;
	char why[EXHIBIT_ERROR_MAX];
	sqlite3_stmt *runs;
	uint64_t problems;
	char first_problem[512];
} extractor;

/* problem — one file that could not be extracted as the case has it:
 * "REL: WHAT: DETAIL". */
static void problem(extractor *x, const char *rel, const char *what, const char *detail)
{
	char message[900];

	snprintf(message, sizeof message, "%s: %s: %s", rel, what, detail);
	if (x->problems++ == 0)
		snprintf(x->first_problem, sizeof x->first_problem, "%.500s", message);
	export_warn(x->opt, x->res, "%s", message);
}

/* ------------------------------------------------------------ evidence */

static evidence_slot *evidence(extractor *x, int64_t id)
{
	evidence_slot *slot, **grown;
	sqlite3_stmt *st;
	exhibit_error err;

	for (size_t i = 0; i < x->n_slots; i++)
		if (x->slots[i]->id == id)
			return x->slots[i];
	grown = realloc(x->slots, (x->n_slots + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	x->slots = grown;
	if (!(slot = calloc(1, sizeof *slot)))
		return NULL;
	x->slots[x->n_slots++] = slot;
	slot->id = id;
	exhibit_error_clear(&err);
	if (sqlite3_prepare_v2(x->db, "SELECT path FROM evidence WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			slot->ok = source_probe((const char *)sqlite3_column_text(st, 0), &slot->src, &err) == 0;
		else
			exhibit_error_set(&err, -2, -1, "evidence %lld is not in the case", (long long)id);
		sqlite3_finalize(st);
	}
	if (!slot->ok) {
		slot->why = strdup(err.message[0] ? err.message : "cannot read the evidence table");
		source_clear(&slot->src);
	}
	return slot;
}

static void free_slots(extractor *x)
{
	for (size_t i = 0; i < x->n_slots; i++) {
		if (x->reader)
			content_reader_forget_source(x->reader, &x->slots[i]->src);
		if (x->slots[i]->img)
			tsk_img_close(x->slots[i]->img);
		source_clear(&x->slots[i]->src);
		free(x->slots[i]->why);
		free(x->slots[i]);
	}
	free(x->slots);
}

/* ------------------------------------------------------------ reading */

/* write_all — len bytes to fd.  RETURN: 0, or -1. */
static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* keep — bytes read from the item: hashed and written. */
static const char *keep(extractor *x, int fd, size_t len)
{
	if (export_stopping())
		return "interrupted";
	if (multi_hash_update(x->mh, x->buf, len, NULL) < 0)
		return "cannot hash it";
	if (write_all(fd, x->buf, len) < 0) {
		snprintf(x->why, sizeof x->why, "cannot write it: %s", strerror(errno));
		return x->why;
	}
	return NULL;
}

typedef struct item_reader {
	extractor *x;
	sqlite3_stmt *row;
	content_location loc;
	char *local;              /* CONTENT_LOCAL path, owned */
	evidence_slot *slot;      /* for data runs */
	int by_runs;
} item_reader;

/* stored_path_ok — the case's "stored" column names a blob of our store
 * (content/hh/<sha256>), not some other file. */
static int stored_path_ok(const char *stored)
{
	if (!stored || strlen(stored) != 8 + 3 + 64 || strncmp(stored, "content/", 8) != 0 ||
	    stored[10] != '/')
		return 0;
	for (const char *p = stored + 8; *p; p++)
		if (p != stored + 10 && !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return strncmp(stored + 8, stored + 11, 2) == 0;
}

static const char *from_store(item_reader *r, const char *stored)
{
	r->loc.kind = CONTENT_LOCAL;
	if (asprintf(&r->local, "%s/%s", r->x->case_dir, stored) < 0)
		return "out of memory";
	r->loc.local_path = r->local;
	return NULL;
}

/* from_directory — a file of a directory source, on the host. */
static const char *from_directory(item_reader *r, const evidence_slot *slot)
{
	sqlite3_stmt *row = r->row;
	struct stat st;

	if (asprintf(&r->local, "%s%s", slot->src.path,
	             (const char *)sqlite3_column_text(row, EXPORT_PLAN_PATH)) < 0)
		return "out of memory";
	/* Never follow a link out of the evidence; the inode, when the case
	 * has it, says it is still the same file (the SHA-256 check says so
	 * in any case). */
	if (lstat(r->local, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (sqlite3_column_type(row, EXPORT_PLAN_META_ADDR) != SQLITE_NULL &&
	     (uint64_t)st.st_ino != (uint64_t)sqlite3_column_int64(row, EXPORT_PLAN_META_ADDR)))
		return "the file in the evidence directory is gone or is not the one the case recorded";
	r->loc.kind = CONTENT_LOCAL;
	r->loc.local_path = r->local;
	return NULL;
}

/* from_file_system — the recorded metadata address and attribute of the
 * file system at the recorded offset, read through libtsk as processing
 * read it. */
static void from_file_system(item_reader *r)
{
	sqlite3_stmt *row = r->row;
	TSK_FS_TYPE_ENUM type =
		tsk_fs_type_toid_utf8((const char *)sqlite3_column_text(row, EXPORT_PLAN_FS_TYPE));

	r->loc.kind = CONTENT_FS;
	r->loc.fs_offset = (uint64_t)sqlite3_column_int64(row, EXPORT_PLAN_FS_OFFSET);
	r->loc.fs_type = type == TSK_FS_TYPE_UNSUPP ? 0 : (int)type;
	r->loc.meta_addr = (uint64_t)sqlite3_column_int64(row, EXPORT_PLAN_META_ADDR);
	if (sqlite3_column_type(row, EXPORT_PLAN_ATTR_TYPE) != SQLITE_NULL) {
		r->loc.attr_type = sqlite3_column_int(row, EXPORT_PLAN_ATTR_TYPE);
		r->loc.attr_id = sqlite3_column_int(row, EXPORT_PLAN_ATTR_ID);
	}
}

/* locate — where row's content is read from; a message when nowhere.  A
 * file-system entry is read from the evidence (the content store only if
 * the evidence cannot be opened); an item found inside another from the
 * content store; an item with neither (carved) from its data runs. */
static const char *locate(item_reader *r)
{
	sqlite3_stmt *row = r->row;
	const char *stored = (const char *)sqlite3_column_text(row, EXPORT_PLAN_STORED);
	const char *source = (const char *)sqlite3_column_text(row, EXPORT_PLAN_SOURCE);
	int in_store = stored_path_ok(stored);
	int in_fs = sqlite3_column_type(row, EXPORT_PLAN_FS_OFFSET) != SQLITE_NULL &&
	            sqlite3_column_type(row, EXPORT_PLAN_META_ADDR) != SQLITE_NULL;
	evidence_slot *slot;

	memset(&r->loc, 0, sizeof r->loc);
	r->loc.size = (uint64_t)sqlite3_column_int64(row, EXPORT_PLAN_SIZE);
	r->loc.attr_type = r->loc.attr_id = -1;
	if (in_store && !(source && !strcmp(source, "fs")))
		return from_store(r, stored);
	slot = evidence(r->x, sqlite3_column_int64(row, EXPORT_PLAN_EVIDENCE_ID));
	if (!slot)
		return "out of memory";
	if (!slot->ok)
		return in_store ? from_store(r, stored) : slot->why;
	r->loc.src = &slot->src;
	r->slot = slot;
	if (slot->src.kind == SOURCE_DIRECTORY)
		return from_directory(r, slot);
	if (in_fs) {
		from_file_system(r);
		return NULL;
	}
	r->by_runs = 1; /* no file system: the image ranges of its data runs */
	return NULL;
}

/* read_runs — copy the item's data runs from the image into out (a
 * sparse run reads as zeros).  RETURN: 0, or a message. */
static const char *read_runs(item_reader *r, int fd, uint64_t *copied)
{
	extractor *x = r->x;
	sqlite3_stmt *runs = x->runs;
	const char *why = NULL;
	uint64_t runs_seen = 0;

	if (!r->slot->img && !(r->slot->img = source_open_image(&r->slot->src, NULL)))
		return "cannot open the evidence image";
	sqlite3_reset(runs);
	sqlite3_bind_int64(runs, 1, sqlite3_column_int64(r->row, EXPORT_PLAN_FILE_ID));
	while (!why && sqlite3_step(runs) == SQLITE_ROW) {
		int sparse = sqlite3_column_type(runs, 1) == SQLITE_NULL;
		int64_t image_offset = sqlite3_column_int64(runs, 1);
		uint64_t left = (uint64_t)sqlite3_column_int64(runs, 2);

		runs_seen++;
		if (*copied >= r->loc.size)
			break;          /* runs past the content's end hold no content */
		if ((uint64_t)sqlite3_column_int64(runs, 0) != *copied)
			why = "its data runs leave a gap";
		if (left > r->loc.size - *copied)
			left = r->loc.size - *copied;  /* a last cluster runs past the end */
		while (!why && left) {
			size_t take = left < CHUNK ? (size_t)left : CHUNK;
			ssize_t got = take;

			if (sparse)
				memset(x->buf, 0, take);
			else
				got = tsk_img_read(r->slot->img, (TSK_OFF_T)(image_offset + (int64_t)*copied -
				                   sqlite3_column_int64(runs, 0)), (char *)x->buf, take);
			if (got <= 0) {
				why = "cannot read its data runs from the image";
				break;
			}
			why = keep(x, fd, (size_t)got);
			*copied += (uint64_t)got;
			left -= (uint64_t)got;
		}
	}
	sqlite3_reset(runs);
	if (!why && runs_seen == 0 && r->loc.size > 0)
		why = "the case records no place to read it from";
	return why;
}

/* copy_content — read the item once, writing and hashing it. */
static const char *copy_content(item_reader *r, int fd, uint64_t *copied)
{
	extractor *x = r->x;
	const char *why;
	exhibit_error err;

	*copied = 0;
	if (r->by_runs)
		return read_runs(r, fd, copied);
	exhibit_error_clear(&err);
	while (*copied < r->loc.size) {
		int64_t got = content_reader_read(x->reader, &r->loc, *copied, x->buf, CHUNK, &err);

		if (got < 0) {
			snprintf(x->why, sizeof x->why, "%s", err.message);
			return x->why;
		}
		if (got == 0)
			break; /* libtsk has no more (NTFS past its initialised size): as processing did */
		if ((why = keep(x, fd, (size_t)got)))
			return why;
		*copied += (uint64_t)got;
	}
	return NULL;
}

/* ------------------------------------------------------------ writing */

/* make_parents — every directory above rel inside the export root. */
static int make_parents(extractor *x, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	char *dir, *path;

	if (!slash)
		return 0;
	dir = strndup(rel, (size_t)(slash - rel));
	if (!dir)
		return -1;
	if (x->last_dir && !strcmp(dir, x->last_dir)) {
		free(dir);
		return 0;
	}
	for (char *p = dir;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (asprintf(&path, "%s/%.*s", x->root, (int)(p - dir), dir) < 0) {
			free(dir);
			return -1;
		}
		if (mkdir(path, 0750) < 0 && errno != EEXIST) {
			free(path);
			free(dir);
			return -1;
		}
		free(path);
		if (*p == '\0')
			break;
	}
	free(x->last_dir);
	x->last_dir = dir;
	return 0;
}

static void set_times(int fd, sqlite3_stmt *row)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };

	if (sqlite3_column_type(row, EXPORT_PLAN_ATIME) != SQLITE_NULL) {
		ts[0].tv_sec = (time_t)sqlite3_column_int64(row, EXPORT_PLAN_ATIME);
		ts[0].tv_nsec = (long)sqlite3_column_int64(row, EXPORT_PLAN_ATIME_NS);
	}
	if (sqlite3_column_type(row, EXPORT_PLAN_MTIME) != SQLITE_NULL) {
		ts[1].tv_sec = (time_t)sqlite3_column_int64(row, EXPORT_PLAN_MTIME);
		ts[1].tv_nsec = (long)sqlite3_column_int64(row, EXPORT_PLAN_MTIME_NS);
	}
	for (int i = 0; i < 2; i++)
		if (ts[i].tv_nsec != UTIME_OMIT && (ts[i].tv_nsec < 0 || ts[i].tv_nsec > 999999999))
			ts[i].tv_nsec = 0;
	futimens(fd, ts);
}

/* extract_one — write one planned file and check it against the case. */
static void extract_one(extractor *x, sqlite3_stmt *row)
{
	const char *rel = (const char *)sqlite3_column_text(row, EXPORT_PLAN_REL), *why;
	item_reader r = { x, row, { 0 }, NULL, NULL, 0 };
	char *path = NULL, expected[65], actual[65], detail[200];
	uint64_t copied = 0;
	digests d;
	int fd = -1;

	if ((why = locate(&r)))
		goto failed;
	if (make_parents(x, rel) < 0 || asprintf(&path, "%s/%s", x->root, rel) < 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0) {
		why = strerror(errno);
		goto failed;
	}
	if (multi_hash_reset(x->mh, NULL) < 0 || (why = copy_content(&r, fd, &copied)))
		goto failed;
	set_times(fd, row);
	if (multi_hash_final(x->mh, &d, NULL) < 0) {
		why = "cannot hash it";
		goto failed;
	}
	hex_encode(d.sha256, SHA256_LEN, actual);
	export_hex_column(row, EXPORT_PLAN_SHA256, SHA256_LEN, expected);
	if (strcmp(actual, expected) != 0) {
		snprintf(detail, sizeof detail, "SHA-256 %s (%llu bytes), the case says %s", actual,
		         (unsigned long long)copied, expected);
		problem(x, rel, "DOES NOT MATCH THE CASE", detail);
	} else {
		x->res->items++;
	}
	goto done;
failed:
	problem(x, rel, "cannot be extracted", why);
done:
	if (fd >= 0)
		close(fd);
	free(path);
	free(r.local);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* remove_tree — the temporary export directory, which holds only what we
 * wrote (no symbolic links are ever followed). */
static void remove_tree(const char *root)
{
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* write_manifest — the manifest, inside the export, and its digests. */
static int write_manifest(extractor *x, const char *output, exhibit_error *err)
{
	char *path = NULL, *final = NULL;
	export_sink *s;
	digests d;
	uint64_t size;
	int rc;

	if (asprintf(&path, "%s/%s", x->root, EXPORT_MANIFEST_NAME) < 0 ||
	    asprintf(&final, "%s/%s", output, EXPORT_MANIFEST_NAME) < 0) {
		free(path);
		return exhibit_error_set(err, -1, -1, "out of memory");
	}
	s = export_sink_create(path, err);
	rc = s ? export_plan_write_manifest(x->db, s, err) : -1;
	if (rc < 0)
		export_sink_abort(s);
	else if ((rc = export_sink_finish(s, &d, &size, err)) == 0)
		rc = export_result_set(x->res, &d, size, final, err);
	free(path);
	free(final);
	return rc;
}

/* warn_unread — regular files whose content processing could not read
 * have nothing to extract: say how many, so the export is not taken for
 * the whole file system. */
static void warn_unread(extractor *x)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(x->db, "SELECT count(*) FROM files WHERE type = 'r' AND "
	                       "content_id IS NULL AND size > 0", -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		export_warn(x->opt, x->res, "%lld regular files have no content in the case (processing "
		            "could not read them; see v_errors): not extracted",
		            (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
}

static int extract_all(extractor *x, exhibit_error *err)
{
	sqlite3_stmt *row;
	int step = SQLITE_DONE;

	if (sqlite3_prepare_v2(x->db, EXPORT_PLAN_SELECT, -1, &row, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(x->db, "SELECT file_offset, image_offset, length FROM data_runs "
	                       "WHERE file_id = ?1 ORDER BY seq", -1, &x->runs, NULL) != SQLITE_OK) {
		sqlite3_finalize(row);
		return export_sql_error(x->db, err, "reading the plan");
	}
	while (!export_stopping() && (step = sqlite3_step(row)) == SQLITE_ROW)
		extract_one(x, row);
	sqlite3_finalize(row);
	if (export_stopping())
		return exhibit_error_set(err, -3, -1, "interrupted: nothing was left");
	if (step != SQLITE_DONE)
		return export_sql_error(x->db, err, "reading the plan");
	return 0;
}

int export_files(sqlite3 *db, const char *output, const export_options *opt,
                 export_result *res, exhibit_error *err)
{
	extractor x;
	int64_t planned;
	int rc = -1, fd;

	memset(&x, 0, sizeof x);
	x.db = db;
	x.opt = opt;
	x.res = res;
	if (export_check_output(db, output, err) < 0)
		return err ? err->code : -4;
	if ((planned = export_plan_build(db, err)) < 0)
		return (int)planned;
	x.case_dir = export_case_dir(db);
	x.root = export_temp_name(output);
	x.reader = content_reader_new();
	x.mh = multi_hash_new(err);
	x.buf = malloc(CHUNK);
	if (!x.case_dir || !x.root || !x.reader || !x.mh || !x.buf) {
		rc = exhibit_error_set(err, -1, -1, "out of memory");
		goto done;
	}
	if (!mkdtemp(x.root)) {
		rc = exhibit_error_set(err, -2, -1, "%s: cannot create a directory beside it: %s", output,
		                       strerror(errno));
		free(x.root);
		x.root = NULL;
		goto done;
	}
	chmod(x.root, 0750); /* mkdtemp makes it 0700; the export is for its recipient */
	warn_unread(&x);
	if ((rc = extract_all(&x, err)) < 0)
		goto done;
	if (x.problems) {
		rc = exhibit_error_set(err, -3, -1, "%llu of %lld files could not be extracted as the case "
		                       "has them, so nothing was left at %s; first: %s",
		                       (unsigned long long)x.problems, (long long)planned, output,
		                       x.first_problem);
		goto done;
	}
	if ((rc = write_manifest(&x, output, err)) < 0)
		goto done;
	if ((fd = open(x.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		syncfs(fd);  /* the files are on disk before the export is declared done */
		close(fd);
	}
	if (export_rename_new(x.root, output) < 0) {
		rc = exhibit_error_set(err, -2, -1, "%s: cannot put the export in place: %s", output,
		                       strerror(errno));
		goto done;
	}
	free(x.root);
	x.root = NULL;
	rc = 0;
done:
	if (x.root)
		remove_tree(x.root);
	if (rc < 0)
		res->items = 0;
	free_slots(&x);
	sqlite3_finalize(x.runs);
	export_plan_drop(db);
	content_reader_free(x.reader);
	multi_hash_free(x.mh);
	free(x.buf);
	free(x.case_dir);
	free(x.root);
	free(x.last_dir);
	return rc;
}

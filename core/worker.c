/*
 * worker.c — what a worker thread does with one item: read its content
 * once, in chunks, feeding the three digests; sniff its type from the
 * first bytes; claim the content (SHA-256) so that duplicates are never
 * analysed twice; and run the plugins that accept it, through the host
 * callbacks of exhibit/plugin.h implemented here.
 *
 * A database the walk found with its "-wal" or "-journal" beside it
 * (pipeline.c pairs them into the bundle) is read with it, as SQLite
 * would open the two: open_sqlite serves the live version of every page
 * (the WAL's latest committed frames, or a hot journal rolled back), and
 * open_sqlite_recovered reads every dead version as well (each WAL frame,
 * superseded or not, tagged "wal frame N ...", the journal's records, and
 * the main file's own copy of every page they replace, tagged
 * "superseded": the database as it stands without them).  A companion
 * that cannot be read or applied is reported and the database is read
 * alone.  Pairing holds for the item itself, in memory (up to
 * SQLITE_IN_MEMORY_MAX bytes with its companions); and per content: the
 * first copy of a database analysed decides whether a companion was there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carve_run.h"
#include "casedb_hashsets.h"
#include "hash.h"
#include "plugin_guard.h"
#include "recovered_db.h"
#include "run.h"
#include "sniff.h"
#include "sqlite_recover.h"
#include "sqlite_sidecar.h"
#include "text.h"
#include "untrusted_sqlite.h"

#define READ_CHUNK (1u << 20)

typedef struct worker {
	run *r;
	content_reader *reader;
	multi_hash *mh;
	unsigned char *buf;
	carve_thread *carve;      /* made when the worker first carves */
} worker;

struct exhibit_host {
	worker *w;
	bundle *b;
	const content_location *loc;
	const exhibit_plugin *plugin;
	unsigned depth;
	int reported;
	sqlite3 *file_db;        /* the open_sqlite connection on a private file */
	char *file_db_path;
};

/* Databases up to this size are copied into memory; larger ones into a
 * private file in the case's tmp/ folder. */
#define SQLITE_IN_MEMORY_MAX ((uint64_t)64 << 20)

static void process_content(worker *w, bundle *b, const content_location *loc, unsigned depth);

/* ---------------------------------------------------------------- hashing */

static void item_problem(worker *w, bundle *b, const char *plugin, int64_t offset,
                         const char *message)
{
	bundle_add_error(b, plugin, offset, message);
	run_problem(w->r, b->entry.path, plugin, offset, message);
}

static int write_all(int fd, const void *data, size_t len);

/* hash_content — read loc once, hashing it; keep its first bytes in head;
 * copy it to *copy_fd when that is open (set to -1 if a write fails). */
static int hash_content(worker *w, bundle *b, const content_location *loc,
                        unsigned char *head, size_t *head_len, int *copy_fd)
{
	exhibit_error err;
	uint64_t offset = 0;

	*head_len = 0;
	exhibit_error_clear(&err);
	if (multi_hash_reset(w->mh, &err) < 0)
		goto fail;
	while (offset < loc->size) {
		int64_t got = content_reader_read(w->reader, loc, offset, w->buf, READ_CHUNK, &err);

		if (got < 0)
			goto fail;
		if (got == 0)
			break; /* libtsk has no more (NTFS past its initialised size): as icat */
		if (*head_len < SNIFF_HEAD_BYTES) {
			size_t take = (size_t)got < SNIFF_HEAD_BYTES - *head_len
				? (size_t)got : SNIFF_HEAD_BYTES - *head_len;
			memcpy(head + *head_len, w->buf, take);
			*head_len += take;
		}
		if (multi_hash_update(w->mh, w->buf, (size_t)got, &err) < 0)
			goto fail;
		if (*copy_fd >= 0 && write_all(*copy_fd, w->buf, (size_t)got) < 0) {
			item_problem(w, b, NULL, -1, "cannot copy the content into the case's content store");
			close(*copy_fd);
			*copy_fd = -1;
		}
		offset += (uint64_t)got;
		atomic_fetch_add(&w->r->stats->bytes_done, (uint64_t)got);
	}
	if (multi_hash_final(w->mh, &b->row.d, &err) < 0)
		goto fail;
	b->row.has_digests = 1;
	return 0;
fail:
	b->row.status = "error";
	item_problem(w, b, NULL, err.offset, err.message);
	return -1;
}

/* ---------------------------------------------------------------- host API */

static int64_t host_read(exhibit_host *h, uint64_t offset, void *buf, size_t len)
{
	exhibit_error err;
	int64_t got;

	exhibit_error_clear(&err);
	got = content_reader_read(h->w->reader, h->loc, offset, buf, len, &err);
	if (got < 0) {
		item_problem(h->w, h->b, h->plugin->name, err.offset, err.message);
		h->reported = 1;
		return EXHIBIT_ERR_READ;
	}
	return got;
}

static int host_emit_record(exhibit_host *h, const char *table, const exhibit_field *fields,
                            size_t n)
{
	exhibit_error err;

	if (!table || (n && !fields) ||
	    record_schema_check(casedb_record_schema(h->w->r->db), table, fields, n, &err) < 0) {
		item_problem(h->w, h->b, h->plugin->name, -1,
		             table ? err.message : "emit_record without a record type");
		h->reported = 1;
		return EXHIBIT_ERR;
	}
	return bundle_add_record(h->b, table, fields, n) < 0 ? EXHIBIT_ERR : EXHIBIT_OK;
}

static void host_report_error(exhibit_host *h, int64_t offset, const char *message)
{
	item_problem(h->w, h->b, h->plugin->name, offset, message ? message : "(no message)");
	h->reported = 1;
}

static int write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;

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

/* store_blob — keep a child's bytes in the case's content store as
 * content/ab/<sha256>, written once, atomically (temp file + rename). */
static char *store_blob(worker *w, const unsigned char sha256[32], const void *data,
                        size_t len, exhibit_error *err)
{
	char hex[65], *rel = NULL, *full = NULL, *tmp = NULL, *dir = NULL;
	const char *base = w->r->content_dir;
	int fd;

	hex_encode(sha256, 32, hex);
	if (asprintf(&rel, "content/%.2s/%s", hex, hex) < 0 ||
	    asprintf(&dir, "%s/content/%.2s", base, hex) < 0 ||
	    asprintf(&full, "%s/%s", base, rel) < 0 ||
	    asprintf(&tmp, "%s.tmp.%ld", full, (long)pthread_self()) < 0)
		goto fail;
	if (access(full, F_OK) == 0)
		goto done;
	{
		char *content_root = NULL;
		if (asprintf(&content_root, "%s/content", base) >= 0) {
			mkdir(content_root, 0750);
			free(content_root);
		}
	}
	mkdir(dir, 0750);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		exhibit_error_set(err, -1, -1, "%s: cannot store content: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto fail;
	}
	close(fd);
	if (rename(tmp, full) < 0) {
		exhibit_error_set(err, -1, -1, "%s: cannot store content: %s", full, strerror(errno));
		unlink(tmp);
		goto fail;
	}
done:
	free(dir);
	free(full);
	free(tmp);
	return rel;
fail:
	free(rel);
	free(dir);
	free(full);
	free(tmp);
	return NULL;
}

/*
 * A carved file has no other home than the space it was carved from, so
 * its content goes into the content store: copied into a temporary file
 * of the store while it is hashed (read once), then named by its SHA-256
 * when it is new to the case, or dropped.  The temporary files lie at the
 * top of content/, outside the blobs custody covers; a killed run's are
 * removed by the next (carve_clean_store).
 */
typedef struct store_copy {
	int fd;
	char *tmp;
} store_copy;

static void copy_begin(worker *w, bundle *b, store_copy *c)
{
	char *root = NULL;

	c->fd = -1;
	c->tmp = NULL;
	if (asprintf(&root, "%s/content", w->r->content_dir) < 0)
		return;
	mkdir(root, 0750);
	if (asprintf(&c->tmp, "%s/carved.tmp.%lld", root, (long long)b->row.id) < 0)
		c->tmp = NULL;
	else if ((c->fd = open(c->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0)
		item_problem(w, b, NULL, -1, "cannot write into the case's content store");
	free(root);
}

static void copy_drop(store_copy *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->tmp)
		unlink(c->tmp);
	free(c->tmp);
	c->fd = -1;
	c->tmp = NULL;
}

/* copy_keep — the copy becomes content/ab/<sha256>; its relative path, or
 * NULL (reported). */
static char *copy_keep(worker *w, bundle *b, store_copy *c)
{
	char hex[65], *rel = NULL, *dir = NULL, *full = NULL;
	int ok = c->fd >= 0 && fsync(c->fd) == 0;

	hex_encode(b->row.d.sha256, 32, hex);
	if (ok && (asprintf(&rel, "content/%.2s/%s", hex, hex) < 0 ||
	           asprintf(&dir, "%s/content/%.2s", w->r->content_dir, hex) < 0 ||
	           asprintf(&full, "%s/%s", w->r->content_dir, rel) < 0))
		ok = 0;
	if (ok) {
		mkdir(dir, 0750);
		ok = access(full, F_OK) == 0 || rename(c->tmp, full) == 0;
	}
	if (!ok) {
		item_problem(w, b, NULL, -1, "cannot store the carved content in the case's content store");
		free(rel);
		rel = NULL;
	}
	free(dir);
	free(full);
	copy_drop(c);
	return rel;
}

static walk_entry child_entry(const bundle *parent, const char *path, const char *name,
                              size_t len)
{
	walk_entry e;

	memset(&e, 0, sizeof e);
	e.path = path;
	e.name = name;
	e.attr_type = e.attr_id = -1;
	e.type = 'r';
	e.size = len;
	e.name_allocated = parent->entry.name_allocated;
	e.meta_allocated = parent->entry.meta_allocated;
	e.has_content = 1;
	return e;
}

static int host_emit_child(exhibit_host *h, const char *name, const void *data, size_t len)
{
	worker *w = h->w;
	char *clean = NULL, *path = NULL;
	content_location loc;
	walk_entry e;
	bundle *child;
	exhibit_error err;

	if (h->depth + 1 > w->r->opts->max_depth) {
		host_report_error(h, -1, "child item refused: the depth limit is reached");
		return EXHIBIT_ERR_LIMIT;
	}
	clean = text_escape_utf8(name ? name : "", name ? strlen(name) : 0);
	if (!clean || asprintf(&path, "%s/%s", h->b->entry.path, clean) < 0) {
		free(clean);
		return EXHIBIT_ERR;
	}
	e = child_entry(h->b, path, clean, len);
	child = bundle_new(&e);
	free(path);
	free(clean);
	if (!child)
		return EXHIBIT_ERR;
	child->row.id = atomic_fetch_add(&w->r->next_file_id, 1);
	child->row.evidence_id = h->b->row.evidence_id;
	child->row.fs_id = h->b->row.fs_id;
	child->row.parent_id = h->b->row.id;
	child->row.source = "embedded";
	memset(&loc, 0, sizeof loc);
	loc.kind = CONTENT_MEMORY;
	loc.data = data;
	loc.size = len;
	process_content(w, child, &loc, h->depth + 1);
	exhibit_error_clear(&err);
	if (child->row.has_digests &&
	    !(child->row.stored = store_blob(w, child->row.d.sha256, data, len, &err)))
		item_problem(w, child, NULL, -1, err.message);
	bundle_add_child(h->b, child);
	return EXHIBIT_OK;
}

/* read_all — the whole content into a fresh buffer (NULL: reported). */
static unsigned char *read_all(exhibit_host *h, uint64_t size)
{
	unsigned char *bytes = malloc(size ? size : 1);
	uint64_t offset = 0;

	while (bytes && offset < size) {
		int64_t got = host_read(h, offset, bytes + offset, (size_t)(size - offset));
		if (got <= 0) {
			free(bytes);
			return NULL;
		}
		offset += (uint64_t)got;
	}
	return bytes;
}

static int open_sqlite_in_memory(exhibit_host *h, struct sqlite3 **db)
{
	unsigned char *bytes = read_all(h, h->loc->size);
	exhibit_error err;
	int rc;

	if (!bytes)
		return EXHIBIT_ERR_READ;
	exhibit_error_clear(&err);
	rc = untrusted_sqlite_open(bytes, (size_t)h->loc->size, db, &err);
	free(bytes);
	if (rc < 0) {
		host_report_error(h, err.offset, err.message);
		return rc;
	}
	return EXHIBIT_OK;
}

/* copy_to_private_file — the content (header patched when patch is set)
 * into path. */
static int copy_to_private_file(exhibit_host *h, const char *path, int patch)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	uint64_t offset = 0;
	int rc = EXHIBIT_OK;

	if (fd < 0)
		return EXHIBIT_ERR;
	while (offset < h->loc->size && rc == EXHIBIT_OK) {
		int64_t got = host_read(h, offset, h->w->buf, READ_CHUNK);

		if (got <= 0) {
			rc = EXHIBIT_ERR_READ;
			break;
		}
		if (offset == 0 && patch)
			untrusted_sqlite_patch_header(h->w->buf, (size_t)got);
		if (write_all(fd, h->w->buf, (size_t)got) < 0)
			rc = EXHIBIT_ERR;
		offset += (uint64_t)got;
	}
	close(fd);
	return rc;
}

static int open_sqlite_from_file(exhibit_host *h, struct sqlite3 **db)
{
	char *dir = NULL, *path = NULL;
	exhibit_error err;
	int rc;

	if (h->file_db) {
		host_report_error(h, -1, "open_sqlite: a large database is already open for this item");
		return EXHIBIT_ERR_LIMIT;
	}
	if (asprintf(&dir, "%s/tmp", h->w->r->content_dir) < 0 ||
	    asprintf(&path, "%s/sqlite-%ld-%p.db", dir, (long)getpid(), (void *)h) < 0) {
		free(dir);
		return EXHIBIT_ERR;
	}
	mkdir(dir, 0700);
	free(dir);
	rc = copy_to_private_file(h, path, 1);
	exhibit_error_clear(&err);
	if (rc == EXHIBIT_OK &&
	    (rc = untrusted_sqlite_open_private_file(path, NULL, db, &err)) < 0)
		host_report_error(h, err.offset, err.message);
	else if (rc == EXHIBIT_ERR)
		host_report_error(h, -1, "cannot write a private copy of the database into the case's tmp/");
	if (rc < 0) {
		unlink(path);
		free(path);
		return rc;
	}
	h->file_db = *db;
	h->file_db_path = path;
	return EXHIBIT_OK;
}

/* within_sqlite_limit — whether the item is small enough to open as a
 * database; reported when it is not. */
static int within_sqlite_limit(exhibit_host *h)
{
	uint64_t size = h->loc->size;
	char msg[160];

	if (size <= h->w->r->opts->max_sqlite_bytes)
		return 1;
	snprintf(msg, sizeof msg, "database of %llu bytes is larger than the %llu-byte limit",
	         (unsigned long long)size,
	         (unsigned long long)h->w->r->opts->max_sqlite_bytes);
	host_report_error(h, -1, msg);
	return 0;
}

/* ------------------------------------------------ a database and its WAL */

static void entry_location(const evidence_source *src, const bundle *b,
                           content_location *loc);

/* paired — the item is a database the walk found with a companion. */
static int paired(const exhibit_host *h)
{
	return h->depth == 0 && (h->b->wal || h->b->journal) &&
	       h->loc->size <= SQLITE_IN_MEMORY_MAX;
}

/* read_companion — a companion's whole content (NULL: none, or reported). */
static unsigned char *read_companion(exhibit_host *h, const bundle *side, size_t *len)
{
	content_location loc;
	unsigned char *bytes;
	exhibit_error err;
	uint64_t offset = 0;
	char msg[EXHIBIT_ERROR_MAX + 128];

	*len = 0;
	if (!side)
		return NULL;
	if (side->entry.size > SQLITE_IN_MEMORY_MAX ||
	    side->entry.size > h->w->r->opts->max_sqlite_bytes) {
		snprintf(msg, sizeof msg, "%s beside the database is too large to read with it "
		         "(%llu bytes); the database is read without it", side->entry.name,
		         (unsigned long long)side->entry.size);
		host_report_error(h, -1, msg);
		return NULL;
	}
	entry_location(h->loc->src, side, &loc);
	if (!(bytes = malloc(side->entry.size ? side->entry.size : 1)))
		return NULL;
	exhibit_error_clear(&err);
	while (offset < side->entry.size) {
		int64_t got = content_reader_read(h->w->reader, &loc, offset, bytes + offset,
		                                  (size_t)(side->entry.size - offset), &err);

		if (got <= 0) {
			snprintf(msg, sizeof msg, "%s beside the database cannot be read (%s); the "
			         "database is read without it", side->entry.name,
			         got < 0 ? err.message : "it ends early");
			host_report_error(h, -1, msg);
			free(bytes);
			return NULL;
		}
		offset += (uint64_t)got;
	}
	*len = (size_t)side->entry.size;
	return bytes;
}

/* The item's bytes and its companions', for sqlite_pages. */
typedef struct paired_files {
	sqlite_db_files files;
	unsigned char *main, *wal, *journal;
} paired_files;

static int read_paired(exhibit_host *h, paired_files *p)
{
	memset(p, 0, sizeof *p);
	if (!(p->main = read_all(h, h->loc->size)))
		return EXHIBIT_ERR_READ;
	p->files.main = p->main;
	p->files.main_len = (size_t)h->loc->size;
	p->wal = read_companion(h, h->b->wal, &p->files.wal_len);
	p->files.wal = p->wal;
	p->journal = read_companion(h, h->b->journal, &p->files.journal_len);
	p->files.journal = p->journal;
	return EXHIBIT_OK;
}

static void paired_free(paired_files *p)
{
	free(p->main);
	free(p->wal);
	free(p->journal);
}

/* open_sqlite_paired — the database as SQLite opens it with its
 * companion; the item alone when that cannot be built. */
static int open_sqlite_paired(exhibit_host *h, struct sqlite3 **db)
{
	paired_files p;
	uint8_t *image = NULL;
	size_t len = 0;
	exhibit_error err;
	int rc = read_paired(h, &p);

	if (rc != EXHIBIT_OK)
		return rc;
	exhibit_error_clear(&err);
	if ((p.wal || p.journal) &&
	    sqlite_live_image(&p.files, (size_t)h->w->r->opts->max_sqlite_bytes, &image, &len,
	                      &err) != 0) {
		char msg[EXHIBIT_ERROR_MAX + 96];

		snprintf(msg, sizeof msg, "the WAL or journal beside the database cannot be "
		         "applied (%s); the database is read without it", err.message);
		host_report_error(h, -1, msg);
		image = NULL;
	}
	exhibit_error_clear(&err);
	rc = image ? untrusted_sqlite_open(image, len, db, &err)
	           : untrusted_sqlite_open(p.main, p.files.main_len, db, &err);
	free(image);
	paired_free(&p);
	if (rc < 0) {
		host_report_error(h, err.offset, err.message);
		return rc;
	}
	return EXHIBIT_OK;
}

static int host_open_sqlite(exhibit_host *h, struct sqlite3 **db)
{
	*db = NULL;
	if (!within_sqlite_limit(h))
		return EXHIBIT_ERR_LIMIT;
	if (paired(h))
		return open_sqlite_paired(h, db);
	if (h->depth == 0 && (h->b->wal || h->b->journal))
		host_report_error(h, -1, "the database is too large to read with the WAL or "
		                  "journal beside it; it is read without it");
	return h->loc->size <= SQLITE_IN_MEMORY_MAX ? open_sqlite_in_memory(h, db)
	                                            : open_sqlite_from_file(h, db);
}

/* ------------------------------------------------------- deleted-row recovery */

/* How many of recovery's problems become item errors (then a count). */
#define RECOVERY_PROBLEMS_REPORTED 16

static void report_recovery_problems(exhibit_host *h, const sqlite_problems *p)
{
	size_t i, shown = p->n < RECOVERY_PROBLEMS_REPORTED ? p->n : RECOVERY_PROBLEMS_REPORTED;
	char msg[SQLITE_PROBLEM_MAX + 64];

	for (i = 0; i < shown; i++) {
		const sqlite_problem *q = &p->items[i];

		if (q->file == SQLITE_FILE_MAIN) {
			snprintf(msg, sizeof msg, "recovery: %s", q->message);
			host_report_error(h, q->offset, msg);
		} else {
			snprintf(msg, sizeof msg, "recovery: %s offset %lld: %s",
			         sqlite_file_kind_name(q->file), (long long)q->offset, q->message);
			host_report_error(h, -1, msg);
		}
	}
	if (p->n + p->dropped > shown) {
		snprintf(msg, sizeof msg, "recovery: %zu more problems not listed",
		         p->n + p->dropped - shown);
		host_report_error(h, -1, msg);
	}
}

/*
 * open_recovered — recover the rows of a database given as files (the
 * item's bytes; a WAL or journal paired with it is one more field of
 * files) and serve them as a database.
 */
static int open_recovered(exhibit_host *h, const sqlite_db_files *files,
                          struct sqlite3 **db)
{
	sqlite_recovery *rec = NULL;
	exhibit_error err;
	int rc;

	exhibit_error_clear(&err);
	rc = sqlite_recover(files, NULL, &rec, &err);
	if (rc == 0) {
		rc = recovered_db_open(rec, NULL, db, &err);
		report_recovery_problems(h, &rec->problems);
		sqlite_recovery_free(rec);
	}
	if (rc < 0) {
		char msg[EXHIBIT_ERROR_MAX + 16];

		snprintf(msg, sizeof msg, "recovery: %s", err.message);
		host_report_error(h, err.offset, msg);
	}
	return rc < 0 ? rc : EXHIBIT_OK;
}

/* The item's bytes mapped from a private copy in the case's tmp/, for
 * databases too large to read into memory. */
static int open_recovered_from_file(exhibit_host *h, struct sqlite3 **db)
{
	sqlite_db_files files;
	char *path = NULL;
	void *map = MAP_FAILED;
	int fd = -1, rc;

	if (asprintf(&path, "%s/tmp", h->w->r->content_dir) < 0)
		return EXHIBIT_ERR;
	mkdir(path, 0700);
	free(path);
	if (asprintf(&path, "%s/tmp/recover-%ld-%p.db", h->w->r->content_dir,
	             (long)getpid(), (void *)h) < 0)
		return EXHIBIT_ERR;
	rc = copy_to_private_file(h, path, 0);
	if (rc == EXHIBIT_ERR)
		host_report_error(h, -1, "recovery: cannot write a private copy of the "
		                  "database into the case's tmp/");
	if (rc == EXHIBIT_OK && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
		map = mmap(NULL, (size_t)h->loc->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (rc == EXHIBIT_OK && map == MAP_FAILED) {
		host_report_error(h, -1, "recovery: cannot map a private copy of the database");
		rc = EXHIBIT_ERR;
	}
	if (rc == EXHIBIT_OK) {
		memset(&files, 0, sizeof files);
		files.main = map;
		files.main_len = (size_t)h->loc->size;
		rc = open_recovered(h, &files, db);
		munmap(map, (size_t)h->loc->size);
	}
	if (fd >= 0)
		close(fd);
	unlink(path);
	free(path);
	return rc;
}

static int host_open_sqlite_recovered(exhibit_host *h, struct sqlite3 **db)
{
	sqlite_db_files files;
	unsigned char *bytes;
	int rc;

	*db = NULL;
	if (!within_sqlite_limit(h))
		return EXHIBIT_ERR_LIMIT;
	if (h->loc->size > SQLITE_IN_MEMORY_MAX)
		return open_recovered_from_file(h, db);
	if (paired(h)) {
		paired_files p;

		if ((rc = read_paired(h, &p)) != EXHIBIT_OK)
			return rc;
		rc = open_recovered(h, &p.files, db);
		paired_free(&p);
		return rc;
	}
	if (!(bytes = read_all(h, h->loc->size)))
		return EXHIBIT_ERR_READ;
	memset(&files, 0, sizeof files);
	files.main = bytes;
	files.main_len = (size_t)h->loc->size;
	rc = open_recovered(h, &files, db);
	free(bytes);
	return rc;
}

static void host_close_sqlite(exhibit_host *h, struct sqlite3 *db)
{
	untrusted_sqlite_close(db);
	if (db && db == h->file_db) {
		unlink(h->file_db_path);
		free(h->file_db_path);
		h->file_db = NULL;
		h->file_db_path = NULL;
	}
}

static const exhibit_host_api host_api = {
	EXHIBIT_ABI_VERSION,
	host_read,
	host_emit_record,
	host_emit_child,
	host_report_error,
	host_open_sqlite,
	host_close_sqlite,
	host_open_sqlite_recovered,
};

/* ---------------------------------------------------------------- analysis */

typedef struct plugin_call {
	const exhibit_plugin *p;
	exhibit_host *host;
	const exhibit_item *item;
} plugin_call;

static int call_analyze(void *arg)
{
	plugin_call *c = arg;
	return c->p->analyze(&host_api, c->host, c->item);
}

static void run_plugin(worker *w, bundle *b, const content_location *loc,
                       const exhibit_plugin *p, unsigned depth)
{
	exhibit_host host = { w, b, loc, p, depth, 0, NULL, NULL };
	char sha[65];
	exhibit_item item;
	plugin_call call = { p, &host, &item };
	bundle_mark mark = bundle_mark_records(b);
	int rc, crash;

	hex_encode(b->row.d.sha256, 32, sha);
	item.path = b->entry.path;
	item.name = b->entry.name;
	item.size = loc->size;
	item.mime_type = b->row.mime_type;
	item.sha256 = sha;
	item.depth = depth;
	rc = plugin_guard_call(call_analyze, &call, &crash);
	if (host.file_db_path) {
		/* The plugin crashed or forgot close_sqlite: the private copy goes. */
		if (!crash)
			untrusted_sqlite_close(host.file_db);
		unlink(host.file_db_path);
		free(host.file_db_path);
	}
	if (crash) {
		char msg[160];
		/* What it emitted before crashing may be half-made: drop it. */
		bundle_drop_records_since(b, mark);
		snprintf(msg, sizeof msg, "the plugin crashed (%s) on this item; its results for it "
		         "are dropped and the run goes on", strsignal(crash));
		item_problem(w, b, p->name, -1, msg);
	} else if (rc < 0 && !host.reported) {
		char msg[96];
		snprintf(msg, sizeof msg, "the plugin failed (code %d) without saying why", rc);
		item_problem(w, b, p->name, -1, msg);
	}
	bundle_add_analysis(b, p->name, rc < 0 ? "error" : "ok");
}

typedef struct label_call {
	const exhibit_plugin *p;
	const char *path;
	const char *label;
} label_call;

static int call_label_place(void *arg)
{
	label_call *c = arg;
	c->label = c->p->label_place(c->path);
	return 0;
}

/* label_places — every accepting plugin's label for this place; run for
 * duplicates too, since a label belongs to the place, not the content. */
static void label_places(worker *w, bundle *b, const unsigned char *head, size_t head_len)
{
	const plugin_registry *reg = w->r->opts->plugins;

	for (size_t i = 0; reg && i < plugin_registry_count(reg); i++) {
		const exhibit_plugin *p = plugin_registry_get(reg, i);
		label_call call = { p, b->entry.path, NULL };
		int crash;

		if (!p->label_place ||
		    !plugin_accepts(p, b->row.mime_type, b->entry.name, head, head_len))
			continue;
		plugin_guard_call(call_label_place, &call, &crash);
		if (crash)
			item_problem(w, b, p->name, -1, "the plugin crashed labelling this place");
		else if (call.label && call.label[0])
			bundle_add_label(b, p->name, call.label);
	}
}

static void analyse(worker *w, bundle *b, const content_location *loc,
                    const unsigned char *head, size_t head_len, unsigned depth)
{
	const plugin_registry *reg = w->r->opts->plugins;

	for (size_t i = 0; reg && i < plugin_registry_count(reg); i++) {
		const exhibit_plugin *p = plugin_registry_get(reg, i);

		if (p->kind == EXHIBIT_PLUGIN_ANALYZER &&
		    plugin_accepts(p, b->row.mime_type, b->entry.name, head, head_len))
			run_plugin(w, b, loc, p, depth);
	}
}

/* ---------------------------------------------------------------- hash sets */

static void note_hash_hit(void *ctx, int64_t set_id, const char *algorithm, const char *category)
{
	bundle_add_hash_hit(ctx, set_id, algorithm, category);
}

/* match_hash_sets — new content is looked up by its three digests; the
 * hits travel with the item's bundle. */
static void match_hash_sets(worker *w, bundle *b)
{
	if (w->r->hash_set_ids)
		hashsets_match_digests(w->r->opts->hash_sets, w->r->hash_set_ids, &b->row.d,
		                       note_hash_hit, b);
}

static void process_content(worker *w, bundle *b, const content_location *loc, unsigned depth)
{
	unsigned char *head = malloc(SNIFF_HEAD_BYTES);
	size_t head_len = 0;
	const sniff_type *type;
	store_copy copy = { -1, NULL };

	if (!head) {
		item_problem(w, b, NULL, -1, "out of memory");
		return;
	}
	if (b->carved)
		copy_begin(w, b, &copy);
	if (hash_content(w, b, loc, head, &head_len, &copy.fd) == 0 &&
	    (b->entry.type == 'r' || b->entry.type == 'v')) {
		/* Directories and links are hashed, never typed or analysed. */
		type = sniff_content(head, head_len, loc->size);
		b->row.mime_type = strdup(type->mime_type);
		b->row.extension_mismatch = sniff_extension_mismatch(type, b->entry.name);
		label_places(w, b, head, head_len);
		if (sha_set_claim(w->r->analysed, b->row.d.sha256) == 1) {
			b->row.analysed = 1;
			if (b->carved)
				b->row.stored = copy_keep(w, b, &copy);
			match_hash_sets(w, b);
			analyse(w, b, loc, head, head_len, depth);
		}
	}
	copy_drop(&copy);
	free(head);
}

/* entry_location — where a walked (or carved) entry's content is read. */
static void entry_location(const evidence_source *src, const bundle *b,
                           content_location *loc)
{
	memset(loc, 0, sizeof *loc);
	loc->src = src;
	loc->size = b->entry.size;
	loc->attr_type = b->entry.attr_type;
	loc->attr_id = b->entry.attr_id;
	if (b->carved) {
		loc->kind = CONTENT_RUNS;
		loc->runs = b->entry.runs;
		loc->n_runs = b->entry.n_runs;
	} else if (b->entry.local_path) {
		loc->kind = CONTENT_LOCAL;
		loc->local_path = b->entry.local_path;
	} else {
		loc->kind = CONTENT_FS;
		loc->fs_offset = b->entry.fs_offset;
		loc->fs_type = b->entry.fs_type;
		loc->meta_addr = b->entry.meta_addr;
	}
}

static void process_item(worker *w, evidence_run *ev, bundle *b)
{
	content_location loc;

	if (b->entry.has_content) {
		entry_location(&ev->src, b, &loc);
		process_content(w, b, &loc, 0);
	}
	writer_push(w->r->w, &b->op);
	atomic_fetch_add(&w->r->stats->items_done, 1);
}

void *worker_main(void *arg)
{
	worker w = { arg, content_reader_new(), multi_hash_new(NULL), malloc(READ_CHUNK), NULL };
	queue_node *node;

	plugin_guard_thread_begin();
	if (!w.reader || !w.mh || !w.buf) {
		run_problem(w.r, "(worker)", NULL, -1, "a worker could not start: out of memory");
		goto out;
	}
	while ((node = queue_pop(&w.r->work))) {
		work_item *it = (work_item *)node;

		if (it->carve) {
			carve_worker_block(w.r, &w.carve, w.reader, it);
			continue;
		}
		for (size_t i = 0; i < it->n; i++)
			process_item(&w, it->ev, it->b[i]);
		free(it);
	}
out:
	plugin_guard_thread_end();
	carve_thread_free(w.carve);
	content_reader_free(w.reader);
	multi_hash_free(w.mh);
	free(w.buf);
	return NULL;
}

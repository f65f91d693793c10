/*
 * hashdb_import.c — see hashdb_import.h.
 */
#include "hashdb_import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hashdb_build.h"
#include "hashdb_catalog.h"
#include "hashdb_format.h"
#include "text.h"

#define MAX_CATEGORIES 65536u
#define MAX_CATEGORY_BYTES 256u

/* ---------------------------------------------------------------- locking */

/* A change in progress: the lock, the catalog, the snapshot it replaces. */
typedef struct change {
	const char *dir;
	int lock_fd;
	hashdb_catalog *cat;
	hashdb *old;
	char *tmp_dir;
	char *new_index;
} change;

static int mkdir_p(const char *dir)
{
	char *copy = strdup(dir);
	int rc = 0;

	if (!copy)
		return -1;
	for (char *p = copy + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(copy, 0755) < 0 && errno != EEXIST)
		rc = -1;
	free(copy);
	return rc;
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *child = NULL;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (asprintf(&child, "%s/%s", path, e->d_name) >= 0)
			unlink(child);
		free(child);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

/* clean_leftovers — what a change killed half-way left (we hold the lock,
 * so no other change is using it). */
static void clean_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *path = NULL;

		if (strncmp(e->d_name, "tmp-", 4) && strncmp(e->d_name, "index.hdb.new-", 14))
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			continue;
		if (!strncmp(e->d_name, "tmp-", 4))
			remove_tree(path);
		else
			unlink(path);
		free(path);
	}
	if (d)
		closedir(d);
}

static void change_end(change *c)
{
	if (c->tmp_dir)
		remove_tree(c->tmp_dir);
	if (c->new_index)
		unlink(c->new_index);
	free(c->tmp_dir);
	free(c->new_index);
	hashdb_close(c->old);
	hashdb_catalog_close(c->cat);
	if (c->lock_fd >= 0)
		close(c->lock_fd); /* releases the lock */
}

static int change_begin(change *c, const char *dir, exhibit_error *err)
{
	char *lock = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	c->dir = dir;
	c->lock_fd = -1;
	if (mkdir_p(dir) < 0)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: cannot create the hash database: %s",
		                         dir, strerror(errno));
	if (asprintf(&lock, "%s/lock", dir) < 0)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	c->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(lock);
	if (c->lock_fd < 0 || flock(c->lock_fd, LOCK_EX) < 0)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s/lock: cannot lock the hash database: %s",
		                         dir, strerror(errno));
	clean_leftovers(dir);
	if ((rc = hashdb_open(dir, &c->old, err)) < 0)
		return rc;
	if (hashdb_catalog_open(dir, &c->cat, err) < 0 || hashdb_catalog_begin(c->cat, err) < 0 ||
	    hashdb_catalog_reconcile(c->cat, c->old, err) < 0)
		return -1;
	if (asprintf(&c->tmp_dir, "%s/tmp-XXXXXX", dir) < 0 || !mkdtemp(c->tmp_dir))
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: cannot make a temporary directory: %s",
		                         dir, strerror(errno));
	if (asprintf(&c->new_index, "%s/index.hdb.new-%ld", dir, (long)getpid()) < 0)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	return 0;
}

/* publish — the new index replaces the old one, then the catalog commits. */
static int publish(change *c, exhibit_error *err)
{
	char *index = NULL;
	int dfd;

	if (asprintf(&index, "%s/index.hdb", c->dir) < 0)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	if (rename(c->new_index, index) < 0) {
		exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: cannot put the new index in place: %s",
		                  index, strerror(errno));
		free(index);
		return -1;
	}
	free(index);
	free(c->new_index);
	c->new_index = NULL;
	if ((dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd); /* the rename itself reaches the disk */
		close(dfd);
	}
	return hashdb_catalog_commit(c->cat, err);
}

/* ---------------------------------------------------------------- categories */

/* The new file's category strings: the old snapshot's first, then new ones,
 * found again through a small open-addressing table. */
typedef struct categories {
	char **strings;
	uint32_t n, cap;
	uint32_t n_old;
	uint32_t *slots;                  /* index + 1, 0 = empty */
	uint32_t n_slots;
} categories;

static uint32_t hash_text(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int categories_grow_slots(categories *c)
{
	uint32_t n = c->n_slots ? c->n_slots * 2 : 64;
	uint32_t *slots = calloc(n, sizeof *slots);

	if (!slots)
		return -1;
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t h = hash_text(c->strings[i]) & (n - 1);
		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = i + 1;
	}
	free(c->slots);
	c->slots = slots;
	c->n_slots = n;
	return 0;
}

/* categories_add — a string's id (index + 1); 0 when out of memory or
 * past MAX_CATEGORIES. */
static uint32_t categories_add(categories *c, const char *s)
{
	uint32_t h;

	if ((c->n + 1) * 2 > c->n_slots && categories_grow_slots(c) < 0)
		return 0;
	h = hash_text(s) & (c->n_slots - 1);
	while (c->slots[h]) {
		if (!strcmp(c->strings[c->slots[h] - 1], s))
			return c->slots[h];
		h = (h + 1) & (c->n_slots - 1);
	}
	if (c->n == MAX_CATEGORIES + c->n_old)
		return 0;
	if (c->n == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 16;
		char **grown = realloc(c->strings, cap * sizeof *grown);
		if (!grown)
			return 0;
		c->strings = grown;
		c->cap = cap;
	}
	if (!(c->strings[c->n] = strdup(s)))
		return 0;
	c->slots[h] = ++c->n;
	return c->n;
}

static void categories_free(categories *c)
{
	for (uint32_t i = 0; i < c->n; i++)
		free(c->strings[i]);
	free(c->strings);
	free(c->slots);
}

static int categories_init(categories *c, const hashdb *old)
{
	memset(c, 0, sizeof *c);
	for (uint32_t i = 0; i < hashdb_string_count(old); i++)
		if (categories_add(c, hashdb_string_at(old, i)) != i + 1)
			return -1; /* old strings keep their ids */
	c->n_old = c->n;
	return 0;
}

/* ---------------------------------------------------------------- importing */

typedef struct import_run {
	const hashdb_import_options *o;
	hashdb_builder *b;
	hashdb_catalog *cat;
	categories cats;
	uint32_t set_id;
	int keep_categories;
	const char *file;
	hashdb_import_result *res;
	int64_t newest_ms;
	exhibit_error *err;
	int failed;
} import_run;

static void on_problem(void *ctx, const hashset_problem *p)
{
	import_run *r = ctx;

	if (r->o->problem)
		r->o->problem(r->o->ctx, p);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	import_run *r = ctx;

	if (r->o->progress)
		r->o->progress(r->o->ctx, "read", r->file, done, total);
}

/* category_of — the entry's category id; -1 (reported) when unusable. */
static int64_t category_of(import_run *r, const hashset_entry *e)
{
	char *clean;
	uint32_t id;

	if (!r->keep_categories || !e->category || !*e->category)
		return 0;
	if (strlen(e->category) > MAX_CATEGORY_BYTES) {
		hashset_problem p = { r->file, e->line, e->offset, "category longer than 256 bytes", 1 };
		on_problem(r, &p);
		r->res->rejected++;
		return -1;
	}
	clean = text_escape_utf8(e->category, strlen(e->category));
	id = clean ? categories_add(&r->cats, clean) : 0;
	free(clean);
	if (!id) {
		exhibit_error_set(r->err, EXHIBIT_ERR_LIMIT, (int64_t)e->offset,
		                  "%s: more than %u different categories (or out of memory)", r->file,
		                  MAX_CATEGORIES);
		r->failed = 1;
		return -1;
	}
	return id;
}

static int on_entry(void *ctx, const hashset_entry *e)
{
	import_run *r = ctx;
	int64_t cat = category_of(r, e);

	if (r->failed)
		return -1;
	if (cat < 0)
		return 0;
	if (((e->have & HASHSET_HAVE_MD5) &&
	     hashdb_builder_add(r->b, HASH_MD5, e->md5, (uint32_t)cat, r->err) < 0) ||
	    ((e->have & HASHSET_HAVE_SHA1) &&
	     hashdb_builder_add(r->b, HASH_SHA1, e->sha1, (uint32_t)cat, r->err) < 0) ||
	    ((e->have & HASHSET_HAVE_SHA256) &&
	     hashdb_builder_add(r->b, HASH_SHA256, e->sha256, (uint32_t)cat, r->err) < 0)) {
		r->failed = 1;
		return -1;
	}
	if (e->pdq) {
		if (hashdb_catalog_add_pdq(r->cat, r->set_id, e, r->err) < 0) {
			r->failed = 1;
			return -1;
		}
		r->res->pdq++;
	}
	if (e->updated_ms != INT64_MIN && e->updated_ms > r->newest_ms)
		r->newest_ms = e->updated_ms;
	r->res->accepted++;
	return 0;
}

static void iso_time(int64_t ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000 - (ms % 1000 < 0));
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* default_source — "name1, name2 (format)". */
static char *default_source(const char *const *files, size_t n, const char *format)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	if (!m)
		return NULL;
	for (size_t i = 0; i < n && i < 8; i++) {
		const char *slash = strrchr(files[i], '/');
		fprintf(m, "%s%s", i ? ", " : "", slash ? slash + 1 : files[i]);
	}
	if (n > 8)
		fprintf(m, ", and %zu more", n - 8);
	fprintf(m, " (%s)", format);
	fclose(m);
	return out;
}

typedef struct file_log {
	char *path;
	unsigned char sha256[SHA256_LEN];
	hashset_format format;
	uint64_t accepted, rejected;
} file_log;

static int check_options(const hashdb_import_options *o, exhibit_error *err)
{
	if (!o->name || !*o->name)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "a set needs a name");
	if (strlen(o->name) > 1024)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "the set name is too long");
	if (!hashdb_kind_valid(o->kind))
		return exhibit_error_set(err, EXHIBIT_ERR, -1,
		                         "kind must be known-good, known-bad or categorised");
	if (o->scheme && !hashdb_scheme_valid(o->scheme))
		return exhibit_error_set(err, EXHIBIT_ERR, -1,
		                         "scheme must be project-vic-us, project-vic-canada or caid-uk");
	if (o->scheme && strcmp(o->kind, HASHDB_KIND_CATEGORISED))
		return exhibit_error_set(err, EXHIBIT_ERR, -1,
		                         "a category scheme is for categorised sets only");
	return 0;
}

/* read_files — every file into the builder; logs filled per file. */
static int read_files(import_run *r, const char *const *files, size_t n, file_log *logs,
                      char *scheme_hint, size_t hint_len, exhibit_error *err)
{
	hashset_callbacks cb = { r, on_entry, on_problem, on_progress };

	for (size_t i = 0; i < n; i++) {
		hashset_stats st;
		uint64_t before = r->res->accepted;
		int rc;

		r->file = files[i];
		rc = hashset_parse_file(files[i], r->o->format, &cb, &st, err);
		if (rc != 0)
			return rc < 0 ? rc : -1;
		r->res->rejected += st.rejected;
		logs[i].path = realpath(files[i], NULL);
		memcpy(logs[i].sha256, st.sha256, SHA256_LEN);
		logs[i].format = st.format;
		logs[i].accepted = r->res->accepted - before;
		logs[i].rejected = st.rejected;
		if (st.scheme_hint[0]) {
			if (scheme_hint[0] && strcmp(scheme_hint, st.scheme_hint))
				strcpy(scheme_hint, "mixed");
			else
				snprintf(scheme_hint, hint_len, "%s", st.scheme_hint);
		}
		if (r->o->file_done)
			r->o->file_done(r->o->ctx, files[i], &st);
	}
	return 0;
}

static const char *choose_scheme(const hashdb_import_options *o, const char *hint,
                                 exhibit_error *err)
{
	if (strcmp(o->kind, HASHDB_KIND_CATEGORISED))
		return NULL;
	if (o->scheme)
		return o->scheme;
	if (hint[0] && strcmp(hint, "mixed"))
		return hint;
	exhibit_error_set(err, EXHIBIT_ERR, -1, "a categorised set needs its category scheme "
	                  "(--scheme project-vic-us, project-vic-canada or caid-uk)%s",
	                  hint[0] ? ": its files name different ones" : "");
	return NULL;
}

static void on_write_progress(void *ctx, uint64_t done, uint64_t total)
{
	const hashdb_import_options *o = ctx;

	if (o->progress)
		o->progress(o->ctx, "write", NULL, done, total);
}

static int log_files(change *c, const hashdb_set *set, const char *action, file_log *logs,
                     size_t n, exhibit_error *err)
{
	for (size_t i = 0; i < n; i++) {
		hashdb_log_entry e = { action, set->id, set->name, logs[i].path, logs[i].sha256,
		                       hashset_format_name(logs[i].format), logs[i].accepted,
		                       logs[i].rejected, NULL };
		if (hashdb_catalog_log(c->cat, &e, err) < 0)
			return -1;
	}
	return 0;
}

static int import_locked(change *c, const char *const *files, size_t n_files,
                         const hashdb_import_options *o, hashdb_import_result *res,
                         file_log *logs, exhibit_error *err)
{
	const hashdb_set *existing = hashdb_find_set(c->old, o->name);
	import_run r;
	hashdb_new_set ns;
	hashdb_write_plan plan;
	char hint[32] = "", imported[32], newest[32], *source = NULL;
	int rc = -1;

	if (existing && !o->replace)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: a set named '%s' is already in the "
		                         "hash database (remove it first, or import with --replace)",
		                         c->dir, o->name);
	memset(&r, 0, sizeof r);
	r.o = o;
	r.cat = c->cat;
	r.set_id = hashdb_next_set_id(c->old);
	r.keep_categories = !strcmp(o->kind, HASHDB_KIND_CATEGORISED);
	r.res = res;
	r.newest_ms = INT64_MIN;
	r.err = err;
	if (categories_init(&r.cats, c->old) < 0 ||
	    !(r.b = hashdb_builder_new(c->tmp_dir, o->memory, err)))
		goto out;
	if ((rc = read_files(&r, files, n_files, logs, hint, sizeof hint, err)) < 0)
		goto out;
	rc = -1;
	memset(&ns, 0, sizeof ns);
	ns.set.id = r.set_id;
	ns.set.name = o->name;
	ns.set.kind = o->kind;
	if (!(ns.set.category_scheme = choose_scheme(o, hint, err)) && r.keep_categories)
		goto out;
	source = o->source ? strdup(o->source)
	       : default_source(files, n_files, hashset_format_name(logs[0].format));
	ns.set.source = source;
	iso_time((int64_t)time(NULL) * 1000, imported, sizeof imported);
	ns.set.imported = imported;
	if (r.newest_ms != INT64_MIN) {
		iso_time(r.newest_ms, newest, sizeof newest);
		ns.set.source_date = newest;
	}
	memset(&plan, 0, sizeof plan);
	plan.old = c->old;
	plan.drop_set_id = existing ? existing->id : 0;
	plan.new_set = &ns;
	plan.strings = (const char *const *)r.cats.strings;
	plan.n_strings = r.cats.n;
	plan.progress = on_write_progress;
	plan.ctx = (void *)o;
	if (hashdb_builder_write(r.b, &plan, c->new_index, err) < 0)
		goto out;
	if ((existing && hashdb_catalog_remove_set(c->cat, existing->id, err) < 0) ||
	    hashdb_catalog_add_set(c->cat, &ns.set, err) < 0 ||
	    log_files(c, &ns.set, existing ? "replace" : "import", logs, n_files, err) < 0 ||
	    publish(c, err) < 0)
		goto out;
	res->set_id = ns.set.id;
	memcpy(res->set_digest, ns.set.set_digest, SHA256_LEN);
	memcpy(res->digests, ns.set.digests, sizeof res->digests);
	res->conflicts = ns.conflicts;
	res->replaced = existing != NULL;
	rc = 0;
out:
	free(source);
	hashdb_builder_free(r.b);
	categories_free(&r.cats);
	return rc;
}

int hashdb_import(const char *dir, const char *const *files, size_t n_files,
                  const hashdb_import_options *o, hashdb_import_result *res,
                  exhibit_error *err)
{
	file_log *logs;
	change c;
	int rc;

	memset(res, 0, sizeof *res);
	if (n_files == 0)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "no file to import");
	if (check_options(o, err) < 0)
		return -1;
	if (!(logs = calloc(n_files, sizeof *logs)))
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	rc = change_begin(&c, dir, err);
	if (rc == 0)
		rc = import_locked(&c, files, n_files, o, res, logs, err);
	if (rc < 0 && c.cat)
		hashdb_catalog_rollback(c.cat);
	change_end(&c);
	for (size_t i = 0; i < n_files; i++)
		free(logs[i].path);
	free(logs);
	return rc < 0 ? rc : 0;
}

int hashdb_remove(const char *dir, const char *name, exhibit_error *err)
{
	const hashdb_set *set;
	hashdb_write_plan plan;
	change c;
	int rc = change_begin(&c, dir, err);

	if (rc == 0 && !(set = hashdb_find_set(c.old, name)))
		rc = 1;
	if (rc == 0) {
		hashdb_log_entry e = { "remove", set->id, set->name, NULL, NULL, NULL, 0, 0, NULL };

		memset(&plan, 0, sizeof plan);
		plan.old = c.old;
		plan.drop_set_id = set->id;
		plan.strings = NULL;
		plan.n_strings = 0;
		/* The old strings stay: ids in the other sets' records refer to them. */
		{
			uint32_t n = hashdb_string_count(c.old);
			const char **strings = calloc(n ? n : 1, sizeof *strings);
			if (!strings)
				rc = exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
			for (uint32_t i = 0; strings && i < n; i++)
				strings[i] = hashdb_string_at(c.old, i);
			plan.strings = strings;
			plan.n_strings = n;
			if (rc == 0)
				rc = hashdb_builder_write(NULL, &plan, c.new_index, err);
			free(strings);
		}
		if (rc == 0 && (hashdb_catalog_remove_set(c.cat, set->id, err) < 0 ||
		                hashdb_catalog_log(c.cat, &e, err) < 0 || publish(&c, err) < 0))
			rc = -1;
	}
	if (rc != 0 && c.cat)
		hashdb_catalog_rollback(c.cat);
	change_end(&c);
	return rc;
}

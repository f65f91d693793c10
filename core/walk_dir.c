/*
 * walk_dir.c — the directory half of walk.h: a logical or full-file-system
 * extraction on the host, as phone extraction tools produce it.
 *
 * Entries are reported in sorted name order (readdir order is not stable
 * across copies of an extraction), symbolic links are reported as links
 * and never followed, and every regular file is content to read.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"
#include "walk.h"

typedef struct dir_walk {
	const walk_callbacks *cb;
	uint64_t seq;
	int stopped;
} dir_walk;

static void dir_problem(dir_walk *w, const char *path)
{
	exhibit_error err;

	exhibit_error_set(&err, -2, -1, "%s: cannot read: %s", path, strerror(errno));
	if (w->cb->problem)
		w->cb->problem(w->cb->ctx, &err);
}

static char type_of(mode_t mode)
{
	if (S_ISREG(mode)) return 'r';
	if (S_ISDIR(mode)) return 'd';
	if (S_ISLNK(mode)) return 'l';
	if (S_ISCHR(mode)) return 'c';
	if (S_ISBLK(mode)) return 'b';
	if (S_ISFIFO(mode)) return 'p';
	if (S_ISSOCK(mode)) return 's';
	return '-';
}

static walk_time from_timespec(struct timespec ts)
{
	walk_time t = { (int64_t)ts.tv_sec, (int32_t)ts.tv_nsec };
	return t;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir_at(dir_walk *w, const char *local, const char *rel);

static void report_dir_entry(dir_walk *w, const char *local, const char *rel,
                             const char *name, const struct stat *st)
{
	walk_entry e;
	char *shown_path = text_escape_utf8(rel, strlen(rel));
	char *shown_name = text_escape_utf8(name, strlen(name));

	memset(&e, 0, sizeof e);
	e.seq = w->seq++;
	e.path = shown_path ? shown_path : rel;
	e.name = shown_name ? shown_name : name;
	e.meta_addr = (uint64_t)st->st_ino;
	e.attr_type = e.attr_id = -1;
	e.type = type_of(st->st_mode);
	e.size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	e.name_allocated = e.meta_allocated = 1;
	e.has_content = S_ISREG(st->st_mode);
	e.mode = (uint32_t)st->st_mode;
	e.uid = st->st_uid;
	e.gid = st->st_gid;
	e.mtime = from_timespec(st->st_mtim);
	e.atime = from_timespec(st->st_atim);
	e.ctime = from_timespec(st->st_ctim);
	e.time_precision = "1ns";
	e.local_path = local;
	if (w->cb->entry(w->cb->ctx, &e))
		w->stopped = 1;
	free(shown_path);
	free(shown_name);
}

static char **sorted_names(const char *local, size_t *count)
{
	DIR *d = opendir(local);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*count = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
			if (!grown)
				break;
			names = grown;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, compare_names);
	*count = n;
	return names ? names : calloc(1, sizeof *names);
}

static void walk_dir_at(dir_walk *w, const char *local, const char *rel)
{
	size_t count;
	char **names = sorted_names(local, &count);

	if (!names) {
		dir_problem(w, local);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		char *child_local = NULL, *child_rel = NULL;
		struct stat st;

		if (!w->stopped &&
		    asprintf(&child_local, "%s/%s", local, names[i]) >= 0 &&
		    asprintf(&child_rel, "%s/%s", rel, names[i]) >= 0) {
			if (lstat(child_local, &st) != 0) {
				dir_problem(w, child_local);
			} else {
				report_dir_entry(w, child_local, child_rel, names[i], &st);
				if (S_ISDIR(st.st_mode) && !w->stopped)
					walk_dir_at(w, child_local, child_rel);
			}
		}
		free(child_local);
		free(child_rel);
		free(names[i]);
	}
	free(names);
}

int walk_directory(const evidence_source *src, const walk_callbacks *cb,
                   exhibit_error *err)
{
	dir_walk w = { cb, 0, 0 };

	(void)err;
	walk_dir_at(&w, src->path, "");
	return w.stopped ? 1 : 0;
}

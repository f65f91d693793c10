/*
 * export_sink.c — see export_sink.h.
 */
#include "export_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SINK_BUFFER (64u << 10)

typedef enum sink_kind { SINK_FILE, SINK_BUFFER_KIND, SINK_DIGEST } sink_kind;

struct export_sink {
	sink_kind kind;
	multi_hash *mh;
	uint64_t size;
	int failed_errno;        /* 0 while every write succeeded */
	/* SINK_FILE */
	int fd;
	char *path, *temp_path;
	unsigned char *pending;  /* bytes not yet written to fd */
	size_t n_pending;
	/* SINK_BUFFER_KIND */
	char *kept;
	size_t n_kept, cap_kept;
};

static volatile sig_atomic_t stop_requested;

void export_stop(void)
{
	stop_requested = 1;
}

int export_stopping(void)
{
	return stop_requested != 0;
}

char *export_temp_name(const char *path)
{
	char *copy_dir = strdup(path), *copy_base = strdup(path), *name = NULL;

	if (copy_dir && copy_base &&
	    asprintf(&name, "%s/.%s.exhibit-tmp-XXXXXX", dirname(copy_dir), basename(copy_base)) < 0)
		name = NULL;
	free(copy_dir);
	free(copy_base);
	return name;
}

int export_rename_new(const char *from, const char *to)
{
	struct stat st;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* The file system cannot refuse to replace atomically: for a file,
	 * link() refuses an existing name; for a directory, check first. */
	if (lstat(from, &st) == 0 && !S_ISDIR(st.st_mode)) {
		if (link(from, to) < 0)
			return -1;
		unlink(from);
		return 0;
	}
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

static export_sink *sink_new(sink_kind kind)
{
	export_sink *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->kind = kind;
	s->fd = -1;
	s->mh = multi_hash_new(NULL);
	if (!s->mh) {
		free(s);
		return NULL;
	}
	return s;
}

export_sink *export_sink_new_buffer(void)
{
	return sink_new(SINK_BUFFER_KIND);
}

export_sink *export_sink_new_digest(void)
{
	return sink_new(SINK_DIGEST);
}

export_sink *export_sink_create(const char *path, exhibit_error *err)
{
	export_sink *s = sink_new(SINK_FILE);
	struct stat st;

	if (!s) {
		exhibit_error_set(err, -1, -1, "out of memory");
		return NULL;
	}
	if (lstat(path, &st) == 0) {
		exhibit_error_set(err, -4, -1, "%s: already exists; exhibit never replaces an output", path);
		goto fail;
	}
	s->path = strdup(path);
	s->temp_path = export_temp_name(path);
	s->pending = malloc(SINK_BUFFER);
	if (!s->path || !s->temp_path || !s->pending) {
		exhibit_error_set(err, -1, -1, "out of memory");
		goto fail;
	}
	s->fd = mkostemp(s->temp_path, O_CLOEXEC);
	if (s->fd < 0) {
		exhibit_error_set(err, -2, -1, "%s: cannot create a file beside it: %s", path,
		                  strerror(errno));
		goto fail;
	}
	/* mkostemp makes the file 0600; an export is read by its recipient. */
	fchmod(s->fd, 0640);
	return s;
fail:
	free(s->temp_path);
	s->temp_path = NULL;
	export_sink_abort(s);
	return NULL;
}

static void flush_pending(export_sink *s)
{
	const unsigned char *p = s->pending;
	size_t left = s->n_pending;

	while (left && !s->failed_errno) {
		ssize_t n = write(s->fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->failed_errno = n < 0 ? errno : EIO;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	s->n_pending = 0;
}

static void keep_bytes(export_sink *s, const void *bytes, size_t len)
{
	if (s->n_kept + len + 1 > s->cap_kept) {
		size_t cap = s->cap_kept ? s->cap_kept : 4096;
		char *grown;

		while (cap < s->n_kept + len + 1)
			cap *= 2;
		grown = realloc(s->kept, cap);
		if (!grown) {
			s->failed_errno = ENOMEM;
			return;
		}
		s->kept = grown;
		s->cap_kept = cap;
	}
	memcpy(s->kept + s->n_kept, bytes, len);
	s->n_kept += len;
	s->kept[s->n_kept] = '\0';
}

void export_sink_write(export_sink *s, const void *bytes, size_t len)
{
	if (!s || s->failed_errno || len == 0)
		return;
	if (stop_requested) {
		s->failed_errno = EINTR;
		return;
	}
	if (multi_hash_update(s->mh, bytes, len, NULL) < 0) {
		s->failed_errno = EIO;
		return;
	}
	s->size += len;
	switch (s->kind) {
	case SINK_FILE:
		while (len) {
			size_t take = SINK_BUFFER - s->n_pending < len ? SINK_BUFFER - s->n_pending : len;

			memcpy(s->pending + s->n_pending, bytes, take);
			s->n_pending += take;
			bytes = (const unsigned char *)bytes + take;
			len -= take;
			if (s->n_pending == SINK_BUFFER)
				flush_pending(s);
		}
		break;
	case SINK_BUFFER_KIND:
		keep_bytes(s, bytes, len);
		break;
	case SINK_DIGEST:
		break;
	}
}

void export_sink_puts(export_sink *s, const char *text)
{
	export_sink_write(s, text, strlen(text));
}

void export_sink_printf(export_sink *s, const char *fmt, ...)
{
	char small[256], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (s)
			s->failed_errno = EINVAL;
		return;
	}
	if ((size_t)n < sizeof small) {
		export_sink_write(s, small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&big, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (s)
			s->failed_errno = ENOMEM;
		return;
	}
	export_sink_write(s, big, (size_t)n);
	free(big);
}

int export_sink_failed(const export_sink *s)
{
	return !s || s->failed_errno != 0;
}

uint64_t export_sink_size(const export_sink *s)
{
	return s ? s->size : 0;
}

const char *export_sink_buffer(const export_sink *s, size_t *len)
{
	if (!s || s->kind != SINK_BUFFER_KIND)
		return NULL;
	if (len)
		*len = s->n_kept;
	return s->kept ? s->kept : "";
}

void export_sink_abort(export_sink *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->temp_path)
		unlink(s->temp_path);
	multi_hash_free(s->mh);
	free(s->path);
	free(s->temp_path);
	free(s->pending);
	free(s->kept);
	free(s);
}

int export_sink_finish(export_sink *s, digests *d, uint64_t *size, exhibit_error *err)
{
	int rc = 0;

	if (!s)
		return exhibit_error_set(err, -1, -1, "out of memory");
	if (s->kind == SINK_FILE) {
		flush_pending(s);
		if (!s->failed_errno && fsync(s->fd) < 0)
			s->failed_errno = errno;
		if (close(s->fd) < 0 && !s->failed_errno)
			s->failed_errno = errno;
		s->fd = -1;
	}
	if (s->failed_errno) {
		rc = exhibit_error_set(err, -2, (int64_t)s->size, "%s: write failed after %llu bytes: %s",
		                       s->path ? s->path : "(export)",
		                       (unsigned long long)s->size, strerror(s->failed_errno));
	} else if (multi_hash_final(s->mh, d, err) < 0) {
		rc = -1;
	} else if (s->kind == SINK_FILE && export_rename_new(s->temp_path, s->path) < 0) {
		rc = exhibit_error_set(err, -2, -1, "%s: cannot put the export in place: %s", s->path,
		                       strerror(errno));
	} else if (s->kind == SINK_FILE) {
		free(s->temp_path);
		s->temp_path = NULL; /* in place now: abort must not remove it */
	}
	if (size)
		*size = s->size;
	export_sink_abort(s);
	return rc;
}

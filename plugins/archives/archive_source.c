/*
 * archive_source.c — the item as a libarchive client (see archives.h).
 *
 * libarchive pulls bytes through three callbacks: read (the next block),
 * skip (move forward) and seek (anywhere: the 7-Zip and seekable ZIP
 * readers jump to the directory at the end).  All three move one position
 * within [0, size]; read asks the host for the bytes there.  Nothing here
 * trusts what the archive says: positions come from libarchive and are
 * clamped to the item.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "archives.h"

static la_ssize_t source_read(struct archive *a, void *data, const void **block)
{
	archive_source *src = data;
	int64_t got;

	*block = src->buf;
	if (src->pos >= src->size)
		return 0;
	got = src->api->read(src->host, src->pos, src->buf, ARCHIVES_READ_BLOCK);
	if (got < 0) {
		src->read_failed = 1;
		archive_set_error(a, EIO, "the evidence could not be read at offset %llu",
		                  (unsigned long long)src->pos);
		return ARCHIVE_FATAL;
	}
	src->pos += (uint64_t)got;
	if (src->pos > src->furthest)
		src->furthest = src->pos;
	return (la_ssize_t)got;
}

static la_int64_t source_skip(struct archive *a, void *data, la_int64_t request)
{
	archive_source *src = data;
	uint64_t room = src->size - src->pos;
	uint64_t step = request > 0 ? (uint64_t)request : 0;

	(void)a;
	if (step > room)
		step = room;
	src->pos += step;
	return (la_int64_t)step;
}

static la_int64_t source_seek(struct archive *a, void *data, la_int64_t offset, int whence)
{
	archive_source *src = data;
	int64_t base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)src->pos; break;
	case SEEK_END: base = (int64_t)src->size; break;
	default: return ARCHIVE_FATAL;
	}
	/* Offsets from the archive may be anything: no overflow, no escape. */
	if ((offset < 0 && -(offset + 1) >= base) || (offset > 0 && offset > INT64_MAX - base)) {
		archive_set_error(a, EINVAL, "seek outside the item");
		return ARCHIVE_FATAL;
	}
	base += offset;
	src->pos = (uint64_t)base > src->size ? src->size : (uint64_t)base;
	return (la_int64_t)src->pos;
}

int archive_source_open(struct archive *a, archive_source *src, const exhibit_host_api *api,
                        exhibit_host *host, uint64_t size)
{
	src->api = api;
	src->host = host;
	src->size = size;
	src->pos = src->furthest = 0;
	src->read_failed = 0;
	src->buf = malloc(ARCHIVES_READ_BLOCK);
	if (!src->buf) {
		archive_set_error(a, ENOMEM, "out of memory");
		return ARCHIVE_FATAL;
	}
	if (archive_read_set_callback_data(a, src) != ARCHIVE_OK ||
	    archive_read_set_read_callback(a, source_read) != ARCHIVE_OK ||
	    archive_read_set_skip_callback(a, source_skip) != ARCHIVE_OK ||
	    archive_read_set_seek_callback(a, source_seek) != ARCHIVE_OK)
		return ARCHIVE_FATAL;
	return archive_read_open1(a);
}

void archive_source_close(archive_source *src)
{
	free(src->buf);
	src->buf = NULL;
}

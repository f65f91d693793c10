/*
 * reader.c — see reader.h.
 */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs_open.h"

#define READER_MAX_FS 16

typedef struct open_fs {
	uint64_t offset;
	int type;
	TSK_FS_INFO *fs;
} open_fs;

struct content_reader {
	const evidence_source *src;  /* the source the handles below belong to */
	TSK_IMG_INFO *img;
	open_fs fs[READER_MAX_FS];
	int n_fs;
	TSK_FS_FILE *file;           /* the file last read, kept for the next chunk */
	uint64_t file_fs_offset, file_meta_addr;
	int file_fs_type;
	int local_fd;
	char *local_path;
};

content_reader *content_reader_new(void)
{
	content_reader *r = calloc(1, sizeof *r);

	if (r)
		r->local_fd = -1;
	return r;
}

static void close_file(content_reader *r)
{
	if (r->file)
		tsk_fs_file_close(r->file);
	r->file = NULL;
}

static void close_local(content_reader *r)
{
	if (r->local_fd >= 0)
		close(r->local_fd);
	r->local_fd = -1;
	free(r->local_path);
	r->local_path = NULL;
}

static void close_source(content_reader *r)
{
	close_file(r);
	for (int i = 0; i < r->n_fs; i++)
		tsk_fs_close(r->fs[i].fs);
	r->n_fs = 0;
	if (r->img)
		tsk_img_close(r->img);
	r->img = NULL;
	r->src = NULL;
}

void content_reader_forget_source(content_reader *r, const evidence_source *src)
{
	if (r->src == src)
		close_source(r);
}

void content_reader_free(content_reader *r)
{
	if (!r)
		return;
	close_source(r);
	close_local(r);
	free(r);
}

/* image_for — this reader's own handle on loc's image. */
static TSK_IMG_INFO *image_for(content_reader *r, const content_location *loc,
                               exhibit_error *err)
{
	if (r->src != loc->src) {
		close_source(r);
		r->img = source_open_image(loc->src, err);
		if (!r->img)
			return NULL;
		r->src = loc->src;
	}
	return r->img;
}

static TSK_FS_INFO *fs_at(content_reader *r, const content_location *loc,
                          exhibit_error *err)
{
	TSK_FS_INFO *fs;

	if (!image_for(r, loc, err))
		return NULL;
	for (int i = 0; i < r->n_fs; i++)
		if (r->fs[i].offset == loc->fs_offset && r->fs[i].type == loc->fs_type)
			return r->fs[i].fs;
	fs = fs_open(r->img, (TSK_OFF_T)loc->fs_offset,
	             loc->fs_type ? (TSK_FS_TYPE_ENUM)loc->fs_type : TSK_FS_TYPE_DETECT);
	if (!fs) {
		source_tsk_error(err, -2, -1, "cannot open the file system");
		return NULL;
	}
	if (r->n_fs == READER_MAX_FS) {
		close_file(r);
		tsk_fs_close(r->fs[0].fs);
		memmove(r->fs, r->fs + 1, sizeof r->fs[0] * (READER_MAX_FS - 1));
		r->n_fs--;
	}
	r->fs[r->n_fs].offset = loc->fs_offset;
	r->fs[r->n_fs].type = loc->fs_type;
	r->fs[r->n_fs].fs = fs;
	r->n_fs++;
	return fs;
}

static TSK_FS_FILE *file_for(content_reader *r, const content_location *loc,
                             exhibit_error *err)
{
	TSK_FS_INFO *fs;

	if (r->file && r->src == loc->src && r->file_fs_offset == loc->fs_offset &&
	    r->file_fs_type == loc->fs_type && r->file_meta_addr == loc->meta_addr)
		return r->file;
	close_file(r);
	fs = fs_at(r, loc, err);
	if (!fs)
		return NULL;
	r->file = tsk_fs_file_open_meta(fs, NULL, (TSK_INUM_T)loc->meta_addr);
	if (!r->file) {
		source_tsk_error(err, -2, -1, "cannot open the file's metadata");
		return NULL;
	}
	r->file_fs_offset = loc->fs_offset;
	r->file_fs_type = loc->fs_type;
	r->file_meta_addr = loc->meta_addr;
	return r->file;
}

static int64_t read_fs(content_reader *r, const content_location *loc,
                       uint64_t offset, void *buf, size_t len, exhibit_error *err)
{
	TSK_FS_FILE *file = file_for(r, loc, err);
	ssize_t got;

	if (!file)
		return -2;
	if (loc->attr_type < 0)
		got = tsk_fs_file_read(file, (TSK_OFF_T)offset, buf, len,
		                       TSK_FS_FILE_READ_FLAG_NONE);
	else
		got = tsk_fs_file_read_type(file, (TSK_FS_ATTR_TYPE_ENUM)loc->attr_type,
		                            (uint16_t)loc->attr_id, (TSK_OFF_T)offset, buf,
		                            len, TSK_FS_FILE_READ_FLAG_NONE);
	if (got < 0) {
		source_tsk_error(err, -2, (int64_t)offset, "cannot read the content");
		return -2;
	}
	return got;
}

static int64_t read_local(content_reader *r, const content_location *loc,
                          uint64_t offset, void *buf, size_t len, exhibit_error *err)
{
	ssize_t got;

	if (!r->local_path || strcmp(r->local_path, loc->local_path) != 0) {
		close_local(r);
		r->local_fd = open(loc->local_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (r->local_fd < 0)
			return exhibit_error_set(err, -2, 0, "%s: cannot open: %s",
			                         loc->local_path, strerror(errno));
		r->local_path = strdup(loc->local_path);
	}
	do {
		got = pread(r->local_fd, buf, len, (off_t)offset);
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return exhibit_error_set(err, -2, (int64_t)offset, "%s: read error: %s",
		                         loc->local_path, strerror(errno));
	return got;
}

/* The run of loc holding content offset off (runs are end to end). */
static size_t run_holding(const content_location *loc, uint64_t off)
{
	size_t lo = 0, hi = loc->n_runs;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (loc->runs[mid].file_offset <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int64_t read_runs(content_reader *r, const content_location *loc,
                         uint64_t offset, void *buf, size_t len, exhibit_error *err)
{
	TSK_IMG_INFO *img = image_for(r, loc, err);
	size_t done = 0;

	if (!img)
		return -2;
	for (size_t i = run_holding(loc, offset); done < len && i < loc->n_runs; i++) {
		const walk_run *run = &loc->runs[i];
		uint64_t at = offset + done, in = at - run->file_offset;
		size_t take;

		if (at < run->file_offset || in >= run->length)
			continue;
		take = run->length - in < len - done ? (size_t)(run->length - in) : len - done;
		if (run->image_offset < 0) {
			memset((char *)buf + done, 0, take);
		} else if (tsk_img_read(img, (TSK_OFF_T)((uint64_t)run->image_offset + in),
		                        (char *)buf + done, take) != (ssize_t)take) {
			return source_tsk_error(err, -2, (int64_t)at, "cannot read the image");
		}
		done += take;
	}
	return (int64_t)done;
}

int64_t content_reader_read(content_reader *r, const content_location *loc,
                            uint64_t offset, void *buf, size_t len,
                            exhibit_error *err)
{
	if (offset >= loc->size)
		return 0;
	if (len > loc->size - offset)
		len = (size_t)(loc->size - offset);
	switch (loc->kind) {
	case CONTENT_FS:
		return read_fs(r, loc, offset, buf, len, err);
	case CONTENT_LOCAL:
		return read_local(r, loc, offset, buf, len, err);
	case CONTENT_MEMORY:
		memcpy(buf, loc->data + offset, len);
		return (int64_t)len;
	case CONTENT_RUNS:
		return read_runs(r, loc, offset, buf, len, err);
	default:
		return 0;
	}
}

/*
 * fuzz_walk.c — libFuzzer target for the image walk: volume systems and
 * file systems as libtsk reads them (through fs_open's guards), every name,
 * every file's runs and slack, the unallocated ranges, and the first 64 KiB
 * of each file's content as the workers read it.  Hostile images must end
 * in problems, never in a crash, a hang or memory in proportion to what a
 * damaged structure claims (libFuzzer's -rss_limit_mb catches that: a
 * corrupt ext4 inline-data inode once cost 7.5 GB).  libtsk opens images
 * by name, so each input is written to a private temporary file first, and
 * opened as a raw image: the container formats (EWF, VMDK, VHD) are their
 * libraries' to fuzz, and libtsk leaks a VMDK handle that fails to open.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"
#include "source.h"
#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);

/* Two defects of libtsk 4.11 itself, found by this target, that exhibit
 * cannot mend and that would stop every run at its first damaged inode:
 * tsk_fs_name_copy copies a name onto itself during the orphan search
 * (strncpy with the same source and destination: harmless, but ASan's
 * overlap check stops there), and ext2fs_extent_tree_index_count drops
 * its block buffer when a read fails (1 KiB per damaged extent tree).
 * Leaks of exhibit's own libtsk objects are still caught by the test
 * suite's LeakSanitizer runs, which do not suppress these. */
const char *__asan_default_options(void)
{
	return "replace_str=0";
}

const char *__lsan_default_suppressions(void)
{
	return "leak:tsk_malloc\n";
}

typedef struct fuzz_walk {
	const evidence_source *src;
	content_reader *reader;
	unsigned char buf[65536];
} fuzz_walk;

static int on_entry(void *ctx, const walk_entry *e)
{
	fuzz_walk *f = ctx;
	content_location loc = { 0 };
	exhibit_error err;

	if (!e->has_content || !e->has_fs)
		return 0;
	loc.kind = CONTENT_FS;
	loc.src = f->src;
	loc.fs_offset = e->fs_offset;
	loc.fs_type = e->fs_type;
	loc.meta_addr = e->meta_addr;
	loc.attr_type = e->attr_type;
	loc.attr_id = e->attr_id;
	loc.size = e->size;
	(void)content_reader_read(f->reader, &loc, 0, f->buf, sizeof f->buf, &err);
	return 0;
}

static void on_problem(void *ctx, const exhibit_error *err)
{
	(void)ctx;
	(void)err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/exhibit-fuzz-walk-XXXXXX.raw";
	char *segments[1] = { path };
	static fuzz_walk f;
	walk_callbacks cb = { &f, NULL, NULL, on_entry, NULL, on_problem };
	evidence_source src;
	exhibit_error err;
	int fd = mkstemps(path, 4);

	if (fd < 0)
		return 0;
	memset(&src, 0, sizeof src);
	src.kind = SOURCE_IMAGE;
	src.path = path;
	src.segments = segments;
	src.n_segments = 1;
	src.format = "raw";
	src.size = size;
	src.tsk_type = TSK_IMG_TYPE_RAW;
	if (size > 0 && write(fd, data, size) == (ssize_t)size) {
		f.src = &src;
		f.reader = content_reader_new();
		if (f.reader) {
			(void)walk_source(&src, &cb, &err);
			content_reader_forget_source(f.reader, &src);
			content_reader_free(f.reader);
		}
	}
	close(fd);
	unlink(path);
	return 0;
}

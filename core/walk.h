/*
 * walk.h — every volume, file system, file and unallocated range of an
 * evidence source, reported through callbacks in a fixed order.
 *
 * This is the only module that knows libtsk's volume and file-system
 * structures.  It opens its own read-only handle, walks every volume
 * system (MBR, GPT, extended partitions, or none) and every file system
 * libtsk recognises, and reports each directory entry, allocated or
 * deleted, orphans included, plus each NTFS alternate data stream as an
 * entry of its own.  The order is deterministic for a given image, so an
 * entry's sequence number identifies it across runs (the resume key).
 *
 * A directory source is walked the same way from the host file system,
 * without following symbolic links out of it.
 */
#ifndef EXHIBIT_WALK_H
#define EXHIBIT_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "source.h"

typedef struct walk_volume {
	const char *vs_type;   /* dos, gpt, mac, bsd, sun */
	int64_t slot;
	uint64_t offset, length;
	const char *description;
	int allocated;         /* 0 for unpartitioned space */
} walk_volume;

typedef struct walk_filesystem {
	uint64_t offset;
	const char *fs_type;   /* ext4, fat32, ntfs, iso9660, ... */
	int fs_type_id;        /* libtsk's TSK_FS_TYPE_ENUM */
	uint64_t block_size, block_count;
	const char *time_source;
} walk_filesystem;

enum { WALK_RUN_SPARSE = 1, WALK_RUN_FILLER = 2, WALK_RUN_RESIDENT = 4,
       WALK_RUN_ENCRYPTED = 8, WALK_RUN_COMPRESSED = 16 };

typedef struct walk_run {
	uint64_t file_offset;
	int64_t image_offset;  /* -1 when the run has no place in the image */
	uint64_t length;
	unsigned flags;        /* WALK_RUN_* */
} walk_run;

typedef struct walk_time {
	int64_t sec;           /* Unix seconds, UTC; 0 with ns 0 means unknown */
	int32_t ns;
} walk_time;

typedef struct walk_entry {
	uint64_t seq;          /* order of discovery within the source */
	int has_fs;            /* 0 for directory sources */
	uint64_t fs_offset;
	int fs_type;           /* libtsk's TSK_FS_TYPE_ENUM of the file system */
	const char *path;      /* "/dir/name" ("/dir/name:stream" for an ADS) */
	const char *name;
	uint64_t meta_addr;
	uint32_t meta_seq;
	int attr_type, attr_id; /* the attribute to read; -1 for the default one */
	const char *attr_name;
	char type;             /* r d l c b p s h w v - */
	uint64_t size;
	int name_allocated, meta_allocated, orphan;
	int has_content;       /* 1 when the pipeline should read and hash it */
	uint32_t mode;
	int64_t uid, gid;
	walk_time mtime, atime, ctime, crtime;
	const char *time_precision;
	const walk_run *runs;
	size_t n_runs;
	const char *local_path; /* directory sources: the file on the host */
} walk_entry;

typedef struct walk_range {
	int has_fs;
	uint64_t fs_offset;
	int fs_type;
	const char *kind;      /* fs-unallocated, slack, unpartitioned, unrecognised */
	uint64_t offset, length;
} walk_range;

/*
 * The callbacks.  Each returns 0 to go on or non-zero to stop the walk.
 * Pointers in the structures are valid only during the call.
 */
typedef struct walk_callbacks {
	void *ctx;
	int (*volume)(void *ctx, const walk_volume *v);
	int (*filesystem)(void *ctx, const walk_filesystem *fs);
	int (*entry)(void *ctx, const walk_entry *e);
	int (*range)(void *ctx, const walk_range *r);
	/* A problem that does not stop the walk: damaged partition table,
	 * unreadable directory, unknown file system. */
	void (*problem)(void *ctx, const exhibit_error *err);
} walk_callbacks;

/*
 * walk_source — walk everything in src.
 * RETURN: 0 when the walk completed (problems reported on the way), 1 when
 * a callback stopped it, or a negative code when nothing could be walked
 * (err says why: not an image, no file system found, ...).
 */
int walk_source(const evidence_source *src, const walk_callbacks *cb,
                exhibit_error *err);

/* walk_directory — the directory-source half of walk_source (walk_dir.c). */
int walk_directory(const evidence_source *src, const walk_callbacks *cb,
                   exhibit_error *err);

#endif

/*
 * fs_open.c — see fs_open.h.
 *
 * libtsk 4.11 reads an ext4 file's inline data while it looks the inode
 * up (ext2fs_inode_lookup), into a buffer as large as the inode's size
 * field.  The guard therefore wraps the file system's file_add_meta hook,
 * through which every lookup passes (libtsk's own directory walk, and
 * tsk_fs_file_open_meta for the readers), and reads the raw inode first:
 * inline data lives inside the inode, and an inode is never larger than a
 * block, so an inline-data inode claiming more than a block is damage and
 * is refused before libtsk allocates for it.
 */
#include "fs_open.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <tsk/fs/tsk_ext2fs.h>

typedef uint8_t (*add_meta_fn)(TSK_FS_INFO *fs, TSK_FS_FILE *file, TSK_INUM_T addr);
typedef uint8_t (*load_attrs_fn)(TSK_FS_FILE *file);
typedef uint8_t (*inode_walk_fn)(TSK_FS_INFO *fs, TSK_INUM_T start, TSK_INUM_T end,
                                 TSK_FS_META_FLAG_ENUM flags, TSK_FS_META_WALK_CB cb, void *ptr);

/* get — an unsigned field of n bytes in the file system's byte order
 * (libtsk's own readers are not part of its installed headers). */
static uint64_t get(const TSK_FS_INFO *fs, const uint8_t *field, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)field[fs->endian == TSK_BIG_ENDIAN ? n - 1 - i : i] << (8 * i);
	return v;
}
#define get16(fs, f) ((size_t)get((fs), (f), 2))
#define get32(fs, f) ((uint32_t)get((fs), (f), 4))

/* Every ext2/3/4 file system has the same lookup and attribute functions. */
static _Atomic(add_meta_fn) ext_add_meta;
static _Atomic(load_attrs_fn) ext_load_attrs;
static _Atomic(inode_walk_fn) ext_inode_walk;

static uint8_t guarded_ext_add_meta(TSK_FS_INFO *fs, TSK_FS_FILE *file, TSK_INUM_T addr);

/* ext_inode_table — the byte offset of the inode table of a group, read
 * the way libtsk reads group descriptors; -1 when unreadable. */
static TSK_OFF_T ext_inode_table(EXT2FS_INFO *ext, uint32_t group)
{
	TSK_FS_INFO *fs = &ext->fs_info;
	size_t gd_size = get16(fs, ext->fs->s_desc_size);
	uint64_t block;

	if (fs->ftype == TSK_FS_TYPE_EXT4 &&
	    (get32(fs, ext->fs->s_feature_incompat) & EXT2FS_FEATURE_INCOMPAT_64BIT) && gd_size >= 64) {
		ext4fs_gd gd;

		if (tsk_fs_read(fs, ext->groups_offset + (TSK_OFF_T)group * (TSK_OFF_T)gd_size,
		                (char *)&gd, sizeof gd) != (ssize_t)sizeof gd)
			return -1;
		block = ((uint64_t)get32(fs, gd.bg_inode_table_hi) << 32) |
		        get32(fs, gd.bg_inode_table_lo);
	} else {
		ext2fs_gd gd;

		if (gd_size < sizeof gd)
			gd_size = sizeof gd;
		if (tsk_fs_read(fs, ext->groups_offset + (TSK_OFF_T)group * (TSK_OFF_T)gd_size,
		                (char *)&gd, sizeof gd) != (ssize_t)sizeof gd)
			return -1;
		block = get32(fs, gd.bg_inode_table);
	}
	if (block > fs->last_block) /* libtsk refuses it too */
		return -1;
	return (TSK_OFF_T)(block * fs->block_size);
}

/* The inode table of the last group looked at, so that walking inodes in
 * order reads each group descriptor once. */
typedef struct table_cache {
	int64_t group;      /* -1: none yet */
	TSK_OFF_T table;
} table_cache;

/* ext_inline_claim — the size an inline-data inode claims, 0 for any
 * other inode or one that cannot be read (libtsk then says why); *at is
 * the inode's byte offset in the file system. */
static uint64_t ext_inline_claim(TSK_FS_INFO *fs, TSK_INUM_T addr, table_cache *cache,
                                 TSK_OFF_T *at)
{
	EXT2FS_INFO *ext = (EXT2FS_INFO *)fs;
	uint32_t per_group = get32(fs, ext->fs->s_inodes_per_group);
	ext2fs_inode inode;
	size_t len = ext->inode_size < sizeof inode ? ext->inode_size : sizeof inode;
	int64_t group;

	if (per_group == 0 || addr < fs->first_inum || addr >= fs->last_inum || len < 112)
		return 0;
	group = (int64_t)((addr - 1) / per_group);
	if (cache->group != group) {
		cache->group = group;
		cache->table = ext_inode_table(ext, (uint32_t)group);
	}
	if (cache->table < 0)
		return 0;
	*at = cache->table + (TSK_OFF_T)((addr - 1) % per_group) * ext->inode_size;
	memset(&inode, 0, sizeof inode);
	if (tsk_fs_read(fs, *at, (char *)&inode, len) != (ssize_t)len)
		return 0;
	/* libtsk reads an inode flagged both ways as extents (and fails there
	 * cleanly when it is damaged): only inline alone is its inline path. */
	if ((get32(fs, inode.i_flags) & (EXT2_INLINE_DATA | EXT2_IN_EXTENTS)) != EXT2_INLINE_DATA)
		return 0;
	return ((uint64_t)get32(fs, inode.i_size_high) << 32) | get32(fs, inode.i_size);
}

int fs_inode_damage(TSK_FS_INFO *fs, TSK_INUM_T addr, char *why, size_t why_len, TSK_OFF_T *at)
{
	uint64_t claim;

	*at = 0;
	if (fs->file_add_meta != guarded_ext_add_meta)
		return 0;
	claim = ext_inline_claim(fs, addr, &(table_cache){ -1, 0 }, at);
	if (claim <= fs->block_size)
		return 0;
	snprintf(why, why_len, "inode %" PRIuINUM " claims %" PRIu64 " bytes of inline data, "
	         "more than an inode of this file system can hold (%u bytes)",
	         addr, claim, fs->block_size);
	return 1;
}

static uint8_t guarded_ext_add_meta(TSK_FS_INFO *fs, TSK_FS_FILE *file, TSK_INUM_T addr)
{
	char why[200];
	TSK_OFF_T at;

	if (fs_inode_damage(fs, addr, why, sizeof why, &at)) {
		tsk_error_reset();
		tsk_error_set_errno(TSK_ERR_FS_INODE_COR);
		tsk_error_set_errstr("%s", why);
		return 1;
	}
	return atomic_load(&ext_add_meta)(fs, file, addr);
}

uint64_t fs_bytes_held(const TSK_FS_INFO *fs)
{
	uint64_t image_bytes = fs->img_info && fs->img_info->size > fs->offset
	                           ? (uint64_t)(fs->img_info->size - fs->offset) : 0;
	uint64_t claimed = !fs->block_size || (uint64_t)fs->block_count > UINT64_MAX / fs->block_size
	                       ? UINT64_MAX : (uint64_t)fs->block_count * fs->block_size;

	return claimed < image_bytes ? claimed : image_bytes;
}

/* A block-mapped file (ext2/3 style) is mapped by libtsk pointer by
 * pointer up to its size, appending a run each time: a damaged inode
 * claiming 4 GB in a 128 KiB file system cost seconds each.  A size
 * larger than the whole file system (or the image, when the superblock
 * claims more than it holds) is refused: only a sparse file could
 * honestly claim it, and on a block-mapped file system that is rare
 * enough to record as a problem rather than map. */
static uint8_t guarded_ext_load_attrs(TSK_FS_FILE *file)
{
	const TSK_FS_META *meta = file->meta;
	const TSK_FS_INFO *fs = file->fs_info;
	uint64_t fs_bytes = fs_bytes_held(fs);

	if (meta && meta->content_type == TSK_FS_META_CONTENT_TYPE_DEFAULT && meta->size > 0 &&
	    (uint64_t)meta->size > fs_bytes) {
		tsk_error_reset();
		tsk_error_set_errno(TSK_ERR_FS_INODE_COR);
		tsk_error_set_errstr("inode %" PRIuINUM " claims %" PRIdOFF " bytes, more than the whole "
		                     "file system (%" PRIu64 " bytes): its block map is not followed",
		                     meta->addr, meta->size, fs_bytes);
		return 1;
	}
	return atomic_load(&ext_load_attrs)(file);
}

/* libtsk's inode walk (its orphan search runs one) copies every inode the
 * way a lookup does, inline data included: the walk is split around the
 * inodes the lookup guard refuses, so they are skipped.  A callback's
 * STOP ends the whole walk, as it would have. */
typedef struct split_walk {
	TSK_FS_META_WALK_CB cb;
	void *ptr;
	int stopped;
} split_walk;

static TSK_WALK_RET_ENUM split_walk_cb(TSK_FS_FILE *file, void *ptr)
{
	split_walk *s = ptr;
	TSK_WALK_RET_ENUM ret = s->cb(file, s->ptr);

	if (ret == TSK_WALK_STOP)
		s->stopped = 1;
	return ret;
}

static uint8_t guarded_ext_inode_walk(TSK_FS_INFO *fs, TSK_INUM_T start, TSK_INUM_T end,
                                      TSK_FS_META_FLAG_ENUM flags, TSK_FS_META_WALK_CB cb,
                                      void *ptr)
{
	inode_walk_fn walk = atomic_load(&ext_inode_walk);
	split_walk s = { cb, ptr, 0 };
	table_cache cache = { -1, 0 };
	TSK_INUM_T from = start;
	TSK_OFF_T at;
	uint16_t inode_size = ((EXT2FS_INFO *)fs)->inode_size;
	uint64_t fit = inode_size ? fs_bytes_held(fs) / inode_size : 0;

	/* Inode tables lie inside the file system: a superblock claiming more
	 * inodes than fit there (3.4 billion in 3.5 KB, once) is damaged, and
	 * the inodes past what fits are not walked. */
	if (end > fit)
		end = fit;
	if (end < start)
		return 0;

	for (TSK_INUM_T addr = start; addr <= end && addr < fs->last_inum; addr++) {
		if (ext_inline_claim(fs, addr, &cache, &at) <= fs->block_size)
			continue;
		if (addr > from && (walk(fs, from, addr - 1, flags, split_walk_cb, &s) || s.stopped))
			return s.stopped ? 0 : 1;
		from = addr + 1;
	}
	return from <= end ? walk(fs, from, end, flags, split_walk_cb, &s) : 0;
}

/* wrap — put guard in place of *hook, remembering the original in
 * *saved; the first ext file system names the function, and one that had
 * another (a libtsk this code does not know) is left as libtsk made it. */
#define wrap(hook, saved, guard)                                                  \
	do {                                                                          \
		__typeof__(hook) expected_ = NULL;                                        \
		if ((hook) != (guard) &&                                                  \
		    (atomic_compare_exchange_strong(&(saved), &expected_, (hook)) ||      \
		     expected_ == (hook)))                                                \
			(hook) = (guard);                                                     \
	} while (0)

TSK_FS_INFO *fs_open(TSK_IMG_INFO *img, TSK_OFF_T offset, TSK_FS_TYPE_ENUM type)
{
	TSK_FS_INFO *fs = tsk_fs_open_img(img, offset, type);

	if (fs && TSK_FS_TYPE_ISEXT(fs->ftype)) {
		wrap(fs->file_add_meta, ext_add_meta, guarded_ext_add_meta);
		wrap(fs->load_attrs, ext_load_attrs, guarded_ext_load_attrs);
		wrap(fs->inode_walk, ext_inode_walk, guarded_ext_inode_walk);
	}
	return fs;
}

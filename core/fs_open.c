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

/* Every ext2/3/4 file system has the same lookup function. */
static _Atomic(add_meta_fn) ext_add_meta;

static uint8_t guarded_ext_add_meta(TSK_FS_INFO *fs, TSK_FS_FILE *file, TSK_INUM_T addr);

/* ext_inode_table — the byte offset of the inode table of a group, read
 * the way libtsk reads group descriptors; 0 when unreadable. */
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
			return 0;
		block = ((uint64_t)get32(fs, gd.bg_inode_table_hi) << 32) |
		        get32(fs, gd.bg_inode_table_lo);
	} else {
		ext2fs_gd gd;

		if (gd_size < sizeof gd)
			gd_size = sizeof gd;
		if (tsk_fs_read(fs, ext->groups_offset + (TSK_OFF_T)group * (TSK_OFF_T)gd_size,
		                (char *)&gd, sizeof gd) != (ssize_t)sizeof gd)
			return 0;
		block = get32(fs, gd.bg_inode_table);
	}
	if (block == 0 || block > fs->last_block)
		return 0;
	return (TSK_OFF_T)(block * fs->block_size);
}

/* ext_inline_claim — the size an inline-data inode claims, 0 for any
 * other inode or one that cannot be read (libtsk then says why); *at is
 * the inode's byte offset in the file system. */
static uint64_t ext_inline_claim(TSK_FS_INFO *fs, TSK_INUM_T addr, TSK_OFF_T *at)
{
	EXT2FS_INFO *ext = (EXT2FS_INFO *)fs;
	uint32_t per_group = get32(fs, ext->fs->s_inodes_per_group);
	ext2fs_inode inode;
	size_t len = ext->inode_size < sizeof inode ? ext->inode_size : sizeof inode;
	TSK_OFF_T table;

	if (per_group == 0 || addr < fs->first_inum || addr >= fs->last_inum || len < 112)
		return 0;
	table = ext_inode_table(ext, (uint32_t)((addr - 1) / per_group));
	if (!table)
		return 0;
	*at = table + (TSK_OFF_T)((addr - 1) % per_group) * ext->inode_size;
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
	claim = ext_inline_claim(fs, addr, at);
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

TSK_FS_INFO *fs_open(TSK_IMG_INFO *img, TSK_OFF_T offset, TSK_FS_TYPE_ENUM type)
{
	TSK_FS_INFO *fs = tsk_fs_open_img(img, offset, type);
	add_meta_fn expected = NULL;

	if (!fs || !TSK_FS_TYPE_ISEXT(fs->ftype) || fs->file_add_meta == guarded_ext_add_meta)
		return fs;
	/* The first ext file system names the function; one that had another
	 * (a libtsk this code does not know) is left as libtsk made it. */
	if (atomic_compare_exchange_strong(&ext_add_meta, &expected, fs->file_add_meta) ||
	    expected == fs->file_add_meta)
		fs->file_add_meta = guarded_ext_add_meta;
	return fs;
}

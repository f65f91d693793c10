/*
 * fs_open.h — the one way exhibit opens a file system through libtsk.
 *
 * libtsk trusts some of what a damaged file system claims.  One claim
 * costs a run its memory: an ext4 inode flagged "inline data" with a size
 * of gigabytes makes libtsk allocate, zero and copy that many bytes before
 * it reads the few that an inode can hold (a corrupted inode table did it
 * to 7.5 GB for an 8 MB image).  A file system opened here refuses to look
 * such an inode up, with a libtsk error naming the inode and its claim, as
 * libtsk refuses other damaged metadata; everything else is libtsk's own.
 */
#ifndef EXHIBIT_FS_OPEN_H
#define EXHIBIT_FS_OPEN_H

#include <tsk/libtsk.h>

/* fs_open — tsk_fs_open_img with the guards above; NULL (libtsk's error
 * set) when no file system of that type is at offset. */
TSK_FS_INFO *fs_open(TSK_IMG_INFO *img, TSK_OFF_T offset, TSK_FS_TYPE_ENUM type);

/* fs_bytes_held — the bytes of fs that are there: the smaller of what its
 * superblock claims (a damaged one claims anything) and what the image
 * holds from the file system's offset on. */
uint64_t fs_bytes_held(const TSK_FS_INFO *fs);

/* fs_inode_damage — 1 when the guard refuses inode addr of fs (opened
 * here), with why (a sentence naming the inode and its claim) and at (the
 * inode's byte offset in the file system); 0 for any other inode. */
int fs_inode_damage(TSK_FS_INFO *fs, TSK_INUM_T addr, char *why, size_t why_len, TSK_OFF_T *at);

#endif

#!/bin/sh
# make_walk_seeds.sh OUTDIR — the seed images of the walk's fuzz target:
# OUTDIR/walk/<seed>, the smallest images each file-system tool makes, with
# a few files, a directory, a deleted file and (ext4) inline data, so that
# mutations reach inodes, directory entries, FAT chains and MFT records.
# The committed seeds in tests/fuzz/corpus/ were made by this script; run
# it again to remake them:
#
#     sh tests/fuzz/make_walk_seeds.sh tests/fuzz/corpus
set -eu
out=$1/walk
tmp=$(mktemp -d "${TMPDIR:-/tmp}/walk-seeds-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
PATH=$PATH:/usr/sbin
mkdir -p "$out" "$tmp/tree/dir"
printf 'tiny\n' > "$tmp/tree/inline.txt"
printf 'deleted soon\n' > "$tmp/tree/gone.txt"
head -c 3000 /dev/zero | tr '\0' 'a' > "$tmp/tree/dir/blocks.txt"
touch -d 2020-01-02T03:04:05Z "$tmp/tree" "$tmp/tree/dir" "$tmp/tree"/*.txt "$tmp/tree/dir"/*

# ext4, 1 KiB blocks, 16 inodes, inline data; gone.txt deleted.
E2FSPROGS_FAKE_TIME=1600000000 mkfs.ext4 -q -F -b 1024 -N 16 -O inline_data,^has_journal,^resize_inode \
	-U 11111111-2222-3333-4444-555555555555 -E hash_seed=11111111-2222-3333-4444-555555555555 \
	-d "$tmp/tree" "$tmp/ext4.img" 128k
E2FSPROGS_FAKE_TIME=1600000000 debugfs -w -R "rm /gone.txt" "$tmp/ext4.img" >/dev/null 2>&1
cp "$tmp/ext4.img" "$out/ext4-inline.img"

# FAT12 with the same files; gone.txt deleted.
mkfs.fat -C -i 12345678 --invariant "$tmp/fat.img" 64 >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -s -m -i "$tmp/fat.img" "$tmp/tree"/* ::/
MTOOLS_SKIP_CHECK=1 mdel -i "$tmp/fat.img" ::/gone.txt
cp "$tmp/fat.img" "$out/fat12.img"

# The FAT12 behind an MBR partition table, so the volume walk runs too.
head -c 65536 /dev/zero > "$tmp/mbr.img"
cat "$tmp/fat.img" >> "$tmp/mbr.img"
printf 'label: dos\nlabel-id: 0x12345678\nstart=128, size=128, type=1\n' | sfdisk -q "$tmp/mbr.img"
cp "$tmp/mbr.img" "$out/mbr-fat12.img"

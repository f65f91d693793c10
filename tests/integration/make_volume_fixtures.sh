#!/bin/bash
# make_volume_fixtures.sh OUTDIR — small disks for every volume-system
# layout exhibit must walk, built without root: GPT (FAT16, ext4, a gap,
# exFAT when mkfs.exfat is installed), MBR with an extended partition
# holding two logical ones, and a bare file system with no volume system.
# Each holds a few files (nested, non-ASCII, one deleted).  Deterministic.
set -eu
out=$1
mkdir -p "$out"
export PATH="$PATH:/usr/sbin:/sbin" LC_ALL=C TZ=UTC
export E2FSPROGS_FAKE_TIME=1700000000 SOURCE_DATE_EPOCH=1700000000
uuid=0a0b0c0d-1111-2222-3333-444455556666
tree="$out/tree"
rm -rf "$tree"
mkdir -p "$tree/dir/sub" "$tree/Übersicht"
printf 'alpha\n' > "$tree/a.txt"
printf 'nested %s\n' one two three > "$tree/dir/sub/nested.txt"
printf 'März\n' > "$tree/Übersicht/März.txt"
head -c 70000 /dev/zero | tr '\0' 'z' > "$tree/dir/big.bin"
printf 'to be deleted\n' > "$tree/gone.txt"
find "$tree" -exec touch -h -d @1700000000 {} +

ext4_image() { # FILE SIZE_MIB
	rm -f "$1"
	mkfs.ext4 -q -F -b 1024 -U "$uuid" -E hash_seed="$uuid" -d "$tree" "$1" "${2}M" >/dev/null
	debugfs -w -R "rm /gone.txt" "$1" >/dev/null 2>&1
}

fat_image() { # FILE SIZE_MIB
	rm -f "$1"
	mkfs.fat -C -F 16 -s 1 -i 12345678 -n FIXTURE "$1" $(( $2 * 1024 )) >/dev/null
	LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 mcopy -s -m -i "$1" "$tree"/* ::/
	MTOOLS_SKIP_CHECK=1 mdel -i "$1" ::/gone.txt
}

place() { # DISK PART_IMAGE START_SECTOR
	dd if="$2" of="$1" bs=512 seek="$3" conv=notrunc status=none
}

# GPT: FAT16 at 1 MiB, ext4 at 10 MiB, a 2 MiB gap, exFAT at 28 MiB.
gpt="$out/gpt.raw"
rm -f "$gpt"
truncate -s 40M "$gpt"
sfdisk -q --label gpt "$gpt" <<SF >/dev/null
label-id: 11111111-2222-3333-4444-555555555555
start=2048, size=16384, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, uuid=21111111-2222-3333-4444-555555555555
start=20480, size=32768, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=31111111-2222-3333-4444-555555555555
start=57344, size=16384, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, uuid=41111111-2222-3333-4444-555555555555
SF
fat_image "$out/p.fat" 8
place "$gpt" "$out/p.fat" 2048
ext4_image "$out/p.ext4" 16
place "$gpt" "$out/p.ext4" 20480
if command -v mkfs.exfat >/dev/null 2>&1; then
	rm -f "$out/p.exfat"
	truncate -s 8M "$out/p.exfat"
	mkfs.exfat -q -L FIXTURE --volume-serial 0x12345678 "$out/p.exfat" >/dev/null 2>&1 ||
		mkfs.exfat "$out/p.exfat" >/dev/null
	place "$gpt" "$out/p.exfat" 57344
fi

# MBR: a primary FAT16, then an extended partition with two logical ones.
mbr="$out/mbr-extended.raw"
rm -f "$mbr"
truncate -s 40M "$mbr"
sfdisk -q "$mbr" <<SF >/dev/null
label-id: 0x45585431
start=2048, size=16384, type=6
start=20480, size=57344, type=5
start=22528, size=16384, type=6
start=40960, size=32768, type=83
SF
place "$mbr" "$out/p.fat" 2048
place "$mbr" "$out/p.fat" 22528
place "$mbr" "$out/p.ext4" 40960

# No volume system at all: a bare file system.
cp "$out/p.ext4" "$out/bare-ext4.raw"
rm -rf "$tree" "$out"/p.*

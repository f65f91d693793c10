#!/bin/bash
# bad_input.sh — hostile and broken evidence: a non-image, a corpus negative
# sample, a damaged / truncated / incomplete E01, a corrupted file system.
# Each ends with a clear message naming the file and offset, recorded in
# v_errors, exit status 1, the other evidence processed, nothing written
# to the evidence, and no hang.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

for tool in mkfs.ext4 ewfacquire; do
	command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (scripts/setup-debian.sh installs it)"; exit 77; }
done

ev="$WORK/evidence"
mkdir -p "$ev/tree/d"
# Incompressible but reproducible content, so the E01 spans several segments.
python3 - "$ev/tree/d" <<'PY'
import random, sys
for i in range(1, 41):
    random.seed(i)
    with open(f"{sys.argv[1]}/f{i}.bin", "wb") as f:
        f.write(random.randbytes(i * 3000))
PY
echo "hello" > "$ev/tree/hello.txt"
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 1024 -U 11111111-2222-3333-4444-555555555555 \
	-E hash_seed=11111111-2222-3333-4444-555555555555 -d "$ev/tree" "$ev/fs.img" 8M >/dev/null
ewfacquire -u -q -c fast -f encase6 -S 1MiB -t "$ev/good" "$ev/fs.img" >/dev/null 2>&1
[ -f "$ev/good.E02" ] || { fail "ewfacquire made several segments"; finish; exit 1; }

# A damaged chunk inside the second segment.
mkdir -p "$ev/damaged" "$ev/missing" "$ev/truncated"
cp "$ev"/good.E0* "$ev/damaged/"
size=$(stat -c %s "$ev/damaged/good.E02")
printf '\xde\xad\xbe\xef%.0s' $(seq 1 1024) | dd of="$ev/damaged/good.E02" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
# The second segment missing; the second segment cut short.
cp "$ev/good.E01" "$ev/good.E03" "$ev/missing/"
cp "$ev/good.E01" "$ev/good.E03" "$ev/truncated/"
head -c 300000 "$ev/good.E02" > "$ev/truncated/good.E02"
# Not an image at all; an ext4 whose superblock is destroyed.
head -c 100000 /dev/urandom > "$ev/random.bin"
cp "$ev/fs.img" "$ev/nosuper.img"
dd if=/dev/zero of="$ev/nosuper.img" bs=1024 seek=1 count=1 conv=notrunc 2>/dev/null
# An ext4 whose inode table is overwritten where the files' inodes are:
# some files' metadata now points nowhere.
cp "$ev/fs.img" "$ev/badinodes.img"
itable=$(dumpe2fs "$ev/fs.img" 2>/dev/null | awk '/Inode table at/ {split($4, a, "-"); print a[1]; exit}')
python3 - "$ev/badinodes.img" "$(( (itable + 3) * 1024 ))" <<'PY'
import random, sys
random.seed(7)
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    f.write(random.randbytes(10 * 1024))
PY

# An ext2 (block-mapped) file whose inode claims 4 GB in a 1 MB file
# system: libtsk would map it pointer by pointer, seconds per such inode.
mkdir -p "$ev/tree2"
head -c 5000 /dev/zero | tr '\0' 'b' > "$ev/tree2/b.bin"
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext2 -q -F -b 1024 -U 11111111-2222-3333-4444-555555555555 \
	-E hash_seed=11111111-2222-3333-4444-555555555555 -d "$ev/tree2" "$ev/bigclaim.img" 1M >/dev/null
debugfs -w -R "sif /b.bin size 4294967295" "$ev/bigclaim.img" >/dev/null 2>&1

before=$(find "$ev" -type f -exec sha256sum {} + | sort)

expect_error() { # DESCRIPTION CASE PATTERN
	if q "$2" "SELECT item || ' @' || coalesce(offset, '-') || ': ' || message FROM v_errors" | grep -q -- "$3"; then
		pass "$1"
	else
		fail "$1: no v_errors row matching [$3]; got: $(q "$2" "SELECT * FROM v_errors" | head -5)"
	fi
}

process "$WORK/c-damaged" "$ev/damaged/good.E01"
check "damaged E01: exit status says incomplete" 1 "$STATUS"
expect_error "damaged E01: the damaged range is named with its offset" "$WORK/c-damaged" "good.E01 @[0-9]*: EWF chunk checksum error"
expect_error "damaged E01: the hash mismatch is a finding" "$WORK/c-damaged" "image MD5 mismatch"
expect_error "damaged E01: the files over the range are named" "$WORK/c-damaged" "/d/f[0-9]*.bin @[0-9]*: content overlaps damaged media"
check "damaged E01: every other file is still there" 44 "$(q "$WORK/c-damaged" "SELECT count(*) FROM v_files")"

# verify-image, like ewfverify: the good image verifies, the damaged one is
# named with its byte range and fails.
"$EXHIBIT" verify-image "$ev/good.E01" -q > "$WORK/vi-good.out" 2>&1
check "verify-image: the good E01 verifies against its stored MD5" 0 $?
grep -q "MD5 .* verified against the acquisition" "$WORK/vi-good.out"
check "verify-image: says what it compared" 0 $?
"$EXHIBIT" verify-image "$ev/damaged/good.E01" -q > "$WORK/vi-bad.out" 2>&1
check "verify-image: the damaged E01 fails" 1 $?
grep -q "DAMAGED: bytes [0-9]*-[0-9]* fail their EWF chunk checksum" "$WORK/vi-bad.out" &&
	grep -q "MISMATCH: the acquisition says" "$WORK/vi-bad.out"
check "verify-image: names the damaged range and the mismatch" 0 $?
"$EXHIBIT" verify-image "$ev/random.bin" --sha256 "$(sha256sum < "$ev/random.bin" | cut -d' ' -f1)" -q > /dev/null 2>&1
check "verify-image: a raw image against a given SHA-256" 0 $?
"$EXHIBIT" verify-image "$ev/random.bin" --md5 00000000000000000000000000000000 -q > /dev/null 2>&1
check "verify-image: a wrong given MD5 fails" 1 $?

for kind in missing truncated; do
	process "$WORK/c-$kind" "$ev/$kind/good.E01"
	check "$kind segment: exit status says incomplete" 1 "$STATUS"
	expect_error "$kind segment: named with an offset" "$WORK/c-$kind" "good.E01 @[0-9]*: EWF chunk checksum error (damaged, truncated or missing segment)"
done

# Several pieces of evidence in one run: the bad ones do not stop the good.
process "$WORK/c-mixed" "$ev/random.bin" "$ev/nosuper.img" "$ev/badinodes.img" "$ev/good.E01"
[ "$STATUS" = 1 ] || cat "$WORK/c-mixed.err" >&2
check "mixed run: exit status says incomplete" 1 "$STATUS"
expect_error "random bytes: refused as an image, with file and offset" "$WORK/c-mixed" "random.bin @0: .*no volume system or file system"
expect_error "destroyed superblock: refused with file and offset" "$WORK/c-mixed" "nosuper.img @0: .*no volume system or file system"
check "the good E01 in the same run is complete" 44 \
	"$(q "$WORK/c-mixed" "SELECT count(*) FROM v_files f JOIN v_evidence e ON e.id = f.evidence WHERE e.path LIKE '%good.E01'")"
check "its stored MD5 is read and matches the media" 1 \
	"$(q "$WORK/c-mixed" "SELECT md5 = stored_md5 FROM v_evidence WHERE path LIKE '%good.E01'")"
expect_error "corrupted inode table: the unreadable file is named with an offset" "$WORK/c-mixed" \
	"/d/f[0-9]*.bin @[0-9]*: cannot read the content: Error in metadata structure"
check "corrupted inode table: the rest of that file system is still listed" 44 \
	"$(q "$WORK/c-mixed" "SELECT count(*) FROM v_files f JOIN v_evidence e ON e.id = f.evidence WHERE e.path LIKE '%badinodes.img'")"
expect_error "corrupted inode table: an inode claiming gigabytes of inline data is refused, named with its offset" \
	"$WORK/c-mixed" "/d/f[0-9]*.bin: listed without its metadata, whose inode is damaged at image offset [0-9]*: .*claims [0-9]* bytes of inline data"
grep -q "offset" "$WORK/c-mixed.err"; check "messages on stderr name offsets" 0 $?
# Bounded memory: libtsk allocates what an inline-data inode claims, and
# a run that let it peaked at 7.5 GB on this 8 MB image.
peak_mb=$(python3 - "$EXHIBIT" process "$ev/badinodes.img" --case "$WORK/c-rss" --quiet \
	${EXHIBIT_PLUGIN_DIR:+--plugin-dir "$EXHIBIT_PLUGIN_DIR"} <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
)
if [ "${peak_mb:-99999}" -lt 1024 ]; then pass "corrupted inode table: peak memory ${peak_mb} MB (< 1 GB)"
else fail "corrupted inode table: peak memory ${peak_mb:-?} MB, expected < 1 GB"; fi
process "$WORK/c-bigclaim" "$ev/bigclaim.img"
expect_error "a block-mapped inode claiming more than its file system is refused, with the claim" "$WORK/c-bigclaim" \
	"/b.bin @0: cannot read the content: .*inode [0-9]* claims 4294967295 bytes, more than the whole file system (1048576 bytes)"
errors_before=$(q "$WORK/c-mixed" "SELECT count(*) FROM errors")
process "$WORK/c-mixed" "$ev/random.bin" "$ev/nosuper.img" "$ev/badinodes.img" "$ev/good.E01"
check "running again records no problem twice" "$errors_before" "$(q "$WORK/c-mixed" "SELECT count(*) FROM errors")"

if [ -d "$CORPUS/dfvfs" ]; then
	process "$WORK/c-bogus" "$CORPUS/dfvfs/bogus.001"
	check "dfvfs/bogus.001: exit status says incomplete" 1 "$STATUS"
	expect_error "dfvfs/bogus.001: refused with a clear message" "$WORK/c-bogus" "bogus.001 @0: .*no volume system or file system"
else
	echo "SKIP: dfvfs/bogus.001 (no corpus at $CORPUS)"
fi

after=$(find "$ev" -type f -exec sha256sum {} + | sort)
check "no evidence file was changed" "$before" "$after"
finish

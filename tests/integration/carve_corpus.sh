#!/bin/bash
# carve_corpus.sh — every media sample of the corpus (the media files inside
# sleuthkit_test_data's disk images, filetype's and iped's), placed in a
# generated FAT and ext4 image and deleted, is carved byte-exact: its
# SHA-256 is among v_carved.sha256 after `exhibit process` (default mode:
# the unallocated space is carved).  The samples that are not are listed.
# The images are built here without root: mkfs.fat -C with mtools
# (mcopy, mdel), mkfs.ext4 -d with debugfs -w -R rm.  Skips without the
# corpus, and with "this build does not carve" while exhibit has no
# carving (no --carve-all in `exhibit process --help`, or no carver plugin).
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

export PATH=$PATH:/usr/sbin:/sbin MTOOLS_SKIP_CHECK=1
need_corpus
for tool in mkfs.fat:dosfstools mcopy:mtools mdel:mtools mkfs.ext4:e2fsprogs debugfs:e2fsprogs \
	tsk_recover:sleuthkit python3:python3 sqlite3:sqlite3; do
	command -v "${tool%%:*}" >/dev/null ||
		{ echo "SKIP: ${tool%%:*} not installed (Debian package ${tool#*:}; scripts/setup-debian.sh installs it)"; exit 77; }
done
if ! "$EXHIBIT" process --help 2>/dev/null | grep -q -- '--carve-all'; then
	echo "SKIP: this build does not carve (no --carve-all in exhibit process --help)"
	exit 77
fi
build=${EXHIBIT_BUILD_DIR:?set EXHIBIT_BUILD_DIR (make check does)}
# the carver plugins: BUILD/plugins/carve-*/.libs, or the directories of
# EXHIBIT_CARVER_DIRS (colon-separated)
plugin_args=(--no-default-plugins)
IFS=: read -r -a dirs <<<"${EXHIBIT_CARVER_DIRS:-}"
[ -n "${EXHIBIT_CARVER_DIRS:-}" ] || dirs=("$build"/plugins/carve-*/.libs)
for d in "${dirs[@]}"; do
	[ -d "$d" ] && plugin_args+=(--plugin-dir "$d")
done
if [ ${#plugin_args[@]} -eq 1 ]; then
	echo "SKIP: this build does not carve (no carver plugin under $build/plugins/carve-*)"
	exit 77
fi

# ------------------------------------------------------------ the samples
samples="$WORK/samples"
mkdir -p "$samples"
python3 - "$CORPUS" "$samples" "$WORK/extract" <<'PY'
import os, shutil, subprocess, sys, zipfile
corpus, out, tmp = sys.argv[1:4]

def media(d):
    """The media type of bytes D by their magic, or None."""
    if d[:3] == b"\xff\xd8\xff": return "jpg"
    if d[:8] == b"\x89PNG\r\n\x1a\n": return "png"
    if d[:6] in (b"GIF87a", b"GIF89a"): return "gif"
    if d[:2] == b"BM" and len(d) > 26 and int.from_bytes(d[2:6], "little") == len(d): return "bmp"
    if d[:4] in (b"II*\0", b"MM\0*"): return "tif"
    if d[:4] == b"RIFF" and d[8:12] in (b"WEBP", b"AVI "): return d[8:12].decode().strip().lower()
    if d[4:8] == b"ftyp":
        brand = d[8:12]
        return {b"qt  ": "mov", b"avif": "avif", b"heic": "heic"}.get(brand, "mp4")
    if d[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"): return "mov"   # QuickTime without ftyp
    if d[:4] == b"\x1a\x45\xdf\xa3": return "webm" if b"webm" in d[:64] else "mkv"
    if d[:4] == b"FLV\x01": return "flv"
    if d[:16] == bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c"): return "asf"
    return None

n = 0
def keep(name, data):
    global n
    t = media(data)
    if t:
        n += 1
        with open(os.path.join(out, "s%02d.%s" % (n, t)), "wb") as f:
            f.write(data)
        print("sample s%02d.%s: %s (%d bytes)" % (n, t, name, len(data)))

for sub in ("filetype", "iped"):
    d = os.path.join(corpus, sub)
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        with open(os.path.join(d, name), "rb") as f:
            keep(sub + "/" + name, f.read())
# sleuthkit_test_data: disk images in zips; their files (allocated and
# deleted, tsk_recover -e) that are media.  Images over 32 MiB are left out
# (the test must stay fast); none of them holds media.
d = os.path.join(corpus, "sleuthkit_test_data")
for z in sorted(os.listdir(d)) if os.path.isdir(d) else []:
    if not z.endswith(".zip"):
        continue
    with zipfile.ZipFile(os.path.join(d, z)) as zf:
        for m in zf.infolist():
            if m.is_dir() or m.file_size > (32 << 20) or not m.filename.endswith((".dd", ".dmg", ".iso", ".raw")):
                continue
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
            img = os.path.join(tmp, "image")
            with zf.open(m) as src, open(img, "wb") as dst:
                shutil.copyfileobj(src, dst)
            rec = os.path.join(tmp, "files")
            subprocess.run(["tsk_recover", "-e", img, rec], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for root, _, names in os.walk(rec):
                for nm in sorted(names):
                    with open(os.path.join(root, nm), "rb") as f:
                        keep("sleuthkit_test_data/%s:%s/%s" % (z, m.filename, os.path.relpath(os.path.join(root, nm), rec)),
                             f.read())
shutil.rmtree(tmp, ignore_errors=True)
print("samples: %d" % n)
PY
count=$(ls "$samples" | wc -l)
[ "$count" -ge 10 ] || { fail "the corpus gave $count media samples (expected at least 10)"; finish; exit 1; }

# Random files kept allocated between the deleted samples, so that the
# samples lie between used clusters as on a real disk.
i=0
for s in "$samples"/*; do
	i=$((i + 1))
	head -c $(( (i * 7919) % 20000 + 1000 )) /dev/urandom > "$WORK/keep$i.bin"
done

# ------------------------------------------------------------ FAT
fat="$WORK/fat.img"
size_kib=$(( $(du -sk "$samples" | cut -f1) * 2 + 4096 ))
mkfs.fat -C -s 4 -S 512 -n CARVE "$fat" "$size_kib" >/dev/null
i=0
for s in "$samples"/*; do
	i=$((i + 1))
	mcopy -i "$fat" "$s" "::$(basename "$s")"
	mcopy -i "$fat" "$WORK/keep$i.bin" "::keep$i.bin"
done
for s in "$samples"/*; do mdel -i "$fat" "::$(basename "$s")"; done

# ------------------------------------------------------------ ext4
tree="$WORK/tree"
mkdir -p "$tree"
cp "$samples"/* "$tree/"
cp "$WORK"/keep*.bin "$tree/"
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 1024 -U 33333333-4444-5555-6666-777777777777 \
	-E hash_seed=33333333-4444-5555-6666-777777777777 -d "$tree" "$WORK/ext4.img" "${size_kib}k" >/dev/null
for s in "$samples"/*; do debugfs -w -R "rm /$(basename "$s")" "$WORK/ext4.img" >/dev/null 2>&1; done
check "ext4: the samples are deleted" 0 \
	"$(debugfs -R 'ls -l /' "$WORK/ext4.img" 2>/dev/null | grep -c ' s[0-9][0-9]\.')"

# ------------------------------------------------------------ carve and check
for fs in fat ext4; do
	img="$WORK/$fs.img"
	before=$(sha256sum "$img")
	STATUS=0
	timeout 300 "$EXHIBIT" process "$img" --case "$WORK/case-$fs" --quiet "${plugin_args[@]}" \
		>"$WORK/$fs.out" 2>"$WORK/$fs.err" || STATUS=$?
	if [ "$STATUS" -gt 1 ]; then
		fail "$fs: exhibit process failed (exit $STATUS): $(head -c 2000 "$WORK/$fs.err")"
		continue
	fi
	check "$fs: the evidence is not written to" "$before" "$(sha256sum "$img")"
	if ! q "$WORK/case-$fs" "SELECT 1 FROM v_carved LIMIT 0" >/dev/null 2>&1; then
		fail "$fs: the case has no v_carved view"
		continue
	fi
	missing=""
	for s in "$samples"/*; do
		sum=$(sha256sum < "$s" | cut -d' ' -f1)
		n=$(q "$WORK/case-$fs" "SELECT count(*) FROM v_carved WHERE sha256 = '$sum'")
		if [ "${n:-0}" -ge 1 ]; then
			pass "$fs: $(basename "$s") carved byte-exact ($(stat -c %s "$s") bytes)"
		else
			fail "$fs: $(basename "$s") not carved byte-exact ($(stat -c %s "$s") bytes, sha256 $sum)"
			missing="$missing $(basename "$s")"
		fi
	done
	[ -z "$missing" ] || echo "$fs: not carved byte-exact:$missing (v_carved: $(q "$WORK/case-$fs" "SELECT count(*) FROM v_carved") rows)"
done
finish

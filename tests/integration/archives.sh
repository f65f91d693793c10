#!/bin/bash
# archives.sh — archives end to end: a directory holding the corpus
# archives (IPED's zip, tar, 7z, RAR4/5 and docx) and archives generated
# here (zip, tar.gz, tar.bz2, tar.xz, 7z, a single gzip file, a docx-like
# zip, a tar holding a zip holding a gzip) and a hostile set (a 1 GiB
# deflate bomb, a 42.zip-style nest of bombs, zips nested past the depth
# limit, a truncated and a corrupted zip, a tar entry claiming 10 GB in a
# 1 KB file, an encrypted zip) goes through `exhibit process` with the
# archives plugin.  Checked: every entry comes out as a child item at
# "<archive path>/<entry path>" with the MD5 the source states (the
# corpus) or of what was packed (generated), v_archive_entries lists the
# entries not extracted, each hostile file ends with its error in
# v_errors, the run ends in bounded time, and the evidence is not written.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

for tool in python3 7z; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (scripts/setup-debian.sh installs it)"; exit 77; }
done
build=${EXHIBIT_BUILD_DIR:?set EXHIBIT_BUILD_DIR (make check does)}

tree="$WORK/tree"
mkdir -p "$tree/corpus" "$tree/generated" "$tree/hostile"
if [ -d "$CORPUS/iped" ]; then
	for f in test_mockZip.zip test_mockTar.tar test_mock7z_2.7z test_mockRar4.rar test_mockRar5.rar \
		test_mockDoc1.docx; do
		cp "$CORPUS/iped/$f" "$tree/corpus/"
	done
else
	echo "NOTE: the corpus is not at $CORPUS: only generated archives are checked"
fi

# Generated archives; expected.txt lists "archive<TAB>entry path<TAB>md5".
python3 - "$tree" <<'PY'
import hashlib, io, os, struct, sys, tarfile, zipfile, gzip, zlib
tree = sys.argv[1]
gen, hostile = os.path.join(tree, "generated"), os.path.join(tree, "hostile")
expected = open(os.path.join(tree, "..", "expected.txt"), "w")
def md5(b): return hashlib.md5(b).hexdigest()
files = {"notes.txt": b"meeting at noon\n" * 50,
         "photos/img001.raw": bytes(range(256)) * 40,
         "photos/deep/dir/x.bin": os.urandom(3000)}
def expect(archive, name, data): expected.write(f"/generated/{archive}\t{name}\t{md5(data)}\n")
with zipfile.ZipFile(os.path.join(gen, "plain.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for n, d in files.items(): z.writestr(n, d); expect("plain.zip", n, d)
for ext, mode in (("tar.gz", "w:gz"), ("tar.bz2", "w:bz2"), ("tar.xz", "w:xz")):
    with tarfile.open(os.path.join(gen, "plain." + ext), mode) as t:
        for n, d in files.items():
            info = tarfile.TarInfo(n); info.size = len(d); info.mtime = 1600000000
            t.addfile(info, io.BytesIO(d)); expect("plain." + ext, n, d)
report = b"a single compressed report\n" * 100
open(os.path.join(gen, "report.txt.gz"), "wb").write(gzip.compress(report, mtime=0))
expect("report.txt.gz", "report.txt", report)
docx = {"[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
        "_rels/.rels": b"<Relationships/>", "word/document.xml": b"<w:document>Hello</w:document>"}
with zipfile.ZipFile(os.path.join(gen, "letter.docx"), "w", zipfile.ZIP_DEFLATED) as z:
    for n, d in docx.items(): z.writestr(n, d); expect("letter.docx", n, d)
# nested: a tar holding a zip holding a gzip
leaf = b"the innermost text\n"
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z: z.writestr("leaf.txt.gz", gzip.compress(leaf, mtime=0))
with tarfile.open(os.path.join(gen, "nested.tar"), "w") as t:
    info = tarfile.TarInfo("dir/inner.zip"); info.size = len(inner.getvalue())
    t.addfile(info, io.BytesIO(inner.getvalue()))
expected.write(f"/generated/nested.tar/dir/inner.zip/leaf.txt.gz\tleaf.txt\t{md5(leaf)}\n")

# hostile: a 1 GiB deflate bomb, made a chunk at a time
def zeros_zip(path_or_file, name, size):
    with zipfile.ZipFile(path_or_file, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        with z.open(name, "w", force_zip64=True) as f:
            chunk = bytes(1 << 20)
            for _ in range(size >> 20): f.write(chunk)
zeros_zip(os.path.join(hostile, "bomb.zip"), "zeros.bin", 1 << 30)
# 42.zip in small: 16 copies of a 256 MiB bomb, three levels
level = io.BytesIO(); zeros_zip(level, "zeros.bin", 256 << 20)
for depth in range(3):
    up = io.BytesIO()
    with zipfile.ZipFile(up, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(16): z.writestr(f"{i:x}.zip", level.getvalue())
    level = up
open(os.path.join(hostile, "42.zip"), "wb").write(level.getvalue())
# zips nested 12 deep, each level different
data, name = b"core\n", "core.txt"
for i in range(12):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z: z.writestr(name, data)
    data, name = b.getvalue(), f"level{i}.zip"
open(os.path.join(hostile, "deep.zip"), "wb").write(data)
# truncated and corrupted
noise = os.urandom(200000)
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("first.txt", b"first\n"); z.writestr("noise.bin", noise); z.writestr("last.txt", b"last\n")
whole = b.getvalue()
open(os.path.join(hostile, "truncated.zip"), "wb").write(whole[:len(whole) // 2])
bad = bytearray(whole); mid = len(bad) // 2
bad[mid:mid + 64] = bytes(x ^ 0x5a for x in bad[mid:mid + 64])
open(os.path.join(hostile, "corrupted.zip"), "wb").write(bytes(bad))
# a tar entry claiming 10 GiB (base-256 size) in a 1 KiB file
h = bytearray(512)
h[0:8] = b"huge.bin"; h[100:107] = b"0000644"; h[108:115] = b"0000000"; h[116:123] = b"0000000"
h[124:136] = b"\x80" + (10 << 30).to_bytes(11, "big"); h[136:147] = b"00000000000"; h[156] = ord("0")
h[257:263] = b"ustar\0"; h[263:265] = b"00"; h[148:156] = b" " * 8
h[148:155] = ("%06o\0" % sum(h)).encode()
open(os.path.join(hostile, "claims_10GB.tar"), "wb").write(bytes(h) + b"A" * 512)
PY
[ $? -eq 0 ] || { fail "the generator made the archives"; finish; exit 1; }
# a self-including archive: a zip quine, whose one entry is the zip itself
python3 "$EXHIBIT_SOURCE_DIR/tests/integration/make_zip_quine.py" "$tree/hostile/quine.zip" ||
	{ fail "the generator made the zip quine"; finish; exit 1; }
printf 'a secret\n' > "$WORK/secret.txt"
(cd "$WORK" && 7z a -bd -psecret "$tree/hostile/encrypted.zip" secret.txt >/dev/null)
printf 'seven\n' > "$WORK/seven.txt"
(cd "$WORK" && 7z a -bd "$tree/generated/made_by_7z.7z" seven.txt >/dev/null)
printf '/generated/made_by_7z.7z\tseven.txt\t%s\n' "$(md5sum < "$WORK/seven.txt" | cut -d' ' -f1)" \
	>> "$WORK/expected.txt"

before=$(cd "$tree" && find . -type f -exec sha256sum {} + | sort | sha256sum)
start=$(date +%s)
STATUS=0
timeout 600 "$EXHIBIT" process "$tree" --case "$WORK/case" --quiet --no-default-plugins \
	--plugin-dir "$build/plugins/archives/.libs" >"$WORK/out" 2>"$WORK/err" || STATUS=$?
elapsed=$(( $(date +%s) - start ))
check "the run completes (the hostile archives make it incomplete, not fatal)" 1 "$STATUS"
echo "NOTE: exhibit process took ${elapsed}s"
check "the run ends in bounded time (under 300 s)" 1 "$(( elapsed < 300 ))"
check "the evidence is not written to" "$before" "$(cd "$tree" && find . -type f -exec sha256sum {} + | sort | sha256sum)"
check "no plugin crashed" 0 "$(q "$WORK/case" "SELECT count(*) FROM v_errors WHERE message LIKE '%crashed%'")"

# every generated entry: a child item at <archive>/<entry> with its MD5
while IFS=$'\t' read -r archive entry md5; do
	got=$(q "$WORK/case" "SELECT md5 FROM v_files WHERE path = '$archive/$entry' AND source = 'embedded'")
	check "$archive: $entry comes out with its MD5" "$md5" "$got"
done < "$WORK/expected.txt"
check "a single compressed file gives one child named after it" 1 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_files WHERE path LIKE '/generated/report.txt.gz/%'")"

# the corpus: the MD5s IPED's PackageParserTest states
if [ -f "$tree/corpus/test_mockZip.zip" ]; then
	zip_md5s="mockdoc1.docx df8000908ee52c996d5d151ac8db730c
mockdoc2.docx 9bb76549bf676c633be94b9608fa5dae
mocksheets1.xlsx 5c1add743e6e1389ec8cb1af78e79202
mocksheets2.xlsx 4375cbf2cf4920cfe0aaa23c4b1a1744
mocktext1.txt 761d9cbe8be4bdb94a8962074053ca85
mocktext2.txt 17f87b5af0d45f02ffcaf36093bd1ed1
mockfolder/mockdoc5.docx 6e2b84163c6352908ac4b612b0fddf1e
mockfolder/mocksheets5.xlsx 0e3fd8870a4f85f0975debd0c8e24ecf
mockfolder/mocktext5.txt 6212e7fba5a8fe2fff5eea267d4009be"
	tar_md5s="mockdoc1.docx a8d50fc70640100e628b73138fb8f9bb
mockdoc2.docx 62032d28bb6587132ba4abe786636429
mockfolder/mockdoc5.docx 6e2b84163c6352908ac4b612b0fddf1e
mockfolder/mocksheets5.xlsx 0e3fd8870a4f85f0975debd0c8e24ecf
mockfolder/mocktext5.txt 6212e7fba5a8fe2fff5eea267d4009be
mocksheets1.xlsx 03c14e0c639186329cab1b65054e0aa8
mocksheets2.xlsx 0d6fc269c63f593b1f232d20f6e30462
mocktext1.txt f45bc2e86a3cc307776e851072003559
mocktext2.txt c922b74878ba73c51904e75a79b3df5b"
	for spec in "test_mockZip.zip:$zip_md5s" "test_mockTar.tar:$tar_md5s" \
		"test_mock7z_2.7z:$tar_md5s
mockrar.zip 0a6931f7799e5a2d28ab5a22e6c84088"; do
		archive=${spec%%:*}
		ok=0 total=0
		while read -r entry md5; do
			total=$((total + 1))
			got=$(q "$WORK/case" "SELECT md5 FROM v_files WHERE path = '/corpus/$archive/$entry'")
			if [ "$got" = "$md5" ]; then ok=$((ok + 1)); else fail "$archive: $entry: MD5 [$got], the source states [$md5]"; fi
		done <<< "${spec#*:}"
		check "$archive: every entry comes out with the MD5 the source states ($total)" "$total" "$ok"
	done
	check "test_mockZip.zip: 10 entries listed, the folder not extracted" "10|mockfolder:directory:listed" \
		"$(q "$WORK/case" "SELECT count(*), (SELECT entry_path || ':' || type || ':' || status FROM v_archive_entries WHERE archive_path = '/corpus/test_mockZip.zip' AND type <> 'file') FROM v_archive_entries WHERE archive_path = '/corpus/test_mockZip.zip'")"
	check "RAR5: the tar's documents, same MD5s" "a8d50fc70640100e628b73138fb8f9bb" \
		"$(q "$WORK/case" "SELECT md5 FROM v_files WHERE path = '/corpus/test_mockRar5.rar/mockdoc1.docx'")"
	# (its parts hang off the copy met first: the zip's, or the one in the 7z's mockrar.zip)
	check "the documents inside are opened in turn (mockdoc1.docx's parts)" 1 \
		"$(q "$WORK/case" "SELECT count(*) > 0 FROM v_files WHERE path LIKE '/corpus/%/mockdoc1.docx/word/document.xml'")"
fi

# the hostile set
# err FILE PATTERN — whether the archives plugin said PATTERN (LIKE) of FILE
err() { q "$WORK/case" "SELECT count(*) > 0 FROM v_errors WHERE item = '/hostile/$1' AND plugin = 'archives' AND message LIKE '${2//\'/\'\'}'"; }
check "bomb.zip: the ratio error" 1 "$(err bomb.zip "entry 'zeros.bin': expansion ratio % exceeds the limit of 100: a decompression bomb?%")"
check "bomb.zip: nothing extracted" 0 "$(q "$WORK/case" "SELECT count(*) FROM v_files WHERE path LIKE '/hostile/bomb.zip/%'")"
check "42.zip: the innermost bomb trips" 1 \
	"$(q "$WORK/case" "SELECT count(*) > 0 FROM v_errors WHERE item LIKE '/hostile/42.zip/%' AND message LIKE '%a decompression bomb?%'")"
check "42.zip: each copy analysed once (the rest are duplicates)" 4 \
	"$(q "$WORK/case" "SELECT count(DISTINCT a.content_id) FROM archives a JOIN files f ON f.content_id = a.content_id WHERE f.path LIKE '/hostile/42.zip%'")"
check "deep.zip: the depth limit ends it, said by the host" 1 \
	"$(q "$WORK/case" "SELECT count(*) > 0 FROM v_errors WHERE item LIKE '/hostile/deep.zip/%' AND message LIKE 'child item refused: the depth limit is reached%'")"
check "deep.zip: and by the plugin, naming the entry" 1 \
	"$(q "$WORK/case" "SELECT count(*) > 0 FROM v_errors WHERE item LIKE '/hostile/deep.zip/%' AND plugin = 'archives' AND message LIKE 'entry ''level%.zip'' not handed back: the host''s depth limit is reached%'")"
check "truncated.zip: the damage named, first.txt kept" "1|1" \
	"$(err truncated.zip "entry 'noise.bin' is damaged after%")|$(q "$WORK/case" "SELECT count(*) FROM v_files WHERE path = '/hostile/truncated.zip/first.txt'")"
check "corrupted.zip: the damage named, the other entries kept" "1|2" \
	"$(err corrupted.zip "entry 'noise.bin'%")|$(q "$WORK/case" "SELECT count(*) FROM v_files WHERE path IN ('/hostile/corrupted.zip/first.txt', '/hostile/corrupted.zip/last.txt')")"
check "claims_10GB.tar: the claim stated, the damage named" "10737418240|1" \
	"$(q "$WORK/case" "SELECT size FROM v_archive_entries WHERE archive_path = '/hostile/claims_10GB.tar'")|$(err claims_10GB.tar "entry 'huge.bin' is damaged after 512 bytes%")"
check "encrypted.zip: listed as encrypted, not extracted" "encrypted|1|0" \
	"$(q "$WORK/case" "SELECT status, encrypted FROM v_archive_entries WHERE archive_path = '/hostile/encrypted.zip'")|$(q "$WORK/case" "SELECT count(*) FROM v_files WHERE path LIKE '/hostile/encrypted.zip/%'")"
check "quine.zip: its entry is the zip itself, said, opened no further" "1|0" \
	"$(err quine.zip "entry 'r.zip' is this archive itself (a self-including archive): listed, not opened again")|$(q "$WORK/case" "SELECT count(*) FROM v_files WHERE path LIKE '/hostile/quine.zip/%'")"
check "encrypted.zip: the error" 1 "$(err encrypted.zip "entry 'secret.txt': encrypted: not extracted")"
for f in "$tree"/hostile/*; do
	n=$(q "$WORK/case" "SELECT count(*) FROM v_errors WHERE item LIKE '/hostile/$(basename "$f")%' AND plugin = 'archives'")
	if [ "${n:-0}" -ge 1 ]; then pass "hostile $(basename "$f"): an error in v_errors"
	else fail "hostile $(basename "$f"): no error from the archives plugin"; fi
done
finish

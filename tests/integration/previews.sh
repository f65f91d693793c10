#!/bin/bash
# previews.sh — media-preview end to end: every video and image of the
# corpus (filetype/, iped/), videos and a still made here with ffmpeg, and
# broken media (cut, scrambled, a header alone) go into an ext4 image;
# `exhibit process` runs with media-preview (and the metadata plugins,
# for v_media).  Every video gets a contact sheet and every image a
# thumbnail, each as decoded and blurred; v_media's
# thumbnail names the blurred one; each broken file gets a clear error in
# v_errors and the run goes on; `exhibit preview` writes a preview out
# as a JPEG of the size recorded, blurred unless asked otherwise.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

PATH=$PATH:/usr/sbin
need_corpus
for tool in ffmpeg ffprobe mkfs.ext4 python3 sqlite3; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (scripts/setup-debian.sh installs it)"; exit 77; }
done
build=${EXHIBIT_BUILD_DIR:?set EXHIBIT_BUILD_DIR (make check does)}

tree="$WORK/tree"
mkdir -p "$tree/corpus/filetype" "$tree/corpus/iped" "$tree/generated" "$tree/broken"
cp "$CORPUS"/filetype/* "$tree/corpus/filetype/"
cp "$CORPUS"/iped/* "$tree/corpus/iped/"
gen="$tree/generated"
ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=320x240:rate=25 -t 30 -c:v mpeg4 "$gen/thirty.mp4"
ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=320x240:rate=25 -t 5 -c:v libvpx -b:v 200k "$gen/five.webm"
ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=800x600 -frames:v 1 "$gen/still.jpg"
ls "$gen"/thirty.mp4 "$gen"/five.webm "$gen"/still.jpg >/dev/null || { fail "ffmpeg made the test media"; finish; exit 1; }

python3 - "$gen" "$tree/broken" <<'PY'
import os, sys
gen, out = sys.argv[1], sys.argv[2]
read = lambda n: open(os.path.join(gen, n), "rb").read()
def put(name, data):
    open(os.path.join(out, name), "wb").write(data)
mp4, webm, jpg = read("thirty.mp4"), read("five.webm"), read("still.jpg")
put("cut_header.mp4", mp4[:300])            # ftyp, then nothing of use
put("cut_half.mp4", mp4[:len(mp4) // 2])     # the moov (at the end) is gone
put("cut_header.webm", webm[:200])
put("cut_half.jpg", jpg[:len(jpg) // 2])
put("cut_headers.jpg", jpg[:600])
s = bytearray(jpg)
for i in range(len(s) // 3, len(s) // 3 + 400):
    s[i] ^= 0x5a
put("scrambled.jpg", bytes(s))
PY

size_kib=$(( $(du -sk "$tree" | cut -f1) * 2 + 4096 ))
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 1024 -U 44444444-3333-4444-5555-666666666666 \
	-E hash_seed=44444444-3333-4444-5555-666666666666 -d "$tree" "$WORK/previews.img" "${size_kib}k" >/dev/null
before=$(sha256sum "$WORK/previews.img")

STATUS=0
timeout 900 "$EXHIBIT" process "$WORK/previews.img" --case "$WORK/case" --quiet --no-default-plugins \
	--plugin-dir "$build/plugins/media-preview/.libs" \
	--plugin-dir "$build/plugins/video-metadata/.libs" --plugin-dir "$build/plugins/image-metadata/.libs" \
	>"$WORK/out" 2>"$WORK/err" || STATUS=$?
check "the run completes (the broken files make it incomplete, not fatal)" 1 "$STATUS"
check "the evidence is not written to" "$before" "$(sha256sum "$WORK/previews.img")"
check "no plugin crashed" 0 "$(q "$WORK/case" "SELECT count(*) FROM v_errors WHERE message LIKE '%crashed%'")"

# Every video and image of the corpus and of the generated set, by what
# the core sniffed: a preview of the right kind, as decoded and blurred.
python3 - "$WORK/case/case.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT path, mime_type FROM v_files WHERE (path LIKE '/corpus/%' OR path LIKE '/generated/%') "
                  "AND (mime_type LIKE 'video/%' OR mime_type LIKE 'image/%') ORDER BY path").fetchall()
failures = videos = images = 0
for path, mime in rows:
    kind = "contact_sheet" if mime.startswith("video/") else "thumbnail"
    got = db.execute("SELECT blurred, width, height, frames, bytes FROM v_previews WHERE path = ? AND kind = ? "
                     "ORDER BY blurred", (path, kind)).fetchall()
    if [b for b, *_ in got] != [0, 1] or got[0][1:4] != got[1][1:4]:
        print(f"FAIL: {path} ({mime}): previews {got}"); failures += 1
        continue
    videos += kind == "contact_sheet"
    images += kind == "thumbnail"
    print(f"PASS: {path} ({mime}): {kind} {got[0][1]}x{got[0][2]}, {got[0][3]} frame(s), {got[0][4]} + {got[1][4]} bytes")
print(f"videos with a contact sheet: {videos}, images with a thumbnail: {images}")
sys.exit(1 if failures or videos < 8 or images < 6 else 0)
PY
check "every video has a contact sheet and every image a thumbnail" 0 $?

for v in filetype/sample.mp4 filetype/sample.mkv filetype/sample.webm filetype/sample.mov \
	iped/test_videoMp4.mp4 iped/test_videoFlv.flv; do
	check "corpus $v: a contact sheet, plain and blurred" 2 \
		"$(q "$WORK/case" "SELECT count(*) FROM v_previews WHERE path = '/corpus/$v' AND kind = 'contact_sheet'")"
done
check "30 s video: 16 frames 1.9 s apart in a 4 x 4 sheet of 160 x 120 tiles" "16|1.9|660|500" \
	"$(q "$WORK/case" "SELECT frames, interval_s, width, height FROM v_previews WHERE path = '/generated/thirty.mp4' AND blurred = 1")"
check "v_media's thumbnail is the blurred preview" 0 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_media m WHERE m.path LIKE '/generated/%' AND m.thumbnail IS NOT (SELECT p.preview_id FROM v_previews p WHERE p.file_id = m.file_id AND p.blurred = 1)")"
check "previews are not evidence: no file or content made of them" 0 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_files WHERE path LIKE '/generated/%/%' OR path LIKE '/broken/%/%'")"

for f in "$tree"/broken/*; do
	name=$(basename "$f")
	msg=$(q "$WORK/case" "SELECT message FROM v_errors WHERE item = '/broken/$name' AND plugin = 'media-preview' LIMIT 1")
	if [ -n "$msg" ]; then pass "broken $name: $msg"; else fail "broken $name: no error from media-preview in v_errors"; fi
done
check "a cut JPEG still gets the thumbnail of what decodes" 2 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_previews WHERE path = '/broken/cut_half.jpg'")"

# exhibit preview: the blurred one by default, the other on request.
id=$(q "$WORK/case" "SELECT id FROM v_files WHERE path = '/generated/still.jpg'")
custody_before=$(q "$WORK/case" "SELECT count(*) FROM v_custody")
check_cmd "exhibit preview writes the blurred thumbnail" \
	"$EXHIBIT" preview "$WORK/case" "$id" --out "$WORK/blurred.jpg"
check_cmd "exhibit preview --unblurred writes the other" \
	"$EXHIBIT" preview "$WORK/case" "$id" --unblurred --out "$WORK/plain.jpg"
check "the blurred file is the blurred record" "$(q "$WORK/case" "SELECT bytes FROM v_previews WHERE file_id = $id AND blurred = 1")" \
	"$(stat -c %s "$WORK/blurred.jpg")"
check "the unblurred file is the other record" "$(q "$WORK/case" "SELECT bytes FROM v_previews WHERE file_id = $id AND blurred = 0")" \
	"$(stat -c %s "$WORK/plain.jpg")"
check "it is a 256 x 192 JPEG" "mjpeg,256,192" \
	"$(ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 "$WORK/blurred.jpg")"
check "exhibit preview does not change the case" "$custody_before" "$(q "$WORK/case" "SELECT count(*) FROM v_custody")"
vid=$(q "$WORK/case" "SELECT id FROM v_files WHERE path = '/generated/thirty.mp4'")
check_cmd "exhibit preview --kind contact_sheet" \
	"$EXHIBIT" preview "$WORK/case" "$vid" --kind contact_sheet --out "$WORK/sheet.jpg"
STATUS=0
"$EXHIBIT" preview "$WORK/case" "$vid" --kind thumbnail --out "$WORK/none.jpg" 2>"$WORK/none.err" || STATUS=$?
check "no such preview: a clear error, exit status 1, no file" "1|1|no" \
	"$STATUS|$(grep -c 'no thumbnail' "$WORK/none.err")|$([ -e "$WORK/none.jpg" ] && echo yes || echo no)"
finish

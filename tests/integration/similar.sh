#!/bin/bash
# similar.sh — near duplicates end to end.  A directory of evidence holds
# the corpus images with copies made here (resized 50 %, JPEG quality 50,
# cropped 5 %, grey), three corpus videos (two of them one video in two
# encodings), a clip re-encoded from one of them, and hostile media (cut,
# scrambled, lying about their size, garbage, more frames than the decoder
# takes).  `exhibit process` runs with the media plugins and media-pdq:
# every copy pairs with its original in v_similar, unrelated pictures do
# not, the videos pair as sequences, clusters form, each hostile file gets
# a clear error and nothing crashes or hangs.  Then a VICS hash set giving
# a PDQ near one picture is imported and `exhibit similar` finds it
# (v_pdq_hits, with the set's category), again at another distance, each
# run in the chain of custody, which `exhibit verify` checks.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

for tool in ffmpeg cjpeg sqlite3 python3; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (scripts/setup-debian.sh installs it)"; exit 77; }
done
need_corpus
build=${EXHIBIT_BUILD_DIR:?set EXHIBIT_BUILD_DIR (make check does)}
plugins=(--no-default-plugins --plugin-dir "$build/plugins/media-pdq/.libs"
	--plugin-dir "$build/plugins/image-metadata/.libs" --plugin-dir "$build/plugins/video-metadata/.libs")

ev="$WORK/evidence"
mkdir -p "$ev/pictures" "$ev/videos" "$ev/hostile"
ff() { ffmpeg -nostdin -v error -y "$@"; }

# pictures/FAMILY.EXT and its copies pictures/FAMILY-VARIANT.EXT
originals=()
for f in filetype/sample.jpg filetype/sample.png filetype/sample.gif iped/test_horseGif.gif; do
	name=$(basename "$f")
	fam=$(echo "$name" | tr . _)
	name=$fam.${name##*.}
	cp "$CORPUS/$f" "$ev/pictures/$name"
	originals+=("$name")
	ff -i "$CORPUS/$f" -frames:v 1 -vf 'scale=trunc(iw/4)*2:-2' "$ev/pictures/$fam-resized.png"
	ff -i "$CORPUS/$f" -frames:v 1 -pix_fmt rgb24 -f image2pipe -vcodec ppm - |
		cjpeg -quality 50 -outfile "$ev/pictures/$fam-q50.jpg"
	ff -i "$CORPUS/$f" -frames:v 1 -vf 'crop=trunc(iw*0.95):trunc(ih*0.95)' "$ev/pictures/$fam-cropped.png"
	ff -i "$CORPUS/$f" -frames:v 1 -vf format=gray "$ev/pictures/$fam-grey.png"
done
cp "$CORPUS/iped/test_videoMp4.mp4" "$CORPUS/iped/test_videoFlv.flv" "$CORPUS/filetype/sample.webm" "$ev/videos/"
# a clip: 15 s from the 10th second, smaller, another codec and container
ff -ss 10 -t 15 -i "$CORPUS/iped/test_videoMp4.mp4" -vf scale=192:108 -c:v mpeg4 -q:v 5 -an "$ev/videos/clip.mkv"

python3 - "$ev/pictures" "$ev/hostile" <<'PY'
import os, sys
pics, out = sys.argv[1], sys.argv[2]
jpg = open(os.path.join(pics, "sample_jpg.jpg"), "rb").read()
def put(name, data):
    open(os.path.join(out, name), "wb").write(data)
put("cut.jpg", jpg[:len(jpg) // 2])
put("headers_only.jpg", jpg[:700])
scrambled = bytearray(jpg)
for i in range(len(jpg) // 3, len(jpg) // 3 + 500):
    scrambled[i] ^= 0x5a
put("scrambled.jpg", bytes(scrambled))
# a frame header claiming 65535 x 65535
huge = bytearray(jpg)
i = 2
while True:
    m, n = huge[i + 1], huge[i + 2] << 8 | huge[i + 3]
    if 0xc0 <= m <= 0xcf and m not in (0xc4, 0xc8, 0xcc):
        break
    i += 2 + n
huge[i + 5:i + 9] = b"\xff\xff\xff\xff"
put("huge.jpg", bytes(huge))
put("garbage.png", b"\x89PNG\r\n\x1a\n" + bytes((i * 7919 >> 3) & 255 for i in range(5000)))
# an MP4 file type box (so the type is sniffed as video/mp4), then garbage
put("garbage.mp4", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomavc1"
    + bytes((i * 31 + 7) & 255 for i in range(8192)))
PY
ff -i "$CORPUS/iped/test_videoMp4.mp4" -t 20 -c copy "$WORK/whole.mp4"
head -c 300000 "$WORK/whole.mp4" >"$ev/hostile/cut.mp4"
# more frames than the decoder takes: 24000 pictures in 12 s
ff -f lavfi -i testsrc=size=16x16:rate=2000 -t 12 -c:v mpeg4 -g 100000 "$ev/hostile/endless.mkv"
ls "$ev"/hostile/endless.mkv "$ev"/pictures/sample_jpg-q50.jpg >/dev/null ||
	{ fail "ffmpeg and cjpeg made the test files"; finish; exit 1; }

STATUS=0
timeout 900 "$EXHIBIT" process "$ev" --case "$WORK/case" --quiet "${plugins[@]}" \
	>"$WORK/out" 2>"$WORK/err" || STATUS=$?
check "the run completes (the hostile files make it incomplete, not fatal)" 1 "$STATUS"
check "no plugin crashed" 0 "$(q "$WORK/case" "SELECT count(*) FROM v_errors WHERE message LIKE '%crashed%'")"
check "every picture has a 64-digit PDQ in v_media" 0 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_media WHERE kind = 'image' AND path LIKE '/pictures/%' AND (pdq IS NULL OR length(pdq) <> 64)")"

# every copy pairs with its original; the distances are printed
for o in "${originals[@]}"; do
	fam=${o%.*}
	for v in resized q50 cropped grey; do
		copy=$(cd "$ev/pictures" && ls "$fam-$v".*)
		d=$(q "$WORK/case" "SELECT distance || ' ' || crop FROM v_similar WHERE path = '/pictures/$o' AND other_path = '/pictures/$copy'")
		if [ -n "$d" ] && [ "${d%% *}" -le 31 ]; then pass "$copy pairs with $o (distance, crop: $d)"
		else fail "$copy does not pair with $o (got [$d])"; fi
	done
done
cat >"$WORK/families.py" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
family = lambda p: re.match(r"/pictures/([^.-]+)", p).group(1)
rows = db.execute("SELECT path, other_path, distance FROM v_similar WHERE kind = 'image' "
                  "AND path LIKE '/pictures/%' AND other_path LIKE '/pictures/%'").fetchall()
bad = [r for r in rows if family(r[0]) != family(r[1])]
for r in bad:
    print("paired across families:", r, file=sys.stderr)
print(len(bad))
PY
check "pictures of different originals do not pair" 0 "$(python3 "$WORK/families.py" "$WORK/case/case.db")"
cat >"$WORK/clusters.py" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
groups = {}
for path, group in db.execute("SELECT path, group_id FROM v_similar_groups WHERE path LIKE '/pictures/%'"):
    groups.setdefault(re.match(r"/pictures/([^.-]+)", path).group(1), set()).add(group)
print(len(groups), all(len(g) == 1 for g in groups.values()),
      len(set().union(*groups.values())) if groups else 0)
PY
check "each original and its copies form one cluster, one per original" "4 True 4" \
	"$(python3 "$WORK/clusters.py" "$WORK/case/case.db")"

# videos
check "the two encodings of the IPED video pair as videos, most frames in order" 1 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_similar WHERE kind = 'video' AND path = '/videos/test_videoMp4.mp4' AND other_path = '/videos/test_videoFlv.flv' AND frames_matched * 10 >= frames * 8")"
check "the clip pairs with both encodings of its source" 2 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_similar WHERE kind = 'video' AND path = '/videos/clip.mkv'")"
check "the clip is matched over its 15 samples" 1 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_similar WHERE path = '/videos/clip.mkv' AND other_path = '/videos/test_videoMp4.mp4' AND frames BETWEEN 14 AND 16")"
check "an unrelated video pairs with nothing" 0 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_similar WHERE path = '/videos/sample.webm'")"
check "sampled frames are listed per video, one a second" 1 \
	"$(q "$WORK/case" "SELECT count(*) BETWEEN 36 AND 38 FROM v_media_frames WHERE path = '/videos/test_videoFlv.flv'")"

# hostile media: a clear error each
for f in "$ev"/hostile/*; do
	name=$(basename "$f")
	msg=$(q "$WORK/case" "SELECT message FROM v_errors WHERE item = '/hostile/$name' AND plugin = 'media-pdq' LIMIT 1")
	if [ -n "$msg" ]; then pass "hostile $name: $msg"; else fail "hostile $name: no media-pdq error in v_errors"; fi
done
check "the huge claim is named" 1 \
	"$(q "$WORK/case" "SELECT count(*) > 0 FROM v_errors WHERE item = '/hostile/huge.jpg' AND message LIKE '%65535 x 65535%'")"
check "the endless video stops at the frame limit, keeping what it sampled" "1|1" \
	"$(q "$WORK/case" "SELECT (SELECT count(*) > 0 FROM v_errors WHERE item = '/hostile/endless.mkv' AND message LIKE '%the limit%'), (SELECT count(*) > 0 FROM v_media_frames WHERE path = '/hostile/endless.mkv')")"
check "a damaged picture is hashed but marked incomplete" "0" \
	"$(q "$WORK/case" "SELECT p.complete FROM media_pdq p JOIN files f ON f.content_id = p.content_id WHERE f.path = '/hostile/cut.jpg' AND p.crop = 1")"

# a hash set with a PDQ 4 bits from sample.jpg's
hashdb="$WORK/hashdb"
pdq=$(q "$WORK/case" "SELECT pdq FROM v_media WHERE path = '/pictures/sample_jpg.jpg'")
near=$(python3 -c "import sys; print('%064x' % (int(sys.argv[1], 16) ^ 0xf))" "$pdq")
printf '%s\n' '{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",' \
	' "value":[{"MD5":"0123456789abcdef0123456789abcdef","Category":1,' \
	"           \"AlternativeHashes\":[{\"HashName\":\"PDQ\",\"HashValue\":\"$near\"}]}]}" >"$WORK/vics.json"
check_cmd "the VICS set with a PDQ imports" "$EXHIBIT" hashset import "$WORK/vics.json" --name vic \
	--kind categorised --hashdb "$hashdb" --quiet
check_cmd "exhibit similar with the hash set" "$EXHIBIT" similar "$WORK/case" --hashdb "$hashdb" -q
check "sample.jpg hits the set's PDQ at 4, with the set's category and MD5" \
	"4|1|0123456789abcdef0123456789abcdef|$near" \
	"$(q "$WORK/case" "SELECT distance, category, set_md5, set_pdq FROM v_pdq_hits WHERE set_name = 'vic' AND path = '/pictures/sample_jpg.jpg'")"
check "its resized, re-encoded and grey copies hit it too" 3 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_pdq_hits WHERE path IN ('/pictures/sample_jpg-resized.png', '/pictures/sample_jpg-q50.jpg', '/pictures/sample_jpg-grey.png')")"
check "nothing unrelated does" 0 \
	"$(q "$WORK/case" "SELECT count(*) FROM v_pdq_hits WHERE path NOT LIKE '/pictures/sample_jpg%' AND path NOT LIKE '/hostile/%'")"
check_cmd "exhibit similar again at distance 10" "$EXHIBIT" similar "$WORK/case" --distance 10 --no-hash-sets -q
check "custody holds both runs with their distance" "31|10" \
	"$(q "$WORK/case" "SELECT group_concat(d, '|') FROM (SELECT json_extract(parameters, '$.distance') AS d FROM v_custody WHERE action = 'similar' ORDER BY seq)")"
check "the hash-set hits went with the sets" 0 "$(q "$WORK/case" "SELECT count(*) FROM pdq_hits")"
check_cmd "exhibit verify: the case is whole" "$EXHIBIT" verify "$WORK/case"
finish

#!/bin/bash
# media.sh — videos and images in a disk image, end to end: the corpus
# media and videos generated here with ffmpeg -bitexact (MP4 with GPS and a
# rotation, MOV with GPS and make/model, MOV with Apple keys, MKV, AVI, FLV,
# TS, WMV) go into an ext4 image with a generated hostile set (truncated
# files, sizes that lie, a 10 GB claim in a 1 KB file, EXIF loops and
# offsets outside the data); `exhibit process` runs with the media
# plugins; v_media and media_streams are checked against ffprobe
# (duration within 0.05 s or 0.5 %, size, codec of every stream) and
# against what the generator wrote; every hostile file gets a clear error
# in v_errors and nothing crashes or hangs.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

PATH=$PATH:/usr/sbin
for tool in ffmpeg ffprobe mkfs.ext4 python3; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (scripts/setup-debian.sh installs it)"; exit 77; }
done
build=${EXHIBIT_BUILD_DIR:?set EXHIBIT_BUILD_DIR (make check does)}

tree="$WORK/tree"
mkdir -p "$tree/generated" "$tree/hostile" "$tree/corpus"
gen="$tree/generated"
src=(-f lavfi -i "testsrc=size=160x120:rate=25:duration=2" -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=2")
exact=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact)
ff() { out=$1; shift; ffmpeg -v error -y "${src[@]}" "$@" "${exact[@]}" "$gen/$out"; }

ff gps_rotated.mp4 -c:v libx264 -preset ultrafast -c:a aac -metadata location=+48.8577+002.2950/ \
	-metadata creation_time=2021-03-04T05:06:07Z
ff gps.mov -c:v mpeg4 -c:a pcm_s16le -metadata location=+48.8577+002.2950/ \
	-metadata make=TestMake -metadata model=TestModel
ff keys.mov -c:v libx264 -preset ultrafast -an -movflags use_metadata_tags \
	-metadata com.apple.quicktime.location.ISO6709=-33.8688+151.2093+010.000/ \
	-metadata com.apple.quicktime.make=Apple -metadata "com.apple.quicktime.model=iPhone 12"
ff video.mkv -c:v libvpx -b:v 100k -c:a libvorbis
ff video.avi -c:v mpeg4 -c:a libmp3lame
ff video.flv -c:v flv -c:a libmp3lame
ff video.ts -c:v mpeg2video -c:a mp2
ff video_h264.ts -c:v libx264 -preset ultrafast -c:a aac
ff video.wmv -c:v wmv2 -c:a wmav2
ls "$gen"/* >/dev/null || { fail "ffmpeg made the test videos"; finish; exit 1; }

# The rotation: ffmpeg 5.1 has no option for it, so turn the first track's
# tkhd matrix to 90 degrees clockwise, as a phone held upright writes it.
python3 - "$gen/gps_rotated.mp4" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"tkhd")
matrix = i + 4 + 4 + (32 if d[i + 4] == 1 else 20) + 16
d[matrix:matrix + 36] = bytes.fromhex("00000000 00010000 00000000 ffff0000 00000000 00000000 00000000 00000000 40000000")
open(sys.argv[1], "wb").write(d)
PY

if [ -d "$CORPUS" ]; then
	for f in filetype/sample.mp4 filetype/sample.mov filetype/sample.mkv filetype/sample.webm \
		filetype/sample.jpg filetype/sample.png filetype/sample.gif filetype/sample.avif \
		iped/test_videoFlv.flv iped/test_videoMp4.mp4; do
		[ -f "$CORPUS/$f" ] && cp "$CORPUS/$f" "$tree/corpus/$(basename "$f")"
	done
else
	echo "NOTE: the corpus is not at $CORPUS: only generated media are checked"
fi

# The hostile set: each file must end with a clear error in v_errors.
python3 - "$gen" "$tree/hostile" <<'PY'
import os, struct, sys
gen, out = sys.argv[1], sys.argv[2]
def put(name, data):
    open(os.path.join(out, name), "wb").write(data)
def read(name):
    return open(os.path.join(gen, name), "rb").read()
mp4, mkv, avi, flv, ts, wmv = (read(n) for n in ("gps_rotated.mp4", "video.mkv", "video.avi",
                                                 "video.flv", "video.ts", "video.wmv"))
# truncated at several points
for name, data in (("mp4", mp4), ("mkv", mkv), ("avi", avi), ("flv", flv), ("wmv", wmv)):
    for frac in (3, 2):
        put(f"cut_{frac}_{name}.{name}", data[:len(data) // frac + 7])
put("cut_ts.ts", ts[:len(ts) // 2 + 100])
# a 10 GB box claimed in a 1 KB file, through a 64-bit size
tenbig = struct.pack(">I4s4sI", 16, b"ftyp", b"isom", 0) + struct.pack(">I4sQ", 1, b"mdat", 10 << 30)
put("claims_10GB.mp4", (tenbig + bytes(range(256)) * 4)[:1024])
# moov declaring more bytes than the file holds
i = mp4.index(b"moov") - 4
put("moov_lies.mp4", mp4[:i] + struct.pack(">I", 0x7ffffff0) + mp4[i + 4:])
# a box smaller than its header inside moov
j = mp4.index(b"trak") - 4
put("box_too_small.mp4", mp4[:j] + struct.pack(">I", 3) + mp4[j + 4:])
# EXIF: an IFD loop and an offset outside the data, in JPEGs
def jpeg(tiff):
    app = b"Exif\0\0" + tiff
    return (b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app) + 2) + app
            + bytes.fromhex("ffc0000b080008001001011100ffda000801010000003f00ffd9"))
loop = b"II*\0" + struct.pack("<I", 8) + struct.pack("<HHHII", 1, 0x10F, 2, 4, 0x00414141) + struct.pack("<I", 8)
put("exif_loop.jpg", jpeg(loop))
outside = b"II*\0" + struct.pack("<I", 8) + struct.pack("<HHHII", 1, 0x8769, 4, 1, 0x7FFFFF00) + struct.pack("<I", 0)
put("exif_outside.jpg", jpeg(outside))
PY

size_kib=$(( $(du -sk "$tree" | cut -f1) * 2 + 4096 ))
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 1024 -U 22222222-3333-4444-5555-666666666666 \
	-E hash_seed=22222222-3333-4444-5555-666666666666 -d "$tree" "$WORK/media.img" "${size_kib}k" >/dev/null
before=$(sha256sum "$WORK/media.img")

STATUS=0
timeout 600 "$EXHIBIT" process "$WORK/media.img" --case "$WORK/case" --quiet --no-default-plugins \
	--plugin-dir "$build/plugins/video-metadata/.libs" --plugin-dir "$build/plugins/image-metadata/.libs" \
	>"$WORK/out" 2>"$WORK/err" || STATUS=$?
check "the run completes (the hostile files make it incomplete, not fatal)" 1 "$STATUS"
check "the evidence is not written to" "$before" "$(sha256sum "$WORK/media.img")"
check "no media plugin crashed" 0 "$(q "$WORK/case" "SELECT count(*) FROM v_errors WHERE message LIKE '%crashed%'")"

# ffprobe against the case, for every generated and corpus video
python3 - "$WORK/case/case.db" "$tree" <<'PY'
import json, os, sqlite3, subprocess, sys
db = sqlite3.connect(sys.argv[1])
tree = sys.argv[2]
failures = 0
checked = 0
for sub in ("generated", "corpus"):
    d = os.path.join(tree, sub)
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        row = db.execute("SELECT kind, codec, width, height, duration_s, file_id FROM v_media "
                         "WHERE path = ?", ("/" + sub + "/" + name,)).fetchone()
        if row is None:
            print(f"FAIL: {sub}/{name}: no v_media row"); failures += 1; continue
        kind, codec, width, height, duration, file_id = row
        if kind != "video":
            continue
        probe = json.loads(subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format",
                                           "-of", "json", path], capture_output=True, check=True).stdout)
        streams = [s for s in probe["streams"] if s.get("codec_type") in ("video", "audio")]
        ours = db.execute("SELECT s.kind, s.codec, s.width, s.height FROM media_streams s "
                          "JOIN files f ON f.content_id = s.content_id WHERE f.id = ? "
                          "AND s.kind IN ('video', 'audio') ORDER BY s.stream_index", (file_id,)).fetchall()
        problems = []
        if "duration" in probe["format"]:
            theirs = float(probe["format"]["duration"])
            if duration is None or abs(duration - theirs) > max(0.05, 0.005 * theirs):
                problems.append(f"duration {duration} vs ffprobe {theirs}")
        # containers list kinds in their own order (FLV may put audio first)
        if sorted((s["codec_type"], s["codec_name"]) for s in streams) != sorted((k, c) for k, c, w, h in ours):
            problems.append(f"streams {ours} vs ffprobe {[(s['codec_type'], s['codec_name']) for s in streams]}")
        video = [s for s in streams if s["codec_type"] == "video"]
        if video and (width, height) != (video[0].get("width"), video[0].get("height")):
            problems.append(f"size {width}x{height} vs ffprobe {video[0].get('width')}x{video[0].get('height')}")
        if video and codec != video[0]["codec_name"]:
            problems.append(f"codec {codec} vs ffprobe {video[0]['codec_name']}")
        checked += 1
        if problems:
            failures += 1
            print(f"FAIL: {sub}/{name}: " + "; ".join(problems))
        else:
            print(f"PASS: {sub}/{name} agrees with ffprobe (duration, size, codecs)")
print(f"ffprobe-compared {checked}")
sys.exit(1 if failures or checked < 9 else 0)
PY
check "every video agrees with ffprobe" 0 $?

# what the generator wrote
media_of() { q "$WORK/case" "SELECT $2 FROM media m JOIN files f ON f.content_id = m.content_id WHERE f.path = '$1'"; }
check "MP4: the place from loci (16.16 fixed point)" "48.8577|2.295" \
	"$(media_of /generated/gps_rotated.mp4 "printf('%.4f|%.3f', latitude, longitude)")"
check "MP4: the rotation from the tkhd matrix" 90 "$(media_of /generated/gps_rotated.mp4 rotation)"
ffrot=$(ffprobe -v error -show_streams "$gen/gps_rotated.mp4" | awk -F= '/^rotation=/ {print $2; exit}')
check "ffprobe reads the same rotation (counter-clockwise, so -90)" -90 "$ffrot"
check "MP4: the creation time (mvhd, UTC)" "2021-03-04T05:06:07Z" \
	"$(q "$WORK/case" "SELECT created FROM v_media WHERE path = '/generated/gps_rotated.mp4'")"
check "MOV: the place from ©xyz, exactly" "48.8577|2.295|TestMake|TestModel" \
	"$(q "$WORK/case" "SELECT latitude, longitude, make, model FROM v_media WHERE path = '/generated/gps.mov'")"
check "MOV: Apple keys" "-33.8688|151.2093|Apple|iPhone 12" \
	"$(q "$WORK/case" "SELECT latitude, longitude, make, model FROM v_media WHERE path = '/generated/keys.mov'")"
if [ -f "$tree/corpus/test_videoFlv.flv" ]; then
	check "IPED's FLV: 256x144, 36.931 s" "256|144|36.931" \
		"$(q "$WORK/case" "SELECT width, height, duration_s FROM v_media WHERE path = '/corpus/test_videoFlv.flv'")"
	check "sample.jpg: Canon EOS 10D" "image|600|400|Canon|Canon EOS 10D|Adobe Photoshop CS Macintosh" \
		"$(q "$WORK/case" "SELECT kind, width, height, make, model, software FROM v_media WHERE path = '/corpus/sample.jpg'")"
	check "sample.jpg's EXIF thumbnail is an item of its own, described too" "jpeg|mjpeg" \
		"$(q "$WORK/case" "SELECT container, codec FROM v_media WHERE path = '/corpus/sample.jpg/exif-thumbnail.jpg'")"
fi
check "v_media has the preview columns, empty without the media-pdq plugin" "0" \
	"$(q "$WORK/case" "SELECT count(*) FROM v_media WHERE pdq IS NOT NULL OR pdq_quality IS NOT NULL OR thumbnail IS NOT NULL")"

# every hostile file: a clear error from a media plugin, naming an offset
for f in "$tree"/hostile/*; do
	name=$(basename "$f")
	n=$(q "$WORK/case" "SELECT count(*) FROM v_errors WHERE item = '/hostile/$name' AND plugin IN ('video-metadata', 'image-metadata') AND offset >= 0")
	if [ "${n:-0}" -ge 1 ]; then pass "hostile $name: $(q "$WORK/case" "SELECT message FROM v_errors WHERE item = '/hostile/$name' AND offset >= 0 LIMIT 1")"
	else fail "hostile $name: no error with an offset in v_errors"; fi
done
check "the 10 GB claim is named" 1 \
	"$(q "$WORK/case" "SELECT count(*) > 0 FROM v_errors WHERE item = '/hostile/claims_10GB.mp4' AND message LIKE '%declares 10737418240 bytes%'")"
check "the EXIF loop is named" 1 \
	"$(q "$WORK/case" "SELECT count(*) > 0 FROM v_errors WHERE item = '/hostile/exif_loop.jpg' AND message LIKE '%loop%'")"
check "truncated videos still describe what is readable" 1 \
	"$(q "$WORK/case" "SELECT count(*) > 0 FROM v_media WHERE path = '/hostile/cut_2_mkv.mkv' AND width = 160")"
finish

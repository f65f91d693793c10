#!/bin/sh
# make_carve_video_seeds.sh SRCDIR — (re)make the seed corpora of the
# video carvers' fuzz targets (tests/fuzz/corpus/carve_<format>/): tiny
# files from ffmpeg (a 64x48 test pattern and a tone, a fraction of a
# second, bit-exact), each also cut short and with its middle overwritten,
# so the fuzzer starts from whole, truncated and broken files.
set -eu
src=${1:-.}
corpus="$src/tests/fuzz/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make_seed() { # DIR NAME ARGS...
	dir="$corpus/$1"; name=$2; shift 2
	mkdir -p "$dir"
	ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=64x48:rate=10:duration=0.4 \
		-f lavfi -i sine=frequency=440:sample_rate=8000:duration=0.4 "$@" \
		-fflags +bitexact -flags:v +bitexact -flags:a +bitexact "$tmp/$name"
	cp "$tmp/$name" "$dir/$name"
	python3 - "$tmp/$name" "$dir" "$name" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
dir, name = sys.argv[2], sys.argv[3]
open(f'{dir}/cut-{name}', 'wb').write(data[: len(data) * 2 // 3])
mid = bytearray(data)
for i in range(len(mid) // 2, min(len(mid), len(mid) // 2 + 256)):
    mid[i] = (i * 151 + 7) & 0xff
open(f'{dir}/damaged-{name}', 'wb').write(bytes(mid))
EOF
}

make_seed carve_mp4 h264_aac.mp4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -threads 1 -c:a aac -b:a 16k
make_seed carve_mp4 faststart.mp4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -threads 1 -an -movflags +faststart
make_seed carve_mp4 fragmented.mp4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -threads 1 -an -movflags frag_keyframe+empty_moov
make_seed carve_mp4 h263.3gp -c:v h263 -s 128x96 -an
make_seed carve_mp4 mjpeg.mov -c:v mjpeg -q:v 31 -an
make_seed carve_avi mpeg4_pcm.avi -c:v mpeg4 -c:a pcm_u8
make_seed carve_avi tone.wav -vn -c:a pcm_u8
make_seed carve_mkv h264.mkv -c:v libx264 -preset ultrafast -pix_fmt yuv420p -threads 1 -an
make_seed carve_mkv live.webm -c:v libvpx -an -live 1
make_seed carve_flv flv1_mp3.flv -c:v flv -c:a libmp3lame -ar 11025 -b:a 8k
make_seed carve_flv h264.flv -c:v libx264 -preset ultrafast -pix_fmt yuv420p -threads 1 -an
make_seed carve_mpegts mpeg2.ts -c:v mpeg2video -an
make_seed carve_mpegts h264.m2ts -c:v libx264 -preset ultrafast -pix_fmt yuv420p -threads 1 -an -f mpegts -mpegts_m2ts_mode 1
make_seed carve_asf wmv2.wmv -c:v wmv2 -c:a wmav2 -b:a 24k
echo "seeds made under $corpus/carve_*"

#!/bin/sh
# make_pdq_seeds.sh — (re)make the seed corpora of the media-pdq fuzz
# targets in tests/fuzz/corpus/pdq_*/: tiny pictures and videos generated
# with ffmpeg from its test patterns (nothing from elsewhere), small so
# that each run decodes fast.  The committed seeds were made with this.
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus
ff() { ffmpeg -nostdin -v error -y "$@"; }
pat="testsrc2=size=48x32:rate=4"
for t in jpeg png gif mp4 matroska; do mkdir -p "$out/pdq_$t"; done
ff -f lavfi -i "$pat" -frames:v 1 "$out/pdq_jpeg/testsrc.jpg"
ff -f lavfi -i "$pat" -frames:v 1 -q:v 20 -vf format=gray "$out/pdq_jpeg/grey.jpg"
ff -f lavfi -i "$pat" -frames:v 1 -c:v mjpeg -huffman 0 -pix_fmt yuvj444p "$out/pdq_jpeg/yuv444.jpg"
ff -f lavfi -i "$pat" -frames:v 1 "$out/pdq_png/testsrc.png"
ff -f lavfi -i "$pat" -frames:v 1 -pix_fmt pal8 "$out/pdq_png/palette.png"
ff -f lavfi -i "$pat" -frames:v 1 -pix_fmt rgba "$out/pdq_png/rgba.png"
ff -f lavfi -i "$pat" -frames:v 3 "$out/pdq_gif/animated.gif"
ff -f lavfi -i "$pat" -t 2 -c:v libx264 -preset ultrafast -g 4 "$out/pdq_mp4/h264.mp4"
ff -f lavfi -i "$pat" -t 2 -c:v mpeg4 -g 4 "$out/pdq_mp4/mpeg4.mp4"
ff -f lavfi -i "$pat" -t 2 -c:v libvpx -b:v 50k "$out/pdq_matroska/vp8.mkv"
ff -f lavfi -i "$pat" -t 2 -c:v mjpeg "$out/pdq_matroska/mjpeg.mkv"
# media-preview's targets start from the same pictures and videos.
for t in jpeg mp4; do mkdir -p "$out/preview_$t"; cp "$out/pdq_$t"/* "$out/preview_$t/"; done

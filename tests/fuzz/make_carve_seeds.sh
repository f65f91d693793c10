#!/bin/sh
# make_carve_seeds.sh OUTDIR — the seed files of the image carvers' fuzz
# targets: OUTDIR/carve_<format>/<seed>, tiny images (16x12 pixels) made
# by ffmpeg, cjpeg/jpegtran (libjpeg-turbo-progs), heif-enc
# (libheif-examples), avifenc (libavif-bin) and tiffcp (libtiff-tools).
# The committed seeds in tests/fuzz/corpus/ were made by this script; run
# it again to remake them:
#
#     sh tests/fuzz/make_carve_seeds.sh tests/fuzz/corpus
set -eu
out=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/carve-seeds-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
q="-v error -y -fflags +bitexact -flags:v +bitexact"

ffmpeg $q -f lavfi -i testsrc2=size=16x12:rate=1 -frames:v 1 -update 1 -pix_fmt rgb24 "$tmp/src.png"
ffmpeg $q -i "$tmp/src.png" "$tmp/src.ppm"
for f in jpeg png gif bmp webp heif tiff; do mkdir -p "$out/carve_$f"; done

ffmpeg $q -i "$tmp/src.png" -pix_fmt yuvj420p "$out/carve_jpeg/ffmpeg.jpg"
cjpeg -restart 1 -outfile "$out/carve_jpeg/restart.jpg" "$tmp/src.ppm"
cjpeg -progressive -outfile "$out/carve_jpeg/progressive.jpg" "$tmp/src.ppm"
cjpeg -arithmetic -outfile "$out/carve_jpeg/arithmetic.jpg" "$tmp/src.ppm"

ffmpeg $q -i "$tmp/src.png" "$out/carve_png/rgb.png"
ffmpeg $q -f lavfi -i testsrc=size=16x12:rate=5 -frames:v 3 -plays 0 -f apng "$out/carve_png/anim.png"

ffmpeg $q -f lavfi -i testsrc=size=16x12:rate=5 -frames:v 3 "$out/carve_gif/anim.gif"

ffmpeg $q -i "$tmp/src.png" -vf scale=15:12 -pix_fmt bgr24 "$out/carve_bmp/bgr24.bmp"
ffmpeg $q -i "$tmp/src.png" -pix_fmt pal8 "$out/carve_bmp/pal8.bmp"

ffmpeg $q -i "$tmp/src.png" -c:v libwebp "$out/carve_webp/lossy.webp"
ffmpeg $q -f lavfi -i testsrc=size=16x12:rate=5 -frames:v 3 -c:v libwebp_anim -loop 0 \
	"$out/carve_webp/anim.webp"

heif-enc -q 30 "$tmp/src.png" -o "$out/carve_heif/image.heic" >/dev/null
avifenc "$tmp/src.png" "$out/carve_heif/image.avif" >/dev/null

ffmpeg $q -i "$tmp/src.png" "$out/carve_tiff/ffmpeg.tif"
tiffcp -8 "$out/carve_tiff/ffmpeg.tif" "$out/carve_tiff/bigtiff.tif"
tiffcp -t -w 16 -l 16 "$out/carve_tiff/ffmpeg.tif" "$out/carve_tiff/tiled.tif"

#!/bin/sh
# tests/bench/carve_images.sh — data_check throughput of every image carver
# (plugins/carve-images) on at least 100 MB of valid files each.
#
# Run from the build directory after `make check` (which builds
# tests/bench/carve_images_bench).  It makes the files once, cached under
# ${EXHIBIT_BENCH_DIR:-bench-work}/carve-images (about 700 MB; ffmpeg,
# cjpeg/jpegtran, heif-enc and tiffcp from the Debian packages ffmpeg,
# libjpeg-turbo-progs, libheif-examples, libtiff-tools; a few minutes),
# then prints one line per carver: MB/s of CPU time over the file bytes
# (the bytes a carver skips count: the host does not read them), the
# bytes data_check was actually handed, and how many files were not
# carved whole.  Files are reused in rounds until 100 MB went through.
# A measurement, not a test: it exits 0 whatever the rates.
set -eu

bench=${EXHIBIT_BUILDDIR:-.}/tests/bench/carve_images_bench
[ -x "$bench" ] || { echo "carve_images.sh: build $bench first (make check)" >&2; exit 1; }
dir=${EXHIBIT_BENCH_DIR:-bench-work}/carve-images
min_mb=${CARVE_BENCH_MB:-100}
q="-v error -y"
mkdir -p "$dir"

if [ ! -f "$dir/.made" ]; then
	echo "carve_images.sh: making the files in $dir (once)"
	for tool in ffmpeg cjpeg jpegtran heif-enc tiffcp; do
		command -v $tool >/dev/null || { echo "carve_images.sh: $tool is missing" >&2; exit 2; }
	done
	# JPEG: 8 Mpixel noisy frames (the densest entropy data), progressive
	# and restart-interval copies, smoother 2 Mpixel frames
	ffmpeg $q -f lavfi -i "testsrc2=size=3264x2448:rate=10,noise=alls=12:allf=t" -frames:v 16 \
		-q:v 2 -pix_fmt yuvj420p "$dir/a_%02d.jpg"
	ffmpeg $q -f lavfi -i "mandelbrot=size=1920x1080:rate=10" -frames:v 16 -q:v 3 \
		-pix_fmt yuvj422p "$dir/b_%02d.jpg"
	ffmpeg $q -f lavfi -i "cellauto=size=1920x1080:rate=10,noise=alls=20:allf=t" -frames:v 16 \
		-q:v 4 -pix_fmt yuvj444p "$dir/c_%02d.jpg"
	for i in 01 02 03 04 05 06; do
		jpegtran -progressive -outfile "$dir/p_$i.jpg" "$dir/a_$i.jpg"
		jpegtran -restart 4 -optimize -outfile "$dir/r_$i.jpg" "$dir/c_$i.jpg"
	done
	# PNG, BMP, TIFF, WebP: 2 Mpixel frames with noise
	ffmpeg $q -f lavfi -i "testsrc2=size=1921x1080:rate=10,noise=alls=10:allf=t" -frames:v 8 \
		-pix_fmt rgb24 "$dir/f_%02d.png"
	for i in 01 02 03 04 05 06 07 08; do
		ffmpeg $q -i "$dir/f_$i.png" -pix_fmt bgr24 "$dir/f_$i.bmp"
		ffmpeg $q -i "$dir/f_$i.png" -compression_algo lzw "$dir/f_$i.tif"
		ffmpeg $q -i "$dir/f_$i.png" -c:v libwebp -lossless 1 "$dir/f_$i.webp"
	done
	tiffcp "$dir/f_01.tif" "$dir/f_02.tif" "$dir/f_03.tif" "$dir/pages.tif"
	# GIF: an animation
	ffmpeg $q -f lavfi -i "testsrc2=size=640x480:rate=10,noise=alls=8:allf=t" -frames:v 100 \
		"$dir/anim.gif"
	# HEIF and AVIF: a few images, encoding is slow
	for i in 01 02 03; do
		heif-enc -q 90 "$dir/f_$i.png" -o "$dir/h_$i.heic" >/dev/null
	done
	heif-enc -q 80 --avif "$dir/f_04.png" -o "$dir/h_04.avif" >/dev/null
	touch "$dir/.made"
fi

"$bench" jpeg "$min_mb" "$dir"/*.jpg
"$bench" png "$min_mb" "$dir"/*.png
"$bench" gif "$min_mb" "$dir"/*.gif
"$bench" bmp "$min_mb" "$dir"/*.bmp
"$bench" webp "$min_mb" "$dir"/*.webp
"$bench" heif "$min_mb" "$dir"/*.heic "$dir"/*.avif
"$bench" tiff "$min_mb" "$dir"/*.tif

#!/bin/bash
# carve_png.sh — carve-png checks each image's data as a deflate stream of
# the size its header calls for: PNG files of every colour type, bit depth
# and interlacing, under every zlib level and strategy, are carved whole
# and byte-exact from raw space; files whose data is short (with valid
# CRCs) are not whole.  The files are written by png_variants.py and
# decoded by ffmpeg (when there) to show they are what PNG says.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

: "${EXHIBIT_BUILD_DIR:?run through make check}"
python3 "$EXHIBIT_SOURCE_DIR/tests/integration/png_variants.py" "$WORK/png.img" "$WORK/png.expected" \
	"$WORK/png"
total=$(wc -l < "$WORK/png.expected")

if command -v ffmpeg >/dev/null; then
	undecoded=0
	for f in "$WORK"/png/ct*.png; do
		[[ -z $(ffmpeg -v error -f png_pipe -i "$f" -f null - 2>&1) ]] || undecoded=$((undecoded + 1))
	done
	check "ffmpeg decodes every whole variant without a complaint" 0 "$undecoded"
else
	echo "# SKIP: ffmpeg is not installed: the variants are not decoded"
fi

STATUS=0
"$EXHIBIT" process "$WORK/png.img" --case "$WORK/case" --carve-all --quiet --no-default-plugins \
	--plugin-dir "$EXHIBIT_BUILD_DIR/plugins/carve-images/.libs" --carvers carve-png \
	>"$WORK/out" 2>"$WORK/err" || STATUS=$?
check "exit status 1 (no file system: recorded)" 1 "$STATUS"
q "$WORK/case" "SELECT offset, length, validated, sha256 FROM v_carved" | tr '|' ' ' >"$WORK/rows"
exact=0 short_whole=0 missed=""
while read -r off len sha name; do
	if [[ $name == short* ]]; then
		grep -q "^$off [0-9]* 1 " "$WORK/rows" && short_whole=$((short_whole + 1))
	elif grep -q "^$off $len 1 $sha\$" "$WORK/rows"; then
		exact=$((exact + 1))
	else
		missed+=" $name"
	fi
done <"$WORK/png.expected"
check "every variant carved whole and byte-exact ($((total - 3)) files)${missed:+; missed:$missed}" \
	$((total - 3)) "$exact"
check "no file with short image data is whole" 0 "$short_whole"
finish

#!/bin/bash
# carving_resume.sh — kill -9 while exhibit process carves, resume, and
# the case ends with the same rows as an uninterrupted run: every carved
# file once, the same byte runs and content, and a chain of custody that
# verifies.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

: "${EXHIBIT_TEST_PLUGIN_DIR:?run through make check}"
plugins="$WORK/plugins"
mkdir -p "$plugins"
cp "$EXHIBIT_TEST_PLUGIN_DIR/toycarver.so" "$plugins/"
count=2500
python3 "$EXHIBIT_SOURCE_DIR/tests/integration/carving_images.py" many "$WORK/many.img" $count

run() { # CASE JOBS
	"$EXHIBIT" process "$WORK/many.img" --case "$1" --quiet --jobs "$2" --no-image-hash \
		--no-default-plugins --plugin-dir "$plugins" >/dev/null 2>&1
}

rows="SELECT stream, carver, offset, length, fragments, validated, sha256, path FROM v_carved ORDER BY offset"
extra="SELECT (SELECT count(*) FROM files) || '/' || (SELECT count(*) FROM content) || '/' ||
       (SELECT count(*) FROM data_runs) || '/' || (SELECT count(*) FROM carved) || '/' ||
       (SELECT count(*) FROM errors) || '/' ||
       (SELECT count(*) FROM (SELECT image_offset FROM carved GROUP BY evidence_id, stream, image_offset, carver HAVING count(*) > 1))"
start=$(date +%s%N)
run "$WORK/whole" 2
span_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "uninterrupted run: every planted file carved" $count "$(q "$WORK/whole" "SELECT count(*) FROM carved WHERE validated = 1")"
whole_rows=$(q "$WORK/whole" "$rows" | md5sum)
whole_extra=$(q "$WORK/whole" "$extra")
seed=${EXHIBIT_RESUME_SEED:-$$}
RANDOM=$seed
echo "carving_resume: random seed $seed; a whole run takes ${span_ms} ms"
killed=0
identical=0
for attempt in 1 2 3 4 5; do
	rm -rf "$WORK/resumed"
	"$EXHIBIT" process "$WORK/many.img" --case "$WORK/resumed" --quiet --jobs 1 --no-image-hash \
		--no-default-plugins --plugin-dir "$plugins" >/dev/null 2>&1 &
	pid=$!
	target=$(( 1 + RANDOM % (count - 1) ))
	for _ in $(seq 1 4000); do
		[ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || break
		n=$(sqlite3 "file:$WORK/resumed/case.db?mode=ro" "SELECT count(*) FROM carved" 2>/dev/null || echo 0)
		[ "${n:-0}" -ge "$target" ] && break
		sleep 0.005
	done
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
	if [ -n "$state" ] && [ "$state" != Z ] && kill -9 "$pid" 2>/dev/null; then
		killed=$((killed + 1))
		how="killed with $(q "$WORK/resumed" "SELECT count(*) FROM carved" 2>/dev/null || echo 0) of $count carved"
	else
		how="finished before the kill"
	fi
	wait "$pid" 2>/dev/null
	run "$WORK/resumed" 2
	if [ "$(q "$WORK/resumed" "$rows" | md5sum)" = "$whole_rows" ] &&
	   [ "$(q "$WORK/resumed" "$extra")" = "$whole_extra" ] &&
	   "$EXHIBIT" verify "$WORK/resumed" > "$WORK/verify.out" 2>&1; then
		identical=$((identical + 1))
		echo "carving_resume: attempt $attempt $how; resumed: identical"
	else
		fail "attempt $attempt ($how): the resumed case differs: $(q "$WORK/resumed" "$extra") vs $whole_extra"
		grep FAIL "$WORK/verify.out" 2>/dev/null | head -3
	fi
done
if [ "$killed" -ge 3 ]; then pass "$killed of 5 runs were killed while carving"; else fail "only $killed of 5 runs were killed while carving"; fi
check "every resumed case equals the uninterrupted run and verifies" 5 "$identical"
finish

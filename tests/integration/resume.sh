#!/bin/bash
# resume.sh — kill -9 at random moments during a run on the example image,
# ten times, resuming each time; the final case must equal an uninterrupted
# run, with nothing recorded twice.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

images="$WORK/images"
if ! bash "$EXHIBIT_SOURCE_DIR/examples/build-training-image.sh" "$images" > "$WORK/build.log" 2>&1; then
	echo "SKIP: the training image cannot be built here: $(tail -1 "$WORK/build.log")"
	exit 77
fi
image="$images/training.E01"
start=$(date +%s%N)
process "$WORK/whole" "$image"
check "uninterrupted run" 0 "$STATUS"
span_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$span_ms" -gt 50 ] || span_ms=50

view="SELECT partition_offset, path, name, meta_addr, type, size, allocated, mtime, atime, ctime,
      crtime, md5, sha1, sha256, mime_type, extension_mismatch, source FROM v_files ORDER BY path, partition_offset, meta_addr"
extra="SELECT (SELECT count(*) FROM content) || '/' || (SELECT count(*) FROM data_runs) || '/' ||
       (SELECT count(*) FROM app_databases) || '/' || (SELECT count(*) FROM app_database_tables) || '/' ||
       (SELECT count(*) FROM volumes) || '/' || (SELECT count(*) FROM unallocated) || '/' ||
       (SELECT count(*) FROM analyses) || '/' || (SELECT md5 FROM evidence)"
killed=0
identical=0
seed=${EXHIBIT_RESUME_SEED:-$$}
RANDOM=$seed
echo "resume: random seed $seed (set EXHIBIT_RESUME_SEED to replay); a whole run takes ${span_ms} ms"
whole_view=$(q "$WORK/whole" "$view" | md5sum)
whole_extra=$(q "$WORK/whole" "$extra")
# Ten independent kills at random moments of a run, each resumed.
for attempt in $(seq 1 10); do
	rm -rf "$WORK/resumed"
	delay_ms=$(( 10 + RANDOM % span_ms ))
	delay=$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))
	"$EXHIBIT" process "$image" --case "$WORK/resumed" --quiet \
		${EXHIBIT_PLUGIN_DIR:+--plugin-dir "$EXHIBIT_PLUGIN_DIR"} >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	# A finished run is a zombie until reaped; only a running one counts.
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
	if [ -n "$state" ] && [ "$state" != Z ] && kill -9 "$pid" 2>/dev/null; then
		killed=$((killed + 1))
		how="killed after ${delay}s with $(q "$WORK/resumed" "SELECT count(*) FROM files" 2>/dev/null || echo 0) rows committed"
	else
		how="finished before ${delay}s"
	fi
	wait "$pid" 2>/dev/null
	process "$WORK/resumed" "$image"
	if [ "$STATUS" = 0 ] && [ "$(q "$WORK/resumed" "$view" | md5sum)" = "$whole_view" ] &&
	   [ "$(q "$WORK/resumed" "$extra")" = "$whole_extra" ] &&
	   [ "$(q "$WORK/resumed" "SELECT count(*) FROM (SELECT evidence_id, walk_seq FROM files GROUP BY 1, 2 HAVING count(*) > 1)")" = 0 ]; then
		identical=$((identical + 1))
		echo "resume: attempt $attempt $how; resumed: identical"
	else
		fail "attempt $attempt ($how): the resumed case differs from the uninterrupted run (status $STATUS)"
	fi
done
if [ "$killed" -ge 7 ]; then pass "$killed of 10 runs were killed mid-way"; else fail "only $killed of 10 runs were killed mid-way (tests prove less)"; fi
check "every resumed case equals the uninterrupted run (v_files, content, runs, records, layout, image hash)" 10 "$identical"
finish

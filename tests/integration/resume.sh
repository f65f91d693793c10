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
seed=${EXHIBIT_RESUME_SEED:-$$}
RANDOM=$seed
echo "resume: random seed $seed (set EXHIBIT_RESUME_SEED to replay)"
for attempt in $(seq 1 10); do
	delay_ms=$(( 20 + RANDOM % span_ms ))
	delay=$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))
	"$EXHIBIT" process "$image" --case "$WORK/resumed" --quiet --jobs 2 \
		${EXHIBIT_PLUGIN_DIR:+--plugin-dir "$EXHIBIT_PLUGIN_DIR"} >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	# A finished run is a zombie until reaped; only a running one counts.
	if [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] && kill -9 "$pid" 2>/dev/null; then
		killed=$((killed + 1))
	fi
	wait "$pid" 2>/dev/null
	echo "resume: attempt $attempt killed after ${delay}s ($(q "$WORK/resumed" "SELECT count(*) FROM files" 2>/dev/null || echo 0) rows so far)"
done
process "$WORK/resumed" "$image"
check "the resumed run finishes cleanly" 0 "$STATUS"
if [ "$killed" -ge 5 ]; then pass "$killed of 10 runs were killed mid-way"; else fail "only $killed of 10 runs were killed mid-way (machine too fast? tests prove less)"; fi
check "v_files equals the uninterrupted run" "$(q "$WORK/whole" "$view" | md5sum)" "$(q "$WORK/resumed" "$view" | md5sum)"
check "content, runs, records, layout and image hash equal the uninterrupted run" \
	"$(q "$WORK/whole" "$extra")" "$(q "$WORK/resumed" "$extra")"
check "nothing recorded twice" 0 "$(q "$WORK/resumed" "SELECT count(*) FROM (SELECT evidence_id, walk_seq FROM files GROUP BY 1, 2 HAVING count(*) > 1)")"
finish

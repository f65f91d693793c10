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
# The example image, and beside it a disk of 4000 small files so that a
# run commits in several steps and can be caught half-way.
tree="$WORK/many"
mkdir -p "$tree"
for i in $(seq 1 4000); do printf 'small file %d\n' "$i" > "$tree/f$i.txt"; done
PATH=$PATH:/usr/sbin E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 1024 -N 5000 \
	-U 0a0b0c0d-1111-2222-3333-444455556666 -E hash_seed=0a0b0c0d-1111-2222-3333-444455556666 \
	-d "$tree" "$WORK/many.raw" 16M >/dev/null
image="$images/training.E01"
start=$(date +%s%N)
process "$WORK/whole" "$image" "$WORK/many.raw"
check "uninterrupted run" 0 "$STATUS"
span_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$span_ms" -gt 50 ] || span_ms=50

view="SELECT partition_offset, path, name, meta_addr, type, size, allocated, mtime, atime, ctime,
      crtime, md5, sha1, sha256, mime_type, extension_mismatch, source FROM v_files ORDER BY path, partition_offset, meta_addr"
extra="SELECT (SELECT count(*) FROM content) || '/' || (SELECT count(*) FROM data_runs) || '/' ||
       (SELECT count(*) FROM app_databases) || '/' || (SELECT count(*) FROM app_database_tables) || '/' ||
       (SELECT count(*) FROM volumes) || '/' || (SELECT count(*) FROM unallocated) || '/' ||
       (SELECT count(*) FROM analyses) || '/' || (SELECT group_concat(hex(md5)) FROM evidence)"
killed=0
identical=0
seed=${EXHIBIT_RESUME_SEED:-$$}
RANDOM=$seed
echo "resume: random seed $seed (set EXHIBIT_RESUME_SEED to replay); a whole run takes ${span_ms} ms"
whole_view=$(q "$WORK/whole" "$view" | md5sum)
whole_extra=$(q "$WORK/whole" "$extra")
total=$(q "$WORK/whole" "SELECT count(*) FROM files")
partial=0
# Ten independent kills, each resumed: three at a random moment of the
# first half of a run (often before anything is committed), seven as soon
# as a random number of rows is committed (a run caught half-way).
for attempt in $(seq 1 10); do
	rm -rf "$WORK/resumed"
	"$EXHIBIT" process "$image" "$WORK/many.raw" --case "$WORK/resumed" --quiet --jobs 1 \
		${EXHIBIT_PLUGIN_DIR:+--plugin-dir "$EXHIBIT_PLUGIN_DIR"} >/dev/null 2>&1 &
	pid=$!
	if [ "$attempt" -le 3 ]; then
		delay_ms=$(( 10 + RANDOM % (span_ms / 2) ))
		sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
	else
		target=$(( 1 + RANDOM % (total - 1) ))
		for _ in $(seq 1 2000); do
			[ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || break
			rows=$(sqlite3 "file:$WORK/resumed/case.db?mode=ro" "SELECT count(*) FROM files" 2>/dev/null || echo 0)
			[ "${rows:-0}" -ge "$target" ] && break
			sleep 0.005
		done
	fi
	# A finished run is a zombie until reaped; only a running one counts.
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
	if [ -n "$state" ] && [ "$state" != Z ] && kill -9 "$pid" 2>/dev/null; then
		killed=$((killed + 1))
		rows=$(q "$WORK/resumed" "SELECT count(*) FROM files" 2>/dev/null || echo 0)
		how="killed with ${rows:-0} of $total rows committed"
		if [ "${rows:-0}" -gt 0 ] && [ "${rows:-0}" -lt "$total" ]; then partial=$((partial + 1)); fi
	else
		how="finished before the kill"
	fi
	wait "$pid" 2>/dev/null
	process "$WORK/resumed" "$image" "$WORK/many.raw"
	if [ "$STATUS" = 0 ] && [ "$(q "$WORK/resumed" "$view" | md5sum)" = "$whole_view" ] &&
	   [ "$(q "$WORK/resumed" "$extra")" = "$whole_extra" ] &&
	   [ "$(q "$WORK/resumed" "SELECT count(*) FROM (SELECT evidence_id, walk_seq FROM files GROUP BY 1, 2 HAVING count(*) > 1)")" = 0 ] &&
	   "$EXHIBIT" verify "$WORK/resumed" > "$WORK/verify.out" 2>&1; then
		identical=$((identical + 1))
		echo "resume: attempt $attempt $how; resumed: identical"
	else
		fail "attempt $attempt ($how): the resumed case differs from the uninterrupted run (status $STATUS)"
		grep FAIL "$WORK/verify.out" 2>/dev/null | head -3
	fi
done
if [ "$partial" -ge 1 ]; then pass "$partial runs were killed with part of the case committed"; else fail "no run was caught with part of the case committed"; fi
if [ "$killed" -ge 6 ]; then pass "$killed of 10 runs were killed mid-way"; else fail "only $killed of 10 runs were killed mid-way (tests prove less)"; fi
check "every resumed case equals the uninterrupted run (v_files, content, runs, records, layout, image hash) and verifies under custody" 10 "$identical"
finish

#!/bin/bash
# training_image.sh — the bundled example evidence, raw and E01, against
# the answer key its builder writes: every file found with its size,
# allocation state and hashes; the E01's header and stored hash; raw and
# E01 giving the same case; the app databases recognised.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

images="$WORK/images"
if ! bash "$EXHIBIT_SOURCE_DIR/examples/build-training-image.sh" "$images" > "$WORK/build.log" 2>&1; then
	if grep -q "install" "$WORK/build.log"; then
		echo "SKIP: $(grep -m1 install "$WORK/build.log")"
		exit 77
	fi
	cat "$WORK/build.log"
	fail "the training image builds"
	finish
	exit 1
fi
pass "the training image builds"

process "$WORK/raw" "$images/training.raw"
check "raw: processed without problems" 0 "$STATUS"
process "$WORK/e01" "$images/training.E01"
check "E01: processed without problems" 0 "$STATUS"

key="$images/training.answers.tsv"
# Every allocated regular file of the key, with its hashes.
awk -F'\t' 'NR > 1 && $4 == "r" && $6 == 1 { print $1 "|/" $3 "|" $5 "|" $7 "|" $8 "|" $9 }' "$key" | sort > "$WORK/expected"
q "$WORK/raw" "SELECT partition_offset, path, size, md5, sha1, sha256 FROM v_files
               WHERE type = 'r' AND allocated = 1 AND source = 'fs'" | sort > "$WORK/actual"
missing=$(comm -23 "$WORK/expected" "$WORK/actual")
check "every allocated file of the answer key is found with its size and hashes" "" "$missing"
# Every entry of the key (directories, links, deleted files) by path and state.
awk -F'\t' 'NR > 1 { print $1 "|/" $3 "|" $4 "|" $6 }' "$key" | sort > "$WORK/expected-all"
q "$WORK/raw" "SELECT partition_offset, path, type, allocated FROM v_files" | sort > "$WORK/actual-all"
absent=$(comm -23 "$WORK/expected-all" "$WORK/actual-all" | grep -v '|0$' || true)
check "every allocated entry of the answer key is found" "" "$absent"
deleted=$(awk -F'\t' 'NR > 1 && $6 == 0' "$key" | wc -l)
found=$(q "$WORK/raw" "SELECT count(*) FROM v_files WHERE deleted = 1 AND path NOT LIKE '/\$OrphanFiles%'")
if [ "$found" -ge "$deleted" ]; then pass "deleted entries are found ($found >= $deleted in the key)"; else fail "deleted entries: $found found, $deleted in the key"; fi
recovered=$(q "$WORK/raw" "SELECT count(*) FROM v_files WHERE deleted = 1 AND type = 'r' AND sha256 IS NOT NULL")
if [ "$recovered" -gt 0 ]; then pass "deleted files' content is hashed ($recovered)"; else fail "no deleted file content hashed"; fi

raw_md5=$(cut -d' ' -f1 "$images/training.raw.md5")
check "raw: the image MD5 is recorded" "$raw_md5" "$(q "$WORK/raw" "SELECT md5 FROM v_evidence")"
check "E01: the stored MD5 is read and equals the re-hash" "$raw_md5|$raw_md5" "$(q "$WORK/e01" "SELECT stored_md5 || '|' || md5 FROM v_evidence")"
check "E01: case number, evidence number and examiner from its header" "EXH-TRAIN-001|EV-001|Training Examiner" \
	"$(q "$WORK/e01" "SELECT case_number || '|' || evidence_number || '|' || examiner FROM v_evidence")"
same="SELECT partition_offset, path, size, allocated, sha256, mime_type FROM v_files ORDER BY 1, 2, 3"
check "raw and E01 give the same files and hashes" "$(q "$WORK/raw" "$same" | md5sum)" "$(q "$WORK/e01" "$same" | md5sum)"

# One worker or many: the same case.
STATUS=0
"$EXHIBIT" process "$images/training.raw" --case "$WORK/one-job" --quiet --jobs 1 \
	${EXHIBIT_PLUGIN_DIR:+--plugin-dir "$EXHIBIT_PLUGIN_DIR"} >/dev/null 2>&1 || STATUS=$?
check "--jobs 1: processed without problems" 0 "$STATUS"
check "--jobs 1 gives the same files, hashes and app databases as every core" \
	"$(q "$WORK/raw" "$same; SELECT path, app, tables, rows FROM v_app_databases ORDER BY 1" | md5sum)" \
	"$(q "$WORK/one-job" "$same; SELECT path, app, tables, rows FROM v_app_databases ORDER BY 1" | md5sum)"

# The same disk split into segments, both naming schemes libtsk knows.
mkdir -p "$WORK/split"
split -b 30M "$images/training.raw" "$WORK/split/alpha."
split -b 30M -d -a 3 --numeric-suffixes=1 "$images/training.raw" "$WORK/split/numbered."
for first in alpha.aa numbered.001; do
	process "$WORK/c-$first" "$WORK/split/$first"
	check "split raw $first: processed without problems" 0 "$STATUS"
	check "split raw $first: all segments found, same image MD5" "split-raw|3|$raw_md5" \
		"$(q "$WORK/c-$first" "SELECT e.format || '|' || (length(e.segments) - length(replace(e.segments, char(10), '')) + 1) || '|' || v.md5
		                       FROM evidence e JOIN v_evidence v ON v.id = e.id")"
	check "split raw $first: the same files and hashes as the whole image" \
		"$(q "$WORK/raw" "$same" | md5sum)" "$(q "$WORK/c-$first" "$same" | md5sum)"
done

check "unpartitioned space is recorded for carving" 1 "$(q "$WORK/raw" "SELECT count(*) > 0 FROM unallocated WHERE kind = 'unpartitioned'")"
check "each file system's unallocated space is recorded" 2 "$(q "$WORK/raw" "SELECT count(DISTINCT fs_id) FROM unallocated WHERE kind = 'fs-unallocated'")"
check "data runs are recorded" 1 "$(q "$WORK/raw" "SELECT count(*) > 0 FROM data_runs WHERE image_offset IS NOT NULL")"
check "a PNG named .txt is flagged as an extension mismatch" 1 \
	"$(q "$WORK/raw" "SELECT count(*) > 0 FROM v_files WHERE extension_mismatch = 1 AND mime_type = 'image/png'")"
check "duplicates: one content row per unique content" \
	"$(q "$WORK/raw" "SELECT count(DISTINCT sha256) FROM v_files WHERE sha256 IS NOT NULL")" \
	"$(q "$WORK/raw" "SELECT count(*) FROM content")"
check "the renamed WhatsApp database is recognised by its schema" "WhatsApp" \
	"$(q "$WORK/raw" "SELECT app FROM v_app_databases WHERE path LIKE '%/backup.bin'")"
check "a database found at two places is analysed once and listed at both" "2|1" \
	"$(q "$WORK/raw" "SELECT count(*) || '|' || count(DISTINCT f.content_id) FROM v_app_databases v
	                  JOIN files f ON f.id = v.file_id WHERE v.path IN ('/Download/chats-old.db',
	                  '/data/data/com.android.providers.telephony/databases/mmssms.db')")"
check "the iOS SMS database is recognised" 1 \
	"$(q "$WORK/raw" "SELECT count(*) FROM v_app_databases WHERE path LIKE '%Library/SMS/sms.db' AND app IS NOT NULL")"
check "times are ISO-8601 UTC" 1 \
	"$(q "$WORK/raw" "SELECT count(*) > 0 FROM v_files WHERE mtime GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'")"

process "$WORK/raw" "$images/training.raw"
check "processing the same evidence again adds nothing" 0 "$STATUS"
check "the case still holds one evidence item" 1 "$(q "$WORK/raw" "SELECT count(*) FROM evidence")"
finish

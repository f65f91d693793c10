#!/bin/sh
# demo.sh — set everything up, build the training image from examples/,
# and process it (raw and E01) into a case, printing a summary and where
# the case is.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
"$top/scripts/setup-debian.sh" "$build"

images="$build/example-evidence"
if [ ! -f "$images/training.E01" ]; then
	echo "demo: building the training image in $images"
	"$top/examples/build-training-image.sh" "$images" >/dev/null
fi
case_dir="$build/example-case"
rm -rf "$case_dir"
echo "demo: processing $images/training.E01 into $case_dir"
# Every plugin of the build (an installed exhibit finds its own).
set --
for dir in "$build"/plugins/*/.libs; do
	set -- "$@" --plugin-dir "$dir"
done
status=0
"$build/exhibit" process "$images/training.E01" --case "$case_dir" "$@" || status=$?
echo
echo "Evidence as acquired and as re-hashed:"
sqlite3 -header -column "$case_dir/case.db" \
	"SELECT format, size, md5, stored_md5, case_number, examiner FROM v_evidence"
echo
echo "Chat and app databases found:"
sqlite3 -header -column "$case_dir/case.db" "SELECT path, app, tables, rows FROM v_app_databases"
echo
echo "Chat messages (exhibit search $case_dir QUERY searches them):"
sqlite3 -header -column "$case_dir/case.db" \
	"SELECT app, sender, sent, substr(body, 1, 40) AS body FROM v_messages ORDER BY sent LIMIT 10"
echo
echo "Deleted files still recoverable:"
sqlite3 -header -column "$case_dir/case.db" \
	"SELECT path, size, mime_type FROM v_files WHERE deleted = 1 AND type = 'r' LIMIT 10"
echo
echo "Carved from unallocated space and slack (no file-system entry left):"
sqlite3 -header -column "$case_dir/case.db" \
	"SELECT carver, offset, length, fragments, validated, mime_type,
	        CASE WHEN duplicates IS NULL THEN '' ELSE 'copy of file ' || duplicates END AS note
	 FROM v_carved ORDER BY offset LIMIT 15"
echo
echo "Chain of custody (exhibit custody $case_dir prints it):"
"$build/exhibit" verify "$case_dir" || status=1
echo
echo "The case is $case_dir/case.db (open it with sqlite3; views v_files, v_evidence, v_messages, v_carved, v_hash_hits, v_errors, v_custody)."
exit "$status"

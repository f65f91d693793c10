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
status=0
"$build/exhibit" process "$images/training.E01" --case "$case_dir" \
	--plugin-dir "$build/plugins/app-databases/.libs" || status=$?
echo
echo "Evidence as acquired and as re-hashed:"
sqlite3 -header -column "$case_dir/case.db" \
	"SELECT format, size, md5, stored_md5, case_number, examiner FROM v_evidence"
echo
echo "Chat and app databases found:"
sqlite3 -header -column "$case_dir/case.db" "SELECT path, app, tables, rows FROM v_app_databases"
echo
echo "Deleted files still recoverable:"
sqlite3 -header -column "$case_dir/case.db" \
	"SELECT path, size, mime_type FROM v_files WHERE deleted = 1 AND type = 'r' LIMIT 10"
echo
echo "The case is $case_dir/case.db (open it with sqlite3; views v_files, v_evidence, v_app_databases, v_errors)."
exit "$status"

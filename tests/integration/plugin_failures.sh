#!/bin/bash
# plugin_failures.sh — one plugin's failure never stops the run: a crash,
# a silent failure and a bad record are each recorded against the item and
# the plugin; a plugin of another ABI is refused by name; everything else
# is processed.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

plugins=${EXHIBIT_TEST_PLUGIN_DIR:?set EXHIBIT_TEST_PLUGIN_DIR (make check does)}
ev="$WORK/evidence"
mkdir -p "$ev"
for name in crash-1.txt ok-1.txt fail-1.txt badrecord-1.txt crash-2.txt ok-2.txt; do
	echo "content of $name" > "$ev/$name"
done
STATUS=0
"$EXHIBIT" process "$ev" --case "$WORK/case" --quiet --jobs 2 --no-default-plugins \
	--plugin-dir "$plugins" >"$WORK/out" 2>"$WORK/err" || STATUS=$?
check "the run completes, saying something was incomplete" 1 "$STATUS"
grep -q "wrong_abi.so: refused: built for plugin ABI version 5, this exhibit speaks version 4" "$WORK/err"
check "the plugin of another ABI is refused by name" 0 $?
check "every file is in the case" 6 "$(q "$WORK/case" "SELECT count(*) FROM v_files WHERE type = 'r'")"
check "every file is hashed" 6 "$(q "$WORK/case" "SELECT count(sha256) FROM v_files WHERE type = 'r'")"
check "each crash is recorded against its item and the plugin" \
	"/crash-1.txt|misbehaving|the plugin crashed (Segmentation fault) on this item; its results for it are dropped and the run goes on
/crash-2.txt|misbehaving|the plugin crashed (Segmentation fault) on this item; its results for it are dropped and the run goes on" \
	"$(q "$WORK/case" "SELECT item, plugin, message FROM v_errors WHERE item LIKE '/crash%' ORDER BY item")"
check "a silent failure is recorded" "/fail-1.txt|misbehaving|the plugin failed (code -1) without saying why" \
	"$(q "$WORK/case" "SELECT item, plugin, message FROM v_errors WHERE item LIKE '/fail%'")"
check "a record for a table plugins may not write is refused" "/badrecord-1.txt|misbehaving|no plugin record table named 'files'" \
	"$(q "$WORK/case" "SELECT item, plugin, message FROM v_errors WHERE item LIKE '/badrecord%'")"
check "the well-behaved items got their records" "ok-1.txt
ok-2.txt" "$(q "$WORK/case" "SELECT name FROM app_database_tables ORDER BY name")"
check "each failure is an analysis with status error" 4 \
	"$(q "$WORK/case" "SELECT count(*) FROM analyses WHERE plugin = 'misbehaving' AND status = 'error'")"
finish

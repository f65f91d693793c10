#!/bin/bash
# cli.sh — the command line: help, usage errors and their exit codes,
# plugin listing and refusal, refusing a case from a newer exhibit.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

out=$("$EXHIBIT" --help); check "--help exits 0" 0 $?
case $out in *"process IMAGE"*) pass "--help lists process" ;; *) fail "--help lists process" ;; esac
"$EXHIBIT" >/dev/null 2>&1; check "no command is a usage error" 2 $?
"$EXHIBIT" frobnicate >/dev/null 2>&1; check "unknown command is a usage error" 2 $?
"$EXHIBIT" process --case "$WORK/c" >/dev/null 2>&1; check "process without evidence" 2 $?
"$EXHIBIT" process /dev/null >/dev/null 2>&1; check "process without --case" 2 $?
"$EXHIBIT" process --help | grep -q -- '--jobs'; check "process --help documents --jobs" 0 $?

list=$("$EXHIBIT" plugins --no-default-plugins --plugin-dir "$EXHIBIT_PLUGIN_DIR")
case $list in *"app-databases"*analyzer*"application/vnd.sqlite3"*) pass "plugins lists app-databases and what it accepts" ;;
	*) fail "plugins lists app-databases: got [$list]" ;; esac

mkdir -p "$WORK/plugins"
cp "$EXHIBIT_PLUGIN_DIR"/*.so "$WORK/plugins/"
printf 'garbage' > "$WORK/plugins/broken.so"
err=$("$EXHIBIT" plugins --no-default-plugins --plugin-dir "$WORK/plugins" 2>&1 >/dev/null)
case $err in *"broken.so: refused"*) pass "a broken plugin is refused with its name" ;; *) fail "broken plugin message: [$err]" ;; esac
"$EXHIBIT" plugins --no-default-plugins --plugin-dir "$WORK/plugins" 2>/dev/null | grep -q app-databases
check "the other plugins still load" 0 $?

mkdir -p "$WORK/ev"
echo "hello" > "$WORK/ev/a.txt"
process "$WORK/case" "$WORK/ev"
check "a directory is accepted as evidence" 0 "$STATUS"
check "its file is hashed" "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" \
	"$(q "$WORK/case" "SELECT sha256 FROM v_files WHERE path = '/a.txt'")"
before=$(find "$WORK/ev" | sort)
process "$WORK/ev/case" "$WORK/ev"
check "a case inside directory evidence is refused" 2 "$STATUS"
grep -q "inside the evidence" "$WORK/ev/case.err"; check "and the message says why" 0 $?
rm -f "$WORK/ev/case.out" "$WORK/ev/case.err"
check "and nothing was written into the evidence" "$before" "$(find "$WORK/ev" | sort)"
q "$WORK/case" "PRAGMA user_version = 42" >/dev/null
process "$WORK/case" "$WORK/ev"
check "a case from a newer exhibit is refused" 3 "$STATUS"
grep -q "newer" "$WORK/case.err"; check "and the message says so" 0 $?

"$EXHIBIT" process "$WORK/ev" --case "$WORK/jsoncase" --json \
	${EXHIBIT_PLUGIN_DIR:+--plugin-dir "$EXHIBIT_PLUGIN_DIR"} > "$WORK/json.out" 2>&1
check "--json run exits 0" 0 $?
grep -q '^{"event":"summary"' "$WORK/json.out"; check "--json ends with a summary event" 0 $?
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$WORK/json.out"
check "--json output is JSON lines" 0 $?
# A database too large to copy into memory goes through a private file in
# the case's tmp/, which is gone afterwards; a WAL-mode header is fine.
mkdir -p "$WORK/bigdb"
sqlite3 "$WORK/bigdb/msgstore.db" "PRAGMA journal_mode = WAL;
	CREATE TABLE messages(_id INTEGER PRIMARY KEY, key_remote_jid TEXT, key_from_me INT, data TEXT, timestamp INT);
	CREATE TABLE chat_list(_id INTEGER PRIMARY KEY, key_remote_jid TEXT);
	WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 70000)
	INSERT INTO messages SELECT x, 'jid' || x, x % 2, printf('%.1000c', 'm'), x FROM c;
	PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
size=$(stat -c %s "$WORK/bigdb/msgstore.db")
if [ "$size" -gt $((64 << 20)) ]; then pass "the large database is over the in-memory limit ($size bytes)"; else fail "fixture too small: $size bytes"; fi
process "$WORK/bigcase" "$WORK/bigdb"
check "a large database is analysed" "WhatsApp|2|70000" "$(q "$WORK/bigcase" "SELECT app, tables, rows FROM v_app_databases")"
check "its private copy is removed" "" "$(ls -A "$WORK/bigcase/tmp" 2>/dev/null)"
finish

#!/bin/bash
# recovery.sh — open_sqlite_recovered through the real host: a plugin
# (tests/plugins/recovering.c) asks for the deleted rows of the databases
# it meets and records how many came back and from where; a database
# small enough to be read into memory and one over 64 MiB (read through a
# private mapped copy) give back every deleted row, the evidence is not
# touched, and no private copy is left behind.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"

plugins=${EXHIBIT_TEST_PLUGIN_DIR:?set EXHIBIT_TEST_PLUGIN_DIR (make check does)}
ev="$WORK/evidence"
mkdir -p "$ev"
sqlite3 "$ev/small.db" "PRAGMA secure_delete = OFF;
CREATE TABLE messages(id INTEGER PRIMARY KEY, body TEXT, sent INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO messages(body, sent) SELECT 'message number ' || i || ' to be read', 1700000000 + i FROM n;
DELETE FROM messages WHERE id % 10 = 0;"
# over 64 MiB: blobs spread over many pages, then every tenth message goes
sqlite3 "$ev/large.db" "PRAGMA secure_delete = OFF;
CREATE TABLE attachments(id INTEGER PRIMARY KEY, data BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100)
INSERT INTO attachments(data) SELECT zeroblob(65000) FROM n;
CREATE TABLE messages(id INTEGER PRIMARY KEY, body TEXT, sent INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO messages(body, sent) SELECT 'large message number ' || i || ' to be read', 1700000000 + i FROM n;
DELETE FROM messages WHERE id % 10 = 0;"
# how many deleted messages still have their text in a file (deleting
# makes SQLite merge pages, which overwrites some)
still_there() {
	n=0
	for i in $(seq 10 10 300); do
		grep -qa "message number $i to be read" "$1" && n=$((n + 1))
	done
	echo $n
}
small_left=$(still_there "$ev/small.db")
large_left=$(still_there "$ev/large.db")
check "most deleted messages are still in the files" 1 \
	"$([ "$small_left" -ge 20 ] && [ "$large_left" -ge 20 ] && echo 1 || echo 0)"
size=$(stat -c %s "$ev/large.db")
check "the large database is over 64 MiB" 1 "$([ "$size" -gt 67108864 ] && echo 1 || echo 0)"
before=$(sha256sum "$ev"/*.db)

STATUS=0
"$EXHIBIT" process "$ev" --case "$WORK/case" --quiet --jobs 2 --no-default-plugins \
	--plugin-dir "$plugins" >"$WORK/out" 2>"$WORK/err" || STATUS=$?
check "the run completes" 0 "$STATUS"
check "every deleted message still in the small database comes back, from free space" \
	"messages recovered|$small_left|freeblock,freelist,unallocated" \
	"$(q "$WORK/case" "SELECT t.name, t.rows, t.columns FROM app_database_tables t
	   JOIN files f ON f.content_id = t.content_id WHERE f.name = 'small.db' AND t.name LIKE 'messages%'")"
check "and of the large one, read through a private copy" "$large_left" \
	"$(q "$WORK/case" "SELECT t.rows FROM app_database_tables t
	   JOIN files f ON f.content_id = t.content_id WHERE f.name = 'large.db' AND t.name = 'messages recovered'")"
check "every table gets its recovered table" "attachments recovered
messages recovered" \
	"$(q "$WORK/case" "SELECT t.name FROM app_database_tables t
	   JOIN files f ON f.content_id = t.content_id WHERE f.name = 'large.db' ORDER BY 1")"
check "the evidence is untouched" "$before" "$(sha256sum "$ev"/*.db)"
check "no private copy is left in the case" "" "$(ls "$WORK/case/tmp" 2>/dev/null)"
finish

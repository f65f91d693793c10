#!/bin/bash
# chat_carved_fixtures.sh — the fixture database of every SQLite chat app
# (tests/support/chat_fixtures.c, written by chat_fixture_writer) deleted
# whole and carved (issue 5, acceptance 3).  The databases are written into
# a FAT16 image and deleted there (mdel: the entries are freed, the
# clusters stay); empty files then take the freed directory entries, so
# only carving finds them.  `exhibit process` carves them out of the
# unallocated blocks and the chat plugins read the carved copies: for every
# fixture, each message (each call, for apps that keep only calls) the live
# database gives appears once with recovered_from = 'carved' (the same in
# all its fields: time, text, sender, key, thread, extra), from a carved
# file that is the database byte for byte and starts where the database
# lies in the image; the broken rows some fixtures hold are reported as
# they are on the live files.  Needs no corpus.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"
export PATH="$PATH:/usr/sbin:/sbin"
for tool in mkfs.vfat mcopy mdel mdir python3 sqlite3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found (install dosfstools, mtools, python3 and sqlite3)"
		exit 77
	fi
done
if ! "$EXHIBIT" process --help | grep -q -- '--carve-all'; then
	echo "SKIP: this build does not carve"
	exit 77
fi
writer="${EXHIBIT_BUILD_DIR:-$EXHIBIT_SOURCE_DIR}/tests/support/chat_fixture_writer"
if [ ! -x "$writer" ]; then
	echo "SKIP: $writer is not built (make check builds it)"
	exit 77
fi
plugin_args=()
for d in "${EXHIBIT_BUILD_DIR:-$EXHIBIT_SOURCE_DIR}"/plugins/*/.libs; do
	[ -d "$d" ] && plugin_args+=(--plugin-dir "$d")
done
run() { # run CASE EVIDENCE: exhibit process with every plugin of the build
	STATUS=0
	"$EXHIBIT" process "$2" --case "$1" --quiet --no-default-plugins --no-hash-sets \
		"${plugin_args[@]}" >"$1.out" 2>"$1.err" || STATUS=$?
}

# The reference: the fixtures as live files of a directory.
mkdir -p "$WORK/live"
"$writer" "$WORK/live" >"$WORK/fixtures" 2>"$WORK/writer.err"
check "the fixtures are written" "0" "$?"
n_fixtures=$(wc -l <"$WORK/fixtures")
run "$WORK/live-case" "$WORK/live"
# Some fixtures hold broken rows on purpose (Discord's rows without a
# document, Twitter's undecodable data, ...): the plugins report them,
# and exhibit then ends with status 1.  Nothing else may be a problem.
problems() { # problems CASE: plugin|offset|message of each, sorted
	q "$1" "SELECT coalesce(plugin, 'host') || '|' || coalesce(\"offset\", '') || '|' ||
	        message FROM v_errors ORDER BY 1"
}
live_problems=$(problems "$WORK/live-case")
check "the live fixtures' only problems are the plugins' reports of broken rows" 0 \
	"$(q "$WORK/live-case" "SELECT count(*) FROM errors WHERE plugin IS NULL")"
want_status=0
[ -n "$live_problems" ] && want_status=1
check "the live fixtures are read" "$want_status" "$STATUS"

# records CASE WHERE: each message and call as app|time|text|who|key|
# thread|extra, sorted: a message without body (Twitter's) is still told
# by its key, thread and the strings extra holds.
records() {
	q "$1" "SELECT app || '|' || coalesce(sent, '') || '|' || coalesce(body, '') || '|' ||
	               coalesce(sender, '') || '|' || (SELECT m.message_key || '|' ||
	               coalesce(m.thread_id, '') || '|' || coalesce(m.extra, '')
	               FROM chat_messages m WHERE m.id = v_messages.id)
	        FROM v_messages WHERE $2
	        UNION ALL
	        SELECT app || '|' || coalesce(started, '') || '|' || coalesce(peer, '') || '|' ||
	               coalesce(direction, '') || '|' || (SELECT coalesce(c.call_id, '') || '|' ||
	               coalesce(c.thread_id, '') || '|' || coalesce(c.extra, '')
	               FROM chat_calls c WHERE c.id = v_calls.id)
	        FROM v_calls WHERE $2 ORDER BY 1"
}

# The image: FAT16 with 4 KiB clusters, written with mtools (no root, no
# holes), every fixture copied in, then deleted.
img="$WORK/deleted.img"
mkfs.vfat -C -F 16 -S 512 -s 8 -i 45584834 "$img" 24576 >/dev/null
check "the image builds" 0 $?
slots=0
while read -r plugin file; do
	MTOOLS_SKIP_CHECK=1 mcopy -i "$img" "$WORK/live/$file" "::/$file"
	slots=$((slots + 2 + ${#file} / 13))
done <"$WORK/fixtures"
while read -r plugin file; do
	MTOOLS_SKIP_CHECK=1 mdel -i "$img" "::/$file"
done <"$WORK/fixtures"
# Empty files take the freed directory entries (a long name takes one
# entry per 13 characters and one more): no deleted entry names a
# database any more, and an empty file takes no cluster.
: >"$WORK/empty"
for n in $(seq 1 "$slots"); do
	MTOOLS_SKIP_CHECK=1 mcopy -i "$img" "$WORK/empty" "::/e$n.txt"
done
check "the databases are deleted" "$slots" \
	"$(MTOOLS_SKIP_CHECK=1 mdir -b -i "$img" :: 2>/dev/null | wc -l)"

run "$WORK/case" "$img"
check "processed" "$want_status" "$STATUS"
check "the carved databases give the problems the live ones do, and no other" \
	"$live_problems" "$(problems "$WORK/case")"

while read -r plugin file; do
	f="$WORK/live/$file"
	sha=$(sha256sum "$f" | cut -d' ' -f1)
	# (a deleted entry may have lost the name's first character; a name
	# of one character, Discord's "a", is then only its own)
	rest=""
	[ ${#file} -gt 1 ] && rest="OR name LIKE '%${file:1}'"
	check "$plugin: no directory entry names $file any more" "0" \
		"$(q "$WORK/case" "SELECT count(*) FROM files WHERE source <> 'carved'
		                   AND (name = '$file' $rest)")"
	# Where the database lies in the image, found independently.
	want=$(python3 - "$f" "$img" <<'PY'
import sys
db = open(sys.argv[1], 'rb').read()
img = open(sys.argv[2], 'rb').read()
print(img.find(db[:65536]))
PY
)
	got=$(q "$WORK/case" "SELECT min(r.image_offset) FROM v_carved c
	                      JOIN data_runs r ON r.file_id = c.file_id AND r.seq = 0
	                      WHERE c.sha256 = '$sha'")
	check "$plugin: $file is carved byte-exact, at its offset in the image" "$want" "$got"
	# Its records: those of the live file, each from the carved copy.
	of_it="source_file_id IN (SELECT f.id FROM files f JOIN content c ON c.id = f.content_id
	                          WHERE hex(c.sha256) = upper('$sha'))"
	expected=$(records "$WORK/live-case" "recovered_from IS NULL AND $of_it")
	[ -n "$expected" ] && pass "$plugin: the live $file gives records" ||
		fail "$plugin: the live $file gives no record"
	check "$plugin: every record of $file comes back from the carved database, once" \
		"$expected" \
		"$(records "$WORK/case" "recovered_from = 'carved' AND $of_it")"
done <"$WORK/fixtures"
check "every fixture's app has carved records" "$n_fixtures" \
	"$(q "$WORK/case" "SELECT count(*) FROM (SELECT source_file_id FROM v_messages
	                   WHERE recovered_from = 'carved' UNION SELECT source_file_id
	                   FROM v_calls WHERE recovered_from = 'carved')")"
finish

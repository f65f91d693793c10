#!/bin/bash
# chat_carved.sh — chat databases deleted whole and carved (issue 5,
# acceptance 3): the corpus's mmssms.db, imessage_chat.db, skype_main.db
# and contacts2.db (Android's call log) are written into a small FAT16
# image and deleted there (mdel: the entries are freed, the clusters
# stay).  `exhibit process` carves them out of the unallocated blocks and
# the chat plugins read the carved copies: every message and every call
# the live databases hold appears once with recovered_from = 'carved', and
# its source file's byte run starts where the database lies in the image.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"
need_corpus
export PATH="$PATH:/usr/sbin:/sbin"
for tool in mkfs.vfat mcopy python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found (install dosfstools, mtools and python3)"
		exit 77
	fi
done
if ! "$EXHIBIT" process --help | grep -q -- '--carve-all'; then
	echo "SKIP: this build does not carve"
	exit 77
fi
dbs="plaso-chat/mmssms.db plaso-chat/imessage_chat.db plaso-chat/skype_main.db
	plaso-chat/contacts2.db"
for f in $dbs; do
	if [ ! -r "$CORPUS/$f" ]; then
		echo "SKIP: $CORPUS/$f is missing"
		exit 77
	fi
done
plugin_args=()
for d in "${EXHIBIT_BUILD_DIR:-$EXHIBIT_SOURCE_DIR}"/plugins/*/.libs; do
	[ -d "$d" ] && plugin_args+=(--plugin-dir "$d")
done
run() { # run CASE EVIDENCE: exhibit process with every plugin of the build
	STATUS=0
	"$EXHIBIT" process "$2" --case "$1" --quiet --no-default-plugins --no-hash-sets \
		"${plugin_args[@]}" >"$1.out" 2>"$1.err" || STATUS=$?
}

# The reference: the same databases as live files of a directory.
mkdir -p "$WORK/live"
for f in $dbs; do cp "$CORPUS/$f" "$WORK/live/"; done
run "$WORK/live-case" "$WORK/live"
check "the live databases are read" 0 "$STATUS"

# The image: FAT16 with 4 KiB clusters, written with mtools (no root, and
# no holes: mkfs.ext4 -d would store a database's zero pages as holes,
# which no device does), then each database deleted (mdel: the directory
# entry is marked free, the clusters stay).
img="$WORK/deleted.img"
mkfs.vfat -C -F 16 -S 512 -s 8 -i 45584833 "$img" 65536 >/dev/null
check "the image builds" 0 $?
for f in $dbs; do
	MTOOLS_SKIP_CHECK=1 mcopy -i "$img" "$CORPUS/$f" "::/$(basename "$f")"
done
for f in $dbs; do
	MTOOLS_SKIP_CHECK=1 mdel -i "$img" "::/$(basename "$f")"
done
# Empty files take the freed directory entries, as later files do on a
# phone: no deleted entry names the databases any more, only carving finds
# them (an empty file takes no cluster, so the databases' bytes stay).
: >"$WORK/empty"
for n in 1 2 3 4 5 6 7 8 9 10 11; do
	MTOOLS_SKIP_CHECK=1 mcopy -i "$img" "$WORK/empty" "::/empty$n.txt"
done
check "the databases are deleted" "11" \
	"$(MTOOLS_SKIP_CHECK=1 mdir -b -i "$img" :: 2>/dev/null | wc -l)"

run "$WORK/case" "$img"
check "processed" 0 "$STATUS"
check "no directory entry names a database any more" "0" \
	"$(q "$WORK/case" "SELECT count(*) FROM files WHERE source <> 'carved' AND name LIKE '%.db'")"

live_messages() {
	q "$WORK/live-case" "SELECT app || '|' || coalesce(sent, '') || '|' || coalesce(body, '')
	                     FROM v_messages WHERE recovered_from IS NULL ORDER BY 1"
}
carved_messages() {
	q "$WORK/case" "SELECT app || '|' || coalesce(sent, '') || '|' || coalesce(body, '')
	                FROM v_messages WHERE recovered_from = 'carved' ORDER BY 1"
}
expected=$(live_messages)
check "the reference has messages of the three apps" 3 \
	"$(q "$WORK/live-case" "SELECT count(DISTINCT app) FROM v_messages")"
check "every live message comes back from the carved databases, once" "$expected" \
	"$(carved_messages)"

# Calls (contacts2.db holds only calls; skype_main.db has one too): each
# as app|start|peer|direction|status|duration.
calls() { # calls CASE WHERE
	q "$1" "SELECT app || '|' || coalesce(started, '') || '|' || coalesce(peer, '') || '|' ||
	               direction || '|' || coalesce(status, '') || '|' || coalesce(duration, '')
	        FROM v_calls WHERE $2 ORDER BY 1"
}
expected=$(calls "$WORK/live-case" "recovered_from IS NULL")
check "the reference has the call log's 3 calls (plaso's count, MANIFEST.md)" 3 \
	"$(printf '%s\n' "$expected" | grep -c '^Android Call Log|')"
check "every live call comes back from the carved databases, once" "$expected" \
	"$(calls "$WORK/case" "recovered_from = 'carved'")"

# Where each carved database lies in the image, found independently.
for f in $dbs; do
	b=$(basename "$f")
	want=$(python3 - "$CORPUS/$f" "$img" <<'PY'
import sys
db = open(sys.argv[1], 'rb').read()
img = open(sys.argv[2], 'rb').read()
print(img.find(db[:65536]))
PY
)
	sha=$(sha256sum "$CORPUS/$f" | cut -d' ' -f1)
	got=$(q "$WORK/case" "SELECT min(r.image_offset) FROM v_carved c
	                      JOIN data_runs r ON r.file_id = c.file_id AND r.seq = 0
	                      WHERE c.sha256 = '$sha'")
	check "$b is carved byte-exact, at its offset in the image" "$want" "$got"
	app_records=$(q "$WORK/case" "SELECT count(*) FROM (SELECT source_file_id FROM v_messages
	                              WHERE recovered_from = 'carved' UNION ALL
	                              SELECT source_file_id FROM v_calls
	                              WHERE recovered_from = 'carved') m
	                              JOIN files f ON f.id = m.source_file_id
	                              JOIN content c ON c.id = f.content_id
	                              WHERE hex(c.sha256) = upper('$sha')")
	[ "$app_records" -gt 0 ] && pass "$b: its records point at the carved file" ||
		fail "$b: no record points at the carved file"
done
finish

#!/bin/bash
# chat_deleted.sh — deleted messages through the real host: a copy of the
# corpus's mmssms.db with three SMS deleted (secure_delete off) and one
# edited in place, inside a small ext4 image (mkfs.ext4 -d, deterministic),
# through `exhibit process`: the deleted ones appear in v_messages once
# each, deleted = 1, with recovered_from and the byte offset of their
# record; the live ones once each, deleted = 0, the edited one in its new
# version only (its older version, still in free space, may come back only
# as a record without key).
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"
need_corpus
export PATH="$PATH:/usr/sbin:/sbin"
if ! command -v mkfs.ext4 >/dev/null 2>&1; then
	echo "SKIP: mkfs.ext4 not found (install e2fsprogs)"
	exit 77
fi
if [ ! -r "$CORPUS/plaso-chat/mmssms.db" ]; then
	echo "SKIP: $CORPUS/plaso-chat/mmssms.db is missing"
	exit 77
fi
plugin_args=()
for d in "${EXHIBIT_BUILD_DIR:-$EXHIBIT_SOURCE_DIR}"/plugins/android-sms/.libs; do
	[ -d "$d" ] && plugin_args+=(--plugin-dir "$d")
done

tree="$WORK/tree"
db="$tree/data/com.android.providers.telephony/databases/mmssms.db"
mkdir -p "$(dirname "$db")"
cp "$CORPUS/plaso-chat/mmssms.db" "$db"
deleted=$(sqlite3 -batch "$db" "SELECT body FROM sms WHERE _id IN (2, 5, 7) ORDER BY body")
older=$(sqlite3 -batch "$db" "SELECT replace(body, '''', '''''') FROM sms WHERE _id = 3")
sqlite3 -batch "$db" "PRAGMA journal_mode = DELETE; PRAGMA secure_delete = OFF;
UPDATE sms SET body = body || ' (edited in place)' WHERE _id = 3;
DELETE FROM sms WHERE _id IN (2, 5, 7);" >/dev/null
check "the fixture: 3 deleted, 6 left" "6" "$(sqlite3 -batch "$db" "SELECT count(*) FROM sms")"
find "$tree" -exec touch -h -d @1700000000 {} +
uuid=0a0b0c0d-1111-2222-3333-444455556677
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 1024 -U "$uuid" -E hash_seed="$uuid" \
	-d "$tree" "$WORK/deleted.ext4" 4M >/dev/null
check "the image builds" 0 $?

case_dir="$WORK/case"
STATUS=0
"$EXHIBIT" process "$WORK/deleted.ext4" --case "$case_dir" --quiet --no-default-plugins \
	"${plugin_args[@]}" >"$WORK/process.out" 2>"$WORK/process.err" || STATUS=$?
check "processed" 0 "$STATUS"

# The edited message's older version is in free space too: it may come
# back, as a record of its own, only without a key (the freeblock header
# over its first bytes took its rowid: nothing ties it to the live row).
# Its SQL-quoted text is $older.
not_older="NOT (v.body = '$older' AND m.message_key = 'sms:-1')"
check "deleted messages: once each, flagged, with their origin" "$deleted" \
	"$(q "$case_dir" "SELECT v.body FROM v_messages v JOIN chat_messages m ON m.id = v.id
	                  WHERE v.deleted = 1 AND v.recovered_from IS NOT NULL
	                    AND m.recovered_offset > 0 AND $not_older ORDER BY v.body")"
check "the edited message's older version: at most once, never under its key" "0" \
	"$(q "$case_dir" "SELECT count(*) > 1 OR count(CASE WHEN m.message_key <> 'sms:-1' THEN 1 END)
	                  FROM v_messages v JOIN chat_messages m ON m.id = v.id
	                  WHERE v.recovered_from IS NOT NULL AND v.body = '$older'")"
# A freeblock's header overwrites a cell's first bytes, where the rowid
# is: the key then says the row is unknown (sms:-1), never another row.
check "their keys: their own row or unknown" "3" \
	"$(q "$case_dir" "SELECT count(*) FROM v_messages v JOIN chat_messages m ON m.id = v.id
	                  WHERE v.recovered_from IS NOT NULL AND $not_older
	                    AND m.message_key IN ('sms:2', 'sms:5', 'sms:7', 'sms:-1')")"
check "every recovered record is one of them" "3" \
	"$(q "$case_dir" "SELECT count(*) FROM v_messages v JOIN chat_messages m ON m.id = v.id
	                  WHERE v.recovered_from IS NOT NULL AND $not_older")"
check "their origin is a free block of a page of the sms table" "0" \
	"$(q "$case_dir" "SELECT count(*) FROM v_messages WHERE recovered_from IS NOT NULL
	                  AND recovered_from NOT LIKE 'freeblock page %'")"
check "live messages: once each, never flagged" "1|0|1
3|0|1
4|0|1
6|0|1
8|0|1
9|0|1" "$(q "$case_dir" "SELECT source_rowid, deleted, count(*) FROM v_messages
                          WHERE recovered_from IS NULL GROUP BY source_rowid ORDER BY source_rowid")"
check "the message edited in place, in its new version only" "1" \
	"$(q "$case_dir" "SELECT count(*) FROM v_messages WHERE source_rowid = 3 AND body LIKE '%(edited in place)'")"
check "no problem recorded" "0" "$(q "$case_dir" "SELECT count(*) FROM v_errors")"
finish

#!/bin/bash
# chat_wal_pairing.sh — a chat database and its uncheckpointed WAL, two
# files side by side in a disk image, are read together (core/worker.c,
# sqlite_sidecar.h): the Burner fixture (tests/support/chat_fixtures.c) is
# put in WAL mode, then, with checkpoints off, a message is added, one is
# added and deleted again, one is edited and two old ones are deleted; the
# database file and its -wal are copied while the connection is open (as
# a phone seized running leaves them).  Then:
#   - the message only the WAL holds comes out live;
#   - the one added and deleted in the WAL comes out recovered from a WAL
#     frame ("wal frame N ..."), its offset inside the -wal;
#   - the two old ones deleted come out recovered from the database file's
#     own copy of their page ("superseded": the database without its WAL);
#   - the edited one comes out once, live, in its new version;
#   - none is reported twice;
# and the same database without its -wal shows none of the WAL's work.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"
export PATH="$PATH:/usr/sbin:/sbin"
for tool in mkfs.vfat mcopy python3 sqlite3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found (install dosfstools, mtools, python3 and sqlite3)"
		exit 77
	fi
done
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

mkdir -p "$WORK/fixtures" "$WORK/seized"
"$writer" "$WORK/fixtures" >/dev/null
check "the fixtures are written" 0 $?
db=burners.sqlite
python3 - "$WORK/fixtures/$db" "$WORK/seized" <<'PY'
import shutil, sqlite3, sys
src, out = sys.argv[1], sys.argv[2]
con = sqlite3.connect(src, isolation_level=None)
for pragma in ("journal_mode = WAL", "wal_autocheckpoint = 0", "secure_delete = OFF"):
    con.execute("PRAGMA " + pragma)
def add(rowid, text):
    con.execute("INSERT INTO messages (_id, message_id, message, contact_phone_number,"
                " message_type, date_created, burner_id, direction) VALUES"
                " (?, ?, ?, '+19195550111', 2, 1669990000000 + ? * 1000, 'b-0001', 1)",
                (rowid, "m%d" % rowid, text, rowid))
add(500, "kept only in the WAL: meet at the north gate")
add(600, "added and deleted in the WAL: the spare key is under the mat")
con.execute("DELETE FROM messages WHERE _id = 600")
con.execute("UPDATE messages SET message = message || ' (edited in the WAL)' WHERE _id = 30")
con.execute("DELETE FROM messages WHERE _id IN (40, 41)")
# the files as they stand while the connection is open (closing checkpoints)
shutil.copyfile(src, out + "/burners.sqlite")
shutil.copyfile(src + "-wal", out + "/burners.sqlite-wal")
con.close()
PY
check "the database and its uncheckpointed WAL are made" 0 $?
check "the WAL holds frames" 1 "$([ -s "$WORK/seized/$db-wal" ] && echo 1)"

img="$WORK/seized.img"
mkfs.vfat -C -F 16 -S 512 -s 8 -i 45584835 "$img" 24576 >/dev/null
check "the image builds" 0 $?
MTOOLS_SKIP_CHECK=1 mmd -i "$img" ::/data
for f in "$db" "$db-wal"; do
	MTOOLS_SKIP_CHECK=1 mcopy -i "$img" "$WORK/seized/$f" "::/data/$f"
done
run "$WORK/case" "$img"
check "processed" 0 "$STATUS"

msgs() { # msgs CASE WHERE: recovered_from|body, sorted
	q "$1" "SELECT coalesce(recovered_from, 'live') || '|' || body FROM v_messages
	        WHERE app = 'Burner' AND $2 ORDER BY 1"
}
check "the message only in the WAL is live" \
	"live|kept only in the WAL: meet at the north gate" \
	"$(msgs "$WORK/case" "body LIKE 'kept only in the WAL%'")"
got=$(msgs "$WORK/case" "body LIKE 'added and deleted in the WAL%'")
case "$got" in
"wal frame "*" page "*"|added and deleted in the WAL: the spare key is under the mat")
	pass "the message added and deleted in the WAL comes from its WAL frame ($got)" ;;
*) fail "the message added and deleted in the WAL: got [$got]" ;;
esac
# Its offset is inside the -wal, where its text is.
offset=$(q "$WORK/case" "SELECT recovered_offset FROM chat_messages
                         WHERE body LIKE 'added and deleted in the WAL%'")
want=$(python3 - "$WORK/seized/$db-wal" "$offset" <<'PY'
import sys
wal = open(sys.argv[1], 'rb').read()
at = int(sys.argv[2])
text = b"added and deleted in the WAL"
# the cell starts before its text, within the 4 KiB page that holds both
print(1 if 0 <= at < len(wal) and 0 <= wal.find(text, at) - at < 4096 else 0)
PY
)
check "its offset ($offset) is a cell of the -wal before its text" 1 "$want"
check "the two messages deleted in the WAL come from the database's own pages" \
	"superseded page|burner text 40 about the pickup, minute 40
superseded page|burner text 41 about the pickup, minute 41" \
	"$(q "$WORK/case" "SELECT substr(recovered_from, 1, 15) || '|' || body FROM v_messages
	                   WHERE app = 'Burner' AND body IN
	                   ('burner text 40 about the pickup, minute 40',
	                                'burner text 41 about the pickup, minute 41')
	                   ORDER BY 1")"
check "the edited message is live, in its new version, once" \
	"live|burner text 30 about the pickup, minute 30 (edited in the WAL)" \
	"$(msgs "$WORK/case" "body LIKE 'burner text 30 %'")"
check "no message is reported twice" "" \
	"$(q "$WORK/case" "SELECT body FROM v_messages WHERE app = 'Burner'
	                   GROUP BY body HAVING count(*) > 1")"
check "every live message of the fixture is there" "110" \
	"$(q "$WORK/case" "SELECT count(*) FROM v_messages WHERE app = 'Burner'
	                   AND recovered_from IS NULL")"

# The same database without its -wal: none of the WAL's work.
img2="$WORK/alone.img"
mkfs.vfat -C -F 16 -S 512 -s 8 -i 45584836 "$img2" 24576 >/dev/null
MTOOLS_SKIP_CHECK=1 mcopy -i "$img2" "$WORK/seized/$db" "::/$db"
run "$WORK/alone" "$img2"
check "the database alone is processed" 0 "$STATUS"
check "without its WAL: the old messages are live, the WAL's are absent" \
	"live|burner text 30 about the pickup, minute 30
live|burner text 40 about the pickup, minute 40
live|burner text 41 about the pickup, minute 41" \
	"$(msgs "$WORK/alone" "(body LIKE 'burner text 30 %' OR body LIKE '%in the WAL%' OR
	                       body IN ('burner text 40 about the pickup, minute 40',
	                                'burner text 41 about the pickup, minute 41'))")"
finish

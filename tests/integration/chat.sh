#!/bin/bash
# chat.sh — chat databases of the test corpus inside a small ext4 image
# (built here with mkfs.ext4 -d, deterministic), through `exhibit process`:
# the messages, threads, contacts, calls and attachments of the chat views,
# each traced to its file, table and row, and `exhibit search`.
# Databases sit at their apps' places, and one again under a name that says
# nothing: identification is by schema, and identical content is read once.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"
need_corpus
export PATH="$PATH:/usr/sbin:/sbin"
if ! command -v mkfs.ext4 >/dev/null 2>&1; then
	echo "SKIP: mkfs.ext4 not found (install e2fsprogs)"
	exit 77
fi
for f in plaso-chat/mmssms.db plaso-chat/contacts2.db plaso-chat/imessage_chat.db \
         plaso-chat/skype_main.db iped/test_skypeMain.db iped/test_skypeS4lStreeguil1.db \
         plaso-chat/tango_android_tc.db plaso-chat/viber_data plaso-chat/9368974384.db \
         plaso-chat/burners.sqlite plaso-chat/xchat.log; do
	if [ ! -r "$CORPUS/$f" ]; then
		echo "SKIP: $CORPUS/$f is missing"
		exit 77
	fi
done

# Every plugin of the build tree.
plugin_args=()
for d in "${EXHIBIT_BUILD_DIR:-$EXHIBIT_SOURCE_DIR}"/plugins/*/.libs; do
	[ -d "$d" ] && plugin_args+=(--plugin-dir "$d")
done

tree="$WORK/tree"
att="Users/ken/Library/Messages/Attachments/89/09/04804C3D-B31B-4C07-B3A3-BA3B39694B96"
mkdir -p "$tree/data/com.android.providers.telephony/databases" \
         "$tree/data/com.android.providers.contacts/databases" \
         "$tree/Users/ken/Library/Messages" "$tree/$att" \
         "$tree/Users/gen/AppData/Roaming/Skype/gen.beringer" \
         "$tree/data/com.skype.raider/files" "$tree/misc"
cp "$CORPUS/plaso-chat/mmssms.db" "$tree/data/com.android.providers.telephony/databases/"
cp "$CORPUS/plaso-chat/mmssms.db" "$tree/misc/holiday.jpg"
cp "$CORPUS/plaso-chat/contacts2.db" "$tree/data/com.android.providers.contacts/databases/"
cp "$CORPUS/plaso-chat/imessage_chat.db" "$tree/Users/ken/Library/Messages/chat.db"
cp "$CORPUS/plaso-chat/skype_main.db" "$tree/Users/gen/AppData/Roaming/Skype/gen.beringer/main.db"
cp "$CORPUS/iped/test_skypeMain.db" "$tree/misc/backup.dat"
cp "$CORPUS/iped/test_skypeS4lStreeguil1.db" "$tree/data/com.skype.raider/files/s4l-streeguil1.db"
mkdir -p "$tree/data/com.sgiggle.production/files" "$tree/data/com.viber.voip/databases" \
         "$tree/Apps/Instagram/DirectSQLiteDatabase" "$tree/home/user/.xchat2/xchatlogs"
cp "$CORPUS/plaso-chat/tango_android_tc.db" "$tree/data/com.sgiggle.production/files/tc.db"
cp "$CORPUS/plaso-chat/viber_data" "$tree/data/com.viber.voip/databases/viber_data"
cp "$CORPUS/plaso-chat/9368974384.db" "$tree/Apps/Instagram/DirectSQLiteDatabase/9368974384.db"
cp "$CORPUS/plaso-chat/burners.sqlite" "$tree/misc/notes.bin"
cp "$CORPUS/plaso-chat/xchat.log" "$tree/home/user/.xchat2/xchatlogs/freenode-#gugle.log"
printf 'not really a certificate\n' > "$tree/$att/sslsplit.der"
find "$tree" -exec touch -h -d @1700000000 {} +
uuid=0a0b0c0d-1111-2222-3333-444455556666
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 1024 -U "$uuid" -E hash_seed="$uuid" \
	-d "$tree" "$WORK/chat.ext4" 24M >/dev/null
check "the image builds" 0 $?

case_dir="$WORK/case"
STATUS=0
"$EXHIBIT" process "$WORK/chat.ext4" --case "$case_dir" --quiet --no-default-plugins \
	"${plugin_args[@]}" >"$WORK/process.out" 2>"$WORK/process.err" || STATUS=$?
check "processed (the XChat log's bad lines make it exit 1)" 1 "$STATUS"
# The XChat log's three lines that plaso also refuses are the only problems.
check "problems recorded" "xchat|3" "$(q "$case_dir" "SELECT plugin, count(*) FROM v_errors GROUP BY plugin")"

# Tango: 18 live, and 3 older versions of media messages recovered from
# unallocated space, their rowids overwritten (see check_chat_tango).
check "messages per app" "Android SMS/MMS|9
Burner|14
Instagram|75
Skype|27
Tango|21
XChat|9
iMessage|10" "$(q "$case_dir" "SELECT app, count(*) FROM v_messages GROUP BY app ORDER BY app")"
check "an IRC line keeps its wall-clock time" "fpi|2011-12-31T21:11:58|#gugle" \
	"$(q "$case_dir" "SELECT sender, sent, substr(thread, instr(thread, ':') + 1) FROM v_messages
	                  WHERE body = 'ola plas-ing guys!'")"
check "Instagram to the microsecond" "2020-03-25T01:41:17.164115Z|22824420" \
	"$(q "$case_dir" "SELECT sent, sender FROM v_messages WHERE body LIKE 'Clicked over to Threads%'")"

# plaso android_sms: the first SMS sent.
check "an SMS, traced to its row" \
	"/data/com.android.providers.telephony/databases/mmssms.db|sms|1|outgoing|2013-10-29T16:56:28.038Z|[\"1 555-521-5554\"]|Yo Fred this is my new number." \
	"$(q "$case_dir" "SELECT f.path, v.source_table, v.source_rowid, v.direction, v.sent, v.recipients, v.body
	                  FROM v_messages v JOIN files f ON f.id = v.source_file_id
	                  WHERE v.body LIKE 'Yo Fred%'")"
check "the renamed copy is the same content, read once" "2|9" \
	"$(q "$case_dir" "SELECT (SELECT count(*) FROM v_files WHERE sha256 = (SELECT sha256 FROM v_files
	                   WHERE name = 'mmssms.db')), count(*) FROM v_messages WHERE app = 'Android SMS/MMS'")"
# plaso imessage: event data 7.
check "an iMessage" "xxxxxx2015@icloud.com|incoming|2015-11-30T10:48:40Z|0" \
	"$(q "$case_dir" "SELECT sender, direction, sent, deleted FROM v_messages
	                  WHERE body = 'Did you try to send me a message?'")"
# plaso skype: the chat message and the group one.
check "a Skype message" "gen.beringer|[\"european.bbq.competitor\"]|2013-07-30T21:27:11Z" \
	"$(q "$case_dir" "SELECT sender, recipients, sent FROM v_messages
	                  WHERE body = 'need to know if you got it this time.'")"
check "threads" "1 555-521-5554|9|2013-10-29T16:56:28.038Z|2013-10-29T17:16:17.250Z" \
	"$(q "$case_dir" "SELECT title, messages, first, last FROM v_threads WHERE app = 'Android SMS/MMS'")"
check "thread of a Skype group chat" "European Competitor, Echo123|[\"european.bbq.competitor\",\"gen.beringer\",\"echo123\"]|1" \
	"$(q "$case_dir" "SELECT title, participants, messages FROM v_threads
	                  WHERE thread LIKE '%#european.bbq.competitor/\$gen.beringer;b1a38279a3452341'")"
check "calls" "Android Call Log|3
Burner|2
Skype|1
Viber|4" "$(q "$case_dir" "SELECT app, count(*) FROM v_calls GROUP BY app ORDER BY app")"
check "a missed call" "5404561685|incoming|missed|2013-11-06T21:17:16.690Z|" \
	"$(q "$case_dir" "SELECT peer, direction, status, started, ended FROM v_calls
	                  WHERE started = '2013-11-06T21:17:16.690Z'")"
# Viber: plaso's 5, and one more the file holds only in free space.
check "contacts" "Burner|4
Instagram|3
Skype|5
Viber|5|1
iMessage|7" "$(q "$case_dir" "SELECT app, count(*) FILTER (WHERE recovered_from IS NULL),
                          nullif(count(recovered_from), 0)
                          FROM v_contacts GROUP BY app ORDER BY app" | sed 's/|$//')"
# streeguil1 twice: in the classic main.db and in the Skype 8 database.
check "accounts" "Burner|+19102484781|notes.bin
Instagram|9368974384|9368974384.db
Skype|gen.beringer|skype_main
Skype|streeguil1|backup.dat
Skype|streeguil1|s4l-streeguil1.db
iMessage|ken.doh@icloud.com|chat.db" \
	"$(q "$case_dir" "SELECT a.app, a.account_id, replace(f.name, 'main.db', 'skype_main')
	                  FROM v_accounts a JOIN files f ON f.id = a.source_file_id
	                  ORDER BY a.app, a.account_id, f.name")"
check "an attachment meets the file that holds it" \
	"sslsplit.der|path|/$att/sslsplit.der|" \
	"$(q "$case_dir" "SELECT name, matched_by, file_path, message_id FROM v_attachments WHERE name = 'sslsplit.der'")"
check "has_attachments" "1" \
	"$(q "$case_dir" "SELECT has_attachments FROM v_messages WHERE source_table = 'Transfers' AND source_rowid = 1090")"

out=$("$EXHIBIT" search "$case_dir" bowling)
check "search: one match, with its source" \
	"2013-10-29T17:10:58.000Z  Android SMS/MMS  thread $(q "$case_dir" "SELECT thread FROM v_threads WHERE app = 'Android SMS/MMS'") (1 555-521-5554)
  incoming 15555215554
  Are we going bowling after the water buffalo meeting tonight?
  source: /data/com.android.providers.telephony/databases/mmssms.db, table sms, row 6
1 message" "$out"
check "search: JSON lines, prefix query, app filter" "2" \
	"$("$EXHIBIT" search "$case_dir" 'secret*' --json --app Skype | grep -c '"table":"Transfers"')"
check "search: the app filter excludes" "0 messages" "$("$EXHIBIT" search "$case_dir" bowling --app Skype)"
STATUS=0
"$EXHIBIT" search "$case_dir" 'bowling AND (' >/dev/null 2>"$WORK/search.err" || STATUS=$?
check "search: a malformed query is a usage error" 2 "$STATUS"
check "search: it says why" 1 "$(grep -c 'malformed query' "$WORK/search.err")"
STATUS=0
"$EXHIBIT" search "$WORK/nowhere" x >/dev/null 2>&1 || STATUS=$?
check "search: no case" 3 "$STATUS"

# The messages leave the case as CASE/UCO, and the case stays whole.
"$EXHIBIT" export "$case_dir" --format case-uco --output "$WORK/chat.jsonld" -q >/dev/null 2>&1
check "case-uco: exported" 0 $?
check "case-uco: one Message per message, texts as the case has them" \
	"$(q "$case_dir" "SELECT count(*) || '|' || count(body) FROM v_messages")" \
	"$(python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))["@graph"]
m = [o for o in g if o["@type"] == "uco-observable:Message"]
print("%d|%d" % (len(m), sum(1 for o in m if "uco-observable:messageText" in o["uco-core:hasFacet"][0])))' "$WORK/chat.jsonld")"
STATUS=0
"$EXHIBIT" verify "$case_dir" >"$WORK/verify.out" 2>&1 || STATUS=$?
check "the case verifies under custody" 0 "$STATUS"
finish

#!/bin/bash
# chat_apps.sh — WhatsApp (Android, both msgstore.db layouts, and wa.db;
# iOS ChatStorage.sqlite; an "Export chat" text), Telegram (Android
# cache4.db, Desktop JSON export), Kik, Facebook Messenger (threads_db2 and
# a "Download your information" thread), Hangouts, Snapchat and Signal
# (Android)
# through `exhibit process`, inside a small ext4 image (mkfs.ext4
# -d, deterministic).  No public sample of these apps exists: the
# databases are built here with the sqlite3 shell from the apps' documented
# schemas, one of them under a name that says nothing (identification is by
# schema), one with a message deleted (secure_delete off), and a picture
# WhatsApp recorded by its SHA-256 lies on the card where the app keeps it.
. "$EXHIBIT_SOURCE_DIR/tests/integration/lib.sh"
export PATH="$PATH:/usr/sbin:/sbin"
for tool in mkfs.ext4 sqlite3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found (install e2fsprogs, sqlite3)"
		exit 77
	fi
done

plugin_args=()
for d in "${EXHIBIT_BUILD_DIR:-$EXHIBIT_SOURCE_DIR}"/plugins/*/.libs; do
	[ -d "$d" ] && plugin_args+=(--plugin-dir "$d")
done

tree="$WORK/tree"
wa="$tree/data/data/com.whatsapp/databases"
ios="$tree/private/var/mobile/Containers/Shared/AppGroup/2C3D9E1A-0000-4000-8000-000000000001"
tg="$tree/data/data/org.telegram.messenger/files"
desk="$tree/home/ada/Downloads/Telegram Desktop/ChatExport_2023-11-15"
card="$tree/sdcard/WhatsApp/Media/WhatsApp Images"
mkdir -p "$wa" "$ios" "$tg" "$desk" "$card" "$tree/misc"

# WhatsApp for Android, the 2021 layout; message 5 is deleted afterwards.
sqlite3 -batch "$wa/msgstore.db" "
PRAGMA journal_mode = DELETE; PRAGMA secure_delete = OFF;
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
 agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER,
 subject TEXT, created_timestamp INTEGER, archived INTEGER, sort_timestamp INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
 from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
 broadcast INTEGER, recipient_count INTEGER, participant_hash TEXT, origination_flags INTEGER,
 origin INTEGER, timestamp INTEGER, received_timestamp INTEGER, receipt_server_timestamp INTEGER,
 message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER,
 sort_id INTEGER NOT NULL DEFAULT 0, message_add_on_flags INTEGER, view_mode INTEGER);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, file_path TEXT,
 file_size INTEGER, width INTEGER, height INTEGER, message_url TEXT, mime_type TEXT,
 media_name TEXT, file_hash TEXT, media_duration INTEGER, media_caption TEXT);
CREATE TABLE group_participant_user (_id INTEGER PRIMARY KEY AUTOINCREMENT,
 group_jid_row_id INTEGER NOT NULL, user_jid_row_id INTEGER NOT NULL, rank INTEGER, pending INTEGER);
CREATE TABLE call_log (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER, from_me INTEGER,
 call_id TEXT, transaction_id INTEGER, timestamp INTEGER, video_call INTEGER, duration INTEGER,
 call_result INTEGER, bytes_transferred INTEGER, group_jid_row_id INTEGER NOT NULL DEFAULT 0);
INSERT INTO jid VALUES (1, '15550001111', 's.whatsapp.net', 0, 0, 0, '15550001111@s.whatsapp.net'),
 (2, '15550002222', 's.whatsapp.net', 0, 0, 0, '15550002222@s.whatsapp.net'),
 (3, '120363000000000001', 'g.us', 0, 0, 1, '120363000000000001@g.us');
INSERT INTO chat (_id, jid_row_id, subject) VALUES (1, 1, NULL), (2, 3, 'Lake trip');
INSERT INTO group_participant_user (group_jid_row_id, user_jid_row_id) VALUES (3, 1), (3, 2);
INSERT INTO message (_id, chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp,
 received_timestamp, message_type, text_data) VALUES
 (1, -1, 0, '-1', 0, -1, 0, 0, 0, NULL),
 (2, 1, 0, 'K2', 0, 0, 1700000000123, 1700000001456, 0, 'are we still going to the lake?'),
 (3, 1, 1, 'K3', 0, 13, 1700000060000, 0, 0, 'yes, bring the boat'),
 (4, 2, 0, 'K4', 2, 0, 1700000100000, 1700000100900, 1, 'the lake at dawn'),
 (5, 1, 1, 'K5', 0, 5, 1700000200000, 0, 0, 'meet me behind the boathouse at nine'),
 (6, 1, 0, 'K6', 0, 0, 1700000300000, 1700000300500, 0, 'ok');
INSERT INTO message_media (message_row_id, chat_row_id, file_path, file_size, mime_type, file_hash)
 VALUES (4, 2, 'Media/WhatsApp Images/IMG-20231114-WA0001.jpg', 3, 'image/jpeg',
 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
INSERT INTO call_log (jid_row_id, from_me, call_id, timestamp, video_call, duration, call_result)
 VALUES (1, 0, 'C1', 1700000400000, 1, 42, 5);" >/dev/null
deleted_wa=$(sqlite3 -batch "$wa/msgstore.db" "SELECT text_data FROM message WHERE _id = 5")
sqlite3 -batch "$wa/msgstore.db" "PRAGMA secure_delete = OFF; DELETE FROM message WHERE _id = 5;" >/dev/null
# the picture the app recorded: its SHA-256 is file_hash's
printf 'abc' > "$card/IMG-20231114-WA0001.jpg"

sqlite3 -batch "$wa/wa.db" "
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL,
 is_whatsapp_user BOOLEAN NOT NULL, status TEXT, status_timestamp INTEGER, number TEXT,
 raw_contact_id INTEGER, display_name TEXT, given_name TEXT, family_name TEXT, wa_name TEXT);
INSERT INTO wa_contacts (jid, is_whatsapp_user, status, number, display_name, wa_name) VALUES
 ('15550001111@s.whatsapp.net', 1, 'Available', '+1 555-000-1111', 'Alice Martin', 'ali'),
 ('15550002222@s.whatsapp.net', 1, NULL, '+1 555-000-2222', NULL, 'Bob');"

# WhatsApp for Android, the older layout, under a name that says nothing.
sqlite3 -batch "$tree/misc/backup.bin" "
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL,
 key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT,
 timestamp INTEGER, media_url TEXT, media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER,
 media_name TEXT, media_caption TEXT, media_hash TEXT, media_duration INTEGER, origin INTEGER,
 latitude REAL, longitude REAL, thumb_image TEXT, remote_resource TEXT, received_timestamp INTEGER,
 send_timestamp INTEGER, receipt_server_timestamp INTEGER, receipt_device_timestamp INTEGER,
 read_device_timestamp INTEGER, played_device_timestamp INTEGER, raw_data BLOB,
 recipient_count INTEGER, participant_hash TEXT, starred INTEGER, quoted_row_id INTEGER);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, subject TEXT);
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, data, timestamp) VALUES
 (1, '-1', 0, '-1', -1, NULL, 0),
 (2, '15550003333@s.whatsapp.net', 0, 'A', 0, 'happy new year', 1546300800000),
 (3, '15550003333@s.whatsapp.net', 1, 'B', 13, 'same to you', 1546300860000);"

# WhatsApp for iOS.
sqlite3 -batch "$ios/ChatStorage.sqlite" "
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
 ZSESSIONTYPE INTEGER, ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFLAGS INTEGER,
 ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER,
 ZSORT INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZMEDIAITEM INTEGER,
 ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZPUSHNAME VARCHAR,
 ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFILESIZE INTEGER,
 ZMESSAGE INTEGER, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR,
 ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR);
CREATE TABLE ZWAGROUPMEMBER (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZCONTACTNAME VARCHAR,
 ZFIRSTNAME VARCHAR, ZMEMBERJID VARCHAR);
CREATE TABLE ZWAPROFILEPUSHNAME (Z_PK INTEGER PRIMARY KEY, ZJID VARCHAR, ZPUSHNAME VARCHAR);
INSERT INTO ZWACHATSESSION VALUES (1, 4, 1, 0, '15550001111@s.whatsapp.net', 'Alice Martin');
INSERT INTO ZWAPROFILEPUSHNAME VALUES (1, '15550001111@s.whatsapp.net', 'ali');
INSERT INTO ZWAMESSAGE (Z_PK, ZCHATSESSION, ZISFROMME, ZMESSAGEDATE, ZMESSAGETYPE, ZTEXT, ZFROMJID,
 ZTOJID, ZSTANZAID) VALUES
 (1, 1, 0, 700000000, 0, 'are you coming?', '15550001111@s.whatsapp.net', NULL, 'S1'),
 (2, 1, 1, 700000060, 0, 'yes, at eight', NULL, '15550001111@s.whatsapp.net', 'S2');"

# Telegram for Android: data holds TL Message objects (0x3ae56482 and 0x38116ee0).
sqlite3 -batch "$tg/cache4.db" "
CREATE TABLE messages_v2(mid INTEGER, uid INTEGER, read_state INTEGER, send_state INTEGER,
 date INTEGER, data BLOB, out INTEGER, ttl INTEGER, media INTEGER, replydata BLOB, imp INTEGER,
 mention INTEGER, forwards INTEGER, replies_data BLOB, thread_reply_id INTEGER, is_channel INTEGER,
 reply_to_message_id INTEGER, custom_params BLOB, group_id INTEGER, reply_to_story_id INTEGER,
 PRIMARY KEY(mid, uid));
CREATE TABLE users(uid INTEGER PRIMARY KEY, name TEXT, status INTEGER, data BLOB);
CREATE TABLE chats(uid INTEGER PRIMARY KEY, name TEXT, data BLOB);
INSERT INTO users VALUES (1001, 'olga owner;;;olga', 0, NULL), (2002, 'pavel petrov;;;pasha', 0, NULL);
INSERT INTO messages_v2 (mid, uid, read_state, send_state, date, data, out, ttl, media) VALUES
 (10, 2002, 3, 0, 1700000000, X'8264e53a0f030000000000000a00000022175159e90300000000000022175159d207000000000000ce7d775f2100000022175159bb0b00000000000006417574686f720018ed5365db09bcaf100000000900000000f153650b68656c6c6f207468657265d750516900000000', 1, 0, 1),
 (14, 2002, 3, 0, 1700000100, X'e06e1138020100000e00000022175159e90300000000000022175159d20700000000000064f153651b746f2062652064656c657465642066726f6d207468652073656564', 1, 0, 0);"

# Telegram Desktop: an export of the whole account.
cat > "$desk/result.json" <<'JSON'
{
 "about": "Here is the data you requested.",
 "personal_information": { "user_id": 111222333, "first_name": "Ada", "last_name": "Lovelace", "phone_number": "+44 20 7946 0000" },
 "contacts": { "about": "", "list": [ { "first_name": "Charles", "last_name": "Babbage", "phone_number": "+44 1", "date": "2020-05-01T10:00:00", "date_unixtime": "1588327200" } ] },
 "chats": { "about": "", "list": [ { "name": "Charles Babbage", "type": "personal_chat", "id": 444555666, "messages": [
  { "id": 1, "type": "message", "date": "2023-11-14T23:13:20", "date_unixtime": "1700000000", "from": "Charles Babbage", "from_id": "user444555666", "text": "Shall we meet at the Society?" },
  { "id": 2, "type": "message", "date": "2023-11-14T23:14:20", "date_unixtime": "1700000060", "from": "Ada Lovelace", "from_id": "user111222333", "reply_to_message_id": 1, "text": [ "Yes, see ", { "type": "bold", "text": "Note G" } ] } ] } ] }
}
JSON

# Kik, Facebook Messenger, Hangouts and Snapchat for Android, a WhatsApp
# "Export chat" text and a Facebook "Download your information" thread.
kik="$tree/data/data/kik.android/databases"
orca="$tree/data/data/com.facebook.orca/databases"
talk="$tree/data/data/com.google.android.talk/databases"
snap="$tree/data/data/com.snapchat.android/databases"
fbx="$tree/home/ada/Downloads/facebook-ada/messages/inbox/ken_1"
mkdir -p "$kik" "$orca" "$talk" "$snap" "$fbx" "$tree/sdcard/Download"
sqlite3 -batch "$kik/kikDatabase.db" "
CREATE TABLE messagesTable (_id INTEGER PRIMARY KEY, body VARCHAR, partner_jid VARCHAR, was_me INT,
 read_state INT, uid VARCHAR, length INT, timestamp LONG, bin_id VARCHAR, sys_msg VARCHAR,
 stat_msg VARCHAR, stat_user_jid VARCHAR, content_id VARCHAR);
CREATE TABLE KIKcontactsTable (_id INTEGER PRIMARY KEY, jid VARCHAR UNIQUE, display_name VARCHAR,
 user_name VARCHAR, in_roster INT, is_blocked INT);
INSERT INTO KIKcontactsTable VALUES (1, 'sam_a@talk.kik.com', 'Sam', 'sam', 1, 0);
INSERT INTO messagesTable VALUES
 (1, 'kik says hi', 'sam_a@talk.kik.com', 0, 500, 'u1', 11, 1600000000123, 'sam_a@talk.kik.com', NULL, NULL, NULL, NULL),
 (2, 'hi Sam', 'sam_a@talk.kik.com', 1, 400, 'u2', 6, 1600000001000, 'sam_a@talk.kik.com', NULL, NULL, NULL, NULL);" >/dev/null
sqlite3 -batch "$orca/threads_db2" "
CREATE TABLE threads (thread_key TEXT PRIMARY KEY, name TEXT, snippet TEXT, timestamp_ms INTEGER);
CREATE TABLE messages (msg_id TEXT PRIMARY KEY, thread_key TEXT, text TEXT, sender TEXT,
 timestamp_ms INTEGER, timestamp_sent_ms INTEGER, attachments TEXT, sticker_id TEXT, msg_type INTEGER,
 send_error TEXT, snippet TEXT);
CREATE TABLE thread_users (user_key TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, name TEXT, username TEXT);
INSERT INTO threads VALUES ('ONE_TO_ONE:2:1', NULL, 's', 1);
INSERT INTO thread_users VALUES ('FACEBOOK:1', 'Owen', 'O', 'Owen O', 'owen'), ('FACEBOOK:2', 'Mia', 'M', 'Mia M', NULL);
INSERT INTO messages VALUES
 ('m1', 'ONE_TO_ONE:2:1', 'messenger hello', '{\"user_key\":\"FACEBOOK:2\",\"name\":\"Mia M\"}', 1650000000123, 1650000000000, '[]', NULL, 0, NULL, NULL),
 ('m2', 'ONE_TO_ONE:2:1', 'hello Mia', '{\"user_key\":\"FACEBOOK:1\",\"name\":\"Owen O\"}', 1650000060000, NULL, '[]', NULL, 0, NULL, NULL);" >/dev/null
sqlite3 -batch "$talk/babel1.db" "
CREATE TABLE conversations (_id INTEGER PRIMARY KEY, conversation_id TEXT, conversation_type INT, name TEXT,
 generated_name TEXT, UNIQUE (conversation_id));
CREATE TABLE participants (_id INTEGER PRIMARY KEY, gaia_id TEXT, chat_id TEXT, phone_id TEXT, first_name TEXT,
 full_name TEXT, fallback_name TEXT, blocked INT DEFAULT(0));
CREATE TABLE conversation_participants (_id INTEGER PRIMARY KEY, participant_row_id INT, conversation_id TEXT);
CREATE TABLE messages (_id INTEGER PRIMARY KEY, message_id TEXT, conversation_id TEXT, author_chat_id TEXT,
 author_gaia_id TEXT, text TEXT, timestamp INT, status INT, type INT, local_url TEXT, remote_url TEXT,
 attachment_content_type TEXT, width_pixels INT, height_pixels INT, latitude DOUBLE, longitude DOUBLE,
 new_conversation_name TEXT);
INSERT INTO conversations VALUES (1, 'c1', 1, NULL, 'John M');
INSERT INTO participants VALUES (1, '1', '1', NULL, 'Me', 'Me M', NULL, 0), (2, '2', '2', '+1555', 'John', 'John M', NULL, 0);
INSERT INTO conversation_participants VALUES (1, 1, 'c1'), (2, 2, 'c1');
INSERT INTO messages (_id, message_id, conversation_id, author_chat_id, author_gaia_id, text, timestamp, status, type)
 VALUES (1, 'h1', 'c1', '1', '1', 'hangouts hi', 1500266400000000, 4, 1),
 (2, 'h2', 'c1', '2', '2', 'How are you?', 1500266514326967, 4, 2);" >/dev/null
# message_content: the text at protobuf field path 4.4.2.1 (tests/fuzz/make_pb_seeds.py)
sqlite3 -batch "$snap/arroyo.db" "
CREATE TABLE conversation_message (client_conversation_id TEXT NOT NULL, client_message_id INTEGER NOT NULL,
 server_message_id INTEGER, content_type INTEGER, message_content BLOB, message_state_type TEXT, sender_id TEXT,
 creation_timestamp INTEGER, read_timestamp INTEGER, PRIMARY KEY (client_conversation_id, client_message_id));
CREATE TABLE user_conversation (client_conversation_id TEXT NOT NULL, user_id TEXT NOT NULL,
 conversation_type INTEGER, PRIMARY KEY (client_conversation_id, user_id));
CREATE TABLE required_values (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO required_values VALUES ('USERID', 'me');
INSERT INTO user_conversation VALUES ('c1', 'me', 0), ('c1', 'ana', 0);
INSERT INTO conversation_message VALUES
 ('c1', 1, 91, 1, x'10fbd095ffbc3122160803221212100a0c6865792c20796f752075703f10012800', 'COMMITTED', 'ana', 1700000000123, 1700000060456),
 ('c1', 2, 92, 1, x'10fbd095ffbc31220d0803220912070a0379657310012800', 'COMMITTED', 'me', 1700000100789, NULL);" >/dev/null
printf '12/31/20, 11:59\342\200\257PM - Alice: Happy new year\r\n1/1/21, 12:00\342\200\257AM - Bob: Same to you\r\n' \
	> "$tree/sdcard/Download/WhatsApp Chat with Alice.txt"
cat > "$fbx/message_1.json" <<'JSON'
{ "participants": [ { "name": "Ken" }, { "name": "Ada Lovelace" } ],
  "messages": [ { "sender_name": "Ken", "timestamp_ms": 1600000100000, "content": "from the export", "type": "Generic" },
                { "sender_name": "Ada Lovelace", "timestamp_ms": 1600000000000, "content": "first", "type": "Generic" } ],
  "title": "Ken", "is_still_participant": true, "thread_type": "Regular", "thread_path": "inbox/ken_1", "magic_words": [] }
JSON

# Signal for Android, its database decrypted (the 2024 message layout).
sig="$tree/data/data/org.thoughtcrime.securesms/databases"
mkdir -p "$sig"
sqlite3 -batch "$sig/signal.db" "
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, date_sent INTEGER NOT NULL, date_received INTEGER NOT NULL,
 date_server INTEGER DEFAULT -1, thread_id INTEGER NOT NULL, from_recipient_id INTEGER NOT NULL, from_device_id INTEGER,
 to_recipient_id INTEGER NOT NULL, type INTEGER NOT NULL, body TEXT, read INTEGER DEFAULT 0, quote_id INTEGER DEFAULT 0,
 quote_author INTEGER DEFAULT 0, quote_body TEXT DEFAULT NULL, remote_deleted INTEGER DEFAULT 0);
CREATE TABLE recipient (_id INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER DEFAULT 0, e164 TEXT UNIQUE, aci TEXT UNIQUE,
 group_id TEXT UNIQUE, blocked INTEGER DEFAULT 0, profile_joined_name TEXT, system_joined_name TEXT);
CREATE TABLE thread (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, recipient_id INTEGER NOT NULL UNIQUE);
INSERT INTO recipient (_id, e164, profile_joined_name, system_joined_name) VALUES
 (1, '+15550000001', 'Olive', NULL), (2, '+15550000002', NULL, 'Bob Builder');
INSERT INTO thread (_id, recipient_id) VALUES (1, 2);
INSERT INTO message (_id, date_sent, date_received, thread_id, from_recipient_id, to_recipient_id, type, body, read) VALUES
 (1, 1700000000123, 1700000001456, 1, 2, 1, 10485780, 'signal says hi', 1),
 (2, 1700000060000, 1700000060001, 1, 1, 2, 10485783, 'hi Bob', 0);" >/dev/null

find "$tree" -exec touch -h -d @1700000000 {} +
uuid=0a0b0c0d-1111-2222-3333-444455556688
E2FSPROGS_FAKE_TIME=1700000000 mkfs.ext4 -q -F -b 1024 -U "$uuid" -E hash_seed="$uuid" \
	-d "$tree" "$WORK/apps.ext4" 8M >/dev/null
check "the image builds" 0 $?

case_dir="$WORK/case"
STATUS=0
"$EXHIBIT" process "$WORK/apps.ext4" --case "$case_dir" --quiet --no-default-plugins \
	"${plugin_args[@]}" >"$WORK/process.out" 2>"$WORK/process.err" || STATUS=$?
check "processed" 0 "$STATUS"
check "no problems recorded" "0" "$(q "$case_dir" "SELECT count(*) FROM v_errors")"

# WhatsApp: 4 live + 1 deleted (2021 layout), 2 (older), 2 (iOS), 2 (export);
# Telegram 2 + 2; Facebook Messenger 2 (threads_db2) + 2 (export).
check "messages per app" "Facebook Messenger|4
Google Hangouts|2
Kik|2
Signal|2
Snapchat|2
Telegram|4
WhatsApp|11" "$(q "$case_dir" "SELECT app, count(*) FROM v_messages GROUP BY app ORDER BY app")"
check "a WhatsApp message, traced to its row" \
	"/data/data/com.whatsapp/databases/msgstore.db|message|2|incoming|15550001111@s.whatsapp.net|2023-11-14T22:13:20.123Z" \
	"$(q "$case_dir" "SELECT f.path, v.source_table, v.source_rowid, v.direction, v.sender, v.sent
	                  FROM v_messages v JOIN files f ON f.id = v.source_file_id
	                  WHERE v.body = 'are we still going to the lake?'")"
check "the deleted WhatsApp message, once, flagged, with its origin" \
	"$deleted_wa|1|1" \
	"$(q "$case_dir" "SELECT v.body, v.deleted, count(*) FROM v_messages v JOIN chat_messages m ON m.id = v.id
	                  WHERE v.recovered_from LIKE 'freeblock%' AND m.recovered_offset > 0")"
check "only that one recovered" "1" \
	"$(q "$case_dir" "SELECT count(*) FROM v_messages WHERE recovered_from IS NOT NULL")"
check "the older layout, found under another name" "backup.bin|2" \
	"$(q "$case_dir" "SELECT f.name, count(*) FROM v_messages v JOIN files f ON f.id = v.source_file_id
	                  WHERE v.source_table = 'messages' AND v.app = 'WhatsApp'")"
check "a group picture meets its file by SHA-256" \
	"IMG-20231114-WA0001.jpg|hash|/sdcard/WhatsApp/Media/WhatsApp Images/IMG-20231114-WA0001.jpg" \
	"$(q "$case_dir" "SELECT name, matched_by, file_path FROM v_attachments WHERE app = 'WhatsApp'")"
check "a group thread" "Lake trip|[\"15550001111@s.whatsapp.net\",\"15550002222@s.whatsapp.net\"]|1" \
	"$(q "$case_dir" "SELECT title, participants, messages FROM v_threads WHERE title = 'Lake trip'")"
check "WhatsApp contacts from wa.db, calls from msgstore.db" "Alice Martin|Bob|video|42" \
	"$(q "$case_dir" "SELECT (SELECT group_concat(name, '|') FROM (SELECT name FROM v_contacts
	                   WHERE app = 'WhatsApp' AND contact_id LIKE '%@s.whatsapp.net'
	                   AND source_table = 'wa_contacts' ORDER BY name)),
	                  (SELECT media || '|' || duration FROM v_calls WHERE app = 'WhatsApp')")"
check "a WhatsApp iOS message" "Alice Martin|2023-03-08T20:26:40Z" \
	"$(q "$case_dir" "SELECT m.sender_name, v.sent FROM v_messages v JOIN chat_messages m ON m.id = v.id
	                  WHERE v.body = 'are you coming?'")"
check "a Telegram message decoded from its TL object" \
	"cache4.db|2002|outgoing|1001|2023-11-14T22:13:20Z|media" \
	"$(q "$case_dir" "SELECT f.name, substr(v.thread, instr(v.thread, ':') + 1), v.direction, v.sender, v.sent, m.message_type
	                  FROM v_messages v JOIN chat_messages m ON m.id = v.id JOIN files f ON f.id = v.source_file_id
	                  WHERE v.body = 'hello there'")"
check "a Telegram Desktop message" "user111222333|outgoing|2023-11-14T22:14:20Z|Yes, see Note G" \
	"$(q "$case_dir" "SELECT sender, direction, sent, body FROM v_messages WHERE body LIKE 'Yes, see%'")"
check "accounts" "Google Hangouts|1
Signal|+15550000001
Snapchat|me
Telegram|1001
Telegram|user111222333" \
	"$(q "$case_dir" "SELECT app, account_id FROM v_accounts ORDER BY app, account_id")"

check "a Snapchat text read from its protobuf" \
	"arroyo.db|ana|incoming|c1|2023-11-14T22:13:20.123Z|1700000060" \
	"$(q "$case_dir" "SELECT f.name, v.sender, v.direction, substr(v.thread, instr(v.thread, ':') + 1), v.sent, m.read
	                  FROM v_messages v JOIN chat_messages m ON m.id = v.id JOIN files f ON f.id = v.source_file_id
	                  WHERE v.body = 'hey, you up?'")"
check "a Signal message" "signal.db|+15550000002|Bob Builder|incoming|2023-11-14T22:13:20.123Z|read" \
	"$(q "$case_dir" "SELECT f.name, v.sender, m.sender_name, v.direction, v.sent, m.status
	                  FROM v_messages v JOIN chat_messages m ON m.id = v.id JOIN files f ON f.id = v.source_file_id
	                  WHERE v.body = 'signal says hi'")"
check "a Kik, a Messenger and a Hangouts message" \
	"Kik|kikDatabase.db|outgoing|2020-09-13T12:26:41.000Z
Facebook Messenger|threads_db2|unknown|2022-04-15T05:20:00.123Z
Google Hangouts|babel1.db|incoming|2017-07-17T04:41:54.326967Z" \
	"$(q "$case_dir" "SELECT v.app, f.name, v.direction, v.sent FROM v_messages v JOIN files f ON f.id = v.source_file_id
	                  WHERE v.body IN ('hi Sam', 'messenger hello', 'How are you?') ORDER BY v.app = 'Google Hangouts', v.app DESC")"
check "exports: a WhatsApp chat text and a Facebook thread" \
	"message_1.json|Ken|from the export
WhatsApp Chat with Alice.txt|Bob|Same to you" \
	"$(q "$case_dir" "SELECT f.name, v.sender, v.body FROM v_messages v JOIN files f ON f.id = v.source_file_id
	                  WHERE v.body IN ('Same to you', 'from the export') ORDER BY f.name DESC")"

out=$("$EXHIBIT" search "$case_dir" boathouse)
check "search finds the deleted message" "1" "$(printf '%s\n' "$out" | grep -c 'meet me behind the boathouse')"
STATUS=0
"$EXHIBIT" verify "$case_dir" >"$WORK/verify.out" 2>&1 || STATUS=$?
check "the case verifies under custody" 0 "$STATUS"
finish

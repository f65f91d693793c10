#!/bin/sh
# make_chat_seeds.sh [CORPUS_ROOT] — write the seed databases of the chat
# fuzz targets into CORPUS_ROOT/chat_<plugin>/ (default: the corpus
# directory beside this script).  Each seed is a small database (page size
# 512) of the app's documented schema with a few rows, NULLs and odd values;
# the committed seeds were made by this script with the sqlite3 shell.
set -eu
root=${1:-$(cd "$(dirname "$0")" && pwd)/corpus}

seed() { # PLUGIN NAME SQL
	dir="$root/chat_$1"
	mkdir -p "$dir"
	rm -f "$dir/$2"
	printf 'PRAGMA page_size = 512;\n%s\n' "$3" | sqlite3 "$dir/$2"
}

seed android_sms sms_mms.db "
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER,
 date INTEGER, date_sent INTEGER DEFAULT 0, read INTEGER, status INTEGER, type INTEGER,
 subject TEXT, body TEXT, seen INTEGER, locked INTEGER);
CREATE TABLE threads (_id INTEGER PRIMARY KEY, date INTEGER, recipient_ids TEXT);
CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY, address TEXT);
CREATE TABLE pdu (_id INTEGER PRIMARY KEY, thread_id INTEGER, date INTEGER, date_sent INTEGER,
 msg_box INTEGER, read INTEGER, m_id TEXT, sub TEXT, m_type INTEGER);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, address TEXT, type INTEGER);
CREATE TABLE part (_id INTEGER PRIMARY KEY, mid INTEGER, seq INTEGER, ct TEXT, name TEXT,
 fn TEXT, cid TEXT, cl TEXT, _data TEXT, text TEXT);
INSERT INTO threads VALUES (1, 0, '1 2');
INSERT INTO canonical_addresses VALUES (1, '+15550001'), (2, '+15550002');
INSERT INTO sms VALUES (1, 1, '+15550001', 0, 1383065788038, 1383065787000, 1, -1, 1, NULL, 'hi', 1, 0),
 (2, 1, '+15550001', 0, 1383065799000, 0, 0, 0, 2, NULL, 'yo', 0, 0), (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO pdu VALUES (1, 1, 1383066000, 1383065990, 1, 1, 'm', 'subj', 132);
INSERT INTO addr VALUES (1, 1, '+15550001', 137), (2, 1, 'insert-address-token', 151);
INSERT INTO part VALUES (1, 1, 0, 'text/plain', NULL, NULL, NULL, 't.txt', NULL, 'text'),
 (2, 1, 1, 'image/jpeg', NULL, NULL, NULL, 'a.jpg', '/data/app_parts/PART_1', NULL);"

seed android_calls calllog.db "
CREATE TABLE calls (_id INTEGER PRIMARY KEY, number TEXT, date INTEGER, duration INTEGER,
 type INTEGER, new INTEGER, name TEXT, numbertype INTEGER, numberlabel TEXT, countryiso TEXT,
 features INTEGER, phone_account_address TEXT);
INSERT INTO calls VALUES (1, '5404561685', 1383772636690, 0, 3, 0, 'Barney', 2, NULL, 'US', 0, NULL),
 (2, '+15551234', 1383772733283, 126, 2, 0, NULL, 0, NULL, NULL, 1, '+15550000'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"

seed imessage sms.db "
CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER,
 attributedBody BLOB, service TEXT, account TEXT, date INTEGER, date_read INTEGER,
 date_delivered INTEGER, is_from_me INTEGER, is_read INTEGER, cache_has_attachments INTEGER,
 associated_message_guid TEXT, associated_message_type INTEGER, date_edited INTEGER);
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, country TEXT, service TEXT);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid TEXT, chat_identifier TEXT,
 display_name TEXT, account_login TEXT);
CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);
CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY, guid TEXT, filename TEXT, mime_type TEXT,
 transfer_name TEXT, total_bytes INTEGER);
CREATE TABLE message_attachment_join (message_id INTEGER, attachment_id INTEGER);
INSERT INTO handle VALUES (1, '+15550001', 'us', 'iMessage');
INSERT INTO chat VALUES (1, 'iMessage;-;+15550001', '+15550001', NULL, 'E:me@example.com');
INSERT INTO chat_handle_join VALUES (1, 1);
INSERT INTO message VALUES (1, 'a', 'hello', 1, NULL, 'iMessage', 'e:me@example.com', 470573320, 0, 0, 0, 1, 0, NULL, 0, 0),
 (2, 'b', NULL, 1, X'4E53537472696E67019484012B0548656C6C6F86', 'iMessage', NULL, 700000000123456789, 0, 0, 1, 0, 1, 'p:0/a', 2000, 5);
INSERT INTO chat_message_join VALUES (1, 1), (1, 2);
INSERT INTO attachment VALUES (1, 'g', '~/Library/SMS/Attachments/00/00/g/x.jpg', 'image/jpeg', 'x.jpg', 10);
INSERT INTO message_attachment_join VALUES (2, 1);"

seed skype main.db "
CREATE TABLE Accounts (id INTEGER PRIMARY KEY, skypename TEXT, fullname TEXT, emails TEXT,
 registration_timestamp INTEGER);
CREATE TABLE Conversations (id INTEGER PRIMARY KEY, identity TEXT, displayname TEXT);
CREATE TABLE Participants (id INTEGER PRIMARY KEY, convo_id INTEGER, identity TEXT);
CREATE TABLE Chats (id INTEGER PRIMARY KEY, name TEXT, friendlyname TEXT, participants TEXT,
 conv_dbid INTEGER);
CREATE TABLE Messages (id INTEGER PRIMARY KEY, convo_id INTEGER, chatname TEXT, author TEXT,
 from_dispname TEXT, dialog_partner TEXT, timestamp INTEGER, type INTEGER,
 chatmsg_status INTEGER, edited_timestamp INTEGER, body_xml TEXT, guid BLOB);
CREATE TABLE Transfers (id INTEGER PRIMARY KEY, type INTEGER, partner_handle TEXT, status INTEGER,
 starttime INTEGER, filepath TEXT, filename TEXT, filesize TEXT, chatmsg_guid BLOB,
 convo_id INTEGER, pk_id INTEGER, parent_id INTEGER);
CREATE TABLE SMSes (id INTEGER PRIMARY KEY, type INTEGER, status INTEGER, timestamp INTEGER,
 target_numbers TEXT, body TEXT);
CREATE TABLE Calls (id INTEGER PRIMARY KEY, begin_timestamp INTEGER, host_identity TEXT,
 duration INTEGER, is_incoming INTEGER);
CREATE TABLE CallMembers (id INTEGER PRIMARY KEY, call_db_id INTEGER, identity TEXT,
 dispname TEXT, call_duration INTEGER);
CREATE TABLE Contacts (id INTEGER PRIMARY KEY, skypename TEXT, fullname TEXT, birthday INTEGER,
 mood_text TEXT);
INSERT INTO Accounts VALUES (1, 'me', 'Me', 'a@b c@d', 22920322);
INSERT INTO Conversations VALUES (1, 'you', 'You');
INSERT INTO Participants VALUES (1, 1, 'me'), (2, 1, 'you');
INSERT INTO Chats VALUES (1, '#me/\$you;1', 'You | hi', 'me you', 1);
INSERT INTO Messages VALUES (1, 1, '#me/\$you;1', 'me', 'Me', 'you', 1375219631, 61, 2, NULL, 'hi &amp; <b>bye</b>', X'01'),
 (2, 1, NULL, 'you', 'You', NULL, 1375219700, 201, 4, NULL, '<URIObject uri=\"u\"><OriginalName v=\"p.jpg\"/><FileSize v=\"9\"/></URIObject>', X'02'),
 (3, 1, NULL, 'me', NULL, NULL, 1375219800, 64, 2, 1375219900, '', X'03');
INSERT INTO Transfers VALUES (1, 2, 'me', 2, 1382651372, '/tmp/f.pdf', 'f.pdf', '69986', NULL, 1, 7, NULL),
 (2, 2, 'you', 8, 1382651375, '/tmp/f.pdf', 'f.pdf', '69986', NULL, 1, 8, 7);
INSERT INTO SMSes VALUES (1, 2, 6, 1372716862, '+34123456789', 'text');
INSERT INTO Calls VALUES (1, 1372716737, 'me', NULL, 0);
INSERT INTO CallMembers VALUES (1, 1, 'you', 'You', 646);
INSERT INTO Contacts VALUES (1, 'you', 'You', 19900102, 'We&apos;re');"

seed skype s4l.db "
CREATE TABLE internaldata (nsp_pk TEXT PRIMARY KEY, nsp_data TEXT);
CREATE TABLE profilecachev8 (nsp_pk TEXT PRIMARY KEY, nsp_data TEXT);
CREATE TABLE conversationsv14 (nsp_pk TEXT PRIMARY KEY, nsp_data TEXT);
CREATE TABLE messagesv12 (nsp_pk TEXT PRIMARY KEY, nsp_data TEXT);
INSERT INTO internaldata VALUES ('Cpriv_prefs_v2', '{\"value\":{\"skypeName\":\"me\"}}');
INSERT INTO profilecachev8 VALUES ('C8:me', '{\"mri\":\"8:me\",\"fullName\":\"Me\"}'),
 ('C8:you', '{\"mri\":\"8:you\",\"phones\":[{\"number\":\"+1\"}],\"emails\":[\"y@x\"]}');
INSERT INTO conversationsv14 VALUES ('C19:g@thread.skype', '{\"conv\":{\"id\":\"19:g@thread.skype\",\"_threadProps\":{\"topic\":\"T\"},\"_threadMembers\":[{\"id\":\"8:me\"},{\"id\":\"8:you\"}]}}');
INSERT INTO messagesv12 VALUES ('C1', '{\"cuid\":\"1\",\"conversationId\":\"8:you\",\"creator\":\"8:you\",\"createdTime\":1600000000123,\"content\":\"hi\",\"messagetype\":\"RichText\",\"_isMyMessage\":0}'),
 ('C2', '{\"cuid\":\"2\",\"conversationId\":\"19:g@thread.skype\",\"creator\":\"8:me\",\"createdTime\":1600000100000,\"content\":\"<partlist type=\\\"ended\\\"/>\",\"messagetype\":\"Event/Call\",\"_isMyMessage\":1}'),
 ('C3', '{\"cuid\":');"

seed tango tc.db "
CREATE TABLE conversations (conv_id TEXT PRIMARY KEY, conv_type INTEGER DEFAULT 0, payload BLOB,
 last_msg_id INTEGER, conv_del_status INTEGER DEFAULT 0);
CREATE TABLE messages (msg_id INTEGER PRIMARY KEY, conv_id TEXT, type INTEGER, media_id TEXT,
 share_id TEXT, create_time BIGINT, send_time BIGINT, direction INTEGER, status INTEGER,
 payload BLOB, del_status INTEGER);
INSERT INTO conversations VALUES ('c1', 0, 'EgYaBHBlZXIaAmMx', 2, 0);
INSERT INTO messages VALUES (1, 'c1', 0, NULL, NULL, 1452868881609, 1452868881700, 2, 1, 'EgJjMRgAIgJoaQ==', 0),
 (2, 'c1', 3, 'm', NULL, 1452868893027, 1452868894238, 1, 1, X'1202633118032a0375726c3a042f612f624010', 2);"

seed tango profile.db "
CREATE TABLE profiles (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE profiletable (itemUserId TEXT PRIMARY KEY, itemFirstName TEXT, itemLastName TEXT,
 itemBirthday TEXT, itemGender TEXT, itemStatus TEXT, itemLastActiveTime BIGINT, itemDistance DOUBLE,
 itemIsFriend INTEGER, itemIsBlocked INTEGER, itemFriendRequestType TEXT,
 itemFriendRequestMessage TEXT, itemFriendRequestTime BIGINT);
INSERT INTO profiles VALUES ('keyCurrentUserId', 'me');
INSERT INTO profiletable VALUES ('me', 'SGFuaw==', 'RnJlc2g=', '', 'male', '', 0, -1.0, 0, 0, 'noRequest', '', 0),
 ('p1', 'Um91ZWw=', 'SGVucnk=', '1980-10-01', 'male', 'UHJheWluZyE=', 1452864105624, 39.04880905, 0, 0,
  'outRequest', 'SSBhbSBmb2xsb3dpbmcgeW91IG9uIFRhbmdv', 1452868520436);"

seed viber viber_data "
CREATE TABLE calls (_id INTEGER PRIMARY KEY AUTOINCREMENT, call_id LONG NOT NULL, aggregate_hash LONG,
 number TEXT NOT NULL, canonized_number TEXT NOT NULL, viber_call BOOLEAN DEFAULT TRUE,
 viber_call_type INTEGER DEFAULT 1, date LONG NOT NULL, duration LONG NOT NULL, type INT NOT NULL,
 end_reason INT DEFAULT 0, start_reason INT DEFAULT 0, conference_info TEXT, group_id LONG DEFAULT 0);
CREATE TABLE phonebookcontact (_id INTEGER PRIMARY KEY NOT NULL, native_id INTEGER DEFAULT 0,
 display_name TEXT, starred BOOLEAN, viber BOOLEAN, joined_date LONG DEFAULT 0, deleted BOOLEAN);
CREATE TABLE phonebookdata (_id INTEGER PRIMARY KEY AUTOINCREMENT, contact_id INTEGER NOT NULL,
 raw_id INTEGER NOT NULL, data1 TEXT, data2 TEXT, mime_type INTEGER);
INSERT INTO calls VALUES (1, -1, 1, '+19198887386', '+19198887386', 1, 4, 1669408988267, 105, 2, 3, 0, NULL, 0),
 (2, -1, 1, '+1', '+1', 1, 1, 1669408465582, 0, 3, 0, 0, NULL, 0);
INSERT INTO phonebookcontact VALUES (23, 23, 'This Is DFIR Two', 0, 1, 1660691493950, NULL);
INSERT INTO phonebookdata VALUES (27, 23, 4, '9198887386', '+19198887386', 0);"

seed burner burners.db "
CREATE TABLE burners (_id integer primary key autoincrement, burner_id text not null unique,
 phone_number_id text not null, user_id text not null, name text, alias text, features text,
 date_created integer not null, expiration_date integer);
CREATE TABLE messages (_id integer primary key autoincrement, message_id text not null unique,
 state integer default 0, message text not null, contact_phone_number text not null,
 message_type integer not null, voice_url text, date_created integer not null, read integer,
 burner_id text not null, duration integer, direction integer not null, asset_url text);
CREATE TABLE contacts (_id integer primary key autoincrement, contact_id text not null unique,
 name text not null, phone_number text not null, burner_id text, date_created integer not null,
 blocked integer default 0, notes text);
INSERT INTO burners VALUES (1, 'b1', '+19102484781', 'u', 'My Burner', NULL, '[]', 1669915167768, 1672507167768);
INSERT INTO messages VALUES (1, 'm1', 1, 'You there?', '+19198887386', 2, NULL, 1669918590384, 1, 'b1', 0, 2, NULL),
 (2, 'm2', 3, '', '+19198887386', 1, NULL, 1669920120720, 1, 'b1', 2, 1, NULL),
 (3, 'm3', 1, '', '+19198887386', 2, NULL, 1669919295135, 1, 'b1', 0, 1, 'https://s3/a.jpg');
INSERT INTO contacts VALUES (1, 'c1', 'This Is DFIR Two', '+19198887386', 'b1', 1613670031089, 0, NULL);"

# instagram_ios: archives are binary plists, written by a Python script.
mkdir -p "$root/chat_instagram_ios"
python3 "$(dirname "$0")/make_instagram_seed.py" "$root/chat_instagram_ios/direct.db"

# whatsapp_android: msgstore.db in both layouts (a message deleted in each,
# so the recovered pass has rows), and wa.db.
seed whatsapp_android msgstore.db "
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
 agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER,
 subject TEXT, created_timestamp INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
 from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
 broadcast INTEGER, recipient_count INTEGER, origin INTEGER, timestamp INTEGER,
 received_timestamp INTEGER, receipt_server_timestamp INTEGER, message_type INTEGER,
 text_data TEXT, starred INTEGER, sort_id INTEGER NOT NULL DEFAULT 0);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, file_path TEXT,
 file_size INTEGER, width INTEGER, height INTEGER, message_url TEXT, mime_type TEXT, media_name TEXT,
 file_hash TEXT, media_duration INTEGER, media_caption TEXT);
CREATE TABLE message_quoted (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, from_me INTEGER,
 key_id TEXT, text_data TEXT);
CREATE TABLE message_forwarded (message_row_id INTEGER PRIMARY KEY, forward_score INTEGER);
CREATE TABLE message_revoked (message_row_id INTEGER PRIMARY KEY, revoked_key_id TEXT, revoke_timestamp INTEGER);
CREATE TABLE message_location (message_row_id INTEGER PRIMARY KEY, latitude REAL, longitude REAL,
 place_name TEXT);
CREATE TABLE group_participant_user (_id INTEGER PRIMARY KEY AUTOINCREMENT, group_jid_row_id INTEGER,
 user_jid_row_id INTEGER);
CREATE TABLE receipt_user (_id INTEGER PRIMARY KEY AUTOINCREMENT, message_row_id INTEGER,
 receipt_user_jid_row_id INTEGER, receipt_timestamp INTEGER, read_timestamp INTEGER);
CREATE TABLE call_log (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER, from_me INTEGER,
 call_id TEXT, timestamp INTEGER, video_call INTEGER, duration INTEGER, call_result INTEGER,
 group_jid_row_id INTEGER NOT NULL DEFAULT 0);
INSERT INTO jid VALUES (1, '15550001111', 's.whatsapp.net', 0, 0, 0, '15550001111@s.whatsapp.net'),
 (2, '120363000000000001', 'g.us', 0, 0, 1, '120363000000000001@g.us'), (3, 'x', 'y', 0, 0, 0, NULL);
INSERT INTO chat VALUES (1, 1, 0, NULL, 0), (2, 2, 0, 'Lake', 0);
INSERT INTO group_participant_user VALUES (1, 2, 1), (2, 2, 3);
INSERT INTO message VALUES (1, -1, 0, '-1', 0, -1, 0, 0, 0, 0, 0, -1, 0, NULL, 0, 1),
 (2, 1, 0, 'A', 0, 0, 0, 0, 0, 1700000000123, 1700000001456, -1, 0, 'hello', 0, 2),
 (3, 2, 1, 'B', 0, 13, 0, 2, 0, 1700000060000, 0, 1, 1, 'pic', 1, 3),
 (4, 2, 0, 'C', 3, 6, 0, 0, 0, 1700000070000, 0, -1, 7, '', 0, 4),
 (5, 1, 0, 'D', 0, 0, 0, 0, 0, 1700000080000, 0, -1, 15, NULL, 0, 5),
 (6, 1, 1, 'E', 0, 5, 0, 0, 0, 1700000090000, 0, -1, 0, 'gone soon', 0, 6);
INSERT INTO message_media VALUES (3, 2, 'Media/a.jpg', 10, 1, 1, 'https://x', 'image/jpeg', NULL,
 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=', 0, NULL);
INSERT INTO message_quoted VALUES (3, 2, 0, 'A', 'hello');
INSERT INTO message_forwarded VALUES (3, 1);
INSERT INTO message_revoked VALUES (5, 'D0', 1700000081000);
INSERT INTO message_location VALUES (2, 1.5, 2.5, 'here');
INSERT INTO receipt_user VALUES (1, 6, 1, 1700000091000, 1700000092000);
INSERT INTO call_log VALUES (1, 1, 0, 'c', 1700000100000, 1, 60, 5, 0);
PRAGMA secure_delete = OFF;
DELETE FROM message WHERE _id = 6;"

seed whatsapp_android msgstore_legacy.db "
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL,
 key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, data TEXT, timestamp INTEGER,
 media_url TEXT, media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT,
 media_caption TEXT, media_hash TEXT, media_duration INTEGER, latitude REAL, longitude REAL,
 thumb_image TEXT, remote_resource TEXT, received_timestamp INTEGER, receipt_device_timestamp INTEGER,
 read_device_timestamp INTEGER, starred INTEGER, quoted_row_id INTEGER, forwarded INTEGER);
CREATE TABLE messages_quotes (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL,
 key_id TEXT NOT NULL, data TEXT);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE, subject TEXT);
CREATE TABLE group_participants (_id INTEGER PRIMARY KEY AUTOINCREMENT, gjid TEXT NOT NULL,
 jid TEXT NOT NULL);
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, timestamp) VALUES (1, '-1', 0, '-1', -1, 0);
INSERT INTO messages VALUES (2, '1555@s.whatsapp.net', 0, 'a', 0, 'hi', 1546300800000, NULL, NULL, '0',
 NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, 1546300801000, NULL, NULL, 0, NULL, 0),
 (3, '1-2@g.us', 0, 'b', 0, NULL, 1546300900000, 'https://x', 'image/jpeg', '1', 99, NULL, 'cap',
 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=', 0, 1.5, 2.5,
 X'aced000574000b2f73746f726167652f78', '1555@s.whatsapp.net', 0, NULL, NULL, 1, 1, 1),
 (4, '1-2@g.us', 1, 'c', 6, 'to go', 1546301000000, NULL, NULL, '0', NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL, NULL, NULL, 1546301001000, 1546301002000, 0, NULL, NULL);
INSERT INTO messages_quotes VALUES (1, '1-2@g.us', 'a', 'hi');
INSERT INTO chat_list VALUES (1, '1-2@g.us', 'Group');
INSERT INTO group_participants VALUES (1, '1-2@g.us', '1555@s.whatsapp.net'), (2, '1-2@g.us', '');
PRAGMA secure_delete = OFF;
DELETE FROM messages WHERE _id = 4;"

seed whatsapp_android wa.db "
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL,
 is_whatsapp_user BOOLEAN NOT NULL, status TEXT, status_timestamp INTEGER, number TEXT,
 raw_contact_id INTEGER, display_name TEXT, given_name TEXT, family_name TEXT, wa_name TEXT,
 sort_name TEXT, nickname TEXT, company TEXT, title TEXT);
INSERT INTO wa_contacts VALUES (1, '1555@s.whatsapp.net', 1, 'Hey', 1546300000000, '+1555', 3,
 'Alice', 'Alice', NULL, 'ali', NULL, NULL, NULL, NULL),
 (2, '1666@s.whatsapp.net', 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Bob', NULL, NULL, NULL, NULL);"

# whatsapp_ios: ChatStorage.sqlite (Core Data), one message deleted.
seed whatsapp_ios ChatStorage.sqlite "
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZSESSIONTYPE INTEGER,
 ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZFLAGS INTEGER, ZGROUPEVENTTYPE INTEGER,
 ZISFROMME INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSTARRED INTEGER,
 ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEDATE TIMESTAMP,
 ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR,
 ZTOJID VARCHAR);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZFILESIZE INTEGER, ZMOVIEDURATION INTEGER,
 ZMESSAGE INTEGER, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR,
 ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR);
CREATE TABLE ZWAGROUPMEMBER (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZCONTACTNAME VARCHAR,
 ZFIRSTNAME VARCHAR, ZMEMBERJID VARCHAR);
CREATE TABLE ZWAPROFILEPUSHNAME (Z_PK INTEGER PRIMARY KEY, ZJID VARCHAR, ZPUSHNAME VARCHAR);
INSERT INTO ZWACHATSESSION VALUES (1, 4, 0, '1555@s.whatsapp.net', 'Alice'), (2, 4, 1, '1-2@g.us', 'Club');
INSERT INTO ZWAGROUPMEMBER VALUES (1, 2, 'Alice', 'A', '1555@s.whatsapp.net'), (2, 2, NULL, NULL, '1666@s.whatsapp.net');
INSERT INTO ZWAPROFILEPUSHNAME VALUES (1, '1666@s.whatsapp.net', 'bob');
INSERT INTO ZWAMESSAGE VALUES (1, 9, 0, 0, 0, 8, 0, 1, 0, 1, NULL, NULL, 700000000, 700000000, '1555@s.whatsapp.net', NULL, 'a', 'hi', NULL),
 (2, 9, 0, 0, 1, 6, 1, 2, 1, 2, NULL, 1, 700000060.5, NULL, NULL, NULL, 'b', NULL, '1-2@g.us'),
 (3, 9, 0, 3, 0, 8, 6, 3, 0, 2, 2, NULL, 700000070, NULL, '1-2@g.us', 'bob', 'c', NULL, NULL),
 (4, 9, 0, 0, 0, 8, 14, 4, 0, 1, NULL, NULL, 700000080, NULL, '1555@s.whatsapp.net', NULL, 'd', NULL, NULL),
 (5, 9, 0, 0, 1, 6, 0, 5, 0, 1, NULL, NULL, 700000090, NULL, NULL, NULL, 'e', 'to be deleted', '1555@s.whatsapp.net');
INSERT INTO ZWAMEDIAITEM VALUES (1, 100, 0, 2, 0, 0, 'Media/a.jpg', 'https://x', 'cap', NULL, 'image/jpeg'),
 (2, NULL, NULL, 9, 1.5, 2.5, NULL, NULL, 'place', 'Carol', 'BEGIN:VCARD');
PRAGMA secure_delete = OFF;
DELETE FROM ZWAMESSAGE WHERE Z_PK = 5;"

# telegram_android: cache4.db; the data BLOBs are TL objects (tl.c): a
# message with forward, reply and media (0x3ae56482), an int-era one
# (0x44f9b43d), a secret one (0x555555fa), a service one (0x2b085862), an
# unknown constructor, and one deleted.
seed telegram_android cache4.db "
CREATE TABLE messages_v2(mid INTEGER, uid INTEGER, read_state INTEGER, send_state INTEGER,
 date INTEGER, data BLOB, out INTEGER, ttl INTEGER, media INTEGER, replydata BLOB, imp INTEGER,
 mention INTEGER, forwards INTEGER, replies_data BLOB, thread_reply_id INTEGER, is_channel INTEGER,
 reply_to_message_id INTEGER, custom_params BLOB, group_id INTEGER, reply_to_story_id INTEGER,
 PRIMARY KEY(mid, uid));
CREATE TABLE users(uid INTEGER PRIMARY KEY, name TEXT, status INTEGER, data BLOB);
CREATE TABLE chats(uid INTEGER PRIMARY KEY, name TEXT, data BLOB);
CREATE TABLE enc_chats(uid INTEGER PRIMARY KEY, user INTEGER, name TEXT, data BLOB);
CREATE TABLE user_contacts_v7(key TEXT PRIMARY KEY, uid INTEGER, fname TEXT, sname TEXT, imported INTEGER);
CREATE TABLE user_phones_v7(key TEXT, phone TEXT, sphone TEXT, deleted INTEGER, PRIMARY KEY (key, phone));
INSERT INTO users VALUES (1001, 'olga;;;o', 1, NULL), (2002, 'pavel petrov;;;pasha', -100, NULL);
INSERT INTO chats VALUES (5005, 'Club', NULL);
INSERT INTO enc_chats VALUES (7, 2002, 'pavel', NULL);
INSERT INTO user_contacts_v7 VALUES ('k', 2002, 'Pavel', 'Petrov', 1);
INSERT INTO user_phones_v7 VALUES ('k', '+7999', '7999', 0);
INSERT INTO messages_v2 (mid, uid, read_state, send_state, date, data, out, ttl, media) VALUES
 (10, 2002, 3, 0, 1700000000, X'8264e53a0f030000000000000a00000022175159e90300000000000022175159d207000000000000ce7d775f2100000022175159bb0b00000000000006417574686f720018ed5365db09bcaf100000000900000000f153650b68656c6c6f207468657265d750516900000000', 1, 0, 1),
 (11, -5005, 3, 0, 1500000000, X'3db4f944000100000b000000d2070000bbe5d0ba8d130000002f6859076f6c64206f6e65', 0, 0, 0),
 (12, 30064771072, 3, 0, 1600000000, X'fa555555020000000c0000001e000000e90300006dbcb19dd207000000105e5f06736563726574002063ed3d', 1, 30, 1),
 (13, -5005, 3, 0, 1600000001, X'6258082b000100000d00000022175159e9030000000000009a01c6368d1300000000000001105e5f00fdce15', 0, 0, 0),
 (14, 2002, 3, 0, 1600000002, X'bebafeca00000000', 0, 0, 0),
 (15, 2002, 3, 2, 1700000100, X'e06e1138020100000e00000022175159e90300000000000022175159d20700000000000064f153651b746f2062652064656c657465642066726f6d207468652073656564', 1, 0, 0);
PRAGMA secure_delete = OFF;
DELETE FROM messages_v2 WHERE mid = 15;"

# telegram_desktop: Telegram Desktop JSON exports (whole account, one chat).
mkdir -p "$root/chat_telegram_desktop"
cat > "$root/chat_telegram_desktop/result.json" <<'JSON'
{
 "about": "Here is the data you requested.",
 "personal_information": { "user_id": 111, "first_name": "Ada", "last_name": "L", "phone_number": "+44 1", "username": "@ada", "bio": "b" },
 "contacts": { "about": "c", "list": [ { "first_name": "C", "last_name": "B", "phone_number": "+44 2", "date": "2020-05-01T10:00:00", "date_unixtime": "1588327200" } ] },
 "chats": { "about": "x", "list": [ { "name": "C B", "type": "personal_chat", "id": 444, "messages": [
  { "id": 1, "type": "message", "date": "2023-11-14T23:13:20", "date_unixtime": "1700000000", "from": "C B", "from_id": "user444", "text": "hi" },
  { "id": 2, "type": "message", "date": "2023-11-14T23:14:20", "date_unixtime": "1700000060", "edited": "2023-11-14T23:15:00", "from": "Ada L", "from_id": "user111", "reply_to_message_id": 1, "text": [ "a ", { "type": "bold", "text": "b" } ] },
  { "id": 3, "type": "message", "date": "2023-11-14T23:20:00", "from": "C B", "from_id": "user444", "forwarded_from": "X", "photo": "photos/p.jpg", "thumbnail": "photos/p_thumb.jpg", "media_type": "video_file", "mime_type": "video/mp4", "location_information": { "latitude": 1.5, "longitude": 2.5 }, "text": "" },
  { "id": 4, "type": "service", "date": "2023-11-14T23:30:00", "date_unixtime": "1700001000", "actor": "Ada L", "actor_id": "user111", "action": "phone_call", "text": "" } ] } ] },
 "left_chats": { "about": "l", "list": [ { "name": "G", "type": "private_group", "id": 55, "messages": [ { "id": 1, "type": "message", "date_unixtime": "1546300800", "from_id": "user111", "text": "bye" } ] } ] }
}
JSON
cat > "$root/chat_telegram_desktop/one_chat.json" <<'JSON'
{
 "name": "Grace",
 "type": "personal_chat",
 "id": 9,
 "messages": [ { "id": 7, "type": "message", "date": "2019-06-30T23:59:60", "from": "Grace", "from_id": 9, "text": "caf\u00e9 \ud83d\ude00", "file": "(File not included. Change data exporting settings to download.)" } ]
}
JSON

# kik: iOS kik.sqlite and Android kikDatabase.db, a message deleted in each.
seed kik kik.sqlite "
CREATE TABLE ZKIKUSER (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZDISPLAYNAME VARCHAR, ZJID VARCHAR,
 ZUSERNAME VARCHAR);
CREATE TABLE ZKIKMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZSTATE INTEGER, ZTYPE INTEGER,
 ZCHAT INTEGER, ZUSER INTEGER, ZRECEIVEDTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBODY VARCHAR);
CREATE TABLE ZKIKATTACHMENT (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, ZCONTENT VARCHAR);
INSERT INTO ZKIKUSER VALUES (1, 9, 'Sam', 'sam_a@talk.kik.com', 'sam'), (2, 9, 'Crew', '1_g@groups.kik.com', NULL);
INSERT INTO ZKIKMESSAGE VALUES (1, 7, 500, 1, 1, 1, 600000001, 600000000, 'hi'),
 (2, 7, 400, 2, 1, 1, 600000060.5, 600000060.25, 'yo'), (3, 7, 500, 3, 2, 2, NULL, 600000120, 'joined'),
 (4, 7, 500, 4, 2, 1, 600000130, 600000130, NULL), (5, 7, 500, 1, 1, 1, 1, 2, 'soon gone');
INSERT INTO ZKIKATTACHMENT VALUES (1, 4, 'guid-1');
PRAGMA secure_delete = OFF;
DELETE FROM ZKIKMESSAGE WHERE Z_PK = 5;"

seed kik kikDatabase.db "
CREATE TABLE messagesTable (_id INTEGER PRIMARY KEY, body VARCHAR, partner_jid VARCHAR, was_me INT,
 read_state INT, uid VARCHAR, length INT, timestamp LONG, bin_id VARCHAR, sys_msg VARCHAR,
 stat_msg VARCHAR, stat_user_jid VARCHAR, content_id VARCHAR);
CREATE TABLE KIKcontactsTable (_id INTEGER PRIMARY KEY, jid VARCHAR UNIQUE, display_name VARCHAR,
 user_name VARCHAR, in_roster INT, is_blocked INT);
INSERT INTO KIKcontactsTable VALUES (1, 'sam_a@talk.kik.com', 'Sam', 'sam', 1, 0), (2, '1_g@groups.kik.com', 'Crew', NULL, 1, 1);
INSERT INTO messagesTable VALUES (1, 'hi', 'sam_a@talk.kik.com', 0, 500, 'u1', 2, 1600000000123, 'sam_a@talk.kik.com', NULL, NULL, NULL, NULL),
 (2, NULL, NULL, 0, 500, 'u2', 0, 1600000001000, '1_g@groups.kik.com', NULL, 'Sam joined', 'sam_a@talk.kik.com', NULL),
 (3, NULL, 'sam_a@talk.kik.com', 1, 400, 'u3', 0, 1600000002000, 'sam_a@talk.kik.com', NULL, NULL, NULL, 'c1'),
 (4, 'soon gone', 'sam_a@talk.kik.com', 1, 400, 'u4', 9, 1600000003000, 'sam_a@talk.kik.com', NULL, NULL, NULL, NULL);
PRAGMA secure_delete = OFF;
DELETE FROM messagesTable WHERE _id = 4;"

# facebook_messenger: threads_db2 with JSON senders and attachments, one deleted.
seed facebook_messenger threads_db2 "
CREATE TABLE threads (thread_key TEXT PRIMARY KEY, name TEXT, snippet TEXT, timestamp_ms INTEGER);
CREATE TABLE messages (msg_id TEXT PRIMARY KEY, thread_key TEXT, text TEXT, sender TEXT,
 timestamp_ms INTEGER, timestamp_sent_ms INTEGER, attachments TEXT, sticker_id TEXT, msg_type INTEGER,
 send_error TEXT, snippet TEXT);
CREATE TABLE thread_users (user_key TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, name TEXT, username TEXT);
CREATE TABLE thread_participants (thread_key TEXT, user_key TEXT, PRIMARY KEY (thread_key, user_key));
INSERT INTO threads VALUES ('ONE_TO_ONE:2:1', NULL, 's', 1), ('ONE_TO_ONE:1:3', NULL, 's', 1), ('GROUP:9', 'Club', NULL, 1);
INSERT INTO thread_users VALUES ('FACEBOOK:1', 'O', 'O', 'Owen', 'owen'), ('FACEBOOK:2', 'M', 'M', 'Mia', NULL);
INSERT INTO thread_participants VALUES ('GROUP:9', 'FACEBOOK:1'), ('GROUP:9', 'FACEBOOK:2');
INSERT INTO messages VALUES ('m1', 'ONE_TO_ONE:2:1', 'hi', '{\"user_key\":\"FACEBOOK:2\",\"name\":\"Mia\"}', 1650000000123, 1650000000000, '[]', NULL, 0, NULL, NULL),
 ('m2', 'GROUP:9', NULL, '{\"user_key\":\"FACEBOOK:1\"}', 1650000060000, NULL, '[{\"filename\":\"a.jpg\",\"mime_type\":\"image/jpeg\",\"file_size\":5,\"urls\":{\"FULL_SCREEN\":\"https://x\"}}]', NULL, 0, NULL, NULL),
 ('m3', 'GROUP:9', NULL, 'not json', 1650000070000, NULL, '[{', '369239263222822', 3, 'err', NULL),
 ('m4', 'ONE_TO_ONE:1:3', 'soon gone from the thread', '{\"user_key\":\"FACEBOOK:1\"}', 1650000080000, NULL, NULL, NULL, 0, NULL, NULL);
PRAGMA secure_delete = OFF;
DELETE FROM messages WHERE msg_id = 'm4';"

# hangouts: babel.db, one message deleted.
seed hangouts babel.db "
CREATE TABLE conversations (_id INTEGER PRIMARY KEY, conversation_id TEXT, conversation_type INT, name TEXT,
 generated_name TEXT, UNIQUE (conversation_id));
CREATE TABLE participants (_id INTEGER PRIMARY KEY, gaia_id TEXT, chat_id TEXT, phone_id TEXT, first_name TEXT,
 full_name TEXT, fallback_name TEXT, blocked INT DEFAULT(0));
CREATE TABLE conversation_participants (_id INTEGER PRIMARY KEY, participant_row_id INT, conversation_id TEXT);
CREATE TABLE messages (_id INTEGER PRIMARY KEY, message_id TEXT, conversation_id TEXT, author_chat_id TEXT,
 author_gaia_id TEXT, text TEXT, timestamp INT, status INT, type INT, local_url TEXT, remote_url TEXT,
 attachment_content_type TEXT, width_pixels INT, height_pixels INT, latitude DOUBLE, longitude DOUBLE,
 new_conversation_name TEXT);
INSERT INTO conversations VALUES (1, 'c1', 1, NULL, 'John'), (2, 'c2', 2, 'Trip', NULL);
INSERT INTO participants VALUES (1, '1', '1', NULL, 'Me', 'Me M', NULL, 0), (2, '2', '2', '+1555', 'John', 'John M', NULL, 1);
INSERT INTO conversation_participants VALUES (1, 1, 'c1'), (2, 2, 'c1'), (3, 1, 'c2'), (4, 2, 'c2');
INSERT INTO messages VALUES (1, 'm1', 'c1', '1', '1', 'hi', 1500266400000000, 4, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (2, 'm2', 'c1', '2', '2', 'How are you?', 1500266514326967, 4, 2, NULL, NULL, NULL, NULL, NULL, 1.5, 2.5, NULL),
 (3, 'm3', 'c2', '2', '2', NULL, 1500266600000000, 0, 2, 'content://x', 'https://y', 'image/jpeg', 640, 480, NULL, NULL, NULL),
 (4, 'm4', 'c2', '1', '1', NULL, 1500266700000000, 4, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'Trip'),
 (5, 'm5', 'c1', '1', '1', 'soon gone from babel', 1500266800000000, 4, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
PRAGMA secure_delete = OFF;
DELETE FROM messages WHERE _id = 5;"

# whatsapp_export: "Export chat" text files, Android and iOS forms.
mkdir -p "$root/chat_whatsapp_export"
printf '12/31/20, 11:59\342\200\257PM - Messages and calls are end-to-end encrypted.\r\n12/31/20, 11:59\342\200\257PM - Alice: Happy new year\r\n1/1/21, 12:00\342\200\257AM - Bob: Same\r\nsecond line\r\n1/1/21, 12:01\342\200\257AM - Bob: IMG-20210101-WA0001.jpg (file attached)\r\n1/1/21, 12:02\342\200\257AM - Alice: <Media omitted>\r\n' \
	> "$root/chat_whatsapp_export/android.txt"
printf '[31/12/2020, 23:59:12] Alice: Happy new year\n[01/01/2021, 00:00:05] Bob: \342\200\216<attached: 00000012-PHOTO-2021-01-01-00-00-05.jpg>\n\342\200\216[01/01/2021, 00:01:00] Alice: ok\n' \
	> "$root/chat_whatsapp_export/ios.txt"
printf '01/02/21, 10:00 - A: first\n03/04/21, 10:00 - A: second\n31.12.20, 23:59 - Anna: x\n' \
	> "$root/chat_whatsapp_export/ambiguous.txt"

# meta_export: Facebook and Instagram message threads (JSON).
mkdir -p "$root/chat_meta_export"
cat > "$root/chat_meta_export/message_1.json" <<'JSON'
{
  "participants": [ { "name": "Zo\u00c3\u00ab Dupont" }, { "name": "Ken" } ],
  "messages": [
    { "sender_name": "Ken", "timestamp_ms": 1600000300000, "content": "the photo", "photos": [ { "uri": "messages/inbox/z_1/photos/1.jpg", "creation_timestamp": 1600000300 } ], "type": "Generic", "is_unsent": false },
    { "sender_name": "Zo\u00c3\u00ab Dupont", "timestamp_ms": 1600000200000, "content": "Caf\u00c3\u00a9 ? \u00f0\u009f\u0098\u0080", "type": "Generic", "share": { "link": "https://x", "share_text": "s" }, "sticker": { "uri": "s.png" } },
    { "sender_name": "Ken", "timestamp_ms": 1600000100000, "content": "Ken called you.", "call_duration": 125, "type": "Call" },
    { "sender_name": "Ken", "timestamp_ms": 1600000000000, "type": "Generic", "is_unsent": true }
  ],
  "title": "Zo\u00c3\u00ab Dupont", "is_still_participant": true, "thread_type": "Regular", "thread_path": "inbox/z_1", "magic_words": []
}
JSON
cat > "$root/chat_meta_export/camel.json" <<'JSON'
{ "participants": [ "Ana", "Bo" ], "threadName": "Ana", "messages": [ { "isUnsent": false, "media": [ { "uri": "./media/a.jpg" } ], "reactions": [], "senderName": "Ana", "text": "new format", "timestamp": 1700000000000, "type": "text", "is_geoblocked_for_viewer": false } ], "threadPath": "x/ana_1" }
JSON

# snapchat: arroyo.db with message_content protobuf blobs (text, share, list,
# media, a malformed one), one message deleted.
seed snapchat arroyo.db "
CREATE TABLE conversation_message (client_conversation_id TEXT NOT NULL, client_message_id INTEGER NOT NULL,
 server_message_id INTEGER, content_type INTEGER, message_content BLOB, message_state_type TEXT, sender_id TEXT,
 creation_timestamp INTEGER, read_timestamp INTEGER, PRIMARY KEY (client_conversation_id, client_message_id));
CREATE TABLE user_conversation (client_conversation_id TEXT NOT NULL, user_id TEXT NOT NULL,
 conversation_type INTEGER, PRIMARY KEY (client_conversation_id, user_id));
CREATE TABLE required_values (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO required_values VALUES ('USERID', 'me');
INSERT INTO user_conversation VALUES ('c1', 'me', 0), ('c1', 'ana', 0), ('g1', 'me', 1), ('g1', 'ana', 1), ('g1', 'bo', 1);
INSERT INTO conversation_message VALUES
 ('c1', 1, 91, 1, x'10fbd095ffbc3122160803221212100a0c6865792c20796f752075703f10012800', 'COMMITTED', 'ana', 1700000000123, 1700000060456),
 ('c1', 2, 92, 1, x'10fbd095ffbc31220d0803220912070a0379657310012800', 'COMMITTED', 'me', 1700000100789, NULL),
 ('g1', 1, 93, 3, x'10fbd095ffbc3122100803220c3a0a08035a060a046c6f6f6b2800', 'COMMITTED', 'bo', 1700000200000, NULL),
 ('g1', 2, 94, 99, x'10fbd095ffbc31221908032215c20112180712050a030a0161180712050a030a01622800', 'COMMITTED', 'ana', 1700000300000, NULL),
 ('g1', 3, 95, 2, x'10fbd095ffbc312208080322041a02082a2800', 'COMMITTED', 'me', 1700000400000, NULL),
 ('g1', 4, 96, 1, x'08012205aabb', 'COMMITTED', 'bo', 'x', -1),
 ('c1', 3, 97, 1, x'10fbd095ffbc31221f0803221b12190a15736f6f6e20676f6e652066726f6d206172726f796f10012800', 'COMMITTED', 'ana', 1700000500000, NULL);
PRAGMA secure_delete = OFF;
DELETE FROM conversation_message WHERE client_message_id = 3 AND client_conversation_id = 'c1';"

# signal_android: signal.db (decrypted), the 2024 message layout, a group,
# an attachment, a call, one message deleted.
seed signal_android signal.db "
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, date_sent INTEGER NOT NULL, date_received INTEGER NOT NULL,
 date_server INTEGER DEFAULT -1, thread_id INTEGER NOT NULL, from_recipient_id INTEGER NOT NULL, from_device_id INTEGER,
 to_recipient_id INTEGER NOT NULL, type INTEGER NOT NULL, body TEXT, read INTEGER DEFAULT 0, quote_id INTEGER DEFAULT 0,
 quote_author INTEGER DEFAULT 0, quote_body TEXT DEFAULT NULL, remote_deleted INTEGER DEFAULT 0,
 latest_revision_id INTEGER DEFAULT NULL, original_message_id INTEGER DEFAULT NULL, revision_number INTEGER DEFAULT 0);
CREATE TABLE recipient (_id INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER DEFAULT 0, e164 TEXT UNIQUE, aci TEXT UNIQUE,
 username TEXT UNIQUE, email TEXT UNIQUE, group_id TEXT UNIQUE, blocked INTEGER DEFAULT 0, profile_given_name TEXT,
 profile_joined_name TEXT, system_joined_name TEXT, nickname_joined_name TEXT);
CREATE TABLE thread (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, recipient_id INTEGER NOT NULL UNIQUE);
CREATE TABLE groups (_id INTEGER PRIMARY KEY, group_id TEXT NOT NULL UNIQUE, recipient_id INTEGER NOT NULL UNIQUE, title TEXT);
CREATE TABLE group_membership (_id INTEGER PRIMARY KEY, group_id TEXT NOT NULL, recipient_id INTEGER NOT NULL,
 UNIQUE(group_id, recipient_id));
CREATE TABLE attachment (_id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER, content_type TEXT, data_file TEXT,
 data_size INTEGER, file_name TEXT, width INTEGER DEFAULT 0, height INTEGER DEFAULT 0, caption TEXT);
INSERT INTO recipient (_id, type, e164, aci, username, group_id, blocked, profile_joined_name, system_joined_name) VALUES
 (1, 0, '+15550000001', 'a1', NULL, NULL, 0, 'Olive', NULL), (2, 0, '+15550000002', NULL, NULL, NULL, 0, NULL, 'Bob'),
 (3, 0, NULL, 'c3', 'cara.01', NULL, 1, 'Cara', NULL), (4, 3, NULL, NULL, NULL, 'g1', 0, NULL, NULL);
INSERT INTO groups VALUES (1, 'g1', 4, 'Club');
INSERT INTO group_membership (group_id, recipient_id) VALUES ('g1', 1), ('g1', 2), ('g1', 3);
INSERT INTO thread (_id, recipient_id) VALUES (1, 2), (2, 4);
INSERT INTO message (_id, date_sent, date_received, thread_id, from_recipient_id, to_recipient_id, type, body, read,
 remote_deleted, latest_revision_id, original_message_id) VALUES
 (1, 1700000000123, 1700000001456, 1, 2, 1, 10485780, 'hi', 1, 0, NULL, NULL),
 (2, 1700000060000, 1700000060001, 1, 1, 2, 10485783, 'yo', 0, 0, 5, NULL),
 (3, 1700000120000, 1700000121000, 2, 3, 4, 10485780, NULL, 0, 1, NULL, NULL),
 (4, 1700000180000, 1700000180001, 2, 1, 4, 10485783, NULL, 0, 0, NULL, NULL),
 (5, 1700000240000, 1700000240500, 1, 2, 1, 10, NULL, 1, 0, NULL, 2),
 (6, 1700000300000, 1700000300500, 1, 2, 1, 11075607, 'x', 0, 0, NULL, NULL),
 (7, 1700000360000, 1700000360500, 1, 2, 1, 10485780, 'soon gone from signal', 0, 0, NULL, NULL);
INSERT INTO attachment (message_id, content_type, data_file, data_size, file_name) VALUES (4, 'image/jpeg', 'p4.mms', 12, 'a.jpg');
PRAGMA secure_delete = OFF;
DELETE FROM message WHERE _id = 7;"

seed instagram_android direct.db "
CREATE TABLE threads(_id integer primary key autoincrement, user_id text, thread_id text, recipient_ids text,
 last_activity_time integer, is_permitted integer, seen_state integer, thread_info text not null);
CREATE TABLE messages(_id integer primary key autoincrement, user_id text, server_item_id text, client_item_id text,
 thread_id text, recipient_ids text, timestamp integer not null, sender_id text not null, message_type text not null,
 text text, message text not null, upload_status integer not null, is_invisible integer not null);
INSERT INTO threads (user_id, thread_id, thread_info) VALUES ('1', 't', '{\"thread_title\":\"T\",\"recipients\":[{\"id\":2,\"username\":\"u\",\"full_name\":\"U\"}]}');
INSERT INTO messages VALUES (1, '1', 's', 'c', 't', '2', 1600000000123456, '2', 'text', 'hi', '{\"item_type\":\"text\",\"user_id\":2}', 0, 0),
 (2, '1', 's2', 'c2', 't', '2', 1600000060000000, '1', 'reel_share', NULL, '{\"reel_share\":{\"text\":\"r\"}}', 0, 0),
 (3, '1', NULL, NULL, NULL, NULL, 0, '', '', NULL, '{bad', 0, 0),
 (4, '1', 's4', 'c4', 't', '2', 1600000120000000, '2', 'text', 'gone from instagram', '{}', 0, 0);
PRAGMA secure_delete = OFF;
DELETE FROM messages WHERE _id = 4;"

seed line naver_line "
CREATE TABLE chat_history (id INTEGER PRIMARY KEY AUTOINCREMENT, server_id TEXT, type INTEGER, chat_id TEXT,
 from_mid TEXT, content TEXT, created_time TEXT, delivered_time TEXT, status INTEGER, read_count INTEGER,
 location_name TEXT, location_latitude INTEGER, attachement_image_size INTEGER, attachement_type INTEGER,
 attachement_local_uri TEXT, parameter TEXT);
CREATE TABLE contacts (m_id TEXT PRIMARY KEY, name TEXT, server_name TEXT, custom_name TEXT);
CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT);
CREATE TABLE membership (id TEXT, m_id TEXT);
CREATE TABLE chat (chat_id TEXT PRIMARY KEY, chat_name TEXT);
INSERT INTO contacts VALUES ('u1', 'A', 'B', NULL), ('u2', NULL, 'C', 'D');
INSERT INTO groups VALUES ('g1', 'G'); INSERT INTO membership VALUES ('g1', 'u1'), ('g1', 'u2');
INSERT INTO chat_history (id, chat_id, from_mid, content, created_time, status, attachement_type, attachement_local_uri)
 VALUES (1, 'u1', 'u1', 'hi', '1600000000123', 1, 0, NULL), (2, 'g1', NULL, NULL, '1600000060000', 3, 1, '/p.jpg'),
 (3, 'u1', NULL, NULL, NULL, 1, 6, NULL), (4, 'u2', 'u2', 'gone from line', '1600000120000', 1, 0, NULL);
PRAGMA secure_delete = OFF;
DELETE FROM chat_history WHERE id = 4;"

seed line call_history "
CREATE TABLE call_history (_id INTEGER PRIMARY KEY AUTOINCREMENT, caller_mid TEXT, start_time TEXT, end_time TEXT,
 call_type TEXT, voip_type TEXT, voip_gc_media_type TEXT);
INSERT INTO call_history (caller_mid, start_time, end_time, call_type, voip_type, voip_gc_media_type) VALUES
 ('u1', '1600000000000', '1600000065000', 'O', 'A', NULL), ('g1', '1600000200000', '1600000260500', 'GI', 'G', 'V');"

seed discord a "
CREATE TABLE messages0 (k0 TEXT, k1 TEXT, k2 INTEGER, k3 INTEGER, k4 TEXT, k5 INTEGER, v BLOB);
INSERT INTO messages0 VALUES ('m', 'c1', 1, 1, NULL, 0, CAST('{\"id\":\"1\",\"channelId\":\"c1\",\"message\":{\"timestamp\":\"2021-03-04T12:34:56.789000+00:00\",\"author\":{\"id\":\"u\",\"username\":\"n\"},\"content\":\"hi\",\"attachments\":[{\"filename\":\"f.png\",\"url\":\"u\",\"size\":3}],\"edited_timestamp\":null}}' AS BLOB)),
 ('m', 'c1', 2, 1, NULL, 0, X'00ff'),
 ('m', 'c1', 3, 1, NULL, 0, CAST('{\"channelId\":\"c1\",\"message\":{\"content\":\"gone from discord\"}}' AS BLOB));
PRAGMA secure_delete = OFF;
DELETE FROM messages0 WHERE k2 = 3;"

seed imo imofriends.db "
CREATE TABLE friends (_id INTEGER PRIMARY KEY AUTOINCREMENT, buid TEXT UNIQUE, name TEXT);
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, buid TEXT, last_message TEXT, timestamp INTEGER,
 message_type INTEGER, message_read INTEGER, imdata TEXT);
INSERT INTO friends (buid, name) VALUES ('b1', 'K'), ('b2', 'L');
INSERT INTO messages (_id, buid, last_message, timestamp, message_type, message_read, imdata) VALUES
 (1, 'b1', 'hi', 1600000000123456789, 1, 1, NULL), (2, 'b1', 'yo', 1600000060000000000, 0, 1, '{\"original_path\":\"/a.jpg\",\"local_path\":\"/b\"}'),
 (3, 'b2', NULL, NULL, 2, NULL, '{bad'), (4, 'b2', 'gone from imo', 1600000120000000000, 1, 0, NULL);
PRAGMA secure_delete = OFF;
DELETE FROM messages WHERE _id = 4;"

seed twitter 1001-66.db "
CREATE TABLE conversation_entries (_id INTEGER PRIMARY KEY, entry_id INTEGER UNIQUE NOT NULL,
 sort_entry_id INTEGER UNIQUE NOT NULL, conversation_id TEXT, user_id INTEGER, created INTEGER, entry_type INTEGER,
 data BLOB, request_id TEXT, linked_entry_id INTEGER);
CREATE TABLE users (_id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE NOT NULL, username TEXT, name TEXT);
INSERT INTO users (user_id, username, name) VALUES (1, 'a', 'A'), (2, 'b', NULL);
INSERT INTO conversation_entries VALUES
 (1, 1304147890286718976, 1, '1-2', 1, 1599990000123, 0, X'4a036a026869420263c3a9122a1d00000100000000003831720301020358', 'r', NULL),
 (2, 1304147890286718977, 2, '1-2', 2, 1599990060000, 1, X'52016a02446d4202f09f988069283fe000000000000021080758', NULL, NULL),
 (3, 1304147890286718978, 3, '1-2', 2, NULL, 0, X'6a046b657074f8', NULL, NULL),
 (4, 1304147890286718979, 4, '1-2', 1, 1599990180000, 0, X'4a006a0f676f6e652066726f6d207477697458', NULL, NULL);
PRAGMA secure_delete = OFF;
DELETE FROM conversation_entries WHERE _id = 4;"

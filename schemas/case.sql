-- case.sql — the exhibit case database, schema version 3.
--
-- This file is the contract between exhibit and every reviewer or tool that
-- opens a case.  Tables hold facts; the v_* views at the end are the stable
-- interface (their names and columns do not change between versions; later
-- versions only add).  Conventions:
--   * digests are stored as BLOBs (16/20/32 bytes) and shown as lowercase hex
--     by the views;
--   * times are stored as Unix seconds (INTEGER) plus nanoseconds, with a
--     precision and a source, and shown as ISO-8601 UTC text by the views;
--   * sizes and offsets are 64-bit integers, offsets are from the start of
--     the image unless a column says otherwise;
--   * text is UTF-8; bytes that were not valid UTF-8 in the evidence are
--     kept as \xNN escapes, never dropped.
-- The schema version is PRAGMA user_version; core/casedb.c migrates older
-- cases forward when it opens them.

PRAGMA foreign_keys = ON;

-- Key/value facts about the case: creation time, tool version, schema.
CREATE TABLE case_info (
	key   TEXT PRIMARY KEY,
	value TEXT
);

-- One row per evidence item: a disk image (all its segments) or a directory.
CREATE TABLE evidence (
	id              INTEGER PRIMARY KEY,
	path            TEXT NOT NULL,          -- first segment, as given
	segments        TEXT NOT NULL,          -- every segment, newline-separated
	format          TEXT NOT NULL,          -- raw, split-raw, ewf, vmdk, vhd, aff, directory
	size            INTEGER,                -- media size in bytes
	md5             BLOB,                   -- computed over the media
	sha1            BLOB,
	sha256          BLOB,
	stored_md5      BLOB,                   -- as recorded by the acquisition (EWF)
	stored_sha1     BLOB,
	case_number     TEXT,
	evidence_number TEXT,
	examiner        TEXT,
	description     TEXT,
	notes           TEXT,
	acquired        TEXT,                   -- acquisition date as the image states it
	system_date     TEXT,                   -- the acquiring system's date, as the image states it
	acquisition_software TEXT,
	acquisition_software_version TEXT,
	acquisition_os  TEXT,
	device_model    TEXT,                   -- of the acquired device (EWF header)
	device_serial   TEXT,
	media_size      INTEGER,                -- as the acquisition states it
	chunk_size      INTEGER,                -- EWF chunk size in bytes
	compression     TEXT,                   -- EWF compression: none, fast, best, or the level
	sector_size     INTEGER,
	status          TEXT NOT NULL DEFAULT 'walking', -- walking, walked, done
	added           TEXT NOT NULL           -- ISO-8601 UTC
);

-- Partitions of a volume system (MBR, GPT, ...), including unallocated slots.
CREATE TABLE volumes (
	id          INTEGER PRIMARY KEY,
	evidence_id INTEGER NOT NULL REFERENCES evidence(id),
	vs_type     TEXT NOT NULL,              -- dos, gpt, mac, bsd, sun, none
	slot        INTEGER,                    -- partition address in the table
	offset      INTEGER NOT NULL,           -- bytes from the start of the image
	length      INTEGER NOT NULL,
	description TEXT,
	allocated   INTEGER NOT NULL            -- 0 for unpartitioned space
);
CREATE INDEX volumes_evidence ON volumes(evidence_id);

-- File systems found in the evidence.
CREATE TABLE filesystems (
	id          INTEGER PRIMARY KEY,
	evidence_id INTEGER NOT NULL REFERENCES evidence(id),
	offset      INTEGER NOT NULL,           -- bytes from the start of the image
	fs_type     TEXT NOT NULL,              -- as libtsk names it: ext4, fat32, ntfs, ...
	block_size  INTEGER,
	block_count INTEGER,
	time_source TEXT,                       -- what the times mean (UTC, or local time of an unknown zone)
	UNIQUE (evidence_id, offset, fs_type)
);

-- One row per unique content, addressed by SHA-256.
CREATE TABLE content (
	id          INTEGER PRIMARY KEY,
	sha256      BLOB NOT NULL UNIQUE,
	md5         BLOB NOT NULL,
	sha1        BLOB NOT NULL,
	size        INTEGER NOT NULL,
	mime_type   TEXT,
	stored      TEXT,                       -- path in the case's content store, if kept
	analysed    INTEGER NOT NULL DEFAULT 0  -- the plugins have seen it (resume key)
);

-- One row per place something was found: a file-system entry (allocated or
-- deleted), a carved range, an embedded child.  Directories and entries
-- without content have content_id NULL.
CREATE TABLE files (
	id          INTEGER PRIMARY KEY,
	evidence_id INTEGER NOT NULL REFERENCES evidence(id),
	walk_seq    INTEGER,                    -- order of discovery; with evidence_id, the resume key;
	                                        -- NULL for items found inside others (their parent's bundle)
	fs_id       INTEGER REFERENCES filesystems(id),
	parent_id   INTEGER REFERENCES files(id), -- the container of an embedded item
	source      TEXT NOT NULL,              -- fs, carved, embedded, recovered
	path        TEXT NOT NULL,              -- full path, '/'-separated, from the file-system root
	name        TEXT NOT NULL,
	meta_addr   INTEGER,                    -- inode / MFT entry / directory-entry address
	meta_seq    INTEGER,
	attr_type   INTEGER,                    -- the attribute read (NTFS: 128 $DATA, 144 $INDEX_ROOT); NULL: the default
	attr_id     INTEGER,
	attr_name   TEXT,                       -- alternate data stream name
	type        TEXT NOT NULL,              -- r, d, l, c, b, p, s, h, w, v, -
	size        INTEGER NOT NULL DEFAULT 0,
	name_allocated INTEGER NOT NULL,        -- the directory entry is in use
	meta_allocated INTEGER NOT NULL,        -- the metadata (inode, MFT entry) is in use
	orphan      INTEGER NOT NULL DEFAULT 0, -- metadata found without a name
	mode        INTEGER,
	uid         INTEGER,
	gid         INTEGER,
	mtime INTEGER, mtime_ns INTEGER,
	atime INTEGER, atime_ns INTEGER,
	ctime INTEGER, ctime_ns INTEGER,
	crtime INTEGER, crtime_ns INTEGER,
	time_precision TEXT,                    -- 1ns, 100ns, 1s, 2s, ...
	content_id  INTEGER REFERENCES content(id),
	extension_mismatch INTEGER NOT NULL DEFAULT 0,
	status      TEXT NOT NULL DEFAULT 'done', -- done, error (content unreadable), damaged (overlaps a damaged range)
	UNIQUE (evidence_id, walk_seq)
);
CREATE INDEX files_content ON files(content_id);
CREATE INDEX files_path ON files(path);
CREATE INDEX files_parent ON files(parent_id);

-- Where a file's content lies in the image: one row per run.
CREATE TABLE data_runs (
	file_id      INTEGER NOT NULL REFERENCES files(id),
	seq          INTEGER NOT NULL,
	file_offset  INTEGER NOT NULL,          -- offset of the run inside the file
	image_offset INTEGER,                   -- bytes from the start of the image; NULL when sparse
	length       INTEGER NOT NULL,
	flags        TEXT,                      -- sparse, filler, resident, compressed, encrypted
	PRIMARY KEY (file_id, seq)
) WITHOUT ROWID;
CREATE INDEX data_runs_image ON data_runs(image_offset);

-- Space no file claims: each file system's unallocated blocks, the slack
-- of its files (from the end of a file's content to the end of its last
-- cluster, when at least 512 bytes), each disk's unpartitioned space, and
-- partitions (or whole images) where no file system was recognised, as
-- ranges for carving.
CREATE TABLE unallocated (
	id           INTEGER PRIMARY KEY,
	evidence_id  INTEGER NOT NULL REFERENCES evidence(id),
	fs_id        INTEGER REFERENCES filesystems(id),
	kind         TEXT NOT NULL,             -- fs-unallocated, slack, unpartitioned, unrecognised
	image_offset INTEGER NOT NULL,
	length       INTEGER NOT NULL
);
CREATE INDEX unallocated_evidence ON unallocated(evidence_id);

-- Files carved from space no file claims (their files rows have source
-- 'carved', path "/$CarvedFiles/<stream>/<image offset>.<extension>" and
-- one data_runs row per piece of the image they were read from).  The
-- space is carved as streams: each file system's unallocated blocks
-- joined in image order (so a file around blocks still allocated is read
-- whole), its slack, each stretch of unpartitioned or unrecognised space,
-- or the whole image (exhibit process --carve-all).  With the evidence,
-- the stream and the carver, the first byte identifies a carved file
-- across runs (the resume key).
CREATE TABLE carved (
	file_id      INTEGER PRIMARY KEY REFERENCES files(id),
	evidence_id  INTEGER NOT NULL REFERENCES evidence(id),
	stream       TEXT NOT NULL,             -- unallocated, slack, unpartitioned, unrecognised, image
	fs_id        INTEGER REFERENCES filesystems(id), -- whose unallocated space or slack it came from
	carver       TEXT NOT NULL REFERENCES plugins(name),
	image_offset INTEGER NOT NULL,          -- its first byte, from the start of the image
	length       INTEGER NOT NULL,
	fragments    INTEGER NOT NULL,          -- pieces of the image it was read from (its data_runs rows)
	joined       INTEGER NOT NULL,          -- 1: two pieces joined by the search for a second fragment
	validated    INTEGER NOT NULL           -- 1: whole, its structure validated; 0: partial, the content
	                                        -- breaks at length and no continuation was found
);
CREATE UNIQUE INDEX carved_identity ON carved(evidence_id, stream, coalesce(fs_id, 0), image_offset, carver);

-- Ranges of the media that could not be read as acquired (EWF chunks that
-- fail their checksum, truncated or missing segments, read errors).  Files
-- whose data runs overlap one are marked status = 'damaged' with an error.
CREATE TABLE damaged_ranges (
	id           INTEGER PRIMARY KEY,
	evidence_id  INTEGER NOT NULL REFERENCES evidence(id),
	image_offset INTEGER NOT NULL,
	length       INTEGER NOT NULL,
	reason       TEXT NOT NULL
);

-- Every problem met: unreadable ranges, corrupt structures, plugin failures.
CREATE TABLE errors (
	id          INTEGER PRIMARY KEY,
	evidence_id INTEGER REFERENCES evidence(id),
	file_id     INTEGER REFERENCES files(id),
	plugin      TEXT,                       -- NULL for the core
	offset      INTEGER,                    -- bytes, in the item (or the image when file_id is NULL)
	message     TEXT NOT NULL,
	at          TEXT NOT NULL
);
CREATE INDEX errors_file ON errors(file_id);

-- Plugins that took part in the case.
CREATE TABLE plugins (
	name        TEXT PRIMARY KEY,
	version     TEXT NOT NULL,
	abi_version INTEGER NOT NULL,
	description TEXT
);

-- Which plugin analysed which content, once per content (duplicates are
-- never analysed twice).
CREATE TABLE analyses (
	content_id  INTEGER NOT NULL REFERENCES content(id),
	plugin      TEXT NOT NULL REFERENCES plugins(name),
	status      TEXT NOT NULL,              -- ok, error
	PRIMARY KEY (content_id, plugin)
) WITHOUT ROWID;

-- What a plugin says of one place from its path alone (label_place in the
-- SDK): per place, duplicates included, unlike the per-content records.
CREATE TABLE place_labels (
	file_id INTEGER NOT NULL REFERENCES files(id),
	plugin  TEXT NOT NULL REFERENCES plugins(name),
	label   TEXT NOT NULL,
	PRIMARY KEY (file_id, plugin)
) WITHOUT ROWID;

-- Plugin record tables.  A plugin's emit_record(type, fields) inserts into
-- the table named by type; content_id is added by the host.  Only tables
-- listed in plugin_record_tables accept plugin records.
CREATE TABLE plugin_record_tables (
	name TEXT PRIMARY KEY
);
INSERT INTO plugin_record_tables(name) VALUES ('app_databases'), ('app_database_tables');

-- app-databases: one row per SQLite database content.
CREATE TABLE app_databases (
	content_id   INTEGER NOT NULL REFERENCES content(id),
	app          TEXT,                      -- NULL when not recognised
	app_id       TEXT,                      -- package or bundle id
	platform     TEXT,
	matched_by   TEXT,                      -- path, schema, path+schema
	tables       INTEGER,
	rows         INTEGER,
	page_size    INTEGER,
	encoding     TEXT,
	user_version INTEGER,
	journal_mode TEXT
);
CREATE INDEX app_databases_content ON app_databases(content_id);

CREATE TABLE app_database_tables (
	content_id INTEGER NOT NULL REFERENCES content(id),
	name       TEXT NOT NULL,
	rows       INTEGER,
	columns    TEXT
);
CREATE INDEX app_database_tables_content ON app_database_tables(content_id);

-- Hash sets this case was matched against: a copy of each set's identity
-- from the shared hash database, so the case stands on its own.
CREATE TABLE hash_sets (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL,
	kind            TEXT NOT NULL,          -- known-good, known-bad, categorised
	category_scheme TEXT,                   -- project-vic-us, project-vic-canada, caid-uk (categorised sets)
	source          TEXT,                   -- where the set came from (file name, publisher, version)
	imported        TEXT,                   -- ISO-8601 UTC, when it entered the hash database
	entries         INTEGER,                -- digests in the set
	set_digest      BLOB NOT NULL,          -- SHA-256 identifying this version of the set
	UNIQUE (name, set_digest)
);

-- Content whose MD5, SHA-1 or SHA-256 is in a hash set.
CREATE TABLE hash_hits (
	id          INTEGER PRIMARY KEY,
	content_id  INTEGER NOT NULL REFERENCES content(id),
	set_id      INTEGER NOT NULL REFERENCES hash_sets(id),
	algorithm   TEXT NOT NULL,              -- md5, sha1, sha256
	category    TEXT,                       -- as the set states it (categorised sets), else NULL
	UNIQUE (content_id, set_id, algorithm)
);
CREATE INDEX hash_hits_set ON hash_hits(set_id);

-- ------------------------------------------------------------- review --
-- What reviewers say about items (exhibit tag / note / categorize).  Each
-- change is a custody entry naming the examiner.

CREATE TABLE review_tags (
	id       INTEGER PRIMARY KEY,
	file_id  INTEGER NOT NULL REFERENCES files(id),
	tag      TEXT NOT NULL,
	examiner TEXT NOT NULL,
	at       TEXT NOT NULL,                 -- ISO-8601 UTC
	UNIQUE (file_id, tag)
);

CREATE TABLE review_notes (
	id       INTEGER PRIMARY KEY,
	file_id  INTEGER NOT NULL REFERENCES files(id),
	note     TEXT NOT NULL,
	examiner TEXT NOT NULL,
	at       TEXT NOT NULL
);
CREATE INDEX review_notes_file ON review_notes(file_id);

-- The category a reviewer gave an item, in a category scheme
-- (project-vic-us, project-vic-canada, caid-uk): one per item and scheme.
CREATE TABLE review_categories (
	id              INTEGER PRIMARY KEY,
	file_id         INTEGER NOT NULL REFERENCES files(id),
	category_scheme TEXT NOT NULL,
	category        TEXT NOT NULL,
	examiner        TEXT NOT NULL,
	at              TEXT NOT NULL,
	UNIQUE (file_id, category_scheme)
);

-- ------------------------------------------------------------ custody --
-- The chain of custody (core/custody.c).  Every command that creates or
-- changes the case appends one entry: who, where, when (UTC), with which
-- tool and plugin versions, what it did to what, and what it produced: a
-- Merkle root over every row of the case and over the content store.
-- Each entry holds the SHA-256 of the one before and is signed (Ed25519)
-- by the examiner's key.  `exhibit verify` recomputes all of it.  The
-- custody tables themselves are outside the rows they cover; they are
-- protected by the chain and the signatures, and the head of the chain
-- is also kept in the file custody.head beside case.db.

-- Public keys that signed entries.
CREATE TABLE custody_keys (
	fingerprint TEXT PRIMARY KEY,           -- SHA-256 of the raw Ed25519 public key, hex
	public_key  TEXT NOT NULL,              -- PEM (SubjectPublicKeyInfo)
	examiner    TEXT,
	added       TEXT NOT NULL
);

CREATE TABLE custody_entries (
	seq             INTEGER PRIMARY KEY,    -- 1, 2, 3, ... without gaps
	at              TEXT NOT NULL,          -- ISO-8601 UTC, milliseconds
	examiner        TEXT NOT NULL,
	host            TEXT NOT NULL,
	tool_version    TEXT NOT NULL,          -- exhibit's version
	plugins         TEXT NOT NULL,          -- JSON object: plugin name -> version
	action          TEXT NOT NULL,          -- process, export, tag, hashset-match, timestamp, ...
	object          TEXT NOT NULL,          -- what it acted on
	parameters      TEXT NOT NULL,          -- JSON object
	rows_added      INTEGER NOT NULL,
	rows_changed    INTEGER NOT NULL,
	rows_removed    INTEGER NOT NULL,
	blobs_added     INTEGER NOT NULL,
	table_roots     TEXT NOT NULL,          -- one line per covered table: name, rows, Merkle root (hex)
	rows_root       BLOB NOT NULL,          -- SHA-256 of table_roots: every row of the case after the action
	delta_root      BLOB NOT NULL,          -- Merkle root over the rows this action added, changed or removed
	blobs_root      BLOB NOT NULL,          -- Merkle root over the content store after the action
	output_sha256   BLOB,                   -- what it wrote outside the case (an export), or NULL
	produced        BLOB NOT NULL,          -- SHA-256 over rows_root, delta_root, blobs_root, output_sha256
	prev_hash       BLOB NOT NULL,          -- entry_hash of entry seq - 1; 32 zero bytes for the first
	key_fingerprint TEXT NOT NULL REFERENCES custody_keys(fingerprint),
	entry_hash      BLOB NOT NULL,          -- exhibit_row_digest of the columns above (core/row_digest.h)
	signature       BLOB NOT NULL           -- Ed25519 over entry_hash
);

-- The digest of every covered row as the last entry that wrote it saw it.
CREATE TABLE custody_rows (
	tbl     TEXT NOT NULL,
	row_key BLOB NOT NULL,                  -- exhibit_row_key: the rowid, or the primary key values
	digest  BLOB NOT NULL,                  -- exhibit_row_digest of the row
	seq     INTEGER NOT NULL,               -- the entry that last wrote the row
	PRIMARY KEY (tbl, row_key)
) WITHOUT ROWID;

-- The SHA-256 of every file of the content store.
CREATE TABLE custody_blobs (
	path    TEXT PRIMARY KEY,               -- relative to the case directory
	sha256  BLOB NOT NULL,
	size    INTEGER NOT NULL,
	seq     INTEGER NOT NULL
);

-- A command under way.  A row left here was interrupted (kill, crash,
-- power); the next command's entry covers what it wrote, and says so.
CREATE TABLE custody_open (
	id       INTEGER PRIMARY KEY,
	action   TEXT NOT NULL,
	scope    TEXT,                          -- tables it may change, comma-separated; NULL: every table
	started  TEXT NOT NULL,
	examiner TEXT,
	host     TEXT,
	pid      INTEGER
);

-- RFC 3161 trusted timestamps over entries' hashes.
CREATE TABLE custody_timestamps (
	id       INTEGER PRIMARY KEY,
	seq      INTEGER NOT NULL REFERENCES custody_entries(seq),
	request  BLOB,                          -- DER TimeStampReq
	reply    BLOB NOT NULL,                 -- DER TimeStampResp
	gen_time TEXT,                          -- the time the TSA states
	tsa      TEXT,                          -- the TSA's name from the token
	added    TEXT NOT NULL
);

-- ------------------------------------------------------------------ chat --
-- Conversations from messaging apps: one row per message, attachment,
-- contact, call or account an app kept, per database (or log) content.
-- Written by the chat plugins (android-sms, android-calls, imessage,
-- skype, tango, viber, instagram-ios, burner, xchat), one per app, which
-- recognise an app by its schema, never by a file's name or place.
-- Conventions of these tables:
--   * times are Unix seconds plus nanoseconds (sent, sent_ns); the app's
--     own resolution is time_precision (1s, 1ms, 1us, 1ns);  time_zone is
--     'UTC', or 'local' for a wall-clock time of an unknown zone (text
--     logs).  A time the app left empty (0) or out of range is NULL;
--   * lists (participants, recipients, phones, emails) are JSON arrays of
--     strings, for json_each();
--   * extra is a JSON object holding the app's own fields that have no
--     column here, so that nothing the app recorded is lost;
--   * flags (deleted, edited, forwarded) are 1 or 0 where the app keeps
--     them, NULL where it keeps no such thing;
--   * provenance: source_table and source_rowid are the row in the app's
--     database; recovered_from (wal, journal, freelist, freeblock,
--     unallocated, carved) and recovered_offset (bytes from the start of
--     the item) say where a row recovered from free space was found, and
--     are NULL for live rows.
-- Messages, attachments and calls name their conversation by thread_id,
-- the app's own id; the views make it unique in the case by prefixing the
-- content id ("12:1" is thread 1 of content 12).
INSERT INTO plugin_record_tables(name) VALUES
	('chat_messages'), ('chat_attachments'), ('chat_contacts'), ('chat_calls'), ('chat_accounts');

CREATE TABLE chat_messages (
	id             INTEGER PRIMARY KEY,
	content_id     INTEGER NOT NULL REFERENCES content(id),
	app            TEXT NOT NULL,           -- Android SMS/MMS, iMessage, Skype, ...
	service        TEXT,                    -- the transport the app names: SMS, MMS, iMessage, ...
	account        TEXT,                    -- the device owner's identity in the app
	thread_id      TEXT,                    -- the app's conversation id
	thread_title   TEXT,
	participants   TEXT,                    -- JSON array: everyone in the conversation
	sender         TEXT,                    -- the sender's identity (number, handle, user id)
	sender_name    TEXT,                    -- the sender's name as the app shows it
	recipients     TEXT,                    -- JSON array
	direction      TEXT NOT NULL DEFAULT 'unknown', -- incoming, outgoing, unknown
	sent INTEGER, sent_ns INTEGER,          -- when it was sent
	received INTEGER, received_ns INTEGER,  -- when this device received (or the peer was delivered) it
	read INTEGER, read_ns INTEGER,          -- when it was read
	time_precision TEXT,                    -- 1s, 1ms, 1us, 1ns
	time_zone      TEXT NOT NULL DEFAULT 'UTC', -- UTC, local
	body           TEXT,
	message_type   TEXT NOT NULL DEFAULT 'text', -- text, media, call, system
	status         TEXT,                    -- the app's state in words: sent, delivered, read, failed, draft, ...
	message_key    TEXT NOT NULL,           -- the message's key in its database; its attachments carry it
	reply_to       TEXT,                    -- the app's id of the message this one answers or quotes
	forwarded_from TEXT,                    -- the app's reference to what was forwarded
	forwarded      INTEGER,
	deleted        INTEGER,                 -- the app marked it deleted (or unsent)
	edited         INTEGER,
	extra          TEXT,                    -- JSON object
	source_table   TEXT,
	source_rowid   INTEGER,
	recovered_from TEXT,
	recovered_offset INTEGER
);
CREATE INDEX chat_messages_key ON chat_messages(content_id, message_key);
CREATE INDEX chat_messages_thread ON chat_messages(content_id, thread_id);
CREATE INDEX chat_messages_sent ON chat_messages(sent);

-- Files attached to messages, as the app recorded them.  v_attachments
-- links each to the files of the case that hold it: by the hash the app
-- recorded, else by the last two components of the path it recorded.
CREATE TABLE chat_attachments (
	id             INTEGER PRIMARY KEY,
	content_id     INTEGER NOT NULL REFERENCES content(id),
	app            TEXT NOT NULL,
	message_key    TEXT,                    -- chat_messages.message_key of its message (even when that message is gone)
	name           TEXT,                    -- the file name the app shows
	mime_type      TEXT,                    -- as the app recorded it
	size           INTEGER,                 -- bytes, as the app recorded it
	path           TEXT,                    -- where the app said it kept the file
	url            TEXT,                    -- where the app fetched it from
	hash           BLOB,                    -- a digest the app recorded of the file
	hash_algorithm TEXT,                    -- md5, sha1, sha256
	extra          TEXT,
	source_table   TEXT,
	source_rowid   INTEGER,
	recovered_from TEXT,
	recovered_offset INTEGER
);
CREATE INDEX chat_attachments_message ON chat_attachments(content_id, message_key);
CREATE INDEX files_name ON files(name);

CREATE TABLE chat_contacts (
	id             INTEGER PRIMARY KEY,
	content_id     INTEGER NOT NULL REFERENCES content(id),
	app            TEXT NOT NULL,
	account        TEXT,
	contact_id     TEXT,                    -- the app's id of the contact
	name           TEXT,
	username       TEXT,
	phones         TEXT,                    -- JSON array
	emails         TEXT,                    -- JSON array
	birthday       TEXT,                    -- as the app recorded it
	status_text    TEXT,                    -- mood, status or profile line
	created INTEGER, created_ns INTEGER,    -- when the contact was added or first seen
	last_seen INTEGER, last_seen_ns INTEGER,
	time_precision TEXT,
	blocked        INTEGER,
	deleted        INTEGER,
	extra          TEXT,
	source_table   TEXT,
	source_rowid   INTEGER,
	recovered_from TEXT,
	recovered_offset INTEGER
);
CREATE INDEX chat_contacts_content ON chat_contacts(content_id);

CREATE TABLE chat_calls (
	id             INTEGER PRIMARY KEY,
	content_id     INTEGER NOT NULL REFERENCES content(id),
	app            TEXT NOT NULL,
	account        TEXT,
	call_id        TEXT,                    -- the app's id of the call
	thread_id      TEXT,
	direction      TEXT NOT NULL DEFAULT 'unknown', -- incoming, outgoing, unknown
	status         TEXT,                    -- answered, missed, rejected, blocked, voicemail, ...
	media          TEXT,                    -- voice, video
	peer           TEXT,                    -- the other party's number or handle
	peer_name      TEXT,
	participants   TEXT,                    -- JSON array
	started INTEGER, started_ns INTEGER,
	ended INTEGER, ended_ns INTEGER,        -- as the app recorded it, or start plus duration
	duration       INTEGER,                 -- seconds
	time_precision TEXT,
	deleted        INTEGER,
	extra          TEXT,
	source_table   TEXT,
	source_rowid   INTEGER,
	recovered_from TEXT,
	recovered_offset INTEGER
);
CREATE INDEX chat_calls_content ON chat_calls(content_id);

-- The device owner's identities in each app.
CREATE TABLE chat_accounts (
	id             INTEGER PRIMARY KEY,
	content_id     INTEGER NOT NULL REFERENCES content(id),
	app            TEXT NOT NULL,
	account_id     TEXT,                    -- the identity messages name (user name, number, address)
	name           TEXT,
	phone          TEXT,
	email          TEXT,
	created INTEGER, created_ns INTEGER,
	time_precision TEXT,
	extra          TEXT,
	source_table   TEXT,
	source_rowid   INTEGER,
	recovered_from TEXT,
	recovered_offset INTEGER
);
CREATE INDEX chat_accounts_content ON chat_accounts(content_id);

-- Full-text search over message bodies (exhibit search).  The index holds
-- no copy of the text (external content).  The host indexes new messages
-- in one statement per transaction, just before it commits, and records
-- how far it got in case_info 'chat_fts_indexed' (FTS5 flushes at every
-- statement, so indexing row by row from a trigger would cost four times
-- the insert itself).  Changes to rows already indexed go through the
-- triggers, whoever makes them.
CREATE VIRTUAL TABLE chat_messages_fts USING fts5(
	body, content = 'chat_messages', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages
WHEN old.body IS NOT NULL AND old.id <= coalesce((SELECT CAST(value AS INTEGER) FROM case_info
                                                  WHERE key = 'chat_fts_indexed'), 0) BEGIN
	INSERT INTO chat_messages_fts(chat_messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF body ON chat_messages
WHEN old.id <= coalesce((SELECT CAST(value AS INTEGER) FROM case_info
                         WHERE key = 'chat_fts_indexed'), 0) BEGIN
	INSERT INTO chat_messages_fts(chat_messages_fts, rowid, body)
		SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL;
	INSERT INTO chat_messages_fts(rowid, body)
		SELECT new.id, new.body WHERE new.body IS NOT NULL;
END;

-- video-metadata, image-metadata: what a video, audio or image content's
-- own structures say (containers, EXIF, XMP, ...), one row per content.
INSERT INTO plugin_record_tables(name) VALUES ('media'), ('media_streams'), ('media_tags');

CREATE TABLE media (
	content_id      INTEGER NOT NULL REFERENCES content(id),
	kind            TEXT NOT NULL,          -- video, audio, image
	container       TEXT NOT NULL,          -- mp4, mov, 3gp, m4v, matroska, webm, avi, flv, mpegts, asf, jpeg, tiff, png, heif, avif, gif, webp, bmp
	codec           TEXT,                   -- the main stream's codec, named as ffprobe names it (h264, hevc, aac, mjpeg, ...)
	width           INTEGER,                -- pixels, as coded
	height          INTEGER,
	duration_s      REAL,                   -- seconds; animated GIF/WebP: the sum of the frame delays
	frame_rate      REAL,                   -- frames per second, average
	rotation        INTEGER,                -- degrees clockwise the picture turns for display (tkhd matrix, EXIF orientation, HEIF irot)
	orientation     INTEGER,                -- EXIF Orientation, 1-8
	created         INTEGER,                -- Unix seconds, UTC: the file states the zone, or its format is UTC (mvhd, Matroska, ASF)
	created_ns      INTEGER,
	created_local   TEXT,                   -- YYYY-MM-DDTHH:MM:SS as written, when the zone is unknown (EXIF without OffsetTime)
	created_offset  TEXT,                   -- +HH:MM, the zone of created as the file states it
	created_source  TEXT,                   -- exif:DateTimeOriginal, xmp:DateTimeOriginal, mvhd:creation_time, quicktime:keys, matroska:DateUTC, ...
	make            TEXT,
	model           TEXT,
	software        TEXT,
	lens_model      TEXT,
	body_serial     TEXT,
	lens_serial     TEXT,
	latitude        REAL,                   -- degrees (WGS 84 as the devices write it), north positive
	longitude       REAL,                   -- degrees, east positive
	altitude        REAL,                   -- metres
	location_source TEXT,                   -- exif:GPS, quicktime:udta (©xyz), quicktime:keys, 3gpp:loci, matroska:LOCATION, xmp:GPS
	streams         INTEGER NOT NULL,       -- tracks/streams the container lists
	complete        INTEGER NOT NULL        -- 1: every structure read whole; 0: damaged, truncated or cut (see v_errors)
);
CREATE INDEX media_content ON media(content_id);

-- One row per track/stream of a video or audio container.
CREATE TABLE media_streams (
	content_id   INTEGER NOT NULL REFERENCES content(id),
	stream_index INTEGER NOT NULL,          -- order in the container, from 0
	track_id     INTEGER,                   -- the container's own number: track ID, stream number, PID
	kind         TEXT NOT NULL,             -- video, audio, subtitle, data
	codec        TEXT,                      -- as ffprobe names it
	codec_tag    TEXT,                      -- the container's code: fourcc, CodecID, format tag, stream_type
	width        INTEGER,
	height       INTEGER,
	frame_rate   REAL,
	sample_rate  INTEGER,
	channels     INTEGER,
	duration_s   REAL,
	language     TEXT
);
CREATE INDEX media_streams_content ON media_streams(content_id);

-- Every raw key/value read (EXIF entries, XMP properties, QuickTime user
-- data and keys, Matroska tags, FLV onMetaData, ASF attributes, RIFF
-- INFO, PNG text), so nothing read is lost.
CREATE TABLE media_tags (
	content_id INTEGER NOT NULL REFERENCES content(id),
	source     TEXT NOT NULL,               -- exif, xmp, udta, keys, ilst, mvhd, matroska, amf0, asf, riff, png, jpeg, gif, heif, ...
	name       TEXT NOT NULL,               -- as written (EXIF: IFD.TagName, XMP: prefix:Name)
	value      TEXT
);
CREATE INDEX media_tags_content ON media_tags(content_id);

-- archives: what an archive or compressed file holds (plugins/archives,
-- through libarchive).  Every entry is listed, also those not extracted:
-- directories and links, and files that are encrypted, too large, damaged
-- or past a bound (the reason is in v_errors).  Extracted entries are
-- child items of the archive (files.parent_id, source 'embedded') whose
-- path is the archive's path, '/', then entry_path.
INSERT INTO plugin_record_tables(name) VALUES ('archives'), ('archive_entries');

-- One row per archive content read.
CREATE TABLE archives (
	content_id     INTEGER NOT NULL REFERENCES content(id),
	format         TEXT,                    -- as libarchive names it: ZIP 2.0 (deflation), GNU tar format, 7-Zip, RAR5, raw (a single compressed file), ...
	filters        TEXT,                    -- compression around the whole archive: gzip, bzip2, xz, zstd, ... (comma-separated, innermost first)
	entries        INTEGER NOT NULL,        -- entries listed
	expanded_bytes INTEGER NOT NULL,        -- bytes of entry content decompressed
	complete       INTEGER NOT NULL         -- 1: read to its end; 0: damaged, or a bound stopped it (see v_errors)
);
CREATE INDEX archives_content ON archives(content_id);

CREATE TABLE archive_entries (
	content_id      INTEGER NOT NULL REFERENCES content(id),
	entry_index     INTEGER NOT NULL,       -- order in the archive, from 0
	entry_path      TEXT NOT NULL,          -- path inside the archive: relative, '..' written \x2e\x2e, invalid UTF-8 as \xNN
	type            TEXT NOT NULL,          -- file, directory, symlink, hardlink, character-device, block-device, fifo, socket, unknown
	size            INTEGER,                -- as the archive states it (NULL: not stated)
	compressed_size INTEGER,                -- bytes of the archive the entry's data takes (ZIP; NULL elsewhere)
	mtime           INTEGER,                -- Unix seconds as libarchive reads them (ZIP entries without an extended timestamp hold a local time of unknown zone)
	mtime_ns        INTEGER,
	mode            INTEGER,                -- permission bits
	encrypted       INTEGER NOT NULL,
	link_target     TEXT,                   -- symlinks and hard links
	status          TEXT NOT NULL           -- extracted, partial (damaged; the bytes before the damage extracted), listed (not a regular file),
	                                        -- encrypted, too large, unreadable, stopped (a bound tripped), refused (depth limit), self-including
);
CREATE INDEX archive_entries_content ON archive_entries(content_id);
-- media-pdq: perceptual hashes (PDQ, Meta's open algorithm) of pictures
-- decoded with FFmpeg.  A hash is stored as 32 bytes in the order of its
-- usual 64-hex-digit text form (the views show that text).  Hashes whose
-- quality is under 50 describe flat or featureless pictures and are not
-- trusted for matching.
INSERT INTO plugin_record_tables(name) VALUES ('media_pdq'), ('media_frames');

-- Per image content: the PDQ of its (first) picture (crop 1), and of its
-- centred parts keeping 95 % and 90 % of each side, which let the
-- near-duplicate search find cropped copies (PDQ itself moves by 30-70
-- bits under a 5 % crop).
CREATE TABLE media_pdq (
	content_id INTEGER NOT NULL REFERENCES content(id),
	crop       REAL NOT NULL DEFAULT 1,     -- part of each side hashed, centred; 1: the whole picture
	pdq        BLOB NOT NULL,               -- 32 bytes
	quality    INTEGER NOT NULL,            -- 0-100
	complete   INTEGER NOT NULL             -- 0: decoded with errors (see v_errors); the hash is of what was decoded
);
CREATE INDEX media_pdq_content ON media_pdq(content_id);

-- Frames sampled from a video content: one a second (at most 120, spread
-- over longer videos), in time order.
CREATE TABLE media_frames (
	content_id INTEGER NOT NULL REFERENCES content(id),
	frame      INTEGER NOT NULL,            -- sample number, from 0
	time_s     REAL NOT NULL,               -- presentation time from the start of the stream
	pdq        BLOB NOT NULL,
	quality    INTEGER NOT NULL,
	complete   INTEGER NOT NULL
);
CREATE INDEX media_frames_content ON media_frames(content_id);

-- media-preview: pictures for review, decoded with FFmpeg.  Per image
-- content a thumbnail (at most 256 pixels on its longer side, its shape
-- kept); per video content a contact sheet (up to 16 frames sampled
-- every interval_s seconds, in time order, in a grid of tiles of at
-- most 160 pixels).  Each twice: as decoded (blurred 0) and grey and
-- blurred past recognition (blurred 1), which is what reports and review
-- pages show by default.  Previews are not evidence: they are stored
-- here, never as files or content.
INSERT INTO plugin_record_tables(name) VALUES ('previews');

CREATE TABLE previews (
	id         INTEGER PRIMARY KEY,
	content_id INTEGER NOT NULL REFERENCES content(id),
	kind       TEXT NOT NULL,               -- thumbnail, contact_sheet
	blurred    INTEGER NOT NULL,            -- 1: grey and blurred (safe to show), 0: as decoded
	mime       TEXT NOT NULL,               -- image/jpeg
	width      INTEGER NOT NULL,
	height     INTEGER NOT NULL,
	frames     INTEGER NOT NULL,            -- pictures shown: 1 for a thumbnail, tiles of a sheet
	interval_s REAL,                        -- contact sheet: seconds between its samples
	data       BLOB NOT NULL
);
CREATE INDEX previews_content ON previews(content_id);

-- Near duplicates, written by `exhibit similar` (and at the end of
-- `exhibit process`), replaced whole on each run.  One row per pair of
-- distinct contents, content_id < other_content_id.  image: the least
-- PDQ Hamming distance between the one's whole picture and the other's
-- whole picture or centred crops (media_pdq).  video: sampled frames of the shorter video matched,
-- in time order, to frames of the other within the distance (TMK+PDQF
-- style); distance is the median distance of the matched frames.
CREATE TABLE similar (
	content_id       INTEGER NOT NULL REFERENCES content(id),
	other_content_id INTEGER NOT NULL REFERENCES content(id),
	kind             TEXT NOT NULL,         -- image, video
	distance         INTEGER NOT NULL,      -- 0-256
	frames_matched   INTEGER,               -- video: frames matched in time order
	frames           INTEGER,               -- video: frames sampled of the shorter video
	crop             REAL,                  -- image: the centred part of one picture whose hash matched the
	                                        -- other whole (1: the whole pictures; 0.95: one is the other cut by 5 %)
	PRIMARY KEY (content_id, other_content_id, kind)
) WITHOUT ROWID;
CREATE INDEX similar_other ON similar(other_content_id);

-- Clusters: contents joined by similar pairs (transitively); group_id is
-- the smallest content id of the cluster.  Contents without a pair have
-- no row.
CREATE TABLE similar_groups (
	content_id INTEGER PRIMARY KEY REFERENCES content(id),
	group_id   INTEGER NOT NULL
);
CREATE INDEX similar_groups_group ON similar_groups(group_id);

-- Contents whose PDQ (an image's, or a sampled video frame's) lies within
-- the distance of a PDQ a hash set gives (VICS AlternativeHashes), with
-- the digests of that set entry and its category.
CREATE TABLE pdq_hits (
	content_id INTEGER NOT NULL REFERENCES content(id),
	set_id     INTEGER NOT NULL REFERENCES hash_sets(id),
	distance   INTEGER NOT NULL,
	frame      INTEGER,                     -- video: the sampled frame that matched; NULL for an image
	crop       REAL,                        -- image: the part of it whose hash matched (media_pdq.crop)
	set_pdq    BLOB NOT NULL,               -- the set entry's PDQ
	set_md5    BLOB,                        -- the set entry's digests, as stated
	set_sha1   BLOB,
	set_sha256 BLOB,
	category   TEXT                         -- the set entry's category, when its digests are in the set
);
CREATE INDEX pdq_hits_content ON pdq_hits(content_id);

-- ---------------------------------------------------------------- views --

CREATE VIEW v_evidence AS
SELECT id, path, format, size,
       nullif(lower(hex(md5)), '') AS md5, nullif(lower(hex(sha1)), '') AS sha1, nullif(lower(hex(sha256)), '') AS sha256,
       nullif(lower(hex(stored_md5)), '') AS stored_md5, nullif(lower(hex(stored_sha1)), '') AS stored_sha1,
       case_number, evidence_number, examiner, acquired,
       description, notes, system_date, acquisition_software, acquisition_software_version,
       acquisition_os, device_model, device_serial, media_size, chunk_size, compression,
       CASE WHEN stored_md5 IS NULL AND stored_sha1 IS NULL THEN NULL
            WHEN md5 IS NULL THEN 'not hashed'
            WHEN (stored_md5 IS NOT NULL AND stored_md5 <> md5)
              OR (stored_sha1 IS NOT NULL AND stored_sha1 <> sha1) THEN 'MISMATCH'
            ELSE 'verified' END AS acquisition_hash
FROM evidence;

CREATE VIEW v_files AS
SELECT f.id,
       f.evidence_id AS evidence,
       fs.offset AS partition_offset,
       fs.fs_type,
       f.path, f.name, f.meta_addr, f.type, f.size,
       f.name_allocated AS allocated,
       (f.name_allocated = 0) AS deleted,
       CASE WHEN f.mtime IS NULL THEN NULL
            WHEN coalesce(f.mtime_ns, 0) = 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', f.mtime, 'unixepoch')
            ELSE strftime('%Y-%m-%dT%H:%M:%S', f.mtime, 'unixepoch') || printf('.%09dZ', f.mtime_ns) END AS mtime,
       CASE WHEN f.atime IS NULL THEN NULL
            WHEN coalesce(f.atime_ns, 0) = 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', f.atime, 'unixepoch')
            ELSE strftime('%Y-%m-%dT%H:%M:%S', f.atime, 'unixepoch') || printf('.%09dZ', f.atime_ns) END AS atime,
       CASE WHEN f.ctime IS NULL THEN NULL
            WHEN coalesce(f.ctime_ns, 0) = 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', f.ctime, 'unixepoch')
            ELSE strftime('%Y-%m-%dT%H:%M:%S', f.ctime, 'unixepoch') || printf('.%09dZ', f.ctime_ns) END AS ctime,
       CASE WHEN f.crtime IS NULL THEN NULL
            WHEN coalesce(f.crtime_ns, 0) = 0 THEN strftime('%Y-%m-%dT%H:%M:%SZ', f.crtime, 'unixepoch')
            ELSE strftime('%Y-%m-%dT%H:%M:%S', f.crtime, 'unixepoch') || printf('.%09dZ', f.crtime_ns) END AS crtime,
       nullif(lower(hex(c.md5)), '') AS md5, nullif(lower(hex(c.sha1)), '') AS sha1, nullif(lower(hex(c.sha256)), '') AS sha256,
       c.mime_type,
       f.extension_mismatch,
       f.source
FROM files f
LEFT JOIN filesystems fs ON fs.id = f.fs_id
LEFT JOIN content c ON c.id = f.content_id;

-- The app is what the database's path says (per place) or, failing that,
-- what its schema says (per content).
CREATE VIEW v_app_databases AS
SELECT f.id AS file_id, f.path,
       coalesce(l.label, a.app) AS app,
       a.tables, a.rows
FROM app_databases a
JOIN files f ON f.content_id = a.content_id
LEFT JOIN place_labels l ON l.file_id = f.id AND l.plugin = 'app-databases';

CREATE VIEW v_errors AS
SELECT coalesce(f.path, e.path) AS item, r.plugin, r.offset, r.message
FROM errors r
LEFT JOIN files f ON f.id = r.file_id
LEFT JOIN evidence e ON e.id = r.evidence_id;

CREATE VIEW v_hash_hits AS
SELECT f.id AS file_id, f.path, s.name AS set_name, s.kind, h.category, s.category_scheme,
       h.algorithm,
       CASE h.algorithm WHEN 'md5' THEN lower(hex(c.md5))
                        WHEN 'sha1' THEN lower(hex(c.sha1))
                        ELSE lower(hex(c.sha256)) END AS digest
FROM hash_hits h
JOIN hash_sets s ON s.id = h.set_id
JOIN content c ON c.id = h.content_id
JOIN files f ON f.content_id = h.content_id;

CREATE VIEW v_custody AS
SELECT seq, at, examiner, host, tool_version, action, object, parameters,
       rows_added, rows_changed, rows_removed, blobs_added,
       lower(hex(produced)) AS produced, lower(hex(entry_hash)) AS entry_hash,
       key_fingerprint
FROM custody_entries;

-- Files for review: v_files less the known-good files when the case's
-- switch is on (case_info key hide_known_good = '1'; `exhibit hashset
-- hide-known-good CASE on|off`).  A file is hidden when its content hits a
-- known-good set and no other: content that also hits a known-bad or
-- categorised set is never hidden.
--
-- A carved file whose content another file of the case holds (the
-- allocated or deleted file it repeats, or a carved copy found before it)
-- is a duplicate: v_files and v_carved list it, review shows it once.
CREATE VIEW v_review_files AS
SELECT v.* FROM v_files v
WHERE (coalesce((SELECT value FROM case_info WHERE key = 'hide_known_good'), '0') <> '1'
   OR NOT EXISTS (SELECT 1 FROM files f JOIN hash_hits h ON h.content_id = f.content_id
                  JOIN hash_sets s ON s.id = h.set_id
                  WHERE f.id = v.id AND s.kind = 'known-good')
   OR EXISTS (SELECT 1 FROM files f JOIN hash_hits h ON h.content_id = f.content_id
              JOIN hash_sets s ON s.id = h.set_id
              WHERE f.id = v.id AND s.kind <> 'known-good'))
  AND NOT (v.source = 'carved'
           AND EXISTS (SELECT 1 FROM files f JOIN files o ON o.content_id = f.content_id
                       WHERE f.id = v.id AND o.id <> f.id
                         AND (o.source <> 'carved' OR o.id < f.id)));

-- Chat (see the chat tables).  Times are ISO-8601 with the app's own
-- precision, 'Z' for UTC and no zone for local wall-clock times.  thread
-- is "<content id>:<the app's thread id>", unique in the case.
-- deleted is 1 when the app marked the message deleted or the row was
-- recovered from free space; recovered_from is where it was recovered,
-- or 'carved' when the database itself was only found by carving.
-- source_file_id is the first file holding the database (v_files lists
-- every copy: same sha256).
CREATE VIEW v_messages AS
SELECT m.id, m.app, m.account,
       CASE WHEN m.thread_id IS NOT NULL THEN m.content_id || ':' || m.thread_id END AS thread,
       m.sender, m.recipients, m.direction,
       CASE WHEN m.sent IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', m.sent, 'unixepoch') || CASE m.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(m.sent_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(m.sent_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(m.sent_ns, 0)) ELSE '' END || CASE m.time_zone WHEN 'local' THEN '' ELSE 'Z' END END AS sent,
       m.body,
       EXISTS (SELECT 1 FROM chat_attachments a WHERE a.content_id = m.content_id
               AND a.message_key = m.message_key) AS has_attachments,
       (coalesce(m.deleted, 0) = 1 OR m.recovered_from IS NOT NULL) AS deleted,
       coalesce(m.recovered_from, CASE WHEN EXISTS (SELECT 1 FROM files f WHERE f.content_id = m.content_id AND f.source = 'carved') AND NOT EXISTS (SELECT 1 FROM files f WHERE f.content_id = m.content_id AND f.source <> 'carved') THEN 'carved' END) AS recovered_from,
       (SELECT min(f.id) FROM files f WHERE f.content_id = m.content_id) AS source_file_id,
       m.source_table, m.source_rowid
FROM chat_messages m;

-- One row per conversation; first and last are the earliest and latest
-- message times (sent, else received).
CREATE VIEW v_threads AS
SELECT m.content_id || ':' || m.thread_id AS thread, m.app,
       max(m.thread_title) AS title, max(m.participants) AS participants,
       min(coalesce(CASE WHEN m.sent IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', m.sent, 'unixepoch') || CASE m.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(m.sent_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(m.sent_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(m.sent_ns, 0)) ELSE '' END || CASE m.time_zone WHEN 'local' THEN '' ELSE 'Z' END END, CASE WHEN m.received IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', m.received, 'unixepoch') || CASE m.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(m.received_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(m.received_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(m.received_ns, 0)) ELSE '' END || CASE m.time_zone WHEN 'local' THEN '' ELSE 'Z' END END)) AS first,
       max(coalesce(CASE WHEN m.sent IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', m.sent, 'unixepoch') || CASE m.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(m.sent_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(m.sent_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(m.sent_ns, 0)) ELSE '' END || CASE m.time_zone WHEN 'local' THEN '' ELSE 'Z' END END, CASE WHEN m.received IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', m.received, 'unixepoch') || CASE m.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(m.received_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(m.received_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(m.received_ns, 0)) ELSE '' END || CASE m.time_zone WHEN 'local' THEN '' ELSE 'Z' END END)) AS last,
       count(*) AS messages
FROM chat_messages m
WHERE m.thread_id IS NOT NULL
GROUP BY m.content_id, m.thread_id, m.app;

CREATE VIEW v_contacts AS
SELECT c.id, c.app, c.account, c.contact_id, c.name, c.username, c.phones, c.emails,
       c.birthday, c.status_text,
       CASE WHEN c.created IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', c.created, 'unixepoch') || CASE c.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(c.created_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(c.created_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(c.created_ns, 0)) ELSE '' END || 'Z' END AS created,
       CASE WHEN c.last_seen IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', c.last_seen, 'unixepoch') || CASE c.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(c.last_seen_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(c.last_seen_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(c.last_seen_ns, 0)) ELSE '' END || 'Z' END AS last_seen,
       c.blocked, c.deleted,
       coalesce(c.recovered_from, CASE WHEN EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.content_id AND f.source = 'carved') AND NOT EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.content_id AND f.source <> 'carved') THEN 'carved' END) AS recovered_from,
       (SELECT min(f.id) FROM files f WHERE f.content_id = c.content_id) AS source_file_id,
       c.source_table, c.source_rowid
FROM chat_contacts c;

CREATE VIEW v_calls AS
SELECT c.id, c.app, c.account,
       CASE WHEN c.thread_id IS NOT NULL THEN c.content_id || ':' || c.thread_id END AS thread,
       c.direction, c.status, c.media, c.peer, c.peer_name, c.participants,
       CASE WHEN c.started IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', c.started, 'unixepoch') || CASE c.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(c.started_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(c.started_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(c.started_ns, 0)) ELSE '' END || 'Z' END AS started,
       CASE WHEN c.ended IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', c.ended, 'unixepoch') || CASE c.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(c.ended_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(c.ended_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(c.ended_ns, 0)) ELSE '' END || 'Z' END AS ended,
       c.duration, c.deleted,
       coalesce(c.recovered_from, CASE WHEN EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.content_id AND f.source = 'carved') AND NOT EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.content_id AND f.source <> 'carved') THEN 'carved' END) AS recovered_from,
       (SELECT min(f.id) FROM files f WHERE f.content_id = c.content_id) AS source_file_id,
       c.source_table, c.source_rowid
FROM chat_calls c;

CREATE VIEW v_accounts AS
SELECT a.id, a.app, a.account_id, a.name, a.phone, a.email,
       CASE WHEN a.created IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', a.created, 'unixepoch') || CASE a.time_precision WHEN '1ms' THEN printf('.%03d', coalesce(a.created_ns, 0) / 1000000) WHEN '1us' THEN printf('.%06d', coalesce(a.created_ns, 0) / 1000) WHEN '1ns' THEN printf('.%09d', coalesce(a.created_ns, 0)) ELSE '' END || 'Z' END AS created,
       coalesce(a.recovered_from, CASE WHEN EXISTS (SELECT 1 FROM files f WHERE f.content_id = a.content_id AND f.source = 'carved') AND NOT EXISTS (SELECT 1 FROM files f WHERE f.content_id = a.content_id AND f.source <> 'carved') THEN 'carved' END) AS recovered_from,
       (SELECT min(f.id) FROM files f WHERE f.content_id = a.content_id) AS source_file_id,
       a.source_table, a.source_rowid
FROM chat_accounts a;

-- Attachments and the files of the case that hold them: matched_by is
-- 'hash' (the digest the app recorded equals the file's), 'path' (the
-- file ends with the same two path components as the path the app
-- recorded), or NULL with no file when nothing matched.  An attachment
-- whose message is gone keeps its row with message_id NULL.
CREATE VIEW v_attachments AS
WITH att AS (
	SELECT a.*, (SELECT min(m.id) FROM chat_messages m WHERE m.content_id = a.content_id
	             AND m.message_key = a.message_key) AS message_id,
	       rtrim(a.path, replace(a.path, '/', '')) AS dir
	FROM chat_attachments a),
tail AS (
	SELECT att.*, substr(att.path, length(att.dir) + 1) AS base,
	       replace(rtrim(att.dir, '/'), rtrim(rtrim(att.dir, '/'), replace(rtrim(att.dir, '/'), '/', '')), '') AS parent
	FROM att),
by_hash AS (
	SELECT t.id AS attachment_id, f.id AS file_id FROM tail t
	JOIN content c ON (t.hash_algorithm = 'sha256' AND c.sha256 = t.hash)
	               OR (t.hash_algorithm = 'sha1' AND c.sha1 = t.hash)
	               OR (t.hash_algorithm = 'md5' AND c.md5 = t.hash)
	JOIN files f ON f.content_id = c.id
	WHERE t.hash IS NOT NULL),
by_path AS (
	SELECT t.id AS attachment_id, f.id AS file_id FROM tail t
	JOIN files f ON f.name = t.base
	            AND substr(f.path, -length(t.parent) - length(t.base) - 2) = '/' || t.parent || '/' || t.base
	WHERE t.base <> '' AND t.parent <> '' AND f.content_id IS NOT NULL
	  AND t.id NOT IN (SELECT attachment_id FROM by_hash)),
links AS (
	SELECT attachment_id, file_id, 'hash' AS matched_by FROM by_hash
	UNION ALL SELECT attachment_id, file_id, 'path' FROM by_path)
SELECT t.id, t.message_id, t.app, t.message_key, t.name, t.mime_type, t.size, t.path, t.url,
       nullif(lower(hex(t.hash)), '') AS hash, t.hash_algorithm,
       l.file_id, f.path AS file_path, l.matched_by,
       t.recovered_from, t.source_table, t.source_rowid
FROM tail t
LEFT JOIN links l ON l.attachment_id = t.id
LEFT JOIN files f ON f.id = l.file_id;

-- One row per place a video, audio or image content was found.  created
-- is ISO-8601 UTC (…Z) when the file states the zone, else the local
-- time as written (no zone suffix).  pdq and pdq_quality are the
-- image's (media_pdq; NULL for videos, see v_media_frames); thumbnail is
-- the id (v_previews.preview_id) of the item's blurred thumbnail or
-- contact sheet, NULL when media-preview made none.
CREATE VIEW v_media AS
SELECT f.id AS file_id, f.path, m.kind, m.container, m.codec, m.width, m.height, m.duration_s,
       CASE WHEN m.created IS NOT NULL THEN strftime('%Y-%m-%dT%H:%M:%SZ', m.created, 'unixepoch')
            ELSE m.created_local END AS created,
       m.make, m.model, m.software, m.latitude, m.longitude,
       (SELECT lower(hex(p.pdq)) FROM media_pdq p WHERE p.content_id = m.content_id AND p.crop = 1) AS pdq,
       (SELECT p.quality FROM media_pdq p WHERE p.content_id = m.content_id AND p.crop = 1) AS pdq_quality,
       (SELECT min(v.id) FROM previews v WHERE v.content_id = m.content_id AND v.blurred = 1) AS thumbnail
FROM media m
JOIN files f ON f.content_id = m.content_id;

-- Every entry of every archive, with where the archive was found and,
-- for extracted entries, the child item's file id and digests (at the
-- place where the archive was opened: a duplicate copy elsewhere lists
-- the same entries without children of its own).
CREATE VIEW v_archive_entries AS
SELECT f.id AS archive_file_id, f.path AS archive_path, e.entry_index, e.entry_path, e.type,
       e.size, e.compressed_size,
       CASE WHEN e.mtime IS NULL THEN NULL
            ELSE strftime('%Y-%m-%dT%H:%M:%SZ', e.mtime, 'unixepoch') END AS mtime,
       e.mode, e.encrypted, e.link_target, e.status,
       child.id AS child_file_id,
       nullif(lower(hex(cc.md5)), '') AS md5, nullif(lower(hex(cc.sha256)), '') AS sha256
FROM archive_entries e
JOIN files f ON f.content_id = e.content_id
LEFT JOIN files child ON child.parent_id = f.id AND child.source = 'embedded'
                     AND child.path = f.path || '/' || e.entry_path
                     AND e.status IN ('extracted', 'partial')
LEFT JOIN content cc ON cc.id = child.content_id;

-- One row per carved file (see the carved table).  offset is its first
-- byte in the image; fragments the pieces of the image it was read from;
-- validated 1 when whole, 0 when partial.  duplicates is the id of a file
-- found by the file-system walk that holds the same content (the carved
-- file repeats it: review shows that file only), else NULL.
CREATE VIEW v_carved AS
SELECT c.file_id, c.carver, c.image_offset AS offset, c.length, c.fragments, c.validated,
       nullif(lower(hex(ct.sha256)), '') AS sha256,
       c.stream, c.joined, f.path, ct.mime_type,
       (SELECT min(o.id) FROM files o WHERE o.content_id = f.content_id
        AND o.source <> 'carved') AS duplicates
FROM carved c
JOIN files f ON f.id = c.file_id
LEFT JOIN content ct ON ct.id = f.content_id;
-- Sampled video frames and their PDQ, per place the video was found.
CREATE VIEW v_media_frames AS
SELECT f.id AS file_id, f.path, r.frame, r.time_s, lower(hex(r.pdq)) AS pdq, r.quality, r.complete
FROM media_frames r
JOIN files f ON f.content_id = r.content_id;

-- Near duplicates, per place: both directions, so that
-- "WHERE file_id = ?" finds every file like that one.  group_id is the
-- cluster (v_similar_groups lists its members).  Copies of the very same
-- content are not listed here: they share a sha256 in v_files.
CREATE VIEW v_similar AS
WITH pairs AS (
	SELECT content_id AS a, other_content_id AS b, kind, distance, frames_matched, frames, crop FROM similar
	UNION ALL
	SELECT other_content_id, content_id, kind, distance, frames_matched, frames, crop FROM similar)
SELECT fa.id AS file_id, fb.id AS other_file_id, p.distance, p.kind, g.group_id,
       p.frames_matched, p.frames, p.crop, fa.path, fb.path AS other_path
FROM pairs p
JOIN files fa ON fa.content_id = p.a
JOIN files fb ON fb.content_id = p.b
LEFT JOIN similar_groups g ON g.content_id = p.a;

-- Clusters of near duplicates: one row per file of each cluster.
CREATE VIEW v_similar_groups AS
SELECT g.group_id, f.id AS file_id, f.path,
       CASE WHEN EXISTS (SELECT 1 FROM media_frames r WHERE r.content_id = g.content_id)
            THEN 'video' ELSE 'image' END AS kind,
       (SELECT count(*) FROM similar_groups h WHERE h.group_id = g.group_id) AS contents
FROM similar_groups g
JOIN files f ON f.content_id = g.content_id;

-- Files whose PDQ is near one a hash set gives.
CREATE VIEW v_pdq_hits AS
SELECT f.id AS file_id, f.path, s.name AS set_name, s.kind, h.category, s.category_scheme,
       h.distance, h.frame, h.crop,
       coalesce((SELECT lower(hex(p.pdq)) FROM media_pdq p WHERE p.content_id = h.content_id AND h.frame IS NULL AND p.crop = h.crop),
                (SELECT lower(hex(r.pdq)) FROM media_frames r WHERE r.content_id = h.content_id AND r.frame = h.frame)) AS pdq,
       lower(hex(h.set_pdq)) AS set_pdq,
       nullif(lower(hex(h.set_md5)), '') AS set_md5, nullif(lower(hex(h.set_sha1)), '') AS set_sha1,
       nullif(lower(hex(h.set_sha256)), '') AS set_sha256
FROM pdq_hits h
JOIN hash_sets s ON s.id = h.set_id
JOIN files f ON f.content_id = h.content_id;

-- Previews (see the previews table), per place the content was found;
-- bytes is the size of the JPEG.  `exhibit preview` writes one out.
CREATE VIEW v_previews AS
SELECT v.id AS preview_id, f.id AS file_id, f.path, v.kind, v.blurred, v.mime, v.width, v.height,
       v.frames, v.interval_s, length(v.data) AS bytes
FROM previews v
JOIN files f ON f.content_id = v.content_id;

PRAGMA user_version = 5;

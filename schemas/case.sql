-- case.sql — the exhibit case database, schema version 1.
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
	acquisition_software TEXT,
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
	walk_seq    INTEGER,                    -- order of discovery; with evidence_id, the resume key; NULL for embedded items
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

-- Space no file claims: each file system's unallocated blocks and each
-- disk's unpartitioned space, as ranges for carving.
CREATE TABLE unallocated (
	id           INTEGER PRIMARY KEY,
	evidence_id  INTEGER NOT NULL REFERENCES evidence(id),
	fs_id        INTEGER REFERENCES filesystems(id),
	kind         TEXT NOT NULL,             -- fs-unallocated, unpartitioned
	image_offset INTEGER NOT NULL,
	length       INTEGER NOT NULL
);
CREATE INDEX unallocated_evidence ON unallocated(evidence_id);

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

-- ---------------------------------------------------------------- views --

CREATE VIEW v_evidence AS
SELECT id, path, format, size,
       nullif(lower(hex(md5)), '') AS md5, nullif(lower(hex(sha1)), '') AS sha1, nullif(lower(hex(sha256)), '') AS sha256,
       nullif(lower(hex(stored_md5)), '') AS stored_md5, nullif(lower(hex(stored_sha1)), '') AS stored_sha1,
       case_number, evidence_number, examiner, acquired
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

-- One row per place a video, audio or image content was found.  created
-- is ISO-8601 UTC (…Z) when the file states the zone, else the local
-- time as written (no zone suffix).  pdq, pdq_quality and thumbnail are
-- filled by the preview and perceptual-hash stage.
CREATE VIEW v_media AS
SELECT f.id AS file_id, f.path, m.kind, m.container, m.codec, m.width, m.height, m.duration_s,
       CASE WHEN m.created IS NOT NULL THEN strftime('%Y-%m-%dT%H:%M:%SZ', m.created, 'unixepoch')
            ELSE m.created_local END AS created,
       m.make, m.model, m.software, m.latitude, m.longitude,
       NULL AS pdq, NULL AS pdq_quality, NULL AS thumbnail
FROM media m
JOIN files f ON f.content_id = m.content_id;

PRAGMA user_version = 1;

/*
 * exhibit/plugin.h — the plugin SDK: the whole ABI between the exhibit host
 * and its plugins.
 *
 * A plugin is a shared object that exports one function,
 *
 *     const exhibit_plugin *exhibit_plugin_entry(void);
 *
 * returning a static descriptor.  The host refuses a descriptor whose
 * abi_version differs from EXHIBIT_ABI_VERSION, naming both versions.
 *
 * Plugins are pure.  They receive an item (bytes plus metadata) through the
 * host's callbacks and answer with records and child items through the same
 * callbacks.  A plugin never opens the case database, a file, a socket or a
 * thread of its own, and keeps no global mutable state: the host may call
 * analyze() on many items at once from several threads.  Everything a plugin
 * touches arrives through the exhibit_host_api table, so a plugin can be
 * unit-tested and fuzzed with a stub host.
 *
 * Strings are UTF-8 and NUL-terminated.  Sizes and offsets are 64-bit.
 * Memory handed to a callback stays owned by the caller; the host copies
 * what it keeps.
 */
#ifndef EXHIBIT_PLUGIN_H
#define EXHIBIT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change to this header.
 * 2: exhibit_host_api.open_sqlite_recovered.
 * 3: exhibit_plugin.carver (carver plugins).
 * 4: exhibit_carver.continuation_reject. */
#define EXHIBIT_ABI_VERSION 4u

/* The symbol every plugin exports. */
#define EXHIBIT_PLUGIN_ENTRY "exhibit_plugin_entry"

/* Return codes of callbacks and of analyze(). */
enum {
	EXHIBIT_OK = 0,
	EXHIBIT_ERR = -1,       /* generic failure; details went to report_error */
	EXHIBIT_ERR_READ = -2,  /* the evidence could not be read */
	EXHIBIT_ERR_LIMIT = -3, /* a size, depth or time limit was reached */
	EXHIBIT_ERR_FORMAT = -4 /* the content is not what it claimed to be */
};

/* Opaque per-call context; the host passes it back to every callback. */
typedef struct exhibit_host exhibit_host;

/* What the host knows about the item being analysed. */
typedef struct exhibit_item {
	const char *path;      /* full path inside its evidence, '/'-separated */
	const char *name;      /* last path component */
	uint64_t size;         /* content length in bytes */
	const char *mime_type; /* sniffed from content, never from the name */
	const char *sha256;    /* lowercase hex of the content */
	unsigned depth;        /* 0 for file-system items, +1 per child level */
} exhibit_item;

/* A typed value for a record field. */
typedef enum exhibit_value_type {
	EXHIBIT_NULL = 0,
	EXHIBIT_INT,  /* 64-bit signed integer */
	EXHIBIT_REAL, /* double */
	EXHIBIT_TEXT, /* UTF-8, NUL-terminated */
	EXHIBIT_BLOB  /* bytes + length */
} exhibit_value_type;

typedef struct exhibit_field {
	const char *name; /* a column of the record's table in schemas/case.sql */
	exhibit_value_type type;
	int64_t i;
	double r;
	const char *text;
	const void *blob;
	size_t blob_len;
} exhibit_field;

/* Helpers for building field arrays readably. */
#define EXHIBIT_FIELD_INT(n, v) { (n), EXHIBIT_INT, (int64_t)(v), 0, NULL, NULL, 0 }
#define EXHIBIT_FIELD_TEXT(n, v) { (n), (v) ? EXHIBIT_TEXT : EXHIBIT_NULL, 0, 0, (v), NULL, 0 }
#define EXHIBIT_FIELD_REAL(n, v) { (n), EXHIBIT_REAL, 0, (v), NULL, NULL, 0 }
#define EXHIBIT_FIELD_NULL(n) { (n), EXHIBIT_NULL, 0, 0, NULL, NULL, 0 }

struct sqlite3; /* from <sqlite3.h>; plugins that query databases link it */

/*
 * The host's side of the contract.  Every function takes the exhibit_host
 * the host passed to analyze().
 */
typedef struct exhibit_host_api {
	uint32_t abi_version;

	/*
	 * read — copy up to len bytes of the item's content starting at offset.
	 * RETURN: the number of bytes copied (0 at or past the end), or a
	 * negative EXHIBIT_ERR_* code; the host has already recorded why.
	 */
	int64_t (*read)(exhibit_host *host, uint64_t offset, void *buf, size_t len);

	/*
	 * emit_record — store one record about the item.  record_type names a
	 * table of the case database that accepts plugin records (see
	 * schemas/case.sql, "plugin record tables"); each field names one of
	 * its columns.  The host adds the item's identity itself.
	 * RETURN: EXHIBIT_OK, or EXHIBIT_ERR for an unknown table or column.
	 */
	int (*emit_record)(exhibit_host *host, const char *record_type,
	                   const exhibit_field *fields, size_t n_fields);

	/*
	 * emit_child — hand back content found inside the item (an attachment,
	 * a WAL, a thumbnail).  The host stores it content-addressed, hashes it,
	 * and queues it as an item of its own with path "<item path>/<name>"
	 * and source "embedded".
	 * RETURN: EXHIBIT_OK, EXHIBIT_ERR_LIMIT when the depth limit is reached.
	 */
	int (*emit_child)(exhibit_host *host, const char *name, const void *data,
	                  size_t len);

	/*
	 * report_error — record a problem with the item at a byte offset (or
	 * -1 when no offset applies).  The run goes on; the message lands in
	 * v_errors with the plugin's name.
	 */
	void (*report_error)(exhibit_host *host, int64_t offset, const char *message);

	/*
	 * open_sqlite — open the item's content as an untrusted SQLite
	 * database: a private read-only copy, defensive mode, trusted_schema
	 * off, no triggers or views executed, limits and a time budget set
	 * (SQLite may spend at most a few seconds producing any one row).
	 * Count rows with "SELECT count(*) FROM t WHERE 1": a bare count(*)
	 * is one uninterruptible step that a crafted database makes endless.
	 * When the item was found with its "-wal" or "-journal" beside it (same
	 * directory, its name plus the suffix), the database is served as
	 * SQLite would open the two: every page in its live version (the WAL's
	 * latest committed frames, a hot journal rolled back); what the main
	 * file alone holds, and every WAL frame, come through
	 * open_sqlite_recovered.
	 * Close it with close_sqlite.
	 * RETURN: EXHIBIT_OK with *db set, or an EXHIBIT_ERR_* code (already
	 * reported).
	 */
	int (*open_sqlite)(exhibit_host *host, struct sqlite3 **db);
	void (*close_sqlite)(exhibit_host *host, struct sqlite3 *db);

	/*
	 * open_sqlite_recovered — the rows the item's SQLite database no
	 * longer shows, as a database of their own.  The host reads the item
	 * page by page with its own parser (nothing in it runs), takes the
	 * tables and columns its live schema declares, and collects the
	 * records of those tables that survive in the freeblocks and
	 * unallocated space of its pages, on its freelist and other pages no
	 * structure claims, and in dead versions of its pages (WAL frames
	 * superseded, uncommitted or left from an earlier log; rollback
	 * journal records; the main file's copy of a page a WAL replaces).
	 * A record identical to a live row is left out (same values, and same
	 * rowid when its rowid survived); of several copies of one deleted row
	 * only one is kept.
	 *
	 * The database returned holds, for each table of the item's database
	 * (SQLite's own sqlite_* tables excepted), a table of the same name
	 * with the same columns in the same order, without types or
	 * constraints, filled with the recovered rows, plus three columns:
	 *
	 *   _origin  TEXT     where the row was found: a kind, then details.
	 *                     The kind (first word) is one of
	 *                       freeblock    a freeblock of a live page;
	 *                       unallocated  the unallocated gap of a live
	 *                                    page, or a page nothing uses;
	 *                       freelist     a page on the freelist;
	 *                       superseded   the database file's copy of a
	 *                                    page its WAL or journal replaces;
	 *                       wal          a WAL frame: "wal frame N STATE",
	 *                                    STATE one of live, superseded,
	 *                                    uncommitted, invalid;
	 *                       journal      a rollback journal record:
	 *                                    "journal record N";
	 *                     then "page P", then where in the page when the
	 *                     kind does not say it (cell, freeblock,
	 *                     unallocated).  Example:
	 *                     "wal frame 12 superseded page 4 cell".
	 *   _offset  INTEGER  the byte offset of the row's cell in the file the
	 *                     kind names (the item itself unless wal/journal);
	 *   _rowid   INTEGER  the row's rowid when it survived, else NULL.
	 *
	 * An INTEGER PRIMARY KEY column holds the rowid when it survived, else
	 * NULL; a column a record is too short for (ALTER TABLE ADD COLUMN)
	 * holds its literal DEFAULT, else NULL; text is UTF-8.  So a parser can
	 * run the queries it runs on the live database and select the extra
	 * columns to say where each row came from.  Joins between recovered
	 * tables find only rows recovered on both sides: join with the live
	 * database in the parser where it needs to.  Rows whose first bytes
	 * were lost are recovered only when every value is certain; a row is
	 * never guessed.  WITHOUT ROWID and virtual tables get no table.
	 *
	 * The database is read-only, hardened and time-limited like
	 * open_sqlite's; close it with close_sqlite.  Damage found while
	 * reading the item is reported (report_error) with its offset.
	 * RETURN: EXHIBIT_OK with *db set, or an EXHIBIT_ERR_* code (already
	 * reported): EXHIBIT_ERR_FORMAT when the item is not an SQLite
	 * database, EXHIBIT_ERR_LIMIT when it is larger than the host reads.
	 */
	int (*open_sqlite_recovered)(exhibit_host *host, struct sqlite3 **db);
} exhibit_host_api;

/* A carving signature: magic bytes expected at an offset into a file. */
typedef struct exhibit_signature {
	uint32_t offset;
	const unsigned char *bytes;
	size_t len;
} exhibit_signature;

/*
 * Carving.  A carver plugin finds files of one kind in space no file
 * claims (unallocated blocks, unpartitioned space, file slack, or the
 * whole image).  The host scans that space once for the signatures of
 * every carver together; on each hit it asks the carver of that signature
 * to judge a candidate file starting at (hit offset - signature offset) in
 * three stages, the way PhotoRec made standard:
 *
 *   1. header_check   the first bytes: accept or reject the hit, and say
 *                     the size when the header states it;
 *   2. data_check     the candidate's bytes in order, block by block:
 *                     go on, the file ends here, or the content breaks here;
 *   3. validate       the whole candidate, read at will: is it whole?
 *
 * The host then stores the candidate's content (content-addressed), hashes
 * it and queues it as an item with source "carved", so analyzer plugins
 * see carved files exactly as they see allocated ones.
 *
 * Fragments.  When data_check or validate says the content breaks at an
 * offset, the host looks for the file's continuation (Garfinkel's
 * bifragment gap carving): it splits the candidate at a block boundary
 * near the break and tries later blocks as the start of the second
 * fragment, resuming data_check from a copy of the state it had at the
 * split, and keeps the first pair that runs to an end and validates.  That
 * is why the state is plain data: the host copies it with memcpy.
 */

/* Verdicts of the carver's stages. */
typedef enum exhibit_carve_verdict {
	EXHIBIT_CARVE_REJECT = 0, /* header_check: not a file of this kind */
	EXHIBIT_CARVE_ACCEPT,     /* header_check: a candidate; data follows */
	EXHIBIT_CARVE_CONTINUE,   /* data_check: all consistent so far */
	EXHIBIT_CARVE_END,        /* data_check: the file ends at *end */
	EXHIBIT_CARVE_ERROR       /* data_check: the content breaks at *end */
} exhibit_carve_verdict;

/* What header_check learnt from the header. */
typedef struct exhibit_carve_header {
	uint64_t size;            /* the file's length when the header states it, else 0 */
	uint64_t min_size;        /* shorter candidates are dropped; 0: no minimum */
	const char *extension;    /* static, for the carved item's name: "jpg" */
} exhibit_carve_header;

typedef struct exhibit_carver {
	/* Bytes of per-candidate state the host allocates (zeroed) and passes
	 * to every stage.  Plain data, no pointers: the host copies it. */
	size_t state_size;
	/* header_check wants this many bytes from the candidate's start (the
	 * host gives fewer only where the scanned space ends). */
	size_t header_len;
	/* The largest file this carver accepts; a candidate still going past
	 * it ends there as an error. */
	uint64_t max_size;
	/* Non-zero when a candidate may continue after a gap: the host then
	 * searches for a second fragment when the content breaks. */
	int fragments;

	/*
	 * header_check — judge a hit.  buf holds the candidate's first len
	 * bytes (from the signature's offset back, so buf[0] is where the file
	 * would start); signature is the index into the plugin's signatures.
	 * Fill *out; initialise *state for data_check.
	 * RETURN: EXHIBIT_CARVE_ACCEPT or EXHIBIT_CARVE_REJECT.
	 */
	int (*header_check)(void *state, const unsigned char *buf, size_t len,
	                    size_t signature, exhibit_carve_header *out);

	/*
	 * data_check — the candidate's bytes buf[0..len) at candidate offset
	 * pos, in order from pos 0 (the header included), each byte once.
	 * len == 0 says no more bytes follow (the scanned space or max_size
	 * ended).  NULL: the file is header.size bytes long.
	 * RETURN:
	 *   EXHIBIT_CARVE_CONTINUE — consistent so far.  *end may be set
	 *     beyond pos + len to skip bytes the carver does not check (the
	 *     next call then starts at *end); leave it at pos + len otherwise.
	 *   EXHIBIT_CARVE_END — the file ends at candidate offset *end
	 *     (<= pos + len).
	 *   EXHIBIT_CARVE_ERROR — the first byte that cannot belong to the
	 *     file is at candidate offset *end; the host may look for a
	 *     second fragment, or keep [0, *end) as a partial file.  When a
	 *     check covers a whole record (a CRC), *end is the record's start
	 *     though the damage may lie anywhere in it: the host then also
	 *     tries the bytes data_check passed before it said so.
	 *   EXHIBIT_CARVE_REJECT — drop the candidate.
	 */
	int (*data_check)(void *state, uint64_t pos, const unsigned char *buf,
	                  size_t len, uint64_t *end);

	/*
	 * validate — judge the whole candidate of length bytes, read through
	 * api->read (the host is the candidate, fragments joined).  Pure: no
	 * records, no children.  NULL: data_check's verdict stands.
	 * RETURN: EXHIBIT_OK when the structure is whole;
	 * EXHIBIT_ERR_FORMAT with *bad_offset set to the first candidate
	 * offset found wrong (the host's fragment search starts there).
	 */
	int (*validate)(const exhibit_host_api *api, exhibit_host *host,
	                uint64_t length, uint64_t *bad_offset);

	/*
	 * continuation_reject — optional, for carvers with fragments: a quick
	 * look at buf[0..len), the bytes that would follow candidate offset
	 * pos if a second fragment started there, before the host resumes
	 * data_check on them from state (data_check's state at pos, read
	 * only).  The fragment search tries tens of thousands of starts per
	 * candidate; this lets most of them be ruled out for the cost of a
	 * byte search.  It need not look at every byte.
	 * RETURN non-zero only when data_check, resumed from state, would
	 * certainly return EXHIBIT_CARVE_ERROR within these bytes; 0 when it
	 * might not.  NULL: every start is tried.
	 */
	int (*continuation_reject)(const void *state, uint64_t pos, const unsigned char *buf,
	                           size_t len);
} exhibit_carver;

typedef enum exhibit_plugin_kind {
	EXHIBIT_PLUGIN_ANALYZER = 1, /* analyses items and emits records */
	EXHIBIT_PLUGIN_CARVER = 2    /* finds content in unallocated space */
} exhibit_plugin_kind;

/*
 * The descriptor a plugin returns.  An item is dispatched to the plugin
 * when its sniffed MIME type is in mime_types, or its name matches one of
 * name_patterns (fnmatch(3) globs, case-insensitive), or its first bytes
 * match one of signatures.  Lists are NULL-terminated.
 */
typedef struct exhibit_plugin {
	uint32_t abi_version; /* EXHIBIT_ABI_VERSION */
	const char *name;     /* short, unique: "app-databases" */
	const char *version;
	const char *description;
	exhibit_plugin_kind kind;
	const char *const *mime_types;
	const char *const *name_patterns;
	const exhibit_signature *signatures;
	size_t n_signatures;

	/*
	 * analyze — examine one item.  Called concurrently from several
	 * threads; must not keep state between calls.
	 * RETURN: EXHIBIT_OK, or an EXHIBIT_ERR_* code (the host records the
	 * failure against the item and the plugin, and the run goes on).
	 */
	int (*analyze)(const exhibit_host_api *api, exhibit_host *host,
	               const exhibit_item *item);

	/*
	 * label_place — optional (NULL): a short label for one place where
	 * content this plugin accepts was found, from that place's path alone
	 * (say, the app a database path belongs to), or NULL for none.
	 * analyze() runs once per unique content, whichever copy the host
	 * meets first, so what it emits must depend on the content only;
	 * facts that come from where a copy lies belong here instead.  The
	 * host calls this for every place, duplicates included.  Pure, and
	 * called concurrently.
	 */
	const char *(*label_place)(const char *path);

	/*
	 * carver — EXHIBIT_PLUGIN_CARVER only (NULL otherwise): the stages
	 * above.  A carver's signatures say where in a file its magic bytes
	 * lie; analyze may be NULL for a carver.
	 */
	const exhibit_carver *carver;
} exhibit_plugin;

/*
 * EXHIBIT_CARVER_PLUGIN — the descriptor of a plugin that only carves
 * (no analyze, no MIME types or names to dispatch on): VAR is the
 * descriptor's name; SIGNATURES an array of exhibit_signature; CARVER an
 * exhibit_carver.  Precede it with static where the descriptor is private.
 */
#define EXHIBIT_CARVER_PLUGIN(VAR, NAME, VERSION, DESCRIPTION, SIGNATURES, CARVER) \
	const exhibit_plugin VAR = {                                               \
		EXHIBIT_ABI_VERSION, NAME, VERSION, DESCRIPTION, EXHIBIT_PLUGIN_CARVER, \
		NULL, NULL, SIGNATURES, sizeof SIGNATURES / sizeof SIGNATURES[0],  \
		NULL, NULL, &CARVER                                                \
	}

typedef const exhibit_plugin *(*exhibit_plugin_entry_fn)(void);

/* Marks the one symbol a plugin exports; build plugins with
 * -fvisibility=hidden so nothing else leaks into the host. */
#define EXHIBIT_PLUGIN_EXPORT __attribute__((visibility("default")))

/* The entry point every plugin defines. */
EXHIBIT_PLUGIN_EXPORT const exhibit_plugin *exhibit_plugin_entry(void);

#ifdef __cplusplus
}
#endif
#endif /* EXHIBIT_PLUGIN_H */

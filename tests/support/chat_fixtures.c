/*
 * chat_fixtures.c — see chat_fixtures.h.
 */
#include "chat_fixtures.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Tango (tc.db) --------------------------------------------------------
 * The payload is raw protocol buffers {2 conversation, 4 text}, a form the
 * plugin reads as well as the app's base64: the text then stands in the
 * file as it is, so a test can tell whether a deleted one survives. */
static const char tango_sql[] =
	"CREATE TABLE conversations (conv_id TEXT PRIMARY KEY, conv_type INTEGER,"
	" payload BLOB, conv_del_status INTEGER);"
	"CREATE TABLE messages (msg_id INTEGER PRIMARY KEY, conv_id TEXT, type INTEGER,"
	" media_id TEXT, share_id TEXT, create_time BIGINT, send_time BIGINT,"
	" direction INTEGER, status INTEGER, payload BLOB, del_status INTEGER);"
	/* {2: {3: 'harbourpeer'}, 3: 'c1'} */
	"INSERT INTO conversations VALUES ('c1', 0, X'120D1A0B686172626F7572706565721A026331', 0);"
	"WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 120),"
	" t(i, text) AS (SELECT i, 'tango line ' || i || ' about the harbour, minute ' || i FROM n)"
	" INSERT INTO messages SELECT i, 'c1', 0, NULL, NULL, 1452868881000 + i * 60000,"
	" 1452868881500 + i * 60000, 1 + (i & 1), 1,"
	" CAST(X'1202633122' || char(length(text)) || text AS BLOB), 0 FROM t;";

/* ---- Viber (viber_data): calls and the phone book ------------------------ */
static const char viber_sql[] =
	"CREATE TABLE calls (_id INTEGER PRIMARY KEY, call_id LONG, aggregate_hash LONG,"
	" number TEXT, canonized_number TEXT, viber_call BOOLEAN, viber_call_type INTEGER,"
	" date LONG, duration LONG, type INT, end_reason INT, start_reason INT, token LONG,"
	" looked BOOLEAN, conference_info TEXT, group_id LONG, flags INTEGER);"
	"CREATE TABLE phonebookcontact (_id INTEGER PRIMARY KEY, native_id INTEGER,"
	" display_name TEXT, starred BOOLEAN, viber BOOLEAN, contact_lookup_key TEXT,"
	" recently_joined_date LONG, joined_date LONG, numbers_name TEXT, deleted BOOLEAN);"
	"CREATE TABLE phonebookdata (_id INTEGER PRIMARY KEY, contact_id LONG, data1 TEXT,"
	" data2 TEXT, mime_type INTEGER);"
	"INSERT INTO phonebookcontact VALUES (1, 11, 'Harbour Master', 0, 1, 'k1', NULL,"
	" 1669408000000, NULL, 0);"
	"INSERT INTO phonebookdata VALUES (1, 1, '+1 919 555 0042', '+19195550042', 0);"
	"WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 120)"
	" INSERT INTO calls (_id, call_id, number, canonized_number, viber_call,"
	" viber_call_type, date, duration, type, looked, flags)"
	" SELECT i, i, '+1919555' || printf('%04d', i), NULL, 1, 1 + 3 * (i & 1),"
	" 1669408988267 + i * 600000, i % 300, 1 + (i & 1), 1, 0 FROM n;";

/* ---- Burner (burners.sqlite) ---------------------------------------------- */
static const char burner_sql[] =
	"CREATE TABLE burners (_id INTEGER PRIMARY KEY, burner_id TEXT, phone_number_id TEXT,"
	" voicemail_url TEXT, user_id TEXT, name TEXT, alias TEXT, features TEXT,"
	" total_minutes INTEGER, remaining_minutes INTEGER, total_texts INTEGER,"
	" remaining_texts INTEGER, expiration_date INTEGER, date_created INTEGER,"
	" last_updated_date INTEGER, renewal_date INTEGER, disabled INTEGER,"
	" auto_reply_text TEXT);"
	"CREATE TABLE messages (_id INTEGER PRIMARY KEY, message_id TEXT, state INTEGER,"
	" message TEXT, contact_phone_number TEXT, connected INTEGER, message_type INTEGER,"
	" contact_burner_id TEXT, voice_url TEXT, date_created INTEGER,"
	" last_updated_date INTEGER, read INTEGER, user_id TEXT, sid TEXT, burner_id TEXT,"
	" duration INTEGER, direction INTEGER, asset_url TEXT, send_status INTEGER);"
	"CREATE TABLE contacts (_id INTEGER PRIMARY KEY, contact_id TEXT, name TEXT,"
	" phone_number TEXT, burner_id TEXT, date_created INTEGER, last_updated_date INTEGER,"
	" blocked INTEGER, muted INTEGER, notes TEXT, images TEXT);"
	"INSERT INTO burners (_id, burner_id, phone_number_id, user_id, name, date_created)"
	" VALUES (1, 'b-0001', '+19105550100', 'u1', 'Spare Line', 1669915167768);"
	"INSERT INTO contacts (_id, contact_id, name, phone_number, burner_id, blocked)"
	" VALUES (1, 'k1', 'Dock Office', '+19195550111', 'b-0001', 0);"
	"WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 120)"
	" INSERT INTO messages (_id, message_id, state, message, contact_phone_number,"
	" connected, message_type, date_created, last_updated_date, read, user_id,"
	" burner_id, direction, send_status)"
	" SELECT i, 'm' || i, 1, 'burner text ' || i || ' about the pickup, minute ' || i,"
	" '+19195550111', 1, 2, 1669918590384 + i * 60000, 1669918590384 + i * 60000, 1,"
	" 'u1', 'b-0001', 1 + (i & 1), 1 FROM n;";

/* ---- Instagram iOS (<user id>.db) ----------------------------------------- */
static const char instagram_sql[] =
	"CREATE TABLE threads (thread_id TEXT UNIQUE NOT NULL, viewer_id TEXT NOT NULL,"
	" metadata BLOB, row_id INTEGER PRIMARY KEY AUTOINCREMENT);"
	"CREATE TABLE messages (message_id TEXT NOT NULL, thread_id TEXT NOT NULL,"
	" archive BLOB NOT NULL, class_name TEXT NOT NULL, row_id INTEGER PRIMARY KEY);"
	"INSERT INTO threads (thread_id, viewer_id) VALUES ('t1', '9368974300');"
	"WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 120)"
	" INSERT INTO messages SELECT CAST(i AS TEXT), 't1',"
	" ig_archive(CASE i & 1 WHEN 1 THEN '9368974300' ELSE '22824400' END, 't1',"
	" 606600000.25 + i * 60, 'insta line ' || i || ' about the gallery, minute ' || i),"
	" 'IGDirectPublishedMessage', i FROM n;";

/* The table.  Another app: one line here. */
const chat_fixture chat_fixture_table[] = {
	{ "tango", "tc.db", tango_sql, NULL },
	{ "viber", "viber_data", viber_sql, NULL },
	{ "burner", "burners.sqlite", burner_sql, NULL },
	{ "instagram-ios", "9368974300.db", instagram_sql, chat_fixture_instagram_functions },
	{ NULL, NULL, NULL, NULL }
};

const chat_fixture *chat_fixture_find(const char *plugin, const char *file)
{
	const chat_fixture *f;

	for (f = chat_fixture_table; f->plugin; f++)
		if (!strcmp(f->plugin, plugin) && (!file || !strcmp(f->file, file)))
			return f;
	return NULL;
}

int chat_fixture_build(const chat_fixture *f, chat_bytes *out, char *why,
                       size_t why_len)
{
	sqlite3 *db = NULL;
	sqlite3_int64 size = 0;
	unsigned char *image = NULL;
	char *msg = NULL;
	int rc = -1;

	out->data = NULL;
	out->len = 0;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		snprintf(why, why_len, "%s: cannot open an in-memory database", f->file);
		goto done;
	}
	if (f->functions && f->functions(db) != SQLITE_OK) {
		snprintf(why, why_len, "%s: cannot register its SQL functions", f->file);
		goto done;
	}
	if (sqlite3_exec(db, f->sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(why, why_len, "%s: fixture SQL failed: %s", f->file, msg ? msg : "?");
		goto done;
	}
	if (!(image = sqlite3_serialize(db, "main", &size, 0)) ||
	    !(out->data = malloc((size_t)size + 1))) {
		snprintf(why, why_len, "%s: cannot serialise it", f->file);
		goto done;
	}
	memcpy(out->data, image, (size_t)size);
	out->len = (size_t)size;
	rc = 0;
done:
	sqlite3_free(msg);
	sqlite3_free(image);
	sqlite3_close(db);
	return rc;
}

/* ---- a keyed archive, written as Instagram writes a message ----------------
 * Binary plist objects, by index:
 *   0 {$top: 3, $objects: 4}   1 "$top"   2 "$objects"   3 {root: 6}
 *   4 [$null, root, metadata, content, sender, thread, text] (7 8 9 10 11 12 13)
 *   5 "root"   6 UID 1   7 "$null"
 *   8 root {metadata: UID 2, content: UID 3}: keys 14 15, values 16 17
 *   9 metadata {senderPk: UID 4, threadId: UID 5, serverTimestamp: date}:
 *     keys 18 19 20, values 21 22 23
 *  10 content {string: UID 6} (or {}): key 24, value 25
 *  11 sender  12 thread  13 text
 * Offsets are two bytes wide, references one. */
#define IG_OBJECTS 26

typedef struct ig_writer {
	unsigned char buf[2048];
	size_t len;
	uint16_t offsets[IG_OBJECTS];
	int n;
	int failed;
} ig_writer;

static void ig_put(ig_writer *w, const void *bytes, size_t len)
{
	if (w->len + len > sizeof w->buf) {
		w->failed = 1;
		return;
	}
	memcpy(w->buf + w->len, bytes, len);
	w->len += len;
}

static void ig_byte(ig_writer *w, unsigned char b)
{
	ig_put(w, &b, 1);
}

static void ig_begin(ig_writer *w)
{
	w->offsets[w->n++] = (uint16_t)w->len;
}

static void ig_string(ig_writer *w, const char *s)
{
	size_t len = strlen(s);

	ig_begin(w);
	if (len > 255) {
		w->failed = 1;
		return;
	}
	if (len < 15) {
		ig_byte(w, (unsigned char)(0x50 | len));
	} else {
		ig_byte(w, 0x5F);
		ig_byte(w, 0x10);
		ig_byte(w, (unsigned char)len);
	}
	ig_put(w, s, len);
}

/* A container: marker, then its references (dicts: keys, then values). */
static void ig_refs(ig_writer *w, unsigned char marker, const unsigned char *refs,
                    size_t n)
{
	ig_begin(w);
	ig_byte(w, marker);
	ig_put(w, refs, n);
}

static void ig_uid(ig_writer *w, unsigned char uid)
{
	ig_begin(w);
	ig_byte(w, 0x80);
	ig_byte(w, uid);
}

static void ig_date(ig_writer *w, double seconds)
{
	uint64_t bits;
	unsigned char be[8];
	int i;

	memcpy(&bits, &seconds, 8);
	for (i = 0; i < 8; i++)
		be[i] = (unsigned char)(bits >> (56 - 8 * i));
	ig_begin(w);
	ig_byte(w, 0x33);
	ig_put(w, be, 8);
}

unsigned char *chat_fixture_instagram_archive(const char *sender, const char *thread,
                                              double seconds, const char *text,
                                              size_t *len)
{
	static const unsigned char top[] = { 1, 2, 3, 4 }, root_ref[] = { 5, 6 },
		objects[] = { 7, 8, 9, 10, 11, 12, 13 }, root[] = { 14, 15, 16, 17 },
		metadata[] = { 18, 19, 20, 21, 22, 23 }, content[] = { 24, 25 };
	ig_writer *w = calloc(1, sizeof *w);
	unsigned char trailer[32] = { 0 }, *out = NULL;
	size_t table;
	int i;

	if (!w)
		return NULL;
	ig_put(w, "bplist00", 8);
	ig_refs(w, 0xD2, top, sizeof top);               /* 0 */
	ig_string(w, "$top");                            /* 1 */
	ig_string(w, "$objects");                        /* 2 */
	ig_refs(w, 0xD1, root_ref, sizeof root_ref);     /* 3 */
	ig_refs(w, 0xA7, objects, sizeof objects);       /* 4 */
	ig_string(w, "root");                            /* 5 */
	ig_uid(w, 1);                                    /* 6 */
	ig_string(w, "$null");                           /* 7 */
	ig_refs(w, 0xD2, root, sizeof root);             /* 8 */
	ig_refs(w, 0xD3, metadata, sizeof metadata);     /* 9 */
	if (text)
		ig_refs(w, 0xD1, content, sizeof content); /* 10 */
	else
		ig_refs(w, 0xD0, content, 0);
	ig_string(w, sender);                            /* 11 */
	ig_string(w, thread);                            /* 12 */
	ig_string(w, text ? text : "");                  /* 13 */
	ig_string(w, "metadata");                        /* 14 */
	ig_string(w, "content");                         /* 15 */
	ig_uid(w, 2);                                    /* 16 */
	ig_uid(w, 3);                                    /* 17 */
	ig_string(w, "senderPk");                        /* 18 */
	ig_string(w, "threadId");                        /* 19 */
	ig_string(w, "serverTimestamp");                 /* 20 */
	ig_uid(w, 4);                                    /* 21 */
	ig_uid(w, 5);                                    /* 22 */
	ig_date(w, seconds);                             /* 23 */
	ig_string(w, "string");                          /* 24 */
	ig_uid(w, 6);                                    /* 25 */
	table = w->len;
	for (i = 0; i < w->n; i++) {
		ig_byte(w, (unsigned char)(w->offsets[i] >> 8));
		ig_byte(w, (unsigned char)w->offsets[i]);
	}
	trailer[6] = 2;  /* offset size */
	trailer[7] = 1;  /* reference size */
	trailer[15] = IG_OBJECTS;
	trailer[23] = 0; /* the top object */
	trailer[30] = (unsigned char)(table >> 8);
	trailer[31] = (unsigned char)table;
	ig_put(w, trailer, sizeof trailer);
	if (!w->failed && w->n == IG_OBJECTS && (out = malloc(w->len))) {
		memcpy(out, w->buf, w->len);
		*len = w->len;
	}
	free(w);
	return out;
}

static void ig_archive_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *sender = (const char *)sqlite3_value_text(argv[0]);
	const char *thread = (const char *)sqlite3_value_text(argv[1]);
	const char *text = (const char *)sqlite3_value_text(argv[3]);
	unsigned char *archive;
	size_t len = 0;

	(void)argc;
	archive = chat_fixture_instagram_archive(sender ? sender : "", thread ? thread : "",
	                                         sqlite3_value_double(argv[2]), text, &len);
	if (!archive) {
		sqlite3_result_error(ctx, "ig_archive: a value is too long", -1);
		return;
	}
	sqlite3_result_blob(ctx, archive, (int)len, free);
}

int chat_fixture_instagram_functions(sqlite3 *db)
{
	return sqlite3_create_function(db, "ig_archive", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                               NULL, ig_archive_sql, NULL, NULL);
}

/*
 * chat_fixtures.h — the chat apps' fixture databases, built at test time
 * from the apps' documented schemas, shared by the plugins' unit tests
 * (their deleted-message tests) and by tests/support/chat_fixture_writer
 * (which writes them all into a directory for the carving and host
 * pairing tests).  One table lists them: adding an app is one line of
 * chat_fixture_table plus the SQL (and SQL functions) that fill its
 * database.
 *
 * What it promises: a fixture is built the same way every time (no
 * random or time-dependent value), in a fresh in-memory database, with
 * the default page size; building never touches any file.  Errors are
 * returned, never printed or asserted (the writer is no Check test).
 */
#ifndef EXHIBIT_CHAT_FIXTURES_H
#define EXHIBIT_CHAT_FIXTURES_H

#include <stddef.h>

#include <sqlite3.h>

#include "chat_test.h"

typedef struct chat_fixture {
	const char *plugin; /* the plugin that reads it (its name) */
	const char *file;   /* the file name the app gives the database */
	const char *sql;    /* schema and rows */
	/* SQL functions sql uses, registered on the building connection
	 * first (NULL: none); returns SQLITE_OK */
	int (*functions)(sqlite3 *db);
} chat_fixture;

/* Every fixture; the last entry's plugin is NULL. */
extern const chat_fixture chat_fixture_table[];

/* chat_fixture_find — the fixture of a plugin whose file is file (NULL:
 * its first), or NULL. */
const chat_fixture *chat_fixture_find(const char *plugin, const char *file);

/*
 * chat_fixture_build — the fixture's database as bytes (free with
 * chat_bytes_free).  RETURN: 0, or -1 with why (at least 256 bytes)
 * filled in and *out empty.
 */
int chat_fixture_build(const chat_fixture *f, chat_bytes *out, char *why,
                       size_t why_len);

/* ---- SQL functions some fixtures use, for their tests too -------------- */

/* ig_archive(sender, thread, seconds since 2001, text) — an Instagram
 * iOS message as an NSKeyedArchiver binary plist (metadata {senderPk,
 * threadId, serverTimestamp}, content {string}); NULL text leaves the
 * string out. */
int chat_fixture_instagram_functions(sqlite3 *db);

/* The same archive as malloc'd bytes (*len set); NULL when out of memory
 * or a string is longer than 255 bytes. */
unsigned char *chat_fixture_instagram_archive(const char *sender, const char *thread,
                                              double seconds, const char *text,
                                              size_t *len);

#endif

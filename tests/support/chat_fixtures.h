/*
 * chat_fixtures.h — the chat apps' fixture databases, built at test time
 * from the apps' documented schemas, shared by the plugins' unit tests
 * (their deleted-message tests) and by tests/support/chat_fixture_writer
 * (which writes them all into a directory for the carving and host
 * pairing tests).  Each app's SQL (and the SQL functions or C code it
 * needs) is in tests/support/fixtures/<app>.c; one table lists the
 * fixtures: adding an app is one line of chat_fixture_table.
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
	const char *plugin;        /* the plugin that reads it (its name) */
	const char *file;          /* the file name the app gives it; unique */
	const char *const *sql;    /* SQL run in order (NULL-terminated) */
	/* SQL functions sql uses, registered first (NULL: none); SQLITE_OK */
	int (*functions)(sqlite3 *db);
	/* C code run after sql (NULL: none); SQLITE_OK */
	int (*fill)(sqlite3 *db);
} chat_fixture;

/* Every fixture; the last entry's plugin is NULL. */
extern const chat_fixture chat_fixture_table[];

/* chat_fixture_find — the fixture of a plugin whose file is file (NULL:
 * its first), or NULL. */
const chat_fixture *chat_fixture_find(const char *plugin, const char *file);

/*
 * chat_fixture_build — the fixture's database as bytes (free with
 * chat_bytes_free).  RETURN: 0, or -1 with why filled in and *out empty.
 */
int chat_fixture_build(const chat_fixture *f, chat_bytes *out, char *why,
                       size_t why_len);

#endif

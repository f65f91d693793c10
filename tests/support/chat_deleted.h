/*
 * chat_deleted.h — the deleted-message test every SQLite chat parser
 * shares: copy a corpus database to a private temporary file, update one
 * kept message in place and delete some others with the sqlite3 library
 * (deterministically) in one of four ways, run the plugin over the
 * resulting bytes through the stub host, and check what it reports:
 *
 * (Messages, or with the fields below another record type: calls.)
 *
 *   - every deleted message whose text is still in the bytes handed (the
 *     database, and its WAL when one is) is reported once, with
 *     recovered_from and recovered_offset set;
 *   - one whose text is gone (secure_delete) is not reported at all;
 *   - every live message is reported once, never as recovered, and the
 *     kept message updated in place only in its new version, except that
 *     its older version may come back as a recovered record without key
 *     when the bytes that held its rowid were overwritten (nothing then
 *     ties it to the live row);
 *   - every recovered message's text is in the bytes handed (nothing is
 *     invented).
 *
 * The corpus file itself is only read.
 */
#ifndef EXHIBIT_CHAT_DELETED_H
#define EXHIBIT_CHAT_DELETED_H

#include <stddef.h>

#include <sqlite3.h>

#include "chat_test.h"
#include "exhibit/plugin.h"

typedef enum chat_deletion {
	CHAT_DELETE_PLAIN = 0,    /* rollback journal, secure_delete off */
	CHAT_DELETE_SECURE,       /* rollback journal, secure_delete on */
	CHAT_DELETE_WAL,          /* WAL mode, not checkpointed: the -wal goes too */
	CHAT_DELETE_CHECKPOINTED  /* WAL mode, then checkpointed and truncated */
} chat_deletion;

typedef struct chat_deleted_case {
	const char *corpus;     /* the database, relative to the corpus */
	const char *table;      /* the app's message table */
	const char *text;       /* its column holding the message text */
	const char *key_prefix; /* message_key is key_prefix and the rowid */
	const char *victims;    /* WHERE clause: the rows to delete, whose text
	                           the plugin reports as it is */
	long long updated;      /* rowid of a kept row whose text grows */
	/* for records other than messages (NULL: chat_messages, message_key,
	 * body): the record type, its key field, the field holding text */
	const char *record_type;
	const char *key_field;
	const char *text_field;
	const char *setup;      /* SQL run on the copy first (may be NULL) */
} chat_deleted_case;

/* What a run found, for the test's figures. */
typedef struct chat_deleted_figures {
	size_t deleted;   /* rows deleted */
	size_t present;   /* of them, whose text is still in the bytes */
	size_t recovered; /* of them, reported as recovered */
	size_t other;     /* other recovered messages (the app's own deletions) */
	size_t unkeyed_versions; /* the edited row's older version, its rowid lost */
	size_t live;      /* live messages reported */
} chat_deleted_figures;

/* chat_deleted_run — build the case's database the given way, run
 * plugin over it and check it (Check assertions); print the figures. */
chat_deleted_figures chat_deleted_run(const exhibit_plugin *plugin,
                                      const chat_deleted_case *c,
                                      chat_deletion how);

/* chat_deleted_run_db — the same on a database the test built (db, its
 * bytes; c->corpus then only names it in the figures). */
chat_deleted_figures chat_deleted_run_db(const exhibit_plugin *plugin,
                                         const chat_deleted_case *c,
                                         chat_deletion how, const chat_bytes *db);

/*
 * When the app keeps a message's text inside another value (a serialised
 * object in a BLOB), the case's text column is that value and these say
 * how to read and edit the text in it, with SQL functions the test
 * registers on the harness's connection:
 */
typedef struct chat_deleted_text {
	const char *read;  /* an SQL expression: the row's text */
	const char *edit;  /* an SQL expression: the text column's new value,
	                      its text with " (edited in place)" appended */
	int (*functions)(sqlite3 *db); /* registers them; SQLITE_OK */
} chat_deleted_text;

chat_deleted_figures chat_deleted_run_db_text(const exhibit_plugin *plugin,
                                              const chat_deleted_case *c,
                                              chat_deletion how, const chat_bytes *db,
                                              const chat_deleted_text *tx);

/* chat_deleted_fixture — the bytes of a fixture of chat_fixtures.h (file
 * NULL: the plugin's first); fails the test when it cannot be built. */
chat_bytes chat_deleted_fixture(const char *plugin, const char *file);

/* chat_deleted_expect — the figures every fixture case must show: with
 * secure_delete nothing deleted survives; otherwise some does, and all
 * that survives is recovered. */
void chat_deleted_expect(const chat_deleted_figures *f, chat_deletion how);

#endif

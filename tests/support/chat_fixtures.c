/*
 * chat_fixtures.c — see chat_fixtures.h.
 */
#include "chat_fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each app's fixtures/<app>.c (its fixtures/<app>.h says more, for its
 * unit test; the apps' macros are not mixed here). */
extern const char *const chat_fx_kik_ios[], *const chat_fx_kik_android[];
extern const char *const chat_fx_facebook_messenger[], *const chat_fx_hangouts[];
extern const char *const chat_fx_signal_android[], *const chat_fx_snapchat[];
extern const char *const chat_fx_whatsapp_android[], *const chat_fx_whatsapp_android_legacy[];
extern const char *const chat_fx_whatsapp_ios[], *const chat_fx_tango[];
extern const char *const chat_fx_viber[], *const chat_fx_burner[];
extern const char *const chat_fx_instagram_ios[], *const chat_fx_telegram_android[];
extern const char *const chat_fx_instagram_android[], *const chat_fx_line[];
extern const char *const chat_fx_line_call_history[], *const chat_fx_discord[];
extern const char *const chat_fx_imo[], *const chat_fx_twitter[];
int chat_fx_snapchat_functions(sqlite3 *db);
int chat_fx_telegram_fill(sqlite3 *db);
int chat_fx_instagram_functions(sqlite3 *db);

/* The table.  Another app: its fixtures/<app>.c, its declaration above
 * and one line here. */
const chat_fixture chat_fixture_table[] = {
	{ "kik", "kik.sqlite", chat_fx_kik_ios, NULL, NULL },
	{ "kik", "kikDatabase.db", chat_fx_kik_android, NULL, NULL },
	{ "facebook-messenger", "threads_db2", chat_fx_facebook_messenger, NULL, NULL },
	{ "hangouts", "babel.db", chat_fx_hangouts, NULL, NULL },
	{ "signal-android", "signal.db", chat_fx_signal_android, NULL, NULL },
	{ "snapchat", "arroyo.db", chat_fx_snapchat, chat_fx_snapchat_functions, NULL },
	{ "telegram-android", "cache4.db", chat_fx_telegram_android, NULL, chat_fx_telegram_fill },
	{ "whatsapp-android", "msgstore.db", chat_fx_whatsapp_android, NULL, NULL },
	{ "whatsapp-android", "msgstore_2019.db", chat_fx_whatsapp_android_legacy, NULL, NULL },
	{ "whatsapp-ios", "ChatStorage.sqlite", chat_fx_whatsapp_ios, NULL, NULL },
	{ "tango", "tc.db", chat_fx_tango, NULL, NULL },
	{ "viber", "viber_data", chat_fx_viber, NULL, NULL },
	{ "burner", "burners.sqlite", chat_fx_burner, NULL, NULL },
	{ "instagram-ios", "9368974300.db", chat_fx_instagram_ios, chat_fx_instagram_functions,
	  NULL },
	{ "instagram-android", "direct.db", chat_fx_instagram_android, NULL, NULL },
	{ "line", "naver_line", chat_fx_line, NULL, NULL },
	{ "line", "call_history", chat_fx_line_call_history, NULL, NULL },
	{ "discord", "a", chat_fx_discord, NULL, NULL },
	{ "imo", "imofriends.db", chat_fx_imo, NULL, NULL },
	{ "twitter", "1001-66.db", chat_fx_twitter, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const chat_fixture *chat_fixture_find(const char *plugin, const char *file)
{
	const chat_fixture *f;

	for (f = chat_fixture_table; f->plugin; f++)
		if (!strcmp(f->plugin, plugin) && (!file || !strcmp(f->file, file)))
			return f;
	return NULL;
}

/* fill — run the fixture's SQL and code on db. */
static int fill(const chat_fixture *f, sqlite3 *db, char *why, size_t why_len)
{
	const char *const *sql;
	char *msg = NULL;

	if (f->functions && f->functions(db) != SQLITE_OK) {
		snprintf(why, why_len, "%s: cannot register its SQL functions", f->file);
		return -1;
	}
	for (sql = f->sql; sql && *sql; sql++)
		if (sqlite3_exec(db, *sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(why, why_len, "%s: fixture SQL failed: %s", f->file,
			         msg ? msg : "?");
			sqlite3_free(msg);
			return -1;
		}
	if (f->fill && f->fill(db) != SQLITE_OK) {
		snprintf(why, why_len, "%s: filling it failed: %s", f->file, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int chat_fixture_build(const chat_fixture *f, chat_bytes *out, char *why,
                       size_t why_len)
{
	sqlite3 *db = NULL;
	sqlite3_int64 size = 0;
	unsigned char *image = NULL;
	int rc = -1;

	out->data = NULL;
	out->len = 0;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		snprintf(why, why_len, "%s: cannot open an in-memory database", f->file);
		goto done;
	}
	if (fill(f, db, why, why_len) < 0)
		goto done;
	if (!(image = sqlite3_serialize(db, "main", &size, 0)) ||
	    !(out->data = malloc((size_t)size + 1))) {
		snprintf(why, why_len, "%s: cannot serialise it", f->file);
		goto done;
	}
	memcpy(out->data, image, (size_t)size);
	out->len = (size_t)size;
	rc = 0;
done:
	sqlite3_free(image);
	sqlite3_close(db);
	return rc;
}

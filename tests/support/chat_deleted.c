/*
 * chat_deleted.c — see chat_deleted.h.
 */
#include "chat_deleted.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "chat.h"
#include "chat_fixtures.h"
#include "chat_test.h"

#define MESSAGES "chat_messages"
#define MAX_ROWS 4096

typedef struct row {
	long long rowid;
	char *text;
} row;

typedef struct fixture {
	chat_bytes db, wal;
	chat_bytes clean; /* the live content alone (VACUUM INTO) */
	row deleted[MAX_ROWS], live[MAX_ROWS];
	size_t n_deleted, n_live;
	char *updated_text; /* the kept row's new text */
	row before[1];      /* the kept row as it was */
} fixture;

static const char *const deletion_names[] = {
	"secure_delete off", "secure_delete on", "WAL not checkpointed",
	"WAL checkpointed"
};

static void exec(sqlite3 *db, const char *sql)
{
	char *why = NULL;

	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &why) == SQLITE_OK,
	              "%s: %s", sql, why ? why : "?");
}

static void write_file(const chat_bytes *b, const char *to)
{
	FILE *f = fopen(to, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b->data, 1, b->len, f), b->len);
	ck_assert_int_eq(fclose(f), 0);
}

/* rows — rowid and text of the rows of c's table matching where (the
 * text through tx->read when the text is held in another form). */
static size_t rows(sqlite3 *db, const chat_deleted_case *c,
                   const chat_deleted_text *tx, const char *where, row *out)
{
	char *text = tx && tx->read ? sqlite3_mprintf("%s", tx->read) :
	                              sqlite3_mprintf("\"%w\"", c->text);
	char *sql = sqlite3_mprintf("SELECT rowid, %s FROM \"%w\" %s ORDER BY rowid",
	                            text, c->table, where);
	sqlite3_stmt *stmt = NULL;
	size_t n = 0;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(stmt, 1);

		ck_assert_uint_lt(n, MAX_ROWS);
		out[n].rowid = sqlite3_column_int64(stmt, 0);
		out[n].text = t ? strdup(t) : NULL;
		n++;
	}
	sqlite3_finalize(stmt);
	sqlite3_free(sql);
	sqlite3_free(text);
	return n;
}

/* build — the case's database from source (a corpus file's bytes or a
 * fixture's), edited the given way. */
static void build(fixture *fx, const chat_deleted_case *c, chat_deletion how,
                  const chat_bytes *source, const chat_deleted_text *tx)
{
	char path[] = "/tmp/exhibit-deleted-XXXXXX", side[64];
	bool wal = how == CHAT_DELETE_WAL || how == CHAT_DELETE_CHECKPOINTED;
	sqlite3 *db = NULL;
	char *sql;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	write_file(source, path);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	if (tx && tx->functions)
		ck_assert_int_eq(tx->functions(db), SQLITE_OK);
	exec(db, wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE");
	exec(db, "PRAGMA wal_autocheckpoint = 0");
	exec(db, how == CHAT_DELETE_SECURE ? "PRAGMA secure_delete = ON"
	                                   : "PRAGMA secure_delete = OFF");
	if (c->setup) {
		/* and no trace of the rows as they were before it */
		exec(db, c->setup);
		exec(db, "VACUUM");
	}
	if (wal)
		exec(db, "PRAGMA wal_checkpoint(TRUNCATE)"); /* the WAL starts empty */
	fx->n_deleted = rows(db, c, tx, c->victims, fx->deleted);
	ck_assert_uint_gt(fx->n_deleted, 0);
	sql = sqlite3_mprintf("WHERE rowid = %lld", c->updated);
	ck_assert_uint_eq(rows(db, c, tx, sql, fx->before), 1);
	sqlite3_free(sql);
	if (tx && tx->edit)
		sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = %s WHERE rowid = %lld",
		                      c->table, c->text, tx->edit, c->updated);
	else
		sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = \"%w\" || ' (edited in place)' "
		                      "WHERE rowid = %lld", c->table, c->text, c->text, c->updated);
	exec(db, sql);
	sqlite3_free(sql);
	sql = sqlite3_mprintf("DELETE FROM \"%w\" %s", c->table, c->victims);
	exec(db, sql);
	sqlite3_free(sql);
	fx->n_live = rows(db, c, tx, "", fx->live);
	snprintf(side, sizeof side, "%s-clean", path);
	sql = sqlite3_mprintf("VACUUM INTO %Q", side);
	exec(db, sql);
	sqlite3_free(sql);
	fx->clean = chat_read_file(side);
	unlink(side);
	if (how == CHAT_DELETE_CHECKPOINTED)
		exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	/* read while the connection is open: closing would checkpoint */
	fx->db = chat_read_file(path);
	snprintf(side, sizeof side, "%s-wal", path);
	if (how == CHAT_DELETE_WAL)
		fx->wal = chat_read_file(side);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
	unlink(path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-journal", path);
	unlink(side);
	{
		size_t i;

		for (i = 0; i < fx->n_live; i++)
			if (fx->live[i].rowid == c->updated)
				fx->updated_text = fx->live[i].text;
		ck_assert_ptr_nonnull(fx->updated_text);
	}
}

static size_t occurrences(const chat_bytes *b, const char *text)
{
	size_t n = 0, len = strlen(text);
	const unsigned char *p = b->data, *end = b->data + b->len;

	while (b->data && len && (p = memmem(p, (size_t)(end - p), text, len))) {
		n++;
		p++;
	}
	return n;
}

/* present — the text is in the bytes handed more often than in the live
 * content alone (another live row may hold the same text: a chat's last
 * message, say) */
static bool present(const fixture *fx, const char *text)
{
	return text && *text && occurrences(&fx->db, text) + occurrences(&fx->wal, text) >
	                        occurrences(&fx->clean, text);
}

/* anywhere — the text is in the bytes handed */
static bool anywhere(const fixture *fx, const char *text)
{
	return occurrences(&fx->db, text) + occurrences(&fx->wal, text) > 0;
}

static const char *field(const stub_record *r, const char *name)
{
	const stub_field *f = stub_record_field(r, name);

	ck_assert_msg(f != NULL, "no field %s", name);
	return f->type == EXHIBIT_TEXT ? f->text : NULL;
}

static bool has_value(const stub_record *r, const char *name)
{
	const stub_field *f = stub_record_field(r, name);

	return f && f->type != EXHIBIT_NULL;
}

static void check(const fixture *fx, const chat_deleted_case *c,
                  const chat_run *run, chat_deleted_figures *fig)
{
	const char *type = c->record_type ? c->record_type : MESSAGES;
	const char *key_field = c->key_field ? c->key_field : "message_key";
	const char *text_field = c->text_field ? c->text_field : "body";
	size_t n = chat_count(run, type), i, j;
	char key[256], lost[256];

	snprintf(lost, sizeof lost, "%s-1", c->key_prefix);
	/* live rows: once each, never recovered, in their latest version */
	for (i = 0; i < fx->n_live; i++) {
		size_t seen = 0;

		snprintf(key, sizeof key, "%s%lld", c->key_prefix, fx->live[i].rowid);
		for (j = 0; j < n; j++) {
			const stub_record *r = stub_host_record(run->host, type, j);

			if (!chat_same(field(r, key_field), key))
				continue;
			seen++;
			ck_assert_msg(!has_value(r, "recovered_from"),
			              "live message %s reported as recovered from %s", key,
			              field(r, "recovered_from"));
			if (fx->live[i].rowid == c->updated)
				ck_assert_msg(field(r, text_field) &&
				              strstr(field(r, text_field), "(edited in place)"),
				              "live message %s not in its latest version: \"%.60s\"",
			              key, field(r, text_field) ? field(r, text_field) : "(none)");
		}
		ck_assert_msg(seen == 1, "live message %s reported %zu times", key, seen);
	}
	fig->live = fx->n_live;
	/* deleted rows: once each when their text survives, else never */
	fig->deleted = fx->n_deleted;
	for (i = 0; i < fx->n_deleted; i++) {
		const row *d = &fx->deleted[i];
		size_t seen = 0;

		snprintf(key, sizeof key, "%s%lld", c->key_prefix, d->rowid);
		for (j = 0; j < n; j++) {
			const stub_record *r = stub_host_record(run->host, type, j);

			if (!chat_same(field(r, text_field), d->text))
				continue;
			seen++;
			ck_assert_msg(has_value(r, "recovered_from") &&
			              has_value(r, "recovered_offset"),
			              "deleted message %s reported without its origin", key);
			/* its own key, or none when the rowid was lost */
			ck_assert_msg(!field(r, key_field) || chat_same(field(r, key_field), key) ||
			              chat_same(field(r, key_field), lost),
			              "deleted message %s reported as %s", key,
			              field(r, key_field));
		}
		if (present(fx, d->text)) {
			fig->present++;
			ck_assert_msg(seen == 1, "deleted message %s (\"%.40s\"), still in "
			              "the bytes, reported %zu times", key, d->text, seen);
			fig->recovered++;
		} else {
			ck_assert_msg(seen == 0, "deleted message %s reported though its "
			              "text is gone", key);
		}
	}
	/* nothing invented */
	for (j = 0; j < n; j++) {
		const stub_record *r = stub_host_record(run->host, type, j);
		const char *body = field(r, text_field);

		if (!has_value(r, "recovered_from"))
			continue;
		ck_assert_msg(!body || anywhere(fx, body), "recovered message with a text "
		              "the bytes do not hold: \"%.40s\"", body);
		/* the older version of the row edited in place: dropped by its key,
		 * unless its rowid was lost (then nothing ties it to the live row) */
		if (chat_same(body, fx->before[0].text)) {
			ck_assert_msg(!field(r, key_field) || chat_same(field(r, key_field), lost),
			              "the older version of a live message reported as "
			              "recovered with its key %s", field(r, key_field));
			fig->unkeyed_versions++;
			continue;
		}
		for (i = 0; i < fx->n_deleted; i++)
			if (chat_same(body, fx->deleted[i].text))
				break;
		if (i == fx->n_deleted)
			fig->other++;
	}
}

static chat_deleted_figures run_on(const exhibit_plugin *plugin,
                                   const chat_deleted_case *c, chat_deletion how,
                                   const chat_bytes *source, const chat_deleted_text *tx)
{
	chat_deleted_figures fig = { 0, 0, 0, 0, 0, 0 };
	fixture *fx = calloc(1, sizeof *fx);
	chat_run run;
	size_t i;

	ck_assert_ptr_nonnull(fx);
	build(fx, c, how, source, tx);
	run.host = stub_host_new(fx->db.data, fx->db.len, "/evidence/renamed.bin");
	ck_assert_ptr_nonnull(run.host);
	stub_host_set_sqlite_budget(run.host, 2000, 20000);
	if (fx->wal.data)
		stub_host_set_wal(run.host, fx->wal.data, fx->wal.len);
	run.rc = stub_host_analyze(run.host, plugin);
	ck_assert_msg(stub_host_open_databases(run.host) == 0,
	              "the plugin left a database open");
	ck_assert_int_eq(run.rc, EXHIBIT_OK);
	check(fx, c, &run, &fig);
	printf("%s, %s: %zu deleted, %zu still present, %zu recovered; %zu other "
	       "recovered, %zu older version without key, %zu live\n", c->corpus,
	       deletion_names[how], fig.deleted, fig.present, fig.recovered, fig.other,
	       fig.unkeyed_versions, fig.live);
	stub_host_free(run.host);
	for (i = 0; i < fx->n_deleted; i++)
		free(fx->deleted[i].text);
	for (i = 0; i < fx->n_live; i++)
		free(fx->live[i].text);
	free(fx->before[0].text);
	chat_bytes_free(&fx->db);
	chat_bytes_free(&fx->wal);
	chat_bytes_free(&fx->clean);
	free(fx);
	return fig;
}

chat_deleted_figures chat_deleted_run(const exhibit_plugin *plugin,
                                      const chat_deleted_case *c,
                                      chat_deletion how)
{
	chat_bytes source = chat_read_corpus(c->corpus);
	chat_deleted_figures fig = run_on(plugin, c, how, &source, NULL);

	chat_bytes_free(&source);
	return fig;
}

chat_deleted_figures chat_deleted_run_db(const exhibit_plugin *plugin,
                                         const chat_deleted_case *c,
                                         chat_deletion how, const chat_bytes *db)
{
	return run_on(plugin, c, how, db, NULL);
}

chat_deleted_figures chat_deleted_run_db_text(const exhibit_plugin *plugin,
                                              const chat_deleted_case *c,
                                              chat_deletion how, const chat_bytes *db,
                                              const chat_deleted_text *tx)
{
	return run_on(plugin, c, how, db, tx);
}

chat_bytes chat_deleted_fixture(const char *plugin, const char *file)
{
	const chat_fixture *f = chat_fixture_find(plugin, file);
	chat_bytes b;
	char why[512];

	ck_assert_msg(f != NULL, "no fixture for %s", plugin);
	ck_assert_msg(chat_fixture_build(f, &b, why, sizeof why) == 0, "%s", why);
	return b;
}

void chat_deleted_expect(const chat_deleted_figures *f, chat_deletion how)
{
	if (how == CHAT_DELETE_SECURE)
		ck_assert_uint_eq(f->present, 0);
	else
		ck_assert_uint_gt(f->present, 0);
	ck_assert_uint_eq(f->recovered, f->present);
}

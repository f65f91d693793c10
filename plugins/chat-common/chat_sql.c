/*
 * chat_sql.c — see chat_sql.h.
 */
#include "chat_sql.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SQL_REPORTS 20
#define NAME_IN_MESSAGE 120 /* bytes of a hostile name quoted in a message */

chat_source chat_live(sqlite3 *db)
{
	chat_source src = { CHAT_LIVE, db, db };

	return src;
}

/* ---- schema ------------------------------------------------------------- */

static bool exists(sqlite3 *db, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(stmt, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(stmt, 2, b, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return found;
}

/* Ordinary tables only: a virtual table's module would run on hostile
 * data, and views never run on an untrusted connection. */
bool chat_has_table(sqlite3 *db, const char *table)
{
	return exists(db,
	              "SELECT 1 FROM sqlite_schema WHERE type = 'table' "
	              "AND name = ?1 COLLATE NOCASE "
	              "AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%'",
	              table, NULL);
}

bool chat_has_column(sqlite3 *db, const char *table, const char *column)
{
	return chat_has_table(db, table) &&
	       exists(db, "SELECT 1 FROM pragma_table_info(?1) "
	                  "WHERE name = ?2 COLLATE NOCASE", table, column);
}

static bool requirement_holds(sqlite3 *db, const char *requirement)
{
	const char *dot = strchr(requirement, '.');
	char table[128];
	size_t len;

	if (!dot)
		return chat_has_table(db, requirement);
	len = (size_t)(dot - requirement);
	if (len >= sizeof table)
		return false;
	memcpy(table, requirement, len);
	table[len] = '\0';
	return chat_has_column(db, table, dot + 1);
}

bool chat_matches(sqlite3 *db, const char *const *requirements)
{
	if (!requirements || !*requirements)
		return false;
	for (; *requirements; requirements++)
		if (!requirement_holds(db, *requirements))
			return false;
	return true;
}

char *chat_column_list(sqlite3 *db, const char *table, const char *const *columns)
{
	char *list = sqlite3_mprintf("%s", "");
	size_t i;

	for (i = 0; list && columns[i]; i++) {
		char *longer = chat_has_column(db, table, columns[i]) ?
		               sqlite3_mprintf("%s%s\"%w\"", list, i ? ", " : "", columns[i]) :
		               sqlite3_mprintf("%s%sNULL", list, i ? ", " : "");

		sqlite3_free(list);
		list = longer;
	}
	return list;
}

/* ---- errors ------------------------------------------------------------- */

int chat_sqlite_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return EXHIBIT_OK;
	case SQLITE_INTERRUPT:
	case SQLITE_TOOBIG:
		return EXHIBIT_ERR_LIMIT;
	case SQLITE_NOMEM:
	case SQLITE_MISUSE:
		return EXHIBIT_ERR;
	default:
		return EXHIBIT_ERR_FORMAT;
	}
}

void chat_sql_error(chat_ctx *ctx, sqlite3 *db, int rc, int64_t offset,
                    const char *what, const char *table)
{
	chat_fail(ctx, chat_sqlite_code(rc));
	if (ctx->sql_errors++ == MAX_SQL_REPORTS) {
		chat_report(ctx, -1, "more database errors follow; only the first %d are reported",
		            MAX_SQL_REPORTS);
		return;
	}
	if (ctx->sql_errors > MAX_SQL_REPORTS)
		return;
	if (table)
		chat_report(ctx, offset, "%s: table \"%.*s\": %s: SQLite: %s", ctx->app,
		            NAME_IN_MESSAGE, table, what, sqlite3_errmsg(db));
	else
		chat_report(ctx, offset, "%s: %s: SQLite: %s", ctx->app, what,
		            sqlite3_errmsg(db));
}

bool chat_stopped(const chat_ctx *ctx)
{
	return ctx->status == EXHIBIT_ERR_LIMIT || ctx->status == EXHIBIT_ERR ||
	       ctx->out_of_memory;
}

int64_t chat_table_offset(sqlite3 *db, const char *table)
{
	sqlite3_stmt *stmt = NULL;
	int64_t root = 0, page_size = 0;

	if (sqlite3_prepare_v2(db, "SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
	                       "FROM sqlite_schema WHERE type = 'table' AND name = ?1 "
	                       "COLLATE NOCASE", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		root = sqlite3_column_int64(stmt, 0);
		page_size = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (root < 1 || page_size < 512 || root > INT64_MAX / page_size)
		return -1;
	return (root - 1) * page_size;
}

/* ---- one table, row by row ---------------------------------------------- */

static bool without_rowid(sqlite3 *db, const char *table)
{
	return exists(db, "SELECT 1 FROM pragma_table_list WHERE name = ?1 "
	                  "COLLATE NOCASE AND wr = 1", table, NULL);
}

static char *select_sql(const chat_source *src, const char *table,
                        const char *const *columns, bool exprs, const char *where)
{
	chat_buf sql = { NULL, 0, 0, false };
	bool recovered = src->kind == CHAT_RECOVERED;
	bool has_rowid = recovered || !without_rowid(src->rows, table);
	size_t i;

	chat_buf_adds(&sql, "SELECT ");
	for (i = 0; columns[i]; i++) {
		char *name = NULL;

		if (exprs)
			name = sqlite3_mprintf("%s, ", columns[i]);
		else if (chat_has_column(src->rows, table, columns[i]))
			name = sqlite3_mprintf("\"%w\", ", columns[i]);
		chat_buf_adds(&sql, name ? name : "NULL, ");
		sqlite3_free(name);
	}
	if (recovered)
		chat_buf_adds(&sql, "_origin, _offset, _rowid");
	else
		chat_buf_adds(&sql, has_rowid ? "NULL, NULL, rowid" : "NULL, NULL, NULL");
	{
		char *from = sqlite3_mprintf(" FROM \"%w\"", table);

		chat_buf_adds(&sql, from);
		if (!from)
			sql.failed = true;
		sqlite3_free(from);
	}
	if (where) {
		chat_buf_adds(&sql, " ");
		chat_buf_adds(&sql, where);
	}
	if (recovered)
		chat_buf_adds(&sql, " ORDER BY _offset");
	else if (has_rowid)
		chat_buf_adds(&sql, " ORDER BY rowid");
	return chat_buf_take(&sql);
}

static bool rows_open(chat_rowset *rs, chat_ctx *ctx, const chat_source *src,
                      const char *table, const char *const *columns, bool exprs,
                      const char *where)
{
	char *sql;
	int rc;

	memset(rs, 0, sizeof *rs);
	rs->ctx = ctx;
	rs->src = src;
	rs->table = table;
	if (chat_stopped(ctx) || !chat_has_table(src->rows, table))
		return false;
	while (columns[rs->n_columns])
		rs->n_columns++;
	rs->offset = src->kind == CHAT_LIVE ? chat_table_offset(src->rows, table) : -1;
	sql = select_sql(src, table, columns, exprs, where);
	if (!sql) {
		ctx->out_of_memory = true;
		return false;
	}
	rc = sqlite3_prepare_v2(src->rows, sql, -1, &rs->stmt, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		chat_sql_error(ctx, src->rows, rc, rs->offset, "cannot read it", table);
		sqlite3_finalize(rs->stmt);
		rs->stmt = NULL;
		return false;
	}
	return true;
}

bool chat_rows_open(chat_rowset *rs, chat_ctx *ctx, const chat_source *src,
                    const char *table, const char *const *columns,
                    const char *where)
{
	return rows_open(rs, ctx, src, table, columns, false, where);
}

bool chat_rows_open_exprs(chat_rowset *rs, chat_ctx *ctx, const chat_source *src,
                          const char *table, const char *const *exprs,
                          const char *where)
{
	return rows_open(rs, ctx, src, table, exprs, true, where);
}

bool chat_rows_next(chat_rowset *rs)
{
	int rc;

	if (!rs->stmt)
		return false;
	rc = sqlite3_step(rs->stmt);
	if (rc == SQLITE_ROW && rs->ctx->max_rows && rs->rows >= rs->ctx->max_rows) {
		chat_report(rs->ctx, rs->offset, "%s: table \"%.*s\" yields more rows than "
		            "the database can hold (%llu): its b-tree is damaged (pages "
		            "reused); reading it stopped there", rs->ctx->app,
		            NAME_IN_MESSAGE, rs->table, (unsigned long long)rs->rows);
		chat_fail(rs->ctx, EXHIBIT_ERR_FORMAT);
		rc = SQLITE_DONE;
	}
	if (rc == SQLITE_ROW) {
		rs->rows++;
		return true;
	}
	if (rc != SQLITE_DONE) {
		char what[96];

		snprintf(what, sizeof what, "reading stopped after %llu rows",
		         (unsigned long long)rs->rows);
		chat_sql_error(rs->ctx, rs->src->rows, rc, rs->offset, what, rs->table);
	}
	sqlite3_finalize(rs->stmt);
	rs->stmt = NULL;
	return false;
}

const char *chat_provenance_columns(const chat_source *src)
{
	return src->kind == CHAT_RECOVERED ? "_origin, _offset, _rowid"
	                                   : "NULL, NULL, rowid";
}

void chat_provenance_read(const chat_source *src, sqlite3_stmt *stmt,
                          int first, const char *table, chat_provenance *p)
{
	memset(p, 0, sizeof *p);
	p->table = table;
	p->has_rowid = chat_col_int(stmt, first + 2, &p->rowid);
	if (src->kind == CHAT_RECOVERED) {
		p->origin = chat_col_text(stmt, first);
		if (!p->origin)
			p->origin = "unknown";
		p->has_offset = chat_col_int(stmt, first + 1, &p->offset);
	}
}

void chat_rows_provenance(const chat_rowset *rs, chat_provenance *p)
{
	chat_provenance_read(rs->src, rs->stmt, rs->n_columns, rs->table, p);
}

bool chat_rows_rowid(const chat_rowset *rs, int64_t *rowid)
{
	return rs->stmt && chat_col_int(rs->stmt, rs->n_columns + 2, rowid);
}

void chat_rows_close(chat_rowset *rs)
{
	sqlite3_finalize(rs->stmt);
	rs->stmt = NULL;
}

/* ---- reading values ----------------------------------------------------- */

const char *chat_col_text(sqlite3_stmt *stmt, int i)
{
	if (!stmt || sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(stmt, i);
}

char *chat_col_dup(sqlite3_stmt *stmt, int i)
{
	const unsigned char *text;
	int len;

	if (!stmt || sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	text = sqlite3_column_text(stmt, i);
	len = sqlite3_column_bytes(stmt, i);
	if (!text)
		return NULL;
	return chat_clean_text(text, (size_t)len);
}

static bool parse_integer(const char *text, int64_t *out)
{
	char *end;
	long long v;

	if (!text)
		return false;
	while (*text == ' ')
		text++;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end == text)
		return false;
	while (*end == ' ')
		end++;
	if (*end)
		return false;
	*out = v;
	return true;
}

bool chat_col_int(sqlite3_stmt *stmt, int i, int64_t *out)
{
	double r;

	if (!stmt)
		return false;
	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_INTEGER:
		*out = sqlite3_column_int64(stmt, i);
		return true;
	case SQLITE_FLOAT:
		r = sqlite3_column_double(stmt, i);
		if (!isfinite(r) || r != floor(r) || r < -9.2e18 || r > 9.2e18)
			return false;
		*out = (int64_t)r;
		return true;
	case SQLITE_TEXT:
		return parse_integer((const char *)sqlite3_column_text(stmt, i), out);
	default:
		return false;
	}
}

int64_t chat_col_int_or(sqlite3_stmt *stmt, int i, int64_t fallback)
{
	int64_t v;

	return chat_col_int(stmt, i, &v) ? v : fallback;
}

chat_time chat_col_time(chat_ctx *ctx, sqlite3_stmt *stmt, int i,
                        int64_t units, int64_t epoch, bool zero_is_unset)
{
	chat_time none = { false, 0, 0 };
	int64_t v;
	const char *text;
	char *end;
	double r;

	switch (stmt ? sqlite3_column_type(stmt, i) : SQLITE_NULL) {
	case SQLITE_INTEGER:
		return chat_time_from(ctx, sqlite3_column_int64(stmt, i), units, epoch,
		                      zero_is_unset);
	case SQLITE_FLOAT:
		return chat_time_from_real(ctx, sqlite3_column_double(stmt, i), units,
		                           epoch, zero_is_unset);
	case SQLITE_TEXT:
		text = (const char *)sqlite3_column_text(stmt, i);
		if (!text || !*text)
			return none;
		if (parse_integer(text, &v))
			return chat_time_from(ctx, v, units, epoch, zero_is_unset);
		errno = 0;
		r = strtod(text, &end);
		if (!errno && end != text && !*end)
			return chat_time_from_real(ctx, r, units, epoch, zero_is_unset);
		ctx->bad_times++;
		return none;
	case SQLITE_BLOB:
		ctx->bad_times++;
		return none;
	default:
		return none;
	}
}

void chat_extra_int(chat_json *extra, const char *key, sqlite3_stmt *stmt, int i)
{
	int64_t v;

	if (chat_col_int(stmt, i, &v))
		chat_json_int(extra, key, v);
}

void chat_extra_text(chat_json *extra, const char *key, sqlite3_stmt *stmt, int i)
{
	chat_json_text(extra, key, chat_col_text(stmt, i));
}

/* ---- lookups ------------------------------------------------------------ */

sqlite3_stmt *chat_prepare(chat_ctx *ctx, sqlite3 *db, const char *sql,
                           bool quiet)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (chat_stopped(ctx))
		return NULL;
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		if (!quiet)
			chat_sql_error(ctx, db, rc, -1, "cannot prepare a query", NULL);
		sqlite3_finalize(stmt);
		return NULL;
	}
	return stmt;
}

bool chat_step(chat_ctx *ctx, sqlite3_stmt *stmt)
{
	int rc;

	if (!stmt)
		return false;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE)
		chat_sql_error(ctx, sqlite3_db_handle(stmt), rc, -1,
		               "a lookup failed", NULL);
	return false;
}

bool chat_lookup_int(chat_ctx *ctx, sqlite3_stmt *stmt, int64_t key)
{
	if (!stmt || chat_stopped(ctx))
		return false;
	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, key);
	return chat_step(ctx, stmt);
}

bool chat_lookup_text(chat_ctx *ctx, sqlite3_stmt *stmt, const char *key)
{
	if (!stmt || !key || chat_stopped(ctx))
		return false;
	sqlite3_reset(stmt);
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	return chat_step(ctx, stmt);
}

void chat_lookup_open(chat_lookup *l, chat_ctx *ctx, const chat_source *src,
                      const char *sql)
{
	memset(l, 0, sizeof *l);
	/* Quiet: an app version without the table has nothing to look up. */
	l->live = chat_prepare(ctx, src->lookup, sql, true);
	if (src->kind == CHAT_RECOVERED && src->rows != src->lookup)
		l->recovered = chat_prepare(ctx, src->rows, sql, true);
}

static bool find_in(chat_lookup *l, chat_ctx *ctx, sqlite3_stmt *stmt,
                    const char *text, int64_t key, sqlite3_value *value)
{
	bool found;

	if (value) {
		found = stmt && !chat_stopped(ctx);
		if (found) {
			sqlite3_reset(stmt);
			sqlite3_bind_value(stmt, 1, value);
			found = chat_step(ctx, stmt);
		}
	} else {
		found = text ? chat_lookup_text(ctx, stmt, text)
		             : chat_lookup_int(ctx, stmt, key);
	}
	if (found)
		l->found = stmt;
	return found;
}

bool chat_lookup_find(chat_lookup *l, chat_ctx *ctx, int64_t key)
{
	l->found = NULL;
	return find_in(l, ctx, l->live, NULL, key, NULL) ||
	       find_in(l, ctx, l->recovered, NULL, key, NULL);
}

bool chat_lookup_find_value(chat_lookup *l, chat_ctx *ctx, sqlite3_value *key)
{
	l->found = NULL;
	return key && sqlite3_value_type(key) != SQLITE_NULL &&
	       (find_in(l, ctx, l->live, NULL, 0, key) ||
	        find_in(l, ctx, l->recovered, NULL, 0, key));
}

bool chat_lookup_find_text(chat_lookup *l, chat_ctx *ctx, const char *key)
{
	l->found = NULL;
	return key && (find_in(l, ctx, l->live, key, 0, NULL) ||
	               find_in(l, ctx, l->recovered, key, 0, NULL));
}

bool chat_lookup_more(chat_lookup *l, chat_ctx *ctx)
{
	return l->found && chat_step(ctx, l->found);
}

void chat_lookup_add_rest(chat_lookup *l, chat_ctx *ctx, chat_json *list, size_t max)
{
	size_t n = 0;

	do
		chat_json_add_unique(list, chat_nonempty(chat_col_text(l->found, 0)));
	while (++n < max && chat_lookup_more(l, ctx));
}

char *chat_others(chat_ctx *ctx, const chat_source *src, const char *participants,
                  const char *sender, size_t max)
{
	sqlite3_stmt *s;
	chat_json list;
	size_t n = 0;

	if (!participants)
		return NULL;
	chat_json_array(&list);
	s = chat_prepare(ctx, src->lookup, "SELECT value FROM json_each(?1) WHERE json_valid(?1)",
	                 true);
	if (s) {
		sqlite3_bind_text(s, 1, participants, -1, SQLITE_STATIC);
		while (n++ < max && chat_step(ctx, s))
			if (!chat_same(chat_col_text(s, 0), sender))
				chat_json_add(&list, chat_col_text(s, 0));
		sqlite3_finalize(s);
	}
	return chat_json_take(&list);
}

void chat_lookup_close(chat_lookup *l)
{
	sqlite3_finalize(l->live);
	sqlite3_finalize(l->recovered);
	memset(l, 0, sizeof *l);
}

/* ---- related rows ------------------------------------------------------- */

static sqlite3_stmt *related_prepare(chat_ctx *ctx, sqlite3 *db, const char *sql,
                                     const char *provenance)
{
	char *full = sqlite3_mprintf(sql, provenance);
	sqlite3_stmt *stmt;

	if (!full) {
		ctx->out_of_memory = true;
		return NULL;
	}
	/* quiet: an app version without the table has nothing related */
	stmt = chat_prepare(ctx, db, full, true);
	sqlite3_free(full);
	return stmt;
}

void chat_related_open(chat_related *r, chat_ctx *ctx, const chat_source *src,
                       const char *table, int first, const char *sql)
{
	memset(r, 0, sizeof *r);
	r->src = src;
	r->table = table;
	r->first = first;
	if (!chat_has_table(src->rows, table))
		return;
	r->own = related_prepare(ctx, src->rows, sql, chat_provenance_columns(src));
	if (src->kind == CHAT_RECOVERED && src->lookup != src->rows &&
	    chat_has_table(src->lookup, table))
		r->live = related_prepare(ctx, src->lookup, sql, "NULL, NULL, rowid");
}

void chat_related_open_columns(chat_related *r, chat_ctx *ctx, const chat_source *src,
                               const char *table, const char *key_column,
                               const char *const *columns)
{
	char *list, *sql;
	int n = 0;

	memset(r, 0, sizeof *r);
	while (columns[n])
		n++;
	if (!chat_has_column(src->lookup, table, key_column))
		return;
	list = chat_column_list(src->lookup, table, columns);
	/* %%s stays for the provenance columns */
	sql = list ? sqlite3_mprintf("SELECT %s, %%s FROM \"%w\" WHERE \"%w\" = ?1 "
	                             "ORDER BY rowid", list, table, key_column) : NULL;
	sqlite3_free(list);
	if (!sql) {
		ctx->out_of_memory = true;
		return;
	}
	chat_related_open(r, ctx, src, table, n, sql);
	sqlite3_free(sql);
}

static bool related_in(chat_related *r, chat_ctx *ctx, sqlite3_stmt *stmt,
                       int64_t key)
{
	if (!chat_lookup_int(ctx, stmt, key))
		return false;
	r->found = stmt;
	return true;
}

bool chat_related_find(chat_related *r, chat_ctx *ctx, int64_t key)
{
	r->found = NULL;
	return related_in(r, ctx, r->own, key) || related_in(r, ctx, r->live, key);
}

bool chat_related_more(chat_related *r, chat_ctx *ctx)
{
	return r->found && chat_step(ctx, r->found);
}

void chat_related_provenance(const chat_related *r, chat_provenance *p)
{
	chat_source live = chat_live(r->src->lookup);

	chat_provenance_read(r->found == r->live ? &live : r->src, r->found, r->first,
	                     r->table, p);
}

void chat_related_close(chat_related *r)
{
	sqlite3_finalize(r->own);
	sqlite3_finalize(r->live);
	memset(r, 0, sizeof *r);
}

/* ---- the driver --------------------------------------------------------- */

static bool is_sqlite(const exhibit_host_api *api, exhibit_host *host)
{
	unsigned char magic[16];
	int64_t got = 0;

	while (got < (int64_t)sizeof magic) {
		int64_t n = api->read(host, (uint64_t)got, magic + got,
		                      sizeof magic - (size_t)got);
		if (n <= 0 || n > (int64_t)sizeof magic - got)
			return false;
		got += n;
	}
	return memcmp(magic, "SQLite format 3", 16) == 0;
}

/*
 * recovered_pass — the parser's extraction over the rows the host
 * recovered, in the context of its live pass (whose keys it holds).
 * Failures are reported and counted; what the live pass emitted stays.
 */
static void recovered_pass(chat_ctx *ctx, const chat_parser *parser,
                           sqlite3 *live, sqlite3 *recovered)
{
	chat_source src = { CHAT_RECOVERED, recovered, live };

	if (!recovered || chat_stopped(ctx))
		return;
	chat_fail(ctx, parser->extract(ctx, &src));
}

int chat_analyze_sqlite(const exhibit_host_api *api, exhibit_host *host,
                        const exhibit_item *item, const chat_parser *parsers,
                        size_t n_parsers)
{
	chat_ctx ctx;
	sqlite3 *db = NULL, *recovered = NULL;
	bool recovery_tried = false;
	int status = EXHIBIT_OK;
	size_t i;
	int rc;

	/* what is found depends on the content alone: of the item, only its
	 * size is used, to bound what a damaged database can make us read */
	if (!is_sqlite(api, host))
		return EXHIBIT_OK;
	rc = api->open_sqlite(host, &db);
	if (rc != EXHIBIT_OK)
		return rc; /* the host has said why */
	/*
	 * Each parser reads the live rows, then the rows the host recovers
	 * from free space (deleted or overwritten versions of rows) through
	 * the same extraction with a source of kind CHAT_RECOVERED.  The live
	 * pass comes first so that a recovered row the app still has, in a
	 * newer version, is known as such (chat_emit_message).  The recovered
	 * database is built once, when a parser first claims the item; when it
	 * cannot be (the host has reported why), the live records stand.
	 */
	for (i = 0; i < n_parsers; i++) {
		chat_source live = chat_live(db);

		if (!chat_matches(db, parsers[i].fingerprint))
			continue;
		chat_init(&ctx, api, host, parsers[i].app);
		ctx.max_rows = item->size / CHAT_MIN_ROW_BYTES + 64;
		chat_fail(&ctx, parsers[i].extract(&ctx, &live));
		if (!recovery_tried) {
			recovery_tried = true;
			rc = api->open_sqlite_recovered(host, &recovered);
			if (rc != EXHIBIT_OK) {
				recovered = NULL;
				chat_fail(&ctx, rc);
			}
		}
		recovered_pass(&ctx, &parsers[i], db, recovered);
		status = chat_worse(status, chat_finish(&ctx));
	}
	if (recovered)
		api->close_sqlite(host, recovered);
	api->close_sqlite(host, db);
	return status;
}

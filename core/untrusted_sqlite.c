/*
 * untrusted_sqlite.c — see untrusted_sqlite.h.
 *
 * Invariants: a connection returned by untrusted_sqlite_open has every
 * hardening setting below applied and its budget installed, or it is not
 * returned at all (no half-hardened connection ever escapes).  The budget
 * state is owned by the connection and freed when it closes.
 */
#include "untrusted_sqlite.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "exhibit/plugin.h"

#if SQLITE_VERSION_NUMBER < 3033000
#error "exhibit needs SQLite 3.33 or newer (trusted_schema, views off, sqlite_schema)"
#endif

/* Byte offsets in the 100-byte database header. */
#define HEADER_PAGE_SIZE 16
#define HEADER_WRITE_VERSION 18
#define HEADER_READ_VERSION 19
#define HEADER_CHANGE_COUNTER 24
#define HEADER_PAGE_COUNT 28
#define HEADER_VERSION_VALID_FOR 92
#define HEADER_SIZE 100
#define JOURNAL_VERSION_WAL 2
#define JOURNAL_VERSION_ROLLBACK 1

#define NS_PER_MS INT64_C(1000000)

/*
 * Limits for hostile input.  SQLite's high-security suggestions are lower;
 * these stay low enough to bound work while still reading every real app
 * database in the test corpus (the widest table there has 182 columns, the
 * longest schema statement is under 5 KB).  A schema that exceeds one of
 * them fails to load, with SQLite's message naming the limit.
 */
static const struct {
	int id;
	int value;
} hostile_limits[] = {
	{ SQLITE_LIMIT_LENGTH, 64 * 1024 * 1024 }, /* one string, blob or row */
	{ SQLITE_LIMIT_SQL_LENGTH, 1000000 },      /* also bounds schema text */
	{ SQLITE_LIMIT_COLUMN, 1000 },
	{ SQLITE_LIMIT_EXPR_DEPTH, 100 },
	{ SQLITE_LIMIT_COMPOUND_SELECT, 100 },
	{ SQLITE_LIMIT_VDBE_OP, 100000 },
	{ SQLITE_LIMIT_FUNCTION_ARG, 64 },
	{ SQLITE_LIMIT_ATTACHED, 0 },
	{ SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000 },
	{ SQLITE_LIMIT_VARIABLE_NUMBER, 256 },
	{ SQLITE_LIMIT_TRIGGER_DEPTH, 1 },
	{ SQLITE_LIMIT_WORKER_THREADS, 0 }, /* plugins own no threads */
};

/* Connection switches: { verb, value }.  Each must read back as set. */
static const struct {
	int verb;
	int value;
} hostile_switches[] = {
	{ SQLITE_DBCONFIG_DEFENSIVE, 1 },
	{ SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0 },
	{ SQLITE_DBCONFIG_ENABLE_TRIGGER, 0 },
	{ SQLITE_DBCONFIG_ENABLE_VIEW, 0 },
	{ SQLITE_DBCONFIG_ENABLE_FKEY, 0 },
	{ SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0 },
	{ SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0 },
	{ SQLITE_DBCONFIG_WRITABLE_SCHEMA, 0 },
	{ SQLITE_DBCONFIG_DQS_DML, 0 },
};

/*
 * Pragmas that harden the connection further; none reads the database.
 * (The usual advice to turn off mmap guards against a file changed while
 * in use; the private copy cannot be.)
 */
static const char hostile_pragmas[] =
	"PRAGMA cell_size_check = ON;"
	"PRAGMA query_only = ON;";

/* The time budget of one connection; see untrusted_sqlite.h. */
typedef struct sql_budget {
	int64_t step_ns;     /* allowed per row */
	int64_t total_ns;    /* allowed per connection */
	bool running;        /* a tick has been seen since the last row */
	int64_t step_start;  /* when the current row's work was first seen */
	int64_t last_tick;   /* the previous progress tick */
	int64_t busy_ns;     /* SQLite working time so far */
	char **generated;    /* virtual generated columns: table, column, ... */
	size_t n_generated;  /* pairs */
} sql_budget;

static int64_t monotonic_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Progress handler: nonzero interrupts the running statement. */
static int budget_tick(void *arg)
{
	sql_budget *budget = arg;
	int64_t now = monotonic_ns();

	if (!budget->running) {
		budget->running = true;
		budget->step_start = now;
	} else {
		budget->busy_ns += now - budget->last_tick;
	}
	budget->last_tick = now;
	return now - budget->step_start > budget->step_ns ||
	       budget->busy_ns > budget->total_ns;
}

/* Trace hook: a statement started or returned a row; the clock pauses. */
static int budget_pause(unsigned event, void *arg, void *stmt, void *detail)
{
	sql_budget *budget = arg;

	(void)event;
	(void)stmt;
	(void)detail;
	budget->running = false;
	return 0;
}

/* exhibit_sql_ms_left() — the connection's remaining working time. */
static void budget_ms_left(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const sql_budget *budget = sqlite3_user_data(ctx);
	int64_t left = budget->total_ns - budget->busy_ns;

	(void)argc;
	(void)argv;
	sqlite3_result_int64(ctx, left > 0 ? left / NS_PER_MS : 0);
}

static unsigned or_default(unsigned value, unsigned fallback)
{
	return value ? value : fallback;
}

/* The budget's destructor, run when the connection closes. */
static void free_budget(void *arg)
{
	sql_budget *budget = arg;
	size_t i;

	for (i = 0; i < 2 * budget->n_generated; i++)
		sqlite3_free(budget->generated[i]);
	sqlite3_free(budget->generated);
	sqlite3_free(budget);
}

/*
 * Install the budget.  The state is handed to SQLite as the user data of
 * a direct-only SQL function whose destructor frees it, so it lives exactly
 * as long as the connection (SQLite has no other per-connection slot with a
 * destructor before 3.44).
 */
static int install_budget(sqlite3 *db, const untrusted_sqlite_budget *limits,
                          sql_budget **installed)
{
	sql_budget *budget = sqlite3_malloc(sizeof *budget);
	int rc;

	if (!budget)
		return SQLITE_NOMEM;
	memset(budget, 0, sizeof *budget);
	budget->step_ns = or_default(limits ? limits->step_ms : 0,
	                             UNTRUSTED_SQLITE_STEP_MS) * NS_PER_MS;
	budget->total_ns = or_default(limits ? limits->total_ms : 0,
	                              UNTRUSTED_SQLITE_TOTAL_MS) * NS_PER_MS;
	rc = sqlite3_create_function_v2(db, "exhibit_sql_ms_left", 0,
	                                SQLITE_UTF8 | SQLITE_DIRECTONLY, budget,
	                                budget_ms_left, NULL, NULL, free_budget);
	if (rc != SQLITE_OK)
		return rc; /* SQLite already called the destructor */
	*installed = budget;
	sqlite3_progress_handler(db, UNTRUSTED_SQLITE_PROGRESS_OPS, budget_tick,
	                         budget);
	return sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_ROW,
	                        budget_pause, budget);
}

static int apply_switches(sqlite3 *db)
{
	size_t i;

	for (i = 0; i < sizeof hostile_switches / sizeof hostile_switches[0]; i++) {
		int now = -1;
		int rc = sqlite3_db_config(db, hostile_switches[i].verb,
		                           hostile_switches[i].value, &now);
		if (rc != SQLITE_OK)
			return rc;
		if (now != hostile_switches[i].value)
			return SQLITE_MISUSE;
	}
	return SQLITE_OK;
}

static void apply_limits(sqlite3 *db)
{
	size_t i;

	for (i = 0; i < sizeof hostile_limits / sizeof hostile_limits[0]; i++)
		sqlite3_limit(db, hostile_limits[i].id, hostile_limits[i].value);
}

/* Every setting that does not need the database content; *state is the
 * connection's budget (owned by the connection). */
static int harden(sqlite3 *db, const untrusted_sqlite_budget *budget,
                  sql_budget **state)
{
	int rc = apply_switches(db);

	if (rc == SQLITE_OK)
		rc = sqlite3_enable_load_extension(db, 0);
	if (rc != SQLITE_OK)
		return rc;
	apply_limits(db);
	rc = sqlite3_exec(db, hostile_pragmas, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = install_budget(db, budget, state);
	return rc;
}

/* A WAL header cannot be served from memory; see untrusted_sqlite.h. */
static void patch_wal_header(unsigned char *copy, size_t len)
{
	if (len <= HEADER_READ_VERSION)
		return;
	if (copy[HEADER_WRITE_VERSION] == JOURNAL_VERSION_WAL)
		copy[HEADER_WRITE_VERSION] = JOURNAL_VERSION_ROLLBACK;
	if (copy[HEADER_READ_VERSION] == JOURNAL_VERSION_WAL)
		copy[HEADER_READ_VERSION] = JOURNAL_VERSION_ROLLBACK;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The header's page size in bytes, or 0 when it is not a valid one. */
static uint32_t header_page_size(const unsigned char *copy)
{
	uint32_t size = (uint32_t)copy[HEADER_PAGE_SIZE] << 8 |
	                copy[HEADER_PAGE_SIZE + 1];

	if (size == 1)
		return 65536;
	if (size < 512 || (size & (size - 1)) != 0)
		return 0;
	return size;
}

/*
 * The size the header declares, in bytes, or 0 when it declares none that
 * SQLite would trust (the count is valid only while bytes 24-27 equal
 * bytes 92-95, and only with a valid page size).
 */
static uint64_t declared_size(const unsigned char *bytes, size_t len)
{
	uint32_t page_size;

	if (len < HEADER_SIZE)
		return 0;
	page_size = header_page_size(bytes);
	if (!page_size || memcmp(bytes + HEADER_CHANGE_COUNTER,
	                         bytes + HEADER_VERSION_VALID_FOR, 4) != 0)
		return 0;
	return (uint64_t)get_be32(bytes + HEADER_PAGE_COUNT) * page_size;
}

/*
 * A truncated file: SQLite refuses a database whose header declares more
 * pages than the file holds, and a schema whose tables start beyond its
 * end.  The private copy is therefore zero-filled up to the declared size
 * (missing pages then read as damaged pages, reported by the queries that
 * reach them), or, when that would take more than
 * UNTRUSTED_SQLITE_MAX_ZERO_FILL bytes, the page count is cleared so that
 * SQLite sizes the database from the bytes it has.
 */
static size_t served_size(const unsigned char *bytes, size_t len,
                          bool *clear_count)
{
	uint64_t declared = declared_size(bytes, len);

	*clear_count = false;
	if (declared <= len)
		return len;
	if (declared - len <= UNTRUSTED_SQLITE_MAX_ZERO_FILL &&
	    declared <= SIZE_MAX)
		return (size_t)declared;
	*clear_count = true;
	return len;
}

/* Hand SQLite a private, patched copy it frees when the connection closes. */
static int load_private_copy(sqlite3 *db, const void *bytes, size_t len)
{
	bool clear_count;
	size_t size = served_size(bytes, len, &clear_count);
	unsigned char *copy = sqlite3_malloc64(size ? size : 1);

	if (!copy)
		return SQLITE_NOMEM;
	if (len)
		memcpy(copy, bytes, len);
	memset(copy + len, 0, size - len);
	patch_wal_header(copy, size);
	if (clear_count)
		memset(copy + HEADER_PAGE_COUNT, 0, 4);
	return sqlite3_deserialize(db, "main", copy, (sqlite3_int64)size,
	                           (sqlite3_int64)size,
	                           SQLITE_DESERIALIZE_READONLY |
	                           SQLITE_DESERIALIZE_FREEONCLOSE);
}

/* Read the schema now, so that an unreadable database fails at open. */
static int load_schema(sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema LIMIT 1",
	                            -1, &stmt, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Virtual generated columns.  Their expressions come from the database's
 * own schema and run whenever such a column is read.  trusted_schema off
 * lets them call only innocuous functions, but one call can still run for
 * a minute inside a single virtual-machine instruction, where neither the
 * progress handler nor the length limit stops it (printf('%.*c', 2e9,
 * 'x') does, in SQLite 3.40).  They store nothing (their inputs are the
 * table's other columns), so an authorizer makes them read as NULL.
 */
static int deny_generated(void *arg, int action, const char *table,
                          const char *column, const char *schema,
                          const char *trigger)
{
	const sql_budget *budget = arg;
	size_t i;

	(void)schema;
	(void)trigger;
	if (action != SQLITE_READ || !table || !column)
		return SQLITE_OK;
	for (i = 0; i < budget->n_generated; i++)
		if (sqlite3_stricmp(budget->generated[2 * i], table) == 0 &&
		    sqlite3_stricmp(budget->generated[2 * i + 1], column) == 0)
			return SQLITE_IGNORE;
	return SQLITE_OK;
}

static int remember_generated(sql_budget *budget, const unsigned char *table,
                              const unsigned char *column)
{
	char **grown = sqlite3_realloc64(budget->generated,
	                                 (budget->n_generated + 1) * 2 * sizeof *grown);

	if (!grown)
		return SQLITE_NOMEM;
	budget->generated = grown;
	grown[2 * budget->n_generated] = sqlite3_mprintf("%s", table);
	grown[2 * budget->n_generated + 1] = sqlite3_mprintf("%s", column);
	budget->n_generated++;
	return grown[2 * budget->n_generated - 2] && grown[2 * budget->n_generated - 1]
	       ? SQLITE_OK : SQLITE_NOMEM;
}

/* The virtual generated columns of one table (table_xinfo: hidden = 2).
 * A table SQLite cannot describe (an unknown virtual table module) cannot
 * be read either: it is skipped. */
static int find_generated(sqlite3 *db, sql_budget *budget, const unsigned char *table)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_xinfo(?)"
	                                " WHERE hidden = 2", -1, &stmt, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(stmt, 1, (const char *)table, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = remember_generated(budget, table, sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return rc == SQLITE_NOMEM ? SQLITE_NOMEM : SQLITE_OK;
}

/* Make every read of a virtual generated column NULL (see above). */
static int guard_generated_columns(sqlite3 *db, sql_budget *budget)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema"
	                                " WHERE type = 'table' AND rootpage > 0",
	                            -1, &stmt, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = find_generated(db, budget, sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return rc;
	return sqlite3_set_authorizer(db, deny_generated, budget);
}

static int exhibit_code(int sqlite_rc)
{
	switch (sqlite_rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_ERROR:   /* "malformed database schema" and the like */
	case SQLITE_IOERR:   /* memdb reports unreadable pages this way */
	case SQLITE_CANTOPEN:
	case SQLITE_FORMAT:
	case SQLITE_RANGE:
		return EXHIBIT_ERR_FORMAT;
	case SQLITE_INTERRUPT:
	case SQLITE_TOOBIG:
		return EXHIBIT_ERR_LIMIT;
	default:
		return EXHIBIT_ERR;
	}
}

static int open_failed(sqlite3 *db, int rc, exhibit_error *err)
{
	const char *why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	int code = exhibit_code(rc);

	exhibit_error_set(err, code, 0, "SQLite cannot open the database: %s",
	                  why && *why ? why : sqlite3_errstr(rc));
	untrusted_sqlite_close(db);
	return code;
}

int untrusted_sqlite_open_budget(const void *bytes, size_t len,
                                 const untrusted_sqlite_budget *budget,
                                 sqlite3 **db, exhibit_error *err)
{
	sqlite3 *conn = NULL;
	sql_budget *state = NULL;
	int rc;

	if (!db || (!bytes && len))
		return exhibit_error_set(err, EXHIBIT_ERR, -1,
		                         "untrusted_sqlite_open: no database given");
	*db = NULL;
	if ((uint64_t)len > (uint64_t)INT64_MAX)
		return exhibit_error_set(err, EXHIBIT_ERR_LIMIT, 0,
		                         "database of %zu bytes is too large", len);
	rc = sqlite3_open_v2(":memory:", &conn,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE,
	                     NULL);
	if (rc == SQLITE_OK)
		rc = harden(conn, budget, &state);
	if (rc == SQLITE_OK)
		rc = load_private_copy(conn, bytes, len);
	if (rc == SQLITE_OK)
		rc = load_schema(conn);
	if (rc == SQLITE_OK)
		rc = guard_generated_columns(conn, state);
	if (rc != SQLITE_OK)
		return open_failed(conn, rc, err);
	*db = conn;
	return 0;
}

int untrusted_sqlite_open_private_file(const char *path,
                                       const untrusted_sqlite_budget *budget,
                                       sqlite3 **db, exhibit_error *err)
{
	sqlite3 *conn = NULL;
	sql_budget *state = NULL;
	char *uri;
	int rc;

	if (!db || !path)
		return exhibit_error_set(err, EXHIBIT_ERR, -1,
		                         "untrusted_sqlite_open_private_file: no database given");
	*db = NULL;
	uri = sqlite3_mprintf("file:%s?mode=ro&immutable=1", path);
	if (!uri)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	rc = sqlite3_open_v2(uri, &conn,
	                     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
	                     SQLITE_OPEN_PRIVATECACHE, NULL);
	sqlite3_free(uri);
	if (rc == SQLITE_OK)
		rc = harden(conn, budget, &state);
	if (rc == SQLITE_OK)
		rc = load_schema(conn);
	if (rc == SQLITE_OK)
		rc = guard_generated_columns(conn, state);
	if (rc != SQLITE_OK)
		return open_failed(conn, rc, err);
	*db = conn;
	return 0;
}

void untrusted_sqlite_patch_header(unsigned char *head, size_t len)
{
	patch_wal_header(head, len);
}

int untrusted_sqlite_open(const void *bytes, size_t len, sqlite3 **db,
                          exhibit_error *err)
{
	return untrusted_sqlite_open_budget(bytes, len, NULL, db, err);
}

void untrusted_sqlite_close(sqlite3 *db)
{
	sqlite3_stmt *stmt;

	if (!db)
		return;
	while ((stmt = sqlite3_next_stmt(db, NULL)) != NULL)
		sqlite3_finalize(stmt);
	sqlite3_close(db);
}

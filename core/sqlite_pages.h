/*
 * sqlite_pages.h — an SQLite database read page by page from untrusted
 * bytes: the database header, which version of each page is live, every
 * other version of every page, the freelist and the pointer map.
 *
 * A database may come with a WAL or a rollback journal (the bytes of the
 * "-wal" or "-journal" file beside it; pairing those files is the
 * caller's business).  The reader then holds several versions of a page:
 * the main file's, one per WAL frame, one per journal record.  The live
 * version of a page is the one SQLite would read on opening the files:
 *
 *   - with a WAL that has a commit: the latest committed frame of the page
 *     (sqlite_wal.h), else the main file's; the database size is the one
 *     at the last commit;
 *   - else with a hot journal (sqlite_journal.h): the journal's original
 *     of the page (rollback), else the main file's; the size before the
 *     transaction;
 *   - else the main file's, up to the size the header declares (when
 *     SQLite would trust it) or the file holds.
 *
 * Every other version (superseded and uncommitted frames, the main file's
 * copy of a page the WAL or journal replaces, a finished transaction's
 * journal records, main-file pages past the database's end) is dead:
 * recovery reads all of them.
 *
 * Safety: every page handed out lies wholly inside the caller's bytes;
 * page numbers out of range or pages the files do not hold are refused;
 * the header's sizes are checked against what the bytes hold; walks over
 * linked pages (the freelist) stop at a page seen before.  Problems are
 * noted with their file and offset (sqlite_problems.h) and reading goes
 * on.  Memory is a few bytes per page.  The caller's bytes must outlive
 * the sqlite_db.
 *
 * Reference: "Database File Format", https://www.sqlite.org/fileformat2.html.
 */
#ifndef EXHIBIT_SQLITE_PAGES_H
#define EXHIBIT_SQLITE_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sqlite_journal.h"
#include "sqlite_problems.h"
#include "sqlite_wal.h"

#define SQLITE_HEADER_SIZE 100

/* The 100-byte database header, decoded. */
typedef struct sqlite_db_header {
	uint32_t page_size;          /* 512..65536 */
	uint8_t write_version;       /* 1 rollback, 2 WAL */
	uint8_t read_version;
	uint8_t reserved;            /* unused bytes at the end of each page */
	uint32_t usable_size;        /* page_size - reserved */
	uint32_t change_counter;
	uint32_t page_count;         /* as declared (bytes 28-31) */
	bool page_count_trusted;     /* nonzero and the change counters agree */
	uint32_t freelist_trunk;
	uint32_t freelist_count;
	uint32_t schema_cookie;
	uint32_t schema_format;      /* 1-4 */
	uint32_t text_encoding;      /* SQLITE_ENC_*; 0 in an empty database */
	uint32_t largest_root;       /* nonzero: auto-vacuum, pointer maps exist */
	uint32_t incremental_vacuum;
	uint32_t user_version;
	uint32_t application_id;
	uint32_t version_valid_for;
	uint32_t sqlite_version;
} sqlite_db_header;

/*
 * sqlite_header_parse — decode the header at p (len readable bytes).
 * RETURN: 0, or EXHIBIT_ERR_FORMAT (no magic, a page size that is not a
 * power of two from 512 to 65536, a usable size under 480) with err set
 * to the offset of the field at fault.
 */
int sqlite_header_parse(const uint8_t *p, size_t len, sqlite_db_header *h,
                        exhibit_error *err);

/* The files of one database; wal and journal may be NULL. */
typedef struct sqlite_db_files {
	const uint8_t *main;
	size_t main_len;
	const uint8_t *wal;
	size_t wal_len;
	const uint8_t *journal;
	size_t journal_len;
} sqlite_db_files;

/* One version of one page. */
typedef struct sqlite_page {
	const uint8_t *data;   /* page_size bytes */
	uint32_t pgno;
	sqlite_file_kind file; /* which file holds it */
	uint32_t index;        /* WAL frame / journal record number; 0 for main */
	uint64_t offset;       /* of data[0] in that file */
} sqlite_page;

typedef struct sqlite_db sqlite_db;

/*
 * sqlite_db_open — read the header, the WAL and the journal, and decide
 * which version of each page is live.  A WAL or journal that cannot be
 * read is reported as a problem and left out; the database alone decides
 * success.
 * RETURN: 0 with *db set (free with sqlite_db_free), EXHIBIT_ERR_FORMAT
 * when neither the main file nor the WAL gives a readable header, or
 * EXHIBIT_ERR when out of memory; err names the offset.
 */
int sqlite_db_open(const sqlite_db_files *files, sqlite_db **db,
                   exhibit_error *err);
void sqlite_db_free(sqlite_db *db);

/* The header of the live page 1 (or of the main file when page 1 is not
 * readable anywhere else). */
const sqlite_db_header *sqlite_db_header_of(const sqlite_db *db);

uint32_t sqlite_db_page_size(const sqlite_db *db);
uint32_t sqlite_db_usable_size(const sqlite_db *db);

/* The live database size in pages. */
uint32_t sqlite_db_page_count(const sqlite_db *db);

/* The text encoding in effect (UTF-8 when the header leaves it unset). */
int sqlite_db_encoding(const sqlite_db *db);

/* Problems noted so far, by any reader of this database. */
sqlite_problems *sqlite_db_problems(sqlite_db *db);

/* The parsed WAL and journal, or NULL when none was given or readable. */
const sqlite_wal *sqlite_db_wal(const sqlite_db *db);
const sqlite_journal *sqlite_db_journal(const sqlite_db *db);
bool sqlite_db_journal_applied(const sqlite_db *db);

/*
 * sqlite_db_page — the live version of page pgno.
 * RETURN: true with *page set, false when pgno is 0, past the database
 * size, or held by no file (a truncated database).
 */
bool sqlite_db_page(const sqlite_db *db, uint32_t pgno, sqlite_page *page);

/*
 * sqlite_db_page_as_of — page pgno as it stood when the version `context`
 * was current: for a live context the live page; for a dead main-file
 * page the main file's; for a WAL frame the latest frame of pgno up to it,
 * else the main file's; for a journal record the journal's original,
 * else the main file's.  Used to follow an old cell's overflow chain.
 */
bool sqlite_db_page_as_of(const sqlite_db *db, uint32_t pgno,
                          const sqlite_page *context, sqlite_page *page);

/* sqlite_db_page_is_live — whether this version is the live one. */
bool sqlite_db_page_is_live(const sqlite_db *db, const sqlite_page *page);

/* Every version of every page: main-file pages first (by page number),
 * then WAL frames, then journal records (in file order). */
size_t sqlite_db_version_count(const sqlite_db *db);
bool sqlite_db_version(const sqlite_db *db, size_t i, sqlite_page *page);

/*
 * sqlite_db_freelist_walk — visit every page on the live freelist: each
 * trunk page (trunk true), then its leaves.  A trunk or leaf out of range,
 * a trunk seen twice (a loop), a leaf count a trunk cannot hold, and a
 * total that differs from the header's are reported; the walk stops at a
 * loop and never visits more pages than the database has.
 * RETURN: the number of pages visited.
 */
typedef void (*sqlite_freelist_visit)(void *arg, uint32_t pgno, bool trunk);
uint32_t sqlite_db_freelist_walk(sqlite_db *db, sqlite_freelist_visit visit,
                                 void *arg);

/*
 * sqlite_db_is_ptrmap_page — whether pgno is a pointer-map page (only in
 * auto-vacuum databases); sqlite_db_is_lock_page — whether it is the page
 * holding byte 2^30, which SQLite never uses.
 */
bool sqlite_db_is_ptrmap_page(const sqlite_db *db, uint32_t pgno);
bool sqlite_db_is_lock_page(const sqlite_db *db, uint32_t pgno);

/*
 * sqlite_db_ptrmap_check — read every live pointer-map page and report
 * entries whose type is not one of the five SQLite defines or whose
 * parent page is out of range.  RETURN: the number of entries read.
 */
uint32_t sqlite_db_ptrmap_check(sqlite_db *db);

#endif

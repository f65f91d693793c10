/*
 * sqlite_journal.h — an SQLite rollback journal (the "-journal" file),
 * read record by record from untrusted bytes.
 *
 * A rollback journal holds the original content of every page a
 * transaction changed, each as a record: page number, page image,
 * checksum.  It comes in segments, each behind a header padded to the
 * sector size.  Three states matter:
 *
 *   hot      the header is intact and synced (SQLite writes the magic
 *            last, when it syncs the journal before changing the
 *            database): the transaction never finished, and SQLite would
 *            roll it back, putting these pages back into the database
 *            (records within the header's count whose checksums hold are
 *            marked `counted`);
 *   unsynced the magic and record count are still zero: the transaction
 *            had not touched the database file yet, SQLite would ignore
 *            the journal; its records are read, none counted;
 *   zeroed   "PRAGMA journal_mode=PERSIST" zeroes the first 28 bytes at
 *            commit and leaves the records: the pages as they were before
 *            the last transaction(s).  The page size is then taken from
 *            the database, the header size is found from where the first
 *            record starts, and the checksum nonce from the first record;
 *   neither  no journal magic and not zeroed: nothing is read.
 *
 * Records of a finished transaction are old versions of pages, and
 * recovery reads them as such.  Checksum failures and a partial last
 * record are reported with their offsets in the journal.  A record's page
 * points into the caller's bytes, which must outlive the sqlite_journal.
 *
 * Reference: "Database File Format", section 3 ("The Rollback Journal").
 */
#ifndef EXHIBIT_SQLITE_JOURNAL_H
#define EXHIBIT_SQLITE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sqlite_problems.h"

#define SQLITE_JOURNAL_HEADER_SIZE 28

typedef struct sqlite_journal_record {
	uint32_t number;     /* 1-based, across segments */
	uint32_t pgno;
	uint64_t offset;     /* of the record (its page number) in the journal */
	const uint8_t *page; /* page_size bytes */
	bool checksum_ok;
	bool counted;        /* a rollback would write it back (hot journals) */
} sqlite_journal_record;

typedef struct sqlite_journal {
	bool header_valid;   /* the first header carries the journal magic */
	bool header_unsynced; /* magic and count still zero, fields set */
	bool header_zeroed;  /* persist mode: the first 28 bytes are zero */
	bool hot;            /* header valid and some record counted */
	uint32_t page_size;
	uint32_t sector_size; /* the header size in effect */
	uint32_t nonce;
	uint32_t initial_pages; /* database size before the transaction */
	uint32_t n_records;
	sqlite_journal_record *records;
} sqlite_journal;

/*
 * sqlite_journal_parse — read the journal in bytes[0..len).  db_page_size
 * is the database's page size (0 when unknown); a zeroed header needs it.
 * RETURN: 0 with *journal filled (free it with sqlite_journal_free; it may
 * hold no records), EXHIBIT_ERR_FORMAT when the bytes are not a journal
 * (too short, neither magic nor zeroed header, no usable page size), or
 * EXHIBIT_ERR when out of memory; err says why, with the offset.
 */
int sqlite_journal_parse(const uint8_t *bytes, size_t len,
                         uint32_t db_page_size, sqlite_journal *journal,
                         sqlite_problems *problems, exhibit_error *err);

void sqlite_journal_free(sqlite_journal *journal);

#endif

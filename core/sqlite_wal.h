/*
 * sqlite_wal.h — an SQLite write-ahead log, read frame by frame from
 * untrusted bytes, every frame kept.
 *
 * SQLite itself reads a WAL only up to the first frame whose salts or
 * checksum do not continue the chain, and only up to the last commit.
 * Forensically every frame matters, so this module keeps all of them and
 * says what each one is:
 *
 *   LIVE         committed, and the latest committed version of its page
 *                (within the database size at the last commit): the page
 *                SQLite would read;
 *   SUPERSEDED   committed, then replaced by a later committed frame of the
 *                same page, or cut off by a smaller database size;
 *   UNCOMMITTED  its salts and checksum continue the chain but no commit
 *                frame follows it (a transaction that never finished);
 *   INVALID      its salts or checksum break the chain: a frame of an
 *                earlier generation of the log (left behind by a
 *                checkpoint that restarted the log), or damage.
 *
 * Checksums follow the WAL header's magic (big- or little-endian words).
 * What does not hold (header, salts, checksums, a partial last frame, a
 * page number 0) is reported with its offset in the WAL file.  A frame's
 * page points into the caller's bytes, which must outlive the sqlite_wal.
 *
 * Reference: "Database File Format", section 4 ("The Write-Ahead Log").
 */
#ifndef EXHIBIT_SQLITE_WAL_H
#define EXHIBIT_SQLITE_WAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sqlite_problems.h"

#define SQLITE_WAL_HEADER_SIZE 32
#define SQLITE_WAL_FRAME_HEADER_SIZE 24

typedef enum sqlite_wal_frame_state {
	SQLITE_WAL_LIVE = 0,
	SQLITE_WAL_SUPERSEDED,
	SQLITE_WAL_UNCOMMITTED,
	SQLITE_WAL_INVALID
} sqlite_wal_frame_state;

typedef struct sqlite_wal_frame {
	uint32_t number;       /* 1-based position in the file */
	uint32_t pgno;
	uint32_t commit_pages; /* nonzero on a commit frame: the database size */
	uint64_t offset;       /* of the frame header in the WAL file */
	const uint8_t *page;   /* page_size bytes of page image */
	sqlite_wal_frame_state state;
} sqlite_wal_frame;

typedef struct sqlite_wal {
	bool header_valid;      /* magic, version, page size and checksum hold */
	bool big_endian;        /* checksum words are big-endian */
	uint32_t page_size;
	uint32_t checkpoint_seq;
	uint32_t salt1, salt2;
	uint32_t n_frames;
	sqlite_wal_frame *frames;
	uint32_t chained_frames; /* frames 1..this continue the checksum chain */
	uint32_t last_commit;    /* number of the last chained commit frame, or 0 */
	uint32_t db_pages;       /* the database size at that commit, or 0 */
} sqlite_wal;

/*
 * sqlite_wal_parse — read the WAL in bytes[0..len).  db_page_size is the
 * page size of the database it belongs to (0 when unknown); it is used
 * when the WAL header's own is unreadable, and a WAL of another page size
 * is refused.
 * RETURN: 0 with *wal filled (free it with sqlite_wal_free), or
 * EXHIBIT_ERR_FORMAT when no frame can be read at all (too short, no
 * usable page size, a page size other than the database's), or
 * EXHIBIT_ERR when out of memory; err says why, with the offset.
 */
int sqlite_wal_parse(const uint8_t *bytes, size_t len, uint32_t db_page_size,
                     sqlite_wal *wal, sqlite_problems *problems,
                     exhibit_error *err);

void sqlite_wal_free(sqlite_wal *wal);

/* sqlite_wal_state_name — "live", "superseded", "uncommitted", "invalid". */
const char *sqlite_wal_state_name(sqlite_wal_frame_state state);

#endif

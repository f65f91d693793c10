/*
 * sqlite_sidecar.h — a database and the "-wal" or "-journal" file SQLite
 * keeps beside it, taken together as SQLite would open them.
 *
 * What it promises:
 *   - sqlite_sidecar_of names the companion files by SQLite's own rule:
 *     the database's file name plus "-wal" or "-journal", in the same
 *     directory (so "chat.db-wal" goes with "chat.db", "msgstore.db-wal"
 *     with "msgstore.db"; "chat-wal" with "chat").
 *   - sqlite_live_image builds, from untrusted bytes, the database as
 *     SQLite reads it on opening the files: every page in its live version
 *     (sqlite_pages.h: the latest committed WAL frame, or a hot journal's
 *     original), the size at the last commit.  Nothing runs, no file is
 *     touched; memory is the image, bounded by the page count the reader
 *     accepted times the page size, and refused past max_len.
 * The dead versions (superseded frames, the main file's copy of a page
 * the WAL replaces, ...) are recovery's (sqlite_recover.h), which takes the
 * same files.
 */
#ifndef EXHIBIT_SQLITE_SIDECAR_H
#define EXHIBIT_SQLITE_SIDECAR_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sqlite_pages.h"

/*
 * sqlite_sidecar_of — whether name is a companion file: SQLITE_FILE_WAL
 * or SQLITE_FILE_JOURNAL with *base_len the length of the database's
 * name it ends with; SQLITE_FILE_MAIN (0) when it is neither.
 */
sqlite_file_kind sqlite_sidecar_of(const char *name, size_t *base_len);

/*
 * sqlite_live_image — the live database of files (a WAL or a journal
 * given) as one malloc'd image of *len bytes.
 * RETURN: 0 with *out set; EXHIBIT_ERR_FORMAT when the files are not an
 * SQLite database, EXHIBIT_ERR_LIMIT when the image would exceed max_len,
 * EXHIBIT_ERR when out of memory; err names the offset.
 */
int sqlite_live_image(const sqlite_db_files *files, size_t max_len, uint8_t **out,
                      size_t *len, exhibit_error *err);

#endif

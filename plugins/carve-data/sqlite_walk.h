/*
 * sqlite_walk.h — carve-sqlite's validate: every b-tree of a candidate
 * database walked from the schema's root pages, with overflow chains, the
 * freelist, pointer-map pages and the lock-byte page, so that every page
 * the file uses is checked once.
 */
#ifndef EXHIBIT_CARVE_SQLITE_WALK_H
#define EXHIBIT_CARVE_SQLITE_WALK_H

#include "exhibit/plugin.h"

/*
 * sqlfile_db_validate — the exhibit_carver.validate of carve-sqlite.  A page
 * is wrong when its structure is (a b-tree page header or cell that does
 * not hold together, a content area that is not exactly its cells,
 * freeblocks and counted fragments, a b-tree of mixed kinds, an overflow
 * chain shorter or longer than its payload, a freelist trunk with too many
 * leaves), when it points at a page that does not exist or was already
 * claimed (then the pointing page is wrong), or when nothing claims it and
 * it does not look like a page of any database (another file's bytes).  *bad_offset is the first byte of the
 * lowest-numbered wrong page, so a database whose second part lies
 * elsewhere fails at the first page that is not its own.
 * RETURN: EXHIBIT_OK, EXHIBIT_ERR_FORMAT, or EXHIBIT_ERR when out of memory
 * or the host could not read.
 */
int sqlfile_db_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                       uint64_t *bad_offset);

#endif

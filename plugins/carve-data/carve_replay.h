/*
 * carve_replay.h — validate a candidate by running a carver's own
 * header_check and data_check over it again, through the host's reads.
 *
 * For formats whose data_check already checks every byte that can be
 * checked (WAL frames and their checksums, journal records), the whole
 * candidate is right when the stream checks, fed the joined candidate,
 * end exactly at its length.
 */
#ifndef EXHIBIT_CARVE_REPLAY_H
#define EXHIBIT_CARVE_REPLAY_H

#include "exhibit/plugin.h"

/*
 * carve_replay — run carver c's header_check (signature sig) and
 * data_check over the candidate of length bytes.
 * RETURN: EXHIBIT_OK when data_check ends exactly at length;
 * EXHIBIT_ERR_FORMAT with *bad_offset where it breaks, ends early (or
 * length, when it wants more); EXHIBIT_ERR when out of memory or the host
 * failed.
 */
int carve_replay(const exhibit_carver *c, size_t sig, const exhibit_host_api *api,
                 exhibit_host *host, uint64_t length, uint64_t *bad_offset);

#endif

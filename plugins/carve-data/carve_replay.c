/*
 * carve_replay.c — a carver's stream checks run again over a joined
 * candidate.  See carve_replay.h.  Memory: the carver's state and one
 * 64 KiB block.
 */
#include "carve_replay.h"

#include <stdlib.h>
#include <string.h>

#include "carve_data.h"

#define BLOCK 65536

int carve_replay(const exhibit_carver *c, size_t sig, const exhibit_host_api *api,
                 exhibit_host *host, uint64_t length, uint64_t *bad_offset)
{
	void *state = calloc(1, c->state_size ? c->state_size : 1);
	unsigned char *buf = calloc(1, BLOCK > c->header_len ? BLOCK : c->header_len);
	exhibit_carve_header header = { 0, 0, NULL };
	uint64_t pos = 0, end = 0;
	int64_t n;
	int v, rc = EXHIBIT_ERR;

	if (!state || !buf)
		goto done;
	n = carve_read(api, host, length, 0, buf, c->header_len);
	if (n < 0)
		goto done;
	rc = EXHIBIT_ERR_FORMAT;
	*bad_offset = 0;
	if (c->header_check(state, buf, (size_t)n, sig, &header) != EXHIBIT_CARVE_ACCEPT)
		goto done;
	for (;;) {
		n = carve_read(api, host, length, pos, buf, BLOCK);
		if (n < 0) {
			rc = EXHIBIT_ERR;
			goto done;
		}
		end = pos + (uint64_t)n;
		v = c->data_check(state, pos, buf, (size_t)n, &end);
		if (v != EXHIBIT_CARVE_CONTINUE)
			break;
		if (n == 0) {
			end = length;
			v = EXHIBIT_CARVE_ERROR;
			break;
		}
		pos = end > pos + (uint64_t)n ? end : pos + (uint64_t)n;
		if (pos > length)
			pos = length;
	}
	if (v == EXHIBIT_CARVE_END && end == length)
		rc = EXHIBIT_OK;
	else
		*bad_offset = end < length ? end : length;
done:
	free(buf);
	free(state);
	return rc;
}

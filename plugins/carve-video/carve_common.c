/*
 * carve_common.c — see carve_common.h.
 */
#include "carve_common.h"

#include <string.h>

void carve_gather_start(carve_gather *g, uint64_t at)
{
	g->at = at;
	g->have = 0;
}

const unsigned char *carve_gather_take(carve_gather *g, uint64_t pos,
                                       const unsigned char *buf, size_t len, size_t need)
{
	uint64_t from = g->at + g->have; /* first byte not yet held */
	uint64_t block_end = pos + len;
	size_t n;

	if (need > CARVE_GATHER_MAX)
		return NULL;
	if (g->have >= need)
		return g->bytes;
	/* Nothing copied yet and the whole header in this block: no copy. */
	if (g->have == 0 && g->at >= pos && g->at + need <= block_end)
		return buf + (g->at - pos);
	if (from < pos || from >= block_end)
		return NULL;
	n = (size_t)(block_end - from);
	if (n > need - g->have)
		n = need - g->have;
	memcpy(g->bytes + g->have, buf + (from - pos), n);
	g->have += (uint32_t)n;
	return g->have >= need ? g->bytes : NULL;
}

void carve_reader_init(carve_reader *r, const exhibit_host_api *api, exhibit_host *host,
                       uint64_t length)
{
	r->api = api;
	r->host = host;
	r->length = length;
	r->win_offset = 0;
	r->win_len = 0;
}

const unsigned char *carve_read(carve_reader *r, uint64_t off, size_t n)
{
	int64_t got;
	size_t want;

	if (n > CARVE_READER_WINDOW / 2 || off > r->length || r->length - off < n)
		return NULL;
	if (off >= r->win_offset && off - r->win_offset + n <= r->win_len)
		return r->win + (off - r->win_offset);
	want = CARVE_READER_WINDOW;
	if (r->length - off < want)
		want = (size_t)(r->length - off);
	r->win_offset = off;
	r->win_len = 0;
	/* A host may serve a read in pieces: fill the window until it ends. */
	while (r->win_len < want) {
		got = r->api->read(r->host, off + r->win_len, r->win + r->win_len,
		                   want - r->win_len);
		if (got <= 0)
			break;
		r->win_len += (size_t)got;
	}
	return r->win_len >= n ? r->win : NULL;
}

bool carve_fourcc_printable(const unsigned char *p)
{
	for (int i = 0; i < 4; i++)
		if (!((p[i] >= 0x20 && p[i] < 0x7f) || p[i] == 0xa9))
			return false;
	return true;
}

bool carve_fourcc_in(const unsigned char *p, const char *const *list)
{
	for (; *list; list++)
		if (memcmp(p, *list, 4) == 0)
			return true;
	return false;
}

bool carve_all_zero(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i])
			return false;
	return true;
}

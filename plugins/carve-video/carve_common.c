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

/* jpeg_segment — the marker segment at *p (its FF already seen at *p):
 * moves *p past it.  *scan set for SOS (entropy-coded data follows),
 * *done for EOI. */
static bool jpeg_segment(carve_reader *r, uint64_t *p, uint64_t end, bool *scan, bool *done)
{
	const unsigned char *h;
	unsigned marker;

	*scan = *done = false;
	if (end - *p < 2 || !(h = carve_read(r, *p, 2)) || h[0] != 0xff)
		return false;
	marker = h[1];
	if (marker == 0xd9) {
		*done = true;
		*p += 2;
		return true;
	}
	if (marker == 0xff) { /* fill byte */
		*p += 1;
		return true;
	}
	if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
		*p += 2;
		return true;
	}
	if (marker < 0xc0 || marker == 0xd8 || end - *p < 4 || !(h = carve_read(r, *p, 4)) ||
	    ((unsigned)h[2] << 8 | h[3]) < 2 || ((unsigned)h[2] << 8 | h[3]) > end - *p - 2)
		return false;
	*scan = marker == 0xda;
	*p += 2 + ((unsigned)h[2] << 8 | h[3]);
	return true;
}

/* jpeg_entropy — scan entropy-coded data from *p to the next marker
 * segment (left at *p). */
static bool jpeg_entropy(carve_reader *r, carve_budget *budget, uint64_t *p, uint64_t end)
{
	while (*p < end) {
		size_t n = end - *p < 4096 ? (size_t)(end - *p) : 4096;
		const unsigned char *d, *ff;

		if (!carve_spend(budget, 1))
			return true;
		if (!(d = carve_read(r, *p, n)))
			return false;
		if (!(ff = memchr(d, 0xff, n))) {
			*p += n;
			continue;
		}
		*p += (uint64_t)(ff - d);
		if (end - *p < 2 || !(d = carve_read(r, *p, 2)))
			return false;
		if (d[1] == 0x00 || (d[1] >= 0xd0 && d[1] <= 0xd7))
			*p += 2;
		else if (d[1] == 0xff)
			*p += 1;
		else
			return true; /* a marker: the scan ends */
	}
	return false;
}

bool carve_jpeg_framed(carve_reader *r, carve_budget *budget, uint64_t off, uint64_t size)
{
	const unsigned char *h;
	uint64_t p = off, end = off + size;
	bool scan, done;

	if (size < 4 || !(h = carve_read(r, off, 2)) || h[0] != 0xff || h[1] != 0xd8)
		return false;
	p += 2;
	while (p < end) {
		if (budget->left == 0)
			return true;
		if (!jpeg_segment(r, &p, end, &scan, &done))
			return false;
		if (done)
			return true;
		if (scan && !jpeg_entropy(r, budget, &p, end))
			return budget->left == 0;
	}
	return false;
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

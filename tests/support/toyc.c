/*
 * toyc.c — see toyc.h.
 */
#include "toyc.h"

#include <string.h>

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t checksum(const unsigned char *rec, size_t at)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < TOYC_RECORD; i++) {
		h ^= (i >= at && i < at + 4) ? 0 : rec[i];
		h *= 16777619u;
	}
	return h;
}

void toyc_random(unsigned char *buf, size_t len, uint32_t seed)
{
	uint64_t x = 0x9E3779B97F4A7C15ull ^ ((uint64_t)seed << 1 | 1);

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)(x >> 24);
	}
}

void toyc_make(unsigned char *out, uint32_t records, uint32_t id, int flags, uint32_t seed)
{
	toyc_random(out, toyc_size(records), seed);
	memcpy(out, "TOYCARV1", 8);
	put32(out + 8, records);
	put32(out + 12, id);
	out[20] = (unsigned char)flags;
	put32(out + 16, checksum(out, 16));
	for (uint32_t i = 1; i <= records; i++) {
		unsigned char *rec = out + (size_t)i * TOYC_RECORD;
		put32(rec, i);
		put32(rec + 4, id);
		put32(rec + 8, checksum(rec, 8));
	}
}

/*
 * toyc.h — making files of the TOYC test format (tests/plugins/toycarver.c
 * describes it) for the carving-engine tests.
 */
#ifndef EXHIBIT_TOYC_H
#define EXHIBIT_TOYC_H

#include <stddef.h>
#include <stdint.h>

#define TOYC_RECORD 512

/* toyc_make — write a TOYC file of records data records with the given id
 * and flags (bit 0 lazy, bit 2 late: tests/plugins/toycarver.c) into out,
 * which holds toyc_size(records) bytes; the payload comes from seed. */
void toyc_make(unsigned char *out, uint32_t records, uint32_t id, int flags, uint32_t seed);

static inline size_t toyc_size(uint32_t records)
{
	return (size_t)(records + 1) * TOYC_RECORD;
}

/* toyc_random — fill buf with seeded pseudo-random bytes. */
void toyc_random(unsigned char *buf, size_t len, uint32_t seed);

#endif

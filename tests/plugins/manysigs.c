/*
 * manysigs.c — a carver with twenty made-up 4-byte signatures that
 * rejects every hit: with the TOYC carver, the signature load of the
 * scanning-speed measurement (tests/bench/carve-speed).
 */
#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

static const unsigned char magic[20][4] = {
	{ 0x3a, 0x91, 0x0c, 0x5e }, { 0xd4, 0x17, 0x8b, 0x22 }, { 0x6f, 0xe0, 0x4d, 0x93 },
	{ 0x12, 0xab, 0xcd, 0x7f }, { 0x88, 0x01, 0x5a, 0xc3 }, { 0xf1, 0x36, 0x9e, 0x04 },
	{ 0x2b, 0x7c, 0xd8, 0x61 }, { 0x9d, 0x45, 0x13, 0xea }, { 0x50, 0xbf, 0x26, 0x8c },
	{ 0xc7, 0x0e, 0x71, 0x39 }, { 0x34, 0xd2, 0xa6, 0x5b }, { 0xe8, 0x63, 0x0f, 0x97 },
	{ 0x7a, 0x19, 0xb4, 0xd0 }, { 0x05, 0x8e, 0x62, 0xfc }, { 0xbb, 0x47, 0x3d, 0x16 },
	{ 0x61, 0xf9, 0x82, 0x2e }, { 0xa3, 0x2c, 0xe7, 0x58 }, { 0x1e, 0x6b, 0x94, 0xc1 },
	{ 0xd9, 0x50, 0x3b, 0x07 }, { 0x4c, 0xa8, 0x75, 0xbe },
};

#define SIG(i, o) { (o), magic[i], 4 }
static const exhibit_signature signatures[] = {
	SIG(0, 0), SIG(1, 0), SIG(2, 4), SIG(3, 0), SIG(4, 8), SIG(5, 0), SIG(6, 0),
	SIG(7, 4), SIG(8, 0), SIG(9, 0), SIG(10, 0), SIG(11, 2), SIG(12, 0), SIG(13, 0),
	SIG(14, 0), SIG(15, 6), SIG(16, 0), SIG(17, 0), SIG(18, 0), SIG(19, 0),
};

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	(void)state; (void)buf; (void)len; (void)signature; (void)out;
	return EXHIBIT_CARVE_REJECT;
}

static const exhibit_carver carver = { 8, 16, 1 << 20, 0, header_check, NULL, NULL, NULL };

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION, "manysigs", "1.0", "twenty made-up signatures, every hit rejected (tests only)",
	EXHIBIT_PLUGIN_CARVER, NULL, NULL, signatures, 20, NULL, NULL, &carver
};

EXHIBIT_PLUGIN_EXPORT const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &descriptor;
}

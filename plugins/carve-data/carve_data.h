/*
 * carve_data.h — what the data-format carvers (plugins/carve-data) share:
 * their descriptors, byte order helpers, and bounded reads of a candidate
 * through the host.
 *
 * Each carver is its own plugin (carve-sqlite, carve-sqlite-wal,
 * carve-sqlite-journal, carve-zip, carve-pdf, carve-chatlog): entry.c,
 * compiled once per plugin with CARVE_PLUGIN naming the descriptor, is the
 * only exported symbol.  Tests and fuzz targets link the formats' sources
 * together and take the descriptors by name.
 *
 * Nothing here allocates or keeps state; every helper is bounded by the
 * lengths it is given.
 */
#ifndef EXHIBIT_CARVE_DATA_H
#define EXHIBIT_CARVE_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "exhibit/plugin.h"

/* The descriptors, one per plugin.  Hidden in a plugin build: only
 * exhibit_plugin_entry leaves the shared object. */
#define CARVE_HIDDEN __attribute__((visibility("hidden")))
extern const exhibit_plugin carve_sqlite_plugin CARVE_HIDDEN;
extern const exhibit_plugin carve_sqlite_wal_plugin CARVE_HIDDEN;
extern const exhibit_plugin carve_sqlite_journal_plugin CARVE_HIDDEN;
extern const exhibit_plugin carve_zip_plugin CARVE_HIDDEN;
extern const exhibit_plugin carve_pdf_plugin CARVE_HIDDEN;
extern const exhibit_plugin carve_chatlog_plugin CARVE_HIDDEN;

static inline uint16_t get_be16(const unsigned char *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t get_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/*
 * carve_read — exactly len bytes of the candidate at offset, or fewer when
 * the candidate (length bytes) ends first.
 * RETURN: the number of bytes read, or -1 when the host failed.
 */
static inline int64_t carve_read(const exhibit_host_api *api, exhibit_host *host,
                                 uint64_t length, uint64_t offset, void *buf, size_t len)
{
	size_t got = 0;

	if (offset >= length)
		return 0;
	if (len > length - offset)
		len = (size_t)(length - offset);
	while (got < len) {
		int64_t n = api->read(host, offset + got, (unsigned char *)buf + got, len - got);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (int64_t)got;
}

/* carve_read_exact — carve_read, true only when all len bytes came. */
static inline int carve_read_exact(const exhibit_host_api *api, exhibit_host *host,
                                   uint64_t length, uint64_t offset, void *buf, size_t len)
{
	return carve_read(api, host, length, offset, buf, len) == (int64_t)len;
}

#endif

/*
 * toycarver.c — a carver for a made-up format, TOYC, for the host's
 * carving-engine tests: a format simple enough to generate anywhere
 * (tests/integration/toyc.py, tests/unit/check_carve.c) whose structure
 * tells exactly where a file breaks.
 *
 * A TOYC file is N + 1 records of 512 bytes:
 *   record 0, the header:
 *     0   "TOYCARV1"
 *     8   N, the number of data records (u32 little-endian, 1 .. 1,000,000)
 *     12  the file's id (u32)
 *     16  checksum: FNV-1a (32-bit) of the record with these 4 bytes zeroed
 *     20  flags: bit 0 "lazy" (below)
 *     21  payload
 *   record i = 1 .. N:
 *     0   i (u32)
 *     4   the file's id (u32)
 *     8   checksum, as above
 *     12  payload
 * data_check checks every record in order and reports the first record
 * whose sequence, id or checksum is wrong as the break.  A lazy file
 * (flag bit 0) is checked the way an MP4 whose mdat is skipped is:
 * data_check reads the header, skips to the last record and checks only
 * that; validate checks every record and names the first bad one.
 * A container (flag bit 1) holds raw bytes, other files say, in records
 * 1 .. N-1: only record N, the trailer, is laid out as above, and its
 * bytes 12..15 hold the FNV-1a of the raw records; data_check skips to the
 * trailer, validate checks the hash.
 * A late file (flag bit 2) is checked record by record, but a bad record
 * is reported at the start of its group of 8 (records 8k .. 8k+7; the
 * header's group from record 1), as a PNG chunk's CRC places damage at
 * the chunk's start: the break comes before the second fragment's start.
 * A file whose id is 0xC0FFEE makes data_check crash (the host's crash
 * guard is tested with it).
 */
#include <stdint.h>
#include <string.h>

#include "exhibit/plugin.h"

#define TOYC_RECORD 512
#define TOYC_MAX_RECORDS 1000000u
#define TOYC_LAZY 1u
#define TOYC_CONTAINER 2u
#define TOYC_LATE 4u
#define TOYC_CRASH_ID 0xC0FFEEu

typedef struct toyc_state {
	uint32_t records, id, flags;
	uint64_t next_record;           /* index of the record being filled */
	uint32_t fill;                  /* bytes of it held in partial */
	unsigned char partial[TOYC_RECORD];
} toyc_state;

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t fnv_more(uint32_t h, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

/* FNV-1a over a record with its checksum field (at at) counted as zeros. */
static uint32_t record_checksum(const unsigned char *rec, size_t at)
{
	static const unsigned char zeros[4];
	uint32_t h = fnv_more(2166136261u, rec, at);

	h = fnv_more(h, zeros, 4);
	return fnv_more(h, rec + at + 4, TOYC_RECORD - at - 4);
}

static int header_ok(const unsigned char *rec)
{
	uint32_t n = get32(rec + 8);

	return memcmp(rec, "TOYCARV1", 8) == 0 && n >= 1 && n <= TOYC_MAX_RECORDS &&
	       get32(rec + 16) == record_checksum(rec, 16);
}

static int record_ok(const unsigned char *rec, uint64_t index, uint32_t id)
{
	return get32(rec) == index && get32(rec + 4) == id && get32(rec + 8) == record_checksum(rec, 8);
}

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	toyc_state *st = state;

	(void)signature;
	if (len < TOYC_RECORD || !header_ok(buf))
		return EXHIBIT_CARVE_REJECT;
	memset(st, 0, sizeof *st);
	st->records = get32(buf + 8);
	st->id = get32(buf + 12);
	st->flags = buf[20];
	out->size = (uint64_t)(st->records + 1) * TOYC_RECORD;
	out->min_size = 2 * TOYC_RECORD;
	out->extension = "toyc";
	return EXHIBIT_CARVE_ACCEPT;
}

/* check_record — the record just completed; its verdict. */
static int check_record(toyc_state *st, const unsigned char *rec, uint64_t *end)
{
	uint64_t at = st->next_record * TOYC_RECORD;
	int ok = st->next_record == 0 ? header_ok(rec) && get32(rec + 12) == st->id
	                              : record_ok(rec, st->next_record, st->id);

	if (!ok) {
		*end = at;
		if ((st->flags & TOYC_LATE) && st->next_record > 1)
			*end = (st->next_record / 8 ? st->next_record / 8 * 8 : 1) * TOYC_RECORD;
		return EXHIBIT_CARVE_ERROR;
	}
	if (st->id == TOYC_CRASH_ID) {
		/* An unmapped address that is not NULL: a real SIGSEGV, which
		 * UBSan's null check (in sanitizer builds) would pre-empt. */
		volatile uintptr_t where = 16;
		return *(volatile int *)where;
	}
	st->next_record++;
	if (st->next_record > st->records) {
		*end = at + TOYC_RECORD;
		return EXHIBIT_CARVE_END;
	}
	return EXHIBIT_CARVE_CONTINUE;
}

static int data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	toyc_state *st = state;
	uint64_t at = pos;               /* candidate offset of buf[at - pos] */

	if (pos != st->next_record * TOYC_RECORD + st->fill) {
		*end = pos;               /* the host broke its promise: fed out of order */
		return EXHIBIT_CARVE_REJECT;
	}
	if (len == 0) {
		*end = st->next_record * TOYC_RECORD;
		return EXHIBIT_CARVE_ERROR; /* truncated */
	}
	while (at < pos + len) {
		size_t take = TOYC_RECORD - st->fill;
		int v;

		if (take > pos + len - at)
			take = (size_t)(pos + len - at);
		memcpy(st->partial + st->fill, buf + (at - pos), take);
		st->fill += (uint32_t)take;
		at += take;
		if (st->fill < TOYC_RECORD)
			break;
		st->fill = 0;
		v = check_record(st, st->partial, end);
		if (v != EXHIBIT_CARVE_CONTINUE)
			return v;
		if ((st->flags & (TOYC_LAZY | TOYC_CONTAINER)) && st->next_record == 1 &&
		    st->records > 1) {
			/* Lazy: skip to the last record, bytes the host need not read
			 * when they lie beyond this call's. */
			st->next_record = st->records;
			at = (uint64_t)st->records * TOYC_RECORD;
			if (at >= pos + len) {
				*end = at;
				return EXHIBIT_CARVE_CONTINUE;
			}
		}
	}
	*end = pos + len;
	return EXHIBIT_CARVE_CONTINUE;
}

/* A container's raw records hash to what its trailer says. */
static int validate_container(const exhibit_host_api *api, exhibit_host *host, uint32_t records,
                              uint32_t id, uint64_t *bad_offset)
{
	unsigned char buf[4096];
	uint64_t end = (uint64_t)records * TOYC_RECORD;
	uint32_t h = 2166136261u;

	for (uint64_t at = TOYC_RECORD; at < end;) {
		size_t want = end - at < sizeof buf ? (size_t)(end - at) : sizeof buf;
		int64_t got = api->read(host, at, buf, want);

		if (got <= 0) {
			*bad_offset = at;
			return EXHIBIT_ERR_FORMAT;
		}
		h = fnv_more(h, buf, (size_t)got);
		at += (uint64_t)got;
	}
	if (api->read(host, end, buf, TOYC_RECORD) != TOYC_RECORD || !record_ok(buf, records, id) ||
	    get32(buf + 12) != h) {
		*bad_offset = records > 1 ? TOYC_RECORD : end;
		return EXHIBIT_ERR_FORMAT;
	}
	return EXHIBIT_OK;
}

static int validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                    uint64_t *bad_offset)
{
	unsigned char rec[TOYC_RECORD];
	uint32_t records, id;

	if (api->read(host, 0, rec, TOYC_RECORD) != TOYC_RECORD || !header_ok(rec)) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	records = get32(rec + 8);
	id = get32(rec + 12);
	if (length != (uint64_t)(records + 1) * TOYC_RECORD) {
		*bad_offset = length < (uint64_t)(records + 1) * TOYC_RECORD ? length
		              : (uint64_t)(records + 1) * TOYC_RECORD;
		return EXHIBIT_ERR_FORMAT;
	}
	if (rec[20] & TOYC_CONTAINER)
		return validate_container(api, host, records, id, bad_offset);
	for (uint64_t i = 1; i <= records; i++) {
		if (api->read(host, i * TOYC_RECORD, rec, TOYC_RECORD) != TOYC_RECORD ||
		    !record_ok(rec, i, id)) {
			*bad_offset = i * TOYC_RECORD;
			return EXHIBIT_ERR_FORMAT;
		}
	}
	return EXHIBIT_OK;
}

static const unsigned char magic[] = "TOYCARV1";
static const exhibit_signature signatures[] = { { 0, magic, 8 } };

static const exhibit_carver carver = {
	sizeof(toyc_state), TOYC_RECORD, (uint64_t)(TOYC_MAX_RECORDS + 1) * TOYC_RECORD, 1,
	header_check, data_check, validate, NULL
};

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION, "toycarver", "1.0", "TOYC test format carver (tests only)",
	EXHIBIT_PLUGIN_CARVER, NULL, NULL, signatures, 1, NULL, NULL, &carver
};

EXHIBIT_PLUGIN_EXPORT const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &descriptor;
}

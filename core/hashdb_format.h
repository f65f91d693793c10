/*
 * hashdb_format.h — the layout of the hash database's index file,
 * DIR/index.hdb, shared by its reader (hashdb.c) and writer
 * (hashdb_build.c).  Private to the core.
 *
 * One file holds one complete, immutable snapshot: every set's identity
 * (the manifest), the category strings, and per algorithm (MD5, SHA-1,
 * SHA-256) a section of fixed-size records sorted by digest, with a
 * prefix table to find a digest's records in a few probes.  A new snapshot
 * is written beside it and renamed over it, so a reader that opens the
 * path gets the old file or the new one, whole.
 *
 *   offset 0        header (HASHDB_HEADER_SIZE bytes, struct below)
 *   page-aligned    records of each section: digest, set id (u32),
 *                   category (u32: index + 1 into the strings, 0 = none);
 *                   sorted by digest, then set id; one record per digest
 *                   per set
 *   page-aligned    prefix tables: (1 << prefix_bits) + 1 u64; entry p is
 *                   the index of the first record whose digest's first
 *                   prefix_bits bits are >= p; the last entry is count
 *   then            the manifest (sets), then the strings
 *
 * Numbers are little-endian (the header's endian field says so); records
 * are packed (no alignment).  A manifest set is: u32 id, u32 0, u64
 * entries, u64 digests per algorithm [3], 32 bytes set digest, then the
 * texts name, kind, scheme, source, imported, source_date, each u32 length
 * + bytes.  The strings are n_strings times u32 length + bytes.
 */
#ifndef EXHIBIT_HASHDB_FORMAT_H
#define EXHIBIT_HASHDB_FORMAT_H

#include <stdint.h>

#define HASHDB_MAGIC "EXHBHDB1"
#define HASHDB_VERSION 1u
#define HASHDB_ENDIAN 0x01020304u
#define HASHDB_HEADER_SIZE 4096u
#define HASHDB_PAGE 4096u
#define HASHDB_MAX_PREFIX_BITS 22u
#define HASHDB_ALGORITHMS 3
#define HASHDB_RECORD_TAIL 8u       /* set id + category after the digest */
#define HASHDB_MAX_TEXT 65536u      /* longest manifest text or category */

typedef struct hashdb_section_disk {
	uint32_t algorithm;              /* hash_alg */
	uint32_t digest_len;
	uint32_t record_len;             /* digest_len + HASHDB_RECORD_TAIL */
	uint32_t prefix_bits;
	uint64_t count;
	uint64_t records_offset;
	uint64_t prefix_offset;
} hashdb_section_disk;

typedef struct hashdb_header_disk {
	char magic[8];
	uint32_t version;
	uint32_t endian;
	uint64_t file_size;
	uint64_t generation;             /* one more than the snapshot it replaced */
	uint32_t next_set_id;            /* set ids are never reused */
	uint32_t n_sets;
	uint64_t sets_offset, sets_size;
	uint64_t strings_offset, strings_size;
	uint32_t n_strings;
	uint32_t reserved;
	hashdb_section_disk sections[HASHDB_ALGORITHMS];
} hashdb_header_disk;

/* What the writer reads of the snapshot it replaces (hashdb.c). */
struct hashdb;
const unsigned char *hashdb_section_records(const struct hashdb *db, int alg, uint64_t *count);
uint32_t hashdb_string_count(const struct hashdb *db);
const char *hashdb_string_at(const struct hashdb *db, uint32_t i);

#endif

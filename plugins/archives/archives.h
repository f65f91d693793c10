/*
 * archives.h — the "archives" analyzer plugin: its bounds and its parts.
 *
 * The plugin opens archives and containers (zip and the formats built on
 * it: docx, xlsx, pptx, odt, epub, jar, apk; tar, 7z, rar, cab, cpio, ar,
 * xar, lha, ISO 9660) and single compressed files (gzip, bzip2, xz, lzma,
 * zstd, lzip, lz4, lzop, compress) through libarchive, reading the item
 * only through the host's read callback, and hands every regular entry
 * back as a child item named by its path inside the archive, so the
 * pipeline analyses it in its turn (a zip in a tar in a 7z is opened level
 * by level; the host's depth limit ends the recursion).  Every entry, the
 * ones not extracted included (directories, links, encrypted, too large,
 * damaged), is listed in archive_entries; each archive gets one archives
 * row.
 *
 * Bounds.  emit_child takes a child's bytes in memory, and evidence is
 * hostile, so what one archive may expand to is bounded, in memory and in
 * time, whatever its headers claim (sizes in headers are never used to
 * allocate):
 *
 *   ARCHIVES_MAX_ENTRY_BYTES   one entry's content: a larger entry is not
 *                              extracted (listed as "too large");
 *   ARCHIVES_MAX_TOTAL_BYTES   what one archive's entries may expand to
 *                              in all (or ARCHIVES_MAX_TOTAL_FACTOR times
 *                              the archive's own size when that is more);
 *   ARCHIVES_MAX_RATIO         expanded bytes over the archive's size, once
 *                              past ARCHIVES_RATIO_FLOOR: beyond it the
 *                              archive is taken for a decompression bomb;
 *   ARCHIVES_MAX_ENTRIES       entries listed per archive.
 *
 * When the total, the ratio or the entry count trips, reading stops at
 * once with an error naming the entry and the offset; what was extracted
 * before stays.  Entries are read as a stream: the bounds are checked
 * after every block libarchive hands back.
 */
#ifndef EXHIBIT_ARCHIVES_H
#define EXHIBIT_ARCHIVES_H

#include <stddef.h>
#include <stdint.h>

#include <archive.h>

#include "exhibit/plugin.h"

#define ARCHIVES_MAX_ENTRY_BYTES ((uint64_t)256 << 20)
#define ARCHIVES_MAX_TOTAL_BYTES ((uint64_t)4 << 30)
#define ARCHIVES_MAX_TOTAL_FACTOR 10
#define ARCHIVES_MAX_RATIO 100
#define ARCHIVES_RATIO_FLOOR ((uint64_t)64 << 20)
#define ARCHIVES_MAX_ENTRIES 100000

/* Errors reported per archive; then one line says how many more. */
#define ARCHIVES_MAX_PROBLEMS 32

/* An entry path longer than this (after escaping) is cut there. */
#define ARCHIVES_MAX_PATH 4096

/* Bytes asked of the host per read callback. */
#define ARCHIVES_READ_BLOCK ((size_t)128 << 10)

/* ------------------------------------------------------------ the source */

/*
 * archive_source — the item as libarchive's client: read, skip and seek
 * callbacks over api->read, so the plugin never opens a file.  pos is
 * where the reader stands in the item (the offset errors name); furthest
 * how far into it libarchive has read.
 */
typedef struct archive_source {
	const exhibit_host_api *api;
	exhibit_host *host;
	uint64_t size;
	uint64_t pos;
	uint64_t furthest;
	int read_failed;          /* api->read failed; the host said why */
	unsigned char *buf;       /* ARCHIVES_READ_BLOCK bytes */
} archive_source;

/*
 * archive_source_open — open a (configured) archive on the item through
 * src, which must stay alive until the archive is freed.
 * RETURN: ARCHIVE_OK, or a libarchive error (archive_error_string says).
 */
int archive_source_open(struct archive *a, archive_source *src, const exhibit_host_api *api,
                        exhibit_host *host, uint64_t size);
void archive_source_close(archive_source *src);

/* ------------------------------------------------------------ the names */

/*
 * entry_path_clean — an entry's path as the case keeps it: '/'-separated,
 * relative (leading '/' dropped), without empty or "." components, ".."
 * components written as "\x2e\x2e" so no path climbs out of its archive,
 * invalid UTF-8 and control bytes escaped as \xNN (core/text.h's
 * convention), at most ARCHIVES_MAX_PATH bytes.  An empty result means the
 * path had nothing usable in it.
 * RETURN: a malloc'd string, or NULL when out of memory.
 */
char *entry_path_clean(const char *raw);

/*
 * entry_text_escape — text from an entry's header (a link target) with
 * invalid UTF-8 and control bytes escaped as \xNN, at most
 * ARCHIVES_MAX_PATH bytes.
 * RETURN: a malloc'd string, or NULL when out of memory.
 */
char *entry_text_escape(const char *raw);

/*
 * decompressed_name — the name of what a single compressed file holds,
 * from the file's own name: "file.gz" gives "file", "x.tgz" gives
 * "x.tar"; a name without a known suffix gets ".uncompressed" appended;
 * no name gives "data".
 * RETURN: a malloc'd string, or NULL when out of memory.
 */
char *decompressed_name(const char *item_name);

/* ------------------------------------------------------------ the walk */

/* How analyze() asks for an item to be read. */
typedef struct walk_request {
	int compressed_stream; /* may be a single compressed file: allow "raw" */
	int claimed;           /* the sniffed type says archive: failing to open is an error */
} walk_request;

/*
 * archives_walk — read the item as an archive: list every entry, hand
 * back the regular ones as children, report problems, within the bounds
 * above.
 * RETURN: EXHIBIT_OK, EXHIBIT_ERR_FORMAT (damaged or not an archive),
 * EXHIBIT_ERR_LIMIT (a bound tripped) or EXHIBIT_ERR (out of memory).
 */
int archives_walk(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item,
                  const walk_request *req);

#endif

/*
 * archives.c — the "archives" analyzer plugin: which items it takes and
 * how it asks for them to be read (see archives.h for what it does with
 * them).
 *
 * Items come to it by their sniffed MIME type (core/sniff.c's names:
 * archives, compressed files, and the ZIP-based document formats) or, for
 * formats the sniffer does not name, by their magic bytes.  Every format
 * is tried on every item it takes, so a mislabelled one still opens; but
 * libarchive's "raw" reader, which takes any bytes as one entry, is
 * enabled only for content that starts like a compressed file, and then
 * only a decompressor's output counts.  An item taken by a magic alone
 * that libarchive does not recognise is left alone without an error: the
 * magic matched by chance.
 */
#include <string.h>
#include <strings.h>

#include "archives.h"

/* Archives, containers and compressed files, as core/sniff.c names them.
 * The last N_COMPRESSED_TYPES are compressed files: one entry, or an
 * archive inside (tar.gz). */
static const char *const mime_types[] = {
	"application/zip", "application/x-tar", "application/x-7z-compressed",
	"application/vnd.rar", "application/vnd.ms-cab-compressed",
	"application/x-iso9660-image",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
	"application/vnd.oasis.opendocument.graphics",
	"application/epub+zip", "application/java-archive",
	"application/vnd.android.package-archive",
	"application/gzip", "application/x-bzip2", "application/x-xz", "application/zstd",
	NULL,
};
#define N_MIME_TYPES (sizeof mime_types / sizeof mime_types[0] - 1)
#define N_COMPRESSED_TYPES 4

/* LZMA-alone files have no magic worth the name: their suffix says. */
static const char *const name_patterns[] = { "*.lzma", NULL };

/* Magics of formats the sniffer leaves as data.  The first
 * N_COMPRESSED_SIGNATURES are compressed files. */
#define SIG(off, magic) { (off), (const unsigned char *)(magic), sizeof(magic) - 1 }
static const exhibit_signature signatures[] = {
	SIG(0, "LZIP"),                       /* lzip */
	SIG(0, "\x04\x22\x4d\x18"),           /* lz4 frame */
	SIG(0, "\x1f\x9d"),                   /* compress (.Z) */
	SIG(0, "070701"),                     /* cpio, SVR4 */
	SIG(0, "070702"),                     /* cpio, SVR4 with CRC */
	SIG(0, "070707"),                     /* cpio, odc */
	SIG(0, "!<arch>\n"),                  /* ar: .deb, .a */
	SIG(0, "xar!"),                       /* xar: .pkg, .xip */
	SIG(0, "\xed\xab\xee\xdb"),           /* rpm */
	SIG(2, "-lh"),                        /* LHA */
	SIG(2, "-lz"),                        /* LHarc */
};
#define N_COMPRESSED_SIGNATURES 3
#define N_SIGNATURES (sizeof signatures / sizeof signatures[0])

static int in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = name ? strlen(name) : 0, k = strlen(suffix);

	return n > k && strcasecmp(name + n - k, suffix) == 0;
}

/* starts_compressed — whether the item begins with a compressed file's
 * magic (the sniffed type already says so for the common ones). */
static int starts_compressed(const exhibit_host_api *api, exhibit_host *host,
                             const exhibit_item *item)
{
	unsigned char head[8];
	int64_t got = api->read(host, 0, head, sizeof head);

	for (size_t i = 0; got > 0 && i < N_COMPRESSED_SIGNATURES; i++)
		if ((size_t)got >= signatures[i].len &&
		    memcmp(head, signatures[i].bytes, signatures[i].len) == 0)
			return 1;
	/* LZMA alone: properties byte 0x5d is what every encoder writes. */
	return got > 0 && head[0] == 0x5d && has_suffix(item->name, ".lzma");
}

static int analyze(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item)
{
	walk_request req = { 0, 0 };

	if (item->size == 0)
		return EXHIBIT_OK;
	req.claimed = in_list(mime_types, N_MIME_TYPES, item->mime_type);
	req.compressed_stream = in_list(mime_types + N_MIME_TYPES - N_COMPRESSED_TYPES,
	                                N_COMPRESSED_TYPES, item->mime_type) ||
	                        starts_compressed(api, host, item);
	return archives_walk(api, host, item, &req);
}

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION,
	"archives",
	"1.0",
	"Archives and compressed files through libarchive (zip, docx/xlsx/pptx/odt, tar, 7z, "
	"rar, cab, cpio, ar, ISO 9660, gzip, bzip2, xz, lzma, zstd, ...): every entry listed, "
	"regular ones handed back as child items, within bounds against decompression bombs",
	EXHIBIT_PLUGIN_ANALYZER,
	mime_types,
	name_patterns,
	signatures,
	N_SIGNATURES,
	analyze,
	NULL,
	NULL,
};

const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &descriptor;
}

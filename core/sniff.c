/*
 * sniff.c — content-type sniffing; see sniff.h for what it promises.
 *
 * How an answer is found, in this order:
 *   1. no content, or no head to look at;
 *   2. the binary signature table, first match wins.  An entry is magic
 *      bytes at an offset (optionally masked, or allowed to start a little
 *      later), then an optional check that validates what a magic alone
 *      cannot, and may refine the answer (a ZIP holding word/ is a DOCX);
 *   3. text: UTF-16 after a byte-order mark, or valid UTF-8 after an
 *      optional one.  The first non-blank bytes of UTF-8 text then go
 *      through the text signature table (XML, HTML, JSON, e-mail, ...);
 *   4. anything else is application/octet-stream.
 *
 * The binary table is ordered by strength: long magics at the start of the
 * content first, then magics that sit deeper (tar, ISO 9660), then weak
 * ones that lean on their checks (BMP, MZ, ICO, MPEG audio frames, MPEG-TS
 * sync bytes, QuickTime atoms).
 *
 * Every read of the head is guarded by have(), or bounded by a length that
 * have() vouched for: that is how the module keeps its promise never to
 * read past the head whatever sizes and offsets the content declares.
 * Offsets taken from the content are held in uint64_t, so adding a 32-bit
 * field to a position inside the head cannot wrap.
 */
#include "sniff.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* The types                                                           */
/* ------------------------------------------------------------------ */

enum type_id {
	T_EMPTY, T_OCTET, T_TEXT,
	/* images */
	T_JPEG, T_PNG, T_GIF, T_BMP, T_TIFF, T_WEBP, T_ICO, T_PSD,
	T_HEIF, T_HEIC, T_AVIF, T_CR3,
	/* audio */
	T_MP3, T_AAC, T_FLAC, T_OGG, T_OGG_AUDIO, T_OGG_VIDEO, T_WAV,
	/* video */
	T_AVI, T_FLV, T_ASF, T_MKV, T_WEBM, T_MP4, T_M4V, T_M4A, T_MOV,
	T_3GP, T_3G2, T_MPEG, T_MPEGTS,
	/* archives and compression */
	T_GZIP, T_BZIP2, T_XZ, T_ZSTD, T_7Z, T_RAR, T_ZIP, T_TAR, T_CAB,
	T_ISO,
	/* ZIP-based */
	T_DOCX, T_XLSX, T_PPTX, T_ODT, T_ODS, T_ODP, T_ODG, T_EPUB, T_JAR,
	T_APK,
	/* executables */
	T_ELF, T_PE, T_DOSEXEC, T_MACHO, T_MACHO_FAT, T_JAVA_CLASS, T_DEX,
	/* Windows artefacts */
	T_LNK, T_REGF, T_EVTX, T_EVT, T_OLE, T_ESE, T_PREFETCH,
	/* SQLite */
	T_SQLITE, T_SQLITE_WAL, T_SQLITE_JOURNAL,
	/* documents and data */
	T_PDF, T_POSTSCRIPT, T_RTF, T_BPLIST, T_ANDROID_BACKUP,
	/* text formats */
	T_XML, T_PLIST_XML, T_SVG, T_HTML, T_JSON, T_VCARD, T_ICALENDAR,
	T_EMAIL, T_MBOX, T_PEM,
	T_COUNT
};

#define EXTS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_EXTS   ((const char *const[]){ NULL })
#define KIND_OF(id) (&types[id])
#define TYPE(id)    (&types[id])

static const sniff_type types[T_COUNT] = {
	[T_EMPTY] = { "application/x-empty", "empty", NO_EXTS, NULL },
	[T_OCTET] = { "application/octet-stream", "data", NO_EXTS, NULL },
	[T_TEXT]  = { "text/plain", "text", NO_EXTS, NULL },

	[T_JPEG] = { "image/jpeg", "JPEG image",
		EXTS("jpg", "jpeg", "jpe", "jfif"), NULL },
	[T_PNG]  = { "image/png", "PNG image", EXTS("png"), NULL },
	[T_GIF]  = { "image/gif", "GIF image", EXTS("gif"), NULL },
	[T_BMP]  = { "image/bmp", "BMP image", EXTS("bmp", "dib"), NULL },
	/* Camera raw formats built on TIFF sniff as TIFF: their names are
	 * usual for it. */
	[T_TIFF] = { "image/tiff", "TIFF image",
		EXTS("tif", "tiff", "dng", "nef", "nrw", "arw", "cr2", "pef",
		     "srw"), NULL },
	[T_WEBP] = { "image/webp", "WebP image", EXTS("webp"), NULL },
	[T_ICO]  = { "image/vnd.microsoft.icon", "Windows icon", EXTS("ico"),
		NULL },
	[T_PSD]  = { "image/vnd.adobe.photoshop", "Photoshop image",
		EXTS("psd", "psb"), NULL },
	[T_HEIF] = { "image/heif", "HEIF image", EXTS("heif", "heifs", "hif"),
		NULL },
	[T_HEIC] = { "image/heic", "HEIC image", EXTS("heic", "heics", "hif"),
		KIND_OF(T_HEIF) },
	[T_AVIF] = { "image/avif", "AVIF image", EXTS("avif", "avifs"),
		KIND_OF(T_HEIF) },
	[T_CR3]  = { "image/x-canon-cr3", "Canon CR3 raw image", EXTS("cr3"),
		NULL },

	[T_MP3]  = { "audio/mpeg", "MPEG audio (MP3)",
		EXTS("mp3", "mp2", "mp1", "mpga", "m2a"), NULL },
	[T_AAC]  = { "audio/aac", "AAC audio (ADTS)", EXTS("aac", "adts"),
		NULL },
	[T_FLAC] = { "audio/flac", "FLAC audio", EXTS("flac"), NULL },
	[T_OGG]  = { "application/ogg", "Ogg media", EXTS("ogx", "ogg"),
		NULL },
	[T_OGG_AUDIO] = { "audio/ogg", "Ogg audio",
		EXTS("oga", "ogg", "opus", "spx"), KIND_OF(T_OGG) },
	[T_OGG_VIDEO] = { "video/ogg", "Ogg video", EXTS("ogv", "ogg"),
		KIND_OF(T_OGG) },
	[T_WAV]  = { "audio/wav", "WAV audio", EXTS("wav", "wave"), NULL },

	[T_AVI]  = { "video/x-msvideo", "AVI video", EXTS("avi", "divx"),
		NULL },
	[T_FLV]  = { "video/x-flv", "Flash video", EXTS("flv"), NULL },
	[T_ASF]  = { "video/x-ms-asf", "ASF media (WMV, WMA)",
		EXTS("asf", "wmv", "wma", "dvr-ms"), NULL },
	[T_MKV]  = { "video/x-matroska", "Matroska media",
		EXTS("mkv", "mka", "mks", "mk3d"), NULL },
	[T_WEBM] = { "video/webm", "WebM media", EXTS("webm"), KIND_OF(T_MKV) },
	/* A generic ISO media brand (isom, mp42) says nothing about audio or
	 * video, so every name of the MPEG-4 family is usual for it. */
	[T_MP4]  = { "video/mp4", "MPEG-4 media",
		EXTS("mp4", "m4v", "m4a", "m4b", "m4p", "m4r", "mp4v", "mpg4",
		     "f4v", "f4a", "3gp", "3g2"), NULL },
	[T_M4V]  = { "video/x-m4v", "MPEG-4 video (iTunes)", EXTS("m4v"),
		KIND_OF(T_MP4) },
	[T_M4A]  = { "audio/mp4", "MPEG-4 audio",
		EXTS("m4a", "m4b", "m4p", "m4r"), KIND_OF(T_MP4) },
	[T_MOV]  = { "video/quicktime", "QuickTime movie", EXTS("mov", "qt"),
		NULL },
	[T_3GP]  = { "video/3gpp", "3GPP media", EXTS("3gp", "3gpp"),
		KIND_OF(T_MP4) },
	[T_3G2]  = { "video/3gpp2", "3GPP2 media", EXTS("3g2", "3gp2"),
		KIND_OF(T_MP4) },
	[T_MPEG] = { "video/mpeg", "MPEG video",
		EXTS("mpg", "mpeg", "mpe", "m1v", "m2v", "mpv", "m2p", "vob"),
		NULL },
	[T_MPEGTS] = { "video/mp2t", "MPEG transport stream",
		EXTS("ts", "mts", "m2ts", "m2t", "tsv", "trp"), NULL },

	[T_GZIP]  = { "application/gzip", "gzip compressed data",
		EXTS("gz", "tgz", "svgz"), NULL },
	[T_BZIP2] = { "application/x-bzip2", "bzip2 compressed data",
		EXTS("bz2", "tbz2", "tbz"), NULL },
	[T_XZ]    = { "application/x-xz", "xz compressed data",
		EXTS("xz", "txz"), NULL },
	[T_ZSTD]  = { "application/zstd", "Zstandard compressed data",
		EXTS("zst", "tzst"), NULL },
	[T_7Z]    = { "application/x-7z-compressed", "7-Zip archive",
		EXTS("7z"), NULL },
	[T_RAR]   = { "application/vnd.rar", "RAR archive", EXTS("rar"), NULL },
	/* A ZIP not refined further may still be a ZIP-based format whose
	 * telling entries lie past the head: its names are usual too. */
	[T_ZIP]   = { "application/zip", "ZIP archive",
		EXTS("zip", "zipx", "docx", "docm", "dotx", "xlsx", "xlsm",
		     "pptx", "pptm", "ppsx", "odt", "ods", "odp", "odg", "epub",
		     "jar", "war", "ear", "apk", "aar", "xpi", "ipa", "whl",
		     "nupkg", "kmz", "xps", "oxps", "3mf", "vsix", "appx",
		     "msix", "cbz"), NULL },
	[T_TAR]   = { "application/x-tar", "tar archive", EXTS("tar", "ova"),
		NULL },
	[T_CAB]   = { "application/vnd.ms-cab-compressed",
		"Microsoft Cabinet archive", EXTS("cab"), NULL },
	[T_ISO]   = { "application/x-iso9660-image", "ISO 9660 disc image",
		EXTS("iso"), NULL },

	[T_DOCX] = {
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"Word document (OOXML)", EXTS("docx", "docm", "dotx", "dotm"),
		KIND_OF(T_ZIP) },
	[T_XLSX] = {
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"Excel workbook (OOXML)",
		EXTS("xlsx", "xlsm", "xltx", "xltm", "xlam"), KIND_OF(T_ZIP) },
	[T_PPTX] = {
		"application/vnd.openxmlformats-officedocument.presentationml.presentation",
		"PowerPoint presentation (OOXML)",
		EXTS("pptx", "pptm", "potx", "potm", "ppsx", "ppsm"),
		KIND_OF(T_ZIP) },
	[T_ODT] = { "application/vnd.oasis.opendocument.text",
		"OpenDocument text", EXTS("odt", "ott", "odm"), KIND_OF(T_ZIP) },
	[T_ODS] = { "application/vnd.oasis.opendocument.spreadsheet",
		"OpenDocument spreadsheet", EXTS("ods", "ots"), KIND_OF(T_ZIP) },
	[T_ODP] = { "application/vnd.oasis.opendocument.presentation",
		"OpenDocument presentation", EXTS("odp", "otp"), KIND_OF(T_ZIP) },
	[T_ODG] = { "application/vnd.oasis.opendocument.graphics",
		"OpenDocument drawing", EXTS("odg", "otg"), KIND_OF(T_ZIP) },
	[T_EPUB] = { "application/epub+zip", "EPUB e-book", EXTS("epub"),
		KIND_OF(T_ZIP) },
	[T_JAR] = { "application/java-archive", "Java archive",
		EXTS("jar", "war", "ear"), KIND_OF(T_ZIP) },
	[T_APK] = { "application/vnd.android.package-archive",
		"Android package", EXTS("apk"), KIND_OF(T_JAR) },

	[T_ELF] = { "application/x-elf", "ELF executable, library or object",
		EXTS("so", "o", "ko", "elf", "axf", "bin", "prx", "out"), NULL },
	[T_PE] = { "application/vnd.microsoft.portable-executable",
		"Windows PE executable or library",
		EXTS("exe", "dll", "sys", "ocx", "cpl", "scr", "drv", "efi",
		     "mui", "ax", "acm", "node", "pyd", "winmd"), NULL },
	[T_DOSEXEC] = { "application/x-dosexec", "DOS executable",
		EXTS("exe", "com", "sys", "ovl"), NULL },
	[T_MACHO] = { "application/x-mach-binary",
		"Mach-O executable or library", EXTS("dylib", "bundle", "o", "so"),
		NULL },
	[T_MACHO_FAT] = { "application/x-mach-binary", "Mach-O universal binary",
		EXTS("dylib", "bundle", "o", "so"), NULL },
	[T_JAVA_CLASS] = { "application/java-vm", "Java class file",
		EXTS("class"), NULL },
	[T_DEX] = { "application/vnd.android.dex", "Android Dalvik executable",
		EXTS("dex"), NULL },

	[T_LNK] = { "application/x-ms-shortcut", "Windows shortcut",
		EXTS("lnk"), NULL },
	/* Hives are called SYSTEM, SAM, NTUSER.DAT, Amcache.hve, ...: no
	 * usual extension, so never a mismatch. */
	[T_REGF] = { "application/x-ms-registry-hive", "Windows registry hive",
		NO_EXTS, NULL },
	[T_EVTX] = { "application/x-ms-evtx", "Windows XML event log",
		EXTS("evtx"), NULL },
	[T_EVT] = { "application/x-ms-evt", "Windows event log (legacy)",
		EXTS("evt"), NULL },
	[T_OLE] = { "application/x-ole-storage",
		"OLE2 compound file (legacy Office, Outlook, MSI, ...)",
		EXTS("doc", "dot", "xls", "xlt", "xla", "ppt", "pot", "pps",
		     "msg", "msi", "msp", "mst", "vsd", "pub", "mpp", "wps",
		     "db", "ole"), NULL },
	[T_ESE] = { "application/x-ms-ese", "Windows ESE database",
		EXTS("edb", "dat", "dit"), NULL },
	[T_PREFETCH] = { "application/x-ms-prefetch", "Windows prefetch file",
		EXTS("pf"), NULL },

	[T_SQLITE] = { "application/vnd.sqlite3", "SQLite database",
		EXTS("db", "sqlite", "sqlite3", "sqlitedb", "db3", "s3db", "sl3",
		     "storedata", "localstorage"), NULL },
	/* A WAL or journal is named after its database plus a suffix. */
	[T_SQLITE_WAL] = { "application/x-sqlite3-wal",
		"SQLite write-ahead log",
		EXTS("db-wal", "sqlite-wal", "sqlite3-wal", "sqlitedb-wal",
		     "db3-wal", "storedata-wal", "wal"), NULL },
	[T_SQLITE_JOURNAL] = { "application/x-sqlite3-journal",
		"SQLite rollback journal",
		EXTS("db-journal", "sqlite-journal", "sqlite3-journal",
		     "sqlitedb-journal", "db3-journal", "storedata-journal",
		     "journal"), NULL },

	[T_PDF] = { "application/pdf", "PDF document", EXTS("pdf", "ai"), NULL },
	[T_POSTSCRIPT] = { "application/postscript", "PostScript document",
		EXTS("ps", "eps", "ai"), NULL },
	/* Word opens RTF saved under .doc, and people do save it so. */
	[T_RTF] = { "application/rtf", "RTF document", EXTS("rtf", "doc"),
		NULL },
	[T_BPLIST] = { "application/x-bplist", "binary property list",
		EXTS("plist", "bplist", "strings", "webloc"), NULL },
	[T_ANDROID_BACKUP] = { "application/x-android-backup",
		"Android backup", EXTS("ab"), NULL },

	/* Text formats are kinds of text: text is kept under any name, so
	 * they never flag a mismatch. */
	[T_XML] = { "application/xml", "XML document",
		EXTS("xml", "xsd", "xsl", "xslt", "rss", "atom", "kml", "gpx"),
		KIND_OF(T_TEXT) },
	[T_PLIST_XML] = { "application/x-plist", "XML property list",
		EXTS("plist"), KIND_OF(T_XML) },
	[T_SVG] = { "image/svg+xml", "SVG image", EXTS("svg"), KIND_OF(T_XML) },
	[T_HTML] = { "text/html", "HTML document",
		EXTS("html", "htm", "shtml", "xhtml", "xht"), KIND_OF(T_TEXT) },
	[T_JSON] = { "application/json", "JSON data",
		EXTS("json", "geojson", "har"), KIND_OF(T_TEXT) },
	[T_VCARD] = { "text/vcard", "vCard contact", EXTS("vcf", "vcard"),
		KIND_OF(T_TEXT) },
	[T_ICALENDAR] = { "text/calendar", "iCalendar data",
		EXTS("ics", "ifb", "ical"), KIND_OF(T_TEXT) },
	[T_EMAIL] = { "message/rfc822", "e-mail message", EXTS("eml"),
		KIND_OF(T_TEXT) },
	[T_MBOX] = { "application/mbox", "mbox mailbox", EXTS("mbox", "mbx"),
		KIND_OF(T_TEXT) },
	[T_PEM] = { "application/x-pem-file", "PEM certificate or key",
		EXTS("pem", "crt", "cer", "key", "csr", "pub"), KIND_OF(T_TEXT) },
};

/* ------------------------------------------------------------------ */
/* Reading the head safely                                             */
/* ------------------------------------------------------------------ */

/* What a check may look at. */
typedef struct probe {
	const unsigned char *head;
	size_t len;       /* bytes readable at head */
	int truncated;    /* the content goes on past the head */
} probe;

#define NOT_FOUND ((size_t)-1)

/* have — the head holds n bytes at off. */
static int have(const probe *p, uint64_t off, uint64_t n)
{
	return off <= p->len && n <= p->len - off;
}

static uint16_t le16(const unsigned char *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}

static uint16_t be16(const unsigned char *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static uint32_t be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static uint64_t be64(const unsigned char *b)
{
	return (uint64_t)be32(b) << 32 | be32(b + 4);
}

/* bytes_at — the head holds exactly these n bytes at off. */
static int bytes_at(const probe *p, uint64_t off, const char *bytes, size_t n)
{
	return have(p, off, n) && memcmp(p->head + off, bytes, n) == 0;
}

/* find_bytes — the first position at or after from where needle starts,
 * or NOT_FOUND. */
static size_t find_bytes(const probe *p, size_t from, const char *needle,
                         size_t n)
{
	const unsigned char *hit;

	while (have(p, from, n) && n > 0) {
		hit = memchr(p->head + from, needle[0], p->len - from - n + 1);
		if (!hit)
			return NOT_FOUND;
		from = (size_t)(hit - p->head);
		if (memcmp(hit, needle, n) == 0)
			return from;
		from++;
	}
	return NOT_FOUND;
}

/* Locale-free, so the answer does not depend on the calling thread. */
static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* ------------------------------------------------------------------ */
/* Signatures                                                          */
/* ------------------------------------------------------------------ */

typedef struct signature signature;

/*
 * A check runs once the magic of sig matched at offset at.  It returns the
 * answer (usually sig's own type, sometimes a more precise one), or NULL
 * when the content is not this format after all and the search goes on.
 */
typedef const sniff_type *(*check_fn)(const probe *p, const signature *sig,
                                      size_t at);

struct signature {
	size_t offset;          /* where the magic starts */
	const char *magic;      /* the bytes to find there */
	size_t magic_len;
	const char *mask;       /* NULL, or ANDed with the content first */
	size_t slack;           /* the magic may start up to this much later */
	int nocase;             /* ASCII letters match either case; magic
	                         * is written in lowercase */
	enum type_id type;
	check_fn check;         /* NULL, or validates and may refine */
};

#define MAGIC(bytes) (bytes), sizeof(bytes) - 1
#define SIG(off, bytes, id, check) \
	{ (off), MAGIC(bytes), NULL, 0, 0, (id), (check) }
#define SIG_MASKED(bytes, mask, id, check) \
	{ 0, MAGIC(bytes), (mask), 0, 0, (id), (check) }
#define SIG_SLACK(bytes, slack, id, check) \
	{ 0, MAGIC(bytes), NULL, (slack), 0, (id), (check) }
#define SIG_NOCASE(bytes, id, check) \
	{ 0, MAGIC(bytes), NULL, 0, 1, (id), (check) }

static int magic_at(const probe *p, const signature *sig, size_t at)
{
	size_t i;
	unsigned char c;

	if (!have(p, at, sig->magic_len))
		return 0;
	for (i = 0; i < sig->magic_len; i++) {
		c = p->head[at + i];
		if (sig->mask)
			c &= (unsigned char)sig->mask[i];
		if (sig->nocase)
			c = ascii_lower(c);
		if (c != (unsigned char)sig->magic[i])
			return 0;
	}
	return 1;
}

static const sniff_type *try_signature(const probe *p, const signature *sig)
{
	const sniff_type *type;
	size_t at;

	for (at = sig->offset; at <= sig->offset + sig->slack; at++) {
		if (!magic_at(p, sig, at))
			continue;
		type = sig->check ? sig->check(p, sig, at) : TYPE(sig->type);
		if (type)
			return type;
	}
	return NULL;
}

static const sniff_type *match_table(const probe *p, const signature *table,
                                     size_t count)
{
	const sniff_type *type;
	size_t i;

	for (i = 0; i < count; i++) {
		type = try_signature(p, &table[i]);
		if (type)
			return type;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Checks: images                                                      */
/* ------------------------------------------------------------------ */

/* "BM" is two letters: the DIB header size must be one a BMP version
 * defines, and the pixels must start after the smallest headers. */
static const sniff_type *check_bmp(const probe *p, const signature *sig,
                                   size_t at)
{
	static const uint32_t dib_sizes[] = { 12, 16, 40, 52, 56, 64, 108, 124 };
	uint32_t dib_size;
	size_t i;

	(void)at;
	if (!have(p, 0, 18) || le32(p->head + 10) < 14 + 12)
		return NULL;
	dib_size = le32(p->head + 14);
	for (i = 0; i < sizeof dib_sizes / sizeof dib_sizes[0]; i++)
		if (dib_size == dib_sizes[i])
			return TYPE(sig->type);
	return NULL;
}

/* 00 00 01 00 starts much binary data: the first directory entry must be
 * sane too (reserved byte, planes, bit depth, a size, data after the
 * directory). */
static const sniff_type *check_ico(const probe *p, const signature *sig,
                                   size_t at)
{
	const unsigned char *h = p->head;
	uint16_t count, planes, bpp;

	(void)at;
	if (!have(p, 0, 22))
		return NULL;
	count = le16(h + 4);
	planes = le16(h + 10);
	bpp = le16(h + 12);
	if (count == 0 || h[9] != 0 || planes > 1)
		return NULL;
	if (bpp != 0 && bpp != 1 && bpp != 2 && bpp != 4 && bpp != 8 &&
	    bpp != 16 && bpp != 24 && bpp != 32)
		return NULL;
	if (le32(h + 14) == 0 || le32(h + 18) < 6 + 16 * (uint32_t)count)
		return NULL;
	return TYPE(sig->type);
}

/* ------------------------------------------------------------------ */
/* Checks: ISO base media (MP4, MOV, 3GP, HEIF) and QuickTime          */
/* ------------------------------------------------------------------ */

/*
 * An ftyp box names a major brand and compatible brands.  A specific brand
 * says what the file is; a generic one (isom, mp42, mif1) only which
 * readers can open it.  So: a specific major brand wins, then the first
 * specific compatible brand, then whatever brand is known.  A name of 3
 * characters matches every brand it starts (3gp4, 3gp5, ...).
 */
typedef struct brand {
	const char *name;
	enum type_id type;
	int specific;
} brand;

static const brand brands[] = {
	{ "qt  ", T_MOV, 1 },
	{ "heic", T_HEIC, 1 }, { "heix", T_HEIC, 1 }, { "heim", T_HEIC, 1 },
	{ "heis", T_HEIC, 1 }, { "hevc", T_HEIC, 1 }, { "hevx", T_HEIC, 1 },
	{ "hevm", T_HEIC, 1 }, { "hevs", T_HEIC, 1 },
	{ "avif", T_AVIF, 1 }, { "avis", T_AVIF, 1 },
	{ "crx ", T_CR3, 1 },
	{ "M4A ", T_M4A, 1 }, { "M4B ", T_M4A, 1 }, { "M4P ", T_M4A, 1 },
	{ "M4V ", T_M4V, 1 }, { "M4VH", T_M4V, 1 }, { "M4VP", T_M4V, 1 },
	{ "3g2", T_3G2, 1 },
	{ "3gp", T_3GP, 1 }, { "3gr", T_3GP, 1 }, { "3gs", T_3GP, 1 },
	{ "3ge", T_3GP, 1 }, { "3gg", T_3GP, 1 },
	{ "mif1", T_HEIF, 0 }, { "msf1", T_HEIF, 0 }, { "miaf", T_HEIF, 0 },
	{ "isom", T_MP4, 0 }, { "iso", T_MP4, 0 }, { "mp41", T_MP4, 0 },
	{ "mp42", T_MP4, 0 }, { "mp71", T_MP4, 0 }, { "avc1", T_MP4, 0 },
	{ "dash", T_MP4, 0 }, { "mmp4", T_MP4, 0 }, { "MSNV", T_MP4, 0 },
	{ "f4v ", T_MP4, 0 }, { "XAVC", T_MP4, 0 },
};

static const brand *find_brand(const unsigned char *name)
{
	size_t i;

	for (i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (memcmp(name, brands[i].name, strlen(brands[i].name)) == 0)
			return &brands[i];
	return NULL;
}

static int is_brand_text(const unsigned char *b)
{
	int i;

	for (i = 0; i < 4; i++)
		if (b[i] < 0x20 || b[i] > 0x7e)
			return 0;
	return 1;
}

static const sniff_type *check_ftyp(const probe *p, const signature *sig,
                                    size_t at)
{
	const brand *major, *known = NULL, *b;
	uint64_t box_size, end, off;

	(void)at;
	if (!have(p, 0, 16))
		return NULL;
	box_size = be32(p->head);
	if (box_size < 16 || box_size > 4096 || !is_brand_text(p->head + 8))
		return NULL;
	major = find_brand(p->head + 8);
	if (major && major->specific)
		return TYPE(major->type);
	end = box_size < p->len ? box_size : p->len;
	for (off = 16; off + 4 <= end; off += 4) {
		b = find_brand(p->head + off);
		if (b && b->specific)
			return TYPE(b->type);
		if (b && !known)
			known = b;
	}
	if (major)
		return TYPE(major->type);
	return known ? TYPE(known->type) : TYPE(sig->type);
}

static int is_quicktime_atom(const unsigned char *type)
{
	static const char known[][5] = {
		"moov", "mdat", "wide", "free", "skip", "pnot", "PICT", "ftyp",
		"uuid",
	};
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (memcmp(type, known[i], 4) == 0)
			return 1;
	return 0;
}

/* atom_size — the size of the atom at off, 0 when its header is not in
 * the head or is invalid; UINT64_MAX when it runs to the end of the file. */
static uint64_t atom_size(const probe *p, uint64_t off)
{
	uint64_t size;

	if (!have(p, off, 8))
		return 0;
	size = be32(p->head + off);
	if (size == 0)
		return UINT64_MAX;
	if (size == 1) {
		if (!have(p, off, 16))
			return 0;
		size = be64(p->head + off + 8);
		return size < 16 ? 0 : size;
	}
	return size < 8 ? 0 : size;
}

/*
 * Old QuickTime files have no ftyp box and start straight with an atom.
 * A movie or media data atom first is telling enough; padding (wide, free,
 * skip) or a preview (pnot) says little, so the atom after it must be a
 * known one too.
 */
static const sniff_type *check_quicktime(const probe *p, const signature *sig,
                                         size_t at)
{
	uint64_t size = atom_size(p, 0);

	(void)at;
	if (size == 0)
		return NULL;
	if (bytes_at(p, 4, "moov", 4) || bytes_at(p, 4, "mdat", 4))
		return TYPE(sig->type);
	if (atom_size(p, size) == 0 || !is_quicktime_atom(p->head + size + 4))
		return NULL;
	return TYPE(sig->type);
}

/* ------------------------------------------------------------------ */
/* Checks: audio and video                                             */
/* ------------------------------------------------------------------ */

/* RIFF is a container: the form type at offset 8 says what it holds. */
static const sniff_type *check_riff(const probe *p, const signature *sig,
                                    size_t at)
{
	static const struct {
		const char *form;
		enum type_id type;
	} forms[] = {
		{ "WAVE", T_WAV }, { "AVI ", T_AVI }, { "WEBP", T_WEBP },
	};
	size_t i;

	(void)sig;
	(void)at;
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++)
		if (bytes_at(p, 8, forms[i].form, 4))
			return TYPE(forms[i].type);
	return NULL;
}

/* read_vint — the EBML variable-length integer at *off, whose length is
 * one more than the leading zero bits of its first byte.  Element IDs keep
 * their length marker (keep_marker); sizes do not. */
static int read_vint(const probe *p, uint64_t *off, int keep_marker,
                     uint64_t *value)
{
	unsigned char first;
	unsigned len = 1, i;
	uint64_t v;

	if (!have(p, *off, 1) || p->head[*off] == 0)
		return 0;
	first = p->head[*off];
	while (!(first & (0x80 >> (len - 1))))
		len++;
	if (!have(p, *off, len))
		return 0;
	v = keep_marker ? first : first & (0xFFu >> len);
	for (i = 1; i < len; i++)
		v = v << 8 | p->head[*off + i];
	*off += len;
	*value = v;
	return 1;
}

#define EBML_DOCTYPE_ID 0x4282

/* Matroska and WebM share the EBML header; its DocType tells them apart.
 * DocType defaults to "matroska" when absent (or past the head). */
static const sniff_type *check_ebml(const probe *p, const signature *sig,
                                    size_t at)
{
	uint64_t off = 4, header_size, end, id, size;

	(void)sig;
	(void)at;
	if (!read_vint(p, &off, 0, &header_size))
		return TYPE(T_MKV);
	end = off + header_size;
	while (off < end && read_vint(p, &off, 1, &id) &&
	       read_vint(p, &off, 0, &size)) {
		if (id == EBML_DOCTYPE_ID) {
			if (!have(p, off, size))
				break;
			while (size > 0 && p->head[off + size - 1] == '\0')
				size--;   /* strings may be padded with NULs */
			if (size == 4 && memcmp(p->head + off, "webm", 4) == 0)
				return TYPE(T_WEBM);
			if (size == 8 && memcmp(p->head + off, "matroska", 8) == 0)
				return TYPE(T_MKV);
			return NULL;   /* another EBML document */
		}
		if (off > end || size > end - off)
			break;
		off += size;
	}
	return TYPE(T_MKV);
}

/* The first Ogg page carries the first codec's identification header. */
static const sniff_type *check_ogg(const probe *p, const signature *sig,
                                   size_t at)
{
	static const struct {
		const char *id;
		size_t len;
		enum type_id type;
	} codecs[] = {
		{ MAGIC("\x01vorbis"), T_OGG_AUDIO },
		{ MAGIC("OpusHead"), T_OGG_AUDIO },
		{ MAGIC("\x7f" "FLAC"), T_OGG_AUDIO },
		{ MAGIC("Speex   "), T_OGG_AUDIO },
		{ MAGIC("\x80theora"), T_OGG_VIDEO },
		{ MAGIC("\x01video"), T_OGG_VIDEO },
	};
	uint64_t payload;
	size_t i;

	(void)at;
	if (!have(p, 0, 27) || p->head[4] != 0)   /* stream structure version */
		return NULL;
	payload = 27 + (uint64_t)p->head[26];    /* after the segment table */
	for (i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
		if (bytes_at(p, payload, codecs[i].id, codecs[i].len))
			return TYPE(codecs[i].type);
	return TYPE(sig->type);
}

/* The first metadata block of a FLAC stream must be STREAMINFO (type 0). */
static const sniff_type *check_flac(const probe *p, const signature *sig,
                                    size_t at)
{
	(void)at;
	return have(p, 4, 1) && (p->head[4] & 0x7F) == 0 ? TYPE(sig->type) : NULL;
}

/* FLV header: reserved flag bits clear, header length 9. */
static const sniff_type *check_flv(const probe *p, const signature *sig,
                                   size_t at)
{
	(void)at;
	if (!have(p, 0, 9) || (p->head[4] & 0xFA) != 0 || be32(p->head + 5) != 9)
		return NULL;
	return TYPE(sig->type);
}

/*
 * mpeg_audio_frame_length — the length of the MPEG audio frame whose
 * 4-byte header is at h, or 0 when h is no valid header: reserved version,
 * layer, sampling rate or emphasis, or the free-format bitrate, whose frame
 * length cannot be verified.
 */
static uint32_t mpeg_audio_frame_length(const unsigned char *h)
{
	static const uint16_t kbps[5][16] = {
		{ 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0 },
		{ 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0 },
		{ 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0 },
		{ 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0 },
		{ 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0 },
	};
	static const uint32_t mpeg1_rates[3] = { 44100, 48000, 32000 };
	unsigned version = (h[1] >> 3) & 3;  /* 3: MPEG-1, 2: MPEG-2, 0: 2.5 */
	unsigned layer = (h[1] >> 1) & 3;    /* 3: I, 2: II, 1: III */
	unsigned rate_index = (h[2] >> 2) & 3;
	unsigned padding = (h[2] >> 1) & 1;
	unsigned row;
	uint32_t bitrate, rate;

	if (h[0] != 0xFF || (h[1] & 0xE0) != 0xE0 || version == 1 ||
	    layer == 0 || rate_index == 3 || (h[3] & 3) == 2)
		return 0;
	/* rows: MPEG-1 layers I, II, III; MPEG-2/2.5 layer I; layers II, III */
	row = version == 3 ? 3 - layer : (layer == 3 ? 3 : 4);
	bitrate = kbps[row][h[2] >> 4] * 1000u;
	if (bitrate == 0)
		return 0;
	rate = mpeg1_rates[rate_index] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
	if (layer == 3)
		return (12 * bitrate / rate + padding) * 4;
	if (layer == 1 && version != 3)
		return 72 * bitrate / rate + padding;
	return 144 * bitrate / rate + padding;
}

/* adts_frame_length — the length of the AAC ADTS frame whose 7-byte header
 * is at h, or 0 when h is no valid header. */
static uint32_t adts_frame_length(const unsigned char *h)
{
	uint32_t len;

	if (h[0] != 0xFF || (h[1] & 0xF6) != 0xF0 || ((h[2] >> 2) & 0xF) > 12)
		return 0;
	len = (uint32_t)(h[3] & 3) << 11 | (uint32_t)h[4] << 3 | h[5] >> 5;
	return len >= 7 ? len : 0;
}

/*
 * Frame sync bits turn up by chance in any binary data (and a UTF-16
 * byte-order mark is one), so a stream of frames is believed only when a
 * second valid header follows the first exactly one frame later.  A lone
 * frame will do only when it is the whole content; a head that ends before
 * the second header proves nothing.
 */
static const sniff_type *two_frames(const probe *p, const signature *sig,
                                    uint32_t (*frame_length)(const unsigned char *),
                                    size_t header_len)
{
	uint32_t first;

	if (!have(p, 0, header_len))
		return NULL;
	first = frame_length(p->head);
	if (first == 0)
		return NULL;
	if (!have(p, first, header_len))
		return !p->truncated && first == p->len ? TYPE(sig->type) : NULL;
	return frame_length(p->head + first) ? TYPE(sig->type) : NULL;
}

static const sniff_type *check_mpeg_audio(const probe *p, const signature *sig,
                                          size_t at)
{
	(void)at;
	return two_frames(p, sig, mpeg_audio_frame_length, 4);
}

static const sniff_type *check_adts(const probe *p, const signature *sig,
                                    size_t at)
{
	(void)at;
	return two_frames(p, sig, adts_frame_length, 7);
}

/* An ID3v2 tag (version 2.2 to 2.4, sizes in 7-bit bytes) usually precedes
 * MP3 audio, but FLAC and AAC files carry one too: look past it. */
static const sniff_type *check_id3(const probe *p, const signature *sig,
                                   size_t at)
{
	const unsigned char *h = p->head;
	uint64_t end;

	(void)at;
	if (!have(p, 0, 10) || h[3] < 2 || h[3] > 4 || h[4] == 0xFF ||
	    ((h[6] | h[7] | h[8] | h[9]) & 0x80))
		return NULL;
	end = 10 + ((uint64_t)h[6] << 21 | (uint64_t)h[7] << 14 |
	            (uint64_t)h[8] << 7 | h[9]);
	if (h[5] & 0x10)
		end += 10;   /* footer */
	if (bytes_at(p, end, "fLaC", 4))
		return TYPE(T_FLAC);
	if (have(p, end, 7) && adts_frame_length(h + end))
		return TYPE(T_AAC);
	return TYPE(sig->type);
}

/* MPEG program stream pack header: MPEG-2 ('01' marker bits) or MPEG-1
 * ('0010' and a marker bit). */
static const sniff_type *check_mpeg_ps(const probe *p, const signature *sig,
                                       size_t at)
{
	unsigned char b;

	(void)at;
	if (!have(p, 4, 1))
		return NULL;
	b = p->head[4];
	return (b & 0xC4) == 0x44 || (b & 0xF1) == 0x21 ? TYPE(sig->type) : NULL;
}

/* MPEG video sequence header: a picture size, a defined aspect ratio and
 * frame rate code. */
static const sniff_type *check_mpeg_video(const probe *p, const signature *sig,
                                          size_t at)
{
	const unsigned char *h = p->head;
	unsigned aspect, rate;

	(void)at;
	if (!have(p, 0, 8))
		return NULL;
	aspect = h[7] >> 4;
	rate = h[7] & 0xF;
	if ((h[4] << 4 | h[5] >> 4) == 0 || ((h[5] & 0xF) << 8 | h[6]) == 0 ||
	    aspect < 1 || aspect > 4 || rate < 1 || rate > 8)
		return NULL;
	return TYPE(sig->type);
}

/*
 * Transport stream packets are 188 bytes, each opening with the sync byte
 * 0x47 ('G'); BDAV (M2TS) packets put a 4-byte timestamp before it.  One
 * 'G' proves nothing: the first eight packet starts in the head (at least
 * three) must all sync.
 */
static const sniff_type *sync_every(const probe *p, const signature *sig,
                                    size_t first, size_t stride)
{
	size_t off, count = 0;

	for (off = first; off < p->len && count < 8; off += stride, count++)
		if (p->head[off] != 0x47)
			return NULL;
	return count >= 3 ? TYPE(sig->type) : NULL;
}

static const sniff_type *check_ts(const probe *p, const signature *sig,
                                  size_t at)
{
	(void)at;
	return sync_every(p, sig, 0, 188);
}

static const sniff_type *check_m2ts(const probe *p, const signature *sig,
                                    size_t at)
{
	(void)at;
	return sync_every(p, sig, 4, 192);
}

/* ------------------------------------------------------------------ */
/* Checks: archives                                                    */
/* ------------------------------------------------------------------ */

/* gzip: the reserved flag bits are clear. */
static const sniff_type *check_gzip(const probe *p, const signature *sig,
                                    size_t at)
{
	(void)at;
	return have(p, 3, 1) && (p->head[3] & 0xE0) == 0 ? TYPE(sig->type) : NULL;
}

/* bzip2: a block size digit, then a block or end-of-stream magic (the
 * digits of pi and of sqrt(pi)). */
static const sniff_type *check_bzip2(const probe *p, const signature *sig,
                                     size_t at)
{
	(void)at;
	if (!have(p, 0, 10) || p->head[3] < '1' || p->head[3] > '9')
		return NULL;
	if (bytes_at(p, 4, "\x31\x41\x59\x26\x53\x59", 6) ||
	    bytes_at(p, 4, "\x17\x72\x45\x38\x50\x90", 6))
		return TYPE(sig->type);
	return NULL;
}

/* What the entry names of a ZIP seen in the head say about it. */
typedef struct zip_facts {
	enum type_id by_mimetype;  /* ODF and EPUB: T_COUNT when none */
	int opc;                   /* an OOXML package part list */
	int word, xl, ppt;
	int android;
	int java;
} zip_facts;

static int name_is(const unsigned char *name, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(name, want, len) == 0;
}

static int name_starts(const unsigned char *name, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(name, prefix, n) == 0;
}

static int name_ends(const unsigned char *name, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(name + len - n, suffix, n) == 0;
}

static void note_zip_entry(zip_facts *f, const unsigned char *name, size_t len)
{
	if (name_is(name, len, "[Content_Types].xml") ||
	    name_is(name, len, "_rels/.rels"))
		f->opc = 1;
	else if (name_starts(name, len, "word/"))
		f->word = 1;
	else if (name_starts(name, len, "xl/"))
		f->xl = 1;
	else if (name_starts(name, len, "ppt/"))
		f->ppt = 1;
	else if (name_is(name, len, "AndroidManifest.xml") ||
	         name_is(name, len, "classes.dex"))
		f->android = 1;
	else if (name_is(name, len, "META-INF/MANIFEST.MF") ||
	         name_ends(name, len, ".class"))
		f->java = 1;
}

/*
 * OpenDocument and EPUB store their media type, uncompressed, as the
 * content of a first entry named "mimetype".  Templates and masters
 * ("...text-template") count as their document type.
 */
static void note_mimetype(const probe *p, size_t header, size_t name_len,
                          zip_facts *f)
{
	static const struct {
		const char *mime;
		enum type_id type;
	} known[] = {
		{ "application/vnd.oasis.opendocument.text", T_ODT },
		{ "application/vnd.oasis.opendocument.spreadsheet", T_ODS },
		{ "application/vnd.oasis.opendocument.presentation", T_ODP },
		{ "application/vnd.oasis.opendocument.graphics", T_ODG },
		{ "application/epub+zip", T_EPUB },
	};
	const unsigned char *h = p->head + header;
	uint64_t data, size, n;
	size_t i;

	if (!name_is(h + 30, name_len, "mimetype") || le16(h + 8) != 0)
		return;   /* not named so, or compressed */
	data = header + 30 + name_len + le16(h + 28);
	size = le32(h + 18);
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		n = strlen(known[i].mime);
		if (size < n || !bytes_at(p, data, known[i].mime, n))
			continue;
		if (size == n || (have(p, data + n, 1) && p->head[data + n] == '-'))
			f->by_mimetype = known[i].type;
		return;
	}
}

static enum type_id zip_kind(const zip_facts *f)
{
	if (f->by_mimetype != T_COUNT)
		return f->by_mimetype;
	if (f->android)
		return T_APK;
	if (f->opc && f->word)
		return T_DOCX;
	if (f->opc && f->xl)
		return T_XLSX;
	if (f->opc && f->ppt)
		return T_PPTX;
	if (f->java)
		return T_JAR;
	return T_ZIP;
}

/*
 * Walk the local file headers found in the head.  Searching for their
 * signature rather than hopping from one to the next by its sizes keeps
 * going past entries whose sizes are deferred to a data descriptor.
 */
static const sniff_type *check_zip(const probe *p, const signature *sig,
                                   size_t at)
{
	zip_facts facts = { .by_mimetype = T_COUNT };
	size_t off = 0, name_len;
	int first = 1;

	(void)sig;
	(void)at;
	while ((off = find_bytes(p, off, "PK\x03\x04", 4)) != NOT_FOUND) {
		if (!have(p, off, 30))
			break;
		name_len = le16(p->head + off + 26);
		if (!have(p, off + 30, name_len))
			break;
		if (first)
			note_mimetype(p, off, name_len, &facts);
		note_zip_entry(&facts, p->head + off + 30, name_len);
		first = 0;
		off += 30 + name_len;
	}
	return TYPE(zip_kind(&facts));
}

/* ------------------------------------------------------------------ */
/* Checks: executables and Windows artefacts                           */
/* ------------------------------------------------------------------ */

/* ELF identification: 32/64-bit class, byte order, version 1. */
static const sniff_type *check_elf(const probe *p, const signature *sig,
                                   size_t at)
{
	const unsigned char *h = p->head;

	(void)at;
	if (!have(p, 0, 7) || h[4] < 1 || h[4] > 2 || h[5] < 1 || h[5] > 2 ||
	    h[6] != 1)
		return NULL;
	return TYPE(sig->type);
}

/*
 * "MZ" opens every DOS and Windows executable.  A PE signature where the
 * DOS header points makes it a PE image; otherwise the DOS header must
 * hold together (a last-page count under 512, a page, a header of at least
 * two paragraphs, a relocation table after the fixed header), since "MZ"
 * alone is two letters.
 */
static const sniff_type *check_mz(const probe *p, const signature *sig,
                                  size_t at)
{
	const unsigned char *h = p->head;

	(void)sig;
	(void)at;
	if (have(p, 0x3C, 4) && bytes_at(p, le32(h + 0x3C), "PE\0\0", 4))
		return TYPE(T_PE);
	if (!have(p, 0, 0x1C) || le16(h + 2) >= 512 || le16(h + 4) == 0 ||
	    le16(h + 8) < 2 || le16(h + 0x18) < 0x1C)
		return NULL;
	return TYPE(T_DOSEXEC);
}

/*
 * CA FE BA BE opens both Java class files and Mach-O universal binaries.
 * The next word is the number of architectures in a universal binary (a
 * handful) but the minor and major version of a class file, whose major
 * version is at least 45.
 */
static const sniff_type *check_cafebabe(const probe *p, const signature *sig,
                                        size_t at)
{
	uint32_t word;
	uint16_t major;

	(void)sig;
	(void)at;
	if (!have(p, 0, 8))
		return NULL;
	word = be32(p->head + 4);
	major = be16(p->head + 6);
	if (word >= 1 && word <= 30)
		return TYPE(T_MACHO_FAT);
	if (major >= 45 && major < 100)
		return TYPE(T_JAVA_CLASS);
	return NULL;
}

/* A universal binary with 64-bit offsets (CA FE BA BF) has no class-file
 * twin, but its architecture count must still be sane. */
static const sniff_type *check_fat64(const probe *p, const signature *sig,
                                     size_t at)
{
	uint32_t count;

	(void)at;
	if (!have(p, 0, 8))
		return NULL;
	count = be32(p->head + 4);
	return count >= 1 && count <= 30 ? TYPE(sig->type) : NULL;
}

/* DEX: "dex\n", a three-digit version, NUL. */
static const sniff_type *check_dex(const probe *p, const signature *sig,
                                   size_t at)
{
	const unsigned char *h = p->head;

	(void)at;
	if (!have(p, 0, 8) || !is_digit(h[4]) || !is_digit(h[5]) ||
	    !is_digit(h[6]) || h[7] != '\0')
		return NULL;
	return TYPE(sig->type);
}

/* Uncompressed prefetch: a known format version before "SCCA" (XP, Vista
 * and 7, 8, 10, 11). */
static const sniff_type *check_prefetch(const probe *p, const signature *sig,
                                        size_t at)
{
	static const uint32_t versions[] = { 17, 23, 26, 30, 31 };
	uint32_t version;
	size_t i;

	(void)at;
	if (!have(p, 0, 4))
		return NULL;
	version = le32(p->head);
	for (i = 0; i < sizeof versions / sizeof versions[0]; i++)
		if (version == versions[i])
			return TYPE(sig->type);
	return NULL;
}

/* SQLite WAL header: the file format version is 3007000. */
static const sniff_type *check_sqlite_wal(const probe *p, const signature *sig,
                                          size_t at)
{
	(void)at;
	return have(p, 4, 4) && be32(p->head + 4) == 3007000 ? TYPE(sig->type) : NULL;
}

/* Readers accept "%PDF-" anywhere in the first KiB, so evidence has it
 * there; a version number ("1.7") must follow, so that text merely
 * mentioning "%PDF-" is not taken for a PDF. */
static const sniff_type *check_pdf(const probe *p, const signature *sig,
                                   size_t at)
{
	const unsigned char *v = p->head + at + 5;

	if (!have(p, at + 5, 3) || !is_digit(v[0]) || v[1] != '.' || !is_digit(v[2]))
		return NULL;
	return TYPE(sig->type);
}

/* ------------------------------------------------------------------ */
/* The binary signature table                                          */
/* ------------------------------------------------------------------ */

static const signature binary_signatures[] = {
	/* long magics at the start */
	SIG(0, "\x89PNG\r\n\x1a\n", T_PNG, NULL),
	SIG(0, "\xff\xd8\xff", T_JPEG, NULL),
	SIG(0, "GIF87a", T_GIF, NULL),
	SIG(0, "GIF89a", T_GIF, NULL),
	SIG(0, "SQLite format 3\0", T_SQLITE, NULL),
	SIG(0, "\x37\x7f\x06\x82", T_SQLITE_WAL, check_sqlite_wal),
	SIG(0, "\x37\x7f\x06\x83", T_SQLITE_WAL, check_sqlite_wal),
	SIG(0, "\xd9\xd5\x05\xf9\x20\xa1\x63\xd7", T_SQLITE_JOURNAL, NULL),
	SIG(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", T_OLE, NULL),
	SIG(0, "\x4c\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00"
	       "\xc0\x00\x00\x00\x00\x00\x00\x46", T_LNK, NULL),
	SIG(0, "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c",
	    T_ASF, NULL),
	SIG(0, "ElfFile\0", T_EVTX, NULL),
	SIG(0, "\x30\x00\x00\x00LfLe", T_EVT, NULL),
	SIG(0, "regf", T_REGF, NULL),
	SIG(0, "bplist00", T_BPLIST, NULL),
	SIG(0, "ANDROID BACKUP\n", T_ANDROID_BACKUP, NULL),
	SIG_SLACK("%PDF-", 1024, T_PDF, check_pdf),
	SIG(0, "%!PS", T_POSTSCRIPT, NULL),
	SIG(0, "{\\rtf", T_RTF, NULL),
	SIG(0, "7z\xbc\xaf\x27\x1c", T_7Z, NULL),
	SIG(0, "\xfd" "7zXZ\x00", T_XZ, NULL),
	SIG(0, "\x28\xb5\x2f\xfd", T_ZSTD, NULL),
	SIG(0, "Rar!\x1a\x07\x01\x00", T_RAR, NULL),  /* RAR 5 */
	SIG(0, "Rar!\x1a\x07\x00", T_RAR, NULL),      /* RAR 1.5 to 4 */
	SIG(0, "MSCF\x00\x00\x00\x00", T_CAB, NULL),
	SIG(0, "\x1f\x8b\x08", T_GZIP, check_gzip),
	SIG(0, "BZh", T_BZIP2, check_bzip2),
	SIG(0, "PK\x03\x04", T_ZIP, check_zip),
	SIG(0, "PK\x05\x06", T_ZIP, NULL),          /* empty archive */
	SIG(0, "PK\x07\x08", T_ZIP, check_zip),     /* spanned marker */
	SIG(0, "\x7f" "ELF", T_ELF, check_elf),
	SIG(0, "\xfe\xed\xfa\xce", T_MACHO, NULL),
	SIG(0, "\xfe\xed\xfa\xcf", T_MACHO, NULL),
	SIG(0, "\xce\xfa\xed\xfe", T_MACHO, NULL),
	SIG(0, "\xcf\xfa\xed\xfe", T_MACHO, NULL),
	SIG(0, "\xca\xfe\xba\xbe", T_JAVA_CLASS, check_cafebabe),
	SIG(0, "\xca\xfe\xba\xbf", T_MACHO_FAT, check_fat64),
	SIG(0, "dex\n", T_DEX, check_dex),
	SIG(0, "\x1a\x45\xdf\xa3", T_MKV, check_ebml),
	SIG(0, "OggS", T_OGG, check_ogg),
	SIG(0, "fLaC", T_FLAC, check_flac),
	SIG(0, "FLV\x01", T_FLV, check_flv),
	SIG(0, "ID3", T_MP3, check_id3),
	SIG(0, "RIFF", T_WAV, check_riff),
	SIG(0, "RF64", T_WAV, check_riff),
	SIG(0, "8BPS\x00\x01", T_PSD, NULL),
	SIG(0, "8BPS\x00\x02", T_PSD, NULL),           /* large document */
	SIG(0, "II*\x00", T_TIFF, NULL),
	SIG(0, "MM\x00*", T_TIFF, NULL),
	SIG(4, "ftyp", T_MP4, check_ftyp),
	SIG(4, "SCCA", T_PREFETCH, check_prefetch),
	SIG(0, "MAM\x04", T_PREFETCH, NULL),         /* compressed, Windows 10+ */
	SIG(4, "\xef\xcd\xab\x89", T_ESE, NULL),
	SIG(0, "\x00\x00\x01\xba", T_MPEG, check_mpeg_ps),
	SIG(0, "\x00\x00\x01\xb3", T_MPEG, check_mpeg_video),
	/* magics that sit deeper */
	SIG(257, "ustar", T_TAR, NULL),
	SIG(32769, "CD001", T_ISO, NULL),
	/* weak magics that lean on their checks */
	SIG(0, "BM", T_BMP, check_bmp),
	SIG(0, "MZ", T_DOSEXEC, check_mz),
	SIG(0, "\x00\x00\x01\x00", T_ICO, check_ico),
	SIG_MASKED("\xff\xe0", "\xff\xe0", T_MP3, check_mpeg_audio),
	SIG_MASKED("\xff\xf0", "\xff\xf6", T_AAC, check_adts),
	SIG(0, "\x47", T_MPEGTS, check_ts),
	SIG(4, "\x47", T_MPEGTS, check_m2ts),
	SIG(4, "moov", T_MOV, check_quicktime),
	SIG(4, "mdat", T_MOV, check_quicktime),
	SIG(4, "wide", T_MOV, check_quicktime),
	SIG(4, "free", T_MOV, check_quicktime),
	SIG(4, "skip", T_MOV, check_quicktime),
	SIG(4, "pnot", T_MOV, check_quicktime),
};

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

/* Control characters that text uses: BEL, BS, TAB, LF, VT, FF, CR, ESC
 * (terminal colours).  NUL and the others mean binary. */
static int is_text_char(uint32_t c)
{
	if (c < 0x20)
		return (c >= 0x07 && c <= 0x0D) || c == 0x1B;
	return c != 0x7F;
}

/*
 * is_utf8_text — s is well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF) of text characters.  A sequence cut by the
 * end of s is forgiven when the content goes on (truncated).
 */
static int is_utf8_text(const unsigned char *s, size_t n, int truncated)
{
	size_t i = 0, len, k;
	unsigned char c, lo, hi;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			if (!is_text_char(c))
				return 0;
			i++;
			continue;
		}
		/* the range of the second byte depends on the first */
		lo = 0x80;
		hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;   /* overlong */
			else if (c == 0xED)
				hi = 0x9F;   /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;   /* overlong */
			else if (c == 0xF4)
				hi = 0x8F;   /* past U+10FFFF */
		} else {
			return 0;
		}
		for (k = 1; k < len; k++) {
			if (i + k == n)
				return truncated;
			c = s[i + k];
			if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF))
				return 0;
		}
		i += len;
	}
	return 1;
}

/* is_utf16_text — s (after the byte-order mark) is UTF-16 of text
 * characters with paired surrogates; a unit or pair cut by the end of s is
 * forgiven when the content goes on. */
static int is_utf16_text(const unsigned char *s, size_t n, int big_endian,
                         int truncated)
{
	size_t i = 0;
	uint32_t unit, low;

	while (i + 1 < n) {
		unit = big_endian ? be16(s + i) : le16(s + i);
		i += 2;
		if (unit >= 0xDC00 && unit <= 0xDFFF)
			return 0;   /* a low surrogate alone */
		if (unit >= 0xD800 && unit <= 0xDBFF) {
			if (i + 1 >= n)
				return truncated;
			low = big_endian ? be16(s + i) : le16(s + i);
			if (low < 0xDC00 || low > 0xDFFF)
				return 0;
			i += 2;
			continue;
		}
		if (!is_text_char(unit))
			return 0;
	}
	return i == n || truncated;
}

/* --- markup --- */

/* skip_past — the position just after the first needle at or after from,
 * or NOT_FOUND. */
static size_t skip_past(const probe *p, size_t from, const char *needle)
{
	size_t n = strlen(needle), at = find_bytes(p, from, needle, n);

	return at == NOT_FOUND ? NOT_FOUND : at + n;
}

/* skip_declaration — past a "<!...>" declaration starting at from (after
 * the "<!"), including a DOCTYPE's internal subset in brackets. */
static size_t skip_declaration(const probe *p, size_t from)
{
	while (from < p->len && p->head[from] != '>') {
		if (p->head[from] == '[') {
			from = skip_past(p, from, "]");
			if (from == NOT_FOUND)
				return NOT_FOUND;
		} else {
			from++;
		}
	}
	return from < p->len ? from + 1 : NOT_FOUND;
}

static int is_xml_name_char(unsigned char c)
{
	return c > ' ' && c != '>' && c != '/' && c != '<' && c != '=';
}

/*
 * xml_root — find the root element's name, past the prolog: processing
 * instructions, comments, the DOCTYPE and blanks.  Sets *name and *len
 * (the local name, without a namespace prefix).  Returns 0 when the head
 * ends first or the prolog is not XML.
 */
static int xml_root(const probe *p, size_t pos, const unsigned char **name,
                    size_t *len)
{
	const unsigned char *s = p->head;
	size_t start, end, i;
	int constructs;

	for (constructs = 0; constructs < 64 && pos != NOT_FOUND; constructs++) {
		while (pos < p->len && is_blank(s[pos]))
			pos++;
		if (!have(p, pos, 2) || s[pos] != '<')
			return 0;
		if (s[pos + 1] == '?') {
			pos = skip_past(p, pos + 2, "?>");
		} else if (bytes_at(p, pos, "<!--", 4)) {
			pos = skip_past(p, pos + 4, "-->");
		} else if (s[pos + 1] == '!') {
			pos = skip_declaration(p, pos + 2);
		} else {
			start = end = pos + 1;
			while (end < p->len && is_xml_name_char(s[end]))
				end++;
			for (i = start; i < end; i++)
				if (s[i] == ':')
					start = i + 1;
			if (end == start)
				return 0;
			*name = s + start;
			*len = end - start;
			return 1;
		}
	}
	return 0;
}

/* An XML document is a property list, an SVG image or XHTML by its root. */
static const sniff_type *check_xml(const probe *p, const signature *sig,
                                   size_t at)
{
	const unsigned char *name;
	size_t len;

	if (!xml_root(p, at, &name, &len))
		return TYPE(sig->type);
	if (name_is(name, len, "plist"))
		return TYPE(T_PLIST_XML);
	if (name_is(name, len, "svg"))
		return TYPE(T_SVG);
	if (name_is(name, len, "html"))
		return TYPE(T_HTML);
	return TYPE(sig->type);
}

/* A tag name must end where the magic does ("<b>" is HTML, "<bob" is not
 * known to be): a blank or '>' must follow. */
static const sniff_type *check_tag_end(const probe *p, const signature *sig,
                                       size_t at)
{
	size_t end = at + sig->magic_len;

	if (!have(p, end, 1))
		return NULL;
	return is_blank(p->head[end]) || p->head[end] == '>' ? TYPE(sig->type) : NULL;
}

/* --- JSON --- */

enum json_result { JSON_OK, JSON_BAD, JSON_CUT };

static enum json_result json_string(const unsigned char *s, size_t n, size_t *i)
{
	size_t k = *i + 1;

	while (k < n) {
		if (s[k] == '"') {
			*i = k + 1;
			return JSON_OK;
		}
		if (s[k] < 0x20)
			return JSON_BAD;
		k += s[k] == '\\' ? 2 : 1;
	}
	return JSON_CUT;
}

static enum json_result json_literal(const unsigned char *s, size_t n,
                                     size_t *i, const char *word)
{
	size_t k, len = strlen(word);

	for (k = 0; k < len; k++) {
		if (*i + k >= n)
			return JSON_CUT;
		if (s[*i + k] != (unsigned char)word[k])
			return JSON_BAD;
	}
	*i += len;
	return JSON_OK;
}

/* Loose on purpose: a number's characters, starting with '-' or a digit. */
static enum json_result json_number(const unsigned char *s, size_t n, size_t *i)
{
	size_t k = *i;

	if (s[k] == '-')
		k++;
	if (k == n)
		return JSON_CUT;
	if (!is_digit(s[k]))
		return JSON_BAD;
	while (k < n && (is_digit(s[k]) || s[k] == '.' || s[k] == 'e' ||
	                 s[k] == 'E' || s[k] == '+' || s[k] == '-'))
		k++;
	if (k == n)
		return JSON_CUT;   /* the number may go on */
	*i = k;
	return JSON_OK;
}

static enum json_result json_scalar(const unsigned char *s, size_t n, size_t *i)
{
	switch (s[*i]) {
	case '"':
		return json_string(s, n, i);
	case 't':
		return json_literal(s, n, i, "true");
	case 'f':
		return json_literal(s, n, i, "false");
	case 'n':
		return json_literal(s, n, i, "null");
	default:
		return json_number(s, n, i);
	}
}

#define JSON_MAX_DEPTH 256

/* What the JSON grammar allows next. */
enum json_expect {
	JSON_VALUE,            /* after ':' or ',' in an array */
	JSON_VALUE_OR_CLOSE,   /* after '[' */
	JSON_KEY,              /* after ',' in an object */
	JSON_KEY_OR_CLOSE,     /* after '{' */
	JSON_COLON,            /* after a key */
	JSON_AFTER_VALUE       /* ',' or the container's end */
};

/*
 * json_valid — s holds one JSON object or array and blanks around it, or
 * the start of one when the content goes on.  Checked for structure (what
 * may follow what, nesting, strings) and loosely for numbers; nesting past
 * JSON_MAX_DEPTH is taken as proof enough.
 */
static int json_valid(const unsigned char *s, size_t n, int truncated)
{
	unsigned char in_object[JSON_MAX_DEPTH];
	enum json_expect expect = JSON_VALUE;
	enum json_result r;
	size_t i = 0, depth = 0;
	unsigned char c;

	for (;;) {
		while (i < n && is_blank(s[i]))
			i++;
		if (i == n)
			return truncated || (depth == 0 && expect == JSON_AFTER_VALUE);
		c = s[i];
		if ((expect == JSON_VALUE_OR_CLOSE && c == ']') ||
		    (expect == JSON_KEY_OR_CLOSE && c == '}')) {
			depth--;
			i++;
			expect = JSON_AFTER_VALUE;
		} else if (expect == JSON_VALUE || expect == JSON_VALUE_OR_CLOSE) {
			if (c == '{' || c == '[') {
				if (depth == JSON_MAX_DEPTH)
					return 1;
				in_object[depth++] = c == '{';
				i++;
				expect = c == '{' ? JSON_KEY_OR_CLOSE : JSON_VALUE_OR_CLOSE;
				continue;
			}
			r = json_scalar(s, n, &i);
			if (r != JSON_OK)
				return r == JSON_CUT && truncated;
			expect = JSON_AFTER_VALUE;
		} else if (expect == JSON_KEY || expect == JSON_KEY_OR_CLOSE) {
			if (c != '"')
				return 0;
			r = json_string(s, n, &i);
			if (r != JSON_OK)
				return r == JSON_CUT && truncated;
			expect = JSON_COLON;
		} else if (expect == JSON_COLON) {
			if (c != ':')
				return 0;
			i++;
			expect = JSON_VALUE;
		} else {   /* JSON_AFTER_VALUE */
			if (depth == 0)
				return 0;   /* something after the whole value */
			if (c == ',') {
				expect = in_object[depth - 1] ? JSON_KEY : JSON_VALUE;
			} else if (c == (in_object[depth - 1] ? '}' : ']')) {
				depth--;
			} else {
				return 0;
			}
			i++;
		}
	}
}

/* 16 KiB of well-formed JSON convince as well as 64 and cost a quarter:
 * past that, the head is taken as cut there. */
#define JSON_SCAN_LIMIT 16384

static const sniff_type *check_json(const probe *p, const signature *sig,
                                    size_t at)
{
	size_t n = p->len - at;
	int cut = p->truncated;

	if (n > JSON_SCAN_LIMIT) {
		n = JSON_SCAN_LIMIT;
		cut = 1;
	}
	return json_valid(p->head + at, n, cut) ? TYPE(sig->type) : NULL;
}

/* --- e-mail --- */

/* Header fields that mail carries and other "name: value" text rarely
 * does all together.  At most 32, one bit each. */
static const char *const mail_fields[] = {
	"from", "to", "cc", "bcc", "date", "subject", "received", "return-path",
	"message-id", "mime-version", "delivered-to", "reply-to", "sender",
	"content-type", "content-transfer-encoding", "x-mailer", "in-reply-to",
	"references", "user-agent", "dkim-signature", "authentication-results",
	"x-originating-ip", "thread-topic", "thread-index", "x-mozilla-status",
	"arc-seal", "list-id", "x-received",
};

static int mail_field_index(const unsigned char *name, size_t len)
{
	size_t i, k;

	for (i = 0; i < sizeof mail_fields / sizeof mail_fields[0]; i++) {
		if (strlen(mail_fields[i]) != len)
			continue;
		for (k = 0; k < len; k++)
			if (ascii_lower(name[k]) != (unsigned char)mail_fields[i][k])
				break;
		if (k == len)
			return (int)i;
	}
	return -1;
}

/* A field name is printable ASCII other than ':' (RFC 5322). */
static size_t field_name_length(const unsigned char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] > ' ' && line[i] < 0x7F && line[i] != ':')
		i++;
	return i;
}

static int count_bits(uint32_t v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

#define MAIL_MAX_HEADER_LINES 512

/*
 * looks_like_mail — s opens with an RFC 5322 header block: every line up
 * to the first empty one is a "Name: value" field or the continuation of
 * one, and at least two different fields are ones mail carries.
 */
static int looks_like_mail(const probe *p)
{
	const unsigned char *s = p->head;
	size_t pos = 0, eol, len, name_len;
	uint32_t seen = 0;
	int lines = 0, field;

	while (pos < p->len && lines < MAIL_MAX_HEADER_LINES) {
		eol = find_bytes(p, pos, "\n", 1);
		if (eol == NOT_FOUND && p->truncated)
			break;   /* the last line may be cut anywhere */
		len = (eol == NOT_FOUND ? p->len : eol) - pos;
		if (len > 0 && s[pos + len - 1] == '\r')
			len--;
		if (len == 0)
			break;   /* the end of the header block */
		if (s[pos] == ' ' || s[pos] == '\t') {
			if (lines == 0)
				return 0;   /* a continuation of nothing */
		} else {
			name_len = field_name_length(s + pos, len);
			if (name_len == 0 || name_len == len || s[pos + name_len] != ':')
				return 0;
			field = mail_field_index(s + pos, name_len);
			if (field >= 0)
				seen |= (uint32_t)1 << field;
			lines++;
		}
		if (eol == NOT_FOUND)
			break;
		pos = eol + 1;
	}
	return count_bits(seen) >= 2;
}

static const sniff_type *check_email(const probe *p, const signature *sig,
                                     size_t at)
{
	(void)at;
	return looks_like_mail(p) ? TYPE(sig->type) : NULL;
}

/* An mbox opens with a "From " separator line, then a message's headers. */
static const sniff_type *check_mbox(const probe *p, const signature *sig,
                                    size_t at)
{
	size_t eol = find_bytes(p, at, "\n", 1);
	probe rest;

	if (eol == NOT_FOUND)
		return NULL;
	rest.head = p->head + eol + 1;
	rest.len = p->len - eol - 1;
	rest.truncated = p->truncated;
	return looks_like_mail(&rest) ? TYPE(sig->type) : NULL;
}

/* --- the text signature table --- */

/* Applied to UTF-8 text from its first non-blank byte.  The HTML tags are
 * those the WHATWG MIME Sniffing Standard takes as HTML. */
static const signature text_signatures[] = {
	SIG_NOCASE("<?xml", T_XML, check_xml),
	SIG_NOCASE("<!doctype html", T_HTML, check_tag_end),
	SIG_NOCASE("<html", T_HTML, check_tag_end),
	SIG_NOCASE("<head", T_HTML, check_tag_end),
	SIG_NOCASE("<body", T_HTML, check_tag_end),
	SIG_NOCASE("<script", T_HTML, check_tag_end),
	SIG_NOCASE("<iframe", T_HTML, check_tag_end),
	SIG_NOCASE("<h1", T_HTML, check_tag_end),
	SIG_NOCASE("<div", T_HTML, check_tag_end),
	SIG_NOCASE("<font", T_HTML, check_tag_end),
	SIG_NOCASE("<table", T_HTML, check_tag_end),
	SIG_NOCASE("<a", T_HTML, check_tag_end),
	SIG_NOCASE("<style", T_HTML, check_tag_end),
	SIG_NOCASE("<title", T_HTML, check_tag_end),
	SIG_NOCASE("<b", T_HTML, check_tag_end),
	SIG_NOCASE("<br", T_HTML, check_tag_end),
	SIG_NOCASE("<p", T_HTML, check_tag_end),
	SIG_NOCASE("<!--", T_HTML, check_tag_end),
	SIG_NOCASE("<svg", T_SVG, check_tag_end),
	SIG(0, "{", T_JSON, check_json),
	SIG(0, "[", T_JSON, check_json),
	SIG_NOCASE("begin:vcard", T_VCARD, NULL),
	SIG_NOCASE("begin:vcalendar", T_ICALENDAR, NULL),
	SIG(0, "-----BEGIN ", T_PEM, NULL),
	SIG(0, "From ", T_MBOX, check_mbox),
	SIG(0, "", T_EMAIL, check_email),
};

/*
 * sniff_text — the type of text content, or NULL when the head is not
 * text.  UTF-16 is only told apart as text: its markup is not looked into.
 */
static const sniff_type *sniff_text(const probe *p)
{
	const unsigned char *h = p->head;
	const sniff_type *type;
	size_t start = 0;
	probe rest;

	if (bytes_at(p, 0, "\xff\xfe", 2) || bytes_at(p, 0, "\xfe\xff", 2))
		return is_utf16_text(h + 2, p->len - 2, h[0] == 0xFE, p->truncated) ?
		       TYPE(T_TEXT) : NULL;
	if (bytes_at(p, 0, "\xef\xbb\xbf", 3))
		start = 3;
	if (!is_utf8_text(h + start, p->len - start, p->truncated))
		return NULL;
	while (start < p->len && is_blank(h[start]))
		start++;
	rest.head = h + start;
	rest.len = p->len - start;
	rest.truncated = p->truncated;
	type = match_table(&rest, text_signatures,
	                   sizeof text_signatures / sizeof text_signatures[0]);
	return type ? type : TYPE(T_TEXT);
}

/* ------------------------------------------------------------------ */
/* The API                                                             */
/* ------------------------------------------------------------------ */

const sniff_type *sniff_content(const unsigned char *head, size_t head_len,
                                uint64_t total_size)
{
	const sniff_type *type;
	probe p;

	if (!head)
		head_len = 0;
	if (head_len > SNIFF_HEAD_BYTES)
		head_len = SNIFF_HEAD_BYTES;   /* keeps the cost bounded */
	if (head_len == 0)
		return TYPE(total_size == 0 ? T_EMPTY : T_OCTET);
	p.head = head;
	p.len = head_len;
	p.truncated = total_size > head_len;
	type = match_table(&p, binary_signatures,
	                   sizeof binary_signatures / sizeof binary_signatures[0]);
	if (!type)
		type = sniff_text(&p);
	return type ? type : TYPE(T_OCTET);
}

static int is_extension_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit((unsigned char)c) || c == '-' || c == '_' || c == '+';
}

/* extension_of — set *ext and *len to the extension of name (see sniff.h
 * for what counts as one); 0 when it has none. */
static int extension_of(const char *name, const char **ext, size_t *len)
{
	const char *base = name, *dot = NULL, *c;
	int digits_only = 1;

	for (c = name; *c; c++) {
		if (*c == '/' || *c == '\\') {
			base = c + 1;
			dot = NULL;
		} else if (*c == '.') {
			dot = c;
		}
	}
	if (!dot || dot == base || dot[1] == '\0')
		return 0;
	for (c = dot + 1; *c; c++) {
		if (!is_extension_char(*c))
			return 0;
		if (!is_digit((unsigned char)*c))
			digits_only = 0;
	}
	if (digits_only)
		return 0;
	*ext = dot + 1;
	*len = (size_t)(c - *ext);
	return 1;
}

static int extension_listed(const char *const *list, const char *ext,
                            size_t len)
{
	size_t k;

	for (; *list; list++) {
		if (strlen(*list) != len)
			continue;
		for (k = 0; k < len; k++)
			if (ascii_lower((unsigned char)ext[k]) != (unsigned char)(*list)[k])
				break;
		if (k == len)
			return 1;
	}
	return 0;
}

int sniff_extension_mismatch(const sniff_type *type, const char *name)
{
	const sniff_type *t;
	const char *ext;
	size_t len;

	if (!type || !name || !extension_of(name, &ext, &len))
		return 0;
	for (t = type; t; t = t->parent) {
		if (!t->extensions || !t->extensions[0])
			return 0;   /* anything goes under this type */
		if (extension_listed(t->extensions, ext, len))
			return 0;
	}
	return 1;
}

const sniff_type *sniff_type_at(size_t index)
{
	return index < T_COUNT ? &types[index] : NULL;
}

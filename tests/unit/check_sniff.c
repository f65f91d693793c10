/*
 * check_sniff.c — unit tests for core/sniff.c.
 *
 * Every sample is sniffed from a copy that ends right at an unreadable
 * page, so a read past the head faults even without a sanitizer; every
 * prefix of every sample is sniffed that way too, as content cut short and
 * as a head of longer content.  The samples are small handmade headers.
 */
#include "sniff.h"

#include <check.h>

#include "check_run.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Sniffing with a guard page after the head                           */
/* ------------------------------------------------------------------ */

typedef struct guarded {
	unsigned char *map;
	size_t span;    /* readable bytes before the guard page */
	size_t page;
} guarded;

static guarded guarded_open(size_t capacity)
{
	guarded g;

	g.page = (size_t)sysconf(_SC_PAGESIZE);
	g.span = (capacity + g.page - 1) / g.page * g.page;
	if (g.span == 0)
		g.span = g.page;
	g.map = mmap(NULL, g.span + g.page, PROT_READ | PROT_WRITE,
	             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(g.map, MAP_FAILED);
	ck_assert_int_eq(mprotect(g.map + g.span, g.page, PROT_NONE), 0);
	return g;
}

static void guarded_close(guarded *g)
{
	munmap(g->map, g->span + g->page);
}

/* Sniff len bytes placed so that the byte after them is unreadable. */
static const sniff_type *guarded_sniff(guarded *g, const unsigned char *bytes,
                                       size_t len, uint64_t total)
{
	unsigned char *head = g->map + g->span - len;

	ck_assert_uint_le(len, g->span);
	memcpy(head, bytes, len);
	return sniff_content(head, len, total);
}

static const sniff_type *sniff_bytes(const void *bytes, size_t len,
                                     uint64_t total)
{
	guarded g = guarded_open(len);
	const sniff_type *type = guarded_sniff(&g, bytes, len, total);

	guarded_close(&g);
	ck_assert_ptr_nonnull(type);
	ck_assert_ptr_nonnull(type->mime_type);
	return type;
}

/* Sniff a string literal as whole content, or as the head of content
 * 1000 bytes longer. */
#define SNIFF(s)     sniff_bytes((s), sizeof(s) - 1, sizeof(s) - 1)
#define SNIFF_CUT(s) sniff_bytes((s), sizeof(s) - 1, sizeof(s) - 1 + 1000)
#define MIME(s)      (SNIFF(s)->mime_type)
#define MIME_CUT(s)  (SNIFF_CUT(s)->mime_type)

/* ------------------------------------------------------------------ */
/* Builders for samples too long or too structured to write literally  */
/* ------------------------------------------------------------------ */

#define WORK_SIZE 40000

static void put16le(unsigned char *b, unsigned v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
}

static void put32le(unsigned char *b, uint32_t v)
{
	put16le(b, v & 0xFFFF);
	put16le(b + 2, v >> 16);
}

typedef struct zip_entry {
	const char *name;
	const char *data;
} zip_entry;

/* Stored (uncompressed) local file entries and an end record. */
static size_t build_zip(unsigned char *buf, const zip_entry *entries)
{
	size_t off = 0, name_len, data_len;

	for (; entries->name; entries++) {
		name_len = strlen(entries->name);
		data_len = strlen(entries->data);
		memset(buf + off, 0, 30);
		memcpy(buf + off, "PK\x03\x04", 4);
		put16le(buf + off + 4, 20);
		put32le(buf + off + 18, (uint32_t)data_len);
		put32le(buf + off + 22, (uint32_t)data_len);
		put16le(buf + off + 26, (unsigned)name_len);
		memcpy(buf + off + 30, entries->name, name_len);
		memcpy(buf + off + 30 + name_len, entries->data, data_len);
		off += 30 + name_len + data_len;
	}
	memset(buf + off, 0, 22);
	memcpy(buf + off, "PK\x05\x06", 4);
	return off + 22;
}

static size_t zip_plain(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "hello.txt", "hello\n" }, { "dir/", "" }, { NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_spanned(unsigned char *b)
{
	static const zip_entry e[] = { { "a.txt", "a" }, { NULL, NULL } };

	memcpy(b, "PK\x07\x08", 4);
	return 4 + build_zip(b + 4, e);
}

static size_t zip_docx(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "[Content_Types].xml", "<Types/>" }, { "_rels/.rels", "<R/>" },
		{ "word/document.xml", "<w:document/>" }, { NULL, NULL } };
	return build_zip(b, e);
}

/* LibreOffice writes [Content_Types].xml last. */
static size_t zip_docx_lo(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "_rels/.rels", "<R/>" }, { "docProps/app.xml", "<P/>" },
		{ "word/document.xml", "<w:document/>" }, { NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_xlsx(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "[Content_Types].xml", "<Types/>" },
		{ "xl/workbook.xml", "<workbook/>" }, { NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_pptx(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "[Content_Types].xml", "<Types/>" },
		{ "ppt/presentation.xml", "<p/>" }, { NULL, NULL } };
	return build_zip(b, e);
}

/* An OPC part list alone says OOXML but not which kind: a ZIP. */
static size_t zip_opc_only(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "[Content_Types].xml", "<Types/>" },
		{ "visio/document.xml", "<v/>" }, { NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_odt(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.text" },
		{ "content.xml", "<office:document-content/>" }, { NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_ott(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.text-template" },
		{ NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_ods(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.spreadsheet" },
		{ NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_odp(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.presentation" },
		{ NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_odg(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.graphics" },
		{ NULL, NULL } };
	return build_zip(b, e);
}

/* A mimetype entry with an unknown type, or one that only starts like a
 * known one: a ZIP. */
static size_t zip_odf_unknown(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.textual" },
		{ NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_epub(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "mimetype", "application/epub+zip" },
		{ "META-INF/container.xml", "<container/>" }, { NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_jar(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n" },
		{ "org/example/Main.class", "\xca\xfe\xba\xbe" }, { NULL, NULL } };
	return build_zip(b, e);
}

static size_t zip_apk(unsigned char *b)
{
	static const zip_entry e[] = {
		{ "AndroidManifest.xml", "\x03" }, { "classes.dex", "dex\n035" },
		{ "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n" },
		{ NULL, NULL } };
	return build_zip(b, e);
}

static size_t tar_ustar(unsigned char *b)
{
	memset(b, 0, 1024);
	memcpy(b, "hello.txt", 9);
	memcpy(b + 100, "0000644", 7);
	memcpy(b + 124, "00000000006", 11);
	b[156] = '0';
	memcpy(b + 257, "ustar\0" "00", 8);
	memcpy(b + 512, "hello\n", 6);
	return 1024;
}

static size_t tar_gnu(unsigned char *b)
{
	tar_ustar(b);
	memcpy(b + 257, "ustar  \0", 8);
	return 1024;
}

static size_t iso9660(unsigned char *b)
{
	memset(b, 0, 34816);
	memcpy(b + 32768, "\x01" "CD001" "\x01", 7);
	memcpy(b + 32808, "EVIDENCE_DISC", 13);
	return 34816;
}

static size_t bmp(unsigned char *b)
{
	memset(b, 0, 58);
	memcpy(b, "BM", 2);
	put32le(b + 2, 58);
	put32le(b + 10, 54);
	put32le(b + 14, 40);
	put32le(b + 18, 1);
	put32le(b + 22, 1);
	put16le(b + 26, 1);
	put16le(b + 28, 24);
	return 58;
}

static size_t bmp_core(unsigned char *b)   /* OS/2 1.x header */
{
	bmp(b);
	put32le(b + 10, 26);
	put32le(b + 14, 12);
	return 58;
}

static size_t bmp_bad_dib(unsigned char *b)
{
	bmp(b);
	put32le(b + 14, 41);
	return 58;
}

static size_t dos_header(unsigned char *b, uint32_t pe_offset)
{
	memset(b, 0, 256);
	memcpy(b, "MZ", 2);
	put16le(b + 2, 0x90);    /* bytes on the last page */
	put16le(b + 4, 3);       /* pages */
	put16le(b + 8, 4);       /* header paragraphs */
	put16le(b + 0x18, 0x40); /* relocation table */
	put32le(b + 0x3C, pe_offset);
	return 256;
}

static size_t pe(unsigned char *b)
{
	dos_header(b, 0x80);
	memcpy(b + 0x80, "PE\0\0", 4);
	put16le(b + 0x84, 0x8664);
	return 256;
}

static size_t dos_exe(unsigned char *b)
{
	return dos_header(b, 0);
}

/* e_lfanew pointing far past the head: not PE, but a sane DOS header. */
static size_t mz_far_pe(unsigned char *b)
{
	return dos_header(b, 0xFFFFFFF0u);
}

static size_t ico(unsigned char *b)
{
	memset(b, 0, 64);
	put16le(b + 2, 1);     /* type: icon */
	put16le(b + 4, 1);     /* one image */
	b[6] = 16;
	b[7] = 16;
	put16le(b + 10, 1);    /* planes */
	put16le(b + 12, 32);   /* bits per pixel */
	put32le(b + 14, 1128);
	put32le(b + 18, 22);
	return 64;
}

static size_t ico_bad(unsigned char *b)
{
	ico(b);
	put16le(b + 12, 7);
	return 64;
}

/* count MPEG audio frames with header h, one every frame_len bytes. */
static size_t frames(unsigned char *b, const unsigned char *h, size_t h_len,
                     size_t frame_len, size_t count, size_t len)
{
	size_t i;

	memset(b, 0, len);
	for (i = 0; i < count; i++)
		memcpy(b + i * frame_len, h, h_len);
	return len;
}

/* MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417-byte frames. */
static size_t mp3_frames(unsigned char *b)
{
	return frames(b, (const unsigned char *)"\xff\xfb\x90\x00", 4, 417, 3, 1000);
}

/* MPEG-2 layer III, 64 kbit/s, 22.05 kHz: 208-byte frames. */
static size_t mp3_mpeg2_frames(unsigned char *b)
{
	return frames(b, (const unsigned char *)"\xff\xf3\x80\x00", 4, 208, 3, 700);
}

/* A content that is exactly one frame. */
static size_t mp3_single_frame(unsigned char *b)
{
	return frames(b, (const unsigned char *)"\xff\xfb\x90\x00", 4, 417, 1, 417);
}

/* One valid header, then no second one where it should be. */
static size_t mp3_lone_header(unsigned char *b)
{
	return frames(b, (const unsigned char *)"\xff\xfb\x90\x00", 4, 417, 1, 1000);
}

/* AAC LC, 44.1 kHz, stereo, 100-byte frames. */
static size_t adts_frames(unsigned char *b)
{
	return frames(b, (const unsigned char *)"\xff\xf1\x50\x80\x0c\x9f\xfc", 7,
	              100, 3, 300);
}

static size_t ts_packets(unsigned char *b)
{
	size_t i;

	memset(b, 0xFF, 188 * 4);
	for (i = 0; i < 4; i++) {
		b[i * 188] = 0x47;
		b[i * 188 + 1] = 0x1F;
		b[i * 188 + 2] = 0xFF;
		b[i * 188 + 3] = 0x10;
	}
	return 188 * 4;
}

static size_t ts_broken(unsigned char *b)
{
	ts_packets(b);
	b[376] = 0x00;
	return 188 * 4;
}

static size_t m2ts_packets(unsigned char *b)
{
	size_t i;

	memset(b, 0xFF, 192 * 4);
	for (i = 0; i < 4; i++) {
		memset(b + i * 192, 0, 4);   /* arrival timestamp */
		b[i * 192 + 4] = 0x47;
		b[i * 192 + 5] = 0x1F;
		b[i * 192 + 6] = 0xFF;
		b[i * 192 + 7] = 0x10;
	}
	return 192 * 4;
}

/* ------------------------------------------------------------------ */
/* The samples                                                         */
/* ------------------------------------------------------------------ */

typedef struct sample {
	const char *label;
	const char *bytes;                    /* a literal, or NULL */
	size_t len;
	size_t (*build)(unsigned char *buf);  /* or a builder */
	int cut;            /* the content goes on 1000 bytes past the head */
	const char *mime;
	const char *description;              /* NULL: not checked */
} sample;

#define LIT(label, s, mime)      { label, s, sizeof(s) - 1, NULL, 0, mime, NULL }
#define LIT_CUT(label, s, mime)  { label, s, sizeof(s) - 1, NULL, 1, mime, NULL }
#define LIT_D(label, s, mime, d) { label, s, sizeof(s) - 1, NULL, 0, mime, d }
#define BUILT(label, fn, mime)   { label, NULL, 0, fn, 0, mime, NULL }

#define OCTET "application/octet-stream"
#define TEXT  "text/plain"

/* Content each binary and text signature must recognise: at least one
 * sample for every entry of both tables. */
static const sample samples[] = {
	LIT("empty", "", "application/x-empty"),
	LIT("plain text", "Just some notes.\nSecond line.\n", TEXT),
	LIT("random binary", "\x00\x13\x37\xde\xad\xbe\xef", OCTET),

	/* images */
	LIT("PNG", "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01", "image/png"),
	LIT("JPEG", "\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01", "image/jpeg"),
	LIT("GIF87a", "GIF87a\x01\0\x01\0\x80\0\0", "image/gif"),
	LIT("GIF89a", "GIF89a\x01\0\x01\0\x80\0\0", "image/gif"),
	BUILT("BMP", bmp, "image/bmp"),
	BUILT("BMP OS/2", bmp_core, "image/bmp"),
	LIT("TIFF little-endian", "II*\0\x08\0\0\0\x0e\0", "image/tiff"),
	LIT("TIFF big-endian", "MM\0*\0\0\0\x08\0\x0e", "image/tiff"),
	LIT("WebP", "RIFF\x1a\0\0\0WEBPVP8 \x0e\0\0\0", "image/webp"),
	BUILT("ICO", ico, "image/vnd.microsoft.icon"),
	LIT("PSD", "8BPS\0\x01\0\0\0\0\0\0\0\x03", "image/vnd.adobe.photoshop"),
	LIT("PSB", "8BPS\0\x02\0\0\0\0\0\0\0\x03", "image/vnd.adobe.photoshop"),
	LIT("HEIC", "\0\0\0\x18" "ftypheic\0\0\0\0" "mif1heic", "image/heic"),
	LIT("HEIC by compatible brand", "\0\0\0\x18" "ftypmif1\0\0\0\0" "mif1heic",
	    "image/heic"),
	LIT("HEIF", "\0\0\0\x14" "ftypmif1\0\0\0\0" "mif1", "image/heif"),
	LIT("AVIF", "\0\0\0\x1c" "ftypavif\0\0\0\0" "avifmif1miaf", "image/avif"),
	LIT("CR3", "\0\0\0\x18" "ftypcrx \0\0\0\x01" "crx isom",
	    "image/x-canon-cr3"),

	/* audio */
	BUILT("MP3 frames", mp3_frames, "audio/mpeg"),
	BUILT("MP3 MPEG-2 frames", mp3_mpeg2_frames, "audio/mpeg"),
	BUILT("MP3 single frame", mp3_single_frame, "audio/mpeg"),
	LIT("MP3 ID3v2", "ID3\x03\0\0\0\0\0\x0a" "TIT2\0\0\0\x01\0\0", "audio/mpeg"),
	LIT("FLAC behind ID3", "ID3\x04\0\0\0\0\0\x0a" "\0\0\0\0\0\0\0\0\0\0"
	    "fLaC\0\0\0\x22", "audio/flac"),
	LIT("AAC behind ID3", "ID3\x04\0\0\0\0\0\0" "\xff\xf1\x50\x80\x0c\x9f\xfc",
	    "audio/aac"),
	BUILT("AAC ADTS", adts_frames, "audio/aac"),
	LIT("FLAC", "fLaC\0\0\0\x22\x10\0\x10\0", "audio/flac"),
	LIT("Ogg Vorbis", "OggS\0\x02\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0"
	    "\x01\x1e" "\x01vorbis\0\0\0\0\x02", "audio/ogg"),
	LIT("Ogg Opus", "OggS\0\x02\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0"
	    "\x01\x13" "OpusHead\x01\x02", "audio/ogg"),
	LIT("Ogg Theora", "OggS\0\x02\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0"
	    "\x01\x2a" "\x80theora\x03\x02", "video/ogg"),
	LIT("Ogg skeleton", "OggS\0\x02\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0"
	    "\x01\x40" "fishead\0\x03\0", "application/ogg"),
	LIT("WAV", "RIFF\x24\0\0\0WAVEfmt \x10\0\0\0", "audio/wav"),
	LIT("WAV RF64", "RF64\xff\xff\xff\xffWAVEds64", "audio/wav"),

	/* video */
	LIT("AVI", "RIFF\x24\0\0\0" "AVI LIST\x10\0\0\0", "video/x-msvideo"),
	LIT("FLV", "FLV\x01\x05\0\0\0\x09\0\0\0\0", "video/x-flv"),
	LIT("ASF", "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c"
	    "\x00\x10", "video/x-ms-asf"),
	LIT("Matroska", "\x1a\x45\xdf\xa3\x93\x42\x86\x81\x01\x42\x82\x88matroska"
	    "\x42\x87\x81\x04", "video/x-matroska"),
	LIT("WebM", "\x1a\x45\xdf\xa3\x8f\x42\x86\x81\x01\x42\x82\x84webm"
	    "\x42\x87\x81\x04", "video/webm"),
	LIT("MP4", "\0\0\0\x18" "ftypisom\0\0\x02\0" "isomiso2", "video/mp4"),
	LIT("MP4 unknown brand, known compatible", "\0\0\0\x14" "ftypzzzz\0\0\0\0"
	    "mp42", "video/mp4"),
	LIT("MP4 unknown brands", "\0\0\0\x10" "ftypzzzz\0\0\0\0", "video/mp4"),
	LIT("M4V", "\0\0\0\x1c" "ftypM4V \0\0\0\x01" "M4V M4A mp42", "video/x-m4v"),
	LIT("M4A", "\0\0\0\x1c" "ftypM4A \0\0\x02\0" "M4A mp42isom", "audio/mp4"),
	LIT("MOV ftyp", "\0\0\0\x14" "ftypqt  \0\0\x02\0" "qt  ", "video/quicktime"),
	LIT("MOV moov first", "\0\0\0\x08" "moov", "video/quicktime"),
	LIT("MOV mdat first", "\0\0\0\x10" "mdat\0\0\0\0\0\0\0\0", "video/quicktime"),
	LIT("MOV wide then mdat", "\0\0\0\x08" "wide\0\0\0\x10" "mdat\0\0\0\0",
	    "video/quicktime"),
	LIT("MOV free then moov", "\0\0\0\x0c" "free\0\0\0\0\0\0\0\x08" "moov",
	    "video/quicktime"),
	LIT("MOV skip then mdat", "\0\0\0\x08" "skip\0\0\0\0" "mdat",
	    "video/quicktime"),
	LIT("MOV pnot then PICT", "\0\0\0\x14" "pnot\0\0\0\0\0\0\0\0\0\0\0\0"
	    "\0\0\0\x10" "PICT", "video/quicktime"),
	LIT("3GP", "\0\0\0\x14" "ftyp3gp4\0\0\x02\0" "3gp4", "video/3gpp"),
	LIT("3G2", "\0\0\0\x14" "ftyp3g2a\0\0\x02\0" "3g2a", "video/3gpp2"),
	LIT("MPEG-2 PS", "\0\0\x01\xba\x44\0\x04\0\x04\x01\x01\x89\xc3\xf8",
	    "video/mpeg"),
	LIT("MPEG-1 PS", "\0\0\x01\xba\x21\0\x01\0\x01\x80\x1b\x91", "video/mpeg"),
	LIT("MPEG video", "\0\0\x01\xb3\x16\0\xf0\x13\xff\xff\xe0\x18", "video/mpeg"),
	BUILT("MPEG-TS", ts_packets, "video/mp2t"),
	BUILT("M2TS", m2ts_packets, "video/mp2t"),

	/* archives */
	LIT("gzip", "\x1f\x8b\x08\0\0\0\0\0\0\x03\x03\0\0\0\0\0\0\0\0\0",
	    "application/gzip"),
	LIT("bzip2", "BZh91AY&SY\x00\x01\x02\x03", "application/x-bzip2"),
	LIT("bzip2 empty", "BZh9\x17\x72\x45\x38\x50\x90\0\0\0\0",
	    "application/x-bzip2"),
	LIT("xz", "\xfd" "7zXZ\0\0\x04\xe6\xd6\xb4\x46", "application/x-xz"),
	LIT("zstd", "\x28\xb5\x2f\xfd\x24\x05\x29\0\0", "application/zstd"),
	LIT("7z", "7z\xbc\xaf\x27\x1c\0\x04\0\0", "application/x-7z-compressed"),
	LIT("RAR5", "Rar!\x1a\x07\x01\0\x33\x92\xb5\xe5", "application/vnd.rar"),
	LIT("RAR4", "Rar!\x1a\x07\0\xcf\x90\x73\0\0\x0d\0", "application/vnd.rar"),
	BUILT("ZIP", zip_plain, "application/zip"),
	LIT("ZIP empty", "PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
	    "application/zip"),
	BUILT("ZIP spanned", zip_spanned, "application/zip"),
	BUILT("ZIP OOXML of unknown kind", zip_opc_only, "application/zip"),
	BUILT("ZIP unknown mimetype", zip_odf_unknown, "application/zip"),
	BUILT("tar", tar_ustar, "application/x-tar"),
	BUILT("tar GNU", tar_gnu, "application/x-tar"),
	LIT("CAB", "MSCF\0\0\0\0\x2c\x01\0\0", "application/vnd.ms-cab-compressed"),
	BUILT("ISO 9660", iso9660, "application/x-iso9660-image"),
	BUILT("DOCX", zip_docx,
	      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
	BUILT("DOCX by LibreOffice", zip_docx_lo,
	      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
	BUILT("XLSX", zip_xlsx,
	      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
	BUILT("PPTX", zip_pptx,
	      "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
	BUILT("ODT", zip_odt, "application/vnd.oasis.opendocument.text"),
	BUILT("ODT template", zip_ott, "application/vnd.oasis.opendocument.text"),
	BUILT("ODS", zip_ods, "application/vnd.oasis.opendocument.spreadsheet"),
	BUILT("ODP", zip_odp, "application/vnd.oasis.opendocument.presentation"),
	BUILT("ODG", zip_odg, "application/vnd.oasis.opendocument.graphics"),
	BUILT("EPUB", zip_epub, "application/epub+zip"),
	BUILT("JAR", zip_jar, "application/java-archive"),
	BUILT("APK", zip_apk, "application/vnd.android.package-archive"),

	/* executables */
	LIT("ELF", "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3e\0",
	    "application/x-elf"),
	BUILT("PE", pe, "application/vnd.microsoft.portable-executable"),
	BUILT("DOS", dos_exe, "application/x-dosexec"),
	BUILT("MZ with PE offset past the head", mz_far_pe, "application/x-dosexec"),
	LIT_D("Mach-O 32 BE", "\xfe\xed\xfa\xce\0\0\0\x12", "application/x-mach-binary",
	      "Mach-O executable or library"),
	LIT("Mach-O 64 BE", "\xfe\xed\xfa\xcf\x01\0\0\x0c", "application/x-mach-binary"),
	LIT("Mach-O 32 LE", "\xce\xfa\xed\xfe\x07\0\0\0", "application/x-mach-binary"),
	LIT("Mach-O 64 LE", "\xcf\xfa\xed\xfe\x07\0\0\x01", "application/x-mach-binary"),
	LIT_D("Mach-O universal", "\xca\xfe\xba\xbe\0\0\0\x02\x01\0\0\x07",
	      "application/x-mach-binary", "Mach-O universal binary"),
	LIT_D("Mach-O universal 64", "\xca\xfe\xba\xbf\0\0\0\x02\x01\0\0\x07",
	      "application/x-mach-binary", "Mach-O universal binary"),
	LIT("Java class", "\xca\xfe\xba\xbe\0\0\0\x34\0\x1d", "application/java-vm"),
	LIT("Java 1.1 class", "\xca\xfe\xba\xbe\0\x03\0\x2d\0\x1d", "application/java-vm"),
	LIT("DEX", "dex\n035\0\x12\x34\x56\x78", "application/vnd.android.dex"),

	/* Windows */
	LIT("LNK", "\x4c\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0\x46\x9b\0",
	    "application/x-ms-shortcut"),
	LIT("registry hive", "regf\x01\0\0\0\x01\0\0\0", "application/x-ms-registry-hive"),
	LIT("EVTX", "ElfFile\0\0\0\0\0\0\0\0\0", "application/x-ms-evtx"),
	LIT("EVT", "\x30\0\0\0LfLe\x01\0\0\0", "application/x-ms-evt"),
	LIT("OLE2", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0\0\0\0\0",
	    "application/x-ole-storage"),
	LIT("ESE", "\x12\x34\x56\x78\xef\xcd\xab\x89\x20\x06\0\0", "application/x-ms-ese"),
	LIT("prefetch Windows 10", "\x1e\0\0\0SCCA\x11\0\0\0", "application/x-ms-prefetch"),
	LIT("prefetch Windows XP", "\x11\0\0\0SCCA\x0f\0\0\0", "application/x-ms-prefetch"),
	LIT("prefetch compressed", "MAM\x04\x20\x10\0\0", "application/x-ms-prefetch"),

	/* SQLite */
	LIT("SQLite", "SQLite format 3\0\x10\0\x01\x01\0\x40\x20\x20",
	    "application/vnd.sqlite3"),
	LIT("SQLite WAL", "\x37\x7f\x06\x82\0\x2d\xe2\x18\0\0\x10\0",
	    "application/x-sqlite3-wal"),
	LIT("SQLite WAL big-endian checksums", "\x37\x7f\x06\x83\0\x2d\xe2\x18\0\0\x10\0",
	    "application/x-sqlite3-wal"),
	LIT("SQLite journal", "\xd9\xd5\x05\xf9\x20\xa1\x63\xd7\0\0\0\0",
	    "application/x-sqlite3-journal"),

	/* documents and data */
	LIT("PDF", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf"),
	LIT("PDF after junk", "\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%\xe2\n",
	    "application/pdf"),
	LIT("PostScript", "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1 1\n",
	    "application/postscript"),
	LIT("RTF", "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Hello}",
	    "application/rtf"),
	LIT("binary plist", "bplist00\xd1\x01\x02", "application/x-bplist"),
	LIT("Android backup", "ANDROID BACKUP\n5\n1\nnone\n\x78\x9c", "application/x-android-backup"),

	/* text formats */
	LIT("XML", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root a=\"1\"/>\n",
	    "application/xml"),
	LIT("XML declaration only", "<?xml version=\"1.0\"?>", "application/xml"),
	LIT("XML plist", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	    "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	    "<plist version=\"1.0\"><dict/></plist>\n", "application/x-plist"),
	LIT("SVG in XML", "<?xml version=\"1.0\"?>\n<!-- drawn by hand -->\n"
	    "<!DOCTYPE svg [ <!ENTITY a \"b>\"> ]>\n"
	    "<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"/>", "image/svg+xml"),
	LIT("SVG", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\"/>",
	    "image/svg+xml"),
	LIT("XHTML", "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
	    "</html>", "text/html"),
	LIT("HTML doctype", "\n\n  <!DOCTYPE html>\n<html><body>x</body></html>", "text/html"),
	LIT("HTML html", "<HTML>\n<p>x", "text/html"),
	LIT("HTML head", "<head><title>t</title></head>", "text/html"),
	LIT("HTML body", "<body onload=\"x()\">", "text/html"),
	LIT("HTML script", "<script>alert(1)</script>", "text/html"),
	LIT("HTML iframe", "<iframe src=\"x\"></iframe>", "text/html"),
	LIT("HTML h1", "<h1>Title</h1>", "text/html"),
	LIT("HTML div", "<div class=\"a\">x</div>", "text/html"),
	LIT("HTML font", "<font face=\"Arial\">x</font>", "text/html"),
	LIT("HTML table", "<table>\n<tr><td>1</td></tr></table>", "text/html"),
	LIT("HTML a", "<a href=\"http://example.org/\">x</a>", "text/html"),
	LIT("HTML style", "<style>p{}</style>", "text/html"),
	LIT("HTML title", "<title>x</title>", "text/html"),
	LIT("HTML b", "<b>bold</b>", "text/html"),
	LIT("HTML br", "<br>\nline", "text/html"),
	LIT("HTML p", "<p>para", "text/html"),
	LIT("HTML comment", "<!-- saved from url=(0014)about:internet -->\n<html>",
	    "text/html"),
	LIT("UTF-8 BOM HTML", "\xef\xbb\xbf<html>", "text/html"),
	LIT("JSON object", "{\"name\": \"x\", \"n\": -1.5e3, \"ok\": true, "
	    "\"none\": null, \"list\": [1, {\"a\": []}, \"s\\\"q\"]}\n", "application/json"),
	LIT("JSON array", "  [ {\"a\": false}, 2, \"three\" ]  \n", "application/json"),
	LIT("JSON empty object", "{}", "application/json"),
	LIT_CUT("JSON cut in a string", "{\"a\": [1, 2, \"unfinish", "application/json"),
	LIT_CUT("JSON cut in a literal", "[true, fa", "application/json"),
	LIT_CUT("JSON cut in a number", "[1, 2.5", "application/json"),
	LIT("vCard", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nEND:VCARD\r\n",
	    "text/vcard"),
	LIT("vCard lowercase", "begin:vcard\nversion:4.0\nfn:x\nend:vcard\n", "text/vcard"),
	LIT("iCalendar", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
	    "END:VCALENDAR\r\n", "text/calendar"),
	LIT("e-mail", "Return-Path: <a@example.org>\r\nReceived: from x\r\n\tby y\r\n"
	    "From: A <a@example.org>\r\nTo: b@example.org\r\nSubject: hi\r\n"
	    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n", "message/rfc822"),
	LIT("e-mail, headers only", "From: a@example.org\nSubject: x", "message/rfc822"),
	LIT_CUT("e-mail cut in a header", "From: a@example.org\nSubject: x\nX-Spam-Sta",
	        "message/rfc822"),
	LIT("mbox", "From a@example.org Mon Jan  1 00:00:00 2024\nFrom: a@example.org\n"
	    "To: c@example.org\nSubject: x\n\nbody\n", "application/mbox"),
	LIT("PEM", "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n"
	    "-----END CERTIFICATE-----\n", "application/x-pem-file"),
};

#define N_SAMPLES ((int)(sizeof samples / sizeof samples[0]))

/* Content that looks like a format at first sight and must not be taken
 * for it. */
static const sample lookalikes[] = {
	/* truncated magics */
	LIT("3 bytes of PNG", "\x89PN", OCTET),
	LIT_CUT("3 bytes of PNG, content goes on", "\x89PN", OCTET),
	LIT("2 bytes of JPEG", "\xff\xd8", OCTET),
	LIT("4 bytes of GIF", "GIF8", TEXT),
	LIT("half a SQLite magic", "SQLite f", TEXT),
	LIT("RIFF without a form", "RIFF\x24\0\0", OCTET),
	LIT("ftyp without brands", "\0\0\0\x18" "ftyp", OCTET),
	/* weak magics whose checks fail */
	BUILT("BMP with a bad header size", bmp_bad_dib, OCTET),
	LIT("MZ in text", "MZ is two letters, not an executable.\n", TEXT),
	BUILT("ICO with a bad bit depth", ico_bad, OCTET),
	LIT("ICO magic and zeros", "\0\0\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
	    OCTET),
	BUILT("MP3 header with no second frame", mp3_lone_header, OCTET),
	LIT("MP3 reserved bitrate", "\xff\xfb\xf0\x00\0\0\0\0", OCTET),
	LIT("ADTS with no second frame", "\xff\xf1\x50\x80\x0c\x9f\xfc\0\0\0\0\0\0\0",
	    OCTET),
	BUILT("MPEG-TS with a lost sync", ts_broken, OCTET),
	LIT("G at the start of text", "Good morning, this is text.\n", TEXT),
	LIT("free atom then junk", "\0\0\0\x08" "free" "junkjunk", OCTET),
	LIT("class or fat: neither", "\xca\xfe\xba\xbe\0\0\0\0", OCTET),
	LIT("fat64 without architectures", "\xca\xfe\xba\xbf\0\0\0\0", OCTET),
	LIT("gzip reserved flags", "\x1f\x8b\x08\xe0\0\0\0\0", OCTET),
	LIT("bzip2 magic in text", "BZh9 is not a bzip2 stream\n", TEXT),
	LIT("EBML of another doc type", "\x1a\x45\xdf\xa3\x8f\x42\x86\x81\x01"
	    "\x42\x82\x84" "ebml\x42\x87\x81\x04", OCTET),
	LIT("RIFF of another form", "RIFF\x24\0\0\0" "CDXAfmt ", OCTET),
	LIT("Ogg of a future version", "OggS\x01\x02\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0"
	    "\0\0\0\0\x01\x1e", OCTET),
	LIT("ID3 of an unknown version", "ID3\x07\0\0\0\0\0\x0a", OCTET),
	LIT("MPEG pack header of neither version", "\0\0\x01\xba\x00\0\0\0", OCTET),
	LIT("MPEG sequence header of size 0", "\0\0\x01\xb3\0\0\0\x13", OCTET),
	LIT("FLV with reserved flags", "FLV\x01\xff\0\0\0\x09", OCTET),
	LIT("FLAC without STREAMINFO", "fLaC\x04\0\0\x22", OCTET),
	LIT("ELF of an unknown class", "\x7f" "ELF\x09\x01\x01\0", OCTET),
	LIT("DEX without a version", "dex\nabc\0", OCTET),
	LIT("prefetch of an unknown version", "\x99\0\0\0SCCA", OCTET),
	LIT("WAL of another version", "\x37\x7f\x06\x82\0\0\0\x01", OCTET),
	/* text that looks like a text format */
	LIT("%PDF- mentioned in text", "The magic is %PDF- then a version.\n", TEXT),
	LIT("bracketed text", "[1] Introduction\n", TEXT),
	LIT("braces in text", "{ not json }\n", TEXT),
	LIT("JSON then more", "{\"a\": 1} and more\n", TEXT),
	LIT("JSON unfinished", "{\"a\": [1, 2", TEXT),
	LIT("JSON bad key", "{a: 1}", TEXT),
	LIT("JSON control in string", "[\"a\tb\"]", TEXT),
	LIT("YAML", "title: notes\nauthor: me\n", TEXT),
	LIT("one mail header", "Subject: shopping list\n\neggs\n", TEXT),
	LIT("From in prose", "From here on, things change.\nTo be continued.\n", TEXT),
	LIT("mbox continuing nothing", "From a@example.org Mon Jan  1 00:00:00 2024\n"
	    " From: a@example.org\nTo: b@example.org\n", TEXT),
	LIT("tag-like text", "<bob> said hi\n", TEXT),
	LIT("comment without a blank", "<!--x-->", TEXT),
	LIT("lone <", "<", TEXT),
	LIT("XML-ish without a root", "<?xml version=\"1.0\"?> text", "application/xml"),
	LIT("UTF-16 HTML is just text", "\xff\xfe<\0h\0t\0m\0l\0>\0", TEXT),
};

#define N_LOOKALIKES ((int)(sizeof lookalikes / sizeof lookalikes[0]))

static unsigned char work[WORK_SIZE];

/* sample_bytes — the sample's content in work; returns its length. */
static size_t sample_bytes(const sample *s)
{
	if (s->build)
		return s->build(work);
	memcpy(work, s->bytes, s->len);
	return s->len;
}

static uint64_t sample_total(const sample *s, size_t len)
{
	return s->cut ? len + 1000 : len;
}

static void check_sample(const sample *s)
{
	size_t len = sample_bytes(s);
	const sniff_type *type = sniff_bytes(work, len, sample_total(s, len));

	ck_assert_msg(strcmp(type->mime_type, s->mime) == 0,
	              "%s: got %s, want %s", s->label, type->mime_type, s->mime);
	if (s->description)
		ck_assert_str_eq(type->description, s->description);
}

START_TEST(test_sample_identified)
{
	check_sample(&samples[_i]);
}
END_TEST

START_TEST(test_lookalike_not_fooled)
{
	check_sample(&lookalikes[_i]);
}
END_TEST

/*
 * Every prefix of a sample, as whole content and as the head of longer
 * content, is sniffed from bytes that end at the guard page.  Long samples
 * are sampled with a stride past their first 2 KiB.
 */
static void sweep_prefixes(const sample *s)
{
	size_t len = sample_bytes(s), n;
	guarded g = guarded_open(len);

	for (n = 0; n <= len; n += n < 2048 ? 1 : 509) {
		ck_assert_ptr_nonnull(guarded_sniff(&g, work, n, n));
		ck_assert_ptr_nonnull(guarded_sniff(&g, work, n, len));
		ck_assert_ptr_nonnull(guarded_sniff(&g, work, n, (uint64_t)len + 1000));
	}
	ck_assert_ptr_nonnull(guarded_sniff(&g, work, len, len));
	guarded_close(&g);
}

START_TEST(test_sample_prefixes_stay_in_head)
{
	sweep_prefixes(&samples[_i]);
}
END_TEST

START_TEST(test_lookalike_prefixes_stay_in_head)
{
	sweep_prefixes(&lookalikes[_i]);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Edge cases                                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_empty)
{
	ck_assert_str_eq(sniff_content(NULL, 0, 0)->mime_type, "application/x-empty");
	ck_assert_str_eq(sniff_content((const unsigned char *)"", 0, 0)->mime_type,
	                 "application/x-empty");
	/* content with no head to look at cannot be told */
	ck_assert_str_eq(sniff_content(NULL, 0, 4096)->mime_type, OCTET);
	/* a NULL head is no head, whatever length comes with it */
	ck_assert_str_eq(sniff_content(NULL, 10, 10)->mime_type, OCTET);
}
END_TEST

/* Every single byte: text when it is a printable ASCII character or a
 * control character text uses, binary otherwise. */
START_TEST(test_one_byte)
{
	unsigned c;
	unsigned char b;
	const char *mime;
	int text;

	for (c = 0; c < 256; c++) {
		b = (unsigned char)c;
		text = (c >= 0x20 && c < 0x7F) || (c >= 0x07 && c <= 0x0D) || c == 0x1B;
		mime = sniff_bytes(&b, 1, 1)->mime_type;
		ck_assert_msg(strcmp(mime, text ? TEXT : OCTET) == 0,
		              "byte 0x%02x: %s", c, mime);
	}
}
END_TEST

START_TEST(test_one_byte_head_of_longer_content)
{
	/* a lead byte alone may be a character cut by the end of the head */
	ck_assert_str_eq(sniff_bytes("\xc3", 1, 2)->mime_type, TEXT);
	ck_assert_str_eq(sniff_bytes("\xc3", 1, 1)->mime_type, OCTET);
	/* a continuation byte cannot start a character */
	ck_assert_str_eq(sniff_bytes("\x80", 1, 2)->mime_type, OCTET);
	ck_assert_str_eq(sniff_bytes("\x89", 1, 100)->mime_type, OCTET);
	ck_assert_str_eq(sniff_bytes("{", 1, 100)->mime_type, "application/json");
	ck_assert_str_eq(sniff_bytes("{", 1, 1)->mime_type, TEXT);
}
END_TEST

START_TEST(test_utf8_text)
{
	ck_assert_str_eq(MIME("h\xc3\xa9llo w\xc3\xb6rld \xe2\x82\xac \xf0\x9d\x84\x9e\n"), TEXT);
	ck_assert_str_eq(MIME("\xef\xbb\xbfwith a byte-order mark\n"), TEXT);
	ck_assert_str_eq(MIME("tab\tcr\r\nff\f bell\a bs\b esc\x1b[1m vt\v"), TEXT);
	ck_assert_str_eq(MIME("C1 control \xc2\x85 is valid UTF-8"), TEXT);
	/* not UTF-8: Latin-1, overlong forms, surrogates, past U+10FFFF */
	ck_assert_str_eq(MIME("caf\xe9 au lait\n"), OCTET);
	ck_assert_str_eq(MIME("slash \xc0\xaf overlong"), OCTET);
	ck_assert_str_eq(MIME("\xe0\x80\xaf overlong"), OCTET);
	ck_assert_str_eq(MIME("\xf0\x80\x80\xaf overlong"), OCTET);
	ck_assert_str_eq(MIME("surrogate \xed\xa0\x80"), OCTET);
	ck_assert_str_eq(MIME("too high \xf4\x90\x80\x80"), OCTET);
	ck_assert_str_eq(MIME("\xf5\x80\x80\x80"), OCTET);
	ck_assert_str_eq(MIME("bad continuation \xe2\x28\xa1"), OCTET);
	/* control characters that text does not use */
	ck_assert_str_eq(MIME("nul\0inside"), OCTET);
	ck_assert_str_eq(MIME("del\x7f"), OCTET);
	ck_assert_str_eq(MIME("soh\x01"), OCTET);
}
END_TEST

/* A character cut by the end of the head is forgiven only when the
 * content goes on past it. */
START_TEST(test_utf8_cut_at_head_end)
{
	ck_assert_str_eq(MIME_CUT("price: \xe2\x82"), TEXT);
	ck_assert_str_eq(MIME("price: \xe2\x82"), OCTET);
	ck_assert_str_eq(MIME_CUT("clef \xf0\x9d\x84"), TEXT);
	ck_assert_str_eq(MIME_CUT("clef \xf0"), TEXT);
	ck_assert_str_eq(MIME("clef \xf0"), OCTET);
	/* what is there must still be valid */
	ck_assert_str_eq(MIME_CUT("bad \xe2\x28"), OCTET);
	ck_assert_str_eq(MIME_CUT("overlong \xe0\x80"), OCTET);
	/* a total smaller than the head is taken as the head */
	ck_assert_str_eq(sniff_bytes("ab\xc3", 3, 1)->mime_type, OCTET);
}
END_TEST

START_TEST(test_utf16_text)
{
	ck_assert_str_eq(MIME("\xff\xfeh\0i\0 \0\xac\x20\n\0"), TEXT);
	ck_assert_str_eq(MIME("\xfe\xff\0h\0i\x20\xac\0\n"), TEXT);
	ck_assert_str_eq(MIME("\xff\xfe\x34\xd8\x1e\xdd"), TEXT);  /* U+1D11E */
	ck_assert_str_eq(MIME("\xff\xfe"), TEXT);                  /* BOM alone */
	/* lone or reversed surrogates, NUL units, an odd byte at the end */
	ck_assert_str_eq(MIME("\xff\xfe\x1e\xdd\x34\xd8"), OCTET);
	ck_assert_str_eq(MIME("\xff\xfe\x34\xd8h\0"), OCTET);
	ck_assert_str_eq(MIME("\xff\xfeh\0\0\0"), OCTET);
	ck_assert_str_eq(MIME("\xff\xfeh\0i"), OCTET);
	/* cut by the end of the head: forgiven when the content goes on */
	ck_assert_str_eq(MIME_CUT("\xff\xfeh\0i"), TEXT);
	ck_assert_str_eq(MIME_CUT("\xff\xfeh\0\x34\xd8"), TEXT);
	ck_assert_str_eq(MIME("\xff\xfeh\0\x34\xd8"), OCTET);
}
END_TEST

START_TEST(test_head_longer_than_limit)
{
	size_t len = SNIFF_HEAD_BYTES + 1000;
	unsigned char *buf = malloc(len);

	ck_assert_ptr_nonnull(buf);
	memset(buf, 'a', len);
	ck_assert_str_eq(sniff_content(buf, len, len)->mime_type, TEXT);
	/* past the limit nothing is looked at: a NUL there changes nothing */
	buf[len - 1] = '\0';
	ck_assert_str_eq(sniff_content(buf, len, len)->mime_type, TEXT);
	memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
	ck_assert_str_eq(sniff_content(buf, len, len)->mime_type, "image/png");
	free(buf);
}
END_TEST

START_TEST(test_iso_needs_its_sector)
{
	size_t len = iso9660(work);

	ck_assert_str_eq(sniff_bytes(work, len, len)->mime_type,
	                 "application/x-iso9660-image");
	/* a head that stops before the volume descriptor cannot tell */
	ck_assert_str_eq(sniff_bytes(work, 32770, len)->mime_type, OCTET);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Extension mismatch                                                  */
/* ------------------------------------------------------------------ */

static const sniff_type *type_of(const sample *table, int count,
                                 const char *label)
{
	int i;
	size_t len;

	for (i = 0; i < count; i++) {
		if (strcmp(table[i].label, label) != 0)
			continue;
		len = sample_bytes(&table[i]);
		return sniff_bytes(work, len, sample_total(&table[i], len));
	}
	ck_abort_msg("no sample %s", label);
	return NULL;
}

#define TYPE_OF(label) type_of(samples, N_SAMPLES, label)

START_TEST(test_mismatch_cases)
{
	const sniff_type *png = TYPE_OF("PNG"), *jpeg = TYPE_OF("JPEG");
	const sniff_type *docx = TYPE_OF("DOCX"), *gzip = TYPE_OF("gzip");

	ck_assert_int_eq(sniff_extension_mismatch(png, "notes.txt"), 1);
	ck_assert_int_eq(sniff_extension_mismatch(jpeg, "photo.JPG"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(jpeg, "photo.jpeg"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(jpeg, "photo.Jpeg"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(jpeg, "Makefile"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(gzip, "archive.tar.gz"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(gzip, "archive.TAR.GZ"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, ".bashrc"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "home/user/.bashrc"), 0);
	/* a DOCX is a ZIP: .zip is usual for it, .pdf is not */
	ck_assert_int_eq(sniff_extension_mismatch(docx, "report.zip"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(docx, "report.docx"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(docx, "report.pdf"), 1);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("APK"), "app.jar"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("APK"), "app.zip"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("APK"), "app.exe"), 1);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("WebM"), "clip.mkv"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("Matroska"), "clip.webm"), 1);
}
END_TEST

START_TEST(test_mismatch_generic_types_never_flag)
{
	static const char *const names[] = {
		"photo.jpg", "setup.exe", "notes.txt", "a.pdf", NULL };
	static const char *const labels[] = {
		"empty", "plain text", "random binary", "HTML p", "XML", "JSON array",
		"e-mail", "PEM", "vCard", "registry hive", NULL };
	size_t i, j;

	for (i = 0; labels[i]; i++)
		for (j = 0; names[j]; j++)
			ck_assert_msg(sniff_extension_mismatch(TYPE_OF(labels[i]), names[j]) == 0,
			              "%s named %s", labels[i], names[j]);
}
END_TEST

START_TEST(test_mismatch_what_is_an_extension)
{
	const sniff_type *png = TYPE_OF("PNG");

	ck_assert_int_eq(sniff_extension_mismatch(png, "image.png"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "C:\\Users\\x\\IMG.PNG"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "C:\\Users\\x.y\\IMG"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "dir.d/Makefile"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "dir.d/image.gif"), 1);
	ck_assert_int_eq(sniff_extension_mismatch(png, ".hidden.gif"), 1);
	ck_assert_int_eq(sniff_extension_mismatch(png, ".hidden.png"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "trailing."), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, ""), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "."), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "dir/"), 0);
	/* numbers are parts or versions, not types */
	ck_assert_int_eq(sniff_extension_mismatch(png, "image.001"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("ELF"), "libc.so.6"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("ELF"), "libfoo.so"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("ELF"), "invoice.pdf"), 1);
	/* what is not an extension */
	ck_assert_int_eq(sniff_extension_mismatch(png, "backup.png~"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, "My Document.final version"), 0);
	/* '-' belongs to extensions such as db-wal */
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("SQLite WAL"),
	                                          "msgstore.db-wal"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("SQLite WAL"), "holiday.jpg"), 1);
	ck_assert_int_eq(sniff_extension_mismatch(TYPE_OF("SQLite"), "History.db"), 0);
	/* NULLs */
	ck_assert_int_eq(sniff_extension_mismatch(NULL, "x.png"), 0);
	ck_assert_int_eq(sniff_extension_mismatch(png, NULL), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The type table                                                      */
/* ------------------------------------------------------------------ */

static int in_table(const sniff_type *t)
{
	size_t i;

	for (i = 0; sniff_type_at(i); i++)
		if (sniff_type_at(i) == t)
			return 1;
	return 0;
}

START_TEST(test_types_well_formed)
{
	const sniff_type *t, *up;
	const char *const *ext;
	const char *c;
	char name[64];
	size_t i, steps;

	ck_assert_ptr_nonnull(sniff_type_at(0));
	for (i = 0; (t = sniff_type_at(i)); i++) {
		ck_assert_ptr_nonnull(t->mime_type);
		ck_assert_ptr_nonnull(strchr(t->mime_type, '/'));
		ck_assert_ptr_nonnull(t->description);
		ck_assert_uint_gt(strlen(t->description), 0);
		ck_assert_ptr_nonnull(t->extensions);
		for (ext = t->extensions; *ext; ext++) {
			ck_assert_uint_gt(strlen(*ext), 0);
			for (c = *ext; *c; c++)
				ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
				              *c == '-', "%s: extension %s", t->mime_type, *ext);
			/* every usual extension is usual */
			snprintf(name, sizeof name, "x.%s", *ext);
			ck_assert_int_eq(sniff_extension_mismatch(t, name), 0);
		}
		for (up = t->parent, steps = 0; up; up = up->parent, steps++) {
			ck_assert(in_table(up));
			ck_assert_uint_lt(steps, 8);   /* no cycle */
		}
	}
	ck_assert_uint_gt(i, 50);
}
END_TEST

/* Every type the sniffer can answer is the answer to some sample. */
START_TEST(test_every_type_has_a_sample)
{
	const sniff_type *t;
	size_t i, len;
	int j, found;

	for (i = 0; (t = sniff_type_at(i)); i++) {
		found = 0;
		for (j = 0; j < N_SAMPLES && !found; j++) {
			len = sample_bytes(&samples[j]);
			found = sniff_bytes(work, len, sample_total(&samples[j], len)) == t;
		}
		ck_assert_msg(found, "no sample answers %s (%s)", t->mime_type,
		              t->description);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Many threads at once                                                */
/* ------------------------------------------------------------------ */

#define THREADS 8
#define ROUNDS  20

typedef struct prepared {
	unsigned char *bytes;
	size_t len;
	uint64_t total;
	const sniff_type *answer;
} prepared;

static prepared prepared_samples[N_SAMPLES];

static void *sniff_all_rounds(void *arg)
{
	int round, i, *failures = arg;
	const prepared *s;

	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < N_SAMPLES; i++) {
			s = &prepared_samples[(i + round) % N_SAMPLES];
			if (sniff_content(s->bytes, s->len, s->total) != s->answer)
				(*failures)++;
		}
	}
	return NULL;
}

START_TEST(test_threads_agree)
{
	pthread_t threads[THREADS];
	int failures[THREADS] = { 0 };
	int i;
	size_t len;

	for (i = 0; i < N_SAMPLES; i++) {
		len = sample_bytes(&samples[i]);
		prepared_samples[i].bytes = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(prepared_samples[i].bytes);
		memcpy(prepared_samples[i].bytes, work, len);
		prepared_samples[i].len = len;
		prepared_samples[i].total = sample_total(&samples[i], len);
		prepared_samples[i].answer = sniff_content(work, len,
		                                           prepared_samples[i].total);
	}
	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, sniff_all_rounds,
		                                &failures[i]), 0);
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
		ck_assert_int_eq(failures[i], 0);
	}
	for (i = 0; i < N_SAMPLES; i++)
		free(prepared_samples[i].bytes);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *sniff_suite(void)
{
	Suite *s = suite_create("sniff");
	TCase *samples_case = tcase_create("samples");
	TCase *edges = tcase_create("edges");
	TCase *mismatch = tcase_create("mismatch");
	TCase *table = tcase_create("table");

	tcase_add_loop_test(samples_case, test_sample_identified, 0, N_SAMPLES);
	tcase_add_loop_test(samples_case, test_lookalike_not_fooled, 0, N_LOOKALIKES);
	tcase_add_loop_test(samples_case, test_sample_prefixes_stay_in_head, 0, N_SAMPLES);
	tcase_add_loop_test(samples_case, test_lookalike_prefixes_stay_in_head, 0,
	                    N_LOOKALIKES);
	suite_add_tcase(s, samples_case);

	tcase_add_test(edges, test_empty);
	tcase_add_test(edges, test_one_byte);
	tcase_add_test(edges, test_one_byte_head_of_longer_content);
	tcase_add_test(edges, test_utf8_text);
	tcase_add_test(edges, test_utf8_cut_at_head_end);
	tcase_add_test(edges, test_utf16_text);
	tcase_add_test(edges, test_head_longer_than_limit);
	tcase_add_test(edges, test_iso_needs_its_sector);
	tcase_add_test(edges, test_threads_agree);
	suite_add_tcase(s, edges);

	tcase_add_test(mismatch, test_mismatch_cases);
	tcase_add_test(mismatch, test_mismatch_generic_types_never_flag);
	tcase_add_test(mismatch, test_mismatch_what_is_an_extension);
	suite_add_tcase(s, mismatch);

	tcase_add_test(table, test_types_well_formed);
	tcase_add_test(table, test_every_type_has_a_sample);
	suite_add_tcase(s, table);
	return s;
}

int main(void)
{
	return check_run_suite(sniff_suite());
}

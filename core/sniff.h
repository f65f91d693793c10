/*
 * sniff.h — tell what kind of content an item holds from its first bytes.
 *
 * The pipeline reads every item once; the first SNIFF_HEAD_BYTES of it (or
 * fewer, for a shorter item) go through sniff_content(), whose answer picks
 * the analyzer plugins and is stored in the case.  Evidence is hostile, so
 * the sniffer promises:
 *
 *   - it reads the head and nothing else: never a byte at or past head_len,
 *     whatever the content claims about its own sizes and offsets;
 *   - it always answers, with a type that lives for the whole program, and
 *     never NULL: "application/x-empty" for no content at all,
 *     "text/plain" for text without a more precise type, and
 *     "application/octet-stream" for anything else it does not know;
 *   - it keeps no state, allocates nothing and locks nothing, so any number
 *     of worker threads may call it at once;
 *   - it is deterministic: the same bytes and size give the same answer.
 *
 * Binary formats are recognised by their magic bytes from the format's
 * specification, checked further where a magic alone is too weak (BMP, ICO,
 * MP3 frames, MPEG-TS, ...) or shared by several formats (ZIP-based office
 * documents, ISO media brands, RIFF and Ogg payloads, Matroska doc types).
 * Text is UTF-8 (ASCII included) or UTF-16 with a byte-order mark; UTF-8 text
 * is then looked at for a markup, data or message format (HTML, XML, JSON,
 * e-mail, ...).  Text in legacy 8-bit encodings (Latin-1, Windows-1252) is
 * not valid UTF-8 and is reported as application/octet-stream.
 */
#ifndef EXHIBIT_SNIFF_H
#define EXHIBIT_SNIFF_H

#include <stddef.h>
#include <stdint.h>

/* How much of the start of the content callers pass in.  Enough to reach
 * the ISO 9660 volume descriptor at 32 KiB and the entries near the start
 * of a ZIP archive.  A longer head is looked at only up to this length. */
#define SNIFF_HEAD_BYTES 65536

typedef struct sniff_type {
	const char *mime_type;          /* e.g. "image/jpeg", "application/vnd.sqlite3" */
	const char *description;        /* e.g. "JPEG image" */
	const char *const *extensions;  /* NULL-terminated list of usual extensions,
	                                 * lowercase, without dot; may be empty */
	/* The more general type this one is a kind of, or NULL: a DOCX is a
	 * ZIP, a WebM is a Matroska, HTML is text.  A name usual for the
	 * parent is not a mismatch for the child (see below). */
	const struct sniff_type *parent;
} sniff_type;

/*
 * sniff_content — identify content from its first bytes.
 *
 * head, head_len: the first bytes of the content; head_len <= SNIFF_HEAD_BYTES
 *   and may be shorter than the content.  head may be NULL when head_len is 0.
 * total_size: the size of the whole content.  When it is larger than
 *   head_len the head is a prefix, and a multi-byte character or a structure
 *   cut at the end of the head is not held against the content.  A total
 *   smaller than head_len is taken as head_len.
 *
 * RETURN: the type, never NULL.  Empty content (head_len and total_size 0)
 *   is "application/x-empty"; content with no head to look at is
 *   "application/octet-stream".  Text is "text/plain" (or a text format)
 *   only when the head is valid UTF-8, or valid UTF-16 after a byte-order
 *   mark; the charset is not part of the answer.
 */
const sniff_type *sniff_content(const unsigned char *head, size_t head_len,
                                uint64_t total_size);

/*
 * sniff_extension_mismatch — does a file name's extension contradict its
 * content?  A hint for the reviewer that a file may have been disguised.
 *
 * The extension is what follows the last dot of the last path component
 * ('/' or '\\'), compared without regard to ASCII case.  A name has no
 * extension when that dot is the first character (".bashrc"), or the last,
 * or when what follows it is only digits (a version or part number, as in
 * "libc.so.6" or "image.001"), or has characters other than letters,
 * digits, '-', '_' and '+'.
 *
 * RETURN: 1 when the name has an extension, the type or one of its parents
 *   lists usual extensions, and none of them is the name's; 0 otherwise.
 *   So a type or parent without usual extensions never flags a mismatch:
 *   application/octet-stream, application/x-empty, text/plain, and every
 *   text format (HTML, XML, JSON, e-mail, ...) since text is kept under any
 *   name.  A DOCX named ".zip" is not a mismatch: it is a ZIP.  type and
 *   name may be NULL (0).
 */
int sniff_extension_mismatch(const sniff_type *type, const char *name);

/*
 * sniff_type_at — every type the sniffer can answer, one by one, for
 * listings and for checking plugin declarations against known types.
 *
 * RETURN: the index-th type, or NULL when index is past the last one.
 */
const sniff_type *sniff_type_at(size_t index);

#endif

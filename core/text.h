/*
 * text.h — turning bytes from evidence into text the case can hold.
 *
 * Names, header values and metadata from evidence are untrusted bytes.
 * The case stores UTF-8; bytes that are not valid UTF-8 and control
 * characters are kept as \xNN escapes, never dropped, so nothing the
 * evidence said is lost and nothing it said can break a terminal or a
 * report.  (A literal backslash is kept as is: the escape is for display
 * and search, the raw bytes stay in the evidence.)
 */
#ifndef EXHIBIT_TEXT_H
#define EXHIBIT_TEXT_H

#include <stddef.h>

#include "exhibit/utf8.h" /* exhibit_utf8_sequence: what counts as valid */

/* text_escape_utf8 — a malloc'd, NUL-terminated, escaped copy; NULL on OOM. */
char *text_escape_utf8(const char *bytes, size_t len);


/* text_json_escape — a malloc'd copy of UTF-8 text quoted for JSON. */
char *text_json_escape(const char *s);

#endif

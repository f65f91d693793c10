/*
 * media_text.h — bytes from media files turned into text the case can
 * hold: UTF-8 kept, anything else (invalid bytes, control characters)
 * escaped as \xNN so nothing is dropped; Latin-1 and UTF-16 converted.
 * Every function returns a malloc'd NUL-terminated string, or NULL when
 * out of memory; the input is read only within len.
 */
#ifndef EXHIBIT_MEDIA_TEXT_H
#define EXHIBIT_MEDIA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* media_text_escape — bytes that should be UTF-8, escaped where not. */
char *media_text_escape(const void *bytes, size_t len);

/* media_text_latin1 — ISO 8859-1 bytes (PNG tEXt) as UTF-8. */
char *media_text_latin1(const void *bytes, size_t len);

/* media_text_utf16 — UTF-16 (big_endian or little) as UTF-8; a lone
 * surrogate becomes U+FFFD; a NUL code unit ends the text. */
char *media_text_utf16(const void *bytes, size_t len, bool big_endian);

/* media_text_trimmed_length — len without trailing NULs, spaces and
 * control characters (fixed-size fields padded by writers). */
size_t media_text_trimmed_length(const void *bytes, size_t len);

#endif

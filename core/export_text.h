/*
 * export_text.h — bytes from the case made safe for XML, JSON and CSV.
 *
 * Names and paths came from evidence: any byte may be there, valid UTF-8
 * or not.  These writers take raw bytes and always produce well-formed
 * output, following the case's own convention (text.h): a byte that is
 * not valid UTF-8, or a control character the format cannot carry, is
 * kept as the four characters \xNN; nothing is dropped.  A literal
 * backslash stays as it is.
 *
 *   XML:  & < > " ' as entities; tab, LF and CR as character references
 *         (so they survive attribute-value normalisation); other C0 and C1
 *         controls, DEL, U+FFFE and U+FFFF (not XML 1.0 characters) as \xNN.
 *   JSON: a quoted string; " and \ escaped, C0, DEL and C1 controls and
 *         U+2028/U+2029 as \uXXXX.
 *   CSV:  one RFC 4180 field, always quoted, quotes doubled; NUL as \x00.
 *         With the formula guard, text a spreadsheet would evaluate
 *         (starting with = + - @ tab or CR) gets a leading apostrophe.
 */
#ifndef EXHIBIT_EXPORT_TEXT_H
#define EXHIBIT_EXPORT_TEXT_H

#include <stddef.h>

#include "export_sink.h"

void export_xml_text(export_sink *s, const char *bytes, size_t len);
void export_json_string(export_sink *s, const char *bytes, size_t len);
void export_csv_field(export_sink *s, const char *bytes, size_t len, int formula_guard);

/* NUL-terminated conveniences (NULL writes nothing, or null / an empty
 * field). */
void export_xml_str(export_sink *s, const char *text);
void export_json_str(export_sink *s, const char *text);

#endif

/*
 * export_names.h — a name from evidence made into a safe file name.
 *
 * Extracted files are written under names that came from the suspect's
 * device.  A safe name is one path component that:
 *   - is valid UTF-8 (a byte that is not becomes '_');
 *   - holds no '/', no NUL, no C0 or C1 control, no DEL, no Unicode
 *     direction override (which disguises extensions), and none of
 *     \ : * ? " < > | (which Windows refuses: exports travel);
 *   - is not empty, ".", ".." or anything ending in a dot or a space
 *     (trailing dots and spaces become '_', so ".." is "__");
 *   - is not a Windows device name (CON, NUL, COM1, LPT1, ... with or
 *     without an extension): those get a leading '_';
 *   - is at most EXPORT_NAME_MAX bytes, cut at a character boundary with
 *     the extension kept, leaving room for the markers below.
 * Every replacement is a single '_', so a name stays recognisable; the
 * original is kept in the export's manifest.
 */
#ifndef EXHIBIT_EXPORT_NAMES_H
#define EXHIBIT_EXPORT_NAMES_H

#include <stddef.h>

/* Longest sanitised name, in bytes: NAME_MAX (255) less room for markers. */
#define EXPORT_NAME_MAX 200

/* export_name_sanitise — a malloc'd safe name for the component bytes[0..len);
 * NULL on OOM. */
char *export_name_sanitise(const char *bytes, size_t len);

/*
 * export_name_mark — a malloc'd copy of name with " (marker)" before its
 * extension: ("photo.jpg", "deleted") gives "photo (deleted).jpg".  The
 * extension is what follows the last '.', when that is not the first
 * character and is at most 16 bytes.  NULL on OOM.
 */
char *export_name_mark(const char *name, const char *marker);

#endif

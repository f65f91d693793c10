/*
 * media_time.h — the times media files state, read and converted.
 *
 * Files give times in many shapes: EXIF "YYYY:MM:DD HH:MM:SS" in local
 * time of an unknown zone (with a separate "+HH:MM" offset since EXIF
 * 2.31), ISO 8601 text with or without a zone (XMP, QuickTime keys),
 * seconds since 1904 (QuickTime/ISO BMFF, UTC), 100 ns ticks since 1601
 * (ASF, UTC), nanoseconds since 2001 (Matroska, UTC).  A media_datetime
 * keeps the calendar fields and whether the zone is known, so a local
 * time is never passed off as UTC.
 */
#ifndef EXHIBIT_MEDIA_TIME_H
#define EXHIBIT_MEDIA_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media.h"

/* Seconds between the epochs and 1970-01-01T00:00:00Z. */
#define MEDIA_EPOCH_1904 INT64_C(2082844800)
#define MEDIA_EPOCH_1601 INT64_C(11644473600)
#define MEDIA_EPOCH_2001 INT64_C(978307200)

/*
 * media_datetime_parse — "YYYY:MM:DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS",
 * with optional fraction and zone ("Z", "+HH:MM", "+HHMM", "+HH"); a date
 * alone is midnight.  Trailing NULs and spaces are ignored.
 * RETURN: false when the text is not such a time or a field is out of range.
 */
bool media_datetime_parse(const char *text, size_t len, media_datetime *out);

/* media_zone_parse — "+HH:MM", "-HHMM", "Z": minutes east of UTC. */
bool media_zone_parse(const char *text, size_t len, int *minutes);

/* media_datetime_from_unix — the UTC calendar time of Unix seconds. */
media_datetime media_datetime_from_unix(int64_t seconds);

/* media_datetime_unix — Unix seconds of a time with a known zone (a
 * local time is taken as UTC: callers check has_zone). */
int64_t media_datetime_unix(const media_datetime *dt);

/* media_datetime_local_text — "YYYY-MM-DDTHH:MM:SS" as written. */
void media_datetime_local_text(const media_datetime *dt, char out[32]);

#endif

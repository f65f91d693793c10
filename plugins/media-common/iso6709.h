/*
 * iso6709.h — a geographic point written as ISO 6709 text, the way
 * QuickTime (udta ©xyz, com.apple.quicktime.location.ISO6709), Android
 * and 3GPP files carry it: "+48.8577+002.2950/",
 * "+4851.462+00217.70+035.0/", "+485127.72+0021742.0CRSWGS_84/".
 */
#ifndef EXHIBIT_ISO6709_H
#define EXHIBIT_ISO6709_H

#include <stdbool.h>
#include <stddef.h>

typedef struct iso6709_point {
	double latitude;  /* degrees, north positive */
	double longitude; /* degrees, east positive */
	bool has_altitude;
	double altitude;  /* metres */
} iso6709_point;

/*
 * iso6709_parse — latitude (±DD[.D], ±DDMM[.M] or ±DDMMSS[.S]), then
 * longitude (±DDD…, ±DDDMM…, ±DDDMMSS…), then an optional altitude, then
 * an optional CRS and '/'.  RETURN: false when the text is not such a
 * point or a value is out of range (|lat| > 90, |lon| > 180, minutes or
 * seconds >= 60).
 */
bool iso6709_parse(const char *text, size_t len, iso6709_point *out);

#endif

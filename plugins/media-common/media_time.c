/*
 * media_time.c — see media_time.h.
 */
#include "media_time.h"

#include <stdio.h>

/* Days from 1970-01-01 to year-month-day, proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly n digits at *p (within end). */
static bool digits(const char **p, const char *end, int n, int *value)
{
	int v = 0;

	if (end - *p < n)
		return false;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*value = v;
	return true;
}

static bool expect(const char **p, const char *end, const char *any_of)
{
	if (*p >= end)
		return false;
	for (const char *c = any_of; *c; c++) {
		if (**p == *c) {
			(*p)++;
			return true;
		}
	}
	return false;
}

static const char *trim_end(const char *text, const char *end)
{
	while (end > text && (end[-1] == '\0' || end[-1] == ' ' || end[-1] == '\n' ||
	                      end[-1] == '\r' || end[-1] == '\t'))
		end--;
	return end;
}

bool media_zone_parse(const char *text, size_t len, int *minutes)
{
	const char *p = text, *end = trim_end(text, text + len);
	int sign, hh, mm = 0;

	if (end - p == 1 && (*p == 'Z' || *p == 'z')) {
		*minutes = 0;
		return true;
	}
	if (p >= end || (*p != '+' && *p != '-'))
		return false;
	sign = *p++ == '-' ? -1 : 1;
	if (!digits(&p, end, 2, &hh))
		return false;
	if (p < end) {
		if (*p == ':')
			p++;
		if (!digits(&p, end, 2, &mm))
			return false;
	}
	if (p != end || hh > 14 || mm > 59)
		return false;
	*minutes = sign * (hh * 60 + mm);
	return true;
}

static bool valid(const media_datetime *dt)
{
	return dt->year >= 1 && dt->month >= 1 && dt->month <= 12 && dt->day >= 1 &&
	       dt->day <= days_in_month(dt->year, dt->month) && dt->hour <= 23 &&
	       dt->minute <= 59 && dt->second <= 60;
}

static void read_fraction(const char **p, const char *end, media_datetime *dt)
{
	int scale = 100000000;

	if (*p >= end || (**p != '.' && **p != ','))
		return;
	(*p)++;
	while (*p < end && **p >= '0' && **p <= '9') {
		dt->nanosecond += (**p - '0') * scale;
		scale /= 10;
		(*p)++;
	}
}

bool media_datetime_parse(const char *text, size_t len, media_datetime *out)
{
	const char *p = text, *end = trim_end(text, text + len);
	media_datetime dt = { 0, 0, 0, 0, 0, 0, 0, false, 0 };

	if (!digits(&p, end, 4, &dt.year) || !expect(&p, end, ":-") ||
	    !digits(&p, end, 2, &dt.month) || !expect(&p, end, ":-") ||
	    !digits(&p, end, 2, &dt.day))
		return false;
	if (p < end) {
		if (!expect(&p, end, "T ") || !digits(&p, end, 2, &dt.hour) ||
		    !expect(&p, end, ":") || !digits(&p, end, 2, &dt.minute))
			return false;
		if (p < end && *p == ':' && (p++, !digits(&p, end, 2, &dt.second)))
			return false;
		read_fraction(&p, end, &dt);
		if (p < end) {
			if (!media_zone_parse(p, (size_t)(end - p), &dt.zone_minutes))
				return false;
			dt.has_zone = true;
		}
	}
	if (!valid(&dt))
		return false;
	*out = dt;
	return true;
}

media_datetime media_datetime_from_unix(int64_t seconds)
{
	media_datetime dt = { 0, 0, 0, 0, 0, 0, 0, true, 0 };
	int64_t days = seconds / 86400, rem = seconds % 86400;
	int64_t era, doe, yoe, doy, mp, y;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dt.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	dt.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	dt.year = (int)(y + (dt.month <= 2));
	dt.hour = (int)(rem / 3600);
	dt.minute = (int)(rem / 60 % 60);
	dt.second = (int)(rem % 60);
	return dt;
}

int64_t media_datetime_unix(const media_datetime *dt)
{
	int64_t s = days_from_civil(dt->year, dt->month, dt->day) * 86400 +
	            dt->hour * 3600 + dt->minute * 60 + dt->second;

	return dt->has_zone ? s - (int64_t)dt->zone_minutes * 60 : s;
}

void media_datetime_local_text(const media_datetime *dt, char out[32])
{
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d", dt->year % 10000, dt->month,
	         dt->day, dt->hour, dt->minute, dt->second);
}

/*
 * hashset_time.c — the times hash sets state (hashset_parse_time in
 * hashset_parse.h): ISO-8601 and the .NET JSON "/Date(ms)/" form.
 */
#include <stdint.h>
#include <string.h>

#include "hashset_parse.h"

/* digits — n decimal digits at *p into *v; advances *p.  0 or -1. */
static int digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* days_from_civil — days since 1970-01-01 of a proleptic Gregorian date. */
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
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* zone — "Z", "+hh:mm", "+hhmm", "+hh" or nothing: seconds east of UTC. */
static int zone(const char *p, int *east)
{
	int h, m = 0, sign;

	*east = 0;
	if (*p == '\0')
		return 0;
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0' ? 0 : -1;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &h) < 0)
		return -1;
	if (*p == ':')
		p++;
	if (*p && digits(&p, 2, &m) < 0)
		return -1;
	if (*p || h > 23 || m > 59)
		return -1;
	*east = sign * (h * 3600 + m * 60);
	return 0;
}

static int parse_iso(const char *p, int64_t *ms)
{
	int y, mo, d, h = 0, mi = 0, s = 0, frac_ms = 0, east;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &s) < 0)
				return -1;
			if (*p == '.' || *p == ',') {
				int scale = 100;
				p++;
				if (*p < '0' || *p > '9')
					return -1;
				for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
					frac_ms += (*p - '0') * scale;
			}
		}
		if (h > 23 || mi > 59 || s > 60)
			return -1;
	}
	if (zone(p, &east) < 0)
		return -1;
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) - east) * 1000 + frac_ms;
	return 0;
}

/* "/Date(1686105109830)/" or "/Date(1686105109830+0200)/": the number is
 * already UTC milliseconds; the zone only says where it was written. */
static int parse_dotnet(const char *p, int64_t *ms)
{
	int64_t v = 0;
	int neg = 0, n = 0, east;

	p += 6;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++, n++) {
		if (n == 17)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (n == 0)
		return -1;
	if (*p == '+' || *p == '-') {
		char z[8];
		size_t zl = strcspn(p, ")");
		if (zl >= sizeof z)
			return -1;
		memcpy(z, p, zl);
		z[zl] = '\0';
		if (zone(z, &east) < 0)
			return -1;
		p += zl;
	}
	if (strcmp(p, ")/") != 0)
		return -1;
	*ms = neg ? -v : v;
	return 0;
}

int hashset_parse_time(const char *s, int64_t *ms)
{
	if (!s)
		return -1;
	if (!strncmp(s, "/Date(", 6))
		return parse_dotnet(s, ms);
	return parse_iso(s, ms);
}

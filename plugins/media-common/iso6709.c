/*
 * iso6709.c — see iso6709.h.
 */
#include "iso6709.h"

/* One signed component: sign, integer digits, optional fraction.
 * *int_digits is how many digits came before the point. */
static bool component(const char **p, const char *end, double *value, int *int_digits,
                      double *fraction, int *sign)
{
	double v = 0, scale = 0.1;
	int n = 0;

	if (*p >= end || (**p != '+' && **p != '-'))
		return false;
	*sign = **p == '-' ? -1 : 1;
	(*p)++;
	while (*p < end && **p >= '0' && **p <= '9' && n < 9) {
		v = v * 10 + (**p - '0');
		n++;
		(*p)++;
	}
	*fraction = 0;
	if (*p < end && **p == '.') {
		(*p)++;
		while (*p < end && **p >= '0' && **p <= '9') {
			*fraction += (**p - '0') * scale;
			scale /= 10;
			(*p)++;
		}
	}
	*value = v;
	*int_digits = n;
	return n > 0;
}

/* Degrees from D…, DM… or DMS… digits, where deg_digits is 2 (latitude)
 * or 3 (longitude). */
static bool to_degrees(double whole, double fraction, int n, int deg_digits, double *out)
{
	double minutes, seconds;

	if (n == deg_digits) {
		*out = whole + fraction;
		return true;
	}
	if (n == deg_digits + 2) {
		minutes = (double)((long)whole % 100) + fraction;
		if (minutes >= 60)
			return false;
		*out = (double)((long)whole / 100) + minutes / 60.0;
		return true;
	}
	if (n == deg_digits + 4) {
		seconds = (double)((long)whole % 100) + fraction;
		minutes = (double)((long)whole / 100 % 100);
		if (minutes >= 60 || seconds >= 60)
			return false;
		*out = (double)((long)whole / 10000) + minutes / 60.0 + seconds / 3600.0;
		return true;
	}
	return false;
}

bool iso6709_parse(const char *text, size_t len, iso6709_point *out)
{
	const char *p = text, *end = text + len;
	double whole, fraction, lat, lon;
	int n, sign;

	while (p < end && (*p == ' ' || *p == '\0'))
		p++;
	if (!component(&p, end, &whole, &n, &fraction, &sign) ||
	    !to_degrees(whole, fraction, n, 2, &lat))
		return false;
	lat *= sign;
	if (!component(&p, end, &whole, &n, &fraction, &sign) ||
	    !to_degrees(whole, fraction, n, 3, &lon))
		return false;
	lon *= sign;
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return false;
	out->latitude = lat;
	out->longitude = lon;
	out->has_altitude = false;
	out->altitude = 0;
	if (component(&p, end, &whole, &n, &fraction, &sign)) {
		out->has_altitude = true;
		out->altitude = sign * (whole + fraction);
	}
	return true;
}

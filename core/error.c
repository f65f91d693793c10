/*
 * error.c — see error.h.
 */
#include "error.h"

#include <stdio.h>
#include <string.h>

void exhibit_error_clear(exhibit_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->offset = -1;
	err->message[0] = '\0';
}

int exhibit_error_set(exhibit_error *err, int code, int64_t offset,
                      const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return code;
}

void exhibit_error_prefix(exhibit_error *err, const char *fmt, ...)
{
	char joined[EXHIBIT_ERROR_MAX];
	size_t used, rest;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(joined, sizeof joined, fmt, ap);
	va_end(ap);
	/* Keep as much of the original message as fits after the prefix. */
	used = strlen(joined);
	rest = strnlen(err->message, sizeof err->message);
	if (rest > sizeof joined - 1 - used)
		rest = sizeof joined - 1 - used;
	memcpy(joined + used, err->message, rest);
	joined[used + rest] = '\0';
	memcpy(err->message, joined, sizeof joined);
}

/*
 * error.h — the error object every core function fills in on failure.
 *
 * Library code never prints.  A function that can fail takes an
 * exhibit_error * (which may be NULL when the caller does not care),
 * returns a negative code, and leaves a message here that names the file
 * and offset concerned, so the CLI can show it and the case can keep it.
 */
#ifndef EXHIBIT_ERROR_H
#define EXHIBIT_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#define EXHIBIT_ERROR_MAX 1024

typedef struct exhibit_error {
	int code;        /* a negative EXHIBIT_ERR_* code, 0 when clear */
	int64_t offset;  /* byte offset concerned, -1 when none applies */
	char message[EXHIBIT_ERROR_MAX];
} exhibit_error;

/* exhibit_error_clear — reset to "no error". */
void exhibit_error_clear(exhibit_error *err);

/*
 * exhibit_error_set — record a failure.  err may be NULL.
 * RETURN: code, so that callers can write `return exhibit_error_set(...)`.
 */
int exhibit_error_set(exhibit_error *err, int code, int64_t offset,
                      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* exhibit_error_prefix — prepend context ("image.E01: ") to a message. */
void exhibit_error_prefix(exhibit_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

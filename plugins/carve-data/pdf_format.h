/*
 * pdf_format.h — what carve-pdf's stream checks (pdf.c) and its validate
 * (pdf_xref.c) share.
 */
#ifndef EXHIBIT_CARVE_PDF_FORMAT_H
#define EXHIBIT_CARVE_PDF_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"

#define PDF_MAX_SIZE (4ull << 30)

/* PDF white-space characters (ISO 32000-1, 7.2.2). */
static inline int pdf_space(unsigned c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static inline int pdf_digit(unsigned c)
{
	return c >= '0' && c <= '9';
}

/* carve-pdf's validate (pdf_xref.c). */
int pdf_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                 uint64_t *bad_offset);

#endif

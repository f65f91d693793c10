/*
 * zip_format.h — what carve-zip's stream checks (zip.c) and its validate
 * (zip_validate.c) share: record signatures and the checks of one local
 * or central header's fixed fields (PKWARE APPNOTE 6.3).
 */
#ifndef EXHIBIT_CARVE_ZIP_FORMAT_H
#define EXHIBIT_CARVE_ZIP_FORMAT_H

#include <stdint.h>

#include "exhibit/plugin.h"

#define ZIP_LOCAL 0x04034b50u        /* PK\3\4 */
#define ZIP_CENTRAL 0x02014b50u      /* PK\1\2 */
#define ZIP_END 0x06054b50u          /* PK\5\6 */
#define ZIP64_END 0x06064b50u        /* PK\6\6 */
#define ZIP64_LOCATOR 0x07064b50u    /* PK\6\7 */
#define ZIP_DESCRIPTOR 0x08074b50u   /* PK\7\8 */
#define ZIP_SIGNATURE 0x05054b50u    /* PK\5\5, the central directory's digital signature */

#define ZIP_LOCAL_LEN 30
#define ZIP_CENTRAL_LEN 46
#define ZIP_END_LEN 22
#define ZIP64_END_MIN 56
#define ZIP64_LOCATOR_LEN 20

#define ZIP_FLAG_ENCRYPTED 0x0001u
#define ZIP_FLAG_DESCRIPTOR 0x0008u

#define ZIP_MAX_SIZE (16ull << 30)

/* 1 when method is a compression method APPNOTE names. */
int zip_method_known(unsigned method);

/* 1 when the DOS time and date of a header are possible (0 is allowed). */
int zip_dos_time_ok(unsigned time, unsigned date);

/* 1 when the flags use no reserved bit. */
int zip_flags_ok(unsigned flags);

/* The file's extension from the first local header and what follows it:
 * docx, xlsx, pptx, odt, ods, odp, odg, epub, apk, jar or zip. */
const char *zip_extension(const unsigned char *buf, size_t len);

/* carve-zip's validate (zip_validate.c). */
int zip_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                 uint64_t *bad_offset);

#endif

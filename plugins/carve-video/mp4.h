/*
 * mp4.h — the ISO base media file format carver (carve-mp4): MP4, MOV,
 * 3GP, M4V, M4A, F4V.  Internal to the plugin: mp4.c holds the
 * signatures, header_check and the streaming box walk (data_check);
 * mp4_validate.c places every sample the moov (or a moof) describes.
 */
#ifndef EXHIBIT_CARVE_MP4_H
#define EXHIBIT_CARVE_MP4_H

#include <stdbool.h>
#include <stdint.h>

#include "exhibit/plugin.h"

/* Top-level box types a file of this family carries; anything else
 * after the last box is not part of the file. */
extern const char *const mp4_top_level_types[];

/* mp4_is_type — the four bytes at p are the type t ("moov"). */
bool mp4_is_type(const unsigned char *p, const char *t);

/*
 * mp4_validate — validate stage: the top-level boxes tile the candidate;
 * the moov's tracks place every sample (stco/co64 + stsc + stsz, or the
 * moofs' truns) inside an mdat of the candidate, and each sample of a
 * codec with a checkable framing (AVC/HEVC NAL length chains, MPEG-4 and
 * H.263 start codes, JPEG, ProRes, AC-3) is framed exactly.  The first
 * sample that fails gives *bad_offset (its offset).
 */
int mp4_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                 uint64_t *bad_offset);

#endif

/*
 * video_parsers.h — the container parsers of the video-metadata plugin.
 *
 * Each reads the item through m (media.h), fills in what the container
 * states and reports what is damaged or missing.
 * RETURN: true when the content is that container (even damaged): the
 * caller then emits the description; false when it is not (reported).
 */
#ifndef EXHIBIT_VIDEO_PARSERS_H
#define EXHIBIT_VIDEO_PARSERS_H

#include <stdbool.h>

#include "media.h"

bool parse_isobmff(media *m);  /* MP4, MOV, 3GP, M4V, M4A (isobmff.c) */
bool parse_matroska(media *m); /* Matroska, WebM (matroska.c) */
bool parse_avi(media *m);      /* RIFF AVI (riff_avi.c) */
bool parse_flv(media *m);      /* Flash video (flv.c) */
bool parse_mpegts(media *m);   /* MPEG transport stream (mpegts.c) */
bool parse_asf(media *m);      /* ASF, WMV, WMA (asf.c) */

#endif

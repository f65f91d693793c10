/*
 * carve_video.h — the video carver plugins' descriptors by name.
 *
 * Each carver is its own plugin (plugins/carve-video/<format>.c, built
 * into carve-<format>.la) whose exhibit_plugin_entry returns the
 * descriptor below.  Tests and fuzz targets link several carvers into one
 * program, so they build the sources with CARVE_VIDEO_NO_ENTRY and reach
 * each descriptor through these functions instead.
 */
#ifndef EXHIBIT_CARVE_VIDEO_H
#define EXHIBIT_CARVE_VIDEO_H

#include "exhibit/plugin.h"

const exhibit_plugin *carve_mp4_plugin(void);    /* MP4, MOV, 3GP, M4V (ISO BMFF) */
const exhibit_plugin *carve_avi_plugin(void);    /* AVI (with OpenDML), WAV */
const exhibit_plugin *carve_mkv_plugin(void);    /* Matroska, WebM */
const exhibit_plugin *carve_flv_plugin(void);    /* Flash video */
const exhibit_plugin *carve_mpegts_plugin(void); /* MPEG-TS, M2TS */
const exhibit_plugin *carve_asf_plugin(void);    /* ASF, WMV, WMA */

/* The entry point of a plugin built from one of these sources. */
#ifdef CARVE_VIDEO_NO_ENTRY
#define CARVE_VIDEO_ENTRY(descriptor_fn)
#else
#define CARVE_VIDEO_ENTRY(descriptor_fn)                                                \
	const exhibit_plugin *exhibit_plugin_entry(void)                                \
	{                                                                               \
		return descriptor_fn();                                                 \
	}
#endif

#endif

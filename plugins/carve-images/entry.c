/*
 * entry.c — the one symbol a carve-* plugin exports.  Each plugin of
 * plugins/carve-images is built from its format's file and this one, with
 * CARVE_DESCRIPTOR naming the format's descriptor function (Makefile.am:
 * -DCARVE_DESCRIPTOR=carve_jpeg_plugin for carve-jpeg).
 */
#include "carve_images.h"

#ifndef CARVE_DESCRIPTOR
#error "build with -DCARVE_DESCRIPTOR=carve_<format>_plugin"
#endif

EXHIBIT_PLUGIN_EXPORT const exhibit_plugin *exhibit_plugin_entry(void)
{
	return CARVE_DESCRIPTOR();
}

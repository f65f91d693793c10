/*
 * entry.c — the one exported symbol of a carve-data plugin.  Compiled once
 * per plugin with -DCARVE_PLUGIN=<descriptor> (see Makefile.am).
 */
#include "carve_data.h"

#ifndef CARVE_PLUGIN
#error "build with -DCARVE_PLUGIN=<the plugin's descriptor>"
#endif

const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &CARVE_PLUGIN;
}

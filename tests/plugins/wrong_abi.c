/* wrong_abi.c — a test plugin built for another ABI version: the host must
 * refuse it by name and go on without it. */
#include "exhibit/plugin.h"

static int analyze(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item)
{
	(void)api; (void)host; (void)item;
	return EXHIBIT_OK;
}

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION + 1, "from-the-future", "9.9", "wrong ABI (tests only)",
	EXHIBIT_PLUGIN_ANALYZER, NULL, NULL, NULL, 0, analyze, NULL, NULL
};

EXHIBIT_PLUGIN_EXPORT const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &descriptor;
}

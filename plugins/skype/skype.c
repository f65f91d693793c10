/*
 * skype.c — the "skype" plugin: messages, file transfers, SMS, calls,
 * contacts and the account from Skype's databases, recognised by schema:
 * main.db of Skype classic (skype_classic.c) and s4l-<account>.db of
 * Skype 8 and later (skype_s4l.c).
 */
#include "exhibit/plugin.h"
#include "skype.h"

static const chat_parser parsers[] = {
	{ SKYPE_APP, skype_classic_fingerprint, skype_classic_extract },
	{ SKYPE_APP, skype_s4l_fingerprint, skype_s4l_extract },
};

static int analyze(const exhibit_host_api *api, exhibit_host *host,
                   const exhibit_item *item)
{
	return chat_analyze_sqlite(api, host, item, parsers,
	                           sizeof parsers / sizeof parsers[0]);
}

static const char *const mime_types[] = { "application/vnd.sqlite3", NULL };

static const exhibit_plugin plugin = {
	EXHIBIT_ABI_VERSION,
	"skype",
	"1.0",
	"Skype classic main.db and Skype 8 s4l-*.db: messages, transfers, SMS, "
	"calls, contacts, account, by schema",
	EXHIBIT_PLUGIN_ANALYZER,
	mime_types,
	NULL,
	NULL,
	0,
	analyze,
	NULL,
};

const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &plugin;
}

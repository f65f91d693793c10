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

CHAT_SQLITE_PLUGIN("skype", "1.0",
	                   "Skype classic main.db and Skype 8 s4l-*.db: messages, transfers, SMS, "
	                   "calls, contacts, account, by schema",
	                   parsers)

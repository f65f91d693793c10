/*
 * whatsapp_android.c — the "whatsapp-android" plugin: messages, media and
 * calls from WhatsApp for Android's msgstore.db (both layouts), and the
 * contacts of its wa.db, each recognised by schema (see whatsapp.h).
 */
#include "exhibit/plugin.h"
#include "whatsapp.h"

static const chat_parser parsers[] = {
	{ WA_APP, wa_message_fingerprint, wa_message_extract },
	{ WA_APP, wa_legacy_fingerprint, wa_legacy_extract },
	{ WA_APP, wa_contacts_fingerprint, wa_contacts_extract },
};

CHAT_SQLITE_PLUGIN("whatsapp-android", "1.0",
	                   "WhatsApp for Android msgstore.db (2021 and older layouts: messages, "
	                   "media, calls) and wa.db (contacts), by schema",
	                   parsers)

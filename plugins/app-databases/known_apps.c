/*
 * known_apps.c — see known_apps.h.
 *
 * Table and column names come from public forensic material: plaso's
 * SQLite plugins (REQUIRED_STRUCTURE and SCHEMAS), ALEAPP and iLEAPP
 * artifact queries and paths, IPED's parser tests, and the databases in
 * the project's test corpus.  A fingerprint names only what the app's own
 * schema has had across versions; a second entry covers a schema
 * generation that renamed its tables.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* FNM_CASEFOLD */
#endif
#include "known_apps.h"

#include <fnmatch.h>
#include <string.h>

/* A NULL-terminated list of strings, written inline in the table. */
#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const known_app known_apps[] = {
	/* Android telephony provider: SMS and MMS (plaso android_sms). */
	{ "Android Messages (SMS/MMS)", "com.android.providers.telephony", "android",
	  LIST("*/com.android.providers.telephony/databases/mmssms.db",
	       "*/mmssms.db"),
	  LIST("sms", "threads", "pdu", "sms.address", "sms.body", "sms.date") },

	/* Android call log, in contacts2.db before Android 7 and calllog.db
	 * since (plaso android_calls); numbertype sets it apart from app
	 * call tables that copied the other column names. */
	{ "Android Call Log", "com.android.providers.contacts", "android",
	  LIST("*/com.android.providers.contacts/databases/contacts2.db",
	       "*/com.android.providers.contacts/databases/calllog.db",
	       "*/calllog.db"),
	  LIST("calls", "calls.number", "calls.date", "calls.duration",
	       "calls.type", "calls.numbertype") },

	/* Android contacts provider (contacts2.db). */
	{ "Android Contacts", "com.android.providers.contacts", "android",
	  LIST("*/com.android.providers.contacts/databases/contacts2.db"),
	  LIST("raw_contacts", "contacts", "data", "mimetypes") },

	/* iMessage and SMS on iOS (sms.db) and macOS (chat.db) (plaso imessage). */
	{ "iMessage", "com.apple.MobileSMS", "ios",
	  LIST("*/Library/SMS/sms.db"),
	  LIST("message", "handle", "chat", "chat_message_join",
	       "message.guid", "message.handle_id") },
	{ "iMessage", "com.apple.iChat", "desktop",
	  LIST("*/Library/Messages/chat.db"),
	  LIST("message", "handle", "chat", "chat_message_join",
	       "message.guid", "message.handle_id") },

	/* WhatsApp Android msgstore.db, schema since 2022 (ALEAPP WhatsApp). */
	{ "WhatsApp", "com.whatsapp", "android",
	  LIST("*/com.whatsapp/databases/msgstore.db",
	       "*/com.whatsapp.w4b/databases/msgstore.db"),
	  LIST("message", "chat", "jid", "message.key_id", "message.chat_row_id",
	       "chat.jid_row_id", "jid.raw_string") },
	/* WhatsApp Android msgstore.db, legacy schema. */
	{ "WhatsApp", "com.whatsapp", "android",
	  LIST("*/com.whatsapp/databases/msgstore.db",
	       "*/com.whatsapp.w4b/databases/msgstore.db"),
	  LIST("messages", "messages.key_remote_jid", "messages.key_from_me",
	       "messages.data") },
	/* WhatsApp Android contacts, wa.db. */
	{ "WhatsApp", "com.whatsapp", "android",
	  LIST("*/com.whatsapp/databases/wa.db",
	       "*/com.whatsapp.w4b/databases/wa.db"),
	  LIST("wa_contacts", "wa_contacts.jid") },
	/* WhatsApp iOS, ChatStorage.sqlite (Core Data). */
	{ "WhatsApp", "net.whatsapp.WhatsApp", "ios",
	  LIST("*/ChatStorage.sqlite"),
	  LIST("ZWAMESSAGE", "ZWACHATSESSION", "ZWAMESSAGE.ZTEXT",
	       "ZWACHATSESSION.ZCONTACTJID") },

	/* Telegram Android cache4.db: messages_v2 since 2022, messages before. */
	{ "Telegram", "org.telegram.messenger", "android",
	  LIST("*/org.telegram.messenger*/files/cache4.db", "*/cache4.db"),
	  LIST("messages_v2", "users", "chats", "enc_chats", "dialogs") },
	{ "Telegram", "org.telegram.messenger", "android",
	  LIST("*/org.telegram.messenger*/files/cache4.db", "*/cache4.db"),
	  LIST("messages", "users", "chats", "enc_chats", "dialogs") },

	/* Signal Android signal.db (decrypted): message since 2023, sms/mms before. */
	{ "Signal", "org.thoughtcrime.securesms", "android",
	  LIST("*/org.thoughtcrime.securesms/databases/signal.db"),
	  LIST("message", "thread", "recipient") },
	{ "Signal", "org.thoughtcrime.securesms", "android",
	  LIST("*/org.thoughtcrime.securesms/databases/signal.db"),
	  LIST("sms", "mms", "thread", "recipient") },

	/* Skype classic main.db (plaso skype, IPED SkypeParser). */
	{ "Skype", "com.skype.skype", "desktop",
	  LIST("*/Skype/*/main.db"),
	  LIST("Messages", "Conversations", "Accounts", "Contacts",
	       "Messages.body_xml", "Messages.convo_id") },
	{ "Skype", "com.skype.raider", "android",
	  LIST("*/com.skype.raider/files/*/main.db"),
	  LIST("Messages", "Conversations", "Accounts", "Contacts",
	       "Messages.body_xml", "Messages.convo_id") },
	/* Skype 8 and later ("S4L", s4l-<account>.db; IPED SkypeParser v12). */
	{ "Skype", "com.skype.raider", "android",
	  LIST("*/s4l-*.db"),
	  LIST("messagesv12", "conversationsv14", "profilecachev8") },

	/* Kik iOS kik.sqlite (plaso kik_ios) and Android kikDatabase.db. */
	{ "Kik", "com.kik.chat", "ios",
	  LIST("*/kik.sqlite"),
	  LIST("ZKIKMESSAGE", "ZKIKUSER", "ZKIKMESSAGE.ZBODY",
	       "ZKIKMESSAGE.ZRECEIVEDTIMESTAMP", "ZKIKUSER.ZUSERNAME") },
	{ "Kik", "kik.android", "android",
	  LIST("*/kik.android/databases/*kikDatabase.db", "*/kikDatabase.db"),
	  LIST("messagesTable", "KIKcontactsTable") },

	/* Viber Android: viber_messages and viber_data (ALEAPP Viber,
	 * plaso android_viber_call). */
	{ "Viber", "com.viber.voip", "android",
	  LIST("*/com.viber.voip/databases/viber_messages"),
	  LIST("messages", "conversations", "participants", "participants_info",
	       "messages.conversation_id", "messages.msg_date") },
	{ "Viber", "com.viber.voip", "android",
	  LIST("*/com.viber.voip/databases/viber_data"),
	  LIST("calls", "phonebookcontact", "phonebookdata",
	       "calls.canonized_number", "calls.viber_call_type") },

	/* Facebook Messenger Android: threads_db2, and msys_database_<id>
	 * (ALEAPP FacebookMessenger). */
	{ "Facebook Messenger", "com.facebook.orca", "android",
	  LIST("*/com.facebook.orca/databases/threads_db2",
	       "*/com.facebook.katana/databases/threads_db2"),
	  LIST("messages", "threads", "thread_users") },
	{ "Facebook Messenger", "com.facebook.orca", "android",
	  LIST("*/com.facebook.orca/databases/msys_database*",
	       "*/com.facebook.katana/databases/msys_database*"),
	  LIST("messages", "contacts", "attachments", "attachment_ctas",
	       "call_log", "messages.thread_key") },

	/* Snapchat Android arroyo.db (ALEAPP snapchat). */
	{ "Snapchat", "com.snapchat.android", "android",
	  LIST("*/com.snapchat.android/databases/arroyo.db"),
	  LIST("conversation_message", "user_conversation",
	       "conversation_message.client_conversation_id") },

	/* Discord Android kv-storage database "a" (ALEAPP discordChats). */
	{ "Discord", "com.discord", "android",
	  LIST("*/com.discord/files/kv-storage/*/a*"),
	  LIST("messages0") },

	/* Instagram iOS <user id>.db (plaso ios_instagram) and Android
	 * direct.db. */
	{ "Instagram", "com.burbn.instagram", "ios",
	  LIST("*/DirectSQLiteDatabase/*.db"),
	  LIST("messages", "threads", "messages.message_id", "messages.archive",
	       "threads.thread_id", "threads.metadata") },
	{ "Instagram", "com.instagram.android", "android",
	  LIST("*/com.instagram.android/databases/direct.db"),
	  LIST("messages", "threads", "messages.thread_id", "messages.message") },

	/* Google Hangouts babel<N>.db (plaso android_hangouts). */
	{ "Google Hangouts", "com.google.android.talk", "android",
	  LIST("*/com.google.android.talk/databases/babel*.db"),
	  LIST("messages", "conversations", "participants", "blocked_people",
	       "messages.author_chat_id", "participants.chat_id") },

	/* Tango Android tc.db and profile.db (plaso android_tango). */
	{ "Tango", "com.sgiggle.production", "android",
	  LIST("*/com.sgiggle.production/files/tc.db"),
	  LIST("messages", "conversations", "likes", "messages.msg_id",
	       "messages.create_time", "conversations.conv_id") },
	{ "Tango", "com.sgiggle.production", "android",
	  LIST("*/com.sgiggle.production/*profile.db"),
	  LIST("profiletable", "profiletable.itemFirstName",
	       "profiletable.itemLastName") },

	/* imo Android imofriends.db (ALEAPP imo) and iOS IMODb2.sqlite
	 * (plaso ios_imohdchat). */
	{ "imo", "com.imo.android.imous", "android",
	  LIST("*/com.imo.android.imous/databases/imofriends.db"),
	  LIST("messages", "friends", "messages.buid", "friends.buid") },
	{ "imo", "imoimhd", "ios",
	  LIST("*/IMODb2.sqlite"),
	  LIST("ZIMOCHATMSG", "ZIMOCHATMSG.ZTEXT", "ZIMOCHATMSG.ZTS",
	       "ZIMOCHATMSG.ZALIAS") },

	/* LINE Android naver_line (ALEAPP line). */
	{ "LINE", "jp.naver.line.android", "android",
	  LIST("*/jp.naver.line.android/databases/naver_line"),
	  LIST("chat_history", "contacts", "membership", "chat_history.chat_id",
	       "chat_history.from_mid") },

	/* LINE Android call_history (ALEAPP line, Autopsy line.py). */
	{ "LINE", "jp.naver.line.android", "android",
	  LIST("*/jp.naver.line.android/databases/call_history"),
	  LIST("call_history", "call_history.caller_mid", "call_history.call_type",
	       "call_history.voip_type", "call_history.start_time") },

	/* Twitter Android direct messages, conversation_entries of the
	 * <user id>-66.db (the app's CREATE TABLE, decompiled). */
	{ "Twitter", "com.twitter.android", "android",
	  LIST("*/com.twitter.android/databases/*.db"),
	  LIST("conversation_entries", "conversation_entries.entry_id",
	       "conversation_entries.sort_entry_id", "conversation_entries.conversation_id",
	       "conversation_entries.data") },

	/* Twitter Android <user id>.db (plaso android_twitter) and iOS
	 * twitter.db (plaso ios_twitter). */
	{ "Twitter", "com.twitter.android", "android",
	  LIST("*/com.twitter.android/databases/*.db"),
	  LIST("statuses", "users", "statuses.status_id", "statuses.author_id",
	       "users.user_id", "users.username") },
	{ "Twitter", "com.atebits.Tweetie2", "ios",
	  LIST("*/twitter.db"),
	  LIST("Statuses", "Users", "Statuses.userId", "Users.screenName") },

	/* Burner Android (plaso android_burners). */
	{ "Burner", "com.adhoclabs.burner", "android",
	  LIST("*/com.adhoclabs.burner/databases/*", "*/burners.db"),
	  LIST("burners", "messages", "contacts", "burners.phone_number_id",
	       "burners.burner_id") },

	/* Apple Notes NoteStore.sqlite (plaso ios_notes). */
	{ "Notes", "com.apple.mobilenotes", "ios",
	  LIST("*/NoteStore.sqlite"),
	  LIST("ZICCLOUDSYNCINGOBJECT", "ZICNOTEDATA", "ZICNOTEDATA.ZDATA") },
};

#define N_KNOWN_APPS (sizeof known_apps / sizeof known_apps[0])

static size_t count_strings(const char *const *list)
{
	size_t n = 0;

	while (list && list[n])
		n++;
	return n;
}

/* One requirement: "table" or "table.column". */
static bool requirement_met(const schema_probe *probe, const char *requirement)
{
	const char *dot = strchr(requirement, '.');
	char table[128];
	size_t len;

	if (!dot)
		return probe->has_table(probe->ctx, requirement);
	len = (size_t)(dot - requirement);
	if (len >= sizeof table)
		return false;
	memcpy(table, requirement, len);
	table[len] = '\0';
	return probe->has_column(probe->ctx, table, dot + 1);
}

static bool fingerprint_matches(const known_app *app, const schema_probe *probe)
{
	const char *const *req;

	if (!probe || !app->schema || !app->schema[0])
		return false;
	for (req = app->schema; *req; req++)
		if (!requirement_met(probe, *req))
			return false;
	return true;
}

/*
 * A glob that starts with "*" and "/" also matches the path with that
 * prefix dropped, so a pattern written for ".../databases/x.db" matches a
 * path given as "databases/x.db" too.
 */
static bool glob_matches(const char *glob, const char *path)
{
	if (fnmatch(glob, path, FNM_CASEFOLD) == 0)
		return true;
	return glob[0] == '*' && glob[1] == '/' &&
	       fnmatch(glob + 2, path, FNM_CASEFOLD) == 0;
}

static bool path_matches(const known_app *app, const char *path)
{
	const char *const *glob;

	if (!path || !*path)
		return false;
	for (glob = app->paths; glob && *glob; glob++)
		if (glob_matches(*glob, path))
			return true;
	return false;
}

static known_app_evidence evidence_of(const known_app *app,
                                      const char *path,
                                      const schema_probe *probe)
{
	bool by_schema = fingerprint_matches(app, probe);
	bool by_path = path_matches(app, path);

	if (by_schema && by_path)
		return KNOWN_APP_BY_PATH_AND_SCHEMA;
	if (by_schema)
		return KNOWN_APP_BY_SCHEMA;
	return by_path ? KNOWN_APP_BY_PATH : KNOWN_APP_UNKNOWN;
}

/* Is candidate better than best?  Tier first, then specificity. */
static bool outranks(const known_app *candidate, known_app_evidence evidence,
                     const known_app_match *best)
{
	if (evidence != best->evidence)
		return evidence > best->evidence;
	return count_strings(candidate->schema) > count_strings(best->app->schema);
}

known_app_match known_app_identify(const char *path, const schema_probe *probe)
{
	known_app_match best = { NULL, KNOWN_APP_UNKNOWN };
	size_t i;

	for (i = 0; i < N_KNOWN_APPS; i++) {
		const known_app *app = &known_apps[i];
		known_app_evidence evidence = evidence_of(app, path, probe);

		if (evidence == KNOWN_APP_UNKNOWN)
			continue;
		if (!best.app || outranks(app, evidence, &best)) {
			best.app = app;
			best.evidence = evidence;
		}
	}
	return best;
}

const char *known_app_evidence_name(known_app_evidence evidence)
{
	switch (evidence) {
	case KNOWN_APP_BY_PATH:
		return "path";
	case KNOWN_APP_BY_SCHEMA:
		return "schema";
	case KNOWN_APP_BY_PATH_AND_SCHEMA:
		return "path+schema";
	default:
		return NULL;
	}
}

size_t known_apps_count(void)
{
	return N_KNOWN_APPS;
}

const known_app *known_apps_at(size_t index)
{
	return index < N_KNOWN_APPS ? &known_apps[index] : NULL;
}

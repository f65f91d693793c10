/*
 * skype.h — the parts of the "skype" plugin: Skype classic (main.db,
 * Skype 3 to 7 and the mobile clients of the time), Skype 8 and later
 * ("S4L", s4l-<account>.db, rows of JSON), and the text of the XML
 * Skype keeps in message bodies.
 */
#ifndef EXHIBIT_SKYPE_H
#define EXHIBIT_SKYPE_H

#include "chat.h"
#include "chat_sql.h"

#define SKYPE_APP "Skype"

/*
 * skype_body_text — what a Skype message body says, as text: tags
 * dropped, entities decoded; an SMS ("<sms alt=...>") is its alt text, a
 * call event ("<partlist type=...>") "call: <type>".  malloc'd, cleaned;
 * NULL for NULL or an empty result.
 */
char *skype_body_text(const char *xml);

/*
 * skype_attribute — the value of attribute attr of the first element
 * named element in xml (entities decoded), malloc'd; NULL when absent.
 */
char *skype_attribute(const char *xml, const char *element, const char *attr);

/* Extraction functions: every record of src (live or recovered rows). */
int skype_classic_extract(chat_ctx *ctx, const chat_source *src);
int skype_s4l_extract(chat_ctx *ctx, const chat_source *src);

extern const char *const skype_classic_fingerprint[];
extern const char *const skype_s4l_fingerprint[];

#endif

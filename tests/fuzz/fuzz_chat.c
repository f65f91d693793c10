/*
 * fuzz_chat.c — libFuzzer target: arbitrary bytes, as an item, through the
 * stub host into one chat plugin (the one linked in: the build makes one
 * binary per plugin, fuzz_chat_<plugin>, from this file), and so through
 * the hardened opener, SQLite and the plugin's parsing of what it reads.
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks the chat
 * plugins' promises on every input:
 *   - every connection opened through the host is closed again;
 *   - analyze() returns an EXHIBIT_* code;
 *   - every record of a table has the same fields, in the same order (the
 *     emitters write every column, always);
 *   - every text handed to the host is valid UTF-8 without control
 *     characters other than tab and line breaks (bytes from evidence are
 *     escaped, never passed through);
 *   - chat_messages.message_key is never NULL, direction and message_type
 *     take their documented values;
 *   - a short time budget (250 ms per row, 1 s per item) keeps every input
 *     fast, so a hang is a finding.
 *
 * Seeds: tests/fuzz/corpus/chat_<plugin>/, small databases of each app's
 * schema (tests/fuzz/make_chat_seeds.sh writes them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "stub_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_exhibit_code(int rc)
{
	return rc == EXHIBIT_OK || rc == EXHIBIT_ERR || rc == EXHIBIT_ERR_READ ||
	       rc == EXHIBIT_ERR_LIMIT || rc == EXHIBIT_ERR_FORMAT;
}

/* Valid UTF-8, no control characters but tab, CR and LF. */
static int clean_text(const unsigned char *s)
{
	while (*s) {
		unsigned char c = *s;
		size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 :
		             c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		size_t i;

		if (!len)
			return 0;
		if (len == 1 && (c < 0x20 || c == 0x7F) && c != '\t' && c != '\n' && c != '\r')
			return 0;
		for (i = 1; i < len; i++)
			if ((s[i] & 0xC0) != 0x80)
				return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
		    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
			return 0;
		s += len;
	}
	return 1;
}

static const char *text_of(const stub_record *r, const char *name)
{
	const stub_field *f = stub_record_field(r, name);

	return f && f->type == EXHIBIT_TEXT ? f->text : NULL;
}

static int one_of(const char *v, const char *a, const char *b, const char *c,
                  const char *d)
{
	return v && (!strcmp(v, a) || !strcmp(v, b) || !strcmp(v, c) ||
	             (d && !strcmp(v, d)));
}

static void check_record(const stub_record *r, const stub_record *first)
{
	size_t i;

	if (first->n_fields != r->n_fields)
		abort();
	for (i = 0; i < r->n_fields; i++) {
		if (strcmp(first->fields[i].name, r->fields[i].name))
			abort();
		if (r->fields[i].type == EXHIBIT_TEXT &&
		    !clean_text((const unsigned char *)r->fields[i].text))
			abort();
	}
	if (!strcmp(r->type, "chat_messages")) {
		if (!text_of(r, "message_key") ||
		    !one_of(text_of(r, "direction"), "incoming", "outgoing", "unknown", NULL) ||
		    !one_of(text_of(r, "message_type"), "text", "media", "call", "system"))
			abort();
	}
	if (!strcmp(r->type, "chat_calls") &&
	    !one_of(text_of(r, "direction"), "incoming", "outgoing", "unknown", NULL))
		abort();
}

#define MAX_TYPES 16

static void check_promises(exhibit_host *host, int rc)
{
	const stub_record *first[MAX_TYPES];
	size_t i, j, n_types = 0, n = stub_host_record_count(host, NULL);

	if (stub_host_open_databases(host) != 0 || !is_exhibit_code(rc))
		abort();
	for (i = 0; i < n; i++) {
		const stub_record *r = stub_host_record(host, NULL, i);

		for (j = 0; j < n_types && strcmp(first[j]->type, r->type); j++)
			;
		if (j == n_types) {
			if (n_types == MAX_TYPES)
				abort(); /* more record types than the chat tables */
			first[n_types++] = r;
		}
		check_record(r, first[j]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* no path: what is found must depend on the content only */
	exhibit_host *host = stub_host_new(data, size, size % 2 ? NULL : "/evidence/x.db");
	int rc;

	if (!host)
		return 0;
	stub_host_set_sqlite_budget(host, 250, 1000);
	rc = stub_host_analyze(host, exhibit_plugin_entry());
	check_promises(host, rc);
	stub_host_free(host);
	return 0;
}

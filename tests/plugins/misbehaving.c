/*
 * misbehaving.c — a test plugin that fails in every way a plugin can, so
 * the tests can show the host survives each: it crashes on items named
 * "crash*", fails silently on "fail*", emits a record for an unknown
 * table on "badrecord*", hands back a child item on "child*" (so tests
 * have content in the case's store), and records the item's name
 * otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "exhibit/plugin.h"

static const char *const types[] = { "text/plain", NULL };

static int analyze(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item)
{
	exhibit_field fields[] = { EXHIBIT_FIELD_TEXT("name", item->name),
	                           EXHIBIT_FIELD_INT("rows", (int64_t)item->size) };

	if (!strncmp(item->name, "crash", 5)) {
		/* An unmapped address that is not NULL: a real SIGSEGV, which
		 * UBSan's null check (in sanitizer builds) would pre-empt. */
		volatile uintptr_t where = 16;
		return *(volatile int *)where;
	}
	if (!strncmp(item->name, "fail", 4))
		return EXHIBIT_ERR;
	if (!strncmp(item->name, "badrecord", 9))
		return api->emit_record(host, "files", fields, 1);
	if (!strncmp(item->name, "child", 5)) {
		char inner[256];
		int n = snprintf(inner, sizeof inner, "inside %s", item->name);
		return api->emit_child(host, "inner.bin", inner, (size_t)n);
	}
	return api->emit_record(host, "app_database_tables", fields, 2);
}

static const exhibit_plugin descriptor = {
	EXHIBIT_ABI_VERSION, "misbehaving", "1.0", "fails on purpose (tests only)",
	EXHIBIT_PLUGIN_ANALYZER, types, NULL, NULL, 0, analyze, NULL, NULL
};

EXHIBIT_PLUGIN_EXPORT const exhibit_plugin *exhibit_plugin_entry(void)
{
	return &descriptor;
}

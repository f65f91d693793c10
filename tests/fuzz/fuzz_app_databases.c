/*
 * fuzz_app_databases.c — libFuzzer target: arbitrary bytes, as an item,
 * through the stub host into the app-databases plugin (and so through the
 * hardened opener and SQLite itself).
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks the plugin's
 * promises on every input:
 *   - every connection opened through the host is closed again;
 *   - analyze() returns an EXHIBIT_* code;
 *   - content with the SQLite header yields exactly one app_databases
 *     record, content without it yields no record at all;
 *   - a short time budget (250 ms per row, 1 s per item) keeps every input
 *     fast, so a hang is a finding.
 *
 * Build and run (seeds are never written to; new inputs go to a scratch
 * directory first on the command line):
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Icore -Icore/include -Itests/support tests/fuzz/fuzz_app_databases.c \
 *     tests/support/stub_host.c core/untrusted_sqlite.c core/error.c \
 *     plugins/app-databases/app_databases.c \
 *     plugins/app-databases/known_apps.c -lsqlite3 -o fuzz_app_databases
 *   mkdir -p /tmp/fuzz-work && ./fuzz_app_databases /tmp/fuzz-work \
 *     tests/fuzz/corpus/app_databases -max_len=16384 -max_total_time=60
 *
 * Seeds (tests/fuzz/corpus/app_databases, each under 16 KiB, page size
 * 512) were made with the sqlite3 shell: a modern and a legacy WhatsApp
 * schema, an Android SMS schema, an iMessage schema written in WAL mode,
 * hostile table names with views and triggers, a WITHOUT ROWID table with
 * indexes and an FTS4 table, a table with overflow pages, and a truncated
 * database.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "stub_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Paths chosen by input size, so path matching is exercised too. */
static const char *const item_paths[] = {
	"/data/data/com.whatsapp/databases/msgstore.db",
	"/private/var/mobile/Library/SMS/sms.db",
	NULL, /* carved: no path */
	"/evidence/unknown.bin",
};

static int is_exhibit_code(int rc)
{
	return rc == EXHIBIT_OK || rc == EXHIBIT_ERR || rc == EXHIBIT_ERR_READ ||
	       rc == EXHIBIT_ERR_LIMIT || rc == EXHIBIT_ERR_FORMAT;
}

static void check_promises(exhibit_host *host, int rc, const uint8_t *data,
                           size_t size)
{
	int has_magic = size >= 16 && memcmp(data, "SQLite format 3", 16) == 0;
	size_t summaries = stub_host_record_count(host, "app_databases");

	if (stub_host_open_databases(host) != 0 || !is_exhibit_code(rc))
		abort();
	if (has_magic && summaries != 1)
		abort();
	if (!has_magic && stub_host_record_count(host, NULL) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = item_paths[size % (sizeof item_paths /
	                                      sizeof item_paths[0])];
	exhibit_host *host = stub_host_new(data, size, path);
	int rc;

	if (!host)
		return 0;
	stub_host_set_sqlite_budget(host, 250, 1000);
	rc = stub_host_analyze(host, exhibit_plugin_entry());
	check_promises(host, rc, data, size);
	stub_host_free(host);
	return 0;
}

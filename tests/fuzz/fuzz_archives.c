/*
 * fuzz_archives.c — libFuzzer target for the archives plugin (the archive
 * walker over libarchive).  Arbitrary bytes are sniffed as the host
 * sniffs them (core/sniff.c) and go, as an item of that type, through the
 * stub host into the plugin; for some inputs reads are served in short
 * chunks, and the item sits at a depth where the stub refuses children.
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks the plugin's
 * promises on every input:
 *   - analyze() returns an EXHIBIT_* code;
 *   - at most ARCHIVES_MAX_PROBLEMS + 1 error messages, each non-empty,
 *     each offset -1 or inside the item;
 *   - at most ARCHIVES_MAX_ENTRIES entry rows and one archives row;
 *   - every child is named by a clean relative path (no leading '/', no
 *     empty, "." or ".." component) and holds at most
 *     ARCHIVES_MAX_ENTRY_BYTES bytes.
 * Slowness shows as libFuzzer timeouts (run.sh passes -timeout=10).
 * libarchive is the system's, not instrumented: coverage guides through
 * the plugin's own code and the sniffer.
 *
 * Seeds: tests/fuzz/corpus/archives/, made by make_archive_seeds.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archives.h"
#include "sniff.h"
#include "stub_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_exhibit_code(int rc)
{
	return rc == EXHIBIT_OK || rc == EXHIBIT_ERR || rc == EXHIBIT_ERR_READ ||
	       rc == EXHIBIT_ERR_LIMIT || rc == EXHIBIT_ERR_FORMAT;
}

static int clean_path(const char *p)
{
	const char *c = p;

	if (!*p || *p == '/')
		return 0;
	while (*c) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		c += n;
		if (*c == '/')
			c++;
		else
			break;
	}
	return p[strlen(p) - 1] != '/';
}

static void check_promises(exhibit_host *host, int rc, size_t size)
{
	if (!is_exhibit_code(rc) || stub_host_error_count(host) > ARCHIVES_MAX_PROBLEMS + 1 ||
	    stub_host_record_count(host, "archive_entries") > ARCHIVES_MAX_ENTRIES ||
	    stub_host_record_count(host, "archives") > 1)
		abort();
	for (size_t i = 0; i < stub_host_error_count(host); i++) {
		const stub_error *e = stub_host_error(host, i);
		if (e->offset < -1 || (e->offset >= 0 && (uint64_t)e->offset > size) || !e->message[0])
			abort();
	}
	for (size_t i = 0; i < stub_host_child_count(host); i++) {
		const char *name;
		size_t len;

		stub_host_child(host, i, &len, &name);
		if (!clean_path(name) || len > ARCHIVES_MAX_ENTRY_BYTES)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the name matters for LZMA-alone files only (*.lzma) */
	exhibit_host *host = stub_host_new(data, size, size % 2 ? "/evidence/fuzzed.lzma"
	                                                        : "/evidence/fuzzed.gz");
	size_t head = size < SNIFF_HEAD_BYTES ? size : SNIFF_HEAD_BYTES;
	int rc;

	if (!host)
		return 0;
	stub_host_set_mime_type(host, sniff_content(data, head, size)->mime_type);
	if (size % 3 == 0)
		stub_host_set_read_chunk(host, 1 + size % 61);
	if (size % 5 == 0)
		stub_host_set_depth(host, 7, 7);
	rc = stub_host_analyze(host, exhibit_plugin_entry());
	check_promises(host, rc, size);
	stub_host_free(host);
	return 0;
}

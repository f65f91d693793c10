/*
 * fuzz_media.c — libFuzzer target for the media plugins' parsers: one
 * source, built once per container (Makefile.am gives FUZZ_MIME_TYPE:
 * fuzz_isobmff is "video/mp4", fuzz_exif is "image/tiff", ...).  Arbitrary
 * bytes go, as an item of that sniffed type, through the stub host into
 * the video-metadata or image-metadata plugin.
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks the plugins'
 * promises on every input:
 *   - analyze() returns an EXHIBIT_* code;
 *   - at most one media record;
 *     when analyze() says OK there is exactly one;
 *   - at most MEDIA_MAX_STREAMS stream records, MEDIA_MAX_TAGS + 2 tag
 *     records and MEDIA_MAX_PROBLEMS + 1 error messages (bounded output);
 *   - every error offset is -1 or inside the item;
 *   - reads are served in short chunks for some inputs, so a parser that
 *     assumes a read fills its buffer is caught.
 * Slowness shows as libFuzzer timeouts (run.sh passes -timeout=10).
 *
 * Seeds: tests/fuzz/corpus/<target>/, made by make_media_seeds.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "media.h"
#include "stub_host.h"

#ifndef FUZZ_MIME_TYPE
#error "build with -DFUZZ_MIME_TYPE='\"video/mp4\"' (or another media type)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_exhibit_code(int rc)
{
	return rc == EXHIBIT_OK || rc == EXHIBIT_ERR || rc == EXHIBIT_ERR_READ ||
	       rc == EXHIBIT_ERR_LIMIT || rc == EXHIBIT_ERR_FORMAT;
}

static void check_promises(exhibit_host *host, int rc, size_t size)
{
	size_t media = stub_host_record_count(host, "media");

	if (!is_exhibit_code(rc) || media > 1 || (rc == EXHIBIT_OK && media != 1))
		abort();
	if (stub_host_record_count(host, "media_streams") > MEDIA_MAX_STREAMS ||
	    stub_host_record_count(host, "media_tags") > MEDIA_MAX_TAGS + 2 ||
	    stub_host_error_count(host) > MEDIA_MAX_PROBLEMS + 1)
		abort();
	for (size_t i = 0; i < stub_host_error_count(host); i++) {
		const stub_error *e = stub_host_error(host, i);
		if (e->offset < -1 || (e->offset >= 0 && (uint64_t)e->offset > size) || !e->message[0])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	exhibit_host *host = stub_host_new(data, size, "/evidence/fuzzed");
	int rc;

	if (!host)
		return 0;
	stub_host_set_mime_type(host, FUZZ_MIME_TYPE);
	if (size % 3 == 0)
		stub_host_set_read_chunk(host, 1 + size % 61);
	rc = stub_host_analyze(host, exhibit_plugin_entry());
	check_promises(host, rc, size);
	stub_host_free(host);
	return 0;
}

/*
 * fuzz_media_pdq.c — libFuzzer target for the media-pdq plugin: one
 * source, built once per sniffed type (Makefile.am gives FUZZ_MIME_TYPE:
 * fuzz_pdq_jpeg is "image/jpeg", fuzz_pdq_mp4 is "video/mp4", ...).
 * Arbitrary bytes go, as an item of that type, through the stub host into
 * the plugin: its header reading (picture_size.c), the AVIO bridge, and
 * FFmpeg's demuxer and decoder under the plugin's limits.  FFmpeg itself
 * is not instrumented, so coverage guides only through the plugin's own
 * code; a crash, a hang or a leak anywhere still shows.
 *
 * Promises checked on every input:
 *   - analyze() returns an EXHIBIT_* code;
 *   - an image gives no media_pdq record or exactly three (the whole
 *     picture and two crops), a video at most 120 media_frames records
 *     numbered 0, 1, 2... with times that never go back;
 *   - every hash is 32 bytes, every quality 0..100;
 *   - every error offset is -1 or inside the item, every message non-empty;
 *   - reads are served in short chunks for some inputs.
 * The plugin's CPU budget is cut to 2 s in this build (FUZZ_BUDGET), so
 * that a slow input shows as a limit, and libFuzzer's -timeout=10 catches
 * only a real hang.
 *
 * Seeds: tests/fuzz/corpus/pdq_<type>/, made by make_pdq_seeds.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "stub_host.h"

#ifndef FUZZ_MIME_TYPE
#error "build with -DFUZZ_MIME_TYPE='\"image/jpeg\"' (or another type media-pdq takes)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_exhibit_code(int rc)
{
	return rc == EXHIBIT_OK || rc == EXHIBIT_ERR || rc == EXHIBIT_ERR_READ ||
	       rc == EXHIBIT_ERR_LIMIT || rc == EXHIBIT_ERR_FORMAT;
}

static void check_hash_fields(const stub_record *r)
{
	const stub_field *pdq = stub_record_field(r, "pdq"), *q = stub_record_field(r, "quality");

	if (!pdq || pdq->type != EXHIBIT_BLOB || pdq->blob_len != 32 || !q || q->i < 0 || q->i > 100)
		abort();
}

static void check_promises(exhibit_host *host, int rc, size_t size)
{
	size_t images = stub_host_record_count(host, "media_pdq");
	size_t frames = stub_host_record_count(host, "media_frames");
	double last = -1;

	if (!is_exhibit_code(rc) || (images != 0 && images != 3) || frames > 120)
		abort();
	for (size_t i = 0; i < images; i++)
		check_hash_fields(stub_host_record(host, "media_pdq", i));
	for (size_t i = 0; i < frames; i++) {
		const stub_record *r = stub_host_record(host, "media_frames", i);
		const stub_field *n = stub_record_field(r, "frame"), *t = stub_record_field(r, "time_s");
		check_hash_fields(r);
		if (!n || n->i != (int64_t)i || !t || t->r < last)
			abort();
		last = t->r;
	}
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

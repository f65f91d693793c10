/*
 * fuzz_media_preview.c — libFuzzer target for the media-preview plugin,
 * built once per sniffed type like fuzz_media_pdq.c (FUZZ_MIME_TYPE:
 * fuzz_preview_jpeg is "image/jpeg", fuzz_preview_mp4 "video/mp4").
 * Arbitrary bytes go through the stub host into the plugin: the shared
 * decoder (picture_size.c, the AVIO bridge, FFmpeg under the limits),
 * then the tiles, the blur and the JPEG encoder on whatever decoded.
 *
 * Promises checked on every input:
 *   - analyze() returns an EXHIBIT_* code;
 *   - no preview record or exactly two, of the kind the type calls for
 *     (thumbnail for an image, contact_sheet for a video), the first as
 *     decoded and the second blurred, of one size: at most 256 on a side
 *     for a thumbnail, 4 x 4 tiles of 160 for a sheet; 1 frame for a
 *     thumbnail, 1..16 for a sheet;
 *   - each record's data is a whole JPEG (SOI first, EOI last);
 *   - every error offset is -1 or inside the item, every message non-empty;
 *   - reads are served in short chunks for some inputs.
 * FUZZ_BUDGET cuts the CPU budget to 2 s, as for media-pdq.
 *
 * Seeds: tests/fuzz/corpus/preview_<type>/ (make_pdq_seeds.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"
#include "stub_host.h"

#ifndef FUZZ_MIME_TYPE
#error "build with -DFUZZ_MIME_TYPE='\"image/jpeg\"' (or another type media-preview takes)"
#endif

#define SHEET_SIDE (4 * 164 + 4)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_exhibit_code(int rc)
{
	return rc == EXHIBIT_OK || rc == EXHIBIT_ERR || rc == EXHIBIT_ERR_READ ||
	       rc == EXHIBIT_ERR_LIMIT || rc == EXHIBIT_ERR_FORMAT;
}

static int64_t int_field(const stub_record *r, const char *name)
{
	const stub_field *f = stub_record_field(r, name);

	if (!f || f->type != EXHIBIT_INT)
		abort();
	return f->i;
}

static void check_preview(const stub_record *r, int blurred, int video, int64_t *w, int64_t *h)
{
	const stub_field *kind = stub_record_field(r, "kind"), *jpeg = stub_record_field(r, "data");
	const unsigned char *b;
	int64_t frames = int_field(r, "frames"), side = video ? SHEET_SIDE : 256;

	if (!kind || kind->type != EXHIBIT_TEXT ||
	    strcmp(kind->text, video ? "contact_sheet" : "thumbnail") ||
	    int_field(r, "blurred") != blurred)
		abort();
	if (blurred && (int_field(r, "width") != *w || int_field(r, "height") != *h))
		abort();
	*w = int_field(r, "width");
	*h = int_field(r, "height");
	if (*w < 1 || *h < 1 || *w > side || *h > side || frames < 1 || frames > (video ? 16 : 1))
		abort();
	if (!jpeg || jpeg->type != EXHIBIT_BLOB || jpeg->blob_len < 4)
		abort();
	b = jpeg->blob;
	if (b[0] != 0xff || b[1] != 0xd8 || b[jpeg->blob_len - 2] != 0xff ||
	    b[jpeg->blob_len - 1] != 0xd9)
		abort();
}

static void check_promises(exhibit_host *host, int rc, size_t size)
{
	size_t n = stub_host_record_count(host, "previews");
	int video = !strncmp(FUZZ_MIME_TYPE, "video/", 6);
	int64_t w = 0, h = 0;

	if (!is_exhibit_code(rc) || (n != 0 && n != 2) ||
	    stub_host_record_count(host, NULL) != n || stub_host_child_count(host) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		check_preview(stub_host_record(host, "previews", i), (int)i, video, &w, &h);
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

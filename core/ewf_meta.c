/*
 * ewf_meta.c — see ewf_meta.h.
 */
#include "ewf_meta.h"

#include <libewf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parallel_hash.h"
#include "text.h"

static int ewf_fail(exhibit_error *err, const char *what, const char *path,
                    libewf_error_t *lerr)
{
	char detail[512] = "";

	if (lerr) {
		libewf_error_sprint(lerr, detail, sizeof detail);
		libewf_error_free(&lerr);
	}
	return exhibit_error_set(err, -2, 0, "%s: %s%s%s", path, what,
	                         detail[0] ? ": " : "", detail);
}

int ewf_is_ewf_file(const char *path)
{
	static const unsigned char evf1[8] = { 'E', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00 };
	static const unsigned char evf2[8] = { 'E', 'V', 'F', '2', 0x0d, 0x0a, 0x81, 0x00 };
	static const unsigned char lvf1[8] = { 'L', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00 };
	unsigned char head[8];
	FILE *f = fopen(path, "rb");
	size_t got;

	if (!f)
		return 0;
	got = fread(head, 1, sizeof head, f);
	fclose(f);
	return got == sizeof head && (!memcmp(head, evf1, 8) || !memcmp(head, evf2, 8) ||
	                              !memcmp(head, lvf1, 8));
}

int ewf_glob_segments(const char *path, char ***segments, int *n_segments,
                      exhibit_error *err)
{
	libewf_error_t *lerr = NULL;

	*segments = NULL;
	*n_segments = 0;
	if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN, segments,
	                n_segments, &lerr) != 1)
		return ewf_fail(err, "cannot find the EWF segment files", path, lerr);
	return 0;
}

void ewf_free_segments(char **segments, int n_segments)
{
	if (segments)
		libewf_glob_free(segments, n_segments, NULL);
}

/* Header values are attacker-controlled: keep them, but printable. */
static char *header_value(libewf_handle_t *h, const char *name)
{
	size_t size = 0;
	uint8_t *raw;
	char *clean;

	if (libewf_handle_get_utf8_header_value_size(h, (const uint8_t *)name,
	                                             strlen(name), &size, NULL) != 1 ||
	    size == 0 || size > 65536)
		return NULL;
	raw = calloc(1, size + 1);
	if (!raw)
		return NULL;
	if (libewf_handle_get_utf8_header_value(h, (const uint8_t *)name, strlen(name),
	                                        raw, size, NULL) != 1) {
		free(raw);
		return NULL;
	}
	clean = text_escape_utf8((const char *)raw, strnlen((const char *)raw, size));
	free(raw);
	if (clean && !clean[0]) {
		free(clean);
		return NULL;
	}
	return clean;
}

static void read_stored_hashes(libewf_handle_t *h, ewf_meta *meta)
{
	uint8_t text[64];

	meta->has_md5 = libewf_handle_get_md5_hash(h, meta->md5, sizeof meta->md5, NULL) == 1;
	memset(text, 0, sizeof text);
	if (libewf_handle_get_utf8_hash_value(h, (const uint8_t *)"SHA1", 4, text,
	                                      sizeof text, NULL) == 1 &&
	    strlen((char *)text) == 40) {
		for (int i = 0; i < 20; i++) {
			unsigned v;
			if (sscanf((char *)text + 2 * i, "%2x", &v) != 1)
				return;
			meta->sha1[i] = (unsigned char)v;
		}
		meta->has_sha1 = 1;
	}
}

static void read_header_values(libewf_handle_t *h, ewf_meta *meta)
{
	int8_t level = -1;
	uint8_t flags = 0;
	size64_t media = 0;

	meta->case_number = header_value(h, "case_number");
	meta->evidence_number = header_value(h, "evidence_number");
	meta->examiner = header_value(h, "examiner_name");
	meta->description = header_value(h, "description");
	meta->notes = header_value(h, "notes");
	meta->acquired = header_value(h, "acquiry_date");
	meta->system_date = header_value(h, "system_date");
	meta->acquisition_software = header_value(h, "acquiry_software");
	meta->acquisition_software_version = header_value(h, "acquiry_software_version");
	meta->acquisition_os = header_value(h, "acquiry_operating_system");
	meta->model = header_value(h, "model");
	meta->serial_number = header_value(h, "serial_number");
	if (libewf_handle_get_media_size(h, &media, NULL) == 1)
		meta->media_size = media;
	libewf_handle_get_bytes_per_sector(h, &meta->bytes_per_sector, NULL);
	libewf_handle_get_chunk_size(h, &meta->chunk_size, NULL);
	meta->compression_level = -1;
	if (libewf_handle_get_compression_values(h, &level, &flags, NULL) == 1)
		meta->compression_level = level;
}

const char *ewf_compression_name(int level)
{
	switch (level) {
	case LIBEWF_COMPRESSION_NONE: return "none";
	case LIBEWF_COMPRESSION_FAST: return "fast";
	case LIBEWF_COMPRESSION_BEST: return "best";
	default: return NULL;
	}
}

/* open_segments — a read-only libewf handle on the segments, or NULL. */
static libewf_handle_t *open_segments(char *const segments[], int n_segments,
                                      exhibit_error *err)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *lerr = NULL;

	if (n_segments < 1) {
		exhibit_error_set(err, -1, -1, "no EWF segment given");
		return NULL;
	}
	if (libewf_handle_initialize(&h, &lerr) != 1) {
		ewf_fail(err, "cannot initialise libewf", segments[0], lerr);
		return NULL;
	}
	if (libewf_handle_open(h, segments, n_segments, LIBEWF_OPEN_READ, &lerr) != 1) {
		ewf_fail(err, "not a readable EWF image (missing or damaged segment?)",
		         segments[0], lerr);
		libewf_handle_free(&h, NULL);
		return NULL;
	}
	return h;
}

static void close_segments(libewf_handle_t *h)
{
	libewf_handle_close(h, NULL);
	libewf_handle_free(&h, NULL);
}

int ewf_meta_read(char *const segments[], int n_segments, ewf_meta *meta,
                  exhibit_error *err)
{
	libewf_handle_t *h;

	memset(meta, 0, sizeof *meta);
	h = open_segments(segments, n_segments, err);
	if (!h)
		return err && err->code ? err->code : -2;
	read_header_values(h, meta);
	read_stored_hashes(h, meta);
	close_segments(h);
	return 0;
}

void ewf_meta_clear(ewf_meta *meta)
{
	free(meta->case_number);
	free(meta->evidence_number);
	free(meta->examiner);
	free(meta->description);
	free(meta->notes);
	free(meta->acquired);
	free(meta->system_date);
	free(meta->acquisition_software);
	free(meta->acquisition_software_version);
	free(meta->acquisition_os);
	free(meta->model);
	free(meta->serial_number);
	memset(meta, 0, sizeof *meta);
}

#define EWF_HASH_CHUNK (4u << 20)

static void report_checksum_errors(libewf_handle_t *h, uint32_t sector_size,
                                   const ewf_hash_callbacks *cb)
{
	uint32_t count = 0;

	if (!cb || !cb->bad_range ||
	    libewf_handle_get_number_of_checksum_errors(h, &count, NULL) != 1)
		return;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t first = 0, n = 0;

		if (libewf_handle_get_checksum_error(h, i, &first, &n, NULL) == 1)
			cb->bad_range(cb->ctx, first * sector_size, n * sector_size);
	}
}

static int hash_open_handle(libewf_handle_t *h, uint64_t size, digests *out,
                            const ewf_hash_callbacks *cb, const char *path,
                            exhibit_error *err)
{
	parallel_hash *ph = parallel_hash_new(EWF_HASH_CHUNK, err);
	uint64_t offset = 0;
	int rc;

	if (!ph)
		return -1;
	while (offset < size) {
		size_t want = size - offset < EWF_HASH_CHUNK ? (size_t)(size - offset) : EWF_HASH_CHUNK;
		libewf_error_t *lerr = NULL;
		ssize_t got = libewf_handle_read_buffer(h, parallel_hash_next(ph), want, &lerr);

		if (got <= 0) {
			rc = ewf_fail(err, "the media cannot be read through to its end", path, lerr);
			if (err)
				err->offset = (int64_t)offset;
			parallel_hash_free(ph);
			return rc;
		}
		parallel_hash_submit(ph, (size_t)got);
		offset += (uint64_t)got;
		if (cb && cb->progress)
			cb->progress(cb->ctx, (uint64_t)got);
	}
	rc = parallel_hash_finish(ph, out, err);
	parallel_hash_free(ph);
	return rc;
}

int ewf_hash_media(char *const segments[], int n_segments, digests *out,
                   const ewf_hash_callbacks *cb, exhibit_error *err)
{
	libewf_handle_t *h = open_segments(segments, n_segments, err);
	size64_t size = 0;
	uint32_t sector_size = 512;
	int rc;

	if (!h)
		return err && err->code ? err->code : -2;
	libewf_handle_get_media_size(h, &size, NULL);
	libewf_handle_get_bytes_per_sector(h, &sector_size, NULL);
	rc = hash_open_handle(h, size, out, cb, segments[0], err);
	report_checksum_errors(h, sector_size, cb);
	close_segments(h);
	return rc;
}

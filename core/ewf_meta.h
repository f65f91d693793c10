/*
 * ewf_meta.h — what an EWF (E01/Ex01) acquisition says about itself.
 *
 * libtsk reads the media of an EWF image; this module asks libewf directly
 * for the header values the acquisition recorded (case number, examiner,
 * dates, ...) and for the hashes it stored, so the case can show them next
 * to the hashes exhibit computes.  Header values come from hostile files:
 * they are returned as UTF-8 text with control characters escaped.
 */
#ifndef EXHIBIT_EWF_META_H
#define EXHIBIT_EWF_META_H

#include <stdint.h>

#include "error.h"
#include "hash.h"

typedef struct ewf_meta {
	char *case_number;
	char *evidence_number;
	char *examiner;
	char *description;
	char *notes;
	char *acquired;          /* acquiry_date as libewf renders it */
	char *system_date;
	char *acquisition_software;  /* acquiry_software (EWF2) or the software version */
	char *acquisition_software_version;
	char *acquisition_os;
	char *model;             /* of the acquired device, when recorded */
	char *serial_number;
	uint64_t media_size;
	uint32_t bytes_per_sector;
	uint32_t chunk_size;
	int compression_level;   /* -1 when unknown */
	int has_md5, has_sha1;
	unsigned char md5[16];
	unsigned char sha1[20];
} ewf_meta;

/*
 * ewf_meta_read — open the segments read-only and fill meta.  segments are
 * all segment files of one image, in order.
 * RETURN: 0, or a negative code with err naming the first segment.
 */
int ewf_meta_read(char *const segments[], int n_segments, ewf_meta *meta,
                  exhibit_error *err);

/* ewf_compression_name — "none", "fast" or "best" for a libewf compression
 * level, NULL when unknown. */
const char *ewf_compression_name(int level);

/* ewf_meta_clear — free what ewf_meta_read allocated. */
void ewf_meta_clear(ewf_meta *meta);

/*
 * ewf_glob_segments — the segment files of the EWF image whose first
 * segment is path (E01, E02, ..., EAA, ...; Ex01; S01; L01).
 * RETURN: 0 with *segments (free with ewf_free_segments) or a negative code.
 */
int ewf_glob_segments(const char *path, char ***segments, int *n_segments,
                      exhibit_error *err);
void ewf_free_segments(char **segments, int n_segments);

/* Callbacks of ewf_hash_media: bytes read so far, and each range whose
 * chunk failed its checksum (libewf hands such chunks back zero-filled). */
typedef struct ewf_hash_callbacks {
	void *ctx;
	void (*progress)(void *ctx, uint64_t bytes);
	void (*bad_range)(void *ctx, uint64_t offset, uint64_t length);
} ewf_hash_callbacks;

/*
 * ewf_hash_media — read the media through libewf in order and compute MD5,
 * SHA-1 and SHA-256, reporting every chunk that failed its checksum, so a
 * damaged acquisition is a recorded finding and not a silent zero-fill.
 * RETURN: 0, or a negative code with err naming the segment and offset.
 */
int ewf_hash_media(char *const segments[], int n_segments, digests *out,
                   const ewf_hash_callbacks *cb, exhibit_error *err);

/* ewf_is_ewf_file — 1 when the file starts with an EWF signature. */
int ewf_is_ewf_file(const char *path);

#endif

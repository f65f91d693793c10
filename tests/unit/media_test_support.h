/*
 * media_test_support.h — what the media plugins' unit tests share: files
 * of the corpus and generated ones, running a plugin through the stub
 * host, reading its records, checking them against schemas/case.sql, and
 * ffprobe's view of a file (its JSON output, read by a small JSON reader)
 * to compare with.
 */
#ifndef EXHIBIT_MEDIA_TEST_SUPPORT_H
#define EXHIBIT_MEDIA_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exhibit/plugin.h"
#include "stub_host.h"

/* The corpus directory: $EXHIBIT_CORPUS, else EXHIBIT_CORPUS_DIR. */
const char *corpus_dir(void);

/* A whole file, malloc'd (NULL when it cannot be read). */
unsigned char *read_whole(const char *path, size_t *len);

/* Run plugin over bytes sniffed as mime; *rc gets analyze()'s code. */
exhibit_host *analyze_bytes(const exhibit_plugin *plugin, const char *mime, const void *data,
                            size_t len, int *rc);

/* The one media record (fails the test when there is not exactly one). */
const stub_record *media_record(const exhibit_host *host);

/* Field values: NULL / false when absent or NULL. */
const char *field_text(const stub_record *r, const char *name);
bool field_int(const stub_record *r, const char *name, int64_t *out);
bool field_real(const stub_record *r, const char *name, double *out);

/* The value of the first media_tags record with this source and name. */
const char *tag_value(const exhibit_host *host, const char *source, const char *name);

/* Every record names a plugin record table and its columns (fails the
 * test otherwise). */
void check_records_match_schema(const exhibit_host *host);

/* An error message containing text was reported (any offset). */
bool has_error(const exhibit_host *host, const char *text);

/* ffprobe's view: format duration, and the streams in order. */
typedef struct probe_stream {
	char type[16];  /* video, audio, subtitle, data */
	char codec[32];
	int64_t width, height;
} probe_stream;

typedef struct probe {
	bool has_duration;
	double duration;
	size_t n_streams;
	probe_stream streams[16];
} probe;

/* ffprobe is on the PATH. */
bool ffprobe_available(void);

/* Run `ffprobe -v error -show_streams -show_format -of json path`.
 * RETURN: false when ffprobe fails or its output cannot be read. */
bool ffprobe_run(const char *path, probe *out);

/* Durations agree within 0.05 s or 0.5 %. */
bool duration_close(double ours, double theirs);

/* A shell command's exit status is 0 (output discarded). */
bool run_quiet(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

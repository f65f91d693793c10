/*
 * export_sink.h — where an export's bytes go, and what they hash to.
 *
 * A file sink writes to a temporary file beside the output (same
 * directory, so the final rename is atomic) and renames it into place on
 * commit, never replacing anything that appeared there meanwhile; abort
 * (or any failure) removes the temporary file, so a failed export leaves
 * nothing.  Every byte also feeds MD5, SHA-1 and SHA-256.  A buffer sink
 * keeps the bytes in memory (for tests); a digest sink only hashes them.
 *
 * Writes never fail individually: the first error is kept and every later
 * write is ignored, and commit reports it.  So writers are straight-line
 * code, as with stdio, but no error is ever lost.
 */
#ifndef EXHIBIT_EXPORT_SINK_H
#define EXHIBIT_EXPORT_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "hash.h"

typedef struct export_sink export_sink;

/*
 * export_sink_create — a sink that will become the file at path.  path must
 * not exist; its directory must.
 * RETURN: the sink, or NULL with err naming path.
 */
export_sink *export_sink_create(const char *path, exhibit_error *err);

/* export_sink_new_buffer — bytes kept in memory (export_sink_buffer). */
export_sink *export_sink_new_buffer(void);

/* export_sink_new_digest — bytes only hashed, never stored. */
export_sink *export_sink_new_digest(void);

void export_sink_write(export_sink *s, const void *bytes, size_t len);
void export_sink_puts(export_sink *s, const char *text);
void export_sink_printf(export_sink *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* export_sink_failed — 1 once a write has failed (or memory ran out). */
int export_sink_failed(const export_sink *s);

/* export_sink_size — bytes written so far. */
uint64_t export_sink_size(const export_sink *s);

/* export_sink_buffer — the bytes of a buffer sink, NUL-terminated (valid
 * until the next write or free); NULL for other sinks. */
const char *export_sink_buffer(const export_sink *s, size_t *len);

/*
 * export_sink_finish — complete the stream: the digests of everything
 * written; for a file sink, flush, fsync and rename into place.  The sink
 * is freed whatever happens.
 * RETURN: 0, or a negative code with err (a file sink then leaves nothing).
 */
int export_sink_finish(export_sink *s, digests *d, uint64_t *size, exhibit_error *err);

/* export_sink_abort — drop the sink; a file sink's temporary file goes. */
void export_sink_abort(export_sink *s);

/* export_stop — async-signal-safe: from now on every sink write fails
 * (EINTR) and long exports stop, so an interrupted export cleans up after
 * itself and leaves nothing.  export_stopping — 1 once asked. */
void export_stop(void);
int export_stopping(void);

/*
 * export_rename_new — rename from to to, failing (EEXIST) rather than
 * replacing anything at to.  Works for files and directories.
 * RETURN: 0, or -1 with errno set.
 */
int export_rename_new(const char *from, const char *to);

/* export_temp_name — a malloc'd temporary name beside path:
 * DIR/.BASE.exhibit-tmp-XXXXXX (the X's for mkstemp/mkdtemp). */
char *export_temp_name(const char *path);

#endif

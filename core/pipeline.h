/*
 * pipeline.h — `exhibit process`: evidence in, case rows out.
 *
 * The calling thread walks each evidence source; a pool of worker threads
 * reads every file's content once, in chunks, hashing it (MD5, SHA-1,
 * SHA-256), sniffing its type and handing new content to the plugins that
 * accept it; the writer thread stores the results.  Queues between the
 * three are bounded, so memory stays bounded whatever the image size.
 *
 * Resume: an entry's (evidence, walk sequence) is its identity.  Entries
 * already in the case are skipped; content already analysed is not
 * analysed again.  A run killed at any moment and started again ends with
 * the same rows as an uninterrupted one.
 */
#ifndef EXHIBIT_PIPELINE_H
#define EXHIBIT_PIPELINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "casedb.h"
#include "error.h"
#include "plugins.h"

typedef enum pipeline_event_kind {
	EVENT_EVIDENCE_START,  /* path, format, size */
	EVENT_EVIDENCE_DONE,   /* path */
	EVENT_EVIDENCE_SKIPPED,/* path, message: already processed */
	EVENT_PROBLEM,         /* path (item or evidence), offset, message */
	EVENT_CARVE_START,     /* path, size: bytes to carve, message */
	EVENT_CARVE_DONE       /* path, size, message: what was carved */
} pipeline_event_kind;

typedef struct pipeline_event {
	pipeline_event_kind kind;
	const char *path;
	const char *format;
	uint64_t size;
	int64_t offset;
	const char *plugin;
	const char *message;
} pipeline_event;

/* Counters the progress display reads while the run goes on. */
typedef struct pipeline_stats {
	_Atomic uint64_t items_walked, items_done, items_skipped;
	_Atomic uint64_t bytes_walked, bytes_done;
	_Atomic uint64_t problems;
	_Atomic uint64_t image_bytes_total, image_bytes_hashed;
	_Atomic int walk_finished;
	_Atomic uint64_t carve_bytes_total, carve_bytes_done, carved_files;
} pipeline_stats;

/* What carving covers. */
typedef enum pipeline_carve {
	PIPELINE_CARVE_OFF = 0,
	PIPELINE_CARVE_FREE,      /* unallocated, slack, unpartitioned and unrecognised space */
	PIPELINE_CARVE_ALL        /* the whole image, instead */
} pipeline_carve;

typedef struct pipeline_options {
	unsigned jobs;           /* worker threads; 0 = every core */
	unsigned max_depth;      /* child items deeper than this are refused */
	int hash_images;         /* MD5/SHA-1/SHA-256 of each image as a whole */
	uint64_t max_sqlite_bytes; /* largest database open_sqlite loads */
	const plugin_registry *plugins;
	const struct hashdb *hash_sets; /* look every content up here; NULL: no matching */
	pipeline_carve carve;
	const char *const *carvers; /* carver plugins to run (NULL-terminated); NULL: every one */
	/* event — called from any thread, one call at a time. */
	void (*event)(void *ctx, const pipeline_event *ev);
	void *event_ctx;
} pipeline_options;

/*
 * pipeline_run — process every path into the case.
 * RETURN: 0 when everything was processed, 1 when the run completed but
 * something could not be read or analysed (recorded in the case), or a
 * negative code when the run could not proceed (err says why).
 */
int pipeline_run(casedb *db, const char *const *paths, size_t n_paths,
                 const pipeline_options *opts, pipeline_stats *stats,
                 exhibit_error *err);

#endif

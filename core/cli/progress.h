/*
 * progress.h — showing a run as it goes: a bar on a terminal (stderr), or
 * JSON lines events on stdout for scripts, or nothing when not a terminal.
 */
#ifndef EXHIBIT_PROGRESS_H
#define EXHIBIT_PROGRESS_H

#include <pthread.h>
#include <time.h>

#include "pipeline.h"

typedef enum progress_mode { PROGRESS_QUIET, PROGRESS_BAR, PROGRESS_JSON } progress_mode;

typedef struct progress {
	progress_mode mode;
	pipeline_stats *stats;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t stop_cond;
	int stop, running;
	struct timespec started;
	int bar_shown;
} progress;

void progress_start(progress *p, progress_mode mode, pipeline_stats *stats);
void progress_stop(progress *p);

/* progress_event — the pipeline's event callback (ctx is the progress). */
void progress_event(void *ctx, const pipeline_event *ev);

/* progress_elapsed — seconds since progress_start. */
double progress_elapsed(const progress *p);

#endif

/*
 * progress.c — see progress.h.
 */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define TICK_MS 250

double progress_elapsed(const progress *p)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - p->started.tv_sec) +
	       (double)(now.tv_nsec - p->started.tv_nsec) / 1e9;
}

static void human_bytes(double bytes, char *out, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	snprintf(out, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

static void draw_bar(progress *p)
{
	pipeline_stats *s = p->stats;
	double secs = progress_elapsed(p);
	uint64_t done = atomic_load(&s->bytes_done), total = atomic_load(&s->bytes_walked);
	uint64_t items = atomic_load(&s->items_done), walked = atomic_load(&s->items_walked);
	uint64_t image_done = atomic_load(&s->image_bytes_hashed);
	uint64_t image_total = atomic_load(&s->image_bytes_total);
	int finished_walk = atomic_load(&s->walk_finished);
	double frac = total ? (double)done / (double)total : 0;
	double rate = secs > 0 ? (double)done / secs : 0;
	char done_s[32], total_s[32], rate_s[32], eta[32] = "--:--";
	char bar[31];
	int filled;

	if (!finished_walk && image_total)
		frac = (double)image_done / (double)image_total; /* totals still grow */
	if (frac > 1)
		frac = 1;
	filled = (int)(frac * 30);
	for (int i = 0; i < 30; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[30] = '\0';
	human_bytes((double)done, done_s, sizeof done_s);
	human_bytes((double)total, total_s, sizeof total_s);
	human_bytes(rate, rate_s, sizeof rate_s);
	if (finished_walk && rate > 0 && total >= done) {
		long left = (long)((double)(total - done) / rate);
		snprintf(eta, sizeof eta, "%02ld:%02ld", left / 60, left % 60);
	} else if (image_total && image_done && image_done < image_total && secs > 1) {
		/* While the walk's totals still grow, the whole-image hash, which
		 * moves through the media at a steady pace, gives the estimate. */
		long left = (long)((double)(image_total - image_done) * secs / (double)image_done);
		snprintf(eta, sizeof eta, "~%02ld:%02ld", left / 60, left % 60);
	}
	fprintf(stderr, "\r[%s] %3.0f%% %s/%s%s  %llu/%llu%s items  %s/s  ETA %s", bar,
	        frac * 100, done_s, total_s, finished_walk ? "" : "+",
	        (unsigned long long)items, (unsigned long long)walked,
	        finished_walk ? "" : "+", rate_s, eta);
	/* The walk stays only a little ahead of the workers (bounded memory),
	 * so until it ends the totals grow ("+"); the whole-image hash shows
	 * how far through the media the run is. */
	if (image_total)
		fprintf(stderr, "  image hash %3.0f%%", 100.0 * (double)image_done / (double)image_total);
	if (atomic_load(&s->carve_bytes_total))
		fprintf(stderr, "  carving %3.0f%% (%llu files)",
		        100.0 * (double)atomic_load(&s->carve_bytes_done) /
		        (double)atomic_load(&s->carve_bytes_total),
		        (unsigned long long)atomic_load(&s->carved_files));
	fputc(' ', stderr);
	fflush(stderr);
	p->bar_shown = 1;
}

static void emit_json_progress(progress *p)
{
	pipeline_stats *s = p->stats;

	printf("{\"event\":\"progress\",\"seconds\":%.3f,\"items_done\":%llu,\"items_walked\":%llu,"
	       "\"bytes_done\":%llu,\"bytes_walked\":%llu,\"problems\":%llu,"
	       "\"carve_bytes_done\":%llu,\"carve_bytes_total\":%llu,\"carved_files\":%llu}\n",
	       progress_elapsed(p), (unsigned long long)atomic_load(&s->items_done),
	       (unsigned long long)atomic_load(&s->items_walked),
	       (unsigned long long)atomic_load(&s->bytes_done),
	       (unsigned long long)atomic_load(&s->bytes_walked),
	       (unsigned long long)atomic_load(&s->problems),
	       (unsigned long long)atomic_load(&s->carve_bytes_done),
	       (unsigned long long)atomic_load(&s->carve_bytes_total),
	       (unsigned long long)atomic_load(&s->carved_files));
	fflush(stdout);
}

static void *progress_main(void *arg)
{
	progress *p = arg;
	unsigned ticks = 0;

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->stop_cond, &p->lock, &until);
		if (p->stop)
			break;
		ticks++;
		if (p->mode == PROGRESS_BAR)
			draw_bar(p);
		else if (p->mode == PROGRESS_JSON && ticks % 4 == 0)
			emit_json_progress(p);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void progress_start(progress *p, progress_mode mode, pipeline_stats *stats)
{
	memset(p, 0, sizeof *p);
	p->mode = mode;
	p->stats = stats;
	clock_gettime(CLOCK_MONOTONIC, &p->started);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->stop_cond, NULL);
	if (mode != PROGRESS_QUIET && pthread_create(&p->thread, NULL, progress_main, p) == 0)
		p->running = 1;
}

void progress_stop(progress *p)
{
	if (p->running) {
		pthread_mutex_lock(&p->lock);
		p->stop = 1;
		pthread_cond_signal(&p->stop_cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	if (p->mode == PROGRESS_BAR) {
		draw_bar(p);
		fputc('\n', stderr);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->stop_cond);
}

static void print_json_event(const pipeline_event *ev)
{
	static const char *const names[] = { "evidence-start", "evidence-done",
	                                     "evidence-skipped", "problem", "carve-start",
	                                     "carve-done" };
	char *path = text_json_escape(ev->path ? ev->path : "");
	char *msg = text_json_escape(ev->message ? ev->message : "");

	printf("{\"event\":\"%s\",\"path\":%s", names[ev->kind], path ? path : "\"\"");
	if (ev->format)
		printf(",\"format\":\"%s\",\"size\":%llu", ev->format, (unsigned long long)ev->size);
	else if (ev->kind == EVENT_CARVE_START || ev->kind == EVENT_CARVE_DONE)
		printf(",\"bytes\":%llu", (unsigned long long)ev->size);
	if (ev->plugin)
		printf(",\"plugin\":\"%s\"", ev->plugin);
	if (ev->offset >= 0)
		printf(",\"offset\":%lld", (long long)ev->offset);
	if (ev->message)
		printf(",\"message\":%s", msg ? msg : "\"\"");
	printf("}\n");
	fflush(stdout);
	free(path);
	free(msg);
}

void progress_event(void *ctx, const pipeline_event *ev)
{
	progress *p = ctx;

	if (p->mode == PROGRESS_JSON) {
		print_json_event(ev);
		return;
	}
	if (p->bar_shown)
		fputc('\n', stderr);
	p->bar_shown = 0;
	switch (ev->kind) {
	case EVENT_EVIDENCE_START:
		fprintf(stderr, "exhibit: processing %s (%s, %llu bytes)\n", ev->path, ev->format,
		        (unsigned long long)ev->size);
		break;
	case EVENT_EVIDENCE_DONE:
		fprintf(stderr, "exhibit: finished %s\n", ev->path);
		break;
	case EVENT_EVIDENCE_SKIPPED:
	case EVENT_CARVE_START:
	case EVENT_CARVE_DONE:
		fprintf(stderr, "exhibit: %s: %s\n", ev->path, ev->message);
		break;
	case EVENT_PROBLEM:
		if (ev->offset >= 0)
			fprintf(stderr, "exhibit: %s%s%s: offset %lld: %s\n", ev->path,
			        ev->plugin ? ": " : "", ev->plugin ? ev->plugin : "",
			        (long long)ev->offset, ev->message);
		else
			fprintf(stderr, "exhibit: %s%s%s: %s\n", ev->path, ev->plugin ? ": " : "",
			        ev->plugin ? ev->plugin : "", ev->message);
		break;
	}
}

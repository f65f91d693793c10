/*
 * carve_run.c — see carve_run.h.
 */
#include "carve_run.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_answers.h"
#include "plugin_guard.h"

#include <unistd.h>

/* Blocks handed out and not yet resolved, at most: memory stays bounded
 * while a slow block holds resolution up. */
#define MAX_IN_FLIGHT 256

/* A carved file already in the case (resume). */
typedef struct identity {
	const char *stream;        /* a carve_stream_kind_name */
	int64_t fs_id;
	uint64_t image_offset;
	char carver[72];
} identity;

typedef struct carve_session {
	run *r;
	evidence_run *ev;
	carve_stream *streams;
	size_t n_streams;
	const carve_fs *fs;
	int n_fs;
	pthread_mutex_t lock;
	pthread_cond_t block_done;
	carve_block *head, *tail;  /* handed out, in stream order */
	size_t in_flight;
	/* Resolution, on the walking thread. */
	content_reader *reader;
	carve_thread *own;
	carve_answers *answers;    /* shared by the blocks' threads and own */
	const carve_stream *stream;
	carve_piece *cover;        /* files of this stream kept whole */
	size_t n_cover, cover_cap;
	carve_piece partial_cover; /* the partial file kept last that reaches furthest */
	identity *done;
	size_t n_done, done_cap;
	uint64_t whole, partial, joined, already;
} carve_session;

/* ---------------------------------------------------------------- writer ops */

typedef struct problem_op {
	write_op op;
	int64_t evidence_id;
	int64_t offset;
	char *plugin, *message;
} problem_op;

static int apply_problem(casedb *db, write_op *op, exhibit_error *err)
{
	problem_op *p = (problem_op *)op;
	return casedb_insert_evidence_problem_by(db, p->evidence_id, p->plugin, p->offset,
	                                         p->message, err);
}

static void free_problem(write_op *op)
{
	problem_op *p = (problem_op *)op;

	free(p->plugin);
	free(p->message);
	free(p);
}

static void record_problem(carve_session *s, const char *plugin, int64_t offset, const char *msg)
{
	problem_op *p = calloc(1, sizeof *p);

	run_problem(s->r, s->ev->src.path, plugin, offset, msg);
	if (!p)
		return;
	p->op.apply = apply_problem;
	p->op.destroy = free_problem;
	p->evidence_id = s->ev->id;
	p->offset = offset;
	p->plugin = plugin ? strdup(plugin) : NULL;
	p->message = strdup(msg);
	if (!p->message) {
		free_problem(&p->op);
		return;
	}
	writer_push(s->r->w, &p->op);
}

typedef struct done_op {
	write_op op;
	carve_session *s;
} done_op;

static void note_done(void *ctx, const carved_row *c)
{
	carve_session *s = ctx;
	identity *id;

	if (s->n_done == s->done_cap) {
		size_t cap = s->done_cap ? 2 * s->done_cap : 64;
		identity *grown = realloc(s->done, cap * sizeof *grown);
		if (!grown)
			return;
		s->done = grown;
		s->done_cap = cap;
	}
	id = &s->done[s->n_done];
	id->stream = NULL;
	for (int k = 0; k < STREAM_KINDS; k++)
		if (!strcmp(c->stream, carve_stream_kind_name((carve_stream_kind)k)))
			id->stream = carve_stream_kind_name((carve_stream_kind)k);
	if (!id->stream)
		return;
	id->fs_id = c->fs_id;
	id->image_offset = c->image_offset;
	snprintf(id->carver, sizeof id->carver, "%s", c->carver);
	s->n_done++;
}

static int apply_load_done(casedb *db, write_op *op, exhibit_error *err)
{
	done_op *d = (done_op *)op;
	return casedb_each_carved(db, d->s->ev->id, note_done, d->s, err);
}

static int by_identity(const void *a, const void *b)
{
	const identity *x = a, *y = b;

	if (x->image_offset != y->image_offset)
		return x->image_offset < y->image_offset ? -1 : 1;
	if (x->fs_id != y->fs_id)
		return x->fs_id < y->fs_id ? -1 : 1;
	if (x->stream != y->stream)
		return strcmp(x->stream, y->stream);
	return strcmp(x->carver, y->carver);
}

static int already_carved(const carve_session *s, const identity *id)
{
	return s->n_done && bsearch(id, s->done, s->n_done, sizeof *id, by_identity) != NULL;
}

/* ---------------------------------------------------------------- coverage */

static void add_cover(carve_session *s, const carve_piece *p)
{
	if (s->n_cover == s->cover_cap) {
		size_t cap = s->cover_cap ? 2 * s->cover_cap : 16;
		carve_piece *grown = realloc(s->cover, cap * sizeof *grown);
		if (!grown)
			return;
		s->cover = grown;
		s->cover_cap = cap;
	}
	s->cover[s->n_cover++] = *p;
}

/* Starts only grow: pieces that end before one are no use any more. */
static void prune_cover(carve_session *s, uint64_t start)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->n_cover; i++)
		if (s->cover[i].offset + s->cover[i].length > start)
			s->cover[kept++] = s->cover[i];
	s->n_cover = kept;
}

static int overlaps_cover(void *ctx, uint64_t off, uint64_t len)
{
	const carve_session *s = ctx;

	for (size_t i = 0; i < s->n_cover; i++)
		if (off < s->cover[i].offset + s->cover[i].length && s->cover[i].offset < off + len)
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- emitting */

/* The carver's extension, made safe for a path (letters and digits). */
static void clean_extension(const char *ext, char *out, size_t len)
{
	size_t n = 0;

	for (; ext && *ext && n + 1 < len && n < 12; ext++)
		if (isalnum((unsigned char)*ext))
			out[n++] = (char)tolower((unsigned char)*ext);
	if (!n)
		n = (size_t)snprintf(out, len, "bin");
	out[n] = '\0';
}

static int64_t fs_id_of(const carve_session *s, const carve_stream *st)
{
	return st->fs >= 0 && st->fs < s->n_fs ? s->fs[st->fs].id : 0;
}

/* queue_carved — the file f becomes an item of the run. */
static void queue_carved(carve_session *s, const carve_found *f)
{
	run *r = s->r;
	const carve_stream *st = s->stream;
	const exhibit_plugin *carver = r->carving->carvers[f->carver];
	uint64_t image_offset = carve_stream_image_offset(st, f->start), at = 0;
	walk_run *runs = NULL;
	size_t n = 0, cap = 0;
	char ext[16], *path = NULL, *name;
	walk_entry e;
	carved_row c;
	bundle *b = NULL;
	work_item *it;

	for (unsigned i = 0; i < f->r.n_pieces; i++) {
		if (carve_stream_runs(st, f->r.pieces[i].offset, f->r.pieces[i].length, at, &runs, &n,
		                      &cap) < 0)
			goto fail;
		at += f->r.pieces[i].length;
	}
	clean_extension(f->r.extension, ext, sizeof ext);
	if (asprintf(&path, "/$CarvedFiles/%s/%llu.%s", carve_stream_kind_name(st->kind),
	             (unsigned long long)image_offset, ext) < 0) {
		path = NULL;
		goto fail;
	}
	name = strrchr(path, '/') + 1;
	memset(&e, 0, sizeof e);
	e.path = path;
	e.name = name;
	e.attr_type = e.attr_id = -1;
	e.type = 'r';
	e.size = f->r.length;
	e.has_content = 1;
	e.runs = runs;
	e.n_runs = n;
	if (!(b = bundle_new(&e)))
		goto fail;
	memset(&c, 0, sizeof c);
	c.stream = carve_stream_kind_name(st->kind);
	c.carver = carver->name;
	c.fs_id = fs_id_of(s, st);
	c.image_offset = image_offset;
	c.length = f->r.length;
	c.fragments = (unsigned)n;
	c.joined = f->r.n_pieces > 1;
	c.validated = f->r.verdict == CARVE_WHOLE;
	if (bundle_set_carved(b, &c) < 0 || !(it = calloc(1, sizeof *it)))
		goto fail;
	b->row.id = atomic_fetch_add(&r->next_file_id, 1);
	b->row.evidence_id = s->ev->id;
	b->row.fs_id = c.fs_id;
	b->row.source = "carved";
	it->ev = s->ev;
	it->n = 1;
	it->b[0] = b;
	atomic_fetch_add(&r->stats->items_walked, 1);
	atomic_fetch_add(&r->stats->bytes_walked, f->r.length);
	atomic_fetch_add(&r->stats->carved_files, 1);
	free(path);
	free(runs);
	queue_push(&r->work, &it->node);
	return;
fail:
	bundle_free(b);
	free(path);
	free(runs);
	record_problem(s, NULL, (int64_t)image_offset, "a carved file could not be queued: out of memory");
}

static void accept(carve_session *s, const carve_found *f)
{
	const carve_stream *st = s->stream;
	identity id;

	if (f->r.verdict == CARVE_WHOLE)
		for (unsigned i = 0; i < f->r.n_pieces; i++)
			add_cover(s, &f->r.pieces[i]);
	if (f->r.verdict == CARVE_WHOLE)
		s->whole++;
	else
		s->partial++;
	s->joined += f->r.n_pieces > 1;
	id.stream = carve_stream_kind_name(st->kind);
	id.fs_id = fs_id_of(s, st);
	id.image_offset = carve_stream_image_offset(st, f->start);
	snprintf(id.carver, sizeof id.carver, "%s", s->r->carving->carvers[f->carver]->name);
	if (already_carved(s, &id)) {
		s->already++;
		return;
	}
	queue_carved(s, f);
}

/* ---------------------------------------------------------------- resolving */

static void record_block_problems(carve_session *s, const carve_stream *st, carve_problem *p)
{
	for (; p; p = p->next) {
		const char *plugin = p->carver >= 0 ? s->r->carving->carvers[p->carver]->name : NULL;
		uint64_t at = carve_stream_image_offset(st, p->offset);
		char msg[600];

		snprintf(msg, sizeof msg, "carving %s space: %s", carve_stream_kind_name(st->kind),
		         p->message);
		record_problem(s, plugin, (int64_t)at, msg);
	}
}

/* resolve_block — b's starts in order, against what earlier blocks of its
 * stream kept; what is kept is queued. */
static void resolve_block(carve_session *s, carve_block *b)
{
	carve_problem *mine = NULL, **tail = &mine;

	if (b->stream != s->stream) {
		s->stream = b->stream;
		s->n_cover = 0;
		memset(&s->partial_cover, 0, sizeof s->partial_cover);
	}
	for (size_t i = 0; i < b->n_found; i++) {
		carve_found f = b->found[i];

		prune_cover(s, f.start);
		if (overlaps_cover(s, f.start, 1))
			continue;
		if (f.skipped || (f.r.n_pieces > 1 &&
		                  overlaps_cover(s, f.r.pieces[1].offset, f.r.pieces[1].length))) {
			/* Judged anew, knowing what this stream kept so far. */
			if (!carve_judge_start(s->own, &s->ev->src, b->stream, f.start, overlaps_cover, s,
			                       s->answers, &f, &tail))
				continue;
		}
		/* A partial file inside a partial file kept already adds nothing:
		 * its bytes are in that one's, and it is no more whole (an
		 * 'moov' of a broken MP4, say).  A whole file inside one is
		 * kept: it is usable on its own (an EXIF thumbnail). */
		if (f.r.verdict == CARVE_PARTIAL && f.start >= s->partial_cover.offset &&
		    f.start - s->partial_cover.offset < s->partial_cover.length)
			continue;
		if (f.r.verdict == CARVE_PARTIAL &&
		    f.start + f.r.length > s->partial_cover.offset + s->partial_cover.length) {
			s->partial_cover.offset = f.start;
			s->partial_cover.length = f.r.length;
		}
		accept(s, &f);
	}
	record_block_problems(s, b->stream, b->problems);
	record_block_problems(s, b->stream, mine);
	for (carve_problem *p = mine; p;) {
		carve_problem *next = p->next;
		free(p->message);
		free(p);
		p = next;
	}
}

/* resolve_ready — resolve the blocks at the head that are done; with
 * wait, first wait until the head is. */
static void resolve_ready(carve_session *s, int wait)
{
	for (;;) {
		carve_block *b = NULL;

		pthread_mutex_lock(&s->lock);
		while (wait && s->head && !s->head->done)
			pthread_cond_wait(&s->block_done, &s->lock);
		if (s->head && s->head->done) {
			b = s->head;
			s->head = b->next;
			if (!s->head)
				s->tail = NULL;
			s->in_flight--;
		}
		pthread_mutex_unlock(&s->lock);
		if (!b)
			return;
		wait = 0;
		resolve_block(s, b);
		carve_block_clear(b);
		free(b);
	}
}

void carve_worker_block(run *r, carve_thread **t, content_reader *reader, work_item *it)
{
	carve_session *s = it->session;
	carve_block *b = it->carve;

	if (!*t)
		*t = carve_thread_new(r->carving, reader);
	if (!b->problems_tail)
		b->problems_tail = &b->problems;
	if (*t) {
		carve_block_run(*t, b);
	} else {
		carve_problem *p = calloc(1, sizeof *p);
		if (p && (p->message = strdup("a worker could not carve: out of memory"))) {
			p->offset = b->offset;
			p->carver = -1;
			*b->problems_tail = p;
		} else {
			free(p);
		}
	}
	atomic_fetch_add(&r->stats->carve_bytes_done, b->length);
	pthread_mutex_lock(&s->lock);
	b->done = 1;
	pthread_cond_broadcast(&s->block_done);
	pthread_mutex_unlock(&s->lock);
	free(it);
}

/* ---------------------------------------------------------------- sessions */

static uint64_t unit_of(void *ctx, int fs)
{
	const carve_session *s = ctx;
	return fs >= 0 && fs < s->n_fs ? s->fs[fs].block_size : 512;
}

static void hand_out(carve_session *s, const carve_stream *st, uint64_t offset, uint64_t length)
{
	carve_block *b = calloc(1, sizeof *b);
	work_item *it = calloc(1, sizeof *it);

	if (!b || !it) {
		free(b);
		free(it);
		record_problem(s, NULL, (int64_t)carve_stream_image_offset(st, offset),
		               "a block could not be carved: out of memory");
		return;
	}
	b->src = &s->ev->src;
	b->stream = st;
	b->answers = s->answers;
	b->offset = offset;
	b->length = length;
	b->problems_tail = &b->problems;
	while (s->in_flight >= MAX_IN_FLIGHT)
		resolve_ready(s, 1);
	pthread_mutex_lock(&s->lock);
	if (s->tail)
		s->tail->next = b;
	else
		s->head = b;
	s->tail = b;
	s->in_flight++;
	pthread_mutex_unlock(&s->lock);
	it->ev = s->ev;
	it->carve = b;
	it->session = s;
	queue_push(&s->r->work, &it->node);
	resolve_ready(s, 0);
}

static void announce(carve_session *s, pipeline_event_kind kind, uint64_t bytes, const char *msg)
{
	pipeline_event e = { kind, s->ev->src.path, NULL, bytes, -1, NULL, msg };
	run_event(s->r, &e);
}

static int open_session(carve_session *s, run *r, evidence_run *ev, const carve_range *ranges,
                        size_t n, const carve_fs *fs, int n_fs)
{
	done_op load = { { { NULL }, apply_load_done, NULL }, s };
	exhibit_error err;
	size_t count;

	memset(s, 0, sizeof *s);
	s->r = r;
	s->ev = ev;
	s->fs = fs;
	s->n_fs = n_fs;
	count = carve_streams_build(ranges, n, r->opts->carve == PIPELINE_CARVE_ALL ? ev->src.size : 0,
	                            unit_of, s, &s->streams);
	if (count == (size_t)-1) {
		record_problem(s, NULL, -1, "carving skipped: out of memory");
		return -1;
	}
	s->n_streams = count;
	exhibit_error_clear(&err);
	if (writer_call(r->w, &load.op, &err) < 0) {
		record_problem(s, NULL, -1, err.message);
		carve_streams_free(s->streams, s->n_streams);
		return -1;
	}
	if (s->n_done)
		qsort(s->done, s->n_done, sizeof *s->done, by_identity);
	s->reader = content_reader_new();
	s->own = s->reader ? carve_thread_new(r->carving, s->reader) : NULL;
	s->answers = carve_answers_new();
	if (!s->own || !s->answers) {
		record_problem(s, NULL, -1, "carving skipped: out of memory");
		carve_thread_free(s->own);
		carve_answers_free(s->answers);
		content_reader_free(s->reader);
		carve_streams_free(s->streams, s->n_streams);
		free(s->done);
		return -1;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->block_done, NULL);
	return 0;
}

static void close_session(carve_session *s)
{
	carve_thread_free(s->own);
	carve_answers_free(s->answers);
	content_reader_free(s->reader);
	carve_streams_free(s->streams, s->n_streams);
	free(s->cover);
	free(s->done);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->block_done);
}

void carve_evidence(run *r, evidence_run *ev, const carve_range *ranges, size_t n,
                    const carve_fs *fs, int n_fs)
{
	carve_session s;
	uint64_t total = 0;
	char msg[256];

	if (!r->carving || ev->src.kind != SOURCE_IMAGE || ev->id <= 0 ||
	    open_session(&s, r, ev, ranges, n, fs, n_fs) < 0)
		return;
	for (size_t i = 0; i < s.n_streams; i++)
		total += s.streams[i].size;
	atomic_fetch_add(&r->stats->carve_bytes_total, total);
	snprintf(msg, sizeof msg, "carving %llu bytes (%zu streams) with %zu carvers",
	         (unsigned long long)total, s.n_streams, r->carving->n_carvers);
	announce(&s, EVENT_CARVE_START, total, msg);
	plugin_guard_thread_begin();
	for (size_t i = 0; i < s.n_streams; i++) {
		const carve_stream *st = &s.streams[i];

		for (uint64_t off = 0; off < st->size; off += r->carving->block_bytes)
			hand_out(&s, st, off, st->size - off < r->carving->block_bytes
			                      ? st->size - off : r->carving->block_bytes);
	}
	while (s.head)
		resolve_ready(&s, 1);
	plugin_guard_thread_end();
	snprintf(msg, sizeof msg, "carved %llu files (%llu whole, %llu of them joined from two "
	         "fragments; %llu partial)%s", (unsigned long long)(s.whole + s.partial),
	         (unsigned long long)s.whole, (unsigned long long)s.joined,
	         (unsigned long long)s.partial, s.already ? ", some already in the case" : "");
	announce(&s, EVENT_CARVE_DONE, total, msg);
	close_session(&s);
}

void carve_clean_store(const char *case_dir)
{
	char *top = NULL;
	struct dirent *e;
	DIR *d;

	if (asprintf(&top, "%s/content", case_dir) < 0)
		return;
	if ((d = opendir(top))) {
		while ((e = readdir(d))) {
			char *path = NULL;

			if (strncmp(e->d_name, "carved.tmp.", 11) ||
			    asprintf(&path, "%s/%s", top, e->d_name) < 0)
				continue;
			unlink(path);
			free(path);
		}
		closedir(d);
	}
	free(top);
}

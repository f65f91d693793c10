/*
 * carve_engine.c — see carve_engine.h.
 *
 * A block is scanned in windows of WINDOW bytes so that the hits held at
 * once stay few: a window's hits are those whose file starts in it (their
 * bytes may lie up to the scanner's reach beyond), sorted by start, each
 * start judged in turn.
 */
#include "carve_engine.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carve_answers.h"
#include "plugin_guard.h"

#define WINDOW ((size_t)256 << 10)

/* ---------------------------------------------------------------- engine */

static int chosen(const exhibit_plugin *p, const char *const *names)
{
	if (p->kind != EXHIBIT_PLUGIN_CARVER || !p->carver)
		return 0;
	if (!names)
		return 1;
	for (; *names; names++)
		if (!strcmp(*names, p->name))
			return 1;
	return 0;
}

/* check_names — every name given is a loaded carver. */
static int check_names(const plugin_registry *reg, const char *const *names, exhibit_error *err)
{
	for (; names && *names; names++) {
		size_t i, n = plugin_registry_count(reg);

		for (i = 0; i < n; i++) {
			const exhibit_plugin *p = plugin_registry_get(reg, i);
			if (!strcmp(p->name, *names) && p->kind == EXHIBIT_PLUGIN_CARVER)
				break;
		}
		if (i == n)
			return exhibit_error_set(err, -1, -1, "--carvers: no carver plugin named '%s' is "
			                         "loaded (exhibit plugins lists them)", *names);
	}
	return 0;
}

static int add_carver(carve_engine *e, const exhibit_plugin *p, carve_pattern **patterns,
                      size_t *n, exhibit_error *err)
{
	carve_pattern *grown = realloc(*patterns, (*n + p->n_signatures) * sizeof *grown);
	uint32_t *pc = realloc(e->pattern_carver, (*n + p->n_signatures) * sizeof *pc);
	uint32_t *ps;

	if (pc)
		e->pattern_carver = pc;
	ps = realloc(e->pattern_signature, (*n + p->n_signatures) * sizeof *ps);
	if (ps)
		e->pattern_signature = ps;
	if (grown)
		*patterns = grown;
	if (!grown || !pc || !ps)
		return exhibit_error_set(err, -1, -1, "out of memory");
	for (size_t s = 0; s < p->n_signatures; s++) {
		grown[*n].bytes = p->signatures[s].bytes;
		grown[*n].len = p->signatures[s].len;
		grown[*n].offset = p->signatures[s].offset;
		grown[*n].tag = (uint32_t)e->n_carvers;
		e->pattern_carver[*n] = (uint32_t)e->n_carvers;
		e->pattern_signature[*n] = (uint32_t)s;
		(*n)++;
	}
	e->carvers[e->n_carvers++] = p;
	return 0;
}

carve_engine *carve_engine_new(const plugin_registry *reg, const char *const *names,
                               exhibit_error *err)
{
	size_t count = reg ? plugin_registry_count(reg) : 0, n = 0;
	carve_pattern *patterns = NULL;
	carve_engine *e;

	exhibit_error_clear(err);
	if (reg && check_names(reg, names, err) < 0)
		return NULL;
	if (!(e = calloc(1, sizeof *e)) || !(e->carvers = calloc(count ? count : 1, sizeof *e->carvers))) {
		free(e);
		exhibit_error_set(err, -1, -1, "out of memory");
		return NULL;
	}
	e->block_bytes = CARVE_BLOCK_BYTES;
	for (size_t i = 0; i < count; i++) {
		const exhibit_plugin *p = plugin_registry_get(reg, i);

		if (chosen(p, names) && add_carver(e, p, &patterns, &n, err) < 0) {
			free(patterns);
			carve_engine_free(e);
			return NULL;
		}
	}
	if (!e->n_carvers) {
		free(patterns);
		carve_engine_free(e);
		return NULL;
	}
	e->scanner = carve_scanner_new(patterns, n, err);
	free(patterns);
	if (!e->scanner) {
		exhibit_error_prefix(err, "carvers: ");
		carve_engine_free(e);
		return NULL;
	}
	return e;
}

void carve_engine_free(carve_engine *e)
{
	if (!e)
		return;
	carve_scanner_free(e->scanner);
	free(e->pattern_carver);
	free(e->pattern_signature);
	free(e->carvers);
	free(e);
}

/* ---------------------------------------------------------------- blocks */

void carve_block_clear(carve_block *b)
{
	while (b->problems) {
		carve_problem *p = b->problems;
		b->problems = p->next;
		free(p->message);
		free(p);
	}
	b->problems_tail = &b->problems;
	free(b->found);
	b->found = NULL;
	b->n_found = b->found_cap = 0;
}

static void add_problem(carve_problem ***tail, uint64_t offset, int carver, const char *message)
{
	carve_problem *p = calloc(1, sizeof *p);

	if (!p || !(p->message = strdup(message))) {
		free(p);
		return;
	}
	p->offset = offset;
	p->carver = carver;
	**tail = p;
	*tail = &p->next;
}

static int add_found(carve_block *b, const carve_found *f)
{
	if (b->n_found == b->found_cap) {
		size_t cap = b->found_cap ? 2 * b->found_cap : 16;
		carve_found *grown = realloc(b->found, cap * sizeof *grown);
		if (!grown)
			return -1;
		b->found = grown;
		b->found_cap = cap;
	}
	b->found[b->n_found++] = *f;
	return 0;
}

/* ---------------------------------------------------------------- threads */

typedef struct hit {
	uint64_t start;            /* in the block */
	uint32_t pattern;
} hit;

struct carve_thread {
	const carve_engine *e;
	carve_view *view;
	carve_scratch *scratch;
	const evidence_source *src;
	const carve_stream *stream;
	hit *hits;
	size_t n_hits, hits_cap;
	size_t window_start, window_end;
	carve_piece *cover;        /* files the current block carved whole */
	size_t n_cover, cover_cap;
	carve_scratch *gap_scratch;/* for whole_at, called while a candidate is judged */
	carve_answers *answers;    /* the evidence source's (borrowed), or NULL */
};

carve_thread *carve_thread_new(const carve_engine *e, content_reader *reader)
{
	carve_thread *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->e = e;
	t->view = carve_view_new(reader, e->block_bytes + carve_scanner_reach(e->scanner));
	t->scratch = carve_scratch_new();
	t->gap_scratch = carve_scratch_new();
	if (!t->view || !t->scratch || !t->gap_scratch) {
		carve_thread_free(t);
		return NULL;
	}
	return t;
}

void carve_thread_free(carve_thread *t)
{
	if (!t)
		return;
	carve_view_free(t->view);
	carve_scratch_free(t->scratch);
	carve_scratch_free(t->gap_scratch);
	free(t->hits);
	free(t->cover);
	free(t);
}

static void look_at(carve_thread *t, const evidence_source *src, const carve_stream *s,
                    carve_answers *answers)
{
	if (t->src != src || t->stream != s) {
		carve_view_set(t->view, src, s);
		t->src = src;
		t->stream = s;
	}
	t->answers = answers;
}

typedef struct judge_call {
	const carve_job *job;
	carve_scratch *scratch;
	carve_result *out;
} judge_call;

static int call_judge(void *arg)
{
	judge_call *c = arg;
	return carve_judge(c->job, c->scratch, c->out);
}

static int by_pattern(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* whole_at (carve_whole_fn) — judge the file a signature starts at off as
 * one piece, without a fragment search: its length when some carver of
 * off carves it whole.  Called from inside a judge that already runs
 * under plugin_guard (which does not nest): a crash here costs the
 * candidate being judged. */
static uint64_t whole_at(void *ctx, uint64_t off)
{
	carve_thread *t = ctx;
	const carve_engine *e = t->e;
	carve_limits lim = carve_default_limits(t->stream->unit);
	carve_source src = carve_view_source(t->view);
	size_t reach = carve_scanner_reach(e->scanner), got = 0;
	unsigned char head[256];
	const unsigned char *b;
	carve_answer a = { 0, 0, 0, NULL };
	int first = 1;

	if (carve_answers_get(t->answers, t->stream, off, &a))
		return a.length;
	b = src.get(src.ctx, off, reach < sizeof head ? reach : sizeof head, &got);
	if (!b)
		return 0;
	memcpy(head, b, got);             /* the judge below moves the view */
	lim.splits = 0;
	for (size_t i = 0; i < carve_scanner_count(e->scanner) && !a.length; i++) {
		const carve_pattern *p = carve_scanner_pattern(e->scanner, i);
		carve_job job = { e->carvers[e->pattern_carver[i]]->carver, e->pattern_signature[i], off,
		                  &src, NULL, &lim, NULL, NULL, NULL, NULL };
		carve_result r;

		if (p->offset + p->len > got || memcmp(head + p->offset, p->bytes, p->len) != 0)
			continue;
		if (carve_judge(&job, t->gap_scratch, &r) == 0 && r.verdict == CARVE_WHOLE &&
		    r.n_pieces == 1) {
			a.length = r.length;
			a.pattern = (uint32_t)i;
			a.first_pattern = first;
			a.extension = r.extension;
		}
		first = 0;
	}
	carve_answers_put(t->answers, t->stream, off, &a);
	return a.length;
}

/* known_whole — the start's first pattern carves it whole in one piece,
 * as an earlier whole_at found: that is what judging it gives (*out). */
static int known_whole(carve_thread *t, uint64_t start, uint32_t first_pattern, carve_found *out)
{
	carve_answer a;

	if (!carve_answers_get(t->answers, t->stream, start, &a) || !a.length || !a.first_pattern ||
	    a.pattern != first_pattern)
		return 0;
	memset(out, 0, sizeof *out);
	out->start = start;
	out->carver = t->e->pattern_carver[first_pattern];
	out->signature = t->e->pattern_signature[first_pattern];
	out->r.verdict = CARVE_WHOLE;
	out->r.length = a.length;
	out->r.n_pieces = 1;
	out->r.pieces[0].offset = start;
	out->r.pieces[0].length = a.length;
	out->r.extension = a.extension;
	return 1;
}

/* remember — what judging start's patterns gave, for whole_at: the first
 * pattern carved it whole in one piece, or none did (all judged). */
static void remember(carve_thread *t, uint64_t start, const uint32_t *patterns, const carve_found *f,
                     int kept, int all_judged)
{
	carve_answer a = { 0, patterns[0], 1, NULL };

	if (kept && f->r.verdict == CARVE_WHOLE) {
		if (f->r.n_pieces != 1 || f->carver != t->e->pattern_carver[patterns[0]] ||
		    f->signature != t->e->pattern_signature[patterns[0]])
			return;
		a.length = f->r.length;
		a.extension = f->r.extension;
	} else if (!all_judged) {
		return;
	}
	carve_answers_put(t->answers, t->stream, start, &a);
}

/* judge_patterns — the candidates of start, one per pattern (sorted). */
static int judge_patterns(carve_thread *t, uint64_t start, const uint32_t *patterns, size_t n,
                          carve_excluded_fn excluded, void *ctx, carve_found *out,
                          carve_problem ***problems, unsigned *judged)
{
	const carve_engine *e = t->e;
	carve_limits lim = carve_default_limits(t->stream->unit);
	carve_source src = carve_view_source(t->view);
	int kept = 0, all_judged = 1;

	if (!n)
		return 0;
	if (known_whole(t, start, patterns[0], out)) {
		(*judged)++;
		return 1;
	}
	for (size_t k = 0; k < n; k++) {
		uint32_t p = patterns[k], ci = e->pattern_carver[p], sig = e->pattern_signature[p];
		carve_job job = { e->carvers[ci]->carver, sig, start, &src, e->scanner, &lim,
		                  excluded, ctx, whole_at, t };
		carve_result r;
		judge_call call = { &job, t->scratch, &r };
		char msg[320];
		int crash = 0;

		if (k && patterns[k - 1] == p)
			continue;
		(*judged)++;
		plugin_guard_call(call_judge, &call, &crash);
		if (crash) {
			snprintf(msg, sizeof msg, "the carver crashed (%s) judging a candidate; the "
			         "candidate is dropped and carving goes on", strsignal(crash));
			add_problem(problems, start, (int)ci, msg);
			all_judged = 0;
			continue;
		}
		if (r.problem[0])
			add_problem(problems, start, (int)ci, r.problem);
		if (r.verdict == CARVE_DROPPED || (kept && r.verdict != CARVE_WHOLE))
			continue;
		out->start = start;
		out->skipped = 0;
		out->carver = ci;
		out->signature = sig;
		out->r = r;
		kept = 1;
		if (r.verdict == CARVE_WHOLE)
			break;
	}
	remember(t, start, patterns, out, kept, all_judged);
	return kept;
}

int carve_judge_start(carve_thread *t, const evidence_source *src, const carve_stream *s,
                      uint64_t start, carve_excluded_fn excluded, void *excluded_ctx,
                      carve_answers *answers, carve_found *out, carve_problem ***problems)
{
	const carve_scanner *sc = t->e->scanner;
	size_t reach = carve_scanner_reach(sc), got = 0, n = 0;
	carve_source source;
	const unsigned char *bytes;
	uint32_t *patterns;
	unsigned judged = 0;
	int kept;

	look_at(t, src, s, answers);
	source = carve_view_source(t->view);
	bytes = source.get(source.ctx, start, reach, &got);
	if (!bytes || !(patterns = malloc(carve_scanner_count(sc) * sizeof *patterns)))
		return 0;
	for (size_t i = 0; i < carve_scanner_count(sc); i++) {
		const carve_pattern *p = carve_scanner_pattern(sc, i);
		if (p->offset + p->len <= got && !memcmp(bytes + p->offset, p->bytes, p->len))
			patterns[n++] = (uint32_t)i;
	}
	kept = judge_patterns(t, start, patterns, n, excluded, excluded_ctx, out, problems, &judged);
	free(patterns);
	return kept;
}

static int collect_hit(void *ctx, size_t pos, size_t pattern)
{
	carve_thread *t = ctx;
	uint32_t offset = carve_scanner_pattern(t->e->scanner, pattern)->offset;

	if (pos < offset || pos - offset < t->window_start || pos - offset >= t->window_end)
		return 0;
	if (t->n_hits == t->hits_cap) {
		size_t cap = t->hits_cap ? 2 * t->hits_cap : 256;
		hit *grown = realloc(t->hits, cap * sizeof *grown);
		if (!grown)
			return 0;
		t->hits = grown;
		t->hits_cap = cap;
	}
	t->hits[t->n_hits].start = pos - offset;
	t->hits[t->n_hits].pattern = (uint32_t)pattern;
	t->n_hits++;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const hit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->pattern < y->pattern ? -1 : x->pattern > y->pattern;
}

static int covered(const carve_thread *t, uint64_t offset)
{
	for (size_t i = 0; i < t->n_cover; i++)
		if (offset >= t->cover[i].offset && offset - t->cover[i].offset < t->cover[i].length)
			return 1;
	return 0;
}

static void cover(carve_thread *t, const carve_result *r)
{
	for (unsigned i = 0; i < r->n_pieces; i++) {
		if (t->n_cover == t->cover_cap) {
			size_t cap = t->cover_cap ? 2 * t->cover_cap : 8;
			carve_piece *grown = realloc(t->cover, cap * sizeof *grown);
			if (!grown)
				return;
			t->cover = grown;
			t->cover_cap = cap;
		}
		t->cover[t->n_cover++] = r->pieces[i];
	}
}

static void read_problem(void *ctx, uint64_t offset, uint64_t length, const char *message)
{
	carve_block *b = ctx;
	char msg[EXHIBIT_ERROR_MAX + 96];

	snprintf(msg, sizeof msg, "cannot read %llu bytes to carve (read as zeros): %s",
	         (unsigned long long)length, message);
	add_problem(&b->problems_tail, offset, -1, msg);
}

/* judge_window — the starts of the hits collected, in order. */
static void judge_window(carve_thread *t, carve_block *b)
{
	uint32_t *patterns = malloc((t->n_hits ? t->n_hits : 1) * sizeof *patterns);

	if (t->n_hits)
		qsort(t->hits, t->n_hits, sizeof *t->hits, by_start);
	for (size_t i = 0; patterns && i < t->n_hits;) {
		uint64_t start = b->offset + t->hits[i].start;
		carve_found f;
		size_t n = 0;

		for (; i < t->n_hits && b->offset + t->hits[i].start == start; i++)
			patterns[n++] = t->hits[i].pattern;
		qsort(patterns, n, sizeof *patterns, by_pattern);
		memset(&f, 0, sizeof f);
		if (covered(t, start)) {
			f.start = start;
			f.skipped = 1;
			add_found(b, &f);
		} else if (judge_patterns(t, start, patterns, n, NULL, NULL, &f, &b->problems_tail,
		                          &b->judged)) {
			add_found(b, &f);
			if (f.r.verdict == CARVE_WHOLE)
				cover(t, &f.r);
		}
	}
	free(patterns);
}

void carve_block_run(carve_thread *t, carve_block *b)
{
	size_t reach = carve_scanner_reach(t->e->scanner), got = 0, len;
	const unsigned char *buf;

	if (!b->problems_tail)
		b->problems_tail = &b->problems;
	look_at(t, b->src, b->stream, b->answers);
	buf = carve_view_load(t->view, b->offset, (size_t)b->length + reach, &got, read_problem, b);
	len = got < b->length ? got : (size_t)b->length;
	t->n_cover = 0;
	for (size_t a = 0; a < len; a += WINDOW) {
		size_t end = a + WINDOW < len ? a + WINDOW : len;

		t->n_hits = 0;
		t->window_start = a;
		t->window_end = end;
		carve_scanner_scan(t->e->scanner, buf, got, a, end + reach < got ? end + reach : got,
		                   collect_hit, t);
		judge_window(t, b);
	}
}

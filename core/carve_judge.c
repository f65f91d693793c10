/*
 * carve_judge.c — see carve_judge.h.
 *
 * Candidate offsets (0 at the candidate's first byte) map to stream
 * offsets through a map: one piece, or two split at candidate offset
 * split, the second starting at stream offset second.  data_check is fed
 * in calls that end at stream offsets that are multiples of the feed
 * size, so the states saved after calls (snapshots) sit at unit
 * boundaries; a snapshot records what its state has consumed and where
 * its next call starts (beyond what it consumed when the carver skipped).
 * Resuming at a split point s takes the latest snapshot that consumed no
 * byte at or past s and feeds the first piece's bytes from there to s.
 */
#include "carve_judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FEED_BYTES ((uint64_t)64 << 10)
#define SEARCH_BYTES ((uint64_t)4 << 20)
#define GAP_FILES 32    /* files in a gap whose whole_at answer is kept */
/* Failed trials whose bytes are compared with the next ones' (longer ones
 * are not: comparing would cost more than it saves). */
#define SAME_MAX ((uint64_t)4 << 20)
#define AMBIGUOUS_WALK 64  /* splits tried back from an ambiguous join */
#define REJECT_LOOK 4096   /* bytes continuation_reject sees of a start */
/* Split points around one break: at most SPLITS_BEFORE from split_points
 * (the unit at or before it, the next, earlier ones), then up to
 * SPLITS_LATER after it (later_points). */
#define SPLITS_BEFORE 16
#define SPLITS_LATER 16

carve_limits carve_default_limits(uint64_t unit)
{
	carve_limits l;

	l.unit = unit ? unit : 512;
	l.window = (uint64_t)32 << 20;
	l.splits = 4;
	l.trials = 1u << 16;
	l.validations = 24;
	l.snapshots = 8;
	l.search_bytes = SEARCH_BYTES;
	l.seconds = 5;
	return l;
}

/* ---------------------------------------------------------------- scratch */

typedef struct snapshot {
	uint64_t consumed;      /* candidate bytes [0, consumed) went through data_check */
	uint64_t next;          /* where its next call starts (>= consumed) */
	int used;
} snapshot;

struct carve_scratch {
	size_t state_size, n_snaps;
	unsigned char *states;  /* init, cur, resumed, trial, then one per snapshot */
	snapshot *snaps;
};

carve_scratch *carve_scratch_new(void)
{
	return calloc(1, sizeof(carve_scratch));
}

void carve_scratch_free(carve_scratch *s)
{
	if (!s)
		return;
	free(s->states);
	free(s->snaps);
	free(s);
}

static int scratch_fit(carve_scratch *s, size_t state_size, size_t n_snaps)
{
	size_t size = state_size ? state_size : 1;

	if (s->state_size >= size && s->n_snaps >= n_snaps)
		return 0;
	free(s->states);
	free(s->snaps);
	s->states = malloc(size * (4 + n_snaps));
	s->snaps = calloc(n_snaps ? n_snaps : 1, sizeof *s->snaps);
	s->state_size = s->states && s->snaps ? size : 0;
	s->n_snaps = s->states && s->snaps ? n_snaps : 0;
	return s->state_size ? 0 : -1;
}

/* ---------------------------------------------------------------- the judge */

typedef struct map {
	uint64_t start;         /* stream offset of candidate offset 0 */
	uint64_t split;         /* two pieces: candidate offsets >= split ... */
	uint64_t second;        /* ... are at stream offset second + (x - split) */
	int two;
} map;

typedef struct judge {
	const carve_job *job;
	const exhibit_carver *c;
	const carve_limits *lim;
	carve_scratch *mem;
	size_t ss;              /* state size */
	uint64_t limit;         /* max_size, or UINT64_MAX */
	uint64_t feed;          /* data_check call size while feeding */
	uint64_t interval;      /* candidate bytes between snapshots */
	unsigned char *init, *cur, *resumed, *trial;
	size_t next_snap;
	struct timespec deadline;
	unsigned calls;
	int timed_out;          /* out of time or of search budget: stop */
	int searching;          /* feeding for the fragment search (budgeted) */
	int refining;           /* refine_skip is feeding */
	uint64_t fed;           /* bytes fed while searching */
	struct {
		uint64_t at, length;
	} gap_files[GAP_FILES]; /* whole_at answers, by start */
	unsigned n_gap_files;
	uint64_t skip_from, skip_to; /* the first pass's last skip: unchecked bytes lie
	                         * between these, from somewhere after skip_from */
	uint64_t pass_reach;    /* candidate offset past the last byte run_pass fed */
	int pass_at_end;        /* ... and it was told that nothing follows */
	unsigned resumed_gen;   /* bumped whenever j->resumed changes */
	uint64_t resumed_for;   /* split j->resumed is the state at, + 1; 0: none */
	uint64_t resumed_next;  /* and where its next call starts */
	struct {
		uint64_t c, len;    /* a trial from c failed on bytes [c, c + len) */
		unsigned gen;       /* resumed from the state of this generation */
		int valid;
	} same;
	uint64_t ambiguous_at;  /* a join was not unique: only [0, this) is certain */
	carve_result *out;
} judge;

enum { PASS_TIMEOUT = -100 };

static const unsigned char no_bytes[1];

static unsigned char *snap_state(judge *j, size_t i)
{
	return j->mem->states + (4 + i) * j->mem->state_size;
}

/* over_budget — the search for a continuation has looked at its share of
 * bytes (checked between trials: a trial that started runs to its end, so
 * a true continuation is never cut short). */
static int over_budget(judge *j)
{
	if (j->fed < j->lim->search_bytes || j->timed_out)
		return j->timed_out;
	j->timed_out = 1;
	snprintf(j->out->problem, sizeof j->out->problem,
	         "the search for a second fragment had the carver look at %llu MiB without a "
	         "match: it was stopped there", (unsigned long long)(j->lim->search_bytes >> 20));
	return 1;
}

static int past_deadline(judge *j)
{
	struct timespec now;

	if (j->timed_out)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > j->deadline.tv_sec ||
	    (now.tv_sec == j->deadline.tv_sec && now.tv_nsec >= j->deadline.tv_nsec)) {
		j->timed_out = 1;
		snprintf(j->out->problem, sizeof j->out->problem,
		         "the carver took more than %.0f s over one candidate: it was abandoned there",
		         j->lim->seconds);
	}
	return j->timed_out;
}

static uint64_t map_stream(const map *m, uint64_t x)
{
	return m->two && x >= m->split ? m->second + (x - m->split) : m->start + x;
}

/* Contiguous stream bytes at candidate offset x: to the split in the first
 * piece, else to the stream's end. */
static uint64_t map_room(const judge *j, const map *m, uint64_t x)
{
	uint64_t y = map_stream(m, x), room;

	if (y >= j->job->src->size)
		return 0;
	room = j->job->src->size - y;
	if (m->two && x < m->split && m->split - x < room)
		room = m->split - x;
	return room;
}

static void take_snapshot(judge *j, const void *state, uint64_t consumed, uint64_t next)
{
	carve_scratch *m = j->mem;
	size_t last = (j->next_snap + m->n_snaps - 1) % m->n_snaps;

	if (!m->n_snaps)
		return;
	if (m->snaps[last].used && next == consumed &&
	    consumed - m->snaps[last].consumed < j->interval)
		return;
	m->snaps[j->next_snap].consumed = consumed;
	m->snaps[j->next_snap].next = next;
	m->snaps[j->next_snap].used = 1;
	memcpy(snap_state(j, j->next_snap), state, j->ss);
	j->next_snap = (j->next_snap + 1) % m->n_snaps;
}

/*
 * run_pass — feed data_check from candidate offset *pos through m until
 * it decides, or until *pos reaches stop (then CONTINUE).  first_call,
 * when non-zero, is the size step of the first call (a continuation
 * trial errs cheaply on its first unit; so are the next ones, up to
 * SAME_MAX).  snapshots: keep states.
 * RETURN: the verdict (*end set), or PASS_TIMEOUT.
 */
static int run_pass(judge *j, void *state, const map *m, uint64_t *pos, uint64_t stop,
                    uint64_t first_call, int snapshots, uint64_t *end)
{
	const carve_source *src = j->job->src;
	uint64_t x = *pos;

	j->pass_reach = x;
	j->pass_at_end = 0;
	for (int first = 1;; first = 0) {
		uint64_t room, y, step, n, e;
		const unsigned char *bytes = no_bytes;
		size_t got = 0;
		int v;

		if (x >= stop) {
			*pos = x;
			return EXHIBIT_CARVE_CONTINUE;
		}
		if ((++j->calls & 63) == 0 && past_deadline(j))
			return PASS_TIMEOUT;
		room = x < j->limit ? map_room(j, m, x) : 0;
		if (x < j->limit && room > j->limit - x)
			room = j->limit - x;
		y = map_stream(m, x);
		/* A trial is fed unit by unit while it may become the
		 * reference of fails_as_before (what it saw ends within a
		 * unit of its verdict); then in the larger calls. */
		step = first_call && (first || x - *pos < SAME_MAX) ? first_call : j->feed;
		n = step - y % step;
		if (n > room)
			n = room;
		if (n > stop - x)
			n = stop - x;
		if (n > ((uint64_t)1 << 20))
			n = (uint64_t)1 << 20;
		if (n) {
			const unsigned char *b = src->get(src->ctx, y, (size_t)n, &got);
			if (b && got)
				bytes = b;
			n = b ? got : 0;
		}
		e = x + n;
		v = j->c->data_check(state, x, bytes, (size_t)n, &e);
		if (j->searching)   /* what the carver looked at: to its verdict */
			j->fed += v == EXHIBIT_CARVE_CONTINUE || e > x + n ? n : e > x ? e - x : 0;
		if (x + n > j->pass_reach)
			j->pass_reach = x + n;
		if (v == EXHIBIT_CARVE_CONTINUE) {
			if (n == 0) {             /* it wants more after being told nothing follows */
				j->pass_at_end = 1;
				*end = x;
				return EXHIBIT_CARVE_ERROR;
			}
			if (e < x + n)
				e = x + n;
			if (e > x + n && (!j->searching || j->refining)) {
				/* what it skips began in this call, after the
				 * header that gave its size */
				j->skip_from = x;
				j->skip_to = e;
			}
			if (snapshots)
				take_snapshot(j, state, x + n, e);
			x = e;
			continue;
		}
		if (v == EXHIBIT_CARVE_END) {
			if (e == 0 || e > x + n) { /* an end outside what it saw breaks the contract */
				*end = x + n;
				return e == 0 ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
			}
			*end = e;
			return v;
		}
		if (v == EXHIBIT_CARVE_ERROR) {
			*end = e > x + n ? x + n : e;
			return v;
		}
		*end = x;
		return EXHIBIT_CARVE_REJECT;
	}
}

/* ---------------------------------------------------------------- validate */

/* The exhibit_host validate sees: the joined candidate, read-only. */
typedef struct carve_host {
	judge *j;
	map m;
	uint64_t length;
	uint64_t budget;       /* bytes it may read in all */
	int over_budget;
} carve_host;

static int64_t vh_read(exhibit_host *host, uint64_t offset, void *buf, size_t len)
{
	carve_host *h = (carve_host *)host;
	const carve_source *src = h->j->job->src;
	size_t done = 0;

	if (offset >= h->length || !len)
		return 0;
	if (len > h->length - offset)
		len = (size_t)(h->length - offset);
	if (len > h->budget) {
		h->over_budget = 1;
		return EXHIBIT_ERR_LIMIT;
	}
	h->budget -= len;
	while (done < len) {
		uint64_t x = offset + done, room = map_room(h->j, &h->m, x);
		size_t want = len - done, got = 0;
		const unsigned char *b;

		if (want > room)
			want = (size_t)room;
		if (want > (1u << 20))
			want = 1u << 20;
		if (!want || !(b = src->get(src->ctx, map_stream(&h->m, x), want, &got)) || !got)
			break;
		memcpy((unsigned char *)buf + done, b, got);
		done += got;
	}
	return done ? (int64_t)done : EXHIBIT_ERR_READ;
}

static int vh_emit_record(exhibit_host *h, const char *t, const exhibit_field *f, size_t n)
{
	(void)h; (void)t; (void)f; (void)n;
	return EXHIBIT_ERR;
}

static int vh_emit_child(exhibit_host *h, const char *name, const void *d, size_t len)
{
	(void)h; (void)name; (void)d; (void)len;
	return EXHIBIT_ERR;
}

static void vh_report_error(exhibit_host *h, int64_t offset, const char *message)
{
	(void)h; (void)offset; (void)message;
}

static int vh_open_sqlite(exhibit_host *h, struct sqlite3 **db)
{
	(void)h;
	*db = NULL;
	return EXHIBIT_ERR;
}

static void vh_close_sqlite(exhibit_host *h, struct sqlite3 *db)
{
	(void)h; (void)db;
}

static const exhibit_host_api validate_api = {
	EXHIBIT_ABI_VERSION, vh_read, vh_emit_record, vh_emit_child, vh_report_error,
	vh_open_sqlite, vh_close_sqlite, vh_open_sqlite
};

/* run_validate — EXHIBIT_OK, or not with *bad the first bad candidate
 * offset (length when validate could not say). */
static int run_validate(judge *j, const map *m, uint64_t length, uint64_t *bad)
{
	carve_host h = { j, *m, length, 16 * length + ((uint64_t)64 << 20), 0 };
	uint64_t b = length;
	int rc;

	*bad = length;
	if (!j->c->validate)
		return EXHIBIT_OK;
	j->out->validations++;
	rc = j->c->validate(&validate_api, (exhibit_host *)&h, length, &b);
	if (rc == EXHIBIT_OK)
		return rc;
	if (h.over_budget && !j->out->problem[0])
		snprintf(j->out->problem, sizeof j->out->problem,
		         "validate read more than 16 times the candidate's %llu bytes: stopped",
		         (unsigned long long)length);
	*bad = rc == EXHIBIT_ERR_FORMAT && b < length ? b : length;
	return rc == EXHIBIT_OK ? EXHIBIT_ERR_FORMAT : rc;
}

/* ---------------------------------------------------------------- fragments */

/* resume_at — into j->resumed, the state that consumed the candidate's
 * bytes before split s from the first piece; *next is where its next call
 * starts (>= s).  RETURN 0, -1 when no such state (the content broke
 * before s), PASS_TIMEOUT. */
static int resume_at(judge *j, uint64_t s, uint64_t *next)
{
	carve_scratch *m = j->mem;
	map single = { j->job->start, 0, 0, 0 };
	size_t best = m->n_snaps;
	uint64_t x = 0, e;
	int v;

	if (j->resumed_for == s + 1) {   /* still there: later_points made it */
		*next = j->resumed_next;
		return 0;
	}
	j->resumed_for = 0;
	for (size_t i = 0; i < m->n_snaps; i++)
		if (m->snaps[i].used && m->snaps[i].consumed <= s &&
		    (best == m->n_snaps || m->snaps[i].consumed > m->snaps[best].consumed))
			best = i;
	j->resumed_gen++;
	if (best < m->n_snaps) {
		memcpy(j->resumed, snap_state(j, best), j->ss);
		x = m->snaps[best].next;
	} else {
		memcpy(j->resumed, j->init, j->ss);
	}
	if (x < s) {
		v = run_pass(j, j->resumed, &single, &x, s, 0, 0, &e);
		if (v != EXHIBIT_CARVE_CONTINUE)
			return v == PASS_TIMEOUT ? v : -1;
	}
	*next = x;
	j->resumed_for = s + 1;
	j->resumed_next = x;
	return 0;
}

/* A continuation trial's outcome. */
enum { TRIAL_NO = 0, TRIAL_WHOLE, TRIAL_BAD_BEFORE_SPLIT, TRIAL_STOP };


/* same_bytes — stream bytes [a, a + len) and [b, b + len) are equal. */
static int same_bytes(judge *j, uint64_t a, uint64_t b, uint64_t len)
{
	const carve_source *src = j->job->src;
	unsigned char copy[4096];

	if (a + len > src->size || b + len > src->size)
		return 0;
	for (uint64_t done = 0; done < len;) {
		size_t want = len - done < sizeof copy ? (size_t)(len - done) : sizeof copy;
		size_t got = 0;
		const unsigned char *p = src->get(src->ctx, a + done, want, &got);

		if (!p || got != want)
			return 0;
		memcpy(copy, p, want);     /* get's pointer lasts until the next get */
		p = src->get(src->ctx, b + done, want, &got);
		if (!p || got != want || memcmp(copy, p, want) != 0)
			return 0;
		done += want;
	}
	return 1;
}

/* fails_as_before — a trial from c, resumed from the same state as the
 * last failed one, would meet the very bytes that one failed on: data_check
 * sees the same state and the same bytes at the same candidate offsets, so
 * it fails the same way (a run of zeros, or of 0xFF, in a gap makes a
 * decoder go a long way before it fails, at every unit of the run). */
static int fails_as_before(judge *j, uint64_t c)
{
	return j->same.valid && j->same.gen == j->resumed_gen &&
	       same_bytes(j, j->same.c, c, j->same.len);
}

/* rejected_at_once — the carver rules out a second fragment at stream
 * offset c from its first bytes (continuation_reject), without a trial:
 * only when data_check, resumed at s, would be fed them first. */
static int rejected_at_once(judge *j, uint64_t s, uint64_t next, uint64_t c)
{
	const carve_source *src = j->job->src;
	uint64_t room = j->limit > s ? j->limit - s : 0;
	size_t got = 0;
	const unsigned char *b;

	if (!j->c->continuation_reject || next != s || c >= src->size)
		return 0;
	if (room > src->size - c)
		room = src->size - c;
	if (room > REJECT_LOOK)
		room = REJECT_LOOK;
	b = room ? src->get(src->ctx, c, (size_t)room, &got) : NULL;
	return b && got && j->c->continuation_reject(j->resumed, s, b, got);
}

/* try_continuation — the candidate as [0, s) then stream bytes from c,
 * resumed from j->resumed (next call at next). */
static int try_continuation(judge *j, uint64_t s, uint64_t next, uint64_t c, uint64_t *length,
                            uint64_t *bad)
{
	map m = { j->job->start, s, c, 1 };
	uint64_t x = next, e;
	int v;

	if (++j->out->trials > j->lim->trials || over_budget(j) ||
	    ((j->out->trials & 63) == 0 && past_deadline(j)))
		return TRIAL_STOP;
	if (fails_as_before(j, c) || rejected_at_once(j, s, next, c))
		return TRIAL_NO;
	memcpy(j->trial, j->resumed, j->ss);
	v = run_pass(j, j->trial, &m, &x, UINT64_MAX, j->lim->unit, 0, &e);
	if ((v == EXHIBIT_CARVE_ERROR || v == EXHIBIT_CARVE_REJECT) && !j->pass_at_end &&
	    j->pass_reach - s <= SAME_MAX) {
		j->same.c = c;
		j->same.len = j->pass_reach - s;
		j->same.gen = j->resumed_gen;
		j->same.valid = 1;
	}
	if (v == PASS_TIMEOUT)
		return TRIAL_STOP;
	if (v != EXHIBIT_CARVE_END || e <= s)
		return TRIAL_NO;
	if (j->job->excluded && j->job->excluded(j->job->excluded_ctx, c, e - s))
		return TRIAL_NO;
	if (j->out->validations >= j->lim->validations)
		return TRIAL_STOP;
	if (run_validate(j, &m, e, bad) == EXHIBIT_OK) {
		*length = e;
		return TRIAL_WHOLE;
	}
	return *bad < s ? TRIAL_BAD_BEFORE_SPLIT : TRIAL_NO;
}

/* Split points around a break at candidate offset x: the unit boundary at
 * or before it, the one after it when x is inside a unit, then earlier
 * ones; never the candidate's start. */
static size_t split_points(const judge *j, uint64_t x, uint64_t *out, size_t max)
{
	uint64_t u = j->lim->unit, r = j->job->start % u, first = r ? u - r : u;
	uint64_t f = x >= first ? x - (x - first) % u : 0;
	size_t n = 0;

	if (f && n < max)
		out[n++] = f;
	if (f != x && n < max)
		out[n++] = f ? f + u : first;
	for (uint64_t s = f; s >= first + u && n < max;) {
		s -= u;
		out[n++] = s;
	}
	return n;
}

/* join_is_unique — the join (s, c) validated; so must no neighbouring
 * split with the same gap.  Where the bytes around the split are not
 * checked by the format (a video frame's payload, say), moving the split
 * a unit either way swaps a unit of the file for a unit of the gap and
 * still validates: the joined file would then be a guess, and a guessed
 * file is worse than a partial one.  On ambiguity j->ambiguous_at is the
 * earliest split that validated, walking back unit by unit (up to
 * AMBIGUOUS_WALK): the bytes before it are certain. */
static int join_is_unique(judge *j, uint64_t s, uint64_t c, uint64_t length)
{
	uint64_t u = j->lim->unit, earliest = s;
	int unique = 1;

	for (int side = -1; side <= 1; side += 2) {
		uint64_t s2 = side < 0 ? s - u : s + u, c2 = side < 0 ? c - u : c + u;
		uint64_t next, len2, bad;

		if ((side < 0 && s <= u) || s2 >= length || c2 >= j->job->src->size ||
		    resume_at(j, s2, &next) != 0)
			continue;
		if (try_continuation(j, s2, next, c2, &len2, &bad) == TRIAL_WHOLE) {
			unique = 0;
			if (s2 < earliest)
				earliest = s2;
		}
	}
	/* The bytes before the earliest split that validates are certain:
	 * walk back while splits still validate with the same gap. */
	for (unsigned back = 0; !unique && back < AMBIGUOUS_WALK && earliest > 2 * u; back++) {
		uint64_t s2 = earliest - u, next, len2, bad;

		if (resume_at(j, s2, &next) != 0 ||
		    try_continuation(j, s2, next, c - (s - s2), &len2, &bad) != TRIAL_WHOLE)
			break;
		earliest = s2;
	}
	if (!unique)
		j->ambiguous_at = earliest;
	return unique;
}

static void set_whole(judge *j, uint64_t s, uint64_t c, uint64_t length)
{
	carve_result *o = j->out;

	o->verdict = CARVE_WHOLE;
	o->length = length;
	o->n_pieces = 2;
	o->pieces[0].offset = j->job->start;
	o->pieces[0].length = s;
	o->pieces[1].offset = c;
	o->pieces[1].length = length - s;
}

/* retry_gap — validate found a joined candidate bad at b, before its split:
 * the gap may be right and the split earlier (an MP4's mdat).  Keep the
 * gap, try split points around b.  A split too late fails near the true
 * split, one too early fails next to itself: only a failure clearly
 * before its own split moves the search further back.
 * RETURN 1 when one validated. */
static int retry_gap(judge *j, uint64_t gap, uint64_t b)
{
	uint64_t points[SPLITS_BEFORE], length, bad, u = j->lim->unit;

	for (unsigned round = 0; round < j->lim->validations; round++) {
		size_t n = split_points(j, b, points,
		                        j->lim->splits < SPLITS_BEFORE ? j->lim->splits : SPLITS_BEFORE);
		uint64_t next_b = b;

		for (size_t i = 0; i < n; i++) {
			uint64_t next, c = j->job->start + points[i] + gap;
			int rc;

			if (c >= j->job->src->size || resume_at(j, points[i], &next) != 0)
				continue;
			rc = try_continuation(j, points[i], next, c, &length, &bad);
			if (rc == TRIAL_WHOLE) {
				if (!join_is_unique(j, points[i], c, length))
					return 0;
				set_whole(j, points[i], c, length);
				return 1;
			}
			if (rc == TRIAL_STOP)
				return 0;
			if (rc == TRIAL_BAD_BEFORE_SPLIT && bad + u < points[i] && bad < next_b)
				next_b = bad;
		}
		if (next_b == b)
			return 0;
		b = next_b;
	}
	return 0;
}

/* starts_file — whether a signature puts another file's start at stream
 * offset c (so it is not a continuation). */
static int starts_file(judge *j, uint64_t c)
{
	const carve_scanner *sc = j->job->scanner;
	size_t reach, got = 0;
	const unsigned char *b;

	if (!sc)
		return 0;
	reach = carve_scanner_reach(sc);
	b = j->job->src->get(j->job->src->ctx, c, reach, &got);
	return b && carve_scanner_starts_file(sc, b, got);
}

/* gap_file — the length of the file starting at stream offset c that
 * carves whole on its own (whole_at), else 0; answers kept, since every
 * split point walks the same gap. */
static uint64_t gap_file(judge *j, uint64_t c)
{
	uint64_t length;

	if (!j->job->whole_at)
		return 0;
	for (unsigned i = 0; i < j->n_gap_files; i++)
		if (j->gap_files[i].at == c)
			return j->gap_files[i].length;
	length = j->job->whole_at(j->job->whole_ctx, c);
	if (j->n_gap_files < GAP_FILES) {
		j->gap_files[j->n_gap_files].at = c;
		j->gap_files[j->n_gap_files++].length = length;
	}
	return length;
}

static int listed(const uint64_t *points, size_t n, uint64_t s)
{
	for (size_t i = 0; i < n; i++)
		if (points[i] == s)
			return 1;
	return 0;
}

/* later_points — split points after the break at x that data_check had
 * passed before it said so: a carver may place a break before bytes it
 * had to see to find it (a CRC tells that a chunk is damaged, not where:
 * the break is the chunk's start, the second fragment may begin anywhere
 * in it).  Fed unit by unit from f, the first of the n_have points
 * split_points gave (the unit boundary at or before x), data_check shows
 * where it found the break; every boundary after f and before that unit
 * that is not among them is a point, up to max.
 * RETURN how many, or PASS_TIMEOUT. */
static int later_points(judge *j, const uint64_t *have, size_t n_have, uint64_t *out, size_t max)
{
	uint64_t f = have[0];
	map single = { j->job->start, 0, 0, 0 };
	uint64_t u = j->lim->unit, pos, e, stop = f + (max + 2) * u;
	size_t n = 0;
	int v;

	if (resume_at(j, f, &pos) != 0 || pos != f)
		return 0;
	memcpy(j->trial, j->resumed, j->ss);
	v = run_pass(j, j->trial, &single, &pos, stop, u, 0, &e);
	if (v == PASS_TIMEOUT)
		return v;
	if (v != EXHIBIT_CARVE_ERROR && v != EXHIBIT_CARVE_REJECT)
		return 0;     /* (a break validate found: data_check has no say) */
	/* it broke in the unit that ends at pass_reach */
	for (uint64_t s = f + u; n < max && s + u <= j->pass_reach; s += u)
		if (!listed(have, n_have, s))
			out[n++] = s;
	return (int)n;
}

/* search_continuation — the content broke at candidate offset x: look for
 * the second fragment.  RETURN 1 when found (j->out is WHOLE). */
static int search_continuation(judge *j, uint64_t x)
{
	uint64_t before[SPLITS_BEFORE], points[SPLITS_BEFORE + SPLITS_LATER], u = j->lim->unit;
	size_t nb = split_points(j, x, before,
	                         j->lim->splits < SPLITS_BEFORE ? j->lim->splits : SPLITS_BEFORE);
	size_t n = 0;
	int later;

	if (!nb)
		return 0;
	j->searching = 1;
	/* Where data_check passed the break, the split is likelier there than
	 * before the break: the later points come right after the first. */
	points[n++] = before[0];
	later = later_points(j, before, nb, points + n, SPLITS_LATER);
	if (later == PASS_TIMEOUT)
		return 0;
	n += (size_t)later;
	memcpy(points + n, before + 1, (nb - 1) * sizeof *points);
	n += nb - 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t s = points[i], split_at = j->job->start + s, next, length, bad;
		/* each split point gets its share of the trials and of the bytes
		 * left: one that finds nothing near does not starve the next
		 * (the nearest continuation is the likeliest) */
		unsigned left = j->out->trials < j->lim->trials ? j->lim->trials - j->out->trials : 0;
		unsigned share = j->out->trials + left / (unsigned)(n - i);
		uint64_t bytes_left = j->fed < j->lim->search_bytes ? j->lim->search_bytes - j->fed : 0;
		uint64_t fed_share = j->fed + bytes_left / (n - i);
		int rc = resume_at(j, s, &next);

		if (rc == PASS_TIMEOUT)
			return 0;
		if (rc != 0)
			continue;
		/* The gap may begin with a whole file (the content broke where
		 * it starts): the continuation comes after it. */
		uint64_t from = split_at + u;
		if (starts_file(j, split_at)) {
			uint64_t w = gap_file(j, split_at);
			if (w > u)
				from = split_at + (w + u - 1) / u * u;
		}
		for (uint64_t c = from; c < j->job->src->size && c - split_at <= j->lim->window &&
		                        j->out->trials < share && j->fed < fed_share; c += u) {
			if (j->job->excluded && j->job->excluded(j->job->excluded_ctx, c, 1))
				continue;
			if (starts_file(j, c)) {
				/* Another file starts here: not a continuation; when it is
				 * whole, none starts inside it either. */
				uint64_t w = gap_file(j, c);
				if (w > u)
					c += (w - 1) / u * u;
				continue;
			}
			rc = try_continuation(j, s, next, c, &length, &bad);
			if (rc == TRIAL_WHOLE) {
				if (!join_is_unique(j, s, c, length))
					return 0;
				set_whole(j, s, c, length);
				return 1;
			}
			if (rc == TRIAL_STOP)
				return 0;
			if (rc == TRIAL_BAD_BEFORE_SPLIT) {
				if (retry_gap(j, c - split_at, bad))
					return 1;
				/* retry_gap resumed at other split points: back to s */
				if (resume_at(j, s, &next) != 0)
					break;
			}
			if (j->ambiguous_at || j->timed_out || j->out->trials > j->lim->trials)
				return 0;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- stages */

static int setup(judge *j, const carve_job *job, carve_scratch *mem, carve_result *out)
{
	const exhibit_carver *c = job->carver;
	uint64_t u = job->limits->unit;

	memset(j, 0, sizeof *j);
	j->job = job;
	j->c = c;
	j->lim = job->limits;
	j->mem = mem;
	j->out = out;
	j->ss = c->state_size ? c->state_size : 1;
	if (scratch_fit(mem, j->ss, job->limits->snapshots ? job->limits->snapshots : 1) < 0)
		return -1;
	j->init = mem->states;
	j->cur = mem->states + mem->state_size;
	j->resumed = mem->states + 2 * mem->state_size;
	j->trial = mem->states + 3 * mem->state_size;
	memset(mem->snaps, 0, mem->n_snaps * sizeof *mem->snaps);
	memset(j->init, 0, j->ss);
	j->limit = c->max_size ? c->max_size : UINT64_MAX;
	j->feed = FEED_BYTES < u ? u : FEED_BYTES - FEED_BYTES % u;
	/* Copying a state costs: keep snapshots at least 8 state sizes apart. */
	j->interval = j->feed;
	while (j->interval < 8 * (uint64_t)j->ss)
		j->interval += j->feed;
	clock_gettime(CLOCK_MONOTONIC, &j->deadline);
	j->deadline.tv_sec += (time_t)job->limits->seconds;
	j->deadline.tv_nsec += (long)((job->limits->seconds - (double)(time_t)job->limits->seconds) * 1e9);
	if (j->deadline.tv_nsec >= 1000000000L) {
		j->deadline.tv_sec++;
		j->deadline.tv_nsec -= 1000000000L;
	}
	return 0;
}

/* refine_skip — the call that asked for the first pass's last skip, fed
 * again unit by unit from the state before it: j->skip_from becomes the
 * start of the unit in which the unchecked bytes begin. */
static void refine_skip(judge *j)
{
	map single = { j->job->start, 0, 0, 0 };
	uint64_t from = j->skip_from, to = j->skip_to, x, e;
	int searching = j->searching, timed_out = j->timed_out;

	j->searching = 1;                  /* resume_at's feeding records no skip */
	j->timed_out = 0;                  /* a stopped search: this is bounded anyway */
	if (resume_at(j, from, &x) == 0 && x == from) {
		j->refining = 1;
		j->resumed_for = 0;        /* fed on: no longer the state at from */
		run_pass(j, j->resumed, &single, &x, to, j->lim->unit, 0, &e);
		j->refining = 0;
	}
	j->searching = searching;
	j->timed_out |= timed_out;
	if (j->skip_to != to)              /* not the same skip: keep the call's start */
		j->skip_from = from;
	j->skip_to = to;
}

/* certain_length — how much of a candidate that broke at x to keep.  When
 * it broke right after bytes the carver skipped unchecked (a frame's
 * payload, an mdat), the second fragment may have begun anywhere in them:
 * the file is kept up to where they begin. */
static uint64_t certain_length(judge *j, uint64_t x)
{
	/* (A skip to the stream's end or past it: the stream ended the file,
	 * not a gap.) */
	if (!j->skip_to || j->skip_to > x || x - j->skip_to >= j->lim->unit ||
	    j->skip_to >= j->job->src->size - j->job->start)
		return x;
	refine_skip(j);
	return j->skip_from < x ? j->skip_from : x;
}

static void keep_partial(judge *j, uint64_t length, uint64_t min_size)
{
	carve_result *o = j->out;
	uint64_t room = j->job->src->size - j->job->start;

	/* A break the carver places past the stream's end (it skipped bytes
	 * that are not there): the partial file ends with the stream. */
	if (length > room)
		length = room;
	o->break_at = length;
	if (length == 0 || length < min_size)
		return;
	o->verdict = CARVE_PARTIAL;
	o->length = length;
	o->n_pieces = 1;
	o->pieces[0].offset = j->job->start;
	o->pieces[0].length = length;
}

/* first_pass — header_check and data_check over the contiguous
 * candidate.  RETURN the data verdict (*end set) or REJECT. */
static int first_pass(judge *j, exhibit_carve_header *h, uint64_t *end)
{
	const carve_source *src = j->job->src;
	map single = { j->job->start, 0, 0, 0 };
	size_t want = j->c->header_len, got = 0;
	const unsigned char *head = no_bytes;
	uint64_t x = 0;

	if (want) {
		const unsigned char *b = src->get(src->ctx, j->job->start, want, &got);
		if (b && got)
			head = b;
		else
			got = 0;
	}
	memset(h, 0, sizeof *h);
	if (j->c->header_check(j->init, head, got, j->job->signature, h) != EXHIBIT_CARVE_ACCEPT)
		return EXHIBIT_CARVE_REJECT;
	j->out->extension = h->extension;
	if (!j->c->data_check) {
		/* The file is header.size bytes: whole when the stream holds them. */
		uint64_t room = src->size - j->job->start;
		if (!h->size)
			return EXHIBIT_CARVE_REJECT;
		*end = h->size <= room ? h->size : room;
		return h->size <= room ? EXHIBIT_CARVE_END : EXHIBIT_CARVE_ERROR;
	}
	memcpy(j->cur, j->init, j->ss);
	return run_pass(j, j->cur, &single, &x, UINT64_MAX, 0, 1, end);
}

int carve_judge(const carve_job *job, carve_scratch *scratch, carve_result *out)
{
	map single = { job->start, 0, 0, 0 };
	exhibit_carve_header h;
	judge j;
	uint64_t end = 0, bad, broke;
	int v;

	memset(out, 0, sizeof *out);
	if (setup(&j, job, scratch, out) < 0) {
		snprintf(out->problem, sizeof out->problem, "out of memory");
		return -1;
	}
	v = first_pass(&j, &h, &end);
	if (v == PASS_TIMEOUT || v == EXHIBIT_CARVE_REJECT)
		return 0;
	if (v == EXHIBIT_CARVE_END) {
		if (end < h.min_size)
			return 0;
		if (run_validate(&j, &single, end, &bad) == EXHIBIT_OK) {
			out->verdict = CARVE_WHOLE;
			out->length = end;
			out->n_pieces = 1;
			out->pieces[0].offset = job->start;
			out->pieces[0].length = end;
			return 0;
		}
		broke = bad;
	} else {
		broke = end;
	}
	if (job->carver->fragments && job->carver->data_check && search_continuation(&j, broke))
		return 0;
	end = certain_length(&j, broke);
	keep_partial(&j, j.ambiguous_at && j.ambiguous_at < end ? j.ambiguous_at : end, h.min_size);
	if (broke < job->src->size - job->start)
		out->break_at = broke;     /* where it broke, whatever was kept */
	return 0;
}

/*
 * pipeline.c — see pipeline.h.  This file walks and orchestrates; the
 * workers' side is worker.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carve_run.h"
#include "casedb_hashsets.h"
#include "ewf_meta.h"
#include "hash.h"
#include "image_hash.h"
#include "plugin_guard.h"
#include "run.h"
#include "sqlite_sidecar.h"

#define WORK_QUEUE_ITEMS 64  /* batches of up to WORK_BATCH_ITEMS entries */
#define WRITER_QUEUE_OPS 4096

/* ---------------------------------------------------------------- events */

void run_event(run *r, const pipeline_event *ev)
{
	if (!r->opts->event)
		return;
	pthread_mutex_lock(&r->event_lock);
	r->opts->event(r->opts->event_ctx, ev);
	pthread_mutex_unlock(&r->event_lock);
}

void run_problem(run *r, const char *path, const char *plugin, int64_t offset,
                 const char *message)
{
	pipeline_event ev = { EVENT_PROBLEM, path, NULL, 0, offset, plugin, message };

	atomic_fetch_add(&r->stats->problems, 1);
	run_event(r, &ev);
}

/* ---------------------------------------------------------------- writer ops */

/* A small op for the few writes the walking thread makes itself. */
typedef struct layout_op {
	write_op op;
	int64_t evidence_id;
	int64_t fs_id;
	int64_t *fs_id_out;
	walk_volume volume;
	walk_filesystem fs;
	walk_range range;
	char *text;               /* owned copy of a string the op needs */
	char *text2;
	const evidence_source *src;
	int64_t *evidence_id_out;
	int has_ewf;
	ewf_meta ewf;
	int hashed;               /* apply_evidence: the image hash is recorded */
} layout_op;

static void layout_free(write_op *op)
{
	layout_op *l = (layout_op *)op;

	free(l->text);
	free(l->text2);
	if (l->has_ewf)
		ewf_meta_clear(&l->ewf);
	free(l);
}

static layout_op *layout_new(int (*apply)(casedb *, write_op *, exhibit_error *))
{
	layout_op *l = calloc(1, sizeof *l);

	if (l) {
		l->op.apply = apply;
		l->op.destroy = layout_free;
	}
	return l;
}

static int apply_volume(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	return casedb_insert_volume(db, l->evidence_id, &l->volume, err);
}

static int apply_filesystem(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	return casedb_filesystem_id(db, l->evidence_id, &l->fs, l->fs_id_out, err);
}

static int apply_range(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	return casedb_insert_range(db, l->evidence_id, l->fs_id, &l->range, err);
}

static int apply_error(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	return casedb_insert_evidence_problem(db, l->evidence_id, l->range.offset == UINT64_MAX
	                                      ? -1 : (int64_t)l->range.offset, l->text, err);
}

static int apply_status(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	return casedb_set_evidence_status(db, l->evidence_id, l->text, err);
}

static int apply_forget_layout(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	return casedb_forget_layout(db, l->evidence_id, err);
}

static int apply_ewf(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	return casedb_set_evidence_ewf(db, l->evidence_id, &l->ewf, err);
}

/* Finds or creates the evidence row; text2 receives its status. */
static int apply_evidence(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	char status[32] = "";

	*l->evidence_id_out = casedb_find_evidence(db, l->src->path, status, sizeof status);
	if (*l->evidence_id_out > 0) {
		l->text2 = strdup(status);
		l->hashed = casedb_evidence_hashed(db, *l->evidence_id_out);
		return 0;
	}
	l->text2 = strdup("new");
	return casedb_insert_evidence(db, l->src, l->evidence_id_out, err);
}

static void record_evidence_problem(run *r, evidence_run *ev, int64_t offset, const char *msg)
{
	layout_op *l = layout_new(apply_error);

	run_problem(r, ev->src.path ? ev->src.path : "(evidence)", NULL, offset, msg);
	if (!l || ev->id <= 0) {
		free(l);
		return;
	}
	l->evidence_id = ev->id;
	l->range.offset = offset < 0 ? UINT64_MAX : (uint64_t)offset;
	l->text = strdup(msg);
	writer_push(r->w, &l->op);
}

static void push_status(run *r, int64_t evidence_id, const char *status)
{
	layout_op *l = layout_new(apply_status);

	if (!l)
		return;
	l->evidence_id = evidence_id;
	l->text = strdup(status);
	writer_push(r->w, &l->op);
}

static int apply_mark_damaged(casedb *db, write_op *op, exhibit_error *err)
{
	layout_op *l = (layout_op *)op;
	return casedb_mark_damaged_files(db, l->evidence_id, err) < 0 ? -1 : 0;
}

static void push_mark_damaged(run *r, int64_t evidence_id)
{
	layout_op *l = layout_new(apply_mark_damaged);

	if (!l)
		return;
	l->evidence_id = evidence_id;
	writer_push(r->w, &l->op);
}

/* ---------------------------------------------------------------- image hash */

typedef struct hash_finding {
	uint64_t offset, length;  /* length 0: not a range, just a message */
	char message[256];
} hash_finding;

/* The image hash and everything it found are written in one op, so a run
 * interrupted while hashing leaves no half-recorded findings behind. */
typedef struct hash_job {
	write_op op;
	run *r;
	evidence_run *ev;
	int have_digests;
	digests d;
	hash_finding *findings;
	size_t n_findings;
} hash_job;

static void add_finding(hash_job *job, uint64_t offset, uint64_t length, const char *msg)
{
	hash_finding *grown = realloc(job->findings, (job->n_findings + 1) * sizeof *grown);

	if (!grown)
		return;
	job->findings = grown;
	grown[job->n_findings].offset = offset;
	grown[job->n_findings].length = length;
	snprintf(grown[job->n_findings].message, sizeof grown->message, "%s", msg);
	job->n_findings++;
	run_problem(job->r, job->ev->src.path, NULL, length ? (int64_t)offset : -1, msg);
}

static int apply_hash_job(casedb *db, write_op *op, exhibit_error *err)
{
	hash_job *job = (hash_job *)op;
	int rc = 0;

	for (size_t i = 0; i < job->n_findings && rc == 0; i++) {
		hash_finding *f = &job->findings[i];

		if (f->length)
			rc = casedb_insert_damaged_range(db, job->ev->id, f->offset, f->length,
			                                 f->message, err);
		if (rc == 0)
			rc = casedb_insert_error(db, job->ev->id, 0, NULL,
			                         f->length ? (int64_t)f->offset : -1, f->message, err);
	}
	if (rc == 0 && job->have_digests)
		rc = casedb_set_evidence_hashes(db, job->ev->id, &job->d, err);
	return rc;
}

static void free_hash_job(write_op *op)
{
	hash_job *job = (hash_job *)op;

	free(job->findings);
	free(job);
}

static void count_hashed(void *ctx, uint64_t bytes)
{
	run *r = ((hash_job *)ctx)->r;
	atomic_fetch_add(&r->stats->image_bytes_hashed, bytes);
}

static void note_bad_range(void *ctx, uint64_t offset, uint64_t length)
{
	hash_job *job = ctx;
	char msg[256];

	snprintf(msg, sizeof msg, "EWF chunk checksum error (damaged, truncated or missing segment): "
	         "media bytes %llu to %llu cannot be read as acquired and read as zeros",
	         (unsigned long long)offset, (unsigned long long)(offset + length));
	add_finding(job, offset, length, msg);
}

/* The acquisition's own hashes against ours: a mismatch is a finding. */
static void compare_stored(hash_job *job, const digests *d)
{
	ewf_meta meta;
	char ours[41], theirs[41], msg[256];

	if (ewf_meta_read(job->ev->src.segments, job->ev->src.n_segments, &meta, NULL) < 0)
		return;
	if (meta.has_md5 && memcmp(meta.md5, d->md5, MD5_LEN)) {
		hex_encode(d->md5, MD5_LEN, ours);
		hex_encode(meta.md5, MD5_LEN, theirs);
		snprintf(msg, sizeof msg, "image MD5 mismatch: the media hashes to %s, the acquisition "
		         "recorded %s", ours, theirs);
		add_finding(job, 0, 0, msg);
	}
	if (meta.has_sha1 && memcmp(meta.sha1, d->sha1, SHA1_LEN)) {
		hex_encode(d->sha1, SHA1_LEN, ours);
		hex_encode(meta.sha1, SHA1_LEN, theirs);
		snprintf(msg, sizeof msg, "image SHA-1 mismatch: the media hashes to %s, the acquisition "
		         "recorded %s", ours, theirs);
		add_finding(job, 0, 0, msg);
	}
	ewf_meta_clear(&meta);
}

/* Hash the whole image in order while the workers hash the files: the
 * media hash is what the acquisition's stored hash is checked against.
 * EWF goes through libewf directly so damaged chunks are named. */
static void *image_hash_main(void *arg)
{
	hash_job *job = arg;
	int is_ewf = job->ev->src.format && !strcmp(job->ev->src.format, "ewf");
	ewf_hash_callbacks cb = { job, count_hashed, note_bad_range };
	exhibit_error err;
	int rc;

	exhibit_error_clear(&err);
	rc = image_hash(&job->ev->src, &job->d, &cb, &err);
	if (rc == 0) {
		job->have_digests = 1;
		if (is_ewf)
			compare_stored(job, &job->d);
	} else {
		char msg[EXHIBIT_ERROR_MAX + 64];
		snprintf(msg, sizeof msg, "image hash not computed: %s",
		         err.message[0] ? err.message : "out of memory");
		add_finding(job, 0, 0, msg);
	}
	writer_push(job->r->w, &job->op);
	return NULL;
}

static void start_image_hash(run *r, evidence_run *ev)
{
	hash_job *job = calloc(1, sizeof *job);

	if (!job)
		return;
	job->op.apply = apply_hash_job;
	job->op.destroy = free_hash_job;
	job->r = r;
	job->ev = ev;
	atomic_fetch_add(&r->stats->image_bytes_total, ev->src.size);
	if (pthread_create(&ev->hash_thread, NULL, image_hash_main, job) == 0)
		ev->hashing = 1;
	else
		free(job);
}

/* ---------------------------------------------------------------- walking */

typedef struct walk_ctx {
	run *r;
	evidence_run *ev;
	bundle *pending[WORK_PENDING_MAX];
	size_t n_pending;
	uint64_t fs_offsets[64];
	int fs_types[64];
	int64_t fs_ids[64];
	int n_fs;
	carve_fs carve_fs[64];       /* ids and block sizes, for carving */
	carve_range *ranges;         /* what the walk left unclaimed, when carving */
	size_t n_ranges, ranges_cap;
} walk_ctx;

static int fs_index_for(walk_ctx *c, uint64_t offset, int type)
{
	for (int i = 0; i < c->n_fs; i++)
		if (c->fs_offsets[i] == offset && c->fs_types[i] == type)
			return i;
	return -1;
}

static int64_t fs_id_for(walk_ctx *c, uint64_t offset, int type)
{
	int i = fs_index_for(c, offset, type);
	return i >= 0 ? c->fs_ids[i] : 0;
}

static int on_volume(void *ctx, const walk_volume *v)
{
	walk_ctx *c = ctx;
	layout_op *l = layout_new(apply_volume);

	if (!l)
		return 1;
	l->evidence_id = c->ev->id;
	l->volume = *v;
	l->text = v->description ? strdup(v->description) : NULL;
	l->volume.description = l->text;
	writer_push(c->r->w, &l->op);
	return 0;
}

static int on_filesystem(void *ctx, const walk_filesystem *fs)
{
	walk_ctx *c = ctx;
	layout_op *l = layout_new(apply_filesystem);
	exhibit_error err;
	int64_t id = 0;

	if (!l)
		return 1;
	l->evidence_id = c->ev->id;
	l->fs = *fs;
	l->fs_id_out = &id;
	if (writer_call(c->r->w, &l->op, &err) < 0) {
		record_evidence_problem(c->r, c->ev, (int64_t)fs->offset, err.message);
		layout_free(&l->op);
		return 1;
	}
	layout_free(&l->op);
	if (c->n_fs < 64) {
		c->fs_offsets[c->n_fs] = fs->offset;
		c->fs_types[c->n_fs] = fs->fs_type_id;
		c->carve_fs[c->n_fs].id = id;
		c->carve_fs[c->n_fs].block_size = fs->block_size;
		c->fs_ids[c->n_fs++] = id;
	}
	return 0;
}

static int already_done(const evidence_run *ev, uint64_t seq)
{
	return seq < ev->n_done_bits && (ev->done_bits[seq / 8] >> (seq % 8) & 1);
}

/* Where an entry's content starts in the image; entries without a place
 * (directories of a directory source, resident data) sort last. */
static int64_t content_start(const bundle *b)
{
	const walk_entry *e = &b->entry;

	for (size_t i = 0; i < e->n_runs; i++)
		if (e->runs[i].image_offset >= 0)
			return e->runs[i].image_offset;
	return INT64_MAX;
}

static int by_content_start(const void *a, const void *b)
{
	const bundle *x = *(bundle *const *)a, *y = *(bundle *const *)b;
	int64_t ox = content_start(x), oy = content_start(y);

	if (ox != oy)
		return ox < oy ? -1 : 1;
	return x->row.walk_seq < y->row.walk_seq ? -1 : x->row.walk_seq > y->row.walk_seq;
}

static void push_batch(walk_ctx *c, work_item *it)
{
	if (it && it->n)
		queue_push(&c->r->work, &it->node);
	else
		free(it);
}

/*
 * Databases and their WAL or journal.  SQLite opens "X" with "X-wal" or
 * "X-journal" from the same directory; so does the analysis (worker.c,
 * sqlite_sidecar.h).  The walk hands a directory's entries one after the
 * other, so the two meet among the pending entries: each companion is
 * given (a copy of its entry) to the database it goes with before the
 * batch goes out.  Only files whose names and contents are both allocated
 * are paired: a deleted "X-wal" beside a live "X" may be from another
 * life of the database.  A pair the walk hands more than
 * WORK_PENDING_MAX entries apart (a subdirectory of that many files
 * walked in between) is not paired; each is still analysed alone.
 */
static int pairable(const bundle *b)
{
	return b->entry.type == 'r' && b->entry.has_content && b->entry.name_allocated &&
	       b->entry.meta_allocated && !b->carved;
}

static void pair_sidecars(walk_ctx *c)
{
	for (size_t i = 0; i < c->n_pending; i++) {
		bundle *side = c->pending[i], **slot;
		size_t base_len;
		sqlite_file_kind kind = sqlite_sidecar_of(side->entry.path, &base_len);

		if (kind == SQLITE_FILE_MAIN || !pairable(side))
			continue;
		for (size_t j = 0; j < c->n_pending; j++) {
			bundle *db = c->pending[j];

			if (j == i || !pairable(db) || strlen(db->entry.path) != base_len ||
			    strncmp(db->entry.path, side->entry.path, base_len))
				continue;
			slot = kind == SQLITE_FILE_WAL ? &db->wal : &db->journal;
			if (!*slot)
				*slot = bundle_new(&side->entry); /* NULL: analysed alone */
			break;
		}
	}
}

/* held_back — how many entries at the end of a full window share the
 * last one's directory: they wait for the next window, so that a
 * database and its companion the window's end would part stay together
 * (all of them go when the whole window is one directory). */
static size_t held_back(const walk_ctx *c)
{
	const char *last = c->pending[c->n_pending - 1]->entry.path;
	const char *slash = strrchr(last, '/');
	size_t dir_len = slash ? (size_t)(slash - last) + 1 : 0, n = 0;

	while (n < c->n_pending) {
		const char *p = c->pending[c->n_pending - 1 - n]->entry.path;

		if (strncmp(p, last, dir_len) || strchr(p + dir_len, '/'))
			break;
		n++;
	}
	return n == c->n_pending ? 0 : n;
}

/* flush_pending — sort what is pending by place and hand it out in
 * batches of neighbours (keeping back, when the window is full, the
 * entries of its last directory). */
static int flush_pending(walk_ctx *c, int full)
{
	work_item *it = NULL;
	uint64_t bytes = 0;
	bundle *kept[WORK_PENDING_MAX];
	size_t n_kept = full ? held_back(c) : 0;

	c->n_pending -= n_kept;
	memcpy(kept, c->pending + c->n_pending, n_kept * sizeof kept[0]);
	pair_sidecars(c);
	qsort(c->pending, c->n_pending, sizeof c->pending[0], by_content_start);
	for (size_t i = 0; i < c->n_pending; i++) {
		bundle *b = c->pending[i];
		uint64_t size = b->entry.has_content ? b->entry.size : 0;

		if (it && (it->n == WORK_BATCH_ITEMS || bytes + size > WORK_BATCH_BYTES)) {
			push_batch(c, it);
			it = NULL;
		}
		if (!it) {
			if (!(it = calloc(1, sizeof *it))) {
				for (size_t j = i; j < c->n_pending; j++)
					bundle_free(c->pending[j]);
				for (size_t j = 0; j < n_kept; j++)
					bundle_free(kept[j]);
				c->n_pending = 0;
				return 1;
			}
			it->ev = c->ev;
			bytes = 0;
		}
		it->b[it->n++] = b;
		bytes += size;
	}
	push_batch(c, it);
	memcpy(c->pending, kept, n_kept * sizeof kept[0]);
	c->n_pending = n_kept;
	return 0;
}

static int on_entry(void *ctx, const walk_entry *e)
{
	walk_ctx *c = ctx;
	bundle *b;

	atomic_fetch_add(&c->r->stats->items_walked, 1);
	if (e->has_content)
		atomic_fetch_add(&c->r->stats->bytes_walked, e->size);
	if (already_done(c->ev, e->seq)) {
		atomic_fetch_add(&c->r->stats->items_skipped, 1);
		atomic_fetch_add(&c->r->stats->items_done, 1);
		if (e->has_content)
			atomic_fetch_add(&c->r->stats->bytes_done, e->size);
		return 0;
	}
	if (!(b = bundle_new(e)))
		return 1;
	b->row.id = atomic_fetch_add(&c->r->next_file_id, 1);
	b->row.evidence_id = c->ev->id;
	b->row.walk_seq = (int64_t)e->seq;
	b->row.fs_id = e->has_fs ? fs_id_for(c, e->fs_offset, e->fs_type) : 0;
	b->row.source = "fs";
	c->pending[c->n_pending++] = b;
	return c->n_pending == WORK_PENDING_MAX ? flush_pending(c, 1) : 0;
}

/* keep_for_carving — the range, as a piece of a stream to carve. */
static int keep_for_carving(walk_ctx *c, const walk_range *rg)
{
	static const char *const kinds[] = { "fs-unallocated", "slack", "unpartitioned", "unrecognised" };
	static const carve_stream_kind stream_kinds[] = { STREAM_UNALLOCATED, STREAM_SLACK,
	                                                  STREAM_UNPARTITIONED, STREAM_UNRECOGNISED };
	size_t k = 0;

	while (k < 4 && strcmp(rg->kind, kinds[k]))
		k++;
	if (k == 4)
		return 0;
	if (c->n_ranges == c->ranges_cap) {
		size_t cap = c->ranges_cap ? 2 * c->ranges_cap : 256;
		carve_range *grown = realloc(c->ranges, cap * sizeof *grown);
		if (!grown)
			return -1;
		c->ranges = grown;
		c->ranges_cap = cap;
	}
	c->ranges[c->n_ranges].offset = rg->offset;
	c->ranges[c->n_ranges].length = rg->length;
	c->ranges[c->n_ranges].kind = stream_kinds[k];
	c->ranges[c->n_ranges].fs = rg->has_fs ? fs_index_for(c, rg->fs_offset, rg->fs_type) : -1;
	c->n_ranges++;
	return 0;
}

static int on_range(void *ctx, const walk_range *rg)
{
	walk_ctx *c = ctx;
	layout_op *l = layout_new(apply_range);

	if (c->r->opts->carve == PIPELINE_CARVE_FREE && c->r->carving && keep_for_carving(c, rg) < 0)
		record_evidence_problem(c->r, c->ev, (int64_t)rg->offset,
		                        "out of memory: this range will not be carved");
	if (!l)
		return 1;
	l->evidence_id = c->ev->id;
	l->fs_id = rg->has_fs ? fs_id_for(c, rg->fs_offset, rg->fs_type) : 0;
	l->range = *rg;
	l->text = strdup(rg->kind);
	l->range.kind = l->text;
	writer_push(c->r->w, &l->op);
	return 0;
}

static void on_problem(void *ctx, const exhibit_error *err)
{
	walk_ctx *c = ctx;
	record_evidence_problem(c->r, c->ev, err->offset, err->message);
}

/* ---------------------------------------------------------------- evidence */

static int open_evidence_row(run *r, evidence_run *ev, char *status, size_t len,
                             int *hashed, exhibit_error *err)
{
	layout_op *l = layout_new(apply_evidence);
	int rc;

	if (!l)
		return exhibit_error_set(err, -1, -1, "out of memory");
	l->src = &ev->src;
	l->evidence_id_out = &ev->id;
	rc = writer_call(r->w, &l->op, err);
	snprintf(status, len, "%s", l->text2 ? l->text2 : "");
	*hashed = l->hashed;
	layout_free(&l->op);
	return rc;
}

typedef struct done_op {
	write_op op;
	evidence_run *ev;
} done_op;

static int apply_load_done(casedb *db, write_op *op, exhibit_error *err)
{
	done_op *d = (done_op *)op;
	return casedb_done_walk_seqs(db, d->ev->id, &d->ev->done_bits, &d->ev->n_done_bits, err);
}

static void record_ewf_metadata(run *r, evidence_run *ev)
{
	layout_op *l = layout_new(apply_ewf);
	exhibit_error err;

	if (!l)
		return;
	exhibit_error_clear(&err);
	if (ewf_meta_read(ev->src.segments, ev->src.n_segments, &l->ewf, &err) < 0) {
		record_evidence_problem(r, ev, err.offset, err.message);
		layout_free(&l->op);
		return;
	}
	l->has_ewf = 1;
	l->evidence_id = ev->id;
	writer_push(r->w, &l->op);
}

static void announce(run *r, pipeline_event_kind kind, const evidence_run *ev, const char *msg)
{
	pipeline_event e = { kind, ev->src.path, ev->src.format, ev->src.size, -1, NULL, msg };
	run_event(r, &e);
}

/* process_evidence — walk one source; its items flow to the workers. */
static void process_evidence(run *r, evidence_run *ev, const char *path)
{
	exhibit_error err;
	char status[32];
	int hashed = 0;
	walk_ctx c;
	walk_callbacks cb = { &c, on_volume, on_filesystem, on_entry, on_range, on_problem };
	done_op load = { { { NULL }, apply_load_done, NULL }, ev };
	layout_op *forget;

	exhibit_error_clear(&err);
	ev->walk_rc = -1;
	if (source_probe(path, &ev->src, &err) < 0) {
		run_problem(r, path, NULL, err.offset, err.message);
		return;
	}
	if (open_evidence_row(r, ev, status, sizeof status, &hashed, &err) < 0) {
		run_problem(r, path, NULL, -1, err.message);
		return;
	}
	if (!strcmp(status, "done")) {
		ev->walk_rc = 0;
		announce(r, EVENT_EVIDENCE_SKIPPED, ev, "already processed in this case");
		return;
	}
	announce(r, EVENT_EVIDENCE_START, ev, NULL);
	if (writer_call(r->w, &load.op, &err) < 0) {
		run_problem(r, path, NULL, -1, err.message);
		return;
	}
	if ((forget = layout_new(apply_forget_layout))) {
		forget->evidence_id = ev->id;
		writer_push(r->w, &forget->op);
	}
	if (ev->src.format && !strcmp(ev->src.format, "ewf"))
		record_ewf_metadata(r, ev);
	if (r->opts->hash_images && ev->src.kind == SOURCE_IMAGE && !hashed)
		start_image_hash(r, ev);
	memset(&c, 0, sizeof c);
	c.r = r;
	c.ev = ev;
	ev->walk_rc = walk_source(&ev->src, &cb, &err);
	flush_pending(&c, 0);
	if (ev->walk_rc < 0)
		record_evidence_problem(r, ev, err.offset, err.message);
	/* The walk has reported every range no file claims: carve them. */
	if (r->carving && ev->walk_rc != 1)
		carve_evidence(r, ev, c.ranges, c.n_ranges, c.carve_fs, c.n_fs);
	free(c.ranges);
}

static unsigned default_jobs(const pipeline_options *o)
{
	long n;

	if (o->jobs)
		return o->jobs;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static void note_analysed(void *ctx, const unsigned char *sha256)
{
	sha_set_claim(ctx, sha256);
}

/* The sets matched in this run are copied into the case once, up front. */
static int prepare_hash_sets(run *r, casedb *db, const pipeline_options *opts,
                             exhibit_error *err)
{
	size_t n = hashdb_set_count(opts->hash_sets);

	if (!opts->hash_sets || !n)
		return 0;
	if (!(r->hash_set_ids = calloc(n, sizeof *r->hash_set_ids)))
		return exhibit_error_set(err, -1, -1, "out of memory");
	return casedb_copy_hash_sets(db, opts->hash_sets, r->hash_set_ids, err);
}

static int prepare_run(run *r, casedb *db, const pipeline_options *opts,
                       pipeline_stats *stats, exhibit_error *err)
{
	memset(r, 0, sizeof *r);
	r->db = db;
	r->opts = opts;
	r->stats = stats;
	r->content_dir = casedb_dir(db);
	pthread_mutex_init(&r->event_lock, NULL);
	r->analysed = sha_set_new();
	if (!r->analysed || queue_init(&r->work, WORK_QUEUE_ITEMS) < 0)
		return exhibit_error_set(err, -1, -1, "out of memory");
	/* Before the writer starts, this thread may use the database. */
	if (casedb_each_analysed(db, note_analysed, r->analysed, err) < 0)
		return -1;
	atomic_store(&r->next_file_id, casedb_next_file_id(db));
	for (size_t i = 0; opts->plugins && i < plugin_registry_count(opts->plugins); i++)
		if (casedb_insert_plugin(db, plugin_registry_get(opts->plugins, i), err) < 0)
			return -1;
	if (prepare_hash_sets(r, db, opts, err) < 0)
		return -1;
	if (opts->carve != PIPELINE_CARVE_OFF &&
	    !(r->carving = carve_engine_new(opts->plugins, opts->carvers, err)) && err->code)
		return -1;
	carve_clean_store(r->content_dir);
	return writer_start(db, WRITER_QUEUE_OPS, &r->w, err);
}

int pipeline_run(casedb *db, const char *const *paths, size_t n_paths,
                 const pipeline_options *opts, pipeline_stats *stats,
                 exhibit_error *err)
{
	run r;
	unsigned jobs = default_jobs(opts);
	pthread_t *workers = calloc(jobs, sizeof *workers);
	evidence_run *evs = calloc(n_paths ? n_paths : 1, sizeof *evs);
	unsigned started = 0;
	int rc;

	if (plugin_guard_install() < 0) {
		free(workers);
		free(evs);
		return exhibit_error_set(err, -1, -1, "cannot install the plugin crash guard");
	}
	if (!workers || !evs || prepare_run(&r, db, opts, stats, err) < 0) {
		free(workers);
		free(evs);
		return -1;
	}
	for (; started < jobs; started++)
		if (pthread_create(&workers[started], NULL, worker_main, &r) != 0)
			break;
	for (size_t i = 0; i < n_paths; i++)
		process_evidence(&r, &evs[i], paths[i]);
	atomic_store(&stats->walk_finished, 1);
	queue_close(&r.work);
	for (unsigned i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	for (size_t i = 0; i < n_paths; i++) {
		if (evs[i].hashing)
			pthread_join(evs[i].hash_thread, NULL);
		if (evs[i].id > 0)
			push_mark_damaged(&r, evs[i].id);
		if (evs[i].id > 0 && evs[i].walk_rc >= 0) {
			push_status(&r, evs[i].id, "done");
			announce(&r, EVENT_EVIDENCE_DONE, &evs[i], NULL);
		}
	}
	rc = writer_stop(r.w, err) < 0 ? -1 : 0;
	for (size_t i = 0; i < n_paths; i++) {
		free(evs[i].done_bits);
		source_clear(&evs[i].src);
	}
	free(evs);
	free(workers);
	queue_destroy(&r.work);
	sha_set_free(r.analysed);
	free(r.hash_set_ids);
	carve_engine_free(r.carving);
	pthread_mutex_destroy(&r.event_lock);
	if (rc == 0 && atomic_load(&stats->problems) > 0)
		rc = 1;
	return rc;
}

/*
 * hashdb_build.c — see hashdb_build.h.
 */
#include "hashdb_build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hashdb_format.h"

#define RUN_READ_BUFFER ((size_t)256 << 10)
#define OUT_BUFFER ((size_t)1 << 20)
#define MAX_RUNS 4096

/* A record while building: the digest, then the category (u32). */
typedef struct run_file {
	char *path;
	uint64_t count;
} run_file;

typedef struct alg_buffer {
	unsigned char *data;
	size_t len, cap;                  /* bytes */
	run_file *runs;
	size_t n_runs;
} alg_buffer;

struct hashdb_builder {
	char *tmp_dir;
	size_t memory;
	size_t used;                      /* bytes in the three buffers */
	uint64_t records;
	unsigned next_run;
	alg_buffer alg[HASH_ALG_COUNT];
};

static size_t build_len(int alg)
{
	return hash_alg_length((hash_alg)alg) + 4;
}

/* ---------------------------------------------------------------- collecting */

hashdb_builder *hashdb_builder_new(const char *tmp_dir, size_t memory, exhibit_error *err)
{
	hashdb_builder *b = calloc(1, sizeof *b);

	if (!b || !(b->tmp_dir = strdup(tmp_dir))) {
		free(b);
		exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
		return NULL;
	}
	b->memory = memory ? memory : HASHDB_DEFAULT_MEMORY;
	if (b->memory < ((size_t)1 << 20))
		b->memory = (size_t)1 << 20;
	return b;
}

void hashdb_builder_free(hashdb_builder *b)
{
	if (!b)
		return;
	for (int a = 0; a < HASH_ALG_COUNT; a++) {
		for (size_t r = 0; r < b->alg[a].n_runs; r++) {
			unlink(b->alg[a].runs[r].path);
			free(b->alg[a].runs[r].path);
		}
		free(b->alg[a].runs);
		free(b->alg[a].data);
	}
	free(b->tmp_dir);
	free(b);
}

uint64_t hashdb_builder_records(const hashdb_builder *b)
{
	return b ? b->records : 0;
}

/* ---------------------------------------------------------------- sorting */

#define INSERTION_SORT_MAX 24

static void swap_records(unsigned char *a, unsigned char *b, size_t rl, unsigned char *tmp)
{
	memcpy(tmp, a, rl);
	memcpy(a, b, rl);
	memcpy(b, tmp, rl);
}

/* Records equal in their first depth bytes, by the rest of the digest. */
static void insertion_sort(unsigned char *base, size_t n, size_t rl, size_t dlen, size_t depth,
                           unsigned char *tmp)
{
	for (size_t i = 1; i < n; i++) {
		size_t j = i;

		memcpy(tmp, base + i * rl, rl);
		while (j > 0 && memcmp(base + (j - 1) * rl + depth, tmp + depth, dlen - depth) > 0) {
			memcpy(base + j * rl, base + (j - 1) * rl, rl);
			j--;
		}
		memcpy(base + j * rl, tmp, rl);
	}
}

/*
 * radix_sort — sort n records by digest, in place: an MSD radix sort
 * (American flag sort) on byte depth, each bucket then by the next byte,
 * small buckets by insertion.  No extra memory beyond the stack (at most
 * one frame per digest byte), and at most one pass per digest byte over
 * any record, whatever the digests (uniform or hostile).
 */
static void radix_sort(unsigned char *base, size_t n, size_t rl, size_t dlen, size_t depth,
                       unsigned char *tmp)
{
	size_t count[256] = { 0 }, next[256], end[256], at = 0;

	if (depth >= dlen)
		return; /* equal digests */
	if (n <= INSERTION_SORT_MAX) {
		insertion_sort(base, n, rl, dlen, depth, tmp);
		return;
	}
	for (size_t i = 0; i < n; i++)
		count[base[i * rl + depth]]++;
	for (int b = 0; b < 256; b++) {
		next[b] = at;
		at += count[b];
		end[b] = at;
	}
	for (int b = 0; b < 256; b++) {
		while (next[b] < end[b]) {
			unsigned char *r = base + next[b] * rl;
			unsigned v = r[depth];

			if (v == (unsigned)b)
				next[b]++;
			else
				swap_records(r, base + next[v]++ * rl, rl, tmp);
		}
	}
	at = 0;
	for (int b = 0; b < 256; b++) {
		if (count[b] > 1)
			radix_sort(base + at * rl, count[b], rl, dlen, depth + 1, tmp);
		at += count[b];
	}
}

static void sort_buffer(alg_buffer *ab, int alg)
{
	unsigned char tmp[SHA256_LEN + 4];
	size_t rl = build_len(alg);

	radix_sort(ab->data, ab->len / rl, rl, rl - 4, 0, tmp);
}

static int write_all(FILE *f, const void *data, size_t len)
{
	return len == 0 || fwrite(data, 1, len, f) == len ? 0 : -1;
}

/* spill — sort every buffer and write each as a run file. */
static int spill(hashdb_builder *b, exhibit_error *err)
{
	for (int a = 0; a < HASH_ALG_COUNT; a++) {
		alg_buffer *ab = &b->alg[a];
		run_file *grown;
		char *path = NULL;
		FILE *f;

		if (!ab->len)
			continue;
		if (ab->n_runs == MAX_RUNS)
			return exhibit_error_set(err, EXHIBIT_ERR_LIMIT, -1,
			                         "too many sorted runs: give the import more memory");
		sort_buffer(ab, a);
		grown = realloc(ab->runs, (ab->n_runs + 1) * sizeof *grown);
		if (!grown || asprintf(&path, "%s/run-%s-%u", b->tmp_dir, hash_alg_name((hash_alg)a),
		                       b->next_run++) < 0)
			return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
		ab->runs = grown;
		f = fopen(path, "wbe");
		if (!f || write_all(f, ab->data, ab->len) < 0 || fclose(f) != 0) {
			int e = errno;
			if (f)
				fclose(f);
			unlink(path);
			exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: cannot write: %s", path, strerror(e));
			free(path);
			return -1;
		}
		ab->runs[ab->n_runs].path = path;
		ab->runs[ab->n_runs].count = ab->len / build_len(a);
		ab->n_runs++;
		b->used -= ab->len;
		ab->len = 0;
	}
	return 0;
}

int hashdb_builder_add(hashdb_builder *b, hash_alg alg, const unsigned char *digest,
                       uint32_t category, exhibit_error *err)
{
	alg_buffer *ab = &b->alg[alg];
	size_t rl = build_len(alg);

	if (b->used + rl > b->memory && spill(b, err) < 0)
		return -1;
	if (ab->len + rl > ab->cap) {
		size_t cap = ab->cap ? ab->cap * 2 : ((size_t)1 << 20);
		unsigned char *grown;

		if (cap > b->memory)
			cap = b->memory - b->memory % rl + rl;
		if (!(grown = realloc(ab->data, cap)))
			return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
		ab->data = grown;
		ab->cap = cap;
	}
	memcpy(ab->data + ab->len, digest, rl - 4);
	memcpy(ab->data + ab->len + rl - 4, &category, 4);
	ab->len += rl;
	b->used += rl;
	b->records++;
	return 0;
}

/* ---------------------------------------------------------------- sources */

/* A sorted source of build records: a run file or the in-memory buffer. */
typedef struct source {
	FILE *f;
	const unsigned char *mem, *mem_end;
	unsigned char *buf;
	size_t buf_len, buf_pos, rl;
	const unsigned char *cur;         /* the current record, NULL at the end */
} source;

static int source_next(source *s)
{
	if (!s->f) {
		s->cur = s->mem < s->mem_end ? s->mem : NULL;
		s->mem += s->rl;
		return 0;
	}
	if (s->buf_pos + s->rl > s->buf_len) {
		size_t keep = s->buf_len - s->buf_pos, got;

		memmove(s->buf, s->buf + s->buf_pos, keep);
		got = fread(s->buf + keep, 1, RUN_READ_BUFFER - keep, s->f);
		if (got == 0 && ferror(s->f))
			return -1;
		s->buf_len = keep + got;
		s->buf_pos = 0;
		if (s->buf_len < s->rl) {
			s->cur = NULL;
			return 0;
		}
	}
	s->cur = s->buf + s->buf_pos;
	s->buf_pos += s->rl;
	return 0;
}

/* The k-way merge of an algorithm's sources, as a heap on their records. */
typedef struct merger {
	source *src;
	size_t n;
	size_t *heap;                     /* indices of sources with a record */
	size_t n_heap;
	size_t dlen;
} merger;

static int heap_less(const merger *m, size_t a, size_t b)
{
	return memcmp(m->src[m->heap[a]].cur, m->src[m->heap[b]].cur, m->dlen) < 0;
}

static void heap_down(merger *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i, t;

		if (l < m->n_heap && heap_less(m, l, s))
			s = l;
		if (r < m->n_heap && heap_less(m, r, s))
			s = r;
		if (s == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[s];
		m->heap[s] = t;
		i = s;
	}
}

/* merger_next — the smallest current record (NULL at the end); it stays
 * valid until the next call. */
static const unsigned char *merger_next(merger *m, unsigned char *out, int *io_error)
{
	source *s;

	if (!m->n_heap)
		return NULL;
	s = &m->src[m->heap[0]];
	memcpy(out, s->cur, s->rl);
	if (source_next(s) < 0)
		*io_error = 1;
	if (!s->cur)
		m->heap[0] = m->heap[--m->n_heap];
	heap_down(m, 0);
	return out;
}

static void merger_free(merger *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->src[i].f)
			fclose(m->src[i].f);
		free(m->src[i].buf);
	}
	free(m->src);
	free(m->heap);
}

static int merger_open(merger *m, hashdb_builder *b, int alg, exhibit_error *err)
{
	alg_buffer *ab = &b->alg[alg];
	size_t rl = build_len(alg);

	memset(m, 0, sizeof *m);
	m->dlen = rl - 4;
	m->src = calloc(ab->n_runs + 1, sizeof *m->src);
	m->heap = calloc(ab->n_runs + 1, sizeof *m->heap);
	if (!m->src || !m->heap)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	for (size_t r = 0; r < ab->n_runs; r++) {
		source *s = &m->src[m->n++];

		s->rl = rl;
		s->f = fopen(ab->runs[r].path, "rbe");
		s->buf = malloc(RUN_READ_BUFFER);
		if (!s->f || !s->buf || source_next(s) < 0)
			return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: cannot read back: %s",
			                         ab->runs[r].path, strerror(errno));
	}
	if (ab->len) {
		source *s = &m->src[m->n++];

		sort_buffer(ab, alg);
		s->rl = rl;
		s->mem = ab->data;
		s->mem_end = ab->data + ab->len;
		source_next(s);
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->src[i].cur)
			m->heap[m->n_heap++] = i;
	for (size_t i = m->n_heap; i-- > 0;)
		heap_down(m, i);
	return 0;
}

/* ---------------------------------------------------------------- the new set */

/* The new set's records, one per digest (categories resolved). */
typedef struct set_stream {
	merger m;
	const char *const *strings;
	uint32_t n_strings;
	unsigned char pending[SHA256_LEN + 4];
	int has_pending, io_error;
	size_t dlen;
	uint64_t conflicts;
} set_stream;

static const char *string_of(const set_stream *s, uint32_t category)
{
	return category && category <= s->n_strings ? s->strings[category - 1] : "";
}

/* better — the category a digest keeps: a stated one over none; of two,
 * the first in byte order. */
static uint32_t better(set_stream *s, uint32_t a, uint32_t b)
{
	if (!a || a == b)
		return b;
	if (!b)
		return a;
	s->conflicts++;
	return strcmp(string_of(s, a), string_of(s, b)) <= 0 ? a : b;
}

/* set_next — the next unique digest with its category into out. */
static int set_next(set_stream *s, unsigned char *out)
{
	unsigned char rec[SHA256_LEN + 4];
	uint32_t cat, other;

	if (!s->has_pending) {
		if (!merger_next(&s->m, s->pending, &s->io_error))
			return 0;
		s->has_pending = 1;
	}
	memcpy(out, s->pending, s->dlen + 4);
	memcpy(&cat, out + s->dlen, 4);
	s->has_pending = 0;
	while (merger_next(&s->m, rec, &s->io_error)) {
		if (memcmp(rec, out, s->dlen)) {
			memcpy(s->pending, rec, s->dlen + 4);
			s->has_pending = 1;
			break;
		}
		memcpy(&other, rec + s->dlen, 4);
		cat = better(s, cat, other);
	}
	memcpy(out + s->dlen, &cat, 4);
	return 1;
}

/* ---------------------------------------------------------------- output */

typedef struct out_file {
	int fd;
	const char *path;
	unsigned char *buf;
	size_t used;
	uint64_t offset;
	int failed;                       /* an errno */
} out_file;

static int write_fd(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void out_flush(out_file *o)
{
	if (!o->failed && o->used)
		o->failed = write_fd(o->fd, o->buf, o->used);
	o->used = 0;
}

static void out_write(out_file *o, const void *data, size_t len)
{
	const unsigned char *p = data;

	o->offset += len;
	while (len) {
		size_t room = OUT_BUFFER - o->used, take = len < room ? len : room;

		memcpy(o->buf + o->used, p, take);
		o->used += take;
		p += take;
		len -= take;
		if (o->used == OUT_BUFFER)
			out_flush(o);
	}
}

static void out_align(out_file *o, size_t to)
{
	static const unsigned char zeros[HASHDB_PAGE];

	if (o->offset % to)
		out_write(o, zeros, to - o->offset % to);
}

static void out_u32(out_file *o, uint32_t v) { out_write(o, &v, 4); }
static void out_u64(out_file *o, uint64_t v) { out_write(o, &v, 8); }

static void out_text(out_file *o, const char *s)
{
	uint32_t len = s ? (uint32_t)strnlen(s, HASHDB_MAX_TEXT) : 0;

	out_u32(o, len);
	out_write(o, s, len);
}

static uint32_t prefix_bits_for(uint64_t upper)
{
	uint32_t bits = 0;

	while (bits < HASHDB_MAX_PREFIX_BITS && ((uint64_t)4 << bits) < upper)
		bits++;
	return bits;
}

static uint64_t prefix_of(const unsigned char *digest, uint32_t bits)
{
	uint32_t top = (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 |
	               (uint32_t)digest[2] << 8 | digest[3];

	return bits ? top >> (32 - bits) : 0;
}

typedef struct section_writer {
	out_file *o;
	hashdb_section_disk *d;
	uint64_t *counts;
	const hashdb_write_plan *plan;
	uint64_t done, total;
	EVP_MD_CTX *sha;
	const char *const *strings;
	uint32_t n_strings;
} section_writer;

static void emit(section_writer *w, const unsigned char *digest, uint32_t set_id, uint32_t cat)
{
	out_write(w->o, digest, w->d->digest_len);
	out_u32(w->o, set_id);
	out_u32(w->o, cat);
	w->counts[prefix_of(digest, w->d->prefix_bits)]++;
	w->d->count++;
	if (++w->done % (1u << 20) == 0 && w->plan->progress)
		w->plan->progress(w->plan->ctx, w->done, w->total);
}

/* emit_new — a record of the new set, also fed to its set digest. */
static void emit_new(section_writer *w, const unsigned char *rec)
{
	uint32_t cat;
	const char *text;

	memcpy(&cat, rec + w->d->digest_len, 4);
	text = cat && cat <= w->n_strings ? w->strings[cat - 1] : "";
	EVP_DigestUpdate(w->sha, rec, w->d->digest_len);
	EVP_DigestUpdate(w->sha, text, strlen(text));
	EVP_DigestUpdate(w->sha, "\n", 1);
	emit(w, rec, w->plan->new_set->set.id, cat);
	w->plan->new_set->set.digests[w->d->algorithm]++;
}

/* merge_section — old records (minus the dropped set) and the new set's,
 * in digest order; at equal digests the old sets (lower ids) first. */
static int merge_section(section_writer *w, hashdb_builder *b, exhibit_error *err)
{
	int alg = (int)w->d->algorithm;
	uint64_t n_old = 0, i = 0;
	const unsigned char *old = hashdb_section_records(w->plan->old, alg, &n_old);
	size_t old_rl = w->d->record_len;
	set_stream s;
	unsigned char cur[SHA256_LEN + 4];
	int have_new = 0, rc = 0;

	memset(&s, 0, sizeof s);
	if (b && w->plan->new_set) {
		if (merger_open(&s.m, b, alg, err) < 0) {
			merger_free(&s.m);
			return -1;
		}
		s.dlen = w->d->digest_len;
		s.strings = w->plan->strings;
		s.n_strings = w->plan->n_strings;
		have_new = set_next(&s, cur);
	}
	while (i < n_old || have_new) {
		const unsigned char *r = i < n_old ? old + i * old_rl : NULL;
		uint32_t set_id = 0, cat = 0;

		if (r && (!have_new || memcmp(r, cur, w->d->digest_len) <= 0)) {
			memcpy(&set_id, r + w->d->digest_len, 4);
			memcpy(&cat, r + w->d->digest_len + 4, 4);
			if (set_id != w->plan->drop_set_id)
				emit(w, r, set_id, cat);
			i++;
			continue;
		}
		emit_new(w, cur);
		have_new = set_next(&s, cur);
	}
	if (s.io_error)
		rc = exhibit_error_set(err, EXHIBIT_ERR, -1, "a sorted run cannot be read back");
	if (w->plan->new_set)
		w->plan->new_set->conflicts += s.conflicts;
	if (b && w->plan->new_set)
		merger_free(&s.m);
	return rc;
}

static int write_section(out_file *o, hashdb_header_disk *h, int alg, hashdb_builder *b,
                         const hashdb_write_plan *plan, EVP_MD_CTX *sha, uint64_t *done,
                         uint64_t total, exhibit_error *err)
{
	hashdb_section_disk *d = &h->sections[alg];
	uint64_t n_old = 0, upper, n_prefix, sum = 0;
	section_writer w;
	int rc;

	hashdb_section_records(plan->old, alg, &n_old);
	upper = n_old + (b ? b->alg[alg].len / build_len(alg) : 0);
	for (size_t r = 0; b && r < b->alg[alg].n_runs; r++)
		upper += b->alg[alg].runs[r].count;
	d->algorithm = (uint32_t)alg;
	d->digest_len = (uint32_t)hash_alg_length((hash_alg)alg);
	d->record_len = d->digest_len + HASHDB_RECORD_TAIL;
	d->prefix_bits = prefix_bits_for(upper);
	n_prefix = ((uint64_t)1 << d->prefix_bits) + 1;
	memset(&w, 0, sizeof w);
	w.o = o;
	w.d = d;
	w.plan = plan;
	w.done = *done;
	w.total = total;
	w.sha = sha;
	w.strings = plan->strings;
	w.n_strings = plan->n_strings;
	if (!(w.counts = calloc(n_prefix, sizeof *w.counts)))
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	out_align(o, HASHDB_PAGE);
	d->records_offset = o->offset;
	if (plan->new_set) {
		const char *name = hash_alg_name((hash_alg)alg);
		EVP_DigestUpdate(sha, name, strlen(name));
		EVP_DigestUpdate(sha, "\n", 1);
	}
	rc = merge_section(&w, b, err);
	*done = w.done;
	out_align(o, 8);
	d->prefix_offset = o->offset;
	for (uint64_t p = 0; p + 1 < n_prefix; p++) {
		uint64_t c = w.counts[p];
		w.counts[p] = sum;
		sum += c;
	}
	w.counts[n_prefix - 1] = sum;
	out_write(o, w.counts, n_prefix * sizeof *w.counts);
	free(w.counts);
	return rc;
}

static void write_set(out_file *o, const hashdb_set *s)
{
	out_u32(o, s->id);
	out_u32(o, 0);
	out_u64(o, s->entries);
	for (int a = 0; a < HASH_ALG_COUNT; a++)
		out_u64(o, s->digests[a]);
	out_write(o, s->set_digest, SHA256_LEN);
	out_text(o, s->name);
	out_text(o, s->kind);
	out_text(o, s->category_scheme);
	out_text(o, s->source);
	out_text(o, s->imported);
	out_text(o, s->source_date);
}

static void write_manifest(out_file *o, hashdb_header_disk *h, const hashdb_write_plan *plan)
{
	h->sets_offset = o->offset;
	h->n_sets = 0;
	h->next_set_id = hashdb_next_set_id(plan->old);
	for (size_t i = 0; i < hashdb_set_count(plan->old); i++) {
		const hashdb_set *s = hashdb_set_at(plan->old, i);
		if (s->id == plan->drop_set_id)
			continue;
		write_set(o, s);
		h->n_sets++;
	}
	if (plan->new_set) {
		write_set(o, &plan->new_set->set);
		h->n_sets++;
		if (plan->new_set->set.id >= h->next_set_id)
			h->next_set_id = plan->new_set->set.id + 1;
	}
	h->sets_size = o->offset - h->sets_offset;
	h->strings_offset = o->offset;
	h->n_strings = plan->n_strings;
	for (uint32_t i = 0; i < plan->n_strings; i++)
		out_text(o, plan->strings[i]);
	h->strings_size = o->offset - h->strings_offset;
}

/* finish_file — the header last, once everything it describes is written. */
static int finish_file(out_file *o, hashdb_header_disk *h, exhibit_error *err)
{
	h->file_size = o->offset;
	out_flush(o);
	if (!o->failed && pwrite(o->fd, h, sizeof *h, 0) != (ssize_t)sizeof *h)
		o->failed = errno ? errno : EIO;
	if (!o->failed && fsync(o->fd) != 0)
		o->failed = errno;
	if (close(o->fd) != 0 && !o->failed)
		o->failed = errno;
	free(o->buf);
	if (o->failed)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: cannot write the index: %s", o->path,
		                         strerror(o->failed));
	return 0;
}

int hashdb_builder_write(hashdb_builder *b, const hashdb_write_plan *plan,
                         const char *out_path, exhibit_error *err)
{
	hashdb_header_disk h;
	out_file o = { -1, out_path, NULL, 0, 0, 0 };
	EVP_MD_CTX *sha = EVP_MD_CTX_new();
	uint64_t done = 0, total = b ? b->records : 0;
	unsigned int n = 0;
	int rc = 0;

	for (int a = 0; a < HASH_ALG_COUNT; a++)
		total += hashdb_record_count(plan->old, (hash_alg)a);
	memset(&h, 0, sizeof h);
	memcpy(h.magic, HASHDB_MAGIC, 8);
	h.version = HASHDB_VERSION;
	h.endian = HASHDB_ENDIAN;
	h.generation = hashdb_generation(plan->old) + 1;
	if (!sha || EVP_DigestInit_ex(sha, EVP_sha256(), NULL) != 1 || !(o.buf = malloc(OUT_BUFFER)) ||
	    (o.fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		EVP_MD_CTX_free(sha);
		free(o.buf);
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: cannot create: %s", out_path,
		                         strerror(errno));
	}
	out_write(&o, &h, sizeof h);
	out_align(&o, HASHDB_HEADER_SIZE);
	if (plan->new_set)
		memset(plan->new_set->set.digests, 0, sizeof plan->new_set->set.digests);
	for (int a = 0; a < HASH_ALG_COUNT && rc == 0; a++)
		rc = write_section(&o, &h, a, b, plan, sha, &done, total, err);
	if (plan->new_set) {
		hashdb_set *s = &plan->new_set->set;
		EVP_DigestFinal_ex(sha, s->set_digest, &n);
		s->entries = s->digests[0] + s->digests[1] + s->digests[2];
	}
	EVP_MD_CTX_free(sha);
	if (rc == 0)
		write_manifest(&o, &h, plan);
	if (rc < 0) {
		close(o.fd);
		free(o.buf);
		unlink(out_path);
		return rc;
	}
	if ((rc = finish_file(&o, &h, err)) < 0)
		unlink(out_path);
	return rc;
}

/*
 * similar.c — see similar.h.
 *
 * Everything the run needs is read into memory first (one PDQ, 32 bytes,
 * per image and per sampled frame, plus ids), indexed with pdq_index,
 * and the answers are written in one transaction.
 */
#include "similar.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pdq_index.h"

/* A growable array of fixed-size elements. */
typedef struct vec {
	void *items;
	size_t n, cap, size;
} vec;

static void *vec_push(vec *v)
{
	if (v->n == v->cap) {
		size_t more = v->cap ? 2 * v->cap : 256;
		void *grown = realloc(v->items, more * v->size);
		if (!grown)
			return NULL;
		v->items = grown;
		v->cap = more;
	}
	return (char *)v->items + v->n++ * v->size;
}

#define VEC(type) { NULL, 0, 0, sizeof(type) }

/* sort — qsort, which must not see the NULL of an empty vec. */
static void sort(void *items, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(items, n, size, cmp);
}
#define AT(v, type, i) (((type *)(v).items)[i])

/* The hashes of the case: the images' (whole pictures and crops), then
 * the videos' frames.  A node is a content: images numbered from 0 in
 * load order, then videos. */
typedef struct hashes {
	pdq_value *values;
	int64_t *content;              /* per hash: its content id */
	int32_t *frame;                /* per hash: media_frames.frame, -1 for an image */
	double *crop;                  /* per hash: media_pdq.crop, 1 for a frame */
	uint32_t *node;                /* per hash */
	uint32_t *video;               /* per frame hash: index into videos */
	uint32_t *ordinal;             /* per frame hash: its place among its video's hashes */
	size_t n, images, cap;         /* images: hashes of images (the first ones) */
	size_t image_nodes;
	struct video_span { int64_t content; size_t first, count; } *videos;
	size_t n_videos, videos_cap;
} hashes;

typedef struct run {
	sqlite3 *db;
	const similar_options *o;
	similar_stats *st;
	exhibit_error *err;
	hashes h;
	sqlite3_stmt *put_pair, *put_group, *put_hit;
	/* union-find over hashes' contents: images by their index, videos by
	 * images + video index */
	uint32_t *parent;
	unsigned char *paired;
	int64_t *image_ids;            /* per image node: its content id */
} run;

static int sql_fail(run *r, const char *what)
{
	return exhibit_error_set(r->err, EXHIBIT_ERR, -1, "near duplicates: %s: %s", what,
	                         sqlite3_errmsg(r->db));
}

static int oom(run *r)
{
	return exhibit_error_set(r->err, EXHIBIT_ERR, -1, "near duplicates: out of memory");
}

void similar_defaults(similar_options *o)
{
	memset(o, 0, sizeof *o);
	o->distance = SIMILAR_DEFAULT_DISTANCE;
	o->min_quality = SIMILAR_DEFAULT_MIN_QUALITY;
	o->video_fraction = SIMILAR_DEFAULT_VIDEO_FRACTION;
}

/* ---------------------------------------------------------------- loading */

/* grow — room for one more hash in every per-hash array. */
static int grow(void **array, size_t size, size_t n)
{
	void *grown = realloc(*array, n * size);

	if (!grown)
		return -1;
	*array = grown;
	return 0;
}

static int add_hash(hashes *h, int64_t content, uint32_t node, int32_t frame, double crop,
                    const void *pdq)
{
	if (h->n == h->cap) {
		size_t more = h->cap ? 2 * h->cap : 1024;
		if (grow((void **)&h->values, sizeof *h->values, more) < 0 ||
		    grow((void **)&h->content, sizeof *h->content, more) < 0 ||
		    grow((void **)&h->frame, sizeof *h->frame, more) < 0 ||
		    grow((void **)&h->crop, sizeof *h->crop, more) < 0 ||
		    grow((void **)&h->node, sizeof *h->node, more) < 0 ||
		    grow((void **)&h->video, sizeof *h->video, more) < 0 ||
		    grow((void **)&h->ordinal, sizeof *h->ordinal, more) < 0)
			return -1;
		h->cap = more;
	}
	memcpy(h->values[h->n].bytes, pdq, PDQ_VALUE_BYTES);
	h->content[h->n] = content;
	h->node[h->n] = node;
	h->frame[h->n] = frame;
	h->crop[h->n] = crop;
	h->video[h->n] = 0;
	h->ordinal[h->n] = 0;
	h->n++;
	return 0;
}

static void free_hashes(hashes *h)
{
	free(h->values);
	free(h->content);
	free(h->frame);
	free(h->crop);
	free(h->node);
	free(h->video);
	free(h->ordinal);
	free(h->videos);
}

/*
 * load_images — per image content, its whole picture's hash and its
 * crops' (one hash per crop, the first recorded).  A content whose whole
 * picture is untrusted takes no part; a crop that is, is left out.
 */
static int load_images(run *r)
{
	sqlite3_stmt *s;
	int64_t last = -1;
	double last_crop = -1;
	int skipping = 0, rc;

	if (sqlite3_prepare_v2(r->db, "SELECT content_id, crop, pdq, quality FROM media_pdq "
	                       "WHERE length(pdq) = 32 AND crop > 0 AND crop <= 1 "
	                       "ORDER BY content_id, crop DESC, rowid", -1, &s, NULL) != SQLITE_OK)
		return sql_fail(r, "reading media_pdq");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t content = sqlite3_column_int64(s, 0);
		double crop = sqlite3_column_double(s, 1);
		int trusted = sqlite3_column_int(s, 3) >= r->o->min_quality;

		if (content != last) {
			last = content;
			last_crop = -1;
			/* the first row is the whole picture, when there is one */
			skipping = crop != 1 || !trusted;
			if (skipping)
				r->st->untrusted++;
			else
				r->h.image_nodes++;
		}
		if (skipping || crop == last_crop || !trusted)
			continue;
		last_crop = crop;
		if (add_hash(&r->h, content, (uint32_t)(r->h.image_nodes - 1), -1, crop,
		             sqlite3_column_blob(s, 2)) < 0) {
			sqlite3_finalize(s);
			return oom(r);
		}
	}
	sqlite3_finalize(s);
	r->h.images = r->h.n;
	r->st->images = r->h.image_nodes;
	return rc == SQLITE_DONE ? 0 : sql_fail(r, "reading media_pdq");
}

/* load_frames — the trusted frames of each video, in frame order. */
static int load_frames(run *r)
{
	hashes *h = &r->h;
	sqlite3_stmt *s;
	int64_t last = -1;
	int32_t last_frame = -1;
	int rc;

	if (sqlite3_prepare_v2(r->db, "SELECT content_id, frame, pdq, quality FROM media_frames "
	                       "WHERE length(pdq) = 32 ORDER BY content_id, frame, rowid", -1, &s,
	                       NULL) != SQLITE_OK)
		return sql_fail(r, "reading media_frames");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t content = sqlite3_column_int64(s, 0);
		int32_t frame = (int32_t)sqlite3_column_int(s, 1);

		if (content == last && frame == last_frame)
			continue; /* one hash per frame */
		last_frame = frame;
		if (sqlite3_column_int(s, 3) < r->o->min_quality) {
			r->st->untrusted++;
			continue;
		}
		if (h->n_videos == 0 || h->videos[h->n_videos - 1].content != content) {
			if (h->n_videos == h->videos_cap) {
				size_t more = h->videos_cap ? 2 * h->videos_cap : 64;
				void *grown = realloc(h->videos, more * sizeof *h->videos);
				if (!grown) {
					sqlite3_finalize(s);
					return oom(r);
				}
				h->videos = grown;
				h->videos_cap = more;
			}
			h->videos[h->n_videos].content = content;
			h->videos[h->n_videos].first = h->n;
			h->videos[h->n_videos].count = 0;
			h->n_videos++;
		}
		last = content;
		if (add_hash(h, content, (uint32_t)(h->image_nodes + h->n_videos - 1), frame, 1,
		             sqlite3_column_blob(s, 2)) < 0) {
			sqlite3_finalize(s);
			return oom(r);
		}
		h->video[h->n - 1] = (uint32_t)(h->n_videos - 1);
		h->ordinal[h->n - 1] = (uint32_t)h->videos[h->n_videos - 1].count++;
	}
	sqlite3_finalize(s);
	r->st->videos = h->n_videos;
	r->st->frames = h->n - h->images;
	return rc == SQLITE_DONE ? 0 : sql_fail(r, "reading media_frames");
}

/* ---------------------------------------------------------------- clusters */

static uint32_t find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void join(run *r, uint32_t a, uint32_t b)
{
	uint32_t ra = find(r->parent, a), rb = find(r->parent, b);

	r->paired[a] = r->paired[b] = 1;
	if (ra != rb)
		r->parent[ra > rb ? ra : rb] = ra < rb ? ra : rb;
}

static int64_t node_content(const run *r, uint32_t node)
{
	return node < r->h.image_nodes ? r->image_ids[node]
	                               : r->h.videos[node - r->h.image_nodes].content;
}

/* write_groups — one row per paired content: its cluster's smallest
 * content id. */
static int write_groups(run *r)
{
	size_t nodes = r->h.image_nodes + r->h.n_videos;
	int64_t *least = malloc((nodes ? nodes : 1) * sizeof *least);

	if (!least)
		return oom(r);
	for (size_t i = 0; i < nodes; i++)
		least[i] = INT64_MAX;
	for (uint32_t i = 0; i < nodes; i++) {
		uint32_t root = find(r->parent, i);
		if (r->paired[i] && node_content(r, i) < least[root])
			least[root] = node_content(r, i);
	}
	for (uint32_t i = 0; i < nodes; i++) {
		uint32_t root;

		if (!r->paired[i])
			continue;
		root = find(r->parent, i);
		r->st->grouped++;
		if (least[root] == node_content(r, i))
			r->st->groups++;
		sqlite3_bind_int64(r->put_group, 1, node_content(r, i));
		sqlite3_bind_int64(r->put_group, 2, least[root]);
		if (sqlite3_step(r->put_group) != SQLITE_DONE) {
			free(least);
			return sql_fail(r, "writing similar_groups");
		}
		sqlite3_reset(r->put_group);
	}
	free(least);
	return 0;
}

static int put_pair(run *r, int64_t a, int64_t b, const char *kind, int distance,
                    int64_t matched, int64_t frames, double crop)
{
	sqlite3_stmt *s = r->put_pair;

	if (crop > 0)
		sqlite3_bind_double(s, 7, crop);
	else
		sqlite3_bind_null(s, 7);

	sqlite3_bind_int64(s, 1, a < b ? a : b);
	sqlite3_bind_int64(s, 2, a < b ? b : a);
	sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, distance);
	if (matched >= 0) {
		sqlite3_bind_int64(s, 5, matched);
		sqlite3_bind_int64(s, 6, frames);
	} else {
		sqlite3_bind_null(s, 5);
		sqlite3_bind_null(s, 6);
	}
	if (sqlite3_step(s) != SQLITE_DONE)
		return sql_fail(r, "writing similar");
	sqlite3_reset(s);
	return 0;
}

/* ---------------------------------------------------------------- images */

typedef struct hit {
	size_t id;
	int distance;
} hit;

static int collect(void *ctx, size_t id, int distance)
{
	hit *h = vec_push(ctx);

	if (!h)
		return 1;
	h->id = id;
	h->distance = distance;
	return 0;
}

typedef struct image_match {
	uint32_t a, b;                /* nodes, a < b */
	int distance;
	double crop;
} image_match;

static int by_pair_then_distance(const void *x, const void *y)
{
	const image_match *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	if (p->distance != q->distance)
		return p->distance - q->distance;
	return (p->crop < q->crop) - (p->crop > q->crop); /* the whole picture first */
}

/* image_pairs — pairs of image contents, one hash of which is a whole
 * picture, within the distance; per pair the least distance. */
static int image_pairs(run *r, const pdq_index *ix)
{
	vec hits = VEC(hit), found = VEC(image_match);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < r->h.images; i++) {
		hits.n = 0;
		pdq_index_query(ix, &r->h.values[i], r->o->distance, collect, &hits);
		for (size_t k = 0; k < hits.n; k++) {
			size_t j = AT(hits, hit, k).id;
			image_match *m;

			if (j >= r->h.images || r->h.node[j] <= r->h.node[i] ||
			    (r->h.crop[i] != 1 && r->h.crop[j] != 1))
				continue; /* frames; each pair once; crop against crop */
			if (!(m = vec_push(&found))) {
				rc = oom(r);
				break;
			}
			m->a = r->h.node[i];
			m->b = r->h.node[j];
			m->distance = AT(hits, hit, k).distance;
			m->crop = r->h.crop[i] != 1 ? r->h.crop[i] : r->h.crop[j];
		}
	}
	sort(found.items, found.n, sizeof(image_match), by_pair_then_distance);
	for (size_t k = 0; rc == 0 && k < found.n; k++) {
		const image_match *m = &AT(found, image_match, k);

		if (k > 0 && AT(found, image_match, k - 1).a == m->a &&
		    AT(found, image_match, k - 1).b == m->b)
			continue;
		rc = put_pair(r, r->image_ids[m->a], r->image_ids[m->b], "image", m->distance, -1, 0,
		              m->crop);
		join(r, m->a, m->b);
		r->st->image_pairs++;
	}
	free(hits.items);
	free(found.items);
	return rc;
}

/* ---------------------------------------------------------------- videos */

typedef struct frame_match {
	uint32_t other;               /* video index */
	uint32_t mine, theirs;        /* frame ordinals */
	int distance;
} frame_match;

static int by_video_then_time(const void *a, const void *b)
{
	const frame_match *x = a, *y = b;

	if (x->other != y->other)
		return x->other < y->other ? -1 : 1;
	if (x->mine != y->mine)
		return x->mine < y->mine ? -1 : 1;
	/* same frame of mine: later frames of theirs first, so that the
	 * chain below takes at most one of them */
	return x->theirs > y->theirs ? -1 : x->theirs < y->theirs;
}

static int by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * longest_chain — of matches m[0..n) (sorted by_video_then_time), the
 * longest chain strictly increasing in both videos' frame order; its
 * length, and the median distance of its links in *median.
 */
static size_t longest_chain(const frame_match *m, size_t n, int *median)
{
	size_t *tail = malloc(n * sizeof *tail), *prev = malloc(n * sizeof *prev), len = 0;
	int *d = malloc(n * sizeof *d);

	*median = 0;
	if (!tail || !prev || !d) {
		free(tail);
		free(prev);
		free(d);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = len;

		while (lo < hi) { /* first tail whose frame is >= this one */
			size_t mid = (lo + hi) / 2;
			if (m[tail[mid]].theirs < m[i].theirs)
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tail[lo - 1] : SIZE_MAX;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	if (len) {
		size_t k = len, at = tail[len - 1];
		while (k > 0) {
			d[--k] = m[at].distance;
			at = prev[at];
		}
		qsort(d, len, sizeof *d, by_int);
		*median = d[(len - 1) / 2];
	}
	free(tail);
	free(prev);
	free(d);
	return len;
}

static int judge_video_pair(run *r, uint32_t a, const frame_match *m, size_t n)
{
	const struct video_span *va = &r->h.videos[a], *vb = &r->h.videos[m[0].other];
	size_t shorter = va->count < vb->count ? va->count : vb->count;
	size_t need = (size_t)ceil(r->o->video_fraction * (double)shorter);
	int median;
	size_t chain = longest_chain(m, n, &median);

	if (need < 1)
		need = 1;
	if (chain < need)
		return 0;
	r->st->video_pairs++;
	join(r, (uint32_t)(r->h.image_nodes + a), (uint32_t)(r->h.image_nodes + m[0].other));
	return put_pair(r, va->content, vb->content, "video", median, (int64_t)chain,
	                (int64_t)shorter, 0);
}

static int video_pairs(run *r, const pdq_index *ix)
{
	vec hits = VEC(hit), matches = VEC(frame_match);
	int rc = 0;

	for (uint32_t a = 0; rc == 0 && a < r->h.n_videos; a++) {
		const struct video_span *va = &r->h.videos[a];

		matches.n = 0;
		for (size_t f = va->first; rc == 0 && f < va->first + va->count; f++) {
			hits.n = 0;
			pdq_index_query(ix, &r->h.values[f], r->o->distance, collect, &hits);
			for (size_t k = 0; k < hits.n; k++) {
				const hit *h = &AT(hits, hit, k);
				frame_match *fm;

				if (h->id < r->h.images || r->h.video[h->id] <= a)
					continue; /* images; this video; pairs seen from the other side */
				if (!(fm = vec_push(&matches))) {
					rc = oom(r);
					break;
				}
				fm->other = r->h.video[h->id];
				fm->mine = r->h.ordinal[f];
				fm->theirs = r->h.ordinal[h->id];
				fm->distance = h->distance;
			}
		}
		if (rc)
			break;
		sort(matches.items, matches.n, sizeof(frame_match), by_video_then_time);
		for (size_t start = 0, end; rc == 0 && start < matches.n; start = end) {
			for (end = start; end < matches.n &&
			     AT(matches, frame_match, end).other == AT(matches, frame_match, start).other; end++)
				;
			rc = judge_video_pair(r, a, &AT(matches, frame_match, start), end - start);
		}
	}
	free(hits.items);
	free(matches.items);
	return rc;
}

/* ---------------------------------------------------------------- hash sets */

/* entry_category — the category the entry's set gives its digests. */
static const char *entry_category(const run *r, const hashdb_pdq_entry *e)
{
	static const struct { unsigned bit; hash_alg alg; size_t offset; } stated[] = {
		{ HASHDB_PDQ_HAVE_SHA256, HASH_SHA256, offsetof(hashdb_pdq_entry, sha256) },
		{ HASHDB_PDQ_HAVE_SHA1, HASH_SHA1, offsetof(hashdb_pdq_entry, sha1) },
		{ HASHDB_PDQ_HAVE_MD5, HASH_MD5, offsetof(hashdb_pdq_entry, md5) },
	};
	const hashdb_set *set = hashdb_set_at(r->o->snap, e->set);

	for (size_t i = 0; i < sizeof stated / sizeof stated[0]; i++) {
		hashdb_hit hits[16];
		size_t n;

		if (!(e->have & stated[i].bit))
			continue;
		n = hashdb_lookup(r->o->snap, stated[i].alg,
		                  (const unsigned char *)e + stated[i].offset, hits, 16);
		for (size_t k = 0; k < n && k < 16; k++)
			if (hits[k].set == set)
				return hits[k].category;
	}
	return NULL;
}

static int put_set_hit(run *r, int64_t content, const hashdb_pdq_entry *e, int distance,
                       int32_t frame, double crop)
{
	sqlite3_stmt *s = r->put_hit;
	const char *category = entry_category(r, e);

	if (frame < 0)
		sqlite3_bind_double(s, 10, crop);
	else
		sqlite3_bind_null(s, 10);

	sqlite3_bind_int64(s, 1, content);
	sqlite3_bind_int64(s, 2, r->o->set_case_ids[e->set]);
	sqlite3_bind_int(s, 3, distance);
	if (frame >= 0)
		sqlite3_bind_int(s, 4, frame);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_blob(s, 5, e->pdq.bytes, PDQ_VALUE_BYTES, SQLITE_STATIC);
	if (e->have & HASHDB_PDQ_HAVE_MD5)
		sqlite3_bind_blob(s, 6, e->md5, MD5_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 6);
	if (e->have & HASHDB_PDQ_HAVE_SHA1)
		sqlite3_bind_blob(s, 7, e->sha1, SHA1_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 7);
	if (e->have & HASHDB_PDQ_HAVE_SHA256)
		sqlite3_bind_blob(s, 8, e->sha256, SHA256_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 8);
	if (category)
		sqlite3_bind_text(s, 9, category, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 9);
	if (sqlite3_step(s) != SQLITE_DONE)
		return sql_fail(r, "writing pdq_hits");
	sqlite3_reset(s);
	r->st->pdq_hits++;
	return 0;
}

typedef struct set_match {
	size_t entry;
	int distance;
	int32_t frame;
	double crop;
} set_match;

static int by_entry_then_distance(const void *a, const void *b)
{
	const set_match *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	if (x->distance != y->distance)
		return x->distance - y->distance;
	if (x->crop != y->crop)
		return x->crop > y->crop ? -1 : 1;
	return (x->frame > y->frame) - (x->frame < y->frame);
}

/* set_hits — each content's hashes against the sets' index; per content
 * and set entry, the nearest (earliest) frame only. */
static int set_hits(run *r, const pdq_index *ix)
{
	const hashdb_pdq_entry *entries = r->o->set_pdqs->entries;
	vec hits = VEC(hit), found = VEC(set_match);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < r->h.n;) {
		size_t end = i + 1;

		while (end < r->h.n && r->h.content[end] == r->h.content[i])
			end++;
		found.n = 0;
		for (size_t k = i; rc == 0 && k < end; k++) {
			hits.n = 0;
			pdq_index_query(ix, &r->h.values[k], r->o->distance, collect, &hits);
			for (size_t j = 0; j < hits.n; j++) {
				set_match *m = vec_push(&found);
				if (!m) {
					rc = oom(r);
					break;
				}
				m->entry = AT(hits, hit, j).id;
				m->distance = AT(hits, hit, j).distance;
				m->frame = r->h.frame[k];
				m->crop = r->h.crop[k];
			}
		}
		sort(found.items, found.n, sizeof(set_match), by_entry_then_distance);
		for (size_t j = 0; rc == 0 && j < found.n; j++) {
			const set_match *m = &AT(found, set_match, j);
			if (j > 0 && AT(found, set_match, j - 1).entry == m->entry)
				continue;
			rc = put_set_hit(r, r->h.content[i], &entries[m->entry], m->distance, m->frame,
			                 m->crop);
		}
		i = end;
	}
	free(hits.items);
	free(found.items);
	return rc;
}

static int match_sets(run *r)
{
	const hashdb_pdq_set *sets = r->o->set_pdqs;
	pdq_value *values;
	pdq_index *ix;
	int rc;

	if (!sets || !sets->n || !r->o->snap || !r->o->set_case_ids)
		return 0;
	r->st->set_hashes = sets->n;
	values = malloc(sets->n * sizeof *values);
	if (!values)
		return oom(r);
	for (size_t i = 0; i < sets->n; i++)
		values[i] = sets->entries[i].pdq;
	ix = pdq_index_new(values, sets->n, r->err);
	free(values);
	if (!ix)
		return -1;
	rc = set_hits(r, ix);
	pdq_index_free(ix);
	return rc;
}

/* ---------------------------------------------------------------- the run */

static int prepare(run *r)
{
	if (sqlite3_prepare_v2(r->db, "INSERT INTO similar(content_id, other_content_id, kind, "
	                       "distance, frames_matched, frames, crop) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                       -1, &r->put_pair, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, "INSERT INTO similar_groups(content_id, group_id) "
	                       "VALUES (?1, ?2)", -1, &r->put_group, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, "INSERT INTO pdq_hits(content_id, set_id, distance, frame, "
	                       "set_pdq, set_md5, set_sha1, set_sha256, category, crop) "
	                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &r->put_hit,
	                       NULL) != SQLITE_OK)
		return sql_fail(r, "preparing");
	return 0;
}

static int find_all(run *r)
{
	size_t nodes;
	pdq_index *ix;
	int rc;

	if (load_images(r) < 0 || load_frames(r) < 0)
		return -1;
	nodes = r->h.image_nodes + r->h.n_videos;
	r->parent = malloc((nodes ? nodes : 1) * sizeof *r->parent);
	r->paired = calloc(nodes ? nodes : 1, 1);
	r->image_ids = malloc((r->h.image_nodes ? r->h.image_nodes : 1) * sizeof *r->image_ids);
	if (!r->parent || !r->paired || !r->image_ids)
		return oom(r);
	for (size_t i = 0; i < r->h.images; i++)
		r->image_ids[r->h.node[i]] = r->h.content[i];
	for (uint32_t i = 0; i < nodes; i++)
		r->parent[i] = i;
	if (sqlite3_exec(r->db, "DELETE FROM pdq_hits; DELETE FROM similar_groups; "
	                 "DELETE FROM similar;", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(r, "clearing the previous results");
	if (!(ix = pdq_index_new(r->h.values, r->h.n, r->err)))
		return -1;
	rc = image_pairs(r, ix);
	if (rc == 0)
		rc = video_pairs(r, ix);
	pdq_index_free(ix);
	if (rc == 0)
		rc = write_groups(r);
	if (rc == 0)
		rc = match_sets(r);
	return rc;
}

int similar_run(sqlite3 *db, const similar_options *o, similar_stats *st, exhibit_error *err)
{
	run r;
	int rc;

	memset(st, 0, sizeof *st);
	if (o->distance < 0 || o->distance > PDQ_MAX_DISTANCE || o->min_quality < 0 ||
	    o->min_quality > 100 || !(o->video_fraction > 0 && o->video_fraction <= 1))
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "near duplicates: the distance must "
		                         "be 0-256, the quality 0-100 and the video fraction in (0, 1]");
	memset(&r, 0, sizeof r);
	r.db = db;
	r.o = o;
	r.st = st;
	r.err = err;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(&r, "starting a transaction");
	rc = prepare(&r);
	if (rc == 0)
		rc = find_all(&r);
	sqlite3_finalize(r.put_pair);
	sqlite3_finalize(r.put_group);
	sqlite3_finalize(r.put_hit);
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(&r, "committing");
	if (rc != 0) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		memset(st, 0, sizeof *st);
	}
	free_hashes(&r.h);
	free(r.parent);
	free(r.paired);
	free(r.image_ids);
	return rc < 0 ? rc : 0;
}

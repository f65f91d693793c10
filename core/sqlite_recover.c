/*
 * sqlite_recover.c — see sqlite_recover.h.
 *
 * Three passes over one sqlite_db: (1) walk every live b-tree, giving each
 * page its role and putting the key of every live row into two sets (by
 * values, and by rowid and values); (2) carve every page version the
 * roles say may hold dead records, keeping candidates that are not live;
 * (3) keep one copy of each deleted row.  Keys are SHA-256 digests of the
 * table and the row's values as SQLite would return them (text as UTF-8,
 * short records padded with defaults), so equal rows have equal keys
 * whatever their bytes on disk.
 */
#include "sqlite_recover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "exhibit/plugin.h"
#include "sha_set.h"
#include "sqlite_btree.h"

enum page_role {
	ROLE_NONE = 0,   /* claimed by nothing: a lost page */
	ROLE_TABLE,
	ROLE_INDEX,      /* indexes and WITHOUT ROWID tables */
	ROLE_OVERFLOW,
	ROLE_FREE_TRUNK,
	ROLE_FREE_LEAF,
	ROLE_RESERVED    /* pointer-map pages, the lock page */
};

#define MAX_FREEBLOCKS 8192 /* more than a 64 KiB page can hold */

typedef struct found_row {
	sqlite_recovered_row row;
	unsigned char key[32]; /* table and values, rowid alias left out */
	size_t order;
	bool keep;
} found_row;

typedef struct recovery_run {
	sqlite_db *db;
	sqlite_recovery *rec;
	sqlite_recover_limits limits;
	uint8_t *role;         /* [0..n_pages] */
	uint32_t *owner;       /* [0..n_pages]: table index + 1 */
	sha_set *live_values, *live_rowids;
	EVP_MD_CTX *md;
	sqlite_value *values;  /* scratch for live records */
	size_t max_fields;
	found_row *found;
	size_t n_found, cap_found;
	uint64_t bytes;
	int64_t deadline;
	size_t walk_table;     /* the table being walked */
	uint32_t *starts, *sizes; /* freeblocks of one page, MAX_FREEBLOCKS */
	sqlite_page version;   /* the page version being carved */
	bool version_live;
	int failed;            /* out of memory, or a limit reached */
} recovery_run;

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---------------------------------------------------------------- keys */

static void feed(recovery_run *r, const void *p, size_t n)
{
	EVP_DigestUpdate(r->md, p, n);
}

static void feed_u64(recovery_run *r, uint64_t v)
{
	feed(r, &v, sizeof v);
}

/* One value as SQLite returns it: kind, then its content. */
static int feed_value(recovery_run *r, sqlite_value_kind kind, int64_t i,
                      double d, const uint8_t *bytes, size_t len, bool raw_text)
{
	uint8_t k = (uint8_t)kind;

	feed(r, &k, 1);
	if (kind == SQLITE_VALUE_INT)
		feed_u64(r, (uint64_t)i);
	else if (kind == SQLITE_VALUE_REAL)
		feed(r, &d, sizeof d);
	else if (kind == SQLITE_VALUE_TEXT && raw_text &&
	         r->rec->encoding != SQLITE_ENC_UTF8) {
		size_t n;
		char *utf8 = sqlite_text_to_utf8(bytes, len, r->rec->encoding, &n);

		if (!utf8)
			return -1;
		feed_u64(r, n);
		feed(r, utf8, n);
		free(utf8);
	} else if (kind == SQLITE_VALUE_TEXT || kind == SQLITE_VALUE_BLOB) {
		feed_u64(r, len);
		feed(r, bytes, len);
	}
	return 0;
}

/*
 * The key of a row of table t from its record fields values[0..n): with
 * rowid (when with_rowid) or without it.  RETURN 0, or -1 out of memory.
 */
static int row_key(recovery_run *r, size_t t, const sqlite_value *values,
                   size_t n, bool with_rowid, int64_t rowid,
                   unsigned char key[32])
{
	const sqlite_table *table = &r->rec->schema.tables[t];
	size_t k;

	EVP_DigestInit_ex(r->md, EVP_sha256(), NULL);
	feed_u64(r, t);
	feed_u64(r, with_rowid);
	if (with_rowid)
		feed_u64(r, (uint64_t)rowid);
	for (k = 0; k < table->n_stored; k++) {
		const sqlite_column *col = &table->columns[table->stored[k]];
		int rc;

		if (col->rowid_alias)
			continue;
		if (k < n)
			rc = feed_value(r, values[k].kind, values[k].i, values[k].r,
			                values[k].bytes, values[k].len, true);
		else
			rc = feed_value(r, col->has_default ? col->default_kind : SQLITE_VALUE_NULL,
			                col->default_i, col->default_r,
			                (const uint8_t *)col->default_bytes, col->default_len,
			                false);
		if (rc < 0)
			return -1;
	}
	EVP_DigestFinal_ex(r->md, key, NULL);
	return 0;
}

/* ---------------------------------------------------------------- live trees */

static int on_table_page(void *arg, const sqlite_page *page,
                         const sqlite_btree_page *bp)
{
	recovery_run *r = arg;

	r->role[page->pgno] = ROLE_TABLE;
	r->owner[page->pgno] = (uint32_t)r->walk_table + 1;
	return 0;
}

static int on_index_page(void *arg, const sqlite_page *page,
                         const sqlite_btree_page *bp)
{
	recovery_run *r = arg;

	r->role[page->pgno] = ROLE_INDEX;
	return 0;
}

static void on_overflow(void *arg, uint32_t pgno)
{
	recovery_run *r = arg;

	if (pgno <= sqlite_db_page_count(r->db))
		r->role[pgno] = ROLE_OVERFLOW;
}

static int on_live_row(void *arg, const sqlite_page *page, const sqlite_cell *cell)
{
	recovery_run *r = arg;
	unsigned char key[32];
	int n;

	if (!cell->has_rowid)
		return 0;
	n = sqlite_record_decode(cell->payload, (size_t)cell->payload_len, r->values,
	                         r->max_fields);
	if (n < 0)
		return 0; /* not a record of this table: nothing to compare with */
	if (!r->rec->schema.tables[r->walk_table].internal)
		r->rec->stats.live_rows++;
	if (row_key(r, r->walk_table, r->values, (size_t)n, false, 0, key) < 0 ||
	    sha_set_claim(r->live_values, key) < 0 ||
	    row_key(r, r->walk_table, r->values, (size_t)n, true, cell->rowid, key) < 0 ||
	    sha_set_claim(r->live_rowids, key) < 0) {
		r->failed = EXHIBIT_ERR;
		return 1;
	}
	return 0;
}

static void on_free_page(void *arg, uint32_t pgno, bool trunk)
{
	recovery_run *r = arg;

	if (r->role[pgno] != ROLE_NONE)
		sqlite_problem_add(sqlite_db_problems(r->db), SQLITE_FILE_MAIN, -1,
		                   "page %u is on the freelist and in use", pgno);
	else
		r->role[pgno] = trunk ? ROLE_FREE_TRUNK : ROLE_FREE_LEAF;
}

/* Pass 1: roles of pages, keys of live rows. */
static int map_live_database(recovery_run *r)
{
	uint32_t n_pages = sqlite_db_page_count(r->db), p;
	uint8_t *seen = calloc((size_t)n_pages / 8 + 1, 1);
	sqlite_btree_visitor tables = { on_table_page, on_live_row, on_overflow, r };
	sqlite_btree_visitor others = { on_index_page, NULL, on_overflow, r };
	const sqlite_schema *s = &r->rec->schema;
	size_t i;

	if (!seen)
		return EXHIBIT_ERR;
	for (i = 0; i < s->n_tables && !r->failed; i++) {
		r->walk_table = i;
		if (sqlite_btree_walk(r->db, s->tables[i].root, seen, &tables) < 0)
			r->failed = EXHIBIT_ERR;
	}
	for (i = 0; i < s->n_other_roots && !r->failed; i++)
		if (sqlite_btree_walk(r->db, s->other_roots[i], seen, &others) < 0)
			r->failed = EXHIBIT_ERR;
	free(seen);
	if (r->failed)
		return r->failed;
	sqlite_db_freelist_walk(r->db, on_free_page, r);
	sqlite_db_ptrmap_check(r->db);
	for (p = 1; p <= n_pages; p++)
		if (sqlite_db_is_ptrmap_page(r->db, p) || sqlite_db_is_lock_page(r->db, p))
			r->role[p] = ROLE_RESERVED;
	return 0;
}

/* ---------------------------------------------------------------- candidates */

static sqlite_origin_kind origin_kind(const recovery_run *r, sqlite_region region)
{
	const sqlite_page *v = &r->version;
	uint8_t role = v->pgno <= sqlite_db_page_count(r->db) ? r->role[v->pgno] : ROLE_NONE;

	if (v->file == SQLITE_FILE_WAL)
		return SQLITE_ORIGIN_WAL;
	if (v->file == SQLITE_FILE_JOURNAL)
		return SQLITE_ORIGIN_JOURNAL;
	if (!r->version_live)
		return v->pgno <= sqlite_db_page_count(r->db) ? SQLITE_ORIGIN_SUPERSEDED
		                                              : SQLITE_ORIGIN_UNALLOCATED;
	if (role == ROLE_FREE_TRUNK || role == ROLE_FREE_LEAF)
		return SQLITE_ORIGIN_FREELIST;
	if (role == ROLE_TABLE && region == SQLITE_REGION_FREEBLOCK)
		return SQLITE_ORIGIN_FREEBLOCK;
	return SQLITE_ORIGIN_UNALLOCATED;
}

static void set_origin(const recovery_run *r, const sqlite_candidate *c,
                       sqlite_origin *o)
{
	const sqlite_wal *wal = sqlite_db_wal(r->db);

	o->kind = origin_kind(r, c->region);
	o->file = r->version.file;
	o->offset = r->version.offset + c->cell_offset;
	o->pgno = r->version.pgno;
	o->index = r->version.index;
	o->frame_state = r->version.file == SQLITE_FILE_WAL && wal
	                 ? wal->frames[r->version.index - 1].state : SQLITE_WAL_LIVE;
	o->region = c->region;
	o->how = c->how;
}

/* An owned copy of one value; text to UTF-8. */
static int copy_value(recovery_run *r, sqlite_recovered_value *dst,
                      sqlite_value_kind kind, int64_t i, double d,
                      const uint8_t *bytes, size_t len, bool raw_text)
{
	dst->kind = kind;
	dst->i = i;
	dst->r = d;
	dst->bytes = NULL;
	dst->len = 0;
	if (kind == SQLITE_VALUE_TEXT) {
		dst->bytes = sqlite_text_to_utf8(bytes, len,
		                                 raw_text ? r->rec->encoding : SQLITE_ENC_UTF8,
		                                 &dst->len);
	} else if (kind == SQLITE_VALUE_BLOB) {
		dst->bytes = malloc(len ? len : 1);
		if (dst->bytes && len)
			memcpy(dst->bytes, bytes, len);
		dst->len = len;
	} else {
		return 0;
	}
	r->bytes += dst->len;
	return dst->bytes ? 0 : -1;
}

static void free_values(sqlite_recovered_value *values, size_t n)
{
	size_t k;

	for (k = 0; values && k < n; k++)
		free(values[k].bytes);
	free(values);
}

/* The table's row from a candidate: defaults and rowid filled in. */
static sqlite_recovered_value *row_values(recovery_run *r,
                                          const sqlite_candidate *c)
{
	const sqlite_table *t = &r->rec->schema.tables[c->table];
	sqlite_recovered_value *out = calloc(t->n_columns ? t->n_columns : 1,
	                                     sizeof *out);
	size_t k;

	if (!out)
		return NULL;
	for (k = 0; k < t->n_stored; k++) {
		size_t col_at = t->stored[k];
		const sqlite_column *col = &t->columns[col_at];
		const sqlite_value *v = k < c->n_values ? &c->values[k] : NULL;
		int rc;

		if (col->rowid_alias)
			rc = copy_value(r, &out[col_at], c->has_rowid ? SQLITE_VALUE_INT
			                                              : SQLITE_VALUE_NULL,
			                c->rowid, 0, NULL, 0, false);
		else if (v)
			rc = copy_value(r, &out[col_at], v->kind, v->i, v->r, v->bytes,
			                v->len, true);
		else
			rc = copy_value(r, &out[col_at],
			                col->has_default ? col->default_kind : SQLITE_VALUE_NULL,
			                col->default_i, col->default_r,
			                (const uint8_t *)col->default_bytes, col->default_len,
			                false);
		if (rc < 0) {
			free_values(out, t->n_columns);
			return NULL;
		}
	}
	return out;
}

static bool over_limits(recovery_run *r)
{
	if (r->n_found < r->limits.max_rows && r->bytes <= r->limits.max_bytes)
		return false;
	sqlite_problem_add(&r->rec->problems, SQLITE_FILE_MAIN, -1,
	                   "recovery stopped at its limit of %zu rows or %llu bytes",
	                   r->limits.max_rows, (unsigned long long)r->limits.max_bytes);
	r->rec->stats.stopped = true;
	r->failed = EXHIBIT_ERR_LIMIT;
	return true;
}

static int keep_candidate(recovery_run *r, const sqlite_candidate *c,
                          const unsigned char key[32])
{
	found_row *f;

	if (over_limits(r))
		return 1;
	if (r->n_found == r->cap_found) {
		size_t cap = r->cap_found ? r->cap_found * 2 : 64;
		found_row *grown = realloc(r->found, cap * sizeof *grown);

		if (!grown)
			goto oom;
		r->found = grown;
		r->cap_found = cap;
	}
	f = &r->found[r->n_found];
	memset(f, 0, sizeof *f);
	f->row.table = c->table;
	f->row.has_rowid = c->has_rowid;
	f->row.rowid = c->rowid;
	set_origin(r, c, &f->row.origin);
	memcpy(f->key, key, 32);
	f->order = r->n_found;
	if (!(f->row.values = row_values(r, c)))
		goto oom;
	r->n_found++;
	return 0;
oom:
	r->failed = EXHIBIT_ERR;
	return 1;
}

static int on_candidate(void *arg, const sqlite_candidate *c)
{
	recovery_run *r = arg;
	unsigned char by_values[32], by_rowid[32];
	sqlite_recovery *rec = r->rec;

	rec->stats.candidates++;
	if (rec->schema.tables[c->table].internal) {
		rec->stats.dropped_internal++;
		return 0;
	}
	if (row_key(r, c->table, c->values, c->n_values, false, 0, by_values) < 0 ||
	    (c->has_rowid &&
	     row_key(r, c->table, c->values, c->n_values, true, c->rowid, by_rowid) < 0)) {
		r->failed = EXHIBIT_ERR;
		return 1;
	}
	if (c->has_rowid ? sha_set_contains(r->live_rowids, by_rowid)
	                 : sha_set_contains(r->live_values, by_values)) {
		rec->stats.dropped_live++;
		return 0;
	}
	return keep_candidate(r, c, by_values);
}

/* ---------------------------------------------------------------- carving */

static int carve_free_space(recovery_run *r, sqlite_carver *carver,
                            const sqlite_btree_page *bp, size_t hint)
{
	uint32_t *starts = r->starts, *sizes = r->sizes;
	size_t i, n = sqlite_btree_freeblocks(r->db, &r->version, bp, starts, sizes,
	                                      MAX_FREEBLOCKS, r->version_live);
	uint32_t gap_start, gap_end;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = sqlite_carve_region(carver, &r->version, starts[i],
		                              starts[i] + sizes[i],
		                              SQLITE_REGION_FREEBLOCK, hint)) != 0)
			return rc;
	sqlite_btree_gap(bp, &gap_start, &gap_end);
	return sqlite_carve_region(carver, &r->version, gap_start, gap_end,
	                           SQLITE_REGION_UNALLOCATED, hint);
}

/* A page that is not a live b-tree page: whatever it used to be. */
static int carve_whole_page(recovery_run *r, sqlite_carver *carver,
                            uint32_t from, size_t hint)
{
	uint32_t usable = sqlite_db_usable_size(r->db);
	sqlite_btree_page bp;
	int rc;

	if (from == 0 && sqlite_btree_page_read(&r->version, usable, &bp)) {
		if (!sqlite_btree_is_table(bp.type))
			return 0; /* an old index page: keys, not rows */
		if (bp.type == SQLITE_BTREE_TABLE_LEAF &&
		    (rc = sqlite_carve_cells(carver, &r->version, &bp, hint)) != 0)
			return rc;
		return carve_free_space(r, carver, &bp, hint);
	}
	if (from == 0 && r->version.pgno == 1)
		from = SQLITE_HEADER_SIZE;
	return sqlite_carve_region(carver, &r->version, from, usable,
	                           SQLITE_REGION_PAGE, hint);
}

static bool same_as_live(const recovery_run *r)
{
	sqlite_page live;

	return sqlite_db_page(r->db, r->version.pgno, &live) &&
	       memcmp(live.data, r->version.data, sqlite_db_page_size(r->db)) == 0;
}

static int carve_version(recovery_run *r, sqlite_carver *carver)
{
	uint32_t pgno = r->version.pgno, usable = sqlite_db_usable_size(r->db);
	uint8_t role = pgno <= sqlite_db_page_count(r->db) ? r->role[pgno] : ROLE_NONE;
	size_t hint = pgno <= sqlite_db_page_count(r->db) && r->owner[pgno]
	              ? r->owner[pgno] - 1 : SIZE_MAX;
	sqlite_btree_page bp;

	if (pgno == 0)
		return 0;
	r->version_live = sqlite_db_page_is_live(r->db, &r->version);
	if (!r->version_live) {
		if (same_as_live(r))
			return 0;
		r->rec->stats.versions_read++;
		return carve_whole_page(r, carver, 0, role == ROLE_TABLE ? hint : SIZE_MAX);
	}
	r->rec->stats.versions_read++;
	switch (role) {
	case ROLE_TABLE:
		if (!sqlite_btree_page_read(&r->version, usable, &bp))
			return 0;
		return carve_free_space(r, carver, &bp, hint);
	case ROLE_FREE_TRUNK: {
		uint32_t leaves = sqlite_get_be32(r->version.data + 4);

		if (leaves > usable / 4 - 2)
			leaves = usable / 4 - 2;
		return sqlite_carve_region(carver, &r->version, 8 + 4 * leaves, usable,
		                           SQLITE_REGION_PAGE, SIZE_MAX);
	}
	case ROLE_FREE_LEAF:
	case ROLE_NONE:
		return carve_whole_page(r, carver, 0, SIZE_MAX);
	default:
		return 0; /* index, overflow, pointer map, lock page */
	}
}

/* Pass 2: every version, in file order. */
static int carve_all(recovery_run *r)
{
	sqlite_carver *carver = sqlite_carver_new(r->db, &r->rec->schema,
	                                          on_candidate, r);
	size_t i, n = sqlite_db_version_count(r->db);

	if (!carver)
		return EXHIBIT_ERR;
	sqlite_carver_set_deadline(carver, r->deadline);
	for (i = 0; i < n && !r->failed; i++) {
		if (now_ns() > r->deadline || sqlite_carver_timed_out(carver)) {
			sqlite_problem_add(&r->rec->problems, SQLITE_FILE_MAIN, -1,
			                   "recovery stopped at its time limit of %u ms, "
			                   "%zu of %zu page versions read",
			                   r->limits.max_ms, i, n);
			r->rec->stats.stopped = true;
			break;
		}
		if (sqlite_db_version(r->db, i, &r->version))
			carve_version(r, carver);
	}
	sqlite_carver_free(carver);
	return r->failed == EXHIBIT_ERR ? EXHIBIT_ERR : 0;
}

/* ---------------------------------------------------------------- copies */

static int by_key_then_rowid(const void *a, const void *b)
{
	const found_row *x = *(found_row *const *)a, *y = *(found_row *const *)b;
	int c = memcmp(x->key, y->key, 32);

	if (c)
		return c;
	if (x->row.has_rowid != y->row.has_rowid)
		return x->row.has_rowid ? -1 : 1;
	if (x->row.has_rowid && x->row.rowid != y->row.rowid)
		return x->row.rowid < y->row.rowid ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Pass 3: one copy per deleted row (see sqlite_recover.h). */
static int keep_one_copy(recovery_run *r)
{
	found_row **sorted = malloc((r->n_found ? r->n_found : 1) * sizeof *sorted);
	sqlite_recovery *rec = r->rec;
	size_t i, kept = 0;

	if (!sorted)
		return EXHIBIT_ERR;
	for (i = 0; i < r->n_found; i++)
		sorted[i] = &r->found[i];
	qsort(sorted, r->n_found, sizeof *sorted, by_key_then_rowid);
	for (i = 0; i < r->n_found; i++) {
		found_row *f = sorted[i], *prev = i ? sorted[i - 1] : NULL;
		bool same_row = prev && !memcmp(prev->key, f->key, 32);

		/* Sorted rowid-bearing copies first: a copy is new when it starts a
		 * row, or bears a rowid not seen before for it. */
		f->keep = !same_row || (f->row.has_rowid &&
		                        (!prev->row.has_rowid || prev->row.rowid != f->row.rowid));
	}
	free(sorted);
	rec->rows = malloc((r->n_found ? r->n_found : 1) * sizeof *rec->rows);
	if (!rec->rows)
		return EXHIBIT_ERR;
	for (i = 0; i < r->n_found; i++) {
		sqlite_recovered_row *row = &r->found[i].row;

		if (r->found[i].keep) {
			rec->rows[kept++] = *row;
			row->values = NULL;
		} else {
			free_values(row->values, rec->schema.tables[row->table].n_columns);
			row->values = NULL;
			rec->stats.dropped_duplicate++;
		}
	}
	rec->n_rows = kept;
	return 0;
}

/* ---------------------------------------------------------------- entry */

static void resolve_limits(const sqlite_recover_limits *given,
                           sqlite_recover_limits *out)
{
	out->max_rows = given && given->max_rows ? given->max_rows : SQLITE_RECOVER_MAX_ROWS;
	out->max_bytes = given && given->max_bytes ? given->max_bytes : SQLITE_RECOVER_MAX_BYTES;
	out->max_ms = given && given->max_ms ? given->max_ms : SQLITE_RECOVER_MAX_MS;
}

static int prepare(recovery_run *r)
{
	uint32_t n_pages = sqlite_db_page_count(r->db);
	size_t t;

	for (t = 0; t < r->rec->schema.n_tables; t++)
		if (r->rec->schema.tables[t].n_stored > r->max_fields)
			r->max_fields = r->rec->schema.tables[t].n_stored;
	r->role = calloc((size_t)n_pages + 1, 1);
	r->owner = calloc((size_t)n_pages + 1, sizeof *r->owner);
	r->live_values = sha_set_new();
	r->live_rowids = sha_set_new();
	r->md = EVP_MD_CTX_new();
	r->values = malloc((r->max_fields + 1) * sizeof *r->values);
	r->starts = malloc(MAX_FREEBLOCKS * sizeof *r->starts);
	r->sizes = malloc(MAX_FREEBLOCKS * sizeof *r->sizes);
	return r->role && r->owner && r->live_values && r->live_rowids && r->md &&
	       r->values && r->starts && r->sizes ? 0 : EXHIBIT_ERR;
}

static void finish(recovery_run *r)
{
	size_t i;

	for (i = 0; i < r->n_found; i++)
		free_values(r->found[i].row.values,
		            r->rec->schema.tables[r->found[i].row.table].n_columns);
	free(r->found);
	free(r->role);
	free(r->owner);
	free(r->values);
	free(r->starts);
	free(r->sizes);
	sha_set_free(r->live_values);
	sha_set_free(r->live_rowids);
	EVP_MD_CTX_free(r->md);
}

/* Recovery's own problems (a limit reached) first, so that a full list
 * of damage found by the reader cannot crowd them out; then the reader's. */
static void merge_problems(sqlite_recovery *rec, sqlite_db *db)
{
	const sqlite_problems *found = sqlite_db_problems(db);
	size_t i;

	for (i = 0; i < found->n; i++)
		sqlite_problem_add(&rec->problems, found->items[i].file, found->items[i].offset,
		                   "%s", found->items[i].message);
	rec->problems.dropped += found->dropped;
}

int sqlite_recover(const sqlite_db_files *files,
                   const sqlite_recover_limits *limits, sqlite_recovery **out,
                   exhibit_error *err)
{
	recovery_run r;
	sqlite_recovery *rec;
	int rc;

	*out = NULL;
	memset(&r, 0, sizeof r);
	resolve_limits(limits, &r.limits);
	r.deadline = now_ns() + (int64_t)r.limits.max_ms * 1000000;
	rc = sqlite_db_open(files, &r.db, err);
	if (rc < 0)
		return rc;
	rec = r.rec = calloc(1, sizeof *rec);
	if (!rec) {
		sqlite_db_free(r.db);
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	}
	rec->encoding = sqlite_db_encoding(r.db);
	rc = sqlite_schema_read(r.db, &rec->schema, err);
	if (rc == 0)
		rc = prepare(&r);
	if (rc == 0)
		rc = map_live_database(&r);
	if (rc == 0)
		rc = carve_all(&r);
	if (rc == 0)
		rc = keep_one_copy(&r);
	merge_problems(rec, r.db);
	finish(&r);
	sqlite_db_free(r.db);
	if (rc < 0) {
		sqlite_recovery_free(rec);
		return exhibit_error_set(err, rc, -1, "out of memory during recovery");
	}
	*out = rec;
	return 0;
}

void sqlite_recovery_free(sqlite_recovery *rec)
{
	size_t i;

	if (!rec)
		return;
	for (i = 0; i < rec->n_rows; i++)
		free_values(rec->rows[i].values,
		            rec->schema.tables[rec->rows[i].table].n_columns);
	free(rec->rows);
	sqlite_schema_free(&rec->schema);
	free(rec);
}

/* ---------------------------------------------------------------- origin text */

int sqlite_origin_format(const sqlite_origin *o, char *buf, size_t len)
{
	static const char *const kinds[] = { "freeblock", "unallocated", "freelist",
		                             "superseded", "wal", "journal" };
	static const char *const regions[] = { " cell", " freeblock", " unallocated", "" };
	const char *kind = (unsigned)o->kind < 6 ? kinds[o->kind] : "unallocated";
	const char *region = (unsigned)o->region < 4 ? regions[o->region] : "";
	char where[48] = "";

	if (strcmp(region + (*region == ' '), kind) == 0)
		region = ""; /* "freeblock page 4", not "... freeblock" twice */
	if (o->kind == SQLITE_ORIGIN_WAL)
		snprintf(where, sizeof where, " frame %u %s", o->index,
		         sqlite_wal_state_name(o->frame_state));
	else if (o->kind == SQLITE_ORIGIN_JOURNAL)
		snprintf(where, sizeof where, " record %u", o->index);
	return snprintf(buf, len, "%s%s page %u%s", kind, where, o->pgno, region);
}

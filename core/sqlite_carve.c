/*
 * sqlite_carve.c — see sqlite_carve.h.
 *
 * Invariants: every byte read lies inside [start, end) of the region
 * being scanned or inside an overflow page the database hands out; a
 * candidate is emitted only after all of its values have been read and
 * checked; scratch arrays are sized by the widest table, once.
 */
#include "sqlite_carve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Serial type classes, as bits. */
#define CLASS_NULL 0x01u
#define CLASS_INT 0x02u
#define CLASS_REAL 0x04u
#define CLASS_BOOL 0x08u /* serial types 8 and 9: the integers 0 and 1 */
#define CLASS_TEXT 0x10u
#define CLASS_BLOB 0x20u
#define CLASS_NUMBER (CLASS_INT | CLASS_REAL | CLASS_BOOL)
#define CLASS_ANY 0x3fu

#define FREEBLOCK_HEADER 4 /* bytes a freeblock header writes over a cell */
#define MAX_PREFIX 18      /* payload length + rowid varints, at most */
#define NO_TABLE SIZE_MAX

struct sqlite_carver {
	sqlite_db *db;
	const sqlite_schema *schema;
	sqlite_candidate_fn found;
	void *arg;
	uint32_t usable;
	int encoding;
	uint32_t schema_format;
	size_t max_fields;     /* the widest table's stored columns */
	uint8_t *any_allowed;  /* [max_fields]: classes some table takes there */
	bool *count_ok;        /* [max_fields + 1]: some table takes that many */
	uint8_t **strict;      /* per table, per stored field: classes */
	uint8_t **lenient;
	size_t *min_strict;    /* per table: fewest fields a carved record has */
	size_t *min_lenient;
	uint64_t *types;       /* scratch, max_fields */
	sqlite_value *values;  /* scratch, max_fields */
	int64_t deadline;      /* CLOCK_MONOTONIC ns; 0: none */
	unsigned ticks;        /* positions since the clock was last read */
	bool timed_out;
};

#define CLOCK_EVERY 256 /* positions scanned between two looks at the clock */

/* One candidate under construction. */
typedef struct attempt {
	size_t table;
	sqlite_carve_how how;
	uint32_t cell_offset;
	uint32_t end;          /* page offset just past the cell */
	bool has_rowid;
	int64_t rowid;
	size_t n;
	const uint8_t *payload; /* the whole record: in the page, or owned */
	uint64_t len;
	uint8_t *owned;        /* the assembled payload, when one was needed */
} attempt;

static uint8_t serial_class(uint64_t serial)
{
	if (serial == 0)
		return CLASS_NULL;
	if (serial <= 6)
		return CLASS_INT;
	if (serial == 7)
		return CLASS_REAL;
	if (serial == 8 || serial == 9)
		return CLASS_BOOL;
	if (serial < 12)
		return 0;
	return (serial & 1) ? CLASS_TEXT : CLASS_BLOB;
}

/*
 * The serial type classes a column can hold.  Strict (free space) keeps
 * what SQLite stores under the affinity in practice; lenient (cells a
 * page vouches for) adds what it can store at all.  TEXT affinity turns
 * every number into text, so a number there is impossible either way.
 */
static uint8_t column_classes(const sqlite_column *col, bool strict)
{
	uint8_t mask;

	if (col->rowid_alias)
		return CLASS_NULL;
	switch (col->affinity) {
	case SQLITE_AFF_TEXT:
		mask = CLASS_NULL | CLASS_TEXT | (strict ? 0 : CLASS_BLOB);
		break;
	case SQLITE_AFF_NUMERIC:
		mask = CLASS_NULL | CLASS_NUMBER | CLASS_TEXT |
		       (strict ? 0 : CLASS_BLOB);
		break;
	case SQLITE_AFF_INTEGER:
	case SQLITE_AFF_REAL:
		mask = CLASS_NULL | CLASS_NUMBER |
		       (strict ? 0 : CLASS_TEXT | CLASS_BLOB);
		break;
	default:
		mask = CLASS_ANY;
		break;
	}
	if (col->not_null)
		mask &= (uint8_t)~CLASS_NULL;
	return mask;
}

/* A record must reach every NOT NULL column that has no default (ALTER
 * TABLE ADD COLUMN cannot add one), and, in free space, half the table. */
static size_t fewest_fields(const sqlite_table *t, bool strict)
{
	size_t k, fewest = 1;

	for (k = 0; k < t->n_stored; k++) {
		const sqlite_column *col = &t->columns[t->stored[k]];

		if (col->not_null && !col->has_default && !col->rowid_alias)
			fewest = k + 1;
	}
	if (strict && fewest < (t->n_stored + 1) / 2)
		fewest = (t->n_stored + 1) / 2;
	return fewest;
}

static int build_masks(sqlite_carver *c)
{
	size_t t, k, n = c->schema->n_tables;

	c->strict = calloc(n ? n : 1, sizeof *c->strict);
	c->lenient = calloc(n ? n : 1, sizeof *c->lenient);
	c->min_strict = calloc(n ? n : 1, sizeof *c->min_strict);
	c->min_lenient = calloc(n ? n : 1, sizeof *c->min_lenient);
	c->any_allowed = calloc(c->max_fields ? c->max_fields : 1, 1);
	c->count_ok = calloc(c->max_fields + 1, sizeof *c->count_ok);
	if (!c->strict || !c->lenient || !c->min_strict || !c->min_lenient ||
	    !c->any_allowed || !c->count_ok)
		return -1;
	for (t = 0; t < n; t++) {
		const sqlite_table *table = &c->schema->tables[t];
		size_t m = table->n_stored ? table->n_stored : 1;

		c->strict[t] = malloc(m);
		c->lenient[t] = malloc(m);
		if (!c->strict[t] || !c->lenient[t])
			return -1;
		for (k = 0; k < table->n_stored; k++) {
			const sqlite_column *col = &table->columns[table->stored[k]];

			c->strict[t][k] = column_classes(col, true);
			c->lenient[t][k] = column_classes(col, false);
			c->any_allowed[k] |= c->strict[t][k];
		}
		c->min_strict[t] = fewest_fields(table, true);
		c->min_lenient[t] = fewest_fields(table, false);
		for (k = c->min_strict[t]; k <= table->n_stored; k++)
			c->count_ok[k] = true;
	}
	return 0;
}

sqlite_carver *sqlite_carver_new(sqlite_db *db, const sqlite_schema *schema,
                                 sqlite_candidate_fn found, void *arg)
{
	sqlite_carver *c = calloc(1, sizeof *c);
	size_t t;

	if (!c)
		return NULL;
	c->db = db;
	c->schema = schema;
	c->found = found;
	c->arg = arg;
	c->usable = sqlite_db_usable_size(db);
	c->encoding = sqlite_db_encoding(db);
	c->schema_format = sqlite_db_header_of(db)->schema_format;
	for (t = 0; t < schema->n_tables; t++)
		if (schema->tables[t].n_stored > c->max_fields)
			c->max_fields = schema->tables[t].n_stored;
	c->types = malloc((c->max_fields + 1) * sizeof *c->types);
	c->values = malloc((c->max_fields + 1) * sizeof *c->values);
	if (!c->types || !c->values || build_masks(c) < 0) {
		sqlite_carver_free(c);
		return NULL;
	}
	return c;
}

void sqlite_carver_free(sqlite_carver *c)
{
	size_t t;

	if (!c)
		return;
	for (t = 0; c->strict && t < c->schema->n_tables; t++) {
		free(c->strict[t]);
		free(c->lenient[t]);
	}
	free(c->strict);
	free(c->lenient);
	free(c->min_strict);
	free(c->min_lenient);
	free(c->any_allowed);
	free(c->count_ok);
	free(c->types);
	free(c->values);
	free(c);
}

void sqlite_carver_set_deadline(sqlite_carver *c, int64_t deadline_ns)
{
	c->deadline = deadline_ns;
}

bool sqlite_carver_timed_out(const sqlite_carver *c)
{
	return c->timed_out;
}

/* Whether the deadline has passed (the clock is read now and then). */
static bool out_of_time(sqlite_carver *c)
{
	struct timespec now;

	if (c->timed_out)
		return true;
	if (!c->deadline || ++c->ticks < CLOCK_EVERY)
		return false;
	c->ticks = 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	c->timed_out = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec > c->deadline;
	return c->timed_out;
}

/* ---------------------------------------------------------------- checks */

/* A varint at p that SQLite would have written so (shortest form). */
static size_t minimal_varint(const uint8_t *p, size_t avail, uint64_t *v)
{
	size_t n = sqlite_varint_get(p, avail, v);

	return n && n == sqlite_varint_len(*v) ? n : 0;
}

/* Parse a record header in place with free-space strictness. RETURN the
 * field count, or -1. */
static int carve_header(const sqlite_carver *c, const uint8_t *p, size_t avail,
                        uint64_t *header_len, uint64_t *body)
{
	uint64_t h;
	size_t at = minimal_varint(p, avail, &h), n = 0;

	if (!at || h < at + 1 || h > avail || h > at + 9 * (uint64_t)c->max_fields)
		return -1;
	*body = 0;
	while (at < h) {
		uint64_t s;
		size_t len = minimal_varint(p + at, (size_t)h - at, &s);

		if (!len || n >= c->max_fields || !(serial_class(s) & c->any_allowed[n]))
			return -1;
		*body += sqlite_serial_size(s);
		if (*body > SQLITE_BTREE_MAX_PAYLOAD)
			return -1;
		c->types[n++] = s;
		at += len;
	}
	if (!c->count_ok[n])
		return -1;
	*header_len = h;
	return (int)n;
}

/* Text as people and programs write it: no control characters other
 * than tab and line ends (those turn up in carved noise, not in rows). */
static bool text_looks_written(const sqlite_carver *c, const sqlite_value *v)
{
	bool utf16 = c->encoding != SQLITE_ENC_UTF8;
	size_t i, step = utf16 ? 2 : 1;

	if (!sqlite_text_valid(v->bytes, v->len, c->encoding))
		return false;
	for (i = 0; i + step <= v->len; i += step) {
		uint32_t u = !utf16 ? v->bytes[i]
		             : c->encoding == SQLITE_ENC_UTF16BE
		             ? (uint32_t)v->bytes[i] << 8 | v->bytes[i + 1]
		             : (uint32_t)v->bytes[i + 1] << 8 | v->bytes[i];

		if (u < 0x20 && u != '\t' && u != '\n' && u != '\r')
			return false;
	}
	return true;
}

/* Values SQLite itself could have written. */
static bool values_plausible(const sqlite_carver *c, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		const sqlite_value *v = &c->values[k];

		if ((v->kind == SQLITE_VALUE_INT &&
		     !sqlite_serial_is_minimal(v->serial, v->i, c->schema_format)) ||
		    (v->kind == SQLITE_VALUE_REAL && isnan(v->r)) ||
		    (v->kind == SQLITE_VALUE_TEXT && !text_looks_written(c, v)))
			return false;
	}
	return true;
}

/*
 * Whether a record says enough to be told from noise: at least two values
 * that are not NULL, not the constants 0 and 1 and not empty (or one, for
 * a table with a single column besides the rowid alias).
 */
static bool informative(const sqlite_carver *c, size_t t, size_t n)
{
	const sqlite_table *table = &c->schema->tables[t];
	size_t k, found = 0, columns = 0, need;

	for (k = 0; k < table->n_stored; k++)
		columns += !table->columns[table->stored[k]].rowid_alias;
	need = columns < 2 ? columns : 2;
	for (k = 0; k < n; k++) {
		const sqlite_value *v = &c->values[k];

		if (v->kind == SQLITE_VALUE_REAL ||
		    (v->kind == SQLITE_VALUE_INT && v->serial != 8 && v->serial != 9) ||
		    ((v->kind == SQLITE_VALUE_TEXT || v->kind == SQLITE_VALUE_BLOB) && v->len))
			found++;
	}
	return found >= need;
}

/* Whether fields types[0..n) can be a record of table t. */
static bool table_fits(const sqlite_carver *c, size_t t, size_t n, bool strict)
{
	const uint8_t *mask = strict ? c->strict[t] : c->lenient[t];
	size_t k;

	if (n > c->schema->tables[t].n_stored ||
	    n < (strict ? c->min_strict[t] : c->min_lenient[t]))
		return false;
	for (k = 0; k < n; k++)
		if (!(serial_class(c->types[k]) & mask[k]))
			return false;
	return true;
}

/* The best table for fields types[0..n), or NO_TABLE (see the header). */
static size_t best_table(const sqlite_carver *c, size_t n, bool strict,
                         size_t hint)
{
	size_t t, best = NO_TABLE;
	int best_score = -1;

	for (t = 0; t < c->schema->n_tables; t++) {
		const sqlite_table *table = &c->schema->tables[t];
		int score;

		if ((table->internal && t != hint) || !table_fits(c, t, n, strict))
			continue;
		score = (n == table->n_stored ? 4 : 0) + (t == hint ? 2 : 0);
		if (score > best_score) {
			best_score = score;
			best = t;
		}
	}
	return best;
}

/* ---------------------------------------------------------------- payloads */

/*
 * Assemble a payload of `len` bytes whose local part starts at page
 * offset local_at, its first head_len bytes replaced by head (a rebuilt
 * header start), and read its values.  The cell must end by `limit`.
 * RETURN: true with a->end, a->owned and c->values set.
 */
static bool read_payload(sqlite_carver *c, const sqlite_page *page,
                         uint32_t local_at, uint64_t len, const uint8_t *head,
                         size_t head_len, uint64_t header_len, size_t n,
                         uint32_t limit, attempt *a)
{
	uint64_t local = sqlite_local_payload(c->usable, len, true);
	uint64_t end = local_at + local + (local < len ? 4 : 0);
	const uint8_t *payload = page->data + local_at;
	uint64_t at = header_len;
	size_t k;

	a->owned = NULL;
	/* The header was read from the page: it must lie in the local part. */
	if (end > limit || local < head_len || local < header_len)
		return false;
	if (local < len || head_len) {
		a->owned = malloc((size_t)len);
		if (!a->owned)
			return false;
		if (head_len)
			memcpy(a->owned, head, head_len);
		memcpy(a->owned + head_len, page->data + local_at + head_len,
		       (size_t)(local - head_len));
		if (local < len &&
		    sqlite_overflow_read(c->db, page,
		                         sqlite_get_be32(page->data + local_at + local),
		                         a->owned + local, len - local, false) < 0) {
			free(a->owned);
			a->owned = NULL;
			return false;
		}
		payload = a->owned;
	}
	for (k = 0; k < n; k++) {
		sqlite_value_read(c->types[k], payload + at, &c->values[k]);
		at += sqlite_serial_size(c->types[k]);
	}
	a->end = (uint32_t)end;
	a->n = n;
	a->payload = payload;
	a->len = len;
	return true;
}

/* Check the values just read and pick their table; frees on failure. */
static bool settle(sqlite_carver *c, attempt *a, bool strict, size_t hint)
{
	if ((!strict || values_plausible(c, a->n)) &&
	    (a->table = best_table(c, a->n, strict, hint)) != NO_TABLE &&
	    (!strict || informative(c, a->table, a->n)))
		return true;
	free(a->owned);
	a->owned = NULL;
	return false;
}

/* settle for one given table (a rebuilt header says which it assumed). */
static bool settle_as(sqlite_carver *c, attempt *a, size_t t)
{
	if (values_plausible(c, a->n) && table_fits(c, t, a->n, true) &&
	    informative(c, t, a->n)) {
		a->table = t;
		return true;
	}
	free(a->owned);
	a->owned = NULL;
	return false;
}

/* ---------------------------------------------------------------- attempts */

/* INTACT: payload length, rowid, record, all at pos. */
static bool try_intact(sqlite_carver *c, const sqlite_page *page, uint32_t pos,
                       uint32_t limit, size_t hint, attempt *a)
{
	const uint8_t *p = page->data + pos;
	uint64_t len, rowid, header_len, body;
	size_t n1, n2;
	int n;

	if (!(n1 = minimal_varint(p, limit - pos, &len)) || len < 2 ||
	    len > SQLITE_BTREE_MAX_PAYLOAD ||
	    !(n2 = minimal_varint(p + n1, limit - pos - n1, &rowid)))
		return false;
	n = carve_header(c, p + n1 + n2, limit - pos - n1 - n2, &header_len, &body);
	if (n < 0 || header_len + body != len)
		return false;
	if (!read_payload(c, page, pos + (uint32_t)(n1 + n2), len, NULL, 0,
	                  header_len, (size_t)n, limit, a))
		return false;
	a->how = SQLITE_CARVE_INTACT;
	a->cell_offset = pos;
	a->has_rowid = true;
	a->rowid = (int64_t)rowid;
	return settle(c, a, true, hint);
}

/* RECORD: a record header at pos, its cell prefix gone. */
static bool try_record(sqlite_carver *c, const sqlite_page *page, uint32_t pos,
                       uint32_t limit, size_t hint, attempt *a)
{
	uint64_t header_len, body;
	int n = carve_header(c, page->data + pos, limit - pos, &header_len, &body);

	if (n < 0 || !read_payload(c, page, pos, header_len + body, NULL, 0,
	                           header_len, (size_t)n, limit, a))
		return false;
	a->how = SQLITE_CARVE_RECORD;
	a->cell_offset = pos;
	a->has_rowid = false;
	return settle(c, a, true, hint);
}

/* How well a rebuilt record fits: ending where its block ends, holding
 * all of its table's columns, belonging to the page's table. */
static int rebuilt_score(const sqlite_carver *c, const attempt *a,
                         uint32_t exact, size_t hint)
{
	return (a->end == exact ? 4 : 0) +
	       (a->n == c->schema->tables[a->table].n_stored ? 2 : 0) +
	       (a->table == hint ? 1 : 0);
}

/*
 * REBUILT, prefix of `prefix` bytes (payload length + rowid varints) of
 * which the freeblock header took the first 4.  With prefix 3 the header
 * length byte is lost; with 2 also the first serial type.  Tried for each
 * table and each field count it may have, widest first.
 */
/*
 * Read, once, the serial types a cell with `prefix` bytes of payload
 * length and rowid would have at pos + 4 if it were a record of table t,
 * one type at a time while each is one t takes there; and keep the field
 * counts worth a full check: all of t's stored columns, and the one count
 * (lengths only grow) whose cell would end exactly at `exact`.  A short
 * record is never taken otherwise: without its header length nothing
 * says where it ends.  fits[] lists them widest first.
 */
static void lost_header_counts(sqlite_carver *c, size_t t, const sqlite_page *page,
                               uint32_t pos, uint32_t limit, uint32_t exact,
                               unsigned prefix, size_t *fits, size_t *n_fits)
{
	const sqlite_table *table = &c->schema->tables[t];
	size_t lost = FREEBLOCK_HEADER - prefix, n, at = 0, exact_n = 0, full_n = 0;
	const uint8_t *p = page->data + pos + FREEBLOCK_HEADER;
	size_t avail = limit - pos - FREEBLOCK_HEADER;
	uint64_t body = 0;

	c->types[0] = 0; /* the rowid alias, when the first type is lost */
	for (n = 1; n <= table->n_stored; n++) {
		uint64_t s, len, local, end;
		size_t k = n - 1, got;

		if (k >= lost - 1) { /* type k is on the page (else the alias) */
			if (!(got = minimal_varint(p + at, avail - at, &s)) ||
			    !(serial_class(s) & c->strict[t][k]))
				break;
			c->types[k] = s;
			body += sqlite_serial_size(s);
			at += got;
		}
		if (1 + (lost - 1) + at > 127 || body > SQLITE_BTREE_MAX_PAYLOAD)
			break; /* the header length byte holds 127 at most */
		if (n < c->min_strict[t])
			continue;
		len = 1 + (lost - 1) + at + body;
		if (sqlite_varint_len(len) >= prefix)
			continue; /* the rowid needs a byte */
		local = sqlite_local_payload(c->usable, len, true);
		end = pos + prefix + local + (local < len ? 4 : 0);
		if (end == exact)
			exact_n = n;
		if (n == table->n_stored)
			full_n = n;
	}
	*n_fits = 0;
	if (full_n)
		fits[(*n_fits)++] = full_n;
	if (exact_n && exact_n != full_n)
		fits[(*n_fits)++] = exact_n;
}

/* The rebuilt header length and payload length for n fields, from the
 * types lost_header_counts read. */
static uint64_t lost_header_length(const sqlite_carver *c, const sqlite_page *page,
                                   uint32_t pos, size_t lost, size_t n, uint64_t *len)
{
	uint64_t header_len = 1 + (lost - 1), body = 0;
	size_t k;

	(void)page;
	(void)pos;
	for (k = lost - 1; k < n; k++)
		header_len += sqlite_varint_len(c->types[k]);
	for (k = 0; k < n; k++)
		body += sqlite_serial_size(c->types[k]);
	*len = header_len + body;
	return header_len;
}

static bool try_lost_header(sqlite_carver *c, const sqlite_page *page,
                            uint32_t pos, uint32_t limit, uint32_t exact,
                            unsigned prefix, size_t hint, attempt *best)
{
	size_t t, lost = FREEBLOCK_HEADER - prefix; /* 1 or 2 header bytes */
	bool found = false;

	for (t = 0; t < c->schema->n_tables; t++) {
		const sqlite_table *table = &c->schema->tables[t];
		size_t fits[2], n_fits = 0, n, i;

		/* The weakest evidence: only the page's own table, when known. */
		if ((hint != NO_TABLE && t != hint) || (table->internal && t != hint))
			continue;
		if (lost == 2 && !(table->n_stored &&
		                   table->columns[table->stored[0]].rowid_alias))
			continue; /* the first serial type cannot be known */
		lost_header_counts(c, t, page, pos, limit, exact, prefix, fits, &n_fits);
		for (i = 0; i < n_fits; i++) {
			uint64_t header_len, len;
			uint8_t head[2];
			attempt a;

			n = fits[i];
			header_len = lost_header_length(c, page, pos, lost, n, &len);
			head[0] = (uint8_t)header_len;
			head[1] = 0;
			memset(&a, 0, sizeof a);
			if (!read_payload(c, page, pos + prefix, len, head, lost, header_len,
			                  n, limit, &a) ||
			    !settle_as(c, &a, t))
				continue;
			if (!best->owned && !best->payload) {
				*best = a;
				found = true;
			} else if (rebuilt_score(c, &a, exact, hint) >
			           rebuilt_score(c, best, exact, hint)) {
				free(best->owned);
				*best = a;
				found = true;
			} else {
				free(a.owned);
			}
			break; /* the widest that holds */
		}
	}
	if (found) {
		best->how = SQLITE_CARVE_REBUILT;
		best->cell_offset = pos;
		best->has_rowid = false;
	}
	return found;
}

/*
 * REBUILT at a freeblock start pos.  Whole records behind a prefix of 4
 * to 18 bytes first (nothing lost), then a lost header length, then a
 * lost first serial type.  The one ending exactly at `exact` (the block's
 * end, when known) wins; when neither does (the block holds more cells
 * than this one: its neighbours were freed into it), the one that fits
 * better (all its table's columns, the page's table) wins; else the
 * first found.
 */
static bool try_rebuilt(sqlite_carver *c, const sqlite_page *page, uint32_t pos,
                        uint32_t limit, uint32_t exact, size_t hint, attempt *a)
{
	attempt whole, lost;
	unsigned k;
	bool have_whole = false, have_lost;

	if (pos + FREEBLOCK_HEADER + 2 > limit)
		return false;
	for (k = FREEBLOCK_HEADER; k <= MAX_PREFIX && pos + k + 2 <= limit; k++) {
		memset(&whole, 0, sizeof whole);
		if (try_record(c, page, pos + k, limit, hint, &whole)) {
			size_t len_bytes = sqlite_varint_len(whole.len);

			if (len_bytes < k && k - len_bytes <= 9) { /* room for a rowid */
				have_whole = true;
				break;
			}
			free(whole.owned);
		}
	}
	if (have_whole && whole.end == exact)
		goto take_whole;
	memset(&lost, 0, sizeof lost);
	have_lost = try_lost_header(c, page, pos, limit, exact, 3, hint, &lost);
	have_lost |= try_lost_header(c, page, pos, limit, exact, 2, hint, &lost);
	if (have_lost && (!have_whole || lost.end == exact ||
	                  (whole.end != exact && rebuilt_score(c, &lost, exact, hint) >
	                                         rebuilt_score(c, &whole, exact, hint)))) {
		free(have_whole ? whole.owned : NULL);
		*a = lost;
		return true;
	}
	free(have_lost ? lost.owned : NULL);
	if (!have_whole)
		return false;
take_whole:
	*a = whole;
	a->how = SQLITE_CARVE_REBUILT;
	a->cell_offset = pos;
	a->has_rowid = false;
	return true;
}

/* A stale freeblock header: a plausible next link and size.  The size
 * may be out of date (the block was merged, then handed to the
 * unallocated gap), so it bounds nothing; it only marks a likely start. */
static bool looks_like_freeblock(const sqlite_carver *c, const sqlite_page *page,
                                 uint32_t pos, uint32_t limit, uint32_t *block_end)
{
	uint32_t next, size;

	if (pos + FREEBLOCK_HEADER > limit)
		return false;
	next = sqlite_get_be16(page->data + pos);
	size = sqlite_get_be16(page->data + pos + 2);
	if (size < FREEBLOCK_HEADER + 2 || pos + size > c->usable ||
	    (next != 0 && (next <= pos || next >= c->usable)))
		return false;
	*block_end = pos + size <= limit ? pos + size : 0;
	return true;
}

/* ---------------------------------------------------------------- emit */

/* Hand a settled attempt over.  Its values are decoded again from its
 * payload: other attempts since may have used the scratch arrays. */
static int emit(sqlite_carver *c, const sqlite_page *page, sqlite_region region,
                attempt *a)
{
	sqlite_candidate cand;
	int rc = sqlite_record_decode(a->payload, (size_t)a->len, c->values,
	                              c->max_fields);

	if (rc != (int)a->n) { /* cannot happen: it decoded before */
		free(a->owned);
		a->owned = NULL;
		return 0;
	}
	cand.table = a->table;
	cand.page = page;
	cand.cell_offset = a->cell_offset;
	cand.how = a->how;
	cand.region = region;
	cand.has_rowid = a->has_rowid;
	cand.rowid = a->rowid;
	cand.n_values = a->n;
	cand.values = c->values;
	rc = c->found(c->arg, &cand);
	free(a->owned);
	a->owned = NULL;
	return rc;
}

int sqlite_carve_region(sqlite_carver *c, const sqlite_page *page,
                        uint32_t start, uint32_t end, sqlite_region region,
                        size_t hint)
{
	uint32_t pos = start, block_end;
	bool boundary = false; /* pos follows a record just recovered */

	if (end > c->usable)
		end = c->usable;
	if (!c->max_fields)
		return 0;
	while (pos + 2 <= end && !out_of_time(c)) {
		bool head = region == SQLITE_REGION_FREEBLOCK && pos == start;
		attempt a;
		int rc;

		memset(&a, 0, sizeof a);
		block_end = head ? end : 0;
		if ((!head && try_intact(c, page, pos, end, hint, &a)) ||
		    ((head || boundary || looks_like_freeblock(c, page, pos, end, &block_end)) &&
		     try_rebuilt(c, page, pos, end, block_end, hint, &a)) ||
		    try_record(c, page, pos, end, hint, &a)) {
			if ((rc = emit(c, page, region, &a)) != 0)
				return rc;
			pos = a.end > pos ? a.end : pos + 1;
			boundary = true;
			continue;
		}
		boundary = false;
		pos++;
	}
	return 0;
}

int sqlite_carve_cells(sqlite_carver *c, const sqlite_page *page,
                       const sqlite_btree_page *bp, size_t hint)
{
	uint32_t i;

	for (i = 0; i < bp->n_cells && !out_of_time(c); i++) {
		uint32_t at = sqlite_btree_cell_offset(page, bp, i);
		uint64_t header_len, body;
		sqlite_cell cell;
		attempt a;
		int n, rc;

		if (!at || sqlite_cell_read(c->db, page, bp, at, &cell, false) < 0)
			continue;
		n = sqlite_record_header(cell.payload, (size_t)cell.payload_len, c->types,
		                         c->max_fields, &header_len, &body);
		memset(&a, 0, sizeof a);
		if (n > 0 && header_len + body == cell.payload_len) {
			a.n = (size_t)n;
			a.payload = cell.payload;
			a.len = cell.payload_len;
			a.table = best_table(c, a.n, false, hint);
		} else {
			a.table = NO_TABLE;
		}
		if (a.table != NO_TABLE) {
			a.how = SQLITE_CARVE_CELL;
			a.cell_offset = at;
			a.has_rowid = cell.has_rowid;
			a.rowid = cell.rowid;
			a.owned = cell.owned; /* freed by emit */
			cell.owned = NULL;
			if ((rc = emit(c, page, SQLITE_REGION_CELL, &a)) != 0) {
				sqlite_cell_release(&cell);
				return rc;
			}
		}
		sqlite_cell_release(&cell);
	}
	return 0;
}

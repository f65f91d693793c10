/*
 * pdf_xref.c — carve-pdf's validate: the cross-reference sections of a
 * candidate PDF, followed from the last "startxref" through /Prev and
 * /XRefStm (at most MAX_SECTIONS, none twice), classic tables and
 * cross-reference streams (FlateDecode, PNG predictors) alike.  Every
 * in-use entry must point at "N G obj" with its own number and generation.
 *
 * *bad_offset: of the entries that fail, the lowest offset F; the break
 * lies after the last object G below F that is where it should be, so
 * when G's "endobj" is found before F the break is reported just after it,
 * else at G (the break is inside G), else at F.  When the startxref does
 * not point at a section, the nearest "xref" table before the startxref
 * is read instead (its entries say where the bytes moved).
 *
 * Memory: two 64 KiB buffers and zlib's inflate state.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "carve_data.h"
#include "pdf_format.h"

#define CHUNK 65536
#define MAX_SECTIONS 64
#define DICT 4096
#define MAX_ENTRIES 10000000u
#define MAX_SEARCH (64u << 20)

typedef struct pdfv {
	const exhibit_host_api *api;
	exhibit_host *host;
	uint64_t length;
	int pass;                 /* 1: find the lowest bad entry; 2: the last good below it */
	uint64_t bad;             /* lowest failing entry offset, UINT64_MAX: none */
	uint64_t good;            /* highest good entry offset below bad (pass 2) */
	int good_seen;
	int failed;               /* the host failed or memory ran out */
	int sections;
	uint64_t visited[MAX_SECTIONS];
	unsigned char *in, *out;
} pdfv;

/* ---- small parsers over bytes ----------------------------------------------- */

static size_t skip_space(const unsigned char *p, size_t n, size_t at)
{
	while (at < n && pdf_space(p[at]))
		at++;
	return at;
}

/* number — a non-negative integer at p[*at]; *at moves past it. */
static int number(const unsigned char *p, size_t n, size_t *at, uint64_t *v)
{
	size_t k = *at;
	uint64_t x = 0;

	if (k >= n || !pdf_digit(p[k]))
		return 0;
	while (k < n && pdf_digit(p[k]) && x < (1ull << 48))
		x = x * 10 + (uint64_t)(p[k++] - '0');
	*at = k;
	*v = x;
	return 1;
}

/* key_number — the integer after /key in dict (a direct value). */
static int key_number(const unsigned char *d, size_t n, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);

	for (const unsigned char *p = d; (p = memmem(p, (size_t)(d + n - p), key, klen)); p += klen) {
		size_t at = (size_t)(p - d) + klen;
		if (at < n && (pdf_digit(d[at]) || (d[at] >= 'A' && d[at] <= 'z')))
			continue; /* /Length1, /Prevx: another key */
		at = skip_space(d, n, at);
		return number(d, n, &at, v);
	}
	return 0;
}

/* key_array — up to max integers of the array after /key. */
static size_t key_array(const unsigned char *d, size_t n, const char *key, uint64_t *v, size_t max)
{
	const unsigned char *p = memmem(d, n, key, strlen(key));
	size_t at, count = 0;

	if (!p)
		return 0;
	at = skip_space(d, n, (size_t)(p - d) + strlen(key));
	if (at >= n || d[at] != '[')
		return 0;
	at++;
	for (;;) {
		at = skip_space(d, n, at);
		if (at >= n || d[at] == ']' || count == max || !number(d, n, &at, &v[count]))
			break;
		count++;
	}
	return count;
}

/* ---- entries ------------------------------------------------------------------- */

/* object_at — "num gen obj" starts at off (after at most 4 white-space
 * bytes, which careless writers leave). */
static int object_at(pdfv *v, uint64_t off, uint64_t num, uint64_t gen)
{
	unsigned char h[48];
	int64_t n = carve_read(v->api, v->host, v->length, off, h, sizeof h);
	size_t at = 0;
	uint64_t a, b;

	if (n < 0) {
		v->failed = 1;
		return 0;
	}
	while (at < 4 && at < (size_t)n && pdf_space(h[at]))
		at++;
	if (!number(h, (size_t)n, &at, &a) || a != num)
		return 0;
	at = skip_space(h, (size_t)n, at);
	if (!number(h, (size_t)n, &at, &b) || b != gen)
		return 0;
	at = skip_space(h, (size_t)n, at);
	return at + 3 <= (size_t)n && memcmp(h + at, "obj", 3) == 0;
}

static void entry(pdfv *v, uint64_t num, uint64_t gen, uint64_t off)
{
	int ok = off < v->length && object_at(v, off, num, gen);

	if (v->pass == 1 && !ok && off < v->bad)
		v->bad = off < v->length ? off : v->length;
	if (v->pass == 2 && ok && off < v->bad && (!v->good_seen || off > v->good)) {
		v->good = off;
		v->good_seen = 1;
	}
}

/* ---- classic tables ----------------------------------------------------------- */

static int section(pdfv *v, uint64_t at);

/* trailer — /Prev and /XRefStm of the trailer dictionary at off. */
static void trailer(pdfv *v, uint64_t off)
{
	unsigned char d[DICT];
	int64_t n = carve_read(v->api, v->host, v->length, off, d, sizeof d);
	uint64_t next;
	const unsigned char *stop;

	if (n <= 0)
		return;
	stop = memmem(d, (size_t)n, "startxref", 9);
	if (stop)
		n = stop - d;
	if (key_number(d, (size_t)n, "/XRefStm", &next))
		section(v, next);
	if (key_number(d, (size_t)n, "/Prev", &next))
		section(v, next);
}

/* table — a classic "xref" table at off (just past the keyword). */
static int table(pdfv *v, uint64_t off)
{
	unsigned char *b = v->in;
	uint64_t total = 0;

	for (;;) {
		int64_t n = carve_read(v->api, v->host, v->length, off, b, 64);
		size_t at;
		uint64_t first, count;

		if (n <= 0)
			return 0;
		at = skip_space(b, (size_t)n, 0);
		if ((size_t)n - at >= 7 && memcmp(b + at, "trailer", 7) == 0) {
			trailer(v, off + at + 7);
			return 1;
		}
		if (!number(b, (size_t)n, &at, &first))
			return 0;
		at = skip_space(b, (size_t)n, at);
		if (!number(b, (size_t)n, &at, &count) || (total += count) > MAX_ENTRIES)
			return 0;
		/* The end of the subsection's line, then 20-byte entries. */
		while (at < (size_t)n && (b[at] == ' ' || b[at] == '\t'))
			at++;
		while (at < (size_t)n && (b[at] == '\r' || b[at] == '\n'))
			at++;
		off += at;
		for (uint64_t k = 0; k < count;) {
			size_t batch = count - k < CHUNK / 20 ? (size_t)(count - k) : CHUNK / 20;
			if (!carve_read_exact(v->api, v->host, v->length, off, b, batch * 20))
				return 0;
			for (size_t e = 0; e < batch; e++) {
				const unsigned char *r = b + 20 * e;
				size_t p = 0, q = 11;
				uint64_t o, g;
				if (!number(r, 10, &p, &o) || p != 10 || !number(r, 16, &q, &g) ||
				    (r[17] != 'n' && r[17] != 'f'))
					return 0;
				if (r[17] == 'n')
					entry(v, first + k + e, g, o);
			}
			k += batch;
			off += batch * 20;
		}
	}
}

/* ---- cross-reference streams --------------------------------------------------- */

/* png_unpredict — undo PNG predictor type t on row (len bytes) given the
 * previous row. */
static void png_unpredict(unsigned t, unsigned char *row, const unsigned char *prev, size_t len,
                          size_t bpp)
{
	for (size_t i = 0; i < len; i++) {
		unsigned a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
		switch (t) {
		case 1: row[i] = (unsigned char)(row[i] + a); break;
		case 2: row[i] = (unsigned char)(row[i] + b); break;
		case 3: row[i] = (unsigned char)(row[i] + (a + b) / 2); break;
		case 4: {
			int p = (int)a + (int)b - (int)c, pa = abs(p - (int)a), pb = abs(p - (int)b),
			    pc = abs(p - (int)c);
			row[i] = (unsigned char)(row[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c));
			break;
		}
		}
	}
}

typedef struct xstream {
	uint64_t w[3];
	uint64_t index[2 * 64];
	size_t n_index, idx_pair;
	uint64_t num, left_in_pair;
	int png;
	size_t columns;
	unsigned char row[2][64];
	size_t row_have;
	int cur;
} xstream;

static uint64_t field(const unsigned char *p, uint64_t width)
{
	uint64_t x = 0;

	for (uint64_t i = 0; i < width; i++)
		x = x << 8 | p[i];
	return x;
}

/* row_done — one decoded row of the stream: an entry. */
static int row_done(pdfv *v, xstream *x, const unsigned char *r)
{
	uint64_t type = x->w[0] ? field(r, x->w[0]) : 1;
	uint64_t f2 = field(r + x->w[0], x->w[1]), f3 = field(r + x->w[0] + x->w[1], x->w[2]);

	while (x->left_in_pair == 0) {
		if (x->idx_pair + 1 >= x->n_index)
			return 0; /* more rows than /Index says */
		x->num = x->index[x->idx_pair];
		x->left_in_pair = x->index[x->idx_pair + 1];
		x->idx_pair += 2;
	}
	if (type == 1)
		entry(v, x->num, f3, f2);
	x->num++;
	x->left_in_pair--;
	return 1;
}

/* feed — decoded bytes of the stream, split into rows. */
static int feed(pdfv *v, xstream *x, const unsigned char *p, size_t n)
{
	size_t width = (size_t)(x->w[0] + x->w[1] + x->w[2]), rowlen = width + (x->png ? 1 : 0);

	for (size_t i = 0; i < n; i++) {
		unsigned char *row = x->row[x->cur];
		row[x->row_have++] = p[i];
		if (x->row_have < rowlen)
			continue;
		x->row_have = 0;
		if (x->png) {
			png_unpredict(row[0], row + 1, x->row[!x->cur] + 1, width, 1);
			if (!row_done(v, x, row + 1))
				return 0;
			x->cur = !x->cur;
		} else if (!row_done(v, x, row)) {
			return 0;
		}
	}
	return 1;
}

/* xref_stream — the cross-reference stream object at off. */
static int xref_stream(pdfv *v, uint64_t off)
{
	unsigned char d[DICT];
	int64_t n = carve_read(v->api, v->host, v->length, off, d, sizeof d);
	const unsigned char *kw;
	uint64_t size = 0, length = 0, predictor = 0, columns = 1, data, next;
	xstream x;
	z_stream z;
	int flate, rc = Z_OK, ok = 1;

	if (n <= 0 || !(kw = memmem(d, (size_t)n, "stream", 6)))
		return 0;
	n = kw - d;
	memset(&x, 0, sizeof x);
	if (!memmem(d, (size_t)n, "/XRef", 5) || key_array(d, (size_t)n, "/W", x.w, 3) != 3 ||
	    x.w[0] > 8 || x.w[1] > 8 || x.w[2] > 8 || !key_number(d, (size_t)n, "/Size", &size) ||
	    !key_number(d, (size_t)n, "/Length", &length))
		return 0;
	x.n_index = key_array(d, (size_t)n, "/Index", x.index, 2 * 64);
	if (x.n_index < 2) {
		x.index[0] = 0;
		x.index[1] = size;
		x.n_index = 2;
	}
	key_number(d, (size_t)n, "/Predictor", &predictor);
	key_number(d, (size_t)n, "/Columns", &columns);
	x.png = predictor >= 10;
	if (x.png && columns != x.w[0] + x.w[1] + x.w[2])
		return 0;
	flate = memmem(d, (size_t)n, "/FlateDecode", 12) != NULL;
	data = off + (uint64_t)(kw - d) + 6;
	if (data < v->length && carve_read_exact(v->api, v->host, v->length, data, d, 2))
		data += d[0] == '\r' && d[1] == '\n' ? 2 : 1;
	if (data + length > v->length)
		return 0;
	memset(&z, 0, sizeof z);
	if (flate && inflateInit(&z) != Z_OK) {
		v->failed = 1;
		return 0;
	}
	for (uint64_t got = 0; got < length && ok && rc != Z_STREAM_END;) {
		size_t take = length - got < CHUNK ? (size_t)(length - got) : CHUNK;
		if (!carve_read_exact(v->api, v->host, v->length, data + got, v->in, take)) {
			ok = 0;
			break;
		}
		got += take;
		if (!flate) {
			ok = feed(v, &x, v->in, take);
			continue;
		}
		z.next_in = v->in;
		z.avail_in = (uInt)take;
		while (z.avail_in && ok && rc != Z_STREAM_END) {
			z.next_out = v->out;
			z.avail_out = CHUNK;
			rc = inflate(&z, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
				ok = 0;
			else
				ok = feed(v, &x, v->out, CHUNK - z.avail_out);
			if (z.total_out > (uint64_t)MAX_ENTRIES * 26)
				ok = 0;
		}
	}
	if (flate)
		inflateEnd(&z);
	if (!ok)
		return 0;
	{
		unsigned char dict[DICT];
		int64_t m = carve_read(v->api, v->host, v->length, off, dict, sizeof dict);
		const unsigned char *st = m > 0 ? memmem(dict, (size_t)m, "stream", 6) : NULL;
		if (st && key_number(dict, (size_t)(st - dict), "/Prev", &next))
			section(v, next);
	}
	return 1;
}

/* section — the cross-reference section at at, and those it links to.
 * RETURN: 1 when it was a section. */
static int section(pdfv *v, uint64_t at)
{
	unsigned char h[48];
	int64_t n;
	size_t k = 0;
	uint64_t a, b;

	if (v->failed || v->sections >= MAX_SECTIONS || at >= v->length)
		return 0;
	for (int i = 0; i < v->sections; i++)
		if (v->visited[i] == at)
			return 0;
	v->visited[v->sections++] = at;
	if ((n = carve_read(v->api, v->host, v->length, at, h, sizeof h)) < 4)
		return 0;
	k = skip_space(h, (size_t)n, 0);
	if ((size_t)n - k >= 4 && memcmp(h + k, "xref", 4) == 0)
		return table(v, at + k + 4);
	if (number(h, (size_t)n, &k, &a) && (k = skip_space(h, (size_t)n, k), number(h, (size_t)n, &k, &b)) &&
	    (k = skip_space(h, (size_t)n, k), k + 3 <= (size_t)n) && memcmp(h + k, "obj", 3) == 0)
		return xref_stream(v, at);
	return 0;
}

/* ---- the whole -------------------------------------------------------------------- */

/* last_startxref — the offset the candidate's last "startxref" gives, and
 * where that keyword is. */
static int last_startxref(pdfv *v, uint64_t *target, uint64_t *keyword)
{
	size_t span = v->length < 2048 ? (size_t)v->length : 2048;
	uint64_t base = v->length - span;
	const unsigned char *p = NULL, *q;
	size_t at;

	if (!carve_read_exact(v->api, v->host, v->length, base, v->in, span))
		return 0;
	for (q = v->in; (q = memmem(q, (size_t)(v->in + span - q), "startxref", 9)); q += 9)
		p = q;
	if (!p)
		return 0;
	*keyword = base + (uint64_t)(p - v->in);
	at = skip_space(v->in, span, (size_t)(p - v->in) + 9);
	return number(v->in, span, &at, target);
}

/* table_before — the last "xref" keyword at a line start before limit. */
static uint64_t table_before(pdfv *v, uint64_t limit)
{
	uint64_t searched = 0;

	while (limit > 0 && searched < MAX_SEARCH) {
		size_t span = limit < CHUNK ? (size_t)limit : CHUNK;
		uint64_t base = limit - span;
		if (!carve_read_exact(v->api, v->host, v->length, base, v->in, span))
			return UINT64_MAX;
		for (size_t k = span; k-- > 0;)
			if (k + 4 <= span && memcmp(v->in + k, "xref", 4) == 0 &&
			    (base + k == 0 || (k > 0 && (v->in[k - 1] == '\n' || v->in[k - 1] == '\r'))))
				return base + k;
		searched += span;
		limit = base + (base ? 3 : 0); /* overlap for a keyword on the edge */
		if (span <= 3)
			break;
	}
	return UINT64_MAX;
}

/* refine — the break lies after the last good object below the first bad. */
static uint64_t refine(pdfv *v)
{
	uint64_t at, stop = v->bad;

	if (!v->good_seen)
		return v->bad;
	for (at = v->good; at < stop;) {
		size_t span = stop - at < CHUNK ? (size_t)(stop - at) : CHUNK;
		const unsigned char *e;
		if (!carve_read_exact(v->api, v->host, v->length, at, v->in, span))
			break;
		if ((e = memmem(v->in, span, "endobj", 6))) {
			size_t k = (size_t)(e - v->in) + 6;
			while (k < span && pdf_space(v->in[k]))
				k++;
			return at + k < stop ? at + k : stop;
		}
		if (span < 6)
			break;
		at += span - 5;
	}
	return v->good;
}

int pdf_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                 uint64_t *bad_offset)
{
	pdfv v;
	uint64_t target = 0, keyword = 0, start;
	int rc;

	memset(&v, 0, sizeof v);
	v.api = api;
	v.host = host;
	v.length = length;
	v.bad = UINT64_MAX;
	v.in = malloc(CHUNK);
	v.out = malloc(CHUNK);
	if (!v.in || !v.out) {
		rc = EXHIBIT_ERR;
		goto done;
	}
	if (!last_startxref(&v, &target, &keyword)) {
		*bad_offset = length;
		rc = EXHIBIT_ERR_FORMAT;
		goto done;
	}
	start = target;
	v.pass = 1;
	if (!section(&v, start)) {
		/* The startxref points at no section: bytes moved.  Read the
		 * nearest table before it; its entries say where. */
		if (v.bad > (target < length ? target : length))
			v.bad = target < length ? target : length;
		start = table_before(&v, keyword);
		v.sections = 0;
		if (start != UINT64_MAX)
			section(&v, start);
	}
	if (v.bad != UINT64_MAX && start != UINT64_MAX) {
		v.pass = 2;
		v.sections = 0;
		section(&v, start);
	}
	rc = v.failed ? EXHIBIT_ERR : v.bad == UINT64_MAX ? EXHIBIT_OK : EXHIBIT_ERR_FORMAT;
	if (rc == EXHIBIT_ERR_FORMAT)
		*bad_offset = refine(&v);
done:
	free(v.in);
	free(v.out);
	return rc;
}

/*
 * hashset_lines.c — the line-per-entry formats: md5sum/sha1sum/sha256sum
 * (and md5deep) lists, BSD-style "ALG (name) = digest" lists, and hashdeep
 * files.  Each line is one entry or one reported problem; blank lines and
 * '#' comments are skipped.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hashset_input.h"

/* ---------------------------------------------------------------- md5sum */

static int is_digest_length(size_t n)
{
	return n == 2 * MD5_LEN || n == 2 * SHA1_LEN || n == 2 * SHA256_LEN;
}

/*
 * split_md5sum — the digest and name of an md5sum line: "DIGEST  NAME",
 * "DIGEST *NAME" (binary mode), "\DIGEST  NAME" (GNU: the name is
 * escaped), "DIGEST NAME" or "DIGEST" alone.  RETURN: 0, or -1.
 */
static int split_md5sum(const char *line, size_t len, const char **digest, size_t *digest_len,
                        const char **name, size_t *name_len)
{
	size_t skip = len > 0 && line[0] == '\\' ? 1 : 0;
	size_t n = hs_hex_run(line + skip, len - skip);
	size_t rest = skip + n;

	if (!is_digest_length(n))
		return -1;
	*digest = line + skip;
	*digest_len = n;
	*name = line + len;
	*name_len = 0;
	if (rest == len)
		return 0;
	if (line[rest] != ' ' && line[rest] != '\t')
		return -1;
	rest++;
	if (rest < len && (line[rest] == ' ' || line[rest] == '*'))
		rest++;
	*name = line + rest;
	*name_len = len - rest;
	return 0;
}

int hs_looks_md5sum(const char *line, size_t len)
{
	const char *d, *name;
	size_t dl, nl;

	return split_md5sum(line, len, &d, &dl, &name, &nl) == 0;
}

static int is_skippable(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i == len || line[i] == '#';
}

/* line_loop — read every line, skip blank and comment lines, and hand the
 * others to fn; a line too long is a rejected line. */
static int line_loop(hs_input *in, int (*fn)(hs_input *in, void *state, const char *line,
                                             size_t len, uint64_t offset), void *state)
{
	const char *line;
	size_t len;
	uint64_t offset;
	int too_long, rc;

	while ((rc = hs_next_line(in, &line, &len, &offset, &too_long)) == 1) {
		if (too_long) {
			hs_problem(in, in->line_no, offset, 1, "line longer than %u bytes",
			           HASHSET_MAX_LINE);
			continue;
		}
		if (is_skippable(line, len))
			continue;
		if ((rc = fn(in, state, line, len, offset)) != 0)
			return rc;
	}
	return rc;
}

/* emit_named — an entry of one digest and a name (copied: NUL-terminated). */
static int emit_named(hs_input *in, hashset_entry *e, const char *name, size_t name_len,
                      uint64_t offset)
{
	char *copy = name_len ? strndup(name, name_len) : NULL;
	int rc;

	e->name = copy;
	rc = hs_emit(in, e, in->line_no, offset);
	free(copy);
	return rc;
}

static int md5sum_line(hs_input *in, void *state, const char *line, size_t len,
                       uint64_t offset)
{
	const char *digest, *name;
	size_t digest_len, name_len;
	hashset_entry e;

	(void)state;
	hs_entry_init(&e);
	if (split_md5sum(line, len, &digest, &digest_len, &name, &name_len) < 0 ||
	    hs_set_digest(&e, digest, digest_len) < 0) {
		hs_problem(in, in->line_no, offset, 1,
		           "not a digest list line (32, 40 or 64 hex digits, then the file name)");
		return 0;
	}
	return emit_named(in, &e, name, name_len, offset);
}

int hs_parse_md5sum(hs_input *in)
{
	return line_loop(in, md5sum_line, NULL);
}

/* ---------------------------------------------------------------- BSD */

static const struct {
	const char *name;
	size_t digest_len;
} bsd_algorithms[] = {
	{ "MD5", 2 * MD5_LEN },
	{ "SHA1", 2 * SHA1_LEN },
	{ "SHA-1", 2 * SHA1_LEN },
	{ "SHA256", 2 * SHA256_LEN },
	{ "SHA-256", 2 * SHA256_LEN },
	{ "SHA2-256", 2 * SHA256_LEN },
};

/*
 * split_bsd — "ALG (NAME) = DIGEST" (BSD md5, shasum --tag) or
 * "ALG(NAME)= DIGEST" (openssl dgst).  The name may hold parentheses, so
 * it ends at the last ')' before the '='.  RETURN: 0, or -1.
 */
static int split_bsd(const char *line, size_t len, const char **digest, size_t *digest_len,
                     const char **name, size_t *name_len)
{
	const char *open = memchr(line, '(', len), *close, *eq;
	size_t alg_len, want = 0;

	if (!open)
		return -1;
	alg_len = (size_t)(open - line);
	if (alg_len > 0 && line[alg_len - 1] == ' ')
		alg_len--;
	for (size_t i = 0; i < sizeof bsd_algorithms / sizeof bsd_algorithms[0]; i++)
		if (strlen(bsd_algorithms[i].name) == alg_len &&
		    !strncasecmp(line, bsd_algorithms[i].name, alg_len))
			want = bsd_algorithms[i].digest_len;
	if (!want || len < want + 3)
		return -1;
	*digest = line + len - want;
	*digest_len = want;
	eq = *digest - 1;
	if (*eq == ' ')
		eq--;
	if (eq <= open || *eq != '=' || !hs_is_hex(*digest, want))
		return -1;
	close = eq - 1;
	if (close > open && *close == ' ')
		close--;
	if (close <= open || *close != ')')
		return -1;
	*name = open + 1;
	*name_len = (size_t)(close - open - 1);
	return 0;
}

int hs_looks_bsd(const char *line, size_t len)
{
	const char *d, *name;
	size_t dl, nl;

	return split_bsd(line, len, &d, &dl, &name, &nl) == 0;
}

static int bsd_line(hs_input *in, void *state, const char *line, size_t len, uint64_t offset)
{
	const char *digest, *name;
	size_t digest_len, name_len;
	hashset_entry e;

	(void)state;
	hs_entry_init(&e);
	if (split_bsd(line, len, &digest, &digest_len, &name, &name_len) < 0 ||
	    hs_set_digest(&e, digest, digest_len) < 0) {
		hs_problem(in, in->line_no, offset, 1,
		           "not a BSD-style line (MD5, SHA1 or SHA256, then (name) = digest)");
		return 0;
	}
	return emit_named(in, &e, name, name_len, offset);
}

int hs_parse_bsd(hs_input *in)
{
	return line_loop(in, bsd_line, NULL);
}

/* ---------------------------------------------------------------- hashdeep */

#define HASHDEEP_MAX_COLUMNS 16

enum hashdeep_column { COL_IGNORED, COL_SIZE, COL_MD5, COL_SHA1, COL_SHA256, COL_FILENAME };

typedef struct hashdeep_state {
	int header_seen;                  /* %%%% HASHDEEP-1.0 */
	int n_columns;                    /* 0 until the column line */
	enum hashdeep_column columns[HASHDEEP_MAX_COLUMNS];
} hashdeep_state;

static enum hashdeep_column column_named(const char *s, size_t len)
{
	static const struct { const char *name; enum hashdeep_column col; } names[] = {
		{ "size", COL_SIZE }, { "md5", COL_MD5 }, { "sha1", COL_SHA1 },
		{ "sha256", COL_SHA256 }, { "filename", COL_FILENAME },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == len && !strncasecmp(s, names[i].name, len))
			return names[i].col;
	return COL_IGNORED; /* tiger, whirlpool, sha3: read, not kept */
}

/* The "%%%% size,md5,...,filename" line; the file name must come last. */
static int read_columns(hashdeep_state *st, const char *list, size_t len)
{
	size_t start = 0;

	st->n_columns = 0;
	while (start <= len && st->n_columns < HASHDEEP_MAX_COLUMNS) {
		const char *comma = memchr(list + start, ',', len - start);
		size_t end = comma ? (size_t)(comma - list) : len;

		st->columns[st->n_columns++] = column_named(list + start, end - start);
		if (!comma)
			break;
		start = end + 1;
	}
	if (st->n_columns < 2 || st->columns[st->n_columns - 1] != COL_FILENAME) {
		st->n_columns = 0;
		return -1;
	}
	return 0;
}

static int hashdeep_header(hs_input *in, hashdeep_state *st, const char *line, size_t len,
                           uint64_t offset)
{
	const char *rest = line + 5;
	size_t rest_len = len - 5;

	if (rest_len >= 9 && !strncmp(rest, "HASHDEEP-", 9)) {
		st->header_seen = 1;
		st->n_columns = 0;
		return 0;
	}
	if (!st->header_seen || read_columns(st, rest, rest_len) < 0)
		hs_problem(in, in->line_no, offset, 1,
		           "not a hashdeep header line (%%%%%%%% HASHDEEP-1.0, then the column list "
		           "ending in filename)");
	return 0;
}

static int parse_size(const char *s, size_t len, int64_t *size)
{
	int64_t v = 0;

	if (len == 0 || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*size = v;
	return 0;
}

/* One data line: every column but the last ends at a comma; the file name
 * is the rest of the line (hashdeep does not quote it). */
static int hashdeep_row(hs_input *in, hashdeep_state *st, const char *line, size_t len,
                        uint64_t offset)
{
	hashset_entry e;
	size_t start = 0;
	int c;

	hs_entry_init(&e);
	for (c = 0; c < st->n_columns - 1; c++) {
		const char *comma = memchr(line + start, ',', len - start);
		size_t end = comma ? (size_t)(comma - line) : len, n = end - start;
		const char *field = line + start;
		int bad = 0;

		if (!comma)
			break;
		switch (st->columns[c]) {
		case COL_SIZE: bad = parse_size(field, n, &e.size); break;
		case COL_MD5: bad = n != 2 * MD5_LEN || hs_set_digest(&e, field, n); break;
		case COL_SHA1: bad = n != 2 * SHA1_LEN || hs_set_digest(&e, field, n); break;
		case COL_SHA256: bad = n != 2 * SHA256_LEN || hs_set_digest(&e, field, n); break;
		default: break;
		}
		if (bad) {
			hs_problem(in, in->line_no, offset + start, 1,
			           "hashdeep column %d is not a valid %s", c + 1,
			           st->columns[c] == COL_SIZE ? "size" : "digest");
			return 0;
		}
		start = end + 1;
	}
	if (c < st->n_columns - 1 || !e.have) {
		hs_problem(in, in->line_no, offset, 1,
		           "hashdeep line has %s", c < st->n_columns - 1 ? "too few columns"
		           : "no MD5, SHA-1 or SHA-256 column");
		return 0;
	}
	return emit_named(in, &e, line + start, len - start, offset);
}

static int hashdeep_line(hs_input *in, void *state, const char *line, size_t len,
                         uint64_t offset)
{
	hashdeep_state *st = state;

	if (len >= 5 && !strncmp(line, "%%%% ", 5))
		return hashdeep_header(in, st, line, len, offset);
	if (len >= 2 && !strncmp(line, "##", 2))
		return 0; /* "## Invoked from", "## $ hashdeep ..." */
	if (!st->n_columns) {
		hs_problem(in, in->line_no, offset, 1,
		           "hashdeep data line before the %%%%%%%% column list");
		return 0;
	}
	return hashdeep_row(in, st, line, len, offset);
}

int hs_parse_hashdeep(hs_input *in)
{
	hashdeep_state st;

	memset(&st, 0, sizeof st);
	return line_loop(in, hashdeep_line, &st);
}

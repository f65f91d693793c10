/*
 * hashset_csv.c — hash sets as CSV with a header line that names the
 * columns: NSRL's legacy NSRLFile.txt ("SHA-1","MD5","CRC32","FileName",
 * "FileSize",...) and the exports of EnCase and iLook ("V4Hash,HashSHA1,
 * FileName,...").  Columns are found by name, so their order and any
 * extra columns do not matter.  Fields may be quoted ("" inside quotes is
 * a quote); a field cannot span lines.
 *
 * An empty hash field, or one reading 0 or NULL, means the row does not
 * state that digest; any other value must be a digest of the column's
 * length, or the row is rejected.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hashset_input.h"

#define CSV_MAX_FIELDS 256

typedef struct csv_field {
	const char *text;                 /* unquoted: into the line or the scratch */
	size_t len;
} csv_field;

typedef struct csv_row {
	csv_field fields[CSV_MAX_FIELDS];
	size_t n;
	char scratch[HASHSET_MAX_LINE + 1]; /* unquoted fields with "" in them */
	size_t scratch_len;
} csv_row;

/* split_csv — fields of one line.  RETURN: 0, or -1 with *bad_at set to
 * the offset in the line of what is malformed. */
static int split_csv(const char *line, size_t len, csv_row *row, size_t *bad_at)
{
	size_t i = 0;

	row->n = 0;
	row->scratch_len = 0;
	for (;;) {
		csv_field *f;

		if (row->n == CSV_MAX_FIELDS) {
			*bad_at = i;
			return -1;
		}
		f = &row->fields[row->n++];
		if (i < len && line[i] == '"') {
			size_t start = ++i;
			int doubled = 0;

			while (i < len && !(line[i] == '"' && (i + 1 == len || line[i + 1] != '"'))) {
				if (line[i] == '"') {
					doubled = 1;
					i++;
				}
				i++;
			}
			if (i >= len) {
				*bad_at = start - 1;
				return -1; /* unterminated quote */
			}
			f->text = line + start;
			f->len = i - start;
			if (doubled) {
				char *out = row->scratch + row->scratch_len;
				size_t n = 0;

				for (size_t k = start; k < i; k++) {
					out[n++] = line[k];
					if (line[k] == '"')
						k++;
				}
				f->text = out;
				f->len = n;
				row->scratch_len += n;
			}
			i++; /* the closing quote */
			if (i < len && line[i] != ',') {
				*bad_at = i;
				return -1;
			}
		} else {
			const char *comma = memchr(line + i, ',', len - i);
			size_t end = comma ? (size_t)(comma - line) : len;

			f->text = line + i;
			f->len = end - i;
			i = end;
		}
		if (i >= len)
			return 0;
		i++; /* the comma */
	}
}

enum csv_role { ROLE_NONE, ROLE_MD5, ROLE_SHA1, ROLE_SHA256, ROLE_NAME, ROLE_SIZE, ROLE_CATEGORY };

/* What a header names: letters and digits only, case ignored, so that
 * "SHA-1", "Hash SHA1" and "HashSHA1" are one name. */
static enum csv_role role_of(const char *name, size_t len)
{
	static const struct { const char *name; enum csv_role role; } roles[] = {
		{ "md5", ROLE_MD5 }, { "hashmd5", ROLE_MD5 }, { "md5hash", ROLE_MD5 },
		{ "md5sum", ROLE_MD5 }, { "v4hash", ROLE_MD5 }, /* iLook v4: its MD5 */
		{ "sha1", ROLE_SHA1 }, { "hashsha1", ROLE_SHA1 }, { "sha1hash", ROLE_SHA1 },
		{ "sha256", ROLE_SHA256 }, { "hashsha256", ROLE_SHA256 }, { "sha256hash", ROLE_SHA256 },
		{ "filename", ROLE_NAME }, { "name", ROLE_NAME },
		{ "filesize", ROLE_SIZE }, { "size", ROLE_SIZE }, { "logicalsize", ROLE_SIZE },
		{ "mediasize", ROLE_SIZE },
		{ "category", ROLE_CATEGORY },
	};
	char norm[32];
	size_t n = 0;

	for (size_t i = 0; i < len && n < sizeof norm - 1; i++) {
		char c = name[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			norm[n++] = c;
		else if (c >= 'A' && c <= 'Z')
			norm[n++] = (char)(c - 'A' + 'a');
	}
	norm[n] = '\0';
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (!strcmp(norm, roles[i].name))
			return roles[i].role;
	return ROLE_NONE;
}

typedef struct csv_state {
	csv_row row;
	enum csv_role roles[CSV_MAX_FIELDS];
	size_t n_columns;
	int header_done;
} csv_state;

/* header_roles — the role of each column; the number of hash columns. */
static int header_roles(const csv_row *row, enum csv_role *roles)
{
	int hashes = 0;

	for (size_t i = 0; i < row->n; i++) {
		roles[i] = role_of(row->fields[i].text, row->fields[i].len);
		hashes += roles[i] == ROLE_MD5 || roles[i] == ROLE_SHA1 || roles[i] == ROLE_SHA256;
	}
	return hashes;
}

static int is_nsrl_header(const csv_row *row)
{
	static const char *const first[] = { "SHA-1", "MD5", "CRC32", "FileName", "FileSize" };

	if (row->n < 5)
		return 0;
	for (size_t i = 0; i < 5; i++)
		if (strlen(first[i]) != row->fields[i].len ||
		    strncasecmp(first[i], row->fields[i].text, row->fields[i].len))
			return 0;
	return 1;
}

hashset_format hs_csv_header_kind(const char *line, size_t len)
{
	csv_state *st = malloc(sizeof *st);
	hashset_format kind = HASHSET_AUTO;
	size_t bad_at;

	if (!st || len > HASHSET_MAX_LINE || !memchr(line, ',', len)) {
		free(st);
		return HASHSET_AUTO;
	}
	if (split_csv(line, len, &st->row, &bad_at) == 0 && header_roles(&st->row, st->roles) > 0)
		kind = is_nsrl_header(&st->row) ? HASHSET_NSRL_LEGACY : HASHSET_CSV;
	free(st);
	return kind;
}

static int absent_value(const csv_field *f)
{
	return f->len == 0 || (f->len == 1 && f->text[0] == '0') ||
	       (f->len == 4 && !strncasecmp(f->text, "NULL", 4));
}

static int take_digest(hashset_entry *e, enum csv_role role, const csv_field *f)
{
	size_t want = role == ROLE_MD5 ? 2 * MD5_LEN : role == ROLE_SHA1 ? 2 * SHA1_LEN
	            : 2 * SHA256_LEN;

	if (absent_value(f))
		return 0;
	return f->len == want ? hs_set_digest(e, f->text, f->len) : -1;
}

static void take_size(hashset_entry *e, const csv_field *f)
{
	int64_t v = 0;

	if (f->len == 0 || f->len > 18)
		return;
	for (size_t i = 0; i < f->len; i++) {
		if (f->text[i] < '0' || f->text[i] > '9')
			return;
		v = v * 10 + (f->text[i] - '0');
	}
	e->size = v;
}

static const char *role_name(enum csv_role role)
{
	return role == ROLE_MD5 ? "MD5" : role == ROLE_SHA1 ? "SHA-1" : "SHA-256";
}

static int csv_data_row(hs_input *in, csv_state *st, uint64_t offset)
{
	hashset_entry e;
	char *name = NULL, *category = NULL;
	int rc;

	hs_entry_init(&e);
	for (size_t i = 0; i < st->row.n && i < st->n_columns; i++) {
		const csv_field *f = &st->row.fields[i];

		switch (st->roles[i]) {
		case ROLE_MD5:
		case ROLE_SHA1:
		case ROLE_SHA256:
			if (take_digest(&e, st->roles[i], f) < 0) {
				hs_problem(in, in->line_no, offset, 1, "column %zu is not a valid %s digest",
				           i + 1, role_name(st->roles[i]));
				free(name);
				free(category);
				return 0;
			}
			break;
		case ROLE_SIZE:
			take_size(&e, f);
			break;
		case ROLE_NAME:
			if (!name && !absent_value(f))
				name = strndup(f->text, f->len);
			break;
		case ROLE_CATEGORY:
			if (!category && f->len)
				category = strndup(f->text, f->len);
			break;
		default:
			break;
		}
	}
	if (!e.have) {
		hs_problem(in, in->line_no, offset, 1, "row has no MD5, SHA-1 or SHA-256 digest");
		rc = 0;
	} else {
		e.name = name;
		e.category = category;
		rc = hs_emit(in, &e, in->line_no, offset);
	}
	free(name);
	free(category);
	return rc;
}

static int csv_line(hs_input *in, csv_state *st, hashset_format expected, const char *line,
                    size_t len, uint64_t offset)
{
	size_t bad_at = 0;

	if (split_csv(line, len, &st->row, &bad_at) < 0) {
		if (!st->header_done)
			return exhibit_error_set(in->err, EXHIBIT_ERR_FORMAT, (int64_t)offset,
			                         "%s: line 1: the CSV header is malformed", in->name);
		hs_problem(in, in->line_no, offset + bad_at, 1,
		           "malformed CSV (a quote not closed, or text after a closing quote)");
		return 0;
	}
	if (st->header_done)
		return csv_data_row(in, st, offset);
	st->header_done = 1;
	st->n_columns = st->row.n;
	if (header_roles(&st->row, st->roles) == 0 ||
	    (expected == HASHSET_NSRL_LEGACY && !is_nsrl_header(&st->row)))
		return exhibit_error_set(in->err, EXHIBIT_ERR_FORMAT, (int64_t)offset,
		                         "%s: line %llu: not a %s header (no MD5, SHA-1 or SHA-256 column)",
		                         in->name, (unsigned long long)in->line_no,
		                         expected == HASHSET_NSRL_LEGACY ? "NSRLFile.txt" : "hash-set CSV");
	return 0;
}

int hs_parse_csv(hs_input *in, hashset_format expected)
{
	csv_state *st = calloc(1, sizeof *st);
	const char *line;
	size_t len;
	uint64_t offset;
	int too_long, rc;

	if (!st)
		return exhibit_error_set(in->err, EXHIBIT_ERR, -1, "out of memory");
	while ((rc = hs_next_line(in, &line, &len, &offset, &too_long)) == 1) {
		if (too_long) {
			if (!st->header_done) {
				rc = exhibit_error_set(in->err, EXHIBIT_ERR_FORMAT, (int64_t)offset,
				                       "%s: the CSV header line is too long", in->name);
				break;
			}
			hs_problem(in, in->line_no, offset, 1, "line longer than %u bytes",
			           HASHSET_MAX_LINE);
			continue;
		}
		if (len == 0)
			continue;
		if ((rc = csv_line(in, st, expected, line, len, offset)) != 0)
			break;
	}
	if (rc == 0 && !st->header_done)
		rc = exhibit_error_set(in->err, EXHIBIT_ERR_FORMAT, 0,
		                       "%s: empty: no CSV header", in->name);
	free(st);
	return rc;
}

/*
 * sqlite_schema.c — see sqlite_schema.h.
 */
#include "sqlite_schema.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exhibit/plugin.h"
#include "sqlite_btree.h"

/* ---------------------------------------------------------------- tokens */

typedef enum token_kind {
	TK_END = 0,
	TK_ID,      /* bare or quoted with "", [] or `` */
	TK_STRING,  /* '...' */
	TK_NUMBER,
	TK_BLOB,    /* x'...' */
	TK_LP,
	TK_RP,
	TK_COMMA,
	TK_OTHER
} token_kind;

typedef struct token {
	token_kind kind;
	const char *p;  /* as written, quotes included */
	size_t n;
	bool quoted;
} token;

typedef struct lexer {
	const char *p, *end;
} lexer;

static bool id_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool id_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static void skip_space_and_comments(lexer *lx)
{
	while (lx->p < lx->end) {
		if (isspace((unsigned char)*lx->p)) {
			lx->p++;
		} else if (lx->end - lx->p >= 2 && lx->p[0] == '-' && lx->p[1] == '-') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (lx->end - lx->p >= 2 && lx->p[0] == '/' && lx->p[1] == '*') {
			lx->p += 2;
			while (lx->end - lx->p >= 2 && !(lx->p[0] == '*' && lx->p[1] == '/'))
				lx->p++;
			lx->p = lx->end - lx->p >= 2 ? lx->p + 2 : lx->end;
		} else {
			return;
		}
	}
}

/* Scan a quoted run closed by `close`, where a doubled close escapes it. */
static const char *scan_quoted(const char *p, const char *end, char close)
{
	for (p++; p < end; p++) {
		if (*p != close)
			continue;
		if (close != ']' && p + 1 < end && p[1] == close) {
			p++;
			continue;
		}
		return p + 1;
	}
	return NULL; /* unterminated */
}

static token next_token(lexer *lx)
{
	token t = { TK_END, NULL, 0, false };
	const char *p, *q;
	unsigned char c;

	skip_space_and_comments(lx);
	if (lx->p >= lx->end)
		return t;
	p = q = lx->p;
	c = (unsigned char)*p;
	t.p = p;
	if ((c == 'x' || c == 'X') && p + 1 < lx->end && p[1] == '\'') {
		q = scan_quoted(p + 1, lx->end, '\'');
		t.kind = TK_BLOB;
	} else if (c == '"' || c == '`' || c == '[') {
		q = scan_quoted(p, lx->end, c == '[' ? ']' : (char)c);
		t.kind = TK_ID;
		t.quoted = true;
	} else if (c == '\'') {
		q = scan_quoted(p, lx->end, '\'');
		t.kind = TK_STRING;
	} else if (id_start(c)) {
		while (q < lx->end && id_char((unsigned char)*q))
			q++;
		t.kind = TK_ID;
	} else if (isdigit(c) || (c == '.' && p + 1 < lx->end && isdigit((unsigned char)p[1]))) {
		while (q < lx->end && (isalnum((unsigned char)*q) || *q == '.' ||
		                       ((*q == '+' || *q == '-') && (q[-1] == 'e' || q[-1] == 'E'))))
			q++;
		t.kind = TK_NUMBER;
	} else {
		q = p + 1;
		t.kind = c == '(' ? TK_LP : c == ')' ? TK_RP : c == ',' ? TK_COMMA : TK_OTHER;
	}
	if (!q) { /* an unterminated quote swallows the rest */
		q = lx->end;
		t.kind = TK_END;
	}
	t.n = (size_t)(q - p);
	lx->p = q;
	return t;
}

static bool is_word(const token *t, const char *word)
{
	return t->kind == TK_ID && !t->quoted && strlen(word) == t->n &&
	       strncasecmp(t->p, word, t->n) == 0;
}

/* The name a token stands for, unquoted, malloc'd. */
static char *token_name(const token *t)
{
	char *out = malloc(t->n + 1), close;
	size_t i, o = 0;

	if (!out)
		return NULL;
	if (!t->quoted && t->kind != TK_STRING) {
		memcpy(out, t->p, t->n);
		out[t->n] = '\0';
		return out;
	}
	close = t->p[0] == '[' ? ']' : t->p[0];
	for (i = 1; i + 1 < t->n; i++) {
		out[o++] = t->p[i];
		if (t->p[i] == close && close != ']' && i + 2 < t->n && t->p[i + 1] == close)
			i++;
	}
	out[o] = '\0';
	return out;
}

/* ---------------------------------------------------------------- affinity */

static bool contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return true;
	return false;
}

sqlite_affinity sqlite_type_affinity(const char *type)
{
	if (contains_ci(type, "INT"))
		return SQLITE_AFF_INTEGER;
	if (contains_ci(type, "CHAR") || contains_ci(type, "CLOB") ||
	    contains_ci(type, "TEXT"))
		return SQLITE_AFF_TEXT;
	if (!*type || contains_ci(type, "BLOB"))
		return SQLITE_AFF_BLOB;
	if (contains_ci(type, "REAL") || contains_ci(type, "FLOA") ||
	    contains_ci(type, "DOUB"))
		return SQLITE_AFF_REAL;
	return SQLITE_AFF_NUMERIC;
}

/* ---------------------------------------------------------------- columns */

/* Words that end a column's type and start its constraints. */
static bool starts_constraint(const token *t)
{
	static const char *const words[] = {
		"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT",
		"COLLATE", "REFERENCES", "GENERATED", "AS", NULL
	};
	size_t i;

	for (i = 0; words[i]; i++)
		if (is_word(t, words[i]))
			return true;
	return false;
}

static bool starts_table_constraint(const token *t)
{
	return is_word(t, "CONSTRAINT") || is_word(t, "PRIMARY") ||
	       is_word(t, "UNIQUE") || is_word(t, "CHECK") || is_word(t, "FOREIGN");
}

/* One comma-separated element of the column list: its tokens. */
typedef struct element {
	token *t;
	size_t n, cap;
} element;

static int element_push(element *e, const token *t)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		token *grown = realloc(e->t, cap * sizeof *grown);

		if (!grown)
			return -1;
		e->t = grown;
		e->cap = cap;
	}
	e->t[e->n++] = *t;
	return 0;
}

/* Index just past the parenthesised group opening at i. */
static size_t skip_group(const element *e, size_t i)
{
	int depth = 0;

	for (; i < e->n; i++) {
		if (e->t[i].kind == TK_LP)
			depth++;
		else if (e->t[i].kind == TK_RP && --depth == 0)
			return i + 1;
	}
	return e->n;
}

/* The declared type: tokens up to the first constraint word. */
static char *declared_type(const element *e, size_t *i)
{
	size_t start = *i, len = 0, k;
	char *out;

	while (*i < e->n && !starts_constraint(&e->t[*i]) && e->t[*i].kind != TK_COMMA) {
		if (e->t[*i].kind == TK_LP)
			*i = skip_group(e, *i);
		else
			(*i)++;
	}
	for (k = start; k < *i; k++)
		len += e->t[k].n + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	len = 0;
	for (k = start; k < *i; k++) {
		bool glue = k == start || e->t[k].kind == TK_LP || e->t[k].kind == TK_RP ||
		            e->t[k].kind == TK_COMMA || e->t[k - 1].kind == TK_LP ||
		            e->t[k - 1].kind == TK_COMMA;

		if (!glue)
			out[len++] = ' ';
		memcpy(out + len, e->t[k].p, e->t[k].n);
		len += e->t[k].n;
	}
	out[len] = '\0';
	return out;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A literal DEFAULT at e->t[i] (a sign may precede a number). */
static int read_default(sqlite_column *col, const element *e, size_t i)
{
	const token *t;
	bool negative = false;
	char buf[64];

	if (i < e->n && e->t[i].kind == TK_OTHER && e->t[i].n == 1 &&
	    (e->t[i].p[0] == '-' || e->t[i].p[0] == '+')) {
		negative = e->t[i].p[0] == '-';
		i++;
	}
	if (i >= e->n)
		return 0;
	t = &e->t[i];
	if (t->kind == TK_NUMBER && t->n < sizeof buf) {
		char *end;
		long long v;

		memcpy(buf, t->p, t->n);
		buf[t->n] = '\0';
		v = strtoll(buf, &end, 0);
		col->has_default = true;
		if (*end == '\0' && !(v == LLONG_MAX && strcmp(buf, "9223372036854775807"))) {
			col->default_kind = SQLITE_VALUE_INT;
			col->default_i = negative ? -(int64_t)v : (int64_t)v;
		} else {
			col->default_kind = SQLITE_VALUE_REAL;
			col->default_r = strtod(buf, NULL) * (negative ? -1 : 1);
		}
	} else if (t->kind == TK_STRING) {
		col->default_bytes = token_name(t);
		if (!col->default_bytes)
			return -1;
		col->default_len = strlen(col->default_bytes);
		col->default_kind = SQLITE_VALUE_TEXT;
		col->has_default = true;
	} else if (t->kind == TK_BLOB && t->n >= 3) {
		size_t digits = t->n - 3, k;

		if (digits % 2)
			return 0;
		col->default_bytes = malloc(digits / 2 + 1);
		if (!col->default_bytes)
			return -1;
		for (k = 0; k < digits / 2; k++) {
			int hi = hex_value(t->p[2 + 2 * k]), lo = hex_value(t->p[3 + 2 * k]);

			if (hi < 0 || lo < 0)
				return 0;
			col->default_bytes[k] = (char)(hi << 4 | lo);
		}
		col->default_len = digits / 2;
		col->default_kind = SQLITE_VALUE_BLOB;
		col->has_default = true;
	} else if (is_word(t, "TRUE") || is_word(t, "FALSE")) {
		col->default_kind = SQLITE_VALUE_INT;
		col->default_i = is_word(t, "TRUE");
		col->has_default = true;
	} else if (is_word(t, "NULL")) {
		col->default_kind = SQLITE_VALUE_NULL;
		col->has_default = true;
	}
	return 0; /* expressions and CURRENT_* are not literal: no default */
}

typedef struct column_pk {
	bool primary;
	bool descending;
} column_pk;

/* The constraints of one column, from e->t[i] on. */
static int read_constraints(sqlite_column *col, column_pk *pk, const element *e,
                            size_t i)
{
	while (i < e->n) {
		const token *t = &e->t[i];

		if (is_word(t, "PRIMARY") && i + 1 < e->n && is_word(&e->t[i + 1], "KEY")) {
			pk->primary = true;
			pk->descending = i + 2 < e->n && is_word(&e->t[i + 2], "DESC");
			i += 2;
		} else if (is_word(t, "NOT") && i + 1 < e->n && is_word(&e->t[i + 1], "NULL")) {
			col->not_null = true;
			i += 2;
		} else if (is_word(t, "DEFAULT")) {
			if (read_default(col, e, i + 1) < 0)
				return -1;
			i++;
		} else if (is_word(t, "AS")) {
			i = i + 1 < e->n && e->t[i + 1].kind == TK_LP ? skip_group(e, i + 1) : i + 1;
			col->virtual_generated = !(i < e->n && is_word(&e->t[i], "STORED"));
		} else if (t->kind == TK_LP) {
			i = skip_group(e, i);
		} else {
			i++;
		}
	}
	return 0;
}

/* A table being laid out: its columns grow with their key flags. */
typedef struct layout {
	sqlite_table *table;
	column_pk *pks;
	size_t cap;
} layout;

static int grow_layout(layout *l)
{
	size_t cap = l->cap ? l->cap * 2 : 16;
	sqlite_column *columns = realloc(l->table->columns, cap * sizeof *columns);
	column_pk *pks;

	if (!columns)
		return -1;
	l->table->columns = columns;
	pks = realloc(l->pks, cap * sizeof *pks);
	if (!pks)
		return -1;
	l->pks = pks;
	l->cap = cap;
	return 0;
}

static int read_column(layout *l, const element *e)
{
	sqlite_table *table = l->table;
	sqlite_column *col;
	column_pk *pk;
	size_t i = 1;

	if (table->n_columns == l->cap && grow_layout(l) < 0)
		return -1;
	col = &table->columns[table->n_columns];
	pk = &l->pks[table->n_columns];
	memset(col, 0, sizeof *col);
	memset(pk, 0, sizeof *pk);
	if (e->t[0].kind != TK_ID && e->t[0].kind != TK_STRING)
		return 1;
	col->name = token_name(&e->t[0]);
	col->type = col->name ? declared_type(e, &i) : NULL;
	table->n_columns++; /* owned from here on, freed with the table */
	if (!col->type)
		return -1;
	col->affinity = sqlite_type_affinity(col->type);
	return read_constraints(col, pk, e, i);
}

/* A table constraint PRIMARY KEY(x): the single column's name, or NULL. */
static char *table_pk_column(const element *e)
{
	size_t i, open = 0, names = 0;

	for (i = 0; i + 2 < e->n; i++)
		if (is_word(&e->t[i], "PRIMARY") && is_word(&e->t[i + 1], "KEY") &&
		    e->t[i + 2].kind == TK_LP) {
			open = i + 3;
			break;
		}
	if (!open)
		return NULL;
	for (i = open; i < e->n && e->t[i].kind != TK_RP; i++)
		if (e->t[i].kind == TK_COMMA)
			names++;
	if (names > 0 || open >= e->n ||
	    (e->t[open].kind != TK_ID && e->t[open].kind != TK_STRING))
		return NULL;
	return token_name(&e->t[open]);
}

static void mark_rowid_alias(sqlite_table *table, const column_pk *pks,
                             const char *table_pk)
{
	size_t i, primaries = 0;

	for (i = 0; i < table->n_columns; i++)
		primaries += pks[i].primary;
	for (i = 0; i < table->n_columns; i++) {
		sqlite_column *c = &table->columns[i];
		bool primary = table_pk ? strcasecmp(table_pk, c->name) == 0
		                        : pks[i].primary && !pks[i].descending;

		if (primary && primaries + (table_pk != NULL) == 1 &&
		    strcasecmp(c->type, "INTEGER") == 0)
			c->rowid_alias = true;
	}
}

static int layout_stored(sqlite_table *table)
{
	size_t i;

	table->stored = malloc((table->n_columns ? table->n_columns : 1) *
	                       sizeof *table->stored);
	if (!table->stored)
		return -1;
	for (i = 0; i < table->n_columns; i++)
		if (!table->columns[i].virtual_generated)
			table->stored[table->n_stored++] = i;
	return 0;
}

/* Read "CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name (". */
static int read_preamble(lexer *lx, exhibit_error *err)
{
	token t = next_token(lx);

	if (!is_word(&t, "CREATE"))
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0, "not a CREATE statement");
	t = next_token(lx);
	if (is_word(&t, "TEMP") || is_word(&t, "TEMPORARY"))
		t = next_token(lx);
	if (is_word(&t, "VIRTUAL"))
		return 1;
	if (!is_word(&t, "TABLE"))
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0, "not a CREATE TABLE statement");
	while ((t = next_token(lx)).kind != TK_LP)
		if (t.kind == TK_END || is_word(&t, "AS"))
			return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
			                         "CREATE TABLE without a column list");
	return 0;
}

/* Split the column list into elements and lay each one out. */
static int read_elements(lexer *lx, layout *l, char **table_pk,
                         exhibit_error *err)
{
	sqlite_table *table = l->table;
	element e = { NULL, 0, 0 };
	int depth = 0, rc = 0;

	for (;;) {
		token t = next_token(lx);

		if (t.kind == TK_END) {
			rc = exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
			                       "CREATE TABLE column list is not closed");
			break;
		}
		if ((t.kind == TK_COMMA || t.kind == TK_RP) && depth == 0) {
			if (e.n == 0) {
				rc = exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
				                       "empty element in a column list");
				break;
			}
			if (starts_table_constraint(&e.t[0])) {
				if (!*table_pk)
					*table_pk = table_pk_column(&e);
			} else if (table->n_columns >= SQLITE_RECORD_MAX_COLUMNS) {
				rc = exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
				                       "more than %d columns", SQLITE_RECORD_MAX_COLUMNS);
				break;
			} else if ((rc = read_column(l, &e)) != 0) {
				if (rc > 0)
					rc = exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
					                       "column %zu has no name", table->n_columns + 1);
				break;
			}
			e.n = 0;
			if (t.kind == TK_RP)
				break;
			continue;
		}
		depth += t.kind == TK_LP ? 1 : t.kind == TK_RP ? -1 : 0;
		if (element_push(&e, &t) < 0) {
			rc = -1;
			break;
		}
	}
	free(e.t);
	return rc;
}

int sqlite_table_parse(const char *sql, size_t len, sqlite_table *table,
                       exhibit_error *err)
{
	lexer lx = { sql, sql + len };
	layout l = { table, NULL, 0 };
	char *table_pk = NULL;
	token t;
	int rc;

	memset(table, 0, sizeof *table);
	rc = read_preamble(&lx, err);
	if (rc != 0)
		return rc;
	rc = read_elements(&lx, &l, &table_pk, err);
	if (rc == 0) {
		t = next_token(&lx);
		while (t.kind != TK_END && !is_word(&t, "WITHOUT"))
			t = next_token(&lx);
		if (is_word(&t, "WITHOUT"))
			rc = 1;
	}
	if (rc == 0 && table->n_columns == 0)
		rc = exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0, "a table without columns");
	if (rc == 0) {
		mark_rowid_alias(table, l.pks, table_pk);
		if (layout_stored(table) < 0)
			rc = exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	}
	if (rc == -1 && err && !err->code)
		exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	free(table_pk);
	free(l.pks);
	if (rc != 0)
		sqlite_table_free(table);
	return rc;
}

void sqlite_table_free(sqlite_table *table)
{
	size_t i;

	if (!table)
		return;
	for (i = 0; i < table->n_columns; i++) {
		free(table->columns[i].name);
		free(table->columns[i].type);
		free(table->columns[i].default_bytes);
	}
	free(table->columns);
	free(table->stored);
	free(table->name);
	memset(table, 0, sizeof *table);
}

/* ---------------------------------------------------------------- sqlite_schema */

static const char schema_table_sql[] =
	"CREATE TABLE sqlite_schema(type text, name text, tbl_name text,"
	" rootpage integer, sql text)";

typedef struct schema_reader {
	sqlite_db *db;
	sqlite_schema *schema;
	size_t cap_tables, cap_roots;
	int oom;
} schema_reader;

static int add_root(schema_reader *r, uint32_t root)
{
	sqlite_schema *s = r->schema;

	if (s->n_other_roots == r->cap_roots) {
		size_t cap = r->cap_roots ? r->cap_roots * 2 : 16;
		uint32_t *grown = realloc(s->other_roots, cap * sizeof *grown);

		if (!grown)
			return -1;
		s->other_roots = grown;
		r->cap_roots = cap;
	}
	s->other_roots[s->n_other_roots++] = root;
	return 0;
}

static bool has_table(const sqlite_schema *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_tables; i++)
		if (strcasecmp(s->tables[i].name, name) == 0)
			return true;
	return false;
}

/* Take a parsed table into the schema (ownership moves). */
static int add_table(schema_reader *r, sqlite_table *t)
{
	sqlite_schema *s = r->schema;

	if (s->n_tables == r->cap_tables) {
		size_t cap = r->cap_tables ? r->cap_tables * 2 : 16;
		sqlite_table *grown = realloc(s->tables, cap * sizeof *grown);

		if (!grown)
			return -1;
		s->tables = grown;
		r->cap_tables = cap;
	}
	t->internal = strncasecmp(t->name, "sqlite_", 7) == 0;
	s->tables[s->n_tables++] = *t;
	return 0;
}

/* A TEXT value of a schema row as UTF-8 (NULL when not text or OOM). */
static char *schema_text(const sqlite_db *db, const sqlite_value *v, size_t *len)
{
	if (v->kind != SQLITE_VALUE_TEXT)
		return NULL;
	return sqlite_text_to_utf8(v->bytes, v->len, sqlite_db_encoding(db), len);
}

static int read_schema_table(schema_reader *r, const sqlite_page *page,
                             const sqlite_cell *cell, const char *name,
                             uint32_t root, const sqlite_value *sql_value)
{
	exhibit_error why;
	sqlite_table t;
	size_t len;
	char *sql = schema_text(r->db, sql_value, &len);
	int rc;

	if (!sql)
		return add_root(r, root);
	exhibit_error_clear(&why);
	rc = sqlite_table_parse(sql, len, &t, &why);
	free(sql);
	if (rc == EXHIBIT_ERR)
		return -1;
	if (rc == 0 && has_table(r->schema, name)) {
		sqlite_problem_add(sqlite_db_problems(r->db), page->file,
		                   (int64_t)(page->offset + cell->offset),
		                   "table \"%.60s\" is declared twice; the first is kept", name);
		sqlite_table_free(&t);
		return add_root(r, root);
	}
	if (rc != 0) {
		if (rc < 0)
			sqlite_problem_add(sqlite_db_problems(r->db), page->file,
			                   (int64_t)(page->offset + cell->offset),
			                   "table \"%.60s\": %s", name, why.message);
		return add_root(r, root);
	}
	t.name = strdup(name);
	t.root = root;
	if (!t.name || add_table(r, &t) < 0) {
		sqlite_table_free(&t);
		return -1;
	}
	return 0;
}

static int schema_row(void *arg, const sqlite_page *page, const sqlite_cell *cell)
{
	schema_reader *r = arg;
	sqlite_value v[5];
	char *type = NULL, *name = NULL;
	size_t len;
	int n = sqlite_record_decode(cell->payload, (size_t)cell->payload_len, v, 5);
	int rc = 0;

	if (n != 5 || v[3].kind != SQLITE_VALUE_INT) {
		sqlite_problem_add(sqlite_db_problems(r->db), page->file,
		                   (int64_t)(page->offset + cell->offset),
		                   "sqlite_schema row is not (type, name, tbl_name, rootpage, sql)");
		return 0;
	}
	type = schema_text(r->db, &v[0], &len);
	name = schema_text(r->db, &v[1], &len);
	if (type && name && v[3].i > 0 && v[3].i <= UINT32_MAX) {
		if (strcmp(type, "table") == 0)
			rc = read_schema_table(r, page, cell, name, (uint32_t)v[3].i, &v[4]);
		else
			rc = add_root(r, (uint32_t)v[3].i);
	}
	free(type);
	free(name);
	if (rc < 0)
		r->oom = 1;
	return rc < 0 ? -1 : 0;
}

int sqlite_schema_read(sqlite_db *db, sqlite_schema *schema, exhibit_error *err)
{
	schema_reader r = { db, schema, 0, 0, 0 };
	sqlite_btree_visitor visitor = { NULL, schema_row, NULL, &r };
	uint8_t *seen = calloc((size_t)sqlite_db_page_count(db) / 8 + 1, 1);
	sqlite_table self;

	memset(schema, 0, sizeof *schema);
	if (!seen)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	if (sqlite_table_parse(schema_table_sql, sizeof schema_table_sql - 1, &self,
	                       err) != 0 ||
	    !(self.name = strdup("sqlite_schema")) || add_table(&r, &self) < 0) {
		sqlite_table_free(&self);
		free(seen);
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	}
	schema->tables[0].root = 1;
	sqlite_btree_walk(db, 1, seen, &visitor);
	free(seen);
	if (r.oom) {
		sqlite_schema_free(schema);
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	}
	return 0;
}

void sqlite_schema_free(sqlite_schema *schema)
{
	size_t i;

	if (!schema)
		return;
	for (i = 0; i < schema->n_tables; i++)
		sqlite_table_free(&schema->tables[i]);
	free(schema->tables);
	free(schema->other_roots);
	memset(schema, 0, sizeof *schema);
}

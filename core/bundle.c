/*
 * bundle.c — see bundle.h.
 */
#include "bundle.h"

#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int bundle_apply(casedb *db, write_op *op, exhibit_error *err);

static void bundle_destroy(write_op *op)
{
	bundle_free((bundle *)op);
}

bundle *bundle_new(const walk_entry *e)
{
	bundle *b = calloc(1, sizeof *b);

	if (!b)
		return NULL;
	b->op.apply = bundle_apply;
	b->op.destroy = bundle_destroy;
	b->entry = *e;
	b->entry.path = dup_or_null(e->path);
	b->entry.name = dup_or_null(e->name);
	b->entry.attr_name = dup_or_null(e->attr_name);
	b->entry.local_path = dup_or_null(e->local_path);
	b->entry.runs = NULL;
	if (e->n_runs) {
		walk_run *runs = malloc(e->n_runs * sizeof *runs);
		if (runs)
			memcpy(runs, e->runs, e->n_runs * sizeof *runs);
		b->entry.runs = runs;
		b->entry.n_runs = runs ? e->n_runs : 0;
	}
	b->row.entry = &b->entry;
	b->row.walk_seq = -1;
	b->errors_tail = &b->errors;
	b->records_tail = &b->records;
	b->children_tail = &b->children;
	if (!b->entry.path || !b->entry.name) {
		bundle_free(b);
		return NULL;
	}
	return b;
}

static void free_record(bundle_record *r)
{
	for (size_t i = 0; i < r->n_fields; i++) {
		free((char *)r->fields[i].name);
		free((char *)r->fields[i].text);
		free((void *)r->fields[i].blob);
	}
	free(r->fields);
	free(r->table);
	free(r);
}

void bundle_free(bundle *b)
{
	if (!b)
		return;
	bundle_free(b->wal);
	bundle_free(b->journal);
	while (b->errors) {
		bundle_error *e = b->errors;
		b->errors = e->next;
		free(e->plugin);
		free(e->message);
		free(e);
	}
	while (b->records) {
		bundle_record *r = b->records;
		b->records = r->next;
		free_record(r);
	}
	while (b->analyses) {
		bundle_analysis *a = b->analyses;
		b->analyses = a->next;
		free(a->plugin);
		free(a);
	}
	while (b->labels) {
		bundle_label *l = b->labels;
		b->labels = l->next;
		free(l->plugin);
		free(l->label);
		free(l);
	}
	while (b->hash_hits) {
		bundle_hash_hit *h = b->hash_hits;
		b->hash_hits = h->next;
		free(h->category);
		free(h);
	}
	while (b->children) {
		bundle *c = b->children;
		b->children = c->next_sibling;
		bundle_free(c);
	}
	if (b->carved) {
		free(b->carved->carver);
		free(b->carved);
	}
	free((char *)b->entry.path);
	free((char *)b->entry.name);
	free((char *)b->entry.attr_name);
	free((char *)b->entry.local_path);
	free((void *)b->entry.runs);
	free((char *)b->row.mime_type);
	free((char *)b->row.stored);
	free(b);
}

void bundle_add_error(bundle *b, const char *plugin, int64_t offset, const char *message)
{
	bundle_error *e = calloc(1, sizeof *e);

	if (!e)
		return;
	e->plugin = dup_or_null(plugin);
	e->offset = offset;
	e->message = strdup(message ? message : "unknown error");
	*b->errors_tail = e;
	b->errors_tail = &e->next;
}

static int copy_field(exhibit_field *dst, const exhibit_field *src)
{
	*dst = *src;
	dst->name = strdup(src->name);
	dst->text = NULL;
	dst->blob = NULL;
	if (src->type == EXHIBIT_TEXT && src->text && !(dst->text = strdup(src->text)))
		return -1;
	if (src->type == EXHIBIT_BLOB && src->blob_len) {
		void *copy = malloc(src->blob_len);
		if (!copy)
			return -1;
		memcpy(copy, src->blob, src->blob_len);
		dst->blob = copy;
	}
	return dst->name ? 0 : -1;
}

int bundle_add_record(bundle *b, const char *table, const exhibit_field *fields, size_t n)
{
	bundle_record *r = calloc(1, sizeof *r);

	if (!r)
		return -1;
	r->table = strdup(table);
	r->fields = calloc(n ? n : 1, sizeof *r->fields);
	if (!r->table || !r->fields) {
		free_record(r);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		r->n_fields = i + 1;
		if (copy_field(&r->fields[i], &fields[i]) < 0) {
			free_record(r);
			return -1;
		}
	}
	*b->records_tail = r;
	b->records_tail = &r->next;
	return 0;
}

bundle_mark bundle_mark_records(bundle *b)
{
	return b->records_tail;
}

void bundle_drop_records_since(bundle *b, bundle_mark mark)
{
	bundle_record *r = *mark;

	*mark = NULL;
	b->records_tail = mark;
	while (r) {
		bundle_record *next = r->next;
		free_record(r);
		r = next;
	}
}

void bundle_add_analysis(bundle *b, const char *plugin, const char *status)
{
	bundle_analysis *a = calloc(1, sizeof *a);

	if (!a)
		return;
	a->plugin = strdup(plugin);
	a->status = status;
	a->next = b->analyses;
	b->analyses = a;
}

void bundle_add_label(bundle *b, const char *plugin, const char *label)
{
	bundle_label *l = calloc(1, sizeof *l);

	if (!l)
		return;
	l->plugin = strdup(plugin);
	l->label = strdup(label);
	if (!l->plugin || !l->label) {
		free(l->plugin);
		free(l->label);
		free(l);
		return;
	}
	l->next = b->labels;
	b->labels = l;
}

void bundle_add_hash_hit(bundle *b, int64_t set_id, const char *algorithm, const char *category)
{
	bundle_hash_hit *h = calloc(1, sizeof *h);

	if (!h)
		return;
	h->set_id = set_id;
	h->algorithm = algorithm;
	h->category = dup_or_null(category);
	h->next = b->hash_hits;
	b->hash_hits = h;
}

void bundle_add_child(bundle *b, bundle *child)
{
	*b->children_tail = child;
	b->children_tail = &child->next_sibling;
}

int bundle_set_carved(bundle *b, const carved_row *c)
{
	bundle_carved *bc = calloc(1, sizeof *bc);

	if (!bc || !(bc->carver = strdup(c->carver))) {
		free(bc);
		return -1;
	}
	bc->row = *c;
	bc->row.carver = bc->carver;
	b->carved = bc;
	return 0;
}

/* Order matters: the file (and its content row) first, then what refers
 * to them, then the children, which refer to this file as their parent. */
static int bundle_apply(casedb *db, write_op *op, exhibit_error *err)
{
	bundle *b = (bundle *)op;
	int rc = casedb_insert_file(db, &b->row, err);

	if (rc == 0 && b->carved)
		rc = casedb_insert_carved(db, b->row.id, b->row.evidence_id, &b->carved->row, err);
	if (rc < 0)
		return rc;
	for (bundle_error *e = b->errors; e && rc == 0; e = e->next)
		rc = casedb_insert_error(db, b->row.evidence_id, b->row.id, e->plugin,
		                         e->offset, e->message, err);
	if (b->row.has_digests) {
		for (bundle_analysis *a = b->analyses; a && rc == 0; a = a->next)
			rc = casedb_insert_analysis(db, b->row.d.sha256, a->plugin, a->status, err);
		for (bundle_record *r = b->records; r && rc == 0; r = r->next)
			rc = casedb_insert_record(db, r->table, b->row.d.sha256, r->fields,
			                          r->n_fields, err);
		for (bundle_hash_hit *h = b->hash_hits; h && rc == 0; h = h->next)
			rc = casedb_insert_hash_hit(db, b->row.d.sha256, h->set_id, h->algorithm,
			                            h->category, err);
	}
	for (bundle_label *l = b->labels; l && rc == 0; l = l->next)
		rc = casedb_insert_place_label(db, b->row.id, l->plugin, l->label, err);
	for (bundle *c = b->children; c && rc == 0; c = c->next_sibling)
		rc = bundle_apply(db, &c->op, err);
	return rc;
}

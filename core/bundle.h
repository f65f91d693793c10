/*
 * bundle.h — everything the pipeline learnt about one item, written to the
 * case in one piece.
 *
 * A bundle owns a copy of the walk entry, the item's errors, the records
 * its plugins emitted and its child items (bundles themselves).  It is a
 * write_op: the writer applies the whole bundle inside one transaction,
 * so an item is either entirely in the case or not at all — which is what
 * makes an interrupted run resumable.
 */
#ifndef EXHIBIT_BUNDLE_H
#define EXHIBIT_BUNDLE_H

#include "casedb.h"
#include "walk.h"
#include "writer.h"

typedef struct bundle_error {
	struct bundle_error *next;
	char *plugin;
	int64_t offset;
	char *message;
} bundle_error;

typedef struct bundle_record {
	struct bundle_record *next;
	char *table;
	exhibit_field *fields;
	size_t n_fields;
} bundle_record;

typedef struct bundle_analysis {
	struct bundle_analysis *next;
	char *plugin;
	const char *status;
} bundle_analysis;

typedef struct bundle_label {
	struct bundle_label *next;
	char *plugin;
	char *label;
} bundle_label;

typedef struct bundle_hash_hit {
	struct bundle_hash_hit *next;
	int64_t set_id;              /* hash_sets.id */
	const char *algorithm;       /* static: md5, sha1, sha256 */
	char *category;
} bundle_hash_hit;

/* What makes a bundle a carved file (carver copied). */
typedef struct bundle_carved {
	carved_row row;
	char *carver;
} bundle_carved;

typedef struct bundle {
	write_op op;                 /* first: a bundle is a write op */
	file_row row;
	walk_entry entry;            /* owned copy; row.entry points here */
	bundle_error *errors, **errors_tail;
	bundle_record *records, **records_tail;
	bundle_analysis *analyses;
	bundle_label *labels;
	bundle_hash_hit *hash_hits;
	struct bundle *children, **children_tail, *next_sibling;
	bundle_carved *carved;       /* NULL unless the item was carved */
	/* The "-wal" and "-journal" files the walk found beside this one
	 * (pipeline.c pairs them; sqlite_sidecar.h): their entries only, to
	 * read them with it; each is an item of its own too.  Owned. */
	struct bundle *wal, *journal;
} bundle;

/* bundle_new — a bundle holding a deep copy of e. NULL when out of memory. */
bundle *bundle_new(const walk_entry *e);
void bundle_free(bundle *b);

void bundle_add_error(bundle *b, const char *plugin, int64_t offset, const char *message);
int bundle_add_record(bundle *b, const char *table, const exhibit_field *fields, size_t n);
/* A position in the bundle's records, to drop what came after it (the
 * records of a plugin that crashed half-way). */
typedef bundle_record **bundle_mark;
bundle_mark bundle_mark_records(bundle *b);
void bundle_drop_records_since(bundle *b, bundle_mark mark);

void bundle_add_analysis(bundle *b, const char *plugin, const char *status);
void bundle_add_child(bundle *b, bundle *child);
/* bundle_set_carved — the item is a carved file; its carved row. RETURN 0 or -1. */
int bundle_set_carved(bundle *b, const carved_row *c);
void bundle_add_label(bundle *b, const char *plugin, const char *label);
/* bundle_add_hash_hit — the item's content is in a hash set. */
void bundle_add_hash_hit(bundle *b, int64_t set_id, const char *algorithm, const char *category);

#endif

/*
 * bplist.h — reading Apple binary property lists ("bplist00") and the
 * NSKeyedArchiver object graphs stored in them, from untrusted bytes.
 *
 * What it promises: every offset, count and length is checked against the
 * buffer before use; object references are indexes checked against the
 * object count; nothing recurses on the data's own structure (callers walk
 * by key), so a crafted list can neither overrun, loop nor exhaust the
 * stack.  Values point into the caller's buffer, which must outlive them.
 */
#ifndef EXHIBIT_BPLIST_H
#define EXHIBIT_BPLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum bp_type {
	BP_NONE = 0, BP_NULL, BP_BOOL, BP_INT, BP_REAL, BP_DATE, BP_DATA,
	BP_ASCII, BP_UTF16, BP_UID, BP_ARRAY, BP_SET, BP_DICT
} bp_type;

typedef struct bplist {
	const uint8_t *data;
	size_t len;
	unsigned offset_size, ref_size;
	uint64_t n_objects, top, table;
} bplist;

typedef struct bp_value {
	bp_type type;
	int64_t i;            /* BOOL, INT, UID */
	double r;             /* REAL, DATE */
	const uint8_t *bytes; /* DATA, strings (count units), containers (refs) */
	uint64_t count;       /* bytes, characters, or elements */
} bp_value;

/* bplist_open — check the header and trailer of len bytes. */
bool bplist_open(bplist *b, const uint8_t *data, size_t len);

/* bplist_object — the object at index (false when index or object is bad). */
bool bplist_object(const bplist *b, uint64_t index, bp_value *out);

/* bplist_ref — the i-th reference of an array, set or dict (for a dict,
 * keys come first, then values). */
bool bplist_ref(const bplist *b, const bp_value *container, uint64_t i,
                uint64_t *ref);

/* bplist_string — a string object as a malloc'd UTF-8 text (UTF-16 turned
 * into UTF-8, unpaired surrogates as U+FFFD); NULL for other types. */
char *bplist_string(const bp_value *v);

/* bplist_string_is — a string object equals the ASCII text s. */
bool bplist_string_is(const bp_value *v, const char *s);

/* ---- NSKeyedArchiver ------------------------------------------------------
 * An archive is a dict with $objects (an array of every object) and $top
 * (root: a UID into $objects).  Object dicts name their fields by key;
 * a value that is a UID names another object.  The Instagram archives
 * write keys as "<type>*<name>" ("NSString*senderPk"): nska_get matches a
 * key equal to name or ending in "*name" (or "<type>name" for scalars,
 * such as "BOOLdidJoin"). */
typedef struct nska {
	bplist list;
	bp_value objects;
} nska;

/* nska_open — the archive in data; *root its root object. */
bool nska_open(nska *a, const uint8_t *data, size_t len, bp_value *root);

/* nska_get — the field name of dict, with a UID followed into $objects
 * (one step; "$null" reads as absent). */
bool nska_get(const nska *a, const bp_value *dict, const char *name, bp_value *out);

/* nska_item — the i-th element of an NSArray object (its NS.objects). */
bool nska_item(const nska *a, const bp_value *array, uint64_t i, bp_value *out);
uint64_t nska_count(const nska *a, const bp_value *array);

/* nska_text — a field as text (a string, or an NSString/NSURL object);
 * malloc'd or NULL. */
char *nska_text(const nska *a, const bp_value *dict, const char *name);

/* nska_class_is — the object's $class names classname. */
bool nska_class_is(const nska *a, const bp_value *dict, const char *classname);

/* nska_date — an NSDate field (NS.time, seconds since 2001). */
bool nska_date(const nska *a, const bp_value *dict, const char *name, double *seconds);

#endif

/*
 * bplist.c — see bplist.h.
 */
#include "bplist.h"

#include <stdlib.h>
#include <string.h>

#define TRAILER 32

static uint64_t be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

bool bplist_open(bplist *b, const uint8_t *data, size_t len)
{
	const uint8_t *t;

	memset(b, 0, sizeof *b);
	if (!data || len < 8 + TRAILER || memcmp(data, "bplist00", 8))
		return false;
	t = data + len - TRAILER;
	b->data = data;
	b->len = len;
	b->offset_size = t[6];
	b->ref_size = t[7];
	b->n_objects = be(t + 8, 8);
	b->top = be(t + 16, 8);
	b->table = be(t + 24, 8);
	if (b->offset_size < 1 || b->offset_size > 8 || b->ref_size < 1 || b->ref_size > 8)
		return false;
	if (b->table < 8 || b->table >= len - TRAILER || b->n_objects == 0 ||
	    b->n_objects > (len - TRAILER - b->table) / b->offset_size || b->top >= b->n_objects)
		return false;
	return true;
}

/* The count of an object whose low nibble is 0xF: an int object follows. */
static bool long_count(const bplist *b, const uint8_t **p, uint64_t *count)
{
	const uint8_t *end = b->data + b->table;
	unsigned width;

	if (*p >= end || (**p & 0xF0) != 0x10)
		return false;
	width = 1u << (**p & 0x0F);
	if (width > 8 || (size_t)(end - *p) < 1 + width)
		return false;
	*count = be(*p + 1, width);
	*p += 1 + width;
	return true;
}

bool bplist_object(const bplist *b, uint64_t index, bp_value *out)
{
	const uint8_t *end = b->data + b->table, *p;
	uint64_t offset, count, unit = 1, need;
	uint8_t marker, low;

	memset(out, 0, sizeof *out);
	if (index >= b->n_objects)
		return false;
	offset = be(b->data + b->table + index * b->offset_size, b->offset_size);
	if (offset < 8 || offset >= b->table)
		return false;
	p = b->data + offset;
	marker = *p;
	low = marker & 0x0F;
	switch (marker >> 4) {
	case 0x0:
		if (marker == 0x00) {
			out->type = BP_NULL;
		} else if (marker == 0x08 || marker == 0x09) {
			out->type = BP_BOOL;
			out->i = marker == 0x09;
		} else {
			return false;
		}
		return true;
	case 0x1:
		if (low > 3 || (size_t)(end - p) < 1u + (1u << low))
			return false;
		out->type = BP_INT;
		out->i = (int64_t)be(p + 1, 1u << low);
		return true;
	case 0x2:
	case 0x3:
		if ((marker >> 4) == 0x3 && marker != 0x33)
			return false;
		if ((low != 2 && low != 3) || (size_t)(end - p) < 1u + (1u << low))
			return false;
		out->type = (marker >> 4) == 0x3 ? BP_DATE : BP_REAL;
		if (low == 2) {
			uint32_t bits = (uint32_t)be(p + 1, 4);
			float f;

			memcpy(&f, &bits, sizeof f);
			out->r = f;
		} else {
			uint64_t bits = be(p + 1, 8);

			memcpy(&out->r, &bits, sizeof out->r);
		}
		return true;
	case 0x8:
		if ((size_t)(end - p) < 2u + low || low > 7)
			return false;
		out->type = BP_UID;
		out->i = (int64_t)be(p + 1, low + 1u);
		return true;
	case 0x4: out->type = BP_DATA; break;
	case 0x5: out->type = BP_ASCII; break;
	case 0x6: out->type = BP_UTF16; unit = 2; break;
	case 0xA: out->type = BP_ARRAY; unit = b->ref_size; break;
	case 0xC: out->type = BP_SET; unit = b->ref_size; break;
	case 0xD: out->type = BP_DICT; unit = 2u * b->ref_size; break;
	default:
		return false;
	}
	p++;
	count = low;
	if (low == 0x0F && !long_count(b, &p, &count))
		return false;
	if (count > (uint64_t)(end - p) / unit)
		return false;
	need = count * unit;
	(void)need;
	out->bytes = p;
	out->count = count;
	return true;
}

bool bplist_ref(const bplist *b, const bp_value *c, uint64_t i, uint64_t *ref)
{
	uint64_t slots;

	if (c->type != BP_ARRAY && c->type != BP_SET && c->type != BP_DICT)
		return false;
	slots = c->type == BP_DICT ? 2 * c->count : c->count;
	if (i >= slots)
		return false;
	*ref = be(c->bytes + i * b->ref_size, b->ref_size);
	return *ref < b->n_objects;
}

static size_t put_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

char *bplist_string(const bp_value *v)
{
	char *out;
	size_t o = 0;
	uint64_t i;

	if (v->type == BP_ASCII || v->type == BP_DATA) {
		out = malloc(v->count + 1);
		if (out) {
			memcpy(out, v->bytes, v->count);
			out[v->count] = '\0';
		}
		return out;
	}
	if (v->type != BP_UTF16)
		return NULL;
	out = malloc(v->count * 3 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < v->count; i++) {
		uint32_t u = (uint32_t)be(v->bytes + 2 * i, 2);

		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < v->count) {
			uint32_t lo = (uint32_t)be(v->bytes + 2 * (i + 1), 2);

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else {
				u = 0xFFFD;
			}
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			u = 0xFFFD;
		}
		o += put_utf8(u, out + o);
	}
	out[o] = '\0';
	return out;
}

bool bplist_string_is(const bp_value *v, const char *s)
{
	size_t len = strlen(s);
	uint64_t i;

	if (v->type == BP_ASCII)
		return v->count == len && !memcmp(v->bytes, s, len);
	if (v->type != BP_UTF16 || v->count != len)
		return false;
	for (i = 0; i < len; i++)
		if (v->bytes[2 * i] != 0 || v->bytes[2 * i + 1] != (uint8_t)s[i])
			return false;
	return true;
}

/* ---- NSKeyedArchiver ---------------------------------------------------- */

/* The value of key in a plain dict (exact match). */
static bool dict_get(const bplist *b, const bp_value *dict, const char *key,
                     bp_value *out)
{
	uint64_t i, ref;
	bp_value k;

	if (dict->type != BP_DICT)
		return false;
	for (i = 0; i < dict->count; i++) {
		if (!bplist_ref(b, dict, i, &ref) || !bplist_object(b, ref, &k))
			continue;
		if (bplist_string_is(&k, key))
			return bplist_ref(b, dict, dict->count + i, &ref) &&
			       bplist_object(b, ref, out);
	}
	return false;
}

/* A UID names an object of $objects. */
static bool follow(const nska *a, bp_value *v)
{
	uint64_t ref;

	if (v->type != BP_UID)
		return true;
	if (v->i < 0 || (uint64_t)v->i >= a->objects.count ||
	    !bplist_ref(&a->list, &a->objects, (uint64_t)v->i, &ref) ||
	    !bplist_object(&a->list, ref, v))
		return false;
	return !bplist_string_is(v, "$null");
}

bool nska_open(nska *a, const uint8_t *data, size_t len, bp_value *root)
{
	bp_value top, dict;

	memset(a, 0, sizeof *a);
	if (!bplist_open(&a->list, data, len) ||
	    !bplist_object(&a->list, a->list.top, &top) ||
	    !dict_get(&a->list, &top, "$objects", &a->objects) ||
	    a->objects.type != BP_ARRAY || !dict_get(&a->list, &top, "$top", &dict) ||
	    !dict_get(&a->list, &dict, "root", root))
		return false;
	return follow(a, root) && root->type == BP_DICT;
}

/* "<type>*name", or a scalar's "<type>name" ending in name after a
 * lowercase-to-name boundary: both end with name. */
static bool key_names(const bp_value *k, const char *name)
{
	size_t len = strlen(name);
	const uint8_t *tail;
	char before;

	if (k->type != BP_ASCII || k->count < len)
		return false;
	if (k->count == len)
		return !memcmp(k->bytes, name, len);
	tail = k->bytes + k->count - len;
	if (memcmp(tail, name, len))
		return false;
	before = (char)tail[-1];
	return before == '*' || (before >= 'A' && before <= 'Z');
}

bool nska_get(const nska *a, const bp_value *dict, const char *name, bp_value *out)
{
	uint64_t i, ref;
	bp_value k;

	if (dict->type != BP_DICT)
		return false;
	for (i = 0; i < dict->count; i++) {
		if (!bplist_ref(&a->list, dict, i, &ref) || !bplist_object(&a->list, ref, &k) ||
		    !key_names(&k, name))
			continue;
		return bplist_ref(&a->list, dict, dict->count + i, &ref) &&
		       bplist_object(&a->list, ref, out) && follow(a, out);
	}
	return false;
}

uint64_t nska_count(const nska *a, const bp_value *array)
{
	bp_value items;

	if (array->type == BP_ARRAY)
		return array->count;
	return dict_get(&a->list, array, "NS.objects", &items) && items.type == BP_ARRAY ?
	       items.count : 0;
}

bool nska_item(const nska *a, const bp_value *array, uint64_t i, bp_value *out)
{
	bp_value items;
	uint64_t ref;

	if (array->type == BP_ARRAY)
		items = *array;
	else if (!dict_get(&a->list, array, "NS.objects", &items) || items.type != BP_ARRAY)
		return false;
	return bplist_ref(&a->list, &items, i, &ref) && bplist_object(&a->list, ref, out) &&
	       follow(a, out);
}

char *nska_text(const nska *a, const bp_value *dict, const char *name)
{
	bp_value v, inner;

	if (!nska_get(a, dict, name, &v))
		return NULL;
	if (v.type == BP_ASCII || v.type == BP_UTF16)
		return bplist_string(&v);
	/* NSString / NSMutableString objects, NSURL (relative part) */
	if (v.type == BP_DICT &&
	    ((dict_get(&a->list, &v, "NS.string", &inner) && follow(a, &inner)) ||
	     nska_get(a, &v, "NS.relative", &inner)) &&
	    (inner.type == BP_ASCII || inner.type == BP_UTF16))
		return bplist_string(&inner);
	return NULL;
}

bool nska_class_is(const nska *a, const bp_value *dict, const char *classname)
{
	bp_value cls, name;

	return nska_get(a, dict, "$class", &cls) && cls.type == BP_DICT &&
	       dict_get(&a->list, &cls, "$classname", &name) &&
	       bplist_string_is(&name, classname);
}

bool nska_date(const nska *a, const bp_value *dict, const char *name, double *seconds)
{
	bp_value v, t;

	if (!nska_get(a, dict, name, &v))
		return false;
	if (v.type == BP_DATE || v.type == BP_REAL) {
		*seconds = v.r;
		return true;
	}
	if (!dict_get(&a->list, &v, "NS.time", &t) || (t.type != BP_REAL && t.type != BP_INT))
		return false;
	*seconds = t.type == BP_REAL ? t.r : (double)t.i;
	return true;
}

/*
 * carve_stub.c — a carver's three stages over bytes in memory.  See
 * carve_stub.h.
 */
#include "carve_stub.h"

#include <stdlib.h>
#include <string.h>

#include "stub_host.h"

/* run_data_check — feed the candidate to data_check; the verdict, with
 * *end where the file ends or breaks. */
static int run_data_check(const exhibit_carver *c, void *state, const unsigned char *buf,
                          size_t len, uint64_t declared, size_t block, uint64_t *end)
{
	uint64_t limit = len, pos = 0;

	if (!c->data_check) {
		if (!declared || declared > len) {
			*end = declared ? len : 0;
			return declared ? EXHIBIT_CARVE_ERROR : EXHIBIT_CARVE_REJECT;
		}
		*end = declared;
		return EXHIBIT_CARVE_END;
	}
	if (c->max_size && limit > c->max_size)
		limit = c->max_size;
	for (;;) {
		size_t n = pos < limit ? (size_t)(limit - pos < block ? limit - pos : block) : 0;
		uint64_t next = pos + n;
		int v = c->data_check(state, pos, buf + pos, n, &next);

		if (v != EXHIBIT_CARVE_CONTINUE) {
			*end = next;
			return v;
		}
		if (n == 0) {
			/* The carver asked for more after being told nothing follows. */
			*end = pos;
			return EXHIBIT_CARVE_ERROR;
		}
		if (next < pos + n)
			next = pos + n;
		pos = next > limit ? limit : next;
	}
}

static int run_validate(const exhibit_plugin *plugin, const unsigned char *buf,
                        uint64_t length, uint64_t *bad)
{
	exhibit_host *host;
	int rc;

	if (!plugin->carver->validate)
		return EXHIBIT_OK;
	host = stub_host_new(buf, (size_t)length, NULL);
	if (!host)
		return EXHIBIT_ERR;
	rc = plugin->carver->validate(stub_host_api(), host, length, bad);
	stub_host_free(host);
	return rc;
}

carve_stub_outcome carve_stub_candidate(const exhibit_plugin *plugin, const void *buf,
                                        size_t len, size_t sig, size_t block,
                                        carve_stub_file *out)
{
	const exhibit_carver *c = plugin->carver;
	exhibit_carve_header header;
	void *state = calloc(1, c->state_size ? c->state_size : 1);
	uint64_t end = 0, bad = 0;
	size_t head = len < c->header_len ? len : c->header_len;
	int v;

	memset(out, 0, sizeof *out);
	memset(&header, 0, sizeof header);
	out->signature = sig;
	if (!state)
		return CARVE_STUB_REJECTED;
	v = c->header_check(state, buf, head, sig, &header);
	out->extension = header.extension;
	if (v != EXHIBIT_CARVE_ACCEPT)
		goto done;
	v = run_data_check(c, state, buf, len, header.size, block ? block : 4096, &end);
	out->length = end;
	if (v == EXHIBIT_CARVE_ERROR) {
		out->outcome = CARVE_STUB_BROKEN;
		out->bad_offset = end;
	} else if (v == EXHIBIT_CARVE_END && end > 0 && end <= len &&
	           (!header.min_size || end >= header.min_size)) {
		out->outcome = run_validate(plugin, buf, end, &bad) == EXHIBIT_OK
		               ? CARVE_STUB_WHOLE : CARVE_STUB_INVALID;
		out->bad_offset = out->outcome == CARVE_STUB_INVALID ? bad : 0;
	}
done:
	free(state);
	return out->outcome;
}

/* signature_at — signature s is where a file starting at start has it. */
static int signature_at(const exhibit_signature *s, const unsigned char *buf, size_t len,
                        size_t start)
{
	return s->len && start + s->offset + s->len <= len &&
	       memcmp(buf + start + s->offset, s->bytes, s->len) == 0;
}

size_t carve_stub_scan(const exhibit_plugin *plugin, const void *data, size_t len,
                       size_t block, carve_stub_file **files)
{
	const unsigned char *buf = data;
	carve_stub_file *list = NULL, f;
	size_t n = 0, cap = 0;
	uint64_t resume = 0; /* bytes before this were carved whole */

	*files = NULL;
	for (size_t start = 0; start < len; start++) {
		for (size_t s = 0; s < plugin->n_signatures; s++) {
			if (start < resume || !signature_at(&plugin->signatures[s], buf, len, start))
				continue;
			if (carve_stub_candidate(plugin, buf + start, len - start, s, block, &f) ==
			    CARVE_STUB_REJECTED)
				continue;
			f.offset = start;
			if (n == cap) {
				carve_stub_file *grown = realloc(list, (cap = cap ? 2 * cap : 8) * sizeof *list);
				if (!grown) {
					free(list);
					return (size_t)-1;
				}
				list = grown;
			}
			list[n++] = f;
			if (f.outcome == CARVE_STUB_WHOLE)
				resume = start + f.length;
			break;
		}
	}
	*files = list;
	return n;
}

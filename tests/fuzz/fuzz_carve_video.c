/*
 * fuzz_carve_video.c — libFuzzer target for the video carvers: one
 * source, built once per carver (Makefile.am gives FUZZ_CARVER, the
 * carver's descriptor function: fuzz_carve_mp4 is carve_mp4_plugin, ...).
 *
 * The input is scanned as unallocated space through tests/support/
 * carve_stub, in blocks of a size chosen from the input (1 byte to 64 KiB,
 * so headers cut by block boundaries are exercised).  Beyond "no crash,
 * no leak, no sanitizer report", it checks the carver's promises:
 *   - every candidate lies inside the input, in offset order, and one
 *     carved whole has a length and validates again;
 *   - the state is plain data: the candidate at the input's start judged
 *     with its state moved to a fresh allocation (memcpy) before every
 *     data_check call, as the host does when it resumes from a split,
 *     gets the same verdict and end as judged in place;
 *   - data_check skips forward only, and its end lies where the contract
 *     says (within the block for END and ERROR).
 * Slowness shows as libFuzzer timeouts (run.sh passes -timeout=10).
 *
 * Seeds: tests/fuzz/corpus/carve_<format>/ (small files made by ffmpeg,
 * some cut or damaged).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_stub.h"
#include "carve_video.h"
#include "exhibit/plugin.h"

#ifndef FUZZ_CARVER
#error "build with -DFUZZ_CARVER=carve_mp4_plugin (or another carver's descriptor)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t block_sizes[] = { 1, 3, 64, 188, 512, 4096, 65536 };

/* verdict — judge the candidate at buf[0] (signature sig) through
 * header_check and data_check; with move, the state goes to a new
 * allocation (and the old one is scribbled over) before every call. */
static int verdict(const exhibit_plugin *p, const uint8_t *buf, size_t len, size_t sig,
                   size_t block, int move, uint64_t *end)
{
	const exhibit_carver *c = p->carver;
	exhibit_carve_header header;
	size_t size = c->state_size ? c->state_size : 1;
	void *state = calloc(1, size);
	uint64_t pos = 0, limit = len;
	int v;

	if (!state)
		abort();
	memset(&header, 0, sizeof header);
	v = c->header_check(state, buf, len < c->header_len ? len : c->header_len, sig, &header);
	if (v != EXHIBIT_CARVE_ACCEPT) {
		free(state);
		*end = 0;
		return v;
	}
	if (c->max_size && limit > c->max_size)
		limit = c->max_size;
	for (;;) {
		size_t n = pos < limit ? (size_t)(limit - pos < block ? limit - pos : block) : 0;
		uint64_t next = pos + n;

		if (move) {
			void *moved = malloc(size);
			if (!moved)
				abort();
			memcpy(moved, state, size);
			memset(state, 0xa5, size); /* a pointer into the old state now sees garbage */
			free(state);
			state = moved;
		}
		v = c->data_check(state, pos, buf + pos, n, &next);
		if (v == EXHIBIT_CARVE_CONTINUE && n == 0)
			v = EXHIBIT_CARVE_ERROR, next = pos;
		if (v != EXHIBIT_CARVE_CONTINUE) {
			if ((v == EXHIBIT_CARVE_END || v == EXHIBIT_CARVE_ERROR) && next > pos + n)
				abort(); /* an end past the bytes seen */
			*end = next;
			free(state);
			return v;
		}
		if (next < pos + n)
			abort(); /* a skip backwards */
		pos = next > limit ? limit : next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const exhibit_plugin *p = FUZZ_CARVER();
	size_t block, n;
	carve_stub_file *files;
	uint64_t end = 0, last = 0;

	if (size == 0)
		return 0;
	block = block_sizes[(size + data[size - 1]) % (sizeof block_sizes / sizeof block_sizes[0])];
	n = carve_stub_scan(p, data, size, block, &files);
	if (n == (size_t)-1)
		abort();
	for (size_t i = 0; i < n; i++) {
		const carve_stub_file *f = &files[i];
		if (f->offset < last || f->offset >= size || f->length > size - f->offset)
			abort();
		last = f->offset;
		if (f->outcome == CARVE_STUB_WHOLE && f->length == 0)
			abort();
	}
	free(files);
	/* The candidate at the start, judged in place and with its state
	 * moved before every call: the same verdict, the same end. */
	for (size_t s = 0; s < p->n_signatures; s++) {
		const exhibit_signature *sig = &p->signatures[s];
		uint64_t moved_end = 0;

		if (sig->offset + sig->len > size || memcmp(data + sig->offset, sig->bytes, sig->len))
			continue;
		if (verdict(p, data, size, s, block, 0, &end) !=
		        verdict(p, data, size, s, block, 1, &moved_end) ||
		    end != moved_end)
			abort();
		break;
	}
	return 0;
}

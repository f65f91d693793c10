/*
 * fuzz_carve_images.c — libFuzzer target for the image carvers: one
 * source, built once per carver (Makefile.am gives FUZZ_CARVER:
 * fuzz_carve_jpeg is carve_jpeg_plugin, fuzz_carve_png carve_png_plugin,
 * ...).  Arbitrary bytes are scanned with tests/support/carve_stub in
 * blocks of a size the input picks (1 to 97 bytes, so block boundaries
 * fall everywhere), and the carver's promises are checked on every input:
 *   - every candidate lies inside the input, a whole one is not empty,
 *     and a broken one breaks inside the input;
 *   - the state is under 16 KiB;
 *   - a candidate at the input's start gets the same verdict and end when
 *     data_check resumes from a copy of its state at every block (the old
 *     copy wiped), as the host's fragment search resumes it.
 * Slowness shows as libFuzzer timeouts (run.sh passes -timeout=10).
 *
 * Seeds: tests/fuzz/corpus/carve_<format>/, made by make_carve_seeds.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_images.h"
#include "carve_stub.h"

#ifndef FUZZ_CARVER
#error "build with -DFUZZ_CARVER=carve_jpeg_plugin (or another carver's descriptor)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_reject_promise — continuation_reject, asked about the bytes
 * data_check is about to see, may rule them out only when data_check
 * fails on them (the fragment search relies on it). */
static void check_reject_promise(const exhibit_carver *c, const void *state, uint64_t pos,
                                 const uint8_t *bytes, size_t n)
{
	void *copy;
	uint64_t e = pos + n;

	if (!c->continuation_reject || !n || !c->continuation_reject(state, pos, bytes, n))
		return;
	if (!(copy = malloc(c->state_size)))
		abort();
	memcpy(copy, state, c->state_size);
	if (c->data_check(copy, pos, bytes, n, &e) != EXHIBIT_CARVE_ERROR || e > pos + n)
		abort();
	free(copy);
}

/* drive — data_check over data[0..size) in blocks; the verdict and *end.
 * With copying, each block runs on a fresh copy of the state. */
static int drive(const exhibit_carver *c, void **state, const uint8_t *data, size_t size,
                 size_t block, int copying, uint64_t *end)
{
	uint64_t pos = 0, limit = c->max_size && size > c->max_size ? c->max_size : size;

	for (;;) {
		size_t n = pos < limit ? (size_t)(limit - pos < block ? limit - pos : block) : 0;
		int v;
		*end = pos + n;
		if (!copying)
			check_reject_promise(c, *state, pos, data + pos, n);
		v = c->data_check(*state, pos, data + pos, n, end);
		if (v != EXHIBIT_CARVE_CONTINUE || n == 0)
			return v;
		if (copying) {
			void *copy = malloc(c->state_size);
			if (!copy)
				abort();
			memcpy(copy, *state, c->state_size);
			memset(*state, 0xA5, c->state_size);
			free(*state);
			*state = copy;
		}
		pos = *end > pos + n ? *end : pos + n;
		if (pos > limit)
			pos = limit;
	}
}

static uint64_t longest_ff_run(const uint8_t *data, size_t size)
{
	uint64_t run = 0, longest = 0;

	for (size_t i = 0; i < size; i++) {
		run = data[i] == 0xFF ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest;
}

/* The same candidate, straight and from copies, and in one block (where
 * a decoder may see a run ahead and pass it whole), must end the same
 * way, at the same offset (an error's, within a few bytes). */
static void check_resumable(const exhibit_plugin *p, const uint8_t *data, size_t size,
                            size_t block)
{
	const exhibit_carver *c = p->carver;
	uint64_t end[3] = { 0, 0, 0 };
	int verdict[3];

	for (int way = 0; way < 3; way++) {
		exhibit_carve_header h;
		void *state = calloc(1, c->state_size);
		if (!state)
			abort();
		memset(&h, 0, sizeof h);
		verdict[way] = c->header_check(state, data, size < c->header_len ? size : c->header_len,
		                               0, &h);
		if (verdict[way] == EXHIBIT_CARVE_ACCEPT)
			verdict[way] = drive(c, &state, data, size, way == 2 ? size + 1 : block, way == 1,
			                     &end[way]);
		free(state);
	}
	if (verdict[0] != verdict[1] || end[0] != end[1] || verdict[0] != verdict[2])
		abort();
	/* Where a JPEG's data breaks is told from the bits the decoder holds,
	 * and it holds more when it was given more at once: fill bytes (0xFF
	 * before a marker or a stuffed byte) and stuffed bytes among them
	 * move the offset it names, by up to a run of 0xFF and a few bytes.
	 * A rejected candidate has no offset. */
	if (verdict[0] == EXHIBIT_CARVE_END && end[0] != end[2])
		abort();
	if (verdict[0] == EXHIBIT_CARVE_ERROR &&
	    (end[0] > end[2] ? end[0] - end[2] : end[2] - end[0]) > 16 + longest_ff_run(data, size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const exhibit_plugin *p = FUZZ_CARVER();
	size_t block = size ? 1 + data[size - 1] % 97 : 1, n;
	carve_stub_file *files;

	if (p->carver->state_size >= 16 * 1024)
		abort();
	n = carve_stub_scan(p, data, size, block, &files);
	if (n == (size_t)-1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const carve_stub_file *f = &files[i];
		if (f->offset >= size || f->length > size - f->offset)
			abort();
		if (f->outcome == CARVE_STUB_WHOLE && f->length == 0)
			abort();
		if (f->outcome == CARVE_STUB_BROKEN && f->bad_offset > size - f->offset)
			abort();
	}
	free(files);
	check_resumable(p, data, size, block);
	return 0;
}

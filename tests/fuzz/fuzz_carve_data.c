/*
 * fuzz_carve_data.c — libFuzzer target for the data-format carvers
 * (plugins/carve-data): one source, built once per carver (Makefile.am
 * gives FUZZ_CARVER, the descriptor: carve_sqlite_plugin, ...).
 *
 * The first input byte picks the block size data_check is fed in (1..64
 * bytes, so every block edge of every record is crossed); the rest is
 * scanned by tests/support/carve_stub as the host scans free space: every
 * signature hit judged by header_check, data_check and validate.
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks the carver's
 * promises on every candidate:
 *   - a whole or invalid candidate lies inside the input and is at least
 *     one byte long;
 *   - a broken candidate's break and an invalid one's bad offset lie
 *     inside the candidate (or at its end);
 *   - the state is plain data: a copy of it, taken mid-stream, gives the
 *     same verdicts as the original when fed the same bytes.
 * Slowness shows as libFuzzer timeouts (run.sh passes -timeout=10).
 *
 * Seeds: tests/fuzz/corpus/carve_<format>/ (make_carve_data_seeds.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_data.h"
#include "carve_stub.h"

#ifndef FUZZ_CARVER
#error "build with -DFUZZ_CARVER=carve_sqlite_plugin (or another carve-data descriptor)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed the candidate at buf twice in lockstep, the second time from a
 * memcpy of the state taken after the first block: verdicts must agree. */
static void check_state_copies(const exhibit_carver *c, const uint8_t *buf, size_t len,
                               size_t sig, size_t block)
{
	exhibit_carve_header h = { 0, 0, NULL };
	unsigned char *a = calloc(1, c->state_size), *b = calloc(1, c->state_size);
	uint64_t pos = 0;
	size_t head = len < c->header_len ? len : c->header_len;

	if (!a || !b)
		abort();
	if (c->header_check(a, buf, head, sig, &h) != EXHIBIT_CARVE_ACCEPT || !c->data_check)
		goto done;
	memcpy(b, a, c->state_size);
	for (int steps = 0; steps < 100000; steps++) {
		size_t n = pos < len ? (len - pos < block ? (size_t)(len - pos) : block) : 0;
		uint64_t ea = pos + n, eb = pos + n;
		int va = c->data_check(a, pos, buf + pos, n, &ea);
		int vb = c->data_check(b, pos, buf + pos, n, &eb);

		if (va != vb || ea != eb)
			abort();
		if (va != EXHIBIT_CARVE_CONTINUE || n == 0)
			break;
		memcpy(b, a, c->state_size); /* the host's resume: a copy */
		pos = ea > pos + n ? ea : pos + n;
		if (pos > len)
			pos = len;
	}
done:
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const exhibit_plugin *p = &FUZZ_CARVER;
	carve_stub_file *files = NULL;
	size_t block, n;

	if (size < 1)
		return 0;
	block = 1 + data[0] % 64;
	data++;
	size--;
	n = carve_stub_scan(p, data, size, block, &files);
	if (n == (size_t)-1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const carve_stub_file *f = &files[i];
		if (f->offset >= size || f->offset + f->length > size)
			abort();
		if ((f->outcome == CARVE_STUB_WHOLE || f->outcome == CARVE_STUB_INVALID) && f->length == 0)
			abort();
		if ((f->outcome == CARVE_STUB_BROKEN || f->outcome == CARVE_STUB_INVALID) &&
		    f->bad_offset > f->length && f->bad_offset > size - f->offset)
			abort();
	}
	for (size_t i = 0; i < n && i < 4; i++)
		check_state_copies(p->carver, data + files[i].offset, size - files[i].offset,
		                   files[i].signature, block);
	free(files);
	return 0;
}

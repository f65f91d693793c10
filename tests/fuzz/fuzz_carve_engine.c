/*
 * fuzz_carve_engine.c — libFuzzer target for the carving engine's
 * scanner and judge (core/carve_scan.c, core/carve_judge.c), driven with
 * the TOYC test carver (tests/plugins/toycarver.c).
 *
 * The input is a stream: every signature hit in it is judged with small
 * units and windows so that the continuation search, the snapshots and
 * the MP4-style retry all run on short inputs, and what a fuzzer can see
 * of the judge's promises is checked: a kept file lies inside the stream,
 * starts at its hit, its pieces add up to its length and do not overlap.
 *
 * Seeds: tests/fuzz/corpus/carve_engine/ (tests/fuzz/make_carve_seeds.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carve_judge.h"
#include "carve_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const exhibit_plugin *exhibit_plugin_entry(void);

typedef struct stream {
	const uint8_t *bytes;
	size_t len;
} stream;

static const unsigned char *get(void *ctx, uint64_t off, size_t len, size_t *got)
{
	stream *s = ctx;

	*got = 0;
	if (off >= s->len)
		return NULL;
	*got = len < s->len - off ? len : s->len - off;
	return s->bytes + off;
}

typedef struct hits {
	uint64_t at[32];
	size_t n;
} hits;

static int note(void *ctx, size_t pos, size_t pattern)
{
	hits *h = ctx;

	(void)pattern;
	if (h->n < 32)
		h->at[h->n++] = pos;
	return 0;
}

static void check(const carve_result *r, uint64_t start, size_t size)
{
	uint64_t sum = 0;

	if (r->verdict == CARVE_DROPPED)
		return;
	if (r->n_pieces < 1 || r->n_pieces > 2 || r->pieces[0].offset != start || !r->length)
		abort();
	for (unsigned i = 0; i < r->n_pieces; i++) {
		if (r->pieces[i].offset > size || r->pieces[i].length > size - r->pieces[i].offset)
			abort();
		sum += r->pieces[i].length;
	}
	if (sum != r->length)
		abort();
	if (r->n_pieces == 2 && r->pieces[1].offset < r->pieces[0].offset + r->pieces[0].length)
		abort();
}

/* whole_at: a TOYC file at off judged on its own, one piece, no search
 * (as the engine's does), so the search's skipping of gap files is fuzzed. */
static const carve_source *whole_src;
static carve_scratch *whole_scratch;

static uint64_t whole_at(void *ctx, uint64_t off)
{
	carve_limits lim = carve_default_limits(64);
	carve_job job = { exhibit_plugin_entry()->carver, 0, off, whole_src, NULL, &lim,
	                  NULL, NULL, NULL, NULL };
	carve_result r;

	(void)ctx;
	lim.splits = 0;
	if (off + 8 > whole_src->size || carve_judge(&job, whole_scratch, &r) != 0)
		return 0;
	return r.verdict == CARVE_WHOLE ? r.length : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static carve_scanner *scanner;
	static carve_scratch *scratch;
	const exhibit_plugin *toy = exhibit_plugin_entry();
	stream s = { data, size };
	carve_source src = { size, get, &s };
	carve_limits lim = carve_default_limits(64);
	hits h = { { 0 }, 0 };

	if (!scanner) {
		static const unsigned char other[] = { 0xff, 0xd8, 0xff };
		carve_pattern p[2] = {
			{ toy->signatures[0].bytes, toy->signatures[0].len, 0, 0 },
			{ other, sizeof other, 2, 1 },
		};
		scanner = carve_scanner_new(p, 2, NULL);
		scratch = carve_scratch_new();
		whole_scratch = carve_scratch_new();
		if (!scanner || !scratch || !whole_scratch)
			abort();
	}
	lim.window = 8192;
	lim.trials = 2048;
	lim.validations = 8;
	lim.snapshots = 4;
	lim.seconds = 5;
	whole_src = &src;
	carve_scanner_scan(scanner, data, size, 0, size, note, &h);
	for (size_t i = 0; i < h.n; i++) {
		/* every other input skips whole files in gaps, as the engine does */
		carve_job job = { toy->carver, 0, h.at[i], &src, scanner, &lim, NULL, NULL,
		                  size & 1 ? whole_at : NULL, NULL };
		carve_result r;

		if (carve_scanner_pattern(scanner, 0)->len + h.at[i] > size ||
		    memcmp(data + h.at[i], "TOYCARV1", 8) != 0)
			continue;
		if (carve_judge(&job, scratch, &r) != 0)
			abort();
		check(&r, h.at[i], size);
	}
	return 0;
}

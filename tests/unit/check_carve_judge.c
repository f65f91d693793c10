/* check_carve_judge.c — one candidate judged over a stream in memory with
 * the TOYC carver (tests/plugins/toycarver.c): whole files at odd offsets,
 * truncated and broken ones kept as partial, decoys dropped, and files in
 * two fragments (a gap of random bytes, another file in the gap, a lazy
 * file whose break shows only at its end) found whole with both pieces.
 * The search for a continuation that does not exist stays cheap. */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carve_judge.h"
#include "toyc.h"

static const exhibit_plugin *toy;
static carve_scanner *scanner;

typedef struct mem_stream {
	const unsigned char *bytes;
	size_t len;
	size_t reads;          /* bytes handed out */
} mem_stream;

static const unsigned char *mem_get(void *ctx, uint64_t off, size_t len, size_t *got)
{
	mem_stream *m = ctx;

	*got = 0;
	if (off >= m->len)
		return NULL;
	*got = len < m->len - off ? len : m->len - off;
	m->reads += *got;
	return m->bytes + off;
}

static void setup(void)
{
	carve_pattern p = { toy->signatures[0].bytes, toy->signatures[0].len, 0, 0 };

	scanner = carve_scanner_new(&p, 1, NULL);
}

static void teardown(void)
{
	carve_scanner_free(scanner);
}

/* judge — the candidate at start of buf[0, len) with unit u. */
static carve_result judge(const unsigned char *buf, size_t len, uint64_t start, uint64_t u,
                          mem_stream *ms_out)
{
	mem_stream ms = { buf, len, 0 };
	carve_source src = { len, mem_get, &ms };
	carve_limits lim = carve_default_limits(u);
	carve_job job = { toy->carver, 0, start, &src, scanner, &lim, NULL, NULL, NULL, NULL };
	carve_scratch *scratch = carve_scratch_new();
	carve_result r;

	ck_assert_int_eq(carve_judge(&job, scratch, &r), 0);
	carve_scratch_free(scratch);
	if (ms_out)
		*ms_out = ms;
	return r;
}

START_TEST(whole_file_at_odd_offset)
{
	size_t len = 1 << 20, at = 12345, size = toyc_size(300);
	unsigned char *buf = malloc(len);
	carve_result r;

	toyc_random(buf, len, 1);
	toyc_make(buf + at, 300, 77, 0, 2);
	r = judge(buf, len, at, 512, NULL);
	ck_assert_int_eq(r.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(r.length, size);
	ck_assert_uint_eq(r.n_pieces, 1);
	ck_assert_uint_eq(r.pieces[0].offset, at);
	ck_assert_str_eq(r.extension, "toyc");
	free(buf);
}
END_TEST

START_TEST(truncated_by_the_stream_end_is_partial)
{
	size_t size = toyc_size(100), len = 20000 + size / 2;
	unsigned char *buf = malloc(20000 + size);
	carve_result r;

	toyc_random(buf, 20000, 3);
	toyc_make(buf + 20000, 100, 5, 0, 4);
	r = judge(buf, len, 20000, 512, NULL);
	ck_assert_int_eq(r.verdict, CARVE_PARTIAL);
	ck_assert_uint_eq(r.length % TOYC_RECORD, 0);
	ck_assert_uint_le(r.length, size / 2);
	ck_assert_uint_ge(r.length, size / 2 - TOYC_RECORD);
	free(buf);
}
END_TEST

/* A lazy file cut by the stream's end: data_check skipped to a record that
 * is not there; the partial file ends with the stream (found by fuzzing). */
START_TEST(truncated_lazy_file_ends_with_the_stream)
{
	size_t size = toyc_size(100), len = 3000 + size / 2;
	unsigned char *buf = malloc(3000 + size);
	carve_result r;

	toyc_random(buf, 3000, 5);
	toyc_make(buf + 3000, 100, 6, 1, 7);
	r = judge(buf, len, 3000, 512, NULL);
	ck_assert_int_eq(r.verdict, CARVE_PARTIAL);
	ck_assert_uint_eq(r.length, len - 3000);
	free(buf);
}
END_TEST

START_TEST(decoys_are_dropped)
{
	size_t len = 1 << 16;
	unsigned char *buf = malloc(len);
	carve_result r;

	/* Magic followed by random bytes: the header's checksum is wrong. */
	toyc_random(buf, len, 9);
	memcpy(buf + 1000, "TOYCARV1", 8);
	r = judge(buf, len, 1000, 512, NULL);
	ck_assert_int_eq(r.verdict, CARVE_DROPPED);
	/* A real header followed by random bytes: shorter than min_size. */
	toyc_make(buf + 4096, 50, 1, 0, 10);
	toyc_random(buf + 4096 + TOYC_RECORD, len - 4096 - TOYC_RECORD, 11);
	r = judge(buf, len, 4096, 512, NULL);
	ck_assert_int_eq(r.verdict, CARVE_DROPPED);
	free(buf);
}
END_TEST

/* A file split at a unit boundary of the stream, the gap filled by g. */
static unsigned char *fragmented(size_t *len, size_t at, uint32_t records, size_t split,
                                 size_t gap, int lazy, int another_in_gap)
{
	size_t size = toyc_size(records);
	unsigned char *file = malloc(size), *buf;

	*len = at + size + gap + 100000;
	buf = malloc(*len);
	toyc_random(buf, *len, 21);
	toyc_make(file, records, 4242, lazy, 22);
	memcpy(buf + at, file, split);
	if (another_in_gap)
		toyc_make(buf + at + split, (uint32_t)(gap / TOYC_RECORD) - 1, 99, 0, 23);
	memcpy(buf + at + split + gap, file + split, size - split);
	free(file);
	return buf;
}

START_TEST(two_fragments_with_random_gap)
{
	size_t len, at = 4096 * 3 + 700, split = 4096 * 20 - 700, gap = 4096 * 37;
	unsigned char *buf = fragmented(&len, at, 400, split, gap, 0, 0);
	carve_result r = judge(buf, len, at, 4096, NULL);

	ck_assert_int_eq(r.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(r.length, toyc_size(400));
	ck_assert_uint_eq(r.n_pieces, 2);
	ck_assert_uint_eq(r.pieces[0].offset, at);
	ck_assert_uint_eq(r.pieces[0].length, split);
	ck_assert_uint_eq(r.pieces[1].offset, at + split + gap);
	ck_assert_uint_eq(r.pieces[1].length, toyc_size(400) - split);
	free(buf);
}
END_TEST

/* joined_at_split — a TOYC file of 120 records with flags, at at, split
 * after split bytes with gap bytes between: judged whole, in two pieces,
 * split where it was. */
static void joined_at_split(size_t at, size_t split, size_t gap, int flags)
{
	size_t len;
	unsigned char *buf = fragmented(&len, at, 120, split, gap, flags, 0);
	carve_result r = judge(buf, len, at, 512, NULL);

	ck_assert_int_eq(r.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(r.n_pieces, 2);
	ck_assert_uint_eq(r.pieces[0].length, split);
	ck_assert_uint_eq(r.pieces[1].offset, at + split + gap);
	free(buf);
}

/* The split falls inside a record (the file starts at an odd offset): the
 * carver reports the record's start, the split lies after it. */
START_TEST(split_inside_a_record)
{
	joined_at_split(333, 512 * 40 - 333, 512 * 9, 0);
}
END_TEST

/* A late file reports a bad record at the start of its group of 8: the
 * break comes before the split, which the search finds among the unit
 * boundaries data_check had passed (later points). */
START_TEST(break_placed_before_the_split)
{
	joined_at_split(512 * 3 + 100, 512 * 45 - 100, 512 * 23, 4);
}
END_TEST

START_TEST(another_file_in_the_gap)
{
	size_t len, at = 8192, split = 4096 * 6, gap = 4096 * 5;
	unsigned char *buf = fragmented(&len, at, 200, split, gap, 0, 1);
	carve_result r = judge(buf, len, at, 4096, NULL);

	ck_assert_int_eq(r.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(r.pieces[1].offset, at + split + gap);
	/* The file in the gap is whole on its own. */
	r = judge(buf, len, at + split, 4096, NULL);
	ck_assert_int_eq(r.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(r.length, gap);
	free(buf);
}
END_TEST

/* whole_at for the tests: the TOYC file at off judged on its own, one
 * piece, no search. */
static const carve_source *whole_src;
static uint64_t toy_whole_at(void *ctx, uint64_t off)
{
	carve_limits lim = carve_default_limits(4096);
	carve_job job = { toy->carver, 0, off, whole_src, NULL, &lim, NULL, NULL, NULL, NULL };
	carve_scratch *scratch = carve_scratch_new();
	carve_result r;
	unsigned *calls = ctx;

	(*calls)++;
	lim.splits = 0;
	ck_assert_int_eq(carve_judge(&job, scratch, &r), 0);
	carve_scratch_free(scratch);
	return r.verdict == CARVE_WHOLE ? r.length : 0;
}

/* The same with whole_at: the file in the gap (it starts at the split) is
 * skipped in one step instead of a trial at every unit of it. */
START_TEST(a_whole_file_in_the_gap_is_skipped)
{
	size_t len, at = 8192, split = 4096 * 6, gap = 4096 * 40;
	unsigned char *buf = fragmented(&len, at, 200, split, gap, 0, 1);
	mem_stream ms = { buf, len, 0 };
	carve_source src = { len, mem_get, &ms };
	carve_limits lim = carve_default_limits(4096);
	unsigned calls = 0;
	carve_job job = { toy->carver, 0, at, &src, scanner, &lim, NULL, NULL, toy_whole_at, &calls };
	carve_scratch *scratch = carve_scratch_new();
	carve_result with, without;

	whole_src = &src;
	ck_assert_int_eq(carve_judge(&job, scratch, &with), 0);
	job.whole_at = NULL;
	ck_assert_int_eq(carve_judge(&job, scratch, &without), 0);
	ck_assert_int_eq(with.verdict, CARVE_WHOLE);
	ck_assert_int_eq(without.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(with.pieces[1].offset, at + split + gap);
	ck_assert_uint_eq(without.pieces[1].offset, at + split + gap);
	ck_assert_uint_ge(calls, 1);
	printf("carve_judge: file in the gap: %u trials with whole_at, %u without\n", with.trials,
	       without.trials);
	ck_assert_uint_lt(with.trials + 30, without.trials);
	carve_scratch_free(scratch);
	free(buf);
}
END_TEST

/* A lazy file broken with no continuation: its break shows after the
 * records it skipped unchecked, so none of them is kept (here what is
 * left, its header's unit, is below the minimum size: dropped). */
START_TEST(a_partial_keeps_no_skipped_bytes)
{
	size_t len, at = 4096, split = 4096 * 30, gap = 4096 * 11;
	unsigned char *buf = fragmented(&len, at, 1000, split, gap, 1, 0);
	carve_result r;

	/* the second fragment is gone: random bytes where it was */
	toyc_random(buf + at + split + gap, toyc_size(1000) - split, 99);
	r = judge(buf, len, at, 4096, NULL);
	ck_assert_int_eq(r.verdict, CARVE_DROPPED);
	ck_assert_uint_eq(r.break_at, toyc_size(1000) - TOYC_RECORD);
	free(buf);
}
END_TEST

/* A lazy file checks only its last record: its break shows at the end,
 * the split is far before; validate names the first bad record. */
START_TEST(lazy_file_split_far_before_the_break)
{
	size_t len, at = 4096, split = 4096 * 30, gap = 4096 * 11;
	unsigned char *buf = fragmented(&len, at, 1000, split, gap, 1, 0);
	mem_stream ms;
	carve_result r = judge(buf, len, at, 4096, &ms);

	ck_assert_int_eq(r.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(r.length, toyc_size(1000));
	ck_assert_uint_eq(r.pieces[0].length, split);
	ck_assert_uint_eq(r.pieces[1].offset, at + split + gap);
	free(buf);
}
END_TEST

/* The same at an odd offset with 512-byte units: the split falls inside a
 * record, and split points just before it fail next to themselves. */
START_TEST(lazy_file_at_odd_offset)
{
	size_t len, at = 3500001, split = 3670016 - 3500001, gap = 512 * 11;
	unsigned char *buf = fragmented(&len, at, 1000, split, gap, 1, 0);
	carve_result r = judge(buf, len, at, 512, NULL);

	ck_assert_int_eq(r.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(r.pieces[0].length, split);
	ck_assert_uint_eq(r.pieces[1].offset, at + split + gap);
	free(buf);
}
END_TEST

START_TEST(lazy_whole_file_skips_its_middle)
{
	size_t len = 4 << 20, at = 777, size = toyc_size(6000);
	unsigned char *buf = malloc(len);
	mem_stream ms;
	carve_result r;

	toyc_random(buf, len, 30);
	toyc_make(buf + at, 6000, 3, 1, 31);
	r = judge(buf, len, at, 512, &ms);
	ck_assert_int_eq(r.verdict, CARVE_WHOLE);
	ck_assert_uint_eq(r.length, size);
	/* data_check read the header's call and the last record's; validate
	 * read everything once. */
	ck_assert_uint_lt(ms.reads, size + 4 * 65536);
	free(buf);
}
END_TEST

/* Broken with no continuation anywhere: partial, and cheap. */
START_TEST(broken_without_continuation_is_partial_and_cheap)
{
	size_t len = 48 << 20, at = 4096 * 7;
	unsigned char *buf = malloc(len);
	struct timespec a, b;
	carve_result r;
	double secs;

	toyc_random(buf, len, 40);
	toyc_make(buf + at, 500, 8, 0, 41);
	/* Records 100 onwards are overwritten. */
	toyc_random(buf + at + 100 * TOYC_RECORD, 400 * TOYC_RECORD + TOYC_RECORD, 42);
	for (uint64_t unit = 512; unit <= 4096; unit *= 8) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		r = judge(buf, len, at, unit, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		printf("carve_judge: no continuation, unit %llu: %u starts tried, %.3f s\n",
		       (unsigned long long)unit, r.trials, secs);
		ck_assert_int_eq(r.verdict, CARVE_PARTIAL);
		ck_assert_uint_eq(r.length, 100 * TOYC_RECORD);
		ck_assert_uint_gt(r.trials, 1000);
		ck_assert_str_eq(r.problem, "");
	}
	free(buf);
}
END_TEST

/* A carver that never decides: every call takes a millisecond and says go
 * on.  The judge gives up at its time limit and says so. */
static int slow_header(void *state, const unsigned char *buf, size_t len, size_t sig,
                       exhibit_carve_header *out)
{
	(void)state; (void)buf; (void)len; (void)sig;
	out->extension = "slow";
	return EXHIBIT_CARVE_ACCEPT;
}

static int slow_data(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                     uint64_t *end)
{
	struct timespec ms = { 0, 1000000 };

	(void)state; (void)buf;
	nanosleep(&ms, NULL);
	*end = pos + len;
	return len ? EXHIBIT_CARVE_CONTINUE : EXHIBIT_CARVE_ERROR;
}

/* A validate that reads the same bytes again and again until refused. */
static int greedy_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                           uint64_t *bad)
{
	unsigned char buf[4096];

	(void)length;
	while (api->read(host, 0, buf, sizeof buf) > 0)
		;
	*bad = 0;
	return EXHIBIT_ERR_FORMAT;
}

static int quick_data(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	(void)state; (void)buf;
	*end = pos + len;
	if (pos + len >= 100000) {
		*end = 100000;
		return EXHIBIT_CARVE_END;
	}
	return EXHIBIT_CARVE_CONTINUE;
}

START_TEST(a_carver_that_never_decides_is_stopped)
{
	static const exhibit_carver slow = { 8, 16, 0, 0, slow_header, slow_data, NULL, NULL };
	size_t len = 64 << 20;
	unsigned char *buf = calloc(1, len);
	mem_stream ms = { buf, len, 0 };
	carve_source src = { len, mem_get, &ms };
	carve_limits lim = carve_default_limits(512);
	carve_job job = { &slow, 0, 0, &src, NULL, &lim, NULL, NULL, NULL, NULL };
	carve_scratch *scratch = carve_scratch_new();
	struct timespec a, b;
	carve_result r;
	double secs;

	/* 1024 calls of 64 KiB at 1 ms each would take a second. */
	lim.seconds = 0.2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(carve_judge(&job, scratch, &r), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	ck_assert_int_eq(r.verdict, CARVE_DROPPED);
	ck_assert_ptr_nonnull(strstr(r.problem, "abandoned"));
	ck_assert_double_lt(secs, 0.8);
	carve_scratch_free(scratch);
	free(buf);
}
END_TEST

START_TEST(a_greedy_validate_is_refused_more_bytes)
{
	static const exhibit_carver greedy = { 8, 16, 0, 0, slow_header, quick_data, greedy_validate, NULL };
	size_t len = 1 << 20;
	unsigned char *buf = calloc(1, len);
	mem_stream ms = { buf, len, 0 };
	carve_source src = { len, mem_get, &ms };
	carve_limits lim = carve_default_limits(512);
	carve_job job = { &greedy, 0, 0, &src, NULL, &lim, NULL, NULL, NULL, NULL };
	carve_scratch *scratch = carve_scratch_new();
	carve_result r;

	ck_assert_int_eq(carve_judge(&job, scratch, &r), 0);
	ck_assert_int_eq(r.verdict, CARVE_DROPPED);
	ck_assert_ptr_nonnull(strstr(r.problem, "validate read more than"));
	/* validate: 16 times the candidate plus 64 MiB, not more; data_check
	 * read the candidate in two calls of at most 64 KiB. */
	ck_assert_uint_le(ms.reads, 16 * 100000 + (64u << 20) + 2 * 65536);
	carve_scratch_free(scratch);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("carve_judge");
	TCase *tc = tcase_create("judge");

	toy = exhibit_plugin_entry();
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, whole_file_at_odd_offset);
	tcase_add_test(tc, truncated_by_the_stream_end_is_partial);
	tcase_add_test(tc, truncated_lazy_file_ends_with_the_stream);
	tcase_add_test(tc, decoys_are_dropped);
	tcase_add_test(tc, two_fragments_with_random_gap);
	tcase_add_test(tc, split_inside_a_record);
	tcase_add_test(tc, break_placed_before_the_split);
	tcase_add_test(tc, another_file_in_the_gap);
	tcase_add_test(tc, a_whole_file_in_the_gap_is_skipped);
	tcase_add_test(tc, a_partial_keeps_no_skipped_bytes);
	tcase_add_test(tc, lazy_file_split_far_before_the_break);
	tcase_add_test(tc, lazy_file_at_odd_offset);
	tcase_add_test(tc, lazy_whole_file_skips_its_middle);
	tcase_add_test(tc, broken_without_continuation_is_partial_and_cheap);
	tcase_add_test(tc, a_carver_that_never_decides_is_stopped);
	tcase_add_test(tc, a_greedy_validate_is_refused_more_bytes);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

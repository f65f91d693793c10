/*
 * fuzz_hashset_parse.c — libFuzzer target for the hash-set parsers
 * (hashset_parse.h): hostile hash-set files must never crash, hang or
 * grow memory past the parsers' bounds.  The first byte picks the format
 * (0: detect, 1..6: a text format, 7: NSRL RDS v3, read from memory
 * through untrusted_sqlite with a short budget); the rest is the file.
 */
#include <stdint.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "hashset_parse.h"
#include "untrusted_sqlite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_entry(void *ctx, const hashset_entry *e)
{
	(*(uint64_t *)ctx)++;
	return e->have ? 0 : 1; /* an entry always carries a digest */
}

static void ignore_problem(void *ctx, const hashset_problem *p)
{
	(void)ctx;
	if (!p->message || !p->file)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t n = 0;
	hashset_callbacks cb = { &n, count_entry, ignore_problem, NULL };
	hashset_stats st;
	hashset_format f;
	int rc;

	if (size < 1)
		return 0;
	f = (hashset_format)(data[0] % HASHSET_FORMAT_COUNT);
	data++;
	size--;
	if (f == HASHSET_NSRL_RDS3 || (f == HASHSET_AUTO && hashset_detect(data, size) == HASHSET_NSRL_RDS3)) {
		static const untrusted_sqlite_budget budget = { 200, 1000 };
		sqlite3 *db = NULL;

		if (untrusted_sqlite_open_budget(data, size, &budget, &db, NULL) == 0)
			hashset_rds3_read(db, "fuzz.db", &cb, &st, NULL);
		untrusted_sqlite_close(db);
		return 0;
	}
	rc = hashset_parse_buffer(data, size, "fuzz", f, &cb, &st, NULL);
	if (rc == 0 && st.entries != n)
		abort();
	return 0;
}

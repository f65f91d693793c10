/*
 * check_carve_data.c — the data-format carvers (plugins/carve-data):
 * carve-sqlite, carve-sqlite-wal, carve-sqlite-journal, carve-zip,
 * carve-pdf and carve-chatlog, driven through tests/support/carve_stub.
 *
 * Samples: the corpus's SQLite databases, ZIPs and Office files and XChat
 * log (skipped with a message when the corpus is absent), and files
 * generated here by tests/unit/carve_data_samples.py (sqlite3, zipfile,
 * hand-written PDFs and chat logs; skipped when python3 is missing).  Each
 * sample is embedded at an odd offset in seeded random bytes and must come
 * out whole, at its exact offset and length, and nothing else whole.
 * Broken copies (truncated, a block overwritten, decoys, absurd sizes, a
 * database split in two with foreign pages between) must not, and the
 * break they report must lie near the damage.
 *
 * With --bench, prints data_check and validate throughput (MB/s) on
 * generated content of 100+ MB per carver instead of testing.
 */
#include <check.h>

#include "check_run.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carve_data.h"
#include "carve_stub.h"
#include "stub_host.h"

static char samples[256]; /* generated samples; empty when they could not be made */

/* ---- helpers ----------------------------------------------------------- */

static const char *corpus_dir(void)
{
	const char *env = getenv("EXHIBIT_CORPUS");

	return env && *env ? env : EXHIBIT_CORPUS_DIR;
}

static unsigned char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static unsigned char *load_sample(const char *name, size_t *len)
{
	char path[512];

	if (!samples[0])
		return NULL;
	snprintf(path, sizeof path, "%s/%s", samples, name);
	return load(path, len);
}

/* Seeded pseudo-random bytes (xorshift), the same on every run. */
static void random_bytes(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)(x >> 24);
	}
}

/* embed — prefix random bytes, the file, suffix random bytes. */
static unsigned char *embed(const unsigned char *file, size_t len, size_t prefix, size_t suffix,
                            uint64_t seed, size_t *total)
{
	unsigned char *buf = malloc(prefix + len + suffix + 1);

	ck_assert_ptr_nonnull(buf);
	random_bytes(buf, prefix, seed);
	memcpy(buf + prefix, file, len);
	random_bytes(buf + prefix + len, suffix, seed + 1);
	*total = prefix + len + suffix;
	return buf;
}

static const char *outcome_name(carve_stub_outcome o)
{
	static const char *names[] = { "rejected", "whole", "invalid", "broken" };

	return names[o];
}

/*
 * expect_whole — file embedded at an odd offset in random bytes comes out
 * whole at that offset with its length, for several block sizes, and
 * nothing else comes out whole.  RETURN: the extension header_check gave.
 */
static const char *expect_whole(const exhibit_plugin *p, const unsigned char *file, size_t len,
                                const char *label)
{
	static const size_t blocks[] = { 512, 4096, 65536, 7 };
	const size_t prefix = 3 * 4096 + 1031;
	const char *ext = NULL;
	size_t total;
	unsigned char *buf = embed(file, len, prefix, 70000, len, &total);

	for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
		carve_stub_file *files;
		size_t n, whole = 0;

		if (blocks[b] == 7 && len > 2000000)
			continue;
		n = carve_stub_scan(p, buf, total, blocks[b], &files);
		ck_assert_msg(n != (size_t)-1, "%s: out of memory", label);
		for (size_t i = 0; i < n; i++) {
			if (files[i].outcome != CARVE_STUB_WHOLE)
				continue;
			whole++;
			ck_assert_msg(files[i].offset == prefix && files[i].length == len,
			              "%s (block %zu): whole at %llu+%llu, expected %zu+%zu", label,
			              blocks[b], (unsigned long long)files[i].offset,
			              (unsigned long long)files[i].length, prefix, len);
			ext = files[i].extension;
		}
		if (whole != 1) {
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, "%s: candidate at %llu: %s, length %llu, bad %llu\n", label,
				        (unsigned long long)files[i].offset, outcome_name(files[i].outcome),
				        (unsigned long long)files[i].length,
				        (unsigned long long)files[i].bad_offset);
		}
		ck_assert_msg(whole == 1, "%s (block %zu): %zu whole files, expected 1", label,
		              blocks[b], whole);
		free(files);
	}
	free(buf);
	return ext;
}

/* judge — the outcome of the candidate buf[0..len) (signature sig). */
static carve_stub_outcome judge(const exhibit_plugin *p, const unsigned char *buf, size_t len,
                                size_t sig, size_t block, carve_stub_file *f)
{
	return carve_stub_candidate(p, buf, len, sig, block, f);
}

/* expect_truncations_fail — the file cut at several points (multiples of
 * granule: a format without checksums cannot see random bytes inside a
 * unit it does not check), alone or followed by random bytes, never comes
 * out whole. */
static void expect_truncations_fail(const exhibit_plugin *p, size_t sig, const unsigned char *file,
                                    size_t len, size_t granule, const char *label)
{
	static const double cuts[] = { 0.1, 0.5, 0.9, 0.999 };

	for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
		size_t cut = (size_t)(len * cuts[c]) / granule * granule, total;
		unsigned char *buf = embed(file, cut, 0, 50000, cut, &total);
		carve_stub_file f;

		ck_assert_msg(judge(p, file, cut, sig, 4096, &f) != CARVE_STUB_WHOLE,
		              "%s cut at %zu came out whole", label, cut);
		ck_assert_msg(judge(p, buf, total, sig, 4096, &f) != CARVE_STUB_WHOLE ||
		              f.length <= cut,
		              "%s cut at %zu, then random bytes, came out whole (%llu bytes)", label, cut,
		              (unsigned long long)f.length);
		free(buf);
	}
}

/*
 * expect_damage_found — a copy of file with damage_len random bytes at
 * damage is not whole, and reports its break in [damage - before,
 * damage + damage_len + after].
 */
static void expect_damage_found(const exhibit_plugin *p, size_t sig, const unsigned char *file,
                                size_t len, size_t damage, size_t damage_len, uint64_t before,
                                uint64_t after, const char *label)
{
	unsigned char *copy = malloc(len);
	carve_stub_file f;
	carve_stub_outcome o;

	memcpy(copy, file, len);
	random_bytes(copy + damage, damage_len, damage);
	o = judge(p, copy, len, sig, 4096, &f);
	ck_assert_msg(o == CARVE_STUB_BROKEN || o == CARVE_STUB_INVALID,
	              "%s damaged at %zu: %s", label, damage, outcome_name(o));
	ck_assert_msg(f.bad_offset + before >= damage && f.bad_offset <= damage + damage_len + after,
	              "%s damaged at %zu+%zu: break reported at %llu", label, damage, damage_len,
	              (unsigned long long)f.bad_offset);
	free(copy);
}

/* expect_decoy_fails — the first head bytes of file, then random bytes. */
static void expect_decoy_fails(const exhibit_plugin *p, size_t sig, const unsigned char *file,
                               size_t head, const char *label)
{
	size_t total;
	unsigned char *buf = embed(file, head, 0, 300000, head * 3 + 1, &total);
	carve_stub_file f;

	ck_assert_msg(judge(p, buf, total, sig, 4096, &f) != CARVE_STUB_WHOLE,
	              "%s decoy came out whole", label);
	free(buf);
}

/* ---- carve-sqlite ---------------------------------------------------------- */

static const char *const corpus_databases[] = {
	"iped/test_skypeMain.db", "iped/test_skypeS4lStreeguil1.db", "plaso-chat/9368974384.db",
	"plaso-chat/NoteStore.sqlite", "plaso-chat/burners.sqlite", "plaso-chat/contacts2.db",
	"plaso-chat/imessage_chat.db", "plaso-chat/mmssms.db", "plaso-chat/skype_main.db",
	"plaso-chat/tango_android_tc.db", "plaso-chat/tango_profile.db",
	"plaso-chat/test_data_ios_twitter.db", "plaso-chat/twitter.db", "plaso-chat/viber_data",
};

START_TEST(sqlite_corpus_whole)
{
	char path[512];
	size_t len, done = 0;

	for (size_t i = 0; i < sizeof corpus_databases / sizeof corpus_databases[0]; i++) {
		unsigned char *db;
		const char *ext;

		snprintf(path, sizeof path, "%s/%s", corpus_dir(), corpus_databases[i]);
		if (!(db = load(path, &len)))
			continue;
		ext = expect_whole(&carve_sqlite_plugin, db, len, corpus_databases[i]);
		ck_assert_str_eq(ext, "sqlite");
		done++;
		free(db);
	}
	if (!done)
		printf("SKIP: the corpus is not at %s (set EXHIBIT_CORPUS)\n", corpus_dir());
}
END_TEST

static const char *const generated_databases[] = {
	"db-page512.sqlite", "db-page1024.sqlite", "db-page4096.sqlite", "db-page65536.sqlite",
	"db-autovacuum.sqlite", "db-freelist.sqlite",
};

START_TEST(sqlite_generated_whole)
{
	size_t len;

	if (!samples[0]) {
		printf("SKIP: no generated samples (python3 with sqlite3 and zipfile needed)\n");
		return;
	}
	for (size_t i = 0; i < sizeof generated_databases / sizeof generated_databases[0]; i++) {
		unsigned char *db = load_sample(generated_databases[i], &len);

		ck_assert_msg(db != NULL, "%s was not generated", generated_databases[i]);
		expect_whole(&carve_sqlite_plugin, db, len, generated_databases[i]);
		free(db);
	}
}
END_TEST

START_TEST(sqlite_broken_copies)
{
	size_t len;

	if (!samples[0])
		return;
	for (size_t i = 0; i < sizeof generated_databases / sizeof generated_databases[0]; i++) {
		unsigned char *db = load_sample(generated_databases[i], &len);
		uint32_t ps = get_be16(db + 16) == 1 ? 65536 : get_be16(db + 16);
		size_t mid = len / 2 / ps * ps;

		expect_truncations_fail(&carve_sqlite_plugin, 0, db, len, ps, generated_databases[i]);
		/* A page overwritten from its first byte: found at that page. */
		expect_damage_found(&carve_sqlite_plugin, 0, db, len, mid, ps, 0, 0,
		                    generated_databases[i]);
		expect_decoy_fails(&carve_sqlite_plugin, 0, db, 100, generated_databases[i]);
		free(db);
	}
}
END_TEST

/* A database whose in-header size is not trusted (an older SQLite wrote
 * it) ends where its pages stop, before trailing zero pages. */
START_TEST(sqlite_untrusted_size)
{
	size_t len, total;
	unsigned char *db, *buf;
	carve_stub_file f;

	if (!samples[0] || !(db = load_sample("db-page4096.sqlite", &len)))
		return;
	db[92] ^= 0xff; /* version-valid-for no longer matches the change counter */
	buf = embed(db, len, 0, 0, 1, &total);
	buf = realloc(buf, len + 3 * 4096 + 10000);
	memset(buf + len, 0, 3 * 4096);
	random_bytes(buf + len + 3 * 4096, 10000, 9);
	ck_assert_int_eq(judge(&carve_sqlite_plugin, buf, len + 3 * 4096 + 10000, 0, 4096, &f),
	                 CARVE_STUB_WHOLE);
	ck_assert_uint_eq(f.length, len);
	free(buf);
	free(db);
}
END_TEST

/* An absurd in-header size: rejected, or broken where the bytes stop,
 * quickly. */
START_TEST(sqlite_absurd_size)
{
	size_t len;
	unsigned char *db;
	carve_stub_file f;

	if (!samples[0] || !(db = load_sample("db-page1024.sqlite", &len)))
		return;
	db[28] = 0x7f; /* 2 billion pages */
	ck_assert_int_ne(judge(&carve_sqlite_plugin, db, len, 0, 4096, &f), CARVE_STUB_WHOLE);
	db[28] = 0;
	db[29] = 0x10; /* a million pages of 1 KiB, in a 100 KiB file */
	ck_assert_int_eq(judge(&carve_sqlite_plugin, db, len, 0, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, len);
	free(db);
}
END_TEST

/*
 * Garfinkel's bifragment case: a database split at a page boundary with
 * foreign pages between its parts.  Validating the unjoined bytes fails
 * at the split (within a page); the joined parts validate.
 */
static int validate_bytes(const exhibit_plugin *p, const unsigned char *buf, size_t len,
                          uint64_t *bad)
{
	exhibit_host *host = stub_host_new(buf, len, NULL);
	int rc;

	ck_assert_ptr_nonnull(host);
	*bad = 0;
	rc = p->carver->validate(stub_host_api(), host, len, bad);
	stub_host_free(host);
	return rc;
}

START_TEST(sqlite_fragmented)
{
	static const char *const names[] = { "db-page1024.sqlite", "db-page4096.sqlite",
	                                     "db-freelist.sqlite", "db-autovacuum.sqlite" };

	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		size_t len;
		unsigned char *db = samples[0] ? load_sample(names[k], &len) : NULL;
		uint32_t ps;
		uint64_t bad;

		if (!db)
			return;
		ps = get_be16(db + 16);
		ck_assert_int_eq(validate_bytes(&carve_sqlite_plugin, db, len, &bad), EXHIBIT_OK);
		for (size_t split_page = 2; split_page < len / ps; split_page += (len / ps) / 5 + 1) {
			size_t split = split_page * ps, gap = 7 * ps;
			unsigned char *frag = malloc(len + gap);
			carve_stub_file f;

			memcpy(frag, db, split);
			random_bytes(frag + split, gap, split);
			memcpy(frag + split + gap, db + split, len - split);
			ck_assert_int_eq(validate_bytes(&carve_sqlite_plugin, frag, len, &bad),
			                 EXHIBIT_ERR_FORMAT);
			ck_assert_msg(bad >= split && bad <= split + ps,
			              "%s split at %zu: validate says %llu", names[k], split,
			              (unsigned long long)bad);
			/* The stream check sees it too, at the split page itself. */
			ck_assert_int_eq(judge(&carve_sqlite_plugin, frag, len + gap, 0, 4096, &f),
			                 CARVE_STUB_BROKEN);
			ck_assert_uint_eq(f.bad_offset, split);
			/* Foreign pages that look like SQLite pages: pages of the
			 * same database, shifted. */
			memcpy(frag + split, db + ps, gap);
			ck_assert_int_eq(validate_bytes(&carve_sqlite_plugin, frag, len, &bad),
			                 EXHIBIT_ERR_FORMAT);
			ck_assert_msg(bad >= split && bad <= split + ps * 8,
			              "%s split at %zu, own pages between: validate says %llu", names[k],
			              split, (unsigned long long)bad);
			free(frag);
		}
		free(db);
	}
}
END_TEST

/* Two sibling leaves of a table swapped: every page is still a well-formed
 * b-tree page, claimed once, of the right kind; only the rowids no longer
 * fit the keys that lead to them, as when a page of another database
 * takes a page's place in a wrong join. */
START_TEST(sqlite_swapped_leaves)
{
	size_t len, swapped = 0;
	unsigned char *db;
	uint64_t bad;

	if (!samples[0] || !(db = load_sample("db-page1024.sqlite", &len)))
		return;
	for (uint32_t ps = get_be16(db + 16), pg = 2; !swapped && pg <= len / ps; pg++) {
		unsigned char *page = db + (size_t)(pg - 1) * ps;
		uint32_t a, b;
		if (page[0] != 0x05 || get_be16(page + 3) < 2)
			continue; /* a table's interior page with two cells or more */
		a = get_be32(page + get_be16(page + 12));     /* the first two cells' children */
		b = get_be32(page + get_be16(page + 14));
		if (!a || !b || a > len / ps || b > len / ps || db[(size_t)(a - 1) * ps] != 0x0D ||
		    db[(size_t)(b - 1) * ps] != 0x0D)
			continue;
		unsigned char *tmp = malloc(ps);
		memcpy(tmp, db + (size_t)(a - 1) * ps, ps);
		memcpy(db + (size_t)(a - 1) * ps, db + (size_t)(b - 1) * ps, ps);
		memcpy(db + (size_t)(b - 1) * ps, tmp, ps);
		free(tmp);
		swapped = ((a < b ? a : b) - 1) * (size_t)ps + 1;
	}
	ck_assert_msg(swapped, "db-page1024.sqlite has no table interior page with two leaves");
	ck_assert_int_eq(validate_bytes(&carve_sqlite_plugin, db, len, &bad), EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(bad, swapped - 1);
	free(db);
}
END_TEST

/* A b-tree page whose content area is not exactly its cells, freeblocks
 * and counted fragments (as a page of a database with another page size
 * taken for one of this database's) is wrong: one fragment byte more on a
 * leaf is found, at that page. */
START_TEST(sqlite_content_not_accounted)
{
	size_t len, page = 0;
	unsigned char *db;
	uint64_t bad;

	if (!samples[0] || !(db = load_sample("db-page1024.sqlite", &len)))
		return;
	ck_assert_int_eq(validate_bytes(&carve_sqlite_plugin, db, len, &bad), EXHIBIT_OK);
	for (uint32_t ps = get_be16(db + 16), pg = 2; !page && pg <= len / ps; pg++)
		if (db[(size_t)(pg - 1) * ps] == 0x0D && get_be16(db + (size_t)(pg - 1) * ps + 3))
			page = (size_t)(pg - 1) * ps;
	ck_assert_msg(page, "db-page1024.sqlite has no table leaf page with cells");
	db[page + 7]++;
	ck_assert_int_eq(validate_bytes(&carve_sqlite_plugin, db, len, &bad), EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(bad, page);
	free(db);
}
END_TEST

/* Pages the header counts that nothing claims must look like the
 * database's own: zeros pass (a page never written), another file's bytes
 * fail at the first of them. */
START_TEST(sqlite_unclaimed_pages)
{
	size_t len;
	unsigned char *db, *grown;
	uint32_t ps, pages;
	uint64_t bad;

	if (!samples[0] || !(db = load_sample("db-page1024.sqlite", &len)))
		return;
	ps = get_be16(db + 16);
	pages = (uint32_t)(len / ps);
	ck_assert_uint_eq(get_be32(db + 28), pages);   /* a size the header states */
	grown = calloc(1, len + 2u * ps);
	memcpy(grown, db, len);
	grown[28] = (unsigned char)((pages + 2) >> 24);
	grown[29] = (unsigned char)((pages + 2) >> 16);
	grown[30] = (unsigned char)((pages + 2) >> 8);
	grown[31] = (unsigned char)(pages + 2);
	ck_assert_int_eq(validate_bytes(&carve_sqlite_plugin, grown, len + 2u * ps, &bad), EXHIBIT_OK);
	memset(grown + len, 0xA7, 2u * ps);             /* not a page of any database */
	ck_assert_int_eq(validate_bytes(&carve_sqlite_plugin, grown, len + 2u * ps, &bad),
	                 EXHIBIT_ERR_FORMAT);
	ck_assert_uint_eq(bad, len);
	free(grown);
	free(db);
}
END_TEST

/* ---- carve-sqlite-wal and carve-sqlite-journal ------------------------------ */

START_TEST(wal_and_journal_whole)
{
	static const char *const wals[] = { "wal-page1024.sqlite-wal", "wal-page4096.sqlite-wal" };
	static const char *const journals[] = { "journal-page1024.sqlite-journal",
	                                        "journal-page4096.sqlite-journal" };
	size_t len;

	if (!samples[0])
		return;
	for (size_t i = 0; i < 2; i++) {
		unsigned char *w = load_sample(wals[i], &len);
		uint32_t ps, frame;
		const char *ext;

		ck_assert_ptr_nonnull(w);
		ext = expect_whole(&carve_sqlite_wal_plugin, w, len, wals[i]);
		ck_assert_str_eq(ext, "sqlite-wal");
		ps = get_be32(w + 8);
		frame = 24 + ps;
		expect_truncations_fail(&carve_sqlite_wal_plugin, w[3] & 1, w, len, 1, wals[i]);
		/* Page bytes of frame 3 overwritten: broken at that frame. */
		expect_damage_found(&carve_sqlite_wal_plugin, w[3] & 1, w, len, 32 + 3 * frame + 100,
		                    64, frame, 0, wals[i]);
		expect_decoy_fails(&carve_sqlite_wal_plugin, w[3] & 1, w, 32, wals[i]);
		free(w);
	}
	for (size_t i = 0; i < 2; i++) {
		unsigned char *j = load_sample(journals[i], &len);
		uint32_t sector, ps;
		const char *ext;

		ck_assert_ptr_nonnull(j);
		ext = expect_whole(&carve_sqlite_journal_plugin, j, len, journals[i]);
		ck_assert_str_eq(ext, "sqlite-journal");
		sector = get_be32(j + 20);
		ps = get_be32(j + 24);
		ck_assert_uint_gt(get_be32(j + 8), 0);
		expect_truncations_fail(&carve_sqlite_journal_plugin, 0, j, len, 1, journals[i]);
		/* The page number of record 2 overwritten. */
		expect_damage_found(&carve_sqlite_journal_plugin, 0, j, len, sector + 2 * (ps + 8), 4,
		                    0, 0, journals[i]);
		expect_decoy_fails(&carve_sqlite_journal_plugin, 0, j, 28, journals[i]);
		free(j);
	}
}
END_TEST

/* A WAL restarted by a checkpoint: the new log's frames, then the old
 * log's left behind it with other salts.  The carve ends where the
 * new log does (an independent reading in carve_data_samples.py says
 * where), and the old frames are not taken for a second file. */
START_TEST(wal_restarted_ends_at_new_log)
{
	size_t len, end_len;
	unsigned char *w, *e;
	carve_stub_file f;
	unsigned long long expected;

	if (!samples[0] || !(w = load_sample("wal-restarted.sqlite-wal", &len)))
		return;
	e = load_sample("wal-restarted.sqlite-wal.end", &end_len);
	ck_assert_ptr_nonnull(e);
	e[end_len] = 0;
	expected = strtoull((const char *)e, NULL, 10);
	ck_assert_uint_lt(expected, len);
	ck_assert_int_eq(judge(&carve_sqlite_wal_plugin, w, len, w[3] & 1, 4096, &f), CARVE_STUB_WHOLE);
	ck_assert_uint_eq(f.length, expected);
	ck_assert_str_eq(expect_whole(&carve_sqlite_wal_plugin, w, (size_t)expected, "wal-restarted"),
	                 "sqlite-wal");
	free(e);
	free(w);
}
END_TEST

/* ---- carve-zip ------------------------------------------------------------------ */

static const char *const corpus_zips[][2] = {
	{ "filetype/sample.zip", "zip" }, { "filetype/sample.docx", "docx" },
	{ "iped/test_mockZip.zip", "zip" }, { "iped/test_mockDoc1.docx", "docx" },
	{ "sleuthkit_test_data/14-iso9660-1.zip", "zip" },
	{ "sleuthkit_test_data/5-fat-daylight.zip", "zip" },
	{ "sleuthkit_test_data/6-undel-fat.zip", "zip" },
	{ "sleuthkit_test_data/image.gen1.zip", "zip" },
	{ "sleuthkit_test_data/1-extend-part.zip", "zip" },
};

START_TEST(zip_corpus_whole)
{
	char path[512];
	size_t len, done = 0;

	for (size_t i = 0; i < sizeof corpus_zips / sizeof corpus_zips[0]; i++) {
		unsigned char *z;

		snprintf(path, sizeof path, "%s/%s", corpus_dir(), corpus_zips[i][0]);
		if (!(z = load(path, &len)))
			continue;
		ck_assert_str_eq(expect_whole(&carve_zip_plugin, z, len, corpus_zips[i][0]),
		                 corpus_zips[i][1]);
		done++;
		free(z);
	}
	if (!done)
		printf("SKIP: the corpus is not at %s (set EXHIBIT_CORPUS)\n", corpus_dir());
}
END_TEST

static const char *const generated_zips[][2] = {
	{ "zip-deflated.zip", "zip" }, { "zip-stored.zip", "zip" },
	{ "zip-descriptor-deflated.zip", "zip" }, { "zip-descriptor-stored.zip", "zip" },
	{ "zip-zip64.zip", "zip" }, { "zip-word.docx", "docx" }, { "zip-text.odt", "odt" },
	{ "zip-many.zip", "zip" },
};

START_TEST(zip_generated_whole)
{
	size_t len;

	if (!samples[0]) {
		printf("SKIP: no generated samples (python3 needed)\n");
		return;
	}
	for (size_t i = 0; i < sizeof generated_zips / sizeof generated_zips[0]; i++) {
		unsigned char *z = load_sample(generated_zips[i][0], &len);

		ck_assert_msg(z != NULL, "%s was not generated", generated_zips[i][0]);
		ck_assert_str_eq(expect_whole(&carve_zip_plugin, z, len, generated_zips[i][0]),
		                 generated_zips[i][1]);
		free(z);
	}
}
END_TEST

START_TEST(zip_broken_copies)
{
	size_t len;

	if (!samples[0])
		return;
	for (size_t i = 0; i < sizeof generated_zips / sizeof generated_zips[0]; i++) {
		const char *name = generated_zips[i][0];
		unsigned char *z = load_sample(name, &len);

		expect_truncations_fail(&carve_zip_plugin, 0, z, len, 1, name);
		expect_decoy_fails(&carve_zip_plugin, 0, z, 100, name);
		free(z);
	}
	/* Damage inside deflated data: inflate or the CRC finds it, at or
	 * after the entry's data start and not far past the damage. */
	{
		unsigned char *z = load_sample("zip-deflated.zip", &len);
		/* data/notes.txt is the third entry, 1979 bytes deflated. */
		unsigned char *hit = memmem(z, len, "data/notes.txt", 14);
		size_t data = (size_t)(hit - z) + 14, damage = data + 500;

		expect_damage_found(&carve_zip_plugin, 0, z, len, damage, 64, 500, 1500,
		                    "zip-deflated.zip");
		free(z);
		z = load_sample("zip-stored.zip", &len);
		hit = memmem(z, len, "data/random.bin", 15);
		data = (size_t)(hit - z) + 15;
		/* Stored data has only its CRC: the break is the entry's data. */
		expect_damage_found(&carve_zip_plugin, 0, z, len, data + 5000, 512, 5000, 0,
		                    "zip-stored.zip");
		free(z);
	}
}
END_TEST

/* Bytes inserted inside an entry: the next record is not where the entry
 * says, and the break reported is that entry's data. */
START_TEST(zip_gap_inside_entry)
{
	size_t len;
	unsigned char *z, *frag, *hit;
	size_t data, split;
	carve_stub_file f;

	if (!samples[0] || !(z = load_sample("zip-stored.zip", &len)))
		return;
	hit = memmem(z, len, "data/random.bin", 15);
	data = (size_t)(hit - z) + 15;
	split = data + 4096;
	frag = malloc(len + 8192);
	memcpy(frag, z, split);
	random_bytes(frag + split, 8192, 77);
	memcpy(frag + split + 8192, z + split, len - split);
	ck_assert_int_eq(judge(&carve_zip_plugin, frag, len + 8192, 0, 4096, &f), CARVE_STUB_BROKEN);
	ck_assert_uint_eq(f.bad_offset, data);
	free(frag);
	free(z);
}
END_TEST

/* ---- carve-pdf ------------------------------------------------------------------- */

static const char *const generated_pdfs[] = { "pdf-classic.pdf", "pdf-incremental.pdf",
                                              "pdf-xrefstream.pdf" };

START_TEST(pdf_generated_whole)
{
	size_t len;

	if (!samples[0]) {
		printf("SKIP: no generated samples (python3 needed)\n");
		return;
	}
	for (size_t i = 0; i < sizeof generated_pdfs / sizeof generated_pdfs[0]; i++) {
		unsigned char *d = load_sample(generated_pdfs[i], &len);
		uint64_t bad;

		ck_assert_msg(d != NULL, "%s was not generated", generated_pdfs[i]);
		ck_assert_int_eq(validate_bytes(&carve_pdf_plugin, d, len, &bad), EXHIBIT_OK);
		ck_assert_str_eq(expect_whole(&carve_pdf_plugin, d, len, generated_pdfs[i]), "pdf");
		/* (A cut inside an incremental update leaves the earlier
		 * revision whole: pdf_incremental_takes_last_eof.) */
		if (i != 1)
			expect_truncations_fail(&carve_pdf_plugin, 0, d, len, 1, generated_pdfs[i]);
		expect_decoy_fails(&carve_pdf_plugin, 0, d, 16, generated_pdfs[i]);
		free(d);
	}
}
END_TEST

/* The incremental update's %%EOF is the end; the first one is not. */
START_TEST(pdf_incremental_takes_last_eof)
{
	size_t len, base_len;
	unsigned char *d, *base;
	carve_stub_file f;

	if (!samples[0] || !(d = load_sample("pdf-incremental.pdf", &len)))
		return;
	base = load_sample("pdf-classic.pdf", &base_len);
	ck_assert_uint_lt(base_len, len);
	ck_assert_int_eq(memcmp(d, base, base_len), 0);
	ck_assert_int_eq(judge(&carve_pdf_plugin, d, len, 0, 4096, &f), CARVE_STUB_WHOLE);
	ck_assert_uint_eq(f.length, len);
	/* Cut inside the update: the earlier revision comes out whole. */
	ck_assert_int_eq(judge(&carve_pdf_plugin, d, base_len + 50, 0, 4096, &f), CARVE_STUB_WHOLE);
	ck_assert_uint_eq(f.length, base_len);
	/* The base alone followed by zeros: ends at its own %%EOF. */
	{
		unsigned char *z = calloc(1, base_len + 9000);
		memcpy(z, base, base_len);
		ck_assert_int_eq(judge(&carve_pdf_plugin, z, base_len + 9000, 0, 4096, &f),
		                 CARVE_STUB_WHOLE);
		ck_assert_uint_eq(f.length, base_len);
		free(z);
	}
	free(base);
	free(d);
}
END_TEST

/* Foreign bytes between objects or inside a stream: the break is found
 * at the damage (between objects) or within the object holding it. */
START_TEST(pdf_gaps)
{
	size_t len;
	unsigned char *d;

	if (!samples[0] || !(d = load_sample("pdf-classic.pdf", &len)))
		return;
	for (int inside = 0; inside < 2; inside++) {
		/* object 5 is page 2's content stream */
		unsigned char *obj = memmem(d, len, "\n5 0 obj", 8) + 1;
		unsigned char *data = memmem(obj, len - (size_t)(obj - d), "stream\n", 7) + 7;
		size_t split = inside ? (size_t)(data - d) + 10 : (size_t)(obj - d), gap = 3000;
		unsigned char *frag = malloc(len + gap);
		carve_stub_file f;
		carve_stub_outcome o;

		memcpy(frag, d, split);
		random_bytes(frag + split, gap, split);
		memcpy(frag + split + gap, d + split, len - split);
		o = judge(&carve_pdf_plugin, frag, len + gap, 0, 512, &f);
		ck_assert_msg(o == CARVE_STUB_BROKEN || o == CARVE_STUB_INVALID, "gap %d: %s", inside,
		              outcome_name(o));
		ck_assert_msg(f.bad_offset >= (size_t)(obj - d) && f.bad_offset <= split + 300,
		              "gap %s at %zu: break at %llu (object at %zu)",
		              inside ? "in a stream" : "between objects", split,
		              (unsigned long long)f.bad_offset, (size_t)(obj - d));
		free(frag);
	}
	free(d);
}
END_TEST

/* ---- carve-chatlog --------------------------------------------------------------- */

START_TEST(chatlog_whole)
{
	static const char *const logs[] = { "chat-xchat.log", "chat-mirc.log", "chat-irssi.log" };
	static const size_t sigs[] = { 0, 1, 4 }; /* XChat, mIRC after its empty line, irssi */
	char path[512];
	size_t len;
	unsigned char *d;

	snprintf(path, sizeof path, "%s/plaso-chat/xchat.log", corpus_dir());
	if ((d = load(path, &len))) {
		ck_assert_str_eq(expect_whole(&carve_chatlog_plugin, d, len, "xchat.log"), "log");
		free(d);
	} else {
		printf("SKIP: the corpus is not at %s (set EXHIBIT_CORPUS)\n", corpus_dir());
	}
	if (!samples[0])
		return;
	for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++) {
		size_t total;
		unsigned char *buf;
		carve_stub_file f;

		d = load_sample(logs[i], &len);
		ck_assert_ptr_nonnull(d);
		ck_assert_str_eq(expect_whole(&carve_chatlog_plugin, d, len, logs[i]), "log");
		/* Followed by zeros (a file's slack): ends at the last line. */
		buf = embed(d, len, 0, 0, 1, &total);
		buf = realloc(buf, len + 4096);
		memset(buf + len, 0, 4096);
		ck_assert_int_eq(judge(&carve_chatlog_plugin, buf, len + 4096, sigs[i], 512, &f),
		                 CARVE_STUB_WHOLE);
		ck_assert_uint_eq(f.length, len);
		/* Cut in mid-line then random bytes: the partial line is dropped. */
		memcpy(buf, d, len);
		random_bytes(buf + len - 10, 4096, 5);
		ck_assert_int_eq(judge(&carve_chatlog_plugin, buf, len + 4086, sigs[i], 512, &f),
		                 CARVE_STUB_WHOLE);
		ck_assert_uint_le(f.length, len - 10);
		ck_assert_uint_gt(f.length, len - 300);
		ck_assert_int_eq(buf[f.length - 1], '\n');
		free(buf);
		free(d);
	}
}
END_TEST

/* First lines that only start like a log's, and binary after a header. */
START_TEST(chatlog_decoys)
{
	static const char *const bad[] = {
		"**** BEGIN LOGGING AT sometime\nhello\n",
		"**** BEGIN LOGGING AT Mon Dec 31 21:11:55\n",
		"Session Start: yesterday\n",
		"--- Log opened Mon Dex 31 21:11:55 2011\n",
		"Conversation with nobody\n",
	};
	carve_stub_file f;
	unsigned char buf[600];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = strlen(bad[i]);
		carve_stub_file *files;
		size_t k;

		memcpy(buf, bad[i], n);
		memset(buf + n, 'x', sizeof buf - n);
		buf[sizeof buf - 1] = '\n';
		k = carve_stub_scan(&carve_chatlog_plugin, buf, sizeof buf, 512, &files);
		ck_assert_msg(k == 0, "%s: %zu candidates", bad[i], k);
		free(files);
	}
	/* A good header, then binary: too short to keep. */
	memcpy(buf, "--- Log opened Mon Dec 31 21:11:55 2011\n", 40);
	random_bytes(buf + 40, sizeof buf - 40, 3);
	ck_assert_int_ne(judge(&carve_chatlog_plugin, buf, sizeof buf, 4, 512, &f), CARVE_STUB_WHOLE);
}
END_TEST

/* ---- suite ---------------------------------------------------------------------- */

static void make_samples(void)
{
	char cmd[1024];

	snprintf(samples, sizeof samples, "%s/carve-data-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(samples)) {
		samples[0] = 0;
		return;
	}
	snprintf(cmd, sizeof cmd, "python3 '%s/tests/unit/carve_data_samples.py' '%s'",
	         EXHIBIT_SOURCE_DIR, samples);
	if (system(cmd) != 0) {
		printf("SKIP: could not generate samples (%s)\n", cmd);
		samples[0] = 0;
	}
}

static void remove_samples(void)
{
	char cmd[512];

	if (samples[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", samples);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", samples);
	}
}

int carve_data_bench(const char *dir);

int main(int argc, char **argv)
{
	Suite *s = suite_create("carve-data");
	TCase *sqlite = tcase_create("sqlite");
	TCase *zip = tcase_create("zip");
	TCase *pdf = tcase_create("pdf");
	TCase *chat = tcase_create("chatlog");
	int rc;

	make_samples();
	if (argc > 1 && strcmp(argv[1], "--bench") == 0) {
		rc = carve_data_bench(samples);
		remove_samples();
		return rc;
	}
	tcase_set_timeout(sqlite, 300);
	tcase_add_test(sqlite, sqlite_corpus_whole);
	tcase_add_test(sqlite, sqlite_generated_whole);
	tcase_add_test(sqlite, sqlite_broken_copies);
	tcase_add_test(sqlite, sqlite_untrusted_size);
	tcase_add_test(sqlite, sqlite_absurd_size);
	tcase_add_test(sqlite, sqlite_fragmented);
	tcase_add_test(sqlite, sqlite_swapped_leaves);
	tcase_add_test(sqlite, sqlite_content_not_accounted);
	tcase_add_test(sqlite, sqlite_unclaimed_pages);
	tcase_add_test(sqlite, wal_and_journal_whole);
	tcase_add_test(sqlite, wal_restarted_ends_at_new_log);
	suite_add_tcase(s, sqlite);
	tcase_set_timeout(zip, 300);
	tcase_add_test(zip, zip_corpus_whole);
	tcase_add_test(zip, zip_generated_whole);
	tcase_add_test(zip, zip_broken_copies);
	tcase_add_test(zip, zip_gap_inside_entry);
	suite_add_tcase(s, zip);
	tcase_add_test(pdf, pdf_generated_whole);
	tcase_add_test(pdf, pdf_incremental_takes_last_eof);
	tcase_add_test(pdf, pdf_gaps);
	suite_add_tcase(s, pdf);
	tcase_add_test(chat, chatlog_whole);
	tcase_add_test(chat, chatlog_decoys);
	suite_add_tcase(s, chat);
	rc = check_run_suite(s);
	remove_samples();
	return rc;
}

/* ---- --bench: throughput ----------------------------------------------------------- */

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* bench_one — header_check and data_check over the whole file in 64 KiB
 * blocks (skips honoured), then validate; print MB/s of each. */
static void bench_one(const exhibit_plugin *p, size_t sig, const char *dir, const char *name)
{
	char path[512];
	size_t len;
	unsigned char *buf;
	const exhibit_carver *c = p->carver;
	exhibit_carve_header h = { 0, 0, NULL };
	void *state = calloc(1, c->state_size);
	uint64_t pos = 0, end = 0, bad = 0;
	double t0, t1, t2;
	int v = EXHIBIT_CARVE_CONTINUE, rc;
	exhibit_host *host;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(buf = load(path, &len))) {
		printf("%-22s (not generated)\n", name);
		free(state);
		return;
	}
	t0 = seconds();
	if (c->header_check(state, buf, len < c->header_len ? len : c->header_len, sig, &h) !=
	    EXHIBIT_CARVE_ACCEPT)
		v = EXHIBIT_CARVE_REJECT;
	while (v == EXHIBIT_CARVE_CONTINUE) {
		size_t n = pos < len ? (len - pos < 65536 ? (size_t)(len - pos) : 65536) : 0;
		end = pos + n;
		v = c->data_check(state, pos, buf + pos, n, &end);
		if (v != EXHIBIT_CARVE_CONTINUE || n == 0)
			break;
		pos = end > pos + n ? end : pos + n;
	}
	t1 = seconds();
	host = stub_host_new(buf, len, NULL);
	rc = c->validate(stub_host_api(), host, end, &bad);
	t2 = seconds();
	stub_host_free(host);
	printf("%-24s %7.1f MB  data_check %8.0f MB/s (%s at %llu)  validate %7.0f MB/s (%s)\n", name,
	       len / 1e6, len / 1e6 / (t1 - t0),
	       v == EXHIBIT_CARVE_END ? "END" : v == EXHIBIT_CARVE_ERROR ? "ERROR" : "other",
	       (unsigned long long)end, len / 1e6 / (t2 - t1), rc == EXHIBIT_OK ? "ok" : "FAILED");
	free(buf);
	free(state);
}

int carve_data_bench(const char *dir)
{
	char cmd[1024];

	(void)dir;
	snprintf(cmd, sizeof cmd, "python3 '%s/tests/unit/carve_data_bench.py' '%s/bench'",
	         EXHIBIT_SOURCE_DIR, samples);
	if (!samples[0] || system(cmd) != 0) {
		fprintf(stderr, "could not generate the bench content (%s)\n", cmd);
		return EXIT_FAILURE;
	}
	snprintf(cmd, sizeof cmd, "%s/bench", samples);
	bench_one(&carve_sqlite_plugin, 0, cmd, "bench.sqlite");
	bench_one(&carve_sqlite_wal_plugin, 0, cmd, "bench.sqlite-wal");
	bench_one(&carve_sqlite_journal_plugin, 0, cmd, "bench.sqlite-journal");
	bench_one(&carve_zip_plugin, 0, cmd, "bench-stored.zip");
	bench_one(&carve_zip_plugin, 0, cmd, "bench-deflated.zip");
	bench_one(&carve_pdf_plugin, 0, cmd, "bench-direct.pdf");
	bench_one(&carve_pdf_plugin, 0, cmd, "bench-indirect.pdf");
	bench_one(&carve_chatlog_plugin, 0, cmd, "bench-xchat.log");
	return EXIT_SUCCESS;
}

/*
 * check_similar.c — the near-duplicate index (core/pdq_index.c) against a
 * comparison with every hash, and the near-duplicate search
 * (core/similar.c) on a case built here: image pairs at the distance and
 * not beyond, untrusted hashes left out, videos matched as sequences
 * (a clip of a longer video pairs, the same frames in reverse order do
 * not), clusters, and hits on the PDQ values of a VICS hash set imported
 * into a hash database (core/hashdb_pdq.c) with the set's category.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "casedb.h"
#include "check_run.h"
#include "hashdb.h"
#include "hashdb_import.h"
#include "hashdb_pdq.h"
#include "pdq_index.h"
#include "similar.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_value(pdq_value *v)
{
	for (int i = 0; i < PDQ_VALUE_BYTES; i += 8) {
		uint64_t r = next();
		memcpy(v->bytes + i, &r, 8);
	}
}

/* flip_bits — flip bits first .. first + k - 1 (mod 256). */
static pdq_value flipped(const pdq_value *v, int first, int k)
{
	pdq_value out = *v;

	for (int i = 0; i < k; i++) {
		int bit = (first + i) % 256;
		out.bytes[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	return out;
}

/* ---------------------------------------------------------------- the index */

typedef struct seen {
	unsigned char *hit;
	int *distance;
	size_t calls;
} seen;

/* (Check's assertions are slow in loops of millions: mismatches are
 * counted, then asserted once.) */
static int mark(void *ctx, size_t id, int distance)
{
	seen *s = ctx;

	s->hit[id]++;
	s->distance[id] = distance;
	s->calls++;
	return 0;
}

static void check_against_scan(const pdq_value *values, size_t n, const pdq_index *ix,
                               const pdq_value *q, int radius)
{
	seen s = { calloc(n, 1), calloc(n, sizeof(int)), 0 };
	size_t expected = 0, wrong = 0, first_wrong = 0;

	ck_assert_uint_eq(pdq_index_query(ix, q, radius, mark, &s), s.calls);
	for (size_t i = 0; i < n; i++) {
		int d = pdq_value_distance(q, &values[i]);
		int ok = d <= radius ? s.hit[i] == 1 && s.distance[i] == d : s.hit[i] == 0;

		expected += d <= radius;
		if (!ok && wrong++ == 0)
			first_wrong = i;
	}
	ck_assert_msg(wrong == 0, "radius %d: %zu ids wrong, the first %zu at %d reported %d times",
	              radius, wrong, first_wrong, pdq_value_distance(q, &values[first_wrong]),
	              s.hit[first_wrong]);
	ck_assert_uint_eq(s.calls, expected);
	free(s.hit);
	free(s.distance);
}

static void index_case(size_t random_count)
{
	static const int radii[] = { 0, 1, 5, 15, 16, 31, 32, 47, 48, 63, 64, 100, 256 };
	size_t queries = 40, per = 12, n = random_count + queries * per;
	pdq_value *values = malloc(n * sizeof *values), *q = malloc(queries * sizeof *q);
	exhibit_error err;
	pdq_index *ix;

	for (size_t i = 0; i < random_count; i++)
		random_value(&values[i]);
	for (size_t k = 0; k < queries; k++) {
		random_value(&q[k]);
		for (size_t p = 0; p < per; p++) /* near ones at 0..70 bits, flips spread out */
			values[random_count + k * per + p] = flipped(&q[k], (int)(next() % 256), (int)(p * 6));
	}
	ix = pdq_index_new(values, n, &err);
	ck_assert_ptr_nonnull(ix);
	ck_assert_uint_eq(pdq_index_size(ix), n);
	for (size_t k = 0; k < queries; k++)
		for (size_t r = 0; r < sizeof radii / sizeof radii[0]; r++)
			check_against_scan(values, n, ix, &q[k], radii[r]);
	pdq_index_free(ix);
	free(values);
	free(q);
}

START_TEST(index_answers_as_a_scan_does)
{
	index_case(20000); /* probed through the chunk tables */
}
END_TEST

START_TEST(small_index_answers_as_a_scan_does)
{
	index_case(100); /* scanned */
}
END_TEST

/* Hashes that differ only inside one chunk, or spread over every chunk:
 * the pigeonhole bound is met at its edge. */
START_TEST(index_finds_answers_at_the_pigeonhole_edge)
{
	size_t n = 4096;
	pdq_value *values = malloc(n * sizeof *values), q;
	exhibit_error err;
	pdq_index *ix;

	random_value(&q);
	for (size_t i = 0; i < n; i++) {
		values[i] = q;
		/* 31 bits: one chunk gets (i % 16) of them... */
		for (int b = 0; b < 31; b++) {
			int chunk = (int)((b + i) % 16), bit = chunk * 16 + (int)((b * 7 + i) % 16);
			values[i].bytes[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		}
	}
	ix = pdq_index_new(values, n, &err);
	ck_assert_ptr_nonnull(ix);
	check_against_scan(values, n, ix, &q, 31);
	check_against_scan(values, n, ix, &q, 20);
	pdq_index_free(ix);
	free(values);
}
END_TEST

START_TEST(value_parse)
{
	pdq_value v;

	ck_assert_int_eq(pdq_value_parse("00FF00ff00000000000000000000000000000000000000000000000000000001",
	                                 64, &v), 0);
	ck_assert_int_eq(v.bytes[1], 0xff);
	ck_assert_int_eq(v.bytes[31], 1);
	ck_assert_int_eq(pdq_value_parse("00ff", 4, &v), -1);
	ck_assert_int_eq(pdq_value_parse("x0ff00ff00000000000000000000000000000000000000000000000000000001",
	                                 64, &v), -1);
}
END_TEST

/* ---------------------------------------------------------------- a case */

static char tmp_dir[64], case_dir[128];

static casedb *new_case(void)
{
	casedb *db;
	exhibit_error err;

	snprintf(tmp_dir, sizeof tmp_dir, "/tmp/exhibit-check-similar-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
	snprintf(case_dir, sizeof case_dir, "%s/case", tmp_dir);
	exhibit_error_clear(&err);
	ck_assert_msg(casedb_open(case_dir, &db, &err) == 0, "%s", err.message);
	ck_assert_int_eq(sqlite3_exec(casedb_handle(db), "INSERT INTO evidence(id, path, segments, "
	                              "format, added) VALUES (1, '/e', '/e', 'directory', 'now')",
	                              NULL, NULL, NULL), SQLITE_OK);
	return db;
}

/* close_case — close the case and remove everything the test made. */
static void close_case(casedb *db)
{
	char cmd[128];

	casedb_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* add_content — a content with one file /name; its id. */
static int64_t add_content(casedb *db, const char *name)
{
	sqlite3 *h = casedb_handle(db);
	sqlite3_stmt *s;
	unsigned char sha[32];
	int64_t id;

	for (int i = 0; i < 32; i++)
		sha[i] = (unsigned char)next();
	ck_assert_int_eq(sqlite3_prepare_v2(h, "INSERT INTO content(sha256, md5, sha1, size) VALUES "
	                                    "(?1, x'00', x'00', 1)", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_blob(s, 1, sha, 32, SQLITE_TRANSIENT);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	id = sqlite3_last_insert_rowid(h);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "INSERT INTO files(evidence_id, source, path, name, "
	                                    "type, name_allocated, meta_allocated, content_id) VALUES "
	                                    "(1, 'fs', '/' || ?1, ?1, 'r', 1, 1, ?2)", -1, &s, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, id);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	return id;
}

static void add_crop(casedb *db, int64_t content, double crop, const pdq_value *v, int quality)
{
	sqlite3_stmt *s;

	ck_assert_int_eq(sqlite3_prepare_v2(casedb_handle(db), "INSERT INTO media_pdq(content_id, "
	                                    "pdq, quality, complete, crop) VALUES (?1, ?2, ?3, 1, ?4)",
	                                    -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, content);
	sqlite3_bind_blob(s, 2, v->bytes, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, quality);
	sqlite3_bind_double(s, 4, crop);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static void add_image(casedb *db, int64_t content, const pdq_value *v, int quality)
{
	add_crop(db, content, 1, v, quality);
}

static void add_frames(casedb *db, int64_t content, const pdq_value *v, size_t n)
{
	sqlite3_stmt *s;

	ck_assert_int_eq(sqlite3_prepare_v2(casedb_handle(db), "INSERT INTO media_frames(content_id, "
	                                    "frame, time_s, pdq, quality, complete) VALUES "
	                                    "(?1, ?2, ?2, ?3, 100, 1)", -1, &s, NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(s, 1, content);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		sqlite3_bind_blob(s, 3, v[i].bytes, 32, SQLITE_TRANSIENT);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
}

static char *query(casedb *db, const char *sql)
{
	sqlite3_stmt *s;
	char *out = NULL;

	ck_assert_msg(sqlite3_prepare_v2(casedb_handle(db), sql, -1, &s, NULL) == SQLITE_OK, "%s: %s",
	              sql, sqlite3_errmsg(casedb_handle(db)));
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		out = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return out ? out : strdup("");
}

static void expect(casedb *db, const char *sql, const char *want)
{
	char *got = query(db, sql);

	ck_assert_msg(!strcmp(got, want), "%s\n  got  %s\n  want %s", sql, got, want);
	free(got);
}

typedef struct fixture {
	casedb *db;
	int64_t a, b, c, d, e, f, v1, v2, v3, v4;
	pdq_value ha, frames1[10];
} fixture;

/* Images: b is a with 10 bits flipped, c with 31 others (b-c: 41), e a
 * copy of a of quality 10, f is d with 32 flipped.  Videos: v2 is frames
 * 3..8 of v1 with 5 bits flipped each, v3 is v1 backwards, v4 unrelated. */
static void build(fixture *x)
{
	pdq_value hd, v2[6], v3[10], v4[10];

	x->db = new_case();
	random_value(&x->ha);
	random_value(&hd);
	x->a = add_content(x->db, "a.jpg");
	x->b = add_content(x->db, "b.jpg");
	x->c = add_content(x->db, "c.jpg");
	x->d = add_content(x->db, "d.jpg");
	x->e = add_content(x->db, "e.jpg");
	x->f = add_content(x->db, "f.jpg");
	add_image(x->db, x->a, &x->ha, 90);
	add_image(x->db, x->b, (pdq_value[]){ flipped(&x->ha, 0, 10) }, 80);
	add_image(x->db, x->c, (pdq_value[]){ flipped(&x->ha, 100, 31) }, 70);
	add_image(x->db, x->d, &hd, 100);
	add_image(x->db, x->e, &x->ha, 10);
	add_image(x->db, x->f, (pdq_value[]){ flipped(&hd, 50, 32) }, 100);
	for (int i = 0; i < 10; i++) {
		random_value(&x->frames1[i]);
		v3[9 - i] = x->frames1[i];
		random_value(&v4[i]);
	}
	for (int i = 0; i < 6; i++)
		v2[i] = flipped(&x->frames1[i + 3], 7 * i, 5);
	x->v1 = add_content(x->db, "v1.mp4");
	x->v2 = add_content(x->db, "v2.mp4");
	x->v3 = add_content(x->db, "v3.mp4");
	x->v4 = add_content(x->db, "v4.mp4");
	add_frames(x->db, x->v1, x->frames1, 10);
	add_frames(x->db, x->v2, v2, 6);
	add_frames(x->db, x->v3, v3, 10);
	add_frames(x->db, x->v4, v4, 10);
}

static void run_similar(fixture *x, int distance, similar_stats *st)
{
	similar_options o;
	exhibit_error err;

	similar_defaults(&o);
	o.distance = distance;
	exhibit_error_clear(&err);
	ck_assert_msg(similar_run(casedb_handle(x->db), &o, st, &err) == 0, "%s", err.message);
}

START_TEST(pairs_groups_and_video_sequences)
{
	fixture x;
	similar_stats st;
	char want[256];

	build(&x);
	run_similar(&x, 31, &st);
	ck_assert_uint_eq(st.images, 5);
	ck_assert_uint_eq(st.untrusted, 1);
	ck_assert_uint_eq(st.videos, 4);
	ck_assert_uint_eq(st.image_pairs, 2);
	ck_assert_uint_eq(st.video_pairs, 1);
	ck_assert_uint_eq(st.groups, 2);
	ck_assert_uint_eq(st.grouped, 5);
	snprintf(want, sizeof want, "%lld-%lld:10,%lld-%lld:31", (long long)x.a, (long long)x.b,
	         (long long)x.a, (long long)x.c);
	expect(x.db, "SELECT group_concat(content_id || '-' || other_content_id || ':' || distance) "
	       "FROM (SELECT * FROM similar WHERE kind = 'image' ORDER BY 1, 2)", want);
	snprintf(want, sizeof want, "%lld-%lld:5:6/6", (long long)x.v1, (long long)x.v2);
	expect(x.db, "SELECT group_concat(content_id || '-' || other_content_id || ':' || distance "
	       "|| ':' || frames_matched || '/' || frames) FROM similar WHERE kind = 'video'", want);
	snprintf(want, sizeof want, "%lld,%lld,%lld|%lld,%lld", (long long)x.a, (long long)x.a,
	         (long long)x.a, (long long)x.v1, (long long)x.v1);
	expect(x.db, "SELECT (SELECT group_concat(group_id) FROM similar_groups WHERE content_id IN "
	       "(SELECT id FROM content WHERE id <= 3)) || '|' || (SELECT group_concat(group_id) FROM "
	       "similar_groups WHERE content_id > 6)", want);
	/* the views: both directions, per file */
	expect(x.db, "SELECT count(*) FROM v_similar", "6");
	expect(x.db, "SELECT group_concat(other_path) FROM (SELECT other_path FROM v_similar WHERE "
	       "path = '/b.jpg' ORDER BY 1)", "/a.jpg");
	expect(x.db, "SELECT group_concat(path) FROM (SELECT path FROM v_similar_groups WHERE kind = "
	       "'video' ORDER BY 1)", "/v1.mp4,/v2.mp4");
	close_case(x.db);
}
END_TEST

/* Another run replaces the results: a wider distance adds b-c and d-f,
 * 0 leaves nothing. */
START_TEST(runs_replace_each_other)
{
	fixture x;
	similar_stats st;

	build(&x);
	run_similar(&x, 41, &st);
	ck_assert_uint_eq(st.image_pairs, 4);
	expect(x.db, "SELECT count(*) FROM similar WHERE kind = 'image'", "4");
	expect(x.db, "SELECT count(DISTINCT group_id) FROM similar_groups", "3");
	run_similar(&x, 0, &st);
	expect(x.db, "SELECT count(*) FROM similar", "0");
	expect(x.db, "SELECT count(*) FROM similar_groups", "0");
	close_case(x.db);
}
END_TEST

/* Crop hashes: x's centre (95 %) is near y's whole picture, and so is
 * z's centre; x and z meet only centre to centre, which does not count. */
START_TEST(crops_pair_with_whole_pictures_only)
{
	fixture x;
	similar_stats st;
	pdq_value px, py, pz;
	int64_t cx, cy, cz;
	char want[128];

	x.db = new_case();
	random_value(&px);
	random_value(&py);
	random_value(&pz);
	cx = add_content(x.db, "x.jpg");
	cy = add_content(x.db, "y.jpg");
	cz = add_content(x.db, "z.jpg");
	add_image(x.db, cx, &px, 100);
	add_crop(x.db, cx, 0.95, &py, 100);
	add_crop(x.db, cx, 0.9, (pdq_value[]){ flipped(&py, 60, 40) }, 100);
	add_image(x.db, cy, (pdq_value[]){ flipped(&py, 0, 5) }, 100);
	add_image(x.db, cz, &pz, 100);
	add_crop(x.db, cz, 0.95, (pdq_value[]){ flipped(&py, 10, 3) }, 100);
	add_crop(x.db, cz, 0.9, &py, 20); /* untrusted: left out */
	run_similar(&x, 31, &st);
	ck_assert_uint_eq(st.images, 3);
	snprintf(want, sizeof want, "%lld-%lld:5:0.95,%lld-%lld:8:0.95", (long long)cx,
	         (long long)cy, (long long)cy, (long long)cz);
	expect(x.db, "SELECT group_concat(content_id || '-' || other_content_id || ':' || distance "
	       "|| ':' || crop) FROM (SELECT * FROM similar ORDER BY 1, 2)", want);
	expect(x.db, "SELECT count(DISTINCT group_id) || ' ' || count(*) FROM similar_groups", "1 3");
	expect(x.db, "SELECT group_concat(crop) FROM v_similar WHERE path = '/y.jpg'", "0.95,0.95");
	close_case(x.db);
}
END_TEST

START_TEST(bad_options_change_nothing)
{
	fixture x;
	similar_stats st;
	similar_options o;
	exhibit_error err;

	build(&x);
	run_similar(&x, 31, &st);
	similar_defaults(&o);
	o.distance = 300;
	ck_assert_int_lt(similar_run(casedb_handle(x.db), &o, &st, &err), 0);
	expect(x.db, "SELECT count(*) FROM similar", "3");
	close_case(x.db);
}
END_TEST

/* A VICS set gives PDQ values: one 3 bits from image a, one 2 bits from
 * frame 5 of video v1.  a and b (13 away) hit, c (34) does not; v1 hits
 * at frame 5, v2 (its frame 2 is frame 5 of v1, 7 away) at frame 2, v3
 * (v1 backwards) at frame 4. */
START_TEST(hash_set_pdq_values_hit)
{
	fixture x;
	similar_stats st;
	similar_options o;
	exhibit_error err;
	hashdb_import_options io;
	hashdb_import_result res;
	hashdb_pdq_set pdqs;
	hashdb *snap;
	int64_t ids[1];
	char dir[300], file[320], hex1[65], hex2[65], want[200];
	const char *files[1] = { file };
	pdq_value s1, s2;
	FILE *f;

	build(&x);
	s1 = flipped(&x.ha, 200, 3);
	s2 = flipped(&x.frames1[5], 230, 2);
	for (int i = 0; i < 32; i++) {
		sprintf(hex1 + 2 * i, "%02x", s1.bytes[i]);
		sprintf(hex2 + 2 * i, "%02x", s2.bytes[i]);
	}
	snprintf(dir, sizeof dir, "%s/hashdb", case_dir);
	snprintf(file, sizeof file, "%s/set.json", case_dir);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/"
	           "US/$metadata#Media\",\"value\":["
	           "{\"MD5\":\"0000000000000000000000000000000a\",\"Category\":1,\"AlternativeHashes\":"
	           "[{\"HashName\":\"PDQ\",\"HashValue\":\"%s\"}]},"
	           "{\"MD5\":\"0000000000000000000000000000000b\",\"Category\":2,\"AlternativeHashes\":"
	           "[{\"HashName\":\"PDQ\",\"HashValue\":\"%s\"}]},"
	           "{\"MD5\":\"0000000000000000000000000000000c\",\"AlternativeHashes\":"
	           "[{\"HashName\":\"PDQ\",\"HashValue\":\"not a pdq\"}]}]}", hex1, hex2);
	fclose(f);
	memset(&io, 0, sizeof io);
	io.name = "vic";
	io.kind = HASHDB_KIND_CATEGORISED;
	exhibit_error_clear(&err);
	ck_assert_msg(hashdb_import(dir, files, 1, &io, &res, &err) == 0, "%s", err.message);
	ck_assert_int_eq(hashdb_open(dir, &snap, &err), 0);
	ck_assert_msg(hashdb_pdq_load(dir, snap, &pdqs, &err) == 0, "%s", err.message);
	ck_assert_uint_eq(pdqs.n, 2);
	ck_assert_uint_eq(pdqs.invalid, 1);
	ck_assert_int_eq(sqlite3_exec(casedb_handle(x.db), "INSERT INTO hash_sets(id, name, kind, "
	                              "entries, set_digest) VALUES (7, 'vic', 'categorised', 3, x'01')",
	                              NULL, NULL, NULL), SQLITE_OK);
	ids[0] = 7;
	similar_defaults(&o);
	o.snap = snap;
	o.set_pdqs = &pdqs;
	o.set_case_ids = ids;
	ck_assert_msg(similar_run(casedb_handle(x.db), &o, &st, &err) == 0, "%s", err.message);
	ck_assert_uint_eq(st.set_hashes, 2);
	ck_assert_uint_eq(st.pdq_hits, 5);
	snprintf(want, sizeof want, "%lld:3:-:1,%lld:13:-:1,%lld:2:5:2,%lld:7:2:2,%lld:2:4:2",
	         (long long)x.a, (long long)x.b, (long long)x.v1, (long long)x.v2, (long long)x.v3);
	expect(x.db, "SELECT group_concat(content_id || ':' || distance || ':' || coalesce(frame, '-') "
	       "|| ':' || category) FROM (SELECT * FROM pdq_hits ORDER BY content_id)", want);
	expect(x.db, "SELECT group_concat(set_name || ' ' || set_md5 || ' ' || (pdq IS NOT NULL)) FROM "
	       "(SELECT * FROM v_pdq_hits WHERE path = '/a.jpg')",
	       "vic 0000000000000000000000000000000a 1");
	expect(x.db, "SELECT set_pdq FROM v_pdq_hits WHERE path = '/v1.mp4'", hex2);
	hashdb_pdq_free(&pdqs);
	hashdb_close(snap);
	close_case(x.db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("similar");
	TCase *tc = tcase_create("similar");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, index_answers_as_a_scan_does);
	tcase_add_test(tc, small_index_answers_as_a_scan_does);
	tcase_add_test(tc, index_finds_answers_at_the_pigeonhole_edge);
	tcase_add_test(tc, value_parse);
	tcase_add_test(tc, pairs_groups_and_video_sequences);
	tcase_add_test(tc, runs_replace_each_other);
	tcase_add_test(tc, crops_pair_with_whole_pictures_only);
	tcase_add_test(tc, bad_options_change_nothing);
	tcase_add_test(tc, hash_set_pdq_values_hit);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

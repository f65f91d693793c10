/*
 * check_hashset.c — the hash-set parsers (hashset_parse.h) on the real
 * samples of the test corpus (hashdeep/: NSRLFile.txt, iLook v4, BSD and
 * md5sum lists, with their ground truth from MANIFEST.md) and on inputs
 * built here: hashdeep files, VICS JSON 1.x and 2.0 in both forms, an
 * NSRL RDS v3 database made with the SQLite API from NIST's schema, and
 * broken, truncated and hostile versions of each.
 */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hash.h"
#include "hashset_parse.h"

#ifndef EXHIBIT_CORPUS_DIR
#define EXHIBIT_CORPUS_DIR "../shared/corpus"
#endif

/* ---------------------------------------------------------------- collecting */

#define MAX_SEEN 64

typedef struct seen_entry {
	hashset_entry e;
	char name[256], category[64], pdq[128];
	int has_name, has_category, has_pdq;
} seen_entry;

typedef struct seen {
	seen_entry entries[MAX_SEEN];
	size_t n;
	hashset_problem problems[MAX_SEEN];
	char messages[MAX_SEEN][512];
	size_t n_problems;
	hashset_stats st;
	exhibit_error err;
	int rc;
} seen;

static int on_entry(void *ctx, const hashset_entry *e)
{
	seen *s = ctx;
	seen_entry *x;

	if (s->n == MAX_SEEN)
		return 0;
	x = &s->entries[s->n++];
	x->e = *e;
	if ((x->has_name = e->name != NULL))
		snprintf(x->name, sizeof x->name, "%s", e->name);
	if ((x->has_category = e->category != NULL))
		snprintf(x->category, sizeof x->category, "%s", e->category);
	if ((x->has_pdq = e->pdq != NULL))
		snprintf(x->pdq, sizeof x->pdq, "%s", e->pdq);
	return 0;
}

static void on_problem(void *ctx, const hashset_problem *p)
{
	seen *s = ctx;

	if (s->n_problems == MAX_SEEN)
		return;
	s->problems[s->n_problems] = *p;
	snprintf(s->messages[s->n_problems], sizeof s->messages[0], "%s", p->message);
	s->problems[s->n_problems].message = s->messages[s->n_problems];
	s->n_problems++;
}

static seen *parse_text(const char *text, hashset_format format)
{
	seen *s = calloc(1, sizeof *s);
	hashset_callbacks cb = { s, on_entry, on_problem, NULL };

	s->rc = hashset_parse_buffer(text, strlen(text), "test", format, &cb, &s->st, &s->err);
	return s;
}

static seen *parse_path(const char *path, hashset_format format)
{
	seen *s = calloc(1, sizeof *s);
	hashset_callbacks cb = { s, on_entry, on_problem, NULL };

	s->rc = hashset_parse_file(path, format, &cb, &s->st, &s->err);
	return s;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	hex_encode(d, n, out);
}

static void ck_md5(const seen_entry *x, const char *want)
{
	char h[65];

	ck_assert(x->e.have & HASHSET_HAVE_MD5);
	hex(x->e.md5, MD5_LEN, h);
	ck_assert_str_eq(h, want);
}

static void ck_sha1(const seen_entry *x, const char *want)
{
	char h[65];

	ck_assert(x->e.have & HASHSET_HAVE_SHA1);
	hex(x->e.sha1, SHA1_LEN, h);
	ck_assert_str_eq(h, want);
}

static void ck_sha256(const seen_entry *x, const char *want)
{
	char h[65];

	ck_assert(x->e.have & HASHSET_HAVE_SHA256);
	hex(x->e.sha256, SHA256_LEN, h);
	ck_assert_str_eq(h, want);
}

/* ---------------------------------------------------------------- corpus */

static const char *corpus_dir(void)
{
	const char *env = getenv("EXHIBIT_CORPUS");

	return env && *env ? env : EXHIBIT_CORPUS_DIR;
}

static int corpus_present(void)
{
	char probe[4096];

	snprintf(probe, sizeof probe, "%s/hashdeep/known.txt", corpus_dir());
	return access(probe, R_OK) == 0;
}

static seen *parse_corpus(const char *name)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/hashdeep/%s", corpus_dir(), name);
	return parse_path(path, HASHSET_AUTO);
}

/* md5_of_corpus_file — the MD5 of a corpus file, as hex. */
static void md5_of_corpus_file(const char *name, char *out)
{
	char path[4096];
	unsigned char buf[65536];
	multi_hash *mh = multi_hash_new(NULL);
	digests d;
	FILE *f;
	size_t got;

	snprintf(path, sizeof path, "%s/hashdeep/%s", corpus_dir(), name);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	multi_hash_reset(mh, NULL);
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		multi_hash_update(mh, buf, got, NULL);
	fclose(f);
	multi_hash_final(mh, &d, NULL);
	multi_hash_free(mh);
	hex(d.md5, MD5_LEN, out);
}

START_TEST(corpus_known_txt_junk_line_is_reported_not_fatal)
{
	seen *s = parse_corpus("known.txt");
	char h[65];

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_MD5SUM);
	ck_assert_uint_eq(s->n, 1);
	ck_md5(&s->entries[0], "07ff3b8f4f2990192b595ca148d284bd");
	ck_assert_str_eq(s->entries[0].name, "ChangeLog");
	ck_assert_uint_eq(s->n_problems, 1);
	ck_assert_uint_eq(s->problems[0].line, 2);
	ck_assert_uint_eq(s->problems[0].offset, 44);
	ck_assert_int_eq(s->problems[0].rejected, 1);
	ck_assert_uint_eq(s->st.rejected, 1);
	hex(s->st.sha256, SHA256_LEN, h);
	ck_assert_str_eq(h, "315f3e4e97a191b7ad730c5a80f3b5e712d84c37c33a19a447ce7b7531bcb8da");
	free(s);
}
END_TEST

START_TEST(corpus_bsd_list_names_each_file_with_its_md5)
{
	seen *s = parse_corpus("bsd-hashes.txt");
	static const char *const names[] = { "copying.txt", "deadbeef.txt", "foo.txt", "install.txt",
	                                     "one-byte-file.txt" };

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_BSD);
	ck_assert_uint_eq(s->n, 5);
	ck_assert_uint_eq(s->n_problems, 0);
	for (size_t i = 0; i < 5; i++) {
		char want[65];

		ck_assert_str_eq(s->entries[i].name, names[i]);
		md5_of_corpus_file(names[i], want);
		ck_md5(&s->entries[i], want); /* every listed file has the digest listed */
		ck_assert_uint_eq(s->entries[i].e.line, i + 1);
	}
	ck_md5(&s->entries[1], "deadbeefb303ba89ae055ad0234eb7e8");
	free(s);
}
END_TEST

START_TEST(corpus_nsrlfile_has_the_empty_file)
{
	seen *s = parse_corpus("nsrlfile.txt");

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_NSRL_LEGACY);
	ck_assert_uint_eq(s->n, 2);
	ck_sha1(&s->entries[0], "c00002ded6e03a93513d4ea144486b2e33a3ac83");
	ck_md5(&s->entries[0], "1a86e99cd4191117bfb48492e6049dcb");
	ck_assert_int_eq(s->entries[0].e.size, 29456);
	ck_assert_str_eq(s->entries[0].name, "hticons.dll");
	ck_md5(&s->entries[1], "d41d8cd98f00b204e9800998ecf8427e");
	ck_sha1(&s->entries[1], "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	ck_assert_int_eq(s->entries[1].e.size, 0);
	ck_assert_str_eq(s->entries[1].name, "    ___");
	ck_assert_uint_eq(s->entries[1].e.line, 3);
	free(s);
}
END_TEST

START_TEST(corpus_ilook_v4_csv)
{
	seen *s = parse_corpus("ilookv4.hsh");

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_CSV);
	ck_assert_uint_eq(s->n, 6);
	ck_assert_uint_eq(s->n_problems, 0);
	ck_md5(&s->entries[0], "b5e254df3bb37efcdfd883d69897770a");
	ck_sha1(&s->entries[0], "2cc793143bbe3bb8a2b9949b53583606885241e1");
	ck_assert_str_eq(s->entries[0].name, "fccu-docprop-0.1.tar.gz");
	ck_assert_int_eq(s->entries[0].e.size, 10429);
	/* The last row: the empty file, its SHA-256 column "0" and no name. */
	ck_md5(&s->entries[5], "d41d8cd98f00b204e9800998ecf8427e");
	ck_assert(!(s->entries[5].e.have & HASHSET_HAVE_SHA256));
	ck_assert(!s->entries[5].has_name);
	free(s);
}
END_TEST

START_TEST(corpus_files_that_are_not_hash_sets_are_refused)
{
	static const char *const names[] = { "foo.txt", "copying.txt", "zero-byte-file.txt",
	                                     "install.txt", "1072-at.txt" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		seen *s = parse_corpus(names[i]);

		ck_assert_int_eq(s->rc, EXHIBIT_ERR_FORMAT);
		ck_assert_ptr_nonnull(strstr(s->err.message, names[i]));
		ck_assert_ptr_nonnull(strstr(s->err.message, "not a hash set"));
		ck_assert_uint_eq(s->n, 0);
		free(s);
	}
}
END_TEST

/* ---------------------------------------------------------------- lists */

START_TEST(md5sum_variants)
{
	seen *s = parse_text(
		"\xef\xbb\xbf" "d41d8cd98f00b204e9800998ecf8427e  empty\r\n"
		"# a comment\n"
		"\n"
		"da39a3ee5e6b4b0d3255bfef95601890afd80709 *binary name\n"
		"\\e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  esc\\\\aped\n"
		"D41D8CD98F00B204E9800998ECF8427E\n"
		"d41d8cd98f00b204e9800998ecf8427  short\n"
		"d41d8cd98f00b204e9800998ecf8427ex  trailing\n"
		"d41d8cd98f00b204e9800998ecf8427e", HASHSET_AUTO);

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_MD5SUM);
	ck_assert_uint_eq(s->n, 5);
	ck_md5(&s->entries[0], "d41d8cd98f00b204e9800998ecf8427e");
	ck_assert_str_eq(s->entries[0].name, "empty");
	ck_assert_uint_eq(s->entries[0].e.offset, 3);
	ck_sha1(&s->entries[1], "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	ck_assert_str_eq(s->entries[1].name, "binary name");
	ck_sha256(&s->entries[2], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_md5(&s->entries[3], "d41d8cd98f00b204e9800998ecf8427e");
	ck_assert(!s->entries[3].has_name);
	ck_assert_uint_eq(s->entries[4].e.line, 9); /* the last line has no newline */
	ck_assert_uint_eq(s->n_problems, 2);
	ck_assert_uint_eq(s->problems[0].line, 7);
	ck_assert_uint_eq(s->problems[1].line, 8);
	free(s);
}
END_TEST

START_TEST(bsd_variants)
{
	seen *s = parse_text(
		"SHA256 (a (1).txt) = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
		"SHA1(b.txt)= da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
		"SHA2-256(c)= e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
		"MD5 (d) = da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
		"RIPEMD160 (e) = da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
		"MD5 (f) d41d8cd98f00b204e9800998ecf8427e\n", HASHSET_AUTO);

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_BSD);
	ck_assert_uint_eq(s->n, 3);
	ck_assert_str_eq(s->entries[0].name, "a (1).txt");
	ck_sha1(&s->entries[1], "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	ck_assert_str_eq(s->entries[2].name, "c");
	ck_assert_uint_eq(s->n_problems, 3); /* wrong length, unknown algorithm, no '=' */
	free(s);
}
END_TEST

START_TEST(hashdeep_columns_and_errors)
{
	seen *s = parse_text(
		"%%%% HASHDEEP-1.0\n"
		"%%%% size,md5,sha256,filename\n"
		"## Invoked from: /home/x\n"
		"## $ hashdeep -r .\n"
		"##\n"
		"0,d41d8cd98f00b204e9800998ecf8427e,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,/a, b.txt\n"
		"12,zz1d8cd98f00b204e9800998ecf8427e,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,/bad\n"
		"x,d41d8cd98f00b204e9800998ecf8427e,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,/bad size\n"
		"5,d41d8cd98f00b204e9800998ecf8427e\n"
		"%%%% size,sha1,filename\n"
		"7,da39a3ee5e6b4b0d3255bfef95601890afd80709,/c\n", HASHSET_AUTO);

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_HASHDEEP);
	ck_assert_uint_eq(s->n, 2);
	ck_assert_str_eq(s->entries[0].name, "/a, b.txt");
	ck_assert_int_eq(s->entries[0].e.size, 0);
	ck_sha256(&s->entries[0], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_sha1(&s->entries[1], "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	ck_assert_int_eq(s->entries[1].e.size, 7);
	ck_assert_uint_eq(s->n_problems, 3);
	free(s);

	s = parse_text("%%%% HASHDEEP-1.0\n0,d41d8cd98f00b204e9800998ecf8427e,/x\n", HASHSET_HASHDEEP);
	ck_assert_int_eq(s->rc, EXHIBIT_ERR_FORMAT); /* every line rejected: no column list */
	ck_assert_uint_eq(s->n_problems, 1);
	free(s);
}
END_TEST

START_TEST(csv_quoting)
{
	seen *s = parse_text(
		"\"Name\",\"MD5\",\"Size\",\"Category\"\n"
		"\"a \"\"quoted\"\", name\",d41d8cd98f00b204e9800998ecf8427e,12,2\n"
		"\"unterminated,d41d8cd98f00b204e9800998ecf8427e,1,1\n"
		"x,\"d41d8cd98f00b204e9800998ecf8427e\"junk,1,1\n"
		"y,not-a-digest,1,1\n"
		"z,,1,1\n", HASHSET_AUTO);

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_CSV);
	ck_assert_uint_eq(s->n, 1);
	ck_assert_str_eq(s->entries[0].name, "a \"quoted\", name");
	ck_assert_str_eq(s->entries[0].category, "2");
	ck_assert_int_eq(s->entries[0].e.size, 12);
	ck_assert_uint_eq(s->n_problems, 4);
	ck_assert_uint_eq(s->problems[0].line, 3);
	free(s);

	s = parse_text("\"SHA-1\",\"MD5\",\"CRC32\"\n", HASHSET_NSRL_LEGACY);
	ck_assert_int_eq(s->rc, EXHIBIT_ERR_FORMAT);
	free(s);
}
END_TEST

START_TEST(long_lines_are_bad_lines)
{
	size_t big = HASHSET_MAX_LINE + 10;
	char *text = malloc(big + 200);

	strcpy(text, "d41d8cd98f00b204e9800998ecf8427e  first\n");
	memset(text + strlen(text), 'x', big);
	strcpy(text + strlen("d41d8cd98f00b204e9800998ecf8427e  first\n") + big,
	       "\nda39a3ee5e6b4b0d3255bfef95601890afd80709  last\n");
	{
		seen *s = parse_text(text, HASHSET_MD5SUM);

		ck_assert_int_eq(s->rc, 0);
		ck_assert_uint_eq(s->n, 2);
		ck_assert_uint_eq(s->n_problems, 1);
		ck_assert_uint_eq(s->problems[0].line, 2);
		ck_assert_uint_eq(s->entries[1].e.line, 3);
		free(s);
	}
	free(text);
}
END_TEST

/* ---------------------------------------------------------------- VICS */

START_TEST(vics_2_case_form)
{
	seen *s = parse_text(
		"\xef\xbb\xbf{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/"
		"2.0.xml/US/$metadata#Cases\",\"value\":[{\"CaseID\":\"{0}\",\"Media\":["
		"{\"MediaID\":1,\"Category\":1,\"MD5\":\"7FA13061423E88E2FA4DC5746343AE96\",\"SHA1\":null,"
		"\"MediaSize\":81,\"DateUpdated\":\"\\/Date(1686105109830)\\/\","
		"\"AlternativeHashes\":[{\"HashName\":\"PhotoDNA\",\"HashValue\":\"AAAA\"},"
		"{\"HashName\":\"PDQ\",\"HashValue\":\"f00d\"}],"
		"\"MediaFiles\":[{\"MD5\":\"00000000000000000000000000000000\",\"FileName\":\"a.jpg\"}]},"
		"{\"MediaID\":2,\"Category\":\"3\",\"SHA1\":\"zz\"},"
		"{\"MediaID\":3,\"Category\":2},"
		"{\"MediaID\":4,\"SHA256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
		"\"DateUpdated\":\"yesterday\"}]}]}", HASHSET_AUTO);

	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_VICS);
	ck_assert_str_eq(s->st.scheme_hint, "project-vic-us");
	ck_assert_uint_eq(s->n, 2);
	ck_md5(&s->entries[0], "7fa13061423e88e2fa4dc5746343ae96");
	ck_assert_uint_eq(s->entries[0].e.have, HASHSET_HAVE_MD5); /* not the MediaFiles MD5 */
	ck_assert_str_eq(s->entries[0].category, "1");
	ck_assert_str_eq(s->entries[0].pdq, "f00d");
	ck_assert_int_eq(s->entries[0].e.size, 81);
	ck_assert_int_eq(s->entries[0].e.updated_ms, 1686105109830LL);
	ck_sha256(&s->entries[1], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_assert_int_eq(s->entries[1].e.updated_ms, INT64_MIN);
	ck_assert_uint_eq(s->st.rejected, 2);   /* bad SHA1, no digest */
	ck_assert_uint_eq(s->st.warnings, 1);   /* the time */
	free(s);
}
END_TEST

START_TEST(vics_1_hash_set_form)
{
	seen *s = parse_text(
		"{\"odata.metadata\":\"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media\","
		"\"value\":[{\"odata.id\":\"Media(1)\",\"MediaFiles@odata.navigationLinkUrl\":\"/x\","
		"\"MediaFiles\":[{\"MD5\":\"588cd1c0e48916d8e7403310402d0a68\",\"FileName\":\"b\"}],"
		"\"MediaID\":0,\"MD5\":\"588cd1c0e48916d8e7403310402d0a68\","
		"\"SHA1\":\"e65706b487c73e992bab2a50707a9fd8b0bd6866\",\"Category\":8,\"MediaSize\":\"488\","
		"\"DateUpdated\":\"2023-06-07T02:31:49.8300Z\",\"IsPrecategorized\":\"true\"}]}",
		HASHSET_AUTO);

	ck_assert_int_eq(s->rc, 0);
	ck_assert_uint_eq(s->n, 1);
	ck_assert_str_eq(s->st.scheme_hint, "");
	ck_md5(&s->entries[0], "588cd1c0e48916d8e7403310402d0a68");
	ck_sha1(&s->entries[0], "e65706b487c73e992bab2a50707a9fd8b0bd6866");
	ck_assert_str_eq(s->entries[0].category, "8");
	ck_assert_int_eq(s->entries[0].e.size, 488);
	ck_assert_int_eq(s->entries[0].e.updated_ms, 1686105109830LL);
	free(s);
}
END_TEST

START_TEST(vics_broken_inputs)
{
	seen *s;
	char *deep, *longstr;
	size_t n = 1000;

	/* Truncated after one record: the record stays, the break is reported. */
	s = parse_text("{\"@odata.context\":\"x\",\"value\":[{\"MD5\":\"588cd1c0e48916d8e7403310402d0a68\"},"
	               "{\"MD5\":\"588c", HASHSET_AUTO);
	ck_assert_int_eq(s->rc, 0);
	ck_assert_uint_eq(s->n, 1);
	ck_assert_uint_eq(s->st.rejected, 1);
	free(s);
	/* JSON, but not VICS. */
	s = parse_text("{\"name\":\"x\"}", HASHSET_AUTO);
	ck_assert_int_eq(s->rc, EXHIBIT_ERR_FORMAT);
	free(s);
	s = parse_text("[1,2,3]", HASHSET_VICS);
	ck_assert_int_eq(s->rc, EXHIBIT_ERR_FORMAT);
	free(s);
	s = parse_text("{\"value\": nope", HASHSET_AUTO);
	ck_assert_int_eq(s->rc, EXHIBIT_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(s->err.message, "byte"));
	free(s);
	/* Nesting past the limit ends the file, without a crash. */
	deep = malloc(2 * n + 200);
	strcpy(deep, "{\"value\":[{\"MD5\":\"588cd1c0e48916d8e7403310402d0a68\"},{\"x\":");
	for (size_t i = 0; i < n; i++)
		strcat(deep, "[");
	s = parse_text(deep, HASHSET_AUTO);
	ck_assert_int_eq(s->rc, 0);
	ck_assert_uint_eq(s->n, 1);
	ck_assert_ptr_nonnull(strstr(s->messages[s->n_problems - 1], "deeper"));
	free(s);
	free(deep);
	/* A string longer than the token limit ends the file. */
	longstr = malloc(HASHSET_MAX_TOKEN + 200);
	strcpy(longstr, "{\"value\":[{\"MD5\":\"588cd1c0e48916d8e7403310402d0a68\"},{\"x\":\"");
	memset(longstr + strlen(longstr), 'a', HASHSET_MAX_TOKEN + 10);
	longstr[strlen("{\"value\":[{\"MD5\":\"588cd1c0e48916d8e7403310402d0a68\"},{\"x\":\"") +
	        HASHSET_MAX_TOKEN + 10] = '\0';
	strcat(longstr, "\"}]}");
	s = parse_text(longstr, HASHSET_AUTO);
	ck_assert_int_eq(s->rc, 0);
	ck_assert_uint_eq(s->n, 1);
	ck_assert_ptr_nonnull(strstr(s->messages[s->n_problems - 1], "longer"));
	free(s);
	free(longstr);
}
END_TEST

/* ---------------------------------------------------------------- RDS v3 */

/* NIST's FILE table (schema.sql of the RDS v3 distribution), and a PKG. */
static const char rds_schema[] =
	"CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL,"
	" crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL,"
	" package_id INTEGER NOT NULL, CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5,"
	" crc32, file_name, file_size, package_id));"
	"CREATE TABLE PKG (package_id INTEGER NOT NULL, name VARCHAR NOT NULL, version VARCHAR NOT NULL,"
	" operating_system_id INTEGER NOT NULL, manufacturer_id INTEGER NOT NULL,"
	" language VARCHAR NOT NULL, application_type VARCHAR NOT NULL);";

static const char rds_rows[] =
	"INSERT INTO FILE VALUES"
	"('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',"
	" 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709','D41D8CD98F00B204E9800998ECF8427E','00000000',"
	" 'empty.txt',0,1),"
	"('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',"
	" 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709','D41D8CD98F00B204E9800998ECF8427E','00000000',"
	" 'also-empty',0,2),"
	"('B0BDA01D2E6E649368B045BAC99F49F52D0E9B0F7A8C4AAB2D2B9493329BAE6F',"
	" 'D6AEF6751780D9220CC64982EDCB6A95DAA5EED2','7FA13061423E88E2FA4DC5746343AE96','00000000',"
	" 'foo.txt',81,1),"
	"('NOT-HEX','DA39A3EE5E6B4B0D3255BFEF95601890AFD80709','D41D8CD98F00B204E9800998ECF8427E',"
	" '0','bad',0,3);";

static void make_db(const char *path, const char *sql)
{
	sqlite3 *db;

	unlink(path);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void temp_path(char *out, size_t len, const char *suffix)
{
	snprintf(out, len, "%s/exhibit-check-hashset-%ld-%s", getenv("TMPDIR") ? getenv("TMPDIR")
	         : "/tmp", (long)getpid(), suffix);
}

START_TEST(rds3_rows_one_entry_per_content)
{
	char path[512], sql[4096];
	seen *s;

	temp_path(path, sizeof path, "rds.db");
	snprintf(sql, sizeof sql, "%s%s", rds_schema, rds_rows);
	make_db(path, sql);
	s = parse_path(path, HASHSET_AUTO);
	ck_assert_int_eq(s->rc, 0);
	ck_assert_int_eq(s->st.format, HASHSET_NSRL_RDS3);
	ck_assert_uint_eq(s->n, 2); /* the empty file once, though in two packages */
	ck_sha256(&s->entries[0], "b0bda01d2e6e649368b045bac99f49f52d0e9b0f7a8c4aab2d2b9493329bae6f");
	ck_md5(&s->entries[0], "7fa13061423e88e2fa4dc5746343ae96");
	ck_assert_int_eq(s->entries[0].e.size, 81);
	ck_md5(&s->entries[1], "d41d8cd98f00b204e9800998ecf8427e");
	ck_sha1(&s->entries[1], "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	ck_assert_uint_eq(s->st.rejected, 1);
	free(s);
	unlink(path);
}
END_TEST

START_TEST(rds3_without_its_index_and_broken)
{
	char path[512], sql[4096];
	seen *s;

	/* No primary key: read in table order; duplicates are left to the index. */
	temp_path(path, sizeof path, "rds-noindex.db");
	snprintf(sql, sizeof sql, "CREATE TABLE FILE (sha256, sha1, md5, crc32, file_name, file_size,"
	         " package_id);%s", rds_rows);
	make_db(path, sql);
	s = parse_path(path, HASHSET_AUTO);
	ck_assert_int_eq(s->rc, 0);
	ck_assert_uint_eq(s->n, 2);
	free(s);
	/* SQLite, but not an RDS. */
	make_db(path, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
	s = parse_path(path, HASHSET_AUTO);
	ck_assert_int_eq(s->rc, EXHIBIT_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(s->err.message, "not NSRL RDS v3"));
	free(s);
	/* Truncated to its header: refused, named. */
	{
		FILE *f = fopen(path, "wb");
		fwrite("SQLite format 3\0garbage-garbage-garbage", 1, 40, f);
		fclose(f);
	}
	s = parse_path(path, HASHSET_AUTO);
	ck_assert_int_lt(s->rc, 0);
	ck_assert_ptr_nonnull(strstr(s->err.message, path));
	free(s);
	unlink(path);
}
END_TEST

/* ---------------------------------------------------------------- detection, time */

START_TEST(detection)
{
	static const struct { const char *head; hashset_format want; } cases[] = {
		{ "SQLite format 3\0", HASHSET_NSRL_RDS3 },
		{ "\xef\xbb\xbf  {\"value\":[]}", HASHSET_VICS },
		{ "%%%% HASHDEEP-1.0\n", HASHSET_HASHDEEP },
		{ "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\"\n", HASHSET_NSRL_LEGACY },
		{ "V4Hash,HashSHA1,FileName\n", HASHSET_CSV },
		{ "MD5 (x) = d41d8cd98f00b204e9800998ecf8427e\n", HASHSET_BSD },
		{ "\n# list\nhello\nd41d8cd98f00b204e9800998ecf8427e  x\n", HASHSET_MD5SUM },
		{ "hello world\nthis is text\n", HASHSET_AUTO },
		{ "Name,Size\na,1\n", HASHSET_AUTO },
		{ "", HASHSET_AUTO },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = i == 0 ? 16 : strlen(cases[i].head);
		ck_assert_int_eq(hashset_detect(cases[i].head, len), cases[i].want);
	}
	ck_assert_int_eq(hashset_format_from_name("vics"), HASHSET_VICS);
	ck_assert_int_eq(hashset_format_from_name("nope"), -1);
}
END_TEST

START_TEST(times)
{
	static const struct { const char *text; int64_t ms; } good[] = {
		{ "2023-06-07T02:31:49.8300Z", 1686105109830LL },
		{ "2023-06-07T04:31:49.83+02:00", 1686105109830LL },
		{ "2023-06-07 02:31:49", 1686105109000LL },
		{ "2023-06-07", 1686096000000LL },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-02-29T12:00:00-0130", 1709213400000LL },
		{ "/Date(1686105109830)/", 1686105109830LL },
		{ "/Date(1686105109830+0200)/", 1686105109830LL },
		{ "/Date(-1000)/", -1000 },
	};
	static const char *const bad[] = {
		"2023-13-01", "2023-02-30", "2023-06-07T25:00:00Z", "2023-06-07T02:31:49Q", "/Date()/",
		"/Date(12)", "yesterday", "", "2023-06-07T02:31:49.Z",
	};
	int64_t ms;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ck_assert_msg(hashset_parse_time(good[i].text, &ms) == 0, "%s", good[i].text);
		ck_assert_int_eq(ms, good[i].ms);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(hashset_parse_time(bad[i], &ms) < 0, "%s", bad[i]);
}
END_TEST

START_TEST(random_bytes_never_crash)
{
	unsigned char buf[4096];
	uint64_t x = 88172645463325252ull;

	for (int round = 0; round < 200; round++) {
		hashset_callbacks cb = { NULL, NULL, NULL, NULL };
		hashset_stats st;
		size_t len = (size_t)(round * 20) % sizeof buf;

		for (size_t i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = round % 3 == 0 ? (unsigned char)"0123456789abcdef \n*(),\"{}[]:"[x % 29] : (unsigned char)x;
		}
		for (int f = HASHSET_AUTO; f < HASHSET_NSRL_RDS3; f++)
			hashset_parse_buffer(buf, len, "random", (hashset_format)f, &cb, &st, NULL);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hashset");
	TCase *tc = tcase_create("formats");

	tcase_add_test(tc, md5sum_variants);
	tcase_add_test(tc, bsd_variants);
	tcase_add_test(tc, hashdeep_columns_and_errors);
	tcase_add_test(tc, csv_quoting);
	tcase_add_test(tc, long_lines_are_bad_lines);
	tcase_add_test(tc, vics_2_case_form);
	tcase_add_test(tc, vics_1_hash_set_form);
	tcase_add_test(tc, vics_broken_inputs);
	tcase_add_test(tc, rds3_rows_one_entry_per_content);
	tcase_add_test(tc, rds3_without_its_index_and_broken);
	tcase_add_test(tc, detection);
	tcase_add_test(tc, times);
	tcase_add_test(tc, random_bytes_never_crash);
	suite_add_tcase(s, tc);
	if (corpus_present()) {
		TCase *corpus = tcase_create("corpus");

		tcase_add_test(corpus, corpus_known_txt_junk_line_is_reported_not_fatal);
		tcase_add_test(corpus, corpus_bsd_list_names_each_file_with_its_md5);
		tcase_add_test(corpus, corpus_nsrlfile_has_the_empty_file);
		tcase_add_test(corpus, corpus_ilook_v4_csv);
		tcase_add_test(corpus, corpus_files_that_are_not_hash_sets_are_refused);
		suite_add_tcase(s, corpus);
	} else {
		printf("SKIP: 5 corpus tests: no test corpus at %s (set EXHIBIT_CORPUS)\n", corpus_dir());
	}
	return check_run_suite(s);
}

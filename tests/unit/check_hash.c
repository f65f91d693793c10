/* check_hash.c — hash.c against published test vectors (RFC 1321, FIPS 180). */
#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "parallel_hash.h"

static void digest_of(const char *data, size_t len, size_t chunk, digests *d)
{
	multi_hash *mh = multi_hash_new(NULL);

	ck_assert_ptr_nonnull(mh);
	for (size_t off = 0; off < len; off += chunk)
		ck_assert_int_eq(multi_hash_update(mh, data + off, len - off < chunk ? len - off : chunk, NULL), 0);
	ck_assert_int_eq(multi_hash_final(mh, d, NULL), 0);
	multi_hash_free(mh);
}

static void assert_hex(const unsigned char *bytes, size_t len, const char *expected)
{
	char hex[65];
	hex_encode(bytes, len, hex);
	ck_assert_str_eq(hex, expected);
}

START_TEST(empty_input)
{
	digests d;
	digest_of("", 0, 1, &d);
	assert_hex(d.md5, 16, "d41d8cd98f00b204e9800998ecf8427e");
	assert_hex(d.sha1, 20, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	assert_hex(d.sha256, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(abc_in_any_chunking)
{
	digests d;
	for (size_t chunk = 1; chunk <= 3; chunk++) {
		digest_of("abc", 3, chunk, &d);
		assert_hex(d.md5, 16, "900150983cd24fb0d6963f7d28e17f72");
		assert_hex(d.sha1, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
		assert_hex(d.sha256, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}
}
END_TEST

START_TEST(reset_between_streams)
{
	multi_hash *mh = multi_hash_new(NULL);
	digests d;

	multi_hash_update(mh, "garbage", 7, NULL);
	ck_assert_int_eq(multi_hash_reset(mh, NULL), 0);
	multi_hash_update(mh, "abc", 3, NULL);
	multi_hash_final(mh, &d, NULL);
	assert_hex(d.md5, 16, "900150983cd24fb0d6963f7d28e17f72");
	multi_hash_free(mh);
}
END_TEST

START_TEST(million_a)
{
	char *a = malloc(1000000);
	digests d;

	memset(a, 'a', 1000000);
	digest_of(a, 1000000, 65536, &d);
	assert_hex(d.sha256, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	assert_hex(d.sha1, 20, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	assert_hex(d.md5, 16, "7707d6ae4e027c70eea2a935c2296f21");
	free(a);
}
END_TEST

START_TEST(hex_round_trip_and_rejects)
{
	unsigned char bytes[4];
	ck_assert_int_eq(hex_decode("deadBEEF", bytes, 4), 0);
	ck_assert_int_eq(bytes[0], 0xde);
	ck_assert_int_eq(bytes[3], 0xef);
	ck_assert_int_eq(hex_decode("deadbeeg", bytes, 4), -1);
	ck_assert_int_eq(hex_decode("deadbe", bytes, 4), -1);
	ck_assert_int_eq(hex_decode("deadbeef00", bytes, 4), -1);
}
END_TEST

START_TEST(parallel_digests_equal_sequential)
{
	size_t len = 5 * 1000 * 1000 + 17, chunk = 65536 + 3;
	unsigned char *data = malloc(len);
	parallel_hash *ph = parallel_hash_new(chunk, NULL);
	digests seq, par;

	for (size_t i = 0; i < len; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	digest_of((const char *)data, len, 4096, &seq);
	ck_assert_ptr_nonnull(ph);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		memcpy(parallel_hash_next(ph), data + off, n);
		parallel_hash_submit(ph, n);
	}
	ck_assert_int_eq(parallel_hash_finish(ph, &par, NULL), 0);
	parallel_hash_free(ph);
	ck_assert_mem_eq(seq.md5, par.md5, 16);
	ck_assert_mem_eq(seq.sha1, par.sha1, 20);
	ck_assert_mem_eq(seq.sha256, par.sha256, 32);
	free(data);
}
END_TEST

START_TEST(parallel_empty_stream_and_early_free)
{
	parallel_hash *ph = parallel_hash_new(1024, NULL);
	digests d;

	ck_assert_int_eq(parallel_hash_finish(ph, &d, NULL), 0);
	parallel_hash_free(ph);
	assert_hex(d.sha256, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* Freed half-way (a read error): no hang, no leak. */
	ph = parallel_hash_new(1024, NULL);
	memset(parallel_hash_next(ph), 'x', 1024);
	parallel_hash_submit(ph, 1024);
	parallel_hash_free(ph);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("digests");

	tcase_add_test(tc, empty_input);
	tcase_add_test(tc, abc_in_any_chunking);
	tcase_add_test(tc, reset_between_streams);
	tcase_add_test(tc, million_a);
	tcase_add_test(tc, hex_round_trip_and_rejects);
	tcase_add_test(tc, parallel_digests_equal_sequential);
	tcase_add_test(tc, parallel_empty_stream_and_early_free);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

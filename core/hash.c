/*
 * hash.c — see hash.h.  Thin layer over OpenSSL's EVP digests, fetched once
 * per multi_hash so that no per-item lookup happens.
 */
#include "hash.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

enum { HASH_MD5, HASH_SHA1, HASH_SHA256, HASH_COUNT };

struct multi_hash {
	EVP_MD_CTX *ctx[HASH_COUNT];
	const EVP_MD *md[HASH_COUNT];
};

void multi_hash_free(multi_hash *mh)
{
	if (!mh)
		return;
	for (int i = 0; i < HASH_COUNT; i++)
		EVP_MD_CTX_free(mh->ctx[i]);
	free(mh);
}

multi_hash *multi_hash_new(exhibit_error *err)
{
	multi_hash *mh = calloc(1, sizeof *mh);

	if (!mh) {
		exhibit_error_set(err, -1, -1, "out of memory");
		return NULL;
	}
	mh->md[HASH_MD5] = EVP_md5();
	mh->md[HASH_SHA1] = EVP_sha1();
	mh->md[HASH_SHA256] = EVP_sha256();
	for (int i = 0; i < HASH_COUNT; i++) {
		mh->ctx[i] = EVP_MD_CTX_new();
		if (!mh->ctx[i] || !mh->md[i]) {
			exhibit_error_set(err, -1, -1, "OpenSSL: cannot create digest context");
			multi_hash_free(mh);
			return NULL;
		}
	}
	if (multi_hash_reset(mh, err) < 0) {
		multi_hash_free(mh);
		return NULL;
	}
	return mh;
}

int multi_hash_reset(multi_hash *mh, exhibit_error *err)
{
	for (int i = 0; i < HASH_COUNT; i++)
		if (EVP_DigestInit_ex(mh->ctx[i], mh->md[i], NULL) != 1)
			return exhibit_error_set(err, -1, -1, "OpenSSL: digest init failed");
	return 0;
}

int multi_hash_update(multi_hash *mh, const void *buf, size_t len, exhibit_error *err)
{
	for (int i = 0; i < HASH_COUNT; i++)
		if (EVP_DigestUpdate(mh->ctx[i], buf, len) != 1)
			return exhibit_error_set(err, -1, -1, "OpenSSL: digest update failed");
	return 0;
}

int multi_hash_final(multi_hash *mh, digests *out, exhibit_error *err)
{
	unsigned char *dst[HASH_COUNT] = { out->md5, out->sha1, out->sha256 };

	for (int i = 0; i < HASH_COUNT; i++)
		if (EVP_DigestFinal_ex(mh->ctx[i], dst[i], NULL) != 1)
			return exhibit_error_set(err, -1, -1, "OpenSSL: digest final failed");
	return 0;
}

void hex_encode(const unsigned char *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *hex, unsigned char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = hex_value(hex[2 * i]);
		int lo = hi < 0 ? -1 : hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[2 * len] == '\0' ? 0 : -1;
}

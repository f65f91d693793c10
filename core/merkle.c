/*
 * merkle.c — streaming RFC 6962 Merkle tree hash (see merkle.h).
 */
#include <string.h>

#include <openssl/evp.h>

#include "merkle.h"

static void sha256_parts(const unsigned char prefix, const void *a, size_t a_len,
                         const void *b, size_t b_len, unsigned char out[SHA256_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	/* SHA-256 cannot fail on a valid context; a failed allocation leaves
	 * a zero root, which never verifies. */
	memset(out, 0, SHA256_LEN);
	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		EVP_DigestUpdate(ctx, &prefix, 1);
		EVP_DigestUpdate(ctx, a, a_len);
		if (b_len)
			EVP_DigestUpdate(ctx, b, b_len);
		EVP_DigestFinal_ex(ctx, out, NULL);
	}
	EVP_MD_CTX_free(ctx);
}

void merkle_init(merkle *m)
{
	memset(m, 0, sizeof *m);
}

void merkle_add(merkle *m, const void *data, size_t len)
{
	unsigned char node[SHA256_LEN];

	sha256_parts(0x00, data, len, NULL, 0, m->hash[m->depth]);
	m->size[m->depth++] = 1;
	m->leaves++;
	/* Two perfect subtrees of one size make one of twice the size. */
	while (m->depth >= 2 && m->size[m->depth - 1] == m->size[m->depth - 2]) {
		sha256_parts(0x01, m->hash[m->depth - 2], SHA256_LEN, m->hash[m->depth - 1],
		             SHA256_LEN, node);
		m->depth--;
		memcpy(m->hash[m->depth - 1], node, SHA256_LEN);
		m->size[m->depth - 1] *= 2;
	}
}

void merkle_root(const merkle *m, unsigned char root[SHA256_LEN])
{
	unsigned char node[SHA256_LEN];

	if (m->depth == 0) {
		EVP_Digest("", 0, root, NULL, EVP_sha256(), NULL);
		return;
	}
	/* The smaller subtrees on the right fold into their left neighbours:
	 * that is RFC 6962's split at the largest power of two. */
	memcpy(root, m->hash[m->depth - 1], SHA256_LEN);
	for (int i = m->depth - 2; i >= 0; i--) {
		sha256_parts(0x01, m->hash[i], SHA256_LEN, root, SHA256_LEN, node);
		memcpy(root, node, SHA256_LEN);
	}
}

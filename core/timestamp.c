/*
 * timestamp.c — RFC 3161 requests and replies through OpenSSL's TS API
 * (see timestamp.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "timestamp.h"

static int ts_fail(exhibit_error *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char reason[256] = "";

	if (e)
		ERR_error_string_n(e, reason, sizeof reason);
	ERR_clear_error();
	return exhibit_error_set(err, -1, -1, "%s%s%s", what, *reason ? ": " : "", reason);
}

static TS_MSG_IMPRINT *sha256_imprint(const unsigned char hash[SHA256_LEN])
{
	TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new();
	X509_ALGOR *algo = X509_ALGOR_new();
	int ok = imprint && algo &&
	         X509_ALGOR_set0(algo, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) == 1 &&
	         TS_MSG_IMPRINT_set_algo(imprint, algo) == 1 &&
	         TS_MSG_IMPRINT_set_msg(imprint, (unsigned char *)hash, SHA256_LEN) == 1;

	X509_ALGOR_free(algo);
	if (!ok) {
		TS_MSG_IMPRINT_free(imprint);
		return NULL;
	}
	return imprint;
}

int timestamp_request(const unsigned char hash[SHA256_LEN], unsigned char **der, size_t *len,
                      exhibit_error *err)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *imprint = sha256_imprint(hash);
	ASN1_INTEGER *nonce = ASN1_INTEGER_new();
	unsigned char random[8];
	BIGNUM *bn = NULL;
	int n = -1;

	*der = NULL;
	if (req && imprint && nonce && RAND_bytes(random, sizeof random) == 1 &&
	    (bn = BN_bin2bn(random, sizeof random, NULL)) && BN_to_ASN1_INTEGER(bn, nonce) &&
	    TS_REQ_set_version(req, 1) == 1 && TS_REQ_set_msg_imprint(req, imprint) == 1 &&
	    TS_REQ_set_nonce(req, nonce) == 1 && TS_REQ_set_cert_req(req, 1) == 1)
		n = i2d_TS_REQ(req, der);
	BN_free(bn);
	ASN1_INTEGER_free(nonce);
	TS_MSG_IMPRINT_free(imprint);
	TS_REQ_free(req);
	if (n <= 0)
		return ts_fail(err, "cannot make the time-stamp request");
	*len = (size_t)n;
	return 0;
}

static void describe_token(TS_RESP *resp, timestamp_info *info)
{
	TS_TST_INFO *tst = TS_RESP_get_tst_info(resp);
	const ASN1_GENERALIZEDTIME *when = tst ? TS_TST_INFO_get_time(tst) : NULL;
	PKCS7 *token = TS_RESP_get_token(resp);
	STACK_OF(X509) *certs = token && PKCS7_type_is_signed(token) ? token->d.sign->cert : NULL;
	struct tm tm;

	if (when && ASN1_TIME_to_tm(when, &tm) == 1)
		strftime(info->gen_time, sizeof info->gen_time, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (certs && sk_X509_num(certs) > 0)
		X509_NAME_oneline(X509_get_subject_name(sk_X509_value(certs, 0)), info->tsa,
		                  sizeof info->tsa);
}

static int granted(TS_RESP *resp, exhibit_error *err)
{
	TS_STATUS_INFO *status = TS_RESP_get_status_info(resp);
	long code = status ? ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status)) : -1;

	/* 0 granted, 1 granted with modifications; anything else is a refusal. */
	if (code == 0 || code == 1)
		return 0;
	return exhibit_error_set(err, -1, -1, "the TSA did not grant the time stamp (status %ld)", code);
}

static X509_STORE *trusted_store(const char *file, exhibit_error *err)
{
	X509_STORE *store = X509_STORE_new();

	if (!store || X509_STORE_load_file(store, file) != 1) {
		X509_STORE_free(store);
		ts_fail(err, "cannot read the TSA certificate");
		exhibit_error_prefix(err, "%s: ", file);
		return NULL;
	}
	return store;
}

/* verify_with_store — the TS API's full check, chained to the store. */
static int verify_with_store(TS_RESP *resp, TS_REQ *req, const unsigned char *imprint,
                             X509_STORE *store, exhibit_error *err)
{
	TS_VERIFY_CTX *ctx = req ? TS_REQ_to_TS_VERIFY_CTX(req, NULL) : TS_VERIFY_CTX_new();
	unsigned char *copy = OPENSSL_memdup(imprint, SHA256_LEN);
	int ok;

	if (!ctx || !copy) {
		TS_VERIFY_CTX_free(ctx);
		OPENSSL_free(copy);
		return exhibit_error_set(err, -1, -1, "out of memory");
	}
	if (req) {
		OPENSSL_free(copy);
		/* imprint, nonce, version and signature; the policy is the TSA's own. */
		TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT | TS_VFY_NONCE);
	} else {
		TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT);
		TS_VERIFY_CTX_set_imprint(ctx, copy, SHA256_LEN);
	}
	TS_VERIFY_CTX_set_store(ctx, store);
	ok = TS_RESP_verify_response(ctx, resp) == 1;
	TS_VERIFY_CTX_set_store(ctx, NULL);
	TS_VERIFY_CTX_free(ctx);
	return ok ? 0 : ts_fail(err, "the time stamp does not verify");
}

/* verify_embedded — without a trusted certificate: the token's signature
 * with the certificate it carries, and the imprint. */
static int verify_embedded(TS_RESP *resp, exhibit_error *err)
{
	PKCS7 *token = TS_RESP_get_token(resp);

	if (!token || PKCS7_verify(token, NULL, NULL, NULL, NULL, PKCS7_NOVERIFY | PKCS7_NOCHAIN) != 1)
		return ts_fail(err, "the TSA's signature does not verify with the certificate the reply carries");
	return 0;
}

/* answers — the reply's imprint and nonce are the request's. */
static int answers(TS_REQ *req, TS_TST_INFO *tst)
{
	ASN1_OCTET_STRING *want = TS_MSG_IMPRINT_get_msg(TS_REQ_get_msg_imprint(req));
	ASN1_OCTET_STRING *got = TS_MSG_IMPRINT_get_msg(TS_TST_INFO_get_msg_imprint(tst));
	const ASN1_INTEGER *want_nonce = TS_REQ_get_nonce(req), *got_nonce = TS_TST_INFO_get_nonce(tst);

	if (!want || !got || ASN1_STRING_cmp(want, got) != 0)
		return 0;
	if (want_nonce && (!got_nonce || ASN1_INTEGER_cmp(want_nonce, got_nonce) != 0))
		return 0;
	return 1;
}

int timestamp_check(const unsigned char *reply, size_t reply_len, const unsigned char *request,
                    size_t request_len, const char *trusted_cert_file, timestamp_info *info,
                    exhibit_error *err)
{
	const unsigned char *p = reply;
	TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)reply_len);
	TS_REQ *req = NULL;
	TS_TST_INFO *tst;
	ASN1_OCTET_STRING *msg;
	X509_STORE *store = NULL;
	int rc = -1;

	memset(info, 0, sizeof *info);
	if (!resp || p != reply + reply_len) {
		ts_fail(err, "not an RFC 3161 time-stamp reply");
		goto out;
	}
	if (request) {
		p = request;
		if (!(req = d2i_TS_REQ(NULL, &p, (long)request_len))) {
			ts_fail(err, "not an RFC 3161 time-stamp request");
			goto out;
		}
	}
	if (granted(resp, err) < 0)
		goto out;
	tst = TS_RESP_get_tst_info(resp);
	msg = tst ? TS_MSG_IMPRINT_get_msg(TS_TST_INFO_get_msg_imprint(tst)) : NULL;
	if (!msg || ASN1_STRING_length(msg) != SHA256_LEN) {
		exhibit_error_set(err, -1, -1, "the time stamp is not over a SHA-256 hash");
		goto out;
	}
	memcpy(info->imprint, ASN1_STRING_get0_data(msg), SHA256_LEN);
	describe_token(resp, info);
	if (req && !answers(req, tst)) {
		exhibit_error_set(err, -1, -1, "the reply does not answer this request "
		                  "(its hash or nonce differs)");
		goto out;
	}
	if (trusted_cert_file) {
		if (!(store = trusted_store(trusted_cert_file, err)) ||
		    verify_with_store(resp, req, info->imprint, store, err) < 0)
			goto out;
		info->chain_checked = 1;
	} else if (verify_embedded(resp, err) < 0) {
		goto out;
	}
	rc = 0;
out:
	X509_STORE_free(store);
	TS_REQ_free(req);
	TS_RESP_free(resp);
	return rc;
}

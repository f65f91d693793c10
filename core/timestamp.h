/*
 * timestamp.h — RFC 3161 trusted timestamps over custody entries.
 *
 * A time-stamping authority (TSA) signs "this hash existed at this time".
 * exhibit asks for a stamp over a custody entry's hash (the entry hash is
 * itself a SHA-256, so it is the message imprint as it is), and checks
 * the TSA's reply offline with OpenSSL's TS API: the status, the imprint,
 * the nonce of the request when it is given, and the TSA's signature,
 * chained to a TSA certificate the examiner trusts when one is given.
 * Replies are hostile input like any other: parsed, never trusted.
 */
#ifndef EXHIBIT_TIMESTAMP_H
#define EXHIBIT_TIMESTAMP_H

#include <stddef.h>

#include "error.h"
#include "hash.h"

typedef struct timestamp_info {
	unsigned char imprint[SHA256_LEN]; /* the hash the TSA stamped */
	char gen_time[64];                 /* the TSA's time, ISO-8601 UTC */
	char tsa[512];                     /* the signer's subject */
	int chain_checked;                 /* verified up to a trusted certificate */
} timestamp_info;

/*
 * timestamp_request — a DER TimeStampReq for hash (SHA-256), with a
 * random nonce, asking for the TSA's certificate.  *der is malloc'd.
 * RETURN 0 or negative.
 */
int timestamp_request(const unsigned char hash[SHA256_LEN], unsigned char **der, size_t *len,
                      exhibit_error *err);

/*
 * timestamp_check — parse and verify a DER TimeStampResp.  request (may
 * be NULL) is the DER request it answers: its imprint and nonce must
 * match.  trusted_cert_file (may be NULL) holds the PEM certificate(s)
 * to chain the TSA's signature to; without it the signature is checked
 * with the certificate the reply carries, and chain_checked stays 0.
 * RETURN 0 with info filled, or negative with err saying what failed.
 */
int timestamp_check(const unsigned char *reply, size_t reply_len, const unsigned char *request,
                    size_t request_len, const char *trusted_cert_file, timestamp_info *info,
                    exhibit_error *err);

#endif

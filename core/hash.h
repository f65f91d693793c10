/*
 * hash.h — MD5, SHA-1 and SHA-256 of one byte stream in a single pass.
 *
 * Every byte of evidence is read once; this module lets that one read feed
 * all three digests the case records.  A multi_hash is owned by one thread
 * at a time and reused across items (reset between them) so the hot path
 * allocates nothing.
 */
#ifndef EXHIBIT_HASH_H
#define EXHIBIT_HASH_H

#include <stddef.h>

#include "error.h"

#define MD5_LEN 16
#define SHA1_LEN 20
#define SHA256_LEN 32

typedef struct digests {
	unsigned char md5[MD5_LEN];
	unsigned char sha1[SHA1_LEN];
	unsigned char sha256[SHA256_LEN];
} digests;

typedef struct multi_hash multi_hash;

/* multi_hash_new — contexts ready for a first stream; NULL on failure. */
multi_hash *multi_hash_new(exhibit_error *err);
void multi_hash_free(multi_hash *mh);

/* multi_hash_reset — start a new stream.  RETURN 0 or a negative code. */
int multi_hash_reset(multi_hash *mh, exhibit_error *err);

/* multi_hash_update — feed bytes.  RETURN 0 or a negative code. */
int multi_hash_update(multi_hash *mh, const void *buf, size_t len, exhibit_error *err);

/* multi_hash_final — finish the stream into out.  RETURN 0 or negative. */
int multi_hash_final(multi_hash *mh, digests *out, exhibit_error *err);

/* hex_encode — len bytes to 2*len lowercase hex digits plus NUL in out. */
void hex_encode(const unsigned char *bytes, size_t len, char *out);

/* hex_decode — 2*len hex digits to bytes.  RETURN 0, or -1 if malformed. */
int hex_decode(const char *hex, unsigned char *out, size_t len);

#endif

/*
 * signing.h — the examiner's Ed25519 key: made, stored, loaded, used.
 *
 * The head of every case's custody log is signed by the examiner who
 * changed the case.  A key pair is two PEM files: the private key
 * (PKCS#8, mode 0600, optionally encrypted with a passphrase) and the
 * public key (SubjectPublicKeyInfo).  Both may start with a text line
 * "Examiner: NAME" before the PEM block, which says whose key it is;
 * OpenSSL's PEM readers skip such lines, so `openssl pkeyutl` reads the
 * files as they are.
 *
 * A key is named by its fingerprint: the SHA-256 of the 32-byte raw
 * public key, in lowercase hex.  Signatures are plain Ed25519 (RFC 8032)
 * over the message bytes, so `openssl pkeyutl -verify -rawin` checks them.
 */
#ifndef EXHIBIT_SIGNING_H
#define EXHIBIT_SIGNING_H

#include <stddef.h>

#include "error.h"

#define SIGNING_SIGNATURE_LEN 64
#define SIGNING_FINGERPRINT_LEN 64 /* hex digits, without the NUL */
#define SIGNING_ERR_EXISTS -17     /* signing_key_save: the key file exists */

typedef struct signing_key signing_key;

/* Supplies the passphrase of an encrypted private key: writes at most
 * size-1 bytes and a NUL into buf.  RETURN its length, or -1 for none. */
typedef int (*signing_passphrase_fn)(void *ctx, char *buf, size_t size);

/* signing_key_generate — a new Ed25519 key pair, or NULL with err set. */
signing_key *signing_key_generate(const char *examiner, exhibit_error *err);

/*
 * signing_key_save — write the private key to path (created with mode
 * 0600; an existing file is never overwritten) and the public key to
 * path + ".pub".  passphrase NULL or "" leaves the private key
 * unencrypted.  The private key file appears whole or not at all.
 * RETURN 0, SIGNING_ERR_EXISTS when path exists, or another negative code.
 */
int signing_key_save(const signing_key *key, const char *path, const char *passphrase,
                     exhibit_error *err);

/*
 * signing_key_load — read a private key written by signing_key_save.
 * passphrase_fn is asked only when the key is encrypted (it may be NULL).
 * RETURN the key, or NULL with err naming the file.
 */
signing_key *signing_key_load(const char *path, signing_passphrase_fn passphrase_fn,
                              void *ctx, exhibit_error *err);
void signing_key_free(signing_key *key);

/* signing_key_examiner — the name from the key file, or NULL. */
const char *signing_key_examiner(const signing_key *key);
/* signing_key_fingerprint — the key's fingerprint (hex, NUL-terminated). */
const char *signing_key_fingerprint(const signing_key *key);
/* signing_key_public_pem — the public key as PEM text (owned by the key). */
const char *signing_key_public_pem(const signing_key *key);

/* signing_sign — the 64-byte signature of msg.  RETURN 0 or negative. */
int signing_sign(const signing_key *key, const void *msg, size_t len,
                 unsigned char sig[SIGNING_SIGNATURE_LEN], exhibit_error *err);

/*
 * signing_verify — check sig over msg with a public key in PEM form.
 * RETURN 1 when the signature is good, 0 when it is not, negative when
 * the public key cannot be read (err says why).
 */
int signing_verify(const char *public_pem, const void *msg, size_t len,
                   const unsigned char *sig, size_t sig_len, exhibit_error *err);

/*
 * signing_public_fingerprint — the fingerprint of a PEM public key into
 * out (SIGNING_FINGERPRINT_LEN + 1 bytes).  RETURN 0 or negative.
 */
int signing_public_fingerprint(const char *public_pem, char *out, exhibit_error *err);

/* signing_default_key_path — $EXHIBIT_KEY, else
 * $XDG_CONFIG_HOME/exhibit/examiner.key, else ~/.config/exhibit/examiner.key;
 * malloc'd, or NULL when there is no home to put it in. */
char *signing_default_key_path(void);

#endif

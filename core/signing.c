/*
 * signing.c — Ed25519 examiner keys through OpenSSL EVP (see signing.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "hash.h"
#include "signing.h"
#include "text.h"

#define EXAMINER_PREFIX "Examiner: "
#define MAX_KEY_FILE 65536

struct signing_key {
	EVP_PKEY *pkey;
	char *examiner;
	char *public_pem;
	char fingerprint[SIGNING_FINGERPRINT_LEN + 1];
};

/* openssl_fail — err from OpenSSL's queue, prefixed with what failed. */
static int openssl_fail(exhibit_error *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char reason[256] = "unknown reason";

	if (e)
		ERR_error_string_n(e, reason, sizeof reason);
	ERR_clear_error();
	return exhibit_error_set(err, -1, -1, "%s: %s", what, reason);
}

static int fingerprint_of(EVP_PKEY *pkey, char out[SIGNING_FINGERPRINT_LEN + 1],
                          exhibit_error *err)
{
	unsigned char raw[64], digest[SHA256_LEN];
	size_t raw_len = sizeof raw;

	if (EVP_PKEY_get_raw_public_key(pkey, raw, &raw_len) != 1 ||
	    EVP_Digest(raw, raw_len, digest, NULL, EVP_sha256(), NULL) != 1)
		return openssl_fail(err, "cannot read the public key");
	hex_encode(digest, sizeof digest, out);
	return 0;
}

static char *public_pem_of(EVP_PKEY *pkey)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *pem = NULL;
	long len;

	if (bio && PEM_write_bio_PUBKEY(bio, pkey) == 1) {
		len = BIO_get_mem_data(bio, &data);
		pem = strndup(data, (size_t)len);
	}
	BIO_free(bio);
	return pem;
}

/* wrap — a signing_key around pkey (taken over), or NULL. */
static signing_key *wrap(EVP_PKEY *pkey, const char *examiner, exhibit_error *err)
{
	signing_key *key = calloc(1, sizeof *key);

	if (!key) {
		EVP_PKEY_free(pkey);
		exhibit_error_set(err, -1, -1, "out of memory");
		return NULL;
	}
	key->pkey = pkey;
	key->examiner = examiner && *examiner ? strdup(examiner) : NULL;
	key->public_pem = public_pem_of(pkey);
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		exhibit_error_set(err, -1, -1, "not an Ed25519 key");
		signing_key_free(key);
		return NULL;
	}
	if (!key->public_pem || fingerprint_of(pkey, key->fingerprint, err) < 0) {
		signing_key_free(key);
		return NULL;
	}
	return key;
}

signing_key *signing_key_generate(const char *examiner, exhibit_error *err)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	if (!pkey) {
		openssl_fail(err, "cannot generate an Ed25519 key");
		return NULL;
	}
	return wrap(pkey, examiner, err);
}

void signing_key_free(signing_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	free(key->examiner);
	free(key->public_pem);
	free(key);
}

const char *signing_key_examiner(const signing_key *key) { return key->examiner; }
const char *signing_key_fingerprint(const signing_key *key) { return key->fingerprint; }
const char *signing_key_public_pem(const signing_key *key) { return key->public_pem; }

/* write_new_file — path with mode holding head and text, appearing whole
 * or not at all: written to a temporary file, then linked into place,
 * which fails if path exists (a key is never overwritten, and a process
 * that starts at the same moment never reads half a key). */
static int write_new_file(const char *path, mode_t mode, const char *head, const char *text,
                          size_t len, exhibit_error *err)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd, ok;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return exhibit_error_set(err, -1, -1, "out of memory");
	fd = mkstemp(tmp);
	if (fd < 0 || fchmod(fd, mode) != 0 || !(f = fdopen(fd, "w"))) {
		exhibit_error_set(err, -1, -1, "%s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	ok = fputs(head, f) >= 0 && fwrite(text, 1, len, f) == len && fflush(f) == 0 &&
	     fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok)
		exhibit_error_set(err, -1, -1, "%s: cannot write: %s", path, strerror(errno));
	else if (link(tmp, path) != 0) {
		int exists = errno == EEXIST;

		exhibit_error_set(err, exists ? SIGNING_ERR_EXISTS : -1, -1, "%s: %s", path,
		                  exists ? "already exists; not overwriting a key" : strerror(errno));
		ok = 0;
	}
	unlink(tmp);
	free(tmp);
	return ok ? 0 : -1;
}

static char *examiner_line(const signing_key *key)
{
	char *clean, *line = NULL;

	if (!key->examiner)
		return strdup("");
	/* The name must stay on its line: escape newlines and controls. */
	clean = text_escape_utf8(key->examiner, strlen(key->examiner));
	if (clean && asprintf(&line, EXAMINER_PREFIX "%s\n", clean) < 0)
		line = NULL;
	free(clean);
	return line;
}

int signing_key_save(const signing_key *key, const char *path, const char *passphrase,
                     exhibit_error *err)
{
	BIO *bio = BIO_new(BIO_s_secmem()); /* the private key: cleared when freed */
	char *pub_path = NULL, *head = examiner_line(key), *data;
	long len;
	int rc = -1, encrypt = passphrase && *passphrase;

	if (!bio || !head || asprintf(&pub_path, "%s.pub", path) < 0) {
		exhibit_error_set(err, -1, -1, "out of memory");
		goto out;
	}
	if (PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, encrypt ? EVP_aes_256_cbc() : NULL,
	                                  encrypt ? (char *)passphrase : NULL,
	                                  encrypt ? (int)strlen(passphrase) : 0, NULL, NULL) != 1) {
		openssl_fail(err, "cannot encode the private key");
		goto out;
	}
	len = BIO_get_mem_data(bio, &data);
	/* The private key last: once it exists, its public key does too. */
	if (access(path, F_OK) == 0) {
		exhibit_error_set(err, SIGNING_ERR_EXISTS, -1, "%s: already exists; not overwriting a key", path);
		goto out;
	}
	unlink(pub_path); /* a public key left without its private key */
	if (write_new_file(pub_path, 0644, head, key->public_pem, strlen(key->public_pem), err) < 0 ||
	    write_new_file(path, 0600, head, data, (size_t)len, err) < 0)
		goto out;
	rc = 0;
out:
	BIO_free_all(bio);
	free(pub_path);
	free(head);
	return rc;
}

typedef struct passphrase_request {
	signing_passphrase_fn fn;
	void *ctx;
	int asked;
} passphrase_request;

static int pem_passphrase(char *buf, int size, int rwflag, void *u)
{
	passphrase_request *req = u;
	int n;

	(void)rwflag;
	req->asked = 1;
	if (!req->fn || size <= 0)
		return -1;
	n = req->fn(req->ctx, buf, (size_t)size);
	return n < 0 || n >= size ? -1 : n;
}

/* read_small_file — the whole file (at most MAX_KEY_FILE bytes), NUL-terminated. */
static char *read_small_file(const char *path, exhibit_error *err)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t n;

	if (!f) {
		exhibit_error_set(err, -1, -1, "%s: %s", path, strerror(errno));
		return NULL;
	}
	text = malloc(MAX_KEY_FILE + 1);
	n = text ? fread(text, 1, MAX_KEY_FILE + 1, f) : 0;
	fclose(f);
	if (!text || n > MAX_KEY_FILE) {
		free(text);
		exhibit_error_set(err, -1, -1, "%s: not a key file (too large)", path);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static char *examiner_from(const char *text)
{
	const char *line = strstr(text, EXAMINER_PREFIX), *end;

	if (!line || (line != text && line[-1] != '\n'))
		return NULL;
	line += strlen(EXAMINER_PREFIX);
	end = strchr(line, '\n');
	return strndup(line, end ? (size_t)(end - line) : strlen(line));
}

signing_key *signing_key_load(const char *path, signing_passphrase_fn passphrase_fn,
                              void *ctx, exhibit_error *err)
{
	char *text = read_small_file(path, err), *examiner;
	passphrase_request req = { passphrase_fn, ctx, 0 };
	struct stat st;
	signing_key *key;
	EVP_PKEY *pkey;
	BIO *bio;

	if (!text)
		return NULL;
	if (stat(path, &st) == 0 && (st.st_mode & 077)) {
		free(text);
		exhibit_error_set(err, -1, -1, "%s: the private key is readable by others "
		                  "(mode %03o): chmod 600 it", path, (unsigned)(st.st_mode & 0777));
		return NULL;
	}
	bio = BIO_new_mem_buf(text, -1);
	pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, pem_passphrase, &req) : NULL;
	BIO_free(bio);
	examiner = examiner_from(text);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	if (!pkey) {
		if (req.asked) {
			exhibit_error_set(err, -1, -1, "%s: the key is passphrase-protected and the "
			                  "passphrase is missing or wrong", path);
		} else {
			openssl_fail(err, "cannot read the private key");
			exhibit_error_prefix(err, "%s: ", path);
		}
		free(examiner);
		return NULL;
	}
	key = wrap(pkey, examiner, err);
	free(examiner);
	if (!key)
		exhibit_error_prefix(err, "%s: ", path);
	return key;
}

int signing_sign(const signing_key *key, const void *msg, size_t len,
                 unsigned char sig[SIGNING_SIGNATURE_LEN], exhibit_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sig_len = SIGNING_SIGNATURE_LEN;
	int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) == 1 &&
	         EVP_DigestSign(ctx, sig, &sig_len, msg, len) == 1 &&
	         sig_len == SIGNING_SIGNATURE_LEN;

	EVP_MD_CTX_free(ctx);
	return ok ? 0 : openssl_fail(err, "cannot sign");
}

static EVP_PKEY *read_public(const char *public_pem, exhibit_error *err)
{
	BIO *bio = BIO_new_mem_buf(public_pem, -1);
	EVP_PKEY *pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	if (!pkey)
		openssl_fail(err, "cannot read the public key");
	else if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		exhibit_error_set(err, -1, -1, "the public key is not an Ed25519 key");
		pkey = NULL;
	}
	return pkey;
}

int signing_verify(const char *public_pem, const void *msg, size_t len,
                   const unsigned char *sig, size_t sig_len, exhibit_error *err)
{
	EVP_PKEY *pkey = read_public(public_pem, err);
	EVP_MD_CTX *ctx;
	int good;

	if (!pkey)
		return -1;
	ctx = EVP_MD_CTX_new();
	good = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
	       EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1;
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return good;
}

int signing_public_fingerprint(const char *public_pem, char *out, exhibit_error *err)
{
	EVP_PKEY *pkey = read_public(public_pem, err);
	int rc;

	if (!pkey)
		return -1;
	rc = fingerprint_of(pkey, out, err);
	EVP_PKEY_free(pkey);
	return rc;
}

char *signing_default_key_path(void)
{
	const char *env = getenv("EXHIBIT_KEY"), *config = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *path = NULL;

	if (env && *env)
		return strdup(env);
	if (config && *config) {
		if (asprintf(&path, "%s/exhibit/examiner.key", config) < 0)
			return NULL;
	} else if (home && *home) {
		if (asprintf(&path, "%s/.config/exhibit/examiner.key", home) < 0)
			return NULL;
	}
	return path;
}

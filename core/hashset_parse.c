/*
 * hashset_parse.c — see hashset_parse.h.  This file recognises formats
 * and opens inputs; each format family is read in its own file
 * (hashset_lines.c, hashset_csv.c, hashset_vics.c, hashset_rds.c).
 */
#include "hashset_parse.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "hashset_input.h"
#include "untrusted_sqlite.h"

static const char *const format_names[HASHSET_FORMAT_COUNT] = {
	[HASHSET_AUTO] = "auto",
	[HASHSET_MD5SUM] = "md5sum",
	[HASHSET_BSD] = "bsd",
	[HASHSET_HASHDEEP] = "hashdeep",
	[HASHSET_NSRL_LEGACY] = "nsrl-legacy",
	[HASHSET_CSV] = "csv",
	[HASHSET_VICS] = "vics",
	[HASHSET_NSRL_RDS3] = "nsrl-rds3",
};

const char *hashset_format_name(hashset_format f)
{
	return f >= 0 && f < HASHSET_FORMAT_COUNT ? format_names[f] : "unknown";
}

int hashset_format_from_name(const char *name)
{
	for (int i = 0; i < HASHSET_FORMAT_COUNT; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

/* ---------------------------------------------------------------- detection */

#define DETECT_LINES 8 /* meaningful lines looked at for a digest list */

static int skip_blank(const unsigned char *p, size_t len, size_t i)
{
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return (int)i;
}

/* detect_lines — a digest list (md5sum or BSD) or a CSV with a header,
 * from the first lines. */
static hashset_format detect_lines(const char *p, size_t len)
{
	size_t i = 0;
	int seen = 0;

	while (i < len && seen < DETECT_LINES) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - p) : len, n = end - i;
		const char *line = p + i;
		hashset_format csv;

		if (n > 0 && line[n - 1] == '\r')
			n--;
		i = end + 1;
		if (n == 0 || line[0] == '#')
			continue;
		if (seen++ == 0 && (csv = hs_csv_header_kind(line, n)) != HASHSET_AUTO)
			return csv;
		if (hs_looks_bsd(line, n))
			return HASHSET_BSD;
		if (hs_looks_md5sum(line, n))
			return HASHSET_MD5SUM;
	}
	return HASHSET_AUTO;
}

hashset_format hashset_detect(const void *head, size_t len)
{
	const unsigned char *p = head;
	size_t start = 0;
	int i;

	if (len > HASHSET_DETECT_BYTES)
		len = HASHSET_DETECT_BYTES;
	if (len >= 16 && !memcmp(p, "SQLite format 3", 16))
		return HASHSET_NSRL_RDS3;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		start = 3;
	i = skip_blank(p, len, start);
	if ((size_t)i < len && p[i] == '{')
		return HASHSET_VICS;
	if (len - start >= 14 && !memcmp(p + start, "%%%% HASHDEEP-", 14))
		return HASHSET_HASHDEEP;
	return detect_lines((const char *)p + start, len - start);
}

/* ---------------------------------------------------------------- inputs */

static int run_parser(hs_input *in, hashset_format format)
{
	switch (format) {
	case HASHSET_MD5SUM: return hs_parse_md5sum(in);
	case HASHSET_BSD: return hs_parse_bsd(in);
	case HASHSET_HASHDEEP: return hs_parse_hashdeep(in);
	case HASHSET_NSRL_LEGACY:
	case HASHSET_CSV: return hs_parse_csv(in, format);
	case HASHSET_VICS: return hs_parse_vics(in);
	default:
		return exhibit_error_set(in->err, EXHIBIT_ERR, -1, "%s: no reader for format %s",
		                         in->name, hashset_format_name(format));
	}
}

static int not_a_hash_set(const char *name, exhibit_error *err)
{
	return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
		"%s: not a hash set exhibit reads (NSRL RDS v3 or NSRLFile.txt, VICS JSON, "
		"md5sum/sha1sum/sha256sum or BSD-style lists, hashdeep, or CSV with a header "
		"naming an MD5, SHA-1 or SHA-256 column)", name);
}

/* no_entries — a file read to the end without one entry is not a set. */
static int no_entries(const hs_input *in, exhibit_error *err)
{
	if (in->stats->rejected)
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
		                         "%s: not a %s hash set: every one of its %llu records was "
		                         "rejected", in->name, hashset_format_name(in->stats->format),
		                         (unsigned long long)in->stats->rejected);
	return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0, "%s: holds no hash entries",
	                         in->name);
}

/* parse_input — run the parser over a prepared input and fill in stats. */
static int parse_input(hs_input *in, hashset_format format)
{
	unsigned int n = 0;
	int rc;

	in->sha = EVP_MD_CTX_new();
	if (!in->sha || EVP_DigestInit_ex(in->sha, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(in->sha);
		return exhibit_error_set(in->err, EXHIBIT_ERR, -1, "out of memory");
	}
	in->stats->format = format;
	rc = run_parser(in, format);
	if (rc == 0) {
		/* What the parser left unread still belongs to the file's hash. */
		unsigned char rest[16384];
		int64_t got;

		while ((got = hs_read(in, rest, sizeof rest)) > 0)
			;
		if (got < 0)
			rc = EXHIBIT_ERR_READ;
	}
	if (in->failed)
		rc = EXHIBIT_ERR_READ;
	in->stats->bytes = in->consumed;
	EVP_DigestFinal_ex(in->sha, in->stats->sha256, &n);
	EVP_MD_CTX_free(in->sha);
	free(in->buf);
	if (rc == 0 && in->stats->entries == 0)
		rc = no_entries(in, in->err);
	return rc;
}

static void input_init(hs_input *in, const char *name, const hashset_callbacks *cb,
                       hashset_stats *stats, exhibit_error *err)
{
	memset(in, 0, sizeof *in);
	memset(stats, 0, sizeof *stats);
	in->name = name;
	in->fd = -1;
	in->cb = cb;
	in->stats = stats;
	in->err = err;
}

int hashset_parse_buffer(const void *data, size_t len, const char *name,
                         hashset_format format, const hashset_callbacks *cb,
                         hashset_stats *stats, exhibit_error *err)
{
	hs_input in;

	input_init(&in, name, cb, stats, err);
	if (format == HASHSET_AUTO && (format = hashset_detect(data, len)) == HASHSET_AUTO)
		return not_a_hash_set(name, err);
	if (format == HASHSET_NSRL_RDS3)
		return exhibit_error_set(err, EXHIBIT_ERR, -1,
		                         "%s: NSRL RDS v3 is read from a file, not from memory", name);
	in.mem = data;
	in.mem_len = len;
	in.total = len;
	return parse_input(&in, format);
}

/* ---------------------------------------------------------------- RDS v3 */

/* sha256_of_file — the file's hash, in one sequential pass (SQLite reads
 * the database in page order, not from start to end). */
static int sha256_of_file(hs_input *in)
{
	unsigned char *buf = malloc(1u << 20);
	unsigned int n = 0;
	int64_t got;
	int rc = 0;

	in->sha = EVP_MD_CTX_new();
	if (!buf || !in->sha || EVP_DigestInit_ex(in->sha, EVP_sha256(), NULL) != 1) {
		rc = exhibit_error_set(in->err, EXHIBIT_ERR, -1, "out of memory");
		goto out;
	}
	while ((got = hs_read(in, buf, 1u << 20)) > 0)
		;
	if (got < 0)
		rc = EXHIBIT_ERR_READ;
	else
		EVP_DigestFinal_ex(in->sha, in->stats->sha256, &n);
	in->stats->bytes = in->consumed;
out:
	EVP_MD_CTX_free(in->sha);
	in->sha = NULL;
	free(buf);
	return rc;
}

/* uri_path — the absolute path with the characters a SQLite URI gives a
 * meaning to ('%', '?', '#') escaped; untrusted_sqlite builds the URI. */
static char *uri_path(const char *path)
{
	char resolved[PATH_MAX];
	char *out, *o;

	if (!realpath(path, resolved))
		return NULL;
	out = malloc(3 * strlen(resolved) + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = resolved; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#') {
			static const char hex[] = "0123456789ABCDEF";
			*o++ = '%';
			*o++ = hex[(unsigned char)*p >> 4];
			*o++ = hex[(unsigned char)*p & 15];
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* A budget long enough to read the largest RDS (hundreds of millions of
 * rows); one row may still take no longer than a minute. */
static const untrusted_sqlite_budget rds_budget = { 60000u, 0xffffffffu };

static int parse_rds3_file(hs_input *in, const char *path)
{
	char *uri = uri_path(path);
	sqlite3 *db = NULL;
	int rc;

	in->stats->format = HASHSET_NSRL_RDS3;
	if (!uri)
		return exhibit_error_set(in->err, EXHIBIT_ERR_READ, -1, "%s: %s", path, strerror(errno));
	if ((rc = sha256_of_file(in)) == 0 &&
	    (rc = untrusted_sqlite_open_private_file(uri, &rds_budget, &db, in->err)) < 0)
		exhibit_error_prefix(in->err, "%s: ", path);
	free(uri);
	if (rc == 0)
		rc = hs_read_rds3(in, db);
	untrusted_sqlite_close(db);
	free(in->buf);
	if (rc == 0 && in->stats->entries == 0)
		rc = no_entries(in, in->err);
	return rc;
}

int hashset_rds3_read(sqlite3 *db, const char *name, const hashset_callbacks *cb,
                      hashset_stats *stats, exhibit_error *err)
{
	hs_input in;
	int rc;

	input_init(&in, name, cb, stats, err);
	stats->format = HASHSET_NSRL_RDS3;
	rc = hs_read_rds3(&in, db);
	if (rc == 0 && stats->entries == 0)
		rc = no_entries(&in, err);
	return rc;
}

/* ---------------------------------------------------------------- files */

int hashset_parse_file(const char *path, hashset_format format,
                       const hashset_callbacks *cb, hashset_stats *stats,
                       exhibit_error *err)
{
	unsigned char *head = NULL;
	struct stat st;
	hs_input in;
	ssize_t got;
	int fd, rc;

	input_init(&in, path, cb, stats, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return exhibit_error_set(err, EXHIBIT_ERR_READ, -1, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return exhibit_error_set(err, EXHIBIT_ERR_READ, -1, "%s: not a regular file", path);
	}
	in.fd = fd;
	in.total = (uint64_t)st.st_size;
	if (format == HASHSET_AUTO) {
		head = malloc(HASHSET_DETECT_BYTES);
		got = head ? pread(fd, head, HASHSET_DETECT_BYTES, 0) : -1;
		if (got < 0) {
			rc = exhibit_error_set(err, EXHIBIT_ERR_READ, 0, "%s: %s", path,
			                       head ? strerror(errno) : "out of memory");
			goto out;
		}
		if ((format = hashset_detect(head, (size_t)got)) == HASHSET_AUTO) {
			rc = not_a_hash_set(path, err);
			goto out;
		}
	}
	rc = format == HASHSET_NSRL_RDS3 ? parse_rds3_file(&in, path) : parse_input(&in, format);
out:
	free(head);
	close(fd);
	return rc;
}

/*
 * hashset_input.h — what the hash-set parsers share (private to them):
 * the input they read (a file or bytes in memory, hashed with SHA-256 as
 * it is read), a line reader with bounded memory, and the small helpers
 * every format needs (hex digests, reporting entries and problems).
 */
#ifndef EXHIBIT_HASHSET_INPUT_H
#define EXHIBIT_HASHSET_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "hashset_parse.h"

typedef struct evp_md_ctx_st hs_sha_ctx; /* OpenSSL's EVP_MD_CTX */

typedef struct hs_input {
	const char *name;                 /* for messages */
	int fd;                           /* -1 when reading memory */
	const unsigned char *mem;         /* memory input */
	size_t mem_len, mem_pos;
	uint64_t total;                   /* size, for progress */
	uint64_t consumed;                /* bytes handed to the parser */
	hs_sha_ctx *sha;
	const hashset_callbacks *cb;
	hashset_stats *stats;
	exhibit_error *err;
	int failed;                       /* a read error, recorded in err */
	uint64_t last_progress;
	/* line reader */
	unsigned char *buf;
	size_t buf_len, buf_pos;
	int eof;
	uint64_t line_no;
	uint64_t buf_offset;              /* file offset of buf[0] */
} hs_input;

/* hs_read — up to cap bytes into dst: the count, 0 at the end, -1 when
 * the file cannot be read (in->err says why). */
int64_t hs_read(hs_input *in, void *dst, size_t cap);

/*
 * hs_next_line — the next line, without its end (LF or CR LF).
 * RETURN: 1 with *line, *len, *offset (of its first byte) and
 * in->line_no set; 0 at the end; -1 on a read error.  A line longer than
 * HASHSET_MAX_LINE comes back with *len = 0 and *too_long = 1 (the rest
 * of it is skipped).
 */
int hs_next_line(hs_input *in, const char **line, size_t *len, uint64_t *offset,
                 int *too_long);

/* hs_emit — count the entry and hand it to the caller. */
int hs_emit(hs_input *in, hashset_entry *e, uint64_t line, uint64_t offset);

/* hs_problem — report a bad line or record (rejected = 1) or a warning. */
void hs_problem(hs_input *in, uint64_t line, uint64_t offset, int rejected,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* hs_entry_init — an empty entry (size, time unknown). */
void hs_entry_init(hashset_entry *e);

/* hs_hex — exactly n bytes from 2n hex digits at s; 0, or -1 if not hex. */
int hs_hex(const char *s, size_t n, unsigned char *out);

/* hs_set_digest — store the hex digest s (len digits: 32, 40 or 64) in e
 * by its length.  RETURN: 0, or -1 when it is not such a digest. */
int hs_set_digest(hashset_entry *e, const char *s, size_t len);

/* hs_is_hex — every one of len bytes is a hex digit. */
int hs_is_hex(const char *s, size_t len);
/* hs_hex_run — how many hex digits start s (at most len). */
size_t hs_hex_run(const char *s, size_t len);

/* The parsers, one per format family. */
int hs_parse_md5sum(hs_input *in);
int hs_parse_bsd(hs_input *in);
int hs_parse_hashdeep(hs_input *in);
int hs_parse_csv(hs_input *in, hashset_format expected);
int hs_parse_vics(hs_input *in);
struct sqlite3;
int hs_read_rds3(hs_input *in, struct sqlite3 *db);

/* Line classifiers shared with detection. */
int hs_looks_md5sum(const char *line, size_t len);
int hs_looks_bsd(const char *line, size_t len);
/* hs_csv_header_kind — HASHSET_NSRL_LEGACY or HASHSET_CSV when line is a
 * CSV header naming a hash column, else HASHSET_AUTO. */
hashset_format hs_csv_header_kind(const char *line, size_t len);

#endif

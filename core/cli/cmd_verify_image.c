/*
 * cmd_verify_image.c — `exhibit verify-image IMAGE...`: re-hash an image's
 * media and compare it with the hashes its acquisition stored (EWF) or
 * with hashes the examiner gives, like ewfverify.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ewf_meta.h"
#include "image_hash.h"
#include "source.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit verify-image IMAGE... [OPTION]...\n"
		"Read every byte of each image's media (raw, split raw, E01/Ex01, and whatever\n"
		"else libtsk reads), compute MD5, SHA-1 and SHA-256, and compare them with the\n"
		"hashes an EWF acquisition stored, and with --md5/--sha1/--sha256 when given.\n"
		"EWF chunks that fail their checksum are named with their byte ranges.\n"
		"\n"
		"      --md5 HEX, --sha1 HEX, --sha256 HEX   expected digests (one image)\n"
		"  -q, --quiet     no progress bar\n"
		"  -h, --help      this help\n"
		"\n"
		"Exit status: 0 every image verified (or hashed, when nothing was stored to compare);\n"
		"1 a mismatch or damaged chunks; 2 usage error; 3 an image could not be read.\n");
}

typedef struct progress_state {
	uint64_t done, total;
	time_t start, shown;
	int bar, bad_ranges;
	const char *name;
} progress_state;

static void show_progress(void *ctx, uint64_t bytes)
{
	progress_state *p = ctx;
	time_t now = time(NULL);
	double secs;

	p->done += bytes;
	if (!p->bar || (now == p->shown && p->done < p->total))
		return;
	p->shown = now;
	secs = difftime(now, p->start);
	fprintf(stderr, "\r%s: %5.1f%%  %.0f MB of %.0f MB  %.0f MB/s ", p->name,
	        p->total ? 100.0 * (double)p->done / (double)p->total : 100.0, (double)p->done / 1e6,
	        (double)p->total / 1e6, secs > 0 ? (double)p->done / 1e6 / secs : 0.0);
}

static void report_bad_range(void *ctx, uint64_t offset, uint64_t length)
{
	progress_state *p = ctx;

	p->bad_ranges++;
	fprintf(stderr, "%s%s: DAMAGED: bytes %llu-%llu fail their EWF chunk checksum\n",
	        p->bar ? "\n" : "", p->name, (unsigned long long)offset,
	        (unsigned long long)(offset + length - 1));
}

/* compare — print one digest line; RETURN 1 on a mismatch. */
static int compare(const char *label, const unsigned char *ours, size_t len,
                   const unsigned char *expected, const char *source)
{
	char a[65], b[65];

	hex_encode(ours, len, a);
	if (!expected) {
		printf("  %-7s %s\n", label, a);
		return 0;
	}
	hex_encode(expected, len, b);
	if (memcmp(ours, expected, len)) {
		printf("  %-7s %s  MISMATCH: %s says %s\n", label, a, source, b);
		return 1;
	}
	printf("  %-7s %s  verified against %s\n", label, a, source);
	return 0;
}

typedef struct expected {
	unsigned char md5[MD5_LEN], sha1[SHA1_LEN], sha256[SHA256_LEN];
	int has_md5, has_sha1, has_sha256;
} expected;

static int verify_one(const char *path, const expected *want, int bar)
{
	evidence_source src;
	ewf_meta meta;
	digests d;
	exhibit_error err;
	progress_state p = { 0, 0, time(NULL), 0, bar, 0, path };
	ewf_hash_callbacks cb = { &p, show_progress, report_bad_range };
	int bad = 0, is_ewf;

	exhibit_error_clear(&err);
	memset(&meta, 0, sizeof meta);
	if (source_probe(path, &src, &err) < 0 || src.kind != SOURCE_IMAGE) {
		fprintf(stderr, "exhibit verify-image: %s\n", err.code ? err.message : "not an image");
		if (!err.code)
			source_clear(&src);
		return EXIT_FATAL;
	}
	is_ewf = src.format && !strcmp(src.format, "ewf");
	if (is_ewf && ewf_meta_read(src.segments, src.n_segments, &meta, &err) < 0)
		fprintf(stderr, "exhibit verify-image: %s (going on with the media)\n", err.message);
	p.total = src.size;
	if (image_hash(&src, &d, &cb, &err) < 0) {
		fprintf(stderr, "%sexhibit verify-image: %s\n", bar ? "\n" : "", err.message);
		ewf_meta_clear(&meta);
		source_clear(&src);
		return EXIT_FATAL;
	}
	if (bar)
		fputc('\n', stderr);
	printf("%s (%s, %llu bytes, %d segment%s)\n", path, src.format,
	       (unsigned long long)src.size, src.n_segments, src.n_segments == 1 ? "" : "s");
	bad |= compare("MD5", d.md5, MD5_LEN, want->has_md5 ? want->md5 : meta.has_md5 ? meta.md5 : NULL,
	               want->has_md5 ? "--md5" : "the acquisition");
	bad |= compare("SHA-1", d.sha1, SHA1_LEN,
	               want->has_sha1 ? want->sha1 : meta.has_sha1 ? meta.sha1 : NULL,
	               want->has_sha1 ? "--sha1" : "the acquisition");
	bad |= compare("SHA-256", d.sha256, SHA256_LEN, want->has_sha256 ? want->sha256 : NULL, "--sha256");
	if (p.bad_ranges)
		printf("  DAMAGED: %d chunk range%s fail their checksum\n", p.bad_ranges,
		       p.bad_ranges == 1 ? "" : "s");
	bad |= p.bad_ranges > 0;
	printf("  %s\n", bad ? "FAILED" : (meta.has_md5 || meta.has_sha1 || want->has_md5 ||
	                                   want->has_sha1 || want->has_sha256)
	                                  ? "verified" : "hashed (nothing stored to compare with)");
	ewf_meta_clear(&meta);
	source_clear(&src);
	return bad ? EXIT_INCOMPLETE : EXIT_OK;
}

/* take_digest — hex of exactly len bytes; RETURN 1 when malformed. */
static int take_digest(const char *hex, unsigned char *out, size_t len, int *has)
{
	*has = 1;
	return strlen(hex) != 2 * len || hex_decode(hex, out, len) < 0;
}

int cmd_verify_image(int argc, char **argv)
{
	static const struct option options[] = {
		{ "md5", required_argument, NULL, 'm' },
		{ "sha1", required_argument, NULL, 's' },
		{ "sha256", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	expected want;
	int c, quiet = 0, rc = EXIT_OK, bad_hex = 0;

	memset(&want, 0, sizeof want);
	while ((c = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
		switch (c) {
		case 'm': bad_hex |= take_digest(optarg, want.md5, MD5_LEN, &want.has_md5); break;
		case 's': bad_hex |= take_digest(optarg, want.sha1, SHA1_LEN, &want.has_sha1); break;
		case 'S': bad_hex |= take_digest(optarg, want.sha256, SHA256_LEN, &want.has_sha256); break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc || bad_hex ||
	    ((want.has_md5 || want.has_sha1 || want.has_sha256) && argc - optind != 1)) {
		fprintf(stderr, "exhibit verify-image: %s\n", bad_hex ? "a digest is not hex of the right length"
		        : optind >= argc ? "no image given" : "--md5/--sha1/--sha256 take one image");
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		int one = verify_one(argv[i], &want, !quiet && isatty(STDERR_FILENO));
		if (one > rc)
			rc = one;
	}
	return rc;
}

/*
 * cmd_keygen.c — `exhibit keygen`: the examiner's signing key pair.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "custody_cli.h"
#include "signing.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit keygen [OPTION]...\n"
		"Create the examiner's Ed25519 key pair, which signs the custody log of every case\n"
		"the examiner creates or changes.  The private key is written with mode 0600 and\n"
		"never overwritten; the public key goes beside it as FILE.pub.\n"
		"\n"
		"  -o, --output FILE        the private key (default: $EXHIBIT_KEY or\n"
		"                           ~/.config/exhibit/examiner.key)\n"
		"      --examiner NAME      whose key it is (recorded in both files)\n"
		"      --passphrase-file F  encrypt the private key with the first line of F\n"
		"      --no-passphrase      leave the private key unencrypted (not recommended)\n"
		"  -h, --help               this help\n"
		"\n"
		"Without --passphrase-file or --no-passphrase the passphrase is asked twice on the\n"
		"terminal.  Publish the fingerprint it prints: reviewers check signatures against it\n"
		"('exhibit verify CASE --key FINGERPRINT').\n");
}

static int read_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	if (!f || !fgets(buf, (int)size, f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int ask_twice(char *buf, size_t size)
{
	char again[1024];
	int ok;

	if (custody_cli_ask_terminal("Passphrase for the new key: ", buf, size) < 0) {
		fprintf(stderr, "exhibit keygen: no terminal to ask a passphrase on: give "
		        "--passphrase-file F or --no-passphrase\n");
		return -1;
	}
	ok = custody_cli_ask_terminal("Again: ", again, sizeof again) >= 0 && !strcmp(again, buf);
	memset(again, 0, sizeof again);
	if (!ok)
		fprintf(stderr, "exhibit keygen: the passphrases differ\n");
	return ok ? 0 : -1;
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "examiner", required_argument, NULL, 'e' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "no-passphrase", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *examiner = getenv("EXHIBIT_EXAMINER"), *pass_file = NULL;
	char *path = NULL, pass[1024] = "";
	int c, no_pass = 0, rc = EXIT_FATAL;
	signing_key *key;
	exhibit_error err;

	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o': free(path); path = strdup(optarg); break;
		case 'e': examiner = optarg; break;
		case 'P': pass_file = optarg; break;
		case 'n': no_pass = 1; break;
		case 'h': usage(stdout); free(path); return EXIT_OK;
		default: usage(stderr); free(path); return EXIT_USAGE;
		}
	}
	if (optind < argc || (no_pass && pass_file)) {
		usage(stderr);
		free(path);
		return EXIT_USAGE;
	}
	if (!path && !(path = signing_default_key_path())) {
		fprintf(stderr, "exhibit keygen: no home directory: give --output FILE\n");
		return EXIT_USAGE;
	}
	if (pass_file && read_first_line(pass_file, pass, sizeof pass) < 0) {
		fprintf(stderr, "exhibit keygen: %s: cannot read the passphrase\n", pass_file);
		free(path);
		return EXIT_USAGE;
	}
	if (!pass_file && !no_pass && ask_twice(pass, sizeof pass) < 0) {
		free(path);
		return EXIT_USAGE;
	}
	exhibit_error_clear(&err);
	custody_cli_make_parents(path);
	key = signing_key_generate(examiner, &err);
	if (key && signing_key_save(key, path, pass, &err) == 0) {
		printf("Private key:  %s (mode 0600%s)\n", path, *pass ? ", passphrase-protected" : "");
		printf("Public key:   %s.pub\n", path);
		printf("Examiner:     %s\n", examiner ? examiner : "(not named)");
		printf("Fingerprint:  %s\n", signing_key_fingerprint(key));
		rc = EXIT_OK;
	} else {
		fprintf(stderr, "exhibit keygen: %s\n", err.message);
	}
	memset(pass, 0, sizeof pass);
	signing_key_free(key);
	free(path);
	return rc;
}

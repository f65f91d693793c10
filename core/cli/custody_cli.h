/*
 * custody_cli.h — what every case-changing command shares: the examiner's
 * key and identity, and the custody entry that ends the command.
 */
#ifndef EXHIBIT_CUSTODY_CLI_H
#define EXHIBIT_CUSTODY_CLI_H

#include <getopt.h>
#include <sqlite3.h>

#include "custody.h"
#include "signing.h"

/* The options every case-changing command takes (getopt_long codes). */
enum { OPT_KEY = 0x4b00, OPT_PASSPHRASE_FILE, OPT_EXAMINER };
#define CUSTODY_CLI_OPTIONS \
	{ "key", required_argument, NULL, OPT_KEY }, \
	{ "passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE }, \
	{ "examiner", required_argument, NULL, OPT_EXAMINER }
#define CUSTODY_CLI_HELP \
	"      --key FILE          the examiner's private key (default: $EXHIBIT_KEY or\n" \
	"                          ~/.config/exhibit/examiner.key, created when missing)\n" \
	"      --passphrase-file F read the key's passphrase from F (else asked on the terminal)\n" \
	"      --examiner NAME     who is acting (default: $EXHIBIT_EXAMINER, the key's name,\n" \
	"                          the login name)\n"

typedef struct custody_cli {
	const char *key_path;        /* --key */
	const char *passphrase_file; /* --passphrase-file */
	const char *examiner;        /* --examiner */
	signing_key *key;
	char *examiner_name;
	char host[256];
	custody_identity who;
} custody_cli;

/* custody_cli_option — take opt/arg if it is one of the custody options.
 * RETURN 1 when taken. */
int custody_cli_option(custody_cli *c, int opt, const char *arg);

/* custody_cli_load — the key (asking for its passphrase if needed) and the
 * identity.  Prints why on failure.  RETURN 0 or -1. */
int custody_cli_load(custody_cli *c, const char *command);
void custody_cli_free(custody_cli *c);

/* custody_cli_make_parents — create the directories above path (mode
 * 0700: they hold keys).  RETURN 0 or -1 (errno). */
int custody_cli_make_parents(const char *path);

/* custody_cli_ask_terminal — a line typed on /dev/tty with echo off,
 * after prompt.  RETURN its length, or -1 without a terminal. */
int custody_cli_ask_terminal(const char *prompt, char *buf, size_t size);

/* custody_cli_begin / custody_cli_commit — custody_begin/commit, printing
 * failures as "exhibit COMMAND: ...".  RETURN 0 or -1. */
int custody_cli_begin(custody_cli *c, sqlite3 *db, const char *command, const char *action,
                      const char *const *scope, custody_begun *begun);
int custody_cli_commit(custody_cli *c, sqlite3 *db, const char *case_dir, const char *command,
                       const custody_action *action, int quiet);

#endif

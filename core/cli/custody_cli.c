/*
 * custody_cli.c — the examiner's key and identity for case-changing
 * commands (see custody_cli.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "config.h"
#include "custody_cli.h"

int custody_cli_option(custody_cli *c, int opt, const char *arg)
{
	switch (opt) {
	case OPT_KEY: c->key_path = arg; return 1;
	case OPT_PASSPHRASE_FILE: c->passphrase_file = arg; return 1;
	case OPT_EXAMINER: c->examiner = arg; return 1;
	default: return 0;
	}
}

/* passphrase_from_file — the first line of the file. */
static int passphrase_from_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return (int)n;
}

int custody_cli_ask_terminal(const char *prompt, char *buf, size_t size)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	struct termios old, quiet;
	ssize_t n, ignored;
	size_t len = 0;
	char ch;

	if (fd < 0)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old) != 0) {
		close(fd);
		return -1;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	while ((n = read(fd, &ch, 1)) == 1 && ch != '\n' && ch != '\r')
		if (len + 1 < size)
			buf[len++] = ch;
	buf[len] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	ignored = write(fd, "\n", 1); /* the newline the hidden input did not echo */
	(void)ignored;
	close(fd);
	return n < 0 ? -1 : (int)len;
}

static int ask_passphrase(void *ctx, char *buf, size_t size)
{
	const custody_cli *c = ctx;
	const char *file = c->passphrase_file ? c->passphrase_file : getenv("EXHIBIT_PASSPHRASE_FILE");

	if (file && *file)
		return passphrase_from_file(file, buf, size);
	return custody_cli_ask_terminal("Passphrase of the examiner key: ", buf, size);
}

int custody_cli_make_parents(const char *path)
{
	char *copy = strdup(path), *slash;

	if (!copy)
		return -1;
	for (slash = strchr(copy + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			free(copy);
			return -1;
		}
		*slash = '/';
	}
	free(copy);
	return 0;
}

static const char *login_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

/* create_default_key — a first key, so that a fresh install can sign;
 * said loudly, with how to make a protected one.  Several exhibit
 * processes may start at once on a fresh install: a lock beside the key
 * lets one create it and the others load it. */
static signing_key *create_default_key(const char *path, const char *command, const char *name)
{
	char *lock_path = NULL;
	signing_key *key = NULL;
	exhibit_error err;
	int lock = -1;

	exhibit_error_clear(&err);
	if (custody_cli_make_parents(path) < 0 || asprintf(&lock_path, "%s.lock", path) < 0 ||
	    (lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 || flock(lock, LOCK_EX) != 0) {
		fprintf(stderr, "exhibit %s: cannot create an examiner key at %s: %s\n", command, path,
		        strerror(errno));
	} else if (access(path, F_OK) == 0) {
		if (!(key = signing_key_load(path, NULL, NULL, &err)))
			fprintf(stderr, "exhibit %s: %s\n", command, err.message);
	} else if (!(key = signing_key_generate(name, &err)) ||
	           signing_key_save(key, path, NULL, &err) < 0) {
		fprintf(stderr, "exhibit %s: cannot create an examiner key at %s: %s\n", command, path,
		        err.message);
		signing_key_free(key);
		key = NULL;
	} else {
		fprintf(stderr, "exhibit %s: created an examiner key without a passphrase at %s "
		        "(fingerprint %s); make your own with 'exhibit keygen'\n", command, path,
		        signing_key_fingerprint(key));
	}
	if (lock >= 0)
		close(lock); /* releases the lock */
	free(lock_path);
	return key;
}

int custody_cli_load(custody_cli *c, const char *command)
{
	char *path = c->key_path ? strdup(c->key_path) : signing_default_key_path();
	const char *name = c->examiner ? c->examiner : getenv("EXHIBIT_EXAMINER");
	/* the examiner: --examiner, else the key's own name, else
	 * $EXHIBIT_EXAMINER, else the login name */
	exhibit_error err;

	exhibit_error_clear(&err);
	if (!path) {
		fprintf(stderr, "exhibit %s: no examiner key: give --key FILE\n", command);
		return -1;
	}
	if (!c->key_path && !getenv("EXHIBIT_KEY") && access(path, F_OK) != 0)
		c->key = create_default_key(path, command, name && *name ? name : login_name());
	else if (!(c->key = signing_key_load(path, ask_passphrase, c, &err)))
		fprintf(stderr, "exhibit %s: %s\n", command, err.message);
	free(path);
	if (!c->key)
		return -1;
	/* Whose key it is says more than the environment's default. */
	if (!c->examiner && signing_key_examiner(c->key))
		name = signing_key_examiner(c->key);
	c->examiner_name = strdup(name && *name ? name : login_name());
	if (gethostname(c->host, sizeof c->host - 1) != 0)
		strcpy(c->host, "unknown");
	c->who.examiner = c->examiner_name;
	c->who.host = c->host;
	c->who.tool_version = PACKAGE_VERSION;
	return c->examiner_name ? 0 : -1;
}

void custody_cli_free(custody_cli *c)
{
	signing_key_free(c->key);
	free(c->examiner_name);
	c->key = NULL;
	c->examiner_name = NULL;
}

int custody_cli_begin(custody_cli *c, sqlite3 *db, const char *command, const char *action,
                      const char *const *scope, custody_begun *begun)
{
	exhibit_error err;

	(void)c;
	exhibit_error_clear(&err);
	if (custody_begin(db, action, scope, begun, &err) < 0) {
		fprintf(stderr, "exhibit %s: %s\n", command, err.message);
		return -1;
	}
	if (begun->interrupted)
		fprintf(stderr, "exhibit %s: an earlier command did not finish (%s); this command's "
		        "custody entry covers what it wrote\n", command, begun->interrupted_what);
	return 0;
}

int custody_cli_commit(custody_cli *c, sqlite3 *db, const char *case_dir, const char *command,
                       const custody_action *action, int quiet)
{
	custody_receipt r;
	exhibit_error err;
	char hex[2 * SHA256_LEN + 1];

	exhibit_error_clear(&err);
	if (custody_commit(db, case_dir, action, &c->who, c->key, &r, &err) < 0) {
		fprintf(stderr, "exhibit %s: the custody entry could not be written: %s\n", command,
		        err.message);
		return -1;
	}
	hex_encode(r.entry_hash, SHA256_LEN, hex);
	if (!quiet)
		fprintf(stderr, "exhibit %s: custody entry %lld signed by %s (%lld rows added, "
		        "%lld changed, %lld removed; entry %.16s...)\n", command, (long long)r.seq,
		        c->who.examiner, (long long)r.rows_added, (long long)r.rows_changed,
		        (long long)r.rows_removed, hex);
	return 0;
}

/*
 * chat_fixture_writer.c — write every chat fixture database of
 * chat_fixtures.h into a directory, for the integration tests that put
 * them inside disk images (tests/integration/chat_carved_fixtures.sh,
 * chat_wal_pairing.sh).  Built only for tests.
 *
 * Usage: chat_fixture_writer DIR     writes DIR/<file> for each fixture and
 *                                    prints "<plugin> <file>" lines
 *        chat_fixture_writer --list  prints the lines only
 * Exit status: 0, or 1 with a message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_fixtures.h"

static int write_fixture(const char *dir, const chat_fixture *f)
{
	char path[4096], why[512];
	chat_bytes b;
	FILE *out;
	int rc = 0;

	if (chat_fixture_build(f, &b, why, sizeof why) < 0) {
		fprintf(stderr, "chat_fixture_writer: %s\n", why);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s", dir, f->file);
	if (!(out = fopen(path, "wbx"))) {
		fprintf(stderr, "chat_fixture_writer: cannot create %s (two fixtures "
		        "of one name, or it exists)\n", path);
		rc = -1;
	} else {
		if (fwrite(b.data, 1, b.len, out) != b.len)
			rc = -1;
		if (fclose(out) != 0)
			rc = -1;
		if (rc < 0)
			fprintf(stderr, "chat_fixture_writer: cannot write %s\n", path);
	}
	free(b.data);
	return rc;
}

int main(int argc, char **argv)
{
	const chat_fixture *f;
	int list;

	if (argc != 2) {
		fprintf(stderr, "usage: chat_fixture_writer DIR | --list\n");
		return 1;
	}
	list = !strcmp(argv[1], "--list");
	for (f = chat_fixture_table; f->plugin; f++) {
		if (!list && write_fixture(argv[1], f) < 0)
			return 1;
		printf("%s %s\n", f->plugin, f->file);
	}
	return 0;
}

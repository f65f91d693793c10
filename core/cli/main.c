/*
 * main.c — exhibit's entry point: picks the subcommand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: exhibit COMMAND [OPTION]...\n"
		"Process seized-device disk images into a reviewable, verifiable case.\n"
		"\n"
		"Commands:\n"
		"  process IMAGE... --case DIR   walk, hash, identify and analyse evidence\n"
		"  verify CASE                   check the case against its signed chain of custody\n"
		"  custody CASE                  print the chain of custody\n"
		"  verify-image IMAGE...         re-hash images against their stored hashes\n"
		"  keygen                        create the examiner's signing key\n"
		"  timestamp CASE                RFC 3161 time stamps over the custody log\n"
		"  tag|note|categorize CASE ITEM VALUE   what a reviewer says about an item\n"
		"  plugins                       list the plugins exhibit loads\n"
		"  hashset import|list|remove|match|hide-known-good\n"
		"                                the hash sets shared across cases\n"
		"  export CASE --format F --output PATH  write the case as DFXML, hashdeep, files,\n"
		"                                CSV, VICS or CASE/UCO\n"
		"  search CASE QUERY             full-text search of the case's chat messages\n"
		"  similar CASE                  near-duplicate images and videos (PDQ)\n"
		"  preview CASE FILE_ID --out F  write an image's thumbnail or a video's contact\n"
		"                                sheet (blurred unless --unblurred)\n"
		"  version                       print the version\n"
		"\n"
		"Run 'exhibit COMMAND --help' for a command's options.\n"
		"\n"
		"Exit status:\n"
		"  0  everything was done\n"
		"  1  done, but something could not be read or analysed (see v_errors)\n"
		"  2  the command line was wrong\n"
		"  3  nothing could be done (the case could not be opened, ...)\n");
}

int main(int argc, char **argv)
{
	/* libtsk turns local-time file systems (FAT) into Unix time with the
	 * process's zone; pin it so results do not depend on the workstation. */
	setenv("TZ", "UTC", 1);
	tzset();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "process"))
		return cmd_process(argc - 1, argv + 1);
	if (!strcmp(argv[1], "plugins"))
		return cmd_plugins(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify-image"))
		return cmd_verify_image(argc - 1, argv + 1);
	if (!strcmp(argv[1], "custody"))
		return cmd_custody(argc - 1, argv + 1);
	if (!strcmp(argv[1], "keygen"))
		return cmd_keygen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "timestamp"))
		return cmd_timestamp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "tag"))
		return cmd_tag(argc - 1, argv + 1);
	if (!strcmp(argv[1], "note"))
		return cmd_note(argc - 1, argv + 1);
	if (!strcmp(argv[1], "categorize"))
		return cmd_categorize(argc - 1, argv + 1);
	if (!strcmp(argv[1], "hashset"))
		return cmd_hashset(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(argv[1], "search"))
		return cmd_search(argc - 1, argv + 1);
	if (!strcmp(argv[1], "similar"))
		return cmd_similar(argc - 1, argv + 1);
	if (!strcmp(argv[1], "preview"))
		return cmd_preview(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("exhibit %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "exhibit: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

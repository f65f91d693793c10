/*
 * cli.h — the exhibit command line: one function per subcommand, each
 * returning the process exit status (see EXIT STATUS in exhibit --help).
 */
#ifndef EXHIBIT_CLI_H
#define EXHIBIT_CLI_H

#include <stdint.h>

enum {
	EXIT_OK = 0,          /* everything was done */
	EXIT_INCOMPLETE = 1,  /* done, but something could not be read or analysed */
	EXIT_USAGE = 2,       /* the command line was wrong */
	EXIT_FATAL = 3        /* nothing could be done (case unwritable, ...) */
};

int cmd_process(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_verify_image(int argc, char **argv);
int cmd_custody(int argc, char **argv);
int cmd_timestamp(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_note(int argc, char **argv);
int cmd_categorize(int argc, char **argv);
int cmd_hashset(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_similar(int argc, char **argv);
int cmd_preview(int argc, char **argv);

/* cli_load_plugins — the registry from the default directory and dirs;
 * refusals are printed to stderr (or as JSON events). */
struct plugin_registry;
struct plugin_registry *cli_load_plugins(char **dirs, int n_dirs, int use_default, int json);

/* cli_similar_run — near duplicates of the case (core/similar.h) with the
 * PDQ values of snap's sets (NULL: none) from the hash database in
 * hashdb_dir; *invalid counts set values that are not PDQ hashes.  Shared
 * by `exhibit similar` and the end of `exhibit process`.  RETURN 0 or < 0
 * with err set. */
struct casedb;
struct hashdb;
struct similar_options;
struct similar_stats;
struct exhibit_error;
int cli_similar_run(struct casedb *db, const struct hashdb *snap, const char *hashdb_dir,
                    const struct similar_options *base, struct similar_stats *st,
                    uint64_t *invalid, struct exhibit_error *err);

/* cli_bench_random — the next number of a xorshift64 sequence (the bench
 * subcommands' synthetic data: fast, seeded, the same on every machine). */
static inline uint64_t cli_bench_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif

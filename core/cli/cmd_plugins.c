/*
 * cmd_plugins.c — `exhibit plugins`: what is loaded, and what it accepts.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plugins.h"

static void print_list(const char *label, const char *const *items)
{
	if (!items || !*items)
		return;
	printf("    %s:", label);
	for (; *items; items++)
		printf(" %s", *items);
	printf("\n");
}

static void print_signatures(const exhibit_plugin *p)
{
	for (size_t i = 0; i < p->n_signatures; i++) {
		printf("    signature: offset %u, bytes ", p->signatures[i].offset);
		for (size_t b = 0; b < p->signatures[i].len; b++)
			printf("%02x", p->signatures[i].bytes[b]);
		printf("\n");
	}
}

int cmd_plugins(int argc, char **argv)
{
	static const struct option options[] = {
		{ "plugin-dir", required_argument, NULL, 'p' },
		{ "no-default-plugins", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char **dirs = calloc((size_t)argc, sizeof *dirs);
	int n_dirs = 0, use_default = 1, c;
	plugin_registry *reg;

	while (dirs && (c = getopt_long(argc, argv, "p:nh", options, NULL)) != -1) {
		switch (c) {
		case 'p': dirs[n_dirs++] = optarg; break;
		case 'n': use_default = 0; break;
		case 'h':
			printf("Usage: exhibit plugins [--plugin-dir DIR]... [--no-default-plugins]\n"
			       "List the plugins exhibit loads from %s and each DIR.\n", EXHIBIT_PLUGINDIR);
			free(dirs);
			return EXIT_OK;
		default:
			free(dirs);
			return EXIT_USAGE;
		}
	}
	reg = cli_load_plugins(dirs, n_dirs, use_default, 0);
	free(dirs);
	if (!reg)
		return EXIT_FATAL;
	printf("%zu plugin%s (ABI version %u)\n", plugin_registry_count(reg),
	       plugin_registry_count(reg) == 1 ? "" : "s", EXHIBIT_ABI_VERSION);
	for (size_t i = 0; i < plugin_registry_count(reg); i++) {
		const exhibit_plugin *p = plugin_registry_get(reg, i);

		printf("%s %s (%s)\n    %s\n    from: %s\n", p->name, p->version ? p->version : "",
		       p->kind == EXHIBIT_PLUGIN_CARVER ? "carver" : "analyzer",
		       p->description ? p->description : "", plugin_registry_origin(reg, i));
		print_list("types", p->mime_types);
		print_list("names", p->name_patterns);
		if (p->kind == EXHIBIT_PLUGIN_CARVER && p->carver)
			printf("    carves: files up to %llu bytes, %s\n",
			       (unsigned long long)p->carver->max_size,
			       p->carver->fragments ? "in one or two fragments" : "contiguous only");
		print_signatures(p);
	}
	plugin_registry_free(reg);
	return EXIT_OK;
}

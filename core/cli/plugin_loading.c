/*
 * plugin_loading.c — the plugin directories the CLI searches, and how it
 * tells the examiner about a plugin it refused.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "plugins.h"
#include "text.h"

static void print_refusal(void *ctx, const char *message)
{
	int json = *(int *)ctx;

	if (json) {
		char *m = text_json_escape(message);
		printf("{\"event\":\"plugin-refused\",\"message\":%s}\n", m ? m : "\"\"");
		free(m);
	} else {
		fprintf(stderr, "exhibit: %s\n", message);
	}
}

plugin_registry *cli_load_plugins(char **dirs, int n_dirs, int use_default, int json)
{
	plugin_registry *reg = plugin_registry_new();

	if (!reg)
		return NULL;
	for (int i = 0; i < n_dirs; i++)
		plugin_registry_load_dir(reg, dirs[i], print_refusal, &json);
	if (use_default)
		plugin_registry_load_dir(reg, EXHIBIT_PLUGINDIR, print_refusal, &json);
	return reg;
}

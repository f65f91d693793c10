/*
 * plugins.c — see plugins.h.
 */
#include "plugins.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct loaded_plugin {
	const exhibit_plugin *desc;
	void *handle;   /* dlopen handle, NULL for linked-in plugins */
	char *origin;   /* the file it came from */
} loaded_plugin;

struct plugin_registry {
	loaded_plugin *plugins;
	size_t count, cap;
};

plugin_registry *plugin_registry_new(void)
{
	return calloc(1, sizeof(plugin_registry));
}

/* Under AddressSanitizer a loaded plugin stays loaded: what the libraries
 * it links allocate for the process's life (FFmpeg's codec tables, in
 * their constructors) is then named by LeakSanitizer and suppressed by
 * library (tests/lsan.supp), instead of coming from "<unknown module>". */
static void plugin_unload(void *handle)
{
#if defined(__SANITIZE_ADDRESS__)
	(void)handle;
#else
	dlclose(handle);
#endif
}

void plugin_registry_free(plugin_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->count; i++) {
		if (reg->plugins[i].handle)
			plugin_unload(reg->plugins[i].handle);
		free(reg->plugins[i].origin);
	}
	free(reg->plugins);
	free(reg);
}

int plugin_check_descriptor(const exhibit_plugin *p, exhibit_error *err)
{
	if (!p)
		return exhibit_error_set(err, -1, -1, "the entry point returned no descriptor");
	if (p->abi_version != EXHIBIT_ABI_VERSION)
		return exhibit_error_set(err, -1, -1,
			"built for plugin ABI version %u, this exhibit speaks version %u: rebuild it "
			"against this exhibit's SDK", p->abi_version, EXHIBIT_ABI_VERSION);
	if (!p->name || !p->name[0] || strlen(p->name) > 64)
		return exhibit_error_set(err, -1, -1, "the descriptor has no usable name");
	if (p->kind != EXHIBIT_PLUGIN_ANALYZER && p->kind != EXHIBIT_PLUGIN_CARVER)
		return exhibit_error_set(err, -1, -1, "plugin %s: unknown kind %d", p->name, (int)p->kind);
	if (p->kind == EXHIBIT_PLUGIN_ANALYZER && !p->analyze)
		return exhibit_error_set(err, -1, -1, "plugin %s: no analyze callback", p->name);
	if (p->kind == EXHIBIT_PLUGIN_CARVER &&
	    (!p->carver || !p->carver->header_check || !p->n_signatures))
		return exhibit_error_set(err, -1, -1,
			"plugin %s: a carver needs signatures and a header_check", p->name);
	if (p->n_signatures && !p->signatures)
		return exhibit_error_set(err, -1, -1, "plugin %s: signatures missing", p->name);
	return 0;
}

int plugin_registry_add(plugin_registry *reg, const exhibit_plugin *p,
                        const char *origin, exhibit_error *err)
{
	if (plugin_check_descriptor(p, err) < 0)
		return -1;
	for (size_t i = 0; i < reg->count; i++)
		if (!strcmp(reg->plugins[i].desc->name, p->name))
			return exhibit_error_set(err, -1, -1,
				"a plugin named %s is already loaded from %s", p->name,
				reg->plugins[i].origin);
	if (reg->count == reg->cap) {
		size_t cap = reg->cap ? reg->cap * 2 : 8;
		loaded_plugin *grown = realloc(reg->plugins, cap * sizeof *grown);

		if (!grown)
			return exhibit_error_set(err, -1, -1, "out of memory");
		reg->plugins = grown;
		reg->cap = cap;
	}
	reg->plugins[reg->count].desc = p;
	reg->plugins[reg->count].handle = NULL;
	reg->plugins[reg->count].origin = strdup(origin ? origin : "(built in)");
	reg->count++;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_one(plugin_registry *reg, const char *path, plugin_problem_fn problem,
                     void *ctx, int *loaded)
{
	char msg[EXHIBIT_ERROR_MAX + 256];
	exhibit_error err;
	void *handle;
	exhibit_plugin_entry_fn entry;

	exhibit_error_clear(&err);
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(msg, sizeof msg, "%s: refused: cannot load: %s", path, dlerror());
		problem(ctx, msg);
		return;
	}
	*(void **)&entry = dlsym(handle, EXHIBIT_PLUGIN_ENTRY);
	if (!entry) {
		snprintf(msg, sizeof msg, "%s: refused: no %s() entry point", path, EXHIBIT_PLUGIN_ENTRY);
		problem(ctx, msg);
		dlclose(handle);
		return;
	}
	if (plugin_registry_add(reg, entry(), path, &err) < 0) {
		snprintf(msg, sizeof msg, "%s: refused: %s", path, err.message);
		problem(ctx, msg);
		dlclose(handle);
		return;
	}
	reg->plugins[reg->count - 1].handle = handle;
	(*loaded)++;
}

int plugin_registry_load_dir(plugin_registry *reg, const char *dir,
                             plugin_problem_fn problem, void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int loaded = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!ends_with(de->d_name, ".so"))
			continue;
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *grown);
			if (!grown)
				break;
			names = grown;
		}
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) >= 0)
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, compare_strings);
	for (size_t i = 0; i < n; i++) {
		load_one(reg, names[i], problem, ctx, &loaded);
		free(names[i]);
	}
	free(names);
	return loaded;
}

size_t plugin_registry_count(const plugin_registry *reg) { return reg->count; }

const exhibit_plugin *plugin_registry_get(const plugin_registry *reg, size_t i)
{
	return i < reg->count ? reg->plugins[i].desc : NULL;
}

const char *plugin_registry_origin(const plugin_registry *reg, size_t i)
{
	return i < reg->count ? reg->plugins[i].origin : NULL;
}

static int in_list(const char *const *list, const char *value)
{
	for (; list && *list && value; list++)
		if (!strcmp(*list, value))
			return 1;
	return 0;
}

static int matches_pattern(const char *const *patterns, const char *name)
{
	for (; patterns && *patterns && name; patterns++)
		if (fnmatch(*patterns, name, FNM_CASEFOLD) == 0)
			return 1;
	return 0;
}

int plugin_accepts(const exhibit_plugin *p, const char *mime_type, const char *name,
                   const unsigned char *head, size_t head_len)
{
	if (!p->analyze) /* a carver only carves */
		return 0;
	if (in_list(p->mime_types, mime_type) || matches_pattern(p->name_patterns, name))
		return 1;
	for (size_t i = 0; i < p->n_signatures; i++) {
		const exhibit_signature *sig = &p->signatures[i];

		if (sig->offset + sig->len <= head_len &&
		    !memcmp(head + sig->offset, sig->bytes, sig->len))
			return 1;
	}
	return 0;
}

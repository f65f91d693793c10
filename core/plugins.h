/*
 * plugins.h — finding, loading and choosing plugins.
 *
 * The registry loads every shared object in the given directories, checks
 * each descriptor (ABI version, name, callbacks) and refuses a broken or
 * foreign plugin with a message naming the file, without stopping: the
 * run goes on with the plugins that loaded.  Loaded plugins stay loaded
 * until the registry is freed; descriptors are immutable, so any thread
 * may read them.
 */
#ifndef EXHIBIT_PLUGINS_H
#define EXHIBIT_PLUGINS_H

#include <stddef.h>

#include "error.h"
#include "exhibit/plugin.h"

typedef struct plugin_registry plugin_registry;

/* problem callback: a plugin file that was refused, and why. */
typedef void (*plugin_problem_fn)(void *ctx, const char *message);

plugin_registry *plugin_registry_new(void);
void plugin_registry_free(plugin_registry *reg);

/*
 * plugin_registry_load_dir — load every *.so in dir (sorted by name).  A
 * missing dir is not an error.  RETURN: the number loaded.
 */
int plugin_registry_load_dir(plugin_registry *reg, const char *dir,
                             plugin_problem_fn problem, void *ctx);

/* plugin_registry_add — register a descriptor linked into the program
 * (tests).  RETURN 0, or negative with err saying why it was refused. */
int plugin_registry_add(plugin_registry *reg, const exhibit_plugin *p,
                        const char *origin, exhibit_error *err);

size_t plugin_registry_count(const plugin_registry *reg);
const exhibit_plugin *plugin_registry_get(const plugin_registry *reg, size_t i);
const char *plugin_registry_origin(const plugin_registry *reg, size_t i);

/* plugin_check_descriptor — 0 when p is usable, else negative with err. */
int plugin_check_descriptor(const exhibit_plugin *p, exhibit_error *err);

/*
 * plugin_accepts — 1 when the item should go to p: its MIME type is one p
 * lists, its name matches one of p's patterns, or head starts with one of
 * p's signatures.  A plugin without analyze (a carver) accepts nothing.
 */
int plugin_accepts(const exhibit_plugin *p, const char *mime_type, const char *name,
                   const unsigned char *head, size_t head_len);

#endif

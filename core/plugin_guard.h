/*
 * plugin_guard.h — a plugin that crashes costs its item, not the run.
 *
 * Plugins parse hostile content.  A crash (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL) inside a guarded call is caught on the worker's own signal
 * stack and turned into an error for that item and plugin; the worker
 * goes on with the next item.  The plugin's memory for that call may
 * leak, which is the price of not dying.  Crashes outside a guarded call
 * still end the process as usual.
 */
#ifndef EXHIBIT_PLUGIN_GUARD_H
#define EXHIBIT_PLUGIN_GUARD_H

/* plugin_guard_install — install the handlers (once per process).
 * RETURN 0 or -1. */
int plugin_guard_install(void);

/* plugin_guard_thread_begin / _end — give the calling thread an alternate
 * signal stack (so a stack overflow can be caught too) and take it away. */
int plugin_guard_thread_begin(void);
void plugin_guard_thread_end(void);

/*
 * plugin_guard_call — run fn(arg).
 * RETURN: what fn returned; or, when fn crashed, -1 with *crash_signal set
 * to the signal number (0 when it did not crash).
 */
int plugin_guard_call(int (*fn)(void *arg), void *arg, int *crash_signal);

#endif

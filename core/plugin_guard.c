/*
 * plugin_guard.c — see plugin_guard.h.  sigsetjmp/siglongjmp from a
 * handler running on an alternate stack, armed only around plugin calls
 * by a thread-local flag.
 */
#include "plugin_guard.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define GUARD_STACK_SIZE (256 * 1024)

static const int guarded_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };

static _Thread_local sigjmp_buf guard_env;
static _Thread_local volatile sig_atomic_t guard_armed;
static _Thread_local void *guard_stack;

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_result;

static void on_crash(int sig)
{
	if (guard_armed) {
		guard_armed = 0;
		siglongjmp(guard_env, sig);
	}
	/* Not inside a plugin: die as the signal would have killed us. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof guarded_signals / sizeof guarded_signals[0]; i++)
		if (sigaction(guarded_signals[i], &sa, NULL) != 0)
			install_result = -1;
}

int plugin_guard_install(void)
{
	pthread_once(&install_once, install_handlers);
	return install_result;
}

int plugin_guard_thread_begin(void)
{
	stack_t ss;

	if (guard_stack)
		return 0;
	guard_stack = malloc(GUARD_STACK_SIZE);
	if (!guard_stack)
		return -1;
	memset(&ss, 0, sizeof ss);
	ss.ss_sp = guard_stack;
	ss.ss_size = GUARD_STACK_SIZE;
	if (sigaltstack(&ss, NULL) != 0) {
		free(guard_stack);
		guard_stack = NULL;
		return -1;
	}
	return 0;
}

void plugin_guard_thread_end(void)
{
	stack_t ss;

	if (!guard_stack)
		return;
	memset(&ss, 0, sizeof ss);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	free(guard_stack);
	guard_stack = NULL;
}

int plugin_guard_call(int (*fn)(void *arg), void *arg, int *crash_signal)
{
	volatile int rc;
	int sig;

	*crash_signal = 0;
	/* savemask=1: the handler returns by longjmp, so the signal must be
	 * unblocked again on the way out. */
	sig = sigsetjmp(guard_env, 1);
	if (sig != 0) {
		*crash_signal = sig;
		return -1;
	}
	guard_armed = 1;
	rc = fn(arg);
	guard_armed = 0;
	return rc;
}

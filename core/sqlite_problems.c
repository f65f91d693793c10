/*
 * sqlite_problems.c — see sqlite_problems.h.
 */
#include "sqlite_problems.h"

#include <stdarg.h>
#include <stdio.h>

void sqlite_problem_add(sqlite_problems *problems, sqlite_file_kind file,
                        int64_t offset, const char *fmt, ...)
{
	sqlite_problem *p;
	va_list ap;

	if (!problems)
		return;
	if (problems->n >= SQLITE_PROBLEMS_KEPT) {
		problems->dropped++;
		return;
	}
	p = &problems->items[problems->n++];
	p->file = file;
	p->offset = offset;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof p->message, fmt, ap);
	va_end(ap);
}

const char *sqlite_file_kind_name(sqlite_file_kind file)
{
	switch (file) {
	case SQLITE_FILE_WAL:
		return "WAL";
	case SQLITE_FILE_JOURNAL:
		return "journal";
	default:
		return "database";
	}
}

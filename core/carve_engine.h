/*
 * carve_engine.h — carving blocks of a stream with every chosen carver.
 *
 * The engine holds the carvers of a run and one scanner for all their
 * signatures.  A stream is cut into blocks; any thread scans a block once
 * (carve_block_run): every hit whose file would start in the block is a
 * candidate, judged by its carver (carve_judge.h), carvers of one start
 * tried in order until one carves it whole (else the first partial file is
 * kept).  A file that starts in a block and runs on belongs to that block.
 * Within a block, a start inside a file the block carved whole is skipped
 * and noted; the caller resolves blocks in stream order (carve_run.c) and
 * judges such a start after all when the file it lay in is not kept.  So
 * the files carved do not depend on how blocks were shared out.
 *
 * Carvers run under plugin_guard: one that crashes costs its candidate,
 * which becomes a problem naming the carver and the offset.
 */
#ifndef EXHIBIT_CARVE_ENGINE_H
#define EXHIBIT_CARVE_ENGINE_H

#include "carve_judge.h"
#include "carve_scan.h"
#include "carve_stream.h"
#include "carve_view.h"
#include "plugins.h"

/* Blocks are read and scanned this many bytes at a time.  Measured on 1 GiB
 * of random bytes with 21 signatures, 2 threads: 1, 2 and 4 MiB cost the
 * same CPU time, 8 MiB a sixth more (the block no longer stays in the
 * cache between the scan and the judging); 2 MiB keeps a worker's memory
 * at ~14 MiB. */
#define CARVE_BLOCK_BYTES ((size_t)2 << 20)

typedef struct carve_engine {
	const exhibit_plugin **carvers;
	size_t n_carvers;
	carve_scanner *scanner;
	uint32_t *pattern_carver;  /* per scanner pattern: index into carvers */
	uint32_t *pattern_signature;
	size_t block_bytes;
} carve_engine;

/*
 * carve_engine_new — the carvers of reg to use: every carver plugin when
 * names is NULL, else those named (a name that is no loaded carver is an
 * error).  RETURN the engine, NULL with err set, or NULL with err clear
 * when there is no carver to run.
 */
carve_engine *carve_engine_new(const plugin_registry *reg, const char *const *names,
                               exhibit_error *err);
void carve_engine_free(carve_engine *e);

/* A problem met while carving: a stream offset, the carver concerned
 * (-1: the core), what happened. */
typedef struct carve_problem {
	struct carve_problem *next;
	uint64_t offset;
	int carver;
	char *message;
} carve_problem;

/* What came of one start. */
typedef struct carve_found {
	uint64_t start;            /* stream offset */
	int skipped;               /* not judged: inside a file its block carved whole */
	uint32_t carver, signature;
	carve_result r;
} carve_found;

/* One block of a stream, and what its thread made of it. */
typedef struct carve_block {
	const evidence_source *src;
	const carve_stream *stream;
	struct carve_answers *answers; /* the evidence source's, shared by its blocks */
	uint64_t offset, length;
	carve_found *found;        /* in start order */
	size_t n_found, found_cap;
	carve_problem *problems, **problems_tail;
	unsigned judged;           /* candidates judged */
	struct carve_block *next;  /* for the caller's list */
	int done;
} carve_block;

void carve_block_clear(carve_block *b);

/* A thread's means to carve: a view of the stream, scratch memory. */
typedef struct carve_thread carve_thread;
carve_thread *carve_thread_new(const carve_engine *e, content_reader *reader);
void carve_thread_free(carve_thread *t);

/* carve_block_run — scan b and judge its candidates (on any thread). */
void carve_block_run(carve_thread *t, carve_block *b);

/*
 * carve_judge_start — judge every candidate of stream offset start (the
 * signatures that put a file's start there), as carve_block_run does,
 * with excluded ranges a continuation may not take, sharing answers
 * (carve_answers.h, NULL for none) with the blocks.  Problems go to
 * *problems (the list's tail pointer).
 * RETURN 1 when something was kept (*out), else 0.
 */
int carve_judge_start(carve_thread *t, const evidence_source *src, const carve_stream *s,
                      uint64_t start, carve_excluded_fn excluded, void *excluded_ctx,
                      struct carve_answers *answers, carve_found *out,
                      carve_problem ***problems);

#endif

/*
 * carve_judge.h — judging one carving candidate: a carver's three stages
 * (exhibit/plugin.h, "Carving") run over a stream of bytes, and the
 * search for a file's second fragment when its content breaks.
 *
 * A stream is the space being carved, seen as one run of bytes (a file
 * system's unallocated blocks joined in image order, say).  A candidate
 * starts at a stream offset where a signature hit.  The judge runs
 * header_check, then feeds data_check the candidate's bytes in order
 * (never reading bytes the carver skips), then validate over the whole
 * candidate.  When the content breaks, at the offset data_check names or
 * validate's first bad offset, and the carver allows fragments, the judge
 * looks for the continuation (Garfinkel's bifragment gap carving): it
 * tries split points at unit boundaries just before the break (and after
 * it, up to where data_check found it, for a carver that names the start
 * of a damaged record: a CRC tells which chunk, not where in it), and for
 * each, later unit boundaries as the start of the second fragment,
 * resuming data_check from a copy of the state it had at the split (a
 * start the carver's continuation_reject rules out from its first bytes
 * is not tried); the first pair that runs to an end and validates wins.
 * When validate of a joined candidate fails before the split (an MP4
 * whose data_check skipped the mdat notices a break only at its end), the
 * gap is kept and split points around the bad offset are tried.
 *
 * The judge is a pure function of the stream's bytes, the candidate and
 * the exclusions it is given: so the engine can judge candidates on any
 * thread, in any order, and still reach the same results.  Every stage
 * is bounded: attempts and validations by counts, the bytes fed to
 * data_check while searching by a budget, the whole by a time limit (a
 * safety net against a carver that never decides).  A file that a
 * signature starts inside the gap and that carves whole on its own is
 * skipped at once (whole_at): a continuation cannot start inside it.
 * A trial that would meet exactly the bytes the last failed trial failed
 * on (a run of zeros or 0xFF in the gap) is not run: it would fail the
 * same way.  A partial file keeps only what the carver checked: when the
 * content broke right after bytes the carver skipped unchecked (a video
 * frame's payload), it ends where those began, to a unit.
 *
 * The judge calls plugin code: the caller runs it under plugin_guard.
 */
#ifndef EXHIBIT_CARVE_JUDGE_H
#define EXHIBIT_CARVE_JUDGE_H

#include <stddef.h>
#include <stdint.h>

#include "carve_scan.h"
#include "exhibit/plugin.h"

/* The bytes being carved. */
typedef struct carve_source {
	uint64_t size;
	/* get — up to len (<= 1 MiB) bytes at stream offset off, contiguous;
	 * *got says how many (fewer at the end, none on a read error).  The
	 * pointer stays valid until the next call. */
	const unsigned char *(*get)(void *ctx, uint64_t off, size_t len, size_t *got);
	void *ctx;
} carve_source;

typedef struct carve_limits {
	uint64_t unit;          /* fragments split at stream offsets that are multiples of it */
	uint64_t window;        /* a continuation starts at most this far after its split */
	unsigned splits;        /* split points tried around one break */
	unsigned trials;        /* continuation starts tried per candidate, in all */
	unsigned validations;   /* validate calls per candidate */
	unsigned snapshots;     /* data_check states kept while feeding */
	uint64_t search_bytes;  /* bytes data_check may be fed while looking for a
	                         * continuation, in all, per candidate (0: none) */
	double seconds;         /* per candidate: a safety net behind the others */
} carve_limits;

/* The limits the engine uses for a stream of the given unit. */
carve_limits carve_default_limits(uint64_t unit);

/* excluded — 1 when stream bytes [off, off + len) overlap a file already
 * carved whole (a continuation may not take them). */
typedef int (*carve_excluded_fn)(void *ctx, uint64_t off, uint64_t len);

/* whole_at — the length of the file a signature starts at stream offset
 * off when it carves whole there as one piece (no fragment search), else
 * 0.  A continuation cannot start inside such a file, so the search skips
 * it instead of trying every unit of it. */
typedef uint64_t (*carve_whole_fn)(void *ctx, uint64_t off);

typedef struct carve_job {
	const exhibit_carver *carver;
	size_t signature;              /* index into the plugin's signatures */
	uint64_t start;                /* stream offset of the candidate */
	const carve_source *src;
	const carve_scanner *scanner;  /* a continuation may not start where a
	                                * signature starts a file; NULL: no check */
	const carve_limits *limits;
	carve_excluded_fn excluded;    /* NULL: nothing excluded */
	void *excluded_ctx;
	carve_whole_fn whole_at;       /* NULL: files in the gap are not skipped */
	void *whole_ctx;
} carve_job;

typedef enum carve_verdict {
	CARVE_DROPPED = 0,   /* rejected, or too short to keep */
	CARVE_WHOLE,         /* ran to its end and validated */
	CARVE_PARTIAL        /* broke without a continuation: [0, length) kept */
} carve_verdict;

/* One piece of a carved file, in stream offsets. */
typedef struct carve_piece {
	uint64_t offset, length;
} carve_piece;

typedef struct carve_result {
	carve_verdict verdict;
	uint64_t length;
	carve_piece pieces[2];
	unsigned n_pieces;
	const char *extension;         /* the carver's (static) */
	uint64_t break_at;             /* PARTIAL: where the content broke (candidate offset) */
	unsigned trials, validations;  /* what the fragment search cost */
	char problem[200];             /* a limit reached or a contract broken; "" when none */
} carve_result;

/* Reusable memory for judging (states and snapshots); one per thread. */
typedef struct carve_scratch carve_scratch;
carve_scratch *carve_scratch_new(void);
void carve_scratch_free(carve_scratch *s);

/*
 * carve_judge — run the stages for one candidate; *out says what came of
 * it.  RETURN: 0, or -1 when out of memory (out says so).
 */
int carve_judge(const carve_job *job, carve_scratch *scratch, carve_result *out);

#endif

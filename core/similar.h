/*
 * similar.h — near duplicates in a case: pictures and videos that look
 * alike though their bytes differ, and those that look like an entry of
 * a hash set that gives PDQ hashes.
 *
 * It works from what the media-pdq plugin recorded (media_pdq for images,
 * media_frames for videos) and runs after processing, since a match is
 * between items:
 *
 *   images   every pair of image contents whose PDQ hashes are within the
 *            distance (pdq_index.h finds them exactly);
 *   videos   every pair of video contents whose sampled frames match as
 *            sequences, TMK+PDQF style: the longest chain of frames of the
 *            one matched to frames of the other within the distance, both
 *            in time order, covers at least video_fraction of the shorter
 *            one's frames (a clip cut from a longer video matches it);
 *   groups   the clusters these pairs join (union-find), each named by
 *            its smallest content id;
 *   sets     every image, and every sampled frame of a video, within the
 *            distance of a PDQ a hash set gives (best frame per set entry).
 *
 * Hashes of quality under min_quality (flat, featureless pictures whose
 * hashes collide) take part in nothing.  The results replace the case's
 * similar, similar_groups and pdq_hits tables in one transaction, so a run
 * with another distance starts afresh; the caller records the run in the
 * chain of custody.  Runs on the caller's connection while no writer is
 * active.
 */
#ifndef EXHIBIT_SIMILAR_H
#define EXHIBIT_SIMILAR_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"
#include "hashdb.h"
#include "hashdb_pdq.h"

#define SIMILAR_DEFAULT_DISTANCE 31       /* Meta's recommended PDQ match threshold */
#define SIMILAR_DEFAULT_MIN_QUALITY 50    /* below this, a PDQ is not trusted */
#define SIMILAR_DEFAULT_VIDEO_FRACTION 0.5

typedef struct similar_options {
	int distance;                  /* 0..256 */
	int min_quality;               /* 0..100 */
	double video_fraction;         /* (0, 1] */
	/* Hash sets (all NULL: none): the snapshot, its PDQ values, and the
	 * case's hash_sets id of each of its sets (casedb_copy_hash_sets). */
	const hashdb *snap;
	const hashdb_pdq_set *set_pdqs;
	const int64_t *set_case_ids;
} similar_options;

typedef struct similar_stats {
	uint64_t images, videos, frames;   /* hashes that took part */
	uint64_t untrusted;                /* hashes left out for their quality */
	uint64_t image_pairs, video_pairs;
	uint64_t groups, grouped;          /* clusters, and contents in them */
	uint64_t set_hashes, pdq_hits;
} similar_stats;

/* similar_defaults — the options above with their defaults, no sets. */
void similar_defaults(similar_options *o);

/*
 * similar_run — find the near duplicates of the case open on db and
 * replace the similar, similar_groups and pdq_hits tables with them.
 * RETURN 0, or < 0 with err set (the tables are then as they were).
 */
int similar_run(sqlite3 *db, const similar_options *o, similar_stats *st, exhibit_error *err);

#endif

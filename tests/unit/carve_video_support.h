/*
 * carve_video_support.h — what the video carvers' unit tests share:
 * media files (the corpus's, and short ones ffmpeg makes at test time,
 * cached in the build tree), seeded noise to bury them in, and the
 * assertions every carver must meet through tests/support/carve_stub.
 */
#ifndef EXHIBIT_CARVE_VIDEO_SUPPORT_H
#define EXHIBIT_CARVE_VIDEO_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carve_stub.h"
#include "exhibit/plugin.h"

typedef struct media_file {
	unsigned char *data;
	size_t len;
	char path[1024];
} media_file;

void media_file_free(media_file *m);

/* ffmpeg is on the PATH (prints a SKIP line when it is not). */
bool have_ffmpeg(void);

/*
 * generated_media — name (with its extension) made by ffmpeg from two
 * seconds of a test pattern and a tone, with output options args
 * (codecs, muxer flags), bit-exact, cached under the build directory.
 * RETURN: false (and a SKIP line) when ffmpeg is missing or fails.
 */
bool generated_media(const char *name, const char *args, media_file *out);

/* generated_media_with — the same with the whole input part given too
 * ("-f lavfi -i ..."), for longer or larger files. */
bool generated_media_with(const char *name, const char *inputs, const char *args,
                          media_file *out);

/* corpus_media — a file of the shared corpus (false and a SKIP line
 * when the corpus is absent). */
bool corpus_media(const char *relative, media_file *out);

/* fill_noise — n bytes from a seeded generator (xorshift32). */
void fill_noise(unsigned char *p, size_t n, uint32_t *seed);

/* in_noise — before bytes of noise, data, after bytes of noise;
 * malloc'd, *total set. */
unsigned char *in_noise(const unsigned char *data, size_t len, size_t before, size_t after,
                        uint32_t seed, size_t *total);

/*
 * assert_carved_whole — data buried in noise at an odd offset (with
 * zeros after it up to its next 512-byte boundary, the slack a file
 * system leaves) is found by plugin exactly once, CARVE_STUB_WHOLE, at
 * its offset with its length and extension ext; nothing else comes out
 * whole.  Runs with blocks of block bytes.
 */
void assert_carved_whole(const exhibit_plugin *plugin, const media_file *m, const char *ext,
                         size_t block);

/* whole_count — how many candidates of buf come out whole. */
size_t whole_count(const exhibit_plugin *plugin, const unsigned char *buf, size_t len,
                   size_t block);

/* judge — one candidate at buf[0] as signature sig hit it. */
carve_stub_outcome judge(const exhibit_plugin *plugin, const unsigned char *buf, size_t len,
                         size_t sig, size_t block, carve_stub_file *out);

/* signature_index — the plugin's signature whose bytes begin buf at its
 * offset (the first that matches); fails the test when none does. */
size_t signature_index(const exhibit_plugin *plugin, const unsigned char *buf, size_t len);

/* validate_bytes — the plugin's validate over buf[0..len). */
int validate_bytes(const exhibit_plugin *plugin, const unsigned char *buf, size_t len,
                   uint64_t *bad_offset);

/* seconds_now — a monotonic clock, for bounded-time checks and benches. */
double seconds_now(void);

#endif

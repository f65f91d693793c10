/*
 * carve_images_bench.c — data_check throughput of one image carver.
 *
 *     carve_images_bench FORMAT MIN_MB FILE...
 *
 * FORMAT is jpeg, png, gif, bmp, webp, heif or tiff.  Every FILE is read
 * into memory, then judged as the host judges a candidate: header_check,
 * then data_check in 64 KiB blocks (honouring the carver's skips), over
 * the files again and again until MIN_MB megabytes went through (and at
 * least MIN_CPU_SECONDS of CPU time, for carvers that skip).  It
 * prints the rate in MB/s of CPU time (the machine may be shared) and how
 * many candidates did not end exactly at their file's end (0 for valid
 * files).  A measurement, not a test: it exits 0 whatever the rate.
 * tests/bench/carve_images.sh makes the files and runs it per format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carve_images.h"

#define BLOCK (64u * 1024)
#define MIN_CPU_SECONDS 0.5
#define MAX_ROUNDS 1000000

static const struct {
	const char *name;
	const exhibit_plugin *(*plugin)(void);
} carvers[] = {
	{ "jpeg", carve_jpeg_plugin }, { "png", carve_png_plugin },   { "gif", carve_gif_plugin },
	{ "bmp", carve_bmp_plugin },   { "webp", carve_webp_plugin }, { "heif", carve_heif_plugin },
	{ "tiff", carve_tiff_plugin },
};

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* judge — one candidate, as the host would; 1 when it ends at len. */
static int judge(const exhibit_carver *c, void *state, const unsigned char *buf, size_t len,
                 uint64_t *checked)
{
	exhibit_carve_header h;
	uint64_t pos = 0, end = 0;
	int v;

	memset(state, 0, c->state_size);
	memset(&h, 0, sizeof h);
	if (c->header_check(state, buf, len < c->header_len ? len : c->header_len, 0, &h) !=
	    EXHIBIT_CARVE_ACCEPT)
		return 0;
	if (!c->data_check)
		return h.size == len;
	for (;;) {
		size_t n = len - pos < BLOCK ? len - pos : BLOCK;
		end = pos + n;
		v = c->data_check(state, pos, buf + pos, n, &end);
		*checked += n;
		if (v != EXHIBIT_CARVE_CONTINUE || n == 0)
			break;
		pos = end > pos + n ? end : pos + n;
		if (pos > len)
			pos = len;
	}
	return v == EXHIBIT_CARVE_END && end == len;
}

int main(int argc, char **argv)
{
	const exhibit_plugin *p = NULL;
	unsigned char **data;
	size_t *lens, n_files, rounds = 0, not_whole = 0;
	double want, total = 0, t0, t;
	uint64_t checked = 0;
	void *state;

	if (argc < 4) {
		fprintf(stderr, "usage: %s FORMAT MIN_MB FILE...\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof carvers / sizeof carvers[0]; i++)
		if (!strcmp(argv[1], carvers[i].name))
			p = carvers[i].plugin();
	if (!p) {
		fprintf(stderr, "%s: no carver %s\n", argv[0], argv[1]);
		return 2;
	}
	want = atof(argv[2]) * 1e6;
	n_files = (size_t)argc - 3;
	data = calloc(n_files, sizeof *data);
	lens = calloc(n_files, sizeof *lens);
	state = malloc(p->carver->state_size);
	if (!data || !lens || !state)
		return 1;
	for (size_t i = 0; i < n_files; i++)
		if (!(data[i] = slurp(argv[3 + i], &lens[i]))) {
			fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[3 + i]);
			return 1;
		}
	t0 = cpu_seconds();
	do {
		for (size_t i = 0; i < n_files; i++) {
			if (!judge(p->carver, state, data[i], lens[i], &checked) && rounds == 0) {
				fprintf(stderr, "%s: %s is not carved whole\n", argv[0], argv[3 + i]);
				not_whole++;
			}
			total += (double)lens[i];
		}
		rounds++;
		/* formats that skip need many rounds for a measurable time */
	} while ((total < want || cpu_seconds() - t0 < MIN_CPU_SECONDS) && rounds < MAX_ROUNDS);
	t = cpu_seconds() - t0;
	printf("carve-%s: %zu files x %zu rounds, %.1f MB (%.1f MB handed to data_check) in %.3f s "
	       "CPU: %.1f MB/s, %.2f us per file, %zu not whole\n",
	       argv[1], n_files, rounds, total / 1e6, (double)checked / 1e6, t,
	       t > 0 ? total / t / 1e6 : 0.0, t * 1e6 / (double)(n_files * rounds), not_whole);
	for (size_t i = 0; i < n_files; i++)
		free(data[i]);
	free(data);
	free(lens);
	free(state);
	return 0;
}

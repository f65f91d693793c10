/*
 * carve_video_support.c — see carve_video_support.h.
 */
#include "carve_video_support.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "media_test_support.h"
#include "stub_host.h"

#ifndef EXHIBIT_BUILD_DIR
#define EXHIBIT_BUILD_DIR "."
#endif

void media_file_free(media_file *m)
{
	free(m->data);
	m->data = NULL;
	m->len = 0;
}

bool have_ffmpeg(void)
{
	if (run_quiet("ffmpeg -version"))
		return true;
	printf("SKIP: ffmpeg is not installed (Debian package ffmpeg)\n");
	return false;
}

static const char *media_cache_dir(void)
{
	static char dir[1024];

	snprintf(dir, sizeof dir, "%s/tests/carve-video-media", EXHIBIT_BUILD_DIR);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return NULL;
	return dir;
}

bool generated_media_with(const char *name, const char *inputs, const char *args,
                          media_file *out)
{
	const char *dir = media_cache_dir();
	char tmp[2200];

	memset(out, 0, sizeof *out);
	if (!dir || !have_ffmpeg())
		return false;
	if (snprintf(out->path, sizeof out->path, "%s/%s", dir, name) >= (int)sizeof out->path)
		return false;
	if (access(out->path, R_OK) != 0) {
		/* Made under a private name, then renamed: never half a file. */
		if (snprintf(tmp, sizeof tmp, "%s/.%d.%s", dir, (int)getpid(), name) >= (int)sizeof tmp)
			return false;
		if (!run_quiet("ffmpeg -nostdin -v error -y %s %s -fflags +bitexact -flags:v +bitexact "
		               "-flags:a +bitexact '%s'",
		               inputs, args, tmp) ||
		    rename(tmp, out->path) != 0) {
			unlink(tmp);
			printf("SKIP: ffmpeg could not make %s (%s)\n", name, args);
			return false;
		}
	}
	out->data = read_whole(out->path, &out->len);
	ck_assert_msg(out->data != NULL, "cannot read %s", out->path);
	return true;
}

bool generated_media(const char *name, const char *args, media_file *out)
{
	return generated_media_with(name,
	                            "-f lavfi -i testsrc=size=160x120:rate=25:duration=2 "
	                            "-f lavfi -i sine=frequency=440:sample_rate=44100:duration=2",
	                            args, out);
}

bool corpus_media(const char *relative, media_file *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->path, sizeof out->path, "%s/%s", corpus_dir(), relative);
	out->data = read_whole(out->path, &out->len);
	if (!out->data) {
		printf("SKIP: %s is absent (set EXHIBIT_CORPUS)\n", out->path);
		return false;
	}
	return true;
}

void fill_noise(unsigned char *p, size_t n, uint32_t *seed)
{
	uint32_t x = *seed ? *seed : 0x9e3779b9u;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)(x >> 24);
	}
	*seed = x;
}

unsigned char *in_noise(const unsigned char *data, size_t len, size_t before, size_t after,
                        uint32_t seed, size_t *total)
{
	unsigned char *buf = malloc(before + len + after);

	ck_assert(buf != NULL);
	fill_noise(buf, before, &seed);
	memcpy(buf + before, data, len);
	fill_noise(buf + before + len, after, &seed);
	*total = before + len + after;
	return buf;
}

void assert_carved_whole(const exhibit_plugin *plugin, const media_file *m, const char *ext,
                         size_t block)
{
	size_t before = 7777, total, n, whole = 0, slack = (512 - m->len % 512) % 512;
	unsigned char *buf = in_noise(m->data, m->len, before, 5555 + slack, 0x5eed, &total);
	carve_stub_file *files;

	/* Zeros after the file up to its next sector, as a file system
	 * leaves them: the end of a format without a length of its own. */
	memset(buf + before + m->len, 0, slack);

	n = carve_stub_scan(plugin, buf, total, block, &files);
	ck_assert_msg(n != (size_t)-1, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (files[i].outcome != CARVE_STUB_WHOLE)
			continue;
		whole++;
		ck_assert_msg(files[i].offset == before && files[i].length == m->len,
		              "%s (%s, blocks of %zu): carved whole at %llu+%llu, expected %zu+%zu",
		              m->path, plugin->name, block, (unsigned long long)files[i].offset,
		              (unsigned long long)files[i].length, before, m->len);
		ck_assert_msg(ext == NULL || !strcmp(files[i].extension, ext),
		              "%s: extension %s, expected %s", m->path, files[i].extension, ext);
	}
	if (whole != 1) {
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  %s candidate at %llu: outcome %d length %llu bad %llu\n", m->path,
			       (unsigned long long)files[i].offset, files[i].outcome,
			       (unsigned long long)files[i].length,
			       (unsigned long long)files[i].bad_offset);
	}
	ck_assert_msg(whole == 1, "%s (%s, blocks of %zu): %zu whole files, expected 1", m->path,
	              plugin->name, block, whole);
	free(files);
	free(buf);
}

size_t whole_count(const exhibit_plugin *plugin, const unsigned char *buf, size_t len,
                   size_t block)
{
	carve_stub_file *files;
	size_t n = carve_stub_scan(plugin, buf, len, block, &files), whole = 0;

	ck_assert(n != (size_t)-1);
	for (size_t i = 0; i < n; i++)
		whole += files[i].outcome == CARVE_STUB_WHOLE;
	free(files);
	return whole;
}

carve_stub_outcome judge(const exhibit_plugin *plugin, const unsigned char *buf, size_t len,
                         size_t sig, size_t block, carve_stub_file *out)
{
	return carve_stub_candidate(plugin, buf, len, sig, block, out);
}

size_t signature_index(const exhibit_plugin *plugin, const unsigned char *buf, size_t len)
{
	for (size_t s = 0; s < plugin->n_signatures; s++) {
		const exhibit_signature *sig = &plugin->signatures[s];
		if (sig->offset + sig->len <= len && !memcmp(buf + sig->offset, sig->bytes, sig->len))
			return s;
	}
	ck_abort_msg("%s: no signature matches", plugin->name);
	return 0;
}

int validate_bytes(const exhibit_plugin *plugin, const unsigned char *buf, size_t len,
                   uint64_t *bad_offset)
{
	exhibit_host *host = stub_host_new(buf, len, NULL);
	int rc;

	ck_assert(host != NULL);
	*bad_offset = 0;
	rc = plugin->carver->validate(stub_host_api(), host, len, bad_offset);
	stub_host_free(host);
	return rc;
}

double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * fuzz_ewf_meta.c — libFuzzer target for the EWF header reading of
 * ewf_meta.c: hostile E01 bytes must never crash or hang the reader.
 * libewf opens files by name, so each input is written to a private
 * temporary segment file first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ewf_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/exhibit-fuzz-ewf-XXXXXX.E01";
	char *segments[1] = { path };
	ewf_meta meta;
	exhibit_error err;
	int fd = mkstemps(path, 4);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		if (ewf_meta_read(segments, 1, &meta, &err) == 0)
			ewf_meta_clear(&meta);
	}
	close(fd);
	unlink(path);
	return 0;
}

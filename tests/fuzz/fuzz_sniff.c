/*
 * fuzz_sniff.c — libFuzzer target for core/sniff.c.
 *
 * The input is sniffed as whole content and as the head of longer content
 * (which turns on the forgiveness for structures cut by the end of the
 * head), and the promises a fuzzer can see are checked: an answer always,
 * with its fields set, and the same answer twice.  The input's last bytes
 * serve as a file name for the extension check.  The head handed to the
 * sniffer is always an allocation of exactly its length, so under ASan any
 * read past it is a crash.
 *
 * Seeds: tests/fuzz/corpus/sniff/.  Run on a scratch copy, as the fuzzer
 * writes new inputs into the first directory it is given, e.g.
 *   fuzz_sniff -max_len=40000 /tmp/sniff-corpus tests/fuzz/corpus/sniff
 * (a max_len past 32774 lets it reach the ISO 9660 volume descriptor).
 */
#include "sniff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(const sniff_type *type)
{
	if (!type || !type->mime_type || !type->description || !type->extensions)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t head_len = size < SNIFF_HEAD_BYTES ? size : SNIFF_HEAD_BYTES;
	unsigned char *head = NULL;
	const sniff_type *whole, *cut;
	char name[64];
	size_t name_len;

	/* libFuzzer's buffer is exactly size long; a longer input gets a head
	 * of its own so that a read past SNIFF_HEAD_BYTES is caught too. */
	if (size > head_len) {
		head = malloc(head_len);
		if (!head)
			return 0;
		memcpy(head, data, head_len);
	}
	whole = sniff_content(head ? head : data, head_len, size);
	cut = sniff_content(head ? head : data, head_len, (uint64_t)size + 4096);
	check_answer(whole);
	check_answer(cut);
	if (sniff_content(head ? head : data, head_len, size) != whole)
		abort();   /* not deterministic */

	name_len = size < sizeof name - 1 ? size : sizeof name - 1;
	if (name_len > 0)
		memcpy(name, data + size - name_len, name_len);
	name[name_len] = '\0';
	(void)sniff_extension_mismatch(whole, name);
	(void)sniff_extension_mismatch(cut, name);

	free(head);
	return 0;
}

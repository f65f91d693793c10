/*
 * fuzz_timestamp.c — libFuzzer target for timestamp.c: an RFC 3161 reply
 * is hostile input (the examiner carries it in from outside); parsing and
 * checking it must never crash, hang or leak.  The first byte chooses
 * whether the rest is checked alone or against a fixed request.
 */
#include <stdint.h>
#include <string.h>

#include "timestamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char *request;
	static size_t request_len;
	unsigned char hash[SHA256_LEN];
	timestamp_info info;
	exhibit_error err;

	if (!request) {
		memset(hash, 0x5a, sizeof hash);
		if (timestamp_request(hash, &request, &request_len, &err) < 0)
			return 0;
	}
	if (size < 1)
		return 0;
	timestamp_check(data + 1, size - 1, data[0] & 1 ? request : NULL, request_len, NULL, &info,
	                &err);
	return 0;
}

/*
 * fuzz_tl.c — libFuzzer target: arbitrary bytes as the TL Message object
 * of a Telegram for Android cache4.db row (plugins/telegram-android/tl.c).
 *
 * Beyond "no crash, no sanitizer report": the text, when decoded, lies
 * inside the bytes given; a decoding that stops names an offset inside
 * them; a complete one has a date, and a text unless it is a service or
 * empty message.
 *
 * Seeds: tests/fuzz/corpus/tl/, TL objects of each constructor family
 * (written by tests/fuzz/make_tl_seeds.py).
 */
#include <stdint.h>
#include <stdlib.h>

#include "tl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tl_message m;
	bool complete = tl_decode_message(data, size, &m);

	if (complete != m.complete)
		abort();
	if (m.has_text && (m.text < data || m.text_len > size ||
	                   (size_t)(m.text - data) > size - m.text_len))
		abort();
	if (!complete && (!m.problem || m.problem_offset > size))
		abort();
	if (complete && m.kind == TL_MESSAGE && (!m.has_text || !m.has_date))
		abort();
	return 0;
}

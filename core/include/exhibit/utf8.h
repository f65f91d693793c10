/*
 * exhibit/utf8.h — UTF-8 as the host and plugins read it from hostile
 * bytes: one definition of a valid sequence, so that what a plugin keeps
 * as text and what the host shows agree.
 */
#ifndef EXHIBIT_UTF8_H
#define EXHIBIT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * exhibit_utf8_sequence — the length (1 to 4) of the valid UTF-8 sequence
 * that starts s (len bytes available), or 0 when none does: a stray
 * continuation byte, an overlong form, a surrogate, a value past
 * U+10FFFF, or a sequence cut by the end.
 */
static inline size_t exhibit_utf8_sequence(const unsigned char *s, size_t len)
{
	size_t need;
	uint32_t cp;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

#endif

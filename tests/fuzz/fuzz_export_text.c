/*
 * fuzz_export_text.c — libFuzzer target for what exports do with names
 * from evidence: the file-name sanitiser (export_names.c) and the XML,
 * JSON and CSV writers (export_text.c).  Beyond not crashing, each output
 * must keep its promise; a broken promise aborts, so libFuzzer reports it:
 *   - a sanitised name is one safe component (valid UTF-8, no '/', '\',
 *     control, not "." or "..", no trailing dot or space, not too long);
 *   - XML text holds no markup character, raw control or non-character;
 *   - a JSON string is one well-formed string literal;
 *   - a CSV field is one quoted field whose quotes are all doubled.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export_names.h"
#include "export_sink.h"
#include "export_text.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int condition)
{
	if (!condition)
		abort();
}

static int valid_utf8(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = exhibit_utf8_sequence((const unsigned char *)s + i, len - i);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

static void check_name(const char *in, size_t len)
{
	char *name = export_name_sanitise(in, len), *marked;
	size_t n;

	if (!name)
		return;
	n = strlen(name);
	require(n > 0 && n <= EXPORT_NAME_MAX + 1 && valid_utf8(name, n));
	require(strcmp(name, ".") && strcmp(name, ".."));
	require(name[n - 1] != '.' && name[n - 1] != ' ');
	for (size_t i = 0; i < n; i++)
		require(name[i] != '/' && name[i] != '\\' && (unsigned char)name[i] >= 0x20 && name[i] != 0x7f);
	marked = export_name_mark(name, "deleted, id 12345678901234");
	require(!marked || (strlen(marked) <= 255 && !strchr(marked, '/')));
	free(marked);
	free(name);
}

static void check_xml(const char *in, size_t len)
{
	export_sink *s = export_sink_new_buffer();
	const char *out;
	size_t n;

	if (!s)
		return;
	export_xml_text(s, in, len);
	out = export_sink_buffer(s, &n);
	if (!export_sink_failed(s)) {
		require(valid_utf8(out, n));
		for (size_t i = 0; i < n; i++)
			require((unsigned char)out[i] >= 0x20 && !strchr("<>\"'", out[i]));
		require(!memmem(out, n, "\xef\xbf\xbe", 3) && !memmem(out, n, "\xef\xbf\xbf", 3));
	}
	export_sink_abort(s);
}

static void check_json(const char *in, size_t len)
{
	export_sink *s = export_sink_new_buffer();
	const char *out;
	size_t n;

	if (!s)
		return;
	export_json_string(s, in, len);
	out = export_sink_buffer(s, &n);
	if (!export_sink_failed(s)) {
		require(n >= 2 && out[0] == '"' && out[n - 1] == '"' && valid_utf8(out, n));
		for (size_t i = 1; i < n - 1; i++) {
			require((unsigned char)out[i] >= 0x20 && out[i] != '"');
			if (out[i] != '\\')
				continue;
			i++;
			require(i < n - 1 && strchr("\"\\/bfnrtu", out[i]));
			if (out[i] == 'u')
				i += 4;
			require(i < n - 1);
		}
	}
	export_sink_abort(s);
}

static void check_csv(const char *in, size_t len)
{
	export_sink *s = export_sink_new_buffer();
	const char *out;
	size_t n;

	if (!s)
		return;
	export_csv_field(s, in, len, len & 1);
	out = export_sink_buffer(s, &n);
	if (!export_sink_failed(s)) {
		require(n >= 2 && out[0] == '"' && out[n - 1] == '"' && valid_utf8(out, n));
		for (size_t i = 1; i < n - 1; i++) {
			require(out[i] != '\0');
			if (out[i] == '"')
				require(out[++i] == '"' && i < n - 1);
		}
	}
	export_sink_abort(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;

	check_name(in, size);
	check_xml(in, size);
	check_json(in, size);
	check_csv(in, size);
	return 0;
}

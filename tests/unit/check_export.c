/* check_export.c — what exports do with hostile names: the file-name
 * sanitiser, the XML, JSON and CSV escaping, and the output sink that
 * never replaces anything and never leaves half a file. */
#include <check.h>

#include "check_run.h"
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_common.h"
#include "export_names.h"
#include "export_sink.h"
#include "export_text.h"
#include "hash.h"
#include "text.h"

/* ------------------------------------------------------------ helpers */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static unsigned rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state >> 32);
}

/* random_bytes — hostile input: mostly ASCII specials, UTF-8 lead and
 * continuation bytes, controls and NULs, so every branch is met. */
static size_t random_bytes(char *buf, size_t max)
{
	static const char specials[] = "./\\:*?\"<>|&'=+-@ \t\r\n\x7f";
	size_t len = rng() % max;

	for (size_t i = 0; i < len; i++) {
		switch (rng() % 6) {
		case 0: buf[i] = specials[rng() % (sizeof specials - 1)]; break;
		case 1: buf[i] = (char)(0x80 + rng() % 0x80); break;
		case 2: buf[i] = (char)(rng() % 0x20); break;
		case 3: buf[i] = (char)(0xc2 + rng() % 0x33); break;
		default: buf[i] = (char)('a' + rng() % 26); break;
		}
	}
	return len;
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

static char *sanitised(const char *bytes, size_t len)
{
	char *out = export_name_sanitise(bytes, len);
	ck_assert_ptr_nonnull(out);
	return out;
}

static void assert_sanitised(const char *in, size_t len, const char *expected)
{
	char *out = sanitised(in, len);
	ck_assert_str_eq(out, expected);
	free(out);
}

typedef void (*escape_fn)(export_sink *, const char *, size_t);

static char *escaped(escape_fn fn, const char *in, size_t len)
{
	export_sink *s = export_sink_new_buffer();
	char *out;

	ck_assert_ptr_nonnull(s);
	fn(s, in, len);
	ck_assert(!export_sink_failed(s));
	out = strdup(export_sink_buffer(s, NULL));
	export_sink_abort(s);
	return out;
}

static void assert_escaped(escape_fn fn, const char *in, size_t len, const char *expected)
{
	char *out = escaped(fn, in, len);
	ck_assert_str_eq(out, expected);
	free(out);
}

static void csv_guarded(export_sink *s, const char *b, size_t n) { export_csv_field(s, b, n, 1); }
static void csv_plain(export_sink *s, const char *b, size_t n) { export_csv_field(s, b, n, 0); }

/* ------------------------------------------------------------ names */

START_TEST(traversal_cannot_survive)
{
	assert_sanitised("..", 2, "__");
	assert_sanitised(".", 1, "_");
	assert_sanitised("...", 3, "___");
	assert_sanitised("", 0, "_");
	/* a name that holds slashes is one component, never a path */
	assert_sanitised("../../x", 7, ".._.._x");
	assert_sanitised("/etc/passwd", 11, "_etc_passwd");
	assert_sanitised("a\\..\\b", 6, "a_.._b");
}
END_TEST

START_TEST(controls_and_bad_bytes_become_underscores)
{
	assert_sanitised("new\nline.txt", 12, "new_line.txt");
	assert_sanitised("esc\x1b[31mred", 11, "esc_[31mred");
	assert_sanitised("bad\xff\xfe.txt", 9, "bad__.txt");
	assert_sanitised("nul\0in", 6, "nul_in");
	assert_sanitised("del\x7f", 4, "del_");
	assert_sanitised("c1\xc2\x9b", 4, "c1_");                       /* CSI */
	assert_sanitised("photo\xe2\x80\xaegpj.exe", 15, "photo_gpj.exe"); /* right-to-left override */
	assert_sanitised("iso\xe2\x81\xa6x", 7, "iso_x");
	assert_sanitised("overlong\xc0\xaf", 10, "overlong__");
}
END_TEST

START_TEST(windows_refusals)
{
	assert_sanitised("a\\b:c*?\"<>|", 11, "a_b_c______");
	assert_sanitised("name. ", 6, "name__");
	assert_sanitised("CON", 3, "_CON");
	assert_sanitised("con.txt", 7, "_con.txt");
	assert_sanitised("Lpt9.log", 8, "_Lpt9.log");
	assert_sanitised("COM", 3, "COM");
	assert_sanitised("CONSOLE", 7, "CONSOLE");
}
END_TEST

START_TEST(valid_names_pass_through)
{
	const char *name = "Übersicht – März 猫 🎉.txt";

	assert_sanitised(name, strlen(name), name);
	assert_sanitised(".hidden", 7, ".hidden");
	assert_sanitised("=HYPERLINK(1).txt", 17, "=HYPERLINK(1).txt");
}
END_TEST

START_TEST(long_names_are_cut_keeping_the_extension)
{
	char in[1024];
	char *out;

	memset(in, 'L', 300);
	memcpy(in + 300, ".txt", 4);
	out = sanitised(in, 304);
	ck_assert_uint_le(strlen(out), EXPORT_NAME_MAX);
	ck_assert_str_eq(out + strlen(out) - 4, ".txt");
	free(out);
	for (int i = 0; i < 150; i++)
		memcpy(in + 2 * i, "\xc3\xa9", 2);  /* é: two bytes each */
	out = sanitised(in, 301);                 /* ...and a dangling lead byte at the end */
	ck_assert_uint_le(strlen(out), EXPORT_NAME_MAX);
	ck_assert(valid_utf8(out, strlen(out)));
	free(out);
}
END_TEST

START_TEST(random_bytes_always_give_a_safe_name)
{
	char in[512];

	for (int round = 0; round < 20000; round++) {
		size_t len = random_bytes(in, sizeof in);
		char *out = sanitised(in, len);
		size_t n = strlen(out);

		ck_assert_uint_gt(n, 0);
		ck_assert_uint_le(n, EXPORT_NAME_MAX + 1);
		ck_assert(valid_utf8(out, n));
		ck_assert(strcmp(out, ".") && strcmp(out, ".."));
		ck_assert(out[n - 1] != '.' && out[n - 1] != ' ');
		for (size_t i = 0; i < n; i++)
			ck_assert(out[i] != '/' && out[i] != '\\' && (unsigned char)out[i] >= 0x20 &&
			          out[i] != 0x7f);
		free(out);
	}
}
END_TEST

START_TEST(markers_go_before_the_extension)
{
	struct { const char *name, *marker, *expected; } cases[] = {
		{ "photo.jpg", "deleted", "photo (deleted).jpg" },
		{ "README", "id 3", "README (id 3)" },
		{ ".bashrc", "deleted", ".bashrc (deleted)" },
		{ "archive.tar.gz", "id 7", "archive.tar (id 7).gz" },
		{ "x.averyveryverylongextension", "id 1", "x.averyveryverylongextension (id 1)" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = export_name_mark(cases[i].name, cases[i].marker);
		ck_assert_str_eq(out, cases[i].expected);
		free(out);
	}
}
END_TEST

/* ------------------------------------------------------------ XML */

START_TEST(xml_escapes_markup_and_controls)
{
	assert_escaped(export_xml_text, "a<b>&\"'", 7, "a&lt;b&gt;&amp;&quot;&apos;");
	assert_escaped(export_xml_text, "\t\n\r", 3, "&#x9;&#xA;&#xD;");
	assert_escaped(export_xml_text, "x\x01y", 3, "x\\x01y");
	assert_escaped(export_xml_text, "nul\0", 4, "nul\\x00");
	assert_escaped(export_xml_text, "bad\xff", 4, "bad\\xff");
	assert_escaped(export_xml_text, "\xef\xbf\xbe\xef\xbf\xbf", 6,
	               "\\xef\\xbf\\xbe\\xef\\xbf\\xbf");     /* not XML 1.0 characters */
	assert_escaped(export_xml_text, "c1\xc2\x85", 4, "c1\\xc2\\x85");
	assert_escaped(export_xml_text, "猫 🎉", strlen("猫 🎉"), "猫 🎉");
	assert_escaped(export_xml_text, "\xe2\x80\xa8", 3, "\xe2\x80\xa8"); /* a valid XML character */
}
END_TEST

/* xml_well_formed_text — s is character data a parser accepts as is:
 * valid UTF-8, no raw controls, no '<', every '&' an entity we write. */
static int xml_well_formed_text(const char *s)
{
	static const char *const entities[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;",
	                                        "&#x9;", "&#xA;", "&#xD;" };
	size_t len = strlen(s);

	if (!valid_utf8(s, len))
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int known = 0;

		if (c < 0x20 || c == '<' || c == '>' || c == '"' || c == '\'')
			return 0;
		if (c != '&')
			continue;
		for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++)
			known |= !strncmp(s + i, entities[e], strlen(entities[e]));
		if (!known)
			return 0;
	}
	return !strstr(s, "\xef\xbf\xbe") && !strstr(s, "\xef\xbf\xbf");
}

START_TEST(xml_random_bytes_stay_well_formed)
{
	char in[256];

	for (int round = 0; round < 20000; round++) {
		size_t len = random_bytes(in, sizeof in);
		char *out = escaped(export_xml_text, in, len);
		ck_assert_msg(xml_well_formed_text(out), "not well-formed: %s", out);
		free(out);
	}
}
END_TEST

/* ------------------------------------------------------------ JSON */

START_TEST(json_escapes)
{
	assert_escaped(export_json_string, "say \"hi\"\\\n", 10, "\"say \\\"hi\\\"\\\\\\n\"");
	assert_escaped(export_json_string, "\x01\x7f", 2, "\"\\u0001\\u007f\"");
	assert_escaped(export_json_string, "nul\0", 4, "\"nul\\u0000\"");
	assert_escaped(export_json_string, "bad\xff", 4, "\"bad\\\\xff\"");
	assert_escaped(export_json_string, "\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"");
	assert_escaped(export_json_string, "c1\xc2\x85", 4, "\"c1\\u0085\"");
	assert_escaped(export_json_string, "猫", strlen("猫"), "\"猫\"");
}
END_TEST

static void put_utf8(char *out, size_t *o, unsigned cp)
{
	if (cp < 0x80) {
		out[(*o)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*o)++] = (char)(0xc0 | cp >> 6);
		out[(*o)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*o)++] = (char)(0xe0 | cp >> 12);
		out[(*o)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*o)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* json_decode — the string a strict JSON parser reads from s (one quoted
 * string, nothing after it), into out; -1 when s is not valid JSON. */
static int json_decode(const char *s, char *out, size_t *out_len)
{
	size_t len = strlen(s), o = 0, i = 1;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"' || !valid_utf8(s, len))
		return -1;
	for (; i < len - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"')
			return -1;
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		switch (s[++i]) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'n': out[o++] = '\n'; break;
		case 't': out[o++] = '\t'; break;
		case 'r': out[o++] = '\r'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'u': {
			unsigned cp;
			if (i + 4 >= len - 1 || sscanf(s + i + 1, "%4x", &cp) != 1)
				return -1;
			put_utf8(out, &o, cp);
			i += 4;
			break;
		}
		default:
			return -1;
		}
	}
	*out_len = o;
	return 0;
}

START_TEST(json_random_bytes_stay_valid_and_round_trip)
{
	char in[256], decoded[2048];

	for (int round = 0; round < 20000; round++) {
		size_t len = random_bytes(in, sizeof in), n = 0;
		char *out = escaped(export_json_string, in, len);

		ck_assert_msg(json_decode(out, decoded, &n) == 0, "not valid JSON: %s", out);
		/* What a reader gets back is the input, with only the bytes that
		 * are not UTF-8 shown as \xNN, as the case shows them. */
		if (valid_utf8(in, len)) {
			ck_assert_uint_eq(n, len);
			ck_assert(memcmp(decoded, in, len) == 0);
		} else {
			ck_assert(valid_utf8(decoded, n));
		}
		free(out);
	}
}
END_TEST

/* ------------------------------------------------------------ CSV */

START_TEST(csv_fields_follow_rfc4180)
{
	assert_escaped(csv_plain, "a,b", 3, "\"a,b\"");
	assert_escaped(csv_plain, "say \"x\"", 7, "\"say \"\"x\"\"\"");
	assert_escaped(csv_plain, "two\r\nlines", 10, "\"two\r\nlines\"");
	assert_escaped(csv_plain, "a\0b", 3, "\"a\\x00b\"");
	assert_escaped(csv_plain, "bad\xff", 4, "\"bad\\xff\"");
	assert_escaped(csv_plain, "", 0, "\"\"");
}
END_TEST

START_TEST(csv_formula_guard)
{
	assert_escaped(csv_guarded, "=HYPERLINK(\"x\")", 15, "\"'=HYPERLINK(\"\"x\"\")\"");
	assert_escaped(csv_guarded, "+1", 2, "\"'+1\"");
	assert_escaped(csv_guarded, "-1", 2, "\"'-1\"");
	assert_escaped(csv_guarded, "@SUM(A1)", 8, "\"'@SUM(A1)\"");
	assert_escaped(csv_guarded, "plain", 5, "\"plain\"");
	assert_escaped(csv_plain, "=1+1", 4, "\"=1+1\"");
}
END_TEST

/* ------------------------------------------------------------ times */

START_TEST(times_say_utc_only_when_they_are)
{
	char out[40];

	ck_assert_int_eq(export_iso_time(1709280000, 0, 1, out), 0);
	ck_assert_str_eq(out, "2024-03-01T08:00:00Z");
	ck_assert_int_eq(export_iso_time(1709280000, 5, 1, out), 0);
	ck_assert_str_eq(out, "2024-03-01T08:00:00.000000005Z");
	ck_assert_int_eq(export_iso_time(1709280000, 0, 0, out), 0);   /* FAT: zone unknown */
	ck_assert_str_eq(out, "2024-03-01T08:00:00");
	ck_assert_int_eq(export_iso_time(INT64_MAX, 0, 1, out), -1);
}
END_TEST

START_TEST(precision_per_time)
{
	char out[32];

	export_precision("1ns", "mtime", out);
	ck_assert_str_eq(out, "1ns");
	export_precision("mtime 2s, atime 1 day, crtime 10ms", "atime", out);
	ck_assert_str_eq(out, "1 day");
	export_precision("mtime 2s, atime 1 day, crtime 10ms", "crtime", out);
	ck_assert_str_eq(out, "10ms");
	export_precision("mtime 2s, atime 1 day, crtime 10ms", "ctime", out);
	ck_assert_str_eq(out, "");
	export_precision(NULL, "mtime", out);
	ck_assert_str_eq(out, "");
}
END_TEST

/* ------------------------------------------------------------ sink */

static char *temp_dir(void)
{
	char *dir = strdup("/tmp/check_export-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static int entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static char *read_file(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(sink_writes_atomically_and_hashes)
{
	char *dir = temp_dir(), path[256], hex[65];
	exhibit_error err;
	export_sink *s;
	uint64_t size;
	digests d;

	snprintf(path, sizeof path, "%s/out.txt", dir);
	s = export_sink_create(path, &err);
	ck_assert_ptr_nonnull(s);
	export_sink_puts(s, "hello\n");
	ck_assert_int_eq(access(path, F_OK), -1);   /* not there until finished */
	ck_assert_int_eq(entries_in(dir), 1);        /* only the temporary file */
	ck_assert_int_eq(export_sink_finish(s, &d, &size, &err), 0);
	ck_assert_str_eq(read_file(path), "hello\n");
	ck_assert_uint_eq(size, 6);
	hex_encode(d.sha256, 32, hex);
	ck_assert_str_eq(hex, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	ck_assert_int_eq(entries_in(dir), 1);
	unlink(path);
	rmdir(dir);
	free(dir);
}
END_TEST

START_TEST(sink_never_replaces)
{
	char *dir = temp_dir(), path[256];
	exhibit_error err;
	export_sink *s;
	FILE *f;
	digests d;

	snprintf(path, sizeof path, "%s/out.txt", dir);
	f = fopen(path, "w");
	fputs("first\n", f);
	fclose(f);
	exhibit_error_clear(&err);
	ck_assert_ptr_null(export_sink_create(path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "already exists"));
	/* Something appears at the path while the export runs: it stays. */
	unlink(path);
	s = export_sink_create(path, &err);
	ck_assert_ptr_nonnull(s);
	export_sink_puts(s, "second\n");
	f = fopen(path, "w");
	fputs("first\n", f);
	fclose(f);
	ck_assert_int_lt(export_sink_finish(s, &d, NULL, &err), 0);
	ck_assert_str_eq(read_file(path), "first\n");
	ck_assert_int_eq(entries_in(dir), 1);        /* the temporary file is gone */
	unlink(path);
	rmdir(dir);
	free(dir);
}
END_TEST

START_TEST(sink_abort_leaves_nothing)
{
	char *dir = temp_dir(), path[256];
	exhibit_error err;
	export_sink *s;

	snprintf(path, sizeof path, "%s/out.txt", dir);
	s = export_sink_create(path, &err);
	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < 100000; i++)
		export_sink_puts(s, "0123456789abcdef");  /* past the buffer: on disk already */
	export_sink_abort(s);
	ck_assert_int_eq(entries_in(dir), 0);
	rmdir(dir);
	free(dir);
}
END_TEST

START_TEST(rename_new_refuses_an_existing_directory)
{
	char *dir = temp_dir(), from[256], to[256];

	snprintf(from, sizeof from, "%s/a", dir);
	snprintf(to, sizeof to, "%s/b", dir);
	ck_assert_int_eq(mkdir(from, 0700), 0);
	ck_assert_int_eq(mkdir(to, 0700), 0);     /* empty: rename(2) would replace it */
	ck_assert_int_eq(export_rename_new(from, to), -1);
	ck_assert_int_eq(errno, EEXIST);
	rmdir(to);
	ck_assert_int_eq(export_rename_new(from, to), 0);
	rmdir(to);
	rmdir(dir);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("export");
	TCase *names = tcase_create("names"), *xml = tcase_create("xml"), *json = tcase_create("json"),
	      *csv = tcase_create("csv"), *sink = tcase_create("sink"), *times = tcase_create("times");

	tcase_add_test(names, traversal_cannot_survive);
	tcase_add_test(names, controls_and_bad_bytes_become_underscores);
	tcase_add_test(names, windows_refusals);
	tcase_add_test(names, valid_names_pass_through);
	tcase_add_test(names, long_names_are_cut_keeping_the_extension);
	tcase_add_test(names, random_bytes_always_give_a_safe_name);
	tcase_add_test(names, markers_go_before_the_extension);
	tcase_add_test(xml, xml_escapes_markup_and_controls);
	tcase_add_test(xml, xml_random_bytes_stay_well_formed);
	tcase_add_test(json, json_escapes);
	tcase_add_test(json, json_random_bytes_stay_valid_and_round_trip);
	tcase_add_test(csv, csv_fields_follow_rfc4180);
	tcase_add_test(csv, csv_formula_guard);
	tcase_add_test(times, times_say_utc_only_when_they_are);
	tcase_add_test(times, precision_per_time);
	tcase_add_test(sink, sink_writes_atomically_and_hashes);
	tcase_add_test(sink, sink_never_replaces);
	tcase_add_test(sink, sink_abort_leaves_nothing);
	tcase_add_test(sink, rename_new_refuses_an_existing_directory);
	suite_add_tcase(s, names);
	suite_add_tcase(s, xml);
	suite_add_tcase(s, json);
	suite_add_tcase(s, csv);
	suite_add_tcase(s, times);
	suite_add_tcase(s, sink);
	return check_run_suite(s);
}

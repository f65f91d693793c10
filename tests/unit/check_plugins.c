/* check_plugins.c — the registry refuses what it must and dispatches by
 * type, name and signature. */
#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugins.h"

static int analyze_nothing(const exhibit_host_api *api, exhibit_host *h, const exhibit_item *it)
{
	(void)api; (void)h; (void)it;
	return EXHIBIT_OK;
}

static const unsigned char magic[] = { 'S', 'Q', 'L' };
static const exhibit_signature sigs[] = { { 2, magic, sizeof magic } };
static const char *const types[] = { "application/vnd.sqlite3", NULL };
static const char *const names[] = { "*.db", NULL };

static exhibit_plugin sample(void)
{
	exhibit_plugin p = { EXHIBIT_ABI_VERSION, "sample", "1", "test", EXHIBIT_PLUGIN_ANALYZER,
	                     types, names, sigs, 1, analyze_nothing, NULL, NULL };
	return p;
}

START_TEST(descriptor_checks)
{
	exhibit_error err;
	exhibit_plugin p = sample();

	ck_assert_int_eq(plugin_check_descriptor(&p, &err), 0);
	p.abi_version = EXHIBIT_ABI_VERSION + 1;
	ck_assert_int_lt(plugin_check_descriptor(&p, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "ABI version"));
	p = sample();
	p.analyze = NULL;
	ck_assert_int_lt(plugin_check_descriptor(&p, &err), 0);
	p = sample();
	p.name = "";
	ck_assert_int_lt(plugin_check_descriptor(&p, &err), 0);
	ck_assert_int_lt(plugin_check_descriptor(NULL, &err), 0);
}
END_TEST

START_TEST(duplicate_names_refused)
{
	plugin_registry *reg = plugin_registry_new();
	static exhibit_plugin p;
	exhibit_error err;

	p = sample();
	ck_assert_int_eq(plugin_registry_add(reg, &p, "a.so", &err), 0);
	ck_assert_int_lt(plugin_registry_add(reg, &p, "b.so", &err), 0);
	ck_assert_ptr_nonnull(strstr(err.message, "already loaded from a.so"));
	ck_assert_uint_eq(plugin_registry_count(reg), 1);
	plugin_registry_free(reg);
}
END_TEST

START_TEST(accepts_by_type_name_signature)
{
	exhibit_plugin p = sample();
	const unsigned char head[] = "xxSQLite";

	ck_assert_int_eq(plugin_accepts(&p, "application/vnd.sqlite3", "x", NULL, 0), 1);
	ck_assert_int_eq(plugin_accepts(&p, "text/plain", "MSGSTORE.DB", NULL, 0), 1);
	ck_assert_int_eq(plugin_accepts(&p, "text/plain", "x.txt", head, 8), 1);
	ck_assert_int_eq(plugin_accepts(&p, "text/plain", "x.txt", head, 4), 0); /* short head */
	ck_assert_int_eq(plugin_accepts(&p, "text/plain", "x.txt", (const unsigned char *)"nothing", 7), 0);
}
END_TEST

static int refusals;
static char last_refusal[1024];

static void count_refusal(void *ctx, const char *message)
{
	(void)ctx;
	refusals++;
	snprintf(last_refusal, sizeof last_refusal, "%s", message);
}

START_TEST(broken_shared_object_is_refused_not_fatal)
{
	char dir[] = "/tmp/exhibit-check-plugins-XXXXXX";
	char path[300];
	FILE *f;
	plugin_registry *reg = plugin_registry_new();

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/broken.so", dir);
	f = fopen(path, "w");
	fputs("not an ELF file", f);
	fclose(f);
	refusals = 0;
	ck_assert_int_eq(plugin_registry_load_dir(reg, dir, count_refusal, NULL), 0);
	ck_assert_int_eq(refusals, 1);
	ck_assert_ptr_nonnull(strstr(last_refusal, "broken.so: refused"));
	ck_assert_int_eq(plugin_registry_load_dir(reg, "/nonexistent", count_refusal, NULL), 0);
	unlink(path);
	rmdir(dir);
	plugin_registry_free(reg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plugins");
	TCase *tc = tcase_create("registry");

	tcase_add_test(tc, descriptor_checks);
	tcase_add_test(tc, duplicate_names_refused);
	tcase_add_test(tc, accepts_by_type_name_signature);
	tcase_add_test(tc, broken_shared_object_is_refused_not_fatal);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

/* Unit tests of the option table and the profile reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "profile.h"

static struct corral_spec spec;
static struct corral_error err;
static char dir[] = "/tmp/corral-unit-XXXXXX";

static int setup(void **state)
{
	memset(&err, 0, sizeof(err));
	return option_defaults(&spec, &err);
}

static int teardown(void **state)
{
	option_spec_free(&spec);
	return 0;
}

static void write_profile(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s.profile", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_defaults(void **state)
{
	assert_int_equal(spec.net, CORRAL_NET_NONE);
	assert_string_equal(spec.hostname, "corral");
	assert_true(spec.time_limit == CORRAL_UNSET);
	assert_true(spec.kill_grace == 1000000);
}

static void test_every_option_has_help(void **state)
{
	for (size_t i = 0; i < OPT__COUNT; i++) {
		assert_non_null(option_table[i].help);
		assert_true(strlen(option_table[i].help) > 10);
		assert_ptr_equal(option_find(option_table[i].name), &option_table[i]);
	}
}

static void test_suggest(void **state)
{
	assert_string_equal(option_suggest("hostnme"), "hostname");
	assert_string_equal(option_suggest("time-limt"), "time-limit");
	assert_string_equal(option_suggest("nte"), "net");
	assert_null(option_suggest("completely-different"));
}

static void test_scalar_last_wins(void **state)
{
	assert_int_equal(profile_load_text(&spec, "t", "hostname = a\nhostname = b\n", &err), 0);
	assert_string_equal(spec.hostname, "b");
}

static void test_list_accumulates_and_clears(void **state)
{
	assert_int_equal(profile_load_text(&spec, "t",
					   "setenv = A=1\nsetenv = B=2\nunsetenv = X Y,Z\n", &err),
			 0);
	assert_int_equal(spec.setenv.n, 2);
	assert_string_equal(spec.setenv.v[1], "B=2");
	assert_int_equal(spec.unsetenv.n, 3);
	assert_int_equal(profile_load_text(&spec, "t", "setenv =\nsetenv = C=3\n", &err), 0);
	assert_int_equal(spec.setenv.n, 1);
	assert_string_equal(spec.setenv.v[0], "C=3");
}

static void test_errors_name_line(void **state)
{
	assert_int_not_equal(profile_load_text(&spec, "p.profile", "\n# c\nhostnme = x\n", &err), 0);
	assert_string_equal(err.msg, "p.profile:3: unknown key 'hostnme' (did you mean 'hostname'?)");
	assert_int_not_equal(profile_load_text(&spec, "p.profile", "time-limit = lots\n", &err), 0);
	assert_non_null(strstr(err.msg, "p.profile:1: time-limit: invalid value 'lots'"));
	assert_int_not_equal(profile_load_text(&spec, "p.profile", "net = wifi\n", &err), 0);
	assert_string_equal(err.msg, "p.profile:1: net: invalid value 'wifi' (expected none|host|pasta)");
	assert_int_not_equal(profile_load_text(&spec, "p.profile", "just words\n", &err), 0);
	assert_non_null(strstr(err.msg, "p.profile:1: expected"));
	assert_int_not_equal(profile_load_text(&spec, "p.profile", "check = yes\n", &err), 0);
	assert_non_null(strstr(err.msg, "command-line option"));
	assert_int_not_equal(profile_load_text(&spec, "p.profile", "share = ipc bogus\n", &err), 0);
	assert_non_null(strstr(err.msg, "p.profile:1: share: unknown namespace 'bogus'"));
	assert_int_not_equal(profile_load_text(&spec, "p.profile", "setenv = 1BAD\n", &err), 0);
	assert_int_not_equal(profile_load_text(&spec, "p.profile", "uid = -1\n", &err), 0);
}

static void test_include_and_cycle(void **state)
{
	char path[300];
	setenv("CORRAL_PROFILE_PATH", dir, 1);
	write_profile("base", "hostname = base\nsetenv = A=1\n");
	write_profile("top", "include base\nhostname = top\n");
	write_profile("loop1", "include loop2\n");
	write_profile("loop2", "include loop1\n");
	write_profile("missing", "\ninclude nowhere\n");

	assert_int_equal(profile_load(&spec, "top", &err), 0);
	assert_string_equal(spec.hostname, "top");
	assert_int_equal(spec.setenv.n, 1);

	assert_int_not_equal(profile_load(&spec, "loop1", &err), 0);
	assert_non_null(strstr(err.msg, "include cycle"));
	snprintf(path, sizeof(path), "%s/loop2.profile:1", dir);
	assert_non_null(strstr(err.msg, path));

	assert_int_not_equal(profile_load(&spec, "missing", &err), 0);
	snprintf(path, sizeof(path), "%s/missing.profile:2: profile 'nowhere' not found", dir);
	assert_non_null(strstr(err.msg, path));

	assert_int_equal(profile_resolve("base", path, sizeof(path), &err), 0);
	assert_int_not_equal(profile_resolve("bad name", path, sizeof(path), &err), 0);
	assert_int_not_equal(profile_resolve("nosuchprofile", path, sizeof(path), &err), 0);
	assert_int_not_equal(profile_resolve(".hidden", path, sizeof(path), &err), 0);
}

static void test_check_round_trip(void **state)
{
	struct corral_spec again;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;

	assert_int_equal(profile_load_text(&spec, "t",
					   "hostname = h\ntime-limit = 1.5s\nsetenv = A=1 2\n"
					   "share = ipc uts\nnet = host\nuid = 0\n",
					   &err),
			 0);
	FILE *f = open_memstream(&text, &len);
	option_print_spec(f, &spec);
	fclose(f);
	assert_int_equal(option_defaults(&again, &err), 0);
	assert_int_equal(profile_load_text(&again, "check", text, &err), 0);
	f = open_memstream(&text2, &len2);
	option_print_spec(f, &again);
	fclose(f);
	assert_string_equal(text, text2);
	assert_non_null(strstr(text, "time-limit = 1500ms\n"));
	assert_non_null(strstr(text, "setenv = A=1 2\n"));
	assert_true(again.uid == 0);
	free(text);
	free(text2);
	option_spec_free(&again);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_option_has_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suggest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scalar_last_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_accumulates_and_clears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_name_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_and_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_round_trip, setup, teardown),
	};
	int r = cmocka_run_group_tests_name("profile", tests, NULL, NULL);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		r = 1;
	return r;
}

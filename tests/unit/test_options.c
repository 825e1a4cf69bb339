/* Unit tests of the command line: option_parse's two passes (options.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "report.h"

static struct corral_spec spec;
static struct option_cli cli;
static struct corral_error err;

/* The argv of the last parse: spec.argv points into it. */
static char *args[64];

static int setup(void **state)
{
	memset(&err, 0, sizeof(err));
	memset(&cli, 0, sizeof(cli));
	return option_defaults(&spec, &err);
}

static int teardown(void **state)
{
	option_spec_free(&spec);
	return 0;
}

/* One pass over "corral" followed by the given words (NULL-terminated). */
static int parse(enum option_pass pass, ...)
{
	va_list ap;
	int n = 0;
	args[n++] = "corral";
	va_start(ap, pass);
	for (char *w; (w = va_arg(ap, char *)) && n < 63;)
		args[n++] = w;
	va_end(ap);
	args[n] = NULL;
	memset(&err, 0, sizeof(err));
	return option_parse(n, args, pass, &spec, &cli, &err);
}

/* Both passes, as main runs them (without the profiles in between). */
#define parse_both(...) \
	(parse(OPTION_PASS_FIRST, __VA_ARGS__) < 0 ? -1 : parse(OPTION_PASS_APPLY, __VA_ARGS__))

static void test_first_pass_takes_actions_and_profiles_only(void **state)
{
	assert_int_equal(parse(OPTION_PASS_FIRST, "-v", "--memory", "64M", "--profile", "strict",
			       "-p", "./my.profile", "--check", "-v", "--net", "host", NULL),
			 0);
	assert_true(cli.check);
	assert_false(cli.help || cli.version || cli.list_profiles);
	assert_int_equal(cli.verbosity, 2);
	assert_int_equal(spec.profiles.n, 2);
	assert_string_equal(spec.profiles.v[0], "strict");
	assert_string_equal(spec.profiles.v[1], "./my.profile");
	/* Nothing else is applied before the profiles are read. */
	assert_true(spec.memory == CORRAL_UNSET);
	assert_int_equal(spec.net, CORRAL_NET_NONE);
}

static void test_second_pass_applies_left_to_right(void **state)
{
	assert_int_equal(parse_both("-p", "strict", "--memory", "64M", "-m", "128M", "--seccomp",
				    "--seccomp=no", "--clearenv", "--net", "host", "--setenv",
				    "A=1", "--setenv", "B=2", "-t", "1.5s", NULL),
			 0);
	assert_true(spec.memory == 128ULL << 20);
	assert_false(spec.seccomp);
	assert_true(spec.clearenv);
	assert_int_equal(spec.net, CORRAL_NET_HOST);
	assert_true(spec.time_limit == 1500000);
	assert_int_equal(spec.setenv.n, 2);
	assert_string_equal(spec.setenv.v[1], "B=2");
	/* The second pass does not name the profiles again. */
	assert_int_equal(spec.profiles.n, 1);
	assert_int_equal(cli.verbosity, 0);
}

static void test_verbosity(void **state)
{
	assert_int_equal(parse_both("-v", "-v", "-v", NULL), 0);
	assert_int_equal(cli.verbosity, 3);
	memset(&cli, 0, sizeof(cli));
	assert_int_equal(parse_both("-q", NULL), 0);
	assert_int_equal(cli.verbosity, CORRAL_QUIET);
	memset(&cli, 0, sizeof(cli));
	assert_int_equal(parse_both("--quiet", "--verbose", NULL), 0);
	assert_int_equal(cli.verbosity, CORRAL_VERBOSE);
}

static void test_actions(void **state)
{
	assert_int_equal(parse(OPTION_PASS_FIRST, "--help", "-V", "--list-profiles", NULL), 0);
	assert_true(cli.help && cli.version && cli.list_profiles);
	assert_false(cli.check);
}

/* The command starts at the first word that is not an option, or after
 * "--"; its own options are its own. */
static void test_stops_at_the_command(void **state)
{
	assert_int_equal(parse_both("--memory", "1M", "sh", "-c", "--memory", NULL), 0);
	assert_true(spec.memory == 1ULL << 20);
	assert_int_equal(spec.argc, 3);
	assert_string_equal(spec.argv[0], "sh");
	assert_string_equal(spec.argv[2], "--memory");
	assert_null(spec.argv[3]);

	assert_int_equal(parse_both("--", "--memory", "2M", NULL), 0);
	assert_int_equal(spec.argc, 2);
	assert_string_equal(spec.argv[0], "--memory");
	assert_true(spec.memory == 1ULL << 20);

	assert_int_equal(parse_both("--check", NULL), 0);
	assert_int_equal(spec.argc, 0);
}

/* Each pass starts afresh: parsing again gives the same result. */
static void test_parse_again(void **state)
{
	for (int i = 0; i < 3; i++) {
		assert_int_equal(parse(OPTION_PASS_APPLY, "--pids", "7", "true", NULL), 0);
		assert_true(spec.pids == 7);
		assert_int_equal(spec.argc, 1);
		assert_string_equal(spec.argv[0], "true");
	}
}

/* What a bad command line says: one message naming the option. */
static void assert_error(enum option_pass pass, const char *want, const char *w1, const char *w2)
{
	int r = w2 ? parse(pass, w1, w2, "true", NULL) : parse(pass, w1, "true", NULL);
	if (r == 0)
		fail_msg("'%s %s' parsed without error", w1, w2 ? w2 : "");
	assert_string_equal(err.msg, want);
}

static void test_errors(void **state)
{
	assert_error(OPTION_PASS_FIRST, "unknown option '--memroy' (did you mean '--memory'?)",
		     "--memroy", "1M");
	assert_error(OPTION_PASS_FIRST, "unknown option '--hlep=3' (did you mean '--help'?)",
		     "--hlep=3", NULL);
	assert_error(OPTION_PASS_FIRST, "unknown option '--frobnicate' (see corral --help)",
		     "--frobnicate", NULL);
	assert_error(OPTION_PASS_FIRST, "option -Z is unknown", "-Z", NULL);
	/* A missing value: "true" would be taken as the value, so none follows. */
	assert_int_equal(parse(OPTION_PASS_FIRST, "--memory", NULL), -1);
	assert_string_equal(err.msg, "option --memory needs a value");
	/* Values are checked where they are applied: in the second pass. */
	assert_int_equal(parse(OPTION_PASS_FIRST, "--memory", "lots", "true", NULL), 0);
	assert_error(OPTION_PASS_APPLY,
		     "memory: invalid value 'lots' (expected a size such as 64M or 1G)", "--memory",
		     "lots");
	assert_error(OPTION_PASS_APPLY, "net: invalid value 'wifi' (expected none|host|pasta)", "--net",
		     "wifi");
	assert_error(OPTION_PASS_APPLY, "clearenv: invalid value 'maybe' (expected yes or no; true/false, on/off and 1/0 too)",
		     "--clearenv=maybe", NULL);
}

/* The getopt cases that were worded wrong: a short option without its
 * value, a long one given a value it does not take, an ambiguous prefix. */
static void test_error_wording(void **state)
{
	assert_int_equal(parse(OPTION_PASS_FIRST, "-m", NULL), -1);
	assert_string_equal(err.msg, "option -m needs a value");
	assert_int_equal(parse(OPTION_PASS_FIRST, "--mem", NULL), -1);
	assert_string_equal(err.msg, "option --memory needs a value");
	assert_error(OPTION_PASS_FIRST, "option --check takes no value", "--check=yes", NULL);
	assert_error(OPTION_PASS_FIRST, "option --help takes no value", "--he=1", NULL);
	assert_error(OPTION_PASS_FIRST, "option '--ver' is ambiguous (--version, --verbose)",
		     "--ver", NULL);
	assert_error(OPTION_PASS_FIRST,
		     "option '--seccomp-a=x' is ambiguous (--seccomp-allow, --seccomp-action)",
		     "--seccomp-a=x", NULL);
	/* A unique prefix is the option (getopt_long's rule). */
	assert_int_equal(parse_both("--mem", "1M", "--verb", NULL), 0);
	assert_true(spec.memory == 1ULL << 20);
	assert_int_equal(cli.verbosity, 1);
}

/* An ARG_ENUM row stores the index of the value in its choices ("a|b|c"),
 * and the code reads that int as an enum: the enum's order must be the
 * choices'. Every ARG_ENUM row is here, with its enum in order. */
static const struct {
	enum option_id id;
	const char *names[4];
	int values[4];
} enums[] = {
	{OPT_NET, {"none", "host", "pasta"}, {CORRAL_NET_NONE, CORRAL_NET_HOST, CORRAL_NET_PASTA}},
	{OPT_USER_NS, {"auto", "yes", "no"}, {CORRAL_AUTO, CORRAL_YES, CORRAL_NO}},
	{OPT_ROOT, {"tmpfs", "host"}, {CORRAL_ROOT_TMPFS, CORRAL_ROOT_HOST}},
	{OPT_BIND_CWD,
	 {"no", "yes", "ro"},
	 {CORRAL_BIND_CWD_NO, CORRAL_BIND_CWD_YES, CORRAL_BIND_CWD_RO}},
	{OPT_HOME, {"tmpfs", "no"}, {CORRAL_HOME_TMPFS, CORRAL_HOME_NO}},
	{OPT_CGROUP,
	 {"required", "auto", "off"},
	 {CORRAL_CGROUP_REQUIRED, CORRAL_CGROUP_AUTO, CORRAL_CGROUP_OFF}},
	{OPT_REPORT_FORMAT,
	 {"auto", "json", "text", "isolate"},
	 {CORRAL_REPORT_AUTO, CORRAL_REPORT_JSON, CORRAL_REPORT_TEXT, CORRAL_REPORT_ISOLATE}},
};

static void test_enum_order_matches_choices(void **state)
{
	for (size_t i = 0; i < OPT__COUNT; i++) {
		const struct option_row *row = &option_table[i];
		if (row->kind != ARG_ENUM)
			continue;
		size_t k = 0;
		while (k < sizeof(enums) / sizeof(enums[0]) && enums[k].id != row->id)
			k++;
		if (k == sizeof(enums) / sizeof(enums[0]))
			fail_msg("option %s: an ARG_ENUM row missing from enums[] here", row->name);
		size_t n = 0;
		char expect[128] = "";
		for (; n < 4 && enums[k].names[n]; n++)
			snprintf(expect + strlen(expect), sizeof(expect) - strlen(expect), "%s%s",
				 n ? "|" : "", enums[k].names[n]);
		/* The same choices, in the same order... */
		assert_string_equal(row->metavar, expect);
		/* ...and each lands as its enum value. */
		for (size_t j = 0; j < n; j++) {
			int *field = (int *)((char *)&spec + row->offset);
			assert_int_equal(option_apply(&spec, row, enums[k].names[j], &err), 0);
			if (*field != enums[k].values[j])
				fail_msg("option %s: '%s' gives %d, its enum says %d", row->name,
					 enums[k].names[j], *field, enums[k].values[j]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_pass_takes_actions_and_profiles_only,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_pass_applies_left_to_right, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_verbosity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stops_at_the_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_wording, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enum_order_matches_choices, setup, teardown),
	};
	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}

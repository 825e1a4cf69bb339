/* Unit tests of units.c: every parser, its edges, overflow and garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>

#include "units.h"

static void test_sizes(void **state)
{
	uint64_t b;
	assert_int_equal(units_parse_size("4096", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(units_parse_size("256M", &b), 0);
	assert_int_equal(b, 256ULL << 20);
	assert_int_equal(units_parse_size("64k", &b), 0);
	assert_int_equal(b, 65536);
	assert_int_equal(units_parse_size("1.5G", &b), 0);
	assert_int_equal(b, 3ULL << 29);
	assert_int_equal(units_parse_size("2GiB", &b), 0);
	assert_int_equal(b, 2ULL << 30);
	assert_int_equal(units_parse_size("1t", &b), 0);
	assert_int_equal(b, 1ULL << 40);
}

static void test_sizes_bad(void **state)
{
	uint64_t b = 7;
	assert_int_equal(units_parse_size("lots", &b), -EINVAL);
	assert_int_equal(units_parse_size("", &b), -EINVAL);
	assert_int_equal(units_parse_size("-1M", &b), -EINVAL);
	assert_int_equal(units_parse_size("12Q", &b), -EINVAL);
	assert_int_equal(units_parse_size("1.5", &b), -EINVAL);
	assert_int_equal(units_parse_size("M", &b), -EINVAL);
	assert_int_equal(units_parse_size("1 M", &b), -EINVAL);
	assert_int_equal(units_parse_size("99999999999T", &b), -ERANGE);
	assert_int_equal(units_parse_size("18446744073709551616", &b), -ERANGE);
	assert_int_equal(b, 7); /* untouched on error */
}

static void test_durations(void **state)
{
	uint64_t us;
	assert_int_equal(units_parse_duration("10s", &us), 0);
	assert_int_equal(us, 10000000);
	assert_int_equal(units_parse_duration("1.5s", &us), 0);
	assert_int_equal(us, 1500000);
	assert_int_equal(units_parse_duration("2m", &us), 0);
	assert_int_equal(us, 120000000);
	assert_int_equal(units_parse_duration("250ms", &us), 0);
	assert_int_equal(us, 250000);
	assert_int_equal(units_parse_duration("100us", &us), 0);
	assert_int_equal(us, 100);
	assert_int_equal(units_parse_duration("3", &us), 0);
	assert_int_equal(us, 3000000);
	assert_int_equal(units_parse_duration("1h", &us), 0);
	assert_int_equal(us, 3600000000ULL);
	assert_int_equal(units_parse_duration("soon", &us), -EINVAL);
	assert_int_equal(units_parse_duration("1x", &us), -EINVAL);
	assert_int_equal(units_parse_duration("-1s", &us), -EINVAL);
	assert_int_equal(units_parse_duration("999999999999d", &us), -ERANGE);
}

static void test_cpus(void **state)
{
	double c;
	assert_int_equal(units_parse_cpus("0.5", &c), 0);
	assert_true(c == 0.5);
	assert_int_equal(units_parse_cpus("2", &c), 0);
	assert_true(c == 2.0);
	assert_int_equal(units_parse_cpus("0", &c), -ERANGE);
	assert_int_equal(units_parse_cpus("5000", &c), -ERANGE);
	assert_int_equal(units_parse_cpus("half", &c), -EINVAL);
	assert_int_equal(units_parse_cpus("0.5c", &c), -EINVAL);
	/* systemd's spelling: 100% is one CPU. */
	assert_int_equal(units_parse_cpus("150%", &c), 0);
	assert_true(c > 1.49 && c < 1.51);
	assert_int_equal(units_parse_cpus("100%", &c), 0);
	assert_true(c > 0.99 && c < 1.01);
	assert_int_equal(units_parse_cpus("%", &c), -EINVAL);
	assert_int_equal(units_parse_cpus("50%%", &c), -EINVAL);
}

static void test_uint(void **state)
{
	uint64_t v;
	assert_int_equal(units_parse_uint("64", 100, &v), 0);
	assert_int_equal(v, 64);
	assert_int_equal(units_parse_uint("101", 100, &v), -ERANGE);
	assert_int_equal(units_parse_uint("18446744073709551615", UINT64_MAX, &v), 0);
	assert_int_equal(units_parse_uint("18446744073709551616", UINT64_MAX, &v), -ERANGE);
	assert_int_equal(units_parse_uint("+1", 100, &v), -EINVAL);
	assert_int_equal(units_parse_uint("", 100, &v), -EINVAL);
	assert_int_equal(units_parse_uint("1e3", 10000, &v), -EINVAL);
}

static void test_signals(void **state)
{
	int s;
	assert_int_equal(units_parse_signal("TERM", &s), 0);
	assert_int_equal(s, SIGTERM);
	assert_int_equal(units_parse_signal("SIGKILL", &s), 0);
	assert_int_equal(s, SIGKILL);
	assert_int_equal(units_parse_signal("sigusr1", &s), 0);
	assert_int_equal(s, SIGUSR1);
	assert_int_equal(units_parse_signal("15", &s), 0);
	assert_int_equal(s, 15);
	assert_int_equal(units_parse_signal("0", &s), -EINVAL);
	assert_int_equal(units_parse_signal("999", &s), -EINVAL);
	assert_int_equal(units_parse_signal("SIGNOPE", &s), -EINVAL);
	assert_string_equal(units_signal_name(SIGSYS), "SIGSYS");
	assert_null(units_signal_name(0));
}

static void test_bools(void **state)
{
	bool b = false;
	assert_int_equal(units_parse_bool("yes", &b), 0);
	assert_true(b);
	assert_int_equal(units_parse_bool("OFF", &b), 0);
	assert_false(b);
	assert_int_equal(units_parse_bool("maybe", &b), -EINVAL);
}

static void test_rlimits(void **state)
{
	struct units_rlimit rl;
	assert_int_equal(units_parse_rlimit("nofile=16", &rl), 0);
	assert_int_equal(rl.resource, RLIMIT_NOFILE);
	assert_int_equal(rl.soft, 16);
	assert_int_equal(rl.hard, 16);
	assert_int_equal(units_parse_rlimit("as=1G", &rl), 0);
	assert_int_equal(rl.soft, 1ULL << 30);
	assert_int_equal(units_parse_rlimit("nofile=64:128", &rl), 0);
	assert_int_equal(rl.soft, 64);
	assert_int_equal(rl.hard, 128);
	assert_int_equal(units_parse_rlimit("cpu=unlimited", &rl), 0);
	assert_true(rl.soft == UINT64_MAX);
	assert_int_equal(units_parse_rlimit("nofile=128:64", &rl), -ERANGE);
	assert_int_equal(units_parse_rlimit("bogus=1", &rl), -ENOENT);
	assert_int_equal(units_parse_rlimit("nofile", &rl), -EINVAL);
	assert_int_equal(units_parse_rlimit("nofile=x", &rl), -EINVAL);
	assert_string_equal(units_rlimit_name(RLIMIT_NOFILE), "nofile");
}

static void test_format(void **state)
{
	char buf[64];
	units_format_size(256ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "256M");
	units_format_size(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1000");
	units_format_duration(1500000, buf, sizeof(buf));
	assert_string_equal(buf, "1500ms");
	units_format_duration(10000000, buf, sizeof(buf));
	assert_string_equal(buf, "10s");
	units_human_size(64ULL << 20, buf, sizeof(buf));
	assert_string_equal(buf, "64 MiB");
	units_human_size(3ULL << 29, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 GiB");
	/* What --check prints parses back to the same value. */
	uint64_t v;
	units_format_size(12345ULL << 10, buf, sizeof(buf));
	assert_int_equal(units_parse_size(buf, &v), 0);
	assert_int_equal(v, 12345ULL << 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),     cmocka_unit_test(test_sizes_bad),
		cmocka_unit_test(test_durations), cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_uint),      cmocka_unit_test(test_signals),
		cmocka_unit_test(test_bools),     cmocka_unit_test(test_rlimits),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}

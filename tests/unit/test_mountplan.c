/* Unit tests of mountplan.c: path normalisation, the key syntax, and the
 * order mounts are applied in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "mountplan.h"
#include "options.h"

static void test_normalise(void **state)
{
	char b[64];
	assert_int_equal(mountplan_normalise("/usr//lib/", b, sizeof(b)), 0);
	assert_string_equal(b, "/usr/lib");
	assert_int_equal(mountplan_normalise("/", b, sizeof(b)), 0);
	assert_string_equal(b, "/");
	assert_int_equal(mountplan_normalise("///", b, sizeof(b)), 0);
	assert_string_equal(b, "/");
	assert_int_equal(mountplan_normalise("usr", b, sizeof(b)), -EINVAL);
	assert_int_equal(mountplan_normalise("/a/../b", b, sizeof(b)), -EINVAL);
	assert_int_equal(mountplan_normalise("/a/./b", b, sizeof(b)), -EINVAL);
	assert_int_equal(mountplan_normalise("/a/..b", b, sizeof(b)), 0);
	assert_int_equal(mountplan_normalise("/aaaaaaaaaa", b, 8), -ENAMETOOLONG);
}

static void test_checks(void **state)
{
	struct corral_error e = {0};
	assert_int_equal(mountplan_check_bind("/usr", &e), 0);
	assert_int_equal(mountplan_check_bind("/srv/data:/data", &e), 0);
	assert_true(mountplan_check_bind("srv:/data", &e) < 0);
	assert_true(mountplan_check_bind("/srv:data", &e) < 0);
	assert_true(mountplan_check_bind("/srv:", &e) < 0);
	assert_int_equal(mountplan_check_tmpfs("/tmp", &e), 0);
	assert_int_equal(mountplan_check_tmpfs("/tmp:64M", &e), 0);
	assert_true(mountplan_check_tmpfs("/tmp:lots", &e) < 0);
	assert_true(mountplan_check_tmpfs("/tmp:0", &e) < 0);
	assert_int_equal(mountplan_check_symlink("usr/bin:/bin", &e), 0);
	assert_int_equal(mountplan_check_symlink("/a:b:/c", &e), 0);
	assert_true(mountplan_check_symlink("/bin", &e) < 0);
	assert_true(mountplan_check_symlink(":/bin", &e) < 0);
	assert_true(mountplan_check_dst("relative", &e) < 0);
}

static void apply(struct corral_spec *s, const char *key, const char *value)
{
	struct corral_error e = {0};
	assert_int_equal(option_apply(s, option_find(key), value, &e), 0);
}

/* Depth first, parents before children, whatever the order of keys. */
static void test_order(void **state)
{
	struct corral_spec s;
	struct corral_error e = {0};
	struct mount_plan p;
	assert_int_equal(option_defaults(&s, &e), 0);
	apply(&s, "tmpfs", "/usr/local/tmp:1M");
	apply(&s, "bind", "/srv:/usr/local");
	apply(&s, "dev", "/dev");
	apply(&s, "ro-bind", "/usr");
	apply(&s, "symlink", "usr/bin:/bin");
	apply(&s, "ro-bind-try", "/opt/b");
	apply(&s, "ro-bind-try", "/opt/a:/opt");
	apply(&s, "bind-cwd", "ro");
	assert_int_equal(mountplan_build(&s, "/home/me", &p, &e), 0);
	const char *want[][2] = {
		{"symlink", "/bin"}, {"ro-bind", "/usr"},   {"ro-bind-try", "/opt"},
		{"dev", "/dev"},     {"ro-bind-try", "/opt/b"}, {"bind", "/usr/local"},
		{"bind-cwd", "/home/me"}, {"tmpfs", "/usr/local/tmp"},
	};
	assert_int_equal(p.n, 8);
	for (size_t i = 0; i < p.n; i++) {
		assert_string_equal(p.v[i].key, want[i][0]);
		assert_string_equal(p.v[i].dst, want[i][1]);
	}
	assert_true(p.v[1].ro);
	assert_false(p.v[1].try_);
	assert_true(p.v[2].try_);
	assert_string_equal(p.v[2].src, "/opt/a");
	assert_true(p.v[6].ro);
	assert_string_equal(p.v[7].size, "1M");
	assert_string_equal(p.v[0].src, "usr/bin");
	mountplan_free(&p);
	option_spec_free(&s);
}

static void test_validate(void **state)
{
	struct corral_spec s;
	struct corral_error e = {0};
	assert_int_equal(option_defaults(&s, &e), 0);
	apply(&s, "ro-bind", "/no/such/path:/x");
	assert_true(mountplan_validate(&s, &e) < 0);
	assert_non_null(strstr(e.msg, "ro-bind: source '/no/such/path'"));
	apply(&s, "ro-bind", "");
	apply(&s, "ro-bind-try", "/no/such/path:/x");
	assert_int_equal(mountplan_validate(&s, &e), 0);
	apply(&s, "root", "host");
	assert_true(mountplan_validate(&s, &e) < 0);
	assert_non_null(strstr(e.msg, "ro-bind-try = /no/such/path:/x: mount options need root = tmpfs"));
	option_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

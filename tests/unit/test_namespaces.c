/* Unit tests of namespaces.c: the clone error hints (the failures themselves
 * need a host where user namespaces are off, which tests must not arrange),
 * and the user-ns choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "namespaces.h"

static void test_hint_userns(void **state)
{
	unsigned long f = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER;
	const char *h = namespaces_clone_hint(f, false, EPERM);
	assert_non_null(strstr(h, "kernel.unprivileged_userns_clone"));
	assert_non_null(strstr(h, "seccomp filter"));
	assert_int_equal(h[0], ' ');
	assert_int_equal(h[strlen(h) - 1], ')');
	/* The same for root with user-ns = yes. */
	assert_string_equal(namespaces_clone_hint(f, true, EPERM), h);
	assert_non_null(strstr(namespaces_clone_hint(f, false, ENOSPC), "user.max_user_namespaces"));
	assert_string_equal(namespaces_clone_hint(f, false, ENOMEM), "");
}

static void test_hint_no_userns(void **state)
{
	unsigned long f = CLONE_NEWNS | CLONE_NEWPID;
	assert_non_null(strstr(namespaces_clone_hint(f, false, EPERM), "drop user-ns = no"));
	assert_non_null(strstr(namespaces_clone_hint(f, true, EPERM), "CAP_SYS_ADMIN"));
	assert_non_null(strstr(namespaces_clone_hint(f, true, EPERM), "user-ns = yes"));
	assert_non_null(strstr(namespaces_clone_hint(f, true, ENOSPC), "/proc/sys/user"));
	assert_string_equal(namespaces_clone_hint(f, true, EINVAL), "");
}

static void test_want_userns(void **state)
{
	struct corral_spec spec = {.user_ns = CORRAL_YES};
	assert_true(namespaces_want_userns(&spec));
	assert_true(namespaces_clone_flags(&spec) & CLONE_NEWUSER);
	spec.user_ns = CORRAL_NO;
	assert_false(namespaces_want_userns(&spec));
	assert_false(namespaces_clone_flags(&spec) & CLONE_NEWUSER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hint_userns),
		cmocka_unit_test(test_hint_no_userns),
		cmocka_unit_test(test_want_userns),
	};
	return cmocka_run_group_tests_name("namespaces", tests, NULL, NULL);
}

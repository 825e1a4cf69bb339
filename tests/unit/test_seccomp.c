/* Unit tests of seccomp.c and caps.c: names, groups, actions, and that a
 * filter builds for every group in both modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "options.h"
#include "seccomp.h"
#include "syscall_groups.h"

/* Every member of every group is a known syscall or group: a typo in the
 * table would otherwise be silently skipped at build time. */
static void test_groups_resolve(void **state)
{
	struct corral_error e = {0};
	size_t n = 0;
	for (const char *g; (g = syscall_groups_name(n)); n++) {
		const char *const *m = syscall_groups_members(g);
		assert_non_null(m);
		for (; *m; m++) {
			if (strchr(*m, ':'))
				continue; /* an argument-filtered pseudo member */
			if (seccomp_filter_check_name(*m, &e) != 0)
				fail_msg("group @%s: %s", g, e.msg);
		}
	}
	assert_true(n >= 20);
	static const char *design[] = {"mount",  "debug",  "privileged", "obsolete",
				       "clock",  "module", "raw-io",     "reboot",
				       "swap",   "cpu-emulation", "default-deny"};
	for (size_t i = 0; i < sizeof(design) / sizeof(*design); i++)
		assert_non_null(syscall_groups_members(design[i]));
}

static void test_names(void **state)
{
	struct corral_error e = {0};
	assert_int_equal(seccomp_filter_check_name("ptrace", &e), 0);
	assert_int_equal(seccomp_filter_check_name("@mount", &e), 0);
	assert_int_equal(seccomp_filter_check_name("rtas", &e), 0); /* powerpc only */
	assert_int_not_equal(seccomp_filter_check_name("ptracee", &e), 0);
	assert_string_equal(e.msg, "unknown syscall 'ptracee' (did you mean 'ptrace'?)");
	assert_int_not_equal(seccomp_filter_check_name("@mounts", &e), 0);
	assert_string_equal(e.msg, "unknown syscall group '@mounts' (did you mean '@mount'?)");
	assert_int_not_equal(seccomp_filter_check_name("qqqqqqqq", &e), 0);
	assert_string_equal(e.msg, "unknown syscall 'qqqqqqqq'");
}

static void test_actions(void **state)
{
	struct corral_error e = {0};
	const char *ok[] = {"errno", "errno:EPERM", "errno:ENOSYS", "errno:eacces", "kill", "log", "trap"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
		assert_int_equal(seccomp_filter_check_action(ok[i], &e), 0);
	assert_int_not_equal(seccomp_filter_check_action("errno:EBOGUS", &e), 0);
	assert_int_not_equal(seccomp_filter_check_action("kil", &e), 0);
	assert_int_not_equal(seccomp_filter_check_action("errno:", &e), 0);
}

static void test_caps(void **state)
{
	struct corral_error e = {0};
	assert_int_equal(caps_check_name("NET_BIND_SERVICE", &e), 0);
	assert_int_equal(caps_check_name("CAP_NET_BIND_SERVICE", &e), 0);
	assert_int_equal(caps_check_name("cap_sys_admin", &e), 0);
	assert_int_equal(caps_check_name("Net_Raw", &e), 0);
	assert_int_not_equal(caps_check_name("NET_BIND_SERVIC", &e), 0);
	assert_int_not_equal(caps_check_name("CAP_", &e), 0);
	assert_int_not_equal(caps_check_name("10", &e), 0);
}

/* Each group builds as a deny list and as an allow list. */
static void test_build_every_group(void **state)
{
	const char *g;
	for (size_t i = 0; (g = syscall_groups_name(i)); i++) {
		for (int allow = 0; allow < 2; allow++) {
			struct corral_spec spec;
			struct corral_error e = {0};
			char word[64];
			assert_int_equal(option_defaults(&spec, &e), 0);
			snprintf(word, sizeof(word), "@%s", g);
			assert_int_equal(option_apply(&spec, option_find(allow ? "seccomp-allow" : "seccomp-deny"),
						      word, &e), 0);
			struct sock_fprog p;
			if (seccomp_filter_build(&spec, &p, &e) != 0)
				fail_msg("%s %s: %s", allow ? "allow" : "deny", word, e.msg);
			assert_true(p.len > 4);
			seccomp_filter_free(&p);
			option_spec_free(&spec);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_resolve), cmocka_unit_test(test_names),
		cmocka_unit_test(test_actions),        cmocka_unit_test(test_caps),
		cmocka_unit_test(test_build_every_group),
	};
	return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}

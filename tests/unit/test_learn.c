/* Unit tests of learn.c (the learned profile: header, includes, groups) and
 * of the notification answers and verdict of seccomp-log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "learn.h"
#include "options.h"
#include "report.h"
#include "seccomp.h"

static char *learned(struct corral_spec *spec, const char *const *names)
{
	struct strv s = {0};
	for (; *names; names++)
		strv_push(&s, *names);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	learn_print(f, spec, &s, 86400 * 365);
	fclose(f);
	strv_clear(&s);
	return buf;
}

static void test_profile(void **state)
{
	struct corral_spec spec;
	struct corral_error e = {0};
	assert_int_equal(option_defaults(&spec, &e), 0);
	strv_push(&spec.profiles, "default");
	strv_push(&spec.profiles, "/etc/x.profile");
	char *argv[] = {"sh", "-c", "echo 'a'\nb", NULL};
	spec.argv = argv;
	spec.argc = 3;
	/* All of @keyring and @sync (as they exist here), part of @basic-io. */
	static const char *const names[] = {"add_key", "fdatasync", "fsync", "keyctl", "msync",
					    "read", "request_key", "sync", "sync_file_range",
					    "syncfs", "write", NULL};
	char *p = learned(&spec, names);
	assert_non_null(strstr(p, "# Learned by corral --learn on 1971-01-01 00:00:00 UTC from a run of:\n"
				  "#   sh -c 'echo '\\''a'\\''?b'\n"
				  "# It allows the 11 syscalls that run used and denies the rest.\n"
				  "include default\ninclude /etc/x.profile\n"));
	assert_non_null(strstr(p, "seccomp = yes\nseccomp-log = yes\n"));
	assert_non_null(strstr(p, "seccomp-allow =\nseccomp-allow = @keyring\nseccomp-allow = @sync\n"
				  "seccomp-allow = read\nseccomp-allow = write\n"));
	assert_null(strstr(p, "= keyctl"));
	assert_null(strstr(p, "@basic-io"));
	free(p);
	option_spec_free(&spec);
}

static void test_answers(void **state)
{
	struct corral_spec spec;
	struct corral_error e = {0};
	int err = -1;
	assert_int_equal(option_defaults(&spec, &e), 0);
	assert_int_equal(seccomp_filter_notify_answer(&spec, &err), CORRAL_NOTIFY_ERRNO);
	assert_int_equal(err, EPERM);
	option_apply(&spec, option_find("seccomp-action"), "errno:ENOSYS", &e);
	assert_int_equal(seccomp_filter_notify_answer(&spec, &err), CORRAL_NOTIFY_ERRNO);
	assert_int_equal(err, ENOSYS);
	option_apply(&spec, option_find("seccomp-action"), "kill", &e);
	assert_int_equal(seccomp_filter_notify_answer(&spec, &err), CORRAL_NOTIFY_KILL);
	option_apply(&spec, option_find("seccomp-action"), "log", &e);
	assert_int_equal(seccomp_filter_notify_answer(&spec, &err), CORRAL_NOTIFY_CONTINUE);
	option_apply(&spec, option_find("seccomp-action"), "trap", &e);
	assert_int_equal(seccomp_filter_notify_answer(&spec, &err), -ENOTSUP);
	/* Learning lets every call continue, whatever the action. */
	option_apply(&spec, option_find("learn"), "x.profile", &e);
	assert_int_equal(seccomp_filter_notify_answer(&spec, &err), CORRAL_NOTIFY_CONTINUE);
	option_spec_free(&spec);
}

static void test_names(void **state)
{
	char buf[32];
	/* AUDIT_ARCH_X86_64 and AUDIT_ARCH_I386: libseccomp's tokens are these. */
	assert_int_equal(seccomp_filter_syscall_name(0xc000003e, 101, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ptrace");
	assert_int_equal(seccomp_filter_syscall_name(0x40000003, 26, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ptrace");
	assert_int_not_equal(seccomp_filter_syscall_name(0xc000003e, 4000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "syscall-4000");
	assert_true(seccomp_filter_native("getdents64"));
	assert_false(seccomp_filter_native("personality:unsafe"));
}

/* A kill by the supervisor is SIGKILL; with a name recorded it is the
 * filter's verdict, also when it was a child and the command failed. */
static void test_verdict(void **state)
{
	struct corral_result r = {.have_wstatus = true, .wstatus = W_EXITCODE(0, SIGKILL)};
	snprintf(r.seccomp_killed, sizeof(r.seccomp_killed), "keyctl");
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_SECCOMP);
	assert_int_equal(r.exit_code, 159);
	r = (struct corral_result){.have_wstatus = true, .wstatus = W_EXITCODE(137, 0)};
	snprintf(r.seccomp_killed, sizeof(r.seccomp_killed), "keyctl");
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_SECCOMP);
	/* Without the name a SIGKILL is just a signal. */
	r = (struct corral_result){.have_wstatus = true, .wstatus = W_EXITCODE(0, SIGKILL)};
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_SIGNALED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

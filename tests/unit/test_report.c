/* Unit tests of report.c: the verdict's precedence, the JSON string writer
 * (escapes and UTF-8 repair), and the JSON report's nulls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "options.h"
#include "report.h"

#define EXITED(n) W_EXITCODE(n, 0)
#define KILLED(s) W_EXITCODE(0, s)

static struct corral_result with_status(int wstatus)
{
	return (struct corral_result){.have_wstatus = true, .wstatus = wstatus};
}

static void test_exited(void **state)
{
	struct corral_result r = with_status(EXITED(0));
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_EXITED);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.signal, 0);
	r = with_status(EXITED(7));
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_EXITED);
	assert_int_equal(r.exit_code, 7);
}

static void test_signaled(void **state)
{
	struct corral_result r = with_status(KILLED(SIGSEGV));
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_SIGNALED);
	assert_int_equal(r.exit_code, 128 + SIGSEGV);
	assert_int_equal(r.signal, SIGSEGV);
	/* A SIGKILL with no OOM kill counted is a plain signal. */
	r = with_status(KILLED(SIGKILL));
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_SIGNALED);
	assert_int_equal(r.exit_code, 137);
}

static void test_oom(void **state)
{
	struct corral_result r = with_status(KILLED(SIGKILL));
	r.oom_kills = 1;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_OOM);
	assert_int_equal(r.exit_code, 137);
	assert_int_equal(r.signal, SIGKILL);
	/* A child killed at the limit, and the command failed because of it. */
	r = with_status(EXITED(1));
	r.oom_kills = 2;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_OOM);
	assert_int_equal(r.exit_code, 137);
	assert_int_equal(r.signal, 0);
	/* The command survived a child's OOM kill and succeeded: exited. */
	r = with_status(EXITED(0));
	r.oom_kills = 1;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_EXITED);
	/* Another signal is not the OOM killer's. */
	r = with_status(KILLED(SIGTERM));
	r.oom_kills = 1;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_SIGNALED);
}

static void test_timeout(void **state)
{
	struct corral_result r = with_status(KILLED(SIGTERM));
	r.timed_out = true;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_TIMEOUT);
	assert_int_equal(r.exit_code, 124);
	assert_int_equal(r.signal, SIGTERM);
	/* After the grace: SIGKILL, still a timeout, even with an OOM count. */
	r = with_status(KILLED(SIGKILL));
	r.timed_out = true;
	r.oom_kills = 1;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_TIMEOUT);
	assert_int_equal(r.exit_code, 124);
	/* A command that exits 0 on SIGTERM still ran out of time. */
	r = with_status(EXITED(0));
	r.timed_out = true;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_TIMEOUT);
}

static void test_output_limit(void **state)
{
	/* Killed past the limit: its own verdict, 128 + SIGXFSZ, even with
	 * an OOM count; the signal is corral's SIGKILL. */
	struct corral_result r = with_status(KILLED(SIGKILL));
	r.output_limited = true;
	r.oom_kills = 1;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_OUTPUT_LIMIT);
	assert_int_equal(r.exit_code, 153);
	assert_int_equal(r.signal, SIGKILL);
	assert_string_equal(report_status_name(r.status), "output_limit");
	const char *hit[8];
	assert_int_equal(report_limits_hit(&r, hit), 1);
	assert_string_equal(hit[0], "output-limit");
	/* Past the limit just before it exited 0: still over it. */
	r = with_status(EXITED(0));
	r.output_limited = true;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_OUTPUT_LIMIT);
	/* A time limit that fired first keeps its verdict. */
	r = with_status(KILLED(SIGKILL));
	r.timed_out = true;
	r.output_limited = true;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_TIMEOUT);
}

static void test_seccomp(void **state)
{
	struct corral_result r = with_status(KILLED(SIGSYS));
	r.seccomp_kill = true;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_SECCOMP);
	assert_int_equal(r.exit_code, 159);
	assert_int_equal(r.signal, SIGSYS);
	/* SIGSYS from kill(2), with a filter that does not kill. */
	r = with_status(KILLED(SIGSYS));
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_SIGNALED);
	assert_int_equal(r.exit_code, 159);
	/* OOM before seccomp: a kill filter does not explain a SIGKILL. */
	r = with_status(KILLED(SIGKILL));
	r.seccomp_kill = true;
	r.oom_kills = 1;
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_OOM);
}

static void test_error(void **state)
{
	/* corral's own error wins over everything, and has no signal. */
	struct corral_result r = with_status(KILLED(SIGKILL));
	r.error_code = 127;
	r.timed_out = true;
	r.oom_kills = 1;
	snprintf(r.error, sizeof(r.error), "x: command not found");
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_ERROR);
	assert_int_equal(r.exit_code, 127);
	assert_int_equal(r.signal, 0);
	assert_string_equal(r.error, "x: command not found");
	/* No status at all: an error with a message, never "exited 0". */
	r = (struct corral_result){0};
	report_verdict(&r);
	assert_int_equal(r.status, CORRAL_ERROR);
	assert_int_equal(r.exit_code, 125);
	assert_true(r.error[0] != '\0');
}

static void test_evidence(void **state)
{
	struct corral_spec spec;
	struct corral_error e = {0};
	assert_int_equal(option_defaults(&spec, &e), 0);
	struct corral_result r = {0};
	report_evidence(&spec, &r); /* errno:EPERM */
	assert_false(r.seccomp_kill);
	assert_int_equal(option_apply(&spec, option_find("seccomp-action"), "kill", &e), 0);
	report_evidence(&spec, &r);
	assert_true(r.seccomp_kill);
	r.seccomp_kill = false;
	assert_int_equal(option_apply(&spec, option_find("seccomp-action"), "trap", &e), 0);
	report_evidence(&spec, &r);
	assert_true(r.seccomp_kill);
	r.seccomp_kill = false;
	assert_int_equal(option_apply(&spec, option_find("seccomp-action"), "log", &e), 0);
	report_evidence(&spec, &r);
	assert_false(r.seccomp_kill);
	assert_int_equal(option_apply(&spec, option_find("seccomp-action"), "kill", &e), 0);
	assert_int_equal(option_apply(&spec, option_find("seccomp"), "no", &e), 0);
	report_evidence(&spec, &r);
	assert_false(r.seccomp_kill);
	option_spec_free(&spec);
}

/* report_json_string's output for s. */
static char *json(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_json_string(f, s);
	fclose(f);
	return buf;
}

#define assert_json(in, out)                           \
	do {                                           \
		char *got = json(in);                  \
		assert_string_equal(got, "\"" out "\""); \
		free(got);                             \
	} while (0)

#define FFFD "\xEF\xBF\xBD"

static void test_json_escapes(void **state)
{
	assert_json("", "");
	assert_json("plain text 123", "plain text 123");
	assert_json("say \"hi\"", "say \\\"hi\\\"");
	assert_json("C:\\path\\", "C:\\\\path\\\\");
	assert_json("a\nb\tc\rd\be\ff", "a\\nb\\tc\\rd\\be\\ff");
	assert_json("\x01\x1f\x7f", "\\u0001\\u001f\\u007f");
	assert_json("/slash/ 'single'", "/slash/ 'single'");
}

static void test_json_utf8(void **state)
{
	/* Valid UTF-8 is kept byte for byte: 2, 3 and 4 byte sequences, and
	 * the edges of the ranges. */
	assert_json("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	assert_json("\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xF4\x8F\xBF\xBF",
		    "\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xF4\x8F\xBF\xBF");
	/* Stray and impossible bytes: one U+FFFD each. */
	assert_json("a\x80z", "a" FFFD "z");
	assert_json("\xFF\xFE", FFFD FFFD);
	assert_json("\xC0\xAF", FFFD FFFD);         /* overlong '/' */
	assert_json("\xE0\x80\xAF", FFFD FFFD FFFD); /* overlong, 3 bytes */
	assert_json("\xED\xA0\x80", FFFD FFFD FFFD); /* a surrogate */
	assert_json("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	/* A truncated sequence is one maximal subpart: one U+FFFD. */
	assert_json("\xE2\x82", FFFD);
	assert_json("\xE2\x82z", FFFD "z");
	assert_json("\xF0\x9F\x98", FFFD);
	assert_json("\xF0\x9F\x98\"", FFFD "\\\"");
	assert_json("\xC3", FFFD);
	/* Every byte 0x80-0xff alone, between ASCII: never passed through raw. */
	for (int c = 0x80; c <= 0xff; c++) {
		char in[4] = {'<', (char)c, '>', 0};
		char *got = json(in);
		assert_string_equal(got, "\"<" FFFD ">\"");
		free(got);
	}
}

static char *report_of(const struct corral_spec *spec, const struct corral_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_json(f, spec, r);
	fclose(f);
	return buf;
}

static void test_json_report(void **state)
{
	struct corral_spec spec;
	struct corral_error e = {0};
	assert_int_equal(option_defaults(&spec, &e), 0);
	char *argv[] = {"sh", "-c", "echo \"x\"", NULL};
	spec.argv = argv;
	spec.argc = 3;
	strv_push(&spec.profiles, "default");

	/* Set-up failed before anything ran: usage unknown is null, not 0. */
	struct corral_result r = {.error_code = 125, .wall_ms = 1.25};
	snprintf(r.error, sizeof(r.error), "clone: \"quoted\"");
	report_verdict(&r);
	char *j = report_of(&spec, &r);
	assert_non_null(strstr(j, "{\"version\": 3, \"command\": [\"sh\", \"-c\", \"echo \\\"x\\\"\"], "
				  "\"profiles\": [\"default\"], \"status\": \"error\", \"exit_code\": 125, "
				  "\"signal\": null, \"wall_time_ms\": 1.2"));
	assert_non_null(strstr(j, "\"cpu_user_ms\": null, \"cpu_system_ms\": null, "
				  "\"memory_peak_bytes\": null, \"pids_peak\": null, "
				  "\"oom_kills\": null, \"pids_refused\": null, "
				  "\"cpu_throttled_periods\": null, \"cpu_throttled_ms\": null, "
				  "\"output_bytes\": null, "
				  "\"limits\": {\"memory_bytes\": null, \"cpus\": null, \"pids\": null, "
				  "\"time_ms\": null, \"cpu_time_ms\": null, \"output_bytes\": null}, \"limits_hit\": [], \"seccomp\": {\"action\": \"errno:EPERM\", "
				  "\"violations\": [], \"violations_unlisted\": 0, \"killed_syscall\": null}, "
				  "\"error\": \"clone: \\\"quoted\\\"\"}\n"));
	free(j);

	/* A run: the cgroup's figures win over rusage; limits as set. */
	option_apply(&spec, option_find("memory"), "64M", &e);
	option_apply(&spec, option_find("cpus"), "0.5", &e);
	option_apply(&spec, option_find("pids"), "64", &e);
	option_apply(&spec, option_find("time-limit"), "1500ms", &e);
	option_apply(&spec, option_find("seccomp"), "no", &e);
	r = with_status(KILLED(SIGKILL));
	r.have_oom_kills = true;
	r.oom_kills = 1;
	r.have_pids_refused = true;
	r.pids_refused = 0;
	r.have_cpu_throttled = true;
	r.cpu_throttled_periods = 2;
	r.cpu_throttled_ms = 12.5;
	r.wall_ms = 412.74;
	r.have_rusage = true;
	r.rusage.ru_utime.tv_usec = 1000;
	r.rusage.ru_maxrss = 1024;
	r.have_cgroup_cpu = true;
	r.cgroup_cpu_user_ms = 380;
	r.cgroup_cpu_system_ms = 21.5;
	r.have_memory_peak = true;
	r.memory_peak_bytes = 67108864;
	r.have_pids_peak = true;
	r.pids_peak = 3;
	snprintf(r.violations[0].syscall, sizeof(r.violations[0].syscall), "mkdir");
	r.violations[0].count = 3;
	r.n_violations = 1;
	report_verdict(&r);
	j = report_of(&spec, &r);
	assert_non_null(strstr(j, "\"status\": \"oom\", \"exit_code\": 137, \"signal\": \"SIGKILL\", "
				  "\"wall_time_ms\": 412.7, \"cpu_user_ms\": 380.0, \"cpu_system_ms\": 21.5, "
				  "\"memory_peak_bytes\": 67108864, \"pids_peak\": 3, "
				  "\"oom_kills\": 1, \"pids_refused\": 0, "
				  "\"cpu_throttled_periods\": 2, \"cpu_throttled_ms\": 12.5, "
				  "\"output_bytes\": null, "
				  "\"limits\": {\"memory_bytes\": 67108864, \"cpus\": 0.5, \"pids\": 64, "
				  "\"time_ms\": 1500, \"cpu_time_ms\": null, \"output_bytes\": null}, \"limits_hit\": [\"memory\", \"cpus\"], \"seccomp\": {\"action\": null, "
				  "\"violations\": [{\"syscall\": \"mkdir\", \"count\": 3}], "
				  "\"violations_unlisted\": 0, \"killed_syscall\": null}, \"error\": null}\n"));
	free(j);

	/* The -v line of the issue. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	r.wall_ms = 410;
	r.cgroup_cpu_system_ms = 0;
	report_summary(f, &spec, &r);
	fclose(f);
	assert_string_equal(buf, "corral: oom: killed at memory limit 64 MiB after 0.41 s "
				 "(peak 64.0 MiB, cpu 0.38 s)\n");
	free(buf);

	/* Without a cgroup: rusage, ru_maxrss in KiB. */
	r.have_cgroup_cpu = r.have_memory_peak = false;
	uint64_t peak;
	double user, sys;
	assert_true(report_memory_peak(&r, &peak));
	assert_int_equal(peak, 1024 * 1024);
	assert_true(report_cpu_ms(&r, &user, &sys));
	assert_true(user == 1.0 && sys == 0.0);
	option_spec_free(&spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exited),       cmocka_unit_test(test_signaled),
		cmocka_unit_test(test_oom),          cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_seccomp),      cmocka_unit_test(test_error),
		cmocka_unit_test(test_evidence),     cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_utf8),    cmocka_unit_test(test_json_report),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}

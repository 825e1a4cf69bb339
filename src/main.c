/* main.c: parse, resolve profiles, validate, run, exit status. Only main
 * exits; everything else returns errors to here. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "join.h"
#include "learn.h"
#include "log.h"
#include "mountplan.h"
#include "net.h"
#include "mounts.h"
#include "notify.h"
#include "options.h"
#include "profile.h"
#include "report.h"
#include "runtime.h"
#include "seccomp.h"
#include "supervisor.h"
#include "timeline.h"
#include "units.h"

#ifndef CORRAL_VERSION
#define CORRAL_VERSION "0.1"
#endif

#define EXIT_CORRAL 125

/* Cross-option checks, once everything is applied. */
static int validate(const struct corral_spec *spec, const struct option_cli *cli,
		    struct corral_error *e)
{
	if (!cli->check && spec->argc == 0)
		return corral_error_set(e, 0, "no command given (usage: corral [OPTION]... -- COMMAND)");
	if (mountplan_validate(spec, e) < 0 || net_validate(spec, e) < 0)
		return -1;
	if (spec->learn && (learn_validate(spec, e) < 0 || notify_check("--learn", e) < 0))
		return -1;
	if (spec->seccomp_log && spec->seccomp && !spec->learn) {
		int err;
		if (seccomp_filter_notify_answer(spec, &err) == -ENOTSUP)
			return corral_error_set(e, 0, "seccomp-log: the action '%s' has no answer from "
						"the supervisor (use errno, kill or log)",
						spec->seccomp_action);
		if (notify_check("seccomp-log", e) < 0)
			return -1;
	}
	return cgroup_validate(spec, e);
}

/* --list and --join: the caller's running sandboxes, read from their
 * records (runtime.c); no profile is read. The exit status, or -1 with e
 * set. */
static int runs(int argc, char **argv, struct corral_spec *spec, struct option_cli *cli,
		struct corral_error *e)
{
	if (option_parse(argc, argv, OPTION_PASS_APPLY, spec, cli, e) < 0)
		return -1;
	const char *what = cli->list ? "--list" : "--join";
	if (cli->list && spec->join != CORRAL_UNSET)
		return corral_error_set(e, 0, "--list and --join: one at a time");
	if (spec->profiles.n || cli->sandbox_option || cli->check)
		return corral_error_set(e, 0, "%s takes no %s%s: the sandbox's own configuration "
					      "applies", what,
					cli->check ? "--check" : spec->profiles.n ? "--profile" : "--",
					cli->check || spec->profiles.n ? "" : cli->sandbox_option);
	if (cli->list) {
		if (spec->argc > 0)
			return corral_error_set(e, 0, "--list takes no command");
		return runtime_list(stdout, spec->report_format == CORRAL_REPORT_JSON, e) < 0 ? -1 : 0;
	}
	if (spec->argc == 0)
		return corral_error_set(e, 0, "--join %llu: no command given (usage: corral --join PID "
					      "-- COMMAND)", (unsigned long long)spec->join);
	int status;
	if (join_run((pid_t)spec->join, spec->argv, &status, e) < 0)
		return -1;
	return status;
}

int main(int argc, char **argv)
{
	struct corral_error e = {0};
	struct corral_spec spec;
	struct option_cli cli = {0};
	_cleanup_strv_ struct strv profiles = {0};
	int code = EXIT_CORRAL;

	timeline_start();
	prefault_stack(64 * 1024);

	/* Nothing here is designed to run setuid: refuse rather than guess. */
	if (getuid() != geteuid() || getgid() != getegid()) {
		log_error("corral must not be installed setuid or setgid; refusing to run");
		return EXIT_CORRAL;
	}

	if (option_defaults(&spec, &e) < 0)
		goto fail;
	/* Pass 1: profiles and actions. Then profiles. Then pass 2: every
	 * other option, left to right, so the command line wins. */
	if (option_parse(argc, argv, OPTION_PASS_FIRST, &spec, &cli, &e) < 0)
		goto fail;
	log_set_verbosity(cli.verbosity);
	if (cli.help) {
		option_print_help(stdout, "corral");
		code = 0;
		goto out;
	}
	if (cli.version) {
		printf("corral %s\n", CORRAL_VERSION);
		code = 0;
		goto out;
	}
	if (cli.list_profiles) {
		code = profile_list(stdout, &e) < 0 ? EXIT_CORRAL : 0;
		if (code)
			goto fail;
		goto out;
	}
	if (cli.list || spec.join != CORRAL_UNSET) {
		code = runs(argc, argv, &spec, &cli, &e);
		if (code < 0)
			goto fail;
		goto out;
	}
	int r = strv_copy(&profiles, &spec.profiles);
	if (r == 0 && profiles.n == 0)
		r = strv_push(&profiles, "default");
	if (r < 0) {
		corral_error_set(&e, -r, "profile");
		goto fail;
	}
	for (size_t i = 0; i < profiles.n; i++)
		if (profile_load(&spec, profiles.v[i], &e) < 0)
			goto fail;
	/* A profile cannot name profiles; keep what the command line said. */
	strv_clear(&spec.profiles);
	r = strv_copy(&spec.profiles, &profiles);
	if (r < 0) {
		corral_error_set(&e, -r, "profile");
		goto fail;
	}
	if (option_parse(argc, argv, OPTION_PASS_APPLY, &spec, &cli, &e) < 0 ||
	    validate(&spec, &cli, &e) < 0)
		goto fail;

	if (cli.check) {
		if (option_check_spec_text(&spec, &e) < 0) {
			corral_error_prefix(&e, "--check");
			goto fail;
		}
		printf("# corral --check: the resolved configuration\n# profiles:");
		for (size_t i = 0; i < profiles.n; i++)
			printf(" %s", profiles.v[i]);
		printf("\n");
		option_print_spec(stdout, &spec);
		code = 0;
		goto out;
	}

	/* From here on every run ends with a report, also when set-up fails or
	 * corral is told to stop: the supervisor relays SIGTERM and SIGINT to
	 * the sandbox, and until it takes them (and after) they wait here
	 * rather than kill us with the report unwritten. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) < 0) {
		corral_error_set(&e, errno, "block SIGTERM, SIGINT, SIGHUP and SIGPIPE");
		goto fail;
	}
	struct report_sink report = {0};
	if (report_open(&spec, &report, &e) < 0)
		goto fail;

	if (log_verbosity() >= CORRAL_VERBOSE)
		report_start(stderr, &spec);
	struct corral_result res = {0};
	double t0 = now_ms();
	/* The first error is the cause: one the sandbox sent (res.error)
	 * stays when the supervisor fails after it. */
	if (supervisor_run(&spec, &res, &e) < 0 && !res.error_code) {
		res.error_code = EXIT_CORRAL;
		snprintf(res.error, sizeof(res.error), "%s", e.msg);
	}
	if (res.wall_ms == 0) /* set-up failed before the supervisor timed it */
		res.wall_ms = now_ms() - t0;
	report_evidence(&spec, &res);
	report_verdict(&res);
	if (res.status == CORRAL_ERROR) {
		char hint[PATH_MAX + 128] = "";
		if (res.exit_code == 127)
			mounts_not_found_hint(&spec, spec.argv[0], hint, sizeof(hint));
		log_error("%s%s", res.error, hint);
	}
	/* Under -v the summary line says why it ended; once is enough. An
	 * error has said so above, hint and all: no summary repeats it. */
	bool summary = log_verbosity() >= CORRAL_VERBOSE && res.status != CORRAL_ERROR;
	if (res.status == CORRAL_OOM && !summary) {
		char size[32];
		units_human_size(spec.memory, size, sizeof(size));
		log_warn("out of memory: the command was killed at the memory limit (%s)", size);
	}
	if (res.status == CORRAL_SECCOMP && res.seccomp_killed[0] && !summary)
		log_warn("seccomp: the command was killed for calling %s, which the filter denies",
			 res.seccomp_killed);
	if (summary)
		report_summary(stderr, &spec, &res);
	code = res.exit_code;
	if (spec.learn && res.status != CORRAL_ERROR) {
		if (learn_write(&spec, &res.learned, &e) < 0) {
			log_error("%s", e.msg);
			code = EXIT_CORRAL;
		} else {
			log_note("learn: wrote %s, a profile allowing the %zu syscalls the command "
				 "made (use it with --profile %s%s)",
				 spec.learn, res.learned.n, strchr(spec.learn, '/') ? "" : "./",
				 spec.learn);
		}
	}
	strv_clear(&res.learned);
	if (report_write(&report, &spec, &res, &e) < 0) {
		log_error("%s", e.msg);
		code = EXIT_CORRAL;
	}
	timeline_print();
	goto out;

fail:
	log_error("%s", e.msg);
	code = EXIT_CORRAL;
out:
	option_spec_free(&spec);
	return code;
}

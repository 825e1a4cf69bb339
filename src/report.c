/* report.c: the verdict and the report. */
#include "report.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "units.h"

const char *report_status_name(enum corral_status s)
{
	static const char *names[] = {
		[CORRAL_EXITED] = "exited", [CORRAL_SIGNALED] = "signaled",
		[CORRAL_OOM] = "oom",       [CORRAL_TIMEOUT] = "timeout",
		[CORRAL_SECCOMP] = "seccomp", [CORRAL_ERROR] = "error",
	};
	return names[s];
}

void report_verdict(struct corral_result *r)
{
	int sig = 0;
	if (r->have_wstatus && WIFSIGNALED(r->wstatus))
		sig = WTERMSIG(r->wstatus);
	r->signal = sig;

	if (r->error_code) {
		r->status = CORRAL_ERROR;
		r->exit_code = r->error_code;
		r->signal = 0;
	} else if (r->timed_out) {
		r->status = CORRAL_TIMEOUT;
		r->exit_code = 124;
	} else if (sig == SIGKILL && r->oom_kills > 0) {
		r->status = CORRAL_OOM;
		r->exit_code = 137;
	} else if (sig == SIGSYS && r->seccomp_kill) {
		r->status = CORRAL_SECCOMP;
		r->exit_code = 128 + SIGSYS;
	} else if (sig) {
		r->status = CORRAL_SIGNALED;
		r->exit_code = 128 + sig;
	} else if (r->have_wstatus && WIFEXITED(r->wstatus)) {
		r->status = CORRAL_EXITED;
		r->exit_code = WEXITSTATUS(r->wstatus);
	} else {
		r->status = CORRAL_ERROR;
		r->exit_code = 125;
		if (!r->error[0])
			snprintf(r->error, sizeof(r->error), "the sandbox ended without a status");
	}
}

void report_summary(FILE *out, const struct corral_spec *spec, const struct corral_result *r)
{
	(void)spec;
	char what[256];
	const char *sig = units_signal_name(r->signal);
	switch (r->status) {
	case CORRAL_EXITED:
		snprintf(what, sizeof(what), "status %d", r->exit_code);
		break;
	case CORRAL_SIGNALED:
		snprintf(what, sizeof(what), "killed by %s", sig ? sig : "a signal");
		break;
	case CORRAL_OOM:
		snprintf(what, sizeof(what), "killed at the memory limit");
		break;
	case CORRAL_TIMEOUT:
		snprintf(what, sizeof(what), "ended at the time limit");
		break;
	case CORRAL_SECCOMP:
		snprintf(what, sizeof(what), "killed by the seccomp filter");
		break;
	case CORRAL_ERROR:
		snprintf(what, sizeof(what), "%s", r->error);
		break;
	}
	double cpu = r->have_rusage ? (double)(r->rusage.ru_utime.tv_sec + r->rusage.ru_stime.tv_sec) +
					      (double)(r->rusage.ru_utime.tv_usec + r->rusage.ru_stime.tv_usec) / 1e6
				    : 0;
	fprintf(out, "corral: %s: %s after %.2f s (cpu %.2f s, init reaped %u)\n",
		report_status_name(r->status), what, r->wall_ms / 1000, cpu, r->reaped);
}

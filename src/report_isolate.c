/* report_isolate.c: --report-format isolate, the meta file of isolate(1)
 * (ioi/isolate, META-FILES), so that a system built on isolate can read
 * corral's verdict by changing a command line. Lines "key:value"; a key
 * that does not apply is left out, as isolate does.
 *
 *   time            CPU time, user + system, of the whole sandbox, seconds
 *                   with three decimals (isolate --cg-timing: the cgroup's)
 *   time-wall       wall-clock time, seconds
 *   max-rss         ru_maxrss of wait4, KiB (the largest single process)
 *   csw-voluntary, csw-forced
 *                   context switches, from the same rusage
 *   cg-enabled      1 when the run had a cgroup
 *   cg-mem          the cgroup's memory peak, KiB
 *   cg-oom-killed   1 when the OOM killer killed any process in the cgroup,
 *                   the command or another (oom_kills > 0)
 *   exitcode        the command's exit status, when it exited
 *   exitsig         the signal that ended it (SIGKILL for corral's kills)
 *   killed          1 when corral ended it: either time limit, output-limit
 *   status          RE exited non-zero; SG signaled, oom, seccomp; TO
 *                   timeout or cpu_timeout; XX corral's own error; none
 *                   when the command exited 0 (as isolate). output_limit
 *                   is SG with exitsig:25 (SIGXFSZ) and killed:1: isolate
 *                   has no output verdict, and what a judge on isolate sees
 *                   for a program over --fsize is that signal (corral's
 *                   exit status is 153, 128 + SIGXFSZ, too); its message is
 *                   "Output limit exceeded"
 *   message         isolate's wording: "Time limit exceeded", "Time limit
 *                   exceeded (wall clock)", "Exited with error status N",
 *                   "Caught fatal signal N"; corral's error message for XX
 */
#include "report.h"

#include <signal.h>
#include <string.h>

static void meta_seconds(FILE *out, const char *key, double ms)
{
	/* isolate prints %d.%03d of milliseconds. */
	unsigned long long m = (unsigned long long)(ms + 0.5);
	fprintf(out, "%s:%llu.%03llu\n", key, m / 1000, m % 1000);
}

void report_isolate(FILE *out, const struct corral_spec *spec, const struct corral_result *r)
{
	(void)spec;
	double user, sys;
	if (report_cpu_ms(r, &user, &sys))
		meta_seconds(out, "time", user + sys);
	meta_seconds(out, "time-wall", r->wall_ms);
	if (r->have_rusage) {
		fprintf(out, "max-rss:%ld\n", r->rusage.ru_maxrss);
		fprintf(out, "csw-voluntary:%ld\n", r->rusage.ru_nvcsw);
		fprintf(out, "csw-forced:%ld\n", r->rusage.ru_nivcsw);
	}
	bool cg = r->have_cgroup_cpu || r->have_memory_peak || r->have_pids_peak;
	if (cg)
		fputs("cg-enabled:1\n", out);
	if (r->have_memory_peak)
		fprintf(out, "cg-mem:%llu\n", (unsigned long long)(r->memory_peak_bytes / 1024));
	if (r->have_oom_kills && r->oom_kills > 0)
		fputs("cg-oom-killed:1\n", out);

	switch (r->status) {
	case CORRAL_EXITED:
		fprintf(out, "exitcode:%d\n", r->exit_code);
		if (r->exit_code != 0)
			fprintf(out, "status:RE\nmessage:Exited with error status %d\n", r->exit_code);
		break;
	case CORRAL_SIGNALED:
	case CORRAL_OOM:
	case CORRAL_SECCOMP:
		fprintf(out, "exitsig:%d\nstatus:SG\nmessage:Caught fatal signal %d\n", r->signal,
			r->signal);
		break;
	case CORRAL_TIMEOUT:
	case CORRAL_CPU_TIMEOUT:
		if (r->signal)
			fprintf(out, "exitsig:%d\n", r->signal);
		fprintf(out, "killed:1\nstatus:TO\nmessage:Time limit exceeded%s\n",
			r->status == CORRAL_TIMEOUT ? " (wall clock)" : "");
		break;
	case CORRAL_OUTPUT_LIMIT:
		fprintf(out, "exitsig:%d\nkilled:1\nstatus:SG\nmessage:Output limit exceeded\n",
			SIGXFSZ);
		break;
	case CORRAL_ERROR: {
		/* One line: a message never holds a newline in the meta file. */
		char msg[sizeof(r->error)];
		snprintf(msg, sizeof(msg), "%s", r->error);
		for (char *p = msg; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		fprintf(out, "status:XX\nmessage:%s\n", msg);
		break;
	}
	}
}

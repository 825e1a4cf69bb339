/* report.c: the verdict and the report, for people (one line, or text) and
 * for programs (JSON with stable keys, documented in corral(1)).
 *
 * The JSON keys, in this order, on one line ending in a newline:
 *   version            3 (2 added the counters and limits_hit, 3
 *                      output_bytes); bumped when a key is added or changes
 *                      meaning
 *   command            argv as given (invalid UTF-8 bytes become U+FFFD)
 *   profiles           the profiles named (or ["default"])
 *   status             exited|signaled|oom|timeout|cpu_timeout|output_limit|
 *                      seccomp|error
 *   exit_code          corral's own exit status
 *   signal             the signal that ended the command ("SIGKILL"), or null
 *   wall_time_ms       from the start of the run to the end of the sandbox
 *   cpu_user_ms, cpu_system_ms
 *                      the cgroup's when there is one, else wait4's rusage of
 *                      init (every process it reaped); null if nothing ran
 *   memory_peak_bytes  the cgroup's peak; without a cgroup, ru_maxrss: the
 *                      largest single process, not the sum; null if unknown
 *   pids_peak          the cgroup's; null without one
 *   oom_kills          processes the OOM killer killed in the cgroup (the
 *                      command or any other); null without a memory limit
 *   pids_refused       forks the pids limit refused; null without one
 *   cpu_throttled_periods, cpu_throttled_ms
 *                      periods in which the cpus quota ran out, and the time
 *                      spent throttled; null without a cpus limit
 *   output_bytes       with output-limit: the bytes of stdout and stderr
 *                      together that corral relayed (at most the limit);
 *                      null without the limit
 *   limits             {memory_bytes, cpus, pids, time_ms, cpu_time_ms,
 *                      output_bytes}, each null if unset
 *                      or not in force (cgroup = auto without a cgroup)
 *   limits_hit         the option names of the limits that bit, from the
 *                      counters above and the verdict: "memory", "pids",
 *                      "cpus", "time-limit", "cpu-time-limit", "output-limit";
 *                      [] when none did
 *   seccomp            {action (null when off), violations: [{syscall, count}],
 *                      violations_unlisted (calls of syscalls beyond the list),
 *                      killed_syscall (seccomp-log's kill: the call, else null)}
 *   error              the message when status is error, else null
 * A figure that cannot be known is null, never 0. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "units.h"

const char *report_status_name(enum corral_status s)
{
	static const char *names[] = {
		[CORRAL_EXITED] = "exited", [CORRAL_SIGNALED] = "signaled",
		[CORRAL_OOM] = "oom",       [CORRAL_TIMEOUT] = "timeout",
		[CORRAL_CPU_TIMEOUT] = "cpu_timeout", [CORRAL_OUTPUT_LIMIT] = "output_limit",
		[CORRAL_SECCOMP] = "seccomp", [CORRAL_ERROR] = "error",
	};
	return names[s];
}

void report_evidence(const struct corral_spec *spec, struct corral_result *r)
{
	/* "kill" (and "kill-process") end the process with SIGSYS, as if by
	 * the signal (seccomp(2), SECCOMP_RET_KILL_PROCESS). "trap" sends a
	 * SIGSYS the command may handle; one it did not handle killed it just
	 * the same, so a death by SIGSYS is the filter's then too. errno and
	 * log let the command run. */
	const char *a = spec->seccomp_action;
	if (spec->seccomp && a && (strncmp(a, "kill", 4) == 0 || strcmp(a, "trap") == 0))
		r->seccomp_kill = true;
}

void report_verdict(struct corral_result *r)
{
	int sig = 0;
	if (r->have_wstatus && WIFSIGNALED(r->wstatus))
		sig = WTERMSIG(r->wstatus);
	bool failed = r->have_wstatus && WIFEXITED(r->wstatus) && WEXITSTATUS(r->wstatus) != 0;
	r->signal = sig;

	if (r->error_code) {
		r->status = CORRAL_ERROR;
		r->exit_code = r->error_code;
		r->signal = 0;
	} else if (r->timed_out) {
		r->status = CORRAL_TIMEOUT;
		r->exit_code = 124;
	} else if (r->cpu_timed_out) {
		/* 128 + SIGXCPU, the status of a process over RLIMIT_CPU; the
		 * signal corral sent is SIGKILL. */
		r->status = CORRAL_CPU_TIMEOUT;
		r->exit_code = 128 + SIGXCPU;
	} else if (r->output_limited) {
		/* 128 + SIGXFSZ, the status of a process over RLIMIT_FSIZE; the
		 * signal corral sent is SIGKILL. */
		r->status = CORRAL_OUTPUT_LIMIT;
		r->exit_code = 128 + SIGXFSZ;
	} else if (r->oom_kills > 0 && (sig == SIGKILL || failed)) {
		/* The OOM killer picks the largest process in the cgroup: when
		 * that is a child of the command (a shell's job, a worker), the
		 * command sees it die and fails; the cause is still the limit. */
		r->status = CORRAL_OOM;
		r->exit_code = 137;
	} else if ((sig == SIGSYS && r->seccomp_kill) ||
		   (r->seccomp_killed[0] && (sig == SIGKILL || failed))) {
		/* With seccomp-log the supervisor kills with SIGKILL (the
		 * kernel's own kill is SIGSYS); as with OOM, a killed child
		 * makes the command fail, and the cause is still the filter. */
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

static double tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

bool report_cpu_ms(const struct corral_result *r, double *user, double *system)
{
	if (r->have_cgroup_cpu) {
		*user = r->cgroup_cpu_user_ms;
		*system = r->cgroup_cpu_system_ms;
		return true;
	}
	if (r->have_rusage) {
		*user = tv_ms(r->rusage.ru_utime);
		*system = tv_ms(r->rusage.ru_stime);
		return true;
	}
	return false;
}

bool report_memory_peak(const struct corral_result *r, uint64_t *bytes)
{
	if (r->have_memory_peak) {
		*bytes = r->memory_peak_bytes;
		return true;
	}
	/* ru_maxrss is in KiB (getrusage(2)); 0 means nothing ran. */
	if (r->have_rusage && r->rusage.ru_maxrss > 0) {
		*bytes = (uint64_t)r->rusage.ru_maxrss * 1024;
		return true;
	}
	return false;
}

unsigned report_limits_hit(const struct corral_result *r, const char *names[8])
{
	unsigned n = 0;
	if (r->have_oom_kills && r->oom_kills > 0)
		names[n++] = "memory";
	if (r->have_pids_refused && r->pids_refused > 0)
		names[n++] = "pids";
	if (r->have_cpu_throttled && r->cpu_throttled_periods > 0)
		names[n++] = "cpus";
	if (r->timed_out)
		names[n++] = "time-limit";
	if (r->cpu_timed_out)
		names[n++] = "cpu-time-limit";
	if (r->output_limited)
		names[n++] = "output-limit";
	return n;
}

/* "SIGTERM", or "SIGRTMIN+3" for a real-time signal; false for none. */
static bool signal_text(int sig, char *buf, size_t size)
{
	const char *name = sig ? units_signal_name(sig) : NULL;
	if (name)
		snprintf(buf, size, "%s", name);
	else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
	else if (sig)
		snprintf(buf, size, "SIG%d", sig);
	return sig != 0;
}

/* Why it ended, in words: "killed at memory limit 64 MiB". */
static void describe(const struct corral_spec *spec, const struct corral_result *r, char *what,
		     size_t size)
{
	char sig[32], lim[64];
	signal_text(r->signal, sig, sizeof(sig));
	switch (r->status) {
	case CORRAL_EXITED:
		snprintf(what, size, "status %d", r->exit_code);
		break;
	case CORRAL_SIGNALED:
		snprintf(what, size, "killed by %s", sig);
		break;
	case CORRAL_OOM:
		if (spec->memory != CORRAL_UNSET) {
			units_human_size(spec->memory, lim, sizeof(lim));
			snprintf(what, size, "killed at memory limit %s", lim);
		} else {
			snprintf(what, size, "killed by the OOM killer");
		}
		break;
	case CORRAL_TIMEOUT:
		if (spec->time_limit != CORRAL_UNSET) {
			units_format_duration(spec->time_limit, lim, sizeof(lim));
			snprintf(what, size, "ended at time limit %s", lim);
		} else {
			snprintf(what, size, "ended at the time limit");
		}
		break;
	case CORRAL_CPU_TIMEOUT:
		units_format_duration(spec->cpu_time_limit, lim, sizeof(lim));
		snprintf(what, size, "killed at CPU-time limit %s", lim);
		break;
	case CORRAL_OUTPUT_LIMIT:
		units_human_size(spec->output_limit, lim, sizeof(lim));
		snprintf(what, size, "killed at output limit %s", lim);
		break;
	case CORRAL_SECCOMP:
		if (r->seccomp_killed[0])
			snprintf(what, size, "killed by the seccomp filter for calling %s",
				 r->seccomp_killed);
		else
			snprintf(what, size, "killed by the seccomp filter");
		break;
	case CORRAL_ERROR:
		snprintf(what, size, "%s", r->error);
		break;
	}
}

/* The limits set, in words ("memory 64 MiB, time limit 1s"), for the -v
 * start line and the text report: one list, so a new limit is in both.
 * cg: the cgroup's limits took effect (not skipped by cgroup = auto).
 * Empty when none is set. */
static void limits_text(const struct corral_spec *spec, bool cg, char *buf, size_t size)
{
	char v[64];
	size_t n = 0;
	buf[0] = '\0';
#define ADD(...) \
	(n += (size_t)snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
	if (cg && spec->memory != CORRAL_UNSET)
		ADD("%smemory %s", n ? ", " : "", (units_human_size(spec->memory, v, sizeof(v)), v));
	if (cg && spec->cpus > 0)
		ADD("%scpus %g", n ? ", " : "", spec->cpus);
	if (cg && spec->pids != CORRAL_UNSET)
		ADD("%spids %llu", n ? ", " : "", (unsigned long long)spec->pids);
	if (spec->time_limit != CORRAL_UNSET)
		ADD("%stime limit %s", n ? ", " : "",
		    (units_format_duration(spec->time_limit, v, sizeof(v)), v));
	if (cg && spec->cpu_time_limit != CORRAL_UNSET)
		ADD("%sCPU-time limit %s", n ? ", " : "",
		    (units_format_duration(spec->cpu_time_limit, v, sizeof(v)), v));
	if (spec->output_limit != CORRAL_UNSET)
		ADD("%soutput limit %s", n ? ", " : "",
		    (units_human_size(spec->output_limit, v, sizeof(v)), v));
#undef ADD
}

void report_start(FILE *out, const struct corral_spec *spec)
{
	char line[1024], v[512];
	size_t n = 0;
#define ADD(...) \
	(n += (size_t)snprintf(line + n, n < sizeof(line) ? sizeof(line) - n : 0, __VA_ARGS__))
	for (int i = 0; i < spec->argc && n < sizeof(line); i++)
		ADD("%s%s", i ? " " : "", spec->argv[i]);
	if (n > 60) /* a long command line is named, not quoted whole */
		n = (size_t)snprintf(line, sizeof(line), "%s ...", spec->argv[0]);
	ADD(" (profile");
	for (size_t i = 0; i < spec->profiles.n; i++)
		ADD("%s%s", i ? ", " : " ", spec->profiles.v[i]);
	if (spec->profiles.n == 0)
		ADD(" default");
	ADD("; net %s", spec->net == CORRAL_NET_HOST ? "host" : spec->net == CORRAL_NET_PASTA ? "pasta" : "none");
	limits_text(spec, true, v, sizeof(v));
	if (v[0])
		ADD(", %s", v);
	if (spec->seccomp_allow.n)
		ADD(", seccomp allowlist");
	else if (spec->seccomp && spec->seccomp_deny.n)
		ADD(", seccomp denylist");
	else if (!spec->seccomp)
		ADD(", no seccomp");
	ADD(")");
#undef ADD
	log_printable(line); /* the command's words may be a file's name */
	fprintf(out, "corral: running %s\n", line);
}

void report_summary(FILE *out, const struct corral_spec *spec, const struct corral_result *r)
{
	char what[1100], usage[160] = "", peak[32];
	describe(spec, r, what, sizeof(what));
	log_printable(what);

	uint64_t bytes;
	double user, sys;
	size_t n = 0;
	if (report_memory_peak(r, &bytes)) {
		units_human_size_prec(bytes, peak, sizeof(peak), true);
		n += (size_t)snprintf(usage + n, sizeof(usage) - n, "peak %s", peak);
	}
	if (report_cpu_ms(r, &user, &sys))
		n += (size_t)snprintf(usage + n, sizeof(usage) - n, "%scpu %.2f s", n ? ", " : "",
				      (user + sys) / 1e3);
	if (r->reaped)
		n += (size_t)snprintf(usage + n, sizeof(usage) - n, "%sinit reaped %u",
				      n ? ", " : "", r->reaped);
	fprintf(out, "corral: %s: %s after %.2f s%s%s%s\n", report_status_name(r->status), what,
		r->wall_ms / 1e3, n ? " (" : "", usage, n ? ")" : "");
}

/* The length of the valid UTF-8 sequence at s, or 0 with *skip set to the
 * length of the maximal invalid subpart to replace (Unicode 15, 3.9 and
 * table 3-7: no overlongs, no surrogates, nothing above U+10FFFF). A NUL
 * is never a continuation byte, so this never reads past the string. */
static size_t utf8_sequence(const unsigned char *s, size_t *skip)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		if (c == 0xED)
			hi = 0x9F; /* UTF-16 surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*skip = 1; /* 80..C1, F5..FF never start a sequence */
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi) {
			*skip = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return n;
}

void report_json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', out);
	while (*s) {
		size_t skip = 0, n = utf8_sequence(s, &skip);
		if (n == 0) {
			fputs("\xEF\xBF\xBD", out); /* U+FFFD */
			s += skip;
			continue;
		}
		if (n > 1) {
			fwrite(s, 1, n, out);
			s += n;
			continue;
		}
		unsigned char c = *s++;
		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void json_strv(FILE *out, char *const *v, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		report_json_string(out, v[i]);
	}
	fputc(']', out);
}

static void json_key(FILE *out, const char *key)
{
	fprintf(out, ", \"%s\": ", key);
}

static void json_ms(FILE *out, bool known, double ms)
{
	if (known)
		fprintf(out, "%.1f", ms);
	else
		fputs("null", out);
}

static void json_u64(FILE *out, bool known, uint64_t v)
{
	if (known)
		fprintf(out, "%llu", (unsigned long long)v);
	else
		fputs("null", out);
}

/* A limit in microseconds as milliseconds: whole when it is, null unset. */
static void json_usec_ms(FILE *out, uint64_t usec)
{
	if (usec == CORRAL_UNSET)
		fputs("null", out);
	else if (usec % 1000 == 0)
		fprintf(out, "%llu", (unsigned long long)(usec / 1000));
	else
		fprintf(out, "%.3f", (double)usec / 1e3);
}

void report_json(FILE *out, const struct corral_spec *spec, const struct corral_result *r)
{
	fprintf(out, "{\"version\": %d", CORRAL_REPORT_VERSION);
	json_key(out, "command");
	json_strv(out, spec->argv, spec->argv ? (size_t)spec->argc : 0);
	json_key(out, "profiles");
	json_strv(out, spec->profiles.v, spec->profiles.n);
	json_key(out, "status");
	report_json_string(out, report_status_name(r->status));
	json_key(out, "exit_code");
	fprintf(out, "%d", r->exit_code);
	json_key(out, "signal");
	char sig[32];
	if (signal_text(r->signal, sig, sizeof(sig)))
		report_json_string(out, sig);
	else
		fputs("null", out);

	double user = 0, sys = 0;
	bool cpu = report_cpu_ms(r, &user, &sys);
	uint64_t peak = 0;
	bool have_peak = report_memory_peak(r, &peak);
	json_key(out, "wall_time_ms");
	json_ms(out, true, r->wall_ms);
	json_key(out, "cpu_user_ms");
	json_ms(out, cpu, user);
	json_key(out, "cpu_system_ms");
	json_ms(out, cpu, sys);
	json_key(out, "memory_peak_bytes");
	json_u64(out, have_peak, peak);
	json_key(out, "pids_peak");
	json_u64(out, r->have_pids_peak, r->pids_peak);
	json_key(out, "oom_kills");
	json_u64(out, r->have_oom_kills, r->oom_kills);
	json_key(out, "pids_refused");
	json_u64(out, r->have_pids_refused, r->pids_refused);
	json_key(out, "cpu_throttled_periods");
	json_u64(out, r->have_cpu_throttled, r->cpu_throttled_periods);
	json_key(out, "cpu_throttled_ms");
	json_ms(out, r->have_cpu_throttled, r->cpu_throttled_ms);
	json_key(out, "output_bytes");
	json_u64(out, r->have_output_bytes, r->output_bytes);

	json_key(out, "limits");
	bool cg = !r->limits_skipped;
	fputs("{\"memory_bytes\": ", out);
	json_u64(out, cg && spec->memory != CORRAL_UNSET, spec->memory);
	fputs(", \"cpus\": ", out);
	if (cg && spec->cpus > 0)
		fprintf(out, "%g", spec->cpus);
	else
		fputs("null", out);
	fputs(", \"pids\": ", out);
	json_u64(out, cg && spec->pids != CORRAL_UNSET, spec->pids);
	fputs(", \"time_ms\": ", out);
	json_usec_ms(out, spec->time_limit);
	fputs(", \"cpu_time_ms\": ", out);
	json_usec_ms(out, cg ? spec->cpu_time_limit : CORRAL_UNSET);
	fputs(", \"output_bytes\": ", out);
	json_u64(out, spec->output_limit != CORRAL_UNSET, spec->output_limit);
	fputc('}', out);

	const char *hit[8];
	unsigned nhit = report_limits_hit(r, hit);
	json_key(out, "limits_hit");
	json_strv(out, (char *const *)hit, nhit);

	json_key(out, "seccomp");
	fputs("{\"action\": ", out);
	if (spec->seccomp && spec->seccomp_action)
		report_json_string(out, spec->seccomp_action);
	else
		fputs("null", out);
	fputs(", \"violations\": [", out);
	for (unsigned i = 0; i < r->n_violations && i < CORRAL_MAX_VIOLATIONS; i++) {
		fputs(i ? ", {\"syscall\": " : "{\"syscall\": ", out);
		report_json_string(out, r->violations[i].syscall);
		fprintf(out, ", \"count\": %llu}", (unsigned long long)r->violations[i].count);
	}
	fprintf(out, "], \"violations_unlisted\": %llu, \"killed_syscall\": ",
		(unsigned long long)r->violations_unlisted);
	if (r->seccomp_killed[0])
		report_json_string(out, r->seccomp_killed);
	else
		fputs("null", out);
	fputs("}", out);

	json_key(out, "error");
	if (r->status == CORRAL_ERROR)
		report_json_string(out, r->error);
	else
		fputs("null", out);
	fputs("}\n", out);
}

/* An argument as a shell would need it: bare, '...', or $'...' when it
 * holds a control character or bytes that are not UTF-8. */
static void text_word(FILE *out, const char *w)
{
	const unsigned char *s = (const unsigned char *)w;
	bool bare = *s != '\0', plain = true;
	for (const unsigned char *p = s; *p;) {
		size_t skip = 0, n = utf8_sequence(p, &skip);
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)))
			plain = false;
		if (n != 1 || !(strchr("@%+=:,./-_", *p) || (*p >= '0' && *p <= '9') ||
				 ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
			bare = false;
		p += n ? n : skip;
	}
	if (bare) {
		fputs(w, out);
		return;
	}
	if (plain) {
		fputc('\'', out);
		for (const char *p = w; *p; p++)
			fputs(*p == '\'' ? "'\\''" : (char[]){*p, 0}, out);
		fputc('\'', out);
		return;
	}
	fputs("$'", out);
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '\t')
			fputs("\\t", out);
		else if (*s == '\'' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s < 0x20 || *s >= 0x7f)
			fprintf(out, "\\x%02x", *s);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

void report_text(FILE *out, const struct corral_spec *spec, const struct corral_result *r)
{
	char buf[512];
	report_summary(out, spec, r);
	fprintf(out, "  status:       %s, exit code %d", report_status_name(r->status), r->exit_code);
	if (signal_text(r->signal, buf, sizeof(buf)))
		fprintf(out, ", signal %s", buf);
	fputs("\n  command:     ", out);
	for (int i = 0; spec->argv && i < spec->argc; i++) {
		fputc(' ', out);
		text_word(out, spec->argv[i]);
	}
	fputs("\n  profiles:    ", out);
	for (size_t i = 0; i < spec->profiles.n; i++) {
		fputc(' ', out);
		text_word(out, spec->profiles.v[i]);
	}
	fprintf(out, "\n  wall time:    %.1f ms\n", r->wall_ms);

	double user, sys;
	if (report_cpu_ms(r, &user, &sys))
		fprintf(out, "  cpu:          %.1f ms user, %.1f ms system%s\n", user, sys,
			r->have_cgroup_cpu ? "" : " (wait4)");
	else
		fputs("  cpu:          unknown\n", out);
	uint64_t peak;
	if (report_memory_peak(r, &peak)) {
		units_human_size_prec(peak, buf, sizeof(buf), true);
		fprintf(out, "  memory peak:  %s%s\n", buf,
			r->have_memory_peak ? "" : " (largest process, wait4)");
	} else {
		fputs("  memory peak:  unknown\n", out);
	}
	if (r->have_pids_peak)
		fprintf(out, "  pids peak:    %llu\n", (unsigned long long)r->pids_peak);
	else
		fputs("  pids peak:    unknown\n", out);
	if (r->have_oom_kills)
		fprintf(out, "  oom kills:    %llu\n", (unsigned long long)r->oom_kills);
	if (r->have_pids_refused)
		fprintf(out, "  forks refused: %llu\n", (unsigned long long)r->pids_refused);
	if (r->have_cpu_throttled)
		fprintf(out, "  throttled:    %llu periods, %.1f ms\n",
			(unsigned long long)r->cpu_throttled_periods, r->cpu_throttled_ms);
	if (r->have_output_bytes)
		fprintf(out, "  output:       %llu bytes\n", (unsigned long long)r->output_bytes);

	limits_text(spec, !r->limits_skipped, buf, sizeof(buf));
	fprintf(out, "  limits:       %s\n", buf[0] ? buf : "none");
	const char *hit[8];
	unsigned nhit = report_limits_hit(r, hit);
	fputs("  limits hit:  ", out);
	for (unsigned i = 0; i < nhit; i++)
		fprintf(out, "%s %s", i ? "," : "", hit[i]);
	fputs(nhit ? "\n" : " none\n", out);

	fputs("  seccomp:     ", out);
	if (spec->seccomp && spec->seccomp_action) {
		fputc(' ', out);
		text_word(out, spec->seccomp_action);
	} else {
		fputs(" off", out);
	}
	if (r->n_violations == 0)
		fputs(", no violations recorded", out);
	for (unsigned i = 0; i < r->n_violations && i < CORRAL_MAX_VIOLATIONS; i++)
		fprintf(out, "%s %s x%llu", i ? "," : ", violations:", r->violations[i].syscall,
			(unsigned long long)r->violations[i].count);
	if (r->violations_unlisted)
		fprintf(out, ", %llu more of other syscalls", (unsigned long long)r->violations_unlisted);
	if (r->seccomp_killed[0])
		fprintf(out, ", killed for %s", r->seccomp_killed);
	fputc('\n', out);
	if (r->status == CORRAL_ERROR)
		fprintf(out, "  error:        %s\n", r->error);
}

int report_open(const struct corral_spec *spec, struct report_sink *sink, struct corral_error *e)
{
	*sink = (struct report_sink){.path = spec->report};
	if (!spec->report || !spec->report[0])
		return 0;
	if (strcmp(spec->report, "-") == 0) {
		if (fcntl(STDOUT_FILENO, F_GETFL) < 0)
			return corral_error_set(e, errno, "--report -: standard output");
		sink->out = stdout;
		sink->is_stdout = true;
	} else if (outfile_prepare(&sink->file, spec->report, "--report", e) < 0) {
		/* Close-on-exec, and the command's set-up closes what is left:
		 * the sandbox never holds the report. */
		return -1;
	}
	sink->format = spec->report_format;
	if (sink->format == CORRAL_REPORT_AUTO)
		sink->format = sink->is_stdout && isatty(STDOUT_FILENO) ? CORRAL_REPORT_TEXT
								       : CORRAL_REPORT_JSON;
	return 0;
}

struct report_args {
	int format;
	const struct corral_spec *spec;
	const struct corral_result *r;
};

static int write_report(FILE *out, const void *arg)
{
	const struct report_args *a = arg;
	if (a->format == CORRAL_REPORT_TEXT)
		report_text(out, a->spec, a->r);
	else if (a->format == CORRAL_REPORT_ISOLATE)
		report_isolate(out, a->spec, a->r);
	else
		report_json(out, a->spec, a->r);
	return 0;
}

int report_write(struct report_sink *sink, const struct corral_spec *spec,
		 const struct corral_result *r, struct corral_error *e)
{
	struct report_args a = {.format = sink->format, .spec = spec, .r = r};
	if (!sink->out)
		/* A file: written now that every process of the sandbox is gone,
		 * and renamed over the path (outfile.c). */
		return outfile_commit(&sink->file, write_report, &a, "--report", e);
	FILE *out = steal_pointer(&sink->out);
	/* The command's output went straight to the same fd and the command
	 * is gone, so what follows comes after it; ours is all buffered here. */
	write_report(out, &a);
	if (fflush(out) != 0 || ferror(out))
		return corral_error_set(e, errno, "write the report to standard output");
	return 0;
}

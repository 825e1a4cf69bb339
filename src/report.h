/* report.h: the verdict (why the command ended) and the report. */
#pragma once

#include "outfile.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>

#include "log.h"
#include "spec.h"

enum corral_status {
	CORRAL_EXITED,
	CORRAL_SIGNALED,
	CORRAL_OOM,
	CORRAL_TIMEOUT,
	CORRAL_CPU_TIMEOUT,
	CORRAL_OUTPUT_LIMIT,
	CORRAL_SECCOMP,
	CORRAL_ERROR,
};

/* spec->report_format, in the order of options.def's "auto|json|text|isolate". */
enum corral_report_format {
	CORRAL_REPORT_AUTO,
	CORRAL_REPORT_JSON,
	CORRAL_REPORT_TEXT,
	CORRAL_REPORT_ISOLATE,
};

#define CORRAL_REPORT_VERSION 3
#define CORRAL_MAX_VIOLATIONS 16

/* The evidence the supervisor gathers; report_verdict turns it into status
 * and exit_code. */
struct corral_result {
	/* evidence */
	bool have_wstatus;
	int wstatus;            /* the command's, or init's when it never reported */
	bool timed_out;         /* the time limit fired while the command ran */
	bool cpu_timed_out;     /* the sandbox used up its CPU-time limit */
	bool output_limited;    /* the command wrote past output-limit */
	bool have_output_bytes; /* output-limit was on: output_bytes is known */
	uint64_t output_bytes;  /* what the relay passed on, stdout and stderr */
	uint64_t oom_kills;     /* from the cgroup; 0 when unknown */
	bool seccomp_kill;      /* the filter's action kills */
	int error_code;         /* 125/126/127 for corral's own errors, else 0 */
	char error[1024];
	unsigned reaped;        /* other processes init reaped */
	bool limits_skipped;    /* cgroup = auto ran without the cgroup limits */
	/* syscalls the filter denied, by name with how often, when the
	 * supervisor learns of them (seccomp-log: notify.c); the report lists
	 * the first CORRAL_MAX_VIOLATIONS distinct ones, and counts calls of
	 * any others in violations_unlisted */
	unsigned n_violations;
	struct corral_violation {
		char syscall[32];
		uint64_t count;
	} violations[CORRAL_MAX_VIOLATIONS];
	uint64_t violations_unlisted;
	/* seccomp-log with the kill action: the supervisor killed a process
	 * for calling this syscall ("" if not) */
	char seccomp_killed[32];
	/* --learn: the names of the syscalls the command used, sorted */
	struct strv learned;

	/* usage: from wait4 always; from the cgroup when there is one (the
	 * cgroup's figures win where both exist) */
	double wall_ms;
	bool have_rusage;
	struct rusage rusage;
	bool have_cgroup_cpu;
	double cgroup_cpu_user_ms, cgroup_cpu_system_ms;
	bool have_memory_peak;
	uint64_t memory_peak_bytes;
	bool have_pids_peak;
	uint64_t pids_peak;

	/* the cgroup's own counters of its limits biting, each read only where
	 * that limit is in force (else unknown, and null in the report) */
	bool have_oom_kills;      /* oom_kills (above) was read */
	bool have_pids_refused;
	uint64_t pids_refused;    /* forks the pids limit refused */
	bool have_cpu_throttled;
	uint64_t cpu_throttled_periods; /* periods in which the cpus quota ran out */
	double cpu_throttled_ms;  /* time spent throttled */

	/* the verdict */
	enum corral_status status;
	int exit_code;
	int signal;             /* 0 when none */
};

/* Evidence that comes from the configuration rather than the run: whether
 * the seccomp action kills. Call before report_verdict. */
void report_evidence(const struct corral_spec *spec, struct corral_result *r);
/* Decide status, exit_code and signal from the evidence, in a fixed
 * precedence: error > timeout > cpu_timeout > output_limit > oom > seccomp >
 * signaled > exited (only one of the limits corral enforces can fire: the
 * first kills). */
void report_verdict(struct corral_result *r);
const char *report_status_name(enum corral_status s);

/* Usage as the report gives it: the cgroup's figures where there are any,
 * else wait4's rusage of init (which includes every process it reaped).
 * Without a cgroup, the memory peak is ru_maxrss: the largest resident set
 * of any single process, not the sum. false when the figure is unknown. */
bool report_cpu_ms(const struct corral_result *r, double *user, double *system);
bool report_memory_peak(const struct corral_result *r, uint64_t *bytes);

/* The limits that bit, by their option names ("memory", "pids", "cpus",
 * "time-limit", "cpu-time-limit", "output-limit"), in that order: names[] gets at most 8; returns the count. */
unsigned report_limits_hit(const struct corral_result *r, const char *names[8]);

/* The one-line summary of -v, with a newline:
 * "corral: oom: killed at memory limit 64 MiB after 0.41 s (peak 64.0 MiB, cpu 0.38 s)". */
/* -v's first line: what will run, with which profiles and limits. */
void report_start(FILE *out, const struct corral_spec *spec);
void report_summary(FILE *out, const struct corral_spec *spec, const struct corral_result *r);

/* Where the report goes; opened before anything is started, so a bad path
 * is a plain error (125) with nothing created. */
struct report_sink {
	FILE *out;        /* standard output (--report -), else NULL */
	struct outfile file; /* any other FILE (outfile.c) */
	bool is_stdout;
	int format;       /* CORRAL_REPORT_JSON, _TEXT or _ISOLATE, resolved */
	const char *path; /* for messages */
};
int report_open(const struct corral_spec *spec, struct report_sink *sink, struct corral_error *e);
/* Write the report and close the sink (stdout is flushed, not closed). */
int report_write(struct report_sink *sink, const struct corral_spec *spec,
		 const struct corral_result *r, struct corral_error *e);

/* The report itself, for the sink and the unit tests. */
void report_json(FILE *out, const struct corral_spec *spec, const struct corral_result *r);
void report_text(FILE *out, const struct corral_spec *spec, const struct corral_result *r);
/* isolate(1)'s meta file (report_isolate.c, which documents the mapping). */
void report_isolate(FILE *out, const struct corral_spec *spec, const struct corral_result *r);
/* A JSON string literal for any NUL-terminated bytes: quotes, backslashes
 * and control characters escaped, valid UTF-8 kept, each maximal invalid
 * subsequence (as Unicode 15 3.9 defines it) replaced with U+FFFD. */
void report_json_string(FILE *out, const char *s);

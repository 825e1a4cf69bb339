/* report.h: the verdict (why the command ended) and the report. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>

#include "spec.h"

enum corral_status {
	CORRAL_EXITED,
	CORRAL_SIGNALED,
	CORRAL_OOM,
	CORRAL_TIMEOUT,
	CORRAL_SECCOMP,
	CORRAL_ERROR,
};

/* The evidence the supervisor gathers; report_verdict turns it into status
 * and exit_code. */
struct corral_result {
	/* evidence */
	bool have_wstatus;
	int wstatus;            /* the command's, or init's when it never reported */
	bool timed_out;         /* the time limit fired while the command ran */
	uint64_t oom_kills;     /* from the cgroup; 0 when unknown */
	bool seccomp_kill;      /* the filter's action kills */
	int error_code;         /* 125/126/127 for corral's own errors, else 0 */
	char error[1024];
	unsigned reaped;        /* other processes init reaped */

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

	/* the verdict */
	enum corral_status status;
	int exit_code;
	int signal;             /* 0 when none */
};

/* Decide status, exit_code and signal from the evidence, in a fixed
 * precedence: error > timeout > oom > seccomp > signaled > exited. */
void report_verdict(struct corral_result *r);
const char *report_status_name(enum corral_status s);
/* The one-line summary of -v: "corral: exited: status 0 after 0.01 s ...". */
void report_summary(FILE *out, const struct corral_spec *spec, const struct corral_result *r);

/* spec.h: struct corral_spec, the resolved configuration. Plain data: options
 * fill it, modules read it. Defaults come from options.def. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define CORRAL_UNSET UINT64_MAX

enum corral_net { CORRAL_NET_NONE, CORRAL_NET_HOST, CORRAL_NET_PASTA };
enum corral_tristate { CORRAL_AUTO, CORRAL_YES, CORRAL_NO };
enum corral_root { CORRAL_ROOT_TMPFS, CORRAL_ROOT_HOST };
enum corral_bind_cwd { CORRAL_BIND_CWD_NO, CORRAL_BIND_CWD_YES, CORRAL_BIND_CWD_RO };
enum corral_home { CORRAL_HOME_TMPFS, CORRAL_HOME_NO };
enum corral_cgroup_mode { CORRAL_CGROUP_REQUIRED, CORRAL_CGROUP_AUTO, CORRAL_CGROUP_OFF };

struct corral_spec {
	/* general */
	struct strv profiles; /* as named on the command line, in order */
	int none;             /* target of ARG_NONE rows; unused */
	uint64_t join;        /* --join PID: the supervisor's pid; CORRAL_UNSET: none */

	/* namespaces */
	int net;              /* enum corral_net */
	struct strv port;     /* net = pasta: "[HOST_ADDR:]HOST_PORT:SANDBOX_PORT[/udp]" */
	bool net_host_loopback; /* net = pasta: the gateway address reaches the host's loopback */
	char *hostname;
	struct strv share;
	int user_ns;          /* enum corral_tristate */
	uint64_t uid, gid;    /* CORRAL_UNSET: the caller's */

	/* process */
	struct strv setenv, unsetenv;
	bool clearenv;
	bool new_session;

	/* filesystem: mountplan.c turns these into the ordered mount list */
	int root;             /* enum corral_root */
	struct strv ro_bind, ro_bind_try, bind, bind_try; /* "SRC[:DST]" */
	struct strv overlay;  /* "SRC:DST[:UPPER]" */
	struct strv tmpfs;    /* "DST[:SIZE]" */
	struct strv dir;      /* "DST" */
	struct strv symlink;  /* "TARGET:DST" */
	struct strv proc, dev, sys; /* "DST" */
	struct strv mask;     /* "DST", applied last */
	uint64_t shm_size;    /* bytes of the dev mount's /dev/shm; CORRAL_UNSET: no size */
	int bind_cwd;         /* enum corral_bind_cwd */
	char *chdir;          /* NULL: the caller's cwd when visible inside, else / */
	int home;             /* enum corral_home: a tmpfs at the command's HOME */


	/* limits; CORRAL_UNSET (or 0 for cpus) means none */
	uint64_t memory;      /* bytes */
	double cpus;
	uint64_t pids;
	char *cpuset;
	struct strv rlimit;   /* "name=value", validated by units_parse_rlimit */
	int cgroup;           /* enum corral_cgroup_mode */
	char *cgroup_parent;
	uint64_t time_limit;  /* microseconds */
	uint64_t kill_grace;  /* microseconds */
	uint64_t cpu_time_limit; /* microseconds of CPU time, the cgroup's */
	uint64_t output_limit; /* bytes to stdout and stderr together (relay.c) */


	/* privilege */
	bool seccomp;
	struct strv seccomp_deny, seccomp_allow;
	char *seccomp_action;
	bool seccomp_log;     /* denied calls go to the supervisor (notify.c) */
	char *learn;          /* --learn FILE: observe every call, write a profile */
	bool learn_overwrite; /* --learn may replace an existing FILE */
	struct strv cap_keep;


	/* report */
	char *report;         /* FILE, "-" for stdout, NULL for none */
	int report_format;    /* enum corral_report_format (report.h) */


	/* the command */
	char **argv;          /* borrowed from main's argv */
	int argc;
};

/* runtime.h: the per-user runtime directory and its records of running
 * sandboxes (corral --list, corral --join). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "log.h"
#include "namespaces.h"
#include "spec.h"

struct corral_cgroup;
struct sock_fprog;

/* The caller's runtime directory, made 0700 if missing and used only when
 * reached without a symlink, owned by the caller and writable by nobody
 * else: root's is /run/corral (uid 0 of a user namespace, which cannot write
 * /run, goes on as another user); another user's $XDG_RUNTIME_DIR/corral
 * when that directory is the caller's and private, else /tmp/corral-UID (/tmp is
 * sticky: no one else can remove or rename it). Its path in out (when not
 * NULL) and an O_DIRECTORY fd, or -1 with e set. */
int runtime_dir_open(char *out, size_t size, struct corral_error *e);

/* Every place runtime_dir_open may take for this caller, in its order
 * (at most RUNTIME_PLACES): for checks that nothing a sandbox writes can
 * land in any of them (overlay.c). */
#define RUNTIME_PLACES 3
unsigned runtime_dir_places(char (*place)[PATH_MAX]);

/* One running sandbox, as its record holds it. */
struct runtime_record {
	pid_t supervisor;         /* corral's pid: what --list shows, --join takes */
	unsigned long long supervisor_start; /* /proc/PID/stat start time (ticks) */
	pid_t init;               /* init's pid as the host sees it */
	unsigned long long init_start;
	uid_t uid;                /* the caller's (real) uid */
	bool userns;              /* the sandbox has a user namespace of its own */
	bool learn;               /* a --learn run: every call goes to the supervisor */
	bool filter;              /* a seccomp filter: in SUPERVISOR.bpf */
	long long started;        /* seconds since the epoch */
	char profiles[256];       /* "default,build" */
	char limits[256];         /* "memory=512M pids=64", "" for none */
	struct strv argv;         /* the command (control characters as '?') */
	struct strv cgroups;      /* the run's cgroup directories, host paths */
	char *spec;               /* the resolved configuration, profile text */
	struct namespaces_id ns[NAMESPACES_KINDS]; /* the command's, as init forked it */
	unsigned ns_known;        /* bit i: ns[i] is in the record (all, or a filter: joinable) */
};

void runtime_record_free(struct runtime_record *r);

/* Start time of pid from /proc/PID/stat (field 22); 0 when it is gone. */
unsigned long long runtime_start_time(pid_t pid);

/* Write the record of this run (supervisor = getpid()) atomically: its
 * filter first, then the record under a temporary name renamed into place.
 * ns: the namespaces init forks the command into (namespaces_kinds'
 * order), or NULL: a run with a filter (which denies new namespaces) needs
 * none; --join refuses a run without a filter whose record names none.
 * Returns 0, or -1 with e set: the run goes on without (logged). */
int runtime_register(const struct corral_spec *spec, pid_t init, const struct corral_cgroup *cg,
		     const struct sock_fprog *filter, const struct namespaces_id *ns,
		     struct corral_error *e);
/* Remove this run's record; every way out of a run calls it. */
void runtime_unregister(void);

/* Read SUPERVISOR's record from the caller's directory. 1 when read and
 * alive; 0 when there is none; -ESTALE when it was stale (removed);
 * negative with e set on another error. */
int runtime_record_read(int dir, pid_t supervisor, struct runtime_record *r,
			struct corral_error *e);
/* The filter the record's command loaded, exactly. 0, or -1 with e set. */
int runtime_filter_read(int dir, pid_t supervisor, struct sock_fprog *prog,
			struct corral_error *e);

/* corral --list: the caller's running sandboxes, oldest first, as a table
 * or (json) one JSON document; stale records are removed on the way. */
int runtime_list(FILE *out, bool json, struct corral_error *e);

/* cgroup.h: the run's cgroup through libcgroup: create, limits, attach,
 * kill, usage, OOM, remove; cgroup v1, v2 and hybrid hosts. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "log.h"
#include "report.h"
#include "spec.h"

struct corral_cgroup;

/* Whether the spec asks for anything a cgroup does (memory, cpus, pids,
 * cpuset, cpu-time-limit). No: no cgroup, and libcgroup is never
 * initialised. */
bool cgroup_wanted(const struct corral_spec *spec);
/* Cross-option check, no system access: limits with cgroup = off. */
int cgroup_validate(const struct corral_spec *spec, struct corral_error *e);

/* Whether the run makes a cgroup: limits asked and cgroup not off (with
 * cgroup = auto it may still find none writable: cgroup_create). */
bool cgroup_used(const struct corral_spec *spec);
/* Whether this host has cgroup v2 alone at /sys/fs/cgroup (one statfs):
 * the supervisor then makes the cgroup before clone, for CLONE_INTO_CGROUP;
 * elsewhere after, while init builds the sandbox. Only a matter of speed:
 * both orders are correct everywhere. */
bool cgroup_v2_host(void);

/* Initialise libcgroup, create corral-<pid> with the limits. *out stays NULL when no
 * cgroup is used (none asked, or cgroup = auto without a writable one, which
 * is said once on stderr). Every error comes before anything is created, or
 * what was created is removed again. */
int cgroup_create(const struct corral_spec *spec, struct corral_cgroup **out,
		  struct corral_error *e);
/* Remove the empty corral-<pid> cgroups of dead runs (SIGKILLed) beneath
 * our own cgroup, in every hierarchy corral uses; after cgroup_create. */
void cgroup_sweep_stale(const struct corral_spec *spec);
/* The cgroup v2 directory for clone3's CLONE_INTO_CGROUP, or -1 when some
 * controller is on v1 (attach after clone instead). */
int cgroup_clone_fd(const struct corral_cgroup *cg);
/* Move pid (init, which waits at sync point 1b before it forks the
 * command) into the run's cgroup. */
int cgroup_attach(struct corral_cgroup *cg, pid_t pid, struct corral_error *e);
/* SIGKILL everything in the run's cgroup (v2 cgroup.kill, else a kill loop
 * over cgroup.procs). */
void cgroup_kill(struct corral_cgroup *cg);
/* CPU time used so far by everything in the run's cgroup, in microseconds
 * (v1 cpuacct.usage, v2 cpu.stat usage_usec); -1 when it cannot be read. */
int cgroup_cpu_usage(struct corral_cgroup *cg, uint64_t *usec);
/* After init is reaped: kill what is left, read usage and OOM kills into res. */
void cgroup_collect(struct corral_cgroup *cg, struct corral_result *res);
/* Remove the run's cgroup and free; NULL-safe. */
void cgroup_destroy(struct corral_cgroup **cg);

static inline void cgroup_destroyp(struct corral_cgroup **cg) { cgroup_destroy(cg); }
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_destroyp)))

/* The run's cgroup directories (host paths), one per hierarchy, for its
 * record (runtime.c); none without a cgroup. */
void cgroup_dirs(const struct corral_cgroup *cg, struct strv *out);
/* Move pid into dir, a cgroup directory of the run of corral supervisor
 * (its name must be corral-SUPERVISOR): corral --join counts what it runs
 * against the sandbox's limits. */
int cgroup_enter(const char *dir, pid_t supervisor, pid_t pid, struct corral_error *e);

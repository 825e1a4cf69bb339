/* spank_corral.c: a SPANK plugin that runs each task of a Slurm step in a
 * corral sandbox: `srun --corral=PROFILE[,PROFILE...] COMMAND`.
 *
 *   # plugstack.conf
 *   required /usr/local/lib/corral/spank_corral.so wrapper=/usr/local/bin/corral-slurm
 *
 * Plugin arguments: wrapper=PATH (the corral-slurm script; default the
 * installed one), default=PROFILE (every task runs in corral with this
 * profile unless --corral names others; without it only --corral does).
 * "required", not "optional": Slurm ignores an optional plugin's errors,
 * and a task whose sandbox could not be set up would then run without it.
 *
 * How it works, and why this way. NVIDIA's pyxis and the Singularity plugin
 * turn the task process itself into the container in slurm_spank_task_init:
 * pyxis joins namespaces an enroot process holds (setns), Singularity builds
 * them in place, and Slurm's execve then starts the command inside. corral
 * cannot be entered that way: its supervisor must stay outside the sandbox,
 * as the command's ancestor, to hold the time limit, the cgroup and the
 * report and to learn the command's status. So the task process must become
 * the supervisor, that is, execute corral, with the user's command after it.
 * Executing corral from this callback would skip what Slurm still does
 * between it and its own execve (TaskProlog, TMPDIR, the submit host's
 * rlimits, PATH search, SELinux context). Instead the callback replaces the
 * task's argv[0] with the wrapper and hands the command over in
 * CORRAL_SLURM_COMMAND: Slurm then runs all of that and executes
 * `corral-slurm ARG...`, which runs `corral --profile P -- COMMAND ARG...`.
 * S_JOB_ARGV is the array slurmstepd passes to execve (exec_task in
 * src/slurmd/slurmstepd/task.c, the same from 22.05 to today's master); spank.h
 * asks plugins not to modify it, which protects the copy shared by every
 * task in slurmstepd; this runs in the forked task alone, just before its
 * execve. make check-slurm fails if a task does not reach corral.
 *
 * The batch script of sbatch is not wrapped (it runs srun, which a sandbox
 * would cut off from the cluster): `sbatch --corral=P` passes the option on
 * to each srun in the script, as Slurm does for every SPANK option. Nor are
 * --multi-prog steps, whose tasks' argv is not this array: srun refuses
 * --corral with --multi-prog rather than run them unsandboxed. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

SPANK_PLUGIN(corral, 1);

#ifndef CORRAL_SLURM_WRAPPER
#define CORRAL_SLURM_WRAPPER "/usr/local/bin/corral-slurm"
#endif

static char *profiles;		/* from --corral, else default= */
static bool from_option;	/* --corral was given */
static char *wrapper;		/* wrapper= */

/* Profile names and paths, comma separated: no spaces, no shell syntax, so
 * the value means the same to corral-slurm as it does here. */
static bool valid_profiles(const char *s)
{
	if (!s || !*s || strlen(s) > 1024)
		return false;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') ||
		      ('0' <= *s && *s <= '9') || strchr("._-/,+", *s)))
			return false;
	return true;
}

static int take_option(int val, const char *optarg, int remote)
{
	if (!valid_profiles(optarg)) {
		slurm_error("--corral: '%s' is not a list of profiles "
			    "(names or paths, comma separated: letters, digits, . _ - / +)",
			    optarg ? optarg : "");
		return -1;
	}
	free(profiles);
	profiles = strdup(optarg);
	from_option = true;
	return profiles ? 0 : -1;
}

static struct spank_option corral_option = {
	"corral", "PROFILE[,PROFILE...]",
	"run each task in a corral sandbox with these profiles (corral-slurm: "
	"a JSON report per task, corral's exit status as the task's)",
	1, 0, take_option,
};

static int plugin_args(int ac, char **av)
{
	for (int i = 0; i < ac; i++) {
		if (strncmp(av[i], "wrapper=", 8) == 0 && av[i][8] == '/') {
			free(wrapper);
			wrapper = strdup(av[i] + 8);
		} else if (strncmp(av[i], "default=", 8) == 0 && valid_profiles(av[i] + 8)) {
			if (!from_option) {
				free(profiles);
				profiles = strdup(av[i] + 8);
			}
		} else {
			slurm_error("spank_corral: plugin argument '%s': expected wrapper=/PATH or "
				    "default=PROFILE", av[i]);
			return -1;
		}
	}
	return 0;
}

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	if (spank_option_register(sp, &corral_option) != ESPANK_SUCCESS) {
		slurm_error("spank_corral: cannot register --corral");
		return -1;
	}
	return spank_remote(sp) ? plugin_args(ac, av) : 0;
}

/* srun: --multi-prog gives each task an argv of its own, which this plugin
 * cannot reach; refuse rather than run the tasks unsandboxed. */
int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	if (spank_context() != S_CTX_LOCAL || !from_option)
		return 0;
	char buf[65536];
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0)
		buf[n] = '\0';
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
		if (strcmp(buf + i, "--multi-prog") == 0) {
			slurm_error("--corral does not work with --multi-prog: run corral-slurm "
				    "in the multi-prog file instead");
			return -1;
		}
	}
	return 0;
}

/* In the task, as the user, just before Slurm's execve. */
int slurm_spank_task_init(spank_t sp, int ac, char **av)
{
	if (!profiles)
		return 0;
	uint32_t step = 0;
	if (spank_get_item(sp, S_JOB_STEPID, &step) != ESPANK_SUCCESS)
		return 0;
	if (step == SLURM_BATCH_SCRIPT || step == SLURM_EXTERN_CONT || step == SLURM_INTERACTIVE_STEP)
		return 0;

	const char *w = wrapper ? wrapper : CORRAL_SLURM_WRAPPER;
	if (access(w, X_OK) < 0) {
		slurm_error("spank_corral: wrapper %s: %s (plugstack.conf: wrapper=/PATH)", w,
			    strerror(errno));
		return -1;
	}
	int argc = 0;
	char **argv = NULL;
	if (spank_get_item(sp, S_JOB_ARGV, &argc, &argv) != ESPANK_SUCCESS || argc < 1 || !argv ||
	    !argv[0]) {
		slurm_error("spank_corral: no command to run");
		return -1;
	}
	if (spank_setenv(sp, "CORRAL_SLURM_COMMAND", argv[0], 1) != ESPANK_SUCCESS ||
	    spank_setenv(sp, "CORRAL_SLURM_PROFILE", profiles, 1) != ESPANK_SUCCESS) {
		slurm_error("spank_corral: cannot set the task's environment");
		return -1;
	}
	char *path = strdup(w);
	if (!path)
		return -1;
	argv[0] = path; /* see the comment at the top */
	return 0;
}

/* cgv1raw.c: what the kernel alone takes for the cgroup work of a run with
 * --memory, --cpus and --pids on a cgroup v1 host, for the floor of the
 * limits' share of a launch (bench/README.md): in each of the memory, cpu,
 * pids and cpuacct hierarchies, mkdir beneath our own cgroup, write the
 * limits, move a child in, and once it is gone rmdir, with plain system
 * calls and no library. Prints the median and the fastest of RUNS, in ms,
 * and of the moves alone. As root, on a v1 (or hybrid) host.
 * Usage: cgv1raw [RUNS] */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

static const char *const ctl[] = {"memory", "cpu", "pids", "cpuacct"};
#define N (sizeof(ctl) / sizeof(ctl[0]))

static int put(const char *dir, const char *file, const char *value)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ok = fd >= 0 && write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	if (fd >= 0)
		close(fd);
	if (!ok)
		perror(path);
	return ok ? 0 : -1;
}

/* Our cgroup in each hierarchy, from the v1 lines of /proc/self/cgroup. */
static int own(char dir[N][512])
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[1024];
	unsigned found = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		for (unsigned i = 0; i < N; i++) {
			char list[256], want[64];
			snprintf(list, sizeof(list), ",%s,", c1 + 1);
			snprintf(want, sizeof(want), ",%s,", ctl[i]);
			if (strstr(list, want) && !dir[i][0]) {
				snprintf(dir[i], 512, "/sys/fs/cgroup/%s%s", ctl[i], c2 + 1);
				found++;
			}
		}
	}
	if (f)
		fclose(f);
	return found == N ? 0 : -1;
}

int main(int argc, char **argv)
{
	char parent[N][512] = {{0}};
	if (own(parent) < 0) {
		fprintf(stderr, "cgv1raw: not a cgroup v1 host with memory, cpu, pids and cpuacct\n");
		return 1;
	}
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	if (runs < 1)
		runs = 1;
	double *all = calloc((size_t)runs, sizeof(*all)), *move = calloc((size_t)runs, sizeof(*move));
	if (!all || !move)
		return 1;
	for (int r = 0; r < runs; r++) {
		char dir[N][600], pid[32];
		pid_t child = fork();
		if (child < 0)
			return 1;
		if (child == 0) {
			pause();
			_exit(0);
		}
		snprintf(pid, sizeof(pid), "%d", (int)child);
		double t0 = now_ms();
		for (unsigned i = 0; i < N; i++) {
			snprintf(dir[i], sizeof(dir[i]), "%s/cgv1raw-%d", parent[i], (int)getpid());
			if (mkdir(dir[i], 0755) < 0) {
				perror(dir[i]);
				return 1;
			}
		}
		if (put(dir[0], "memory.limit_in_bytes", "268435456") < 0 ||
		    put(dir[1], "cpu.cfs_period_us", "100000") < 0 ||
		    put(dir[1], "cpu.cfs_quota_us", "100000") < 0 || put(dir[2], "pids.max", "64") < 0)
			return 1;
		double t1 = now_ms();
		for (unsigned i = 0; i < N; i++)
			if (put(dir[i], "cgroup.procs", pid) < 0)
				return 1;
		double t2 = now_ms();
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		double t3 = now_ms();
		for (unsigned i = 0; i < N; i++)
			if (rmdir(dir[i]) < 0) {
				perror(dir[i]);
				return 1;
			}
		all[r] = (t2 - t0) + (now_ms() - t3);
		move[r] = t2 - t1;
	}
	qsort(all, (size_t)runs, sizeof(*all), cmp_double);
	qsort(move, (size_t)runs, sizeof(*move), cmp_double);
	printf("v1 cgroups, 4 hierarchies, made + limits + move + removed: median %.3f ms, fastest "
	       "%.3f ms; the moves alone: median %.3f ms (%d runs)\n",
	       all[runs / 2], all[0], move[runs / 2], runs);
	return 0;
}

/* orphans.c: make PID 1 reap N orphans, then say how it went.
 *
 * Each round double-forks: a child forks a grandchild and exits at once, so
 * the grandchild is re-parented to the namespace's init (PID 1), the only
 * process that may reap it. The grandchild waits until it has been
 * re-parented, notes the time and exits; from then on only init can clear
 * the zombie. At the end we poll /proc until no process other than PID 1 and
 * ourselves is left, so:
 *   reap_lag_ms  time from the last orphan's exit to the last zombie gone
 *   zombies      zombies still in /proc at the end (must be 0)
 *   init_cpu_ms  CPU time PID 1 spent meanwhile (its own, not its children's:
 *                /proc/1/schedstat's run time, or utime+stime of /proc/1/stat)
 * Run it as PID 1's child in a fresh PID namespace with its own /proc
 * (corral, or unshare --fork --pid --mount-proc with tini or dumb-init).
 *
 * Usage: orphans [N]; prints one JSON object. */
#include <ctype.h>
#include <dirent.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

/* PID 1's own CPU time in ms, or -1 when /proc does not tell. */
static double init_cpu_ms(void)
{
	unsigned long long run_ns;
	FILE *f = fopen("/proc/1/schedstat", "r");
	if (f) {
		int ok = fscanf(f, "%llu", &run_ns) == 1;
		fclose(f);
		if (ok)
			return (double)run_ns / 1e6;
	}
	f = fopen("/proc/1/stat", "r");
	if (!f)
		return -1;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* comm may hold spaces */
	unsigned long ut, st;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
			 &st) != 2)
		return -1;
	return (double)(ut + st) * 1e3 / (double)sysconf(_SC_CLK_TCK);
}

/* Processes in /proc other than PID 1 and us; *zombies gets those in state Z. */
static int others(int *zombies)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	int n = 0, self = getpid();
	*zombies = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		int pid = atoi(de->d_name);
		if (pid == 1 || pid == self)
			continue;
		n++;
		char path[64], buf[512];
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = 0;
		char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'Z')
			(*zombies)++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000;
	if (getpid() == 1) {
		fprintf(stderr, "orphans: run me under an init, not as PID 1\n");
		return 2;
	}
	/* The latest exit time of any orphan, in ns, shared with all of them. */
	_Atomic long long *last_exit = mmap(NULL, sizeof(*last_exit), PROT_READ | PROT_WRITE,
					    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (last_exit == MAP_FAILED)
		return 2;
	double cpu0 = init_cpu_ms(), t0 = now_ms();
	long failed = 0;
	for (long i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0) {
			failed++;
			continue;
		}
		if (c == 0) {
			pid_t me = getpid();
			pid_t g = fork();
			if (g == 0) {
				/* Wait to be an orphan: parent exited, we belong to init. */
				while (getppid() == me)
					sched_yield();
				struct timespec ts;
				clock_gettime(CLOCK_MONOTONIC, &ts);
				long long t = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
				long long old = atomic_load(last_exit);
				while (t > old && !atomic_compare_exchange_weak(last_exit, &old, t))
					;
				_exit(0);
			}
			_exit(g < 0 ? 1 : 0);
		}
		int st;
		while (waitpid(c, &st, 0) < 0)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	}
	double t_created = now_ms();
	/* Wait for init to clear every one of them, up to 30 s after the last
	 * was made (from the first, a loaded machine's slow forks used the
	 * whole wait up and left the zombies of the last moment counted). */
	int z = 0, left;
	double t_done;
	for (;;) {
		left = others(&z);
		t_done = now_ms();
		if (left <= 0 || t_done - t_created > 30000)
			break;
	}
	double cpu1 = init_cpu_ms();
	double last = (double)atomic_load(last_exit) / 1e6;
	printf("{\"orphans\":%ld,\"failed\":%ld,\"create_ms\":%.1f,\"wall_ms\":%.1f,"
	       "\"reap_lag_ms\":%.3f,\"init_cpu_ms\":%.1f,\"zombies\":%d,\"left\":%d}\n",
	       n, failed, t_created - t0, t_done - t0, last > 0 ? t_done - last : -1,
	       cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1, z, left);
	return 0;
}

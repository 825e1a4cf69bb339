/* spawn.c: start a command N times, at most P at once, and time it.
 *
 * Usage: spawn P N COMMAND [ARG]...
 * Prints {"n":N,"parallel":P,"failures":F,"elapsed_s":S,"per_s":R,
 * "ms":[each run's wall time],"pids":[each run's pid]}; a failure is any exit other than 0 (the
 * first one's status goes to stderr). The command's output goes to
 * /dev/null. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: spawn P N COMMAND [ARG]...\n");
		return 2;
	}
	int par = atoi(argv[1]);
	long n = atol(argv[2]);
	if (par < 1 || n < 1)
		return 2;
	double *ms = calloc((size_t)n, sizeof(*ms));
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	pid_t *all = calloc((size_t)n, sizeof(*all));
	double *start = calloc((size_t)n, sizeof(*start));
	if (!ms || !pids || !all || !start)
		return 2;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	long started = 0, done = 0, failures = 0;
	int running = 0;
	double t0 = now_ms();
	while (done < n) {
		while (running < par && started < n) {
			start[started] = now_ms();
			if (posix_spawnp(&pids[started], argv[3], &fa, NULL, argv + 3, environ)) {
				pids[started] = 0;
				failures++;
				done++;
			} else {
				all[started] = pids[started];
				running++;
			}
			started++;
		}
		if (!running)
			continue;
		int st;
		pid_t w = wait(&st);
		if (w < 0)
			continue;
		double t = now_ms();
		for (long i = 0; i < started; i++)
			if (pids[i] == w) {
				ms[i] = t - start[i];
				pids[i] = 0;
				break;
			}
		running--;
		done++;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (!failures)
				fprintf(stderr, "spawn: first failure: wait status 0x%x\n", st);
			failures++;
		}
	}
	double el = (now_ms() - t0) / 1e3;
	printf("{\"n\":%ld,\"parallel\":%d,\"failures\":%ld,\"elapsed_s\":%.3f,\"per_s\":%.1f,\"ms\":[",
	       n, par, failures, el, (double)n / el);
	for (long i = 0; i < n; i++)
		printf("%s%.3f", i ? "," : "", ms[i]);
	printf("],\"pids\":[");
	for (long i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)all[i]);
	printf("]}\n");
	return 0;
}

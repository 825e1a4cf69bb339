/* forkstart.c: what a new process costs on this machine before it does
 * anything, the part of every launch no launcher can save (bench/README.md,
 * "Timeline").
 *
 * Each of RUNS rounds forks a child that notes the time of its first step
 * in a page shared with the parent, writes one byte to each of PAGES pages
 * the parent had written before the fork (each write is a copy-on-write
 * fault) and notes the time again. Printed as JSON (medians, and every run):
 *   fork_ms:  from just before fork in the parent to the child's first step;
 *   cow_us:   per page written in the child.
 * Usage: forkstart [RUNS [PAGES]] (defaults 200 and 64). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	int pages = argc > 2 ? atoi(argv[2]) : 64;
	if (runs < 1 || runs > 100000 || pages < 1 || pages > 100000) {
		fprintf(stderr, "usage: forkstart [RUNS [PAGES]]\n");
		return 125;
	}
	double *shared = mmap(NULL, 2 * sizeof(double), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *mem = malloc((size_t)pages * 4096);
	double *fork_ms = calloc((size_t)runs, sizeof(double));
	double *cow_us = calloc((size_t)runs, sizeof(double));
	if (shared == MAP_FAILED || !mem || !fork_ms || !cow_us)
		return 125;
	memset(mem, 1, (size_t)pages * 4096);
	for (int i = 0; i < runs; i++) {
		shared[0] = shared[1] = 0;
		double t0 = now_ms();
		pid_t pid = fork();
		if (pid < 0)
			return 125;
		if (pid == 0) {
			shared[0] = now_ms();
			for (int p = 0; p < pages; p++)
				mem[(size_t)p * 4096] = 2;
			shared[1] = now_ms();
			_exit(0);
		}
		if (waitpid(pid, NULL, 0) < 0 || shared[0] == 0 || shared[1] == 0)
			return 125;
		fork_ms[i] = shared[0] - t0;
		cow_us[i] = (shared[1] - shared[0]) * 1e3 / pages;
	}
	printf("{\"runs\": %d, \"pages\": %d, \"fork_ms\": [", runs, pages);
	for (int i = 0; i < runs; i++)
		printf("%s%.4f", i ? ", " : "", fork_ms[i]);
	printf("], \"cow_us\": [");
	for (int i = 0; i < runs; i++)
		printf("%s%.3f", i ? ", " : "", cow_us[i]);
	qsort(fork_ms, (size_t)runs, sizeof(double), cmp_double);
	qsort(cow_us, (size_t)runs, sizeof(double), cmp_double);
	printf("], \"fork_ms_median\": %.4f, \"cow_us_median\": %.3f}\n", fork_ms[runs / 2],
	       cow_us[runs / 2]);
	return 0;
}

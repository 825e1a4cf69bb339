/* filterload.c: what the kernel alone takes to load a seccomp filter, for
 * the floor of the filter's share of a launch (bench/README.md). Each run
 * forks a child that sets no_new_privs and loads the program with
 * seccomp(2), timing only that call (the filter may kill the child at its
 * next call: the time goes through shared memory first); prints the median and the fastest, in
 * ms. The program is a file of corral's filter cache (~/.cache/corral/
 * seccomp-*.bpf: its 32-byte header, then the instructions), or without
 * one a single "allow" instruction: the cost of any filter at all.
 * Usage: filterload [FILE.bpf] [RUNS] */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define HEADER 32 /* filter_cache.c: magic[8], key[16], len, sum */

int main(int argc, char **argv)
{
	static struct sock_filter prog[BPF_MAXINSNS];
	unsigned len = 1;
	prog[0] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (argc > 1 && strcmp(argv[1], "-") != 0) {
		static unsigned char buf[HEADER + sizeof(prog) + 1];
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		uint32_t l = 0;
		if (n > HEADER)
			memcpy(&l, buf + 24, sizeof(l));
		if (n < HEADER || memcmp(buf, "CORRALB2", 8) != 0 || l == 0 || l > BPF_MAXINSNS ||
		    (size_t)n != HEADER + l * sizeof(struct sock_filter)) {
			fprintf(stderr, "filterload: %s: not a corral filter cache file\n", argv[1]);
			return 1;
		}
		memcpy(prog, buf + HEADER, l * sizeof(struct sock_filter));
		len = l;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 200;
	if (runs < 1)
		runs = 1;
	double *ms = calloc((size_t)runs, sizeof(*ms));
	double *shared = mmap(NULL, sizeof(double), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!ms || shared == MAP_FAILED)
		return 1;
	*shared = -1;
	for (int i = 0; i < runs; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			struct sock_fprog f = {.len = (unsigned short)len, .filter = prog};
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
				_exit(errno);
			double t = now_ms();
			if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f) != 0)
				_exit(errno);
			/* No system call until the time is stored: the filter
			 * may deny even the exit that follows. */
			*shared = now_ms() - t;
			_exit(0);
		}
		int st;
		if (waitpid(pid, &st, 0) < 0 || *shared < 0) {
			fprintf(stderr, "filterload: the load failed: %s\n",
				WIFEXITED(st) ? strerror(WEXITSTATUS(st)) : "killed");
			return 1;
		}
		ms[i] = *shared;
		*shared = -1;
	}
	qsort(ms, (size_t)runs, sizeof(*ms), cmp_double);
	printf("%u instructions: load median %.3f ms, fastest %.3f ms (%d runs)\n", len,
	       ms[runs / 2], ms[0], runs);
	return 0;
}

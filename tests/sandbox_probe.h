/* sandbox_probe.h: what tests/probe.c and tests/attack.c share. Both run
 * inside the sandbox; some of what they do (a tmpfs mounted on /tmp, fork
 * bombs, filled memory) must never happen on the host, so such commands run
 * only where PID 1 is corral's init. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The outcome of a call as the tests compare it: "ok" or the errno's name. */
static inline int sandbox_outcome(long r)
{
	if (r < 0) {
		const char *n = strerrorname_np(errno);
		printf("%s\n", n ? n : "E?");
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* An i386 call from a 64-bit program: int $0x80 with i386 numbers and up to
 * three arguments (pointers must lie below 4 GiB: a static binary's data
 * does). Printed and returned as sandbox_outcome does; 2 off x86_64. */
static inline int sandbox_int80(long nr, long a1, long a2, long a3)
{
#if defined(__x86_64__)
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a1), "c"(a2), "d"(a3) : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return sandbox_outcome(-1);
	}
	return sandbox_outcome(0);
#else
	(void)nr, (void)a1, (void)a2, (void)a3;
	fprintf(stderr, "int80 needs x86_64\n");
	return 2;
#endif
}

/* Whether PID 1 is corral's init, that is, whether we are in a sandbox. */
static inline bool sandbox_inside(void)
{
	char comm[64] = "";
	FILE *f = fopen("/proc/1/comm", "r");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	return strcmp(comm, "corral-init\n") == 0;
}

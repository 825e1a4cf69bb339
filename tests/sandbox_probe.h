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

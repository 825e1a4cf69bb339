/* basic_process: fork, exec, wait, exit status.
 *
 *   basic_process [STATUS]
 *
 * The parent forks a child; the child replaces itself (execve) with a fresh
 * copy of this program, which exits with STATUS (default 0). The parent
 * waits, decodes the wait status and exits with the same value, so the
 * status travels child -> parent -> corral -> shell unchanged. Exits 255 if
 * the status the parent collected is not the one the child was told to use. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "basic_process: %s: %s\n", what, strerror(errno));
	exit(255);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--child") == 0) {
		/* The exec'd program: a new image in the same process. */
		printf("child  PID %d: exec'd, exiting with %s\n", (int)getpid(), argv[2]);
		return atoi(argv[2]);
	}
	int want = argc > 1 ? atoi(argv[1]) : 0;
	if (argc > 2 || want < 0 || want > 255) {
		fprintf(stderr, "usage: basic_process [STATUS 0-255]\n");
		return 2;
	}

	char arg[16];
	snprintf(arg, sizeof(arg), "%d", want);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* /proc/self/exe is this very binary wherever it is mounted. */
		execl("/proc/self/exe", argv[0], "--child", arg, (char *)NULL);
		die("exec /proc/self/exe");
	}
	printf("parent PID %d: forked child PID %d\n", (int)getpid(), (int)pid);

	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(st)) {
		fprintf(stderr, "basic_process: child did not exit normally (wait status %#x)\n", st);
		return 255;
	}
	if (WEXITSTATUS(st) != want) {
		fprintf(stderr, "basic_process: child exited %d, expected %d\n", WEXITSTATUS(st), want);
		return 255;
	}
	printf("parent PID %d: child %d exited with %d; exiting with the same\n", (int)getpid(),
	       (int)pid, want);
	return want;
}

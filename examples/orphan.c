/* orphan: a child whose parent exits first.
 *
 *   orphan
 *
 * The program forks a parent, which forks a child and exits at once. The
 * orphaned child waits until the kernel has re-parented it, then reports
 * its new parent's PID and name over a pipe and exits. In corral the new
 * parent is the sandbox's PID 1, corral's init, not the host's init; the
 * program then watches the orphan's /proc entry until it is gone, i.e. until
 * its new parent has reaped it. Exits 1 if the new parent is not PID 1 or
 * the orphan is not reaped within 5 seconds. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct news {
	pid_t pid, new_parent;
	char parent_name[32];
};

static void die(const char *what)
{
	fprintf(stderr, "orphan: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void msleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void comm_of(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, (int)size, f))
		snprintf(buf, size, "?");
	buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t parent = fork();
	if (parent < 0)
		die("fork");
	if (parent == 0) {
		pid_t me = getpid();
		pid_t child = fork();
		if (child < 0)
			die("fork");
		if (child == 0) {
			/* The orphan: wait for the re-parenting (compare with
			 * the PID taken before fork: the parent may be gone
			 * before we get here). */
			for (int i = 0; i < 500 && getppid() == me; i++)
				msleep(10);
			struct news n = {.pid = getpid(), .new_parent = getppid()};
			comm_of(n.new_parent, n.parent_name, sizeof(n.parent_name));
			if (write(p[1], &n, sizeof(n)) != sizeof(n))
				die("write");
			_exit(0);
		}
		printf("parent PID %d: forked child %d, exiting without waiting\n", (int)getpid(),
		       (int)child);
		_exit(0);
	}
	close(p[1]);
	while (waitpid(parent, NULL, 0) < 0)
		if (errno != EINTR)
			die("waitpid");

	struct news n;
	if (read(p[0], &n, sizeof(n)) != sizeof(n)) {
		fprintf(stderr, "orphan: no word from the orphan\n");
		return 1;
	}
	printf("orphan PID %d: new parent is PID %d (%s)\n", (int)n.pid, (int)n.new_parent,
	       n.parent_name);

	/* A dead child stays in /proc as a zombie until its parent reaps it. */
	char path[64];
	struct stat sb;
	snprintf(path, sizeof(path), "/proc/%d", (int)n.pid);
	int reaped = 0;
	for (int i = 0; i < 500 && !reaped; i++) {
		reaped = stat(path, &sb) < 0 && errno == ENOENT;
		if (!reaped)
			msleep(10);
	}
	printf("orphan PID %d: %s\n", (int)n.pid,
	       reaped ? "reaped by its new parent" : "NOT reaped (still in /proc)");
	if (n.new_parent != 1) {
		printf("the new parent is not PID 1 (a subreaper?)\n");
		return 1;
	}
	return reaped ? 0 : 1;
}

/* zombie: a parent that never waits for its children.
 *
 *   zombie [--hold] [CHILDREN [NAME]]
 *
 * The program forks a careless parent, which forks CHILDREN (default 3)
 * children named NAME (default "zombie-child"); they exit at once. The
 * parent never calls wait, so each stays a zombie: dead, but its entry and
 * exit status kept in the process table for a wait that never comes. The
 * parent checks in /proc that they are all in state Z; with --hold it then
 * stays until SIGUSR1 (corral relays it), so one can see them from outside.
 *
 * Then the parent exits. Its zombies are re-parented to PID 1, which in
 * corral is corral's init, and init reaps them (corral -v counts them:
 * "init reaped 3"). The program watches their /proc entries until they are
 * gone. Exits 1 if they were not zombies, or were not reaped within 5 s. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX 64

static void die(const char *what)
{
	fprintf(stderr, "zombie: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void msleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* The state letter in /proc/PID/stat, or 0 when the process is gone. */
static char state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')'); /* the name may contain spaces */
	return p && p[1] == ' ' ? p[2] : '?';
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int hold = 0, a = 1;
	if (a < argc && strcmp(argv[a], "--hold") == 0) {
		hold = 1;
		a++;
	}
	int n = a < argc ? atoi(argv[a++]) : 3;
	const char *name = a < argc ? argv[a++] : "zombie-child";
	if (a < argc || n < 1 || n > MAX) {
		fprintf(stderr, "usage: zombie [--hold] [CHILDREN 1-%d [NAME]]\n", MAX);
		return 2;
	}
	/* SIGUSR1 blocked everywhere; only the careless parent takes it. */
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t parent = fork();
	if (parent < 0)
		die("fork");
	if (parent == 0) {
		close(p[0]);
		pid_t kids[MAX];
		for (int i = 0; i < n; i++) {
			kids[i] = fork();
			if (kids[i] < 0)
				die("fork");
			if (kids[i] == 0) {
				prctl(PR_SET_NAME, name);
				_exit(0);
			}
		}
		int zombies = 0;
		for (int t = 0; t < 500 && zombies < n; t++) {
			zombies = 0;
			for (int i = 0; i < n; i++)
				zombies += state(kids[i]) == 'Z';
			if (zombies < n)
				msleep(10);
		}
		printf("parent PID %d: %d children exited, never waited for:", (int)getpid(), n);
		for (int i = 0; i < n; i++)
			printf(" %d=%c", (int)kids[i], state(kids[i]));
		printf("\n");
		if (write(p[1], kids, (size_t)n * sizeof(pid_t)) < 0)
			die("write");
		if (zombies < n) {
			printf("only %d of %d are zombies\n", zombies, n);
			_exit(1);
		}
		printf("parent: %d zombies (state Z) while I run\n", n);
		if (hold) {
			int sig;
			printf("parent: holding my zombies until SIGUSR1\n");
			sigwait(&usr1, &sig);
		}
		printf("parent: exiting without waiting\n");
		_exit(0);
	}
	close(p[1]);
	pid_t kids[MAX];
	ssize_t got = read(p[0], kids, sizeof(kids));
	int st;
	while (waitpid(parent, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (got != (ssize_t)(n * (int)sizeof(pid_t)) || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 1;

	int left = n;
	for (int t = 0; t < 500 && left; t++) {
		left = 0;
		for (int i = 0; i < n; i++)
			left += state(kids[i]) != 0;
		if (left)
			msleep(10);
	}
	if (left) {
		printf("%d of %d zombies NOT reaped after their parent exited\n", left, n);
		return 1;
	}
	printf("after the parent exited: its %d zombies were re-parented to PID 1 and reaped\n", n);
	return 0;
}

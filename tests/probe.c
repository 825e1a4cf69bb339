/* probe: a small static program run inside the sandbox by the tests, so they
 * do not depend on what the host has installed. `probe CMD [ARG]...`. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sandbox_probe.h"

/* Count zombies visible in /proc. */
static int zombies(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;
	while (d && (de = readdir(d))) {
		char path[300], buf[512];
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'Z')
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void msleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}


/* Try one call that succeeds (or fails for a reason of its own) without a
 * filter, so an EPERM is the filter's. */
static int try_syscall(const char *name)
{
	if (strcmp(name, "getpid") == 0)
		return sandbox_outcome(syscall(SYS_getpid));
	if (strcmp(name, "mount") == 0)
		/* Succeeds with CAP_SYS_ADMIN (cap-keep) inside the mount namespace. */
		return sandbox_outcome(mount("none", "/tmp", "tmpfs", 0, NULL) < 0 ? -1 : 0);
	if (strcmp(name, "unshare-user") == 0)
		return sandbox_outcome(unshare(CLONE_NEWUSER));
	if (strcmp(name, "clone-newuser") == 0) {
		long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid((pid_t)pid, NULL, 0);
		return sandbox_outcome(pid);
	}
	if (strcmp(name, "ptrace") == 0) {
		/* Attach to a child of ours: allowed by the kernel to the same uid. */
		pid_t c = fork();
		if (c == 0) {
			pause();
			_exit(0);
		}
		long r = ptrace(PTRACE_ATTACH, c, 0, 0);
		int err = errno;
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		errno = err;
		return sandbox_outcome(r);
	}
	if (strcmp(name, "keyctl") == 0)
		/* KEYCTL_GET_KEYRING_ID of the session keyring, creating it. */
		return sandbox_outcome(syscall(SYS_keyctl, 0, -3, 1));
	if (strcmp(name, "bpf") == 0) {
		/* An unknown command: EINVAL from the kernel, EPERM from a filter. */
		char attr[128] = {0};
		return sandbox_outcome(syscall(SYS_bpf, 9999, attr, sizeof(attr)));
	}
	if (strcmp(name, "perf_event_open") == 0) {
		struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE, .size = sizeof(a),
					    .config = PERF_COUNT_SW_TASK_CLOCK, .disabled = 1,
					    .exclude_kernel = 1, .exclude_hv = 1};
		return sandbox_outcome(syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
	}
	if (strcmp(name, "personality-noaslr") == 0)
		return sandbox_outcome(syscall(SYS_personality, 0x0040000));
	if (strcmp(name, "personality-query") == 0)
		return sandbox_outcome(syscall(SYS_personality, 0xffffffffUL));
	if (strcmp(name, "clone3") == 0) {
		char args[88] = {0};
		long r = syscall(SYS_clone3, args, sizeof(args));
		if (r == 0)
			_exit(0);
		return sandbox_outcome(r);
	}
	fprintf(stderr, "probe: unknown syscall %s\n", name);
	return 2;
}

/* An i386 call from this 64-bit program: int $0x80 with i386 numbers. */
static int try_int80(const char *name)
{
	long nr, a1 = 0;
	if (strcmp(name, "getpid") == 0)
		nr = 20;
	else if (strcmp(name, "unshare-user") == 0)
		nr = 310, a1 = CLONE_NEWUSER;
	else if (strcmp(name, "keyctl") == 0)
		nr = 288, a1 = 0;
	else {
		fprintf(stderr, "probe: unknown i386 call %s\n", name);
		return 2;
	}
	/* keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1) */
	return nr == 288 ? sandbox_int80(nr, a1, -3, 1) : sandbox_int80(nr, a1, 0, 0);
}

/* TIOCSTI on the terminal: stdin when it is one, else a new pty that
 * becomes our controlling terminal. */
static int try_tiocsti(void)
{
	int fd = 0;
	if (!isatty(0)) {
		int m = posix_openpt(O_RDWR | O_NOCTTY);
		if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
			return perror("pty"), 2;
		setsid();
		fd = open(ptsname(m), O_RDWR);
		if (fd < 0)
			return perror("pts"), 2;
		ioctl(fd, TIOCSCTTY, 0);
	}
	char c = '\n';
	return sandbox_outcome(ioctl(fd, TIOCSTI, &c));
}

static void *thread_main(void *arg)
{
	pid_t p = fork();
	if (p == 0)
		_exit((int)(long)arg);
	int st = -1;
	waitpid(p, &st, 0);
	return (void *)(long)(WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* N threads, each forking a child that exits with the thread's number. */
static int threads(int n)
{
	pthread_t t[64];
	if (n > 64)
		n = 64;
	for (long i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)i) != 0)
			return perror("pthread_create"), 1;
	int bad = 0;
	for (long i = 0; i < n; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)r != i;
	}
	printf("threads %d failed %d\n", n, bad);
	return bad != 0;
}

/* `probe calls NAME N [NAME N]...`: make each call N times with arguments
 * the kernel rejects by itself (so nothing happens even where the call is
 * allowed), and print "NAME N ERRNO" with the last call's errno. */
static int repeat_calls(int argc, char **argv)
{
	static const struct {
		const char *name;
		long nr;
	} calls[] = {{"ptrace", SYS_ptrace}, {"keyctl", SYS_keyctl}, {"bpf", SYS_bpf},
		     {"getpid", SYS_getpid}};
	for (int i = 2; i + 1 < argc; i += 2) {
		long nr = -1, n = atol(argv[i + 1]);
		for (size_t k = 0; k < sizeof(calls) / sizeof(calls[0]); k++)
			if (strcmp(calls[k].name, argv[i]) == 0)
				nr = calls[k].nr;
		if (nr < 0)
			return fprintf(stderr, "probe: calls: unknown %s\n", argv[i]), 2;
		int err = 0;
		for (long j = 0; j < n; j++) {
			errno = 0;
			/* request/operation -1: EIO, EOPNOTSUPP, EINVAL from the kernel */
			syscall(nr, -1L, 0L, 0L, 0L, 0L);
			err = errno;
		}
		const char *en = err ? strerrorname_np(err) : "ok";
		printf("%s %ld %s\n", argv[i], n, en ? en : "E?");
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe pid|zombies|orphans N|lo-up|fds|touch-mib N|spin-ms N|alloc MIB|spin S|\n"
				"             forkbomb N [persist]|ignore-term|syscall NAME|int80 NAME|tiocsti|threads N|ids|\n"
				"             calls NAME N [NAME N]...\n");
		return 2;
	}
	const char *cmd = argv[1];

	/* Some probes do what must never happen on the host (mount a tmpfs on
	 * /tmp, fork bombs, filling memory): run them only inside a sandbox,
	 * where PID 1 is corral's init. */
	static const char *const inside_only[] = {"syscall", "int80",    "tiocsti",
						  "forkbomb", "alloc", "touch-mib", "calls"};
	for (size_t i = 0; i < sizeof(inside_only) / sizeof(inside_only[0]); i++) {
		if (strcmp(cmd, inside_only[i]) != 0)
			continue;
		if (!sandbox_inside()) {
			fprintf(stderr, "probe: '%s' runs only inside a corral sandbox\n", cmd);
			return 3;
		}
	}

	if (strcmp(cmd, "pid") == 0) {
		printf("%d\n", getpid());
		return 0;
	}
	if (strcmp(cmd, "zombies") == 0) {
		printf("%d\n", zombies());
		return 0;
	}
	if (strcmp(cmd, "orphans") == 0) {
		/* N grandchildren whose parent exits at once: they are re-parented to
		 * PID 1 and exit after 50 ms. Then wait and count zombies. */
		int n = argc > 2 ? atoi(argv[2]) : 10;
		for (int i = 0; i < n; i++) {
			pid_t p = fork();
			if (p < 0)
				return perror("fork"), 1;
			if (p == 0) {
				if (fork() == 0) {
					msleep(50);
					_exit(0);
				}
				_exit(0);
			}
			waitpid(p, NULL, 0);
		}
		msleep(500);
		int z = zombies();
		printf("orphans %d zombies %d\n", n, z);
		return z == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "lo-up") == 0) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		struct ifreq ifr = {0};
		strcpy(ifr.ifr_name, "lo");
		if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
			return perror("lo"), 1;
		printf("lo %s\n", (ifr.ifr_flags & IFF_UP) ? "up" : "down");
		return (ifr.ifr_flags & IFF_UP) ? 0 : 1;
	}
	if (strcmp(cmd, "fds") == 0) {
		DIR *d = opendir("/proc/self/fd");
		struct dirent *de;
		int self = dirfd(d);
		while ((de = readdir(d)))
			if (de->d_name[0] != '.' && atoi(de->d_name) != self)
				printf("%s\n", de->d_name);
		closedir(d);
		return 0;
	}
	if (strcmp(cmd, "touch-mib") == 0) {
		/* Allocate N MiB and write every page, so all of it is resident. */
		size_t n = (size_t)(argc > 2 ? atol(argv[2]) : 32) << 20;
		char *p = malloc(n);
		if (!p)
			return perror("malloc"), 1;
		for (size_t i = 0; i < n; i += 4096)
			p[i] = (char)i;
		printf("touched %zu\n", n);
		free(p);
		return 0;
	}
	if (strcmp(cmd, "spin-ms") == 0) {
		/* Burn N ms of CPU time (not wall time, so a busy machine only
		 * makes it take longer): user time, as clock_gettime is vDSO. */
		long ms = argc > 2 ? atol(argv[2]) : 500;
		struct timespec ts;
		volatile unsigned long x = 0;
		do {
			for (int i = 0; i < 100000; i++)
				x += (unsigned long)i;
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		} while (ts.tv_sec * 1000L + ts.tv_nsec / 1000000L < ms);
		return 0;
	}
	if (strcmp(cmd, "alloc") == 0) {
		/* Allocate and touch N MiB, one MiB at a time. */
		long n = argc > 2 ? atol(argv[2]) : 1024;
		for (long i = 0; i < n; i++) {
			char *p = malloc(1 << 20);
			if (!p)
				return printf("alloc failed at %ld MiB\n", i), 1;
			memset(p, 1, 1 << 20);
		}
		printf("allocated %ld MiB\n", n);
		return 0;
	}
	if (strcmp(cmd, "spin") == 0) {
		/* Busy loop for S seconds of wall time. */
		double secs = argc > 2 ? atof(argv[2]) : 2;
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		volatile unsigned long x = 0;
		do {
			for (int i = 0; i < 100000; i++)
				x++;
			clock_gettime(CLOCK_MONOTONIC, &b);
		} while ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9 < secs);
		printf("spun %.1f s\n", secs);
		return 0;
	}
	if (strcmp(cmd, "forkbomb") == 0) {
		/* Fork children that sleep, up to N, until fork fails; report how
		 * many there were at most and why it stopped. */
		int n = argc > 2 ? atoi(argv[2]) : 1000, made = 0;
		bool persist = argc > 3 && strcmp(argv[3], "persist") == 0;
		for (; made < n; made++) {
			pid_t p = fork();
			if (p < 0 && persist) {
				/* never give up: only a time limit ends this */
				made--;
				msleep(10);
				continue;
			}
			if (p < 0) {
				printf("forked %d, then: %s\n", made, strerror(errno));
				return 0;
			}
			if (p == 0) {
				msleep(30000);
				_exit(0);
			}
		}
		printf("forked %d, no failure\n", made);
		return 0;
	}
	if (strcmp(cmd, "catch") == 0) {
		/* Take each signal named (INT, TERM, USR1...) and carry on: print
		 * "ready" once they are blocked, then "caught SIGNAME" for each
		 * one, for ever. A test waits for the line, not for a time. */
		sigset_t set;
		sigemptyset(&set);
		for (int i = 2; i < argc; i++) {
			int sig = 0;
			for (int s = 1; s < 32 && !sig; s++)
				if (sigabbrev_np(s) && strcmp(sigabbrev_np(s), argv[i]) == 0)
					sig = s;
			if (!sig)
				return fprintf(stderr, "catch: unknown signal %s\n", argv[i]), 2;
			sigaddset(&set, sig);
		}
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("ready\n");
		fflush(stdout);
		for (;;) {
			int sig = sigwaitinfo(&set, NULL);
			if (sig > 0) {
				printf("caught SIG%s\n", sigabbrev_np(sig));
				fflush(stdout);
			}
		}
	}
	if (strcmp(cmd, "ignore-term") == 0) {
		/* Ignore SIGTERM and sleep. */
		signal(SIGTERM, SIG_IGN);
		msleep(30000);
		return 0;
	}
	if (strcmp(cmd, "syscall") == 0 && argc > 2)
		return try_syscall(argv[2]);
	if (strcmp(cmd, "calls") == 0)
		return repeat_calls(argc, argv);
	if (strcmp(cmd, "int80") == 0 && argc > 2)
		return try_int80(argv[2]);
	if (strcmp(cmd, "tiocsti") == 0)
		return try_tiocsti();
	if (strcmp(cmd, "threads") == 0)
		return threads(argc > 2 ? atoi(argv[2]) : 4);
	if (strcmp(cmd, "ids") == 0) {
		printf("uid %d euid %d\n", (int)getuid(), (int)geteuid());
		return 0;
	}
	fprintf(stderr, "probe: unknown command %s\n", cmd);
	return 2;
}

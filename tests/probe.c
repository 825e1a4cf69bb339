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
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe pid|zombies|orphans N|lo-up|fds|touch-mib N|spin-ms N|alloc MIB|spin S|forkbomb N [persist]|ignore-term\n");
		return 2;
	}
	const char *cmd = argv[1];

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
	if (strcmp(cmd, "ignore-term") == 0) {
		/* Ignore SIGTERM and sleep. */
		signal(SIGTERM, SIG_IGN);
		msleep(30000);
		return 0;
	}
	fprintf(stderr, "probe: unknown command %s\n", cmd);
	return 2;
}

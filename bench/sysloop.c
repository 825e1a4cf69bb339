/* sysloop.c: what one syscall costs under whatever seccomp filter this
 * process runs with. seccomp runs the filter on every syscall entry, so the
 * difference between two runs of this program (no filter, a filter) is the
 * filter's cost per syscall.
 *
 * Two syscalls: getppid, cheap and near the top of any filter, and ioctl
 * (FIONREAD on a pipe, so never a tty), which a filter inspects by argument
 * (TIOCSTI, TIOCLINUX) and so walks further. Both go through syscall(2)
 * directly, so no libc caching hides the kernel entry.
 *
 * Usage: sysloop [N]; prints {"getppid_ns":X,"ioctl_ns":Y}, each the best
 * of three passes of N calls (the best pass is the one least disturbed by
 * other work on the machine). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double pass_getppid(long n)
{
	double t = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (now_ns() - t) / (double)n;
}

static double pass_ioctl(long n, int fd)
{
	int avail;
	double t = now_ns();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_ioctl, fd, FIONREAD, &avail) < 0) {
			perror("sysloop: ioctl FIONREAD");
			exit(1);
		}
	return (now_ns() - t) / (double)n;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	int p[2];
	if (n <= 0 || pipe(p) < 0) {
		fprintf(stderr, "usage: sysloop [N>0]\n");
		return 2;
	}
	double g = 1e18, io = 1e18;
	pass_getppid(n / 10 + 1); /* warm up: caches, frequency */
	for (int k = 0; k < 3; k++) {
		double a = pass_getppid(n), b = pass_ioctl(n, p[0]);
		if (a < g)
			g = a;
		if (b < io)
			io = b;
	}
	printf("{\"getppid_ns\":%.1f,\"ioctl_ns\":%.1f}\n", g, io);
	return 0;
}

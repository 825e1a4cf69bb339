/* multiple_processes: several children splitting one task.
 *
 *   multiple_processes [CHILDREN]
 *
 * The sum 1 + 2 + ... + 10,000,000 is split into CHILDREN (default 4) equal
 * slices, one per child. Each child sends its PID and partial sum back over
 * a pipe (records smaller than PIPE_BUF, so concurrent writes never mix),
 * then waits until the parent has looked at /proc. The parent adds the parts,
 * checks the total against n(n+1)/2 and lists every PID it can see in /proc:
 * in corral that is init (1), this program (2) and its children (3, 4, ...),
 * and nothing of the host. Exits 1 if the total is wrong. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 10000000ULL
#define MAX_CHILDREN 64

struct part {
	int index;
	pid_t pid;
	unsigned long long from, to, sum;
};

static void die(const char *what)
{
	fprintf(stderr, "multiple_processes: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Print the PIDs in /proc, sorted. */
static void list_proc(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int pids[1024], n = 0;
	if (!d)
		die("open /proc");
	while ((de = readdir(d)) && n < 1024)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			pids[n++] = atoi(de->d_name);
	closedir(d);
	qsort(pids, (size_t)n, sizeof(int), cmp_int);
	printf("processes visible in /proc:");
	for (int i = 0; i < n; i++)
		printf(" %d", pids[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int children = argc > 1 ? atoi(argv[1]) : 4;
	if (argc > 2 || children < 1 || children > MAX_CHILDREN) {
		fprintf(stderr, "usage: multiple_processes [CHILDREN 1-%d]\n", MAX_CHILDREN);
		return 2;
	}

	int results[2], release[2];
	if (pipe(results) < 0 || pipe(release) < 0)
		die("pipe");
	printf("parent PID %d: summing 1..%llu in %d children\n", (int)getpid(), N, children);

	pid_t pids[MAX_CHILDREN];
	for (int i = 0; i < children; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (pids[i] == 0) {
			struct part p = {.index = i, .pid = getpid()};
			p.from = N / (unsigned)children * (unsigned)i + 1;
			p.to = i == children - 1 ? N : N / (unsigned)children * (unsigned)(i + 1);
			for (unsigned long long k = p.from; k <= p.to; k++)
				p.sum += k;
			if (write(results[1], &p, sizeof(p)) != sizeof(p))
				die("write result");
			/* Stay alive until the parent has listed /proc. */
			close(release[1]);
			char c;
			while (read(release[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(results[1]);
	close(release[0]);

	struct part parts[MAX_CHILDREN] = {0};
	unsigned long long total = 0;
	for (int got = 0; got < children; got++) {
		struct part p;
		ssize_t r = read(results[0], &p, sizeof(p));
		if (r != sizeof(p)) {
			fprintf(stderr, "multiple_processes: only %d of %d results\n", got, children);
			return 1;
		}
		parts[p.index] = p;
		total += p.sum;
	}
	for (int i = 0; i < children; i++)
		printf("child %d: PID %d summed %llu..%llu = %llu\n", i + 1, (int)parts[i].pid,
		       parts[i].from, parts[i].to, parts[i].sum);
	list_proc();

	close(release[1]); /* EOF: the children exit */
	for (int i = 0; i < children; i++)
		while (waitpid(pids[i], NULL, 0) < 0)
			if (errno != EINTR)
				die("waitpid");

	unsigned long long want = N * (N + 1) / 2;
	if (total != want) {
		printf("total %llu, expected %llu: WRONG\n", total, want);
		return 1;
	}
	printf("total %llu = n(n+1)/2: correct\n", total);
	return 0;
}

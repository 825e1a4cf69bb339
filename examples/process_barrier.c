/* process_barrier: a process-shared barrier across N children.
 *
 *   process_barrier [--missing] [N]
 *
 * N (default 4) children arrive at a pthread barrier (PTHREAD_PROCESS_SHARED,
 * in a shared anonymous mapping) at different times: child i works i * 100 ms
 * first. Each counts itself in before waiting; once through, each checks
 * that all N had arrived, so nobody passed early. With --missing the barrier
 * waits for N + 1 and one never comes: the children wait forever, which is
 * why such a run wants a bound (corral --time-limit ends it with 124).
 * Exits 1 if a child passed before everyone arrived. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
	pthread_barrier_t barrier;
	int arrived;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "process_barrier: %s: %s\n", what, strerror(err));
	exit(1);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int missing = 0, a = 1;
	if (a < argc && strcmp(argv[a], "--missing") == 0) {
		missing = 1;
		a++;
	}
	int n = a < argc ? atoi(argv[a++]) : 4;
	if (a < argc || n < 1 || n > 64) {
		fprintf(stderr, "usage: process_barrier [--missing] [N 1-64]\n");
		return 2;
	}
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		die("mmap", errno);
	pthread_barrierattr_t ba;
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	int r = pthread_barrier_init(&s->barrier, &ba, (unsigned)(n + missing));
	if (r)
		die("barrier init", r);
	printf("barrier for %d processes, %d children%s\n", n + missing, n,
	       missing ? " (one will never come)" : "");

	for (int c = 1; c <= n; c++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork", errno);
		if (pid != 0)
			continue;
		struct timespec work = {c / 10, (c % 10) * 100 * 1000 * 1000L};
		nanosleep(&work, NULL);
		int here = __atomic_add_fetch(&s->arrived, 1, __ATOMIC_SEQ_CST);
		printf("child %d (PID %d): arrived (%d of %d)\n", c, (int)getpid(), here, n + missing);
		r = pthread_barrier_wait(&s->barrier);
		if (r && r != PTHREAD_BARRIER_SERIAL_THREAD)
			die("barrier wait", r);
		int seen = __atomic_load_n(&s->arrived, __ATOMIC_SEQ_CST);
		printf("child %d: passed, %d of %d had arrived\n", c, seen, n);
		_exit(seen == n ? 0 : 1);
	}
	int bad = 0;
	for (int c = 0; c < n; c++) {
		int st;
		while (wait(&st) < 0)
			if (errno != EINTR)
				die("wait", errno);
		bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	printf("%s\n", bad ? "a child passed EARLY" : "all children passed together");
	return bad ? 1 : 0;
}

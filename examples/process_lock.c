/* process_lock: a process-shared mutex around a critical section.
 *
 *   process_lock [--no-lock] [CHILDREN [LINES]]
 *
 * CHILDREN (default 4) processes each print LINES (default 5) lines, and
 * they write every line one byte at a time, yielding the CPU between bytes,
 * so that without mutual exclusion the lines would come out shredded. A
 * pthread mutex with PTHREAD_PROCESS_SHARED, in a shared anonymous mapping,
 * makes each line a critical section: one process at a time, whole lines.
 * A counter of processes inside the section checks it; with --no-lock it
 * goes above 1 and the lines interleave. Exits 1 if two processes were ever
 * inside at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	pthread_mutex_t lock;
	int inside, most_inside;
};

static void die(const char *what)
{
	fprintf(stderr, "process_lock: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void slow_print(const char *line)
{
	for (const char *p = line; *p; p++) {
		if (write(STDOUT_FILENO, p, 1) != 1)
			die("write");
		sched_yield();
	}
}

int main(int argc, char **argv)
{
	int use_lock = 1, a = 1;
	if (a < argc && strcmp(argv[a], "--no-lock") == 0) {
		use_lock = 0;
		a++;
	}
	int children = a < argc ? atoi(argv[a++]) : 4;
	int lines = a < argc ? atoi(argv[a++]) : 5;
	if (a < argc || children < 1 || children > 64 || lines < 1) {
		fprintf(stderr, "usage: process_lock [--no-lock] [CHILDREN [LINES]]\n");
		return 2;
	}
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		die("mmap");
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	if (pthread_mutex_init(&s->lock, &ma))
		die("mutex init");

	for (int c = 1; c <= children; c++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid != 0)
			continue;
		for (int l = 1; l <= lines; l++) {
			char line[128];
			snprintf(line, sizeof(line), "child %d (PID %d): line %d of %d, byte by byte\n",
				 c, (int)getpid(), l, lines);
			if (use_lock)
				pthread_mutex_lock(&s->lock);
			int n = __atomic_add_fetch(&s->inside, 1, __ATOMIC_SEQ_CST);
			int m = __atomic_load_n(&s->most_inside, __ATOMIC_SEQ_CST);
			while (n > m && !__atomic_compare_exchange_n(&s->most_inside, &m, n, 0,
								     __ATOMIC_SEQ_CST,
								     __ATOMIC_SEQ_CST))
				;
			slow_print(line);
			__atomic_sub_fetch(&s->inside, 1, __ATOMIC_SEQ_CST);
			if (use_lock)
				pthread_mutex_unlock(&s->lock);
		}
		_exit(0);
	}
	for (int c = 0; c < children; c++)
		while (wait(NULL) < 0)
			if (errno != EINTR)
				die("wait");
	printf("at most %d process(es) inside the critical section at once\n", s->most_inside);
	return s->most_inside == 1 ? 0 : 1;
}

/* deadlock: two processes, each holding the lock the other wants.
 *
 *   deadlock
 *
 * Two process-shared mutexes live in a shared anonymous mapping. Process A
 * takes lock 1, process B takes lock 2; a process-shared barrier makes sure
 * both hold their first lock before either asks for its second. Then A asks
 * for lock 2 and B for lock 1, and neither can ever proceed: the program
 * hangs forever. That is the point. Run it with a time limit (corral
 * --time-limit 2s) and corral ends it with 124 and the verdict "timeout".
 * Exits 1 if both processes somehow finish, because then no deadlock
 * happened. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	pthread_mutex_t lock[2];
	pthread_barrier_t both_hold;
};

static void fail(const char *what, int err)
{
	fprintf(stderr, "deadlock: %s: %s\n", what, strerror(err));
	exit(1);
}

static void worker(struct shared *s, const char *name, int first, int second)
{
	int r = pthread_mutex_lock(&s->lock[first]);
	if (r)
		fail("lock", r);
	printf("process %s (PID %d): holds lock %d\n", name, (int)getpid(), first + 1);
	r = pthread_barrier_wait(&s->both_hold);
	if (r && r != PTHREAD_BARRIER_SERIAL_THREAD)
		fail("barrier", r);
	printf("process %s (PID %d): waits for lock %d ...\n", name, (int)getpid(), second + 1);
	r = pthread_mutex_lock(&s->lock[second]); /* never returns */
	if (r)
		fail("lock", r);
	printf("process %s: got both locks\n", name);
	_exit(0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		fail("mmap", errno);

	pthread_mutexattr_t ma;
	pthread_barrierattr_t ba;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	for (int i = 0; i < 2; i++)
		if (pthread_mutex_init(&s->lock[i], &ma))
			fail("mutex init", errno);
	if (pthread_barrier_init(&s->both_hold, &ba, 2))
		fail("barrier init", errno);

	pid_t a = fork();
	if (a < 0)
		fail("fork", errno);
	if (a == 0)
		worker(s, "A", 0, 1);
	pid_t b = fork();
	if (b < 0)
		fail("fork", errno);
	if (b == 0)
		worker(s, "B", 1, 0);
	printf("parent PID %d: A is %d, B is %d; waiting for them (forever)\n", (int)getpid(),
	       (int)a, (int)b);

	for (int i = 0; i < 2; i++)
		while (wait(NULL) < 0)
			if (errno != EINTR)
				fail("wait", errno);
	printf("both finished: no deadlock happened\n");
	return 1;
}

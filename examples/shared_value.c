/* shared_value: a counter in shared memory, incremented under a lock.
 *
 *   shared_value [--no-lock] [--leave] [CHILDREN [ROUNDS]]
 *
 * A System V shared memory segment (key 0x636f7272, "corr") holds a counter
 * and a process-shared mutex. CHILDREN (default 4) processes each add 1 to
 * the counter ROUNDS (default 100000) times, taking the mutex around every
 * increment. The parent checks the total is exactly CHILDREN * ROUNDS; with
 * --no-lock the increments race and updates get lost.
 *
 * System V segments outlive the processes that use them until someone
 * removes them (IPC_RMID). With --leave the program does not, on purpose:
 * inside corral the segment belongs to the sandbox's IPC namespace and the
 * kernel destroys it with the namespace, so nothing is left on the host.
 * Exits 1 if the total is not exact. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEY 0x636f7272

struct shared {
	pthread_mutex_t lock;
	volatile long counter;
};

static void die(const char *what)
{
	fprintf(stderr, "shared_value: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int use_lock = 1, leave = 0, a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--no-lock") == 0)
			use_lock = 0;
		else if (strcmp(argv[a], "--leave") == 0)
			leave = 1;
		else
			break;
	}
	int children = a < argc ? atoi(argv[a++]) : 4;
	long rounds = a < argc ? atol(argv[a++]) : 100000;
	if (a < argc || children < 1 || children > 256 || rounds < 1) {
		fprintf(stderr, "usage: shared_value [--no-lock] [--leave] [CHILDREN [ROUNDS]]\n");
		return 2;
	}

	int id = shmget(KEY, sizeof(struct shared), IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		die("shmget key 0x636f7272");
	struct shared *s = shmat(id, NULL, 0);
	if (s == (void *)-1)
		die("shmat");
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	if (pthread_mutex_init(&s->lock, &ma))
		die("mutex init");
	printf("segment key 0x%x id %d: counter 0, %d children x %ld increments, %s\n", KEY, id,
	       children, rounds, use_lock ? "under a lock" : "WITHOUT a lock");

	for (int i = 0; i < children; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			for (long r = 0; r < rounds; r++) {
				if (use_lock)
					pthread_mutex_lock(&s->lock);
				s->counter = s->counter + 1;
				if (use_lock)
					pthread_mutex_unlock(&s->lock);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < children; i++)
		while (wait(NULL) < 0)
			if (errno != EINTR)
				die("wait");

	long want = (long)children * rounds, got = s->counter;
	printf("total %ld, expected %ld: %s\n", got, want, got == want ? "exact" : "UPDATES LOST");
	shmdt(s);
	if (leave)
		printf("leaving segment key 0x%x in place (no IPC_RMID)\n", KEY);
	else if (shmctl(id, IPC_RMID, NULL) < 0)
		die("shmctl IPC_RMID");
	return got == want ? 0 : 1;
}

/* process_semaphore: a POSIX named semaphore bounding concurrency.
 *
 *   process_semaphore [--hold] [/NAME]   (NAME: /corral-sem)
 *
 * A named semaphore with value 2 lets at most two of six children into a
 * section at a time; each stays there 50 ms. A shared counter records the
 * most children ever inside at once, which must not exceed 2. With --hold
 * the semaphore keeps its name until SIGUSR1, so one can look for it.
 *
 * glibc keeps a named semaphore as the file /dev/shm/sem.NAME. Whether the
 * host can see it depends on whose /dev/shm that is: with a private tmpfs
 * on /dev/shm in the sandbox it is the sandbox's alone, and it vanishes
 * with the sandbox. Exits 1 if the bound was broken. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILDREN 6
#define BOUND 2

static void die(const char *what)
{
	fprintf(stderr, "process_semaphore: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int hold = argc > 1 && strcmp(argv[1], "--hold") == 0;
	const char *name = argc > 1 + hold ? argv[1 + hold] : "/corral-sem";
	if (argc > 2 + hold || name[0] != '/') {
		fprintf(stderr, "usage: process_semaphore [--hold] [/NAME]\n");
		return 2;
	}
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	int *count = mmap(NULL, 2 * sizeof(int), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (count == MAP_FAILED)
		die("mmap");
	sem_t *sem = sem_open(name, O_CREAT | O_EXCL, 0600, BOUND);
	if (sem == SEM_FAILED)
		die("sem_open");
	printf("semaphore %s (/dev/shm/sem.%s) with value %d, %d children\n", name, name + 1,
	       BOUND, CHILDREN);

	for (int c = 1; c <= CHILDREN; c++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid != 0)
			continue;
		while (sem_wait(sem) < 0)
			if (errno != EINTR)
				die("sem_wait");
		int n = __atomic_add_fetch(&count[0], 1, __ATOMIC_SEQ_CST);
		int m = __atomic_load_n(&count[1], __ATOMIC_SEQ_CST);
		while (n > m && !__atomic_compare_exchange_n(&count[1], &m, n, 0, __ATOMIC_SEQ_CST,
							     __ATOMIC_SEQ_CST))
			;
		printf("child %d (PID %d): inside, %d there now\n", c, (int)getpid(), n);
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
		__atomic_sub_fetch(&count[0], 1, __ATOMIC_SEQ_CST);
		sem_post(sem);
		_exit(0);
	}
	for (int c = 0; c < CHILDREN; c++)
		while (wait(NULL) < 0)
			if (errno != EINTR)
				die("wait");
	printf("at most %d children inside at once (bound %d)\n", count[1], BOUND);

	if (hold) {
		int sig;
		printf("holding semaphore %s until SIGUSR1\n", name);
		sigwait(&usr1, &sig);
	}
	sem_close(sem);
	if (sem_unlink(name) < 0)
		die("sem_unlink");
	return count[1] <= BOUND ? 0 : 1;
}

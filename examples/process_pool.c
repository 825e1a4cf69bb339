/* process_pool: a fixed pool of workers fed over pipes.
 *
 *   process_pool [WORKERS [TASKS]]
 *
 * The parent starts WORKERS (default 4) worker processes, each with its own
 * task pipe, and one result pipe they all share (each result is one write
 * smaller than PIPE_BUF, so results never mix). It hands each worker a task,
 * and hands the next task to whichever worker answers first, until TASKS
 * (default 20) are done; then it closes the task pipes and the workers exit.
 * A task n computes n*n the slow way, so the work spreads over the pool.
 *
 * If a worker cannot be started (fork fails, e.g. with EAGAIN under corral
 * --pids), the parent says so, finishes the work with the workers it has,
 * and exits 1: the pool it was asked for did not exist. Exits 1 also if any
 * result is wrong. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 256

struct result {
	int worker;
	long task, value;
};

static void die(const char *what)
{
	fprintf(stderr, "process_pool: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long slow_square(long n)
{
	volatile long v = 0;
	for (long i = 0; i < n; i++)
		for (long j = 0; j < 1000; j++)
			if (j == 0)
				v += n;
	return v;
}

static void worker(int id, int tasks_fd, int results_fd)
{
	long task;
	while (read(tasks_fd, &task, sizeof(task)) == sizeof(task)) {
		struct result r = {.worker = id, .task = task, .value = slow_square(task)};
		if (write(results_fd, &r, sizeof(r)) != sizeof(r))
			_exit(1);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int asked = argc > 1 ? atoi(argv[1]) : 4;
	long tasks = argc > 2 ? atol(argv[2]) : 20;
	if (argc > 3 || asked < 1 || asked > MAX_WORKERS || tasks < 1) {
		fprintf(stderr, "usage: process_pool [WORKERS 1-%d [TASKS]]\n", MAX_WORKERS);
		return 2;
	}
	/* A worker that died must not kill us with SIGPIPE: we see EPIPE. */
	signal(SIGPIPE, SIG_IGN);

	int results[2];
	if (pipe(results) < 0)
		die("pipe");
	int task_fd[MAX_WORKERS];
	pid_t pid[MAX_WORKERS];
	int started = 0;
	for (int i = 0; i < asked; i++) {
		int p[2];
		if (pipe(p) < 0)
			die("pipe");
		pid[i] = fork();
		if (pid[i] < 0) {
			printf("cannot start worker %d of %d: fork: %s\n", i + 1, asked,
			       strerror(errno));
			close(p[0]);
			close(p[1]);
			break;
		}
		if (pid[i] == 0) {
			close(p[1]);
			close(results[0]);
			/* Only our own task pipe: the earlier workers' write ends
			 * must not stay open here, or they would never see EOF. */
			for (int j = 0; j < i; j++)
				close(task_fd[j]);
			worker(i, p[0], results[1]);
		}
		close(p[0]);
		task_fd[i] = p[1];
		started++;
	}
	close(results[1]);
	printf("pool: %d of %d workers started (PIDs %d..%d)\n", started, asked,
	       started ? (int)pid[0] : 0, started ? (int)pid[started - 1] : 0);
	if (started == 0)
		return 1;

	long next = 1, done = 0, wrong = 0;
	int per_worker[MAX_WORKERS] = {0};
	for (int i = 0; i < started && next <= tasks; i++, next++)
		if (write(task_fd[i], &next, sizeof(next)) != sizeof(next))
			die("send task");
	while (done < tasks) {
		struct result r;
		if (read(results[0], &r, sizeof(r)) != sizeof(r)) {
			fprintf(stderr, "process_pool: results pipe closed after %ld tasks\n", done);
			return 1;
		}
		done++;
		per_worker[r.worker]++;
		if (r.value != r.task * r.task)
			wrong++;
		if (next <= tasks) {
			if (write(task_fd[r.worker], &next, sizeof(next)) != sizeof(next))
				die("send task");
			next++;
		}
	}
	for (int i = 0; i < started; i++)
		close(task_fd[i]); /* EOF: the worker exits */
	for (int i = 0; i < started; i++) {
		int st;
		while (waitpid(pid[i], &st, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		printf("worker %d (PID %d): %d tasks, %s\n", i + 1, (int)pid[i], per_worker[i],
		       WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "exited 0" : "FAILED");
	}
	printf("%ld tasks done, %ld wrong\n", done, wrong);
	if (wrong)
		return 1;
	if (started < asked) {
		printf("the pool ran short: %d of %d workers\n", started, asked);
		return 1;
	}
	return 0;
}

/* queue_communication: producer and consumer over a POSIX message queue.
 *
 *   queue_communication [--hold] [NAME]    run the exchange (NAME: /corral-queue)
 *   queue_communication --probe NAME       is there a queue NAME here? 0 yes, 1 no
 *
 * The parent creates the queue, forks a producer that sends ten numbered
 * messages and "end", and consumes them, checking that all arrive in order.
 * With --hold it then keeps the queue (still named) until SIGUSR1, so one can
 * look for it from outside; corral relays SIGUSR1 to the command.
 *
 * POSIX message queues belong to an IPC namespace: a queue made inside
 * corral exists only in the sandbox's, so --probe finds it neither on the
 * host nor in a second sandbox. Exits 1 if a message is lost or out of
 * order. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG_SIZE 64
#define COUNT 10

static void die(const char *what)
{
	fprintf(stderr, "queue_communication: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int probe(const char *name)
{
	mqd_t q = mq_open(name, O_RDONLY);
	if (q == (mqd_t)-1) {
		if (errno != ENOENT)
			die("mq_open");
		printf("queue %s: not found\n", name);
		return 1;
	}
	mq_close(q);
	printf("queue %s: found\n", name);
	return 0;
}

static void producer(mqd_t q)
{
	char msg[MSG_SIZE];
	for (int i = 1; i <= COUNT; i++) {
		snprintf(msg, sizeof(msg), "item %d", i);
		if (mq_send(q, msg, strlen(msg) + 1, 0) < 0)
			die("mq_send");
	}
	if (mq_send(q, "end", 4, 0) < 0)
		die("mq_send");
	printf("producer PID %d: sent %d items and \"end\"\n", (int)getpid(), COUNT);
	_exit(0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--probe") == 0)
		return probe(argv[2]);
	int hold = argc > 1 && strcmp(argv[1], "--hold") == 0;
	const char *name = argc > 1 + hold ? argv[1 + hold] : "/corral-queue";
	if (argc > 2 + hold || name[0] != '/') {
		fprintf(stderr, "usage: queue_communication [--hold] [/NAME] | --probe /NAME\n");
		return 2;
	}

	/* Block SIGUSR1 now, so it waits for sigwait whenever it comes. */
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	struct mq_attr attr = {.mq_maxmsg = 8, .mq_msgsize = MSG_SIZE};
	mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1)
		die("mq_open");
	printf("consumer PID %d: created queue %s\n", (int)getpid(), name);

	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		producer(q);

	int next = 1, ok = 1;
	char msg[MSG_SIZE + 1];
	for (;;) {
		ssize_t n = mq_receive(q, msg, sizeof(msg), NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("mq_receive");
		}
		msg[n] = '\0';
		if (strcmp(msg, "end") == 0)
			break;
		char want[MSG_SIZE];
		snprintf(want, sizeof(want), "item %d", next);
		if (strcmp(msg, want) != 0)
			ok = 0;
		next++;
	}
	while (waitpid(pid, NULL, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	printf("consumer: received %d items, %s\n", next - 1,
	       ok && next - 1 == COUNT ? "all in order" : "WRONG");

	if (hold) {
		printf("holding queue %s until SIGUSR1\n", name);
		int sig;
		sigwait(&usr1, &sig);
	}
	mq_close(q);
	if (mq_unlink(name) < 0)
		die("mq_unlink");
	printf("consumer: removed queue %s\n", name);
	return ok && next - 1 == COUNT ? 0 : 1;
}

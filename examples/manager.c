/* manager: a manager process serving a key-value store over a Unix socket.
 *
 *   manager [--hold] [NAME]        run the store and its clients (NAME: corral-manager)
 *   manager --connect NAME         try to reach a manager: 0 reached, 1 not
 *
 * The parent forks a manager that listens on the abstract Unix socket
 * @NAME and keeps a small key-value store, one request per message
 * (SOCK_SEQPACKET): "SET key value", "GET key", "QUIT". Three client
 * processes each SET their own key; the parent then GETs every key back
 * and checks the values. With --hold the manager keeps serving until SIGUSR1
 * (so one can try to reach it from outside; corral relays SIGUSR1).
 *
 * An abstract socket has no file: it belongs to a network namespace. Inside
 * corral (net = none) that is the sandbox's own, so from the host --connect
 * gets "Connection refused". Exits 1 if a value comes back wrong. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENTS 3
#define MSG 128

static void die(const char *what)
{
	fprintf(stderr, "manager: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t address(struct sockaddr_un *sa, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	/* sun_path[0] == '\0': the abstract namespace, no file anywhere. */
	size_t n = strnlen(name, sizeof(sa->sun_path) - 2);
	memcpy(sa->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int dial(const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = address(&sa, name);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* One request, one reply. */
static void ask(int fd, const char *req, char *reply)
{
	if (send(fd, req, strlen(req), 0) < 0)
		die("send");
	ssize_t n = recv(fd, reply, MSG - 1, 0);
	if (n < 0)
		die("recv");
	reply[n] = '\0';
}

static void serve(int lfd)
{
	struct {
		char key[32], value[64];
	} store[64];
	int size = 0, quit = 0;

	while (!quit) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		char req[MSG], reply[MSG], key[32], val[64];
		ssize_t n;
		while ((n = recv(c, req, sizeof(req) - 1, 0)) > 0) {
			req[n] = '\0';
			if (sscanf(req, "SET %31s %63s", key, val) == 2 && size < 64) {
				snprintf(store[size].key, sizeof(store[size].key), "%s", key);
				snprintf(store[size].value, sizeof(store[size].value), "%s", val);
				size++;
				snprintf(reply, sizeof(reply), "OK");
			} else if (sscanf(req, "GET %31s", key) == 1) {
				snprintf(reply, sizeof(reply), "NONE");
				for (int i = size - 1; i >= 0; i--)
					if (strcmp(store[i].key, key) == 0) {
						snprintf(reply, sizeof(reply), "%s", store[i].value);
						break;
					}
			} else if (strcmp(req, "QUIT") == 0) {
				snprintf(reply, sizeof(reply), "BYE");
				quit = 1;
			} else {
				snprintf(reply, sizeof(reply), "ERR");
			}
			send(c, reply, strlen(reply), MSG_NOSIGNAL);
		}
		close(c);
	}
	printf("manager: %d keys stored, shutting down\n", size);
	_exit(0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--connect") == 0) {
		int fd = dial(argv[2]);
		if (fd < 0) {
			printf("connect @%s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		char reply[MSG];
		ask(fd, "GET client-1", reply);
		printf("connect @%s: reached the manager (GET client-1 -> %s)\n", argv[2], reply);
		return 0;
	}
	int hold = argc > 1 && strcmp(argv[1], "--hold") == 0;
	const char *name = argc > 1 + hold ? argv[1 + hold] : "corral-manager";
	if (argc > 2 + hold) {
		fprintf(stderr, "usage: manager [--hold] [NAME] | --connect NAME\n");
		return 2;
	}
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	/* Listen before forking, so no client can come too early. */
	struct sockaddr_un sa;
	socklen_t len = address(&sa, name);
	int lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&sa, len) < 0)
		die("bind");
	if (listen(lfd, 16) < 0)
		die("listen");
	pid_t mgr = fork();
	if (mgr < 0)
		die("fork");
	if (mgr == 0)
		serve(lfd);
	close(lfd);
	printf("manager PID %d: serving on @%s\n", (int)mgr, name);

	for (int i = 1; i <= CLIENTS; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char req[MSG], reply[MSG];
			int fd = dial(name);
			if (fd < 0)
				die("connect");
			snprintf(req, sizeof(req), "SET client-%d pid-%d", i, (int)getpid());
			ask(fd, req, reply);
			printf("client PID %d: %s -> %s\n", (int)getpid(), req, reply);
			_exit(strcmp(reply, "OK") != 0);
		}
		int st;
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "manager: client %d failed\n", i);
			return 1;
		}
	}

	/* The clients are gone; their values live on in the manager. */
	int fd = dial(name), ok = 1;
	if (fd < 0)
		die("connect");
	for (int i = 1; i <= CLIENTS + 1; i++) {
		char req[MSG], reply[MSG];
		snprintf(req, sizeof(req), "GET client-%d", i);
		ask(fd, req, reply);
		printf("parent: %s -> %s\n", req, reply);
		if ((i <= CLIENTS) != (strncmp(reply, "pid-", 4) == 0))
			ok = 0;
	}
	close(fd);
	if (hold) {
		/* The manager serves one connection at a time: ours is closed,
		 * so a visitor would be served now. */
		int sig;
		printf("parent: manager keeps serving until SIGUSR1\n");
		sigwait(&usr1, &sig);
	}
	char reply[MSG];
	if ((fd = dial(name)) < 0)
		die("connect");
	ask(fd, "QUIT", reply);
	close(fd);
	while (waitpid(mgr, NULL, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	printf("parent: %s\n", ok ? "every value came back" : "values came back WRONG");
	return ok ? 0 : 1;
}

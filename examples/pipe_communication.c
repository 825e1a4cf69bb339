/* pipe_communication: parent and child over a pipe.
 *
 *   pipe_communication [BYTES]
 *
 * First it lists the file descriptors it was started with (in corral: 0, 1
 * and 2, nothing inherited from the host). Then the parent sends BYTES
 * (default 1 MiB, far more than a pipe holds, so writer and reader take
 * turns) through a pipe, preceded by the length and a checksum; the child
 * reads until EOF and checks both. Exits 1 if the data did not arrive whole. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct header {
	uint64_t length, checksum;
};

static void die(const char *what)
{
	fprintf(stderr, "pipe_communication: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* FNV-1a, to tell whether the bytes arrived unchanged. */
static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static void list_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int fds[256], n = 0;
	if (!d)
		die("open /proc/self/fd");
	while ((de = readdir(d)) && n < 256) {
		int fd = atoi(de->d_name);
		if (de->d_name[0] != '.' && fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	printf("open fds at start:");
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (fds[j] < fds[i]) {
				int t = fds[i];
				fds[i] = fds[j];
				fds[j] = t;
			}
	for (int i = 0; i < n; i++)
		printf(" %d", fds[i]);
	printf("\n");
}

static int child(int rfd)
{
	struct header h;
	size_t got = 0;
	while (got < sizeof(h)) {
		ssize_t r = read(rfd, (char *)&h + got, sizeof(h) - got);
		if (r <= 0)
			die("read header");
		got += (size_t)r;
	}
	unsigned char buf[8192];
	uint64_t total = 0, sum = 0xcbf29ce484222325ULL;
	ssize_t r;
	while ((r = read(rfd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("read");
		}
		sum = fnv(sum, buf, (size_t)r);
		total += (uint64_t)r;
	}
	int whole = total == h.length && sum == h.checksum;
	printf("child  PID %d: received %llu of %llu bytes, checksum %s\n", (int)getpid(),
	       (unsigned long long)total, (unsigned long long)h.length,
	       sum == h.checksum ? "matches" : "DIFFERS");
	return whole ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	long bytes = argc > 1 ? atol(argv[1]) : 1 << 20;
	if (argc > 2 || bytes < 0) {
		fprintf(stderr, "usage: pipe_communication [BYTES]\n");
		return 2;
	}
	list_fds();

	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	printf("pipe: read end %d, write end %d\n", p[0], p[1]);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[1]); /* else the child never sees EOF */
		_exit(child(p[0]));
	}
	close(p[0]);

	unsigned char *data = malloc((size_t)bytes + 1);
	if (!data)
		die("malloc");
	for (long i = 0; i < bytes; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	struct header h = {(uint64_t)bytes, fnv(0xcbf29ce484222325ULL, data, (size_t)bytes)};
	if (write(p[1], &h, sizeof(h)) != sizeof(h))
		die("write header");
	for (long off = 0; off < bytes;) {
		ssize_t w = write(p[1], data + off, (size_t)(bytes - off));
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		off += w;
	}
	close(p[1]);
	free(data);
	printf("parent PID %d: sent %ld bytes to child %d\n", (int)getpid(), bytes, (int)pid);

	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	printf("parent: %s\n", ok ? "the data arrived whole" : "the data did NOT arrive whole");
	return ok ? 0 : 1;
}

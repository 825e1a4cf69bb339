/* relay.c: output-limit (relay.h). Two pipes, made before clone: the
 * sandbox's init gets their write ends as fds 1 and 2 (so the command and
 * everything it starts write there, whatever corral's own fds 1 and 2
 * are: a file, a pipe, a terminal), and the supervisor's event loop reads
 * them and writes what it read to its own fds 1 and 2, counting.
 *
 * The limit is on stdout and stderr together. A read never asks for more
 * than what is left of the limit; once nothing is left, one more byte in
 * either pipe means the command wrote past it: that byte is not relayed,
 * and relay_pump says so (the supervisor kills the sandbox). So exactly
 * `limit` bytes get out, and a command that writes exactly the limit and
 * ends is not over it.
 *
 * The bytes move by splice(2), pipe to fd without a copy through the
 * supervisor; where splice cannot write (a terminal, an O_APPEND file:
 * EINVAL) by read and write, from then on for that fd.
 *
 * Writing to corral's fd 1 or 2 blocks as the command's own write would
 * have (a slow reader slows the command down through the full pipe). When
 * that write fails (the reader has gone: EPIPE), the pipe's read end is
 * closed, so the command's next write fails the same way (SIGPIPE), as it
 * would without the relay. */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <unistd.h>

#include "util.h"

#define RELAY_CHUNK 65536
/* The pipes' size, and what one splice may move: the relay's cost is per
 * turn of the event loop, so fewer, larger turns (measured: 1 GiB to
 * /dev/null takes 2.0 s with 64 KiB pipes, see the report of issue 19). */
#define RELAY_PIPE (1 << 20)

static void drop(int *fd)
{
	if (*fd >= 0)
		close(take_fd(fd));
}

/* Above 2: with corral's fd 1 or 2 closed, a pipe could get that number,
 * and the relay would write into its own pipe. */
static int above_stdio(int *fd)
{
	if (*fd > 2)
		return 0;
	int moved = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (moved < 0)
		return -1;
	close(*fd);
	*fd = moved;
	return 0;
}

int relay_open(struct relay *rl, uint64_t limit, struct corral_error *e)
{
	rl->limit = limit;
	rl->bytes = 0;
	rl->over = false;
	for (int i = 0; i < 2; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0)
			return corral_error_set(e, errno, "output-limit: pipe");
		rl->fd[i] = p[0];
		rl->child[i] = p[1];
		if (above_stdio(&rl->fd[i]) < 0 || above_stdio(&rl->child[i]) < 0)
			return corral_error_set(e, errno, "output-limit: pipe");
		/* The read end only: a file status flag of our side, not the
		 * command's. */
		if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0)
			return corral_error_set(e, errno, "output-limit: pipe");
		/* Best effort: above fs.pipe-max-size (unprivileged) or
		 * the user's pipe quota it stays 64 KiB, which works. */
		fcntl(p[0], F_SETPIPE_SZ, RELAY_PIPE);
	}
	return 0;
}

void relay_child(struct relay *rl)
{
	/* dup2 clears close-on-exec on 1 and 2; the originals go. */
	for (int i = 0; i < 2; i++) {
		if (rl->child[i] >= 0 && dup2(rl->child[i], i + 1) < 0)
			_exit(125);
	}
	relay_close(rl);
}

void relay_parent(struct relay *rl)
{
	drop(&rl->child[0]);
	drop(&rl->child[1]);
}

/* util.c's write_all, but waiting when fd is non-blocking (the caller made
 * it so) and full. */
static int relay_write(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return -1;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* splice from pipe i: 1 when done (moved, or the pipe closed), 0 when
 * splice cannot write to the fd (rl->copy[i] is then set). */
static int relay_splice(struct relay *rl, int i, size_t want)
{
	for (;;) {
		ssize_t n = splice(rl->fd[i], NULL, i + 1, NULL, want, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			rl->bytes += (uint64_t)n;
			return 1;
		}
		if (n == 0) {
			drop(&rl->fd[i]);
			return 1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			/* Nothing to read after all; or the pipe has some and
			 * the fd is full: wait for it, as a blocking write. */
			struct pollfd in = {.fd = rl->fd[i], .events = POLLIN};
			if (poll(&in, 1, 0) <= 0 || !(in.revents & POLLIN))
				return 1;
			struct pollfd out = {.fd = i + 1, .events = POLLOUT};
			if (poll(&out, 1, -1) < 0 && errno != EINTR)
				return 0;
			continue;
		}
		if (errno == EINVAL) {
			rl->copy[i] = true;
			return 0;
		}
		/* The reader has gone (EPIPE), or the fd is bad. */
		drop(&rl->fd[i]);
		return 1;
	}
}

int relay_pump(struct relay *rl, int i)
{
	static char buf[RELAY_CHUNK];
	if (rl->fd[i] < 0)
		return rl->over;
	uint64_t left = rl->limit - rl->bytes;
	if (left > 0 && !rl->copy[i] &&
	    relay_splice(rl, i, left < RELAY_PIPE ? (size_t)left : RELAY_PIPE))
		return 0;
	/* Nothing left: read one byte, to learn whether there is one more. */
	size_t want = left == 0 ? 1 : left < sizeof(buf) ? (size_t)left : sizeof(buf);
	ssize_t n = read(rl->fd[i], buf, want);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		/* EOF: every write end is closed. */
		drop(&rl->fd[i]);
		return 0;
	}
	if (left == 0) {
		rl->over = true;
		drop(&rl->fd[0]);
		drop(&rl->fd[1]);
		return 1;
	}
	if (relay_write(i + 1, buf, (size_t)n) < 0)
		drop(&rl->fd[i]);
	else
		rl->bytes += (uint64_t)n;
	return 0;
}

void relay_drain(struct relay *rl)
{
	for (int i = 0; i < 2; i++) {
		/* Non-blocking: until empty and closed (-1), or empty while
		 * something still holds a write end (the fd stays). */
		while (rl->fd[i] >= 0 && !rl->over) {
			struct pollfd p = {.fd = rl->fd[i], .events = POLLIN};
			if (poll(&p, 1, 0) <= 0)
				break;
			relay_pump(rl, i);
		}
	}
}

void relay_close(struct relay *rl)
{
	for (int i = 0; i < 2; i++) {
		drop(&rl->fd[i]);
		drop(&rl->child[i]);
	}
}

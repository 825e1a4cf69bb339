/* relay.c: output-limit (relay.h). Two pipes, made before clone: the
 * sandbox's init gets their write ends as fds 1 and 2 (so the command and
 * everything it starts write there, whatever corral's own fds 1 and 2
 * are: a file, a pipe, a terminal, a socket), and a relay process reads
 * them and writes what it read to corral's fds 1 and 2, counting.
 *
 * A process of its own, because a write to corral's fd 1 or 2 can block
 * for ever: a pipe whose reader never reads, a terminal stopped by Ctrl-S,
 * a socket whose peer stops reading. The relay blocks there as the
 * command's own write would have, so a slow reader slows the command down
 * through the full pipe; the supervisor never writes for it, so its event
 * loop (the time limits, the signals, job control, the end of the run)
 * goes on, and it can kill a relay that is stuck. Non-blocking writes in
 * the event loop would need O_NONBLOCK on fds 1 and 2, a flag of the open
 * file description that corral shares with the caller's shell, or a
 * reopen through /proc (not for sockets, nor where the file's permissions
 * forbid it); a process needs none of that. The bytes relayed are in
 * memory shared with the supervisor, so they are known even of a relay
 * that was killed.
 *
 * The limit is on stdout and stderr together. A read never asks for more
 * than what is left of the limit; once nothing is left, one more byte in
 * either pipe means the command wrote past it: that byte is not relayed,
 * the relay sets `over` and exits, and the supervisor kills the sandbox.
 * So exactly `limit` bytes get out, and a command that writes exactly the
 * limit and ends is not over it.
 *
 * The bytes move by splice(2), pipe to fd without a copy; to a socket,
 * and where splice cannot write (a terminal, an O_APPEND file: EINVAL), by
 * read and write, from then on for that fd (relay_open says why). When a write fails (the reader has gone:
 * EPIPE), that pipe's read end is closed, so the command's next write
 * fails the same way (SIGPIPE), as it would without the relay.
 *
 * The relay blocks every signal (Ctrl-C and Ctrl-Z go to the supervisor,
 * which decides), so its writes to a terminal are never stopped by
 * SIGTTOU; the supervisor stops and continues it with corral's job, and
 * it dies with the supervisor (PR_SET_PDEATHSIG). */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define RELAY_CHUNK 65536
/* The pipes' size, and what one splice may move: the relay's cost is per
 * call, so fewer, larger ones (measured: 1 GiB to /dev/null takes 2.0 s
 * with 64 KiB pipes, see the report of issue 19). */
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

static int make_pipe(int *rd, int *wr)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*rd = p[0];
	*wr = p[1];
	return above_stdio(rd) < 0 || above_stdio(wr) < 0 ? -1 : 0;
}

int relay_open(struct relay *rl, uint64_t limit, struct corral_error *e)
{
	rl->limit = limit;
	void *sh = mmap(NULL, sizeof(*rl->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			-1, 0);
	if (sh == MAP_FAILED)
		return corral_error_set(e, errno, "output-limit: shared memory");
	rl->sh = sh;
	for (int i = 0; i < 2; i++) {
		if (make_pipe(&rl->fd[i], &rl->child[i]) < 0)
			return corral_error_set(e, errno, "output-limit: pipe");
		/* The read end only: a file status flag of our side, not the
		 * command's (finishing, the relay takes what is there and
		 * does not wait for more). */
		if (fcntl(rl->fd[i], F_SETFL, O_NONBLOCK) < 0)
			return corral_error_set(e, errno, "output-limit: pipe");
		/* Best effort: above fs.pipe-max-size (unprivileged) or
		 * the user's pipe quota it stays 64 KiB, which works. */
		fcntl(rl->fd[i], F_SETPIPE_SZ, RELAY_PIPE);
	}
	if (make_pipe(&rl->ctl[0], &rl->ctl[1]) < 0)
		return corral_error_set(e, errno, "output-limit: pipe");
	/* splice holds the pipe's lock while it writes: where that write can
	 * wait for ever (a socket whose peer stops reading), the command's
	 * next write would wait for the lock, uninterruptibly, and not even
	 * SIGKILL would end it. So splice only to a pipe (non-blocking, the
	 * wait is a poll outside the lock), a file, a block or character
	 * device (a terminal refuses: EINVAL, read and write then); to
	 * anything else, read and write. */
	for (int i = 0; i < 2; i++) {
		struct stat st;
		rl->copy[i] = fstat(i + 1, &st) == 0 && !S_ISFIFO(st.st_mode) && !S_ISREG(st.st_mode) &&
			      !S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode);
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
	for (int i = 0; i < 2; i++) {
		drop(&rl->fd[i]);
		drop(&rl->child[i]);
		drop(&rl->ctl[i]);
	}
	drop(&rl->pidfd);
}

void relay_parent(struct relay *rl)
{
	drop(&rl->child[0]);
	drop(&rl->child[1]);
}

/* util.c's write_all, but waiting when fd is non-blocking (the caller of
 * corral made it so) and full. */
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

static void count(struct relay *rl, size_t n)
{
	__atomic_store_n(&rl->sh->bytes, rl->sh->bytes + n, __ATOMIC_RELAXED);
}

/* splice from pipe i: 1 when done (moved, or the pipe closed), 0 when
 * splice cannot write to the fd (rl->copy[i] is then set). */
static int relay_splice(struct relay *rl, int i, size_t want)
{
	for (;;) {
		ssize_t n = splice(rl->fd[i], NULL, i + 1, NULL, want, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			count(rl, (size_t)n);
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
			 * the fd (a pipe too) is full: wait for it, as a
			 * blocking write. */
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

/* Relay one read from pipe i (0: stdout, 1: stderr) to fd 1 or 2. Returns
 * 1 when the command has written past the limit, else 0. */
static int pump(struct relay *rl, int i)
{
	static char buf[RELAY_CHUNK];
	uint64_t left = rl->limit - rl->sh->bytes;
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
	if (left == 0)
		return 1;
	if (relay_write(i + 1, buf, (size_t)n) < 0)
		drop(&rl->fd[i]);
	else
		count(rl, (size_t)n);
	return 0;
}

/* Close every fd above 2 but the relay's own. */
static void close_others(struct relay *rl)
{
	int keep[3] = {rl->fd[0], rl->fd[1], rl->ctl[0]};
	for (int i = 1; i < 3; i++)
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	unsigned from = 3;
	for (int i = 0; i < 3; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

/* The relay process: until both pipes are closed, or the supervisor says
 * finish and what they hold has gone out; exit status 1 when the command
 * wrote past the limit. */
static __attribute__((noreturn)) void relay_main(struct relay *rl, pid_t parent)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	drop(&rl->ctl[1]);
	drop(&rl->child[0]);
	drop(&rl->child[1]);
	close_others(rl);
	bool finish = false;
	while (rl->fd[0] >= 0 || rl->fd[1] >= 0) {
		struct pollfd p[3] = {
			{.fd = rl->fd[0], .events = POLLIN},
			{.fd = rl->fd[1], .events = POLLIN},
			{.fd = finish ? -1 : rl->ctl[0], .events = POLLIN},
		};
		if (poll(p, 3, finish ? 0 : -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(2);
		}
		if (p[2].revents)
			finish = true;
		bool any = false;
		for (int i = 0; i < 2; i++) {
			if (!p[i].revents)
				continue;
			any = true;
			if (pump(rl, i)) {
				__atomic_store_n(&rl->sh->over, 1, __ATOMIC_RELAXED);
				_exit(1);
			}
		}
		/* Finishing: until nothing is left to read (a process
		 * outside the sandbox may still hold a write end). */
		if (finish && !any && !p[2].revents)
			break;
	}
	_exit(0);
}

int relay_start(struct relay *rl, struct corral_error *e)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return corral_error_set(e, errno, "output-limit: fork the relay");
	if (pid == 0)
		relay_main(rl, parent);
	rl->pid = pid;
	/* Our child, not yet reaped: the pid is its own. */
	rl->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	drop(&rl->fd[0]);
	drop(&rl->fd[1]);
	drop(&rl->ctl[0]);
	if (rl->pidfd < 0)
		return corral_error_set(e, errno, "output-limit: pidfd_open");
	return 0;
}

void relay_finish(struct relay *rl)
{
	drop(&rl->ctl[1]);
}

void relay_stop(struct relay *rl, bool stop)
{
	if (rl->pid > 0)
		kill(rl->pid, stop ? SIGSTOP : SIGCONT);
}

bool relay_reap(struct relay *rl, bool kill_it)
{
	if (rl->pid > 0) {
		if (kill_it)
			kill(rl->pid, SIGKILL);
		while (waitpid(rl->pid, NULL, 0) < 0 && errno == EINTR)
			;
		rl->pid = 0;
	}
	drop(&rl->pidfd);
	return rl->sh && __atomic_load_n(&rl->sh->over, __ATOMIC_RELAXED);
}

uint64_t relay_bytes(const struct relay *rl)
{
	return rl->sh ? __atomic_load_n(&rl->sh->bytes, __ATOMIC_RELAXED) : 0;
}

void relay_close(struct relay *rl)
{
	relay_reap(rl, true);
	for (int i = 0; i < 2; i++) {
		drop(&rl->fd[i]);
		drop(&rl->child[i]);
		drop(&rl->ctl[i]);
	}
	if (rl->sh)
		munmap(rl->sh, sizeof(*rl->sh));
	rl->sh = NULL;
}

/* sync.c: what init and the command send the supervisor over the sync
 * socket (sync.h). One sender for every SYNC_ERROR, so that a set-up
 * failure reads the same wherever it happens. */
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

int sync_send(int fd, const struct sync_msg *m)
{
	return sync_send_fd(fd, m, -1);
}

int sync_send_fd(int fd, const struct sync_msg *m, int passed)
{
	struct iovec iov = {.iov_base = (void *)m, .iov_len = sizeof(*m)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (passed >= 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &passed, sizeof(int));
	}
	/* MSG_NOSIGNAL: a peer that is gone is an error, not SIGPIPE. */
	while (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

ssize_t sync_recv_fd(int fd, int flags, struct sync_msg *m, int *passed)
{
	struct iovec iov = {.iov_base = m, .iov_len = sizeof(*m)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	ssize_t n;
	*passed = -1;
	while ((n = recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(passed, CMSG_DATA(c), sizeof(int));
	return n;
}

/* Sync point 2: a set-up step failed. */
void sync_failv(int fd, int code, int err, const char *fmt, va_list ap)
{
	struct sync_msg m = {.type = SYNC_ERROR, .code = code};
	int n = vsnprintf(m.text, sizeof(m.text), fmt, ap);
	if (err > 0 && n >= 0 && (size_t)n < sizeof(m.text))
		snprintf(m.text + n, sizeof(m.text) - (size_t)n, ": %s", strerror(err));
	/* Nobody to tell when this fails: the supervisor is gone, and the
	 * exit status below is all that is left. */
	sync_send(fd, &m);
	_exit(code);
}

void sync_fail(int fd, int code, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sync_failv(fd, code, err, fmt, ap);
}

void launch_unmap_filter(struct launch *l)
{
	if (l->shared)
		munmap(l->shared, sizeof(*l->shared));
	l->shared = NULL;
}

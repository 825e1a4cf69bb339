/* sync.c: what init and the command send the supervisor over the sync
 * socket (sync.h). One sender for every SYNC_ERROR, so that a set-up
 * failure reads the same wherever it happens. */
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int sync_send(int fd, const struct sync_msg *m)
{
	/* MSG_NOSIGNAL: a supervisor that is gone is an error, not SIGPIPE. */
	while (send(fd, m, sizeof(*m), MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
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

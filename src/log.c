/* log.c: messages to stderr as `corral: error: ...`, filtered by verbosity. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int verbosity = CORRAL_NORMAL;

/* strerror's English text, without its locale and translation machinery
 * (two locks and a catalogue lookup: page faults in init, where an error
 * set and then dropped, such as a bind-try source that is absent, is part
 * of every launch). corral's messages are English anyway. */
static const char *error_text(int err)
{
	const char *text = strerrordesc_np(err);
	return text ? text : strerror(err);
}

void log_printable(char *s)
{
	for (unsigned char *c = (unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
		else if (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
			c[0] = c[1] = '?'; /* U+0080..U+009F: C1 controls, CSI among them */
}

int corral_error_set(struct corral_error *e, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	log_printable(e->msg);
	if (err > 0 && n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", error_text(err));
	e->err = err;
	return err > 0 ? -err : -1;
}

int corral_error_prefix(struct corral_error *e, const char *fmt, ...)
{
	char head[512], old[sizeof(e->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	log_printable(head);
	size_t n = strlen(head);
	if (n + 2 >= sizeof(e->msg))
		n = sizeof(e->msg) - 3;
	memcpy(e->msg, head, n);
	memcpy(e->msg + n, ": ", 2);
	size_t rest = sizeof(e->msg) - n - 3;
	size_t ol = strnlen(old, rest);
	memcpy(e->msg + n + 2, old, ol);
	e->msg[n + 2 + ol] = '\0';
	return e->err > 0 ? -e->err : -1;
}

void log_set_verbosity(int v) { verbosity = v; }
int log_verbosity(void) { return verbosity; }

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char buf[2048];
	int n = snprintf(buf, sizeof(buf), "corral: %s", level);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	/* One line of text: what a message quotes (a path, a #! line) may
	 * come from a file the sandbox wrote, and must not drive the
	 * terminal (escape sequences) or forge a line. */
	log_printable(buf);
	/* One write per line, so lines from several processes never interleave. */
	size_t len = strlen(buf);
	if (len + 1 < sizeof(buf)) {
		buf[len++] = '\n';
		buf[len] = '\0';
	}
	int saved = errno;
	fputs(buf, stderr);
	fflush(stderr);
	errno = saved;
}

#define DEFINE_LOG(fn, level, min)                                              \
	void fn(const char *fmt, ...)                                           \
	{                                                                       \
		if (verbosity < (min))                                          \
			return;                                                 \
		va_list ap;                                                     \
		va_start(ap, fmt);                                              \
		vlog(level, fmt, ap);                                           \
		va_end(ap);                                                     \
	}

DEFINE_LOG(log_error, "error: ", CORRAL_QUIET)
DEFINE_LOG(log_warn, "warning: ", CORRAL_NORMAL)
DEFINE_LOG(log_note, "", CORRAL_NORMAL)
DEFINE_LOG(log_info, "", CORRAL_VERBOSE)
DEFINE_LOG(log_debug, "debug: ", CORRAL_DEBUG)

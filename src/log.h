/* log.h: the error record that travels up the call chain, and stderr output. */
#pragma once

#include <stdarg.h>

/* An error: the errno behind it (0 if none) and a message with context. */
struct corral_error {
	int err;
	char msg[1024];
};

enum corral_verbosity {
	CORRAL_QUIET = -1,
	CORRAL_NORMAL = 0,
	CORRAL_VERBOSE = 1,
	CORRAL_DEBUG = 2,
};

/* Record an error and return -1 (or -err when err > 0), so a caller can write
 * `return corral_error_set(err, errno, "mount %s", path);`. The errno's text
 * is appended as ": <strerror>" when err is non-zero. */
int corral_error_set(struct corral_error *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix context to an existing message: "what: <old message>". */
int corral_error_prefix(struct corral_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* s as one line of printable text, in place: C0 and C1 control characters
 * (escape sequences, newlines) and DEL become '?'. Every message and error
 * goes through it. */
void log_printable(char *s);

void log_set_verbosity(int v);
int log_verbosity(void);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What the user asked for happened, said once (not under -q): */
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* execerr.h: why execve failed, in words that name the real cause. */
#pragma once

#include <stddef.h>

/* After execvp(argv0) failed with err, inside the sandbox: the message
 * (without "corral: error: ") and the exit status, as a shell would say
 * them. A directory, a script whose #! interpreter is missing and a binary
 * whose loader is missing are named as such (126); otherwise 127 "command
 * not found" for ENOENT, 126 "cannot execute" with err's text. */
int execerr_explain(const char *argv0, int err, char *msg, size_t size);

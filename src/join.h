/* join.h: corral --join PID -- COMMAND, a command run inside a running
 * sandbox, no more privileged than what runs there. */
#pragma once

#include <sys/types.h>

#include "log.h"

/* Run argv inside the sandbox of the corral whose pid is supervisor (what
 * --list shows), and wait for it: 0 with *status its exit status as a run's
 * (the command's, 128+N, 126, 127; 125 when the set-up inside failed, said
 * on stderr), or -1 with e set when the sandbox cannot be joined. */
int join_run(pid_t supervisor, char **argv, int *status, struct corral_error *e);

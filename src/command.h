/* command.h: the command's own set-up between fork and execve. */
#pragma once

#include "spec.h"
#include "sync.h"

/* In the child of init: session and terminal, fds, chdir, environment, ids,
 * capabilities, no_new_privs, seccomp last, execve. On failure, a SYNC_ERROR
 * goes to the supervisor and the process exits 125, 126 or 127. */
__attribute__((noreturn)) void command_exec(const struct corral_spec *spec, struct launch *l);

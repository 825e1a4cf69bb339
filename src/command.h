/* command.h: the command's own set-up between fork and execve. */
#pragma once

#include "log.h"
#include "spec.h"
#include "sync.h"

/* In the child of init: session and terminal, fds, chdir, environment, ids,
 * capabilities, no_new_privs, seccomp last, execve. On failure, a SYNC_ERROR
 * goes to the supervisor and the process exits 125, 126 or 127. */
__attribute__((noreturn)) void command_exec(const struct corral_spec *spec, struct launch *l);

/* The command's environment from the caller's, as spec says: clearenv,
 * unsetenv, setenv (NAME alone passes the caller's NAME). Also for a joined
 * command (join.c). 0, or -1 with e set. */
int command_environment(const struct corral_spec *spec, struct corral_error *e);

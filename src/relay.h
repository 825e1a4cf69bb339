/* relay.h: output-limit. The command's stdout and stderr become pipes that
 * a small relay process, the supervisor's child, passes on to corral's own
 * fds 1 and 2, counting the bytes: past the limit it relays nothing more,
 * says so and exits, and the supervisor kills the sandbox. Without the
 * limit there is no relay at all (nothing here is created). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "log.h"

/* Written by the relay process, read by the supervisor (shared memory: it
 * is still there when the relay has been killed). */
struct relay_shared {
	uint64_t bytes; /* relayed so far */
	int over;       /* the command wrote past the limit */
};

struct relay {
	int fd[2];        /* read ends, for stdout and stderr: the relay process's */
	int child[2];     /* write ends, until the sandbox has them */
	int ctl[2];       /* closing ctl[1] tells the relay to finish */
	int pidfd;        /* of the relay process; -1 when none runs */
	pid_t pid;        /* the relay process; 0 when none runs */
	uint64_t limit;   /* bytes, stdout and stderr together */
	bool copy[2];     /* splice cannot write to that fd: read and write */
	struct relay_shared *sh;
};

#define RELAY_OFF {.fd = {-1, -1}, .child = {-1, -1}, .ctl = {-1, -1}, .pidfd = -1}

/* Make the pipes (all close-on-exec) and the shared counter. */
int relay_open(struct relay *rl, uint64_t limit, struct corral_error *e);
/* Start the relay process; in the supervisor, rl->pidfd is then readable
 * when it has exited. */
int relay_start(struct relay *rl, struct corral_error *e);
/* In the sandbox, before anything else: the write ends become fds 1 and 2;
 * the rest is closed. */
void relay_child(struct relay *rl);
/* In the supervisor after clone: close the write ends. */
void relay_parent(struct relay *rl);
/* The sandbox is gone: relay what the pipes still hold, then exit. */
void relay_finish(struct relay *rl);
/* Stop (SIGSTOP) or continue the relay process, with corral's job. */
void relay_stop(struct relay *rl, bool stop);
/* Reap the relay process (it has exited: rl->pidfd was readable, or kill
 * it first). Returns true when the command wrote past the limit. */
bool relay_reap(struct relay *rl, bool kill_it);
/* Bytes relayed so far. */
uint64_t relay_bytes(const struct relay *rl);
/* Kill and reap the relay process if it still runs; close everything. */
void relay_close(struct relay *rl);

/* relay.h: output-limit. The command's stdout and stderr become pipes that
 * the supervisor relays to its own fds 1 and 2, counting the bytes: past
 * the limit, nothing more is relayed and the supervisor kills the sandbox.
 * Without the limit there is no relay at all (nothing here is created). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

struct relay {
	int fd[2];        /* read ends, for stdout and stderr; -1 when done or off */
	int child[2];     /* write ends, until the sandbox has them */
	uint64_t limit;   /* bytes, stdout and stderr together */
	uint64_t bytes;   /* relayed so far */
	bool over;        /* the command wrote past the limit */
	bool copy[2];     /* splice cannot write to that fd: read and write */
};

#define RELAY_OFF {.fd = {-1, -1}, .child = {-1, -1}}

/* Make the pipes (the read ends non-blocking, all four close-on-exec). */
int relay_open(struct relay *rl, uint64_t limit, struct corral_error *e);
/* In the sandbox, before anything else: the write ends become fds 1 and 2;
 * the rest is closed. */
void relay_child(struct relay *rl);
/* In the supervisor after clone: close the write ends. */
void relay_parent(struct relay *rl);
/* Relay one read from pipe i (0: stdout, 1: stderr) to fd 1 or 2. Returns
 * 1 when the command has written past the limit (rl->over), else 0. */
int relay_pump(struct relay *rl, int i);
/* Once the sandbox is gone: relay what the pipes still hold. */
void relay_drain(struct relay *rl);
void relay_close(struct relay *rl);

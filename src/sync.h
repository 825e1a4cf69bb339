/* sync.h: the messages on the SOCK_SEQPACKET socket between the supervisor
 * and the sandbox (init and the command). One message per datagram, so a
 * message is never torn, whoever writes it. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct sock_fprog;

enum sync_type {
	SYNC_GO = 1, /* supervisor -> init: maps written, cgroup attached; go */
	SYNC_ERROR,  /* init or command -> supervisor: set-up failed; code is the exit status */
	SYNC_STATUS, /* init -> supervisor: the command's wait status, then init exits */
	SYNC_LISTENER, /* command -> supervisor: the seccomp listener, as SCM_RIGHTS */
};

struct sync_msg {
	int type;
	int code;            /* SYNC_ERROR: 125, 126 or 127 */
	int err;             /* SYNC_ERROR: errno, 0 if none */
	int wstatus;         /* SYNC_STATUS: as from waitpid */
	unsigned reaped;     /* SYNC_STATUS: processes other than the command init reaped */
	char text[1024];     /* SYNC_ERROR: the message */
};

/* What init needs to know that is not in the spec. */
struct launch {
	int sync_fd;         /* init's end of the socket */
	bool foreground;     /* corral owned the terminal: hand it to the command */
	char cwd[4096];      /* where the command starts (mounts_setup); "" to stay */
	bool unshare_cgroupns; /* in a cgroup: unshare the cgroup ns after GO */
	const struct sock_fprog *seccomp; /* the command's filter, built by the supervisor; NULL: none */
	bool seccomp_notify;  /* load it with a listener, and hand that to the supervisor */
};

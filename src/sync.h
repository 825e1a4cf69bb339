/* sync.h: the messages on the SOCK_SEQPACKET socket between the supervisor
 * and the sandbox (init and the command). One message per datagram, so a
 * message is never torn, whoever writes it. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>

#include <linux/filter.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>

#include "namespaces.h"

struct guard;
struct overlay_state;

enum sync_type {
	SYNC_GO = 1, /* supervisor -> init, in a user namespace: maps written; build the sandbox */
	SYNC_ERROR,  /* init or command -> supervisor: set-up failed; code is the exit status */
	SYNC_STATUS, /* init -> supervisor: the command's wait status, then init exits */
	SYNC_LISTENER, /* command -> supervisor: the seccomp listener, as SCM_RIGHTS */
	SYNC_STOPPED,  /* init -> supervisor: the command stopped (job control) */
	SYNC_READY,    /* supervisor -> init: in the run's cgroup, network up, time limits armed; fork the command (with the network namespace as SCM_RIGHTS when made beside) */
	SYNC_NAMESPACES, /* init -> supervisor, in a run without a filter: the namespaces the command is forked into, for the run's record */
};

struct sync_msg {
	int type;
	int code;            /* SYNC_ERROR: 125, 126 or 127 */
	int wstatus;         /* SYNC_STATUS, SYNC_STOPPED: as from waitpid */
	bool held_tty;       /* SYNC_STOPPED: the command's group held the terminal */
	unsigned reaped;     /* SYNC_STATUS: processes other than the command init reaped */
	struct namespaces_id ns[NAMESPACES_KINDS]; /* SYNC_NAMESPACES: by namespaces_kinds; code: 0, or the errno that kept init from telling */
	char text[1024];     /* SYNC_ERROR: the message, as corral prints it */
};

/* Send one message, retrying on EINTR; 0 or -errno. */
int sync_send(int fd, const struct sync_msg *m);
/* The same with the fd passed along (SCM_RIGHTS) unless it is negative. */
int sync_send_fd(int fd, const struct sync_msg *m, int passed);
/* Receive one message (flags as for recv: MSG_DONTWAIT), retrying on EINTR,
 * and the fd passed with it (close-on-exec; -1 when none; room for one: the
 * kernel closes any more); returns what recvmsg returned. */
ssize_t sync_recv_fd(int fd, int flags, struct sync_msg *m, int *passed);
/* Set-up failed in init or the command: send SYNC_ERROR with the exit status
 * code (125, 126 or 127) and the message fmt, followed by ": strerror(err)"
 * when err > 0 (as corral_error_set words it), then _exit(code). */
__attribute__((noreturn, format(printf, 4, 5))) void sync_fail(int fd, int code, int err,
							       const char *fmt, ...);
__attribute__((noreturn, format(printf, 4, 0))) void sync_failv(int fd, int code, int err,
								const char *fmt, va_list ap);

/* The command's seccomp filter on its way to init. The supervisor builds
 * it into memory mapped shared before clone: after clone, beside init's
 * set-up, or before clone with pasta (launch.c). init reads it once READY
 * has come; the supervisor never reads it back. */
struct launch_filter {
	uint32_t len;
	struct sock_filter insns[BPF_MAXINSNS];
};

/* What init needs to know that is not in the spec. */
struct launch {
	int sync_fd;         /* init's end of the socket */
	int tty_fd;          /* corral's controlling terminal among 0, 1, 2; -1: none */
	bool foreground;     /* corral owned the terminal: hand it to the command */
	char cwd[4096];      /* where the command starts (mounts_setup); "" to stay */
	bool wait_go;        /* a user namespace: wait for GO (the maps) before anything */
	bool spread;         /* the supervisor moves init off its CPU: take affinity back before the fork */
	cpu_set_t affinity;  /* the CPUs corral was allowed, for the command */
	bool unshare_cgroupns; /* with a cgroup: unshare the cgroup ns after READY */
	bool net_beside;     /* the network namespace comes with READY, made by the supervisor */
	bool caller_root;    /* corral runs as root: bind sources are resolved warily */
	const struct sock_fprog *seccomp; /* the command's filter (&filter); NULL: none */
	struct launch_filter *shared; /* where the supervisor puts it, before READY */
	struct sock_fprog filter;     /* init's view of *shared, once READY has come */
	bool seccomp_notify;  /* load it with a listener, and hand that to the supervisor */
	const struct guard *guard; /* guard.c's mounts, made first by mounts_setup */
	const struct overlay_state *overlay; /* UPPERs checked and locked, work dirs made (overlay.c) */
};

/* Unmap l->shared, once the filter is copied (supervisor) or the command
 * has it (init); NULL after. */
void launch_unmap_filter(struct launch *l);

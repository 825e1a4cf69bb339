/* run.h: the state of one run, shared by the supervisor's steps
 * (supervisor.c: the event loop, collect, restore) and its launch
 * (launch.c). Private to those two files. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>
#include <linux/filter.h>

#include "cgroup.h"
#include "guard.h"
#include "net.h"
#include "notify.h"
#include "overlay.h"
#include "relay.h"
#include "report.h"
#include "spec.h"
#include "sync.h"

/* The state of one run, shared by its steps (supervisor_run). */
struct run {
	const struct corral_spec *spec;
	struct corral_result *res;

	/* prepare */
	struct sock_fprog filter; /* the command's seccomp filter; empty: none */
	struct net_pasta pasta;   /* net = pasta: its binary; pid once started */
	bool notify_on;           /* the command hands over a seccomp listener */
	struct notify nt;         /* nt.fd: that listener, -1 until it comes */
	/* block_signals */
	sigset_t old_mask;
	sigset_t ignored; /* ignored when corral started: not relayed */
	int sig_fd;
	/* the terminal: corral's controlling terminal among fds 0, 1, 2 */
	int tty_fd;          /* -1: none */
	bool tty_given;      /* the command's group holds it: take it back at the end */
	bool have_tio;
	struct termios tio;  /* its settings before the run, restored after */
	/* launch_init */
	int sync_fd;              /* our end of the sync socket */
	int child_end;            /* init's end, until clone */
	int timer_fd;             /* the time limit; -1 without one */
	int cpu_timer_fd;         /* when to look at the CPU-time limit; -1 without one */
	unsigned cpu_rate;        /* CPUs the sandbox can use at once */
	struct corral_cgroup *cg; /* NULL: no cgroup */
	struct relay relay;       /* output-limit: the command's stdout, stderr (relay.c) */
	struct launch l;          /* what init needs that is not in the spec */
	struct guard guard;       /* what later runs trust, out of reach (guard.c) */
	struct overlay_state ov;  /* overlay UPPERs locked, their work dirs (overlay.c) */
	pid_t pid;                /* init; 0 when there is none to kill */
	int pidfd;

	/* the event loop */
	int sync_poll;  /* sync_fd until it hangs up, then -1 */
	bool init_gone; /* init has exited: the loop's last turn */
	bool killed;    /* the kill grace ran out: SIGKILL sent */
	unsigned stops; /* SIGTERM and SIGINT taken so far */
	bool stop_asked; /* a SIGTSTP relayed since the last continue */
	bool recorded;   /* the run's record is written (with a filter at once, else at sync point 1c) */

	/* timing, for -vv */
	double start;
};

/* The sync socket, the timers; clone init (on a v2 host into the cgroup,
 * made first); in a user namespace write its maps and release it (sync
 * point 1); then, while init builds the sandbox, make what the command
 * needs and let init fork it (sync point 1b). In the child this never
 * returns: init_main runs. */
int launch_init(struct run *r, struct corral_error *e);
/* Arm the timer fd usec from now. */
int launch_set_timer(int fd, uint64_t usec, struct corral_error *e);
/* Arm the CPU-time limit's next look at the cgroup; 1 when it is used up. */
int launch_arm_cpu_timer(struct run *r, struct corral_error *e);
/* Read one sync message (supervisor.c); 1 if taken, 0 at EOF or nothing
 * pending. */
int supervisor_read_message(int fd, int flags, struct corral_result *res, struct notify *nt,
			    struct sync_msg *mp);

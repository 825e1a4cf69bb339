/* supervisor.c: the process outside the sandbox.
 *
 * Theory of operation.
 *
 *   corral (supervisor)              init (PID 1 inside)          command (PID 2)
 *   block signals, socketpair(sync)
 *   clone(CLONE_NEW*) -------------> recv(sync) ...
 *   write setgroups, uid/gid maps
 *   [sync 1] send GO --------------> PDEATHSIG, mounts, host name, lo
 *                                    fork ----------------------> session, fds, env, ids,
 *                                    sigwaitinfo loop: reap,      no_new_privs, execve
 *                                    relay                        [sync 2] on failure:
 *   <------------------------------------------------------------ SYNC_ERROR, exit 125..127
 *   <---------------- [sync 3] SYNC_STATUS (command's wait status), exit
 *                                          [sync 2a] seccomp-log, --learn: SYNC_LISTENER
 *   <------------------------------------------------------------ with the listener fd (notify.c)
 *   poll: pidfd of init, signalfd, timerfd, sync socket, seccomp listener
 *   wait4(init): status, rusage -> report_verdict
 *
 * The fds: the sync socket (SOCK_SEQPACKET, close-on-exec, so the command's
 * copy is gone once execve succeeds), the pidfd of init from clone, a
 * signalfd for the signals we relay, and a timerfd for the time limit.
 * Everything the sandbox holds dies with init: PR_SET_PDEATHSIG kills init
 * when we die, and the kernel kills the rest of the PID namespace with it. */
#include "supervisor.h"

#include <errno.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "init.h"
#include "namespaces.h"
#include "notify.h"
#include "seccomp.h"
#include "sync.h"

/* Kill and reap a child whose set-up was abandoned. */
static void cleanup_pid(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
}
#define _cleanup_pid_ __attribute__((cleanup(cleanup_pid)))

/* clone3 with a pidfd; clone as the fallback on kernels before 5.3. Both
 * return 0 in the child, which then runs on a copy of this stack, as after
 * fork. With cgroup_fd >= 0 the child is born in that cgroup v2
 * (CLONE_INTO_CGROUP, 5.7+); no fallback then: the caller retries without. */
static pid_t clone_init(unsigned long flags, int *pidfd, int cgroup_fd)
{
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	long pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && errno == ENOSYS && cgroup_fd < 0)
		pid = syscall(SYS_clone, flags | CLONE_PIDFD | SIGCHLD, NULL, pidfd, NULL, 0);
	return (pid_t)pid;
}

/* Arm the timer usec from now. A failure must not go unnoticed: the time
 * limit would silently never fire. */
static int set_timer(int fd, uint64_t usec, struct corral_error *e)
{
	struct itimerspec its = {.it_value = {.tv_sec = (time_t)(usec / 1000000),
					      .tv_nsec = (long)(usec % 1000000) * 1000}};
	if (timerfd_settime(fd, 0, &its, NULL) < 0)
		return corral_error_set(e, errno, "arm the timer of the time limit");
	return 0;
}

static void take_message(const struct sync_msg *m, struct corral_result *res)
{
	if (m->type == SYNC_ERROR && !res->error_code) {
		res->error_code = m->code;
		snprintf(res->error, sizeof(res->error), "%s", m->text);
	} else if (m->type == SYNC_STATUS) {
		res->have_wstatus = true;
		res->wstatus = m->wstatus;
		res->reaped = m->reaped;
	}
}

/* Read one message; 1 if taken, 0 at EOF or nothing pending. A listener
 * (SYNC_LISTENER, its fd as SCM_RIGHTS) goes to nt; any other fd is closed. */
static int read_message(int fd, int flags, struct corral_result *res, struct notify *nt)
{
	struct sync_msg m;
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	ssize_t n = recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (n == sizeof(m) && m.type == SYNC_LISTENER && nt && nt->fd < 0)
				nt->fd = got;
			else
				close(got);
		}
	}
	if (n != sizeof(m))
		return 0;
	take_message(&m, res);
	return 1;
}

int supervisor_run(const struct corral_spec *spec, struct corral_result *res,
		   struct corral_error *e)
{
	double start = now_ms();
	int sv[2];
	sigset_t mask, old;

	/* Block what we relay, before clone: init inherits the mask and takes
	 * its signals with sigwaitinfo; we take ours from a signalfd. SIGTTOU
	 * lets us hand the terminal back at the end. */
	sigemptyset(&mask);
	for (unsigned i = 0; i < init_relayed_count; i++)
		sigaddset(&mask, init_relayed_signals[i]);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTTOU);
	sigaddset(&mask, SIGTTIN);
	sigaddset(&mask, SIGPIPE);
	/* The seccomp filter, first: its errors come before anything exists. */
	__attribute__((cleanup(seccomp_filter_free))) struct sock_fprog filter = {0};
	bool notify_on = (spec->seccomp && spec->seccomp_log) || spec->learn;
	__attribute__((cleanup(notify_free))) struct notify nt = {.fd = -1};
	if (notify_on && notify_init(&nt, spec, e) < 0)
		return -1;
	if (spec->seccomp || spec->learn) {
		double t0 = now_ms();
		if (seccomp_filter_build(spec, &filter, e) < 0)
			return -1;
		log_debug("seccomp: filter ready in %.3f ms", now_ms() - t0);
		res->seccomp_kill = seccomp_filter_kills(spec);
	}

	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
		return corral_error_set(e, errno, "block the signals corral relays");

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return corral_error_set(e, errno, "socketpair");
	_cleanup_close_ int sync_fd = sv[0];
	_cleanup_close_ int child_end = sv[1];
	_cleanup_close_ int sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	_cleanup_close_ int timer_fd = -1;
	if (sig_fd < 0)
		return corral_error_set(e, errno, "signalfd");
	if (spec->time_limit != CORRAL_UNSET) {
		timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (timer_fd < 0)
			return corral_error_set(e, errno, "timerfd");
	}

	/* Before clone, so the command is never outside it; declared before
	 * pid, so that on error init is killed before the cgroup is removed. */
	_cleanup_cgroup_ struct corral_cgroup *cg = NULL;
	if (cgroup_create(spec, &cg, e) < 0)
		return -1;
	/* cgroup = auto without a writable cgroup: the report must not claim them. */
	res->limits_skipped = !cg && cgroup_wanted(spec);

	struct launch l = {
		.sync_fd = child_end,
		.foreground = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp(),
		.seccomp = spec->seccomp || spec->learn ? &filter : NULL,
		.seccomp_notify = notify_on,
	};
	unsigned long flags = namespaces_clone_flags(spec);
	int cgroup_fd = cgroup_clone_fd(cg);
	/* A cgroup namespace made by clone is rooted at the caller's cgroup,
	 * even with CLONE_INTO_CGROUP (copy_cgroup_ns takes current's css_set
	 * before the child moves): init unshares its own once in the run's
	 * cgroup (after GO), so the sandbox sees the run's cgroup as its root. */
	if (cg && (flags & CLONE_NEWCGROUP)) {
		flags &= ~(unsigned long)CLONE_NEWCGROUP;
		l.unshare_cgroupns = true;
	}
	_cleanup_close_ int pidfd = -1;
	_cleanup_pid_ pid_t pid = clone_init(flags, &pidfd, cgroup_fd);
	if (pid < 0 && cgroup_fd >= 0) {
		log_debug("clone3 into the cgroup: %s; attaching after clone", strerror(errno));
		cgroup_fd = -1;
		pid = clone_init(flags, &pidfd, -1);
	}
	if (pid < 0) {
		int err = errno;
		pid = 0;
		corral_error_set(e, 0, "clone the sandbox: %s%s", strerror(err),
				 namespaces_clone_hint(flags, geteuid() == 0, err));
		e->err = err;
		return -err;
	}
	if (pid == 0) {
		close(sync_fd);
		close(sig_fd);
		init_main(spec, &l);
	}
	close(take_fd(&child_end));
	double t_clone = now_ms(), t_status = 0;

	if ((flags & CLONE_NEWUSER) && namespaces_write_maps(pid, spec, e) < 0)
		return -1;
	if (cg && cgroup_fd < 0 && cgroup_attach(cg, pid, e) < 0)
		return -1;

	/* Sync point 1: release init. */
	struct sync_msg go = {.type = SYNC_GO};
	if (send(sync_fd, &go, sizeof(go), MSG_NOSIGNAL) < 0)
		return corral_error_set(e, errno, "release the sandbox");
	if (timer_fd >= 0 && set_timer(timer_fd, spec->time_limit, e) < 0)
		return -1;

	/* The event loop: until init is gone. */
	bool sync_open = true, killed = false;
	unsigned stops = 0; /* SIGTERM and SIGINT taken so far */
	for (;;) {
		struct pollfd p[5] = {
			{.fd = pidfd, .events = POLLIN},
			{.fd = sig_fd, .events = POLLIN},
			{.fd = sync_open ? sync_fd : -1, .events = POLLIN},
			{.fd = timer_fd, .events = POLLIN},
			{.fd = nt.fd, .events = POLLIN},
		};
		if (poll(p, 5, -1) < 0) {
			if (errno == EINTR)
				continue;
			return corral_error_set(e, errno, "poll");
		}
		if (p[2].revents & POLLIN) {
			read_message(sync_fd, MSG_DONTWAIT, res, &nt);
			if (res->have_wstatus && !t_status)
				t_status = now_ms();
		}
		else if (p[2].revents & (POLLHUP | POLLERR))
			sync_open = false;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				int sig = (int)si.ssi_signo;
				/* A second SIGTERM or SIGINT means "now": the command
				 * ignored the first, so kill the sandbox (and still
				 * write the report), as a second Ctrl-C does elsewhere. */
				if ((sig == SIGTERM || sig == SIGINT) && stops++ > 0)
					sig = SIGKILL;
				if (sig != SIGCHLD && sig != SIGTTOU && sig != SIGTTIN && sig != SIGPIPE)
					kill(pid, sig);
			}
		}
		/* Once init is gone the limit cannot have ended the command. */
		if ((p[3].revents & POLLIN) && !(p[0].revents & POLLIN)) {
			uint64_t ticks;
			if (read(timer_fd, &ticks, sizeof(ticks)) < 0)
				ticks = 0;
			if (!res->timed_out) {
				/* init relays SIGTERM to the command's group. */
				res->timed_out = true;
				kill(pid, SIGTERM);
				if (set_timer(timer_fd, spec->kill_grace, e) < 0)
					return -1;
			} else if (!killed) {
				/* Killing PID 1 kills the whole PID namespace;
				 * the cgroup holds whatever left it (share pid). */
				killed = true;
				kill(pid, SIGKILL);
				cgroup_kill(cg);
			}
		}
		/* One notification per turn: a flood of them still leaves
		 * signals, the time limit and init's exit their turn. */
		if (p[4].revents & POLLIN) {
			if (!notify_handle(&nt, res))
				p[4].revents |= POLLHUP;
		}
		if (p[4].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* Every filtered process is gone. */
			close(nt.fd);
			nt.fd = -1;
		}
		if (p[0].revents & POLLIN)
			break;
	}

	int st;
	pid_t w;
	while ((w = wait4(pid, &st, 0, &res->rusage)) < 0 && errno == EINTR)
		;
	pid = 0; /* reaped: nothing for the cleanup to do */
	res->wall_ms = now_ms() - start;
	if (log_verbosity() >= CORRAL_DEBUG) {
		double end = start + res->wall_ms;
		log_debug("phases: to clone %.3f ms, sandbox up to command's end %.3f ms, "
			  "init's exit and reap %.3f ms",
			  t_clone - start, (t_status ? t_status : end) - t_clone,
			  t_status ? end - t_status : 0.0);
	}
	cgroup_collect(cg, res);
	if (w > 0) {
		res->have_rusage = true;
		/* Messages init sent before it exited. */
		while (read_message(sync_fd, MSG_DONTWAIT, res, &nt))
			;
		if (!res->have_wstatus) {
			res->have_wstatus = true;
			res->wstatus = st;
		}
	}

	if (spec->learn && notify_learned(&nt, res, e) < 0)
		return -1;

	/* Hand the terminal back from the command's process group. */
	if (l.foreground)
		tcsetpgrp(STDIN_FILENO, getpgrp());
	if (sigprocmask(SIG_SETMASK, &old, NULL) < 0)
		return corral_error_set(e, errno, "restore the signal mask");
	return 0;
}

/* supervisor.c: the process outside the sandbox.
 *
 * Theory of operation (docs/ARCHITECTURE.md tells the whole story).
 *
 *   corral (supervisor)              init (PID 1 inside)          command (PID 2)
 *   prepare: seccomp filter
 *   block_signals: mask, signalfd
 *   launch_init (launch.c): socketpair(sync),
 *   timerfd, cgroup (v2 host),
 *   clone(CLONE_NEW*) -------------> PDEATHSIG; with a user ns: recv(sync)
 *   user ns: write uid_map,
 *   setgroups, gid_map
 *   [sync 1] user ns: send GO -----> mounts, host name, lo
 *   cgroup (v1, hybrid) and attach,  (beside the supervisor's work)
 *   pasta, arm the time limits       recv(sync) ...
 *   [sync 1b] send READY ----------> unshare cgroupns
 *   with a filter: record, the       fork ----------------------> session, fds, env, ids,
 *   run's record for --list and      without a filter, its        no_new_privs, execve
 *   --join (runtime.c)               namespaces (the command's
 *                                    at its birth):
 *   <---------------- [sync 1c] SYNC_NAMESPACES
 *   without a filter: record, with
 *   the namespaces
 *                                    sigwaitinfo loop: reap,
 *                                    relay                        [sync 2] on failure:
 *   <------------------------------------------------------------ SYNC_ERROR, exit 125..127
 *   <---------------- [sync 3] SYNC_STATUS (command's wait status), exit
 *                                          [sync 2a] seccomp-log, --learn: SYNC_LISTENER
 *   <------------------------------------------------------------ with the listener fd (notify.c)
 *                                    the command stops (Ctrl-Z):
 *   <---------------- [sync 4] SYNC_STOPPED: corral stops itself the same way;
 *   SIGCONT (fg, bg) -------------> SIGCONT by sigqueue: the terminal first
 *                                    if corral is in the foreground
 *   event_loop: poll the sources (pidfd of init, sync socket, signalfd,
 *   timerfd, seccomp listener, output-limit's relay process) until init
 *   has exited
 *   collect: wait4(init): status, rusage, cgroup usage -> report_verdict;
 *   relay_wait: the relay passes on what is left (signals, time limit act)
 *   restore: the terminal (its process group, its settings), the signal mask
 *
 * The fds: the sync socket (SOCK_SEQPACKET, close-on-exec, so the command's
 * copy is gone once execve succeeds), the pidfd of init from clone, a
 * signalfd for the signals we relay, and a timerfd for the time limit;
 * with output-limit, two pipes that are the command's stdout and stderr,
 * which a relay process (our child, relay.c) passes on to ours: its writes
 * may block, the event loop never does; the loop polls its pidfd. Without
 * it, the command's fds 1 and 2 are corral's own.
 * Everything the sandbox holds dies with init: PR_SET_PDEATHSIG kills init
 * when we die, and the kernel kills the rest of the PID namespace with it. */
#include "supervisor.h"
#include "run.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cgroup.h"
#include "init.h"
#include "net.h"
#include "notify.h"
#include "overlay.h"
#include "relay.h"
#include "runtime.h"
#include "seccomp.h"
#include "sync.h"
#include "timeline.h"

/* Whatever the run still holds, on every way out: init is killed and
 * reaped before its cgroup is removed. */
static void run_end(struct run *r)
{
	runtime_unregister();
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
			;
		r->pid = 0;
	}
	net_pasta_stop(&r->pasta);
	closep(&r->pidfd);
	/* init is gone, and with it the overlays: their work dirs can go. */
	overlay_cleanup(&r->ov);
	cgroup_destroy(&r->cg);
	closep(&r->timer_fd);
	closep(&r->cpu_timer_fd);
	relay_close(&r->relay);
	closep(&r->child_end);
	closep(&r->sync_fd);
	closep(&r->sig_fd);
	notify_free(&r->nt);
	seccomp_filter_free(&r->filter);
	launch_unmap_filter(&r->l);
}

static void take_message(const struct sync_msg *m, struct corral_result *res)
{
	if (m->type == SYNC_ERROR && !res->error_code) {
		res->error_code = m->code;
		snprintf(res->error, sizeof(res->error), "%s", m->text);
		/* It may quote a file of the sandbox's (a #! line): the
		 * reports and stderr get one line of text. */
		log_printable(res->error);
	} else if (m->type == SYNC_STATUS) {
		timeline_mark(TIMELINE_STATUS);
		res->have_wstatus = true;
		res->wstatus = m->wstatus;
		res->reaped = m->reaped;
	}
}

/* Read one message into m; 1 if taken, 0 at EOF or nothing pending. A
 * listener (SYNC_LISTENER, its fd as SCM_RIGHTS) goes to nt; any other fd is
 * closed. */
int supervisor_read_message(int fd, int flags, struct corral_result *res, struct notify *nt,
			    struct sync_msg *mp)
{
	struct sync_msg m;
	int got;
	ssize_t n = sync_recv_fd(fd, flags, &m, &got);
	if (got >= 0 && n == sizeof(m) && m.type == SYNC_LISTENER && nt && nt->fd < 0)
		nt->fd = got;
	else if (got >= 0)
		close(got);
	if (n != sizeof(m))
		return 0;
	take_message(&m, res);
	if (mp)
		*mp = m;
	return 1;
}

/* What can fail on the spec alone, before anything exists: the listener's
 * buffers, pasta. The seccomp filter is launch.c's to build (after clone,
 * beside init's set-up, but with pasta); nothing of the command runs
 * before it is. */
static int prepare(struct run *r, struct corral_error *e)
{
	const struct corral_spec *spec = r->spec;
	r->notify_on = (spec->seccomp && spec->seccomp_log) || spec->learn;
	if (r->notify_on && notify_init(&r->nt, spec, e) < 0)
		return -1;
	if (spec->seccomp || spec->learn)
		r->res->seccomp_kill = seccomp_filter_kills(spec);
	if (spec->net == CORRAL_NET_PASTA && net_pasta_prepare(spec, &r->pasta, e) < 0)
		return -1;
	return 0;
}

/* Block what we relay, before clone: init inherits the mask and takes its
 * signals with sigwaitinfo; we take ours from a signalfd. SIGTTOU lets us
 * hand the terminal back at the end. A signal the caller ignored (nohup,
 * trap '') is not relayed, and stays ignored in the command, as across
 * execve; but SIGCHLD, without which init could not reap. */
static int block_signals(struct run *r, struct corral_error *e)
{
	if (signals_ignored(&r->ignored) < 0) {
		sigemptyset(&r->ignored);
		for (int sig = 1; sig < NSIG; sig++) {
			struct sigaction sa;
			if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
				sigaddset(&r->ignored, sig);
		}
	}
	sigdelset(&r->ignored, SIGCHLD);
	signal(SIGCHLD, SIG_DFL);
	sigset_t mask;
	sigemptyset(&mask);
	for (unsigned i = 0; i < init_relayed_count; i++)
		if (!sigismember(&r->ignored, init_relayed_signals[i]))
			sigaddset(&mask, init_relayed_signals[i]);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTTOU);
	sigaddset(&mask, SIGTTIN);
	sigaddset(&mask, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &mask, &r->old_mask) < 0)
		return corral_error_set(e, errno, "block the signals corral relays");
	r->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->sig_fd < 0)
		return corral_error_set(e, errno, "signalfd");
	return 0;
}

/* The event loop's sources: each turn polls the fd of every row (a
 * negative fd is skipped: absent, or done with), then calls the handler of
 * each that is ready, in this order, with its revents. A handler returns 0,
 * or -1 with e set to end the run with an error. The loop ends after the
 * turn in which init exited, so every handler still sees that turn.
 *
 * A new source is a field of struct run for its fd (-1 when there is none),
 * a handler, and a row here. */
struct source {
	size_t fd;    /* offsetof(struct run, the fd) */
	short events; /* for poll */
	int (*ready)(struct run *r, short revents, struct corral_error *e);
};

static int init_ready(struct run *r, short revents, struct corral_error *e)
{
	if (revents & POLLIN) {
		r->init_gone = true;
		timeline_mark(TIMELINE_GONE);
	}
	return 0;
}

/* The job continues (fg, bg, or any SIGCONT to corral): continue the
 * command, and when corral's process group holds the terminal (fg), init
 * first hands it to the command's group. */
static void job_continue(struct run *r)
{
	bool fg = r->tty_fd >= 0 && !r->spec->new_session && tcgetpgrp(r->tty_fd) == getpgrp();
	sigqueue(r->pid, SIGCONT, (union sigval){.sival_int = fg ? INIT_CONT_FOREGROUND : 0});
	r->stop_asked = false;
	relay_stop(&r->relay, false);
	if (fg)
		r->tty_given = true;
}

/* Whether a stop of the command is its job's, for a shell to see: corral
 * shares the caller's terminal and session with the command (Ctrl-Z, a
 * read of the terminal in the background), or a SIGTSTP to corral asked
 * for it (Ctrl-Z at a new-session run, where the terminal signals corral's
 * group). Any other stop is the command's own (it can always SIGSTOP
 * itself): copied onto corral, it would freeze the time limits with corral
 * while the sandbox's other processes run on, with no shell to continue
 * it (a judge, a CI job, a service). */
static bool stop_is_the_jobs(const struct run *r)
{
	return r->stop_asked || (r->tty_fd >= 0 && !r->spec->new_session);
}

/* The command stopped (Ctrl-Z: SIGTSTP; reading or writing the terminal in
 * the background: SIGTTIN, SIGTTOU; SIGSTOP): when that is the job's stop,
 * stop corral with the same signal, so that the shell sees its job stopped
 * and takes the terminal back, as su and sudo do. The terminal goes back to
 * corral's group first when the command's held it. Here until SIGCONT.
 * Otherwise corral runs on, its limits with it, and the command stays
 * stopped until a SIGCONT to corral or the end of the run. */
static void job_stop(struct run *r, const struct sync_msg *m)
{
	int sig = WSTOPSIG(m->wstatus);
	/* Asked for by a SIGTSTP (init stops a new session's group with
	 * SIGSTOP): the shell sees a Ctrl-Z, "Stopped", not "Stopped (signal)". */
	if (r->stop_asked && sig == SIGSTOP)
		sig = SIGTSTP;
	if (!stop_is_the_jobs(r)) {
		log_debug("the command stopped (%s), not at a shell's job control: corral and its "
			  "limits go on",
			  strsignal(sig));
		return;
	}
	log_debug("the command stopped (%s): stopping corral too", strsignal(sig));
	if (m->held_tty && r->tty_fd >= 0) {
		tcsetpgrp(r->tty_fd, getpgrp());
		r->tty_given = false;
	}
	sigset_t one, prev, pending;
	sigemptyset(&one);
	sigaddset(&one, sig);
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
	bool saved = sigaction(sig, &dfl, &old) == 0; /* not for SIGSTOP */
	/* The output relay stops with the job (the shell's SIGCONT to our
	 * group continues it). */
	relay_stop(&r->relay, true);
	/* Blocked here (SIGTTIN, SIGTTOU, SIGTSTP) it waits until the unblock,
	 * which stops us on its way back; SIGCONT (blocked: we relay it) then
	 * waits in the signalfd. */
	kill(getpid(), sig);
	sigprocmask(SIG_UNBLOCK, &one, &prev);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	if (saved)
		sigaction(sig, &old, NULL);
	/* No SIGCONT pending: the stop was discarded (the kernel ignores
	 * SIGTSTP, SIGTTIN and SIGTTOU in a process group without job
	 * control), so nobody will continue us: continue the command now. */
	if (sigpending(&pending) == 0 && sigismember(&pending, SIGCONT) != 1)
		job_continue(r);
}

/* The run's record, for corral --list and --join (runtime.c); removed by
 * run_end. A run goes on without one (said under -v: stderr is the
 * command's too): it only cannot be listed or joined.
 *
 * A run without a filter (seccomp = no) is recorded when init has said
 * which namespaces it forked the command into (sync point 1c, m): such a
 * command may make namespaces of its own, and --join enters only these
 * (join.c). Only init can say, once it has unshared the cgroup namespace
 * after READY, and it is not dumpable from then on, so a rootless
 * supervisor could not look at its /proc/PID/ns. Without them (m->code)
 * the record names none, and the run can be listed but not joined. Every
 * filter denies new namespaces, so a run with one (m NULL) is recorded at
 * once, beside init's fork of the command, and names none: telling them
 * would cost init /proc lookups (0.1 to 0.3 ms here) on every launch.
 *
 * The filter a joined command loads is the command's, but under
 * seccomp-log: there, a denied call waits for an answer only this
 * supervisor gives, and only to its own command (a notification nobody
 * listens for is ENOSYS). The joined command gets the same lists with the
 * action itself, the answer we would have given (--learn is not joined). */
static void record(struct run *r, const struct sync_msg *m)
{
	struct corral_error e = {0};
	if (r->recorded)
		return;
	r->recorded = true;
	if (m && m->code)
		log_info("this run cannot be joined: init could not tell its namespaces: %s",
			 strerror(m->code));
	double t0 = now_ms();
	struct sock_fprog acting = {0};
	const struct sock_fprog *filter = r->filter.len ? &r->filter : NULL;
	if (filter && r->spec->seccomp_log && !r->spec->learn) {
		struct corral_spec plain = *r->spec;
		plain.seccomp_log = false;
		filter = seccomp_filter_build(&plain, &acting, &e) < 0 ? NULL : &acting;
	}
	if (e.msg[0] ||
	    runtime_register(r->spec, r->pid, r->cg, filter, m && !m->code ? m->ns : NULL, &e) < 0)
		log_info("this run cannot be listed or joined: %s", e.msg);
	else
		log_debug("record: written in %.3f ms", now_ms() - t0);
	seccomp_filter_free(&acting);
}

/* Messages from init and the command: init's namespaces (sync point 1c),
 * errors (2), the seccomp listener (2a), the command's status (3), its
 * stops (4). */
static int sync_ready(struct run *r, short revents, struct corral_error *e)
{
	if (revents & POLLIN) {
		struct sync_msg m;
		int got = supervisor_read_message(r->sync_fd, MSG_DONTWAIT, r->res, &r->nt, &m);
		if (got && m.type == SYNC_STOPPED && !r->init_gone)
			job_stop(r, &m);
		if (got && m.type == SYNC_NAMESPACES && !r->init_gone)
			record(r, &m);
		/* Hung up and read to the end: poll would say POLLIN again at
		 * once, and the loop would spin until init's exit is complete. */
		if (!got && (revents & (POLLHUP | POLLERR)))
			r->sync_poll = -1;
	} else if (revents & (POLLHUP | POLLERR)) {
		r->sync_poll = -1;
	}
	return 0;
}

/* Signals to corral go to init, which relays them to the command's group. */
static int signals_ready(struct run *r, short revents, struct corral_error *e)
{
	struct signalfd_siginfo si;
	while (read(r->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;
		/* A second SIGTERM or SIGINT means "now": the command ignored
		 * the first, so kill the sandbox (and still write the report),
		 * as a second Ctrl-C does elsewhere. */
		if ((sig == SIGTERM || sig == SIGINT) && r->stops++ > 0)
			sig = SIGKILL;
		if (sig == SIGTSTP)
			r->stop_asked = true;
		if (sig == SIGCONT)
			job_continue(r);
		else if (sig != SIGCHLD && sig != SIGTTOU && sig != SIGTTIN && sig != SIGPIPE)
			kill(r->pid, sig);
	}
	return 0;
}

/* SIGKILL now: killing PID 1 kills the whole PID namespace; the cgroup
 * holds whatever left it. */
static void kill_sandbox(struct run *r)
{
	r->killed = true;
	kill(r->pid, SIGKILL);
	cgroup_kill(r->cg);
}

/* The time limit: SIGTERM, then after the kill grace SIGKILL. */
static int timer_ready(struct run *r, short revents, struct corral_error *e)
{
	/* Once init is gone the limit cannot have ended the command; nor
	 * once the output limit has killed it. */
	if (!(revents & POLLIN) || r->init_gone || r->res->output_limited)
		return 0;
	uint64_t ticks;
	if (read(r->timer_fd, &ticks, sizeof(ticks)) < 0)
		ticks = 0;
	if (!r->res->timed_out) {
		/* init relays SIGTERM to the command's group, then SIGCONT: a
		 * command that stopped itself acts on it too (as timeout(1)). */
		r->res->timed_out = true;
		kill(r->pid, SIGTERM);
		kill(r->pid, SIGCONT);
		return launch_set_timer(r->timer_fd, r->spec->kill_grace, e);
	}
	if (!r->killed)
		kill_sandbox(r);
	return 0;
}

/* The CPU-time limit: when the sandbox has used it up, SIGKILL at once
 * (a CPU budget has no grace: isolate's --time kills the same way). */
static int cpu_timer_ready(struct run *r, short revents, struct corral_error *e)
{
	uint64_t ticks;
	if (!(revents & POLLIN) || read(r->cpu_timer_fd, &ticks, sizeof(ticks)) < 0 ||
	    r->init_gone || r->res->timed_out || r->res->cpu_timed_out || r->res->output_limited)
		return 0;
	int used_up = launch_arm_cpu_timer(r, e);
	if (used_up <= 0)
		return used_up;
	r->res->cpu_timed_out = true;
	kill_sandbox(r);
	return 0;
}

/* output-limit: relay what the command wrote; past the limit, SIGKILL at
 * once (unless a time limit ended it first), as isolate's --fsize does
 * with SIGXFSZ. */
static int output_over(struct run *r)
{
	if (!r->res->timed_out && !r->res->cpu_timed_out)
		r->res->output_limited = true;
	if (!r->init_gone)
		kill_sandbox(r);
	return 0;
}

/* The output relay has exited: past the limit, or both pipes closed. */
static int relay_ready(struct run *r, short revents, struct corral_error *e)
{
	return relay_reap(&r->relay, false) ? output_over(r) : 0;
}

/* seccomp-log and --learn: the calls the filter hands to us. */
static int listener_ready(struct run *r, short revents, struct corral_error *e)
{
	/* One notification per turn: a flood of them still leaves signals,
	 * the time limit and init's exit their turn. */
	if ((revents & POLLIN) && !notify_handle(&r->nt, r->res))
		revents |= POLLHUP;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* Every filtered process is gone. */
		close(take_fd(&r->nt.fd));
	}
	return 0;
}

static const struct source sources[] = {
	{offsetof(struct run, pidfd), POLLIN, init_ready},
	{offsetof(struct run, sync_poll), POLLIN, sync_ready},
	{offsetof(struct run, sig_fd), POLLIN, signals_ready},
	{offsetof(struct run, timer_fd), POLLIN, timer_ready},
	{offsetof(struct run, cpu_timer_fd), POLLIN, cpu_timer_ready},
	{offsetof(struct run, relay.pidfd), POLLIN, relay_ready},
	{offsetof(struct run, nt.fd), POLLIN, listener_ready}, /* last: event_loop pauses it */
};
#define N_SOURCES ARRAY_SIZE(sources)

static int *source_fd(struct run *r, const struct source *src)
{
	return (int *)((char *)r + src->fd);
}

/* Until init is gone. */
static int event_loop(struct run *r, struct corral_error *e)
{
	struct pollfd p[N_SOURCES];
	while (!r->init_gone) {
		/* The listener waits while notify.c's CPU governor says so:
		 * the callers wait in the kernel, outside the supervisor. */
		int pause = r->nt.fd >= 0 ? notify_pause_ms(&r->nt) : 0;
		for (size_t i = 0; i < N_SOURCES; i++)
			p[i] = (struct pollfd){.fd = *source_fd(r, &sources[i]),
					       .events = sources[i].events};
		if (pause)
			p[N_SOURCES - 1].fd = -1;
		if (poll(p, N_SOURCES, pause ? pause : -1) < 0) {
			if (errno == EINTR)
				continue;
			return corral_error_set(e, errno, "poll");
		}
		for (size_t i = 0; i < N_SOURCES; i++)
			if (p[i].revents && sources[i].ready(r, p[i].revents, e) < 0)
				return -1;
	}
	return 0;
}

/* The sandbox is gone (with init, the PID namespace): the relay passes on
 * what its pipes still hold, at the pace of the reader. The signals and the
 * time limit still act meanwhile: the time limit covers the output's way
 * out (a reader that has not taken it all by then makes it a timeout, as
 * the command's blocked write would have without the relay), and SIGINT,
 * SIGTERM, SIGHUP or SIGQUIT end the wait. When corral ended the run (a
 * limit, a kill) or relayed SIGINT or SIGTERM, the relay gets the kill
 * grace: a reader that never reads does not hold the end of the run. What
 * the relay has not passed on then is lost, as what a killed command had
 * not yet written. */
static int relay_wait(struct run *r, struct corral_error *e)
{
	relay_finish(&r->relay);
	if (r->relay.pid <= 0)
		return relay_ready(r, 0, e);
	struct corral_result *res = r->res;
	bool ended = r->killed || r->stops > 0 || res->timed_out || res->cpu_timed_out ||
		     res->output_limited;
	if (ended) {
		if (r->timer_fd < 0 && (r->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
			return corral_error_set(e, errno, "timerfd");
		if (launch_set_timer(r->timer_fd, r->spec->kill_grace, e) < 0)
			return -1;
	}
	while (r->relay.pid > 0) {
		struct pollfd p[3] = {
			{.fd = r->relay.pidfd, .events = POLLIN},
			{.fd = r->sig_fd, .events = POLLIN},
			{.fd = r->timer_fd, .events = POLLIN},
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return corral_error_set(e, errno, "poll");
		}
		if (p[0].revents) {
			relay_ready(r, 0, e);
			break;
		}
		bool stop = false;
		struct signalfd_siginfo si;
		while (p[1].revents && read(r->sig_fd, &si, sizeof(si)) == sizeof(si)) {
			int sig = (int)si.ssi_signo;
			stop |= sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT;
			if (sig == SIGCONT)
				relay_stop(&r->relay, false);
		}
		uint64_t ticks;
		if (p[2].revents && read(r->timer_fd, &ticks, sizeof(ticks)) > 0) {
			/* Not ended before: this is the time limit. */
			if (!ended)
				res->timed_out = true;
			stop = true;
		}
		if (stop && relay_reap(&r->relay, true))
			output_over(r);
	}
	return 0;
}

/* Reap init, and gather the evidence: its status and rusage, the cgroup's
 * usage, the messages it sent before it exited, what --learn saw. */
static int collect(struct run *r, struct corral_error *e)
{
	struct corral_result *res = r->res;
	int st;
	pid_t w;
	while ((w = wait4(r->pid, &st, 0, &res->rusage)) < 0 && errno == EINTR)
		;
	r->pid = 0; /* reaped: nothing for run_end to kill */
	if (r->spec->output_limit != CORRAL_UNSET) {
		if (relay_wait(r, e) < 0)
			return -1;
		res->have_output_bytes = true;
		res->output_bytes = relay_bytes(&r->relay);
	}
	res->wall_ms = now_ms() - r->start;
	cgroup_collect(r->cg, res);
	if (w > 0) {
		res->have_rusage = true;
		/* Messages init sent before it exited. */
		while (supervisor_read_message(r->sync_fd, MSG_DONTWAIT, res, &r->nt, NULL))
			;
		if (!res->have_wstatus) {
			res->have_wstatus = true;
			res->wstatus = st;
		}
	}
	if (r->spec->learn && notify_learned(&r->nt, res, e) < 0)
		return -1;
	return 0;
}

/* corral's controlling terminal, when one of fds 0, 1, 2 is, and its
 * settings, to restore after the run. */
static void find_terminal(struct run *r)
{
	for (int fd = 0; fd <= 2 && r->tty_fd < 0; fd++)
		if (isatty(fd) && tcgetpgrp(fd) >= 0)
			r->tty_fd = fd;
	if (r->tty_fd >= 0 && tcgetattr(r->tty_fd, &r->tio) == 0)
		r->have_tio = true;
}

static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) == 0 &&
	       cfgetispeed(a) == cfgetispeed(b) && cfgetospeed(a) == cfgetospeed(b);
}

/* Hand the terminal back from the command's process group, and its
 * settings as they were before the run: a command that ends in raw mode or
 * without echo (killed, or careless) does not leave the caller's terminal
 * so, as a shell restores its own after a job. Only in the foreground:
 * the terminal is not ours to change while the shell holds it. */
static void restore_terminal(struct run *r)
{
	if (r->tty_fd < 0)
		return;
	if (r->tty_given)
		tcsetpgrp(r->tty_fd, getpgrp());
	r->tty_given = false;
	struct termios now;
	if (r->have_tio && tcgetpgrp(r->tty_fd) == getpgrp() && tcgetattr(r->tty_fd, &now) == 0 &&
	    !same_termios(&now, &r->tio))
		tcsetattr(r->tty_fd, TCSANOW, &r->tio);
}

/* The terminal, and unblock what block_signals blocked. */
static int restore(struct run *r, struct corral_error *e)
{
	restore_terminal(r);
	if (sigprocmask(SIG_SETMASK, &r->old_mask, NULL) < 0)
		return corral_error_set(e, errno, "restore the signal mask");
	return 0;
}

int supervisor_run(const struct corral_spec *spec, struct corral_result *res, struct corral_error *e)
{
	__attribute__((cleanup(run_end))) struct run r = {
		.spec = spec,
		.res = res,
		.nt = {.fd = -1},
		.sig_fd = -1,
		.tty_fd = -1,
		.sync_fd = -1,
		.child_end = -1,
		.timer_fd = -1,
		.cpu_timer_fd = -1,
		.relay = RELAY_OFF,
		.pidfd = -1,
		.sync_poll = -1,
		.start = now_ms(),
	};
	find_terminal(&r);
	int ok = prepare(&r, e) == 0 && block_signals(&r, e) == 0 && launch_init(&r, e) == 0;
	if (ok && (spec->seccomp || spec->learn))
		record(&r, NULL); /* without a filter: at sync point 1c */
	if (!ok || event_loop(&r, e) < 0 || collect(&r, e) < 0) {
		restore_terminal(&r);
		return -1;
	}
	return restore(&r, e);
}

/* launch.c: the supervisor's launch of the sandbox (launch_init), from the
 * sync socket to sync point 1b: the timers, the cgroup (before clone on a v2
 * host, beside init's set-up elsewhere), clone, init moved off our CPU, the
 * network namespace (without a user namespace, beside init's set-up), the
 * maps and sync point 1 in a user namespace, pasta, then READY. The order,
 * and why, is in docs/ARCHITECTURE.md (launch order, steps 2 to 4). */
#include "run.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "guard.h"
#include "init.h"
#include "namespaces.h"
#include "net.h"
#include "overlay.h"
#include "relay.h"
#include "seccomp.h"
#include "timeline.h"

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
int launch_set_timer(int fd, uint64_t usec, struct corral_error *e)
{
	struct itimerspec its = {.it_value = {.tv_sec = (time_t)(usec / 1000000),
					      .tv_nsec = (long)(usec % 1000000) * 1000}};
	if (timerfd_settime(fd, 0, &its, NULL) < 0)
		return corral_error_set(e, errno, "arm the timer of the time limit");
	return 0;
}

/* clone, into the run's cgroup v2 where the kernel can (*cgroup_fd is
 * then still >= 0), else outside it (-1: attach after clone); the error
 * names what the namespaces need. Returns 0 in both parent and child. */
static int clone_sandbox(struct run *r, unsigned long flags, int *cgroup_fd, struct corral_error *e)
{
	r->pid = clone_init(flags, &r->pidfd, *cgroup_fd);
	if (r->pid < 0 && *cgroup_fd >= 0) {
		log_debug("clone3 into the cgroup: %s; attaching after clone", strerror(errno));
		*cgroup_fd = -1;
		r->pid = clone_init(flags, &r->pidfd, -1);
	}
	if (r->pid < 0) {
		int err = errno;
		r->pid = 0;
		corral_error_set(e, 0, "clone the sandbox: %s%s", strerror(err),
				 namespaces_clone_hint(flags, geteuid() == 0, err));
		e->err = err;
		return -err;
	}
	return 0;
}

/* The CPU-time limit, read from the cgroup: the sandbox cannot use CPU
 * time faster than cpu_rate CPUs, so the limit cannot be reached before
 * (limit - used) / cpu_rate of wall time; look again then. Each look is
 * closer, so the kill comes within about a millisecond of the limit.
 * Returns 1 when the limit is used up. */
int launch_arm_cpu_timer(struct run *r, struct corral_error *e)
{
	uint64_t used;
	if (cgroup_cpu_usage(r->cg, &used) < 0)
		return corral_error_set(e, errno, "cgroup: read the CPU time used");
	if (used >= r->spec->cpu_time_limit)
		return 1;
	uint64_t wait = (r->spec->cpu_time_limit - used) / r->cpu_rate;
	return launch_set_timer(r->cpu_timer_fd, wait < 1000 ? 1000 : wait, e);
}

/* The run's cgroup with its limits; none (and no error) with cgroup = auto
 * where no writable cgroup is: the report must not claim the limits then,
 * and the CPU-time limit has nothing to read. */
static int make_cgroup(struct run *r, struct corral_error *e)
{
	const struct corral_spec *spec = r->spec;
	if (cgroup_create(spec, &r->cg, e) < 0)
		return -1;
	r->res->limits_skipped = !r->cg && cgroup_wanted(spec);
	if (r->cpu_timer_fd >= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		r->cpu_rate = n > 0 ? (unsigned)n : 1;
		if (spec->cpus > 0 && spec->cpus < r->cpu_rate)
			r->cpu_rate = (unsigned)(spec->cpus + 0.999);
		if (!r->cg) /* cgroup = auto without one: nothing to read */
			closep(&r->cpu_timer_fd);
	}
	return 0;
}

/* A step after clone failed: when init failed first (its set-up runs
 * beside ours now), its message is the cause, and ours (often only that
 * init is gone) is not the story. */
static int after_clone_failed(struct run *r)
{
	supervisor_read_message(r->sync_fd, MSG_DONTWAIT, r->res, NULL, NULL);
	return -1;
}

/* The command's seccomp filter, built (or read from the cache, and its
 * answers checked) into memory mapped shared before clone, which init reads
 * after READY; we keep our own copy for the run record. */
static int share_filter(struct run *r, struct corral_error *e)
{
	double t0 = now_ms();
	if (seccomp_filter_build(r->spec, &r->filter, e) < 0)
		return -1;
	log_debug("seccomp: filter ready in %.3f ms", now_ms() - t0);
	if (r->filter.len == 0 || r->filter.len > BPF_MAXINSNS)
		return corral_error_set(e, 0, "the seccomp filter has %u instructions; the kernel takes 1 to %d",
					(unsigned)r->filter.len, BPF_MAXINSNS);
	memcpy(r->l.shared->insns, r->filter.filter, r->filter.len * sizeof(struct sock_filter));
	r->l.shared->len = r->filter.len;
	return 0;
}

/* What must hold before init forks the command (sync point 1b), made
 * while init builds the sandbox: on a v1 or hybrid host the cgroup, made
 * and init attached (on v2 init was born in it); pasta's network; the time
 * limits armed, so that when one cannot be, nothing of the command has
 * run. */
static int ready_command(struct run *r, bool cg_early, int cgroup_fd, bool userns,
			 struct corral_error *e)
{
	const struct corral_spec *spec = r->spec;
	double t = now_ms();
	if (!cg_early && make_cgroup(r, e) < 0)
		return -1;
	if (r->cg && cgroup_fd < 0 && cgroup_attach(r->cg, r->pid, e) < 0)
		return -1;
	if (r->cg && !cg_early)
		log_debug("cgroup: made and init attached in %.3f ms, beside init's set-up",
			  now_ms() - t);
	/* net = pasta: the network is up before the command starts (net.c). */
	if (spec->net == CORRAL_NET_PASTA &&
	    net_pasta_start(spec, &r->pasta, r->pid, userns, r->sig_fd, e) < 0)
		return -1;
	if (r->timer_fd >= 0 && launch_set_timer(r->timer_fd, spec->time_limit, e) < 0)
		return -1;
	if (r->cpu_timer_fd >= 0 && r->cg && launch_arm_cpu_timer(r, e) < 0)
		return -1;
	return 0;
}

/* Before clone: whether init should build the sandbox on another CPU than
 * ours. The kernel often puts a new task on its parent's CPU, even with
 * another idle: init's mounts and our set-up after clone (the network
 * namespace, the v1 cgroup, the record) would then take turns instead of overlapping. So we move
 * init off our CPU (spread_init), and init takes back the mask it was born
 * with before it forks the command, which inherits it. Not with a cpuset
 * limit (its v1 attach sets init's CPUs itself), nor with one CPU to run on. */
static void plan_spread(struct run *r)
{
	r->l.spread = r->spec->cpuset == NULL &&
		      sched_getaffinity(0, sizeof(r->l.affinity), &r->l.affinity) == 0 &&
		      CPU_COUNT(&r->l.affinity) > 1;
}

static void spread_init(struct run *r)
{
	int cpu = sched_getcpu();
	if (!r->l.spread || cpu < 0 || !CPU_ISSET(cpu, &r->l.affinity))
		return;
	cpu_set_t others = r->l.affinity;
	CPU_CLR(cpu, &others);
	sched_setaffinity(r->pid, sizeof(others), &others);
}

/* The sync socket, the timers; clone init (on a v2 host into the cgroup,
 * made first); in a user namespace write its maps and release it (sync
 * point 1: without one init does not wait); then, while init builds the
 * sandbox, make what the command needs (ready_command) and let init fork
 * it (sync point 1b). In the child, this never returns: init_main runs. */
int launch_init(struct run *r, struct corral_error *e)
{
	const struct corral_spec *spec = r->spec;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return corral_error_set(e, errno, "socketpair");
	r->sync_fd = r->sync_poll = sv[0];
	r->child_end = sv[1];
	if (spec->time_limit != CORRAL_UNSET) {
		r->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (r->timer_fd < 0)
			return corral_error_set(e, errno, "timerfd");
	}
	if (spec->cpu_time_limit != CORRAL_UNSET) {
		r->cpu_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (r->cpu_timer_fd < 0)
			return corral_error_set(e, errno, "timerfd");
	}

	/* output-limit: the command's fds 1 and 2 become our pipes. */
	if (spec->output_limit != CORRAL_UNSET &&
	    (relay_open(&r->relay, spec->output_limit, e) < 0 || relay_start(&r->relay, e) < 0))
		return -1;

	/* On a cgroup v2 host the cgroup is made before clone, so that init
	 * is born in it (CLONE_INTO_CGROUP). On v1 init is attached after
	 * clone anyway: the cgroup is made then, on this CPU, while init
	 * builds the sandbox on the other. Either way init forks the command
	 * only once it is in the cgroup (sync point 1b); run_end kills init
	 * before it removes the cgroup. */
	bool want_cg = cgroup_used(spec);
	bool cg_early = want_cg && cgroup_v2_host();
	if (cg_early && make_cgroup(r, e) < 0)
		return -1;

	/* What later runs trust, out of this sandbox's reach (guard.c). */
	char cwd[PATH_MAX];
	guard_plan(spec, getcwd(cwd, sizeof(cwd)) ? cwd : NULL, &r->guard);
	if (overlay_prepare(spec, geteuid() == 0, &r->ov, e) < 0)
		return -1;
	r->l = (struct launch){
		.guard = &r->guard,
		.overlay = &r->ov,
		.sync_fd = r->child_end,
		.tty_fd = r->tty_fd,
		.foreground = r->tty_fd >= 0 && tcgetpgrp(r->tty_fd) == getpgrp(),
		.seccomp = spec->seccomp || spec->learn ? &r->l.filter : NULL,
		.seccomp_notify = r->notify_on,
		.caller_root = geteuid() == 0,
	};
	/* The command's stdout and stderr are the relay's pipes: a terminal
	 * that is corral's only as fd 1 or 2 is not the command's to take. */
	if (r->relay.pid > 0 && r->tty_fd > 0) {
		r->l.tty_fd = -1;
		r->l.foreground = false;
	}
	/* The filter is made after clone, while init builds the sandbox on
	 * the other CPU: our way to READY (the network namespace, on v1 the
	 * cgroup) is the shorter even with it. Not with pasta, whose start
	 * (tens of ms) init waits for anyway: the filter would add to it. */
	bool filter_beside = spec->net != CORRAL_NET_PASTA;
	if (r->l.seccomp) {
		void *m = mmap(NULL, sizeof(*r->l.shared), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return corral_error_set(e, errno, "map memory for the seccomp filter");
		r->l.shared = m;
		if (!filter_beside && share_filter(r, e) < 0)
			return -1;
	}
	unsigned long flags = namespaces_clone_flags(spec);
	int cgroup_fd = cgroup_clone_fd(r->cg);
	/* A cgroup namespace made by clone is rooted at the caller's cgroup,
	 * even with CLONE_INTO_CGROUP (copy_cgroup_ns takes current's css_set
	 * before the child moves): init unshares its own once in the run's
	 * cgroup (after READY), so the sandbox sees the run's cgroup as its
	 * root. Without a cgroup after all (cgroup = auto), that is the root
	 * clone would have given it. */
	if (want_cg && (flags & CLONE_NEWCGROUP)) {
		flags &= ~(unsigned long)CLONE_NEWCGROUP;
		r->l.unshare_cgroupns = true;
	}
	bool userns = (flags & CLONE_NEWUSER) != 0;
	r->l.wait_go = userns;
	r->l.net_beside = namespaces_net_beside(spec, flags);
	if (r->l.net_beside)
		flags &= ~(unsigned long)CLONE_NEWNET;
	plan_spread(r);
	timeline_open();
	if (clone_sandbox(r, flags, &cgroup_fd, e) < 0)
		return -1;
	if (r->pid == 0) {
		close(r->sync_fd);
		close(r->sig_fd);
		relay_child(&r->relay);
		init_main(spec, &r->l);
	}
	timeline_mark(TIMELINE_CLONE);
	spread_init(r);
	/* Our pages are now init's too, each copied at our first write to
	 * it: the stack's at once (util.c). libcgroup's heap: cgroup.c. */
	prefault_stack(64 * 1024);
	close(take_fd(&r->child_end));
	relay_parent(&r->relay);
	/* init leaves our process group (it does so itself too, whoever is
	 * first): signals to the shell's job come to init through us, once. */
	setpgid(r->pid, r->pid);
	r->tty_given = r->l.foreground && !spec->new_session;
	_cleanup_close_ int netns = -1;
	if (r->l.net_beside && namespaces_make_net(&netns, e) < 0)
		return after_clone_failed(r);

	/* Sync point 1: in a user namespace init has no ids and no
	 * capabilities until its maps are written; release it then. */
	if (userns) {
		if (namespaces_write_maps(r->pid, spec, e) < 0)
			return after_clone_failed(r);
		struct sync_msg go = {.type = SYNC_GO};
		int err = sync_send(r->sync_fd, &go);
		if (err < 0) {
			corral_error_set(e, -err, "release the sandbox");
			return after_clone_failed(r);
		}
	}
	if (r->l.shared && filter_beside && share_filter(r, e) < 0)
		return after_clone_failed(r);
	if (ready_command(r, cg_early, cgroup_fd, userns, e) < 0)
		return after_clone_failed(r);
	/* Sync point 1b: init may fork the command. An init that failed
	 * meanwhile has closed its end: the event loop reads its error, so
	 * this send's own failure is not the story. */
	struct sync_msg ready = {.type = SYNC_READY};
	timeline_mark(TIMELINE_READY_SENT);
	sync_send_fd(r->sync_fd, &ready, netns);
	launch_unmap_filter(&r->l);
	/* Housekeeping, off the launch's path now that the command may
	 * start: the cgroups of dead runs (0.2 to 0.3 ms on a v1 host, where
	 * it held READY back). */
	if (r->cg)
		cgroup_sweep_stale(spec);
	return 0;
}

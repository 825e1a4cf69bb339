/* command.c: the command's own set-up, after init's fork and before execve.
 *
 * The order, and why, is in docs/ARCHITECTURE.md (launch order, step 6):
 * rlimits, session and terminal, inherited fds, chdir, environment, ids,
 * capabilities, no_new_privs, seccomp last (so the filter need not allow any
 * of the set-up), execve. A failure goes to the supervisor as a SYNC_ERROR
 * over the close-on-exec sync socket (sync_fail). */
#include "command.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "caps.h"
#include "execerr.h"
#include "log.h"
#include "mounts.h"
#include "namespaces.h"
#include "units.h"
#include "seccomp.h"
#include "timeline.h"

extern char **environ;

__attribute__((noreturn)) static void fail(struct launch *l, int code, int err,
					   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fail(struct launch *l, int code, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sync_failv(l->sync_fd, code, err, fmt, ap);
}

static void setup_session(const struct corral_spec *spec, struct launch *l)
{
	if (spec->new_session) {
		if (setsid() < 0)
			fail(l, 125, errno, "setsid");
		return;
	}
	/* init relays signals to this group (kill(-pid)): without it they
	 * would reach nobody. */
	if (setpgid(0, 0) < 0)
		fail(l, 125, errno, "put the command in a process group of its own");
	/* Give the terminal to the command's group, as a shell gives it to a
	 * job, or reading it would stop the command with SIGTTIN. SIGTTOU is
	 * still blocked here, so this cannot stop us. */
	if (l->foreground)
		tcsetpgrp(l->tty_fd, getpgrp());
}

static void setup_cwd(const struct corral_spec *spec, struct launch *l)
{
	const char *dir = spec->chdir ? spec->chdir : l->cwd;
	if (dir[0] && chdir(dir) < 0)
		fail(l, 125, errno, "chdir: %s", dir);
}

int command_environment(const struct corral_spec *spec, struct corral_error *e)
{
	/* setenv = NAME passes the caller's NAME through, as docker run -e
	 * NAME does: taken before clearenv; left unset if the caller has none. */
	char *entries[spec->setenv.n + 1];
	for (size_t i = 0; i < spec->setenv.n; i++) {
		const char *v = spec->setenv.v[i], *caller = strchr(v, '=') ? NULL : getenv(v);
		entries[i] = strchr(v, '=') ? spec->setenv.v[i] : NULL;
		if (caller && asprintf(&entries[i], "%s=%s", v, caller) < 0)
			return corral_error_set(e, ENOMEM, "setenv %s", v);
	}
	if (spec->clearenv && clearenv() != 0)
		return corral_error_set(e, errno, "clear the environment");
	for (size_t i = 0; i < spec->unsetenv.n; i++)
		if (unsetenv(spec->unsetenv.v[i]) != 0)
			return corral_error_set(e, errno, "unsetenv %s", spec->unsetenv.v[i]);
	for (size_t i = 0; i < spec->setenv.n; i++)
		if (entries[i] && putenv(entries[i]) != 0)
			return corral_error_set(e, errno, "setenv %s", spec->setenv.v[i]);
	if (spec->clearenv && !getenv("PATH") &&
	    setenv("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin", 1) != 0)
		return corral_error_set(e, errno, "setenv PATH");
	return 0;
}

static void setup_environment(const struct corral_spec *spec, struct launch *l)
{
	struct corral_error e = {0};
	if (command_environment(spec, &e) < 0)
		fail(l, 125, 0, "%s", e.msg); /* e.msg has the errno's text */
}

static void setup_ids(const struct corral_spec *spec, struct launch *l)
{
	uid_t uid = namespaces_inner_uid(spec);
	gid_t gid = namespaces_inner_gid(spec);

	/* In a user namespace made by an unprivileged caller setgroups is
	 * denied (namespaces_write_maps): the groups are fixed, EPERM expected. */
	if (setgroups(0, NULL) < 0 && !(namespaces_want_userns(spec) && errno == EPERM))
		fail(l, 125, errno, "drop supplementary groups");
	if (setresgid(gid, gid, gid) < 0)
		fail(l, 125, errno, "set gid %u", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		fail(l, 125, errno, "set uid %u", (unsigned)uid);
}

/* rlimit = NAME=VALUE, validated when parsed; first, so the limits hold
 * for the rest of the set-up too. */
static void setup_rlimits(const struct corral_spec *spec, struct launch *l)
{
	for (size_t i = 0; i < spec->rlimit.n; i++) {
		struct units_rlimit rl;
		if (units_parse_rlimit(spec->rlimit.v[i], &rl) < 0)
			fail(l, 125, 0, "rlimit %s: invalid", spec->rlimit.v[i]);
		struct rlimit r = {
			.rlim_cur = rl.soft == UINT64_MAX ? RLIM_INFINITY : (rlim_t)rl.soft,
			.rlim_max = rl.hard == UINT64_MAX ? RLIM_INFINITY : (rlim_t)rl.hard,
		};
		if (setrlimit(rl.resource, &r) < 0)
			fail(l, 125, errno, "rlimit %s", spec->rlimit.v[i]);
	}
}

/* Handing the seccomp listener over. Once the filter is loaded, a call it
 * notifies (under --learn: every call; under an allowlist: perhaps sendmsg)
 * sleeps until the supervisor answers, and the supervisor cannot answer
 * before it holds the listener: sending it from the filtered thread could
 * deadlock. So a helper thread, started before the filter and therefore
 * outside it (a filter binds only the thread that loads it, without TSYNC),
 * sends it. The filtered thread waits for it without a syscall, then goes
 * on to execve, which ends the helper. */
struct handoff {
	int sync_fd;
	int fd;   /* the listener; -1 until published */
	int done; /* 1 once sent */
};

static void *handoff_main(void *p)
{
	struct handoff *h = p;
	int fd;
	while ((fd = __atomic_load_n(&h->fd, __ATOMIC_ACQUIRE)) < 0)
		sched_yield();
	struct sync_msg m = {.type = SYNC_LISTENER};
	/* Sync point 2a: the listener goes to the supervisor. */
	int err = sync_send_fd(h->sync_fd, &m, fd);
	if (err < 0) {
		/* The filtered thread cannot report this (its calls may wait on
		 * a listener nobody reads): this thread does, and its exit_group
		 * ends both. */
		sync_fail(h->sync_fd, 125, -err, "hand the seccomp listener to the supervisor");
	}
	__atomic_store_n(&h->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void load_with_listener(struct launch *l)
{
	static struct handoff h;
	h = (struct handoff){.sync_fd = l->sync_fd, .fd = -1};
	pthread_attr_t attr;
	pthread_t t;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int r = pthread_create(&t, &attr, handoff_main, &h);
	pthread_attr_destroy(&attr);
	if (r != 0)
		fail(l, 125, r, "start the thread that hands the seccomp listener over");
	int fd = seccomp_filter_install_listener(l->seccomp);
	if (fd < 0)
		fail(l, 125, -fd, "load the seccomp filter with a listener");
	__atomic_store_n(&h.fd, fd, __ATOMIC_RELEASE);
	/* No syscall from here until execve but those the supervisor answers. */
	while (!__atomic_load_n(&h.done, __ATOMIC_ACQUIRE))
		__asm__ volatile("" ::: "memory");
	/* The listener is close-on-exec (the kernel makes it so), so the
	 * command never holds its own. */
}

void command_exec(const struct corral_spec *spec, struct launch *l)
{
	timeline_mark(TIMELINE_COMMAND);
	setup_rlimits(spec, l);
	setup_session(spec, l);
	/* Mark rather than close: the sync socket (already close-on-exec)
	 * must stay open until execve. */
	close_inherited_fds(-1, true);
	setup_cwd(spec, l);
	setup_environment(spec, l);

	struct corral_error e = {0};
	if (caps_before_ids(&e) < 0)
		fail(l, 125, 0, "%s", e.msg);
	setup_ids(spec, l);
	/* init narrowed the bounding set before the fork (caps_bound). */
	if (caps_apply(spec, false, &e) < 0)
		fail(l, 125, 0, "%s", e.msg);

	/* No execve here or below can gain privileges: setuid bits and file
	 * capabilities are ignored. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(l, 125, errno, "set no_new_privs");

	/* Last: an empty mask. The dispositions are already the command's:
	 * default, but for the signals ignored when corral started, which stay
	 * ignored, as across execve (nohup). corral's execve reset
	 * every handler the caller had, corral installs none, and the only
	 * one it changes, SIGCHLD (block_signals), it sets to default; a
	 * reset of each of the 64 here cost 80 us of every launch. */
	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		fail(l, 125, errno, "unblock the command's signals");

	/* The filter was built by the supervisor; loading it is the last step
	 * before execve, so it need not allow any of the set-up above. */
	if (l->seccomp)
		timeline_mark(TIMELINE_FILTER);
	if (l->seccomp && l->seccomp_notify) {
		load_with_listener(l);
	} else if (l->seccomp) {
		double t0 = now_ms();
		int r = seccomp_filter_install(l->seccomp);
		if (r < 0)
			fail(l, 125, -r, "load the seccomp filter");
		/* For make bench: under the filter now, but a write is allowed
		 * by every filter that lets the command print anything. */
		if (log_verbosity() >= CORRAL_DEBUG)
			log_debug("seccomp: filter loaded in %.3f ms", now_ms() - t0);
	}

	timeline_mark(TIMELINE_EXECVE);
	execvp(spec->argv[0], spec->argv);
	char msg[PATH_MAX + 256];
	int code = execerr_explain(spec->argv[0], errno, msg, sizeof(msg));
	fail(l, code, 0, "%s", msg);
}

/* command.c: the command's own set-up, after init's fork and before execve.
 *
 * The order is DESIGN.md's: session and terminal, inherited fds, chdir,
 * environment, ids, capabilities, no_new_privs, seccomp last (so the filter
 * need not allow any of the set-up), execve. A failure goes to the supervisor
 * as a SYNC_ERROR over the close-on-exec sync socket. */
#include "command.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "mounts.h"
#include "namespaces.h"
#include "units.h"
#include "seccomp.h"

extern char **environ;

__attribute__((noreturn)) static void fail(struct launch *l, int code, int err,
					   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fail(struct launch *l, int code, int err, const char *fmt, ...)
{
	struct sync_msg m = {.type = SYNC_ERROR, .code = code, .err = err};
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	if (err && n >= 0 && (size_t)n < sizeof(m.text))
		snprintf(m.text + n, sizeof(m.text) - (size_t)n, ": %s", strerror(err));
	while (send(l->sync_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	_exit(code);
}

static void setup_session(const struct corral_spec *spec, struct launch *l)
{
	if (spec->new_session) {
		if (setsid() < 0)
			fail(l, 125, errno, "setsid");
		return;
	}
	setpgid(0, 0);
	/* Give the terminal to the command's group, as a shell gives it to a
	 * job, or reading it would stop the command with SIGTTIN. SIGTTOU is
	 * still blocked here, so this cannot stop us. */
	if (l->foreground)
		tcsetpgrp(STDIN_FILENO, getpgrp());
}

static void close_inherited_fds(struct launch *l)
{
	/* Mark rather than close: the sync socket must stay open until execve. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		if (fd != l->sync_fd)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void setup_cwd(const struct corral_spec *spec, struct launch *l)
{
	const char *dir = spec->chdir ? spec->chdir : l->cwd;
	if (dir[0] && chdir(dir) < 0)
		fail(l, 125, errno, "chdir: %s", dir);
}

static void setup_environment(const struct corral_spec *spec, struct launch *l)
{
	if (spec->clearenv && clearenv() != 0)
		fail(l, 125, errno, "clear the environment");
	for (size_t i = 0; i < spec->unsetenv.n; i++)
		unsetenv(spec->unsetenv.v[i]);
	for (size_t i = 0; i < spec->setenv.n; i++)
		if (putenv(spec->setenv.v[i]) != 0)
			fail(l, 125, errno, "setenv %s", spec->setenv.v[i]);
	if (spec->clearenv && !getenv("PATH"))
		setenv("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin", 1);
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

void command_exec(const struct corral_spec *spec, struct launch *l)
{
	setup_rlimits(spec, l);
	setup_session(spec, l);
	close_inherited_fds(l);
	setup_cwd(spec, l);
	setup_environment(spec, l);

	struct corral_error e = {0};
	if (caps_before_ids(&e) < 0)
		fail(l, 125, 0, "%s", e.msg);
	setup_ids(spec, l);
	if (caps_apply(spec, &e) < 0)
		fail(l, 125, 0, "%s", e.msg);

	/* No execve here or below can gain privileges: setuid bits and file
	 * capabilities are ignored. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(l, 125, errno, "set no_new_privs");

	/* Last: the command gets default dispositions and an empty mask. */
	sigset_t none;
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* The filter was built by the supervisor; loading it is the last step
	 * before execve, so it need not allow any of the set-up above. */
	if (l->seccomp) {
		int r = seccomp_filter_install(l->seccomp);
		if (r < 0)
			fail(l, 125, -r, "load the seccomp filter");
	}

	execvp(spec->argv[0], spec->argv);
	int err = errno;
	if (err == ENOENT)
		fail(l, 127, 0, "%s: command not found", spec->argv[0]);
	fail(l, 126, err, "cannot execute %s", spec->argv[0]);
}

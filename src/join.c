/* join.c: corral --join PID -- COMMAND.
 *
 * PID is the supervisor's (corral's) pid, as --list shows it. Its record in
 * the caller's runtime directory (runtime.c) names init, the cgroups, the
 * resolved configuration and the exact seccomp filter the command loaded.
 * The record is the caller's own (the directory is private to the caller
 * and out of every sandbox's reach), so a sandbox of another user, a pid
 * that is no corral, or a run that ended has none: refused, 125.
 *
 * The joined command is built as the sandbox's command is (command.c), in
 * the same order, from the same configuration:
 *   corral --join (host)          middle (host pid ns)         command
 *   read the record; find the
 *   sandbox's command (init's
 *   eldest child); open its
 *   namespaces, refuse any the
 *   record does not name
 *   fork -----------------------> enter the run's cgroups;
 *                                 setns those fds: user first,
 *                                 mnt, pid, net, ipc, uts,
 *                                 cgroup; the command's cwd
 *                                 fork ----------------------> PID n inside: rlimits,
 *                                 wait, exit with its status   ids, capabilities,
 *   wait, exit with its status                                 no_new_privs, the
 *                                                              record's filter, execve
 * The namespaces are the sandbox command's, not init's: init is not
 * dumpable (init.c), so only a caller with CAP_SYS_PTRACE on the host could
 * open its namespaces, while the command's are open to the owner of the
 * sandbox's user namespace. They must be the ones init forked the command
 * into (the record names them): without the filter (seccomp = no) the
 * command may have made its own since, and the join would follow it. A
 * pid namespace is entered only by children, hence the middle process; it
 * stays outside, reaps the command and dies with corral --join
 * (PR_SET_PDEATHSIG), and the command dies with it. The sandbox's end kills
 * the joined command with every other process of its pid namespace.
 *
 * The filter is the one the command loaded, byte for byte (SUPERVISOR.bpf,
 * written by the supervisor from the program it gave init), not one built
 * again: a profile edited since, or another build of corral, cannot change
 * what the joined command may call. A --learn run is refused: its filter
 * hands every call to the supervisor, which answers only its own command.
 * For the same reason a seccomp-log run's record holds the filter with the
 * action in place of the hand-over (supervisor.c, record). */
#include "join.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "command.h"
#include "execerr.h"
#include "namespaces.h"
#include "options.h"
#include "profile.h"
#include "runtime.h"
#include "seccomp.h"
#include "units.h"

#define EXIT_JOIN 125

/* The parent pid from /proc/PID/stat; 0 when gone. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return 0;
	char *p = strrchr(buf, ')');
	int ppid = 0;
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

/* The sandbox's command: init's eldest child. */
static pid_t find_command(pid_t init)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	pid_t best = 0;
	unsigned long long best_start = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (pid <= 0 || *end || parent_of((pid_t)pid) != init)
			continue;
		unsigned long long start = runtime_start_time((pid_t)pid);
		if (start && (!best || start < best_start)) {
			best = (pid_t)pid;
			best_start = start;
		}
	}
	closedir(d);
	return best;
}

__attribute__((noreturn, format(printf, 2, 3))) static void die(int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err)
		log_error("--join: %s: %s", msg, strerror(err));
	else
		log_error("--join: %s", msg);
	_exit(EXIT_JOIN);
}

/* The sandbox's namespaces, from its command's /proc/PID/ns (nsdir): an
 * fd for each kind (namespaces_kinds' order) in fds, -1 for one that is
 * the caller's own already (entering one's own user namespace is EINVAL,
 * and the host's network namespace, shared with share = net, from a user
 * namespace is EPERM: only those that differ). Each must be the one the
 * record names (r; NULL for a run with a filter, which denies new
 * namespaces), which init forked the command into: under seccomp = no the
 * command may have made its own since (unshare -m, unshare -U), and the
 * join would follow it there, into mounts or a user namespace of its
 * making. The fds checked are the ones entered: a command that changes
 * its namespaces meanwhile changes nothing the join does. */
static int open_namespaces(pid_t supervisor, int nsdir, const struct runtime_record *r,
			   int fds[NAMESPACES_KINDS], struct corral_error *e)
{
	char left[64] = "";
	size_t n = 0;
	for (size_t i = 0; i < NAMESPACES_KINDS; i++) {
		const char *name = namespaces_kinds[i].name;
		struct stat st, ours;
		char self[64];
		fds[i] = openat(nsdir, name, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0 || fstat(fds[i], &st) < 0)
			return corral_error_set(e, errno, "--join %d: open the sandbox's %s namespace",
						(int)supervisor, name);
		if (r && ((uint64_t)st.st_dev != r->ns[i].dev || (uint64_t)st.st_ino != r->ns[i].ino)) {
			size_t k = strlen(left);
			snprintf(left + k, sizeof(left) - k, "%s%s", n++ ? ", " : "", name);
			continue;
		}
		snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
		if (stat(self, &ours) == 0 && ours.st_dev == st.st_dev && ours.st_ino == st.st_ino) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
	if (n)
		return corral_error_set(e, 0, "--join %d: the sandbox's command is no longer in the "
					      "sandbox's %s namespace%s (it made %s, as seccomp = no "
					      "allows): a join would enter %s, not the sandbox's",
					(int)supervisor, left, n > 1 ? "s" : "",
					n > 1 ? "its own" : "one of its own", n > 1 ? "those" : "that one");
	return 0;
}

/* Enter the sandbox's namespaces (open_namespaces' fds) one by one, the
 * user namespace first: it gives the capabilities the others need. */
static void enter_namespaces(const int fds[NAMESPACES_KINDS])
{
	for (size_t i = 0; i < NAMESPACES_KINDS; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], namespaces_kinds[i].flag) < 0)
			die(errno, "enter the sandbox's %s namespace", namespaces_kinds[i].name);
		close(fds[i]);
	}
}

/* Die with our parent; the race with a parent already gone is closed by
 * the pipe: its other end is held only by the parent. */
static void die_with_parent(int watch)
{
	struct pollfd p = {.fd = watch, .events = POLLIN};
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die(errno, "PR_SET_PDEATHSIG");
	if (poll(&p, 1, 0) != 0)
		_exit(EXIT_JOIN);
}

/* The joined command: as command.c builds the sandbox's, from the record's
 * configuration. Never returns. */
__attribute__((noreturn)) static void command(const struct corral_spec *spec,
					      const struct sock_fprog *filter, char **argv, int watch)
{
	struct corral_error e = {0};
	/* Nothing of the caller's but 0, 1 and 2: an fd of a host directory
	 * held by a process inside would be a way out for every process there
	 * that can open its /proc/PID/fd (same uid, dumpable). */
	close_inherited_fds(-1, true);
	for (size_t i = 0; i < spec->rlimit.n; i++) {
		struct units_rlimit rl;
		if (units_parse_rlimit(spec->rlimit.v[i], &rl) < 0)
			die(0, "rlimit %s: invalid", spec->rlimit.v[i]);
		struct rlimit r = {
			.rlim_cur = rl.soft == UINT64_MAX ? RLIM_INFINITY : (rlim_t)rl.soft,
			.rlim_max = rl.hard == UINT64_MAX ? RLIM_INFINITY : (rlim_t)rl.hard,
		};
		if (setrlimit(rl.resource, &r) < 0)
			die(errno, "rlimit %s", spec->rlimit.v[i]);
	}
	/* The sandbox's environment rules, not the caller's whole
	 * environment: under clearenv, what the caller holds (tokens, keys)
	 * would otherwise reach every process inside that can read this
	 * one's /proc/PID/environ. */
	if (command_environment(spec, &e) < 0)
		die(0, "%s", e.msg);
	if (caps_before_ids(&e) < 0)
		die(0, "%s", e.msg);
	uid_t uid = namespaces_inner_uid(spec);
	gid_t gid = namespaces_inner_gid(spec);
	if (setgroups(0, NULL) < 0 && !(namespaces_want_userns(spec) && errno == EPERM))
		die(errno, "drop supplementary groups");
	if (setresgid(gid, gid, gid) < 0)
		die(errno, "set gid %u", (unsigned)gid);
	if (setresuid(uid, uid, uid) < 0)
		die(errno, "set uid %u", (unsigned)uid);
	if (caps_apply(spec, true, &e) < 0)
		die(0, "%s", e.msg);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die(errno, "set no_new_privs");
	/* After the last change of credentials, which clears it. */
	die_with_parent(watch);
	close(watch);
	if (filter) {
		int r = seccomp_filter_install(filter);
		if (r < 0)
			die(-r, "load the seccomp filter");
	}
	execvp(argv[0], argv);
	char msg[PATH_MAX + 256];
	int code = execerr_explain(argv[0], errno, msg, sizeof(msg));
	log_error("%s", msg);
	_exit(code);
}

static int exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_JOIN;
}

/* Outside the sandbox's pid namespace, in its others: fork the command
 * into it and pass on its status. Never returns. */
__attribute__((noreturn)) static void middle(const struct runtime_record *r,
					     const struct corral_spec *spec,
					     const struct sock_fprog *filter,
					     const int nsfds[NAMESPACES_KINDS], int cwd, char **argv,
					     int watch)
{
	struct corral_error e = {0};
	/* Not dumpable, before we are in anything of the sandbox's, and so
	 * neither is the command we fork until its execve (fork keeps it;
	 * execve resets it): from the moment it drops its capabilities until
	 * its filter is loaded, it is a process of the sandbox's uid without
	 * the filter, whose /proc/PID/mem every process inside could open and
	 * rewrite (runc's CVE-2016-9962; tests/join.bats). */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		die(errno, "make the joined command not dumpable");
	for (size_t i = 0; i < r->cgroups.n; i++)
		if (cgroup_enter(r->cgroups.v[i], r->supervisor, getpid(), &e) < 0)
			die(0, "%s", e.msg);
	enter_namespaces(nsfds);
	if (cwd < 0 || fchdir(cwd) < 0)
		if (chdir("/") < 0)
			die(errno, "chdir /");
	if (cwd >= 0)
		close(cwd);
	die_with_parent(watch);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die(errno, "pipe");
	pid_t pid = fork();
	if (pid < 0)
		die(errno, "fork the command");
	if (pid == 0) {
		close(watch);
		close(pipefd[1]);
		command(spec, filter, argv, pipefd[0]);
	}
	close(pipefd[0]);
	/* In the sandbox's namespaces with every capability of its user
	 * namespace (or root's): keep none, only wait. Not dumpable (above),
	 * so nothing can open its /proc files; dying with corral --join still
	 * holds. */
	if (caps_drop_init(false, true, &e) < 0) {
		kill(pid, SIGKILL);
		die(0, "drop the capabilities of the process that waits: %s", e.msg);
	}
	die_with_parent(watch);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die(errno, "wait for the command");
	_exit(exit_code(st));
}

/* Whose pid is this: the uid owning /proc/PID, or -1 when there is none. */
static long owner_of(pid_t pid)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return stat(path, &st) == 0 ? (long)st.st_uid : -1;
}

int join_run(pid_t supervisor, char **argv, int *status, struct corral_error *e)
{
	int dir = runtime_dir_open(NULL, 0, e);
	if (dir < 0)
		return -1;
	struct runtime_record r;
	int found = runtime_record_read(dir, supervisor, &r, e);
	if (found <= 0) {
		close(dir);
		long owner = owner_of(supervisor);
		if (found == -ESTALE)
			corral_error_set(e, 0, "--join %d: that sandbox has ended", (int)supervisor);
		else if (found < 0)
			corral_error_prefix(e, "--join %d", (int)supervisor);
		else if (owner >= 0 && owner != (long)getuid())
			corral_error_set(e, 0, "--join %d: that process is another user's (uid %ld): "
					       "only its owner can join a sandbox",
					 (int)supervisor, owner);
		else if (owner < 0)
			corral_error_set(e, 0, "--join %d: no such process", (int)supervisor);
		else
			corral_error_set(e, 0, "--join %d: not a running corral of yours (see corral "
					       "--list)", (int)supervisor);
		return -1;
	}
	int ret = -1;
	struct corral_spec spec;
	struct sock_fprog filter = {0};
	bool have_spec = false;
	int procdir = -1, nsdir = -1, cwd = -1, watch[2] = {-1, -1};
	int nsfds[NAMESPACES_KINDS];
	for (size_t i = 0; i < NAMESPACES_KINDS; i++)
		nsfds[i] = -1;
	if (r.uid != getuid()) {
		corral_error_set(e, 0, "--join %d: the record is another user's", (int)supervisor);
		goto out;
	}
	if (r.learn) {
		corral_error_set(e, 0, "--join %d: a --learn run cannot be joined (its filter hands "
				       "every call to its own supervisor)", (int)supervisor);
		goto out;
	}
	/* A run without a filter names its namespaces: its command may have
	 * made its own. Records live as long as their run: one without a
	 * filter that names none is an older corral's (or init could not
	 * read them), and its command may have left them unseen. A filter
	 * denies new namespaces, so a run with one names none. */
	bool check_ns = !r.filter;
	if (check_ns && r.ns_known != (1u << NAMESPACES_KINDS) - 1) {
		corral_error_set(e, 0, "--join %d: the run's record does not name its namespaces "
				       "(an older corral wrote it, or init could not tell them), so "
				       "whether its command is still in them cannot be told: run it "
				       "again with this corral to join it",
				 (int)supervisor);
		goto out;
	}
	if (option_defaults(&spec, e) < 0)
		goto out;
	have_spec = true;
	if (profile_load_text(&spec, "the run's record", r.spec, e) < 0 ||
	    (r.filter && runtime_filter_read(dir, supervisor, &filter, e) < 0))
		goto out;
	/* Whether the sandbox has a user namespace, as the run decided it
	 * (the record's): user-ns = auto asked again in the command, after
	 * setns, would see the sandbox's uid (0 under uid = 0) and take the
	 * setgroups the sandbox denies for a failure. */
	spec.user_ns = r.userns ? CORRAL_YES : CORRAL_NO;

	pid_t target = find_command(r.init);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", (int)target);
	if (target > 0)
		procdir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procdir >= 0)
		nsdir = openat(procdir, "ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* Still init's child once held (the directory is that process's,
	 * never another's with its pid): the pid was not reused in between. */
	if (target <= 0 || nsdir < 0 || parent_of(target) != r.init ||
	    runtime_start_time(r.init) != r.init_start) {
		corral_error_set(e, 0, "--join %d: the sandbox has no command running (starting, "
				       "or ending)", (int)supervisor);
		goto out;
	}
	/* Before anything is entered: refused, nothing was. */
	if (open_namespaces(supervisor, nsdir, check_ns ? &r : NULL, nsfds, e) < 0)
		goto out;
	cwd = openat(procdir, "cwd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pipe2(watch, O_CLOEXEC) < 0) {
		corral_error_set(e, errno, "--join: pipe");
		goto out;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		corral_error_set(e, errno, "--join: fork");
		goto out;
	}
	if (pid == 0) {
		close(watch[1]);
		middle(&r, &spec, filter.len ? &filter : NULL, nsfds, cwd, argv, watch[0]);
	}
	close(watch[0]);
	watch[0] = -1;
	/* Ctrl-C reaches the whole foreground group: the command has it. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*status = exit_code(st);
	ret = 0;
out:
	for (size_t i = 0; i < NAMESPACES_KINDS; i++)
		closep(&nsfds[i]);
	closep(&nsdir);
	closep(&procdir);
	closep(&cwd);
	closep(&watch[0]);
	closep(&watch[1]);
	close(dir);
	free(filter.filter);
	if (have_spec)
		option_spec_free(&spec);
	runtime_record_free(&r);
	return ret;
}

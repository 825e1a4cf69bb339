/* init.c: PID 1 inside the sandbox.
 *
 * init is the child of clone(). In a user namespace it waits for the
 * supervisor's go (its maps); it finishes the sandbox (mounts, host name,
 * loopback) while the supervisor makes the run's cgroup, waits until the
 * supervisor says the command may start (in the cgroup, network up, time
 * limits armed), forks the command as PID 2 and
 * then only reaps and relays: every signal stays blocked and is taken with
 * sigwaitinfo, SIGCHLD reaps every child (orphans re-parented to PID 1
 * included), any relayed signal goes to the command's process group. When
 * the command stops (Ctrl-Z), init tells the supervisor, which stops corral
 * the same way; the SIGCONT that continues corral comes back here and
 * continues the command, with the terminal when corral is in the foreground.
 * When the command ends, init kills and reaps whatever is left in the PID
 * namespace (so its usage reaches init's rusage, the report's figures
 * without a cgroup), reports the command's wait status and exits. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "caps.h"
#include "command.h"
#include "log.h"
#include "mounts.h"
#include "namespaces.h"
#include "timeline.h"

const int init_relayed_signals[] = {SIGTERM, SIGINT,   SIGHUP,  SIGQUIT, SIGUSR1,
				    SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP};
const unsigned init_relayed_count = ARRAY_SIZE(init_relayed_signals);

/* e's message already ends with its errno's text. */
__attribute__((noreturn)) static void fail(struct launch *l, const struct corral_error *e)
{
	sync_fail(l->sync_fd, 125, 0, "%s", e->msg);
}

/* Wait for the supervisor's message of type t; anything else, or the
 * supervisor gone (EOF), ends init: the supervisor already said why. The
 * fd passed with it goes to *passed (-1: none), or is closed. */
static void wait_for(struct launch *l, int t, int *passed)
{
	struct sync_msg m;
	int fd;
	if (sync_recv_fd(l->sync_fd, 0, &m, &fd) != sizeof(m) || m.type != t)
		_exit(125);
	if (passed)
		*passed = fd;
	else if (fd >= 0)
		close(fd);
}

struct command_args {
	const struct corral_spec *spec;
	struct launch *l;
};

static int command_main(void *p)
{
	struct command_args *a = p;
	command_exec(a->spec, a->l);
}

/* The command, as PID 2. fork copies init's page tables and both then pay
 * a fault for each page they write; where init has nothing to do until the
 * command's execve, the child borrows init's memory instead (CLONE_VM |
 * CLONE_VFORK, as posix_spawn does) on a stack of its own, and init sleeps
 * until the execve (or the child's exit). Not in two cases:
 * - the seccomp listener's hand-over starts a thread (command.c), which
 *   must not share init's thread bookkeeping;
 * - the command gets the terminal: a Ctrl-Z typed before its execve stops
 *   it there, and init, asleep until that execve, could not tell the
 *   supervisor (the shell would wait on a stopped job it cannot see).
 * The child writes nothing init reads after it wakes: its changes to the
 * environment and the heap are its own set-up's, and init's state stays
 * as it was. */
static pid_t spawn_command(const struct corral_spec *spec, struct launch *l)
{
#ifdef __SANITIZE_ADDRESS__
	/* ASan cannot follow a switch to a stack it did not make (it warns
	 * at the child's first no-return call, and tests treat that as an
	 * error): the sanitized build forks. */
	return fork();
#endif
	if (l->seccomp_notify || l->foreground)
		return fork();
	static char stack[256 * 1024] __attribute__((aligned(16)));
	static struct command_args a;
	a = (struct command_args){spec, l};
	return clone(command_main, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
}

static int exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 125;
}

void init_main(const struct corral_spec *spec, struct launch *l)
{
	struct corral_error e = {0};
	struct sync_msg m;

	/* If the supervisor dies, so does the sandbox. The race with a
	 * supervisor that died before this line is closed by the sync socket:
	 * its end is gone and the read at sync point 1 or 1b sees EOF. A
	 * failure is reported after the go (when there is one), as every
	 * error of init is, and the sandbox must not start without this. */
	timeline_mark(TIMELINE_INIT);
	prefault_stack(48 * 1024);
	int pdeathsig_err = prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ? errno : 0;
	/* Out of corral's process group (the shell's job), as the supervisor
	 * also puts it: what the shell or the terminal sends the job (Ctrl-C,
	 * fg, kill %1) reaches init only through the supervisor, once. */
	setpgid(0, 0);

	/* Sync point 1: in a user namespace, wait for the supervisor's go
	 * (its maps written: until then we have no ids and no capabilities in
	 * it). Without one there is nothing to wait for: the sandbox is built
	 * at once, beside the supervisor's own set-up. */
	if (l->wait_go)
		wait_for(l, SYNC_GO, NULL);
	if (pdeathsig_err) {
		corral_error_set(&e, pdeathsig_err, "make init die with corral (PR_SET_PDEATHSIG)");
		fail(l, &e);
	}

	if (namespaces_clone_flags(spec) & CLONE_NEWPID) {
		prctl(PR_SET_NAME, "corral-init"); /* cosmetic: ps shows it */
	} else if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		/* Sharing the host's PID namespace: still reap our orphans,
		 * which would otherwise escape to the host's reaper. */
		corral_error_set(&e, errno,
				 "make init reap the command's orphans (PR_SET_CHILD_SUBREAPER)");
		fail(l, &e);
	}

	/* Without a filter (which denies new namespaces) the command may make
	 * its own, so sync point 1c tells the supervisor ours. Our namespaces'
	 * directory, from the host's /proc while it is still there
	 * (mounts_setup leaves it behind), and before anything of the
	 * command's could stand in for it: what sync point 1c reads. */
	bool tell_ns = !spec->seccomp && !spec->learn;
	int nsdir = tell_ns ? open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	int nsdir_err = tell_ns && nsdir < 0 ? errno : 0;

	char here[4096];
	if (!getcwd(here, sizeof(here)))
		here[0] = '\0';
	if (mounts_setup(spec, l->guard, l->overlay, l->cwd, sizeof(l->cwd), l->caller_root, &e) < 0 || namespaces_setup_inside(spec, l->net_beside, &e) < 0)
		fail(l, &e);
	timeline_mark(TIMELINE_BUILT);
	/* The caller's directory is not in the new root: say where the command
	 * starts, or `corral -- make` fails with no word of why. To a person
	 * at a terminal: a script or a judge that captures stderr has chosen
	 * its profile, and gets no line it did not ask for. */
	if (!spec->chdir && here[0] && strcmp(l->cwd, "/") == 0 && strcmp(here, "/") != 0 &&
	    isatty(STDERR_FILENO))
		log_warn("the command starts in /: %s is not in the sandbox "
			 "(--bind-cwd binds it; --chdir DIR starts elsewhere)", here);

	/* The bounding set, once for both of us: the command inherits it.
	 * Here, before READY: it only limits what an execve may gain, not
	 * what init may do now, and with limits the supervisor's way to READY
	 * is as long as ours, so these 40 calls cost the launch nothing. */
	if (caps_bound(spec, &e) < 0)
		fail(l, &e);
	/* Sync point 1b: the supervisor has made the run's cgroup and moved
	 * us into it, brought pasta's network up and armed the time limits;
	 * the command is forked from here, so it is born in the cgroup. With
	 * it comes the network namespace the supervisor made meanwhile. */
	_cleanup_close_ int netns = -1;
	wait_for(l, SYNC_READY, &netns);
	timeline_mark(TIMELINE_READY_TAKEN);
	/* With READY the supervisor has put the command's filter here. */
	if (l->seccomp) {
		if (!l->shared || l->shared->len == 0 || l->shared->len > BPF_MAXINSNS) {
			corral_error_set(&e, 0, "the seccomp filter did not come from the supervisor");
			fail(l, &e);
		}
		l->filter = (struct sock_fprog){.len = (unsigned short)l->shared->len,
						.filter = l->shared->insns};
	}
	if (l->net_beside && namespaces_join_net(netns, &e) < 0)
		fail(l, &e);
	/* Now in the run's cgroup: root the sandbox's cgroup namespace there. */
	if (l->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0) {
		corral_error_set(&e, errno, "unshare the cgroup namespace");
		fail(l, &e);
	}

	/* Nothing of the caller's or the supervisor's stays in the sandbox
	 * beyond 0, 1, 2 and the sync socket (and our own namespaces'
	 * directory, until sync point 1c; close-on-exec): the command's fds
	 * are closed at its execve, but init lives on with whatever the
	 * caller had open. */
	close_inherited_fds_keep2(l->sync_fd, nsdir, false);

	/* Not dumpable: the command runs as init's uid, and the kernel would let
	 * it open /proc/1/mem for writing, ptrace init (when the filter allows
	 * it), read /proc/1/exe (the host's corral) and /proc/1/fd. Code written
	 * into init would run without the command's seccomp filter. The command
	 * is dumpable again after its execve (the kernel resets it). */
	if (prctl(PR_SET_DUMPABLE, 0) < 0) {
		corral_error_set(&e, errno, "make init not dumpable");
		fail(l, &e);
	}

	/* The supervisor moved us off its CPU while we built the sandbox:
	 * the command gets the CPUs corral was allowed. */
	if (l->spread && sched_setaffinity(0, sizeof(l->affinity), &l->affinity) < 0) {
		corral_error_set(&e, errno, "give the command corral's CPU affinity back");
		fail(l, &e);
	}
	pid_t cmd = spawn_command(spec, l);
	if (cmd < 0) {
		corral_error_set(&e, errno, "fork the command");
		fail(l, &e);
	}
	if (cmd == 0)
		command_exec(spec, l);
	/* The command has its filter loaded (or its own copy of this memory,
	 * when forked): init has no more use for it. */
	launch_unmap_filter(l);
	/* Sync point 1c: our namespaces, final since the cgroup namespace
	 * (and the network namespace made beside), are the ones the command
	 * was forked into: the supervisor records them, and --join refuses
	 * to follow a command that has left them for its own (join.c).
	 * After the fork, off the command's way to its execve: reading them
	 * takes /proc lookups. Our own, through the host's /proc opened
	 * before anything of the command's existed: nothing the command does
	 * changes what we read. Without them (code) the run goes on, and
	 * cannot be joined. */
	if (tell_ns) {
		m = (struct sync_msg){.type = SYNC_NAMESPACES, .code = nsdir_err};
		if (!nsdir_err && namespaces_identify(nsdir, m.ns, &e) < 0)
			m.code = e.err ? e.err : EIO;
		sync_send(l->sync_fd, &m);
		closep(&nsdir);
	}
	/* Also here, so the relay below never races the child's own setpgid. */
	if (!spec->new_session)
		setpgid(cmd, cmd);
	/* init needs its capabilities only for the set-up above. It keeps
	 * CAP_KILL only to relay signals to, and at the end kill, processes
	 * running as another uid: the command's, or any when it keeps
	 * CAP_SETUID (else the last reap below would wait for what it cannot
	 * kill; kill(-1) does not say EPERM when it signalled no one). */
	if (caps_drop_init(namespaces_inner_uid(spec) != getuid() || caps_keeps_setuid(spec), false,
			   &e) < 0) {
		kill(cmd, SIGKILL);
		fail(l, &e);
	}

	sigset_t all;
	sigfillset(&all);
	unsigned reaped = 0;
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig < 0)
			continue;
		/* si_pid 0: from outside our PID namespace, the supervisor.
		 * The same SIGCONT queued by a process inside, a run in the
		 * background, would have us take the terminal from the shell
		 * for it (terminal.bats). */
		if (sig == SIGCONT && si.si_code == SI_QUEUE && si.si_pid == 0 &&
		    si.si_value.sival_int == INIT_CONT_FOREGROUND && l->tty_fd >= 0) {
			/* fg: the terminal first, or the command's first read
			 * would stop it again with SIGTTIN. SIGTTOU is blocked. */
			tcsetpgrp(l->tty_fd, cmd);
		}
		if (sig != SIGCHLD) {
			/* In a session of its own the command's group is
			 * orphaned, and the kernel discards SIGTSTP there: Ctrl-Z
			 * at the terminal (it signals corral) would stop nothing.
			 * SIGSTOP it cannot discard; the supervisor asked. */
			int relayed = sig == SIGTSTP && spec->new_session ? SIGSTOP : sig;
			for (unsigned i = 0; i < init_relayed_count; i++)
				if (init_relayed_signals[i] == sig)
					kill(-cmd, relayed);
			continue;
		}
		/* SIGCHLDs coalesce: reap until nothing is left to reap. */
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0) {
			if (WIFSTOPPED(st)) {
				/* Job control: the supervisor stops corral too. */
				if (pid == cmd) {
					m = (struct sync_msg){
						.type = SYNC_STOPPED,
						.wstatus = st,
						.held_tty = l->tty_fd >= 0 && tcgetpgrp(l->tty_fd) == cmd,
					};
					sync_send(l->sync_fd, &m);
				}
				continue;
			}
			if (pid != cmd) {
				reaped++;
				continue;
			}
			timeline_mark(TIMELINE_ENDED);
			/* What the command left running would be killed by the
			 * kernel when init exits, and its usage would reach no
			 * one: kill and reap it here, so its CPU time and memory
			 * peak are in init's rusage (the report's figures without
			 * a cgroup). In the PID namespace kill(-1) reaches all
			 * but init; every run has one (share = pid is refused). */
			if (namespaces_clone_flags(spec) & CLONE_NEWPID)
				while (kill(-1, SIGKILL) == 0 && waitpid(-1, NULL, 0) > 0)
					;
			m = (struct sync_msg){.type = SYNC_STATUS, .wstatus = st, .reaped = reaped};
			/* Sync point 3: the command's status, then exit. */
			sync_send(l->sync_fd, &m);
			_exit(exit_code(st));
		}
	}
}

/* notify.c: the supervisor's end of seccomp user notification.
 *
 * With seccomp-log (or --learn) the command's filter returns
 * SECCOMP_RET_USER_NOTIF where it would deny (or, learning, for every call).
 * The command loads it with SECCOMP_FILTER_FLAG_NEW_LISTENER and hands the
 * listener over the sync socket (command.c); from then on a thread making a
 * notified call sleeps in the kernel until we answer on the listener with
 * SECCOMP_IOCTL_NOTIF_SEND. No ptrace: the kernel does the stopping.
 *
 * Answers: errno (resp.error = -errno: the call fails, as the errno action
 * would have it fail), continue (SECCOMP_USER_NOTIF_FLAG_CONTINUE: for the
 * log action and for learning; it is safe here because we never decide on
 * the call's arguments, which the caller could change under us (the TOCTOU
 * that seccomp_unotify(2) warns of): the filter's own argument rules still
 * ran in the kernel), or kill: SIGKILL to the caller, as SECCOMP_RET_KILL_
 * PROCESS would end it, but with the syscall's name recorded. The caller
 * stays asleep until the signal lands, so the denied call never runs.
 *
 * The pid in a notification is in the reader's PID namespace (the kernel's
 * task_pid_vnr at SECCOMP_IOCTL_NOTIF_RECV), i.e. ours. It could be reused
 * once the caller dies, so we take a pidfd, then check with
 * SECCOMP_IOCTL_NOTIF_ID_VALID that the caller is still waiting (so the pidfd
 * is the caller's), then signal through the pidfd.
 *
 * Bounded: one notification per call of notify_handle, from the
 * supervisor's poll loop, so signals, the time limit and init's exit are
 * served between any two; counts go into a fixed table (the report's list,
 * then one "unlisted" counter), learning into a fixed bitmap; and at most
 * NOTIFY_CPU_SHARE of a CPU (govern). */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "seccomp.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9: a pidfd for a thread, not only a leader */
#endif

/* The first calls -v prints as they happen; the rest are only counted. */
#define NOTIFY_PRINT_MAX 8

static int notif_sizes(struct seccomp_notif_sizes *sz)
{
	if (getenv("CORRAL_TEST_NO_NOTIFY")) /* test hook: a kernel without it */
		return -ENOSYS;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, sz) < 0)
		return -errno;
	return 0;
}

int notify_check(const char *what, struct corral_error *e)
{
	struct seccomp_notif_sizes sz;
	int r = notif_sizes(&sz);
	if (r < 0)
		return corral_error_set(e, 0, "%s: this kernel lacks seccomp user notification "
					"(SECCOMP_GET_NOTIF_SIZES: %s; Linux 5.5 or later needed)",
					what, strerror(-r));
	/* The action can be compiled out or disabled even where the call exists. */
	char buf[256];
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/seccomp/actions_avail", buf, sizeof(buf)) > 0 &&
	    !strstr(buf, "user_notif"))
		return corral_error_set(e, 0, "%s: this kernel lacks seccomp user notification "
					"(no user_notif in /proc/sys/kernel/seccomp/actions_avail)", what);
	return 0;
}

int notify_init(struct notify *n, const struct corral_spec *spec, struct corral_error *e)
{
	*n = (struct notify){.fd = -1, .win_wall = -1, .share = NOTIFY_CPU_SHARE};
	if (spec->cpus > 0 && spec->cpus / 2 < n->share)
		n->share = spec->cpus / 2;
	struct seccomp_notif_sizes sz;
	int r = notif_sizes(&sz);
	if (r < 0)
		return corral_error_set(e, -r, "seccomp: notification sizes");
	n->answer = seccomp_filter_notify_answer(spec, &n->err);
	if (n->answer < 0)
		return corral_error_set(e, 0, "seccomp-log: the action '%s' cannot be answered "
					"from the supervisor (use errno, kill or log)", spec->seccomp_action);
	n->learn = spec->learn != NULL;
	/* The kernel's structs may be larger than the headers we were built
	 * with (seccomp_unotify(2)): allocate what it says. */
	n->sz_req = sz.seccomp_notif > sizeof(struct seccomp_notif) ? sz.seccomp_notif
								  : sizeof(struct seccomp_notif);
	n->sz_resp = sz.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
			     ? sz.seccomp_notif_resp : sizeof(struct seccomp_notif_resp);
	n->req = calloc(1, n->sz_req);
	n->resp = calloc(1, n->sz_resp);
	if (!n->req || !n->resp) {
		notify_free(n);
		return corral_error_set(e, ENOMEM, "seccomp: notification buffers");
	}
	return 0;
}

void notify_free(struct notify *n)
{
	free(n->req);
	free(n->resp);
	n->req = n->resp = NULL;
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

static void record_learned(struct notify *n, uint32_t arch, int nr)
{
	if (nr < 0 || nr >= NOTIFY_MAX_NR)
		return;
	for (int i = 0; i < 2; i++) {
		if (n->arch[i] == 0)
			n->arch[i] = arch;
		if (n->arch[i] == arch) {
			n->seen[i][nr / 64] |= 1ULL << (nr % 64);
			return;
		}
	}
}

/* Count a violation; returns its entry, or NULL when the list is full. */
static struct corral_violation *record_violation(struct notify *n, struct corral_result *res,
						 uint32_t arch, int nr)
{
	for (unsigned i = 0; i < res->n_violations; i++) {
		if (n->key[i].arch == arch && n->key[i].nr == nr) {
			res->violations[i].count++;
			return &res->violations[i];
		}
	}
	char name[32];
	seccomp_filter_syscall_name(arch, nr, name, sizeof(name));
	/* The same name from another ABI (an i386 call) is the same entry. */
	for (unsigned i = 0; i < res->n_violations; i++) {
		if (strcmp(res->violations[i].syscall, name) == 0) {
			res->violations[i].count++;
			return &res->violations[i];
		}
	}
	if (res->n_violations == CORRAL_MAX_VIOLATIONS) {
		res->violations_unlisted++;
		return NULL;
	}
	unsigned i = res->n_violations++;
	n->key[i].arch = arch;
	n->key[i].nr = nr;
	snprintf(res->violations[i].syscall, sizeof(res->violations[i].syscall), "%s", name);
	res->violations[i].count = 1;
	return &res->violations[i];
}

static void kill_caller(struct notify *n, const struct seccomp_notif *req)
{
	int pidfd = (int)syscall(SYS_pidfd_open, req->pid, PIDFD_THREAD);
	if (pidfd < 0)
		pidfd = (int)syscall(SYS_pidfd_open, req->pid, 0);
	__u64 id = req->id;
	if (ioctl(n->fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0) {
		/* SIGKILL to any thread ends its whole thread group. */
		if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0)
			kill((pid_t)req->pid, SIGKILL);
	}
	if (pidfd >= 0)
		close(pidfd);
}

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Every 16 notifications: the CPU this process spent since the window
 * began, against n->share of the wall time. Over the share: pause
 * until the window's average is back at it, and begin the next window
 * there. Windows last 100 ms otherwise, so an old quiet stretch never pays
 * for a new flood. */
static void govern(struct notify *n)
{
	if (n->calls % 16)
		return;
	double wall = clock_ms(CLOCK_MONOTONIC), cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	if (n->win_wall < 0 || wall - n->win_wall > 100) {
		n->win_wall = wall;
		n->win_cpu = cpu;
		return;
	}
	double due = n->win_wall + (cpu - n->win_cpu) / n->share;
	if (due > wall) {
		n->resume_at = due;
		n->win_wall = due;
		n->win_cpu = cpu;
	}
}

int notify_pause_ms(struct notify *n)
{
	if (n->resume_at <= 0)
		return 0;
	double left = n->resume_at - clock_ms(CLOCK_MONOTONIC);
	if (left <= 0) {
		n->resume_at = 0;
		return 0;
	}
	return (int)left + 1;
}

bool notify_handle(struct notify *n, struct corral_result *res)
{
	struct seccomp_notif *req = n->req;
	struct seccomp_notif_resp *resp = n->resp;
	memset(req, 0, n->sz_req);
	if (ioctl(n->fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		/* ENOENT: the caller died between poll and here; EINTR: retry
		 * from the poll loop. Anything else: the listener is unusable. */
		return errno == ENOENT || errno == EINTR;
	n->calls++;
	govern(n);
	memset(resp, 0, n->sz_resp);
	resp->id = req->id;
	int nr = req->data.nr;
	uint32_t arch = req->data.arch;

	if (n->learn) {
		record_learned(n, arch, nr);
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else {
		struct corral_violation *v = record_violation(n, res, arch, nr);
		const char *name = v ? v->syscall : "a syscall";
		char other[32];
		if (!v) {
			seccomp_filter_syscall_name(arch, nr, other, sizeof(other));
			name = other;
		}
		if (n->printed < NOTIFY_PRINT_MAX) {
			log_info("seccomp: %s %s by pid %u", name,
				 n->answer == CORRAL_NOTIFY_KILL       ? "denied, killing the caller,"
				 : n->answer == CORRAL_NOTIFY_CONTINUE ? "logged"
								       : "denied",
				 (unsigned)req->pid);
			if (++n->printed == NOTIFY_PRINT_MAX)
				log_info("seccomp: further denied calls are counted, not printed");
		}
		if (n->answer == CORRAL_NOTIFY_KILL) {
			if (!res->seccomp_killed[0])
				snprintf(res->seccomp_killed, sizeof(res->seccomp_killed), "%s", name);
			kill_caller(n, req);
			return true;
		}
		if (n->answer == CORRAL_NOTIFY_CONTINUE)
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		else
			resp->error = -n->err;
	}
	if (ioctl(n->fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
		log_debug("seccomp: answer a notification: %s", strerror(errno));
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int notify_learned(const struct notify *n, struct corral_result *res, struct corral_error *e)
{
	for (int i = 0; i < 2 && n->arch[i]; i++) {
		for (int nr = 0; nr < NOTIFY_MAX_NR; nr++) {
			if (!(n->seen[i][nr / 64] & (1ULL << (nr % 64))))
				continue;
			char name[32];
			if (seccomp_filter_syscall_name(n->arch[i], nr, name, sizeof(name)) < 0) {
				log_warn("--learn: syscall %d of architecture 0x%x has no name; "
					 "not in the profile", nr, (unsigned)n->arch[i]);
				continue;
			}
			if (!strv_contains(&res->learned, name) && strv_push(&res->learned, name) < 0)
				return corral_error_set(e, ENOMEM, "--learn");
		}
	}
	if (res->learned.n)
		qsort(res->learned.v, res->learned.n, sizeof(char *), cmp_str);
	log_debug("seccomp: learned %zu syscalls from %llu calls", res->learned.n,
		  (unsigned long long)n->calls);
	return 0;
}

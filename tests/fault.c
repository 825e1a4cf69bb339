/* fault: run a command with chosen system calls failing, for the failure-path
 * tests. corral is linked statically, so LD_PRELOAD cannot reach it; a
 * seccomp filter can, and it is inherited by every process the command
 * starts (corral, its init, the sandboxed command) across namespaces.
 *
 *   tests/fault RULE... -- COMMAND [ARG]...
 *
 *   RULE     SYSCALL[:ARG0[:ARG1...]]=ERRNO
 *   SYSCALL  a name as libseccomp knows it: prctl, read, timerfd_settime,
 *            rt_sigprocmask (sigprocmask's system call), seccomp...
 *   ARGn     the value the n-th argument (from 0) must have for the call to
 *            fail: a number (0x.. for hex), a name of the table below
 *            (PR_SET_PDEATHSIG, SIG_BLOCK...), or `*`
 *            for any value. Arguments not given match anything. The lower
 *            32 bits are compared when the value fits in them (an int
 *            argument's upper half is not defined by the ABI).
 *   ERRNO    a name (EPERM, EIO...) or a number.
 *
 * Examples:
 *   tests/fault prctl:PR_SET_PDEATHSIG=EPERM -- ./corral -- true
 *   tests/fault timerfd_settime=EINVAL -- ./corral --time 5 -- true
 *   tests/fault rt_sigprocmask:SIG_BLOCK=EINVAL -- ./corral -- true
 *   tests/fault read:*:*:12345=EIO -- ./corral --profile big.profile -- true
 *     (a read of exactly 12345 bytes: how a test picks one read out of many)
 *   tests/fault seccomp=EPERM -- ./corral -- true
 *
 * Every matching call in the command and its descendants fails, for their
 * whole life: pick the arguments so that the call under test is the one
 * that matches. Other calls go through (unknown architectures, i386 calls
 * through int 0x80, included). With CAP_SYS_ADMIN the filter is installed
 * without no_new_privs, so the command runs as it would without fault;
 * without it, no_new_privs is set first, as the kernel requires.
 *
 * Exit status: the command's; 125 for a bad rule or a filter that cannot be
 * installed; 126 or 127 when COMMAND cannot be executed or found. */
#define _GNU_SOURCE /* strerrorname_np */
#include <errno.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const struct {
	const char *name;
	uint64_t value;
} names[] = {
#define N(x) {#x, x}
	N(PR_SET_PDEATHSIG),
	N(PR_GET_PDEATHSIG),
	N(PR_SET_DUMPABLE),
	N(PR_SET_NAME),
	N(PR_SET_SECCOMP),
	N(PR_CAPBSET_DROP),
	N(PR_SET_KEEPCAPS),
	N(PR_SET_NO_NEW_PRIVS),
	N(PR_SET_CHILD_SUBREAPER),
	N(PR_CAP_AMBIENT),
	N(SIG_BLOCK),
	N(SIG_UNBLOCK),
	N(SIG_SETMASK),
#undef N
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "fault: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(125);
}

static int parse_errno(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end && n > 0 && n < 4096)
		return (int)n;
	for (int i = 1; i < 4096; i++) {
		const char *name = strerrorname_np(i);
		if (name && strcmp(name, s) == 0)
			return i;
	}
	die("unknown errno '%s'", s);
	return 0;
}

static uint64_t parse_value(const char *s)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, s) == 0)
			return names[i].value;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (*s == '-') {
		long long sv = strtoll(s, &end, 0);
		v = (unsigned long long)sv;
	}
	if (!*s || *end || errno)
		die("bad argument value '%s'", s);
	return v;
}

/* Add one RULE to the filter. */
static void add_rule(scmp_filter_ctx ctx, char *rule)
{
	char *eq = strrchr(rule, '=');
	if (!eq || eq == rule)
		die("bad rule '%s': expected SYSCALL[:ARG0[:ARG1...]]=ERRNO", rule);
	*eq = '\0';
	int err = parse_errno(eq + 1);

	struct scmp_arg_cmp cmp[6];
	unsigned ncmp = 0, argn = 0;
	char *save = NULL, *name = strtok_r(rule, ":", &save);
	for (char *a = strtok_r(NULL, ":", &save); a; a = strtok_r(NULL, ":", &save), argn++) {
		if (argn >= 6)
			die("too many arguments in the rule for '%s'", name);
		if (strcmp(a, "*") == 0)
			continue;
		uint64_t v = parse_value(a);
		if (v <= UINT32_MAX || ((int64_t)v < 0 && (int64_t)v >= INT32_MIN))
			cmp[ncmp++] = SCMP_CMP(argn, SCMP_CMP_MASKED_EQ, 0xffffffffu, v & 0xffffffffu);
		else
			cmp[ncmp++] = SCMP_CMP(argn, SCMP_CMP_EQ, v);
	}
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		die("unknown system call '%s'", name);
	int r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(err), nr, ncmp, cmp);
	if (r < 0) {
		errno = -r;
		die("cannot add the rule for '%s': %m", name);
	}
}

int main(int argc, char **argv)
{
	int i;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		;
	if (i == 1 || i >= argc - 1) {
		fprintf(stderr, "usage: fault SYSCALL[:ARG0[:ARG1...]]=ERRNO... -- COMMAND [ARG]...\n");
		return 125;
	}

	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		die("%s", "seccomp_init failed");
	/* Calls of other ABIs pass too: the filter adds failures, nothing else. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW) < 0)
		die("%s", "cannot let other architectures through");
	for (int j = 1; j < i; j++)
		add_rule(ctx, argv[j]);

	/* Without no_new_privs first; the kernel allows it with CAP_SYS_ADMIN.
	 * The kernel's own errno, not libseccomp's ECANCELED, says which. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1) < 0 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
		die("%s", "cannot clear the no_new_privs attribute");
	int r = seccomp_load(ctx);
	if (r == -EACCES || r == -EPERM) {
		if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1) < 0)
			die("%s", "cannot set the no_new_privs attribute");
		r = seccomp_load(ctx);
	}
	if (r < 0) {
		errno = -r;
		die("load the filter: %m", "");
	}
	seccomp_release(ctx);

	execvp(argv[i + 1], argv + i + 1);
	int e = errno;
	fprintf(stderr, "fault: %s: %s\n", argv[i + 1], strerror(e));
	return e == ENOENT ? 127 : 126;
}

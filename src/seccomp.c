/* seccomp.c: the command's seccomp filter, with libseccomp.
 *
 * Two modes, from the spec:
 *   seccomp-allow empty:  denylist. Default allow; seccomp-deny's calls get
 *                         seccomp-action.
 *   seccomp-allow given:  allowlist. Default seccomp-action; the calls of
 *                         seccomp-allow that seccomp-deny does not name are
 *                         allowed (so a profile can include the default one,
 *                         whose deny list still wins).
 * In both modes, always (the kernel hands these to any caller):
 *   - terminal ioctls that change the terminal for everyone (TIOCSTI,
 *     TIOCSETD, TIOCCONS and the rest of build_prologue's list) are denied;
 *   - vsock sockets (socket with AF_VSOCK) are denied: no network namespace
 *     isolates them, so net = none would still reach the hypervisor, other
 *     guests and the guest's vsock services (Docker's default profile
 *     denies them too). i386's socketcall, whose arguments are in memory,
 *     is not filtered: only a 32-bit program that uses it reaches them;
 *   - creating or setting a setuid or setgid bit is denied (chmod and its
 *     kin, mkdir, mknod, creat, open and openat with O_CREAT or O_TMPFILE),
 *     and openat2, whose mode a filter cannot see, gets ENOSYS;
 *   - clone3 gets ENOSYS: its flags are in memory, out of a filter's reach,
 *     so we make libc fall back to clone, whose flags we can filter.
 *   - In a denylist, a call newer than every name libseccomp knows gets
 *     ENOSYS (as Docker's and runc's filters do): a list can deny only
 *     what it can name, and the kernel keeps adding variants of denied or
 *     guarded calls (clone3, openat2, fchmodat2 each reached round such a
 *     list once). libc falls back, as on an older kernel. An allowlist
 *     already denies what it does not name.
 *   - clone and unshare with a CLONE_NEW* flag are denied: a new user
 *     namespace gives the command back every capability inside it, and with
 *     them the kernel's namespace-only attack surface.
 *   - On x86_64, i386 calls (int 0x80, or a 32-bit program) get the same
 *     rules: a filter that only knew x86_64 numbers would let `int $0x80`
 *     with i386 numbers through. x32 calls (numbers with bit 30, which
 *     Debian's kernels do not even enable) are killed, as is any other
 *     architecture: libseccomp's x86_64 code kills x32 numbers unless x32 is
 *     added, and x32 would double the build time again (measured: a 300-call
 *     allowlist takes 1.4 ms for one ABI, 8 ms for two, 20 ms for three).
 * The terminal, vsock, set-id, openat2 and newest-call rules are a
 * hand-written prologue (build_prologue) in front of libseccomp's program
 * (libseccomp cannot compare a number's range, nor a number it does not
 * know); the rest are libseccomp rules. As libseccomp rules the prologue's
 * would save nothing where it counts: the kernel (5.11 and later)
 * never runs a filter for a call it always allows, so the prologue's steps
 * matter only on the calls that read arguments, and there the prologue's
 * path is no longer (steps counted in the exported filters, prologue vs
 * rules, default and strict: openat 21 vs 25 and 22 vs 23; with O_CREAT 23
 * vs 25 and 24 vs 32; ioctl 28 vs 28 and 25 vs 27). Before 5.11 every call
 * pays the prologue's dispatch, about 17 steps.
 * Argument comparisons mask to 32 bits where the kernel takes an int: a
 * 64-bit compare of TIOCSTI would let 0x100005412 through, which the kernel
 * truncates back to TIOCSTI (CVE-2019-10063, flatpak).
 *
 * The filter is built outside the sandbox and exported as BPF, so
 * libseccomp never runs in it: read from the cache (filter_cache.c) and used
 * only after cached_answers_hold has run it, or, on a miss, compiled by a
 * child of the supervisor's (compile_apart). */
#include "seccomp.h"
#include "bpf.h"
#include "filter_cache.h"
#include "syscall_groups.h"

#include <seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Architectures a name may belong to: a profile written on one machine is
 * valid on another, so a name known to any of these is not an error. */
static const uint32_t known_arches[] = {
	SCMP_ARCH_X86_64, SCMP_ARCH_X86,     SCMP_ARCH_X32,     SCMP_ARCH_AARCH64,
	SCMP_ARCH_ARM,    SCMP_ARCH_PPC64LE, SCMP_ARCH_PPC,     SCMP_ARCH_S390X,
	SCMP_ARCH_S390,   SCMP_ARCH_MIPS64,  SCMP_ARCH_MIPS,    SCMP_ARCH_RISCV64,
};

static bool name_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_arches); i++)
		if (seccomp_syscall_resolve_name_arch(known_arches[i], name) >= 0)
			return true;
	return false;
}

int seccomp_filter_names(struct strv *names)
{
	for (int nr = 0; nr < 1024; nr++) {
		_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name && strv_push(names, name) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; syscall_groups_name(i); i++) {
		char group[64];
		snprintf(group, sizeof(group), "@%s", syscall_groups_name(i));
		if (strv_push(names, group) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* An unknown syscall or @group, with the closest known name of its kind. */
static int unknown_name(const char *value, struct corral_error *e)
{
	bool group = value[0] == '@';
	struct suggest sg;
	_cleanup_strv_ struct strv names = {0};
	suggest_init(&sg, value);
	if (seccomp_filter_names(&names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if ((names.v[i][0] == '@') == group)
				suggest_offer(&sg, names.v[i]);
	if (suggest_best(&sg))
		return corral_error_set(e, 0, "unknown syscall %s'%s' (did you mean '%s'?)",
					group ? "group " : "", value, suggest_best(&sg));
	return corral_error_set(e, 0, "unknown syscall %s'%s'", group ? "group " : "", value);
}

int seccomp_filter_check_name(const char *value, struct corral_error *e)
{
	if (value[0] == '@') {
		if (!syscall_groups_members(value + 1))
			return unknown_name(value, e);
		return 0;
	}
	if (!name_known(value))
		return unknown_name(value, e);
	/* Said here, where every name a user writes passes, rather than when
	 * the filter is built: a cached filter is not built again. */
	int nr = seccomp_syscall_resolve_name(value);
	if (nr == __NR_SCMP_ERROR)
		log_info("seccomp: syscall '%s' is unknown on this architecture; skipped", value);
	else if (nr < 0)
		log_info("seccomp: syscall '%s' does not exist on this architecture; "
			 "skipped (but for another ABI that has it)", value);
	return 0;
}

/* The actions named by one word; errno also takes ":NAME". */
static const struct {
	const char *word;
	uint32_t act;
} action_words[] = {
	{"errno", SCMP_ACT_ERRNO(EPERM)},
	{"kill", SCMP_ACT_KILL_PROCESS},
	{"log", SCMP_ACT_LOG},
	{"trap", SCMP_ACT_TRAP},
};

/* The errno names offered first (completion); any errno name is taken. */
static const char *const common_errnos[] = {"EPERM", "ENOSYS", "EACCES"};

/* errno[:NAME] | kill | log | trap into a libseccomp action. */
static int parse_action(const char *v, uint32_t *act)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_words); i++)
		if (strcmp(v, action_words[i].word) == 0) {
			*act = action_words[i].act;
			return 0;
		}
	if (strncmp(v, "errno:", 6) != 0)
		return -EINVAL;
	const char *name = v + 6;
	for (int n = 1; n < 4096; n++) {
		const char *s = strerrorname_np(n);
		if (s && strcasecmp(s, name) == 0) {
			*act = SCMP_ACT_ERRNO((uint16_t)n);
			return 0;
		}
	}
	return -ENOENT;
}

int seccomp_filter_action_names(struct strv *names)
{
	char buf[32];
	for (size_t i = 0; i < ARRAY_SIZE(common_errnos); i++) {
		snprintf(buf, sizeof(buf), "errno:%s", common_errnos[i]);
		if (strv_push(names, buf) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < ARRAY_SIZE(action_words); i++)
		if (strcmp(action_words[i].word, "errno") != 0 && strv_push(names, action_words[i].word) < 0)
			return -ENOMEM;
	return 0;
}

int seccomp_filter_check_action(const char *value, struct corral_error *e)
{
	uint32_t act;
	int r = parse_action(value, &act);
	if (r == -ENOENT)
		return corral_error_set(e, 0, "unknown errno name in '%s' (expected such as EPERM or ENOSYS)",
					value);
	if (r < 0)
		return corral_error_set(e, 0, "invalid action '%s' (expected errno[:NAME], kill, log or trap)",
					value);
	return 0;
}

/* With seccomp-log (or --learn) the filter's action for a denied call is
 * SECCOMP_RET_USER_NOTIF, and the supervisor answers with what the
 * configured action would have done. trap has no such answer: its SIGSYS
 * comes with the syscall's registers, which only the kernel can give. */
int seccomp_filter_notify_answer(const struct corral_spec *spec, int *err)
{
	uint32_t act = SCMP_ACT_ERRNO(EPERM);
	*err = 0;
	if (spec->learn)
		return CORRAL_NOTIFY_CONTINUE;
	if (spec->seccomp_action && parse_action(spec->seccomp_action, &act) < 0)
		return -EINVAL;
	if (act == SCMP_ACT_KILL_PROCESS)
		return CORRAL_NOTIFY_KILL;
	if (act == SCMP_ACT_LOG)
		return CORRAL_NOTIFY_CONTINUE;
	if (act == SCMP_ACT_TRAP)
		return -ENOTSUP;
	*err = (int)(act & 0xffff);
	return CORRAL_NOTIFY_ERRNO;
}

int seccomp_filter_syscall_name(uint32_t arch, int nr, char *buf, size_t size)
{
	_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, nr);
	if (name && strlen(name) < size) {
		snprintf(buf, size, "%s", name);
		return 0;
	}
	snprintf(buf, size, "syscall-%d", nr);
	return -ENOENT;
}

bool seccomp_filter_native(const char *name)
{
	return !strchr(name, ':') && seccomp_syscall_resolve_name(name) >= 0;
}

bool seccomp_filter_kills(const struct corral_spec *spec)
{
	uint32_t act = SCMP_ACT_ERRNO(EPERM);
	if (!spec->seccomp || !spec->seccomp_action || parse_action(spec->seccomp_action, &act) < 0)
		return false;
	return act == SCMP_ACT_KILL_PROCESS || act == SCMP_ACT_TRAP;
}

/* A resolved set of syscall numbers (libseccomp's: negative for a call that
 * does not exist on the native architecture but does on another), plus the
 * one argument-filtered pseudo member, PERSONALITY_UNSAFE. */
struct nrset {
	int *v;
	size_t n, cap;
	bool personality_unsafe;
};

static void nrset_free(struct nrset *s) { free(s->v); }
#define _cleanup_nrset_ __attribute__((cleanup(nrset_free)))

static int nrset_add(struct nrset *s, int nr)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		int *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = nr;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void nrset_sort(struct nrset *s)
{
	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_int);
	size_t k = 1;
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] != s->v[k - 1])
			s->v[k++] = s->v[i];
	s->n = k;
}

static bool nrset_has(const struct nrset *s, int nr)
{
	return s->n && bsearch(&nr, s->v, s->n, sizeof(*s->v), cmp_int);
}

static int expand(struct nrset *s, const char *name, int depth,
		  struct corral_error *e)
{
	if (name[0] == '@') {
		const char *const *m = syscall_groups_members(name + 1);
		if (!m || depth > 8)
			return corral_error_set(e, 0, "unknown syscall group '%s'", name);
		for (; *m; m++)
			if (expand(s, *m, depth + 1, e) < 0)
				return -1;
		return 0;
	}
	if (strcmp(name, PERSONALITY_UNSAFE) == 0) {
		s->personality_unsafe = true;
		return 0;
	}
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR) {
		/* Validated as known to some architecture, but not to libseccomp's
		 * native table: nothing to filter here (seccomp_filter_check_name
		 * said so under -v). */
		return 0;
	}
	int r = nrset_add(s, nr);
	return r < 0 ? corral_error_set(e, -r, "seccomp") : 0;
}

static int expand_list(struct nrset *s, const struct strv *l, struct corral_error *e)
{
	for (size_t i = 0; i < l->n; i++)
		if (expand(s, l->v[i], 0, e) < 0)
			return -1;
	nrset_sort(s);
	return 0;
}

static void ctx_release(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define _cleanup_seccomp_ __attribute__((cleanup(ctx_release)))

static const uint64_t ns_flags[] = {
	CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
	CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, 0x80 /* CLONE_NEWTIME */,
};

/* Personality flags that weaken the address space: no ASLR, executable
 * data, a mapping at page 0 (the null-dereference exploits), legacy layouts.
 * Docker's profile allows only the harmless values; we deny these flags. */
#define PER_UNSAFE_FLAGS                                                              \
	(0x0040000 /* ADDR_NO_RANDOMIZE */ | 0x0080000 /* FDPIC_FUNCPTRS */ |         \
	 0x0100000 /* MMAP_PAGE_ZERO */ | 0x0200000 /* ADDR_COMPAT_LAYOUT */ |        \
	 0x0400000 /* READ_IMPLIES_EXEC */ | 0x0800000 /* ADDR_LIMIT_32BIT */ |       \
	 0x1000000 /* SHORT_INODE */ | 0x2000000 /* WHOLE_SECONDS */ |                \
	 0x4000000 /* STICKY_TIMEOUTS */ | 0x8000000 /* ADDR_LIMIT_3GB */)

#define TRY(call)                                                                      \
	do {                                                                           \
		int r_ = (call);                                                       \
		if (r_ < 0)                                                            \
			return corral_error_set(e, -r_, "seccomp: add a rule for %s", what); \
	} while (0)

/* Denylist mode: deny personality with an unsafe flag. The kernel takes an
 * unsigned int; 0xffffffff only queries. A libseccomp rule compares each
 * argument once, so "bit 31 set and not the query" is one rule per other bit
 * (set bit 31, clear bit b). */
static int deny_personality(scmp_filter_ctx ctx, uint32_t act, struct corral_error *e)
{
	const char *what = "personality";
	int nr = SCMP_SYS(personality);
	for (int b = 0; b < 28; b++) {
		uint64_t bit = 1ULL << b;
		if (PER_UNSAFE_FLAGS & bit)
			TRY(seccomp_rule_add(ctx, act, nr, 1,
					     SCMP_A0(SCMP_CMP_MASKED_EQ, 0x80000000ULL | bit, bit)));
	}
	for (int b = 0; b < 31; b++) {
		uint64_t bit = 1ULL << b;
		TRY(seccomp_rule_add(ctx, act, nr, 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, 0x80000000ULL | bit, 0x80000000ULL)));
	}
	return 0;
}

/* Allowlist mode: allow only Docker's harmless personalities. */
static int allow_personality(scmp_filter_ctx ctx, struct corral_error *e)
{
	static const uint64_t ok[] = {0, 0x8, 0x20000, 0x20008, 0xffffffff};
	const char *what = "personality";
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		TRY(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL, ok[i])));
	return 0;
}

static uint64_t ns_mask(bool for_clone)
{
	uint64_t m = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ns_flags); i++)
		m |= ns_flags[i];
	/* clone's low byte is the exit signal, not flags: only clone3 and
	 * unshare take CLONE_NEWTIME. */
	return for_clone ? m & ~0xffULL : m;
}

static int add_rules(scmp_filter_ctx ctx, bool allow_mode, uint32_t act,
		     const struct nrset *allow, const struct nrset *deny, struct corral_error *e)
{
	const int nr_clone = SCMP_SYS(clone), nr_unshare = SCMP_SYS(unshare);
	const int nr_clone3 = SCMP_SYS(clone3);
	const int nr_personality = SCMP_SYS(personality);
	const char *what = "clone3";

	/* Before everything else: ENOSYS, so libc falls back to clone. */
	if (act != SCMP_ACT_ERRNO(ENOSYS) || !allow_mode)
		TRY(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr_clone3, 0));

	if (allow_mode) {
		for (size_t i = 0; i < allow->n; i++) {
			int nr = allow->v[i];
			if (nrset_has(deny, nr) || nr == nr_clone3)
				continue;
			if (nr == nr_clone || nr == nr_unshare) {
				what = nr == nr_clone ? "clone" : "unshare";
				TRY(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
						     SCMP_A0(SCMP_CMP_MASKED_EQ, ns_mask(nr == nr_clone), 0)));
			} else if (nr == nr_personality && deny->personality_unsafe) {
				if (allow_personality(ctx, e) < 0)
					return -1;
			} else {
				what = "a syscall";
				TRY(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0));
			}
		}
		return 0;
	}

	for (size_t i = 0; i < deny->n; i++) {
		if (deny->v[i] == nr_clone3)
			continue;
		what = "a syscall";
		TRY(seccomp_rule_add(ctx, act, deny->v[i], 0));
	}
	for (int pass = 0; pass < 2; pass++) {
		int nr = pass ? nr_unshare : nr_clone;
		what = pass ? "unshare" : "clone";
		if (nrset_has(deny, nr))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(ns_flags); i++)
			if (ns_flags[i] & ns_mask(!pass))
				TRY(seccomp_rule_add(ctx, act, nr, 1,
						     SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i])));
	}
	if (deny->personality_unsafe && !nrset_has(deny, nr_personality) &&
	    deny_personality(ctx, act, e) < 0)
		return -1;
	return 0;
}

/* libseccomp 2.5.4 exports only to an fd: a memfd, read back. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *prog, struct corral_error *e)
{
	_cleanup_close_ int fd = memfd_create("corral-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return corral_error_set(e, errno, "seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return corral_error_set(e, -r, "seccomp: export the filter");
	struct stat st;
	if (fstat(fd, &st) < 0)
		return corral_error_set(e, errno, "seccomp: stat the filter");
	size_t len = (size_t)st.st_size;
	if (len == 0 || len % sizeof(struct sock_filter) ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return corral_error_set(e, 0, "seccomp: the filter has %zu bytes (at most %d instructions)",
					len, BPF_MAXINSNS);
	_cleanup_free_ struct sock_filter *f = malloc(len);
	if (!f)
		return corral_error_set(e, ENOMEM, "seccomp");
	ssize_t n = pread(fd, f, len, 0);
	if (n != (ssize_t)len)
		return corral_error_set(e, n < 0 ? errno : EIO, "seccomp: read the filter back");
	prog->len = (unsigned short)(len / sizeof(struct sock_filter));
	prog->filter = steal_pointer(&f);
	return 0;
}

/* The rules every filter has that libseccomp cannot say, or not cheaply, are
 * written here as a classic BPF prologue, which falls through to libseccomp's
 * program. For each architecture of the filter it dispatches on the syscall
 * number:
 *   - ioctl: the terminal requests below are denied, compared on the
 *     request's low 32 bits (the kernel's cmd is an unsigned int: a 64-bit
 *     compare would let 0x100005412 through, CVE-2019-10063);
 *   - chmod, fchmod, fchmodat, fchmodat2, mkdir, mkdirat, mknod, mknodat,
 *     creat, and open/openat with O_CREAT or O_TMPFILE: denied when the mode
 *     has S_ISUID or S_ISGID, as systemd's RestrictSUIDSGID= does. The
 *     command runs without capabilities, but an owner needs none to set
 *     S_ISUID: root's command could otherwise leave a setuid-root program in
 *     a writable bind, for any user of the host to run;
 *   - openat2 gets ENOSYS: its mode is in memory, out of a filter's reach,
 *     and libc falls back to openat (systemd does the same);
 *   - with newest_enosys, any number above the newest libseccomp names for
 *     the architecture gets ENOSYS, up to 0x3fffffff: higher ones are x32's
 *     (bit 30, killed by libseccomp's program) or -1, a tracer's "skip this
 *     call", whose result the filter must not overwrite.
 * Checking only the low 32 bits of the mode is exact: the kernel's mode is
 * a umode_t. */
enum {
	L_END, L_DENY, L_ENOSYS, L_IOCTL, L_MODE1, L_MODE2, L_MODE3, L_OPEN, L_OPENAT, L_SOCKET,
	L_ARCH0, /* L_ARCH0 + i: the next architecture's test */
};

static const struct {
	const char *name;
	int label;
} guarded[] = {
	/* The most frequent first: the dispatch is a chain. */
	{"ioctl", L_IOCTL},    {"openat", L_OPENAT}, {"open", L_OPEN},      {"mkdir", L_MODE1},
	{"mkdirat", L_MODE2},  {"creat", L_MODE1},   {"chmod", L_MODE1},    {"fchmod", L_MODE1},
	{"fchmodat", L_MODE2}, {"fchmodat2", L_MODE2}, {"mknod", L_MODE1}, {"mknodat", L_MODE2},
	{"socket", L_SOCKET},  {"openat2", L_ENOSYS},
};

/* Terminal ioctls that change the terminal for everyone who uses it, the
 * user outside included, and outlive the run: fake input (TIOCSTI,
 * CVE-2017-5226; TIOCLINUX's selection paste, CVE-2023-28100), the line
 * discipline (TIOCSETD: N_NULL leaves the caller's terminal dead after the
 * run, and line disciplines are kernel code with a history of CVEs, n_hdlc
 * CVE-2017-2636, n_gsm CVE-2023-6546), the console's output (TIOCCONS), a
 * hang-up of every holder (TIOCVHANGUP), locked settings (TIOCSLCKTRMIOS),
 * and exclusive mode (TIOCEXCL: every later open but root's fails). */
static const uint32_t tty_denied[] = {TIOCSTI,     TIOCLINUX,      TIOCSETD, TIOCCONS,
				      TIOCVHANGUP, TIOCSLCKTRMIOS, TIOCEXCL};
/* And the Linux console's keyboard, font and VT requests (linux/kd.h 'K',
 * linux/vt.h 'V': old numbers without size bits): the keymap and the font
 * are shared by every virtual terminal, and KDSETMODE's graphics mode
 * outlives the program. */
static const uint32_t tty_denied_types[] = {0x4b00, 0x5600};

#define SETID_BITS (S_ISUID | S_ISGID)
#define CREATE_FLAGS (O_CREAT | (O_TMPFILE & ~O_DIRECTORY))

static int syscall_nr(uint32_t arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);
	/* libseccomp before 2.5.5 lacks fchmodat2 (Linux 6.6): 452 in the
	 * table these architectures share since Linux 5.1. */
	if (nr < 0 && strcmp(name, "fchmodat2") == 0 &&
	    (arch == SCMP_ARCH_X86_64 || arch == SCMP_ARCH_X86 || arch == SCMP_ARCH_AARCH64 ||
	     arch == SCMP_ARCH_ARM || arch == SCMP_ARCH_RISCV64))
		nr = 452;
	return nr;
}

/* The highest syscall number libseccomp names for arch, -1 for none. */
static int newest_named(uint32_t arch)
{
	for (int nr = 1023; nr >= 0; nr--) {
		_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, nr);
		if (name)
			return nr;
	}
	return -1;
}

static int build_prologue(struct bpf_asm *a, uint32_t deny, bool newest_enosys,
			  struct corral_error *e)
{
	uint32_t arches[2] = {seccomp_arch_native(), 0};
	unsigned narch = 1;
	if (arches[0] == SCMP_ARCH_X86_64)
		arches[narch++] = SCMP_ARCH_X86;

	bpf_asm_init(a);
	bpf_asm_load(a, offsetof(struct seccomp_data, arch));
	for (unsigned i = 0; i < narch; i++) {
		bpf_asm_jeq(a, arches[i], BPF_ASM_NEXT, L_ARCH0 + (int)i);
		bpf_asm_load(a, offsetof(struct seccomp_data, nr));
		for (size_t j = 0; j < ARRAY_SIZE(guarded); j++) {
			int nr = syscall_nr(arches[i], guarded[j].name);
			if (nr >= 0)
				bpf_asm_jeq(a, (uint32_t)nr, guarded[j].label, BPF_ASM_NEXT);
		}
		int newest = newest_enosys ? newest_named(arches[i]) : -1;
		if (newest >= 0) {
			bpf_asm_jgt(a, 0x3fffffff, L_END, BPF_ASM_NEXT);
			bpf_asm_jgt(a, (uint32_t)newest, L_ENOSYS, L_END);
		} else {
			bpf_asm_goto(a, L_END);
		}
		bpf_asm_label(a, L_ARCH0 + (int)i); /* A is still the arch */
	}
	bpf_asm_goto(a, L_END);

	bpf_asm_label(a, L_IOCTL);
	bpf_asm_load(a, BPF_ARG_LO(1));
	for (size_t i = 0; i < ARRAY_SIZE(tty_denied); i++)
		bpf_asm_jeq(a, tty_denied[i], L_DENY, BPF_ASM_NEXT);
	bpf_asm_and(a, 0xffffff00U);
	for (size_t i = 0; i < ARRAY_SIZE(tty_denied_types); i++)
		bpf_asm_jeq(a, tty_denied_types[i], L_DENY, BPF_ASM_NEXT);
	bpf_asm_goto(a, L_END);
	bpf_asm_label(a, L_OPEN);
	bpf_asm_load(a, BPF_ARG_LO(1));
	bpf_asm_jset(a, CREATE_FLAGS, L_MODE2, L_END);
	bpf_asm_label(a, L_OPENAT);
	bpf_asm_load(a, BPF_ARG_LO(2));
	bpf_asm_jset(a, CREATE_FLAGS, L_MODE3, L_END);
	for (int i = 1; i <= 3; i++) {
		bpf_asm_label(a, L_MODE1 + i - 1);
		bpf_asm_load(a, BPF_ARG_LO(i));
		bpf_asm_jset(a, SETID_BITS, L_DENY, L_END);
	}
	bpf_asm_label(a, L_SOCKET);
	bpf_asm_load(a, BPF_ARG_LO(0));
	bpf_asm_jeq(a, AF_VSOCK, L_DENY, L_END);
	bpf_asm_label(a, L_ENOSYS);
	bpf_asm_ret(a, SCMP_ACT_ERRNO(ENOSYS));
	bpf_asm_label(a, L_DENY);
	bpf_asm_ret(a, deny);
	bpf_asm_label(a, L_END);
	if (bpf_asm_finish(a) < 0)
		return corral_error_set(e, 0, "seccomp: the hand-written rules do not assemble");
	return 0;
}

/* prog = prologue, then prog. */
static int prepend(struct sock_fprog *prog, const struct bpf_asm *a, struct corral_error *e)
{
	size_t n = a->n + prog->len;
	if (n > BPF_MAXINSNS)
		return corral_error_set(e, 0, "seccomp: the filter has %zu instructions (at most %d)", n,
					BPF_MAXINSNS);
	struct sock_filter *f = malloc(n * sizeof(*f));
	if (!f)
		return corral_error_set(e, ENOMEM, "seccomp");
	memcpy(f, a->v, a->n * sizeof(*f));
	memcpy(f + a->n, prog->filter, prog->len * sizeof(*f));
	free(prog->filter);
	prog->filter = f;
	prog->len = (unsigned short)n;
	return 0;
}

/* Whether name is in list l, @groups expanded (by name: no resolution). */
static bool listed(const char *const *l, size_t n, const char *name, int depth)
{
	for (size_t i = 0; n == SIZE_MAX ? l[i] != NULL : i < n; i++) {
		if (l[i][0] == '@') {
			const char *const *m = syscall_groups_members(l[i] + 1);
			if (m && depth < 8 && listed(m, SIZE_MAX, name, depth + 1))
				return true;
		} else if (strcmp(l[i], name) == 0) {
			return true;
		}
	}
	return false;
}

static bool answers(const struct sock_fprog *p, uint32_t arch, int nr, uint64_t a0, uint64_t a1,
		    uint64_t a2, uint64_t a3, uint32_t want)
{
	struct seccomp_data d = {.nr = nr, .arch = arch, .args = {a0, a1, a2, a3}};
	uint32_t r;
	if (bpf_run(p->filter, p->len, &d, &r) < 0)
		return false;
	/* A kill is either kind: KILL_THREAD where the kernel lacks the other. */
	if (want == SCMP_ACT_KILL_PROCESS)
		return r == SCMP_ACT_KILL_PROCESS || r == SCMP_ACT_KILL_THREAD;
	return r == want;
}

/* A program read from the cache is trusted only if it gives the answers this
 * spec's filter must give: the rules every filter has, the architectures it
 * must refuse, and a few calls the lists decide (by name, so a hit still
 * resolves nothing). A forged "allow everything" fails here. */
static bool cached_answers_hold(const struct sock_fprog *p, const struct corral_spec *spec,
				bool learn, bool allow_mode, uint32_t act)
{
	const uint32_t native = seccomp_arch_native(), deny = learn ? SCMP_ACT_ERRNO(EPERM) : act;
	const uint32_t nosys = SCMP_ACT_ERRNO(ENOSYS);
	bool ok = answers(p, native, SCMP_SYS(ioctl), 0, TIOCSTI, 0, 0, deny) &&
		  answers(p, native, SCMP_SYS(ioctl), 0, 0x100000000ULL | TIOCSETD, 0, 0, deny) &&
		  answers(p, native, SCMP_SYS(ioctl), 0, 0x4b47 /* KDSKBENT */, 0, 0, deny) &&
		  answers(p, native, SCMP_SYS(fchmodat), AT_FDCWD, 0, S_ISUID | 0755, 0, deny) &&
		  answers(p, native, SCMP_SYS(openat), AT_FDCWD, 0, O_CREAT, S_ISGID | 0755, deny) &&
		  answers(p, native, SCMP_SYS(openat2), AT_FDCWD, 0, 0, 0, nosys) &&
		  answers(p, native, SCMP_SYS(socket), 0x100000000ULL | AF_VSOCK, SOCK_STREAM, 0, 0,
			  deny) &&
		  answers(p, native, SCMP_SYS(clone3), 0, 0, 0, 0, nosys) &&
		  answers(p, native, 0x3fffffff, 0, 0, 0, 0, allow_mode ? act : nosys) &&
		  answers(p, native, SCMP_SYS(unshare), CLONE_NEWUSER, 0, 0, 0, deny) &&
		  answers(p, native, SCMP_SYS(clone), CLONE_NEWUSER | SIGCHLD, 0, 0, 0, deny) &&
		  answers(p, SCMP_ARCH_MIPS, 0, 0, 0, 0, 0, SCMP_ACT_KILL_PROCESS);
	if (ok && native == SCMP_ARCH_X86_64)
		ok = answers(p, native, SCMP_SYS(getpid) | 0x40000000, 0, 0, 0, 0, SCMP_ACT_KILL_PROCESS);
	if (!ok || learn)
		return ok;
	static const struct {
		const char *name;
		int nr;
	} named[] = {{"io_uring_setup", SCMP_SYS(io_uring_setup)}, {"keyctl", SCMP_SYS(keyctl)},
		     {"bpf", SCMP_SYS(bpf)}, {"ptrace", SCMP_SYS(ptrace)}, {"mount", SCMP_SYS(mount)}};
	const struct strv *al = &spec->seccomp_allow, *dl = &spec->seccomp_deny;
	for (size_t i = 0; ok && i < ARRAY_SIZE(named); i++) {
		if (named[i].nr < 0)
			continue;
		bool in_deny = listed((const char *const *)dl->v, dl->n, named[i].name, 0);
		bool denied = allow_mode ? in_deny || !listed((const char *const *)al->v, al->n,
							      named[i].name, 0)
					 : in_deny;
		ok = answers(p, native, named[i].nr, 0, 0, 0, 0, denied ? act : SCMP_ACT_ALLOW);
	}
	return ok;
}

/* The program from the lists, with libseccomp: a cache miss's work. */
static int compile(const struct corral_spec *spec, bool learn, bool allow_mode, uint32_t act,
		   struct sock_fprog *prog, struct corral_error *e)
{
	_cleanup_nrset_ struct nrset allow = {0};
	_cleanup_nrset_ struct nrset deny = {0};

	if (learn) {
		/* Learning: every call goes to the supervisor, which lets it
		 * continue and records it (a loaded filter cannot change, so
		 * "notify only the first time" is the supervisor's bookkeeping,
		 * not the kernel's). The rules every filter has still hold,
		 * with EPERM (clone3 ENOSYS), so the program takes the same
		 * paths it will under the learned profile. */
		act = SCMP_ACT_ERRNO(EPERM);
		deny.personality_unsafe = true;
		/* The profiles' denials hold while learning too (they win in
		 * the learned profile anyway): strict's @keyring stays denied,
		 * not notified and let through to the host's keyrings. */
		if (expand_list(&deny, &spec->seccomp_deny, e) < 0)
			return -1;
	} else {
		if (expand_list(&deny, &spec->seccomp_deny, e) < 0 ||
		    expand_list(&allow, &spec->seccomp_allow, e) < 0)
			return -1;
		/* seccomp-log (act is SCMP_ACT_NOTIFY, set above): the same
		 * filter, but denied calls wait for the supervisor's answer
		 * (notify.c). */
	}

	_cleanup_seccomp_ scmp_filter_ctx ctx =
		seccomp_init(learn ? SCMP_ACT_NOTIFY : allow_mode ? act : SCMP_ACT_ALLOW);
	if (!ctx)
		return corral_error_set(e, 0, "seccomp: cannot create a filter with action '%s' "
					"(the kernel may lack it)",
					learn ? "notify" : spec->seccomp_action ? spec->seccomp_action : "errno");
	const char *what = "an architecture";
	/* i386 calls get the same rules; x32 and anything else die. */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64)
		TRY(seccomp_arch_add(ctx, SCMP_ARCH_X86));
	what = "attributes";
	/* libseccomp offers KILL_PROCESS only once it has asked the kernel
	 * (seccomp(2) SECCOMP_GET_ACTION_AVAIL); where an outer filter or
	 * valgrind refuses seccomp(2) that fails with EINVAL: take the thread
	 * kill of kernels before 4.14 rather than fail here, so that a refused
	 * load is reported as such. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0)
		TRY(seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL));
	/* We set no_new_privs ourselves, and load the exported program. */
	TRY(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0));
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 5)
	/* A binary tree of syscall numbers instead of a linear chain: the cost
	 * of a late syscall stops growing with the list. */
	TRY(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2));
#endif
	if (add_rules(ctx, allow_mode, act, &allow, &deny, e) < 0)
		return -1;
	struct bpf_asm pro;
	if (build_prologue(&pro, learn ? SCMP_ACT_ERRNO(EPERM) : act, !allow_mode, e) < 0 ||
	    export_bpf(ctx, prog, e) < 0 || prepend(prog, &pro, e) < 0)
		return -1;
	log_debug("seccomp: %s filter of %u instructions", allow_mode ? "allowlist" : "denylist",
		  (unsigned)prog->len);
	return 0;
}

/* What a child that compiled the filter sends back: the error, or the
 * program's length and then its instructions. */
struct apart_reply {
	int ok, err;
	uint32_t len;
	char msg[sizeof(((struct corral_error *)0)->msg)];
};

/* A cache miss is compiled in a child of ours: libseccomp's work takes
 * 0.3 to 0.7 MB of heap, which a hit never needs, and in this process it
 * would stay in the peak RSS of every profile's first run (the supervisor
 * with limits: 2080 kB on a first run against 1696 kB on later ones;
 * strict 2208 kB). The child sends the program, or its error's words,
 * back through a pipe and exits; the cache is written here, as on a build
 * of our own. Where no child can be had (fork refused), the work is ours.
 * The price, on a first run only: 2 to 4 ms more (the fork, and the
 * child's build on pages it must copy; bench/README.md). */
static int compile_apart(const struct corral_spec *spec, bool learn, bool allow_mode,
			 uint32_t act, struct sock_fprog *prog, struct corral_error *e)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return compile(spec, learn, allow_mode, act, prog, e);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return compile(spec, learn, allow_mode, act, prog, e);
	}
	if (pid == 0) {
		close_inherited_fds(p[1], false);
		prctl(PR_SET_NAME, "corral-filter"); /* ps and perf tell it apart */
		struct corral_error ce = {0};
		struct sock_fprog fp = {0};
		struct apart_reply r = {0};
		r.ok = compile(spec, learn, allow_mode, act, &fp, &ce) == 0;
		r.err = ce.err;
		r.len = r.ok ? fp.len : 0;
		memcpy(r.msg, ce.msg, sizeof(r.msg));
		bool sent = write_all(p[1], &r, sizeof(r)) == 0 &&
			    (!r.ok || write_all(p[1], fp.filter, fp.len * sizeof(*fp.filter)) == 0);
		_exit(sent ? 0 : 1);
	}
	close(p[1]);
	struct apart_reply r;
	bool got = read_all(p[0], &r, sizeof(r)) == 0 && (!r.ok || r.len > 0);
	if (got && r.ok) {
		prog->filter = calloc(r.len, sizeof(*prog->filter));
		got = prog->filter && read_all(p[0], prog->filter, r.len * sizeof(*prog->filter)) == 0;
		prog->len = got ? (unsigned short)r.len : 0;
	}
	close(p[0]);
	/* The reply is the verdict; the child's exit only needs reaping. */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (!got) {
		seccomp_filter_free(prog);
		return corral_error_set(e, 0, "seccomp: the filter's build ended without a result");
	}
	if (!r.ok) {
		/* Already in its final words: taken as they are. */
		memcpy(e->msg, r.msg, sizeof(e->msg));
		e->msg[sizeof(e->msg) - 1] = '\0';
		e->err = r.err;
		return r.err > 0 ? -r.err : -1;
	}
	return 0;
}

int seccomp_filter_build(const struct corral_spec *spec, struct sock_fprog *prog,
			 struct corral_error *e)
{
	uint32_t act = SCMP_ACT_ERRNO(EPERM);

	*prog = (struct sock_fprog){0};
	if (spec->seccomp_action && parse_action(spec->seccomp_action, &act) < 0)
		return corral_error_set(e, 0, "seccomp-action: invalid action '%s'", spec->seccomp_action);
	bool learn = spec->learn != NULL;
	bool allow_mode = !learn && spec->seccomp_allow.n > 0;
	if (!learn && spec->seccomp_log)
		act = SCMP_ACT_NOTIFY;

	/* The key: the lists as written, and what turns names into numbers
	 * and actions into a program (libseccomp's version, the arch, the
	 * running kernel), so a hit costs no name resolution. The kernel is
	 * named by uname's release and version, not by libseccomp's API
	 * level: that level is what libseccomp finds the kernel can do, a
	 * function of the kernel, but finding it costs 9 system calls and
	 * the copy of a page (0.1 to 0.2 ms, on the launch's path with
	 * limits). Another kernel, even the same release rebuilt, is
	 * another key. act is SCMP_ACT_NOTIFY under seccomp-log, so that
	 * filter has a key of its own; the learning filter has learn set. */
	const struct scmp_version *v = seccomp_version();
	struct utsname u = {0};
	struct {
		uint32_t n[7];
		char release[sizeof(u.release)], version[sizeof(u.version)];
	} salt = {.n = {v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0, seccomp_arch_native(),
			learn, allow_mode, learn ? SCMP_ACT_ERRNO(EPERM) : act}};
	bool keyed = uname(&u) == 0;
	/* Not the host name, which a UTS namespace changes: the kernel's. */
	strncpy(salt.release, u.release, sizeof(salt.release));
	strncpy(salt.version, u.version, sizeof(salt.version));
	struct filter_cache_key key;
	keyed = keyed && filter_cache_key(&key, &salt, sizeof(salt), &spec->seccomp_allow,
					  &spec->seccomp_deny);
	_cleanup_close_ int dir = keyed ? filter_cache_open_any(NULL, 0) : -1;
	/* Said under -v: such a run builds its filter every time (5 ms or
	 * more, where a cached one is read in a tenth of that), and nothing
	 * else says why it is slower. */
	if (keyed && dir < 0 && log_verbosity() >= CORRAL_VERBOSE) {
		char place[PATH_MAX];
		filter_cache_place(place, sizeof(place));
		if (place[0])
			log_info("seccomp: no filter cache at %s (it must be ours, writable only by us, "
				 "and reached without a symlink), nor in corral's runtime directory: the "
				 "filter is built on every run; XDG_CACHE_HOME can name another place",
				 place);
		else
			log_info("seccomp: no filter cache: neither XDG_CACHE_HOME nor HOME names a "
				 "directory, and corral's runtime directory has none; the filter is "
				 "built on every run");
	}
	if (dir >= 0 && filter_cache_read(dir, &key, prog)) {
		if (cached_answers_hold(prog, spec, learn, allow_mode, act)) {
			log_debug("seccomp: filter of %u instructions from the cache", (unsigned)prog->len);
			return 0;
		}
		log_debug("seccomp: the cached filter gives wrong answers; building it again");
		seccomp_filter_free(prog);
	}

	if (compile_apart(spec, learn, allow_mode, act, prog, e) < 0)
		return -1;
	if (dir >= 0)
		filter_cache_write(dir, &key, prog);
	return 0;
}

void seccomp_filter_free(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}

int seccomp_filter_install_listener(const struct sock_fprog *prog)
{
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
	return fd < 0 ? -errno : (int)fd;
}

int seccomp_filter_install(const struct sock_fprog *prog)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	/* Kernels before 3.17. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0) == 0)
		return 0;
	return -errno;
}

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
 *   - ioctl TIOCSTI and TIOCLINUX are denied: they push bytes into the input
 *     of a terminal the command shares with the user outside
 *     (CVE-2017-5226, bubblewrap; CVE-2016-7545, SELinux sandbox).
 *   - clone3 gets ENOSYS: its flags are in memory, out of a filter's reach,
 *     so we make libc fall back to clone, whose flags we can filter.
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
 * Argument comparisons mask to 32 bits where the kernel takes an int: a
 * 64-bit compare of TIOCSTI would let 0x100005412 through, which the kernel
 * truncates back to TIOCSTI (CVE-2019-10063, flatpak).
 *
 * The filter is built in the supervisor and exported as BPF, so libseccomp
 * never runs in the sandbox and every error comes before clone. */
#include "seccomp.h"
#include "syscall_groups.h"

#include <seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

/* errno[:NAME] | kill | log | trap into a libseccomp action. */
static int parse_action(const char *v, uint32_t *act)
{
	if (strcmp(v, "kill") == 0) {
		*act = SCMP_ACT_KILL_PROCESS;
		return 0;
	}
	if (strcmp(v, "log") == 0) {
		*act = SCMP_ACT_LOG;
		return 0;
	}
	if (strcmp(v, "trap") == 0) {
		*act = SCMP_ACT_TRAP;
		return 0;
	}
	if (strcmp(v, "errno") == 0) {
		*act = SCMP_ACT_ERRNO(EPERM);
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

/* Allowlist mode: allow ioctl unless the request's low 32 bits are TIOCSTI or
 * TIOCLINUX. A rule cannot say "not equal under a mask", so: allow when
 * any bit above the low nibble differs from the two requests' common prefix,
 * and allow the 14 other requests that share it. */
static int allow_ioctl(scmp_filter_ctx ctx, struct corral_error *e)
{
	const char *what = "ioctl";
	const uint32_t prefix = TIOCSTI & ~0xfU;
	_Static_assert((TIOCSTI & ~0xfU) == (TIOCLINUX & ~0xfU), "TIOCSTI and TIOCLINUX share a prefix");
	int nr = SCMP_SYS(ioctl);
	for (int b = 4; b < 32; b++) {
		uint64_t bit = 1ULL << b;
		TRY(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, bit, (~prefix) & bit)));
	}
	for (uint32_t low = 0; low < 16; low++) {
		uint32_t req = prefix | low;
		if (req != TIOCSTI && req != TIOCLINUX)
			TRY(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, req)));
	}
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
	const int nr_clone3 = SCMP_SYS(clone3), nr_ioctl = SCMP_SYS(ioctl);
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
			} else if (nr == nr_ioctl) {
				if (allow_ioctl(ctx, e) < 0)
					return -1;
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
	if (!nrset_has(deny, nr_ioctl)) {
		what = "ioctl";
		TRY(seccomp_rule_add(ctx, act, nr_ioctl, 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, TIOCSTI)));
		TRY(seccomp_rule_add(ctx, act, nr_ioctl, 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, TIOCLINUX)));
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

/* The cache of exported filters. Building costs far more than loading
 * (measured here: the default denylist 1.3 ms to build, 0.14 ms to load; a
 * 300-call allowlist 9 to 16 ms to build, 0.3 ms to load), and issue 10 allows
 * 0.3 ms a launch. The key covers everything the BPF depends on: the
 * resolved rule sets, the action, the architecture, libseccomp's version and
 * the kernel API level it detected. Files live in $XDG_CACHE_HOME/corral
 * (else ~/.cache/corral), a directory that must be ours and writable by
 * nobody else, as must each file; anything odd and we just build. */
#define CACHE_MAGIC "CORRALB2"

struct cache_key {
	uint64_t h[2];
};

struct cache_header {
	char magic[8];
	struct cache_key key;
	uint32_t len;
	uint32_t sum; /* of the instructions: a torn or damaged file is built again */
};

static void fnv(struct cache_key *k, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		k->h[0] = (k->h[0] ^ c[i]) * 0x100000001b3ULL;
		k->h[1] = (k->h[1] ^ (c[i] ^ 0x5a)) * 0x100000001b3ULL;
	}
}

static void fnv_strv(struct cache_key *k, const struct strv *l)
{
	uint32_t n = (uint32_t)l->n;
	fnv(k, &n, sizeof(n));
	for (size_t i = 0; i < l->n; i++)
		fnv(k, l->v[i], strlen(l->v[i]) + 1);
}

/* The key is made of what the filter is built from, as written: the lists,
 * the action, the mode; libseccomp's version, its API level and the arch
 * (which turn names into numbers); and the group table compiled into this
 * corral (so a corral whose groups changed never takes an old filter). A
 * hit then costs no name resolution at all. act is SCMP_ACT_NOTIFY under
 * seccomp-log, so that filter has a key of its own; the learning filter
 * (every call notified) has learn set. */
static void cache_key(struct cache_key *k, const struct corral_spec *spec, uint32_t learn,
		      bool allow_mode, uint32_t act)
{
	const struct scmp_version *v = seccomp_version();
	uint32_t head[] = {v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0,
			   seccomp_api_get(), seccomp_arch_native(), learn, allow_mode, act};
	*k = (struct cache_key){{0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL}};
	fnv(k, CACHE_MAGIC, 8);
	fnv(k, head, sizeof(head));
	fnv_strv(k, &spec->seccomp_allow);
	fnv_strv(k, &spec->seccomp_deny);
	for (size_t i = 0; syscall_groups_name(i); i++) {
		const char *g = syscall_groups_name(i);
		fnv(k, g, strlen(g) + 1);
		for (const char *const *m = syscall_groups_members(g); *m; m++)
			fnv(k, *m, strlen(*m) + 1);
	}
}

static uint32_t prog_sum(const struct sock_filter *f, size_t len)
{
	struct cache_key k = {{0xcbf29ce484222325ULL, 0}};
	fnv(&k, f, len);
	return (uint32_t)(k.h[0] ^ (k.h[0] >> 32));
}

/* Ours and writable only by us. */
static bool trusted(int fd, bool dir)
{
	struct stat st;
	return fstat(fd, &st) == 0 && st.st_uid == geteuid() && !(st.st_mode & 022) &&
	       (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

/* The cache directory, created if its parent is ours; -1 if none. */
static int cache_dir(void)
{
	char path[4096];
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		snprintf(path, sizeof(path), "%s", xdg);
	else if (home && home[0] == '/')
		snprintf(path, sizeof(path), "%s/.cache", home);
	else
		return -1;
	_cleanup_close_ int parent = open(path, O_DIRECTORY | O_CLOEXEC);
	if (parent < 0 && errno == ENOENT && mkdir(path, 0700) == 0)
		parent = open(path, O_DIRECTORY | O_CLOEXEC);
	if (parent < 0 || !trusted(parent, true))
		return -1;
	if (mkdirat(parent, "corral", 0700) < 0 && errno != EEXIST)
		return -1;
	int fd = openat(parent, "corral", O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !trusted(fd, true)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void cache_name(const struct cache_key *k, char *buf, size_t size)
{
	snprintf(buf, size, "seccomp-%016llx%016llx.bpf", (unsigned long long)k->h[0],
		 (unsigned long long)k->h[1]);
}

static bool cache_read(int dir, const struct cache_key *k, struct sock_fprog *prog)
{
	char name[64];
	cache_name(k, name, sizeof(name));
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct cache_header h;
	struct stat st;
	if (fd < 0 || !trusted(fd, false) || fstat(fd, &st) < 0 ||
	    read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) || memcmp(h.magic, CACHE_MAGIC, 8) != 0 ||
	    memcmp(&h.key, k, sizeof(*k)) != 0 || h.len == 0 || h.len > BPF_MAXINSNS ||
	    (size_t)st.st_size != sizeof(h) + h.len * sizeof(struct sock_filter))
		return false;
	size_t len = h.len * sizeof(struct sock_filter);
	_cleanup_free_ struct sock_filter *f = malloc(len);
	if (!f || read(fd, f, len) != (ssize_t)len || prog_sum(f, len) != h.sum)
		return false;
	prog->len = (unsigned short)h.len;
	prog->filter = steal_pointer(&f);
	return true;
}

/* Write to a private temporary name, then rename: a reader sees the whole
 * file or none. */
static void cache_write(int dir, const struct cache_key *k, const struct sock_fprog *prog)
{
	char name[64], tmp[96];
	cache_name(k, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	_cleanup_close_ int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	struct cache_header h = {.key = *k, .len = prog->len,
				 .sum = prog_sum(prog->filter, prog->len * sizeof(struct sock_filter))};
	memcpy(h.magic, CACHE_MAGIC, 8);
	if (write_all(fd, &h, sizeof(h)) < 0 ||
	    write_all(fd, prog->filter, prog->len * sizeof(struct sock_filter)) < 0 ||
	    renameat(dir, tmp, dir, name) < 0)
		unlinkat(dir, tmp, 0);
}

int seccomp_filter_build(const struct corral_spec *spec, struct sock_fprog *prog,
			 struct corral_error *e)
{
	uint32_t act = SCMP_ACT_ERRNO(EPERM);
	_cleanup_nrset_ struct nrset allow = {0};
	_cleanup_nrset_ struct nrset deny = {0};

	*prog = (struct sock_fprog){0};
	if (spec->seccomp_action && parse_action(spec->seccomp_action, &act) < 0)
		return corral_error_set(e, 0, "seccomp-action: invalid action '%s'", spec->seccomp_action);
	bool learn = spec->learn != NULL;
	bool allow_mode = !learn && spec->seccomp_allow.n > 0;
	if (!learn && spec->seccomp_log)
		act = SCMP_ACT_NOTIFY;

	struct cache_key key;
	/* learn is 2: learning filters before the deny list held were 1. */
	cache_key(&key, spec, learn ? 2 : 0, allow_mode, learn ? SCMP_ACT_ERRNO(EPERM) : act);
	_cleanup_close_ int dir = cache_dir();
	if (dir >= 0 && cache_read(dir, &key, prog)) {
		log_debug("seccomp: filter of %u instructions from the cache", (unsigned)prog->len);
		return 0;
	}

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
	if (export_bpf(ctx, prog, e) < 0)
		return -1;
	log_debug("seccomp: %s filter of %u instructions", allow_mode ? "allowlist" : "denylist",
		  (unsigned)prog->len);
	if (dir >= 0)
		cache_write(dir, &key, prog);
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

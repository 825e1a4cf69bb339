/* Unit tests of seccomp.c and caps.c: names, groups, actions, and that a
 * filter builds for every group in both modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "bpf.h"
#include "caps.h"
#include "options.h"
#include "seccomp.h"
#include "syscall_groups.h"

/* Every member of every group is a known syscall or group: a typo in the
 * table would otherwise be silently skipped at build time. */
static void test_groups_resolve(void **state)
{
	struct corral_error e = {0};
	size_t n = 0;
	for (const char *g; (g = syscall_groups_name(n)); n++) {
		const char *const *m = syscall_groups_members(g);
		assert_non_null(m);
		for (; *m; m++) {
			if (strchr(*m, ':'))
				continue; /* an argument-filtered pseudo member */
			if (seccomp_filter_check_name(*m, &e) != 0)
				fail_msg("group @%s: %s", g, e.msg);
		}
	}
	assert_true(n >= 20);
	static const char *design[] = {"mount",  "debug",  "privileged", "obsolete",
				       "clock",  "module", "raw-io",     "reboot",
				       "swap",   "cpu-emulation", "default-deny"};
	for (size_t i = 0; i < sizeof(design) / sizeof(*design); i++)
		assert_non_null(syscall_groups_members(design[i]));
}

static void test_names(void **state)
{
	struct corral_error e = {0};
	assert_int_equal(seccomp_filter_check_name("ptrace", &e), 0);
	assert_int_equal(seccomp_filter_check_name("@mount", &e), 0);
	assert_int_equal(seccomp_filter_check_name("rtas", &e), 0); /* powerpc only */
	assert_int_not_equal(seccomp_filter_check_name("ptracee", &e), 0);
	assert_string_equal(e.msg, "unknown syscall 'ptracee' (did you mean 'ptrace'?)");
	assert_int_not_equal(seccomp_filter_check_name("@mounts", &e), 0);
	assert_string_equal(e.msg, "unknown syscall group '@mounts' (did you mean '@mount'?)");
	assert_int_not_equal(seccomp_filter_check_name("qqqqqqqq", &e), 0);
	assert_string_equal(e.msg, "unknown syscall 'qqqqqqqq'");
}

static void test_actions(void **state)
{
	struct corral_error e = {0};
	const char *ok[] = {"errno", "errno:EPERM", "errno:ENOSYS", "errno:eacces", "kill", "log", "trap"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
		assert_int_equal(seccomp_filter_check_action(ok[i], &e), 0);
	assert_int_not_equal(seccomp_filter_check_action("errno:EBOGUS", &e), 0);
	assert_int_not_equal(seccomp_filter_check_action("kil", &e), 0);
	assert_int_not_equal(seccomp_filter_check_action("errno:", &e), 0);
}

static void test_caps(void **state)
{
	struct corral_error e = {0};
	assert_int_equal(caps_check_name("NET_BIND_SERVICE", &e), 0);
	assert_int_equal(caps_check_name("CAP_NET_BIND_SERVICE", &e), 0);
	assert_int_equal(caps_check_name("cap_sys_admin", &e), 0);
	assert_int_equal(caps_check_name("Net_Raw", &e), 0);
	assert_int_not_equal(caps_check_name("NET_BIND_SERVIC", &e), 0);
	assert_int_not_equal(caps_check_name("CAP_", &e), 0);
	assert_int_not_equal(caps_check_name("10", &e), 0);
}

/* Each group builds as a deny list and as an allow list. */
static void test_build_every_group(void **state)
{
	const char *g;
	for (size_t i = 0; (g = syscall_groups_name(i)); i++) {
		for (int allow = 0; allow < 2; allow++) {
			struct corral_spec spec;
			struct corral_error e = {0};
			char word[64];
			assert_int_equal(option_defaults(&spec, &e), 0);
			snprintf(word, sizeof(word), "@%s", g);
			assert_int_equal(option_apply(&spec, option_find(allow ? "seccomp-allow" : "seccomp-deny"),
						      word, &e), 0);
			struct sock_fprog p;
			if (seccomp_filter_build(&spec, &p, &e) != 0)
				fail_msg("%s %s: %s", allow ? "allow" : "deny", word, e.msg);
			assert_true(p.len > 4);
			seccomp_filter_free(&p);
			option_spec_free(&spec);
		}
	}
}

static uint32_t answer(const struct sock_fprog *p, int nr, uint64_t a0, uint64_t a1, uint64_t a2,
		       uint64_t a3)
{
	struct seccomp_data d = {.nr = nr, .arch = SCMP_ARCH_X86_64, .args = {a0, a1, a2, a3}};
	uint32_t r = 0xdead;
	assert_int_equal(bpf_run(p->filter, p->len, &d, &r), 0);
	return r;
}

/* The rules every filter has, run through the interpreter, for the shipped
 * profiles' two modes, seccomp-log and --learn. */
static void test_rules_every_filter_has(void **state)
{
	static const struct {
		const char *key, *value;
		uint32_t deny;
	} cases[] = {
		{"seccomp-deny", "@default-deny", SCMP_ACT_ERRNO(EPERM)},
		{"seccomp-allow", "@system-service", SCMP_ACT_ERRNO(EPERM)},
		{"seccomp-log", "yes", SCMP_ACT_NOTIFY},
		{"seccomp-action", "kill", SCMP_ACT_KILL_PROCESS},
	};
	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		skip();
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct corral_spec spec;
		struct corral_error e = {0};
		struct sock_fprog p;
		assert_int_equal(option_defaults(&spec, &e), 0);
		assert_int_equal(option_apply(&spec, option_find("seccomp-deny"), "@default-deny", &e), 0);
		assert_int_equal(option_apply(&spec, option_find(cases[i].key), cases[i].value, &e), 0);
		/* No cache (no absolute path for it): what is checked is what
		 * was built. */
		setenv("XDG_CACHE_HOME", "none", 1);
		setenv("HOME", "none", 1);
		assert_int_equal(seccomp_filter_build(&spec, &p, &e), 0);
		const uint32_t deny = cases[i].deny, nosys = SCMP_ACT_ERRNO(ENOSYS);
		static const uint32_t tty[] = {TIOCSTI, TIOCLINUX, TIOCSETD, TIOCCONS, TIOCVHANGUP,
					       TIOCSLCKTRMIOS, TIOCEXCL, 0x4b45, 0x4b47, 0x5606};
		for (size_t t = 0; t < sizeof(tty) / sizeof(*tty); t++) {
			assert_int_equal(answer(&p, SCMP_SYS(ioctl), 0, tty[t], 0, 0), deny);
			/* The kernel's cmd is 32 bits: so is the rule. */
			assert_int_equal(answer(&p, SCMP_SYS(ioctl), 0, 0x500000000ULL | tty[t], 0, 0), deny);
		}
		assert_int_equal(answer(&p, SCMP_SYS(ioctl), 0, FIONREAD, 0, 0), SCMP_ACT_ALLOW);
		assert_int_equal(answer(&p, SCMP_SYS(ioctl), 0, 0x80045430 /* TIOCGPTN */, 0, 0),
				 SCMP_ACT_ALLOW);
		for (mode_t bit = S_ISGID; bit <= S_ISUID; bit <<= 1) {
			assert_int_equal(answer(&p, SCMP_SYS(chmod), 0, bit | 0755, 0, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(fchmod), 3, bit | 0755, 0, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(fchmodat), AT_FDCWD, 0, bit | 0755, 0), deny);
			assert_int_equal(answer(&p, 452 /* fchmodat2 */, AT_FDCWD, 0, bit | 0755, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(mkdir), 0, bit | 0755, 0, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(mkdirat), AT_FDCWD, 0, bit, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(mknod), 0, S_IFREG | bit, 0, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(mknodat), AT_FDCWD, 0, S_IFREG | bit, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(creat), 0, bit | 0644, 0, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(open), 0, O_CREAT | O_WRONLY, bit, 0), deny);
			assert_int_equal(answer(&p, SCMP_SYS(openat), AT_FDCWD, 0, O_CREAT, bit), deny);
			assert_int_equal(answer(&p, SCMP_SYS(openat), AT_FDCWD, 0, O_TMPFILE | O_RDWR, bit),
					 deny);
			/* Without O_CREAT the mode is not looked at. */
			assert_int_equal(answer(&p, SCMP_SYS(openat), AT_FDCWD, 0, O_RDONLY, bit),
					 SCMP_ACT_ALLOW);
		}
		assert_int_equal(answer(&p, SCMP_SYS(chmod), 0, 01777, 0, 0), SCMP_ACT_ALLOW);
		assert_int_equal(answer(&p, SCMP_SYS(openat), AT_FDCWD, 0, O_CREAT, 0644), SCMP_ACT_ALLOW);
		assert_int_equal(answer(&p, SCMP_SYS(openat2), AT_FDCWD, 0, 0, 0), nosys);
		assert_int_equal(answer(&p, SCMP_SYS(clone3), 0, 0, 0, 0), nosys);
		assert_int_equal(answer(&p, SCMP_SYS(unshare), CLONE_NEWUSER, 0, 0, 0), deny);
		/* A number past libseccomp's table: ENOSYS in a denylist (a
		 * list cannot deny what it cannot name), the allowlist's own
		 * action in an allowlist. -1, a tracer's skipped call, is left
		 * to libseccomp's program, which allows it. */
		bool allowlist = strcmp(cases[i].key, "seccomp-allow") == 0;
		for (int nr = 1000; nr <= 0x3fffffff; nr += 0x3fffffff - 1000)
			assert_int_equal(answer(&p, nr, 0, 0, 0, 0), allowlist ? deny : nosys);
		assert_int_equal(answer(&p, -1, 0, 0, 0, 0), allowlist ? deny : SCMP_ACT_ALLOW);
		seccomp_filter_free(&p);
		option_spec_free(&spec);
	}
}

/* The assembler: labels resolve forward, and what it cannot encode fails. */
static void test_bpf_asm(void **state)
{
	struct bpf_asm a;
	bpf_asm_init(&a);
	bpf_asm_load(&a, offsetof(struct seccomp_data, nr));
	bpf_asm_jeq(&a, 7, 1, BPF_ASM_NEXT);
	bpf_asm_ret(&a, 1);
	bpf_asm_label(&a, 1);
	bpf_asm_ret(&a, 2);
	assert_int_equal(bpf_asm_finish(&a), 0);
	struct seccomp_data d = {.nr = 7};
	uint32_t r;
	assert_int_equal(bpf_run(a.v, a.n, &d, &r), 0);
	assert_int_equal(r, 2);
	d.nr = 8;
	assert_int_equal(bpf_run(a.v, a.n, &d, &r), 0);
	assert_int_equal(r, 1);
	/* An unplaced label, and a program that runs off its end. */
	bpf_asm_init(&a);
	bpf_asm_goto(&a, 3);
	assert_int_not_equal(bpf_asm_finish(&a), 0);
	struct sock_filter f[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
	assert_int_not_equal(bpf_run(f, 1, &d, &r), 0);
	/* A load outside struct seccomp_data. */
	struct sock_filter g[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), BPF_STMT(BPF_RET | BPF_K, 0)};
	assert_int_not_equal(bpf_run(g, 2, &d, &r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_resolve), cmocka_unit_test(test_names),
		cmocka_unit_test(test_actions),        cmocka_unit_test(test_caps),
		cmocka_unit_test(test_build_every_group), cmocka_unit_test(test_rules_every_filter_has),
		cmocka_unit_test(test_bpf_asm),
	};
	return cmocka_run_group_tests_name("seccomp", tests, NULL, NULL);
}

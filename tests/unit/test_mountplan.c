/* Unit tests of mountplan.c: path normalisation, the key syntax, and the
 * order mounts are applied in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "mountplan.h"
#include "options.h"

static void test_normalise(void **state)
{
	char b[64];
	assert_int_equal(mountplan_normalise("/usr//lib/", b, sizeof(b)), 0);
	assert_string_equal(b, "/usr/lib");
	assert_int_equal(mountplan_normalise("/", b, sizeof(b)), 0);
	assert_string_equal(b, "/");
	assert_int_equal(mountplan_normalise("///", b, sizeof(b)), 0);
	assert_string_equal(b, "/");
	assert_int_equal(mountplan_normalise("usr", b, sizeof(b)), -EINVAL);
	assert_int_equal(mountplan_normalise("/a/../b", b, sizeof(b)), -EINVAL);
	assert_int_equal(mountplan_normalise("/a/./b", b, sizeof(b)), -EINVAL);
	assert_int_equal(mountplan_normalise("/a/..b", b, sizeof(b)), 0);
	assert_int_equal(mountplan_normalise("/aaaaaaaaaa", b, 8), -ENAMETOOLONG);
}

static void test_checks(void **state)
{
	struct corral_error e = {0};
	assert_int_equal(mountplan_check_bind("/usr", &e), 0);
	assert_int_equal(mountplan_check_bind("/srv/data:/data", &e), 0);
	assert_true(mountplan_check_bind("srv:/data", &e) < 0);
	assert_true(mountplan_check_bind("/srv:data", &e) < 0);
	assert_true(mountplan_check_bind("/srv:", &e) < 0);
	assert_int_equal(mountplan_check_tmpfs("/tmp", &e), 0);
	assert_int_equal(mountplan_check_tmpfs("/tmp:64M", &e), 0);
	assert_true(mountplan_check_tmpfs("/tmp:lots", &e) < 0);
	assert_true(mountplan_check_tmpfs("/tmp:0", &e) < 0);
	assert_int_equal(mountplan_check_symlink("usr/bin:/bin", &e), 0);
	assert_int_equal(mountplan_check_symlink("/a:b:/c", &e), 0);
	assert_true(mountplan_check_symlink("/bin", &e) < 0);
	assert_true(mountplan_check_symlink(":/bin", &e) < 0);
	assert_true(mountplan_check_dst("relative", &e) < 0);
}

/* overlay = SRC:DST[:UPPER]: one or two colons, every part absolute. */
static void test_overlay_syntax(void **state)
{
	struct corral_error e = {0};
	char a[64], b[64], c[64];
	assert_int_equal(mountplan_check_overlay("/src:/src", &e), 0);
	assert_int_equal(mountplan_check_overlay("/src:/w:/up", &e), 0);
	assert_true(mountplan_check_overlay("/src", &e) < 0);
	assert_non_null(strstr(e.msg, "is not SRC:DST or SRC:DST:UPPER"));
	assert_true(mountplan_check_overlay("/a:/b:/c:/d", &e) < 0);
	assert_true(mountplan_check_overlay("src:/w", &e) < 0);
	assert_true(mountplan_check_overlay("/src:w", &e) < 0);
	assert_non_null(strstr(e.msg, "destination 'w'"));
	assert_true(mountplan_check_overlay("/src:/w:up", &e) < 0);
	assert_non_null(strstr(e.msg, "upper directory 'up'"));
	assert_true(mountplan_check_overlay("/src:/w:", &e) < 0);
	assert_true(mountplan_check_overlay("/src:/a/../b", &e) < 0);
	assert_int_equal(mountplan_split_overlay("/s:/d:/u", a, b, c, sizeof(a)), 0);
	assert_string_equal(a, "/s");
	assert_string_equal(b, "/d");
	assert_string_equal(c, "/u");
	assert_int_equal(mountplan_split_overlay("/s:/d", a, b, c, sizeof(a)), 0);
	assert_string_equal(c, "");
}

static void apply(struct corral_spec *s, const char *key, const char *value)
{
	struct corral_error e = {0};
	assert_int_equal(option_apply(s, option_find(key), value, &e), 0);
}

/* Depth first, parents before children, whatever the order of keys. */
static void test_order(void **state)
{
	struct corral_spec s;
	struct corral_error e = {0};
	struct mount_plan p;
	assert_int_equal(option_defaults(&s, &e), 0);
	apply(&s, "tmpfs", "/usr/local/tmp:1M");
	apply(&s, "bind", "/srv:/usr/local");
	apply(&s, "dev", "/dev");
	apply(&s, "ro-bind", "/usr");
	apply(&s, "symlink", "usr/bin:/bin");
	apply(&s, "ro-bind-try", "/opt/b");
	apply(&s, "ro-bind-try", "/opt/a:/opt");
	apply(&s, "bind-cwd", "ro");
	apply(&s, "overlay", "/srv:/usr/local/src:/var/up");
	apply(&s, "overlay", "/srv:/work");
	assert_int_equal(mountplan_build(&s, "/home/me", &p, &e), 0);
	const char *want[][2] = {
		{"symlink", "/bin"}, {"ro-bind", "/usr"},   {"ro-bind-try", "/opt"},
		{"overlay", "/work"}, {"dev", "/dev"},     {"ro-bind-try", "/opt/b"},
		{"bind", "/usr/local"}, {"bind-cwd", "/home/me"}, {"overlay", "/usr/local/src"},
		{"tmpfs", "/usr/local/tmp"},
	};
	assert_int_equal(p.n, 10);
	for (size_t i = 0; i < p.n; i++) {
		assert_string_equal(p.v[i].key, want[i][0]);
		assert_string_equal(p.v[i].dst, want[i][1]);
	}
	assert_true(p.v[1].ro);
	assert_false(p.v[1].try_);
	assert_true(p.v[2].try_);
	assert_string_equal(p.v[2].src, "/opt/a");
	assert_true(p.v[7].ro);
	assert_string_equal(p.v[9].size, "1M");
	assert_string_equal(p.v[0].src, "usr/bin");
	assert_string_equal(p.v[3].src, "/srv");
	assert_null(p.v[3].upper);
	assert_int_equal(p.v[3].index, 1);
	assert_string_equal(p.v[8].upper, "/var/up");
	assert_int_equal(p.v[8].index, 0);
	assert_false(p.v[8].ro);
	mountplan_free(&p);
	option_spec_free(&s);
}

static void test_validate(void **state)
{
	struct corral_spec s;
	struct corral_error e = {0};
	assert_int_equal(option_defaults(&s, &e), 0);
	apply(&s, "ro-bind", "/no/such/path:/x");
	assert_true(mountplan_validate(&s, &e) < 0);
	assert_non_null(strstr(e.msg, "ro-bind: source '/no/such/path'"));
	apply(&s, "ro-bind", "");
	apply(&s, "ro-bind-try", "/no/such/path:/x");
	assert_int_equal(mountplan_validate(&s, &e), 0);
	apply(&s, "root", "host");
	assert_true(mountplan_validate(&s, &e) < 0);
	assert_non_null(strstr(e.msg, "ro-bind-try = /no/such/path:/x: mount options need root = tmpfs"));
	option_spec_free(&s);

	/* overlay: a missing source, a source that is a file, UPPER inside SRC. */
	assert_int_equal(option_defaults(&s, &e), 0);
	apply(&s, "overlay", "/no/such/path:/x");
	assert_true(mountplan_validate(&s, &e) < 0);
	assert_non_null(strstr(e.msg, "overlay: source '/no/such/path': No such file"));
	apply(&s, "overlay", "");
	apply(&s, "overlay", "/dev/null:/x");
	assert_true(mountplan_validate(&s, &e) < 0);
	assert_non_null(strstr(e.msg, "overlay: source '/dev/null' is not a directory"));
	apply(&s, "overlay", "");
	apply(&s, "overlay", "/:/x:/no/such/upper");
	assert_true(mountplan_validate(&s, &e) < 0);
	assert_non_null(strstr(e.msg, "overlay: upper '/no/such/upper': No such file or directory (make it first"));
	apply(&s, "overlay", "");
	apply(&s, "overlay", "/:/x");
	assert_int_equal(mountplan_validate(&s, &e), 0);
	apply(&s, "root", "host");
	assert_true(mountplan_validate(&s, &e) < 0);
	assert_non_null(strstr(e.msg, "overlay = /:/x: mount options need root = tmpfs"));
	option_spec_free(&s);
}

/* /etc/hosts, /etc/hostname and HOME's tmpfs, unless something is there. */
static void test_implicit(void **state)
{
	struct corral_spec s;
	struct corral_error e = {0};
	struct mount_plan p;
	assert_int_equal(option_defaults(&s, &e), 0);
	apply(&s, "ro-bind", "/etc");
	apply(&s, "tmpfs", "/tmp");
	assert_int_equal(mountplan_build(&s, NULL, &p, &e), 0);
	assert_int_equal(mountplan_add_implicit(&s, "/home//me/", &p, &e), 0);
	const char *want[][2] = {
		{"ro-bind", "/etc"}, {"tmpfs", "/tmp"}, {"home", "/home/me"},
		{"hosts", "/etc/hosts"}, {"hostname", "/etc/hostname"},
	};
	assert_int_equal(p.n, 5);
	for (size_t i = 0; i < p.n; i++) {
		assert_string_equal(p.v[i].key, want[i][0]);
		assert_string_equal(p.v[i].dst, want[i][1]);
	}
	assert_true(p.v[2].home);
	assert_false(p.v[1].home);
	mountplan_free(&p);

	/* HOME under a tmpfs or bind, or at one: theirs. A file bound at
	 * /etc/hosts: the caller's. A dir at HOME: still a tmpfs. */
	const char *covered[] = {"/tmp", "/tmp/me", "/etc/x"};
	for (size_t i = 0; i < ARRAY_SIZE(covered); i++) {
		assert_int_equal(mountplan_build(&s, NULL, &p, &e), 0);
		assert_int_equal(mountplan_add_implicit(&s, covered[i], &p, &e), 0);
		assert_int_equal(p.n, 4);
		mountplan_free(&p);
	}
	apply(&s, "ro-bind", "/srv/hosts:/etc/hosts");
	apply(&s, "dir", "/root");
	assert_int_equal(mountplan_build(&s, NULL, &p, &e), 0);
	assert_int_equal(mountplan_add_implicit(&s, "/root", &p, &e), 0);
	assert_int_equal(p.n, 6);
	assert_string_equal(p.v[p.n - 1].key, "hostname");
	mountplan_free(&p);
	/* No HOME, HOME=/, a relative one, /nonexistent (the convention for
	 * "no home": programs rely on it not existing), or home = no: no tmpfs. */
	const char *none[] = {NULL, "/", "relative", "/nonexistent", "//nonexistent/"};
	for (size_t i = 0; i < ARRAY_SIZE(none); i++) {
		assert_int_equal(mountplan_build(&s, NULL, &p, &e), 0);
		assert_int_equal(mountplan_add_implicit(&s, none[i], &p, &e), 0);
		assert_int_equal(p.n, 5);
		mountplan_free(&p);
	}
	apply(&s, "home", "no");
	assert_int_equal(mountplan_build(&s, NULL, &p, &e), 0);
	assert_int_equal(mountplan_add_implicit(&s, "/home/me", &p, &e), 0);
	assert_int_equal(p.n, 5);
	mountplan_free(&p);
	option_spec_free(&s);
}

/* The HOME the command gets: setenv, then clearenv and unsetenv, then the
 * caller's. */
/* The plan of keys k (pairs key, value), every bind marked bound; the index
 * of the entry at dst. */
static size_t plan_of(struct corral_spec *s, struct mount_plan *p, const char *const *k,
		      const char *dst)
{
	struct corral_error e = {0};
	assert_int_equal(option_defaults(s, &e), 0);
	for (; *k; k += 2)
		apply(s, k[0], k[1]);
	assert_int_equal(mountplan_build(s, NULL, p, &e), 0);
	size_t at = p->n;
	for (size_t i = 0; i < p->n; i++) {
		p->v[i].bound = true;
		if (strcmp(p->v[i].dst, dst) == 0)
			at = i;
	}
	assert_true(at < p->n);
	return at;
}

/* Which binds of a host symlink may be that symlink: only where another
 * bind before it shows the path it names, the same way, and nothing else
 * covers that path or the link's place. */
static void test_link_base(void **state)
{
	static const struct {
		const char *keys[12];
		const char *dst, *link, *t; /* t NULL: stays a bind */
	} cases[] = {
		{{"ro-bind", "/usr", "ro-bind-try", "/bin", NULL}, "/bin", "usr/bin", "/usr/bin"},
		{{"ro-bind", "/usr", "ro-bind-try", "/bin", NULL}, "/bin", "/usr/bin", "/usr/bin"},
		{{"ro-bind", "/usr", "ro-bind-try", "/bin", NULL}, "/bin", "usr", "/usr"},
		{{"ro-bind", "/a/usr", "ro-bind", "/a/bin", NULL}, "/a/bin", "usr/bin", "/a/usr/bin"},
		/* The target not shown by a bind, or shown from elsewhere. */
		{{"ro-bind-try", "/bin", NULL}, "/bin", "usr/bin", NULL},
		{{"ro-bind", "/usr", "ro-bind-try", "/bin", NULL}, "/bin", "opt/bin", NULL},
		{{"ro-bind", "/opt:/usr", "ro-bind-try", "/bin", NULL}, "/bin", "usr/bin", NULL},
		{{"ro-bind", "/usr", "ro-bind-try", "/bin", NULL}, "/bin", "../usr/bin", NULL},
		{{"ro-bind", "/usr", "ro-bind-try", "/bin", NULL}, "/bin", "./usr/bin", NULL},
		/* Other flags; an explicit destination; after the link in order. */
		{{"ro-bind", "/usr", "bind", "/bin", NULL}, "/bin", "usr/bin", NULL},
		{{"ro-bind", "/usr", "ro-bind", "/bin:/bin2", NULL}, "/bin2", "usr/bin", NULL},
		{{"ro-bind-try", "/usr", "ro-bind", "/bin", NULL}, "/bin", "usr/bin", NULL},
		/* Something else at the target, between, at the bind, or at the link. */
		{{"ro-bind", "/usr", "tmpfs", "/usr/bin", "ro-bind-try", "/bin", NULL}, "/bin", "usr/bin", NULL},
		{{"ro-bind", "/usr", "mask", "/usr/bin", "ro-bind-try", "/bin", NULL}, "/bin", "usr/bin", NULL},
		{{"ro-bind", "/usr", "ro-bind", "/usr", "ro-bind-try", "/bin", NULL}, "/bin", "usr/bin", NULL},
		{{"ro-bind", "/usr", "ro-bind-try", "/bin", "tmpfs", "/bin/x", NULL}, "/bin", "usr/bin", NULL},
		{{"ro-bind", "/usr", "ro-bind-try", "/bin", "dir", "/bin", NULL}, "/bin", "usr/bin", NULL},
		/* Below the target is no conflict: it shows through both. */
		{{"ro-bind", "/usr", "mask", "/usr/bin/su", "ro-bind-try", "/bin", NULL}, "/bin", "usr/bin", "/usr/bin"},
		/* A link into its own place. */
		{{"ro-bind", "/", "ro-bind-try", "/bin", NULL}, "/bin", "bin/x", NULL},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct corral_spec s;
		struct mount_plan p;
		size_t i = plan_of(&s, &p, cases[c].keys, cases[c].dst);
		char t[4096];
		long b = mountplan_link_base(&p, i, cases[c].link, t, sizeof(t));
		if (!cases[c].t) {
			if (b >= 0)
				fail_msg("case %zu: linked, want a bind", c);
		} else {
			if (b < 0)
				fail_msg("case %zu: a bind, want a link", c);
			assert_string_equal(t, cases[c].t);
		}
		/* Not bound (a missing ro-bind-try): no link either. */
		if (b >= 0) {
			p.v[b].bound = false;
			assert_true(mountplan_link_base(&p, i, cases[c].link, t, sizeof(t)) < 0);
		}
		mountplan_free(&p);
		option_spec_free(&s);
	}
}

static void test_command_home(void **state)
{
	struct corral_spec s;
	struct corral_error e = {0};
	assert_int_equal(option_defaults(&s, &e), 0);
	setenv("HOME", "/home/caller", 1);
	assert_string_equal(mountplan_command_home(&s), "/home/caller");
	apply(&s, "unsetenv", "HOME");
	assert_null(mountplan_command_home(&s));
	apply(&s, "unsetenv", "");
	apply(&s, "clearenv", "yes");
	assert_null(mountplan_command_home(&s));
	apply(&s, "setenv", "HOME=/a");
	apply(&s, "setenv", "HOME=/b");
	assert_string_equal(mountplan_command_home(&s), "/b");
	option_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_overlay_syntax),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_implicit),
		cmocka_unit_test(test_command_home),
		cmocka_unit_test(test_link_base),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

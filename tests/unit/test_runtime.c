/* Unit tests of runtime.c: a record read back, a stale one refused and
 * removed, a record not the caller's refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

static void put(int dir, const char *name, const char *text, mode_t mode)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

/* A record of this process, as if it were both supervisor and init. */
static void record_of_self(int dir, unsigned long long start, mode_t mode)
{
	char text[1024], name[64];
	pid_t me = getpid();
	snprintf(text, sizeof(text),
		 "# corral run record\nversion 1\nsupervisor %d %llu\ninit %d %llu\nuid %u\n"
		 "userns 0\nlearn 0\nfilter 0\nstarted 1700000000\n"
		 "ns user 4 4026531837\nns mnt 4 4026532173\nns time 4 1\nns pid 4\n"
		 "profiles default,build\n"
		 "limits memory=64M pids=8\narg sh\narg -c\narg echo a?b\n"
		 "cgroup /sys/fs/cgroup/pids/corral-%d\nspec\nmemory = 64M\npids = 8\n",
		 (int)me, start, (int)me, start, (unsigned)getuid(), (int)me);
	snprintf(name, sizeof(name), "%d.run", (int)me);
	put(dir, name, text, mode);
}

static int tmpdir(char *tmpl)
{
	assert_non_null(mkdtemp(tmpl));
	int dir = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dir >= 0);
	return dir;
}

static void test_record_read(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/corral-unit-runtime.XXXXXX";
	int dir = tmpdir(tmpl);
	unsigned long long start = runtime_start_time(getpid());
	assert_true(start > 0);
	record_of_self(dir, start, 0600);

	struct runtime_record r;
	struct corral_error e = {0};
	assert_int_equal(runtime_record_read(dir, getpid(), &r, &e), 1);
	assert_int_equal(r.supervisor, getpid());
	assert_int_equal(r.init, getpid());
	assert_string_equal(r.profiles, "default,build");
	assert_string_equal(r.limits, "memory=64M pids=8");
	assert_int_equal(r.argv.n, 3);
	assert_string_equal(r.argv.v[2], "echo a?b");
	assert_int_equal(r.cgroups.n, 1);
	assert_string_equal(r.spec, "memory = 64M\npids = 8\n");
	/* The namespaces named, and only those: a kind --join does not
	 * enter (time) and a damaged line (pid) count for nothing. */
	assert_int_equal(r.ns_known, 1u << 0 | 1u << 1);
	assert_int_equal(r.ns[1].dev, 4);
	assert_int_equal(r.ns[1].ino, 4026532173ULL);
	assert_int_equal(r.ns[0].ino, 4026531837ULL);
	runtime_record_free(&r);

	/* None for another pid. */
	assert_int_equal(runtime_record_read(dir, 1, &r, &e), 0);

	/* Writable by others: not read. */
	record_of_self(dir, start, 0622);
	assert_true(runtime_record_read(dir, getpid(), &r, &e) < 0);
	assert_true(r.spec == NULL);

	/* Another start time (a reused pid): stale, and removed. */
	record_of_self(dir, start + 1, 0600);
	assert_int_equal(runtime_record_read(dir, getpid(), &r, &e), -ESTALE);
	char name[64];
	snprintf(name, sizeof(name), "%d.run", (int)getpid());
	assert_int_equal(faccessat(dir, name, F_OK, 0), -1);

	close(dir);
	rmdir(tmpl);
}

static void test_start_time(void **state)
{
	(void)state;
	assert_true(runtime_start_time(getpid()) > 0);
	assert_true(runtime_start_time(1) > 0 || access("/proc/1/stat", R_OK) != 0);
	assert_int_equal(runtime_start_time(0), 0);
	assert_int_equal(runtime_start_time(-5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_read),
		cmocka_unit_test(test_start_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

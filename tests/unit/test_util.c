/* Unit tests of util.c: the small-file reader and writer, string vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/* A temporary directory with file "f" holding len bytes of 'x'. */
static int dir_with_file(char *tmpl, size_t len)
{
	assert_non_null(mkdtemp(tmpl));
	int dir = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dir >= 0);
	char *text = malloc(len + 1);
	memset(text, 'x', len);
	text[len] = '\0';
	assert_int_equal(write_file_at(dir, "f", text), -ENOENT); /* no O_CREAT */
	int fd = openat(dir, "f", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(write_file_at(dir, "f", text), 0);
	free(text);
	return dir;
}

static void remove_dir(int dir, const char *path)
{
	unlinkat(dir, "f", 0);
	close(dir);
	rmdir(path);
}

static void test_read_file_at(void **state)
{
	char tmpl[] = "/tmp/corral-unit.XXXXXX", buf[8];
	int dir = dir_with_file(tmpl, 7);
	/* Exactly what fits (7 bytes and the NUL). */
	assert_int_equal(read_file_at(dir, "f", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "xxxxxxx");
	/* A file cut to fit would be a wrong value: refused. */
	char small[7];
	assert_int_equal(read_file_at(dir, "f", small, sizeof(small)), -EFBIG);
	assert_int_equal(read_file_at(dir, "missing", buf, sizeof(buf)), -ENOENT);
	remove_dir(dir, tmpl);
}

/* signals_ignored reads the same set as asking sigaction signal by signal:
 * the two ignored here, a real-time one among them, and nothing else. */
static void test_signals_ignored(void **state)
{
	(void)state;
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_hup, old_rt;
	assert_int_equal(sigaction(SIGHUP, &ign, &old_hup), 0);
	assert_int_equal(sigaction(SIGRTMIN + 3, &ign, &old_rt), 0);
	sigset_t set;
	assert_int_equal(signals_ignored(&set), 0);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;
		bool ignored = sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
		assert_int_equal(sigismember(&set, sig) == 1, ignored);
	}
	assert_true(sigismember(&set, SIGHUP) == 1);
	assert_true(sigismember(&set, SIGRTMIN + 3) == 1);
	assert_true(sigismember(&set, SIGTERM) == 0);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGRTMIN + 3, &old_rt, NULL);
}

static void test_strv(void **state)
{
	struct strv a = {0}, b = {0};
	assert_int_equal(strv_push(&a, "one"), 0);
	assert_int_equal(strv_push(&a, "two"), 0);
	assert_int_equal(a.n, 2);
	assert_null(a.v[2]);
	assert_true(strv_contains(&a, "two"));
	assert_false(strv_contains(&a, "three"));
	assert_int_equal(strv_copy(&b, &a), 0);
	assert_string_equal(b.v[1], "two");
	strv_clear(&a);
	strv_clear(&b);
	assert_int_equal(a.n, 0);
	assert_null(a.v);
}

static const char *closest(const char *word, const char *const *candidates)
{
	static struct suggest sg;
	suggest_init(&sg, word);
	for (; *candidates; candidates++)
		suggest_offer(&sg, *candidates);
	return suggest_best(&sg);
}

/* In a child: fds 3 up to 10 open, keep two (in either order), the rest
 * closed; exit 0 when so. */
static int keep2_in_child(int keep, int also)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (int fd = 3; fd <= 10; fd++)
			if (dup2(0, fd) < 0)
				_exit(2);
		close_inherited_fds_keep2(keep, also, false);
		for (int fd = 3; fd <= 10; fd++)
			if ((fcntl(fd, F_GETFD) >= 0) != (fd == keep || fd == also))
				_exit(1);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_close_inherited_keep2(void **state)
{
	(void)state;
	assert_int_equal(keep2_in_child(5, 8), 0);
	assert_int_equal(keep2_in_child(8, 5), 0);
	assert_int_equal(keep2_in_child(3, 4), 0);
	assert_int_equal(keep2_in_child(7, 7), 0);
	assert_int_equal(keep2_in_child(6, -1), 0);
	assert_int_equal(keep2_in_child(-1, -1), 0);
}

static void test_suggest(void **state)
{
	(void)state;
	const char *const names[] = {"ptrace", "pread64", "mount", "NET_ADMIN", "host", NULL};
	assert_string_equal(closest("ptrce", names), "ptrace");
	assert_string_equal(closest("mounnt", names), "mount");
	assert_string_equal(closest("mnout", names), "mount"); /* a swap is one edit */
	assert_string_equal(closest("net_admn", names), "NET_ADMIN"); /* any case */
	assert_string_equal(closest("hostt", names), "host");
	assert_null(closest("zzzzzz", names));
	assert_null(closest("ab", names)); /* more wrong than right: no guess */
	assert_int_equal(edit_distance("abc", "abc"), 0);
	assert_int_equal(edit_distance("abc", "acb"), 1);
	assert_int_equal(edit_distance("", "abc"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file_at),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_signals_ignored),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_close_inherited_keep2),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}

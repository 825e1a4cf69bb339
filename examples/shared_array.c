/* shared_array: an array in an mmap'd region filled by several children.
 *
 *   shared_array [SIZE [CHILDREN]]
 *
 * The parent maps SIZE bytes (default 8M; suffixes K, M, G) of shared
 * anonymous memory as an array of 32-bit numbers. CHILDREN (default 4) each
 * fill their own slice with a[i] = i * 2654435761; the parent then checks
 * every entry. Shared memory is charged to the sandbox's memory cgroup: 8M
 * fits under corral --memory 16M, 1G does not, and the kernel's OOM killer
 * kills the children. The parent then dies of the same signal, as a shell
 * passes on its child's death, so corral sees its command SIGKILLed by the
 * OOM killer: exit 137, verdict "oom". Exits 1 if an entry is wrong or a
 * child failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "shared_array: %s: %s\n", what, strerror(errno));
	exit(1);
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; end++; break;
	case '\0': break;
	default: return 0;
	}
	return *end ? 0 : (size_t)v;
}

static uint32_t value(size_t i)
{
	return (uint32_t)(i * 2654435761u);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	size_t size = argc > 1 ? parse_size(argv[1]) : 8 << 20;
	int children = argc > 2 ? atoi(argv[2]) : 4;
	if (argc > 3 || size < sizeof(uint32_t) || children < 1 || children > 256) {
		fprintf(stderr, "usage: shared_array [SIZE[K|M|G] [CHILDREN]]\n");
		return 2;
	}
	size_t n = size / sizeof(uint32_t);
	uint32_t *a = mmap(NULL, n * sizeof(uint32_t), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		die("mmap");
	printf("parent PID %d: %zu entries (%zu KiB) shared, %d children fill them\n",
	       (int)getpid(), n, n * sizeof(uint32_t) >> 10, children);

	for (int c = 0; c < children; c++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			size_t from = n / (size_t)children * (size_t)c;
			size_t to = c == children - 1 ? n : n / (size_t)children * (size_t)(c + 1);
			for (size_t i = from; i < to; i++)
				a[i] = value(i);
			_exit(0);
		}
	}
	int failed = 0, killed_by = 0;
	for (int c = 0; c < children; c++) {
		int st;
		while (wait(&st) < 0)
			if (errno != EINTR)
				die("wait");
		if (WIFSIGNALED(st)) {
			killed_by = WTERMSIG(st);
		} else if (WEXITSTATUS(st) != 0) {
			failed = 1;
		}
	}
	if (killed_by) {
		printf("parent: a child was killed by signal %d (%s); passing it on\n", killed_by,
		       strsignal(killed_by));
		signal(killed_by, SIG_DFL);
		raise(killed_by);
	}
	if (failed)
		return 1;

	size_t wrong = 0;
	for (size_t i = 0; i < n; i++)
		wrong += a[i] != value(i);
	printf("parent: %zu of %zu entries correct\n", n - wrong, n);
	return wrong ? 1 : 0;
}

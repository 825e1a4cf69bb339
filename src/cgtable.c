/* cgtable.c: libcgroup's mount table is not zeroed twice, and /proc/mounts
 * is read once a run.
 *
 * cgroup_init begins by zeroing libcgroup's mount table, cg_mount_table: 100
 * entries of two 4 kB paths each, 821 kB, of which a host uses a dozen. In
 * corral the table is in the static binary's .bss, which the kernel gives
 * zeroed and maps on first touch, so that memset only makes the kernel
 * allocate and clear 205 pages that nothing reads: about 800 kB of the
 * supervisor's peak RSS (2.2 MB with limits against 1.2 MB without) and
 * 205 of the ~270 page faults the limits add, each a first touch of fresh
 * memory, which costs 4 to 25 ms per launch on a loaded VM (bench/README).
 *
 * The static corral is linked with -Wl,--wrap=memset (Makefile), so every
 * memset call outside glibc comes here. The first memset of zeros over the
 * table is skipped: it is the first write the table ever gets (libcgroup
 * refuses every other call before cgroup_init, and corral calls cgroup_init
 * once), so its bytes are still the loader's zeros. Every other memset,
 * including a second cgroup_init's, is memset. libcgroup still does all the
 * cgroup work; it only does not pay to write zeros over zeros.
 *
 * libcgroup 2.0 also opens /proc/mounts again before each directory it
 * makes and each value it writes (cg_test_mounted_fs: is any cgroup file
 * system mounted?), 9 times for --memory --cpus --pids on a v1 host (4
 * directories, 5 values), each an open, the kernel's text of every mount
 * and a close: 0.3 ms (libcgroup's create, 0.64 -> 0.35 ms) of the
 * supervisor's way to READY, which with limits is as long as init's. With
 * -Wl,--wrap=fopen, libcgroup's fopen of /proc/mounts for reading comes
 * here: the first reads the file whole, and each is served that text from
 * memory (fmemopen). The table cgroup_init builds from that first read is
 * what libcgroup uses for the whole run anyway; the later reads only ask
 * again whether a cgroup file system is mounted, which one run does not
 * change. Every other fopen is fopen.
 *
 * If a libcgroup has no such symbol, the weak reference is NULL and nothing
 * is skipped. Nothing calls this file: --wrap pulls it from the library, and
 * links without --wrap (unit tests, the dynamic build) leave it out. */
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char cg_mount_table[] __attribute__((weak));
void *__real_memset(void *s, int c, size_t n);
void *__wrap_memset(void *s, int c, size_t n);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);

void *__wrap_memset(void *s, int c, size_t n)
{
	static bool table_written;
	if (s == (void *)cg_mount_table && s) {
		bool first = !table_written;
		table_written = true;
		if (first && c == 0)
			return s;
	}
	return __real_memset(s, c, n);
}

/* /proc/mounts whole into *text, or -1. */
static int read_mounts(char **text, size_t *len)
{
	int fd = open("/proc/mounts", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t cap = 16384, n = 0;
	char *b = malloc(cap);
	ssize_t r = 0;
	while (b && (r = read(fd, b + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap) {
			char *bigger = realloc(b, cap *= 2);
			if (!bigger)
				free(b);
			b = bigger;
		}
	}
	close(fd);
	if (!b || r < 0 || n == 0) {
		free(b);
		return -1;
	}
	*text = b;
	*len = n;
	return 0;
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	static char *text;
	static size_t len;
	if (strcmp(path, "/proc/mounts") != 0 || mode[0] != 'r' || strchr(mode, '+'))
		return __real_fopen(path, mode);
	if (!text && read_mounts(&text, &len) < 0)
		return __real_fopen(path, mode);
	FILE *f = fmemopen(text, len, "r");
	return f ? f : __real_fopen(path, mode);
}

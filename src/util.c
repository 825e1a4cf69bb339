/* util.c: string vectors and small I/O helpers. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

int strv_push(struct strv *s, const char *value)
{
	char **v = realloc(s->v, (s->n + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	v[s->n] = strdup(value);
	if (!v[s->n])
		return -ENOMEM;
	v[++s->n] = NULL;
	return 0;
}

void strv_clear(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

bool strv_contains(const struct strv *s, const char *value)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], value) == 0)
			return true;
	return false;
}

int strv_copy(struct strv *dst, const struct strv *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int r = strv_push(dst, src->v[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool close_range_ok(unsigned first, unsigned last, unsigned flags)
{
	return first > last || syscall(SYS_close_range, first, last, flags) == 0;
}

void close_inherited_fds_keep2(int keep, int also, bool cloexec)
{
	unsigned flags = cloexec ? CLOSE_RANGE_CLOEXEC : 0;
	int k[2] = {keep < also ? keep : also, keep < also ? also : keep};
	unsigned first = 3;
	bool ok = true;
	for (int i = 0; i < 2 && ok; i++) {
		if (k[i] < 3 || (i == 1 && k[1] == k[0]))
			continue;
		ok = close_range_ok(first, (unsigned)k[i] - 1, flags);
		first = (unsigned)k[i] + 1;
	}
	if (ok && close_range_ok(first, ~0U, flags))
		return;
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++) {
		if (fd == keep || fd == also)
			continue;
		if (cloexec)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
		else
			close(fd);
	}
}

void close_inherited_fds(int keep, bool cloexec)
{
	close_inherited_fds_keep2(keep, -1, cloexec);
}

int signals_ignored(sigset_t *set)
{
	char buf[4096];
	if (read_file_at(AT_FDCWD, "/proc/self/status", buf, sizeof(buf)) < 0)
		return -1;
	const char *line = strstr(buf, "\nSigIgn:");
	char *end;
	errno = 0;
	unsigned long long bits = line ? strtoull(line + 8, &end, 16) : 0;
	if (!line || errno || end == line + 8 || (*end != '\n' && *end != '\0'))
		return -1;
	sigemptyset(set);
	for (int sig = 1; sig < NSIG && sig <= 64; sig++)
		if (bits & (1ULL << (sig - 1)))
			sigaddset(set, sig); /* refuses glibc's own (32, 33), as sigaction does */
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got + 1 < size) {
		ssize_t r = read(fd, buf + got, size - 1 - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	/* Full: a byte more means the file was cut, and a value read in part
	 * (a path, a CPU list) is a wrong value, not a short one. */
	if (got + 1 >= size) {
		char more;
		ssize_t r;
		while ((r = read(fd, &more, 1)) < 0 && errno == EINTR)
			;
		if (r < 0)
			return -errno;
		if (r > 0)
			return -EFBIG;
	}
	return (ssize_t)got;
}

int write_file_at(int dirfd, const char *path, const char *value)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return write_all(fd, value, strlen(value));
}

unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 64;
	unsigned d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			unsigned sub = d[i - 1][j - 1] + (ca != cb);
			unsigned del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			unsigned m = sub < del ? sub : del;
			m = m < ins ? m : ins;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < m)
				m = d[i - 2][j - 2] + 1;
			d[i][j] = m;
		}
	return d[la][lb];
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best[0] = '\0';
	s->distance = 3; /* at most two edits away */
}

void suggest_offer(struct suggest *s, const char *candidate)
{
	if (!candidate || strlen(candidate) >= sizeof(s->best))
		return;
	unsigned d = edit_distance(s->word, candidate);
	/* A guess needs more of the word right than wrong. */
	if (d < s->distance && d < strlen(s->word) && d < strlen(candidate)) {
		s->distance = d;
		snprintf(s->best, sizeof(s->best), "%s", candidate);
	}
}

const char *suggest_best(const struct suggest *s)
{
	return s->best[0] ? s->best : NULL;
}

DIR *dir_open_at(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d) {
		int err = errno;
		close(fd);
		errno = err;
	}
	return d;
}

bool fd_private(int fd, bool dir)
{
	struct stat st;
	return fstat(fd, &st) == 0 && st.st_uid == geteuid() && !(st.st_mode & 022) &&
	       (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

int open_dir_nofollow(const char *path, bool make_last, int last_flags)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL, *c = strtok_r(buf, "/", &save);
	while (fd >= 0 && c) {
		char *next_c = strtok_r(NULL, "/", &save);
		if (!next_c && make_last && mkdirat(fd, c, 0700) < 0 && errno != EEXIST) {
			int err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		int next = openat(fd, c, (next_c ? O_PATH : last_flags) | O_DIRECTORY | O_NOFOLLOW |
					   O_CLOEXEC);
		int err = errno;
		close(fd);
		errno = err;
		fd = next;
		c = next_c;
	}
	return fd;
}

/* A page fault is slow in a virtual machine: about 12 us on the VM of
 * bench/results.md (bench/forkstart), against under half a microsecond a
 * page when a range is mapped at once. The supervisor goes about 56 kB
 * deep before clone and init about 40 kB after it (where each page is
 * also a copy of the supervisor's): one MADV_POPULATE_WRITE (Linux 5.14)
 * maps them all, and populates only pages the stack would have touched
 * anyway. Where the kernel lacks it, or part of the range is not mapped,
 * the stack faults in as before: nothing depends on this. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void prefault(void *addr, size_t n)
{
	uintptr_t start = (uintptr_t)addr & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)addr + n + 4095) & ~(uintptr_t)4095;
	if (addr && n)
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

/* glibc's: the stack's end, above main's frame. */
extern void *__libc_stack_end;

void prefault_stack(size_t n)
{
	volatile char here = 0;
	uintptr_t top = (uintptr_t)&here & ~(uintptr_t)4095;
	/* The callers' frames too, up to main's, all mapped already: after
	 * clone a write there (init fills the struct launch in the
	 * supervisor_run frame it came from) is a copy, and copying them in
	 * the same call costs less than a fault for each page written. */
	uintptr_t end = (uintptr_t)__libc_stack_end;
	if (end <= top || end - top > 256 * 1024)
		end = top + 4096;
	if (top > n)
		prefault((void *)(top - n), n + (end - top));
}

/* One block from the heap's top, mapped at once and freed back to the top,
 * where it stays mapped for the allocations that follow. glibc would give a
 * block past M_MMAP_THRESHOLD (128 kB by default) a mapping of its own, and
 * hand the top back to the kernel past M_TRIM_THRESHOLD (also 128 kB): both
 * are raised above n. */
void prefault_heap(size_t n)
{
	mallopt(M_MMAP_THRESHOLD, (int)(n + 64 * 1024));
	mallopt(M_TRIM_THRESHOLD, (int)(n + 256 * 1024));
	void *p = malloc(n);
	prefault(p, n);
	free(p);
}

/* util.h: cleanup helpers and string vectors shared by every module. */
#pragma once

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))

static inline void *steal_pointer(void *pp)
{
	void **p = pp, *r = *p;
	*p = NULL;
	return r;
}

static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

/* A growable, NULL-terminated vector of owned strings. */
struct strv {
	char **v;
	size_t n;
};

int strv_push(struct strv *s, const char *value);
void strv_clear(struct strv *s);
bool strv_contains(const struct strv *s, const char *value);
int strv_copy(struct strv *dst, const struct strv *src);

static inline void strv_clearp(struct strv *s) { strv_clear(s); }
#define _cleanup_strv_ __attribute__((cleanup(strv_clearp)))

/* Milliseconds on CLOCK_MONOTONIC: for durations (wall time, phases). */
double now_ms(void);

/* Close every fd from 3 up except keep (-1: none); with cloexec, mark them
 * close-on-exec instead. close_range(2) where the kernel has it (5.9;
 * CLOSE_RANGE_CLOEXEC 5.11), else one call per fd below the fd limit
 * (at most 65536). */
void close_inherited_fds(int keep, bool cloexec);
/* The same, keeping also as well (-1: none). */
void close_inherited_fds_keep2(int keep, int also, bool cloexec);

/* name in dirfd opened as a directory stream (O_RDONLY | O_DIRECTORY |
 * O_CLOEXEC | flags, e.g. O_NOFOLLOW; "." for dirfd itself), or NULL with
 * errno set. closedir closes it; dirfd stays open. */
DIR *dir_open_at(int dirfd, const char *name, int flags);

/* fd is ours (owner the effective uid) and writable by no one else, and a
 * directory (dir) or a regular file: what corral trusts in its own state
 * directories (the filter cache, the runtime directory). */
bool fd_private(int fd, bool dir);
/* path (absolute) opened one component at a time with O_NOFOLLOW, never
 * through a symlink (not openat2's RESOLVE_NO_SYMLINKS, which kernels
 * before 5.6 and valgrind lack, and which costs about as much); every
 * component but the last O_PATH, the last with last_flags (O_PATH or
 * O_RDONLY), made 0700 first when make_last and missing. -1 with errno. */
int open_dir_nofollow(const char *path, bool make_last, int last_flags);

/* The signals this process ignores (SIG_IGN), from the SigIgn line of
 * /proc/self/status: one read, where asking sigaction takes a call per
 * signal. -1 when /proc cannot tell (not mounted): ask sigaction then. */
int signals_ignored(sigset_t *set);

/* Write all of buf, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* Read exactly len bytes, retrying on EINTR and short reads; -EPIPE at an
 * end of file before them, else 0 or -errno. */
int read_all(int fd, void *buf, size_t len);
/* Read a small file into a NUL-terminated buffer; returns bytes or -errno,
 * -EFBIG when the file does not fit. */
ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size);
/* Write a string to a file (as for /proc and cgroupfs knobs); 0 or -errno. */
int write_file_at(int dirfd, const char *path, const char *value);

/* Map n bytes of this thread's stack below the caller's frame in one call
 * instead of a page fault for each page on the way down (util.c). */
void prefault_stack(size_t n);
/* The same for n bytes at addr (rounded out to whole pages), and for the
 * next n bytes malloc will hand out (the heap's top: a block of n bytes
 * mapped, then freed back to it). */
void prefault(void *addr, size_t n);
void prefault_heap(size_t n);

/* Edit distance between two words, ignoring case: insertions, deletions,
 * substitutions and swaps of two neighbours each count one. */
unsigned edit_distance(const char *a, const char *b);

/* Did-you-mean: offer every valid word, then take the closest to what the
 * user wrote, or NULL when none is within two edits (or when the word is
 * too short for a guess to mean anything). */
struct suggest {
	const char *word;
	char best[64];
	unsigned distance;
};
void suggest_init(struct suggest *s, const char *word);
void suggest_offer(struct suggest *s, const char *candidate);
const char *suggest_best(const struct suggest *s);
